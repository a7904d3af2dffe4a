/**
 * Authentication at the edge with the signing-key memo (security-core `signingKeyObjectMemoised`).
 * Goal: the memo saves only the key derivation, never the lookup: a request is judged by the access
 * key's state at the time it arrives, so a deleted or deactivated key stops working at once although
 * its derived key is still memoised, and a rotated secret (the same id with a new secret) refuses
 * signatures made with the old one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccessKey } from '@objectbox/object-store-core';
import { credentialScopeString, signatureHex, signingKey, sigv4Algorithm, stringToSign, uriEncode } from '@objectbox/security-core';
import { AccessKeySecretCipher, generateMasterKey } from './access-key-secrets.js';
import { authenticateS3Request, machineCredentialStore } from './s3-request-auth.js';

const region = 'us-east-1';
const nowMs = Date.UTC(2026, 11, 1, 12, 0, 0);
const host = 'objects.example:9000';

/** A presigned GET of `/bucket/key` (only `host` signed), as an SDK builds it. */
function presignedGet(accessKeyId: string, secretAccessKey: string): { method: string; target: string; headers: Record<string, string> } {
  const requestDateTime = '20261201T120000Z';
  const scope = { date: '20261201', region, service: 's3' };
  const query = [
    ['X-Amz-Algorithm', sigv4Algorithm],
    ['X-Amz-Credential', `${accessKeyId}/${credentialScopeString(scope)}`],
    ['X-Amz-Date', requestDateTime],
    ['X-Amz-Expires', '300'],
    ['X-Amz-SignedHeaders', 'host'],
  ]
    .map(([name, value]) => `${name}=${uriEncode(value!, { encodeSlash: true })}`)
    .join('&');
  const canonicalRequest = ['GET', '/bucket/key', query, `host:${host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const signature = signatureHex(signingKey(secretAccessKey, scope), stringToSign({ requestDateTime, scope, canonicalRequest }));
  return { method: 'GET', target: `/bucket/key?${query}&X-Amz-Signature=${signature}`, headers: { host } };
}

test('a memoised signing key does not outlive its access key: deleted, deactivated or rotated keys are refused at once', () => {
  const cipher = new AccessKeySecretCipher(generateMasterKey());
  const accessKeyId = 'OBMEMOAAAAAAAAAAAAAA';
  const keys = new Map<string, AccessKey>();
  const put = (secret: string, status: AccessKey['status']) => keys.set(accessKeyId, { accessKeyId, ...cipher.encrypt(accessKeyId, secret), createdAtMs: 1, status });
  const credentials = machineCredentialStore({ root: { accessKeyId: 'root', secretAccessKey: 'root-secret' }, accessKeyOf: (id) => keys.get(id), cipher, onUndecryptable: () => {} });
  const authenticate = (head: ReturnType<typeof presignedGet>) => authenticateS3Request({ head, credentials, region, nowMs, clockSkewMsMax: 15 * 60 * 1000 });

  put('first-secret', 'Active');
  const signed = presignedGet(accessKeyId, 'first-secret');
  // Twice: the second is served with the memoised key.
  assert.equal(authenticate(signed).accessKeyId, accessKeyId);
  assert.equal(authenticate(signed).accessKeyId, accessKeyId);

  put('first-secret', 'Inactive');
  assert.throws(() => authenticate(signed), { code: 'InvalidAccessKeyId' });
  put('first-secret', 'Active');
  assert.equal(authenticate(signed).accessKeyId, accessKeyId, 'reactivated: valid again');

  keys.delete(accessKeyId);
  assert.throws(() => authenticate(signed), { code: 'InvalidAccessKeyId' });

  // Rotated: the same id under a new secret. The old secret's memoised key is never consulted.
  put('second-secret', 'Active');
  assert.throws(() => authenticate(signed), { code: 'SignatureDoesNotMatch' });
  assert.equal(authenticate(presignedGet(accessKeyId, 'second-secret')).accessKeyId, accessKeyId);
});
