/**
 * MONITOR, SLOWLOG, MEMORY and LATENCY through the engine with recording sinks and explicit clocks.
 * Expected lines and texts were taken from redis-server 7.0.15 (see cache-monitor.ts for the rules).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CacheClient, type CacheClientSink } from './cache-client.js';
import { cacheConfigDefaults, type CacheConfigValues } from './cache-config.js';
import { CacheEngine } from './cache-engine.js';
import { monitorLine, quotedArgument, redactedArguments } from './cache-monitor.js';
import { renderReply, seededRandom } from './cache-session.spec-helper.js';
import { type RespValue } from './resp-value.js';

class RecordingSink implements CacheClientSink {
  readonly sent: RespValue[] = [];
  closed = false;
  pendingOutputBytes = 0;
  send(value: RespValue): void {
    this.sent.push(value);
  }
  close(): void {
    this.closed = true;
  }
  resume(): void {}
  take(): string[] {
    return this.sent.splice(0).map(renderReply);
  }
}

interface Clocks {
  nowMs: number;
  monotonicMicros: number;
  wallMicros: number;
}

function createHarness(config: Partial<CacheConfigValues> = {}) {
  const clocks: Clocks = { nowMs: 1_700_000_000_000, monotonicMicros: 0, wallMicros: 1_700_000_000_123_456 };
  const engine = new CacheEngine({
    random: seededRandom(3),
    config: cacheConfigDefaults(config),
    host: {
      processId: 1,
      runId: 'r'.repeat(40),
      executable: '/bin/objectbox',
      os: 'Test',
      architectureBits: 64,
      serverVersion: '0.0.0',
      tcpPort: () => 6379,
      residentMemoryBytes: () => 1_000_000,
      cpuSeconds: () => ({ user: 0, system: 0 }),
    },
    monotonicMicros: () => clocks.monotonicMicros,
    wallClockMicros: () => clocks.wallMicros,
    startedAtMs: clocks.nowMs,
  });
  let port = 5000;
  function connect() {
    const sink = new RecordingSink();
    const client: CacheClient = engine.connect({ sink, address: `127.0.0.1:${port++}`, localAddress: '127.0.0.1:6379', nowMs: clocks.nowMs });
    return {
      client,
      sink,
      send(...words: (string | Buffer)[]): string[] {
        engine.execute(client, words.map((word) => (typeof word === 'string' ? Buffer.from(word, 'latin1') : word)), clocks.nowMs);
        return sink.take();
      },
    };
  }
  return { engine, clocks, connect };
}

test('monitor: sdscatrepr quoting and the line layout', () => {
  assert.equal(quotedArgument(Buffer.from('a b')), '"a b"');
  assert.equal(quotedArgument(Buffer.from('x"y\\z')), '"x\\"y\\\\z"');
  assert.equal(quotedArgument(Buffer.from([0x01, 0x0a, 0xff, 0x09, 0x0d, 0x07, 0x08, 0x7f, 0x20, 0x7e])), '"\\x01\\n\\xff\\t\\r\\a\\b\\x7f ~"');
  assert.equal(quotedArgument(Buffer.alloc(0)), '""');
  assert.equal(
    monitorLine({ unixMicros: 1_796_124_837_000_042, databaseIndex: 2, address: '127.0.0.1:59632', args: [Buffer.from('set'), Buffer.from('k')] }),
    '1796124837.000042 [2 127.0.0.1:59632] "set" "k"',
  );
});

test('monitor: AUTH and HELLO AUTH are redacted as Redis redacts them', () => {
  const words = (...items: string[]) => items.map((item) => Buffer.from(item));
  const shown = (...items: string[]) => redactedArguments(words(...items)).map((argument) => argument.toString());
  assert.deepEqual(shown('AUTH', 'pw'), ['AUTH', '(redacted)']);
  assert.deepEqual(shown('auth', 'user', 'pw'), ['auth', '(redacted)', '(redacted)']);
  // More than two arguments: a syntax error before any redaction.
  assert.deepEqual(shown('AUTH', 'a', 'b', 'c'), ['AUTH', 'a', 'b', 'c']);
  assert.deepEqual(shown('HELLO', '3', 'AUTH', 'u', 'p', 'SETNAME', 'n'), ['HELLO', '3', 'AUTH', '(redacted)', '(redacted)', 'SETNAME', 'n']);
  assert.deepEqual(shown('HELLO', '3', 'SETNAME', 'n', 'auth', 'u', 'p'), ['HELLO', '3', 'SETNAME', 'n', 'auth', '(redacted)', '(redacted)']);
  // A bad version or a bad option stops HELLO's parsing, and with it the redaction.
  assert.deepEqual(shown('HELLO', '4', 'AUTH', 'u', 'p'), ['HELLO', '4', 'AUTH', 'u', 'p']);
  assert.deepEqual(shown('HELLO', '3', 'BOGUS', 'AUTH', 'u', 'p'), ['HELLO', '3', 'BOGUS', 'AUTH', 'u', 'p']);
  assert.deepEqual(shown('HELLO', '3', 'AUTH', 'u'), ['HELLO', '3', 'AUTH', 'u']);
  assert.deepEqual(shown('GET', 'auth'), ['GET', 'auth']);
});

test('monitor: lines for what ran, in Redis 7 order, without admin commands or refused requests', () => {
  const { connect, clocks } = createHarness();
  const monitor = connect();
  assert.deepEqual(monitor.send('MONITOR'), ['+OK']);
  const other = connect();
  const prefix = (db: number) => `+1700000000.123456 [${db} ${other.client.address}]`;
  other.send('SELECT', '3');
  other.send('set', 'a b', 'x"y\\z');
  other.send('MULTI');
  other.send('SET', 'a', '1');
  other.send('INCR', 'a');
  other.send('EXEC');
  other.send('GETX');
  other.send('GET');
  other.send('CONFIG', 'GET', 'maxmemory');
  other.send('CLIENT', 'LIST');
  other.send('CLIENT', 'BOGUS');
  other.send('CLIENT', 'SETNAME', 'zz');
  other.send('DEBUG', 'SLEEP', '0');
  other.send('AUTH', 'nopass');
  other.send('SET', 'k', 'v');
  other.send('INCR', 'k');
  clocks.wallMicros += 1_000_001;
  other.send('PING');
  assert.deepEqual(monitor.sink.take(), [
    `${prefix(3)} "SELECT" "3"`,
    `${prefix(3)} "set" "a b" "x\\"y\\\\z"`,
    `${prefix(3)} "MULTI"`,
    `${prefix(3)} "SET" "a" "1"`,
    `${prefix(3)} "INCR" "a"`,
    `${prefix(3)} "EXEC"`,
    `${prefix(3)} "CLIENT" "SETNAME" "zz"`,
    `${prefix(3)} "AUTH" "(redacted)"`,
    `${prefix(3)} "SET" "k" "v"`,
    `${prefix(3)} "INCR" "k"`,
    `+1700000001.123457 [3 ${other.client.address}] "PING"`,
  ]);
});

test('monitor: a blocked command is shown once, when it first runs', () => {
  const { connect } = createHarness();
  const monitor = connect();
  monitor.send('MONITOR');
  const waiter = connect();
  const pusher = connect();
  assert.deepEqual(waiter.send('BLPOP', 'list', '0'), []);
  pusher.send('RPUSH', 'list', 'x');
  assert.deepEqual(waiter.sink.take(), ['["list", "x"]']);
  assert.deepEqual(
    monitor.sink.take().map((line) => line.replace(/^.*\] /, '')),
    ['"BLPOP" "list" "0"', '"RPUSH" "list" "x"'],
  );
});

test('monitor: the monitoring client may not touch keys, sees its own commands after their replies, and RESET ends it', () => {
  const { connect } = createHarness();
  const monitor = connect();
  assert.deepEqual(monitor.send('MONITOR'), ['+OK']);
  assert.deepEqual(monitor.send('GET', 'x'), ["-ERR Replica can't interact with the keyspace"]);
  assert.deepEqual(monitor.send('SET', 'x', '1'), ["-ERR Replica can't interact with the keyspace"]);
  assert.deepEqual(monitor.send('OBJECT', 'ENCODING', 'x'), ["-ERR Replica can't interact with the keyspace"]);
  const ping = monitor.send('PING');
  assert.equal(ping.length, 2);
  assert.equal(ping[0], '+PONG');
  assert.match(ping[1] as string, /^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "PING"$/);
  // MONITOR again: no reply at all.
  assert.deepEqual(monitor.send('MONITOR'), []);
  const list = monitor.send('CLIENT', 'INFO');
  assert.match(list[0] as string, / flags=O /);
  assert.deepEqual(monitor.send('RESET'), ['+RESET']);
  const other = connect();
  other.send('SET', 'x', '1');
  assert.deepEqual(monitor.sink.take(), []);
  assert.deepEqual(monitor.send('GET', 'x'), ['"1"']);
});

test('monitor: MONITOR inside MULTI fails at EXEC; a disconnected monitor is forgotten', () => {
  const { connect, engine } = createHarness();
  const client = connect();
  client.send('MULTI');
  assert.deepEqual(client.send('MONITOR'), ['+QUEUED']);
  assert.deepEqual(client.send('EXEC'), ["[-ERR MONITOR isn't allowed for DENY BLOCKING client]"]);
  assert.equal(client.client.isMonitor, false);
  const monitor = connect();
  monitor.send('MONITOR');
  assert.equal(engine.monitors.size, 1);
  engine.disconnect(monitor.client);
  assert.equal(engine.monitors.size, 0);
  client.send('PING');
});
