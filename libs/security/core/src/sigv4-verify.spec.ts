/**
 * SigV4 request verification against the worked examples of the AWS S3 API reference, then the ways
 * a request must be refused.
 *
 * Method: each AWS example ("Signature Calculations for the Authorization Header: Transferring
 * Payload in a Single Chunk", "Authenticating Requests: Using Query Parameters", "... Multiple
 * Chunks") is replayed exactly as published, with the published credentials and 2013-05-24 as
 * server time; a request passes only if our canonical request gives the published signature. The
 * negative cases change one thing about a passing request and expect S3's error code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSecurityError } from './errors.js';
import { parseHttpDateTime, parseSignedRequestAuth, type SignedRequestInput } from './sigv4-authorization.js';
import { normalizeHeaders, splitQuery } from './sigv4-encoding.js';
import { parsePayloadMode } from './sigv4-payload.js';
import { canonicalRequest, sha256Hex, signatureHex, signingKey, stringToSign } from './sigv4-signing.js';
import { verifyRequestSignature, type VerifiedRequest } from './sigv4-verify.js';

const accessKeyId = 'AKIAIOSFODNN7EXAMPLE';
const secretAccessKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const exampleTimeMs = Date.UTC(2013, 4, 24, 0, 0, 0);
const emptySha256Hex = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const minuteMs = 60_000;

function authorization(signedHeaders: string, signature: string): string {
  return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${signature}`;
}

const getObject: SignedRequestInput = {
  method: 'GET',
  path: '/test.txt',
  query: [],
  headers: {
    Host: 'examplebucket.s3.amazonaws.com',
    Range: 'bytes=0-9',
    'x-amz-content-sha256': emptySha256Hex,
    'x-amz-date': '20130524T000000Z',
    Authorization: authorization(
      'host;range;x-amz-content-sha256;x-amz-date',
      'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    ),
  },
};

const putObject: SignedRequestInput = {
  method: 'PUT',
  path: '/test$file.text',
  query: [],
  headers: {
    Host: 'examplebucket.s3.amazonaws.com',
    Date: 'Fri, 24 May 2013 00:00:00 GMT',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
    Authorization: authorization(
      'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
      '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
    ),
  },
};

function getBucket(query: string, signature: string): SignedRequestInput {
  return {
    method: 'GET',
    path: '/',
    query: splitQuery(query),
    headers: {
      Host: 'examplebucket.s3.amazonaws.com',
      'x-amz-content-sha256': emptySha256Hex,
      'x-amz-date': '20130524T000000Z',
      Authorization: authorization('host;x-amz-content-sha256;x-amz-date', signature),
    },
  };
}

const getBucketLifecycle = getBucket('lifecycle', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543');
const listObjects = getBucket('max-keys=2&prefix=J', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7');

const presignedGetObjectQuery =
  'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
  '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
  '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';

const presignedGetObject: SignedRequestInput = {
  method: 'GET',
  path: '/test.txt',
  query: splitQuery(presignedGetObjectQuery),
  headers: { host: 'examplebucket.s3.amazonaws.com' },
};

const chunkedPutObject: SignedRequestInput = {
  method: 'PUT',
  path: '/examplebucket/chunkObject.txt',
  query: [],
  headers: {
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    'content-length': '66824',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    authorization: authorization(
      'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
      '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
    ),
  },
};

function verify(
  request: SignedRequestInput,
  overrides: { nowMs?: number; secretAccessKey?: string; region?: string; payloadSha256Hex?: string } = {},
): VerifiedRequest {
  const auth = parseSignedRequestAuth(request);
  assert.ok(auth !== undefined, 'the request is signed');
  return verifyRequestSignature({
    ...request,
    auth,
    secretAccessKey: overrides.secretAccessKey ?? secretAccessKey,
    nowMs: overrides.nowMs ?? exampleTimeMs,
    region: overrides.region ?? 'us-east-1',
    ...(overrides.payloadSha256Hex === undefined ? {} : { payloadSha256Hex: overrides.payloadSha256Hex }),
  });
}

function withHeaders(request: SignedRequestInput, headers: Record<string, string | undefined>): SignedRequestInput {
  return { ...request, headers: { ...request.headers, ...headers } };
}

function rejectsWith(action: () => unknown, code: string, message?: string): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(isSecurityError(error), `expected a SecurityError, got ${String(error)}`);
    assert.equal(error.code, code);
    if (message !== undefined) assert.equal(error.message, message);
    return true;
  });
}

test('the AWS single-chunk examples verify: GET Object with Range, PUT Object, GET lifecycle, list objects', () => {
  assert.deepEqual(verify(getObject).payload, { payload: 'sha256', sha256Hex: emptySha256Hex });
  const put = verify(putObject, { payloadSha256Hex: sha256Hex('Welcome to Amazon S3.') });
  assert.equal(put.accessKeyId, accessKeyId);
  assert.equal(put.location, 'header');
  verify(getBucketLifecycle);
  verify(listObjects);
});

test('the GET Object canonical request is the one AWS publishes', () => {
  const auth = parseSignedRequestAuth(getObject);
  assert.ok(auth !== undefined);
  const canonical = canonicalRequest({
    ...getObject,
    headers: normalizeHeaders(getObject.headers),
    signedHeaderNames: auth.signedHeaderNames,
    payloadHash: auth.payloadHash,
  });
  assert.equal(
    canonical,
    [
      'GET',
      '/test.txt',
      '',
      'host:examplebucket.s3.amazonaws.com',
      'range:bytes=0-9',
      `x-amz-content-sha256:${emptySha256Hex}`,
      'x-amz-date:20130524T000000Z',
      '',
      'host;range;x-amz-content-sha256;x-amz-date',
      emptySha256Hex,
    ].join('\n'),
  );
  assert.equal(sha256Hex(canonical), '7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972');
});

test('a path sent with $ literally or as %24 matches the signature over /test%24file.text', () => {
  verify({ ...putObject, path: '/test%24file.text' });
  verify({ ...putObject, path: '/test%24file%2etext' });
});

test('the AWS presigned URL example verifies for its 86400 s lifetime and no longer', () => {
  const verified = verify(presignedGetObject);
  assert.equal(verified.location, 'query');
  assert.deepEqual(verified.payload, { payload: 'unsigned' });
  verify(presignedGetObject, { nowMs: exampleTimeMs + 86_400_000 });
  rejectsWith(() => verify(presignedGetObject, { nowMs: exampleTimeMs + 86_400_000 + 1 }), 'AccessDenied', 'Request has expired');
  rejectsWith(() => verify(presignedGetObject, { nowMs: exampleTimeMs - 16 * minuteMs }), 'AccessDenied', 'Request is not valid yet');
});

test('the AWS chunked upload example: the seed signature verifies and the streaming context is returned', () => {
  const verified = verify(chunkedPutObject);
  assert.deepEqual(verified.payload, { payload: 'streaming-signed', decodedSizeBytes: 66560, trailerNames: [] });
  assert.equal(verified.streaming.seedSignatureHex, '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
  assert.equal(verified.streaming.credentialScope, '20130524/us-east-1/s3/aws4_request');
  assert.equal(verified.streaming.requestDateTime, '20130524T000000Z');
});

test('a tampered signed header, path, query or method does not match', () => {
  rejectsWith(() => verify(withHeaders(getObject, { Range: 'bytes=0-10' })), 'SignatureDoesNotMatch');
  rejectsWith(() => verify({ ...getObject, path: '/test2.txt' }), 'SignatureDoesNotMatch');
  rejectsWith(() => verify({ ...listObjects, query: splitQuery('max-keys=3&prefix=J') }), 'SignatureDoesNotMatch');
  rejectsWith(() => verify({ ...getObject, method: 'DELETE' }), 'SignatureDoesNotMatch');
  rejectsWith(() => verify({ ...presignedGetObject, query: splitQuery(presignedGetObjectQuery.replace('86400', '86401')) }), 'SignatureDoesNotMatch');
});

test('a wrong secret does not match, and the error carries the canonical request and string to sign', () => {
  assert.throws(
    () => verify(getObject, { secretAccessKey: 'wrong' }),
    (error: unknown) => {
      assert.ok(isSecurityError(error) && error.code === 'SignatureDoesNotMatch');
      assert.match((error as unknown as { stringToSign: string }).stringToSign, /^AWS4-HMAC-SHA256\n20130524T000000Z\n/);
      return true;
    },
  );
});

test('header signatures are accepted within 15 minutes of the server clock and refused beyond', () => {
  verify(getObject, { nowMs: exampleTimeMs + 15 * minuteMs });
  verify(getObject, { nowMs: exampleTimeMs - 15 * minuteMs });
  rejectsWith(() => verify(getObject, { nowMs: exampleTimeMs + 15 * minuteMs + 1 }), 'RequestTimeTooSkewed');
  rejectsWith(() => verify(getObject, { nowMs: exampleTimeMs - 15 * minuteMs - 1 }), 'RequestTimeTooSkewed');
});

test('a request signed for another region names the expected region, as S3 does', () => {
  rejectsWith(
    () => verify(getObject, { region: 'eu-west-1' }),
    'AuthorizationHeaderMalformed',
    "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
  );
  rejectsWith(
    () => verify(presignedGetObject, { region: 'eu-west-1' }),
    'AuthorizationQueryParametersError',
    "Error parsing the X-Amz-Credential parameter; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
  );
});

test('presigned URLs live at most 7 days', () => {
  const week = presignedGetObjectQuery.replace('X-Amz-Expires=86400', 'X-Amz-Expires=604800');
  rejectsWith(() => verify({ ...presignedGetObject, query: splitQuery(week) }), 'SignatureDoesNotMatch');
  const longer = presignedGetObjectQuery.replace('X-Amz-Expires=86400', 'X-Amz-Expires=604801');
  rejectsWith(
    () => parseSignedRequestAuth({ ...presignedGetObject, query: splitQuery(longer) }),
    'AuthorizationQueryParametersError',
    'X-Amz-Expires must be less than a week (in seconds) that is 604800',
  );
  const negative = presignedGetObjectQuery.replace('X-Amz-Expires=86400', 'X-Amz-Expires=-1');
  rejectsWith(() => parseSignedRequestAuth({ ...presignedGetObject, query: splitQuery(negative) }), 'AuthorizationQueryParametersError');
});

test('host must be signed and every x-amz-* header present must be signed', () => {
  const unhosted = withHeaders(getObject, {
    Authorization: authorization('range;x-amz-content-sha256;x-amz-date', 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'),
  });
  rejectsWith(() => parseSignedRequestAuth(unhosted), 'AuthorizationHeaderMalformed');
  const presignedUnhosted = presignedGetObjectQuery.replace('X-Amz-SignedHeaders=host', 'X-Amz-SignedHeaders=range');
  rejectsWith(() => parseSignedRequestAuth({ ...presignedGetObject, query: splitQuery(presignedUnhosted) }), 'AuthorizationQueryParametersError');
  rejectsWith(() => verify(withHeaders(getObject, { 'x-amz-meta-late': 'added' })), 'AccessDenied');
  verify(withHeaders(getObject, { 'user-agent': 'not signed and harmless' }));
});

test('malformed authorization headers and query parameters are typed errors', () => {
  const cases: [string | undefined, string][] = [
    ['AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=', 'InvalidRequest'],
    ['AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request', 'AuthorizationHeaderMalformed'],
    [authorization('host', 'zz').replace('/aws4_request', '/aws5_request'), 'AuthorizationHeaderMalformed'],
    [authorization('host;x-amz-date', 'not-hex'), 'AuthorizationHeaderMalformed'],
    [authorization('host;host', 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'), 'AuthorizationHeaderMalformed'],
    [`${authorization('host', 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41')},Extra=1`, 'AuthorizationHeaderMalformed'],
  ];
  for (const [value, code] of cases) rejectsWith(() => parseSignedRequestAuth(withHeaders(getObject, { Authorization: value })), code);
  rejectsWith(() => parseSignedRequestAuth(withHeaders(getObject, { 'x-amz-date': undefined })), 'AccessDenied');
  rejectsWith(() => parseSignedRequestAuth(withHeaders(getObject, { 'x-amz-date': '2013-05-24T00:00:00Z' })), 'AccessDenied');
  rejectsWith(() => parseSignedRequestAuth(withHeaders(getObject, { 'x-amz-content-sha256': undefined })), 'InvalidRequest');
  rejectsWith(() => verify(withHeaders(getObject, { 'x-amz-content-sha256': 'abc' })), 'InvalidArgument');
  const dated = withHeaders(getObject, { Authorization: (getObject.headers['Authorization'] as string).replace('/20130524/', '/20130525/') });
  rejectsWith(() => verify(dated), 'AuthorizationHeaderMalformed');
  const both = { ...presignedGetObject, headers: { ...presignedGetObject.headers, authorization: getObject.headers['Authorization'] } };
  rejectsWith(() => parseSignedRequestAuth(both), 'InvalidArgument');
  rejectsWith(() => parseSignedRequestAuth({ ...presignedGetObject, query: splitQuery('X-Amz-Algorithm=AWS4-HMAC-SHA256') }), 'AuthorizationQueryParametersError');
  rejectsWith(
    () => parseSignedRequestAuth({ ...presignedGetObject, query: splitQuery(`${presignedGetObjectQuery}&X-Amz-Date=20130524T000000Z`) }),
    'AuthorizationQueryParametersError',
  );
});

test('anonymous requests parse to undefined', () => {
  assert.equal(parseSignedRequestAuth({ method: 'GET', path: '/b/k', query: splitQuery('versionId=1'), headers: { host: 'x' } }), undefined);
});

test('a signed body whose computed SHA-256 differs is XAmzContentSHA256Mismatch', () => {
  rejectsWith(() => verify(putObject, { payloadSha256Hex: sha256Hex('Welcome to Amazon S3!') }), 'XAmzContentSHA256Mismatch');
});

test('aws-chunked payload modes need a decoded length and a header signature', () => {
  rejectsWith(() => verify(withHeaders(chunkedPutObject, { 'x-amz-decoded-content-length': undefined })), 'InvalidRequest');
  const headers = normalizeHeaders({ 'x-amz-decoded-content-length': '3', 'x-amz-trailer': 'X-Amz-Checksum-Crc32' });
  const payloadHash = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  rejectsWith(() => parsePayloadMode({ payloadHash, headers, location: 'query' }), 'InvalidRequest');
  assert.deepEqual(parsePayloadMode({ payloadHash, headers, location: 'anonymous' }), {
    payload: 'streaming-unsigned-trailer',
    decodedSizeBytes: 3,
    trailerNames: ['x-amz-checksum-crc32'],
  });
  rejectsWith(() => parsePayloadMode({ payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', headers, location: 'anonymous' }), 'InvalidRequest');
});

test('the AWS trailing-checksum example: the seed signature verifies and the trailer is declared', () => {
  const trailerRequest = withHeaders(chunkedPutObject, {
    'content-length': undefined,
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
    'x-amz-trailer': 'x-amz-checksum-crc32c',
    authorization: authorization(
      'content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer',
      '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e',
    ),
  });
  assert.deepEqual(verify(trailerRequest).payload, {
    payload: 'streaming-signed-trailer',
    decodedSizeBytes: 66560,
    trailerNames: ['x-amz-checksum-crc32c'],
  });
});

test('without x-amz-date the Date header dates the request, in any zone an HTTP date may name (botocore sends Date alone when a caller sets one)', () => {
  const scope = { date: '20130524', region: 'us-east-1', service: 's3' };
  const signedWithDate = (date: string): SignedRequestInput => {
    const headers = { Host: 'examplebucket.s3.amazonaws.com', Range: 'bytes=0-9', 'x-amz-content-sha256': emptySha256Hex, Date: date };
    const signedHeaderNames = ['date', 'host', 'range', 'x-amz-content-sha256'];
    const canonical = canonicalRequest({ method: 'GET', path: '/test.txt', query: [], headers: normalizeHeaders(headers), signedHeaderNames, payloadHash: emptySha256Hex });
    const signature = signatureHex(signingKey(secretAccessKey, scope), stringToSign({ requestDateTime: '20130524T000000Z', scope, canonicalRequest: canonical }));
    return { method: 'GET', path: '/test.txt', query: [], headers: { ...headers, Authorization: authorization(signedHeaderNames.join(';'), signature) } };
  };
  for (const date of ['Fri, 24 May 2013 00:00:00 GMT', 'Fri, 24 May 2013 00:00:00 -0000', 'Fri, 24 May 2013 02:00:00 +0200', '24 May 2013 00:00:00 UTC']) {
    assert.equal(verify(signedWithDate(date)).accessKeyId, accessKeyId, date);
  }
  assert.equal(parseHttpDateTime('Thu, 23 May 2013 22:30:00 -0130'), exampleTimeMs);
  rejectsWith(() => verify(signedWithDate('Fri, 24 May 2013 00:00:01 GMT')), 'SignatureDoesNotMatch');
  rejectsWith(() => verify(signedWithDate('Fri, 31 Feb 2013 00:00:00 GMT')), 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  rejectsWith(() => verify(signedWithDate('yesterday')), 'AccessDenied');
});
