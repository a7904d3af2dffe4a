/**
 * The blob reference index (isBlobReferenced) against the definition: a blob is referenced iff
 * some version or in-progress upload part names it. Scenario checks, and a seeded random walk of
 * puts (some conditional), deletes, versioning changes, multipart uploads and bucket deletes where
 * after every command the index agrees with a from-scratch rebuild (snapshot and restore), every
 * blob a reply calls garbage is unreferenced, and every successful write's blobs are referenced.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MachineDriver, owner } from './object-metadata-fixtures.spec-helper.js';
import { ObjectMetadataMachine } from './object-metadata-machine.js';
import type { BlobRef } from './object-metadata-model.js';

const attributes = { contentHeaders: {}, userMetadata: {}, tags: [] };

function versionIdOf(reply: { ok: true; value: { versionId: string } } | { ok: false }): string {
  assert.ok(reply.ok);
  return reply.value.versionId;
}

function restored(machine: ObjectMetadataMachine): ObjectMetadataMachine {
  const copy = new ObjectMetadataMachine();
  copy.restore(machine.snapshot());
  return copy;
}

test('overwrites, versioned puts, deletes and multipart keep exactly the live blobs referenced', () => {
  const driver = new MachineDriver();
  const { machine } = driver;
  driver.createBucket('b');
  const first = driver.put('b', 'k');
  const [firstBlob] = first.command.location as [BlobRef];
  assert.ok(machine.isBlobReferenced(firstBlob.blobId));
  const second = driver.put('b', 'k');
  assert.ok(!machine.isBlobReferenced(firstBlob.blobId), 'the overwritten null version no longer references its blob');
  assert.ok(machine.isBlobReferenced(second.command.location[0]!.blobId));

  driver.ok({ op: 'PutBucketVersioning', bucket: 'b', status: 'Enabled' });
  const third = driver.put('b', 'k');
  assert.ok(machine.isBlobReferenced(second.command.location[0]!.blobId), 'a non-current version keeps its blob');
  assert.ok(driver.delete('b', 'k').ok);
  assert.ok(machine.isBlobReferenced(third.command.location[0]!.blobId), 'a delete marker removes no blob');
  assert.ok(driver.delete('b', 'k', versionIdOf(third)).ok);
  assert.ok(!machine.isBlobReferenced(third.command.location[0]!.blobId));

  driver.ok({ op: 'CreateMultipartUpload', bucket: 'b', key: 'big', uploadId: 'u1', initiatedAtMs: driver.nextTimeMs(), ownerAccessKeyId: owner, attributes });
  const parts = [1, 2, 2, 3].map((partNumber) => ({ partNumber, blob: driver.blob(5 * 1024 * 1024) }));
  for (const { partNumber, blob } of parts) {
    driver.ok({ op: 'UploadPart', bucket: 'b', key: 'big', uploadId: 'u1', partNumber, sizeBytes: blob.sizeBytes, etag: `e${partNumber}`, lastModifiedMs: driver.nextTimeMs(), location: [blob] });
  }
  assert.ok(!machine.isBlobReferenced(parts[1]!.blob.blobId), 'a replaced part is unreferenced');
  for (const index of [0, 2, 3]) assert.ok(machine.isBlobReferenced(parts[index]!.blob.blobId), 'parts of an upload in progress are referenced');
  driver.ok({ op: 'CompleteMultipartUpload', bucket: 'b', key: 'big', uploadId: 'u1', parts: [{ partNumber: 1, etag: 'e1' }, { partNumber: 2, etag: 'e2' }], versionId: driver.nextId('v'), lastModifiedMs: driver.nextTimeMs(), md5OfPartMd5s: '0'.repeat(32) });
  assert.ok(machine.isBlobReferenced(parts[0]!.blob.blobId) && machine.isBlobReferenced(parts[2]!.blob.blobId), 'listed parts now belong to the object');
  assert.ok(!machine.isBlobReferenced(parts[3]!.blob.blobId), 'an unlisted part is unreferenced after Complete');

  driver.createBucket('gone');
  driver.ok({ op: 'CreateMultipartUpload', bucket: 'gone', key: 'x', uploadId: 'u2', initiatedAtMs: driver.nextTimeMs(), ownerAccessKeyId: owner, attributes });
  const orphanPart = driver.blob(10);
  driver.ok({ op: 'UploadPart', bucket: 'gone', key: 'x', uploadId: 'u2', partNumber: 1, sizeBytes: 10, etag: 'e', lastModifiedMs: driver.nextTimeMs(), location: [orphanPart] });
  assert.ok(machine.isBlobReferenced(orphanPart.blobId));
  driver.ok({ op: 'DeleteBucket', bucket: 'gone' });
  assert.ok(!machine.isBlobReferenced(orphanPart.blobId), "a deleted bucket's upload parts are unreferenced");

  const failed = driver.put('no-such-bucket', 'k');
  assert.ok(!failed.ok && !machine.isBlobReferenced(failed.command.location[0]!.blobId), 'a refused write references nothing');
  const copy = restored(machine);
  for (const blobId of [firstBlob.blobId, second.command.location[0]!.blobId, ...parts.map((part) => part.blob.blobId), orphanPart.blobId]) {
    assert.equal(copy.isBlobReferenced(blobId), machine.isBlobReferenced(blobId), `after restore: ${blobId}`);
  }
});

test('a version copied onto itself shares its blob: deleting one reference keeps the blob referenced', () => {
  const driver = new MachineDriver();
  driver.createBucket('b', 'Enabled');
  const original = driver.put('b', 'k');
  const shared = original.command.location;
  const copied = driver.put('b', 'k', { location: shared, sizeBytes: shared[0]!.sizeBytes });
  assert.ok(copied.ok);
  assert.ok(driver.delete('b', 'k', versionIdOf(original)).ok);
  assert.ok(driver.machine.isBlobReferenced(shared[0]!.blobId), 'still referenced by the copy');
  assert.ok(driver.delete('b', 'k', versionIdOf(copied)).ok);
  assert.ok(!driver.machine.isBlobReferenced(shared[0]!.blobId));
});

test('random walk: the maintained index equals a rebuild after every command; garbage is unreferenced', () => {
  let seed = 12345;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const driver = new MachineDriver();
  const { machine } = driver;
  const blobs: string[] = [];
  const buckets = ['a', 'b'];
  const keys = ['k1', 'k2', 'k3'];
  const uploads: { bucket: string; key: string; uploadId: string; parts: Map<number, string> }[] = [];
  for (const bucket of buckets) driver.createBucket(bucket);
  for (let step = 0; step < 600; step++) {
    const bucket = buckets[random(2)]!;
    const key = keys[random(3)]!;
    let reply: { ok: boolean; garbage: readonly BlobRef[] };
    let written: readonly BlobRef[] = [];
    switch (random(9)) {
      case 0:
      case 1: {
        const put = driver.put(bucket, key);
        blobs.push(put.command.location[0]!.blobId);
        reply = put;
        if (put.ok) written = put.command.location;
        break;
      }
      case 2:
        reply = driver.delete(bucket, key);
        break;
      case 3: {
        const listed = machine.listObjectVersions(bucket, { maxKeys: 1000 });
        const versions = listed.ok ? listed.value.versions : [];
        const victim = versions[random(Math.max(versions.length, 1))];
        reply = victim === undefined ? driver.delete(bucket, key) : driver.delete(bucket, victim.key, victim.version.versionId);
        break;
      }
      case 4:
        reply = driver.apply({ op: 'PutBucketVersioning', bucket, status: (['Enabled', 'Suspended'] as const)[random(2)]! });
        break;
      case 5:
        // Conditional writes (the edge never shares a blob between versions: CopyObject writes a
        // fresh one; sharing is covered by the test above, where reply garbage is not meaningful).
        reply = driver.put(bucket, key, { conditions: random(2) === 0 ? { ifNoneMatch: '*' } : { ifMatch: '*' } });
        blobs.push((reply as ReturnType<MachineDriver['put']>).command.location[0]!.blobId);
        if (reply.ok) written = (reply as ReturnType<MachineDriver['put']>).command.location;
        break;
      case 6: {
        const uploadId = driver.nextId('up');
        reply = driver.apply({ op: 'CreateMultipartUpload', bucket, key, uploadId, initiatedAtMs: driver.nextTimeMs(), ownerAccessKeyId: owner, attributes });
        if (reply.ok) uploads.push({ bucket, key, uploadId, parts: new Map() });
        break;
      }
      case 7: {
        const upload = uploads[random(Math.max(uploads.length, 1))];
        if (upload === undefined) {
          reply = driver.delete(bucket, key);
          break;
        }
        const partNumber = 1 + random(3);
        const blob = driver.blob(5 * 1024 * 1024);
        blobs.push(blob.blobId);
        reply = driver.apply({ op: 'UploadPart', bucket: upload.bucket, key: upload.key, uploadId: upload.uploadId, partNumber, sizeBytes: blob.sizeBytes, etag: `e${blob.blobId}`, lastModifiedMs: driver.nextTimeMs(), location: [blob] });
        if (reply.ok) {
          upload.parts.set(partNumber, `e${blob.blobId}`);
          written = [blob];
        }
        break;
      }
      default: {
        const upload = uploads.splice(random(Math.max(uploads.length, 1)), 1)[0];
        if (upload === undefined) {
          reply = driver.delete(bucket, key);
        } else if (random(2) === 0 || upload.parts.size === 0) {
          reply = driver.apply({ op: 'AbortMultipartUpload', bucket: upload.bucket, key: upload.key, uploadId: upload.uploadId });
        } else {
          const parts = [...upload.parts.entries()].sort(([a], [b]) => a - b).map(([partNumber, etag]) => ({ partNumber, etag }));
          reply = driver.apply({ op: 'CompleteMultipartUpload', bucket: upload.bucket, key: upload.key, uploadId: upload.uploadId, parts, versionId: driver.nextId('v'), lastModifiedMs: driver.nextTimeMs(), md5OfPartMd5s: '0'.repeat(32) });
        }
      }
    }
    for (const blob of reply.garbage) assert.ok(!machine.isBlobReferenced(blob.blobId), `step ${step}: garbage ${blob.blobId} is still referenced`);
    for (const blob of written) assert.ok(machine.isBlobReferenced(blob.blobId), `step ${step}: written ${blob.blobId} is not referenced`);
    if (step % 20 === 19) {
      const copy = restored(machine);
      for (const blobId of blobs) assert.equal(machine.isBlobReferenced(blobId), copy.isBlobReferenced(blobId), `step ${step}: ${blobId}`);
    }
  }
});
