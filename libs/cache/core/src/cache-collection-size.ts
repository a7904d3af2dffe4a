/**
 * The memory estimate's per-element overhead for collections: a map or tree slot plus the element's
 * object header. An estimate, like the per-entry one in cache-keyspace.ts, used for INFO memory and
 * maxmemory decisions; the measured process memory is reported next to it.
 */
export const cacheCollectionElementOverheadBytes = 48;

/** Redis's defaults for when a small encoding converts to the big one (it never converts back). */
export const cacheEncodingThresholds = {
  listpackEntriesMax: 128,
  listpackValueBytesMax: 64,
  intsetEntriesMax: 512,
} as const;
