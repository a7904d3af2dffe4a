import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import type { DescMethod } from '@bufbuild/protobuf';

/**
 * Serialization between grpc-js buffers and protobuf-es messages, from the generated schemas.
 * The path is the gRPC wire name `/package.Service/Method`.
 */
export function grpcPathOf(method: DescMethod): string {
  return `/${method.parent.typeName}/${method.name}`;
}

export function serializerOf<Desc extends DescMessage>(schema: Desc): (value: MessageInitShape<Desc>) => Buffer {
  return (value) => {
    const message = create(schema, value);
    const bytes = toBinary(schema, message);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

/** Decodes a message; malformed bytes throw, and the caller answers INVALID_ARGUMENT. */
export function deserializerOf<Desc extends DescMessage>(schema: Desc): (bytes: Buffer) => MessageShape<Desc> {
  return (bytes) => fromBinary(schema, bytes);
}

/** True when a client may safely retry the method (declared free of side effects or idempotent). */
export function isRetrySafe(method: DescMethod): boolean {
  // MethodOptions.IdempotencyLevel: 1 = NO_SIDE_EFFECTS, 2 = IDEMPOTENT.
  return method.methodKind === 'unary' && (method.idempotency === 1 || method.idempotency === 2);
}
