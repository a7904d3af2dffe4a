/**
 * Goal: every request of the Amazon S3 API reference routes to its operation, in path style and in
 * virtual-host style, with typed parameters, and bad input gets S3's error code.
 * Method: the request lines of the reference's examples and syntax sections (the same list
 * deuxfleurs-org/garage router.rs `test_aws_doc_examples` checks) are parsed both ways; parameter,
 * key-decoding and bucket-name cases come from the S3 user guide; a property test round-trips keys.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  authorizationLevelOf,
  s3KeySizeBytesMax,
  parseCopySource,
  parseCopySourceRange,
  parseS3Request,
  s3Routes,
  validateBucketName,
  validateStorageClass,
  type S3Endpoint,
  type S3RequestHead,
} from './s3-endpoint.js';
import { isS3Error, type S3ErrorCode } from './s3-errors.js';

const config = { virtualHostDomains: ['s3.example.com', 'localhost'] };

function parse(method: string, target: string, headers: S3RequestHead['headers'] = {}): S3Endpoint {
  return parseS3Request({ method, target, headers: { host: 'localhost:9000', ...headers } }, config);
}

/** Parses `uri` (relative to the bucket) path style and virtual-host style; both must agree. */
function parseBoth(method: string, uri: string, headers: S3RequestHead['headers'] = {}): S3Endpoint {
  const pathStyle = parse(method, `/example-bucket${uri}`, headers);
  const hostStyle = parseS3Request({ method, target: uri, headers: { host: 'example-bucket.s3.example.com', ...headers } }, config);
  assert.deepEqual(hostStyle, pathStyle, `${method} ${uri}`);
  return pathStyle;
}

function operationName(endpoint: S3Endpoint): string {
  return endpoint.operation === 'NotImplemented' ? `NotImplemented:${endpoint.operationName}` : endpoint.operation;
}

function assertS3Error(run: () => unknown, code: S3ErrorCode, fields?: Record<string, string | number>): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isS3Error(error), String(error));
    assert.equal(error.code, code);
    if (fields !== undefined) for (const [name, value] of Object.entries(fields)) assert.equal(error.fields[name], value, name);
    return true;
  });
}

describe('parseS3Request: Amazon S3 API reference examples', () => {
  const examples: readonly (readonly [string, string, string])[] = [
    ['DELETE', '/example-object?uploadId=VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZ', 'AbortMultipartUpload'],
    ['DELETE', '/Key+?uploadId=UploadId', 'AbortMultipartUpload'],
    ['POST', '/example-object?uploadId=AAAsb2FkIElEIGZvciBlbHZpbmcncyWeeS1tb3ZpZS5tMnRzIRRwbG9hZA', 'CompleteMultipartUpload'],
    ['POST', '/Key+?uploadId=UploadId', 'CompleteMultipartUpload'],
    ['PUT', '/', 'CreateBucket'],
    ['POST', '/example-object?uploads', 'CreateMultipartUpload'],
    ['POST', '/{Key+}?uploads', 'CreateMultipartUpload'],
    ['DELETE', '/', 'DeleteBucket'],
    ['DELETE', '/?tagging', 'DeleteBucketTagging'],
    ['DELETE', '/my-second-image.jpg', 'DeleteObject'],
    ['DELETE', '/my-third-image.jpg?versionId=UIORUnfndfiufdisojhr398493jfdkjFJjkndnqUifhnw89493jJFJ', 'DeleteObject'],
    ['DELETE', '/Key+?versionId=VersionId', 'DeleteObject'],
    ['POST', '/?delete', 'DeleteObjects'],
    ['DELETE', '/exampleobject?tagging', 'DeleteObjectTagging'],
    ['DELETE', '/{Key+}?tagging&versionId=VersionId', 'DeleteObjectTagging'],
    ['GET', '/?location', 'GetBucketLocation'],
    ['GET', '/?tagging', 'GetBucketTagging'],
    ['GET', '/?versioning', 'GetBucketVersioning'],
    ['GET', '/my-image.jpg', 'GetObject'],
    ['GET', '/myObject?versionId=3/L4kqtJlcpXroDTDmpUMLUo', 'GetObject'],
    [
      'GET',
      '/Junk3.txt?response-cache-control=No-cache&response-content-disposition=attachment%3B%20filename%3Dtesting.txt&response-content-encoding=x-gzip&response-content-language=mi%2C%20en&response-expires=Thu%2C%2001%20Dec%201994%2016:00:00%20GMT',
      'GetObject',
    ],
    ['GET', '/example-object?tagging', 'GetObjectTagging'],
    ['GET', '/{Key+}?tagging&versionId=VersionId', 'GetObjectTagging'],
    ['HEAD', '/', 'HeadBucket'],
    ['HEAD', '/my-image.jpg', 'HeadObject'],
    ['HEAD', '/my-image.jpg?versionId=3HL4kqCxf3vjVBH40Nrjfkd', 'HeadObject'],
    ['HEAD', '/Key+?partNumber=3&versionId=VersionId', 'HeadObject'],
    ['GET', '/?uploads&max-uploads=3', 'ListMultipartUploads'],
    ['GET', '/?uploads&delimiter=/', 'ListMultipartUploads'],
    ['GET', '/?uploads&delimiter=/&prefix=photos/2006/', 'ListMultipartUploads'],
    ['GET', '/?uploads&delimiter=D&encoding-type=url&key-marker=KeyMarker&max-uploads=1&prefix=Prefix&upload-id-marker=UploadIdMarker', 'ListMultipartUploads'],
    ['GET', '/', 'ListObjects'],
    ['GET', '/?prefix=N&marker=Ned&max-keys=40', 'ListObjects'],
    ['GET', '/?delimiter=/', 'ListObjects'],
    ['GET', '/?prefix=photos/2006/&delimiter=/', 'ListObjects'],
    ['GET', '/?list-type=2', 'ListObjectsV2'],
    ['GET', '/?list-type=2&max-keys=3&prefix=E&start-after=ExampleGuide.pdf', 'ListObjectsV2'],
    ['GET', '/?list-type=2&delimiter=/', 'ListObjectsV2'],
    ['GET', '/?list-type=2&prefix=photos/2006/&delimiter=/', 'ListObjectsV2'],
    ['GET', '/?list-type=2&continuation-token=1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=', 'ListObjectsV2'],
    ['GET', '/?versions', 'ListObjectVersions'],
    ['GET', '/?versions&key-marker=key2', 'ListObjectVersions'],
    ['GET', '/?versions&key-marker=key3&version-id-marker=t46ZenlYTZBnj', 'ListObjectVersions'],
    ['GET', '/?versions&key-marker=key3&version-id-marker=t46Z0menlYTZBnj&max-keys=3', 'ListObjectVersions'],
    ['GET', '/?versions&prefix=photos/2006/&delimiter=/', 'ListObjectVersions'],
    ['GET', '/example-object?uploadId=XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA&max-parts=2&part-number-marker=1', 'ListParts'],
    ['GET', '/Key+?max-parts=2&part-number-marker=2&uploadId=UploadId', 'ListParts'],
    ['PUT', '/?tagging', 'PutBucketTagging'],
    ['GET', '/?policy', 'GetBucketPolicy'],
    ['PUT', '/?policy', 'PutBucketPolicy'],
    ['DELETE', '/?policy', 'DeleteBucketPolicy'],
    ['PUT', '/?versioning', 'PutBucketVersioning'],
    ['PUT', '/my-image.jpg', 'PutObject'],
    ['PUT', '/Key+', 'PutObject'],
    ['PUT', '/object-key?tagging', 'PutObjectTagging'],
    ['PUT', '/{Key+}?tagging&versionId=VersionId', 'PutObjectTagging'],
    ['PUT', '/my-movie.m2ts?partNumber=1&uploadId=VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR', 'UploadPart'],
    ['PUT', '/Key+?partNumber=2&uploadId=UploadId', 'UploadPart'],
    ['GET', '/?acl', 'GetBucketAcl'],
    ['PUT', '/?acl', 'PutBucketAcl'],
    ['GET', '/?ownershipControls', 'GetBucketOwnershipControls'],
    ['PUT', '/?ownershipControls', 'PutBucketOwnershipControls'],
    ['DELETE', '/?ownershipControls', 'DeleteBucketOwnershipControls'],
    ['PUT', '/?publicAccessBlock', 'PutPublicAccessBlock'],
    ['GET', '/?publicAccessBlock', 'GetPublicAccessBlock'],
    ['DELETE', '/?publicAccessBlock', 'DeletePublicAccessBlock'],
    ['GET', '/?policyStatus', 'GetBucketPolicyStatus'],
    ['PUT', '/?lifecycle', 'PutBucketLifecycleConfiguration'],
    ['GET', '/?lifecycle', 'GetBucketLifecycleConfiguration'],
    ['DELETE', '/?lifecycle', 'DeleteBucketLifecycle'],
    ['GET', '/my-image.jpg?acl', 'GetObjectAcl'],
    ['GET', '/my-image.jpg?versionId=3/L4kqtJlcpXroDVBH40Nr8X8gdRQBpUMLUo&acl', 'GetObjectAcl'],
    ['PUT', '/my-image.jpg?acl&versionId=3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nrjfkd', 'PutObjectAcl'],
    // Not implemented, named.
    ['GET', '/?cors', 'GetBucketCors'],
    ['GET', '/?website', 'NotImplemented:GetBucketWebsite'],
    ['PUT', '/?object-lock', 'NotImplemented:PutObjectLockConfiguration'],
    ['GET', '/?notification', 'NotImplemented:GetBucketNotificationConfiguration'],
    ['PUT', '/?replication', 'NotImplemented:PutBucketReplication'],
    ['GET', '/?encryption', 'NotImplemented:GetBucketEncryption'],
    ['GET', '/?logging', 'NotImplemented:GetBucketLogging'],
    ['GET', '/?requestPayment', 'NotImplemented:GetBucketRequestPayment'],
    ['GET', '/?accelerate', 'NotImplemented:GetBucketAccelerateConfiguration'],
    ['DELETE', '/?analytics&id=list1', 'NotImplemented:DeleteBucketAnalyticsConfiguration'],
    ['GET', '/?inventory&id=list1', 'NotImplemented:GetBucketInventoryConfiguration'],
    ['GET', '/?metrics&id=Documents', 'NotImplemented:GetBucketMetricsConfiguration'],
    ['GET', '/?intelligent-tiering&id=Id', 'NotImplemented:GetBucketIntelligentTieringConfiguration'],
    ['GET', '/{Key+}?legal-hold&versionId=VersionId', 'NotImplemented:GetObjectLegalHold'],
    ['PUT', '/{Key+}?retention&versionId=VersionId', 'NotImplemented:PutObjectRetention'],
    ['GET', '/quotes/Nelson?torrent', 'NotImplemented:GetObjectTorrent'],
    ['POST', '/object-one.csv?restore', 'NotImplemented:RestoreObject'],
    ['POST', '/{Key+}?select&select-type=2', 'NotImplemented:SelectObjectContent'],
    ['POST', '/', 'PostObject'],
  ];
  for (const [method, uri, expected] of examples) {
    it(`${method} ${uri} → ${expected}`, () => assert.equal(operationName(parseBoth(method, uri)), expected));
  }

  it('GET / without a bucket is ListBuckets (with its optional parameters)', () => {
    assert.deepEqual(parse('GET', '/'), { operation: 'ListBuckets', prefix: undefined, continuationToken: undefined, maxBuckets: undefined, bucketRegion: undefined });
    assert.deepEqual(parse('GET', '/?max-buckets=10&prefix=a&bucket-region=us-east-1&x-id=ListBuckets'), {
      operation: 'ListBuckets',
      prefix: 'a',
      continuationToken: undefined,
      maxBuckets: 10,
      bucketRegion: 'us-east-1',
    });
    assert.equal(authorizationLevelOf(parse('GET', '/')), 'none');
  });

  it('tells CopyObject and UploadPartCopy apart by x-amz-copy-source', () => {
    const copy = parseBoth('PUT', '/Key+', { 'x-amz-copy-source': '/source-bucket/some/key%3F%20.txt?versionId=v1' });
    assert.deepEqual(copy, {
      operation: 'CopyObject',
      bucket: 'example-bucket',
      key: 'Key+',
      copySource: { bucket: 'source-bucket', key: 'some/key? .txt', versionId: 'v1' },
    });
    const partCopy = parseBoth('PUT', '/Key+?partNumber=2&uploadId=UploadId', {
      'x-amz-copy-source': 'source-bucket/k',
      'x-amz-copy-source-range': 'bytes=0-5242879',
    });
    assert.deepEqual(partCopy, {
      operation: 'UploadPartCopy',
      bucket: 'example-bucket',
      key: 'Key+',
      uploadId: 'UploadId',
      partNumber: 2,
      copySource: { bucket: 'source-bucket', key: 'k', versionId: undefined },
      copySourceRange: { first: 0, last: 5242879 },
    });
    assert.equal(authorizationLevelOf(partCopy), 'write');
  });
});

describe('parseS3Request: parameters', () => {
  it('types the ListObjectsV2 parameters (reference syntax example)', () => {
    const endpoint = parseBoth(
      'GET',
      '/?list-type=2&continuation-token=ContinuationToken&delimiter=D&encoding-type=url&fetch-owner=true&max-keys=1&prefix=Prefix&start-after=StartAfter',
    );
    assert.deepEqual(endpoint, {
      operation: 'ListObjectsV2',
      bucket: 'example-bucket',
      prefix: 'Prefix',
      delimiter: 'D',
      encodingType: 'url',
      continuationToken: 'ContinuationToken',
      startAfter: 'StartAfter',
      fetchOwner: true,
      maxKeys: 1,
    });
  });

  it('defaults max-keys to 1000 and decodes query values (+ is a space there)', () => {
    const endpoint = parseBoth('GET', '/?prefix=a+b%2Fc&delimiter=%2F');
    assert.deepEqual(endpoint, { operation: 'ListObjects', bucket: 'example-bucket', prefix: 'a b/c', delimiter: '/', encodingType: undefined, marker: undefined, maxKeys: 1000 });
  });

  it('types GetObject overrides, versionId and partNumber', () => {
    const endpoint = parseBoth('GET', '/Junk3.txt?response-content-disposition=attachment%3B%20filename%3Dtesting.txt&response-content-language=mi%2C%20en&versionId=v&partNumber=10000');
    assert.deepEqual(endpoint, {
      operation: 'GetObject',
      bucket: 'example-bucket',
      key: 'Junk3.txt',
      versionId: 'v',
      partNumber: 10000,
      responseHeaders: { 'content-disposition': 'attachment; filename=testing.txt', 'content-language': 'mi, en' },
    });
  });

  it('types ListParts and ListObjectVersions parameters', () => {
    assert.deepEqual(parseBoth('GET', '/k?uploadId=U&max-parts=2&part-number-marker=1'), {
      operation: 'ListParts',
      bucket: 'example-bucket',
      key: 'k',
      uploadId: 'U',
      maxParts: 2,
      partNumberMarker: 1,
    });
    assert.deepEqual(parseBoth('GET', '/?versions&key-marker=key3&version-id-marker=t46Z&max-keys=3&encoding-type=URL'), {
      operation: 'ListObjectVersions',
      bucket: 'example-bucket',
      prefix: undefined,
      delimiter: undefined,
      encodingType: 'url',
      keyMarker: 'key3',
      versionIdMarker: 't46Z',
      maxKeys: 3,
    });
  });

  it('GetObjectAttributes takes its attributes and part paging from headers', () => {
    const endpoint = parse('GET', '/b/k?attributes&versionId=v1', { 'x-amz-object-attributes': 'ETag, ObjectParts,ObjectSize', 'x-amz-max-parts': '2', 'x-amz-part-number-marker': '3' });
    assert.equal(endpoint.operation, 'GetObjectAttributes');
    if (endpoint.operation !== 'GetObjectAttributes') return;
    assert.deepEqual([[...endpoint.attributes], endpoint.versionId, endpoint.maxParts, endpoint.partNumberMarker], [['ETag', 'ObjectParts', 'ObjectSize'], 'v1', 2, 3]);
    const defaults = parse('GET', '/b/k?attributes', { 'x-amz-object-attributes': 'StorageClass' });
    assert.deepEqual(defaults.operation === 'GetObjectAttributes' ? [defaults.maxParts, defaults.partNumberMarker] : [], [1000, 0]);
    assertS3Error(() => parse('GET', '/b/k?attributes'), 'InvalidArgument', { ArgumentName: 'x-amz-object-attributes' });
    assertS3Error(() => parse('GET', '/b/k?attributes', { 'x-amz-object-attributes': 'ETag,Owner' }), 'InvalidArgument', { ArgumentValue: 'Owner' });
    assertS3Error(() => parse('GET', '/b/k?attributes', { 'x-amz-object-attributes': 'ETag', 'x-amz-max-parts': '-1' }), 'InvalidArgument', { ArgumentName: 'x-amz-max-parts' });
  });

  it('takes an empty continuation-token as none and keeps it to echo', () => {
    const endpoint = parse('GET', '/b?list-type=2&continuation-token=');
    assert.equal(endpoint.operation === 'ListObjectsV2' ? endpoint.continuationToken : undefined, '');
  });

  it('refuses out-of-range numbers with InvalidArgument naming the argument', () => {
    for (const partNumber of ['0', '10001', '-1', 'one', '1.5', '']) {
      assertS3Error(() => parse('PUT', `/b/k?partNumber=${partNumber}&uploadId=u`), 'InvalidArgument', { ArgumentName: 'partNumber', ArgumentValue: partNumber });
    }
    assertS3Error(() => parse('GET', '/b/k?partNumber=10001'), 'InvalidArgument', { ArgumentName: 'partNumber' });
    assertS3Error(() => parse('GET', '/b?max-keys=-1'), 'InvalidArgument', { ArgumentName: 'max-keys', ArgumentValue: '-1' });
    assertS3Error(() => parse('GET', '/b?max-keys=99999999999'), 'InvalidArgument', { ArgumentName: 'max-keys' });
    assertS3Error(() => parse('GET', '/b?uploads&max-uploads=x'), 'InvalidArgument', { ArgumentName: 'max-uploads' });
    assertS3Error(() => parse('GET', '/b/k?uploadId=u&max-parts=x'), 'InvalidArgument', { ArgumentName: 'max-parts' });
    assertS3Error(() => parse('GET', '/?max-buckets=0'), 'InvalidArgument', { ArgumentName: 'max-buckets' });
    assertS3Error(() => parse('GET', '/b?encoding-type=base64'), 'InvalidArgument', { ArgumentName: 'encoding-type' });
    assertS3Error(() => parse('GET', '/b?list-type=3'), 'InvalidArgument', { ArgumentName: 'list-type' });
    assertS3Error(() => parse('DELETE', '/b/k?versionId='), 'InvalidArgument', { ArgumentName: 'versionId', ArgumentValue: '' });
    assertS3Error(() => parse('PUT', '/b/k?partNumber=1'), 'InvalidArgument', { ArgumentName: 'uploadId' });
    assertS3Error(() => parse('PUT', '/b/k?uploadId=u'), 'InvalidArgument', { ArgumentName: 'partNumber' });
  });

  it('refuses repeated routing parameters and conflicting sub-resources', () => {
    assertS3Error(() => parse('GET', '/b?max-keys=1&max-keys=2'), 'InvalidArgument', { ArgumentName: 'max-keys' });
    assertS3Error(() => parse('GET', '/b?acl&tagging'), 'InvalidArgument', { ArgumentName: 'ResourceType' });
    // Unknown parameters (the SDK's x-id) are ignored, repeated or not.
    assert.equal(parse('GET', '/b/k?x-id=GetObject&x-id=GetObject').operation, 'GetObject');
  });

  it('answers MethodNotAllowed for methods and sub-resources S3 does not define on the target', () => {
    assertS3Error(() => parse('PATCH', '/b/k'), 'MethodNotAllowed', { Method: 'PATCH', ResourceType: 'OBJECT' });
    assertS3Error(() => parse('POST', '/b/k'), 'MethodNotAllowed', { ResourceType: 'OBJECT' });
    assertS3Error(() => parse('DELETE', '/b?versioning'), 'MethodNotAllowed', { ResourceType: 'BUCKET' });
    assertS3Error(() => parse('PUT', '/'), 'MethodNotAllowed', { ResourceType: 'SERVICE' });
    assert.deepEqual(parse('OPTIONS', '/b/k'), { operation: 'CorsPreflight', bucket: 'b', key: 'k' });
    assert.deepEqual(parse('OPTIONS', '/b'), { operation: 'CorsPreflight', bucket: 'b', key: undefined });
    assert.equal(operationName(parse('GET', '/b?cors')), 'GetBucketCors');
    assert.equal(operationName(parse('DELETE', '/b?cors')), 'DeleteBucketCors');
  });
});

describe('parseS3Request: bucket and key', () => {
  it('decodes keys: any UTF-8, %2F is a slash, + is a plus, empty segments are kept', () => {
    const key = (target: string) => {
      const endpoint = parse('GET', target);
      assert.ok('key' in endpoint);
      return endpoint.key;
    };
    assert.equal(key('/b/%26%2B%3F%25%C3%A9/something'), '&+?%é/something');
    assert.equal(key('/b/a+b c'), 'a+b c');
    assert.equal(key('/b/dir%2Ffile'), 'dir/file');
    assert.equal(key('/b//leading'), '/leading');
    assert.equal(key('/b/../../etc/passwd'), '../../etc/passwd');
    assert.equal(key('/b/%F0%9F%98%80'), '😀');
    assertS3Error(() => parse('GET', '/b/%C3'), 'InvalidURI');
    assertS3Error(() => parse('GET', '/b/%zz'), 'InvalidURI');
    assertS3Error(() => parse('GET', '/b/a%00b'), 'InvalidArgument');
    assertS3Error(() => parse('GET', 'b/k'), 'InvalidURI');
  });

  it('limits keys to 1024 UTF-8 bytes (KeyTooLongError)', () => {
    assert.equal(parse('PUT', `/b/${'a'.repeat(s3KeySizeBytesMax)}`).operation, 'PutObject');
    assertS3Error(() => parse('PUT', `/b/${'a'.repeat(s3KeySizeBytesMax + 1)}`), 'KeyTooLongError', { Size: 1025, MaxSizeAllowed: 1024 });
    // 342 × "é" (2 bytes) = 684 bytes fits; 513 × "é" = 1026 bytes does not, though only 513 characters.
    assert.equal(parse('PUT', `/b/${'%C3%A9'.repeat(342)}`).operation, 'PutObject');
    assertS3Error(() => parse('PUT', `/b/${'%C3%A9'.repeat(513)}`), 'KeyTooLongError', { Size: 1026 });
    assertS3Error(() => parse('PUT', `/b/${'%F0%9F%98%80'.repeat(257)}`), 'KeyTooLongError', { Size: 1028 });
  });

  it('takes the bucket from Host under a configured domain, with or without port', () => {
    const at = (host: string, target: string) => parseS3Request({ method: 'GET', target, headers: { host } }, config);
    assert.deepEqual(at('my.dotted.bucket.s3.example.com', '/k'), { ...at('s3.example.com', '/my.dotted.bucket/k') });
    assert.equal(operationName(at('bucket.localhost:9000', '/')), 'ListObjects');
    assert.equal(operationName(at('BUCKET.S3.EXAMPLE.COM', '/')), 'ListObjects');
    assert.equal(operationName(at('s3.example.com', '/')), 'ListBuckets');
    assert.equal(operationName(at('127.0.0.1:9000', '/')), 'ListBuckets');
    assert.equal(operationName(at('[::1]:9000', '/b')), 'ListObjects');
    assert.equal(operationName(at('other.example.org', '/b/k')), 'GetObject');
    assert.equal(operationName(parseS3Request({ method: 'GET', target: 'http://bucket.localhost:9000/k?versionId=1', headers: { host: 'bucket.localhost:9000' } }, config)), 'GetObject');
  });

  it('applies the naming rules on CreateBucket and only rejects garbage elsewhere', () => {
    for (const name of ['ab', 'a'.repeat(64), 'Bucket', 'my_bucket', '-bucket', 'bucket-', 'my..bucket', '192.168.5.4', 'xn--bucket', 'bucket-s3alias', 'bucket--ol-s3', 'sthree-bucket', 'bucket.', 'foo.-bar', 'foo-.bar']) {
      assertS3Error(() => parse('PUT', `/${name}`), 'InvalidBucketName', { BucketName: name });
    }
    for (const name of ['abc', 'a'.repeat(63), 'docexamplebucket1', 'log-delivery-march-2020', 'my-hosted-content', 'docexamplewebsite.com', 'www.docexamplewebsite.com', 'my.example.s3.bucket', '1.2.3', 'a-b.c-d']) {
      assert.equal(parse('PUT', `/${name}`).operation, 'CreateBucket', name);
    }
    // Legacy names are routed (the store answers NoSuchBucket); characters no bucket can have are not.
    assert.equal(parse('GET', '/My_Legacy.Bucket/k').operation, 'GetObject');
    assertS3Error(() => parse('GET', '/bad%20bucket/k'), 'InvalidBucketName');
    assertS3Error(() => parse('GET', `/${'a'.repeat(256)}`), 'InvalidBucketName');
    assertS3Error(() => validateBucketName('', 'access'), 'InvalidBucketName');
  });

  it('accepts the storage classes S3 defines and refuses anything else with InvalidStorageClass', () => {
    for (const value of [undefined, 'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR', 'EXPRESS_ONEZONE']) {
      validateStorageClass(value);
    }
    for (const value of ['', 'NOPE', 'standard', ' STANDARD', 'STANDARD\u0000']) assertS3Error(() => validateStorageClass(value), 'InvalidStorageClass');
  });

  it('round-trips any key encoded as the SDKs encode it (property)', () => {
    const keyArbitrary = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }).filter((key) => !key.includes('\u0000'));
    fc.assert(
      fc.property(keyArbitrary, (key) => {
        const encoded = key.split('/').map(encodeURIComponent).join('/');
        const endpoint = parse('PUT', `/bucket/${encoded}`);
        assert.ok(endpoint.operation === 'PutObject');
        assert.equal(endpoint.key, key);
      }),
    );
  });
});

describe('copy source', () => {
  it('parses the forms of x-amz-copy-source', () => {
    assert.deepEqual(parseCopySource('awsexamplebucket/reports/january.pdf'), { bucket: 'awsexamplebucket', key: 'reports/january.pdf', versionId: undefined });
    assert.deepEqual(parseCopySource('/awsexamplebucket/reports/january.pdf?versionId=QUpfdndhfd8438MNFDN93jdnJFkdmqnh893'), {
      bucket: 'awsexamplebucket',
      key: 'reports/january.pdf',
      versionId: 'QUpfdndhfd8438MNFDN93jdnJFkdmqnh893',
    });
    assert.deepEqual(parseCopySource('/b/a%2Bb%20c%3Fd'), { bucket: 'b', key: 'a+b c?d', versionId: undefined });
    for (const bad of ['bucket', 'bucket/', '/key-only', '/b/k?acl', '/b/k?versionId=']) {
      assertS3Error(() => parseCopySource(bad), 'InvalidArgument', { ArgumentName: 'x-amz-copy-source', ArgumentValue: bad });
    }
    assertS3Error(() => parseCopySource(`/b/${'k'.repeat(1025)}`), 'KeyTooLongError');
  });

  it('parses x-amz-copy-source-range', () => {
    assert.deepEqual(parseCopySourceRange('bytes=500-6291456'), { first: 500, last: 6291456 });
    for (const bad of ['bytes=5-1', 'bytes=-5', 'bytes=1-', '0-5', 'bytes=a-b', 'bytes=0-99999999999999999']) {
      assertS3Error(() => parseCopySourceRange(bad), 'InvalidArgument', { ArgumentName: 'x-amz-copy-source-range' });
    }
  });
});

describe('routing table', () => {
  it('names every operation of the brief, and only S3 operation names', () => {
    const names = new Set(
      s3Routes.map((route) => {
        try {
          const headers = { 'x-amz-copy-source': 'b/k', 'x-amz-object-attributes': 'ETag' };
          return operationName(route.build({ bucket: 'b', key: 'k', query: new Map([['uploadId', 'u'], ['partNumber', '1'], ['list-type', '2']]), headers }));
        } catch {
          return 'unbuildable';
        }
      }),
    );
    for (const expected of [
      'ListBuckets', 'CreateBucket', 'HeadBucket', 'DeleteBucket', 'GetBucketLocation', 'GetBucketVersioning', 'PutBucketVersioning',
      'GetBucketTagging', 'PutBucketTagging', 'DeleteBucketTagging', 'ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads',
      'PutObject', 'CopyObject', 'GetObject', 'HeadObject', 'DeleteObject', 'DeleteObjects', 'GetObjectTagging', 'PutObjectTagging',
      'DeleteObjectTagging', 'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListParts',
      'GetObjectAttributes',
    ]) {
      assert.ok(names.has(expected), expected);
    }
    assert.ok(!names.has('unbuildable'));
    for (const name of names) assert.match(name, /^(NotImplemented:)?[A-Z][A-Za-z0-9]+$/);
  });
});

describe('parseS3Request: the query as SigV4 signs it', () => {
  it('a doubled "?" cannot turn a signed ?acl into GetObject', () => {
    // SigV4 canonicalises the query after the first "?" with empty parameters dropped, so "??acl" is
    // signed as "acl"; routing must read the same parameters, or a request signed for GetObjectAcl
    // could be retargeted to read the object with a valid signature.
    assert.equal(operationName(parse('GET', '/example-bucket/my-image.jpg??acl')), 'GetObjectAcl');
    assert.equal(operationName(parse('GET', '/example-bucket/my-image.jpg?&acl')), 'GetObjectAcl');
    assert.equal(operationName(parse('GET', '/example-bucket/my-image.jpg?acl#fragment')), 'GetObjectAcl');
  });
});
