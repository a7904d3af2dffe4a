/**
 * The read-only view of durable Raft state the core needs, and an in-memory implementation.
 * Modelled on etcd-io/raft storage.go.
 */
import { assert } from '@objectbox/util';
import { LogCompactedError, LogUnavailableError, SnapshotOutOfDateError, SnapshotTemporarilyUnavailableError } from './errors.js';
import {
  emptyConfigState,
  emptyHardState,
  limitEntriesSize,
  type ConfigState,
  type Entry,
  type HardState,
  type LogIndex,
  type Snapshot,
  type SnapshotMetadata,
  type Term,
} from './types.js';

/** What a node restarts from: its last hard state and the membership of its latest snapshot. */
export interface InitialState {
  readonly hardState: HardState;
  readonly configState: ConfigState;
}

/**
 * Durable log, hard state and snapshot as the core reads them. The core never writes through this
 * interface: the driver persists each Ready and then updates the storage it hands the core.
 * All methods are synchronous and must not be called concurrently with writes.
 */
export interface Storage {
  /** The persisted hard state and the configuration of the latest snapshot. */
  initialState(): InitialState;
  /**
   * Entries in the half-open range [lo, hi), limited to `sizeBytesMax` in total but never empty
   * when the range is not. Throws {@link LogCompactedError} if `lo <= snapshot index`; asserts
   * `hi <= lastIndex() + 1`. The returned array and entries must not be mutated by the caller.
   */
  entries(lo: LogIndex, hi: LogIndex, sizeBytesMax: number): Entry[];
  /**
   * The term of the entry at `index`, for `index` in [firstIndex() - 1, lastIndex()] (the entry
   * before the first is the snapshot's). Throws {@link LogCompactedError} below that range and
   * {@link LogUnavailableError} above it.
   */
  term(index: LogIndex): Term;
  /** Index of the first entry available through `entries`; the snapshot index + 1. */
  firstIndex(): LogIndex;
  /** Index of the last entry; equals firstIndex() - 1 when the log is empty. */
  lastIndex(): LogIndex;
  /**
   * The most recent snapshot. May throw `SnapshotTemporarilyUnavailableError` while one is being
   * built; the leader then tries again later.
   */
  snapshot(): Snapshot;
}

/**
 * An in-memory {@link Storage} with the write operations a driver (or a test) performs after each
 * Ready: `setHardState`, `append`, `applySnapshot`, plus `createSnapshot` and `compact`.
 */
export class MemoryStorage implements Storage {
  private hardState: HardState = emptyHardState;
  private currentSnapshot: Snapshot;
  /** Set while the current snapshot's bytes are released: `data` is then `placeholder`. */
  private releasedSnapshot: { readonly placeholder: Uint8Array; readonly wanted: (index: LogIndex) => void } | undefined;
  /**
   * Invariant: entries[0] is a dummy whose index and term are the snapshot's, and
   * entries[i].index === entries[0].index + i.
   */
  private entryList: Entry[];

  /** Creates empty storage whose initial membership is `configState` (the cluster bootstrap). */
  constructor(options: { configState?: ConfigState } = {}) {
    const configState = options.configState ?? emptyConfigState;
    this.currentSnapshot = { metadata: { index: 0 as LogIndex, term: 0 as Term, configState }, data: new Uint8Array() };
    this.entryList = [dummyEntry(0 as LogIndex, 0 as Term)];
  }

  /** See {@link Storage.initialState}. */
  initialState(): InitialState {
    return { hardState: this.hardState, configState: this.currentSnapshot.metadata.configState };
  }

  /** Records the hard state the driver persisted. */
  setHardState(hardState: HardState): void {
    this.hardState = hardState;
  }

  /** See {@link Storage.entries}. */
  entries(lo: LogIndex, hi: LogIndex, sizeBytesMax: number): Entry[] {
    const offset = this.offset();
    if (lo <= offset) throw new LogCompactedError(lo);
    assert(hi <= this.lastIndex() + 1, `entries hi ${hi} is out of bound last index ${this.lastIndex()}`);
    assert(lo <= hi, 'entries range is inverted');
    return limitEntriesSize(this.entryList.slice(lo - offset, hi - offset), sizeBytesMax);
  }

  /** See {@link Storage.term}. */
  term(index: LogIndex): Term {
    const offset = this.offset();
    if (index < offset) throw new LogCompactedError(index);
    const entry = this.entryList[index - offset];
    if (entry === undefined) throw new LogUnavailableError(index);
    return entry.term;
  }

  /** See {@link Storage.firstIndex}. */
  firstIndex(): LogIndex {
    return (this.offset() + 1) as LogIndex;
  }

  /** See {@link Storage.lastIndex}. */
  lastIndex(): LogIndex {
    return (this.offset() + this.entryList.length - 1) as LogIndex;
  }

  /**
   * See {@link Storage.snapshot}. After {@link releaseSnapshotData}, the bytes are not here: this
   * asks the driver for them (`wanted`) and throws `SnapshotTemporarilyUnavailableError` (the
   * leader tries again on a later heartbeat answer); once {@link restoreSnapshotData} brought them,
   * it hands them out once and lets go of them again.
   */
  snapshot(): Snapshot {
    const released = this.releasedSnapshot;
    if (released === undefined) return this.currentSnapshot;
    if (this.currentSnapshot.data === released.placeholder) {
      released.wanted(this.currentSnapshot.metadata.index);
      throw new SnapshotTemporarilyUnavailableError();
    }
    const snapshot = this.currentSnapshot;
    this.currentSnapshot = { metadata: snapshot.metadata, data: released.placeholder };
    return snapshot;
  }

  /** The current snapshot's metadata; unlike {@link snapshot}, available while its bytes are released. */
  snapshotMetadata(): SnapshotMetadata {
    return this.currentSnapshot.metadata;
  }

  /**
   * Stops holding the current snapshot's bytes, which the driver keeps in its snapshot file: a
   * state machine's image can be gigabytes, and it is only needed again to send to a follower the
   * log no longer reaches. `wanted(index)` is called when they are (it should load them and call
   * {@link restoreSnapshotData}). A later snapshot (created or applied) is held again until
   * released in its turn.
   */
  releaseSnapshotData(wanted: (index: LogIndex) => void): void {
    if (this.currentSnapshot.metadata.index === 0) return;
    const placeholder = new Uint8Array();
    this.releasedSnapshot = { placeholder, wanted };
    this.currentSnapshot = { metadata: this.currentSnapshot.metadata, data: placeholder };
  }

  /** Brings back the released bytes of the snapshot at `index`; ignored if that is no longer the current one. */
  restoreSnapshotData(index: LogIndex, data: Uint8Array): void {
    if (this.releasedSnapshot === undefined || this.currentSnapshot.metadata.index !== index) return;
    this.currentSnapshot = { metadata: this.currentSnapshot.metadata, data };
  }

  /**
   * Replaces the contents with `snapshot` (a follower installing one from its leader).
   * Throws {@link SnapshotOutOfDateError} if it is older than the snapshot held.
   */
  applySnapshot(snapshot: Snapshot): void {
    if (snapshot.metadata.index < this.currentSnapshot.metadata.index) {
      throw new SnapshotOutOfDateError(snapshot.metadata.index);
    }
    this.currentSnapshot = snapshot;
    this.releasedSnapshot = undefined;
    this.entryList = [dummyEntry(snapshot.metadata.index, snapshot.metadata.term)];
  }

  /**
   * Records a snapshot of the state machine at `index` (≤ lastIndex) with the membership as of
   * that index, and returns it. Does not discard entries: call {@link compact} for that.
   * Throws {@link SnapshotOutOfDateError} if `index` is not newer than the current snapshot.
   */
  createSnapshot(options: { index: LogIndex; configState: ConfigState; data: Uint8Array }): Snapshot {
    const { index } = options;
    if (index <= this.currentSnapshot.metadata.index) throw new SnapshotOutOfDateError(index);
    assert(index <= this.lastIndex(), `snapshot index ${index} is past the last index ${this.lastIndex()}`);
    const metadata = { index, term: this.term(index), configState: options.configState };
    this.currentSnapshot = { metadata, data: options.data };
    this.releasedSnapshot = undefined;
    return this.currentSnapshot;
  }

  /**
   * Discards entries up to and including `compactIndex` (≤ lastIndex). The application must have
   * snapshotted at least that far. Throws {@link LogCompactedError} if already compacted.
   */
  compact(compactIndex: LogIndex): void {
    const offset = this.offset();
    if (compactIndex <= offset) throw new LogCompactedError(compactIndex);
    assert(compactIndex <= this.lastIndex(), `compact ${compactIndex} is past the last index`);
    const kept = this.entryList.slice(compactIndex - offset);
    kept[0] = dummyEntry(compactIndex, kept[0]!.term);
    this.entryList = kept;
  }

  /**
   * Appends `entries` (contiguous, ascending), truncating any existing suffix they overwrite.
   * Entries at or below the snapshot index are ignored. Asserts there is no gap.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return;
    const fresh = entries[0]!.index < first ? entries.slice(first - entries[0]!.index) : entries;
    const position = fresh[0]!.index - this.offset();
    assert(position <= this.entryList.length, `missing log entry before ${fresh[0]!.index}`);
    // In place: copying the list per append made a long uncompacted log quadratic (7% of a
    // leader's CPU at 12k puts/s). Nothing outside holds the array (`entries` returns copies).
    if (position < this.entryList.length) this.entryList.length = position;
    for (const entry of fresh) this.entryList.push(entry);
  }

  private offset(): LogIndex {
    return this.entryList[0]!.index;
  }
}

function dummyEntry(index: LogIndex, entryTerm: Term): Entry {
  return { index, term: entryTerm, type: 'normal', data: new Uint8Array() };
}
