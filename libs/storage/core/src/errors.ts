/**
 * Typed errors of the storage layer (WAL, snapshots, data directory).
 *
 * Every expected failure of the storage layer is one of these classes; a failed `assert` is a
 * programmer error instead (see STYLE.md §4-5). Fields are structured so that logs and the edges can
 * report them without parsing messages.
 */
import { ObjectBoxError, isObjectBoxError } from '@objectbox/util';

/** Base of all storage errors; `isStorageError` recognises it across package copies. */
export abstract class StorageError extends ObjectBoxError {
  /** Marks instances without relying on `instanceof`. */
  readonly isStorageError = true;
}

/** True for any {@link StorageError}, also across duplicated copies of this package. */
export function isStorageError(value: unknown): value is StorageError {
  return isObjectBoxError(value) && (value as Partial<StorageError>).isStorageError === true;
}

/** Why a WAL segment was judged corrupt (as opposed to torn at its tail). */
export type WalCorruptionReason =
  | 'segment-header-invalid'
  | 'segment-first-index-mismatch'
  | 'segment-index-gap'
  | 'record-invalid-in-sealed-segment'
  | 'record-invalid-before-later-batch';

/**
 * A WAL segment holds damaged bytes that cannot be a torn final write: data that was acknowledged
 * (fsynced) is unreadable. The WAL refuses to open rather than skip the record. Operators restore the
 * replica from its peers (Raft) or from a backup; retrying the open gives the same error.
 */
export class WalCorruptionError extends StorageError {
  readonly code = 'WalCorruption';
  readonly kind = 'internal';
  constructor(
    /** File name of the segment, e.g. `00000000000000000001.wal`. */
    readonly segment: string,
    /** Byte offset in the segment of the first byte that failed validation. */
    readonly offsetBytes: number,
    readonly reason: WalCorruptionReason,
    /** Human-readable detail (expected vs found values); not for parsing. */
    readonly detail: string,
  ) {
    super(`WAL segment ${segment} is corrupt at byte ${offsetBytes}: ${reason} (${detail})`);
  }
}

/** Why a snapshot file was rejected. */
export type SnapshotCorruptionReason =
  | 'too-short'
  | 'magic-invalid'
  | 'version-unsupported'
  | 'header-checksum-mismatch'
  | 'reserved-nonzero'
  | 'length-exceeds-limit'
  | 'length-mismatch';

/** A snapshot file is structurally invalid (bad header, lengths that do not add up). */
export class SnapshotCorruptionError extends StorageError {
  readonly code = 'SnapshotCorruption';
  readonly kind = 'internal';
  constructor(
    /** File name of the snapshot. */
    readonly file: string,
    readonly reason: SnapshotCorruptionReason,
    readonly detail: string,
  ) {
    super(`snapshot ${file} is corrupt: ${reason} (${detail})`);
  }
}

/** Stored bytes do not match their stored CRC32C. */
export class ChecksumMismatchError extends StorageError {
  readonly code = 'ChecksumMismatch';
  readonly kind = 'internal';
  constructor(
    /** File name the bytes came from. */
    readonly file: string,
    /** Byte offset of the checksummed region in the file. */
    readonly offsetBytes: number,
    /** The CRC32C stored in the file (unsigned 32-bit). */
    readonly checksumStored: number,
    /** The CRC32C computed over the bytes read (unsigned 32-bit). */
    readonly checksumComputed: number,
  ) {
    super(
      `checksum mismatch in ${file} at byte ${offsetBytes}: stored 0x${checksumStored.toString(16)}, ` +
        `computed 0x${checksumComputed.toString(16)}`,
    );
  }
}

/** The data directory (or a snapshot) belongs to another cluster. Never auto-repaired. */
export class ClusterIdMismatchError extends StorageError {
  readonly code = 'ClusterIdMismatch';
  readonly kind = 'failed-precondition';
  constructor(
    /** The directory or file whose identity was checked. */
    readonly path: string,
    readonly clusterIdExpected: string,
    readonly clusterIdFound: string,
  ) {
    super(`${path} belongs to cluster '${clusterIdFound}', expected '${clusterIdExpected}'`);
  }
}

/** Why a data directory cannot be used. */
export type DataDirectoryInvalidReason = 'meta-unreadable' | 'meta-missing-with-data' | 'format-unsupported';

/** The data directory's identity file is damaged, missing beside existing data, or of another format. */
export class DataDirectoryInvalidError extends StorageError {
  readonly code = 'DataDirectoryInvalid';
  readonly kind = 'failed-precondition';
  constructor(
    readonly path: string,
    readonly reason: DataDirectoryInvalidReason,
    readonly detail: string,
  ) {
    super(`data directory ${path} is invalid: ${reason} (${detail})`);
  }
}

/** A record payload is larger than the configured `recordPayloadBytesMax`. */
export class WalRecordTooLargeError extends StorageError {
  readonly code = 'WalRecordTooLarge';
  readonly kind = 'invalid-argument';
  constructor(
    readonly payloadBytes: number,
    readonly recordPayloadBytesMax: number,
  ) {
    super(`WAL record payload of ${payloadBytes} bytes exceeds recordPayloadBytesMax ${recordPayloadBytesMax}`);
  }
}

/** Backpressure: accepting the append would exceed `pendingBytesMax` of queued, unsynced bytes. */
export class WalPendingBytesExceededError extends StorageError {
  readonly code = 'WalPendingBytesExceeded';
  readonly kind = 'resource-exhausted';
  constructor(
    readonly pendingBytes: number,
    readonly appendBytes: number,
    readonly pendingBytesMax: number,
  ) {
    super(`WAL queue holds ${pendingBytes} bytes; appending ${appendBytes} would exceed pendingBytesMax ${pendingBytesMax}`);
  }
}

/** The WAL was closed; open it again. */
export class WalClosedError extends StorageError {
  readonly code = 'WalClosed';
  readonly kind = 'failed-precondition';
  constructor() {
    super('WAL is closed');
  }
}

/**
 * An earlier write or fsync failed. After a failed fsync the page cache cannot be trusted
 * ("fsyncgate"), so the WAL stops accepting work; reopening it runs recovery from the disk.
 */
export class WalFailedError extends StorageError {
  readonly code = 'WalFailed';
  readonly kind = 'unavailable';
  constructor(options: { cause: unknown }) {
    super('WAL failed on an earlier I/O error and must be reopened', options);
  }
}

/** A WAL index argument lies outside the range the operation accepts. */
export class WalIndexOutOfRangeError extends StorageError {
  readonly code = 'WalIndexOutOfRange';
  readonly kind = 'invalid-argument';
  constructor(
    readonly index: number,
    /** Smallest accepted index (inclusive). */
    readonly indexMin: number,
    /** Largest accepted index (inclusive). */
    readonly indexMax: number,
  ) {
    super(`WAL index ${index} is outside [${indexMin}, ${indexMax}]`);
  }
}

/** Snapshot payload bytes are not a valid state-store image (truncated, unordered keys). */
export class StateImageInvalidError extends StorageError {
  readonly code = 'StateImageInvalid';
  readonly kind = 'internal';
  constructor(readonly detail: string) {
    super(`state image is invalid: ${detail}`);
  }
}
