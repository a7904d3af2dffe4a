/**
 * The Raft state machine: elections, replication, commit, ReadIndex, snapshots, membership and
 * leadership transfer. Pure and synchronous; `RawNode` wraps it with the Ready/advance protocol.
 * Modelled on etcd-io/raft raft.go; section numbers refer to the Raft paper and Ongaro's thesis.
 */
import { assert } from '@objectbox/util';
import {
  type ConsensusError,
  InvalidConfigChangeError,
  isConsensusError,
  LogCompactedError,
  NotLeaderError,
  ProposalDroppedError,
  SnapshotTemporarilyUnavailableError,
} from './errors.js';
import { isDurableAcknowledgement, type Message, type MsgApp, type MsgAppResp, type MsgHeartbeat, type MsgHeartbeatResp, type MsgSnap, type MsgVote, type MsgVoteResp } from './messages.js';
import { Progress } from './progress.js';
import { majorityCommittedIndex, majorityVoteResult, type VoteResult } from './quorum.js';
import { validateRaftConfig, type RaftConfig } from './raft-config.js';
import { RaftLog, type EntryId } from './raft-log.js';
import { ReadOnly } from './read-only.js';
import {
  decodeConfigChange,
  encodeConfigChange,
  entryPayloadSizeBytes,
  type ConfigChange,
  type ConfigState,
  type Entry,
  type EntryType,
  type HardState,
  type LogIndex,
  type NodeId,
  type RaftRole,
  type ReadState,
  type Snapshot,
  type SoftState,
  type Term,
} from './types.js';

type StepFunction = (message: Message) => void;
type MessageBody = Message extends infer M ? (M extends Message ? Omit<M, 'from' | 'to' | 'term'> : never) : never;

/** A pending ReadIndex request waiting for the leader's first commit in its term. */
interface ReadIndexRequest {
  readonly from: NodeId;
  readonly context: Uint8Array;
}

/** The Raft state machine of one member. Not exported from the package: use `RawNode`. */
export class RaftCore {
  readonly id: NodeId;
  readonly log: RaftLog;
  term: Term = 0 as Term;
  vote: NodeId | undefined;
  role: RaftRole = 'follower';
  leaderId: NodeId | undefined;
  /** Invariant: disjoint from `learners`; `progress` has exactly the members of both. */
  readonly voters = new Set<NodeId>();
  readonly learners = new Set<NodeId>();
  readonly progress = new Map<NodeId, Progress>();
  /** Votes received in the current (pre-)campaign. */
  readonly votes = new Map<NodeId, boolean>();
  /** Outbox: messages that may be sent once the Ready is persisted. */
  messages: Message[] = [];
  /** Durable acknowledgements: sent (or stepped, if to self) only after the Ready is persisted. */
  messagesAfterAppend: Message[] = [];
  readStates: ReadState[] = [];
  electionElapsedTicks = 0;
  heartbeatElapsedTicks = 0;
  randomizedElectionTimeoutTicks = 0;
  /** The member leadership is being handed to, if a transfer is in progress. */
  leadTransferee: NodeId | undefined;
  /**
   * The leader accepts no config change until `log.applied >= pendingConfigIndex`: at most one
   * change is in flight, and a new leader first commits an entry of its own term (the fix for the
   * single-server change bug, Ongaro raft-dev 2015).
   */
  pendingConfigIndex: LogIndex = 0 as LogIndex;
  uncommittedSizeBytes = 0;
  readonly readOnly: ReadOnly;
  pendingReadIndexRequests: ReadIndexRequest[] = [];
  private stepRole: StepFunction = (message) => this.stepFollower(message);

  constructor(readonly config: RaftConfig) {
    validateRaftConfig(config);
    this.id = config.id;
    this.log = new RaftLog(config.storage, config.readyCommittedSizeBytesMax);
    this.readOnly = new ReadOnly(config.readIndexPendingCountMax);
    const { hardState, configState } = config.storage.initialState();
    this.applyConfigState(configState);
    this.loadHardState(hardState);
    if (config.applied !== undefined && config.applied > 0) this.restoreApplied(config.applied);
    this.becomeFollower(this.term, undefined);
  }

  private loadHardState(hardState: HardState): void {
    if (hardState.term === 0 && hardState.commit === 0 && hardState.vote === undefined) return;
    assert(
      hardState.commit >= this.log.committed && hardState.commit <= this.log.lastIndex(),
      `hard state commit ${hardState.commit} is out of range [${this.log.committed}, ${this.log.lastIndex()}]`,
    );
    this.log.committed = hardState.commit;
    this.term = hardState.term;
    this.vote = hardState.vote;
  }

  /** Re-applies the config changes between the snapshot and `applied`, which the app will not replay. */
  private restoreApplied(applied: LogIndex): void {
    const first = this.log.firstIndex();
    if (applied >= first) {
      for (const entry of this.log.slice(first, (applied + 1) as LogIndex, Number.MAX_SAFE_INTEGER)) {
        if (entry.type === 'config-change') this.applyConfigChangeToTracker(decodeConfigChange(entry.data));
      }
    }
    this.log.appliedTo(applied);
  }

  softState(): SoftState {
    return { leaderId: this.leaderId, role: this.role };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  configState(): ConfigState {
    return { voters: [...this.voters].sort(byId), learners: [...this.learners].sort(byId) };
  }

  // ---------------------------------------------------------------- sending

  /** Queues `body` to `to` with this node's term, or `term` when given (vote responses). */
  send(to: NodeId, body: MessageBody, term: Term = this.term): void {
    const message = { ...body, from: this.id, to, term } as Message;
    if (isDurableAcknowledgement(message)) {
      this.messagesAfterAppend.push(message);
    } else {
      assert(to !== this.id, `message ${message.type} to self`);
      this.messages.push(message);
    }
  }

  // ---------------------------------------------------------------- transitions

  private reset(term: Term): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = undefined;
    }
    this.leaderId = undefined;
    this.electionElapsedTicks = 0;
    this.heartbeatElapsedTicks = 0;
    this.resetRandomizedElectionTimeout();
    this.leadTransferee = undefined;
    this.votes.clear();
    this.resetProgress();
    this.pendingConfigIndex = 0 as LogIndex;
    this.uncommittedSizeBytes = 0;
    this.readOnly.clear();
    this.pendingReadIndexRequests = [];
  }

  private resetRandomizedElectionTimeout(): void {
    const timeoutTicks = this.config.electionTimeoutTicks;
    this.randomizedElectionTimeoutTicks = timeoutTicks + this.config.random.nextInt(timeoutTicks);
  }

  private resetProgress(): void {
    for (const id of this.progress.keys()) this.progress.set(id, this.newProgress(id));
  }

  private newProgress(id: NodeId): Progress {
    const progress = new Progress({
      next: (this.log.lastIndex() + 1) as LogIndex,
      inflightMessageCountMax: this.config.inflightMessageCountMax,
      isLearner: this.learners.has(id),
    });
    if (id === this.id) {
      // Only what the driver has persisted counts toward commit (etcd reset uses lastIndex, which
      // is only correct when entries are persisted synchronously).
      progress.match = this.log.stableLastIndex();
      progress.recentActive = true;
    }
    return progress;
  }

  /** Any role may become a follower. */
  becomeFollower(term: Term, leaderId: NodeId | undefined): void {
    this.stepRole = (message) => this.stepFollower(message);
    this.reset(term);
    this.leaderId = leaderId;
    this.role = 'follower';
  }

  /** Starts an election in a new term and votes for itself. Throws if leader (illegal transition). */
  becomeCandidate(): void {
    assert(this.role !== 'leader', 'invalid transition leader -> candidate');
    this.stepRole = (message) => this.stepCandidate(message);
    this.reset((this.term + 1) as Term);
    this.vote = this.id;
    this.role = 'candidate';
  }

  /** Starts a pre-vote without changing term or vote. Throws if leader (illegal transition). */
  becomePreCandidate(): void {
    assert(this.role !== 'leader', 'invalid transition leader -> pre-candidate');
    this.stepRole = (message) => this.stepCandidate(message);
    this.votes.clear();
    this.leaderId = undefined;
    this.role = 'pre-candidate';
  }

  /** Takes leadership after winning an election; appends an empty entry of the new term (§5.4.2). */
  becomeLeader(): void {
    assert(this.role === 'candidate', `invalid transition ${this.role} -> leader`);
    this.stepRole = (message) => this.stepLeader(message);
    this.reset(this.term);
    this.leaderId = this.id;
    this.role = 'leader';
    this.progress.get(this.id)?.becomeReplicate();
    const emptyEntryIndex = (this.log.lastIndex() + 1) as LogIndex;
    // No config change until the empty entry of this term commits (and so is applied).
    this.pendingConfigIndex = emptyEntryIndex;
    this.appendEntries([{ term: this.term, index: emptyEntryIndex, type: 'normal', data: new Uint8Array() }]);
  }

  // ---------------------------------------------------------------- ticks

  /** Advances logical time by one tick. */
  tick(): void {
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsedTicks++;
    if (this.isPromotable() && this.electionElapsedTicks >= this.randomizedElectionTimeoutTicks) {
      this.electionElapsedTicks = 0;
      this.hup(false);
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsedTicks++;
    this.electionElapsedTicks++;
    if (this.electionElapsedTicks >= this.config.electionTimeoutTicks) {
      this.electionElapsedTicks = 0;
      if (this.config.checkQuorum && !this.checkQuorumActive()) {
        this.becomeFollower(this.term, undefined);
        return;
      }
      // A transfer that did not finish within an election timeout is abandoned (thesis §3.10).
      this.leadTransferee = undefined;
    }
    if (this.heartbeatElapsedTicks >= this.config.heartbeatIntervalTicks) {
      this.heartbeatElapsedTicks = 0;
      this.broadcastHeartbeat(undefined);
    }
  }

  /** True if a quorum of voters was heard from since the last check; resets the activity flags. */
  private checkQuorumActive(): boolean {
    const active = new Map<NodeId, boolean>();
    for (const [id, progress] of this.progress) {
      active.set(id, id === this.id || progress.recentActive);
      if (id !== this.id) progress.recentActive = false;
    }
    return majorityVoteResult(this.voters, active) === 'won';
  }

  /** A member that may campaign: a voter not waiting for a snapshot to persist. */
  isPromotable(): boolean {
    return this.voters.has(this.id) && this.log.unstable.snapshot === undefined;
  }

  // ---------------------------------------------------------------- elections

  /** Starts a (pre-)campaign unless leader, not promotable, or config changes are unapplied. */
  hup(leadershipTransfer: boolean): void {
    if (this.role === 'leader' || !this.isPromotable() || this.hasUnappliedConfigChanges()) return;
    if (leadershipTransfer) this.campaign('vote', true);
    else this.campaign(this.config.preVote ? 'pre-vote' : 'vote', false);
  }

  private hasUnappliedConfigChanges(): boolean {
    if (this.log.committed <= this.log.applied) return false;
    const lo = Math.max(this.log.applied + 1, this.log.firstIndex()) as LogIndex;
    const entries = this.log.slice(lo, (this.log.committed + 1) as LogIndex, Number.MAX_SAFE_INTEGER);
    return entries.some((entry) => entry.type === 'config-change');
  }

  private campaign(kind: 'pre-vote' | 'vote', leadershipTransfer: boolean): void {
    if (kind === 'pre-vote') this.becomePreCandidate();
    else this.becomeCandidate();
    const campaignTerm = (kind === 'pre-vote' ? this.term + 1 : this.term) as Term;
    const last = this.log.lastEntryId();
    for (const id of [...this.voters].sort(byId)) {
      if (id === this.id) {
        // Our own vote counts only once persisted: it goes through messagesAfterAppend.
        this.send(id, { type: kind === 'pre-vote' ? 'MsgPreVoteResp' : 'MsgVoteResp', reject: false }, campaignTerm);
        continue;
      }
      const type = kind === 'pre-vote' ? 'MsgPreVote' : 'MsgVote';
      this.send(id, { type, index: last.index, logTerm: last.term, leadershipTransfer }, campaignTerm);
    }
  }

  private poll(from: NodeId, granted: boolean): VoteResult {
    if (!this.votes.has(from)) this.votes.set(from, granted);
    return majorityVoteResult(this.voters, this.votes);
  }

  private handleVoteRequest(message: MsgVote): void {
    const isPreVote = message.type === 'MsgPreVote';
    const canVote =
      this.vote === message.from ||
      (this.vote === undefined && this.leaderId === undefined) ||
      (isPreVote && message.term > this.term) ||
      this.config.testingBugs?.grantTwoVotesInOneTerm === true;
    const responseType = isPreVote ? 'MsgPreVoteResp' : 'MsgVoteResp';
    if (canVote && this.log.isUpToDate({ index: message.index, term: message.logTerm })) {
      // Reply with the candidate's term: a pre-vote grant must not look stale to it.
      this.send(message.from, { type: responseType, reject: false }, message.term);
      if (!isPreVote) {
        this.electionElapsedTicks = 0;
        this.vote = message.from;
      }
    } else {
      this.send(message.from, { type: responseType, reject: true });
    }
  }

  // ---------------------------------------------------------------- step

  /** Handles one message from the network (or a self-addressed durable acknowledgement). */
  step(message: Message): void {
    if (message.term > this.term) {
      if (!this.stepHigherTerm(message)) return;
    } else if (message.term < this.term) {
      this.stepLowerTerm(message);
      return;
    }
    if (message.type === 'MsgVote' || message.type === 'MsgPreVote') this.handleVoteRequest(message);
    else this.stepRole(message);
  }

  /** Adopts a higher term where appropriate; returns false if the message is ignored (leader lease). */
  private stepHigherTerm(message: Message): boolean {
    if (message.type === 'MsgVote' || message.type === 'MsgPreVote') {
      const inLease =
        this.config.checkQuorum &&
        this.leaderId !== undefined &&
        this.electionElapsedTicks < this.config.electionTimeoutTicks;
      if (inLease && !message.leadershipTransfer) return false;
    }
    if (message.type === 'MsgPreVote') return true; // A pre-vote never changes our term.
    if (message.type === 'MsgPreVoteResp' && !message.reject) return true; // We bump when we win.
    const isFromLeader = message.type === 'MsgApp' || message.type === 'MsgHeartbeat' || message.type === 'MsgSnap';
    this.becomeFollower(message.term, isFromLeader ? message.from : undefined);
    return true;
  }

  private stepLowerTerm(message: Message): void {
    const fromStaleLeader = message.type === 'MsgHeartbeat' || message.type === 'MsgApp';
    if ((this.config.checkQuorum || this.config.preVote) && fromStaleLeader) {
      // A leader partitioned away may otherwise never learn the new term: with check-quorum or
      // pre-vote, our higher term cannot reach it through a vote request (etcd raft.go Step).
      this.send(message.from, { type: 'MsgAppResp', index: 0 as LogIndex, reject: false, rejectHint: 0 as LogIndex, logTerm: 0 as Term });
    } else if (message.type === 'MsgPreVote') {
      this.send(message.from, { type: 'MsgPreVoteResp', reject: true });
    }
  }

  private stepFollower(message: Message): void {
    switch (message.type) {
      case 'MsgApp':
      case 'MsgHeartbeat':
      case 'MsgSnap':
        this.electionElapsedTicks = 0;
        this.leaderId = message.from;
        this.handleLeaderMessage(message);
        return;
      case 'MsgTransferLeader':
      case 'MsgReadIndex':
        if (this.leaderId !== undefined) this.send(this.leaderId, forwardBody(message));
        return;
      case 'MsgTimeoutNow':
        this.hup(true);
        return;
      case 'MsgReadIndexResp':
        this.readStates.push({ index: message.index, context: message.context });
        return;
      default:
        return;
    }
  }

  private stepCandidate(message: Message): void {
    switch (message.type) {
      case 'MsgApp':
      case 'MsgHeartbeat':
      case 'MsgSnap':
        this.becomeFollower(message.term, message.from);
        this.handleLeaderMessage(message);
        return;
      case 'MsgVoteResp':
      case 'MsgPreVoteResp':
        this.handleVoteResponse(message);
        return;
      default:
        return; // No leader to forward to; MsgTimeoutNow is meaningless while campaigning.
    }
  }

  private handleVoteResponse(message: MsgVoteResp): void {
    const expected = this.role === 'pre-candidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
    if (message.type !== expected) return;
    const result = this.poll(message.from, !message.reject);
    if (result === 'won') {
      if (this.role === 'pre-candidate') {
        this.campaign('vote', false);
      } else {
        this.becomeLeader();
        this.broadcastAppend();
      }
    } else if (result === 'lost') {
      this.becomeFollower(this.term, undefined);
    }
  }

  private handleLeaderMessage(message: MsgApp | MsgHeartbeat | MsgSnap): void {
    if (message.type === 'MsgApp') this.handleAppendEntries(message);
    else if (message.type === 'MsgHeartbeat') this.handleHeartbeat(message);
    else this.handleSnapshot(message);
  }

  // ---------------------------------------------------------------- follower handlers

  private handleAppendEntries(message: MsgApp): void {
    if (message.index < this.log.committed) {
      this.sendAppendResponse(message.from, { index: this.log.committed });
      return;
    }
    const lastNewIndex = this.log.maybeAppend({ index: message.index, term: message.logTerm }, message.commit, message.entries);
    if (lastNewIndex !== undefined) {
      this.sendAppendResponse(message.from, { index: lastNewIndex });
      return;
    }
    // Fast backtracking: point the leader at our last entry with a term <= the probed one, so it
    // skips a whole conflicting term per round trip (etcd-io/raft raft.go handleAppendEntries).
    const hintIndex = Math.min(message.index, this.log.lastIndex()) as LogIndex;
    const hint = this.log.findConflictByTerm(hintIndex, message.logTerm);
    this.sendAppendResponse(message.from, { index: message.index, reject: true, hint });
  }

  private sendAppendResponse(to: NodeId, options: { index: LogIndex; reject?: boolean; hint?: EntryId }): void {
    this.send(to, {
      type: 'MsgAppResp',
      index: options.index,
      reject: options.reject ?? false,
      rejectHint: options.hint?.index ?? (0 as LogIndex),
      logTerm: options.hint?.term ?? (0 as Term),
    });
  }

  private handleHeartbeat(message: MsgHeartbeat): void {
    this.log.commitTo(message.commit);
    this.send(message.from, { type: 'MsgHeartbeatResp', context: message.context });
  }

  private handleSnapshot(message: MsgSnap): void {
    const index = this.restoreSnapshot(message.snapshot) ? this.log.lastIndex() : this.log.committed;
    this.sendAppendResponse(message.from, { index });
  }

  /** Installs `snapshot` unless it is stale or already covered; returns true if installed. */
  restoreSnapshot(snapshot: Snapshot): boolean {
    const { index, term: snapshotTerm, configState } = snapshot.metadata;
    if (index <= this.log.committed) return false;
    assert(this.role === 'follower', 'only a follower installs a snapshot');
    const isMember = configState.voters.includes(this.id) || configState.learners.includes(this.id);
    if (!isMember) return false; // etcd ignores snapshots that do not include this node.
    if (this.log.matchTerm(index, snapshotTerm)) {
      this.log.commitTo(index); // Our log already has it: just fast-forward the commit.
      return false;
    }
    this.log.restore(snapshot);
    this.applyConfigState(configState);
    return true;
  }

  // ---------------------------------------------------------------- leader

  private stepLeader(message: Message): void {
    const progress = this.progress.get(message.from);
    switch (message.type) {
      case 'MsgAppResp':
        if (progress !== undefined) this.handleAppendResponse(message, progress);
        return;
      case 'MsgHeartbeatResp':
        if (progress !== undefined) this.handleHeartbeatResponse(message, progress);
        return;
      case 'MsgTransferLeader':
        this.handleTransferLeader(message.transferee);
        return;
      case 'MsgReadIndex':
        this.handleReadIndexRequest({ from: message.from, context: message.context });
        return;
      default:
        return;
    }
  }

  /** Appends entries to the leader's log; the self-acknowledgement waits for persistence. */
  private appendEntries(entries: readonly Entry[]): void {
    const lastIndex = this.log.append(entries);
    this.send(this.id, { type: 'MsgAppResp', index: lastIndex, reject: false, rejectHint: 0 as LogIndex, logTerm: 0 as Term });
  }

  /**
   * Appends a proposal as leader and replicates it. Throws {@link NotLeaderError} on a
   * non-leader, {@link ProposalDroppedError} for transient refusals and
   * {@link InvalidConfigChangeError} for a config change that cannot apply.
   */
  propose(type: EntryType, data: Uint8Array): EntryId {
    const entry = this.admitProposal(type, data, (this.log.lastIndex() + 1) as LogIndex);
    this.appendEntries([entry]);
    if (type === 'config-change') this.pendingConfigIndex = entry.index;
    this.broadcastAppend();
    return { index: entry.index, term: entry.term };
  }

  /**
   * Appends normal proposals as leader and replicates them with one MsgApp per follower, instead of
   * one per proposal: a leader under load gets many proposals between two Readies, and each MsgApp
   * costs an encode, a decode, a step and an answer on every replica. Returns, per proposal, its
   * entry id or the error {@link propose} would have thrown for it (a refused proposal takes no
   * index, so the later ones still follow on without a gap).
   */
  proposeBatch(datas: readonly Uint8Array[]): Array<EntryId | ConsensusError> {
    const results: Array<EntryId | ConsensusError> = [];
    const entries: Entry[] = [];
    let nextIndex = (this.log.lastIndex() + 1) as LogIndex;
    for (const data of datas) {
      try {
        const entry = this.admitProposal('normal', data, nextIndex);
        entries.push(entry);
        results.push({ index: entry.index, term: entry.term });
        nextIndex++;
      } catch (error) {
        if (!isConsensusError(error)) throw error;
        results.push(error);
      }
    }
    if (entries.length === 0) return results;
    this.appendEntries(entries);
    this.broadcastAppend();
    return results;
  }

  /** The entry for a proposal at `index`, counted against the uncommitted budget; throws like {@link propose}. */
  private admitProposal(type: EntryType, data: Uint8Array, index: LogIndex): Entry {
    if (this.role !== 'leader') throw new NotLeaderError(this.leaderId);
    if (!this.progress.has(this.id)) throw new ProposalDroppedError('removed-from-config');
    if (this.leadTransferee !== undefined) throw new ProposalDroppedError('leadership-transfer-in-progress');
    if (type === 'config-change') this.checkConfigChangeAllowed(decodeConfigChange(data));
    const entry: Entry = { term: this.term, index, type, data };
    if (!this.increaseUncommittedSize(entry)) throw new ProposalDroppedError('uncommitted-size-limit');
    return entry;
  }

  private checkConfigChangeAllowed(change: ConfigChange): void {
    if (this.pendingConfigIndex > this.log.applied) throw new ProposalDroppedError('config-change-pending');
    const { type, nodeId } = change;
    const invalid = (reason: string): never => {
      throw new InvalidConfigChangeError(`${type} ${nodeId}: ${reason}`);
    };
    if (type === 'add-voter' && this.voters.has(nodeId)) invalid('already a voter');
    if (type === 'add-learner' && this.learners.has(nodeId)) invalid('already a learner');
    if (type === 'remove-node' && !this.progress.has(nodeId)) invalid('not a member');
    const removesVoter = (type === 'remove-node' || type === 'add-learner') && this.voters.has(nodeId);
    if (removesVoter && this.voters.size === 1) invalid('would leave no voters');
  }

  private increaseUncommittedSize(entry: Entry): boolean {
    const sizeBytes = entryPayloadSizeBytes(entry);
    const total = this.uncommittedSizeBytes + sizeBytes;
    if (this.uncommittedSizeBytes > 0 && sizeBytes > 0 && total > this.config.uncommittedSizeBytesMax) return false;
    this.uncommittedSizeBytes = total;
    return true;
  }

  /** Releases the uncommitted budget of entries handed to the application. */
  reduceUncommittedSize(entries: readonly Entry[]): void {
    if (this.role !== 'leader') return;
    const sizeBytes = entries.reduce((sum, entry) => sum + entryPayloadSizeBytes(entry), 0);
    this.uncommittedSizeBytes = Math.max(0, this.uncommittedSizeBytes - sizeBytes);
  }

  /** Sends `to` what it is missing: as many MsgApp as flow control allows, or a snapshot. */
  private sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  private maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const progress = this.progress.get(to);
    if (progress === undefined || progress.isPaused()) return false;
    const previousIndex = (progress.next - 1) as LogIndex;
    let previousTerm: Term;
    let entries: Entry[];
    try {
      previousTerm = this.log.term(previousIndex);
      entries = this.log.entriesFrom(progress.next, this.config.messageSizeBytesMax);
    } catch (error) {
      if (error instanceof LogCompactedError) return this.maybeSendSnapshot(to, progress);
      throw error;
    }
    if (entries.length === 0 && !sendIfEmpty) return false;
    this.send(to, { type: 'MsgApp', index: previousIndex, logTerm: previousTerm, entries, commit: this.log.committed });
    progress.sentEntries(entries.length, (previousIndex + entries.length) as LogIndex);
    return true;
  }

  private maybeSendSnapshot(to: NodeId, progress: Progress): boolean {
    // Only to members that answered recently: a snapshot is large (etcd maybeSendSnapshot).
    if (!progress.recentActive) return false;
    let snapshot: Snapshot;
    try {
      snapshot = this.log.snapshot();
    } catch (error) {
      if (error instanceof SnapshotTemporarilyUnavailableError) return false;
      throw error;
    }
    assert(snapshot.metadata.index > 0, 'need a non-empty snapshot');
    progress.becomeSnapshot(snapshot.metadata.index);
    this.send(to, { type: 'MsgSnap', snapshot });
    return true;
  }

  private broadcastAppend(): void {
    for (const id of this.progress.keys()) if (id !== this.id) this.sendAppend(id);
  }

  private broadcastHeartbeat(context: Uint8Array | undefined): void {
    const heartbeatContext = context ?? this.readOnly.lastPendingContext();
    for (const [id, progress] of this.progress) {
      if (id === this.id) continue;
      // Never tell a follower to commit past what it is known to hold.
      const commit = Math.min(progress.match, this.log.committed) as LogIndex;
      this.send(id, { type: 'MsgHeartbeat', commit, context: heartbeatContext });
    }
  }

  private handleAppendResponse(message: MsgAppResp, progress: Progress): void {
    progress.recentActive = true;
    if (message.reject) {
      this.handleAppendRejection(message, progress);
      return;
    }
    const wasProbeMatch = progress.match === message.index && progress.state === 'probe';
    if (!progress.maybeUpdate(message.index) && !wasProbeMatch) return;
    this.updateProgressState(progress, message.index);
    if (this.maybeCommit()) {
      this.releasePendingReadIndexRequests();
      this.broadcastAppend();
    }
    if (message.from !== this.id) while (this.maybeSendAppend(message.from, false));
    if (message.from === this.leadTransferee && progress.match === this.log.lastIndex()) {
      this.send(message.from, { type: 'MsgTimeoutNow' });
    }
  }

  private handleAppendRejection(message: MsgAppResp, progress: Progress): void {
    let nextProbeIndex = message.rejectHint;
    if (message.logTerm > 0) {
      nextProbeIndex = this.log.findConflictByTerm(message.rejectHint, message.logTerm).index;
    }
    if (progress.maybeDecrementTo(message.index, nextProbeIndex)) {
      if (progress.state === 'replicate') progress.becomeProbe();
      this.sendAppend(message.from);
    }
  }

  private updateProgressState(progress: Progress, acknowledgedIndex: LogIndex): void {
    switch (progress.state) {
      case 'probe':
        progress.becomeReplicate();
        return;
      case 'snapshot':
        if (progress.match + 1 >= this.log.firstIndex()) {
          progress.becomeProbe();
          progress.becomeReplicate();
        }
        return;
      case 'replicate':
        progress.inflights.freeLessOrEqual(acknowledgedIndex);
        return;
    }
  }

  /**
   * Commits the largest index a majority of voters holds, if its entry is from the current term
   * (§5.4.2: entries of earlier terms commit only indirectly).
   */
  private maybeCommit(): boolean {
    if (this.voters.size === 0) return false;
    const index = majorityCommittedIndex(this.voters, (id) => this.progress.get(id)?.match);
    const ignoreTerm = this.config.testingBugs?.countPreviousTermEntriesTowardCommit === true;
    return this.log.maybeCommit(index, this.term, ignoreTerm);
  }

  private handleHeartbeatResponse(message: MsgHeartbeatResp, progress: Progress): void {
    progress.recentActive = true;
    progress.msgAppFlowPaused = false;
    // A lost MsgApp or response must not stall a full window forever (etcd before v3.6 did the same).
    if (progress.state === 'replicate' && progress.inflights.full()) progress.inflights.freeFirstOne();
    if (progress.match < this.log.lastIndex() || progress.state === 'probe') this.sendAppend(message.from);
    if (message.context !== undefined) this.handleReadIndexAcknowledgement(message.from, message.context);
  }

  // ---------------------------------------------------------------- ReadIndex

  /**
   * Serves a ReadIndex request (thesis §6.4) on the leader: once the leader has committed an
   * entry of its term, records the commit index and confirms leadership with a heartbeat round.
   * Throws {@link ProposalDroppedError} ('read-index-pending-limit') when too many are pending.
   */
  handleReadIndexRequest(request: ReadIndexRequest): void {
    const pendingCount = this.readOnly.count + this.pendingReadIndexRequests.length;
    if (pendingCount >= this.config.readIndexPendingCountMax) {
      if (request.from === this.id) throw new ProposalDroppedError('read-index-pending-limit');
      return;
    }
    if (!this.committedEntryInCurrentTerm()) {
      // The commit index of a new leader may lag the true one until it commits in its term.
      this.pendingReadIndexRequests.push(request);
      return;
    }
    this.sendReadIndexResponse(request);
  }

  private committedEntryInCurrentTerm(): boolean {
    return this.log.termOrZero(this.log.committed) === this.term;
  }

  private sendReadIndexResponse(request: ReadIndexRequest): void {
    if (this.voters.size === 1 && this.voters.has(this.id)) {
      this.respondToReadIndex(request, this.log.committed);
      return;
    }
    this.readOnly.addRequest({ index: this.log.committed, from: request.from, context: request.context });
    this.handleReadIndexAcknowledgement(this.id, request.context);
    this.broadcastHeartbeat(request.context);
  }

  private handleReadIndexAcknowledgement(from: NodeId, context: Uint8Array): void {
    const acknowledgements = this.readOnly.receiveAcknowledgement(from, context);
    if (acknowledgements === undefined) return;
    const votes = new Map([...acknowledgements].map((id) => [id, true] as const));
    if (majorityVoteResult(this.voters, votes) !== 'won') return;
    for (const status of this.readOnly.advance(context)) this.respondToReadIndex(status, status.index);
  }

  private respondToReadIndex(request: ReadIndexRequest, index: LogIndex): void {
    if (request.from === this.id) this.readStates.push({ index, context: request.context });
    else this.send(request.from, { type: 'MsgReadIndexResp', index, context: request.context });
  }

  private releasePendingReadIndexRequests(): void {
    if (!this.committedEntryInCurrentTerm()) return;
    const requests = this.pendingReadIndexRequests;
    this.pendingReadIndexRequests = [];
    for (const request of requests) this.sendReadIndexResponse(request);
  }

  // ---------------------------------------------------------------- leadership transfer

  /** Starts handing leadership to `transferee` (thesis §3.10); ignored for learners and unknown ids. */
  handleTransferLeader(transferee: NodeId): void {
    const progress = this.progress.get(transferee);
    if (progress === undefined || progress.isLearner) return;
    if (this.leadTransferee === transferee || transferee === this.id) return;
    this.leadTransferee = transferee;
    this.electionElapsedTicks = 0; // The transfer must finish within one election timeout.
    if (progress.match === this.log.lastIndex()) this.send(transferee, { type: 'MsgTimeoutNow' });
    else this.sendAppend(transferee);
  }

  // ---------------------------------------------------------------- membership

  /** Applies a committed config change (called by RawNode.advance once the entry is applied). */
  applyConfigChange(change: ConfigChange): void {
    this.applyConfigChangeToTracker(change);
    this.switchToConfig();
  }

  private applyConfigChangeToTracker(change: ConfigChange): void {
    const { type, nodeId } = change;
    const removesVoter = (type === 'remove-node' || type === 'add-learner') && this.voters.has(nodeId);
    if (removesVoter && this.voters.size === 1) return; // Rejected at proposal; stay deterministic.
    this.voters.delete(nodeId);
    this.learners.delete(nodeId);
    if (type === 'remove-node') {
      this.progress.delete(nodeId);
      return;
    }
    (type === 'add-voter' ? this.voters : this.learners).add(nodeId);
    const progress = this.progress.get(nodeId);
    if (progress === undefined) this.progress.set(nodeId, this.newProgress(nodeId));
    else progress.isLearner = type === 'add-learner';
  }

  /** Replaces the membership (from storage or a snapshot) and resets every progress. */
  private applyConfigState(configState: ConfigState): void {
    this.voters.clear();
    this.learners.clear();
    this.progress.clear();
    for (const id of configState.voters) this.voters.add(id);
    for (const id of configState.learners) {
      assert(!this.voters.has(id), `node ${id} is both voter and learner`);
      this.learners.add(id);
    }
    for (const id of [...this.voters, ...this.learners]) this.progress.set(id, this.newProgress(id));
  }

  private switchToConfig(): void {
    if (this.role !== 'leader') return;
    if (!this.voters.has(this.id)) {
      // Removed or demoted: tell followers the change committed, then step down so a voter leads.
      this.broadcastAppend();
      this.becomeFollower(this.term, undefined);
      return;
    }
    if (this.maybeCommit()) this.broadcastAppend();
    else for (const id of this.progress.keys()) if (id !== this.id) this.maybeSendAppend(id, false);
    if (this.leadTransferee !== undefined && !this.voters.has(this.leadTransferee)) this.leadTransferee = undefined;
  }

  /** Encodes and proposes a config change; see {@link propose}. */
  proposeConfigChange(change: ConfigChange): EntryId {
    return this.propose('config-change', encodeConfigChange(change));
  }

  // ---------------------------------------------------------------- transport feedback

  /** The transport could not deliver to `id`: fall back to probing (etcd MsgUnreachable). */
  reportUnreachable(id: NodeId): void {
    const progress = this.progress.get(id);
    if (this.role === 'leader' && progress?.state === 'replicate') progress.becomeProbe();
  }

  /** The transport finished sending a snapshot to `id` (etcd MsgSnapStatus). */
  reportSnapshot(id: NodeId, succeeded: boolean): void {
    const progress = this.progress.get(id);
    if (this.role !== 'leader' || progress?.state !== 'snapshot') return;
    if (!succeeded) progress.pendingSnapshot = 0 as LogIndex;
    progress.becomeProbe();
    // Wait for a heartbeat response before probing, so a failed snapshot is not retried at once.
    progress.msgAppFlowPaused = true;
  }
}

function byId(left: NodeId, right: NodeId): number {
  return left - right;
}

function forwardBody(message: Message & { type: 'MsgTransferLeader' | 'MsgReadIndex' }): MessageBody {
  return message.type === 'MsgTransferLeader'
    ? { type: 'MsgTransferLeader', transferee: message.transferee }
    : { type: 'MsgReadIndex', context: message.context };
}
