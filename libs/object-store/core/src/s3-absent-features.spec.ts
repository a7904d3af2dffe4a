import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { absentFeatureAnswer, checkObjectLockHeaders } from './s3-absent-features.js';
import { isS3Error } from './s3-errors.js';

function describeAnswer(operationName: string, versioning = 'Unversioned'): string | undefined {
  const answer = absentFeatureAnswer(operationName, 'b', versioning);
  if (answer === undefined) return undefined;
  return answer.kind === 'noContent' ? '204' : `${answer.error.httpStatusCode} ${answer.error.code}`;
}

function codeOf(operation: string, headers: Record<string, string>): string | undefined {
  try {
    checkObjectLockHeaders(operation, headers);
    return undefined;
  } catch (error) {
    assert.ok(isS3Error(error), String(error));
    return `${error.httpStatusCode} ${error.code}`;
  }
}

describe('absentFeatureAnswer', () => {
  it("answers reads of a configuration no bucket has with S3's not-found errors, naming the bucket", () => {
    assert.equal(describeAnswer('GetObjectLockConfiguration'), '404 ObjectLockConfigurationNotFoundError'); // test_object_lock_get_obj_lock_invalid_bucket
    assert.equal(describeAnswer('GetBucketWebsite'), '404 NoSuchWebsiteConfiguration');
    assert.equal(describeAnswer('GetBucketReplication'), '404 ReplicationConfigurationNotFoundError');
    const answer = absentFeatureAnswer('GetBucketWebsite', 'my-bucket', 'Enabled');
    assert.deepEqual(answer?.kind === 'error' ? answer.error.fields : undefined, { BucketName: 'my-bucket' });
  });

  it('refuses Object Lock on objects of a bucket without it, and deletes of absent configurations are 204', () => {
    for (const operation of ['GetObjectRetention', 'PutObjectRetention', 'GetObjectLegalHold', 'PutObjectLegalHold']) {
      assert.equal(describeAnswer(operation), '400 InvalidRequest', operation); // test_object_lock_*_invalid_bucket
    }
    assert.equal(describeAnswer('DeleteBucketWebsite'), '204');
  });

  it('Object Lock configuration: 409 InvalidBucketState unless versioning is enabled, then NotImplemented', () => {
    assert.equal(describeAnswer('PutObjectLockConfiguration', 'Unversioned'), '409 InvalidBucketState'); // test_object_lock_put_obj_lock_invalid_bucket
    assert.equal(describeAnswer('PutObjectLockConfiguration', 'Suspended'), '409 InvalidBucketState');
    assert.equal(describeAnswer('PutObjectLockConfiguration', 'Enabled'), undefined);
    for (const operation of ['PutBucketWebsite', 'GetBucketOwnershipControls', 'GetBucketEncryption', 'PostObject']) assert.equal(describeAnswer(operation), undefined, operation);
  });
});

describe('checkObjectLockHeaders', () => {
  it('refuses a bucket with Object Lock (NotImplemented) and locked writes (InvalidRequest)', () => {
    assert.equal(codeOf('CreateBucket', { 'x-amz-bucket-object-lock-enabled': 'True' }), '501 NotImplemented');
    assert.equal(codeOf('CreateBucket', { 'x-amz-bucket-object-lock-enabled': 'false' }), undefined);
    assert.equal(codeOf('PutObject', { 'x-amz-object-lock-mode': 'COMPLIANCE', 'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z' }), '400 InvalidRequest');
    assert.equal(codeOf('CreateMultipartUpload', { 'x-amz-object-lock-legal-hold': 'ON' }), '400 InvalidRequest');
    assert.equal(codeOf('CopyObject', { 'x-amz-object-lock-mode': 'GOVERNANCE' }), '400 InvalidRequest');
    assert.equal(codeOf('GetObject', { 'x-amz-object-lock-mode': 'GOVERNANCE' }), undefined);
    assert.equal(codeOf('PutObject', {}), undefined);
  });
});
