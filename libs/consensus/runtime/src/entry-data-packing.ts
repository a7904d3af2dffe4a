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
  if (entries.length === 0) return [];
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

/**
 * `entries` as they are, except those whose data view a buffer that the kept entries use less
 * than half of: those get their data packed into one buffer (withPackedData).
 *
 * For the entries a replica keeps after replaying its WAL, which view the buffers the segment
 * files were read into (one per file, up to the segment size): copying them all held the log twice
 * while the replica opened, but keeping every view let the last few entries of an old segment
 * (1 KiB of log behind a snapshot) hold its whole 64 MiB buffer until the next compaction.
 */
export function keptWithoutSparseViews(entries: readonly Entry[]): Entry[] {
  const keptBytes = new Map<ArrayBufferLike, number>();
  for (const entry of entries) keptBytes.set(entry.data.buffer, (keptBytes.get(entry.data.buffer) ?? 0) + entry.data.byteLength);
  const sparse = new Set<ArrayBufferLike>();
  for (const [buffer, bytes] of keptBytes) if (bytes * 2 < buffer.byteLength) sparse.add(buffer);
  if (sparse.size === 0) return [...entries];
  const packed = withPackedData(entries.filter((entry) => sparse.has(entry.data.buffer)));
  let next = 0;
  return entries.map((entry) => (sparse.has(entry.data.buffer) ? packed[next++]! : entry));
}
