/**
 * Checksums. Goal: every digest the S3 edge sends or compares is byte-exact with what the AWS SDKs
 * compute, whatever the chunking, and the worker pool returns exactly what the inline hasher does.
 *
 * Method: published test vectors (the CRC "check" value of "123456789" from the RevEng catalogue,
 * AWS's CRC64NVME vectors from aws-checksums and aws-c-s3), cross-checks against node:crypto,
 * node:zlib and the storage lib's pure-JS CRC32C on random data, property tests that any split of
 * the input gives the same digests, and the pool against the inline hasher (also under failure).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { crc32c } from '@objectbox/storage-core';
import {
  Blake3,
  blake3Of,
  blake3OfParts,
  BlobHashState,
  type BlobHashResult,
  checksumAlgorithms,
  checksumOf,
  Crc64Nvme,
  digestFromBase64,
  digestToBase64,
  digestToHex,
  inlineBlobHasherFactory,
} from './blob-checksums.js';
import { BlobHashWorkerPool } from './blob-hash-worker.js';
import { isBlobStoreError } from './blob-errors.js';

const ascii = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

test('CRC64NVME matches AWS test vectors', () => {
  const hex = (data: Uint8Array) => digestToHex(new Crc64Nvme().update(data).digest());
  assert.equal(hex(ascii('123456789')), 'ae8b14860a799888');
  assert.equal(hex(new Uint8Array(32)), 'cf3473434d4ecf3b');
  assert.equal(hex(Uint8Array.from({ length: 32 }, (_, index) => index)), 'b9d9d4a8492cbd7f');
  assert.equal(hex(ascii('aaaaaaaaaa')), '0c1a80036d65c555');
  assert.equal(hex(new Uint8Array(0)), '0000000000000000');
  // Ten single-byte updates (aws-c-s3 crc64nvme_nist_test_case_3).
  const incremental = new Crc64Nvme();
  for (let index = 0; index < 10; index++) incremental.update(ascii('a'));
  assert.equal(digestToHex(incremental.digest()), '0c1a80036d65c555');
  assert.equal(digestToBase64(new Crc64Nvme().update(ascii('Hello, World!\n')).digest()), 'SoXXbx67KpE=');
});

test('CRC32 and CRC32C check values and base64 (big-endian, as x-amz-checksum-* carries them)', () => {
  assert.equal(digestToHex(checksumOf('CRC32', ascii('123456789'))), 'cbf43926');
  assert.equal(digestToHex(checksumOf('CRC32C', ascii('123456789'))), 'e3069283');
  assert.equal(digestToBase64(checksumOf('CRC32', ascii(''))), 'AAAAAA==');
  assert.equal(digestToBase64(checksumOf('SHA256', ascii(''))), '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  assert.equal(digestToBase64(checksumOf('MD5', ascii(''))), '1B2M2Y8AsgTpgAmY7PhCfg==');
});

test('every algorithm agrees with an independent implementation on random data', () => {
  const data = new Uint8Array(randomBytes(300_001));
  assert.equal(digestToHex(checksumOf('CRC32', data)), (crc32(data) >>> 0).toString(16).padStart(8, '0'));
  assert.equal(digestToHex(checksumOf('CRC32C', data)), crc32c(data).toString(16).padStart(8, '0'));
  assert.equal(digestToHex(checksumOf('SHA1', data)), createHash('sha1').update(data).digest('hex'));
  assert.equal(digestToHex(checksumOf('SHA256', data)), createHash('sha256').update(data).digest('hex'));
  assert.equal(digestToHex(checksumOf('MD5', data)), createHash('md5').update(data).digest('hex'));
  // CRC64NVME against a bitwise reference with BigInt.
  assert.equal(digestToHex(checksumOf('CRC64NVME', data.subarray(0, 4099))), crc64NvmeReference(data.subarray(0, 4099)).toString(16).padStart(16, '0'));
});

test('blake3 matches the official test vector for empty input and abc', () => {
  assert.equal(digestToHex(blake3Of(new Uint8Array(0))), 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
  assert.equal(digestToHex(blake3Of(ascii('abc'))), '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85');
});

test('one-call, multi-part and pooled incremental blake3 agree, interleaved and after reuse; a released hasher refuses use', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 5 }), fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 5 }), (partsA, partsB) => {
      const expectedA = digestToHex(blake3Of(new Uint8Array(Buffer.concat(partsA))));
      const expectedB = digestToHex(blake3Of(new Uint8Array(Buffer.concat(partsB))));
      assert.equal(digestToHex(blake3OfParts(partsA)), expectedA);
      const first = new Blake3();
      const second = new Blake3();
      for (let index = 0; index < Math.max(partsA.length, partsB.length); index++) {
        if (index < partsA.length) first.update(partsA[index]!);
        if (index < partsB.length) second.update(partsB[index]!);
      }
      assert.equal(digestToHex(first.digest()), expectedA);
      assert.equal(digestToHex(second.digest()), expectedB);
      first.release();
      second.release();
      assert.throws(() => first.update(ascii('x')), /after release/);
      const reused = new Blake3();
      for (const part of partsB) reused.update(part);
      assert.equal(digestToHex(reused.digest()), expectedB, 'a hasher from the pool starts empty');
      reused.release();
    }),
    { numRuns: 100 },
  );
});

test('any split of the input gives the same digests and chunk table', () => {
  const chunkSizeBytes = 64;
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 700 }), fc.array(fc.nat({ max: 700 }), { maxLength: 8 }), (data, cuts) => {
      const whole = hashInPieces(data, [], chunkSizeBytes);
      const split = hashInPieces(data, cuts, chunkSizeBytes);
      assert.deepEqual(split, whole);
      assert.equal(whole.chunkHashes.length, Math.ceil(data.length / chunkSizeBytes) * 32);
      for (let chunk = 0; chunk * chunkSizeBytes < data.length; chunk++) {
        const expected = blake3Of(data.subarray(chunk * chunkSizeBytes, (chunk + 1) * chunkSizeBytes));
        assert.deepEqual(whole.chunkHashes.subarray(chunk * 32, chunk * 32 + 32), expected);
      }
    }),
  );
});

test('digestFromBase64 accepts only canonical base64 of the exact size', () => {
  assert.deepEqual(digestFromBase64('1B2M2Y8AsgTpgAmY7PhCfg==', 16), new Uint8Array(Buffer.from('d41d8cd98f00b204e9800998ecf8427e', 'hex')));
  assert.equal(digestFromBase64('1B2M2Y8AsgTpgAmY7PhCfg==', 4), null);
  assert.equal(digestFromBase64('not base64!', 16), null);
  assert.equal(digestFromBase64('AAAAAB==', 4), null, 'stray bits in the padding');
  assert.equal(digestFromBase64('', 4), null);
});

test('the worker pool computes exactly what the inline hasher computes', async () => {
  const pool = new BlobHashWorkerPool({ workerCount: 2, batchSizeBytes: 1000, inflightBytesMaxPerHasher: 3000 });
  try {
    const data = new Uint8Array(randomBytes(50_000));
    const options = { algorithms: checksumAlgorithms, chunkSizeBytes: 4096 };
    const pieces = [0, 1, 999, 1000, 1001, 7777, 20_000, 50_000];
    const run = async (factory: typeof inlineBlobHasherFactory, sizeBytesHint?: number): Promise<BlobHashResult> => {
      const hasher = factory.createHasher(sizeBytesHint === undefined ? options : { ...options, sizeBytesHint });
      for (let index = 0; index + 1 < pieces.length; index++) {
        const chunk = new Uint8Array(data.subarray(pieces[index]!, pieces[index + 1]!));
        await hasher.update(chunk);
        chunk.fill(0); // the hasher must have copied or consumed the chunk already
      }
      return hasher.finish();
    };
    const expected = await run(inlineBlobHasherFactory);
    // The last one is announced small enough to be hashed inline by the pool.
    const results = await Promise.all([run(pool), run(pool), run(pool), run(pool, pool.inlineSizeBytesMax)]);
    for (const result of results) assert.deepEqual(normalise(result), normalise(expected));
  } finally {
    await pool.close();
  }
});

test('an aborted pooled hasher rejects and the pool keeps working; close fails open hashers', async () => {
  const pool = new BlobHashWorkerPool({ workerCount: 1 });
  const aborted = pool.createHasher({ algorithms: ['CRC32'], chunkSizeBytes: 1024 });
  await aborted.update(new Uint8Array(10));
  aborted.abort();
  await assert.rejects(aborted.finish(), (error) => isBlobStoreError(error) && error.code === 'BlobHashWorkerFailed');
  const next = pool.createHasher({ algorithms: ['CRC32'], chunkSizeBytes: 1024 });
  await next.update(ascii('123456789'));
  assert.equal(digestToHex((await next.finish()).checksums.CRC32!), 'cbf43926');
  const open = pool.createHasher({ algorithms: [], chunkSizeBytes: 1024 });
  // Either it finishes before the close or it fails with a typed error; it never hangs.
  const finishing = open.finish().then(
    () => 'finished',
    (error: unknown) => (isBlobStoreError(error) ? 'failed' : error),
  );
  await pool.close();
  assert.ok(['finished', 'failed'].includes((await finishing) as string));
});

function hashInPieces(data: Uint8Array, cuts: number[], chunkSizeBytes: number): BlobHashResult {
  const state = new BlobHashState({ algorithms: checksumAlgorithms, chunkSizeBytes });
  const positions = [...new Set([0, ...cuts.map((cut) => Math.min(cut, data.length)), data.length])].sort((a, b) => a - b);
  for (let index = 0; index + 1 < positions.length; index++) state.update(data.subarray(positions[index]!, positions[index + 1]!));
  return normalise(state.finish());
}

function normalise(result: BlobHashResult): BlobHashResult {
  const checksums: BlobHashResult['checksums'] = {};
  for (const algorithm of checksumAlgorithms) if (result.checksums[algorithm] !== undefined) checksums[algorithm] = new Uint8Array(result.checksums[algorithm]);
  return { sizeBytes: result.sizeBytes, md5: new Uint8Array(result.md5), checksums, chunkHashes: new Uint8Array(result.chunkHashes) };
}

function crc64NvmeReference(data: Uint8Array): bigint {
  const polynomialReflected = 0x9a6c9329ac4bc9b5n;
  let crc = 0xffffffffffffffffn;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ polynomialReflected : crc >> 1n;
  }
  return crc ^ 0xffffffffffffffffn;
}
