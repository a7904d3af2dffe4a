/**
 * Goal: the packed form of Raft message batches carries every packable message type unchanged,
 * and treats its input as untrusted: a malformed message is reported alone (the rest of the batch
 * still decodes), a malformed batch throws RaftMessageInvalidError, nothing else escapes.
 * Method: round trips of one message of each type (edge values included), then hand-corrupted bytes.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Entry, LogIndex, Message, NodeId, Term } from '@objectbox/consensus-core';
import { RaftMessageInvalidError } from './errors.js';
import { packRaftMessages, unpackRaftMessages } from './raft-message-packing.js';

const from = 2 as NodeId;
const to = 3 as NodeId;
const term = 7 as Term;
const big = Number.MAX_SAFE_INTEGER;
const entry = (index: number, data: number[], type: Entry['type'] = 'normal'): Entry => ({ term: 5 as Term, index: index as LogIndex, type, data: new Uint8Array(data) });

const everyType: Message[] = [
  { type: 'MsgApp', from, to, term, index: 10 as LogIndex, logTerm: 4 as Term, commit: 9 as LogIndex, entries: [entry(11, [1, 2, 3]), entry(12, []), entry(13, [9], 'config-change')] },
  { type: 'MsgApp', from, to, term: big as Term, index: big as LogIndex, logTerm: big as Term, commit: big as LogIndex, entries: [] },
  { type: 'MsgAppResp', from, to, term, index: 12 as LogIndex, reject: true, rejectHint: 8 as LogIndex, logTerm: 3 as Term },
  { type: 'MsgVote', from, to, term, index: 4 as LogIndex, logTerm: 2 as Term, leadershipTransfer: true },
  { type: 'MsgPreVote', from, to, term, index: 4 as LogIndex, logTerm: 2 as Term, leadershipTransfer: false },
  { type: 'MsgVoteResp', from, to, term, reject: false },
  { type: 'MsgPreVoteResp', from, to, term, reject: true },
  { type: 'MsgHeartbeat', from, to, term, commit: 6 as LogIndex, context: undefined },
  { type: 'MsgHeartbeat', from, to, term, commit: 6 as LogIndex, context: new Uint8Array() },
  { type: 'MsgHeartbeatResp', from, to, term, context: new Uint8Array([1, 2]) },
  { type: 'MsgTimeoutNow', from, to, term },
  { type: 'MsgReadIndex', from, to, term, context: new Uint8Array([4]) },
  { type: 'MsgReadIndexResp', from, to, term, index: 20 as LogIndex, context: new Uint8Array([5, 6]) },
  { type: 'MsgTransferLeader', from, to, term, transferee: 4294967295 as NodeId },
];

/** Plain data for deepEqual: Buffers and Uint8Arrays compare by content. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value];
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, plain(field)]));
  return value;
}

test('every packable message type round-trips, edge values and empty or absent contexts included', () => {
  const unpacked = unpackRaftMessages(packRaftMessages(everyType));
  assert.deepEqual(plain(unpacked), plain(everyType));
  // An absent context stays absent and an empty one stays empty (ReadIndex tells them apart).
  assert.equal((unpacked[7] as { context?: Uint8Array }).context, undefined);
  assert.equal((unpacked[8] as { context?: Uint8Array }).context?.byteLength, 0);
  assert.deepEqual(unpackRaftMessages(packRaftMessages([])), []);
});

test('MsgSnap is never packed', () => {
  const snap: Message = { type: 'MsgSnap', from, to, term, snapshot: { metadata: { index: 1 as LogIndex, term: 1 as Term, configState: { voters: [], learners: [] } }, data: new Uint8Array() } };
  assert.throws(() => packRaftMessages([snap]), /never packed/);
});

/** Offset of the n-th message's body in a packed batch (after the batch header and length prefixes). */
function bodyOffset(packed: Buffer, position: number): number {
  let offset = 5;
  for (let index = 0; index < position; index++) offset += 4 + packed.readUInt32LE(offset);
  return offset + 4;
}

test('a malformed message is reported alone and the rest of the batch decodes', () => {
  const heartbeat = everyType[7]!;
  const corruptions: Array<(packed: Buffer, body: number) => void> = [
    (packed, body) => (packed[body] = 99), // unknown type
    (packed, body) => packed.writeUInt32LE(0, body + 1), // from 0
    (packed, body) => packed.writeUInt32LE(2 ** 21, body + 9 + 4), // term beyond 2^53
    (packed, body) => (packed[body + 17 + 8] = 2), // context presence neither 0 nor 1
    (packed, body) => packed.writeUInt32LE(1000, body + 17 + 8 + 1), // context longer than its message
  ];
  for (const corrupt of corruptions) {
    const packed = packRaftMessages([heartbeat, heartbeat, heartbeat]);
    corrupt(packed, bodyOffset(packed, 1));
    const unpacked = unpackRaftMessages(packed);
    assert.equal(unpacked.length, 3);
    assert.ok(unpacked[1] instanceof RaftMessageInvalidError);
    assert.deepEqual(plain([unpacked[0], unpacked[2]]), plain([heartbeat, heartbeat]));
  }
  const app = everyType[0]!;
  const packed = packRaftMessages([app]);
  packed[bodyOffset(packed, 0) + 17 + 28 + 16] = 7; // first entry's type
  assert.ok(unpackRaftMessages(packed)[0] instanceof RaftMessageInvalidError);
});

test('a malformed batch throws RaftMessageInvalidError', () => {
  const packed = packRaftMessages([everyType[0]!, everyType[2]!]);
  const malformed = [
    packed.subarray(0, 3), // shorter than its header
    Buffer.concat([Buffer.from([2]), packed.subarray(1)]), // unknown format
    packed.subarray(0, packed.length - 1), // last message cut short
    Buffer.concat([packed, Buffer.from([0])]), // trailing bytes
    (() => {
      const copy = Buffer.from(packed);
      copy.writeUInt32LE(3, 1); // claims a third message
      return copy;
    })(),
  ];
  for (const bytes of malformed) assert.throws(() => unpackRaftMessages(bytes), RaftMessageInvalidError);
});
