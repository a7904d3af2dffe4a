/**
 * Goal: multipart uploads work against a real object-store process with the clients people use for
 * them: `@aws-sdk/lib-storage` `Upload` (a 20 MiB stream, 5 MiB parts, 4 in flight), `aws s3 cp` of
 * a 20 MiB file (the CLI switches to multipart above 8 MiB), boto3 `upload_file` with a
 * TransferConfig that forces multipart, and the `aws s3api` calls one by one. Every object is
 * downloaded and compared by SHA-256; ETags are checked against a locally computed MD5-of-MD5s,
 * composite CRC32 checksums against a locally computed one. Also: UploadPartCopy with a source
 * range, ListParts and ListMultipartUploads paging, conditional completes, the S3 error codes
 * (EntityTooSmall, InvalidPart, InvalidPartOrder, NoSuchUpload), and that garbage parts (a
 * re-uploaded part, parts left out of a completion, an aborted upload) leave the blob directory.
 * Method: `objectbox start object-store` on free ports; the SDK in this process, the aws CLI and
 * python3 with boto3 as processes under a deadline.
 */
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { cleanUp, tempDir, waitFor } from './harness.js';
import { aws, runClient, type S3UnderTest, sha256Hex, startObjectStore } from './s3-e2e-support.js';

const mib = 1024 * 1024;

/** The multipart ETag S3 gives parts of these sizes: hex MD5 of the binary part MD5s, then `-N`. */
function multipartEtag(bytes: Uint8Array, partSizeBytes: number): string {
  const outer = createHash('md5');
  let count = 0;
  for (let start = 0; start < bytes.length; start += partSizeBytes) {
    outer.update(createHash('md5').update(bytes.subarray(start, start + partSizeBytes)).digest());
    count++;
  }
  return `"${outer.digest('hex')}-${count}"`;
}

/** The COMPOSITE CRC32 S3 gives parts of these sizes: CRC32 of the binary part CRC32s, base64, `-N`. */
function compositeCrc32(bytes: Uint8Array, partSizeBytes: number): string {
  const digests: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += partSizeBytes) {
    const digest = Buffer.alloc(4);
    digest.writeUInt32BE(crc32(bytes.subarray(start, start + partSizeBytes)) >>> 0);
    digests.push(digest);
  }
  const whole = Buffer.alloc(4);
  whole.writeUInt32BE(crc32(Buffer.concat(digests)) >>> 0);
  return `${whole.toString('base64')}-${digests.length}`;
}

/** Files under the object store's blob directory (complete blobs only). */
function blobFileCount(s3: S3UnderTest): number {
  const root = join(s3.dataDir, 'object-store', 'blobs');
  let count = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (/^[0-9a-f]{32}$/.test(entry.name)) count++;
    }
  };
  walk(root);
  return count;
}

async function expectBlobFileCount(s3: S3UnderTest, expected: number, what: string): Promise<void> {
  // Garbage is deleted in the background right after the commit: poll with a deadline.
  await waitFor(what, async () => (blobFileCount(s3) === expected ? true : undefined), { deadlineMs: 10_000, intervalMs: 50 }).catch(() => {
    assert.equal(blobFileCount(s3), expected, what);
  });
}

async function rejectsWith(promise: Promise<unknown>, code: string, status: number): Promise<void> {
  await assert.rejects(promise, (error: S3ServiceException) => {
    assert.equal(error.name, code, error.message);
    assert.equal(error.$metadata.httpStatusCode, status);
    return true;
  });
}

describe('multipart uploads against objectbox start object-store', () => {
  let s3: S3UnderTest;
  let client: S3Client;
  let dir: string;
  const bucket = 'multipart-bucket';

  before(async () => {
    s3 = await startObjectStore();
    dir = tempDir('s3-multipart');
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

  async function getBytes(key: string, options: { range?: string; partNumber?: number } = {}) {
    const response = await client.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(options.range === undefined ? {} : { Range: options.range }),
        ...(options.partNumber === undefined ? {} : { PartNumber: options.partNumber }),
      }),
    );
    return { response, bytes: Buffer.from(await response.Body!.transformToByteArray()) };
  }

  async function createUpload(key: string): Promise<string> {
    const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    assert.ok(created.UploadId);
    return created.UploadId;
  }

  async function uploadPart(key: string, uploadId: string, partNumber: number, body: Uint8Array): Promise<string> {
    const part = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body }));
    assert.ok(part.ETag);
    return part.ETag;
  }

  test('lib-storage Upload: a 20 MiB stream in 5 MiB parts, 4 at a time; ETag, composite CRC32, parts and ranges read back', async () => {
    const bytes = randomBytes(20 * mib);
    const chunks = Array.from({ length: 20 }, (_, index) => bytes.subarray(index * mib, (index + 1) * mib));
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: 'lib-storage/20mib.bin', Body: Readable.from(chunks), ContentType: 'application/x-test', Metadata: { origin: 'lib-storage' } },
      partSize: 5 * mib,
      queueSize: 4,
    });
    const result = await upload.done();
    assert.equal(result.ETag, multipartEtag(bytes, 5 * mib));

    const whole = await getBytes('lib-storage/20mib.bin');
    assert.equal(sha256Hex(whole.bytes), sha256Hex(bytes));
    assert.equal(whole.response.ETag, result.ETag);
    assert.equal(whole.response.ContentType, 'application/x-test');
    assert.deepEqual(whole.response.Metadata, { origin: 'lib-storage' });
    // The SDK asks for checksums (x-amz-checksum-mode) and skips validating a composite one.
    assert.equal(whole.response.ChecksumCRC32, compositeCrc32(bytes, 5 * mib));
    assert.equal(whole.response.ChecksumType, 'COMPOSITE');

    const second = await getBytes('lib-storage/20mib.bin', { partNumber: 2 });
    assert.equal(second.response.PartsCount, 4);
    assert.equal(second.response.ContentRange, `bytes ${5 * mib}-${10 * mib - 1}/${20 * mib}`);
    assert.ok(second.bytes.equals(bytes.subarray(5 * mib, 10 * mib)));
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'lib-storage/20mib.bin', PartNumber: 4 }));
    assert.equal(head.ContentLength, 5 * mib);
    assert.equal(head.PartsCount, 4);
    await rejectsWith(client.send(new GetObjectCommand({ Bucket: bucket, Key: 'lib-storage/20mib.bin', PartNumber: 5 })), 'InvalidPartNumber', 416);

    // Ranges across part boundaries are served from consecutive part blobs.
    for (const [start, end] of [
      [5 * mib - 10, 5 * mib + 9],
      [mib, 19 * mib],
      [15 * mib - 1, 20 * mib - 1],
    ] as const) {
      const ranged = await getBytes('lib-storage/20mib.bin', { range: `bytes=${start}-${end}` });
      assert.ok(ranged.bytes.equals(bytes.subarray(start, end + 1)), `bytes=${start}-${end}`);
    }
    const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    assert.deepEqual(uploads.Uploads ?? [], []);
  });

  test('UploadPart and UploadPartCopy with a source range; re-uploaded and unlisted parts leave the disk', async () => {
    const source = randomBytes(12 * mib);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy/source.bin', Body: source }));
    const key = 'copy/target.bin';
    const baseline = blobFileCount(s3);
    const uploadId = await createUpload(key);
    const firstBytes = randomBytes(6 * mib);
    await uploadPart(key, uploadId, 1, randomBytes(6 * mib));
    const first = await uploadPart(key, uploadId, 1, firstBytes); // replaces the first upload of part 1
    await expectBlobFileCount(s3, baseline + 1, 'the replaced part 1 is deleted');
    const copied = await client.send(
      new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 2, CopySource: `${bucket}/copy/source.bin`, CopySourceRange: `bytes=${mib}-${7 * mib - 1}` }),
    );
    assert.equal(copied.CopyPartResult?.ETag, `"${createHash('md5').update(source.subarray(mib, 7 * mib)).digest('hex')}"`);
    const tail = await client.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 3, CopySource: `${bucket}/copy/source.bin` }));
    await uploadPart(key, uploadId, 4, randomBytes(100)); // never listed
    await expectBlobFileCount(s3, baseline + 4, 'four parts stored');

    const listed = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MaxParts: 3 }));
    assert.deepEqual(listed.Parts?.map((part) => [part.PartNumber, part.Size]), [[1, 6 * mib], [2, 6 * mib], [3, 12 * mib]]);
    assert.equal(listed.IsTruncated, true);
    assert.equal(listed.NextPartNumberMarker, '3');
    const rest = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: listed.NextPartNumberMarker }));
    assert.deepEqual(rest.Parts?.map((part) => part.PartNumber), [4]);
    assert.equal(rest.IsTruncated, false);

    await rejectsWith(
      client.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 5, CopySource: `${bucket}/copy/source.bin`, CopySourceRange: `bytes=0-${12 * mib}` })),
      'InvalidArgument',
      400,
    );
    await rejectsWith(
      client.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 5, CopySource: `${bucket}/copy/source.bin`, CopySourceIfMatch: '"not-the-etag"' })),
      'PreconditionFailed',
      412,
    );

    const completed = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: first }, { PartNumber: 2, ETag: copied.CopyPartResult!.ETag }, { PartNumber: 3, ETag: tail.CopyPartResult!.ETag }] },
      }),
    );
    const expected = Buffer.concat([firstBytes, source.subarray(mib, 7 * mib), source]);
    const md5s = [firstBytes, source.subarray(mib, 7 * mib), source].map((part) => createHash('md5').update(part).digest());
    assert.equal(completed.ETag, `"${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-3"`);
    assert.match(completed.Location ?? '', new RegExp(`/${bucket}/copy/target\\.bin$`));
    await expectBlobFileCount(s3, baseline + 3, 'the unlisted part 4 is deleted at completion');
    const read = await getBytes(key);
    assert.equal(sha256Hex(read.bytes), sha256Hex(expected));
  });

  test('checksummed uploads: FULL_OBJECT CRC32C combined from the parts (the SDK validates it on GET), COMPOSITE SHA-256, refusals', async () => {
    const key = 'checksums/full-object';
    const parts = [randomBytes(5 * mib), randomBytes(5 * mib + 7), randomBytes(3)];
    const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'CRC32C', ChecksumType: 'FULL_OBJECT' }));
    assert.equal(created.ChecksumAlgorithm, 'CRC32C');
    assert.equal(created.ChecksumType, 'FULL_OBJECT');
    const listed = [];
    for (const [index, body] of parts.entries()) {
      const part = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: created.UploadId, PartNumber: index + 1, Body: body, ChecksumAlgorithm: 'CRC32C' }));
      assert.ok(part.ChecksumCRC32C);
      listed.push({ PartNumber: index + 1, ETag: part.ETag!, ChecksumCRC32C: part.ChecksumCRC32C });
    }
    await rejectsWith(
      client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: created.UploadId, PartNumber: 9, Body: 'x', ChecksumAlgorithm: 'SHA256' })),
      'InvalidRequest',
      400,
    );
    const completed = await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: created.UploadId, MultipartUpload: { Parts: listed } }));
    assert.equal(completed.ChecksumType, 'FULL_OBJECT');
    assert.ok(completed.ChecksumCRC32C !== undefined && !completed.ChecksumCRC32C.includes('-'));
    // The SDK compares a full-object checksum with the bytes it received and fails the read if they differ.
    const read = await getBytes(key);
    assert.equal(read.response.ChecksumCRC32C, completed.ChecksumCRC32C);
    assert.equal(sha256Hex(read.bytes), sha256Hex(Buffer.concat(parts)));

    const compositeKey = 'checksums/composite-sha256';
    const composite = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: compositeKey, ChecksumAlgorithm: 'SHA256' }));
    assert.equal(composite.ChecksumType, 'COMPOSITE');
    const one = await client.send(new UploadPartCommand({ Bucket: bucket, Key: compositeKey, UploadId: composite.UploadId, PartNumber: 1, Body: parts[0], ChecksumAlgorithm: 'SHA256' }));
    const two = await client.send(new UploadPartCommand({ Bucket: bucket, Key: compositeKey, UploadId: composite.UploadId, PartNumber: 2, Body: parts[2], ChecksumAlgorithm: 'SHA256' }));
    const completeComposite = (partList: { PartNumber: number; ETag: string; ChecksumSHA256?: string }[]) =>
      client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: compositeKey, UploadId: composite.UploadId, MultipartUpload: { Parts: partList } }));
    await rejectsWith(completeComposite([{ PartNumber: 1, ETag: one.ETag! }, { PartNumber: 2, ETag: two.ETag! }]), 'InvalidRequest', 400);
    await rejectsWith(completeComposite([{ PartNumber: 1, ETag: one.ETag!, ChecksumSHA256: two.ChecksumSHA256! }, { PartNumber: 2, ETag: two.ETag!, ChecksumSHA256: two.ChecksumSHA256! }]), 'InvalidPart', 400);
    const done = await completeComposite([
      { PartNumber: 1, ETag: one.ETag!, ChecksumSHA256: one.ChecksumSHA256! },
      { PartNumber: 2, ETag: two.ETag!, ChecksumSHA256: two.ChecksumSHA256! },
    ]);
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.from(one.ChecksumSHA256!, 'base64'), Buffer.from(two.ChecksumSHA256!, 'base64')]))
      .digest('base64');
    assert.equal(done.ChecksumSHA256, `${expected}-2`);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: compositeKey, ChecksumMode: 'ENABLED' }));
    assert.equal(head.ChecksumSHA256, `${expected}-2`);
    const partTwo = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: compositeKey, PartNumber: 2, ChecksumMode: 'ENABLED' }));
    assert.equal(partTwo.ChecksumSHA256, two.ChecksumSHA256);
    await rejectsWith(client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'checksums/bad', ChecksumAlgorithm: 'SHA1', ChecksumType: 'FULL_OBJECT' })), 'InvalidRequest', 400);
  });

  test('conditional completes: If-None-Match: * and If-Match; a refused complete keeps the upload', async () => {
    const key = 'conditional/object';
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'existing' }));
    const current = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const uploadId = await createUpload(key);
    const etag = await uploadPart(key, uploadId, 1, Buffer.from('replacement'));
    const parts = { Parts: [{ PartNumber: 1, ETag: etag }] };
    await rejectsWith(client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: parts, IfNoneMatch: '*' })), 'PreconditionFailed', 412);
    await rejectsWith(client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: parts, IfMatch: '"0123456789abcdef0123456789abcdef"' })), 'PreconditionFailed', 412);
    const stillThere = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
    assert.deepEqual(stillThere.Uploads?.map((upload) => upload.UploadId), [uploadId]);
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: parts, IfMatch: current.ETag }));
    assert.equal((await getBytes(key)).bytes.toString(), 'replacement');
    const fresh = await createUpload('conditional/new');
    const freshEtag = await uploadPart('conditional/new', fresh, 1, Buffer.from('new'));
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'conditional/new', UploadId: fresh, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: freshEtag }] }, IfNoneMatch: '*' }));
    assert.equal((await getBytes('conditional/new')).bytes.toString(), 'new');
  });

  test('errors: EntityTooSmall, InvalidPart, InvalidPartOrder, NoSuchUpload; an abort deletes the parts', async () => {
    const key = 'errors/object';
    const baseline = blobFileCount(s3);
    const uploadId = await createUpload(key);
    const one = await uploadPart(key, uploadId, 1, randomBytes(mib));
    const two = await uploadPart(key, uploadId, 2, randomBytes(mib));
    const complete = (parts: { PartNumber: number; ETag: string }[]) =>
      client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    await rejectsWith(complete([{ PartNumber: 1, ETag: one }, { PartNumber: 2, ETag: two }]), 'EntityTooSmall', 400);
    await rejectsWith(complete([{ PartNumber: 1, ETag: two }]), 'InvalidPart', 400);
    await rejectsWith(complete([{ PartNumber: 1, ETag: one }, { PartNumber: 3, ETag: two }]), 'InvalidPart', 400);
    await rejectsWith(complete([{ PartNumber: 2, ETag: two }, { PartNumber: 1, ETag: one }]), 'InvalidPartOrder', 400);
    await rejectsWith(client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: 'no-such-upload', PartNumber: 1, Body: 'x' })), 'NoSuchUpload', 404);
    await rejectsWith(client.send(new UploadPartCommand({ Bucket: bucket, Key: 'errors/other-key', UploadId: uploadId, PartNumber: 1, Body: 'x' })), 'NoSuchUpload', 404);
    await rejectsWith(client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: 'no-such-upload' })), 'NoSuchUpload', 404);
    await expectBlobFileCount(s3, baseline + 2, 'two parts stored');
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    await expectBlobFileCount(s3, baseline, 'the aborted upload leaves no blob');
    await rejectsWith(client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })), 'NoSuchUpload', 404);
    await rejectsWith(complete([{ PartNumber: 1, ETag: one }]), 'NoSuchUpload', 404);
    await rejectsWith(client.send(new GetObjectCommand({ Bucket: bucket, Key: key })), 'NoSuchKey', 404);
  });

  test('ListMultipartUploads: prefix, delimiter, and key / upload-id markers across pages', async () => {
    const listBucket = 'uploads-bucket';
    await client.send(new CreateBucketCommand({ Bucket: listBucket }));
    const ids: Record<string, string[]> = {};
    for (const key of ['a/1', 'a/2', 'b/1', 'c', 'c', 'd']) {
      const created = await client.send(new CreateMultipartUploadCommand({ Bucket: listBucket, Key: key }));
      (ids[key] ??= []).push(created.UploadId!);
    }
    // Uploads of one key are ordered by initiation time; two created in the same millisecond by id.
    const full = await client.send(new ListMultipartUploadsCommand({ Bucket: listBucket }));
    const all = (full.Uploads ?? []).map((upload): [string, string] => [upload.Key!, upload.UploadId!]);
    assert.deepEqual(all.map(([key]) => key), ['a/1', 'a/2', 'b/1', 'c', 'c', 'd']);
    assert.deepEqual(new Set(all.map(([, uploadId]) => uploadId)), new Set(Object.values(ids).flat()));
    const grouped = await client.send(new ListMultipartUploadsCommand({ Bucket: listBucket, Delimiter: '/' }));
    assert.deepEqual(grouped.CommonPrefixes?.map((entry) => entry.Prefix), ['a/', 'b/']);
    assert.deepEqual(grouped.Uploads?.map((upload) => [upload.Key, upload.UploadId]), all.slice(3));
    const prefixed = await client.send(new ListMultipartUploadsCommand({ Bucket: listBucket, Prefix: 'a/' }));
    assert.deepEqual(prefixed.Uploads?.map((upload) => upload.Key), ['a/1', 'a/2']);
    const seen: [string, string][] = [];
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (let page = 0; page < 10; page++) {
      const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: listBucket, MaxUploads: 2, ...markers }));
      seen.push(...(listed.Uploads ?? []).map((upload): [string, string] => [upload.Key!, upload.UploadId!]));
      if (listed.IsTruncated !== true) break;
      assert.equal(listed.Uploads?.length, 2);
      markers = { KeyMarker: listed.NextKeyMarker!, UploadIdMarker: listed.NextUploadIdMarker! };
    }
    assert.deepEqual(seen, all);
    const afterC = await client.send(new ListMultipartUploadsCommand({ Bucket: listBucket, KeyMarker: 'c' }));
    assert.deepEqual(afterC.Uploads?.map((upload) => upload.Key), ['d']);
    for (const [key, uploadId] of all) await client.send(new AbortMultipartUploadCommand({ Bucket: listBucket, Key: key, UploadId: uploadId }));
  });

  test('aws s3 cp of a 20 MiB file (multipart above 8 MiB), both ways', async () => {
    const source = join(dir, 'cli-20mib');
    const bytes = randomBytes(20 * mib);
    writeFileSync(source, bytes);
    await aws(s3, ['s3', 'cp', source, `s3://${bucket}/cli/20mib.bin`, '--only-show-errors']);
    const head = JSON.parse(await aws(s3, ['s3api', 'head-object', '--bucket', bucket, '--key', 'cli/20mib.bin'])) as { ETag: string; ContentLength: number };
    assert.equal(head.ETag, multipartEtag(bytes, 8 * mib));
    assert.equal(head.ContentLength, bytes.length);
    const target = join(dir, 'cli-20mib-down');
    await aws(s3, ['s3', 'cp', `s3://${bucket}/cli/20mib.bin`, target, '--only-show-errors']);
    assert.equal(sha256Hex(readFileSync(target)), sha256Hex(bytes));
  });

  test('aws s3api create-multipart-upload, upload-part, list-parts, list-multipart-uploads, complete and abort', async () => {
    const key = 'api/parts.bin';
    const partFiles = [randomBytes(5 * mib), randomBytes(1234)].map((bytes, index) => {
      const path = join(dir, `api-part-${index + 1}`);
      writeFileSync(path, bytes);
      return { path, bytes };
    });
    const created = JSON.parse(await aws(s3, ['s3api', 'create-multipart-upload', '--bucket', bucket, '--key', key])) as { UploadId: string; Key: string };
    assert.equal(created.Key, key);
    const etags: string[] = [];
    for (const [index, part] of partFiles.entries()) {
      const uploaded = JSON.parse(
        await aws(s3, ['s3api', 'upload-part', '--bucket', bucket, '--key', key, '--upload-id', created.UploadId, '--part-number', `${index + 1}`, '--body', part.path]),
      ) as { ETag: string };
      assert.equal(uploaded.ETag, `"${createHash('md5').update(part.bytes).digest('hex')}"`);
      etags.push(uploaded.ETag);
    }
    const parts = JSON.parse(await aws(s3, ['s3api', 'list-parts', '--bucket', bucket, '--key', key, '--upload-id', created.UploadId])) as {
      Parts: { PartNumber: number; ETag: string; Size: number }[];
    };
    assert.deepEqual(parts.Parts.map((part) => [part.PartNumber, part.ETag, part.Size]), [[1, etags[0], 5 * mib], [2, etags[1], 1234]]);
    const uploads = JSON.parse(await aws(s3, ['s3api', 'list-multipart-uploads', '--bucket', bucket, '--prefix', 'api/'])) as { Uploads: { Key: string; UploadId: string }[] };
    assert.deepEqual(uploads.Uploads.map((upload) => [upload.Key, upload.UploadId]), [[key, created.UploadId]]);
    const manifest = join(dir, 'api-parts.json');
    writeFileSync(manifest, JSON.stringify({ Parts: etags.map((etag, index) => ({ PartNumber: index + 1, ETag: etag })) }));
    const completed = JSON.parse(
      await aws(s3, ['s3api', 'complete-multipart-upload', '--bucket', bucket, '--key', key, '--upload-id', created.UploadId, '--multipart-upload', `file://${manifest}`]),
    ) as { ETag: string };
    const whole = Buffer.concat(partFiles.map((part) => part.bytes));
    assert.equal(completed.ETag, multipartEtag(whole, 5 * mib));
    const target = join(dir, 'api-down');
    await aws(s3, ['s3api', 'get-object', '--bucket', bucket, '--key', key, target]);
    assert.equal(sha256Hex(readFileSync(target)), sha256Hex(whole));

    const abandoned = JSON.parse(await aws(s3, ['s3api', 'create-multipart-upload', '--bucket', bucket, '--key', 'api/abandoned'])) as { UploadId: string };
    await aws(s3, ['s3api', 'abort-multipart-upload', '--bucket', bucket, '--key', 'api/abandoned', '--upload-id', abandoned.UploadId]);
    const none = JSON.parse((await aws(s3, ['s3api', 'list-multipart-uploads', '--bucket', bucket, '--prefix', 'api/'])) || '{}') as { Uploads?: unknown[] };
    assert.deepEqual(none.Uploads ?? [], []);
    const missing = await runClient(
      'aws',
      ['--endpoint-url', s3.endpoint, 's3api', 'list-parts', '--bucket', bucket, '--key', 'api/abandoned', '--upload-id', abandoned.UploadId],
      { env: s3.clientEnv },
    );
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /NoSuchUpload/);
  });

  test('boto3 upload_file with a TransferConfig that forces multipart, then download_file', async () => {
    const source = join(dir, 'boto-13mib');
    const bytes = randomBytes(13 * mib);
    writeFileSync(source, bytes);
    const target = join(dir, 'boto-13mib-down');
    const script = join(dir, 'boto3_multipart.py');
    writeFileSync(
      script,
      String.raw`
import json, sys
import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

endpoint, bucket, source, target = sys.argv[1:5]
s3 = boto3.client('s3', endpoint_url=endpoint, config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
transfer = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024, max_concurrency=3)
s3.upload_file(source, bucket, 'boto/13mib.bin', Config=transfer)
s3.download_file(bucket, 'boto/13mib.bin', target, Config=transfer)
head = s3.head_object(Bucket=bucket, Key='boto/13mib.bin', ChecksumMode='ENABLED')
part = s3.get_object(Bucket=bucket, Key='boto/13mib.bin', PartNumber=3)
whole = s3.get_object(Bucket=bucket, Key='boto/13mib.bin', ChecksumMode='ENABLED')
print(json.dumps({'etag': head['ETag'], 'length': head['ContentLength'], 'crc32': head.get('ChecksumCRC32'), 'type': head.get('ChecksumType'),
                  'partsCount': part.get('PartsCount'), 'partLength': len(part['Body'].read()), 'wholeLength': len(whole['Body'].read())}))
`,
    );
    const run = await runClient('python3', [script, s3.endpoint, bucket, source, target], { env: s3.clientEnv, deadlineMs: 180_000 });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    assert.equal(sha256Hex(readFileSync(target)), sha256Hex(bytes));
    assert.deepEqual(result, {
      etag: multipartEtag(bytes, 5 * mib),
      length: bytes.length,
      crc32: compositeCrc32(bytes, 5 * mib),
      type: 'COMPOSITE',
      partsCount: 3,
      partLength: 3 * mib,
      wholeLength: bytes.length,
    });
  });
});
