/**
 * Verification of a SigV4-signed request, header or presigned. The order of checks follows what S3
 * reports first: scope (date, region, service), time (skew or expiry), signed-header coverage,
 * payload mode, then the signature itself. Time is `nowMs`, an argument; the secret is an argument
 * the caller looked up from `auth.accessKeyId` (throwing InvalidAccessKeyId when it has none).
 */
import { AccessDeniedError, AuthorizationRegionWrongError, RequestTimeTooSkewedError, SignatureDoesNotMatchError } from './errors.js';
import { authorizationMalformed, type SignedRequestAuth, type SignedRequestInput } from './sigv4-authorization.js';
import { normalizeHeaders } from './sigv4-encoding.js';
import { parsePayloadMode, verifyPayloadSha256, type PayloadMode } from './sigv4-payload.js';
import {
  canonicalRequest,
  credentialScopeString,
  signatureMatches,
  signingKeyObjectMemoised,
  type SigningKey,
  stringToSign,
} from './sigv4-signing.js';

/** The largest accepted distance between the request time and the server clock: 15 minutes, as S3. */
export const clockSkewMsMaxDefault = 15 * 60 * 1000;

/** What the chunk and trailer signatures of an aws-chunked body are verified with. */
export interface StreamingSigningContext {
  /** The signing key of the request's scope; the caller must not modify it. */
  readonly signingKey: SigningKey;
  /** The request time exactly as signed, `YYYYMMDDTHHMMSSZ`. */
  readonly requestDateTime: string;
  /** `date/region/service/aws4_request`. */
  readonly credentialScope: string;
  /** The request's own signature, which the first chunk signature chains from. */
  readonly seedSignatureHex: string;
}

/** Options of {@link verifyRequestSignature}. */
export interface VerifyRequestSignatureOptions extends SignedRequestInput {
  /** The result of `parseSignedRequestAuth` for this same request. */
  readonly auth: SignedRequestAuth;
  /** The secret of `auth.accessKeyId`. */
  readonly secretAccessKey: string;
  /** Server time, Unix milliseconds. */
  readonly nowMs: number;
  /** This endpoint's region, e.g. `us-east-1`. */
  readonly region: string;
  /** The signing service name; `s3`. */
  readonly service?: string;
  /** Allowed distance between request time and `nowMs`, milliseconds; default 15 minutes. */
  readonly clockSkewMsMax?: number;
  /** SHA-256 of the body if the caller already has it (small buffered bodies), lower-case hex. */
  readonly payloadSha256Hex?: string;
}

/** A request whose signature holds; what the edge needs to read its body. */
export interface VerifiedRequest {
  readonly accessKeyId: string;
  readonly location: SignedRequestAuth['location'];
  readonly payload: PayloadMode;
  /** For chunk and trailer signatures (meaningful for the streaming payload modes). */
  readonly streaming: StreamingSigningContext;
}

/**
 * Checks the credential scope and the request time of `auth` against this endpoint and `nowMs`.
 *
 * Throws AuthorizationHeaderMalformed / AuthorizationQueryParametersError (wrong date, region or
 * service; the region error names the expected region), RequestTimeTooSkewed (header signatures
 * further than `clockSkewMsMax` from `nowMs`), AccessDenied (presigned URL expired or dated more than
 * `clockSkewMsMax` in the future).
 */
export function checkSignedRequestScope(options: {
  readonly auth: SignedRequestAuth;
  readonly nowMs: number;
  readonly region: string;
  readonly service: string;
  readonly clockSkewMsMax: number;
}): void {
  const { auth, nowMs, clockSkewMsMax } = options;
  if (auth.scope.date !== auth.requestDateTime.slice(0, 8)) {
    throw authorizationMalformed(auth.location, 'Invalid credential date. Date is not the same as X-Amz-Date.');
  }
  if (auth.scope.region !== options.region) {
    throw new AuthorizationRegionWrongError(auth.location, auth.scope.region, options.region);
  }
  if (auth.scope.service !== options.service) {
    throw authorizationMalformed(auth.location, `incorrect service "${auth.scope.service}". This endpoint belongs to "${options.service}".`);
  }
  if (auth.location === 'header') {
    if (Math.abs(nowMs - auth.requestTimeMs) > clockSkewMsMax) {
      throw new RequestTimeTooSkewedError(auth.requestTimeMs, nowMs, clockSkewMsMax);
    }
    return;
  }
  if (auth.requestTimeMs - nowMs > clockSkewMsMax) throw new AccessDeniedError('request-not-yet-valid', { serverTimeMs: nowMs });
  const expiresAtMs = auth.requestTimeMs + auth.presignExpiresSeconds * 1000;
  if (nowMs > expiresAtMs) throw new AccessDeniedError('request-expired', { expiresAtMs, serverTimeMs: nowMs });
}

/**
 * Every `x-amz-*` header present must be signed (S3 answers AccessDenied otherwise): an unsigned one
 * could change the meaning of a signed request. `host` is required at parse time.
 */
export function checkSignedHeaderCoverage(auth: SignedRequestAuth, headers: ReadonlyMap<string, string>): void {
  const headerNamesNotSigned = [...headers.keys()].filter(
    (name) => name.startsWith('x-amz-') && !auth.signedHeaderNames.includes(name),
  );
  if (headerNamesNotSigned.length > 0) throw new AccessDeniedError('headers-not-signed', { headerNamesNotSigned });
}

/**
 * Verifies the SigV4 signature of a request and returns how to read its body.
 *
 * Throws what {@link checkSignedRequestScope} and {@link checkSignedHeaderCoverage} throw, what
 * `parsePayloadMode` throws, SignatureDoesNotMatch (with the canonical request and string to sign S3
 * would report), and XAmzContentSHA256Mismatch when `payloadSha256Hex` is given and differs.
 */
export function verifyRequestSignature(options: VerifyRequestSignatureOptions): VerifiedRequest {
  const { auth } = options;
  const service = options.service ?? 's3';
  checkSignedRequestScope({
    auth,
    nowMs: options.nowMs,
    region: options.region,
    service,
    clockSkewMsMax: options.clockSkewMsMax ?? clockSkewMsMaxDefault,
  });
  const headers = options.normalizedHeaders ?? normalizeHeaders(options.headers);
  checkSignedHeaderCoverage(auth, headers);
  const payload = parsePayloadMode({ payloadHash: auth.payloadHash, headers, location: auth.location });
  const canonical = canonicalRequest({
    method: options.method,
    path: options.path,
    query: options.query,
    headers,
    signedHeaderNames: auth.signedHeaderNames,
    payloadHash: auth.payloadHash,
    queryNamesExcluded: auth.location === 'query' ? ['X-Amz-Signature'] : [],
  });
  const toSign = stringToSign({ requestDateTime: auth.requestDateTime, scope: auth.scope, canonicalRequest: canonical });
  const key = signingKeyObjectMemoised(options.secretAccessKey, auth.scope);
  if (!signatureMatches(key, toSign, auth.signatureHex)) {
    throw new SignatureDoesNotMatchError('request', toSign, canonical);
  }
  if (options.payloadSha256Hex !== undefined && payload.payload === 'sha256') verifyPayloadSha256(payload, options.payloadSha256Hex);
  return {
    accessKeyId: auth.accessKeyId,
    location: auth.location,
    payload,
    streaming: {
      signingKey: key,
      requestDateTime: auth.requestDateTime,
      credentialScope: credentialScopeString(auth.scope),
      seedSignatureHex: auth.signatureHex,
    },
  };
}
