/**
 * The public face of the Raft core: a synchronous object driven by `tick`, `step` and local
 * requests, which batches its output into a {@link Ready}. Modelled on etcd-io/raft rawnode.go
 * with synchronous storage writes (etcd's default mode).
 *
 * The driver loop (see etcd-io/raft README.md), repeated while `hasReady()`:
 *   1. `const ready = node.ready()`
 *   2. persist `ready.snapshot`, `ready.entries` and `ready.hardState` (fsync);
 *   3. send `ready.messages` (only now: some acknowledge what step 2 made durable);
 *   4. apply `ready.snapshot` then `ready.committedEntries` to the state machine;
 *   5. `node.advance(ready)`.
 * The first `committedBeforePersist(ready)` committed entries may be applied before step 2 (they are
 * already in this replica's durable log).
 */
import { assert } from '@objectbox/util';
import { type ConsensusError, NotLeaderError } from './errors.js';
import { isResponseMessage, type Message } from './messages.js';
import type { ProgressState } from './progress.js';
import type { RaftConfig } from './raft-config.js';
import { RaftCore } from './raft-core.js';
import type { EntryId } from './raft-log.js';
import {
  decodeConfigChange,
  isHardStateEqual,
  type ConfigChange,
  type ConfigState,
  type Entry,
  type HardState,
  type LogIndex,
  type NodeId,
  type RaftRole,
  type ReadState,
  type Snapshot,
  type SoftState,
  type Term,
} from './types.js';

/**
 * One batch of work for the driver. Everything in it is owned by the driver after `ready()`
 * returns; the core does not mutate it.
 */
export interface Ready {
  /** Present when the leader or role changed since the previous Ready. Not persisted. */
  readonly softState: SoftState | undefined;
  /** Present when term, vote or commit changed; persist before sending `messages`. */
  readonly hardState: HardState | undefined;
  /** Entries to append to stable storage (may overwrite a conflicting suffix) before sending. */
  readonly entries: readonly Entry[];
  /** A snapshot received from the leader: persist (replacing the log), then restore the state machine. */
  readonly snapshot: Snapshot | undefined;
  /** Committed entries to apply in order, after persisting. May include entries of `entries`. */
  readonly committedEntries: readonly Entry[];
  /**
   * Messages to send after persisting this Ready. Durable acknowledgements (see
   * `isDurableAcknowledgement`) come last and depend on this Ready's state being durable.
   */
  readonly messages: readonly Message[];
  /** Answers to `readIndex` requests: serve the read once `index` is applied. */
  readonly readStates: readonly ReadState[];
}

/**
 * How many of `ready.committedEntries`, from the first, the driver may apply before persisting
 * `ready`: those already in this replica's durable log, that is before the first of `ready.entries`
 * (a follower can learn that an entry is committed in the Ready that brings it), and none when
 * `ready` installs a snapshot (which must be restored first). Every earlier Ready was persisted
 * before `advance`, so nothing else is unstable, and a committed entry is never overwritten.
 *
 * Why: under load each Ready carries new entries, and the entries committed by the previous
 * Ready's fsync would otherwise wait for this Ready's fsync too: two fsyncs per write instead of
 * one. Applying them first is what etcd's server does (it applies while it saves the next batch).
 */
export function committedBeforePersist(ready: Ready): number {
  if (ready.snapshot !== undefined) return 0;
  const firstNew = ready.entries[0]?.index;
  if (firstNew === undefined) return ready.committedEntries.length;
  let count = 0;
  while (count < ready.committedEntries.length && ready.committedEntries[count]!.index < firstNew) count++;
  return count;
}

/** A member's replication state as the leader sees it, for `status()`. */
export interface ProgressStatus {
  readonly match: LogIndex;
  readonly next: LogIndex;
  readonly state: ProgressState;
  readonly isLearner: boolean;
  readonly inflightMessageCount: number;
}

/** A read-only view of the node for monitoring and tests. */
export interface RaftStatus {
  readonly id: NodeId;
  readonly term: Term;
  readonly vote: NodeId | undefined;
  readonly role: RaftRole;
  readonly leaderId: NodeId | undefined;
  readonly commit: LogIndex;
  readonly applied: LogIndex;
  readonly lastIndex: LogIndex;
  readonly configState: ConfigState;
  readonly leadTransferee: NodeId | undefined;
  /** Only on the leader: each member's progress. */
  readonly progress: ReadonlyMap<NodeId, ProgressStatus>;
}

/** A Raft member driven synchronously; see the module comment for the driver contract. */
export class RawNode {
  private readonly raft: RaftCore;
  private previousSoftState: SoftState;
  private previousHardState: HardState;
  /** Durable acknowledgements addressed to ourselves, stepped once the Ready is persisted. */
  private stepsOnAdvance: Message[] = [];
  /** Invariant: at most one Ready is outstanding between `ready()` and `advance()`. */
  private outstandingReady: Ready | undefined;
  /** Entries handed out by {@link takeDurableCommitted} during the outstanding Ready, confirmed on its `advance`. */
  private committedTakenEarly: Entry[] = [];

  /**
   * Creates or restarts a member from `config.storage`. A new cluster's storage carries the initial
   * membership (`new MemoryStorage({ configState })`). A joining node must start with the cluster's
   * bootstrap membership too, or receive a snapshot before it replays any entry: the starting
   * membership is not in the log (it lives in the index-0 snapshot), so a joiner that started
   * empty and replayed the config changes from index 1 would end with a wrong membership.
   * Asserts the configuration is valid.
   */
  constructor(config: RaftConfig) {
    this.raft = new RaftCore(config);
    this.previousSoftState = this.raft.softState();
    this.previousHardState = config.storage.initialState().hardState;
  }

  /** Advances logical time by one tick; the runtime calls it on a fixed timer. */
  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (a (pre-)campaign), as if the election timeout elapsed. */
  campaign(): void {
    this.raft.hup(false);
  }

  /**
   * Handles a message received from a peer. Responses from non-members are dropped (etcd
   * ErrStepPeerNotFound); requests are accepted so that a new member can learn the log from the
   * leader before it knows its own membership. Asserts the message is addressed to this node.
   */
  step(message: Message): void {
    assert(message.to === this.raft.id, `message to ${message.to} stepped on ${this.raft.id}`);
    assert(message.from !== this.raft.id, 'a peer message claims to come from this node');
    if (isResponseMessage(message) && !this.raft.progress.has(message.from)) return;
    this.raft.step(message);
  }

  /**
   * Proposes `data` for replication and returns the index and term it got: the proposal commits if
   * and only if the entry at that index has that term when committed. Throws NotLeaderError
   * (with the leader id when known) on a non-leader, ProposalDroppedError for transient refusals.
   */
  propose(data: Uint8Array): EntryId {
    return this.raft.propose('normal', data);
  }

  /**
   * Proposes several `data` at once: what {@link propose} does for each, but replicated with one
   * MsgApp per follower. Returns, in order, each proposal's entry id or the error `propose` would
   * have thrown for it (NotLeaderError, ProposalDroppedError).
   */
  proposeBatch(datas: readonly Uint8Array[]): Array<EntryId | ConsensusError> {
    return this.raft.proposeBatch(datas);
  }

  /**
   * Takes the queued messages that promise nothing about this node's disk (appends and heartbeats
   * to followers, vote requests, read-index traffic): everything but durable acknowledgements.
   * Unlike `ready()`, this may be called while a Ready is outstanding, so a leader sends the
   * entries proposed during its fsync at once and its followers write them while it is still
   * writing the previous batch (Raft thesis §10.2.1), instead of after its fsync. What is taken
   * here is left out of the next Ready.
   */
  takeEarlyMessages(): Message[] {
    const messages = this.raft.messages;
    this.raft.messages = [];
    return messages;
  }

  /**
   * Takes the entries that became committed while a Ready is outstanding and are already in this
   * node's durable log (before the outstanding Ready's entries), for the driver to apply during
   * that Ready's fsync instead of after it. Empty when no Ready is outstanding, when a snapshot is
   * being installed, or while its own committed entries that need its fsync are unapplied (they
   * come first). Stops before a config change (applied at an `advance` only). What is taken here is
   * left out of the next Ready and confirmed applied by the outstanding Ready's `advance`.
   *
   * Why: a leader whose Ready loop waits on its own fsync of batch n+1 learns meanwhile that batch
   * n is committed (a follower acknowledged it); without this, batch n's answers waited for batch
   * n+1's fsync, so every batch's latency included the next one's write and concurrent clients'
   * batches fused into one. Safe for the same reason as `committedBeforePersist`: the entries are
   * committed (the leader counts itself only after its own fsync, `stepsOnAdvance`) and durable
   * here, so none of them can be overwritten.
   */
  takeDurableCommitted(): Entry[] {
    if (this.outstandingReady === undefined) return [];
    const log = this.raft.log;
    // One bound covers every case: entries before the first unstable one were written by Readies
    // already advanced. A Ready whose own committed entries reach past it has moved `applying`
    // past it too, and a snapshot (outstanding or stepped in since) sets both the first index and
    // the unstable offset to its index + 1, so nothing is left between them.
    const entries = log.nextCommittedEntriesThrough((log.unstable.offset - 1) as LogIndex);
    const configChange = entries.findIndex((entry) => entry.type === 'config-change');
    if (configChange >= 0) entries.length = configChange;
    const last = entries.at(-1);
    if (last === undefined) return [];
    log.acceptApplying(last.index);
    this.committedTakenEarly.push(...entries);
    return entries;
  }

  /**
   * Proposes a single-server membership change (see DESIGN in index.ts). It takes effect when
   * the entry is applied, i.e. at the `advance` that confirms it. Throws like {@link propose},
   * ProposalDroppedError('config-change-pending') while another change is unapplied or the
   * leader has not yet committed an entry of its term, and InvalidConfigChangeError.
   */
  proposeConfigChange(change: ConfigChange): EntryId {
    return this.raft.proposeConfigChange(change);
  }

  /**
   * Requests a linearizable read point. The answer arrives as a `ReadState` with this `context`
   * (unique per request, chosen by the caller) in a later Ready; the read may be served once the
   * application has applied `index`. On a follower the request is forwarded to the leader.
   * Throws NotLeaderError if no leader is known, ProposalDroppedError if too many are pending.
   */
  readIndex(context: Uint8Array): void {
    if (this.raft.role === 'leader') {
      this.raft.handleReadIndexRequest({ from: this.raft.id, context });
      return;
    }
    this.forwardToLeader({ type: 'MsgReadIndex', context });
  }

  /**
   * Asks the leader to hand leadership to `target` (thesis §3.10): the leader stops accepting
   * proposals, brings `target` up to date and tells it to campaign at once. The transfer is
   * abandoned after an election timeout. Throws NotLeaderError if no leader is known.
   */
  transferLeadership(target: NodeId): void {
    if (this.raft.role === 'leader') {
      this.raft.handleTransferLeader(target);
      return;
    }
    this.forwardToLeader({ type: 'MsgTransferLeader', transferee: target });
  }

  private forwardToLeader(body: { type: 'MsgReadIndex'; context: Uint8Array } | { type: 'MsgTransferLeader'; transferee: NodeId }): void {
    const leaderId = this.raft.leaderId;
    if (leaderId === undefined || this.raft.role !== 'follower') throw new NotLeaderError(leaderId);
    this.raft.send(leaderId, body);
  }

  /** The transport failed to reach `id`; the leader falls back to probing it. */
  reportUnreachable(id: NodeId): void {
    this.raft.reportUnreachable(id);
  }

  /** The transport finished (or failed) sending the snapshot of a MsgSnap to `id`. */
  reportSnapshot(id: NodeId, succeeded: boolean): void {
    this.raft.reportSnapshot(id, succeeded);
  }

  /** True when `ready()` would return something to do. Always false while a Ready is outstanding. */
  hasReady(): boolean {
    if (this.outstandingReady !== undefined) return false;
    const raft = this.raft;
    return (
      !isSoftStateEqual(raft.softState(), this.previousSoftState) ||
      !isHardStateEqual(raft.hardState(), this.previousHardState) ||
      raft.log.unstable.entries.length > 0 ||
      raft.log.unstable.snapshot !== undefined ||
      raft.messages.length > 0 ||
      raft.messagesAfterAppend.length > 0 ||
      raft.readStates.length > 0 ||
      raft.log.hasNextCommittedEntries()
    );
  }

  /**
   * Returns the next batch of work and marks it handed out. Asserts no Ready is outstanding:
   * call {@link advance} with it before asking for another.
   */
  ready(): Ready {
    assert(this.outstandingReady === undefined, 'ready() called twice without advance()');
    const raft = this.raft;
    const softState = raft.softState();
    const hardState = raft.hardState();
    const afterAppend = raft.messagesAfterAppend;
    const ready: Ready = {
      softState: isSoftStateEqual(softState, this.previousSoftState) ? undefined : softState,
      hardState: isHardStateEqual(hardState, this.previousHardState) ? undefined : hardState,
      entries: raft.log.unstableEntries(),
      snapshot: raft.log.unstable.snapshot,
      committedEntries: raft.log.nextCommittedEntries(),
      messages: [...raft.messages, ...afterAppend.filter((message) => message.to !== raft.id)],
      readStates: raft.readStates,
    };
    this.stepsOnAdvance = afterAppend.filter((message) => message.to === raft.id);
    raft.messages = [];
    raft.messagesAfterAppend = [];
    raft.readStates = [];
    this.previousSoftState = softState;
    this.previousHardState = hardState;
    const lastCommitted = ready.committedEntries.at(-1);
    if (lastCommitted !== undefined) raft.log.acceptApplying(lastCommitted.index);
    this.outstandingReady = ready;
    return ready;
  }

  /**
   * Confirms `ready` was persisted, sent and applied: marks its entries stable, its committed
   * entries applied (applying config changes), and delivers self-acknowledgements (which may
   * advance the commit index or win an election). Asserts `ready` is the outstanding one.
   */
  advance(ready: Ready): void {
    assert(this.outstandingReady === ready, 'advance() with a Ready that is not outstanding');
    this.outstandingReady = undefined;
    const raft = this.raft;
    if (ready.snapshot !== undefined) {
      raft.log.stableSnapshotTo(ready.snapshot.metadata.index);
      if (ready.snapshot.metadata.index > raft.log.applied) raft.log.appliedTo(ready.snapshot.metadata.index);
    }
    const lastEntry = ready.entries.at(-1);
    if (lastEntry !== undefined) raft.log.stableTo({ index: lastEntry.index, term: lastEntry.term });
    this.applyCommittedEntries(ready.committedEntries);
    if (this.committedTakenEarly.length > 0) {
      this.applyCommittedEntries(this.committedTakenEarly);
      this.committedTakenEarly = [];
    }
    const steps = this.stepsOnAdvance;
    this.stepsOnAdvance = [];
    for (const message of steps) raft.step(message);
  }

  private applyCommittedEntries(entries: readonly Entry[]): void {
    const last = entries.at(-1);
    if (last === undefined) return;
    // A snapshot stepped in while these entries were out (the driver steps messages during a
    // write) set the membership as of its index; an older config change must not undo it. Only
    // such a snapshot puts handed-out entries below the first index: compaction stops at `applied`.
    const supersededThrough = this.raft.log.firstIndex() - 1;
    for (const entry of entries) {
      if (entry.type === 'config-change' && entry.index > supersededThrough) this.raft.applyConfigChange(decodeConfigChange(entry.data));
    }
    if (last.index > this.raft.log.applied) this.raft.log.appliedTo(last.index);
    this.raft.reduceUncommittedSize(entries);
  }

  /** The membership in effect (as of the last applied entry); store it with snapshots. */
  configState(): ConfigState {
    return this.raft.configState();
  }

  /** A snapshot of the node's state for monitoring and tests. */
  status(): RaftStatus {
    const raft = this.raft;
    const progress = new Map<NodeId, ProgressStatus>();
    if (raft.role === 'leader') {
      for (const [id, each] of raft.progress) {
        const { match, next, state, isLearner } = each;
        progress.set(id, { match, next, state, isLearner, inflightMessageCount: each.inflights.count });
      }
    }
    return {
      id: raft.id,
      term: raft.term,
      vote: raft.vote,
      role: raft.role,
      leaderId: raft.leaderId,
      commit: raft.log.committed,
      applied: raft.log.applied,
      lastIndex: raft.log.lastIndex(),
      configState: raft.configState(),
      leadTransferee: raft.leadTransferee,
      progress,
    };
  }
}

function isSoftStateEqual(left: SoftState, right: SoftState): boolean {
  return left.leaderId === right.leaderId && left.role === right.role;
}
