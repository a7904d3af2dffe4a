/**
 * S3 response documents, written by a tiny escaping XML builder (no DOM), in the S3 namespace
 * `http://s3.amazonaws.com/doc/2006-03-01/`, element order as Amazon S3 answers. Times are Unix
 * milliseconds, written ISO 8601 with milliseconds (`2009-10-12T17:50:30.000Z`); ETags are given
 * without quotes and written quoted; sizes are bytes. With `encodingType: 'url'` the listings
 * percent-encode keys, prefixes, delimiters and markers as S3 does ({@link s3UrlEncode}).
 *
 * Request bodies are read in `s3-xml-parse.ts`.
 */
import { compareUtf8 } from './object-metadata-index.js';
import type { AclGrant, ObjectOwnershipSetting } from './s3-acl.js';
import { publicAccessBlockElements, type PublicAccessBlock } from './s3-public-access-block.js';
import type { CorsRule } from './s3-cors.js';
import type { LifecycleRule } from './s3-lifecycle.js';
import { escapeXmlText } from './s3-errors.js';
import type { S3EncodingType } from './s3-endpoint.js';
import { s3ChecksumAlgorithms, type S3ChecksumAlgorithm, type S3Checksums, type S3Tag, type S3VersioningStatus } from './s3-xml-parse.js';

/** The namespace of every S3 response document. */
export const s3XmlNamespace = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A child of an element: an element, text, a number or boolean (written as text), or nothing. */
export type XmlChild = XmlElement | string | number | boolean | undefined | null;

/** An element of the builder. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlChild[];
}

/** An element without attributes; `undefined`/`null` children are skipped, arrays are spread. */
export function xmlElement(name: string, ...children: readonly (XmlChild | readonly XmlChild[])[]): XmlElement {
  return { name, attributes: {}, children: children.flat() };
}

/** An element with attributes. */
export function xmlElementWithAttributes(name: string, attributes: Readonly<Record<string, string>>, ...children: readonly (XmlChild | readonly XmlChild[])[]): XmlElement {
  return { name, attributes, children: children.flat() };
}

/** A leaf element, or nothing when `value` is undefined (for optional elements). */
function optional(name: string, value: string | number | boolean | undefined): XmlElement | undefined {
  return value === undefined ? undefined : xmlElement(name, value);
}

function renderElement(element: XmlElement, parts: string[]): void {
  let open = `<${element.name}`;
  for (const [name, value] of Object.entries(element.attributes)) open += ` ${name}="${escapeXmlText(value)}"`;
  // An empty string child is kept, so `<Prefix></Prefix>` and `<LocationConstraint/>` both exist.
  const children = element.children.filter((child) => child !== undefined && child !== null);
  if (children.length === 0) {
    parts.push(`${open}/>`);
    return;
  }
  parts.push(`${open}>`);
  for (const child of children) {
    if (typeof child === 'object' && child !== null) renderElement(child, parts);
    else parts.push(escapeXmlText(String(child)));
  }
  parts.push(`</${element.name}>`);
}

/** The document: XML declaration, a newline, then the root element. */
export function renderXmlDocument(root: XmlElement): string {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  renderElement(root, parts);
  return parts.join('');
}

function s3Document(rootName: string, ...children: readonly (XmlChild | readonly XmlChild[])[]): string {
  return renderXmlDocument(xmlElementWithAttributes(rootName, { xmlns: s3XmlNamespace }, ...children));
}

/** Text that is always present, possibly empty (`<Prefix></Prefix>`), unlike {@link optional}. */
function textElement(name: string, value: string | number | boolean): XmlElement {
  return xmlElement(name, value);
}

const urlUnreserved = /[A-Za-z0-9\-_.*/]/;
const utf8Encoder = new TextEncoder();

/**
 * Percent-encoding of `encoding-type=url` listings: UTF-8 bytes, letters, digits and `- _ . * /`
 * kept, everything else `%XX`, space included (`%20`, as ceph/s3-tests
 * test_bucket_list[v2]_encoding_basic expect): every client decoder, `unquote` or
 * `unquote_plus`, reads `%20` back as a space, while a `+` survives only `unquote_plus`.
 */
export function s3UrlEncode(text: string): string {
  let encoded = '';
  for (const character of text) {
    if (urlUnreserved.test(character)) encoded += character;
    else for (const byte of utf8Encoder.encode(character)) encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

function encodeName(value: string | undefined, encodingType: S3EncodingType | undefined): string | undefined {
  return value === undefined || encodingType !== 'url' ? value : s3UrlEncode(value);
}

/** `<Delimiter>` only for a non-empty delimiter: S3 leaves an empty `delimiter=` out of the result. */
function delimiterElement(delimiter: string | undefined, encodingType: S3EncodingType | undefined): XmlElement | undefined {
  return delimiter === undefined || delimiter === '' ? undefined : xmlElement('Delimiter', encodeName(delimiter, encodingType) ?? '');
}

/** S3 time: ISO 8601 UTC with milliseconds. */
export function s3TimeText(timeMs: number): string {
  return new Date(timeMs).toISOString();
}

/** An ETag as S3 writes it: in double quotes (added unless already there). */
export function quoteEtag(etag: string): string {
  return etag.startsWith('"') && etag.endsWith('"') && etag.length >= 2 ? etag : `"${etag}"`;
}

/** The owner of buckets and objects (`ID`, and `DisplayName` when it is given). */
export interface S3Owner {
  readonly id: string;
  readonly displayName?: string;
}

function ownerElement(name: string, owner: S3Owner | undefined): XmlElement | undefined {
  return owner === undefined ? undefined : xmlElement(name, xmlElement('ID', owner.id), optional('DisplayName', owner.displayName));
}

function checksumElements(checksums: S3Checksums | undefined, checksumType?: S3ChecksumType): XmlElement[] {
  const elements: XmlElement[] = [];
  for (const algorithm of s3ChecksumAlgorithms) {
    const value = checksums?.[algorithm];
    if (value !== undefined) elements.push(xmlElement(`Checksum${algorithm}`, value));
  }
  if (checksumType !== undefined) elements.push(xmlElement('ChecksumType', checksumType));
  return elements;
}

/** `COMPOSITE` (checksum of part checksums) or `FULL_OBJECT`. */
export type S3ChecksumType = 'COMPOSITE' | 'FULL_OBJECT';

function commonPrefixElements(commonPrefixes: readonly string[], encodingType: S3EncodingType | undefined): XmlElement[] {
  return commonPrefixes.map((prefix) => xmlElement('CommonPrefixes', textElement('Prefix', encodeName(prefix, encodingType) ?? '')));
}

/** One bucket of ListBuckets. */
export interface S3BucketEntry {
  readonly name: string;
  readonly creationDateMs: number;
  readonly region?: string;
}

/** ListAllMyBucketsResult (S3 API reference, ListBuckets). */
export function renderListAllMyBucketsResult(result: {
  readonly owner: S3Owner;
  readonly buckets: readonly S3BucketEntry[];
  readonly continuationToken?: string;
  readonly prefix?: string;
}): string {
  return s3Document(
    'ListAllMyBucketsResult',
    ownerElement('Owner', result.owner),
    xmlElement(
      'Buckets',
      result.buckets.map((bucket) =>
        xmlElement('Bucket', xmlElement('Name', bucket.name), xmlElement('CreationDate', s3TimeText(bucket.creationDateMs)), optional('BucketRegion', bucket.region)),
      ),
    ),
    optional('ContinuationToken', result.continuationToken),
    optional('Prefix', result.prefix),
  );
}

/** LocationConstraint (GetBucketLocation): empty for `us-east-1`, as S3 answers. */
export function renderLocationConstraint(region: string): string {
  return s3Document('LocationConstraint', region === 'us-east-1' ? undefined : region);
}

/** One object of a listing. */
export interface S3ObjectEntry {
  readonly key: string;
  readonly lastModifiedMs: number;
  /** Without quotes. */
  readonly etag: string;
  readonly sizeBytes: number;
  /** Default `STANDARD`. */
  readonly storageClass?: string;
  /** Written when given: always in v1, with `fetch-owner=true` in v2. */
  readonly owner?: S3Owner;
  readonly checksumAlgorithms?: readonly S3ChecksumAlgorithm[];
  readonly checksumType?: S3ChecksumType;
}

function contentsElement(entry: S3ObjectEntry, encodingType: S3EncodingType | undefined): XmlElement {
  return xmlElement(
    'Contents',
    xmlElement('Key', encodeName(entry.key, encodingType) ?? ''),
    xmlElement('LastModified', s3TimeText(entry.lastModifiedMs)),
    xmlElement('ETag', quoteEtag(entry.etag)),
    (entry.checksumAlgorithms ?? []).map((algorithm) => xmlElement('ChecksumAlgorithm', algorithm)),
    optional('ChecksumType', entry.checksumType),
    xmlElement('Size', entry.sizeBytes),
    ownerElement('Owner', entry.owner),
    xmlElement('StorageClass', entry.storageClass ?? 'STANDARD'),
  );
}

/** What both ListObjects versions share. */
interface ListBucketResultCommon {
  readonly bucket: string;
  readonly prefix: string | undefined;
  readonly delimiter: string | undefined;
  readonly maxKeys: number;
  readonly encodingType: S3EncodingType | undefined;
  readonly isTruncated: boolean;
  readonly contents: readonly S3ObjectEntry[];
  readonly commonPrefixes: readonly string[];
}

/**
 * ListBucketResult of ListObjects (v1). `nextMarker` is written when given (S3 gives it with a
 * delimiter). v1 echoes `Prefix` as sent, not url-encoded (botocore decodes it in v2 only, and
 * ceph/s3-tests test_bucket_list_prefix_unreadable reads it back raw).
 */
export function renderListObjectsResult(result: ListBucketResultCommon & { readonly marker: string | undefined; readonly nextMarker: string | undefined }): string {
  const encodingType = result.encodingType;
  return s3Document(
    'ListBucketResult',
    xmlElement('Name', result.bucket),
    textElement('Prefix', result.prefix ?? ''),
    textElement('Marker', encodeName(result.marker, encodingType) ?? ''),
    optional('NextMarker', encodeName(result.nextMarker, encodingType)),
    xmlElement('MaxKeys', result.maxKeys),
    delimiterElement(result.delimiter, encodingType),
    optional('EncodingType', encodingType),
    xmlElement('IsTruncated', result.isTruncated),
    result.contents.map((entry) => contentsElement(entry, encodingType)),
    commonPrefixElements(result.commonPrefixes, encodingType),
  );
}

/** ListBucketResult of ListObjectsV2; `KeyCount` is contents plus common prefixes. */
export function renderListObjectsV2Result(
  result: ListBucketResultCommon & {
    readonly continuationToken: string | undefined;
    readonly nextContinuationToken: string | undefined;
    readonly startAfter: string | undefined;
  },
): string {
  const encodingType = result.encodingType;
  return s3Document(
    'ListBucketResult',
    xmlElement('Name', result.bucket),
    textElement('Prefix', encodeName(result.prefix, encodingType) ?? ''),
    optional('ContinuationToken', result.continuationToken),
    optional('NextContinuationToken', result.nextContinuationToken),
    optional('StartAfter', encodeName(result.startAfter, encodingType)),
    xmlElement('KeyCount', result.contents.length + result.commonPrefixes.length),
    xmlElement('MaxKeys', result.maxKeys),
    delimiterElement(result.delimiter, encodingType),
    optional('EncodingType', encodingType),
    xmlElement('IsTruncated', result.isTruncated),
    result.contents.map((entry) => contentsElement(entry, encodingType)),
    commonPrefixElements(result.commonPrefixes, encodingType),
  );
}

/** One entry of ListObjectVersions: a version or a delete marker. `versionId` is `null` for unversioned. */
export type S3VersionEntry =
  | ({ readonly kind: 'version'; readonly versionId: string; readonly isLatest: boolean } & S3ObjectEntry)
  | {
      readonly kind: 'deleteMarker';
      readonly key: string;
      readonly versionId: string;
      readonly isLatest: boolean;
      readonly lastModifiedMs: number;
      readonly owner?: S3Owner;
    };

function versionElement(entry: S3VersionEntry, encodingType: S3EncodingType | undefined): XmlElement {
  const head = [
    xmlElement('Key', encodeName(entry.key, encodingType) ?? ''),
    xmlElement('VersionId', entry.versionId),
    xmlElement('IsLatest', entry.isLatest),
    xmlElement('LastModified', s3TimeText(entry.lastModifiedMs)),
  ];
  if (entry.kind === 'deleteMarker') return xmlElement('DeleteMarker', head, ownerElement('Owner', entry.owner));
  return xmlElement(
    'Version',
    head,
    xmlElement('ETag', quoteEtag(entry.etag)),
    (entry.checksumAlgorithms ?? []).map((algorithm) => xmlElement('ChecksumAlgorithm', algorithm)),
    optional('ChecksumType', entry.checksumType),
    xmlElement('Size', entry.sizeBytes),
    xmlElement('StorageClass', entry.storageClass ?? 'STANDARD'),
    ownerElement('Owner', entry.owner),
  );
}

/** ListVersionsResult (ListObjectVersions); entries in key order, newest version first per key. */
export function renderListVersionsResult(result: {
  readonly bucket: string;
  readonly prefix: string | undefined;
  readonly keyMarker: string | undefined;
  readonly versionIdMarker: string | undefined;
  readonly nextKeyMarker: string | undefined;
  readonly nextVersionIdMarker: string | undefined;
  readonly delimiter: string | undefined;
  readonly maxKeys: number;
  readonly encodingType: S3EncodingType | undefined;
  readonly isTruncated: boolean;
  readonly entries: readonly S3VersionEntry[];
  readonly commonPrefixes: readonly string[];
}): string {
  const encodingType = result.encodingType;
  return s3Document(
    'ListVersionsResult',
    xmlElement('Name', result.bucket),
    textElement('Prefix', encodeName(result.prefix, encodingType) ?? ''),
    textElement('KeyMarker', encodeName(result.keyMarker, encodingType) ?? ''),
    textElement('VersionIdMarker', result.versionIdMarker ?? ''),
    optional('NextKeyMarker', encodeName(result.nextKeyMarker, encodingType)),
    optional('NextVersionIdMarker', result.nextVersionIdMarker),
    xmlElement('MaxKeys', result.maxKeys),
    delimiterElement(result.delimiter, encodingType),
    optional('EncodingType', encodingType),
    xmlElement('IsTruncated', result.isTruncated),
    result.entries.map((entry) => versionElement(entry, encodingType)),
    commonPrefixElements(result.commonPrefixes, encodingType),
  );
}

/** InitiateMultipartUploadResult (CreateMultipartUpload). */
export function renderInitiateMultipartUploadResult(result: { readonly bucket: string; readonly key: string; readonly uploadId: string }): string {
  return s3Document('InitiateMultipartUploadResult', xmlElement('Bucket', result.bucket), xmlElement('Key', result.key), xmlElement('UploadId', result.uploadId));
}

/** CompleteMultipartUploadResult; `location` is the object's URL. */
export function renderCompleteMultipartUploadResult(result: {
  readonly location: string;
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  readonly checksums?: S3Checksums;
  readonly checksumType?: S3ChecksumType;
}): string {
  return s3Document(
    'CompleteMultipartUploadResult',
    xmlElement('Location', result.location),
    xmlElement('Bucket', result.bucket),
    xmlElement('Key', result.key),
    xmlElement('ETag', quoteEtag(result.etag)),
    checksumElements(result.checksums, result.checksumType),
  );
}

/** One part of ListParts. */
export interface S3PartEntry {
  readonly partNumber: number;
  readonly lastModifiedMs: number;
  readonly etag: string;
  readonly sizeBytes: number;
  readonly checksums?: S3Checksums;
}

/** ListPartsResult. */
export function renderListPartsResult(result: {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly partNumberMarker: number;
  readonly nextPartNumberMarker: number | undefined;
  readonly maxParts: number;
  readonly isTruncated: boolean;
  readonly parts: readonly S3PartEntry[];
  readonly initiator: S3Owner;
  readonly owner: S3Owner;
  readonly storageClass?: string;
  readonly checksumAlgorithm?: S3ChecksumAlgorithm;
  readonly checksumType?: S3ChecksumType;
}): string {
  return s3Document(
    'ListPartsResult',
    xmlElement('Bucket', result.bucket),
    xmlElement('Key', result.key),
    xmlElement('UploadId', result.uploadId),
    xmlElement('PartNumberMarker', result.partNumberMarker),
    optional('NextPartNumberMarker', result.nextPartNumberMarker),
    xmlElement('MaxParts', result.maxParts),
    xmlElement('IsTruncated', result.isTruncated),
    result.parts.map((part) =>
      xmlElement(
        'Part',
        xmlElement('PartNumber', part.partNumber),
        xmlElement('LastModified', s3TimeText(part.lastModifiedMs)),
        xmlElement('ETag', quoteEtag(part.etag)),
        xmlElement('Size', part.sizeBytes),
        checksumElements(part.checksums),
      ),
    ),
    ownerElement('Initiator', result.initiator),
    ownerElement('Owner', result.owner),
    xmlElement('StorageClass', result.storageClass ?? 'STANDARD'),
    optional('ChecksumAlgorithm', result.checksumAlgorithm),
    optional('ChecksumType', result.checksumType),
  );
}

/** One upload of ListMultipartUploads. */
export interface S3UploadEntry {
  readonly key: string;
  readonly uploadId: string;
  readonly initiatedMs: number;
  readonly initiator: S3Owner;
  readonly owner: S3Owner;
  readonly storageClass?: string;
  readonly checksumAlgorithm?: S3ChecksumAlgorithm;
}

/** ListMultipartUploadsResult. */
export function renderListMultipartUploadsResult(result: {
  readonly bucket: string;
  readonly keyMarker: string | undefined;
  readonly uploadIdMarker: string | undefined;
  readonly nextKeyMarker: string | undefined;
  readonly nextUploadIdMarker: string | undefined;
  readonly prefix: string | undefined;
  readonly delimiter: string | undefined;
  readonly maxUploads: number;
  readonly encodingType: S3EncodingType | undefined;
  readonly isTruncated: boolean;
  readonly uploads: readonly S3UploadEntry[];
  readonly commonPrefixes: readonly string[];
}): string {
  const encodingType = result.encodingType;
  return s3Document(
    'ListMultipartUploadsResult',
    xmlElement('Bucket', result.bucket),
    textElement('KeyMarker', encodeName(result.keyMarker, encodingType) ?? ''),
    textElement('UploadIdMarker', result.uploadIdMarker ?? ''),
    optional('NextKeyMarker', encodeName(result.nextKeyMarker, encodingType)),
    optional('NextUploadIdMarker', result.nextUploadIdMarker),
    optional('Prefix', encodeName(result.prefix, encodingType)),
    delimiterElement(result.delimiter, encodingType),
    xmlElement('MaxUploads', result.maxUploads),
    optional('EncodingType', encodingType),
    xmlElement('IsTruncated', result.isTruncated),
    result.uploads.map((upload) =>
      xmlElement(
        'Upload',
        xmlElement('Key', encodeName(upload.key, encodingType) ?? ''),
        xmlElement('UploadId', upload.uploadId),
        ownerElement('Initiator', upload.initiator),
        ownerElement('Owner', upload.owner),
        xmlElement('StorageClass', upload.storageClass ?? 'STANDARD'),
        xmlElement('Initiated', s3TimeText(upload.initiatedMs)),
        optional('ChecksumAlgorithm', upload.checksumAlgorithm),
      ),
    ),
    commonPrefixElements(result.commonPrefixes, encodingType),
  );
}

/** CopyObjectResult (CopyObject) or CopyPartResult (UploadPartCopy). */
export function renderCopyResult(
  rootName: 'CopyObjectResult' | 'CopyPartResult',
  result: { readonly etag: string; readonly lastModifiedMs: number; readonly checksums?: S3Checksums; readonly checksumType?: S3ChecksumType },
): string {
  return s3Document(
    rootName,
    xmlElement('LastModified', s3TimeText(result.lastModifiedMs)),
    xmlElement('ETag', quoteEtag(result.etag)),
    checksumElements(result.checksums, rootName === 'CopyObjectResult' ? result.checksumType : undefined),
  );
}

/** One successful deletion of DeleteObjects. */
export interface S3DeletedEntry {
  readonly key: string;
  readonly versionId?: string;
  /** True when the deletion created or removed a delete marker. */
  readonly deleteMarker?: boolean;
  readonly deleteMarkerVersionId?: string;
}

/** One failed deletion of DeleteObjects, with its S3 error code and message. */
export interface S3DeleteErrorEntry {
  readonly key: string;
  readonly versionId?: string;
  readonly code: string;
  readonly message: string;
}

/** DeleteResult; in quiet mode only the errors are written (S3 API reference, DeleteObjects). */
export function renderDeleteResult(result: { readonly quiet: boolean; readonly deleted: readonly S3DeletedEntry[]; readonly errors: readonly S3DeleteErrorEntry[] }): string {
  return s3Document(
    'DeleteResult',
    result.quiet
      ? []
      : result.deleted.map((entry) =>
          xmlElement(
            'Deleted',
            xmlElement('Key', entry.key),
            optional('VersionId', entry.versionId),
            optional('DeleteMarker', entry.deleteMarker),
            optional('DeleteMarkerVersionId', entry.deleteMarkerVersionId),
          ),
        ),
    result.errors.map((entry) =>
      xmlElement('Error', xmlElement('Key', entry.key), optional('VersionId', entry.versionId), xmlElement('Code', entry.code), xmlElement('Message', entry.message)),
    ),
  );
}

/** One part of a multipart object in GetObjectAttributes. */
export interface S3ObjectPartEntry {
  readonly partNumber: number;
  readonly sizeBytes: number;
  readonly checksums?: S3Checksums;
}

/**
 * GetObjectAttributesResponse (S3 API reference, GetObjectAttributes): the asked attributes only;
 * the ETag unquoted; ObjectParts only for a multipart object, paged by part number.
 */
export function renderGetObjectAttributesResult(result: {
  readonly etag?: string;
  readonly checksums?: S3Checksums;
  readonly checksumType?: S3ChecksumType;
  readonly parts?: {
    readonly partsCount: number;
    readonly partNumberMarker: number;
    readonly nextPartNumberMarker: number | undefined;
    readonly maxParts: number;
    readonly isTruncated: boolean;
    readonly parts: readonly S3ObjectPartEntry[];
  };
  readonly storageClass?: string;
  readonly sizeBytes?: number;
}): string {
  const { parts } = result;
  return s3Document(
    'GetObjectAttributesResponse',
    optional('ETag', result.etag === undefined ? undefined : result.etag.replace(/^"(.*)"$/, '$1')),
    result.checksums === undefined ? undefined : xmlElement('Checksum', checksumElements(result.checksums, result.checksumType)),
    parts === undefined
      ? undefined
      : xmlElement(
          'ObjectParts',
          xmlElement('PartsCount', parts.partsCount),
          xmlElement('PartNumberMarker', parts.partNumberMarker),
          optional('NextPartNumberMarker', parts.nextPartNumberMarker),
          xmlElement('MaxParts', parts.maxParts),
          xmlElement('IsTruncated', parts.isTruncated),
          parts.parts.map((part) => xmlElement('Part', xmlElement('PartNumber', part.partNumber), xmlElement('Size', part.sizeBytes), checksumElements(part.checksums))),
        ),
    optional('StorageClass', result.storageClass),
    optional('ObjectSize', result.sizeBytes),
  );
}

/** Tagging (GetObjectTagging, GetBucketTagging). */
export function renderTagging(tags: readonly S3Tag[]): string {
  // A tag set is a set: listed by key (ceph/s3-tests test_put_obj_with_tags puts `foo=bar&bar`, reads bar then foo).
  const byKey = [...tags].sort((left, right) => compareUtf8(left.key, right.key));
  return s3Document('Tagging', xmlElement('TagSet', byKey.map((tag) => xmlElement('Tag', xmlElement('Key', tag.key), textElement('Value', tag.value)))));
}

/** VersioningConfiguration (GetBucketVersioning): no Status when versioning was never enabled. */
export function renderVersioningConfiguration(status: S3VersioningStatus | undefined, mfaDelete?: 'Enabled' | 'Disabled'): string {
  return s3Document('VersioningConfiguration', optional('Status', status), optional('MfaDelete', mfaDelete));
}

const xmlSchemaInstance = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * GetBucketAcl / GetObjectAcl: the owner and the grants. A canonical user grantee gets its
 * DisplayName when `displayNameOf` knows it (the keys' ids are their display names).
 */
export function renderAccessControlPolicy(result: { readonly owner: S3Owner; readonly grants: readonly AclGrant[]; readonly displayNameOf: (canonicalId: string) => string | undefined }): string {
  return s3Document(
    'AccessControlPolicy',
    ownerElement('Owner', result.owner),
    xmlElement(
      'AccessControlList',
      result.grants.map((grant) =>
        xmlElement(
          'Grant',
          grant.grantee.type === 'CanonicalUser'
            ? xmlElementWithAttributes(
                'Grantee',
                { 'xmlns:xsi': xmlSchemaInstance, 'xsi:type': 'CanonicalUser' },
                xmlElement('ID', grant.grantee.id),
                optional('DisplayName', result.displayNameOf(grant.grantee.id)),
              )
            : xmlElementWithAttributes('Grantee', { 'xmlns:xsi': xmlSchemaInstance, 'xsi:type': 'Group' }, xmlElement('URI', grant.grantee.uri)),
          xmlElement('Permission', grant.permission),
        ),
      ),
    ),
  );
}

/** GetBucketOwnershipControls: one rule. */
export function renderOwnershipControls(ownership: Exclude<ObjectOwnershipSetting, 'NotSet'>): string {
  return s3Document('OwnershipControls', xmlElement('Rule', xmlElement('ObjectOwnership', ownership)));
}

/** GetPublicAccessBlock: the four settings. */
export function renderPublicAccessBlockConfiguration(settings: PublicAccessBlock): string {
  return s3Document('PublicAccessBlockConfiguration', publicAccessBlockElements.map(([element, field]) => xmlElement(element, settings[field])));
}

/** GetBucketPolicyStatus: whether the bucket's policy is public. */
export function renderPolicyStatus(isPublic: boolean): string {
  return s3Document('PolicyStatus', xmlElement('IsPublic', isPublic));
}

/** GetBucketCors: the rules as stored, elements in S3's order. */
export function renderCorsConfiguration(rules: readonly CorsRule[]): string {
  return s3Document(
    'CORSConfiguration',
    rules.map((rule) =>
      xmlElement(
        'CORSRule',
        optional('ID', rule.id),
        rule.allowedHeaders.map((header) => xmlElement('AllowedHeader', header)),
        rule.allowedMethods.map((method) => xmlElement('AllowedMethod', method)),
        rule.allowedOrigins.map((origin) => xmlElement('AllowedOrigin', origin)),
        rule.exposeHeaders.map((header) => xmlElement('ExposeHeader', header)),
        optional('MaxAgeSeconds', rule.maxAgeSeconds),
      ),
    ),
  );
}


/** GetBucketLifecycleConfiguration: the rules as put (the filter in the form it was written), elements in S3's order. */
export function renderLifecycleConfiguration(rules: readonly LifecycleRule[]): string {
  return s3Document(
    'LifecycleConfiguration',
    rules.map((rule) =>
      xmlElement(
        'Rule',
        xmlElement('ID', rule.id),
        renderLifecycleFilter(rule),
        xmlElement('Status', rule.status),
        rule.expiration === undefined
          ? undefined
          : xmlElement(
              'Expiration',
              optional('Date', rule.expiration.dateMs === undefined ? undefined : new Date(rule.expiration.dateMs).toISOString()),
              optional('Days', rule.expiration.days),
              optional('ExpiredObjectDeleteMarker', rule.expiration.expiredObjectDeleteMarker),
            ),
        rule.noncurrentVersionExpiration === undefined
          ? undefined
          : xmlElement(
              'NoncurrentVersionExpiration',
              xmlElement('NoncurrentDays', rule.noncurrentVersionExpiration.noncurrentDays),
              optional('NewerNoncurrentVersions', rule.noncurrentVersionExpiration.newerNoncurrentVersions),
            ),
        rule.abortIncompleteMultipartUploadDays === undefined
          ? undefined
          : xmlElement('AbortIncompleteMultipartUpload', xmlElement('DaysAfterInitiation', rule.abortIncompleteMultipartUploadDays)),
      ),
    ),
  );
}

function renderLifecycleFilter(rule: LifecycleRule): XmlElement {
  const { filter } = rule;
  if (rule.filterForm === 'Prefix') return textElement('Prefix', filter.prefix ?? '');
  const conditions = [
    filter.prefix === undefined ? undefined : textElement('Prefix', filter.prefix),
    filter.tags.map((tag) => xmlElement('Tag', xmlElement('Key', tag.key), textElement('Value', tag.value))),
    optional('ObjectSizeGreaterThan', filter.objectSizeGreaterThanBytes),
    optional('ObjectSizeLessThan', filter.objectSizeLessThanBytes),
  ];
  return rule.filterForm === 'And' ? xmlElement('Filter', xmlElement('And', ...conditions)) : xmlElement('Filter', ...conditions);
}
