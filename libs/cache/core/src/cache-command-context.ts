/**
 * What a command handler sees: the keyspace, the session, the time and the randomness, and the shape
 * of a command table entry.
 */
import { type CacheDatabase, type CacheKeyspace, type CacheRandom } from './cache-keyspace.js';
import { type RespValue } from './resp-value.js';

/** Redis's command flags that matter so far (COMMAND INFO, MULTI, OOM checks use them later). */
export type CacheCommandFlag = 'write' | 'readonly' | 'fast' | 'denyoom' | 'random' | 'loading' | 'stale';

/** Per connection state a command may read or change. */
export interface CacheSession {
  databaseIndex: number;
}

export interface CacheCommandLimits {
  /** Largest string value (Redis's proto-max-bulk-len, 512 MiB). */
  readonly stringBytesMax: number;
}

export const cacheCommandLimitsDefault: CacheCommandLimits = { stringBytesMax: 512 * 1024 * 1024 };

export interface CacheCommandContext {
  readonly keyspace: CacheKeyspace;
  readonly session: CacheSession;
  /** Unix time in ms at which the command runs. */
  readonly nowMs: number;
  readonly random: CacheRandom;
  readonly limits: CacheCommandLimits;
}

export type CacheCommandHandler = (context: CacheCommandContext, args: readonly Buffer[]) => RespValue;

export interface CacheCommandSpec {
  /** Lower case, as Redis's `fullname` in error texts. */
  readonly name: string;
  /** Redis convention, counting the name: n means exactly n, -n at least n. */
  readonly arity: number;
  readonly flags: readonly CacheCommandFlag[];
  readonly handler: CacheCommandHandler;
}

/** The database the session has selected. */
export function selectedDatabase(context: CacheCommandContext): CacheDatabase {
  return context.keyspace.database(context.session.databaseIndex);
}

