/**
 * MONITOR, SLOWLOG, MEMORY and LATENCY through the engine with recording sinks and explicit clocks.
 * Expected lines and texts were taken from redis-server 7.0.15 (see cache-monitor.ts for the rules).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { monitorLine, quotedArgument, redactedArguments } from './cache-monitor.js';
import { CacheSlowlog, slowlogArguments } from './cache-slowlog.js';
import { memoryDoctorReport } from './cache-memory-report.js';
import { CacheLatencyMonitor, latencySamplesPerEvent } from './cache-latency-monitor.js';
import { createHarness } from './cache-engine-clocked.spec-helper.js';
import { renderReply } from './cache-session.spec-helper.js';
import { type RespValue } from './resp-value.js';

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

test('monitor: a binary argument is escaped byte for byte, and a line longer than allowed is not built', () => {
  const zeros = Buffer.alloc(300_000);
  const quoted = quotedArgument(zeros);
  assert.equal(quoted.length, 2 + 4 * zeros.length);
  assert.equal(quoted.slice(0, 9), '"\\x00\\x00');
  const input = { unixMicros: 1_000_000, databaseIndex: 0, address: '127.0.0.1:1', args: [Buffer.from('set'), zeros] };
  const head = '1.000000 [0 127.0.0.1:1] "set" ';
  assert.equal(monitorLine(input)?.length, head.length + quoted.length);
  assert.equal(monitorLine(input, head.length + quoted.length), `${head}${quoted}`);
  assert.equal(monitorLine(input, head.length + quoted.length - 1), null);
});

test('monitor: a line past the pub/sub hard limit disconnects the monitors it cannot fit, never the writer', () => {
  const { connect } = createHarness({ 'client-output-buffer-limit': 'normal 0 0 0 slave 0 0 0 pubsub 1000000 0 0' });
  const idle = connect();
  const busy = connect();
  const writer = connect();
  assert.deepEqual(idle.send('MONITOR'), ['+OK']);
  assert.deepEqual(busy.send('MONITOR'), ['+OK']);
  // 300 KB of NUL bytes quote to 1.2 MB: neither monitor can take the line, and the write is served.
  assert.deepEqual(writer.send('SET', 'k', Buffer.alloc(300_000)), ['+OK']);
  assert.deepEqual([idle.sink.closed, busy.sink.closed, writer.sink.closed], [true, true, false]);
  assert.deepEqual([idle.sink.take(), busy.sink.take()], [[], []]);

  // A small line goes to the monitor with room, and disconnects the one whose queue is full.
  const open = connect();
  const full = connect();
  open.send('MONITOR');
  full.send('MONITOR');
  full.sink.pendingOutputBytes = 999_990;
  assert.deepEqual(writer.send('SET', 'k', 'v'), ['+OK']);
  assert.deepEqual(open.sink.take(), ['+1700000000.123456 [0 127.0.0.1:5002] "SET" "k" "v"']);
  assert.deepEqual([open.sink.closed, full.sink.closed], [false, true]);
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
  assert.deepEqual(shown('ACL', 'SETUSER', 'bob', 'on', '>pw'), ['ACL', 'SETUSER', '(redacted)', '(redacted)', '(redacted)']);
  assert.deepEqual(shown('acl', 'getuser', 'bob'), ['acl', 'getuser', 'bob']);
  assert.deepEqual(shown('CONFIG', 'SET', 'hz', '10', 'RequirePass', 'pw'), ['CONFIG', 'SET', 'hz', '10', 'RequirePass', '(redacted)']);
  assert.deepEqual(shown('CONFIG', 'GET', 'requirepass'), ['CONFIG', 'GET', 'requirepass']);
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

test('slowlog: arguments are cut as slowlogCreateEntry cuts them, and copied', () => {
  const many = Array.from({ length: 33 }, (_, index) => Buffer.from(`a${index}`));
  const kept = slowlogArguments(many).map((argument) => argument.toString());
  assert.equal(kept.length, 32);
  assert.equal(kept[30], 'a30');
  assert.equal(kept[31], '... (2 more arguments)');
  assert.deepEqual(slowlogArguments(many.slice(0, 32)).map(String), many.slice(0, 32).map(String), 'exactly 32 arguments stay whole');
  const long = Buffer.alloc(200, 'x');
  const [cut] = slowlogArguments([long]);
  assert.equal(cut?.toString(), `${'x'.repeat(128)}... (72 more bytes)`);
  const exact = Buffer.alloc(128, 'y');
  const [whole] = slowlogArguments([exact]);
  assert.equal(whole?.length, 128);
  exact.fill('z');
  assert.equal(whole?.toString(), 'y'.repeat(128), 'an entry does not share the request bytes');
});

test('slowlog: the log keeps the newest slowlog-max-len entries; ids go on across drops and RESET', () => {
  const log = new CacheSlowlog();
  const entry = { unixSeconds: 1, durationMicros: 5, args: [], clientAddress: 'a:1', clientName: '' };
  for (let index = 0; index < 5000; index++) log.push(entry, 3);
  assert.equal(log.length, 3);
  assert.deepEqual(log.newest(10).map((kept) => kept.id), [4999, 4998, 4997]);
  log.push(entry, 0);
  assert.equal(log.length, 0, 'max-len 0 keeps nothing');
  log.reset();
  log.push(entry, 10);
  assert.deepEqual(log.newest(1).map((kept) => kept.id), [5001]);
});

test('slowlog: commands at or over slowlog-log-slower-than are logged with time, duration, arguments, address and name', () => {
  const { connect, clocks } = createHarness();
  const client = connect();
  client.send('CLIENT', 'SETNAME', 'app');
  clocks.stepMicros = 9_999;
  client.send('SET', 'fast', 'v');
  assert.deepEqual(client.send('SLOWLOG', 'LEN'), [':0'], '9,999 µs is under the default 10,000');
  clocks.stepMicros = 10_000;
  clocks.nowMs += 5_000;
  client.send('DEL', 'fast');
  clocks.stepMicros = 0;
  assert.deepEqual(client.send('SLOWLOG', 'GET'), [`[[:0, :1700000005, :10000, ["DEL", "fast"], "${client.client.address}", "app"]]`]);
  assert.deepEqual(client.send('SLOWLOG', 'LEN'), [':1']);
  assert.deepEqual(client.send('SLOWLOG', 'RESET'), ['+OK']);
  assert.deepEqual(client.send('SLOWLOG', 'GET'), ['[]']);
});

test('slowlog: 0 logs every command (fast ones too), -1 none; EXEC is skipped, its commands are not; AUTH is redacted', () => {
  const { connect, clocks, engine } = createHarness({ 'slowlog-log-slower-than': 0 });
  const client = connect();
  for (let index = 0; index < 20; index++) client.send('GET', 'k');
  assert.equal(engine.slowlog.length, 20, 'every GET, not one in eight');
  client.send('SLOWLOG', 'RESET');
  clocks.stepMicros = 1;
  client.send('MULTI');
  client.send('INCR', 'n');
  client.send('EXEC');
  client.send('AUTH', 'secret');
  client.send('HELLO', '2', 'AUTH', 'default', 'secret');
  const names = engine.slowlog.newest(-1 >>> 0).map((entry) => entry.args.map(String).join(' '));
  assert.deepEqual(names, ['HELLO 2 AUTH (redacted) (redacted)', 'AUTH (redacted)', 'INCR n', 'MULTI', 'SLOWLOG RESET']);
  client.send('CONFIG', 'SET', 'slowlog-log-slower-than', '-1');
  client.send('SLOWLOG', 'RESET');
  client.send('GET', 'k');
  assert.deepEqual(client.send('SLOWLOG', 'LEN'), [':0']);
});

test('slowlog: a command that blocked is logged when it is served', () => {
  const { connect, clocks, engine } = createHarness({ 'slowlog-log-slower-than': 0 });
  const waiter = connect();
  const pusher = connect();
  clocks.stepMicros = 3;
  waiter.send('BLPOP', 'q', '0');
  assert.equal(engine.slowlog.length, 0);
  pusher.send('LPUSH', 'q', 'x');
  assert.deepEqual(engine.slowlog.newest(10).map((entry) => entry.args.map(String).join(' ')), ['BLPOP q 0', 'LPUSH q x']);
});

test('slowlog: GET count, max-len, HELP and the error texts of redis-server 7.0.15', () => {
  const { connect } = createHarness({ 'slowlog-log-slower-than': 0 });
  const client = connect();
  for (let index = 0; index < 15; index++) client.send('PING');
  assert.equal(client.send('SLOWLOG', 'GET')[0]?.split('], [').length, 10, 'ten by default');
  assert.equal(client.send('SLOWLOG', 'GET', '2')[0]?.split('], [').length, 2);
  assert.equal(client.send('SLOWLOG', 'GET', '-1')[0]?.split('], [').length, 17, 'all: 15 PINGs and the 2 SLOWLOG GETs before');
  assert.deepEqual(client.send('SLOWLOG', 'GET', '0'), ['[]']);
  assert.deepEqual(client.send('SLOWLOG', 'GET', '-2'), ['-ERR count should be greater than or equal to -1']);
  assert.deepEqual(client.send('SLOWLOG', 'GET', 'x'), ['-ERR count should be greater than or equal to -1']);
  assert.deepEqual(client.send('SLOWLOG', 'GET', '1', '2'), ["-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP."]);
  assert.deepEqual(client.send('SLOWLOG', 'LEN', 'x'), ["-ERR wrong number of arguments for 'slowlog|len' command"]);
  assert.deepEqual(client.send('slowlog', 'foo'), ["-ERR unknown subcommand 'foo'. Try SLOWLOG HELP."]);
  assert.deepEqual(client.send('SLOWLOG'), ["-ERR wrong number of arguments for 'slowlog' command"]);
  const help = client.send('SLOWLOG', 'HELP')[0] as string;
  assert.ok(help.startsWith('[+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:, +GET [<count>], '));
  assert.ok(help.endsWith('+RESET, +    Reset the slowlog., +HELP, +    Prints this help.]'));
  client.send('CONFIG', 'SET', 'slowlog-max-len', '3');
  assert.deepEqual(client.send('SLOWLOG', 'LEN'), [':3'], 'CONFIG SET itself was logged, which trimmed the log');
  assert.deepEqual(client.send('CONFIG', 'SET', 'slowlog-log-slower-than', '-2'), [
    "-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 and 9223372036854775807 inclusive",
  ]);
  assert.deepEqual(client.send('CONFIG', 'GET', 'slowlog-*'), ['{"slowlog-log-slower-than": "0", "slowlog-max-len": "3"}']);
});

test('memory: USAGE is the keyspace estimate (overhead + key + value), nil for a missing key; SAMPLES is checked as Redis', () => {
  const { connect } = createHarness();
  const client = connect();
  client.send('SET', 'key', 'x'.repeat(100));
  assert.deepEqual(client.send('MEMORY', 'USAGE', 'key'), [`:${96 + 3 + 100}`]);
  assert.deepEqual(client.send('MEMORY', 'USAGE', 'key', 'SAMPLES', '0'), [`:${96 + 3 + 100}`]);
  client.send('APPEND', 'key', 'yy');
  assert.deepEqual(client.send('MEMORY', 'USAGE', 'key'), [`:${96 + 3 + 102}`]);
  client.send('RPUSH', 'list', 'a', 'b', 'c');
  const listUsage = Number((client.send('MEMORY', 'USAGE', 'list')[0] as string).slice(1));
  client.send('RPUSH', 'list', 'd'.repeat(1000));
  assert.ok(Number((client.send('MEMORY', 'USAGE', 'list')[0] as string).slice(1)) >= listUsage + 1000, 'a collection grows with its members');
  assert.deepEqual(client.send('MEMORY', 'USAGE', 'missing'), ['(nil)']);
  assert.deepEqual(client.send('MEMORY', 'USAGE', 'key', 'SAMPLES', '-1'), ['-ERR syntax error']);
  assert.deepEqual(client.send('MEMORY', 'USAGE', 'key', 'SAMPLES', 'x'), ['-ERR value is not an integer or out of range']);
  assert.deepEqual(client.send('MEMORY', 'USAGE', 'key', 'SAMPLES'), ['-ERR syntax error']);
  assert.deepEqual(client.send('MEMORY', 'USAGE', 'key', 'BOGUS', '1'), ['-ERR syntax error']);
  assert.deepEqual(client.send('MEMORY', 'USAGE'), ["-ERR wrong number of arguments for 'memory|usage' command"]);
});

test('memory: STATS has Redis 7.0 fields in its order, with a map per non-empty database', () => {
  const { connect, engine } = createHarness();
  const client = connect();
  client.send('SET', 'a', '1');
  client.send('SELECT', '3');
  client.send('SET', 'b', '2');
  client.send('SET', 'c', '3');
  engine.execute(client.client, [Buffer.from('MEMORY'), Buffer.from('STATS')], 0);
  const reply = client.sink.sent.pop();
  assert.equal(reply?.type, 'map');
  const entries = reply.type === 'map' ? reply.entries : [];
  const names = entries.map(([name]) => renderReply(name));
  assert.deepEqual(names.slice(0, 13), [
    '"peak.allocated"', '"total.allocated"', '"startup.allocated"', '"replication.backlog"', '"clients.slaves"', '"clients.normal"',
    '"cluster.links"', '"aof.buffer"', '"lua.caches"', '"functions.caches"', '"db.0"', '"db.3"', '"overhead.total"',
  ]);
  assert.equal(names.at(-1), '"fragmentation.bytes"');
  assert.equal(names.length, 29, '27 fields and two databases');
  const value = (name: string) => renderReply(entries.find(([key]) => renderReply(key) === `"${name}"`)?.[1] as RespValue);
  assert.equal(value('keys.count'), ':3');
  assert.equal(value('total.allocated'), `:${engine.keyspace.usedMemoryBytes}`);
  assert.equal(value('db.3'), '{"overhead.hashtable.main": :192, "overhead.hashtable.expires": :0, "overhead.hashtable.slot-to-keys": :0}');
  assert.equal(value('peak.percentage'), '(double) 100');
});

test('memory: DOCTOR reports with Redis texts and thresholds; MALLOC-STATS, PURGE and HELP', () => {
  const facts = { usedBytes: 1000, peakBytes: 1000, clientsBytes: 0, clientCount: 1, residentBytes: 50_000_000, keysByDatabase: [{ databaseIndex: 0, keyCount: 1 }] };
  assert.match(memoryDoctorReport(facts), /^Hi Sam, this instance is empty or is using very little memory/);
  const big = { ...facts, usedBytes: 10 * 1024 * 1024, peakBytes: 10 * 1024 * 1024 };
  assert.equal(memoryDoctorReport(big), "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n");
  const afterPeak = memoryDoctorReport({ ...big, peakBytes: 20 * 1024 * 1024 });
  assert.match(afterPeak, /^Sam, I detected a few issues in this Redis instance memory implants:\n\n \* Peak memory: /);
  assert.match(afterPeak, /I'm here to keep you safe, Sam\. I want to help you\.\n$/);
  assert.match(memoryDoctorReport({ ...big, clientsBytes: 2 * 1024 * 1024, clientCount: 4 }), / \* Big client buffers: /);
  const { connect } = createHarness();
  const client = connect();
  assert.match(client.send('MEMORY', 'DOCTOR')[0] as string, /"verbatim-string".*Hi Sam, this instance is empty/);
  assert.deepEqual(client.send('MEMORY', 'MALLOC-STATS'), ['"Stats not supported for the current allocator"']);
  assert.deepEqual(client.send('MEMORY', 'PURGE'), ['+OK']);
  assert.match(client.send('MEMORY', 'HELP')[0] as string, /^\[\+MEMORY <subcommand> .*\+USAGE <key> \[SAMPLES <count>\], .*\+HELP, \+ {4}Prints this help\.\]$/);
  assert.deepEqual(client.send('MEMORY', 'FOO'), ["-ERR unknown subcommand 'FOO'. Try MEMORY HELP."]);
});

test('latency: one sample per second per event (the worst), 160 seconds kept, the worst ever apart', () => {
  const monitor = new CacheLatencyMonitor();
  monitor.addSampleIfNeeded('command', 50, 0, 100);
  assert.deepEqual(monitor.latest(), [], 'threshold 0: disabled');
  monitor.addSampleIfNeeded('command', 4, 5, 100);
  assert.deepEqual(monitor.latest(), [], 'under the threshold');
  monitor.addSampleIfNeeded('command', 7, 5, 100);
  monitor.addSampleIfNeeded('command', 9, 5, 100);
  monitor.addSampleIfNeeded('command', 6, 5, 100);
  assert.deepEqual(monitor.history('command'), [{ unixSeconds: 100, latencyMs: 9 }]);
  for (let second = 101; second < 101 + latencySamplesPerEvent; second++) monitor.addSample('command', 5, second);
  const history = monitor.history('COMMAND');
  assert.equal(history.length, latencySamplesPerEvent);
  assert.deepEqual(history[0], { unixSeconds: 101, latencyMs: 5 }, 'the oldest second fell off');
  assert.deepEqual(monitor.latest(), [{ event: 'command', unixSeconds: 260, latencyMs: 5, maxMs: 9 }]);
  monitor.addSample('expire-cycle', 12, 300);
  assert.equal(monitor.reset(['Expire-Cycle', 'nosuch']), 1);
  assert.equal(monitor.reset(null), 1);
  assert.deepEqual(monitor.latest(), []);
});

test('latency: the doctor report has Redis 7.0 texts for what was seen', () => {
  const monitor = new CacheLatencyMonitor();
  const settings = { thresholdMs: 0, slowlogSlowerThanMicros: 10_000, hz: 10, nowSeconds: 1_000 };
  assert.match(monitor.doctorReport(settings), /^I'm sorry, Dave, I can't do that\. Latency monitoring is disabled/);
  assert.match(monitor.doctorReport({ ...settings, thresholdMs: 5 }), /^Dave, no latency spike was observed/);
  monitor.addSample('command', 20, 990);
  monitor.addSample('command', 10, 995);
  monitor.addSample('expire-cycle', 7, 999);
  assert.equal(
    monitor.doctorReport({ ...settings, thresholdMs: 5 }),
    "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n" +
      '1. command: 2 latency spikes (average 15ms, mean deviation 5ms, period 5.00 sec). Worst all time event 20ms.\n' +
      '2. expire-cycle: 1 latency spikes (average 7ms, mean deviation 0ms, period 1.00 sec). Worst all time event 7ms.\n' +
      '\nI have a few advices for you:\n\n' +
      "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than 5000'.\n" +
      '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n' +
      "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n" +
      '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n',
  );
});

test('latency: the engine records command, fast-command and expire-cycle spikes over latency-monitor-threshold', () => {
  const { connect, clocks, engine } = createHarness();
  const client = connect();
  clocks.stepMicros = 7_000;
  client.send('DEL', 'k');
  assert.deepEqual(client.send('LATENCY', 'LATEST'), ['[]'], 'disabled by default');
  clocks.stepMicros = 0;
  client.send('CONFIG', 'SET', 'latency-monitor-threshold', '5');
  clocks.stepMicros = 7_000;
  client.send('DEL', 'k');
  client.send('GET', 'k');
  clocks.stepMicros = 3_000;
  client.send('DEL', 'k');
  clocks.nowMs += 1_000;
  clocks.stepMicros = 6_000;
  engine.tick(clocks.nowMs);
  clocks.stepMicros = 0;
  assert.deepEqual(client.send('LATENCY', 'LATEST'), [
    '[["command", :1700000000, :7, :7], ["fast-command", :1700000000, :7, :7], ["expire-cycle", :1700000001, :6, :6]]',
  ]);
  assert.deepEqual(client.send('LATENCY', 'HISTORY', 'command'), ['[[:1700000000, :7]]']);
  assert.deepEqual(client.send('LATENCY', 'HISTORY', 'nosuch'), ['[]']);
  assert.match(client.send('LATENCY', 'DOCTOR')[0] as string, /1\. command: 1 latency spikes/);
  assert.deepEqual(client.send('LATENCY', 'GRAPH', 'nosuch'), ["-ERR No samples available for event 'nosuch'"]);
  assert.deepEqual(client.send('LATENCY', 'RESET', 'command'), [':1']);
  assert.deepEqual(client.send('LATENCY', 'RESET'), [':2']);
  assert.deepEqual(client.send('LATENCY', 'LATEST'), ['[]']);
  assert.match(client.send('LATENCY', 'HELP')[0] as string, /^\[\+LATENCY <subcommand> /);
});
