/**
 * The engine with recording sinks in place of sockets: dispatch order, MULTI/EXEC/WATCH, blocking
 * and wake-up, pub/sub delivery, AUTH, CLIENT REPLY, QUIT, eviction and CONFIG, with an explicit
 * clock. Cases follow Redis's tests/unit/multi.tcl, pubsub.tcl, auth.tcl, maxmemory.tcl.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CacheClient, type CacheClientSink } from './cache-client.js';
import { cacheConfigDefaults, type CacheConfigValues } from './cache-config.js';
import { CacheEngine, type CacheEngineOptions } from './cache-engine.js';
import { cacheCommandTable } from './cache-commands.js';
import { renderReply, seededRandom } from './cache-session.spec-helper.js';
import { CacheSettingsMachine, encodeCacheSettingsCommand, type CacheSettingsCommand } from './cache-settings.js';
import { type RespValue } from './resp-value.js';

class RecordingSink implements CacheClientSink {
  readonly sent: RespValue[] = [];
  closed = false;
  resumed = 0;
  pendingOutputBytes = 0;
  send(value: RespValue): void {
    this.sent.push(value);
  }
  close(): void {
    this.closed = true;
  }
  resume(): void {
    this.resumed++;
  }
  /** Rendered replies since the last call. */
  take(): string[] {
    return this.sent.splice(0).map(renderReply);
  }
}

interface Harness {
  engine: CacheEngine;
  nowMs: number;
  connect(): { client: CacheClient; sink: RecordingSink; send(...words: string[]): string[] };
}

function createHarness(config: Partial<CacheConfigValues> = {}, extra: Partial<Pick<CacheEngineOptions, 'extraCommands' | 'onInternalError' | 'monotonicMicros'>> = {}): Harness {
  const harness: Harness = {
    nowMs: 1_700_000_000_000,
    engine: new CacheEngine({
      random: seededRandom(7),
      config: cacheConfigDefaults(config),
      host: {
        processId: 1,
        runId: 'r'.repeat(40),
        executable: '/bin/objectbox',
        os: 'Test',
        architectureBits: 64,
        serverVersion: '0.0.0',
        tcpPort: () => 6379,
        residentMemoryBytes: () => 0,
        cpuSeconds: () => ({ user: 0, system: 0 }),
      },
      monotonicMicros: () => 0,
      startedAtMs: 1_700_000_000_000,
      ...extra,
    }),
    connect() {
      const sink = new RecordingSink();
      const client = harness.engine.connect({ sink, address: '127.0.0.1:5000', localAddress: '127.0.0.1:6379', nowMs: harness.nowMs });
      return {
        client,
        sink,
        send(...words: string[]) {
          harness.engine.execute(client, words.map((word) => Buffer.from(word, 'latin1')), harness.nowMs);
          return sink.take();
        },
      };
    },
  };
  return harness;
}

test('engine: MULTI/EXEC queues and runs; nested MULTI and EXEC/DISCARD without MULTI are errors', () => {
  const { connect } = createHarness();
  const a = connect();
  assert.deepEqual(a.send('EXEC'), ['-ERR EXEC without MULTI']);
  assert.deepEqual(a.send('DISCARD'), ['-ERR DISCARD without MULTI']);
  assert.deepEqual(a.send('MULTI'), ['+OK']);
  assert.deepEqual(a.send('MULTI'), ['-ERR MULTI calls can not be nested']);
  assert.deepEqual(a.send('SET', 'k', '1'), ['+QUEUED']);
  assert.deepEqual(a.send('INCR', 'k'), ['+QUEUED']);
  assert.deepEqual(a.send('GET', 'k'), ['+QUEUED']);
  assert.deepEqual(a.send('EXEC'), ['[+OK, :2, "2"]']);
  assert.deepEqual(a.send('MULTI'), ['+OK']);
  assert.deepEqual(a.send('SET', 'k', 'x'), ['+QUEUED']);
  assert.deepEqual(a.send('DISCARD'), ['+OK']);
  assert.deepEqual(a.send('GET', 'k'), ['"2"']);
});

test('engine: a queued error aborts EXEC with EXECABORT; a runtime error does not abort the rest', () => {
  const { connect } = createHarness();
  const a = connect();
  a.send('MULTI');
  assert.deepEqual(a.send('SET', 'k'), ["-ERR wrong number of arguments for 'set' command"]);
  assert.deepEqual(a.send('NOSUCH'), ["-ERR unknown command 'NOSUCH', with args beginning with: "]);
  assert.deepEqual(a.send('SET', 'k', 'v'), ['+QUEUED']);
  assert.deepEqual(a.send('EXEC'), ['-EXECABORT Transaction discarded because of previous errors.']);
  assert.deepEqual(a.send('GET', 'k'), ['(nil)']);
  a.send('SET', 's', 'text');
  a.send('MULTI');
  a.send('INCR', 's');
  a.send('SET', 'k', 'v');
  assert.deepEqual(a.send('EXEC'), ['[-ERR value is not an integer or out of range, +OK]']);
});

test('engine: EXEC itself refused answers EXECABORT with the reason and discards the transaction (execCommandAbort; checked against redis-server 7.0.15)', () => {
  const harness = createHarness({ requirepass: 'secret' });
  const a = harness.connect();
  assert.deepEqual(a.send('EXEC'), ['-EXECABORT Transaction discarded because of: NOAUTH Authentication required.']);
  a.send('AUTH', 'secret');
  assert.deepEqual(a.send('EXEC', 'x'), ["-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command"]);
  a.send('MULTI');
  a.send('SET', 'k', 'v');
  assert.deepEqual(a.send('EXEC', 'x'), ["-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command"]);
  assert.deepEqual(a.send('EXEC'), ['-ERR EXEC without MULTI'], 'the transaction is gone');
  assert.deepEqual(a.send('GET', 'k'), ['(nil)']);
  a.send('SUBSCRIBE', 'ch');
  assert.deepEqual(a.send('EXEC'), [
    "-EXECABORT Transaction discarded because of: Can't execute 'exec': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
  ]);
});

test('engine: WATCH aborts EXEC when another client modifies, flushes, or the key expires; UNWATCH clears', () => {
  const harness = createHarness();
  const a = harness.connect();
  const b = harness.connect();
  a.send('SET', 'x', '1');
  assert.deepEqual(a.send('WATCH', 'x'), ['+OK']);
  b.send('SET', 'x', '2');
  a.send('MULTI');
  a.send('SET', 'x', '3');
  assert.deepEqual(a.send('EXEC'), ['(nil)']);
  assert.deepEqual(a.send('GET', 'x'), ['"2"']);

  a.send('WATCH', 'x');
  a.send('MULTI');
  assert.deepEqual(a.send('WATCH', 'y'), ['-ERR WATCH inside MULTI is not allowed']);
  a.send('SET', 'x', '4');
  assert.deepEqual(a.send('EXEC'), ['[+OK]'], 'nothing changed: EXEC runs');

  a.send('WATCH', 'x');
  b.send('FLUSHDB');
  a.send('MULTI');
  a.send('PING');
  assert.deepEqual(a.send('EXEC'), ['(nil)'], 'FLUSHDB touches watched keys');

  a.send('SET', 'e', 'v', 'PX', '100');
  a.send('WATCH', 'e');
  harness.nowMs += 200;
  a.send('MULTI');
  a.send('PING');
  assert.deepEqual(a.send('EXEC'), ['(nil)'], 'a watched key that expired aborts');

  a.send('WATCH', 'x');
  b.send('SET', 'x', '5');
  a.send('UNWATCH');
  a.send('MULTI');
  a.send('PING');
  assert.deepEqual(a.send('EXEC'), ['[+PONG]']);
});

test('engine: WATCH of a key already expired when watched: its removal, or a flush or swap that leaves it absent or expired, is no change (multi.tcl, Redis 7)', () => {
  const harness = createHarness();
  const a = harness.connect();
  const b = harness.connect();
  const execAfterPing = () => {
    a.send('MULTI');
    a.send('PING');
    return a.send('EXEC');
  };
  a.send('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  a.send('SET', 'x', 'foo', 'PX', '1');
  harness.nowMs += 2;
  a.send('WATCH', 'x');
  assert.deepEqual(b.send('EXISTS', 'x'), [':0'], 'lazy expiry removes it');
  assert.deepEqual(execAfterPing(), ['[+PONG]']);

  a.send('SET', 'x', 'foo', 'PX', '1');
  harness.nowMs += 2;
  a.send('WATCH', 'x');
  b.send('SET', 'x', 'new');
  assert.deepEqual(execAfterPing(), ['(nil)'], 'written again: a change');

  a.send('SET', 'x', 'foo', 'PX', '1');
  harness.nowMs += 2;
  a.send('WATCH', 'x');
  b.send('FLUSHDB');
  assert.deepEqual(execAfterPing(), ['[+PONG]'], 'FLUSHDB of an expired key');

  a.send('WATCH', 'absent');
  b.send('SET', 'other', 'v');
  b.send('FLUSHALL');
  assert.deepEqual(execAfterPing(), ['[+PONG]'], 'FLUSHALL does not touch a key that was not there');

  // SWAPDB: an absent key replaced by an expired one, then that database swapped back.
  b.send('SELECT', '1');
  b.send('SET', 'y', 'foo', 'PX', '1');
  harness.nowMs += 2;
  a.send('WATCH', 'y');
  b.send('SWAPDB', '0', '1');
  assert.deepEqual(execAfterPing(), ['[+PONG]'], 'replaced by an expired key');
  a.send('WATCH', 'y');
  b.send('SWAPDB', '0', '1');
  assert.deepEqual(execAfterPing(), ['[+PONG]'], 'an expired key replaced by an absent one');
  b.send('SET', 'y', 'live');
  a.send('WATCH', 'y');
  b.send('SWAPDB', '0', '1');
  assert.deepEqual(execAfterPing(), ['(nil)'], 'an absent key replaced by a live one');
  a.send('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
});

test('engine: over maxmemory, MULTI refuses whatever is queued (and EXEC then aborts); EXEC of queued writes is refused, DISCARD is not (multi.tcl)', () => {
  const harness = createHarness();
  const a = harness.connect();
  const admin = harness.connect();
  admin.send('SET', 'filler', 'x'.repeat(100));
  a.send('MULTI');
  assert.deepEqual(a.send('SET', 'foo1', 'bar1'), ['+QUEUED']);
  admin.send('CONFIG', 'SET', 'maxmemory', '1');
  assert.deepEqual(a.send('GET', 'foo1'), ["-OOM command not allowed when used memory > 'maxmemory'."]);
  admin.send('CONFIG', 'SET', 'maxmemory', '0');
  assert.deepEqual(a.send('SET', 'foo2', 'bar2'), ['+QUEUED']);
  assert.deepEqual(a.send('EXEC'), ['-EXECABORT Transaction discarded because of previous errors.']);
  assert.deepEqual(a.send('EXISTS', 'foo1', 'foo2'), [':0']);

  a.send('MULTI');
  a.send('SET', 'x', '1');
  admin.send('CONFIG', 'SET', 'maxmemory', '1');
  assert.deepEqual(a.send('EXEC'), ["-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'."]);
  a.send('MULTI');
  assert.match(a.send('SET', 'x', '1')[0] ?? '', /^-OOM/);
  assert.deepEqual(a.send('DISCARD'), ['+OK']);
  admin.send('CONFIG', 'SET', 'maxmemory', '0');
  assert.deepEqual(a.send('PING'), ['+PONG']);
});

test('engine: BLPOP parks the client until a push from another client, then answers it', () => {
  const harness = createHarness();
  const a = harness.connect();
  const b = harness.connect();
  assert.deepEqual(a.send('BLPOP', 'q', '0'), []);
  assert.ok(a.client.blocked !== null);
  assert.equal(harness.engine.blockedClientCount, 1);
  assert.deepEqual(b.send('RPUSH', 'q', 'job'), [':1']);
  assert.deepEqual(a.sink.take(), ['["q", "job"]']);
  assert.equal(a.client.blocked, null);
  assert.equal(a.sink.resumed, 1);
  assert.deepEqual(b.send('LLEN', 'q'), [':0']);
});

test('engine: a blocked BRPOPLPUSH whose destination holds another type is answered WRONGTYPE once its source gets an element, which stays (list.tcl)', () => {
  const harness = createHarness();
  const a = harness.connect();
  const b = harness.connect();
  assert.deepEqual(b.send('SET', 'target', 'nolist'), ['+OK']);
  assert.deepEqual(a.send('BRPOPLPUSH', 'blist', 'target', '0'), []);
  // A source that becomes another type does not serve the waiter (Redis 7.2's blocking type).
  assert.deepEqual(b.send('SET', 'blist', 'x'), ['+OK']);
  assert.deepEqual(b.send('DEL', 'blist'), [':1']);
  assert.deepEqual(a.sink.take(), []);
  assert.deepEqual(b.send('RPUSH', 'blist', 'foo'), [':1']);
  assert.deepEqual(a.sink.take(), ['-WRONGTYPE Operation against a key holding the wrong kind of value']);
  assert.equal(a.client.blocked, null);
  assert.deepEqual(b.send('LRANGE', 'blist', '0', '-1'), ['["foo"]']);
});

test('engine: a blocked BLMPOP is answered WRONGTYPE when a later key gets an element while an earlier one holds another type', () => {
  const harness = createHarness();
  const a = harness.connect();
  const b = harness.connect();
  assert.deepEqual(a.send('BLMPOP', '0', '2', 'first', 'second', 'LEFT'), []);
  assert.deepEqual(b.send('SET', 'first', 'x'), ['+OK']);
  assert.deepEqual(a.sink.take(), []);
  assert.deepEqual(b.send('RPUSH', 'second', 'e'), [':1']);
  assert.deepEqual(a.sink.take(), ['-WRONGTYPE Operation against a key holding the wrong kind of value']);
});

test('engine: a call that blocks counts once in commandstats, when served or timed out (stream-cgroups.tcl cmdrstat)', () => {
  const harness = createHarness();
  const a = harness.connect();
  const b = harness.connect();
  const blpopStat = () => /cmdstat_blpop:calls=(\d+),.*failed_calls=(\d+)/.exec((JSON.parse(b.send('INFO', 'commandstats')[0] ?? '') as { value: string }).value)?.slice(1);
  a.send('BLPOP', 'q', '0');
  assert.equal(blpopStat(), undefined, 'not counted while waiting');
  b.send('RPUSH', 'q', 'job');
  assert.deepEqual(blpopStat(), ['1', '0']);
  a.send('BLPOP', 'q', '1');
  harness.nowMs += 1500;
  harness.engine.tick(harness.nowMs);
  assert.deepEqual(a.sink.take(), ['(nil)']);
  assert.deepEqual(blpopStat(), ['2', '0']);
});

test('engine: a blocked client times out at its deadline (tick) with the null reply', () => {
  const harness = createHarness();
  const a = harness.connect();
  a.send('BLPOP', 'q', '0.5');
  harness.engine.tick(harness.nowMs + 400);
  assert.deepEqual(a.sink.take(), []);
  harness.engine.tick(harness.nowMs + 500);
  assert.deepEqual(a.sink.take(), ['(nil)']);
  assert.equal(harness.engine.blockedClientCount, 0);
});

test('engine: blocked clients are served oldest first; inside MULTI BLPOP does not block', () => {
  const harness = createHarness();
  const a = harness.connect();
  const b = harness.connect();
  const c = harness.connect();
  a.send('BLPOP', 'q', '0');
  b.send('BLPOP', 'q', '0');
  c.send('RPUSH', 'q', 'one');
  assert.deepEqual(a.sink.take(), ['["q", "one"]']);
  assert.deepEqual(b.sink.take(), []);
  c.send('RPUSH', 'q', 'two');
  assert.deepEqual(b.sink.take(), ['["q", "two"]']);
  c.send('MULTI');
  c.send('BLPOP', 'empty', '0');
  assert.deepEqual(c.send('EXEC'), ['[(nil)]']);
});

test('engine: CLIENT UNBLOCK ends a wait with the timeout reply or an UNBLOCKED error', () => {
  const harness = createHarness();
  const a = harness.connect();
  const b = harness.connect();
  a.send('BLPOP', 'q', '0');
  assert.deepEqual(b.send('CLIENT', 'UNBLOCK', String(a.client.id)), [':1']);
  assert.deepEqual(a.sink.take(), ['(nil)']);
  a.send('BLPOP', 'q', '0');
  assert.deepEqual(b.send('CLIENT', 'UNBLOCK', String(a.client.id), 'ERROR'), [':1']);
  assert.deepEqual(a.sink.take(), ['-UNBLOCKED client unblocked via CLIENT UNBLOCK']);
  assert.deepEqual(b.send('CLIENT', 'UNBLOCK', String(a.client.id)), [':0']);
});

test('engine: pub/sub delivers to channel and pattern subscribers; a RESP2 subscriber may only subscribe, ping, quit', () => {
  const { connect } = createHarness();
  const subscriber = connect();
  const publisher = connect();
  assert.deepEqual(subscriber.send('SUBSCRIBE', 'news', 'sport'), ['["subscribe", "news", :1]', '["subscribe", "sport", :2]']);
  assert.deepEqual(subscriber.send('PSUBSCRIBE', 'n*'), ['["psubscribe", "n*", :3]']);
  assert.deepEqual(publisher.send('PUBLISH', 'news', 'hello'), [':2']);
  assert.deepEqual(subscriber.sink.take(), ['["message", "news", "hello"]', '["pmessage", "n*", "news", "hello"]']);
  assert.deepEqual(publisher.send('PUBLISH', 'nothing-here', 'x'), [':1']);
  assert.deepEqual(subscriber.sink.take(), ['["pmessage", "n*", "nothing-here", "x"]']);
  assert.deepEqual(publisher.send('PUBLISH', 'other', 'x'), [':0']);
  assert.deepEqual(publisher.send('PUBSUB', 'NUMSUB', 'news', 'none'), ['["news", :1, "none", :0]']);
  assert.deepEqual(publisher.send('PUBSUB', 'NUMPAT'), [':1']);
  assert.deepEqual(subscriber.send('GET', 'k'), [
    "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
  ]);
  assert.deepEqual(subscriber.send('PING'), ['["pong", ""]']);
  subscriber.sink.take();
  assert.deepEqual(subscriber.send('UNSUBSCRIBE'), ['["unsubscribe", "news", :2]', '["unsubscribe", "sport", :1]']);
  assert.deepEqual(subscriber.send('PUNSUBSCRIBE'), ['["punsubscribe", "n*", :0]']);
  assert.deepEqual(subscriber.send('UNSUBSCRIBE'), ['["unsubscribe", (nil), :0]']);
  assert.deepEqual(subscriber.send('GET', 'k'), ['(nil)']);
});

test('engine: sharded pub/sub (SSUBSCRIBE, SPUBLISH, SUNSUBSCRIBE) is a namespace of its own, no patterns (checked against redis-server 7.0.15)', () => {
  const { connect } = createHarness();
  const subscriber = connect();
  const publisher = connect();
  assert.deepEqual(subscriber.send('SSUBSCRIBE', 'a', 'b', 'a'), ['["ssubscribe", "a", :1]', '["ssubscribe", "b", :2]', '["ssubscribe", "a", :2]']);
  assert.deepEqual(subscriber.send('SUBSCRIBE', 'x'), ['["subscribe", "x", :1]'], 'SUBSCRIBE counts channels and patterns only');
  assert.deepEqual(subscriber.send('PSUBSCRIBE', '*'), ['["psubscribe", "*", :2]']);
  assert.deepEqual(publisher.send('SPUBLISH', 'a', 'hi'), [':1']);
  assert.deepEqual(subscriber.sink.take(), ['["smessage", "a", "hi"]'], 'no pmessage for a shard channel');
  assert.deepEqual(publisher.send('PUBLISH', 'a', 'x'), [':1']);
  assert.deepEqual(subscriber.sink.take(), ['["pmessage", "*", "a", "x"]']);
  assert.deepEqual(publisher.send('PUBSUB', 'SHARDCHANNELS'), ['["a", "b"]']);
  assert.deepEqual(publisher.send('PUBSUB', 'SHARDNUMSUB', 'a', 'x'), ['["a", :1, "x", :0]']);
  assert.deepEqual(subscriber.send('PUBSUB', 'SHARDCHANNELS'), [
    "-ERR Can't execute 'pubsub|shardchannels': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
  ]);
  assert.deepEqual(subscriber.send('SUNSUBSCRIBE', 'a'), ['["sunsubscribe", "a", :1]']);
  assert.deepEqual(subscriber.send('SUNSUBSCRIBE'), ['["sunsubscribe", "b", :0]']);
  assert.deepEqual(subscriber.send('SUNSUBSCRIBE'), ['["sunsubscribe", (nil), :0]']);
  assert.deepEqual(publisher.send('MULTI'), ['+OK']);
  publisher.send('SSUBSCRIBE', 'a');
  assert.deepEqual(publisher.send('EXEC'), ["[-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client]"]);
  assert.deepEqual(subscriber.send('RESET'), ['+RESET']);
  assert.deepEqual(publisher.send('SPUBLISH', 'b', 'x'), [':0']);
});

test('engine: pub/sub messages for the client running the command follow its reply, after EXEC\'s whole reply (Redis 7.2 pubsub.tcl "publish to self inside multi")', () => {
  const { connect } = createHarness({ 'notify-keyspace-events': 'KA' });
  const a = connect();
  a.send('HELLO', '3');
  a.send('SUBSCRIBE', 'foo', '__keyspace@0__:k');
  assert.deepEqual(a.send('PUBLISH', 'foo', 'bar'), [':1', '["message", "foo", "bar"]']);
  a.send('MULTI');
  a.send('PING', 'abc');
  a.send('PUBLISH', 'foo', 'bar');
  a.send('PUBLISH', 'foo', 'vaz');
  a.send('PING', 'def');
  assert.deepEqual(a.send('EXEC'), ['["abc", :1, :1, "def"]', '["message", "foo", "bar"]', '["message", "foo", "vaz"]']);
  assert.deepEqual(a.send('SET', 'k', 'v'), ['+OK', '["message", "__keyspace@0__:k", "set"]']);
  const b = connect();
  assert.deepEqual(b.send('PUBLISH', 'foo', 'x'), [':1']);
  assert.deepEqual(a.sink.take(), ['["message", "foo", "x"]'], 'other clients get theirs at once');
});

test('engine: CLIENT LIST and CLIENT INFO lines have every field of Redis 7, in order (introspection.tcl patterns)', () => {
  const { connect } = createHarness();
  const a = connect();
  const pattern = (sub: string): RegExp =>
    new RegExp(
      `"value":"id=\\d+ addr=\\S+:\\d+ laddr=\\S+:\\d+ fd=-?\\d+ name= age=\\d+ idle=\\d+ flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=\\d+ argv-mem=10 multi-mem=0 rbs=\\d+ rbp=\\d+ obl=0 oll=0 omem=0 tot-mem=\\d+ events=r cmd=client\\|${sub} user=default redir=-1 resp=2`,
    );
  assert.match(a.send('CLIENT', 'INFO')[0] ?? '', pattern('info'));
  assert.match(a.send('CLIENT', 'LIST')[0] ?? '', pattern('list'));
});

test('engine: a killed client leaves CLIENT LIST and connected_clients at once, before its socket closes (introspection.tcl SKIPME)', () => {
  const harness = createHarness();
  const me = harness.connect();
  harness.connect();
  harness.connect();
  const connected = () => /connected_clients:(\d+)/.exec((JSON.parse(me.send('INFO', 'clients')[0] ?? '') as { value: string }).value)?.[1];
  assert.equal(connected(), '3');
  assert.deepEqual(me.send('CLIENT', 'KILL', 'SKIPME', 'yes'), [':2']);
  assert.equal(connected(), '1');
  assert.equal(harness.engine.clients.size, 1);
  assert.deepEqual(me.send('CLIENT', 'KILL', 'SKIPME', 'no'), [':1']);
  assert.equal(me.sink.closed, true);
});

test('engine: CLIENT KILL validates its filters as Redis 7.0 (arity, client type, user)', () => {
  const { connect } = createHarness();
  const a = connect();
  const b = connect();
  assert.deepEqual(a.send('CLIENT', 'KILL'), ["-ERR wrong number of arguments for 'client|kill' command"]);
  assert.deepEqual(a.send('CLIENT', 'KILL', 'TYPE', 'foo'), ["-ERR Unknown client type 'foo'"]);
  assert.deepEqual(a.send('CLIENT', 'KILL', 'USER', 'nosuch'), ["-ERR No such user 'nosuch'"]);
  assert.deepEqual(a.send('CLIENT', 'KILL', 'TYPE', 'master'), [':0']);
  assert.deepEqual(a.send('CLIENT', 'KILL', 'USER', 'default'), [':1']);
  assert.equal(b.sink.closed, true);
});

test('engine: ACL LOG records denied commands, keys, channels and failed logins, grouping repeats (checked against redis-server 7.0.15)', () => {
  const harness = createHarness();
  const admin = harness.connect();
  const a = harness.connect();
  admin.send('ACL', 'SETUSER', 'u', 'on', 'nopass', '+@all', '-get', '~k*', '&ch*');
  a.send('AUTH', 'u', 'x');
  a.send('GET', 'kx');
  a.send('SET', 'zz', '1');
  a.send('PUBLISH', 'other', 'x');
  a.send('MULTI');
  a.send('SET', 'zz', '2');
  a.send('DISCARD');
  a.send('AUTH', 'nouser', 'pw');
  harness.nowMs += 1500;
  a.send('GET', 'kx');
  const summary = (reply: string): string[] =>
    [...reply.matchAll(/"count": :([0-9]+), "reason": "([a-z]+)", "context": "([a-z]+)", "object": "([^"]*)", "username": "([^"]*)", "age-seconds": \(double\) ([0-9.]+)/g)].map(
      (match) => match.slice(1).join(' '),
    );
  const [log] = admin.send('ACL', 'LOG');
  assert.deepEqual(summary(log ?? ''), [
    '2 command toplevel get u 0',
    '1 auth toplevel AUTH nouser 1.5',
    '1 key multi zz u 1.5',
    '1 channel toplevel other u 1.5',
    '1 key toplevel zz u 1.5',
  ]);
  assert.match(log ?? '', /"client-info": "id=[0-9]+ addr=127\.0\.0\.1:5000 .* cmd=get user=u /);
  assert.deepEqual(summary(admin.send('ACL', 'LOG', '1')[0] ?? ''), ['2 command toplevel get u 0']);
  assert.deepEqual(admin.send('ACL', 'LOG', '-1'), ['[]']);
  assert.deepEqual(admin.send('ACL', 'LOG', '1', '2'), ["-ERR unknown subcommand or wrong number of arguments for 'LOG'. Try ACL HELP."]);
  assert.deepEqual(admin.send('CONFIG', 'SET', 'acllog-max-len', '2'), ['+OK']);
  a.send('GET', 'k1');
  a.send('SET', 'z1', 'v');
  assert.equal(summary(admin.send('ACL', 'LOG')[0] ?? '').length, 2);
  assert.deepEqual(admin.send('ACL', 'LOG', 'RESET'), ['+OK']);
  assert.deepEqual(admin.send('ACL', 'LOG'), ['[]']);
  assert.match(admin.send('ACL', 'GENPASS')[0] ?? '', /^"[0-9a-f]{64}"$/);
  assert.match(admin.send('ACL', 'GENPASS', '5')[0] ?? '', /^"[0-9a-f]{2}"$/);
  assert.deepEqual(admin.send('ACL', 'GENPASS', '0'), ['-ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096']);
  assert.match(admin.send('ACL', 'SAVE')[0] ?? '', /^-ERR This Redis instance is not configured to use an ACL file/);
});

test('engine: during CLIENT PAUSE an expired key reads as missing but is not deleted; after UNPAUSE a read expires it (pause.tcl)', () => {
  const harness = createHarness();
  const a = harness.connect();
  const expiredKeys = () => /expired_keys:(\d+)/.exec((JSON.parse(a.send('INFO', 'stats')[0] ?? '') as { value: string }).value)?.[1];
  a.send('SET', 'foo', 'bar', 'PX', '10');
  a.send('CLIENT', 'PAUSE', '50000', 'WRITE');
  harness.nowMs += 100;
  harness.engine.tick(harness.nowMs);
  assert.deepEqual(a.send('GET', 'foo'), ['(nil)']);
  assert.deepEqual(a.send('EXISTS', 'foo'), [':0']);
  assert.equal(expiredKeys(), '0');
  a.send('CLIENT', 'UNPAUSE');
  assert.deepEqual(a.send('GET', 'foo'), ['(nil)']);
  assert.equal(expiredKeys(), '1');
});

test('engine: CLIENT PAUSE holds writes (or everything) until UNPAUSE or the deadline, in arrival order (pause.tcl)', () => {
  const harness = createHarness();
  const admin = harness.connect();
  const a = harness.connect();
  const b = harness.connect();
  assert.deepEqual(admin.send('CLIENT', 'PAUSE', 'abc'), ['-ERR timeout is not an integer or out of range']);
  assert.deepEqual(admin.send('CLIENT', 'PAUSE', '-1'), ['-ERR timeout is negative']);
  assert.deepEqual(admin.send('CLIENT', 'PAUSE', '10', 'foo'), ['-ERR CLIENT PAUSE mode must be WRITE or ALL']);
  assert.deepEqual(admin.send('CLIENT', 'PAUSE', '100000', 'WRITE'), ['+OK']);
  assert.deepEqual(a.send('GET', 'k'), ['(nil)'], 'reads go on');
  assert.deepEqual(a.send('SET', 'k', '1'), [], 'a write waits');
  assert.deepEqual(b.send('SET', 'k'), ["-ERR wrong number of arguments for 'set' command"], 'errors are answered at once');
  assert.deepEqual(b.send('PUBLISH', 'ch', 'x'), [], 'PUBLISH may replicate: it waits too');
  assert.equal(harness.engine.blockedClientCount, 2);
  assert.deepEqual(admin.send('CLIENT', 'UNBLOCK', String(a.client.id)), [':0']);
  const c = harness.connect();
  assert.deepEqual(c.send('MULTI'), ['+OK']);
  assert.deepEqual(c.send('INCR', 'k'), ['+QUEUED']);
  assert.deepEqual(c.send('EXEC'), [], 'an EXEC with a write waits');
  assert.deepEqual(admin.send('CLIENT', 'UNPAUSE'), ['+OK']);
  assert.deepEqual(a.sink.take(), ['+OK']);
  assert.deepEqual(b.sink.take(), [':0']);
  assert.deepEqual(c.sink.take(), ['[:2]']);
  assert.equal(a.sink.resumed, 1);
  assert.deepEqual(admin.send('CLIENT', 'PAUSE', '50'), ['+OK']);
  assert.deepEqual(a.send('GET', 'k'), [], 'ALL holds reads too');
  harness.nowMs += 49;
  harness.engine.tick(harness.nowMs);
  assert.deepEqual(a.sink.take(), []);
  harness.nowMs += 1;
  harness.engine.tick(harness.nowMs);
  assert.deepEqual(a.sink.take(), ['"2"'], 'released at the deadline');
});

test('engine: requirepass: NOAUTH before AUTH, WRONGPASS for a bad password, HELLO AUTH authenticates', () => {
  const { connect } = createHarness({ requirepass: 'secret' });
  const a = connect();
  assert.deepEqual(a.send('GET', 'k'), ['-NOAUTH Authentication required.']);
  assert.deepEqual(a.send('AUTH', 'wrong'), ['-WRONGPASS invalid username-password pair or user is disabled.']);
  assert.deepEqual(a.send('AUTH', 'secret'), ['+OK']);
  assert.deepEqual(a.send('GET', 'k'), ['(nil)']);
  const b = connect();
  assert.equal(b.send('HELLO', '3')[0]?.startsWith('-NOAUTH') ?? false, false);
  assert.match(b.send('HELLO', '3', 'AUTH', 'default', 'secret')[0] ?? '', /"proto": :3/);
  assert.equal(b.client.protocolVersion, 3);
  const open = createHarness().connect();
  assert.deepEqual(open.send('AUTH', 'x'), [
    '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  ]);
  assert.deepEqual(open.send('HELLO', '4'), ['-NOPROTO unsupported protocol version']);
});

test('engine: CLIENT REPLY OFF and SKIP suppress replies; QUIT closes after its reply', () => {
  const { connect } = createHarness();
  const a = connect();
  assert.deepEqual(a.send('CLIENT', 'REPLY', 'SKIP'), []);
  assert.deepEqual(a.send('PING'), []);
  assert.deepEqual(a.send('PING'), ['+PONG']);
  assert.deepEqual(a.send('CLIENT', 'REPLY', 'OFF'), []);
  assert.deepEqual(a.send('SET', 'k', 'v'), []);
  assert.deepEqual(a.send('CLIENT', 'REPLY', 'ON'), ['+OK']);
  assert.deepEqual(a.send('GET', 'k'), ['"v"']);
  assert.deepEqual(a.send('QUIT'), ['+OK']);
  assert.equal(a.sink.closed, true);
});

test('engine: under CLIENT REPLY OFF, pub/sub confirmations and messages still arrive, they are pushes (pubsub.tcl)', () => {
  const { connect } = createHarness();
  const a = connect();
  const b = connect();
  a.send('CLIENT', 'REPLY', 'OFF');
  assert.deepEqual(a.send('SUBSCRIBE', 'channel'), ['["subscribe", "channel", :1]']);
  assert.deepEqual(a.send('PSUBSCRIBE', 'ch*'), ['["psubscribe", "ch*", :2]']);
  assert.deepEqual(b.send('PUBLISH', 'channel', 'hello'), [':2']);
  assert.deepEqual(a.sink.take(), ['["message", "channel", "hello"]', '["pmessage", "ch*", "channel", "hello"]']);
  assert.deepEqual(a.send('UNSUBSCRIBE', 'channel'), ['["unsubscribe", "channel", :1]']);
  assert.deepEqual(a.send('PING'), [], 'a reply is still held back');
});

test('engine: maxmemory with noeviction refuses writes with OOM; allkeys-lru evicts the idlest keys', () => {
  const harness = createHarness({ maxmemory: 2000 });
  const a = harness.connect();
  // The check runs before a command (as Redis's processCommand): the write that crosses the limit passes.
  for (let index = 0; index < 11; index++) a.send('SET', `k${index}`, 'x'.repeat(100));
  assert.ok(harness.engine.keyspace.usedMemoryBytes > 2000);
  assert.deepEqual(a.send('SET', 'more', 'x'.repeat(100)), ["-OOM command not allowed when used memory > 'maxmemory'."]);
  assert.deepEqual(a.send('GET', 'k0'), ['"' + 'x'.repeat(100) + '"'], 'reads still work');
  assert.deepEqual(a.send('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'), ['+OK']);
  harness.nowMs += 1000;
  a.send('GET', 'k9');
  assert.deepEqual(a.send('SET', 'more', 'x'.repeat(100)), ['+OK']);
  assert.deepEqual(a.send('SET', 'more2', 'x'.repeat(100)), ['+OK']);
  assert.ok(harness.engine.keyspace.usedMemoryBytes <= 2000 + 300);
  assert.deepEqual(a.send('EXISTS', 'k9'), [':1'], 'the key just read is not the idlest');
  assert.ok(harness.engine.counters.evictedKeys >= 1);
});

test('engine: CONFIG SET maxmemory below the used memory evicts at once (pubsub.tcl "evicted events")', () => {
  const harness = createHarness({ 'notify-keyspace-events': 'Ee', 'maxmemory-policy': 'allkeys-lru' });
  const listener = harness.connect();
  const a = harness.connect();
  listener.send('PSUBSCRIBE', '*');
  a.send('SET', 'foo', 'bar');
  assert.deepEqual(a.send('CONFIG', 'SET', 'maxmemory', '1'), ['+OK']);
  assert.deepEqual(listener.sink.take(), ['["pmessage", "*", "__keyevent@0__:evicted", "foo"]']);
  assert.deepEqual(a.send('DBSIZE'), [':0']);
});

test('engine: CONFIG GET patterns and CONFIG SET validation texts', () => {
  const { connect } = createHarness();
  const a = connect();
  assert.deepEqual(a.send('CONFIG', 'GET', 'maxmemory*'), ['{"maxmemory": "0", "maxmemory-policy": "noeviction", "maxmemory-samples": "5"}']);
  assert.deepEqual(a.send('CONFIG', 'GET', 'nosuch'), ['{}']);
  assert.deepEqual(a.send('CONFIG', 'SET', 'maxmemory', '10mb'), ['+OK']);
  assert.deepEqual(a.send('CONFIG', 'GET', 'maxmemory'), ['{"maxmemory": "10485760"}']);
  assert.deepEqual(a.send('CONFIG', 'SET', 'maxmemory', 'lots'), [
    "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value",
  ]);
  assert.deepEqual(a.send('CONFIG', 'SET', 'nosuch', '1'), ["-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"]);
  assert.deepEqual(a.send('CONFIG', 'SET', 'port', '1'), ["-ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config"]);
  assert.deepEqual(a.send('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru', 'hz', 'x'), [
    "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer",
  ]);
  assert.deepEqual(a.send('CONFIG', 'GET', 'maxmemory-policy'), ['{"maxmemory-policy": "noeviction"}'], 'all or nothing');
});

test("engine: the parameters Redis's test suite overrides are settable, and the encoding thresholds take effect", () => {
  const { connect } = createHarness();
  const a = connect();
  // run_external_server_test reads each override with CONFIG GET and applies it with CONFIG SET.
  assert.deepEqual(a.send('CONFIG', 'SET', 'save', ''), ['+OK']);
  assert.deepEqual(a.send('CONFIG', 'SET', 'appendonly', 'no', 'appendfsync', 'always', 'lazyfree-lazy-user-del', 'yes'), ['+OK']);
  assert.deepEqual(a.send('CONFIG', 'GET', 'appendonly'), ['{"appendonly": "no"}']);
  // introspection.tcl "CONFIG sanity" sets every parameter to what CONFIG GET says.
  const [all] = a.send('CONFIG', 'GET', '*');
  for (const [, name, value] of (all ?? '').matchAll(/"([^"]+)": "([^"]*)"/g)) {
    if (name === 'tcp-backlog' || name === 'databases') continue; // immutable in Redis too (the test skips them)
    assert.deepEqual(a.send('CONFIG', 'SET', name as string, value as string), ['+OK'], `${name} ${value}`);
  }
  assert.deepEqual(a.send('CONFIG', 'SET', 'port', '6380'), ["-ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config"]);
  assert.deepEqual(a.send('CONFIG', 'SET', 'appendonly', 'yes'), [
    "-ERR CONFIG SET failed (possibly related to argument 'appendonly') - this server keeps data in memory only and cannot persist it",
  ]);
  assert.deepEqual(a.send('CONFIG', 'GET', 'hash-max-*-entries'), ['{"hash-max-listpack-entries": "512", "hash-max-ziplist-entries": "512"}'], 'Redis 7 compiled-in default');
  assert.deepEqual(a.send('CONFIG', 'SET', 'hash-max-ziplist-entries', 'abc'), [
    "-ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-entries') - argument couldn't be parsed into an integer",
  ]);
  assert.deepEqual(a.send('CONFIG', 'SET', 'hash-max-listpack-entries', '-1'), [
    "-ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - argument must be between 0 and 9223372036854775807 inclusive",
  ]);
  assert.deepEqual(a.send('CONFIG', 'SET', 'maxmemory-policy', 'lru'), [
    "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction",
  ]);
  try {
    assert.deepEqual(
      a.send('CONFIG', 'SET', 'hash-max-ziplist-entries', '2', 'zset-max-ziplist-value', '3', 'set-max-intset-entries', '2', 'list-max-ziplist-size', '3'),
      ['+OK'],
    );
    assert.deepEqual(a.send('CONFIG', 'GET', 'hash-max-listpack-entries'), ['{"hash-max-listpack-entries": "2"}']);
    a.send('HSET', 'h', 'a', '1', 'b', '2');
    assert.deepEqual(a.send('OBJECT', 'ENCODING', 'h'), ['"listpack"']);
    a.send('HSET', 'h', 'c', '3');
    assert.deepEqual(a.send('OBJECT', 'ENCODING', 'h'), ['"hashtable"']);
    a.send('ZADD', 'z', '1', 'abc');
    assert.deepEqual(a.send('OBJECT', 'ENCODING', 'z'), ['"listpack"']);
    a.send('ZADD', 'z', '1', 'abcd');
    assert.deepEqual(a.send('OBJECT', 'ENCODING', 'z'), ['"skiplist"']);
    a.send('SADD', 's', '1', '2', '3');
    assert.deepEqual(a.send('OBJECT', 'ENCODING', 's'), ['"listpack"']);
    a.send('RPUSH', 'l', 'a', 'b', 'c');
    assert.deepEqual(a.send('OBJECT', 'ENCODING', 'l'), ['"listpack"']);
    a.send('RPUSH', 'l', 'd');
    assert.deepEqual(a.send('OBJECT', 'ENCODING', 'l'), ['"quicklist"']);
    a.send('RPOP', 'l', '3');
    assert.deepEqual(a.send('OBJECT', 'ENCODING', 'l'), ['"listpack"'], 'back under half the element count');
  } finally {
    // The thresholds are process-wide.
    a.send('CONFIG', 'SET', 'hash-max-listpack-entries', '512', 'zset-max-listpack-value', '64', 'set-max-intset-entries', '512', 'list-max-listpack-size', '-2');
  }
});

test('engine: OBJECT ENCODING of strings built in place is raw, as Redis (string.tcl: APPEND, SETRANGE against an int)', () => {
  const { connect } = createHarness();
  const a = connect();
  a.send('SET', 'foo', '1');
  assert.deepEqual(a.send('OBJECT', 'ENCODING', 'foo'), ['"int"']);
  assert.deepEqual(a.send('APPEND', 'foo', '2'), [':2']);
  assert.deepEqual(a.send('OBJECT', 'ENCODING', 'foo'), ['"raw"']);
  assert.deepEqual(a.send('GET', 'foo'), ['"12"']);
  a.send('SET', 'n', '1234');
  assert.deepEqual(a.send('SETRANGE', 'n', '0', ''), [':4']);
  assert.deepEqual(a.send('OBJECT', 'ENCODING', 'n'), ['"int"'], 'nothing set, nothing changed');
  assert.deepEqual(a.send('SETRANGE', 'n', '0', '2'), [':4']);
  assert.deepEqual(a.send('OBJECT', 'ENCODING', 'n'), ['"raw"']);
  a.send('SETBIT', 'b', '0', '1');
  assert.deepEqual(a.send('OBJECT', 'ENCODING', 'b'), ['"raw"']);
  a.send('SET', 'e', 'hello');
  assert.deepEqual(a.send('OBJECT', 'ENCODING', 'e'), ['"embstr"']);
  assert.deepEqual(a.send('INCR', 'n'), [':2235']);
  assert.deepEqual(a.send('OBJECT', 'ENCODING', 'n'), ['"int"']);
});

test('engine: COMMAND GETKEYS arity and keyless calls, as redis-server 7.0.15', () => {
  const { connect } = createHarness();
  const a = connect();
  assert.deepEqual(a.send('COMMAND', 'GETKEYS', 'get'), ["-ERR wrong number of arguments for 'command|getkeys' command"]);
  assert.deepEqual(a.send('COMMAND', 'GETKEYS', 'ping'), ["-ERR wrong number of arguments for 'command|getkeys' command"]);
  assert.deepEqual(a.send('COMMAND', 'GETKEYS', 'ping', 'x'), ['-ERR The command has no key arguments']);
  assert.deepEqual(a.send('COMMAND', 'GETKEYS', 'set', 'k', 'v'), ['["k"]']);
  assert.deepEqual(a.send('COMMAND', 'GETKEYS', 'eval', 'return 1', '0'), ['[]']);
  assert.deepEqual(a.send('COMMAND', 'GETKEYS', 'zunionstore', 'd', '5', 'a'), ['-ERR Invalid arguments specified for command']);
  // GETKEYSANDFLAGS (introspection-2.tcl): each key with its key spec's flags.
  assert.deepEqual(a.send('COMMAND', 'GETKEYSANDFLAGS', 'set', 'k1', 'v1'), ['[["k1", [+OW, +update]]]']);
  assert.deepEqual(a.send('COMMAND', 'GETKEYSANDFLAGS', 'set', 'k1', 'v1', 'GET'), ['[["k1", [+RW, +access, +update]]]']);
  assert.deepEqual(a.send('COMMAND', 'GETKEYSANDFLAGS', 'mset', 'k1', 'v1', 'k2', 'v2'), ['[["k1", [+OW, +update]], ["k2", [+OW, +update]]]']);
  assert.deepEqual(a.send('COMMAND', 'GETKEYSANDFLAGS', 'lmove', 'k1', 'k2', 'left', 'right'), ['[["k1", [+RW, +access, +delete]], ["k2", [+RW, +insert]]]']);
  assert.deepEqual(a.send('COMMAND', 'GETKEYSANDFLAGS', 'sort', 'k1', 'STORE', 'k2'), ['[["k1", [+RO, +access]], ["k2", [+OW, +update]]]']);
  // A container command's keys are its subcommand's (introspection-2.tcl "COMMAND GETKEYS MEMORY USAGE").
  assert.deepEqual(a.send('COMMAND', 'GETKEYS', 'memory', 'USAGE', 'key'), ['["key"]']);
  assert.deepEqual(a.send('COMMAND', 'GETKEYS', 'memory', 'nosuch', 'key'), ['-ERR Invalid command specified']);
  assert.deepEqual(a.send('COMMAND', 'GETKEYS', 'memory', 'stats', 'x'), ['-ERR Invalid number of arguments specified for command']);
});

test('engine: DEBUG DIGEST-VALUE and DIGEST depend on content only (keyspace.tcl compares them after COPY)', () => {
  const { connect } = createHarness();
  const a = connect();
  const zeros = '0'.repeat(40);
  assert.deepEqual(a.send('DEBUG', 'DIGEST'), [`+${zeros}`], 'an empty dataset');
  assert.deepEqual(a.send('DEBUG', 'DIGEST-VALUE', 'none'), [`[+${zeros}]`]);
  a.send('LPUSH', 'mylist', 'a', 'b', 'c', 'd');
  a.send('COPY', 'mylist', 'mynewlist');
  const [listDigests] = a.send('DEBUG', 'DIGEST-VALUE', 'mylist', 'mynewlist');
  const [first, second] = /^\[\+([0-9a-f]{40}), \+([0-9a-f]{40})\]$/.exec(listDigests ?? '')?.slice(1) ?? [];
  assert.equal(first, second);
  assert.notEqual(first, zeros);
  a.send('RPUSH', 'reversed', 'a', 'b', 'c', 'd');
  assert.notDeepEqual(a.send('DEBUG', 'DIGEST-VALUE', 'reversed'), [`[+${first}]`], 'list order matters');
  // Sets, hashes and sorted sets: the same members in another order or encoding give the same digest.
  a.send('SADD', 's1', '1', '2', '3');
  a.send('SADD', 's2', '3', 'x', '2', '1');
  a.send('SREM', 's2', 'x');
  a.send('HSET', 'h1', 'a', '1', 'b', '2');
  a.send('HSET', 'h2', 'b', '2', 'a', '1');
  a.send('ZADD', 'z1', '1', 'a', '2', 'b');
  a.send('ZADD', 'z2', '2', 'b', '1', 'a');
  const digestsOf = (...keys: string[]): string[] => (a.send('DEBUG', 'DIGEST-VALUE', ...keys)[0] ?? '').slice(1, -1).split(', ');
  const [s1, s2, h1, h2, z1, z2] = digestsOf('s1', 's2', 'h1', 'h2', 'z1', 'z2');
  assert.equal(s1, s2);
  assert.equal(h1, h2);
  assert.equal(z1, z2);
  a.send('ZADD', 'z2', '3', 'b');
  assert.notEqual(digestsOf('z2')[0], z1, 'scores count');
  const before = a.send('DEBUG', 'DIGEST');
  a.send('EXPIRE', 'h1', '100');
  assert.notEqual(digestsOf('h1')[0], h1, 'an expiry counts');
  assert.notDeepEqual(a.send('DEBUG', 'DIGEST'), before);
  a.send('PERSIST', 'h1');
  assert.deepEqual(a.send('DEBUG', 'DIGEST'), before);
  // DEBUG RELOAD: nothing on disk to reload from; the dataset (and so its digest) stays.
  assert.deepEqual(a.send('DEBUG', 'RELOAD'), ['+OK']);
  assert.deepEqual(a.send('DEBUG', 'RELOAD', 'NOSAVE', 'MERGE'), ['+OK']);
  assert.deepEqual(a.send('DEBUG', 'RELOAD', 'FOO'), ['-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.']);
  assert.deepEqual(a.send('DEBUG', 'DIGEST'), before);
  assert.deepEqual(a.send('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1b'), ['+OK']);
  assert.deepEqual(a.send('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 'x'), ['-ERR argument must be a memory value bigger than 1 and smaller than 4gb']);
});

test('engine: DEBUG PROTOCOL answers one value of each RESP3 type, as debug.c (protocol.tcl)', () => {
  const harness = createHarness();
  const a = harness.connect();
  assert.deepEqual(a.send('DEBUG', 'PROTOCOL', 'string'), ['"Hello World"']);
  assert.deepEqual(a.send('DEBUG', 'PROTOCOL', 'integer'), [':12345']);
  assert.deepEqual(a.send('DEBUG', 'PROTOCOL', 'double'), ['(double) 3.141']);
  assert.deepEqual(a.send('DEBUG', 'PROTOCOL', 'bignum'), ['(big number) 1234567999999999999999999999999999999']);
  assert.deepEqual(a.send('DEBUG', 'PROTOCOL', 'null'), ['(nil)']);
  assert.deepEqual(a.send('DEBUG', 'PROTOCOL', 'ARRAY'), ['[:0, :1, :2]']);
  assert.deepEqual(a.send('DEBUG', 'PROTOCOL', 'map'), ['{:0: {"type":"boolean","value":false}, :1: {"type":"boolean","value":true}, :2: {"type":"boolean","value":false}}']);
  assert.deepEqual(a.send('DEBUG', 'PROTOCOL', 'attrib'), ['|{"key-popularity": ["key:123", :90]}| "Some real reply following the attribute"']);
  assert.deepEqual(a.send('DEBUG', 'PROTOCOL', 'push'), ['-ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|verbatim|true|false']);
  assert.deepEqual(a.send('DEBUG', 'PROTOCOL'), ["-ERR wrong number of arguments for 'debug|protocol' command"]);
});

test('engine: INFO replication has the fields of a master that never had a replica (info-command.tcl reads master_repl_offset)', () => {
  const harness = createHarness();
  const a = harness.connect();
  const infoText = (section: string) => (JSON.parse(a.send('INFO', section)[0] ?? '') as { value: string }).value;
  assert.match(infoText('replication'), /role:master\r\nconnected_slaves:0\r\n.*master_repl_offset:0\r\n/s);
  assert.match(infoText('memory'), /mem_not_counted_for_evict:0\r\nlazyfree_pending_objects:0\r\n/);
  assert.match(infoText('server'), /redis_git_sha1:00000000\r\nredis_git_dirty:0\r\n/);
});

test('engine: OBJECT, CONFIG, COMMAND and ACL HELP are redis-server 7.0.15\'s texts', () => {
  const { connect } = createHarness();
  const a = connect();
  const linesOf = (...words: string[]): string[] => (a.send(...words)[0] ?? '').slice(1, -1).split(/, (?=\+)/);
  assert.equal(linesOf('OBJECT', 'HELP').length, 15);
  assert.equal(linesOf('CONFIG', 'HELP').length, 11);
  assert.equal(linesOf('COMMAND', 'HELP').length, 21);
  assert.equal(linesOf('ACL', 'HELP').length, 29);
  assert.ok(linesOf('OBJECT', 'HELP').includes('+    Return the kind of internal representation used in order to store the value'));
  assert.ok(linesOf('COMMAND', 'HELP').includes('+GETKEYSANDFLAGS <full-command>'));
});

test('engine: COPY, MOVE, SWAPDB and OBJECT', () => {
  const { connect } = createHarness();
  const a = connect();
  a.send('RPUSH', 'list', 'a', 'b');
  assert.deepEqual(a.send('COPY', 'list', 'copy'), [':1']);
  a.send('RPUSH', 'copy', 'c');
  assert.deepEqual(a.send('LRANGE', 'list', '0', '-1'), ['["a", "b"]'], 'COPY is deep');
  assert.deepEqual(a.send('COPY', 'list', 'copy'), [':0']);
  assert.deepEqual(a.send('COPY', 'list', 'copy', 'REPLACE'), [':1']);
  assert.deepEqual(a.send('COPY', 'list', 'list'), ['-ERR source and destination objects are the same']);
  assert.deepEqual(a.send('MOVE', 'list', '1'), [':1']);
  assert.deepEqual(a.send('EXISTS', 'list'), [':0']);
  assert.deepEqual(a.send('SWAPDB', '0', '1'), ['+OK']);
  assert.deepEqual(a.send('LLEN', 'list'), [':2']);
  assert.deepEqual(a.send('SWAPDB', '0', 'x'), ['-ERR invalid second DB index']);
  a.send('SET', 'n', '12345');
  a.send('SET', 's', 'short');
  a.send('SET', 'r', 'x'.repeat(45));
  assert.deepEqual(a.send('OBJECT', 'ENCODING', 'n'), ['"int"']);
  assert.deepEqual(a.send('OBJECT', 'ENCODING', 's'), ['"embstr"']);
  assert.deepEqual(a.send('OBJECT', 'ENCODING', 'r'), ['"raw"']);
  assert.deepEqual(a.send('OBJECT', 'ENCODING', 'missing'), ['(nil)']);
  assert.deepEqual(a.send('OBJECT', 'IDLETIME', 'n'), [':0']);
});

test('engine: scripting management answers as Redis with nothing loaded; running a script is a clear error', () => {
  const { connect } = createHarness();
  const a = connect();
  assert.deepEqual(a.send('SCRIPT', 'EXISTS', 'abc'), ['[:0]']);
  assert.deepEqual(a.send('SCRIPT', 'FLUSH'), ['+OK']);
  assert.deepEqual(a.send('FUNCTION', 'LIST'), ['[]']);
  assert.deepEqual(a.send('EVALSHA', 'abc', '0'), ['-NOSCRIPT No matching script. Please use EVAL.']);
  assert.match(a.send('EVAL', 'return 1', '0')[0] ?? '', /^-ERR scripting .* not supported/);
});

test('engine: ACL users — SETUSER, AUTH as the user, NOPERM for commands and keys, DELUSER drops its connections', () => {
  const { connect } = createHarness();
  const admin = connect();
  assert.deepEqual(admin.send('ACL', 'SETUSER', 'reader', 'on', '>pw', '~cache:*', '+get', '+@connection'), ['+OK']);
  assert.deepEqual(admin.send('ACL', 'SETUSER', 'bad', 'nosuchrule'), ["-ERR Error in ACL SETUSER modifier 'nosuchrule': Syntax error"]);
  assert.deepEqual(admin.send('ACL', 'USERS'), ['["default", "reader"]']);
  admin.send('SET', 'cache:a', '1');
  const reader = connect();
  assert.deepEqual(reader.send('AUTH', 'reader', 'wrong'), ['-WRONGPASS invalid username-password pair or user is disabled.']);
  assert.deepEqual(reader.send('AUTH', 'reader', 'pw'), ['+OK']);
  assert.deepEqual(reader.send('ACL', 'WHOAMI'), ["-NOPERM this user has no permissions to run the 'acl|whoami' command"]);
  assert.deepEqual(reader.send('GET', 'cache:a'), ['"1"']);
  assert.deepEqual(reader.send('GET', 'other'), ['-NOPERM this user has no permissions to access one of the keys used as arguments']);
  assert.deepEqual(reader.send('SET', 'cache:a', '2'), ["-NOPERM this user has no permissions to run the 'set' command"]);
  assert.deepEqual(admin.send('ACL', 'DELUSER', 'reader', 'nobody'), [':1']);
  assert.equal(reader.sink.closed, true);
  assert.deepEqual(admin.send('ACL', 'DELUSER', 'default'), ["-ERR The 'default' user cannot be removed"]);
});

test('engine: with a settings log, CONFIG SET and ACL SETUSER wait for the commit and answer its result', () => {
  const harness = createHarness();
  const proposed: { client: CacheClient; command: CacheSettingsCommand }[] = [];
  harness.engine.settingsLog = { propose: (client, command) => proposed.push({ client, command }) };
  const a = harness.connect();
  assert.deepEqual(a.send('CONFIG', 'SET', 'maxmemory', 'nonsense').length, 1, 'invalid values fail before proposing');
  // 20 rules of 60,000 quote characters: each within its own bound, 2.4 MB as JSON together.
  const rules = Array.from({ length: 20 }, () => `>${'"'.repeat(60_000)}`);
  assert.match(a.send('ACL', 'SETUSER', 'big', ...rules)[0] ?? '', /a settings change is limited to 1048576 bytes in all/);
  assert.equal(proposed.length, 0);
  assert.deepEqual(a.send('CONFIG', 'SET', 'maxmemory', '1mb'), []);
  assert.ok(a.client.blocked !== null, 'the client waits for the commit');
  const machine = new CacheSettingsMachine(harness.engine);
  const { client, command } = proposed[0] as { client: CacheClient; command: CacheSettingsCommand };
  harness.engine.unblockWith(client, machine.apply(encodeCacheSettingsCommand(command)));
  assert.deepEqual(a.sink.take(), ['+OK']);
  assert.equal(harness.engine.config.values.maxmemory, 1024 * 1024);
  a.send('MULTI');
  a.send('CONFIG', 'SET', 'hz', '20');
  assert.match(a.send('EXEC')[0] ?? '', /cannot run inside MULTI/);

  // The snapshot carries config and users into a fresh engine.
  harness.engine.applySettings({ type: 'acl-setuser', name: 'app', rules: ['on', 'nopass', '+@all', '~*'] });
  const restored = createHarness();
  new CacheSettingsMachine(restored.engine).restore(machine.snapshot());
  assert.equal(restored.engine.config.values.maxmemory, 1024 * 1024);
  assert.deepEqual(restored.connect().send('ACL', 'USERS'), ['["app", "default"]']);
});

test('engine: keyspace notifications publish the events notify-keyspace-events asks for', () => {
  const harness = createHarness();
  const listener = harness.connect();
  const a = harness.connect();
  assert.deepEqual(a.send('CONFIG', 'SET', 'notify-keyspace-events', 'KEA'), ['+OK']);
  assert.deepEqual(a.send('CONFIG', 'GET', 'notify-keyspace-events'), ['{"notify-keyspace-events": "AKE"}']);
  assert.deepEqual(a.send('CONFIG', 'SET', 'notify-keyspace-events', 'Q').length, 1);
  listener.send('PSUBSCRIBE', '__key*__:*');
  listener.sink.take();
  a.send('SET', 'k', 'v');
  assert.deepEqual(listener.sink.take(), ['["pmessage", "__key*__:*", "__keyspace@0__:k", "set"]', '["pmessage", "__key*__:*", "__keyevent@0__:set", "k"]']);
  a.send('CONFIG', 'SET', 'notify-keyspace-events', 'Elg');
  a.send('RPUSH', 'list', 'x');
  a.send('LPOP', 'list');
  assert.deepEqual(listener.sink.take(), [
    '["pmessage", "__key*__:*", "__keyevent@0__:rpush", "list"]',
    '["pmessage", "__key*__:*", "__keyevent@0__:lpop", "list"]',
    '["pmessage", "__key*__:*", "__keyevent@0__:del", "list"]',
  ]);
  a.send('SET', 'a', '1');
  a.send('RENAME', 'a', 'b');
  assert.deepEqual(listener.sink.take(), ['["pmessage", "__key*__:*", "__keyevent@0__:rename_from", "a"]', '["pmessage", "__key*__:*", "__keyevent@0__:rename_to", "b"]']);
  a.send('CONFIG', 'SET', 'notify-keyspace-events', 'Ex');
  a.send('SET', 'temp', 'v', 'PX', '10');
  harness.nowMs += 20;
  assert.deepEqual(a.send('GET', 'temp'), ['(nil)']);
  assert.deepEqual(listener.sink.take(), ['["pmessage", "__key*__:*", "__keyevent@0__:expired", "temp"]']);
  a.send('MULTI');
  a.send('SET', 'temp', 'v', 'PX', '10');
  a.send('EXEC');
  harness.engine.tick(harness.nowMs + 50);
  assert.deepEqual(listener.sink.take(), ['["pmessage", "__key*__:*", "__keyevent@0__:expired", "temp"]'], 'active expiry reports too');
});

test('engine: TTL, TYPE and EXISTS do not count as an access, TOUCH and GET do (introspection-2.tcl)', () => {
  const harness = createHarness();
  const a = harness.connect();
  a.send('SET', 'foo', 'bar');
  harness.nowMs += 3000;
  for (const command of [['TTL', 'foo'], ['PTTL', 'foo'], ['TYPE', 'foo'], ['EXISTS', 'foo'], ['EXPIRETIME', 'foo']]) a.send(...command);
  assert.deepEqual(a.send('OBJECT', 'IDLETIME', 'foo'), [':3']);
  a.send('TOUCH', 'foo');
  assert.deepEqual(a.send('OBJECT', 'IDLETIME', 'foo'), [':0']);
  harness.nowMs += 2000;
  a.send('GET', 'foo');
  assert.deepEqual(a.send('OBJECT', 'IDLETIME', 'foo'), [':0']);
});

test('engine: OBJECT FREQ reports the LFU counter decayed to now, as Redis (LFUDecrAndReturn)', () => {
  const harness = createHarness({ 'maxmemory-policy': 'allkeys-lfu' });
  const a = harness.connect();
  a.send('SET', 'k', 'v');
  for (let access = 0; access < 200; access++) a.send('GET', 'k');
  const [hot] = a.send('OBJECT', 'FREQ', 'k');
  assert.ok(Number(hot?.slice(1)) > 5, `hot: ${hot}`);
  harness.nowMs += 3_600_000;
  assert.deepEqual(a.send('OBJECT', 'FREQ', 'k'), [':0'], 'an hour idle: decayed by one per minute');
});

test('engine: a handler that throws something unplanned answers an internal error, is reported once, and leaves the engine consistent', () => {
  const reported: [string, string][] = [];
  const setSpec = cacheCommandTable.get('set');
  assert.ok(setSpec !== undefined);
  const harness = createHarness(
    {},
    {
      onInternalError: (error, command) => reported.push([(error as Error).message, command]),
      extraCommands: [
        {
          name: 'test-set-then-throw',
          arity: 1,
          flags: ['write'],
          handler: (context) => {
            setSpec.handler(context, ['SET', 'half', 'done'].map((word) => Buffer.from(word)));
            throw new RangeError('planted');
          },
        },
      ],
    },
  );
  const listener = harness.connect();
  const a = harness.connect();
  a.send('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
  listener.send('PSUBSCRIBE', '__keyevent@0__:*');
  listener.sink.take();
  assert.deepEqual(a.send('TEST-SET-THEN-THROW'), ["-ERR internal error while running 'test-set-then-throw' command (the server logged it)"]);
  assert.deepEqual(reported, [['planted', 'test-set-then-throw']]);
  // What the handler did before throwing stays, as after any failed command.
  assert.deepEqual(a.send('GET', 'half'), ['"done"']);
  listener.sink.take();
  // No change of the failed command is left pending to be published with the next one.
  a.send('SET', 'next', 'v');
  assert.deepEqual(listener.sink.take(), ['["pmessage", "__keyevent@0__:*", "__keyevent@0__:set", "next"]']);
  assert.equal(harness.engine.counters.internalErrors, 1);
  const stat = harness.engine.commandStats.get('test-set-then-throw');
  assert.deepEqual([stat?.calls, stat?.rejectedCalls, stat?.failedCalls], [1, 0, 1]);
  assert.equal(harness.engine.errorStats.get('ERR'), 1);
});

test('engine: commandstats usec covers every call, though constant-time commands read the clock on one call in 8', () => {
  let clockReads = 0;
  // Each command appears to take 1 µs: the clock advances by 1 per read.
  const harness = createHarness({}, { monotonicMicros: () => clockReads++ });
  const a = harness.connect();
  for (let index = 0; index < 17; index++) a.send('GET', 'k');
  assert.equal(clockReads, 6, 'calls 1, 9 and 17 read the clock');
  assert.deepEqual([harness.engine.commandStats.get('get')?.calls, harness.engine.commandStats.get('get')?.micros], [17, 17]);
  clockReads = 0;
  for (let index = 0; index < 3; index++) a.send('KEYS', '*');
  assert.equal(clockReads, 6, 'a command whose cost varies reads it on every call');
});

test("engine: SORT's BY and GET patterns need access to every key, as Redis 7 (they read keys the ACL check never saw)", () => {
  const { connect } = createHarness();
  const admin = connect();
  admin.send('RPUSH', 'user:l', '1', '2');
  admin.send('SET', 'secret:1', 'hidden');
  admin.send('ACL', 'SETUSER', 'u', 'on', 'nopass', '+@all', '~user:*');
  const limited = connect();
  limited.send('AUTH', 'u', 'x');
  assert.deepEqual(limited.send('SORT', 'user:l', 'BY', 'nosort', 'GET', 'secret:*'), ['-ERR GET option of SORT denied due to insufficient ACL permissions.']);
  assert.deepEqual(limited.send('SORT', 'user:l', 'BY', 'user:w_*'), ['-ERR BY option of SORT denied due to insufficient ACL permissions.']);
  assert.deepEqual(limited.send('SORT', 'user:l', 'BY', 'nosort'), ['["1", "2"]']);
  assert.deepEqual(admin.send('SORT', 'user:l', 'BY', 'nosort', 'GET', 'secret:*'), ['["hidden", (nil)]']);
});

test('engine: HyperLogLog commands publish pfadd, PFCOUNT refreshing its cache aborts a WATCH, hll-sparse-max-bytes is a CONFIG', () => {
  const harness = createHarness({ 'notify-keyspace-events': 'KEA' });
  const listener = harness.connect();
  const a = harness.connect();
  const b = harness.connect();
  listener.send('PSUBSCRIBE', '__keyevent@0__:*');
  listener.sink.take();
  assert.deepEqual(a.send('PFADD', 'h', 'x', 'y'), [':1']);
  assert.deepEqual(a.send('PFADD', 'h', 'x'), [':0']);
  assert.deepEqual(a.send('PFMERGE', 'm', 'h'), ['+OK']);
  assert.deepEqual(listener.sink.take(), [
    '["pmessage", "__keyevent@0__:*", "__keyevent@0__:pfadd", "h"]',
    '["pmessage", "__keyevent@0__:*", "__keyevent@0__:pfadd", "m"]',
  ]);
  // PFCOUNT writes the cardinality into the sketch's header (Redis's signalModifiedKey), and only when stale.
  a.send('WATCH', 'h');
  b.send('PFCOUNT', 'h');
  a.send('MULTI');
  a.send('PING');
  assert.deepEqual(a.send('EXEC'), ['(nil)']);
  a.send('WATCH', 'h');
  b.send('PFCOUNT', 'h');
  a.send('MULTI');
  a.send('PING');
  assert.deepEqual(a.send('EXEC'), ['[+PONG]']);
  assert.deepEqual(listener.sink.take(), []);
  assert.deepEqual(a.send('CONFIG', 'GET', 'hll-sparse-max-bytes'), ['{"hll-sparse-max-bytes": "3000"}']);
  assert.deepEqual(a.send('CONFIG', 'SET', 'hll-sparse-max-bytes', '20'), ['+OK']);
  a.send('PFADD', 'small', 'a', 'b', 'c');
  assert.deepEqual(a.send('PFDEBUG', 'ENCODING', 'small'), ['+dense']);
  assert.deepEqual(a.send('CONFIG', 'SET', 'hll-sparse-max-bytes', '3000'), ['+OK']);
  a.send('PFADD', 'small2', 'a', 'b', 'c');
  assert.deepEqual(a.send('PFDEBUG', 'ENCODING', 'small2'), ['+sparse']);
  assert.deepEqual(a.send('OBJECT', 'ENCODING', 'small2'), ['"raw"']);
});

test('engine: geo and BITFIELD publish the events Redis 7.0 publishes', () => {
  const harness = createHarness({ 'notify-keyspace-events': 'KEA' });
  const listener = harness.connect();
  const a = harness.connect();
  listener.send('PSUBSCRIBE', '__keyevent@0__:*');
  listener.sink.take();
  const events = (): string[] => listener.sink.take().map((message) => message.split(', ').slice(2).join(' ').replace(/"|\]/g, '').replace('__keyevent@0__:', ''));
  a.send('GEOADD', 'g', '13.361389', '38.115556', 'Palermo');
  a.send('GEORADIUS', 'g', '13', '38', '100', 'km', 'STORE', 'near');
  a.send('GEOSEARCHSTORE', 'near2', 'g', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km');
  a.send('GEOSEARCHSTORE', 'near2', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km');
  a.send('GEORADIUS', 'g', '13', '38', '100', 'km');
  assert.deepEqual(events(), ['zadd g', 'georadiusstore near', 'geosearchstore near2', 'del near2']);
  a.send('BITFIELD', 'b', 'SET', 'u8', '0', '1');
  a.send('BITFIELD', 'b', 'GET', 'u8', '0');
  a.send('BITFIELD', 'b', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1000');
  a.send('BITFIELD', 'b', 'SET', 'u8', '0', '1', 'INCRBY', 'u8', '0', '0');
  a.send('BITFIELD', 'b', 'SET', 'u8', '16', '0');
  assert.deepEqual(events(), ['setbit b', 'setbit b'], 'no event for GET, a failed INCRBY or an unchanged field; growing the string is a change');
});

test('engine: XREAD BLOCK $ is served by the next XADD, with only what came after the call', () => {
  const harness = createHarness();
  const reader = harness.connect();
  const writer = harness.connect();
  writer.send('XADD', 's', '1-0', 'a', '1');
  assert.deepEqual(reader.send('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'), []);
  assert.equal(harness.engine.blockedClientCount, 1);
  writer.send('XDEL', 's', '1-0');
  assert.deepEqual(reader.sink.take(), [], 'a change that adds nothing keeps it waiting');
  writer.send('XADD', 's', '2-0', 'b', '2');
  assert.deepEqual(reader.sink.take(), ['[["s", [["2-0", ["b", "2"]]]]]']);
  assert.equal(harness.engine.blockedClientCount, 0);
  // XREADGROUP blocked on a group that is then destroyed is told NOGROUP.
  writer.send('XGROUP', 'CREATE', 's', 'g', '$');
  assert.deepEqual(reader.send('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '1000', 'STREAMS', 's', '>'), []);
  writer.send('XGROUP', 'DESTROY', 's', 'g');
  assert.match(reader.sink.take()[0] ?? '', /^-NOGROUP /);
  // A key that changes type: XREADGROUP is told WRONGTYPE, XREAD keeps waiting.
  writer.send('XGROUP', 'CREATE', 's', 'g2', '$');
  assert.deepEqual(reader.send('XREADGROUP', 'GROUP', 'g2', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'), []);
  const other = harness.connect();
  assert.deepEqual(other.send('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'), []);
  writer.send('DEL', 's');
  writer.send('SET', 's', 'x');
  assert.match(reader.sink.take()[0] ?? '', /^-NOGROUP /, 'the DEL woke it first: no group');
  assert.deepEqual(other.sink.take(), [], 'XREAD waits for a stream');
  writer.send('DEL', 's');
  writer.send('XGROUP', 'CREATE', 's', 'g3', '$', 'MKSTREAM');
  assert.deepEqual(reader.send('XREADGROUP', 'GROUP', 'g3', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'), []);
  writer.send('MULTI');
  writer.send('DEL', 's');
  writer.send('SADD', 's', 'member');
  writer.send('EXEC');
  assert.match(reader.sink.take()[0] ?? '', /^-WRONGTYPE /, 'a stream replaced in one transaction: WRONGTYPE');
  writer.send('DEL', 's');
  // FLUSHALL wakes blocked readers: XREADGROUP learns its group is gone.
  writer.send('XGROUP', 'CREATE', 's', 'g4', '$', 'MKSTREAM');
  assert.deepEqual(reader.send('XREADGROUP', 'GROUP', 'g4', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'), []);
  writer.send('FLUSHALL');
  assert.match(reader.sink.take()[0] ?? '', /^-NOGROUP /);
  assert.deepEqual(other.sink.take(), [], 'XREAD keeps waiting after FLUSHALL');
  writer.send('XADD', 's', '9-0', 'f', 'v');
  assert.deepEqual(other.sink.take(), ['[["s", [["9-0", ["f", "v"]]]]]']);
  // Timeout: the null array.
  assert.deepEqual(reader.send('XREAD', 'BLOCK', '10', 'STREAMS', 's', '$'), []);
  harness.engine.tick(harness.nowMs + 50);
  assert.deepEqual(reader.sink.take(), ['(nil)']);
});

test('engine: XGROUP CREATE is refused over maxmemory and waits under CLIENT PAUSE WRITE (its subcommand flags)', () => {
  const harness = createHarness();
  const a = harness.connect();
  a.send('SET', 'filler', 'x'.repeat(1000));
  a.send('CONFIG', 'SET', 'maxmemory', '1');
  assert.match(a.send('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM')[0] ?? '', /^-OOM /);
  assert.deepEqual(a.send('XINFO', 'HELP').length, 1, 'a readonly subcommand still runs');
  const b = harness.connect();
  a.send('CONFIG', 'SET', 'maxmemory', '0');
  b.send('CLIENT', 'PAUSE', '100000', 'WRITE');
  assert.deepEqual(a.send('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'), [], 'paused');
  b.send('CLIENT', 'UNPAUSE');
  assert.deepEqual(a.sink.take(), ['+OK']);
});

test('engine: stream keyspace notifications', () => {
  const harness = createHarness({ 'notify-keyspace-events': 'Et' });
  const listener = harness.connect();
  const a = harness.connect();
  listener.send('PSUBSCRIBE', '__keyevent@0__:*');
  listener.sink.take();
  a.send('XADD', 's', '1-0', 'f', 'v');
  a.send('XADD', 's', '2-0', 'f', 'v');
  a.send('XDEL', 's', '1-0');
  a.send('XTRIM', 's', 'MAXLEN', '0');
  a.send('XGROUP', 'CREATE', 't', 'g', '$', 'MKSTREAM');
  a.send('XGROUP', 'DESTROY', 't', 'g');
  assert.deepEqual(
    listener.sink.take().map((message) => JSON.parse(message)[2]),
    ['__keyevent@0__:xadd', '__keyevent@0__:xadd', '__keyevent@0__:xdel', '__keyevent@0__:xtrim', '__keyevent@0__:xgroup-create', '__keyevent@0__:xgroup-destroy'],
  );
  // Consumers and group positions (pubsub.tcl "stream events test"): created by XGROUP, XREADGROUP,
  // XCLAIM or XAUTOCLAIM; a DELCONSUMER of a consumer that is not there and a known one's reads report nothing.
  a.send('XGROUP', 'CREATE', 's', 'g', '$');
  a.send('XGROUP', 'CREATECONSUMER', 's', 'g', 'Bob');
  a.send('XADD', 's', '3-0', 'f', 'v');
  a.send('XREADGROUP', 'GROUP', 'g', 'Alice', 'STREAMS', 's', '>');
  a.send('XCLAIM', 's', 'g', 'Mike', '0', '3-0', 'FORCE');
  a.send('XGROUP', 'DELCONSUMER', 's', 'g', 'Lee');
  a.send('XAUTOCLAIM', 's', 'g', 'Bob', '0', '3-0');
  a.send('XGROUP', 'DELCONSUMER', 's', 'g', 'Bob');
  a.send('XGROUP', 'SETID', 's', 'g', '0');
  assert.deepEqual(
    listener.sink.take().map((message) => JSON.parse(message)[2]),
    ['create', 'createconsumer', 'xadd', 'createconsumer', 'createconsumer', 'delconsumer', 'setid'].map((event) => `__keyevent@0__:${event === 'xadd' ? event : `xgroup-${event}`}`),
  );
});

test('engine: a paused or blocked request keeps its own arguments, whatever happens to the memory they were read from', () => {
  const harness = createHarness();
  const admin = harness.connect();
  const writer = harness.connect();
  const popper = harness.connect();
  // The decoder's arguments are views into the connection's chunk: model that chunk being reused.
  const chunk = Buffer.alloc(64);
  const viewsOf = (...words: string[]) => {
    let offset = 0;
    return words.map((word) => {
      const view = chunk.subarray(offset, offset + word.length);
      view.write(word, 'latin1');
      offset += word.length;
      return view;
    });
  };
  assert.deepEqual(admin.send('CLIENT', 'PAUSE', '100000', 'WRITE'), ['+OK']);
  harness.engine.execute(writer.client, viewsOf('SET', 'key1', 'value1'), harness.nowMs);
  chunk.fill(0x21);
  assert.deepEqual(admin.send('CLIENT', 'UNPAUSE'), ['+OK']);
  assert.deepEqual(writer.sink.take(), ['+OK']);
  assert.deepEqual(admin.send('GET', 'key1'), ['"value1"']);
  harness.engine.execute(popper.client, viewsOf('BLPOP', 'list1', '0'), harness.nowMs);
  chunk.fill(0x21);
  assert.deepEqual(admin.send('RPUSH', 'list1', 'a'), [':1']);
  assert.deepEqual(popper.sink.take(), ['["list1", "a"]']);
});
