/**
 * Typed errors of request authentication (AWS Signature Version 4).
 *
 * Every expected authentication failure is one of these classes, and each `code` is the Amazon S3
 * error code the S3 edge answers with (S3 API reference, "Error responses"), so the edge maps by
 * `code` in its one table. Fields are structured; messages are the ones S3 sends, so clients and
 * people comparing with AWS see familiar text. A failed `assert` is a programmer error instead
 * (STYLE.md §4-5).
 */
import { ObjectBoxError, isObjectBoxError } from '@objectbox/util';

/** Where a request carried its signature: the `Authorization` header or a presigned query. */
export type AuthorizationLocation = 'header' | 'query';

/** Base of all authentication errors; `isSecurityError` recognises it across package copies. */
export abstract class SecurityError extends ObjectBoxError {
  /** Marks instances without relying on `instanceof`. */
  readonly isSecurityError = true;
}

/** True for any {@link SecurityError}, also across duplicated copies of this package. */
export function isSecurityError(value: unknown): value is SecurityError {
  return isObjectBoxError(value) && (value as Partial<SecurityError>).isSecurityError === true;
}

/** The `Authorization` header is syntactically wrong or names an impossible scope (HTTP 400). */
export class AuthorizationHeaderMalformedError extends SecurityError {
  readonly code = 'AuthorizationHeaderMalformed';
  readonly kind = 'invalid-argument';
  constructor(
    /** What is wrong, as the tail of S3's message, e.g. `the Credential is mal-formed`. */
    readonly reason: string,
  ) {
    super(`The authorization header is malformed; ${reason}`);
  }
}

/** The presigned-URL query parameters are missing, duplicated or out of range (HTTP 400). */
export class AuthorizationQueryParametersError extends SecurityError {
  readonly code = 'AuthorizationQueryParametersError';
  readonly kind = 'invalid-argument';
  constructor(
    /** S3's message, e.g. `X-Amz-Expires must be less than a week (in seconds) that is 604800`. */
    message: string,
  ) {
    super(message);
  }
}

/**
 * The credential scope names another region than this endpoint's (HTTP 400). S3 answers with the
 * malformed-header code (or the query-parameters code for presigned URLs), names the expected region
 * in the message and adds a `<Region>` element, which is how SDKs learn to re-sign for the right one.
 */
export class AuthorizationRegionWrongError extends SecurityError {
  readonly code: 'AuthorizationHeaderMalformed' | 'AuthorizationQueryParametersError';
  readonly kind = 'invalid-argument';
  constructor(
    readonly location: AuthorizationLocation,
    /** The region the client signed for. */
    readonly region: string,
    /** The region of this endpoint, to be sent back as `<Region>`. */
    readonly regionExpected: string,
  ) {
    const prefix =
      location === 'header' ? 'The authorization header is malformed' : 'Error parsing the X-Amz-Credential parameter';
    super(`${prefix}; the region '${region}' is wrong; expecting '${regionExpected}'`);
    this.code = location === 'header' ? 'AuthorizationHeaderMalformed' : 'AuthorizationQueryParametersError';
  }
}

/** The signature (of the request, a chunk or the trailer) is not the one the secret gives (HTTP 403). */
export class SignatureDoesNotMatchError extends SecurityError {
  readonly code = 'SignatureDoesNotMatch';
  readonly kind = 'permission-denied';
  constructor(
    /** What was signed: the whole request, one aws-chunked chunk, or the trailer. */
    readonly signed: 'request' | 'chunk' | 'trailer',
    /** The string to sign computed by the server; S3 returns it as `<StringToSign>`. Not secret. */
    readonly stringToSign: string,
    /** The canonical request (request signatures only); S3 returns it as `<CanonicalRequest>`. */
    readonly canonicalRequest?: string,
  ) {
    super('The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
}

/** The request time is further from the server clock than the allowed skew (HTTP 403). */
export class RequestTimeTooSkewedError extends SecurityError {
  readonly code = 'RequestTimeTooSkewed';
  readonly kind = 'permission-denied';
  constructor(
    /** The time the client signed, Unix milliseconds. */
    readonly requestTimeMs: number,
    /** The server time used for the check, Unix milliseconds. */
    readonly serverTimeMs: number,
    /** The largest accepted difference, milliseconds. */
    readonly clockSkewMsMax: number,
  ) {
    super('The difference between the request time and the current time is too large.');
  }
}

/** Why an otherwise well-formed signed request is refused. */
export type AccessDeniedReason = 'request-expired' | 'request-not-yet-valid' | 'headers-not-signed' | 'date-missing';

const accessDeniedMessages: Record<AccessDeniedReason, string> = {
  'request-expired': 'Request has expired',
  'request-not-yet-valid': 'Request is not valid yet',
  'headers-not-signed': 'There were headers present in the request which were not signed',
  'date-missing': 'AWS authentication requires a valid Date or x-amz-date header',
};

/** A signed request is refused for a reason other than its signature (HTTP 403). */
export class AccessDeniedError extends SecurityError {
  readonly code = 'AccessDenied';
  readonly kind = 'permission-denied';
  constructor(
    readonly reason: AccessDeniedReason,
    /** Details S3 also reports: `expiresAtMs`/`serverTimeMs`, or `headerNamesNotSigned`. */
    readonly details: {
      readonly expiresAtMs?: number;
      readonly serverTimeMs?: number;
      readonly headerNamesNotSigned?: readonly string[];
    } = {},
  ) {
    super(accessDeniedMessages[reason]);
  }
}

/** The access key id is unknown to this deployment; thrown by the caller after its key lookup (HTTP 403). */
export class InvalidAccessKeyIdError extends SecurityError {
  readonly code = 'InvalidAccessKeyId';
  readonly kind = 'permission-denied';
  constructor(readonly accessKeyId: string) {
    super('The AWS Access Key Id you provided does not exist in our records.');
  }
}

/** The request uses an unsupported mechanism or breaks the aws-chunked grammar (HTTP 400). */
export class InvalidRequestError extends SecurityError {
  readonly code = 'InvalidRequest';
  readonly kind = 'invalid-argument';
  constructor(
    message: string,
    /** Byte offset in the (encoded) body where the problem was found, for aws-chunked errors. */
    readonly offsetBytes?: number,
  ) {
    super(message);
  }
}

/** An authentication argument (header or query parameter) has a value S3 rejects (HTTP 400). */
export class AuthenticationInvalidArgumentError extends SecurityError {
  readonly code = 'InvalidArgument';
  readonly kind = 'invalid-argument';
  constructor(
    /** S3's `<ArgumentName>`, e.g. `x-amz-content-sha256`. */
    readonly argumentName: string,
    /** S3's `<ArgumentValue>`, untrusted client input. */
    readonly argumentValue: string,
    message: string,
  ) {
    super(message);
  }
}

/** The body's SHA-256 differs from the signed `x-amz-content-sha256` (HTTP 400). */
export class XAmzContentSha256MismatchError extends SecurityError {
  readonly code = 'XAmzContentSHA256Mismatch';
  readonly kind = 'invalid-argument';
  constructor(
    readonly sha256HexDeclared: string,
    readonly sha256HexComputed: string,
  ) {
    super("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
}

/** An aws-chunked body ended early or decoded to another length than declared (HTTP 400). */
export class IncompleteBodyError extends SecurityError {
  readonly code = 'IncompleteBody';
  readonly kind = 'invalid-argument';
  constructor(
    /** Decoded bytes the request declared (`x-amz-decoded-content-length`), if known. */
    readonly decodedSizeBytesDeclared: number | undefined,
    /** Decoded bytes actually received. */
    readonly decodedSizeBytesReceived: number,
  ) {
    super('You did not provide the number of bytes specified by the Content-Length HTTP header');
  }
}
