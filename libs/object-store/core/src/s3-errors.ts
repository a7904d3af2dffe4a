/**
 * S3 errors: one typed class, one table of Amazon's codes, one XML renderer, and the one place where
 * authentication (SigV4) errors become S3 errors.
 *
 * Every expected failure the S3 edge answers is an {@link S3Error} whose `code` is Amazon's error code
 * (S3 API reference, "Error responses", List of error codes). The HTTP status and the default message
 * come from {@link s3ErrorCodes}, so a code always answers with Amazon's status. Extra elements that
 * Amazon adds to some errors (`BucketName`, `Key`, `ArgumentName`/`ArgumentValue`, `Condition`,
 * `RangeRequested`/`ActualObjectSize`, `Region`, ...) are structured {@link S3Error.fields}, rendered
 * in order between `Message` and `Resource`. See deuxfleurs-org/garage src/api/s3/error.rs
 * (`aws_code`, `http_status_code`) and minio/minio cmd/api-errors.go (`errorCodes`).
 */
import { ObjectBoxError, assert, isAssertionError, isObjectBoxError, type ErrorKind } from '@objectbox/util';
import { isSecurityError, type SecurityError } from '@objectbox/security-core';

/** Status, category and Amazon's default message of one S3 error code. */
export interface S3ErrorCodeSpec {
  /** The HTTP status Amazon S3 answers with. */
  readonly httpStatusCode: number;
  /** The protocol-neutral category (`ObjectBoxError.kind`). */
  readonly kind: ErrorKind;
  /** Amazon's message when nothing more specific is known. */
  readonly message: string;
}

const spec = (httpStatusCode: number, kind: ErrorKind, message: string): S3ErrorCodeSpec => ({ httpStatusCode, kind, message });

/**
 * Every S3 error code this server sends, with Amazon's status and default message (S3 API reference,
 * "Error responses"). Checksum mismatches are `BadDigest` (message names the algorithm) and malformed
 * checksum headers `InvalidRequest`, as Amazon answers; there is no `InvalidChecksum` or `TooManyParts`
 * code in S3 (more than 10,000 parts is `InvalidArgument` on the part number).
 */
export const s3ErrorCodes = {
  AccessControlListNotSupported: spec(400, 'failed-precondition', 'The bucket does not allow ACLs'),
  AccessDenied: spec(403, 'permission-denied', 'Access Denied'),
  AccessForbidden: spec(403, 'permission-denied', 'CORSResponse: This CORS request is not allowed.'),
  AuthorizationHeaderMalformed: spec(400, 'invalid-argument', 'The authorization header is malformed.'),
  AuthorizationQueryParametersError: spec(400, 'invalid-argument', 'Error parsing the query-string authentication parameters.'),
  BadDigest: spec(400, 'invalid-argument', 'The Content-MD5 you specified did not match what we received.'),
  BadRequest: spec(400, 'invalid-argument', 'Bad Request'),
  BucketAlreadyExists: spec(
    409,
    'already-exists',
    'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
  ),
  BucketAlreadyOwnedByYou: spec(409, 'already-exists', 'Your previous request to create the named bucket succeeded and you already own it.'),
  BucketNotEmpty: spec(409, 'failed-precondition', 'The bucket you tried to delete is not empty'),
  ConditionalRequestConflict: spec(
    409,
    'aborted',
    'The conditional request cannot succeed due to a conflicting operation against this resource.',
  ),
  EntityTooLarge: spec(400, 'invalid-argument', 'Your proposed upload exceeds the maximum allowed size'),
  EntityTooSmall: spec(400, 'invalid-argument', 'Your proposed upload is smaller than the minimum allowed object size.'),
  ExpiredToken: spec(400, 'unauthenticated', 'The provided token has expired.'),
  IllegalLocationConstraintException: spec(
    400,
    'invalid-argument',
    'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
  ),
  IncompleteBody: spec(400, 'invalid-argument', 'You did not provide the number of bytes specified by the Content-Length HTTP header'),
  InternalError: spec(500, 'internal', 'We encountered an internal error. Please try again.'),
  InvalidAccessKeyId: spec(403, 'permission-denied', 'The AWS Access Key Id you provided does not exist in our records.'),
  InvalidArgument: spec(400, 'invalid-argument', 'Invalid Argument'),
  InvalidBucketAclWithObjectOwnership: spec(400, 'failed-precondition', "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"),
  InvalidBucketName: spec(400, 'invalid-argument', 'The specified bucket is not valid.'),
  InvalidBucketState: spec(409, 'failed-precondition', 'The request is not valid with the current state of the bucket.'),
  InvalidChunkSizeError: spec(403, 'invalid-argument', 'Only the last chunk is allowed to have a size less than 8192 bytes'),
  InvalidDigest: spec(400, 'invalid-argument', 'The Content-MD5 you specified is not valid.'),
  InvalidEncryptionAlgorithmError: spec(400, 'invalid-argument', 'The encryption request that you specified is not valid. The valid value is AES256.'),
  InvalidLocationConstraint: spec(400, 'invalid-argument', 'The specified location constraint is not valid.'),
  InvalidObjectState: spec(403, 'failed-precondition', 'The operation is not valid for the current state of the object.'),
  InvalidPolicyDocument: spec(400, 'invalid-argument', 'The content of the form does not meet the conditions specified in the policy document.'),
  InvalidPart: spec(
    400,
    'invalid-argument',
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
  ),
  InvalidPartNumber: spec(416, 'invalid-argument', 'The requested partnumber is not satisfiable'),
  InvalidPartOrder: spec(
    400,
    'invalid-argument',
    'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
  ),
  InvalidRange: spec(416, 'invalid-argument', 'The requested range is not satisfiable'),
  InvalidRequest: spec(400, 'invalid-argument', 'Invalid Request'),
  InvalidStorageClass: spec(400, 'invalid-argument', 'The storage class you specified is not valid'),
  InvalidTag: spec(400, 'invalid-argument', 'The tag provided was not a valid tag. This error can occur if the tag did not pass input validation.'),
  InvalidURI: spec(400, 'invalid-argument', "Couldn't parse the specified URI."),
  KeyTooLongError: spec(400, 'invalid-argument', 'Your key is too long'),
  MalformedACLError: spec(400, 'invalid-argument', 'The XML you provided was not well-formed or did not validate against our published schema'),
  MalformedPOSTRequest: spec(400, 'invalid-argument', 'The body of your POST request is not well-formed multipart/form-data.'),
  MalformedPolicy: spec(400, 'invalid-argument', "Policies must be valid JSON and the first byte must be '{'"),
  MalformedXML: spec(400, 'invalid-argument', 'The XML you provided was not well-formed or did not validate against our published schema'),
  MaxMessageLengthExceeded: spec(400, 'resource-exhausted', 'Your request was too big.'),
  MaxPostPreDataLengthExceededError: spec(400, 'invalid-argument', 'Your POST request fields preceding the upload file were too large.'),
  MetadataTooLarge: spec(400, 'invalid-argument', 'Your metadata headers exceed the maximum allowed metadata size'),
  MethodNotAllowed: spec(405, 'invalid-argument', 'The specified method is not allowed against this resource.'),
  MissingContentLength: spec(411, 'invalid-argument', 'You must provide the Content-Length HTTP header.'),
  MissingSecurityHeader: spec(400, 'invalid-argument', 'Your request was missing a required header'),
  MissingRequestBodyError: spec(400, 'invalid-argument', 'Request Body is empty'),
  NoSuchBucket: spec(404, 'not-found', 'The specified bucket does not exist'),
  NoSuchCORSConfiguration: spec(404, 'not-found', 'The CORS configuration does not exist'),
  NoSuchKey: spec(404, 'not-found', 'The specified key does not exist.'),
  NoSuchBucketPolicy: spec(404, 'not-found', 'The bucket policy does not exist'),
  NoSuchLifecycleConfiguration: spec(404, 'not-found', 'The lifecycle configuration does not exist'),
  NoSuchPublicAccessBlockConfiguration: spec(404, 'not-found', 'The public access block configuration was not found'),
  NoSuchTagSet: spec(404, 'not-found', 'The TagSet does not exist'),
  NoSuchUpload: spec(
    404,
    'not-found',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
  ),
  NoSuchVersion: spec(404, 'not-found', 'The specified version does not exist.'),
  NoSuchWebsiteConfiguration: spec(404, 'not-found', 'The specified bucket does not have a website configuration'),
  NotImplemented: spec(501, 'not-implemented', 'A header you provided implies functionality that is not implemented'),
  NotModified: spec(304, 'failed-precondition', 'Not Modified'),
  ObjectLockConfigurationNotFoundError: spec(404, 'not-found', 'Object Lock configuration does not exist for this bucket'),
  OperationAborted: spec(409, 'aborted', 'A conflicting conditional operation is currently in progress against this resource. Try again.'),
  OwnershipControlsNotFoundError: spec(404, 'not-found', 'The bucket ownership controls were not found'),
  PreconditionFailed: spec(412, 'failed-precondition', 'At least one of the pre-conditions you specified did not hold'),
  ReplicationConfigurationNotFoundError: spec(404, 'not-found', 'The replication configuration was not found'),
  RequestHeaderSectionTooLarge: spec(400, 'resource-exhausted', 'Your request header section exceeds the maximum allowed size.'),
  RequestTimeTooSkewed: spec(403, 'permission-denied', 'The difference between the request time and the current time is too large.'),
  RequestTimeout: spec(
    400,
    'deadline-exceeded',
    'Your socket connection to the server was not read from or written to within the timeout period.',
  ),
  ServiceUnavailable: spec(503, 'unavailable', 'Please reduce your request rate.'),
  SignatureDoesNotMatch: spec(
    403,
    'permission-denied',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  ),
  SlowDown: spec(503, 'unavailable', 'Please reduce your request rate.'),
  UnresolvableGrantByEmailAddress: spec(400, 'invalid-argument', 'The e-mail address you provided does not match any account on record.'),
  UnexpectedContent: spec(400, 'invalid-argument', 'This request does not support content'),
  XAmzContentSHA256Mismatch: spec(400, 'invalid-argument', "The provided 'x-amz-content-sha256' header does not match what was computed."),
} as const satisfies Record<string, S3ErrorCodeSpec>;

/** An Amazon S3 error code this server can answer with. */
export type S3ErrorCode = keyof typeof s3ErrorCodes;

/** True when `value` is a code of {@link s3ErrorCodes}. */
export function isS3ErrorCode(value: string): value is S3ErrorCode {
  return Object.hasOwn(s3ErrorCodes, value);
}

/** Extra elements of an error document, in the order Amazon writes them. Values are untrusted text. */
export type S3ErrorFields = Readonly<Record<string, string | number>>;

/** Options of {@link S3Error}. */
export interface S3ErrorOptions {
  /** Replaces the table's default message (S3 often says more, e.g. which argument). */
  readonly message?: string;
  /** The `<Resource>`: the request path, e.g. `/bucket/key`; the edge may also pass it at render time. */
  readonly resource?: string;
  /** Extra elements (`BucketName`, `Key`, `ArgumentName`, ...). Names must be XML names. */
  readonly fields?: S3ErrorFields;
  /** Response headers sent with the error document (e.g. `x-amz-delete-marker` on a NoSuchKey). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

const xmlNamePattern = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * The one error class of the S3 edge. `code` is Amazon's code; `httpStatusCode` and the default
 * message come from {@link s3ErrorCodes}. Recognise instances with {@link isS3Error}.
 */
export class S3Error extends ObjectBoxError {
  /** Marks instances without relying on `instanceof`. */
  readonly isS3Error = true;
  readonly code: S3ErrorCode;
  readonly kind: ErrorKind;
  readonly httpStatusCode: number;
  readonly resource: string | undefined;
  readonly fields: S3ErrorFields;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: S3ErrorCode, options: S3ErrorOptions = {}) {
    const codeSpec = s3ErrorCodes[code];
    assert(codeSpec !== undefined, `unknown S3 error code ${code}`);
    super(options.message ?? codeSpec.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.kind = codeSpec.kind;
    this.httpStatusCode = codeSpec.httpStatusCode;
    this.resource = options.resource;
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
    for (const name of Object.keys(this.fields)) assert(xmlNamePattern.test(name), `S3 error field ${name} is not an XML name`);
  }
}

/** True for any {@link S3Error}, also across duplicated copies of this package. */
export function isS3Error(value: unknown): value is S3Error {
  return isObjectBoxError(value) && (value as Partial<S3Error>).isS3Error === true;
}

/** S3 `LastModified`-style time: ISO 8601 with milliseconds, UTC (`2009-10-12T17:50:30.000Z`). */
function isoTime(timeMs: number): string {
  return new Date(timeMs).toISOString();
}

/** ISO 8601 without milliseconds, as S3 writes `ServerTime`/`Expires` in authentication errors. */
function isoTimeSeconds(timeMs: number): string {
  return isoTime(timeMs).replace(/\.\d{3}Z$/, 'Z');
}

/** SigV4 basic format `YYYYMMDDTHHMMSSZ`, as S3 writes `RequestTime`. */
function amzTime(timeMs: number): string {
  return isoTimeSeconds(timeMs).replace(/[-:]/g, '');
}

/**
 * Constructors of the errors whose messages or extra elements Amazon fills in. Use these rather than
 * building the fields by hand, so every call site answers the same document.
 */
export const s3Errors = {
  /** 404 `NoSuchBucket` with `<BucketName>`. */
  noSuchBucket: (bucket: string) => new S3Error('NoSuchBucket', { fields: { BucketName: bucket } }),
  /** 404 `NoSuchKey` with `<Key>`. */
  noSuchKey: (key: string) => new S3Error('NoSuchKey', { fields: { Key: key } }),
  /** 404 `NoSuchUpload` with `<UploadId>`. */
  noSuchUpload: (uploadId: string) => new S3Error('NoSuchUpload', { fields: { UploadId: uploadId } }),
  /** 404 `NoSuchVersion` with `<Key>` and `<VersionId>`. */
  noSuchVersion: (key: string, versionId: string) => new S3Error('NoSuchVersion', { fields: { Key: key, VersionId: versionId } }),
  /** 400 `InvalidBucketName` with `<BucketName>`. */
  invalidBucketName: (bucket: string) => new S3Error('InvalidBucketName', { fields: { BucketName: bucket } }),
  /** 409 `BucketAlreadyOwnedByYou` with `<BucketName>`. */
  bucketAlreadyOwnedByYou: (bucket: string) => new S3Error('BucketAlreadyOwnedByYou', { fields: { BucketName: bucket } }),
  /** 409 `BucketNotEmpty` with `<BucketName>`. */
  bucketNotEmpty: (bucket: string) => new S3Error('BucketNotEmpty', { fields: { BucketName: bucket } }),
  /** 400 `KeyTooLongError`: the key's UTF-8 size and the limit, bytes. */
  keyTooLong: (sizeBytes: number, sizeBytesMax: number) =>
    new S3Error('KeyTooLongError', { fields: { Size: sizeBytes, MaxSizeAllowed: sizeBytesMax } }),
  /** 400 `InvalidArgument` naming the argument and its (untrusted) value. */
  invalidArgument: (argumentName: string, argumentValue: string, message: string) =>
    new S3Error('InvalidArgument', { message, fields: { ArgumentName: argumentName, ArgumentValue: argumentValue } }),
  /** 416 `InvalidRange` with the `Range` header as sent and the object size, bytes. */
  invalidRange: (rangeRequested: string, actualObjectSizeBytes: number) =>
    new S3Error('InvalidRange', { fields: { RangeRequested: rangeRequested, ActualObjectSize: actualObjectSizeBytes } }),
  /** 412 `PreconditionFailed` naming the header that failed, e.g. `If-Match`. */
  preconditionFailed: (condition: string) => new S3Error('PreconditionFailed', { fields: { Condition: condition } }),
  /** 400 `BadDigest` for a flexible checksum, e.g. `The CRC32 you specified did not match the calculated checksum.` */
  checksumMismatch: (algorithm: string) =>
    new S3Error('BadDigest', { message: `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.` }),
  /** 400 `InvalidRequest` for a checksum header that is not a valid base64 digest of its algorithm. */
  checksumHeaderInvalid: (algorithm: string) =>
    new S3Error('InvalidRequest', { message: `Value for x-amz-checksum-${algorithm.toLowerCase()} header is invalid.` }),
  /** 400 `BadDigest` for `Content-MD5`, with S3's `ExpectedDigest` (as sent) and `CalculatedDigest` (base64). */
  contentMd5Mismatch: (expectedDigest: string, calculatedDigestBase64: string) =>
    new S3Error('BadDigest', { fields: { ExpectedDigest: expectedDigest, CalculatedDigest: calculatedDigestBase64 } }),
  /** 400 `EntityTooSmall` (a multipart part under the minimum), sizes in bytes. */
  entityTooSmall: (proposedSizeBytes: number, minSizeBytesAllowed: number) =>
    new S3Error('EntityTooSmall', { fields: { ProposedSize: proposedSizeBytes, MinSizeAllowed: minSizeBytesAllowed } }),
  /** 400 `EntityTooLarge`, sizes in bytes. */
  entityTooLarge: (proposedSizeBytes: number, maxSizeBytesAllowed: number) =>
    new S3Error('EntityTooLarge', { fields: { ProposedSize: proposedSizeBytes, MaxSizeAllowed: maxSizeBytesAllowed } }),
  /** 400 `MetadataTooLarge`, sizes in bytes. */
  metadataTooLarge: (sizeBytes: number, sizeBytesMax: number) =>
    new S3Error('MetadataTooLarge', { fields: { Size: sizeBytes, MaxSizeAllowed: sizeBytesMax } }),
  /** 501 `NotImplemented` naming the S3 operation, e.g. `GetBucketAcl`. */
  notImplemented: (operationName: string) =>
    new S3Error('NotImplemented', { message: `The operation ${operationName} is not implemented by this server.` }),
  /** 400 `MalformedXML`; `reason` is kept as the cause for logs, the client sees Amazon's text. */
  malformedXml: (reason: string) => new S3Error('MalformedXML', { cause: reason }),
  /** 400 `InvalidTag` with a specific message (too many tags, key or value too long, duplicate key). */
  invalidTag: (message: string) => new S3Error('InvalidTag', { message }),
  /** 500 `InternalError`; the cause is for logs only, never sent to the client. */
  internalError: (cause: unknown) => new S3Error('InternalError', { cause }),
} as const;

/**
 * Escapes text for XML 1.0 character data and attribute values. Characters XML 1.0 cannot carry
 * (C0 controls other than tab, LF, CR; lone surrogates; U+FFFE/U+FFFF) are written as numeric
 * references (as AWS does; strict XML 1.0 parsers refuse them, which is why SDKs list with
 * `encoding-type=url`); CR is written as `&#13;` so parsers do not normalise it to LF; a lone
 * surrogate (impossible in a decoded key) becomes U+FFFD.
 */
export function escapeXmlText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>"'\u0000-\u0008\u000b-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (character) => {
    const codeUnit = character.charCodeAt(0);
    if (codeUnit >= 0xd800 && codeUnit <= 0xdfff) return '\ufffd';
    switch (character) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#${codeUnit};`;
    }
  });
}

/** Options of {@link renderS3ErrorXml}. */
export interface RenderS3ErrorXmlOptions {
  /** The request id, also sent as `x-amz-request-id`. */
  readonly requestId: string;
  /** The host id, also sent as `x-amz-id-2`. */
  readonly hostId: string;
  /** The `<Resource>` when the error carries none (the request path). Omitted when neither has one. */
  readonly resource?: string;
}

/**
 * The S3 error document: `<?xml version="1.0" encoding="UTF-8"?>` and a newline, then
 * `<Error><Code/><Message/>`, the error's extra fields in order, `<Resource/>` (when known),
 * `<RequestId/><HostId/></Error>`, all text escaped. The caller sends it with
 * `error.httpStatusCode`, `Content-Type: application/xml`, and no body on HEAD requests and 304.
 */
export function renderS3ErrorXml(error: S3Error, options: RenderS3ErrorXmlOptions): string {
  const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<Error>'];
  const element = (name: string, value: string | number) => parts.push(`<${name}>${escapeXmlText(String(value))}</${name}>`);
  element('Code', error.code);
  element('Message', error.message);
  for (const [name, value] of Object.entries(error.fields)) element(name, value);
  const resource = error.resource ?? options.resource;
  if (resource !== undefined) element('Resource', resource);
  element('RequestId', options.requestId);
  element('HostId', options.hostId);
  parts.push('</Error>');
  return parts.join('');
}

/**
 * The single mapping from `@objectbox/security-core`'s typed SigV4 errors to S3 errors: the code is
 * kept (security errors already carry S3 codes), the message is theirs, and the structured details
 * become the elements Amazon adds: `Region` for a wrong region, `StringToSign`/`CanonicalRequest`
 * for a signature mismatch, `RequestTime`/`ServerTime`/`MaxAllowedSkewMilliseconds` for skew,
 * `Expires`/`ServerTime` for an expired presigned URL, `HeadersNotSigned`, `AWSAccessKeyId`,
 * `ArgumentName`/`ArgumentValue`, and the client and server SHA-256 for a payload mismatch.
 * Dispatches on the class `name` (not `instanceof`) so duplicated package copies still map.
 */
export function s3ErrorFromSecurityError(error: SecurityError): S3Error {
  const code: S3ErrorCode = isS3ErrorCode(error.code) ? error.code : 'AccessDenied';
  const fields = securityErrorFields(error);
  return new S3Error(code, { message: error.message, fields, cause: error });
}

function securityErrorFields(error: SecurityError): Record<string, string | number> {
  const details = error as unknown as Record<string, unknown>;
  switch (error.name) {
    case 'AuthorizationRegionWrongError':
      return { Region: String(details.regionExpected) };
    case 'SignatureDoesNotMatchError':
      return definedFields({ StringToSign: details.stringToSign, CanonicalRequest: details.canonicalRequest });
    case 'RequestTimeTooSkewedError':
      return {
        RequestTime: amzTime(Number(details.requestTimeMs)),
        ServerTime: isoTimeSeconds(Number(details.serverTimeMs)),
        MaxAllowedSkewMilliseconds: Number(details.clockSkewMsMax),
      };
    case 'AccessDeniedError': {
      const extra = (details.details ?? {}) as { expiresAtMs?: number; serverTimeMs?: number; headerNamesNotSigned?: readonly string[] };
      return definedFields({
        Expires: extra.expiresAtMs === undefined ? undefined : isoTimeSeconds(extra.expiresAtMs),
        ServerTime: extra.serverTimeMs === undefined ? undefined : isoTimeSeconds(extra.serverTimeMs),
        HeadersNotSigned: extra.headerNamesNotSigned?.join(', '),
      });
    }
    case 'InvalidAccessKeyIdError':
      return { AWSAccessKeyId: String(details.accessKeyId) };
    case 'AuthenticationInvalidArgumentError':
      return { ArgumentName: String(details.argumentName), ArgumentValue: String(details.argumentValue) };
    case 'XAmzContentSha256MismatchError':
      return { ClientComputedContentSHA256: String(details.sha256HexDeclared), S3ComputedContentSHA256: String(details.sha256HexComputed) };
    default:
      return {};
  }
}

function definedFields(values: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== null) fields[name] = String(value);
  return fields;
}

/**
 * What the edge sends for any thrown value: an {@link S3Error} as is, a security error through
 * {@link s3ErrorFromSecurityError}, anything else as `InternalError` (its text stays in `cause`, for
 * the log, never in the response). A failed assertion is rethrown: it is a programmer error and must
 * crash the process rather than answer 500 (STYLE.md §4).
 */
export function toS3Error(error: unknown): S3Error {
  if (isAssertionError(error)) throw error;
  if (isS3Error(error)) return error;
  if (isSecurityError(error)) return s3ErrorFromSecurityError(error);
  return s3Errors.internalError(error);
}
