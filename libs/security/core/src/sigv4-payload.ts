/**
 * Payload modes announced by `x-amz-content-sha256` (S3 API reference, "Authenticating Requests:
 * Using the Authorization Header", table of `x-amz-content-sha256` values). The mode tells the edge
 * how to read the body: hash it and compare, pass it through, or decode `aws-chunked` and check every
 * chunk signature and/or the trailer.
 */
import { AuthenticationInvalidArgumentError, InvalidRequestError, XAmzContentSha256MismatchError, type AuthorizationLocation } from './errors.js';
import { unsignedPayload } from './sigv4-authorization.js';

/** `x-amz-content-sha256` of an aws-chunked body whose every chunk is signed. */
export const streamingSignedPayload = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
/** `x-amz-content-sha256` of a signed aws-chunked body followed by a signed trailer. */
export const streamingSignedPayloadTrailer = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
/** `x-amz-content-sha256` of an unsigned aws-chunked body followed by an unsigned trailer. */
export const streamingUnsignedPayloadTrailer = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

/** The body is hashed by the edge and must equal `sha256Hex` (lower-case hex). */
export interface Sha256PayloadMode {
  readonly payload: 'sha256';
  readonly sha256Hex: string;
}

/** The body is not covered by the signature. */
export interface UnsignedPayloadMode {
  readonly payload: 'unsigned';
}

/** The body is `aws-chunked`: chunk headers, data, a zero-size chunk and maybe trailers. */
export interface StreamingPayloadMode {
  readonly payload: 'streaming-signed' | 'streaming-signed-trailer' | 'streaming-unsigned-trailer';
  /** `x-amz-decoded-content-length`: the object size once the framing is removed, bytes. */
  readonly decodedSizeBytes: number;
  /** Lower-case trailer names declared in `x-amz-trailer` (empty without trailer). */
  readonly trailerNames: readonly string[];
}

/** How the edge must read and check the body; see {@link parsePayloadMode}. */
export type PayloadMode = Sha256PayloadMode | UnsignedPayloadMode | StreamingPayloadMode;

const streamingPayloads: Record<string, StreamingPayloadMode['payload']> = {
  [streamingSignedPayload]: 'streaming-signed',
  [streamingSignedPayloadTrailer]: 'streaming-signed-trailer',
  [streamingUnsignedPayloadTrailer]: 'streaming-unsigned-trailer',
};

/**
 * The payload mode of a request whose payload line is `payloadHash` (the `x-amz-content-sha256`
 * value, or `UNSIGNED-PAYLOAD` for a presigned URL without one). `headers` are by lower-case name.
 *
 * Throws InvalidArgument for an unknown value, InvalidRequest for an aws-chunked body on a presigned
 * URL or without a valid `x-amz-decoded-content-length`.
 */
export function parsePayloadMode(options: {
  readonly payloadHash: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly location: AuthorizationLocation | 'anonymous';
}): PayloadMode {
  const { payloadHash } = options;
  if (payloadHash === unsignedPayload) return { payload: 'unsigned' };
  if (/^[0-9a-fA-F]{64}$/.test(payloadHash)) return { payload: 'sha256', sha256Hex: payloadHash.toLowerCase() };
  const streaming = streamingPayloads[payloadHash];
  if (streaming === undefined) {
    throw new AuthenticationInvalidArgumentError(
      'x-amz-content-sha256',
      payloadHash,
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.',
    );
  }
  if (options.location === 'query') throw new InvalidRequestError('A presigned URL cannot carry an aws-chunked body');
  if (streaming === 'streaming-signed' || streaming === 'streaming-signed-trailer') {
    if (options.location === 'anonymous') throw new InvalidRequestError('Signed aws-chunked bodies need a signed request');
  }
  return { payload: streaming, decodedSizeBytes: decodedSizeBytesOf(options.headers), trailerNames: trailerNamesOf(options.headers) };
}

function decodedSizeBytesOf(headers: ReadonlyMap<string, string>): number {
  const value = headers.get('x-amz-decoded-content-length')?.trim() ?? '';
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidRequestError('An aws-chunked body needs a valid x-amz-decoded-content-length header');
  }
  return Number(value);
}

function trailerNamesOf(headers: ReadonlyMap<string, string>): string[] {
  const value = headers.get('x-amz-trailer') ?? '';
  return value
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
}

/**
 * Compares the SHA-256 the edge computed over a `sha256`-mode body with the signed value, once the
 * whole body is read. Throws XAmzContentSHA256Mismatch when they differ.
 */
export function verifyPayloadSha256(mode: Sha256PayloadMode, sha256HexComputed: string): void {
  if (mode.sha256Hex !== sha256HexComputed.toLowerCase()) {
    throw new XAmzContentSha256MismatchError(mode.sha256Hex, sha256HexComputed);
  }
}
