/**
 * Goal: the holes a review found in ACLs, Block Public Access and PostObject stay closed, seen from
 * real clients. (1) A write that carries an ACL needs s3:PutObjectAcl: a bucket policy that lets
 * everyone upload to `inbox/` does not let them make an upload public (PUT with x-amz-acl, a form's
 * `acl`), and a Deny on s3:PutObjectAcl stops a signed key's write with an ACL. (2) A PutObjectAcl
 * whose body is still arriving when the owner overwrites the key privately does not make the new
 * private content public. (3) PostObject fields that would make unreadable objects (CR/LF in a
 * value, a name that is no header name, a redirect with CR/LF) are 400 InvalidArgument and nothing
 * is stored; non-ASCII metadata comes back RFC 2047-encoded and the object stays readable. (4) Form
 * fields for SSE-KMS, object lock and checksums are treated as PutObject's headers. (6) Unsigned
 * listings and ACLs name owners by canonical id only, never by key id.
 * Method: `objectbox start object-store`; @aws-sdk/client-s3 signed with the root key and with a key
 * made by `objectbox keys create`; unsigned `fetch` with hand-built multipart forms; a raw
 * `node:net` socket that sends a PutObjectAcl body in two halves.
 */
import { strict as assert } from 'node:assert';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutBucketAclCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { cleanUp } from './harness.js';
import { createAccessKey, errorCodeOf, type S3UnderTest, startObjectStore } from './s3-e2e-support.js';

const allUsers = 'http://acs.amazonaws.com/groups/global/AllUsers';
const boundary = '----objectbox-hardening-5f2c';

/** A multipart/form-data body built by hand, so values keep their CR/LF and names their spaces. */
function formBody(fields: readonly (readonly [string, string])[], file = 'file bytes'): Buffer {
  const parts = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  return Buffer.from(`${parts.join('')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n\r\n${file}\r\n--${boundary}--\r\n`, 'utf8');
}

describe('ACL, Block Public Access and PostObject hardening against objectbox start object-store', () => {
  let s3: S3UnderTest;
  let client: S3Client;

  async function unsigned(method: string, path: string, init: { body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string }> {
    const response = await fetch(`${s3.endpoint}${path}`, { method, ...(init.body === undefined ? {} : { body: init.body }), ...(init.headers === undefined ? {} : { headers: init.headers }) });
    return { status: response.status, text: await response.text() };
  }

  async function postForm(bucket: string, fields: readonly (readonly [string, string])[], file?: string): Promise<{ status: number; text: string }> {
    return unsigned('POST', `/${bucket}`, { body: formBody(fields, file), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  }

  async function exists(bucket: string, key: string): Promise<boolean> {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch (error) {
      assert.ok(error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404, String(error));
      return false;
    }
  }

  before(async () => {
    s3 = await startObjectStore();
    client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    await client.send(new CreateBucketCommand({ Bucket: 'drop', ObjectOwnership: 'ObjectWriter' }));
    await client.send(new CreateBucketCommand({ Bucket: 'open', ObjectOwnership: 'ObjectWriter' }));
    await client.send(new PutBucketAclCommand({ Bucket: 'open', ACL: 'public-read-write' }));
  });
  after(async () => {
    client?.destroy();
    await cleanUp();
  });

  test('a write that sets an ACL needs s3:PutObjectAcl: uploading to a public inbox does not make the upload public', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::drop/inbox/*' },
        { Effect: 'Deny', Principal: '*', Action: 's3:PutObjectAcl', Resource: 'arn:aws:s3:::drop/locked/*' },
      ],
    };
    await client.send(new PutBucketPolicyCommand({ Bucket: 'drop', Policy: JSON.stringify(policy) }));
    assert.equal((await unsigned('PUT', '/drop/inbox/plain', { body: 'plain' })).status, 200);
    assert.equal((await unsigned('GET', '/drop/inbox/plain')).status, 403);

    const withAcl = await unsigned('PUT', '/drop/inbox/public', { body: 'warez', headers: { 'x-amz-acl': 'public-read' } });
    assert.equal(withAcl.status, 403, withAcl.text);
    assert.match(withAcl.text, /<Code>AccessDenied<\/Code>/);
    const withGrant = await unsigned('PUT', '/drop/inbox/granted', { body: 'warez', headers: { 'x-amz-grant-read': `uri="${allUsers}"` } });
    assert.equal(withGrant.status, 403, withGrant.text);
    const form = await postForm('drop', [['key', 'inbox/form'], ['acl', 'public-read-write']]);
    assert.equal(form.status, 403, form.text);
    assert.equal(await exists('drop', 'inbox/public'), false);
    assert.equal(await exists('drop', 'inbox/form'), false);

    // Where the bucket's ACL lets everyone write, the writer may still choose its new object's ACL (S3's ACL model).
    assert.equal((await postForm('open', [['key', 'shared'], ['acl', 'public-read']])).status, 204);
    assert.equal((await unsigned('GET', '/open/shared')).status, 200);

    // A signed key: a Deny on s3:PutObjectAcl stops its write with an ACL, not without one.
    const key = await createAccessKey(s3);
    const other = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: key });
    try {
      await other.send(new PutObjectCommand({ Bucket: 'drop', Key: 'locked/a', Body: 'a' }));
      assert.deepEqual(await errorCodeOf(other.send(new PutObjectCommand({ Bucket: 'drop', Key: 'locked/b', Body: 'b', ACL: 'public-read' }))), { code: 'AccessDenied', status: 403 });
      assert.equal(await exists('drop', 'locked/b'), false);
    } finally {
      other.destroy();
    }
  });

  test('a PutObjectAcl authorized by one version does not reach the private version the owner writes while its body arrives', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'open', Key: 'race', Body: 'public note', GrantWriteACP: `uri="${allUsers}"` }));
    const ownerId = (await client.send(new ListObjectsCommand({ Bucket: 'open', Prefix: 'race' }))).Contents?.[0]?.Owner?.ID ?? '';
    const body = Buffer.from(
      `<AccessControlPolicy><Owner><ID>${ownerId}</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>${allUsers}</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList></AccessControlPolicy>`,
    );
    const { hostname, port } = new URL(s3.endpoint);
    const socket = connect(Number(port), hostname);
    const answer = new Promise<string>((resolve, reject) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (text.includes('\r\n\r\n')) resolve(text);
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(`PUT /open/race?acl HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body.subarray(0, 10));
    // The server authorizes from the headers and then waits for the body; the owner overwrites meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await client.send(new PutObjectCommand({ Bucket: 'open', Key: 'race', Body: 'TOP SECRET' }));
    assert.equal((await unsigned('GET', '/open/race')).status, 403);
    socket.write(body.subarray(10));
    const statusLine = (await answer).split('\r\n')[0] ?? '';
    socket.destroy();
    assert.match(statusLine, / (403|409) /, statusLine);
    const after = await unsigned('GET', '/open/race');
    assert.equal(after.status, 403, after.text);
  });

  test('PostObject refuses fields that cannot be headers, before storing anything; non-ASCII metadata reads back RFC 2047-encoded', async () => {
    const refused: [string, [string, string][]][] = [
      ['crlf-meta', [['x-amz-meta-a', 'v\r\nSet-Cookie: session=stolen']]],
      ['bad-name', [['x-amz-meta-a b', 'v']]],
      ['crlf-type', [['Content-Type', 'text/plain\r\nX-Evil: 1']]],
      ['crlf-redirect', [['success_action_redirect', 'https://example.com/\r\nSet-Cookie: a=b']]],
    ];
    for (const [key, fields] of refused) {
      const answer = await postForm('open', [['key', key], ...fields]);
      assert.equal(answer.status, 400, `${key}: ${answer.text}`);
      assert.match(answer.text, /<Code>InvalidArgument<\/Code>/, key);
      assert.equal(await exists('open', key), false, key);
    }

    assert.equal((await postForm('open', [['key', 'snowman'], ['x-amz-meta-weather', '☃ snow'], ['Content-Disposition', 'attachment; filename="résumé.txt"']])).status, 204);
    const got = await client.send(new GetObjectCommand({ Bucket: 'open', Key: 'snowman' }));
    assert.equal(await got.Body?.transformToString(), 'file bytes');
    assert.equal(got.Metadata?.weather, `=?UTF-8?B?${Buffer.from('☃ snow').toString('base64')}?=`);
    assert.equal(got.ContentDisposition, `=?UTF-8?B?${Buffer.from('attachment; filename="résumé.txt"').toString('base64')}?=`);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'open', Key: 'snowman' }));
    assert.equal(head.Metadata?.weather, got.Metadata?.weather);

    // A redirect is still followed with the object's location when it is a plain URL.
    const redirected = await fetch(`${s3.endpoint}/open`, {
      method: 'POST',
      body: formBody([['key', 'redirected'], ['success_action_redirect', 'https://example.com/done']]),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      redirect: 'manual',
    });
    assert.equal(redirected.status, 303);
    assert.match(redirected.headers.get('location') ?? '', /^https:\/\/example\.com\/done\?bucket=open&key=redirected&etag=/);
  });

  test('PostObject treats encryption, object-lock and checksum fields as PutObject treats the headers', async () => {
    const kms = await postForm('open', [['key', 'kms'], ['x-amz-server-side-encryption', 'aws:kms']]);
    assert.equal(kms.status, 501, kms.text);
    assert.equal(await exists('open', 'kms'), false);
    const locked = await postForm('open', [['key', 'locked'], ['x-amz-object-lock-mode', 'GOVERNANCE']]);
    assert.equal(locked.status, 400, locked.text);
    assert.equal(await exists('open', 'locked'), false);
    const wrong = await postForm('open', [['key', 'wrong-sum'], ['x-amz-checksum-sha256', Buffer.alloc(32).toString('base64')]]);
    assert.equal(wrong.status, 400, wrong.text);
    assert.equal(await exists('open', 'wrong-sum'), false);
    const sha256 = (await import('node:crypto')).createHash('sha256').update('file bytes').digest('base64');
    assert.equal((await postForm('open', [['key', 'right-sum'], ['x-amz-checksum-sha256', sha256]])).status, 204);
    const head = await client.send(new HeadObjectCommand({ Bucket: 'open', Key: 'right-sum', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ChecksumSHA256, sha256);
  });

  test('unsigned listings name owners by canonical id only; signed ones keep the key id as DisplayName', async () => {
    const anonymous = await unsigned('GET', '/open');
    assert.equal(anonymous.status, 200, anonymous.text);
    assert.match(anonymous.text, /<Owner><ID>[0-9a-f]{64}<\/ID><\/Owner>/);
    assert.ok(!anonymous.text.includes(s3.accessKeyId), 'the root key id is not disclosed');
    assert.ok(!anonymous.text.includes('DisplayName'));
    const signed = await client.send(new ListObjectsCommand({ Bucket: 'open' }));
    assert.equal(signed.Contents?.[0]?.Owner?.DisplayName, s3.accessKeyId);
  });
});
