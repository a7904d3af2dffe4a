/**
 * The log as the core sees it: durable storage plus the unstable tail, with commit and apply
 * positions. Modelled on etcd-io/raft log.go.
 */
import { assert } from '@objectbox/util';
import { LogCompactedError, LogUnavailableError, isConsensusError } from './errors.js';
import { UnstableLog } from './raft-log-unstable.js';
import type { Storage } from './storage.js';
import { entrySizeBytes, limitEntriesSize, type Entry, type LogIndex, type Snapshot, type Term } from './types.js';

/** A log index and the term of the entry there. */
export interface EntryId {
  readonly index: LogIndex;
  readonly term: Term;
}

/** Storage plus unstable entries, with commit and apply bookkeeping. */
export class RaftLog {
  readonly unstable: UnstableLog;
  /** Invariant: applied <= applying <= committed <= lastIndex(). */
  committed: LogIndex;
  /** The highest index handed to the application in a Ready but not yet confirmed by advance. */
  applying: LogIndex;
  /** The highest index the application confirmed applied. */
  applied: LogIndex;

  constructor(
    readonly storage: Storage,
    private readonly readyCommittedSizeBytesMax: number,
  ) {
    const firstIndex = storage.firstIndex();
    this.unstable = new UnstableLog((storage.lastIndex() + 1) as LogIndex);
    this.committed = (firstIndex - 1) as LogIndex;
    this.applying = this.committed;
    this.applied = this.committed;
  }

  /** The first index available (after the latest snapshot). */
  firstIndex(): LogIndex {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  /** The last index, stable or not. */
  lastIndex(): LogIndex {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** The last index known to be persisted by the driver. */
  stableLastIndex(): LogIndex {
    return (this.unstable.offset - 1) as LogIndex;
  }

  /**
   * The term at `index`. Throws {@link LogCompactedError} before firstIndex() - 1 and
   * {@link LogUnavailableError} after lastIndex().
   */
  term(index: LogIndex): Term {
    const unstableTerm = this.unstable.maybeTerm(index);
    if (unstableTerm !== undefined) return unstableTerm;
    if (index < this.firstIndex() - 1) throw new LogCompactedError(index);
    if (index > this.lastIndex()) throw new LogUnavailableError(index);
    return this.storage.term(index);
  }

  /**
   * The term at `index`, or undefined when it is compacted or unavailable. Without exceptions:
   * the follower's conflict check asks this for every new entry it receives, and building an
   * Error (stack trace) per append was 10 % of a follower's CPU under load.
   */
  private termIfPresent(index: LogIndex): Term | undefined {
    const unstableTerm = this.unstable.maybeTerm(index);
    if (unstableTerm !== undefined) return unstableTerm;
    if (index < this.firstIndex() - 1 || index > this.lastIndex()) return undefined;
    try {
      return this.storage.term(index);
    } catch (error) {
      // Not expected inside the bounds above; kept equivalent to `term` for storage that disagrees.
      if (isConsensusError(error)) return undefined;
      throw error;
    }
  }

  /** The term at `index`, or 0 when it is compacted or unavailable (etcd zeroTermOnOutOfBounds). */
  termOrZero(index: LogIndex): Term {
    return this.termIfPresent(index) ?? (0 as Term);
  }

  lastTerm(): Term {
    return this.term(this.lastIndex());
  }

  lastEntryId(): EntryId {
    return { index: this.lastIndex(), term: this.lastTerm() };
  }

  /** True when the entry at `index` exists and has term `entryTerm`. */
  matchTerm(index: LogIndex, entryTerm: Term): boolean {
    return this.termIfPresent(index) === entryTerm;
  }

  /** Raft paper §5.4.1: a log ending at (lastIndex, lastTerm) is at least as up to date as ours. */
  isUpToDate(candidateLast: EntryId): boolean {
    const ourLastTerm = this.lastTerm();
    return candidateLast.term > ourLastTerm || (candidateLast.term === ourLastTerm && candidateLast.index >= this.lastIndex());
  }

  /**
   * Appends `entries` following (index, logTerm) if the log matches there (the log matching check
   * of AppendEntries), truncating conflicts, and commits up to min(committed, last new index).
   * Returns the last new index, or undefined on mismatch.
   */
  maybeAppend(previous: EntryId, committed: LogIndex, entries: readonly Entry[]): LogIndex | undefined {
    if (!this.matchTerm(previous.index, previous.term)) return undefined;
    const lastNewIndex = (previous.index + entries.length) as LogIndex;
    const conflictIndex = this.findConflict(entries);
    if (conflictIndex !== 0) {
      assert(conflictIndex > this.committed, `entry ${conflictIndex} conflicts with committed entry ${this.committed}`);
      this.append(entries.slice(conflictIndex - (previous.index + 1)));
    }
    this.commitTo(Math.min(committed, lastNewIndex) as LogIndex);
    return lastNewIndex;
  }

  /** Appends entries at the end of the log (possibly truncating an unstable suffix); returns lastIndex. */
  append(entries: readonly Entry[]): LogIndex {
    if (entries.length === 0) return this.lastIndex();
    assert(entries[0]!.index - 1 >= this.committed, `cannot overwrite committed entry ${entries[0]!.index}`);
    this.unstable.truncateAndAppend(entries);
    return this.lastIndex();
  }

  /** The index of the first entry whose term differs from ours (or that we lack), or 0 if none. */
  findConflict(entries: readonly Entry[]): LogIndex {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index;
    }
    return 0 as LogIndex;
  }

  /**
   * The largest index ≤ `index` whose term is ≤ `entryTerm`, with that term (fast backtracking,
   * see etcd-io/raft log.go findConflictByTerm). Stops at a compacted or unknown term (term 0).
   */
  findConflictByTerm(index: LogIndex, entryTerm: Term): EntryId {
    let current = index;
    for (; current > 0; current = (current - 1) as LogIndex) {
      const currentTerm = this.termOrZero(current);
      if (currentTerm <= entryTerm) return { index: current, term: currentTerm };
    }
    return { index: 0 as LogIndex, term: 0 as Term };
  }

  /** Entries not yet persisted. */
  unstableEntries(): Entry[] {
    return [...this.unstable.entries];
  }

  /** True if committed entries wait to be handed to the application. */
  hasNextCommittedEntries(): boolean {
    return this.committed > Math.max(this.applying, this.firstIndex() - 1);
  }

  /** The next committed entries to apply, bounded by `readyCommittedSizeBytesMax` (at least one). */
  nextCommittedEntries(): Entry[] {
    return this.nextCommittedEntriesThrough(this.committed);
  }

  /** Like {@link nextCommittedEntries}, but none past `indexMax`. */
  nextCommittedEntriesThrough(indexMax: LogIndex): Entry[] {
    const lo = (Math.max(this.applying, this.firstIndex() - 1) + 1) as LogIndex;
    const hi = Math.min(this.committed, indexMax) + 1;
    if (hi <= lo) return [];
    return this.slice(lo, hi as LogIndex, this.readyCommittedSizeBytesMax);
  }

  /** The snapshot to send a lagging follower: the unstable one or the storage one. */
  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  /** Advances the commit index; asserts it does not pass the last index. */
  commitTo(index: LogIndex): void {
    if (index <= this.committed) return;
    assert(index <= this.lastIndex(), `commit ${index} is past the last index ${this.lastIndex()}`);
    this.committed = index;
  }

  /** Commits `index` if it is newer and (unless `ignoreTerm`, a planted bug) its term is `currentTerm`. */
  maybeCommit(index: LogIndex, currentTerm: Term, ignoreTerm: boolean): boolean {
    if (index <= this.committed) return false;
    if (!ignoreTerm && this.termOrZero(index) !== currentTerm) return false;
    this.commitTo(index);
    return true;
  }

  /** Records entries up to `index` as handed to the application. */
  acceptApplying(index: LogIndex): void {
    assert(index <= this.committed, 'applying past commit');
    this.applying = index;
  }

  /** Records entries up to `index` as applied. */
  appliedTo(index: LogIndex): void {
    assert(this.committed >= index && index >= this.applied, `applied ${index} outside [${this.applied}, ${this.committed}]`);
    this.applied = index;
    if (this.applying < index) this.applying = index;
  }

  stableTo(id: EntryId): void {
    this.unstable.stableTo(id.index, id.term);
  }

  stableSnapshotTo(index: LogIndex): void {
    this.unstable.stableSnapshotTo(index);
  }

  /** Replaces the log with `snapshot`, committing its index. */
  restore(snapshot: Snapshot): void {
    this.committed = snapshot.metadata.index;
    this.unstable.restore(snapshot);
  }

  /** Entries from `lo` to the end, limited to `sizeBytesMax`. Throws LogCompactedError if compacted. */
  entriesFrom(lo: LogIndex, sizeBytesMax: number): Entry[] {
    if (lo > this.lastIndex()) return [];
    return this.slice(lo, (this.lastIndex() + 1) as LogIndex, sizeBytesMax);
  }

  /** Entries in [lo, hi) limited to `sizeBytesMax` (at least one). Throws LogCompactedError below firstIndex. */
  slice(lo: LogIndex, hi: LogIndex, sizeBytesMax: number): Entry[] {
    if (lo < this.firstIndex()) throw new LogCompactedError(lo);
    assert(lo <= hi && hi <= this.lastIndex() + 1, `slice [${lo}, ${hi}) out of bounds`);
    if (lo === hi) return [];
    const split = this.unstable.offset;
    let result: Entry[] = [];
    if (lo < split) {
      result = this.storage.entries(lo, Math.min(hi, split) as LogIndex, sizeBytesMax);
      if (result.length < Math.min(hi, split) - lo) return result;
    }
    if (hi > split) {
      result = [...result, ...this.unstable.slice(Math.max(lo, split) as LogIndex, hi)];
    }
    return limitEntriesSize(result, sizeBytesMax);
  }
}

/** Sum of {@link entrySizeBytes} over `entries`. */
export function entriesSizeBytes(entries: readonly Entry[]): number {
  return entries.reduce((sum, entry) => sum + entrySizeBytes(entry), 0);
}
