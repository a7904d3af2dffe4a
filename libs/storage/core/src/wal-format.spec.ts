/**
 * WAL framing: round trips (also property-based with fast-check), length limits checked before use,
 * every single-bit flip detected, and file names that sort in index order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { crc32c } from './crc32c.js';
import {
  decodeRecord,
  decodeSegmentHeader,
  encodeRecordBatch,
  encodeSegmentHeader,
  parseSegmentFileName,
  recordHeaderBytes,
  segmentFileName,
  type WalRecord,
} from './wal-format.js';

const payloadBytesMax = 1024;

function encode(records: WalRecord[]): Buffer {
  const chunks: Uint8Array[] = [];
  encodeRecordBatch(records, chunks);
  return Buffer.concat(chunks);
}

test('segment header round trip and rejection of damage', () => {
  const header = encodeSegmentHeader(12345678901);
  assert.deepEqual(decodeSegmentHeader(header), { kind: 'header', firstIndex: 12345678901 });
  assert.deepEqual(decodeSegmentHeader(header.subarray(0, 31)), { kind: 'incomplete' });
  for (let bit = 0; bit < header.length * 8; bit++) {
    const damaged = Buffer.from(header);
    damaged[bit >> 3]! ^= 1 << (bit & 7);
    assert.equal(decodeSegmentHeader(damaged).kind, 'invalid', `bit ${bit}`);
  }
});

test('records round trip with batch positions, property-based', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 40 }),
      fc.array(fc.record({ type: fc.integer({ min: 1, max: 255 }), payload: fc.uint8Array({ maxLength: 64 }) }), { minLength: 1, maxLength: 8 }),
      (firstIndex, inputs) => {
        const records = inputs.map((input, position) => ({ index: firstIndex + position, ...input }));
        const bytes = encode(records);
        let offset = 0;
        records.forEach((record, position) => {
          const decoded = decodeRecord(bytes, offset, payloadBytesMax);
          assert.equal(decoded.kind, 'record');
          if (decoded.kind !== 'record') return;
          assert.equal(decoded.record.index, record.index);
          assert.equal(decoded.record.type, record.type);
          assert.deepEqual(Buffer.from(decoded.record.payload), Buffer.from(record.payload));
          assert.equal(decoded.batchPosition, position);
          offset = decoded.offsetNextBytes;
        });
        assert.equal(offset, bytes.length);
      },
    ),
    { seed: 7, numRuns: 200 },
  );
});

test('every prefix of a frame is incomplete and every bit flip is invalid', () => {
  const bytes = encode([{ index: 9, type: 3, payload: Buffer.from('hello, write-ahead log') }]);
  for (let length = 0; length < bytes.length; length++) {
    const decoded = decodeRecord(bytes.subarray(0, length), 0, payloadBytesMax);
    // A flip-free prefix can only be incomplete; it never decodes.
    assert.equal(decoded.kind, 'incomplete', `prefix ${length}`);
  }
  for (let bit = 0; bit < bytes.length * 8; bit++) {
    const damaged = Buffer.from(bytes);
    damaged[bit >> 3]! ^= 1 << (bit & 7);
    assert.notEqual(decodeRecord(damaged, 0, payloadBytesMax).kind, 'record', `bit ${bit}`);
  }
});

test('a declared length above the limit is invalid before the payload is awaited', () => {
  const bytes = Buffer.alloc(recordHeaderBytes);
  bytes.writeUInt32LE(0xffffffff, 4);
  const decoded = decodeRecord(bytes, 0, payloadBytesMax);
  assert.equal(decoded.kind, 'invalid');
});

test('zero-filled space never decodes as a record', () => {
  assert.equal(decodeRecord(Buffer.alloc(256), 0, payloadBytesMax).kind, 'invalid');
});

test('segment file names are zero-padded, sortable and parse back', () => {
  assert.equal(segmentFileName(1), '00000000000000000001.wal');
  assert.equal(parseSegmentFileName(segmentFileName(9007199254740991)), 9007199254740991);
  assert.equal(parseSegmentFileName('00000000000000000000.wal'), null);
  assert.equal(parseSegmentFileName('1.wal'), null);
  assert.equal(parseSegmentFileName('00000000000000000001.wal.tmp'), null);
  const names = [10, 9, 100, 2].map(segmentFileName).sort();
  assert.deepEqual(names.map(parseSegmentFileName), [2, 9, 10, 100]);
});

/** A frame as the module comment lays it out, built field by field: the reference for the packing. */
function frameOf(record: WalRecord, batchPosition: number): Buffer {
  const frame = Buffer.alloc(recordHeaderBytes + record.payload.length);
  frame.writeUInt32LE(record.payload.length, 4);
  frame.writeBigUInt64LE(BigInt(record.index), 8);
  frame.writeUInt32LE(batchPosition, 16);
  frame.writeUInt8(record.type, 20);
  frame.set(record.payload, recordHeaderBytes);
  frame.writeUInt32LE(crc32c(frame.subarray(4)), 0);
  return frame;
}

test('small payloads are packed with their headers into one chunk, large ones referenced; the bytes are the frames laid out', () => {
  const large = Buffer.alloc(5000, 9);
  const payloads = [Buffer.alloc(300, 1), Buffer.alloc(0), large, Buffer.alloc(4096, 2), Buffer.alloc(4097, 3), Buffer.alloc(10, 4)];
  const firstIndex = 2 ** 40 + 3;
  const records = payloads.map((payload, position) => ({ index: firstIndex + position, type: 1 + position, payload }));
  const chunks: Uint8Array[] = [];
  const totalBytes = encodeRecordBatch(records, chunks);
  const expected = Buffer.concat(records.map((record, position) => frameOf(record, position)));
  assert.equal(totalBytes, expected.length);
  assert.deepEqual(Buffer.concat(chunks), expected);
  // [frames 0-1 + header 2] [payload 2] [frames 3 + header 4] [payload 4] [frame 5]
  assert.equal(chunks.length, 5);
  assert.equal(chunks[1], large, 'a large payload is referenced, not copied');
  const single: Uint8Array[] = [];
  encodeRecordBatch(records.slice(0, 2), single);
  assert.equal(single.length, 1);
});
