import type { Entry } from '@objectbox/consensus-core';

/**
 * `entries` with their data copied into one unpooled buffer of exactly their total size, for the
 * in-memory log, which keeps an entry until the next snapshot (10k-100k entries, seconds).
 *
 * An entry's data arrives as a view of memory shared with short-lived buffers: on the leader the
 * command's encoding, a slice of Node's 64 KiB allocation pool (Buffer.poolSize in Node 24); on a
 * follower a view of the received message, itself cut from that pool or from a socket read. Kept
 * as it came, a log entry held its whole 64 KiB slab alive for seconds, with everything else cut
 * from it: V8 counts those slabs as external memory, and their growth (to 165 MB on a raft-kv
 * leader in 12 s, 2026-12-01) brought on full GCs. Entries appended together are compacted
 * together, so one buffer per append is freed about when its last entry goes.
 */
export function withPackedData(entries: readonly Entry[]): Entry[] {
  let totalBytes = 0;
  for (const entry of entries) totalBytes += entry.data.byteLength;
  // allocUnsafeSlow: never from the pool, and every byte is written below.
  const packed = Buffer.allocUnsafeSlow(totalBytes);
  let offset = 0;
  return entries.map((entry) => {
    const start = offset;
    packed.set(entry.data, start);
    offset += entry.data.byteLength;
    return { term: entry.term, index: entry.index, type: entry.type, data: packed.subarray(start, offset) };
  });
}
