import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { checkEncryptionHeaders } from './s3-encryption-headers.js';
import { isS3Error } from './s3-errors.js';

const md5Base64 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('base64');
// The SSE-C key and its MD5 used by ceph/s3-tests.
const key = 'pO3upElrwuEXSoFwCfnZPdSsmt/xWeFa0N9KgDijwVs=';
const keyMd5 = 'DWygnHRtgiJ77HCm+1rvHw==';
const customer = (fields: { algorithm?: string; key?: string; md5?: string }, prefix = 'x-amz-server-side-encryption-customer-') => ({
  ...(fields.algorithm === undefined ? {} : { [`${prefix}algorithm`]: fields.algorithm }),
  ...(fields.key === undefined ? {} : { [`${prefix}key`]: fields.key }),
  ...(fields.md5 === undefined ? {} : { [`${prefix}key-md5`]: fields.md5 }),
});

function codeOf(operation: string, headers: Record<string, string>): string | undefined {
  try {
    checkEncryptionHeaders(operation, headers, md5Base64);
    return undefined;
  } catch (error) {
    assert.ok(isS3Error(error), String(error));
    return `${error.httpStatusCode} ${error.code}`;
  }
}

describe('checkEncryptionHeaders', () => {
  it('passes requests without encryption headers, and SSE-S3 (AES256) on writes', () => {
    assert.equal(codeOf('GetObject', {}), undefined);
    for (const operation of ['PutObject', 'CopyObject', 'CreateMultipartUpload']) {
      assert.equal(codeOf(operation, { 'x-amz-server-side-encryption': 'AES256' }), undefined, operation);
    }
  });

  it('refuses SSE headers on reads and unknown SSE values with InvalidArgument (test_sse_kms_read_declare)', () => {
    const kms = { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'testkey-1' };
    assert.equal(codeOf('GetObject', kms), '400 InvalidArgument');
    assert.equal(codeOf('HeadObject', { 'x-amz-server-side-encryption': 'AES256' }), '400 InvalidArgument');
    assert.equal(codeOf('PutObject', { 'x-amz-server-side-encryption': 'AES128' }), '400 InvalidArgument');
    assert.equal(codeOf('PutObject', kms), '501 NotImplemented');
    assert.equal(codeOf('CreateMultipartUpload', { 'x-amz-server-side-encryption': 'aws:kms:dsse' }), '501 NotImplemented');
  });

  it('checks SSE-C headers as S3 does, then answers NotImplemented (test_encryption_sse_c_*)', () => {
    assert.equal(codeOf('PutObject', customer({ algorithm: 'AES256', key, md5: keyMd5 })), '501 NotImplemented');
    assert.equal(codeOf('GetObject', customer({ algorithm: 'AES256', key, md5: keyMd5 })), '501 NotImplemented');
    assert.equal(codeOf('PutObject', customer({ key, md5: keyMd5 })), '400 InvalidArgument'); // test_encryption_key_no_sse_c
    assert.equal(codeOf('PutObject', customer({ algorithm: 'AES256' })), '400 InvalidArgument'); // test_encryption_sse_c_no_key
    assert.equal(codeOf('PutObject', customer({ algorithm: 'AES256', key })), '400 InvalidArgument'); // test_encryption_sse_c_no_md5
    assert.equal(codeOf('PutObject', customer({ algorithm: 'AES256', key, md5: 'AAAAAAAAAAAAAAAAAAAAAA==' })), '400 InvalidArgument'); // _invalid_md5
    assert.equal(codeOf('PutObject', customer({ algorithm: 'AES256', key: 'c2hvcnQ=', md5: md5Base64(Buffer.from('short')) })), '400 InvalidArgument');
    assert.equal(codeOf('PutObject', customer({ algorithm: 'DES', key, md5: keyMd5 })), '400 InvalidEncryptionAlgorithmError');
    assert.equal(codeOf('DeleteObject', customer({ algorithm: 'AES256', key, md5: keyMd5 })), '400 InvalidArgument');
    const copySource = customer({ algorithm: 'AES256', key, md5: keyMd5 }, 'x-amz-copy-source-server-side-encryption-customer-');
    assert.equal(codeOf('CopyObject', copySource), '501 NotImplemented');
    assert.equal(codeOf('PutObject', copySource), undefined);
  });
});
