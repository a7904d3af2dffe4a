/**
 * MEMORY STATS and MEMORY DOCTOR from what this server knows (Redis's getMemoryOverheadData and
 * getMemoryDoctorReport in object.c). Memory here is the keyspace's per-entry estimate (the
 * `used_memory` INFO and maxmemory use) plus the clients' unsent output; there is no allocator to
 * ask (V8 owns the heap), so the allocator fields are derived from those and the process RSS, and
 * the doctor's fragmentation checks are not made (the process RSS against a per-key estimate says
 * nothing about fragmentation).
 */
import { cacheEntryOverheadBytes } from './cache-keyspace.js';

export interface CacheMemoryFacts {
  /** The keyspace estimate (INFO used_memory). */
  readonly usedBytes: number;
  readonly peakBytes: number;
  /** Unsent output and queued MULTI commands of the clients. */
  readonly clientsBytes: number;
  readonly clientCount: number;
  readonly residentBytes: number;
  /** Keys per database that has any (db index, count). */
  readonly keysByDatabase: readonly { readonly databaseIndex: number; readonly keyCount: number }[];
}

export interface CacheMemoryStats {
  readonly totalBytes: number;
  readonly peakBytes: number;
  /** In Redis's order: integers, doubles, and one map per database. */
  readonly fields: readonly (readonly [string, { readonly integer: number } | { readonly double: number } | { readonly map: readonly (readonly [string, number])[] }])[];
}

/** getMemoryOverheadData, with the fields of Redis 7.0's MEMORY STATS in its order. */
export function memoryStatsOf(facts: CacheMemoryFacts): CacheMemoryStats {
  const totalBytes = facts.usedBytes + facts.clientsBytes;
  const peakBytes = Math.max(facts.peakBytes + facts.clientsBytes, totalBytes);
  const keyCount = facts.keysByDatabase.reduce((sum, database) => sum + database.keyCount, 0);
  const databaseOverhead = keyCount * cacheEntryOverheadBytes;
  const overheadBytes = facts.clientsBytes + databaseOverhead;
  const datasetBytes = Math.max(0, totalBytes - overheadBytes);
  const startupBytes = 0;
  const netBytes = totalBytes - startupBytes;
  const rss = facts.residentBytes;
  const integer = (value: number) => ({ integer: Math.max(0, Math.round(value)) });
  const double = (value: number) => ({ double: Number.isFinite(value) ? value : 0 });
  return {
    totalBytes,
    peakBytes,
    fields: [
      ['peak.allocated', integer(peakBytes)],
      ['total.allocated', integer(totalBytes)],
      ['startup.allocated', integer(startupBytes)],
      ['replication.backlog', integer(0)],
      ['clients.slaves', integer(0)],
      ['clients.normal', integer(facts.clientsBytes)],
      ['cluster.links', integer(0)],
      ['aof.buffer', integer(0)],
      ['lua.caches', integer(0)],
      ['functions.caches', integer(0)],
      ...facts.keysByDatabase.map(
        (database) =>
          [
            `db.${database.databaseIndex}`,
            {
              map: [
                // The per-entry part of the estimate stands for the hash table's cost; an expiry adds none.
                ['overhead.hashtable.main', database.keyCount * cacheEntryOverheadBytes],
                ['overhead.hashtable.expires', 0],
                ['overhead.hashtable.slot-to-keys', 0],
              ],
            },
          ] as const,
      ),
      ['overhead.total', integer(overheadBytes)],
      ['keys.count', integer(keyCount)],
      ['keys.bytes-per-key', integer(keyCount === 0 ? 0 : Math.floor(netBytes / keyCount))],
      ['dataset.bytes', integer(datasetBytes)],
      ['dataset.percentage', double(netBytes === 0 ? 0 : (datasetBytes * 100) / netBytes)],
      ['peak.percentage', double(peakBytes === 0 ? 0 : (totalBytes * 100) / peakBytes)],
      ['allocator.allocated', integer(totalBytes)],
      ['allocator.active', integer(totalBytes)],
      ['allocator.resident', integer(rss)],
      ['allocator-fragmentation.ratio', double(1)],
      ['allocator-fragmentation.bytes', integer(0)],
      ['allocator-rss.ratio', double(totalBytes === 0 ? 0 : rss / totalBytes)],
      ['allocator-rss.bytes', integer(rss - totalBytes)],
      ['rss-overhead.ratio', double(1)],
      ['rss-overhead.bytes', integer(0)],
      ['fragmentation', double(totalBytes === 0 ? 0 : rss / totalBytes)],
      ['fragmentation.bytes', integer(rss - totalBytes)],
    ],
  };
}

const emptyReport =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. " +
  'Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n';
const healthyReport = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
const peakReport =
  ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n';
const clientBufferReport =
  ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n';

/**
 * getMemoryDoctorReport's texts and thresholds: under 5 MiB the instance counts as empty; a peak over
 * 150% of the current use and client buffers over 200 KiB per client on average are reported.
 */
export function memoryDoctorReport(facts: CacheMemoryFacts): string {
  const stats = memoryStatsOf(facts);
  if (stats.totalBytes < 5 * 1024 * 1024) return emptyReport;
  const issues: string[] = [];
  if (stats.peakBytes / stats.totalBytes > 1.5) issues.push(peakReport);
  if (facts.clientCount > 0 && facts.clientsBytes / facts.clientCount > 200 * 1024) issues.push(clientBufferReport);
  if (issues.length === 0) return healthyReport;
  return `Sam, I detected a few issues in this Redis instance memory implants:\n\n${issues.join('')}I'm here to keep you safe, Sam. I want to help you.\n`;
}
