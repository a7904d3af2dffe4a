/**
 * The small-blob cache alone. Goal: it never holds more than its bounds (total bytes, bytes per
 * image), drops the least recently used image first (a `get` counts as a use), and a replaced or
 * deleted image is accounted for exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SmallBlobCache, smallBlobCacheEntryOverheadBytes as entry } from './small-blob-cache.js';

const image = (sizeBytes: number, fill = 1): Uint8Array => new Uint8Array(sizeBytes).fill(fill);

test('keeps images up to its byte bound, dropping the least recently used first', () => {
  const cache = new SmallBlobCache({ bytesMax: 3 * (100 + entry), imageBytesMax: 200 });
  cache.set('a', image(100));
  cache.set('b', image(100));
  cache.set('c', image(100));
  assert.equal(cache.bytes, 3 * (100 + entry), 'each image counts its bytes and a fixed cost per entry');
  assert.ok(cache.get('a') !== undefined, 'a is now the most recently used');
  cache.set('d', image(100));
  assert.equal(cache.get('b'), undefined, 'b was the least recently used');
  assert.deepEqual(['a', 'c', 'd'].map((id) => cache.get(id)?.byteLength), [100, 100, 100]);
  assert.equal(cache.bytes, 3 * (100 + entry));
});

test('many empty images are bounded by the cost per entry, not only by their bytes', () => {
  const cache = new SmallBlobCache({ bytesMax: 10 * entry, imageBytesMax: 200 });
  for (let index = 0; index < 100; index++) cache.set(`e${index}`, image(0));
  assert.equal(cache.size, 10);
});

test('an image above the per-image bound is not kept, and drops the older image of its id', () => {
  const cache = new SmallBlobCache({ bytesMax: 1000, imageBytesMax: 200 });
  cache.set('a', image(150));
  cache.set('a', image(201));
  assert.equal(cache.get('a'), undefined);
  assert.equal(cache.bytes, 0);
  assert.equal(new SmallBlobCache({ bytesMax: 0, imageBytesMax: 200 }).imageBytesMax, 0, 'a cache of 0 bytes keeps nothing');
});

test('replacing and deleting an image keep the byte count exact', () => {
  const cache = new SmallBlobCache({ bytesMax: 1000, imageBytesMax: 500 });
  cache.set('a', image(100, 1));
  cache.set('a', image(300, 2));
  assert.equal(cache.bytes, 300 + entry);
  assert.equal(cache.get('a')?.[0], 2, 'the newer image');
  cache.delete('a');
  cache.delete('a');
  cache.delete('never');
  assert.equal(cache.bytes, 0);
  assert.equal(cache.size, 0);
});

test('under any sequence of operations the bounds hold and the byte count is the sum of what is held', () => {
  const operation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), id: fc.integer({ min: 0, max: 9 }), sizeBytes: fc.integer({ min: 0, max: 120 }) }),
    fc.record({ kind: fc.constant('get' as const), id: fc.integer({ min: 0, max: 9 }) }),
    fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 9 }) }),
  );
  fc.assert(
    fc.property(fc.array(operation, { maxLength: 200 }), (operations) => {
      const bytesMax = 4 * (60 + entry);
      const cache = new SmallBlobCache({ bytesMax, imageBytesMax: 100 });
      const expected = new Map<string, number>();
      for (const op of operations) {
        const id = String(op.id);
        if (op.kind === 'set') {
          cache.set(id, image(op.sizeBytes));
          if (op.sizeBytes <= 100) expected.set(id, op.sizeBytes);
          else expected.delete(id);
        } else if (op.kind === 'delete') {
          cache.delete(id);
          expected.delete(id);
        } else {
          const held = cache.get(id);
          // The cache may have dropped it for room, but never hands out another id's image or size.
          if (held !== undefined) assert.equal(held.byteLength, expected.get(id));
        }
        assert.ok(cache.bytes <= bytesMax);
        let sum = 0;
        for (const candidate of expected.keys()) {
          const held = cache.get(candidate);
          if (held !== undefined) sum += held.byteLength + entry;
        }
        assert.equal(sum, cache.bytes);
      }
    }),
  );
});
