#!/usr/bin/env node
// Differential check of the cache against a real redis-server (a dev tool, not a test: CI has no
// redis-server). Starts `redis-server` and `objectbox start cache` on free ports above 20000, sends
// the same command sequences to both over raw RESP2 and RESP3 (HELLO 3) connections, and prints
// every reply that differs byte for byte. Exits 1 when something differed.
//
// Usage: node_modules/.bin/node tools/scripts/cache-diff-redis.mjs CASES... [--redis-server PATH] [--keep-going]
// Build first (npm run build, or npx tsc -b libs/cache/core libs/cache/runtime).
//
// CASES files: one command per line, split like redis-cli ("..." with \n \r \t \xHH escapes, '...').
// Blank lines separate groups; each group runs on fresh connections after FLUSHALL, once in RESP2
// and once in RESP3. `#` starts a comment line. Directives: `@read` compares one more reply (a push
// message), `@sleep MS` waits, `@send CMD` sends without reading a reply.
// A reply neither server sends within 1.5 s reads `<no reply>` on both (a blocked client); once one
// has answered, the other gets up to 60 s (a slow command such as PFSELFTEST is late, not missing).
// Expect legitimate differences (INFO, CLIENT LIST, ids, timing, random picks, documented ones in
// libs/cache/core/README.md); a case file should avoid them.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const redisServerIndex = args.indexOf('--redis-server');
const redisServer = redisServerIndex >= 0 ? args.splice(redisServerIndex, 2)[1] : 'redis-server';
const caseFiles = args.filter((arg) => !arg.startsWith('--'));
if (caseFiles.length === 0) {
  console.error('usage: cache-diff-redis.mjs CASES... [--redis-server PATH]');
  process.exit(2);
}

function splitArgs(line) {
  const out = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    let current = '';
    if (line[i] === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] !== '\\') {
          current += line[i];
          continue;
        }
        const escaped = line[++i];
        if (escaped === 'n') current += '\n';
        else if (escaped === 'r') current += '\r';
        else if (escaped === 't') current += '\t';
        else if (escaped === 'x') {
          current += String.fromCharCode(parseInt(line.slice(i + 1, i + 3), 16));
          i += 2;
        } else current += escaped;
      }
      i++;
    } else if (line[i] === "'") {
      for (i++; i < line.length && line[i] !== "'"; i++) current += line[i];
      i++;
    } else {
      while (i < line.length && line[i] !== ' ') current += line[i++];
    }
    out.push(current);
  }
  return out;
}

function encode(words) {
  const parts = [Buffer.from(`*${words.length}\r\n`)];
  for (const word of words) {
    const bytes = Buffer.from(word, 'latin1');
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** The end offset of the reply starting at `at`, or -1 while incomplete. */
function replyEnd(buffer, at) {
  if (at >= buffer.length) return -1;
  const lineEnd = buffer.indexOf('\r\n', at);
  if (lineEnd < 0) return -1;
  const type = String.fromCharCode(buffer[at]);
  const header = buffer.toString('latin1', at + 1, lineEnd);
  let next = lineEnd + 2;
  if ('+-:_,#('.includes(type)) return next;
  if ('$!='.includes(type)) {
    const length = Number(header);
    if (length < 0) return next;
    return buffer.length >= next + length + 2 ? next + length + 2 : -1;
  }
  if ('*~>%|'.includes(type)) {
    let count = Number(header);
    if (count < 0) return next;
    if (type === '%' || type === '|') count *= 2;
    for (let index = 0; index < count; index++) {
      next = replyEnd(buffer, next);
      if (next < 0) return -1;
    }
    return type === '|' ? replyEnd(buffer, next) : next;
  }
  throw new Error(`unexpected reply type ${JSON.stringify(type)}`);
}

/** How long both servers may stay silent before a command counts as not answered (a blocked client). */
const quietReplyMs = 1500;
/**
 * How long to wait for the other server once one has answered: a slow command (PFSELFTEST, a 512 MB
 * string) is answered late, not missing, and reading '<no reply>' there would shift every later reply.
 */
const slowReplyMs = 60_000;

/**
 * The next reply of each connection. Gives '<no reply>' for all when none answers within `timeoutMs`;
 * once one has answered, waits up to {@link slowReplyMs} for the others.
 */
function readBoth(connections, timeoutMs) {
  return new Promise((resolve) => {
    const replies = connections.map(() => undefined);
    let answered = 0;
    const waiters = [];
    const finish = () => {
      clearTimeout(quietTimer);
      clearTimeout(slowTimer);
      connections.forEach((connection, index) => {
        const position = connection.waiters.indexOf(waiters[index]);
        if (position >= 0) connection.waiters.splice(position, 1);
        if (replies[index] === undefined) replies[index] = '<no reply>';
      });
      resolve(replies);
    };
    const quietTimer = setTimeout(() => {
      if (answered === 0) finish();
    }, timeoutMs);
    const slowTimer = setTimeout(finish, Math.max(timeoutMs, slowReplyMs));
    connections.forEach((connection, index) => {
      waiters[index] = (reply) => {
        replies[index] = reply;
        if (++answered === connections.length) finish();
      };
      connection.waiters.push(waiters[index]);
    });
    connections.forEach((connection) => connection.pump());
  });
}

class Connection {
  constructor(port) {
    this.buffer = Buffer.alloc(0);
    this.waiters = [];
    this.closed = false;
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('data', (data) => {
      this.buffer = Buffer.concat([this.buffer, data]);
      this.pump();
    });
    this.socket.on('error', () => {});
    this.socket.on('close', () => {
      this.closed = true;
      this.pump();
    });
  }

  pump() {
    while (this.waiters.length > 0) {
      const end = replyEnd(this.buffer, 0);
      if (end < 0) {
        if (!this.closed) return;
        this.waiters.shift()('<closed>');
        continue;
      }
      const reply = this.buffer.toString('latin1', 0, end);
      this.buffer = this.buffer.subarray(end);
      this.waiters.shift()(reply);
    }
  }

  read(timeoutMs = quietReplyMs) {
    return readBoth([this], timeoutMs).then((replies) => replies[0]);
  }

  send(words) {
    this.socket.write(encode(words));
  }

  command(words) {
    this.send(words);
    return this.read();
  }

  close() {
    this.socket.destroy();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const server = net.createServer();
    server.once('error', () => freePort().then(resolve, reject));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(port)));
  });
}

async function waitForPing(port, deadlineMs) {
  while (Date.now() < deadlineMs) {
    const connection = new Connection(port);
    const reply = await connection.command(['PING']);
    connection.close();
    if (reply === '+PONG\r\n') return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`nothing answers PING on port ${port}`);
}

/** Started process groups, stopped when this script exits for any reason (a signal or a throw included). */
const startedGroups = new Set();
process.on('exit', () => {
  for (const child of startedGroups) stopGroup(child);
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(130));

/** Starts a process in its own process group, so stopping it also stops what it re-executes. */
function startGroup(command, commandArgs, options) {
  const child = spawn(command, commandArgs, { ...options, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  startedGroups.add(child);
  let stderr = '';
  child.stderr.on('data', (data) => (stderr += data));
  child.on('exit', (code) => {
    if (code !== null && code !== 0 && !child.stopping) console.error(`${command} exited with ${code}: ${stderr.slice(-2000)}`);
  });
  return child;
}

function stopGroup(child) {
  startedGroups.delete(child);
  child.stopping = true;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

function groupsOf(text) {
  return text
    .split(/\n\s*\n/)
    .map((group) => group.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#')))
    .filter((group) => group.length > 0);
}

async function runGroup(redisPort, cachePort, protocol, lines, report) {
  const redis = new Connection(redisPort);
  const cache = new Connection(cachePort);
  redis.send(['FLUSHALL']);
  cache.send(['FLUSHALL']);
  await readBoth([redis, cache], slowReplyMs);
  if (protocol === 3) await Promise.all([redis.command(['HELLO', '3']), cache.command(['HELLO', '3'])]);
  for (const [index, line] of lines.entries()) {
    if (line.startsWith('@sleep ')) {
      await new Promise((resolve) => setTimeout(resolve, Number(line.slice(7))));
      continue;
    }
    if (line.startsWith('@send ')) {
      const words = splitArgs(line.slice(6));
      redis.send(words);
      cache.send(words);
      continue;
    }
    let replies;
    if (line === '@read') replies = await readBoth([redis, cache], 500);
    else {
      const words = splitArgs(line);
      redis.send(words);
      cache.send(words);
      replies = await readBoth([redis, cache], quietReplyMs);
    }
    if (replies[0] !== replies[1]) report(`RESP${protocol} line ${index + 1} of its group: ${line}\n  redis: ${JSON.stringify(replies[0])}\n  cache: ${JSON.stringify(replies[1])}`);
  }
  redis.close();
  cache.close();
}

async function main() {
  const redisPort = await freePort();
  const cachePort = await freePort();
  const httpPort = await freePort();
  const grpcPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-diff-'));
  const redis = startGroup(redisServer, ['--port', String(redisPort), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'], {});
  const cache = startGroup(
    path.join(repoRoot, 'node_modules/.bin/node'),
    ['tools/cli/bin/objectbox.js', 'start', 'cache', '--data-dir', dataDir, '--host', '127.0.0.1', '--http-port', String(httpPort), '--grpc-port', String(grpcPort), '--log-level', 'warn'],
    { cwd: repoRoot, env: { ...process.env, OBJECTBOX_SERVICES_CACHE_RESP_PORT: String(cachePort) } },
  );
  let differences = 0;
  try {
    const deadlineMs = Date.now() + 30_000;
    await Promise.all([waitForPing(redisPort, deadlineMs), waitForPing(cachePort, deadlineMs)]);
    for (const file of caseFiles) {
      const groups = groupsOf(fs.readFileSync(file, 'utf8'));
      for (const protocol of [2, 3]) {
        for (const group of groups) {
          await runGroup(redisPort, cachePort, protocol, group, (text) => {
            differences++;
            console.log(`--- ${path.basename(file)} ${text}`);
          });
        }
      }
    }
  } finally {
    stopGroup(cache);
    stopGroup(redis);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`${differences} difference(s)`);
  process.exitCode = differences === 0 ? 0 : 1;
}

await main();
