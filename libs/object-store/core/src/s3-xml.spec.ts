/**
 * Goal: the response documents say what the Amazon S3 API reference's example responses say.
 * Method: each writer is fed the data of a reference example; its output and the example are parsed
 * by the same XML parser (whitespace trimmed, entities decoded) and compared as trees, so element
 * names, order, nesting and values must match while insignificant whitespace and `<a/>` versus
 * `<a></a>` do not. Small documents are also compared byte for byte.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import {
  quoteEtag,
  renderCompleteMultipartUploadResult,
  renderCopyResult,
  renderDeleteResult,
  renderGetObjectAttributesResult,
  renderInitiateMultipartUploadResult,
  renderListAllMyBucketsResult,
  renderListMultipartUploadsResult,
  renderListObjectsResult,
  renderListObjectsV2Result,
  renderListPartsResult,
  renderListVersionsResult,
  renderLocationConstraint,
  renderTagging,
  renderVersioningConfiguration,
  s3UrlEncode,
} from './s3-xml.js';

const ns = 'http://s3.amazonaws.com/doc/2006-03-01/';
const treeParser = new XMLParser({ ignoreAttributes: false, trimValues: true, parseTagValue: false, preserveOrder: true, ignoreDeclaration: true });

/** A comparable tree: element order kept, text trimmed, entities decoded. */
function tree(xml: string): unknown {
  return treeParser.parse(xml);
}

function assertSameDocument(actual: string, expected: string): void {
  assert.ok(actual.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'), 'XML declaration');
  assert.deepEqual(tree(actual), tree(expected));
}

const time = Date.UTC(2009, 9, 12, 17, 50, 30);
const owner = { id: '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a', displayName: 'mtd@amazon.com' };

describe('small documents, byte for byte', () => {
  it('LocationConstraint: empty for us-east-1', () => {
    assert.equal(renderLocationConstraint('us-east-1'), `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${ns}"/>`);
    assert.equal(renderLocationConstraint('eu-west-1'), `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="${ns}">eu-west-1</LocationConstraint>`);
  });

  it('VersioningConfiguration: no Status before versioning was ever enabled', () => {
    assert.equal(renderVersioningConfiguration(undefined), `<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="${ns}"/>`);
    assert.equal(
      renderVersioningConfiguration('Suspended'),
      `<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="${ns}"><Status>Suspended</Status></VersioningConfiguration>`,
    );
  });

  it('Tagging, with escaping and an empty value', () => {
    assert.equal(
      renderTagging([
        { key: 'a&b', value: '' },
        { key: 'k', value: '<v>' },
      ]),
      `<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="${ns}"><TagSet><Tag><Key>a&amp;b</Key><Value></Value></Tag><Tag><Key>k</Key><Value>&lt;v&gt;</Value></Tag></TagSet></Tagging>`,
    );
    assert.equal(renderTagging([]), `<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="${ns}"><TagSet/></Tagging>`);
  });

  it('GetObjectAttributesResponse: asked attributes only, ETag unquoted, parts paged', () => {
    assert.equal(
      renderGetObjectAttributesResult({ etag: '"abc-2"', storageClass: 'STANDARD', sizeBytes: 7, checksums: { SHA256: 'c2hh-2' }, checksumType: 'COMPOSITE', parts: { partsCount: 2, partNumberMarker: 1, nextPartNumberMarker: undefined, maxParts: 1, isTruncated: false, parts: [{ partNumber: 2, sizeBytes: 2, checksums: { SHA256: 'cA==' } }] } }),
      `<?xml version="1.0" encoding="UTF-8"?>\n<GetObjectAttributesResponse xmlns="${ns}"><ETag>abc-2</ETag><Checksum><ChecksumSHA256>c2hh-2</ChecksumSHA256><ChecksumType>COMPOSITE</ChecksumType></Checksum>` +
        '<ObjectParts><PartsCount>2</PartsCount><PartNumberMarker>1</PartNumberMarker><MaxParts>1</MaxParts><IsTruncated>false</IsTruncated><Part><PartNumber>2</PartNumber><Size>2</Size><ChecksumSHA256>cA==</ChecksumSHA256></Part></ObjectParts>' +
        '<StorageClass>STANDARD</StorageClass><ObjectSize>7</ObjectSize></GetObjectAttributesResponse>',
    );
    assert.equal(renderGetObjectAttributesResult({ sizeBytes: 0 }), `<?xml version="1.0" encoding="UTF-8"?>\n<GetObjectAttributesResponse xmlns="${ns}"><ObjectSize>0</ObjectSize></GetObjectAttributesResponse>`);
  });

  it('Tagging lists the set by key, whatever order it was put in', () => {
    const keys = (xml: string) => [...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((match) => match[1]);
    assert.deepEqual(keys(renderTagging([{ key: 'foo', value: 'bar' }, { key: 'bar', value: '' }, { key: '\u{1F600}', value: '' }, { key: '\uFFFD', value: '' }])), ['bar', 'foo', '\uFFFD', '\u{1F600}']);
  });

  it('quotes ETags once', () => {
    assert.equal(quoteEtag('abc'), '"abc"');
    assert.equal(quoteEtag('"abc"'), '"abc"');
  });
});

describe('reference examples', () => {
  it('ListBuckets', () => {
    assertSameDocument(
      renderListAllMyBucketsResult({
        owner: { id: 'bcaf1ffd86f461ca5fb16fd081034f', displayName: 'webfile' },
        buckets: [
          { name: 'quotes', creationDateMs: Date.UTC(2006, 1, 3, 16, 45, 9) },
          { name: 'samples', creationDateMs: Date.UTC(2006, 1, 3, 16, 41, 58) },
        ],
      }),
      `<?xml version="1.0" encoding="UTF-8"?>
      <ListAllMyBucketsResult xmlns="${ns}">
        <Owner><ID>bcaf1ffd86f461ca5fb16fd081034f</ID><DisplayName>webfile</DisplayName></Owner>
        <Buckets>
          <Bucket><Name>quotes</Name><CreationDate>2006-02-03T16:45:09.000Z</CreationDate></Bucket>
          <Bucket><Name>samples</Name><CreationDate>2006-02-03T16:41:58.000Z</CreationDate></Bucket>
        </Buckets>
      </ListAllMyBucketsResult>`,
    );
  });

  it('ListObjectsV2 (example 1) and with a delimiter and continuation token', () => {
    assertSameDocument(
      renderListObjectsV2Result({
        bucket: 'bucket',
        prefix: undefined,
        delimiter: undefined,
        maxKeys: 1000,
        encodingType: undefined,
        isTruncated: false,
        continuationToken: undefined,
        nextContinuationToken: undefined,
        startAfter: undefined,
        contents: [{ key: 'my-image.jpg', lastModifiedMs: time, etag: 'fba9dede5f27731c9771645a39863328', sizeBytes: 434234 }],
        commonPrefixes: [],
      }),
      `<?xml version="1.0" encoding="UTF-8"?>
      <ListBucketResult xmlns="${ns}">
        <Name>bucket</Name><Prefix/><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>
        <Contents><Key>my-image.jpg</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
          <ETag>"fba9dede5f27731c9771645a39863328"</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents>
      </ListBucketResult>`,
    );
    assertSameDocument(
      renderListObjectsV2Result({
        bucket: 'example-bucket',
        prefix: 'photos/2006/',
        delimiter: '/',
        maxKeys: 1000,
        encodingType: undefined,
        isTruncated: true,
        continuationToken: '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=',
        nextContinuationToken: 'opaque',
        startAfter: undefined,
        contents: [{ key: 'photos/2006/a.jpg', lastModifiedMs: time, etag: 'x', sizeBytes: 1, owner, checksumAlgorithms: ['CRC32'] }],
        commonPrefixes: ['photos/2006/February/', 'photos/2006/January/'],
      }),
      `<?xml version="1.0" encoding="UTF-8"?>
      <ListBucketResult xmlns="${ns}">
        <Name>example-bucket</Name><Prefix>photos/2006/</Prefix>
        <ContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</ContinuationToken><NextContinuationToken>opaque</NextContinuationToken>
        <KeyCount>3</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>
        <Contents><Key>photos/2006/a.jpg</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>"x"</ETag>
          <ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>1</Size>
          <Owner><ID>${owner.id}</ID><DisplayName>mtd@amazon.com</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents>
        <CommonPrefixes><Prefix>photos/2006/February/</Prefix></CommonPrefixes>
        <CommonPrefixes><Prefix>photos/2006/January/</Prefix></CommonPrefixes>
      </ListBucketResult>`,
    );
  });

  it('ListObjects v1 (reference example with Marker and NextMarker)', () => {
    assertSameDocument(
      renderListObjectsResult({
        bucket: 'bucket',
        prefix: undefined,
        marker: undefined,
        nextMarker: undefined,
        delimiter: undefined,
        maxKeys: 1000,
        encodingType: undefined,
        isTruncated: false,
        contents: [{ key: 'my-image.jpg', lastModifiedMs: time, etag: 'fba9dede5f27731c9771645a39863328', sizeBytes: 434234, owner }],
        commonPrefixes: [],
      }),
      `<?xml version="1.0" encoding="UTF-8"?>
      <ListBucketResult xmlns="${ns}">
        <Name>bucket</Name><Prefix/><Marker/><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>
        <Contents><Key>my-image.jpg</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
          <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>
          <Owner><ID>${owner.id}</ID><DisplayName>mtd@amazon.com</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents>
      </ListBucketResult>`,
    );
  });

  it('url-encodes keys, prefixes, delimiter, markers and start-after with encoding-type=url', () => {
    const v2 = renderListObjectsV2Result({
      bucket: 'b',
      prefix: 'a b/',
      delimiter: '+',
      maxKeys: 2,
      encodingType: 'url',
      isTruncated: false,
      continuationToken: undefined,
      nextContinuationToken: undefined,
      startAfter: 'é',
      contents: [{ key: 'a b/c+d&e\u0001~', lastModifiedMs: time, etag: 'x', sizeBytes: 0 }],
      commonPrefixes: ['a b/x+'],
    });
    assert.match(v2, /<Prefix>a%20b\/<\/Prefix>/);
    assert.match(v2, /<Delimiter>%2B<\/Delimiter>/);
    assert.match(v2, /<StartAfter>%C3%A9<\/StartAfter>/);
    assert.match(v2, /<EncodingType>url<\/EncodingType>/);
    assert.match(v2, /<Key>a%20b\/c%2Bd%26e%01%7E<\/Key>/);
    assert.match(v2, /<CommonPrefixes><Prefix>a%20b\/x%2B<\/Prefix><\/CommonPrefixes>/);
    const v1 = renderListObjectsResult({
      bucket: 'b', prefix: 'p\n', marker: 'm m', nextMarker: 'n n', delimiter: '', maxKeys: 1, encodingType: 'url', isTruncated: true, contents: [], commonPrefixes: [],
    });
    assert.match(v1, /<Prefix>p\n<\/Prefix><Marker>m%20m<\/Marker><NextMarker>n%20n<\/NextMarker>/);
    assert.doesNotMatch(v1, /<Delimiter/);
  });

  it('s3UrlEncode round-trips through unquote and unquote_plus decoding (property)', () => {
    const unquotePlus = (text: string) => decodeURIComponent(text.replaceAll('+', ' '));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (text) => {
        const encoded = s3UrlEncode(text);
        assert.match(encoded, /^[A-Za-z0-9\-_.*/%]*$/);
        assert.equal(unquotePlus(encoded), text);
        assert.equal(decodeURIComponent(encoded), text);
      }),
    );
  });

  it('ListObjectVersions (reference example)', () => {
    assertSameDocument(
      renderListVersionsResult({
        bucket: 'bucket',
        prefix: 'my',
        keyMarker: undefined,
        versionIdMarker: undefined,
        nextKeyMarker: undefined,
        nextVersionIdMarker: undefined,
        delimiter: undefined,
        maxKeys: 5,
        encodingType: undefined,
        isTruncated: false,
        entries: [
          { kind: 'version', key: 'my-image.jpg', versionId: '3/L4kqtJl40Nr8X8gdRQBpUMLUo', isLatest: true, lastModifiedMs: time, etag: 'fba9dede5f27731c9771645a39863328', sizeBytes: 434234, owner },
          { kind: 'deleteMarker', key: 'my-second-image.jpg', versionId: '03jpff543dhffds434rfdsFDN943fdsFkdmqnh892', isLatest: true, lastModifiedMs: time, owner },
          { kind: 'version', key: 'my-second-image.jpg', versionId: 'null', isLatest: false, lastModifiedMs: time, etag: '9b2cf535f27731c974343645a3985328', sizeBytes: 166434, owner },
        ],
        commonPrefixes: [],
      }),
      `<?xml version="1.0" encoding="UTF-8"?>
      <ListVersionsResult xmlns="${ns}">
        <Name>bucket</Name><Prefix>my</Prefix><KeyMarker/><VersionIdMarker/><MaxKeys>5</MaxKeys><IsTruncated>false</IsTruncated>
        <Version><Key>my-image.jpg</Key><VersionId>3/L4kqtJl40Nr8X8gdRQBpUMLUo</VersionId><IsLatest>true</IsLatest>
          <LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>"fba9dede5f27731c9771645a39863328"</ETag><Size>434234</Size>
          <StorageClass>STANDARD</StorageClass><Owner><ID>${owner.id}</ID><DisplayName>mtd@amazon.com</DisplayName></Owner></Version>
        <DeleteMarker><Key>my-second-image.jpg</Key><VersionId>03jpff543dhffds434rfdsFDN943fdsFkdmqnh892</VersionId><IsLatest>true</IsLatest>
          <LastModified>2009-10-12T17:50:30.000Z</LastModified><Owner><ID>${owner.id}</ID><DisplayName>mtd@amazon.com</DisplayName></Owner></DeleteMarker>
        <Version><Key>my-second-image.jpg</Key><VersionId>null</VersionId><IsLatest>false</IsLatest>
          <LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>"9b2cf535f27731c974343645a3985328"</ETag><Size>166434</Size>
          <StorageClass>STANDARD</StorageClass><Owner><ID>${owner.id}</ID><DisplayName>mtd@amazon.com</DisplayName></Owner></Version>
      </ListVersionsResult>`,
    );
  });

  it('multipart documents (CreateMultipartUpload, CompleteMultipartUpload, ListParts, ListMultipartUploads)', () => {
    assertSameDocument(
      renderInitiateMultipartUploadResult({ bucket: 'example-bucket', key: 'example-object', uploadId: 'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA' }),
      `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult xmlns="${ns}"><Bucket>example-bucket</Bucket><Key>example-object</Key>
        <UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId></InitiateMultipartUploadResult>`,
    );
    assertSameDocument(
      renderCompleteMultipartUploadResult({
        location: 'http://Example-Bucket.s3.Region.amazonaws.com/Example-Object',
        bucket: 'Example-Bucket',
        key: 'Example-Object',
        etag: '3858f62230ac3c915f300c664312c11f-9',
        checksums: { CRC32: 'AAAAAA==' },
        checksumType: 'COMPOSITE',
      }),
      `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult xmlns="${ns}">
        <Location>http://Example-Bucket.s3.Region.amazonaws.com/Example-Object</Location><Bucket>Example-Bucket</Bucket><Key>Example-Object</Key>
        <ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32><ChecksumType>COMPOSITE</ChecksumType>
      </CompleteMultipartUploadResult>`,
    );
    const initiator = { id: 'arn:aws:iam::111122223333:user/some-user-11116a31-17b5-4fb7-9df5-b288870f11xx', displayName: 'umat-user-11116a31-17b5-4fb7-9df5-b288870f11xx' };
    const bucketOwner = { id: '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a', displayName: 'someName' };
    assertSameDocument(
      renderListPartsResult({
        bucket: 'example-bucket',
        key: 'example-object',
        uploadId: 'XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA',
        partNumberMarker: 1,
        nextPartNumberMarker: 3,
        maxParts: 2,
        isTruncated: true,
        parts: [
          { partNumber: 2, lastModifiedMs: Date.UTC(2010, 10, 10, 20, 48, 34), etag: '7778aef83f66abc1fa1e8477f296d394', sizeBytes: 10485760 },
          { partNumber: 3, lastModifiedMs: Date.UTC(2010, 10, 10, 20, 48, 33), etag: 'aaaa18db4cc2f85cedef654fccc4a4x8', sizeBytes: 10485760 },
        ],
        initiator,
        owner: bucketOwner,
      }),
      `<?xml version="1.0" encoding="UTF-8"?><ListPartsResult xmlns="${ns}">
        <Bucket>example-bucket</Bucket><Key>example-object</Key><UploadId>XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA</UploadId>
        <PartNumberMarker>1</PartNumberMarker><NextPartNumberMarker>3</NextPartNumberMarker><MaxParts>2</MaxParts><IsTruncated>true</IsTruncated>
        <Part><PartNumber>2</PartNumber><LastModified>2010-11-10T20:48:34.000Z</LastModified><ETag>"7778aef83f66abc1fa1e8477f296d394"</ETag><Size>10485760</Size></Part>
        <Part><PartNumber>3</PartNumber><LastModified>2010-11-10T20:48:33.000Z</LastModified><ETag>"aaaa18db4cc2f85cedef654fccc4a4x8"</ETag><Size>10485760</Size></Part>
        <Initiator><ID>${initiator.id}</ID><DisplayName>${initiator.displayName}</DisplayName></Initiator>
        <Owner><ID>${bucketOwner.id}</ID><DisplayName>someName</DisplayName></Owner><StorageClass>STANDARD</StorageClass>
      </ListPartsResult>`,
    );
    assertSameDocument(
      renderListMultipartUploadsResult({
        bucket: 'bucket',
        keyMarker: undefined,
        uploadIdMarker: undefined,
        nextKeyMarker: 'my-movie.m2ts',
        nextUploadIdMarker: 'YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ',
        prefix: undefined,
        delimiter: undefined,
        maxUploads: 3,
        encodingType: undefined,
        isTruncated: true,
        uploads: [{ key: 'my-divisor', uploadId: 'XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw', initiator, owner: bucketOwner, storageClass: 'REDUCED_REDUNDANCY', initiatedMs: Date.UTC(2010, 10, 10, 20, 48, 33) }],
        commonPrefixes: [],
      }),
      `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult xmlns="${ns}">
        <Bucket>bucket</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker><NextKeyMarker>my-movie.m2ts</NextKeyMarker>
        <NextUploadIdMarker>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</NextUploadIdMarker><MaxUploads>3</MaxUploads><IsTruncated>true</IsTruncated>
        <Upload><Key>my-divisor</Key><UploadId>XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw</UploadId>
          <Initiator><ID>${initiator.id}</ID><DisplayName>${initiator.displayName}</DisplayName></Initiator>
          <Owner><ID>${bucketOwner.id}</ID><DisplayName>someName</DisplayName></Owner>
          <StorageClass>REDUCED_REDUNDANCY</StorageClass><Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload>
      </ListMultipartUploadsResult>`,
    );
  });

  it('CopyObjectResult and CopyPartResult', () => {
    assertSameDocument(
      renderCopyResult('CopyObjectResult', { etag: '9b2cf535f27731c974343645a3985328', lastModifiedMs: time }),
      `<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult xmlns="${ns}"><LastModified>2009-10-12T17:50:30.000Z</LastModified>
        <ETag>"9b2cf535f27731c974343645a3985328"</ETag></CopyObjectResult>`,
    );
    assertSameDocument(
      renderCopyResult('CopyPartResult', { etag: 'b20b0f63', lastModifiedMs: time, checksums: { SHA256: 'x=' }, checksumType: 'FULL_OBJECT' }),
      `<?xml version="1.0" encoding="UTF-8"?><CopyPartResult xmlns="${ns}"><LastModified>2009-10-12T17:50:30.000Z</LastModified>
        <ETag>"b20b0f63"</ETag><ChecksumSHA256>x=</ChecksumSHA256></CopyPartResult>`,
    );
  });

  it('DeleteResult, verbose and quiet (reference examples)', () => {
    const result = {
      deleted: [{ key: 'sample1.txt' }, { key: 'UniqueObjectKey', versionId: 'null', deleteMarker: true, deleteMarkerVersionId: 'A._w1z6EFiCF5uhtQMDal9JDkID9tQ7F' }],
      errors: [{ key: 'sample2.txt', code: 'AccessDenied', message: 'Access Denied' }],
    };
    assertSameDocument(
      renderDeleteResult({ quiet: false, ...result }),
      `<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="${ns}">
        <Deleted><Key>sample1.txt</Key></Deleted>
        <Deleted><Key>UniqueObjectKey</Key><VersionId>null</VersionId><DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>A._w1z6EFiCF5uhtQMDal9JDkID9tQ7F</DeleteMarkerVersionId></Deleted>
        <Error><Key>sample2.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>
      </DeleteResult>`,
    );
    assertSameDocument(
      renderDeleteResult({ quiet: true, ...result }),
      `<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="${ns}"><Error><Key>sample2.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>`,
    );
  });
});
