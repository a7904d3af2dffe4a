import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amzDateTime, objectPath, presignedTarget } from './bench-s3-presign.js';

describe('presignedTarget', () => {
  it('reproduces the presigned GET of the S3 API reference ("Authenticating Requests: Using Query Parameters")', () => {
    const target = presignedTarget({
      method: 'GET',
      host: 'examplebucket.s3.amazonaws.com',
      path: '/test.txt',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1' },
      nowMs: Date.UTC(2013, 4, 24),
      expiresSeconds: 86_400,
    });
    assert.equal(
      target,
      '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
        '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
        '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    );
  });
});

describe('SigV4 encoding', () => {
  it('object paths encode everything but the unreserved characters; slashes are kept in keys only', () => {
    assert.equal(objectPath('bench', "a b/c!'()*~._-"), '/bench/a%20b/c%21%27%28%29%2A~._-');
    assert.equal(objectPath('a/b', ''), '/a%2Fb');
    assert.equal(objectPath('bench', 'size-4k/000001'), '/bench/size-4k/000001');
    assert.equal(objectPath('bench', ''), '/bench');
  });

  it('formats the request time', () => {
    assert.equal(amzDateTime(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), '20240102T030405Z');
  });
});
