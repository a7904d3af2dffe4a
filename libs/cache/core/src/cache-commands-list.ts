/**
 * List commands, following redis/redis src/t_list.c (Redis 7): argument parsing order, reply types,
 * error texts and which commands signal a modification. Lists are {@link CacheList} deques, so pushes
 * and pops at either end are O(1) and LINDEX/LSET are O(1) (Redis: O(n) over quicklist nodes).
 *
 * Blocking commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) serve at once when they can; otherwise
 * they return a block on their keys (see {@link blockOrTimeoutReply}). The server runs the same
 * command again when one of the keys changes, so serving is the ordinary non-blocking path. Their
 * timeout reply is the null array in every case, as Redis's replyToBlockedClientTimedOut sends it
 * (BLMOVE and BRPOPLPUSH included: `*-1` in RESP2).
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
import { argumentAt, keyAt, requireInt64 } from './cache-commands-string.js';
import { CacheList } from './cache-list.js';
import { keyTextFromBytes, type CacheDatabase, type KeyText } from './cache-keyspace.js';
import { int64Max, int64Min, parseInt64 } from './cache-number.js';
import {
  respBulkString,
  respBulkStringArray,
  respInteger,
  respNullArray,
  respNullBulk,
  respOk,
  type RespValue,
} from './resp-value.js';

type Args = readonly Buffer[];

/** Which end of a list: Redis's LIST_HEAD (LEFT) and LIST_TAIL (RIGHT). */
type ListEnd = 'head' | 'tail';

const emptyArray: RespValue = Object.freeze({ type: 'array', items: [] });

/** The list at `key`, null when missing; WRONGTYPE for another type (lookupKey + checkType). */
function readList(database: CacheDatabase, key: KeyText, nowMs: number): CacheList | null {
  const value = database.lookupValue(key, nowMs);
  if (value === undefined) return null;
  if (value.type !== 'list') throw new CacheCommandError('wrong-type');
  return value.list;
}

function push(list: CacheList, end: ListEnd, element: Buffer): void {
  if (end === 'head') list.pushHead(element);
  else list.pushTail(element);
}

function pop(list: CacheList, end: ListEnd): Buffer {
  const element = end === 'head' ? list.popHead() : list.popTail();
  if (element === undefined) throw new Error('pop from an empty list: empty lists are deleted');
  return element;
}

function popMany(list: CacheList, end: ListEnd, countMax: number): Buffer[] {
  const elements: Buffer[] = [];
  while (elements.length < countMax && list.length > 0) elements.push(pop(list, end));
  return elements;
}

/** getListPositionFromObjectOrReply: LEFT or RIGHT, case-insensitively. */
function listEndOf(argument: Buffer): ListEnd {
  const word = argument.toString('latin1').toLowerCase();
  if (word === 'left') return 'head';
  if (word === 'right') return 'tail';
  throw new CacheCommandError('syntax');
}

/**
 * getRangeLongFromObjectOrReply: an int64 in [min, max], else `reason` (also for a non-integer,
 * as Redis replies the custom message in both cases).
 */
function requireInt64InRange(argument: Buffer, min: bigint, max: bigint, reason: 'out-of-range-positive' | 'numkeys-not-positive' | 'count-not-positive' | 'lpos-count-negative' | 'lpos-maxlen-negative'): bigint {
  const value = parseInt64(argument);
  if (value === null || value < min || value > max) throw new CacheCommandError(reason);
  return value;
}

const safeIndexMax = BigInt(Number.MAX_SAFE_INTEGER);

/** An int64 index or count as a number; beyond ±2^53 it is clamped (no list is that long). */
function clampToNumber(value: bigint): number {
  if (value > safeIndexMax) return Number.MAX_SAFE_INTEGER;
  if (value < -safeIndexMax) return -Number.MAX_SAFE_INTEGER;
  return Number(value);
}

function requireIndex(argument: Buffer): number {
  return clampToNumber(requireInt64(argument));
}

/** Stores a new list at `key` (it was missing). */
function storeNewList(database: CacheDatabase, key: KeyText, list: CacheList): void {
  database.set({ key, value: { type: 'list', list }, expireAtMs: null, keepExpiry: false });
}

/** pushGenericCommand: LPUSH, RPUSH, and LPUSHX / RPUSHX when `onlyIfExists`. */
function pushCommand(end: ListEnd, onlyIfExists: boolean) {
  return (context: CacheCommandContext, args: Args): RespValue => {
    const database = selectedDatabase(context);
    const key = keyAt(args, 1);
    const existing = readList(database, key, context.nowMs);
    if (existing === null && onlyIfExists) return respInteger(0);
    const list = existing ?? new CacheList();
    // The list keeps copies: a request's arguments are views of the connection's input.
    for (let index = 2; index < args.length; index++) push(list, end, argumentAt(args, index));
    if (existing === null) storeNewList(database, key, list);
    else database.modified(key);
    return respInteger(list.length);
  };
}

/** popGenericCommand: LPOP / RPOP key [count]. */
function popCommand(end: ListEnd, commandName: string) {
  return (context: CacheCommandContext, args: Args): RespValue => {
    if (args.length > 3) throw new CacheCommandError('wrong-arity', commandName);
    const countMax = args.length === 3 ? clampToNumber(requireInt64InRange(argumentAt(args, 2), 0n, int64Max, 'out-of-range-positive')) : null;
    const database = selectedDatabase(context);
    const key = keyAt(args, 1);
    const list = readList(database, key, context.nowMs);
    if (list === null) return countMax === null ? respNullBulk : respNullArray;
    if (countMax === null) {
      const element = pop(list, end);
      database.modified(key);
      return respBulkString(element);
    }
    if (countMax === 0) return emptyArray;
    const elements = popMany(list, end, countMax);
    database.modified(key);
    return respBulkStringArray(elements);
  };
}

function llen(context: CacheCommandContext, args: Args): RespValue {
  return respInteger(readList(selectedDatabase(context), keyAt(args, 1), context.nowMs)?.length ?? 0);
}

/** A Redis list index (negative counts from the tail) as a position, or null when out of range. */
function positionOf(list: CacheList, index: number): number | null {
  const position = index < 0 ? list.length + index : index;
  return position >= 0 && position < list.length ? position : null;
}

function lindex(context: CacheCommandContext, args: Args): RespValue {
  const list = readList(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (list === null) return respNullBulk;
  const position = positionOf(list, requireIndex(argumentAt(args, 2)));
  return position === null ? respNullBulk : respBulkString(list.at(position));
}

function lset(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const list = readList(database, key, context.nowMs);
  if (list === null) throw new CacheCommandError('no-such-key');
  const position = positionOf(list, requireIndex(argumentAt(args, 2)));
  if (position === null) throw new CacheCommandError('index-out-of-range');
  list.set(position, argumentAt(args, 3));
  database.modified(key);
  return respOk;
}

/** LRANGE and LTRIM's range: [start, endExclusive) after Redis's clamping, or null when empty. */
function rangeOf(length: number, startIndex: number, stopIndex: number): { start: number; endExclusive: number } | null {
  let start = startIndex < 0 ? length + startIndex : startIndex;
  let stop = stopIndex < 0 ? length + stopIndex : stopIndex;
  if (start < 0) start = 0;
  if (start > stop || start >= length) return null;
  if (stop >= length) stop = length - 1;
  return { start, endExclusive: stop + 1 };
}

function lrange(context: CacheCommandContext, args: Args): RespValue {
  const startIndex = requireIndex(argumentAt(args, 2));
  const stopIndex = requireIndex(argumentAt(args, 3));
  const list = readList(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (list === null) return emptyArray;
  const range = rangeOf(list.length, startIndex, stopIndex);
  return range === null ? emptyArray : respBulkStringArray(list.slice(range.start, range.endExclusive));
}

/** LTRIM; like Redis it signals a modification even when nothing was removed. */
function ltrim(context: CacheCommandContext, args: Args): RespValue {
  const startIndex = requireIndex(argumentAt(args, 2));
  const stopIndex = requireIndex(argumentAt(args, 3));
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const list = readList(database, key, context.nowMs);
  if (list === null) return respOk;
  const range = rangeOf(list.length, startIndex, stopIndex);
  const headCount = range === null ? list.length : range.start;
  const tailCount = range === null ? 0 : list.length - range.endExclusive;
  for (let index = 0; index < headCount; index++) list.popHead();
  for (let index = 0; index < tailCount; index++) list.popTail();
  database.modified(key);
  return respOk;
}

function lrem(context: CacheCommandContext, args: Args): RespValue {
  const countMax = requireIndex(argumentAt(args, 2));
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const list = readList(database, key, context.nowMs);
  if (list === null) return respInteger(0);
  const removedCount = list.removeMatching(argumentAt(args, 3), countMax);
  if (removedCount > 0) database.modified(key);
  return respInteger(removedCount);
}

function linsert(context: CacheCommandContext, args: Args): RespValue {
  const where = argumentAt(args, 2).toString('latin1').toLowerCase();
  if (where !== 'before' && where !== 'after') throw new CacheCommandError('syntax');
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const list = readList(database, key, context.nowMs);
  if (list === null) return respInteger(0);
  const pivotPosition = list.indexOf(argumentAt(args, 3));
  if (pivotPosition === -1) return respInteger(-1);
  list.insert(where === 'before' ? pivotPosition : pivotPosition + 1, argumentAt(args, 4));
  database.modified(key);
  return respInteger(list.length);
}

/**
 * LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. RANK -9223372036854775808 behaves
 * as in Redis 7.0 (negating it overflows, so every match from the tail qualifies): like RANK -1.
 */
function lpos(context: CacheCommandContext, args: Args): RespValue {
  let rank = 1n;
  let countMax: bigint | null = null;
  let scannedMax = 0n;
  for (let index = 3; index < args.length; index++) {
    const option = argumentAt(args, index).toString('latin1').toLowerCase();
    const hasMore = index < args.length - 1;
    if (option === 'rank' && hasMore) {
      rank = requireInt64(argumentAt(args, ++index));
      if (rank === 0n) throw new CacheCommandError('lpos-rank-zero');
    } else if (option === 'count' && hasMore) {
      countMax = requireInt64InRange(argumentAt(args, ++index), 0n, int64Max, 'lpos-count-negative');
    } else if (option === 'maxlen' && hasMore) {
      scannedMax = requireInt64InRange(argumentAt(args, ++index), 0n, int64Max, 'lpos-maxlen-negative');
    } else throw new CacheCommandError('syntax');
  }
  const list = readList(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (list === null) return countMax === null ? respNullBulk : emptyArray;
  const element = argumentAt(args, 2);
  const fromTail = rank < 0n;
  const rankNeeded = rank === int64Min ? 1 : clampToNumber(fromTail ? -rank : rank);
  const scanLimit = scannedMax === 0n ? list.length : Math.min(list.length, clampToNumber(scannedMax));
  const matchLimit = countMax === null ? 1 : countMax === 0n ? Number.POSITIVE_INFINITY : clampToNumber(countMax);
  const positions: number[] = [];
  let matchCount = 0;
  for (let step = 0; step < scanLimit && positions.length < matchLimit; step++) {
    const position = fromTail ? list.length - 1 - step : step;
    if (!list.elementEquals(position, element)) continue;
    matchCount++;
    if (matchCount >= rankNeeded) positions.push(position);
  }
  if (countMax !== null) return { type: 'array', items: positions.map((position) => respInteger(position)) };
  return positions.length === 0 ? respNullBulk : respInteger(positions[0] as number);
}

/**
 * lmoveGenericCommand: pops from `source` and pushes to `destination`; null when the source is
 * missing. The destination's type is checked before anything is popped.
 */
function moveElement(context: CacheCommandContext, options: { source: KeyText; destination: KeyText; from: ListEnd; to: ListEnd }): Buffer | null {
  const database = selectedDatabase(context);
  const sourceList = readList(database, options.source, context.nowMs);
  if (sourceList === null) return null;
  const destinationList = readList(database, options.destination, context.nowMs);
  const element = pop(sourceList, options.from);
  if (destinationList === null) {
    const list = new CacheList();
    list.pushTail(element);
    storeNewList(database, options.destination, list);
  } else {
    push(destinationList, options.to, element);
    if (options.destination !== options.source) database.modified(options.destination);
  }
  database.modified(options.source);
  return element;
}

function lmove(context: CacheCommandContext, args: Args): RespValue {
  const from = listEndOf(argumentAt(args, 3));
  const to = listEndOf(argumentAt(args, 4));
  const element = moveElement(context, { source: keyAt(args, 1), destination: keyAt(args, 2), from, to });
  return element === null ? respNullBulk : respBulkString(element);
}

function rpoplpush(context: CacheCommandContext, args: Args): RespValue {
  const element = moveElement(context, { source: keyAt(args, 1), destination: keyAt(args, 2), from: 'tail', to: 'head' });
  return element === null ? respNullBulk : respBulkString(element);
}

function blmove(context: CacheCommandContext, args: Args): CacheCommandResult {
  const from = listEndOf(argumentAt(args, 3));
  const to = listEndOf(argumentAt(args, 4));
  const timeoutAtMs = parseBlockTimeout(context, argumentAt(args, 5));
  const source = keyAt(args, 1);
  const element = moveElement(context, { source, destination: keyAt(args, 2), from, to });
  if (element !== null) return respBulkString(element);
  return blockingMoveEmpty(context, source, timeoutAtMs);
}

function brpoplpush(context: CacheCommandContext, args: Args): CacheCommandResult {
  const timeoutAtMs = parseBlockTimeout(context, argumentAt(args, 3));
  const source = keyAt(args, 1);
  const element = moveElement(context, { source, destination: keyAt(args, 2), from: 'tail', to: 'head' });
  if (element !== null) return respBulkString(element);
  return blockingMoveEmpty(context, source, timeoutAtMs);
}

/**
 * BLMOVE / BRPOPLPUSH on an empty source: they block (and time out with the null array, as 7.0.15
 * sends); where they may not block (inside MULTI) blmoveGenericCommand answers addReplyNull, the null
 * bulk string, at once.
 */
function blockingMoveEmpty(context: CacheCommandContext, source: KeyText, timeoutAtMs: number | null): CacheCommandResult {
  if (!context.blockingAllowed) return respNullBulk;
  return blockOrTimeoutReply(context, { keys: [source], timeoutAtMs, timeoutReply: respNullArray, waitsForType: 'list' });
}

/**
 * Pops up to `countMax` elements from the first non-empty list among `keys`; `[key, elements]`, or
 * null when all are missing. A key of another type before the first list fails with WRONGTYPE.
 */
function popFirstNonEmpty(context: CacheCommandContext, keys: readonly KeyText[], end: ListEnd, countMax: number): { key: KeyText; elements: Buffer[] } | null {
  const database = selectedDatabase(context);
  for (const key of keys) {
    const list = readList(database, key, context.nowMs);
    if (list === null) continue;
    const elements = popMany(list, end, countMax);
    database.modified(key);
    return { key, elements };
  }
  return null;
}

function uniqueKeys(keys: readonly KeyText[]): KeyText[] {
  return [...new Set(keys)];
}

/** BLPOP / BRPOP key [key ...] timeout (blockingPopGenericCommand): `[key, element]`. */
function blockingPopCommand(end: ListEnd) {
  return (context: CacheCommandContext, args: Args): CacheCommandResult => {
    const timeoutAtMs = parseBlockTimeout(context, argumentAt(args, args.length - 1));
    const keys: KeyText[] = [];
    for (let index = 1; index < args.length - 1; index++) keys.push(keyAt(args, index));
    const popped = popFirstNonEmpty(context, keys, end, 1);
    if (popped !== null) return respBulkStringArray([popped.key, popped.elements[0] as Buffer].map(bulkBytesOf));
    return blockOrTimeoutReply(context, { keys: uniqueKeys(keys), timeoutAtMs, timeoutReply: respNullArray, waitsForType: 'list' });
  };
}

function bulkBytesOf(value: KeyText | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
}

interface MultiPopArguments {
  readonly keys: readonly KeyText[];
  readonly end: ListEnd;
  readonly countMax: number;
}

/** lmpopGenericCommand's parsing: numkeys at `numkeysIndex`, the keys, LEFT|RIGHT, [COUNT count]. */
function parseMultiPop(args: Args, numkeysIndex: number): MultiPopArguments {
  const keyCount = requireInt64InRange(argumentAt(args, numkeysIndex), 1n, int64Max, 'numkeys-not-positive');
  if (BigInt(numkeysIndex) + keyCount + 1n >= BigInt(args.length)) throw new CacheCommandError('syntax');
  const whereIndex = numkeysIndex + Number(keyCount) + 1;
  const end = listEndOf(argumentAt(args, whereIndex));
  let countMax: number | null = null;
  for (let index = whereIndex + 1; index < args.length; index++) {
    const option = argumentAt(args, index).toString('latin1').toLowerCase();
    if (countMax === null && option === 'count' && index < args.length - 1) {
      countMax = clampToNumber(requireInt64InRange(argumentAt(args, ++index), 1n, int64Max, 'count-not-positive'));
    } else throw new CacheCommandError('syntax');
  }
  const keys: KeyText[] = [];
  for (let index = numkeysIndex + 1; index < whereIndex; index++) keys.push(keyTextFromBytes(argumentAt(args, index)));
  return { keys, end, countMax: countMax ?? 1 };
}

function multiPopReply(popped: { key: KeyText; elements: Buffer[] }): RespValue {
  return { type: 'array', items: [respBulkString(bulkBytesOf(popped.key)), respBulkStringArray(popped.elements)] };
}

function lmpop(context: CacheCommandContext, args: Args): RespValue {
  const parsed = parseMultiPop(args, 1);
  const popped = popFirstNonEmpty(context, parsed.keys, parsed.end, parsed.countMax);
  return popped === null ? respNullArray : multiPopReply(popped);
}

function blmpop(context: CacheCommandContext, args: Args): CacheCommandResult {
  const parsed = parseMultiPop(args, 2);
  const timeoutAtMs = parseBlockTimeout(context, argumentAt(args, 1));
  const popped = popFirstNonEmpty(context, parsed.keys, parsed.end, parsed.countMax);
  if (popped !== null) return multiPopReply(popped);
  return blockOrTimeoutReply(context, { keys: uniqueKeys(parsed.keys), timeoutAtMs, timeoutReply: respNullArray, waitsForType: 'list' });
}

/** Flags as Redis 7's command table (`blocking`, `noscript` and `movablekeys` are not modelled yet). */
export const cacheListCommands: readonly CacheCommandSpec[] = [
  { name: 'lpush', arity: -3, flags: ['write', 'denyoom', 'fast'], handler: pushCommand('head', false) },
  { name: 'rpush', arity: -3, flags: ['write', 'denyoom', 'fast'], handler: pushCommand('tail', false) },
  { name: 'lpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], handler: pushCommand('head', true) },
  { name: 'rpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], handler: pushCommand('tail', true) },
  { name: 'lpop', arity: -2, flags: ['write', 'fast'], handler: popCommand('head', 'lpop') },
  { name: 'rpop', arity: -2, flags: ['write', 'fast'], handler: popCommand('tail', 'rpop') },
  { name: 'llen', arity: 2, flags: ['readonly', 'fast'], handler: llen },
  { name: 'lrange', arity: 4, flags: ['readonly'], handler: lrange },
  { name: 'lindex', arity: 3, flags: ['readonly'], handler: lindex },
  { name: 'lset', arity: 4, flags: ['write', 'denyoom'], handler: lset },
  { name: 'linsert', arity: 5, flags: ['write', 'denyoom'], handler: linsert },
  { name: 'lrem', arity: 4, flags: ['write'], handler: lrem },
  { name: 'ltrim', arity: 4, flags: ['write'], handler: ltrim },
  { name: 'lpos', arity: -3, flags: ['readonly'], handler: lpos },
  { name: 'lmove', arity: 5, flags: ['write', 'denyoom'], handler: lmove },
  { name: 'rpoplpush', arity: 3, flags: ['write', 'denyoom'], handler: rpoplpush },
  { name: 'lmpop', arity: -4, flags: ['write'], handler: lmpop },
  { name: 'blpop', arity: -3, flags: ['write'], handler: blockingPopCommand('head') },
  { name: 'brpop', arity: -3, flags: ['write'], handler: blockingPopCommand('tail') },
  { name: 'blmove', arity: 6, flags: ['write', 'denyoom'], handler: blmove },
  { name: 'brpoplpush', arity: 4, flags: ['write', 'denyoom'], handler: brpoplpush },
  { name: 'blmpop', arity: -5, flags: ['write'], handler: blmpop },
];
