/**
 * A sorted set value: binary-safe members (latin1 {@link KeyText}) with double scores, ordered by
 * (score, member bytes) as Redis orders them (t_zset.c zslInsert / zslValueGteMin / sdscmp).
 *
 * Structure: a member → node map (O(1) ZSCORE) plus Redis's skiplist with spans (O(log n) insert,
 * delete, rank, select by rank, first rank of a score or lex range). Node levels are drawn from the
 * injected {@link CacheRandom} (Redis's zslRandomLevel: P = 1/4, at most 32 levels), never from
 * Math.random, so a run is reproducible from its random source.
 *
 * SCAN order: each node gets the next `scanSequence` when its member is first added (a score change
 * keeps it); `scanMembers` lists members in sequence order with stale slots for removed ones until
 * they outnumber live members (compaction). A cursor is the sequence to resume from, so a member that
 * stays in the set for a whole iteration is returned exactly once (the keyspace's SCAN works the same
 * way).
 *
 * The `encoding` is the name Redis would report: 'listpack' while small (at most 128 entries, members
 * at most 64 bytes), else 'skiplist' (one-way, except {@link compactEncodingIfSmall} which the store
 * commands call, like Redis's zsetConvertToListpackIfNeeded). The structure is the same for both.
 */
import { assert } from '@objectbox/util';
import { cacheCollectionElementOverheadBytes, cacheEncodingThresholds } from './cache-collection-size.js';
import { type CacheCollection, type CacheRandom, type KeyText } from './cache-keyspace.js';
import { CacheScanOrder } from './cache-scan-order.js';

/** Redis's ZSKIPLIST_MAXLEVEL. */
const skiplistLevelMax = 32;
/** Bytes a score adds to the memory estimate (a double). */
const scoreBytes = 8;

export interface CacheSortedSetEntry {
  readonly member: KeyText;
  readonly score: number;
}

/** A score interval (zrangespec): `(` makes a bound exclusive. */
export interface CacheScoreRange {
  readonly min: number;
  readonly minExclusive: boolean;
  readonly max: number;
  readonly maxExclusive: boolean;
}

/** One end of a lex interval (zlexrangespec): `-`, `+`, `[value` or `(value`. */
export type CacheLexBound =
  | { readonly kind: 'minus-infinity' }
  | { readonly kind: 'plus-infinity' }
  | { readonly kind: 'value'; readonly value: KeyText; readonly exclusive: boolean };

export interface CacheLexRange {
  readonly min: CacheLexBound;
  readonly max: CacheLexBound;
}

/** A half-open interval of ranks [start, end); empty when end <= start. */
export interface CacheRankRange {
  readonly start: number;
  readonly end: number;
}

export interface CacheSortedSetScanPage {
  /** 0 when the iteration is complete. */
  readonly cursorNext: bigint;
  readonly entries: readonly CacheSortedSetEntry[];
}

class SkiplistNode {
  readonly forward: (SkiplistNode | null)[];
  readonly span: number[];
  backward: SkiplistNode | null = null;

  constructor(
    readonly member: KeyText,
    public score: number,
    level: number,
    readonly scanSequence: number,
  ) {
    // Pushed, not `new Array(level)`: packed arrays, whose reads on the skiplist walks skip the
    // hole checks of holey ones.
    this.forward = [];
    this.span = [];
    for (let index = 0; index < level; index++) {
      this.forward.push(null);
      this.span.push(0);
    }
  }
}

/** True when `node` sorts before (score, member). */
function nodeBefore(node: SkiplistNode, score: number, member: KeyText): boolean {
  return node.score < score || (node.score === score && node.member < member);
}

export function scoreAboveMin(score: number, range: CacheScoreRange): boolean {
  return range.minExclusive ? score > range.min : score >= range.min;
}

export function scoreBelowMax(score: number, range: CacheScoreRange): boolean {
  return range.maxExclusive ? score < range.max : score <= range.max;
}

export function lexAboveMin(member: KeyText, bound: CacheLexBound): boolean {
  if (bound.kind === 'minus-infinity') return true;
  if (bound.kind === 'plus-infinity') return false;
  return bound.exclusive ? member > bound.value : member >= bound.value;
}

export function lexBelowMax(member: KeyText, bound: CacheLexBound): boolean {
  if (bound.kind === 'plus-infinity') return true;
  if (bound.kind === 'minus-infinity') return false;
  return bound.exclusive ? member < bound.value : member <= bound.value;
}

export class CacheSortedSet implements CacheCollection {
  private readonly nodes = new Map<KeyText, SkiplistNode>();
  private readonly header = new SkiplistNode('' as KeyText, -Infinity, skiplistLevelMax, 0);
  /** Nodes linked into the skiplist (the map may hold one more while a node is re-linked). */
  private linkedCount = 0;
  private level = 1;
  private contentBytes = 0;
  private encodingName: 'listpack' | 'skiplist' = 'listpack';
  private readonly scanOrder = new CacheScanOrder((member, sequence) => this.nodes.get(member)?.scanSequence === sequence);
  /** Scratch arrays for insert/delete (the update vector and ranks of zslInsert). */
  private readonly update: SkiplistNode[] = new Array<SkiplistNode>(skiplistLevelMax).fill(this.header);
  private readonly updateRank: number[] = new Array<number>(skiplistLevelMax).fill(0);

  /** `random` draws the node levels; the set keeps it for its lifetime (and passes it to clones). */
  constructor(private readonly random: CacheRandom) {}

  get length(): number {
    return this.nodes.size;
  }

  get sizeBytes(): number {
    return this.contentBytes + this.nodes.size * (cacheCollectionElementOverheadBytes + scoreBytes);
  }

  get encoding(): string {
    return this.encodingName;
  }

  has(member: KeyText): boolean {
    return this.nodes.has(member);
  }

  /** The member's score, undefined when absent. */
  score(member: KeyText): number | undefined {
    return this.nodes.get(member)?.score;
  }

  /**
   * Sets `member`'s score (adding it when absent); true when it was added. O(log n); a score change
   * that keeps the order is done in place (zslUpdateScore).
   */
  set(member: KeyText, score: number): boolean {
    assert(!Number.isNaN(score), 'sorted set score must not be NaN');
    const existing = this.nodes.get(member);
    if (existing !== undefined) {
      if (existing.score === score) return false;
      const previous = existing.backward;
      const next = existing.forward[0] ?? null;
      if ((previous === null || nodeBefore(previous, score, member)) && (next === null || !nodeBefore(next, score, member))) {
        existing.score = score;
        return false;
      }
      this.unlink(existing);
      existing.score = score;
      this.link(existing);
      return false;
    }
    this.add(member, score, this.randomLevel());
    return true;
  }

  /** Inserts a member known to be absent, with the given skiplist level. */
  private add(member: KeyText, score: number, level: number): void {
    const node = new SkiplistNode(member, score, level, this.scanOrder.append(member));
    this.link(node);
    this.nodes.set(member, node);
    this.contentBytes += member.length;
    if (this.nodes.size > cacheEncodingThresholds.listpackEntriesMax || member.length > cacheEncodingThresholds.listpackValueBytesMax) {
      this.encodingName = 'skiplist';
    }
  }

  /** Removes `member`; true when it was present. O(log n). */
  delete(member: KeyText): boolean {
    const node = this.nodes.get(member);
    if (node === undefined) return false;
    this.unlink(node);
    this.nodes.delete(member);
    this.contentBytes -= member.length;
    this.scanOrder.compactIfSparse(this.nodes.size);
    return true;
  }

  /** The 0-based ascending rank of `member`, null when absent. O(log n). */
  rank(member: KeyText): number | null {
    const node = this.nodes.get(member);
    if (node === undefined) return null;
    return this.countWhile((candidate) => nodeBefore(candidate, node.score, node.member));
  }

  /** The entry at ascending `rank` (0 <= rank < length). O(log n). */
  entryAt(rank: number): CacheSortedSetEntry {
    const node = this.nodeAt(rank);
    return { member: node.member, score: node.score };
  }

  /**
   * Entries with ranks in [start, end) (clamped by the caller to 0..length), ascending, or descending
   * from end - 1 when `reverse`. O(log n + returned).
   */
  *entries(range: CacheRankRange, reverse = false): IterableIterator<CacheSortedSetEntry> {
    if (range.end <= range.start) return;
    assert(range.start >= 0 && range.end <= this.length, 'sorted set rank range out of bounds');
    let node: SkiplistNode | null = this.nodeAt(reverse ? range.end - 1 : range.start);
    for (let count = range.end - range.start; count > 0 && node !== null; count--) {
      const current: SkiplistNode = node;
      node = reverse ? current.backward : (current.forward[0] ?? null);
      yield { member: current.member, score: current.score };
    }
  }

  /** Every entry in ascending order. */
  values(): IterableIterator<CacheSortedSetEntry> {
    return this.entries({ start: 0, end: this.length });
  }

  /** The ranks of the entries whose scores are in `range`. O(log n). */
  scoreRangeRanks(range: CacheScoreRange): CacheRankRange {
    const start = this.countWhile((node) => !scoreAboveMin(node.score, range));
    const end = this.countWhile((node) => scoreBelowMax(node.score, range));
    return { start, end: Math.max(start, end) };
  }

  /**
   * The ranks of the entries whose members are in `range`. Meaningful when all scores are equal (as
   * in Redis, where other cases are unspecified). O(log n).
   */
  lexRangeRanks(range: CacheLexRange): CacheRankRange {
    const start = this.countWhile((node) => !lexAboveMin(node.member, range.min));
    const end = this.countWhile((node) => lexBelowMax(node.member, range.max));
    return { start, end: Math.max(start, end) };
  }

  /** Up to `countHint` scan slots from `cursor` (a scan sequence; 0 starts). */
  scan(cursor: bigint, countHint: number): CacheSortedSetScanPage {
    assert(countHint >= 1, 'scan countHint must be positive');
    const page = this.scanOrder.page(cursor, countHint);
    const entries = page.names.map((member): CacheSortedSetEntry => {
      const node = this.nodes.get(member) as SkiplistNode;
      return { member: node.member, score: node.score };
    });
    const cursorNext = page.cursorNext;
    return { cursorNext, entries };
  }

  /** A copy with the same entries and encoding (SORT STORE, COPY, MULTI snapshots). O(n log n). */
  clone(): CacheSortedSet {
    const copy = new CacheSortedSet(this.random);
    // Each node keeps its level: a copy draws nothing from the shared random source (replays stay
    // the same whether or not a COPY happened in between).
    for (let node = this.header.forward[0] ?? null; node !== null; node = node.forward[0] ?? null) copy.add(node.member, node.score, node.forward.length);
    copy.encodingName = this.encodingName;
    return copy;
  }

  /** zsetConvertToListpackIfNeeded: back to 'listpack' when small enough. O(128) at most. */
  compactEncodingIfSmall(): void {
    if (this.encodingName === 'listpack' || this.nodes.size > cacheEncodingThresholds.listpackEntriesMax) return;
    for (const member of this.nodes.keys()) if (member.length > cacheEncodingThresholds.listpackValueBytesMax) return;
    this.encodingName = 'listpack';
  }

  /** zslRandomLevel: each extra level with probability 1/4. */
  private randomLevel(): number {
    let level = 1;
    while (level < skiplistLevelMax && this.random.nextIndex(4) === 0) level++;
    return level;
  }

  /** How many leading nodes satisfy `before` (which must hold for a prefix of the order). O(log n). */
  private countWhile(before: (node: SkiplistNode) => boolean): number {
    let node = this.header;
    let rank = 0;
    for (let level = this.level - 1; level >= 0; level--) {
      for (let next = node.forward[level] ?? null; next !== null && before(next); next = node.forward[level] ?? null) {
        rank += node.span[level] as number;
        node = next;
      }
    }
    return rank;
  }

  private nodeAt(rank: number): SkiplistNode {
    assert(rank >= 0 && rank < this.length, 'sorted set rank out of bounds');
    let node = this.header;
    let traversed = 0;
    for (let level = this.level - 1; level >= 0; level--) {
      for (let next = node.forward[level] ?? null; next !== null && traversed + (node.span[level] as number) <= rank + 1; next = node.forward[level] ?? null) {
        traversed += node.span[level] as number;
        node = next;
      }
      if (traversed === rank + 1) return node;
    }
    assert(false, 'sorted set skiplist spans are inconsistent');
  }

  /** zslInsert with an existing node (its level drawn when it was created). */
  private link(node: SkiplistNode): void {
    const { update, updateRank } = this;
    let cursor = this.header;
    for (let level = this.level - 1; level >= 0; level--) {
      updateRank[level] = level === this.level - 1 ? 0 : (updateRank[level + 1] as number);
      for (let next = cursor.forward[level] ?? null; next !== null && nodeBefore(next, node.score, node.member); next = cursor.forward[level] ?? null) {
        updateRank[level] = (updateRank[level] as number) + (cursor.span[level] as number);
        cursor = next;
      }
      update[level] = cursor;
    }
    const nodeLevel = node.forward.length;
    if (nodeLevel > this.level) {
      for (let level = this.level; level < nodeLevel; level++) {
        updateRank[level] = 0;
        update[level] = this.header;
        this.header.span[level] = this.linkedCount;
      }
      this.level = nodeLevel;
    }
    const rank0 = updateRank[0] as number;
    for (let level = 0; level < nodeLevel; level++) {
      const previous = update[level] as SkiplistNode;
      const rankDelta = rank0 - (updateRank[level] as number);
      node.forward[level] = previous.forward[level] ?? null;
      previous.forward[level] = node;
      node.span[level] = (previous.span[level] as number) - rankDelta;
      previous.span[level] = rankDelta + 1;
    }
    for (let level = nodeLevel; level < this.level; level++) {
      const previous = update[level] as SkiplistNode;
      previous.span[level] = (previous.span[level] as number) + 1;
    }
    const previous0 = update[0] as SkiplistNode;
    node.backward = previous0 === this.header ? null : previous0;
    const next0 = node.forward[0] ?? null;
    if (next0 !== null) next0.backward = node;
    this.linkedCount++;
  }

  /** zslDelete for a node that is in the list (with its current score). */
  private unlink(node: SkiplistNode): void {
    const { update } = this;
    let cursor = this.header;
    for (let level = this.level - 1; level >= 0; level--) {
      for (let next = cursor.forward[level] ?? null; next !== null && nodeBefore(next, node.score, node.member); next = cursor.forward[level] ?? null) {
        cursor = next;
      }
      update[level] = cursor;
    }
    assert(cursor.forward[0] === node, 'sorted set node not found in the skiplist');
    for (let level = 0; level < this.level; level++) {
      const previous = update[level] as SkiplistNode;
      if (previous.forward[level] === node) {
        previous.span[level] = (previous.span[level] as number) + (node.span[level] as number) - 1;
        previous.forward[level] = node.forward[level] ?? null;
      } else {
        previous.span[level] = (previous.span[level] as number) - 1;
      }
    }
    const next0 = node.forward[0] ?? null;
    if (next0 !== null) next0.backward = node.backward;
    this.linkedCount--;
    while (this.level > 1 && this.header.forward[this.level - 1] === null) this.level--;
    node.forward.fill(null);
    node.span.fill(0);
    node.backward = null;
  }

}

