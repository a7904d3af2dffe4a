/**
 * Goal: the Raft transport's receiving side survives bad input: undecodable bytes, oversized
 * batches, malformed messages, messages for unknown groups, from non-members or for another node.
 * Each is refused or dropped (and logged), and valid messages in the same stream still arrive.
 * And its sending side never packs more into one Deliver than a gRPC message may carry.
 * Method: a real GrpcServer with the transport, driven by a raw grpc-js client or another transport.
 */
import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import { Client, credentials, Metadata, type ServiceError, status as GrpcStatus } from '@grpc/grpc-js';
import type { Message } from '@objectbox/consensus-core';
import { GrpcServer } from '@objectbox/networking';
import { createLogger } from '@objectbox/observability';
import { raft } from '@objectbox/proto';
import { raftMessageToWire } from './raft-message-codec.js';
import { packRaftMessages } from './raft-message-packing.js';
import { RaftTransport } from './raft-transport.js';

const logger = createLogger({ level: 'silent', processName: 'raft-transport-spec' });
const transport = new RaftTransport({ clusterId: 'c1', messageBytesMax: 64 * 1024, snapshotChunkBytes: 1024, snapshotBytesMax: 1024 * 1024, queueMessageCountMax: 16, batchMessageCountMax: 8, reconnectBackoffMsMax: 100, logger });
const server = new GrpcServer({ messageBytesMax: 64 * 1024 });
const received: Message[] = [];
let client: Client;
let serverPort: number;

before(async () => {
  transport.registerGroup('g', { nodeId: 1, isKnownMember: (id) => id === 2, deliver: (message) => received.push(message), reportUnreachable: () => undefined, reportSnapshot: () => undefined });
  server.addService(raft.RaftTransportService, transport.serviceImplementation());
  const port = await server.listen('127.0.0.1', 0);
  serverPort = port;
  client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
});
after(async () => {
  client.close();
  transport.close();
  await server.shutdown(100);
});

/** Sends raw frames on a Deliver stream and returns the response bytes or the error status. */
function deliverRaw(frames: Buffer[]): Promise<{ response?: Buffer; error?: ServiceError }> {
  return new Promise((resolve) => {
    const stream = client.makeClientStreamRequest<Buffer, Buffer>('/objectbox.raft.v1.RaftTransportService/Deliver', (value) => value, (value) => value, new Metadata(), { deadline: Date.now() + 5_000 }, (error, response) =>
      resolve(error ? { error } : { response: response as Buffer }),
    );
    for (const frame of frames) stream.write(frame);
    stream.end();
  });
}

function batch(options: { groupId?: string; clusterId?: string; messages: Message[] }): Buffer {
  const request = create(raft.DeliverRequestSchema, { groupId: options.groupId ?? 'g', clusterId: options.clusterId ?? 'c1', messages: options.messages.map(raftMessageToWire) });
  return Buffer.from(toBinary(raft.DeliverRequestSchema, request));
}

const heartbeat = (from: number, to: number): Message => ({ type: 'MsgHeartbeat', from: from as never, to: to as never, term: 1 as never, commit: 0 as never, context: undefined });

test('valid messages arrive; non-members, other nodes and unknown groups are dropped', async () => {
  received.length = 0;
  const { response } = await deliverRaw([batch({ messages: [heartbeat(2, 1), heartbeat(3, 1), heartbeat(2, 5)] }), batch({ groupId: 'unknown', messages: [heartbeat(2, 1)] })]);
  assert.ok(response);
  assert.deepEqual(received.map((message) => [message.from, message.to]), [[2, 1]]);
});

test('a malformed message is dropped without ending the stream', async () => {
  received.length = 0;
  const badType = Buffer.from(toBinary(raft.DeliverRequestSchema, create(raft.DeliverRequestSchema, { groupId: 'g', clusterId: 'c1', messages: [create(raft.RaftMessageSchema, { type: 99 as raft.MessageType, from: 2, to: 1 })] })));
  const badTerm = Buffer.from(toBinary(raft.DeliverRequestSchema, create(raft.DeliverRequestSchema, { groupId: 'g', clusterId: 'c1', messages: [create(raft.RaftMessageSchema, { type: raft.MessageType.HEARTBEAT, from: 2, to: 1, term: 2n ** 60n })] })));
  const { response } = await deliverRaw([badType, badTerm, batch({ messages: [heartbeat(2, 1)] })]);
  assert.ok(response);
  assert.equal(received.length, 1);
});

test('packed messages arrive like repeated ones; a malformed packed message or batch is dropped without ending the stream', async () => {
  received.length = 0;
  const packed = (messages: Message[], corrupt?: (bytes: Buffer) => void) => {
    const bytes = packRaftMessages(messages);
    corrupt?.(bytes);
    return Buffer.from(toBinary(raft.DeliverRequestSchema, create(raft.DeliverRequestSchema, { groupId: 'g', clusterId: 'c1', packedMessages: bytes })));
  };
  const { response } = await deliverRaw([
    packed([heartbeat(2, 1), heartbeat(3, 1), heartbeat(2, 5)]),
    packed([heartbeat(2, 1), heartbeat(2, 1)], (bytes) => (bytes[5 + 4] = 99)), // the first has an unknown type
    packed([heartbeat(2, 1)], (bytes) => (bytes[0] = 9)), // unknown format: the whole batch
  ]);
  assert.ok(response);
  assert.deepEqual(received.map((message) => [message.from, message.to]), [[2, 1], [2, 1]]);
});

test('undecodable bytes, oversized batches and another cluster end the call with an error status', async () => {
  const garbage = await deliverRaw([Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])]);
  assert.ok(garbage.error !== undefined && garbage.error.code !== GrpcStatus.OK);
  const oversized = await deliverRaw([Buffer.alloc(100 * 1024, 1)]);
  assert.equal(oversized.error?.code, GrpcStatus.RESOURCE_EXHAUSTED);
  const stranger = await deliverRaw([batch({ clusterId: 'c2', messages: [heartbeat(2, 1)] })]);
  assert.equal(stranger.error?.code, GrpcStatus.PERMISSION_DENIED);
  // The server still serves afterwards.
  received.length = 0;
  await deliverRaw([batch({ messages: [heartbeat(2, 1)] })]);
  assert.equal(received.length, 1);
});

test('queued appends of half the message limit each leave in separate Delivers, none refused', async () => {
  received.length = 0;
  const unreachable: number[] = [];
  const sender = new RaftTransport({ clusterId: 'c1', messageBytesMax: 64 * 1024, snapshotChunkBytes: 1024, snapshotBytesMax: 1024 * 1024, queueMessageCountMax: 16, batchMessageCountMax: 8, reconnectBackoffMsMax: 100, logger });
  sender.registerGroup('g', { nodeId: 2, isKnownMember: () => true, deliver: () => undefined, reportUnreachable: (id) => unreachable.push(id), reportSnapshot: () => undefined });
  try {
    // What the core puts in one append at most: entries of up to half the limit (RaftGroup.entryBytesMax).
    const append = (index: number): Message => ({
      type: 'MsgApp', from: 2 as never, to: 1 as never, term: 1 as never, index: index as never, logTerm: 1 as never, commit: 0 as never,
      entries: [{ term: 1 as never, index: (index + 1) as never, type: 'normal', data: new Uint8Array(32 * 1024 - 64).fill(index) }],
    });
    // Sent in one call, so all four are queued before the stream takes the first: together they are ~128 KiB.
    sender.send('g', [append(0), append(1), append(2), append(3)], () => `127.0.0.1:${serverPort}`);
    for (let waited = 0; received.length < 4 && unreachable.length === 0 && waited < 5_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(unreachable, [], 'the stream was not refused');
    assert.deepEqual(received.map((message) => (message.type === 'MsgApp' ? message.index : -1)), [0, 1, 2, 3]);
  } finally {
    sender.close();
  }
});
