/**
 * Goal: a KvService Session answers every operation once with its id, one answer per message until
 * the client sends a batch, then in batches; a request nested inside a batch's request is refused
 * alone. Method: runSession over an in-memory KvService whose puts complete on a later turn of the
 * event loop (as Raft's do), fed from an async generator like the gRPC stream.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import type { GrpcCallContext } from '@objectbox/networking';
import { kv } from '@objectbox/proto';
import { runSession } from './kv-grpc.js';

let index = 0n;
const service = {
  put: async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return { index: ++index };
  },
} as unknown as Parameters<typeof runSession>[1];
const context = {} as GrpcCallContext;
const put = (id: number, batch: kv.SessionRequest[] = []) => create(kv.SessionRequestSchema, { id: BigInt(id), operation: { case: 'put', value: { key: `k${id}`, value: new Uint8Array([id]) } }, batch });

async function* stream(requests: kv.SessionRequest[]): AsyncIterable<kv.SessionRequest> {
  for (const request of requests) yield request;
}

async function collect(requests: kv.SessionRequest[]) {
  const messages = [];
  for await (const message of runSession(stream(requests), service, context)) messages.push(create(kv.SessionResponseSchema, message));
  return messages;
}

test('without batches, each answer is its own message', async () => {
  const messages = await collect([put(1), put(2), put(3)]);
  assert.deepEqual(messages.map((message) => [message.id, message.result.case, message.batch.length]), [[1n, 'put', 0], [2n, 'put', 0], [3n, 'put', 0]]);
});

test('a batched request is answered in batches, every id once; a nested batch is refused alone', async () => {
  const batch = create(kv.SessionRequestSchema, { batch: [put(1), put(2), put(3, [put(9)]), put(4)] });
  const messages = await collect([batch, put(5)]);
  assert.ok(messages.every((message) => message.batch.length > 0 && message.result.case === undefined));
  assert.ok(messages.length < 5, `answers were batched: ${messages.length} messages`);
  const answers = messages.flatMap((message) => message.batch).map((answer) => [answer.id, answer.result.case === 'error' ? answer.result.value.code : answer.result.case]);
  assert.deepEqual(answers.sort((left, right) => Number(left[0]) - Number(right[0])), [[1n, 'put'], [2n, 'put'], [3n, 'InvalidArgument'], [4n, 'put'], [5n, 'put']]);
});
