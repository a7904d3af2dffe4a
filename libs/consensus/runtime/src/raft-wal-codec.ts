import type { ConfigState, Entry, HardState, LogIndex, NodeId, SnapshotMetadata, Term } from '@objectbox/consensus-core';
import { WalRecordDecodeError } from './raft-wal-errors.js';

/**
 * How Raft state is framed inside WAL records (the WAL adds length, type and CRC32C around each).
 * The log is append-only in the style of etcd's wal: an entry at an index already written
 * supersedes the old one and everything after it when replayed, so conflicting suffixes never need
 * rewriting in place. Integers are little-endian; u64 fields hold safe integers only.
 */
export const raftWalRecordType = {
  /** [term u64][index u64][type u8][data]. */
  entry: 1,
  /** [term u64][vote u32, 0 = none][commit u64]. */
  hardState: 2,
  /** [index u64][term u64]: a snapshot covering the log up to index is durable. */
  snapshotMark: 3,
  /**
   * [index u64][term u64]: like `snapshotMark`, for a snapshot received from the leader, which
   * replaced the whole log: every entry record before it is superseded (those after the snapshot
   * index conflicted with the leader's log), so replay starts an empty log after the snapshot.
   */
  snapshotInstalled: 4,
} as const;

const entryHeaderBytes = 17;
const hardStateBytes = 20;
const snapshotMarkBytes = 16;

function writeU64(view: DataView, offset: number, value: number): void {
  view.setBigUint64(offset, BigInt(value), true);
}

function readU64(view: DataView, offset: number, field: string): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new WalRecordDecodeError(`${field} is not a safe integer`);
  return Number(value);
}

/** A safe integer as a little-endian u64 in two u32 halves: no BigInt per field (runs per entry). */
function writeSafeU64(out: Buffer, offset: number, value: number): void {
  const low = value % 0x1_0000_0000;
  out.writeUInt32LE(low, offset);
  out.writeUInt32LE((value - low) / 0x1_0000_0000, offset + 4);
}

export function encodeEntryRecord(entry: Entry): Uint8Array {
  // Runs for every entry on every replica; the same bytes as the DataView form the other records use.
  const bytes = Buffer.allocUnsafe(entryHeaderBytes + entry.data.byteLength);
  writeSafeU64(bytes, 0, entry.term);
  writeSafeU64(bytes, 8, entry.index);
  bytes[16] = entry.type === 'normal' ? 0 : 1;
  bytes.set(entry.data, entryHeaderBytes);
  return bytes;
}

export function decodeEntryRecord(payload: Uint8Array): Entry {
  if (payload.byteLength < entryHeaderBytes) throw new WalRecordDecodeError('entry record too short');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const type = view.getUint8(16);
  if (type > 1) throw new WalRecordDecodeError(`unknown entry type ${type}`);
  return {
    term: readU64(view, 0, 'term') as Term,
    index: readU64(view, 8, 'index') as LogIndex,
    type: type === 0 ? 'normal' : 'config-change',
    // A view of the record's bytes, which view the buffer the WAL read the segment into (its own,
    // never reused): the replay decides what to keep of it (RaftLogStore, keptWithoutSparseViews).
    data: payload.subarray(entryHeaderBytes),
  };
}

export function encodeHardStateRecord(hardState: HardState): Uint8Array {
  const bytes = new Uint8Array(hardStateBytes);
  const view = new DataView(bytes.buffer);
  writeU64(view, 0, hardState.term);
  view.setUint32(8, hardState.vote ?? 0, true);
  writeU64(view, 12, hardState.commit);
  return bytes;
}

export function decodeHardStateRecord(payload: Uint8Array): HardState {
  if (payload.byteLength !== hardStateBytes) throw new WalRecordDecodeError('hard state record has the wrong size');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const vote = view.getUint32(8, true);
  return { term: readU64(view, 0, 'term') as Term, vote: vote === 0 ? undefined : (vote as NodeId), commit: readU64(view, 12, 'commit') as LogIndex };
}

export function encodeSnapshotMarkRecord(mark: { index: LogIndex; term: Term }): Uint8Array {
  const bytes = new Uint8Array(snapshotMarkBytes);
  const view = new DataView(bytes.buffer);
  writeU64(view, 0, mark.index);
  writeU64(view, 8, mark.term);
  return bytes;
}

export function decodeSnapshotMarkRecord(payload: Uint8Array): { index: LogIndex; term: Term } {
  if (payload.byteLength !== snapshotMarkBytes) throw new WalRecordDecodeError('snapshot mark has the wrong size');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return { index: readU64(view, 0, 'index') as LogIndex, term: readU64(view, 8, 'term') as Term };
}

/** Snapshot metadata as stored in a snapshot file's metadata section (JSON: small and inspectable). */
export function encodeSnapshotMetadata(metadata: SnapshotMetadata): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ index: metadata.index, term: metadata.term, voters: metadata.configState.voters, learners: metadata.configState.learners }));
}

export function decodeSnapshotMetadata(bytes: Uint8Array): SnapshotMetadata {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new WalRecordDecodeError('snapshot metadata is not JSON');
  }
  const value = parsed as { index?: unknown; term?: unknown; voters?: unknown; learners?: unknown };
  const isIds = (ids: unknown): ids is number[] => Array.isArray(ids) && ids.every((id) => Number.isSafeInteger(id) && (id as number) > 0);
  if (!Number.isSafeInteger(value.index) || !Number.isSafeInteger(value.term) || !isIds(value.voters) || !isIds(value.learners)) {
    throw new WalRecordDecodeError('snapshot metadata has missing or invalid fields');
  }
  const configState: ConfigState = { voters: value.voters as NodeId[], learners: value.learners as NodeId[] };
  return { index: value.index as LogIndex, term: value.term as Term, configState };
}
