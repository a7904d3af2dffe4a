/**
 * Goal: request documents of the Amazon S3 API reference parse to typed values; malformed, hostile or
 * oversized bodies get the S3 error Amazon gives, without expanding entities.
 * Method: the reference's request examples; then XXE, billion laughs, bad UTF-8, unknown entities,
 * wrong roots and every limit (1 MiB body, 1000 keys, 10/50 tags, tag key/value lengths, 10000 parts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isS3Error, type S3ErrorCode } from './s3-errors.js';
import {
  parseCompleteMultipartUpload,
  parseCreateBucketConfiguration,
  parseDeleteObjects,
  parseTagging,
  parseVersioningConfiguration,
  s3BucketTagCountMax,
  s3CompleteMultipartUploadBytesMax,
  s3ObjectTagCountMax,
  s3XmlBodyBytesMax,
  validateTag,
} from './s3-xml-parse.js';

function assertS3Error(run: () => unknown, code: S3ErrorCode, message?: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isS3Error(error), String(error));
    assert.equal(error.code, code);
    if (message !== undefined) assert.equal(error.message, message);
    return true;
  });
}

const objectTags = { tagCountMax: s3ObjectTagCountMax };

describe('parseCompleteMultipartUpload', () => {
  it('reads the reference example, quoted or not, with checksums', () => {
    const parts = parseCompleteMultipartUpload(`<CompleteMultipartUpload>
      <Part><PartNumber>1</PartNumber><ETag>"a54357aff0632cce46d942af68356b38"</ETag></Part>
      <Part><PartNumber>2</PartNumber><ETag>&quot;0c78aef83f66abc1fa1e8477f296d394&quot;</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>
      <Part><PartNumber> 3 </PartNumber><ETag>acbd18db4cc2f85cedef654fccc4a4d8</ETag></Part>
    </CompleteMultipartUpload>`);
    assert.deepEqual(parts, [
      { partNumber: 1, etag: 'a54357aff0632cce46d942af68356b38', checksums: {} },
      { partNumber: 2, etag: '0c78aef83f66abc1fa1e8477f296d394', checksums: { CRC32: 'AAAAAA==' } },
      { partNumber: 3, etag: 'acbd18db4cc2f85cedef654fccc4a4d8', checksums: {} },
    ]);
  });

  it('accepts the SDK form: namespace, XML declaration, bytes', () => {
    const body = new TextEncoder().encode(
      `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>"e"</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>`,
    );
    assert.deepEqual(parseCompleteMultipartUpload(body), [{ partNumber: 1, etag: 'e', checksums: {} }]);
  });

  it('refuses bad part lists with S3 codes', () => {
    const doc = (parts: string) => `<CompleteMultipartUpload>${parts}</CompleteMultipartUpload>`;
    const part = (n: number | string) => `<Part><PartNumber>${n}</PartNumber><ETag>e</ETag></Part>`;
    assertS3Error(() => parseCompleteMultipartUpload(doc('')), 'MalformedXML');
    assertS3Error(() => parseCompleteMultipartUpload(''), 'MalformedXML');
    assertS3Error(() => parseCompleteMultipartUpload(new Uint8Array(0)), 'MalformedXML');
    assertS3Error(() => parseCompleteMultipartUpload(doc('<Part><PartNumber>1</PartNumber></Part>')), 'MalformedXML');
    assertS3Error(() => parseCompleteMultipartUpload(doc('<Part><ETag>e</ETag></Part>')), 'MalformedXML');
    assertS3Error(() => parseCompleteMultipartUpload(doc(part('x'))), 'MalformedXML');
    assertS3Error(() => parseCompleteMultipartUpload(doc(part(0))), 'InvalidArgument');
    assertS3Error(() => parseCompleteMultipartUpload(doc(part(10001))), 'InvalidArgument');
    assertS3Error(() => parseCompleteMultipartUpload(doc(part(2) + part(1))), 'InvalidPartOrder');
    assertS3Error(() => parseCompleteMultipartUpload(doc(part(1) + part(1))), 'InvalidPartOrder');
    assertS3Error(() => parseCompleteMultipartUpload(doc(Array.from({ length: 10001 }, (_, index) => part(index + 1)).join(''))), 'MalformedXML');
    assertS3Error(() => parseCompleteMultipartUpload('<Other/>'), 'MalformedXML');
  });

  it('reads 10,000 parts with SHA-256 checksums (about 2 MB, above the 1 MiB of other documents)', () => {
    const etag = `"${'0123456789abcdef'.repeat(2)}"`;
    const checksum = 'a'.repeat(43) + '=';
    const parts = Array.from({ length: 10000 }, (_, index) => `<Part><ChecksumSHA256>${checksum}</ChecksumSHA256><ETag>${etag}</ETag><PartNumber>${index + 1}</PartNumber></Part>`);
    const body = `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.join('')}</CompleteMultipartUpload>`;
    assert.ok(Buffer.byteLength(body) > s3XmlBodyBytesMax);
    const parsed = parseCompleteMultipartUpload(body);
    assert.equal(parsed.length, 10000);
    assert.deepEqual(parsed[9999], { partNumber: 10000, etag: etag.slice(1, -1), checksums: { SHA256: checksum } });
    assertS3Error(() => parseCompleteMultipartUpload(new Uint8Array(s3CompleteMultipartUploadBytesMax + 1)), 'MaxMessageLengthExceeded');
  });
});

describe('parseDeleteObjects', () => {
  it('reads the reference example (quiet, version ids) and decodes escaped keys', () => {
    const request = parseDeleteObjects(`<Delete>
      <Quiet>true</Quiet>
      <Object><Key>sample1.txt</Key></Object>
      <Object><Key>sample2.txt</Key><VersionId>OYcLXagmS.WaD..oyH4KRguB95_YhLs7</VersionId></Object>
      <Object><Key>a&amp;b&lt;c&#13;&#x0A;d&#x1F600;</Key></Object>
      <Object><Key><![CDATA[x<y&z]]></Key></Object>
      <Object><Key>  spaced  </Key></Object>
    </Delete>`);
    assert.deepEqual(request, {
      quiet: true,
      objects: [
        { key: 'sample1.txt', versionId: undefined },
        { key: 'sample2.txt', versionId: 'OYcLXagmS.WaD..oyH4KRguB95_YhLs7' },
        { key: 'a&b<c\r\nd😀', versionId: undefined },
        { key: 'x<y&z', versionId: undefined },
        { key: '  spaced  ', versionId: undefined },
      ],
    });
    assert.equal(parseDeleteObjects('<Delete><Object><Key>k</Key></Object></Delete>').quiet, false);
  });

  it('limits DeleteObjects to 1000 keys and needs at least one', () => {
    const objects = (count: number) => Array.from({ length: count }, (_, index) => `<Object><Key>k${index}</Key></Object>`).join('');
    assert.equal(parseDeleteObjects(`<Delete>${objects(1000)}</Delete>`).objects.length, 1000);
    assertS3Error(() => parseDeleteObjects(`<Delete>${objects(1001)}</Delete>`), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('<Delete><Quiet>true</Quiet></Delete>'), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('<Delete><Object><VersionId>v</VersionId></Object></Delete>'), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('<Delete><Quiet>maybe</Quiet><Object><Key>k</Key></Object></Delete>'), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>'), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('<Delete><Object><Key><Nested/></Key></Object></Delete>'), 'MalformedXML');
  });
});

describe('hostile and malformed bodies', () => {
  it('refuses DTDs: no XXE, no billion laughs', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
      <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><Delete><Object><Key>&lol2;</Key></Object></Delete>`;
    assertS3Error(() => parseDeleteObjects(laughs), 'MalformedXML');
    const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&xxe;</Key></Object></Delete>`;
    assertS3Error(() => parseDeleteObjects(xxe), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('<!doctype Delete><Delete><Object><Key>k</Key></Object></Delete>'), 'MalformedXML');
  });

  it('refuses undeclared entities and stray ampersands instead of passing them through', () => {
    assertS3Error(() => parseDeleteObjects('<Delete><Object><Key>&lol;</Key></Object></Delete>'), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('<Delete><Object><Key>a & b</Key></Object></Delete>'), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('<Delete><Object><Key>&#0;</Key></Object></Delete>'), 'MalformedXML');
    // Characters outside XML 1.0's Char, raw or referenced (a key with \x01 cannot travel in XML).
    assertS3Error(() => parseDeleteObjects('<Delete><Object><Key>a\u0001b</Key></Object></Delete>'), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('<Delete><Object><Key>a&#1;b</Key></Object></Delete>'), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('<Delete><Object><Key>a&#xFFFE;b</Key></Object></Delete>'), 'MalformedXML');
    assert.deepEqual(parseDeleteObjects('<Delete><Object><Key>tab&#9;cr&#13;lf&#10;\u00e9</Key></Object></Delete>').objects[0]?.key, 'tab\tcr\rlf\n\u00e9');
    assertS3Error(() => parseDeleteObjects('<Delete><Object><Key>&#xD800;</Key></Object></Delete>'), 'MalformedXML');
  });

  it('refuses syntax errors, wrong roots, several roots, bad UTF-8 and empty bodies', () => {
    assertS3Error(() => parseDeleteObjects('<Delete><Object><Key>a</Object></Delete>'), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('<Delete><Object><Key>a</Key></Object>'), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('not xml'), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('<Tagging><TagSet/></Tagging>'), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects('<Delete><Object><Key>a</Key></Object></Delete><Delete/>'), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects(new Uint8Array([0x3c, 0x44, 0xff, 0x3e])), 'MalformedXML');
    assertS3Error(() => parseDeleteObjects(''), 'MissingRequestBodyError');
  });

  it('refuses bodies over 1 MiB before parsing', () => {
    const padding = ' '.repeat(s3XmlBodyBytesMax);
    assertS3Error(() => parseDeleteObjects(`<Delete><Object><Key>k</Key></Object>${padding}</Delete>`), 'MaxMessageLengthExceeded');
    assertS3Error(() => parseDeleteObjects(new Uint8Array(s3XmlBodyBytesMax + 1)), 'MaxMessageLengthExceeded');
  });
});

describe('parseTagging', () => {
  it('reads the reference example', () => {
    const tags = parseTagging(
      `<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>
        <Tag><Key>tag1</Key><Value>val1</Value></Tag><Tag><Key>tag2</Key><Value></Value></Tag><Tag><Key>ключ</Key><Value>a b+c=d.e_f:g/h@i-j</Value></Tag>
      </TagSet></Tagging>`,
      objectTags,
    );
    assert.deepEqual(tags, [
      { key: 'tag1', value: 'val1' },
      { key: 'tag2', value: '' },
      { key: 'ключ', value: 'a b+c=d.e_f:g/h@i-j' },
    ]);
    assert.deepEqual(parseTagging('<Tagging><TagSet/></Tagging>', objectTags), []);
  });

  it('applies the S3 tag limits with InvalidTag', () => {
    const tagging = (count: number) =>
      `<Tagging><TagSet>${Array.from({ length: count }, (_, index) => `<Tag><Key>k${index}</Key><Value>v</Value></Tag>`).join('')}</TagSet></Tagging>`;
    assert.equal(parseTagging(tagging(10), objectTags).length, 10);
    assertS3Error(() => parseTagging(tagging(11), objectTags), 'InvalidTag', 'Object tags cannot be greater than 10');
    assert.equal(parseTagging(tagging(50), { tagCountMax: s3BucketTagCountMax }).length, 50);
    assertS3Error(() => parseTagging(tagging(51), { tagCountMax: s3BucketTagCountMax }), 'InvalidTag');
    const one = (key: string, value: string) => `<Tagging><TagSet><Tag><Key>${key}</Key><Value>${value}</Value></Tag></TagSet></Tagging>`;
    assert.equal(parseTagging(one('k'.repeat(128), 'v'.repeat(256)), objectTags).length, 1);
    assert.equal(parseTagging(one('é'.repeat(128), 'ü'.repeat(256)), objectTags).length, 1);
    assertS3Error(() => parseTagging(one('k'.repeat(129), 'v'), objectTags), 'InvalidTag', 'The TagKey you have provided is too long, max 128');
    assertS3Error(() => parseTagging(one('k', 'v'.repeat(257)), objectTags), 'InvalidTag', 'The TagValue you have provided is too long, max 256');
    assertS3Error(() => parseTagging(one('', 'v'), objectTags), 'InvalidTag');
    assertS3Error(() => parseTagging(one('a*b', 'v'), objectTags), 'InvalidTag');
    assertS3Error(() => parseTagging(one('k', 'v&amp;'), objectTags), 'InvalidTag');
    assertS3Error(() => parseTagging(one('aws:x', 'v'), objectTags), 'InvalidTag');
    assertS3Error(
      () => parseTagging('<Tagging><TagSet><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key><Value>2</Value></Tag></TagSet></Tagging>', objectTags),
      'InvalidTag',
      'Cannot provide multiple Tags with the same key',
    );
    assertS3Error(() => parseTagging('<Tagging></Tagging>', objectTags), 'MalformedXML');
    assertS3Error(() => parseTagging('<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>', objectTags), 'MalformedXML');
    assert.doesNotThrow(() => validateTag({ key: 'Project', value: 'Blue' }));
  });
});

describe('parseVersioningConfiguration and parseCreateBucketConfiguration', () => {
  it('reads the reference examples', () => {
    assert.deepEqual(
      parseVersioningConfiguration('<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>'),
      { status: 'Enabled', mfaDelete: undefined },
    );
    assert.deepEqual(parseVersioningConfiguration('<VersioningConfiguration><Status>Suspended</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>'), {
      status: 'Suspended',
      mfaDelete: 'Disabled',
    });
    assertS3Error(() => parseVersioningConfiguration('<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>'), 'MalformedXML');
    assert.deepEqual(
      parseCreateBucketConfiguration('<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>'),
      { locationConstraint: 'eu-west-1' },
    );
    assert.deepEqual(parseCreateBucketConfiguration(''), { locationConstraint: undefined });
    assert.deepEqual(parseCreateBucketConfiguration(new Uint8Array()), { locationConstraint: undefined });
    assert.deepEqual(parseCreateBucketConfiguration('<CreateBucketConfiguration/>'), { locationConstraint: undefined });
    assertS3Error(() => parseCreateBucketConfiguration('<CreateBucketConfiguration>'), 'MalformedXML');
  });
});
