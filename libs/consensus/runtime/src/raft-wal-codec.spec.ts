/**
 * Goal: entry records keep their documented layout ([term u64][index u64][type u8][data], little
 * endian) whatever way they are written, and decode back to the same entry, up to the largest safe
 * integer. Method: compare with bytes built through DataView/BigInt, then round trip.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Entry, LogIndex, Term } from '@objectbox/consensus-core';
import { decodeEntryRecord, encodeEntryRecord } from './raft-wal-codec.js';

test('entry records have the documented layout and round-trip, edge values included', () => {
  for (const [term, index] of [[0, 1], [7, 2 ** 32 - 1], [2 ** 32, 2 ** 32 + 5], [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]] as const) {
    for (const type of ['normal', 'config-change'] as const) {
      const entry: Entry = { term: term as Term, index: index as LogIndex, type, data: new Uint8Array([1, 2, 3]) };
      const expected = new Uint8Array(17 + 3);
      const view = new DataView(expected.buffer);
      view.setBigUint64(0, BigInt(term), true);
      view.setBigUint64(8, BigInt(index), true);
      view.setUint8(16, type === 'normal' ? 0 : 1);
      expected.set([1, 2, 3], 17);
      const encoded = encodeEntryRecord(entry);
      assert.deepEqual([...encoded], [...expected]);
      const decoded = decodeEntryRecord(encoded);
      assert.deepEqual({ ...decoded, data: [...decoded.data] }, { ...entry, data: [1, 2, 3] });
    }
  }
});
