/**
 * Snapshot format: round trip, every truncation and every bit flip detected with a typed error,
 * limits checked before lengths are used, and cluster identity enforced.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStorageError } from './errors.js';
import { decodeSnapshot, encodeSnapshot, snapshotHeaderBytes } from './snapshot-format.js';

const snapshot = { clusterId: 'cluster-a', metadata: Buffer.from('{"lastIncludedIndex":42}'), payload: Buffer.alloc(100, 7) };
const bytes = Buffer.concat(encodeSnapshot(snapshot));
const options = { file: 'x.snap', payloadBytesMax: 1 << 20, clusterIdExpected: 'cluster-a' };

test('snapshot round trip', () => {
  const decoded = decodeSnapshot(bytes, options);
  assert.equal(decoded.clusterId, 'cluster-a');
  assert.deepEqual(Buffer.from(decoded.metadata), snapshot.metadata);
  assert.deepEqual(Buffer.from(decoded.payload), snapshot.payload);
});

test('every truncation and every bit flip gives a typed error', () => {
  const codes = new Set<string>();
  const check = (damaged: Uint8Array): void => {
    assert.throws(() => decodeSnapshot(damaged, options), (error: unknown) => {
      if (!isStorageError(error)) return false;
      codes.add(error.code);
      return true;
    });
  };
  for (let length = 0; length < bytes.length; length++) check(bytes.subarray(0, length));
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    const damaged = Buffer.from(bytes);
    damaged[bit >> 3]! ^= 1 << (bit & 7);
    check(damaged);
  }
  assert.deepEqual([...codes].sort(), ['ChecksumMismatch', 'SnapshotCorruption']);
});

test('a payload larger than the reader limit is refused from the header alone', () => {
  assert.throws(() => decodeSnapshot(bytes, { ...options, payloadBytesMax: 99 }), { code: 'SnapshotCorruption', reason: 'length-exceeds-limit' });
  assert.equal(snapshotHeaderBytes, 40);
});

test('a snapshot of another cluster is refused with ClusterIdMismatch', () => {
  assert.throws(() => decodeSnapshot(bytes, { ...options, clusterIdExpected: 'cluster-b' }), {
    code: 'ClusterIdMismatch',
    clusterIdExpected: 'cluster-b',
    clusterIdFound: 'cluster-a',
  });
});
