/**
 * What every S3 handler shares: sending XML or empty responses, proposing a metadata command and
 * turning its typed reply into a value or an S3 error, and deleting the blobs a reply names as
 * garbage.
 */
import {
  nullVersionId,
  S3Error,
  s3Errors,
  type ObjectMetadataCommand,
  type ObjectMetadataError,
  type ObjectMetadataReply,
  type ObjectMetadataValues,
} from '@objectbox/object-store-core';
import type { BlobRef } from '@objectbox/object-store-core';
import type { ProposeOptions, S3Exchange } from './s3-server.js';

/**
 * `x-amz-version-id` of a write (PutObject, CopyObject, CompleteMultipartUpload): the new version's
 * id in a versioning-enabled bucket, nothing for the null version an unversioned or suspended
 * bucket writes (ceph/s3-tests test_versioning_bucket_atomic_upload_return_version_id and
 * _multipart_upload_return_version_id).
 */
export function versionIdHeader(written: { readonly versioning: string; readonly versionId: string }): Record<string, string> {
  return written.versioning === 'Unversioned' || written.versionId === nullVersionId ? {} : { 'x-amz-version-id': written.versionId };
}

/** Sends an XML document with `status` (200 by default). */
export function sendXml(exchange: S3Exchange, xml: string, options: { status?: number; headers?: Record<string, string> } = {}): void {
  const { response } = exchange;
  response.statusCode = options.status ?? 200;
  for (const [name, value] of Object.entries(options.headers ?? {})) response.setHeader(name, value);
  response.setHeader('content-type', 'application/xml');
  response.setHeader('content-length', Buffer.byteLength(xml));
  response.end(exchange.request.method === 'HEAD' ? undefined : xml);
}

/** Sends a response without a body. */
export function sendEmpty(exchange: S3Exchange, status: number, headers: Record<string, string | number> = {}): void {
  const { response } = exchange;
  response.statusCode = status;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (status !== 204 && status !== 304 && !('content-length' in headers)) response.setHeader('content-length', 0);
  response.end();
}

/**
 * The S3 error for a metadata reply's error. `context` supplies what the document names (bucket,
 * key, upload id), since the core's errors carry codes and messages only.
 */
export function s3ErrorFromMetadata(
  error: ObjectMetadataError,
  context: { bucket?: string; key?: string; uploadId?: string; versionId?: string; method?: string },
): S3Error {
  switch (error.code) {
    case 'NoSuchBucket':
      return s3Errors.noSuchBucket(context.bucket ?? '');
    case 'NoSuchKey':
      if (error.deleteMarker !== true) return s3Errors.noSuchKey(context.key ?? '');
      return new S3Error('NoSuchKey', { fields: { Key: context.key ?? '' }, headers: deleteMarkerHeaders(error) });
    case 'NoSuchUpload':
      return s3Errors.noSuchUpload(context.uploadId ?? '');
    case 'NoSuchVersion':
      return s3Errors.noSuchVersion(context.key ?? '', context.versionId ?? error.versionId ?? '');
    case 'BucketNotEmpty':
      return s3Errors.bucketNotEmpty(context.bucket ?? '');
    case 'BucketAlreadyOwnedByYou':
      return s3Errors.bucketAlreadyOwnedByYou(context.bucket ?? '');
    case 'PreconditionFailed':
      return new S3Error('PreconditionFailed', { message: error.message });
    case 'MethodNotAllowed':
      if (error.deleteMarker !== true) return new S3Error(error.code, { message: error.message });
      return new S3Error('MethodNotAllowed', {
        fields: { ...(context.method === undefined ? {} : { Method: context.method }), ResourceType: 'DeleteMarker' },
        headers: deleteMarkerHeaders(error),
      });
    case 'NoSuchTagSet':
    case 'BucketAlreadyExists':
    case 'InvalidPart':
    case 'InvalidPartOrder':
    case 'EntityTooSmall':
    case 'EntityTooLarge':
    case 'MalformedXML':
    case 'InvalidArgument':
      return new S3Error(error.code, { message: error.message });
    case 'TooManyBuckets':
    case 'TooManyVersions':
    case 'TooManyUploads':
      return new S3Error('InvalidRequest', { message: error.message });
    case 'AccessControlListNotSupported':
    case 'InvalidBucketAclWithObjectOwnership':
      return new S3Error(error.code);
    case 'OperationAborted':
    case 'AccessDenied':
      return new S3Error(error.code, { message: error.message });
    case 'TooManyAccessKeys':
    case 'NoSuchAccessKey':
    case 'AccessKeyAlreadyExists':
      return s3Errors.internalError(new Error(`${error.code}: ${error.message}`));
  }
}

/**
 * What S3 sends with an error caused by a delete marker: `x-amz-delete-marker: true`, the marker's
 * version id (unless 'null'), and its Last-Modified for a 405 by version id.
 */
function deleteMarkerHeaders(error: ObjectMetadataError): Record<string, string> {
  return {
    'x-amz-delete-marker': 'true',
    ...(error.versionId === undefined || error.versionId === nullVersionId ? {} : { 'x-amz-version-id': error.versionId }),
    ...(error.lastModifiedMs === undefined ? {} : { 'last-modified': httpDate(error.lastModifiedMs) }),
  };
}

/** A reply's value, or its error thrown as an S3 error (see {@link s3ErrorFromMetadata}). */
export function valueOf<T>(reply: ObjectMetadataReply<T>, context: Parameters<typeof s3ErrorFromMetadata>[1]): T {
  if (reply.ok) return reply.value;
  throw s3ErrorFromMetadata(reply.error, context);
}

/**
 * Proposes `command`, deletes the garbage its reply names (replaced versions; the command's own
 * blobs when it failed), and returns the reply.
 */
export async function proposeCommand<C extends ObjectMetadataCommand>(
  exchange: S3Exchange,
  command: C,
  options: ProposeOptions = {},
): Promise<ObjectMetadataReply<ObjectMetadataValues[C['op']]>> {
  const reply = await exchange.server.metadata.propose(command, options);
  deleteGarbage(exchange, reply.garbage);
  return reply;
}

/**
 * Replicates a freshly written blob to a majority of the replicas (a no-op with one replica); call
 * after the local write and before proposing metadata that refers to it.
 */
export async function replicateBlob(exchange: S3Exchange, blob: { blobId: string; blake3: string; sizeBytes: number }): Promise<void> {
  await exchange.server.options.replication?.replicate(blob.blobId, blob.blake3, blob.sizeBytes);
}

/**
 * Deletes unreferenced blobs in the background; a failure is logged and left to the orphan
 * collector (a blob nothing refers to is never read).
 */
export function deleteGarbage(exchange: S3Exchange, garbage: readonly BlobRef[]): void {
  if (garbage.length === 0) return;
  Promise.all(garbage.map((blob) => exchange.server.blobs.delete(blob.blobId))).catch((error: unknown) => {
    exchange.server.options.logger.warn({ err: error, request_id: exchange.requestId, blob_count: garbage.length }, 'garbage blobs not deleted');
  });
}

/** HTTP-dates formatted recently, by whole second (the format's resolution); cleared when full. */
const httpDateBySecond = new Map<number, string>();
const httpDateMemoEntriesMax = 4096;

/**
 * HTTP-date (RFC 7231 IMF-fixdate) of a time, for Last-Modified. Memoised per second: a Date and
 * its formatting were ~0.7 % of a 4 KiB GET's busy time, and the objects read in a burst were mostly
 * written in the same few seconds.
 */
export function httpDate(timeMs: number): string {
  const second = Math.floor(timeMs / 1000);
  let text = httpDateBySecond.get(second);
  if (text === undefined) {
    text = new Date(second * 1000).toUTCString();
    if (httpDateBySecond.size >= httpDateMemoEntriesMax) httpDateBySecond.clear();
    httpDateBySecond.set(second, text);
  }
  return text;
}

/** The first value of a request header. */
export function headerOf(exchange: S3Exchange, name: string): string | undefined {
  const value = exchange.request.headers[name];
  return typeof value === 'string' ? value : value?.[0];
}
