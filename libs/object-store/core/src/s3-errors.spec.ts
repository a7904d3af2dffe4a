/**
 * Goal: every S3 error answers with Amazon's code, status and document; security errors map once.
 * Method: the status table is checked against the S3 API reference's "List of error codes"; documents
 * are compared byte for byte with the shapes in the reference and in real AWS responses (wrong region,
 * expired presigned URL); escaping is checked with hostile text and a property test.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AssertionError } from '@objectbox/util';
import {
  AccessDeniedError,
  AuthenticationInvalidArgumentError,
  AuthorizationRegionWrongError,
  IncompleteBodyError,
  InvalidAccessKeyIdError,
  RequestTimeTooSkewedError,
  SignatureDoesNotMatchError,
  XAmzContentSha256MismatchError,
} from '@objectbox/security-core';
import {
  S3Error,
  escapeXmlText,
  isS3Error,
  renderS3ErrorXml,
  s3ErrorCodes,
  s3ErrorFromSecurityError,
  s3Errors,
  toS3Error,
  type S3ErrorCode,
} from './s3-errors.js';

const ids = { requestId: '4442587FB7D0A2F9', hostId: 'host-1' };

describe('s3ErrorCodes', () => {
  it('has the statuses of the S3 API reference', () => {
    const expected: Partial<Record<S3ErrorCode, number>> = {
      AccessDenied: 403,
      BucketAlreadyOwnedByYou: 409,
      BucketAlreadyExists: 409,
      BucketNotEmpty: 409,
      EntityTooSmall: 400,
      EntityTooLarge: 400,
      InvalidArgument: 400,
      InvalidBucketName: 400,
      InvalidDigest: 400,
      BadDigest: 400,
      InvalidPart: 400,
      InvalidPartOrder: 400,
      InvalidRange: 416,
      InvalidRequest: 400,
      KeyTooLongError: 400,
      MalformedXML: 400,
      MetadataTooLarge: 400,
      MethodNotAllowed: 405,
      MissingContentLength: 411,
      NoSuchBucket: 404,
      NoSuchKey: 404,
      NoSuchUpload: 404,
      NoSuchVersion: 404,
      NoSuchTagSet: 404,
      NotImplemented: 501,
      PreconditionFailed: 412,
      NotModified: 304,
      RequestTimeTooSkewed: 403,
      SignatureDoesNotMatch: 403,
      InvalidAccessKeyId: 403,
      AuthorizationHeaderMalformed: 400,
      AuthorizationQueryParametersError: 400,
      ExpiredToken: 400,
      XAmzContentSHA256Mismatch: 400,
      InternalError: 500,
      ServiceUnavailable: 503,
      SlowDown: 503,
      IncompleteBody: 400,
      RequestTimeout: 400,
      InvalidStorageClass: 400,
      InvalidTag: 400,
      InvalidPartNumber: 416,
      ConditionalRequestConflict: 409,
    };
    for (const [code, status] of Object.entries(expected)) {
      assert.equal(s3ErrorCodes[code as S3ErrorCode].httpStatusCode, status, code);
      assert.equal(new S3Error(code as S3ErrorCode).httpStatusCode, status, code);
    }
  });

  it('gives every code a non-empty default message', () => {
    for (const [code, spec] of Object.entries(s3ErrorCodes)) assert.ok(spec.message.length > 0, code);
  });
});

describe('S3Error', () => {
  it('is an ObjectBoxError recognised without instanceof', () => {
    const error = s3Errors.noSuchKey('photos/a.jpg');
    assert.equal(error.code, 'NoSuchKey');
    assert.equal(error.kind, 'not-found');
    assert.equal(error.name, 'S3Error');
    assert.ok(isS3Error(error));
    assert.ok(isS3Error(Object.assign(new Error('x'), { isObjectBoxError: true, code: 'NoSuchKey', isS3Error: true })));
    assert.ok(!isS3Error(new Error('NoSuchKey')));
  });

  it('refuses field names that are not XML names (programmer error)', () => {
    assert.throws(() => new S3Error('InvalidArgument', { fields: { 'a b': 'x' } }), AssertionError);
  });
});

describe('renderS3ErrorXml', () => {
  it('renders the reference document (NoSuchKey example)', () => {
    const xml = renderS3ErrorXml(new S3Error('NoSuchKey', { resource: '/mybucket/myfoto.jpg' }), ids);
    assert.equal(
      xml,
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>' +
        '<Resource>/mybucket/myfoto.jpg</Resource><RequestId>4442587FB7D0A2F9</RequestId><HostId>host-1</HostId></Error>',
    );
  });

  it('puts extra fields between Message and Resource, and takes the resource from options', () => {
    const xml = renderS3ErrorXml(s3Errors.invalidRange('bytes=100-200', 50), { ...ids, resource: '/b/k' });
    assert.equal(
      xml,
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message>' +
        '<RangeRequested>bytes=100-200</RangeRequested><ActualObjectSize>50</ActualObjectSize>' +
        '<Resource>/b/k</Resource><RequestId>4442587FB7D0A2F9</RequestId><HostId>host-1</HostId></Error>',
    );
  });

  it('omits Resource when unknown and escapes every text', () => {
    const error = s3Errors.invalidArgument('x-amz-meta-<a>', '"&\'', 'bad <value> & "more"');
    const xml = renderS3ErrorXml(error, { requestId: '<r>', hostId: '&' });
    assert.equal(
      xml,
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code><Message>bad &lt;value&gt; &amp; &quot;more&quot;</Message>' +
        '<ArgumentName>x-amz-meta-&lt;a&gt;</ArgumentName><ArgumentValue>&quot;&amp;&apos;</ArgumentValue>' +
        '<RequestId>&lt;r&gt;</RequestId><HostId>&amp;</HostId></Error>',
    );
  });

  it('names the operation in NotImplemented and the condition in PreconditionFailed', () => {
    assert.match(renderS3ErrorXml(s3Errors.notImplemented('GetBucketAcl'), ids), /<Message>[^<]*GetBucketAcl[^<]*<\/Message>/);
    assert.match(renderS3ErrorXml(s3Errors.preconditionFailed('If-Match'), ids), /<Condition>If-Match<\/Condition>/);
  });

  it('uses BadDigest naming the algorithm for checksum mismatches, InvalidRequest for bad checksum headers', () => {
    const mismatch = s3Errors.checksumMismatch('crc32');
    assert.equal(mismatch.code, 'BadDigest');
    assert.equal(mismatch.message, 'The CRC32 you specified did not match the calculated checksum.');
    const invalid = s3Errors.checksumHeaderInvalid('CRC64NVME');
    assert.equal(invalid.code, 'InvalidRequest');
    assert.equal(invalid.message, 'Value for x-amz-checksum-crc64nvme header is invalid.');
  });
});

describe('escapeXmlText', () => {
  it('escapes markup, CR and controls, and keeps other Unicode', () => {
    assert.equal(escapeXmlText('a&b<c>d"e\'f'), 'a&amp;b&lt;c&gt;d&quot;e&apos;f');
    assert.equal(escapeXmlText('line\r\nnext\ttab\u0001'), 'line&#13;\nnext\ttab&#1;');
    assert.equal(escapeXmlText('été 😀 日本'), 'été 😀 日本');
    assert.equal(escapeXmlText('lone \ud800 x'), 'lone \ufffd x');
  });

  it('never leaves a raw markup character (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeXmlText(text);
        assert.ok(!/[<>"']/.test(escaped));
        assert.ok(!/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(escaped));
      }),
    );
  });
});

describe('s3ErrorFromSecurityError', () => {
  it('names the expected region (AWS AuthorizationHeaderMalformed document)', () => {
    const error = s3ErrorFromSecurityError(new AuthorizationRegionWrongError('header', 'us-west-2', 'us-east-1'));
    assert.equal(error.code, 'AuthorizationHeaderMalformed');
    assert.equal(error.httpStatusCode, 400);
    assert.equal(
      renderS3ErrorXml(error, ids),
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AuthorizationHeaderMalformed</Code>' +
        "<Message>The authorization header is malformed; the region &apos;us-west-2&apos; is wrong; expecting &apos;us-east-1&apos;</Message>" +
        '<Region>us-east-1</Region><RequestId>4442587FB7D0A2F9</RequestId><HostId>host-1</HostId></Error>',
    );
    const query = s3ErrorFromSecurityError(new AuthorizationRegionWrongError('query', 'eu-west-1', 'us-east-1'));
    assert.equal(query.code, 'AuthorizationQueryParametersError');
    assert.deepEqual(query.fields, { Region: 'us-east-1' });
  });

  it('maps an expired presigned URL to AccessDenied with Expires and ServerTime', () => {
    const error = s3ErrorFromSecurityError(
      new AccessDeniedError('request-expired', { expiresAtMs: Date.UTC(2024, 0, 1, 0, 0, 0), serverTimeMs: Date.UTC(2024, 0, 1, 1, 0, 0, 500) }),
    );
    assert.equal(error.code, 'AccessDenied');
    assert.equal(error.httpStatusCode, 403);
    assert.equal(error.message, 'Request has expired');
    assert.deepEqual(error.fields, { Expires: '2024-01-01T00:00:00Z', ServerTime: '2024-01-01T01:00:00Z' });
  });

  it('carries the details S3 reports for each authentication error', () => {
    const skew = s3ErrorFromSecurityError(new RequestTimeTooSkewedError(Date.UTC(2013, 0, 23, 17, 12, 24), Date.UTC(2013, 0, 23, 17, 27, 39), 900000));
    assert.equal(skew.httpStatusCode, 403);
    assert.deepEqual(skew.fields, { RequestTime: '20130123T171224Z', ServerTime: '2013-01-23T17:27:39Z', MaxAllowedSkewMilliseconds: 900000 });

    const signature = s3ErrorFromSecurityError(new SignatureDoesNotMatchError('request', 'AWS4-HMAC-SHA256\n...', 'GET\n/\n'));
    assert.equal(signature.code, 'SignatureDoesNotMatch');
    assert.deepEqual(signature.fields, { StringToSign: 'AWS4-HMAC-SHA256\n...', CanonicalRequest: 'GET\n/\n' });
    assert.deepEqual(s3ErrorFromSecurityError(new SignatureDoesNotMatchError('chunk', 'sts')).fields, { StringToSign: 'sts' });

    const key = s3ErrorFromSecurityError(new InvalidAccessKeyIdError('AKIDEXAMPLE'));
    assert.equal(key.httpStatusCode, 403);
    assert.deepEqual(key.fields, { AWSAccessKeyId: 'AKIDEXAMPLE' });

    const argument = s3ErrorFromSecurityError(new AuthenticationInvalidArgumentError('x-amz-content-sha256', 'zz', 'bad sha'));
    assert.equal(argument.code, 'InvalidArgument');
    assert.deepEqual(argument.fields, { ArgumentName: 'x-amz-content-sha256', ArgumentValue: 'zz' });

    const sha = s3ErrorFromSecurityError(new XAmzContentSha256MismatchError('aa', 'bb'));
    assert.equal(sha.code, 'XAmzContentSHA256Mismatch');
    assert.deepEqual(sha.fields, { ClientComputedContentSHA256: 'aa', S3ComputedContentSHA256: 'bb' });

    const headers = s3ErrorFromSecurityError(new AccessDeniedError('headers-not-signed', { headerNamesNotSigned: ['x-amz-a', 'x-amz-b'] }));
    assert.deepEqual(headers.fields, { HeadersNotSigned: 'x-amz-a, x-amz-b' });

    const body = s3ErrorFromSecurityError(new IncompleteBodyError(10, 5));
    assert.equal(body.code, 'IncompleteBody');
    assert.equal(body.httpStatusCode, 400);
  });
});

describe('toS3Error', () => {
  it('passes S3 errors, maps security errors, hides unknown errors, rethrows assertions', () => {
    const own = s3Errors.noSuchBucket('b');
    assert.equal(toS3Error(own), own);
    assert.equal(toS3Error(new InvalidAccessKeyIdError('k')).code, 'InvalidAccessKeyId');
    const internal = toS3Error(new Error('disk on fire at /var/lib/secret'));
    assert.equal(internal.code, 'InternalError');
    assert.equal(internal.httpStatusCode, 500);
    assert.doesNotMatch(renderS3ErrorXml(internal, ids), /disk on fire/);
    assert.throws(() => toS3Error(new AssertionError('broken invariant')), AssertionError);
  });
});
