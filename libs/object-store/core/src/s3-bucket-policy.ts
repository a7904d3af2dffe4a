/**
 * S3 bucket policies: parse and validate a policy document (IAM policy grammar, the subset S3 bucket
 * policies use) and evaluate it for one request. Pure: no clock, no I/O.
 *
 * Supported: `Version` 2012-10-17 or 2008-10-17; `Statement` as a list or a single object; `Sid`;
 * `Effect` Allow|Deny; `Principal` `"*"` or `{"AWS": "*" | principal | [principal, ...]}`, where a
 * principal is an ObjectBox access key id, bare (`AKIA...`) or as `arn:aws:iam::objectbox:user/<id>`;
 * `Action`/`NotAction` (`s3:GetObject`, `s3:*`, `s3:Get*`, `*`; case-insensitive); `Resource`/
 * `NotResource` (`arn:aws:s3:::bucket`, `arn:aws:s3:::bucket/prefix*`, `*` and `?` wildcards;
 * case-sensitive). `Condition` is refused unless empty; `NotPrincipal` and non-AWS principals
 * (`Service`, `Federated`, `CanonicalUser`) are refused.
 *
 * Evaluation (IAM's order): an explicit Deny that matches wins, then an Allow that matches, else the
 * default deny. Root credentials (the bucket owner) are never evaluated: the caller allows them.
 */
import { bucketPolicyBytesMax } from './object-metadata-model.js';
import type { S3Endpoint } from './s3-endpoint.js';
import { S3Error } from './s3-errors.js';

/** Who makes a request: nobody (unsigned) or the signer's access key id. */
export type S3PolicyPrincipal = { readonly kind: 'anonymous' } | { readonly kind: 'accessKey'; readonly accessKeyId: string };

/** One statement, normalized: every list a list. */
export interface S3PolicyStatement {
  readonly sid: string | undefined;
  readonly effect: 'Allow' | 'Deny';
  /** `'*'` for every principal, otherwise the access key ids named. */
  readonly principals: '*' | readonly string[];
  readonly actions: { readonly not: boolean; readonly patterns: readonly string[] };
  readonly resources: { readonly not: boolean; readonly patterns: readonly string[] };
}

/** A parsed, validated policy. */
export interface S3BucketPolicy {
  readonly version: string;
  readonly id: string | undefined;
  readonly statements: readonly S3PolicyStatement[];
}

/** The ARN prefix of ObjectBox access keys as principals. */
export const s3PolicyUserArnPrefix = 'arn:aws:iam::objectbox:user/';
const s3ArnPrefix = 'arn:aws:s3:::';
const versions = ['2012-10-17', '2008-10-17'];
const statementCountMax = 1000;
const statementFields = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

function malformed(message: string): S3Error {
  return new S3Error('MalformedPolicy', { message });
}

/**
 * Parses a policy document as S3's PutBucketPolicy checks it.
 * @throws S3Error `MalformedPolicy` (400) naming the problem (an oversized document included).
 */
export function parseBucketPolicy(text: string): S3BucketPolicy {
  if (new TextEncoder().encode(text).byteLength > bucketPolicyBytesMax) throw malformed(`Policies must be no more than ${bucketPolicyBytesMax} bytes`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw malformed('Policies must be valid JSON and the first byte must be \'{\'');
  }
  if (!isRecord(document)) throw malformed("Policies must be valid JSON and the first byte must be '{'");
  for (const field of Object.keys(document)) {
    if (!['Version', 'Id', 'Statement'].includes(field)) throw malformed(`Unknown field ${field}`);
  }
  const version = document.Version;
  if (version === undefined) throw malformed('Missing required field Version');
  if (typeof version !== 'string' || !versions.includes(version)) throw malformed('The policy must contain a valid version string');
  const id = document.Id;
  if (id !== undefined && typeof id !== 'string') throw malformed('Id must be a string');
  const statementValue = document.Statement;
  if (statementValue === undefined) throw malformed('Missing required field Statement');
  const list = Array.isArray(statementValue) ? (statementValue as unknown[]) : [statementValue];
  if (list.length === 0) throw malformed('Could not parse the policy: Statement is empty!');
  if (list.length > statementCountMax) throw malformed('Too many statements');
  const statements = list.map(parseStatement);
  const sids = statements.map((statement) => statement.sid).filter((sid) => sid !== undefined);
  if (new Set(sids).size !== sids.length) throw malformed('Statement IDs (SID) in a single policy must be unique');
  return { version, id, statements };
}

function parseStatement(value: unknown): S3PolicyStatement {
  if (!isRecord(value)) throw malformed('Statement must be an object');
  for (const field of Object.keys(value)) if (!statementFields.has(field)) throw malformed(`Unknown field ${field}`);
  const sid = value.Sid;
  if (sid !== undefined && (typeof sid !== 'string' || !/^[A-Za-z0-9 _-]*$/.test(sid))) throw malformed('Statement IDs (SID) must be alphanumeric');
  const effect = value.Effect;
  if (effect === undefined) throw malformed('Missing required field Effect');
  if (effect !== 'Allow' && effect !== 'Deny') throw malformed('Invalid effect: ' + String(effect));
  if (value.NotPrincipal !== undefined) throw malformed('NotPrincipal is not supported');
  if (value.Principal === undefined) throw malformed('Missing required field Principal');
  const principals = parsePrincipal(value.Principal);
  if (value.Condition !== undefined && !(isRecord(value.Condition) && Object.keys(value.Condition).length === 0)) {
    throw malformed('Conditions are not supported yet');
  }
  const actions = parseEither(value, 'Action', 'NotAction', checkAction);
  const resources = parseEither(value, 'Resource', 'NotResource', checkResource);
  return { sid: sid as string | undefined, effect, principals, actions, resources };
}

function parsePrincipal(value: unknown): '*' | readonly string[] {
  if (value === '*') return '*';
  if (!isRecord(value)) throw malformed('Invalid principal in policy');
  const names = Object.keys(value);
  if (names.length !== 1 || names[0] !== 'AWS') throw malformed('Invalid principal in policy: only "*" and {"AWS": ...} principals are supported');
  const aws = value.AWS;
  const list = typeof aws === 'string' ? [aws] : Array.isArray(aws) ? (aws as unknown[]) : undefined;
  if (list === undefined || list.length === 0) throw malformed('Invalid principal in policy');
  if (list.includes('*')) return '*';
  return list.map((entry) => {
    if (typeof entry !== 'string') throw malformed('Invalid principal in policy');
    const accessKeyId = entry.startsWith(s3PolicyUserArnPrefix) ? entry.slice(s3PolicyUserArnPrefix.length) : entry;
    if (!/^[A-Za-z0-9_+=,.@-]{1,128}$/.test(accessKeyId)) throw malformed(`Invalid principal in policy: ${entry}`);
    return accessKeyId;
  });
}

function parseEither(
  statement: Record<string, unknown>,
  name: string,
  notName: string,
  check: (pattern: string) => void,
): { not: boolean; patterns: readonly string[] } {
  const has = statement[name] !== undefined;
  const hasNot = statement[notName] !== undefined;
  if (has === hasNot) throw malformed(has ? `Statement must not have both ${name} and ${notName}` : `Missing required field ${name}`);
  const value = has ? statement[name] : statement[notName];
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? (value as unknown[]) : undefined;
  if (list === undefined || list.length === 0 || !list.every((entry) => typeof entry === 'string')) throw malformed(`${has ? name : notName} must be a string or a list of strings`);
  const patterns = list as string[];
  for (const pattern of patterns) check(pattern);
  return { not: hasNot, patterns };
}

function checkAction(pattern: string): void {
  if (pattern !== '*' && !/^s3:[A-Za-z*?]{1,128}$/i.test(pattern)) throw malformed(`Policy has invalid action: ${pattern}`);
}

function checkResource(pattern: string): void {
  if (pattern !== '*' && !(pattern.startsWith(s3ArnPrefix) && pattern.length > s3ArnPrefix.length && pattern.length <= 2048)) {
    throw malformed(`Policy has invalid resource: ${pattern}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Glob match with `*` (any run, `/` included) and `?` (one character), as IAM matches actions and
 * resources: linear backtracking on the last `*`, never a regular expression.
 */
export function policyPatternMatches(pattern: string, text: string, options: { caseInsensitive?: boolean } = {}): boolean {
  const p = options.caseInsensitive === true ? pattern.toLowerCase() : pattern;
  const t = options.caseInsensitive === true ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let starPi = -1;
  let starTi = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === '*') {
      starPi = pi++;
      starTi = ti;
    } else if (starPi >= 0) {
      pi = starPi + 1;
      ti = ++starTi;
    } else return false;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/** One permission a request needs: an IAM action on a bucket (and key, for object resources). */
export interface S3PolicyRequirement {
  readonly action: string;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  /**
   * Set on the `s3:PutObjectAcl` a write needs for the ACL it carries: for ACL-based access that is
   * the bucket's WRITE (the writer owns what it creates), not the WRITE_ACP of whatever object the
   * key names now.
   */
  readonly aclOfWrite?: true;
}

/** The ARN of a requirement's resource: `arn:aws:s3:::bucket[/key]`, or `*` for service-level actions. */
export function s3ResourceArn(requirement: { bucket: string | undefined; key: string | undefined }): string {
  if (requirement.bucket === undefined) return '*';
  return requirement.key === undefined ? `${s3ArnPrefix}${requirement.bucket}` : `${s3ArnPrefix}${requirement.bucket}/${requirement.key}`;
}

/**
 * The one table from S3 operation to IAM action (S3 user guide, "Policy actions for Amazon S3").
 * Versioned variants (`s3:GetObjectVersion`, `s3:DeleteObjectVersion`, ...) are chosen when a
 * `versionId` is given. CopyObject and UploadPartCopy also need `s3:GetObject` on the source.
 * DeleteObjects is checked as `s3:DeleteObject` on `bucket/*` (not key by key). A write that sets
 * an ACL (`request.setsAcl`: `x-amz-acl` / `x-amz-grant-*`, or a PostObject form's `acl`) also
 * needs `s3:PutObjectAcl` on its key, as S3 asks (PutObject API reference, "Permissions"): whoever
 * may only upload must not be able to make what they upload public.
 */
export function s3PolicyRequirementsOf(endpoint: S3Endpoint, request: { readonly setsAcl?: boolean } = {}): readonly S3PolicyRequirement[] {
  const aclOfWrite = (bucket: string, key: string): S3PolicyRequirement[] => (request.setsAcl === true ? [{ action: 's3:PutObjectAcl', bucket, key, aclOfWrite: true }] : []);
  const onBucket = (action: string, bucket: string): S3PolicyRequirement[] => [{ action, bucket, key: undefined }];
  const onObject = (action: string, bucket: string, key: string): S3PolicyRequirement => ({ action, bucket, key });
  switch (endpoint.operation) {
    case 'ListBuckets':
      return [{ action: 's3:ListAllMyBuckets', bucket: undefined, key: undefined }];
    case 'CreateBucket':
      return onBucket('s3:CreateBucket', endpoint.bucket);
    case 'DeleteBucket':
      return onBucket('s3:DeleteBucket', endpoint.bucket);
    case 'HeadBucket':
    case 'ListObjects':
    case 'ListObjectsV2':
      return onBucket('s3:ListBucket', endpoint.bucket);
    case 'ListObjectVersions':
      return onBucket('s3:ListBucketVersions', endpoint.bucket);
    case 'ListMultipartUploads':
      return onBucket('s3:ListBucketMultipartUploads', endpoint.bucket);
    case 'GetBucketLocation':
      return onBucket('s3:GetBucketLocation', endpoint.bucket);
    case 'GetBucketVersioning':
      return onBucket('s3:GetBucketVersioning', endpoint.bucket);
    case 'PutBucketVersioning':
      return onBucket('s3:PutBucketVersioning', endpoint.bucket);
    case 'GetBucketTagging':
      return onBucket('s3:GetBucketTagging', endpoint.bucket);
    case 'PutBucketTagging':
    case 'DeleteBucketTagging':
      return onBucket('s3:PutBucketTagging', endpoint.bucket);
    case 'GetBucketPolicy':
      return onBucket('s3:GetBucketPolicy', endpoint.bucket);
    case 'PutBucketPolicy':
      return onBucket('s3:PutBucketPolicy', endpoint.bucket);
    case 'DeleteBucketPolicy':
      return onBucket('s3:DeleteBucketPolicy', endpoint.bucket);
    case 'GetBucketAcl':
      return onBucket('s3:GetBucketAcl', endpoint.bucket);
    case 'PutBucketAcl':
      return onBucket('s3:PutBucketAcl', endpoint.bucket);
    case 'GetBucketOwnershipControls':
      return onBucket('s3:GetBucketOwnershipControls', endpoint.bucket);
    case 'PutBucketOwnershipControls':
    case 'DeleteBucketOwnershipControls':
      return onBucket('s3:PutBucketOwnershipControls', endpoint.bucket);
    case 'GetPublicAccessBlock':
      return onBucket('s3:GetBucketPublicAccessBlock', endpoint.bucket);
    case 'PutPublicAccessBlock':
    case 'DeletePublicAccessBlock':
      return onBucket('s3:PutBucketPublicAccessBlock', endpoint.bucket);
    case 'GetBucketPolicyStatus':
      return onBucket('s3:GetBucketPolicyStatus', endpoint.bucket);
    case 'GetBucketCors':
      return onBucket('s3:GetBucketCORS', endpoint.bucket);
    case 'PutBucketCors':
    case 'DeleteBucketCors':
      return onBucket('s3:PutBucketCORS', endpoint.bucket);
    case 'GetBucketLifecycleConfiguration':
      return onBucket('s3:GetLifecycleConfiguration', endpoint.bucket);
    case 'PutBucketLifecycleConfiguration':
    case 'DeleteBucketLifecycle':
      return onBucket('s3:PutLifecycleConfiguration', endpoint.bucket);
    case 'GetObjectAcl':
      return [onObject(endpoint.versionId === undefined ? 's3:GetObjectAcl' : 's3:GetObjectVersionAcl', endpoint.bucket, endpoint.key)];
    case 'PutObjectAcl':
      return [onObject(endpoint.versionId === undefined ? 's3:PutObjectAcl' : 's3:PutObjectVersionAcl', endpoint.bucket, endpoint.key)];
    case 'DeleteObjects':
      return [onObject('s3:DeleteObject', endpoint.bucket, '*')];
    case 'GetObject':
    case 'HeadObject':
      return [onObject(endpoint.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion', endpoint.bucket, endpoint.key)];
    case 'DeleteObject':
      return [onObject(endpoint.versionId === undefined ? 's3:DeleteObject' : 's3:DeleteObjectVersion', endpoint.bucket, endpoint.key)];
    case 'GetObjectTagging':
      return [onObject(endpoint.versionId === undefined ? 's3:GetObjectTagging' : 's3:GetObjectVersionTagging', endpoint.bucket, endpoint.key)];
    case 'GetObjectAttributes':
      return [onObject(endpoint.versionId === undefined ? 's3:GetObjectAttributes' : 's3:GetObjectVersionAttributes', endpoint.bucket, endpoint.key)];
    case 'PutObjectTagging':
      return [onObject(endpoint.versionId === undefined ? 's3:PutObjectTagging' : 's3:PutObjectVersionTagging', endpoint.bucket, endpoint.key)];
    case 'DeleteObjectTagging':
      return [onObject(endpoint.versionId === undefined ? 's3:DeleteObjectTagging' : 's3:DeleteObjectVersionTagging', endpoint.bucket, endpoint.key)];
    case 'PostObject':
      // The key is a form field: the handler authorizes s3:PutObject on it once the fields are read.
      return [onObject('s3:PutObject', endpoint.bucket, '*')];
    case 'PutObject':
    case 'CreateMultipartUpload':
      return [onObject('s3:PutObject', endpoint.bucket, endpoint.key), ...aclOfWrite(endpoint.bucket, endpoint.key)];
    case 'UploadPart':
    case 'CompleteMultipartUpload':
      return [onObject('s3:PutObject', endpoint.bucket, endpoint.key)];
    case 'AbortMultipartUpload':
      return [onObject('s3:AbortMultipartUpload', endpoint.bucket, endpoint.key)];
    case 'ListParts':
      return [onObject('s3:ListMultipartUploadParts', endpoint.bucket, endpoint.key)];
    case 'CopyObject':
    case 'UploadPartCopy': {
      const source = endpoint.copySource;
      return [
        onObject(source.versionId === undefined ? 's3:GetObject' : 's3:GetObjectVersion', source.bucket, source.key),
        onObject('s3:PutObject', endpoint.bucket, endpoint.key),
        ...(endpoint.operation === 'CopyObject' ? aclOfWrite(endpoint.bucket, endpoint.key) : []),
      ];
    }
    case 'NotImplemented':
      return [{ action: `s3:${endpoint.operationName}`, bucket: endpoint.bucket, key: endpoint.key }];
    case 'CorsPreflight':
      // Unauthenticated by design (browsers never sign a preflight); the bucket's CORS rules decide.
      return [];
  }
}

/** The decision for one requirement: `deny` (explicit), `allow`, or `implicit-deny` (nothing matched). */
export type S3PolicyDecision = 'allow' | 'deny' | 'implicit-deny';

/** Evaluates `policy` for `principal` doing `action` on `resourceArn`: explicit Deny, then Allow, else implicit deny. */
export function evaluateBucketPolicy(policy: S3BucketPolicy, request: { principal: S3PolicyPrincipal; action: string; resourceArn: string }): S3PolicyDecision {
  let allowed = false;
  for (const statement of policy.statements) {
    if (!statementMatches(statement, request)) continue;
    if (statement.effect === 'Deny') return 'deny';
    allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

function statementMatches(statement: S3PolicyStatement, request: { principal: S3PolicyPrincipal; action: string; resourceArn: string }): boolean {
  const { principal } = request;
  if (statement.principals !== '*') {
    if (principal.kind === 'anonymous' || !statement.principals.includes(principal.accessKeyId)) return false;
  }
  const actionHit = statement.actions.patterns.some((pattern) => policyPatternMatches(pattern, request.action, { caseInsensitive: true }));
  if (actionHit === statement.actions.not) return false;
  const resourceHit = statement.resources.patterns.some((pattern) => policyPatternMatches(pattern, request.resourceArn));
  return resourceHit !== statement.resources.not;
}
