/**
 * S3 access control lists and Object Ownership (S3 user guide, "Access control list (ACL) overview",
 * "Controlling ownership of objects and disabling ACLs"): the model stored by the metadata state
 * machine, the ownership rules it applies to a write, the `x-amz-acl` / `x-amz-grant-*` headers,
 * the grants an ACL stands for, and which ACL permission an action needs. Pure: no clock, no I/O,
 * no hashing (canonical user ids are made at the edge).
 *
 * Who is who: all signed access keys belong to ONE account and act as its IAM users holding
 * `s3:*`. For permission, a key is never checked against ACL ownership: any signed key may read,
 * write and delete any bucket's objects and may change any bucket's or object's ACL, ownership
 * controls and public access block (only a bucket policy's explicit Deny naming the key, or `*`,
 * restricts it; the root key not even that). What ACLs decide is what an anonymous (unsigned)
 * request may do, through grants to the AllUsers group. Each key still has a canonical id of its
 * own (derived at the edge, s3-handlers-bucket.ts `ownerOf`), used to record and show who owns an
 * object under ObjectWriter and whom a grant names, as S3 clients expect; it is bookkeeping, not
 * isolation between keys.
 *
 * Storage: the common ACL, `private` (the owner has FULL_CONTROL) owned by the bucket owner, is
 * stored as nothing; a canned ACL as its name; explicit grants as a list; an object owned by
 * another key than the bucket's (ObjectWriter) also names its owner.
 */
import { S3Error } from './s3-errors.js';

/** The Object Ownership settings of a bucket (`x-amz-object-ownership`, OwnershipControls). */
export const objectOwnerships = ['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter'] as const;
export type ObjectOwnership = (typeof objectOwnerships)[number];
/**
 * What a bucket stores: absent is S3's default since April 2023, BucketOwnerEnforced; `NotSet`
 * after DeleteBucketOwnershipControls, which S3 treats as ObjectWriter (ACLs enabled, the
 * uploader owns) while GetBucketOwnershipControls answers OwnershipControlsNotFoundError.
 */
export type ObjectOwnershipSetting = ObjectOwnership | 'NotSet';

/** The ownership rules a setting applies. */
export function effectiveObjectOwnership(setting: ObjectOwnershipSetting | undefined): ObjectOwnership {
  if (setting === undefined) return 'BucketOwnerEnforced';
  return setting === 'NotSet' ? 'ObjectWriter' : setting;
}

export const aclPermissions = ['FULL_CONTROL', 'WRITE', 'WRITE_ACP', 'READ', 'READ_ACP'] as const;
export type AclPermission = (typeof aclPermissions)[number];

/** S3's canned ACLs (user guide, "Canned ACL"). */
export const cannedAcls = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
  'log-delivery-write',
] as const;
export type CannedAcl = (typeof cannedAcls)[number];

/** The predefined groups a grant may name. */
export const s3AclGroups = {
  allUsers: 'http://acs.amazonaws.com/groups/global/AllUsers',
  authenticatedUsers: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
  logDelivery: 'http://acs.amazonaws.com/groups/s3/LogDelivery',
} as const;
export const s3AclGroupUris: readonly string[] = Object.values(s3AclGroups);

/** The canonical id S3 grants READ to for `aws-exec-read` (Amazon EC2's, as S3 writes it). */
export const awsExecReadCanonicalId = '6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c';

export type AclGrantee = { readonly type: 'CanonicalUser'; readonly id: string } | { readonly type: 'Group'; readonly uri: string };

export interface AclGrant {
  readonly grantee: AclGrantee;
  readonly permission: AclPermission;
}

/** S3's limit: an ACL has at most 100 grants. */
export const aclGrantCountMax = 100;

/** An ACL as a request sets it: a canned ACL or explicit grants (exactly one of them). */
export interface AclRequest {
  readonly canned?: CannedAcl;
  readonly grants?: readonly AclGrant[];
}

/** An ACL as stored (see the module comment); undefined stands for `private`, owned by the bucket owner. */
export interface StoredAcl extends AclRequest {
  /** The object's owner when it is not the bucket owner (ObjectWriter, BucketOwnerPreferred). */
  readonly ownerAccessKeyId?: string;
}

/** The ACL to store for a request and an owner; undefined for private and owned by the bucket owner. */
export function storedAclOf(request: AclRequest | undefined, ownerAccessKeyId?: string): StoredAcl | undefined {
  const canned = request?.canned === 'private' ? undefined : request?.canned;
  const grants = request?.grants;
  if (canned === undefined && grants === undefined && ownerAccessKeyId === undefined) return undefined;
  return {
    ...(ownerAccessKeyId === undefined ? {} : { ownerAccessKeyId }),
    ...(canned === undefined ? {} : { canned }),
    ...(grants === undefined ? {} : { grants }),
  };
}

/** Whether a canned request leaves the owner (bucket owner) alone with FULL_CONTROL, as BucketOwnerEnforced accepts. */
export function isOwnerOnlyCannedAcl(request: AclRequest | undefined): boolean {
  return request === undefined || (request.grants === undefined && (request.canned === 'private' || request.canned === 'bucket-owner-full-control'));
}

/** Canned ACLs S3 defines for buckets; `bucket-owner-*` are accepted and mean `private` there. */
const bucketCannedAcls: ReadonlySet<CannedAcl> = new Set(cannedAcls);
/** `log-delivery-write` is for buckets only. */
const objectCannedAcls: ReadonlySet<CannedAcl> = new Set(cannedAcls.filter((canned) => canned !== 'log-delivery-write'));

const grantHeaderPermissions: readonly (readonly [string, AclPermission])[] = [
  ['x-amz-grant-full-control', 'FULL_CONTROL'],
  ['x-amz-grant-read', 'READ'],
  ['x-amz-grant-read-acp', 'READ_ACP'],
  ['x-amz-grant-write', 'WRITE'],
  ['x-amz-grant-write-acp', 'WRITE_ACP'],
];

/** A canonical user id as S3 writes them: 64 lower-case hex digits. */
const canonicalIdPattern = /^[0-9a-f]{64}$/;

type HeaderValues = Readonly<Record<string, string | readonly string[] | undefined>>;

function headerText(headers: HeaderValues, name: string): string | undefined {
  const value = headers[name];
  return value === undefined ? undefined : typeof value === 'string' ? value : value.join(',');
}

/** Whether a request carries an ACL (`x-amz-acl` or any `x-amz-grant-*`), valid or not. */
export function requestSetsAcl(headers: HeaderValues): boolean {
  return headers['x-amz-acl'] !== undefined || grantHeaderPermissions.some(([header]) => headers[header] !== undefined);
}

/**
 * Reads `x-amz-acl` and `x-amz-grant-*` of a request on a bucket or an object; undefined when it has
 * none. Canonical ids are checked for their form only; whether a key has the id is the caller's to check.
 * @throws S3Error `InvalidArgument` (an unknown canned ACL, a malformed grantee, an unknown group),
 *   `InvalidRequest` (a canned ACL and grant headers together), `UnresolvableGrantByEmailAddress`.
 */
export function parseAclHeaders(headers: HeaderValues, target: 'bucket' | 'object'): AclRequest | undefined {
  const cannedText = headerText(headers, 'x-amz-acl');
  const grants: AclGrant[] = [];
  for (const [header, permission] of grantHeaderPermissions) {
    const value = headerText(headers, header);
    if (value !== undefined) grants.push(...parseGrantHeader(header, value, permission));
  }
  const hasGrantHeaders = grantHeaderPermissions.some(([header]) => headers[header] !== undefined);
  if (cannedText !== undefined && hasGrantHeaders) {
    throw new S3Error('InvalidRequest', { message: 'Specifying both Canned ACLs and Header Grants is not allowed' });
  }
  if (cannedText !== undefined) {
    const canned = cannedText.trim();
    const allowed = target === 'bucket' ? bucketCannedAcls : objectCannedAcls;
    if (!allowed.has(canned as CannedAcl)) throw new S3Error('InvalidArgument', { fields: { ArgumentName: 'x-amz-acl', ArgumentValue: cannedText } });
    return { canned: canned as CannedAcl };
  }
  if (!hasGrantHeaders) return undefined;
  if (grants.length > aclGrantCountMax) throw new S3Error('InvalidArgument', { message: `An ACL can have at most ${aclGrantCountMax} grants.` });
  return { grants };
}

/** One `x-amz-grant-*` value: `id="..."`, `uri="..."` or `emailAddress="..."`, comma-separated. */
function parseGrantHeader(header: string, value: string, permission: AclPermission): AclGrant[] {
  const invalid = () => new S3Error('InvalidArgument', { fields: { ArgumentName: header, ArgumentValue: value } });
  const grants: AclGrant[] = [];
  for (const item of value.split(',')) {
    const match = /^\s*([A-Za-z]+)\s*=\s*"?([^"]*)"?\s*$/.exec(item);
    if (match === null) throw invalid();
    const [, kind, text] = match as unknown as [string, string, string];
    switch (kind.toLowerCase()) {
      case 'id':
        if (!canonicalIdPattern.test(text)) throw new S3Error('InvalidArgument', { message: 'Invalid id', fields: { ArgumentName: 'CanonicalUser/ID', ArgumentValue: text } });
        grants.push({ grantee: { type: 'CanonicalUser', id: text }, permission });
        break;
      case 'uri':
        if (!s3AclGroupUris.includes(text)) throw new S3Error('InvalidArgument', { message: 'Invalid group uri', fields: { ArgumentName: 'Group/URI', ArgumentValue: text } });
        grants.push({ grantee: { type: 'Group', uri: text }, permission });
        break;
      case 'emailaddress':
        throw new S3Error('UnresolvableGrantByEmailAddress', { fields: { EmailAddress: text } });
      default:
        throw invalid();
    }
  }
  return grants;
}

/** Canonical ids the grants of an ACL resolve against. */
export interface AclOwners {
  /** The canonical id of the resource's owner. */
  readonly ownerId: string;
  /** The canonical id of the bucket's owner (for `bucket-owner-*`). */
  readonly bucketOwnerId: string;
}

/** The grants an ACL stands for (undefined: private), as GetBucketAcl/GetObjectAcl list them. */
export function aclGrantsOf(acl: AclRequest | undefined, owners: AclOwners): readonly AclGrant[] {
  if (acl?.grants !== undefined) return acl.grants;
  const owner: AclGrant = { grantee: { type: 'CanonicalUser', id: owners.ownerId }, permission: 'FULL_CONTROL' };
  const group = (uri: string, permission: AclPermission): AclGrant => ({ grantee: { type: 'Group', uri }, permission });
  const bucketOwner = (permission: AclPermission): AclGrant[] =>
    owners.bucketOwnerId === owners.ownerId ? [] : [{ grantee: { type: 'CanonicalUser', id: owners.bucketOwnerId }, permission }];
  switch (acl?.canned ?? 'private') {
    case 'private':
      return [owner];
    case 'public-read':
      return [owner, group(s3AclGroups.allUsers, 'READ')];
    case 'public-read-write':
      return [owner, group(s3AclGroups.allUsers, 'READ'), group(s3AclGroups.allUsers, 'WRITE')];
    case 'authenticated-read':
      return [owner, group(s3AclGroups.authenticatedUsers, 'READ')];
    case 'aws-exec-read':
      return [owner, { grantee: { type: 'CanonicalUser', id: awsExecReadCanonicalId }, permission: 'READ' }];
    case 'bucket-owner-read':
      return [owner, ...bucketOwner('READ')];
    case 'bucket-owner-full-control':
      return [owner, ...bucketOwner('FULL_CONTROL')];
    case 'log-delivery-write':
      return [owner, group(s3AclGroups.logDelivery, 'WRITE'), group(s3AclGroups.logDelivery, 'READ_ACP')];
  }
}

/** Whether grants give `permission` (or FULL_CONTROL) to everyone, the AllUsers group. */
export function aclGrantsAllUsers(grants: readonly AclGrant[], permission: AclPermission): boolean {
  return grants.some((grant) => grant.grantee.type === 'Group' && grant.grantee.uri === s3AclGroups.allUsers && (grant.permission === permission || grant.permission === 'FULL_CONTROL'));
}

/** Whether an ACL is exactly "the owner has FULL_CONTROL" (what BucketOwnerEnforced allows to be set). */
export function isOwnerFullControlOnly(grants: readonly AclGrant[], ownerId: string): boolean {
  return grants.length === 1 && grants[0]!.permission === 'FULL_CONTROL' && grants[0]!.grantee.type === 'CanonicalUser' && grants[0]!.grantee.id === ownerId;
}

/**
 * The ACL permission on a bucket that allows a policy action (S3 user guide, "Mapping of ACL
 * permissions and access policy permissions"): READ lists, WRITE creates and deletes objects,
 * READ_ACP/WRITE_ACP read and write the bucket's ACL.
 */
export function bucketAclPermissionFor(action: string): AclPermission | undefined {
  return bucketAclPermissionByAction.get(action);
}

const bucketAclPermissionByAction: ReadonlyMap<string, AclPermission> = new Map([
  ['s3:ListBucket', 'READ'],
  ['s3:ListBucketVersions', 'READ'],
  ['s3:ListBucketMultipartUploads', 'READ'],
  ['s3:PutObject', 'WRITE'],
  ['s3:DeleteObject', 'WRITE'],
  ['s3:GetBucketAcl', 'READ_ACP'],
  ['s3:PutBucketAcl', 'WRITE_ACP'],
]);

/** The ACL permission on an object that allows a policy action: READ reads it, READ_ACP/WRITE_ACP its ACL. */
export function objectAclPermissionFor(action: string): AclPermission | undefined {
  return objectAclPermissionByAction.get(action);
}

const objectAclPermissionByAction: ReadonlyMap<string, AclPermission> = new Map([
  ['s3:GetObject', 'READ'],
  ['s3:GetObjectVersion', 'READ'],
  ['s3:GetObjectAcl', 'READ_ACP'],
  ['s3:GetObjectVersionAcl', 'READ_ACP'],
  ['s3:PutObjectAcl', 'WRITE_ACP'],
  ['s3:PutObjectVersionAcl', 'WRITE_ACP'],
]);

/** Why an object write's ACL cannot be applied in its bucket. */
export type ObjectAclRefusal = 'AccessControlListNotSupported';

/**
 * The ACL a new object gets (PutObject, CopyObject, CreateMultipartUpload), by the bucket's Object
 * Ownership: BucketOwnerEnforced refuses any ACL but the owner-only ones and stores nothing (the
 * bucket owner owns it); BucketOwnerPreferred gives it to the bucket owner when written with
 * `bucket-owner-full-control`, else to the writer; ObjectWriter to the writer.
 */
export function objectAclOfWrite(options: {
  readonly ownership: ObjectOwnershipSetting | undefined;
  readonly bucketOwnerAccessKeyId: string;
  /** The key that writes; absent: the bucket owner. */
  readonly writerAccessKeyId: string | undefined;
  readonly request: AclRequest | undefined;
}): { readonly ok: true; readonly acl: StoredAcl | undefined } | { readonly ok: false; readonly refusal: ObjectAclRefusal } {
  const ownership = effectiveObjectOwnership(options.ownership);
  if (ownership === 'BucketOwnerEnforced') return isOwnerOnlyCannedAcl(options.request) ? { ok: true, acl: undefined } : { ok: false, refusal: 'AccessControlListNotSupported' };
  const writer = options.writerAccessKeyId ?? options.bucketOwnerAccessKeyId;
  const owner = ownership === 'BucketOwnerPreferred' && options.request?.canned === 'bucket-owner-full-control' ? options.bucketOwnerAccessKeyId : writer;
  return { ok: true, acl: storedAclOf(options.request, owner === options.bucketOwnerAccessKeyId ? undefined : owner) };
}
