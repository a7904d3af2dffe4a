/**
 * Presigned S3 URLs: SigV4 query authentication, path style, `UNSIGNED-PAYLOAD`, only `host`
 * signed (AWS S3 API reference, "Authenticating Requests: Using Query Parameters"). The load
 * generator (wrk) replays precomputed requests, so no signing happens on the client during a
 * measurement; the servers still verify a signature on every request, as they do for a browser
 * upload or a shared download link.
 *
 * Written here rather than imported from @objectbox/security-core so that the bench needs no new
 * workspace dependency and the URLs are an independent check of the server's verifier: the same
 * URL must work against ObjectBox and s3rver (the bench checks both before measuring).
 */
import { createHash, createHmac } from 'node:crypto';

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

export interface PresignRequest {
  readonly method: 'GET' | 'PUT';
  /** `host:port` exactly as the client sends it in the Host header (it is signed). */
  readonly host: string;
  /** Path as sent, already encoded: see {@link objectPath}. */
  readonly path: string;
  readonly credentials: S3Credentials;
  /** Signing time, Unix milliseconds. */
  readonly nowMs: number;
  readonly expiresSeconds: number;
}

/** `YYYYMMDDTHHMMSSZ`, the SigV4 request time format. */
export function amzDateTime(timeMs: number): string {
  return new Date(timeMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** SigV4 URI encoding: everything but `A-Za-z0-9-._~` as `%XX` (upper-case hex); `/` kept in paths. */
export function sigv4UriEncode(value: string, options: { encodeSlash: boolean }): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, options.encodeSlash ? '%2F' : '/');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** The signing key of a scope (date, region, service), as every SigV4 client derives it. */
function signingKey(secretAccessKey: string, date: string, region: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), 's3'), 'aws4_request');
}

/** The path-style path of a bucket (`key` empty: CreateBucket) or an object, SigV4-encoded. */
export function objectPath(bucket: string, key: string): string {
  return `/${sigv4UriEncode(bucket, { encodeSlash: true })}${key === '' ? '' : `/${sigv4UriEncode(key, { encodeSlash: false })}`}`;
}

/** The request target (path and query) of a presigned request. */
export function presignedTarget(request: PresignRequest): string {
  const requestDateTime = amzDateTime(request.nowMs);
  const date = requestDateTime.slice(0, 8);
  const scope = `${date}/${request.credentials.region}/s3/aws4_request`;
  // Already in canonical (byte) order of the names; the canonical query is the query itself.
  const query = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${request.credentials.accessKeyId}/${scope}`],
    ['X-Amz-Date', requestDateTime],
    ['X-Amz-Expires', String(request.expiresSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
  ]
    .map(([name, value]) => `${sigv4UriEncode(name!, { encodeSlash: true })}=${sigv4UriEncode(value!, { encodeSlash: true })}`)
    .join('&');
  const canonicalRequest = [request.method, request.path, query, `host:${request.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', requestDateTime, scope, createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')].join('\n');
  const signature = createHmac('sha256', signingKey(request.credentials.secretAccessKey, date, request.credentials.region)).update(stringToSign, 'utf8').digest('hex');
  return `${request.path}?${query}&X-Amz-Signature=${signature}`;
}
