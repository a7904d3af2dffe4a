/**
 * The RESP server over real sockets: a bug in one command (planted through `extraCommands`) costs
 * one error reply, or at worst that one client's connection, never the process; it is logged at
 * `error` with its stack.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { type CacheServerCommandSpec } from '@objectbox/cache-core';
import { createLogger } from '@objectbox/observability';
import { CacheServer } from './cache-server.js';

interface LogLine {
  level: string;
  msg: string;
  command?: string;
  err?: { message: string; stack: string };
}

async function startServer(extraCommands: readonly CacheServerCommandSpec[] = []): Promise<{ server: CacheServer; logs: LogLine[] }> {
  const logs: LogLine[] = [];
  const logger = createLogger({ level: 'info', processName: 'cache-server-spec', destination: { write: (line: string) => logs.push(JSON.parse(line) as LogLine) } });
  const server = await CacheServer.start({ host: '127.0.0.1', port: 0, logger, version: '0.0.0-test', extraCommands });
  return { server, logs };
}

/** A raw RESP client: sends commands as multibulk, collects everything the server writes. */
class RawClient {
  received = '';
  ended = false;
  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => (this.received += text));
    socket.on('end', () => (this.ended = true));
    socket.on('close', () => (this.ended = true));
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  send(...commands: string[][]): void {
    this.socket.write(commands.map((words) => `*${words.length}\r\n${words.map((word) => `$${Buffer.byteLength(word, 'latin1')}\r\n${word}\r\n`).join('')}`).join(''));
  }

  /** Waits until the server has written `text` in total (or closed the connection). */
  async until(predicate: (client: RawClient) => boolean): Promise<string> {
    for (let attempt = 0; attempt < 500 && !predicate(this); attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
    return this.received;
  }

  close(): void {
    this.socket.destroy();
  }
}

const plantedCommands: CacheServerCommandSpec[] = [
  {
    name: 'test-throw',
    arity: 1,
    flags: [],
    handler: () => {
      throw new TypeError('planted handler bug');
    },
  },
  {
    // The encoder refuses a simple string with CR LF: the throw happens after the handler, in
    // delivery, outside what the engine maps.
    name: 'test-bad-reply',
    arity: 1,
    flags: [],
    handler: () => ({ type: 'array', items: [{ type: 'integer', value: 1 }, { type: 'simple-string', value: 'a\r\nb' }] }),
  },
];

test('cache server: a handler that throws answers one error reply, is logged with its stack, and the server keeps serving', async () => {
  const { server, logs } = await startServer(plantedCommands);
  try {
    const first = await RawClient.open(server.port);
    first.send(['SET', 'k', 'v'], ['TEST-THROW'], ['GET', 'k'], ['PING']);
    const replies = await first.until((client) => client.received.endsWith('+PONG\r\n'));
    assert.equal(replies, "+OK\r\n-ERR internal error while running 'test-throw' command (the server logged it)\r\n$1\r\nv\r\n+PONG\r\n");
    assert.equal(first.ended, false);

    const logged = logs.filter((line) => line.level === 'error');
    assert.equal(logged.length, 1);
    assert.equal(logged[0]?.command, 'test-throw');
    assert.match(logged[0]?.err?.stack ?? '', /TypeError: planted handler bug/);

    assert.equal(server.engine.counters.internalErrors, 1);
    const stat = server.engine.commandStats.get('test-throw');
    assert.equal(stat?.calls, 1);
    assert.equal(stat?.failedCalls, 1);
    assert.equal(server.engine.errorStats.get('ERR'), 1);

    // Inside MULTI the failure is one item of EXEC's array; the transaction's other commands run.
    first.received = '';
    first.send(['MULTI'], ['TEST-THROW'], ['INCR', 'n'], ['EXEC']);
    assert.equal(
      await first.until((client) => client.received.includes(':1\r\n')),
      "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n-ERR internal error while running 'test-throw' command (the server logged it)\r\n:1\r\n",
    );

    const other = await RawClient.open(server.port);
    other.send(['GET', 'k']);
    assert.equal(await other.until((client) => client.received.length >= 7), '$1\r\nv\r\n');
    first.close();
    other.close();
  } finally {
    await server.stop();
  }
});

test('cache server: a throw outside the handler (a reply the encoder refuses) closes only that client, after an error reply', async () => {
  const { server, logs } = await startServer(plantedCommands);
  try {
    const victim = await RawClient.open(server.port);
    const bystander = await RawClient.open(server.port);
    victim.send(['SET', 'k', 'v'], ['TEST-BAD-REPLY'], ['PING']);
    const replies = await victim.until((client) => client.ended);
    // Nothing of the refused array is sent, and nothing after the failed request is run.
    assert.equal(replies, "+OK\r\n-ERR internal error while running 'test-bad-reply' command (the server logged it)\r\n");
    assert.equal(victim.ended, true);
    const logged = logs.filter((line) => line.level === 'error');
    assert.equal(logged.length, 1);
    assert.equal(logged[0]?.command, 'test-bad-reply');
    assert.match(logged[0]?.err?.stack ?? '', /simple strings contain no CR or LF/);

    bystander.send(['GET', 'k'], ['PING']);
    assert.equal(await bystander.until((client) => client.received.endsWith('+PONG\r\n')), '$1\r\nv\r\n+PONG\r\n');
    const late = await RawClient.open(server.port);
    late.send(['PING']);
    assert.equal(await late.until((client) => client.received.length > 0), '+PONG\r\n');
    bystander.close();
    late.close();
  } finally {
    await server.stop();
  }
});

test('cache server: CONFIG SET proto-max-bulk-len bounds the request decoder at once, as in Redis', async () => {
  const { server } = await startServer();
  try {
    const admin = await RawClient.open(server.port);
    const pipelined = await RawClient.open(server.port);
    admin.send(['CONFIG', 'SET', 'proto-max-bulk-len', '1mb']);
    assert.equal(await admin.until((client) => client.received.length > 0), '+OK\r\n');

    // A connection opened before the change is bound as well, from its next request on.
    pipelined.send(['SET', 'half', 'x'.repeat(512 * 1024)], ['SET', 'big', 'x'.repeat(2 * 1024 * 1024)], ['PING']);
    assert.equal(await pipelined.until((client) => client.ended), '+OK\r\n-ERR Protocol error: invalid bulk length\r\n');

    const late = await RawClient.open(server.port);
    late.send(['STRLEN', 'half'], ['EXISTS', 'big'], ['SET', 'big', 'x'.repeat(1024 * 1024 + 1)]);
    assert.equal(await late.until((client) => client.ended), ':524288\r\n:0\r\n-ERR Protocol error: invalid bulk length\r\n');

    // Raised again, the same request is accepted; the admin connection has stayed open throughout.
    admin.received = '';
    admin.send(['CONFIG', 'SET', 'proto-max-bulk-len', '512mb'], ['SET', 'big', 'x'.repeat(2 * 1024 * 1024)], ['STRLEN', 'big']);
    assert.equal(await admin.until((client) => client.received.endsWith(':2097152\r\n')), '+OK\r\n+OK\r\n:2097152\r\n');
    admin.close();
  } finally {
    await server.stop();
  }
});

test('cache server: a connection refused past maxclients gets the error and is closed, and stop() does not wait on it', async () => {
  const { server } = await startServer();
  server.engine.config.values.maxclients = 1;
  const admitted = await RawClient.open(server.port);
  admitted.send(['PING']);
  assert.equal(await admitted.until((client) => client.received.length > 0), '+PONG\r\n');
  const refused = await Promise.all(Array.from({ length: 5 }, () => RawClient.open(server.port)));
  for (const client of refused) {
    // A refused client that sends before it reads (as redis-cli does) still gets the error and an end.
    client.send(['PING']);
    assert.equal(await client.until((each) => each.ended), '-ERR max number of clients reached\r\n');
    client.close();
  }
  // A refused client that never closes its side (half-open) does not keep the server waiting either.
  const silent = connect({ host: '127.0.0.1', port: server.port, allowHalfOpen: true });
  silent.setEncoding('latin1');
  let silentReceived = '';
  silent.on('data', (text: string) => (silentReceived += text));
  await once(silent, 'end');
  assert.equal(silentReceived, '-ERR max number of clients reached\r\n');
  admitted.close();
  // Accepted paused, a refused socket that was never read stayed open and kept server.close() waiting.
  const stopped = await Promise.race([server.stop().then(() => 'stopped'), new Promise((resolve) => setTimeout(() => resolve('still waiting'), 5_000))]);
  assert.equal(stopped, 'stopped');
  silent.destroy();
});
