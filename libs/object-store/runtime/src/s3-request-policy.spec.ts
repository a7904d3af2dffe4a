/**
 * The door's authorization and the handlers agree on one object version: a request an object ACL
 * allowed acts on the version whose ACL was checked, never on one written after (review finding 2).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeObjectMetadataCommand, ObjectMetadataMachine, S3Error, type ObjectMetadataCommand } from '@objectbox/object-store-core';
import type { S3Authentication } from './s3-request-auth.js';
import { authorizeByBucketPolicy, authorizedObject } from './s3-request-policy.js';
import type { S3MetadataStore } from './s3-server.js';

const owner = 'AKIAOWNER';
let index = 0;

function apply(machine: ObjectMetadataMachine, command: ObjectMetadataCommand): void {
  const reply = machine.apply(encodeObjectMetadataCommand(command), ++index);
  assert.ok(reply.ok, JSON.stringify(reply));
}

function put(machine: ObjectMetadataMachine, key: string, blobId: string, acl?: { canned: 'public-read' }): void {
  apply(machine, {
    op: 'PutObject',
    bucket: 'b',
    key,
    versionId: blobId,
    lastModifiedMs: 1000,
    sizeBytes: 1,
    etag: 'e',
    attributes: { contentHeaders: {}, userMetadata: {}, tags: [] },
    location: [{ blobId, sizeBytes: 1, blake3: 'a'.repeat(64) }],
    ...(acl === undefined ? {} : { acl }),
  } as ObjectMetadataCommand);
}

const anonymous = { accessKeyId: '', anonymous: true, location: 'anonymous' } as unknown as S3Authentication;

function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof S3Error, String(error));
    return error.code;
  }
  return 'no error';
}

describe('authorizedObject', () => {
  it('serves the version whose ACL allowed an unsigned read, and refuses once an overwrite replaced it', async () => {
    const machine = new ObjectMetadataMachine();
    apply(machine, { op: 'CreateBucket', bucket: 'b', ownerAccessKeyId: owner, region: 'us-east-1', createdAtMs: 1, objectOwnership: 'ObjectWriter' });
    put(machine, 'k', 'blob1', { canned: 'public-read' });
    const metadata = { read: async () => machine } as unknown as S3MetadataStore;
    const auth = await authorizeByBucketPolicy({ endpoint: { operation: 'GetObject', bucket: 'b', key: 'k', versionId: undefined, partNumber: undefined, responseHeaders: {} }, auth: anonymous, metadata, rootAccessKeyId: owner, setsAcl: false });
    const served = authorizedObject(auth, machine, { bucket: 'b', key: 'k' });
    assert.ok(served.ok);
    assert.equal(served.value.location[0]?.blobId, 'blob1');
    // The owner overwrites privately (same id 'null', same time, same etag: only the blobs differ).
    put(machine, 'k', 'blob2');
    assert.equal(codeOf(() => authorizedObject(auth, machine, { bucket: 'b', key: 'k' })), 'AccessDenied');
    // A fresh unsigned request is refused at the door, and a signed one (nothing pinned) reads the latest.
    await assert.rejects(authorizeByBucketPolicy({ endpoint: { operation: 'GetObject', bucket: 'b', key: 'k', versionId: undefined, partNumber: undefined, responseHeaders: {} }, auth: anonymous, metadata, rootAccessKeyId: owner, setsAcl: false }), (error) => error instanceof S3Error && error.code === 'AccessDenied');
    const signed = authorizedObject({ ...anonymous, anonymous: false, accessKeyId: owner }, machine, { bucket: 'b', key: 'k' });
    assert.ok(signed.ok);
    assert.equal(signed.value.location[0]?.blobId, 'blob2');
  });

  it('asks an unsigned write that carries an ACL for more than the bucket policy allowing s3:PutObject', async () => {
    const machine = new ObjectMetadataMachine();
    apply(machine, { op: 'CreateBucket', bucket: 'b', ownerAccessKeyId: owner, region: 'us-east-1', createdAtMs: 1, objectOwnership: 'ObjectWriter' });
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/inbox/*' }] });
    apply(machine, { op: 'PutBucketPolicy', bucket: 'b', policy });
    const metadata = { read: async () => machine } as unknown as S3MetadataStore;
    const write = (setsAcl: boolean) => authorizeByBucketPolicy({ endpoint: { operation: 'PutObject', bucket: 'b', key: 'inbox/a' }, auth: anonymous, metadata, rootAccessKeyId: owner, setsAcl });
    assert.equal((await write(false)).accessKeyId, owner);
    await assert.rejects(write(true), (error) => error instanceof S3Error && error.code === 'AccessDenied');
    // The bucket's own WRITE grant to everyone lets the writer set its new object's ACL (S3's ACL model).
    apply(machine, { op: 'PutBucketAcl', bucket: 'b', acl: { canned: 'public-read-write' } });
    assert.equal((await write(true)).accessKeyId, owner);
  });
});
