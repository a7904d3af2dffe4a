/**
 * Goal: CORS as S3 has it. Put/Get/DeleteBucketCors with @aws-sdk/client-s3 store, return and remove
 * a CORSConfiguration (kept across a restart); S3's errors come back for a bad one (unsupported
 * method, two wildcards, no rule) and for a bucket without one (404 NoSuchCORSConfiguration). The
 * unauthenticated OPTIONS preflight answers 200 with the first matching rule's Access-Control-*
 * headers, 403 AccessForbidden when no rule matches or the bucket has no rules, 400 BadRequest
 * without Origin or with a bad Access-Control-Request-Method; an ordinary request with an Origin a
 * rule allows gets Access-Control-Allow-Origin (and one no rule allows gets none), on an error answer
 * too. A browser upload to a presigned PUT URL works: its preflight (sent to the URL, query
 * parameters included) is answered from the rules, and the PUT with the Origin gets its headers.
 * Method: `objectbox start object-store`; @aws-sdk/client-s3 signed with the root key; raw
 * `node:http` requests for OPTIONS and Origin (a browser's view).
 */
import { strict as assert } from 'node:assert';
import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  GetBucketCorsCommand,
  PutBucketCorsCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type CORSRule,
  S3Client,
} from '@aws-sdk/client-s3';
import { cleanUp } from './harness.js';
import { errorCodeOf, type S3UnderTest, startObjectStore } from './s3-e2e-support.js';

const hmac = (key: Buffer | string, text: string): Buffer => createHmac('sha256', key).update(text).digest();

/** A presigned PUT target (query authentication, only `host` signed, SigV4 as S3 documents it); `path` needs no percent-encoding. */
function presignedPutTarget(s3: S3UnderTest, path: string): string {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const scope = `${amzDate.slice(0, 8)}/${s3.region}/s3/aws4_request`;
  const query = [
    `X-Amz-Algorithm=AWS4-HMAC-SHA256`,
    `X-Amz-Credential=${encodeURIComponent(`${s3.accessKeyId}/${scope}`)}`,
    `X-Amz-Date=${amzDate}`,
    `X-Amz-Expires=300`,
    `X-Amz-SignedHeaders=host`,
  ].join('&');
  const canonicalRequest = ['PUT', path, query, `host:${new URL(s3.endpoint).host}\n`, 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${s3.secretAccessKey}`, amzDate.slice(0, 8)), s3.region), 's3'), 'aws4_request');
  return `${path}?${query}&X-Amz-Signature=${hmac(key, stringToSign).toString('hex')}`;
}

describe('CORS against objectbox start object-store', () => {
  let s3: S3UnderTest;
  let client: S3Client;

  function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
    const { hostname, port } = new URL(s3.endpoint);
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest({ host: hostname, port: Number(port), method, path, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  const rules = [
    { ID: 'app', AllowedOrigins: ['https://*.example.com'], AllowedMethods: ['PUT', 'GET'], AllowedHeaders: ['x-amz-*', 'Content-Type'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3000 },
    { AllowedOrigins: ['*'], AllowedMethods: ['GET'] },
  ];

  before(async () => {
    s3 = await startObjectStore();
    client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    await client.send(new CreateBucketCommand({ Bucket: 'site' }));
    await client.send(new PutObjectCommand({ Bucket: 'site', Key: 'index.html', Body: '<p>hi</p>' }));
    const publicRead = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' }] };
    await client.send(new PutBucketPolicyCommand({ Bucket: 'site', Policy: JSON.stringify(publicRead) }));
  });
  after(async () => {
    client?.destroy();
    await cleanUp();
  });

  test('Put/Get/DeleteBucketCors store, return and remove the rules; bad ones get S3 errors; they survive a restart', async () => {
    assert.deepEqual(await errorCodeOf(client.send(new GetBucketCorsCommand({ Bucket: 'site' }))), { code: 'NoSuchCORSConfiguration', status: 404 });
    await client.send(new PutBucketCorsCommand({ Bucket: 'site', CORSConfiguration: { CORSRules: rules } }));
    const got = await client.send(new GetBucketCorsCommand({ Bucket: 'site' }));
    assert.deepEqual(got.CORSRules, [rules[0], rules[1]]);

    const bad = (CORSRules: CORSRule[]) => errorCodeOf(client.send(new PutBucketCorsCommand({ Bucket: 'site', CORSConfiguration: { CORSRules } })));
    assert.deepEqual(await bad([{ AllowedOrigins: ['*'], AllowedMethods: ['PATCH'] }]), { code: 'InvalidRequest', status: 400 });
    assert.deepEqual(await bad([{ AllowedOrigins: ['https://*.*.example.com'], AllowedMethods: ['GET'] }]), { code: 'InvalidRequest', status: 400 });
    assert.deepEqual(await bad([]), { code: 'MalformedXML', status: 400 });
    assert.deepEqual((await client.send(new GetBucketCorsCommand({ Bucket: 'site' }))).CORSRules, got.CORSRules, 'a refused configuration changes nothing');

    client.destroy();
    await s3.process.stop('SIGKILL');
    s3 = await startObjectStore({ restartOf: s3 });
    client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    assert.deepEqual((await client.send(new GetBucketCorsCommand({ Bucket: 'site' }))).CORSRules, got.CORSRules);
  });

  test('the OPTIONS preflight answers by the first matching rule, unauthenticated; 403 and 400 as S3', async () => {
    const allowed = await raw('OPTIONS', '/site/upload.bin', { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type, x-amz-date' });
    assert.equal(allowed.status, 200, allowed.text);
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example.com');
    assert.equal(allowed.headers['access-control-allow-methods'], 'PUT, GET');
    assert.equal(allowed.headers['access-control-allow-headers'], 'content-type, x-amz-date');
    assert.equal(allowed.headers['access-control-expose-headers'], 'ETag');
    assert.equal(allowed.headers['access-control-max-age'], '3000');
    assert.equal(allowed.headers['access-control-allow-credentials'], 'true');

    const anyOrigin = await raw('OPTIONS', '/site/index.html', { Origin: 'http://elsewhere.test', 'Access-Control-Request-Method': 'GET' });
    assert.equal(anyOrigin.status, 200);
    assert.equal(anyOrigin.headers['access-control-allow-origin'], '*');

    const refused: Record<string, string>[] = [
      { Origin: 'http://elsewhere.test', 'Access-Control-Request-Method': 'PUT' },
      { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization' },
      { Origin: 'https://example.com', 'Access-Control-Request-Method': 'PUT' },
    ];
    for (const headers of refused) {
      const answer = await raw('OPTIONS', '/site/upload.bin', headers);
      assert.equal(answer.status, 403, JSON.stringify(headers));
      assert.match(answer.text, /<Code>AccessForbidden<\/Code>/);
      assert.equal(answer.headers['access-control-allow-origin'], undefined);
    }
    const noOrigin = await raw('OPTIONS', '/site/index.html', { 'Access-Control-Request-Method': 'GET' });
    assert.equal(noOrigin.status, 400);
    assert.match(noOrigin.text, /<Code>BadRequest<\/Code>/);
    const badMethod = await raw('OPTIONS', '/site/index.html', { Origin: 'http://elsewhere.test', 'Access-Control-Request-Method': 'PATCH' });
    assert.equal(badMethod.status, 400);

    await client.send(new CreateBucketCommand({ Bucket: 'plain' }));
    const notEnabled = await raw('OPTIONS', '/plain/x', { Origin: 'http://elsewhere.test', 'Access-Control-Request-Method': 'GET' });
    assert.equal(notEnabled.status, 403);
    assert.match(notEnabled.text, /CORS is not enabled for this bucket/);
  });

  test('a browser upload to a presigned PUT URL: the preflight to the URL is answered from the rules, the PUT carries the headers', async () => {
    const target = presignedPutTarget(s3, '/site/upload.bin');
    const origin = 'https://app.example.com';
    const preflight = await raw('OPTIONS', target, { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'content-type' });
    assert.equal(preflight.status, 200, preflight.text);
    assert.equal(preflight.headers['access-control-allow-origin'], origin);
    assert.equal(preflight.headers['access-control-allow-methods'], 'PUT, GET');
    const unknownKey = await raw('OPTIONS', target.replace(encodeURIComponent(s3.accessKeyId), 'AKIDNOSUCHKEY'), { Origin: origin, 'Access-Control-Request-Method': 'PUT' });
    assert.equal(unknownKey.status, 200, unknownKey.text);

    const put = await raw('PUT', target, { Origin: origin, 'Content-Type': 'application/octet-stream' }, 'uploaded from a page');
    assert.equal(put.status, 200, put.text);
    assert.equal(put.headers['access-control-allow-origin'], origin);
    assert.equal(put.headers['access-control-expose-headers'], 'ETag');
    const got = await raw('GET', '/site/upload.bin', {});
    assert.equal(got.text, 'uploaded from a page');
  });

  test('an error answer to a request with an allowed Origin keeps Access-Control-* and Vary', async () => {
    const origin = 'https://app.example.com';
    const badSignature = await raw('PUT', presignedPutTarget(s3, '/site/upload.bin').replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`), { Origin: origin }, 'x');
    assert.equal(badSignature.status, 403);
    assert.match(badSignature.text, /<Code>SignatureDoesNotMatch<\/Code>/);
    const noSuchKey = await raw('GET', '/site/missing.html', { Origin: 'http://elsewhere.test' });
    assert.equal(noSuchKey.status, 404);
    assert.match(noSuchKey.text, /<Code>NoSuchKey<\/Code>/);
    for (const [answer, allowOrigin] of [[badSignature, origin], [noSuchKey, '*']] as const) {
      assert.equal(answer.headers['access-control-allow-origin'], allowOrigin);
      assert.match(String(answer.headers.vary), /^Origin\b/);
    }
    const refusedOrigin = await raw('PUT', '/site/upload.bin', { Origin: 'http://elsewhere.test' }, 'x');
    assert.equal(refusedOrigin.status, 403);
    assert.equal(refusedOrigin.headers['access-control-allow-origin'], undefined);
  });

  test('an ordinary request with an allowed Origin carries Access-Control-Allow-Origin; others do not', async () => {
    const page = await raw('GET', '/site/index.html', { Origin: 'http://elsewhere.test' });
    assert.equal(page.status, 200);
    assert.equal(page.text, '<p>hi</p>');
    assert.equal(page.headers['access-control-allow-origin'], '*');
    assert.equal(page.headers['access-control-allow-methods'], 'GET');
    const noOrigin = await raw('GET', '/site/index.html', {});
    assert.equal(noOrigin.headers['access-control-allow-origin'], undefined);
    // DELETE is allowed by no rule: no CORS headers (and, unsigned, 403 anyway).
    const deleting = await raw('DELETE', '/site/index.html', { Origin: 'https://app.example.com' });
    assert.equal(deleting.headers['access-control-allow-origin'], undefined);

    await client.send(new DeleteBucketCorsCommand({ Bucket: 'site' }));
    assert.deepEqual(await errorCodeOf(client.send(new GetBucketCorsCommand({ Bucket: 'site' }))), { code: 'NoSuchCORSConfiguration', status: 404 });
    const after = await raw('GET', '/site/index.html', { Origin: 'http://elsewhere.test' });
    assert.equal(after.status, 200);
    assert.equal(after.headers['access-control-allow-origin'], undefined);
    const preflight = await raw('OPTIONS', '/site/index.html', { Origin: 'http://elsewhere.test', 'Access-Control-Request-Method': 'GET' });
    assert.equal(preflight.status, 403);
  });
});
