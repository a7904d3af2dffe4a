/**
 * Request bodies as streams of decoded bytes, checked while they stream and never held whole.
 *
 * The payload mode comes from SigV4 (`x-amz-content-sha256`, see libs/security/core
 * sigv4-payload.ts):
 * - `sha256`: the bytes pass through while SHA-256 runs over them; after the last byte the digest
 *   must equal the signed one, or iteration throws XAmzContentSHA256Mismatch before the consumer
 *   sees the end (so a blob write fails instead of committing). A consumer that computes SHA-256
 *   anyway takes the check over with {@link S3Body.deferSha256Verification} (the blob store, in
 *   its hash workers), and must run it before it commits.
 * - `unsigned`: the bytes pass through.
 * - `streaming-*` (aws-chunked): chunk headers are parsed with the security core's pieces; every
 *   chunk's data is yielded as it arrives (views into the received buffers), its SHA-256 updated
 *   incrementally and its signature checked when the chunk ends (signed modes); after the zero-size
 *   chunk the trailer is parsed (and its signature checked in the signed-trailer mode). Only a chunk
 *   header or the trailer is ever buffered, both bounded by `AwsChunkedLimits`.
 *
 * In every mode the decoded size must equal the announced one (`Content-Length`, or
 * `x-amz-decoded-content-length` for aws-chunked): fewer bytes are IncompleteBody, more are refused
 * as soon as they arrive.
 */
import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  awsChunkedLimitsDefault,
  IncompleteBodyError,
  InvalidRequestError,
  parseChunkHeader,
  parseTrailer,
  sha256HexOfEmpty,
  verifyChunkSignature,
  verifyPayloadSha256,
  verifyTrailerSignature,
  type AwsChunkedLimits,
  type PayloadMode,
  type StreamingPayloadMode,
  type StreamingSigningContext,
  type TrailerField,
} from '@objectbox/security-core';
import { assert } from '@objectbox/util';
import { nextUnlessAborted } from './next-unless-aborted.js';

/** A signed payload digest's check, handed to the consumer (see {@link S3Body.deferSha256Verification}). */
export interface PayloadSha256Check {
  /** Throws XAmzContentSha256Mismatch unless `sha256Hex` is the signed digest. */
  verify(sha256Hex: string): void;
}

/** Options of {@link S3Body}. */
export interface S3BodyOptions {
  /** The raw body as received (an `IncomingMessage`). */
  readonly source: AsyncIterable<Uint8Array>;
  readonly payload: PayloadMode;
  /** Required for the signed aws-chunked modes. */
  readonly streaming: StreamingSigningContext | undefined;
  /** `Content-Length` as sent, bytes; undefined when the body is sent with chunked transfer encoding. */
  readonly contentLengthBytes: number | undefined;
  readonly limits?: AwsChunkedLimits;
  /**
   * Aborted when the client half-closed the connection before the body was complete (node's parser
   * reports it to `S3Server.handleClientError`): nothing more will come, so reading ends with
   * IncompleteBody, also while waiting for a piece.
   */
  readonly cut?: AbortSignal;
}

/**
 * One request body. Iterate it once; after iteration completes, {@link S3Body.trailerFields} holds
 * the aws-chunked trailer (for example `x-amz-checksum-crc32`).
 */
export class S3Body implements AsyncIterable<Uint8Array> {
  /** The size of the decoded body, bytes, when announced up front. */
  readonly sizeBytes: number | undefined;
  #trailerFields: readonly TrailerField[] = [];
  #consumed = false;
  #sha256Deferred = false;

  constructor(private readonly options: S3BodyOptions) {
    const { payload } = options;
    this.sizeBytes = isStreaming(payload) ? payload.decodedSizeBytes : options.contentLengthBytes;
    if (isStreaming(payload) && payload.payload !== 'streaming-unsigned-trailer') {
      assert(options.streaming !== undefined, 'signed aws-chunked bodies need a signing context');
    }
  }

  /** Trailer fields of an aws-chunked body, names lower case; empty until iteration completes. */
  get trailerFields(): readonly TrailerField[] {
    return this.#trailerFields;
  }

  /** The value of trailer field `name` (lower case), if sent. */
  trailerValue(name: string): string | undefined {
    return this.#trailerFields.find((field) => field.name === name)?.value;
  }

  /**
   * For a body whose SHA-256 is signed (`x-amz-content-sha256` in hex): hands the check to the
   * consumer and stops hashing here. The blob store computes SHA-256 with its other digests, in
   * its hash workers for large bodies, instead of on the event loop (~0.7 ms per MiB); it must call
   * `verify` with the digest of every byte before it commits anything. Undefined in other modes.
   */
  deferSha256Verification(): PayloadSha256Check | undefined {
    assert(!this.#consumed, 'the SHA-256 check is handed over before the body is read');
    const { payload } = this.options;
    if (payload.payload !== 'sha256') return undefined;
    this.#sha256Deferred = true;
    return { verify: (sha256Hex) => verifyPayloadSha256(payload, sha256Hex) };
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    assert(!this.#consumed, 'a request body is read once');
    this.#consumed = true;
    const { payload } = this.options;
    if (isStreaming(payload)) return this.#decodeAwsChunked(payload);
    return this.#passThrough(payload.payload === 'sha256' && !this.#sha256Deferred ? payload : undefined);
  }

  /** Reads the whole body into memory: only for small XML request documents, bounded by `bytesMax`. */
  async readAll(bytesMax: number, tooLarge: () => Error): Promise<Buffer> {
    if (this.sizeBytes !== undefined && this.sizeBytes > bytesMax) throw tooLarge();
    const pieces: Uint8Array[] = [];
    let sizeBytes = 0;
    for await (const piece of this) {
      sizeBytes += piece.length;
      if (sizeBytes > bytesMax) throw tooLarge();
      pieces.push(piece);
    }
    return Buffer.concat(pieces);
  }

  async *#passThrough(signed: { readonly payload: 'sha256'; readonly sha256Hex: string } | undefined): AsyncGenerator<Uint8Array> {
    const hash = signed === undefined ? undefined : createHash('sha256');
    const expectedBytes = this.options.contentLengthBytes;
    let receivedBytes = 0;
    for await (const piece of readSource(this.options.source, expectedBytes, () => receivedBytes, this.options.cut)) {
      receivedBytes += piece.length;
      if (expectedBytes !== undefined && receivedBytes > expectedBytes) throw new InvalidRequestError('The body is longer than Content-Length');
      hash?.update(piece);
      yield piece;
    }
    if (expectedBytes !== undefined && receivedBytes !== expectedBytes) throw new IncompleteBodyError(expectedBytes, receivedBytes);
    if (signed !== undefined) verifyPayloadSha256(signed, hash!.digest('hex'));
  }

  async *#decodeAwsChunked(mode: StreamingPayloadMode): AsyncGenerator<Uint8Array> {
    const decoder = new AwsChunkedDecoder({ mode, context: this.options.streaming, limits: this.options.limits ?? awsChunkedLimitsDefault });
    for await (const piece of readSource(this.options.source, this.options.contentLengthBytes, () => decoder.decodedSizeBytes, this.options.cut)) {
      yield* decoder.push(piece);
    }
    this.#trailerFields = decoder.finish();
  }
}

function isStreaming(payload: PayloadMode): payload is StreamingPayloadMode {
  return payload.payload.startsWith('streaming-');
}

/**
 * The source's pieces; a connection that ends early (node's 'aborted') becomes IncompleteBody. A
 * request stream is not destroyed when its reader stops early (a document past its limit, a bad
 * chunk signature): node would stop reading the socket, and the client still sending would be
 * reset before it read the answer. The edge discards the rest while it closes (s3-server.ts).
 */
async function* readSource(
  source: AsyncIterable<Uint8Array>,
  expectedBytes: number | undefined,
  receivedBytes: () => number,
  cut: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  const pieces: AsyncIterable<Uint8Array> = source instanceof Readable ? source.iterator({ destroyOnReturn: false }) : source;
  const iterator = pieces[Symbol.asyncIterator]();
  try {
    for (;;) {
      // A pending next() left behind by a cut settles when the connection closes.
      const next = cut === undefined ? await iterator.next() : await nextUnlessAborted(iterator, cut, () => new IncompleteBodyError(expectedBytes, receivedBytes()));
      if (next.done === true) return;
      yield next.value;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') throw new IncompleteBodyError(expectedBytes, receivedBytes());
    throw error;
  } finally {
    // Not awaited: behind a pending next() (a cut), return() waits for the connection to close.
    void Promise.resolve(iterator.return?.()).catch(() => {});
  }
}

type DecoderPhase = 'header' | 'data' | 'data-end' | 'trailer' | 'done';

/**
 * A push decoder of aws-chunked framing: feed received pieces to {@link AwsChunkedDecoder.push},
 * which yields decoded data (views into the pieces), then call {@link AwsChunkedDecoder.finish}.
 * Buffers at most one chunk header or the trailer (bounded by the limits), never chunk data.
 */
export class AwsChunkedDecoder {
  decodedSizeBytes = 0;
  #phase: DecoderPhase = 'header';
  #pending: Buffer = Buffer.alloc(0);
  #chunkRemainingBytes = 0;
  #chunkSignatureHex: string | undefined;
  #chunkHash: Hash | undefined;
  #previousSignatureHex: string;
  #trailerFields: readonly TrailerField[] = [];
  readonly #signed: boolean;

  constructor(
    private readonly options: {
      readonly mode: StreamingPayloadMode;
      readonly context: StreamingSigningContext | undefined;
      readonly limits: AwsChunkedLimits;
    },
  ) {
    this.#signed = options.mode.payload !== 'streaming-unsigned-trailer';
    this.#previousSignatureHex = options.context?.seedSignatureHex ?? '';
  }

  /** Decodes one received piece. @throws SecurityError (InvalidRequest, SignatureDoesNotMatch, IncompleteBody). */
  *push(piece: Uint8Array): Generator<Uint8Array> {
    this.#pending = this.#pending.length === 0 ? Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength) : Buffer.concat([this.#pending, piece]);
    while (this.#pending.length > 0) {
      const progressed = this.#step();
      if (progressed === 'need-more') return;
      if (progressed !== undefined) yield progressed;
    }
  }

  /** Ends decoding and returns the trailer fields. @throws IncompleteBody when the body ended early. */
  finish(): readonly TrailerField[] {
    if (this.#phase !== 'done') throw new IncompleteBodyError(this.options.mode.decodedSizeBytes, this.decodedSizeBytes);
    return this.#trailerFields;
  }

  /** One step over `#pending`: decoded data, nothing (framing consumed) or 'need-more'. */
  #step(): Uint8Array | undefined | 'need-more' {
    switch (this.#phase) {
      case 'header':
        return this.#stepHeader();
      case 'data':
        return this.#stepData();
      case 'data-end':
        return this.#stepDataEnd();
      case 'trailer':
        return this.#stepTrailer();
      case 'done':
        throw new InvalidRequestError('aws-chunked: bytes after the end of the body');
    }
  }

  #stepHeader(): undefined | 'need-more' {
    const header = parseChunkHeader(this.#pending, { signed: this.#signed, limits: this.options.limits });
    if (header.status === 'incomplete') return 'need-more';
    this.#pending = this.#pending.subarray(header.headerSizeBytes);
    this.#chunkSignatureHex = header.signatureHex;
    this.#chunkRemainingBytes = header.chunkSizeBytes;
    if (this.decodedSizeBytes + header.chunkSizeBytes > this.options.mode.decodedSizeBytes) {
      throw new InvalidRequestError('aws-chunked: the chunks are longer than x-amz-decoded-content-length');
    }
    if (header.chunkSizeBytes === 0) {
      this.#verifyChunk(sha256HexOfEmpty);
      if (this.decodedSizeBytes !== this.options.mode.decodedSizeBytes) throw new IncompleteBodyError(this.options.mode.decodedSizeBytes, this.decodedSizeBytes);
      this.#phase = 'trailer';
      return undefined;
    }
    this.#chunkHash = this.#signed ? createHash('sha256') : undefined;
    this.#phase = 'data';
    return undefined;
  }

  #stepData(): Uint8Array {
    const takeBytes = Math.min(this.#chunkRemainingBytes, this.#pending.length);
    const data = this.#pending.subarray(0, takeBytes);
    this.#pending = this.#pending.subarray(takeBytes);
    this.#chunkRemainingBytes -= takeBytes;
    this.decodedSizeBytes += takeBytes;
    this.#chunkHash?.update(data);
    if (this.#chunkRemainingBytes === 0) {
      if (this.#chunkHash !== undefined) this.#verifyChunk(this.#chunkHash.digest('hex'));
      this.#phase = 'data-end';
    }
    return data;
  }

  #stepDataEnd(): undefined | 'need-more' {
    if (this.#pending.length < 2) return 'need-more';
    if (this.#pending[0] !== 0x0d || this.#pending[1] !== 0x0a) throw new InvalidRequestError('aws-chunked: chunk data not followed by CRLF');
    this.#pending = this.#pending.subarray(2);
    this.#phase = 'header';
    return undefined;
  }

  #stepTrailer(): undefined | 'need-more' {
    if (this.options.mode.payload === 'streaming-signed') {
      // No trailer: the last chunk's header is followed by an empty line.
      if (this.#pending.length < 2) return 'need-more';
      if (this.#pending[0] !== 0x0d || this.#pending[1] !== 0x0a) throw new InvalidRequestError('aws-chunked: the last chunk is not followed by CRLF');
      this.#pending = this.#pending.subarray(2);
      this.#phase = 'done';
      return undefined;
    }
    const trailer = parseTrailer(this.#pending, { signed: this.#signed, limits: this.options.limits });
    if (trailer.status === 'incomplete') return 'need-more';
    if (this.#signed) {
      verifyTrailerSignature({ context: this.options.context!, previousSignatureHex: this.#previousSignatureHex, fields: trailer.fields, signatureHex: trailer.signatureHex! });
    }
    const missing = this.options.mode.trailerNames.filter((name) => !trailer.fields.some((field) => field.name === name));
    if (missing.length > 0) throw new InvalidRequestError(`aws-chunked: declared trailer ${missing.join(', ')} not sent`);
    this.#trailerFields = trailer.fields;
    this.#pending = this.#pending.subarray(trailer.trailerSizeBytes);
    this.#phase = 'done';
    return undefined;
  }

  #verifyChunk(chunkSha256Hex: string): void {
    if (!this.#signed) return;
    this.#previousSignatureHex = verifyChunkSignature({
      context: this.options.context!,
      previousSignatureHex: this.#previousSignatureHex,
      chunkSha256Hex,
      signatureHex: this.#chunkSignatureHex!,
    });
  }
}
