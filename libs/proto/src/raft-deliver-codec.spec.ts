/**
 * The hand-written Deliver codec against protobuf-es: same bytes when encoding, same message when
 * decoding; the legacy `messages` field and non-canonical input go through protobuf-es; malformed
 * bytes throw as fromBinary throws.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { DeliverRequestSchema } from './gen/objectbox/raft/v1/raft_pb.js';
import { decodeDeliverRequest, encodeDeliverRequest, raftDeliverCodecs } from './raft-deliver-codec.js';

type DeliverInit = MessageInitShape<typeof DeliverRequestSchema>;

const requests: DeliverInit[] = [
  {},
  { groupId: 'registry', clusterId: 'cluster-1', packedMessages: Uint8Array.from({ length: 300 }, (_, i) => i % 256) },
  { groupId: 'registry', packedMessages: new Uint8Array(0) },
  { clusterId: 'ü-cluster', packedMessages: new Uint8Array([1]) },
  { groupId: 'g', clusterId: 'c', packedMessages: new Uint8Array(200_000).fill(7) },
  { groupId: 'g', clusterId: 'c', messages: [{ type: 3, to: 2, from: 1, term: 5n }], packedMessages: new Uint8Array([9, 9]) },
];

test('encodeDeliverRequest writes the bytes protobuf-es writes', () => {
  for (const request of requests) {
    const expected = Buffer.from(toBinary(DeliverRequestSchema, create(DeliverRequestSchema, request)));
    assert.deepEqual(encodeDeliverRequest(request), expected);
    assert.deepEqual(encodeDeliverRequest(create(DeliverRequestSchema, request)), expected);
  }
});

test('decodeDeliverRequest returns what fromBinary returns (Buffers and plain Uint8Arrays), legacy messages included', () => {
  for (const request of requests) {
    const bytes = toBinary(DeliverRequestSchema, create(DeliverRequestSchema, request));
    assert.deepEqual(decodeDeliverRequest(bytes), fromBinary(DeliverRequestSchema, bytes));
    assert.deepEqual(decodeDeliverRequest(Buffer.from(bytes)), fromBinary(DeliverRequestSchema, Buffer.from(bytes)));
  }
  // An unknown field and a repeated string field (last one wins).
  const extra = Buffer.concat([encodeDeliverRequest(requests[1]!), Buffer.from([0x28, 0x01]), Buffer.from([0x0a, 0x01, 0x78])]);
  assert.deepEqual(decodeDeliverRequest(extra), fromBinary(DeliverRequestSchema, extra));
});

test('malformed requests throw an error as fromBinary does', () => {
  const good = encodeDeliverRequest(requests[1]!);
  for (let length = 1; length < good.length; length++) {
    const truncated = good.subarray(0, length);
    let expected: unknown;
    try {
      expected = fromBinary(DeliverRequestSchema, truncated);
    } catch {
      assert.throws(() => decodeDeliverRequest(truncated), Error, `truncated to ${length}`);
      continue;
    }
    assert.deepEqual(decodeDeliverRequest(truncated), expected);
  }
  for (let position = 0; position < 20; position++) {
    for (const value of [0x00, 0x7f, 0x80, 0xff]) {
      const corrupted = Buffer.from(good);
      corrupted[position] = value;
      let expected: unknown;
      try {
        expected = fromBinary(DeliverRequestSchema, corrupted);
      } catch {
        assert.throws(() => decodeDeliverRequest(corrupted), Error);
        continue;
      }
      assert.deepEqual(decodeDeliverRequest(corrupted), expected);
    }
  }
});

test('raftDeliverCodecs covers the request only', () => {
  assert.deepEqual(
    raftDeliverCodecs.map((codec) => codec.schema.typeName),
    ['objectbox.raft.v1.DeliverRequest'],
  );
});
