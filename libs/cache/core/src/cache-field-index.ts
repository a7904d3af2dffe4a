/**
 * The fields of a hash or the members of a set: a dense list (position → field, what HRANDFIELD,
 * SPOP and the scan cursors index) and an open-addressing index (field → position) that is looked up
 * by the request's bytes as well as by text.
 *
 * Why not a `Map<KeyText, number>`: redis-benchmark's HSET and SADD put 100,000 random fields in one
 * key, and each request made the field's string (a `latin1Slice` and an allocation) only to look it
 * up, then V8 hashed that fresh string and walked its bucket chain comparing strings. A lookup by
 * bytes here hashes the argument's bytes, compares the hash kept in the bucket and touches the stored
 * field only on a hash match; a string is made only for a field that is new. Measured in process on
 * 100,000 fields: 1.1–1.4 µs per lookup through the Map (with the string) against 0.3–0.65 µs.
 *
 * Up to {@link linearFieldsMax} fields there is no index at all: a lookup compares against each field
 * (a small hash or set, the common case in real use, then costs two arrays and no typed arrays).
 *
 * The hash is seeded ({@link keyHashOf}, as the keyspace's): a client must not be able to choose
 * fields that all land in one probe run. The seed is per process, set by the engine from its
 * secret (cryptographic) randomness ({@link setCacheFieldHashSeed}); each index keeps the seed it
 * was made with. The buckets are the key table's kind (probe-buckets.ts).
 */
import { assert } from '@objectbox/util';
import { keyHashOf, keyHashOfBytes } from './cache-key-table.js';
import { type KeyText } from './cache-keyspace.js';
import { bucketHolding, emptyBucket, emptyProbeBuckets, insertIntoProbeRun, probeMask, removeFromProbeRun } from './probe-buckets.js';

/** Up to this many fields a lookup is a scan of the list, and no index is kept. */
const linearFieldsMax = 8;
/** Smallest index: 16 buckets. */
const bucketCountMin = 16;

let processFieldHashSeed = 0x2545f491;

/** The seed of indexes made from now on: the engine sets it once at startup from its randomness. */
export function setCacheFieldHashSeed(seed: number): void {
  processFieldHashSeed = seed | 0;
}

/** Fields longer than this are compared natively: the loop below took ~150 ms for a 10 MiB field. */
const fieldLoopCompareBytesMax = 256;

/** Whether the latin1 text `field` has exactly the bytes `bytes` (one char per byte). */
function fieldEqualsBytes(field: KeyText, bytes: Uint8Array): boolean {
  if (field.length !== bytes.length) return false;
  if (bytes.length > fieldLoopCompareBytesMax) return Buffer.from(field, 'latin1').equals(bytes);
  for (let index = 0; index < bytes.length; index++) if (field.charCodeAt(index) !== bytes[index]) return false;
  return true;
}

export class CacheFieldIndex {
  private fieldList: KeyText[] = [];
  /** Per position, the field's hash (re-indexing and moves); empty while there is no index. */
  private hashList: number[] = [];
  /**
   * (position, hash) pairs, linear probing, at most half full; null up to {@link linearFieldsMax}
   * fields. Invariant when present: holds exactly the positions [0, length), each under its hash.
   */
  private buckets: Int32Array | null = null;

  constructor(private readonly hashSeed: number = processFieldHashSeed) {}

  get length(): number {
    return this.fieldList.length;
  }

  /** The field at `position`, or undefined past the end. */
  fieldAt(position: number): KeyText | undefined {
    return this.fieldList[position];
  }

  /** Fields in position order. Do not change the index while iterating. */
  fields(): IterableIterator<KeyText> {
    return this.fieldList.values();
  }

  /** The position of `field`, or -1. */
  positionOf(field: KeyText): number {
    const buckets = this.buckets;
    if (buckets === null) return this.fieldList.indexOf(field);
    const hash = keyHashOf(field, this.hashSeed) | 0;
    const mask = probeMask(buckets);
    for (let bucket = hash & mask; ; bucket = (bucket + 1) & mask) {
      const position = buckets[2 * bucket] as number;
      if (position === emptyBucket) return -1;
      if (buckets[2 * bucket + 1] === hash && this.fieldList[position] === field) return position;
    }
  }

  /** The position of the field whose latin1 text is `bytes`, or -1; no string is made. */
  positionOfBytes(bytes: Uint8Array): number {
    const buckets = this.buckets;
    const fieldList = this.fieldList;
    if (buckets === null) {
      for (let position = 0; position < fieldList.length; position++) if (fieldEqualsBytes(fieldList[position] as KeyText, bytes)) return position;
      return -1;
    }
    const hash = keyHashOfBytes(bytes, this.hashSeed) | 0;
    const mask = probeMask(buckets);
    for (let bucket = hash & mask; ; bucket = (bucket + 1) & mask) {
      const position = buckets[2 * bucket] as number;
      if (position === emptyBucket) return -1;
      if (buckets[2 * bucket + 1] === hash && fieldEqualsBytes(fieldList[position] as KeyText, bytes)) return position;
    }
  }

  /** Appends `field`, which must not be present; returns its position. */
  append(field: KeyText): number {
    const position = this.fieldList.length;
    this.fieldList.push(field);
    if (this.buckets !== null) {
      const hash = keyHashOf(field, this.hashSeed) | 0;
      this.hashList.push(hash);
      this.indexNewPosition(position, hash);
    } else if (this.fieldList.length > linearFieldsMax) {
      this.rebuild();
    }
    return position;
  }

  /** Inserts `field`, which must not be present, at `position`; later fields move up one (intset order). */
  insertAt(position: number, field: KeyText): void {
    assert(position >= 0 && position <= this.fieldList.length, 'field position out of range');
    if (this.buckets === null) {
      this.fieldList.splice(position, 0, field);
      if (this.fieldList.length > linearFieldsMax) this.rebuild();
      return;
    }
    // From the last down, so that no two entries share a position while they are renumbered.
    for (let moved = this.fieldList.length - 1; moved >= position; moved--) this.renumber(moved, moved + 1);
    const hash = keyHashOf(field, this.hashSeed) | 0;
    this.fieldList.splice(position, 0, field);
    this.hashList.splice(position, 0, hash);
    this.indexNewPosition(position, hash);
  }

  /** Removes the field at `position`, moving the last field into its place (O(1)). */
  removeSwapLast(position: number): void {
    const lastPosition = this.fieldList.length - 1;
    assert(position >= 0 && position <= lastPosition, 'field position out of range');
    if (this.buckets === null) {
      this.fieldList[position] = this.fieldList[lastPosition] as KeyText;
      this.fieldList.pop();
      return;
    }
    this.removeBucket(position);
    if (position !== lastPosition) {
      this.renumber(lastPosition, position);
      this.fieldList[position] = this.fieldList[lastPosition] as KeyText;
      this.hashList[position] = this.hashList[lastPosition] as number;
    }
    this.fieldList.pop();
    this.hashList.pop();
    this.shrinkIfSparse();
  }

  /** Removes the field at `position`, moving every later field down one (keeps the order). */
  removeShifting(position: number): void {
    assert(position >= 0 && position < this.fieldList.length, 'field position out of range');
    if (this.buckets === null) {
      this.fieldList.splice(position, 1);
      return;
    }
    this.removeBucket(position);
    for (let moved = position + 1; moved < this.fieldList.length; moved++) this.renumber(moved, moved - 1);
    this.fieldList.splice(position, 1);
    this.hashList.splice(position, 1);
    this.shrinkIfSparse();
  }

  clone(): CacheFieldIndex {
    const copy = new CacheFieldIndex(this.hashSeed);
    copy.fieldList = this.fieldList.slice();
    copy.hashList = this.hashList.slice();
    copy.buckets = this.buckets === null ? null : this.buckets.slice();
    return copy;
  }

  /** The bucket holding `position`, found by its hash. */
  private bucketOf(position: number): number {
    return bucketHolding(this.buckets as Int32Array, position, this.hashList[position] as number);
  }

  /** The entry indexed under `from` is now at `to` (the caller moves the lists). */
  private renumber(from: number, to: number): void {
    (this.buckets as Int32Array)[2 * this.bucketOf(from)] = to;
  }

  private removeBucket(position: number): void {
    removeFromProbeRun(this.buckets as Int32Array, this.bucketOf(position));
  }

  /** Indexes `position`, just added to the lists: in a new, larger index if this one is past half full. */
  private indexNewPosition(position: number, hash: number): void {
    const buckets = this.buckets as Int32Array;
    if (this.fieldList.length * 2 > probeMask(buckets) + 1) this.rebuild();
    else insertIntoProbeRun(buckets, position, hash);
  }

  /** A removal left the index under 1/8 full: a smaller one (a deleted-from hash gives memory back, as Redis's dict shrinks). */
  private shrinkIfSparse(): void {
    const bucketCount = probeMask(this.buckets as Int32Array) + 1;
    if (this.fieldList.length <= linearFieldsMax) {
      this.buckets = null;
      this.hashList = [];
    } else if (bucketCount > bucketCountMin && this.fieldList.length * 8 < bucketCount) {
      this.rebuild();
    }
  }

  /** A new index sized for the fields: at most half full after the next append (between 1/4 and 1/2 as it grows). */
  private rebuild(): void {
    const fieldList = this.fieldList;
    let bucketCount = bucketCountMin;
    while (bucketCount < (fieldList.length + 1) * 2) bucketCount *= 2;
    const buckets = emptyProbeBuckets(bucketCount);
    this.buckets = buckets;
    if (this.hashList.length !== fieldList.length) {
      this.hashList = fieldList.map((field) => keyHashOf(field, this.hashSeed) | 0);
    }
    for (let position = 0; position < fieldList.length; position++) insertIntoProbeRun(buckets, position, this.hashList[position] as number);
  }
}
