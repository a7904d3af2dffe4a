/**
 * SigV4 building blocks as pure functions: canonical request, string to sign, credential scope,
 * signing key and signature (AWS "Signature Version 4 signing process"; S3 API reference,
 * "Signature Calculations for the Authorization Header"). The secret and the request time are
 * arguments; `node:crypto` hashing is a pure computation.
 */
import { createHmac, createSecretKey, hash, type KeyObject, timingSafeEqual } from 'node:crypto';
import { canonicalHeaderValue, canonicalQueryString, canonicalUri, type RawQueryParameter } from './sigv4-encoding.js';

/** The only signing algorithm accepted (`AWS4-HMAC-SHA256`); SigV2 and SigV4a are refused. */
export const sigv4Algorithm = 'AWS4-HMAC-SHA256';
/** The fifth, fixed component of every credential scope. */
export const sigv4ScopeTerminator = 'aws4_request';
/** SHA-256 of the empty string, hex: the hash of an empty chunk and of an empty body. */
export const sha256HexOfEmpty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Credential scope: the date, region and service a signing key is derived for. */
export interface CredentialScope {
  /** `YYYYMMDD`, UTC; must equal the date part of the request time. */
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

/** `date/region/service/aws4_request`, the scope line of a string to sign. */
export function credentialScopeString(scope: CredentialScope): string {
  return `${scope.date}/${scope.region}/${scope.service}/${sigv4ScopeTerminator}`;
}

/** Lower-case hex SHA-256 of `data` (a string is hashed as UTF-8). */
export function sha256Hex(data: string | Uint8Array): string {
  // The one-shot `hash` makes no Hash object: about half the cost for a canonical request.
  return hash('sha256', data, 'hex');
}

/**
 * A SigV4 signing key: its 32 bytes, or the same bytes as an immutable KeyObject (what
 * {@link signingKeyObjectMemoised} hands out, so a key can be shared without copies or checks).
 */
export type SigningKey = Uint8Array | KeyObject;

/** HMAC-SHA256 of `data` under `key`; returns a new 32-byte buffer. */
export function hmacSha256(key: string | SigningKey, data: string | Uint8Array): Buffer {
  // A byte key is wrapped in a KeyObject first: Node 24's createHmac takes ~24 µs to accept a
  // Buffer key (its KeyObject check fails slowly) against ~7 µs through createSecretKey (measured
  // here; it was 2.6% of the S3 edge's time on 4 KiB requests). A string key is fast as it is.
  return createHmac('sha256', key instanceof Uint8Array ? createSecretKey(key) : key).update(data).digest();
}

/** What a canonical request is computed from; header names of `headers` are lower case. */
export interface CanonicalRequestInput {
  readonly method: string;
  /** Path as received, percent-encoded, without the query. */
  readonly path: string;
  /** The query's parameters as received, still percent-encoded (`splitQuery` of the raw query). */
  readonly query: readonly RawQueryParameter[];
  /** Headers by lower-case name (see `normalizeHeaders`). */
  readonly headers: ReadonlyMap<string, string>;
  /** Lower-case, sorted signed header names. */
  readonly signedHeaderNames: readonly string[];
  /** The payload line: `x-amz-content-sha256` as sent, or `UNSIGNED-PAYLOAD` for presigned URLs. */
  readonly payloadHash: string;
  /** Query parameters left out (exact names): `X-Amz-Signature` when verifying a presigned URL. */
  readonly queryNamesExcluded?: readonly string[];
}

/**
 * The canonical request: method, canonical URI, canonical query, one `name:value` line per signed
 * header (a signed header absent from the request contributes an empty value, so the signature
 * decides), a blank line, the signed header list and the payload hash, joined by `\n`.
 */
export function canonicalRequest(input: CanonicalRequestInput): string {
  // Concatenated, not mapped and joined: it runs on every signed request.
  let headerLines = '';
  for (const name of input.signedHeaderNames) headerLines += `${name}:${canonicalHeaderValue(input.headers.get(name) ?? '')}\n`;
  const query = canonicalQueryString(input.query, input.queryNamesExcluded);
  return `${input.method.toUpperCase()}\n${canonicalUri(input.path)}\n${query}\n${headerLines}\n${input.signedHeaderNames.join(';')}\n${input.payloadHash}`;
}

/** `AWS4-HMAC-SHA256\n<request date time>\n<scope>\n<hex sha256 of the canonical request>`. */
export function stringToSign(options: {
  readonly requestDateTime: string;
  readonly scope: CredentialScope;
  readonly canonicalRequest: string;
}): string {
  return [sigv4Algorithm, options.requestDateTime, credentialScopeString(options.scope), sha256Hex(options.canonicalRequest)].join(
    '\n',
  );
}

/**
 * The signing key: HMAC chain of `AWS4` + secret over date, region, service and `aws4_request`.
 * Returns a new 32-byte buffer the caller owns; it is valid for one scope (one day, region, service).
 */
export function signingKey(secretAccessKey: string, scope: CredentialScope): Buffer {
  const dateKey = hmacSha256(`AWS4${secretAccessKey}`, scope.date);
  const regionKey = hmacSha256(dateKey, scope.region);
  const serviceKey = hmacSha256(regionKey, scope.service);
  return hmacSha256(serviceKey, sigv4ScopeTerminator);
}

/** Signing keys derived recently; a scope lasts a day, so one key serves every request of a client that day. */
const signingKeyCache = new Map<string, KeyObject>();
/** Distinct (secret, scope) pairs remembered; beyond it the memo starts over (bounded memory). */
export const signingKeyCacheEntriesMax = 1024;

/**
 * {@link signingKey}, memoised as a KeyObject: deriving it is four chained HMACs (13% of the S3
 * edge's busy time on 4 KiB PUTs, tools/bench s3 profile), and wrapping 32 bytes in a KeyObject for
 * each HMAC costs a few µs more. A KeyObject cannot be modified, so every caller shares one.
 */
export function signingKeyObjectMemoised(secretAccessKey: string, scope: CredentialScope): KeyObject {
  const cacheKey = `${scope.date}\n${scope.region}\n${scope.service}\n${secretAccessKey}`;
  let key = signingKeyCache.get(cacheKey);
  if (key === undefined) {
    if (signingKeyCache.size >= signingKeyCacheEntriesMax) signingKeyCache.clear();
    key = createSecretKey(signingKey(secretAccessKey, scope));
    signingKeyCache.set(cacheKey, key);
  }
  return key;
}

/** {@link signingKeyObjectMemoised} as a new buffer the caller owns. */
export function signingKeyMemoised(secretAccessKey: string, scope: CredentialScope): Buffer {
  return signingKeyObjectMemoised(secretAccessKey, scope).export();
}

/** Lower-case hex HMAC-SHA256 of `stringToSignValue` under `key`: a SigV4 signature. */
export function signatureHex(key: SigningKey, stringToSignValue: string): string {
  return hmacSha256(key, stringToSignValue).toString('hex');
}

const signatureHexPattern = /^[0-9a-f]{64}$/;

/** True for a well-formed signature: 64 lower-case hex digits. */
export function isSignatureHex(value: string): boolean {
  return signatureHexPattern.test(value);
}

/**
 * True when `signatureHexUntrusted` is the signature of `stringToSignValue` under `key`, compared in
 * constant time on the HMAC's bytes (as {@link signaturesEqual} of {@link signatureHex} would, without
 * encoding the computed signature to hex, checking it and decoding it again on every request).
 */
export function signatureMatches(key: SigningKey, stringToSignValue: string, signatureHexUntrusted: string): boolean {
  const computed = hmacSha256(key, stringToSignValue);
  return isSignatureHex(signatureHexUntrusted) && timingSafeEqual(computed, Buffer.from(signatureHexUntrusted, 'hex'));
}

/** Constant-time equality of two signatures; false if either is not well formed. */
export function signaturesEqual(signatureHexA: string, signatureHexB: string): boolean {
  if (!isSignatureHex(signatureHexA) || !isSignatureHex(signatureHexB)) return false;
  return timingSafeEqual(Buffer.from(signatureHexA, 'hex'), Buffer.from(signatureHexB, 'hex'));
}

const amzDateTimePattern = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Parses an ISO 8601 basic date time (`20130524T000000Z`, the `x-amz-date` format) into Unix
 * milliseconds; `undefined` for any other shape or an impossible calendar value.
 */
export function parseAmzDateTime(valueUntrusted: string): number | undefined {
  // The last time parsed: requests signed in the same second (or presigned together) send the same string.
  if (valueUntrusted === lastAmzDateTime.text) return lastAmzDateTime.timeMs;
  const timeMs = parseAmzDateTimeOnce(valueUntrusted);
  lastAmzDateTime = { text: valueUntrusted, timeMs };
  return timeMs;
}

let lastAmzDateTime: { readonly text: string; readonly timeMs: number | undefined } = { text: '', timeMs: undefined };

function parseAmzDateTimeOnce(valueUntrusted: string): number | undefined {
  const match = amzDateTimePattern.exec(valueUntrusted);
  if (match === null) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  // Checked by arithmetic, not by a round trip through a Date (it runs on every signed request).
  // Years below 100 are refused as the round trip refused them (Date.UTC reads them as 19xx).
  const valid = year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour < 24 && minute < 60 && second < 60;
  return valid ? Date.UTC(year, month - 1, day, hour, minute, second) : undefined;
}

/** Days of `month` (1-12) of `year` in the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
