/**
 * DUMP and RESTORE (Redis 7.0 src/cluster.c dumpCommand / restoreCommand): a key's value as a
 * payload in Redis's serialization (cache-dump-payload.ts), and a key created from one, with its TTL
 * and optionally its idle time or LFU frequency.
 */
import { CacheCommandError } from './cache-command-errors.js';
import { selectedDatabase, type CacheCommandContext, type CacheCommandSpec } from './cache-command-context.js';
import { argumentAt, keyAt, requireInt64 } from './cache-commands-string.js';
import { CacheDumpPayloadError, decodeDumpPayload, encodeDumpPayload } from './cache-dump-payload.js';
import { type CacheValue } from './cache-keyspace.js';
import { respBulkString, respNullBulk, respOk, type RespValue } from './resp-value.js';

type Args = readonly Buffer[];

function dump(context: CacheCommandContext, args: Args): RespValue {
  const entry = selectedDatabase(context).lookup(keyAt(args, 1), context.nowMs);
  return entry === undefined ? respNullBulk : respBulkString(encodeDumpPayload(entry.value));
}

interface RestoreOptions {
  replace: boolean;
  absoluteTtl: boolean;
  idleSeconds: number | null;
  lfuCounter: number | null;
}

/** RESTORE's options after the payload, in restoreCommand's order of checks. */
function restoreOptionsOf(args: Args): RestoreOptions {
  const options: RestoreOptions = { replace: false, absoluteTtl: false, idleSeconds: null, lfuCounter: null };
  for (let index = 4; index < args.length; index++) {
    const option = argumentAt(args, index).toString('latin1').toLowerCase();
    const hasValue = index + 1 < args.length;
    if (option === 'replace') {
      options.replace = true;
    } else if (option === 'absttl') {
      options.absoluteTtl = true;
    } else if (option === 'idletime' && hasValue && options.lfuCounter === null) {
      const idle = requireInt64(argumentAt(args, ++index));
      if (idle < 0n) throw new CacheCommandError('message', 'Invalid IDLETIME value, must be >= 0');
      options.idleSeconds = Number(idle);
    } else if (option === 'freq' && hasValue && options.idleSeconds === null) {
      const frequency = requireInt64(argumentAt(args, ++index));
      if (frequency < 0n || frequency > 255n) throw new CacheCommandError('message', 'Invalid FREQ value, must be >= 0 and <= 255');
      options.lfuCounter = Number(frequency);
    } else {
      throw new CacheCommandError('syntax');
    }
  }
  return options;
}

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
function restore(context: CacheCommandContext, args: Args): RespValue {
  const options = restoreOptionsOf(args);
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  if (!options.replace && database.lookup(key, context.nowMs) !== undefined) {
    return { type: 'error', prefix: 'BUSYKEY', message: 'Target key name already exists.' };
  }
  const ttl = requireInt64(argumentAt(args, 2));
  if (ttl < 0n) throw new CacheCommandError('message', 'Invalid TTL value, must be >= 0');
  let value: CacheValue;
  try {
    value = decodeDumpPayload(argumentAt(args, 3), context.limits.stringBytesMax);
  } catch (error) {
    if (error instanceof CacheDumpPayloadError) throw new CacheCommandError('message', error.message);
    throw error;
  }
  if (options.replace) database.delete(key);
  const expireAtMs = ttl === 0n ? null : Number(ttl) + (options.absoluteTtl ? 0 : context.nowMs);
  // Already expired: Redis answers OK and leaves the key absent (deleted, with REPLACE).
  if (expireAtMs !== null && expireAtMs <= context.nowMs) return respOk;
  database.set({ key, value, expireAtMs, keepExpiry: false });
  if (options.idleSeconds !== null || options.lfuCounter !== null) {
    database.setAccessFacts(key, { idleSeconds: options.idleSeconds, lfuCounter: options.lfuCounter }, context.nowMs);
  }
  return respOk;
}

export const cacheDumpCommands: readonly CacheCommandSpec[] = [
  { name: 'dump', arity: 2, flags: ['readonly'], handler: dump },
  { name: 'restore', arity: -4, flags: ['write', 'denyoom'], handler: restore },
];
