/**
 * A sorted set value: binary-safe members (latin1 {@link KeyText}) with double scores, ordered by
 * (score, member bytes) as Redis orders them (t_zset.c zslInsert / zslValueGteMin / sdscmp).
 *
 * Structure: a member → record map (O(1) ZSCORE) plus an order-statistic B+ tree of (score, member)
 * entries: leaves hold up to {@link leafEntriesMax} entries in two parallel arrays (members, scores)
 * and are linked both ways for range walks; inner nodes hold their children, the entry count under
 * each child (ranks: O(log n) insert, delete, rank, select by rank, first rank of a score or lex
 * range) and one separator key per child but the first. Redis uses a skiplist with spans; a skiplist
 * in JS is a pointer chase through three objects per step (node, forward array, span array) over
 * ~30 steps per search, twice per score change, each step a likely cache miss in a large set. Here a
 * search is a binary search in a few small contiguous arrays per level, three levels for 100,000
 * members, and nothing needs randomness.
 *
 * Separators: the separator of child i (i >= 1) is a key <= every entry under child i and > every
 * entry under child i - 1. It is the first key of a node when the node is split off and is not
 * updated when that entry is removed, so it need not be an entry of the set.
 *
 * A score change that keeps the entry inside its leaf's separator interval moves it inside the leaf
 * (in place when its position does not change, as Redis's zslUpdateScore); otherwise it is removed
 * and inserted again.
 *
 * SCAN order: each member gets the next `scanSequence` when it is first added (a score change keeps
 * it); `scanMembers` lists members in sequence order with stale slots for removed ones until they
 * outnumber live members (compaction). A cursor is the sequence to resume from, so a member that
 * stays in the set for a whole iteration is returned exactly once (the keyspace's SCAN works the same
 * way).
 *
 * The `encoding` is the name Redis would report: 'listpack' while small (at most 128 entries, members
 * at most 64 bytes), else 'skiplist' (one-way, except {@link compactEncodingIfSmall} which the store
 * commands call, like Redis's zsetConvertToListpackIfNeeded). The structure is the same for both.
 */
import { assert } from '@objectbox/util';
import { cacheCollectionElementOverheadBytes, cacheEncodingThresholds } from './cache-collection-size.js';
import { type CacheCollection, type KeyText } from './cache-keyspace.js';
import { CacheScanOrder } from './cache-scan-order.js';

/** Entries a leaf holds at most; one more splits it in two halves. */
const leafEntriesMax = 64;
/** Children an inner node holds at most; one more splits it in two halves. */
const innerChildrenMax = 64;
/**
 * A leaf with fewer entries (an inner node with fewer children) after a removal is merged with a
 * neighbour under the same parent when the two fit in one node. No node but the root is ever empty.
 */
const leafEntriesMergeBelow = 16;
const innerChildrenMergeBelow = 16;
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

/** A member's score and scan sequence. */
class MemberRecord {
  constructor(
    public score: number,
    readonly scanSequence: number,
  ) {}
}

/** Entries in ascending order: `members[i]` has score `scores[i]`. */
class Leaf {
  previous: Leaf | null = null;
  next: Leaf | null = null;

  constructor(
    readonly members: KeyText[],
    readonly scores: number[],
  ) {}
}

/**
 * `counts[i]` entries under `children[i]`; for i >= 1, (`separatorScores[i]`, `separatorMembers[i]`)
 * is child i's separator (see the file header). Index 0 of the separator arrays is a placeholder.
 */
class Inner {
  constructor(
    readonly children: (Inner | Leaf)[],
    readonly counts: number[],
    readonly separatorScores: number[],
    readonly separatorMembers: KeyText[],
  ) {}
}

/** True when (scoreA, memberA) sorts before (scoreB, memberB). */
function keyBefore(scoreA: number, memberA: KeyText, scoreB: number, memberB: KeyText): boolean {
  return scoreA < scoreB || (scoreA === scoreB && memberA < memberB);
}

/** The child of `inner` whose interval holds (score, member): the last separator <= it, else 0. */
function childIndexOf(inner: Inner, score: number, member: KeyText): number {
  const { separatorScores, separatorMembers } = inner;
  let low = 1;
  let high = inner.children.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keyBefore(score, member, separatorScores[middle] as number, separatorMembers[middle] as KeyText)) high = middle;
    else low = middle + 1;
  }
  return low - 1;
}

/** The first position in `leaf` whose entry does not sort before (score, member). */
function leafPositionOf(leaf: Leaf, score: number, member: KeyText): number {
  const { members, scores } = leaf;
  let low = 0;
  let high = members.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keyBefore(scores[middle] as number, members[middle] as KeyText, score, member)) low = middle + 1;
    else high = middle;
  }
  return low;
}

function insertAt<T>(items: T[], index: number, item: T): void {
  let position = items.length;
  items.push(item);
  for (; position > index; position--) items[position] = items[position - 1] as T;
  items[index] = item;
}

function removeAt<T>(items: T[], index: number): void {
  const last = items.length - 1;
  for (let position = index; position < last; position++) items[position] = items[position + 1] as T;
  items.pop();
}

function sumOf(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
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
  private readonly records = new Map<KeyText, MemberRecord>();
  /** The leftmost leaf: merges always keep the left node, so it is never replaced. */
  private readonly firstLeaf = new Leaf([], []);
  private root: Inner | Leaf = this.firstLeaf;
  /** Inner levels above the leaves (0: the root is a leaf). */
  private height = 0;
  /** The inner nodes and child indexes of the last descent, root first (splits and merges walk it up). */
  private readonly pathNodes: Inner[] = [];
  private readonly pathIndexes: number[] = [];
  private contentBytes = 0;
  private encodingName: 'listpack' | 'skiplist' = 'listpack';
  private readonly scanOrder = new CacheScanOrder((member, sequence) => this.records.get(member)?.scanSequence === sequence);

  get length(): number {
    return this.records.size;
  }

  get sizeBytes(): number {
    return this.contentBytes + this.records.size * (cacheCollectionElementOverheadBytes + scoreBytes);
  }

  get encoding(): string {
    return this.encodingName;
  }

  has(member: KeyText): boolean {
    return this.records.has(member);
  }

  /** The member's score, undefined when absent. */
  score(member: KeyText): number | undefined {
    const record = this.records.get(member);
    this.recentMember = member;
    this.recentRecord = record;
    return record?.score;
  }

  /**
   * The member {@link score} last looked up and its record (undefined: absent), valid until the next
   * add or delete: ZADD reads a member's score, then sets it, with one map lookup (a likely cache miss
   * in a large set) instead of two.
   */
  private recentMember: KeyText | null = null;
  private recentRecord: MemberRecord | undefined = undefined;

  private recordOf(member: KeyText): MemberRecord | undefined {
    return member === this.recentMember ? this.recentRecord : this.records.get(member);
  }

  /**
   * Sets `member`'s score (adding it when absent); true when it was added. O(log n); a score change
   * that keeps the order is done in place (zslUpdateScore).
   */
  set(member: KeyText, score: number): boolean {
    assert(!Number.isNaN(score), 'sorted set score must not be NaN');
    const record = this.recordOf(member);
    if (record !== undefined) {
      if (record.score !== score) this.rescore(member, record, score);
      return false;
    }
    this.recentMember = null;
    this.records.set(member, new MemberRecord(score, this.scanOrder.append(member)));
    this.insertEntry(member, score);
    this.contentBytes += member.length;
    if (this.records.size > cacheEncodingThresholds.zsetListpackEntriesMax || member.length > cacheEncodingThresholds.zsetListpackValueBytesMax) {
      this.encodingName = 'skiplist';
    }
    return true;
  }

  /** Removes `member`; true when it was present. O(log n). */
  delete(member: KeyText): boolean {
    const record = this.recordOf(member);
    if (record === undefined) return false;
    this.recentMember = null;
    const leaf = this.descendCounting(record.score, member, -1);
    const position = leafPositionOf(leaf, record.score, member);
    assert(leaf.members[position] === member, 'sorted set entry not found in its leaf');
    removeAt(leaf.members, position);
    removeAt(leaf.scores, position);
    this.mergeIfSmall(leaf);
    this.records.delete(member);
    this.contentBytes -= member.length;
    this.scanOrder.compactIfSparse(this.records.size);
    return true;
  }

  /** The 0-based ascending rank of `member`, null when absent. O(log n). */
  rank(member: KeyText): number | null {
    const record = this.records.get(member);
    if (record === undefined) return null;
    const score = record.score;
    let rank = 0;
    let node = this.root;
    for (let depth = 0; depth < this.height; depth++) {
      const inner = node as Inner;
      const index = childIndexOf(inner, score, member);
      for (let child = 0; child < index; child++) rank += inner.counts[child] as number;
      node = inner.children[index] as Inner | Leaf;
    }
    const leaf = node as Leaf;
    const position = leafPositionOf(leaf, score, member);
    assert(leaf.members[position] === member, 'sorted set entry not found in its leaf');
    return rank + position;
  }

  /** The entry at ascending `rank` (0 <= rank < length). O(log n). */
  entryAt(rank: number): CacheSortedSetEntry {
    const { leaf, position } = this.positionAt(rank);
    return { member: leaf.members[position] as KeyText, score: leaf.scores[position] as number };
  }

  /**
   * Entries with ranks in [start, end) (clamped by the caller to 0..length), ascending, or descending
   * from end - 1 when `reverse`. O(log n + returned). The set must not change during the iteration.
   */
  *entries(range: CacheRankRange, reverse = false): IterableIterator<CacheSortedSetEntry> {
    if (range.end <= range.start) return;
    assert(range.start >= 0 && range.end <= this.length, 'sorted set rank range out of bounds');
    let { leaf, position } = this.positionAt(reverse ? range.end - 1 : range.start);
    for (let count = range.end - range.start; count > 0; count--) {
      yield { member: leaf.members[position] as KeyText, score: leaf.scores[position] as number };
      if (count === 1) break;
      if (reverse) {
        if (--position < 0) {
          leaf = leaf.previous as Leaf;
          position = leaf.members.length - 1;
        }
      } else if (++position === leaf.members.length) {
        leaf = leaf.next as Leaf;
        position = 0;
      }
    }
  }

  /** Every entry in ascending order. */
  values(): IterableIterator<CacheSortedSetEntry> {
    return this.entries({ start: 0, end: this.length });
  }

  /** The ranks of the entries whose scores are in `range`. O(log n). */
  scoreRangeRanks(range: CacheScoreRange): CacheRankRange {
    const start = this.countWhile((score) => !scoreAboveMin(score, range));
    const end = this.countWhile((score) => scoreBelowMax(score, range));
    return { start, end: Math.max(start, end) };
  }

  /**
   * The ranks of the entries whose members are in `range`. Meaningful when all scores are equal (as
   * in Redis, where other cases are unspecified). O(log n).
   */
  lexRangeRanks(range: CacheLexRange): CacheRankRange {
    const start = this.countWhile((_score, member) => !lexAboveMin(member, range.min));
    const end = this.countWhile((_score, member) => lexBelowMax(member, range.max));
    return { start, end: Math.max(start, end) };
  }

  /** Up to `countHint` scan slots from `cursor` (a scan sequence; 0 starts). */
  scan(cursor: bigint, countHint: number): CacheSortedSetScanPage {
    assert(countHint >= 1, 'scan countHint must be positive');
    const page = this.scanOrder.page(cursor, countHint);
    const entries = page.names.map((member): CacheSortedSetEntry => ({ member, score: (this.records.get(member) as MemberRecord).score }));
    const cursorNext = page.cursorNext;
    return { cursorNext, entries };
  }

  /** A copy with the same entries and encoding (SORT STORE, COPY, MULTI snapshots). O(n log n). */
  clone(): CacheSortedSet {
    const copy = new CacheSortedSet();
    for (let leaf: Leaf | null = this.firstLeaf; leaf !== null; leaf = leaf.next) {
      for (let position = 0; position < leaf.members.length; position++) copy.set(leaf.members[position] as KeyText, leaf.scores[position] as number);
    }
    copy.encodingName = this.encodingName;
    return copy;
  }

  /** zsetConvert(OBJ_ENCODING_SKIPLIST): what SORT does to the sorted set it reads, whatever its size. */
  convertToSkiplist(): void {
    this.encodingName = 'skiplist';
  }

  /** zsetConvertToListpackIfNeeded: back to 'listpack' when small enough. O(128) at most. */
  compactEncodingIfSmall(): void {
    if (this.encodingName === 'listpack' || this.records.size > cacheEncodingThresholds.zsetListpackEntriesMax) return;
    for (const member of this.records.keys()) if (member.length > cacheEncodingThresholds.zsetListpackValueBytesMax) return;
    this.encodingName = 'listpack';
  }

  /**
   * Changes an entry's score: moved inside its leaf when the new key stays within the leaf's
   * separator interval (in place when its position does not change), else removed and inserted again.
   */
  private rescore(member: KeyText, record: MemberRecord, score: number): void {
    const scoreBefore = record.score;
    record.score = score;
    // The leaf's separator interval [low, high), narrowed level by level on the way down.
    let hasLow = false;
    let lowScore = 0;
    let lowMember = '' as KeyText;
    let hasHigh = false;
    let highScore = 0;
    let highMember = '' as KeyText;
    let node = this.root;
    for (let depth = 0; depth < this.height; depth++) {
      const inner = node as Inner;
      const index = childIndexOf(inner, scoreBefore, member);
      if (index > 0) {
        hasLow = true;
        lowScore = inner.separatorScores[index] as number;
        lowMember = inner.separatorMembers[index] as KeyText;
      }
      if (index + 1 < inner.children.length) {
        hasHigh = true;
        highScore = inner.separatorScores[index + 1] as number;
        highMember = inner.separatorMembers[index + 1] as KeyText;
      }
      this.pathNodes[depth] = inner;
      this.pathIndexes[depth] = index;
      node = inner.children[index] as Inner | Leaf;
    }
    const leaf = node as Leaf;
    const { members, scores } = leaf;
    const position = leafPositionOf(leaf, scoreBefore, member);
    assert(members[position] === member, 'sorted set entry not found in its leaf');
    const staysInLeaf = (!hasLow || !keyBefore(score, member, lowScore, lowMember)) && (!hasHigh || keyBefore(score, member, highScore, highMember));
    if (staysInLeaf) {
      const last = members.length - 1;
      const afterPrevious = position === 0 || keyBefore(scores[position - 1] as number, members[position - 1] as KeyText, score, member);
      const beforeNext = position === last || keyBefore(score, member, scores[position + 1] as number, members[position + 1] as KeyText);
      if (!(afterPrevious && beforeNext)) {
        removeAt(members, position);
        removeAt(scores, position);
        const target = leafPositionOf(leaf, score, member);
        insertAt(members, target, member);
        insertAt(scores, target, score);
        return;
      }
      scores[position] = score;
      return;
    }
    for (let depth = 0; depth < this.height; depth++) {
      const inner = this.pathNodes[depth] as Inner;
      const index = this.pathIndexes[depth] as number;
      inner.counts[index] = (inner.counts[index] as number) - 1;
    }
    removeAt(members, position);
    removeAt(scores, position);
    this.mergeIfSmall(leaf);
    this.insertEntry(member, score);
  }

  /** Inserts an entry whose member is not in the tree. */
  private insertEntry(member: KeyText, score: number): void {
    const leaf = this.descendCounting(score, member, 1);
    const position = leafPositionOf(leaf, score, member);
    insertAt(leaf.members, position, member);
    insertAt(leaf.scores, position, score);
    if (leaf.members.length > leafEntriesMax) this.splitLeaf(leaf);
  }

  /**
   * Walks from the root to the leaf whose interval holds (score, member), adding `countDelta` to the
   * count of every child taken and recording the path.
   */
  private descendCounting(score: number, member: KeyText, countDelta: number): Leaf {
    let node = this.root;
    for (let depth = 0; depth < this.height; depth++) {
      const inner = node as Inner;
      const index = childIndexOf(inner, score, member);
      inner.counts[index] = (inner.counts[index] as number) + countDelta;
      this.pathNodes[depth] = inner;
      this.pathIndexes[depth] = index;
      node = inner.children[index] as Inner | Leaf;
    }
    return node as Leaf;
  }

  /** Splits an overfull leaf (the last descent's) in two halves. */
  private splitLeaf(leaf: Leaf): void {
    const half = leaf.members.length >>> 1;
    const right = new Leaf(leaf.members.splice(half), leaf.scores.splice(half));
    right.previous = leaf;
    right.next = leaf.next;
    if (leaf.next !== null) leaf.next.previous = right;
    leaf.next = right;
    this.addChildAfter(this.height - 1, right, right.scores[0] as number, right.members[0] as KeyText, right.members.length, leaf.members.length);
  }

  /**
   * Puts `child` (split off to the right of the path's node below `depth`) after it in the path's
   * node at `depth`, with the two counts; a new root when `depth` is -1.
   */
  private addChildAfter(depth: number, child: Inner | Leaf, separatorScore: number, separatorMember: KeyText, childCount: number, leftCount: number): void {
    if (depth < 0) {
      this.root = new Inner([this.root, child], [leftCount, childCount], [-Infinity, separatorScore], ['' as KeyText, separatorMember]);
      this.height++;
      return;
    }
    const parent = this.pathNodes[depth] as Inner;
    const index = this.pathIndexes[depth] as number;
    parent.counts[index] = leftCount;
    insertAt(parent.children, index + 1, child);
    insertAt(parent.counts, index + 1, childCount);
    insertAt(parent.separatorScores, index + 1, separatorScore);
    insertAt(parent.separatorMembers, index + 1, separatorMember);
    if (parent.children.length > innerChildrenMax) this.splitInner(depth);
  }

  private splitInner(depth: number): void {
    const inner = this.pathNodes[depth] as Inner;
    const half = inner.children.length >>> 1;
    const right = new Inner(inner.children.splice(half), inner.counts.splice(half), inner.separatorScores.splice(half), inner.separatorMembers.splice(half));
    // Slot 0 of the right node is a placeholder; its value moves up as the right node's separator.
    const separatorScore = right.separatorScores[0] as number;
    const separatorMember = right.separatorMembers[0] as KeyText;
    this.addChildAfter(depth - 1, right, separatorScore, separatorMember, sumOf(right.counts), sumOf(inner.counts));
  }

  /** After a removal from `leaf` (the last descent's): merges it with a neighbour when small. */
  private mergeIfSmall(leaf: Leaf): void {
    if (this.height === 0 || leaf.members.length >= leafEntriesMergeBelow) return;
    const depth = this.height - 1;
    const parent = this.pathNodes[depth] as Inner;
    const index = this.pathIndexes[depth] as number;
    if (index + 1 < parent.children.length) {
      const right = parent.children[index + 1] as Leaf;
      if (leaf.members.length + right.members.length <= leafEntriesMax) {
        mergeLeaves(leaf, right);
        this.removeChild(parent, index + 1);
        this.mergeInnerIfSmall(depth);
        return;
      }
    }
    if (index > 0) {
      const left = parent.children[index - 1] as Leaf;
      if (left.members.length + leaf.members.length <= leafEntriesMax) {
        mergeLeaves(left, leaf);
        this.removeChild(parent, index);
        this.mergeInnerIfSmall(depth);
      }
    }
  }

  /** Removes child `index` (>= 1) of `parent` after its entries moved to child `index - 1`. */
  private removeChild(parent: Inner, index: number): void {
    parent.counts[index - 1] = (parent.counts[index - 1] as number) + (parent.counts[index] as number);
    removeAt(parent.children, index);
    removeAt(parent.counts, index);
    removeAt(parent.separatorScores, index);
    removeAt(parent.separatorMembers, index);
  }

  /** After a child of the path's node at `depth` was removed: merges that node with a neighbour when small. */
  private mergeInnerIfSmall(depth: number): void {
    if (depth === 0) {
      while (this.height > 0 && (this.root as Inner).children.length === 1) {
        this.root = (this.root as Inner).children[0] as Inner | Leaf;
        this.height--;
      }
      return;
    }
    const inner = this.pathNodes[depth] as Inner;
    if (inner.children.length >= innerChildrenMergeBelow) return;
    const parent = this.pathNodes[depth - 1] as Inner;
    const index = this.pathIndexes[depth - 1] as number;
    if (index + 1 < parent.children.length) {
      const right = parent.children[index + 1] as Inner;
      if (inner.children.length + right.children.length <= innerChildrenMax) {
        mergeInners(inner, right, parent.separatorScores[index + 1] as number, parent.separatorMembers[index + 1] as KeyText);
        this.removeChild(parent, index + 1);
        this.mergeInnerIfSmall(depth - 1);
        return;
      }
    }
    if (index > 0) {
      const left = parent.children[index - 1] as Inner;
      if (left.children.length + inner.children.length <= innerChildrenMax) {
        mergeInners(left, inner, parent.separatorScores[index] as number, parent.separatorMembers[index] as KeyText);
        this.removeChild(parent, index);
        this.mergeInnerIfSmall(depth - 1);
      }
    }
  }

  /** The leaf and position of the entry at ascending `rank`. O(log n). */
  private positionAt(rank: number): { leaf: Leaf; position: number } {
    assert(rank >= 0 && rank < this.length, 'sorted set rank out of bounds');
    let node = this.root;
    let rest = rank;
    for (let depth = 0; depth < this.height; depth++) {
      const inner = node as Inner;
      let index = 0;
      for (; rest >= (inner.counts[index] as number); index++) rest -= inner.counts[index] as number;
      node = inner.children[index] as Inner | Leaf;
    }
    const leaf = node as Leaf;
    assert(rest < leaf.members.length, 'sorted set counts are inconsistent');
    return { leaf, position: rest };
  }

  /**
   * How many leading entries satisfy `before` (which must hold for a prefix of the order). O(log n):
   * a separator satisfying it means every entry under the children left of it does, one that does
   * not means no entry from its child on does.
   */
  private countWhile(before: (score: number, member: KeyText) => boolean): number {
    let count = 0;
    let node = this.root;
    for (let depth = 0; depth < this.height; depth++) {
      const inner = node as Inner;
      let low = 1;
      let high = inner.children.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (before(inner.separatorScores[middle] as number, inner.separatorMembers[middle] as KeyText)) low = middle + 1;
        else high = middle;
      }
      const index = low - 1;
      for (let child = 0; child < index; child++) count += inner.counts[child] as number;
      node = inner.children[index] as Inner | Leaf;
    }
    const leaf = node as Leaf;
    let low = 0;
    let high = leaf.members.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (before(leaf.scores[middle] as number, leaf.members[middle] as KeyText)) low = middle + 1;
      else high = middle;
    }
    return count + low;
  }
}

/** Appends `right`'s entries to `left` (its neighbour) and unlinks `right`. */
function mergeLeaves(left: Leaf, right: Leaf): void {
  for (let position = 0; position < right.members.length; position++) {
    left.members.push(right.members[position] as KeyText);
    left.scores.push(right.scores[position] as number);
  }
  left.next = right.next;
  if (right.next !== null) right.next.previous = left;
}

/** Appends `right`'s children to `left` (its neighbour); `separator*` is `right`'s separator in their parent. */
function mergeInners(left: Inner, right: Inner, separatorScore: number, separatorMember: KeyText): void {
  for (let index = 0; index < right.children.length; index++) {
    left.children.push(right.children[index] as Inner | Leaf);
    left.counts.push(right.counts[index] as number);
    left.separatorScores.push(index === 0 ? separatorScore : (right.separatorScores[index] as number));
    left.separatorMembers.push(index === 0 ? separatorMember : (right.separatorMembers[index] as KeyText));
  }
}
