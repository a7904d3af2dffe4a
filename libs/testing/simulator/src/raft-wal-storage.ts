/**
 * Durable Raft state on the storage runtime: a replica's `Wal` and `SnapshotStore` (on any
 * `StorageFileSystem`) underneath, and the core's `MemoryStorage` as the in-memory view the core
 * reads. Used by the simulator; it is the adapter a real driver needs too.
 *
 * WAL contents, append-only in the style of etcd's wal: `entry` records and `hard-state`
 * records. Replaying them in order rebuilds the log: an entry at an index already present
 * supersedes it and everything after it (MemoryStorage.append), so a conflicting suffix is never
 * rewritten in place. Within one `persist`, entries precede the hard state in a single WAL append:
 * a torn append keeps at most a prefix of its records, so a surviving hard state never has a
 * commit index beyond the entries that survived with it.
 *
 * Snapshots: the snapshot file's metadata carries the Raft snapshot metadata, the hard state
 * durable when it was taken and `replayFromWalIndex`, the first WAL record to replay on top of
 * it. A snapshot received from the leader replaces the whole log, so it replays only records
 * written after it; a local compaction snapshot replays from the record that wrote the entry after
 * it. The WAL prefix before `replayFromWalIndex` is dropped after the snapshot is durable.
 *
 * Order of durability (Raft's "persist before you send"): `persist(ready)` saves a received
 * snapshot, then appends entries and hard state and resolves only after fsync; only then does the
 * in-memory view change, and only then may the driver send the Ready's messages.
 */
import {
  emptyHardState,
  MemoryStorage,
  type ConfigState,
  type Entry,
  type HardState,
  type LogIndex,
  type NodeId,
  type Ready,
  type Snapshot,
  type Term,
} from '@objectbox/consensus-core';
import type { StorageFileSystem } from '@objectbox/storage-core';
import { openStorage, type Storage, type StorageLogger, type WalAppendRecord } from '@objectbox/storage-runtime';
import { assert } from '@objectbox/util';
import { RaftStorageCorruptionError } from './errors.js';

/** WAL record types written by {@link RaftWalStorage}. */
export const raftWalRecordType = {
  /** [term f64][index f64][type u8: 0 normal, 1 config-change][data]. */
  entry: 1,
  /** [term f64][vote f64, 0 = none][commit f64]. */
  hardState: 2,
} as const;

const entryRecordHeaderBytes = 17;
const hardStateRecordBytes = 24;

/** Options of {@link RaftWalStorage.open}; sizes are passed to `openStorage` unchanged. */
export interface RaftWalStorageOptions {
  readonly fileSystem: StorageFileSystem;
  /** Data directory of this replica (absolute, '/'-separated). */
  readonly directory: string;
  readonly clusterId: string;
  /** Membership of a brand-new replica: the bootstrap voters, or empty for a joining node. */
  readonly initialConfigState: ConfigState;
  readonly segmentSizeBytes: number;
  readonly recordPayloadBytesMax: number;
  readonly pendingBytesMax: number;
  readonly snapshotPayloadBytesMax: number;
  /** At least 2, so a damaged newest snapshot can fall back to the previous one. */
  readonly snapshotRetainCount: number;
  readonly logger: StorageLogger;
}

/** What the snapshot file's metadata holds besides the application payload. */
interface SnapshotFileMetadata {
  readonly index: number;
  readonly term: number;
  readonly voters: readonly number[];
  readonly learners: readonly number[];
  readonly hardState: { readonly term: number; readonly vote: number; readonly commit: number };
  readonly replayFromWalIndex: number;
}

/** See the module comment. Not safe for overlapping calls: the driver awaits each one. */
export class RaftWalStorage {
  /**
   * WAL index of the record that wrote each entry of the current log, by Raft index.
   * Invariant: defined for every index in (snapshot index, lastIndex] of `memory` that was
   * written since the snapshot's replay point, and increasing with the Raft index.
   */
  readonly #walIndexOfEntry = new Map<number, number>();
  #hardStateDurable: HardState;

  private constructor(
    readonly storage: Storage,
    /** The view the Raft core reads. Invariant: equal to what is durable. */
    readonly memory: MemoryStorage,
    /** The snapshot loaded at open, if any: the state machine restores from it. */
    readonly snapshotAtOpen: Snapshot | undefined,
    hardState: HardState,
  ) {
    this.#hardStateDurable = hardState;
  }

  /**
   * Opens the replica's storage and rebuilds the Raft state from the newest valid snapshot and the
   * WAL. The hard state's commit is raised to the snapshot index when lower (a snapshot holds only
   * committed entries, and the core requires commit >= its first index - 1).
   *
   * @throws WalCorruptionError, SnapshotCorruptionError, ChecksumMismatchError,
   *   ClusterIdMismatchError, DataDirectoryInvalidError from the storage runtime, and
   *   RaftStorageCorruptionError when the records do not form a log (a gap after a damaged
   *   snapshot was skipped, an undecodable record).
   */
  static async open(options: RaftWalStorageOptions): Promise<RaftWalStorage> {
    const storage = await openStorage({ ...options, directory: options.directory });
    const loaded = await storage.snapshots.loadLatest();
    const fileMetadata = loaded === null ? undefined : decodeSnapshotFileMetadata(loaded.metadata);
    const memory = new MemoryStorage({ configState: options.initialConfigState });
    let snapshot: Snapshot | undefined;
    let hardState = emptyHardState;
    if (fileMetadata !== undefined) {
      snapshot = { metadata: snapshotMetadataOf(fileMetadata), data: loaded!.payload };
      memory.applySnapshot(snapshot);
      hardState = hardStateOf(fileMetadata.hardState);
    }
    const store = new RaftWalStorage(storage, memory, snapshot, hardState);
    await store.#replay(fileMetadata?.replayFromWalIndex ?? 1);
    return store;
  }

  /** The hard state the core restarts from (what `memory.initialState()` reports). */
  get hardState(): HardState {
    return this.#hardStateDurable;
  }

  async #replay(replayFromWalIndex: number): Promise<void> {
    const wal = this.storage.wal;
    if (wal.firstIndex > replayFromWalIndex) {
      throw new RaftStorageCorruptionError('wal-gap', `snapshot replays from WAL record ${replayFromWalIndex} but the WAL starts at ${wal.firstIndex}`);
    }
    // A crash may have emptied the WAL before it continued past the snapshot (see Wal.truncatePrefix).
    if (wal.lastIndex + 1 < replayFromWalIndex) await wal.truncatePrefix(replayFromWalIndex);
    for await (const record of wal.readRecords({ fromIndex: replayFromWalIndex })) {
      if (record.type === raftWalRecordType.entry) this.#replayEntry(decodeEntryRecord(record.payload), record.index);
      else if (record.type === raftWalRecordType.hardState) this.#hardStateDurable = decodeHardStateRecord(record.payload);
      else throw new RaftStorageCorruptionError('record-invalid', `unknown record type ${record.type} at WAL index ${record.index}`);
    }
    const snapshotIndex = this.memory.snapshot().metadata.index;
    if (this.#hardStateDurable.commit < snapshotIndex) this.#hardStateDurable = { ...this.#hardStateDurable, commit: snapshotIndex };
    this.memory.setHardState(this.#hardStateDurable);
  }

  #replayEntry(entry: Entry, walIndex: number): void {
    const lastIndex = this.memory.lastIndex();
    if (entry.index > lastIndex + 1) {
      throw new RaftStorageCorruptionError('wal-gap', `entry ${entry.index} follows last index ${lastIndex} (WAL record ${walIndex})`);
    }
    this.#appendToMemory([entry], walIndex);
  }

  #appendToMemory(entries: readonly Entry[], firstWalIndex: number): void {
    if (entries.length === 0) return;
    const snapshotIndex = this.memory.snapshot().metadata.index;
    for (const [offset, entry] of entries.entries()) {
      if (entry.index > snapshotIndex) this.#walIndexOfEntry.set(entry.index, firstWalIndex + offset);
    }
    const lastWritten = entries.at(-1)!.index;
    for (let index = lastWritten + 1; this.#walIndexOfEntry.delete(index); index++);
    this.memory.append(entries);
  }

  /**
   * Makes `ready`'s snapshot, entries and hard state durable, then updates `memory`. Resolves
   * after fsync: only then may the Ready's messages be sent. Rejects with the WAL's or snapshot
   * store's error when the I/O fails; the replica must then restart from disk.
   */
  async persist(ready: Ready): Promise<void> {
    if (ready.snapshot !== undefined) await this.#installSnapshot(ready.snapshot);
    const records: WalAppendRecord[] = ready.entries.map((entry) => ({ type: raftWalRecordType.entry, payload: encodeEntryRecord(entry) }));
    if (ready.hardState !== undefined) records.push({ type: raftWalRecordType.hardState, payload: encodeHardStateRecord(ready.hardState) });
    if (records.length === 0) return;
    const appended = await this.storage.wal.append(records);
    this.#appendToMemory(ready.entries, appended.firstIndex);
    if (ready.hardState !== undefined) {
      this.#hardStateDurable = ready.hardState;
      this.memory.setHardState(ready.hardState);
    }
  }

  /** A snapshot from the leader replaces the log: it replays only WAL records written after it. */
  async #installSnapshot(snapshot: Snapshot): Promise<void> {
    const wal = this.storage.wal;
    const replayFromWalIndex = wal.lastIndex + 1;
    const hardState = this.#hardStateDurable.commit >= snapshot.metadata.index ? this.#hardStateDurable : { ...this.#hardStateDurable, commit: snapshot.metadata.index };
    await this.storage.snapshots.save({ metadata: encodeSnapshotFileMetadata(snapshot, hardState, replayFromWalIndex), payload: snapshot.data });
    this.memory.applySnapshot(snapshot);
    this.#walIndexOfEntry.clear();
    await wal.truncatePrefix(replayFromWalIndex);
  }

  /**
   * Log compaction: durably saves a snapshot of the state machine at `index` (applied, so
   * committed, and not beyond the log), then drops the entries and WAL records it covers.
   * Asserts `index` is newer than the current snapshot and at most lastIndex.
   */
  async compact(options: { index: LogIndex; configState: ConfigState; data: Uint8Array }): Promise<void> {
    const { index } = options;
    assert(index > this.memory.snapshot().metadata.index && index <= this.memory.lastIndex(), `cannot compact at ${index}`);
    const wal = this.storage.wal;
    const replayFromWalIndex = this.#walIndexOfEntry.get(index + 1) ?? wal.lastIndex + 1;
    const metadata = { index, term: this.memory.term(index), configState: options.configState };
    const snapshot: Snapshot = { metadata, data: options.data };
    await this.storage.snapshots.save({ metadata: encodeSnapshotFileMetadata(snapshot, this.#hardStateDurable, replayFromWalIndex), payload: options.data });
    this.memory.createSnapshot(options);
    this.memory.compact(index);
    for (const raftIndex of [...this.#walIndexOfEntry.keys()]) if (raftIndex <= index) this.#walIndexOfEntry.delete(raftIndex);
    await wal.truncatePrefix(replayFromWalIndex);
  }

  /** Waits for queued WAL work and closes the WAL. */
  async close(): Promise<void> {
    await this.storage.wal.close();
  }
}

/** Encodes an entry record payload (see {@link raftWalRecordType}). */
export function encodeEntryRecord(entry: Entry): Uint8Array {
  const bytes = new Uint8Array(entryRecordHeaderBytes + entry.data.byteLength);
  const view = new DataView(bytes.buffer);
  view.setFloat64(0, entry.term, true);
  view.setFloat64(8, entry.index, true);
  view.setUint8(16, entry.type === 'normal' ? 0 : 1);
  bytes.set(entry.data, entryRecordHeaderBytes);
  return bytes;
}

/** Decodes {@link encodeEntryRecord}; throws RaftStorageCorruptionError on malformed bytes. */
export function decodeEntryRecord(payload: Uint8Array): Entry {
  if (payload.byteLength < entryRecordHeaderBytes) throw new RaftStorageCorruptionError('record-invalid', 'entry record too short');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const typeCode = view.getUint8(16);
  if (typeCode > 1) throw new RaftStorageCorruptionError('record-invalid', `unknown entry type ${typeCode}`);
  return {
    term: readCount(view, 0, 'term') as Term,
    index: readCount(view, 8, 'index') as LogIndex,
    type: typeCode === 0 ? 'normal' : 'config-change',
    data: payload.slice(entryRecordHeaderBytes),
  };
}

/** Encodes a hard state record payload (see {@link raftWalRecordType}). */
export function encodeHardStateRecord(hardState: HardState): Uint8Array {
  const bytes = new Uint8Array(hardStateRecordBytes);
  const view = new DataView(bytes.buffer);
  view.setFloat64(0, hardState.term, true);
  view.setFloat64(8, hardState.vote ?? 0, true);
  view.setFloat64(16, hardState.commit, true);
  return bytes;
}

/** Decodes {@link encodeHardStateRecord}; throws RaftStorageCorruptionError on malformed bytes. */
export function decodeHardStateRecord(payload: Uint8Array): HardState {
  if (payload.byteLength !== hardStateRecordBytes) throw new RaftStorageCorruptionError('record-invalid', 'hard state record has the wrong size');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return hardStateOf({ term: readCount(view, 0, 'term'), vote: readCount(view, 8, 'vote'), commit: readCount(view, 16, 'commit') });
}

function readCount(view: DataView, offsetBytes: number, field: string): number {
  const value = view.getFloat64(offsetBytes, true);
  if (!Number.isSafeInteger(value) || value < 0) throw new RaftStorageCorruptionError('record-invalid', `${field} ${value} is not a count`);
  return value;
}

function hardStateOf(fields: SnapshotFileMetadata['hardState']): HardState {
  return { term: fields.term as Term, vote: fields.vote === 0 ? undefined : (fields.vote as NodeId), commit: fields.commit as LogIndex };
}

function snapshotMetadataOf(fields: SnapshotFileMetadata): Snapshot['metadata'] {
  return {
    index: fields.index as LogIndex,
    term: fields.term as Term,
    configState: { voters: fields.voters as NodeId[], learners: fields.learners as NodeId[] },
  };
}

function encodeSnapshotFileMetadata(snapshot: Snapshot, hardState: HardState, replayFromWalIndex: number): Uint8Array {
  const { index, term, configState } = snapshot.metadata;
  const fields: SnapshotFileMetadata = {
    index,
    term,
    voters: configState.voters,
    learners: configState.learners,
    hardState: { term: hardState.term, vote: hardState.vote ?? 0, commit: hardState.commit },
    replayFromWalIndex,
  };
  return new TextEncoder().encode(JSON.stringify(fields));
}

function decodeSnapshotFileMetadata(bytes: Uint8Array): SnapshotFileMetadata {
  try {
    const fields = JSON.parse(new TextDecoder().decode(bytes)) as SnapshotFileMetadata;
    const counts = [fields.index, fields.term, fields.hardState.term, fields.hardState.vote, fields.hardState.commit, fields.replayFromWalIndex];
    if (!counts.every((value) => Number.isSafeInteger(value) && value >= 0)) throw new Error('a count is not a non-negative integer');
    if (!Array.isArray(fields.voters) || !Array.isArray(fields.learners)) throw new Error('membership is not two arrays');
    return fields;
  } catch (error) {
    throw new RaftStorageCorruptionError('snapshot-metadata-invalid', String(error));
  }
}
