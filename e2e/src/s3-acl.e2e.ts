/**
 * Goal: ACLs the way S3 has them since 2023. A new bucket has Object Ownership BucketOwnerEnforced:
 * ACLs disabled, GetBucketAcl/GetObjectAcl answer the owner's FULL_CONTROL, and a write or Put*Acl
 * carrying any other ACL is 400 AccessControlListNotSupported (CreateBucket: 400
 * InvalidBucketAclWithObjectOwnership). With ObjectWriter / BucketOwnerPreferred, canned ACLs,
 * `x-amz-grant-*` headers and AccessControlPolicy bodies are stored per bucket and per object
 * version, returned, and enforced for unsigned requests (an explicit bucket-policy Deny still
 * wins); an object written by another key is owned by it (ObjectWriter); bad ACLs get S3's codes;
 * Block Public Access refuses public ACLs and policies, ignores stored public ACLs and restricts
 * unsigned access as S3 does; ACLs, ownership and the block survive a restart. Method: `objectbox start object-store`, @aws-sdk/client-s3
 * signed with the root key and with a key made by `objectbox keys create`, the aws CLI, and
 * unsigned `fetch`.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketOwnershipControlsCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyStatusCommand,
  GetObjectAclCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketAclCommand,
  type PutBucketAclCommandInput,
  type PutBucketAclCommandOutput,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { SerializeMiddleware } from '@smithy/types';
import { cleanUp } from './harness.js';
import { aws, createAccessKey, errorCodeOf, runClient, type S3UnderTest, startObjectStore } from './s3-e2e-support.js';

const allUsers = 'http://acs.amazonaws.com/groups/global/AllUsers';

describe('ACLs and Object Ownership against objectbox start object-store', () => {
  let s3: S3UnderTest;
  let client: S3Client;
  let rootId: string;

  function clientOf(credentials: { accessKeyId: string; secretAccessKey: string }): S3Client {
    return new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials });
  }

  async function unsigned(method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
    const response = await fetch(`${s3.endpoint}${path}`, { method, ...(body === undefined ? {} : { body }) });
    return { status: response.status, text: await response.text() };
  }

  async function assertUnsignedStatus(method: string, path: string, status: number, body?: string): Promise<void> {
    const answer = await unsigned(method, path, body);
    assert.equal(answer.status, status, `unsigned ${method} ${path}: ${answer.text}`);
    if (status === 403) assert.match(answer.text, /<Code>AccessDenied<\/Code>/);
  }

  before(async () => {
    s3 = await startObjectStore();
    client = clientOf({ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
    await client.send(new CreateBucketCommand({ Bucket: 'enforced' }));
    rootId = (await client.send(new ListBucketsCommand({}))).Owner?.ID ?? '';
    assert.match(rootId, /^[0-9a-f]{64}$/);
  });
  after(async () => {
    client?.destroy();
    await cleanUp();
  });

  test('a new bucket has ACLs disabled (BucketOwnerEnforced): owner-only ACLs read back, any other ACL is refused', async () => {
    const controls = await client.send(new GetBucketOwnershipControlsCommand({ Bucket: 'enforced' }));
    assert.deepEqual(controls.OwnershipControls?.Rules, [{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    const bucketAcl = await client.send(new GetBucketAclCommand({ Bucket: 'enforced' }));
    assert.equal(bucketAcl.Owner?.ID, rootId);
    assert.deepEqual(bucketAcl.Grants, [{ Grantee: { Type: 'CanonicalUser', ID: rootId, DisplayName: s3.accessKeyId }, Permission: 'FULL_CONTROL' }]);

    assert.deepEqual(await errorCodeOf(client.send(new PutObjectCommand({ Bucket: 'enforced', Key: 'k', Body: 'x', ACL: 'public-read' }))), { code: 'AccessControlListNotSupported', status: 400 });
    await client.send(new PutObjectCommand({ Bucket: 'enforced', Key: 'k', Body: 'x', ACL: 'bucket-owner-full-control' }));
    await client.send(new PutObjectCommand({ Bucket: 'enforced', Key: 'k', Body: 'x', ACL: 'private' }));
    const objectAcl = await client.send(new GetObjectAclCommand({ Bucket: 'enforced', Key: 'k' }));
    assert.deepEqual(objectAcl.Grants?.map((grant) => [grant.Grantee?.ID, grant.Permission]), [[rootId, 'FULL_CONTROL']]);
    assert.deepEqual(await errorCodeOf(client.send(new PutObjectAclCommand({ Bucket: 'enforced', Key: 'k', ACL: 'public-read' }))), { code: 'AccessControlListNotSupported', status: 400 });
    assert.deepEqual(await errorCodeOf(client.send(new PutBucketAclCommand({ Bucket: 'enforced', ACL: 'public-read' }))), { code: 'AccessControlListNotSupported', status: 400 });
    await client.send(new PutBucketAclCommand({ Bucket: 'enforced', ACL: 'private' }));
    await assertUnsignedStatus('GET', '/enforced/k', 403);

    assert.deepEqual(await errorCodeOf(client.send(new CreateBucketCommand({ Bucket: 'public-at-birth', ACL: 'public-read' }))), { code: 'InvalidBucketAclWithObjectOwnership', status: 400 });
    await client.send(new CreateBucketCommand({ Bucket: 'private-at-birth', ACL: 'private' }));

    // The aws CLI shows S3's error for the same mistake.
    const cli = await runClient('aws', ['--endpoint-url', s3.endpoint, 's3api', 'put-object', '--bucket', 'enforced', '--key', 'cli', '--acl', 'public-read'], { env: s3.clientEnv });
    assert.notEqual(cli.code, 0);
    assert.match(cli.stderr, /AccessControlListNotSupported/);
  });

  test('with ObjectWriter: canned ACLs, grant headers and AccessControlPolicy bodies decide what unsigned requests may do', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'writer', ObjectOwnership: 'ObjectWriter' }));
    await client.send(new PutBucketVersioningCommand({ Bucket: 'writer', VersioningConfiguration: { Status: 'Enabled' } }));
    const first = await client.send(new PutObjectCommand({ Bucket: 'writer', Key: 'page.html', Body: 'first', ACL: 'public-read' }));
    await client.send(new PutObjectCommand({ Bucket: 'writer', Key: 'secret.txt', Body: 'secret' }));
    await assertUnsignedStatus('GET', '/writer/page.html', 200);
    await assertUnsignedStatus('HEAD', '/writer/page.html', 200);
    await assertUnsignedStatus('GET', '/writer/secret.txt', 403);
    await assertUnsignedStatus('GET', '/writer?list-type=2', 403);
    await assertUnsignedStatus('PUT', '/writer/anonymous.txt', 403, 'anonymous bytes');
    const acl = await client.send(new GetObjectAclCommand({ Bucket: 'writer', Key: 'page.html' }));
    assert.deepEqual(acl.Grants?.map((grant) => [grant.Grantee?.ID ?? grant.Grantee?.URI, grant.Permission]), [
      [rootId, 'FULL_CONTROL'],
      [allUsers, 'READ'],
    ]);

    // A newer private version hides the public one; the old one stays readable by its version id.
    await client.send(new PutObjectCommand({ Bucket: 'writer', Key: 'page.html', Body: 'second' }));
    await assertUnsignedStatus('GET', '/writer/page.html', 403);
    await assertUnsignedStatus('GET', `/writer/page.html?versionId=${first.VersionId}`, 200);
    const oldAcl = await client.send(new GetObjectAclCommand({ Bucket: 'writer', Key: 'page.html', VersionId: first.VersionId }));
    assert.equal(oldAcl.Grants?.length, 2);

    // x-amz-grant-read on the current version, then an AccessControlPolicy body taking it back.
    await client.send(new PutObjectAclCommand({ Bucket: 'writer', Key: 'page.html', GrantRead: `uri="${allUsers}"`, GrantFullControl: `id="${rootId}"` }));
    await assertUnsignedStatus('GET', '/writer/page.html', 200);
    await client.send(
      new PutObjectAclCommand({
        Bucket: 'writer',
        Key: 'page.html',
        AccessControlPolicy: { Owner: { ID: rootId }, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: rootId }, Permission: 'FULL_CONTROL' }] },
      }),
    );
    await assertUnsignedStatus('GET', '/writer/page.html', 403);

    // The bucket's ACL: READ lists, WRITE lets anyone write; a policy's explicit Deny still wins.
    await client.send(new PutBucketAclCommand({ Bucket: 'writer', ACL: 'public-read-write' }));
    await assertUnsignedStatus('GET', '/writer?list-type=2', 200);
    await assertUnsignedStatus('PUT', '/writer/anonymous.txt', 200, 'anonymous bytes');
    await assertUnsignedStatus('GET', '/writer/anonymous.txt', 403);
    const bucketAcl = await client.send(new GetBucketAclCommand({ Bucket: 'writer' }));
    assert.deepEqual(bucketAcl.Grants?.map((grant) => grant.Permission), ['FULL_CONTROL', 'READ', 'WRITE']);
    const deny = { Effect: 'Deny', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::writer' };
    await client.send(new PutBucketPolicyCommand({ Bucket: 'writer', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [deny] }) }));
    await assertUnsignedStatus('GET', '/writer?list-type=2', 403);
    await client.send(new PutBucketAclCommand({ Bucket: 'writer', ACL: 'private' }));
    await assertUnsignedStatus('PUT', '/writer/anonymous.txt', 403, 'again');

    // The aws CLI reads the same ACL.
    const shown = JSON.parse(await aws(s3, ['s3api', 'get-object-acl', '--bucket', 'writer', '--key', 'page.html', '--version-id', first.VersionId!, '--output', 'json'])) as {
      Grants: { Grantee: { URI?: string }; Permission: string }[];
    };
    assert.ok(shown.Grants.some((grant) => grant.Grantee.URI === allUsers && grant.Permission === 'READ'));
  });

  test("bad ACLs get S3's error codes", async () => {
    const put = (grantRead: string) => client.send(new PutBucketAclCommand({ Bucket: 'writer', GrantRead: grantRead }));
    assert.deepEqual(await errorCodeOf(put('emailAddress="someone@example.com"')), { code: 'UnresolvableGrantByEmailAddress', status: 400 });
    assert.deepEqual(await errorCodeOf(put(`id="${'0'.repeat(64)}"`)), { code: 'InvalidArgument', status: 400 });
    assert.deepEqual(await errorCodeOf(put('uri="http://example.com/everyone"')), { code: 'InvalidArgument', status: 400 });
    const otherOwner = { Owner: { ID: '1'.repeat(64) }, Grants: [{ Grantee: { Type: 'Group' as const, URI: allUsers }, Permission: 'READ' as const }] };
    assert.deepEqual(await errorCodeOf(client.send(new PutBucketAclCommand({ Bucket: 'writer', AccessControlPolicy: otherOwner }))), { code: 'AccessDenied', status: 403 });
    assert.deepEqual(await putBucketAclRaw('writer', '<AccessControlPolicy><Owner><ID>x</ID></Owner><AccessControlList><Grant>'), { code: 'MalformedACLError', status: 400 });
    assert.deepEqual(await putBucketAclRaw('writer', '<AccessControlPolicy><AccessControlList/></AccessControlPolicy>'), { code: 'MalformedACLError', status: 400 });
    assert.deepEqual(await errorCodeOf(client.send(new PutObjectCommand({ Bucket: 'writer', Key: 'k', Body: 'x', ACL: 'log-delivery-write' as 'private' }))), { code: 'InvalidArgument', status: 400 });
  });

  /** PutBucketAcl signed by the SDK with `body` in place of the XML it would serialize (checksums are computed after). */
  async function putBucketAclRaw(bucket: string, body: string): Promise<{ code: string; status: number | undefined }> {
    const command = new PutBucketAclCommand({ Bucket: bucket, AccessControlPolicy: { Owner: { ID: rootId } } });
    const replaceBody: SerializeMiddleware<PutBucketAclCommandInput, PutBucketAclCommandOutput> = (next) => async (args) => {
      (args.request as { body: string }).body = body;
      return next(args);
    };
    command.middlewareStack.addRelativeTo(replaceBody, { relation: 'after', toMiddleware: 'serializerMiddleware', name: 'replaceAclBody' });
    return errorCodeOf(client.send(command));
  }

  test('Block Public Access: public ACLs and policies refused, stored public ACLs ignored, unsigned access restricted while the policy is public', async () => {
    await client.send(new CreateBucketCommand({ Bucket: 'guarded', ObjectOwnership: 'ObjectWriter' }));
    assert.deepEqual(await errorCodeOf(client.send(new GetPublicAccessBlockCommand({ Bucket: 'guarded' }))), { code: 'NoSuchPublicAccessBlockConfiguration', status: 404 });
    await client.send(new PutObjectCommand({ Bucket: 'guarded', Key: 'shared', Body: 's', ACL: 'public-read' }));
    await assertUnsignedStatus('GET', '/guarded/shared', 200);

    const block = (settings: Partial<Record<'BlockPublicAcls' | 'IgnorePublicAcls' | 'BlockPublicPolicy' | 'RestrictPublicBuckets', boolean>>) =>
      client.send(new PutPublicAccessBlockCommand({ Bucket: 'guarded', PublicAccessBlockConfiguration: settings }));
    await block({ BlockPublicAcls: true });
    const read = await client.send(new GetPublicAccessBlockCommand({ Bucket: 'guarded' }));
    assert.deepEqual(read.PublicAccessBlockConfiguration, { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false });
    assert.deepEqual(await errorCodeOf(client.send(new PutObjectCommand({ Bucket: 'guarded', Key: 'more', Body: 'm', ACL: 'public-read' }))), { code: 'AccessDenied', status: 403 });
    assert.deepEqual(await errorCodeOf(client.send(new PutBucketAclCommand({ Bucket: 'guarded', ACL: 'authenticated-read' }))), { code: 'AccessDenied', status: 403 });
    assert.deepEqual(await errorCodeOf(client.send(new PutObjectAclCommand({ Bucket: 'guarded', Key: 'shared', GrantRead: `uri="${allUsers}"` }))), { code: 'AccessDenied', status: 403 });
    await client.send(new PutObjectCommand({ Bucket: 'guarded', Key: 'more', Body: 'm', ACL: 'private' }));
    // Blocking new public ACLs leaves the stored one working; ignoring them does not.
    await assertUnsignedStatus('GET', '/guarded/shared', 200);
    await block({ IgnorePublicAcls: true });
    await assertUnsignedStatus('GET', '/guarded/shared', 403);

    const publicRead = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::guarded/*' }] });
    await block({ BlockPublicPolicy: true });
    assert.deepEqual(await errorCodeOf(client.send(new PutBucketPolicyCommand({ Bucket: 'guarded', Policy: publicRead }))), { code: 'AccessDenied', status: 403 });
    await block({ RestrictPublicBuckets: true });
    await client.send(new PutBucketPolicyCommand({ Bucket: 'guarded', Policy: publicRead }));
    assert.equal((await client.send(new GetBucketPolicyStatusCommand({ Bucket: 'guarded' }))).PolicyStatus?.IsPublic, true);
    await assertUnsignedStatus('GET', '/guarded/more', 403);
    await client.send(new DeletePublicAccessBlockCommand({ Bucket: 'guarded' }));
    await assertUnsignedStatus('GET', '/guarded/more', 200);
    assert.deepEqual(await errorCodeOf(client.send(new GetPublicAccessBlockCommand({ Bucket: 'guarded' }))), { code: 'NoSuchPublicAccessBlockConfiguration', status: 404 });

    // The aws CLI writes and reads the same document.
    await aws(s3, ['s3api', 'put-public-access-block', '--bucket', 'guarded', '--public-access-block-configuration', 'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true']);
    const shown = JSON.parse(await aws(s3, ['s3api', 'get-public-access-block', '--bucket', 'guarded', '--output', 'json'])) as { PublicAccessBlockConfiguration: Record<string, boolean> };
    assert.deepEqual(shown.PublicAccessBlockConfiguration, { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    await assertUnsignedStatus('GET', '/guarded/more', 403);
  });

  test('ownership: with ObjectWriter another key owns what it writes; BucketOwnerPreferred gives bucket-owner-full-control writes to the bucket owner; both survive a restart', async () => {
    const key = await createAccessKey(s3);
    const other = clientOf(key);
    try {
      await other.send(new PutObjectCommand({ Bucket: 'writer', Key: 'by-other', Body: 'o' }));
      const owned = await client.send(new GetObjectAclCommand({ Bucket: 'writer', Key: 'by-other' }));
      assert.equal(owned.Owner?.DisplayName, key.accessKeyId);
      assert.notEqual(owned.Owner?.ID, rootId);
      // Listings name the same owner (the bucket owner for the rest).
      const listed = await client.send(new ListObjectsV2Command({ Bucket: 'writer', FetchOwner: true }));
      const ownerByKey = new Map(listed.Contents?.map((object) => [object.Key, object.Owner?.DisplayName]));
      assert.equal(ownerByKey.get('by-other'), key.accessKeyId);
      assert.equal(ownerByKey.get('secret.txt'), s3.accessKeyId);
      const versions = await client.send(new ListObjectVersionsCommand({ Bucket: 'writer', Prefix: 'by-other' }));
      assert.equal(versions.Versions?.[0]?.Owner?.ID, owned.Owner?.ID);

      await client.send(new PutBucketOwnershipControlsCommand({ Bucket: 'writer', OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] } }));
      await other.send(new PutObjectCommand({ Bucket: 'writer', Key: 'given', Body: 'g', ACL: 'bucket-owner-full-control' }));
      assert.equal((await client.send(new GetObjectAclCommand({ Bucket: 'writer', Key: 'given' }))).Owner?.ID, rootId);
      await other.send(new PutObjectCommand({ Bucket: 'writer', Key: 'kept', Body: 'k', ACL: 'public-read' }));
      assert.equal((await client.send(new GetObjectAclCommand({ Bucket: 'writer', Key: 'kept' }))).Owner?.DisplayName, key.accessKeyId);
    } finally {
      other.destroy();
    }

    await client.send(new DeleteBucketOwnershipControlsCommand({ Bucket: 'writer' }));
    assert.deepEqual(await errorCodeOf(client.send(new GetBucketOwnershipControlsCommand({ Bucket: 'writer' }))), { code: 'OwnershipControlsNotFoundError', status: 404 });

    client.destroy();
    await s3.process.stop('SIGKILL');
    s3 = await startObjectStore({ restartOf: s3 });
    client = clientOf({ accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
    await assertUnsignedStatus('GET', '/writer/kept', 200);
    assert.deepEqual(await errorCodeOf(client.send(new GetBucketOwnershipControlsCommand({ Bucket: 'writer' }))), { code: 'OwnershipControlsNotFoundError', status: 404 });
    const controls = await client.send(new GetBucketOwnershipControlsCommand({ Bucket: 'enforced' }));
    assert.deepEqual(controls.OwnershipControls?.Rules, [{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    const blocked = await client.send(new GetPublicAccessBlockCommand({ Bucket: 'guarded' }));
    assert.equal(blocked.PublicAccessBlockConfiguration?.RestrictPublicBuckets, true);
    await assertUnsignedStatus('GET', '/guarded/more', 403);
  });
});
