/**
 * Set commands. SKELETON: filled in by the set commands work (Redis 7 semantics, texts included).
 */
import { type CacheCommandSpec } from './cache-command-context.js';

export const cacheSetCommands: readonly CacheCommandSpec[] = [];
