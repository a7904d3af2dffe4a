/**
 * The hand-written Session codecs against protobuf-es, the reference: same bytes when encoding,
 * same messages when decoding, for generated requests and answers of every kind; non-canonical
 * encodings decode as protobuf-es decodes them; malformed bytes throw (never crash or hang).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { SessionRequestSchema, SessionResponseSchema } from './gen/objectbox/kv/v1/kv_pb.js';
import { decodeSessionRequest, encodeSessionRequest, encodeSessionResponse, kvSessionCodecs } from './kv-session-codec.js';

type RequestInit = MessageInitShape<typeof SessionRequestSchema>;
type ResponseInit = MessageInitShape<typeof SessionResponseSchema>;

/** A small deterministic PRNG (mulberry32), so failures replay. */
function randomOf(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const keys = ['', 'bench/000/000001', 'ключ/ü', 'a'.repeat(200), '\u{1f600}'];

function bytesOf(random: () => number, lengthMax: number): Uint8Array {
  return Uint8Array.from({ length: Math.floor(random() * lengthMax) }, () => Math.floor(random() * 256));
}

function idOf(random: () => number): bigint {
  const choice = random();
  if (choice < 0.1) return 0n;
  if (choice < 0.2) return 2n ** 64n - 1n;
  if (choice < 0.3) return 2n ** 53n + 7n;
  return BigInt(Math.floor(random() * 1e9));
}

function operationOf(random: () => number): RequestInit['operation'] {
  const key = keys[Math.floor(random() * keys.length)]!;
  switch (Math.floor(random() * 5)) {
    case 0:
      return { case: 'get', value: { key, staleOk: random() < 0.5 } };
    case 1:
      return { case: 'delete', value: { key } };
    case 2:
      return { case: 'compareAndSet', value: { key, expected: bytesOf(random, 40), expectedAbsent: random() < 0.5, value: bytesOf(random, 40) } };
    case 3:
      return { case: undefined };
    default:
      return { case: 'put', value: { key, value: bytesOf(random, 300) } };
  }
}

function requestOf(random: () => number): RequestInit {
  const single = { id: idOf(random), operation: operationOf(random) };
  if (random() < 0.3) return single;
  return { batch: Array.from({ length: Math.floor(random() * 5) }, () => ({ id: idOf(random), operation: operationOf(random) })) };
}

function resultOf(random: () => number): ResponseInit['result'] {
  switch (Math.floor(random() * 6)) {
    case 0:
      return { case: 'get', value: { found: random() < 0.5, value: bytesOf(random, 40) } };
    case 1:
      return { case: 'delete', value: { existed: random() < 0.5 } };
    case 2:
      return { case: 'compareAndSet', value: { succeeded: random() < 0.5 } };
    case 3:
      return random() < 0.5
        ? { case: 'error', value: { code: 'NotLeader', message: 'not the leader: ü', leaderId: Math.floor(random() * 4), leaderAddress: random() < 0.5 ? '' : '127.0.0.1:5000' } }
        : { case: 'error', value: { code: 'InternalError', message: 'internal error' } };
    case 4:
      return undefined;
    default:
      return { case: 'put', value: { index: idOf(random) } };
  }
}

function responseOf(random: () => number): ResponseInit {
  if (random() < 0.3) return { id: idOf(random), result: resultOf(random) };
  return { batch: Array.from({ length: Math.floor(random() * 5) }, () => ({ id: idOf(random), result: resultOf(random) })) };
}

test('encoders write the bytes protobuf-es writes, for every kind of request and answer', () => {
  const random = randomOf(1);
  for (let round = 0; round < 2000; round++) {
    const request = requestOf(random);
    assert.deepEqual(encodeSessionRequest(request), Buffer.from(toBinary(SessionRequestSchema, create(SessionRequestSchema, request))));
    const response = responseOf(random);
    assert.deepEqual(encodeSessionResponse(response), Buffer.from(toBinary(SessionResponseSchema, create(SessionResponseSchema, response))));
    // A created message (not an init shape) encodes the same.
    assert.deepEqual(encodeSessionResponse(create(SessionResponseSchema, response)), encodeSessionResponse(response));
  }
});

test('decodeSessionRequest returns what fromBinary returns, for Buffers and plain Uint8Arrays', () => {
  const random = randomOf(2);
  for (let round = 0; round < 2000; round++) {
    const bytes = toBinary(SessionRequestSchema, create(SessionRequestSchema, requestOf(random)));
    assert.deepEqual(decodeSessionRequest(bytes), fromBinary(SessionRequestSchema, bytes));
    const buffer = Buffer.from(bytes);
    assert.deepEqual(decodeSessionRequest(buffer), fromBinary(SessionRequestSchema, buffer));
  }
});

test('a batch of puts round-trips through the hand-written encoder and decoder', () => {
  const value = Buffer.alloc(256, 7);
  const request = { batch: Array.from({ length: 64 }, (_, position) => ({ id: BigInt(position + 1), operation: { case: 'put' as const, value: { key: `bench/${position}`, value } } })) };
  const decoded = decodeSessionRequest(encodeSessionRequest(request));
  assert.equal(decoded.batch.length, 64);
  assert.deepEqual(
    decoded.batch.map((inner) => [inner.id, inner.operation.case, inner.operation.case === 'put' ? [inner.operation.value.key, Buffer.from(inner.operation.value.value)] : undefined]),
    request.batch.map((inner) => [inner.id, 'put', [inner.operation.value.key, value]]),
  );
});

test('non-canonical encodings decode as protobuf-es decodes them (unknown fields, repeated oneof members, nested batches)', () => {
  const put = (key: string) => toBinary(SessionRequestSchema, create(SessionRequestSchema, { id: 5n, operation: { case: 'put', value: { key, value: new Uint8Array([1]) } } }));
  const cases: Uint8Array[] = [
    // Field 9 (varint 1) appended: an unknown field, kept by protobuf-es.
    Buffer.concat([put('a'), Buffer.from([0x48, 0x01])]),
    // Two put members: protobuf merges them.
    Buffer.concat([put('a'), put('b')]),
    // A batch inside a batch.
    toBinary(SessionRequestSchema, create(SessionRequestSchema, { batch: [{ batch: [{ id: 1n }] }] })),
    // An id as a 10-byte varint.
    Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
    // A bool as a multi-byte varint.
    toBinary(SessionRequestSchema, create(SessionRequestSchema, { operation: { case: 'get', value: { key: 'k', staleOk: true } } })),
  ];
  for (const bytes of cases) assert.deepEqual(decodeSessionRequest(bytes), fromBinary(SessionRequestSchema, bytes));
});

test('malformed requests throw an error (as fromBinary does), never return garbage', () => {
  const good = encodeSessionRequest({ batch: [{ id: 1n, operation: { case: 'put', value: { key: 'key', value: Buffer.alloc(20, 1) } } }] });
  // Every truncation of a valid request, and a few corrupted bytes.
  for (let length = 1; length < good.length; length++) {
    const truncated = good.subarray(0, length);
    const outcome = (decode: () => unknown): string => {
      try {
        decode();
        return 'ok';
      } catch (error) {
        assert.ok(error instanceof Error);
        return 'error';
      }
    };
    assert.equal(outcome(() => decodeSessionRequest(truncated)), outcome(() => fromBinary(SessionRequestSchema, truncated)), `truncated to ${length}`);
  }
  const random = randomOf(3);
  for (let round = 0; round < 2000; round++) {
    const corrupted = Buffer.from(good);
    corrupted[Math.floor(random() * corrupted.length)] = Math.floor(random() * 256);
    let expected: unknown;
    try {
      expected = fromBinary(SessionRequestSchema, corrupted);
    } catch {
      assert.throws(() => decodeSessionRequest(corrupted), Error);
      continue;
    }
    assert.deepEqual(decodeSessionRequest(corrupted), expected);
  }
  assert.throws(() => decodeSessionRequest(Buffer.from([0x32, 0x05, 0x08])), Error);
});

test('kvSessionCodecs names the two Session messages', () => {
  assert.deepEqual(
    kvSessionCodecs.map((codec) => codec.schema.typeName),
    ['objectbox.kv.v1.SessionRequest', 'objectbox.kv.v1.SessionResponse'],
  );
});
