/**
 * Presigned S3 URLs: SigV4 query authentication, path style, `UNSIGNED-PAYLOAD`, only `host`
 * signed (AWS S3 API reference, "Authenticating Requests: Using Query Parameters"). The load
 * generator (wrk) replays precomputed requests, so no signing happens on the client during a
 * measurement; the servers still verify a signature on every request, as they do for a browser
 * upload or a shared download link.
 *
 * Built from the same SigV4 pieces the server verifies with (@objectbox/security-core); the spec
 * checks them against the S3 API reference's presigned example, and the bench checks every URL
 * against both servers before measuring.
 */
import { signatureHex, signingKey, stringToSign, sigv4Algorithm, uriEncode, credentialScopeString } from '@objectbox/security-core';

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

/** The path-style path of a bucket (`key` empty: CreateBucket) or an object, SigV4-encoded. */
export function objectPath(bucket: string, key: string): string {
  return `/${uriEncode(bucket, { encodeSlash: true })}${key === '' ? '' : `/${uriEncode(key, { encodeSlash: false })}`}`;
}

/** The request target (path and query) of a presigned request. */
export function presignedTarget(request: PresignRequest): string {
  const requestDateTime = amzDateTime(request.nowMs);
  const scope = { date: requestDateTime.slice(0, 8), region: request.credentials.region, service: 's3' };
  // Already in canonical (byte) order of the names; the canonical query is the query itself.
  const query = [
    ['X-Amz-Algorithm', sigv4Algorithm],
    ['X-Amz-Credential', `${request.credentials.accessKeyId}/${credentialScopeString(scope)}`],
    ['X-Amz-Date', requestDateTime],
    ['X-Amz-Expires', String(request.expiresSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
  ]
    .map(([name, value]) => `${uriEncode(name!, { encodeSlash: true })}=${uriEncode(value!, { encodeSlash: true })}`)
    .join('&');
  const canonicalRequest = [request.method, request.path, query, `host:${request.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const signature = signatureHex(signingKey(request.credentials.secretAccessKey, scope), stringToSign({ requestDateTime, scope, canonicalRequest }));
  return `${request.path}?${query}&X-Amz-Signature=${signature}`;
}
