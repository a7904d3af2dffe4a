/**
 * SortedSet commands. SKELETON: filled in by the sorted-set commands work (Redis 7 semantics, texts included).
 */
import { type CacheCommandSpec } from './cache-command-context.js';

export const cacheSortedSetCommands: readonly CacheCommandSpec[] = [];
