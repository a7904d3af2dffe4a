/**
 * CLIENT TRACKING through the engine with recording sinks: default mode, REDIRECT (RESP3 pushes and
 * RESP2 `__redis__:invalidate` messages), BCAST prefixes, OPTIN/OPTOUT with CLIENT CACHING, NOLOOP,
 * flushes, expiry and the table limit. Cases follow Redis's tests/unit/tracking.tcl.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHarness } from './cache-engine-clocked.spec-helper.js';

test('tracking: a read key is invalidated once when another client changes it, in any database', () => {
  const { connect, engine } = createHarness();
  const reader = connect();
  const writer = connect();
  reader.send('HELLO', '3');
  assert.deepEqual(reader.send('CLIENT', 'TRACKING', 'on'), ['+OK']);
  reader.send('GET', 'k');
  reader.send('MGET', 'a', 'b');
  writer.send('SET', 'k', '1');
  assert.deepEqual(reader.sink.take(), ['["invalidate", ["k"]]']);
  writer.send('SET', 'k', '2');
  assert.deepEqual(reader.sink.take(), [], 'forgotten once invalidated');
  writer.send('SELECT', '5');
  writer.send('DEL', 'b');
  writer.send('SET', 'b', 'x');
  assert.deepEqual(reader.sink.take(), ['["invalidate", ["b"]]'], 'the table ignores databases, as Redis');
  writer.send('SET', 'unread', 'x');
  assert.deepEqual(reader.sink.take(), []);
  const second = connect();
  second.send('HELLO', '3');
  second.send('CLIENT', 'TRACKING', 'on');
  reader.send('GET', 'shared');
  second.send('GET', 'shared');
  second.send('GET', 'shared');
  assert.deepEqual(engine.tracking.stats, { clients: 2, keys: 2, items: 3, prefixes: 0 }, "'a' (never changed) and 'shared' twice");
  writer.send('SET', 'shared', 'x');
  assert.deepEqual([...reader.sink.take(), ...second.sink.take()], ['["invalidate", ["shared"]]', '["invalidate", ["shared"]]']);
  assert.deepEqual(engine.tracking.stats, { clients: 2, keys: 1, items: 1, prefixes: 0 });
});

test("tracking: the client's own change comes after its reply; NOLOOP leaves it out", () => {
  const { connect } = createHarness();
  const client = connect();
  client.send('HELLO', '3');
  client.send('CLIENT', 'TRACKING', 'on');
  client.send('GET', 'k');
  assert.deepEqual(client.send('SET', 'k', 'v'), ['+OK', '["invalidate", ["k"]]']);
  client.send('CLIENT', 'TRACKING', 'on', 'NOLOOP');
  client.send('GET', 'k');
  assert.deepEqual(client.send('SET', 'k', 'w'), ['+OK']);
  assert.deepEqual(client.send('CLIENT', 'TRACKINGINFO'), ['{"flags": ["on", "noloop"], "redirect": :0, "prefixes": []}']);
});

test('tracking: REDIRECT to a RESP2 subscriber of __redis__:invalidate; a gone target breaks the redirect', () => {
  const { connect } = createHarness();
  const listener = connect();
  const tracker = connect();
  const writer = connect();
  listener.send('SUBSCRIBE', '__redis__:invalidate');
  assert.deepEqual(tracker.send('CLIENT', 'TRACKING', 'on', 'REDIRECT', String(listener.client.id)), ['+OK']);
  assert.deepEqual(tracker.send('CLIENT', 'GETREDIR'), [`:${listener.client.id}`]);
  tracker.send('GET', 'k');
  writer.send('SET', 'k', '1');
  assert.deepEqual(listener.sink.take(), ['["message", "__redis__:invalidate", ["k"]]']);
  assert.deepEqual(tracker.sink.take(), []);
  writer.send('FLUSHALL');
  assert.deepEqual(listener.sink.take(), ['["message", "__redis__:invalidate", (nil)]'], 'a flush: once, with null');
  // QUIT: the redirect is gone as soon as its reply is out, before its socket has closed (tracking.tcl).
  listener.send('QUIT');
  assert.equal(listener.sink.closed, true);
  tracker.send('HELLO', '3');
  tracker.send('GET', 'k');
  writer.send('SET', 'k', '2');
  assert.deepEqual(tracker.sink.take(), [`["tracking-redir-broken", :${listener.client.id}]`]);
  assert.match(tracker.send('CLIENT', 'INFO')[0] as string, / flags=tR .* redir=\d+ /);
  assert.deepEqual(tracker.send('CLIENT', 'TRACKINGINFO'), [`{"flags": ["on", "broken_redirect"], "redirect": :${listener.client.id}, "prefixes": []}`]);
});

test('tracking: RESP2 without REDIRECT tracks but has no way to be told', () => {
  const { connect } = createHarness();
  const tracker = connect();
  const writer = connect();
  tracker.send('CLIENT', 'TRACKING', 'on');
  tracker.send('GET', 'k');
  writer.send('SET', 'k', '1');
  assert.deepEqual(tracker.sink.take(), []);
});

test('tracking: BCAST announces every change under the prefixes, one message per prefix, none remembered', () => {
  const { connect, engine } = createHarness();
  const tracker = connect();
  const writer = connect();
  tracker.send('HELLO', '3');
  assert.deepEqual(tracker.send('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'cart:'), ['+OK']);
  writer.send('SET', 'user:1', 'a');
  writer.send('MSET', 'user:2', 'b', 'other', 'c', 'cart:9', 'd');
  writer.send('SET', 'other', 'e');
  // One message per prefix and command, as trackingBroadcastInvalidationMessages sends them.
  assert.deepEqual(tracker.sink.take(), ['["invalidate", ["user:1"]]', '["invalidate", ["user:2"]]', '["invalidate", ["cart:9"]]']);
  tracker.send('GET', 'user:1');
  assert.equal(engine.tracking.stats.keys, 0, 'BCAST remembers no keys');
  assert.deepEqual(tracker.send('CLIENT', 'TRACKINGINFO'), ['{"flags": ["on", "bcast"], "redirect": :0, "prefixes": ["user:", "cart:"]}']);
  assert.deepEqual(tracker.send('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:1'), [
    "-ERR Prefix 'user:1' overlaps with an existing prefix 'user:'. Prefixes for a single client must not overlap.",
  ]);
  assert.deepEqual(tracker.send('CLIENT', 'TRACKING', 'on'), [
    "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
  ]);
  const all = connect();
  all.send('HELLO', '3');
  all.send('CLIENT', 'TRACKING', 'on', 'BCAST');
  assert.deepEqual(all.send('SET', 'x', '1'), ['+OK', '["invalidate", ["x"]]'], 'no prefix: every key, its own changes too, after the reply');
});

test('tracking: OPTIN remembers after CLIENT CACHING yes only, for one command; OPTOUT the reverse', () => {
  const { connect } = createHarness();
  const tracker = connect();
  const writer = connect();
  tracker.send('HELLO', '3');
  tracker.send('CLIENT', 'TRACKING', 'on', 'OPTIN');
  tracker.send('GET', 'a');
  assert.deepEqual(tracker.send('CLIENT', 'CACHING', 'yes'), ['+OK']);
  assert.deepEqual(tracker.send('CLIENT', 'TRACKINGINFO'), ['{"flags": ["on", "optin", "caching-yes"], "redirect": :0, "prefixes": []}'], 'CLIENT commands keep it');
  tracker.send('GET', 'b');
  tracker.send('GET', 'c');
  writer.send('MSET', 'a', '1', 'b', '2', 'c', '3');
  assert.deepEqual(tracker.sink.take(), ['["invalidate", ["b"]]']);
  assert.deepEqual(tracker.send('CLIENT', 'CACHING', 'no'), ['-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.']);
  const optout = connect();
  optout.send('HELLO', '3');
  optout.send('CLIENT', 'TRACKING', 'on', 'OPTOUT');
  optout.send('CLIENT', 'CACHING', 'no');
  optout.send('GET', 'a');
  optout.send('GET', 'b');
  writer.send('MSET', 'a', '1', 'b', '2');
  assert.deepEqual(optout.sink.take(), ['["invalidate", ["b"]]']);
  assert.deepEqual(optout.send('CLIENT', 'TRACKING', 'on', 'OPTIN'), [
    "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
  ]);
  const off = connect();
  assert.deepEqual(off.send('CLIENT', 'CACHING', 'yes'), ['-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled']);
});

test('tracking: expiry invalidates; the table is bounded by tracking-table-max-keys; RESET and OFF stop it', () => {
  const { connect, engine, clocks } = createHarness({ 'tracking-table-max-keys': 2 });
  const tracker = connect();
  const writer = connect();
  tracker.send('HELLO', '3');
  tracker.send('CLIENT', 'TRACKING', 'on');
  writer.send('SET', 'soon', 'x', 'PX', '10');
  tracker.send('GET', 'soon');
  clocks.nowMs += 100;
  engine.tick(clocks.nowMs);
  assert.deepEqual(tracker.sink.take(), ['["invalidate", ["soon"]]']);
  assert.deepEqual(tracker.send('MGET', 'k1', 'k2', 'k3'), ['[(nil), (nil), (nil)]', '["invalidate", ["k1"]]'], 'past 2 keys the oldest goes');
  assert.equal(engine.tracking.stats.keys, 2);
  const info = tracker.send('INFO')[0] as string;
  assert.match(info, /tracking_clients:1\b/);
  assert.match(info, /tracking_total_keys:2\b/);
  assert.match(info, /tracking_total_items:2\b/);
  assert.match(tracker.send('CLIENT', 'INFO')[0] as string, / flags=t .* redir=0 /);
  assert.deepEqual(tracker.send('RESET'), ['+RESET']);
  assert.deepEqual(tracker.send('CLIENT', 'GETREDIR'), [':-1']);
  assert.deepEqual(tracker.send('CLIENT', 'TRACKINGINFO'), ['{"flags": ["off"], "redirect": :-1, "prefixes": []}']);
  writer.send('SET', 'k2', 'x');
  assert.deepEqual(tracker.sink.take(), [], 'a client that stopped tracking is skipped');
  assert.equal(engine.tracking.stats.clients, 0);
});

test('tracking: a tracking client is a normal client, not held to the pub/sub output limits', () => {
  const { connect, engine, clocks } = createHarness({ 'client-output-buffer-limit': 'normal 0 0 0 slave 0 0 0 pubsub 0 1000 1' });
  const tracker = connect();
  const subscriber = connect();
  tracker.send('HELLO', '3');
  tracker.send('CLIENT', 'TRACKING', 'on');
  subscriber.send('SUBSCRIBE', 'c');
  // Both have more unsent than the soft limit for longer than its 1 s: only the subscriber goes.
  tracker.sink.pendingOutputBytes = 5000;
  subscriber.sink.pendingOutputBytes = 5000;
  engine.tick(clocks.nowMs);
  clocks.nowMs += 2000;
  engine.tick(clocks.nowMs);
  assert.deepEqual([tracker.sink.closed, subscriber.sink.closed], [false, true]);
});

test('tracking: BCAST prefix overlaps are reported as Redis reports them, for 20,000 prefixes too', () => {
  const { connect } = createHarness();
  const tracker = connect();
  tracker.send('HELLO', '3');
  // The first given prefix with an overlap, and its first later partner.
  assert.deepEqual(tracker.send('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'ac', 'PREFIX', 'b', 'PREFIX', 'a', 'PREFIX', 'ab'), [
    "-ERR Prefix 'ac' overlaps with another provided prefix 'a'. Prefixes for a single client must not overlap.",
  ]);
  assert.deepEqual(tracker.send('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'x', 'PREFIX', 'x'), [
    "-ERR Prefix 'x' overlaps with another provided prefix 'x'. Prefixes for a single client must not overlap.",
  ]);
  assert.deepEqual(tracker.send('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'b', 'PREFIX', 'a'), ['+OK']);
  // Existing prefixes are searched in byte order (Redis's rax), not in the order they were given.
  assert.deepEqual(tracker.send('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'c', 'PREFIX', ''), [
    "-ERR Prefix 'c' overlaps with another provided prefix ''. Prefixes for a single client must not overlap.",
  ]);
  assert.deepEqual(tracker.send('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', ''), [
    "-ERR Prefix '' overlaps with an existing prefix 'a'. Prefixes for a single client must not overlap.",
  ]);
  const many = connect();
  many.send('HELLO', '3');
  const prefixes = Array.from({ length: 20_000 }, (_, index) => `p${String(index).padStart(5, '0')}:`);
  assert.deepEqual(many.send('CLIENT', 'TRACKING', 'on', 'BCAST', ...prefixes.flatMap((prefix) => ['PREFIX', prefix])), ['+OK']);
  assert.deepEqual(many.send('CLIENT', 'TRACKING', 'on', 'BCAST', ...prefixes.flatMap((prefix) => ['PREFIX', `${prefix}x`])), [
    "-ERR Prefix 'p00000:x' overlaps with an existing prefix 'p00000:'. Prefixes for a single client must not overlap.",
  ]);
  assert.deepEqual(many.send('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'q', ...prefixes.flatMap((prefix) => ['PREFIX', `q${prefix}`])), [
    "-ERR Prefix 'q' overlaps with another provided prefix 'qp00000:'. Prefixes for a single client must not overlap.",
  ]);
});

test('tracking: OPTIN: an unknown command after CLIENT CACHING yes uses it up, as in Redis', () => {
  const { connect } = createHarness();
  const tracker = connect();
  const writer = connect();
  tracker.send('HELLO', '3');
  tracker.send('CLIENT', 'TRACKING', 'on', 'OPTIN');
  assert.deepEqual(tracker.send('CLIENT', 'CACHING', 'yes'), ['+OK']);
  assert.match(tracker.send('NOSUCHCMD')[0] as string, /^-ERR unknown command/);
  tracker.send('GET', 'o');
  writer.send('SET', 'o', '1');
  assert.deepEqual(tracker.sink.take(), [], 'the GET after the unknown command was not remembered');
  // A CLIENT command in between keeps it (prevcmd == clientCommand).
  tracker.send('CLIENT', 'CACHING', 'yes');
  tracker.send('CLIENT', 'ID');
  tracker.send('GET', 'o');
  writer.send('SET', 'o', '2');
  assert.deepEqual(tracker.sink.take(), ['["invalidate", ["o"]]']);
});

test('tracking: EVAL_RO, EVALSHA_RO and FCALL_RO do not remember their declared keys, as call() leaves scripts out', () => {
  const { connect } = createHarness();
  const tracker = connect();
  const writer = connect();
  tracker.send('HELLO', '3');
  tracker.send('CLIENT', 'TRACKING', 'on');
  tracker.send('EVAL_RO', 'return 1', '1', 's1');
  tracker.send('EVALSHA_RO', 'a'.repeat(40), '1', 's2');
  tracker.send('FCALL_RO', 'f', '1', 's3');
  tracker.send('GET', 'g');
  writer.send('MSET', 's1', '1', 's2', '2', 's3', '3', 'g', '4');
  assert.deepEqual(tracker.sink.take(), ['["invalidate", ["g"]]']);
});
