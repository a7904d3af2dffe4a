/**
 * Snapshot file format. Pure encode/verify; the runtime writes it atomically.
 *
 * ```
 *  0  magic "OBXSNAP1" (8)
 *  8  version u32 = 1
 * 12  clusterIdBytes u32     UTF-8 length, <= snapshotClusterIdBytesMax
 * 16  metadataBytes u32      <= snapshotMetadataBytesMax (opaque to storage: lastIncludedIndex, term, ...)
 * 20  reserved u32 = 0
 * 24  payloadBytes u64       <= the reader's payloadBytesMax
 * 32  headerCrc32c u32       over [0, 32)
 * 36  reserved u32 = 0
 * 40  clusterId, metadata, payload
 * end bodyCrc32c u32         over clusterId + metadata + payload
 * ```
 *
 * The header has its own checksum so that lengths are trusted only after it verifies, and lengths
 * must add up to the file size exactly, so truncation is always detected.
 */
import { assert } from '@objectbox/util';
import { crc32c, crc32cUpdate } from './crc32c.js';
import { ChecksumMismatchError, ClusterIdMismatchError, SnapshotCorruptionError } from './errors.js';

/** Size of the snapshot header in bytes. */
export const snapshotHeaderBytes = 40;
/** Size of the trailing body checksum in bytes. */
export const snapshotTrailerBytes = 4;
/** Largest cluster id, in UTF-8 bytes. */
export const snapshotClusterIdBytesMax = 256;
/** Largest metadata blob, in bytes. */
export const snapshotMetadataBytesMax = 1024 * 1024;
/** Format version written by this code. */
export const snapshotFormatVersion = 1;

const snapshotMagic = Buffer.from('OBXSNAP1', 'latin1');

/** The content of a snapshot. */
export interface Snapshot {
  /** Cluster the snapshot belongs to. */
  readonly clusterId: string;
  /** Opaque to storage (Raft puts lastIncludedIndex/term/configuration here). */
  readonly metadata: Uint8Array;
  /** The state machine image. */
  readonly payload: Uint8Array;
}

/**
 * Encodes `snapshot` as chunks to write in order (payload referenced, not copied). Asserts the
 * limits: callers validate user input before.
 */
export function encodeSnapshot(snapshot: Snapshot): Uint8Array[] {
  const clusterId = Buffer.from(snapshot.clusterId, 'utf8');
  assert(clusterId.length > 0 && clusterId.length <= snapshotClusterIdBytesMax, 'cluster id length out of range');
  assert(snapshot.metadata.length <= snapshotMetadataBytesMax, 'snapshot metadata exceeds snapshotMetadataBytesMax');
  const header = Buffer.alloc(snapshotHeaderBytes);
  snapshotMagic.copy(header, 0);
  header.writeUInt32LE(snapshotFormatVersion, 8);
  header.writeUInt32LE(clusterId.length, 12);
  header.writeUInt32LE(snapshot.metadata.length, 16);
  header.writeBigUInt64LE(BigInt(snapshot.payload.length), 24);
  header.writeUInt32LE(crc32c(header.subarray(0, 32)), 32);
  let bodyCrc = crc32cUpdate(0, clusterId);
  bodyCrc = crc32cUpdate(bodyCrc, snapshot.metadata);
  bodyCrc = crc32cUpdate(bodyCrc, snapshot.payload);
  const trailer = Buffer.alloc(snapshotTrailerBytes);
  trailer.writeUInt32LE(bodyCrc, 0);
  return [header, clusterId, snapshot.metadata, snapshot.payload, trailer];
}

/** Options of {@link decodeSnapshot}. */
export interface SnapshotDecodeOptions {
  /** File name, for errors. */
  readonly file: string;
  /** Largest payload accepted, in bytes. */
  readonly payloadBytesMax: number;
  /** When set, a snapshot of another cluster throws {@link ClusterIdMismatchError}. */
  readonly clusterIdExpected?: string;
}

/**
 * Verifies and decodes the untrusted content of a snapshot file. The returned metadata and payload
 * view `bytes` (no copy).
 *
 * @throws SnapshotCorruptionError for structural damage (magic, version, lengths, header checksum).
 * @throws ChecksumMismatchError when the body checksum does not match.
 * @throws ClusterIdMismatchError when `clusterIdExpected` is set and differs.
 */
export function decodeSnapshot(bytes: Uint8Array, options: SnapshotDecodeOptions): Snapshot {
  const lengths = decodeSnapshotHeader(bytes, options);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let offset = snapshotHeaderBytes;
  const clusterIdRaw = view.subarray(offset, (offset += lengths.clusterIdBytes));
  const metadata = view.subarray(offset, (offset += lengths.metadataBytes));
  const payload = view.subarray(offset, (offset += lengths.payloadBytes));
  const checksumStored = view.readUInt32LE(offset);
  const checksumComputed = crc32cUpdate(crc32cUpdate(crc32cUpdate(0, clusterIdRaw), metadata), payload);
  if (checksumStored !== checksumComputed) {
    throw new ChecksumMismatchError(options.file, snapshotHeaderBytes, checksumStored, checksumComputed);
  }
  const clusterId = clusterIdRaw.toString('utf8');
  if (options.clusterIdExpected !== undefined && clusterId !== options.clusterIdExpected) {
    throw new ClusterIdMismatchError(options.file, options.clusterIdExpected, clusterId);
  }
  return { clusterId, metadata, payload };
}

interface SnapshotLengths {
  readonly clusterIdBytes: number;
  readonly metadataBytes: number;
  readonly payloadBytes: number;
}

function decodeSnapshotHeader(bytes: Uint8Array, options: SnapshotDecodeOptions): SnapshotLengths {
  const corrupt = (reason: SnapshotCorruptionError['reason'], detail: string): SnapshotCorruptionError =>
    new SnapshotCorruptionError(options.file, reason, detail);
  if (bytes.length < snapshotHeaderBytes + snapshotTrailerBytes) throw corrupt('too-short', `${bytes.length} bytes`);
  const header = Buffer.from(bytes.buffer, bytes.byteOffset, snapshotHeaderBytes);
  if (!header.subarray(0, 8).equals(snapshotMagic)) throw corrupt('magic-invalid', 'not a snapshot file');
  const checksumStored = header.readUInt32LE(32);
  const checksumComputed = crc32c(header.subarray(0, 32));
  if (checksumStored !== checksumComputed) {
    throw corrupt('header-checksum-mismatch', `stored 0x${checksumStored.toString(16)}, computed 0x${checksumComputed.toString(16)}`);
  }
  // Bytes [36, 40) lie outside the header checksum; requiring zeros leaves no unchecked byte.
  if (header.readUInt32LE(36) !== 0) throw corrupt('reserved-nonzero', 'reserved header bytes are not zero');
  const version = header.readUInt32LE(8);
  if (version !== snapshotFormatVersion) throw corrupt('version-unsupported', `version ${version}`);
  const clusterIdBytes = header.readUInt32LE(12);
  const metadataBytes = header.readUInt32LE(16);
  const payloadBytesBig = header.readBigUInt64LE(24);
  if (clusterIdBytes > snapshotClusterIdBytesMax || metadataBytes > snapshotMetadataBytesMax || payloadBytesBig > BigInt(options.payloadBytesMax)) {
    throw corrupt('length-exceeds-limit', `clusterId ${clusterIdBytes}, metadata ${metadataBytes}, payload ${payloadBytesBig}`);
  }
  const payloadBytes = Number(payloadBytesBig);
  const totalBytes = snapshotHeaderBytes + clusterIdBytes + metadataBytes + payloadBytes + snapshotTrailerBytes;
  if (totalBytes !== bytes.length) throw corrupt('length-mismatch', `header implies ${totalBytes} bytes, file has ${bytes.length}`);
  return { clusterIdBytes, metadataBytes, payloadBytes };
}
