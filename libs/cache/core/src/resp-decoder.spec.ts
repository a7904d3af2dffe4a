/**
 * RespDecoder: examples from the RESP specification ("Sending commands to a Redis server", "Inline
 * commands"), every stream split at every byte boundary and into chunks of every size, pipelining,
 * sdssplitargs quoting, each limit with Redis's exact text (redis/redis src/networking.c), proof that
 * a declared length is refused before its payload is buffered, and a property test that encoded
 * arrays of bulk strings decode back under random chunking.
 */
import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import fc from 'fast-check';
import { isCacheError, type RespProtocolError } from './errors.js';
import {
  parseRedisInteger,
  RespDecoder,
  respDecoderLimitsDefault,
  respDecoderLimitsUnauthenticated,
  respDecoderLimitsWithBulkMax,
  splitInlineArguments,
  type RespDecoderLimits,
  type RespRequest,
} from './resp-decoder.js';
import { encodeReply } from './resp-encoder.js';
import { respBulkStringArray } from './resp-value.js';

/** Pushes `chunks` one by one, draining after each push; returns the requests as latin1 strings. */
function decodeAll(chunks: readonly (string | Uint8Array)[], limits?: RespDecoderLimits): { requests: string[][]; error: RespProtocolError | null } {
  const decoder = new RespDecoder(limits);
  const requests: string[][] = [];
  for (const chunk of chunks) {
    decoder.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    for (;;) {
      const result = decoder.next();
      if (result.kind === 'incomplete') break;
      if (result.kind === 'error') return { requests, error: result.error };
      requests.push(argumentsOf(result.request));
    }
  }
  return { requests, error: null };
}

function argumentsOf(request: RespRequest): string[] {
  return request.arguments.map((argument) => argument.toString('latin1'));
}

/** Splits `text` into chunks of `chunkBytes` (the last one shorter). */
function chunked(text: string, chunkBytes: number): string[] {
  const chunks: string[] = [];
  for (let offset = 0; offset < text.length; offset += chunkBytes) chunks.push(text.slice(offset, offset + chunkBytes));
  return chunks;
}

function expectError(chunks: readonly string[], redisText: string, limits?: RespDecoderLimits): RespProtocolError {
  const { error } = decodeAll(chunks, limits);
  assert.ok(error !== null, `expected protocol error '${redisText}'`);
  assert.equal(error.redisText, redisText);
  assert.equal(error.replyText, `Protocol error: ${redisText}`);
  assert.equal(error.code, 'RespProtocol');
  assert.equal(error.kind, 'invalid-argument');
  assert.ok(isCacheError(error));
  return error;
}

const specExamples: readonly { input: string; requests: string[][] }[] = [
  // RESP specification, "Sending commands to a Redis server".
  { input: '*2\r\n$4\r\nLLEN\r\n$6\r\nmylist\r\n', requests: [['LLEN', 'mylist']] },
  { input: '*1\r\n$4\r\nPING\r\n', requests: [['PING']] },
  { input: '*2\r\n$5\r\nhello\r\n$5\r\nworld\r\n', requests: [['hello', 'world']] },
  // Bulk strings are binary safe; the empty bulk string is an argument.
  { input: '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n', requests: [['SET', 'k', '']] },
  { input: '*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n', requests: [['ECHO', 'a\r\nb']] },
  // Empty requests are consumed silently (processInputBuffer: argc == 0 resets the client).
  { input: '*0\r\n*-1\r\n\r\n\n*1\r\n$4\r\nPING\r\n', requests: [['PING']] },
  // RESP specification, "Inline commands".
  { input: 'PING\r\n', requests: [['PING']] },
  { input: 'EXISTS somekey\r\n', requests: [['EXISTS', 'somekey']] },
  { input: 'EXISTS somekey\n', requests: [['EXISTS', 'somekey']] },
];

test('examples from the RESP specification', () => {
  for (const { input, requests } of specExamples) {
    assert.deepEqual(decodeAll([input]), { requests, error: null }, JSON.stringify(input));
  }
});

const pipeline =
  '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nv\r\n\r\n\r\n' +
  'GET "key"\r\n' +
  '*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n' +
  "SET k 'it\\'s'\n" +
  '*1\r\n$4\r\nPING\r\n';
const pipelineRequests = [['SET', 'key', 'v\r\n\r\n'], ['GET', 'key'], ['GET', 'key'], ['SET', 'k', "it's"], ['PING']];

test('a pipeline decodes the same split at every byte boundary', () => {
  for (let cut = 0; cut <= pipeline.length; cut++) {
    const chunks = [pipeline.slice(0, cut), pipeline.slice(cut)];
    assert.deepEqual(decodeAll(chunks), { requests: pipelineRequests, error: null }, `cut at ${cut}`);
  }
});

test('a pipeline decodes the same in chunks of every size', () => {
  for (let chunkBytes = 1; chunkBytes <= pipeline.length; chunkBytes++) {
    assert.deepEqual(decodeAll(chunked(pipeline, chunkBytes)), { requests: pipelineRequests, error: null }, `chunks=${chunkBytes}`);
  }
});

test('after detachFromChunk the pushed memory may be overwritten: every chunking of a pipeline decodes the same from one reused read buffer', () => {
  // The server reads every socket into one shared buffer and detaches after each read; requests are
  // consumed as they complete (their arguments used at once), partial ones must survive the reuse.
  const readBuffer = Buffer.alloc(pipeline.length);
  for (let chunkBytes = 1; chunkBytes <= pipeline.length; chunkBytes++) {
    const decoder = new RespDecoder();
    const requests: string[][] = [];
    for (const chunk of chunked(pipeline, chunkBytes)) {
      const length = readBuffer.write(chunk, 0, 'latin1');
      decoder.push(readBuffer.subarray(0, length));
      for (let args = decoder.nextArguments(); args !== null; args = decoder.nextArguments()) requests.push(args.map((argument) => argument.toString('latin1')));
      decoder.detachFromChunk();
      readBuffer.fill(0xaa);
    }
    assert.deepEqual(requests, pipelineRequests, `chunks=${chunkBytes}`);
    assert.equal(decoder.bufferedBytes, 0);
  }
});

test('a request read one argument at a time is copied once per argument, not once per read', () => {
  // Each detach copies only the pending arguments not copied before: copying all of them every read
  // made a long request quadratic (a 40,000-argument RPUSH dripped in took minutes of one core).
  const argumentCount = 2_000;
  const readBuffer = Buffer.alloc(64);
  const decoder = new RespDecoder();
  let args: string[] | null = null;
  const feed = (text: string): void => {
    const length = readBuffer.write(text, 0, 'latin1');
    decoder.push(readBuffer.subarray(0, length));
    // Used before the next read, as the server does (arguments are views valid until then).
    args ??= decoder.nextArguments()?.map((argument) => argument.toString('latin1')) ?? null;
    decoder.detachFromChunk();
    readBuffer.fill(0xaa);
  };
  const from = mock.method(Buffer, 'from');
  try {
    feed(`*${argumentCount + 2}\r\n$5\r\nRPUSH\r\n$1\r\nk\r\n`);
    for (let index = 0; index < argumentCount; index++) feed(`$1\r\n${index % 10}\r\n`);
    assert.ok(from.mock.callCount() <= argumentCount + 2, `${from.mock.callCount()} copies for ${argumentCount + 2} arguments`);
  } finally {
    from.mock.restore();
  }
  assert.deepEqual(
    args,
    ['RPUSH', 'k', ...Array.from({ length: argumentCount }, (_, index) => String(index % 10))],
  );
});

test('inline commands follow sdssplitargs', () => {
  const cases: readonly [string, string[] | null][] = [
    ['  SET   k\tv  ', ['SET', 'k', 'v']],
    ['SET k "hello world"', ['SET', 'k', 'hello world']],
    ['SET k ""', ['SET', 'k', '']],
    ['ECHO "\\x41\\x4a\\n\\r\\t\\b\\a\\"\\\\\\q"', ['ECHO', 'AJ\n\r\t\b\x07"\\q']],
    ['ECHO "\\x4"', ['ECHO', 'x4']],
    ["ECHO 'a\\'b' 'c\\nd'", ['ECHO', "a'b", 'c\\nd']],
    ['ECHO a"b c"d', null],
    ['ECHO a"b c"', ['ECHO', 'ab c']],
    ['ECHO "unterminated', null],
    ["ECHO 'unterminated", null],
    ['ECHO "a"b', null],
    ['ECHO "a"\tb', ['ECHO', 'a', 'b']],
    ['\x0bECHO\x0ba', ['ECHO\x0ba']],
    ['', []],
  ];
  for (const [line, expected] of cases) {
    const words = splitInlineArguments(Buffer.from(line, 'latin1'));
    assert.deepEqual(words?.map((word) => word.toString('latin1')) ?? null, expected, JSON.stringify(line));
  }
});

test('unbalanced quotes in an inline command fail with Redis text', () => {
  expectError(['SET k "v\r\n'], 'unbalanced quotes in request');
  expectError(['PING\r\nSET k "v"x\r\n'], 'unbalanced quotes in request');
});

test('malformed multibulk requests fail with Redis texts', () => {
  expectError(['*abc\r\n'], 'invalid multibulk length');
  expectError(['*01\r\n'], 'invalid multibulk length');
  expectError(['*+1\r\n'], 'invalid multibulk length');
  expectError(['*\r\n'], 'invalid multibulk length');
  expectError(['*99999999999999999999\r\n'], 'invalid multibulk length');
  expectError(['*1\r\n:1\r\n'], "expected '$', got ':'");
  expectError(['*1\r\n\r\n'], "expected '$', got ' '");
  expectError(['*1\r\n$-1\r\n'], 'invalid bulk length');
  expectError(['*1\r\n$x\r\n'], 'invalid bulk length');
  expectError(['*1\r\n$-0\r\n'], 'invalid bulk length');
});

test('a whole request in one chunk decodes as when dripped byte by byte, odd headers included', () => {
  // One chunk takes the one-pass path for plain requests and leaves anything else to the step-by-step
  // path; one byte at a time always takes the latter. The two must agree on every input.
  const inputs = [
    '*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n',
    '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n',
    '*1\r\n$01\r\nx\r\n',
    '*1\r\n$+1\r\nx\r\n',
    '*1\r\n$1 \r\nx\r\n',
    '*1 \r\n$1\r\nx\r\n',
    '*1\rX$1\rXxYZ',
    '*0\r\n*1\r\n$4\r\nPING\r\n',
    '*11\r\n' + '$1\r\na\r\n'.repeat(11),
    '*1\r\n$16385\r\n' + 'a'.repeat(16385) + '\r\n',
    '*1\r\n$9999999999\r\n',
    '*1\r\n$99999999999\r\n',
    '*12345678\r\n',
  ];
  for (const limits of [respDecoderLimitsDefault, respDecoderLimitsUnauthenticated]) {
    for (const input of inputs) {
      const whole = decodeAll([input], limits);
      const dripped = decodeAll(chunked(input, 1), limits);
      assert.deepEqual(
        { requests: whole.requests, error: whole.error?.redisText ?? null },
        { requests: dripped.requests, error: dripped.error?.redisText ?? null },
        JSON.stringify(input.slice(0, 40)),
      );
    }
  }
});

test('parseRedisInteger follows string2ll', () => {
  const parse = (text: string): number | null => parseRedisInteger(Buffer.from(text), 0, text.length);
  assert.equal(parse('0'), 0);
  assert.equal(parse('-1'), -1);
  // Beyond 2^53 the value is rounded; only its comparison with limits matters.
  assert.ok(parse('9223372036854775807')! > 2 ** 62);
  assert.ok(parse('-9223372036854775808')! < -(2 ** 62));
  for (const invalid of ['', '-', '00', '01', '-0', '+1', ' 1', '1 ', '9223372036854775808', '-9223372036854775809', '1e3']) {
    assert.equal(parse(invalid), null, JSON.stringify(invalid));
  }
});

test('each limit fails with Redis text at one past the limit and accepts the limit itself', () => {
  const limits = { ...respDecoderLimitsDefault, bulkStringBytesMax: 4, arrayElementCountMax: 3, inlineLineBytesMax: 16 };
  assert.equal(decodeAll(['*3\r\n$4\r\nabcd\r\n$0\r\n\r\n$1\r\nx\r\n'], limits).requests.length, 1);
  expectError(['*4\r\n'], 'invalid multibulk length', limits);
  expectError(['*1\r\n$5\r\n'], 'invalid bulk length', limits);
  assert.deepEqual(decodeAll(['0123456789abcdef\r\n'], limits).requests, [['0123456789abcdef']]);
  expectError(['0123456789abcdefg'], 'too big inline request', limits);
  expectError(['0123456789abcdefg\r\n'], 'too big inline request', limits);
  expectError(['*' + '1'.repeat(16)], 'too big mbulk count string', limits);
  expectError(['*1\r\n$' + '1'.repeat(16)], 'too big bulk count string', limits);
});

test('limits at their Redis defaults', () => {
  const inlineMax = respDecoderLimitsDefault.inlineLineBytesMax;
  assert.equal(inlineMax, 64 * 1024);
  expectError(['A'.repeat(inlineMax + 1)], 'too big inline request');
  assert.deepEqual(decodeAll(['A'.repeat(inlineMax) + '\r']), { requests: [], error: null });
  expectError(['*1048577\r\n'], 'invalid multibulk length');
  expectError([`*1\r\n$${512 * 1024 * 1024 + 1}\r\n`], 'invalid bulk length');
  expectError(['*' + '1'.repeat(inlineMax)], 'too big mbulk count string');
});

test('the unauthenticated profile uses Redis unauthenticated texts and limits (10 arguments, 16384 bytes)', () => {
  const limits = respDecoderLimitsUnauthenticated;
  expectError(['*11\r\n'], 'unauthenticated multibulk length', limits);
  expectError(['*1\r\n$16385\r\n'], 'unauthenticated bulk length', limits);
  assert.deepEqual(decodeAll(['*10\r\n', '$16384\r\n'], limits), { requests: [], error: null });
  expectError(['*x\r\n'], 'invalid multibulk length', limits);
});

test('setLimits applies from the next request, as after AUTH', () => {
  const decoder = new RespDecoder(respDecoderLimitsUnauthenticated);
  decoder.push(Buffer.from('*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*1\r\n$20000\r\n'));
  const auth = decoder.next();
  assert.equal(auth.kind, 'request');
  decoder.setLimits(respDecoderLimitsDefault);
  assert.equal(decoder.next().kind, 'incomplete');
  decoder.push(Buffer.alloc(20000 + 2, 0x61));
  const large = decoder.next();
  assert.ok(large.kind === 'request' && large.request.arguments[0]!.length === 20000);
});

test('a declared length is refused before any payload byte is awaited or buffered', () => {
  const decoder = new RespDecoder();
  const header = Buffer.from(`*1\r\n$${512 * 1024 * 1024 + 1}\r\n`);
  decoder.push(header);
  const result = decoder.next();
  assert.ok(result.kind === 'error' && result.error.redisText === 'invalid bulk length');
  assert.equal(result.error.streamOffsetBytes, 4, 'the offset names the bulk header');
  // Sticky: more input is dropped, not buffered, and the same error comes back.
  decoder.push(Buffer.alloc(1024 * 1024));
  assert.equal(decoder.bufferedBytes, 0);
  const again = decoder.next();
  assert.ok(again.kind === 'error' && again.error === result.error);
});

test('a bulk string longer than a JS string can be is refused: commands hold keys and members as latin1 text', () => {
  // 512 MiB is 24 bytes over V8's string length limit (2^29 - 24): a key, field, member or option of
  // 536,870,889..536,870,912 bytes threw from Buffer.toString inside the command and crashed the server.
  const textLengthMax = 2 ** 29 - 24;
  assert.equal(respDecoderLimitsDefault.bulkStringBytesMax, textLengthMax);
  expectError([`*2\r\n$3\r\nGET\r\n$${textLengthMax + 1}\r\n`], 'invalid bulk length');
  expectError([`*2\r\n$3\r\nGET\r\n$${512 * 1024 * 1024}\r\n`], 'invalid bulk length');
  assert.deepEqual(decodeAll([`*2\r\n$3\r\nGET\r\n$${textLengthMax}\r\n`]), { requests: [], error: null });
  // proto-max-bulk-len may be configured up to 512 MiB; the cap still applies.
  assert.equal(respDecoderLimitsWithBulkMax(512 * 1024 * 1024).bulkStringBytesMax, textLengthMax);
  assert.equal(respDecoderLimitsWithBulkMax(1024 * 1024).bulkStringBytesMax, 1024 * 1024);
});

test('an accepted large declared length allocates only what arrives', () => {
  const decoder = new RespDecoder();
  decoder.push(Buffer.from(`*1\r\n$${respDecoderLimitsDefault.bulkStringBytesMax}\r\nabc`));
  assert.equal(decoder.next().kind, 'incomplete');
  assert.ok(decoder.bufferCapacityBytes <= 64 * 1024, `capacity ${decoder.bufferCapacityBytes}`);
  assert.equal(decoder.bufferedBytes, 3);
});

test('the buffer shrinks back after a large request', () => {
  const decoder = new RespDecoder();
  const payloadBytes = 1024 * 1024;
  decoder.push(Buffer.from(`*1\r\n$${payloadBytes}\r\n`));
  for (let offset = 0; offset < payloadBytes + 2; offset += 65536) decoder.push(Buffer.alloc(Math.min(65536, payloadBytes + 2 - offset)));
  assert.ok(decoder.bufferCapacityBytes >= payloadBytes);
  const result = decoder.next();
  assert.ok(result.kind === 'request' && result.request.arguments[0]!.length === payloadBytes);
  assert.equal(decoder.next().kind, 'incomplete');
  assert.ok(decoder.bufferCapacityBytes <= 64 * 1024);
});

test('a chunk pushed with nothing buffered is decoded in place; only a partial request is carried over; an idle decoder holds nothing', () => {
  const decoder = new RespDecoder();
  assert.equal(decoder.bufferCapacityBytes, 0);
  const chunk = Buffer.from('*1\r\n$3\r\nabc\r\n*2\r\n$3\r\nGET\r\n$2\r\nk');
  decoder.push(chunk);
  const first = decoder.next();
  assert.ok(first.kind === 'request');
  assert.equal(first.request.arguments[0]!.buffer, chunk.buffer, 'a view of the chunk, not a copy');
  assert.equal(decoder.next().kind, 'incomplete');
  // The partial GET's unread bytes (`k`) are carried into the decoder's own buffer with the next chunk.
  decoder.push(Buffer.from('1\r\n'));
  const second = decoder.next();
  assert.ok(second.kind === 'request');
  assert.deepEqual(argumentsOf(second.request), ['GET', 'k1']);
  assert.equal(decoder.next().kind, 'incomplete');
  assert.equal(decoder.bufferCapacityBytes, 0, 'nothing kept once everything is consumed');
});

test('decoded arguments never change afterwards, whatever is pushed and decoded later', () => {
  const decoder = new RespDecoder();
  const kept: { argument: Buffer; text: string }[] = [];
  for (let round = 0; round < 2000; round++) {
    const value = `value-${round}-${'x'.repeat(round % 97)}`;
    decoder.push(Buffer.from(`*3\r\n$3\r\nSET\r\n$${String(round).length}\r\n${round}\r\n$${value.length}\r\n${value}\r\n*1\r\n$4\r\nPI`));
    const first = decoder.next();
    assert.ok(first.kind === 'request');
    kept.push({ argument: first.request.arguments[2]!, text: value });
    decoder.push(Buffer.from('NG\r\n'));
    assert.equal(decoder.next().kind, 'request');
    assert.equal(decoder.next().kind, 'incomplete');
  }
  for (const { argument, text } of kept) assert.equal(argument.toString('latin1'), text);
});

test('header lines dripped one byte at a time are scanned once, not quadratically', () => {
  const decoder = new RespDecoder();
  const line = 'GET ' + 'k'.repeat(60000) + '\r\n';
  const bytes = Buffer.from(line);
  for (let index = 0; index < bytes.length; index++) {
    decoder.push(bytes.subarray(index, index + 1));
    const result = decoder.next();
    if (index < bytes.length - 1) assert.equal(result.kind, 'incomplete');
    else assert.ok(result.kind === 'request' && result.request.format === 'inline');
  }
});

test('property: encoded arrays of bulk strings decode back under any chunking', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 20 }),
      fc.constantFrom<2 | 3>(2, 3),
      (requests, chunkSizes, protocolVersion) => {
        const stream = Buffer.concat(requests.map((request) => encodeReply(respBulkStringArray(request), protocolVersion)));
        const chunks: Uint8Array[] = [];
        for (let offset = 0, position = 0; offset < stream.length; position++) {
          const chunkBytes = chunkSizes[position % chunkSizes.length]!;
          chunks.push(stream.subarray(offset, offset + chunkBytes));
          offset += chunkBytes;
        }
        const decoder = new RespDecoder();
        const decoded: Buffer[][] = [];
        for (const chunk of chunks) {
          decoder.push(chunk);
          for (let result = decoder.next(); result.kind === 'request'; result = decoder.next()) decoded.push(result.request.arguments);
        }
        assert.deepEqual(
          decoded.map((request) => request.map((argument) => argument.toString('hex'))),
          requests.map((request) => request.map((argument) => Buffer.from(argument).toString('hex'))),
        );
      },
    ),
    { seed: 11, numRuns: 300 },
  );
});

test('property: garbage never throws and decodes the same however it is chunked', () => {
  const limits = { ...respDecoderLimitsDefault, bulkStringBytesMax: 8, arrayElementCountMax: 4, inlineLineBytesMax: 12 };
  // RESP-shaped tokens reach deeper states than uniform random bytes.
  const token = fc.oneof(
    fc.constantFrom('*', '$', '\r', '\n', '\r\n', '"', "'", '\\', '\\x4', ' ', '-', '0', '1', '3', '9', 'a', '*2\r\n', '$1\r\n', 'x'),
    fc.string({ maxLength: 3 }),
  );
  fc.assert(
    fc.property(fc.array(token, { maxLength: 40 }), fc.integer({ min: 1, max: 9 }), (tokens, chunkBytes) => {
      const input = tokens.join('');
      const whole = decodeAll([input], limits);
      const split = decodeAll(chunked(input, chunkBytes), limits);
      assert.deepEqual(split.requests, whole.requests);
      assert.equal(split.error?.redisText, whole.error?.redisText);
      assert.equal(split.error?.streamOffsetBytes, whole.error?.streamOffsetBytes);
    }),
    { seed: 5, numRuns: 2000 },
  );
});
