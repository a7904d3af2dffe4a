/**
 * Goal: the current AWS SDK for JavaScript (`@aws-sdk/client-s3`, default checksum settings: CRC32
 * computed on every upload, response checksums validated) works against a real object-store
 * process for buckets and simple objects, in-memory and streamed bodies (a stream of unknown hash
 * makes the SDK send `STREAMING-UNSIGNED-PAYLOAD-TRAILER` with the CRC32 in the aws-chunked
 * trailer), and that failures come back as S3 error documents with the right codes.
 * Method: `objectbox start object-store` on free ports; the SDK in this process; raw `fetch` for
 * the error-document checks (the SDK hides the XML).
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketLocationCommand,
  GetBucketLoggingCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { cleanUp } from './harness.js';
import { roundtripSizesBytes, type S3UnderTest, sha256Hex, startObjectStore } from './s3-e2e-support.js';

describe('@aws-sdk/client-s3 against objectbox start object-store', () => {
  let s3: S3UnderTest;
  let client: S3Client;
  const bucket = 'sdk-bucket';

  before(async () => {
    s3 = await startObjectStore();
    client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => {
    client?.destroy();
    await cleanUp();
  });

  async function getBytes(key: string, range?: string): Promise<{ bytes: Buffer; contentRange: string | undefined }> {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(range === undefined ? {} : { Range: range }) }));
    return { bytes: Buffer.from(await response.Body!.transformToByteArray()), contentRange: response.ContentRange };
  }

  test('buckets: list, head, location; a second create is BucketAlreadyOwnedByYou', async () => {
    const listed = await client.send(new ListBucketsCommand({}));
    assert.deepEqual(listed.Buckets?.map((entry) => entry.Name), [bucket]);
    const head = await client.send(new HeadBucketCommand({ Bucket: bucket }));
    assert.equal(head.BucketRegion, 'us-east-1');
    const location = await client.send(new GetBucketLocationCommand({ Bucket: bucket }));
    assert.equal(location.LocationConstraint, undefined);
    await assert.rejects(client.send(new CreateBucketCommand({ Bucket: bucket })), (error: S3ServiceException) => error.name === 'BucketAlreadyOwnedByYou');
  });

  test('roundtrip of 0 B, 1 B and 5 MiB ± 1 with in-memory bodies', async () => {
    for (const sizeBytes of roundtripSizesBytes) {
      const bytes = randomBytes(sizeBytes);
      const key = `memory/${sizeBytes}`;
      const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
      assert.match(put.ETag ?? '', /^"[0-9a-f]{32}"$/);
      const { bytes: back } = await getBytes(key);
      assert.equal(sha256Hex(back), sha256Hex(bytes), `${sizeBytes} bytes`);
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(head.ContentLength, sizeBytes);
      assert.equal(head.ETag, put.ETag);
    }
  });

  test('streamed bodies (aws-chunked with a trailing CRC32) roundtrip, and the checksum is stored', async () => {
    for (const sizeBytes of roundtripSizesBytes) {
      const bytes = randomBytes(sizeBytes);
      const key = `stream/${sizeBytes}`;
      const pieces = [bytes.subarray(0, Math.floor(sizeBytes / 3)), bytes.subarray(Math.floor(sizeBytes / 3))];
      const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Readable.from(pieces), ContentLength: sizeBytes }));
      assert.ok(put.ChecksumCRC32, 'the server echoes the verified CRC32');
      const { bytes: back } = await getBytes(key);
      assert.equal(sha256Hex(back), sha256Hex(bytes), `${sizeBytes} bytes`);
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
      assert.equal(head.ChecksumCRC32, put.ChecksumCRC32);
    }
  });

  test('ranges: closed, open, suffix, and 416 past the end', async () => {
    const bytes = randomBytes(1000);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranged', Body: bytes }));
    assert.deepEqual((await getBytes('ranged', 'bytes=100-199')).bytes, bytes.subarray(100, 200));
    assert.deepEqual((await getBytes('ranged', 'bytes=900-')).bytes, bytes.subarray(900));
    const suffix = await getBytes('ranged', 'bytes=-10');
    assert.deepEqual(suffix.bytes, bytes.subarray(990));
    assert.equal(suffix.contentRange, 'bytes 990-999/1000');
    await assert.rejects(getBytes('ranged', 'bytes=1000-'), (error: S3ServiceException) => error.name === 'InvalidRange' && error.$metadata.httpStatusCode === 416);
  });

  test('conditional GET: If-None-Match gives 304, If-Match with another ETag 412', async () => {
    const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'conditional', Body: 'hello' }));
    await assert.rejects(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'conditional', IfNoneMatch: put.ETag })), (error: S3ServiceException) => error.$metadata.httpStatusCode === 304);
    await assert.rejects(
      client.send(new GetObjectCommand({ Bucket: bucket, Key: 'conditional', IfMatch: '"00000000000000000000000000000000"' })),
      (error: S3ServiceException) => error.name === 'PreconditionFailed' && error.$metadata.httpStatusCode === 412,
    );
  });

  test('CopyObject checks x-amz-copy-source-if-*: a failed condition is 412 and copies nothing', async () => {
    const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy-source', Body: 'source bytes' }));
    const modified = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'copy-source' }));
    const copy = (conditions: Partial<ConstructorParameters<typeof CopyObjectCommand>[0]>) =>
      client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy-target', CopySource: `${bucket}/copy-source`, ...conditions }));
    const preconditionFailed = (error: S3ServiceException) => error.name === 'PreconditionFailed' && error.$metadata.httpStatusCode === 412;
    await assert.rejects(copy({ CopySourceIfMatch: '"00000000000000000000000000000000"' }), preconditionFailed);
    await assert.rejects(copy({ CopySourceIfNoneMatch: put.ETag }), preconditionFailed);
    await assert.rejects(copy({ CopySourceIfModifiedSince: new Date(modified.LastModified!.getTime() + 60_000) }), preconditionFailed);
    await assert.rejects(copy({ CopySourceIfUnmodifiedSince: new Date(modified.LastModified!.getTime() - 60_000) }), preconditionFailed);
    await assert.rejects(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'copy-target' })), (error: S3ServiceException) => error.$metadata.httpStatusCode === 404);
    // If-Match true wins over a false If-Unmodified-Since, as in S3's documented combinations.
    await copy({ CopySourceIfMatch: put.ETag, CopySourceIfUnmodifiedSince: new Date(modified.LastModified!.getTime() - 60_000) });
    assert.deepEqual((await getBytes('copy-target')).bytes, Buffer.from('source bytes'));
  });

  test('listing with prefix, delimiter and continuation; delete', async () => {
    for (const key of ['list/a', 'list/b', 'list/c/d']) await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
    const first = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', Delimiter: '/', MaxKeys: 2 }));
    assert.deepEqual(first.Contents?.map((entry) => entry.Key), ['list/a', 'list/b']);
    assert.equal(first.IsTruncated, true);
    const second = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', Delimiter: '/', MaxKeys: 2, ContinuationToken: first.NextContinuationToken }));
    assert.deepEqual(second.CommonPrefixes?.map((entry) => entry.Prefix), ['list/c/']);
    assert.equal(second.IsTruncated, false);
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'list/a' }));
    await assert.rejects(client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'list/a' })), (error: S3ServiceException) => error.$metadata.httpStatusCode === 404);
    await assert.rejects(client.send(new DeleteBucketCommand({ Bucket: bucket })), (error: S3ServiceException) => error.name === 'BucketNotEmpty');
  });

  test('error documents: bad signature 403 SignatureDoesNotMatch, wrong region, clock skew, unknown bucket 404 NoSuchBucket, anonymous 403', async () => {
    const forged = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: 'wrong' } });
    await assert.rejects(forged.send(new ListBucketsCommand({})), (error: S3ServiceException) => error.name === 'SignatureDoesNotMatch' && error.$metadata.httpStatusCode === 403);
    forged.destroy();
    const otherRegion = new S3Client({ endpoint: s3.endpoint, region: 'eu-west-1', forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    await assert.rejects(otherRegion.send(new ListBucketsCommand({})), (error: S3ServiceException) => error.name === 'AuthorizationHeaderMalformed' && /us-east-1/.test(error.message));
    otherRegion.destroy();
    const skewed = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      maxAttempts: 1,
      systemClockOffset: 20 * 60 * 1000,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    await assert.rejects(skewed.send(new ListBucketsCommand({})), (error: S3ServiceException) => error.name === 'RequestTimeTooSkewed' && error.$metadata.httpStatusCode === 403);
    skewed.destroy();
    await assert.rejects(client.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })), (error: S3ServiceException) => error.name === 'NoSuchBucket' && error.$metadata.httpStatusCode === 404);
    await assert.rejects(
      client.send(new GetBucketLoggingCommand({ Bucket: bucket })),
      (error: S3ServiceException) => error.name === 'NotImplemented' && error.$metadata.httpStatusCode === 501 && /GetBucketLogging/.test(error.message),
    );
    // Raw requests show the documents themselves (anonymous: AccessDenied; the request id header on every answer).
    const anonymous = await fetch(`${s3.endpoint}/${bucket}?acl`);
    assert.equal(anonymous.status, 403);
    assert.ok(anonymous.headers.get('x-amz-request-id'));
    const text = await anonymous.text();
    assert.match(text, /<Code>AccessDenied<\/Code>/);
    assert.match(text, new RegExp(`<RequestId>${anonymous.headers.get('x-amz-request-id')}</RequestId>`));
  });
});
