/**
 * Hash commands. SKELETON: filled in by the hash commands work (Redis 7 semantics, texts included).
 */
import { type CacheCommandSpec } from './cache-command-context.js';

export const cacheHashCommands: readonly CacheCommandSpec[] = [];
