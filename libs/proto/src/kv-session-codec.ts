/**
 * Hand-written protobuf codecs for the two messages of `KvService.Session`, the hot path of the
 * registry (and of the raft-kv benchmark): a batch of puts in, a batch of answers out. protobuf-es
 * encodes and decodes by walking the schema at run time, which cost a raft-kv leader ~0.8 s of
 * CPU in 14 s at ~12k puts/s; these walk the bytes directly.
 *
 * Same wire format, same results:
 * - Encoders write exactly the bytes of protobuf-es's `toBinary(create(schema, value))` (fields in
 *   number order, proto3 defaults omitted). A value they do not expect (an unknown result case,
 *   an id beyond 2^53) goes to protobuf-es instead.
 * - Decoders parse the canonical encoding and return what `fromBinary` returns. Anything else a
 *   valid encoder may produce (unknown fields, a oneof member twice, a batch inside a batch, huge
 *   varints) and every malformed input go to `fromBinary` itself, so other clients see the same
 *   semantics and malformed bytes throw protobuf-es's error, which the gRPC server answers with
 *   INVALID_ARGUMENT.
 */
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import {
  type CompareAndSetRequest,
  type DeleteRequest,
  type GetRequest,
  type PutRequest,
  type SessionRequest,
  SessionRequestSchema,
  type SessionResponse,
  SessionResponseSchema,
} from './gen/objectbox/kv/v1/kv_pb.js';
import { bufferOf, delimitedBytes, NotCanonical, notCanonical, Reader, safeUint64, tagOf, varintBytes, wireLengthDelimited, wireVarint, Writer } from './wire-codec.js';

type SessionRequestInit = MessageInitShape<typeof SessionRequestSchema>;
type SessionResponseInit = MessageInitShape<typeof SessionResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

function decodePut(reader: Reader, end: number): PutRequest {
  let key = '';
  let value: Uint8Array = new Uint8Array(0);
  while (reader.offset < end) {
    switch (reader.tag()) {
      case tagOf(1, wireLengthDelimited):
        key = reader.stringField(end);
        break;
      case tagOf(2, wireLengthDelimited):
        value = reader.bytesField(end);
        break;
      default:
        throw notCanonical;
    }
  }
  return { $typeName: 'objectbox.kv.v1.PutRequest', key, value };
}

function decodeGet(reader: Reader, end: number): GetRequest {
  let key = '';
  let staleOk = false;
  while (reader.offset < end) {
    switch (reader.tag()) {
      case tagOf(1, wireLengthDelimited):
        key = reader.stringField(end);
        break;
      case tagOf(2, wireVarint):
        staleOk = reader.varint(end) !== 0;
        break;
      default:
        throw notCanonical;
    }
  }
  return { $typeName: 'objectbox.kv.v1.GetRequest', key, staleOk };
}

function decodeDelete(reader: Reader, end: number): DeleteRequest {
  let key = '';
  while (reader.offset < end) {
    if (reader.tag() !== tagOf(1, wireLengthDelimited)) throw notCanonical;
    key = reader.stringField(end);
  }
  return { $typeName: 'objectbox.kv.v1.DeleteRequest', key };
}

function decodeCompareAndSet(reader: Reader, end: number): CompareAndSetRequest {
  let key = '';
  let expected: Uint8Array = new Uint8Array(0);
  let expectedAbsent = false;
  let value: Uint8Array = new Uint8Array(0);
  while (reader.offset < end) {
    switch (reader.tag()) {
      case tagOf(1, wireLengthDelimited):
        key = reader.stringField(end);
        break;
      case tagOf(2, wireLengthDelimited):
        expected = reader.bytesField(end);
        break;
      case tagOf(3, wireVarint):
        expectedAbsent = reader.varint(end) !== 0;
        break;
      case tagOf(4, wireLengthDelimited):
        value = reader.bytesField(end);
        break;
      default:
        throw notCanonical;
    }
  }
  return { $typeName: 'objectbox.kv.v1.CompareAndSetRequest', key, expected, expectedAbsent, value };
}

function decodeRequest(reader: Reader, end: number, nested: boolean): SessionRequest {
  let id = 0;
  let operation: SessionRequest['operation'] = { case: undefined };
  const batch: SessionRequest[] = [];
  while (reader.offset < end) {
    const tag = reader.tag();
    if (tag === tagOf(1, wireVarint)) {
      id = reader.varint(end);
      continue;
    }
    if (tag === tagOf(6, wireLengthDelimited) && !nested) {
      const requestEnd = reader.delimitedEnd(end);
      batch.push(decodeRequest(reader, requestEnd, true));
      continue;
    }
    // A oneof member twice (protobuf merges or replaces) is left to protobuf-es.
    if (operation.case !== undefined) throw notCanonical;
    const operationEnd = tag >= tagOf(2, wireLengthDelimited) && tag <= tagOf(5, wireLengthDelimited) && (tag & 7) === wireLengthDelimited ? reader.delimitedEnd(end) : -1;
    switch (tag) {
      case tagOf(2, wireLengthDelimited):
        operation = { case: 'put', value: decodePut(reader, operationEnd) };
        break;
      case tagOf(3, wireLengthDelimited):
        operation = { case: 'get', value: decodeGet(reader, operationEnd) };
        break;
      case tagOf(4, wireLengthDelimited):
        operation = { case: 'delete', value: decodeDelete(reader, operationEnd) };
        break;
      case tagOf(5, wireLengthDelimited):
        operation = { case: 'compareAndSet', value: decodeCompareAndSet(reader, operationEnd) };
        break;
      default:
        throw notCanonical;
    }
  }
  return { $typeName: 'objectbox.kv.v1.SessionRequest', id: BigInt(id), operation, batch };
}

/**
 * Decodes a SessionRequest: what `fromBinary(SessionRequestSchema, bytes)` returns (bytes fields
 * view `bytes`). Malformed input throws protobuf-es's error.
 */
export function decodeSessionRequest(bytes: Uint8Array): SessionRequest {
  const reader = new Reader(bytes);
  try {
    return decodeRequest(reader, bytes.length, false);
  } catch (error) {
    if (!(error instanceof NotCanonical)) throw error;
    return fromBinary(SessionRequestSchema, bytes);
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/** What a response's result adds: its size, then a writer of the field. Undefined: unexpected. */
interface ResultPlan {
  readonly bytes: number;
  write(writer: Writer): void;
}

type ResultInit = SessionResponseInit['result'];

function boolResult(fieldNumber: number, value: boolean | undefined): ResultPlan {
  const inner = value === true ? 2 : 0;
  return {
    bytes: delimitedBytes(inner),
    write: (writer) => {
      writer.tag(fieldNumber, wireLengthDelimited);
      writer.varint(inner);
      if (inner > 0) {
        writer.tag(1, wireVarint);
        writer.varint(1);
      }
    },
  };
}

function resultPlanOf(result: ResultInit): ResultPlan | null | undefined {
  if (result === undefined || result.case === undefined) return null;
  const value = (result.value ?? {}) as Record<string, unknown>;
  switch (result.case) {
    case 'put': {
      const index = safeUint64(value.index as bigint | undefined);
      if (index === undefined) return undefined;
      const inner = index === 0 ? 0 : 1 + varintBytes(index);
      return {
        bytes: delimitedBytes(inner),
        write: (writer) => {
          writer.tag(2, wireLengthDelimited);
          writer.varint(inner);
          if (index !== 0) {
            writer.tag(1, wireVarint);
            writer.varint(index);
          }
        },
      };
    }
    case 'get': {
      const found = value.found === true;
      const bytes = (value.value as Uint8Array | undefined) ?? new Uint8Array(0);
      const inner = (found ? 2 : 0) + (bytes.length > 0 ? delimitedBytes(bytes.length) : 0);
      return {
        bytes: delimitedBytes(inner),
        write: (writer) => {
          writer.tag(3, wireLengthDelimited);
          writer.varint(inner);
          if (found) {
            writer.tag(1, wireVarint);
            writer.varint(1);
          }
          if (bytes.length > 0) writer.bytesField(2, bytes);
        },
      };
    }
    case 'delete':
      return boolResult(4, value.existed as boolean | undefined);
    case 'compareAndSet':
      return boolResult(5, value.succeeded as boolean | undefined);
    case 'error': {
      const code = (value.code as string | undefined) ?? '';
      const message = (value.message as string | undefined) ?? '';
      const leaderId = (value.leaderId as number | undefined) ?? 0;
      const leaderAddress = (value.leaderAddress as string | undefined) ?? '';
      if (!Number.isInteger(leaderId) || leaderId < 0 || leaderId > 0xffffffff) return undefined;
      const codeBytes = Buffer.byteLength(code);
      const messageBytes = Buffer.byteLength(message);
      const addressBytes = Buffer.byteLength(leaderAddress);
      const inner =
        (codeBytes > 0 ? delimitedBytes(codeBytes) : 0) +
        (messageBytes > 0 ? delimitedBytes(messageBytes) : 0) +
        (leaderId > 0 ? 1 + varintBytes(leaderId) : 0) +
        (addressBytes > 0 ? delimitedBytes(addressBytes) : 0);
      return {
        bytes: delimitedBytes(inner),
        write: (writer) => {
          writer.tag(6, wireLengthDelimited);
          writer.varint(inner);
          if (codeBytes > 0) writer.stringField(1, code, codeBytes);
          if (messageBytes > 0) writer.stringField(2, message, messageBytes);
          if (leaderId > 0) {
            writer.tag(3, wireVarint);
            writer.varint(leaderId);
          }
          if (addressBytes > 0) writer.stringField(4, leaderAddress, addressBytes);
        },
      };
    }
    default:
      return undefined;
  }
}

/** A response's size and writer (without its own tag and length), or undefined when unexpected. */
function responsePlanOf(response: SessionResponseInit): ResultPlan | undefined {
  const id = safeUint64(response.id);
  const result = resultPlanOf(response.result);
  if (id === undefined || result === undefined) return undefined;
  const batch = batchPlansOf(response.batch, responsePlanOf);
  if (batch === undefined) return undefined;
  return framedPlan(id, result ?? undefined, 7, batch);
}

/** The plans of a message's `batch` field, or undefined when one of them is unexpected. */
function batchPlansOf<Init>(messages: readonly Init[] | undefined, planOf: (message: Init) => ResultPlan | undefined): ResultPlan[] | undefined {
  const plans: ResultPlan[] = [];
  for (const message of messages ?? []) {
    const plan = planOf(message);
    if (plan === undefined) return undefined;
    plans.push(plan);
  }
  return plans;
}

/**
 * A request's or response's plan: `id` (field 1, omitted when 0), its operation or result (already
 * tagged by its own plan), then each batched message as field `batchField`, in protobuf-es's order.
 */
function framedPlan(id: number, body: ResultPlan | undefined, batchField: number, batch: readonly ResultPlan[]): ResultPlan {
  let bytes = (id === 0 ? 0 : 1 + varintBytes(id)) + (body?.bytes ?? 0);
  for (const plan of batch) bytes += delimitedBytes(plan.bytes);
  return {
    bytes,
    write: (writer) => {
      if (id !== 0) {
        writer.tag(1, wireVarint);
        writer.varint(id);
      }
      body?.write(writer);
      for (const plan of batch) {
        writer.tag(batchField, wireLengthDelimited);
        writer.varint(plan.bytes);
        plan.write(writer);
      }
    },
  };
}

/** Encodes a SessionResponse (an init shape or a message): the bytes of protobuf-es's `toBinary`. */
export function encodeSessionResponse(response: SessionResponseInit | SessionResponse): Buffer {
  const plan = responsePlanOf(response);
  if (plan === undefined) return bufferOf(toBinary(SessionResponseSchema, create(SessionResponseSchema, response)));
  const writer = new Writer(Buffer.allocUnsafe(plan.bytes));
  plan.write(writer);
  return writer.bytes;
}

/** A request's size and writer, or undefined when unexpected (protobuf-es encodes it then). */
function requestPlanOf(request: SessionRequestInit): ResultPlan | undefined {
  const id = safeUint64(request.id);
  if (id === undefined) return undefined;
  let operationPlan: ResultPlan | undefined;
  const operation = request.operation;
  if (operation !== undefined && operation.case !== undefined) {
    // Only puts, the session's bulk, are written here; other operations go to protobuf-es.
    if (operation.case !== 'put') return undefined;
    const key = operation.value.key ?? '';
    const value = operation.value.value ?? new Uint8Array(0);
    const keyBytes = Buffer.byteLength(key);
    const inner = (keyBytes > 0 ? delimitedBytes(keyBytes) : 0) + (value.length > 0 ? delimitedBytes(value.length) : 0);
    operationPlan = {
      bytes: delimitedBytes(inner),
      write: (writer) => {
        writer.tag(2, wireLengthDelimited);
        writer.varint(inner);
        if (keyBytes > 0) writer.stringField(1, key, keyBytes);
        if (value.length > 0) writer.bytesField(2, value);
      },
    };
  }
  const batch = batchPlansOf(request.batch, requestPlanOf);
  if (batch === undefined) return undefined;
  return framedPlan(id, operationPlan, 6, batch);
}

/**
 * Encodes a SessionRequest (an init shape or a message): the bytes of protobuf-es's `toBinary`.
 * Requests of puts (alone or batched) are written here; any other goes to protobuf-es.
 */
export function encodeSessionRequest(request: SessionRequestInit | SessionRequest): Buffer {
  const plan = requestPlanOf(request);
  if (plan === undefined) return bufferOf(toBinary(SessionRequestSchema, create(SessionRequestSchema, request)));
  const writer = new Writer(Buffer.allocUnsafe(plan.bytes));
  plan.write(writer);
  return writer.bytes;
}

/** Decodes a SessionResponse with protobuf-es (the client's side; not on a server's hot path). */
export function decodeSessionResponse(bytes: Uint8Array): SessionResponse {
  return fromBinary(SessionResponseSchema, bytes);
}

/**
 * The codecs, keyed by schema, in the shape gRPC clients and servers take (`codecs` options of
 * @objectbox/networking).
 */
export const kvSessionCodecs = [
  { schema: SessionRequestSchema, encode: encodeSessionRequest, decode: decodeSessionRequest },
  { schema: SessionResponseSchema, encode: encodeSessionResponse, decode: decodeSessionResponse },
] as const;
