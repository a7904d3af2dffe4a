import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { planSync, type SyncEntry } from './s3-sync-plan.js';

const at = (relative: string, size: number, seconds: number): SyncEntry => ({ relative, size, mtimeMs: seconds * 1000 });

test('upload: new files, changed sizes and newer local files go; same or older stay', () => {
  const local = [at('new.txt', 1, 100), at('size.txt', 2, 100), at('newer.txt', 3, 200), at('same.txt', 4, 100), at('older.txt', 5, 100)];
  const remote = [at('size.txt', 9, 300), at('newer.txt', 3, 150), at('same.txt', 4, 100), at('older.txt', 5, 150), at('gone.txt', 1, 1)];
  const plan = planSync(local, remote, { direction: 'upload', delete: false });
  assert.deepEqual(
    plan.transfers.map(({ entry, reason }) => [entry.relative, reason]),
    [
      ['new.txt', 'new'],
      ['size.txt', 'size'],
      ['newer.txt', 'time'],
    ],
  );
  assert.deepEqual(plan.deletes, []);
});

test('--delete removes destination entries the source lacks', () => {
  const plan = planSync([at('a', 1, 1)], [at('a', 1, 1), at('b', 1, 1), at('dir/c', 1, 1)], { direction: 'upload', delete: true });
  assert.deepEqual(plan.transfers, []);
  assert.deepEqual(
    plan.deletes.map((entry) => entry.relative),
    ['b', 'dir/c'],
  );
});

test('times compare in whole seconds: a file written in its upload second is not newer', () => {
  const plan = planSync([{ relative: 'a', size: 1, mtimeMs: 100_700 }], [{ relative: 'a', size: 1, mtimeMs: 100_000 }], { direction: 'upload', delete: false });
  assert.deepEqual(plan.transfers, []);
});

test('download: only a newer local file or a size change counts (as aws without --exact-timestamps)', () => {
  const remote = [at('same', 1, 100), at('remote-newer', 1, 200), at('local-newer', 1, 100), at('size', 2, 100)];
  const local = [at('same', 1, 100), at('remote-newer', 1, 100), at('local-newer', 1, 200), at('size', 1, 100)];
  const plan = planSync(remote, local, { direction: 'download', delete: false });
  assert.deepEqual(
    plan.transfers.map(({ entry, reason }) => [entry.relative, reason]),
    [
      ['local-newer', 'time'],
      ['size', 'size'],
    ],
  );
  const exact = planSync(remote, local, { direction: 'download', delete: false, exactTimestamps: true });
  assert.deepEqual(
    exact.transfers.map(({ entry }) => entry.relative),
    ['remote-newer', 'local-newer', 'size'],
  );
});

test('copy between buckets compares like upload; --size-only ignores times', () => {
  assert.equal(planSync([at('a', 1, 200)], [at('a', 1, 100)], { direction: 'copy', delete: false }).transfers.length, 1);
  assert.equal(planSync([at('a', 1, 200)], [at('a', 1, 100)], { direction: 'copy', delete: false, sizeOnly: true }).transfers.length, 0);
});
