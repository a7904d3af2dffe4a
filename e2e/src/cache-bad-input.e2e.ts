/**
 * Goal: bad or hostile RESP input gets Redis 7's exact replies, and Redis's protocol errors close
 * the connection; bad commands do not. A subscriber that never reads is disconnected at the pub/sub
 * output-buffer limit while other clients are served; 2,000 idle connections are held and released;
 * before AUTH, large requests are refused as Redis refuses them. Method: raw `node:net` sockets
 * against `objectbox start cache` as a real process; every expectation was checked against
 * redis-server 7.0.15.
 */
import { strict as assert } from 'node:assert';
import { after, before, test as nodeTest, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CacheUnderTest, closeRawConnections, parseInfo, RawConnection, RespError, startCache, uniquePrefix } from './cache-e2e-support.js';
import { cleanUp, waitFor } from './harness.js';

const password = 'bad-input-secret';
let cache: CacheUnderTest;
let securedCache: CacheUnderTest;

before(async () => {
  [cache, securedCache] = await Promise.all([startCache(), startCache({ requirepass: password })]);
});

after(async () => {
  closeRawConnections();
  const results = await Promise.all([cache?.process.stop('SIGTERM'), securedCache?.process.stop('SIGTERM')]);
  await cleanUp();
  for (const result of results) if (result !== undefined) assert.deepEqual(result, { code: 0, signal: null }, 'the cache stops cleanly on SIGTERM');
});

function test(name: string, body: (context: TestContext) => Promise<void>): void {
  nodeTest(name, { timeout: 120_000 }, async (context) => {
    try {
      await body(context);
    } finally {
      closeRawConnections();
    }
  });
}

async function open(port = cache.port): Promise<RawConnection> {
  return RawConnection.open(port);
}

/** Sends `bytes`, expects exactly `reply` (one line) and then the server closing the connection. */
async function expectProtocolError(bytes: string | Buffer, reply: string): Promise<void> {
  const connection = await open();
  connection.send(bytes);
  assert.equal(await connection.readLine(), reply);
  await connection.waitClosed(5_000);
  assert.equal(connection.pending.length, 0, 'nothing follows the protocol error');
}

/** The server answers a fresh client, and `connection` (when given) too. */
async function stillServing(connection?: RawConnection): Promise<void> {
  if (connection !== undefined) assert.equal(await connection.command('PING'), 'PONG');
  const fresh = await open();
  assert.equal(await fresh.command('PING'), 'PONG');
  fresh.destroy();
}

async function infoField(connection: RawConnection, section: string, field: string): Promise<string | undefined> {
  return parseInfo(String(await connection.command('INFO', section))).get(section)?.get(field);
}

test('garbage bytes: inline garbage is an unknown command, a bad multibulk header a protocol error', async (t) => {
  const connection = await open();
  connection.send(Buffer.from([0x01, 0xfe, 0x80, 0x20, 0x67, 0x61, 0x72, 0x62, 0x61, 0x67, 0x65, 0x0d, 0x0a]));
  const line = await connection.readLine();
  assert.match(line, /^-ERR unknown command '.+', with args beginning with: 'garbage' $/);
  await t.test('the error echoes the raw bytes of the command name', () => {
    assert.equal(line, "-ERR unknown command '\x01\xfe\x80', with args beginning with: 'garbage' ");
  });
  await stillServing(connection);
  await expectProtocolError('*abc\r\n', '-ERR Protocol error: invalid multibulk length');
  await expectProtocolError('*1\r\nfoo\r\n', "-ERR Protocol error: expected '$', got 'f'");
  await expectProtocolError('*1\r\n$x\r\nPING\r\n', '-ERR Protocol error: invalid bulk length');
  await expectProtocolError('SET "a b\r\n', '-ERR Protocol error: unbalanced quotes in request');
  await stillServing();
});

test('unbalanced arrays: a short array waits for the rest; a new array inside one is a protocol error', async () => {
  const connection = await open();
  connection.send('*2\r\n$4\r\nECHO\r\n');
  await sleep(200);
  assert.equal(connection.pending.length, 0, 'an incomplete request gets no reply');
  connection.send('$5\r\nhello\r\n');
  assert.equal(await connection.reply(), 'hello');
  for (const byte of Buffer.from('*1\r\n$4\r\nPING\r\n')) connection.send(Buffer.from([byte]));
  assert.equal(await connection.reply(), 'PONG', 'a request split into single bytes is reassembled');
  connection.send('*-1\r\n*0\r\nPING\r\n');
  assert.equal(await connection.reply(), 'PONG', 'empty and null arrays are skipped');
  await expectProtocolError('*3\r\n$3\r\nSET\r\n$1\r\na\r\n*1\r\n$4\r\nPING\r\n', "-ERR Protocol error: expected '$', got '*'");
  await stillServing(connection);
});

test('a huge declared bulk length is refused before any byte of it is read', async () => {
  await expectProtocolError('*1\r\n$999999999999\r\n', '-ERR Protocol error: invalid bulk length');
  await expectProtocolError('*2\r\n$4\r\nECHO\r\n$-7\r\n', '-ERR Protocol error: invalid bulk length');
  await stillServing();
});

test('an inline request longer than 64 KiB is refused', async () => {
  await expectProtocolError(Buffer.alloc(70 * 1024, 'a'), '-ERR Protocol error: too big inline request');
  await expectProtocolError(`SET k ${'v'.repeat(100 * 1024)}`, '-ERR Protocol error: too big inline request');
  const connection = await open();
  const almost = 'v'.repeat(60 * 1024);
  connection.send(`ECHO ${almost}\r\n`);
  assert.equal(await connection.reply(), almost, 'an inline request under the limit works');
});

test('a multibulk length above the 1 Mi argument bound is refused with the protocol error, then the connection closes', async () => {
  // A deliberate bound (libs/cache/core/README.md): Redis 7.0 accepts up to INT_MAX arguments.
  const connection = await open();
  connection.send('*1048577\r\n');
  await waitFor('the connection to close', async () => (connection.isClosed ? true : undefined), { deadlineMs: 5_000 });
  assert.equal(connection.pending.toString('latin1'), '-ERR Protocol error: invalid multibulk length\r\n');
});

test('unknown command, wrong arity, wrong type, non-integer argument: exact errors, connection kept', async () => {
  const connection = await open();
  const k = uniquePrefix('bad-cmd');
  assert.deepEqual(await connection.command('NOSUCH', 'a', 'b'), new RespError("ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' "));
  assert.deepEqual(await connection.command('NOSUCH'), new RespError("ERR unknown command 'NOSUCH', with args beginning with: "));
  assert.deepEqual(await connection.command('GET'), new RespError("ERR wrong number of arguments for 'get' command"));
  assert.deepEqual(await connection.command('SET', k), new RespError("ERR wrong number of arguments for 'set' command"));
  assert.deepEqual(await connection.command('CONFIG', 'GET'), new RespError("ERR wrong number of arguments for 'config|get' command"));
  assert.deepEqual(await connection.command('CONFIG', 'NOPE'), new RespError("ERR unknown subcommand 'NOPE'. Try CONFIG HELP."));
  assert.equal(await connection.command('RPUSH', `${k}list`, 'x'), 1);
  assert.deepEqual(await connection.command('GET', `${k}list`), new RespError('WRONGTYPE Operation against a key holding the wrong kind of value'));
  assert.deepEqual(await connection.command('INCR', `${k}list`), new RespError('WRONGTYPE Operation against a key holding the wrong kind of value'));
  assert.deepEqual(await connection.command('HSET', `${k}list`, 'f', 'v'), new RespError('WRONGTYPE Operation against a key holding the wrong kind of value'));
  assert.equal(await connection.command('SET', `${k}n`, '1'), 'OK');
  assert.deepEqual(await connection.command('INCRBY', `${k}n`, 'abc'), new RespError('ERR value is not an integer or out of range'));
  assert.deepEqual(await connection.command('EXPIRE', `${k}n`, '1.5'), new RespError('ERR value is not an integer or out of range'));
  assert.deepEqual(await connection.command('LRANGE', `${k}list`, '0', 'x'), new RespError('ERR value is not an integer or out of range'));
  assert.deepEqual(await connection.command('SET', `${k}n`, 'v', 'EX', '0'), new RespError("ERR invalid expire time in 'set' command"));
  assert.deepEqual(await connection.command('SET', `${k}n`, 'v', 'NX', 'XX'), new RespError('ERR syntax error'));
  assert.deepEqual(await connection.command('INCRBYFLOAT', `${k}n`, 'nan'), new RespError('ERR value is not a valid float'));
  assert.deepEqual(await connection.command('SELECT', '99'), new RespError('ERR DB index is out of range'));
  assert.equal(await connection.command('DEL', `${k}list`, `${k}n`), 2);
  const errorstats = parseInfo(String(await connection.command('INFO', 'errorstats'))).get('errorstats');
  assert.match(errorstats?.get('errorstat_WRONGTYPE') ?? '', /^count=\d+$/);
  await stillServing(connection);
});

/** Publishes `messageBytes`-sized messages until nobody receives them; returns the bytes sent. */
async function publishUntilDropped(publisher: RawConnection, channel: string, messageBytes: number, bytesMax: number): Promise<number> {
  const message = Buffer.alloc(messageBytes, 'm');
  let sent = 0;
  while (sent < bytesMax) {
    const batch = 8;
    for (let index = 0; index < batch; index++) publisher.sendCommand('PUBLISH', channel, message);
    const receivers: unknown[] = [];
    for (let index = 0; index < batch; index++) receivers.push(await publisher.reply(30_000));
    sent += batch * messageBytes;
    if (receivers.at(-1) === 0) return sent;
  }
  throw new Error(`the subscriber that never reads was still subscribed after ${sent} bytes`);
}

test('a subscriber that never reads is disconnected at the pub/sub hard limit (default 32 MiB); others are served', async () => {
  const subscriber = await open();
  const publisher = await open();
  const bystander = await open();
  const channel = uniquePrefix('slow-sub');
  assert.deepEqual(await bystander.command('CONFIG', 'GET', 'client-output-buffer-limit'), ['client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60']);
  assert.deepEqual(await subscriber.command('SUBSCRIBE', channel), ['subscribe', channel, 1]);
  subscriber.socket.pause();
  const sent = await publishUntilDropped(publisher, channel, 1024 * 1024, 256 * 1024 * 1024);
  assert.ok(sent > 32 * 1024 * 1024, `disconnected after ${sent} bytes, past the 32 MiB hard limit`);
  assert.deepEqual(await bystander.command('PUBSUB', 'NUMSUB', channel), [channel, 0]);
  assert.equal(await bystander.command('PING'), 'PONG', 'another client is served meanwhile');
  assert.equal(await publisher.command('PING'), 'PONG');
  subscriber.discardIncoming();
  subscriber.socket.resume();
  await subscriber.waitClosed(30_000);
  assert.ok(subscriber.discardedBytes < sent, 'the subscriber did not receive everything');
});

test('with CONFIG SET client-output-buffer-limit "pubsub 1mb 512kb 60" the slow subscriber goes after about 1 MiB', async (t) => {
  const subscriber = await open();
  const publisher = await open();
  const admin = await open();
  const channel = uniquePrefix('slow-sub-1mb');
  assert.equal(await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 512kb 60'), 'OK');
  try {
    const setting = await admin.command('CONFIG', 'GET', 'client-output-buffer-limit');
    await t.test('CONFIG GET shows every class, in bytes', () => {
      assert.deepEqual(setting, ['client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 60']);
    });
    assert.deepEqual(await subscriber.command('SUBSCRIBE', channel), ['subscribe', channel, 1]);
    subscriber.socket.pause();
    const sent = await publishUntilDropped(publisher, channel, 64 * 1024, 64 * 1024 * 1024);
    assert.ok(sent > 1024 * 1024, `disconnected after ${sent} bytes`);
    assert.equal(await admin.command('PING'), 'PONG');
    assert.deepEqual(await admin.command('PUBSUB', 'NUMSUB', channel), [channel, 0]);
    subscriber.discardIncoming();
    subscriber.socket.resume();
    await subscriber.waitClosed(30_000);
  } finally {
    assert.equal(await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60'), 'OK');
  }
});

test('a CLIENT TRACKING client that reads slowly is a normal client: a large reply past the pub/sub limits is served', async () => {
  const tracker = await open();
  const admin = await open();
  const key = uniquePrefix('tracked-big');
  const value = Buffer.alloc(16 * 1024 * 1024, 0x61);
  assert.equal(await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 512kb 60'), 'OK');
  try {
    assert.equal(await admin.command('SET', key, value), 'OK');
    await tracker.command('HELLO', '3');
    assert.equal(await tracker.command('CLIENT', 'TRACKING', 'on'), 'OK');
    // Not reading while 16 MiB wait in the server's queue: the PING's reply finds them there.
    tracker.socket.pause();
    tracker.sendCommand('GET', key);
    tracker.sendCommand('PING');
    await sleep(300);
    tracker.socket.resume();
    const reply = await tracker.reply(30_000);
    assert.ok(reply === value.toString('latin1'), 'the whole value arrives');
    assert.equal(await tracker.reply(), 'PONG');
  } finally {
    assert.equal(await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60'), 'OK');
    await admin.command('DEL', key);
  }
});

// This needs a listen queue longer than the burst: with Redis's 511, Linux answers the overflow with
// SYN cookies and loses some handshakes silently (the client thinks it is connected). tcp-backlog
// defaults to 4096 for that reason.
test('2,000 idle connections opened at once are held, listed by INFO clients, and released when closed', async () => {
  const observer = await open();
  assert.deepEqual(await observer.command('CONFIG', 'GET', 'tcp-backlog'), ['tcp-backlog', '4096']);
  const baseline = Number(await infoField(observer, 'clients', 'connected_clients'));
  const idle = await Promise.all(Array.from({ length: 2_000 }, () => RawConnection.open(cache.port, 30_000)));
  const connected = await waitFor(
    'INFO clients to count the idle connections',
    async () => {
      const count = Number(await infoField(observer, 'clients', 'connected_clients'));
      return count >= baseline + 2_000 ? count : undefined;
    },
    { deadlineMs: 30_000 },
  );
  assert.ok(connected >= baseline + 2_000, `connected_clients ${connected}`);
  await stillServing(observer);
  const k = uniquePrefix('idle');
  assert.equal(await observer.command('SET', k, 'v'), 'OK');
  assert.equal(await observer.command('GET', k), 'v');
  const some = idle.slice(0, 3);
  assert.deepEqual(await Promise.all(some.map((connection) => connection.command('PING'))), ['PONG', 'PONG', 'PONG'], 'idle connections still answer');
  for (const connection of idle) connection.socket.end();
  await Promise.all(idle.map((connection) => connection.waitClosed(30_000)));
  await waitFor(
    'the closed connections to leave INFO clients',
    async () => (Number(await infoField(observer, 'clients', 'connected_clients')) <= baseline ? true : undefined),
    { deadlineMs: 30_000 },
  );
  await stillServing(observer);
});

test('before AUTH a 20-argument multibulk or a 20 KB bulk is refused as an unauthenticated protocol error', async () => {
  const args = Array.from({ length: 20 }, (_, index) => `x${index}`);
  const big = await RawConnection.open(securedCache.port);
  big.sendCommand(...args);
  assert.equal(await big.readLine(), '-ERR Protocol error: unauthenticated multibulk length');
  await big.waitClosed(5_000);

  const small = await RawConnection.open(securedCache.port);
  assert.deepEqual(await small.command(...args.slice(0, 10)), new RespError("ERR unknown command 'x0', with args beginning with: 'x1' 'x2' 'x3' 'x4' 'x5' 'x6' 'x7' 'x8' 'x9' "));
  assert.deepEqual(await small.command('GET', 'k'), new RespError('NOAUTH Authentication required.'));

  const bulk = await RawConnection.open(securedCache.port);
  bulk.send('*2\r\n$4\r\nAUTH\r\n$20000\r\n');
  assert.equal(await bulk.readLine(), '-ERR Protocol error: unauthenticated bulk length');
  await bulk.waitClosed(5_000);

  const authenticated = await RawConnection.open(securedCache.port);
  assert.equal(await authenticated.command('AUTH', password), 'OK');
  assert.deepEqual(await authenticated.command('DEL', ...args), 0, 'after AUTH a 21-argument request is fine');
  const value = 'v'.repeat(20_000);
  assert.equal(await authenticated.command('ECHO', value), value, 'and so is a 20 KB bulk');
});
