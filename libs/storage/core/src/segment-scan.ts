/**
 * The pure recovery decision for one WAL segment: which records are valid, whether the end is a torn
 * tail to truncate, or whether the segment is corrupt (a typed error; never a skipped record).
 *
 * The rule rests on one writer invariant (see `Wal` in storage-runtime): at most one write batch is
 * unsynced at any time, it is the last thing in the last segment, and nothing is written after it
 * until its fsync returns. Only that batch can have been torn by a crash, and it was never
 * acknowledged. So, scanning the last segment and meeting a bad frame (bad checksum, wrong index,
 * short read) at offset X where index E was expected:
 *
 * - if a valid frame after X belongs to a later batch (its batch's first index > E), the batch that
 *   holds E was fsynced before that later batch was written, so acknowledged data is damaged:
 *   `WalCorruptionError('record-invalid-before-later-batch')`;
 * - otherwise everything from X on belongs to the unacknowledged final batch (or is garbage or zeros
 *   past it): a torn tail, truncated at X. Pages of that batch may reach the disk out of order, so
 *   valid frames of the same batch after X do not make it corruption.
 *
 * A last segment that ends in zeros after its last valid frame ends there cleanly (no torn tail):
 * the writer preallocates zero-filled space ahead of its records.
 *
 * Consequence, by design: damage (bit rot) inside the final batch of the last segment is
 * indistinguishable from a torn write and is truncated, with the dropped byte count reported. Any
 * bad frame in a sealed (non-last) segment is corruption: sealed segments were fsynced whole before
 * the next segment was created.
 */
import { WalCorruptionError } from './errors.js';
import {
  decodeRecord,
  decodeSegmentHeader,
  recordHeaderBytes,
  segmentHeaderBytes,
  type WalRecord,
} from './wal-format.js';

/** Inputs of {@link scanSegment}. */
export interface SegmentScanOptions {
  /** File name, for errors. */
  readonly segmentName: string;
  /** First index encoded in the file name; the header must agree. */
  readonly firstIndexFromName: number;
  /** Last index of the previous segment, or null for the first segment (no continuity check). */
  readonly previousLastIndex: number | null;
  /** True for the newest segment, the only one that may end in a torn tail. */
  readonly isLastSegment: boolean;
  /** Frames declaring a larger payload are invalid without reading further. */
  readonly recordPayloadBytesMax: number;
  /** Called for each valid record in order; records view `bytes` (no copy). */
  readonly onRecord?: (record: WalRecord) => void;
}

/** The torn end of the last segment, to be truncated away. */
export interface TornTail {
  /** Offset of the first byte dropped; the file is truncated to this size. */
  readonly offsetBytes: number;
  /** Number of bytes dropped (file size minus `offsetBytes`). */
  readonly bytesDropped: number;
  /** Why the frame at `offsetBytes` was rejected. */
  readonly detail: string;
}

/** Result of {@link scanSegment}. */
export type SegmentScanResult =
  /** The last segment was created but its header never became durable: remove the file. */
  | { readonly kind: 'header-torn' }
  | {
      readonly kind: 'scanned';
      readonly firstIndex: number;
      /** Last valid index, or firstIndex - 1 when the segment holds no record. */
      readonly lastIndex: number;
      /** Offset just past the last valid frame. */
      readonly offsetEndBytes: number;
      readonly tornTail: TornTail | null;
    };

/**
 * Validates one segment's untrusted bytes. Returns the valid range and any torn tail; throws
 * {@link WalCorruptionError} for damage that cannot be a torn final write (see the module comment).
 */
export function scanSegment(bytes: Uint8Array, options: SegmentScanOptions): SegmentScanResult {
  const header = decodeSegmentHeader(bytes);
  if (header.kind !== 'header') {
    // Records are written only after the header was fsynced, so a bad header followed by more bytes
    // is damage, while a short or bad header alone is a creation that crashed before its fsync.
    if (options.isLastSegment && bytes.length <= segmentHeaderBytes) return { kind: 'header-torn' };
    const detail = header.kind === 'invalid' ? header.detail : 'header incomplete';
    throw new WalCorruptionError(options.segmentName, 0, 'segment-header-invalid', detail);
  }
  checkSegmentPlacement(header.firstIndex, options);
  let offsetBytes = segmentHeaderBytes;
  let indexExpected = header.firstIndex;
  while (offsetBytes < bytes.length) {
    const decoded = decodeRecord(bytes, offsetBytes, options.recordPayloadBytesMax);
    if (decoded.kind === 'record' && decoded.record.index === indexExpected) {
      options.onRecord?.(decoded.record);
      offsetBytes = decoded.offsetNextBytes;
      indexExpected++;
      continue;
    }
    // Zeros from here to the end of the last segment: space the writer preallocated (written ahead
    // of the records so that appends do not grow the file), or an unsynced batch none of whose
    // bytes reached the disk. Either way the log ends here, and nothing is dropped.
    if (options.isLastSegment && isZeroFrom(bytes, offsetBytes)) {
      return { kind: 'scanned', firstIndex: header.firstIndex, lastIndex: indexExpected - 1, offsetEndBytes: offsetBytes, tornTail: null };
    }
    const detail = describeBadFrame(decoded, indexExpected);
    const tornTail = judgeBadFrame(bytes, offsetBytes, indexExpected, detail, options);
    return { kind: 'scanned', firstIndex: header.firstIndex, lastIndex: indexExpected - 1, offsetEndBytes: offsetBytes, tornTail };
  }
  return { kind: 'scanned', firstIndex: header.firstIndex, lastIndex: indexExpected - 1, offsetEndBytes: offsetBytes, tornTail: null };
}

function isZeroFrom(bytes: Uint8Array, offsetBytes: number): boolean {
  for (let offset = offsetBytes; offset < bytes.length; offset++) if (bytes[offset] !== 0) return false;
  return true;
}

function checkSegmentPlacement(firstIndex: number, options: SegmentScanOptions): void {
  if (firstIndex !== options.firstIndexFromName) {
    const detail = `header says ${firstIndex}, file name says ${options.firstIndexFromName}`;
    throw new WalCorruptionError(options.segmentName, 0, 'segment-first-index-mismatch', detail);
  }
  if (options.previousLastIndex !== null && firstIndex !== options.previousLastIndex + 1) {
    const detail = `first index ${firstIndex} does not follow previous last index ${options.previousLastIndex}`;
    throw new WalCorruptionError(options.segmentName, 0, 'segment-index-gap', detail);
  }
}

function describeBadFrame(decoded: ReturnType<typeof decodeRecord>, indexExpected: number): string {
  switch (decoded.kind) {
    case 'record':
      return `found index ${decoded.record.index}, expected ${indexExpected}`;
    case 'incomplete':
      return `incomplete frame for index ${indexExpected}`;
    case 'invalid':
      return `${decoded.detail} for index ${indexExpected}`;
  }
}

/** Torn tail or corruption for a bad frame at `offsetBytes` (see the module comment). */
function judgeBadFrame(
  bytes: Uint8Array,
  offsetBytes: number,
  indexExpected: number,
  detail: string,
  options: SegmentScanOptions,
): TornTail {
  if (!options.isLastSegment) {
    throw new WalCorruptionError(options.segmentName, offsetBytes, 'record-invalid-in-sealed-segment', detail);
  }
  const later = findLaterBatchFrame(bytes, offsetBytes, indexExpected, options.recordPayloadBytesMax);
  if (later !== null) {
    const laterDetail = `${detail}; yet record ${later.index} of a later batch is valid at byte ${later.offsetBytes}`;
    throw new WalCorruptionError(options.segmentName, offsetBytes, 'record-invalid-before-later-batch', laterDetail);
  }
  return { offsetBytes, bytesDropped: bytes.length - offsetBytes, detail };
}

/**
 * Searches every byte offset from `offsetStartBytes` for a valid frame whose batch started after
 * `indexExpected`. Cheap field checks reject most offsets before any checksum is computed; this runs
 * only when a bad frame was found, so its O(segment size) cost is paid once per recovery.
 */
function findLaterBatchFrame(
  bytes: Uint8Array,
  offsetStartBytes: number,
  indexExpected: number,
  recordPayloadBytesMax: number,
): { index: number; offsetBytes: number } | null {
  for (let offset = offsetStartBytes; offset + recordHeaderBytes <= bytes.length; offset++) {
    // Cheap filters: type != 0, reserved bytes zero, index high word zero-ish.
    if (bytes[offset + 20] === 0 || bytes[offset + 21] !== 0 || bytes[offset + 22] !== 0 || bytes[offset + 23] !== 0) continue;
    const decoded = decodeRecord(bytes, offset, recordPayloadBytesMax);
    if (decoded.kind !== 'record') continue;
    const batchFirstIndex = decoded.record.index - decoded.batchPosition;
    if (batchFirstIndex > indexExpected) return { index: decoded.record.index, offsetBytes: offset };
  }
  return null;
}
