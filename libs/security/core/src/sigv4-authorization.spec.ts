/**
 * parseSignedRequestAuth's memo of Credential and SignedHeaders strings keeps nothing of the request
 * it saw first: a received string is often a slice of the whole URL (V8 keeps the parent alive with
 * a slice), so the memo must hold copies of its own. Method: parse a thousand presigned URLs, each
 * with a distinct credential and a 15 KB parameter, force a collection (gc through V8's flag) and
 * compare the heap with what the URLs would pin.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseSignedRequestAuth } from './sigv4-authorization.js';
import { splitQuery } from './sigv4-encoding.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

test('memoised credentials and signed-header lists do not keep the URLs they came from alive', () => {
  const requestCount = 1_000;
  const padding = 'x'.repeat(15_000);
  collectGarbage();
  const heapBefore = process.memoryUsage().heapUsed;
  let accessKeyIdLast = '';
  for (let index = 0; index < requestCount; index++) {
    // Unescaped '/' and ';', as clients may send them: the parsed values can then be slices of the URL.
    const url =
      `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID${index}/20261201/us-east-1/s3/aws4_request` +
      `&X-Amz-Date=20261201T000000Z&X-Amz-Expires=600&X-Amz-SignedHeaders=host;x-amz-meta-${index}` +
      `&X-Amz-Signature=${'0'.repeat(64)}&pad=${padding}${index}`;
    const auth = parseSignedRequestAuth({ method: 'GET', path: '/b/k', query: splitQuery(url), headers: { host: 'localhost' } });
    assert.ok(auth !== undefined);
    assert.deepEqual(auth.signedHeaderNames, ['host', `x-amz-meta-${index}`]);
    accessKeyIdLast = auth.accessKeyId;
  }
  collectGarbage();
  const retainedBytes = process.memoryUsage().heapUsed - heapBefore;
  assert.equal(accessKeyIdLast, `AKID${requestCount - 1}`);
  // The URLs are ~15 MB in all; the memos' own entries are a few hundred KB.
  assert.ok(retainedBytes < 4 * 1024 * 1024, `${(retainedBytes / 1024 / 1024).toFixed(1)} MiB retained after ${requestCount} requests`);
});
