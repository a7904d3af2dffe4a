/**
 * Readers of the S3 request documents: CompleteMultipartUpload, Delete, Tagging,
 * VersioningConfiguration and CreateBucketConfiguration.
 *
 * The XML reader (`s3-xml-reader.ts`, ours: a general parser plus its validator took up to a second
 * of the event loop for a 10,000-part CompleteMultipartUpload) is given only documents that pass
 * these checks first: at most {@link s3XmlBodyBytesMax} bytes of valid UTF-8, no DTD (a
 * `<!DOCTYPE` or `<!ENTITY` is refused, so neither external entities (XXE) nor entity expansion
 * ("billion laughs") can happen). The reader checks well-formedness; this module decodes the five
 * predefined entities and numeric character references and refuses any other reference. Every failure is an `S3Error`: `MalformedXML`
 * as Amazon answers for schema and syntax errors, `InvalidTag`, `InvalidArgument`, `InvalidPartOrder`,
 * `MaxMessageLengthExceeded` where Amazon uses those.
 */
import { S3Error, s3Errors } from './s3-errors.js';
import { readXml, type XmlElement, XmlSyntaxError } from './s3-xml-reader.js';
import { s3PartNumberMax } from './s3-endpoint.js';
import { publicAccessBlockElements, type PublicAccessBlock } from './s3-public-access-block.js';
import { corsConfigurationBytesMax, validateCorsRules, type CorsMethod, type CorsRule } from './s3-cors.js';
import { lifecycleConfigurationBytesMax, lifecycleRuleCountMax, validateLifecycleRules, type LifecycleRule } from './s3-lifecycle.js';
import { aclGrantCountMax, aclPermissions, objectOwnerships, s3AclGroupUris, type AclGrant, type AclPermission, type ObjectOwnership } from './s3-acl.js';

/** Largest request document, bytes (S3 limits DeleteObjects bodies and the like to well under this). */
export const s3XmlBodyBytesMax = 1024 * 1024;
/**
 * Largest CompleteMultipartUpload document, bytes: 10,000 parts with an ETag and a SHA-256 checksum
 * each, as the SDKs write them, are about 2 MB.
 */
export const s3CompleteMultipartUploadBytesMax = 4 * 1024 * 1024;
/** Most keys in one DeleteObjects request (S3 API reference, DeleteObjects). */
export const s3DeleteObjectsKeyCountMax = 1000;
/** Most tags on one object (S3 user guide, "Categorizing your storage using tags"). */
export const s3ObjectTagCountMax = 10;
/** Most tags on one bucket. */
export const s3BucketTagCountMax = 50;
/** Longest tag key, Unicode characters. */
export const s3TagKeyLengthMax = 128;
/** Longest tag value, Unicode characters. */
export const s3TagValueLengthMax = 256;

/** A flexible checksum algorithm of S3 (`x-amz-checksum-*`). */
export type S3ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
/** The checksum algorithms in the order S3 writes their elements. */
export const s3ChecksumAlgorithms: readonly S3ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];
/** Base64 checksums by algorithm, as in `<ChecksumCRC32>` elements and `x-amz-checksum-*` headers. */
export type S3Checksums = Readonly<Partial<Record<S3ChecksumAlgorithm, string>>>;

/** One `<Part>` of a CompleteMultipartUpload request. */
export interface S3CompletedPart {
  /** 1..10000. */
  readonly partNumber: number;
  /** The part's ETag without surrounding quotes. */
  readonly etag: string;
  readonly checksums: S3Checksums;
}

/** One `<Object>` of a Delete request. */
export interface S3DeleteObjectIdentifier {
  readonly key: string;
  readonly versionId: string | undefined;
}

/** The body of DeleteObjects. */
export interface S3DeleteRequest {
  /** `<Quiet>true</Quiet>`: the result lists only errors. */
  readonly quiet: boolean;
  /** 1..1000 objects, in request order. */
  readonly objects: readonly S3DeleteObjectIdentifier[];
}

/** One tag. */
export interface S3Tag {
  readonly key: string;
  readonly value: string;
}

/** `Enabled` or `Suspended`; a bucket never configured has no status. */
export type S3VersioningStatus = 'Enabled' | 'Suspended';

/** The body of PutBucketVersioning. */
export interface S3VersioningConfiguration {
  readonly status: S3VersioningStatus | undefined;
  readonly mfaDelete: 'Enabled' | 'Disabled' | undefined;
}

/** Where the body of a request comes from: bytes as received, or text already decoded. */
export type S3XmlBody = Uint8Array | string;

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes, screens and reads a document; returns its root element, which must be `rootName`. */
function parseDocument(body: S3XmlBody, rootName: string, bytesMax = s3XmlBodyBytesMax): XmlElement {
  const sizeBytes = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (sizeBytes > bytesMax) throw new S3Error('MaxMessageLengthExceeded', { fields: { MaxMessageLengthBytes: bytesMax } });
  let text: string;
  try {
    text = typeof body === 'string' ? body : utf8Decoder.decode(body);
  } catch {
    throw s3Errors.malformedXml('body is not UTF-8');
  }
  if (/<!(DOCTYPE|ENTITY)/i.test(text)) throw s3Errors.malformedXml('document type declarations are not accepted');
  // XML 1.0's Char excludes the C0 controls but tab, LF and CR (and U+FFFE, U+FFFF): a key holding
  // one cannot be sent in an XML document, and answering one would write a document no parser reads.
  if (nonXmlCharacter.test(text)) throw s3Errors.malformedXml('a character XML 1.0 does not allow');
  if (!/\S/.test(text)) throw new S3Error('MissingRequestBodyError');
  let root: XmlElement;
  try {
    root = readXml(text, decodeEntities);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw s3Errors.malformedXml(error.message);
    throw error;
  }
  if (root.name !== rootName) throw s3Errors.malformedXml(`one root element ${rootName} expected`);
  return root;
}

/** The child elements named `name`. */
function childrenOf(node: XmlElement, name: string): readonly XmlElement[] {
  return node.children?.get(name) ?? [];
}

/** The single child element `name`, or undefined; more than one is malformed. */
function childOf(node: XmlElement, name: string): XmlElement | undefined {
  const children = childrenOf(node, name);
  if (children.length > 1) throw s3Errors.malformedXml(`${name} must appear at most once`);
  return children[0];
}

/** The text of a leaf element, entities decoded; undefined when absent. */
function textOf(node: XmlElement, name: string): string | undefined {
  const child = childOf(node, name);
  if (child === undefined) return undefined;
  return leafText(child, name);
}

/**
 * A leaf's text: its character data, or its CDATA when the character data around it is only
 * whitespace. An element with child elements, or with both text and CDATA, is malformed here.
 */
function leafText(element: XmlElement, name: string): string {
  if (element.children === undefined) {
    if (element.cdata === undefined || element.cdata === '') return element.text;
    if (element.text.trim() === '') return element.cdata;
  }
  throw s3Errors.malformedXml(`${name} must be text`);
}

function requiredTextOf(node: XmlElement, name: string): string {
  const text = textOf(node, name);
  if (text === undefined) throw s3Errors.malformedXml(`${name} is required`);
  return text;
}

const entities: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

// eslint-disable-next-line no-control-regex -- the control characters are what this finds
const nonXmlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** Whether a character reference names a character XML 1.0 allows (its production Char). */
function isXmlCharacter(codePoint: number): boolean {
  if (codePoint < 0x20) return codePoint === 0x09 || codePoint === 0x0a || codePoint === 0x0d;
  return codePoint <= 0xd7ff || (codePoint >= 0xe000 && codePoint <= 0xfffd) || (codePoint >= 0x10000 && codePoint <= 0x10ffff);
}

/** Decodes the predefined entities and character references; any other `&` is malformed. */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]{0,10});|&/g, (whole, name: string | undefined) => {
    if (name === undefined) throw s3Errors.malformedXml('unescaped &');
    const named = entities[name];
    if (named !== undefined) return named;
    const match = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(name);
    const codePoint = match === null ? Number.NaN : match[1] !== undefined ? Number.parseInt(match[1], 16) : Number(match[2]);
    if (!isXmlCharacter(codePoint)) {
      throw s3Errors.malformedXml(`unknown reference ${whole}`);
    }
    return String.fromCodePoint(codePoint);
  });
}

function booleanOf(node: XmlElement, name: string): boolean | undefined {
  const text = textOf(node, name)?.trim().toLowerCase();
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw s3Errors.malformedXml(`${name} must be true or false`);
  return text === 'true';
}

function checksumsOf(node: XmlElement): S3Checksums {
  const checksums: Partial<Record<S3ChecksumAlgorithm, string>> = {};
  for (const algorithm of s3ChecksumAlgorithms) {
    const value = textOf(node, `Checksum${algorithm}`);
    if (value !== undefined) checksums[algorithm] = value.trim();
  }
  return checksums;
}

/** Removes one pair of surrounding double quotes (clients send ETags quoted or not). */
function unquoteEtag(etag: string): string {
  const trimmed = etag.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}

/**
 * Reads a CompleteMultipartUpload body (S3 API reference, CompleteMultipartUpload): 1..10000 parts,
 * each with PartNumber and ETag, optional Checksum* elements; at most
 * {@link s3CompleteMultipartUploadBytesMax} bytes (`MaxMessageLengthExceeded`).
 * @throws S3Error `MalformedXML` (an empty body, no part, a missing or non-integer PartNumber, a
 *   missing ETag, more than 10000 parts), `InvalidArgument` (a part number outside 1..10000),
 *   `InvalidPartOrder` (part numbers not strictly ascending).
 */
export function parseCompleteMultipartUpload(body: S3XmlBody): readonly S3CompletedPart[] {
  // No body is no part list: MalformedXML, not MissingRequestBodyError (ceph/s3-tests test_multipart_upload_empty).
  const sizeBytes = typeof body === 'string' ? body.length : body.byteLength;
  if (sizeBytes === 0) throw s3Errors.malformedXml('at least one Part is required');
  const root = parseDocument(body, 'CompleteMultipartUpload', s3CompleteMultipartUploadBytesMax);
  const partNodes = childrenOf(root, 'Part');
  if (partNodes.length === 0) throw s3Errors.malformedXml('at least one Part is required');
  if (partNodes.length > s3PartNumberMax) throw s3Errors.malformedXml(`more than ${s3PartNumberMax} parts`);
  let partNumberBefore = 0;
  return partNodes.map((partNode) => {
    const partNumberText = requiredTextOf(partNode, 'PartNumber').trim();
    if (!/^-?\d{1,12}$/.test(partNumberText)) throw s3Errors.malformedXml('PartNumber must be an integer');
    const partNumber = Number(partNumberText);
    if (partNumber < 1 || partNumber > s3PartNumberMax) {
      throw s3Errors.invalidArgument('partNumber', partNumberText, `Part number must be an integer between 1 and ${s3PartNumberMax}, inclusive`);
    }
    if (partNumber <= partNumberBefore) throw new S3Error('InvalidPartOrder');
    partNumberBefore = partNumber;
    return { partNumber, etag: unquoteEtag(requiredTextOf(partNode, 'ETag')), checksums: checksumsOf(partNode) };
  });
}

/**
 * Reads a DeleteObjects body (S3 API reference, DeleteObjects): `<Quiet>` and 1..1000 `<Object>`
 * with `<Key>` and optional `<VersionId>`. Keys are returned as sent; the caller checks each one and
 * reports a bad key as an `<Error>` entry of the result, as S3 does.
 * @throws S3Error `MalformedXML` (no object, more than 1000, an object without Key).
 */
export function parseDeleteObjects(body: S3XmlBody): S3DeleteRequest {
  const root = parseDocument(body, 'Delete');
  const objectNodes = childrenOf(root, 'Object');
  if (objectNodes.length === 0) throw s3Errors.malformedXml('at least one Object is required');
  if (objectNodes.length > s3DeleteObjectsKeyCountMax) throw s3Errors.malformedXml(`more than ${s3DeleteObjectsKeyCountMax} objects`);
  const objects = objectNodes.map((objectNode) => {
    const versionId = textOf(objectNode, 'VersionId');
    return { key: requiredTextOf(objectNode, 'Key'), versionId: versionId === '' ? undefined : versionId };
  });
  return { quiet: booleanOf(root, 'Quiet') ?? false, objects };
}

const tagTextPattern = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * Reads a Tagging body (PutObjectTagging, PutBucketTagging) and checks the tag rules: at most
 * `tagCountMax` tags ({@link s3ObjectTagCountMax} or {@link s3BucketTagCountMax}), keys of
 * 1..128 and values of 0..256 Unicode characters from letters, digits, spaces and `_ . : / = + - @`,
 * no `aws:` key prefix, no duplicate key.
 * @throws S3Error `MalformedXML` (no TagSet, a Tag without Key or Value), `InvalidTag` (the rules).
 */
export function parseTagging(body: S3XmlBody, options: { readonly tagCountMax: number }): readonly S3Tag[] {
  const root = parseDocument(body, 'Tagging');
  const tagSet = childOf(root, 'TagSet');
  if (tagSet === undefined) throw s3Errors.malformedXml('TagSet is required');
  const tagNodes = childrenOf(tagSet, 'Tag');
  if (tagNodes.length > options.tagCountMax) {
    throw s3Errors.invalidTag(options.tagCountMax === s3ObjectTagCountMax ? `Object tags cannot be greater than ${options.tagCountMax}` : `Bucket tag count cannot be greater than ${options.tagCountMax}`);
  }
  const keys = new Set<string>();
  return tagNodes.map((tagNode) => {
    const tag = { key: requiredTextOf(tagNode, 'Key'), value: requiredTextOf(tagNode, 'Value') };
    validateTag(tag);
    if (keys.has(tag.key)) throw s3Errors.invalidTag('Cannot provide multiple Tags with the same key');
    keys.add(tag.key);
    return tag;
  });
}

/**
 * Checks one tag against the S3 tag rules (see {@link parseTagging}); also for `x-amz-tagging` headers.
 * @throws S3Error `InvalidTag`.
 */
export function validateTag(tag: S3Tag): void {
  const keyLength = [...tag.key].length;
  if (keyLength === 0 || !tagTextPattern.test(tag.key)) throw s3Errors.invalidTag('The TagKey you have provided is invalid');
  if (keyLength > s3TagKeyLengthMax) throw s3Errors.invalidTag(`The TagKey you have provided is too long, max ${s3TagKeyLengthMax}`);
  if (tag.key.toLowerCase().startsWith('aws:')) throw s3Errors.invalidTag('Your TagKey cannot be prefixed with aws:');
  if (!tagTextPattern.test(tag.value)) throw s3Errors.invalidTag('The TagValue you have provided is invalid');
  if ([...tag.value].length > s3TagValueLengthMax) throw s3Errors.invalidTag(`The TagValue you have provided is too long, max ${s3TagValueLengthMax}`);
}

/**
 * Reads a PutBucketVersioning body: optional `<Status>` (`Enabled`/`Suspended`) and `<MfaDelete>`
 * (`Enabled`/`Disabled`).
 * @throws S3Error `MalformedXML` for any other value.
 */
export function parseVersioningConfiguration(body: S3XmlBody): S3VersioningConfiguration {
  const root = parseDocument(body, 'VersioningConfiguration');
  const status = textOf(root, 'Status');
  const mfaDelete = textOf(root, 'MfaDelete');
  if (status !== undefined && status !== 'Enabled' && status !== 'Suspended') throw s3Errors.malformedXml('Status must be Enabled or Suspended');
  if (mfaDelete !== undefined && mfaDelete !== 'Enabled' && mfaDelete !== 'Disabled') throw s3Errors.malformedXml('MfaDelete must be Enabled or Disabled');
  return { status, mfaDelete };
}

/**
 * Reads a CreateBucket body. An empty body is allowed and means no location constraint (the
 * default region). The caller compares the constraint with its region and answers
 * `InvalidLocationConstraint` / `IllegalLocationConstraintException` as S3 does.
 * @throws S3Error `MalformedXML`.
 */
export function parseCreateBucketConfiguration(body: S3XmlBody): { readonly locationConstraint: string | undefined } {
  const isEmpty = typeof body === 'string' ? body.trim() === '' : body.byteLength === 0 || (body.byteLength <= 4096 && Buffer.from(body).toString('utf8').trim() === '');
  if (isEmpty) return { locationConstraint: undefined };
  const root = parseDocument(body, 'CreateBucketConfiguration');
  const locationConstraint = textOf(root, 'LocationConstraint')?.trim();
  return { locationConstraint: locationConstraint === '' ? undefined : locationConstraint };
}

/** An `AccessControlPolicy` request document (PutBucketAcl, PutObjectAcl). */
export interface S3AccessControlPolicy {
  /** `<Owner><ID>`: must name the resource's owner (the caller checks). */
  readonly ownerId: string;
  readonly grants: readonly AclGrant[];
}

/**
 * Reads an AccessControlPolicy body: `<Owner><ID>` and up to {@link aclGrantCountMax} `<Grant>`s of
 * a `<Grantee>` (by `<ID>`, a canonical user; by `<URI>`, a predefined group; by `<EmailAddress>`,
 * which this server cannot resolve) and a `<Permission>`. The grantee's `xsi:type` is implied by
 * which of those it has.
 * @throws S3Error `MalformedACLError` (syntax or schema, as S3 answers for ACL documents),
 *   `InvalidArgument` (a malformed canonical id, an unknown group), `UnresolvableGrantByEmailAddress`,
 *   `MaxMessageLengthExceeded`.
 */
export function parseAccessControlPolicy(body: S3XmlBody): S3AccessControlPolicy {
  const malformed = (message: string) => new S3Error('MalformedACLError', { message });
  let root: XmlElement;
  try {
    root = parseDocument(body, 'AccessControlPolicy');
  } catch (error) {
    if (error instanceof S3Error && (error.code === 'MalformedXML' || error.code === 'MissingRequestBodyError')) throw malformed(error.message);
    throw error;
  }
  try {
    const owner = childOf(root, 'Owner');
    const ownerId = owner === undefined ? undefined : textOf(owner, 'ID')?.trim();
    if (ownerId === undefined || ownerId === '') throw malformed('The AccessControlPolicy must name its Owner ID.');
    const list = childOf(root, 'AccessControlList');
    const grantNodes = list === undefined ? [] : childrenOf(list, 'Grant');
    if (grantNodes.length > aclGrantCountMax) throw malformed(`An ACL can have at most ${aclGrantCountMax} grants.`);
    const grants = grantNodes.map((grantNode): AclGrant => {
      const grantee = childOf(grantNode, 'Grantee');
      const permission = textOf(grantNode, 'Permission')?.trim();
      if (grantee === undefined || permission === undefined || !(aclPermissions as readonly string[]).includes(permission)) {
        throw malformed('Each Grant needs a Grantee and a Permission of FULL_CONTROL, WRITE, WRITE_ACP, READ or READ_ACP.');
      }
      const id = textOf(grantee, 'ID')?.trim();
      const uri = textOf(grantee, 'URI')?.trim();
      const email = textOf(grantee, 'EmailAddress')?.trim();
      if ([id, uri, email].filter((value) => value !== undefined).length !== 1) throw malformed('A Grantee has exactly one of ID, URI and EmailAddress.');
      if (email !== undefined) throw new S3Error('UnresolvableGrantByEmailAddress', { fields: { EmailAddress: email } });
      if (id !== undefined) {
        if (!/^[0-9a-f]{64}$/.test(id)) throw new S3Error('InvalidArgument', { message: 'Invalid id', fields: { ArgumentName: 'CanonicalUser/ID', ArgumentValue: id } });
        return { grantee: { type: 'CanonicalUser', id }, permission: permission as AclPermission };
      }
      if (!s3AclGroupUris.includes(uri!)) throw new S3Error('InvalidArgument', { message: 'Invalid group uri', fields: { ArgumentName: 'Group/URI', ArgumentValue: uri! } });
      return { grantee: { type: 'Group', uri: uri! }, permission: permission as AclPermission };
    });
    return { ownerId, grants };
  } catch (error) {
    if (error instanceof S3Error && error.code === 'MalformedXML') throw malformed(error.message);
    throw error;
  }
}

/**
 * Reads an OwnershipControls body (PutBucketOwnershipControls): exactly one `<Rule>` with an
 * `<ObjectOwnership>` of BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter.
 * @throws S3Error `MalformedXML`.
 */
export function parseOwnershipControls(body: S3XmlBody): ObjectOwnership {
  const root = parseDocument(body, 'OwnershipControls');
  const rules = childrenOf(root, 'Rule');
  if (rules.length !== 1) throw s3Errors.malformedXml('OwnershipControls takes exactly one Rule');
  const ownership = textOf(rules[0]!, 'ObjectOwnership')?.trim();
  if (ownership === undefined || !(objectOwnerships as readonly string[]).includes(ownership)) {
    throw s3Errors.malformedXml('ObjectOwnership must be BucketOwnerEnforced, BucketOwnerPreferred or ObjectWriter');
  }
  return ownership as ObjectOwnership;
}

/**
 * Reads a PublicAccessBlockConfiguration body (PutPublicAccessBlock): each of BlockPublicAcls,
 * IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets `true` or `false`; absent is false.
 * @throws S3Error `MalformedXML`.
 */
export function parsePublicAccessBlockConfiguration(body: S3XmlBody): PublicAccessBlock {
  const root = parseDocument(body, 'PublicAccessBlockConfiguration');
  const settings = { blockPublicAcls: false, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: false };
  for (const [element, field] of publicAccessBlockElements) settings[field] = booleanOf(root, element) ?? false;
  return settings;
}

/**
 * A `CORSConfiguration` (PutBucketCors): CORSRule elements with ID, AllowedMethod, AllowedOrigin,
 * AllowedHeader, ExposeHeader and MaxAgeSeconds, checked as S3 checks them (s3-cors.ts).
 * @throws S3Error `MalformedXML`, `InvalidRequest`, `MaxMessageLengthExceeded` (over 64 KB).
 */
export function parseCorsConfiguration(body: S3XmlBody): readonly CorsRule[] {
  const root = parseDocument(body, 'CORSConfiguration', corsConfigurationBytesMax);
  const texts = (rule: XmlElement, name: string): string[] => childrenOf(rule, name).map((element) => leafText(element, name));
  const rules = childrenOf(root, 'CORSRule').map((rule): CorsRule => {
    const id = textOf(rule, 'ID');
    const maxAge = textOf(rule, 'MaxAgeSeconds');
    if (maxAge !== undefined && !/^\d{1,10}$/.test(maxAge.trim())) throw s3Errors.malformedXml('MaxAgeSeconds must be a whole number');
    return {
      ...(id === undefined ? {} : { id }),
      allowedMethods: texts(rule, 'AllowedMethod').map((method) => method.trim() as CorsMethod),
      allowedOrigins: texts(rule, 'AllowedOrigin').map((origin) => origin.trim()),
      allowedHeaders: texts(rule, 'AllowedHeader').map((header) => header.trim()),
      exposeHeaders: texts(rule, 'ExposeHeader').map((header) => header.trim()),
      ...(maxAge === undefined ? {} : { maxAgeSeconds: Number(maxAge.trim()) }),
    };
  });
  return validateCorsRules(rules);
}

/**
 * A `LifecycleConfiguration` (PutBucketLifecycleConfiguration, also the older PutBucketLifecycle's
 * body): Rule elements with ID, Status, the rule-level Prefix or a Filter (Prefix, Tag,
 * ObjectSizeGreaterThan, ObjectSizeLessThan or And), Expiration, NoncurrentVersionExpiration and
 * AbortIncompleteMultipartUpload, checked as S3 checks them (s3-lifecycle.ts). A rule without an ID
 * gets `assignId(position)`, as S3 assigns one. Transition and NoncurrentVersionTransition are
 * refused (see s3-lifecycle.ts).
 * @throws S3Error `MalformedXML`, `InvalidArgument`, `InvalidRequest`, `InvalidTag`,
 *   `NotImplemented` (a transition), `MaxMessageLengthExceeded`.
 */
export function parseLifecycleConfiguration(body: S3XmlBody, options: { readonly assignId: (position: number) => string }): readonly LifecycleRule[] {
  const root = parseDocument(body, 'LifecycleConfiguration', lifecycleConfigurationBytesMax);
  const ruleNodes = childrenOf(root, 'Rule');
  if (ruleNodes.length > lifecycleRuleCountMax) throw s3Errors.malformedXml(`a LifecycleConfiguration has at most ${lifecycleRuleCountMax} rules`);
  const rules = ruleNodes.map((node, position): LifecycleRule => {
    for (const name of ['Transition', 'NoncurrentVersionTransition']) {
      if (childrenOf(node, name).length > 0) throw new S3Error('NotImplemented', { message: `${name} is not supported: this store has a single storage class, so objects never transition.` });
    }
    const status = textOf(node, 'Status');
    if (status !== 'Enabled' && status !== 'Disabled') throw s3Errors.malformedXml('Status must be Enabled or Disabled');
    const noncurrent = childOf(node, 'NoncurrentVersionExpiration');
    const abort = childOf(node, 'AbortIncompleteMultipartUpload');
    const noncurrentNewer = noncurrent === undefined ? undefined : lifecycleIntegerOf(noncurrent, 'NewerNoncurrentVersions');
    const abortDays = abort === undefined ? undefined : lifecycleIntegerOf(abort, 'DaysAfterInitiation');
    if (abort !== undefined && abortDays === undefined) throw s3Errors.malformedXml('DaysAfterInitiation is required');
    return {
      id: textOf(node, 'ID') ?? options.assignId(position),
      status,
      ...lifecycleFilterOf(node),
      ...lifecycleExpirationOf(node),
      ...(noncurrent === undefined
        ? {}
        : {
            noncurrentVersionExpiration: {
              noncurrentDays: lifecycleIntegerOf(noncurrent, 'NoncurrentDays') ?? throwMalformed('NoncurrentDays is required'),
              ...(noncurrentNewer === undefined ? {} : { newerNoncurrentVersions: noncurrentNewer }),
            },
          }),
      ...(abortDays === undefined ? {} : { abortIncompleteMultipartUploadDays: abortDays }),
    };
  });
  return validateLifecycleRules(rules);
}

function throwMalformed(reason: string): never {
  throw s3Errors.malformedXml(reason);
}

/** An integer element (Days, NoncurrentDays, ...); its range is checked by validateLifecycleRules. */
function lifecycleIntegerOf(node: XmlElement, name: string): number | undefined {
  const text = textOf(node, name)?.trim();
  if (text === undefined) return undefined;
  if (!/^-?\d{1,15}$/.test(text)) throw s3Errors.malformedXml(`${name} must be an integer`);
  return Number(text);
}

function lifecycleFilterOf(rule: XmlElement): Pick<LifecycleRule, 'filterForm' | 'filter'> {
  const legacyPrefix = textOf(rule, 'Prefix');
  const filter = childOf(rule, 'Filter');
  if (legacyPrefix !== undefined && filter !== undefined) throw s3Errors.malformedXml('a rule has a Prefix or a Filter, not both');
  if (filter === undefined) {
    if (legacyPrefix === undefined) throw s3Errors.malformedXml('a rule needs a Filter or a Prefix');
    return { filterForm: 'Prefix', filter: { prefix: legacyPrefix, tags: [] } };
  }
  const conditions = ['Prefix', 'Tag', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan', 'And'].filter((name) => childrenOf(filter, name).length > 0);
  if (conditions.length > 1) throw s3Errors.malformedXml('a Filter takes one condition; use And to combine them');
  const and = childOf(filter, 'And');
  const source = and ?? filter;
  if (and !== undefined && childrenOf(and, 'And').length > 0) throw s3Errors.malformedXml('And does not nest');
  const tagNodes = childrenOf(source, 'Tag');
  if (and === undefined && tagNodes.length > 1) throw s3Errors.malformedXml('a Filter takes one Tag; use And for more');
  const prefix = textOf(source, 'Prefix');
  const above = lifecycleIntegerOf(source, 'ObjectSizeGreaterThan');
  const below = lifecycleIntegerOf(source, 'ObjectSizeLessThan');
  return {
    filterForm: and === undefined ? 'Filter' : 'And',
    filter: {
      ...(prefix === undefined ? {} : { prefix }),
      tags: tagNodes.map((tag) => ({ key: requiredTextOf(tag, 'Key'), value: requiredTextOf(tag, 'Value') })),
      ...(above === undefined ? {} : { objectSizeGreaterThanBytes: above }),
      ...(below === undefined ? {} : { objectSizeLessThanBytes: below }),
    },
  };
}

/** `YYYY-MM-DD`, or an ISO 8601 time (a zone is UTC when absent), to ms; anything else is malformed. */
function lifecycleDateOf(text: string): number {
  const trimmed = text.trim();
  const match = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?)?$/.exec(trimmed);
  const timeMs = match === null ? Number.NaN : Date.parse(match[1] === undefined ? `${trimmed}T00:00:00Z` : match[3] === undefined ? `${trimmed}Z` : trimmed);
  if (!Number.isFinite(timeMs)) throw s3Errors.malformedXml('Date must be an ISO 8601 date');
  // Date.parse rolls 2026-02-30 over to March 2: a day the calendar does not have is malformed.
  const [year, month, day] = trimmed.slice(0, 10).split('-').map(Number) as [number, number, number];
  const calendarDay = new Date(Date.UTC(year, month - 1, day));
  if (calendarDay.getUTCFullYear() !== year || calendarDay.getUTCMonth() !== month - 1 || calendarDay.getUTCDate() !== day) throw s3Errors.malformedXml('Date must be an ISO 8601 date');
  return timeMs;
}

function lifecycleExpirationOf(rule: XmlElement): Pick<LifecycleRule, 'expiration'> {
  const expiration = childOf(rule, 'Expiration');
  if (expiration === undefined) return {};
  const days = lifecycleIntegerOf(expiration, 'Days');
  const date = textOf(expiration, 'Date');
  const marker = booleanOf(expiration, 'ExpiredObjectDeleteMarker');
  return {
    expiration: {
      ...(days === undefined ? {} : { days }),
      ...(date === undefined ? {} : { dateMs: lifecycleDateOf(date) }),
      ...(marker === undefined ? {} : { expiredObjectDeleteMarker: marker }),
    },
  };
}
