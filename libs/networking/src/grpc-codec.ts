import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import type { DescMethod } from '@bufbuild/protobuf';

/**
 * Serialization between grpc-js buffers and protobuf-es messages, from the generated schemas.
 * The path is the gRPC wire name `/package.Service/Method`.
 */
export function grpcPathOf(method: DescMethod): string {
  return `/${method.parent.typeName}/${method.name}`;
}

/**
 * A hand-written codec of one message type, used instead of protobuf-es's run-time schema walk
 * where a hot path measured it worth it (e.g. `kvSessionCodecs` of @objectbox/proto). It writes
 * and reads the protobuf wire format of `schema`; `decode` throws on malformed bytes.
 */
export interface GrpcMessageCodec {
  readonly schema: DescMessage;
  readonly encode: (value: never) => Buffer;
  readonly decode: (bytes: Buffer) => unknown;
}

function codecOf(schema: DescMessage, codecs: readonly GrpcMessageCodec[]): GrpcMessageCodec | undefined {
  return codecs.find((codec) => codec.schema.typeName === schema.typeName);
}

export function serializerOf<Desc extends DescMessage>(schema: Desc, codecs: readonly GrpcMessageCodec[] = []): (value: MessageInitShape<Desc>) => Buffer {
  const codec = codecOf(schema, codecs);
  if (codec !== undefined) return codec.encode as (value: MessageInitShape<Desc>) => Buffer;
  return (value) => {
    const message = create(schema, value);
    const bytes = toBinary(schema, message);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

/** Decodes a message; malformed bytes throw, and the caller answers INVALID_ARGUMENT. */
export function deserializerOf<Desc extends DescMessage>(schema: Desc, codecs: readonly GrpcMessageCodec[] = []): (bytes: Buffer) => MessageShape<Desc> {
  const codec = codecOf(schema, codecs);
  if (codec !== undefined) return codec.decode as (bytes: Buffer) => MessageShape<Desc>;
  return (bytes) => fromBinary(schema, bytes);
}

/** True when a client may safely retry the method (declared free of side effects or idempotent). */
export function isRetrySafe(method: DescMethod): boolean {
  // MethodOptions.IdempotencyLevel: 1 = NO_SIDE_EFFECTS, 2 = IDEMPOTENT.
  return method.methodKind === 'unary' && (method.idempotency === 1 || method.idempotency === 2);
}
