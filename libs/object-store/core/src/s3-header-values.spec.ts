import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkHeaderField, isHeaderName, mailSafeHeaderValue, writableHeaderValue } from './s3-header-values.js';
import { codeOf } from './s3-errors.spec-helper.js';

describe('header values from forms', () => {
  it('refuses names that are not tokens and values with control characters', () => {
    assert.equal(isHeaderName('x-amz-meta-a'), true);
    assert.equal(codeOf(() => checkHeaderField('x-amz-meta-a b', 'v')), 'InvalidArgument');
    assert.equal(codeOf(() => checkHeaderField('x-amz-meta-a', 'v\r\nSet-Cookie: a=b')), 'InvalidArgument');
    assert.equal(codeOf(() => checkHeaderField('content-type', 'text/plain\n')), 'InvalidArgument');
    assert.equal(codeOf(() => checkHeaderField('x-amz-meta-a', 'nul\u0000')), 'InvalidArgument');
    assert.equal(codeOf(() => checkHeaderField('x-amz-meta-a', 'tab\tand ☃ are fine')), 'no error');
  });

  it('writes non-US-ASCII values RFC 2047-encoded, as S3 returns user metadata', () => {
    assert.equal(mailSafeHeaderValue('plain value'), 'plain value');
    assert.equal(mailSafeHeaderValue('☃'), '=?UTF-8?B?4piD?=');
    assert.equal(mailSafeHeaderValue('caf\u00e9'), `=?UTF-8?B?${Buffer.from('café', 'utf8').toString('base64')}?=`);
    // Going out: Latin-1 text (request header bytes) is written back as the same bytes; a stored value
    // node cannot write (a line break or a character past Latin-1, kept by an older version) is encoded.
    assert.equal(writableHeaderValue('Hello World\u00c3\u00a9'), 'Hello World\u00c3\u00a9');
    assert.match(writableHeaderValue('v\r\nSet-Cookie: a'), /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    assert.equal(writableHeaderValue('☃'), '=?UTF-8?B?4piD?=');
  });
});
