/**
 * Goal: MemoryStorage honours the Storage contract (ranges, errors, compaction, snapshots), as
 * etcd-io/raft storage_test.go checks. Method: tables over a small log.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { LogCompactedError, LogUnavailableError, SnapshotOutOfDateError, SnapshotTemporarilyUnavailableError } from './errors.js';
import { MemoryStorage } from './storage.js';
import { nodeId, type Entry, type LogIndex, type Term } from './types.js';

const entry = (term: number, index: number): Entry => ({ term: term as Term, index: index as LogIndex, type: 'normal', data: new Uint8Array(8) });
const i = (value: number): LogIndex => value as LogIndex;
const configState = { voters: [nodeId(1)], learners: [] };

function storageWith35(): MemoryStorage {
  const storage = new MemoryStorage({ configState });
  storage.append([entry(1, 1), entry(2, 2), entry(3, 3), entry(4, 4), entry(5, 5)]);
  storage.createSnapshot({ index: i(2), configState, data: new Uint8Array() });
  storage.compact(i(2));
  return storage;
}

test('term: compacted below the snapshot, unavailable past the end', () => {
  const storage = storageWith35();
  assert.throws(() => storage.term(i(1)), LogCompactedError);
  assert.equal(storage.term(i(2)), 2);
  assert.equal(storage.term(i(5)), 5);
  assert.throws(() => storage.term(i(6)), LogUnavailableError);
  assert.equal(storage.firstIndex(), 3);
  assert.equal(storage.lastIndex(), 5);
});

test('entries: half-open range, size-limited but never empty', () => {
  const storage = storageWith35();
  assert.throws(() => storage.entries(i(2), i(4), Infinity), LogCompactedError);
  assert.deepEqual(storage.entries(i(3), i(6), Infinity).map((each) => each.index), [3, 4, 5]);
  assert.deepEqual(storage.entries(i(3), i(6), 1).map((each) => each.index), [3]);
  assert.deepEqual(storage.entries(i(3), i(6), 64).map((each) => each.index), [3, 4]);
});

test('append truncates a conflicting suffix and ignores compacted entries', () => {
  const storage = storageWith35();
  storage.append([entry(1, 2), entry(6, 4)]);
  assert.deepEqual(storage.entries(i(3), i(5), Infinity).map((each) => each.term), [3, 6]);
  assert.equal(storage.lastIndex(), 4);
});

test('snapshots: older ones are refused, applying one replaces the log', () => {
  const storage = storageWith35();
  assert.throws(() => storage.createSnapshot({ index: i(2), configState, data: new Uint8Array() }), SnapshotOutOfDateError);
  assert.throws(() => storage.compact(i(2)), LogCompactedError);
  storage.applySnapshot({ metadata: { index: i(10), term: 7 as Term, configState }, data: new Uint8Array([1]) });
  assert.equal(storage.firstIndex(), 11);
  assert.equal(storage.lastIndex(), 10);
  assert.equal(storage.term(i(10)), 7);
  assert.throws(
    () => storage.applySnapshot({ metadata: { index: i(9), term: 7 as Term, configState }, data: new Uint8Array() }),
    SnapshotOutOfDateError,
  );
});

test('released snapshot bytes: asked for and unavailable until restored, handed out once, held again for a newer snapshot', () => {
  const storage = storageWith35();
  const image = new Uint8Array([1, 2, 3]);
  storage.createSnapshot({ index: i(4), configState, data: image });
  const wanted: number[] = [];
  storage.releaseSnapshotData((index) => wanted.push(index));
  assert.deepEqual(storage.snapshotMetadata(), { index: 4, term: 4, configState });
  assert.throws(() => storage.snapshot(), SnapshotTemporarilyUnavailableError);
  assert.deepEqual(wanted, [4]);
  storage.restoreSnapshotData(i(3), image); // not the current snapshot: ignored
  assert.throws(() => storage.snapshot(), SnapshotTemporarilyUnavailableError);
  storage.restoreSnapshotData(i(4), image);
  assert.equal(storage.snapshot().data, image);
  assert.throws(() => storage.snapshot(), SnapshotTemporarilyUnavailableError, 'handed out once, then released again');
  assert.deepEqual(wanted, [4, 4, 4]);
  const newer = new Uint8Array([4]);
  storage.createSnapshot({ index: i(5), configState, data: newer });
  assert.equal(storage.snapshot().data, newer);
  assert.equal(storage.snapshot().data, newer, 'a new snapshot is held until released');
  assert.equal(storage.term(i(5)), 5, 'the log is unaffected');
  const empty = new MemoryStorage({ configState });
  empty.releaseSnapshotData(() => assert.fail('the empty initial snapshot is never released'));
  assert.equal(empty.snapshot().metadata.index, 0);
});
