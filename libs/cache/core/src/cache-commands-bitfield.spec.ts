/**
 * BITFIELD / BITFIELD_RO as transcripts whose replies redis-server 7.0.15 produced for the same
 * commands (bitfield.tcl cases, overflow behaviours, every error text), and a property: a SET at any
 * width and offset reads back as the field's two's complement and leaves every other bit alone.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createTestContext, renderReply, replay, run } from './cache-session.spec-helper.js';

test('bitfield: SET, GET, INCRBY with # offsets, widths up to i64/u63 (redis-server 7.0.15 transcript)', () => {
  replay([
    'BITFIELD bits SET u8 #0 65 SET u8 #1 66 SET u8 #2 67 -> [:0, :0, :0]',
    'GET bits -> "ABC"',
    'BITFIELD bits GET u8 #1 GET u1 9 GET i64 0 GET u63 1 -> [:66, :1, :4702394628207280128, :4702394628207280128]',
    'BITFIELD bits SET i64 0 9223372036854775807 -> [:4702394628207280128]',
    'BITFIELD bits INCRBY i64 0 1 OVERFLOW SAT INCRBY i64 0 1 OVERFLOW FAIL INCRBY i64 0 1 -> [:-9223372036854775808, :-9223372036854775807, :-9223372036854775806]',
    'BITFIELD bits INCRBY u2 100 1 OVERFLOW SAT INCRBY u2 102 1 -> [:1, :1]',
    'BITFIELD bits INCRBY u2 100 1 OVERFLOW SAT INCRBY u2 102 1 -> [:2, :2]',
    'BITFIELD bits INCRBY u2 100 1 OVERFLOW SAT INCRBY u2 102 1 -> [:3, :3]',
    'BITFIELD bits INCRBY u2 100 1 OVERFLOW SAT INCRBY u2 102 1 -> [:0, :3]',
    'BITFIELD bits OVERFLOW SAT SET u8 0 -1 GET u8 0 OVERFLOW FAIL SET u8 0 1000 -> [:128, :255, (nil)]',
    'BITFIELD bits SET i5 200 -1 GET u5 200 -> [:0, :31]',
    'STRLEN bits -> :26',
    'BITFIELD bits -> []',
    'BITFIELD_RO bits GET u8 #0 GET u8 #1 -> [:255, :0]',
    'BITFIELD nokey OVERFLOW FAIL SET u8 0 1000 -> [(nil)]',
    'GET nokey -> "\x00"',
    'BITFIELD_RO missing GET i8 0 -> [:0]',
    'EXISTS missing -> :0',
  ]);
});

test('bitfield: argument errors come first, in Redis order and texts', () => {
  replay([
    'LPUSH list a -> :1',
    'BITFIELD list GET u8 x -> -ERR bit offset is not an integer or out of range',
    'BITFIELD list GET u8 0 -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'BITFIELD_RO list SET u8 0 1 -> -ERR BITFIELD_RO only supports the GET subcommand',
    'BITFIELD k GET u64 0 -> -ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
    'BITFIELD k GET i65 0 -> -ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
    'BITFIELD k GET U8 0 -> -ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
    'BITFIELD k GET u8 #536870912 -> -ERR bit offset is not an integer or out of range',
    'BITFIELD k GET u8 4294967296 -> -ERR bit offset is not an integer or out of range',
    // 2^62 × 64 wraps to offset 0 in Redis's int64 multiplication.
    'BITFIELD k GET i64 #4611686018427387904 -> [:0]',
    'BITFIELD k GET i64 #-1 -> -ERR bit offset is not an integer or out of range',
    'BITFIELD k SET u8 0 x -> -ERR value is not an integer or out of range',
    'BITFIELD k OVERFLOW foo -> -ERR Invalid OVERFLOW type specified',
    'BITFIELD k INCRBY u8 0 -> -ERR syntax error',
    'BITFIELD k FOO u8 0 -> -ERR syntax error',
    'EXISTS k -> :0',
  ]);
});

test('bitfield: offsets are bounded by the string limit (no allocation past it)', () => {
  const context = createTestContext({ limits: { stringBytesMax: 4 } });
  assert.equal(renderReply(run(context, 'BITFIELD', 'k', 'SET', 'u8', '#3', '1')), '[:0]');
  assert.equal(renderReply(run(context, 'BITFIELD', 'k', 'SET', 'u8', '#4', '1')), '-ERR bit offset is not an integer or out of range');
  assert.equal(renderReply(run(context, 'STRLEN', 'k')), ':4');
});

test('bitfield: SET reads back as the two\'s complement of the field and leaves other bits alone (property)', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 20 }),
      fc.boolean(),
      fc.integer({ min: 1, max: 64 }),
      fc.integer({ min: 0, max: 200 }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      (initial, signed, width, offset, value) => {
        const bits = signed ? width : Math.min(width, 63);
        const type = `${signed ? 'i' : 'u'}${bits}`;
        const context = createTestContext();
        run(context, 'SET', 'k', Buffer.from(initial));
        assert.equal(renderReply(run(context, 'BITFIELD', 'k', 'SET', type, String(offset), String(value))).startsWith('[:'), true);
        const expected = signed ? BigInt.asIntN(bits, value) : BigInt.asUintN(bits, value);
        assert.equal(renderReply(run(context, 'BITFIELD_RO', 'k', 'GET', type, String(offset))), `[:${expected}]`);
        const after = Buffer.from(renderReply(run(context, 'GET', 'k')).slice(1, -1), 'latin1');
        assert.equal(after.length, Math.max(initial.length, ((offset + bits - 1) >> 3) + 1));
        for (let bit = 0; bit < after.length * 8; bit++) {
          if (bit >= offset && bit < offset + bits) continue;
          const before = bit >> 3 < initial.length ? ((initial[bit >> 3] as number) >> (7 - (bit & 7))) & 1 : 0;
          assert.equal(((after[bit >> 3] as number) >> (7 - (bit & 7))) & 1, before, `bit ${bit}`);
        }
      },
    ),
    { seed: 20261201, numRuns: 300 },
  );
});

test('bitfield: a field at bit offset 2^32-1 reads past the 2^32nd bit, never the string start (redis-server 7.0.15)', () => {
  const context = createTestContext();
  run(context, 'SET', 'k', Buffer.from([0xff]));
  // The bits past the string read 0; wrapping positions at 2^32 would read byte 0's ones instead.
  for (let width = 1; width <= 64; width++) {
    assert.equal(renderReply(run(context, 'BITFIELD_RO', 'k', 'GET', `i${width}`, '4294967295')), '[:0]', `i${width}`);
    if (width <= 63) assert.equal(renderReply(run(context, 'BITFIELD_RO', 'k', 'GET', `u${width}`, '4294967295')), '[:0]', `u${width}`);
  }
  assert.equal(renderReply(run(context, 'BITFIELD_RO', 'k', 'GET', 'u63', '#68174084')), '[:0]');
});

test('bitfield: a write at bit offset 2^32-6 grows the string to 2^29 + 8 bytes and leaves byte 0 alone (redis-server 7.0.15)', () => {
  const context = createTestContext();
  run(context, 'SET', 'k', Buffer.from([0x00]));
  assert.equal(renderReply(run(context, 'BITFIELD', 'k', 'INCRBY', 'i64', '4294967290', '-1')), '[:-1]');
  assert.equal(renderReply(run(context, 'STRLEN', 'k')), ':536870920');
  assert.equal(renderReply(run(context, 'GETRANGE', 'k', '0', '0')), '"\x00"');
  assert.equal(renderReply(run(context, 'GETRANGE', 'k', '-9', '-1')), '"\x3f\xff\xff\xff\xff\xff\xff\xff\xc0"');
  assert.equal(renderReply(run(context, 'BITFIELD_RO', 'k', 'GET', 'i64', '4294967290', 'GET', 'u8', '4294967295')), '[:-1, :255]');
});

test('bitfield: writes that all fail but grow an existing string grow it unsignalled, as Redis grows it in place', () => {
  const context = createTestContext();
  const modified: string[] = [];
  context.keyspace.setListener({ keyModified: (_database, key) => modified.push(key), databaseReplaced: () => undefined });
  run(context, 'SET', 'k', Buffer.from([0x01]));
  modified.length = 0;
  assert.equal(renderReply(run(context, 'BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'SET', 'u8', '8', '256')), '[(nil)]');
  assert.equal(renderReply(run(context, 'STRLEN', 'k')), ':2');
  assert.deepEqual(modified, []);
  assert.equal(renderReply(run(context, 'BITFIELD', 'k', 'SET', 'u8', '0', '2')), '[:1]');
  assert.deepEqual(modified, ['k']);
});
