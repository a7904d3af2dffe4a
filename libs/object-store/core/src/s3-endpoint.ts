/**
 * S3 request routing: one HTTP request head in, one {@link S3Endpoint} out.
 *
 * The bucket comes from the `Host` header (virtual-host style, `bucket.<domain>` for a configured
 * domain) or from the first path segment (path style); the rest of the path, percent-decoded, is the
 * key (`+` is a literal plus in paths, a space only in the query). The operation is chosen by one table
 * ({@link s3Routes}) keyed by method, target (service, bucket or object) and the sub-resource keyword
 * of the query (`?uploads`, `?tagging`, ...), with a guard for the few operations told apart by a
 * parameter or a header (`uploadId`, `partNumber`, `list-type`, `x-amz-copy-source`). Operations this
 * server does not implement still get their S3 name, in a `NotImplemented` endpoint. See
 * deuxfleurs-org/garage src/api/s3/router.rs (`Endpoint::from_request`) and api_server.rs.
 *
 * Pure: no clock, no I/O. Every failure is an {@link S3Error} with Amazon's code.
 */
import { splitQuery, type RawQueryParameter } from '@objectbox/security-core';
import { assert } from '@objectbox/util';
import { S3Error, s3Errors } from './s3-errors.js';

/** Longest object key, UTF-8 bytes (S3 user guide, "Naming Amazon S3 objects"). */
export const s3KeySizeBytesMax = 1024;
/** Default and largest page of ListObjects, ListObjectVersions, ListMultipartUploads and ListParts. */
export const s3ListMaxKeysDefault = 1000;
/** Largest part number (and part count) of a multipart upload. */
export const s3PartNumberMax = 10000;
/** Largest `max-buckets` of ListBuckets. */
export const s3ListBucketsMaxBucketsMax = 10000;
/** Most query parameters one request may carry (empty pieces not counted); more is refused before any is decoded. */
export const s3QueryParameterCountMax = 128;

/** The parts of an HTTP request head that routing reads. */
export interface S3RequestHead {
  /** The HTTP method, upper case (`GET`, `PUT`, ...). */
  readonly method: string;
  /** The request-target as received (`/bucket/key?query`), raw: not decoded. Absolute form is accepted. */
  readonly target: string;
  /** Header values by lower-case name, as node's `IncomingMessage.headers`. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/**
 * A request-target split once per request: the raw path and the query's parameters, still
 * percent-encoded. Routing ({@link parseS3Request}) and SigV4 verification (s3-request-auth.ts)
 * both read it, each decoding what it needs by its own rules, so neither splits the query again.
 */
export interface S3RequestTarget {
  /** Percent-encoded, without the query; `/`-rooted unless the target was malformed (routing refuses it). */
  readonly path: string;
  readonly query: readonly RawQueryParameter[];
}

/**
 * Splits a request-target (origin or absolute form) into its path and query parameters. A fragment
 * (`#...`, which clients never send) is dropped, for routing and signature alike. Never throws: a
 * malformed target is refused by routing, after authentication has had its say.
 */
export function splitS3RequestTarget(target: string): S3RequestTarget {
  let origin = target;
  if (!origin.startsWith('/')) {
    const absolute = /^https?:\/\/[^/?#]*/i.exec(origin);
    if (absolute !== null) origin = origin.slice(absolute[0].length) || '/';
  }
  const hash = origin.indexOf('#');
  if (hash >= 0) origin = origin.slice(0, hash);
  const question = origin.indexOf('?');
  return question < 0 ? { path: origin, query: [] } : { path: origin.slice(0, question), query: splitQuery(origin.slice(question + 1)) };
}

/** Routing configuration. */
export interface S3EndpointConfig {
  /**
   * Domains under which `bucket.<domain>` names a bucket (virtual-host style), e.g.
   * `['s3.example.com', 'localhost']`; lower case, without port. A `Host` equal to a domain, or
   * matching none, is path style.
   */
  readonly virtualHostDomains: readonly string[];
}

/** `encoding-type=url` asks for percent-encoded keys and prefixes in listings. */
export type S3EncodingType = 'url';

/** Bucket-level endpoints carry the bucket name. */
interface OnBucket {
  readonly bucket: string;
}
/** Object-level endpoints carry the decoded key (1..1024 UTF-8 bytes). */
interface OnObject extends OnBucket {
  readonly key: string;
}
/** Shared parameters of the listings. */
interface ListingParameters {
  readonly prefix: string | undefined;
  readonly delimiter: string | undefined;
  readonly encodingType: S3EncodingType | undefined;
}

/** A parsed `x-amz-copy-source`: source bucket, decoded key, optional version. */
export interface S3CopySource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
}

/** `x-amz-copy-source-range: bytes=first-last`, inclusive zero-based byte offsets. */
export interface S3ByteRangeInclusive {
  readonly first: number;
  readonly last: number;
}

/** `response-*` query overrides of GetObject/HeadObject, by lower-case response header name. */
export type S3ResponseHeaderOverrides = Readonly<Partial<Record<(typeof responseOverrideHeaders)[number], string>>>;

const responseOverrideHeaders = [
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-type',
  'expires',
] as const;

/**
 * One member per S3 operation, with its parameters parsed and typed. Page sizes are the values the
 * client asked for (default {@link s3ListMaxKeysDefault}); the listing clamps them to its own maximum.
 */
export type S3Endpoint =
  | {
      readonly operation: 'ListBuckets';
      readonly prefix: string | undefined;
      readonly continuationToken: string | undefined;
      readonly maxBuckets: number | undefined;
      readonly bucketRegion: string | undefined;
    }
  | ({ readonly operation: 'CreateBucket' } & OnBucket)
  | ({ readonly operation: 'HeadBucket' } & OnBucket)
  | ({ readonly operation: 'DeleteBucket' } & OnBucket)
  | ({ readonly operation: 'GetBucketLocation' } & OnBucket)
  | ({ readonly operation: 'GetBucketVersioning' } & OnBucket)
  | ({ readonly operation: 'PutBucketVersioning' } & OnBucket)
  | ({ readonly operation: 'GetBucketTagging' } & OnBucket)
  | ({ readonly operation: 'PutBucketTagging' } & OnBucket)
  | ({ readonly operation: 'DeleteBucketTagging' } & OnBucket)
  | ({ readonly operation: 'GetBucketPolicy' } & OnBucket)
  | ({ readonly operation: 'PutBucketPolicy' } & OnBucket)
  | ({ readonly operation: 'DeleteBucketPolicy' } & OnBucket)
  | ({ readonly operation: 'GetBucketAcl' } & OnBucket)
  | ({ readonly operation: 'PutBucketAcl' } & OnBucket)
  | ({ readonly operation: 'GetBucketOwnershipControls' } & OnBucket)
  | ({ readonly operation: 'PutBucketOwnershipControls' } & OnBucket)
  | ({ readonly operation: 'DeleteBucketOwnershipControls' } & OnBucket)
  | ({ readonly operation: 'GetPublicAccessBlock' } & OnBucket)
  | ({ readonly operation: 'PutPublicAccessBlock' } & OnBucket)
  | ({ readonly operation: 'DeletePublicAccessBlock' } & OnBucket)
  | ({ readonly operation: 'GetBucketCors' } & OnBucket)
  | ({ readonly operation: 'PutBucketCors' } & OnBucket)
  | ({ readonly operation: 'DeleteBucketCors' } & OnBucket)
  | ({ readonly operation: 'GetBucketLifecycleConfiguration' } & OnBucket)
  | ({ readonly operation: 'PutBucketLifecycleConfiguration' } & OnBucket)
  | ({ readonly operation: 'DeleteBucketLifecycle' } & OnBucket)
  /** An `OPTIONS` request: a browser's CORS preflight, answered without authentication. */
  | { readonly operation: 'CorsPreflight'; readonly bucket: string | undefined; readonly key: string | undefined }
  | ({ readonly operation: 'GetBucketPolicyStatus' } & OnBucket)
  | ({ readonly operation: 'GetObjectAcl'; readonly versionId: string | undefined } & OnObject)
  | ({ readonly operation: 'PutObjectAcl'; readonly versionId: string | undefined } & OnObject)
  | ({ readonly operation: 'ListObjects'; readonly marker: string | undefined; readonly maxKeys: number } & OnBucket & ListingParameters)
  | ({
      readonly operation: 'ListObjectsV2';
      readonly continuationToken: string | undefined;
      readonly startAfter: string | undefined;
      readonly fetchOwner: boolean;
      readonly maxKeys: number;
    } & OnBucket &
      ListingParameters)
  | ({
      readonly operation: 'ListObjectVersions';
      readonly keyMarker: string | undefined;
      readonly versionIdMarker: string | undefined;
      readonly maxKeys: number;
    } & OnBucket &
      ListingParameters)
  | ({
      readonly operation: 'ListMultipartUploads';
      readonly keyMarker: string | undefined;
      readonly uploadIdMarker: string | undefined;
      readonly maxUploads: number;
    } & OnBucket &
      ListingParameters)
  | ({ readonly operation: 'DeleteObjects' } & OnBucket)
  /** A browser-based upload: the key, credentials and policy are form fields of the body. */
  | ({ readonly operation: 'PostObject' } & OnBucket)
  | ({ readonly operation: 'PutObject' } & OnObject)
  | ({ readonly operation: 'CopyObject'; readonly copySource: S3CopySource } & OnObject)
  | ({
      readonly operation: 'GetObject' | 'HeadObject';
      readonly versionId: string | undefined;
      readonly partNumber: number | undefined;
      readonly responseHeaders: S3ResponseHeaderOverrides;
    } & OnObject)
  | ({ readonly operation: 'DeleteObject'; readonly versionId: string | undefined } & OnObject)
  | ({
      readonly operation: 'GetObjectTagging' | 'PutObjectTagging' | 'DeleteObjectTagging';
      readonly versionId: string | undefined;
    } & OnObject)
  | ({
      readonly operation: 'GetObjectAttributes';
      readonly versionId: string | undefined;
      /** `x-amz-object-attributes`: which of ETag, Checksum, ObjectParts, StorageClass, ObjectSize. */
      readonly attributes: ReadonlySet<S3ObjectAttribute>;
      /** `x-amz-max-parts` (default 1000) and `x-amz-part-number-marker` (default 0) page ObjectParts. */
      readonly maxParts: number;
      readonly partNumberMarker: number;
    } & OnObject)
  | ({ readonly operation: 'CreateMultipartUpload' } & OnObject)
  | ({ readonly operation: 'UploadPart'; readonly uploadId: string; readonly partNumber: number } & OnObject)
  | ({
      readonly operation: 'UploadPartCopy';
      readonly uploadId: string;
      readonly partNumber: number;
      readonly copySource: S3CopySource;
      readonly copySourceRange: S3ByteRangeInclusive | undefined;
    } & OnObject)
  | ({ readonly operation: 'CompleteMultipartUpload' | 'AbortMultipartUpload'; readonly uploadId: string } & OnObject)
  | ({
      readonly operation: 'ListParts';
      readonly uploadId: string;
      readonly maxParts: number;
      readonly partNumberMarker: number | undefined;
    } & OnObject)
  | {
      /** A valid S3 request this server does not implement; answer `s3Errors.notImplemented(operationName)`. */
      readonly operation: 'NotImplemented';
      /** The S3 name of the operation, e.g. `GetBucketAcl`. */
      readonly operationName: string;
      readonly bucket: string | undefined;
      readonly key: string | undefined;
    };

/** The attributes GetObjectAttributes can return (S3 API reference, `x-amz-object-attributes`). */
export const s3ObjectAttributes = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'] as const;
export type S3ObjectAttribute = (typeof s3ObjectAttributes)[number];

/** The name of an S3 operation this server routes (including `NotImplemented`). */
export type S3Operation = S3Endpoint['operation'];

/** How a bucket name is checked: `create` applies all naming rules, `access` only rejects garbage. */
export type BucketNameCheck = 'create' | 'access';

const ipAddressLike = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const bucketNameCreatePattern = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Legacy (pre-2018 us-east-1) names: up to 255 of letters, digits, `.`, `-`, `_`. */
const bucketNameAccessPattern = /^[A-Za-z0-9._-]{1,255}$/;
const bucketNamePrefixesReserved = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const bucketNameSuffixesReserved = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/**
 * Checks a bucket name against the S3 general purpose bucket naming rules (S3 user guide, "Bucket
 * naming rules"): 3–63 characters of lower-case letters, digits, dots and hyphens, beginning and
 * ending with a letter or digit, no `..`, `.-` or `-.` (each dot-separated label is a DNS label,
 * which neither starts nor ends with a hyphen: ceph/s3-tests test_bucket_create_naming_dns_dot_dash
 * and _dash_dot), not an IPv4 address, none of the reserved prefixes
 * (`xn--`, `sthree-`, `amzn-s3-demo-`) or suffixes (`-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`,
 * `--table-s3`). With `access`, only names no bucket could ever have are refused, so that other
 * requests for a well-formed but missing bucket answer `NoSuchBucket`, as S3 does.
 * @throws S3Error `InvalidBucketName` with `<BucketName>`.
 */
export function validateBucketName(name: string, check: BucketNameCheck): void {
  if (!isBucketNameValid(name, check)) throw s3Errors.invalidBucketName(name);
}

function isBucketNameValid(name: string, check: BucketNameCheck): boolean {
  if (check === 'access') return bucketNameAccessPattern.test(name);
  return (
    bucketNameCreatePattern.test(name) &&
    !name.includes('..') &&
    !name.includes('.-') &&
    !name.includes('-.') &&
    !ipAddressLike.test(name) &&
    !bucketNamePrefixesReserved.some((prefix) => name.startsWith(prefix)) &&
    !bucketNameSuffixesReserved.some((suffix) => name.endsWith(suffix))
  );
}

/**
 * Checks an object key: at most {@link s3KeySizeBytesMax} UTF-8 bytes, no NUL (XML cannot carry it
 * in listings, and no file name can).
 * @throws S3Error `KeyTooLongError` with `<Size>`/`<MaxSizeAllowed>`; `InvalidArgument` for NUL.
 */
export function validateObjectKey(key: string): void {
  const sizeBytes = utf8SizeBytes(key);
  if (sizeBytes > s3KeySizeBytesMax) throw s3Errors.keyTooLong(sizeBytes, s3KeySizeBytesMax);
  if (key.includes('\u0000')) throw s3Errors.invalidArgument('key', key.replaceAll('\u0000', '\\0'), 'Object key must not contain the NUL character.');
}

/**
 * The values S3 defines for `x-amz-storage-class` (API reference, PutObject `StorageClass`). This
 * server keeps every object alike and lists it as STANDARD: a class S3 defines is accepted (as it
 * always was), anything else is refused as S3 refuses it.
 */
export const s3StorageClasses: ReadonlySet<string> = new Set([
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
  'FSX_OPENZFS',
  'FSX_ONTAP',
]);

/**
 * Checks an `x-amz-storage-class` header (absent is STANDARD). Case matters, as in S3.
 * @throws S3Error `InvalidStorageClass` (400) for a value S3 does not define.
 */
export function validateStorageClass(value: string | undefined): void {
  if (value !== undefined && !s3StorageClasses.has(value)) throw new S3Error('InvalidStorageClass');
}

function utf8SizeBytes(text: string): number {
  let sizeBytes = 0;
  for (let index = 0; index < text.length; index++) {
    const codeUnit = text.charCodeAt(index);
    if (codeUnit < 0x80) sizeBytes += 1;
    else if (codeUnit < 0x800) sizeBytes += 2;
    else if (codeUnit >= 0xd800 && codeUnit <= 0xdbff) {
      sizeBytes += 4;
      index++;
    } else sizeBytes += 3;
  }
  return sizeBytes;
}

/** Percent-decodes URI text as UTF-8; `+` stays `+` unless `plusIsSpace` (query strings). */
function percentDecode(text: string, plusIsSpace: boolean): string {
  // Most names and values have nothing to decode; decodeURIComponent and replaceAll on each of a
  // presigned URL's parameters were ~10 % of routing and authenticating a request.
  if (!text.includes('%') && !(plusIsSpace && text.includes('+'))) return text;
  try {
    return decodeURIComponent(plusIsSpace ? text.replaceAll('+', ' ') : text);
  } catch {
    throw new S3Error('InvalidURI');
  }
}

/** Decoded query parameters: first value of each name; a name without `=` has the value `''`. */
type QueryParameters = ReadonlyMap<string, string>;

function parseQuery(query: readonly RawQueryParameter[]): QueryParameters {
  const parameters = new Map<string, string>();
  if (query.length > s3QueryParameterCountMax) throw new S3Error('InvalidURI', { message: 'Too many query parameters.' });
  for (const { nameRaw, valueRaw } of query) {
    const name = percentDecode(nameRaw, true);
    const value = valueRaw === '' ? '' : percentDecode(valueRaw, true);
    if (parameters.has(name) && relevantParameterNames.has(name)) {
      throw s3Errors.invalidArgument(name, value, `Query parameter ${name} must not be repeated.`);
    }
    if (!parameters.has(name)) parameters.set(name, value);
  }
  return parameters;
}

/** Sub-resource keywords: a query parameter that selects the operation, whatever its value. */
const subresourceKeywords = new Set([
  'accelerate',
  'acl',
  'analytics',
  'attributes',
  'cors',
  'delete',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'location',
  'logging',
  'metadataConfiguration',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'renameObject',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'session',
  'tagging',
  'torrent',
  'uploads',
  'versioning',
  'versions',
  'website',
]);

const relevantParameterNames = new Set([
  ...subresourceKeywords,
  'bucket-region',
  'continuation-token',
  'delimiter',
  'encoding-type',
  'fetch-owner',
  'key-marker',
  'list-type',
  'marker',
  'max-buckets',
  'max-keys',
  'max-parts',
  'max-uploads',
  'part-number-marker',
  'partNumber',
  'prefix',
  'start-after',
  'upload-id-marker',
  'uploadId',
  'version-id-marker',
  'versionId',
]);

type RouteTarget = 'service' | 'bucket' | 'object';

/** What a route's guard and builder see. */
interface RouteContext {
  readonly bucket: string;
  readonly key: string;
  readonly query: QueryParameters;
  readonly headers: S3RequestHead['headers'];
}

/** One row of the routing table: first matching row wins, so guarded rows precede their fallback. */
interface Route {
  readonly method: string;
  readonly target: RouteTarget;
  /** The sub-resource keyword, or `''` for none. */
  readonly keyword: string;
  readonly when?: (context: RouteContext) => boolean;
  readonly build: (context: RouteContext) => S3Endpoint;
}

const has = (name: string) => (context: RouteContext) => context.query.has(name);
const hasHeader = (name: string) => (context: RouteContext) => requestHeaderValue(context.headers, name) !== undefined;

/** A route to an operation this server does not implement, named as S3 names it. */
function unimplemented(method: string, target: RouteTarget, keyword: string, operationName: string): Route {
  return {
    method,
    target,
    keyword,
    build: (context) => ({
      operation: 'NotImplemented',
      operationName,
      bucket: target === 'service' ? undefined : context.bucket,
      key: target === 'object' ? context.key : undefined,
    }),
  };
}

function unimplementedEach(target: RouteTarget, entries: readonly (readonly [string, string, string])[]): Route[] {
  return entries.map(([method, keyword, operationName]) => unimplemented(method, target, keyword, operationName));
}

/**
 * The routing table: every (method, target, keyword) S3 defines, implemented or not. Keep guarded rows
 * before the unguarded row of the same (method, target, keyword).
 */
export const s3Routes: readonly Route[] = [
  { method: 'GET', target: 'service', keyword: '', build: buildListBuckets },

  { method: 'PUT', target: 'bucket', keyword: '', build: (c) => ({ operation: 'CreateBucket', bucket: c.bucket }) },
  { method: 'HEAD', target: 'bucket', keyword: '', build: (c) => ({ operation: 'HeadBucket', bucket: c.bucket }) },
  { method: 'DELETE', target: 'bucket', keyword: '', build: (c) => ({ operation: 'DeleteBucket', bucket: c.bucket }) },
  { method: 'GET', target: 'bucket', keyword: 'location', build: (c) => ({ operation: 'GetBucketLocation', bucket: c.bucket }) },
  { method: 'GET', target: 'bucket', keyword: 'versioning', build: (c) => ({ operation: 'GetBucketVersioning', bucket: c.bucket }) },
  { method: 'PUT', target: 'bucket', keyword: 'versioning', build: (c) => ({ operation: 'PutBucketVersioning', bucket: c.bucket }) },
  { method: 'GET', target: 'bucket', keyword: 'tagging', build: (c) => ({ operation: 'GetBucketTagging', bucket: c.bucket }) },
  { method: 'PUT', target: 'bucket', keyword: 'tagging', build: (c) => ({ operation: 'PutBucketTagging', bucket: c.bucket }) },
  { method: 'DELETE', target: 'bucket', keyword: 'tagging', build: (c) => ({ operation: 'DeleteBucketTagging', bucket: c.bucket }) },
  { method: 'GET', target: 'bucket', keyword: 'policy', build: (c) => ({ operation: 'GetBucketPolicy', bucket: c.bucket }) },
  { method: 'PUT', target: 'bucket', keyword: 'policy', build: (c) => ({ operation: 'PutBucketPolicy', bucket: c.bucket }) },
  { method: 'DELETE', target: 'bucket', keyword: 'policy', build: (c) => ({ operation: 'DeleteBucketPolicy', bucket: c.bucket }) },
  { method: 'GET', target: 'bucket', keyword: 'acl', build: (c) => ({ operation: 'GetBucketAcl', bucket: c.bucket }) },
  { method: 'PUT', target: 'bucket', keyword: 'acl', build: (c) => ({ operation: 'PutBucketAcl', bucket: c.bucket }) },
  { method: 'GET', target: 'bucket', keyword: 'ownershipControls', build: (c) => ({ operation: 'GetBucketOwnershipControls', bucket: c.bucket }) },
  { method: 'PUT', target: 'bucket', keyword: 'ownershipControls', build: (c) => ({ operation: 'PutBucketOwnershipControls', bucket: c.bucket }) },
  { method: 'DELETE', target: 'bucket', keyword: 'ownershipControls', build: (c) => ({ operation: 'DeleteBucketOwnershipControls', bucket: c.bucket }) },
  { method: 'GET', target: 'bucket', keyword: 'publicAccessBlock', build: (c) => ({ operation: 'GetPublicAccessBlock', bucket: c.bucket }) },
  { method: 'PUT', target: 'bucket', keyword: 'publicAccessBlock', build: (c) => ({ operation: 'PutPublicAccessBlock', bucket: c.bucket }) },
  { method: 'DELETE', target: 'bucket', keyword: 'publicAccessBlock', build: (c) => ({ operation: 'DeletePublicAccessBlock', bucket: c.bucket }) },
  { method: 'GET', target: 'bucket', keyword: 'cors', build: (c) => ({ operation: 'GetBucketCors', bucket: c.bucket }) },
  { method: 'PUT', target: 'bucket', keyword: 'cors', build: (c) => ({ operation: 'PutBucketCors', bucket: c.bucket }) },
  { method: 'DELETE', target: 'bucket', keyword: 'cors', build: (c) => ({ operation: 'DeleteBucketCors', bucket: c.bucket }) },
  { method: 'GET', target: 'bucket', keyword: 'lifecycle', build: (c) => ({ operation: 'GetBucketLifecycleConfiguration', bucket: c.bucket }) },
  { method: 'PUT', target: 'bucket', keyword: 'lifecycle', build: (c) => ({ operation: 'PutBucketLifecycleConfiguration', bucket: c.bucket }) },
  { method: 'DELETE', target: 'bucket', keyword: 'lifecycle', build: (c) => ({ operation: 'DeleteBucketLifecycle', bucket: c.bucket }) },
  { method: 'GET', target: 'bucket', keyword: 'policyStatus', build: (c) => ({ operation: 'GetBucketPolicyStatus', bucket: c.bucket }) },
  { method: 'GET', target: 'bucket', keyword: '', when: has('list-type'), build: buildListObjectsV2 },
  { method: 'GET', target: 'bucket', keyword: '', build: buildListObjects },
  { method: 'GET', target: 'bucket', keyword: 'versions', build: buildListObjectVersions },
  { method: 'GET', target: 'bucket', keyword: 'uploads', build: buildListMultipartUploads },
  { method: 'POST', target: 'bucket', keyword: 'delete', build: (c) => ({ operation: 'DeleteObjects', bucket: c.bucket }) },

  { method: 'PUT', target: 'object', keyword: '', when: (c) => hasHeader('x-amz-copy-source')(c) && isPartUpload(c), build: buildUploadPartCopy },
  { method: 'PUT', target: 'object', keyword: '', when: isPartUpload, build: buildUploadPart },
  { method: 'PUT', target: 'object', keyword: '', when: hasHeader('x-amz-copy-source'), build: buildCopyObject },
  { method: 'PUT', target: 'object', keyword: '', build: (c) => ({ operation: 'PutObject', bucket: c.bucket, key: c.key }) },
  { method: 'GET', target: 'object', keyword: '', when: has('uploadId'), build: buildListParts },
  { method: 'GET', target: 'object', keyword: '', build: (c) => buildGetOrHeadObject(c, 'GetObject') },
  { method: 'HEAD', target: 'object', keyword: '', build: (c) => buildGetOrHeadObject(c, 'HeadObject') },
  { method: 'DELETE', target: 'object', keyword: '', when: has('uploadId'), build: (c) => buildUploadIdOperation(c, 'AbortMultipartUpload') },
  { method: 'DELETE', target: 'object', keyword: '', build: (c) => ({ operation: 'DeleteObject', bucket: c.bucket, key: c.key, versionId: versionIdOf(c) }) },
  { method: 'GET', target: 'object', keyword: 'tagging', build: (c) => buildObjectTagging(c, 'GetObjectTagging') },
  { method: 'GET', target: 'object', keyword: 'attributes', build: buildGetObjectAttributes },
  { method: 'GET', target: 'object', keyword: 'acl', build: (c) => ({ operation: 'GetObjectAcl', bucket: c.bucket, key: c.key, versionId: versionIdOf(c) }) },
  { method: 'PUT', target: 'object', keyword: 'acl', build: (c) => ({ operation: 'PutObjectAcl', bucket: c.bucket, key: c.key, versionId: versionIdOf(c) }) },
  { method: 'PUT', target: 'object', keyword: 'tagging', build: (c) => buildObjectTagging(c, 'PutObjectTagging') },
  { method: 'DELETE', target: 'object', keyword: 'tagging', build: (c) => buildObjectTagging(c, 'DeleteObjectTagging') },
  { method: 'POST', target: 'object', keyword: 'uploads', build: (c) => ({ operation: 'CreateMultipartUpload', bucket: c.bucket, key: c.key }) },
  { method: 'POST', target: 'object', keyword: '', when: has('uploadId'), build: (c) => buildUploadIdOperation(c, 'CompleteMultipartUpload') },

  { method: 'POST', target: 'bucket', keyword: '', build: (c) => ({ operation: 'PostObject', bucket: c.bucket }) },
  ...unimplementedEach('bucket', [
    ['GET', 'accelerate', 'GetBucketAccelerateConfiguration'],
    ['PUT', 'accelerate', 'PutBucketAccelerateConfiguration'],
    ['GET', 'analytics', 'GetBucketAnalyticsConfiguration'],
    ['PUT', 'analytics', 'PutBucketAnalyticsConfiguration'],
    ['DELETE', 'analytics', 'DeleteBucketAnalyticsConfiguration'],
    ['GET', 'encryption', 'GetBucketEncryption'],
    ['PUT', 'encryption', 'PutBucketEncryption'],
    ['DELETE', 'encryption', 'DeleteBucketEncryption'],
    ['GET', 'intelligent-tiering', 'GetBucketIntelligentTieringConfiguration'],
    ['PUT', 'intelligent-tiering', 'PutBucketIntelligentTieringConfiguration'],
    ['DELETE', 'intelligent-tiering', 'DeleteBucketIntelligentTieringConfiguration'],
    ['GET', 'inventory', 'GetBucketInventoryConfiguration'],
    ['PUT', 'inventory', 'PutBucketInventoryConfiguration'],
    ['DELETE', 'inventory', 'DeleteBucketInventoryConfiguration'],
    ['GET', 'logging', 'GetBucketLogging'],
    ['PUT', 'logging', 'PutBucketLogging'],
    ['GET', 'metadataConfiguration', 'GetBucketMetadataConfiguration'],
    ['POST', 'metadataConfiguration', 'CreateBucketMetadataConfiguration'],
    ['DELETE', 'metadataConfiguration', 'DeleteBucketMetadataConfiguration'],
    ['GET', 'metrics', 'GetBucketMetricsConfiguration'],
    ['PUT', 'metrics', 'PutBucketMetricsConfiguration'],
    ['DELETE', 'metrics', 'DeleteBucketMetricsConfiguration'],
    ['GET', 'notification', 'GetBucketNotificationConfiguration'],
    ['PUT', 'notification', 'PutBucketNotificationConfiguration'],
    ['GET', 'object-lock', 'GetObjectLockConfiguration'],
    ['PUT', 'object-lock', 'PutObjectLockConfiguration'],
    ['GET', 'replication', 'GetBucketReplication'],
    ['PUT', 'replication', 'PutBucketReplication'],
    ['DELETE', 'replication', 'DeleteBucketReplication'],
    ['GET', 'requestPayment', 'GetBucketRequestPayment'],
    ['PUT', 'requestPayment', 'PutBucketRequestPayment'],
    ['GET', 'session', 'CreateSession'],
    ['GET', 'website', 'GetBucketWebsite'],
    ['PUT', 'website', 'PutBucketWebsite'],
    ['DELETE', 'website', 'DeleteBucketWebsite'],
  ]),
  ...unimplementedEach('object', [
    ['GET', 'legal-hold', 'GetObjectLegalHold'],
    ['PUT', 'legal-hold', 'PutObjectLegalHold'],
    ['PUT', 'renameObject', 'RenameObject'],
    ['GET', 'retention', 'GetObjectRetention'],
    ['PUT', 'retention', 'PutObjectRetention'],
    ['POST', 'restore', 'RestoreObject'],
    ['POST', 'select', 'SelectObjectContent'],
    ['GET', 'torrent', 'GetObjectTorrent'],
  ]),
];

/** Index of {@link s3Routes} by `method target keyword`, built once. */
const routesByKey = new Map<string, Route[]>();
for (const route of s3Routes) {
  const routeKey = `${route.method} ${route.target} ${route.keyword}`;
  const routes = routesByKey.get(routeKey) ?? [];
  assert(routes.every((earlier) => earlier.when !== undefined), `route ${routeKey} is shadowed by an unguarded row`);
  routes.push(route);
  routesByKey.set(routeKey, routes);
}

/**
 * Parses one request head into its endpoint; `split` is `head.target` split once by the caller
 * ({@link splitS3RequestTarget}), which shares it with authentication.
 * @throws S3Error `InvalidURI` (undecodable path or query), `InvalidBucketName`, `KeyTooLongError`,
 *   `InvalidArgument` (a parameter out of range, with `ArgumentName`/`ArgumentValue`),
 *   `MethodNotAllowed` (a method or sub-resource S3 does not define on this target, with `Method`
 *   and `ResourceType`).
 */
export function parseS3Request(head: S3RequestHead, config: S3EndpointConfig, split: S3RequestTarget = splitS3RequestTarget(head.target)): S3Endpoint {
  const { path, query } = split;
  if (!path.startsWith('/')) throw new S3Error('InvalidURI');
  const hostBucket = virtualHostBucket(requestHeaderValue(head.headers, 'host'), config.virtualHostDomains);
  const { bucket, key } = bucketAndKey(path, hostBucket);
  const parameters = parseQuery(query);
  const method = head.method.toUpperCase();
  const target: RouteTarget = bucket === undefined ? 'service' : key === '' ? 'bucket' : 'object';
  if (method === 'OPTIONS') return { operation: 'CorsPreflight', bucket, key: key || undefined };
  if (bucket !== undefined) validateBucketName(bucket, method === 'PUT' && target === 'bucket' && keywordOf(parameters) === '' ? 'create' : 'access');
  if (target === 'object') validateObjectKey(key);
  const context: RouteContext = { bucket: bucket ?? '', key, query: parameters, headers: head.headers };
  const keyword = target === 'service' ? '' : keywordOf(parameters);
  const route = routesByKey.get(`${method} ${target} ${keyword}`)?.find((candidate) => candidate.when?.(context) ?? true);
  if (route === undefined) {
    throw new S3Error('MethodNotAllowed', { fields: { Method: method, ResourceType: target === 'object' ? 'OBJECT' : target === 'bucket' ? 'BUCKET' : 'SERVICE' } });
  }
  return route.build(context);
}

/**
 * Which permission an endpoint needs on its bucket: `none` (ListBuckets: any authenticated key,
 * filtered by the listing), `read`, `write`, or `owner` (deleting the bucket, changing its versioning).
 */
export function authorizationLevelOf(endpoint: S3Endpoint): 'none' | 'read' | 'write' | 'owner' {
  switch (endpoint.operation) {
    case 'ListBuckets':
    case 'CorsPreflight':
      return 'none';
    case 'HeadBucket':
    case 'GetBucketLocation':
    case 'GetBucketVersioning':
    case 'GetBucketTagging':
    case 'ListObjects':
    case 'ListObjectsV2':
    case 'ListObjectVersions':
    case 'ListMultipartUploads':
    case 'GetObject':
    case 'HeadObject':
    case 'GetObjectTagging':
    case 'GetObjectAttributes':
    case 'ListParts':
    case 'GetObjectAcl':
      return 'read';
    case 'DeleteBucket':
    case 'PutBucketVersioning':
    case 'CreateBucket':
    case 'GetBucketPolicy':
    case 'PutBucketPolicy':
    case 'DeleteBucketPolicy':
    case 'GetBucketAcl':
    case 'PutBucketAcl':
    case 'GetBucketOwnershipControls':
    case 'PutBucketOwnershipControls':
    case 'DeleteBucketOwnershipControls':
    case 'GetPublicAccessBlock':
    case 'PutPublicAccessBlock':
    case 'DeletePublicAccessBlock':
    case 'GetBucketPolicyStatus':
    case 'GetBucketCors':
    case 'PutBucketCors':
    case 'DeleteBucketCors':
    case 'GetBucketLifecycleConfiguration':
    case 'PutBucketLifecycleConfiguration':
    case 'DeleteBucketLifecycle':
      return 'owner';
    case 'PutBucketTagging':
    case 'DeleteBucketTagging':
    case 'DeleteObjects':
    case 'PutObject':
    case 'CopyObject':
    case 'DeleteObject':
    case 'PutObjectTagging':
    case 'DeleteObjectTagging':
    case 'CreateMultipartUpload':
    case 'UploadPart':
    case 'UploadPartCopy':
    case 'CompleteMultipartUpload':
    case 'AbortMultipartUpload':
    case 'PutObjectAcl':
    case 'PostObject':
    case 'NotImplemented':
      return 'write';
  }
}

/** The bucket named by `Host` under one of `domains`, or undefined for path style. */
function virtualHostBucket(host: string | undefined, domains: readonly string[]): string | undefined {
  if (host === undefined) return undefined;
  const name = host.trim().toLowerCase().replace(/:\d*$/, '');
  if (name.startsWith('[')) return undefined;
  for (const domain of domains) {
    const suffix = `.${domain.toLowerCase()}`;
    if (name.endsWith(suffix) && name.length > suffix.length) return name.slice(0, -suffix.length);
  }
  return undefined;
}

function bucketAndKey(path: string, hostBucket: string | undefined): { bucket: string | undefined; key: string } {
  if (hostBucket !== undefined) return { bucket: hostBucket, key: percentDecode(path.slice(1), false) };
  const rest = path.slice(1);
  if (rest === '') return { bucket: undefined, key: '' };
  const slash = rest.indexOf('/');
  const bucketRaw = slash < 0 ? rest : rest.slice(0, slash);
  const keyRaw = slash < 0 ? '' : rest.slice(slash + 1);
  return { bucket: percentDecode(bucketRaw, false), key: percentDecode(keyRaw, false) };
}

function keywordOf(parameters: QueryParameters): string {
  const keywords = [...parameters.keys()].filter((name) => subresourceKeywords.has(name));
  if (keywords.length > 1) {
    throw s3Errors.invalidArgument('ResourceType', keywords.join(','), `Conflicting query string parameters: ${keywords.join(', ')}`);
  }
  return keywords[0] ?? '';
}

/** The first value of a header (node gives arrays for repeated headers). */
export function requestHeaderValue(headers: S3RequestHead['headers'], name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

function isPartUpload(context: RouteContext): boolean {
  return context.query.has('partNumber') || context.query.has('uploadId');
}

function optionalParameter(context: RouteContext, name: string): string | undefined {
  return context.query.get(name);
}

function versionIdOf(context: RouteContext): string | undefined {
  const versionId = context.query.get('versionId');
  if (versionId === '') throw s3Errors.invalidArgument('versionId', '', 'Version id cannot be the empty string');
  return versionId;
}

function uploadIdOf(context: RouteContext): string {
  const uploadId = context.query.get('uploadId');
  if (uploadId === undefined || uploadId === '') throw s3Errors.invalidArgument('uploadId', uploadId ?? '', 'This operation needs a non-empty uploadId.');
  return uploadId;
}

/** An integer query parameter in [minimum, maximum], or undefined when absent. */
function integerParameter(context: RouteContext, name: string, range: { minimum: number; maximum: number; message: string }): number | undefined {
  const text = context.query.get(name);
  if (text === undefined) return undefined;
  const value = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= range.minimum && value <= range.maximum)) throw s3Errors.invalidArgument(name, text, range.message);
  return value;
}

const int32Max = 2147483647;
const pageSizeOf = (context: RouteContext, name: string, argumentLabel: string) =>
  integerParameter(context, name, { minimum: 0, maximum: int32Max, message: `Argument ${argumentLabel} must be an integer between 0 and ${int32Max}` }) ??
  s3ListMaxKeysDefault;

function partNumberOf(context: RouteContext): number | undefined {
  return integerParameter(context, 'partNumber', { minimum: 1, maximum: s3PartNumberMax, message: `Part number must be an integer between 1 and ${s3PartNumberMax}, inclusive` });
}

function requiredPartNumberOf(context: RouteContext): number {
  const partNumber = partNumberOf(context);
  if (partNumber === undefined) throw s3Errors.invalidArgument('partNumber', '', `Part number must be an integer between 1 and ${s3PartNumberMax}, inclusive`);
  return partNumber;
}

function encodingTypeOf(context: RouteContext): S3EncodingType | undefined {
  const encodingType = context.query.get('encoding-type');
  if (encodingType === undefined) return undefined;
  if (encodingType.toLowerCase() !== 'url') throw s3Errors.invalidArgument('encoding-type', encodingType, 'Invalid Encoding Method specified in Request');
  return 'url';
}

function listingParametersOf(context: RouteContext): ListingParameters {
  return { prefix: optionalParameter(context, 'prefix'), delimiter: optionalParameter(context, 'delimiter'), encodingType: encodingTypeOf(context) };
}

function buildListBuckets(context: RouteContext): S3Endpoint {
  const continuationToken = optionalParameter(context, 'continuation-token');
  if (continuationToken === '') throw s3Errors.invalidArgument('continuation-token', '', 'The continuation token provided is incorrect');
  return {
    operation: 'ListBuckets',
    prefix: optionalParameter(context, 'prefix'),
    continuationToken,
    maxBuckets: integerParameter(context, 'max-buckets', {
      minimum: 1,
      maximum: s3ListBucketsMaxBucketsMax,
      message: `Argument max-buckets must be an integer between 1 and ${s3ListBucketsMaxBucketsMax}`,
    }),
    bucketRegion: optionalParameter(context, 'bucket-region'),
  };
}

function buildListObjects(context: RouteContext): S3Endpoint {
  return {
    operation: 'ListObjects',
    bucket: context.bucket,
    ...listingParametersOf(context),
    marker: optionalParameter(context, 'marker'),
    maxKeys: pageSizeOf(context, 'max-keys', 'maxKeys'),
  };
}

function buildListObjectsV2(context: RouteContext): S3Endpoint {
  const listType = context.query.get('list-type');
  if (listType !== '2') throw s3Errors.invalidArgument('list-type', listType ?? '', 'Invalid List Type specified in Request');
  // An empty continuation-token lists from the start and is echoed (ceph/s3-tests test_bucket_listv2_continuationtoken_empty).
  const continuationToken = optionalParameter(context, 'continuation-token');
  return {
    operation: 'ListObjectsV2',
    bucket: context.bucket,
    ...listingParametersOf(context),
    continuationToken,
    startAfter: optionalParameter(context, 'start-after'),
    fetchOwner: context.query.get('fetch-owner')?.toLowerCase() === 'true',
    maxKeys: pageSizeOf(context, 'max-keys', 'maxKeys'),
  };
}

function buildListObjectVersions(context: RouteContext): S3Endpoint {
  return {
    operation: 'ListObjectVersions',
    bucket: context.bucket,
    ...listingParametersOf(context),
    keyMarker: optionalParameter(context, 'key-marker'),
    versionIdMarker: optionalParameter(context, 'version-id-marker'),
    maxKeys: pageSizeOf(context, 'max-keys', 'maxKeys'),
  };
}

function buildListMultipartUploads(context: RouteContext): S3Endpoint {
  return {
    operation: 'ListMultipartUploads',
    bucket: context.bucket,
    ...listingParametersOf(context),
    keyMarker: optionalParameter(context, 'key-marker'),
    uploadIdMarker: optionalParameter(context, 'upload-id-marker'),
    maxUploads: pageSizeOf(context, 'max-uploads', 'max-uploads'),
  };
}

/** Each override header with its query parameter's name (`response-<header>`), built once: every GET looks them up. */
const responseOverrideParameters = responseOverrideHeaders.map((header) => [header, `response-${header}`] as const);

function buildGetOrHeadObject(context: RouteContext, operation: 'GetObject' | 'HeadObject'): S3Endpoint {
  const responseHeaders: Partial<Record<(typeof responseOverrideHeaders)[number], string>> = {};
  for (const [header, parameterName] of responseOverrideParameters) {
    const value = context.query.get(parameterName);
    if (value !== undefined) responseHeaders[header] = value;
  }
  return { operation, bucket: context.bucket, key: context.key, versionId: versionIdOf(context), partNumber: partNumberOf(context), responseHeaders };
}

function buildObjectTagging(context: RouteContext, operation: 'GetObjectTagging' | 'PutObjectTagging' | 'DeleteObjectTagging'): S3Endpoint {
  return { operation, bucket: context.bucket, key: context.key, versionId: versionIdOf(context) };
}

/**
 * GetObjectAttributes: its parameters are headers. `x-amz-object-attributes` is required and lists
 * valid names only (InvalidArgument otherwise, as S3).
 */
function buildGetObjectAttributes(context: RouteContext): S3Endpoint {
  const listed = requestHeaderValue(context.headers, 'x-amz-object-attributes');
  const names = (listed ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) throw s3Errors.invalidArgument('x-amz-object-attributes', '', 'Invalid attribute name specified.');
  const attributes = new Set<S3ObjectAttribute>();
  for (const name of names) {
    const attribute = s3ObjectAttributes.find((known) => known === name);
    if (attribute === undefined) throw s3Errors.invalidArgument('x-amz-object-attributes', name, 'Invalid attribute name specified.');
    attributes.add(attribute);
  }
  const headerInteger = (name: string, fallback: number): number => {
    const text = requestHeaderValue(context.headers, name);
    if (text === undefined) return fallback;
    if (!/^\d{1,10}$/.test(text.trim()) || Number(text) > int32Max) throw s3Errors.invalidArgument(name, text, `Argument ${name} must be an integer between 0 and ${int32Max}`);
    return Number(text);
  };
  return {
    operation: 'GetObjectAttributes',
    bucket: context.bucket,
    key: context.key,
    versionId: versionIdOf(context),
    attributes,
    maxParts: headerInteger('x-amz-max-parts', s3ListMaxKeysDefault),
    partNumberMarker: headerInteger('x-amz-part-number-marker', 0),
  };
}

function buildUploadIdOperation(context: RouteContext, operation: 'CompleteMultipartUpload' | 'AbortMultipartUpload'): S3Endpoint {
  return { operation, bucket: context.bucket, key: context.key, uploadId: uploadIdOf(context) };
}

function buildListParts(context: RouteContext): S3Endpoint {
  return {
    operation: 'ListParts',
    bucket: context.bucket,
    key: context.key,
    uploadId: uploadIdOf(context),
    maxParts: pageSizeOf(context, 'max-parts', 'max-parts'),
    partNumberMarker: integerParameter(context, 'part-number-marker', { minimum: 0, maximum: int32Max, message: 'Argument partNumberMarker must be an integer.' }),
  };
}

function buildUploadPart(context: RouteContext): S3Endpoint {
  return { operation: 'UploadPart', bucket: context.bucket, key: context.key, uploadId: uploadIdOf(context), partNumber: requiredPartNumberOf(context) };
}

function buildCopyObject(context: RouteContext): S3Endpoint {
  return { operation: 'CopyObject', bucket: context.bucket, key: context.key, copySource: copySourceOf(context) };
}

function buildUploadPartCopy(context: RouteContext): S3Endpoint {
  const range = requestHeaderValue(context.headers, 'x-amz-copy-source-range');
  return {
    operation: 'UploadPartCopy',
    bucket: context.bucket,
    key: context.key,
    uploadId: uploadIdOf(context),
    partNumber: requiredPartNumberOf(context),
    copySource: copySourceOf(context),
    copySourceRange: range === undefined ? undefined : parseCopySourceRange(range),
  };
}

function copySourceOf(context: RouteContext): S3CopySource {
  const value = requestHeaderValue(context.headers, 'x-amz-copy-source');
  assert(value !== undefined, 'copy routes are guarded by the x-amz-copy-source header');
  return parseCopySource(value);
}

/**
 * Parses `x-amz-copy-source`: `[/]bucket/key[?versionId=id]`, bucket and key percent-encoded (S3 API
 * reference, CopyObject). Access point ARNs are not supported.
 * @throws S3Error `InvalidArgument` (ArgumentName `x-amz-copy-source`), `InvalidBucketName`, `KeyTooLongError`.
 */
export function parseCopySource(value: string): S3CopySource {
  const invalid = () =>
    s3Errors.invalidArgument('x-amz-copy-source', value, 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  const question = value.indexOf('?');
  const pathRaw = (question < 0 ? value : value.slice(0, question)).replace(/^\//, '');
  const queryRaw = question < 0 ? undefined : value.slice(question + 1);
  let versionId: string | undefined;
  if (queryRaw !== undefined) {
    if (!queryRaw.startsWith('versionId=')) throw invalid();
    versionId = percentDecode(queryRaw.slice('versionId='.length), false);
    if (versionId === '') throw invalid();
  }
  const slash = pathRaw.indexOf('/');
  if (slash <= 0 || slash === pathRaw.length - 1) throw invalid();
  const bucket = percentDecode(pathRaw.slice(0, slash), false);
  const key = percentDecode(pathRaw.slice(slash + 1), false);
  validateBucketName(bucket, 'access');
  validateObjectKey(key);
  return { bucket, key, versionId };
}

/**
 * Parses `x-amz-copy-source-range: bytes=first-last` (inclusive, first ≤ last).
 * @throws S3Error `InvalidArgument` (ArgumentName `x-amz-copy-source-range`).
 */
export function parseCopySourceRange(value: string): S3ByteRangeInclusive {
  const match = /^bytes=(\d{1,16})-(\d{1,16})$/.exec(value.trim());
  const first = match === null ? Number.NaN : Number(match[1]);
  const last = match === null ? Number.NaN : Number(match[2]);
  if (!(Number.isSafeInteger(first) && Number.isSafeInteger(last) && first <= last)) {
    throw s3Errors.invalidArgument(
      'x-amz-copy-source-range',
      value,
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
    );
  }
  return { first, last };
}
