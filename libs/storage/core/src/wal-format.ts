/**
 * WAL on-disk format: segment header and record frames. Pure encode/decode; no I/O.
 *
 * Segment file = header (32 bytes) followed by record frames, back to back, little-endian:
 *
 * ```
 * segment header            record frame
 *  0  magic "OBXWALSG" (8)   0  crc32c u32   over bytes [4, 24 + payloadBytes)
 *  8  version u32 = 1        4  payloadBytes u32
 * 12  reserved u32 = 0       8  index u64     1-based, consecutive across the whole log
 * 16  firstIndex u64        16  batchPosition u32   index - (first index of its write batch)
 * 24  reserved u32 = 0      20  type u8       1..255 (0 is invalid so zero-filled space never parses)
 * 28  crc32c u32 of [0,28)  21  reserved 3 bytes = 0
 *                           24  payload
 * ```
 *
 * `batchPosition` lets recovery tell a torn final batch (written but never fsynced, so never
 * acknowledged) from damage to an earlier, acknowledged one: see `segment-scan.ts`.
 */
import { assert } from '@objectbox/util';
import { crc32c, crc32cUpdate } from './crc32c.js';

/** Size of the segment header in bytes. */
export const segmentHeaderBytes = 32;
/** Size of a record frame's header in bytes; a frame is this plus its payload. */
export const recordHeaderBytes = 24;
/** Current format version written in every segment header. */
export const walFormatVersion = 1;
/** Hard ceiling for `recordPayloadBytesMax`: one record must fit a u32 length and one write. */
export const recordPayloadBytesLimit = 1024 * 1024 * 1024;
/** Largest record type; types are 1..walRecordTypeMax. */
export const walRecordTypeMax = 255;

const segmentMagic = Buffer.from('OBXWALSG', 'latin1');

/** A decoded (or to be encoded) WAL record. */
export interface WalRecord {
  /** 1-based position in the log; consecutive. */
  readonly index: number;
  /** Caller-defined record type, 1..255. */
  readonly type: number;
  /** The payload. Decoded records view the buffer they were decoded from (no copy). */
  readonly payload: Uint8Array;
}

/** Encodes a segment header for a segment whose first record will have `firstIndex`. */
export function encodeSegmentHeader(firstIndex: number): Buffer {
  assert(Number.isSafeInteger(firstIndex) && firstIndex >= 1, `firstIndex ${firstIndex} must be a safe integer >= 1`);
  const header = Buffer.alloc(segmentHeaderBytes);
  segmentMagic.copy(header, 0);
  header.writeUInt32LE(walFormatVersion, 8);
  header.writeBigUInt64LE(BigInt(firstIndex), 16);
  header.writeUInt32LE(crc32c(header.subarray(0, 28)), 28);
  return header;
}

/** Result of {@link decodeSegmentHeader}. */
export type SegmentHeaderDecoded =
  | { readonly kind: 'header'; readonly firstIndex: number }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'invalid'; readonly detail: string };

/** Decodes and verifies the header at the start of `bytes` (the untrusted content of a segment file). */
export function decodeSegmentHeader(bytesUntrusted: Uint8Array): SegmentHeaderDecoded {
  if (bytesUntrusted.length < segmentHeaderBytes) return { kind: 'incomplete' };
  const header = Buffer.from(bytesUntrusted.buffer, bytesUntrusted.byteOffset, segmentHeaderBytes);
  const checksumStored = header.readUInt32LE(28);
  const checksumComputed = crc32c(header.subarray(0, 28));
  if (checksumStored !== checksumComputed) return { kind: 'invalid', detail: 'header checksum mismatch' };
  if (!header.subarray(0, 8).equals(segmentMagic)) return { kind: 'invalid', detail: 'bad magic' };
  const version = header.readUInt32LE(8);
  if (version !== walFormatVersion) return { kind: 'invalid', detail: `unsupported version ${version}` };
  const firstIndex = readIndex(header, 16);
  if (firstIndex === null || firstIndex < 1) return { kind: 'invalid', detail: 'first index out of range' };
  return { kind: 'header', firstIndex };
}

/** Bytes a record with `payloadBytes` occupies on disk. */
export function recordFrameBytes(payloadBytes: number): number {
  return recordHeaderBytes + payloadBytes;
}

/**
 * Payloads up to this size are copied next to their headers: a batch of small records (Raft
 * entries of a few hundred bytes) becomes one chunk, one iovec of one writev, instead of a header
 * buffer and a payload chunk per record, and each frame is checksummed in one call. Larger
 * payloads (object bytes) are referenced, not copied.
 */
const recordPayloadCopyBytesMax = 4096;

/**
 * Encodes records that form one write batch into frames, appended to `chunks` (frames of small
 * payloads packed into one buffer, large payloads referenced). The first record's index is the
 * batch's first index. Returns the total number of bytes added. Asserts consecutive indexes and
 * valid types.
 */
export function encodeRecordBatch(records: readonly WalRecord[], chunks: Uint8Array[]): number {
  assert(records.length > 0, 'a batch holds at least one record');
  const batchFirstIndex = records[0]!.index;
  let packedBytes = 0;
  for (const record of records) packedBytes += recordHeaderBytes + (record.payload.length <= recordPayloadCopyBytesMax ? record.payload.length : 0);
  const packed = Buffer.allocUnsafe(packedBytes);
  let offset = 0;
  let chunkStart = 0;
  let totalBytes = 0;
  for (let position = 0; position < records.length; position++) {
    const record = records[position]!;
    assert(record.index === batchFirstIndex + position, 'batch indexes must be consecutive');
    const payload = record.payload;
    const frameStart = offset;
    const headerEnd = frameStart + recordHeaderBytes;
    writeRecordHeader(packed, frameStart, record, position);
    if (payload.length <= recordPayloadCopyBytesMax) {
      packed.set(payload, headerEnd);
      offset = headerEnd + payload.length;
      // The frame is contiguous here: its checksummed bytes [4, 24 + payloadBytes) in one call.
      packed.writeUInt32LE(crc32cUpdate(0, packed.subarray(frameStart + 4, offset)), frameStart);
    } else {
      packed.writeUInt32LE(crc32cOfFrame(packed.subarray(frameStart, headerEnd), payload), frameStart);
      offset = headerEnd;
      chunks.push(packed.subarray(chunkStart, offset), payload);
      chunkStart = offset;
    }
    totalBytes += recordHeaderBytes + payload.length;
  }
  if (offset > chunkStart) chunks.push(packed.subarray(chunkStart, offset));
  return totalBytes;
}

/** Writes a frame header without its checksum (bytes [4, 24)) at `offset`. */
function writeRecordHeader(target: Buffer, offset: number, record: WalRecord, batchPosition: number): void {
  // The checks' messages are built only when one fails: as template arguments of assert they were
  // built for every record (a number turned into a string and concatenated, twice per Raft entry
  // on every replica): 611-804 -> 502-548 ns per 290-byte record of a 64-record batch (loop).
  if (!(Number.isInteger(record.type) && record.type >= 1 && record.type <= walRecordTypeMax)) assert(false, `bad record type ${record.type}`);
  assert(record.payload.length <= recordPayloadBytesLimit, 'payload exceeds recordPayloadBytesLimit');
  if (!(Number.isSafeInteger(record.index) && record.index >= 1)) assert(false, `bad record index ${record.index}`);
  target.writeUInt32LE(record.payload.length, offset + 4);
  // The index as two u32 halves: a safe integer's high half is below 2^21.
  target.writeUInt32LE(record.index % 0x1_0000_0000, offset + 8);
  target.writeUInt32LE(Math.floor(record.index / 0x1_0000_0000), offset + 12);
  target.writeUInt32LE(batchPosition, offset + 16);
  target.writeUInt8(record.type, offset + 20);
  target.writeUInt8(0, offset + 21);
  target.writeUInt16LE(0, offset + 22);
}

/** The frame checksum covers everything after the checksum field: header[4, 24) then the payload. */
function crc32cOfFrame(header: Uint8Array, payload: Uint8Array): number {
  return crc32cUpdate(crc32cUpdate(0, header.subarray(4, recordHeaderBytes)), payload);
}

/** A successfully decoded frame. */
export interface RecordDecoded {
  readonly kind: 'record';
  readonly record: WalRecord;
  /** index - first index of the batch the record was written in. */
  readonly batchPosition: number;
  /** Offset just past this frame. */
  readonly offsetNextBytes: number;
}

/** Result of {@link decodeRecord}. */
export type RecordDecodeResult =
  | RecordDecoded
  /** Fewer bytes remain than the header, or than the (plausible) declared frame length. */
  | { readonly kind: 'incomplete' }
  /** The bytes cannot be a valid frame. */
  | { readonly kind: 'invalid'; readonly detail: string };

/**
 * Decodes the frame starting at `offsetBytes` of the untrusted `bytes`. The declared length is
 * checked against `recordPayloadBytesMax` before it is used, so garbage never makes the caller
 * wait for or allocate a huge frame. Does not check the index sequence (the caller knows it).
 */
export function decodeRecord(bytes: Uint8Array, offsetBytes: number, recordPayloadBytesMax: number): RecordDecodeResult {
  const remainingBytes = bytes.length - offsetBytes;
  if (remainingBytes < recordHeaderBytes) return { kind: 'incomplete' };
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + offsetBytes, remainingBytes);
  const payloadBytes = view.readUInt32LE(4);
  if (payloadBytes > recordPayloadBytesMax) {
    return { kind: 'invalid', detail: `declared payload ${payloadBytes} bytes exceeds ${recordPayloadBytesMax}` };
  }
  if (remainingBytes < recordHeaderBytes + payloadBytes) return { kind: 'incomplete' };
  const payload = view.subarray(recordHeaderBytes, recordHeaderBytes + payloadBytes);
  const checksumStored = view.readUInt32LE(0);
  const checksumComputed = crc32cOfFrame(view, payload);
  if (checksumStored !== checksumComputed) return { kind: 'invalid', detail: 'record checksum mismatch' };
  // The checksum matched, so the remaining fields were written by writeRecordHeader; still verify
  // them, the way a second reader would, in case the writer had a bug (STYLE.md §4: pair assertions).
  const type = view.readUInt8(20);
  const index = readIndex(view, 8);
  if (type === 0 || view.readUIntLE(21, 3) !== 0 || index === null || index < 1) {
    return { kind: 'invalid', detail: 'record header fields out of range' };
  }
  const batchPosition = view.readUInt32LE(16);
  if (batchPosition >= index) return { kind: 'invalid', detail: 'batch position beyond index' };
  return {
    kind: 'record',
    record: { index, type, payload },
    batchPosition,
    offsetNextBytes: offsetBytes + recordHeaderBytes + payloadBytes,
  };
}

/** Reads a u64 index; null when it is not a safe integer. */
function readIndex(view: Buffer, offsetBytes: number): number | null {
  const value = view.readBigUInt64LE(offsetBytes);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(value);
}

/** Suffix of segment files. */
export const segmentFileSuffix = '.wal';
const segmentFileNameDigits = 20;
const segmentFileNamePattern = /^(\d{20})\.wal$/;

/**
 * File name of the segment whose first record has `firstIndex`: 20 zero-padded digits, so that
 * lexicographic order is index order (u64 max has 20 digits).
 */
export function segmentFileName(firstIndex: number): string {
  assert(Number.isSafeInteger(firstIndex) && firstIndex >= 1, `bad first index ${firstIndex}`);
  return `${String(firstIndex).padStart(segmentFileNameDigits, '0')}${segmentFileSuffix}`;
}

/** The first index encoded in a segment file name, or null when `name` is not a segment file. */
export function parseSegmentFileName(name: string): number | null {
  const match = segmentFileNamePattern.exec(name);
  if (match === null) return null;
  const firstIndex = Number(match[1]);
  return Number.isSafeInteger(firstIndex) && firstIndex >= 1 ? firstIndex : null;
}
