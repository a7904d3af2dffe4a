/**
 * Bucket policies at the edge: authorizing a request against the policies of the buckets it touches,
 * and the Get/Put/DeleteBucketPolicy handlers.
 *
 * - Root credentials (the owner) are always allowed, policies are not read.
 * - An anonymous (unsigned) request is allowed only when, for every bucket it touches, the policy
 *   allows its action on its resource or, without an explicit Deny, an ACL grants it to everyone
 *   (AllUsers; only on a bucket whose Object Ownership enables ACLs): the bucket's ACL for listing
 *   (READ), writing and deleting objects (WRITE) and its own ACL (READ_ACP/WRITE_ACP), the object
 *   version's for reading it (READ) and its ACL. Otherwise AccessDenied (a missing bucket:
 *   NoSuchBucket, as S3). Block Public Access: IgnorePublicAcls makes ACLs grant nothing, and
 *   RestrictPublicBuckets refuses unsigned requests altogether while the bucket's policy is public.
 *   Once allowed it acts as the bucket's owner (S3's BucketOwnerEnforced: what it writes belongs to
 *   the bucket owner).
 * - Another access key is refused only by an explicit Deny naming it (or `*`); otherwise it keeps
 *   the access it has without policies (there are no per-key IAM policies yet).
 *
 * Parsed policies are cached by their text (a few, bounded), so a request pays one map lookup.
 */
import {
  aclGrantsAllUsers,
  aclGrantsOf,
  bucketAclPermissionFor,
  bucketPolicyBytesMax,
  effectiveObjectOwnership,
  isPublicPolicy,
  objectAclPermissionFor,
  evaluateBucketPolicy,
  objectMetadataCommand,
  parseBucketPolicy,
  s3PolicyRequirementsOf,
  s3ResourceArn,
  S3Error,
  versionFingerprintOf,
  type ObjectMetadataMachine,
  type ObjectMetadataReply,
  type ObjectVersion,
  type Bucket,
  type S3BucketPolicy,
  type S3Endpoint,
  type S3PolicyPrincipal,
  type S3PolicyRequirement,
} from '@objectbox/object-store-core';
import { proposeCommand, sendEmpty, valueOf } from './s3-handlers-common.js';
import { readRequestDocument } from './s3-handlers-versioning.js';
import type { AuthorizedVersion, S3Authentication } from './s3-request-auth.js';
import type { S3Exchange, S3MetadataStore } from './s3-server.js';

type EndpointOf<Operation extends S3Endpoint['operation']> = Extract<S3Endpoint, { operation: Operation }>;

const parsedPolicyCacheSizeMax = 256;
const parsedPolicies = new Map<string, S3BucketPolicy | null>();

/** The parsed policy of a stored text; null when it no longer parses (never allows). */
function parsedPolicyOf(text: string): S3BucketPolicy | null {
  const cached = parsedPolicies.get(text);
  if (cached !== undefined) return cached;
  let parsed: S3BucketPolicy | null;
  try {
    parsed = parseBucketPolicy(text);
  } catch {
    parsed = null;
  }
  if (parsedPolicies.size >= parsedPolicyCacheSizeMax) parsedPolicies.delete(parsedPolicies.keys().next().value!);
  parsedPolicies.set(text, parsed);
  return parsed;
}

function accessDenied(): S3Error {
  return new S3Error('AccessDenied', { message: 'Access Denied' });
}

/**
 * Authorizes `endpoint` for `auth` against bucket policies (see the module comment) and returns the
 * authentication the handlers see (an anonymous request acts as the bucket owner).
 * @throws S3Error `AccessDenied`.
 */
export async function authorizeByBucketPolicy(options: {
  readonly endpoint: S3Endpoint;
  readonly auth: S3Authentication;
  readonly metadata: S3MetadataStore;
  /** The root access key id; undefined treats every signed key as root (no policy evaluation). */
  readonly rootAccessKeyId: string | undefined;
  /** The write carries an ACL (headers, or a PostObject form's fields): it also needs s3:PutObjectAcl. */
  readonly setsAcl: boolean;
}): Promise<S3Authentication> {
  const { endpoint, auth } = options;
  const anonymous = auth.anonymous === true;
  if (!anonymous && (options.rootAccessKeyId === undefined || auth.accessKeyId === options.rootAccessKeyId)) return auth;
  const requirements = s3PolicyRequirementsOf(endpoint, { setsAcl: options.setsAcl });
  const principal: S3PolicyPrincipal = anonymous ? { kind: 'anonymous' } : { kind: 'accessKey', accessKeyId: auth.accessKeyId };
  let machine: ObjectMetadataMachine | undefined;
  let ownerAccessKeyId: string | undefined;
  const authorizedVersions = new Map<string, AuthorizedVersion>();
  for (const requirement of requirements) {
    if (requirement.bucket === undefined) {
      if (anonymous) throw accessDenied();
      continue;
    }
    machine ??= await options.metadata.read();
    const bucket = machine.headBucket(requirement.bucket);
    if (!bucket.ok) {
      // A bucket that does not exist is NoSuchBucket to anyone, as S3 answers (bucket names are
      // global and public): ceph/s3-tests test_object_raw_get_bucket_gone, _delete_key_bucket_gone.
      if (anonymous) throw new S3Error('NoSuchBucket', { fields: { BucketName: requirement.bucket } });
      continue;
    }
    if (requirement.bucket === endpointBucketOf(endpoint)) ownerAccessKeyId = bucket.value.ownerAccessKeyId;
    const text = bucket.value.policy;
    const policy = text === undefined ? null : parsedPolicyOf(text);
    const decision = policy === null ? 'implicit-deny' : evaluateBucketPolicy(policy, { principal, action: requirement.action, resourceArn: s3ResourceArn(requirement) });
    if (decision === 'deny') throw accessDenied();
    // RestrictPublicBuckets: while the policy is public, only the owner's account (signed keys) gets in.
    if (anonymous && bucket.value.publicAccessBlock?.restrictPublicBuckets === true && policy !== null && isPublicPolicy(policy)) throw accessDenied();
    if (anonymous && decision !== 'allow') {
      const granted = aclAllowsEveryone(machine, bucket.value, requirement, versionIdOf(endpoint, requirement));
      if (granted === false) throw accessDenied();
      if (granted !== true) authorizedVersions.set(authorizedVersionKey(requirement.bucket, requirement.key!), { versionId: granted.versionId, fingerprint: versionFingerprintOf(granted) });
    }
  }
  if (!anonymous) return auth;
  if (ownerAccessKeyId === undefined) throw accessDenied();
  return { ...auth, accessKeyId: ownerAccessKeyId, ...(authorizedVersions.size === 0 ? {} : { authorizedVersions }) };
}

function authorizedVersionKey(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}

/**
 * The object version a handler acts on: the one asked for by id; else, when an object ACL allowed
 * the request at the door, the version it was checked on; else the latest. A request authorized by
 * one version's ACL never reads or changes another: when that version was replaced in between
 * (unversioned buckets reuse the id 'null') or removed, AccessDenied: the request is not retried
 * against a version nobody checked.
 */
export function authorizedObject(auth: S3Authentication, machine: ObjectMetadataMachine, request: { bucket: string; key: string; versionId?: string }): ObjectMetadataReply<ObjectVersion> {
  const authorized = auth.authorizedVersions?.get(authorizedVersionKey(request.bucket, request.key));
  if (authorized === undefined) return machine.getObject(request);
  const reply = machine.getObject({ ...request, versionId: request.versionId ?? authorized.versionId });
  if (reply.ok ? versionFingerprintOf(reply.value) !== authorized.fingerprint : request.versionId === undefined) throw accessDenied();
  return reply;
}

/**
 * DeleteObjects is authorized at the door for the bucket as a whole (`bucket/*`); each key is then
 * checked here as a DeleteObject of that key would be, so a Deny on a prefix is never bypassed by a
 * batch. Returns the keys the policy refuses (root: none).
 */
export async function keysDeniedByBucketPolicy(options: {
  readonly auth: S3Authentication;
  readonly metadata: S3MetadataStore;
  readonly rootAccessKeyId: string | undefined;
  readonly bucket: string;
  readonly objects: readonly { readonly key: string; readonly versionId?: string }[];
}): Promise<Set<string>> {
  const denied = new Set<string>();
  const { auth } = options;
  const anonymous = auth.anonymous === true;
  if (!anonymous && (options.rootAccessKeyId === undefined || auth.accessKeyId === options.rootAccessKeyId)) return denied;
  const bucket = (await options.metadata.read()).headBucket(options.bucket);
  const policy = bucket.ok && bucket.value.policy !== undefined ? parsedPolicyOf(bucket.value.policy) : null;
  const principal: S3PolicyPrincipal = anonymous ? { kind: 'anonymous' } : { kind: 'accessKey', accessKeyId: auth.accessKeyId };
  for (const object of options.objects) {
    const action = object.versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion';
    const decision = policy === null ? 'implicit-deny' : evaluateBucketPolicy(policy, { principal, action, resourceArn: s3ResourceArn({ bucket: options.bucket, key: object.key }) });
    // The bucket's WRITE grant lets anyone delete the current version (S3 grants DeleteObjectVersion to the bucket owner only).
    const restricted = bucket.ok && bucket.value.publicAccessBlock?.restrictPublicBuckets === true && policy !== null && isPublicPolicy(policy);
    const aclAllows = bucket.ok && !restricted && bucketAclAllowsEveryone(bucket.value, action);
    if (decision === 'deny' || (anonymous && (restricted || (decision !== 'allow' && !aclAllows)))) denied.add(object.key);
  }
  return denied;
}

/** Whether ACLs count at all: not with ACLs disabled, nor under IgnorePublicAcls (every ACL granting anyone is public). */
function aclsApply(bucket: Bucket): boolean {
  return effectiveObjectOwnership(bucket.objectOwnership) !== 'BucketOwnerEnforced' && bucket.publicAccessBlock?.ignorePublicAcls !== true;
}

/** Whether the bucket's ACL grants `action` to everyone. */
function bucketAclAllowsEveryone(bucket: Bucket, action: string): boolean {
  const permission = bucketAclPermissionFor(action);
  if (permission === undefined || !aclsApply(bucket) || bucket.acl === undefined) return false;
  // Only group grants matter here, so the owner ids the grants are resolved against do not.
  return aclGrantsAllUsers(aclGrantsOf(bucket.acl, anyOwners), permission);
}

const anyOwners = { ownerId: '', bucketOwnerId: '' };

/**
 * Whether an ACL grants an anonymous request `requirement`: the bucket's (listing, writing objects,
 * its ACL), or the object version's (reading it, its ACL); for the latter, the version it is.
 */
function aclAllowsEveryone(machine: ObjectMetadataMachine, bucket: Bucket, requirement: S3PolicyRequirement, versionId: string | undefined): boolean | ObjectVersion {
  if (!aclsApply(bucket)) return false;
  // A write's own ACL: the writer owns the new object, so the bucket's WRITE is what lets it set one.
  if (requirement.aclOfWrite === true) return bucketAclAllowsEveryone(bucket, 's3:PutObject');
  if (bucketAclAllowsEveryone(bucket, requirement.action)) return true;
  const permission = objectAclPermissionFor(requirement.action);
  if (permission === undefined || requirement.key === undefined) return false;
  const version = machine.getObject({ bucket: bucket.name, key: requirement.key, ...(versionId === undefined ? {} : { versionId }) });
  return version.ok && version.value.acl !== undefined && aclGrantsAllUsers(aclGrantsOf(version.value.acl, anyOwners), permission) ? version.value : false;
}

/** The version a requirement is about: the copy source's for a copy's read, the endpoint's otherwise. */
function versionIdOf(endpoint: S3Endpoint, requirement: S3PolicyRequirement): string | undefined {
  if ('copySource' in endpoint && endpoint.copySource.bucket === requirement.bucket && endpoint.copySource.key === requirement.key && requirement.action.startsWith('s3:GetObject')) {
    return endpoint.copySource.versionId;
  }
  return 'versionId' in endpoint ? endpoint.versionId : undefined;
}

function endpointBucketOf(endpoint: S3Endpoint): string | undefined {
  return 'bucket' in endpoint ? endpoint.bucket : undefined;
}

/** GetBucketPolicy: the policy document as put (`application/json`); NoSuchBucketPolicy (404) when none. */
export async function handleGetBucketPolicy(exchange: S3Exchange, endpoint: EndpointOf<'GetBucketPolicy'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const policy = valueOf(machine.getBucketPolicy(endpoint.bucket), { bucket: endpoint.bucket });
  if (policy === undefined) throw new S3Error('NoSuchBucketPolicy', { fields: { BucketName: endpoint.bucket } });
  const { response } = exchange;
  response.statusCode = 200;
  response.setHeader('content-type', 'application/json');
  response.setHeader('content-length', Buffer.byteLength(policy));
  response.end(policy);
}

/** PutBucketPolicy: validates the document (MalformedPolicy, 400) and replaces the bucket's policy; 204. */
export async function handlePutBucketPolicy(exchange: S3Exchange, endpoint: EndpointOf<'PutBucketPolicy'>): Promise<void> {
  const document = await readRequestDocument(exchange, { digestRequired: false });
  if (document.byteLength > bucketPolicyBytesMax) throw new S3Error('MalformedPolicy', { message: `Policies must be no more than ${bucketPolicyBytesMax} bytes` });
  const text = document.toString('utf8');
  const policy = parseBucketPolicy(text);
  // BlockPublicPolicy: a public policy is refused, 403 AccessDenied as S3 (ceph/s3-tests test_block_public_policy).
  const bucket = valueOf((await exchange.server.metadata.read()).headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  if (bucket.publicAccessBlock?.blockPublicPolicy === true && isPublicPolicy(policy)) throw accessDenied();
  valueOf(await proposeCommand(exchange, objectMetadataCommand('PutBucketPolicy', { bucket: endpoint.bucket, policy: text })), { bucket: endpoint.bucket });
  sendEmpty(exchange, 204);
}

/** DeleteBucketPolicy: 204 whether or not a policy was set. */
export async function handleDeleteBucketPolicy(exchange: S3Exchange, endpoint: EndpointOf<'DeleteBucketPolicy'>): Promise<void> {
  valueOf(await proposeCommand(exchange, objectMetadataCommand('DeleteBucketPolicy', { bucket: endpoint.bucket })), { bucket: endpoint.bucket });
  sendEmpty(exchange, 204);
}
