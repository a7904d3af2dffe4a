/**
 * Bitmap commands as transcripts. Every reply below was produced by redis-server 7.0.15 for the same
 * command sequence (documentation examples, tests/unit/bitops.tcl cases, every error text), and
 * BITCOUNT / BITPOS are checked against a naive bit-by-bit model by a property test.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { selectedDatabase } from './cache-command-context.js';
import { countBitsInRange, firstBitInRange } from './cache-commands-bitmap.js';
import { type CacheHash } from './cache-hash.js';
import { keyTextFromBytes } from './cache-keyspace.js';
import { createTestContext, renderReply, replay, run, type TestContext } from './cache-session.spec-helper.js';
import { encodeReply } from './resp-encoder.js';
import { type RespValue } from './resp-value.js';

const sessions: Readonly<Record<string, readonly string[]>> = {
  'SETBIT GETBIT (docs, bitops.tcl)': [
    'SETBIT mykey 7 1 -> :0',
    'SETBIT mykey 7 0 -> :1',
    'GETBIT mykey 0 -> :0',
    'SETBIT mykey 1 1 -> :0',
    'SETBIT mykey 2 1 -> :0',
    'GET mykey -> "`"',
    'GETBIT mykey 1 -> :1',
    'GETBIT mykey 100 -> :0',
    'GETBIT nokey 0 -> :0',
    'SETBIT mykey 23 1 -> :0',
    'STRLEN mykey -> :3',
    'SETBIT mykey 23 1 -> :1',
    'SETBIT mykey 23 0 -> :1',
    'STRLEN mykey -> :3',
    'SETBIT mykey 0 2 -> -ERR bit is not an integer or out of range',
    'SETBIT mykey 0 -1 -> -ERR bit is not an integer or out of range',
    'SETBIT mykey 0 01 -> -ERR bit is not an integer or out of range',
    'SETBIT mykey 0 x -> -ERR bit is not an integer or out of range',
    'SETBIT mykey -1 1 -> -ERR bit offset is not an integer or out of range',
    'SETBIT mykey 4294967296 1 -> -ERR bit offset is not an integer or out of range',
    'SETBIT mykey +1 1 -> -ERR bit offset is not an integer or out of range',
    'SETBIT mykey x 0 -> -ERR bit offset is not an integer or out of range',
    'GETBIT mykey -1 -> -ERR bit offset is not an integer or out of range',
    'GETBIT mykey 4294967296 -> -ERR bit offset is not an integer or out of range',
    'GETBIT mykey #1 -> -ERR bit offset is not an integer or out of range',
    'SETBIT new 0 0 -> :0',
    'EXISTS new -> :1',
    'SET k a -> +OK',
    'EXPIRE k 100 -> :1',
    'SETBIT k 1 0 -> :1',
    'TTL k -> :100',
    'SETBIT k 100 1 -> :0',
    'TTL k -> :100',
    'SETBIT k 100 1 -> :1',
    'GETBIT k 100 -> :1',
    'TTL k -> :100',
  ],
  'BITCOUNT (docs, bitops.tcl)': [
    'SET mykey foobar -> +OK',
    'BITCOUNT mykey -> :26',
    'BITCOUNT mykey 0 0 -> :4',
    'BITCOUNT mykey 1 1 -> :6',
    'BITCOUNT mykey 1 1 BYTE -> :6',
    'BITCOUNT mykey 5 30 BIT -> :17',
    'BITCOUNT mykey 0 -1 -> :26',
    'BITCOUNT mykey 1 -2 -> :18',
    'BITCOUNT mykey -2 1 -> :0',
    'BITCOUNT mykey -100 100 -> :26',
    'BITCOUNT mykey -1 -2 -> :0',
    'BITCOUNT mykey -1 -2 nonsense -> :0',
    'BITCOUNT mykey 0 -1 bit -> :26',
    'BITCOUNT mykey 0 -1 Byte -> :26',
    'BITCOUNT mykey 0 -1 bits -> -ERR syntax error',
    'BITCOUNT mykey 0 -> -ERR syntax error',
    'BITCOUNT mykey 0 1 bit 2 -> -ERR syntax error',
    'BITCOUNT mykey a 1 -> -ERR value is not an integer or out of range',
    'BITCOUNT mykey 0 b -> -ERR value is not an integer or out of range',
    'BITCOUNT mykey 9223372036854775807 -9223372036854775808 -> :0',
    'BITCOUNT mykey -9223372036854775808 9223372036854775807 BIT -> :26',
    'BITCOUNT nokey -> :0',
    'BITCOUNT nokey 0 -> :0',
    'BITCOUNT nokey a b c d -> :0',
    'SET empty "" -> +OK',
    'BITCOUNT empty -> :0',
    'BITCOUNT empty 0 -1 BIT -> :0',
    "BITCOUNT -> -ERR wrong number of arguments for 'bitcount' command",
  ],
  'BITPOS (docs, bitops.tcl)': [
    'SET mykey foobar -> +OK',
    'BITPOS mykey 1 -> :1',
    'BITPOS mykey 0 -> :0',
    'BITPOS mykey 1 2 -> :17',
    'BITPOS mykey 0 2 -1 BYTE -> :16',
    'BITPOS mykey 1 7 15 BIT -> :9',
    'BITPOS mykey 0 1 1 -> :8',
    'BITPOS mykey 1 -1 -> :41',
    'BITPOS mykey 1 100 -> :-1',
    'BITPOS mykey 1 2 1 -> :-1',
    'BITPOS mykey 1 0 -1 bits -> -ERR syntax error',
    'BITPOS mykey 1 0 -1 BIT x -> -ERR syntax error',
    'BITPOS mykey 2 -> -ERR The bit argument must be 1 or 0.',
    'BITPOS mykey -1 -> -ERR The bit argument must be 1 or 0.',
    'BITPOS mykey x -> -ERR value is not an integer or out of range',
    'BITPOS mykey 1 x -> -ERR value is not an integer or out of range',
    'BITPOS mykey 1 0 x -> -ERR value is not an integer or out of range',
    'BITPOS nokey 1 -> :-1',
    'BITPOS nokey 0 -> :0',
    'BITPOS nokey 0 5 10 -> :0',
    'BITPOS nokey 1 x y z w -> :-1',
    'BITPOS nokey 2 -> -ERR The bit argument must be 1 or 0.',
    'SET ones ÿÿÿ -> +OK',
    'BITPOS ones 0 -> :24',
    'BITPOS ones 0 1 -> :24',
    'BITPOS ones 0 0 -1 -> :-1',
    'BITPOS ones 0 3 21 BIT -> :-1',
    'BITPOS ones 1 3 21 BIT -> :3',
    'SET empty "" -> +OK',
    'BITPOS empty 0 -> :-1',
    'BITPOS empty 1 -> :-1',
  ],
  'BITOP (docs, bitops.tcl)': [
    'SET key1 foobar -> +OK',
    'SET key2 abcdef -> +OK',
    'BITOP AND dest key1 key2 -> :6',
    'GET dest -> "`bc`ab"',
    'BITOP OR dest key1 key2 -> :6',
    'GET dest -> "goofev"',
    'BITOP XOR dest key1 key2 -> :6',
    'BITOP NOT dest key1 -> :6',
    'BITCOUNT dest -> :22',
    'BITOP not dest key1 key2 -> -ERR BITOP NOT must be called with a single source key.',
    "BITOP NOT dest -> -ERR wrong number of arguments for 'bitop' command",
    'BITOP NAND dest key1 -> -ERR syntax error',
    'BITOP AND dest key1 -> :6',
    'GET dest -> "foobar"',
    'SET short ab -> +OK',
    'BITOP OR dest short key1 -> :6',
    'GET dest -> "goobar"',
    'BITOP AND dest short key1 -> :6',
    'STRLEN dest -> :6',
    'BITOP XOR dest key1 nokey -> :6',
    'GET dest -> "foobar"',
    'BITOP AND dest nokey1 nokey2 -> :0',
    'EXISTS dest -> :0',
    'SET dest x -> +OK',
    'EXPIRE dest 100 -> :1',
    'BITOP OR dest key1 -> :6',
    'TTL dest -> :-1',
    'BITOP AND key1 key1 key2 -> :6',
    'GET key1 -> "`bc`ab"',
    "BITOP -> -ERR wrong number of arguments for 'bitop' command",
    "BITOP AND -> -ERR wrong number of arguments for 'bitop' command",
    "BITOP AND dest -> -ERR wrong number of arguments for 'bitop' command",
  ],
};

for (const [name, lines] of Object.entries(sessions)) {
  test(`bitmap commands: ${name}`, () => {
    replay(lines);
  });
}

function bytesOf(...values: number[]): Buffer {
  return Buffer.from(values);
}

test('bitmap commands: binary values from the documentation', () => {
  const context = createTestContext();
  const check = (words: readonly (string | Buffer)[], expected: string): void => {
    assert.equal(renderReply(run(context, ...words)), expected, words.map(String).join(' '));
  };
  check(['SET', 'mykey', bytesOf(0xff, 0xf0, 0x00)], '+OK');
  check(['BITPOS', 'mykey', '0'], ':12');
  check(['SET', 'mykey', bytesOf(0x00, 0xff, 0xf0)], '+OK');
  check(['BITPOS', 'mykey', '1', '0'], ':8');
  check(['BITPOS', 'mykey', '1', '2'], ':16');
  check(['BITPOS', 'mykey', '1', '2', '-1', 'BYTE'], ':16');
  check(['BITPOS', 'mykey', '1', '7', '15', 'BIT'], ':8');
  check(['SET', 'mykey', bytesOf(0x00, 0x00, 0x00)], '+OK');
  check(['BITPOS', 'mykey', '1'], ':-1');
  check(['BITPOS', 'mykey', '1', '7', '-3', 'BIT'], ':-1');
  check(['SETBIT', 'k', '7', '1'], ':0');
  // What the client receives: GET may hand a small ASCII value over as text, not as a Buffer.
  assert.deepEqual(encodeReply(run(context, 'GET', 'k') as RespValue, 2), Buffer.from('$1\r\n\x01\r\n', 'latin1'));
});

function withHash(context: TestContext, key: string): void {
  const hash = { length: 1, sizeBytes: 10, encoding: 'listpack' } as unknown as CacheHash;
  selectedDatabase(context).set({ key: keyTextFromBytes(Buffer.from(key)), value: { type: 'hash', hash }, expireAtMs: null, keepExpiry: false });
}

test('bitmap commands: WRONGTYPE after the argument checks Redis makes first', () => {
  const context = createTestContext();
  withHash(context, 'h');
  const wrongType = '-WRONGTYPE Operation against a key holding the wrong kind of value';
  replay(
    [
      `SETBIT h 1 1 -> ${wrongType}`,
      'SETBIT h x 1 -> -ERR bit offset is not an integer or out of range',
      'SETBIT h 1 2 -> -ERR bit is not an integer or out of range',
      `GETBIT h 1 -> ${wrongType}`,
      'GETBIT h x -> -ERR bit offset is not an integer or out of range',
      `BITCOUNT h -> ${wrongType}`,
      `BITCOUNT h a b -> ${wrongType}`,
      `BITPOS h 1 -> ${wrongType}`,
      'BITPOS h 3 -> -ERR The bit argument must be 1 or 0.',
      `BITOP AND d h -> ${wrongType}`,
      `BITOP NOT d h -> ${wrongType}`,
      'BITOP NOT d h h -> -ERR BITOP NOT must be called with a single source key.',
      'SET s ab -> +OK',
      'BITOP OR h s -> :2',
      'GET h -> "ab"',
    ],
    context,
  );
});

test('bitmap commands: offsets are bounded by the string size limit', () => {
  const context = createTestContext({ limits: { stringBytesMax: 4 } });
  replay(
    [
      'SETBIT k 31 1 -> :0',
      'STRLEN k -> :4',
      'SETBIT k 32 1 -> -ERR bit offset is not an integer or out of range',
      'GETBIT k 32 -> -ERR bit offset is not an integer or out of range',
      'GETBIT k 31 -> :1',
    ],
    context,
  );
  replay(['SETBIT k 4294967295 1 -> :0', 'STRLEN k -> :536870912', 'GETBIT k 4294967295 -> :1'], createTestContext());
});

test('SETBIT stores a copy: a reply that references the old bytes does not change', () => {
  const context = createTestContext();
  run(context, 'SET', 'k', 'a'.repeat(8192));
  const before = run(context, 'GET', 'k');
  run(context, 'SETBIT', 'k', '0', '1');
  assert.deepEqual(before, { type: 'bulk-string', value: Buffer.from('a'.repeat(8192)) });
  assert.equal(renderReply(run(context, 'GETRANGE', 'k', '0', '1')), '"áa"');
});

test('SETBIT that changes nothing does not signal the key (WATCH stays valid)', () => {
  const context = createTestContext();
  const modified: string[] = [];
  context.keyspace.setListener({ keyModified: (_database, key) => modified.push(key), databaseReplaced: () => undefined });
  run(context, 'SETBIT', 'k', '3', '1');
  run(context, 'SETBIT', 'k', '3', '1');
  run(context, 'SETBIT', 'k', '5', '0');
  run(context, 'SETBIT', 'k', '3', '0');
  assert.deepEqual(modified, ['k', 'k']);
});

/** The naive model: a string as a list of bits, ranges normalized as bitops.c does. */
function bitsOf(bytes: Uint8Array): number[] {
  return [...bytes].flatMap((byte) => Array.from({ length: 8 }, (_, index) => (byte >> (7 - index)) & 1));
}

function naiveRange(start: number, end: number, length: number): [number, number] | null {
  let first = start < 0 ? length + start : start;
  let last = end < 0 ? length + end : end;
  first = Math.max(first, 0);
  last = Math.min(Math.max(last, 0), length - 1);
  return first > last ? null : [first, last];
}

function naiveBitcount(bytes: Uint8Array, range: { start: number; end: number; unit: 'BIT' | 'BYTE' } | null): number {
  const bits = bitsOf(bytes);
  if (range === null) return bits.filter((bit) => bit === 1).length;
  if (range.start < 0 && range.end < 0 && range.start > range.end) return 0;
  const scale = range.unit === 'BIT' ? 1 : 8;
  const normalized = naiveRange(range.start, range.end, bits.length / scale);
  if (normalized === null) return 0;
  return bits.slice(normalized[0] * scale, (normalized[1] + 1) * scale).filter((bit) => bit === 1).length;
}

function naiveBitpos(bytes: Uint8Array, bit: 0 | 1, range: { start: number; end: number | null; unit: 'BIT' | 'BYTE' } | null): number {
  const bits = bitsOf(bytes);
  const scale = range?.unit === 'BIT' ? 1 : 8;
  const normalized = range === null ? naiveRange(0, -1, bytes.length) : naiveRange(range.start, range.end ?? bits.length / scale - 1, bits.length / scale);
  if (normalized === null) return -1;
  const [first, last] = [normalized[0] * scale, (normalized[1] + 1) * scale - 1];
  for (let index = first; index <= last; index++) if (bits[index] === bit) return index;
  if (bit === 1 || (range !== null && range.end !== null)) return -1;
  return last + 1;
}

const bytesArbitrary = fc.uint8Array({ maxLength: 12 }).chain((random) =>
  fc.constantFrom(random, Buffer.alloc(random.length, 0xff), Buffer.alloc(random.length, 0)),
);
const indexArbitrary = fc.integer({ min: -120, max: 120 });
const unitArbitrary = fc.constantFrom<'BIT' | 'BYTE'>('BIT', 'BYTE');

test('BITCOUNT agrees with a naive bit model (property)', () => {
  fc.assert(
    fc.property(bytesArbitrary, fc.option(fc.record({ start: indexArbitrary, end: indexArbitrary, unit: unitArbitrary })), (bytes, range) => {
      const context = createTestContext();
      run(context, 'SET', 'k', Buffer.from(bytes));
      const words = range === null ? [] : [String(range.start), String(range.end), range.unit];
      assert.equal(renderReply(run(context, 'BITCOUNT', 'k', ...words)), `:${naiveBitcount(bytes, range)}`);
    }),
    { seed: 42, numRuns: 2000 },
  );
});

test('BITPOS agrees with a naive bit model (property)', () => {
  const rangeArbitrary = fc.record({ start: indexArbitrary, end: fc.option(indexArbitrary), unit: unitArbitrary });
  fc.assert(
    fc.property(bytesArbitrary, fc.constantFrom<0 | 1>(0, 1), fc.option(rangeArbitrary), (bytes, bit, range) => {
      const context = createTestContext();
      run(context, 'SET', 'k', Buffer.from(bytes));
      const words = range === null ? [] : range.end === null ? [String(range.start)] : [String(range.start), String(range.end), range.unit];
      const modelRange = range === null ? null : { ...range, unit: range.end === null ? 'BYTE' as const : range.unit };
      assert.equal(renderReply(run(context, 'BITPOS', 'k', String(bit), ...words)), `:${naiveBitpos(bytes, bit, modelRange)}`);
    }),
    { seed: 42, numRuns: 2000 },
  );
});

test('countBitsInRange and firstBitInRange agree with the bit model on every sub-range', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 6 }), (bytes) => {
      const bits = bitsOf(bytes);
      for (let start = 0; start < bits.length; start++) {
        for (let end = start; end < bits.length; end++) {
          const slice = bits.slice(start, end + 1);
          assert.equal(countBitsInRange(bytes, start, end), slice.filter((bit) => bit === 1).length);
          for (const bit of [0, 1] as const) {
            const index = slice.indexOf(bit);
            assert.equal(firstBitInRange(bytes, start, end, bit), index === -1 ? -1 : start + index);
          }
        }
      }
    }),
    { seed: 7, numRuns: 200 },
  );
});
