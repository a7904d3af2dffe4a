/**
 * Hash commands, following redis/redis src/t_hash.c (Redis 7): argument parsing order, reply types
 * and error texts included. HGETALL replies a RESP3 map (the encoder flattens it for RESP2).
 * HRANDFIELD WITHVALUES replies a flat array in RESP2 and [field, value] pairs in RESP3, as Redis 7.
 */
import { CacheCommandError } from './cache-command-errors.js';
import { selectedDatabase, type CacheCommandContext, type CacheCommandSpec } from './cache-command-context.js';
import { parseScanCursor } from './cache-commands-keyspace.js';
import { argumentAt, keyAt, requireInt64 } from './cache-commands-string.js';
import { globMatch } from './cache-glob.js';
import { CacheHash, sampleDistinctPositions } from './cache-hash.js';
import { keyBytesFromText, type CacheDatabase, type CacheRandom, type KeyText } from './cache-keyspace.js';
import { addLongDoubles, formatLongDoubleHuman, longDoubleZero, parseLongDouble } from './cache-long-double.js';
import { int64Max, int64Min, integerReplyValue, parseInt64 } from './cache-number.js';
import { respBulkString, respInteger, respNullBulk, respOk, type RespValue } from './resp-value.js';

type Args = readonly Buffer[];

const emptyArray: RespValue = Object.freeze({ type: 'array', items: [] });

/**
 * Most elements a reply of random draws with repetition may hold (HRANDFIELD and SRANDMEMBER with a
 * negative count). Redis has no limit and builds whatever was asked; here a larger count is
 * `value is out of range`.
 */
export const cacheRandomReplyCountMax = 1024 * 1024;

/** The hash at `key` or null when missing; WRONGTYPE for another type (lookupKeyRead + checkType). */
function readHash(database: CacheDatabase, key: KeyText, nowMs: number): CacheHash | null {
  const value = database.lookupValue(key, nowMs);
  if (value === undefined) return null;
  if (value.type !== 'hash') throw new CacheCommandError('wrong-type');
  return value.hash;
}

/**
 * hashTypeLookupWriteOrCreate: the hash to change and whether it is new. A new hash is stored by
 * {@link commitHash} once filled, an existing one is signalled there.
 */
function writeHash(database: CacheDatabase, key: KeyText, nowMs: number): { hash: CacheHash; isNew: boolean } {
  const hash = readHash(database, key, nowMs);
  return hash === null ? { hash: new CacheHash(), isNew: true } : { hash, isNew: false };
}

function commitHash(database: CacheDatabase, key: KeyText, target: { hash: CacheHash; isNew: boolean }): void {
  if (target.isNew) {
    if (target.hash.length > 0) database.set({ key, value: { type: 'hash', hash: target.hash }, expireAtMs: null, keepExpiry: false });
  } else database.modified(key);
}

function fieldBytes(field: KeyText): Buffer {
  return keyBytesFromText(field);
}

/** HSET and HMSET: field value pairs; HSET replies the number of new fields, HMSET +OK. */
function hsetGeneric(commandName: 'hset' | 'hmset') {
  return (context: CacheCommandContext, args: Args): RespValue => {
    if (args.length % 2 === 1) throw new CacheCommandError('wrong-arity', commandName);
    const database = selectedDatabase(context);
    const key = keyAt(args, 1);
    const target = writeHash(database, key, context.nowMs);
    let createdCount = 0;
    for (let index = 2; index < args.length; index += 2) {
      if (target.hash.setBytes(argumentAt(args, index), argumentAt(args, index + 1))) createdCount++;
    }
    commitHash(database, key, target);
    return commandName === 'hset' ? respInteger(createdCount) : respOk;
  };
}

function hsetnx(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const field = keyAt(args, 2);
  const target = writeHash(database, key, context.nowMs);
  if (target.hash.has(field)) return respInteger(0);
  target.hash.set(field, argumentAt(args, 3));
  commitHash(database, key, target);
  return respInteger(1);
}

function hget(context: CacheCommandContext, args: Args): RespValue {
  const value = readHash(selectedDatabase(context), keyAt(args, 1), context.nowMs)?.get(keyAt(args, 2));
  return value === undefined ? respNullBulk : respBulkString(value);
}

function hmget(context: CacheCommandContext, args: Args): RespValue {
  const hash = readHash(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  const items: RespValue[] = [];
  for (let index = 2; index < args.length; index++) {
    const value = hash?.get(keyAt(args, index));
    items.push(value === undefined ? respNullBulk : respBulkString(value));
  }
  return { type: 'array', items };
}

function hgetall(context: CacheCommandContext, args: Args): RespValue {
  const hash = readHash(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  const entries: (readonly [RespValue, RespValue])[] = [];
  if (hash !== null) for (const [field, value] of hash.entries()) entries.push([respBulkString(fieldBytes(field)), respBulkString(value)]);
  return { type: 'map', entries };
}

function hkeys(context: CacheCommandContext, args: Args): RespValue {
  const hash = readHash(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  const items: RespValue[] = [];
  if (hash !== null) for (const field of hash.keys()) items.push(respBulkString(fieldBytes(field)));
  return { type: 'array', items };
}

function hvals(context: CacheCommandContext, args: Args): RespValue {
  const hash = readHash(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  const items: RespValue[] = [];
  if (hash !== null) for (const value of hash.values()) items.push(respBulkString(value));
  return { type: 'array', items };
}

/** HDEL: stops once the hash is empty (it is deleted then), like Redis. */
function hdel(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const hash = readHash(database, key, context.nowMs);
  if (hash === null) return respInteger(0);
  let deletedCount = 0;
  for (let index = 2; index < args.length && hash.length > 0; index++) {
    if (hash.delete(keyAt(args, index))) deletedCount++;
  }
  if (deletedCount > 0) database.modified(key);
  return respInteger(deletedCount);
}

function hexists(context: CacheCommandContext, args: Args): RespValue {
  const hash = readHash(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  return respInteger(hash?.has(keyAt(args, 2)) === true ? 1 : 0);
}

function hlen(context: CacheCommandContext, args: Args): RespValue {
  return respInteger(readHash(selectedDatabase(context), keyAt(args, 1), context.nowMs)?.length ?? 0);
}

function hstrlen(context: CacheCommandContext, args: Args): RespValue {
  const value = readHash(selectedDatabase(context), keyAt(args, 1), context.nowMs)?.get(keyAt(args, 2));
  return respInteger(value?.byteLength ?? 0);
}

function hincrby(context: CacheCommandContext, args: Args): RespValue {
  const increment = requireInt64(argumentAt(args, 3));
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const field = keyAt(args, 2);
  const target = writeHash(database, key, context.nowMs);
  const current = target.hash.get(field);
  const value = current === undefined ? 0n : parseInt64(current);
  if (value === null) throw new CacheCommandError('hash-value-not-integer');
  const result = value + increment;
  if (result < int64Min || result > int64Max) throw new CacheCommandError('increment-overflow');
  target.hash.set(field, Buffer.from(result.toString(), 'latin1'));
  commitHash(database, key, target);
  return respInteger(integerReplyValue(result));
}

/** hincrbyfloatCommand: long double arithmetic and printing, as INCRBYFLOAT (cache-long-double.ts). */
function hincrbyfloat(context: CacheCommandContext, args: Args): RespValue {
  const increment = parseLongDouble(argumentAt(args, 3));
  if (increment === null) throw new CacheCommandError('not-float');
  if (increment.kind === 'infinite') throw new CacheCommandError('increment-nan-or-infinity-argument');
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const field = keyAt(args, 2);
  const target = writeHash(database, key, context.nowMs);
  const current = target.hash.get(field);
  const value = current === undefined ? longDoubleZero : parseLongDouble(current);
  if (value === null) throw new CacheCommandError('hash-value-not-float');
  const result = addLongDoubles(value, increment);
  if (result === null || result.kind === 'infinite') throw new CacheCommandError('increment-nan-or-infinity');
  const text = Buffer.from(formatLongDoubleHuman(result), 'latin1');
  target.hash.set(field, text);
  commitHash(database, key, target);
  return respBulkString(text);
}

/**
 * HRANDFIELD key [count [WITHVALUES]] (hrandfieldCommand, hrandfieldWithCountCommand). The count is
 * parsed before the key is looked up; WITHVALUES replies field, value, field, value in RESP2 and an
 * array of [field, value] pairs in RESP3 (addReplyArrayLen(c, 2) per pair when c->resp > 2).
 */
function hrandfield(context: CacheCommandContext, args: Args): RespValue {
  if (args.length === 2) {
    const hash = readHash(selectedDatabase(context), keyAt(args, 1), context.nowMs);
    if (hash === null) return respNullBulk;
    return respBulkString(fieldBytes(hash.fieldAt(hash.randomPosition(context.random))));
  }
  const count = parseRandomCount(argumentAt(args, 2));
  if (args.length > 4 || (args.length === 4 && argumentAt(args, 3).toString('latin1').toLowerCase() !== 'withvalues')) {
    throw new CacheCommandError('syntax');
  }
  const withValues = args.length === 4;
  if (withValues && (count < -(int64Max / 2n) || count > int64Max / 2n)) throw new CacheCommandError('out-of-range');
  const hash = readHash(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (hash === null || count === 0n) return emptyArray;
  const positions = randomPositions(hash.length, count, context.random);
  const items: RespValue[] = [];
  for (const position of positions) {
    const field = respBulkString(fieldBytes(hash.fieldAt(position)));
    if (!withValues) items.push(field);
    else if (context.protocolVersion === 3) items.push({ type: 'array', items: [field, respBulkString(hash.valueAt(position))] });
    else items.push(field, respBulkString(hash.valueAt(position)));
  }
  return { type: 'array', items };
}

/** getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX): the count of HRANDFIELD and SRANDMEMBER. */
export function parseRandomCount(argument: Buffer): bigint {
  const count = requireInt64(argument);
  if (count === int64Min) throw new CacheCommandError('count-out-of-long-range');
  return count;
}

/**
 * The positions HRANDFIELD / SRANDMEMBER reply with: a negative count draws -count times with
 * repetition; a positive one gives min(count, length) distinct positions, all of them in storage order
 * when count ≥ length (Redis replies the whole collection then).
 */
export function randomPositions(length: number, count: bigint, random: CacheRandom): number[] {
  if (count < 0n) {
    if (-count > BigInt(cacheRandomReplyCountMax)) throw new CacheCommandError('out-of-range');
    return Array.from({ length: Number(-count) }, () => random.nextIndex(length));
  }
  if (count >= BigInt(length)) return Array.from({ length }, (_, index) => index);
  return sampleDistinctPositions(length, Number(count), random);
}

/** Options of HSCAN / SSCAN / ZSCAN (scanGenericCommand): MATCH and COUNT; TYPE is SCAN's only. */
export interface CollectionScanOptions {
  readonly countHint: number;
  /** null when absent or `*` (matches everything). */
  readonly pattern: Buffer | null;
}

const scanCountDefault = 10;
const scanCountMax = 1_000_000;

export function parseCollectionScanOptions(args: Args, startIndex: number): CollectionScanOptions {
  let countHint = scanCountDefault;
  let pattern: Buffer | null = null;
  for (let index = startIndex; index < args.length; index += 2) {
    const option = argumentAt(args, index).toString('latin1').toLowerCase();
    const value = args[index + 1];
    if (value === undefined) throw new CacheCommandError('syntax');
    if (option === 'count') {
      const count = parseInt64(value);
      if (count === null) throw new CacheCommandError('not-integer');
      if (count < 1n) throw new CacheCommandError('syntax');
      countHint = count > BigInt(scanCountMax) ? scanCountMax : Number(count);
    } else if (option === 'match') {
      pattern = value.length === 1 && value[0] === 0x2a ? null : value;
    } else throw new CacheCommandError('syntax');
  }
  return { countHint, pattern };
}

export function scanPatternMatches(pattern: Buffer | null, subject: Buffer): boolean {
  return pattern === null || globMatch({ pattern, subject, caseInsensitive: false });
}

/** HSCAN key cursor [MATCH pattern] [COUNT count]: the cursor is parsed first, a missing key replies `0 []`. */
function hscan(context: CacheCommandContext, args: Args): RespValue {
  const cursor = parseScanCursor(argumentAt(args, 2));
  const hash = readHash(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (hash === null) return scanReply(0n, []);
  const options = parseCollectionScanOptions(args, 3);
  const page = hash.scan(cursor, options.countHint);
  const items: RespValue[] = [];
  for (const position of page.positions) {
    const field = fieldBytes(hash.fieldAt(position));
    if (!scanPatternMatches(options.pattern, field)) continue;
    items.push(respBulkString(field), respBulkString(hash.valueAt(position)));
  }
  return scanReply(page.cursorNext, items);
}

export function scanReply(cursorNext: bigint, items: RespValue[]): RespValue {
  return { type: 'array', items: [respBulkString(cursorNext.toString()), { type: 'array', items }] };
}

export const cacheHashCommands: readonly CacheCommandSpec[] = [
  { name: 'hset', arity: -4, flags: ['write', 'denyoom', 'fast'], handler: hsetGeneric('hset') },
  { name: 'hsetnx', arity: 4, flags: ['write', 'denyoom', 'fast'], handler: hsetnx },
  { name: 'hget', arity: 3, flags: ['readonly', 'fast'], handler: hget },
  { name: 'hmset', arity: -4, flags: ['write', 'denyoom', 'fast'], handler: hsetGeneric('hmset') },
  { name: 'hmget', arity: -3, flags: ['readonly', 'fast'], handler: hmget },
  { name: 'hgetall', arity: 2, flags: ['readonly'], handler: hgetall },
  { name: 'hdel', arity: -3, flags: ['write', 'fast'], handler: hdel },
  { name: 'hexists', arity: 3, flags: ['readonly', 'fast'], handler: hexists },
  { name: 'hlen', arity: 2, flags: ['readonly', 'fast'], handler: hlen },
  { name: 'hkeys', arity: 2, flags: ['readonly'], handler: hkeys },
  { name: 'hvals', arity: 2, flags: ['readonly'], handler: hvals },
  { name: 'hincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], handler: hincrby },
  { name: 'hincrbyfloat', arity: 4, flags: ['write', 'denyoom', 'fast'], handler: hincrbyfloat },
  { name: 'hstrlen', arity: 3, flags: ['readonly', 'fast'], handler: hstrlen },
  { name: 'hscan', arity: -3, flags: ['readonly', 'random'], handler: hscan },
  { name: 'hrandfield', arity: -2, flags: ['readonly', 'random'], handler: hrandfield },
];
