/**
 * The open-addressing index shared by the key table and the hash/set field index: an Int32Array of
 * (value, hash) pairs, a power-of-two number of buckets, linear probing, {@link emptyBucket} as the
 * value of an empty bucket. Lookups stay with the callers (each compares its own keys); inserting
 * and deleting are the same for both.
 */
import { assert } from '@objectbox/util';

/** The value of an empty bucket (values are slots or positions, never negative). */
export const emptyBucket = -1;

/** `bucketCount` (a power of two) empty buckets. */
export function emptyProbeBuckets(bucketCount: number): Int32Array {
  return new Int32Array(2 * bucketCount).fill(emptyBucket);
}

/** `buckets.length / 2 - 1`: a hash's home bucket is `hash & mask`. */
export function probeMask(buckets: Int32Array): number {
  return (buckets.length >> 1) - 1;
}

/** Puts (value, hash) in the first empty bucket of the hash's probe run (the caller keeps some empty). */
export function insertIntoProbeRun(buckets: Int32Array, value: number, hash: number): void {
  const mask = probeMask(buckets);
  let bucket = hash & mask;
  while (buckets[2 * bucket] !== emptyBucket) bucket = (bucket + 1) & mask;
  buckets[2 * bucket] = value;
  buckets[2 * bucket + 1] = hash;
}

/** The bucket holding `value`, which is indexed under `hash`. */
export function bucketHolding(buckets: Int32Array, value: number, hash: number): number {
  const mask = probeMask(buckets);
  let bucket = hash & mask;
  while (buckets[2 * bucket] !== value) {
    assert(buckets[2 * bucket] !== emptyBucket, 'the value is indexed under its hash');
    bucket = (bucket + 1) & mask;
  }
  return bucket;
}

/**
 * Empties bucket `hole` by backward shift (Knuth 6.4 algorithm R): later entries of the probe run
 * move up into the hole, so no tombstones are needed and probe runs stay short.
 */
export function removeFromProbeRun(buckets: Int32Array, hole: number): void {
  const mask = probeMask(buckets);
  for (let bucket = (hole + 1) & mask; ; bucket = (bucket + 1) & mask) {
    const moved = buckets[2 * bucket] as number;
    if (moved === emptyBucket) break;
    const home = (buckets[2 * bucket + 1] as number) & mask;
    // `moved` may fill the hole unless its home lies cyclically in (hole, bucket].
    const homeAfterHole = hole <= bucket ? home > hole && home <= bucket : home > hole || home <= bucket;
    if (homeAfterHole) continue;
    buckets[2 * hole] = moved;
    buckets[2 * hole + 1] = buckets[2 * bucket + 1] as number;
    hole = bucket;
  }
  buckets[2 * hole] = emptyBucket;
  buckets[2 * hole + 1] = 0;
}
