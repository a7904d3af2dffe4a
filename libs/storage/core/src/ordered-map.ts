/**
 * An ordered in-memory map (skip list): get/put/delete in O(log n) expected time, range scans in key
 * order. Deterministic: node heights come from a seeded PRNG, never Math.random, so a simulator run
 * replays exactly. Chosen over a B-tree for its short, obviously-correct delete; chosen over a sorted
 * array because inserts into a large metadata map must not be O(n).
 */
import { assert } from '@objectbox/util';
import { createSeededRandom, type Random } from './memory-file-system.js';

/** Total order on keys: negative when a < b, zero when equal, positive when a > b. */
export type Compare<K> = (a: K, b: K) => number;

/** Levels of the skip list; 2^levelCountMax comfortably exceeds any in-memory entry count. */
const levelCountMax = 32;

interface SkipNode<K, V> {
  readonly key: K;
  value: V;
  /** Invariant: next[level] is the following node at that level, in strictly increasing key order. */
  readonly next: (SkipNode<K, V> | null)[];
}

/** Options of {@link OrderedMap}. */
export interface OrderedMapOptions<K> {
  readonly compare: Compare<K>;
  /** Seed of the height PRNG; same seed and same operations give the same structure. */
  readonly seed?: number;
}

/** See the module comment. Keys and values are stored by reference. */
export class OrderedMap<K, V> {
  readonly #compare: Compare<K>;
  readonly #random: Random;
  readonly #head: SkipNode<K, V>;
  #levelCount = 1;
  #size = 0;

  constructor(options: OrderedMapOptions<K>) {
    this.#compare = options.compare;
    this.#random = createSeededRandom(options.seed ?? 0x5eed);
    this.#head = { key: undefined as K, value: undefined as V, next: new Array<SkipNode<K, V> | null>(levelCountMax).fill(null) };
  }

  /** Number of entries. */
  get size(): number {
    return this.#size;
  }

  /** The value for `key`, or undefined. */
  get(key: K): V | undefined {
    const node = this.#findPredecessors(key, null).next[0];
    return node !== null && node !== undefined && this.#compare(node.key, key) === 0 ? node.value : undefined;
  }

  /** True when `key` is present. */
  has(key: K): boolean {
    const node = this.#findPredecessors(key, null).next[0];
    return node !== null && node !== undefined && this.#compare(node.key, key) === 0;
  }

  /** Inserts or replaces the value for `key`. */
  put(key: K, value: V): void {
    const predecessors = new Array<SkipNode<K, V>>(levelCountMax);
    const found = this.#findPredecessors(key, predecessors).next[0];
    if (found !== null && found !== undefined && this.#compare(found.key, key) === 0) {
      found.value = value;
      return;
    }
    const height = this.#randomHeight();
    for (let level = this.#levelCount; level < height; level++) predecessors[level] = this.#head;
    this.#levelCount = Math.max(this.#levelCount, height);
    const node: SkipNode<K, V> = { key, value, next: new Array<SkipNode<K, V> | null>(height).fill(null) };
    for (let level = 0; level < height; level++) {
      const predecessor = predecessors[level]!;
      node.next[level] = predecessor.next[level] ?? null;
      predecessor.next[level] = node;
    }
    this.#size++;
  }

  /**
   * Inserts entries whose keys are strictly ascending and all absent, faster than {@link put} one
   * by one: each search starts, at every level, from the later of the node the descent reached and
   * the node the previous key was spliced after (a finger), so keys that land close together cost
   * a few steps each instead of a search from the head. Asserts the order and absence.
   */
  putAscending(entries: readonly (readonly [K, V])[]): void {
    const predecessors = new Array<SkipNode<K, V>>(levelCountMax).fill(this.#head);
    let previousKey: K | undefined;
    for (const [key, value] of entries) {
      assert(previousKey === undefined || this.#compare(previousKey, key) < 0, 'putAscending needs strictly ascending keys');
      previousKey = key;
      let node = this.#head;
      for (let level = this.#levelCount - 1; level >= 0; level--) {
        const finger = predecessors[level]!;
        if (finger !== this.#head && (node === this.#head || this.#compare(finger.key, node.key) > 0)) node = finger;
        for (let next = node.next[level]; next !== null && next !== undefined && this.#compare(next.key, key) < 0; next = node.next[level]) node = next;
        predecessors[level] = node;
      }
      const following = predecessors[0]!.next[0];
      assert(following === null || following === undefined || this.#compare(following.key, key) !== 0, 'putAscending needs absent keys');
      const height = this.#randomHeight();
      this.#levelCount = Math.max(this.#levelCount, height);
      const inserted: SkipNode<K, V> = { key, value, next: new Array<SkipNode<K, V> | null>(height).fill(null) };
      for (let level = 0; level < height; level++) {
        const predecessor = predecessors[level]!;
        inserted.next[level] = predecessor.next[level] ?? null;
        predecessor.next[level] = inserted;
        // The next key is larger: the node just inserted precedes it at every level it occupies.
        predecessors[level] = inserted;
      }
      this.#size++;
    }
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: K): boolean {
    const predecessors = new Array<SkipNode<K, V>>(levelCountMax);
    const found = this.#findPredecessors(key, predecessors).next[0];
    if (found === null || found === undefined || this.#compare(found.key, key) !== 0) return false;
    for (let level = 0; level < found.next.length; level++) {
      const predecessor = predecessors[level]!;
      assert(predecessor.next[level] === found, 'skip list predecessor does not point at the node');
      predecessor.next[level] = found.next[level] ?? null;
    }
    while (this.#levelCount > 1 && this.#head.next[this.#levelCount - 1] === null) this.#levelCount--;
    this.#size--;
    return true;
  }

  /**
   * Entries with `start <= key < end` in ascending key order (half-open; an omitted bound is
   * unbounded), at most `limit` of them. Mutating the map while iterating is not supported.
   */
  *range(options: { start?: K; end?: K; limit?: number } = {}): IterableIterator<[K, V]> {
    let node = options.start === undefined ? this.#head.next[0] : this.#findPredecessors(options.start, null).next[0];
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    while (node !== null && node !== undefined && remaining > 0) {
      if (options.end !== undefined && this.#compare(node.key, options.end) >= 0) return;
      yield [node.key, node.value];
      remaining--;
      node = node.next[0];
    }
  }

  /**
   * Calls `visit` for every entry in ascending key order, without an iterator object or an entry
   * array per step (snapshotting a large map walks every entry). Do not mutate the map meanwhile.
   */
  forEach(visit: (key: K, value: V) => void): void {
    for (let node = this.#head.next[0]; node !== null && node !== undefined; node = node.next[0]) visit(node.key, node.value);
  }

  /** All entries in ascending key order. */
  entries(): IterableIterator<[K, V]> {
    return this.range();
  }

  /** Removes every entry. */
  clear(): void {
    this.#head.next.fill(null);
    this.#levelCount = 1;
    this.#size = 0;
  }

  /**
   * The last node with key < `key` (the head when none). With `predecessors`, also records that
   * node for every level, which `put` and `delete` splice at.
   */
  #findPredecessors(key: K, predecessors: SkipNode<K, V>[] | null): SkipNode<K, V> {
    let node = this.#head;
    for (let level = this.#levelCount - 1; level >= 0; level--) {
      for (let next = node.next[level]; next !== null && next !== undefined && this.#compare(next.key, key) < 0; next = node.next[level]) {
        node = next;
      }
      if (predecessors !== null) predecessors[level] = node;
    }
    return node;
  }

  /** Geometric height with p = 1/4 (as in LevelDB's skiplist.h), capped at levelCountMax. */
  #randomHeight(): number {
    let height = 1;
    while (height < levelCountMax && this.#random.next() < 0.25) height++;
    return height;
  }
}
