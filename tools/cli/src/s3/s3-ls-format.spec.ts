import { strict as assert } from 'node:assert';
import { before, test } from 'node:test';
import { formatBucketLine, formatObjectLine, formatPrefixLine, formatSummary, formatTimestamp } from './s3-ls-format.js';

before(() => {
  process.env['TZ'] = 'UTC';
});

const when = new Date('2024-05-01T09:08:07.123Z');

test('timestamps are YYYY-MM-DD HH:MM:SS in local time', () => {
  assert.equal(formatTimestamp(when), '2024-05-01 09:08:07');
});

test('bucket lines: creation time and name', () => {
  assert.equal(formatBucketLine('my-bucket', when), '2024-05-01 09:08:07 my-bucket\n');
});

test('prefix lines: PRE right-aligned to 30 columns and the last segment', () => {
  assert.equal(formatPrefixLine('photos/'), '                           PRE photos/\n');
  assert.equal(formatPrefixLine('a/b/photos/'), `${' '.repeat(27)}PRE photos/\n`);
});

test('object lines: time, size right-aligned to 10, basename or whole key', () => {
  assert.equal(formatObjectLine('dir/notes.txt', 3, when, { humanReadable: false, fullKeys: false }), '2024-05-01 09:08:07          3 notes.txt\n');
  assert.equal(formatObjectLine('dir/notes.txt', 3, when, { humanReadable: true, fullKeys: true }), '2024-05-01 09:08:07    3 Bytes dir/notes.txt\n');
  assert.equal(formatObjectLine('b.bin', 1300, when, { humanReadable: true, fullKeys: true }), '2024-05-01 09:08:07    1.3 KiB b.bin\n');
  assert.equal(formatObjectLine('big', 12345678901, when, { humanReadable: false, fullKeys: true }), '2024-05-01 09:08:07 12345678901 big\n');
});

test('--summarize prints totals after a blank line, aligned like aws', () => {
  assert.equal(formatSummary(2, 1303, true), '\nTotal Objects: 2\n   Total Size: 1.3 KiB\n');
  assert.equal(formatSummary(0, 0, false), '\nTotal Objects: 0\n   Total Size: 0\n');
});
