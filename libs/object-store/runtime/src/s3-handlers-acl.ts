/**
 * ACLs and Object Ownership at the edge (core: s3-acl.ts): GetBucketAcl, PutBucketAcl, GetObjectAcl,
 * PutObjectAcl, Get/Put/DeleteBucketOwnershipControls, and the ACL a write asks for
 * (`x-amz-acl` / `x-amz-grant-*` on CreateBucket, PutObject, CopyObject, CreateMultipartUpload).
 *
 * Canonical ids are per access key (`ownerOf`); a grant naming an id no key has is refused as S3
 * refuses an unknown account (InvalidArgument "Invalid id"). The state machine applies the
 * ownership rules (who owns a new object, what BucketOwnerEnforced refuses), so replicas agree even
 * when the ownership setting changes while a write is in flight; the edge checks the same rules
 * against its local state first, so a refused PutObject is answered before its body is read.
 */
import {
  aclGrantsOf,
  awsExecReadCanonicalId,
  effectiveObjectOwnership,
  isOwnerFullControlOnly,
  isOwnerOnlyCannedAcl,
  isPublicAcl,
  objectMetadataCommand,
  parseAccessControlPolicy,
  parseAclHeaders,
  parseOwnershipControls,
  renderAccessControlPolicy,
  renderOwnershipControls,
  S3Error,
  type AclGrant,
  type AclRequest,
  type Bucket,
  versionFingerprintOf,
  type ObjectMetadataMachine,
  type ObjectVersion,
  type S3Owner,
  type S3Endpoint,
  type S3RequestHead,
} from '@objectbox/object-store-core';
import { ownerOf } from './s3-handlers-bucket.js';
import { proposeCommand, sendEmpty, sendXml, valueOf } from './s3-handlers-common.js';
import { checkVersionIdSyntax, readRequestDocument } from './s3-handlers-versioning.js';
import type { S3Authentication } from './s3-request-auth.js';
import { authorizedObject } from './s3-request-policy.js';
import type { S3Exchange } from './s3-server.js';

type EndpointOf<Operation extends S3Endpoint['operation']> = Extract<S3Endpoint, { operation: Operation }>;

/** Canonical id by access key id: a SHA-256 each, computed once per key (at most 10,001 keys). */
const canonicalIds = new Map<string, string>();

/** The canonical id of an access key (see s3-handlers-bucket.ts `ownerOf`). */
export function canonicalIdOf(accessKeyId: string): string {
  let id = canonicalIds.get(accessKeyId);
  if (id === undefined) {
    id = ownerOf(accessKeyId, { anonymous: true }).id;
    canonicalIds.set(accessKeyId, id);
  }
  return id;
}

/** Access key ids by canonical id, of the root key and every key of the metadata machine. */
function accessKeysByCanonicalId(exchange: S3Exchange, machine: ObjectMetadataMachine): Map<string, string> {
  const byId = new Map<string, string>();
  const root = exchange.server.rootAccessKeyId;
  if (root !== undefined) byId.set(canonicalIdOf(root), root);
  for (const key of machine.listAccessKeys()) byId.set(canonicalIdOf(key.accessKeyId), key.accessKeyId);
  return byId;
}

/**
 * Checks that every canonical user a request grants to is a key of this server (or Amazon EC2's
 * id of `aws-exec-read`), as S3 refuses an id of no account.
 * @throws S3Error `InvalidArgument` "Invalid id".
 */
function checkGranteesExist(exchange: S3Exchange, machine: ObjectMetadataMachine, grants: readonly AclGrant[], knownIds: readonly string[]): void {
  const ids = grants.flatMap((grant) => (grant.grantee.type === 'CanonicalUser' ? [grant.grantee.id] : []));
  if (ids.length === 0) return;
  const byId = accessKeysByCanonicalId(exchange, machine);
  for (const id of ids) {
    if (!byId.has(id) && !knownIds.includes(id) && id !== awsExecReadCanonicalId) {
      throw new S3Error('InvalidArgument', { message: 'Invalid id', fields: { ArgumentName: 'CanonicalUser/ID', ArgumentValue: id } });
    }
  }
}

/** The display name of a canonical id this server knows (an access key id), for GetBucketAcl/GetObjectAcl; none for an unsigned caller (see `ownerOf`). */
function displayNamesOf(exchange: S3Exchange, machine: ObjectMetadataMachine): (canonicalId: string) => string | undefined {
  if (exchange.auth.anonymous === true) return () => undefined;
  let byId: Map<string, string> | undefined;
  return (canonicalId) => (byId ??= accessKeysByCanonicalId(exchange, machine)).get(canonicalId);
}

/**
 * The ACL a write asks for through its headers, checked against the bucket (the state machine checks
 * the ownership rules again at apply): a public ACL under BlockPublicAcls is AccessDenied; an ACL
 * that BucketOwnerEnforced refuses is
 * AccessControlListNotSupported before any body is read; explicit grants of FULL_CONTROL to the
 * bucket owner alone are the same as no ACL there, as S3 accepts them.
 * @throws S3Error (see `parseAclHeaders`), `AccessDenied`, `AccessControlListNotSupported`.
 */
export async function aclRequestOfWrite(
  exchange: S3Exchange,
  bucketName: string,
  target: 'bucket' | 'object',
  headers: S3RequestHead['headers'] = exchange.request.headers,
): Promise<AclRequest | undefined> {
  const request = parseAclHeaders(headers, target);
  if (request === undefined) return undefined;
  // A write with an ACL is rare: it pays a read barrier, so BlockPublicAcls set just before holds.
  const machine = await exchange.server.metadata.read();
  const bucket = machine.headBucket(bucketName);
  if (bucket.ok) checkPublicAclAllowed(bucket.value, request);
  if (request.grants !== undefined) {
    const ownerId = canonicalIdOf(bucket.ok ? bucket.value.ownerAccessKeyId : exchange.auth.accessKeyId);
    checkGranteesExist(exchange, machine, request.grants, [ownerId]);
    if (target === 'object' && bucket.ok && effectiveObjectOwnership(bucket.value.objectOwnership) === 'BucketOwnerEnforced' && isOwnerFullControlOnly(request.grants, ownerId)) return undefined;
  }
  if (target === 'object' && bucket.ok && effectiveObjectOwnership(bucket.value.objectOwnership) === 'BucketOwnerEnforced' && !isOwnerOnlyCannedAcl(request)) {
    throw new S3Error('AccessControlListNotSupported');
  }
  return request;
}

/**
 * The ACL of a CreateBucket: its headers, where grants to the creator alone are no ACL (what
 * BucketOwnerEnforced, the default, accepts).
 */
export function aclRequestOfCreateBucket(exchange: S3Exchange): AclRequest | undefined {
  const request = parseAclHeaders(exchange.request.headers, 'bucket');
  if (request?.grants === undefined) return request;
  const ownerId = canonicalIdOf(exchange.auth.accessKeyId);
  checkGranteesExist(exchange, exchange.server.metadata.readLocal(), request.grants, [ownerId]);
  return isOwnerFullControlOnly(request.grants, ownerId) ? undefined : request;
}

/**
 * BlockPublicAcls: a public ACL (a grant to AllUsers or AuthenticatedUsers) is refused, 403
 * AccessDenied as S3 answers (ceph/s3-tests test_block_public_put_bucket_acls, _object_canned_acls).
 */
function checkPublicAclAllowed(bucket: Bucket, request: AclRequest): void {
  if (bucket.publicAccessBlock?.blockPublicAcls === true && isPublicAcl(request)) throw new S3Error('AccessDenied', { message: 'Access Denied' });
}

/**
 * The owner listings show for an object version: the bucket owner, or, with ACLs enabled, the key
 * it was given to when written (ObjectWriter, BucketOwnerPreferred). Owners are made once per key.
 */
export function objectOwnersOf(bucket: Bucket, audience: Pick<S3Authentication, 'anonymous'>): (version: ObjectVersion) => S3Owner {
  const owners = new Map<string, S3Owner>();
  const enforced = isEnforced(bucket);
  return (version) => {
    const accessKeyId = enforced ? bucket.ownerAccessKeyId : (version.acl?.ownerAccessKeyId ?? bucket.ownerAccessKeyId);
    let owner = owners.get(accessKeyId);
    if (owner === undefined) {
      owner = ownerOf(accessKeyId, audience);
      owners.set(accessKeyId, owner);
    }
    return owner;
  };
}

function isEnforced(bucket: Bucket): boolean {
  return effectiveObjectOwnership(bucket.objectOwnership) === 'BucketOwnerEnforced';
}

/** GetBucketAcl: the owner and the grants; with ACLs disabled, the owner's FULL_CONTROL alone, as S3. */
export async function handleGetBucketAcl(exchange: S3Exchange, endpoint: EndpointOf<'GetBucketAcl'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const bucket = valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  const owner = ownerOf(bucket.ownerAccessKeyId, exchange.auth);
  const grants = aclGrantsOf(isEnforced(bucket) ? undefined : bucket.acl, { ownerId: owner.id, bucketOwnerId: owner.id });
  sendXml(exchange, renderAccessControlPolicy({ owner, grants, displayNameOf: displayNamesOf(exchange, machine) }));
}

/** GetObjectAcl (`versionId` too): the object's owner and grants; with ACLs disabled, the bucket owner's FULL_CONTROL. */
export async function handleGetObjectAcl(exchange: S3Exchange, endpoint: EndpointOf<'GetObjectAcl'>): Promise<void> {
  checkVersionIdSyntax(endpoint.versionId);
  const machine = await exchange.server.metadata.read();
  const bucket = valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  const version = valueOf(authorizedObject(exchange.auth, machine, { bucket: endpoint.bucket, key: endpoint.key, ...(endpoint.versionId === undefined ? {} : { versionId: endpoint.versionId }) }), {
    bucket: endpoint.bucket,
    key: endpoint.key,
    ...(endpoint.versionId === undefined ? {} : { versionId: endpoint.versionId }),
    method: 'GET',
  });
  const acl = isEnforced(bucket) ? undefined : version.acl;
  const owner = ownerOf(acl?.ownerAccessKeyId ?? bucket.ownerAccessKeyId, exchange.auth);
  const grants = aclGrantsOf(acl, { ownerId: owner.id, bucketOwnerId: canonicalIdOf(bucket.ownerAccessKeyId) });
  const versionHeader: Record<string, string> = endpoint.versionId === undefined || bucket.versioning === 'Unversioned' ? {} : { 'x-amz-version-id': version.versionId };
  sendXml(exchange, renderAccessControlPolicy({ owner, grants, displayNameOf: displayNamesOf(exchange, machine) }), { headers: versionHeader });
}

/**
 * The ACL a PutBucketAcl/PutObjectAcl sets: its headers, or an AccessControlPolicy body whose Owner
 * must be the resource's owner (S3 does not let an ACL change the owner: AccessDenied). Neither, or
 * both, is refused.
 */
async function aclOfPutAcl(
  exchange: S3Exchange,
  machine: ObjectMetadataMachine,
  bucket: Bucket,
  target: 'bucket' | 'object',
  owners: { ownerId: string; bucketOwnerId: string },
): Promise<AclRequest> {
  const fromHeaders = parseAclHeaders(exchange.request.headers, target);
  const document = await readRequestDocument(exchange, { digestRequired: false });
  const hasBody = document.toString('utf8').trim() !== '';
  if (fromHeaders !== undefined && hasBody) throw new S3Error('UnexpectedContent', { message: 'This request does not support content when an ACL is given in headers' });
  if (fromHeaders === undefined && !hasBody) throw new S3Error('MissingSecurityHeader', { message: 'Your request was missing a required header', fields: { MissingHeaderName: 'x-amz-acl' } });
  const request = fromHeaders ?? policyOf(document, owners.ownerId);
  if (request.grants !== undefined) checkGranteesExist(exchange, machine, request.grants, [owners.ownerId, owners.bucketOwnerId]);
  checkPublicAclAllowed(bucket, request);
  return request;
}

function policyOf(document: Buffer, ownerId: string): AclRequest {
  const policy = parseAccessControlPolicy(document);
  if (policy.ownerId !== ownerId) throw new S3Error('AccessDenied', { message: 'Access Denied' });
  return { grants: policy.grants };
}

/** An explicit ACL that is the owner's FULL_CONTROL alone is `private` (so BucketOwnerEnforced accepts it). */
function normalizedAcl(request: AclRequest, ownerId: string): AclRequest | undefined {
  if (request.grants !== undefined && isOwnerFullControlOnly(request.grants, ownerId)) return undefined;
  return request.canned === 'private' ? undefined : request;
}

/** PutBucketAcl: 200; AccessControlListNotSupported on a bucket with ACLs disabled, unless the ACL is the owner's alone. */
export async function handlePutBucketAcl(exchange: S3Exchange, endpoint: EndpointOf<'PutBucketAcl'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const bucket = valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  const ownerId = canonicalIdOf(bucket.ownerAccessKeyId);
  const request = await aclOfPutAcl(exchange, machine, bucket, 'bucket', { ownerId, bucketOwnerId: ownerId });
  const acl = normalizedAcl(request, ownerId);
  const command = objectMetadataCommand('PutBucketAcl', { bucket: endpoint.bucket, ...(acl === undefined ? {} : { acl }) });
  valueOf(await proposeCommand(exchange, command), { bucket: endpoint.bucket });
  sendEmpty(exchange, 200);
}

/** PutObjectAcl (`versionId` too): 200; the object keeps its owner. */
export async function handlePutObjectAcl(exchange: S3Exchange, endpoint: EndpointOf<'PutObjectAcl'>): Promise<void> {
  checkVersionIdSyntax(endpoint.versionId);
  const machine = await exchange.server.metadata.read();
  const bucket = valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  const context = { bucket: endpoint.bucket, key: endpoint.key, ...(endpoint.versionId === undefined ? {} : { versionId: endpoint.versionId }), method: 'PUT' };
  const version = valueOf(authorizedObject(exchange.auth, machine, { bucket: endpoint.bucket, key: endpoint.key, ...(endpoint.versionId === undefined ? {} : { versionId: endpoint.versionId }) }), context);
  const bucketOwnerId = canonicalIdOf(bucket.ownerAccessKeyId);
  const ownerId = isEnforced(bucket) ? bucketOwnerId : canonicalIdOf(version.acl?.ownerAccessKeyId ?? bucket.ownerAccessKeyId);
  const request = await aclOfPutAcl(exchange, machine, bucket, 'object', { ownerId, bucketOwnerId });
  const acl = normalizedAcl(request, ownerId);
  const command = objectMetadataCommand('PutObjectAcl', {
    bucket: endpoint.bucket,
    key: endpoint.key,
    // The version found (and authorized) now, not whatever is latest once the body has been read.
    versionId: version.versionId,
    authorizedVersion: versionFingerprintOf(version),
    ...(acl === undefined ? {} : { acl }),
  });
  const value = valueOf(await proposeCommand(exchange, command), context);
  sendEmpty(exchange, 200, endpoint.versionId === undefined || bucket.versioning === 'Unversioned' ? {} : { 'x-amz-version-id': value.versionId });
}

/** GetBucketOwnershipControls: the setting; OwnershipControlsNotFoundError after a delete. */
export async function handleGetBucketOwnershipControls(exchange: S3Exchange, endpoint: EndpointOf<'GetBucketOwnershipControls'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const bucket = valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  if (bucket.objectOwnership === 'NotSet') throw new S3Error('OwnershipControlsNotFoundError', { fields: { BucketName: endpoint.bucket } });
  sendXml(exchange, renderOwnershipControls(bucket.objectOwnership ?? 'BucketOwnerEnforced'));
}

/** PutBucketOwnershipControls: 200; InvalidBucketAclWithObjectOwnership when disabling ACLs on a bucket whose ACL grants others. */
export async function handlePutBucketOwnershipControls(exchange: S3Exchange, endpoint: EndpointOf<'PutBucketOwnershipControls'>): Promise<void> {
  const document = await readRequestDocument(exchange, { digestRequired: false });
  const objectOwnership = parseOwnershipControls(document);
  valueOf(await proposeCommand(exchange, objectMetadataCommand('PutBucketOwnershipControls', { bucket: endpoint.bucket, objectOwnership })), { bucket: endpoint.bucket });
  sendEmpty(exchange, 200);
}

/** DeleteBucketOwnershipControls: 204; the bucket then behaves as ObjectWriter, as S3. */
export async function handleDeleteBucketOwnershipControls(exchange: S3Exchange, endpoint: EndpointOf<'DeleteBucketOwnershipControls'>): Promise<void> {
  valueOf(await proposeCommand(exchange, objectMetadataCommand('DeleteBucketOwnershipControls', { bucket: endpoint.bucket })), { bucket: endpoint.bucket });
  sendEmpty(exchange, 204);
}
