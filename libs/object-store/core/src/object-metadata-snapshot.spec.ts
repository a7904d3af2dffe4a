import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeObjectMetadataCommand, encodeObjectMetadataCommand, ObjectMetadataCommandInvalidError, objectMetadataCommand } from './object-metadata-commands.js';
import { MachineDriver, owner } from './object-metadata-fixtures.spec-helper.js';
import { ObjectMetadataMachine } from './object-metadata-machine.js';
import { ObjectMetadataSnapshotInvalidError } from './object-metadata-snapshot.js';

/** Everything the reads can see, as plain data. */
function observe(machine: ObjectMetadataMachine): unknown {
  return {
    appliedIndex: machine.appliedIndex,
    buckets: machine.listBuckets(),
    keys: machine.listAccessKeys(),
    contents: machine.listBuckets().map((bucket) => {
      const versions = machine.listObjectVersions(bucket.name, { maxKeys: 1000 });
      const uploads = machine.listMultipartUploads(bucket.name, { maxUploads: 1000 });
      assert.ok(versions.ok && uploads.ok);
      return {
        versions: versions.value.versions,
        uploads: uploads.value.uploads.map((upload) => {
          const parts = machine.listParts({ bucket: bucket.name, key: upload.key, uploadId: upload.uploadId, maxParts: 1000 });
          assert.ok(parts.ok);
          return { upload, parts: parts.value.parts };
        }),
      };
    }),
  };
}

const stepArbitrary = fc.tuple(fc.constantFrom('put', 'delete', 'version', 'upload', 'part', 'tag', 'key'), fc.constantFrom('a', 'b/c', 'é\u{1f600}', 'd'), fc.nat(3));

describe('object metadata snapshot', () => {
  it('round-trips any reachable state, whole and in small chunks', () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { maxLength: 40, size: 'max' }), (steps) => {
        const driver = new MachineDriver();
        driver.createBucket('one');
        driver.createBucket('two', 'Enabled');
        for (const [step, key, number] of steps) {
          const bucket = number % 2 === 0 ? 'one' : 'two';
          if (step === 'put') driver.put(bucket, key, { attributes: { contentHeaders: { contentType: 'a/b', cacheControl: 'no-cache' }, userMetadata: { m: `${number}` }, tags: [{ key: 't', value: 'v' }] }, checksums: { CRC32: 'AAAAAA==' }, checksumType: 'FULL_OBJECT' });
          if (step === 'delete') driver.delete(bucket, key);
          if (step === 'version') driver.apply({ op: 'PutBucketVersioning', bucket, status: number > 1 ? 'Suspended' : 'Enabled' });
          if (step === 'upload') driver.apply({ op: 'CreateMultipartUpload', bucket, key, uploadId: `u${number}`, initiatedAtMs: number, ownerAccessKeyId: owner, attributes: { contentHeaders: {}, userMetadata: {}, tags: [] }, checksumAlgorithm: 'SHA256' });
          if (step === 'part') driver.apply({ op: 'UploadPart', bucket, key, uploadId: `u${number}`, partNumber: number + 1, sizeBytes: 1, etag: 'e', lastModifiedMs: 1, location: [driver.blob(1)] });
          if (step === 'tag') driver.apply({ op: 'PutBucketTagging', bucket, tags: [{ key: 'k', value: `${number}` }] });
          if (step === 'key') driver.apply({ op: 'CreateAccessKey', accessKeyId: `AK${number}`, secretCiphertext: 'c', secretNonce: 'n', createdAtMs: 1 });
        }
        const bytes = driver.machine.snapshot();
        const restored = new ObjectMetadataMachine();
        restored.restore(bytes);
        assert.deepEqual(observe(restored), observe(driver.machine));
        assert.deepEqual(restored.snapshot(), bytes, 'a restored state snapshots to the same bytes');
        const chunked = new ObjectMetadataMachine();
        chunked.restore(Array.from({ length: Math.ceil(bytes.length / 7) }, (_, index) => bytes.subarray(index * 7, index * 7 + 7)));
        assert.deepEqual(observe(chunked), observe(driver.machine));
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a truncated or corrupted snapshot with a typed error and keeps the old state', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    driver.put('b', 'k');
    const bytes = driver.machine.snapshot();
    const target = new MachineDriver();
    target.createBucket('kept');
    for (let length = 0; length < bytes.length; length += 3) {
      assert.throws(() => target.machine.restore(bytes.subarray(0, length)), ObjectMetadataSnapshotInvalidError);
    }
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const corrupted = Uint8Array.from(bytes);
        corrupted[at] = corrupted[at]! ^ flip;
        try {
          target.machine.restore(corrupted);
          target.machine.restore(target.machine.snapshot());
        } catch (error) {
          assert.ok(error instanceof ObjectMetadataSnapshotInvalidError, String(error));
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('object metadata commands', () => {
  it('round-trip through bytes', () => {
    const command = objectMetadataCommand('CompleteMultipartUpload', {
      bucket: 'b',
      key: 'k/\u{1f600}',
      uploadId: 'u',
      parts: [{ partNumber: 1, etag: '"e1"', checksums: { CRC32C: 'x' } }],
      versionId: 'v',
      lastModifiedMs: 5,
      md5OfPartMd5s: '0'.repeat(32),
      conditions: { ifMatch: '"e"' },
    });
    assert.deepEqual(decodeObjectMetadataCommand(encodeObjectMetadataCommand(command)), command);
  });

  it('refuses out-of-range fields when encoding', () => {
    const base = { op: 'UploadPart', bucket: 'b', key: 'k', uploadId: 'u', sizeBytes: 1, etag: 'e', lastModifiedMs: 1, location: [] } as const;
    assert.throws(() => encodeObjectMetadataCommand({ ...base, partNumber: 10_001 }), ObjectMetadataCommandInvalidError);
    assert.throws(() => encodeObjectMetadataCommand({ ...base, partNumber: 1, key: 'x'.repeat(1025) }), ObjectMetadataCommandInvalidError);
    assert.throws(() => encodeObjectMetadataCommand({ ...base, partNumber: 1, key: '\ud800' }), ObjectMetadataCommandInvalidError);
    assert.throws(() => encodeObjectMetadataCommand({ ...base, partNumber: 1, etag: '"quoted"' }), ObjectMetadataCommandInvalidError);
  });

  it('decoding arbitrary bytes or JSON either yields a command or a typed error, never a crash', () => {
    const jsonish = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((bytes) => bytes),
      fc.jsonValue().map((value) => new TextEncoder().encode(JSON.stringify(value))),
      fc
        .record({
          op: fc.constantFrom('PutObject', 'DeleteObject', 'CompleteMultipartUpload', 'CreateBucket', 'UploadPart', 'DeleteObjects', 'x'),
          bucket: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          key: fc.oneof(fc.string({ maxLength: 3 }), fc.constant({})),
          parts: fc.array(fc.record({ partNumber: fc.integer(), etag: fc.string() }), { maxLength: 3 }),
          location: fc.oneof(fc.constant([]), fc.array(fc.anything(), { maxLength: 2 })),
          attributes: fc.anything(),
          objects: fc.anything(),
          __proto__: fc.anything(),
        }, { requiredKeys: ['op'] })
        .map((value) => new TextEncoder().encode(JSON.stringify(value))),
    );
    fc.assert(
      fc.property(jsonish, (bytes) => {
        try {
          const command = decodeObjectMetadataCommand(bytes);
          assert.deepEqual(decodeObjectMetadataCommand(encodeObjectMetadataCommand(command)), command);
        } catch (error) {
          assert.ok(error instanceof ObjectMetadataCommandInvalidError, String(error));
        }
        const machine = new ObjectMetadataMachine();
        const reply = machine.apply(bytes, 1);
        assert.ok(reply.ok || typeof reply.error.code === 'string');
      }),
      { numRuns: 3000 },
    );
  });
});
