/**
 * Redis's pqsort: the requested ranks hold what a full sort puts there (property), and equal keys come
 * in pqsort's order, not a stable sort's. That this is Redis's order is what the tie groups of
 * tools/scripts/cache-diff-cases/geo.txt check against redis-server 7.0.15 (no difference); the order
 * below pins it here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { partialQuickSort } from './cache-pqsort.js';

test('pqsort: ranks left..right hold a full sort\'s keys (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), fc.nat(), fc.nat(), (keys, first, second) => {
      if (keys.length === 0) return;
      const left = Math.min(first, second) % keys.length;
      const right = Math.max(left, Math.max(first, second) % keys.length);
      const items = keys.map((key, index) => ({ key, index }));
      partialQuickSort(items, (a, b) => a.key - b.key, left, right);
      const sorted = [...keys].sort((a, b) => a - b);
      for (let rank = left; rank <= right; rank++) assert.equal(items[rank]?.key, sorted[rank]);
      assert.deepEqual(items.map((item) => item.index).sort((a, b) => a - b), keys.map((_, index) => index), 'a permutation');
    }),
    { seed: 20261201, numRuns: 500 },
  );
});

test('pqsort: equal keys keep pqsort\'s order, not a stable sort\'s', () => {
  const items = Array.from({ length: 90 }, (_, index) => ({ name: `t${index}`, key: index % 4 }));
  partialQuickSort(items, (a, b) => a.key - b.key, 0, 19);
  assert.equal(
    items.slice(0, 20).map((item) => item.name).join(' '),
    't76 t48 t68 t52 t4 t56 t84 t64 t60 t16 t20 t80 t24 t88 t0 t28 t8 t32 t12 t36',
  );
});
