import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  checkChunkSize,
  copyKey,
  downloadPath,
  parseBucketArgument,
  parseExpiresIn,
  parseMetadata,
  partSizeFor,
  planSyncPaths,
  planTransfer,
  recursivePrefix,
  safeRelativePath,
  uploadKey,
} from './s3-plan.js';
import { parseS3Uri, UsageError } from './s3-uri.js';

test('S3 URIs: bucket and key; anything else is refused', () => {
  assert.deepEqual(parseS3Uri('s3://b'), { bucket: 'b', key: '' });
  assert.deepEqual(parseS3Uri('s3://b/'), { bucket: 'b', key: '' });
  assert.deepEqual(parseS3Uri('s3://b/a/b/c.txt'), { bucket: 'b', key: 'a/b/c.txt' });
  assert.deepEqual(parseS3Uri('S3://b/dir/'), { bucket: 'b', key: 'dir/' });
  assert.throws(() => parseS3Uri('s3://'), UsageError);
  assert.throws(() => parseS3Uri('s3:///key'), UsageError);
  assert.throws(() => parseS3Uri('/tmp/x'), UsageError);
});

test('cp and mv: the transfer kind follows from the two paths', () => {
  assert.equal(planTransfer('cp', 'a.txt', 's3://b/k', { recursive: false }).kind, 'upload');
  assert.equal(planTransfer('cp', 's3://b/k', '.', { recursive: false }).kind, 'download');
  assert.equal(planTransfer('cp', 's3://b/k', 's3://c/k', { recursive: false }).kind, 'copy');
  assert.equal(planTransfer('cp', '-', 's3://b/k', { recursive: false }).kind, 'upload-stream');
  assert.equal(planTransfer('cp', 's3://b/k', '-', { recursive: false }).kind, 'download-stream');
  assert.equal(planTransfer('cp', 's3://b', 'dir', { recursive: true }).kind, 'download');
});

test('cp and mv: impossible combinations are usage errors naming the problem', () => {
  const refused: [string, string, string, boolean, RegExp][] = [
    ['cp', 'a', 'b', false, /at least one of the paths must be an S3 URI/],
    ['cp', '-', 's3://b/k', true, /--recursive cannot be used with -/],
    ['cp', '-', 's3://b/dir/', false, /needs a full object key/],
    ['cp', '-', 'local', false, /needs an S3 URI on the other side/],
    ['cp', 's3://b/', '-', false, /names no object/],
    ['mv', '-', 's3://b/k', false, /mv cannot read from stdin/],
    ['cp', 's3://b/dir/', '.', false, /use --recursive/],
    ['cp', 's3://', '.', false, /names no bucket/],
  ];
  for (const [command, source, destination, recursive, message] of refused) {
    assert.throws(() => planTransfer(command as 'cp' | 'mv', source, destination, { recursive }), (error: unknown) => error instanceof UsageError && message.test(error.message), `${source} ${destination}`);
  }
});

test('sync: direction from the paths; two local paths are refused', () => {
  assert.equal(planSyncPaths('dir', 's3://b/p').direction, 'upload');
  assert.equal(planSyncPaths('s3://b/p', 'dir').direction, 'download');
  assert.equal(planSyncPaths('s3://b/p', 's3://c').direction, 'copy');
  assert.throws(() => planSyncPaths('a', 'b'), UsageError);
  assert.throws(() => planSyncPaths('-', 's3://b'), UsageError);
});

test('destination names: a key or path ending in / (or a directory) takes the source name', () => {
  assert.equal(uploadKey('dir/a.txt', ''), 'a.txt');
  assert.equal(uploadKey('dir/a.txt', 'p/'), 'p/a.txt');
  assert.equal(uploadKey('dir/a.txt', 'p/b.txt'), 'p/b.txt');
  assert.equal(copyKey('x/y.bin', 'dst/'), 'dst/y.bin');
  assert.equal(copyKey('x/y.bin', 'z.bin'), 'z.bin');
  assert.equal(downloadPath('x/y.bin', 'out', true), 'out/y.bin');
  assert.equal(downloadPath('x/y.bin', 'out/', false), 'out/y.bin');
  assert.equal(downloadPath('x/y.bin', 'out.bin', false), 'out.bin');
});

test('recursive prefixes are directories and keys never escape the destination', () => {
  assert.equal(recursivePrefix({ bucket: 'b', key: 'p' }), 'p/');
  assert.equal(recursivePrefix({ bucket: 'b', key: '' }), '');
  assert.equal(safeRelativePath('p/a/b.txt', 'p/'), 'a/b.txt');
  for (const key of ['p/../../etc/passwd', 'p/a/../b', 'p/./a', 'p//a', 'p/dir/', 'p/', 'q/a', 'p/a\0b']) assert.equal(safeRelativePath(key, 'p/'), undefined, key);
});

test('--metadata takes key=value pairs or JSON', () => {
  assert.deepEqual(parseMetadata('a=1,b=two=2'), { a: '1', b: 'two=2' });
  assert.deepEqual(parseMetadata('{"a":"1","b":"x,y"}'), { a: '1', b: 'x,y' });
  for (const bad of ['=x', 'novalue', '{"a":1}', '{bad', '[]']) assert.throws(() => parseMetadata(bad), UsageError, bad);
});

test('--expires-in: 1 s to 7 days', () => {
  assert.equal(parseExpiresIn('3600'), 3600);
  assert.equal(parseExpiresIn('604800'), 604800);
  for (const bad of ['0', '604801', '-5', '1.5', 'soon']) assert.throws(() => parseExpiresIn(bad), UsageError, bad);
});

test('bucket arguments, chunk sizes and part sizes', () => {
  assert.equal(parseBucketArgument('mb', 's3://b'), 'b');
  assert.equal(parseBucketArgument('mb', 's3://b/'), 'b');
  assert.throws(() => parseBucketArgument('mb', 's3://b/k'), /takes a bucket/);
  assert.throws(() => parseBucketArgument('mb', 'b'), UsageError);
  assert.equal(checkChunkSize(8 * 1024 * 1024), 8 * 1024 * 1024);
  assert.throws(() => checkChunkSize(1024), UsageError);
  assert.equal(partSizeFor(20 * 1024 * 1024, 8 * 1024 * 1024), 8 * 1024 * 1024);
  assert.equal(partSizeFor(10_000 * 8 * 1024 * 1024 + 10_000, 8 * 1024 * 1024), 8 * 1024 * 1024 + 1);
});
