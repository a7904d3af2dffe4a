/**
 * CacheList against a plain array model (fast-check, fixed seed): after every operation the elements,
 * the length, the memory estimate and the encoding agree with the model, and a clone taken along the
 * way is unaffected by later operations. Plus the ring buffer's wrap-around, growth and shrinking, and
 * the listpack/quicklist thresholds.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cacheCollectionElementOverheadBytes } from './cache-collection-size.js';
import { CacheList, cacheListListpackBytesMax, listpackEntryBytes } from './cache-list.js';

function strings(list: CacheList): string[] {
  return list.toArray().map((element) => element.toString('latin1'));
}

function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** What the encoding should be, replaying the model's history (Redis 7.2 conversion rules). */
function expectedSizeBytes(model: readonly Buffer[]): number {
  return model.reduce((sum, element) => sum + element.byteLength + cacheCollectionElementOverheadBytes, 0);
}

function listpackBytesOf(model: readonly Buffer[]): number {
  return model.reduce((sum, element) => sum + listpackEntryBytes(element.byteLength), 7);
}

type Operation =
  | { kind: 'pushHead' | 'pushTail'; element: Buffer }
  | { kind: 'popHead' | 'popTail' }
  | { kind: 'set' | 'insert'; position: number; element: Buffer }
  | { kind: 'removeMatching'; element: Buffer; countMax: number }
  | { kind: 'clone' };

const elementArbitrary = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('a', 'b', '', 'c\u0000', '\u00ff').map(bytes) },
  { weight: 1, arbitrary: fc.constantFrom(100, 3000, 5000).map((length) => Buffer.alloc(length, 'x')) },
);

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constantFrom('pushHead' as const, 'pushTail' as const), element: elementArbitrary }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('popHead' as const, 'popTail' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constantFrom('set' as const, 'insert' as const), position: fc.nat(), element: elementArbitrary }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeMatching' as const), element: elementArbitrary, countMax: fc.integer({ min: -3, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clone' as const) }) },
);

function applyToModel(model: Buffer[], operation: Operation): void {
  switch (operation.kind) {
    case 'pushHead':
      model.unshift(operation.element);
      return;
    case 'pushTail':
      model.push(operation.element);
      return;
    case 'popHead':
      model.shift();
      return;
    case 'popTail':
      model.pop();
      return;
    case 'set':
      if (model.length > 0) model[operation.position % model.length] = operation.element;
      return;
    case 'insert':
      model.splice(operation.position % (model.length + 1), 0, operation.element);
      return;
    case 'removeMatching': {
      const limit = operation.countMax === 0 ? Infinity : Math.abs(operation.countMax);
      const order = [...model.keys()];
      if (operation.countMax < 0) order.reverse();
      const removed = new Set<number>();
      for (const index of order) if (removed.size < limit && (model[index] as Buffer).equals(operation.element)) removed.add(index);
      const kept = model.filter((_, index) => !removed.has(index));
      model.splice(0, model.length, ...kept);
      return;
    }
    case 'clone':
      return;
  }
}

test('CacheList matches an array model (property)', () => {
  fc.assert(
    fc.property(fc.array(operationArbitrary, { maxLength: 400, size: 'max' }), (operations) => {
      const list = new CacheList();
      const model: Buffer[] = [];
      const clones: { list: CacheList; elements: string[] }[] = [];
      let quicklist = false;
      for (const operation of operations) {
        switch (operation.kind) {
          case 'pushHead':
            list.pushHead(operation.element);
            break;
          case 'pushTail':
            list.pushTail(operation.element);
            break;
          case 'popHead':
            assert.equal(list.popHead()?.toString('latin1'), model[0]?.toString('latin1'));
            break;
          case 'popTail':
            assert.equal(list.popTail()?.toString('latin1'), model.at(-1)?.toString('latin1'));
            break;
          case 'set':
            if (list.length > 0) list.set(operation.position % list.length, operation.element);
            break;
          case 'insert':
            list.insert(operation.position % (list.length + 1), operation.element);
            break;
          case 'removeMatching': {
            const before = model.length;
            const removedCount = list.removeMatching(operation.element, operation.countMax);
            applyToModel(model, operation);
            assert.equal(removedCount, before - model.length);
            break;
          }
          case 'clone':
            clones.push({ list: list.clone(), elements: strings(list) });
            break;
        }
        if (operation.kind !== 'removeMatching') applyToModel(model, operation);
        assert.deepEqual(strings(list), model.map((element) => element.toString('latin1')));
        assert.equal(list.length, model.length);
        for (let index = 0; index < model.length; index++) assert.ok(list.at(index).equals(model[index] as Buffer));
        assert.equal(list.sizeBytes, expectedSizeBytes(model));
        const listpackBytes = listpackBytesOf(model);
        if (listpackBytes > cacheListListpackBytesMax) quicklist = true;
        if (listpackBytes * 2 <= cacheListListpackBytesMax) quicklist = false;
        assert.equal(list.encoding, quicklist ? 'quicklist' : 'listpack');
      }
      for (const clone of clones) assert.deepEqual(strings(clone.list), clone.elements);
    }),
    { seed: 20240607, numRuns: 300 },
  );
});

test('the ring buffer wraps, grows and shrinks', () => {
  const list = new CacheList();
  for (let round = 0; round < 3; round++) {
    for (let index = 0; index < 1000; index++) {
      if (index % 2 === 0) list.pushHead(bytes(String(index)));
      else list.pushTail(bytes(String(index)));
    }
    assert.equal(list.length, 1000);
    assert.equal(list.at(0).toString(), '998');
    assert.equal(list.at(999).toString(), '999');
    assert.equal(list.at(500).toString(), '1');
    for (let index = 0; index < 1000; index++) assert.ok((index % 2 === 0 ? list.popTail() : list.popHead()) !== undefined);
    assert.equal(list.length, 0);
    assert.equal(list.popHead(), undefined);
    assert.equal(list.popTail(), undefined);
    assert.equal(list.sizeBytes, 0);
  }
});

test('insert moves the shorter side and keeps order across the wrap', () => {
  const list = CacheList.from(['c', 'd', 'e'].map(bytes));
  list.pushHead(bytes('b'));
  list.pushHead(bytes('a'));
  list.insert(1, bytes('x'));
  list.insert(5, bytes('y'));
  list.insert(7, bytes('z'));
  list.insert(0, bytes('w'));
  assert.deepEqual(strings(list), ['w', 'a', 'x', 'b', 'c', 'd', 'y', 'e', 'z']);
  assert.equal(list.indexOf(bytes('c')), 4);
  assert.equal(list.indexOf(bytes('q')), -1);
  assert.deepEqual(list.slice(2, 4).map(String), ['x', 'b']);
});

test('encoding: listpack up to 8 KiB, quicklist beyond, back to listpack at half', () => {
  const list = new CacheList();
  assert.equal(list.encoding, 'listpack');
  list.pushTail(Buffer.alloc(8000, 'a'));
  assert.equal(list.encoding, 'listpack');
  list.pushTail(Buffer.alloc(200, 'b'));
  assert.equal(list.encoding, 'quicklist');
  list.popHead();
  assert.equal(list.encoding, 'listpack');
  const many = new CacheList();
  for (let index = 0; index < 4000; index++) many.pushTail(bytes('x'));
  assert.equal(many.encoding, 'quicklist');
  while (many.length > 1364) many.popTail();
  assert.equal(many.encoding, 'quicklist');
  many.popTail();
  assert.equal(many.encoding, 'listpack');
  const single = CacheList.from([Buffer.alloc(9000)]);
  assert.equal(single.encoding, 'quicklist');
});

test('listpackEntryBytes follows the listpack string encodings', () => {
  assert.equal(listpackEntryBytes(0), 2);
  assert.equal(listpackEntryBytes(63), 65);
  assert.equal(listpackEntryBytes(64), 67);
  assert.equal(listpackEntryBytes(4095), 4099);
  assert.equal(listpackEntryBytes(4096), 4103);
});

test('clone is independent and shares nothing mutable', () => {
  const list = CacheList.from(['a', 'b', 'c'].map(bytes));
  const copy = list.clone();
  list.popHead();
  list.set(0, bytes('x'));
  copy.pushTail(bytes('d'));
  assert.deepEqual(strings(list), ['x', 'c']);
  assert.deepEqual(strings(copy), ['a', 'b', 'c', 'd']);
  assert.equal(copy.sizeBytes, 4 + 4 * cacheCollectionElementOverheadBytes);
});
