import {
  type handleBidiStreamingCall,
  type handleClientStreamingCall,
  type handleServerStreamingCall,
  type handleUnaryCall,
  Metadata,
  Server,
  type ServerErrorResponse,
  type ServiceDefinition,
  type UntypedHandleCall,
  status as GrpcStatus,
} from '@grpc/grpc-js';
import type { DescMethod, DescService, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import { isAssertionError, isObjectBoxError } from '@objectbox/util';
import { deserializerOf, type GrpcMessageCodec, grpcPathOf, serializerOf } from './grpc-codec.js';
import { errorCodeMetadataKey, errorDetailMetadataPrefix, grpcStatusOf } from './grpc-status.js';
import { drainedOrEnded } from './grpc-stream-drain.js';
import { type GrpcTlsOptions, serverCredentialsOf } from './grpc-tls.js';

/** What a handler learns about its call. */
export interface GrpcCallContext {
  /** Aborted when the client cancels or the deadline passes. */
  readonly signal: AbortSignal;
  readonly metadata: Metadata;
  readonly peer: string;
  readonly method: string;
}

type Method = GenServiceMethods[string];
type In<M extends Method> = MessageShape<M['input']>;
type Out<M extends Method> = MessageInitShape<M['output']>;

/** A typed implementation of a generated service: one async function per method, by call shape. */
export type GrpcServiceImplementation<S extends GenServiceMethods> = {
  [K in keyof S]: S[K]['methodKind'] extends 'unary'
    ? (request: In<S[K]>, context: GrpcCallContext) => Promise<Out<S[K]>>
    : S[K]['methodKind'] extends 'server_streaming'
      ? (request: In<S[K]>, context: GrpcCallContext) => AsyncIterable<Out<S[K]>>
      : S[K]['methodKind'] extends 'client_streaming'
        ? (requests: AsyncIterable<In<S[K]>>, context: GrpcCallContext) => Promise<Out<S[K]>>
        : (requests: AsyncIterable<In<S[K]>>, context: GrpcCallContext) => AsyncIterable<Out<S[K]>>;
};

/** Receives errors the server turned into INTERNAL, once each, with the stack. */
export type GrpcServerErrorLogger = (event: { method: string; error: unknown }) => void;

export interface GrpcServerOptions {
  readonly tls?: GrpcTlsOptions;
  /** Largest request or response message; larger ones fail with RESOURCE_EXHAUSTED. */
  readonly messageBytesMax: number;
  readonly onInternalError?: GrpcServerErrorLogger;
}

/** Turns any thrown value into a gRPC status error, the one place servers map errors. */
export function toServerError(error: unknown, method: string, onInternalError?: GrpcServerErrorLogger): ServerErrorResponse {
  if (isAssertionError(error)) {
    // A broken invariant is a bug: crash (STYLE.md §4) rather than keep serving from bad state.
    process.nextTick(() => {
      throw error;
    });
  }
  const metadata = new Metadata();
  if (isObjectBoxError(error)) {
    metadata.set(errorCodeMetadataKey, error.code);
    const details = (error as { wireDetails?: Readonly<Record<string, string>> }).wireDetails ?? {};
    for (const [key, value] of Object.entries(details)) metadata.set(`${errorDetailMetadataPrefix}${key}`, value);
    return Object.assign(new Error(error.message), { code: grpcStatusOf(error.kind), details: error.message, metadata });
  }
  onInternalError?.({ method, error });
  return Object.assign(new Error('internal error'), { code: GrpcStatus.INTERNAL, details: 'internal error', metadata });
}

// One shared reason: abort() without one builds a DOMException per call, and grpc-js reports
// 'cancelled' on many calls.
const callCancelled = new Error('the gRPC call was cancelled or its deadline passed');

function contextOf(call: { metadata: Metadata; getPeer(): string; on(event: 'cancelled', listener: () => void): unknown }, method: string): GrpcCallContext {
  const controller = new AbortController();
  call.on('cancelled', () => controller.abort(callCancelled));
  return { signal: controller.signal, metadata: call.metadata, peer: call.getPeer(), method };
}

/** Streams a handler's responses with backpressure, then ends the call or fails it with a status. */
async function writeResponses(
  serverCall: { write(message: unknown): boolean; end(): void; emit(event: 'error', error: ServerErrorResponse): boolean } & Parameters<typeof drainedOrEnded>[0],
  responses: AsyncIterable<unknown>,
  fail: (error: unknown) => ServerErrorResponse,
): Promise<void> {
  try {
    for await (const response of responses) {
      // A cancelled call never drains: stop (returning the handler's iterator) instead of waiting forever.
      if (!serverCall.write(response) && !(await drainedOrEnded(serverCall))) return;
    }
    serverCall.end();
  } catch (error) {
    serverCall.emit('error', fail(error));
  }
}

function handlerOf(method: DescMethod, implementation: (...args: never[]) => unknown, onError?: GrpcServerErrorLogger): UntypedHandleCall {
  const path = grpcPathOf(method);
  const fail = (error: unknown): ServerErrorResponse => toServerError(error, path, onError);
  const call = implementation as (input: unknown, context: GrpcCallContext) => unknown;
  switch (method.methodKind) {
    case 'unary':
      return ((serverCall, callback) => {
        (call(serverCall.request, contextOf(serverCall, path)) as Promise<unknown>).then(
          (response) => callback(null, response),
          (error: unknown) => callback(fail(error)),
        );
      }) satisfies handleUnaryCall<unknown, unknown>;
    case 'server_streaming':
      return ((serverCall) => {
        void writeResponses(serverCall, call(serverCall.request, contextOf(serverCall, path)) as AsyncIterable<unknown>, fail);
      }) satisfies handleServerStreamingCall<unknown, unknown>;
    case 'client_streaming':
      return ((serverCall, callback) => {
        // Headers at once, not with the answer at the stream's end: until a grpc-js client sees
        // the server's first headers it keeps every message it sent (for retries, even when they
        // are off; up to 1 MiB a call), and a Raft peer stream lasts as long as the process (a
        // raft-kv follower kept ~1,000 acks, each pinning the 64 KiB pooled slab it was cut
        // from: 59 MB, 2026-12-01).
        serverCall.sendMetadata(new Metadata());
        (call(serverCall, contextOf(serverCall, path)) as Promise<unknown>).then(
          (response) => callback(null, response),
          (error: unknown) => callback(fail(error)),
        );
      }) satisfies handleClientStreamingCall<unknown, unknown>;
    case 'bidi_streaming':
      return ((serverCall) => {
        void writeResponses(serverCall, call(serverCall, contextOf(serverCall, path)) as AsyncIterable<unknown>, fail);
      }) satisfies handleBidiStreamingCall<unknown, unknown>;
  }
}

/**
 * The grpc-js definition of a generated service: paths, (de)serializers and call shapes. Messages
 * with a codec in `codecs` use it instead of protobuf-es.
 */
export function serviceDefinitionOf(service: DescService, codecs: readonly GrpcMessageCodec[] = []): ServiceDefinition {
  return Object.fromEntries(
    service.methods.map((method) => [
      method.localName,
      {
        path: grpcPathOf(method),
        requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
        responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
        requestSerialize: serializerOf(method.input, codecs),
        requestDeserialize: deserializerOf(method.input, codecs),
        responseSerialize: serializerOf(method.output, codecs),
        responseDeserialize: deserializerOf(method.output, codecs),
      },
    ]),
  );
}

/**
 * A gRPC server for generated services. Typed errors thrown by handlers become their gRPC status
 * plus the `objectbox-error-code` metadata; anything else becomes INTERNAL without internals.
 */
export class GrpcServer {
  private readonly server: Server;
  private boundPort: number | undefined;

  constructor(private readonly options: GrpcServerOptions) {
    this.server = new Server({
      'grpc.max_receive_message_length': options.messageBytesMax,
      'grpc.max_send_message_length': options.messageBytesMax,
      // Channelz bookkeeping runs on every call (visible in profiles); we export metrics ourselves.
      'grpc.enable_channelz': 0,
    });
  }

  /** Serves `service`; messages with a codec in `options.codecs` use it instead of protobuf-es. */
  addService<S extends GenServiceMethods>(service: GenService<S>, implementation: GrpcServiceImplementation<S>, options: { readonly codecs?: readonly GrpcMessageCodec[] } = {}): this {
    const handlers = Object.fromEntries(
      service.methods.map((method) => {
        const handler = (implementation as Record<string, (...args: never[]) => unknown>)[method.localName];
        if (handler === undefined) throw new TypeError(`no handler for ${grpcPathOf(method)}`);
        return [method.localName, handlerOf(method, handler.bind(implementation), this.options.onInternalError)];
      }),
    );
    this.server.addService(serviceDefinitionOf(service, options.codecs), handlers);
    return this;
  }

  /** Binds and starts; resolves with the bound port (useful with port 0). */
  async listen(host: string, port: number): Promise<number> {
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(address, serverCredentialsOf(this.options.tls), (error, boundPort) =>
        error === null ? resolve(boundPort) : reject(error),
      );
    });
    return this.boundPort;
  }

  get port(): number | undefined {
    return this.boundPort;
  }

  /** Stops accepting calls, lets running ones finish for up to `graceMs`, then cancels them. */
  async shutdown(graceMs: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
