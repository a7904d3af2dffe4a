/**
 * Typed errors of the object store's data path (blob store, hashing, orphan collection).
 *
 * The S3 edge maps `code` once, in its error table, to an S3 error code and HTTP status; the
 * intended mapping is noted on each class. Fields are structured; messages are for logs.
 */
import { isObjectBoxError, ObjectBoxError } from '@objectbox/util';
import type { ChecksumAlgorithm } from './blob-checksums.js';

/** Base of the data path's errors; {@link isBlobStoreError} recognises it across package copies. */
export abstract class BlobStoreError extends ObjectBoxError {
  readonly isBlobStoreError = true;
}

/** True for any {@link BlobStoreError}, also across duplicated copies of this package. */
export function isBlobStoreError(value: unknown): value is BlobStoreError {
  return isObjectBoxError(value) && (value as Partial<BlobStoreError>).isBlobStoreError === true;
}

/** Content-MD5 did not match the received bytes. S3: `BadDigest`, 400. */
export class BadDigestError extends BlobStoreError {
  readonly code = 'BadDigest';
  readonly kind = 'invalid-argument';
  constructor(
    /** Base64 as the client sent it. */
    readonly expectedBase64: string,
    /** Base64 of the MD5 of the bytes received. */
    readonly actualBase64: string,
  ) {
    super('The Content-MD5 you specified did not match what we received.');
  }
}

/** Content-MD5 is not base64 of 16 bytes. S3: `InvalidDigest`, 400. */
export class InvalidDigestError extends BlobStoreError {
  readonly code = 'InvalidDigest';
  readonly kind = 'invalid-argument';
  constructor(readonly valueUntrusted: string) {
    super('The Content-MD5 you specified is not valid.');
  }
}

/**
 * An `x-amz-checksum-*` value (header or trailer) did not match the received bytes.
 * S3: `BadDigest`, 400, "The <ALGORITHM> you specified did not match the calculated checksum."
 */
export class ChecksumMismatchError extends BlobStoreError {
  readonly code = 'ChecksumMismatch';
  readonly kind = 'invalid-argument';
  constructor(
    readonly algorithm: ChecksumAlgorithm,
    readonly expectedBase64: string,
    readonly actualBase64: string,
  ) {
    super(`The ${algorithm} you specified did not match the calculated checksum.`);
  }
}

/**
 * An `x-amz-checksum-*` value is not base64 of the algorithm's digest size.
 * S3: `InvalidRequest`, 400, "Value for x-amz-checksum-<algorithm> header is invalid."
 */
export class InvalidChecksumError extends BlobStoreError {
  readonly code = 'InvalidChecksum';
  readonly kind = 'invalid-argument';
  constructor(
    readonly algorithm: ChecksumAlgorithm,
    readonly valueUntrusted: string,
  ) {
    super(`Value for x-amz-checksum-${algorithm.toLowerCase()} header is invalid.`);
  }
}

/** The body ended before the announced size. S3: `IncompleteBody`, 400. */
export class IncompleteBodyError extends BlobStoreError {
  readonly code = 'IncompleteBody';
  readonly kind = 'invalid-argument';
  constructor(
    readonly expectedSizeBytes: number,
    readonly receivedSizeBytes: number,
  ) {
    super('You did not provide the number of bytes specified by the Content-Length HTTP header.');
  }
}

/**
 * The body went on past the announced size (a decoded aws-chunked body longer than
 * `x-amz-decoded-content-length`). S3 answers `InvalidRequest`/400 for a chunked body whose length
 * disagrees; a plain HTTP body cannot be longer than Content-Length at this layer.
 */
export class BodyTooLongError extends BlobStoreError {
  readonly code = 'BodyTooLong';
  readonly kind = 'invalid-argument';
  constructor(readonly expectedSizeBytes: number) {
    super(`The body is longer than the ${expectedSizeBytes} bytes announced.`);
  }
}

/** The body is larger than allowed (5 GiB for a single PUT by default). S3: `EntityTooLarge`, 400. */
export class EntityTooLargeError extends BlobStoreError {
  readonly code = 'EntityTooLarge';
  readonly kind = 'invalid-argument';
  constructor(readonly sizeBytesMax: number) {
    super('Your proposed upload exceeds the maximum allowed object size.');
  }
}

/**
 * The write was cancelled through its AbortSignal (client disconnected, request timed out); its temp
 * file is removed. S3: nothing is answered to a gone client; a timeout maps to `RequestTimeout`.
 */
export class BlobWriteAbortedError extends BlobStoreError {
  readonly code = 'BlobWriteAborted';
  readonly kind = 'aborted';
  constructor(options?: { cause?: unknown }) {
    super('The blob write was aborted.', options);
  }
}

/** No blob with this id is stored here. The edge maps it per context (a missing part: `NoSuchKey`/500). */
export class BlobNotFoundError extends BlobStoreError {
  readonly code = 'BlobNotFound';
  readonly kind = 'not-found';
  constructor(readonly blobId: string) {
    super(`Blob ${blobId} is not stored here.`);
  }
}

/** A requested byte range lies outside the blob. S3: `InvalidRange`, 416 (the edge checks first). */
export class BlobRangeNotSatisfiableError extends BlobStoreError {
  readonly code = 'InvalidRange';
  readonly kind = 'invalid-argument';
  constructor(
    readonly start: number,
    readonly endInclusive: number,
    readonly sizeBytes: number,
  ) {
    super(`The range ${start}-${endInclusive} is not satisfiable for ${sizeBytes} bytes.`);
  }
}

/** Why a stored blob was judged corrupt. */
export type BlobCorruptionReason =
  | 'trailer-invalid'
  | 'size-mismatch'
  | 'root-mismatch'
  | 'expected-blake3-mismatch'
  | 'chunk-mismatch'
  | 'short-read';

/**
 * Stored bytes do not match their blake3 (bit rot, truncation, a wrong file). Never silent: a read
 * stream is destroyed with this error before any unverified byte is delivered. S3: `InternalError`,
 * 500; the replica should re-fetch the blob from a peer and the operator is alerted.
 */
export class BlobCorruptionError extends BlobStoreError {
  readonly code = 'BlobCorruption';
  readonly kind = 'internal';
  constructor(
    readonly blobId: string,
    readonly reason: BlobCorruptionReason,
    /** Index of the first failing chunk, when the failure is in one. */
    readonly chunkIndex: number | null = null,
  ) {
    super(`Blob ${blobId} is corrupt (${reason}${chunkIndex === null ? '' : ` in chunk ${chunkIndex}`}).`);
  }
}

/** A hash worker died or the pool was closed; the write fails and its temp file is removed. */
export class BlobHashWorkerError extends BlobStoreError {
  readonly code = 'BlobHashWorkerFailed';
  readonly kind = 'internal';
}
