/**
 * List commands. SKELETON: filled in by the list commands work (Redis 7 semantics, texts included).
 */
import { type CacheCommandSpec } from './cache-command-context.js';

export const cacheListCommands: readonly CacheCommandSpec[] = [];
