/**
 * Goal: the `minio` npm client (path-style, plain HTTP, region us-east-1, so it signs every payload
 * with its SHA-256) works against a real object-store process: buckets (make, exists, list,
 * remove), objects of 0 B, 1 B and 5 MiB ± 1 compared by SHA-256, a 100 MiB object streamed from a
 * generated Readable (minio switches to multipart above its 64 MiB part size) and read back
 * streamed into a hash, listing with a prefix (flat and recursive), single and batch deletes, a
 * presigned GET fetched with `fetch`, server-side copy, and file upload/download. Also a 100 MiB
 * streamed roundtrip with `@aws-sdk/lib-storage` `Upload` and a streamed `GetObject`. Neither
 * 100 MiB object is ever held in memory by the test.
 * Method: `objectbox start object-store` on free ports; both clients in this process; every test
 * under a deadline (no timing assertions).
 */
import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import * as Minio from 'minio';
import { cleanUp, tempDir } from './harness.js';
import { roundtripSizesBytes, type S3UnderTest, sha256Hex, startObjectStore } from './s3-e2e-support.js';

const mib = 1024 * 1024;

/** What copyObject with CopySourceOptions/CopyDestinationOptions resolves to (minio does not export the name). */
type CopyObjectResultV2 = Extract<Awaited<ReturnType<Minio.Client['copyObject']>>, { Etag?: string }>;
const largeSizeBytes = 100 * mib;

/** A Readable of `sizeBytes` random bytes made 1 MiB at a time, hashing what it hands out. */
function generatedStream(sizeBytes: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  let digest: string | undefined;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let sent = 0; sent < sizeBytes; ) {
      const chunk = randomBytes(Math.min(mib, sizeBytes - sent));
      hash.update(chunk);
      sent += chunk.length;
      yield chunk;
    }
  }
  return {
    stream: Readable.from(chunks(), { objectMode: false }),
    sha256: () => {
      digest ??= hash.digest('hex');
      return digest;
    },
  };
}

/** Hex SHA-256 and length of everything an async iterable of chunks yields, chunk by chunk. */
async function hashStream(stream: AsyncIterable<Uint8Array>): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    sizeBytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

function isS3Error(code: string): (error: unknown) => boolean {
  return (error: unknown) => error instanceof Minio.S3Error && error.code === code;
}

describe('the minio npm client (and a 100 MiB lib-storage Upload) against objectbox start object-store', { timeout: 120_000 }, () => {
  let s3: S3UnderTest;
  let minio: Minio.Client;
  let client: S3Client;
  const bucket = 'minio-bucket';

  before(async () => {
    s3 = await startObjectStore();
    minio = new Minio.Client({
      endPoint: '127.0.0.1',
      port: Number(new URL(s3.endpoint).port),
      useSSL: false,
      accessKey: s3.accessKeyId,
      secretKey: s3.secretAccessKey,
      pathStyle: true,
      region: 'us-east-1',
    });
    await minio.makeBucket(bucket);
    client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
  });
  after(async () => {
    client?.destroy();
    await cleanUp();
  });

  test('buckets: make, exists, list, a second make is BucketAlreadyOwnedByYou, remove', { timeout: 20_000 }, async () => {
    assert.equal(await minio.bucketExists(bucket), true);
    assert.equal(await minio.bucketExists('minio-missing'), false);
    await minio.makeBucket('minio-other');
    const listed = await minio.listBuckets();
    assert.deepEqual(listed.map((entry) => entry.name).sort(), [bucket, 'minio-other']);
    assert.ok(listed.every((entry) => entry.creationDate instanceof Date && !Number.isNaN(entry.creationDate.getTime())));
    await assert.rejects(minio.makeBucket('minio-other'), isS3Error('BucketAlreadyOwnedByYou'));
    await minio.putObject('minio-other', 'kept', 'x');
    await assert.rejects(minio.removeBucket('minio-other'), isS3Error('BucketNotEmpty'));
    await minio.removeObject('minio-other', 'kept');
    await minio.removeBucket('minio-other');
    assert.equal(await minio.bucketExists('minio-other'), false);
    await assert.rejects(minio.removeBucket('minio-other'), isS3Error('NoSuchBucket'));
  });

  test('putObject, getObject and statObject for 0 B, 1 B and 5 MiB ± 1', { timeout: 30_000 }, async () => {
    for (const sizeBytes of roundtripSizesBytes) {
      const bytes = randomBytes(sizeBytes);
      const key = `memory/${sizeBytes}`;
      const put = await minio.putObject(bucket, key, bytes, sizeBytes);
      assert.match(put.etag, /^[0-9a-f]{32}$/, `${sizeBytes} bytes`);
      assert.equal(put.etag, createHash('md5').update(bytes).digest('hex'));
      const back = await hashStream(await minio.getObject(bucket, key));
      assert.equal(back.sizeBytes, sizeBytes);
      assert.equal(back.sha256, sha256Hex(bytes), `${sizeBytes} bytes`);
      const stat = await minio.statObject(bucket, key);
      assert.equal(stat.size, sizeBytes);
      assert.equal(stat.etag, put.etag);
      assert.ok(stat.lastModified instanceof Date && !Number.isNaN(stat.lastModified.getTime()));
    }
  });

  test('metadata given to putObject comes back from statObject; a missing key is NotFound', { timeout: 10_000 }, async () => {
    await minio.putObject(bucket, 'meta', 'hello', 5, { 'Content-Type': 'text/plain', 'X-Amz-Meta-Colour': 'blue' });
    const stat = await minio.statObject(bucket, 'meta');
    assert.equal(stat.metaData['content-type'], 'text/plain');
    assert.equal(stat.metaData.colour, 'blue');
    await assert.rejects(minio.statObject(bucket, 'no-such-key'), isS3Error('NotFound'));
    await assert.rejects(minio.getObject(bucket, 'no-such-key'), isS3Error('NoSuchKey'));
  });

  test('100 MiB streamed from a generated Readable (multipart) and read back streamed', { timeout: 60_000 }, async () => {
    const source = generatedStream(largeSizeBytes);
    const put = await minio.putObject(bucket, 'large/minio', source.stream, largeSizeBytes);
    // 64 MiB parts: two of them, so the ETag is the multipart form.
    assert.match(put.etag, /^[0-9a-f]{32}-2$/);
    const stat = await minio.statObject(bucket, 'large/minio');
    assert.equal(stat.size, largeSizeBytes);
    const back = await hashStream(await minio.getObject(bucket, 'large/minio'));
    assert.equal(back.sizeBytes, largeSizeBytes);
    assert.equal(back.sha256, source.sha256());
    await minio.removeObject(bucket, 'large/minio');
  });

  test('listObjectsV2 with a prefix, flat and recursive; removeObject and removeObjects', { timeout: 15_000 }, async () => {
    const keys = ['tree/a', 'tree/b', 'tree/sub/c', 'tree/sub/deeper/d', 'treeless'];
    for (const key of keys) await minio.putObject(bucket, key, key);
    const flat = await collect(minio.listObjectsV2(bucket, 'tree/', false));
    assert.deepEqual(flat.filter((item) => item.name !== undefined).map((item) => item.name), ['tree/a', 'tree/b']);
    assert.deepEqual(flat.filter((item) => item.prefix !== undefined).map((item) => item.prefix), ['tree/sub/']);
    const recursive = await collect(minio.listObjectsV2(bucket, 'tree/', true));
    assert.deepEqual(recursive.map((item) => item.name), ['tree/a', 'tree/b', 'tree/sub/c', 'tree/sub/deeper/d']);
    assert.deepEqual(recursive.map((item) => item.size), [6, 6, 10, 17]);
    await minio.removeObject(bucket, 'tree/a');
    const errors = await minio.removeObjects(bucket, ['tree/b', 'tree/sub/c', 'tree/sub/deeper/d']);
    assert.deepEqual(errors.filter((entry) => entry?.Error !== undefined), []);
    assert.deepEqual(await collect(minio.listObjectsV2(bucket, 'tree/', true)), []);
    assert.deepEqual((await collect(minio.listObjectsV2(bucket, 'treeless', true))).map((item) => item.name), ['treeless']);
    await minio.removeObject(bucket, 'treeless');
  });

  test('presignedGetObject gives a URL plain fetch can read; a tampered one is refused', { timeout: 10_000 }, async () => {
    const bytes = randomBytes(4096);
    await minio.putObject(bucket, 'presigned/object', bytes);
    const url = await minio.presignedGetObject(bucket, 'presigned/object', 60);
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    assert.equal(response.status, 200);
    assert.equal(sha256Hex(new Uint8Array(await response.arrayBuffer())), sha256Hex(bytes));
    const tampered = url.replace('presigned/object', 'presigned/other');
    const refused = await fetch(tampered, { signal: AbortSignal.timeout(5_000) });
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /<Code>SignatureDoesNotMatch<\/Code>/);
  });

  test('copyObject copies the bytes server-side', { timeout: 15_000 }, async () => {
    const bytes = randomBytes(5 * mib + 1);
    const put = await minio.putObject(bucket, 'copy/source', bytes);
    const copied = (await minio.copyObject(
      new Minio.CopySourceOptions({ Bucket: bucket, Object: 'copy/source' }),
      new Minio.CopyDestinationOptions({ Bucket: bucket, Object: 'copy/target' }),
    )) as CopyObjectResultV2;
    assert.equal(copied.Key, 'copy/target');
    assert.ok(copied.LastModified instanceof Date && !Number.isNaN(copied.LastModified.getTime()));
    // minio takes `Etag` from an ETag response header and `Size` from Content-Length; S3 documents
    // neither for CopyObject (the ETag is in the CopyObjectResult body), so the copy is checked by stat.
    const stat = await minio.statObject(bucket, 'copy/target');
    assert.equal(stat.etag, put.etag);
    assert.equal(stat.size, bytes.length);
    const back = await hashStream(await minio.getObject(bucket, 'copy/target'));
    assert.equal(back.sha256, sha256Hex(bytes));
  });

  test('fPutObject uploads a file and fGetObject writes it back', { timeout: 15_000 }, async () => {
    const dir = tempDir('s3-minio-files');
    const bytes = randomBytes(3 * mib + 7);
    const uploaded = join(dir, 'upload.bin');
    const downloaded = join(dir, 'download.bin');
    writeFileSync(uploaded, bytes);
    const put = await minio.fPutObject(bucket, 'files/object.bin', uploaded);
    assert.equal(put.etag, createHash('md5').update(bytes).digest('hex'));
    await minio.fGetObject(bucket, 'files/object.bin', downloaded);
    assert.equal(sha256Hex(readFileSync(downloaded)), sha256Hex(bytes));
    assert.equal((await hashStream(createReadStream(downloaded))).sizeBytes, bytes.length);
  });

  test('@aws-sdk/lib-storage Upload (8 MiB parts, 4 in flight) of a generated Readable, GetObject streamed into a hash', { timeout: 60_000 }, async () => {
    const source = generatedStream(largeSizeBytes);
    const upload = new Upload({ client, params: { Bucket: bucket, Key: 'large/sdk', Body: source.stream }, partSize: 8 * mib, queueSize: 4 });
    const done = await upload.done();
    assert.match(done.ETag ?? '', /^"[0-9a-f]{32}-13"$/);
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'large/sdk' }));
    assert.equal(head.ContentLength, largeSizeBytes);
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'large/sdk' }));
    const back = await hashStream(response.Body as Readable);
    assert.equal(back.sizeBytes, largeSizeBytes);
    assert.equal(back.sha256, source.sha256());
  });
});
