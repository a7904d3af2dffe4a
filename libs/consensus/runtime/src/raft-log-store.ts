import {
  type ConfigState,
  emptyHardState,
  type Entry,
  type HardState,
  type LogIndex,
  MemoryStorage,
  type Ready,
  type Snapshot,
  type Term,
} from '@objectbox/consensus-core';
import type { Storage as ReplicaStorage, WalAppendRecord } from '@objectbox/storage-runtime';
import { assert } from '@objectbox/util';
import {
  decodeEntryRecord,
  decodeHardStateRecord,
  decodeSnapshotMarkRecord,
  decodeSnapshotMetadata,
  encodeEntryRecord,
  encodeHardStateRecord,
  encodeSnapshotMarkRecord,
  encodeSnapshotMetadata,
  raftWalRecordType,
} from './raft-wal-codec.js';
import { WalRecordDecodeError } from './raft-wal-errors.js';

/**
 * A replica's durable Raft state: the WAL and snapshot store of libs/storage-runtime underneath,
 * and the core's {@link MemoryStorage} as the in-memory view the core reads.
 *
 * Order of durability (Raft's "persist before you send"): `persist(ready)` saves a received
 * snapshot first, then appends entries and hard state in one WAL append, which resolves only after
 * fsync; only then does the in-memory view change and may the driver send `ready.messages`.
 */
export class RaftLogStore {
  /** WAL index of each stored entry, by Raft index, to find what compaction may drop. */
  private readonly walIndexOfEntry = new Map<number, number>();

  private constructor(
    private readonly storage: ReplicaStorage,
    /** The view the Raft core reads. Invariant: equal to what is durable. */
    readonly memory: MemoryStorage,
    /** The snapshot loaded at open, if any: the state machine restores from it. */
    readonly snapshotAtOpen: Snapshot | undefined,
  ) {}

  /**
   * Rebuilds the Raft state from the latest valid snapshot and the WAL. `initialConfigState` is
   * the membership of a brand-new group (ignored once a snapshot exists).
   */
  static async open(storage: ReplicaStorage, initialConfigState: ConfigState): Promise<RaftLogStore> {
    const loaded = await storage.snapshots.loadLatest();
    const snapshot = loaded === null ? undefined : { metadata: decodeSnapshotMetadata(loaded.metadata), data: loaded.payload };
    const memory = new MemoryStorage({ configState: initialConfigState });
    if (snapshot !== undefined) memory.applySnapshot(snapshot);
    const store = new RaftLogStore(storage, memory, snapshot);
    await store.replay(snapshot?.metadata.index ?? (0 as LogIndex));
    return store;
  }

  private async replay(snapshotIndex: LogIndex): Promise<void> {
    let hardState: HardState = emptyHardState;
    const entries: Entry[] = [];
    const walIndexes: number[] = [];
    for await (const record of this.storage.wal.readRecords({ fromIndex: this.storage.wal.firstIndex })) {
      if (record.type === raftWalRecordType.hardState) hardState = decodeHardStateRecord(record.payload);
      else if (record.type === raftWalRecordType.entry) {
        const entry = decodeEntryRecord(record.payload);
        if (entry.index <= snapshotIndex) continue;
        // A rewritten index supersedes the old entry and everything after it (etcd wal.ReadAll).
        const keep = entries.length === 0 ? 0 : Math.max(0, Math.min(entries.length, entry.index - (entries[0] as Entry).index));
        entries.length = keep;
        walIndexes.length = keep;
        assert(entries.length === 0 || entry.index === (entries.at(-1) as Entry).index + 1, `WAL entries are not contiguous at ${entry.index}`);
        entries.push(entry);
        walIndexes.push(record.index);
      } else if (record.type === raftWalRecordType.snapshotMark) decodeSnapshotMarkRecord(record.payload);
    }
    if (entries.length > 0 && (entries[0] as Entry).index !== snapshotIndex + 1) {
      // The WAL holds entries after a gap: only possible if the snapshot they followed was lost.
      throw new WalRecordDecodeError(`WAL entries start at ${(entries[0] as Entry).index} but the snapshot ends at ${snapshotIndex}`);
    }
    this.memory.setHardState(hardState);
    this.memory.append(entries);
    entries.forEach((entry, position) => this.walIndexOfEntry.set(entry.index, walIndexes[position] as number));
  }

  /**
   * Makes the Ready's snapshot, entries and hard state durable, then updates the in-memory view.
   * A Ready that only advances the commit index is written without waiting for its fsync: Raft
   * keeps the commit index in volatile state (Raft paper figure 2), and a replica that restarts
   * with an older one learns it again from the leader. The WAL keeps appends in order, and a
   * failed write fails the next awaited append, which stops the replica.
   */
  async persist(ready: Pick<Ready, 'snapshot' | 'entries' | 'hardState'>): Promise<void> {
    if (ready.snapshot === undefined && ready.entries.length === 0 && ready.hardState !== undefined && this.changesOnlyCommit(ready.hardState)) {
      this.storage.wal.append([{ type: raftWalRecordType.hardState, payload: encodeHardStateRecord(ready.hardState) }]).catch(() => undefined);
      this.memory.setHardState(ready.hardState);
      return;
    }
    if (ready.snapshot !== undefined) await this.saveSnapshot(ready.snapshot);
    const records: WalAppendRecord[] = ready.entries.map((entry) => ({ type: raftWalRecordType.entry, payload: encodeEntryRecord(entry) }));
    if (ready.hardState !== undefined) records.push({ type: raftWalRecordType.hardState, payload: encodeHardStateRecord(ready.hardState) });
    if (records.length > 0) {
      const { firstIndex } = await this.storage.wal.append(records);
      ready.entries.forEach((entry, position) => this.walIndexOfEntry.set(entry.index, firstIndex + position));
    }
    if (ready.snapshot !== undefined) this.memory.applySnapshot(ready.snapshot);
    if (ready.entries.length > 0) this.memory.append(ready.entries);
    if (ready.hardState !== undefined) this.memory.setHardState(ready.hardState);
  }

  private changesOnlyCommit(hardState: HardState): boolean {
    const current = this.memory.initialState().hardState;
    return hardState.term === current.term && hardState.vote === current.vote;
  }

  /**
   * Takes a snapshot of the applied state at `index` (the state machine's bytes in `data`), makes
   * it durable, then compacts the in-memory log and drops WAL segments wholly before it.
   */
  async compact(options: { index: LogIndex; configState: ConfigState; data: Uint8Array; entriesToKeep: number }): Promise<void> {
    const snapshot = this.memory.createSnapshot({ index: options.index, configState: options.configState, data: options.data });
    await this.saveSnapshot(snapshot);
    const compactIndex = Math.max(this.memory.firstIndex() - 1, options.index - options.entriesToKeep) as LogIndex;
    if (compactIndex >= this.memory.firstIndex()) this.memory.compact(compactIndex);
  }

  private async saveSnapshot(snapshot: Snapshot): Promise<void> {
    await this.storage.snapshots.save({ metadata: encodeSnapshotMetadata(snapshot.metadata), payload: snapshot.data });
    // The mark plus a fresh hard state make every WAL record before them unnecessary for replay.
    const { firstIndex } = await this.storage.wal.append([
      { type: raftWalRecordType.snapshotMark, payload: encodeSnapshotMarkRecord({ index: snapshot.metadata.index, term: snapshot.metadata.term as Term }) },
      { type: raftWalRecordType.hardState, payload: encodeHardStateRecord({ ...this.memory.initialState().hardState, commit: Math.max(this.memory.initialState().hardState.commit, snapshot.metadata.index) as LogIndex }) },
    ]);
    let keepFrom = firstIndex;
    for (const [raftIndex, walIndex] of this.walIndexOfEntry) {
      if (raftIndex <= snapshot.metadata.index) this.walIndexOfEntry.delete(raftIndex);
      else keepFrom = Math.min(keepFrom, walIndex);
    }
    await this.storage.wal.truncatePrefix(keepFrom);
  }

  async close(): Promise<void> {
    await this.storage.wal.close();
  }
}
