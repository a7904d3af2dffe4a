/**
 * The keyspace of the cache: 16 databases of binary-safe keys with typed values, per-key expiry,
 * lazy expiry on access, a bounded active expiry cycle and a used-memory estimate. Pure: the current
 * time is an argument of every call that may expire a key, randomness comes from a {@link CacheRandom}.
 *
 * Keys are arbitrary bytes. Commands pass them as latin1 JS strings (`Buffer.toString('latin1')`),
 * which maps each byte to one UTF-16 code unit 0-255 and back without loss, so keys compare and hash
 * by content (a `Buffer` would compare by identity in a `Map`). `KeyText` is that representation;
 * `keyTextFromBytes` / `keyBytesFromText` convert. The databases store the bytes themselves, outside
 * the V8 heap (see cache-key-table.ts).
 */
import { type CacheEventClass } from './cache-notifications.js';
import { assert } from '@objectbox/util';
import { type CacheHash } from './cache-hash.js';
import { type CacheList } from './cache-list.js';
import { type CacheSet } from './cache-set.js';
import { type CacheSortedSet } from './cache-sorted-set.js';
import { type CacheStream } from './cache-stream.js';
import { CacheKeyTable, CacheStoredCollection, type CacheCollectionValue, type CacheStoredValue } from './cache-key-table.js';
import { parseSmallIntegerBytes, writeIntegerDigits } from './cache-number.js';
import { CacheStringValue, cacheStringInlineBytesMax, latin1TextOf } from './cache-string-value.js';

/** Where {@link CacheDatabase.incrementSmallInteger} writes a result's digits (a safe integer has at most 17 chars). */
const integerDigitsScratch = Buffer.alloc(24);

/** A key as a latin1 string: one char per byte (see the file header). */
export type KeyText = string & { readonly __brand: 'KeyText' };

export function keyTextFromBytes(bytes: Uint8Array): KeyText {
  return latin1TextOf(bytes) as KeyText;
}

export function keyBytesFromText(key: KeyText): Buffer {
  return Buffer.from(key, 'latin1');
}

/**
 * What every collection value (list, hash, set, sorted set) tells the keyspace: its element count, its
 * memory estimate (kept up to date by the collection itself, O(1) to read) and the encoding name
 * OBJECT ENCODING reports (Redis's names: listpack, quicklist, hashtable, intset, skiplist).
 */
export interface CacheCollection {
  readonly length: number;
  readonly sizeBytes: number;
  readonly encoding: string;
}

/**
 * A stored value; `type` is the name TYPE replies with. Collections are mutated in place by their
 * commands, which then call {@link CacheDatabase.modified} (memory accounting, WATCH, blocked
 * clients); a collection that becomes empty is deleted, as in Redis.
 */
export type CacheValue =
  | CacheStringValue
  | { readonly type: 'list'; readonly list: CacheList }
  | { readonly type: 'hash'; readonly hash: CacheHash }
  | { readonly type: 'set'; readonly set: CacheSet }
  | { readonly type: 'zset'; readonly zset: CacheSortedSet }
  | { readonly type: 'stream'; readonly stream: CacheStream };

export type CacheValueType = CacheValue['type'];

/**
 * A snapshot of one key's entry, taken by {@link CacheDatabase.lookup} / {@link CacheDatabase.peek}:
 * later changes to the key do not show in it (collections are the stored objects themselves, so
 * their contents do). The database keeps no entry object per key (see cache-key-table.ts).
 */
export interface CacheEntry {
  readonly value: CacheValue;
  /** Absolute (Unix ms), or null for no expiry. */
  readonly expireAtMs: number | null;
  /** The estimate counted in `usedMemoryBytes` for this entry. */
  readonly sizeBytes: number;
  /**
   * Last access in whole seconds since {@link cacheClockEpochMs} (Redis's LRU clock has 1 s
   * resolution too): LRU eviction and OBJECT IDLETIME.
   */
  readonly accessedAtSeconds: number;
  /** Redis's logarithmic LFU counter (0-255, new keys start at 5), as of the last access: see {@link lfuCounterOf}. */
  readonly lfuCounter: number;
  /** Minutes since {@link cacheClockEpochMs} up to which `lfuCounter` has been decayed. */
  readonly lfuDecayedAtMinutes: number;
}

/** The epoch of the per-key access clocks: 2020-01-01T00:00:00Z. */
export const cacheClockEpochMs = 1_577_836_800_000;

export function accessClockSecondsOf(nowMs: number): number {
  return Math.floor((nowMs - cacheClockEpochMs) / 1000);
}

/** Milliseconds since the entry's last access, at `nowMs` (1 s resolution). */
export function idleMsOf(entry: CacheEntry, nowMs: number): number {
  return Math.max(0, nowMs - (cacheClockEpochMs + entry.accessedAtSeconds * 1000));
}

/**
 * Redis's LFUDecrAndReturn: the entry's LFU counter less one per whole minute (lfu-decay-time 1) since
 * its last decay, at `nowMs`. The stored counter decays only when the key is accessed, so a key hot
 * long ago and idle since would otherwise keep looking hot to eviction and OBJECT FREQ.
 */
export function lfuCounterOf(entry: CacheEntry, nowMs: number): number {
  const periods = Math.floor(accessClockSecondsOf(nowMs) / 60) - entry.lfuDecayedAtMinutes;
  return periods > 0 ? Math.max(0, entry.lfuCounter - periods) : entry.lfuCounter;
}

/** Injected randomness (RANDOMKEY, later eviction sampling). */
export interface CacheRandom {
  /** A uniformly distributed integer in [0, countExclusive). */
  nextIndex(countExclusive: number): number;
}

export const cacheDatabaseCount = 16;

/**
 * Fixed per-entry overhead of the memory estimate (what maxmemory and INFO used_memory count). It
 * was sized for a map slot, an entry object and a value object; the key table needs less now, but the
 * estimate is kept so that maxmemory settings keep evicting at the same key counts.
 */
export const cacheEntryOverheadBytes = 96;

function valueSizeBytes(value: CacheValue): number {
  switch (value.type) {
    case 'string':
      return value.byteLength;
    case 'list':
      return value.list.sizeBytes;
    case 'hash':
      return value.hash.sizeBytes;
    case 'set':
      return value.set.sizeBytes;
    case 'zset':
      return value.zset.sizeBytes;
    case 'stream':
      return value.stream.sizeBytes;
  }
}

/** What happened to a key: for keyspace notifications (new, del, expired, evicted events). */
export type CacheKeyChange = 'created' | 'changed' | 'deleted' | 'expired' | 'evicted';

/**
 * Told about every change to a key, like Redis's signalModifiedKey / signalKeyAsReady /
 * signalFlushedDb: WATCH invalidation, waking clients blocked on a key, keyspace notifications.
 */
export interface CacheKeyspaceListener {
  keyModified(databaseIndex: number, key: KeyText, change: CacheKeyChange): void;
  /**
   * False when {@link keyModified} would do nothing now (no notifications, WATCH or blocked client):
   * a plain SET may then skip making its key's text just to signal it. Absent means always true.
   */
  keysWanted?(): boolean;
  /**
   * Database `databaseIndex` is about to lose the content `emptied` (FLUSHDB/FLUSHALL: replacedWith is
   * null) or has just had it replaced by `replacedWith` (SWAPDB); both are still readable.
   */
  databaseReplaced(databaseIndex: number, emptied: CacheDatabase, replacedWith: CacheDatabase | null): void;
  /** An event a command reports without changing the key's value (XGROUP CREATECONSUMER): notifications only. */
  keyEvent?(databaseIndex: number, key: KeyText, eventClass: CacheEventClass, event: string): void;
}

function entrySizeBytes(key: KeyText, value: CacheValue): number {
  return cacheEntryOverheadBytes + key.length + valueSizeBytes(value);
}


function storedFormOf(value: CacheValue, sizeBytes: number): CacheStoredValue {
  return value.type === 'string' ? value.data : new CacheStoredCollection(value, sizeBytes);
}

function valueOfStored(stored: CacheStoredValue): CacheValue {
  return stored instanceof CacheStoredCollection ? stored.value : new CacheStringValue(stored, true);
}

export interface ScanPage {
  /** 0 when the iteration is complete. */
  readonly cursorNext: bigint;
  readonly keys: readonly KeyText[];
}

/**
 * One database. Keys and values live in a {@link CacheKeyTable} (which also keeps the scan order and
 * the LRU/LFU state); keys with an expiry are also in `expires` (like Redis's `db->expires` dict),
 * which the active expiry cycle walks with a resumable iterator (Redis walks it with
 * `db->expires_cursor`). A key without expiry pays nothing for the feature.
 */
export class CacheDatabase {
  /** The listener the keyspace installed (set once, before use). */
  listener: CacheKeyspaceListener | null = null;
  /** Invariant: its keys are a subset of the table's keys. */
  readonly expires = new Map<KeyText, number>();
  usedMemoryBytes = 0;
  private readonly table: CacheKeyTable;
  private expiresIterator: Iterator<[KeyText, number]> | null = null;

  /** The database number; changes only when SWAPDB moves this database. */
  index: number;

  /** `hashSeed`: see {@link CacheKeyspaceOptions.hashSeed}. */
  constructor(index: number, hashSeed: number) {
    this.index = index;
    this.table = new CacheKeyTable(hashSeed);
  }

  get size(): number {
    return this.table.size;
  }

  /** Whether `key` is stored, expired or not. */
  has(key: KeyText): boolean {
    return this.table.has(key);
  }

  /** Every stored key, expired or not, in insertion order. */
  keys(): IterableIterator<KeyText> {
    return this.table.liveKeys();
  }

  /** A snapshot of the stored entry, expired or not, without counting an access (eviction, tests). */
  entryOf(key: KeyText): CacheEntry | undefined {
    const slot = this.table.slotOf(key);
    return slot < 0 ? undefined : this.snapshot(key, slot, this.expireAtMsOf(key));
  }

  /**
   * After a collection was changed in place: updates the memory estimate and signals the change
   * (WATCH, blocked clients). Deletes the key when the collection became empty, as Redis does (a
   * stream stays: XDEL and XTRIM leave an empty stream, with its last ID and groups).
   */
  modified(key: KeyText): void {
    const slot = this.slotOfRecent(key);
    assert(slot >= 0, 'modified() on a missing key');
    const stored = this.table.valueAt(slot);
    if (stored instanceof CacheStoredCollection) {
      const collection = collectionOf(stored.value);
      if (collection.length === 0 && stored.value.type !== 'stream') {
        this.delete(key);
        return;
      }
      const sizeBytes = entrySizeBytes(key, stored.value);
      this.usedMemoryBytes += sizeBytes - stored.countedSizeBytes;
      stored.countedSizeBytes = sizeBytes;
    }
    this.listener?.keyModified(this.index, key, 'changed');
  }
  /**
   * After a change that Redis does not signal (a consumer group's pending entries, XACK, XCLAIM):
   * only the memory estimate follows the collection's size.
   */
  resized(key: KeyText): void {
    const slot = this.slotOfRecent(key);
    assert(slot >= 0, 'resized() on a missing key');
    const stored = this.table.valueAt(slot);
    if (!(stored instanceof CacheStoredCollection)) return;
    const sizeBytes = entrySizeBytes(key, stored.value);
    this.usedMemoryBytes += sizeBytes - stored.countedSizeBytes;
    stored.countedSizeBytes = sizeBytes;
  }

  /**
   * The entry if it exists and is not expired at `nowMs`; an expired one is deleted (lazy expiry). A
   * found entry counts as accessed (LRU/LFU), as Redis's lookupKey, unless `touch` is false
   * (LOOKUP_NOTOUCH: EXISTS, TYPE, TTL and the like only look).
   */
  lookup(key: KeyText, nowMs: number, touch = true): CacheEntry | undefined {
    const slot = this.table.slotOf(key);
    if (slot < 0) return undefined;
    const expireAtMs = this.expireAtMsOf(key);
    if (expireAtMs !== null && expireAtMs <= nowMs) {
      this.expireOnLookup(key);
      return undefined;
    }
    if (touch) this.table.recordAccess(slot, accessClockSecondsOf(nowMs));
    return this.snapshot(key, slot, expireAtMs);
  }

  /**
   * RESTORE's IDLETIME / FREQ: the key counts as last accessed `idleSeconds` ago and its LFU counter
   * is `lfuCounter`; null keeps what the write just recorded. No-op for a missing key.
   */
  setAccessFacts(key: KeyText, facts: { idleSeconds: number | null; lfuCounter: number | null }, nowMs: number): void {
    const slot = this.table.slotOf(key);
    if (slot < 0) return;
    const nowSeconds = accessClockSecondsOf(nowMs);
    const accessedAtSeconds = facts.idleSeconds === null ? this.table.accessedAtSecondsAt(slot) : nowSeconds - facts.idleSeconds;
    const lfuCounter = facts.lfuCounter ?? this.table.lfuCounterAt(slot);
    this.table.setAccessFacts(slot, accessedAtSeconds, lfuCounter, nowSeconds);
  }

  /**
   * {@link lookup} (lazy expiry, access recorded) for what most commands need, the value in its
   * stored form, without building a snapshot of the entry's other facts: a string is its latin1 text
   * (small) or Buffer (large), not wrapped; a collection is a {@link CacheStoredCollection}.
   */
  lookupStored(key: KeyText, nowMs: number): CacheStoredValue | undefined {
    const slot = this.table.slotOf(key);
    if (slot < 0) return undefined;
    if (this.expires.size > 0) {
      const expireAtMs = this.expires.get(key);
      if (expireAtMs !== undefined && expireAtMs <= nowMs) {
        this.expireOnLookup(key);
        return undefined;
      }
    }
    this.table.recordAccess(slot, accessClockSecondsOf(nowMs));
    this.recentKey = key;
    this.recentSlot = slot;
    this.recentSlotLayoutVersion = this.table.slotLayoutVersion;
    return this.table.valueAt(slot);
  }

  /**
   * {@link lookupStored} for a key given as its bytes (GET's argument): while no key in the database
   * has an expiry, no key string is made at all (making one costs more than the lookup).
   */
  lookupStoredBytes(key: Uint8Array, nowMs: number): CacheStoredValue | undefined {
    if (this.expires.size > 0) return this.lookupStored(keyTextFromBytes(key), nowMs);
    const slot = this.table.slotOfBytes(key);
    if (slot < 0) return undefined;
    this.table.recordAccess(slot, accessClockSecondsOf(nowMs));
    return this.table.valueAt(slot);
  }

  /**
   * Whether `key` exists at `nowMs`: {@link lookupStored} (lazy expiry, access recorded, the slot
   * remembered for a following {@link set}) without making the value's string (SET's check).
   */
  exists(key: KeyText, nowMs: number): boolean {
    const slot = this.table.slotOf(key);
    if (slot < 0) return false;
    if (this.expires.size > 0) {
      const expireAtMs = this.expires.get(key);
      if (expireAtMs !== undefined && expireAtMs <= nowMs) {
        this.expireOnLookup(key);
        return false;
      }
    }
    this.table.recordAccess(slot, accessClockSecondsOf(nowMs));
    this.recentKey = key;
    this.recentSlot = slot;
    this.recentSlotLayoutVersion = this.table.slotLayoutVersion;
    return true;
  }

  /**
   * The last key {@link lookupStored} or {@link exists} found and its slot: a command looks its key
   * up, changes the value, then calls {@link modified} or {@link set} on the same key, which need
   * not hash and probe again while no removal renumbered the slots.
   */
  private recentKey: KeyText | null = null;
  private recentSlot = -1;
  private recentSlotLayoutVersion = -1;

  private slotOfRecent(key: KeyText): number {
    if (key === this.recentKey && this.recentSlotLayoutVersion === this.table.slotLayoutVersion) return this.recentSlot;
    return this.table.slotOf(key);
  }

  /** {@link lookupStored} as a {@link CacheValue}. */
  lookupValue(key: KeyText, nowMs: number): CacheValue | undefined {
    const stored = this.lookupStored(key, nowMs);
    return stored === undefined ? undefined : valueOfStored(stored);
  }

  /** Keys deleted by lazy or active expiry since the start (INFO expired_keys). */
  expiredCount = 0;
  /**
   * While true (CLIENT PAUSE), a lookup treats an expired key as missing but leaves it stored, as
   * Redis's expireIfNeeded does while clients are paused: no expiry is a write a replica would see.
   */
  lazyExpiryHeld = false;

  /** Lazy expiry of a key a lookup found past its time (deleted unless {@link lazyExpiryHeld}). */
  private expireOnLookup(key: KeyText): void {
    if (this.lazyExpiryHeld) return;
    this.delete(key, 'expired');
    this.expiredCount++;
  }
  /** The time of the command being run (Redis's commandTimeSnapshot): access time of new keys. */
  commandTimeMs = 0;

  /** Like {@link lookup} but never deletes (KEYS, which Redis leaves to the expiry machinery). */
  peek(key: KeyText, nowMs: number): CacheEntry | undefined {
    const slot = this.table.slotOf(key);
    if (slot < 0) return undefined;
    const expireAtMs = this.expireAtMsOf(key);
    if (expireAtMs !== null && expireAtMs <= nowMs) return undefined;
    return this.snapshot(key, slot, expireAtMs);
  }

  /**
   * The key's expiry, or null. Checks the size first as Redis's getExpire does: with no volatile key
   * in the database (the common case) a lookup costs one hash probe, not two.
   */
  private expireAtMsOf(key: KeyText): number | null {
    if (this.expires.size === 0) return null;
    return this.expires.get(key) ?? null;
  }

  /** The estimate counted for the key in `slot`: computed for strings, remembered for collections. */
  private sizeBytesAt(key: KeyText | Uint8Array, slot: number): number {
    const stringByteLength = this.table.stringByteLengthAt(slot);
    if (stringByteLength >= 0) return cacheEntryOverheadBytes + key.length + stringByteLength;
    return (this.table.valueAt(slot) as CacheStoredCollection).countedSizeBytes;
  }

  private snapshot(key: KeyText, slot: number, expireAtMs: number | null): CacheEntry {
    return {
      value: valueOfStored(this.table.valueAt(slot)),
      expireAtMs,
      sizeBytes: this.sizeBytesAt(key, slot),
      accessedAtSeconds: this.table.accessedAtSecondsAt(slot),
      lfuCounter: this.table.lfuCounterAt(slot),
      lfuDecayedAtMinutes: this.table.lfuDecayedAtMinutesAt(slot),
    };
  }

  /** Stores `value`; keeps the old expiry when `keepExpiry` (SET KEEPTTL, SETRANGE, APPEND, INCR). */
  set(options: { key: KeyText; value: CacheValue; expireAtMs: number | null; keepExpiry: boolean }): void {
    const { key, value } = options;
    const sizeBytes = entrySizeBytes(key, value);
    const stored = storedFormOf(value, sizeBytes);
    const slot = this.slotOfRecent(key);
    if (slot >= 0) {
      this.usedMemoryBytes += sizeBytes - this.sizeBytesAt(key, slot);
      this.table.replaceValueAt(slot, stored);
      if (!options.keepExpiry) this.storeExpiry(key, options.expireAtMs);
      this.listener?.keyModified(this.index, key, 'changed');
      return;
    }
    this.table.insert(key, stored, accessClockSecondsOf(this.commandTimeMs));
    this.usedMemoryBytes += sizeBytes;
    this.storeExpiry(key, options.keepExpiry ? null : options.expireAtMs);
    this.listener?.keyModified(this.index, key, 'created');
  }

  /**
   * Replaces an existing key's value, keeping its expiry, without telling the listener: for changes
   * Redis makes to the object in place without signalModifiedKey (PFDEBUG GETREG/TODENSE's conversion,
   * the elements a PFADD added before it met corrupt data, a BITFIELD that only grew the string), so
   * WATCH stays clean and nothing is published, as there.
   */
  replaceSilently(key: KeyText, value: CacheValue): void {
    const slot = this.slotOfRecent(key);
    assert(slot >= 0, 'replaceSilently() on a missing key');
    const sizeBytes = entrySizeBytes(key, value);
    this.usedMemoryBytes += sizeBytes - this.sizeBytesAt(key, slot);
    this.table.replaceValueAt(slot, storedFormOf(value, sizeBytes));
  }

  /**
   * SET key value without options, key and value given as bytes, when that needs no key text: the
   * value fits inline, no key of this database has an expiry to clear and the listener wants no
   * keys. Then it does what {@link exists} and {@link set} do for SET (the access recorded, the value
   * replaced or the key added) and returns true; otherwise it does nothing and returns false, and
   * the caller takes the general path. Saves making the key's and the value's strings.
   */
  setInlineStringBytes(key: Uint8Array, value: Uint8Array, nowMs: number): boolean {
    if (value.length > cacheStringInlineBytesMax || this.expires.size > 0) return false;
    if (this.listener !== null && this.listener.keysWanted?.() !== false) return false;
    const sizeBytes = cacheEntryOverheadBytes + key.length + value.length;
    const slot = this.table.slotOfBytes(key);
    if (slot >= 0) {
      this.table.recordAccess(slot, accessClockSecondsOf(nowMs));
      this.usedMemoryBytes += sizeBytes - this.sizeBytesAt(key, slot);
      this.table.replaceValueAtInlineBytes(slot, value);
      return true;
    }
    this.table.insertInlineBytes(key, value, accessClockSecondsOf(this.commandTimeMs));
    this.usedMemoryBytes += sizeBytes;
    return true;
  }

  /**
   * INCRBY on a key given as bytes, when that needs no key text (as {@link setInlineStringBytes})
   * and the value is missing or an integer of at most 15 digits and the result a safe integer: the
   * result, written in place of the value (the access recorded, or the key added). Otherwise null,
   * having done nothing: the caller takes the general path, which also answers the errors.
   */
  incrementSmallInteger(key: Uint8Array, increment: number, nowMs: number): number | null {
    if (this.expires.size > 0) return null;
    if (this.listener !== null && this.listener.keysWanted?.() !== false) return null;
    const slot = this.table.slotOfBytes(key);
    const current = slot < 0 ? 0 : this.table.parseInlineValue(slot, parseSmallIntegerBytes);
    if (current === null) return null;
    const result = current + increment;
    if (!Number.isSafeInteger(result)) return null;
    const length = writeIntegerDigits(integerDigitsScratch, result);
    if (slot >= 0) {
      this.table.recordAccess(slot, accessClockSecondsOf(nowMs));
      this.usedMemoryBytes += length - (this.sizeBytesAt(key, slot) - cacheEntryOverheadBytes - key.length);
      this.table.replaceValueAtInlineBytes(slot, integerDigitsScratch, length);
      return result;
    }
    this.table.insertInlineBytes(key, integerDigitsScratch, accessClockSecondsOf(this.commandTimeMs), length);
    this.usedMemoryBytes += cacheEntryOverheadBytes + key.length + length;
    return result;
  }

  /** Sets or clears (null) the expiry of an existing key (EXPIRE, PERSIST, GETEX): a change to the key. */
  setExpiry(key: KeyText, expireAtMs: number | null): void {
    assert(this.table.has(key), 'setExpiry() on a missing key');
    this.storeExpiry(key, expireAtMs);
    this.listener?.keyModified(this.index, key, 'changed');
  }

  private storeExpiry(key: KeyText, expireAtMs: number | null): void {
    // Most databases have no volatile key: no need to hash the key to delete nothing.
    if (expireAtMs !== null) this.expires.set(key, expireAtMs);
    else if (this.expires.size > 0) this.expires.delete(key);
  }

  /** Reports a keyspace notification a command makes without a change listeners see (notifyKeyspaceEvent). */
  notifyKeyEvent(key: KeyText, eventClass: CacheEventClass, event: string): void {
    this.listener?.keyEvent?.(this.index, key, eventClass, event);
  }

  /** Deletes `key`; `reason` tells listeners why (a command, expiry, eviction). */
  delete(key: KeyText, reason: 'deleted' | 'expired' | 'evicted' = 'deleted'): boolean {
    const slot = this.table.slotOf(key);
    if (slot < 0) return false;
    this.usedMemoryBytes -= this.sizeBytesAt(key, slot);
    this.table.remove(key);
    this.expires.delete(key);
    this.listener?.keyModified(this.index, key, reason);
    return true;
  }

  flush(): void {
    // Listeners see the content being dropped first (WATCH tells changed keys from absent ones).
    this.listener?.databaseReplaced(this.index, this, null);
    this.table.clear();
    this.expires.clear();
    this.usedMemoryBytes = 0;
    this.expiresIterator = null;
  }

  /** Every live entry's key in insertion order (SWAPDB, DEBUG, tests); expired ones are skipped, not deleted. */
  *liveKeys(nowMs: number): IterableIterator<KeyText> {
    for (const key of this.table.liveKeys()) {
      const expireAtMs = this.expireAtMsOf(key);
      if (expireAtMs === null || expireAtMs > nowMs) yield key;
    }
  }

  /**
   * Up to `countHint` slots of scan order from `cursor` (a sequence; 0 starts), skipping deleted and
   * expired keys (expired ones are deleted, as Redis's SCAN does).
   */
  scan(options: { cursor: bigint; countHint: number; nowMs: number }): ScanPage {
    assert(options.countHint >= 1, 'scan countHint must be positive');
    const keys: KeyText[] = [];
    const { keys: candidates, cursorNext } = this.table.page(options.cursor, options.countHint);
    for (const key of candidates) if (this.lookup(key, options.nowMs) !== undefined) keys.push(key);
    return { cursorNext, keys };
  }

  /**
   * Up to `count` random keys for eviction sampling (Redis's evictionPoolPopulate samples with
   * dictGetSomeKeys): from all keys, or only those with an expiry (`volatileOnly`, taken from the
   * resumable expiry iterator, which rotates through them). At least one whenever such keys exist.
   */
  sampleKeys(count: number, random: CacheRandom, volatileOnly: boolean): KeyText[] {
    const keys: KeyText[] = [];
    if (volatileOnly) {
      for (let attempts = 0; keys.length < count && attempts < count * 2 && this.expires.size > 0; attempts++) {
        this.expiresIterator ??= this.expires.entries();
        const step = this.expiresIterator.next();
        if (step.done === true) {
          this.expiresIterator = null;
          continue;
        }
        keys.push(step.value[0]);
      }
      return keys;
    }
    for (let attempts = 0; keys.length < count && attempts < count * 4 && this.table.size > 0; attempts++) {
      const key = this.table.drawLive(random);
      if (key !== null) keys.push(key);
    }
    // Every draw hit a removed slot: an empty sample would make eviction give up (OOM) while keys
    // remain, which Redis's sampling never does for a non-empty database.
    const fallback = keys.length === 0 ? this.table.liveKeyFrom(random) : null;
    if (fallback !== null) keys.push(fallback);
    return keys;
  }

  /** A random live key, or null when empty; expired keys found on the way are deleted. */
  randomKey(nowMs: number, random: CacheRandom): KeyText | null {
    while (this.table.size > 0) {
      const key = this.table.drawLive(random);
      if (key !== null && this.lookup(key, nowMs) !== undefined) return key;
    }
    return null;
  }

  /**
   * Visits up to `sampleCountMax` keys with an expiry, resuming where the previous call stopped, and
   * deletes the expired ones. Returns how many were sampled and removed.
   */
  expireSample(nowMs: number, sampleCountMax: number): { sampledCount: number; removedCount: number } {
    let sampledCount = 0;
    let removedCount = 0;
    let restarted = false;
    while (sampledCount < sampleCountMax && this.expires.size > 0) {
      this.expiresIterator ??= this.expires.entries();
      const step = this.expiresIterator.next();
      if (step.done === true) {
        this.expiresIterator = null;
        if (restarted) break;
        restarted = true;
        continue;
      }
      const [key, expireAtMs] = step.value;
      sampledCount++;
      if (expireAtMs <= nowMs) {
        this.delete(key, 'expired');
        this.expiredCount++;
        removedCount++;
      }
    }
    return { sampledCount, removedCount };
  }
}

function collectionOf(value: CacheCollectionValue): CacheCollection {
  switch (value.type) {
    case 'list':
      return value.list;
    case 'hash':
      return value.hash;
    case 'set':
      return value.set;
    case 'zset':
      return value.zset;
    case 'stream':
      return value.stream;
  }
}

export interface ActiveExpireCycleOptions {
  readonly nowMs: number;
  /** Keys with an expiry looked at per database per loop (Redis: ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP, 20). */
  readonly sampleCountMax: number;
  /** Total keys looked at per call across databases: the work budget standing in for Redis's time limit. */
  readonly sampleCountBudget: number;
  /** Keep looping on a database while more than this percentage of a sample was expired (Redis: 10). */
  readonly stalePercentMax: number;
}

export interface ActiveExpireCycleResult {
  readonly removedCount: number;
  readonly sampledCount: number;
}

export interface CacheKeyspaceOptions {
  /**
   * Seed of the key hash (any 32-bit integer). A server takes a random one, so that clients cannot
   * prepare keys that collide in its hash index; tests may use a fixed one (the default, 0).
   */
  readonly hashSeed: number;
}

/** The 16 databases and the state the expiry cycle keeps between calls. */
export class CacheKeyspace {
  /** Indexed by database number; SWAPDB swaps two slots (and their `index`). */
  readonly databases: CacheDatabase[];
  private expireCycleDatabaseIndex = 0;
  private listener: CacheKeyspaceListener | null = null;

  constructor(options: CacheKeyspaceOptions = { hashSeed: 0 }) {
    this.databases = Array.from({ length: cacheDatabaseCount }, (_, index) => new CacheDatabase(index, options.hashSeed));
  }

  /** Installs the one listener told about every key change (the server's WATCH/blocking bookkeeping). */
  setListener(listener: CacheKeyspaceListener): void {
    this.listener = listener;
    for (const database of this.databases) database.listener = listener;
  }

  /** SWAPDB: the two databases trade places; clients see each other's data at once. */
  swapDatabases(first: number, second: number): void {
    const a = this.database(first);
    const b = this.database(second);
    this.databases[first] = b;
    this.databases[second] = a;
    b.index = first;
    a.index = second;
    this.listener?.databaseReplaced(first, a, b);
    this.listener?.databaseReplaced(second, b, a);
  }

  database(index: number): CacheDatabase {
    const database = this.databases[index];
    // The message is built only on failure (every command comes through here).
    if (database === undefined) assert(false, `database index ${index} out of range`);
    return database;
  }

  /** Sets the command time on every database (see {@link CacheDatabase.commandTimeMs}). */
  setCommandTime(nowMs: number): void {
    if (this.commandTimeMs === nowMs) return;
    this.commandTimeMs = nowMs;
    for (const database of this.databases) database.commandTimeMs = nowMs;
  }

  private commandTimeMs = -1;

  /** CLIENT PAUSE holds lazy expiry in every database (see {@link CacheDatabase.lazyExpiryHeld}). */
  holdLazyExpiry(held: boolean): void {
    for (const database of this.databases) database.lazyExpiryHeld = held;
  }

  get expiredCount(): number {
    let total = 0;
    for (const database of this.databases) total += database.expiredCount;
    return total;
  }

  get usedMemoryBytes(): number {
    let total = 0;
    for (const database of this.databases) total += database.usedMemoryBytes;
    return total;
  }

  flushAll(): void {
    for (const database of this.databases) database.flush();
  }

  /**
   * Redis's activeExpireCycle with a work budget instead of a time limit: databases in round robin
   * from where the last call stopped; on each, sample up to `sampleCountMax` keys with an expiry and
   * repeat while the expired share exceeds `stalePercentMax`. Stops once `sampleCountBudget` keys were
   * looked at, so one call does bounded work however many keys are expired.
   */
  activeExpireCycle(options: ActiveExpireCycleOptions): ActiveExpireCycleResult {
    assert(options.sampleCountMax >= 1 && options.sampleCountBudget >= 1, 'activeExpireCycle needs positive limits');
    let removedCount = 0;
    let sampledCount = 0;
    for (let visitedCount = 0; visitedCount < cacheDatabaseCount; visitedCount++) {
      if (sampledCount >= options.sampleCountBudget) break;
      const database = this.database(this.expireCycleDatabaseIndex);
      this.expireCycleDatabaseIndex = (this.expireCycleDatabaseIndex + 1) % cacheDatabaseCount;
      for (;;) {
        const sampleCountMax = Math.min(options.sampleCountMax, options.sampleCountBudget - sampledCount);
        if (sampleCountMax <= 0) break;
        const step = database.expireSample(options.nowMs, sampleCountMax);
        sampledCount += step.sampledCount;
        removedCount += step.removedCount;
        if (step.sampledCount === 0) break;
        if (step.removedCount * 100 <= step.sampledCount * options.stalePercentMax) break;
      }
    }
    return { removedCount, sampledCount };
  }
}
