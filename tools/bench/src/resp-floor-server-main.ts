/**
 * The `cache` bench's floors: the least a RESP server written for Node.js does, to read the
 * ObjectBox cache's ratio to Redis against. Not a server to use: no types, no expiry, no memory
 * limit, no errors worth the name (requests are bounded by resp-floor-parse.ts, whose refusals
 * close the connection). Runs on the port given as argv[2] until SIGTERM, in one of two modes
 * (argv[3]):
 *
 * - `noop`: parses each RESP array and answers `+OK` (the commands redis-benchmark and this bench
 *   need aside): what node:net, one JavaScript parse and one write per read cost on this machine.
 * - `maps`: the same, plus the data in plain JavaScript structures (strings in a Map, lists in
 *   arrays, sets in Sets, hashes and sorted sets in Maps), keys and values as latin1 strings:
 *   what the simplest JavaScript server of redis-benchmark's commands costs.
 *
 * Both answer every command of one read with one socket write, as the cache and Redis do.
 */
import { createServer, type Socket } from 'node:net';
import { FloorProtocolError, floorPendingBytesMax, parseFloorCommand } from './resp-floor-parse.js';

type FloorMode = 'noop' | 'maps';

const port = Number(process.argv[2]);
const mode = process.argv[3] as FloorMode;
if (!Number.isInteger(port) || (mode !== 'noop' && mode !== 'maps')) {
  process.stderr.write('usage: resp-floor-server-main.js <port> noop|maps\n');
  process.exit(2);
}

const strings = new Map<string, string>();
const lists = new Map<string, string[]>();
const sets = new Map<string, Set<string>>();
const hashes = new Map<string, Map<string, string>>();
const sortedSets = new Map<string, Map<string, number>>();
let errorReplies = 0;

function bulk(value: string | undefined): string {
  return value === undefined ? '$-1\r\n' : `$${value.length}\r\n${value}\r\n`;
}

function integer(value: number): string {
  return `:${value}\r\n`;
}

/** The commands that redis-benchmark and the bench itself send whatever the mode. */
function answerControl(name: string, args: readonly string[]): string | undefined {
  switch (name) {
    case 'PING':
      return '+PONG\r\n';
    case 'CONFIG':
      return '*0\r\n';
    case 'INFO': {
      const text = `# Stats\r\ntotal_error_replies:${errorReplies}\r\n`;
      return `$${text.length}\r\n${text}\r\n`;
    }
    case 'FLUSHALL':
    case 'FLUSHDB':
      for (const map of [strings, lists, sets, hashes, sortedSets]) map.clear();
      return '+OK\r\n';
    default:
      return args.length === 0 ? '-ERR empty command\r\n' : undefined;
  }
}

function answerWithMaps(name: string, args: readonly string[]): string {
  const key = args[1]!;
  switch (name) {
    case 'SET':
      strings.set(key, args[2]!);
      return '+OK\r\n';
    case 'GET':
      return bulk(strings.get(key));
    case 'INCR': {
      const value = Number(strings.get(key) ?? '0') + 1;
      strings.set(key, String(value));
      return integer(value);
    }
    case 'LPUSH': {
      let list = lists.get(key);
      if (list === undefined) lists.set(key, (list = []));
      for (let index = 2; index < args.length; index++) list.push(args[index]!);
      return integer(list.length);
    }
    case 'LPOP':
      return bulk(lists.get(key)?.pop());
    case 'SADD': {
      let set = sets.get(key);
      if (set === undefined) sets.set(key, (set = new Set()));
      const before = set.size;
      for (let index = 2; index < args.length; index++) set.add(args[index]!);
      return integer(set.size - before);
    }
    case 'HSET': {
      let hash = hashes.get(key);
      if (hash === undefined) hashes.set(key, (hash = new Map()));
      const before = hash.size;
      for (let index = 2; index + 1 < args.length; index += 2) hash.set(args[index]!, args[index + 1]!);
      return integer(hash.size - before);
    }
    case 'ZADD': {
      let sortedSet = sortedSets.get(key);
      if (sortedSet === undefined) sortedSets.set(key, (sortedSet = new Map()));
      const before = sortedSet.size;
      for (let index = 2; index + 1 < args.length; index += 2) sortedSet.set(args[index + 1]!, Number(args[index]));
      return integer(sortedSet.size - before);
    }
    default:
      errorReplies++;
      return `-ERR unknown command '${name}'\r\n`;
  }
}

function answer(args: readonly string[]): string {
  const name = (args[0] ?? '').toUpperCase();
  return answerControl(name, args) ?? (mode === 'noop' ? '+OK\r\n' : answerWithMaps(name, args));
}

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  let pending: Buffer | undefined;
  socket.on('data', (chunk: Buffer) => {
    const buffer = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
    pending = undefined;
    let position = 0;
    let replies = '';
    try {
      while (position < buffer.length) {
        const command = parseFloorCommand(buffer, position);
        if (command === undefined) break;
        replies += answer(command.args);
        position = command.next;
      }
    } catch (error) {
      if (!(error instanceof FloorProtocolError)) throw error;
      socket.end(`-ERR Protocol error: ${error.message}\r\n`);
      return;
    }
    if (position < buffer.length) {
      if (buffer.length - position > floorPendingBytesMax) {
        socket.end(`-ERR Protocol error: a command over ${floorPendingBytesMax} bytes\r\n`);
        return;
      }
      pending = Buffer.from(buffer.subarray(position));
    }
    if (replies.length > 0) socket.write(replies, 'latin1');
  });
  socket.on('error', () => socket.destroy());
}

const server = createServer(serve);
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.once('SIGTERM', () => {
  server.close();
  process.exit(0);
});
