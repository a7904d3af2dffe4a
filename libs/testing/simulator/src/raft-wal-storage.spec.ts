/**
 * Goal: RaftWalStorage rebuilds exactly the durable Raft state after a restart or a crash, and
 * refuses to start from a damaged disk instead of forgetting acknowledged state.
 * Method: persist hand-made Readies on a SimulatedFileSystem, reopen (after a clean stop, a crash
 * point inside the WAL append, a compaction, a received snapshot, a corrupted sector) and compare
 * the rebuilt MemoryStorage with what was acknowledged.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { logIndex, nodeId, term, type Entry, type HardState, type Ready, type Snapshot } from '@objectbox/consensus-core';
import { isStorageError } from '@objectbox/storage-core';
import { Random } from '@objectbox/testing-core';
import { isSimulatorError } from './errors.js';
import { RaftWalStorage } from './raft-wal-storage.js';
import { SimulatedFileSystem } from './simulated-file-system.js';

const configState = { voters: [nodeId(1), nodeId(2), nodeId(3)], learners: [] };

function open(disk: SimulatedFileSystem): Promise<RaftWalStorage> {
  return RaftWalStorage.open({
    fileSystem: disk.processView(),
    directory: '/data',
    clusterId: 'test',
    initialConfigState: configState,
    segmentSizeBytes: 4096,
    recordPayloadBytesMax: 4096,
    pendingBytesMax: 65536,
    snapshotPayloadBytesMax: 65536,
    snapshotRetainCount: 2,
    logger: { info: () => {}, warn: () => {} },
  });
}

function entry(index: number, entryTerm: number): Entry {
  return { index: logIndex(index), term: term(entryTerm), type: 'normal', data: new TextEncoder().encode(`entry ${index}@${entryTerm} `.repeat(8)) };
}

function ready(fields: { entries?: Entry[]; hardState?: HardState; snapshot?: Snapshot }): Ready {
  return { softState: undefined, hardState: fields.hardState, entries: fields.entries ?? [], snapshot: fields.snapshot, committedEntries: [], messages: [], readStates: [] };
}

function hardState(hardTerm: number, commit: number): HardState {
  return { term: term(hardTerm), vote: nodeId(1), commit: logIndex(commit) };
}

function terms(storage: RaftWalStorage): number[] {
  const memory = storage.memory;
  const result: number[] = [];
  for (let index = memory.firstIndex(); index <= memory.lastIndex(); index++) result.push(memory.term(logIndex(index)));
  return result;
}

test('entries, overwrites and hard state survive a restart', async () => {
  const disk = new SimulatedFileSystem();
  const storage = await open(disk);
  await storage.persist(ready({ entries: [entry(1, 1), entry(2, 1), entry(3, 1)], hardState: hardState(1, 1) }));
  await storage.persist(ready({ entries: [entry(2, 2)], hardState: hardState(2, 2) })); // Overwrites 2 and drops 3.
  await storage.close();
  const reopened = await open(disk);
  assert.deepEqual(terms(reopened), [1, 2]);
  assert.deepEqual(reopened.hardState, hardState(2, 2));
  assert.deepEqual(reopened.memory.initialState().hardState, hardState(2, 2));
});

test('a crash inside an append keeps every acknowledged record, at every crash point', async () => {
  for (const crashPoint of [1, 2]) { // The append is one write and one fsync.
    for (let seed = 0; seed < 20; seed++) {
      const disk = new SimulatedFileSystem();
      const storage = await open(disk);
      await storage.persist(ready({ entries: [entry(1, 1), entry(2, 1)], hardState: hardState(1, 2) }));
      disk.armCrash(crashPoint);
      await assert.rejects(storage.persist(ready({ entries: [entry(3, 1), entry(4, 1)], hardState: hardState(1, 4) })));
      assert.ok(disk.crashTriggered);
      disk.crash(Random.fromSeed(seed));
      const reopened = await open(disk);
      const recovered = terms(reopened);
      assert.ok(recovered.length >= 2 && recovered.length <= 4, `crash point ${crashPoint} seed ${seed}: ${recovered}`);
      assert.ok(reopened.hardState.commit <= reopened.memory.lastIndex(), 'commit beyond the surviving entries');
    }
  }
});

test('compaction drops covered entries and the state reopens from the snapshot', async () => {
  const disk = new SimulatedFileSystem();
  const storage = await open(disk);
  for (let index = 1; index <= 60; index++) await storage.persist(ready({ entries: [entry(index, 1)], hardState: hardState(1, index) }));
  await storage.compact({ index: logIndex(50), configState, data: new TextEncoder().encode('image') });
  await storage.persist(ready({ entries: [entry(61, 1)] }));
  await storage.close();
  const reopened = await open(disk);
  assert.equal(reopened.memory.firstIndex(), 51);
  assert.equal(reopened.memory.lastIndex(), 61);
  assert.equal(new TextDecoder().decode(reopened.snapshotAtOpen!.data), 'image');
  assert.deepEqual(reopened.hardState, hardState(1, 60));
  assert.ok(reopened.storage.wal.firstIndex > 1, 'the WAL prefix was not truncated');
});

test('a received snapshot replaces a conflicting log, also after a restart', async () => {
  const disk = new SimulatedFileSystem();
  const storage = await open(disk);
  await storage.persist(ready({ entries: [entry(1, 1), entry(2, 1), entry(3, 1), entry(4, 1)], hardState: hardState(1, 1) }));
  const snapshot: Snapshot = { metadata: { index: logIndex(3), term: term(3), configState }, data: new TextEncoder().encode('leader image') };
  await storage.persist(ready({ snapshot, hardState: hardState(3, 3) }));
  assert.equal(storage.memory.lastIndex(), 3);
  await storage.close();
  const reopened = await open(disk);
  assert.equal(reopened.memory.lastIndex(), 3, 'the stale entry 4 came back');
  assert.equal(reopened.memory.snapshot().metadata.term, 3);
  assert.deepEqual(reopened.hardState, hardState(3, 3));
});

test('a corrupted acknowledged sector makes the open fail with a typed error', async () => {
  let failures = 0;
  for (let seed = 0; seed < 10; seed++) {
    const disk = new SimulatedFileSystem();
    const storage = await open(disk);
    for (let index = 1; index <= 30; index++) await storage.persist(ready({ entries: [entry(index, 1)], hardState: hardState(1, index) }));
    disk.crash(Random.fromSeed(seed));
    assert.ok(disk.corruptSector(Random.fromSeed(seed)) !== undefined);
    try {
      const reopened = await open(disk);
      assert.fail(`seed ${seed}: opened with ${reopened.memory.lastIndex()} entries despite corruption`);
    } catch (error) {
      assert.ok(isStorageError(error) || isSimulatorError(error), String(error));
      failures++;
    }
  }
  assert.equal(failures, 10);
});
