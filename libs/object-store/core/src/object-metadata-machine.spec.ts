import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MachineDriver, owner } from './object-metadata-fixtures.spec-helper.js';
import { objectSizeBytesMax, partSizeBytesMin, type BlobRef } from './object-metadata-model.js';
import { encodeObjectMetadataCommand } from './object-metadata-commands.js';
import { ObjectMetadataMachine } from './object-metadata-machine.js';

const blobIds = (blobs: readonly BlobRef[]): string[] => blobs.map((blob) => blob.blobId);

describe('ObjectMetadataMachine buckets', () => {
  it('answers BucketAlreadyOwnedByYou to the owner and BucketAlreadyExists to others', () => {
    const driver = new MachineDriver();
    driver.createBucket('photos');
    const again = driver.apply({ op: 'CreateBucket', bucket: 'photos', ownerAccessKeyId: owner, region: 'us-east-1', createdAtMs: 1 });
    assert.equal(again.ok ? '' : again.error.code, 'BucketAlreadyOwnedByYou');
    const other = driver.apply({ op: 'CreateBucket', bucket: 'photos', ownerAccessKeyId: 'AKIAOTHER', region: 'us-east-1', createdAtMs: 1 });
    assert.equal(other.ok ? '' : other.error.code, 'BucketAlreadyExists');
    assert.deepEqual(driver.machine.listBuckets().map((bucket) => bucket.name), ['photos']);
    assert.deepEqual(driver.machine.listBuckets({ ownerAccessKeyId: 'AKIAOTHER' }), []);
  });

  it('refuses to delete a bucket with versions or delete markers, but aborts its uploads', () => {
    const driver = new MachineDriver();
    driver.createBucket('b', 'Enabled');
    driver.put('b', 'k');
    const notEmpty = driver.apply({ op: 'DeleteBucket', bucket: 'b' });
    assert.equal(notEmpty.ok ? '' : notEmpty.error.code, 'BucketNotEmpty');
    const [version] = driver.stack('b', 'k');
    driver.delete('b', 'k'); // a delete marker still blocks
    driver.delete('b', 'k', version);
    assert.equal(driver.apply({ op: 'DeleteBucket', bucket: 'b' }).ok, false);
    const [marker] = driver.stack('b', 'k');
    driver.delete('b', 'k', marker!.slice(0, -1));
    driver.ok({ op: 'CreateMultipartUpload', bucket: 'b', key: 'big', uploadId: 'u1', initiatedAtMs: 5, ownerAccessKeyId: owner, attributes: { contentHeaders: {}, userMetadata: {}, tags: [] } });
    const part = driver.blob(10);
    driver.ok({ op: 'UploadPart', bucket: 'b', key: 'big', uploadId: 'u1', partNumber: 1, sizeBytes: 10, etag: 'p1', lastModifiedMs: 6, location: [part] });
    const deleted = driver.apply({ op: 'DeleteBucket', bucket: 'b' });
    assert.ok(deleted.ok);
    assert.deepEqual(deleted.value, { abortedUploadCount: 1 });
    assert.deepEqual(blobIds(deleted.garbage), [part.blobId]);
    assert.equal(driver.machine.headBucket('b').ok, false);
  });

  it('keeps bucket tags and versioning status', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    const none = driver.machine.getBucketTagging('b');
    assert.equal(none.ok ? '' : none.error.code, 'NoSuchTagSet');
    driver.ok({ op: 'PutBucketTagging', bucket: 'b', tags: [{ key: 'team', value: 'storage' }] });
    assert.deepEqual(driver.machine.getBucketTagging('b'), { ok: true, value: [{ key: 'team', value: 'storage' }], garbage: [] });
    driver.ok({ op: 'DeleteBucketTagging', bucket: 'b' });
    assert.equal(driver.machine.getBucketTagging('b').ok, false);
    const head = driver.machine.headBucket('b');
    assert.equal(head.ok && head.value.versioning, 'Unversioned');
    const missing = driver.apply({ op: 'PutBucketVersioning', bucket: 'nope', status: 'Enabled' });
    assert.equal(missing.ok ? '' : missing.error.code, 'NoSuchBucket');
  });
});

describe('ObjectMetadataMachine versioning (S3 user guide examples)', () => {
  it('unversioned: a PUT replaces the null version and returns the old blob as garbage; DELETE removes it', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    const first = driver.put('b', 'photo.gif');
    assert.ok(first.ok);
    assert.deepEqual({ versionId: first.value.versionId, versioning: first.value.versioning }, { versionId: 'null', versioning: 'Unversioned' });
    const second = driver.put('b', 'photo.gif');
    assert.ok(second.ok);
    assert.deepEqual(blobIds(second.garbage), blobIds(first.command.location));
    assert.deepEqual(driver.stack('b', 'photo.gif'), ['null']);
    const deleted = driver.delete('b', 'photo.gif');
    assert.ok(deleted.ok);
    assert.deepEqual(deleted.value, { versionId: undefined, deleteMarker: false, removed: true });
    assert.deepEqual(blobIds(deleted.garbage), blobIds(second.command.location));
    const again = driver.delete('b', 'photo.gif');
    assert.ok(again.ok && !again.value.removed, 'S3 answers 204 for a missing key too');
    assert.deepEqual(driver.stack('b', 'photo.gif'), []);
  });

  it('enabled: PUTs add versions; DELETE adds a marker; GET sees NoSuchKey; deleting the marker un-deletes', () => {
    const driver = new MachineDriver();
    driver.createBucket('b', 'Enabled');
    const v1 = driver.put('b', 'photo.gif');
    const v2 = driver.put('b', 'photo.gif');
    assert.ok(v1.ok && v2.ok);
    assert.notEqual(v1.value.versionId, 'null');
    assert.deepEqual(driver.stack('b', 'photo.gif'), [v2.value.versionId, v1.value.versionId]);
    assert.deepEqual(v2.garbage, [], 'versions are kept, nothing is garbage');
    const current = driver.machine.getObject({ bucket: 'b', key: 'photo.gif' });
    assert.equal(current.ok && current.value.versionId, v2.value.versionId);

    const marker = driver.delete('b', 'photo.gif');
    assert.ok(marker.ok && marker.value.deleteMarker);
    const markerId = marker.value.versionId!;
    const gone = driver.machine.getObject({ bucket: 'b', key: 'photo.gif' });
    assert.deepEqual(gone.ok ? undefined : { code: gone.error.code, deleteMarker: gone.error.deleteMarker, versionId: gone.error.versionId }, {
      code: 'NoSuchKey',
      deleteMarker: true,
      versionId: markerId,
    });
    const byMarker = driver.machine.getObject({ bucket: 'b', key: 'photo.gif', versionId: markerId });
    assert.equal(byMarker.ok ? '' : byMarker.error.code, 'MethodNotAllowed');
    assert.equal(!byMarker.ok && byMarker.error.deleteMarker, true);
    const old = driver.machine.getObject({ bucket: 'b', key: 'photo.gif', versionId: v1.value.versionId });
    assert.equal(old.ok && old.value.etag, v1.command.etag);
    const listed = driver.machine.listObjectsV2('b', { maxKeys: 1000 });
    assert.ok(listed.ok);
    assert.deepEqual(listed.value.contents, [], 'a key whose latest is a delete marker is not listed');

    const undeleted = driver.delete('b', 'photo.gif', markerId);
    assert.ok(undeleted.ok);
    assert.deepEqual(undeleted.value, { versionId: markerId, deleteMarker: true, removed: true });
    const back = driver.machine.getObject({ bucket: 'b', key: 'photo.gif' });
    assert.equal(back.ok && back.value.versionId, v2.value.versionId);

    const permanent = driver.delete('b', 'photo.gif', v2.value.versionId);
    assert.ok(permanent.ok);
    assert.deepEqual(blobIds(permanent.garbage), blobIds(v2.command.location));
    const unknown = driver.delete('b', 'photo.gif', 'no-such-version');
    assert.ok(unknown.ok && !unknown.value.removed);
    const noVersion = driver.machine.getObject({ bucket: 'b', key: 'photo.gif', versionId: 'no-such-version' });
    assert.equal(noVersion.ok ? '' : noVersion.error.code, 'NoSuchVersion');
  });

  it('a key with hundreds of versions: each PUT goes on top, a used version id is refused, deletes and snapshots keep the order', () => {
    const driver = new MachineDriver();
    driver.createBucket('b', 'Enabled');
    const ids: string[] = [];
    for (let count = 0; count < 300; count++) {
      const reply = driver.put('b', 'hot');
      assert.ok(reply.ok);
      ids.unshift(reply.value.versionId);
    }
    assert.deepEqual(driver.stack('b', 'hot'), ids);
    for (const used of [ids[0]!, ids[150]!, ids[299]!]) {
      const again = driver.put('b', 'hot', { versionId: used });
      assert.equal(again.ok ? '' : again.error.code, 'InvalidArgument', `version id ${used} was used`);
    }
    // A version deleted from the middle can be named again (it is no longer on the stack).
    assert.ok(driver.delete('b', 'hot', ids[150]).ok);
    const reused = driver.put('b', 'hot', { versionId: ids[150]! });
    assert.ok(reused.ok);
    const expected = [ids[150]!, ...ids.slice(0, 150), ...ids.slice(151)];
    assert.deepEqual(driver.stack('b', 'hot'), expected);
    const restored = new ObjectMetadataMachine();
    restored.restore(driver.machine.snapshot());
    const listed = restored.listObjectVersions('b', { prefix: 'hot', maxKeys: 1000 });
    assert.ok(listed.ok);
    assert.deepEqual(listed.value.versions.map((listedVersion) => listedVersion.version.versionId), expected);
    const afterRestore = restored.apply(encodeObjectMetadataCommand(driver.putCommand('b', 'hot', { versionId: ids[0]! })), 1_000_000);
    assert.equal(afterRestore.ok ? '' : afterRestore.error.code, 'InvalidArgument', 'a restored stack refuses a used id too');
  });

  it('objects stored before versioning keep the null version; new PUTs stack on top of it', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    driver.put('b', 'k');
    driver.ok({ op: 'PutBucketVersioning', bucket: 'b', status: 'Enabled' });
    const v = driver.put('b', 'k');
    assert.ok(v.ok);
    assert.deepEqual(driver.stack('b', 'k'), [v.value.versionId, 'null']);
  });

  it('suspended: a PUT replaces only the null version and goes on top; other versions stay', () => {
    const driver = new MachineDriver();
    driver.createBucket('b', 'Enabled');
    driver.put('b', 'k');
    const v2 = driver.put('b', 'k');
    driver.ok({ op: 'PutBucketVersioning', bucket: 'b', status: 'Suspended' });
    const null1 = driver.put('b', 'k');
    assert.ok(null1.ok && v2.ok);
    assert.deepEqual({ versionId: null1.value.versionId, versioning: null1.value.versioning }, { versionId: 'null', versioning: 'Suspended' });
    const [, , v1] = driver.stack('b', 'k');
    assert.deepEqual(driver.stack('b', 'k'), ['null', v2.value.versionId, v1]);
    driver.ok({ op: 'PutBucketVersioning', bucket: 'b', status: 'Enabled' });
    const v3 = driver.put('b', 'k');
    driver.ok({ op: 'PutBucketVersioning', bucket: 'b', status: 'Suspended' });
    const null2 = driver.put('b', 'k');
    assert.ok(v3.ok && null2.ok);
    assert.deepEqual(driver.stack('b', 'k'), ['null', v3.value.versionId, v2.value.versionId, v1], 'the older null version was replaced');
    assert.deepEqual(blobIds(null2.garbage), blobIds(null1.command.location));
  });

  it('suspended: DELETE removes the null version and adds a null delete marker', () => {
    const driver = new MachineDriver();
    driver.createBucket('b', 'Enabled');
    const v1 = driver.put('b', 'k');
    driver.ok({ op: 'PutBucketVersioning', bucket: 'b', status: 'Suspended' });
    const nullVersion = driver.put('b', 'k');
    const deleted = driver.delete('b', 'k');
    assert.ok(deleted.ok && v1.ok);
    assert.deepEqual(deleted.value, { versionId: 'null', deleteMarker: true, removed: true });
    assert.deepEqual(blobIds(deleted.garbage), blobIds(nullVersion.command.location));
    assert.deepEqual(driver.stack('b', 'k'), ['null*', v1.value.versionId]);
    // Without a null version, a DELETE still adds the null marker and keeps the others.
    const other = driver.delete('b', 'other');
    assert.ok(other.ok && other.value.deleteMarker && !other.value.removed);
    assert.deepEqual(driver.stack('b', 'other'), ['null*']);
  });

  it('ListObjectVersions and versioned deletes work on an unversioned bucket', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    driver.put('b', 'a');
    const listed = driver.machine.listObjectVersions('b', { maxKeys: 10 });
    assert.ok(listed.ok);
    assert.deepEqual(listed.value.versions.map((entry) => [entry.key, entry.version.versionId, entry.isLatest]), [['a', 'null', true]]);
    const deleted = driver.delete('b', 'a', 'null');
    assert.ok(deleted.ok && deleted.value.removed);
    assert.deepEqual(driver.stack('b', 'a'), []);
  });

  it('DeleteObjects applies each target and gathers the garbage', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    const a = driver.put('b', 'a');
    driver.put('b', 'b');
    const reply = driver.apply({ op: 'DeleteObjects', bucket: 'b', lastModifiedMs: 9, objects: [{ key: 'a', markerVersionId: 'm1' }, { key: 'missing', markerVersionId: 'm2' }] });
    assert.ok(reply.ok);
    assert.deepEqual(reply.value.results.map((result) => [result.key, result.ok && result.removed]), [['a', true], ['missing', false]]);
    assert.deepEqual(blobIds(reply.garbage), blobIds(a.command.location));
  });

  it('tags a version, and refuses a delete marker', () => {
    const driver = new MachineDriver();
    driver.createBucket('b', 'Enabled');
    const v1 = driver.put('b', 'k');
    assert.ok(v1.ok);
    driver.ok({ op: 'PutObjectTagging', bucket: 'b', key: 'k', tags: [{ key: 'x', value: '1' }] });
    const got = driver.machine.getObject({ bucket: 'b', key: 'k' });
    assert.deepEqual(got.ok && got.value.tags, [{ key: 'x', value: '1' }]);
    driver.delete('b', 'k');
    const refused = driver.apply({ op: 'PutObjectTagging', bucket: 'b', key: 'k', tags: [] });
    assert.equal(refused.ok ? '' : refused.error.code, 'NoSuchKey');
    driver.ok({ op: 'DeleteObjectTagging', bucket: 'b', key: 'k', versionId: v1.value.versionId });
    const old = driver.machine.getObject({ bucket: 'b', key: 'k', versionId: v1.value.versionId });
    assert.deepEqual(old.ok && old.value.tags, []);
  });
});

describe('ObjectMetadataMachine conditional writes', () => {
  it('If-None-Match: * fails when a current version exists, not when the latest is a delete marker', () => {
    const driver = new MachineDriver();
    driver.createBucket('b', 'Enabled');
    assert.ok(driver.put('b', 'k', { conditions: { ifNoneMatch: '*' } }).ok);
    const refused = driver.put('b', 'k', { conditions: { ifNoneMatch: '*' } });
    assert.equal(refused.ok ? '' : refused.error.code, 'PreconditionFailed');
    assert.deepEqual(blobIds(refused.garbage), blobIds(refused.command.location), 'the refused write’s own blob is garbage');
    driver.delete('b', 'k');
    assert.ok(driver.put('b', 'k', { conditions: { ifNoneMatch: '*' } }).ok);
  });

  it('If-None-Match with an ETag fails only when the current version has it (ceph/s3-tests test_put_object_if_match)', () => {
    const driver = new MachineDriver();
    driver.createBucket('b', 'Enabled');
    assert.ok(driver.put('b', 'k', { conditions: { ifNoneMatch: '"abc"' } }).ok, 'no current version');
    driver.put('b', 'k', { etag: 'abc' });
    const refused = driver.put('b', 'k', { conditions: { ifNoneMatch: '"abc"' } });
    assert.equal(refused.ok ? '' : refused.error.code, 'PreconditionFailed');
    assert.ok(driver.put('b', 'k', { conditions: { ifNoneMatch: 'zzz' } }).ok);
    driver.put('b', 'k', { etag: 'abc' });
    driver.delete('b', 'k');
    assert.ok(driver.put('b', 'k', { conditions: { ifNoneMatch: 'abc' } }).ok, 'a delete marker is no current version');
  });

  it('If-Match compares the current ETag (quoted or not) and answers NoSuchKey without one', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    const missing = driver.put('b', 'k', { conditions: { ifMatch: '"abc"' } });
    assert.equal(missing.ok ? '' : missing.error.code, 'NoSuchKey');
    driver.put('b', 'k', { etag: 'abc' });
    const wrong = driver.put('b', 'k', { conditions: { ifMatch: '"zzz"' } });
    assert.equal(wrong.ok ? '' : wrong.error.code, 'PreconditionFailed');
    assert.ok(driver.put('b', 'k', { conditions: { ifMatch: '"abc"' } }).ok);
  });

  it('a PUT to a missing bucket returns its blobs as garbage', () => {
    const driver = new MachineDriver();
    const reply = driver.put('nope', 'k');
    assert.equal(reply.ok ? '' : reply.error.code, 'NoSuchBucket');
    assert.deepEqual(blobIds(reply.garbage), blobIds(reply.command.location));
  });
});

describe('ObjectMetadataMachine multipart uploads', () => {
  const mib5 = partSizeBytesMin;
  function started(): MachineDriver {
    const driver = new MachineDriver();
    driver.createBucket('b');
    driver.ok({
      op: 'CreateMultipartUpload',
      bucket: 'b',
      key: 'big',
      uploadId: 'up-1',
      initiatedAtMs: 100,
      ownerAccessKeyId: owner,
      attributes: { contentHeaders: { contentType: 'video/mp4' }, userMetadata: { a: '1' }, tags: [] },
      checksumAlgorithm: 'CRC32C',
    });
    return driver;
  }
  function uploadPart(driver: MachineDriver, partNumber: number, sizeBytes: number, etag = `e${partNumber}`): BlobRef {
    const blob = driver.blob(sizeBytes);
    driver.ok({ op: 'UploadPart', bucket: 'b', key: 'big', uploadId: 'up-1', partNumber, sizeBytes, etag, checksums: { CRC32C: `c${partNumber}` }, lastModifiedMs: 200, location: [blob] });
    return blob;
  }
  function complete(driver: MachineDriver, parts: { partNumber: number; etag: string }[], extra: object = {}) {
    return driver.apply({ op: 'CompleteMultipartUpload', bucket: 'b', key: 'big', uploadId: 'up-1', parts, versionId: 'v-mp', lastModifiedMs: 300, md5OfPartMd5s: 'f'.repeat(32), ...extra });
  }

  it('completes: ETag md5-N, size, parts, attributes; unlisted and replaced parts become garbage', () => {
    const driver = started();
    const replaced = uploadPart(driver, 1, mib5);
    const one = uploadPart(driver, 1, mib5);
    const reupload = driver.apply({ op: 'UploadPart', bucket: 'b', key: 'big', uploadId: 'up-1', partNumber: 1, sizeBytes: mib5, etag: 'e1', lastModifiedMs: 1, location: [one] });
    assert.deepEqual(reupload.garbage, [], 'the same blob re-recorded is not garbage');
    assert.ok(replaced.blobId !== one.blobId);
    const unlisted = uploadPart(driver, 2, mib5);
    const three = uploadPart(driver, 3, 7);
    const reply = complete(driver, [
      { partNumber: 1, etag: '"e1"' },
      { partNumber: 3, etag: 'e3' },
    ]);
    assert.ok(reply.ok, reply.ok ? '' : reply.error.code);
    assert.deepEqual(reply.value, { versionId: 'null', versioning: 'Unversioned', etag: `${'f'.repeat(32)}-2`, sizeBytes: mib5 + 7 });
    assert.deepEqual(blobIds(reply.garbage), [unlisted.blobId]);
    const object = driver.machine.getObject({ bucket: 'b', key: 'big' });
    assert.ok(object.ok);
    assert.deepEqual(blobIds(object.value.location), [one.blobId, three.blobId]);
    assert.deepEqual(object.value.parts?.map((part) => part.partNumber), [1, 3]);
    assert.equal(object.value.contentHeaders.contentType, 'video/mp4');
    assert.deepEqual(object.value.userMetadata, { a: '1' });
    const again = complete(driver, [{ partNumber: 1, etag: 'e1' }]);
    assert.equal(again.ok ? '' : again.error.code, 'NoSuchUpload');
  });

  it('validates order, parts, ETags, checksums and the 5 MiB minimum', () => {
    const driver = started();
    uploadPart(driver, 1, mib5 - 1);
    uploadPart(driver, 2, 1);
    const cases: [object[], string][] = [
      [[], 'MalformedXML'],
      [[{ partNumber: 2, etag: 'e2' }, { partNumber: 1, etag: 'e1' }], 'InvalidPartOrder'],
      [[{ partNumber: 1, etag: 'e1' }, { partNumber: 1, etag: 'e1' }], 'InvalidPartOrder'],
      [[{ partNumber: 1, etag: 'e1' }, { partNumber: 5, etag: 'e5' }], 'InvalidPart'],
      [[{ partNumber: 1, etag: 'wrong' }], 'InvalidPart'],
      [[{ partNumber: 1, etag: 'e1', checksums: { CRC32C: 'bad' } }], 'InvalidPart'],
      [[{ partNumber: 1, etag: 'e1' }, { partNumber: 2, etag: 'e2' }], 'EntityTooSmall'],
    ];
    for (const [parts, code] of cases) {
      const reply = complete(driver, parts as { partNumber: number; etag: string }[]);
      assert.equal(reply.ok ? 'ok' : reply.error.code, code, JSON.stringify(parts));
      assert.deepEqual(reply.garbage, []);
    }
    const single = complete(driver, [{ partNumber: 1, etag: 'e1', checksums: { CRC32C: 'c1' } } as { partNumber: number; etag: string }]);
    assert.ok(single.ok, 'one small part is fine: it is the last');
  });

  it('refuses an object above 5 TiB (EntityTooLarge) and keeps the upload', () => {
    const driver = started();
    const partSizeBytes = 5 * 1024 ** 3;
    const partCount = objectSizeBytesMax / partSizeBytes + 1;
    for (let partNumber = 1; partNumber <= partCount; partNumber++) uploadPart(driver, partNumber, partSizeBytes);
    const parts = Array.from({ length: partCount }, (_, index) => ({ partNumber: index + 1, etag: `e${index + 1}` }));
    const refused = complete(driver, parts);
    assert.equal(refused.ok ? '' : refused.error.code, 'EntityTooLarge');
    assert.deepEqual(refused.garbage, []);
    const atLimit = complete(driver, parts.slice(0, -1));
    assert.equal(atLimit.ok ? atLimit.value.sizeBytes : atLimit.error.code, objectSizeBytesMax);
  });

  it('checks If-None-Match on complete, and keeps the upload for a retry', () => {
    const driver = started();
    uploadPart(driver, 1, 3);
    driver.put('b', 'big');
    const refused = complete(driver, [{ partNumber: 1, etag: 'e1' }], { conditions: { ifNoneMatch: '*' } });
    assert.equal(refused.ok ? '' : refused.error.code, 'PreconditionFailed');
    assert.ok(driver.machine.getMultipartUpload({ bucket: 'b', key: 'big', uploadId: 'up-1' }).ok);
  });

  it('aborts (parts become garbage), and a late part is garbage itself', () => {
    const driver = started();
    const part = uploadPart(driver, 1, 3);
    const aborted = driver.apply({ op: 'AbortMultipartUpload', bucket: 'b', key: 'big', uploadId: 'up-1' });
    assert.deepEqual(blobIds(aborted.garbage), [part.blobId]);
    const late = driver.blob(3);
    const reply = driver.apply({ op: 'UploadPart', bucket: 'b', key: 'big', uploadId: 'up-1', partNumber: 2, sizeBytes: 3, etag: 'x', lastModifiedMs: 1, location: [late] });
    assert.equal(reply.ok ? '' : reply.error.code, 'NoSuchUpload');
    assert.deepEqual(blobIds(reply.garbage), [late.blobId]);
    const abortAgain = driver.apply({ op: 'AbortMultipartUpload', bucket: 'b', key: 'big', uploadId: 'up-1' });
    assert.equal(abortAgain.ok ? '' : abortAgain.error.code, 'NoSuchUpload');
    const wrongKey = driver.machine.getMultipartUpload({ bucket: 'b', key: 'other', uploadId: 'up-1' });
    assert.equal(wrongKey.ok, false);
  });

  it('lists parts with a part-number marker and uploads with key and upload-id markers', () => {
    const driver = started();
    for (const partNumber of [3, 1, 2]) uploadPart(driver, partNumber, 1);
    const first = driver.machine.listParts({ bucket: 'b', key: 'big', uploadId: 'up-1', maxParts: 2 });
    assert.ok(first.ok);
    assert.deepEqual([first.value.parts.map((part) => part.partNumber), first.value.isTruncated, first.value.nextPartNumberMarker], [[1, 2], true, 2]);
    const second = driver.machine.listParts({ bucket: 'b', key: 'big', uploadId: 'up-1', maxParts: 2, partNumberMarker: 2 });
    assert.ok(second.ok);
    assert.deepEqual([second.value.parts.map((part) => part.partNumber), second.value.isTruncated], [[3], false]);
    for (const [key, uploadId, initiatedAtMs] of [['big', 'up-0', 50], ['dir/a', 'up-2', 1], ['dir/b', 'up-3', 1]] as const) {
      driver.ok({ op: 'CreateMultipartUpload', bucket: 'b', key, uploadId, initiatedAtMs, ownerAccessKeyId: owner, attributes: { contentHeaders: {}, userMetadata: {}, tags: [] } });
    }
    const page = driver.machine.listMultipartUploads('b', { maxUploads: 1 });
    assert.ok(page.ok);
    assert.deepEqual([page.value.uploads.map((upload) => upload.uploadId), page.value.nextKeyMarker, page.value.nextUploadIdMarker], [['up-0'], 'big', 'up-0']);
    const next = driver.machine.listMultipartUploads('b', { maxUploads: 10, keyMarker: 'big', uploadIdMarker: 'up-0', delimiter: '/' });
    assert.ok(next.ok);
    assert.deepEqual([next.value.uploads.map((upload) => upload.uploadId), next.value.commonPrefixes, next.value.isTruncated], [['up-1'], ['dir/'], false]);
  });
});

describe('ObjectMetadataMachine access keys and bad commands', () => {
  it('creates, disables, lists and deletes keys', () => {
    const driver = new MachineDriver();
    driver.ok({ op: 'CreateAccessKey', accessKeyId: 'AKIA2', secretCiphertext: 'Y2lwaGVy', secretNonce: 'bm9uY2U=', createdAtMs: 5 });
    driver.ok({ op: 'CreateAccessKey', accessKeyId: 'AKIA1', secretCiphertext: 'Y2lwaGVy', secretNonce: 'bm9uY2U=', createdAtMs: 6 });
    const repeated = driver.apply({ op: 'CreateAccessKey', accessKeyId: 'AKIA1', secretCiphertext: 'x', secretNonce: 'y', createdAtMs: 7 });
    assert.equal(repeated.ok ? '' : repeated.error.code, 'AccessKeyAlreadyExists');
    driver.ok({ op: 'SetAccessKeyStatus', accessKeyId: 'AKIA2', status: 'Inactive' });
    assert.deepEqual(driver.machine.listAccessKeys().map((key) => [key.accessKeyId, key.status]), [['AKIA1', 'Active'], ['AKIA2', 'Inactive']]);
    driver.ok({ op: 'DeleteAccessKey', accessKeyId: 'AKIA1' });
    const gone = driver.apply({ op: 'DeleteAccessKey', accessKeyId: 'AKIA1' });
    assert.equal(gone.ok ? '' : gone.error.code, 'NoSuchAccessKey');
    assert.equal(driver.machine.getAccessKey('AKIA1'), undefined);
  });

  it('answers InvalidArgument for undecodable bytes and still advances the applied index', () => {
    const driver = new MachineDriver();
    const reply = driver.machine.apply(new TextEncoder().encode('{"op":"Nope"}'), 1);
    assert.equal(reply.ok ? '' : reply.error.code, 'InvalidArgument');
    assert.equal(driver.machine.appliedIndex, 1);
    assert.throws(() => driver.machine.apply(new Uint8Array(), 1), /must exceed/);
  });

  it('refuses a location whose sizes do not add up', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    const reply = driver.put('b', 'k', { sizeBytes: 5, location: [driver.blob(4)] });
    assert.equal(reply.ok ? '' : reply.error.code, 'InvalidArgument');
    assert.equal(reply.garbage.length, 1);
  });
});

describe('ObjectMetadataMachine content headers', () => {
  it('shares equal header records without confusing a Content-Type that looks like another record', () => {
    const driver = new MachineDriver();
    driver.createBucket('b');
    const lookalike = { contentType: '{"contentEncoding":"gzip"}' };
    const cases = [
      ['a', lookalike],
      ['b', { contentEncoding: 'gzip' }],
      ['c', { contentType: 'text/plain' }],
      ['d', { contentType: 'text/plain' }],
      ['e', { contentType: 'text/plain', contentEncoding: 'gzip' }],
    ] as const;
    for (const [key, contentHeaders] of cases) assert.ok(driver.put('b', key, { attributes: { contentHeaders, userMetadata: {}, tags: [] } }).ok);
    for (const [key, contentHeaders] of cases) {
      const found = driver.machine.getObject({ bucket: 'b', key });
      assert.ok(found.ok);
      assert.deepEqual(found.value.contentHeaders, contentHeaders, key);
    }
  });
});
