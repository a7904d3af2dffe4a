/**
 * What a command handler sees: the keyspace, the session, the time and the randomness, and the shape
 * of a command table entry.
 */
import { CacheCommandError } from './cache-command-errors.js';
import { type CacheDatabase, type CacheKeyspace, type CacheRandom, type CacheValue, type KeyText } from './cache-keyspace.js';
import { parseFloat64 } from './cache-number.js';
import { type RespProtocolVersion, type RespValue } from './resp-value.js';

/** Redis's command flags that matter so far (COMMAND INFO, MULTI, OOM checks use them later). */
export type CacheCommandFlag = 'write' | 'readonly' | 'fast' | 'denyoom' | 'random' | 'loading' | 'stale';

/** Per connection state a command may read or change. */
export interface CacheSession {
  databaseIndex: number;
  /**
   * Whether the connection's user may read every key (Redis's ACLUserCheckKeyPerm(user, "*")): SORT's
   * BY and GET read keys no argument names, so they need it. Absent: no ACL applies (tests).
   */
  hasFullKeyAccess?(): boolean;
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
  /**
   * False inside MULTI/EXEC (and scripts): a blocking command with nothing to serve answers its
   * timeout reply at once instead of returning a {@link CacheBlock}.
   */
  readonly blockingAllowed: boolean;
  /** The connection's protocol: a few replies differ in shape, not only in type (WITHSCORES pairs). */
  readonly protocolVersion: RespProtocolVersion;
}

/**
 * What a blocking command (BLPOP, BLMOVE, BZPOPMIN, ...) returns when it has nothing to serve and
 * blocking is allowed: the server parks the client on `keys`, runs the same command again whenever one
 * of them is modified (as Redis 7 re-executes it), and answers `timeoutReply` at `timeoutAtMs` (null:
 * never).
 */
export interface CacheBlock {
  readonly type: 'block';
  readonly keys: readonly KeyText[];
  readonly timeoutAtMs: number | null;
  readonly timeoutReply: RespValue;
  /**
   * The arguments to run again instead of the original ones (XREAD resolves `$` to the stream's last
   * ID at the time of the call, as Redis does when it blocks). Absent: the original arguments.
   */
  readonly retryArgs?: readonly Buffer[];
  /**
   * The type a changed key must hold for the command to run again (Redis 7.2's blocking type): while
   * it holds another or none, the client keeps waiting; once it holds this one, whatever the re-run
   * answers (a WRONGTYPE about another key included, BLMOVE's destination) ends the wait.
   */
  readonly waitsForType?: CacheValue['type'];
  /**
   * Run again on any change to its keys, whatever they hold (Redis 7.2's unblock_on_nokey): XREADGROUP
   * is told NOGROUP or WRONGTYPE when its stream goes or changes type.
   */
  readonly servedOnAnyChange?: boolean;
}

export type CacheCommandResult = RespValue | CacheBlock;

export function isCacheBlock(result: CacheCommandResult): result is CacheBlock {
  return result.type === 'block';
}

/**
 * A blocking command with nothing to serve: a {@link CacheBlock}, or `timeoutReply` at once where
 * blocking is not allowed.
 */
export function blockOrTimeoutReply(
  context: CacheCommandContext,
  block: Omit<CacheBlock, 'type'>,
): CacheCommandResult {
  return context.blockingAllowed ? { type: 'block', ...block } : block.timeoutReply;
}

/**
 * getTimeoutFromObjectOrReply (timeout.c): seconds as a float, 0 = forever; returns the absolute
 * deadline in ms, or null for forever.
 */
export function parseBlockTimeout(context: CacheCommandContext, argument: Buffer): number | null {
  const seconds = parseFloat64(argument);
  if (seconds === null) throw new CacheCommandError('timeout-not-float');
  if (seconds < 0) throw new CacheCommandError('timeout-negative');
  if (seconds === 0) return null;
  const timeoutMs = Math.ceil(seconds * 1000);
  // Redis converts to a long long: infinity and huge values wrap negative there.
  if (!Number.isFinite(timeoutMs) || timeoutMs >= 2 ** 63) throw new CacheCommandError('timeout-negative');
  if (timeoutMs > Number.MAX_SAFE_INTEGER - context.nowMs) throw new CacheCommandError('timeout-out-of-range');
  return context.nowMs + timeoutMs;
}

export type CacheCommandHandler = (context: CacheCommandContext, args: readonly Buffer[]) => CacheCommandResult;

export interface CacheCommandSpec {
  /** Lower case, as Redis's `fullname` in error texts. */
  readonly name: string;
  /** Redis convention, counting the name: n means exactly n, -n at least n. */
  readonly arity: number;
  readonly flags: readonly CacheCommandFlag[];
  readonly handler: CacheCommandHandler;
}

/** Whether `args` has the argument count `arity` allows (n exact, -n at least n; the name counts). */
export function arityAllows(arity: number, args: readonly Buffer[]): boolean {
  return arity > 0 ? args.length === arity : args.length >= -arity;
}

/** The database the session has selected. */
export function selectedDatabase(context: CacheCommandContext): CacheDatabase {
  return context.keyspace.database(context.session.databaseIndex);
}

