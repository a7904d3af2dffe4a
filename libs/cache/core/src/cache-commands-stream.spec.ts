/**
 * Stream commands as transcripts. Cases follow the command documentation and Redis 7's
 * tests/unit/type/stream.tcl and stream-cgroups.tcl; explicit IDs keep the replies deterministic
 * (auto IDs use the context's clock).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCacheBlock } from './cache-command-context.js';
import { crc64Redis } from './cache-crc64.js';
import { CacheDumpPayloadError, decodeDumpPayload, encodeDumpPayload } from './cache-dump-payload.js';
import { type KeyText } from './cache-keyspace.js';
import { cacheEncodingThresholds } from './cache-collection-size.js';
import { createTestContext, renderReply, replay, run, seededRandom } from './cache-session.spec-helper.js';
import { StreamPendingList, type StreamPendingEntry } from './cache-stream.js';

const wrongType = '-WRONGTYPE Operation against a key holding the wrong kind of value';

const sessions: Readonly<Record<string, readonly string[]>> = {
  'XADD, XLEN, XRANGE, XREVRANGE': [
    'XADD s 1-1 a 1 -> "1-1"',
    'XADD s 1-2 b 2 c 3 -> "1-2"',
    'XADD s 2 d 4 -> "2-0"',
    'XADD s 2-* e 5 -> "2-1"',
    'XADD s 3-* f 6 -> "3-0"',
    'XLEN s -> :5',
    'XLEN nokey -> :0',
    'XRANGE s - + -> [["1-1", ["a", "1"]], ["1-2", ["b", "2", "c", "3"]], ["2-0", ["d", "4"]], ["2-1", ["e", "5"]], ["3-0", ["f", "6"]]]',
    'XRANGE s 2 2 -> [["2-0", ["d", "4"]], ["2-1", ["e", "5"]]]',
    'XRANGE s (1-2 + COUNT 2 -> [["2-0", ["d", "4"]], ["2-1", ["e", "5"]]]',
    'XRANGE s - (2-0 -> [["1-1", ["a", "1"]], ["1-2", ["b", "2", "c", "3"]]]',
    'XREVRANGE s + - COUNT 2 -> [["3-0", ["f", "6"]], ["2-1", ["e", "5"]]]',
    'XREVRANGE s (3-0 (1-2 -> [["2-1", ["e", "5"]], ["2-0", ["d", "4"]]]',
    'XRANGE s - + COUNT 0 -> (nil)',
    'XRANGE nokey - + -> []',
    'XRANGE s (- + -> -ERR Invalid stream ID specified as stream command argument',
    'XRANGE s - (0-0 -> -ERR invalid end ID for the interval',
    'XRANGE s (18446744073709551615-18446744073709551615 + -> -ERR invalid start ID for the interval',
    'XRANGE s - + FOO 1 -> -ERR syntax error',
    'XADD s 3-0 g 7 -> -ERR The ID specified in XADD is equal or smaller than the target stream top item',
    'XADD s 0-0 g 7 -> -ERR The ID specified in XADD must be greater than 0-0',
    'XADD t 0-0 g 7 -> -ERR The ID specified in XADD must be greater than 0-0',
    "XADD s 4-0 g -> -ERR wrong number of arguments for 'xadd' command",
    'XADD s abc g 7 -> -ERR Invalid stream ID specified as stream command argument',
    'XADD s 4-x g 7 -> -ERR Invalid stream ID specified as stream command argument',
    'XADD s -1 g 7 -> -ERR Invalid stream ID specified as stream command argument',
    'XADD nokey NOMKSTREAM * a 1 -> (nil)',
    'EXISTS nokey -> :0',
    'SET str x -> +OK',
    `XADD str * a 1 -> ${wrongType}`,
    `XLEN str -> ${wrongType}`,
    'TYPE s -> +stream',
  ],
  'the last possible ID': [
    'XADD m 18446744073709551615-18446744073709551614 a 1 -> "18446744073709551615-18446744073709551614"',
    'XADD m 18446744073709551615-* a 1 -> "18446744073709551615-18446744073709551615"',
    'XADD m * a 1 -> -ERR The stream has exhausted the last possible ID, unable to add more items',
    'XADD m 18446744073709551616-0 a 1 -> -ERR Invalid stream ID specified as stream command argument',
  ],
  'XDEL leaves an empty stream and tombstones': [
    'XADD s 1 a 1 -> "1-0"',
    'XADD s 2 a 2 -> "2-0"',
    'XADD s 3 a 3 -> "3-0"',
    'XDEL s 2 9 -> :1',
    'XDEL s 2 -> :0',
    'XDEL s bad -> -ERR Invalid stream ID specified as stream command argument',
    'XRANGE s - + -> [["1-0", ["a", "1"]], ["3-0", ["a", "3"]]]',
    'XDEL s 1 3 -> :2',
    'XLEN s -> :0',
    'EXISTS s -> :1',
    'XADD s 2 a 1 -> -ERR The ID specified in XADD is equal or smaller than the target stream top item',
    'XDEL nokey 1 -> :0',
  ],
  'XTRIM and XADD trimming': [
    'XADD s 1 a 1 -> "1-0"',
    'XADD s 2 a 2 -> "2-0"',
    'XADD s 3 a 3 -> "3-0"',
    'XADD s MAXLEN 2 4 a 4 -> "4-0"',
    'XRANGE s - + -> [["3-0", ["a", "3"]], ["4-0", ["a", "4"]]]',
    'XTRIM s MINID 4 -> :1',
    'XTRIM s MAXLEN = 5 -> :0',
    'XTRIM s MAXLEN -1 -> -ERR The MAXLEN argument must be >= 0.',
    'XTRIM s MAXLEN 1 LIMIT 10 -> -ERR syntax error, LIMIT cannot be used without the special ~ option',
    'XTRIM s MAXLEN 1 MINID 1 -> -ERR syntax error, MAXLEN and MINID options at the same time are not compatible',
    'XTRIM s FOO 1 -> -ERR syntax error',
    'XADD s MAXLEN 5 MAXLEN 3 5 a 5 -> -ERR syntax error, MAXLEN and MINID options at the same time are not compatible',
    'XADD s LIMIT 10 5 a 5 -> -ERR syntax error, LIMIT cannot be used without specifying a trimming strategy',
    'XTRIM s LIMIT 10 -> -ERR syntax error, LIMIT cannot be used without specifying a trimming strategy',
    'XTRIM s LIMIT 0 -> -ERR syntax error, XTRIM must be called with a trimming strategy',
    'XTRIM nokey MAXLEN 0 -> :0',
    'XTRIM s MAXLEN 0 -> :1',
    'XLEN s -> :0',
  ],
  'consumer groups: XGROUP, XREADGROUP, XACK, XPENDING': [
    'XGROUP CREATE s g $ -> -ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
    'XGROUP CREATE s g $ MKSTREAM -> +OK',
    'XGROUP CREATE s g $ -> -BUSYGROUP Consumer Group name already exists',
    'XADD s 1 a 1 -> "1-0"',
    'XADD s 2 a 2 -> "2-0"',
    'XREADGROUP GROUP g alice COUNT 1 STREAMS s > -> [["s", [["1-0", ["a", "1"]]]]]',
    'XREADGROUP GROUP g bob STREAMS s > -> [["s", [["2-0", ["a", "2"]]]]]',
    'XREADGROUP GROUP g bob STREAMS s > -> (nil)',
    'XREADGROUP GROUP g alice STREAMS s 0 -> [["s", [["1-0", ["a", "1"]]]]]',
    'XPENDING s g -> [:2, "1-0", "2-0", [["alice", "1"], ["bob", "1"]]]',
    'time +100',
    'XPENDING s g - + 10 -> [["1-0", "alice", :100, :2], ["2-0", "bob", :100, :1]]',
    'XPENDING s g IDLE 200 - + 10 -> []',
    'XPENDING s g - + 10 bob -> [["2-0", "bob", :100, :1]]',
    'XPENDING s g - + 10 nobody -> []',
    "XPENDING s nogroup -> -NOGROUP No such key 's' or consumer group 'nogroup'",
    'XACK s g 1-0 5-0 -> :1',
    'XACK s nogroup 1-0 -> :0',
    'XACK s g bad -> -ERR Invalid stream ID specified as stream command argument',
    'XREADGROUP GROUP g alice STREAMS s 0 -> [["s", []]]',
    "XREADGROUP GROUP nogroup alice STREAMS s > -> -NOGROUP No such key 's' or consumer group 'nogroup' in XREADGROUP with GROUP option",
    'XREADGROUP GROUP g alice STREAMS s $ -> -ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
    'XREAD STREAMS s > -> -ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.',
    "XREAD STREAMS s t 0 -> -ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.",
    'XREAD GROUP g a STREAMS s 0 -> -ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.',
    'XGROUP CREATECONSUMER s g carol -> :1',
    'XGROUP CREATECONSUMER s g carol -> :0',
    'XGROUP DELCONSUMER s g bob -> :1',
    'XPENDING s g -> [:0, (nil), (nil), (nil)]',
    "XGROUP SETID s nogroup 0 -> -NOGROUP No such consumer group 'nogroup' for key name 's'",
    'XGROUP SETID s g 0 -> +OK',
    'XREADGROUP GROUP g carol STREAMS s > -> [["s", [["1-0", ["a", "1"]], ["2-0", ["a", "2"]]]]]',
    'XGROUP DESTROY s g -> :1',
    'XGROUP DESTROY s g -> :0',
    "XGROUP FOO s g -> -ERR unknown subcommand 'FOO'. Try XGROUP HELP.",
    "XGROUP CREATE s g -> -ERR wrong number of arguments for 'xgroup|create' command",
  ],
  'XREAD': [
    'XADD a 1 f 1 -> "1-0"',
    'XADD b 1 f 2 -> "1-0"',
    'XREAD STREAMS a b 0 0 -> [["a", [["1-0", ["f", "1"]]]], ["b", [["1-0", ["f", "2"]]]]]',
    'XREAD COUNT 1 STREAMS a nokey 0 0 -> [["a", [["1-0", ["f", "1"]]]]]',
    'XREAD STREAMS a $ -> (nil)',
    'XREAD STREAMS a 1 -> (nil)',
    'XREAD BLOCK -1 STREAMS a $ -> -ERR timeout is negative',
    'XREAD BLOCK x STREAMS a $ -> -ERR timeout is not an integer or out of range',
  ],
  'XCLAIM and XAUTOCLAIM': [
    'XADD s 1 a 1 -> "1-0"',
    'XADD s 2 a 2 -> "2-0"',
    'XADD s 3 a 3 -> "3-0"',
    'XGROUP CREATE s g 0 -> +OK',
    'XREADGROUP GROUP g alice STREAMS s > -> [["s", [["1-0", ["a", "1"]], ["2-0", ["a", "2"]], ["3-0", ["a", "3"]]]]]',
    'time +50',
    'XCLAIM s g bob 100 1-0 -> []',
    'XCLAIM s g bob 10 1-0 -> [["1-0", ["a", "1"]]]',
    'XCLAIM s g bob 0 2-0 JUSTID -> ["2-0"]',
    'XPENDING s g - + 10 -> [["1-0", "bob", :0, :2], ["2-0", "bob", :0, :1], ["3-0", "alice", :50, :1]]',
    'XCLAIM s g bob 0 3-0 RETRYCOUNT 7 IDLE 20 -> [["3-0", ["a", "3"]]]',
    'XPENDING s g - + 10 bob -> [["1-0", "bob", :0, :2], ["2-0", "bob", :0, :1], ["3-0", "bob", :20, :7]]',
    "XCLAIM s g bob 0 3-0 FOO -> -ERR Unrecognized XCLAIM option 'FOO'",
    'XCLAIM s g bob x 3-0 -> -ERR Invalid min-idle-time argument for XCLAIM',
    'XDEL s 2-0 -> :1',
    'XAUTOCLAIM s g carol 0 0 COUNT 1 -> ["2-0", [["1-0", ["a", "1"]]], []]',
    'XAUTOCLAIM s g carol 0 2-0 -> ["0-0", [["3-0", ["a", "3"]]], ["2-0"]]',
    'XAUTOCLAIM s g carol 0 0 COUNT 0 -> -ERR COUNT must be > 0',
    'XAUTOCLAIM s g carol 0 0 JUSTID -> ["0-0", ["1-0", "3-0"], []]',
    'XPENDING s g - + 10 -> [["1-0", "carol", :0, :3], ["3-0", "carol", :0, :8]]',
    "XAUTOCLAIM nokey g carol 0 0 -> -NOGROUP No such key 'nokey' or consumer group 'g'",
    'XAUTOCLAIM s g carol 0 0 COUNT 576460752303423488 -> -ERR COUNT must be > 0',
    'XAUTOCLAIM s g carol 0 0 COUNT 576460752303423487 JUSTID -> ["0-0", ["1-0", "3-0"], []]',
    'XCLAIM s g carol 0 1-0 RETRYCOUNT 9223372036854775807 JUSTID -> ["1-0"]',
    'XPENDING s g - 1-0 1 -> [["1-0", "carol", :0, :9223372036854775807]]',
    'XCLAIM s g carol 0 1-0 JUSTID -> ["1-0"]',
    'XCLAIM s g carol 0 1-0 -> [["1-0", ["a", "1"]]]',
    'XPENDING s g - 1-0 1 -> [["1-0", "carol", :0, :-9223372036854775808]]',
  ],
  'XINFO and XSETID': [
    'XINFO STREAM nokey -> -ERR no such key',
    'XADD s 1 a 1 -> "1-0"',
    'XADD s 2 a 2 -> "2-0"',
    'XGROUP CREATE s g 0 -> +OK',
    'XREADGROUP GROUP g alice COUNT 1 STREAMS s > -> [["s", [["1-0", ["a", "1"]]]]]',
    'XINFO STREAM s -> {"length": :2, "radix-tree-keys": :1, "radix-tree-nodes": :2, "last-generated-id": "2-0", "max-deleted-entry-id": "0-0", "entries-added": :2, "recorded-first-entry-id": "1-0", "groups": :1, "first-entry": ["1-0", ["a", "1"]], "last-entry": ["2-0", ["a", "2"]]}',
    'XINFO GROUPS s -> [{"name": "g", "consumers": :1, "pending": :1, "last-delivered-id": "1-0", "entries-read": :1, "lag": :1}]',
    'time +5',
    'XINFO CONSUMERS s g -> [{"name": "alice", "pending": :1, "idle": :5, "inactive": :5}]',
    "XINFO CONSUMERS s nogroup -> -NOGROUP No such consumer group 'nogroup' for key name 's'",
    'XSETID s 1-0 -> -ERR The ID specified in XSETID is smaller than the target stream top item',
    'XSETID s 5-0 ENTRIESADDED 1 -> -ERR The entries_added specified in XSETID is smaller than the target stream length',
    'XSETID s 5-0 ENTRIESADDED 9 MAXDELETEDID 3-0 -> +OK',
    'XINFO GROUPS s -> [{"name": "g", "consumers": :1, "pending": :1, "last-delivered-id": "1-0", "entries-read": :1, "lag": (nil)}]',
    'XADD s 5-0 a 1 -> -ERR The ID specified in XADD is equal or smaller than the target stream top item',
    'XSETID nokey 1 -> -ERR no such key',
    "XINFO FOO s -> -ERR unknown subcommand 'FOO'. Try XINFO HELP.",
    "XINFO STREAM s FULLX -> -ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.",
    "XINFO STREAM s FULL COUNT -> -ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.",
  ],
};

for (const [name, lines] of Object.entries(sessions)) {
  test(`stream session: ${name}`, () => {
    replay(lines);
  });
}

test('XREADGROUP with the largest ID given explicitly reads new entries, as `>`', () => {
  replay([
    'XADD s 1 a 1 -> "1-0"',
    'XGROUP CREATE s g 0 -> +OK',
    'XREADGROUP GROUP g c STREAMS s 18446744073709551615-18446744073709551615 -> [["s", [["1-0", ["a", "1"]]]]]',
    'XPENDING s g -> [:1, "1-0", "1-0", [["c", "1"]]]',
  ]);
});

test('pending lists stay in ID order through random inserts and removals (chunk splits and merges)', () => {
  const list = new StreamPendingList();
  const model = new Map<bigint, StreamPendingEntry>();
  const random = seededRandom(7);
  for (let step = 0; step < 20_000; step++) {
    const key = BigInt(random.nextIndex(3000));
    const id = { ms: key / 10n, seq: key % 10n };
    if (random.nextIndex(3) < 2) {
      const entry: StreamPendingEntry = { id, consumer: null, deliveryTimeMs: 0, deliveryCount: 1n };
      assert.equal(list.insert(entry), !model.has(key));
      if (!model.has(key)) model.set(key, entry);
    } else assert.equal(list.remove(id), model.delete(key));
  }
  const expected = [...model.keys()].sort((a, b) => (a < b ? -1 : 1));
  const actual = [...list.values()].map((entry) => entry.id.ms * 10n + entry.id.seq);
  assert.deepEqual(actual, expected);
  assert.equal(list.size, expected.length);
  const from = { ms: 150n, seq: 0n };
  assert.equal(list.firstFrom(from)?.id.ms, expected.find((key) => key >= 1500n) === undefined ? undefined : (expected.find((key) => key >= 1500n) as bigint) / 10n);
  assert.deepEqual([...list.from(from)].length, expected.filter((key) => key >= 1500n).length);
});

test('the memory estimate counts consumers and tombstones until their node goes', () => {
  const context = createTestContext();
  const database = context.keyspace.database(0);
  run(context, 'XADD', 's', '1-0', 'f', 'x'.repeat(1_000));
  run(context, 'XADD', 's', '2-0', 'f', 'y');
  const withEntries = database.usedMemoryBytes;
  run(context, 'XDEL', 's', '1-0');
  assert.equal(database.usedMemoryBytes, withEntries, 'the deleted entry is still held in its node');
  run(context, 'XGROUP', 'CREATE', 's', 'g', '0');
  const withGroup = database.usedMemoryBytes;
  run(context, 'XGROUP', 'CREATECONSUMER', 's', 'g', 'c'.repeat(5_000));
  assert.ok(database.usedMemoryBytes >= withGroup + 5_000, 'a consumer counts its name');
  const beforeTrim = database.usedMemoryBytes;
  run(context, 'XTRIM', 's', 'MAXLEN', '0');
  assert.ok(database.usedMemoryBytes <= beforeTrim - 1_000, 'trimming the node frees what it held, the tombstone too');
});

test('XADD * takes its ID from the clock, and never goes backwards', () => {
  const context = createTestContext({ nowMs: 1000 });
  assert.equal(renderReply(run(context, 'XADD', 's', '*', 'a', '1')), '"1000-0"');
  assert.equal(renderReply(run(context, 'XADD', 's', '*', 'a', '1')), '"1000-1"');
  context.nowMs = 900;
  assert.equal(renderReply(run(context, 'XADD', 's', '*', 'a', '1')), '"1000-2"');
  context.nowMs = 2000;
  assert.equal(renderReply(run(context, 'XADD', 's', '*', 'a', '1')), '"2000-0"');
});

test('approximate trimming removes whole nodes only (stream-node-max-entries)', () => {
  const context = createTestContext();
  const saved = { ...cacheEncodingThresholds };
  cacheEncodingThresholds.streamNodeEntriesMax = 100;
  try {
    // stream.tcl "XADD with MAXLEN option and the '~' argument": 1000 adds keeping ~555 leave 600.
    for (let index = 1; index <= 1000; index++) run(context, 'XADD', 's', 'MAXLEN', '~', '555', `${index}`, 'xitem', `${index}`);
    assert.equal(renderReply(run(context, 'XLEN', 's')), ':600');
    assert.equal(renderReply(run(context, 'XTRIM', 's', 'MAXLEN', '~', '450')), ':100');
    assert.equal(renderReply(run(context, 'XTRIM', 's', 'MAXLEN', '~', '450', 'LIMIT', '50')), ':0');
    assert.equal(renderReply(run(context, 'XTRIM', 's', 'MAXLEN', '=', '450')), ':50');
  } finally {
    Object.assign(cacheEncodingThresholds, saved);
  }
});

test('XREAD BLOCK with $ blocks for entries after the last ID at the time of the call', () => {
  const context = createTestContext();
  run(context, 'XADD', 's', '5-0', 'a', '1');
  const result = run(context, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
  assert.ok(isCacheBlock(result));
  assert.deepEqual(result.keys, ['s']);
  assert.equal(result.timeoutAtMs, null);
  const retry = (result.retryArgs ?? []).map((argument) => argument.toString('latin1'));
  assert.deepEqual(retry, ['XREAD', 'COUNT', '1000', 'BLOCK', '0', 'STREAMS', 's', '5-0']);
  run(context, 'XADD', 's', '6-0', 'a', '2');
  assert.equal(renderReply(run(context, ...retry)), '[["s", [["6-0", ["a", "2"]]]]]');
  context.blockingAllowed = false;
  assert.equal(renderReply(run(context, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$')), '(nil)');
});

test('XREADGROUP BLOCK with > re-reads the group (no $ to resolve)', () => {
  const context = createTestContext();
  run(context, 'XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  const result = run(context, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '100', 'STREAMS', 's', '>');
  assert.ok(isCacheBlock(result));
  assert.equal(result.timeoutAtMs, context.nowMs + 100);
  const retry = (result.retryArgs ?? []).map((argument) => argument.toString('latin1'));
  assert.deepEqual(retry, ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1000', 'BLOCK', '100', 'STREAMS', 's', '>']);
  run(context, 'XGROUP', 'DESTROY', 's', 'g');
  assert.match(renderReply(run(context, ...retry)), /^-NOGROUP /);
});

test('a cloned stream (COPY) keeps its groups and is independent', () => {
  const context = createTestContext();
  replay(['XADD s 1 a 1 -> "1-0"', 'XGROUP CREATE s g 0 -> +OK', 'XREADGROUP GROUP g c STREAMS s > -> [["s", [["1-0", ["a", "1"]]]]]'], context);
  const value = context.keyspace.database(0).lookupValue('s' as KeyText, context.nowMs);
  assert.ok(value?.type === 'stream');
  context.keyspace.database(0).set({ key: 't' as KeyText, value: { type: 'stream', stream: value.stream.clone() }, expireAtMs: null, keepExpiry: false });
  replay(['XACK t g 1-0 -> :1', 'XPENDING s g -> [:1, "1-0", "1-0", [["c", "1"]]]', 'XADD t 2 b 2 -> "2-0"', 'XLEN s -> :1', 'XINFO GROUPS t -> [{"name": "g", "consumers": :1, "pending": :0, "last-delivered-id": "1-0", "entries-read": :1, "lag": :1}]'], context);
});

/**
 * `DUMP s` of redis-server 7.0.15 after: XADD s 1-1 a 1 b 2; XADD s 1-2 a 3 b 4; XADD s 5-0 c 5;
 * XADD s 6-0 a 7 b 8; XDEL s 1-2; XGROUP CREATE s g 0; XREADGROUP GROUP g alice COUNT 2 STREAMS s >;
 * XGROUP CREATECONSUMER s g bob; XGROUP CREATE s h $ ENTRIESREAD 3. One node with a tombstone, two
 * groups, a PEL of two entries owned by alice.
 */
const redisStreamDump =
  '13011000000000000000010000000000000001404a4a0000001f00030101010201816102816202000102010001000101010201050103010001010103010401050100010401dfff0201018163020501060102010501dfff02070108010501ff0306000101010204020167050081ffffffffffffffff0200000000000000010000000000000001b84c4931a20100000100000000000000050000000000000000b84c4931a2010000010205616c696365b84c4931a201000002000000000000000100000000000000010000000000000005000000000000000003626f62c14c4931a201000000016806000300000a0078ae6b97a6058aa0';

test("RESTORE of Redis 7.0's stream payload keeps entries, tombstones, groups and PELs; DUMP gives the same bytes back", () => {
  const context = createTestContext({ nowMs: 1796123217180 });
  const payload = Buffer.from(redisStreamDump, 'hex');
  const value = decodeDumpPayload(payload, 512 * 1024 * 1024);
  assert.ok(value.type === 'stream');
  assert.ok(encodeDumpPayload(value).equals(payload), 'DUMP of the restored stream is byte-identical');
  context.keyspace.database(0).set({ key: 's' as KeyText, value, expireAtMs: null, keepExpiry: false });
  replay(
    [
      'XRANGE s - + -> [["1-1", ["a", "1", "b", "2"]], ["5-0", ["c", "5"]], ["6-0", ["a", "7", "b", "8"]]]',
      'XPENDING s g - + 10 -> [["1-1", "alice", :100, :1], ["5-0", "alice", :100, :1]]',
      'XINFO GROUPS s -> [{"name": "g", "consumers": :2, "pending": :2, "last-delivered-id": "5-0", "entries-read": (nil), "lag": (nil)}, {"name": "h", "consumers": :0, "pending": :0, "last-delivered-id": "6-0", "entries-read": :3, "lag": :1}]',
      'XINFO STREAM s -> {"length": :3, "radix-tree-keys": :1, "radix-tree-nodes": :2, "last-generated-id": "6-0", "max-deleted-entry-id": "1-2", "entries-added": :4, "recorded-first-entry-id": "1-1", "groups": :2, "first-entry": ["1-1", ["a", "1", "b", "2"]], "last-entry": ["6-0", ["a", "7", "b", "8"]]}',
      'XREADGROUP GROUP g bob STREAMS s > -> [["s", [["6-0", ["a", "7", "b", "8"]]]]]',
    ],
    context,
  );
});

test('RESTORE refuses stream payloads that break the format, and never half-builds a stream', () => {
  const payload = Buffer.from(redisStreamDump, 'hex');
  const body = payload.subarray(0, payload.length - 10);
  const framed = (bytes: Buffer): Buffer => {
    const footer = Buffer.from(payload.subarray(payload.length - 10, payload.length - 8));
    const withFooter = Buffer.concat([bytes, footer]);
    return Buffer.concat([withFooter, crc64Redis(withFooter)]);
  };
  assert.ok(decodeDumpPayload(framed(Buffer.from(body)), 512 * 1024 * 1024).type === 'stream');
  // Every single-byte change after the type byte either decodes to some stream or is refused as bad data.
  let refused = 0;
  for (let at = 1; at < body.length; at++) {
    for (const delta of [1, 0x7f, 0xff]) {
      const forged = Buffer.from(body);
      forged[at] = ((forged[at] as number) + delta) & 0xff;
      try {
        decodeDumpPayload(framed(forged), 512 * 1024 * 1024);
      } catch (error) {
        assert.ok(error instanceof CacheDumpPayloadError, `offset ${at}: ${String(error)}`);
        refused++;
      }
    }
  }
  assert.ok(refused > 0);
});
