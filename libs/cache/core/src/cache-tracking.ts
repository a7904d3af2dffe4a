/**
 * Server-assisted client-side caching (Redis's tracking.c). Default mode: the keys a tracking client
 * read are remembered in one table (key → client ids, whatever the database, as Redis); a change to a
 * key sends each of them one invalidation and forgets the key. BCAST mode: nothing is remembered;
 * every changed key matching one of a client's prefixes is announced to it. OPTIN/OPTOUT make the
 * remembering depend on CLIENT CACHING yes/no for the next command; NOLOOP leaves out the client's own
 * changes. The table is bounded by `tracking-table-max-keys`: past it, keys are invalidated (and
 * forgotten) oldest first. Pure: the engine delivers the messages this returns.
 */
import { type KeyText } from './cache-keyspace.js';

/** One client's tracking settings (CLIENT TRACKING ON ...). */
export interface CacheClientTracking {
  readonly bcast: boolean;
  readonly optin: boolean;
  readonly optout: boolean;
  readonly noloop: boolean;
  /** The client id invalidations go to; 0 for the client itself. */
  readonly redirectId: number;
  /** BCAST prefixes (latin1 text), in the order given; `''` when BCAST was given none. */
  readonly prefixes: string[];
  /** CLIENT CACHING yes/no was given for the next command. */
  caching: boolean;
  /** The redirect target disconnected (CLIENT LIST flag `R`, TRACKINGINFO `broken_redirect`). */
  brokenRedirect: boolean;
}

/** The part of a client the tracking table needs. */
export interface CacheTrackingClient {
  readonly id: number;
  tracking: CacheClientTracking | null;
}

/** An invalidation to deliver: `keys` null means "flush everything" (FLUSHDB/FLUSHALL). */
export interface CacheTrackingMessage<C> {
  readonly client: C;
  readonly keys: readonly KeyText[] | null;
}

interface BroadcastPrefix<C> {
  readonly clients: Set<C>;
  /** Keys changed since the last broadcast, and who changed them (null: more than one client, or none). */
  readonly keys: Map<KeyText, C | null>;
}

export class CacheTracking<C extends CacheTrackingClient> {
  /**
   * Key → the id of the client that read it, or the ids when several did (most keys have one reader:
   * no Set to allocate per read). Map order is the order keys were first remembered.
   */
  private readonly table = new Map<KeyText, number | Set<number>>();
  private items = 0;
  private readonly prefixes = new Map<string, BroadcastPrefix<C>>();
  private trackingClients = 0;

  constructor(private readonly clientById: (id: number) => C | undefined) {}

  /** Whether anything is tracked at all: key changes need not be reported otherwise. */
  get active(): boolean {
    return this.trackingClients > 0 || this.table.size > 0;
  }

  get stats(): { clients: number; keys: number; items: number; prefixes: number } {
    return { clients: this.trackingClients, keys: this.table.size, items: this.items, prefixes: this.prefixes.size };
  }

  /** enableTracking: options already validated; BCAST prefixes add to those the client has. */
  enable(client: C, options: Omit<CacheClientTracking, 'prefixes' | 'caching' | 'brokenRedirect'>, prefixes: readonly string[]): void {
    const previous = client.tracking;
    if (previous === null) this.trackingClients++;
    const kept = previous?.bcast === true ? previous.prefixes : [];
    client.tracking = { ...options, prefixes: [...kept], caching: false, brokenRedirect: false };
    if (options.bcast) {
      // A Set, not includes(): 20,000 prefixes at once were 200 million comparisons.
      const known = new Set(kept);
      for (const prefix of prefixes.length === 0 ? [''] : prefixes) {
        if (known.has(prefix)) continue;
        known.add(prefix);
        client.tracking.prefixes.push(prefix);
        let entry = this.prefixes.get(prefix);
        if (entry === undefined) {
          entry = { clients: new Set(), keys: new Map() };
          this.prefixes.set(prefix, entry);
        }
        entry.clients.add(client);
      }
    }
  }

  /** disableTracking (CLIENT TRACKING OFF, RESET, disconnection). Its remembered keys go lazily. */
  disable(client: C): void {
    const tracking = client.tracking;
    if (tracking === null) return;
    for (const prefix of tracking.prefixes) {
      const entry = this.prefixes.get(prefix);
      entry?.clients.delete(client);
      if (entry?.clients.size === 0) this.prefixes.delete(prefix);
    }
    client.tracking = null;
    this.trackingClients--;
  }

  /**
   * checkPrefixCollisionsOrReply: the error text, or null when the prefixes do not overlap. Redis
   * takes the new prefixes in order and, for each, reports the first existing prefix (in byte order)
   * it overlaps, else the first later new one; it compares every pair. Here sorting finds the same
   * answer in O(n log n): 20,000 prefixes took 9.8 s pairwise.
   */
  prefixCollision(client: C, prefixes: readonly string[]): string | null {
    // The existing prefixes never overlap one another, so in byte order the only one that can be a
    // prefix of p is p's predecessor, and those p is a prefix of start at p's position.
    const existing = [...(client.tracking?.prefixes ?? [])].sort(compareText);
    const existingOverlap = (prefix: string): string | undefined => {
      const at = lowerBound(existing, prefix);
      const before = existing[at - 1];
      if (before !== undefined && prefix.startsWith(before)) return before;
      const after = existing[at];
      return after !== undefined && after.startsWith(prefix) ? after : undefined;
    };
    const overlapping = newPrefixesWithOverlap(prefixes);
    for (let index = 0; index < prefixes.length; index++) {
      const prefix = prefixes[index] as string;
      const other = existingOverlap(prefix);
      if (other !== undefined) return `Prefix '${prefix}' overlaps with an existing prefix '${other}'. Prefixes for a single client must not overlap.`;
      if (!overlapping[index]) continue;
      // The first new prefix with an overlap: its partners all come later (an earlier one would have
      // been first). Once per error, so a linear scan.
      for (let later = index + 1; later < prefixes.length; later++) {
        const candidate = prefixes[later] as string;
        if (candidate.startsWith(prefix) || prefix.startsWith(candidate)) {
          return `Prefix '${prefix}' overlaps with another provided prefix '${candidate}'. Prefixes for a single client must not overlap.`;
        }
      }
    }
    return null;
  }

  /**
   * trackingRememberKeys after a read-only command of `client` (not in BCAST mode): OPTIN remembers
   * only after CLIENT CACHING yes, OPTOUT skips after CLIENT CACHING no.
   */
  rememberKeys(client: C, keys: readonly KeyText[]): void {
    const tracking = client.tracking;
    if (tracking === null || tracking.bcast) return;
    if ((tracking.optin && !tracking.caching) || (tracking.optout && tracking.caching)) return;
    for (const key of keys) {
      const ids = this.table.get(key);
      if (ids === undefined) {
        this.table.set(key, client.id);
      } else if (typeof ids === 'number') {
        if (ids === client.id) continue;
        this.table.set(key, new Set([ids, client.id]));
      } else {
        if (ids.has(client.id)) continue;
        ids.add(client.id);
      }
      this.items++;
    }
  }

  /**
   * trackingInvalidateKey: `changedBy` is the client whose command changed it (null for expiry,
   * eviction, the table limit); `broadcast` is false for the table limit (no BCAST news). Returns the messages for the clients that read the key; BCAST
   * matches are held until {@link takeBroadcasts}.
   */
  invalidateKey(key: KeyText, changedBy: C | null, broadcast = true): CacheTrackingMessage<C>[] {
    if (broadcast && this.prefixes.size > 0) for (const [prefix, entry] of this.prefixes) {
      if (!key.startsWith(prefix)) continue;
      entry.keys.set(key, entry.keys.has(key) && entry.keys.get(key) !== changedBy ? null : changedBy);
    }
    const ids = this.table.get(key);
    if (ids === undefined) return [];
    this.table.delete(key);
    this.items -= typeof ids === 'number' ? 1 : ids.size;
    const messages: CacheTrackingMessage<C>[] = [];
    for (const id of typeof ids === 'number' ? [ids] : ids) {
      const target = this.clientById(id);
      // Gone, no longer tracking, or switched to BCAST since it read the key: nothing to send.
      if (target === undefined || target.tracking === null || target.tracking.bcast) continue;
      if (target.tracking.noloop && target === changedBy) continue;
      messages.push({ client: target, keys: [key] });
    }
    return messages;
  }

  /** trackingBroadcastInvalidationMessages: per prefix, one message per client with the keys changed. */
  takeBroadcasts(): CacheTrackingMessage<C>[] {
    const messages: CacheTrackingMessage<C>[] = [];
    for (const entry of this.prefixes.values()) {
      if (entry.keys.size === 0) continue;
      for (const client of entry.clients) {
        const keys: KeyText[] = [];
        for (const [key, changedBy] of entry.keys) if (!(client.tracking?.noloop === true && changedBy === client)) keys.push(key);
        if (keys.length > 0) messages.push({ client, keys });
      }
      entry.keys.clear();
    }
    return messages;
  }

  /** trackingInvalidateKeysOnFlush: every tracking client is told to drop everything; the table empties. */
  invalidateAll(clients: Iterable<C>): CacheTrackingMessage<C>[] {
    this.table.clear();
    this.items = 0;
    const messages: CacheTrackingMessage<C>[] = [];
    for (const client of clients) if (client.tracking !== null) messages.push({ client, keys: null });
    return messages;
  }

  /**
   * trackingLimitUsedSlots: past `keysMax` remembered keys (0 = no limit), keys are invalidated until
   * the table fits; oldest first here, where Redis walks its radix tree at random.
   */
  limit(keysMax: number): CacheTrackingMessage<C>[] {
    const messages: CacheTrackingMessage<C>[] = [];
    // Checked before iterating: starting an iterator walks past the slots of deleted keys, which a
    // table that invalidates all the time has many of (this ran after every command).
    if (keysMax === 0 || this.table.size <= keysMax) return messages;
    for (const key of this.table.keys()) {
      if (this.table.size <= keysMax) break;
      messages.push(...this.invalidateKey(key, null, false));
    }
    return messages;
  }
}

/** Byte order of key text (latin1: one code unit per byte), as Redis's rax and memcmp. */
function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The first index of `sorted` whose value is not below `value`. */
function lowerBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * For each prefix, whether another of them is its prefix or has it as a prefix. In byte order the
 * prefixes of the current one form a chain on a stack (popped once it no longer is one); a prefix
 * pushed onto a non-empty stack marked everything below it then, so marking the top suffices.
 */
function newPrefixesWithOverlap(prefixes: readonly string[]): boolean[] {
  const order = prefixes.map((_, index) => index).sort((left, right) => compareText(prefixes[left] as string, prefixes[right] as string));
  const overlapping = prefixes.map(() => false);
  const stack: number[] = [];
  for (const index of order) {
    const prefix = prefixes[index] as string;
    while (stack.length > 0 && !prefix.startsWith(prefixes[stack[stack.length - 1] as number] as string)) stack.pop();
    if (stack.length > 0) {
      overlapping[index] = true;
      overlapping[stack[stack.length - 1] as number] = true;
    }
    stack.push(index);
  }
  return overlapping;
}
