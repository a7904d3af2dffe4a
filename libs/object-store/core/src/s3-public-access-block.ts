/**
 * S3 Block Public Access on a bucket (S3 user guide, "Blocking public access to your Amazon S3
 * storage", "The meaning of 'public'"): the four settings, what counts as public, and their
 * request document. Pure.
 *
 * - BlockPublicAcls: PutBucketAcl, PutObjectAcl and writes (PutObject, CopyObject,
 *   CreateMultipartUpload) carrying a public ACL are refused (403 AccessDenied).
 * - IgnorePublicAcls: public ACLs already stored grant nothing.
 * - BlockPublicPolicy: PutBucketPolicy with a public policy is refused (403 AccessDenied).
 * - RestrictPublicBuckets: while the bucket's policy is public, only the owner's account (every
 *   signed key here) has access: unsigned requests are refused, whatever policy or ACL says.
 *
 * Public, for an ACL: a grant to the AllUsers or AuthenticatedUsers group. For a policy: an Allow
 * statement whose principal is `*` (S3 exempts statements whose Condition pins fixed values; this
 * server accepts no conditions, so none is exempt).
 *
 * A bucket without a configuration blocks nothing (S3 turns all four on for new buckets since April
 * 2023; here they stay off, as ceph/s3-tests expect and as bucket policies worked before, so a
 * public-read policy needs no DeletePublicAccessBlock first).
 */
import { aclGrantsOf, s3AclGroups, type AclRequest } from './s3-acl.js';
import type { S3BucketPolicy } from './s3-bucket-policy.js';

export interface PublicAccessBlock {
  readonly blockPublicAcls: boolean;
  readonly ignorePublicAcls: boolean;
  readonly blockPublicPolicy: boolean;
  readonly restrictPublicBuckets: boolean;
}

/** The names S3 gives the settings, in the order its documents list them. */
export const publicAccessBlockElements = [
  ['BlockPublicAcls', 'blockPublicAcls'],
  ['IgnorePublicAcls', 'ignorePublicAcls'],
  ['BlockPublicPolicy', 'blockPublicPolicy'],
  ['RestrictPublicBuckets', 'restrictPublicBuckets'],
] as const;

const publicGroups: readonly string[] = [s3AclGroups.allUsers, s3AclGroups.authenticatedUsers];

/** Whether an ACL grants anything to everyone or to every signed request. */
export function isPublicAcl(acl: AclRequest | undefined): boolean {
  // Group grants do not depend on who the owners are.
  return aclGrantsOf(acl, { ownerId: '', bucketOwnerId: '' }).some((grant) => grant.grantee.type === 'Group' && publicGroups.includes(grant.grantee.uri));
}

/** Whether a policy allows anything to everyone (an Allow to `*`). */
export function isPublicPolicy(policy: S3BucketPolicy): boolean {
  return policy.statements.some((statement) => statement.effect === 'Allow' && statement.principals === '*');
}
