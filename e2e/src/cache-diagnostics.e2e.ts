/**
 * Goal: the operational commands tools rely on work against the cache as against Redis 7:
 * `redis-cli monitor` and ioredis's `monitor()` stream the commands other clients run (passwords
 * redacted, admin commands left out); SLOWLOG through ioredis and redis-cli; MEMORY through node-redis
 * (RESP2 and RESP3); LATENCY; CLIENT TRACKING with node-redis v5's client-side cache and a RESP2
 * REDIRECT subscriber. Method: `objectbox start cache` as a real process, the
 * redis-cli binary as a child process (killed by PID), ioredis over TCP.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { type TestContext } from 'node:test';
import { BasicClientSideCache } from 'redis';
import { cachePerFile, CacheClientScope, closeRawConnections, RawConnection, runTool, uniquePrefix } from './cache-e2e-support.js';
import { waitFor } from './harness.js';

const cache = cachePerFile();
const clients = new CacheClientScope(() => cache.current.port);
const ioredis = clients.ioredis.bind(clients);
const nodeRedis = clients.nodeRedis.bind(clients);


/** The scope's test with a longer deadline (output-limit and latency cases move megabytes). */
function test(name: string, body: (context: TestContext) => Promise<void>): void {
  clients.test(
    name,
    async (context) => {
      try {
        await body(context);
      } finally {
        closeRawConnections();
      }
    },
    60_000,
  );
}

test('redis-cli monitor prints what other clients run, with Redis quoting and redaction', async () => {
  const k = uniquePrefix('monitor-cli');
  const child = spawn('redis-cli', ['-h', '127.0.0.1', '-p', `${cache.current.port}`, 'monitor'], { stdio: ['ignore', 'pipe', 'pipe'] });
  clients.onEnd(() => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
  });
  const shownLine = (line: string) => line.includes(k) || /"auth"|"config"/i.test(line);
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  await waitFor('redis-cli monitor to print OK', async () => (stdout.startsWith('OK\n') ? true : undefined), { deadlineMs: 10_000, intervalMs: 20 });
  const client = await ioredis();
  await client.select(2);
  await client.set(`${k}a b`, 'x"y\n\u0001');
  await client.config('GET', 'maxmemory');
  await client.call('AUTH', 'not-the-password').catch(() => undefined);
  await client.get(`${k}a b`);
  const lines = await waitFor(
    'the monitor lines',
    async () => {
      const found = stdout.split('\n').filter(shownLine);
      return found.length >= 3 ? found : undefined;
    },
    { deadlineMs: 10_000, intervalMs: 20 },
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  const shown = stdout.split('\n').filter(shownLine);
  assert.equal(shown.length, 3, `no CONFIG line, one AUTH line: ${shown.join(' | ')}`);
  assert.equal(lines[0], shown[0]);
  assert.match(shown[0] as string, new RegExp(`^\\d+\\.\\d{6} \\[2 127\\.0\\.0\\.1:\\d+\\] "set" "${k}a b" "x\\\\"y\\\\n\\\\x01"$`));
  assert.match(shown[1] as string, /^\d+\.\d{6} \[2 127\.0\.0\.1:\d+\] "(auth|AUTH)" "\(redacted\)"$/);
  assert.match(shown[2] as string, new RegExp(`\\[2 127\\.0\\.0\\.1:\\d+\\] "get" "${k}a b"$`));
});

test('ioredis monitor() receives parsed events, and the monitoring connection may not touch keys', async () => {
  const k = uniquePrefix('monitor-ioredis');
  const watcher = await ioredis();
  const monitor = await watcher.monitor();
  clients.onEnd(() => monitor.disconnect());
  const events: { args: string[]; source: string; database: string }[] = [];
  monitor.on('monitor', (_time: string, args: string[], source: string, database: string) => events.push({ args, source, database }));
  const client = await ioredis();
  await client.set(`${k}key`, 'value');
  await client.multi().incr(`${k}n`).incr(`${k}n`).exec();
  await waitFor('the monitor events', async () => (events.some((event) => event.args[0] === 'exec') ? true : undefined), { deadlineMs: 10_000, intervalMs: 20 });
  const ours = events.filter((event) => event.args.some((arg) => arg.startsWith(k)) || event.args[0] === 'multi' || event.args[0] === 'exec');
  assert.deepEqual(
    ours.map((event) => event.args),
    [['set', `${k}key`, 'value'], ['multi'], ['incr', `${k}n`], ['incr', `${k}n`], ['exec']],
  );
  assert.equal(ours[0]?.database, '0');
  assert.match(ours[0]?.source as string, /^127\.0\.0\.1:\d+$/);
  // A raw command on the monitoring connection: Redis treats a monitor as a replica.
  const raw = await ioredis();
  await raw.call('MONITOR');
  await assert.rejects(raw.get(`${k}key`), /Replica can't interact with the keyspace/);
});

test('SLOWLOG through ioredis and redis-cli: entries with arguments cut as Redis cuts them, LEN, RESET', async () => {
  const k = uniquePrefix('slowlog');
  const client = await ioredis();
  await client.client('SETNAME', 'slow-e2e');
  await client.config('SET', 'slowlog-log-slower-than', '0');
  try {
    await client.slowlog('RESET');
    await client.call('RPUSH', `${k}list`, ...Array.from({ length: 40 }, (_, index) => `v${index}`));
    await client.set(`${k}long`, 'x'.repeat(300));
    const entries = (await client.slowlog('GET', '2')) as [number, number, number, string[], string, string][];
    assert.equal(entries.length, 2);
    const [setEntry, pushEntry] = entries;
    assert.deepEqual(setEntry?.[3], ['set', `${k}long`, `${'x'.repeat(128)}... (172 more bytes)`]);
    assert.equal(pushEntry?.[3].length, 32);
    assert.equal(pushEntry?.[3][31], '... (11 more arguments)');
    assert.ok((setEntry?.[0] as number) > (pushEntry?.[0] as number), 'newest first');
    assert.ok(Math.abs((setEntry?.[1] as number) - Date.now() / 1000) < 60, 'a Unix timestamp in seconds');
    assert.ok((setEntry?.[2] as number) >= 0);
    assert.match(setEntry?.[4] as string, /^127\.0\.0\.1:\d+$/);
    assert.equal(setEntry?.[5], 'slow-e2e');
    assert.ok((await client.slowlog('LEN')) as number >= 3);
    const printed = await runTool('redis-cli', ['-h', '127.0.0.1', '-p', `${cache.current.port}`, '--no-raw', 'SLOWLOG', 'GET', '1']);
    assert.match(printed.stdout, /^1\) 1\) \(integer\) \d+\n {3}2\) \(integer\) \d+\n {3}3\) \(integer\) \d+\n {3}4\) 1\) "/);
  } finally {
    await client.config('SET', 'slowlog-log-slower-than', '10000');
  }
  assert.equal(await client.slowlog('RESET'), 'OK');
  assert.equal(await client.slowlog('LEN'), 0);
});

test('MEMORY through node-redis: USAGE, STATS (RESP2 and RESP3), DOCTOR, MALLOC-STATS, PURGE', async () => {
  const k = uniquePrefix('memory');
  for (const RESP of [2, 3] as const) {
    const client = await nodeRedis({ RESP });
    await client.set(`${k}s`, 'x'.repeat(1000));
    const usage = await client.memoryUsage(`${k}s`);
    assert.ok(typeof usage === 'number' && usage >= 1000 + `${k}s`.length, `MEMORY USAGE covers key and value: ${usage}`);
    assert.equal(await client.memoryUsage(`${k}missing`), null);
    const stats = (await client.memoryStats()) as Record<string, unknown>;
    assert.ok(Number(stats['keys.count']) >= 1, `keys.count ${String(stats['keys.count'])}`);
    assert.ok(Number(stats['total.allocated']) >= usage, 'total.allocated covers the key');
    assert.equal(typeof stats['dataset.percentage'], 'number', 'a double in both protocols');
    assert.ok(Number(stats['peak.allocated']) >= Number(stats['total.allocated']));
    assert.match(String(await client.memoryDoctor()), /Sam/);
    assert.equal(await client.memoryMallocStats(), 'Stats not supported for the current allocator');
    assert.equal(await client.memoryPurge(), 'OK');
    await client.del(`${k}s`);
  }
});

test('LATENCY through node-redis: a heavy command over latency-monitor-threshold shows in LATEST, HISTORY and DOCTOR; RESET', async () => {
  const k = uniquePrefix('latency');
  const client = await nodeRedis({ RESP: 3 });
  assert.match(String(await client.latencyDoctor()), /Latency monitoring is disabled/);
  await client.configSet('latency-monitor-threshold', '1');
  try {
    await client.latencyReset();
    const members = Array.from({ length: 200_000 }, (_, index) => `${(index * 7919) % 200_000}`);
    for (let offset = 0; offset < members.length; offset += 20_000) await client.rPush(`${k}list`, members.slice(offset, offset + 20_000));
    // Sorting 200,000 numbers is milliseconds of work whatever the machine: a spike over 1 ms.
    await client.sort(`${k}list`, { LIMIT: { offset: 0, count: 1 } });
    const latest = (await client.latencyLatest()) as unknown as [string, number, number, number][];
    const command = latest.find(([event]) => event === 'command');
    assert.ok(command !== undefined, `a command event: ${JSON.stringify(latest)}`);
    assert.ok(command[2] >= 1 && command[3] >= command[2]);
    assert.ok(Math.abs(command[1] - Date.now() / 1000) < 60);
    const history = (await client.latencyHistory('command')) as unknown as [number, number][];
    assert.ok(history.length >= 1);
    assert.match(String(await client.latencyDoctor()), /Dave, I have observed latency spikes in this Redis instance[\s\S]*\d\. command: \d+ latency spikes/);
    assert.ok((await client.latencyReset()) >= 1);
    assert.deepEqual(await client.latencyLatest(), []);
  } finally {
    await client.configSet('latency-monitor-threshold', '0');
    await client.del(`${k}list`);
  }
});

test('CLIENT TRACKING: node-redis v5 client-side cache (RESP3) serves repeated reads locally and drops a key another client changes', async () => {
  const k = uniquePrefix('tracking');
  const localCache = new BasicClientSideCache({ ttl: 0, maxEntries: 0 });
  const cached = await nodeRedis({ RESP: 3, clientSideCache: localCache });
  const writer = await ioredis();
  await writer.set(`${k}a`, 'one');
  assert.equal(await cached.get(`${k}a`), 'one');
  assert.equal(await cached.get(`${k}a`), 'one');
  assert.equal(localCache.stats().hitCount, 1, 'the second read came from the local cache');
  const info = (await cached.sendCommand(['CLIENT', 'TRACKINGINFO'])) as unknown;
  assert.match(JSON.stringify(info), /"on"/);
  await writer.set(`${k}a`, 'two');
  // Without the server's invalidation the local cache would answer 'one' forever.
  await waitFor('the invalidation to reach the client-side cache', async () => ((await cached.get(`${k}a`)) === 'two' ? true : undefined), { deadlineMs: 10_000, intervalMs: 20 });
  const hits = localCache.stats().hitCount;
  assert.equal(await cached.get(`${k}a`), 'two');
  assert.equal(localCache.stats().hitCount, hits + 1, 'cached again after the re-read');
});

test('CLIENT TRACKING with REDIRECT: a RESP2 ioredis subscriber of __redis__:invalidate receives the keys', async () => {
  const k = uniquePrefix('tracking-redirect');
  const listener = await ioredis();
  const listenerId = (await listener.client('ID')) as number;
  const messages: string[] = [];
  listener.on('messageBuffer', (_channel: Buffer, message: unknown) => messages.push(JSON.stringify(message)));
  await listener.subscribe('__redis__:invalidate');
  const tracker = await ioredis();
  assert.equal(await tracker.client('TRACKING', 'ON', 'REDIRECT', String(listenerId)), 'OK');
  await tracker.get(`${k}x`);
  const writer = await ioredis();
  await writer.set(`${k}x`, '1');
  await waitFor('the invalidation message', async () => (messages.length > 0 ? true : undefined), { deadlineMs: 10_000, intervalMs: 20 });
  assert.deepEqual(JSON.parse(messages[0] as string), [{ type: 'Buffer', data: [...Buffer.from(`${k}x`)] }]);
});

test('a MONITOR client that never reads is disconnected at the pub/sub output limit; others are served', async () => {
  const k = uniquePrefix('monitor-limit');
  const admin = await RawConnection.open(cache.current.port);
  const monitor = await RawConnection.open(cache.current.port);
  const writer = await RawConnection.open(cache.current.port);
  assert.equal(await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 512kb 60'), 'OK');
  try {
    assert.equal(await monitor.command('MONITOR'), 'OK');
    monitor.socket.pause();
    const value = Buffer.alloc(64 * 1024, 'v');
    let sent = 0;
    let monitoring = true;
    while (monitoring && sent < 256 * 1024 * 1024) {
      for (let index = 0; index < 8; index++) writer.sendCommand('SET', `${k}key`, value);
      for (let index = 0; index < 8; index++) assert.equal(await writer.reply(30_000), 'OK');
      sent += 8 * value.length;
      monitoring = String(await admin.command('CLIENT', 'LIST')).includes('flags=O');
    }
    assert.equal(monitoring, false, `the monitor was still connected after ${sent} bytes of commands`);
    assert.equal(await writer.command('PING'), 'PONG');
    monitor.discardIncoming();
    monitor.socket.resume();
    await monitor.waitClosed(30_000);
  } finally {
    assert.equal(await admin.command('CONFIG', 'SET', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60'), 'OK');
    await admin.command('DEL', `${k}key`);
  }
});
