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
import type { WalRecord } from '@objectbox/storage-core';
import type { Storage as ReplicaStorage, WalAppendRecord } from '@objectbox/storage-runtime';
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
import { keptWithoutSparseViews, withPackedData } from './entry-data-packing.js';
import { WalRecordDecodeError } from './raft-wal-errors.js';

/** An entry read back from the WAL, with the WAL index of its record. */
export interface ReplayedEntry {
  readonly entry: Entry;
  readonly walIndex: number;
}

/**
 * Adds a replayed entry to the log rebuilt so far, in place: it supersedes any entry at its index
 * or later. The first entry may start anywhere (the WAL prefix before it was dropped after a
 * snapshot).
 */
function replayEntry(entries: ReplayedEntry[], replayed: ReplayedEntry): void {
  const first = entries[0]?.entry.index;
  if (first !== undefined) entries.length = Math.max(0, Math.min(entries.length, replayed.entry.index - first));
  const last = entries.at(-1)?.entry.index;
  if (last !== undefined && replayed.entry.index !== last + 1) throw new WalRecordDecodeError(`WAL entry ${replayed.entry.index} does not follow entry ${last}`);
  entries.push(replayed);
}

/**
 * Accumulates the Raft state found in WAL records, in WAL order. Feed it from the WAL's recovery
 * pass (`openStorage({ onRecoveredRecord: (record) => replay.accept(record) })`, one read of the
 * log) and hand it to {@link RaftLogStore.open}; without one, `open` reads the WAL again itself.
 */
export class RaftWalReplay {
  hardState: HardState = emptyHardState;
  /** Invariant: contiguous indexes; a rewritten index superseded the old one and its suffix. */
  entries: ReplayedEntry[] = [];
  /** Index of the last snapshot mark or installed snapshot seen. */
  markIndex = 0;

  accept(record: WalRecord): void {
    if (record.type === raftWalRecordType.hardState) this.hardState = decodeHardStateRecord(record.payload);
    else if (record.type === raftWalRecordType.entry) replayEntry(this.entries, { entry: decodeEntryRecord(record.payload), walIndex: record.index });
    else if (record.type === raftWalRecordType.snapshotMark) this.markIndex = decodeSnapshotMarkRecord(record.payload).index;
    else if (record.type === raftWalRecordType.snapshotInstalled) {
      this.markIndex = decodeSnapshotMarkRecord(record.payload).index;
      this.entries = [];
    }
  }
}

/**
 * A local snapshot whose file is being written in the background: see
 * {@link RaftLogStore.startCompaction}.
 */
export interface PendingCompaction {
  readonly snapshot: Snapshot;
  readonly entriesToKeep: number;
  /** Resolves once the snapshot file is durable; rejects on an I/O error. */
  readonly saved: Promise<void>;
  /** Which installed snapshot the log was based on when this started. */
  readonly installGeneration: number;
}

/** How long a failed or mismatched load of released snapshot bytes waits before the next try. */
export const snapshotLoadRetryMs = 1000;

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
  /** Serialises snapshot file saves (the snapshot store numbers files in save order). */
  private snapshotSaveTail: Promise<unknown> = Promise.resolve();
  /** Counts snapshots received from the leader and installed; a pending local compaction older than one is dropped. */
  private installGeneration = 0;

  /**
   * Called when a write that nobody awaits (a commit-only hard state) fails. The WAL refuses all
   * further appends after a failed fsync, so the owner should stop the replica at once rather than
   * at its next write. Defaults to doing nothing (the next awaited append fails).
   */
  onBackgroundFailure: (error: unknown) => void = () => undefined;

  /**
   * Loading released snapshot bytes back failed or found another snapshot: the core asks again on a
   * later heartbeat answer, after {@link snapshotLoadRetryMs}. Not a persistence failure (nothing
   * acknowledged depends on it), so the owner logs it and the replica keeps serving.
   */
  onSnapshotLoadProblem: (problem: string, error?: unknown) => void = () => undefined;

  private constructor(
    private readonly storage: ReplicaStorage,
    /** The view the Raft core reads. Invariant: equal to what is durable. */
    readonly memory: MemoryStorage,
    /** The snapshot loaded at open, if any: the state machine restores from it. Cleared by {@link releaseSnapshotData}. */
    public snapshotAtOpen: Snapshot | undefined,
  ) {}

  /** The load of released snapshot bytes in progress, if any. */
  private snapshotLoad: Promise<void> | undefined;
  /** No new load before this (ms since the epoch): each one reads and checksums the whole image. */
  private snapshotLoadNotBeforeMs = 0;

  /**
   * Lets go of the current snapshot's bytes (and of {@link snapshotAtOpen}): they are in the
   * snapshot file, and held in memory they cost as much as the state machine's image for as long
   * as the replica runs (the object store: ~280 bytes per object). Call once the state machine no
   * longer needs them. When the core needs them to send to a follower, they are loaded back from
   * the file, and the core tries again on a later heartbeat answer.
   */
  releaseSnapshotData(): void {
    this.snapshotAtOpen = undefined;
    this.memory.releaseSnapshotData((index) => this.loadSnapshotData(index));
  }

  private loadSnapshotData(index: LogIndex): void {
    if (this.snapshotLoad !== undefined || Date.now() < this.snapshotLoadNotBeforeMs) return;
    const backOff = (problem: string, error?: unknown): void => {
      this.snapshotLoadNotBeforeMs = Date.now() + snapshotLoadRetryMs;
      this.onSnapshotLoadProblem(problem, error);
    };
    this.snapshotLoad = this.storage.snapshots
      .loadLatest()
      .then((loaded) => {
        const loadedIndex = loaded === null ? null : decodeSnapshotMetadata(loaded.metadata).index;
        if (loaded !== null && loadedIndex === index) this.memory.restoreSnapshotData(index, loaded.payload);
        // A newer snapshot may have replaced the one wanted meanwhile (the core then asks for that
        // one), or the newest file failed its checksum and an older one came back.
        else backOff(`the snapshot file holds index ${String(loadedIndex)}, not ${index}`);
      })
      .catch((error: unknown) => backOff('reading the snapshot file failed', error))
      .finally(() => {
        this.snapshotLoad = undefined;
      });
  }

  /**
   * Rebuilds the Raft state from the latest valid snapshot and the WAL. `initialConfigState` is
   * the membership of a brand-new group (ignored once a snapshot exists).
   *
   * The hard state's commit index is raised to the snapshot's index when the WAL holds an older
   * one: a snapshot holds only committed entries, and the snapshot file becomes durable before the
   * WAL records that follow it (and the un-awaited commit-only appends of `persist` may be lost).
   *
   * @throws WalRecordDecodeError when the records do not form a log on top of the snapshot (a
   *   newer snapshot the WAL continues from is missing), and the storage runtime's errors.
   */
  static async open(storage: ReplicaStorage, initialConfigState: ConfigState, replayed?: RaftWalReplay): Promise<RaftLogStore> {
    const loaded = await storage.snapshots.loadLatest();
    const snapshot = loaded === null ? undefined : { metadata: decodeSnapshotMetadata(loaded.metadata), data: loaded.payload };
    const memory = new MemoryStorage({ configState: initialConfigState });
    if (snapshot !== undefined) memory.applySnapshot(snapshot);
    const store = new RaftLogStore(storage, memory, snapshot);
    let replay = replayed;
    if (replay === undefined) {
      replay = new RaftWalReplay();
      for await (const record of storage.wal.readRecords({ fromIndex: storage.wal.firstIndex })) replay.accept(record);
    }
    store.replay(replay, snapshot?.metadata ?? { index: 0 as LogIndex, term: 0 as Term });
    return store;
  }

  /**
   * Replays the WAL in order: an entry at an index already present supersedes it and everything
   * after it (etcd wal.ReadAll); a `snapshotInstalled` mark supersedes every entry before it. Then
   * keeps the entries after the snapshot. A snapshot newer than the last mark was saved just before
   * a crash, before its mark: a received one replaced a log that did not hold its (index, term), so
   * the old entries after it are dropped unless the log holds that entry (etcd raft `restore`).
   */
  private replay(replay: RaftWalReplay, snapshot: { index: LogIndex; term: Term }): void {
    let { hardState, entries } = replay;
    if (snapshot.index > replay.markIndex && !entries.some(({ entry }) => entry.index === snapshot.index && entry.term === snapshot.term)) entries = [];
    entries = entries.filter(({ entry }) => entry.index > snapshot.index);
    if (entries.length > 0 && (entries[0] as ReplayedEntry).entry.index !== snapshot.index + 1) {
      // The WAL holds entries after a gap: only possible if the snapshot they followed was lost.
      throw new WalRecordDecodeError(`WAL entries start at ${(entries[0] as ReplayedEntry).entry.index} but the snapshot ends at ${snapshot.index}`);
    }
    const lastIndex = entries.at(-1)?.entry.index ?? snapshot.index;
    if (hardState.commit < snapshot.index) hardState = { ...hardState, commit: snapshot.index };
    if (hardState.commit > lastIndex) throw new WalRecordDecodeError(`commit index ${hardState.commit} is beyond the last entry ${lastIndex}: a snapshot is missing`);
    this.memory.setHardState(hardState);
    // Views of the WAL's read buffers: each is one segment file's own buffer (not a slice of Node's
    // pool), freed once the entries viewing it are compacted. Packing them all here (as appends
    // are) copied the whole log and held it twice while a replica opened (2 GiB for a 1 GiB WAL);
    // only views that would hold a mostly unused buffer are packed.
    this.memory.append(keptWithoutSparseViews(entries.map(({ entry }) => entry)));
    for (const { entry, walIndex } of entries) this.walIndexOfEntry.set(entry.index, walIndex);
  }

  /**
   * A hard state that only advanced the commit index, not written yet: it goes into the next WAL
   * append (see `persist`'s `deferCommitOnly`), or is written at {@link close}.
   */
  private deferredHardState: HardState | undefined;

  /**
   * Makes the Ready's snapshot, entries and hard state durable, then updates the in-memory view.
   * A Ready that only advances the commit index is written without waiting for its fsync: Raft
   * keeps the commit index in volatile state (Raft paper figure 2), and a replica that restarts
   * with an older one learns it again from the leader. The WAL keeps appends in order, and a
   * failed write fails the next awaited append, which stops the replica.
   *
   * With `deferCommitOnly`, such a hard state is not written by itself at all but with the next
   * append (or at close): under load every batch's commit cost the leader a second WAL write
   * and device flush per batch, on the disk its followers' writes share, for a value no correct
   * restart depends on. A crash loses it as it could lose the unawaited write.
   */
  async persist(ready: Pick<Ready, 'snapshot' | 'entries' | 'hardState'>, options: { readonly deferCommitOnly?: boolean } = {}): Promise<void> {
    if (ready.snapshot === undefined && ready.entries.length === 0 && ready.hardState !== undefined && this.changesOnlyCommit(ready.hardState)) {
      if (options.deferCommitOnly === true) {
        this.deferredHardState = ready.hardState;
        return;
      }
      this.deferredHardState = undefined;
      this.storage.wal.append([{ type: raftWalRecordType.hardState, payload: encodeHardStateRecord(ready.hardState) }]).catch((error: unknown) => this.onBackgroundFailure(error));
      this.memory.setHardState(ready.hardState);
      return;
    }
    if (ready.snapshot !== undefined) await this.saveSnapshot(ready.snapshot, raftWalRecordType.snapshotInstalled);
    const records: WalAppendRecord[] = ready.entries.map((entry) => ({ type: raftWalRecordType.entry, payload: encodeEntryRecord(entry) }));
    // A newer hard state replaces a deferred one (it carries the commit index too).
    const hardState = ready.hardState ?? (records.length > 0 ? this.deferredHardState : undefined);
    if (hardState !== undefined) {
      records.push({ type: raftWalRecordType.hardState, payload: encodeHardStateRecord(hardState) });
      this.deferredHardState = undefined;
    }
    if (records.length > 0) {
      const { firstIndex } = await this.storage.wal.append(records);
      ready.entries.forEach((entry, position) => this.walIndexOfEntry.set(entry.index, firstIndex + position));
      // Entries after the last one written were superseded: their records need not be kept.
      const lastWritten = ready.entries.at(-1)?.index;
      if (lastWritten !== undefined) for (let index = lastWritten + 1; this.walIndexOfEntry.delete(index); index++);
    }
    if (ready.snapshot !== undefined) this.memory.applySnapshot(ready.snapshot);
    // The log keeps entries for seconds: in a buffer of their own, not the memory they came in.
    if (ready.entries.length > 0) this.memory.append(withPackedData(ready.entries));
    if (hardState !== undefined) this.memory.setHardState(hardState);
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
    const pending = this.startCompaction(options);
    await pending.saved;
    await this.finishCompaction(pending);
  }

  /**
   * The first half of {@link compact}, for a driver that keeps replicating meanwhile: records the
   * snapshot in memory and writes its file in the background (a large state machine's file takes
   * tens to hundreds of milliseconds to checksum, write and fsync, and a Ready loop waiting for it
   * stalls every write of the group). Once `saved` resolves, call {@link finishCompaction} from
   * the Ready loop, between two `persist` calls: it appends to the WAL. Until then the WAL and
   * the in-memory log are unchanged, and a crash leaves a snapshot file without its mark, which
   * `open` handles. The file is written only after `effectsDurable` resolves (and not if it rejects).
   */
  startCompaction(options: { index: LogIndex; configState: ConfigState; data: Uint8Array; entriesToKeep: number; effectsDurable?: Promise<void> }): PendingCompaction {
    const snapshot = this.memory.createSnapshot({ index: options.index, configState: options.configState, data: options.data });
    const saved = this.saveSnapshotFile(snapshot, options.effectsDurable);
    return { snapshot, entriesToKeep: options.entriesToKeep, saved, installGeneration: this.installGeneration };
  }

  /**
   * Appends the mark of a saved local snapshot and drops the log before it (WAL segments and the
   * in-memory entries beyond `entriesToKeep`). Does nothing when a snapshot from the leader was
   * installed since `startCompaction`: the older mark after it would mislead replay.
   */
  async finishCompaction(pending: PendingCompaction): Promise<void> {
    if (pending.installGeneration !== this.installGeneration) return;
    await this.appendSnapshotMark(pending.snapshot, raftWalRecordType.snapshotMark);
    const compactIndex = Math.max(this.memory.firstIndex() - 1, pending.snapshot.metadata.index - pending.entriesToKeep) as LogIndex;
    if (compactIndex >= this.memory.firstIndex()) this.memory.compact(compactIndex);
  }

  /**
   * Writes the snapshot file after any earlier one and after `effectsDurable`: `open` restores from
   * the newest file whether or not its WAL mark was written, so the file may exist only once what
   * the entries it replaces did outside the log is durable.
   */
  private saveSnapshotFile(snapshot: Snapshot, effectsDurable?: Promise<void>): Promise<void> {
    const saved = this.snapshotSaveTail.then(async () => {
      await effectsDurable;
      await this.storage.snapshots.save({ metadata: encodeSnapshotMetadata(snapshot.metadata), payload: snapshot.data });
    });
    this.snapshotSaveTail = saved.catch(() => undefined);
    return saved;
  }

  /**
   * Saves `snapshot`, then appends its mark: `snapshotInstalled` for one received from the leader
   * (it replaces the log), `snapshotMark` for a local compaction (the entries after it stay).
   * Snapshot first: a mark without its snapshot would make replay drop entries nothing replaces.
   */
  private async saveSnapshot(snapshot: Snapshot, markType: typeof raftWalRecordType.snapshotMark | typeof raftWalRecordType.snapshotInstalled): Promise<void> {
    // After any local snapshot still being written: the newest file must be this one.
    await this.saveSnapshotFile(snapshot);
    await this.appendSnapshotMark(snapshot, markType);
  }

  private async appendSnapshotMark(snapshot: Snapshot, markType: typeof raftWalRecordType.snapshotMark | typeof raftWalRecordType.snapshotInstalled): Promise<void> {
    if (markType === raftWalRecordType.snapshotInstalled) {
      this.walIndexOfEntry.clear();
      this.installGeneration++;
    }
    // The mark plus a fresh hard state make every WAL record before them unnecessary for replay.
    const { firstIndex } = await this.storage.wal.append([
      { type: markType, payload: encodeSnapshotMarkRecord({ index: snapshot.metadata.index, term: snapshot.metadata.term as Term }) },
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
    const deferred = this.deferredHardState;
    this.deferredHardState = undefined;
    // Best effort, like the unawaited commit-only write: a restart without it learns the commit again.
    if (deferred !== undefined) await this.storage.wal.append([{ type: raftWalRecordType.hardState, payload: encodeHardStateRecord(deferred) }]).catch(() => undefined);
    await this.snapshotSaveTail;
    await this.snapshotLoad;
    await this.storage.wal.close();
  }
}
