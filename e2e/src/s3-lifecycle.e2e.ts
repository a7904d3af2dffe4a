/**
 * Goal: bucket lifecycle as S3 has it, with expiry that really happens. Put/Get/DeleteBucketLifecycle
 * with @aws-sdk/client-s3 (and the aws CLI) store, return and remove the rules (kept across a
 * restart); S3's errors come back for bad ones (MalformedXML, InvalidArgument, NotImplemented for a
 * transition) and for a bucket without any (404 NoSuchLifecycleConfiguration). Then the leader's
 * lifecycle loop acts: a current object under a rule's prefix disappears while one outside stays,
 * HeadObject, PutObject and CompleteMultipartUpload report x-amz-expiration for an object a rule will expire; noncurrent versions beyond
 * NewerNoncurrentVersions are removed; a lone delete marker is removed; a stale multipart upload is
 * aborted (its UploadPart then answers NoSuchUpload).
 * Method: `objectbox start object-store` with the test-only debug day length of 1 s
 * (OBJECTBOX_SERVICES_OBJECT_STORE_LIFECYCLE_DEBUG_DAY_LENGTH_MS) and a pass every 200 ms, so "1 day"
 * is at most 2 s; the test polls the listing with a deadline until the expected state (no sleeps, no
 * timing assertions).
 */
import { strict as assert } from 'node:assert';
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketLifecycleCommand,
  DeleteObjectCommand,
  GetBucketLifecycleConfigurationCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import { cleanUp, tempDir, waitFor } from './harness.js';
import { aws, errorCodeOf, type S3UnderTest, startObjectStore } from './s3-e2e-support.js';

const hmac = (key: Buffer | string, text: string): Buffer => createHmac('sha256', key).update(text).digest();

/**
 * A presigned PUT of `/<bucket>?lifecycle` (query authentication, only `host` signed, the payload
 * unsigned), so the request carries exactly the headers the test gives it: the SDKs always add a
 * checksum to this request.
 */
async function presignedLifecyclePut(s3: S3UnderTest, bucket: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const scope = `${amzDate.slice(0, 8)}/${s3.region}/s3/aws4_request`;
  const host = new URL(s3.endpoint).host;
  const query = [
    'X-Amz-Algorithm=AWS4-HMAC-SHA256',
    `X-Amz-Credential=${encodeURIComponent(`${s3.accessKeyId}/${scope}`)}`,
    `X-Amz-Date=${amzDate}`,
    'X-Amz-Expires=300',
    'X-Amz-SignedHeaders=host',
    'lifecycle=',
  ].join('&');
  const canonicalRequest = ['PUT', `/${bucket}`, query, `host:${host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${s3.secretAccessKey}`, amzDate.slice(0, 8)), s3.region), 's3'), 'aws4_request');
  const response = await fetch(`${s3.endpoint}/${bucket}?${query}&X-Amz-Signature=${hmac(key, stringToSign).toString('hex')}`, { method: 'PUT', headers, body });
  return { status: response.status, text: await response.text() };
}

const debugDayLengthMs = 1000;
const expiryDeadlineMs = 30_000;
const lifecycleEnv = {
  OBJECTBOX_SERVICES_OBJECT_STORE_LIFECYCLE_DEBUG_DAY_LENGTH_MS: `${debugDayLengthMs}`,
  OBJECTBOX_SERVICES_OBJECT_STORE_LIFECYCLE_INTERVAL_MS: '200',
};

describe('lifecycle against objectbox start object-store', () => {
  let s3: S3UnderTest;
  let client: S3Client;
  const connect = () => new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });

  before(async () => {
    s3 = await startObjectStore({ env: lifecycleEnv });
    client = connect();
  });
  after(async () => {
    client?.destroy();
    await cleanUp();
  });

  test('Put/Get/DeleteBucketLifecycleConfiguration store, return and remove the rules; bad ones get S3 errors; they survive a restart', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'rules' }));
    assert.deepEqual(await errorCodeOf(client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'rules' }))), { code: 'NoSuchLifecycleConfiguration', status: 404 });
    const rules: LifecycleRule[] = [
      { ID: 'logs', Filter: { Prefix: 'logs/' }, Status: 'Enabled', Expiration: { Days: 30 } },
      {
        ID: 'big-and-tagged',
        Filter: { And: { Prefix: 'data/', Tags: [{ Key: 'class', Value: 'scratch' }], ObjectSizeGreaterThan: 1024 } },
        Status: 'Disabled',
        NoncurrentVersionExpiration: { NoncurrentDays: 7, NewerNoncurrentVersions: 3 },
      },
      { ID: 'uploads', Filter: {}, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } },
    ];
    await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: 'rules', LifecycleConfiguration: { Rules: rules } }));
    const got = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'rules' }));
    assert.deepEqual(got.Rules, rules);

    const bad = (Rules: LifecycleRule[]) => errorCodeOf(client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: 'rules', LifecycleConfiguration: { Rules } })));
    assert.deepEqual(await bad([{ ID: 'a'.repeat(256), Filter: { Prefix: '' }, Status: 'Enabled', Expiration: { Days: 1 } }]), { code: 'InvalidArgument', status: 400 });
    assert.deepEqual(
      await bad([
        { ID: 'same', Filter: { Prefix: 'a' }, Status: 'Enabled', Expiration: { Days: 1 } },
        { ID: 'same', Filter: { Prefix: 'b' }, Status: 'Enabled', Expiration: { Days: 2 } },
      ]),
      { code: 'InvalidArgument', status: 400 },
    );
    assert.deepEqual(await bad([{ ID: 'zero', Filter: { Prefix: '' }, Status: 'Enabled', Expiration: { Days: 0 } }]), { code: 'InvalidArgument', status: 400 });
    assert.deepEqual(await bad([{ ID: 'status', Filter: { Prefix: '' }, Status: 'enabled' as 'Enabled', Expiration: { Days: 1 } }]), { code: 'MalformedXML', status: 400 });
    assert.deepEqual(await bad([]), { code: 'MalformedXML', status: 400 });
    assert.deepEqual(await bad([{ ID: 'archive', Filter: { Prefix: '' }, Status: 'Enabled', Transitions: [{ Days: 30, StorageClass: 'GLACIER' }] }]), { code: 'NotImplemented', status: 501 });
    assert.deepEqual((await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'rules' }))).Rules, rules, 'a refused configuration changes nothing');

    client.destroy();
    await s3.process.stop('SIGKILL');
    s3 = await startObjectStore({ restartOf: s3, env: lifecycleEnv });
    client = connect();
    assert.deepEqual((await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'rules' }))).Rules, rules);
    await client.send(new DeleteBucketLifecycleCommand({ Bucket: 'rules' }));
    assert.deepEqual(await errorCodeOf(client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'rules' }))), { code: 'NoSuchLifecycleConfiguration', status: 404 });
  });

  test('PutBucketLifecycleConfiguration needs Content-MD5 (or a checksum) and checks it, as S3', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'digest' }));
    const document = '<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>a/</Prefix></Filter><Status>Enabled</Status><Expiration><Days>5</Days></Expiration></Rule></LifecycleConfiguration>';
    const missing = await presignedLifecyclePut(s3, 'digest', document, {});
    assert.equal(missing.status, 400, missing.text);
    assert.match(missing.text, /<Code>InvalidRequest<\/Code>.*Content-MD5/s);
    const wrong = await presignedLifecyclePut(s3, 'digest', document, { 'content-md5': createHash('md5').update('other').digest('base64') });
    assert.equal(wrong.status, 400, wrong.text);
    assert.match(wrong.text, /<Code>BadDigest<\/Code>/);
    const right = await presignedLifecyclePut(s3, 'digest', document, { 'content-md5': createHash('md5').update(document).digest('base64') });
    assert.equal(right.status, 200, right.text);
    assert.deepEqual((await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'digest' }))).Rules, [{ ID: 'r', Filter: { Prefix: 'a/' }, Status: 'Enabled', Expiration: { Days: 5 } }]);
  });

  test('the aws CLI puts and reads a lifecycle configuration (the legacy rule-level Prefix too)', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'cli-rules' }));
    const file = join(tempDir('lifecycle'), 'lifecycle.json');
    const configuration = { Rules: [{ ID: 'legacy', Prefix: 'old/', Status: 'Enabled', Expiration: { Date: '2030-01-01T00:00:00.000Z' } }] };
    writeFileSync(file, JSON.stringify(configuration));
    await aws(s3, ['s3api', 'put-bucket-lifecycle-configuration', '--bucket', 'cli-rules', '--lifecycle-configuration', `file://${file}`]);
    const got = JSON.parse(await aws(s3, ['s3api', 'get-bucket-lifecycle-configuration', '--bucket', 'cli-rules'])) as { Rules: { ID: string; Prefix: string; Expiration: { Date: string } }[] };
    assert.equal(got.Rules[0]?.ID, 'legacy');
    assert.equal(got.Rules[0]?.Prefix, 'old/');
    assert.equal(Date.parse(got.Rules[0]!.Expiration.Date), Date.UTC(2030, 0, 1));
  });

  test('current objects under the prefix expire, others stay; HeadObject reports x-amz-expiration', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'expiring' }));
    const rules: LifecycleRule[] = [
      { ID: 'tmp-1-day', Filter: { Prefix: 'tmp/' }, Status: 'Enabled', Expiration: { Days: 1 } },
      { ID: 'keep-an-hour', Filter: { Prefix: 'keep/' }, Status: 'Enabled', Expiration: { Days: 3600 } },
    ];
    await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: 'expiring', LifecycleConfiguration: { Rules: rules } }));
    const putExpirations = new Map<string, string | undefined>();
    for (const key of ['tmp/a', 'tmp/b', 'keep/c', 'other/d']) putExpirations.set(key, (await client.send(new PutObjectCommand({ Bucket: 'expiring', Key: key, Body: key }))).Expiration);
    assert.equal((await client.send(new HeadObjectCommand({ Bucket: 'expiring', Key: 'other/d' }))).Expiration, undefined, 'no rule selects other/');
    const head = await client.send(new HeadObjectCommand({ Bucket: 'expiring', Key: 'keep/c' }));
    // PutObject answers the same x-amz-expiration as HeadObject (S3 sends it on writes too); none where no rule applies.
    assert.equal(putExpirations.get('keep/c'), head.Expiration);
    assert.equal(putExpirations.get('other/d'), undefined);
    const match = /^expiry-date="([^"]+)", rule-id="keep-an-hour"$/.exec(head.Expiration ?? '');
    assert.ok(match, head.Expiration);
    // S3's rule with a debug day: the first "midnight" (a multiple of the day) after creation + 3600 days.
    const createdMs = head.LastModified!.getTime(); // whole seconds, as HTTP dates are
    const expiryMs = Date.parse(match[1]!);
    assert.ok(expiryMs % debugDayLengthMs === 0 && expiryMs > createdMs + 3600 * debugDayLengthMs && expiryMs <= createdMs + 3602 * debugDayLengthMs, `${match[1]} after ${head.LastModified?.toISOString()}`);
    const keys = await waitFor(
      'tmp/ to expire',
      async () => {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: 'expiring' }));
        const names = (listed.Contents ?? []).map((entry) => entry.Key);
        return names.some((name) => name?.startsWith('tmp/')) ? undefined : names;
      },
      { deadlineMs: expiryDeadlineMs, intervalMs: 100 },
    );
    assert.deepEqual(keys, ['keep/c', 'other/d']);
  });

  test('CompleteMultipartUpload answers x-amz-expiration as HeadObject does, by the tags the upload was created with', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'expiring-uploads' }));
    const rules: LifecycleRule[] = [{ ID: 'tagged-an-hour', Filter: { Tag: { Key: 'expire', Value: 'yes' } }, Status: 'Enabled', Expiration: { Days: 3600 } }];
    await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: 'expiring-uploads', LifecycleConfiguration: { Rules: rules } }));
    const complete = async (key: string, tagging: string | undefined): Promise<string | undefined> => {
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'expiring-uploads', Key: key, ...(tagging === undefined ? {} : { Tagging: tagging }) }));
      const { ETag } = await client.send(new UploadPartCommand({ Bucket: 'expiring-uploads', Key: key, UploadId, PartNumber: 1, Body: key }));
      const done = await client.send(new CompleteMultipartUploadCommand({ Bucket: 'expiring-uploads', Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }));
      return done.Expiration;
    };
    const tagged = await complete('tagged', 'expire=yes');
    const head = await client.send(new HeadObjectCommand({ Bucket: 'expiring-uploads', Key: 'tagged' }));
    assert.match(tagged ?? '', /^expiry-date="[^"]+", rule-id="tagged-an-hour"$/);
    assert.equal(tagged, head.Expiration);
    // The rule selects by tag, so an upload created without the tag completes into an object no rule expires.
    assert.equal(await complete('untagged', undefined), undefined);
    assert.equal((await client.send(new HeadObjectCommand({ Bucket: 'expiring-uploads', Key: 'untagged' }))).Expiration, undefined);
  });

  test('in a versioned bucket: noncurrent versions beyond NewerNoncurrentVersions go, a lone delete marker goes', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'versions' }));
    await client.send(new PutBucketVersioningCommand({ Bucket: 'versions', VersioningConfiguration: { Status: 'Enabled' } }));
    const written: string[] = [];
    for (let round = 0; round < 4; round++) written.push((await client.send(new PutObjectCommand({ Bucket: 'versions', Key: 'doc', Body: `round ${round}` }))).VersionId!);
    await client.send(new DeleteObjectCommand({ Bucket: 'versions', Key: 'gone' })); // a lone delete marker
    await client.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: 'versions',
        LifecycleConfiguration: {
          Rules: [
            { ID: 'noncurrent', Filter: {}, Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 1, NewerNoncurrentVersions: 1 } },
            { ID: 'markers', Filter: { Prefix: 'gone' }, Status: 'Enabled', Expiration: { ExpiredObjectDeleteMarker: true } },
          ],
        },
      }),
    );
    const state = await waitFor(
      'old versions and the lone marker to go',
      async () => {
        const listed = await client.send(new ListObjectVersionsCommand({ Bucket: 'versions' }));
        const versions = (listed.Versions ?? []).map((version) => version.VersionId);
        return versions.length === 2 && (listed.DeleteMarkers ?? []).length === 0 ? versions : undefined;
      },
      { deadlineMs: expiryDeadlineMs, intervalMs: 100 },
    );
    assert.deepEqual(state, [written[3], written[2]], 'the current version and the newest noncurrent one stay');
  });

  test('a stale multipart upload is aborted', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'uploads' }));
    await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: 'uploads', LifecycleConfiguration: { Rules: [{ ID: 'abort', Filter: { Prefix: '' }, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }] } }));
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'uploads', Key: 'big.bin' }));
    await client.send(new UploadPartCommand({ Bucket: 'uploads', Key: 'big.bin', UploadId, PartNumber: 1, Body: Buffer.alloc(1024, 1) }));
    await waitFor(
      'the upload to be aborted',
      async () => ((await client.send(new ListMultipartUploadsCommand({ Bucket: 'uploads' }))).Uploads ?? []).length === 0 || undefined,
      { deadlineMs: expiryDeadlineMs, intervalMs: 100 },
    );
    assert.deepEqual(await errorCodeOf(client.send(new UploadPartCommand({ Bucket: 'uploads', Key: 'big.bin', UploadId, PartNumber: 2, Body: 'x' }))), { code: 'NoSuchUpload', status: 404 });
  });
});
