/**
 * Entries and a snapshot not yet persisted by the driver. Modelled on etcd-io/raft log_unstable.go
 * (without asynchronous storage writes: one Ready is outstanding at a time).
 */
import { assert } from '@objectbox/util';
import type { Entry, LogIndex, Snapshot, Term } from './types.js';

/** The unpersisted tail of the log. */
export class UnstableLog {
  /** A snapshot received from the leader and not yet persisted. */
  snapshot: Snapshot | undefined;
  /** Invariant: entries[i].index === offset + i. */
  entries: Entry[] = [];
  /** Invariant: when `snapshot` is set, offset === snapshot.metadata.index + 1. */
  offset: LogIndex;

  constructor(offset: LogIndex) {
    this.offset = offset;
  }

  /** The first index if the unstable part starts with a snapshot, else undefined. */
  maybeFirstIndex(): LogIndex | undefined {
    return this.snapshot === undefined ? undefined : ((this.snapshot.metadata.index + 1) as LogIndex);
  }

  /** The last index held here (an entry's or the snapshot's), else undefined. */
  maybeLastIndex(): LogIndex | undefined {
    if (this.entries.length > 0) return (this.offset + this.entries.length - 1) as LogIndex;
    return this.snapshot?.metadata.index;
  }

  /** The term at `index` if this part knows it, else undefined. */
  maybeTerm(index: LogIndex): Term | undefined {
    if (index < this.offset) {
      return this.snapshot !== undefined && this.snapshot.metadata.index === index
        ? this.snapshot.metadata.term
        : undefined;
    }
    return this.entries[index - this.offset]?.term;
  }

  /** Drops entries up to `index` once persisted, unless they were overwritten meanwhile. */
  stableTo(index: LogIndex, entryTerm: Term): void {
    if (index < this.offset || this.maybeTerm(index) !== entryTerm) return;
    this.entries = this.entries.slice(index + 1 - this.offset);
    this.offset = (index + 1) as LogIndex;
  }

  /** Forgets the snapshot at `index` once persisted. */
  stableSnapshotTo(index: LogIndex): void {
    if (this.snapshot?.metadata.index === index) this.snapshot = undefined;
  }

  /** Replaces everything with `snapshot`. */
  restore(snapshot: Snapshot): void {
    this.offset = (snapshot.metadata.index + 1) as LogIndex;
    this.entries = [];
    this.snapshot = snapshot;
  }

  /** Appends `entries`, truncating any conflicting suffix first. */
  truncateAndAppend(entries: readonly Entry[]): void {
    const from = entries[0]!.index;
    if (from === this.offset + this.entries.length) {
      this.entries.push(...entries);
    } else if (from <= this.offset) {
      // The whole unstable part is replaced; the driver's stable log gets truncated when it persists.
      this.offset = from;
      this.entries = [...entries];
    } else {
      this.entries = [...this.slice(this.offset, from), ...entries];
    }
  }

  /** Entries in [lo, hi); asserts the range lies within the unstable entries. */
  slice(lo: LogIndex, hi: LogIndex): Entry[] {
    assert(this.offset <= lo && lo <= hi && hi <= this.offset + this.entries.length, `unstable slice [${lo}, ${hi}) out of bounds`);
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
