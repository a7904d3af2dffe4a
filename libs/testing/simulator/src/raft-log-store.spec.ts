/**
 * Goal: production's RaftLogStore (consensus-runtime) rebuilds exactly the durable Raft state
 * after a restart or a crash, including crashes inside the windows its own ordering leaves open,
 * and refuses to start from a damaged disk instead of forgetting acknowledged state.
 * Method: persist hand-made Readies on a SimulatedFileSystem (whose crash points and sector
 * corruption consensus-runtime's own tests lack), reopen after a clean stop, a crash point inside
 * an append or a snapshot save, a lost commit-only append, a compaction, a received snapshot or a
 * corrupted sector, and compare the rebuilt MemoryStorage with what was acknowledged.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { logIndex, nodeId, term, type Entry, type HardState, type Ready, type Snapshot } from '@objectbox/consensus-core';
import { RaftLogStore } from '@objectbox/consensus-runtime';
import { isStorageError } from '@objectbox/storage-core';
import { openStorage, type Storage } from '@objectbox/storage-runtime';
import { Random } from '@objectbox/testing-core';
import { isObjectBoxError } from '@objectbox/util';
import { SimulatedFileSystem } from './simulated-file-system.js';

const configState = { voters: [nodeId(1), nodeId(2), nodeId(3)], learners: [] };

async function open(disk: SimulatedFileSystem): Promise<{ store: RaftLogStore; storage: Storage }> {
  const storage = await openStorage({
    fileSystem: disk.processView(),
    directory: '/data',
    clusterId: 'test',
    segmentSizeBytes: 4096,
    recordPayloadBytesMax: 4096,
    pendingBytesMax: 65536,
    snapshotPayloadBytesMax: 65536,
    snapshotRetainCount: 2,
    logger: { info: () => {}, warn: () => {} },
  });
  return { store: await RaftLogStore.open(storage, configState), storage };
}

async function reopen(disk: SimulatedFileSystem): Promise<RaftLogStore> {
  return (await open(disk)).store;
}

function entry(index: number, entryTerm: number): Entry {
  return { index: logIndex(index), term: term(entryTerm), type: 'normal', data: new TextEncoder().encode(`entry ${index}@${entryTerm} `.repeat(8)) };
}

function ready(fields: { entries?: Entry[]; hardState?: HardState; snapshot?: Snapshot }): Pick<Ready, 'snapshot' | 'entries' | 'hardState'> {
  return { hardState: fields.hardState, entries: fields.entries ?? [], snapshot: fields.snapshot };
}

function hardState(hardTerm: number, commit: number): HardState {
  return { term: term(hardTerm), vote: nodeId(1), commit: logIndex(commit) };
}

/** The terms of the log after the snapshot, in index order. */
function terms(store: RaftLogStore): number[] {
  const memory = store.memory;
  const result: number[] = [];
  for (let index = memory.firstIndex(); index <= memory.lastIndex(); index++) result.push(memory.term(logIndex(index)));
  return result;
}

test('entries, overwrites and hard state survive a restart', async () => {
  const disk = new SimulatedFileSystem();
  const { store } = await open(disk);
  await store.persist(ready({ entries: [entry(1, 1), entry(2, 1), entry(3, 1)], hardState: hardState(1, 1) }));
  await store.persist(ready({ entries: [entry(2, 2)], hardState: hardState(2, 2) })); // Overwrites 2 and drops 3.
  await store.close();
  const reopened = await reopen(disk);
  assert.deepEqual(terms(reopened), [1, 2]);
  assert.deepEqual(reopened.memory.initialState().hardState, hardState(2, 2));
});

test('a crash inside an append keeps every acknowledged record, at every crash point', async () => {
  for (const crashPoint of [1, 2]) {
    // The append is one write and one fsync.
    for (let seed = 0; seed < 20; seed++) {
      const disk = new SimulatedFileSystem();
      const { store } = await open(disk);
      await store.persist(ready({ entries: [entry(1, 1), entry(2, 1)], hardState: hardState(1, 2) }));
      disk.armCrash(crashPoint);
      await assert.rejects(store.persist(ready({ entries: [entry(3, 1), entry(4, 1)], hardState: hardState(1, 4) })));
      assert.ok(disk.crashTriggered);
      disk.crash(Random.fromSeed(seed));
      const reopened = await reopen(disk);
      const recovered = terms(reopened);
      assert.ok(recovered.length >= 2 && recovered.length <= 4, `crash point ${crashPoint} seed ${seed}: ${recovered}`);
      assert.ok(reopened.memory.initialState().hardState.commit <= reopened.memory.lastIndex(), 'commit beyond the surviving entries');
    }
  }
});

test('a commit-only Ready returns before its fsync, and a crash may lose it', async () => {
  let lost = 0;
  for (let seed = 0; seed < 20; seed++) {
    const disk = new SimulatedFileSystem();
    const { store, storage } = await open(disk);
    await store.persist(ready({ entries: [entry(1, 1), entry(2, 1)], hardState: hardState(1, 1) }));
    await store.persist(ready({ hardState: hardState(1, 2) }));
    assert.equal(store.memory.initialState().hardState.commit, 2);
    assert.ok(storage.wal.pendingBytes > 0, 'persist awaited the fsync of a commit-only Ready');
    disk.crash(Random.fromSeed(seed));
    const reopened = await reopen(disk);
    assert.deepEqual(terms(reopened), [1, 1]);
    const commit = reopened.memory.initialState().hardState.commit;
    assert.ok(commit === 1 || commit === 2, `seed ${seed}: commit ${commit}`);
    if (commit === 1) lost++;
  }
  assert.ok(lost > 0, 'no crash lost the un-awaited append');
});

test('a deferred commit-only hard state is written with the next append or at close, and a crash before either loses only it', async () => {
  const disk = new SimulatedFileSystem();
  const { store, storage } = await open(disk);
  await store.persist(ready({ entries: [entry(1, 1), entry(2, 1)], hardState: hardState(1, 1) }));
  const walEnd = storage.wal.lastIndex;
  await store.persist(ready({ hardState: hardState(1, 2) }), { deferCommitOnly: true });
  assert.equal(storage.wal.lastIndex, walEnd, 'nothing was appended for the deferred hard state');
  assert.equal(storage.wal.pendingBytes, 0);
  // The next append carries it: one WAL write for the entries and the newer commit index.
  await store.persist(ready({ entries: [entry(3, 1)] }), { deferCommitOnly: true });
  assert.equal(storage.wal.lastIndex, walEnd + 2, 'entry 3 and the deferred hard state, in one append');
  assert.equal(store.memory.initialState().hardState.commit, 2);
  await store.persist(ready({ hardState: hardState(1, 3) }), { deferCommitOnly: true });
  disk.crash(Random.fromSeed(1));
  const crashed = await reopen(disk);
  assert.deepEqual(terms(crashed), [1, 1, 1]);
  assert.equal(crashed.memory.initialState().hardState.commit, 2, 'the crash lost the deferred commit 3 only');

  const cleanDisk = new SimulatedFileSystem();
  const clean = (await open(cleanDisk)).store;
  await clean.persist(ready({ entries: [entry(1, 1), entry(2, 1)], hardState: hardState(1, 1) }));
  await clean.persist(ready({ hardState: hardState(1, 2) }), { deferCommitOnly: true });
  await clean.close();
  assert.equal((await reopen(cleanDisk)).memory.initialState().hardState.commit, 2, 'close wrote the deferred hard state');
});

test('compaction drops covered entries and the state reopens from the snapshot', async () => {
  const disk = new SimulatedFileSystem();
  const { store, storage } = await open(disk);
  for (let index = 1; index <= 60; index++) await store.persist(ready({ entries: [entry(index, 1)], hardState: hardState(1, index - 1) }));
  await store.compact({ index: logIndex(50), configState, data: new TextEncoder().encode('image'), entriesToKeep: 0 });
  await store.persist(ready({ entries: [entry(61, 1)], hardState: hardState(1, 60) }));
  await store.close();
  assert.ok(storage.wal.firstIndex > 1, 'the WAL prefix was not truncated');
  const reopened = await reopen(disk);
  assert.equal(reopened.memory.firstIndex(), 51);
  assert.equal(reopened.memory.lastIndex(), 61);
  assert.equal(new TextDecoder().decode(reopened.snapshotAtOpen!.data), 'image');
  assert.deepEqual(reopened.memory.initialState().hardState, hardState(1, 60));
});

test('an entry rewritten at or below a later snapshot index does not bring back the suffix it replaced', async () => {
  // Regression: replay skipped entries at or below the snapshot index without letting them
  // supersede the later ones, so 4@1 and 5@1 came back after the snapshot at 3.
  const disk = new SimulatedFileSystem();
  const { store } = await open(disk);
  await store.persist(ready({ entries: [1, 2, 3, 4, 5].map((index) => entry(index, 1)), hardState: hardState(1, 2) }));
  await store.persist(ready({ entries: [entry(3, 2)], hardState: hardState(2, 3) }));
  await store.compact({ index: logIndex(3), configState, data: new TextEncoder().encode('image'), entriesToKeep: 0 });
  await store.close();
  const reopened = await reopen(disk);
  assert.equal(reopened.memory.lastIndex(), 3, `entries after the snapshot came back: ${terms(reopened)}`);
});

test('a received snapshot replaces a conflicting log, also after a restart', async () => {
  // Regression: the entries after the snapshot index that the leader's snapshot replaced came
  // back on replay (the WAL did not say that the snapshot replaced the log).
  const disk = new SimulatedFileSystem();
  const { store } = await open(disk);
  await store.persist(ready({ entries: [entry(1, 1), entry(2, 1), entry(3, 1), entry(4, 1)], hardState: hardState(1, 1) }));
  const snapshot: Snapshot = { metadata: { index: logIndex(3), term: term(3), configState }, data: new TextEncoder().encode('leader image') };
  await store.persist(ready({ snapshot, hardState: hardState(3, 3) }));
  assert.equal(store.memory.lastIndex(), 3);
  await store.close();
  const reopened = await reopen(disk);
  assert.equal(reopened.memory.lastIndex(), 3, 'the stale entry 4 came back');
  assert.equal(reopened.memory.snapshot().metadata.term, 3);
  assert.deepEqual(reopened.memory.initialState().hardState, hardState(3, 3));
});

test('a crash between saving a snapshot and appending its mark reopens with commit at the snapshot', async () => {
  // Regression (simulator seeds 46 and 60 with 5 replicas, 111 and 190 with 3): the snapshot was
  // durable but the WAL's commit index older, and the core refused the hard state at every start.
  for (const received of [false, true]) {
    for (let crashPoint = 1; crashPoint <= 12; crashPoint++) {
      const disk = new SimulatedFileSystem();
      const { store } = await open(disk);
      await store.persist(ready({ entries: [1, 2, 3, 4, 5, 6].map((index) => entry(index, 1)), hardState: hardState(1, 2) }));
      disk.armCrash(crashPoint);
      const data = new TextEncoder().encode('image');
      const snapshot: Snapshot = { metadata: { index: logIndex(5), term: term(2), configState }, data };
      const saving = received ? store.persist(ready({ snapshot, hardState: hardState(2, 5) })) : store.compact({ index: logIndex(5), configState, data, entriesToKeep: 0 });
      await saving.catch(() => undefined);
      disk.crash(Random.fromSeed(crashPoint));
      const reopened = await reopen(disk);
      const memory = reopened.memory;
      const snapshotIndex = memory.snapshot().metadata.index;
      const label = `${received ? 'received' : 'compaction'} crash point ${crashPoint}`;
      assert.ok(snapshotIndex === 0 || snapshotIndex === 5, label);
      assert.ok(memory.initialState().hardState.commit >= snapshotIndex, `${label}: commit below the snapshot`);
      // A received snapshot (5@2) conflicts with 5@1 and 6@1: they must not come back after it.
      const expectedLast = snapshotIndex === 5 && received ? 5 : 6;
      assert.equal(memory.lastIndex(), expectedLast, `${label}: ${terms(reopened)}`);
    }
  }
});

test('a corrupted acknowledged sector makes the open fail with a typed error', async () => {
  let failures = 0;
  for (let seed = 0; seed < 10; seed++) {
    const disk = new SimulatedFileSystem();
    const { store } = await open(disk);
    for (let index = 1; index <= 30; index++) await store.persist(ready({ entries: [entry(index, 1)], hardState: hardState(1, index - 1) }));
    disk.crash(Random.fromSeed(seed));
    assert.ok(disk.corruptSector(Random.fromSeed(seed)) !== undefined);
    try {
      const reopened = await reopen(disk);
      assert.fail(`seed ${seed}: opened with ${reopened.memory.lastIndex()} entries despite corruption`);
    } catch (error) {
      assert.ok(isStorageError(error) || (isObjectBoxError(error) && error.code === 'WalRecordUndecodable'), String(error));
      failures++;
    }
  }
  assert.equal(failures, 10);
});

test('released snapshot bytes that cannot be read back are a logged, backed-off problem, not a persistence failure', async () => {
  const disk = new SimulatedFileSystem();
  const { store, storage } = await open(disk);
  for (let index = 1; index <= 60; index++) await store.persist(ready({ entries: [entry(index, 1)], hardState: hardState(1, index - 1) }));
  await store.compact({ index: logIndex(50), configState, data: new TextEncoder().encode('image'), entriesToKeep: 0 });
  store.releaseSnapshotData();
  const failures: unknown[] = [];
  const problems: string[] = [];
  store.onBackgroundFailure = (error) => failures.push(error);
  store.onSnapshotLoadProblem = (problem) => problems.push(problem);
  let loads = 0;
  storage.snapshots.loadLatest = () => {
    loads++;
    return Promise.reject(new Error('EIO'));
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    assert.throws(() => store.memory.snapshot(), (error: Error) => error.name === 'SnapshotTemporarilyUnavailableError');
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.deepEqual(failures, [], 'the replica is not stopped');
  assert.deepEqual(problems, ['reading the snapshot file failed']);
  assert.equal(loads, 1, 'asks within the back-off do not read the file again');
  await store.close();
});
