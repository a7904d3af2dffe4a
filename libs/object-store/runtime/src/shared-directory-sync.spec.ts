/**
 * Goal: SharedDirectorySync covers every caller with a directory sync that started after its call,
 * shares syncs between concurrent callers, keeps directories apart, and passes failures on.
 * Method: a fake sync whose completions the test releases one by one, recording start order.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { SharedDirectorySync } from './shared-directory-sync.js';

/** A fake fsync: records each start and finishes when the test says. */
class ControlledSyncs {
  readonly started: { directory: string; finish: (error?: Error) => void }[] = [];
  readonly sync = (directory: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      this.started.push({ directory, finish: (error) => (error === undefined ? resolve() : reject(error)) });
    });
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('callers during a running sync share the next one, which starts only after it', async () => {
  const syncs = new ControlledSyncs();
  const shared = new SharedDirectorySync(syncs.sync);
  const settled: string[] = [];
  const first = shared.sync('/d').then(() => settled.push('first'));
  const second = shared.sync('/d').then(() => settled.push('second'));
  const third = shared.sync('/d').then(() => settled.push('third'));
  await turn();
  assert.equal(syncs.started.length, 1, 'the second and third wait for a sync that starts after the running one');
  syncs.started[0]!.finish();
  await first;
  await turn();
  assert.deepEqual(settled, ['first']);
  assert.equal(syncs.started.length, 2, 'one more sync for both waiting callers');
  syncs.started[1]!.finish();
  await Promise.all([second, third]);
  assert.deepEqual(settled, ['first', 'second', 'third']);
  // Idle again: the next caller starts a sync at once.
  const fourth = shared.sync('/d');
  assert.equal(syncs.started.length, 3);
  syncs.started[2]!.finish();
  await fourth;
});

test('directories are synced independently', async () => {
  const syncs = new ControlledSyncs();
  const shared = new SharedDirectorySync(syncs.sync);
  const a = shared.sync('/a');
  const b = shared.sync('/b');
  assert.deepEqual(
    syncs.started.map((started) => started.directory),
    ['/a', '/b'],
  );
  for (const started of syncs.started) started.finish();
  await Promise.all([a, b]);
});

test('a failed sync rejects its callers; the waiting ones get a fresh sync', async () => {
  const syncs = new ControlledSyncs();
  const shared = new SharedDirectorySync(syncs.sync);
  const failing = shared.sync('/d');
  const waiting = shared.sync('/d');
  syncs.started[0]!.finish(new Error('EIO'));
  await assert.rejects(failing, /EIO/);
  await turn();
  assert.equal(syncs.started.length, 2);
  syncs.started[1]!.finish();
  await waiting;
});

test('a caller arriving between the end of a sync and the start of the queued one joins the queued one', async () => {
  const syncs = new ControlledSyncs();
  const shared = new SharedDirectorySync(syncs.sync);
  const first = shared.sync('/d');
  // Reacts to the first sync's end before the queued sync starts (its reaction is registered first).
  let late: Promise<void> | undefined;
  void first.then(() => {
    late = shared.sync('/d');
  });
  const queued = shared.sync('/d');
  syncs.started[0]!.finish();
  await first;
  await turn();
  assert.equal(syncs.started.length, 2, 'one queued sync for both, not a third running alongside it');
  syncs.started[1]!.finish();
  await Promise.all([queued, late]);
});
