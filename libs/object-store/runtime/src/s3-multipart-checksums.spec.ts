/**
 * Multipart digests. Goal: the ETag's MD5-of-MD5s, COMPOSITE checksums and FULL_OBJECT CRCs are
 * byte-exact with what S3 and the SDKs compute, and the completion planner refuses what S3 refuses.
 *
 * Method: FULL_OBJECT CRCs combined from random splits of random data (empty parts and one-byte
 * parts included, fast-check) against the CRC of the whole computed directly; COMPOSITE and
 * MD5-of-MD5s against their definitions written out with node:crypto; the planner and the header
 * readers on tables of cases taken from the S3 API reference (CreateMultipartUpload,
 * UploadPartCopy, CompleteMultipartUpload).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { partSizeBytesMin, type MultipartUpload, type UploadedPart } from '@objectbox/object-store-core';
import { checksumOf, digestToBase64, type ChecksumAlgorithm } from './blob-checksums.js';
import { copyRangeOf, partSizeBytesMax, partWritePlanOf, planComplete, uploadChecksumSettingsOf } from './s3-handlers-multipart.js';
import { compositeChecksumOf, fullObjectChecksumOf, md5OfPartMd5s, type CrcAlgorithm } from './s3-multipart-checksums.js';

const crcAlgorithms: readonly CrcAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME'];

/** Splits `data` at the given cut points (sorted, clamped). */
function split(data: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => Math.min(cut, data.length)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    parts.push(data.subarray(start, point));
    start = point;
  }
  parts.push(data.subarray(start));
  return parts;
}

describe('FULL_OBJECT CRCs combined from parts', () => {
  test('equal the CRC of the whole, for any split', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat({ max: 3000 }), { maxLength: 6 }), fc.constantFrom(...crcAlgorithms), (data, cuts, algorithm) => {
        const parts = split(data, cuts).map((part) => ({ digest: checksumOf(algorithm, part), sizeBytes: part.length }));
        assert.deepEqual(fullObjectChecksumOf(algorithm, parts), checksumOf(algorithm, data));
      }),
      { numRuns: 300 },
    );
  });

  test('hold for multi-MiB parts of unequal sizes (the power cache and large shifts)', () => {
    const data = randomBytes(11 * 1024 * 1024 + 5);
    for (const algorithm of crcAlgorithms) {
      for (const cuts of [[5 * 1024 * 1024, 10 * 1024 * 1024], [1, 5 * 1024 * 1024 + 3]]) {
        const parts = split(data, cuts).map((part) => ({ digest: checksumOf(algorithm, part), sizeBytes: part.length }));
        assert.deepEqual(fullObjectChecksumOf(algorithm, parts), checksumOf(algorithm, data), `${algorithm} ${cuts.join(',')}`);
      }
    }
  });
});

test('COMPOSITE is the digest of the concatenated part digests, base64, -N', () => {
  const parts = [randomBytes(1000), randomBytes(1)];
  for (const algorithm of ['CRC32', 'SHA1', 'SHA256'] as const) {
    const digests = parts.map((part) => checksumOf(algorithm, part));
    assert.equal(compositeChecksumOf(algorithm, digests), `${digestToBase64(checksumOf(algorithm, Buffer.concat(digests)))}-2`);
  }
  // The S3 user guide's shape: CRC32 of two part CRC32s.
  assert.match(compositeChecksumOf('CRC32', parts.map((part) => checksumOf('CRC32', part))), /^[A-Za-z0-9+/]{6}==-2$/);
});

test('MD5-of-MD5s over hex ETags; a non-hex ETag names no part', () => {
  const parts = [randomBytes(10), randomBytes(20)];
  const md5s = parts.map((part) => createHash('md5').update(part).digest());
  assert.equal(md5OfPartMd5s(md5s.map((md5) => md5.toString('hex'))), createHash('md5').update(Buffer.concat(md5s)).digest('hex'));
  assert.equal(md5OfPartMd5s(['not-an-md5']), undefined);
});

describe('CreateMultipartUpload checksum headers', () => {
  const cases: [string | undefined, string | undefined, object | string][] = [
    [undefined, undefined, {}],
    ['crc32', undefined, { checksumAlgorithm: 'CRC32', checksumType: 'COMPOSITE' }],
    ['CRC32C', 'FULL_OBJECT', { checksumAlgorithm: 'CRC32C', checksumType: 'FULL_OBJECT' }],
    ['CRC64NVME', undefined, { checksumAlgorithm: 'CRC64NVME', checksumType: 'FULL_OBJECT' }],
    ['SHA256', 'COMPOSITE', { checksumAlgorithm: 'SHA256', checksumType: 'COMPOSITE' }],
    ['SHA1', 'FULL_OBJECT', 'InvalidRequest'],
    ['CRC64NVME', 'COMPOSITE', 'InvalidRequest'],
    [undefined, 'COMPOSITE', 'InvalidRequest'],
    ['MD5', undefined, 'InvalidRequest'],
    ['CRC32', 'PARTIAL', 'InvalidRequest'],
  ];
  for (const [algorithm, type, expected] of cases) {
    test(`${algorithm ?? '-'} ${type ?? '-'}`, () => {
      if (typeof expected === 'string') assert.throws(() => uploadChecksumSettingsOf(algorithm, type), { code: expected });
      else assert.deepEqual(uploadChecksumSettingsOf(algorithm, type), expected);
    });
  }
});

test('a part computes the upload algorithm and refuses another', () => {
  const plan = { checksumAlgorithms: [] as ChecksumAlgorithm[] };
  assert.deepEqual(partWritePlanOf(plan, { checksumAlgorithm: undefined }), plan);
  assert.deepEqual(partWritePlanOf(plan, { checksumAlgorithm: 'CRC32' }).checksumAlgorithms, ['CRC32']);
  assert.deepEqual(partWritePlanOf({ checksumAlgorithms: ['CRC32'], expectedChecksums: { CRC32: 'AAAAAA==' } }, { checksumAlgorithm: 'CRC32' }).expectedChecksums, { CRC32: 'AAAAAA==' });
  assert.throws(() => partWritePlanOf({ checksumAlgorithms: ['SHA256'] }, { checksumAlgorithm: 'CRC32' }), { code: 'InvalidRequest', message: /expected checksum Type: crc32, actual checksum Type: sha256/ });
});

test('x-amz-copy-source-range against the source size and the 5 GiB part limit', () => {
  assert.equal(copyRangeOf(undefined, 10), undefined);
  assert.deepEqual(copyRangeOf({ first: 2, last: 9 }, 10), { start: 2, endInclusive: 9 });
  assert.throws(() => copyRangeOf({ first: 2, last: 10 }, 10), { code: 'InvalidArgument' });
  assert.throws(() => copyRangeOf(undefined, partSizeBytesMax + 1), { code: 'InvalidRequest' });
  assert.throws(() => copyRangeOf({ first: 0, last: partSizeBytesMax }, partSizeBytesMax + 1), { code: 'InvalidRequest' });
  assert.deepEqual(copyRangeOf({ first: 1, last: partSizeBytesMax }, partSizeBytesMax + 1), { start: 1, endInclusive: partSizeBytesMax });
});

describe('planComplete', () => {
  function uploadOf(settings: Partial<MultipartUpload> = {}): MultipartUpload {
    return {
      bucket: 'b',
      key: 'k',
      uploadId: 'u',
      initiatedAtMs: 0,
      ownerAccessKeyId: 'o',
      attributes: { contentHeaders: {}, userMetadata: {}, tags: [] },
      checksumAlgorithm: undefined,
      checksumType: undefined,
      ...settings,
    };
  }
  function partsOf(bodies: readonly Uint8Array[], algorithm?: ChecksumAlgorithm): Map<number, UploadedPart> {
    return new Map(
      bodies.map((body, index) => [
        index + 1,
        {
          partNumber: index + 1,
          sizeBytes: body.length,
          etag: createHash('md5').update(body).digest('hex'),
          checksums: algorithm === undefined ? undefined : { [algorithm]: digestToBase64(checksumOf(algorithm, body)) },
          lastModifiedMs: 0,
          location: [],
        },
      ]),
    );
  }
  const noHeaders = { values: {}, type: undefined };
  const big = new Uint8Array(partSizeBytesMin);
  const small = new Uint8Array([1, 2, 3]);

  test('stamps the MD5-of-MD5s, the size and the stored parts; no checksum without an algorithm', () => {
    const parts = partsOf([big, small]);
    const requested = [...parts.values()].map((part) => ({ partNumber: part.partNumber, etag: part.etag, checksums: {} }));
    const plan = planComplete({ upload: uploadOf(), parts, requested, requestChecksums: noHeaders });
    assert.equal(plan.md5OfPartMd5s, md5OfPartMd5s(requested.map((part) => part.etag)));
    assert.equal(plan.sizeBytes, big.length + small.length);
    assert.deepEqual(plan.parts.map((part) => part.partNumber), [1, 2]);
    assert.equal(plan.checksums, undefined);
    assert.throws(() => planComplete({ upload: uploadOf(), parts, requested, requestChecksums: { values: { CRC32: 'AAAAAA==' }, type: undefined } }), { code: 'InvalidRequest' });
  });

  test('refuses unknown parts, wrong ETags or checksums, and small parts but the last', () => {
    const parts = partsOf([small, big], 'CRC32');
    const [one, two] = [parts.get(1)!, parts.get(2)!];
    const request = (partNumber: number, etag: string, checksums = {}) => ({ partNumber, etag, checksums });
    const upload = uploadOf();
    const plan = (requested: ReturnType<typeof request>[]) => () => planComplete({ upload, parts, requested, requestChecksums: noHeaders });
    assert.throws(plan([request(3, one.etag)]), { code: 'InvalidPart' });
    assert.throws(plan([request(1, two.etag)]), { code: 'InvalidPart' });
    assert.throws(plan([request(1, one.etag, { CRC32: two.checksums!.CRC32 })]), { code: 'InvalidPart' });
    assert.throws(plan([request(1, one.etag, { SHA256: 'x' })]), { code: 'InvalidPart' });
    assert.throws(plan([request(1, one.etag), request(2, two.etag)]), { code: 'EntityTooSmall' });
    assert.equal(plan([request(2, two.etag)])().sizeBytes, big.length);
  });

  test('COMPOSITE needs every part checksum listed; a sent object checksum or type must agree', () => {
    const bodies = [big, small];
    const parts = partsOf(bodies, 'CRC32');
    const upload = uploadOf({ checksumAlgorithm: 'CRC32', checksumType: 'COMPOSITE' });
    const listed = [...parts.values()].map((part) => ({ partNumber: part.partNumber, etag: part.etag, checksums: part.checksums! }));
    const expected = compositeChecksumOf('CRC32', bodies.map((body) => checksumOf('CRC32', body)));
    const plan = planComplete({ upload, parts, requested: listed, requestChecksums: noHeaders });
    assert.deepEqual([plan.checksums, plan.checksumType], [{ CRC32: expected }, 'COMPOSITE']);
    const withHeaders = (values: object, type?: string) => () => planComplete({ upload, parts, requested: listed, requestChecksums: { values, type } });
    assert.equal(withHeaders({ CRC32: expected })().checksums?.CRC32, expected);
    assert.equal(withHeaders({ CRC32: expected.replace(/-2$/, '') })().checksums?.CRC32, expected);
    assert.throws(withHeaders({ CRC32: 'AAAAAA==' }), { code: 'BadDigest' });
    assert.throws(withHeaders({ CRC32C: 'AAAAAA==' }), { code: 'InvalidRequest' });
    assert.throws(withHeaders({}, 'FULL_OBJECT'), { code: 'InvalidRequest' });
    const unlisted = listed.map((part) => ({ ...part, checksums: {} }));
    assert.throws(() => planComplete({ upload, parts, requested: unlisted, requestChecksums: noHeaders }), { code: 'InvalidRequest', message: /missing for part 1/ });
  });

  test('FULL_OBJECT combines the part CRCs into the CRC of the whole; part checksums may be left out', () => {
    const bodies = [randomBytes(partSizeBytesMin), randomBytes(77)];
    const parts = partsOf(bodies, 'CRC64NVME');
    const upload = uploadOf({ checksumAlgorithm: 'CRC64NVME', checksumType: 'FULL_OBJECT' });
    const requested = [...parts.values()].map((part) => ({ partNumber: part.partNumber, etag: part.etag, checksums: {} }));
    const whole = digestToBase64(checksumOf('CRC64NVME', Buffer.concat(bodies)));
    const plan = planComplete({ upload, parts, requested, requestChecksums: { values: { CRC64NVME: whole }, type: 'FULL_OBJECT' } });
    assert.deepEqual([plan.checksums, plan.checksumType], [{ CRC64NVME: whole }, 'FULL_OBJECT']);
    // The command carries the stored part checksums, which apply compares with the parts it completes.
    assert.deepEqual(plan.parts.map((part) => part.checksums), [...parts.values()].map((part) => part.checksums));
  });
});
