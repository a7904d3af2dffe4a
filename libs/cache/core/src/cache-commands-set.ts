/**
 * Set commands, following redis/redis src/t_set.c (Redis 7): argument parsing order, reply types and
 * error texts included. SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count reply RESP3 sets (the
 * encoder downgrades them to arrays for RESP2); SRANDMEMBER with a count replies an array, as Redis
 * 7 does (a negative count may repeat members).
 */
import { CacheCommandError } from './cache-command-errors.js';
import { selectedDatabase, type CacheCommandContext, type CacheCommandSpec } from './cache-command-context.js';
import { parseCollectionScanOptions, parseRandomCount, randomPositions, scanPatternMatches, scanReply } from './cache-commands-hash.js';
import { parseScanCursor } from './cache-commands-keyspace.js';
import { argumentAt, keyAt } from './cache-commands-string.js';
import { keyBytesFromText, type CacheDatabase, type KeyText } from './cache-keyspace.js';
import { parseInt64 } from './cache-number.js';
import { CacheSet } from './cache-set.js';
import { respBulkString, respInteger, respNullBulk, type RespValue } from './resp-value.js';

type Args = readonly Buffer[];

const emptyArray: RespValue = Object.freeze({ type: 'array', items: [] });
const emptySet: RespValue = Object.freeze({ type: 'set', items: [] });

/** The set at `key` or null when missing; WRONGTYPE for another type (lookupKeyRead + checkType). */
function readSet(database: CacheDatabase, key: KeyText, nowMs: number): CacheSet | null {
  const value = database.lookupValue(key, nowMs);
  if (value === undefined) return null;
  if (value.type !== 'set') throw new CacheCommandError('wrong-type');
  return value.set;
}

function memberReply(member: KeyText): RespValue {
  return respBulkString(keyBytesFromText(member));
}

function setReply(members: Iterable<KeyText>): RespValue {
  const items: RespValue[] = [];
  for (const member of members) items.push(memberReply(member));
  return { type: 'set', items };
}

/** Stores a new set at `key` (none when empty: the set type has no empty value). */
function storeNewSet(database: CacheDatabase, key: KeyText, set: CacheSet): void {
  if (set.length > 0) database.set({ key, value: { type: 'set', set }, expireAtMs: null, keepExpiry: false });
}

function sadd(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const existing = readSet(database, key, context.nowMs);
  const set = existing ?? new CacheSet();
  let addedCount = 0;
  for (let index = 2; index < args.length; index++) if (set.addBytes(argumentAt(args, index))) addedCount++;
  if (existing === null) storeNewSet(database, key, set);
  else if (addedCount > 0) database.modified(key);
  return respInteger(addedCount);
}

/** SREM: stops once the set is empty (it is deleted then), like Redis. */
function srem(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const set = readSet(database, key, context.nowMs);
  if (set === null) return respInteger(0);
  let removedCount = 0;
  for (let index = 2; index < args.length && set.length > 0; index++) if (set.delete(keyAt(args, index))) removedCount++;
  if (removedCount > 0) database.modified(key);
  return respInteger(removedCount);
}

/**
 * SMOVE source destination member: a missing source replies 0 before the destination's type is
 * checked; the same key replies whether the member is there.
 */
function smove(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const sourceKey = keyAt(args, 1);
  const destinationKey = keyAt(args, 2);
  const member = keyAt(args, 3);
  const sourceEntry = database.lookup(sourceKey, context.nowMs);
  const destinationEntry = database.lookup(destinationKey, context.nowMs);
  if (sourceEntry === undefined) return respInteger(0);
  const source = readSet(database, sourceKey, context.nowMs) as CacheSet;
  const destination = destinationEntry === undefined ? null : readSet(database, destinationKey, context.nowMs);
  if (sourceKey === destinationKey) return respInteger(source.has(member) ? 1 : 0);
  if (!source.delete(member)) return respInteger(0);
  database.modified(sourceKey);
  if (destination === null) {
    const created = new CacheSet();
    created.add(member);
    storeNewSet(database, destinationKey, created);
  } else if (destination.add(member)) database.modified(destinationKey);
  return respInteger(1);
}

function sismember(context: CacheCommandContext, args: Args): RespValue {
  const set = readSet(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  return respInteger(set?.has(keyAt(args, 2)) === true ? 1 : 0);
}

function smismember(context: CacheCommandContext, args: Args): RespValue {
  const set = readSet(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  const items: RespValue[] = [];
  for (let index = 2; index < args.length; index++) items.push(respInteger(set?.has(keyAt(args, index)) === true ? 1 : 0));
  return { type: 'array', items };
}

function scard(context: CacheCommandContext, args: Args): RespValue {
  return respInteger(readSet(selectedDatabase(context), keyAt(args, 1), context.nowMs)?.length ?? 0);
}

function smembers(context: CacheCommandContext, args: Args): RespValue {
  const set = readSet(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  return set === null ? emptySet : setReply(set.values());
}

/**
 * SPOP key [count]: the count is checked before the key (getPositiveLongFromObjectOrReply); popping
 * at least the whole set replies it all and deletes the key. Each pop is O(1) on a hashtable.
 */
function spop(context: CacheCommandContext, args: Args): RespValue {
  if (args.length > 3) throw new CacheCommandError('syntax');
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  if (args.length === 2) {
    const set = readSet(database, key, context.nowMs);
    if (set === null) return respNullBulk;
    const member = set.randomMember(context.random);
    set.delete(member);
    database.modified(key);
    return memberReply(member);
  }
  const count = parseInt64(argumentAt(args, 2));
  if (count === null || count < 0n) throw new CacheCommandError('out-of-range-positive');
  const set = readSet(database, key, context.nowMs);
  if (set === null || count === 0n) return emptySet;
  if (count >= BigInt(set.length)) {
    const reply = setReply(set.values());
    database.delete(key);
    return reply;
  }
  const items: RespValue[] = [];
  for (let popped = 0; popped < Number(count); popped++) {
    const member = set.randomMember(context.random);
    set.delete(member);
    items.push(memberReply(member));
  }
  database.modified(key);
  return { type: 'set', items };
}

/** SRANDMEMBER key [count]: see randomPositions for the count's meaning. */
function srandmember(context: CacheCommandContext, args: Args): RespValue {
  if (args.length > 3) throw new CacheCommandError('syntax');
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  if (args.length === 2) {
    const set = readSet(database, key, context.nowMs);
    return set === null ? respNullBulk : memberReply(set.randomMember(context.random));
  }
  const count = parseRandomCount(argumentAt(args, 2));
  const set = readSet(database, key, context.nowMs);
  if (set === null || count === 0n) return emptyArray;
  return { type: 'array', items: randomPositions(set.length, count, context.random).map((position) => memberReply(set.memberAt(position))) };
}

/** Every key's set (null when missing), all type-checked first as Redis 7 does. */
function readSets(database: CacheDatabase, keys: readonly KeyText[], nowMs: number): (CacheSet | null)[] {
  return keys.map((key) => readSet(database, key, nowMs));
}

function keysFrom(args: Args, startIndex: number, endIndex = args.length): KeyText[] {
  const keys: KeyText[] = [];
  for (let index = startIndex; index < endIndex; index++) keys.push(keyAt(args, index));
  return keys;
}

/**
 * The members in every set, walking the smallest one and probing the others; stops after `limit`
 * members (0: no limit). Empty when a key is missing.
 */
function* intersection(sets: readonly (CacheSet | null)[], limit: number): Generator<KeyText> {
  if (sets.length === 0 || sets.some((set) => set === null)) return;
  const sorted = (sets as CacheSet[]).slice().sort((a, b) => a.length - b.length);
  const [smallest, ...others] = sorted as [CacheSet, ...CacheSet[]];
  let foundCount = 0;
  for (const member of smallest.values()) {
    if (!others.every((other) => other === smallest || other.has(member))) continue;
    yield member;
    foundCount++;
    if (foundCount === limit) return;
  }
}

function sinter(context: CacheCommandContext, args: Args): RespValue {
  const sets = readSets(selectedDatabase(context), keysFrom(args, 1), context.nowMs);
  return setReply([...intersection(sets, 0)]);
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit]. */
function sintercard(context: CacheCommandContext, args: Args): RespValue {
  const numkeys = parseInt64(argumentAt(args, 1));
  if (numkeys === null || numkeys < 1n) throw new CacheCommandError('numkeys-not-positive');
  if (numkeys > BigInt(args.length - 2)) throw new CacheCommandError('numkeys-too-many');
  const keysEnd = 2 + Number(numkeys);
  let limit = 0;
  for (let index = keysEnd; index < args.length; index += 2) {
    const option = argumentAt(args, index).toString('latin1').toLowerCase();
    const value = args[index + 1];
    if (option !== 'limit' || value === undefined) throw new CacheCommandError('syntax');
    const parsed = parseInt64(value);
    if (parsed === null || parsed < 0n) throw new CacheCommandError('sintercard-limit-negative');
    limit = parsed > BigInt(Number.MAX_SAFE_INTEGER) ? 0 : Number(parsed);
  }
  const sets = readSets(selectedDatabase(context), keysFrom(args, 2, keysEnd), context.nowMs);
  const members = intersection(sets, limit);
  let count = 0;
  while (members.next().done !== true) count++;
  return respInteger(count);
}

/** SUNION: every member of every set (missing keys are empty sets), into a new set. */
function union(sets: readonly (CacheSet | null)[]): CacheSet {
  const result = new CacheSet();
  for (const set of sets) if (set !== null) for (const member of set.values()) result.add(member);
  return result;
}

/**
 * SDIFF: the first set's members in none of the others. Like Redis, probes each member against the
 * others (algorithm 1) unless copying the first set and removing the others' members is less work
 * (algorithm 2).
 */
function difference(sets: readonly (CacheSet | null)[]): CacheSet {
  const result = new CacheSet();
  const [first, ...others] = sets;
  if (first === null || first === undefined) return result;
  let probeWork = 0;
  let removeWork = 0;
  for (const set of sets) {
    if (set === null) continue;
    probeWork += first.length;
    removeWork += set.length;
  }
  if (Math.floor(probeWork / 2) <= removeWork) {
    const subtracted = others.filter((set): set is CacheSet => set !== null).sort((a, b) => b.length - a.length);
    if (subtracted.includes(first)) return result;
    for (const member of first.values()) if (!subtracted.some((set) => set.has(member))) result.add(member);
    return result;
  }
  for (const member of first.values()) result.add(member);
  for (const set of others) {
    if (result.length === 0) break;
    if (set !== null) for (const member of set.values()) result.delete(member);
  }
  return result;
}

function sunionOrSdiff(operation: 'union' | 'diff') {
  return (context: CacheCommandContext, args: Args): RespValue => {
    const sets = readSets(selectedDatabase(context), keysFrom(args, 1), context.nowMs);
    return setReply((operation === 'union' ? union(sets) : difference(sets)).values());
  };
}

/**
 * SINTERSTORE, SUNIONSTORE, SDIFFSTORE destination key [key ...]: the sources are read (and
 * type-checked) first; the destination is overwritten whatever its type, and deleted when the result
 * is empty. Replies the result's size.
 */
function storeOperation(operation: 'inter' | 'union' | 'diff') {
  return (context: CacheCommandContext, args: Args): RespValue => {
    const database = selectedDatabase(context);
    const destinationKey = keyAt(args, 1);
    const sets = readSets(database, keysFrom(args, 2), context.nowMs);
    let result: CacheSet;
    if (operation === 'inter') {
      result = new CacheSet();
      for (const member of intersection(sets, 0)) result.add(member);
    } else result = operation === 'union' ? union(sets) : difference(sets);
    if (result.length > 0) storeNewSet(database, destinationKey, result);
    else database.delete(destinationKey);
    return respInteger(result.length);
  };
}

/** SSCAN key cursor [MATCH pattern] [COUNT count]: the cursor is parsed first, a missing key replies `0 []`. */
function sscan(context: CacheCommandContext, args: Args): RespValue {
  const cursor = parseScanCursor(argumentAt(args, 2));
  const set = readSet(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (set === null) return scanReply(0n, []);
  const options = parseCollectionScanOptions(args, 3);
  const page = set.scan(cursor, options.countHint);
  const items: RespValue[] = [];
  for (const position of page.positions) {
    const member = keyBytesFromText(set.memberAt(position));
    if (scanPatternMatches(options.pattern, member)) items.push(respBulkString(member));
  }
  return scanReply(page.cursorNext, items);
}

export const cacheSetCommands: readonly CacheCommandSpec[] = [
  { name: 'sadd', arity: -3, flags: ['write', 'denyoom', 'fast'], handler: sadd },
  { name: 'srem', arity: -3, flags: ['write', 'fast'], handler: srem },
  { name: 'smove', arity: 4, flags: ['write', 'fast'], handler: smove },
  { name: 'sismember', arity: 3, flags: ['readonly', 'fast'], handler: sismember },
  { name: 'smismember', arity: -3, flags: ['readonly', 'fast'], handler: smismember },
  { name: 'scard', arity: 2, flags: ['readonly', 'fast'], handler: scard },
  { name: 'smembers', arity: 2, flags: ['readonly'], handler: smembers },
  { name: 'spop', arity: -2, flags: ['write', 'fast', 'random'], handler: spop },
  { name: 'srandmember', arity: -2, flags: ['readonly', 'random'], handler: srandmember },
  { name: 'sinter', arity: -2, flags: ['readonly'], handler: sinter },
  { name: 'sintercard', arity: -3, flags: ['readonly'], handler: sintercard },
  { name: 'sunion', arity: -2, flags: ['readonly'], handler: sunionOrSdiff('union') },
  { name: 'sdiff', arity: -2, flags: ['readonly'], handler: sunionOrSdiff('diff') },
  { name: 'sinterstore', arity: -3, flags: ['write', 'denyoom'], handler: storeOperation('inter') },
  { name: 'sunionstore', arity: -3, flags: ['write', 'denyoom'], handler: storeOperation('union') },
  { name: 'sdiffstore', arity: -3, flags: ['write', 'denyoom'], handler: storeOperation('diff') },
  { name: 'sscan', arity: -3, flags: ['readonly', 'random'], handler: sscan },
];
