/**
 * Goal: the S3 edge answers CORS as S3 does around authentication. An OPTIONS preflight is answered
 * from the bucket's rules alone, also when it is sent to a presigned URL (its query parameters are
 * signed for the PUT that follows, or name an unknown key): browsers preflight every presigned PUT.
 * An error answer to a request whose Origin a rule allows keeps the Access-Control-* headers and
 * Vary (a refused signature, an anonymous request the bucket refuses), so the page can read it; an
 * Origin no rule allows gets none.
 *
 * Method: an {@link S3Server} on a loopback `node:http` server over a metadata view with one bucket
 * and its rules (no Raft group: these answers read the state only), requests with `fetch`.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { CorsRule } from '@objectbox/object-store-core';
import { createLogger } from '@objectbox/observability';
import type { BlobStore } from './blob-store.js';
import { rootCredentialStore } from './s3-request-auth.js';
import { S3Server, type S3MetadataStore } from './s3-server.js';

const root = { accessKeyId: 'AKIDSPEC', secretAccessKey: 'spec-secret' };
const cors: readonly CorsRule[] = [{ allowedMethods: ['PUT', 'GET'], allowedOrigins: ['https://app.example.com'], allowedHeaders: ['*'], exposeHeaders: ['ETag'], maxAgeSeconds: 3000 }];
const view = {
  headBucket: (name: string) => (name === 'b' ? { ok: true, value: { name: 'b', cors } } : { ok: false, error: { code: 'NoSuchBucket' } }),
};
let server: Server;
let port: number;

before(async () => {
  const s3 = new S3Server({
    region: 'us-east-1',
    virtualHostDomains: [],
    credentials: rootCredentialStore(root),
    metadata: {
      propose: () => {
        throw new Error('propose is not used by these requests');
      },
      read: () => Promise.resolve(view),
      readLocal: () => view,
    } as unknown as S3MetadataStore,
    blobs: {} as BlobStore,
    logger: createLogger({ level: 'silent', processName: 's3-server-cors-spec' }),
  });
  server = createServer((request, response) => s3.handleRequest(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function send(method: string, target: string, headers: Record<string, string>): Promise<{ status: number; code: string | undefined; cors: Record<string, string> }> {
  const response = await fetch(`http://127.0.0.1:${port}${target}`, { method, headers });
  const text = await response.text();
  const corsHeaders: Record<string, string> = {};
  for (const [name, value] of response.headers) if (name.startsWith('access-control-') || name === 'vary') corsHeaders[name] = value;
  return { status: response.status, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], cors: corsHeaders };
}

/** A presigned URL's query (a well-formed one with a current date; its signature cannot hold for OPTIONS). */
function presignedQuery(accessKeyId: string): string {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const credential = encodeURIComponent(`${accessKeyId}/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`);
  return `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${credential}&X-Amz-Date=${amzDate}&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=${'0'.repeat(64)}`;
}

const allowedOrigin = 'https://app.example.com';

test('a preflight to a presigned URL is answered from the CORS rules, whatever key or signature the URL carries', async () => {
  const preflight = { origin: allowedOrigin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' };
  for (const accessKeyId of [root.accessKeyId, 'AKIDUNKNOWN']) {
    const answer = await send('OPTIONS', `/b/upload.bin?${presignedQuery(accessKeyId)}`, preflight);
    assert.equal(answer.status, 200, `${accessKeyId}: ${answer.code}`);
    assert.equal(answer.cors['access-control-allow-origin'], allowedOrigin);
    assert.equal(answer.cors['access-control-allow-methods'], 'PUT, GET');
    assert.equal(answer.cors['access-control-allow-headers'], 'content-type');
  }
  const refused = await send('OPTIONS', `/b/upload.bin?${presignedQuery(root.accessKeyId)}`, { ...preflight, origin: 'https://evil.example.com' });
  assert.equal(refused.status, 403);
  assert.equal(refused.code, 'AccessForbidden');
});

test('an error answer keeps the Access-Control-* headers and Vary for an allowed Origin, and has none for another', async () => {
  const badSignature = await send('GET', `/b/k?${presignedQuery(root.accessKeyId)}`, { origin: allowedOrigin });
  assert.deepEqual([badSignature.status, badSignature.code], [403, 'SignatureDoesNotMatch']);
  const anonymous = await send('GET', '/b/k', { origin: allowedOrigin });
  assert.deepEqual([anonymous.status, anonymous.code], [403, 'AccessDenied']);
  for (const answer of [badSignature, anonymous]) {
    assert.equal(answer.cors['access-control-allow-origin'], allowedOrigin);
    assert.equal(answer.cors['access-control-allow-methods'], 'PUT, GET');
    assert.equal(answer.cors['access-control-expose-headers'], 'ETag');
    assert.equal(answer.cors['access-control-allow-credentials'], 'true');
    assert.match(answer.cors.vary ?? '', /^Origin\b/);
  }
  const otherOrigin = await send('GET', '/b/k', { origin: 'https://evil.example.com' });
  assert.deepEqual([otherOrigin.status, otherOrigin.code, otherOrigin.cors], [403, 'AccessDenied', {}]);
});
