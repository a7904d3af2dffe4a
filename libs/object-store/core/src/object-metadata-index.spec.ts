import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compareUtf8, indexChunkEntryCountMax, isWellFormedUtf16, OrderedIndex } from './object-metadata-index.js';

const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const keyArbitrary = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', '/', '\u{e000}', '\u{ffff}', '\u{10000}', '\u{1f600}', 'é'), maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);

describe('compareUtf8', () => {
  it('orders by UTF-8 bytes, unlike UTF-16 code units, for astral characters', () => {
    assert.ok('\u{1f600}' < '\u{ffff}', 'JS string order puts the astral character first');
    assert.ok(compareUtf8('\u{1f600}', '\u{ffff}') > 0);
    assert.ok(compareUtf8('\u{e000}', '\u{10000}') < 0);
    assert.equal(compareUtf8('abc', 'abc'), 0);
    assert.ok(compareUtf8('ab', 'abc') < 0);
  });

  it('agrees in sign with Buffer.compare of the UTF-8 encodings', () => {
    fc.assert(
      fc.property(keyArbitrary, keyArbitrary, (a, b) => {
        assert.equal(Math.sign(compareUtf8(a, b)), Math.sign(utf8Order(a, b)));
      }),
      { numRuns: 2000 },
    );
  });

  it('recognises lone surrogates', () => {
    assert.equal(isWellFormedUtf16('a\u{1f600}b'), true);
    assert.equal(isWellFormedUtf16('a\ud800b'), false);
    assert.equal(isWellFormedUtf16('\udc00'), false);
    assert.equal(isWellFormedUtf16('\ud800'), false);
  });
});

describe('OrderedIndex', () => {
  it('matches a sorted-map model under random inserts and deletes, across chunk splits and merges', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3000 })), { minLength: 1, maxLength: 4000, size: 'max' }),
        (operations) => {
          const index = new OrderedIndex<number>();
          const model = new Map<string, number>();
          for (const [isInsert, number] of operations) {
            const key = `k${number.toString(36)}`;
            if (isInsert) {
              assert.equal(index.set(key, number), !model.has(key));
              model.set(key, number);
            } else {
              assert.equal(index.delete(key), model.delete(key));
            }
          }
          index.verify();
          const expected = [...model.entries()].sort(([a], [b]) => utf8Order(a, b));
          assert.deepEqual([...index.entries()], expected);
          assert.equal(index.size, model.size);
          for (const [key, value] of expected.slice(0, 50)) assert.equal(index.get(key), value);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('seeks to the first key at or after a bound, and past a prefix', () => {
    const index = new OrderedIndex<number>();
    const keys = Array.from({ length: indexChunkEntryCountMax * 3 }, (_, number) => `dir${number % 7}/file${String(number).padStart(5, '0')}`);
    for (const key of keys) index.set(key, 1);
    index.verify();
    const sorted = [...keys].sort(utf8Order);
    assert.equal(index.keyAt(index.seek('dir3/', { exclusive: false })), sorted.find((key) => key >= 'dir3/'));
    const after = index.seekBy((key) => !key.startsWith('dir3/') && compareUtf8(key, 'dir3/') > 0);
    assert.equal(index.keyAt(after), sorted.find((key) => key.startsWith('dir4/')));
    assert.ok(index.isEnd(index.seekBy(() => false)));
    assert.ok(index.isEnd(index.seek('zzz', { exclusive: false })));
    const exact = sorted[100]!;
    assert.equal(index.keyAt(index.seek(exact, { exclusive: true })), sorted[101]);
  });

  it('bulk-loads keys appended in order into full chunks, refuses keys not above the last, and then takes any operation', () => {
    fc.assert(
      fc.property(fc.uniqueArray(keyArbitrary, { maxLength: 3000 }), fc.array(fc.tuple(fc.boolean(), keyArbitrary), { maxLength: 600 }), (keys, operations) => {
        const sorted = [...keys].sort(utf8Order);
        const index = new OrderedIndex<string>();
        for (const key of sorted) assert.ok(index.appendInOrder(key, key));
        if (sorted.length > 0) {
          assert.equal(index.appendInOrder(sorted[sorted.length - 1]!, 'again'), false, 'an equal key is refused');
          assert.equal(index.appendInOrder(sorted[0]!, 'again'), false, 'a lower (or, alone, equal) key is refused');
        }
        index.verify();
        assert.deepEqual([...index.entries()].map(([key]) => key), sorted);
        const model = new Map(sorted.map((key) => [key, key]));
        for (const [isInsert, key] of operations) {
          if (isInsert) {
            assert.equal(index.set(key, key), !model.has(key));
            model.set(key, key);
          } else {
            assert.equal(index.delete(key), model.delete(key));
          }
        }
        index.verify();
        assert.deepEqual([...index.entries()], [...model.entries()].sort(([a], [b]) => utf8Order(a, b)));
      }),
      { numRuns: 60 },
    );
  });

  it('keeps working when emptied and refilled', () => {
    const index = new OrderedIndex<string>();
    for (let round = 0; round < 2; round++) {
      for (let number = 0; number < 2000; number++) index.set(`key${number}`, 'v');
      for (let number = 0; number < 2000; number++) assert.ok(index.delete(`key${number}`));
      index.verify();
      assert.equal(index.size, 0);
      assert.ok(index.isEnd(index.first()));
    }
  });
});
