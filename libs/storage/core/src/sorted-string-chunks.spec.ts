/**
 * SortedStringChunks against a sorted array model, driven by random batches of inserts and deletes
 * from fast-check, with enough keys that chunks split (256 keys each) and empty.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SortedStringChunks } from './sorted-string-chunks.js';

type Step = { kind: 'insert'; keys: number[] } | { kind: 'delete'; from: number; count: number } | { kind: 'range'; start: number; end: number; limit: number };

const keyOf = (key: number) => `k${String(key).padStart(5, '0')}`;

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), keys: fc.uniqueArray(fc.integer({ min: 0, max: 3000 }), { maxLength: 600, size: 'max' }) }),
  fc.record({ kind: fc.constant('delete' as const), from: fc.integer({ min: 0, max: 3000 }), count: fc.integer({ min: 0, max: 700 }) }),
  fc.record({ kind: fc.constant('range' as const), start: fc.integer({ min: 0, max: 3000 }), end: fc.integer({ min: 0, max: 3100 }), limit: fc.integer({ min: 0, max: 400 }) }),
);

test('SortedStringChunks behaves like a sorted array under random batches of inserts, deletes and ranges', () => {
  fc.assert(
    fc.property(fc.array(stepArbitrary, { maxLength: 30, size: 'medium' }), (steps) => {
      const chunks = new SortedStringChunks();
      const model = new Set<string>();
      const sorted = () => [...model].sort();
      for (const step of steps) {
        if (step.kind === 'insert') {
          const absent = step.keys.map(keyOf).filter((key) => !model.has(key)).sort();
          chunks.insertAscending(absent);
          for (const key of absent) model.add(key);
        } else if (step.kind === 'delete') {
          // A run of consecutive keys, present or not: empties whole chunks now and then.
          for (let key = step.from; key < step.from + step.count; key++) assert.equal(chunks.delete(keyOf(key)), model.delete(keyOf(key)));
        } else {
          const start = keyOf(step.start);
          const end = keyOf(step.end);
          assert.deepEqual([...chunks.range({ start, end })], sorted().filter((key) => key >= start && key < end));
          assert.deepEqual([...chunks.range({ start, limit: step.limit })], sorted().filter((key) => key >= start).slice(0, step.limit));
        }
        assert.equal(chunks.size, model.size);
      }
      const all: string[] = [];
      chunks.forEach((key) => all.push(key));
      assert.deepEqual(all, sorted());
      assert.deepEqual([...chunks.range()], sorted());
    }),
    { seed: 21, numRuns: 150, endOnFailure: true },
  );
});

test('SortedStringChunks refuses keys out of order or already present', () => {
  const chunks = new SortedStringChunks();
  chunks.insertAscending(['b', 'd']);
  assert.throws(() => chunks.insertAscending(['d']), /absent/);
  assert.throws(() => new SortedStringChunks().insertAscending(['c', 'a']), /ascending/);
  assert.equal(chunks.delete('x'), false);
  assert.deepEqual([...chunks.range({ start: 'c' })], ['d']);
});

test('SortedStringChunks keeps 100k keys inserted in batches in order (each batch a binary search per key)', () => {
  const chunks = new SortedStringChunks();
  for (let batch = 0; batch < 100; batch++) chunks.insertAscending(Array.from({ length: 1000 }, (_, index) => keyOf(index * 100 + batch)));
  assert.equal(chunks.size, 100_000);
  let previous = '';
  chunks.forEach((key) => {
    assert.ok(previous < key);
    previous = key;
  });
});
