/**
 * A whole-buffer aws-chunked decoder composed of the pieces in `sigv4-chunked.ts`. It holds the
 * entire body, so it suits small bodies and tests; the edge streams with the same pieces (parse a
 * header, hash `chunkSizeBytes` of data as they arrive, verify, repeat) and never buffers an object.
 */
import { assert } from '@objectbox/util';
import { IncompleteBodyError, InvalidRequestError } from './errors.js';
import { parseChunkHeader, parseTrailer, verifyChunkSignature, verifyTrailerSignature, type AwsChunkedLimits, type TrailerField } from './sigv4-chunked.js';
import type { StreamingPayloadMode } from './sigv4-payload.js';
import { sha256Hex } from './sigv4-signing.js';
import type { StreamingSigningContext } from './sigv4-verify.js';

/** A decoded aws-chunked body. */
export interface AwsChunkedBody {
  /** The chunks' data, views into the input buffer, in order (the empty last chunk excluded). */
  readonly chunks: readonly Uint8Array[];
  /** Trailer fields (trailer modes), the signature excluded. */
  readonly trailerFields: readonly TrailerField[];
}

interface DecodeState {
  offset: number;
  previousSignatureHex: string;
  decodedSizeBytes: number;
}

/**
 * Decodes and verifies an entire aws-chunked `bodyUntrusted`: every chunk signature (signed modes),
 * the trailer signature (signed trailer mode), the declared trailer names, and the decoded size
 * against `x-amz-decoded-content-length`. `context` is required for the signed modes.
 *
 * Throws IncompleteBody (body ends early, or another decoded size than declared), InvalidRequest
 * (framing, limits, bytes after the end, a declared trailer missing) and SignatureDoesNotMatch.
 */
export function decodeAwsChunkedBuffer(options: {
  readonly bodyUntrusted: Uint8Array;
  readonly mode: StreamingPayloadMode;
  readonly context: StreamingSigningContext | undefined;
  readonly limits: AwsChunkedLimits;
}): AwsChunkedBody {
  const { bodyUntrusted, mode, context, limits } = options;
  const signed = mode.payload !== 'streaming-unsigned-trailer';
  assert(!signed || context !== undefined, 'signed aws-chunked bodies need a signing context');
  const state: DecodeState = { offset: 0, previousSignatureHex: context?.seedSignatureHex ?? '', decodedSizeBytes: 0 };
  const chunks: Uint8Array[] = [];
  for (;;) {
    const chunk = decodeChunk(bodyUntrusted, state, { signed, context, limits, decodedSizeBytesDeclared: mode.decodedSizeBytes });
    if (chunk.length === 0) break;
    chunks.push(chunk);
  }
  if (state.decodedSizeBytes !== mode.decodedSizeBytes) throw new IncompleteBodyError(mode.decodedSizeBytes, state.decodedSizeBytes);
  const trailerFields = mode.payload === 'streaming-signed' ? decodeNoTrailer(bodyUntrusted, state) : decodeTrailer(bodyUntrusted, state, { signed, context, limits, mode });
  if (state.offset !== bodyUntrusted.length) throw new InvalidRequestError('aws-chunked: bytes after the end of the body', state.offset);
  return { chunks, trailerFields };
}

function decodeChunk(
  body: Uint8Array,
  state: DecodeState,
  options: { signed: boolean; context: StreamingSigningContext | undefined; limits: AwsChunkedLimits; decodedSizeBytesDeclared: number },
): Uint8Array {
  const header = parseChunkHeader(body.subarray(state.offset), options);
  if (header.status === 'incomplete') throw new IncompleteBodyError(options.decodedSizeBytesDeclared, state.decodedSizeBytes);
  const dataStart = state.offset + header.headerSizeBytes;
  const dataEnd = dataStart + header.chunkSizeBytes;
  const data = body.subarray(dataStart, dataEnd);
  if (data.length < header.chunkSizeBytes) throw new IncompleteBodyError(options.decodedSizeBytesDeclared, state.decodedSizeBytes + data.length);
  if (options.signed) {
    state.previousSignatureHex = verifyChunkSignature({
      context: options.context!,
      previousSignatureHex: state.previousSignatureHex,
      chunkSha256Hex: sha256Hex(data),
      signatureHex: header.signatureHex!,
    });
  }
  state.decodedSizeBytes += data.length;
  state.offset = dataEnd;
  // Data is followed by CRLF; the last chunk has no data and its header is followed by the trailer.
  if (header.chunkSizeBytes > 0) state.offset = expectCrlf(body, dataEnd);
  return data;
}

function expectCrlf(body: Uint8Array, offset: number): number {
  if (body.length < offset + 2) throw new IncompleteBodyError(undefined, offset);
  if (body[offset] !== 0x0d || body[offset + 1] !== 0x0a) throw new InvalidRequestError('aws-chunked: chunk data not followed by CRLF', offset);
  return offset + 2;
}

function decodeNoTrailer(body: Uint8Array, state: DecodeState): TrailerField[] {
  state.offset = expectCrlf(body, state.offset);
  return [];
}

function decodeTrailer(
  body: Uint8Array,
  state: DecodeState,
  options: { signed: boolean; context: StreamingSigningContext | undefined; limits: AwsChunkedLimits; mode: StreamingPayloadMode },
): readonly TrailerField[] {
  const trailer = parseTrailer(body.subarray(state.offset), options);
  if (trailer.status === 'incomplete') throw new IncompleteBodyError(options.mode.decodedSizeBytes, state.decodedSizeBytes);
  if (options.signed) {
    verifyTrailerSignature({
      context: options.context!,
      previousSignatureHex: state.previousSignatureHex,
      fields: trailer.fields,
      signatureHex: trailer.signatureHex!,
    });
  }
  const missing = options.mode.trailerNames.filter((name) => !trailer.fields.some((field) => field.name === name));
  if (missing.length > 0) throw new InvalidRequestError(`aws-chunked: declared trailer ${missing.join(', ')} not sent`, state.offset);
  state.offset += trailer.trailerSizeBytes;
  return trailer.fields;
}
