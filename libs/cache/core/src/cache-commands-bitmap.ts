/**
 * Bitmap commands. SKELETON: filled in by the bitmap commands work (Redis 7 semantics, texts included).
 */
import { type CacheCommandSpec } from './cache-command-context.js';

export const cacheBitmapCommands: readonly CacheCommandSpec[] = [];
