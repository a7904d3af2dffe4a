/**
 * The memory estimate's per-element overhead for collections: a map or tree slot plus the element's
 * object header. An estimate, like the per-entry one in cache-keyspace.ts, used for INFO memory and
 * maxmemory decisions; the measured process memory is reported next to it.
 */
export const cacheCollectionElementOverheadBytes = 48;

/**
 * When a small encoding converts to the big one (Redis's `*-max-listpack-*` / `set-max-intset-entries`
 * parameters). Sets, hashes and sorted sets never convert back; lists do (see cache-list.ts).
 */
export interface CacheEncodingThresholds {
  hashListpackEntriesMax: number;
  hashListpackValueBytesMax: number;
  setIntsetEntriesMax: number;
  setListpackEntriesMax: number;
  setListpackValueBytesMax: number;
  zsetListpackEntriesMax: number;
  zsetListpackValueBytesMax: number;
  /** `list-max-listpack-size`: negative is a byte class (-1 = 4 KiB .. -5 = 64 KiB), positive an element count. */
  listListpackSize: number;
  /** `hll-sparse-max-bytes`: a sparse HyperLogLog that would grow past it turns dense (cache-hyperloglog.ts). */
  hllSparseBytesMax: number;
  /** `stream-node-max-bytes` / `stream-node-max-entries`: when a stream opens a new node (cache-stream.ts). */
  streamNodeBytesMax: number;
  streamNodeEntriesMax: number;
}

/**
 * Redis 7's compiled-in defaults (config.c), which a server started without a config file has: the
 * hash entry limit is 512 there, though the sample redis.conf sets 128.
 */
export const cacheEncodingThresholdsDefault: Readonly<CacheEncodingThresholds> = Object.freeze({
  hashListpackEntriesMax: 512,
  hashListpackValueBytesMax: 64,
  setIntsetEntriesMax: 512,
  setListpackEntriesMax: 128,
  setListpackValueBytesMax: 64,
  zsetListpackEntriesMax: 128,
  zsetListpackValueBytesMax: 64,
  listListpackSize: -2,
  hllSparseBytesMax: 3000,
  streamNodeBytesMax: 4096,
  streamNodeEntriesMax: 100,
});

/**
 * The thresholds in force. Process-wide, like Redis's `server.*_max_*` globals: collections read it on
 * every insertion, and passing it down to each of them would cost a field per value. The engine writes
 * it from its CONFIG values at start and on CONFIG SET (one cache engine per process).
 */
export const cacheEncodingThresholds: CacheEncodingThresholds = { ...cacheEncodingThresholdsDefault };

/** quicklist.c's optimization_level: the byte limits of `list-max-listpack-size` -1 .. -5. */
const listListpackByteClasses = [4096, 8192, 16384, 32768, 65536] as const;
/** quicklist.c's SIZE_SAFETY_LIMIT: with an element-count limit, a listpack still stays under 8 KiB. */
const listListpackSafetyBytes = 8192;

/**
 * quicklistNodeExceedsLimit for a listpack of `bytes` holding `count` elements under the current
 * `list-max-listpack-size`: true when Redis would convert it to a quicklist.
 */
export function listListpackExceedsLimit(bytes: number, count: number): boolean {
  const size = cacheEncodingThresholds.listListpackSize;
  if (size < 0) return bytes > (listListpackByteClasses[Math.min(-size, listListpackByteClasses.length) - 1] as number);
  return bytes > listListpackSafetyBytes || count > Math.max(size, 1);
}

/**
 * listTypeTryConvertQuicklist while shrinking: a quicklist goes back to a listpack when it is under
 * half the limit (its byte class, or half the element count).
 */
export function listListpackFitsAfterShrink(bytes: number, count: number): boolean {
  const size = cacheEncodingThresholds.listListpackSize;
  if (size < 0) return bytes * 2 <= (listListpackByteClasses[Math.min(-size, listListpackByteClasses.length) - 1] as number);
  return count <= Math.floor(Math.max(size, 1) / 2);
}
