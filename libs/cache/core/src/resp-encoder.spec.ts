/**
 * RespEncoder: each reply type in RESP2 and RESP3, with the RESP specification's examples for RESP3
 * types and Redis's RESP2 fallbacks (networking.c addReply*), Redis's double formatting (util.c
 * d2string, fpconv emit_digits), and the chunking contract (small replies packed, large payloads
 * referenced).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRespDouble } from './resp-double.js';
import { encodeReply, RespEncoder } from './resp-encoder.js';
import {
  respBulkString,
  respBulkStringArray,
  respError,
  respInteger,
  respNullArray,
  respNullBulk,
  respOk,
  type RespValue,
} from './resp-value.js';

const cases: readonly { name: string; value: RespValue; resp2: string; resp3: string }[] = [
  { name: 'simple string', value: respOk, resp2: '+OK\r\n', resp3: '+OK\r\n' },
  {
    name: 'error',
    value: respError('WRONGTYPE', 'Operation against a key holding the wrong kind of value'),
    resp2: '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
    resp3: '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
  },
  {
    name: 'error with a newline from user input',
    value: respError('ERR', "unknown command 'a\r\nb'"),
    resp2: "-ERR unknown command 'a  b'\r\n",
    resp3: "-ERR unknown command 'a  b'\r\n",
  },
  { name: 'integer', value: respInteger(1000), resp2: ':1000\r\n', resp3: ':1000\r\n' },
  { name: 'negative int64', value: respInteger(-(2n ** 63n)), resp2: ':-9223372036854775808\r\n', resp3: ':-9223372036854775808\r\n' },
  { name: 'bulk string', value: respBulkString('hello'), resp2: '$5\r\nhello\r\n', resp3: '$5\r\nhello\r\n' },
  { name: 'empty bulk string', value: respBulkString(''), resp2: '$0\r\n\r\n', resp3: '$0\r\n\r\n' },
  { name: 'UTF-8 bulk string counts bytes', value: respBulkString('é'), resp2: '$2\r\n\xc3\xa9\r\n', resp3: '$2\r\n\xc3\xa9\r\n' },
  { name: 'null bulk string', value: respNullBulk, resp2: '$-1\r\n', resp3: '_\r\n' },
  { name: 'null array', value: respNullArray, resp2: '*-1\r\n', resp3: '_\r\n' },
  { name: 'empty array', value: { type: 'array', items: [] }, resp2: '*0\r\n', resp3: '*0\r\n' },
  {
    name: 'array of bulk strings',
    value: respBulkStringArray(['hello', 'world']),
    resp2: '*2\r\n$5\r\nhello\r\n$5\r\nworld\r\n',
    resp3: '*2\r\n$5\r\nhello\r\n$5\r\nworld\r\n',
  },
  {
    name: 'nested array with a null',
    value: { type: 'array', items: [respInteger(1), { type: 'array', items: [respNullBulk] }] },
    resp2: '*2\r\n:1\r\n*1\r\n$-1\r\n',
    resp3: '*2\r\n:1\r\n*1\r\n_\r\n',
  },
  {
    name: 'map',
    value: {
      type: 'map',
      entries: [
        [{ type: 'simple-string', value: 'first' }, respInteger(1)],
        [{ type: 'simple-string', value: 'second' }, respInteger(2)],
      ],
    },
    resp2: '*4\r\n+first\r\n:1\r\n+second\r\n:2\r\n',
    resp3: '%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n',
  },
  {
    name: 'set',
    value: { type: 'set', items: [{ type: 'simple-string', value: 'orange' }, { type: 'boolean', value: true }, respInteger(100)] },
    resp2: '*3\r\n+orange\r\n:1\r\n:100\r\n',
    resp3: '~3\r\n+orange\r\n#t\r\n:100\r\n',
  },
  { name: 'double', value: { type: 'double', value: 1.23 }, resp2: '$4\r\n1.23\r\n', resp3: ',1.23\r\n' },
  { name: 'double inf', value: { type: 'double', value: Infinity }, resp2: '$3\r\ninf\r\n', resp3: ',inf\r\n' },
  { name: 'double -inf', value: { type: 'double', value: -Infinity }, resp2: '$4\r\n-inf\r\n', resp3: ',-inf\r\n' },
  { name: 'double nan', value: { type: 'double', value: NaN }, resp2: '$3\r\nnan\r\n', resp3: ',nan\r\n' },
  { name: 'boolean true', value: { type: 'boolean', value: true }, resp2: ':1\r\n', resp3: '#t\r\n' },
  { name: 'boolean false', value: { type: 'boolean', value: false }, resp2: ':0\r\n', resp3: '#f\r\n' },
  {
    name: 'big number',
    value: { type: 'big-number', value: 3492890328409238509324850943850943825024385n },
    resp2: '$43\r\n3492890328409238509324850943850943825024385\r\n',
    resp3: '(3492890328409238509324850943850943825024385\r\n',
  },
  {
    name: 'verbatim string',
    value: { type: 'verbatim-string', format: 'txt', value: 'Some string' },
    resp2: '$11\r\nSome string\r\n',
    resp3: '=15\r\ntxt:Some string\r\n',
  },
  {
    name: 'attributed (RESP3 attributes before the reply; RESP2 gets the reply alone)',
    value: { type: 'attributed', attributes: [[respBulkString('key-popularity'), { type: 'array', items: [respBulkString('a'), respInteger(90)] }]], value: respBulkString('x') },
    resp2: '$1\r\nx\r\n',
    resp3: '|1\r\n$14\r\nkey-popularity\r\n*2\r\n$1\r\na\r\n:90\r\n$1\r\nx\r\n',
  },
  {
    name: 'push',
    value: { type: 'push', items: ['message', 'channel', 'hi'].map(respBulkString) },
    resp2: '*3\r\n$7\r\nmessage\r\n$7\r\nchannel\r\n$2\r\nhi\r\n',
    resp3: '>3\r\n$7\r\nmessage\r\n$7\r\nchannel\r\n$2\r\nhi\r\n',
  },
];

test('each reply type in RESP2 and RESP3', () => {
  for (const { name, value, resp2, resp3 } of cases) {
    assert.equal(encodeReply(value, 2).toString('latin1'), resp2, `${name} (RESP2)`);
    assert.equal(encodeReply(value, 3).toString('latin1'), resp3, `${name} (RESP3)`);
  }
});

test('doubles are formatted like Redis d2string', () => {
  const expected: readonly [number, string][] = [
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-3, '-3'],
    [1.5, '1.5'],
    [0.1, '0.1'],
    [3.14, '3.14'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [1.5e-7, '1.5e-7'],
    [0.001234, '0.001234'],
    [0.0001234, '1.234e-4'],
    [2 ** 62, '4611686018427387904'],
    [2 ** 63, '9223372036854776000'],
    [1e20, '1e+20'],
    [-1e20, '-1e+20'],
    [1.2345678901234568e20, '123456789012345680000'],
    [1e100, '1e+100'],
    [1e105, '1e+105'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
  ];
  for (const [value, text] of expected) assert.equal(formatRespDouble(value), text, String(value));
  for (const [value] of expected) assert.equal(Number(formatRespDouble(value)), value, `round trip ${value}`);
});

test('many small replies share one chunk; large payloads are referenced, not copied', () => {
  const encoder = new RespEncoder();
  for (let index = 0; index < 1000; index++) encoder.write(respInteger(index), 2);
  assert.equal(encoder.take().length, 1);
  const payload = Buffer.alloc(1024 * 1024, 0x61);
  encoder.write(respBulkString(payload), 3);
  const chunks = encoder.take();
  assert.equal(chunks.length, 3);
  assert.equal(chunks[1], payload);
  assert.equal(Buffer.concat(chunks).length, payload.length + '$1048576\r\n'.length + 2);
  assert.deepEqual(encoder.take(), []);
});

test('payloads in the reused memory (the server’s read buffer) are copied, whatever their size', () => {
  const readBuffer = Buffer.allocUnsafeSlow(64 * 1024);
  const encoder = new RespEncoder(readBuffer.buffer);
  readBuffer.fill(0x62);
  encoder.write(respBulkString(readBuffer.subarray(1000, 1000 + 20_000)), 2);
  const elsewhere = Buffer.alloc(20_000, 0x63);
  encoder.write(respBulkString(elsewhere), 2);
  const chunks = encoder.take();
  readBuffer.fill(0xaa);
  assert.ok(chunks.every((chunk) => chunk.buffer !== readBuffer.buffer));
  assert.ok(chunks.includes(elsewhere), 'other large payloads are still referenced');
  assert.equal(Buffer.concat(chunks).toString('latin1'), `$20000\r\n${'b'.repeat(20_000)}\r\n$20000\r\n${'c'.repeat(20_000)}\r\n`);
});

test('chunks already taken are never overwritten by later writes', () => {
  const encoder = new RespEncoder();
  encoder.write(respBulkString('first'), 2);
  const [first] = encoder.take();
  const firstText = Buffer.from(first!).toString();
  for (let index = 0; index < 10000; index++) encoder.write(respBulkString('second'), 2);
  encoder.take();
  assert.equal(Buffer.from(first!).toString(), firstText);
});

test('reuseScratch: once the caller has consumed what it took, the next replies are written from the slab start', () => {
  const encoder = new RespEncoder();
  encoder.write(respBulkString('first'), 2);
  const [first] = encoder.take() as [Uint8Array];
  encoder.reuseScratch();
  encoder.write(respBulkString('second'), 2);
  const [second] = encoder.take() as [Uint8Array];
  assert.equal(second.buffer, first.buffer, 'the same slab');
  assert.equal(second.byteOffset, first.byteOffset, 'from its start again');
  assert.equal(Buffer.from(second).toString(), '$6\r\nsecond\r\n');
  // Without the call, taken chunks stay as they were (the default, above).
  encoder.write(respBulkString('third'), 2);
  const [third] = encoder.take() as [Uint8Array];
  assert.equal(third.byteOffset, second.byteOffset + second.length);
});

test('malformed values are programmer errors', () => {
  assert.throws(() => encodeReply({ type: 'simple-string', value: 'a\r\nb' }, 2), { name: 'AssertionError' });
  assert.throws(() => encodeReply(respInteger(2 ** 60), 2), { name: 'AssertionError' });
  assert.throws(() => encodeReply(respInteger(2n ** 63n), 2), { name: 'AssertionError' });
  assert.throws(() => encodeReply({ type: 'verbatim-string', format: 'text', value: '' }, 3), { name: 'AssertionError' });
});

test('a refused value leaves nothing of itself behind, even after filling a slab and starting another', () => {
  const encoder = new RespEncoder();
  encoder.write(respOk, 2);
  const filler = respBulkString('x'.repeat(3000));
  const refused: RespValue = { type: 'array', items: [...Array.from({ length: 8 }, () => filler), respBulkString(Buffer.alloc(5000)), { type: 'simple-string', value: 'a\r\nb' }] };
  assert.throws(() => encoder.write(refused, 2), { name: 'AssertionError' });
  encoder.write(respInteger(7), 2);
  assert.equal(Buffer.concat(encoder.take()).toString('latin1'), '+OK\r\n:7\r\n');
});
