import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MachineDriver } from './object-metadata-fixtures.spec-helper.js';
import { ObjectMetadataMachine } from './object-metadata-machine.js';
import { s3AclGroups } from './s3-acl.js';
import { parseBucketPolicy } from './s3-bucket-policy.js';
import { S3Error } from './s3-errors.js';
import { isPublicAcl, isPublicPolicy } from './s3-public-access-block.js';
import { parsePublicAccessBlockConfiguration } from './s3-xml-parse.js';
import { renderPolicyStatus, renderPublicAccessBlockConfiguration } from './s3-xml.js';

const policy = (statement: object) => parseBucketPolicy(JSON.stringify({ Version: '2012-10-17', Statement: [statement] }));

describe('what Block Public Access calls public', () => {
  it('an ACL granting anything to AllUsers or AuthenticatedUsers', () => {
    assert.ok(isPublicAcl({ canned: 'public-read' }));
    assert.ok(isPublicAcl({ canned: 'public-read-write' }));
    assert.ok(isPublicAcl({ canned: 'authenticated-read' }));
    assert.ok(isPublicAcl({ grants: [{ grantee: { type: 'Group', uri: s3AclGroups.authenticatedUsers }, permission: 'READ_ACP' }] }));
    for (const canned of ['private', 'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write', 'aws-exec-read'] as const) assert.ok(!isPublicAcl({ canned }), canned);
    assert.ok(!isPublicAcl(undefined));
    assert.ok(!isPublicAcl({ grants: [{ grantee: { type: 'Group', uri: s3AclGroups.logDelivery }, permission: 'WRITE' }] }));
  });

  it('a policy with an Allow to everyone, not a Deny to everyone nor an Allow to a key', () => {
    assert.ok(isPublicPolicy(policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' })));
    assert.ok(isPublicPolicy(policy({ Effect: 'Allow', Principal: { AWS: ['AKIA1', '*'] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' })));
    assert.ok(!isPublicPolicy(policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::b/*' })));
    assert.ok(!isPublicPolicy(policy({ Effect: 'Allow', Principal: { AWS: 'AKIA1' }, Action: 's3:*', Resource: 'arn:aws:s3:::b/*' })));
  });
});

describe('PublicAccessBlockConfiguration documents', () => {
  it('reads absent settings as false and renders all four', () => {
    const settings = parsePublicAccessBlockConfiguration('<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><RestrictPublicBuckets>TRUE</RestrictPublicBuckets></PublicAccessBlockConfiguration>');
    assert.deepEqual(settings, { blockPublicAcls: true, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: true });
    const xml = renderPublicAccessBlockConfiguration(settings);
    assert.match(xml, /<BlockPublicAcls>true<\/BlockPublicAcls><IgnorePublicAcls>false<\/IgnorePublicAcls><BlockPublicPolicy>false<\/BlockPublicPolicy><RestrictPublicBuckets>true<\/RestrictPublicBuckets>/);
    assert.deepEqual(parsePublicAccessBlockConfiguration(xml.replace(/^<\?xml[^>]*>\n/, '')), settings);
    assert.match(renderPolicyStatus(true), /<PolicyStatus xmlns="[^"]+"><IsPublic>true<\/IsPublic><\/PolicyStatus>/);
  });

  it('refuses values other than true and false', () => {
    assert.throws(() => parsePublicAccessBlockConfiguration('<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>'), (error) => error instanceof S3Error && error.code === 'MalformedXML');
    assert.throws(() => parsePublicAccessBlockConfiguration('<Other/>'), (error) => error instanceof S3Error && error.code === 'MalformedXML');
  });
});

describe('Block Public Access in the metadata state machine', () => {
  it('is put, replaced, deleted, and carried by snapshots', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    const configuration = { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: false, restrictPublicBuckets: false };
    driver.ok({ op: 'PutPublicAccessBlock', bucket: 'b', configuration });
    const restored = new ObjectMetadataMachine();
    restored.restore(driver.machine.snapshot());
    const bucket = restored.headBucket('b');
    assert.ok(bucket.ok);
    assert.deepEqual(bucket.value.publicAccessBlock, configuration);
    driver.ok({ op: 'DeletePublicAccessBlock', bucket: 'b' });
    const deleted = driver.machine.headBucket('b');
    assert.ok(deleted.ok);
    assert.equal(Object.hasOwn(deleted.value, 'publicAccessBlock'), false);
    const missing = driver.apply({ op: 'DeletePublicAccessBlock', bucket: 'nope' });
    assert.equal(missing.ok ? 'ok' : missing.error.code, 'NoSuchBucket');
  });

  it('refuses, at CompleteMultipartUpload, a public ACL given at create when BlockPublicAcls was set in between', () => {
    const driver = new MachineDriver();
    const owner = 'AKIAOWNER';
    driver.ok({ op: 'CreateBucket', bucket: 'b', ownerAccessKeyId: owner, region: 'us-east-1', createdAtMs: 1, objectOwnership: 'ObjectWriter' });
    const attributes = { contentHeaders: {}, userMetadata: {}, tags: [] };
    for (const uploadId of ['public', 'private']) {
      driver.ok({ op: 'CreateMultipartUpload', bucket: 'b', key: 'k', uploadId, initiatedAtMs: 2, ownerAccessKeyId: owner, attributes, ...(uploadId === 'public' ? { acl: { canned: 'public-read' as const } } : {}) });
      driver.ok({ op: 'UploadPart', bucket: 'b', key: 'k', uploadId, partNumber: 1, sizeBytes: 3, etag: 'e1', lastModifiedMs: 3, location: [driver.blob(3)] });
    }
    driver.ok({ op: 'PutPublicAccessBlock', bucket: 'b', configuration: { blockPublicAcls: true, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: false } });
    const complete = (uploadId: string) =>
      driver.apply({ op: 'CompleteMultipartUpload', bucket: 'b', key: 'k', uploadId, parts: [{ partNumber: 1, etag: 'e1' }], versionId: 'null', lastModifiedMs: 4, md5OfPartMd5s: 'f'.repeat(32) });
    const refused = complete('public');
    assert.equal(refused.ok ? 'ok' : refused.error.code, 'AccessDenied');
    assert.equal(driver.machine.getObject({ bucket: 'b', key: 'k' }).ok, false);
    assert.ok(complete('private').ok);
  });
});
