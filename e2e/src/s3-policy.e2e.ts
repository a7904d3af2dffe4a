/**
 * Goal: bucket policies (issue 5, "unauthenticated requests are denied unless a bucket policy allows
 * them"): PutBucketPolicy / GetBucketPolicy / DeleteBucketPolicy through @aws-sdk/client-s3 and the
 * aws CLI, and unsigned `fetch` requests allowed or refused by the policy (403 AccessDenied XML),
 * an explicit Deny winning over an Allow, MalformedPolicy for bad documents, and an explicit Deny
 * applying to a non-root key made with `objectbox keys create`.
 * Method: `objectbox start object-store` on free ports; the SDK and the CLI signed with the root key.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectsCommand,
  GetBucketPolicyCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { cleanUp } from './harness.js';
import { aws, createAccessKey, errorCodeOf, runClient, type S3UnderTest, startObjectStore } from './s3-e2e-support.js';

const bucket = 'policy-bucket';

function publicRead(extra: readonly object[] = []): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }, ...extra],
  });
}

describe('bucket policies against objectbox start object-store', () => {
  let s3: S3UnderTest;
  let client: S3Client;

  /** An unsigned request; the answer's status and body. */
  async function unsigned(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
    const response = await fetch(`${s3.endpoint}${path}`, { method, ...(body === undefined ? {} : { body }) });
    return { status: response.status, text: await response.text() };
  }

  function assertAccessDenied(answer: { status: number; text: string }, what: string): void {
    assert.equal(answer.status, 403, `${what}: ${answer.text}`);
    assert.match(answer.text, /<Code>AccessDenied<\/Code>/, what);
    assert.match(answer.text, /<RequestId>[0-9A-F]+<\/RequestId>/, what);
  }

  before(async () => {
    s3 = await startObjectStore();
    client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const key of ['index.html', 'private/secret.txt']) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `body of ${key}`, ContentType: 'text/plain' }));
    }
  });
  after(async () => {
    client?.destroy();
    await cleanUp();
  });

  test('without a policy: unsigned requests are 403 AccessDenied and GetBucketPolicy is 404 NoSuchBucketPolicy', async () => {
    assertAccessDenied(await unsigned('GET', `/${bucket}/index.html`), 'unsigned GET');
    assert.deepEqual(await errorCodeOf(client.send(new GetBucketPolicyCommand({ Bucket: bucket }))), { code: 'NoSuchBucketPolicy', status: 404 });
    assert.deepEqual(await errorCodeOf(client.send(new GetBucketPolicyCommand({ Bucket: 'no-such-bucket' }))), { code: 'NoSuchBucket', status: 404 });
  });

  test('a public-read policy allows unsigned GetObject only, until it is deleted', async () => {
    await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicRead() }));
    const got = await client.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    assert.deepEqual(JSON.parse(got.Policy ?? ''), JSON.parse(publicRead()));

    const get = await unsigned('GET', `/${bucket}/index.html`);
    assert.equal(get.status, 200, get.text);
    assert.equal(get.text, 'body of index.html');
    assert.equal((await unsigned('HEAD', `/${bucket}/index.html`)).status, 200);
    assert.equal((await unsigned('GET', `/${bucket}/missing`)).status, 404);
    assertAccessDenied(await unsigned('PUT', `/${bucket}/uploaded.txt`, 'anonymous bytes'), 'unsigned PUT');
    assertAccessDenied(await unsigned('GET', `/${bucket}?list-type=2`), 'unsigned ListObjectsV2');
    assertAccessDenied(await unsigned('GET', `/${bucket}`), 'unsigned ListObjects');
    assertAccessDenied(await unsigned('DELETE', `/${bucket}/index.html`), 'unsigned DELETE');
    assertAccessDenied(await unsigned('GET', `/${bucket}?policy`), 'unsigned GetBucketPolicy');
    assertAccessDenied(await unsigned('GET', '/'), 'unsigned ListBuckets');

    await client.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    assertAccessDenied(await unsigned('GET', `/${bucket}/index.html`), 'unsigned GET after DeleteBucketPolicy');
    assert.deepEqual(await errorCodeOf(client.send(new GetBucketPolicyCommand({ Bucket: bucket }))), { code: 'NoSuchBucketPolicy', status: 404 });
  });

  test('an explicit Deny on a key prefix wins over the Allow', async () => {
    const deny = { Sid: 'NoPrivate', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::${bucket}/private/*` };
    await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicRead([deny]) }));
    assert.equal((await unsigned('GET', `/${bucket}/index.html`)).status, 200);
    assertAccessDenied(await unsigned('GET', `/${bucket}/private/secret.txt`), 'unsigned GET under a denied prefix');
    // The root key (the owner) is never judged by the policy.
    assert.equal((await aws(s3, ['s3', 'cp', `s3://${bucket}/private/secret.txt`, '-'])).trim(), 'body of private/secret.txt');
    await client.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
  });

  test('malformed policies are 400 MalformedPolicy', async () => {
    const bad = [
      'not json',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'ec2:RunInstances', Resource: `arn:aws:s3:::${bucket}/*` }] }),
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }] }),
      JSON.stringify({ Version: '2012-10-17', Statement: [] }),
    ];
    for (const policy of bad) {
      assert.deepEqual(await errorCodeOf(client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }))), { code: 'MalformedPolicy', status: 400 }, policy);
    }
    assert.deepEqual(await errorCodeOf(client.send(new GetBucketPolicyCommand({ Bucket: bucket }))), { code: 'NoSuchBucketPolicy', status: 404 });
  });

  test('aws s3api put-bucket-policy, get-bucket-policy and delete-bucket-policy', async () => {
    await aws(s3, ['s3api', 'put-bucket-policy', '--bucket', bucket, '--policy', publicRead()]);
    const got = JSON.parse(await aws(s3, ['s3api', 'get-bucket-policy', '--bucket', bucket])) as { Policy: string };
    assert.deepEqual(JSON.parse(got.Policy), JSON.parse(publicRead()));
    assert.equal((await unsigned('GET', `/${bucket}/index.html`)).status, 200);
    await aws(s3, ['s3api', 'delete-bucket-policy', '--bucket', bucket]);
    const missing = await runClient('aws', ['--endpoint-url', s3.endpoint, 's3api', 'get-bucket-policy', '--bucket', bucket], { env: s3.clientEnv });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /NoSuchBucketPolicy/);
  });

  test('an explicit Deny naming a non-root key refuses it; without one the key keeps its access', async () => {
    const key = await createAccessKey(s3);
    const other = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: key });
    try {
      await other.send(new PutObjectCommand({ Bucket: bucket, Key: 'by-key.txt', Body: 'x' }));
      const deny = { Effect: 'Deny', Principal: { AWS: `arn:aws:iam::objectbox:user/${key.accessKeyId}` }, Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*` };
      await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [deny] }) }));
      assert.deepEqual(await errorCodeOf(other.send(new PutObjectCommand({ Bucket: bucket, Key: 'by-key.txt', Body: 'y' }))), { code: 'AccessDenied', status: 403 });
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'by-root.txt', Body: 'z' }));

      // A Deny on a prefix holds inside DeleteObjects too: each key is checked, not the batch.
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'secret/a', Body: 's' }));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'public/b', Body: 'p' }));
      const denyDelete = { Effect: 'Deny', Principal: { AWS: key.accessKeyId }, Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${bucket}/secret/*` };
      await client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: [denyDelete] }) }));
      const batch = await other.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'secret/a' }, { Key: 'public/b' }] } }));
      assert.deepEqual(batch.Errors?.map((error) => [error.Key, error.Code]), [['secret/a', 'AccessDenied']]);
      assert.deepEqual(batch.Deleted?.map((deleted) => deleted.Key), ['public/b']);
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'secret/a' }));
    } finally {
      other.destroy();
      await client.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    }
  });
});
