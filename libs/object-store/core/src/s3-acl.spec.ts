import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MachineDriver, owner } from './object-metadata-fixtures.spec-helper.js';
import { ObjectMetadataMachine } from './object-metadata-machine.js';
import { versionFingerprintOf } from './object-metadata-model.js';
import {
  aclGrantsAllUsers,
  aclGrantsOf,
  bucketAclPermissionFor,
  objectAclOfWrite,
  objectAclPermissionFor,
  parseAclHeaders,
  s3AclGroups,
  type AclGrant,
} from './s3-acl.js';
import { parseAccessControlPolicy, parseOwnershipControls } from './s3-xml-parse.js';
import { renderAccessControlPolicy, renderOwnershipControls } from './s3-xml.js';
import { codeOf } from './s3-errors.spec-helper.js';

const ownerId = 'a'.repeat(64);
const otherId = 'b'.repeat(64);

describe('parseAclHeaders', () => {
  it('reads a canned ACL, and refuses one S3 does not define for the target', () => {
    assert.deepEqual(parseAclHeaders({ 'x-amz-acl': 'public-read' }, 'object'), { canned: 'public-read' });
    assert.deepEqual(parseAclHeaders({ 'x-amz-acl': 'log-delivery-write' }, 'bucket'), { canned: 'log-delivery-write' });
    assert.equal(codeOf(() => parseAclHeaders({ 'x-amz-acl': 'log-delivery-write' }, 'object')), 'InvalidArgument');
    assert.equal(codeOf(() => parseAclHeaders({ 'x-amz-acl': 'public' }, 'bucket')), 'InvalidArgument');
    assert.equal(parseAclHeaders({}, 'bucket'), undefined);
  });

  it('reads x-amz-grant-* lists of ids and group uris', () => {
    const request = parseAclHeaders(
      { 'x-amz-grant-read': `uri="${s3AclGroups.allUsers}", id="${otherId}"`, 'x-amz-grant-full-control': `id=${ownerId}` },
      'object',
    );
    assert.deepEqual(request?.grants, [
      { grantee: { type: 'CanonicalUser', id: ownerId }, permission: 'FULL_CONTROL' },
      { grantee: { type: 'Group', uri: s3AclGroups.allUsers }, permission: 'READ' },
      { grantee: { type: 'CanonicalUser', id: otherId }, permission: 'READ' },
    ]);
  });

  it("answers bad grants with S3's codes", () => {
    assert.equal(codeOf(() => parseAclHeaders({ 'x-amz-grant-read': 'emailAddress="someone@example.com"' }, 'bucket')), 'UnresolvableGrantByEmailAddress');
    assert.equal(codeOf(() => parseAclHeaders({ 'x-amz-grant-read': 'id="not-hex"' }, 'bucket')), 'InvalidArgument');
    assert.equal(codeOf(() => parseAclHeaders({ 'x-amz-grant-read': 'uri="http://example.com/group"' }, 'bucket')), 'InvalidArgument');
    assert.equal(codeOf(() => parseAclHeaders({ 'x-amz-grant-read': 'garbage' }, 'bucket')), 'InvalidArgument');
    assert.equal(codeOf(() => parseAclHeaders({ 'x-amz-acl': 'private', 'x-amz-grant-read': `id="${ownerId}"` }, 'bucket')), 'InvalidRequest');
    const many = Array.from({ length: 101 }, () => `id="${ownerId}"`).join(',');
    assert.equal(codeOf(() => parseAclHeaders({ 'x-amz-grant-read': many }, 'bucket')), 'InvalidArgument');
  });
});

describe('aclGrantsOf', () => {
  const owners = { ownerId, bucketOwnerId: otherId };
  const allUsersRead: AclGrant = { grantee: { type: 'Group', uri: s3AclGroups.allUsers }, permission: 'READ' };
  const ownerFull: AclGrant = { grantee: { type: 'CanonicalUser', id: ownerId }, permission: 'FULL_CONTROL' };

  it('expands canned ACLs as S3 lists them', () => {
    assert.deepEqual(aclGrantsOf(undefined, owners), [ownerFull]);
    assert.deepEqual(aclGrantsOf({ canned: 'public-read' }, owners), [ownerFull, allUsersRead]);
    assert.deepEqual(aclGrantsOf({ canned: 'bucket-owner-full-control' }, owners), [ownerFull, { grantee: { type: 'CanonicalUser', id: otherId }, permission: 'FULL_CONTROL' }]);
    assert.deepEqual(aclGrantsOf({ canned: 'bucket-owner-read' }, { ownerId, bucketOwnerId: ownerId }), [ownerFull]);
    assert.equal(aclGrantsOf({ canned: 'public-read-write' }, owners).length, 3);
    assert.deepEqual(aclGrantsOf({ grants: [allUsersRead] }, owners), [allUsersRead]);
  });

  it('tells which grants open what to everyone', () => {
    assert.ok(aclGrantsAllUsers(aclGrantsOf({ canned: 'public-read' }, owners), 'READ'));
    assert.ok(!aclGrantsAllUsers(aclGrantsOf({ canned: 'public-read' }, owners), 'WRITE'));
    assert.ok(aclGrantsAllUsers(aclGrantsOf({ canned: 'public-read-write' }, owners), 'WRITE'));
    assert.ok(!aclGrantsAllUsers(aclGrantsOf({ canned: 'authenticated-read' }, owners), 'READ'));
    assert.ok(aclGrantsAllUsers([{ grantee: { type: 'Group', uri: s3AclGroups.allUsers }, permission: 'FULL_CONTROL' }], 'READ_ACP'));
    assert.equal(bucketAclPermissionFor('s3:ListBucket'), 'READ');
    assert.equal(bucketAclPermissionFor('s3:PutObject'), 'WRITE');
    assert.equal(bucketAclPermissionFor('s3:PutBucketPolicy'), undefined);
    assert.equal(objectAclPermissionFor('s3:GetObjectVersion'), 'READ');
    assert.equal(objectAclPermissionFor('s3:DeleteObject'), undefined);
  });
});

describe('objectAclOfWrite', () => {
  const base = { bucketOwnerAccessKeyId: 'OWNER', writerAccessKeyId: 'WRITER' };
  it('BucketOwnerEnforced (the default) refuses ACLs but the owner-only ones and stores nothing', () => {
    assert.deepEqual(objectAclOfWrite({ ...base, ownership: undefined, request: { canned: 'public-read' } }), { ok: false, refusal: 'AccessControlListNotSupported' });
    assert.deepEqual(objectAclOfWrite({ ...base, ownership: undefined, request: { canned: 'bucket-owner-full-control' } }), { ok: true, acl: undefined });
    assert.deepEqual(objectAclOfWrite({ ...base, ownership: 'BucketOwnerEnforced', request: { canned: 'private' } }), { ok: true, acl: undefined });
  });

  it('ObjectWriter: the writer owns; BucketOwnerPreferred: the bucket owner when given bucket-owner-full-control', () => {
    assert.deepEqual(objectAclOfWrite({ ...base, ownership: 'ObjectWriter', request: undefined }), { ok: true, acl: { ownerAccessKeyId: 'WRITER' } });
    assert.deepEqual(objectAclOfWrite({ ...base, ownership: 'NotSet', request: { canned: 'public-read' } }), { ok: true, acl: { ownerAccessKeyId: 'WRITER', canned: 'public-read' } });
    assert.deepEqual(objectAclOfWrite({ ...base, ownership: 'BucketOwnerPreferred', request: { canned: 'bucket-owner-full-control' } }), {
      ok: true,
      acl: { canned: 'bucket-owner-full-control' },
    });
    assert.deepEqual(objectAclOfWrite({ ...base, ownership: 'BucketOwnerPreferred', request: undefined }), { ok: true, acl: { ownerAccessKeyId: 'WRITER' } });
    // The bucket owner writing a private object: nothing stored.
    assert.deepEqual(objectAclOfWrite({ ...base, writerAccessKeyId: undefined, ownership: 'ObjectWriter', request: { canned: 'private' } }), { ok: true, acl: undefined });
  });
});

describe('AccessControlPolicy and OwnershipControls documents', () => {
  const policy = (grants: string, owner = `<Owner><ID>${ownerId}</ID></Owner>`) =>
    `<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${owner}<AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`;
  const grant = (grantee: string, permission: string) =>
    `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">${grantee}</Grantee><Permission>${permission}</Permission></Grant>`;

  it('reads grants to ids and groups, and renders them back', () => {
    const parsed = parseAccessControlPolicy(policy(grant(`<ID>${ownerId}</ID>`, 'FULL_CONTROL') + grant(`<URI>${s3AclGroups.allUsers}</URI>`, 'READ')));
    assert.equal(parsed.ownerId, ownerId);
    assert.equal(parsed.grants.length, 2);
    const xml = renderAccessControlPolicy({ owner: { id: ownerId, displayName: 'OWNER' }, grants: parsed.grants, displayNameOf: (id) => (id === ownerId ? 'OWNER' : undefined) });
    assert.match(xml, /<Owner><ID>a{64}<\/ID><DisplayName>OWNER<\/DisplayName><\/Owner>/);
    assert.match(xml, /<Grantee xmlns:xsi="http:\/\/www.w3.org\/2001\/XMLSchema-instance" xsi:type="Group"><URI>http:\/\/acs.amazonaws.com\/groups\/global\/AllUsers<\/URI><\/Grantee><Permission>READ<\/Permission>/);
    assert.deepEqual(parseAccessControlPolicy(xml.replace(/^<\?xml[^>]*>\n/, '')).grants, parsed.grants);
  });

  it("answers bad documents with S3's codes", () => {
    assert.equal(codeOf(() => parseAccessControlPolicy('<AccessControlPolicy><Owner>')), 'MalformedACLError');
    assert.equal(codeOf(() => parseAccessControlPolicy('<Other/>')), 'MalformedACLError');
    assert.equal(codeOf(() => parseAccessControlPolicy(policy('', ''))), 'MalformedACLError');
    assert.equal(codeOf(() => parseAccessControlPolicy(policy(grant(`<ID>${ownerId}</ID>`, 'EVERYTHING')))), 'MalformedACLError');
    assert.equal(codeOf(() => parseAccessControlPolicy(policy(grant('<EmailAddress>x@example.com</EmailAddress>', 'READ')))), 'UnresolvableGrantByEmailAddress');
    assert.equal(codeOf(() => parseAccessControlPolicy(policy(grant('<ID>short</ID>', 'READ')))), 'InvalidArgument');
    assert.equal(codeOf(() => parseAccessControlPolicy(policy(grant('<URI>http://example.com/</URI>', 'READ')))), 'InvalidArgument');
    assert.equal(codeOf(() => parseAccessControlPolicy(policy(grant(`<ID>${ownerId}</ID>`, 'READ').repeat(101)))), 'MalformedACLError');
  });

  it('reads and renders OwnershipControls', () => {
    const xml = renderOwnershipControls('ObjectWriter');
    assert.equal(parseOwnershipControls(xml.replace(/^<\?xml[^>]*>\n/, '')), 'ObjectWriter');
    assert.equal(codeOf(() => parseOwnershipControls('<OwnershipControls><Rule><ObjectOwnership>Mine</ObjectOwnership></Rule></OwnershipControls>')), 'MalformedXML');
    assert.equal(codeOf(() => parseOwnershipControls('<OwnershipControls></OwnershipControls>')), 'MalformedXML');
  });
});

describe('ACLs in the metadata state machine', () => {
  function bucketOf(driver: MachineDriver) {
    const bucket = driver.machine.headBucket('b');
    assert.ok(bucket.ok);
    return bucket.value;
  }

  function aclOf(driver: MachineDriver, key: string, versionId?: string): unknown {
    const version = driver.machine.getObject({ bucket: 'b', key, ...(versionId === undefined ? {} : { versionId }) });
    assert.ok(version.ok);
    return version.value.acl;
  }

  it('a new bucket has ACLs disabled: a public ACL is refused on the bucket and on writes', () => {
    const driver = new MachineDriver();
    const created = driver.apply({ op: 'CreateBucket', bucket: 'b', ownerAccessKeyId: owner, region: 'us-east-1', createdAtMs: 1, acl: { canned: 'public-read' } });
    assert.equal(created.ok ? 'ok' : created.error.code, 'InvalidBucketAclWithObjectOwnership');
    driver.createBucket('b');
    const put = driver.put('b', 'k', { acl: { canned: 'public-read' } });
    assert.equal(put.ok ? 'ok' : put.error.code, 'AccessControlListNotSupported');
    assert.deepEqual(put.garbage, put.command.location, 'the refused write hands its blob back');
    driver.put('b', 'k', { acl: { canned: 'bucket-owner-full-control' }, writerAccessKeyId: 'OTHER' });
    assert.equal(aclOf(driver, 'k'), undefined);
    const bucketAcl = driver.apply({ op: 'PutBucketAcl', bucket: 'b', acl: { canned: 'public-read' } });
    assert.equal(bucketAcl.ok ? 'ok' : bucketAcl.error.code, 'AccessControlListNotSupported');
    driver.ok({ op: 'PutBucketAcl', bucket: 'b', acl: { canned: 'private' } });
  });

  it('PutObjectAcl changes only the version it was authorized against: an overwrite in between aborts it (409 OperationAborted)', () => {
    const driver = new MachineDriver();
    driver.ok({ op: 'CreateBucket', bucket: 'b', ownerAccessKeyId: owner, region: 'us-east-1', createdAtMs: 1, objectOwnership: 'ObjectWriter' });
    driver.put('b', 'k', { acl: { canned: 'public-read-write' } });
    const authorized = driver.machine.getObject({ bucket: 'b', key: 'k' });
    assert.ok(authorized.ok);
    const fingerprint = versionFingerprintOf(authorized.value);
    // Unversioned: the overwrite reuses the id 'null', only the fingerprint tells the versions apart.
    driver.put('b', 'k');
    const grants: AclGrant[] = [{ grantee: { type: 'Group', uri: s3AclGroups.allUsers }, permission: 'READ' }];
    const stale = driver.apply({ op: 'PutObjectAcl', bucket: 'b', key: 'k', versionId: 'null', acl: { grants }, authorizedVersion: fingerprint });
    assert.equal(stale.ok ? 'ok' : stale.error.code, 'OperationAborted');
    assert.equal(aclOf(driver, 'k'), undefined);
    const current = driver.machine.getObject({ bucket: 'b', key: 'k' });
    assert.ok(current.ok);
    driver.ok({ op: 'PutObjectAcl', bucket: 'b', key: 'k', versionId: 'null', acl: { grants }, authorizedVersion: versionFingerprintOf(current.value) });
    assert.deepEqual(aclOf(driver, 'k'), { grants });
    // An ACL change keeps the fingerprint (it is not a new version).
    const after = driver.machine.getObject({ bucket: 'b', key: 'k' });
    assert.ok(after.ok);
    assert.equal(versionFingerprintOf(after.value), versionFingerprintOf(current.value));
  });

  it('with ACLs enabled, stores canned ACLs and grants per version, keeps the owner through PutObjectAcl, and back to private stores nothing', () => {
    const driver = new MachineDriver();
    driver.ok({ op: 'CreateBucket', bucket: 'b', ownerAccessKeyId: owner, region: 'us-east-1', createdAtMs: 1, objectOwnership: 'ObjectWriter', acl: { canned: 'public-read' } });
    assert.deepEqual(bucketOf(driver).acl, { canned: 'public-read' });
    driver.ok({ op: 'PutBucketVersioning', bucket: 'b', status: 'Enabled' });
    const first = driver.put('b', 'k', { acl: { canned: 'public-read' }, writerAccessKeyId: 'OTHER' });
    assert.ok(first.ok);
    driver.put('b', 'k');
    assert.equal(aclOf(driver, 'k'), undefined);
    assert.deepEqual(aclOf(driver, 'k', first.value.versionId), { ownerAccessKeyId: 'OTHER', canned: 'public-read' });
    const grants: AclGrant[] = [{ grantee: { type: 'Group', uri: s3AclGroups.allUsers }, permission: 'READ' }];
    driver.ok({ op: 'PutObjectAcl', bucket: 'b', key: 'k', versionId: first.value.versionId, acl: { grants } });
    assert.deepEqual(aclOf(driver, 'k', first.value.versionId), { ownerAccessKeyId: 'OTHER', grants });
    driver.ok({ op: 'PutObjectAcl', bucket: 'b', key: 'k', acl: { canned: 'public-read' } });
    driver.ok({ op: 'PutObjectAcl', bucket: 'b', key: 'k' });
    assert.equal(aclOf(driver, 'k'), undefined);

    // Disabling ACLs needs the bucket's own ACL to be private first.
    driver.ok({ op: 'PutObjectAcl', bucket: 'b', key: 'k', acl: { canned: 'private' } });
    const refused = driver.apply({ op: 'PutBucketOwnershipControls', bucket: 'b', objectOwnership: 'BucketOwnerEnforced' });
    assert.equal(refused.ok ? 'ok' : refused.error.code, 'InvalidBucketAclWithObjectOwnership');
    driver.ok({ op: 'PutBucketAcl', bucket: 'b' });
    driver.ok({ op: 'PutBucketOwnershipControls', bucket: 'b', objectOwnership: 'BucketOwnerEnforced' });
    driver.ok({ op: 'DeleteBucketOwnershipControls', bucket: 'b' });
    assert.equal(bucketOf(driver).objectOwnership, 'NotSet');
  });

  it('a multipart upload decides its ACL when created and the object gets it on completion', () => {
    const driver = new MachineDriver();
    driver.ok({ op: 'CreateBucket', bucket: 'b', ownerAccessKeyId: owner, region: 'us-east-1', createdAtMs: 1, objectOwnership: 'BucketOwnerPreferred' });
    driver.ok({ op: 'CreateMultipartUpload', bucket: 'b', key: 'm', uploadId: 'u1', initiatedAtMs: 2, ownerAccessKeyId: 'OTHER', attributes: { contentHeaders: {}, userMetadata: {}, tags: [] }, acl: { canned: 'public-read' } });
    const blob = driver.blob(5);
    driver.ok({ op: 'UploadPart', bucket: 'b', key: 'm', uploadId: 'u1', partNumber: 1, sizeBytes: 5, etag: 'e1', lastModifiedMs: 3, location: [blob] });
    driver.ok({ op: 'CompleteMultipartUpload', bucket: 'b', key: 'm', uploadId: 'u1', parts: [{ partNumber: 1, etag: 'e1' }], versionId: 'v1', lastModifiedMs: 4, md5OfPartMd5s: '0'.repeat(32) });
    assert.deepEqual(aclOf(driver, 'm'), { ownerAccessKeyId: 'OTHER', canned: 'public-read' });
  });

  it('snapshots carry ACLs and ownership, and a version without one keeps the 12-field form older snapshots have', () => {
    const driver = new MachineDriver();
    driver.ok({ op: 'CreateBucket', bucket: 'b', ownerAccessKeyId: owner, region: 'us-east-1', createdAtMs: 1, objectOwnership: 'ObjectWriter', acl: { canned: 'public-read-write' } });
    driver.put('b', 'public', { acl: { grants: [{ grantee: { type: 'Group', uri: s3AclGroups.allUsers }, permission: 'READ' }] } });
    driver.put('b', 'plain');
    const restored = new ObjectMetadataMachine();
    restored.restore(driver.machine.snapshot());
    assert.deepEqual(restored.headBucket('b'), driver.machine.headBucket('b'));
    assert.deepEqual(restored.getObject({ bucket: 'b', key: 'public' }), driver.machine.getObject({ bucket: 'b', key: 'public' }));
    assert.equal(Object.hasOwn((restored.getObject({ bucket: 'b', key: 'plain' }) as { value: object }).value, 'acl'), false);
    const versionLengths = new Map<string, number[]>();
    const bytes = Buffer.from(driver.machine.snapshot());
    for (let offset = 8; offset < bytes.length; ) {
      const type = bytes[offset]!;
      const length = bytes.readUInt32LE(offset + 1);
      const payload: unknown = JSON.parse(bytes.subarray(offset + 5, offset + 5 + length).toString('utf8'));
      if (type === 4) {
        const [key, versions] = payload as [string, unknown[][]];
        versionLengths.set(key, versions.map((version) => version.length));
      }
      offset += 5 + length;
    }
    assert.deepEqual(Object.fromEntries(versionLengths), { plain: [12], public: [13] });
  });
});
