/**
 * CRC32C against the standard check value and published vectors (RFC 3720 appendix B.4), and
 * against a bit-at-a-time reference for random inputs and split points.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32c, crc32cIsNative, crc32cUpdate, crc32cUpdatePortable } from './crc32c.js';
import { createSeededRandom } from './memory-file-system.js';

function crc32cReference(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

test('crc32c matches the standard check value and RFC 3720 vectors', () => {
  assert.equal(crc32c(Buffer.from('123456789', 'ascii')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
});

test('slice-by-8 equals the bitwise reference for random lengths and any split', () => {
  const random = createSeededRandom(42);
  for (let round = 0; round < 200; round++) {
    const data = Uint8Array.from({ length: Math.floor(random.next() * 300) }, () => Math.floor(random.next() * 256));
    const expected = crc32cReference(data);
    assert.equal(crc32c(data), expected);
    const split = Math.floor(random.next() * (data.length + 1));
    assert.equal(crc32cUpdate(crc32cUpdate(0, data.subarray(0, split)), data.subarray(split)), expected);
  }
});

test('the native path (inputs of 128 bytes or more) equals the JavaScript tables, for any length and split', () => {
  const random = createSeededRandom(7);
  for (let round = 0; round < 200; round++) {
    const data = Uint8Array.from({ length: Math.floor(random.next() * 5000) }, () => Math.floor(random.next() * 256));
    const expected = crc32cUpdatePortable(0, data);
    assert.equal(crc32cUpdatePortable(0, data), crc32cReference(data));
    assert.equal(crc32c(data), expected);
    const split = Math.floor(random.next() * (data.length + 1));
    const head = crc32cUpdate(0, data.subarray(0, split));
    assert.equal(head, crc32cUpdatePortable(0, data.subarray(0, split)));
    assert.equal(crc32cUpdate(head, data.subarray(split)), expected);
  }
  assert.equal(crc32c(Buffer.from('123456789'.repeat(20), 'ascii')), crc32cReference(Buffer.from('123456789'.repeat(20), 'ascii')));
});

test('the native binding loads where it is prebuilt (linux x64), so WAL and snapshot checksums do not fall back silently', () => {
  if (process.platform === 'linux' && process.arch === 'x64') assert.ok(crc32cIsNative);
});
