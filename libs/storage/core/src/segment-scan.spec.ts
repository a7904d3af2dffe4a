/**
 * The recovery decision, case by case: clean segments, torn tails at every byte offset, bit flips
 * before and inside the final batch, out-of-order persistence of the final batch, sealed segments,
 * headers, and index continuity. Each case states which outcome the module comment promises.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isStorageError, WalCorruptionError } from './errors.js';
import { scanSegment, type SegmentScanOptions } from './segment-scan.js';
import { encodeRecordBatch, encodeSegmentHeader, segmentHeaderBytes, type WalRecord } from './wal-format.js';

interface Built {
  bytes: Buffer;
  /** End offset of each record, by position. */
  recordEnds: number[];
}

/** A segment starting at index 1 with the given batch sizes; payload i is 40 bytes of value i. */
function buildSegment(batchSizes: number[]): Built {
  const chunks: Uint8Array[] = [encodeSegmentHeader(1)];
  const recordEnds: number[] = [];
  let index = 1;
  let offset = segmentHeaderBytes;
  for (const size of batchSizes) {
    const records: WalRecord[] = [];
    for (let position = 0; position < size; position++, index++) records.push({ index, type: 1, payload: Buffer.alloc(40, index) });
    for (const record of records) recordEnds.push((offset += 24 + record.payload.length));
    encodeRecordBatch(records, chunks);
  }
  return { bytes: Buffer.concat(chunks), recordEnds };
}

function scan(bytes: Uint8Array, overrides: Partial<SegmentScanOptions> = {}): { result: ReturnType<typeof scanSegment>; indexes: number[] } {
  const indexes: number[] = [];
  const result = scanSegment(bytes, {
    segmentName: 'segment.wal',
    firstIndexFromName: 1,
    previousLastIndex: null,
    isLastSegment: true,
    recordPayloadBytesMax: 1024,
    onRecord: (record) => indexes.push(record.index),
    ...overrides,
  });
  return { result, indexes };
}

function flip(bytes: Buffer, offset: number): Buffer {
  const damaged = Buffer.from(bytes);
  damaged[offset]! ^= 0x10;
  return damaged;
}

function assertCorruption(run: () => unknown, reason: WalCorruptionError['reason']): void {
  assert.throws(run, (error: unknown) => isStorageError(error) && error instanceof WalCorruptionError && error.reason === reason);
}

test('a clean segment yields every record and no torn tail', () => {
  const { bytes } = buildSegment([2, 3]);
  const { result, indexes } = scan(bytes);
  assert.deepEqual(indexes, [1, 2, 3, 4, 5]);
  assert.equal(result.kind === 'scanned' && result.tornTail, null);
});

test('a cut at any offset keeps exactly the whole records before it (torn tail)', () => {
  const { bytes, recordEnds } = buildSegment([1, 1, 3]);
  for (let cut = segmentHeaderBytes; cut < bytes.length; cut++) {
    const { result, indexes } = scan(bytes.subarray(0, cut));
    const whole = recordEnds.filter((end) => end <= cut).length;
    assert.deepEqual(indexes, Array.from({ length: whole }, (_, i) => i + 1), `cut ${cut}`);
    assert.equal(result.kind, 'scanned');
    if (result.kind !== 'scanned') continue;
    const cleanEnd = whole === 0 ? segmentHeaderBytes : recordEnds[whole - 1]!;
    assert.equal(result.offsetEndBytes, cleanEnd);
    assert.equal(result.tornTail === null, cut === cleanEnd, `cut ${cut}`);
  }
});

test('a torn tail followed by zeros or garbage is still a torn tail', () => {
  const { bytes, recordEnds } = buildSegment([2, 2]);
  const torn = Buffer.concat([bytes.subarray(0, recordEnds[2]! + 10), Buffer.alloc(500)]);
  const { result, indexes } = scan(torn);
  assert.deepEqual(indexes, [1, 2, 3]);
  assert.ok(result.kind === 'scanned' && result.tornTail !== null && result.tornTail.offsetBytes === recordEnds[2]);
  const garbage = Buffer.concat([bytes.subarray(0, recordEnds[1]!), Buffer.alloc(300, 0xab)]);
  assert.deepEqual(scan(garbage).indexes, [1, 2]);
});

test('a bit flip in an acknowledged batch followed by a later batch is corruption', () => {
  const { bytes, recordEnds } = buildSegment([2, 2, 2]);
  // Record 3 (first of batch 2) and record 2 (last of batch 1) with later batches after them.
  assertCorruption(() => scan(flip(bytes, recordEnds[1]! + 30)), 'record-invalid-before-later-batch');
  assertCorruption(() => scan(flip(bytes, recordEnds[0]! + 5)), 'record-invalid-before-later-batch');
});

test('a bit flip inside the final batch is a torn tail (indistinguishable, documented)', () => {
  const { bytes, recordEnds } = buildSegment([2, 3]);
  // Damage the middle record of the final batch: its later sibling (same batch) stays valid, as
  // when pages of an unsynced write reach the disk out of order.
  const { result, indexes } = scan(flip(bytes, recordEnds[2]! + 30));
  assert.deepEqual(indexes, [1, 2, 3]);
  assert.ok(result.kind === 'scanned' && result.tornTail?.offsetBytes === recordEnds[2]);
});

test('any bad frame in a sealed segment is corruption, also at its end', () => {
  const { bytes, recordEnds } = buildSegment([2, 2]);
  assertCorruption(() => scan(bytes.subarray(0, bytes.length - 1), { isLastSegment: false }), 'record-invalid-in-sealed-segment');
  assertCorruption(() => scan(flip(bytes, recordEnds[2]! + 30), { isLastSegment: false }), 'record-invalid-in-sealed-segment');
});

test('headers: torn creation of the last segment versus damage', () => {
  const { bytes } = buildSegment([1]);
  assert.equal(scan(bytes.subarray(0, 10)).result.kind, 'header-torn');
  assert.equal(scan(Buffer.alloc(segmentHeaderBytes)).result.kind, 'header-torn');
  assertCorruption(() => scan(flip(bytes, 3)), 'segment-header-invalid');
  assertCorruption(() => scan(bytes.subarray(0, 10), { isLastSegment: false }), 'segment-header-invalid');
  assertCorruption(() => scan(bytes, { firstIndexFromName: 2 }), 'segment-first-index-mismatch');
  assertCorruption(() => scan(bytes, { previousLastIndex: 5 }), 'segment-index-gap');
  assert.equal(scan(bytes, { previousLastIndex: 0 }).result.kind, 'scanned');
});

test('a frame with an unexpected index is treated like a bad frame', () => {
  const chunks: Uint8Array[] = [encodeSegmentHeader(1)];
  encodeRecordBatch([{ index: 1, type: 1, payload: Buffer.alloc(4) }], chunks);
  encodeRecordBatch([{ index: 3, type: 1, payload: Buffer.alloc(4) }], chunks);
  // Index 3 where 2 was expected, and it starts a batch after 2: corruption (a gap), not a tail.
  assertCorruption(() => scan(Buffer.concat(chunks)), 'record-invalid-before-later-batch');
});
