import { randomInt } from 'node:crypto';
import {
  committedBeforePersist,
  type ConfigState,
  type Entry,
  isConsensusError,
  isDurableAcknowledgement,
  type LogIndex,
  type NodeId,
  RawNode,
  type Ready,
  SeededRandom,
} from '@objectbox/consensus-core';
import type { Logger } from '@objectbox/observability';
import type { Storage as ReplicaStorage } from '@objectbox/storage-runtime';
import { assert } from '@objectbox/util';
import { CommitNoticeDelay } from './commit-notice-delay.js';
import { NotLeaderError, ProposalOutcomeUnknownError, ProposalRejectedError, RaftEntryTooLargeError, RaftGroupClosedError, RaftOverloadedError } from './errors.js';
import { ProposalDeadlines } from './proposal-deadlines.js';
import { type PendingCompaction, RaftLogStore, type RaftWalReplay } from './raft-log-store.js';
import type { RaftTransport } from './raft-transport.js';
import { ReadBatches } from './read-batches.js';
import type { StateMachine } from './state-machine.js';

/**
 * The Raft driver for one group on one replica: turns a timer into ticks, runs the core's Ready
 * loop in the order Raft requires (persist with fsync, then send acknowledgements, then apply,
 * then advance), and
 * gives callers promises: `propose` resolves with the state machine's result only after the
 * command is committed and applied; `linearizableRead` resolves once the replica has applied
 * everything committed before the read began (ReadIndex, Raft thesis §6.4).
 *
 * Batching comes from the loop itself: proposals made in one turn of the event loop enter the core
 * together (one MsgApp per follower for all of them), and while one Ready is being fsynced,
 * proposals and messages keep stepping into the core and the next Ready carries all of them in one
 * WAL append. Appends to followers leave at once, also during that fsync, so followers write a
 * batch while the leader is still writing the previous one. Entries that a finished fsync let
 * commit are applied while the next Ready's write is in flight rather than after its fsync
 * (`committedBeforePersist`): they are already in this replica's durable log; so are entries
 * that commit during that write (a follower acknowledged the previous batch), which are applied
 * as the acknowledgement arrives (`RawNode.takeDurableCommitted`) instead of after the write. A
 * leader holds its commit notices back briefly (commit-notice-delay.ts), so under load followers
 * learn the commit with the next append and apply it during that append's write. Reads requested meanwhile share one
 * ReadIndex request, issued just before that Ready (read-batches.ts).
 */
export interface RaftMember {
  readonly id: number;
  /** The member's gRPC address (host:port). */
  readonly address: string;
}

export interface RaftGroupOptions<Result> {
  readonly groupId: string;
  readonly nodeId: number;
  /** Every member including this one; the initial voters of a brand-new group. */
  readonly members: readonly RaftMember[];
  readonly storage: ReplicaStorage;
  /** The WAL's records collected while `storage` was opened (one pass); read again when absent. */
  readonly replay?: RaftWalReplay;
  readonly stateMachine: StateMachine<Result>;
  readonly transport: RaftTransport;
  readonly logger: Logger;
  readonly tickIntervalMs: number;
  readonly electionTimeoutTicks: number;
  readonly heartbeatIntervalTicks: number;
  /** Proposals not applied within this time fail with ProposalOutcomeUnknownError. */
  readonly proposalTimeoutMs: number;
  readonly pendingProposalCountMax: number;
  readonly pendingReadCountMax: number;
  /** A snapshot is taken after this many applied entries. */
  readonly snapshotEntryCount: number;
  /**
   * ...or after this many bytes of applied entry data, whichever comes first: the log since the
   * last snapshot is held in memory, and entries may carry object bytes (the object store's small
   * objects), so a count alone does not bound it. Default: no byte limit.
   */
  readonly snapshotEntryBytes?: number;
  /** Entries kept in the log behind a snapshot, so slow followers catch up without a snapshot. */
  readonly entriesKeptAfterSnapshot: number;
  /**
   * Each snapshot's thresholds (entries, bytes, the image ratio) are raised by a random factor in
   * [1, 1 + this), drawn anew per snapshot, so that replicas do not take their snapshots at the
   * same log index (default {@link snapshotSpreadDefault}; 0 makes them exact, as tests want).
   */
  readonly snapshotSpread?: number;
  readonly messageSizeBytesMax: number;
  readonly inflightMessageCountMax: number;
}

/** A snapshot image of the state at `index`: captured, then built (`data`) outside the Ready loop. */
interface ImageBuild {
  readonly index: LogIndex;
  readonly configState: ConfigState;
  /** The machine's `syncAppliedEffects` as called right after the capture. */
  readonly effectsDurable: Promise<void> | undefined;
  /** `installCount` at the capture. */
  readonly installCount: number;
  data: Uint8Array | undefined;
}

interface PendingProposal<Result> {
  readonly command: Uint8Array;
  /** The entry's index and term once proposed to the core; 0 while queued. */
  index: number;
  term: number;
  readonly resolve: (value: { result: Result; index: number }) => void;
  readonly reject: (error: unknown) => void;
  /** Resolved or rejected: its deadline (`proposalDeadlines`) no longer applies. */
  settled: boolean;
}

/** Rejects `pending` and marks it settled, so its deadline no longer applies. */
function rejectProposal<Result>(pending: PendingProposal<Result>, error: unknown): void {
  pending.settled = true;
  pending.reject(error);
}

export interface RaftGroupStatus {
  readonly groupId: string;
  readonly nodeId: number;
  readonly role: string;
  readonly leaderId: number | undefined;
  readonly leaderAddress: string | undefined;
  readonly term: number;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly configState: ConfigState;
}

/**
 * See `maybeSnapshot`: entry bytes applied since the last snapshot, relative to its image, before
 * the next. A memory/CPU trade-off: every applied byte costs 1/ratio bytes of image work (walk,
 * serialize, checksum, write) on every replica, and the in-memory log and the WAL replayed at a
 * restart grow to ratio x the image. At 0.5, taking and saving images was 15-25% of each
 * replica's busy CPU under raft-kv (an 18 MB image every ~9 MB of puts); at 1 it is half that,
 * and the log's bound grows from half the image to the image (raft-kv: +9 MB of entries per
 * replica), next to a state the machine already holds in memory as objects, larger than its
 * image. etcd, the comparison in raft-kv, keeps up to 100,000 entries between snapshots by
 * default (--snapshot-count): ~28 MB of such puts against an 18 MB state, a ratio of ~1.5.
 */
const snapshotLogToImageRatioMin = 1;

/**
 * See `snapshotSpread`. Every replica applies the same entries, so thresholds without a spread
 * have all of them capture, build and write an image at the same index: in raft-kv at c=64 the
 * three replicas built their 11-18 MB images at once (pieces of 30-330 ms each on the shared
 * cores), and a put's quorum (the leader and one follower) waited for two of them (puts of
 * 0.2-0.6 s). Spread over half an interval, a follower's snapshot rarely overlaps the leader's or
 * the other follower's, and the log's bound grows from 1 to at most 1.5 times the thresholds.
 */
export const snapshotSpreadDefault = 0.5;

/**
 * How long a leader holds a commit notice (an append without entries) for an append with entries
 * to carry instead: longer than a client's round trip under load, short enough that followers'
 * applied state (what their reads wait for) lags by little when writes stop.
 */
const commitNoticeDelayMs = 5;

/** Bytes an entry's term, index, type and length take in an append, at most (see entryBytesMax). */
const entryFramingBytesMax = 64;

export class RaftGroup<Result> {
  private readonly node: RawNode;
  private readonly addresses: Map<number, string>;
  /** Proposed to the core, by entry index. */
  private readonly proposals = new Map<number, PendingProposal<Result>>();
  /**
   * Accepted by `propose` and not yet handed to the core: they go in together at the next turn of
   * the event loop (`proposeQueued`), one MsgApp per follower for all of them.
   */
  private queuedProposals: PendingProposal<Result>[] = [];
  /** Fails proposals not applied within `proposalTimeoutMs`, with one timer for all of them. */
  private readonly proposalDeadlines: ProposalDeadlines<PendingProposal<Result>>;
  private readonly reads: ReadBatches;
  private readonly ticker: NodeJS.Timeout;
  private readonly commitNotices: CommitNoticeDelay;
  private appliedIndex: number;
  private snapshotIndex: number;
  /** Size of the last snapshot's image (taken or installed): snapshots are amortized against it. */
  private lastSnapshotBytes: number;
  /** Bytes of entry data applied since the last snapshot (for `snapshotEntryBytes`). */
  private appliedBytesSinceSnapshot = 0;
  /** A local snapshot whose file is being written; `saved` once it is durable. At most one. */
  private compaction: { readonly pending: PendingCompaction; saved: boolean } | undefined;
  /** A captured snapshot image being built outside the Ready loop; at most one, never with a compaction. */
  private imageBuild: ImageBuild | undefined;
  /** Snapshots installed from the leader: an image captured before one is not used. */
  private installCount = 0;
  /** This interval's factor on the snapshot thresholds (`snapshotSpread`): 1 up to 1 + spread. */
  private snapshotStretch: number;
  private scheduled = false;
  private processing = false;
  /** True while the Ready loop awaits a write with every committed entry of its Ready applied. */
  private applyingDuringPersist = false;
  private closed = false;

  private constructor(
    private readonly options: RaftGroupOptions<Result>,
    private readonly logStore: RaftLogStore,
  ) {
    this.addresses = new Map(options.members.map((member) => [member.id, member.address]));
    this.proposalDeadlines = new ProposalDeadlines(options.proposalTimeoutMs, (pending) => {
      if (pending.index === 0) this.queuedProposals = this.queuedProposals.filter((queued) => queued !== pending);
      // The index may hold a newer proposal since (see proposeQueued): only this one's entry goes.
      else if (this.proposals.get(pending.index) === pending) this.proposals.delete(pending.index);
      rejectProposal(pending, new ProposalOutcomeUnknownError(this.options.groupId, `not applied within ${this.options.proposalTimeoutMs} ms`));
    });
    this.commitNotices = new CommitNoticeDelay(commitNoticeDelayMs, (messages) => {
      if (!this.closed) options.transport.send(options.groupId, messages, this.addressOf);
    });
    this.reads = new ReadBatches({
      contextPrefix: `${options.nodeId}:`,
      timeoutMs: options.proposalTimeoutMs,
      timeoutError: () => new ProposalOutcomeUnknownError(options.groupId, `read index not confirmed within ${options.proposalTimeoutMs} ms`),
    });
    logStore.onBackgroundFailure = (error) => this.failPersistence(error);
    logStore.onSnapshotLoadProblem = (problem, error) =>
      this.options.logger.warn({ group: this.options.groupId, err: error }, `raft snapshot for a follower not loaded (${problem}); retrying later`);
    this.snapshotIndex = logStore.snapshotAtOpen?.metadata.index ?? 0;
    this.lastSnapshotBytes = logStore.snapshotAtOpen?.data.byteLength ?? 0;
    // The machine was restored from it (open): the bytes stay in the file only.
    logStore.releaseSnapshotData();
    this.appliedIndex = this.snapshotIndex;
    this.snapshotStretch = this.drawSnapshotStretch();
    this.node = new RawNode({
      id: options.nodeId as NodeId,
      storage: logStore.memory,
      random: new SeededRandom(randomInt(2 ** 47)),
      electionTimeoutTicks: options.electionTimeoutTicks,
      heartbeatIntervalTicks: options.heartbeatIntervalTicks,
      applied: this.appliedIndex as LogIndex,
      messageSizeBytesMax: options.messageSizeBytesMax,
      inflightMessageCountMax: options.inflightMessageCountMax,
      uncommittedSizeBytesMax: 64 * 1024 * 1024,
      readyCommittedSizeBytesMax: 16 * 1024 * 1024,
      readIndexPendingCountMax: options.pendingReadCountMax,
      preVote: true,
      checkQuorum: true,
    });
    options.transport.registerGroup(options.groupId, {
      nodeId: options.nodeId,
      isKnownMember: (id) => this.addresses.has(id) || this.isConfigMember(id),
      deliver: (message) => this.onMessage(() => this.node.step(message)),
      reportUnreachable: (id) => this.onMessage(() => this.node.reportUnreachable(id as NodeId)),
      reportSnapshot: (id, succeeded) => this.onMessage(() => this.node.reportSnapshot(id as NodeId, succeeded)),
    });
    this.ticker = setInterval(() => this.onMessage(() => this.node.tick()), options.tickIntervalMs);
    // A group of one elects itself at once instead of waiting for a timeout.
    if (options.members.length === 1) this.onMessage(() => this.node.campaign());
  }

  /** Recovers the group's state from `storage` and starts ticking. */
  static async open<Result>(options: RaftGroupOptions<Result>): Promise<RaftGroup<Result>> {
    assert(options.heartbeatIntervalTicks < options.electionTimeoutTicks, 'heartbeatIntervalTicks must be below electionTimeoutTicks');
    assert(options.members.some((member) => member.id === options.nodeId), 'members must include this node');
    const initialConfig: ConfigState = { voters: options.members.map((member) => member.id as NodeId), learners: [] };
    const logStore = await RaftLogStore.open(options.storage, initialConfig, options.replay);
    // The machine starts from the latest snapshot (in steps when it offers them, so other groups of
    // this process keep running while a large state is rebuilt); the log replays the rest.
    if (logStore.snapshotAtOpen !== undefined) await restoreMachine(options.stateMachine, logStore.snapshotAtOpen.data);
    return new RaftGroup(options, logStore);
  }

  private isConfigMember(id: number): boolean {
    const config = this.node.configState();
    return config.voters.includes(id as NodeId) || config.learners.includes(id as NodeId);
  }

  private onMessage(step: () => void): void {
    if (this.closed) return;
    try {
      step();
    } catch (error) {
      if (!isConsensusError(error)) throw error;
      this.options.logger.debug({ group: this.options.groupId, err: error }, 'raft step refused');
    }
    this.schedule();
  }

  private notLeader(): NotLeaderError {
    const leaderId = this.node.status().leaderId;
    return new NotLeaderError(this.options.groupId, leaderId, leaderId === undefined ? undefined : this.addresses.get(leaderId));
  }

  /**
   * Replicates `command` and resolves with the state machine's result and the log index once it is
   * applied here. Throws NotLeaderError (with the leader's address) on a follower,
   * RaftOverloadedError when too many proposals wait, RaftEntryTooLargeError for a command over
   * {@link entryBytesMax}, ProposalRejectedError when it certainly did not apply,
   * ProposalOutcomeUnknownError when it may or may not have.
   */
  propose(command: Uint8Array): Promise<{ result: Result; index: number }> {
    if (this.closed) return Promise.reject(new RaftGroupClosedError(this.options.groupId));
    if (command.byteLength > this.entryBytesMax) return Promise.reject(new RaftEntryTooLargeError(this.options.groupId, command.byteLength, this.entryBytesMax));
    const pendingCount = this.proposals.size + this.queuedProposals.length;
    if (pendingCount >= this.options.pendingProposalCountMax) return Promise.reject(new RaftOverloadedError(this.options.groupId, `${pendingCount} proposals pending`));
    return new Promise((resolve, reject) => {
      const pending: PendingProposal<Result> = { command, index: 0, term: 0, resolve, reject, settled: false };
      this.proposalDeadlines.add(pending);
      this.queuedProposals.push(pending);
      this.schedule();
    });
  }

  /** Hands the queued proposals to the core in one batch; refused ones fail as `propose` documents. */
  private proposeQueued(): void {
    if (this.queuedProposals.length === 0) return;
    const batch = this.queuedProposals;
    this.queuedProposals = [];
    const results = this.node.proposeBatch(batch.map((pending) => pending.command));
    results.forEach((result, position) => {
      const pending = batch[position]!;
      if (!isConsensusError(result)) {
        pending.index = result.index;
        pending.term = result.term;
        // An earlier proposal of this replica at the same index had its entry truncated (this
        // replica lost leadership and won it back): that entry is certainly gone.
        const replaced = this.proposals.get(result.index);
        if (replaced !== undefined) {
          rejectProposal(replaced, new ProposalRejectedError(this.options.groupId, `entry ${result.index} was replaced by a newer leader's entry`));
        }
        this.proposals.set(result.index, pending);
        return;
      }
      rejectProposal(pending, result.code === 'NotLeader' ? this.notLeader() : new ProposalRejectedError(this.options.groupId, result.message));
    });
  }

  /**
   * Resolves once this replica has applied everything committed before the call (ReadIndex).
   * Rejects with NotLeaderError when no leader is known, RaftOverloadedError when too many reads
   * wait, ProposalOutcomeUnknownError when the read index is not confirmed in time.
   */
  linearizableRead(): Promise<void> {
    if (this.closed) return Promise.reject(new RaftGroupClosedError(this.options.groupId));
    const waiting = this.reads.waitingCount;
    if (waiting >= this.options.pendingReadCountMax) return Promise.reject(new RaftOverloadedError(this.options.groupId, `${waiting} reads pending`));
    const read = this.reads.join();
    // The request itself waits for the loop (issueReadBatch), so later reads can share it.
    this.schedule();
    return read;
  }

  /**
   * Sends the open read batch's ReadIndex request to the core. Called right before the core's next
   * Ready, and never earlier than every read in the batch was requested, so the read index is
   * taken after each of them began.
   */
  private issueReadBatch(): void {
    const context = this.reads.seal();
    if (context === undefined) return;
    try {
      this.node.readIndex(context);
    } catch (error) {
      this.reads.fail(context, this.readIndexRefusal(error));
    }
  }

  private readIndexRefusal(error: unknown): unknown {
    if (isConsensusError(error) && error.code === 'NotLeader') return this.notLeader();
    if (isConsensusError(error)) return new RaftOverloadedError(this.options.groupId, error.message);
    return error;
  }

  status(): RaftGroupStatus {
    const status = this.node.status();
    return {
      groupId: this.options.groupId,
      nodeId: this.options.nodeId,
      role: status.role,
      leaderId: status.leaderId,
      leaderAddress: status.leaderId === undefined ? undefined : this.addresses.get(status.leaderId),
      term: status.term,
      commitIndex: status.commit,
      appliedIndex: this.appliedIndex,
      configState: status.configState,
    };
  }

  /** Asks the leader to hand leadership to `target` (a voter that is caught up). */
  transferLeadership(target: number): void {
    this.onMessage(() => this.node.transferLeadership(target as NodeId));
  }

  /**
   * Runs `turn` once after the current event-loop phase, so that everything that arrived in it
   * (a burst of proposals, a batch of peer messages) is handled together.
   */
  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => this.turn());
  }

  /**
   * Proposes what is queued and sends what may leave before any fsync, also while a Ready is
   * being persisted (`takeEarlyMessages`); then runs the Ready loop unless it is already running.
   */
  private turn(): void {
    this.scheduled = false;
    if (this.closed) return;
    try {
      this.proposeQueued();
      this.sendEarlyMessages();
      this.applyDurableCommitted();
    } catch (error) {
      this.failPersistence(error);
      return;
    }
    if (!this.processing) void this.process();
  }

  private sendEarlyMessages(): void {
    const messages = this.commitNotices.takeSendable(this.node.takeEarlyMessages());
    if (messages.length > 0) this.options.transport.send(this.options.groupId, messages, this.addressOf);
  }

  private readonly addressOf = (id: number): string | undefined => this.addresses.get(id);

  private async process(): Promise<void> {
    if (this.processing || this.closed) return;
    this.processing = true;
    try {
      while (!this.closed) {
        await this.finishSavedCompaction();
        this.startBuiltCompaction();
        this.proposeQueued();
        this.issueReadBatch();
        if (!this.node.hasReady()) break;
        await this.handleReady(this.node.ready());
      }
    } catch (error) {
      this.failPersistence(error);
    } finally {
      this.processing = false;
    }
    if (!this.closed && this.node.hasReady()) this.schedule();
  }

  /**
   * Persistence failed: this replica cannot keep its promises. Crash; the supervisor restarts it
   * and recovery decides what is durable (STYLE.md §4).
   */
  private failPersistence(error: unknown): void {
    this.options.logger.fatal({ group: this.options.groupId, err: error }, 'raft persistence failed; exiting');
    process.nextTick(() => {
      throw error;
    });
  }

  private async handleReady(ready: Ready): Promise<void> {
    // Messages that promise nothing about this replica's disk (appends to followers, heartbeats,
    // vote requests) leave before the fsync, so the leader's write and its followers' writes
    // overlap (Raft thesis §10.2.1, etcd's README). Durable acknowledgements (accepted appends,
    // granted votes) leave only after the state they acknowledge is on disk.
    const addressOf = this.addressOf;
    this.options.transport.send(this.options.groupId, this.commitNotices.takeSendable(ready.messages.filter((message) => !isDurableAcknowledgement(message))), addressOf);
    // A commit-only hard state waits for the next append (persist's deferCommitOnly): one WAL
    // write and flush per batch on the leader instead of two.
    const persisted = this.logStore.persist(ready, { deferCommitOnly: true });
    // Entries committed by the previous Ready's fsync are answered now, not after this one's.
    // When this Ready writes entries, they are applied during its write: the WAL submits the write
    // a few microtasks after `persist` returns (an instrumented writev showed), so applying at once
    // delayed every write by the apply (64 entries on a follower: 0.2-0.3 ms of each batch's cycle).
    const appliedEarly = committedBeforePersist(ready);
    if (appliedEarly > 0) {
      if (ready.entries.length > 0) await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < appliedEarly; i++) this.applyEntry(ready.committedEntries[i]!);
      this.reads.resolveApplied(this.appliedIndex);
    }
    // Entries that commit while this Ready's write is in flight are applied as they commit
    // (`turn`), not after this write: see RawNode.takeDurableCommitted.
    this.applyingDuringPersist = appliedEarly === ready.committedEntries.length;
    this.applyDurableCommitted();
    try {
      await persisted;
    } finally {
      this.applyingDuringPersist = false;
    }
    this.options.transport.send(this.options.groupId, ready.messages.filter(isDurableAcknowledgement), addressOf);
    if (ready.snapshot !== undefined) {
      // Nothing is applied meanwhile (this is the Ready loop); reads wait for the applied index.
      await restoreMachine(this.options.stateMachine, ready.snapshot.data);
      this.logStore.releaseSnapshotData();
      this.installCount++;
      this.appliedIndex = ready.snapshot.metadata.index;
      this.snapshotIndex = ready.snapshot.metadata.index;
      this.lastSnapshotBytes = ready.snapshot.data.byteLength;
      this.appliedBytesSinceSnapshot = 0;
      this.settleProposalsCoveredBy(ready.snapshot.metadata.index);
    }
    for (let i = appliedEarly; i < ready.committedEntries.length; i++) this.applyEntry(ready.committedEntries[i]!);
    for (const readState of ready.readStates) this.reads.answer(readState.context, readState.index);
    if (ready.softState !== undefined) this.options.logger.info({ group: this.options.groupId, role: ready.softState.role, leader: ready.softState.leaderId }, 'raft role changed');
    this.node.advance(ready);
    this.reads.resolveApplied(this.appliedIndex);
    await this.maybeSnapshot();
  }

  /**
   * Proposals of this replica at or below an installed snapshot's index are never applied here one by
   * one: whether their entry or another leader's made it into the snapshot is unknown, so they fail
   * as such now rather than at their deadline.
   */
  private settleProposalsCoveredBy(snapshotIndex: number): void {
    for (const [index, pending] of this.proposals) {
      if (index > snapshotIndex) continue;
      this.proposals.delete(index);
      rejectProposal(pending, new ProposalOutcomeUnknownError(this.options.groupId, `entry ${index} was installed with a snapshot from the leader`));
    }
  }

  /** Applies what committed during the outstanding Ready's write and is durable here already. */
  private applyDurableCommitted(): void {
    if (!this.applyingDuringPersist) return;
    const entries = this.node.takeDurableCommitted();
    if (entries.length === 0) return;
    for (const entry of entries) this.applyEntry(entry);
    this.reads.resolveApplied(this.appliedIndex);
  }

  private applyEntry(entry: Entry): void {
    const result = entry.type === 'normal' && entry.data.byteLength > 0 ? this.options.stateMachine.apply(entry.data, entry.index) : undefined;
    this.appliedIndex = entry.index;
    this.appliedBytesSinceSnapshot += entry.data.byteLength;
    const pending = this.proposals.get(entry.index);
    if (pending === undefined) return;
    this.proposals.delete(entry.index);
    pending.settled = true;
    if (pending.term === entry.term) pending.resolve({ result: result as Result, index: entry.index });
    else pending.reject(new ProposalRejectedError(this.options.groupId, `entry ${entry.index} was replaced by a newer leader's entry`));
  }

  /**
   * Starts a snapshot when enough was applied. The state machine's image covers exactly what is
   * applied: it is captured here, in the loop, and built outside it while the loop goes on
   * (`captureSnapshot`, `startBuiltCompaction`), or, for a machine that cannot capture, taken
   * here piece by piece. Its file is written in the background (`startCompaction`) while the loop
   * goes on replicating, and the WAL mark and log compaction follow in the loop once it is
   * durable (`finishSavedCompaction`).
   */
  private async maybeSnapshot(): Promise<void> {
    if (this.compaction !== undefined || this.imageBuild !== undefined) return;
    const stretch = this.snapshotStretch;
    const entriesDue = this.appliedIndex - this.snapshotIndex >= this.options.snapshotEntryCount * stretch;
    const bytesDue = this.appliedIndex > this.snapshotIndex && this.appliedBytesSinceSnapshot >= (this.options.snapshotEntryBytes ?? Infinity) * stretch;
    if (!entriesDue && !bytesDue) return;
    // A snapshot costs time in proportion to the state (the object store: seconds per million
    // objects), so it waits until the entries applied since the last one add up to its size
    // (snapshotLogToImageRatioMin): that cost is then amortized over at least as many log bytes,
    // whatever the state grows to, and the log (kept in memory until compaction) stays within
    // the state's image.
    if (this.appliedBytesSinceSnapshot < this.lastSnapshotBytes * snapshotLogToImageRatioMin * stretch) return;
    const index = this.appliedIndex as LogIndex;
    this.appliedBytesSinceSnapshot = 0;
    this.snapshotIndex = index;
    this.snapshotStretch = this.drawSnapshotStretch();
    const machine = this.options.stateMachine;
    const captured = machine.captureSnapshot?.();
    if (captured !== undefined) {
      this.buildImage({ index, configState: this.node.configState(), effectsDurable: machine.syncAppliedEffects?.(), installCount: this.installCount, data: undefined }, captured);
      return;
    }
    const data = await this.snapshotImage(machine.snapshotChunks?.() ?? [machine.snapshot()]);
    if (data === undefined) return;
    // Still nothing applied since the image, so the sync starting now covers every effect up to
    // `index`. The snapshot file, which lets a restart skip those entries, is written only after
    // it, in the background: a Ready loop that awaited it stalled every write of the group for
    // the whole sync (the object store's syncfs of thousands of small files; 4 KiB PUT c=8 p99 was
    // 249 ms with it, 37-95 ms without, in noisy runs).
    const effectsDurable = machine.syncAppliedEffects?.();
    this.startCompaction({ index, configState: this.node.configState(), effectsDurable, installCount: this.installCount, data });
  }

  private drawSnapshotStretch(): number {
    const spread = this.options.snapshotSpread ?? snapshotSpreadDefault;
    return spread > 0 ? 1 + (randomInt(1_000_000) / 1_000_000) * spread : 1;
  }

  /**
   * Builds a captured image outside the Ready loop, returning to the event loop between pieces;
   * the loop starts its compaction once it is done (`startBuiltCompaction`). Abandoned when the
   * group closes.
   */
  private buildImage(build: ImageBuild, pieces: Iterable<Uint8Array>): void {
    this.imageBuild = build;
    this.snapshotImage(pieces).then(
      (data) => {
        build.data = data;
        if (data !== undefined) this.schedule();
        // Closed meanwhile: nothing will be saved, so a failed sync no longer matters.
        else build.effectsDurable?.catch(() => undefined);
      },
      (error: unknown) => this.failPersistence(error),
    );
  }

  /**
   * Starts the compaction of a built image, from the Ready loop (no Ready is being persisted).
   * Dropped when a snapshot from the leader was installed since the capture: the state and the
   * log moved past it.
   */
  private startBuiltCompaction(): void {
    const build = this.imageBuild;
    if (build?.data === undefined) return;
    this.imageBuild = undefined;
    if (build.installCount !== this.installCount) {
      build.effectsDurable?.catch((error: unknown) => this.failPersistence(error));
      return;
    }
    this.startCompaction({ ...build, data: build.data });
  }

  private startCompaction(image: ImageBuild & { readonly data: Uint8Array }): void {
    this.lastSnapshotBytes = image.data.byteLength;
    const pending = this.logStore.startCompaction({
      index: image.index,
      configState: image.configState,
      data: image.data,
      entriesToKeep: this.options.entriesKeptAfterSnapshot,
      ...(image.effectsDurable === undefined ? {} : { effectsDurable: image.effectsDurable }),
    });
    const compaction = { pending, saved: false };
    this.compaction = compaction;
    pending.saved.then(
      () => {
        compaction.saved = true;
        this.schedule();
      },
      (error: unknown) => this.failPersistence(error),
    );
  }

  /**
   * A state machine's image from its pieces, returning to the event loop between pieces, so
   * ticks, heartbeats and early appends keep flowing while a large state is serialized (one piece
   * is a few hundred KiB to a MiB, milliseconds, more when cores are shared). Undefined when the group closed meanwhile.
   */
  private async snapshotImage(source: Iterable<Uint8Array>): Promise<Uint8Array | undefined> {
    const pieces: Uint8Array[] = [];
    let sizeBytes = 0;
    for (const piece of source) {
      pieces.push(piece);
      sizeBytes += piece.byteLength;
      await new Promise((resolve) => setImmediate(resolve));
      if (this.closed) return undefined;
    }
    return joinedView(pieces, sizeBytes) ?? Buffer.concat(pieces, sizeBytes);
  }

  private async finishSavedCompaction(): Promise<void> {
    const compaction = this.compaction;
    if (compaction === undefined || !compaction.saved) return;
    this.compaction = undefined;
    await this.logStore.finishCompaction(compaction.pending);
    this.logStore.releaseSnapshotData();
    this.options.logger.debug({ group: this.options.groupId, index: compaction.pending.snapshot.metadata.index }, 'raft snapshot taken');
  }

  /**
   * The largest command `propose` accepts: what one append message carries (`messageSizeBytesMax`,
   * half the gRPC message limit, so an append at that size always fits one Deliver; the transport
   * bounds each Deliver by bytes) and one WAL record holds, less room for the entry's own framing.
   */
  get entryBytesMax(): number {
    return Math.min(this.options.messageSizeBytesMax, this.options.storage.wal.recordPayloadBytesMax) - entryFramingBytesMax;
  }

  /** Stops ticking, fails waiting callers, and closes the WAL. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    this.commitNotices.close();
    this.options.transport.unregisterGroup(this.options.groupId);
    while (this.processing) await new Promise((resolve) => setImmediate(resolve));
    this.proposalDeadlines.clear();
    for (const pending of [...this.proposals.values(), ...this.queuedProposals]) {
      rejectProposal(pending, new RaftGroupClosedError(this.options.groupId));
    }
    this.proposals.clear();
    this.queuedProposals = [];
    this.reads.failAll(new RaftGroupClosedError(this.options.groupId));
    await this.logStore.close();
  }
}

/**
 * The pieces as one view, without a copy, when each starts where the previous one ended in the
 * same buffer (a machine that writes its image into one allocation, like the KV state store), else
 * undefined. The bytes are the same as their concatenation either way.
 */
function joinedView(pieces: readonly Uint8Array[], sizeBytes: number): Uint8Array | undefined {
  const first = pieces[0];
  if (first === undefined) return undefined;
  let end = first.byteOffset + first.byteLength;
  for (let position = 1; position < pieces.length; position++) {
    const piece = pieces[position]!;
    if (piece.buffer !== first.buffer || piece.byteOffset !== end) return undefined;
    end += piece.byteLength;
  }
  return Buffer.from(first.buffer, first.byteOffset, sizeBytes);
}

/**
 * Replaces the machine's state with a snapshot image: in steps when the machine offers
 * `restoreInSteps`, returning to the event loop between them (as snapshots are taken piece by
 * piece), so ticks, heartbeats and other groups go on while a large state is rebuilt.
 */
async function restoreMachine(machine: StateMachine<unknown>, data: Uint8Array): Promise<void> {
  if (machine.restoreInSteps === undefined) {
    machine.restore(data);
    return;
  }
  const steps = machine.restoreInSteps(data)[Symbol.iterator]();
  while (steps.next().done !== true) await new Promise((resolve) => setImmediate(resolve));
}
