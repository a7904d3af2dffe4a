/**
 * Authentication of one S3 request at the edge: SigV4 in the `Authorization` header or a presigned
 * query (libs/security/core does the pure work), with the secret looked up from the access key id
 * and the server clock read here, in the runtime. The result says who signed and how the body must
 * be read (see s3-body.ts); the body itself is checked while it streams.
 *
 * An unsigned request is anonymous: it carries no key and is allowed only where the bucket's policy
 * allows it (s3-request-policy.ts).
 */
import {
  InvalidAccessKeyIdError,
  normalizeHeaders,
  parsePayloadMode,
  parseSignedRequestAuth,
  verifyRequestSignature,
  type PayloadMode,
  type StreamingSigningContext,
} from '@objectbox/security-core';
import { splitS3RequestTarget, type AccessKey, type S3RequestHead, type S3RequestTarget } from '@objectbox/object-store-core';
import { AccessKeySecretUndecryptableError, type AccessKeySecretCipher } from './access-key-secrets.js';

/** Where secrets come from: the root key from config today, the Raft group's keys later. */
export interface S3CredentialStore {
  /** The secret of an active access key, or undefined when there is none. */
  secretOf(accessKeyId: string): string | undefined;
}

/** A credential store holding only the root key pair. */
export function rootCredentialStore(root: { readonly accessKeyId: string; readonly secretAccessKey: string }): S3CredentialStore {
  return { secretOf: (accessKeyId) => (accessKeyId === root.accessKeyId ? root.secretAccessKey : undefined) };
}

/**
 * The root key pair, then the keys of the metadata machine (`objectbox keys create`): an Active key's
 * secret is decrypted under the master key on each lookup (AES-GCM of a few dozen bytes: about a
 * microsecond). Inactive, deleted and undecryptable keys have no secret, so requests signed with
 * them fail with InvalidAccessKeyId; an undecryptable one is reported to `onUndecryptable` (a
 * master key that differs between replicas, or tampered state).
 */
export function machineCredentialStore(options: {
  readonly root: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly accessKeyOf: (accessKeyId: string) => AccessKey | undefined;
  readonly cipher: AccessKeySecretCipher;
  readonly onUndecryptable: (error: AccessKeySecretUndecryptableError) => void;
}): S3CredentialStore {
  const root = rootCredentialStore(options.root);
  return {
    secretOf(accessKeyId) {
      const fromRoot = root.secretOf(accessKeyId);
      if (fromRoot !== undefined) return fromRoot;
      const key = options.accessKeyOf(accessKeyId);
      if (key?.status !== 'Active') return undefined;
      try {
        return options.cipher.decrypt(accessKeyId, key);
      } catch (error) {
        if (!(error instanceof AccessKeySecretUndecryptableError)) throw error;
        options.onUndecryptable(error);
        return undefined;
      }
    },
  };
}

/** A request whose signature holds: who signed it and how to read its body. */
export interface S3Authentication {
  /** The signer's key; for an anonymous request, the bucket owner's once its policy allowed it (objects it writes are the owner's, as S3's BucketOwnerEnforced). */
  readonly accessKeyId: string;
  /** True for an unsigned request. */
  readonly anonymous?: boolean;
  /**
   * The object versions whose ACL allowed this (unsigned) request, by `bucket/key`: the handler acts
   * on that version, not on whatever is latest by then (s3-request-policy.ts authorizedObject).
   */
  readonly authorizedVersions?: ReadonlyMap<string, AuthorizedVersion>;
  readonly location: 'header' | 'query' | 'anonymous';
  readonly payload: PayloadMode;
  /** Chunk and trailer signatures of aws-chunked bodies chain from this. */
  readonly streaming: StreamingSigningContext;
}

/** A version an ACL grant was checked on: its id and fingerprint (versionFingerprintOf). */
export interface AuthorizedVersion {
  readonly versionId: string;
  readonly fingerprint: string;
}

/** Options of {@link authenticateS3Request}. */
export interface AuthenticateS3RequestOptions {
  readonly head: S3RequestHead;
  /** `head.target` split once (`splitS3RequestTarget`), shared with routing; split here when absent. */
  readonly target?: S3RequestTarget;
  readonly credentials: S3CredentialStore;
  /** This endpoint's region; a request signed for another is refused naming this one. */
  readonly region: string;
  /** Server time, Unix milliseconds. */
  readonly nowMs: number;
  /** Allowed clock skew, milliseconds (S3: 15 minutes). */
  readonly clockSkewMsMax: number;
}

/**
 * Verifies the request's signature (not yet its body).
 * @throws SecurityError (AuthorizationHeaderMalformed naming the expected region, SignatureDoesNotMatch,
 *   RequestTimeTooSkewed, AccessDenied for an expired presigned URL, InvalidAccessKeyId, ...), mapped to
 *   S3 by `toS3Error`. An unsigned request is returned as anonymous, for the bucket policy to judge.
 */
export function authenticateS3Request(options: AuthenticateS3RequestOptions): S3Authentication {
  const { head } = options;
  const { path, query } = options.target ?? splitS3RequestTarget(head.target);
  const asSigned = headersAsSigned(head.headers);
  // Parsed and verified from one lower-cased map unless a non-ASCII value reads differently as signed.
  const normalizedHeaders = asSigned === head.headers ? normalizeHeaders(asSigned) : undefined;
  const input = { method: head.method, path, query, headers: head.headers, normalizedHeaders };
  const auth = parseSignedRequestAuth(input);
  if (auth === undefined) {
    // Checked for its own errors (a malformed x-amz-content-sha256 is InvalidArgument even anonymously).
    const declared = head.headers['x-amz-content-sha256'];
    const headers = new Map<string, string>();
    for (const [name, value] of Object.entries(head.headers)) if (typeof value === 'string') headers.set(name, value);
    const payload = typeof declared === 'string' ? parsePayloadMode({ payloadHash: declared, headers, location: 'anonymous' }) : ({ payload: 'unsigned' } as const);
    return { accessKeyId: '', anonymous: true, location: 'anonymous', payload, streaming: anonymousStreamingContext };
  }
  const secretAccessKey = options.credentials.secretOf(auth.accessKeyId);
  if (secretAccessKey === undefined) throw new InvalidAccessKeyIdError(auth.accessKeyId);
  const verified = verifyRequestSignature({
    ...input,
    headers: asSigned,
    auth,
    secretAccessKey,
    nowMs: options.nowMs,
    region: options.region,
    clockSkewMsMax: options.clockSkewMsMax,
  });
  return { accessKeyId: verified.accessKeyId, location: verified.location, payload: verified.payload, streaming: verified.streaming };
}

/**
 * The authentication of a request S3 answers without looking at its signature: a CORS preflight
 * (OPTIONS), which a browser sends to a presigned URL with the URL's query parameters but signed
 * for another method, so checking them would refuse every preflight of a presigned upload.
 */
export function unauthenticatedRequest(): S3Authentication {
  return { accessKeyId: '', anonymous: true, location: 'anonymous', payload: { payload: 'unsigned' }, streaming: anonymousStreamingContext };
}

/**
 * Header values as clients sign them. Node reads header bytes as latin1, but SDKs (botocore, Go,
 * Java) send non-ASCII values as UTF-8 bytes and sign the UTF-8 text, as S3 verifies it: a value
 * whose bytes are valid UTF-8 is read as UTF-8, any other keeps its latin1 reading (Node's own
 * client sends latin1 bytes for characters up to U+00FF). Only the signature sees this reading.
 */
export function headersAsSigned(headers: S3RequestHead['headers']): S3RequestHead['headers'] {
  const joined = (value: string | readonly string[] | undefined): string => (value === undefined ? '' : typeof value === 'string' ? value : value.join(''));
  if (!Object.values(headers).some((value) => nonAscii.test(joined(value)))) return headers;
  const asSigned: Record<string, string | readonly string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    asSigned[name] = value === undefined ? undefined : typeof value === 'string' ? utf8Reading(value) : value.map(utf8Reading);
  }
  return asSigned;
}

const nonAscii = /[\u0080-\uffff]/;
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function utf8Reading(latin1: string): string {
  if (!nonAscii.test(latin1)) return latin1;
  try {
    return utf8Strict.decode(Buffer.from(latin1, 'latin1'));
  } catch {
    return latin1;
  }
}

/** Never used: signed aws-chunked bodies are refused on anonymous requests (parsePayloadMode). */
const anonymousStreamingContext: StreamingSigningContext = { signingKey: new Uint8Array(0), requestDateTime: '', credentialScope: '', seedSignatureHex: '' };
