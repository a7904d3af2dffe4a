/**
 * The leader's view of each follower: how far its log matches, and the flow control state that
 * decides when to send it more. Modelled on etcd-io/raft tracker/progress.go and inflights.go.
 */
import { assert } from '@objectbox/util';
import type { LogIndex } from './types.js';

/**
 * A bounded FIFO of the last indexes of MsgApp messages sent but not yet acknowledged.
 * Invariant: 0 <= count <= capacity, and the indexes are ascending.
 */
export class Inflights {
  private readonly buffer: LogIndex[] = [];
  private start = 0;
  private countValue = 0;

  constructor(readonly capacity: number) {
    assert(Number.isSafeInteger(capacity) && capacity > 0, 'inflight capacity must be positive');
  }

  get count(): number {
    return this.countValue;
  }

  /** Records a sent MsgApp ending at `index`; asserts the window is not full. */
  add(index: LogIndex): void {
    assert(!this.full(), 'cannot add to full inflights');
    this.buffer[(this.start + this.countValue) % this.capacity] = index;
    this.countValue++;
  }

  /** Frees every message ending at or before `index` (they were acknowledged). */
  freeLessOrEqual(index: LogIndex): void {
    while (this.countValue > 0 && this.buffer[this.start]! <= index) {
      this.start = (this.start + 1) % this.capacity;
      this.countValue--;
    }
    if (this.countValue === 0) this.start = 0;
  }

  /** Frees the oldest message, so a lost acknowledgement cannot stall replication forever. */
  freeFirstOne(): void {
    if (this.countValue === 0) return;
    this.freeLessOrEqual(this.buffer[this.start]!);
  }

  full(): boolean {
    return this.countValue === this.capacity;
  }

  reset(): void {
    this.start = 0;
    this.countValue = 0;
  }
}

/**
 * How the leader sends to a follower. `probe`: one MsgApp at a time until a match is found;
 * `replicate`: optimistic pipelining bounded by the inflights window; `snapshot`: waits for a
 * snapshot to be installed. See etcd-io/raft tracker/state.go.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** Replication progress of one member, as seen by the leader. */
export class Progress {
  /** The highest index known to match the leader's log. Invariant: match < next. */
  match: LogIndex = 0 as LogIndex;
  /** The next index to send. */
  next: LogIndex;
  state: ProgressState = 'probe';
  /** In `snapshot` state: the index of the snapshot being sent. */
  pendingSnapshot: LogIndex = 0 as LogIndex;
  /** True if the member was heard from since the last check-quorum round. */
  recentActive = false;
  /** In `probe` state: a MsgApp is out and no more are sent until a response or heartbeat response. */
  msgAppFlowPaused = false;
  readonly inflights: Inflights;

  constructor(options: { next: LogIndex; inflightMessageCountMax: number; isLearner: boolean }) {
    this.next = options.next;
    this.inflights = new Inflights(options.inflightMessageCountMax);
    this.isLearner = options.isLearner;
  }

  /** Learners receive the log but do not vote or count toward commit. */
  isLearner: boolean;

  private resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0 as LogIndex;
    this.state = state;
    this.inflights.reset();
  }

  /** Enters probe state; after a snapshot, continues from the snapshot index. */
  becomeProbe(): void {
    if (this.state === 'snapshot') {
      const pendingSnapshot = this.pendingSnapshot;
      this.resetState('probe');
      this.next = (Math.max(this.match + 1, pendingSnapshot + 1)) as LogIndex;
    } else {
      this.resetState('probe');
      this.next = (this.match + 1) as LogIndex;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = (this.match + 1) as LogIndex;
  }

  becomeSnapshot(snapshotIndex: LogIndex): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /**
   * Records that a MsgApp with `entryCount` entries (ending at `lastIndex`) was sent: in replicate
   * state, optimistically advances `next` and takes an inflight slot; in probe state, pauses.
   */
  sentEntries(entryCount: number, lastIndex: LogIndex): void {
    if (this.state === 'replicate') {
      if (entryCount > 0) {
        this.next = (lastIndex + 1) as LogIndex;
        this.inflights.add(lastIndex);
      }
    } else if (this.state === 'probe') {
      this.msgAppFlowPaused = true;
    }
  }

  /** Records an acknowledgement up to `index`; returns true if `match` advanced. */
  maybeUpdate(index: LogIndex): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.msgAppFlowPaused = false;
    }
    this.next = Math.max(this.next, index + 1) as LogIndex;
    return updated;
  }

  /**
   * Handles a rejected MsgApp at `rejected` with the follower's hint `matchHint`. Returns false
   * for a stale rejection (duplicated or reordered) that must be ignored.
   */
  maybeDecrementTo(rejected: LogIndex, matchHint: LogIndex): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = (this.match + 1) as LogIndex;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1) as LogIndex;
    this.msgAppFlowPaused = false;
    return true;
  }

  /** True when the leader must not send more MsgApp to this member now (flow control). */
  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.msgAppFlowPaused;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }
}
