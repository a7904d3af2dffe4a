/**
 * Orphan collection. Goal: GC deletes exactly the unreferenced blobs and the temp files older than
 * the grace period, never anything younger, never a referenced blob, never a file it does not
 * recognise, and does at most the configured work per pass while still covering the whole tree.
 *
 * Method: a real blob directory; ages set with utimes against an injected clock; the reference
 * predicate is a set; passes with small limits are run until they wrap.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { inlineBlobHasherFactory } from './blob-checksums.js';
import { BlobGarbageCollector, type BlobGcOptions, type BlobGcPassResult } from './blob-gc.js';
import { BlobStore } from './blob-store.js';

const nowMs = 1_900_000_000_000;
const hourMs = 60 * 60 * 1000;

async function withBlobs<T>(body: (store: BlobStore) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'objectbox-blob-gc-'));
  try {
    return await body(await BlobStore.open({ directory: join(directory, 'blobs'), hasherFactory: inlineBlobHasherFactory }));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function writeAged(store: BlobStore, ageMs: number): Promise<string> {
  const { blobId } = await store.write(Readable.from([Buffer.from(`blob aged ${ageMs}`)]), { sizeBytesMax: 1024, checksumAlgorithms: [] });
  const seconds = (nowMs - ageMs) / 1000;
  await utimes(store.pathOf(blobId), seconds, seconds);
  return blobId;
}

async function allFileNames(directory: string): Promise<string[]> {
  return (await readdir(directory, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
}

function collector(store: BlobStore, referenced: ReadonlySet<string>, overrides: Partial<BlobGcOptions> = {}): BlobGarbageCollector {
  return new BlobGarbageCollector({
    directory: store.directory,
    isReferenced: (blobId) => referenced.has(blobId),
    gracePeriodMs: hourMs,
    nowMs: () => nowMs,
    entriesScannedMaxPerPass: 1000,
    deletionsMaxPerPass: 1000,
    ...overrides,
  });
}

test('deletes old unreferenced blobs and old temp files only', async () => {
  await withBlobs(async (store) => {
    const oldReferenced = await writeAged(store, 2 * hourMs);
    const oldOrphan = await writeAged(store, 2 * hourMs);
    const youngOrphan = await writeAged(store, hourMs / 2);
    const youngReferenced = await writeAged(store, 0);
    const shard = join(store.directory, oldOrphan.slice(0, 2), oldOrphan.slice(2, 4));
    const oldTemporary = `${'a'.repeat(32)}.tmp`;
    const youngTemporary = `${'b'.repeat(32)}.tmp`;
    await writeFile(join(shard, oldTemporary), 'partial');
    await writeFile(join(shard, youngTemporary), 'partial');
    await writeFile(join(shard, 'operator-notes.txt'), 'not ours');
    const oldSeconds = (nowMs - 3 * hourMs) / 1000;
    await utimes(join(shard, oldTemporary), oldSeconds, oldSeconds);
    await utimes(join(shard, 'operator-notes.txt'), oldSeconds, oldSeconds);
    const youngSeconds = nowMs / 1000;
    await utimes(join(shard, youngTemporary), youngSeconds, youngSeconds);

    const result = await collector(store, new Set([oldReferenced, youngReferenced])).runPass();
    assert.deepEqual(result.deletedBlobIds, [oldOrphan]);
    assert.equal(result.deletedTemporaryFileCount, 1);
    assert.equal(result.referencedBlobCount, 1);
    assert.equal(result.youngEntryCount, 3);
    assert.equal(result.unknownEntryCount, 1);
    assert.equal(result.wrapped, true);
    assert.deepEqual(await allFileNames(store.directory), [oldReferenced, youngOrphan, youngReferenced, youngTemporary, 'operator-notes.txt'].sort());
  });
});

test('work per pass is bounded and successive passes cover the whole tree', async () => {
  await withBlobs(async (store) => {
    const orphans: string[] = [];
    for (let index = 0; index < 12; index++) orphans.push(await writeAged(store, 2 * hourMs));
    const kept = await writeAged(store, 2 * hourMs);
    const gc = collector(store, new Set([kept]), { entriesScannedMaxPerPass: 4, deletionsMaxPerPass: 3 });
    const passes: BlobGcPassResult[] = [];
    for (let pass = 0; pass < 20; pass++) {
      const result = await gc.runPass();
      passes.push(result);
      assert.ok(result.scannedEntryCount <= 4, 'scan bound');
      assert.ok(result.deletedBlobIds.length + result.deletedTemporaryFileCount <= 3, 'deletion bound');
      if (result.wrapped) break;
    }
    assert.equal(passes.at(-1)?.wrapped, true, 'the walk reached the end within 20 passes');
    assert.ok(passes.length >= 4, 'at least ceil(12 / 3) passes were needed');
    assert.deepEqual(passes.flatMap((result) => result.deletedBlobIds).sort(), [...orphans].sort());
    assert.deepEqual(await allFileNames(store.directory), [kept]);
    const again = await gc.runPass();
    assert.deepEqual(again.deletedBlobIds, []);
    assert.equal(again.referencedBlobCount, 1);
  });
});

test('a blob removed concurrently does not fail the pass, and an empty store is a no-op', async () => {
  await withBlobs(async (store) => {
    const result = await collector(store, new Set()).runPass();
    assert.equal(result.scannedEntryCount, 0);
    assert.equal(result.wrapped, true);
    const blobId = await writeAged(store, 2 * hourMs);
    const gc = collector(store, new Set(), {
      isReferenced: async (id) => {
        await store.delete(id); // someone else removed it first
        return false;
      },
    });
    const racing = await gc.runPass();
    assert.deepEqual(racing.deletedBlobIds, [blobId]);
    assert.equal(await store.exists(blobId), false);
  });
});
