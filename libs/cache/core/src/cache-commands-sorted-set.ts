/**
 * Sorted set commands, following redis/redis src/t_zset.c (Redis 7.0; ZRANK/ZREVRANK WITHSCORE from
 * 7.2): argument parsing order, reply types and shapes (RESP2 and RESP3), error texts included.
 * Scores are replied as RESP doubles (bulk strings in RESP2). Set keys are accepted as inputs of
 * ZUNION/ZINTER/ZDIFF (and their STORE forms, ZINTERCARD) with score 1.
 */
import { CacheCommandError } from './cache-command-errors.js';
import {
  blockOrTimeoutReply,
  parseBlockTimeout,
  selectedDatabase,
  type CacheCommandContext,
  type CacheCommandResult,
  type CacheCommandSpec,
} from './cache-command-context.js';
import { parseScanCursor } from './cache-commands-keyspace.js';
import { argumentAt, keyAt, requireInt64 } from './cache-commands-string.js';
import { globMatch } from './cache-glob.js';
import { keyBytesFromText, type CacheDatabase, type KeyText } from './cache-keyspace.js';
import { parseFloat64, parseInt64 } from './cache-number.js';
import { formatRespDouble } from './resp-double.js';
import { type CacheSet } from './cache-set.js';
import {
  CacheSortedSet,
  type CacheLexBound,
  type CacheLexRange,
  type CacheRankRange,
  type CacheScoreRange,
  type CacheSortedSetEntry,
} from './cache-sorted-set.js';
import { respBulkString, respInteger, respNullArray, respNullBulk, type RespValue } from './resp-value.js';

type Args = readonly Buffer[];

/** LONG_MAX, the bound of Redis's getLongFromObjectOrReply (int64 on 64-bit Linux). */
const longMax = 2n ** 63n - 1n;
/**
 * ZRANDMEMBER with a negative count returns |count| elements: capped here (Redis loops, bounded only by
 * the output buffer limit), with Redis's "value is out of range" text.
 */
const randomMemberRepeatsMax = 1024 * 1024;
const scanCountDefault = 10;

// ---------------------------------------------------------------------------------------------
// Lookup and parsing helpers.

/** The sorted set at `key`, null when missing; WRONGTYPE for another type. */
export function readSortedSet(database: CacheDatabase, key: KeyText, nowMs: number): CacheSortedSet | null {
  const value = database.lookupValue(key, nowMs);
  if (value === undefined) return null;
  if (value.type !== 'zset') throw new CacheCommandError('wrong-type');
  return value.zset;
}

function stored(database: CacheDatabase, key: KeyText, zset: CacheSortedSet): void {
  database.set({ key, value: { type: 'zset', zset }, expireAtMs: null, keepExpiry: false });
}

function isAsciiLetter(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

function optionName(bytes: Buffer): string {
  return bytes.toString('latin1').toLowerCase();
}

/** A bigint clamped into the safe number range (ranks and offsets only compare against lengths). */
function clampToNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (value < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(value);
}

/** getLongFromObjectOrReply. */
function requireLong(bytes: Buffer): number {
  return clampToNumber(requireInt64(bytes));
}

const floatRangeErrorPattern = /^[+-]?(?:0*\.?0*(?:e[+-]?[0-9]+)?)$/i;

/**
 * getDoubleFromObject: strtod of the whole argument, no leading space, not empty, not NaN, and not
 * out of range (ERANGE: overflow to infinity or underflow to zero).
 */
export function parseDoubleArgument(bytes: Buffer): number | null {
  const value = parseFloat64(bytes);
  if (value === null) return null;
  if (!Number.isFinite(value) && !/inf/i.test(bytes.toString('latin1'))) return null;
  if (value === 0 && !floatRangeErrorPattern.test(bytes.toString('latin1'))) return null;
  return value;
}

function requireDouble(bytes: Buffer, reason: 'not-float' | 'weight-not-float' = 'not-float'): number {
  const value = parseDoubleArgument(bytes);
  if (value === null) throw new CacheCommandError(reason);
  return value;
}

/** strtod as zslParseRange calls it: leading white space skipped, "" is 0, NaN rejected. */
function parseRangeDouble(text: string): number | null {
  if (text === '') return 0;
  const trimmed = text.replace(/^[ \t\n\v\f\r]+/, '');
  return parseFloat64(Buffer.from(trimmed, 'latin1'));
}

/** zslParseRange: `(` makes a bound exclusive; "min or max is not a float" otherwise. */
function parseScoreRange(minBytes: Buffer, maxBytes: Buffer): CacheScoreRange {
  const bound = (bytes: Buffer): { value: number; exclusive: boolean } => {
    const text = bytes.toString('latin1');
    const exclusive = text.startsWith('(');
    const value = parseRangeDouble(exclusive ? text.slice(1) : text);
    if (value === null) throw new CacheCommandError('min-max-not-float');
    return { value, exclusive };
  };
  const min = bound(minBytes);
  const max = bound(maxBytes);
  return { min: min.value, minExclusive: min.exclusive, max: max.value, maxExclusive: max.exclusive };
}

/** zslParseLexRangeItem: `+`, `-`, `[value`, `(value`. */
function parseLexBound(bytes: Buffer): CacheLexBound {
  const text = bytes.toString('latin1') as KeyText;
  switch (text[0]) {
    case '+':
      if (text.length === 1) return { kind: 'plus-infinity' };
      break;
    case '-':
      if (text.length === 1) return { kind: 'minus-infinity' };
      break;
    case '(':
    case '[':
      return { kind: 'value', value: text.slice(1) as KeyText, exclusive: text[0] === '(' };
  }
  throw new CacheCommandError('min-max-not-string-range');
}

function parseLexRange(minBytes: Buffer, maxBytes: Buffer): CacheLexRange {
  return { min: parseLexBound(minBytes), max: parseLexBound(maxBytes) };
}

/** The rank range of ZRANGE/ZREMRANGEBYRANK after Redis's index sanitizing; empty when out of range. */
function rankRangeOf(start: number, end: number, length: number): CacheRankRange {
  let first = start < 0 ? length + start : start;
  let last = end < 0 ? length + end : end;
  if (first < 0) first = 0;
  if (first > last || first >= length) return { start: 0, end: 0 };
  if (last >= length) last = length - 1;
  return { start: first, end: last + 1 };
}

// ---------------------------------------------------------------------------------------------
// Replies.

function scoreReply(score: number): RespValue {
  return { type: 'double', value: score };
}

function memberReply(member: KeyText): RespValue {
  return respBulkString(keyBytesFromText(member));
}

/**
 * Members, with scores when `withScores`: RESP2 flattens them (member, score, ...), RESP3 nests
 * [member, score] pairs (Redis's zrange result handler and ZRANDMEMBER/ZUNION replies).
 */
function entriesReply(context: CacheCommandContext, entries: Iterable<CacheSortedSetEntry>, withScores: boolean): RespValue {
  const items: RespValue[] = [];
  for (const entry of entries) {
    if (!withScores) items.push(memberReply(entry.member));
    else if (context.protocolVersion === 3) items.push({ type: 'array', items: [memberReply(entry.member), scoreReply(entry.score)] });
    else items.push(memberReply(entry.member), scoreReply(entry.score));
  }
  return { type: 'array', items };
}

function pairReply(entry: CacheSortedSetEntry): RespValue {
  return { type: 'array', items: [memberReply(entry.member), scoreReply(entry.score)] };
}

// ---------------------------------------------------------------------------------------------
// ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT.

interface ZaddFlags {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

/** zaddGenericCommand (ZINCRBY is ZADD with INCR; GEOADD calls it with its scores, as Redis does). */
export function zaddGeneric(context: CacheCommandContext, args: Args, incrCommand: boolean): RespValue {
  const key = keyAt(args, 1);
  if (!incrCommand && args.length === 4 && !isAsciiLetter((args[2] as Buffer)[0] ?? 0)) return zaddSingle(context, key, args);
  const flags: ZaddFlags = { nx: false, xx: false, gt: false, lt: false, ch: false, incr: incrCommand };
  let scoreIndex = 2;
  for (; scoreIndex < args.length; scoreIndex++) {
    // Options are words; a score starting with a digit, sign or dot ends them without a string made.
    if (!isAsciiLetter(argumentAt(args, scoreIndex)[0] ?? 0)) break;
    const option = optionName(argumentAt(args, scoreIndex));
    if (option === 'nx' || option === 'xx' || option === 'gt' || option === 'lt' || option === 'ch' || option === 'incr') {
      flags[option] = true;
    } else break;
  }
  const elementArgCount = args.length - scoreIndex;
  if (elementArgCount === 0 || elementArgCount % 2 !== 0) throw new CacheCommandError('syntax');
  const elementCount = elementArgCount / 2;
  if (flags.nx && flags.xx) throw new CacheCommandError('zadd-xx-and-nx');
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) throw new CacheCommandError('zadd-gt-lt-nx');
  if (flags.incr && elementCount > 1) throw new CacheCommandError('zadd-incr-single-pair');
  const scores: number[] = [];
  for (let index = 0; index < elementCount; index++) scores.push(requireDouble(argumentAt(args, scoreIndex + index * 2)));

  const database = selectedDatabase(context);
  const existing = readSortedSet(database, key, context.nowMs);
  if (existing === null && flags.xx) return flags.incr ? respNullBulk : respInteger(0);
  const zset = existing ?? new CacheSortedSet();
  let added = 0;
  let updated = 0;
  let processed = 0;
  let lastScore = 0;
  for (let index = 0; index < elementCount; index++) {
    const member = keyAt(args, scoreIndex + 1 + index * 2);
    const outcome = zsetAdd(zset, member, scores[index] as number, flags);
    if (outcome.kind === 'nan') {
      // Only INCR can produce NaN, and it takes a single pair: nothing was changed.
      throw new CacheCommandError('score-nan');
    }
    if (outcome.kind === 'added') added++;
    if (outcome.kind === 'updated') updated++;
    if (outcome.kind !== 'nop') {
      processed++;
      lastScore = outcome.score;
    }
  }
  if (added + updated > 0) {
    if (existing === null) stored(database, key, zset);
    else database.modified(key);
  }
  if (flags.incr) return processed > 0 ? scoreReply(lastScore) : respNullBulk;
  return respInteger(flags.ch ? added + updated : added);
}

/**
 * ZADD key score member, no options (the common form, and redis-benchmark's): what the general path
 * does for it, in the same order, without its flags, score list and outcome objects.
 */
function zaddSingle(context: CacheCommandContext, key: KeyText, args: Args): RespValue {
  const score = requireDouble(args[2] as Buffer);
  const database = selectedDatabase(context);
  const existing = readSortedSet(database, key, context.nowMs);
  const zset = existing ?? new CacheSortedSet();
  const member = keyAt(args, 3);
  const current = zset.score(member);
  if (current === score) return respInteger(0);
  zset.set(member, score);
  if (existing === null) stored(database, key, zset);
  else database.modified(key);
  return respInteger(current === undefined ? 1 : 0);
}

type ZaddOutcome =
  | { kind: 'added' | 'updated' | 'unchanged'; score: number }
  | { kind: 'nop' }
  | { kind: 'nan' };

/** zsetAdd. */
function zsetAdd(zset: CacheSortedSet, member: KeyText, scoreGiven: number, flags: ZaddFlags): ZaddOutcome {
  const current = zset.score(member);
  if (current !== undefined) {
    if (flags.nx) return { kind: 'nop' };
    let score = scoreGiven;
    if (flags.incr) {
      score += current;
      if (Number.isNaN(score)) return { kind: 'nan' };
    }
    if ((flags.lt && score >= current) || (flags.gt && score <= current)) return { kind: 'nop' };
    if (score !== current) {
      zset.set(member, score);
      return { kind: 'updated', score };
    }
    return { kind: 'unchanged', score };
  }
  if (flags.xx) return { kind: 'nop' };
  zset.set(member, scoreGiven);
  return { kind: 'added', score: scoreGiven };
}

function zrem(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const zset = readSortedSet(database, key, context.nowMs);
  if (zset === null) return respInteger(0);
  let deleted = 0;
  for (let index = 2; index < args.length && zset.length > 0; index++) if (zset.delete(keyAt(args, index))) deleted++;
  if (deleted > 0) database.modified(key);
  return respInteger(deleted);
}

function zcard(context: CacheCommandContext, args: Args): RespValue {
  return respInteger(readSortedSet(selectedDatabase(context), keyAt(args, 1), context.nowMs)?.length ?? 0);
}

function zscore(context: CacheCommandContext, args: Args): RespValue {
  const score = readSortedSet(selectedDatabase(context), keyAt(args, 1), context.nowMs)?.score(keyAt(args, 2));
  return score === undefined ? respNullBulk : scoreReply(score);
}

function zmscore(context: CacheCommandContext, args: Args): RespValue {
  const zset = readSortedSet(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  const items: RespValue[] = [];
  for (let index = 2; index < args.length; index++) {
    const score = zset?.score(keyAt(args, index));
    items.push(score === undefined ? respNullBulk : scoreReply(score));
  }
  return { type: 'array', items };
}

/** zrankGenericCommand (WITHSCORE as in Redis 7.2). */
function zrankGeneric(reverse: boolean) {
  return (context: CacheCommandContext, args: Args): RespValue => {
    if (args.length > 4) throw new CacheCommandError('wrong-arity', reverse ? 'zrevrank' : 'zrank');
    let withScore = false;
    if (args.length === 4) {
      if (optionName(argumentAt(args, 3)) !== 'withscore') throw new CacheCommandError('syntax');
      withScore = true;
    }
    const missingReply = withScore ? respNullArray : respNullBulk;
    const zset = readSortedSet(selectedDatabase(context), keyAt(args, 1), context.nowMs);
    if (zset === null) return missingReply;
    const member = keyAt(args, 2);
    const rank = zset.rank(member);
    if (rank === null) return missingReply;
    const rankReply = respInteger(reverse ? zset.length - 1 - rank : rank);
    return withScore ? { type: 'array', items: [rankReply, scoreReply(zset.score(member) as number)] } : rankReply;
  };
}

function zcount(context: CacheCommandContext, args: Args): RespValue {
  const range = parseScoreRange(argumentAt(args, 2), argumentAt(args, 3));
  const zset = readSortedSet(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (zset === null) return respInteger(0);
  const ranks = zset.scoreRangeRanks(range);
  return respInteger(ranks.end - ranks.start);
}

function zlexcount(context: CacheCommandContext, args: Args): RespValue {
  const range = parseLexRange(argumentAt(args, 2), argumentAt(args, 3));
  const zset = readSortedSet(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (zset === null) return respInteger(0);
  const ranks = zset.lexRangeRanks(range);
  return respInteger(ranks.end - ranks.start);
}

// ---------------------------------------------------------------------------------------------
// ZRANGE and friends (zrangeGenericCommand), ZRANGESTORE.

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

/** The selected entries of a ZRANGE: a rank interval walked forward or backward, possibly limited. */
function selectRange(
  zset: CacheSortedSet,
  options: { rangeType: RangeType; reverse: boolean; offset: number; limit: number; rankStart: number; rankEnd: number; scoreRange: CacheScoreRange | null; lexRange: CacheLexRange | null },
): { ranks: CacheRankRange; reverse: boolean } {
  const length = zset.length;
  if (options.rangeType === 'rank') {
    const ranks = rankRangeOf(options.rankStart, options.rankEnd, length);
    if (!options.reverse) return { ranks, reverse: false };
    // ZREVRANGE start/end count from the highest score.
    return { ranks: { start: length - ranks.end, end: length - ranks.start }, reverse: true };
  }
  const full = options.scoreRange !== null ? zset.scoreRangeRanks(options.scoreRange) : zset.lexRangeRanks(options.lexRange as CacheLexRange);
  // LIMIT: a negative offset selects nothing, a negative count everything after the offset.
  if (options.offset < 0) return { ranks: { start: 0, end: 0 }, reverse: options.reverse };
  const available = Math.max(0, full.end - full.start - options.offset);
  const count = options.limit < 0 ? available : Math.min(available, options.limit);
  if (count === 0) return { ranks: { start: 0, end: 0 }, reverse: options.reverse };
  if (!options.reverse) return { ranks: { start: full.start + options.offset, end: full.start + options.offset + count }, reverse: false };
  const end = full.end - options.offset;
  return { ranks: { start: end - count, end }, reverse: true };
}

function zrangeGeneric(
  context: CacheCommandContext,
  args: Args,
  options: { argStart: number; store: boolean; rangeType: RangeType; direction: Direction },
): RespValue {
  const { argStart, store } = options;
  let { rangeType, direction } = options;
  const key = keyAt(args, argStart);
  let minArg = argumentAt(args, argStart + 1);
  let maxArg = argumentAt(args, argStart + 2);
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let index = argStart + 3; index < args.length; index++) {
    const option = optionName(argumentAt(args, index));
    const remaining = args.length - index - 1;
    if (!store && option === 'withscores') withScores = true;
    else if (option === 'limit' && remaining >= 2) {
      offset = requireLong(argumentAt(args, index + 1));
      limit = requireLong(argumentAt(args, index + 2));
      index += 2;
    } else if (direction === 'auto' && option === 'rev') direction = 'reverse';
    else if (rangeType === 'auto' && option === 'bylex') rangeType = 'lex';
    else if (rangeType === 'auto' && option === 'byscore') rangeType = 'score';
    else throw new CacheCommandError('syntax');
  }
  if (direction === 'auto') direction = 'forward';
  if (rangeType === 'auto') rangeType = 'rank';
  if (limit !== -1 && rangeType === 'rank') throw new CacheCommandError('zrange-limit-needs-by');
  if (withScores && rangeType === 'lex') throw new CacheCommandError('zrange-withscores-bylex');
  const reverse = direction === 'reverse';
  if (reverse && rangeType !== 'rank') [minArg, maxArg] = [maxArg, minArg];
  let rankStart = 0;
  let rankEnd = 0;
  let scoreRange: CacheScoreRange | null = null;
  let lexRange: CacheLexRange | null = null;
  if (rangeType === 'rank') {
    rankStart = requireLong(minArg);
    rankEnd = requireLong(maxArg);
  } else if (rangeType === 'score') scoreRange = parseScoreRange(minArg, maxArg);
  else lexRange = parseLexRange(minArg, maxArg);

  const database = selectedDatabase(context);
  const zset = readSortedSet(database, key, context.nowMs);
  let entries: CacheSortedSetEntry[] = [];
  if (zset !== null) {
    const selection = selectRange(zset, { rangeType, reverse, offset, limit, rankStart, rankEnd, scoreRange, lexRange });
    entries = [...zset.entries(selection.ranks, selection.reverse)];
  }
  if (!store) return entriesReply(context, entries, withScores);
  const destination = keyAt(args, 1);
  if (entries.length === 0) {
    if (database.lookup(destination, context.nowMs) !== undefined) database.delete(destination);
    return respInteger(0);
  }
  const result = new CacheSortedSet();
  for (const entry of entries) result.set(entry.member, entry.score);
  stored(database, destination, result);
  return respInteger(result.length);
}

function zrangeCommand(options: { argStart: number; store: boolean; rangeType: RangeType; direction: Direction }) {
  return (context: CacheCommandContext, args: Args): RespValue => zrangeGeneric(context, args, options);
}

// ---------------------------------------------------------------------------------------------
// ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX.

function zremrangeGeneric(rangeType: 'rank' | 'score' | 'lex') {
  return (context: CacheCommandContext, args: Args): RespValue => {
    const key = keyAt(args, 1);
    let selectRanks: (zset: CacheSortedSet) => CacheRankRange;
    if (rangeType === 'rank') {
      const start = requireLong(argumentAt(args, 2));
      const end = requireLong(argumentAt(args, 3));
      selectRanks = (zset) => rankRangeOf(start, end, zset.length);
    } else if (rangeType === 'score') {
      const range = parseScoreRange(argumentAt(args, 2), argumentAt(args, 3));
      selectRanks = (zset) => zset.scoreRangeRanks(range);
    } else {
      const range = parseLexRange(argumentAt(args, 2), argumentAt(args, 3));
      selectRanks = (zset) => zset.lexRangeRanks(range);
    }
    const database = selectedDatabase(context);
    const zset = readSortedSet(database, key, context.nowMs);
    if (zset === null) return respInteger(0);
    const members = [...zset.entries(selectRanks(zset))].map((entry) => entry.member);
    for (const member of members) zset.delete(member);
    if (members.length > 0) database.modified(key);
    return respInteger(members.length);
  };
}

// ---------------------------------------------------------------------------------------------
// ZPOPMIN, ZPOPMAX, BZPOPMIN, BZPOPMAX, ZMPOP, BZMPOP (genericZpopCommand).

type PopWhere = 'min' | 'max';

/** Pops up to `count` entries from the `where` end and updates the keyspace. */
function popEntries(database: CacheDatabase, key: KeyText, zset: CacheSortedSet, where: PopWhere, count: number): CacheSortedSetEntry[] {
  const taken = Math.min(count, zset.length);
  const ranks = where === 'min' ? { start: 0, end: taken } : { start: zset.length - taken, end: zset.length };
  const entries = [...zset.entries(ranks, where === 'max')];
  for (const entry of entries) zset.delete(entry.member);
  if (entries.length > 0) database.modified(key);
  return entries;
}

function zpopMinMax(where: PopWhere) {
  return (context: CacheCommandContext, args: Args): RespValue => {
    if (args.length > 3) throw new CacheCommandError('syntax');
    let count = -1;
    if (args.length === 3) {
      const value = parseInt64(argumentAt(args, 2));
      if (value === null || value < 0n) throw new CacheCommandError('out-of-range-positive');
      count = clampToNumber(value);
    }
    const database = selectedDatabase(context);
    const key = keyAt(args, 1);
    const zset = readSortedSet(database, key, context.nowMs);
    if (zset === null || count === 0) return { type: 'array', items: [] };
    const entries = popEntries(database, key, zset, where, count === -1 ? 1 : count);
    // RESP3 nests [member, score] pairs only when a count was given.
    if (count !== -1) return entriesReply(context, entries, true);
    return { type: 'array', items: entries.flatMap((entry) => [memberReply(entry.member), scoreReply(entry.score)]) };
  };
}

/** The first key holding a non-empty sorted set; WRONGTYPE stops at the first other type. */
function firstNonEmpty(database: CacheDatabase, keys: readonly KeyText[], nowMs: number): { key: KeyText; zset: CacheSortedSet } | null {
  for (const key of keys) {
    const zset = readSortedSet(database, key, nowMs);
    if (zset !== null && zset.length > 0) return { key, zset };
  }
  return null;
}

function bzpopMinMax(where: PopWhere) {
  return (context: CacheCommandContext, args: Args): CacheCommandResult => {
    const timeoutAtMs = parseBlockTimeout(context, argumentAt(args, args.length - 1));
    const keys: KeyText[] = [];
    for (let index = 1; index < args.length - 1; index++) keys.push(keyAt(args, index));
    const database = selectedDatabase(context);
    const found = firstNonEmpty(database, keys, context.nowMs);
    if (found === null) return blockOrTimeoutReply(context, { keys, timeoutAtMs, timeoutReply: respNullArray, waitsForType: 'zset' });
    const [entry] = popEntries(database, found.key, found.zset, where, 1) as [CacheSortedSetEntry];
    return { type: 'array', items: [memberReply(found.key), memberReply(entry.member), scoreReply(entry.score)] };
  };
}

/** zmpopGenericCommand: numkeys key... MIN|MAX [COUNT count], from `numkeysIndex`. */
function zmpopGeneric(context: CacheCommandContext, args: Args, numkeysIndex: number, timeoutAtMs: number | null | undefined): CacheCommandResult {
  const numkeys = parseInt64(argumentAt(args, numkeysIndex));
  if (numkeys === null || numkeys < 1n) throw new CacheCommandError('numkeys-not-positive');
  const whereIndex = numkeysIndex + clampToNumber(numkeys) + 1;
  if (whereIndex >= args.length) throw new CacheCommandError('syntax');
  const whereName = optionName(argumentAt(args, whereIndex));
  if (whereName !== 'min' && whereName !== 'max') throw new CacheCommandError('syntax');
  let count = -1;
  for (let index = whereIndex + 1; index < args.length; index++) {
    const option = optionName(argumentAt(args, index));
    if (count === -1 && option === 'count' && index + 1 < args.length) {
      index++;
      const value = parseInt64(argumentAt(args, index));
      if (value === null || value < 1n) throw new CacheCommandError('count-not-positive');
      count = clampToNumber(value);
    } else throw new CacheCommandError('syntax');
  }
  if (count === -1) count = 1;
  const keys: KeyText[] = [];
  for (let index = numkeysIndex + 1; index < whereIndex; index++) keys.push(keyAt(args, index));
  const database = selectedDatabase(context);
  const found = firstNonEmpty(database, keys, context.nowMs);
  if (found === null) {
    if (timeoutAtMs === undefined) return respNullArray;
    return blockOrTimeoutReply(context, { keys, timeoutAtMs, timeoutReply: respNullArray, waitsForType: 'zset' });
  }
  const entries = popEntries(database, found.key, found.zset, whereName, count);
  return { type: 'array', items: [memberReply(found.key), { type: 'array', items: entries.map(pairReply) }] };
}

function zmpop(context: CacheCommandContext, args: Args): CacheCommandResult {
  return zmpopGeneric(context, args, 1, undefined);
}

function bzmpop(context: CacheCommandContext, args: Args): CacheCommandResult {
  const timeoutAtMs = parseBlockTimeout(context, argumentAt(args, 1));
  return zmpopGeneric(context, args, 2, timeoutAtMs);
}

// ---------------------------------------------------------------------------------------------
// ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD (zunionInterDiffGenericCommand).

type SetOperation = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** An input of a set operation: a sorted set, a set (scores 1) or a missing key (empty). */
interface OperationSource {
  readonly length: number;
  find(member: KeyText): number | undefined;
  entries(): Iterable<CacheSortedSetEntry>;
  weight: number;
}

function sortedSetSource(zset: CacheSortedSet): OperationSource {
  return { length: zset.length, find: (member) => zset.score(member), entries: () => zset.values(), weight: 1 };
}

function setSource(set: CacheSet): OperationSource {
  return {
    length: set.length,
    find: (member) => (set.has(member) ? 1 : undefined),
    *entries() {
      for (const member of set.values()) yield { member, score: 1 };
    },
    weight: 1,
  };
}

const emptySource = (): OperationSource => ({ length: 0, find: () => undefined, entries: () => [], weight: 1 });

/** zunionInterAggregate: a NaN sum (inf + -inf) becomes 0. */
function aggregateScores(target: number, value: number, aggregate: Aggregate): number {
  if (aggregate === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (aggregate === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

function weighted(score: number, weight: number): number {
  const value = score * weight;
  return Number.isNaN(value) ? 0 : value;
}

function setOperationGeneric(
  context: CacheCommandContext,
  args: Args,
  options: { operation: SetOperation; store: boolean; cardinalityOnly: boolean; name: string },
): RespValue {
  const { operation, store, cardinalityOnly } = options;
  const numkeysIndex = store ? 2 : 1;
  const setCount = requireInt64(argumentAt(args, numkeysIndex));
  if (setCount < 1n) throw new CacheCommandError('at-least-one-input-key', options.name);
  if (setCount > BigInt(args.length - (numkeysIndex + 1))) throw new CacheCommandError('syntax');
  const database = selectedDatabase(context);
  const sources: OperationSource[] = [];
  let index = numkeysIndex + 1;
  for (; sources.length < Number(setCount); index++) {
    const entry = database.lookup(keyAt(args, index), context.nowMs);
    if (entry === undefined) sources.push(emptySource());
    else if (entry.value.type === 'zset') sources.push(sortedSetSource(entry.value.zset));
    else if (entry.value.type === 'set') sources.push(setSource(entry.value.set));
    else throw new CacheCommandError('wrong-type');
  }
  let aggregate: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  while (index < args.length) {
    const option = optionName(argumentAt(args, index));
    const remaining = args.length - index;
    if (operation !== 'diff' && !cardinalityOnly && remaining >= sources.length + 1 && option === 'weights') {
      index++;
      for (const source of sources) source.weight = requireDouble(argumentAt(args, index++), 'weight-not-float');
    } else if (operation !== 'diff' && !cardinalityOnly && remaining >= 2 && option === 'aggregate') {
      const name = optionName(argumentAt(args, index + 1));
      if (name !== 'sum' && name !== 'min' && name !== 'max') throw new CacheCommandError('syntax');
      aggregate = name;
      index += 2;
    } else if (!store && !cardinalityOnly && option === 'withscores') {
      withScores = true;
      index++;
    } else if (cardinalityOnly && remaining >= 2 && option === 'limit') {
      const value = parseInt64(argumentAt(args, index + 1));
      if (value === null || value < 0n) throw new CacheCommandError('zintercard-limit-negative');
      limit = clampToNumber(value);
      index += 2;
    } else throw new CacheCommandError('syntax');
  }

  if (cardinalityOnly) return respInteger(intersectionCardinality(sources, limit));
  const result = new CacheSortedSet();
  if (operation === 'inter') intersect(sources, aggregate, result);
  else if (operation === 'union') unite(sources, aggregate, result);
  else difference(sources, result);

  if (!store) return entriesReply(context, result.values(), withScores);
  const destination = keyAt(args, 1);
  if (result.length === 0) {
    if (database.lookup(destination, context.nowMs) !== undefined) database.delete(destination);
    return respInteger(0);
  }
  stored(database, destination, result);
  return respInteger(result.length);
}

function bySize(sources: readonly OperationSource[]): OperationSource[] {
  return [...sources].sort((a, b) => a.length - b.length);
}

function intersect(sources: readonly OperationSource[], aggregate: Aggregate, result: CacheSortedSet): void {
  const [smallest, ...others] = bySize(sources) as [OperationSource, ...OperationSource[]];
  if (smallest.length === 0) return;
  outer: for (const entry of smallest.entries()) {
    let score = weighted(entry.score, smallest.weight);
    for (const other of others) {
      const found = other.find(entry.member);
      if (found === undefined) continue outer;
      score = aggregateScores(score, found * other.weight, aggregate);
    }
    result.set(entry.member, score);
  }
}

function intersectionCardinality(sources: readonly OperationSource[], limit: number): number {
  const [smallest, ...others] = bySize(sources) as [OperationSource, ...OperationSource[]];
  let cardinality = 0;
  for (const entry of smallest.entries()) {
    if (!others.every((other) => other.find(entry.member) !== undefined)) continue;
    cardinality++;
    if (limit > 0 && cardinality >= limit) break;
  }
  return cardinality;
}

function unite(sources: readonly OperationSource[], aggregate: Aggregate, result: CacheSortedSet): void {
  const scores = new Map<KeyText, number>();
  for (const source of bySize(sources)) {
    for (const entry of source.entries()) {
      const score = weighted(entry.score, source.weight);
      const current = scores.get(entry.member);
      scores.set(entry.member, current === undefined ? score : aggregateScores(current, score, aggregate));
    }
  }
  for (const [member, score] of scores) result.set(member, score);
}

function difference(sources: readonly OperationSource[], result: CacheSortedSet): void {
  const [first, ...others] = sources as [OperationSource, ...OperationSource[]];
  for (const entry of first.entries()) {
    if (others.some((other) => other.find(entry.member) !== undefined)) continue;
    result.set(entry.member, entry.score);
  }
}

function setOperationCommand(options: { operation: SetOperation; store: boolean; cardinalityOnly: boolean; name: string }) {
  return (context: CacheCommandContext, args: Args): RespValue => setOperationGeneric(context, args, options);
}

// ---------------------------------------------------------------------------------------------
// ZRANDMEMBER, ZSCAN.

function zrandmember(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  if (args.length === 2) {
    const zset = readSortedSet(database, key, context.nowMs);
    if (zset === null) return respNullBulk;
    return memberReply(zset.entryAt(context.random.nextIndex(zset.length)).member);
  }
  const countValue = requireInt64(argumentAt(args, 2));
  if (countValue < -longMax) throw new CacheCommandError('zrandmember-count-out-of-range');
  if (args.length > 4 || (args.length === 4 && optionName(argumentAt(args, 3)) !== 'withscores')) throw new CacheCommandError('syntax');
  const withScores = args.length === 4;
  if (withScores && (countValue < -longMax / 2n || countValue > longMax / 2n)) throw new CacheCommandError('out-of-range');
  const zset = readSortedSet(database, key, context.nowMs);
  if (zset === null || countValue === 0n) return { type: 'array', items: [] };
  const size = zset.length;
  if (countValue < 0n || countValue === 1n) {
    const repeats = countValue < 0n ? -countValue : 1n;
    if (repeats > BigInt(randomMemberRepeatsMax)) throw new CacheCommandError('out-of-range');
    const picks: CacheSortedSetEntry[] = [];
    for (let pick = 0; pick < Number(repeats); pick++) picks.push(zset.entryAt(context.random.nextIndex(size)));
    return entriesReply(context, picks, withScores);
  }
  const count = clampToNumber(countValue);
  if (count >= size) return entriesReply(context, zset.values(), withScores);
  return entriesReply(context, distinctRandomRanks(context, size, count).map((rank) => zset.entryAt(rank)), withScores);
}

/** `count` distinct ranks below `size` (count < size): a partial shuffle when dense, else rejection. */
function distinctRandomRanks(context: CacheCommandContext, size: number, count: number): number[] {
  if (count * 3 > size) {
    const ranks = Array.from({ length: size }, (_, rank) => rank);
    for (let index = 0; index < count; index++) {
      const swap = index + context.random.nextIndex(size - index);
      [ranks[index], ranks[swap]] = [ranks[swap] as number, ranks[index] as number];
    }
    return ranks.slice(0, count);
  }
  const picked = new Set<number>();
  while (picked.size < count) picked.add(context.random.nextIndex(size));
  return [...picked];
}

/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count]: a listpack-sized set comes back whole with cursor 0
 * (as in Redis); a larger one in scan-sequence order (see CacheSortedSet.scan). Scores are bulk
 * strings in both protocols.
 */
function zscan(context: CacheCommandContext, args: Args): RespValue {
  const cursor = parseScanCursor(argumentAt(args, 2));
  const zset = readSortedSet(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (zset === null) return { type: 'array', items: [respBulkString('0'), { type: 'array', items: [] }] };
  let countHint = scanCountDefault;
  let pattern: Buffer | null = null;
  for (let index = 3; index < args.length; index += 2) {
    const option = optionName(argumentAt(args, index));
    const value = args[index + 1];
    if (value === undefined) throw new CacheCommandError('syntax');
    if (option === 'count') {
      const count = requireInt64(value);
      if (count < 1n) throw new CacheCommandError('syntax');
      countHint = count > 1_000_000n ? 1_000_000 : Number(count);
    } else if (option === 'match') {
      pattern = value.length === 1 && value[0] === 0x2a ? null : value;
    } else throw new CacheCommandError('syntax');
  }
  const page = zset.encoding === 'listpack' ? { cursorNext: 0n, entries: [...zset.values()] } : zset.scan(cursor, countHint);
  const items: RespValue[] = [];
  for (const entry of page.entries) {
    const member = keyBytesFromText(entry.member);
    if (pattern !== null && !globMatch({ pattern, subject: member, caseInsensitive: false })) continue;
    items.push(respBulkString(member), respBulkString(formatRespDouble(entry.score)));
  }
  return { type: 'array', items: [respBulkString(page.cursorNext.toString()), { type: 'array', items }] };
}

// ---------------------------------------------------------------------------------------------

export const cacheSortedSetCommands: readonly CacheCommandSpec[] = [
  { name: 'zadd', arity: -4, flags: ['write', 'denyoom', 'fast'], handler: (context, args) => zaddGeneric(context, args, false) },
  { name: 'zincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], handler: (context, args) => zaddGeneric(context, args, true) },
  { name: 'zrem', arity: -3, flags: ['write', 'fast'], handler: zrem },
  { name: 'zcard', arity: 2, flags: ['readonly', 'fast'], handler: zcard },
  { name: 'zscore', arity: 3, flags: ['readonly', 'fast'], handler: zscore },
  { name: 'zmscore', arity: -3, flags: ['readonly', 'fast'], handler: zmscore },
  { name: 'zrank', arity: -3, flags: ['readonly', 'fast'], handler: zrankGeneric(false) },
  { name: 'zrevrank', arity: -3, flags: ['readonly', 'fast'], handler: zrankGeneric(true) },
  { name: 'zcount', arity: 4, flags: ['readonly', 'fast'], handler: zcount },
  { name: 'zlexcount', arity: 4, flags: ['readonly', 'fast'], handler: zlexcount },
  { name: 'zrange', arity: -4, flags: ['readonly'], handler: zrangeCommand({ argStart: 1, store: false, rangeType: 'auto', direction: 'auto' }) },
  { name: 'zrangestore', arity: -5, flags: ['write', 'denyoom'], handler: zrangeCommand({ argStart: 2, store: true, rangeType: 'auto', direction: 'auto' }) },
  { name: 'zrevrange', arity: -4, flags: ['readonly'], handler: zrangeCommand({ argStart: 1, store: false, rangeType: 'rank', direction: 'reverse' }) },
  { name: 'zrangebyscore', arity: -4, flags: ['readonly'], handler: zrangeCommand({ argStart: 1, store: false, rangeType: 'score', direction: 'forward' }) },
  { name: 'zrevrangebyscore', arity: -4, flags: ['readonly'], handler: zrangeCommand({ argStart: 1, store: false, rangeType: 'score', direction: 'reverse' }) },
  { name: 'zrangebylex', arity: -4, flags: ['readonly'], handler: zrangeCommand({ argStart: 1, store: false, rangeType: 'lex', direction: 'forward' }) },
  { name: 'zrevrangebylex', arity: -4, flags: ['readonly'], handler: zrangeCommand({ argStart: 1, store: false, rangeType: 'lex', direction: 'reverse' }) },
  { name: 'zremrangebyrank', arity: 4, flags: ['write'], handler: zremrangeGeneric('rank') },
  { name: 'zremrangebyscore', arity: 4, flags: ['write'], handler: zremrangeGeneric('score') },
  { name: 'zremrangebylex', arity: 4, flags: ['write'], handler: zremrangeGeneric('lex') },
  { name: 'zpopmin', arity: -2, flags: ['write', 'fast'], handler: zpopMinMax('min') },
  { name: 'zpopmax', arity: -2, flags: ['write', 'fast'], handler: zpopMinMax('max') },
  { name: 'bzpopmin', arity: -3, flags: ['write', 'fast'], handler: bzpopMinMax('min') },
  { name: 'bzpopmax', arity: -3, flags: ['write', 'fast'], handler: bzpopMinMax('max') },
  { name: 'zmpop', arity: -4, flags: ['write'], handler: zmpop },
  { name: 'bzmpop', arity: -5, flags: ['write'], handler: bzmpop },
  { name: 'zunion', arity: -3, flags: ['readonly'], handler: setOperationCommand({ operation: 'union', store: false, cardinalityOnly: false, name: 'zunion' }) },
  { name: 'zinter', arity: -3, flags: ['readonly'], handler: setOperationCommand({ operation: 'inter', store: false, cardinalityOnly: false, name: 'zinter' }) },
  { name: 'zdiff', arity: -3, flags: ['readonly'], handler: setOperationCommand({ operation: 'diff', store: false, cardinalityOnly: false, name: 'zdiff' }) },
  { name: 'zunionstore', arity: -4, flags: ['write', 'denyoom'], handler: setOperationCommand({ operation: 'union', store: true, cardinalityOnly: false, name: 'zunionstore' }) },
  { name: 'zinterstore', arity: -4, flags: ['write', 'denyoom'], handler: setOperationCommand({ operation: 'inter', store: true, cardinalityOnly: false, name: 'zinterstore' }) },
  { name: 'zdiffstore', arity: -4, flags: ['write', 'denyoom'], handler: setOperationCommand({ operation: 'diff', store: true, cardinalityOnly: false, name: 'zdiffstore' }) },
  { name: 'zintercard', arity: -3, flags: ['readonly'], handler: setOperationCommand({ operation: 'inter', store: false, cardinalityOnly: true, name: 'zintercard' }) },
  { name: 'zrandmember', arity: -2, flags: ['readonly', 'random'], handler: zrandmember },
  { name: 'zscan', arity: -3, flags: ['readonly', 'random'], handler: zscan },
];
