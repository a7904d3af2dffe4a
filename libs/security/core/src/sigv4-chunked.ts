/**
 * The pieces of an `aws-chunked` body as pure functions over buffers (S3 API reference, "Signature
 * Calculations for the Authorization Header: Transferring Payload in Multiple Chunks" and "...
 * Including Trailing Headers"). The grammar, with HTTP/1.1 chunked framing:
 *
 *   chunk   = hex-size [ ";chunk-signature=" 64hex ] CRLF data CRLF     (data of hex-size bytes)
 *   last    = "0" [ ";chunk-signature=" 64hex ] CRLF
 *   trailer = *( name ":" value CRLF ) [ "x-amz-trailer-signature:" 64hex CRLF ] CRLF
 *
 * Each chunk signature chains from the previous one (the first from the request's seed signature),
 * so chunks cannot be dropped, reordered or replaced; the trailer signature chains from the last
 * chunk's. Parsers check declared sizes against named limits before anything is buffered and return
 * `incomplete` when more bytes are needed, like grpc-js stream-decoder.ts.
 */
import { InvalidRequestError, SignatureDoesNotMatchError } from './errors.js';
import { sha256Hex, sha256HexOfEmpty, signatureHex, signaturesEqual } from './sigv4-signing.js';
import type { StreamingSigningContext } from './sigv4-verify.js';

/** Limits on untrusted aws-chunked framing. Invariant: all positive integers. */
export interface AwsChunkedLimits {
  /** Longest chunk header line including CRLF, bytes (a signed header is 86 to 101 bytes). */
  readonly chunkHeaderBytesMax: number;
  /** Largest declared chunk, bytes; SDKs send 64 KiB to 1 MiB chunks. */
  readonly chunkSizeBytesMax: number;
  /** Longest trailer section including its final CRLF, bytes. */
  readonly trailerBytesMax: number;
  /** Most trailer fields, the signature line included. */
  readonly trailerFieldCountMax: number;
}

/** Default limits: 4 KiB header lines and 16 MiB chunks (as MinIO), 16 KiB and 16 fields of trailer. */
export const awsChunkedLimitsDefault: AwsChunkedLimits = {
  chunkHeaderBytesMax: 4096,
  chunkSizeBytesMax: 16 * 1024 * 1024,
  trailerBytesMax: 16 * 1024,
  trailerFieldCountMax: 16,
};

/** The `<hex-size>[;chunk-signature=<sig>]\r\n` line of one chunk. */
export interface ChunkHeader {
  readonly status: 'complete';
  /** Data bytes that follow the header (0 for the last chunk). */
  readonly chunkSizeBytes: number;
  /** The chunk signature (signed modes), lower-case hex. */
  readonly signatureHex: string | undefined;
  /** Bytes of the header line including CRLF: where the data starts in the buffer given. */
  readonly headerSizeBytes: number;
}

/** More bytes are needed before the structure can be parsed. */
export interface ParseIncomplete {
  readonly status: 'incomplete';
}

const crlf = Buffer.from('\r\n');

function indexOfLineEnd(buffer: Uint8Array, lengthBytesMax: number): number {
  return Buffer.from(buffer.buffer, buffer.byteOffset, Math.max(0, Math.min(buffer.length, lengthBytesMax))).indexOf(crlf);
}

/**
 * Parses the chunk header at the start of `bufferUntrusted`. `signed` selects
 * `<hex>;chunk-signature=<64 hex>` (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) or `<hex>`
 * (STREAMING-UNSIGNED-PAYLOAD-TRAILER, where chunk extensions are ignored).
 *
 * Throws InvalidRequest for a malformed line, a line longer than `chunkHeaderBytesMax`, or a size above
 * `chunkSizeBytesMax`.
 */
export function parseChunkHeader(
  bufferUntrusted: Uint8Array,
  options: { readonly signed: boolean; readonly limits: AwsChunkedLimits },
): ChunkHeader | ParseIncomplete {
  const { chunkHeaderBytesMax, chunkSizeBytesMax } = options.limits;
  const lineEnd = indexOfLineEnd(bufferUntrusted, chunkHeaderBytesMax);
  if (lineEnd < 0) {
    if (bufferUntrusted.length >= chunkHeaderBytesMax) {
      throw new InvalidRequestError(`aws-chunked: chunk header longer than ${chunkHeaderBytesMax} bytes`);
    }
    return { status: 'incomplete' };
  }
  const line = Buffer.from(bufferUntrusted.buffer, bufferUntrusted.byteOffset, lineEnd).toString('latin1');
  const match = options.signed
    ? /^([0-9a-fA-F]{1,16});chunk-signature=([0-9a-f]{64})$/.exec(line)
    : /^([0-9a-fA-F]{1,16})(?:;[^\r\n]*)?$/.exec(line);
  if (match === null) throw new InvalidRequestError('aws-chunked: malformed chunk header');
  const chunkSizeBytes = Number.parseInt(match[1]!, 16);
  if (chunkSizeBytes > chunkSizeBytesMax) {
    throw new InvalidRequestError(`aws-chunked: chunk of ${chunkSizeBytes} bytes exceeds ${chunkSizeBytesMax}`);
  }
  return { status: 'complete', chunkSizeBytes, signatureHex: match[2], headerSizeBytes: lineEnd + crlf.length };
}

/**
 * The string to sign of one chunk: `AWS4-HMAC-SHA256-PAYLOAD`, the request time, the scope, the
 * previous signature, the hash of the empty string and the chunk's hash, joined by `\n`.
 */
export function chunkStringToSign(options: {
  readonly previousSignatureHex: string;
  readonly chunkSha256Hex: string;
  readonly requestDateTime: string;
  readonly credentialScope: string;
}): string {
  return [
    'AWS4-HMAC-SHA256-PAYLOAD',
    options.requestDateTime,
    options.credentialScope,
    options.previousSignatureHex,
    sha256HexOfEmpty,
    options.chunkSha256Hex,
  ].join('\n');
}

/**
 * Verifies the signature of a chunk whose data hashes to `chunkSha256Hex` (the last, empty chunk
 * included) and returns it: the `previousSignatureHex` of the next chunk or of the trailer.
 * Throws SignatureDoesNotMatch.
 */
export function verifyChunkSignature(options: {
  readonly context: StreamingSigningContext;
  readonly previousSignatureHex: string;
  readonly chunkSha256Hex: string;
  readonly signatureHex: string;
}): string {
  const { context } = options;
  const toSign = chunkStringToSign({
    previousSignatureHex: options.previousSignatureHex,
    chunkSha256Hex: options.chunkSha256Hex,
    requestDateTime: context.requestDateTime,
    credentialScope: context.credentialScope,
  });
  if (!signaturesEqual(signatureHex(context.signingKey, toSign), options.signatureHex)) {
    throw new SignatureDoesNotMatchError('chunk', toSign);
  }
  return options.signatureHex;
}

/** One trailing header, name lower-cased, value trimmed. */
export interface TrailerField {
  readonly name: string;
  readonly value: string;
}

/** A complete trailer section. */
export interface Trailer {
  readonly status: 'complete';
  /** Fields in wire order, without `x-amz-trailer-signature`. */
  readonly fields: readonly TrailerField[];
  /** `x-amz-trailer-signature` (signed mode), lower-case hex. */
  readonly signatureHex: string | undefined;
  /** Bytes of the section including the final empty line. */
  readonly trailerSizeBytes: number;
}

/**
 * Parses the trailer section at the start of `bufferUntrusted` (what follows the last chunk's header).
 * In `signed` mode the last field must be `x-amz-trailer-signature`; otherwise it must be absent.
 *
 * Throws InvalidRequest for a malformed field, a section over `trailerBytesMax` bytes or
 * `trailerFieldCountMax` fields, or a missing or misplaced signature.
 */
export function parseTrailer(
  bufferUntrusted: Uint8Array,
  options: { readonly signed: boolean; readonly limits: AwsChunkedLimits },
): Trailer | ParseIncomplete {
  const { trailerBytesMax, trailerFieldCountMax } = options.limits;
  const fields: TrailerField[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = indexOfLineEnd(bufferUntrusted.subarray(offset), trailerBytesMax - offset);
    if (lineEnd < 0) {
      if (bufferUntrusted.length >= trailerBytesMax) throw new InvalidRequestError(`aws-chunked: trailer longer than ${trailerBytesMax} bytes`);
      return { status: 'incomplete' };
    }
    const line = Buffer.from(bufferUntrusted.buffer, bufferUntrusted.byteOffset + offset, lineEnd).toString('latin1');
    offset += lineEnd + crlf.length;
    if (line === '') break;
    if (fields.length === trailerFieldCountMax) throw new InvalidRequestError(`aws-chunked: more than ${trailerFieldCountMax} trailer fields`);
    fields.push(parseTrailerField(line));
  }
  return { status: 'complete', ...splitTrailerSignature(fields, options.signed), trailerSizeBytes: offset };
}

function parseTrailerField(line: string): TrailerField {
  const colon = line.indexOf(':');
  const name = line.slice(0, Math.max(colon, 0)).trim().toLowerCase();
  if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) throw new InvalidRequestError('aws-chunked: malformed trailer field');
  return { name, value: line.slice(colon + 1).trim() };
}

function splitTrailerSignature(
  fields: readonly TrailerField[],
  signed: boolean,
): { fields: readonly TrailerField[]; signatureHex: string | undefined } {
  const signatureIndex = fields.findIndex((field) => field.name === 'x-amz-trailer-signature');
  if (!signed) {
    if (signatureIndex >= 0) throw new InvalidRequestError('aws-chunked: trailer signature in an unsigned payload');
    return { fields, signatureHex: undefined };
  }
  const signature = fields[signatureIndex]?.value.toLowerCase();
  if (signatureIndex !== fields.length - 1 || signature === undefined || !/^[0-9a-f]{64}$/.test(signature)) {
    throw new InvalidRequestError('aws-chunked: the trailer must end with x-amz-trailer-signature');
  }
  return { fields: fields.slice(0, signatureIndex), signatureHex: signature };
}

/** The canonical trailer that is hashed for the trailer signature: `name:value\n` per field. */
export function canonicalTrailer(fields: readonly TrailerField[]): string {
  return fields.map((field) => `${field.name}:${field.value}\n`).join('');
}

/**
 * The trailer's string to sign: `AWS4-HMAC-SHA256-TRAILER`, the request time, the scope, the last
 * chunk's signature and the hash of the canonical trailer, joined by `\n`.
 */
export function trailerStringToSign(options: {
  readonly previousSignatureHex: string;
  readonly fields: readonly TrailerField[];
  readonly requestDateTime: string;
  readonly credentialScope: string;
}): string {
  return [
    'AWS4-HMAC-SHA256-TRAILER',
    options.requestDateTime,
    options.credentialScope,
    options.previousSignatureHex,
    sha256Hex(canonicalTrailer(options.fields)),
  ].join('\n');
}

/** Verifies `x-amz-trailer-signature` over `fields`, chained from the last chunk's signature. Throws SignatureDoesNotMatch. */
export function verifyTrailerSignature(options: {
  readonly context: StreamingSigningContext;
  readonly previousSignatureHex: string;
  readonly fields: readonly TrailerField[];
  readonly signatureHex: string;
}): void {
  const toSign = trailerStringToSign({
    previousSignatureHex: options.previousSignatureHex,
    fields: options.fields,
    requestDateTime: options.context.requestDateTime,
    credentialScope: options.context.credentialScope,
  });
  if (!signaturesEqual(signatureHex(options.context.signingKey, toSign), options.signatureHex)) {
    throw new SignatureDoesNotMatchError('trailer', toSign);
  }
}
