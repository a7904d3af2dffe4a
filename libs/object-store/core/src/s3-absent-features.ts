/**
 * Object Lock, website and replication
 * are not implemented, so no bucket here ever has them configured. Where S3 has a definite answer
 * for a bucket without the configuration, that answer is given instead of `NotImplemented`: reading
 * it is the "not found" error S3 sends (ceph/s3-tests test_object_lock_get_obj_lock_invalid_bucket,
 * _put_obj_retention_invalid_bucket, ...; clients such as Terraform read these on every bucket),
 * deleting it is a 204 no-op, and Object Lock on an object of such a bucket is refused as S3 refuses
 * it. Setting a configuration stays `NotImplemented`, except Object Lock on a bucket whose
 * versioning is not enabled, which S3 refuses with 409 InvalidBucketState.
 */
import type { S3RequestHead } from './s3-endpoint.js';
import { requestHeaderValue } from './s3-endpoint.js';
import { S3Error, s3Errors } from './s3-errors.js';

/** What S3 answers `operationName` on an existing bucket without the feature: an error to send, or 204. */
export type S3AbsentFeatureAnswer = { readonly kind: 'error'; readonly error: S3Error } | { readonly kind: 'noContent' };

const missingObjectLock = (): S3Error => new S3Error('InvalidRequest', { message: 'Bucket is missing Object Lock Configuration' });

const notFound: Readonly<Record<string, (bucket: string) => S3Error>> = {
  GetObjectLockConfiguration: (bucket) => new S3Error('ObjectLockConfigurationNotFoundError', { fields: { BucketName: bucket } }),
  GetObjectRetention: missingObjectLock,
  PutObjectRetention: missingObjectLock,
  GetObjectLegalHold: missingObjectLock,
  PutObjectLegalHold: missingObjectLock,
  GetBucketWebsite: (bucket) => new S3Error('NoSuchWebsiteConfiguration', { fields: { BucketName: bucket } }),
  GetBucketReplication: (bucket) => new S3Error('ReplicationConfigurationNotFoundError', { fields: { BucketName: bucket } }),
};

const deletesOfAbsent: ReadonlySet<string> = new Set([
  'DeleteBucketWebsite',
  'DeleteBucketReplication',
]);

/**
 * S3's answer to `operationName` (a `NotImplemented` endpoint's name) on `bucket`, which exists and
 * whose versioning is `versioning`, or undefined when only `NotImplemented` fits.
 */
export function absentFeatureAnswer(operationName: string, bucket: string, versioning: string): S3AbsentFeatureAnswer | undefined {
  const error = notFound[operationName];
  if (error !== undefined) return { kind: 'error', error: error(bucket) };
  if (deletesOfAbsent.has(operationName)) return { kind: 'noContent' };
  if (operationName === 'PutObjectLockConfiguration' && versioning !== 'Enabled') {
    return { kind: 'error', error: new S3Error('InvalidBucketState', { message: "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration" }) };
  }
  return undefined;
}

/**
 * Object Lock request headers: a bucket created with Object Lock would not enforce it, so that is
 * `NotImplemented`; a write asking to lock an object gets S3's answer for a bucket without Object
 * Lock (400 InvalidRequest), never a silently unlocked object.
 * @throws S3Error `NotImplemented`, `InvalidRequest`.
 */
export function checkObjectLockHeaders(operation: string, headers: S3RequestHead['headers']): void {
  if (operation === 'CreateBucket') {
    if (requestHeaderValue(headers, 'x-amz-bucket-object-lock-enabled')?.trim().toLowerCase() === 'true') {
      throw s3Errors.notImplemented('CreateBucket with Object Lock (x-amz-bucket-object-lock-enabled)');
    }
    return;
  }
  if (operation !== 'PutObject' && operation !== 'CopyObject' && operation !== 'CreateMultipartUpload') return;
  const lockHeaders = ['x-amz-object-lock-mode', 'x-amz-object-lock-retain-until-date', 'x-amz-object-lock-legal-hold'];
  if (lockHeaders.some((name) => requestHeaderValue(headers, name) !== undefined)) throw missingObjectLock();
}
