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

export const cacheDiagnosticsCommands: readonly CacheServerCommandSpec[] = [
  { name: 'monitor', arity: 1, flags: ['stale', 'loading'], handler: monitor },
  { name: 'slowlog', arity: -2, flags: ['stale', 'loading'], handler: slowlog },
];
