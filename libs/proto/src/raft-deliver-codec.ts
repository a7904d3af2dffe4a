/**
 * A hand-written protobuf codec for `RaftTransportService.Deliver`'s request, the message every
 * replica sends its peers for every Raft batch (appends, heartbeats, acknowledgements): two
 * strings and the hand-packed messages (consensus runtime raft-message-packing.ts). protobuf-es's
 * create + toBinary copied the packed bytes through its growing writer and walked the schema;
 * this writes the message into one exactly sized Buffer, and reads it without the schema.
 *
 * Same contract as kv-session-codec.ts: the encoder writes protobuf-es's bytes (requests with the
 * legacy `messages` field go to protobuf-es), the decoder returns what `fromBinary` returns and
 * leaves anything but the canonical encoding (and every malformed input) to `fromBinary`.
 */
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { type DeliverRequest, DeliverRequestSchema } from './gen/objectbox/raft/v1/raft_pb.js';
import { bufferOf, delimitedBytes, NotCanonical, notCanonical, Reader, tagOf, wireLengthDelimited, Writer } from './wire-codec.js';

type DeliverRequestInit = MessageInitShape<typeof DeliverRequestSchema>;

/** Encodes a DeliverRequest (an init shape or a message): the bytes of protobuf-es's `toBinary`. */
export function encodeDeliverRequest(request: DeliverRequestInit | DeliverRequest): Buffer {
  if (request.messages !== undefined && request.messages.length > 0) {
    return bufferOf(toBinary(DeliverRequestSchema, create(DeliverRequestSchema, request)));
  }
  const groupId = request.groupId ?? '';
  const clusterId = request.clusterId ?? '';
  const packed = request.packedMessages ?? new Uint8Array(0);
  const groupIdBytes = Buffer.byteLength(groupId);
  const clusterIdBytes = Buffer.byteLength(clusterId);
  const writer = new Writer(
    Buffer.allocUnsafe(
      (groupIdBytes > 0 ? delimitedBytes(groupIdBytes) : 0) + (clusterIdBytes > 0 ? delimitedBytes(clusterIdBytes) : 0) + (packed.length > 0 ? delimitedBytes(packed.length) : 0),
    ),
  );
  if (groupIdBytes > 0) writer.stringField(1, groupId, groupIdBytes);
  if (clusterIdBytes > 0) writer.stringField(2, clusterId, clusterIdBytes);
  if (packed.length > 0) writer.bytesField(4, packed);
  return writer.bytes;
}

/**
 * Decodes a DeliverRequest: what `fromBinary(DeliverRequestSchema, bytes)` returns (the packed
 * messages view `bytes`). Malformed input throws protobuf-es's error.
 */
export function decodeDeliverRequest(bytes: Uint8Array): DeliverRequest {
  const reader = new Reader(bytes);
  const end = bytes.length;
  try {
    let groupId = '';
    let clusterId = '';
    let packedMessages: Uint8Array = new Uint8Array(0);
    while (reader.offset < end) {
      switch (reader.tag()) {
        case tagOf(1, wireLengthDelimited):
          groupId = reader.stringField(end);
          break;
        case tagOf(2, wireLengthDelimited):
          clusterId = reader.stringField(end);
          break;
        case tagOf(4, wireLengthDelimited):
          packedMessages = reader.bytesField(end);
          break;
        default:
          // The legacy `messages` field, unknown fields, other wire types: protobuf-es's business.
          throw notCanonical;
      }
    }
    return { $typeName: 'objectbox.raft.v1.DeliverRequest', groupId, clusterId, messages: [], packedMessages };
  } catch (error) {
    if (!(error instanceof NotCanonical)) throw error;
    return fromBinary(DeliverRequestSchema, bytes);
  }
}

/**
 * The codec, in the shape gRPC clients and servers take (`codecs` options of
 * @objectbox/networking). Responses (one per stream) stay with protobuf-es.
 */
export const raftDeliverCodecs = [{ schema: DeliverRequestSchema, encode: encodeDeliverRequest, decode: decodeDeliverRequest }] as const;
