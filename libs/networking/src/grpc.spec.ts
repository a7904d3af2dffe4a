/**
 * Goal: prove the gRPC plumbing works over real loopback sockets for every call shape, maps typed
 * errors to statuses and back, enforces deadlines and message limits, retries only retry-safe
 * methods, and speaks TLS and mutual TLS. Method: a real GrpcServer hosting the test-only
 * EchoService and a real client; no mocks.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, credentials, status as GrpcStatus, Metadata } from '@grpc/grpc-js';
import { testingEcho } from '@objectbox/proto';
import { type ErrorKind, ObjectBoxError } from '@objectbox/util';
import { createGrpcClient, type GrpcClientOptions } from './grpc-client.js';
import { deserializerOf, grpcPathOf, serializerOf } from './grpc-codec.js';
import { GrpcServer, type GrpcServiceImplementation } from './grpc-server.js';
import { GrpcCallError } from './grpc-status.js';
import { makeTestCertificates } from './test-certificates.js';

class TestError extends ObjectBoxError {
  readonly wireDetails = { 'leader-address': '127.0.0.1:7101' };
  constructor(
    readonly code: string,
    readonly kind: ErrorKind,
  ) {
    super(`planted ${code}`);
  }
}

interface EchoState {
  unavailableLeft: number;
  appendCount: number;
  /** echoMany streams that ended (their generator's finally ran). */
  echoManyEnded: number;
}

function makeEcho(state: EchoState): GrpcServiceImplementation<typeof testingEcho.EchoService.method> {
  return {
    async echo(request, context) {
      if (request.delayMs > 0) await sleep(request.delayMs, undefined, { signal: context.signal }).catch(() => undefined);
      if (request.failWithCode === 'NotLeader') throw new TestError('NotLeader', 'failed-precondition');
      if (request.failWithCode === 'Bug') throw new Error('secret internal detail');
      if (request.failWithCode === 'Unavailable' && state.unavailableLeft-- > 0) throw new TestError('Unavailable', 'unavailable');
      return { message: request.message };
    },
    async append() {
      state.appendCount++;
      throw new TestError('Unavailable', 'unavailable');
    },
    async *echoMany(request) {
      try {
        for (let index = 0; index < request.count; index++) yield { message: request.message, index };
      } finally {
        state.echoManyEnded++;
      }
    },
    async join(requests, context) {
      const parts: string[] = [];
      for await (const request of requests) {
        // A server that stops reading: the client's writes back up until the call ends.
        if (request.message.startsWith('stall')) {
          await sleep(60_000, undefined, { signal: context.signal }).catch(() => undefined);
          break;
        }
        parts.push(request.message);
      }
      return { message: parts.join('+') };
    },
    async *chat(requests) {
      for await (const request of requests) yield { message: `re:${request.message}` };
    },
  };
}

const clientDefaults = {
  deadlineMs: 2000,
  messageBytesMax: 1024 * 1024,
  retry: { attemptCountMax: 4, backoffMsInitial: 5, backoffMsMax: 20 },
} satisfies Omit<GrpcClientOptions, 'address'>;

async function* fromArray<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

describe('gRPC over loopback without TLS', () => {
  const state: EchoState = { unavailableLeft: 0, appendCount: 0, echoManyEnded: 0 };
  const internalErrors: unknown[] = [];
  const server = new GrpcServer({ messageBytesMax: 64 * 1024, onInternalError: ({ error }) => internalErrors.push(error) });
  let client: ReturnType<typeof createGrpcClient<typeof testingEcho.EchoService.method>>;
  let port = 0;

  before(async () => {
    server.addService(testingEcho.EchoService, makeEcho(state));
    port = await server.listen('127.0.0.1', 0);
    client = createGrpcClient(testingEcho.EchoService, { ...clientDefaults, address: `127.0.0.1:${port}` });
  });
  after(async () => {
    client.close();
    await server.shutdown(1000);
  });

  test('unary, server streaming, client streaming and bidi calls round-trip', async () => {
    assert.equal((await client.echo({ message: 'hello' })).message, 'hello');
    const many: string[] = [];
    for await (const response of client.echoMany({ message: 'm', count: 3 })) many.push(`${response.message}${response.index}`);
    assert.deepEqual(many, ['m0', 'm1', 'm2']);
    assert.equal((await client.join(fromArray([{ message: 'a' }, { message: 'b' }]))).message, 'a+b');
    const replies: string[] = [];
    for await (const response of client.chat(fromArray([{ message: 'x' }, { message: 'y' }]))) replies.push(response.message);
    assert.deepEqual(replies, ['re:x', 're:y']);
  });

  test('a typed error arrives as its status with the remote code', async () => {
    const error = await client.echo({ failWithCode: 'NotLeader' }).catch((caught: unknown) => caught);
    assert.ok(error instanceof GrpcCallError);
    assert.equal(error.grpcStatus, GrpcStatus.FAILED_PRECONDITION);
    assert.equal(error.code, 'NotLeader');
    assert.equal(error.kind, 'failed-precondition');
    assert.deepEqual(error.remoteDetails, { 'leader-address': '127.0.0.1:7101' });
  });

  test('an unknown error becomes INTERNAL without leaking its message, and is reported once', async () => {
    const before = internalErrors.length;
    const error = (await client.echo({ failWithCode: 'Bug' }).catch((caught: unknown) => caught)) as GrpcCallError;
    assert.equal(error.grpcStatus, GrpcStatus.INTERNAL);
    assert.doesNotMatch(error.message, /secret/);
    assert.equal(internalErrors.length, before + 1);
  });

  test('retry-safe calls are retried on UNAVAILABLE; non-idempotent calls never are', async () => {
    state.unavailableLeft = 2;
    assert.equal((await client.echo({ message: 'after retries', failWithCode: 'Unavailable' })).message, 'after retries');
    assert.equal(state.unavailableLeft, -1, 'two failures then one success');
    const error = (await client.append({ message: 'once' }).catch((caught: unknown) => caught)) as GrpcCallError;
    assert.equal(error.kind, 'unavailable');
    assert.equal(state.appendCount, 1);
  });

  test('the deadline ends a slow call with DEADLINE_EXCEEDED', async () => {
    const error = (await client.echo({ delayMs: 2000 }, { deadlineMs: 100 }).catch((caught: unknown) => caught)) as GrpcCallError;
    assert.equal(error.grpcStatus, GrpcStatus.DEADLINE_EXCEEDED);
  });

  test('an oversized request is refused with RESOURCE_EXHAUSTED', async () => {
    const error = (await client.echo({ message: 'x'.repeat(100 * 1024) }).catch((caught: unknown) => caught)) as GrpcCallError;
    assert.equal(error.grpcStatus, GrpcStatus.RESOURCE_EXHAUSTED);
  });
  test('a client stream gets the server headers before it ends (a grpc-js client keeps what it sent until then)', async () => {
    // A raw grpc-js call, to see its metadata event: one message sent, the stream left open.
    const raw = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), { 'grpc.enable_retries': 0 });
    const method = testingEcho.EchoService.method.join;
    let settle!: (outcome: string) => void;
    const outcome = new Promise<string>((resolve) => (settle = resolve));
    const call = raw.makeClientStreamRequest(grpcPathOf(method), serializerOf(method.input), deserializerOf(method.output), new Metadata(), { deadline: Date.now() + 2000 }, () => undefined);
    call.on('metadata', () => settle('headers'));
    call.on('status', (status: { code: number }) => settle(`status ${status.code} before any headers`));
    call.write({ message: 'a' });
    assert.equal(await outcome, 'headers');
    call.end();
    raw.close();
  });

  test('a client stream stops reading its requests when the call ends while backed up (no wait for a drain that never comes)', async () => {
    let ended!: () => void;
    const requestsEnded = new Promise<void>((resolve) => (ended = resolve));
    async function* endless(): AsyncIterable<{ message: string }> {
      try {
        for (;;) yield { message: `stall${'x'.repeat(60 * 1024)}` };
      } finally {
        ended();
      }
    }
    const error = (await client.join(endless(), { deadlineMs: 300 }).catch((caught: unknown) => caught)) as GrpcCallError;
    assert.equal(error.grpcStatus, GrpcStatus.DEADLINE_EXCEEDED);
    await withinSeconds(requestsEnded, 10, 'the request iterator was returned');
  });

  test('a server stream stops its handler when the client goes away while backed up', async () => {
    const endedBefore = state.echoManyEnded;
    const controller = new AbortController();
    const responses = client.echoMany({ message: 'y'.repeat(60 * 1024), count: 1_000_000 }, { signal: controller.signal });
    for await (const response of responses) {
      assert.equal(response.index, 0);
      await sleep(200); // let the server fill the flow-control window and wait for a drain
      controller.abort();
      break;
    }
    await withinSeconds(
      (async () => {
        while (state.echoManyEnded === endedBefore) await sleep(10);
      })(),
      10,
      "the handler's generator was returned",
    );
  });
});

/** A liveness bound, not a timing assertion: without the fix these waits never end. */
async function withinSeconds(promise: Promise<void>, seconds: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not within ${seconds} s: ${what}`)), seconds * 1000)));
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('gRPC with TLS and mutual TLS', () => {
  const certificates = makeTestCertificates();
  const state: EchoState = { unavailableLeft: 0, appendCount: 0, echoManyEnded: 0 };
  const server = new GrpcServer({
    messageBytesMax: 64 * 1024,
    tls: { caPem: certificates.caPem, certPem: certificates.serverCertPem, keyPem: certificates.serverKeyPem, requireClientCert: true },
  });
  let address = '';

  before(async () => {
    server.addService(testingEcho.EchoService, makeEcho(state));
    address = `127.0.0.1:${await server.listen('127.0.0.1', 0)}`;
  });
  after(() => server.shutdown(1000));

  test('a client with a certificate from the CA is served', async () => {
    const client = createGrpcClient(testingEcho.EchoService, {
      ...clientDefaults,
      address,
      tls: { caPem: certificates.caPem, certPem: certificates.clientCertPem, keyPem: certificates.clientKeyPem },
    });
    try {
      assert.equal((await client.echo({ message: 'secure' })).message, 'secure');
    } finally {
      client.close();
    }
  });

  test('a client without a certificate is refused', async () => {
    const client = createGrpcClient(testingEcho.EchoService, { ...clientDefaults, address, tls: { caPem: certificates.caPem }, retry: { ...clientDefaults.retry, attemptCountMax: 1 } });
    try {
      const error = (await client.echo({ message: 'x' }, { deadlineMs: 1000 }).catch((caught: unknown) => caught)) as GrpcCallError;
      assert.equal(error.grpcStatus, GrpcStatus.UNAVAILABLE);
    } finally {
      client.close();
    }
  });

  test('a plaintext client cannot talk to a TLS server', async () => {
    const client = createGrpcClient(testingEcho.EchoService, { ...clientDefaults, address, retry: { ...clientDefaults.retry, attemptCountMax: 1 } });
    try {
      const error = (await client.echo({ message: 'x' }, { deadlineMs: 1000 }).catch((caught: unknown) => caught)) as GrpcCallError;
      assert.ok(error instanceof GrpcCallError);
      assert.notEqual(error.grpcStatus, GrpcStatus.OK);
    } finally {
      client.close();
    }
  });
});
