/**
 * The ordered index behind every S3 listing: a two-level "rope" of sorted chunks keyed by strings
 * in UTF-8 byte order (the order S3 lists in).
 *
 * Layout: `#chunks` is an array of chunks; each chunk holds two parallel arrays (keys, values) of
 * at most `chunkEntryCountMax` entries, every key of chunk i is below every key of chunk i + 1, and
 * `#firstKeys[i]` mirrors chunk i's first key for the top-level binary search. A lookup is two
 * binary searches, O(log n); an insert or delete shifts at most one chunk (O(chunk size)) plus,
 * on a split or merge, the top-level arrays (n / chunk size pointers, amortized over a chunk's
 * worth of inserts). Memory per entry is two array slots (16 bytes) plus the key and value
 * themselves — no node object per entry, unlike a skip list or a pointer tree (the storage-core
 * `OrderedMap` skip list costs a node object and a `next` array per entry, roughly 80 bytes; the
 * index's own cost is measured by object-metadata-memory.measure.ts).
 *
 * Keys must be well-formed UTF-16 (no lone surrogates; object keys are valid UTF-8 by then).
 * {@link compareUtf8} orders them by code point, which equals UTF-8 byte order; plain JS `<`
 * compares UTF-16 code units, which puts U+E000..U+FFFF after astral characters (wrong for S3).
 */
import { assert } from '@objectbox/util';

/** Entries per chunk; splits at this count, merges with a neighbour below a quarter of it. */
export const indexChunkEntryCountMax = 512;

/**
 * Compares two strings by Unicode code point, which for well-formed strings is UTF-8 byte order.
 * UTF-16 code-unit order differs only where one side has a surrogate (an astral character) and
 * the other a unit in U+E000..U+FFFF: the fix-up moves surrogates above that range.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  if (comparesNatively(a) || comparesNatively(b)) return a < b ? -1 : 1;
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const unitA = a.charCodeAt(index);
    const unitB = b.charCodeAt(index);
    if (unitA !== unitB) {
      if (unitA < 0xd800 || unitB < 0xd800) return unitA - unitB;
      return compareUtf8FixUp(unitA) - compareUtf8FixUp(unitB);
    }
  }
  return a.length - b.length;
}

/** Code units at or above U+D800: surrogates and U+E000..U+FFFF. */
const highUnits = /[\ud800-\uffff]/;

/**
 * True when JS's own string comparison (`<`, by UTF-16 code unit, native and several times faster
 * than a loop here) orders `key` against any other string as {@link compareUtf8} does. The two
 * orders disagree only where the first differing units are both at or above U+D800, so a key
 * without such units (every ASCII or Latin key) always compares right. An index lookup tests its
 * key once, then binary-searches natively.
 */
export function comparesNatively(key: string): boolean {
  return !highUnits.test(key);
}

function compareUtf8FixUp(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** True when `text` has no lone surrogate, i.e. it encodes to UTF-8 without replacement. */
export function isWellFormedUtf16(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit < 0xd800 || unit > 0xdfff) continue;
    if (unit > 0xdbff) return false;
    const next = text.charCodeAt(index + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    index++;
  }
  return true;
}

interface IndexChunk<V> {
  readonly keys: string[];
  readonly values: V[];
}

/** A position in the index: chunk number and offset inside it; valid until the next mutation. */
export interface IndexCursor {
  readonly chunkIndex: number;
  readonly offset: number;
}

/** See the module comment. */
export class OrderedIndex<V> {
  #chunks: IndexChunk<V>[] = [{ keys: [], values: [] }];
  #firstKeys: string[] = [''];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(key: string): V | undefined {
    const native = comparesNatively(key);
    const chunk = this.#chunks[this.#chunkIndexFor(key, native)]!;
    const offset = lowerBound(chunk.keys, key, native);
    return offset < chunk.keys.length && chunk.keys[offset] === key ? chunk.values[offset] : undefined;
  }

  /** Inserts or replaces; returns true when the key is new. */
  set(key: string, value: V): boolean {
    const native = comparesNatively(key);
    const chunkIndex = this.#chunkIndexFor(key, native);
    const chunk = this.#chunks[chunkIndex]!;
    const offset = lowerBound(chunk.keys, key, native);
    if (offset < chunk.keys.length && chunk.keys[offset] === key) {
      chunk.values[offset] = value;
      return false;
    }
    chunk.keys.splice(offset, 0, key);
    chunk.values.splice(offset, 0, value);
    if (offset === 0) this.#firstKeys[chunkIndex] = key;
    this.#size++;
    if (chunk.keys.length > indexChunkEntryCountMax) this.#split(chunkIndex);
    return true;
  }

  /**
   * Adds `key` above every key present, filling the last chunk to its maximum before opening the
   * next: a bulk load in key order (snapshot restore) costs one comparison per key instead of two
   * binary searches, and leaves chunks full instead of half full after each split. Returns false,
   * changing nothing, when `key` is not above the last key.
   */
  appendInOrder(key: string, value: V): boolean {
    let last = this.#chunks[this.#chunks.length - 1]!;
    // Only a lone chunk is ever empty (#merge folds the others), so the last key is in the last chunk.
    assert(last.keys.length > 0 || this.#size === 0, 'only an empty index has an empty last chunk');
    const lastKey = last.keys[last.keys.length - 1];
    if (lastKey !== undefined && compareUtf8(lastKey, key) >= 0) return false;
    if (last.keys.length >= indexChunkEntryCountMax) {
      last = { keys: [], values: [] };
      this.#chunks.push(last);
      this.#firstKeys.push(key);
    } else if (last.keys.length === 0) {
      this.#firstKeys[this.#chunks.length - 1] = key;
    }
    last.keys.push(key);
    last.values.push(value);
    this.#size++;
    return true;
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: string): boolean {
    const native = comparesNatively(key);
    const chunkIndex = this.#chunkIndexFor(key, native);
    const chunk = this.#chunks[chunkIndex]!;
    const offset = lowerBound(chunk.keys, key, native);
    if (offset >= chunk.keys.length || chunk.keys[offset] !== key) return false;
    chunk.keys.splice(offset, 1);
    chunk.values.splice(offset, 1);
    this.#size--;
    if (offset === 0 && chunk.keys.length > 0) this.#firstKeys[chunkIndex] = chunk.keys[0]!;
    if (chunk.keys.length < indexChunkEntryCountMax / 4 && this.#chunks.length > 1) this.#merge(chunkIndex);
    return true;
  }

  /** The first entry with key >= `key` (or > when `exclusive`). */
  seek(key: string, options: { exclusive: boolean }): IndexCursor {
    const native = comparesNatively(key);
    const chunkIndex = this.#chunkIndexFor(key, native);
    const chunk = this.#chunks[chunkIndex]!;
    let offset = lowerBound(chunk.keys, key, native);
    if (options.exclusive && offset < chunk.keys.length && chunk.keys[offset] === key) offset++;
    return this.#normalize({ chunkIndex, offset });
  }

  /**
   * The first entry for which `isAfter(key)` holds, where `isAfter` is monotone over the key order
   * (false for a leading run, then true). Used to skip a whole common prefix in O(log n).
   */
  seekBy(isAfter: (key: string) => boolean): IndexCursor {
    let low = 0;
    let high = this.#chunks.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const chunk = this.#chunks[middle]!;
      const last = chunk.keys[chunk.keys.length - 1];
      if (last !== undefined && !isAfter(last)) low = middle + 1;
      else high = middle;
    }
    if (low >= this.#chunks.length) return this.end();
    const keys = this.#chunks[low]!.keys;
    let offsetLow = 0;
    let offsetHigh = keys.length;
    while (offsetLow < offsetHigh) {
      const middle = (offsetLow + offsetHigh) >>> 1;
      if (isAfter(keys[middle]!)) offsetHigh = middle;
      else offsetLow = middle + 1;
    }
    return this.#normalize({ chunkIndex: low, offset: offsetLow });
  }

  first(): IndexCursor {
    return this.#normalize({ chunkIndex: 0, offset: 0 });
  }

  end(): IndexCursor {
    return { chunkIndex: this.#chunks.length, offset: 0 };
  }

  isEnd(cursor: IndexCursor): boolean {
    return cursor.chunkIndex >= this.#chunks.length;
  }

  keyAt(cursor: IndexCursor): string {
    const key = this.#chunks[cursor.chunkIndex]?.keys[cursor.offset];
    assert(key !== undefined, 'index cursor is past the end');
    return key;
  }

  valueAt(cursor: IndexCursor): V {
    const chunk = this.#chunks[cursor.chunkIndex];
    assert(chunk !== undefined && cursor.offset < chunk.values.length, 'index cursor is past the end');
    return chunk.values[cursor.offset]!;
  }

  next(cursor: IndexCursor): IndexCursor {
    return this.#normalize({ chunkIndex: cursor.chunkIndex, offset: cursor.offset + 1 });
  }

  /** Entries in key order from `cursor` (default: the first). Do not mutate while iterating. */
  *entries(cursor: IndexCursor = this.first()): IterableIterator<[string, V]> {
    for (let at = cursor; !this.isEnd(at); at = this.next(at)) yield [this.keyAt(at), this.valueAt(at)];
  }

  clear(): void {
    this.#chunks = [{ keys: [], values: [] }];
    this.#firstKeys = [''];
    this.#size = 0;
  }

  /** Checks every structural invariant; for tests. */
  verify(): void {
    let count = 0;
    let previous: string | undefined;
    for (let chunkIndex = 0; chunkIndex < this.#chunks.length; chunkIndex++) {
      const chunk = this.#chunks[chunkIndex]!;
      assert(chunk.keys.length === chunk.values.length, 'chunk arrays differ in length');
      assert(chunk.keys.length <= indexChunkEntryCountMax, 'chunk over its maximum');
      assert(this.#chunks.length === 1 || chunk.keys.length > 0, 'empty chunk beside others');
      if (chunk.keys.length > 0) assert(this.#firstKeys[chunkIndex] === chunk.keys[0], 'stale first key');
      for (const key of chunk.keys) {
        assert(previous === undefined || compareUtf8(previous, key) < 0, 'keys out of order');
        previous = key;
        count++;
      }
    }
    assert(count === this.#size, 'size does not match the entries');
  }

  /** The chunk whose range holds `key`: the last chunk whose first key is <= key (or chunk 0). */
  #chunkIndexFor(key: string, native: boolean): number {
    const firstKeys = this.#firstKeys;
    let low = 1;
    let high = firstKeys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (native ? firstKeys[middle]! <= key : compareUtf8(firstKeys[middle]!, key) <= 0) low = middle + 1;
      else high = middle;
    }
    return low - 1;
  }

  #normalize(cursor: IndexCursor): IndexCursor {
    let { chunkIndex, offset } = cursor;
    while (chunkIndex < this.#chunks.length && offset >= this.#chunks[chunkIndex]!.keys.length) {
      chunkIndex++;
      offset = 0;
    }
    return { chunkIndex, offset };
  }

  #split(chunkIndex: number): void {
    const chunk = this.#chunks[chunkIndex]!;
    const half = chunk.keys.length >>> 1;
    const right: IndexChunk<V> = { keys: chunk.keys.splice(half), values: chunk.values.splice(half) };
    this.#chunks.splice(chunkIndex + 1, 0, right);
    this.#firstKeys.splice(chunkIndex + 1, 0, right.keys[0]!);
  }

  #merge(chunkIndex: number): void {
    const leftIndex = chunkIndex > 0 ? chunkIndex - 1 : 0;
    const left = this.#chunks[leftIndex]!;
    const right = this.#chunks[leftIndex + 1]!;
    if (left.keys.length + right.keys.length > indexChunkEntryCountMax) {
      // Too many for one chunk: even the two out instead, so neither stays small.
      const keys = [...left.keys, ...right.keys];
      const values = [...left.values, ...right.values];
      const half = keys.length >>> 1;
      left.keys.splice(0, left.keys.length, ...keys.slice(0, half));
      left.values.splice(0, left.values.length, ...values.slice(0, half));
      right.keys.splice(0, right.keys.length, ...keys.slice(half));
      right.values.splice(0, right.values.length, ...values.slice(half));
      this.#firstKeys[leftIndex] = left.keys[0]!;
      this.#firstKeys[leftIndex + 1] = right.keys[0]!;
      return;
    }
    left.keys.push(...right.keys);
    left.values.push(...right.values);
    this.#chunks.splice(leftIndex + 1, 1);
    this.#firstKeys.splice(leftIndex + 1, 1);
    if (left.keys.length > 0) this.#firstKeys[leftIndex] = left.keys[0]!;
  }
}

function lowerBound(keys: readonly string[], key: string, native: boolean): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (native ? keys[middle]! < key : compareUtf8(keys[middle]!, key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
