/**
 * Stream commands, following Redis 7.2's src/t_stream.c: argument parsing order, reply shapes and
 * error texts. XREAD/XREADGROUP with BLOCK park the client on their keys (see
 * {@link blockOrTimeoutReply}); the engine runs the command again when a key changes, with the
 * arguments the block names: `$` resolved to the stream's last ID at the time of the call (as Redis
 * resolves it when blocking) and COUNT 1000 when none was given (XREAD_BLOCKED_DEFAULT_COUNT), so
 * the re-run serves exactly what Redis's serveClientsBlockedOnStreamKey would.
 */
import { CacheCommandError } from './cache-command-errors.js';
import { cacheEncodingThresholds } from './cache-collection-size.js';
import { blockOrTimeoutReply, selectedDatabase, type CacheCommandContext, type CacheCommandResult, type CacheCommandSpec } from './cache-command-context.js';
import { argumentAt, keyAt, requireInt64 } from './cache-commands-string.js';
import { type CacheDatabase, type KeyText } from './cache-keyspace.js';
import { int64Max } from './cache-number.js';
import {
  compareStreamIds,
  formatStreamId,
  invalidStreamId,
  isZeroStreamId,
  nextStreamId,
  parseStreamId,
  parseStreamIntervalId,
  parseStrictStreamId,
  previousStreamId,
  streamIdMax,
  streamIdZero,
  uint64Max,
  type StreamId,
} from './cache-stream-id.js';
import {
  CacheStream,
  entriesReadInvalid,
  type StreamConsumer,
  type StreamEntry,
  type StreamGroup,
  type StreamPendingEntry,
  type StreamTrimOptions,
} from './cache-stream.js';
import { respBulkString, respInteger, respNullArray, respNullBulk, respOk, type RespValue } from './resp-value.js';

type Args = readonly Buffer[];

const emptyArray: RespValue = Object.freeze({ type: 'array', items: [] });
/** XREAD_BLOCKED_DEFAULT_COUNT: what a blocked XREAD without COUNT is served at most. */
const blockedReadCountDefault = 1000;
/** XAUTOCLAIM scans at most COUNT × this many PEL entries. */
const autoclaimAttemptsFactor = 10;

function lower(argument: Buffer | undefined): string {
  return argument === undefined ? '' : argument.toString('latin1').toLowerCase();
}

function message(text: string): CacheCommandError {
  return new CacheCommandError('message', text);
}

function noGroup(text: string): CacheCommandError {
  return new CacheCommandError('stream-no-group', text);
}

/** `%s` of a key or group name in an error text (C's `%s`: up to a NUL byte). */
function cText(argument: Buffer): string {
  const nul = argument.indexOf(0);
  return argument.subarray(0, nul === -1 ? argument.length : nul).toString('latin1');
}

function idReply(id: StreamId): RespValue {
  return respBulkString(formatStreamId(id));
}

function entryReply(entry: StreamEntry): RespValue {
  return { type: 'array', items: [idReply(entry.id), { type: 'array', items: entry.fields.map((field) => respBulkString(field)) }] };
}

/** The stream at `key`, undefined when missing; WRONGTYPE for another type. */
function readStream(database: CacheDatabase, key: KeyText, nowMs: number): CacheStream | undefined {
  const value = database.lookupValue(key, nowMs);
  if (value === undefined) return undefined;
  if (value.type !== 'stream') throw new CacheCommandError('wrong-type');
  return value.stream;
}

/** getLongLongFromObjectOrReply with Redis's default text, or `text` when given. */
function int64Argument(argument: Buffer, text?: string): bigint {
  if (text === undefined) return requireInt64(argument);
  try {
    return requireInt64(argument);
  } catch {
    throw message(text);
  }
}

/** The entry's bytes in one allocation of their own: arguments are views of the connection's input. */
function storedFields(args: Args, from: number): Buffer[] {
  let total = 0;
  for (let index = from; index < args.length; index++) total += (args[index] as Buffer).length;
  const block = Buffer.allocUnsafeSlow(total);
  const fields: Buffer[] = [];
  let offset = 0;
  for (let index = from; index < args.length; index++) {
    const argument = args[index] as Buffer;
    argument.copy(block, offset);
    fields.push(block.subarray(offset, offset + argument.length));
    offset += argument.length;
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// XADD, XTRIM: streamParseAddOrTrimArgsOrReply

interface AddOrTrimArguments {
  trim: StreamTrimOptions | null;
  noMakeStream: boolean;
  /** XADD: the ID argument's position. */
  idIndex: number;
}

function parseAddOrTrimArguments(args: Args, isAdd: boolean): AddOrTrimArguments {
  let strategy: StreamTrimOptions['strategy'] | null = null;
  let maxLength = 0n;
  let minId = streamIdZero;
  let approximate = false;
  let limit: bigint | null = null;
  let noMakeStream = false;
  let index = 2;
  for (; index < args.length; index++) {
    const moreArgs = args.length - index - 1;
    const option = lower(args[index]);
    if (isAdd && option === '*') break;
    if ((option === 'maxlen' || option === 'minid') && moreArgs > 0) {
      if (strategy !== null) throw message('syntax error, MAXLEN and MINID options at the same time are not compatible');
      // An optional `~` (approximate) or `=` before the threshold.
      const next = args[index + 1] as Buffer;
      approximate = false;
      if (moreArgs >= 2 && next.length === 1 && (next[0] === 0x7e || next[0] === 0x3d)) {
        approximate = next[0] === 0x7e;
        index++;
      }
      const threshold = argumentAt(args, index + 1);
      index++;
      if (option === 'maxlen') {
        maxLength = requireInt64(threshold);
        if (maxLength < 0n) throw message('The MAXLEN argument must be >= 0.');
      } else minId = parseStrictStreamId(threshold);
      strategy = option;
    } else if (option === 'limit' && moreArgs > 0) {
      limit = requireInt64(argumentAt(args, index + 1));
      if (limit < 0n) throw message('The LIMIT argument must be >= 0.');
      index++;
    } else if (isAdd && option === 'nomkstream') {
      noMakeStream = true;
    } else if (isAdd) {
      break;
    } else {
      throw new CacheCommandError('syntax');
    }
  }
  if (limit !== null && limit !== 0n && strategy === null) throw message('syntax error, LIMIT cannot be used without specifying a trimming strategy');
  if (!isAdd && strategy === null) throw message('syntax error, XTRIM must be called with a trimming strategy');
  let effectiveLimit: number;
  if (limit !== null) {
    if (!approximate) throw message('syntax error, LIMIT cannot be used without the special ~ option');
    effectiveLimit = limit > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(limit);
  } else if (approximate) {
    effectiveLimit = 100 * cacheEncodingThresholds.streamNodeEntriesMax;
    if (effectiveLimit <= 0) effectiveLimit = 10_000;
    if (effectiveLimit > 1_000_000) effectiveLimit = 1_000_000;
  } else effectiveLimit = 0;
  const trim = strategy === null ? null : { strategy, maxLength, minId, approximate, limit: effectiveLimit };
  return { trim, noMakeStream, idIndex: index };
}

/** XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...] */
function xadd(context: CacheCommandContext, args: Args): RespValue {
  const parsed = parseAddOrTrimArguments(args, true);
  const idArgument = argumentAt(args, parsed.idIndex);
  const autoId = idArgument.length === 1 && idArgument[0] === 0x2a;
  const givenId = autoId ? null : parseStreamId(idArgument, { strict: true, missingSeq: 0n, allowAutoSeq: true });
  const fieldFrom = parsed.idIndex + 1;
  const fieldArgumentCount = args.length - fieldFrom;
  if (fieldArgumentCount < 2 || fieldArgumentCount % 2 === 1) throw new CacheCommandError('wrong-arity', 'xadd');
  if (givenId !== null && givenId.seqGiven && isZeroStreamId(givenId.id)) throw message('The ID specified in XADD must be greater than 0-0');
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  let stream = readStream(database, key, context.nowMs);
  const isNew = stream === undefined;
  if (stream === undefined) {
    if (parsed.noMakeStream) return respNullBulk;
    stream = new CacheStream();
  }
  if (stream.lastId.ms === uint64Max && stream.lastId.seq === uint64Max) {
    throw message('The stream has exhausted the last possible ID, unable to add more items');
  }
  let id: StreamId;
  if (givenId === null) {
    const nowMs = BigInt(Math.max(0, Math.floor(context.nowMs)));
    id = nowMs > stream.lastId.ms ? { ms: nowMs, seq: 0n } : (nextStreamId(stream.lastId) as StreamId);
  } else if (givenId.seqGiven) {
    id = givenId.id;
  } else if (givenId.id.ms === stream.lastId.ms) {
    if (stream.lastId.seq === uint64Max) throw message('The ID specified in XADD is equal or smaller than the target stream top item');
    id = { ms: stream.lastId.ms, seq: stream.lastId.seq + 1n };
  } else id = givenId.id;
  if (compareStreamIds(id, stream.lastId) <= 0) throw message('The ID specified in XADD is equal or smaller than the target stream top item');
  stream.append(id, storedFields(args, fieldFrom));
  if (parsed.trim !== null) stream.trim(parsed.trim);
  if (isNew) database.set({ key, value: { type: 'stream', stream }, expireAtMs: null, keepExpiry: false });
  else database.modified(key);
  return idReply(id);
}

/** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] */
function xtrim(context: CacheCommandContext, args: Args): RespValue {
  const parsed = parseAddOrTrimArguments(args, false);
  if (parsed.trim === null) throw message('syntax error, XTRIM must be called with a trimming strategy');
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const stream = readStream(database, key, context.nowMs);
  if (stream === undefined) return respInteger(0);
  const removed = stream.trim(parsed.trim);
  if (removed > 0) database.modified(key);
  return respInteger(removed);
}

function xlen(context: CacheCommandContext, args: Args): RespValue {
  const stream = readStream(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  return respInteger(stream?.length ?? 0);
}

/** XDEL key id [id ...] */
function xdel(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const stream = readStream(database, key, context.nowMs);
  if (stream === undefined) return respInteger(0);
  const ids = args.slice(2).map((argument) => parseStrictStreamId(argument));
  const deleted: StreamId[] = [];
  for (const id of ids) if (stream.delete(id)) deleted.push(id);
  stream.recordDeletions(deleted);
  if (deleted.length > 0) database.modified(key);
  return respInteger(deleted.length);
}

/** The [start, end] of XRANGE/XPENDING after `(` exclusions; Redis's errors for empty exclusions. */
function parseRange(startArgument: Buffer, endArgument: Buffer): { start: StreamId; end: StreamId } {
  const startBound = parseStreamIntervalId(startArgument, 0n);
  let start = startBound.id;
  if (startBound.exclusive) {
    const next = nextStreamId(start);
    if (next === null) throw message('invalid start ID for the interval');
    start = next;
  }
  const endBound = parseStreamIntervalId(endArgument, uint64Max);
  let end = endBound.id;
  if (endBound.exclusive) {
    const previous = previousStreamId(end);
    if (previous === null) throw message('invalid end ID for the interval');
    end = previous;
  }
  return { start, end };
}

/** XRANGE key start end [COUNT count] / XREVRANGE key end start [COUNT count] */
function xrangeGeneric(reverse: boolean) {
  return (context: CacheCommandContext, args: Args): RespValue => {
    const { start, end } = parseRange(argumentAt(args, reverse ? 3 : 2), argumentAt(args, reverse ? 2 : 3));
    let count = -1n;
    for (let index = 4; index < args.length; index++) {
      if (lower(args[index]) === 'count' && args.length - index - 1 >= 1) {
        count = requireInt64(argumentAt(args, index + 1));
        if (count < 0n) count = 0n;
        index++;
      } else throw new CacheCommandError('syntax');
    }
    const stream = readStream(selectedDatabase(context), keyAt(args, 1), context.nowMs);
    if (stream === undefined) return emptyArray;
    if (count === 0n) return respNullArray;
    const items: RespValue[] = [];
    for (const entry of stream.range(start, end, reverse)) {
      items.push(entryReply(entry));
      if (BigInt(items.length) === count) break;
    }
    return { type: 'array', items };
  };
}

// ---------------------------------------------------------------------------------------------
// XREAD, XREADGROUP

/** Entries after `after`, as streamReplyWithRange with a group: the group advances and, unless NOACK, records them as pending for `consumer`. */
function deliverNew(
  context: CacheCommandContext,
  stream: CacheStream,
  after: StreamId,
  count: number,
  delivery: { group: StreamGroup; consumer: StreamConsumer; noAck: boolean } | null,
): RespValue[] {
  const items: RespValue[] = [];
  const start = nextStreamId(after);
  if (start === null) return items;
  for (const entry of stream.range(start, streamIdMax)) {
    if (delivery !== null) {
      stream.advanceGroup(delivery.group, entry.id);
      if (!delivery.noAck) recordDelivery(context, delivery.group, delivery.consumer, entry.id);
    }
    items.push(entryReply(entry));
    if (count > 0 && items.length === count) break;
  }
  return items;
}

/** A uint64 counter plus one, wrapping as Redis's does. */
function incrementCount(count: bigint): bigint {
  return BigInt.asUintN(64, count + 1n);
}

/** A uint64 counter as Redis replies it (addReplyLongLong: a signed 64-bit integer). */
function countReply(count: bigint): RespValue {
  return respInteger(BigInt.asIntN(64, count));
}

/** A new pending entry for `consumer`, or the existing one reassigned to it (after XGROUP SETID). */
function recordDelivery(context: CacheCommandContext, group: StreamGroup, consumer: StreamConsumer, id: StreamId): void {
  const existing = group.pending.find(id);
  if (existing === undefined) {
    const pending: StreamPendingEntry = { id, consumer, deliveryTimeMs: context.nowMs, deliveryCount: 1n };
    group.pending.insert(pending);
    consumer.pending.insert(pending);
  } else {
    existing.consumer?.pending.remove(id);
    existing.consumer = consumer;
    existing.deliveryTimeMs = context.nowMs;
    existing.deliveryCount = 1n;
    consumer.pending.insert(existing);
  }
  consumer.activeTimeMs = context.nowMs;
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's own pending entries from `start`. */
function deliverHistory(context: CacheCommandContext, stream: CacheStream, consumer: StreamConsumer, start: StreamId, count: number): RespValue[] {
  const items: RespValue[] = [];
  for (const pending of consumer.pending.from(start)) {
    if (count > 0 && items.length >= count) break;
    const entry = stream.entry(pending.id);
    if (entry === undefined) {
      items.push({ type: 'array', items: [idReply(pending.id), respNullArray] });
    } else {
      pending.deliveryTimeMs = context.nowMs;
      pending.deliveryCount = incrementCount(pending.deliveryCount);
      items.push(entryReply(entry));
    }
  }
  return items;
}

/** XREAD [COUNT count] [BLOCK ms] STREAMS key [key ...] id [id ...]; XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK] STREAMS ... */
function xreadGeneric(isGroupRead: boolean) {
  return (context: CacheCommandContext, args: Args): CacheCommandResult => {
    const commandName = isGroupRead ? 'xreadgroup' : 'xread';
    let timeoutAtMs: number | null | undefined;
    let blockArgument: Buffer | undefined;
    let count = 0n;
    let countGiven = false;
    let streamsIndex = 0;
    let streamCount = 0;
    let noAck = false;
    let groupName: Buffer | null = null;
    let consumerName: Buffer | null = null;
    for (let index = 1; index < args.length; index++) {
      const moreArgs = args.length - index - 1;
      const option = lower(args[index]);
      if (option === 'block' && moreArgs > 0) {
        index++;
        blockArgument = args[index] as Buffer;
        timeoutAtMs = parseBlockTimeoutMs(context, blockArgument);
      } else if (option === 'count' && moreArgs > 0) {
        index++;
        count = requireInt64(args[index] as Buffer);
        if (count < 0n) count = 0n;
        countGiven = true;
      } else if (option === 'streams' && moreArgs > 0) {
        streamsIndex = index + 1;
        streamCount = args.length - streamsIndex;
        if (streamCount % 2 !== 0) {
          const symbol = isGroupRead ? '>' : '$';
          throw message(`Unbalanced '${commandName}' list of streams: for each stream key an ID or '${symbol}' must be specified.`);
        }
        streamCount /= 2;
        break;
      } else if (option === 'group' && moreArgs >= 2) {
        if (!isGroupRead) throw message('The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
        groupName = args[index + 1] as Buffer;
        consumerName = args[index + 2] as Buffer;
        index += 2;
      } else if (option === 'noack') {
        if (!isGroupRead) throw message('The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
        noAck = true;
      } else throw new CacheCommandError('syntax');
    }
    if (streamsIndex === 0) throw new CacheCommandError('syntax');
    if (isGroupRead && groupName === null) throw message('Missing GROUP option for XREADGROUP');
    const database = selectedDatabase(context);
    const keys: KeyText[] = [];
    const afterIds: StreamId[] = [];
    const groups: (StreamGroup | null)[] = [];
    /** `>`: new entries for the group. */
    const readsNew: boolean[] = [];
    for (let index = 0; index < streamCount; index++) {
      const keyArgument = args[streamsIndex + index] as Buffer;
      const key = keyAt(args, streamsIndex + index);
      const idArgument = args[streamsIndex + streamCount + index] as Buffer;
      const stream = readStream(database, key, context.nowMs);
      let group: StreamGroup | null = null;
      if (groupName !== null) {
        group = stream?.group(groupName) ?? null;
        if (group === null) {
          throw noGroup(`No such key '${cText(keyArgument)}' or consumer group '${cText(groupName)}' in XREADGROUP with GROUP option`);
        }
      }
      keys.push(key);
      groups.push(group);
      const text = idArgument.length === 1 ? String.fromCharCode(idArgument[0] as number) : '';
      if (text === '$') {
        if (isGroupRead) {
          throw message(
            'The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
          );
        }
        afterIds.push(stream?.lastId ?? streamIdZero);
        readsNew.push(false);
      } else if (text === '>') {
        if (!isGroupRead) throw message('The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
        afterIds.push(streamIdMax);
        readsNew.push(true);
      } else {
        const id = parseStrictStreamId(idArgument);
        afterIds.push(id);
        // Redis tells `>` apart only by its value, the largest ID: given explicitly, it reads new entries too.
        readsNew.push(isGroupRead && compareStreamIds(id, streamIdMax) === 0);
      }
    }
    const replies: (readonly [RespValue, RespValue])[] = [];
    const servedCount = Number(count > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : count);
    for (let index = 0; index < streamCount; index++) {
      const stream = readStream(database, keys[index] as KeyText, context.nowMs);
      if (stream === undefined) continue;
      const group = groups[index] as StreamGroup | null;
      const keyReply = respBulkString(args[streamsIndex + index] as Buffer);
      if (group !== null) {
        const consumer = consumerOrCreate(database, keys[index] as KeyText, group, consumerName as Buffer, context.nowMs);
        consumer.seenTimeMs = context.nowMs;
        if (!readsNew[index]) {
          const start = nextStreamId(afterIds[index] as StreamId) ?? streamIdMax;
          replies.push([keyReply, { type: 'array', items: deliverHistory(context, stream, consumer, start, servedCount) }]);
          continue;
        }
        if (stream.length > 0 && compareStreamIds(stream.edgeId(false), group.lastId) > 0) {
          const items = deliverNew(context, stream, group.lastId, servedCount, { group, consumer, noAck });
          replies.push([keyReply, { type: 'array', items }]);
        }
        continue;
      }
      if (stream.length > 0 && compareStreamIds(stream.edgeId(false), afterIds[index] as StreamId) > 0) {
        replies.push([keyReply, { type: 'array', items: deliverNew(context, stream, afterIds[index] as StreamId, servedCount, null) }]);
      }
    }
    if (groupName !== null) for (const key of new Set(keys)) selectedDatabase(context).resized(key);
    if (replies.length > 0) {
      if (context.protocolVersion === 3) return { type: 'map', entries: replies };
      return { type: 'array', items: replies.map(([key, entries]) => ({ type: 'array', items: [key, entries] })) };
    }
    if (timeoutAtMs === undefined) return respNullArray;
    // Blocked: the re-run (when a key changes) reads after the IDs resolved now, `$` included.
    const retryArgs: Buffer[] = [args[0] as Buffer];
    if (groupName !== null) retryArgs.push(Buffer.from('GROUP'), groupName, consumerName as Buffer);
    if (noAck) retryArgs.push(Buffer.from('NOACK'));
    retryArgs.push(Buffer.from('COUNT'), Buffer.from(String(countGiven && count > 0n ? count : BigInt(blockedReadCountDefault))));
    retryArgs.push(Buffer.from('BLOCK'), blockArgument as Buffer, Buffer.from('STREAMS'));
    for (let index = 0; index < streamCount; index++) retryArgs.push(args[streamsIndex + index] as Buffer);
    for (let index = 0; index < streamCount; index++) {
      retryArgs.push(readsNew[index] === true ? Buffer.from('>') : Buffer.from(formatStreamId(afterIds[index] as StreamId)));
    }
    return blockOrTimeoutReply(context, { keys: [...new Set(keys)], timeoutAtMs, timeoutReply: respNullArray, retryArgs, waitsForType: 'stream', servedOnAnyChange: isGroupRead });
  };
}

/** getTimeoutFromObjectOrReply in milliseconds: 0 blocks forever (null). */
function parseBlockTimeoutMs(context: CacheCommandContext, argument: Buffer): number | null {
  const value = int64Argument(argument, 'timeout is not an integer or out of range');
  if (value < 0n) throw message('timeout is negative');
  if (value === 0n) return null;
  if (value > int64Max - BigInt(Math.floor(context.nowMs))) throw message('timeout is out of range');
  // Past 2^53 ms (285,000 years) a deadline is as good as never, and is kept exact as that.
  if (value > BigInt(Number.MAX_SAFE_INTEGER) - BigInt(Math.ceil(context.nowMs))) return Number.MAX_SAFE_INTEGER;
  return context.nowMs + Number(value);
}

// ---------------------------------------------------------------------------------------------
// XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, XSETID

const xgroupHelp = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  '      Set the group\'s entries_read counter (internal use).',
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Print this help.',
];

const xinfoHelp = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Print this help.',
];

function helpReply(lines: readonly string[]): RespValue {
  return { type: 'array', items: lines.map((value) => ({ type: 'simple-string', value })) };
}

/** Subcommand name → its arity (Redis 7's subcommand table: n exact, -n at least n). */
const xgroupArity: Readonly<Record<string, number>> = { create: -5, setid: -5, destroy: 4, createconsumer: 5, delconsumer: 5, help: 2 };
const xinfoArity: Readonly<Record<string, number>> = { consumers: 4, groups: 3, stream: -3, help: 2 };

function checkSubcommand(command: string, arities: Readonly<Record<string, number>>, args: Args): string {
  const subcommand = lower(args[1]);
  const arity = arities[subcommand];
  if (arity === undefined) throw message(`unknown subcommand '${cText(argumentAt(args, 1)).slice(0, 128)}'. Try ${command.toUpperCase()} HELP.`);
  if (arity > 0 ? args.length !== arity : args.length < -arity) throw new CacheCommandError('wrong-arity', `${command}|${subcommand}`);
  return subcommand;
}

function parseEntriesRead(argument: Buffer): bigint {
  const value = requireInt64(argument);
  if (value < 0n && value !== entriesReadInvalid) throw message('value for ENTRIESREAD must be positive or -1');
  return value;
}

function xgroup(context: CacheCommandContext, args: Args): RespValue {
  const subcommand = checkSubcommand('xgroup', xgroupArity, args);
  if (subcommand === 'help') return helpReply(xgroupHelp);
  let makeStream = false;
  let entriesRead = entriesReadInvalid;
  if (subcommand === 'create') {
    if (args.length > 8) throw message(`unknown subcommand or wrong number of arguments for '${cText(argumentAt(args, 1))}'. Try XGROUP HELP.`);
    for (let index = 5; index < args.length; index++) {
      const option = lower(args[index]);
      if (option === 'mkstream') makeStream = true;
      else if (option === 'entriesread' && index + 1 < args.length) {
        entriesRead = parseEntriesRead(args[index + 1] as Buffer);
        index++;
      } else throw message(`unknown subcommand or wrong number of arguments for '${cText(argumentAt(args, 1))}'. Try XGROUP HELP.`);
    }
  }
  const database = selectedDatabase(context);
  const key = keyAt(args, 2);
  const keyArgument = argumentAt(args, 2);
  const groupName = argumentAt(args, 3);
  let stream = readStream(database, key, context.nowMs);
  if (!makeStream) {
    if (stream === undefined) {
      throw message('The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.');
    }
  }
  const group = stream?.group(groupName);
  if (!makeStream && group === undefined && ['setid', 'createconsumer', 'delconsumer'].includes(subcommand)) {
    throw noGroup(`No such consumer group '${cText(groupName)}' for key name '${cText(keyArgument)}'`);
  }
  switch (subcommand) {
    case 'create': {
      const idArgument = argumentAt(args, 4);
      const id = idArgument.length === 1 && idArgument[0] === 0x24 ? (stream?.lastId ?? streamIdZero) : parseStrictStreamId(idArgument);
      const isNew = stream === undefined;
      stream ??= new CacheStream();
      if (stream.createGroup(groupName, id, entriesRead) === null) throw new CacheCommandError('stream-busy-group');
      if (isNew) database.set({ key, value: { type: 'stream', stream }, expireAtMs: null, keepExpiry: false });
      else {
        database.resized(key);
        database.notifyKeyEvent(key, 't', 'xgroup-create');
      }
      return respOk;
    }
    case 'setid': {
      if (args.length !== 5 && args.length !== 7) throw message(`unknown subcommand or wrong number of arguments for '${cText(argumentAt(args, 1))}'. Try XGROUP HELP.`);
      const idArgument = argumentAt(args, 4);
      const id = idArgument.length === 1 && idArgument[0] === 0x24 ? (stream as CacheStream).lastId : parseStreamId(idArgument, { strict: false, missingSeq: 0n }).id;
      if (args.length === 7) {
        if (lower(args[5]) !== 'entriesread') throw message(`unknown subcommand or wrong number of arguments for '${cText(argumentAt(args, 1))}'. Try XGROUP HELP.`);
        entriesRead = parseEntriesRead(argumentAt(args, 6));
      }
      (group as StreamGroup).lastId = id;
      (group as StreamGroup).entriesRead = entriesRead;
      database.notifyKeyEvent(key, 't', 'xgroup-setid');
      return respOk;
    }
    case 'destroy':
      if (stream === undefined || group === undefined) return respInteger(0);
      stream.deleteGroup(groupName);
      // Clients blocked in XREADGROUP on this group are woken (and told NOGROUP by their re-run).
      database.modified(key);
      return respInteger(1);
    case 'createconsumer':
      if ((group as StreamGroup).createConsumer(argumentAt(args, 4), context.nowMs) === null) return respInteger(0);
      database.resized(key);
      database.notifyKeyEvent(key, 't', 'xgroup-createconsumer');
      return respInteger(1);
    default: {
      const consumer = (group as StreamGroup).consumer(argumentAt(args, 4));
      if (consumer === undefined) return respInteger(0);
      const pendingCount = (group as StreamGroup).deleteConsumer(consumer);
      database.resized(key);
      database.notifyKeyEvent(key, 't', 'xgroup-delconsumer');
      return respInteger(pendingCount);
    }
  }
}

/** XACK key group id [id ...] */
function xack(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const stream = readStream(database, key, context.nowMs);
  const group = stream?.group(argumentAt(args, 2));
  if (group === undefined) return respInteger(0);
  const ids = args.slice(3).map((argument) => parseStrictStreamId(argument));
  let acknowledged = 0;
  for (const id of ids) if (group.acknowledge(id)) acknowledged++;
  if (acknowledged > 0) database.resized(key);
  return respInteger(acknowledged);
}

/** The named consumer, created (and reported as `xgroup-createconsumer`, as streamCreateConsumer does) if new. */
function consumerOrCreate(database: CacheDatabase, key: KeyText, group: StreamGroup, name: Buffer, nowMs: number): StreamConsumer {
  const existing = group.consumer(name);
  if (existing !== undefined) return existing;
  database.notifyKeyEvent(key, 't', 'xgroup-createconsumer');
  return group.createConsumer(name, nowMs) as StreamConsumer;
}

function lookupGroupOrThrow(context: CacheCommandContext, args: Args): { stream: CacheStream; group: StreamGroup; key: KeyText } {
  const key = keyAt(args, 1);
  const stream = readStream(selectedDatabase(context), key, context.nowMs);
  const group = stream?.group(argumentAt(args, 2));
  if (stream === undefined || group === undefined) {
    throw noGroup(`No such key '${cText(argumentAt(args, 1))}' or consumer group '${cText(argumentAt(args, 2))}'`);
  }
  return { stream, group, key };
}

/** XPENDING key group [[IDLE min-idle-time] start end count [consumer]] */
function xpending(context: CacheCommandContext, args: Args): RespValue {
  if (args.length !== 3 && (args.length < 6 || args.length > 9)) throw new CacheCommandError('syntax');
  let range: { start: StreamId; end: StreamId } | null = null;
  let count = 0n;
  let minIdleMs = 0n;
  let consumerName: Buffer | null = null;
  if (args.length >= 6) {
    let startIndex = 3;
    if (lower(args[3]) === 'idle') {
      minIdleMs = requireInt64(argumentAt(args, 4));
      if (args.length < 8) throw new CacheCommandError('syntax');
      startIndex += 2;
    }
    count = requireInt64(argumentAt(args, startIndex + 2));
    if (count < 0n) count = 0n;
    range = parseRange(argumentAt(args, startIndex), argumentAt(args, startIndex + 1));
    if (startIndex + 3 < args.length) consumerName = args[startIndex + 3] as Buffer;
  }
  const { group } = lookupGroupOrThrow(context, args);
  if (range === null) {
    const first = group.pending.first();
    const last = group.pending.last();
    if (first === undefined || last === undefined) return { type: 'array', items: [respInteger(0), respNullBulk, respNullBulk, respNullArray] };
    const owners = group
      .consumers()
      .filter((consumer) => consumer.pending.size > 0)
      .map((consumer): RespValue => ({ type: 'array', items: [respBulkString(consumer.name), respBulkString(String(consumer.pending.size))] }));
    return { type: 'array', items: [respInteger(group.pending.size), idReply(first.id), idReply(last.id), { type: 'array', items: owners }] };
  }
  let list = group.pending;
  if (consumerName !== null) {
    const consumer = group.consumer(consumerName);
    if (consumer === undefined) return emptyArray;
    list = consumer.pending;
  }
  const items: RespValue[] = [];
  for (const pending of list.from(range.start)) {
    if (count === 0n || compareStreamIds(pending.id, range.end) > 0) break;
    const idleMs = context.nowMs - pending.deliveryTimeMs;
    if (minIdleMs !== 0n && BigInt(Math.floor(idleMs)) < minIdleMs) continue;
    count--;
    items.push({
      type: 'array',
      items: [idReply(pending.id), respBulkString((pending.consumer as StreamConsumer).name), respInteger(Math.max(0, idleMs)), countReply(pending.deliveryCount)],
    });
  }
  return { type: 'array', items };
}

/** Moves a pending entry to `consumer` (XCLAIM, XAUTOCLAIM). */
function claim(pending: StreamPendingEntry, consumer: StreamConsumer): void {
  if (pending.consumer === consumer) return;
  pending.consumer?.pending.remove(pending.id);
  consumer.pending.insert(pending);
  pending.consumer = consumer;
}

/** XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME unix-time-ms] [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id] */
function xclaim(context: CacheCommandContext, args: Args): RespValue {
  const { stream, group, key } = lookupGroupOrThrow(context, args);
  let minIdleMs = int64Argument(argumentAt(args, 4), 'Invalid min-idle-time argument for XCLAIM');
  if (minIdleMs < 0n) minIdleMs = 0n;
  const ids: StreamId[] = [];
  let index = 5;
  for (; index < args.length; index++) {
    try {
      ids.push(parseStrictStreamId(args[index] as Buffer));
    } catch {
      break;
    }
  }
  const nowMs = context.nowMs;
  let deliveryTimeMs: bigint | null = null;
  let retryCount: bigint | null = null;
  let force = false;
  let justId = false;
  let lastId = streamIdZero;
  for (; index < args.length; index++) {
    const moreArgs = args.length - 1 - index;
    const option = lower(args[index]);
    if (option === 'force') force = true;
    else if (option === 'justid') justId = true;
    else if (option === 'idle' && moreArgs > 0) {
      index++;
      deliveryTimeMs = BigInt(Math.floor(nowMs)) - int64Argument(args[index] as Buffer, 'Invalid IDLE option argument for XCLAIM');
    } else if (option === 'time' && moreArgs > 0) {
      index++;
      deliveryTimeMs = int64Argument(args[index] as Buffer, 'Invalid TIME option argument for XCLAIM');
    } else if (option === 'retrycount' && moreArgs > 0) {
      index++;
      retryCount = int64Argument(args[index] as Buffer, 'Invalid RETRYCOUNT option argument for XCLAIM');
    } else if (option === 'lastid' && moreArgs > 0) {
      index++;
      lastId = parseStrictStreamId(args[index] as Buffer);
    } else throw message(`Unrecognized XCLAIM option '${cText(args[index] as Buffer)}'`);
  }
  if (compareStreamIds(lastId, group.lastId) > 0) group.lastId = lastId;
  const deliveryTime =
    deliveryTimeMs === null || deliveryTimeMs < 0n || deliveryTimeMs > BigInt(Math.floor(nowMs)) ? nowMs : Number(deliveryTimeMs);
  const consumer = consumerOrCreate(selectedDatabase(context), key, group, argumentAt(args, 3), nowMs);
  consumer.seenTimeMs = nowMs;
  const items: RespValue[] = [];
  for (const id of ids) {
    let pending = group.pending.find(id);
    const entry = stream.entry(id);
    if (entry === undefined) {
      // Gone from the stream (XDEL, XTRIM): the pending entry goes too.
      if (pending !== undefined) group.acknowledge(id);
      continue;
    }
    if (force && pending === undefined) {
      const forced: StreamPendingEntry = { id, consumer: null, deliveryTimeMs: nowMs, deliveryCount: 1n };
      group.pending.insert(forced);
      pending = forced;
    }
    if (pending === undefined) continue;
    if (pending.consumer !== null && minIdleMs > 0n && BigInt(Math.floor(nowMs - pending.deliveryTimeMs)) < minIdleMs) continue;
    claim(pending, consumer);
    pending.deliveryTimeMs = deliveryTime;
    if (retryCount !== null && retryCount >= 0n) pending.deliveryCount = retryCount;
    else if (!justId) pending.deliveryCount = incrementCount(pending.deliveryCount);
    items.push(justId ? idReply(id) : entryReply(entry));
    consumer.activeTimeMs = nowMs;
  }
  selectedDatabase(context).resized(key);
  return { type: 'array', items };
}

/** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] */
function xautoclaim(context: CacheCommandContext, args: Args): RespValue {
  let minIdleMs = int64Argument(argumentAt(args, 4), 'Invalid min-idle-time argument for XAUTOCLAIM');
  if (minIdleMs < 0n) minIdleMs = 0n;
  const startBound = parseStreamIntervalId(argumentAt(args, 5), 0n);
  let start = startBound.id;
  if (startBound.exclusive) {
    const next = nextStreamId(start);
    if (next === null) throw message('invalid start ID for the interval');
    start = next;
  }
  let count = 100;
  let justId = false;
  // LONG_MAX / max(sizeof(streamID), attempts factor), as Redis bounds it.
  const countMax = int64Max / 16n;
  for (let index = 6; index < args.length; index++) {
    const moreArgs = args.length - 1 - index;
    const option = lower(args[index]);
    if (option === 'count' && moreArgs > 0) {
      const value = int64Argument(args[index + 1] as Buffer, 'COUNT must be > 0');
      if (value < 1n || value > countMax) throw message('COUNT must be > 0');
      // Bounded by the PEL below; a huge COUNT costs nothing up front.
      count = Number(value);
      index++;
    } else if (option === 'justid') justId = true;
    else throw new CacheCommandError('syntax');
  }
  const { stream, group, key } = lookupGroupOrThrow(context, args);
  const nowMs = context.nowMs;
  const consumer = consumerOrCreate(selectedDatabase(context), key, group, argumentAt(args, 3), nowMs);
  consumer.seenTimeMs = nowMs;
  let attempts = count * autoclaimAttemptsFactor;
  const claimed: RespValue[] = [];
  const deletedIds: RespValue[] = [];
  // `cursor`: the next PEL entry to look at (a lookup per step, so removals along the way are safe).
  let cursor: StreamPendingEntry | undefined = group.pending.firstFrom(start);
  const advance = (pending: StreamPendingEntry): StreamPendingEntry | undefined => {
    const after = nextStreamId(pending.id);
    return after === null ? undefined : group.pending.firstFrom(after);
  };
  while (attempts > 0 && count > 0 && cursor !== undefined) {
    attempts--;
    const pending: StreamPendingEntry = cursor;
    const entry = stream.entry(pending.id);
    cursor = advance(pending);
    if (entry === undefined) {
      group.acknowledge(pending.id);
      deletedIds.push(idReply(pending.id));
      count--;
      continue;
    }
    if (minIdleMs > 0n && BigInt(Math.floor(nowMs - pending.deliveryTimeMs)) < minIdleMs) continue;
    claim(pending, consumer);
    pending.deliveryTimeMs = nowMs;
    if (!justId) pending.deliveryCount = incrementCount(pending.deliveryCount);
    claimed.push(justId ? idReply(pending.id) : entryReply(entry));
    count--;
    consumer.activeTimeMs = nowMs;
  }
  const next = cursor;
  selectedDatabase(context).resized(key);
  return { type: 'array', items: [idReply(next === undefined ? streamIdZero : next.id), { type: 'array', items: claimed }, { type: 'array', items: deletedIds }] };
}

/** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
function xsetid(context: CacheCommandContext, args: Args): RespValue {
  const id = parseStrictStreamId(argumentAt(args, 2));
  let entriesAdded = -1n;
  let maxDeletedId = streamIdZero;
  for (let index = 3; index < args.length; index += 2) {
    const moreArgs = args.length - 1 - index;
    const option = lower(args[index]);
    if (option === 'entriesadded' && moreArgs > 0) {
      entriesAdded = requireInt64(args[index + 1] as Buffer);
      if (entriesAdded < 0n) throw message('entries_added must be positive');
    } else if (option === 'maxdeletedid' && moreArgs > 0) {
      maxDeletedId = parseStrictStreamId(args[index + 1] as Buffer);
      if (compareStreamIds(id, maxDeletedId) < 0) throw message('The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
    } else throw new CacheCommandError('syntax');
  }
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const stream = readStream(database, key, context.nowMs);
  if (stream === undefined) throw new CacheCommandError('no-such-key');
  if (compareStreamIds(id, stream.maxDeletedId) < 0) throw message('The ID specified in XSETID is smaller than current max_deleted_entry_id');
  if (stream.length > 0) {
    if (compareStreamIds(id, stream.edgeId(false)) < 0) throw message('The ID specified in XSETID is smaller than the target stream top item');
    if (entriesAdded !== -1n && BigInt(stream.length) > entriesAdded) throw message('The entries_added specified in XSETID is smaller than the target stream length');
  }
  stream.lastId = id;
  if (entriesAdded !== -1n) stream.entriesAdded = entriesAdded;
  if (!isZeroStreamId(maxDeletedId)) stream.maxDeletedId = maxDeletedId;
  database.modified(key);
  return respOk;
}

// ---------------------------------------------------------------------------------------------
// XINFO

function field(name: string, value: RespValue): readonly [RespValue, RespValue] {
  return [respBulkString(name), value];
}

function integerOrNull(value: bigint | null): RespValue {
  return value === null ? respNullBulk : respInteger(value);
}

function xinfo(context: CacheCommandContext, args: Args): RespValue {
  const subcommand = checkSubcommand('xinfo', xinfoArity, args);
  if (subcommand === 'help') return helpReply(xinfoHelp);
  const keyArgument = argumentAt(args, 2);
  const stream = readStream(selectedDatabase(context), keyAt(args, 2), context.nowMs);
  if (stream === undefined) throw new CacheCommandError('no-such-key');
  const nowMs = context.nowMs;
  if (subcommand === 'consumers') {
    const group = stream.group(argumentAt(args, 3));
    if (group === undefined) throw noGroup(`No such consumer group '${cText(argumentAt(args, 3))}' for key name '${cText(keyArgument)}'`);
    return {
      type: 'array',
      items: group.consumers().map((consumer) => ({
        type: 'map' as const,
        entries: [
          field('name', respBulkString(consumer.name)),
          field('pending', respInteger(consumer.pending.size)),
          field('idle', respInteger(Math.max(0, nowMs - consumer.seenTimeMs))),
          field('inactive', respInteger(consumer.activeTimeMs === -1 ? -1 : nowMs - consumer.activeTimeMs)),
        ],
      })),
    };
  }
  if (subcommand === 'groups') {
    return {
      type: 'array',
      items: stream.groups().map((group) => ({
        type: 'map' as const,
        entries: [
          field('name', respBulkString(group.name)),
          field('consumers', respInteger(group.consumerCount)),
          field('pending', respInteger(group.pending.size)),
          field('last-delivered-id', idReply(group.lastId)),
          field('entries-read', integerOrNull(group.entriesRead === entriesReadInvalid ? null : group.entriesRead)),
          field('lag', integerOrNull(stream.lagOf(group))),
        ],
      })),
    };
  }
  return streamInfo(stream, args);
}

/** xinfoReplyWithStreamInfo: XINFO STREAM key [FULL [COUNT count]] */
function streamInfo(stream: CacheStream, args: Args): RespValue {
  let full = false;
  let count = 10n;
  const optionError = (): CacheCommandError => message(`unknown subcommand or wrong number of arguments for '${cText(argumentAt(args, 1))}'. Try XINFO HELP.`);
  if (args.length > 3) {
    if (lower(args[3]) !== 'full') throw optionError();
    full = true;
    if (args.length > 4) {
      if (args.length !== 6 || lower(args[4]) !== 'count') throw optionError();
      count = requireInt64(argumentAt(args, 5));
      if (count < 0n) count = 10n;
    }
  }
  const entries: (readonly [RespValue, RespValue])[] = [
    field('length', respInteger(stream.length)),
    field('radix-tree-keys', respInteger(stream.nodeCount)),
    // Redis counts its radix tree's inner nodes; this model has none, so it reports one per key plus the root.
    field('radix-tree-nodes', respInteger(stream.nodeCount + 1)),
    field('last-generated-id', idReply(stream.lastId)),
    field('max-deleted-entry-id', idReply(stream.maxDeletedId)),
    field('entries-added', countReply(stream.entriesAdded)),
    field('recorded-first-entry-id', idReply(stream.firstId)),
  ];
  const limit = (seen: number): boolean => count !== 0n && BigInt(seen) >= count;
  if (!full) {
    let first: RespValue = respNullBulk;
    let last: RespValue = respNullBulk;
    for (const entry of stream.range(streamIdZero, streamIdMax)) {
      first = entryReply(entry);
      break;
    }
    for (const entry of stream.range(streamIdZero, streamIdMax, true)) {
      last = entryReply(entry);
      break;
    }
    entries.push(field('groups', respInteger(stream.groupCount)), field('first-entry', first), field('last-entry', last));
    return { type: 'map', entries };
  }
  const streamEntries: RespValue[] = [];
  for (const entry of stream.range(streamIdZero, streamIdMax)) {
    if (limit(streamEntries.length)) break;
    streamEntries.push(entryReply(entry));
  }
  const groups = stream.groups().map((group): RespValue => {
    const groupPending: RespValue[] = [];
    for (const pending of group.pending.values()) {
      if (limit(groupPending.length)) break;
      groupPending.push({
        type: 'array',
        items: [idReply(pending.id), respBulkString(pending.consumer?.name ?? ''), respInteger(pending.deliveryTimeMs), countReply(pending.deliveryCount)],
      });
    }
    const consumers = group.consumers().map((consumer): RespValue => {
      const consumerPending: RespValue[] = [];
      for (const pending of consumer.pending.values()) {
        if (limit(consumerPending.length)) break;
        consumerPending.push({ type: 'array', items: [idReply(pending.id), respInteger(pending.deliveryTimeMs), countReply(pending.deliveryCount)] });
      }
      return {
        type: 'map',
        entries: [
          field('name', respBulkString(consumer.name)),
          field('seen-time', respInteger(consumer.seenTimeMs)),
          field('active-time', respInteger(consumer.activeTimeMs)),
          field('pel-count', respInteger(consumer.pending.size)),
          field('pending', { type: 'array', items: consumerPending }),
        ],
      };
    });
    return {
      type: 'map',
      entries: [
        field('name', respBulkString(group.name)),
        field('last-delivered-id', idReply(group.lastId)),
        field('entries-read', integerOrNull(group.entriesRead === entriesReadInvalid ? null : group.entriesRead)),
        field('lag', integerOrNull(stream.lagOf(group))),
        field('pel-count', respInteger(group.pending.size)),
        field('pending', { type: 'array', items: groupPending }),
        field('consumers', { type: 'array', items: consumers }),
      ],
    };
  });
  entries.push(field('entries', { type: 'array', items: streamEntries }), field('groups', { type: 'array', items: groups }));
  return { type: 'map', entries };
}

/** Flags as Redis 7's command table (`blocking` and `movablekeys` are not modelled). */
export const cacheStreamCommands: readonly CacheCommandSpec[] = [
  { name: 'xadd', arity: -5, flags: ['write', 'denyoom', 'fast'], handler: xadd },
  { name: 'xtrim', arity: -4, flags: ['write'], handler: xtrim },
  { name: 'xlen', arity: 2, flags: ['readonly', 'fast'], handler: xlen },
  { name: 'xdel', arity: -3, flags: ['write', 'fast'], handler: xdel },
  { name: 'xrange', arity: -4, flags: ['readonly'], handler: xrangeGeneric(false) },
  { name: 'xrevrange', arity: -4, flags: ['readonly'], handler: xrangeGeneric(true) },
  { name: 'xread', arity: -4, flags: ['readonly'], handler: xreadGeneric(false) },
  { name: 'xreadgroup', arity: -7, flags: ['write'], handler: xreadGeneric(true) },
  { name: 'xgroup', arity: -2, flags: [], handler: xgroup },
  { name: 'xack', arity: -4, flags: ['write', 'fast'], handler: xack },
  { name: 'xpending', arity: -3, flags: ['readonly'], handler: xpending },
  { name: 'xclaim', arity: -6, flags: ['write', 'fast'], handler: xclaim },
  { name: 'xautoclaim', arity: -6, flags: ['write', 'fast'], handler: xautoclaim },
  { name: 'xsetid', arity: -3, flags: ['write', 'denyoom', 'fast'], handler: xsetid },
  { name: 'xinfo', arity: -2, flags: [], handler: xinfo },
];

export { invalidStreamId };
