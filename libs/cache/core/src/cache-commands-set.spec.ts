/**
 * Set commands as transcripts. Cases come from the command documentation and tests/unit/type/set.tcl
 * (Redis 7), and the replies and error texts were checked against redis-server 7.0.15. Small integer
 * sets (intset) reply in numeric order as in Redis; small other sets in insertion order (Redis 7.2's
 * listpack). Random replies are checked by property; SSCAN's guarantee is checked under churn.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type CacheCommandResult } from './cache-command-context.js';
import { cacheEncodingThresholds } from './cache-collection-size.js';
import { cacheRandomReplyCountMax } from './cache-commands-hash.js';
import { keyTextFromBytes, type KeyText } from './cache-keyspace.js';
import { CacheSet, isInt64Text } from './cache-set.js';
import { createTestContext, renderReply, replay, run, seededRandom, type TestContext } from './cache-session.spec-helper.js';

const wrongType = '-WRONGTYPE Operation against a key holding the wrong kind of value';

const sessions: Readonly<Record<string, readonly string[]>> = {
  'SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS (docs, set.tcl)': [
    'SADD myset Hello -> :1',
    'SADD myset World -> :1',
    'SADD myset World -> :0',
    'SMEMBERS myset -> ["Hello", "World"]',
    'SCARD myset -> :2',
    'SISMEMBER myset Hello -> :1',
    'SISMEMBER myset nope -> :0',
    'SMISMEMBER myset Hello nope World -> [:1, :0, :1]',
    'SADD myset a b a c -> :3',
    'SCARD myset -> :5',
    'SADD ints 3 1 2 -> :3',
    'SMEMBERS ints -> ["1", "2", "3"]',
    'SADD ints 10 -5 -9223372036854775808 9223372036854775807 -> :4',
    'SMEMBERS ints -> ["-9223372036854775808", "-5", "1", "2", "3", "10", "9223372036854775807"]',
    'SREM ints 1 9 -> :1',
    'SREM ints 2 3 10 -5 x -> :4',
    'SREM ints -9223372036854775808 9223372036854775807 -> :2',
    'EXISTS ints -> :0',
    'SADD mixed 2 1 01 x -> :4',
    'SMEMBERS mixed -> ["1", "2", "01", "x"]',
    'SREM nokey a -> :0',
    'SMEMBERS nokey -> []',
    'SCARD nokey -> :0',
    'SISMEMBER nokey a -> :0',
    'SMISMEMBER nokey a b -> [:0, :0]',
    "SADD myset -> -ERR wrong number of arguments for 'sadd' command",
    "SREM myset -> -ERR wrong number of arguments for 'srem' command",
    "SMISMEMBER myset -> -ERR wrong number of arguments for 'smismember' command",
    "SISMEMBER myset -> -ERR wrong number of arguments for 'sismember' command",
    "SCARD -> -ERR wrong number of arguments for 'scard' command",
    'SADD e "" -> :1',
    'SISMEMBER e "" -> :1',
    'SMEMBERS e -> [""]',
  ],
  'SPOP SRANDMEMBER (docs, set.tcl): one-member sets make the draws deterministic': [
    'SPOP nokey -> (nil)',
    'SPOP nokey 3 -> []',
    'SPOP nokey 0 -> []',
    'SRANDMEMBER nokey -> (nil)',
    'SRANDMEMBER nokey 3 -> []',
    'SRANDMEMBER nokey -3 -> []',
    'SADD one a -> :1',
    'SRANDMEMBER one -> "a"',
    'SRANDMEMBER one -3 -> ["a", "a", "a"]',
    'SRANDMEMBER one 3 -> ["a"]',
    'SRANDMEMBER one 0 -> []',
    'SPOP one 0 -> []',
    'SCARD one -> :1',
    'SPOP one -> "a"',
    'EXISTS one -> :0',
    'SADD s 3 1 2 -> :3',
    'SRANDMEMBER s 3 -> ["1", "2", "3"]',
    'SRANDMEMBER s 9223372036854775807 -> ["1", "2", "3"]',
    'SPOP s 5 -> ["1", "2", "3"]',
    'EXISTS s -> :0',
    'SADD s a -> :1',
    'SPOP s -1 -> -ERR value is out of range, must be positive',
    'SPOP s x -> -ERR value is out of range, must be positive',
    'SPOP nokey -1 -> -ERR value is out of range, must be positive',
    'SPOP s 1 2 -> -ERR syntax error',
    'SRANDMEMBER s x -> -ERR value is not an integer or out of range',
    'SRANDMEMBER s 1 2 -> -ERR syntax error',
    'SRANDMEMBER s -9223372036854775808 -> -ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    `SRANDMEMBER s -${cacheRandomReplyCountMax + 1} -> -ERR value is out of range`,
    'SCARD s -> :1',
    "SPOP -> -ERR wrong number of arguments for 'spop' command",
    "SRANDMEMBER -> -ERR wrong number of arguments for 'srandmember' command",
  ],
  'SINTER SUNION SDIFF (docs)': [
    'SADD key1 a b c -> :3',
    'SADD key2 c d e -> :3',
    'SINTER key1 key2 -> ["c"]',
    'SUNION key1 key2 -> ["a", "b", "c", "d", "e"]',
    'SDIFF key1 key2 -> ["a", "b"]',
    'SINTER key1 -> ["a", "b", "c"]',
    'SINTER key1 key1 -> ["a", "b", "c"]',
    'SDIFF key1 key1 -> []',
    'SDIFF key1 key2 key1 -> []',
    'SINTER key1 nokey -> []',
    'SINTER nokey key1 -> []',
    'SUNION key1 nokey -> ["a", "b", "c"]',
    'SUNION nokey -> []',
    'SDIFF key1 nokey -> ["a", "b", "c"]',
    'SDIFF nokey key1 -> []',
    "SINTER -> -ERR wrong number of arguments for 'sinter' command",
  ],
  'SINTER SUNION SDIFF on integer sets (set.tcl), smallest set first': [
    'SADD set1 5 4 3 2 1 -> :5',
    'SADD set2 7 6 5 4 3 -> :5',
    'SADD set3 8 7 6 5 -> :4',
    'SINTER set1 set2 -> ["3", "4", "5"]',
    'SINTER set1 set2 set3 -> ["5"]',
    'SUNION set1 set2 -> ["1", "2", "3", "4", "5", "6", "7"]',
    'SUNION set3 set1 -> ["1", "2", "3", "4", "5", "6", "7", "8"]',
    'SDIFF set1 set2 -> ["1", "2"]',
    'SDIFF set3 set1 -> ["6", "7", "8"]',
    'SDIFF set2 set1 set3 -> []',
    'SADD big z y x c b a -> :6',
    'SADD small c b a -> :3',
    'SINTER big small -> ["c", "b", "a"]',
    'SINTER small big -> ["c", "b", "a"]',
  ],
  'SINTERSTORE SUNIONSTORE SDIFFSTORE (set.tcl): overwrite any type, delete on empty': [
    'SADD set1 1 2 3 4 5 -> :5',
    'SADD set2 3 4 5 6 7 -> :5',
    'SINTERSTORE dst set1 set2 -> :3',
    'SMEMBERS dst -> ["3", "4", "5"]',
    'SUNIONSTORE dst set1 set2 -> :7',
    'SCARD dst -> :7',
    'SDIFFSTORE dst set1 set2 -> :2',
    'SMEMBERS dst -> ["1", "2"]',
    'SET str x -> +OK',
    'EXPIRE str 100 -> :1',
    'SUNIONSTORE str set1 -> :5',
    'TYPE str -> +set',
    'TTL str -> :-1',
    'SADD set1 99 -> :1',
    'SCARD str -> :5',
    'SINTERSTORE dst set1 nokey -> :0',
    'EXISTS dst -> :0',
    'SET dst x -> +OK',
    'SDIFFSTORE dst set1 set1 -> :0',
    'EXISTS dst -> :0',
    'SUNIONSTORE dst nokey -> :0',
    'EXISTS dst -> :0',
    'SINTERSTORE set1 set1 set2 -> :3',
    'SMEMBERS set1 -> ["3", "4", "5"]',
    'SDIFFSTORE set2 set2 set1 -> :2',
    'SMEMBERS set2 -> ["6", "7"]',
    "SINTERSTORE dst -> -ERR wrong number of arguments for 'sinterstore' command",
    "SUNIONSTORE dst -> -ERR wrong number of arguments for 'sunionstore' command",
    "SDIFFSTORE dst -> -ERR wrong number of arguments for 'sdiffstore' command",
  ],
  'SINTERCARD (docs, set.tcl)': [
    'SADD key1 a b c d -> :4',
    'SADD key2 c d e -> :3',
    'SINTERCARD 2 key1 key2 -> :2',
    'SINTERCARD 2 key1 key2 LIMIT 1 -> :1',
    'SINTERCARD 2 key1 key2 limit 0 -> :2',
    'SINTERCARD 2 key1 key2 LIMIT 5 -> :2',
    'SINTERCARD 2 key1 key2 LIMIT 1 LIMIT 0 -> :2',
    'SINTERCARD 1 key1 -> :4',
    'SINTERCARD 1 nokey -> :0',
    'SINTERCARD 2 key1 nokey -> :0',
    'SINTERCARD 0 key1 -> -ERR numkeys should be greater than 0',
    'SINTERCARD -1 key1 -> -ERR numkeys should be greater than 0',
    'SINTERCARD x key1 -> -ERR numkeys should be greater than 0',
    "SINTERCARD 3 key1 key2 -> -ERR Number of keys can't be greater than number of args",
    "SINTERCARD 2 key1 key2 LIMIT -1 -> -ERR LIMIT can't be negative",
    "SINTERCARD 2 key1 key2 LIMIT x -> -ERR LIMIT can't be negative",
    'SINTERCARD 2 key1 key2 LIMIT -> -ERR syntax error',
    'SINTERCARD 2 key1 key2 foo -> -ERR syntax error',
    "SINTERCARD 1 -> -ERR wrong number of arguments for 'sintercard' command",
  ],
  'SMOVE (docs, set.tcl)': [
    'SADD myset one two -> :2',
    'SADD myotherset three -> :1',
    'SMOVE myset myotherset two -> :1',
    'SMEMBERS myset -> ["one"]',
    'SMEMBERS myotherset -> ["three", "two"]',
    'SMOVE myset myotherset nope -> :0',
    'SMOVE nokey myotherset one -> :0',
    'SMOVE myset newset one -> :1',
    'EXISTS myset -> :0',
    'SMEMBERS newset -> ["one"]',
    'SADD newset three -> :1',
    'SMOVE newset myotherset three -> :1',
    'SMEMBERS myotherset -> ["three", "two"]',
    'SMEMBERS newset -> ["one"]',
    'SMOVE newset newset one -> :1',
    'SMOVE newset newset nope -> :0',
    'SET str x -> +OK',
    `SMOVE newset str one -> ${wrongType}`,
    `SMOVE str newset one -> ${wrongType}`,
    'SMOVE nokey str one -> :0',
    'SMEMBERS newset -> ["one"]',
    "SMOVE a b -> -ERR wrong number of arguments for 'smove' command",
  ],
  'WRONGTYPE for every set command, all source keys checked': [
    'SET s x -> +OK',
    'SADD set a -> :1',
    `SADD s a -> ${wrongType}`,
    `SREM s a -> ${wrongType}`,
    `SMEMBERS s -> ${wrongType}`,
    `SISMEMBER s a -> ${wrongType}`,
    `SMISMEMBER s a -> ${wrongType}`,
    `SCARD s -> ${wrongType}`,
    `SPOP s -> ${wrongType}`,
    `SPOP s 1 -> ${wrongType}`,
    `SRANDMEMBER s -> ${wrongType}`,
    `SRANDMEMBER s 0 -> ${wrongType}`,
    `SINTER set s -> ${wrongType}`,
    `SINTER nokey s -> ${wrongType}`,
    `SINTER s nokey -> ${wrongType}`,
    `SINTERCARD 2 nokey s -> ${wrongType}`,
    `SUNION nokey s -> ${wrongType}`,
    `SDIFF nokey s -> ${wrongType}`,
    `SDIFF s nokey -> ${wrongType}`,
    `SINTERSTORE dst nokey s -> ${wrongType}`,
    `SUNIONSTORE dst set s -> ${wrongType}`,
    `SDIFFSTORE dst set s -> ${wrongType}`,
    `SSCAN s 0 -> ${wrongType}`,
    'EXISTS dst -> :0',
    'TYPE set -> +set',
  ],
  'SSCAN on intset and listpack sets: everything with cursor 0, as Redis does': [
    'SSCAN nokey 0 -> ["0", []]',
    'SSCAN nokey 0 COUNT x -> ["0", []]',
    'SSCAN nokey x -> -ERR invalid cursor',
    'SADD ints 3 1 2 12 -> :4',
    'SSCAN ints 0 -> ["0", ["1", "2", "3", "12"]]',
    'SSCAN ints 0 MATCH 1* -> ["0", ["1", "12"]]',
    'SSCAN ints 5 COUNT 1 -> ["0", ["1", "2", "3", "12"]]',
    'SADD strs b a -> :2',
    'SSCAN strs 0 match * -> ["0", ["b", "a"]]',
    'SSCAN ints 0 COUNT 0 -> -ERR syntax error',
    'SSCAN ints 0 COUNT x -> -ERR value is not an integer or out of range',
    'SSCAN ints 0 TYPE set -> -ERR syntax error',
    'SSCAN ints 0 MATCH -> -ERR syntax error',
    "SSCAN ints -> -ERR wrong number of arguments for 'sscan' command",
  ],
};

for (const [name, lines] of Object.entries(sessions)) {
  test(`set commands: ${name}`, () => {
    replay(lines);
  });
}

function text(value: string): KeyText {
  return keyTextFromBytes(Buffer.from(value, 'latin1'));
}

function setAt(context: TestContext, key: string): CacheSet {
  const entry = context.keyspace.database(0).entryOf(text(key));
  assert.ok(entry !== undefined && entry.value.type === 'set');
  return entry.value.set;
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

test('set commands: reply types are RESP3 sets, except SRANDMEMBER (arrays, as Redis 7)', () => {
  const context = createTestContext();
  run(context, 'SADD', 's', 'a', 'b', 'c');
  run(context, 'SADD', 't', 'b');
  for (const words of [['SMEMBERS', 's'], ['SINTER', 's', 't'], ['SUNION', 's'], ['SDIFF', 's', 't'], ['SPOP', 'nokey', '1'], ['SMEMBERS', 'nokey']]) {
    assert.equal(run(context, ...words).type, 'set', words.join(' '));
  }
  for (const words of [['SRANDMEMBER', 's', '2'], ['SRANDMEMBER', 's', '-2'], ['SRANDMEMBER', 's', '5'], ['SRANDMEMBER', 'nokey', '1'], ['SMISMEMBER', 's', 'a']]) {
    assert.equal(run(context, ...words).type, 'array', words.join(' '));
  }
  assert.equal(run(context, 'SPOP', 's', '2').type, 'set');
  assert.equal(run(context, 'SPOP', 's', '2').type, 'set');
});

test('set commands: encodings follow Redis 7.2 thresholds and never convert back', () => {
  const context = createTestContext();
  const { setIntsetEntriesMax: intsetEntriesMax, setListpackEntriesMax: listpackEntriesMax, setListpackValueBytesMax: listpackValueBytesMax } = cacheEncodingThresholds;
  run(context, 'SADD', 'ints', ...Array.from({ length: intsetEntriesMax }, (_, index) => String(index)));
  assert.equal(setAt(context, 'ints').encoding, 'intset');
  run(context, 'SADD', 'ints', String(intsetEntriesMax));
  assert.equal(setAt(context, 'ints').encoding, 'hashtable');
  run(context, 'SADD', 'small', '1', '2');
  assert.equal(setAt(context, 'small').encoding, 'intset');
  run(context, 'SADD', 'small', 'a');
  assert.equal(setAt(context, 'small').encoding, 'listpack');
  run(context, 'SREM', 'small', 'a');
  assert.equal(setAt(context, 'small').encoding, 'listpack');
  run(context, 'SADD', 'small', 'x'.repeat(listpackValueBytesMax + 1));
  assert.equal(setAt(context, 'small').encoding, 'hashtable');
  run(context, 'SADD', 'many', ...Array.from({ length: listpackEntriesMax }, (_, index) => `m${index}`));
  assert.equal(setAt(context, 'many').encoding, 'listpack');
  run(context, 'SADD', 'many', 'one-more');
  assert.equal(setAt(context, 'many').encoding, 'hashtable');
  run(context, 'SADD', 'bigint', '9223372036854775808');
  assert.equal(setAt(context, 'bigint').encoding, 'listpack');
  for (const [member, expected] of [['0', true], ['-0', false], ['01', false], ['+1', false], ['-9223372036854775808', true], ['-9223372036854775809', false], ['9223372036854775807', true], ['12345678901234567890', false], ['', false]] as const) {
    assert.equal(isInt64Text(member), expected, member);
  }
});

test('set commands: binary-safe members', () => {
  const context = createTestContext();
  const member = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80]);
  assert.equal(renderReply(run(context, 'SADD', 's', member)), ':1');
  assert.equal(renderReply(run(context, 'SISMEMBER', 's', member)), ':1');
  assert.equal(renderReply(run(context, 'SISMEMBER', 's', member.subarray(0, 4))), ':0');
  const reply = run(context, 'SMEMBERS', 's');
  assert.ok(reply.type === 'set' && reply.items[0]?.type === 'bulk-string');
  assert.deepEqual(Buffer.from(reply.items[0].value), member);
});

test('set commands: SPOP and SRANDMEMBER counts (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 700 }), fc.integer({ min: -800, max: 800 }), fc.boolean(), fc.integer(), (size, count, integers, seed) => {
      const context: TestContext = { ...createTestContext(), random: seededRandom(seed) };
      const members = Array.from({ length: size }, (_, index) => (integers ? String(index * 7) : `m${index}`));
      run(context, 'SADD', 's', ...members);
      const drawn = itemsOf(run(context, 'SRANDMEMBER', 's', String(count)));
      for (const member of drawn) assert.ok(members.includes(member));
      if (count < 0) assert.equal(drawn.length, -count);
      else {
        assert.equal(drawn.length, Math.min(count, size));
        assert.equal(new Set(drawn).size, drawn.length);
      }
      if (count < 0) return;
      const popped = itemsOf(run(context, 'SPOP', 's', String(count)));
      assert.equal(popped.length, Math.min(count, size));
      assert.equal(new Set(popped).size, popped.length);
      const remaining = count >= size ? [] : itemsOf(run(context, 'SMEMBERS', 's'));
      assert.equal(remaining.length, size - popped.length);
      assert.deepEqual([...popped, ...remaining].sort(), [...members].sort());
      assert.equal(renderReply(run(context, 'EXISTS', 's')), count >= size ? ':0' : ':1');
    }),
    { seed: 11, numRuns: 200 },
  );
});

test('set commands: SPOP and SRANDMEMBER draw once per member (O(1) each on a big set)', () => {
  let drawCount = 0;
  const random = seededRandom(4);
  const context: TestContext = {
    ...createTestContext(),
    random: {
      nextIndex: (countExclusive) => {
        drawCount++;
        return random.nextIndex(countExclusive);
      },
    },
  };
  const set = new CacheSet();
  for (let index = 0; index < 100_000; index++) set.add(text(`member:${index}`));
  context.keyspace.database(0).set({ key: text('big'), value: { type: 'set', set }, expireAtMs: null, keepExpiry: false });
  run(context, 'SPOP', 'big');
  run(context, 'SRANDMEMBER', 'big');
  assert.equal(itemsOf(run(context, 'SPOP', 'big', '10')).length, 10);
  assert.equal(itemsOf(run(context, 'SRANDMEMBER', 'big', '10')).length, 10);
  assert.equal(itemsOf(run(context, 'SRANDMEMBER', 'big', '-10')).length, 10);
  assert.equal(drawCount, 32);
  assert.equal(set.length, 100_000 - 11);
  const page = scanPage(run(context, 'SSCAN', 'big', '0', 'COUNT', '4'));
  assert.equal(page.items.length, 4);
  assert.equal(page.cursor, String(set.length - 4));
});

test('set commands: SSCAN returns every member present for the whole iteration, under churn (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 130, max: 600 }),
      fc.integer({ min: 1, max: 50 }),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.nat({ max: 5 }), fc.boolean()), { minLength: 1, maxLength: 200 }),
      (initialCount, countHint, churn) => {
        const context = createTestContext();
        const live = new Set<string>();
        let nextId = 0;
        const add = (): void => {
          const member = `m${nextId++}`;
          run(context, 'SADD', 's', member);
          live.add(member);
        };
        for (let index = 0; index < initialCount; index++) add();
        const stable = new Set([...live].filter((_, index) => index % 3 === 0));
        const seen = new Set<string>();
        let cursor = '0';
        let step = 0;
        do {
          const page = scanPage(run(context, 'SSCAN', 's', cursor, 'COUNT', String(countHint)));
          for (const member of page.items) seen.add(member);
          cursor = page.cursor;
          const [pick, addCount, deleteCount, usePop] = churn[step++ % churn.length] as [number, number, number, boolean];
          for (let index = 0; index < addCount; index++) add();
          const removable = [...live].filter((member) => !stable.has(member));
          for (let index = 0; index < deleteCount && removable.length > 0; index++) {
            const member = removable.splice((pick + index) % removable.length, 1)[0] as string;
            run(context, usePop ? 'SMOVE' : 'SREM', ...(usePop ? ['s', 'other'] : ['s']), member);
            live.delete(member);
          }
        } while (cursor !== '0');
        for (const member of stable) assert.ok(seen.has(member), `member ${member} was never returned`);
      },
    ),
    { seed: 8, numRuns: 100 },
  );
});

test('set commands: CacheSet agrees with a model, keeps its size estimate and intset order (property)', () => {
  const member = fc.oneof(fc.integer({ min: -300, max: 300 }).map(String), fc.string({ maxLength: 3 }).map((value) => `s${value}`));
  const operation = fc.tuple(fc.boolean(), member);
  fc.assert(
    fc.property(fc.array(operation, { maxLength: 700 }), (operations) => {
      const set = new CacheSet();
      const model = new Set<string>();
      for (const [isAdd, value] of operations) {
        const key = text(value);
        if (isAdd) {
          assert.equal(set.add(key), !model.has(value));
          model.add(value);
        } else {
          assert.equal(set.delete(key), model.delete(value));
        }
        assert.equal(set.length, model.size);
      }
      let contentBytes = 0;
      for (const value of model) contentBytes += value.length;
      assert.equal(set.sizeBytes, contentBytes + model.size * 48);
      const order = [...set.values()];
      assert.deepEqual([...order].sort(), [...model].sort());
      for (let position = 0; position < set.length; position++) assert.equal(set.memberAt(position), order[position]);
      if (set.encoding === 'intset') assert.deepEqual(order, [...order].sort((a, b) => Number(a) - Number(b)));
      const copy = set.clone();
      copy.add(text('extra-member'));
      assert.equal(set.has(text('extra-member')), false);
      assert.equal(copy.length, set.length + 1);
    }),
    { seed: 5, numRuns: 150 },
  );
});

test('set commands: modified() once per changed key, never when nothing changed', () => {
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
  expectSignals(['SADD', 's', 'a', 'b', 'c'], ['s']);
  expectSignals(['SADD', 's', 'a'], []);
  expectSignals(['SADD', 's', 'a', 'd'], ['s']);
  expectSignals(['SREM', 's', 'zz'], []);
  expectSignals(['SREM', 's', 'd', 'zz'], ['s']);
  expectSignals(['SMOVE', 's', 't', 'zz'], []);
  expectSignals(['SMOVE', 's', 't', 'a'], ['s', 't']);
  expectSignals(['SMOVE', 's', 't', 'b'], ['s', 't']);
  expectSignals(['SADD', 's', 'a'], ['s']);
  expectSignals(['SMOVE', 's', 't', 'a'], ['s']);
  expectSignals(['SPOP', 's', '0'], []);
  expectSignals(['SINTERSTORE', 'dst', 's', 't'], []);
  expectSignals(['SUNIONSTORE', 'dst', 's', 't'], ['dst']);
  expectSignals(['SINTERSTORE', 'dst', 's', 't'], ['dst']);
  expectSignals(['SPOP', 't', '1'], ['t']);
  expectSignals(['SPOP', 't', '5'], ['t']);
  expectSignals(['SPOP', 's'], ['s']);
  assert.equal(context.keyspace.database(0).size, 0);
  assert.equal(context.keyspace.database(0).usedMemoryBytes, 0);
});
