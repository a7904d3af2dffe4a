/**
 * Goal: packed entries equal the originals (term, index, type, data bytes) and no longer share
 * memory with them: all data lives in one buffer of exactly the total size, outside Node's pool.
 * Method: random entries (data of 0-600 bytes, some views into a shared larger buffer) against
 * the originals as the model; the originals' memory is overwritten afterwards.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Entry, LogIndex, Term } from '@objectbox/consensus-core';
import fc from 'fast-check';
import { keptWithoutSparseViews, withPackedData } from './entry-data-packing.js';

const entriesArbitrary = fc.array(
  fc.record({ term: fc.integer({ min: 1, max: 9 }), type: fc.constantFrom('normal' as const, 'config-change' as const), data: fc.uint8Array({ maxLength: 600 }), pooled: fc.boolean() }),
  { maxLength: 80 },
);

test('packed entries equal the originals and share one exactly sized, unpooled buffer', () => {
  fc.assert(
    fc.property(entriesArbitrary, fc.integer({ min: 1, max: 1_000_000 }), (specs, firstIndex) => {
      const entries: Entry[] = specs.map((spec, position) => {
        // Some data as pooled Buffer slices (what the leader's encoder makes), some as plain arrays.
        const data = spec.pooled ? Buffer.from(spec.data) : spec.data;
        return { term: spec.term as Term, index: (firstIndex + position) as LogIndex, type: spec.type, data };
      });
      const expected = entries.map((entry) => ({ ...entry, data: Buffer.from(entry.data) }));
      const packed = withPackedData(entries);
      for (const entry of entries) entry.data.fill(0xee);
      assert.equal(packed.length, expected.length);
      packed.forEach((entry, position) => {
        const model = expected[position]!;
        assert.deepEqual([entry.term, entry.index, entry.type], [model.term, model.index, model.type]);
        assert.deepEqual(Buffer.from(entry.data), model.data);
      });
      const totalBytes = expected.reduce((sum, entry) => sum + entry.data.length, 0);
      const buffers = new Set(packed.map((entry) => entry.data.buffer));
      assert.ok(buffers.size <= 1, 'one buffer for all data');
      for (const buffer of buffers) assert.equal(buffer.byteLength, totalBytes, 'the buffer holds exactly the data');
    }),
    { seed: 7, numRuns: 300 },
  );
});

test('kept entries keep their views of a buffer they mostly use; those of a mostly unused buffer are packed', () => {
  const entry = (index: number, data: Uint8Array): Entry => ({ term: 1 as Term, index: index as LogIndex, type: 'normal', data });
  // Two segment-like read buffers: the first's entries mostly behind a snapshot (only its last
  // 100 bytes kept), the second's all kept; and one entry with a buffer of its own.
  const old = Buffer.alloc(10_000, 1);
  const recent = Buffer.alloc(1_000, 2);
  const own = new Uint8Array(300).fill(3);
  const kept = [entry(1, old.subarray(9_900)), entry(2, recent.subarray(0, 600)), entry(3, recent.subarray(600)), entry(4, own)];
  const result = keptWithoutSparseViews(kept);
  assert.deepEqual(result.map((kept) => [kept.index, Buffer.from(kept.data).toString('hex')]), kept.map((kept) => [kept.index, Buffer.from(kept.data).toString('hex')]));
  assert.notEqual(result[0]!.data.buffer, old.buffer, 'the view of the mostly unused buffer was replaced by a copy');
  assert.equal(result[0]!.data.buffer.byteLength, 100, 'the copy holds only the kept bytes');
  assert.equal(result[1]!.data.buffer, recent.buffer, 'views of a buffer the kept entries use fully stay');
  assert.equal(result[2]!.data.buffer, recent.buffer);
  assert.equal(result[3]!.data, own);
  assert.deepEqual(keptWithoutSparseViews([]), []);
});
