/**
 * Generic key commands, following redis/redis src/db.c and src/expire.c (Redis 7).
 */
import { CacheCommandError } from './cache-command-errors.js';
import { selectedDatabase, type CacheCommandContext, type CacheCommandSpec } from './cache-command-context.js';
import { argumentAt, keyAt, requireInt64 } from './cache-commands-string.js';
import { globMatch } from './cache-glob.js';
import { keyBytesFromText, type KeyText } from './cache-keyspace.js';
import { int64Max, int64Min, parseInt64, uint64Max } from './cache-number.js';
import { respBulkString, respBulkStringArray, respInteger, respNullBulk, respOk, type RespValue } from './resp-value.js';

type Args = readonly Buffer[];

/** DEL and UNLINK (both free synchronously here). */
function del(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  let deletedCount = 0;
  for (let index = 1; index < args.length; index++) {
    const key = keyAt(args, index);
    if (database.lookup(key, context.nowMs) !== undefined && database.delete(key)) deletedCount++;
  }
  return respInteger(deletedCount);
}

/** EXISTS and TOUCH: keys counted once per mention; only TOUCH counts as an access (LRU/LFU). */
function existsOrTouch(touch: boolean) {
  return (context: CacheCommandContext, args: Args): RespValue => {
    const database = selectedDatabase(context);
    let count = 0;
    for (let index = 1; index < args.length; index++) {
      if (database.lookup(keyAt(args, index), context.nowMs, touch) !== undefined) count++;
    }
    return respInteger(count);
  };
}

function type(context: CacheCommandContext, args: Args): RespValue {
  const entry = selectedDatabase(context).lookup(keyAt(args, 1), context.nowMs, false);
  return { type: 'simple-string', value: entry === undefined ? 'none' : entry.value.type };
}

interface ExpireFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

/** parseExtendedExpireArgumentsOrReply. */
function parseExpireFlags(args: Args): ExpireFlags {
  const flags: ExpireFlags = { nx: false, xx: false, gt: false, lt: false };
  for (let index = 3; index < args.length; index++) {
    const option = argumentAt(args, index).toString('latin1');
    const lower = option.toLowerCase();
    if (lower === 'nx' || lower === 'xx' || lower === 'gt' || lower === 'lt') flags[lower] = true;
    else throw new CacheCommandError('unsupported-option', option);
  }
  if (flags.nx && (flags.xx || flags.gt || flags.lt)) throw new CacheCommandError('expire-nx-and-others');
  if (flags.gt && flags.lt) throw new CacheCommandError('expire-gt-and-lt');
  return flags;
}

/** expireGenericCommand: `relative` adds now; seconds are scaled; replies 1 if the TTL was set. */
function expireGeneric(options: { unit: 'seconds' | 'milliseconds'; relative: boolean; commandName: string }) {
  return (context: CacheCommandContext, args: Args): RespValue => {
    const flags = parseExpireFlags(args);
    let when = requireInt64(argumentAt(args, 2));
    const basetime = options.relative ? BigInt(context.nowMs) : 0n;
    if (options.unit === 'seconds') {
      if (when > int64Max / 1000n || when < int64Min / 1000n) throw new CacheCommandError('invalid-expire-time', options.commandName);
      when *= 1000n;
    }
    if (when > int64Max - basetime) throw new CacheCommandError('invalid-expire-time', options.commandName);
    when += basetime;
    const database = selectedDatabase(context);
    const key = keyAt(args, 1);
    const entry = database.lookup(key, context.nowMs);
    if (entry === undefined) return respInteger(0);
    const current = entry.expireAtMs === null ? null : BigInt(entry.expireAtMs);
    if (flags.nx && current !== null) return respInteger(0);
    if (flags.xx && current === null) return respInteger(0);
    if (flags.gt && (current === null || when <= current)) return respInteger(0);
    if (flags.lt && current !== null && when >= current) return respInteger(0);
    if (when <= BigInt(context.nowMs)) database.delete(key);
    else database.setExpiry(key, Number(when));
    return respInteger(1);
  };
}

/** ttlGenericCommand: -2 missing, -1 no expiry, else remaining (or absolute) time, seconds rounded. */
function ttlGeneric(options: { outputMs: boolean; outputAbsolute: boolean }) {
  return (context: CacheCommandContext, args: Args): RespValue => {
    const entry = selectedDatabase(context).lookup(keyAt(args, 1), context.nowMs, false);
    if (entry === undefined) return respInteger(-2);
    if (entry.expireAtMs === null) return respInteger(-1);
    const ttl = Math.max(0, options.outputAbsolute ? entry.expireAtMs : entry.expireAtMs - context.nowMs);
    return respInteger(options.outputMs ? ttl : Math.floor((ttl + 500) / 1000));
  };
}

function persist(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const entry = database.lookup(key, context.nowMs);
  if (entry === undefined || entry.expireAtMs === null) return respInteger(0);
  database.setExpiry(key, null);
  return respInteger(1);
}

/** renameGenericCommand: same key is a no-op on an existing key; the TTL moves with the value. */
function renameGeneric(nx: boolean) {
  return (context: CacheCommandContext, args: Args): RespValue => {
    const database = selectedDatabase(context);
    const source = keyAt(args, 1);
    const target = keyAt(args, 2);
    const entry = database.lookup(source, context.nowMs);
    if (entry === undefined) throw new CacheCommandError('no-such-key');
    if (source === target) return nx ? respInteger(0) : respOk;
    if (database.lookup(target, context.nowMs) !== undefined) {
      if (nx) return respInteger(0);
      database.delete(target);
    }
    const { value, expireAtMs } = entry;
    database.delete(source);
    database.set({ key: target, value, expireAtMs, keepExpiry: false });
    return nx ? respInteger(1) : respOk;
  };
}

function keys(context: CacheCommandContext, args: Args): RespValue {
  const pattern = argumentAt(args, 1);
  const matchesAll = pattern.length === 1 && pattern[0] === 0x2a;
  const database = selectedDatabase(context);
  const found: Buffer[] = [];
  for (const key of database.keys()) {
    const bytes = keyBytesFromText(key);
    if (!matchesAll && !globMatch({ pattern, subject: bytes, caseInsensitive: false })) continue;
    if (database.peek(key, context.nowMs) !== undefined) found.push(bytes);
  }
  return respBulkStringArray(found);
}

const scanCursorPattern = /^[+-]?[0-9]*$/;

/** parseScanCursorOrReply: strtoull, so `+5` works, `-1` wraps to 2^64-1 and `` is 0. */
export function parseScanCursor(bytes: Buffer): bigint {
  const text = bytes.toString('latin1');
  if (!scanCursorPattern.test(text) || /^[+-]$/.test(text)) throw new CacheCommandError('invalid-cursor');
  const magnitude = BigInt(text.replace(/^[+-]/, '') || '0');
  if (magnitude > uint64Max) throw new CacheCommandError('invalid-cursor');
  return text.startsWith('-') ? (uint64Max + 1n - magnitude) % (uint64Max + 1n) : magnitude;
}

const scanCountDefault = 10;

/**
 * scanGenericCommand for SCAN. The cursor is the scan sequence to resume from (see
 * CacheDatabase.scan); COUNT bounds how many slots one call visits. TYPE with an unknown name matches
 * nothing, as in Redis 7 (the error is planned for 8.0).
 */
function scan(context: CacheCommandContext, args: Args): RespValue {
  const cursor = parseScanCursor(argumentAt(args, 1));
  let countHint = scanCountDefault;
  let pattern: Buffer | null = null;
  let typeName: string | null = null;
  for (let index = 2; index < args.length; index += 2) {
    const option = argumentAt(args, index).toString('latin1').toLowerCase();
    const value = args[index + 1];
    if (value === undefined) throw new CacheCommandError('syntax');
    if (option === 'count') {
      const count = parseInt64(value);
      if (count === null) throw new CacheCommandError('not-integer');
      if (count < 1n) throw new CacheCommandError('syntax');
      countHint = count > 1_000_000n ? 1_000_000 : Number(count);
    } else if (option === 'match') {
      pattern = value.length === 1 && value[0] === 0x2a ? null : value;
    } else if (option === 'type') {
      typeName = value.toString('latin1').toLowerCase();
    } else throw new CacheCommandError('syntax');
  }
  const database = selectedDatabase(context);
  const page = database.scan({ cursor, countHint, nowMs: context.nowMs });
  const found: Buffer[] = [];
  for (const key of page.keys) {
    const bytes = keyBytesFromText(key);
    if (pattern !== null && !globMatch({ pattern, subject: bytes, caseInsensitive: false })) continue;
    if (typeName !== null && database.entryOf(key)?.value.type !== typeName) continue;
    found.push(bytes);
  }
  return { type: 'array', items: [respBulkString(page.cursorNext.toString()), respBulkStringArray(found)] };
}

function randomkey(context: CacheCommandContext): RespValue {
  const key: KeyText | null = selectedDatabase(context).randomKey(context.nowMs, context.random);
  return key === null ? respNullBulk : respBulkString(keyBytesFromText(key));
}

export const cacheKeyspaceCommands: readonly CacheCommandSpec[] = [
  { name: 'del', arity: -2, flags: ['write'], handler: del },
  { name: 'unlink', arity: -2, flags: ['write', 'fast'], handler: del },
  { name: 'exists', arity: -2, flags: ['readonly', 'fast'], handler: existsOrTouch(false) },
  { name: 'touch', arity: -2, flags: ['readonly', 'fast'], handler: existsOrTouch(true) },
  { name: 'type', arity: 2, flags: ['readonly', 'fast'], handler: type },
  { name: 'expire', arity: -3, flags: ['write', 'fast'], handler: expireGeneric({ unit: 'seconds', relative: true, commandName: 'expire' }) },
  { name: 'pexpire', arity: -3, flags: ['write', 'fast'], handler: expireGeneric({ unit: 'milliseconds', relative: true, commandName: 'pexpire' }) },
  { name: 'expireat', arity: -3, flags: ['write', 'fast'], handler: expireGeneric({ unit: 'seconds', relative: false, commandName: 'expireat' }) },
  { name: 'pexpireat', arity: -3, flags: ['write', 'fast'], handler: expireGeneric({ unit: 'milliseconds', relative: false, commandName: 'pexpireat' }) },
  { name: 'ttl', arity: 2, flags: ['readonly', 'fast', 'random'], handler: ttlGeneric({ outputMs: false, outputAbsolute: false }) },
  { name: 'pttl', arity: 2, flags: ['readonly', 'fast', 'random'], handler: ttlGeneric({ outputMs: true, outputAbsolute: false }) },
  { name: 'expiretime', arity: 2, flags: ['readonly', 'fast'], handler: ttlGeneric({ outputMs: false, outputAbsolute: true }) },
  { name: 'pexpiretime', arity: 2, flags: ['readonly', 'fast'], handler: ttlGeneric({ outputMs: true, outputAbsolute: true }) },
  { name: 'persist', arity: 2, flags: ['write', 'fast'], handler: persist },
  { name: 'rename', arity: 3, flags: ['write'], handler: renameGeneric(false) },
  { name: 'renamenx', arity: 3, flags: ['write', 'fast'], handler: renameGeneric(true) },
  { name: 'keys', arity: 2, flags: ['readonly'], handler: keys },
  { name: 'scan', arity: -2, flags: ['readonly'], handler: scan },
  { name: 'randomkey', arity: 1, flags: ['readonly', 'random'], handler: randomkey },
];


