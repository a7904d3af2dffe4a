/**
 * DUMP / RESTORE payloads: Redis's CRC-64 check value, payloads captured from redis-server 7.0.15
 * (one per encoding it writes), round trips of every type, refused payloads, and the commands'
 * semantics (tests/unit/dump.tcl).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc64Redis } from './cache-crc64.js';
import { CacheDumpPayloadError, decodeDumpPayload, encodeDumpPayload } from './cache-dump-payload.js';
import { accessClockSecondsOf, type CacheValue, type KeyText } from './cache-keyspace.js';
import { formatStreamId, streamIdMax, streamIdZero } from './cache-stream-id.js';
import { createTestContext, replay, run } from './cache-session.spec-helper.js';

const stringBytesMax = 512 * 1024 * 1024;

/** What a value holds, in a comparable form (sets sorted; hashes as sorted pairs). */
function contentsOf(value: CacheValue): unknown {
  switch (value.type) {
    case 'string':
      return value.bytes.toString('latin1');
    case 'list':
      return value.list.toArray().map((element) => element.toString('latin1'));
    case 'set':
      return [...value.set.values()].sort();
    case 'hash':
      return [...value.hash.entries()].map(([field, fieldValue]) => [field, fieldValue.toString('latin1')]).sort();
    case 'zset':
      return [...value.zset.values()].map(({ member, score }) => [member, score]);
    case 'stream':
      return [...value.stream.range(streamIdZero, streamIdMax)].map((entry) => [formatStreamId(entry.id), entry.fields.map((part) => part.toString('latin1'))]);
  }
}

test("crc64Redis matches Redis's check value", () => {
  assert.equal(crc64Redis(Buffer.from('123456789')).readBigUInt64LE(0), 0xe9c6d914c4b8d9can);
});

// `DUMP k` of redis-server 7.0.15 after the commands in the comment (OBJECT ENCODING in the name).
const redisPayloads: readonly { name: string; hex: string; type: CacheValue['type']; contents: unknown; encoding?: string }[] = [
  { name: 'string int (SET k 12345)', hex: '00c139300a009d94ea2793fc08b9', type: 'string', contents: '12345' },
  { name: 'string int8 (SET k -7)', hex: '00c0f90a005e26d130d7a242ab', type: 'string', contents: '-7' },
  { name: 'string embstr', hex: '000b68656c6c6f20776f726c640a000bfc49b9a6c7a034', type: 'string', contents: 'hello world' },
  { name: 'string raw, LZF', hex: '00c3104122016161e0bd0002626364e04c020163640a0043ada23d63fba5d6', type: 'string', contents: 'a'.repeat(200) + 'bcd'.repeat(30) },
  {
    name: 'list quicklist (RPUSH k a 1 bb -200 70000 x*70 9223372036854775807)',
    hex: '120102c328406b196b0000000700816102010182626203df3802f270110104e04678e03c000248f4ff8000027f09ff0a003ece85683e41a4db',
    type: 'list',
    contents: ['a', '1', 'bb', '-200', '70000', 'x'.repeat(70), '9223372036854775807'],
  },
  {
    name: 'hash listpack (HSET k f1 v1 f2 42 f3 -1)',
    hex: '101c1c00000006008266310382763103826632032a0182663303dfff02ff0a008a64d67b906ead1d',
    type: 'hash',
    contents: [['f1', 'v1'], ['f2', '42'], ['f3', '-1']],
    encoding: 'listpack',
  },
  {
    name: 'hash hashtable (HSET k f1 v*100 f2 x)',
    hex: '04020266320178026631c3094064017676e057000176760a004b8b3dcd33027a07',
    type: 'hash',
    contents: [['f1', 'v'.repeat(100)], ['f2', 'x']],
    encoding: 'hashtable',
  },
  { name: 'set intset (SADD k 1 -5 300 100000)', hex: '0b180400000004000000fbffffff010000002c010000a08601000a00b334e8d7afe7ba30', type: 'set', contents: ['-5', '1', '100000', '300'], encoding: 'intset' },
  { name: 'set hashtable (SADD k a b c)', hex: '02030161016301620a000d7e8a014cfe326c', type: 'set', contents: ['a', 'b', 'c'] },
  {
    name: 'zset listpack (ZADD k 1.5 a 2 b -3 c)',
    hex: '111a1a0000000600816302dffd0281610283312e35048162020201ff0a0088c4c030f0ae8276',
    type: 'zset',
    contents: [['c', -3], ['a', 1.5], ['b', 2]],
    encoding: 'listpack',
  },
  {
    name: 'zset skiplist (ZADD k 1.5 a*100 2 b inf c)',
    hex: '05030163000000000000f07f01620000000000000040c3094064016161e05700016161000000000000f83f0a0064d29c6bda302ff0',
    type: 'zset',
    contents: [['a'.repeat(100), 1.5], ['b', 2], ['c', Infinity]],
    encoding: 'skiplist',
  },
];

for (const payload of redisPayloads) {
  test(`decodes Redis 7.0's payload: ${payload.name}`, () => {
    const value = decodeDumpPayload(Buffer.from(payload.hex, 'hex'), stringBytesMax);
    assert.equal(value.type, payload.type);
    assert.deepEqual(contentsOf(value), payload.contents);
    if (payload.encoding !== undefined && value.type !== 'string') {
      const collection = value.type === 'list' ? value.list : value.type === 'hash' ? value.hash : value.type === 'set' ? value.set : value.type === 'zset' ? value.zset : value.stream;
      assert.equal(collection.encoding, payload.encoding);
    }
    // And what this cache DUMPs of it decodes to the same value.
    assert.deepEqual(contentsOf(decodeDumpPayload(encodeDumpPayload(value), stringBytesMax)), payload.contents);
  });
}

test('DUMPs plain strings like Redis (integers encoded as integers)', () => {
  // Byte for byte what redis-server 7.0.15 DUMPs for these two strings.
  for (const hex of ['00c139300a009d94ea2793fc08b9', '000b68656c6c6f20776f726c640a000bfc49b9a6c7a034']) {
    assert.equal(encodeDumpPayload(decodeDumpPayload(Buffer.from(hex, 'hex'), stringBytesMax)).toString('hex'), hex);
  }
});

test('refuses payloads with a wrong checksum or version, or bad data', () => {
  const good = Buffer.from('000b68656c6c6f20776f726c640a000bfc49b9a6c7a034', 'hex');
  const reasonOf = (bytes: Buffer): string => {
    try {
      decodeDumpPayload(bytes, stringBytesMax);
      return 'accepted';
    } catch (error) {
      assert.ok(error instanceof CacheDumpPayloadError);
      return error.reason;
    }
  };
  const flipped = Buffer.from(good);
  flipped[3] = (flipped[3] as number) ^ 1;
  assert.equal(reasonOf(flipped), 'version-or-checksum');
  assert.equal(reasonOf(good.subarray(0, 9)), 'version-or-checksum');
  assert.equal(reasonOf(withFooter(Buffer.from('0001', 'hex'), 11)), 'version-or-checksum');
  // Bodies with a valid footer and checksum but bad contents.
  const badBodies: Readonly<Record<string, string>> = {
    'unknown type': '07',
    'stream type': '0f00',
    'string longer than the payload': '00 05 6162',
    'empty list': '01 00',
    'duplicate set member': '02 02 0161 0161',
    'duplicate hash field': '04 02 0166 0176 0166 0177',
    'NaN score': '03 01 0161 fd',
    'LZF declaring more than it can expand to': '00 c3 02 8000100000 0000',
    'LZF back reference before the start': '00 c3 02 04 2000',
    'listpack with a wrong total': '10 07 08000000 0000 ff',
    'intset with a bad width': '0b 08 0300000000000000',
    '8-byte length above 2^53': '01 81 ffffffffffffffff',
  };
  for (const [name, hex] of Object.entries(badBodies)) {
    assert.equal(reasonOf(withFooter(Buffer.from(hex.replace(/ /g, ''), 'hex'), 10)), 'bad-format', name);
  }
});

function withFooter(body: Buffer, version: number): Buffer {
  const versioned = Buffer.concat([body, Buffer.from([version & 0xff, version >> 8])]);
  return Buffer.concat([versioned, crc64Redis(versioned)]);
}

test('DUMP and RESTORE round-trip every type, with TTL, REPLACE and BUSYKEY (dump.tcl)', () => {
  const context = replay([
    'SET s hello -> +OK',
    'RPUSH l a b c -> :3',
    'HSET h f v g w -> :2',
    'SADD st 1 2 x -> :3',
    'ZADD z 1 a 2.5 b -> :2',
    'DUMP nokey -> (nil)',
  ]);
  for (const key of ['s', 'l', 'h', 'st', 'z']) {
    const payload = run(context, 'DUMP', key);
    assert.equal(payload.type, 'bulk-string');
    const bytes = Buffer.from((payload as { value: Uint8Array }).value);
    assert.deepEqual(run(context, 'RESTORE', key, '0', bytes), { type: 'error', prefix: 'BUSYKEY', message: 'Target key name already exists.' });
    assert.deepEqual(run(context, 'RESTORE', `${key}2`, '0', bytes), { type: 'simple-string', value: 'OK' });
    assert.deepEqual(run(context, 'DUMP', `${key}2`), payload, key);
    assert.deepEqual(run(context, 'RESTORE', key, '0', bytes, 'REPLACE'), { type: 'simple-string', value: 'OK' });
  }
  replay(['LRANGE l2 0 -1 -> ["a", "b", "c"]', 'ZSCORE z2 b -> (double) 2.5', 'SISMEMBER st2 x -> :1', 'HGET h2 g -> "w"', 'TTL s2 -> :-1'], context);

  const string = Buffer.from((run(context, 'DUMP', 's') as { value: Uint8Array }).value);
  run(context, 'RESTORE', 'ttl', '3000', string);
  replay(['PTTL ttl -> :3000', 'time +3000', 'EXISTS ttl -> :0'], context);
  run(context, 'RESTORE', 'abs', String(context.nowMs + 5000), string, 'ABSTTL');
  replay(['PTTL abs -> :5000'], context);
  // A TTL already past: OK, and no key (the old one removed, with REPLACE).
  assert.deepEqual(run(context, 'RESTORE', 's', '1', string, 'ABSTTL', 'REPLACE'), { type: 'simple-string', value: 'OK' });
  replay(['EXISTS s -> :0'], context);
  replay(
    [
      'RESTORE x 0 garbage -> -ERR DUMP payload version or checksum are wrong',
      'RESTORE x -1 garbage -> -ERR Invalid TTL value, must be >= 0',
      'RESTORE x 0 garbage IDLETIME 1 FREQ 2 -> -ERR syntax error',
      'RESTORE x 0 garbage FREQ 256 -> -ERR Invalid FREQ value, must be >= 0 and <= 255',
      'RESTORE x 0 garbage IDLETIME -1 -> -ERR Invalid IDLETIME value, must be >= 0',
      'RESTORE x -> -ERR wrong number of arguments for \'restore\' command',
    ],
    context,
  );
});

test('RESTORE IDLETIME and FREQ set the restored key\'s access facts', () => {
  const context = createTestContext();
  run(context, 'SET', 's', 'v');
  const payload = Buffer.from((run(context, 'DUMP', 's') as { value: Uint8Array }).value);
  run(context, 'RESTORE', 'idle', '0', payload, 'IDLETIME', '1000');
  run(context, 'RESTORE', 'hot', '0', payload, 'FREQ', '100');
  const database = context.keyspace.database(0);
  assert.equal(database.peek('idle' as KeyText, context.nowMs)?.accessedAtSeconds, accessClockSecondsOf(context.nowMs) - 1000);
  assert.equal(database.peek('hot' as KeyText, context.nowMs)?.lfuCounter, 100);
});

test('RESTORE takes a quicklist node of 200,000 entries (no argument spread) and refuses an LZF length past 88x', () => {
  const entryCount = 200_000;
  const listpack = Buffer.alloc(6 + entryCount * 2 + 1);
  listpack.writeUInt32LE(listpack.length, 0);
  listpack.writeUInt16LE(0xffff, 4); // count unknown, as Redis writes past 65,535
  for (let index = 0; index < entryCount; index++) listpack.set([0x01, 0x01], 6 + index * 2); // 7-bit uint 1, back-length 1
  listpack[listpack.length - 1] = 0xff;
  const header = Buffer.from([0x12, 0x01, 0x02, 0x80, 0, 0, 0, 0]); // QUICKLIST_2, one packed node, 32-bit string length
  header.writeUInt32BE(listpack.length, 4);
  const value = decodeDumpPayload(withFooter(Buffer.concat([header, listpack]), 10), stringBytesMax);
  assert.ok(value.type === 'list' && value.list.length === entryCount);
  // 2 compressed bytes may not claim 177 expanded ones.
  assert.throws(() => decodeDumpPayload(withFooter(Buffer.from('00c30240b1' + '2000', 'hex'), 10), stringBytesMax), CacheDumpPayloadError);
});
