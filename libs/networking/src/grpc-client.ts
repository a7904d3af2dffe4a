import { Client, type ClientDuplexStream, type ClientReadableStream, Metadata, type ServiceError, status as GrpcStatus } from '@grpc/grpc-js';
import type { DescMethod, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { assert } from '@objectbox/util';
import { deserializerOf, type GrpcMessageCodec, grpcPathOf, isRetrySafe, serializerOf } from './grpc-codec.js';
import { errorCodeMetadataKey, errorDetailMetadataPrefix, GrpcCallError } from './grpc-status.js';
import { drainedOrEnded } from './grpc-stream-drain.js';
import { channelCredentialsOf, type GrpcTlsOptions } from './grpc-tls.js';

/** Retries of retry-safe unary calls (declared NO_SIDE_EFFECTS or IDEMPOTENT) on UNAVAILABLE. */
export interface GrpcRetryOptions {
  /** Total attempts including the first; 1 disables retries. */
  readonly attemptCountMax: number;
  readonly backoffMsInitial: number;
  readonly backoffMsMax: number;
}

export interface GrpcClientOptions {
  /** `host:port`. */
  readonly address: string;
  readonly tls?: GrpcTlsOptions;
  /** Deadline of each call (all attempts together) unless the call passes its own. */
  readonly deadlineMs: number;
  readonly messageBytesMax: number;
  readonly retry: GrpcRetryOptions;
  /** Overrides the TLS server name checked against the certificate (tests, IP addresses). */
  readonly tlsServerName?: string;
  /** Messages with a codec here use it instead of protobuf-es (see {@link GrpcMessageCodec}). */
  readonly codecs?: readonly GrpcMessageCodec[];
}

export interface GrpcCallOptions {
  readonly deadlineMs?: number;
  readonly signal?: AbortSignal;
  readonly metadata?: Metadata;
}

type Method = GenServiceMethods[string];
type In<M extends Method> = MessageInitShape<M['input']>;
type Out<M extends Method> = MessageShape<M['output']>;

/** A typed client: one method per RPC, shaped by its call kind. Errors are {@link GrpcCallError}. */
export type GrpcClient<S extends GenServiceMethods> = {
  [K in keyof S]: S[K]['methodKind'] extends 'unary'
    ? (request: In<S[K]>, options?: GrpcCallOptions) => Promise<Out<S[K]>>
    : S[K]['methodKind'] extends 'server_streaming'
      ? (request: In<S[K]>, options?: GrpcCallOptions) => AsyncIterable<Out<S[K]>>
      : S[K]['methodKind'] extends 'client_streaming'
        ? (requests: AsyncIterable<In<S[K]>>, options?: GrpcCallOptions) => Promise<Out<S[K]>>
        : (requests: AsyncIterable<In<S[K]>>, options?: GrpcCallOptions) => AsyncIterable<Out<S[K]>>;
} & { close(): void };

function callErrorOf(error: ServiceError, method: DescMethod): GrpcCallError {
  const remoteCode = error.metadata?.get(errorCodeMetadataKey)[0];
  const details: Record<string, string> = {};
  for (const [key, values] of Object.entries(error.metadata?.getMap() ?? {})) {
    if (key.startsWith(errorDetailMetadataPrefix) && typeof values === 'string') details[key.slice(errorDetailMetadataPrefix.length)] = values;
  }
  return new GrpcCallError(error.code, error.details, typeof remoteCode === 'string' ? remoteCode : undefined, grpcPathOf(method), details);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

async function* readStream(stream: ClientReadableStream<unknown> | ClientDuplexStream<unknown, unknown>, method: DescMethod): AsyncIterable<unknown> {
  try {
    for await (const message of stream) yield message;
  } catch (error) {
    throw callErrorOf(error as ServiceError, method);
  }
}

/** Feeds `requests` into the call with backpressure; stops reading them (returning the iterator) once the call has ended. */
async function pump(requests: AsyncIterable<unknown>, stream: { write(message: unknown): boolean; end(): void; cancel(): void } & Parameters<typeof drainedOrEnded>[0]): Promise<void> {
  try {
    for await (const request of requests) {
      if (!stream.write(request) && !(await drainedOrEnded(stream))) return;
    }
    stream.end();
  } catch {
    stream.cancel();
  }
}

/**
 * Creates a typed client for a generated service over one channel. Every call has a deadline;
 * retry-safe unary calls are retried with exponential backoff on UNAVAILABLE while the deadline
 * allows. Non-idempotent calls are never retried: the server may have applied them.
 */
export function createGrpcClient<S extends GenServiceMethods>(service: GenService<S>, options: GrpcClientOptions): GrpcClient<S> {
  assert(options.retry.attemptCountMax >= 1, 'retry.attemptCountMax must be at least 1');
  assert(options.deadlineMs > 0, 'deadlineMs must be positive');
  const client = new Client(options.address, channelCredentialsOf(options.tls), {
    'grpc.max_receive_message_length': options.messageBytesMax,
    'grpc.max_send_message_length': options.messageBytesMax,
    // Retries are ours (retry-safe methods only, within the deadline); grpc-js's own retry
    // machinery would wrap every call for nothing. Channelz bookkeeping likewise.
    'grpc.enable_retries': 0,
    // With retries off grpc-js still keeps every message a call sent until the server's first
    // headers (up to 1 MiB a call): a long-lived client stream to a server that answers only at its
    // end (a peer before bb2a1e0, during a rolling upgrade) pinned each message. Nothing to retry, so
    // nothing to keep.
    'grpc.per_rpc_retry_buffer_size': 0,
    'grpc.enable_channelz': 0,
    ...(options.tlsServerName === undefined ? {} : { 'grpc.ssl_target_name_override': options.tlsServerName }),
  });
  const result: Record<string, unknown> = { close: () => client.close() };
  for (const method of service.methods) {
    const path = grpcPathOf(method);
    const serialize = serializerOf(method.input, options.codecs) as (value: unknown) => Buffer;
    const deserialize = deserializerOf(method.output, options.codecs);
    const callOptions = (call: GrpcCallOptions | undefined) => ({ deadline: Date.now() + (call?.deadlineMs ?? options.deadlineMs) });
    const attachSignal = (call: GrpcCallOptions | undefined, stream: { cancel(): void }) =>
      call?.signal?.addEventListener('abort', () => stream.cancel(), { once: true });
    switch (method.methodKind) {
      case 'unary': {
        const attemptsMax = isRetrySafe(method) ? options.retry.attemptCountMax : 1;
        result[method.localName] = async (request: unknown, call?: GrpcCallOptions) => {
          const deadline = Date.now() + (call?.deadlineMs ?? options.deadlineMs);
          let backoffMs = options.retry.backoffMsInitial;
          for (let attempt = 1; ; attempt++) {
            try {
              return await new Promise((resolve, reject) => {
                const unaryCall = client.makeUnaryRequest(path, serialize, deserialize, request, call?.metadata ?? new Metadata(), { deadline }, (error, response) =>
                  error ? reject(error) : resolve(response),
                );
                attachSignal(call, unaryCall);
              });
            } catch (error) {
              const serviceError = error as ServiceError;
              const retry = serviceError.code === GrpcStatus.UNAVAILABLE && attempt < attemptsMax && Date.now() + backoffMs < deadline && call?.signal?.aborted !== true;
              if (!retry) throw callErrorOf(serviceError, method);
              await sleep(backoffMs, call?.signal);
              backoffMs = Math.min(backoffMs * 2, options.retry.backoffMsMax);
            }
          }
        };
        break;
      }
      case 'server_streaming':
        result[method.localName] = (request: unknown, call?: GrpcCallOptions) => {
          const stream = client.makeServerStreamRequest(path, serialize, deserialize, request, call?.metadata ?? new Metadata(), callOptions(call));
          attachSignal(call, stream);
          return readStream(stream, method);
        };
        break;
      case 'client_streaming':
        result[method.localName] = (requests: AsyncIterable<unknown>, call?: GrpcCallOptions) =>
          new Promise((resolve, reject) => {
            const stream = client.makeClientStreamRequest(path, serialize, deserialize, call?.metadata ?? new Metadata(), callOptions(call), (error, response) =>
              error ? reject(callErrorOf(error, method)) : resolve(response),
            );
            attachSignal(call, stream);
            void pump(requests, stream);
          });
        break;
      case 'bidi_streaming':
        result[method.localName] = (requests: AsyncIterable<unknown>, call?: GrpcCallOptions) => {
          const stream = client.makeBidiStreamRequest(path, serialize, deserialize, call?.metadata ?? new Metadata(), callOptions(call));
          attachSignal(call, stream);
          void pump(requests, stream);
          return readStream(stream, method);
        };
        break;
    }
  }
  return result as GrpcClient<S>;
}
