/**
 * SnapshotStore and data-directory identity on real files: atomic save, leftover temp files
 * ignored and removed, corrupt newest snapshot detected with fallback to the previous one, a
 * directory or snapshot of another cluster refused with typed errors, and crash safety of save on
 * the simulated disk (the previous snapshot survives until the new one is durable).
 */
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { MemoryFileSystem, isStorageError } from '@objectbox/storage-core';
import { openDataDirectory } from './data-directory.js';
import { nodeFileSystem } from './node-file-system.js';
import { SnapshotStore, snapshotFileName } from './snapshot-store.js';
import { MemoryLogger } from './storage-logger.js';
import { openStorage } from './storage.js';
import { withTemporaryDirectory } from './test-support.js';

function storeOptions(directory: string, clusterId = 'cluster-a'): Parameters<typeof SnapshotStore.open>[0] & { logger: MemoryLogger } {
  return { directory, clusterId, payloadBytesMax: 1 << 20, retainCount: 2, logger: new MemoryLogger() };
}

test('save then loadLatest returns the newest; retention keeps the previous one', async () => {
  await withTemporaryDirectory(async (directory) => {
    const store = await SnapshotStore.open(storeOptions(directory));
    assert.equal(await store.loadLatest(), null);
    for (let sequence = 1; sequence <= 3; sequence++) {
      assert.equal(await store.save({ metadata: Buffer.from(`m${sequence}`), payload: Buffer.alloc(1000, sequence) }), sequence);
    }
    assert.deepEqual((await readdir(directory)).sort(), [snapshotFileName(2), snapshotFileName(3)]);
    const loaded = await (await SnapshotStore.open(storeOptions(directory))).loadLatest();
    assert.equal(loaded?.sequence, 3);
    assert.equal(Buffer.from(loaded!.metadata).toString(), 'm3');
    assert.deepEqual(loaded?.skipped, []);
  });
});

test('a leftover temp file is ignored and removed; a corrupt newest snapshot falls back to the previous', async () => {
  await withTemporaryDirectory(async (directory) => {
    const store = await SnapshotStore.open(storeOptions(directory));
    await store.save({ metadata: Buffer.from('old'), payload: Buffer.alloc(100, 1) });
    await store.save({ metadata: Buffer.from('new'), payload: Buffer.alloc(100, 2) });
    await writeFile(join(directory, `${snapshotFileName(3)}.tmp`), Buffer.from('half-written'));
    const newest = join(directory, snapshotFileName(2));
    const damaged = await readFile(newest);
    damaged[damaged.length - 10]! ^= 0x04;
    await writeFile(newest, damaged);
    const options = storeOptions(directory);
    const reopened = await SnapshotStore.open(options);
    assert.ok(!(await readdir(directory)).some((name) => name.endsWith('.tmp')));
    const loaded = await reopened.loadLatest();
    assert.equal(Buffer.from(loaded!.metadata).toString(), 'old');
    assert.deepEqual(loaded!.skipped.map((skip) => [skip.file, skip.code]), [[snapshotFileName(2), 'ChecksumMismatch']]);
    assert.ok(options.logger.events.some((event) => event.event === 'snapshot-corrupt-skipped' && event.level === 'warn'));
    // With every snapshot damaged, loading fails loudly instead of starting from nothing.
    await writeFile(join(directory, snapshotFileName(1)), Buffer.from('garbage'));
    await assert.rejects(reopened.loadLatest(), (error: unknown) => isStorageError(error) && error.code === 'ChecksumMismatch');
  });
});

test('a snapshot of another cluster is refused, never skipped', async () => {
  await withTemporaryDirectory(async (directory) => {
    await (await SnapshotStore.open(storeOptions(directory, 'cluster-b'))).save({ metadata: Buffer.alloc(0), payload: Buffer.alloc(1) });
    await assert.rejects((await SnapshotStore.open(storeOptions(directory))).loadLatest(), { code: 'ClusterIdMismatch' });
  });
});

test('a crash during save leaves the previous snapshot loadable (simulated disk)', async () => {
  for (let crashAfterOperations = 0; crashAfterOperations < 12; crashAfterOperations++) {
    const disk = new MemoryFileSystem();
    const options = { ...storeOptions('/data/snapshots'), fileSystem: disk.processView() };
    const store = await SnapshotStore.open(options);
    await store.save({ metadata: Buffer.from('first'), payload: Buffer.alloc(3000, 1) });
    const syncsBefore = disk.counters.fileSyncCount + disk.counters.directorySyncCount + disk.counters.writeCount;
    const saving = store.save({ metadata: Buffer.from('second'), payload: Buffer.alloc(3000, 2) }).catch(() => 'killed');
    for (let tick = 0; tick < crashAfterOperations * 3; tick++) await Promise.resolve();
    const operationsDone = disk.counters.fileSyncCount + disk.counters.directorySyncCount + disk.counters.writeCount - syncsBefore;
    disk.crash();
    await saving;
    const loaded = await (await SnapshotStore.open({ ...options, fileSystem: disk.processView() })).loadLatest();
    const metadata = Buffer.from(loaded!.metadata).toString();
    assert.ok(metadata === 'first' || metadata === 'second', `after ${operationsDone} operations: ${metadata}`);
    assert.deepEqual(loaded!.skipped, [], 'a crash never leaves a corrupt snapshot under a final name');
  }
});

test('data directory: initialised once, other cluster refused, damaged or missing meta refused', async () => {
  await withTemporaryDirectory(async (directory) => {
    const logger = new MemoryLogger();
    const sizes = { segmentSizeBytes: 4096, recordPayloadBytesMax: 1024, pendingBytesMax: 1 << 20, snapshotPayloadBytesMax: 1 << 20, snapshotRetainCount: 2 };
    const storage = await openStorage({ directory, clusterId: 'cluster-a', logger, ...sizes });
    await storage.wal.append([{ type: 1, payload: Buffer.from('x') }]);
    await storage.wal.close();
    await assert.rejects(openStorage({ directory, clusterId: 'cluster-b', logger, ...sizes }), {
      code: 'ClusterIdMismatch',
      clusterIdExpected: 'cluster-b',
      clusterIdFound: 'cluster-a',
    });
    const reopened = await openStorage({ directory, clusterId: 'cluster-a', logger, ...sizes });
    assert.equal(reopened.wal.lastIndex, 1);
    await reopened.wal.close();
    await writeFile(join(directory, 'meta.json'), '{"clusterId":');
    await assert.rejects(openDataDirectory(nodeFileSystem, { directory, clusterId: 'cluster-a', logger }), { code: 'DataDirectoryInvalid', reason: 'meta-unreadable' });
    await writeFile(join(directory, 'meta.json.tmp'), 'x');
    await rm(join(directory, 'meta.json'));
    await assert.rejects(openStorage({ directory, clusterId: 'cluster-a', logger, ...sizes }), { code: 'DataDirectoryInvalid', reason: 'meta-missing-with-data' });
    assert.ok(!(await readdir(directory)).includes('meta.json.tmp'), 'leftover temp file removed');
  });
});
