import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { formatProgress, Progress } from './s3-progress.js';

test('the progress text is aws s3’s', () => {
  assert.equal(formatProgress(5 * 1024 * 1024, 20 * 1024 * 1024, 12.3 * 1024 * 1024, 1), 'Completed 5.0 MiB/20.0 MiB (12.3 MiB/s) with 1 file(s) remaining');
  assert.equal(formatProgress(3, undefined, 16, 1), 'Completed 3 Bytes (16 Bytes/s) with 1 file(s) remaining');
});

test('on a TTY the line is redrawn in place and result lines overwrite it', () => {
  let clock = 0;
  let out = '';
  const progress = new Progress({ live: true, results: true, write: (text) => (out += text), now: () => clock });
  progress.addFile(2048);
  clock = 1000;
  progress.addBytes(1024);
  assert.equal(out, '\rCompleted 1.0 KiB/2.0 KiB (1.0 KiB/s) with 1 file(s) remaining');
  out = '';
  progress.addBytes(1024);
  progress.fileDone('upload: a to s3://b/a');
  progress.finish();
  assert.equal(out, `\r${'upload: a to s3://b/a'.padEnd(62)}\n`);
});

test('off a TTY only result lines are printed; --quiet prints nothing', () => {
  let out = '';
  const plain = new Progress({ live: false, results: true, write: (text) => (out += text) });
  plain.addFile(1);
  plain.addBytes(1);
  plain.fileDone('upload: a to s3://b/a');
  plain.finish();
  assert.equal(out, 'upload: a to s3://b/a\n');
  out = '';
  const quiet = new Progress({ live: false, results: false, write: (text) => (out += text) });
  quiet.addFile(1);
  quiet.fileDone('upload: a to s3://b/a');
  assert.equal(out, '');
});
