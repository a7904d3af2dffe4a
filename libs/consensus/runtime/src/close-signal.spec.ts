/**
 * Goal: a race settles with its promise's outcome, or with 'closed' when the signal closes first
 * (also for races started after close), and a settled race leaves nothing attached to the signal:
 * its value is collectable while the signal stays open (what Promise.race against a never-settling
 * promise does not give: the value stays reachable until that promise settles).
 * Method: direct calls; collectability through a WeakRef and V8's gc() enabled at run time.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CloseSignal } from './close-signal.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('a race settles with its promise value or error while open', async () => {
  const signal = new CloseSignal();
  assert.equal(await signal.race(Promise.resolve(7)), 7);
  await assert.rejects(signal.race(Promise.reject(new Error('boom'))), /boom/);
  assert.equal(signal.waitingCount, 0);
  assert.equal(signal.closed, false);
});

test('close settles pending races with closed, and later races at once', async () => {
  const signal = new CloseSignal();
  const never = new Promise<number>(() => undefined);
  const pending = [signal.race(never), signal.race(never)];
  assert.equal(signal.waitingCount, 2);
  signal.close();
  signal.close();
  assert.deepEqual(await Promise.all(pending), ['closed', 'closed']);
  assert.equal(await signal.race(Promise.resolve(1)), 'closed');
  assert.equal(signal.waitingCount, 0);
  assert.equal(signal.closed, true);
});

test('a settled race keeps nothing reachable from the open signal', async () => {
  const signal = new CloseSignal();
  const refs: Array<WeakRef<object>> = [];
  for (let round = 0; round < 100; round++) {
    const value = { payload: new Uint8Array(1024) };
    refs.push(new WeakRef(value));
    assert.equal(await signal.race(Promise.resolve(value)), value);
  }
  // Let the engine drop its own references (microtask jobs, the last awaited result) first.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  assert.equal(signal.waitingCount, 0);
  assert.ok(refs.filter((ref) => ref.deref() !== undefined).length <= 1, 'raced values stay reachable');
});

test('a race begun after close answers closed and leaves no unhandled rejection when its promise fails later', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const signal = new CloseSignal();
    signal.close();
    let fail!: (error: Error) => void;
    const late = new Promise<number>((_, reject) => (fail = reject));
    assert.equal(await signal.race(late), 'closed');
    fail(new Error('stream closed early'));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
