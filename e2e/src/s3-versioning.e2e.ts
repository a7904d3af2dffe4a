/**
 * Goal: versioning, tagging, DeleteObjects and conditional writes work with real clients against a
 * real object-store process: `@aws-sdk/client-s3` (current, default checksums: DeleteObjects and
 * the bucket documents carry x-amz-checksum-crc32) and the aws CLI v1 (`s3api`).
 * Covered: Get/PutBucketVersioning (Enabled, Suspended, MFA delete refused), version ids on
 * PutObject/CopyObject, Get/Head/Delete by versionId, delete markers (the latest a marker: 404
 * NoSuchKey with x-amz-delete-marker; GET of a marker by id: 405 MethodNotAllowed), removing a
 * marker un-deletes, ListObjectVersions (unversioned buckets list `null`, prefix, delimiter, paging
 * by key/version markers), DeleteObjects (verbose, quiet, versioned, per-key errors, the digest S3
 * requires, 1001 keys refused), object tagging (x-amz-tagging on PUT, x-amz-tagging-count on GET,
 * by versionId) and bucket tagging (NoSuchTagSet), If-None-Match: * / If-Match on PutObject.
 * Method: `objectbox start object-store` on free ports; the SDK in this process, with a middleware
 * that captures the raw HTTP answer where the SDK hides headers or the XML; the CLI as a process.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { cleanUp, tempDir } from './harness.js';
import { aws, type S3UnderTest, startObjectStore } from './s3-e2e-support.js';

/** What the middleware saw of an HTTP answer. */
interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

describe('versioning, tagging and DeleteObjects against objectbox start object-store', () => {
  let s3: S3UnderTest;
  let client: S3Client;

  before(async () => {
    s3 = await startObjectStore();
    client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
  });
  after(async () => {
    client?.destroy();
    await cleanUp();
  });

  async function text(bucket: string, key: string, versionId?: string): Promise<{ body: string; versionId: string | undefined }> {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId === undefined ? {} : { VersionId: versionId }) }));
    return { body: await response.Body!.transformToString(), versionId: response.VersionId };
  }

  /**
   * Sends `command` and returns the raw answer (status, headers, body text), whatever the SDK makes
   * of it. `editHeaders` changes the request headers before signing.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function raw(command: any, options: { editHeaders?: (headers: Record<string, string>) => void } = {}): Promise<RawAnswer> {
    let answer: RawAnswer | undefined;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const stack = command.middlewareStack as any;
    stack.add(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (next: any) => async (args: any) => {
        const output = await next(args);
        const response = output.response;
        const chunks: Buffer[] = [];
        if (response.body !== undefined && typeof response.body[Symbol.asyncIterator] === 'function') {
          for await (const chunk of response.body as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
        }
        const body = Buffer.concat(chunks).toString('utf8');
        answer = { status: response.statusCode, headers: response.headers, body };
        throw new Error('captured');
      },
      { step: 'deserialize', priority: 'low', name: 'captureRawAnswer' },
    );
    const { editHeaders } = options;
    if (editHeaders !== undefined) {
      stack.addRelativeTo(
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (next: any) => async (args: any) => {
          editHeaders(args.request.headers as Record<string, string>);
          return next(args);
        },
        { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'editHeaders' },
      );
    }
    await client.send(command).catch(() => undefined);
    assert.ok(answer, 'the raw answer was captured');
    return answer;
  }

  test('versioning: enable, two puts are two versions, get/head by id, delete marker, undelete, suspend', async () => {
    const bucket = 'ver-sdk';
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    assert.equal((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, undefined);
    const unversioned = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'p' }));
    assert.equal(unversioned.VersionId, undefined);

    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    assert.equal((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Enabled');
    const first = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'one' }));
    const second = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'two' }));
    assert.ok(first.VersionId && second.VersionId && first.VersionId !== second.VersionId && first.VersionId !== 'null');
    assert.deepEqual(await text(bucket, 'doc'), { body: 'two', versionId: second.VersionId });
    assert.deepEqual(await text(bucket, 'doc', first.VersionId), { body: 'one', versionId: first.VersionId });
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: first.VersionId }));
    assert.equal(head.ContentLength, 3);
    assert.equal(head.VersionId, first.VersionId);
    const copy = await client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'doc-copy', CopySource: `${bucket}/doc?versionId=${first.VersionId}` }));
    assert.ok(copy.VersionId && copy.VersionId !== 'null');
    assert.equal(copy.CopySourceVersionId, first.VersionId);
    assert.equal((await text(bucket, 'doc-copy')).body, 'one');

    const deleted = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'doc' }));
    assert.equal(deleted.DeleteMarker, true);
    const markerId = deleted.VersionId!;
    assert.ok(markerId && markerId !== second.VersionId);
    await assert.rejects(text(bucket, 'doc'), (error: S3ServiceException) => error.name === 'NoSuchKey' && error.$metadata.httpStatusCode === 404);
    const latestIsMarker = await raw(new GetObjectCommand({ Bucket: bucket, Key: 'doc' }));
    assert.equal(latestIsMarker.status, 404);
    assert.equal(latestIsMarker.headers['x-amz-delete-marker'], 'true');
    assert.equal(latestIsMarker.headers['x-amz-version-id'], markerId);
    assert.match(latestIsMarker.body, /<Code>NoSuchKey<\/Code>/);
    const headMarker = await raw(new HeadObjectCommand({ Bucket: bucket, Key: 'doc' }));
    assert.equal(headMarker.status, 404);
    assert.equal(headMarker.headers['x-amz-delete-marker'], 'true');
    const markerById = await raw(new GetObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: markerId }));
    assert.equal(markerById.status, 405);
    assert.equal(markerById.headers['x-amz-delete-marker'], 'true');
    assert.ok(markerById.headers['last-modified']);
    assert.match(markerById.body, /<Code>MethodNotAllowed<\/Code><Message>[^<]*<\/Message><Method>GET<\/Method><ResourceType>DeleteMarker<\/ResourceType>/);
    const unknownVersion = await raw(new GetObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: 'no-such-version' }));
    assert.equal(unknownVersion.status, 404);
    assert.match(unknownVersion.body, /<Code>NoSuchVersion<\/Code>/);

    const listed = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'doc' }));
    assert.deepEqual(
      listed.Versions?.map((version) => [version.Key, version.VersionId, version.IsLatest, version.Size]),
      [
        ['doc', second.VersionId, false, 3],
        ['doc', first.VersionId, false, 3],
        ['doc-copy', copy.VersionId, true, 3],
      ],
    );
    assert.deepEqual(listed.DeleteMarkers?.map((marker) => [marker.Key, marker.VersionId, marker.IsLatest]), [['doc', markerId, true]]);
    assert.equal(listed.Versions?.[0]?.ETag, second.ETag);
    assert.ok(listed.DeleteMarkers?.[0]?.Owner?.ID);

    // Removing the marker un-deletes; removing the newest version brings back the older one.
    const unmarked = await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: markerId }));
    assert.equal(unmarked.DeleteMarker, true);
    assert.equal(unmarked.VersionId, markerId);
    assert.equal((await text(bucket, 'doc')).body, 'two');
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: second.VersionId }));
    assert.deepEqual(await text(bucket, 'doc'), { body: 'one', versionId: first.VersionId });

    // Suspended: puts write the null version on top, older versions stay; like an unversioned
    // bucket's, the write names no version id (ceph/s3-tests test_versioning_bucket_atomic_upload_return_version_id).
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    assert.equal((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Suspended');
    const suspended = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'three' }));
    assert.equal(suspended.VersionId, undefined);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'doc', Body: 'four' }));
    const afterSuspend = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'doc', Delimiter: '-' }));
    assert.deepEqual(afterSuspend.Versions?.map((version) => [version.VersionId, version.IsLatest]), [
      ['null', true],
      [first.VersionId, false],
    ]);
    assert.deepEqual(afterSuspend.CommonPrefixes?.map((prefix) => prefix.Prefix), ['doc-']);
    assert.equal((await text(bucket, 'doc', 'null')).body, 'four');
    assert.equal((await text(bucket, 'doc', first.VersionId)).body, 'one');

    // MFA delete is not supported.
    await assert.rejects(
      client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled', MFADelete: 'Enabled' } })),
      (error: S3ServiceException) => error.name === 'NotImplemented' && error.$metadata.httpStatusCode === 501,
    );
    assert.equal((await client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Suspended');
  });

  test('ListObjectVersions: null version ids on an unversioned bucket, paging by key and version markers', async () => {
    const bucket = 'ver-list';
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'a' }));
    const plain = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    assert.deepEqual(plain.Versions?.map((version) => [version.Key, version.VersionId, version.IsLatest]), [['a', 'null', true]]);
    assert.equal(plain.IsTruncated, false);

    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    for (const body of ['1', '2', '3']) await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'b', Body: body }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'c', Body: 'c' }));
    const everything = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const all = (everything.Versions ?? []).map((version) => `${version.Key}:${version.VersionId}`);
    assert.equal(all.length, 5);
    assert.equal(all[0], 'a:null');
    const paged: string[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await client.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 2, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      paged.push(...(result.Versions ?? []).map((version) => `${version.Key}:${version.VersionId}`));
      if (result.IsTruncated !== true) break;
      assert.equal(result.Versions?.length, 2);
      keyMarker = result.NextKeyMarker;
      versionIdMarker = result.NextVersionIdMarker;
    }
    assert.deepEqual(paged, all);
  });

  test('DeleteObjects: verbose and quiet, versioned deletes, per-key errors, the digest S3 requires, 1001 keys', async () => {
    const bucket = 'del-many';
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const key of ['a', 'b', 'c', 'd']) await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    const verbose = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }, { Key: 'never-existed' }, { Key: 'k'.repeat(1025) }] } }));
    assert.deepEqual(verbose.Deleted?.map((entry) => entry.Key).sort(), ['a', 'b', 'never-existed']);
    assert.deepEqual(verbose.Errors?.map((entry) => [entry.Key?.length, entry.Code]), [[1025, 'KeyTooLongError']]);
    const quiet = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Quiet: true, Objects: [{ Key: 'c' }] } }));
    assert.equal(quiet.Deleted, undefined);
    assert.equal(quiet.Errors, undefined);
    assert.deepEqual((await client.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions?.map((version) => version.Key), ['d']);

    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const put = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'v', Body: 'v' }));
    const marked = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'v' }] } }));
    const markerId = marked.Deleted?.[0]?.DeleteMarkerVersionId;
    assert.equal(marked.Deleted?.[0]?.DeleteMarker, true);
    assert.ok(markerId && markerId !== 'null');
    const byVersion = await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'v', VersionId: markerId }, { Key: 'v', VersionId: put.VersionId }, { Key: 'd', VersionId: 'null' }] } }),
    );
    assert.deepEqual(
      byVersion.Deleted?.map((entry) => [entry.Key, entry.VersionId, entry.DeleteMarker ?? false]),
      [
        ['v', markerId, true],
        ['v', put.VersionId, false],
        ['d', 'null', false],
      ],
    );
    assert.equal((await client.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions, undefined);

    // Without Content-MD5 or a checksum: 400 InvalidRequest, nothing deleted.
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'kept', Body: 'k' }));
    const undigested = await raw(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'kept' }] } }), {
      editHeaders: (headers) => {
        for (const name of Object.keys(headers)) if (/^(content-md5|x-amz-checksum-|x-amz-sdk-checksum-algorithm)/i.test(name)) delete headers[name];
      },
    });
    assert.equal(undigested.status, 400);
    assert.match(undigested.body, /<Code>InvalidRequest<\/Code><Message>Missing required header for this request: Content-MD5/);
    // A checksum or Content-MD5 that does not match the document: 400 BadDigest, nothing deleted.
    for (const [name, value] of [
      ['x-amz-checksum-crc32', 'AAAAAA=='],
      ['content-md5', 'AAAAAAAAAAAAAAAAAAAAAA=='],
    ] as const) {
      const wrong = await raw(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'kept' }] } }), {
        editHeaders: (headers) => {
          for (const header of Object.keys(headers)) if (/^(content-md5|x-amz-checksum-|x-amz-sdk-checksum-algorithm)/i.test(header)) delete headers[header];
          headers[name] = value;
        },
      });
      assert.equal(wrong.status, 400, name);
      assert.match(wrong.body, /<Code>BadDigest<\/Code>/);
    }
    const badVersionId = await raw(new DeleteObjectCommand({ Bucket: bucket, Key: 'kept', VersionId: 'v'.repeat(300) }));
    assert.equal(badVersionId.status, 400);
    assert.match(badVersionId.body, /<Code>InvalidArgument<\/Code><Message>Invalid version id specified/);
    assert.equal((await text(bucket, 'kept')).body, 'k');
    await assert.rejects(
      client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: Array.from({ length: 1001 }, (_, index) => ({ Key: `k${index}` })) } })),
      (error: S3ServiceException) => error.name === 'MalformedXML' && error.$metadata.httpStatusCode === 400,
    );
    await assert.rejects(
      client.send(new DeleteObjectsCommand({ Bucket: 'no-such-bucket', Delete: { Objects: [{ Key: 'a' }] } })),
      (error: S3ServiceException) => error.name === 'NoSuchBucket',
    );
  });

  test('tagging: x-amz-tagging on PUT, tag count on GET, object tagging by version, bucket tagging and NoSuchTagSet', async () => {
    const bucket = 'tags-sdk';
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const first = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'tagged', Body: 'x', Tagging: 'colour=blue&size=big%20one' }));
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'tagged' }));
    assert.equal(got.TagCount, 2);
    await got.Body!.transformToString();
    const tagging = await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' }));
    assert.deepEqual(tagging.TagSet, [
      { Key: 'colour', Value: 'blue' },
      { Key: 'size', Value: 'big one' },
    ]);
    assert.equal(tagging.VersionId, first.VersionId);

    const second = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'tagged', Body: 'y' }));
    assert.deepEqual((await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' }))).TagSet, []);
    const put = await client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tagged', VersionId: first.VersionId, Tagging: { TagSet: [{ Key: 'old', Value: 'yes' }] } }));
    assert.equal(put.VersionId, first.VersionId);
    assert.deepEqual((await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged', VersionId: first.VersionId }))).TagSet, [{ Key: 'old', Value: 'yes' }]);
    await client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tagged', Tagging: { TagSet: [{ Key: 'new', Value: '' }] } }));
    assert.deepEqual((await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged', VersionId: second.VersionId }))).TagSet, [{ Key: 'new', Value: '' }]);
    const removed = await client.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'tagged', VersionId: first.VersionId }));
    assert.equal(removed.VersionId, first.VersionId);
    assert.deepEqual((await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged', VersionId: first.VersionId }))).TagSet, []);

    await assert.rejects(
      client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tagged', Tagging: { TagSet: Array.from({ length: 11 }, (_, index) => ({ Key: `k${index}`, Value: 'v' })) } })),
      (error: S3ServiceException) => error.name === 'InvalidTag' && error.$metadata.httpStatusCode === 400,
    );
    await assert.rejects(
      client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tagged', Tagging: { TagSet: [{ Key: 'aws:reserved', Value: 'v' }] } })),
      (error: S3ServiceException) => error.name === 'InvalidTag',
    );
    await assert.rejects(client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'missing' })), (error: S3ServiceException) => error.name === 'NoSuchKey');
    // CopyObject: tags are copied by default, replaced with x-amz-tagging-directive: REPLACE, even when metadata is replaced.
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copied', CopySource: `${bucket}/tagged`, MetadataDirective: 'REPLACE' }));
    assert.deepEqual((await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'copied' }))).TagSet, [{ Key: 'new', Value: '' }]);
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copied', CopySource: `${bucket}/tagged`, TaggingDirective: 'REPLACE', Tagging: 'fresh=1' }));
    assert.deepEqual((await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'copied' }))).TagSet, [{ Key: 'fresh', Value: '1' }]);
    await assert.rejects(
      client.send(new PutObjectCommand({ Bucket: bucket, Key: 'bad-tags', Body: 'x', Tagging: 'aws:owned=1' })),
      (error: S3ServiceException) => error.name === 'InvalidTag' && error.$metadata.httpStatusCode === 400,
    );
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'tagged' }));
    await assert.rejects(client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tagged' })), (error: S3ServiceException) => error.name === 'NoSuchKey');

    await assert.rejects(client.send(new GetBucketTaggingCommand({ Bucket: bucket })), (error: S3ServiceException) => error.name === 'NoSuchTagSet' && error.$metadata.httpStatusCode === 404);
    await client.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: [{ Key: 'team', Value: 'storage' }] } }));
    assert.deepEqual((await client.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet, [{ Key: 'team', Value: 'storage' }]);
    await client.send(new DeleteBucketTaggingCommand({ Bucket: bucket }));
    await assert.rejects(client.send(new GetBucketTaggingCommand({ Bucket: bucket })), (error: S3ServiceException) => error.name === 'NoSuchTagSet');
  });

  test('conditional writes: If-None-Match: * refuses an existing key, If-Match needs the current ETag', async () => {
    const bucket = 'cond-write';
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const created = await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: 'first', IfNoneMatch: '*' }));
    await assert.rejects(
      client.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: 'second', IfNoneMatch: '*' })),
      (error: S3ServiceException) => error.name === 'PreconditionFailed' && error.$metadata.httpStatusCode === 412,
    );
    await assert.rejects(
      client.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: 'second', IfMatch: '"00000000000000000000000000000000"' })),
      (error: S3ServiceException) => error.name === 'PreconditionFailed' && error.$metadata.httpStatusCode === 412,
    );
    await assert.rejects(
      client.send(new PutObjectCommand({ Bucket: bucket, Key: 'absent', Body: 'x', IfMatch: created.ETag })),
      (error: S3ServiceException) => error.name === 'NoSuchKey' && error.$metadata.httpStatusCode === 404,
    );
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'once', Body: 'second', IfMatch: created.ETag }));
    assert.equal((await text(bucket, 'once')).body, 'second');
  });

  test('aws CLI: put-bucket-versioning, list-object-versions, delete-objects, object and bucket tagging', async () => {
    const bucket = 'ver-cli';
    const dir = tempDir('ver-cli');
    const body = join(dir, 'body');
    writeFileSync(body, 'cli');
    await aws(s3, ['s3api', 'create-bucket', '--bucket', bucket]);
    await aws(s3, ['s3api', 'put-bucket-versioning', '--bucket', bucket, '--versioning-configuration', 'Status=Enabled']);
    assert.equal((JSON.parse(await aws(s3, ['s3api', 'get-bucket-versioning', '--bucket', bucket])) as { Status: string }).Status, 'Enabled');
    const puts = [];
    for (let round = 0; round < 2; round++) {
      puts.push(JSON.parse(await aws(s3, ['s3api', 'put-object', '--bucket', bucket, '--key', 'k', '--body', body, '--tagging', 'env=test'])) as { VersionId: string });
    }
    assert.notEqual(puts[0]!.VersionId, puts[1]!.VersionId);
    const versions = JSON.parse(await aws(s3, ['s3api', 'list-object-versions', '--bucket', bucket])) as { Versions: { Key: string; VersionId: string; IsLatest: boolean }[] };
    assert.deepEqual(
      versions.Versions.map((version) => [version.VersionId, version.IsLatest]),
      [
        [puts[1]!.VersionId, true],
        [puts[0]!.VersionId, false],
      ],
    );
    const tags = JSON.parse(await aws(s3, ['s3api', 'get-object-tagging', '--bucket', bucket, '--key', 'k', '--version-id', puts[0]!.VersionId])) as {
      VersionId: string;
      TagSet: { Key: string; Value: string }[];
    };
    assert.deepEqual(tags, { VersionId: puts[0]!.VersionId, TagSet: [{ Key: 'env', Value: 'test' }] });
    await aws(s3, ['s3api', 'put-object-tagging', '--bucket', bucket, '--key', 'k', '--tagging', 'TagSet=[{Key=stage,Value=two}]']);
    assert.deepEqual((JSON.parse(await aws(s3, ['s3api', 'get-object-tagging', '--bucket', bucket, '--key', 'k'])) as { TagSet: unknown }).TagSet, [{ Key: 'stage', Value: 'two' }]);
    await aws(s3, ['s3api', 'put-bucket-tagging', '--bucket', bucket, '--tagging', 'TagSet=[{Key=owner,Value=cli}]']);
    assert.deepEqual((JSON.parse(await aws(s3, ['s3api', 'get-bucket-tagging', '--bucket', bucket])) as { TagSet: unknown }).TagSet, [{ Key: 'owner', Value: 'cli' }]);

    const deleteDocument = { Objects: puts.map((put) => ({ Key: 'k', VersionId: put.VersionId })), Quiet: false };
    const deleted = JSON.parse(await aws(s3, ['s3api', 'delete-objects', '--bucket', bucket, '--delete', JSON.stringify(deleteDocument)])) as { Deleted: { Key: string; VersionId: string }[] };
    assert.deepEqual(deleted.Deleted.map((entry) => entry.VersionId).sort(), puts.map((put) => put.VersionId).sort());
    const empty = await aws(s3, ['s3api', 'list-object-versions', '--bucket', bucket]);
    assert.doesNotMatch(empty, /"Versions"/);
    await aws(s3, ['s3api', 'put-bucket-versioning', '--bucket', bucket, '--versioning-configuration', 'Status=Suspended']);
    assert.equal((JSON.parse(await aws(s3, ['s3api', 'get-bucket-versioning', '--bucket', bucket])) as { Status: string }).Status, 'Suspended');
    await aws(s3, ['s3api', 'delete-bucket', '--bucket', bucket]);
  });
});
