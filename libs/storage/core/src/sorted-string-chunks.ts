/**
 * An ordered set of strings (compared by UTF-16 code unit, as `<` does) kept as a list of sorted
 * chunks of at most {@link chunkKeyCountMax} keys: a B+ tree of height two. A key is found by a
 * binary search over the chunks' first keys, then one inside its chunk; an insert or delete moves
 * at most a chunk's keys (and, when a chunk splits or empties, the list's chunk references).
 *
 * Why not the skip list (OrderedMap): the Raft state store inserts every new key on every
 * replica, and a skip-list insert into a 64k-key store visited ~17 nodes scattered in memory
 * (~1-3 µs, 4 % of a raft-kv follower's profile), and each key held a node and its level array:
 * two more objects per key for every major GC to mark. Here a key is one slot of an array.
 */
import { assert } from '@objectbox/util';

/** Keys per chunk before it splits in two. Inserting shifts half a chunk on average. */
const chunkKeyCountMax = 256;

/** See the module comment. */
export class SortedStringChunks {
  /** Invariant: every chunk is non-empty and sorted, and each chunk's keys precede the next chunk's. */
  #chunks: string[][] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Inserts `keys`, which must be strictly ascending and all absent. */
  insertAscending(keys: readonly string[]): void {
    let previous: string | undefined;
    for (const key of keys) {
      assert(previous === undefined || previous < key, 'insertAscending needs strictly ascending keys');
      previous = key;
      this.#insert(key);
    }
  }

  #insert(key: string): void {
    const chunks = this.#chunks;
    if (chunks.length === 0) {
      chunks.push([key]);
      this.#size++;
      return;
    }
    const chunkIndex = this.#chunkIndexOf(key);
    const chunk = chunks[chunkIndex]!;
    const position = lowerBound(chunk, key);
    assert(chunk[position] !== key, 'insertAscending needs absent keys');
    // Shift the tail right by one (an in-place splice without splice's result array).
    chunk.push(key);
    for (let index = chunk.length - 1; index > position; index--) chunk[index] = chunk[index - 1]!;
    chunk[position] = key;
    this.#size++;
    if (chunk.length > chunkKeyCountMax) chunks.splice(chunkIndex + 1, 0, chunk.splice(chunk.length >>> 1));
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: string): boolean {
    const chunks = this.#chunks;
    if (chunks.length === 0) return false;
    const chunkIndex = this.#chunkIndexOf(key);
    const chunk = chunks[chunkIndex]!;
    const position = lowerBound(chunk, key);
    if (chunk[position] !== key) return false;
    for (let index = position; index < chunk.length - 1; index++) chunk[index] = chunk[index + 1]!;
    chunk.pop();
    // Chunks that shrink are not merged: a chunk only holds fewer keys than it could.
    if (chunk.length === 0) chunks.splice(chunkIndex, 1);
    this.#size--;
    return true;
  }

  /**
   * Keys with `start <= key < end` in ascending order (half-open; an omitted bound is unbounded),
   * at most `limit` of them. Changing the set while iterating is not supported.
   */
  *range(options: { start?: string; end?: string; limit?: number } = {}): IterableIterator<string> {
    const chunks = this.#chunks;
    if (chunks.length === 0) return;
    let chunkIndex = options.start === undefined ? 0 : this.#chunkIndexOf(options.start);
    let position = options.start === undefined ? 0 : lowerBound(chunks[chunkIndex]!, options.start);
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    for (; chunkIndex < chunks.length && remaining > 0; chunkIndex++, position = 0) {
      const chunk = chunks[chunkIndex]!;
      for (; position < chunk.length && remaining > 0; position++, remaining--) {
        const key = chunk[position]!;
        if (options.end !== undefined && key >= options.end) return;
        yield key;
      }
    }
  }

  /** Calls `visit` with every key in ascending order. */
  forEach(visit: (key: string) => void): void {
    for (const chunk of this.#chunks) for (const key of chunk) visit(key);
  }

  /** The chunk `key` belongs in: the last whose first key is at most `key`, or the first. */
  #chunkIndexOf(key: string): number {
    const chunks = this.#chunks;
    let low = 0;
    let high = chunks.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (chunks[middle]![0]! <= key) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}

/** The first position in sorted `keys` whose key is not less than `key` (keys.length if none). */
function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (keys[middle]! < key) low = middle + 1;
    else high = middle;
  }
  return low;
}
