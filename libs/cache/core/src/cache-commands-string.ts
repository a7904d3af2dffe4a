/**
 * String commands, following redis/redis src/t_string.c (Redis 7): argument parsing order, reply
 * types and error texts included.
 */
import { CacheCommandError } from './cache-command-errors.js';
import { selectedDatabase, type CacheCommandContext, type CacheCommandSpec } from './cache-command-context.js';
import { CacheStoredCollection } from './cache-key-table.js';
import { CacheStringValue } from './cache-string-value.js';
import { lcsTableBytes, longestCommonSubsequence } from './cache-lcs.js';
import { keyTextFromBytes, type CacheDatabase, type CacheValue, type KeyText } from './cache-keyspace.js';
import { addLongDoubles, formatLongDoubleHuman, longDoubleZero, parseLongDouble } from './cache-long-double.js';
import { int64Max, int64Min, integerReplyValue, parseInt64 } from './cache-number.js';
import {
  respBulkString,
  respInteger,
  respNullBulk,
  respOk,
  type RespValue,
} from './resp-value.js';

type Args = readonly Buffer[];

export function argumentAt(args: Args, index: number): Buffer {
  const argument = args[index];
  if (argument === undefined) throw new CacheCommandError('syntax');
  return argument;
}

export function keyAt(args: Args, index: number): KeyText {
  const argument = argumentAt(args, index);
  return index === 1 ? firstKeyTextOf(argument) : keyTextFromBytes(argument);
}

/**
 * The text of the last argument 1 seen (the key of most commands) and a copy of its bytes. A pipeline
 * often repeats its key (LPUSH mylist ..., HSET user:1 ...): comparing up to
 * {@link firstKeyBytesMax} bytes costs far less than making the string (a native call per request),
 * and Maps then find the same string object faster. Keyed by content, so sharing it is harmless.
 */
const firstKeyBytesMax = 64;
const firstKeyBytes = Buffer.alloc(firstKeyBytesMax);
let firstKeyLength = -1;
let firstKeyText = '' as KeyText;

function firstKeyTextOf(argument: Buffer): KeyText {
  const length = argument.length;
  if (length === firstKeyLength) {
    let index = 0;
    while (index < length && argument[index] === firstKeyBytes[index]) index++;
    if (index === length) return firstKeyText;
  }
  const text = keyTextFromBytes(argument);
  if (length <= firstKeyBytesMax) {
    for (let index = 0; index < length; index++) firstKeyBytes[index] = argument[index] as number;
    firstKeyLength = length;
    firstKeyText = text;
  }
  return text;
}

export function requireInt64(bytes: Buffer): bigint {
  const value = parseInt64(bytes);
  if (value === null) throw new CacheCommandError('not-integer');
  return value;
}

function stringValueOf(bytes: Uint8Array): CacheValue {
  return CacheStringValue.copyOf(bytes);
}

/** The string at `key`, null when missing; WRONGTYPE for another type (lookupKeyRead + checkType). */
export function readString(database: CacheDatabase, key: KeyText, nowMs: number): Buffer | null {
  const stored = database.lookupStored(key, nowMs);
  if (stored === undefined) return null;
  if (stored instanceof CacheStoredCollection) throw new CacheCommandError('wrong-type');
  return typeof stored === 'string' ? Buffer.from(stored, 'latin1') : stored;
}

/**
 * GET's reply for the value at `key`. A small value is stored as latin1 text; when it is ASCII (the
 * common case: counters, tokens, ids) that text is its UTF-8 too, so it is the reply as it is,
 * without the Buffer copy {@link readString} makes.
 */
function stringReplyOf(database: CacheDatabase, key: Buffer, nowMs: number): RespValue {
  const stored = database.lookupStoredBytes(key, nowMs);
  if (stored === undefined) return respNullBulk;
  if (stored instanceof CacheStoredCollection) throw new CacheCommandError('wrong-type');
  if (typeof stored !== 'string') return respBulkString(stored);
  for (let index = 0; index < stored.length; index++) if (stored.charCodeAt(index) > 0x7f) return respBulkString(Buffer.from(stored, 'latin1'));
  return respBulkString(stored);
}

function bulkOrNull(value: Buffer | null): RespValue {
  return value === null ? respNullBulk : respBulkString(value);
}

function checkStringLength(context: CacheCommandContext, sizeBytes: number): void {
  if (sizeBytes > context.limits.stringBytesMax) throw new CacheCommandError('string-too-long');
}

/** The flags of SET and GETEX (parseExtendedStringArgumentsOrReply). */
interface ExtendedStringArguments {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  persist: boolean;
  expire: { argument: Buffer; unit: 'seconds' | 'milliseconds'; relative: boolean } | null;
}

function parseExtendedStringArguments(args: Args, startIndex: number, commandType: 'set' | 'getex'): ExtendedStringArguments {
  const parsed: ExtendedStringArguments = { nx: false, xx: false, get: false, keepTtl: false, persist: false, expire: null };
  const isSet = commandType === 'set';
  for (let index = startIndex; index < args.length; index++) {
    const option = argumentAt(args, index).toString('latin1').toLowerCase();
    const next = args[index + 1];
    const expireKind = parsed.expire === null ? null : `${parsed.expire.unit}:${parsed.expire.relative}`;
    if (option === 'nx' && !parsed.xx && isSet) parsed.nx = true;
    else if (option === 'xx' && !parsed.nx && isSet) parsed.xx = true;
    else if (option === 'get' && isSet) parsed.get = true;
    else if (option === 'keepttl' && !parsed.persist && parsed.expire === null && isSet) parsed.keepTtl = true;
    else if (option === 'persist' && !isSet && parsed.expire === null && !parsed.keepTtl) parsed.persist = true;
    else if (next !== undefined && !parsed.keepTtl && !parsed.persist && isExpireOption(option)) {
      const expire = expireOptionOf(option, next);
      if (expireKind !== null && expireKind !== `${expire.unit}:${expire.relative}`) throw new CacheCommandError('syntax');
      parsed.expire = expire;
      index++;
    } else throw new CacheCommandError('syntax');
  }
  return parsed;
}

function isExpireOption(option: string): boolean {
  return option === 'ex' || option === 'px' || option === 'exat' || option === 'pxat';
}

function expireOptionOf(option: string, argument: Buffer): NonNullable<ExtendedStringArguments['expire']> {
  return {
    argument,
    unit: option === 'ex' || option === 'exat' ? 'seconds' : 'milliseconds',
    relative: option === 'ex' || option === 'px',
  };
}

/** getExpireMillisecondsOrReply: absolute expiry in ms, or the "invalid expire time" error. */
function expireAtMsOf(context: CacheCommandContext, expire: NonNullable<ExtendedStringArguments['expire']>, commandName: string): number {
  const value = requireInt64(expire.argument);
  if (value <= 0n || (expire.unit === 'seconds' && value > int64Max / 1000n)) {
    throw new CacheCommandError('invalid-expire-time', commandName);
  }
  let expireAtMs = expire.unit === 'seconds' ? value * 1000n : value;
  if (expire.relative) expireAtMs += BigInt(context.nowMs);
  if (expireAtMs <= 0n || expireAtMs > int64Max) throw new CacheCommandError('invalid-expire-time', commandName);
  return Number(expireAtMs);
}

const noOptions: ExtendedStringArguments = Object.freeze({ nx: false, xx: false, get: false, keepTtl: false, persist: false, expire: null });

/** setGenericCommand. */
function setGeneric(
  context: CacheCommandContext,
  options: { key: KeyText; value: Buffer; parsed: ExtendedStringArguments; expireAtMs: number | null; okReply: RespValue; abortReply: RespValue },
): RespValue {
  const database = selectedDatabase(context);
  const { parsed } = options;
  const previous = parsed.get ? readString(database, options.key, context.nowMs) : null;
  const found = database.exists(options.key, context.nowMs);
  if ((parsed.nx && found) || (parsed.xx && !found)) return parsed.get ? bulkOrNull(previous) : options.abortReply;
  database.set({ key: options.key, value: stringValueOf(options.value), expireAtMs: options.expireAtMs, keepExpiry: parsed.keepTtl });
  return parsed.get ? bulkOrNull(previous) : options.okReply;
}

function set(context: CacheCommandContext, args: Args): RespValue {
  // SET key value, the common form: by bytes when the database allows it (no strings made).
  if (args.length === 3 && selectedDatabase(context).setInlineStringBytes(args[1] as Buffer, args[2] as Buffer, context.nowMs)) return respOk;
  const parsed = args.length === 3 ? noOptions : parseExtendedStringArguments(args, 3, 'set');
  const expireAtMs = parsed.expire === null ? null : expireAtMsOf(context, parsed.expire, 'set');
  return setGeneric(context, { key: keyAt(args, 1), value: argumentAt(args, 2), parsed, expireAtMs, okReply: respOk, abortReply: respNullBulk });
}

function setWithExpire(unit: 'seconds' | 'milliseconds', commandName: string) {
  return (context: CacheCommandContext, args: Args): RespValue => {
    const expireAtMs = expireAtMsOf(context, { argument: argumentAt(args, 2), unit, relative: true }, commandName);
    return setGeneric(context, { key: keyAt(args, 1), value: argumentAt(args, 3), parsed: noOptions, expireAtMs, okReply: respOk, abortReply: respNullBulk });
  };
}

function setnx(context: CacheCommandContext, args: Args): RespValue {
  const parsed = { ...noOptions, nx: true };
  return setGeneric(context, { key: keyAt(args, 1), value: argumentAt(args, 2), parsed, expireAtMs: null, okReply: respInteger(1), abortReply: respInteger(0) });
}

function get(context: CacheCommandContext, args: Args): RespValue {
  return stringReplyOf(selectedDatabase(context), argumentAt(args, 1), context.nowMs);
}

function getset(context: CacheCommandContext, args: Args): RespValue {
  const parsed = { ...noOptions, get: true };
  return setGeneric(context, { key: keyAt(args, 1), value: argumentAt(args, 2), parsed, expireAtMs: null, okReply: respOk, abortReply: respNullBulk });
}

function getdel(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const value = readString(database, key, context.nowMs);
  if (value !== null) database.delete(key);
  return bulkOrNull(value);
}

function getex(context: CacheCommandContext, args: Args): RespValue {
  const parsed = parseExtendedStringArguments(args, 2, 'getex');
  const expireAtMs = parsed.expire === null ? null : expireAtMsOf(context, parsed.expire, 'getex');
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const value = readString(database, key, context.nowMs);
  if (value === null) return respNullBulk;
  const entry = database.lookup(key, context.nowMs);
  if (entry !== undefined && expireAtMs !== null && expireAtMs <= context.nowMs) database.delete(key);
  else if (entry !== undefined && expireAtMs !== null) database.setExpiry(key, expireAtMs);
  else if (entry !== undefined && parsed.persist) database.setExpiry(key, null);
  return respBulkString(value);
}

function mget(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const items = args.slice(1).map((argument) => {
    const entry = database.lookup(keyTextFromBytes(argument), context.nowMs);
    return entry === undefined || entry.value.type !== 'string' ? respNullBulk : respBulkString(entry.value.bytes);
  });
  return { type: 'array', items };
}

function msetGeneric(context: CacheCommandContext, args: Args, options: { nx: boolean; commandName: string }): RespValue {
  if (args.length % 2 === 0) throw new CacheCommandError('wrong-arity', options.commandName);
  const database = selectedDatabase(context);
  if (options.nx) {
    for (let index = 1; index < args.length; index += 2) {
      if (database.lookup(keyAt(args, index), context.nowMs) !== undefined) return respInteger(0);
    }
  }
  for (let index = 1; index < args.length; index += 2) {
    database.set({ key: keyAt(args, index), value: stringValueOf(argumentAt(args, index + 1)), expireAtMs: null, keepExpiry: false });
  }
  return options.nx ? respInteger(1) : respOk;
}

/** incrDecrCommand: the stored value must be an int64 string; the result keeps the key's TTL. */
/** Values of at most this many digits are below 2^53: INCR on them is exact in double arithmetic. */
const safeIntegerDigitsMax = 15;
const safeIncrementMax = 2n ** 53n;

/**
 * string2ll over a stored small value when it is an integer of at most 15 digits; null otherwise
 * (not an integer, or a larger one), for which the caller takes the exact bigint path.
 */
function parseSmallInteger(text: string): number | null {
  const negative = text.charCodeAt(0) === 0x2d;
  const digitsFrom = negative ? 1 : 0;
  const digitCount = text.length - digitsFrom;
  if (digitCount <= 0 || digitCount > safeIntegerDigitsMax) return null;
  // No leading zeros: `0` alone is an integer, `-0` and `01` are not (the exact path says so).
  if (text.charCodeAt(digitsFrom) === 0x30) return text.length === 1 ? 0 : null;
  let value = 0;
  for (let index = digitsFrom; index < text.length; index++) {
    const digit = text.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

function incrementBy(context: CacheCommandContext, key: KeyText, increment: bigint): RespValue {
  const database = selectedDatabase(context);
  const stored = database.lookupStored(key, context.nowMs);
  if (stored instanceof CacheStoredCollection) throw new CacheCommandError('wrong-type');
  // The common case in number arithmetic (BigInt parsing and formatting cost more than the rest of
  // INCR); anything near the int64 bounds takes the exact path below.
  if (typeof stored !== 'object' && increment <= safeIncrementMax && increment >= -safeIncrementMax) {
    const small = stored === undefined ? 0 : parseSmallInteger(stored);
    const result = small === null ? Number.NaN : small + Number(increment);
    if (Number.isSafeInteger(result)) {
      database.set({ key, value: new CacheStringValue(String(result)), expireAtMs: null, keepExpiry: true });
      return respInteger(result);
    }
  }
  const current = stored === undefined ? null : typeof stored === 'string' ? Buffer.from(stored, 'latin1') : stored;
  const value = current === null ? 0n : parseInt64(current);
  if (value === null) throw new CacheCommandError('not-integer');
  const result = value + increment;
  if (result < int64Min || result > int64Max) throw new CacheCommandError('increment-overflow');
  database.set({ key, value: stringValueOf(Buffer.from(result.toString(), 'latin1')), expireAtMs: null, keepExpiry: true });
  return respInteger(integerReplyValue(result));
}

/** INCR and DECR: by the key's bytes when the database allows it (no strings made), else {@link incrementBy}. */
function incrementByOne(context: CacheCommandContext, args: Args, increment: 1 | -1): RespValue {
  const result = selectedDatabase(context).incrementSmallInteger(args[1] as Buffer, increment, context.nowMs);
  return result === null ? incrementBy(context, keyAt(args, 1), BigInt(increment)) : respInteger(result);
}

function decrby(context: CacheCommandContext, args: Args): RespValue {
  const decrement = requireInt64(argumentAt(args, 2));
  if (decrement === int64Min) throw new CacheCommandError('decrement-overflow');
  return incrementBy(context, keyAt(args, 1), -decrement);
}

/**
 * incrbyfloatCommand: the value and the increment are added as x87 long doubles and the sum printed
 * with `%.17Lf` (cache-long-double.ts), so 0.1 + 0.2 is `0.3`, as in Redis.
 */
function incrbyfloat(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const current = readString(database, key, context.nowMs);
  const value = current === null ? longDoubleZero : parseLongDouble(current);
  if (value === null) throw new CacheCommandError('not-float');
  const increment = parseLongDouble(argumentAt(args, 2));
  if (increment === null) throw new CacheCommandError('not-float');
  const result = addLongDoubles(value, increment);
  if (result === null || result.kind === 'infinite') throw new CacheCommandError('increment-nan-or-infinity');
  const text = Buffer.from(formatLongDoubleHuman(result), 'latin1');
  database.set({ key, value: stringValueOf(text), expireAtMs: null, keepExpiry: true });
  return respBulkString(text);
}

function append(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const suffix = argumentAt(args, 2);
  const current = readString(database, key, context.nowMs);
  if (current === null) {
    database.set({ key, value: stringValueOf(suffix), expireAtMs: null, keepExpiry: false });
    return respInteger(suffix.length);
  }
  checkStringLength(context, current.length + suffix.length);
  const bytes = Buffer.concat([current, suffix]);
  database.set({ key, value: CacheStringValue.raw(bytes), expireAtMs: null, keepExpiry: true });
  return respInteger(bytes.length);
}

function strlen(context: CacheCommandContext, args: Args): RespValue {
  return respInteger(readString(selectedDatabase(context), keyAt(args, 1), context.nowMs)?.length ?? 0);
}

/** getrangeCommand (Redis 7.0-7.2): negative indexes from the end, clamped, empty when inverted. */
function getrange(context: CacheCommandContext, args: Args): RespValue {
  let start = requireInt64(argumentAt(args, 2));
  let end = requireInt64(argumentAt(args, 3));
  const value = readString(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (value === null) return respBulkString(Buffer.alloc(0));
  const length = BigInt(value.length);
  if (start < 0n && end < 0n && start > end) return respBulkString(Buffer.alloc(0));
  if (start < 0n) start += length;
  if (end < 0n) end += length;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= length) end = length - 1n;
  if (start > end || length === 0n) return respBulkString(Buffer.alloc(0));
  return respBulkString(value.subarray(Number(start), Number(end) + 1));
}

function setrange(context: CacheCommandContext, args: Args): RespValue {
  const offset = requireInt64(argumentAt(args, 2));
  if (offset < 0n) throw new CacheCommandError('offset-out-of-range');
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const patch = argumentAt(args, 3);
  const current = readString(database, key, context.nowMs);
  if (patch.length === 0) return respInteger(current?.length ?? 0);
  if (offset + BigInt(patch.length) > BigInt(context.limits.stringBytesMax)) throw new CacheCommandError('string-too-long');
  const offsetBytes = Number(offset);
  const source = current ?? Buffer.alloc(0);
  const bytes = Buffer.alloc(Math.max(source.length, offsetBytes + patch.length));
  source.copy(bytes, 0);
  patch.copy(bytes, offsetBytes);
  database.set({ key, value: CacheStringValue.raw(bytes), expireAtMs: null, keepExpiry: true });
  return respInteger(bytes.length);
}

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] (lcsCommand): both keys are type-checked
 * before the options are read; a missing key is the empty string. IDX replies a map (flattened in
 * RESP2) of the matching ranges, last first, and the length.
 */
function lcs(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const first = lcsOperand(database, keyAt(args, 1), context.nowMs);
  const second = lcsOperand(database, keyAt(args, 2), context.nowMs);
  if (first === null || second === null) throw new CacheCommandError('lcs-not-strings');
  let wantLength = false;
  let wantIndexes = false;
  let withMatchLength = false;
  let minMatchLength = 0n;
  for (let index = 3; index < args.length; index++) {
    const option = argumentAt(args, index).toString('latin1').toLowerCase();
    if (option === 'idx') wantIndexes = true;
    else if (option === 'len') wantLength = true;
    else if (option === 'withmatchlen') withMatchLength = true;
    else if (option === 'minmatchlen' && index + 1 < args.length) {
      index++;
      const value = requireInt64(argumentAt(args, index));
      minMatchLength = value < 0n ? 0n : value;
    } else throw new CacheCommandError('syntax');
  }
  if (wantIndexes && wantLength) throw new CacheCommandError('lcs-len-and-idx');
  if (lcsTableBytes(first, second) > context.limits.stringBytesMax) throw new CacheCommandError('lcs-table-too-big');
  const minMatch = minMatchLength > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(minMatchLength);
  const result = longestCommonSubsequence(first, second, minMatch);
  if (wantLength) return respInteger(result.length);
  if (!wantIndexes) return respBulkString(result.subsequence);
  const matches: RespValue[] = result.matches.map((match) => {
    const items: RespValue[] = [
      { type: 'array', items: [respInteger(match.first[0]), respInteger(match.first[1])] },
      { type: 'array', items: [respInteger(match.second[0]), respInteger(match.second[1])] },
    ];
    if (withMatchLength) items.push(respInteger(match.length));
    return { type: 'array', items };
  });
  return {
    type: 'map',
    entries: [
      [respBulkString('matches'), { type: 'array', items: matches }],
      [respBulkString('len'), respInteger(result.length)],
    ],
  };
}

/** An LCS operand: the string's bytes, empty when missing, null when the key holds another type. */
function lcsOperand(database: CacheDatabase, key: KeyText, nowMs: number): Buffer | null {
  const stored = database.lookupStored(key, nowMs);
  if (stored === undefined) return Buffer.alloc(0);
  if (stored instanceof CacheStoredCollection) return null;
  return typeof stored === 'string' ? Buffer.from(stored, 'latin1') : stored;
}

export const cacheStringCommands: readonly CacheCommandSpec[] = [
  { name: 'get', arity: 2, flags: ['readonly', 'fast'], handler: get },
  { name: 'set', arity: -3, flags: ['write', 'denyoom'], handler: set },
  { name: 'setnx', arity: 3, flags: ['write', 'denyoom', 'fast'], handler: setnx },
  { name: 'setex', arity: 4, flags: ['write', 'denyoom'], handler: setWithExpire('seconds', 'setex') },
  { name: 'psetex', arity: 4, flags: ['write', 'denyoom'], handler: setWithExpire('milliseconds', 'psetex') },
  { name: 'getset', arity: 3, flags: ['write', 'denyoom', 'fast'], handler: getset },
  { name: 'getdel', arity: 2, flags: ['write', 'fast'], handler: getdel },
  { name: 'getex', arity: -2, flags: ['write', 'fast'], handler: getex },
  { name: 'mget', arity: -2, flags: ['readonly', 'fast'], handler: mget },
  { name: 'mset', arity: -3, flags: ['write', 'denyoom'], handler: (context, args) => msetGeneric(context, args, { nx: false, commandName: 'mset' }) },
  { name: 'msetnx', arity: -3, flags: ['write', 'denyoom'], handler: (context, args) => msetGeneric(context, args, { nx: true, commandName: 'msetnx' }) },
  { name: 'incr', arity: 2, flags: ['write', 'denyoom', 'fast'], handler: (context, args) => incrementByOne(context, args, 1) },
  { name: 'decr', arity: 2, flags: ['write', 'denyoom', 'fast'], handler: (context, args) => incrementByOne(context, args, -1) },
  {
    name: 'incrby',
    arity: 3,
    flags: ['write', 'denyoom', 'fast'],
    handler: (context, args) => incrementBy(context, keyAt(args, 1), requireInt64(argumentAt(args, 2))),
  },
  { name: 'decrby', arity: 3, flags: ['write', 'denyoom', 'fast'], handler: decrby },
  { name: 'incrbyfloat', arity: 3, flags: ['write', 'denyoom', 'fast'], handler: incrbyfloat },
  { name: 'append', arity: 3, flags: ['write', 'denyoom', 'fast'], handler: append },
  { name: 'strlen', arity: 2, flags: ['readonly', 'fast'], handler: strlen },
  { name: 'getrange', arity: 4, flags: ['readonly'], handler: getrange },
  // SUBSTR is GETRANGE's pre-2.0 name, still in Redis 7's command table.
  { name: 'substr', arity: 4, flags: ['readonly'], handler: getrange },
  { name: 'lcs', arity: -3, flags: ['readonly'], handler: lcs },
  { name: 'setrange', arity: 4, flags: ['write', 'denyoom'], handler: setrange },
];
