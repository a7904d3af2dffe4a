/**
 * Parsing of SigV4 authentication data, from the `Authorization` header (S3 API reference,
 * "Authenticating Requests: Using the Authorization Header") or from a presigned URL's query
 * ("Authenticating Requests: Using Query Parameters"), into a typed {@link SignedRequestAuth}.
 * Syntax only: time, region and signature are checked by `sigv4-verify.ts`.
 */
import {
  AccessDeniedError,
  AuthenticationInvalidArgumentError,
  AuthorizationHeaderMalformedError,
  AuthorizationQueryParametersError,
  InvalidRequestError,
  type AuthorizationLocation,
  type SecurityError,
} from './errors.js';
import { normalizeHeaders, percentDecodeText, type HttpHeaders, type RawQueryParameter } from './sigv4-encoding.js';
import { parseAmzDateTime, sigv4Algorithm, sigv4ScopeTerminator, isSignatureHex, type CredentialScope } from './sigv4-signing.js';

/** The longest lifetime of a presigned URL S3 accepts: 7 days. */
export const presignExpiresSecondsMax = 604_800;

/** The payload line of a presigned URL's canonical request unless a content hash is given. */
export const unsignedPayload = 'UNSIGNED-PAYLOAD';

/** A request as the edge received it; the input of parsing and verification. */
export interface SignedRequestInput {
  readonly method: string;
  /** Path as received on the wire: percent-encoded, without the query. */
  readonly path: string;
  /** The query's parameters as received, still percent-encoded (`splitQuery` of the raw query; `[]` when absent). */
  readonly query: readonly RawQueryParameter[];
  /** Headers as received (names in any case). */
  readonly headers: HttpHeaders;
  /**
   * `normalizeHeaders(headers)` when the caller has it already: parsing and verifying one request
   * both read the headers by lower-case name, and building the map twice was ~4 % of both.
   */
  readonly normalizedHeaders?: ReadonlyMap<string, string>;
}

interface SignedRequestAuthCommon {
  readonly accessKeyId: string;
  readonly scope: CredentialScope;
  /** Lower-case, sorted, without duplicates; always contains `host`. */
  readonly signedHeaderNames: readonly string[];
  /** 64 lower-case hex digits (upper-case input is lower-cased). */
  readonly signatureHex: string;
  /** The request time exactly as signed, `YYYYMMDDTHHMMSSZ`. */
  readonly requestDateTime: string;
  /** The request time, Unix milliseconds. */
  readonly requestTimeMs: number;
  /** The payload line of the canonical request (`x-amz-content-sha256` or `UNSIGNED-PAYLOAD`). */
  readonly payloadHash: string;
}

/** Authentication data of a request signed in its `Authorization` header. */
export interface HeaderSignedRequestAuth extends SignedRequestAuthCommon {
  readonly location: 'header';
}

/** Authentication data of a presigned URL. */
export interface QuerySignedRequestAuth extends SignedRequestAuthCommon {
  readonly location: 'query';
  /** `X-Amz-Expires`, seconds after `requestTimeMs`; 0 ≤ value ≤ {@link presignExpiresSecondsMax}. */
  readonly presignExpiresSeconds: number;
}

/** Parsed SigV4 authentication data of a request. */
export type SignedRequestAuth = HeaderSignedRequestAuth | QuerySignedRequestAuth;

/** The malformed-authorization error of `location` with S3's wording, for the caller to throw. */
export function authorizationMalformed(location: AuthorizationLocation, reason: string): SecurityError {
  return location === 'header'
    ? new AuthorizationHeaderMalformedError(reason)
    : new AuthorizationQueryParametersError(`Error parsing the X-Amz-Credential parameter; ${reason}`);
}

/**
 * Parses the authentication data of `request`. Returns `undefined` for an anonymous request (neither
 * an `Authorization` header nor an `X-Amz-Algorithm` query parameter).
 *
 * Throws AuthorizationHeaderMalformed, AuthorizationQueryParametersError, InvalidRequest (an
 * unsupported algorithm, a missing `x-amz-content-sha256`), InvalidArgument (both mechanisms at once)
 * and AccessDenied (no `x-amz-date`).
 */
export function parseSignedRequestAuth(request: SignedRequestInput): SignedRequestAuth | undefined {
  const headers = request.normalizedHeaders ?? normalizeHeaders(request.headers);
  const query = request.query;
  const authorization = headers.get('authorization');
  const presigned = query.some((parameter) => queryNameOf(parameter) === 'X-Amz-Algorithm');
  if (authorization !== undefined && presigned) {
    throw new AuthenticationInvalidArgumentError(
      'Authorization',
      authorization,
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  }
  if (presigned) return parsePresignedQuery(query, headers);
  if (authorization !== undefined) return parseAuthorizationHeader(authorization, headers);
  return undefined;
}

/**
 * Credential and SignedHeaders strings parsed recently, by the string as received: a client sends
 * the same ones on every request of a day, and splitting, checking, lower-casing and sorting them
 * again was ~1 % of a presigned GET's busy time. Only well-formed strings of at most
 * {@link parsedMemoKeyLengthMax} characters are kept (frozen: every request that sends the string
 * shares the result); a memo is cleared when full, so it holds at most ~256 KiB of keys.
 */
const parsedCredentials = new Map<string, Readonly<{ accessKeyId: string; scope: CredentialScope }>>();
const parsedSignedHeaderNames = new Map<string, readonly string[]>();
const parsedMemoEntriesMax = 1024;
const parsedMemoKeyLengthMax = 256;

/**
 * `parse(received)` through `memo`. A string received is often a slice of the whole URL or header
 * (V8 keeps the parent alive with the slice), so what the memo keeps, key and parsed value, comes
 * from a copy of its own: otherwise 1,024 entries pinned up to 16 KiB of request each (a reviewer
 * measured 15.5 MiB retained for 1,023 requests with a long query).
 */
function memoized<V>(memo: Map<string, V>, received: string, parse: (text: string) => V): V {
  const known = memo.get(received);
  if (known !== undefined) return known;
  if (received.length > parsedMemoKeyLengthMax) return parse(received);
  const own = Buffer.from(received, 'utf8').toString('utf8');
  // A lone surrogate does not survive the round trip: such a string is parsed, not kept.
  if (own !== received) return parse(received);
  const value = parse(own);
  if (memo.size >= parsedMemoEntriesMax) memo.clear();
  memo.set(own, value);
  return value;
}

function parseCredential(location: AuthorizationLocation, credential: string): Readonly<{ accessKeyId: string; scope: CredentialScope }> {
  return memoized(parsedCredentials, credential, (text) => Object.freeze(parseCredentialOnce(location, text)));
}

function parseCredentialOnce(location: AuthorizationLocation, credential: string): { accessKeyId: string; scope: CredentialScope } {
  const parts = credential.split('/');
  const [accessKeyId, date, region, service, terminator] = parts;
  if (
    parts.length !== 5 ||
    !accessKeyId ||
    !/^\d{8}$/.test(date ?? '') ||
    !region ||
    !service ||
    terminator !== sigv4ScopeTerminator
  ) {
    throw authorizationMalformed(
      location,
      'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
    );
  }
  return { accessKeyId, scope: Object.freeze({ date: date!, region, service }) };
}

function parseSignedHeaderNames(location: AuthorizationLocation, signedHeaders: string): readonly string[] {
  return memoized(parsedSignedHeaderNames, signedHeaders, (text) => Object.freeze(parseSignedHeaderNamesOnce(location, text)));
}

function parseSignedHeaderNamesOnce(location: AuthorizationLocation, signedHeaders: string): string[] {
  const names = signedHeaders.split(';').map((name) => name.trim().toLowerCase());
  const valid = names.every((name) => /^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name));
  const sorted = [...new Set(names)].sort();
  if (!valid || sorted.length !== names.length) {
    throw authorizationMalformed(location, 'the SignedHeaders list is mal-formed');
  }
  if (!sorted.includes('host')) {
    throw authorizationMalformed(location, "the 'host' header must be signed");
  }
  return sorted;
}

function parseSignature(location: AuthorizationLocation, signature: string): string {
  const lower = signature.toLowerCase();
  if (!isSignatureHex(lower)) throw authorizationMalformed(location, 'the Signature is mal-formed');
  return lower;
}

function parseHeaderFields(fields: string): Map<string, string> {
  const parsed = new Map<string, string>();
  for (const field of fields.split(',')) {
    const trimmed = field.trim();
    const equals = trimmed.indexOf('=');
    const name = trimmed.slice(0, equals);
    if (equals <= 0 || parsed.has(name) || !['Credential', 'SignedHeaders', 'Signature'].includes(name)) {
      throw new AuthorizationHeaderMalformedError(`the field '${trimmed}' is not expected`);
    }
    parsed.set(name, trimmed.slice(equals + 1));
  }
  return parsed;
}

function parseAuthorizationHeader(authorization: string, headers: ReadonlyMap<string, string>): HeaderSignedRequestAuth {
  const trimmed = authorization.trim();
  const space = trimmed.indexOf(' ');
  if (space < 0 || trimmed.slice(0, space) !== sigv4Algorithm) {
    throw new InvalidRequestError('The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
  }
  const fields = parseHeaderFields(trimmed.slice(space + 1));
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw new AuthorizationHeaderMalformedError('Credential, SignedHeaders and Signature are all required');
  }
  const payloadHash = headers.get('x-amz-content-sha256');
  if (payloadHash === undefined) {
    throw new InvalidRequestError('Missing required header for this request: x-amz-content-sha256');
  }
  return {
    location: 'header',
    ...parseCredential('header', credential),
    signedHeaderNames: parseSignedHeaderNames('header', signedHeaders),
    signatureHex: parseSignature('header', signature),
    ...parseHeaderDateTime(headers),
    payloadHash: payloadHash.trim(),
  };
}

/**
 * The request time: `x-amz-date` (ISO 8601 basic), else the HTTP `Date` header, which SigV4 also
 * allows (botocore sends only `Date` when the caller sets one, and signs the same second as ISO
 * 8601 basic: ceph/s3-tests test_object_create_date_and_amz_date).
 */
function parseHeaderDateTime(headers: ReadonlyMap<string, string>): { requestDateTime: string; requestTimeMs: number } {
  const amzDate = headers.get('x-amz-date')?.trim();
  if (amzDate !== undefined) {
    const requestTimeMs = parseAmzDateTime(amzDate);
    if (requestTimeMs === undefined) throw new AccessDeniedError('date-missing');
    return { requestDateTime: amzDate, requestTimeMs };
  }
  const date = headers.get('date');
  const requestTimeMs = date === undefined ? undefined : parseHttpDateTime(date);
  if (requestTimeMs === undefined) throw new AccessDeniedError('date-missing');
  return { requestDateTime: amzDateTimeOf(requestTimeMs), requestTimeMs };
}

const httpDateTimePattern = /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2}):(\d{2})\s+(GMT|UTC|UT|Z|[+-]\d{4})$/;
const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** An HTTP date (RFC 9110 IMF-fixdate, or RFC 5322 with a numeric zone as Python's `formatdate`), Unix ms. */
export function parseHttpDateTime(valueUntrusted: string): number | undefined {
  const match = httpDateTimePattern.exec(valueUntrusted.trim());
  if (match === null) return undefined;
  const [, day, monthName, year, hour, minute, second, zone] = match as unknown as [string, string, string, string, string, string, string, string];
  const month = monthNames.indexOf(monthName.toLowerCase());
  if (month < 0) return undefined;
  const local = parseAmzDateTime(`${year}${String(month + 1).padStart(2, '0')}${day.padStart(2, '0')}T${hour}${minute}${second}Z`);
  if (local === undefined) return undefined;
  const offsetMinutes = /^[+-]\d{4}$/.test(zone) ? (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) : 0;
  return local - offsetMinutes * 60_000;
}

/** Unix ms as SigV4's ISO 8601 basic time, `yyyyMMdd'T'HHmmss'Z'`. */
function amzDateTimeOf(timeMs: number): string {
  return new Date(timeMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

const queryDecoding = { plusIsSpace: true } as const;

/** A query parameter's decoded name (`+` a space); most names have nothing to decode and are returned as they are. */
function queryNameOf(parameter: RawQueryParameter): string {
  return percentDecodeText(parameter.nameRaw, queryDecoding);
}

/** The presign parameters of a query, as decoded; `contentSha256` is optional. */
interface PresignParameters {
  readonly algorithm: string;
  readonly credential: string;
  readonly date: string;
  readonly expires: string;
  readonly signedHeaders: string;
  readonly signature: string;
  readonly contentSha256: string | undefined;
}

/** The presign parameters' names: a name's position is its slot in {@link presignParameters}' values. */
const presignSlotNames: readonly string[] = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Content-Sha256',
];

/**
 * The presign parameters of `query`, each at most once (X-Amz-Content-Sha256 included). One pass
 * into fixed slots: it runs on every presigned request, and a Map plus `includes` per parameter,
 * `Object.fromEntries`, then an object keyed by the names were each a few % of verifying one. Only
 * these parameters' values are decoded.
 */
function presignParameters(query: readonly RawQueryParameter[]): PresignParameters {
  const values: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined, undefined];
  for (const parameter of query) {
    const slot = presignSlotNames.indexOf(queryNameOf(parameter));
    if (slot < 0) continue;
    if (values[slot] !== undefined) throw new AuthorizationQueryParametersError(`The query parameter ${presignSlotNames[slot]} is given more than once`);
    values[slot] = percentDecodeText(parameter.valueRaw, queryDecoding);
  }
  const [algorithm, credential, date, expires, signedHeaders, signature, contentSha256] = values;
  if (algorithm === undefined || credential === undefined || date === undefined || expires === undefined || signedHeaders === undefined || signature === undefined) {
    throw new AuthorizationQueryParametersError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  return { algorithm, credential, date, expires, signedHeaders, signature, contentSha256 };
}

function parsePresignExpires(expires: string): number {
  if (/^-\d+$/.test(expires)) throw new AuthorizationQueryParametersError('X-Amz-Expires must be non-negative');
  if (!/^\d{1,10}$/.test(expires)) throw new AuthorizationQueryParametersError('X-Amz-Expires should be a number');
  const presignExpiresSeconds = Number(expires);
  if (presignExpiresSeconds > presignExpiresSecondsMax) {
    throw new AuthorizationQueryParametersError(
      `X-Amz-Expires must be less than a week (in seconds) that is ${presignExpiresSecondsMax}`,
    );
  }
  return presignExpiresSeconds;
}

function parsePresignedQuery(query: readonly RawQueryParameter[], headers: ReadonlyMap<string, string>): QuerySignedRequestAuth {
  const parameters = presignParameters(query);
  if (parameters.algorithm !== sigv4Algorithm) {
    throw new AuthorizationQueryParametersError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const requestDateTime = parameters.date;
  const requestTimeMs = parseAmzDateTime(requestDateTime);
  if (requestTimeMs === undefined) {
    throw new AuthorizationQueryParametersError('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
  }
  const contentSha256 = headers.get('x-amz-content-sha256') ?? parameters.contentSha256;
  return {
    location: 'query',
    ...parseCredential('query', parameters.credential),
    signedHeaderNames: parseSignedHeaderNames('query', parameters.signedHeaders),
    signatureHex: parseSignature('query', parameters.signature),
    requestDateTime,
    requestTimeMs,
    presignExpiresSeconds: parsePresignExpires(parameters.expires),
    payloadHash: contentSha256?.trim() ?? unsignedPayload,
  };
}
