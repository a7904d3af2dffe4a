/**
 * The operational commands tools use to watch a server: MONITOR (replication.c / networking.c),
 * SLOWLOG (slowlog.c), MEMORY (object.c memoryCommand) and LATENCY (latency.c). Texts and reply
 * shapes follow Redis 7; what they report comes from the engine's own records.
 */
import { CacheCommandError } from './cache-command-errors.js';
import { type CacheServerCommandContext, type CacheServerCommandSpec, type CacheMultiReply } from './cache-engine.js';
import { arityAllows, type CacheCommandResult } from './cache-command-context.js';
import { commandMetadata } from './cache-command-metadata.js';
import { parseInt64 } from './cache-number.js';
import { type CacheSlowlogEntry } from './cache-slowlog.js';
import { cacheDatabaseCount, keyTextFromBytes } from './cache-keyspace.js';
import { memoryDoctorReport, memoryStatsOf, type CacheMemoryFacts } from './cache-memory-report.js';
import { type CacheEngine } from './cache-engine.js';
import { respBulkString, respInteger, respOk, type RespValue } from './resp-value.js';

type Handler = (context: CacheServerCommandContext, args: readonly Buffer[]) => CacheCommandResult | CacheMultiReply;

const noReply: CacheMultiReply = { type: 'multi-reply', replies: [] };

/**
 * MONITOR: the client gets a line per command from now on. Inside MULTI it cannot (Redis refuses
 * clients that must get one reply per command); a client already monitoring gets no reply at all.
 */
const monitor: Handler = (context) => {
  if (!context.blockingAllowed) throw new CacheCommandError('message', "MONITOR isn't allowed for DENY BLOCKING client");
  if (context.client.isMonitor) return noReply;
  context.engine.startMonitoring(context.client);
  return respOk;
};

function simple(value: string): RespValue {
  return { type: 'simple-string', value };
}

function array(items: readonly RespValue[]): RespValue {
  return { type: 'array', items: [...items] };
}

/** addReplyHelp: the title line, then the command's own lines, then HELP's. */
function helpReply(command: string, lines: readonly string[]): RespValue {
  const title = `${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`;
  return array([title, ...lines, 'HELP', '    Prints this help.'].map(simple));
}

/**
 * What Redis's processCommand checks for a container before running it: the subcommand exists
 * (`unknown subcommand 'x'. Try SLOWLOG HELP.`) and gets its argument count. Returns the lower-case
 * subcommand name.
 */
function subcommandOf(container: string, args: readonly Buffer[]): string {
  const subcommand = (args[1] as Buffer).toString('latin1');
  const metadata = commandMetadata(`${container}|${subcommand}`);
  if (metadata === undefined) {
    const shown = subcommand.slice(0, 128);
    throw new CacheCommandError('message', `unknown subcommand '${shown}'. Try ${(args[0] as Buffer).toString('latin1').toUpperCase()} HELP.`);
  }
  if (!arityAllows(metadata.arity, args)) throw new CacheCommandError('wrong-arity', metadata.name);
  return subcommand.toLowerCase();
}

/** addReplySubcommandSyntaxError: a known subcommand with arguments its handler does not take. */
function subcommandSyntaxError(args: readonly Buffer[]): CacheCommandError {
  const subcommand = (args[1] as Buffer).toString('latin1').slice(0, 128);
  const command = (args[0] as Buffer).toString('latin1').toUpperCase();
  return new CacheCommandError('message', `unknown subcommand or wrong number of arguments for '${subcommand}'. Try ${command} HELP.`);
}

const slowlogHelp = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

function slowlogEntryReply(entry: CacheSlowlogEntry): RespValue {
  return array([
    respInteger(entry.id),
    respInteger(entry.unixSeconds),
    respInteger(entry.durationMicros),
    array(entry.args.map((argument) => respBulkString(argument))),
    respBulkString(entry.clientAddress),
    respBulkString(entry.clientName),
  ]);
}

/** SLOWLOG GET [count] / LEN / RESET / HELP (slowlog.c slowlogCommand). */
const slowlog: Handler = (context, args) => {
  const log = context.engine.slowlog;
  switch (subcommandOf('slowlog', args)) {
    case 'help':
      return helpReply('SLOWLOG', slowlogHelp);
    case 'len':
      return respInteger(log.length);
    case 'reset':
      log.reset();
      return respOk;
    case 'get': {
      let count = 10;
      if (args.length === 3) {
        // getRangeLongFromObjectOrReply(-1, LONG_MAX): one text for both a non-number and a range miss.
        const parsed = parseInt64(args[2] as Buffer);
        if (parsed === null || parsed < -1n) throw new CacheCommandError('message', 'count should be greater than or equal to -1');
        count = parsed === -1n ? log.length : Number(parsed > BigInt(log.length) ? log.length : parsed);
      } else if (args.length > 3) {
        // slowlogCommand accepts GET with 2 or 3 arguments and falls through to its syntax error.
        throw subcommandSyntaxError(args);
      }
      return array(log.newest(count).map(slowlogEntryReply));
    }
    default:
      throw subcommandSyntaxError(args);
  }
};

const memoryHelp = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

function memoryFactsOf(engine: CacheEngine): CacheMemoryFacts {
  let clientsBytes = 0;
  for (const client of engine.clients.values()) clientsBytes += client.sink.pendingOutputBytes + (client.transaction?.queuedBytes ?? 0);
  const keysByDatabase: { databaseIndex: number; keyCount: number }[] = [];
  for (let databaseIndex = 0; databaseIndex < cacheDatabaseCount; databaseIndex++) {
    const keyCount = engine.keyspace.database(databaseIndex).size;
    if (keyCount > 0) keysByDatabase.push({ databaseIndex, keyCount });
  }
  return {
    usedBytes: engine.keyspace.usedMemoryBytes,
    peakBytes: engine.usedMemoryPeakBytes,
    clientsBytes,
    clientCount: engine.clients.size,
    residentBytes: engine.host.residentMemoryBytes(),
    keysByDatabase,
  };
}

function memoryStatsReply(engine: CacheEngine): RespValue {
  const entries: [RespValue, RespValue][] = memoryStatsOf(memoryFactsOf(engine)).fields.map(([name, value]) => {
    let reply: RespValue;
    if ('integer' in value) reply = respInteger(value.integer);
    else if ('double' in value) reply = { type: 'double', value: value.double };
    else reply = { type: 'map', entries: value.map.map(([field, bytes]) => [respBulkString(field), respInteger(bytes)] as [RespValue, RespValue]) };
    return [respBulkString(name), reply];
  });
  return { type: 'map', entries };
}

/**
 * MEMORY USAGE key [SAMPLES n]: the keyspace's estimate for the entry (its fixed overhead, key and
 * value bytes), kept up to date as the value changes, so SAMPLES is checked as Redis checks it and
 * has nothing to sample.
 */
function memoryUsage(context: CacheServerCommandContext, args: readonly Buffer[]): RespValue {
  for (let index = 3; index < args.length; index++) {
    const option = (args[index] as Buffer).toString('latin1').toLowerCase();
    if (option !== 'samples' || index + 1 >= args.length) throw new CacheCommandError('syntax');
    const samples = parseInt64(args[index + 1] as Buffer);
    if (samples === null) throw new CacheCommandError('not-integer');
    if (samples < 0n) throw new CacheCommandError('syntax');
    index++;
  }
  const entry = context.keyspace.database(context.client.databaseIndex).peek(keyTextFromBytes(args[2] as Buffer), context.nowMs);
  return entry === undefined ? { type: 'null-bulk' } : respInteger(entry.sizeBytes);
}

/** MEMORY USAGE/STATS/DOCTOR/MALLOC-STATS/PURGE/HELP (object.c memoryCommand). */
const memory: Handler = (context, args) => {
  switch (subcommandOf('memory', args)) {
    case 'help':
      return helpReply('MEMORY', memoryHelp);
    case 'usage':
      return memoryUsage(context, args);
    case 'stats':
      return memoryStatsReply(context.engine);
    case 'doctor':
      return { type: 'verbatim-string', format: 'txt', value: memoryDoctorReport(memoryFactsOf(context.engine)) };
    case 'malloc-stats':
      // What Redis answers when built without jemalloc: V8 owns this process's heap.
      return respBulkString('Stats not supported for the current allocator');
    case 'purge':
      // Redis purges jemalloc's dirty pages, and answers OK without jemalloc; there is none here.
      return respOk;
    default:
      throw subcommandSyntaxError(args);
  }
};

const latencyHelp = [
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
];

/** LATENCY LATEST/HISTORY/RESET/DOCTOR/HELP (latency.c latencyCommand). */
const latency: Handler = (context, args) => {
  const { engine } = context;
  const monitor = engine.latencyMonitor;
  switch (subcommandOf('latency', args)) {
    case 'help':
      return helpReply('LATENCY', latencyHelp);
    case 'latest':
      return array(
        monitor.latest().map((event) =>
          array([respBulkString(event.event), respInteger(event.unixSeconds), respInteger(event.latencyMs), respInteger(event.maxMs)]),
        ),
      );
    case 'history':
      return array(monitor.history((args[2] as Buffer).toString('latin1')).map((sample) => array([respInteger(sample.unixSeconds), respInteger(sample.latencyMs)])));
    case 'reset':
      return respInteger(monitor.reset(args.length === 2 ? null : args.slice(2).map((argument) => argument.toString('latin1'))));
    case 'doctor': {
      const values = engine.config.values;
      const report = monitor.doctorReport({
        thresholdMs: values['latency-monitor-threshold'],
        slowlogSlowerThanMicros: values['slowlog-log-slower-than'],
        hz: values.hz,
        nowSeconds: Math.floor(context.nowMs / 1000),
      });
      return { type: 'verbatim-string', format: 'txt', value: report };
    }
    case 'graph': {
      const event = (args[2] as Buffer).toString('latin1');
      if (monitor.history(event).length === 0) throw new CacheCommandError('message', `No samples available for event '${event}'`);
      throw new CacheCommandError('message', 'LATENCY GRAPH is not supported by this server: use LATENCY HISTORY');
    }
    case 'histogram':
      throw new CacheCommandError('message', 'LATENCY HISTOGRAM is not supported by this server (commands are timed by sampling): use INFO commandstats');
    default:
      throw subcommandSyntaxError(args);
  }
};

export const cacheDiagnosticsCommands: readonly CacheServerCommandSpec[] = [
  { name: 'monitor', arity: 1, flags: ['stale', 'loading'], handler: monitor },
  { name: 'slowlog', arity: -2, flags: ['stale', 'loading'], handler: slowlog },
  { name: 'memory', arity: -2, flags: [], handler: memory },
  { name: 'latency', arity: -2, flags: [], handler: latency },
];
