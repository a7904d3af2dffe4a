/**
 * maxmemory eviction (Redis's evict.c performEvictions): while the memory estimate is over the
 * limit, sample keys per the policy, evict the best candidate (idlest for LRU, least frequent for
 * LFU, nearest expiry for volatile-ttl, any for random), and give up with "not within limit" when
 * nothing evictable is left (the command then fails with OOM). Work per call is bounded.
 */
import { type CacheEvictionPolicy } from './cache-config.js';
import { idleMsOf, lfuCounterOf, type CacheDatabase, type CacheKeyspace, type CacheRandom, type KeyText } from './cache-keyspace.js';

/** Keys evicted by one command at most (Redis bounds eviction time per call similarly). */
const evictionsPerCallMax = 100_000;

export interface EvictionResult {
  readonly evictedCount: number;
  readonly withinLimit: boolean;
}

export function evictUntilWithinLimit(options: {
  keyspace: CacheKeyspace;
  limitBytes: number;
  policy: CacheEvictionPolicy;
  sampleCount: number;
  random: CacheRandom;
  nowMs: number;
}): EvictionResult {
  const { keyspace, limitBytes, policy } = options;
  let evictedCount = 0;
  if (policy === 'noeviction') return { evictedCount, withinLimit: keyspace.usedMemoryBytes <= limitBytes };
  const volatileOnly = policy.startsWith('volatile-');
  while (keyspace.usedMemoryBytes > limitBytes && evictedCount < evictionsPerCallMax) {
    const victim = bestCandidate(keyspace.databases, policy, volatileOnly, options);
    if (victim === null) break;
    victim.database.delete(victim.key, 'evicted');
    evictedCount++;
  }
  return { evictedCount, withinLimit: keyspace.usedMemoryBytes <= limitBytes };
}

/** Lower is evicted first. */
function scoreOf(database: CacheDatabase, key: KeyText, policy: CacheEvictionPolicy, nowMs: number): number {
  const entry = database.entryOf(key);
  if (entry === undefined) return Infinity;
  switch (policy) {
    case 'allkeys-lru':
    case 'volatile-lru':
      return -idleMsOf(entry, nowMs);
    case 'allkeys-lfu':
    case 'volatile-lfu':
      return lfuCounterOf(entry, nowMs);
    case 'volatile-ttl':
      return entry.expireAtMs ?? Infinity;
    default:
      return 0;
  }
}

function bestCandidate(
  databases: readonly CacheDatabase[],
  policy: CacheEvictionPolicy,
  volatileOnly: boolean,
  options: { sampleCount: number; random: CacheRandom; nowMs: number },
): { database: CacheDatabase; key: KeyText } | null {
  let best: { database: CacheDatabase; key: KeyText; score: number } | null = null;
  const isRandom = policy === 'allkeys-random' || policy === 'volatile-random';
  for (const database of databases) {
    if ((volatileOnly ? database.expires.size : database.size) === 0) continue;
    const sample = database.sampleKeys(isRandom ? 1 : options.sampleCount, options.random, volatileOnly);
    for (const key of sample) {
      const score = scoreOf(database, key, policy, options.nowMs);
      if (best === null || score < best.score) best = { database, key, score };
    }
    if (isRandom && best !== null) break;
  }
  return best;
}
