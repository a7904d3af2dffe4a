import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { humanReadableSize, parseSize } from './s3-size.js';
import { UsageError } from './s3-uri.js';

test('human-readable sizes match aws s3 (human_readable_size)', () => {
  const cases: [number, string][] = [
    [0, '0 Bytes'],
    [1, '1 Byte'],
    [10, '10 Bytes'],
    [1023, '1023 Bytes'],
    [1024, '1.0 KiB'],
    [1280, '1.2 KiB'], // 1.25 rounds half to even, as Python's %.1f does
    [1331, '1.3 KiB'],
    [1024 * 1024 - 1, '1.0 MiB'], // 1023.999 KiB rounds to 1024 KiB, so MiB is used
    [1024 * 1024 - 600, '1023.4 KiB'],
    [1024 * 1024, '1.0 MiB'],
    [5 * 1024 * 1024 + 1, '5.0 MiB'],
    [20 * 1024 * 1024, '20.0 MiB'],
    [1024 ** 3 * 1.5, '1.5 GiB'],
    [1024 ** 4, '1.0 TiB'],
  ];
  for (const [bytes, text] of cases) assert.equal(humanReadableSize(bytes), text, `${bytes}`);
});

test('size flags take bytes or KB/MB/GB/TB and KiB/MiB/GiB/TiB, all base 2', () => {
  assert.equal(parseSize('--x', '8MB'), 8 * 1024 * 1024);
  assert.equal(parseSize('--x', '8MiB'), 8 * 1024 * 1024);
  assert.equal(parseSize('--x', '16mb'), 16 * 1024 * 1024);
  assert.equal(parseSize('--x', '1GB'), 1024 ** 3);
  assert.equal(parseSize('--x', '10485760'), 10485760);
  assert.equal(parseSize('--x', '64KB'), 65536);
  for (const bad of ['', 'MB', '8XB', '-1', '1.5MB', 'eight']) assert.throws(() => parseSize('--x', bad), UsageError, bad);
});
