/**
 * The command table and dispatcher (STYLE.md §2): name → { arity, flags, handler }, handlers work on
 * the in-memory {@link CacheKeyspace} and return reply values. Semantics and texts are Redis 7's
 * (src/t_string.c, src/db.c, src/expire.c, src/server.c). Pure: `context.nowMs` is the time of the
 * command (Redis's commandTimeSnapshot), `context.random` the randomness.
 */
import { assert } from '@objectbox/util';
import { CacheCommandError, isCacheCommandError } from './cache-command-errors.js';
import { cacheKeyspaceCommands } from './cache-commands-keyspace.js';
import { cacheDumpCommands } from './cache-commands-dump.js';
import { cacheStringCommands } from './cache-commands-string.js';
import { cacheBitmapCommands } from './cache-commands-bitmap.js';
import { cacheBitfieldCommands } from './cache-commands-bitfield.js';
import { cacheHyperLogLogCommands } from './cache-commands-hyperloglog.js';
import { cacheGeoCommands } from './cache-commands-geo.js';
import { cacheHashCommands } from './cache-commands-hash.js';
import { cacheListCommands } from './cache-commands-list.js';
import { cacheSortCommands } from './cache-commands-sort.js';
import { cacheSetCommands } from './cache-commands-set.js';
import { cacheSortedSetCommands } from './cache-commands-sorted-set.js';
import { cacheStreamCommands } from './cache-commands-stream.js';
import {
  arityAllows,
  selectedDatabase,
  type CacheCommandContext,
  type CacheCommandResult,
  type CacheCommandSpec,
} from './cache-command-context.js';
import { cacheDatabaseCount } from './cache-keyspace.js';
import { parseInt64 } from './cache-number.js';
import { respBulkString, respInteger, respOk, type RespValue } from './resp-value.js';

function ping(_context: CacheCommandContext, args: readonly Buffer[]): RespValue {
  if (args.length > 2) throw new CacheCommandError('wrong-arity', 'ping');
  return args.length === 2 ? respBulkString(args[1] as Buffer) : { type: 'simple-string', value: 'PONG' };
}

function select(context: CacheCommandContext, args: readonly Buffer[]): RespValue {
  const index = parseInt64(args[1] as Buffer);
  if (index === null || index < -(2n ** 31n) || index >= 2n ** 31n) throw new CacheCommandError('not-integer');
  if (index < 0n || index >= BigInt(cacheDatabaseCount)) throw new CacheCommandError('database-index-out-of-range');
  context.session.databaseIndex = Number(index);
  return respOk;
}

/** FLUSHDB/FLUSHALL [ASYNC|SYNC] (getFlushCommandFlags); both modes flush synchronously here. */
function checkFlushArguments(args: readonly Buffer[]): void {
  if (args.length > 2) throw new CacheCommandError('syntax');
  if (args.length === 2) {
    const mode = (args[1] as Buffer).toString('latin1').toLowerCase();
    if (mode !== 'sync' && mode !== 'async') throw new CacheCommandError('syntax');
  }
}

const connectionCommands: readonly CacheCommandSpec[] = [
  { name: 'ping', arity: -1, flags: ['fast', 'stale', 'loading'], handler: ping },
  { name: 'echo', arity: 2, flags: ['fast', 'stale', 'loading'], handler: (_context, args) => respBulkString(args[1] as Buffer) },
  { name: 'select', arity: 2, flags: ['fast', 'stale', 'loading'], handler: select },
  { name: 'dbsize', arity: 1, flags: ['readonly', 'fast'], handler: (context) => respInteger(selectedDatabase(context).size) },
  {
    name: 'flushdb',
    arity: -1,
    flags: ['write'],
    handler: (context, args) => {
      checkFlushArguments(args);
      selectedDatabase(context).flush();
      return respOk;
    },
  },
  {
    name: 'flushall',
    arity: -1,
    flags: ['write'],
    handler: (context, args) => {
      checkFlushArguments(args);
      context.keyspace.flushAll();
      return respOk;
    },
  },
];

function buildCommandTable(specs: readonly CacheCommandSpec[]): ReadonlyMap<string, CacheCommandSpec> {
  const table = new Map<string, CacheCommandSpec>();
  for (const spec of specs) {
    assert(spec.name === spec.name.toLowerCase(), `command name ${spec.name} must be lower case`);
    assert(!table.has(spec.name), `command ${spec.name} registered twice`);
    assert(spec.arity !== 0 && Number.isInteger(spec.arity), `command ${spec.name} has an invalid arity`);
    assert(!(spec.flags.includes('write') && spec.flags.includes('readonly')), `command ${spec.name} is write and readonly`);
    table.set(spec.name, spec);
  }
  return table;
}

/** Every command, by lower-case name. */
export const cacheCommandTable: ReadonlyMap<string, CacheCommandSpec> = buildCommandTable([
  ...connectionCommands,
  ...cacheStringCommands,
  ...cacheKeyspaceCommands,
  ...cacheDumpCommands,
  ...cacheBitmapCommands,
  ...cacheBitfieldCommands,
  ...cacheHyperLogLogCommands,
  ...cacheListCommands,
  ...cacheHashCommands,
  ...cacheSetCommands,
  ...cacheSortedSetCommands,
  ...cacheGeoCommands,
  ...cacheSortCommands,
  ...cacheStreamCommands,
]);

const unknownCommandTextBytesMax = 128;

/** C's `%.*s` on a Redis argument: stops at a NUL byte and after `bytesMax` bytes. */
function cString(bytes: Buffer, bytesMax: number): string {
  const nulIndex = bytes.indexOf(0);
  const end = Math.min(nulIndex === -1 ? bytes.length : nulIndex, bytesMax);
  return bytes.subarray(0, end).toString('latin1');
}

/**
 * processCommand's text: `unknown command '<name>', with args beginning with: ` then `'<arg>' ` per
 * argument while the argument text is shorter than 128 bytes, each cut to the room left.
 */
export function unknownCommandText(args: readonly Buffer[]): string {
  let argumentText = '';
  for (let index = 1; index < args.length && argumentText.length < unknownCommandTextBytesMax; index++) {
    argumentText += `'${cString(args[index] as Buffer, unknownCommandTextBytesMax - argumentText.length)}' `;
  }
  return `unknown command '${cString(args[0] as Buffer, unknownCommandTextBytesMax)}', with args beginning with: ${argumentText}`;
}

/** Looks a command up by name, ASCII case-insensitively. */
export function lookupCommand(name: Buffer): CacheCommandSpec | undefined {
  return cacheCommandTable.get(name.toString('latin1').toLowerCase());
}

/** processCommand's first two checks: an unknown command, or a wrong argument count; null when neither. */
export function commandShapeError(spec: { readonly name: string; readonly arity: number } | undefined, args: readonly Buffer[]): CacheCommandError | null {
  if (spec === undefined) return new CacheCommandError('unknown-command', unknownCommandText(args));
  return arityAllows(spec.arity, args) ? null : new CacheCommandError('wrong-arity', spec.name);
}

/**
 * Runs one request (`args[0]` is the command name): unknown command and arity checks as Redis's
 * processCommand, then the handler; expected failures become error replies.
 */
export function executeCommand(context: CacheCommandContext, args: readonly Buffer[]): CacheCommandResult {
  assert(args.length >= 1, 'a request has at least the command name');
  try {
    const spec = lookupCommand(args[0] as Buffer);
    const shapeError = commandShapeError(spec, args);
    if (shapeError !== null || spec === undefined) throw shapeError;
    return spec.handler(context, args);
  } catch (error) {
    if (isCacheCommandError(error)) return error.toReply();
    throw error;
  }
}
