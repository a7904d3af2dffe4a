/**
 * OrderedMap and KvStateStore against a slow, obvious model (a JS Map plus sort), driven by random
 * operation sequences from fast-check; snapshot payloads round trip and reject damage.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isStorageError } from './errors.js';
import { OrderedMap } from './ordered-map.js';
import { KvStateStore, stringValueBytesMax } from './state-store.js';

type Operation = { kind: 'put'; key: number; value: number } | { kind: 'delete'; key: number };

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key: fc.integer({ min: 0, max: 200 }), value: fc.integer() }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 200 }) }),
);

test('OrderedMap behaves like a sorted Map under random operations', () => {
  fc.assert(
    fc.property(fc.array(operationArbitrary, { maxLength: 300 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }), (operations, start, end) => {
      const map = new OrderedMap<number, number>({ compare: (a, b) => a - b, seed: 1 });
      const model = new Map<number, number>();
      for (const operation of operations) {
        if (operation.kind === 'put') {
          map.put(operation.key, operation.value);
          model.set(operation.key, operation.value);
        } else {
          assert.equal(map.delete(operation.key), model.delete(operation.key));
        }
      }
      const sorted = [...model.entries()].sort((a, b) => a[0] - b[0]);
      assert.equal(map.size, model.size);
      assert.deepEqual([...map.entries()], sorted);
      assert.deepEqual([...map.range({ start, end })], sorted.filter(([key]) => key >= start && key < end));
      assert.deepEqual([...map.range({ start, limit: 3 })], sorted.filter(([key]) => key >= start).slice(0, 3));
      for (let key = 0; key <= 200; key += 17) assert.equal(map.get(key), model.get(key));
    }),
    { seed: 11, numRuns: 300 },
  );
});

test('OrderedMap handles 100k sequential inserts and deletes (O(log n) operations)', () => {
  const map = new OrderedMap<number, number>({ compare: (a, b) => a - b });
  for (let key = 0; key < 100_000; key++) map.put(key, key);
  for (let key = 0; key < 100_000; key += 2) map.delete(key);
  assert.equal(map.size, 50_000);
  assert.deepEqual([...map.range({ start: 99_990 })].map(([key]) => key), [99_991, 99_993, 99_995, 99_997, 99_999]);
});

test('KvStateStore snapshot payload round trips deterministically and rejects damage', () => {
  const store = new KvStateStore();
  store.put(Buffer.from('bucket/b'), Buffer.from('2'));
  store.put(Buffer.from('bucket/a'), Buffer.from('1'));
  store.put(Buffer.from('user/x'), Buffer.alloc(0));
  store.delete(Buffer.from('user/x'));
  const payload = store.toSnapshotPayload();
  const restored = KvStateStore.fromSnapshotPayload(payload);
  assert.deepEqual(restored.toSnapshotPayload(), payload);
  assert.deepEqual(
    [...restored.range({ start: Buffer.from('bucket/'), end: Buffer.from('bucket0') })].map(([key, value]) => `${key}=${value}`),
    ['bucket/a=1', 'bucket/b=2'],
  );
  for (let length = 0; length < payload.length; length++) {
    assert.throws(() => KvStateStore.fromSnapshotPayload(payload.subarray(0, length)), (error: unknown) => isStorageError(error));
  }
});

test('OrderedMap.putAscending of absent keys into a populated map equals put one by one', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 2000 }), { maxLength: 300 }), fc.integer({ min: 0, max: 300 }), (keys, split) => {
      const map = new OrderedMap<number, number>({ compare: (a, b) => a - b, seed: 3 });
      const present = keys.slice(0, split);
      for (const key of present) map.put(key, key);
      const added = keys.slice(split).sort((a, b) => a - b);
      map.putAscending(added.map((key) => [key, -key]));
      const expected = [...present.map((key): [number, number] => [key, key]), ...added.map((key): [number, number] => [key, -key])].sort((a, b) => a[0] - b[0]);
      assert.equal(map.size, expected.length);
      assert.deepEqual([...map.entries()], expected);
      for (const [key, value] of expected) assert.equal(map.get(key), value);
    }),
    { seed: 12, numRuns: 300 },
  );
  const map = new OrderedMap<number, number>({ compare: (a, b) => a - b });
  map.put(5, 5);
  assert.throws(() => map.putAscending([[2, 2], [1, 1]]), /ascending/);
  assert.throws(() => map.putAscending([[5, 5]]), /absent/);
});

test('KvStateStore with ordered reads between random puts and deletes (keys wait unordered until then) matches a sorted model', () => {
  type StoreOperation = Operation | { kind: 'range'; key: number };
  const storeOperation: fc.Arbitrary<StoreOperation> = fc.oneof(operationArbitrary, fc.record({ kind: fc.constant('range' as const), key: fc.integer({ min: 0, max: 200 }) }));
  const bytes = (key: number) => Buffer.from(`k${String(key).padStart(3, '0')}`);
  fc.assert(
    fc.property(fc.array(storeOperation, { maxLength: 300 }), (operations) => {
      const store = new KvStateStore();
      const model = new Map<string, number>();
      const sorted = () => [...model.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([key, value]) => [key, value]);
      for (const operation of operations) {
        if (operation.kind === 'put') {
          store.put(bytes(operation.key), Buffer.from([operation.value & 0xff]));
          model.set(bytes(operation.key).toString(), operation.value & 0xff);
        } else if (operation.kind === 'delete') {
          assert.equal(store.delete(bytes(operation.key)), model.delete(bytes(operation.key).toString()));
        } else {
          const from = bytes(operation.key).toString();
          assert.deepEqual([...store.range({ start: bytes(operation.key), limit: 5 })].map(([key, value]) => [key.toString(), value[0]]), sorted().filter(([key]) => (key as string) >= from).slice(0, 5));
        }
        assert.equal(store.size, model.size);
      }
      assert.deepEqual([...store.range()].map(([key, value]) => [key.toString(), value[0]]), sorted());
      assert.deepEqual([...KvStateStore.fromSnapshotPayload(store.toSnapshotPayload()).range()].map(([key, value]) => [key.toString(), value[0]]), sorted());
      const payload = store.toSnapshotPayload();
      for (const pieceBytes of [1, 7, 64, 1024 * 1024]) {
        const pieces = [...store.snapshotPayloadPieces(pieceBytes)];
        assert.deepEqual(Buffer.concat(pieces), payload, `pieces of ${pieceBytes} bytes make the same image`);
        assert.ok(pieces.every((piece) => piece.length > 0));
      }
    }),
    { seed: 13, numRuns: 300 },
  );
});

test('KvStateStore.captureImage gives the image of the state at the call, however the store changes before the pieces are taken', () => {
  const bytes = (key: number) => Buffer.from(`k${String(key).padStart(5, '0')}`);
  fc.assert(
    fc.property(fc.array(operationArbitrary, { maxLength: 200 }), fc.array(operationArbitrary, { maxLength: 200 }), (before, after) => {
      const store = new KvStateStore();
      const apply = (operation: Operation): void => {
        if (operation.kind === 'put') store.put(bytes(operation.key), Buffer.from([operation.value & 0xff]));
        else if (operation.kind === 'delete') store.delete(bytes(operation.key));
      };
      before.forEach(apply);
      const expected = store.toSnapshotPayload();
      const captured = store.captureImage(16);
      after.forEach(apply);
      assert.deepEqual(Buffer.concat([...captured]), expected);
    }),
    { seed: 14, numRuns: 200 },
  );
});

test('KvStateStore sorts new keys in as they accumulate past the unordered limit, and stays ordered', () => {
  const store = new KvStateStore();
  const model = new Map<string, number>();
  // A fixed permutation of 5,000 keys, with deletes and re-puts among them: several sorts happen
  // on put, between which the earlier keys are already in the skip list.
  for (let step = 0; step < 5000; step++) {
    const key = `k${String((step * 7919) % 5000).padStart(5, '0')}`;
    store.put(Buffer.from(key), Buffer.from([step & 0xff]));
    model.set(key, step & 0xff);
    if (step % 3 === 0) {
      const gone = `k${String((step * 104_729) % 5000).padStart(5, '0')}`;
      assert.equal(store.delete(Buffer.from(gone)), model.delete(gone));
    }
  }
  const sorted = [...model.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  assert.deepEqual([...store.range()].map(([key, value]) => [key.toString(), value[0]]), sorted);
  assert.deepEqual([...KvStateStore.fromSnapshotPayload(store.toSnapshotPayload()).range()].map(([key, value]) => [key.toString(), value[0]]), sorted);
});

test('KvStateStore keeps values byte for byte (every byte value, empty, long) and hands out copies', () => {
  const store = new KvStateStore();
  const everyByte = Uint8Array.from({ length: 256 }, (_, index) => 255 - index);
  const long = Buffer.alloc(70_000, 0xc3);
  const source = Buffer.from(everyByte);
  store.put(Buffer.from('a'), source);
  store.put(Buffer.from('b'), new Uint8Array(0));
  store.put(new Uint8Array([0xff, 0x00]), long.subarray(1));
  source.fill(0);
  assert.deepEqual(store.get(Buffer.from('a')), Buffer.from(everyByte));
  store.get(Buffer.from('a'))!.fill(1);
  assert.deepEqual(store.get(Buffer.from('a')), Buffer.from(everyByte), 'a returned value is a copy');
  assert.equal(store.get(Buffer.from('b'))!.length, 0);
  assert.deepEqual(store.get(Buffer.from([0xff, 0x00])), long.subarray(1));
  const restored = KvStateStore.fromSnapshotPayload(store.toSnapshotPayload());
  assert.deepEqual([...restored.range()], [...store.range()]);
  assert.deepEqual([...restored.range()].map(([key, value]) => [[...key], value.length]), [[[0x61], 256], [[0x62], 0], [[0xff, 0x00], 69_999]]);
});

test('KvStateStore keeps short values as strings and long ones in buffers of their own, both copied in and out and imaged at capture time', () => {
  const store = new KvStateStore();
  const lengths = [stringValueBytesMax - 1, stringValueBytesMax, stringValueBytesMax + 1, 100_000];
  const valueOf = (length: number, fill: number) => Buffer.from(Uint8Array.from({ length }, (_, index) => (index * 7 + fill) & 0xff));
  const sources = lengths.map((length) => valueOf(length, 1));
  sources.forEach((source, position) => store.put(Buffer.from([position]), source));
  const pieces = store.captureImage(1024);
  for (const source of sources) source.fill(0);
  lengths.forEach((length, position) => {
    const stored = store.get(Buffer.from([position]))!;
    assert.deepEqual(stored, valueOf(length, 1), `length ${length}: the stored value is a copy of what was put`);
    stored.fill(9);
    assert.deepEqual(store.get(Buffer.from([position])), valueOf(length, 1), `length ${length}: a returned value is a copy`);
    store.put(Buffer.from([position]), valueOf(length, 2));
  });
  const captured = KvStateStore.fromSnapshotPayload(Buffer.concat([...pieces]));
  assert.deepEqual([...captured.range()].map(([, value]) => value), lengths.map((length) => valueOf(length, 1)), 'the image is of the state at capture');
  assert.deepEqual([...KvStateStore.fromSnapshotPayload(store.toSnapshotPayload()).range()].map(([, value]) => value), lengths.map((length) => valueOf(length, 2)));
});

test('KvStateStore.valueEquals compares a stored value byte for byte, short or long, and absence', () => {
  const store = new KvStateStore();
  const short = Buffer.from([0, 255, 128, 1]);
  const long = Buffer.alloc(stringValueBytesMax + 1, 0xab);
  store.put(Buffer.from('short'), short);
  store.put(Buffer.from('long'), long);
  store.put(Buffer.from('empty'), new Uint8Array(0));
  assert.equal(store.valueEquals(Buffer.from('short'), Uint8Array.from(short)), true);
  assert.equal(store.valueEquals(Buffer.from('short'), Buffer.from([0, 255, 128, 2])), false);
  assert.equal(store.valueEquals(Buffer.from('short'), Buffer.from([0, 255, 128])), false);
  assert.equal(store.valueEquals(Buffer.from('long'), Buffer.from(long)), true);
  const longOther = Buffer.from(long);
  longOther[long.length - 1] = 0;
  assert.equal(store.valueEquals(Buffer.from('long'), longOther), false);
  assert.equal(store.valueEquals(Buffer.from('empty'), new Uint8Array(0)), true);
  assert.equal(store.valueEquals(Buffer.from('empty'), undefined), false);
  assert.equal(store.valueEquals(Buffer.from('absent'), undefined), true);
  assert.equal(store.valueEquals(Buffer.from('absent'), new Uint8Array(0)), false);
});
