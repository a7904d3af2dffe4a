/**
 * Blob GC against the metadata machine's blob index, as the service wires it (BlobGcLoop, with
 * `isReferenced` = `ObjectMetadataMachine.isBlobReferenced`). Goal: orphans — the temp file of an
 * upload whose process was killed, a blob written whose metadata proposal failed, a replaced
 * version's blob whose deletion was lost — are deleted once older than the grace period, never
 * before; a referenced blob (a current version, a non-current version, an upload part in progress)
 * never is, however old. Method: a real blob directory, ages set with utimes against an injected
 * clock, commands applied to a real machine.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { ObjectMetadataMachine, type ObjectMetadataCommand } from '@objectbox/object-store-core';
import { inlineBlobHasherFactory } from './blob-checksums.js';
import { BlobGarbageCollector } from './blob-gc.js';
import { BlobGcLoop } from './blob-gc-loop.js';
import { BlobStore } from './blob-store.js';

const hourMs = 60 * 60 * 1000;
const attributes = { contentHeaders: {}, userMetadata: {}, tags: [] };

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

test('orphans (killed upload, failed proposal, lost garbage delete) go after the grace period; referenced blobs never', async () => {
  const root = await mkdtemp(join(tmpdir(), 'objectbox-gc-machine-'));
  try {
    const store = await BlobStore.open({ directory: join(root, 'blobs'), hasherFactory: inlineBlobHasherFactory });
    const machine = new ObjectMetadataMachine();
    let index = 0;
    const apply = (command: ObjectMetadataCommand) => machine.applyCommand(command, ++index);
    const write = async (text: string) => {
      const written = await store.write(Readable.from([Buffer.from(text)]), { sizeBytesMax: 1024, checksumAlgorithms: [] });
      return { blobId: written.blobId, sizeBytes: written.sizeBytes, blake3: written.blake3 };
    };
    const put = (bucket: string, key: string, blob: { blobId: string; sizeBytes: number; blake3: string }, versionId: string) =>
      apply({ op: 'PutObject', bucket, key, versionId, lastModifiedMs: 1, sizeBytes: blob.sizeBytes, etag: 'e', attributes, location: [blob] });

    assert.ok(apply({ op: 'CreateBucket', bucket: 'b', ownerAccessKeyId: 'owner', region: 'us-east-1', createdAtMs: 1 }).ok);
    assert.ok(apply({ op: 'PutBucketVersioning', bucket: 'b', status: 'Enabled' }).ok);
    const current = await write('current');
    assert.ok(put('b', 'k', current, 'v1').ok);
    const nonCurrent = await write('non-current');
    assert.ok(put('b', 'old', nonCurrent, 'v2').ok);
    assert.ok(put('b', 'old', await write('newer'), 'v3').ok);
    const part = await write('part');
    assert.ok(apply({ op: 'CreateMultipartUpload', bucket: 'b', key: 'mp', uploadId: 'u1', initiatedAtMs: 1, ownerAccessKeyId: 'owner', attributes }).ok);
    assert.ok(apply({ op: 'UploadPart', bucket: 'b', key: 'mp', uploadId: 'u1', partNumber: 1, sizeBytes: part.sizeBytes, etag: 'p', lastModifiedMs: 1, location: [part] }).ok);

    // A blob written whose proposal failed (here: refused, the proposer died before deleting it).
    const failedProposal = await write('failed proposal');
    assert.ok(!put('no-such-bucket', 'k', failedProposal, 'v4').ok);
    // A replaced version whose garbage deletion was lost (the null version in an unversioned bucket).
    assert.ok(apply({ op: 'CreateBucket', bucket: 'plain', ownerAccessKeyId: 'owner', region: 'us-east-1', createdAtMs: 1 }).ok);
    const replaced = await write('replaced');
    assert.ok(put('plain', 'k', replaced, 'x').ok);
    const replacement = await write('replacement');
    const reply = put('plain', 'k', replacement, 'y');
    assert.deepEqual(reply.garbage.map((blob) => blob.blobId), [replaced.blobId]);
    // The temp file of an upload whose process was killed mid-write.
    const temporary = join(store.directory, 'ab', 'cd', `abcd${'0'.repeat(28)}.tmp`);
    await mkdir(join(store.directory, 'ab', 'cd'), { recursive: true });
    await writeFile(temporary, 'partial bytes');

    let nowMs = Date.now();
    const allFiles = [current, nonCurrent, part, failedProposal, replaced, replacement].map((blob) => store.pathOf(blob.blobId)).concat(temporary);
    const age = async (ageMs: number) => {
      for (const file of allFiles) if (await exists(file)) await utimes(file, (nowMs - ageMs) / 1000, (nowMs - ageMs) / 1000);
    };
    let barriers = 0;
    const loop = new BlobGcLoop({
      collector: new BlobGarbageCollector({
        directory: store.directory,
        isReferenced: (blobId) => machine.isBlobReferenced(blobId),
        gracePeriodMs: hourMs,
        nowMs: () => nowMs,
        entriesScannedMaxPerPass: 3,
        deletionsMaxPerPass: 2,
      }),
      intervalMs: 60_000,
      beforePass: async () => {
        barriers++;
      },
      onPass: () => {},
      onError: (error) => assert.fail(error instanceof Error ? error : String(error)),
    });
    const passesUntilWrapped = async () => {
      for (let pass = 0; pass < 20; pass++) if ((await loop.runOnce())?.wrapped === true) return;
      assert.fail('GC did not cover the tree in 20 bounded passes');
    };

    await age(hourMs / 2);
    await passesUntilWrapped();
    for (const file of allFiles) assert.ok(await exists(file), `${file} is younger than the grace period`);

    await age(2 * hourMs);
    await passesUntilWrapped();
    await passesUntilWrapped();
    assert.ok(!(await exists(temporary)), "the killed upload's temp file is gone");
    assert.ok(!(await exists(store.pathOf(failedProposal.blobId))), 'the blob of the failed proposal is gone');
    assert.ok(!(await exists(store.pathOf(replaced.blobId))), 'the replaced version blob is gone');
    for (const blob of [current, nonCurrent, part, replacement]) assert.ok(await exists(store.pathOf(blob.blobId)), `referenced ${blob.blobId} stays`);

    nowMs += 365 * 24 * hourMs;
    await passesUntilWrapped();
    for (const blob of [current, nonCurrent, part, replacement]) assert.ok(await exists(store.pathOf(blob.blobId)), `referenced ${blob.blobId} stays a year later`);
    assert.ok(barriers > 0, 'every pass waits for the metadata barrier first');

    // After the upload is aborted its part is an orphan too.
    assert.ok(apply({ op: 'AbortMultipartUpload', bucket: 'b', key: 'mp', uploadId: 'u1' }).ok);
    await passesUntilWrapped();
    assert.ok(!(await exists(store.pathOf(part.blobId))));
    await loop.stop();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a failing barrier skips the pass and is reported; the loop stops cleanly', async () => {
  const errors: unknown[] = [];
  let passes = 0;
  let reported!: () => void;
  const firstError = new Promise<void>((resolve) => (reported = resolve));
  const loop = new BlobGcLoop({
    collector: { runPass: () => Promise.resolve((passes++, { wrapped: true })) } as unknown as BlobGarbageCollector,
    intervalMs: 10,
    beforePass: () => Promise.reject(new Error('no leader')),
    onPass: () => {},
    onError: (error) => {
      errors.push(error);
      reported();
    },
  });
  // The loop's timer is unref'd (it must not keep a process alive), so while only it is pending
  // the event loop would end under the waiting test: hold a ref'd handle until the error comes.
  const keepAlive = setInterval(() => {}, 1000);
  loop.start();
  await firstError.finally(() => clearInterval(keepAlive));
  await loop.stop();
  assert.equal(passes, 0, 'nothing is deleted without the barrier');
  assert.ok(errors.length >= 1);
});
