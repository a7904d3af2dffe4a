/**
 * Hash commands as transcripts. Cases come from the command documentation and tests/unit/type/hash.tcl
 * (Redis 7), and the replies and error texts were checked against redis-server 7.0.15. Random replies
 * are checked by property (HRANDFIELD); HSCAN's guarantee is checked under churn.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cacheEncodingThresholds } from './cache-collection-size.js';
import { cacheRandomReplyCountMax } from './cache-commands-hash.js';
import { CacheHash, sampleDistinctPositions, scanDensePositions } from './cache-hash.js';
import { keyTextFromBytes, type KeyText } from './cache-keyspace.js';
import { createTestContext, renderReply, replay, run, seededRandom, type TestContext } from './cache-session.spec-helper.js';
import { type CacheCommandResult } from './cache-command-context.js';

const wrongType = '-WRONGTYPE Operation against a key holding the wrong kind of value';

const sessions: Readonly<Record<string, readonly string[]>> = {
  'HSET HGET HMSET HMGET HSETNX (docs, hash.tcl)': [
    'HSET myhash field1 Hello -> :1',
    'HGET myhash field1 -> "Hello"',
    'HGET myhash field2 -> (nil)',
    'HGET nokey field1 -> (nil)',
    'HSET myhash field2 Hi field3 World -> :2',
    'HSET myhash field2 Hi2 field4 x -> :1',
    'HGET myhash field2 -> "Hi2"',
    'HSET myhash field4 y field4 z -> :0',
    'HGET myhash field4 -> "z"',
    'HMSET myhash a 1 b 2 -> +OK',
    'HMGET myhash field1 field2 nofield -> ["Hello", "Hi2", (nil)]',
    'HMGET nokey a b -> [(nil), (nil)]',
    "HSET myhash a -> -ERR wrong number of arguments for 'hset' command",
    "HSET myhash a b c -> -ERR wrong number of arguments for 'hset' command",
    "HMSET myhash a b c -> -ERR wrong number of arguments for 'hmset' command",
    "HSET myhash -> -ERR wrong number of arguments for 'hset' command",
    "HGET myhash -> -ERR wrong number of arguments for 'hget' command",
    "HMGET myhash -> -ERR wrong number of arguments for 'hmget' command",
    'HSETNX myhash field1 other -> :0',
    'HGET myhash field1 -> "Hello"',
    'HSETNX myhash new v -> :1',
    'HSETNX newhash f v -> :1',
    'HGET newhash f -> "v"',
    "HSETNX newhash f -> -ERR wrong number of arguments for 'hsetnx' command",
    'HSET empty f "" -> :1',
    'HGET empty f -> ""',
    'HSTRLEN empty f -> :0',
  ],
  'HGETALL HKEYS HVALS HLEN HEXISTS HSTRLEN (docs; listpack keeps insertion order)': [
    'HSET myhash field1 Hello field2 World -> :2',
    'HGETALL myhash -> {"field1": "Hello", "field2": "World"}',
    'HKEYS myhash -> ["field1", "field2"]',
    'HVALS myhash -> ["Hello", "World"]',
    'HLEN myhash -> :2',
    'HEXISTS myhash field1 -> :1',
    'HEXISTS myhash field3 -> :0',
    'HSTRLEN myhash field1 -> :5',
    'HSTRLEN myhash nofield -> :0',
    'HGETALL nokey -> {}',
    'HKEYS nokey -> []',
    'HVALS nokey -> []',
    'HLEN nokey -> :0',
    'HEXISTS nokey f -> :0',
    'HSTRLEN nokey f -> :0',
    'HSET myhash a 1 b 2 c 3 -> :3',
    'HDEL myhash field2 -> :1',
    'HKEYS myhash -> ["field1", "a", "b", "c"]',
    'HSET myhash field2 again -> :1',
    'HKEYS myhash -> ["field1", "a", "b", "c", "field2"]',
  ],
  'HDEL (docs, hash.tcl): the key goes when the last field does': [
    'HSET myhash field1 foo -> :1',
    'HDEL myhash field1 -> :1',
    'HDEL myhash field2 -> :0',
    'EXISTS myhash -> :0',
    'HDEL nokey f -> :0',
    'HSET myhash a 1 b 2 c 3 -> :3',
    'HDEL myhash a a x b -> :2',
    'HLEN myhash -> :1',
    'HDEL myhash c c -> :1',
    'EXISTS myhash -> :0',
    'TYPE myhash -> +none',
    "HDEL myhash -> -ERR wrong number of arguments for 'hdel' command",
  ],
  'HINCRBY (docs, hash.tcl)': [
    'HSET myhash field 5 -> :1',
    'HINCRBY myhash field 1 -> :6',
    'HINCRBY myhash field -1 -> :5',
    'HINCRBY myhash field -10 -> :-5',
    'HINCRBY myhash new 2 -> :2',
    'HINCRBY newhash f 3 -> :3',
    'HSET myhash big 17179869184 -> :1',
    'HINCRBY myhash big 1 -> :17179869185',
    'HINCRBY myhash big -1 -> :17179869184',
    'HSET myhash min -9223372036854775808 -> :1',
    'HINCRBY myhash min 0 -> :-9223372036854775808',
    'HINCRBY myhash min -1 -> -ERR increment or decrement would overflow',
    'HSET myhash max 9223372036854775807 -> :1',
    'HINCRBY myhash max 1 -> -ERR increment or decrement would overflow',
    'HINCRBY myhash field 1.5 -> -ERR value is not an integer or out of range',
    'HINCRBY myhash field x -> -ERR value is not an integer or out of range',
    'HINCRBY myhash field 9223372036854775808 -> -ERR value is not an integer or out of range',
    'HSET myhash str hello exp 1e5 zeros 01 -> :3',
    'HINCRBY myhash str 1 -> -ERR hash value is not an integer',
    'HINCRBY myhash exp 1 -> -ERR hash value is not an integer',
    'HINCRBY myhash zeros 1 -> -ERR hash value is not an integer',
    'HGET myhash str -> "hello"',
    'SET s x -> +OK',
    'HINCRBY s f x -> -ERR value is not an integer or out of range',
    `HINCRBY s f 1 -> ${wrongType}`,
  ],
  'HINCRBYFLOAT (docs, hash.tcl)': [
    'HSET mykey field 10.50 -> :1',
    'HINCRBYFLOAT mykey field 0.1 -> "10.6"',
    'HINCRBYFLOAT mykey field -5 -> "5.6"',
    'HSET mykey field 5.0e3 -> :0',
    'HINCRBYFLOAT mykey field 2.0e2 -> "5200"',
    'HINCRBYFLOAT mykey new 1.5 -> "1.5"',
    'HINCRBYFLOAT newkey f 5.0e3 -> "5000"',
    'HSET mykey exp 1e5 zeros 00 str x -> :3',
    'HINCRBYFLOAT mykey exp 1 -> "100001"',
    'HINCRBYFLOAT mykey zeros 1 -> "1"',
    'HINCRBYFLOAT mykey str 1 -> -ERR hash value is not a float',
    'HINCRBYFLOAT mykey field x -> -ERR value is not a valid float',
    'HINCRBYFLOAT mykey field nan -> -ERR value is not a valid float',
    'HINCRBYFLOAT mykey field inf -> -ERR value is NaN or Infinity',
    'HINCRBYFLOAT mykey field -inf -> -ERR value is NaN or Infinity',
    // Added in long double, as Redis: 3.4e308 is past double range but stored in full (redis-server 7.0.15's digits).
    'HSET mykey huge 1.7e308 -> :1',
    'HINCRBYFLOAT mykey huge 1.7e308 -> "340000000000000000006273556050395193590540427779388267466087171526404912102411641988123739177800600673957047683771263425322806997836001586961457274820033393094901317200013624802610872515245814124760542925564488876540887382670905522638137419003805178364056052028734561012664811529831035124023358619554802565120"',
    'HINCRBYFLOAT tenths f 0.1 -> "0.1"',
    'HINCRBYFLOAT tenths f 0.2 -> "0.3"',
    'SET s x -> +OK',
    'HINCRBYFLOAT s f x -> -ERR value is not a valid float',
    `HINCRBYFLOAT s f 1 -> ${wrongType}`,
  ],
  'WRONGTYPE for every hash command; a hash is WRONGTYPE for strings': [
    'SET s x -> +OK',
    `HSET s f v -> ${wrongType}`,
    `HSETNX s f v -> ${wrongType}`,
    `HGET s f -> ${wrongType}`,
    `HMSET s f v -> ${wrongType}`,
    `HMGET s f -> ${wrongType}`,
    `HGETALL s -> ${wrongType}`,
    `HDEL s f -> ${wrongType}`,
    `HEXISTS s f -> ${wrongType}`,
    `HLEN s -> ${wrongType}`,
    `HKEYS s -> ${wrongType}`,
    `HVALS s -> ${wrongType}`,
    `HSTRLEN s f -> ${wrongType}`,
    `HSCAN s 0 -> ${wrongType}`,
    `HRANDFIELD s -> ${wrongType}`,
    `HRANDFIELD s 1 -> ${wrongType}`,
    'HSET h f v -> :1',
    'TYPE h -> +hash',
    `GET h -> ${wrongType}`,
    'SET h v -> +OK',
    'TYPE h -> +string',
  ],
  'HRANDFIELD (docs, hash.tcl): single-field hashes make the draws deterministic': [
    'HRANDFIELD nokey -> (nil)',
    'HRANDFIELD nokey 5 -> []',
    'HRANDFIELD nokey -5 withvalues -> []',
    'HSET h a 1 -> :1',
    'HRANDFIELD h -> "a"',
    'HRANDFIELD h 0 -> []',
    'HRANDFIELD h 5 -> ["a"]',
    'HRANDFIELD h 5 WITHVALUES -> ["a", "1"]',
    'HRANDFIELD h -3 -> ["a", "a", "a"]',
    'HRANDFIELD h -2 withvalues -> ["a", "1", "a", "1"]',
    'HRANDFIELD h x -> -ERR value is not an integer or out of range',
    'HRANDFIELD nokey x -> -ERR value is not an integer or out of range',
    'HRANDFIELD h 1 foo -> -ERR syntax error',
    'HRANDFIELD nokey 1 foo -> -ERR syntax error',
    'HRANDFIELD h 1 withvalues x -> -ERR syntax error',
    'HRANDFIELD h -9223372036854775808 -> -ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    'HRANDFIELD h -4611686018427387904 withvalues -> -ERR value is out of range',
    'HRANDFIELD h 4611686018427387904 withvalues -> -ERR value is out of range',
    'HRANDFIELD h 4611686018427387903 withvalues -> ["a", "1"]',
    'HRANDFIELD h 9223372036854775807 -> ["a"]',
    `HRANDFIELD h -${cacheRandomReplyCountMax + 1} -> -ERR value is out of range`,
    'HSET h b 2 c 3 -> :2',
    'HRANDFIELD h 3 withvalues -> ["a", "1", "b", "2", "c", "3"]',
  ],
  'HSCAN on a listpack hash: everything with cursor 0, as Redis does': [
    'HSCAN nokey 0 -> ["0", []]',
    'HSCAN nokey 0 COUNT x -> ["0", []]',
    'HSCAN nokey x -> -ERR invalid cursor',
    'HSET h a 1 b 2 c 3 ab 4 -> :4',
    'HSCAN h 0 -> ["0", ["a", "1", "b", "2", "c", "3", "ab", "4"]]',
    'HSCAN h 0 COUNT 1 -> ["0", ["a", "1", "b", "2", "c", "3", "ab", "4"]]',
    'HSCAN h 7 -> ["0", ["a", "1", "b", "2", "c", "3", "ab", "4"]]',
    'HSCAN h -1 -> ["0", ["a", "1", "b", "2", "c", "3", "ab", "4"]]',
    'HSCAN h 0 MATCH a* -> ["0", ["a", "1", "ab", "4"]]',
    'HSCAN h 0 match * count 100 -> ["0", ["a", "1", "b", "2", "c", "3", "ab", "4"]]',
    'HSCAN h 0 MATCH z* -> ["0", []]',
    'HSCAN h x -> -ERR invalid cursor',
    'HSCAN h 0 COUNT 0 -> -ERR syntax error',
    'HSCAN h 0 COUNT -1 -> -ERR syntax error',
    'HSCAN h 0 COUNT x -> -ERR value is not an integer or out of range',
    'HSCAN h 0 TYPE string -> -ERR syntax error',
    'HSCAN h 0 MATCH -> -ERR syntax error',
    'HSCAN h 0 foo bar -> -ERR syntax error',
    "HSCAN h -> -ERR wrong number of arguments for 'hscan' command",
  ],
  'expiry applies to hashes': [
    'HSET h a 1 -> :1',
    'PEXPIRE h 100 -> :1',
    'HSET h b 2 -> :1',
    'PTTL h -> :100',
    'time +100',
    'HGET h a -> (nil)',
    'HLEN h -> :0',
    'HSET h c 3 -> :1',
    'PTTL h -> :-1',
  ],
};

for (const [name, lines] of Object.entries(sessions)) {
  test(`hash commands: ${name}`, () => {
    replay(lines);
  });
}

function text(value: string): KeyText {
  return keyTextFromBytes(Buffer.from(value, 'latin1'));
}

function hashAt(context: TestContext, key: string): CacheHash {
  const entry = context.keyspace.database(0).entryOf(text(key));
  assert.ok(entry !== undefined && entry.value.type === 'hash');
  return entry.value.hash;
}

function itemsOf(reply: CacheCommandResult): string[] {
  assert.ok(reply.type === 'array' || reply.type === 'set', renderReply(reply));
  return reply.items.map((item) => {
    assert.ok(item.type === 'bulk-string');
    return Buffer.from(item.value).toString('latin1');
  });
}

function scanPage(reply: CacheCommandResult): { cursor: string; items: string[] } {
  assert.ok(reply.type === 'array');
  const [cursor, page] = reply.items;
  assert.ok(cursor?.type === 'bulk-string' && page !== undefined);
  return { cursor: Buffer.from(cursor.value).toString('latin1'), items: itemsOf(page) };
}

test('hash commands: encodings follow Redis 7 thresholds and never convert back', () => {
  const context = createTestContext();
  run(context, 'HSET', 'small', 'f', 'v');
  assert.equal(hashAt(context, 'small').encoding, 'listpack');
  run(context, 'HSET', 'small', 'long', 'x'.repeat(cacheEncodingThresholds.hashListpackValueBytesMax));
  assert.equal(hashAt(context, 'small').encoding, 'listpack');
  run(context, 'HSET', 'small', 'long', 'x'.repeat(cacheEncodingThresholds.hashListpackValueBytesMax + 1));
  assert.equal(hashAt(context, 'small').encoding, 'hashtable');
  run(context, 'HSET', 'small', 'long', 'x');
  assert.equal(hashAt(context, 'small').encoding, 'hashtable');
  for (let index = 0; index < cacheEncodingThresholds.hashListpackEntriesMax; index++) run(context, 'HSET', 'many', `f${index}`, 'v');
  assert.equal(hashAt(context, 'many').encoding, 'listpack');
  run(context, 'HSET', 'many', 'one-more', 'v');
  assert.equal(hashAt(context, 'many').encoding, 'hashtable');
  run(context, 'HSET', 'longfield', 'f'.repeat(cacheEncodingThresholds.hashListpackValueBytesMax + 1), 'v');
  assert.equal(hashAt(context, 'longfield').encoding, 'hashtable');
});

test('hash commands: RESP3 HRANDFIELD WITHVALUES nests [field, value] pairs (checked against redis-server 7.0.15)', () => {
  const context = createTestContext();
  context.protocolVersion = 3;
  replay(
    [
      'HSET h a 1 -> :1',
      'HRANDFIELD h 5 WITHVALUES -> [["a", "1"]]',
      'HRANDFIELD h -2 WITHVALUES -> [["a", "1"], ["a", "1"]]',
      'HRANDFIELD h 2 -> ["a"]',
      'HGETALL h -> {"a": "1"}',
    ],
    context,
  );
});

test('hash commands: binary-safe fields and values', () => {
  const context = createTestContext();
  const field = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80]);
  const value = Buffer.from([0xde, 0xad, 0x00, 0xbe, 0xef]);
  assert.equal(renderReply(run(context, 'HSET', 'h', field, value)), ':1');
  const reply = run(context, 'HGET', 'h', field);
  assert.ok(reply.type === 'bulk-string');
  assert.deepEqual(Buffer.from(reply.value), value);
  const all = run(context, 'HGETALL', 'h');
  assert.ok(all.type === 'map');
  const [entry] = all.entries;
  assert.ok(entry !== undefined && entry[0].type === 'bulk-string');
  assert.deepEqual(Buffer.from(entry[0].value), field);
  assert.equal(renderReply(run(context, 'HEXISTS', 'h', field.subarray(0, 4))), ':0');
});

test('hash commands: stored values are copies of the arguments', () => {
  const context = createTestContext();
  const value = Buffer.from('abc');
  run(context, 'HSET', 'h', 'f', value);
  value[0] = 0x7a;
  assert.equal(renderReply(run(context, 'HGET', 'h', 'f')), '"abc"');
});

test('hash commands: HRANDFIELD counts (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: -400, max: 400 }), fc.boolean(), fc.integer(), (size, count, withValues, seed) => {
      const context: TestContext = { ...createTestContext(), random: seededRandom(seed) };
      const fields = Array.from({ length: size }, (_, index) => `f${index}`);
      run(context, 'HSET', 'h', ...fields.flatMap((field) => [field, `v${field}`]));
      const words = ['HRANDFIELD', 'h', String(count), ...(withValues ? ['WITHVALUES'] : [])];
      const items = itemsOf(run(context, ...words));
      const stride = withValues ? 2 : 1;
      const drawn = items.filter((_, index) => index % stride === 0);
      if (withValues) for (let index = 0; index < items.length; index += 2) assert.equal(items[index + 1], `v${items[index]}`);
      for (const field of drawn) assert.ok(fields.includes(field));
      if (count < 0) assert.equal(drawn.length, -count);
      else {
        assert.equal(drawn.length, Math.min(count, size));
        assert.equal(new Set(drawn).size, drawn.length);
      }
    }),
    { seed: 42, numRuns: 200 },
  );
});

test('hash commands: HRANDFIELD and HSCAN on a big hash do bounded work (one draw per field, COUNT slots per page)', () => {
  let drawCount = 0;
  const random = seededRandom(9);
  const context: TestContext = {
    ...createTestContext(),
    random: {
      nextIndex: (countExclusive) => {
        drawCount++;
        return random.nextIndex(countExclusive);
      },
    },
  };
  const fieldCount = 100_000;
  const hash = new CacheHash();
  for (let index = 0; index < fieldCount; index++) hash.set(text(`field:${index}`), Buffer.from('v'));
  context.keyspace.database(0).set({ key: text('big'), value: { type: 'hash', hash }, expireAtMs: null, keepExpiry: false });
  run(context, 'HRANDFIELD', 'big');
  assert.equal(drawCount, 1);
  assert.equal(itemsOf(run(context, 'HRANDFIELD', 'big', '3')).length, 3);
  assert.equal(drawCount, 4);
  assert.equal(itemsOf(run(context, 'HRANDFIELD', 'big', '-5', 'WITHVALUES')).length, 10);
  assert.equal(drawCount, 9);
  const first = scanPage(run(context, 'HSCAN', 'big', '0', 'COUNT', '5'));
  assert.equal(first.items.length, 10);
  assert.equal(first.cursor, String(fieldCount - 5));
  const next = scanPage(run(context, 'HSCAN', 'big', first.cursor));
  assert.equal(next.items.length, 20);
  assert.equal(next.cursor, String(fieldCount - 15));
  assert.deepEqual(scanPage(run(context, 'HSCAN', 'big', '3', 'COUNT', '10')), { cursor: '0', items: ['field:2', 'v', 'field:1', 'v', 'field:0', 'v'] });
});

test('hash commands: HSCAN returns every field present for the whole iteration, under churn (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 130, max: 600 }),
      fc.integer({ min: 1, max: 50 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 5 })), { minLength: 1, maxLength: 200 }),
      (initialCount, countHint, churn) => {
        const context = createTestContext();
        const live = new Set<string>();
        let nextId = 0;
        const add = (): void => {
          const field = `f${nextId++}`;
          run(context, 'HSET', 'h', field, 'v');
          live.add(field);
        };
        for (let index = 0; index < initialCount; index++) add();
        const stable = new Set([...live].filter((_, index) => index % 3 === 0));
        const seen = new Set<string>();
        let cursor = '0';
        let step = 0;
        do {
          const page = scanPage(run(context, 'HSCAN', 'h', cursor, 'COUNT', String(countHint)));
          for (let index = 0; index < page.items.length; index += 2) seen.add(page.items[index] as string);
          cursor = page.cursor;
          const [pick, addCount, deleteCount] = churn[step++ % churn.length] as [number, number, number];
          for (let index = 0; index < addCount % 4; index++) add();
          const removable = [...live].filter((field) => !stable.has(field));
          for (let index = 0; index < deleteCount && removable.length > 0; index++) {
            const field = removable.splice((pick + index) % removable.length, 1)[0] as string;
            run(context, 'HDEL', 'h', field);
            live.delete(field);
          }
        } while (cursor !== '0');
        for (const field of stable) assert.ok(seen.has(field), `field ${field} was never returned`);
      },
    ),
    { seed: 7, numRuns: 100 },
  );
});

test('hash commands: CacheHash agrees with a model, keeps its size estimate and order (property)', () => {
  const operation = fc.oneof(
    fc.tuple(fc.constant('set' as const), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 80 })),
    fc.tuple(fc.constant('delete' as const), fc.integer({ min: 0, max: 200 }), fc.constant(0)),
  );
  fc.assert(
    fc.property(fc.array(operation, { maxLength: 400 }), (operations) => {
      const hash = new CacheHash();
      const model = new Map<string, Buffer>();
      for (const [kind, fieldId, valueBytes] of operations) {
        const field = text(`field-${fieldId}`);
        if (kind === 'set') {
          const value = Buffer.alloc(valueBytes, 0x61);
          assert.equal(hash.set(field, value), !model.has(field));
          model.set(field, value);
        } else {
          assert.equal(hash.delete(field), model.delete(field));
        }
        assert.equal(hash.length, model.size);
      }
      let contentBytes = 0;
      for (const [field, value] of model) contentBytes += field.length + value.length;
      assert.equal(hash.sizeBytes, contentBytes + model.size * 48);
      for (const [field, value] of model) assert.deepEqual(hash.get(field as KeyText), value);
      const order = [...hash.keys()];
      assert.equal(new Set(order).size, model.size);
      for (let position = 0; position < hash.length; position++) assert.equal(hash.fieldAt(position), order[position]);
      if (hash.encoding === 'listpack') assert.deepEqual(order, [...model.keys()]);
      const copy = hash.clone();
      copy.set(text('extra'), Buffer.from('x'));
      assert.equal(hash.has(text('extra')), false);
      assert.deepEqual([...copy.keys()].slice(0, order.length), order);
      assert.equal(copy.encoding === 'hashtable' || hash.encoding === 'listpack', true);
    }),
    { seed: 3, numRuns: 150 },
  );
});

test('hash commands: scanDensePositions and sampleDistinctPositions', () => {
  assert.deepEqual(scanDensePositions(5, 0n, 2), { cursorNext: 3n, positions: [4, 3] });
  assert.deepEqual(scanDensePositions(5, 3n, 2), { cursorNext: 1n, positions: [2, 1] });
  assert.deepEqual(scanDensePositions(5, 1n, 2), { cursorNext: 0n, positions: [0] });
  assert.deepEqual(scanDensePositions(2, 9n, 5), { cursorNext: 0n, positions: [1, 0] });
  assert.deepEqual(scanDensePositions(0, 0n, 5), { cursorNext: 0n, positions: [] });
  const random = seededRandom(5);
  for (let count = 0; count <= 10; count++) {
    const sample = sampleDistinctPositions(10, count, random);
    assert.equal(sample.length, count);
    assert.equal(new Set(sample).size, count);
    for (const position of sample) assert.ok(position >= 0 && position < 10);
  }
});

test('hash commands: modified() once per changed key, never when nothing changed', () => {
  const context = createTestContext();
  const signals: string[] = [];
  context.keyspace.setListener({
    keyModified: (_database, key) => signals.push(key),
    databaseReplaced: () => undefined,
  });
  const expectSignals = (words: string[], expected: string[]): void => {
    signals.length = 0;
    run(context, ...words);
    assert.deepEqual(signals, expected, words.join(' '));
  };
  expectSignals(['HSET', 'h', 'a', '1', 'b', '2'], ['h']);
  expectSignals(['HSET', 'h', 'a', '3'], ['h']);
  expectSignals(['HSETNX', 'h', 'a', '3'], []);
  expectSignals(['HDEL', 'h', 'zz'], []);
  expectSignals(['HDEL', 'h', 'a', 'zz'], ['h']);
  expectSignals(['HINCRBY', 'h', 'n', '1'], ['h']);
  expectSignals(['HINCRBY', 'h', 'b', 'x'], []);
  expectSignals(['HGETALL', 'h'], []);
  expectSignals(['HDEL', 'h', 'b', 'n'], ['h']);
  assert.equal(context.keyspace.database(0).size, 0);
  assert.equal(context.keyspace.database(0).usedMemoryBytes, 0);
});

test('hash commands: the memory estimate follows changes', () => {
  const context = createTestContext();
  const database = context.keyspace.database(0);
  run(context, 'HSET', 'h', 'field', 'value');
  const single = database.usedMemoryBytes;
  run(context, 'HSET', 'h', 'field2', 'value2');
  assert.equal(database.usedMemoryBytes, single + 'field2'.length + 'value2'.length + 48);
  run(context, 'HSET', 'h', 'field2', 'v');
  assert.equal(database.usedMemoryBytes, single + 'field2'.length + 1 + 48);
  run(context, 'HDEL', 'h', 'field2');
  assert.equal(database.usedMemoryBytes, single);
});
