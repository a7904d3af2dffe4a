/**
 * Configuration of a Raft node and its validation. Modelled on etcd-io/raft raft.go Config.
 */
import { assert } from '@objectbox/util';
import type { Random } from './random.js';
import type { Storage } from './storage.js';
import type { LogIndex, NodeId } from './types.js';

/**
 * TEST ONLY. Deliberate safety bugs a simulator enables to prove its checkers catch them.
 * Never set in production: each one breaks Raft's safety guarantees on purpose.
 * A third planted bug, "reply before fsync", belongs to the driver: it sends the messages for
 * which `isDurableAcknowledgement` is true before persisting the Ready that produced them.
 */
export interface TestingBugs {
  /**
   * The leader commits an index once a majority stores it even if the entry there is from an
   * earlier term (the Raft paper's figure 8 bug; §5.4.2 forbids it).
   */
  readonly countPreviousTermEntriesTowardCommit?: boolean;
  /** A node grants its vote to any up-to-date candidate, even after voting for another in the same term. */
  readonly grantTwoVotesInOneTerm?: boolean;
}

/** Everything a {@link RawNode} needs; all limits are required so call sites state them. */
export interface RaftConfig {
  /** This node's id; must not be reused by another member, ever. */
  readonly id: NodeId;
  /** Durable state written by the driver; read-only for the core. */
  readonly storage: Storage;
  /** Election jitter source; use `SeededRandom` in tests and simulations. */
  readonly random: Random;
  /**
   * Ticks without hearing from a leader before a follower campaigns; the actual timeout is drawn
   * uniformly from [electionTimeoutTicks, 2 * electionTimeoutTicks) on every reset.
   */
  readonly electionTimeoutTicks: number;
  /** Ticks between leader heartbeats. Must be less than `electionTimeoutTicks` (typically a tenth). */
  readonly heartbeatIntervalTicks: number;
  /** On restart, the last index the application had applied (0 or the snapshot index if unsure). */
  readonly applied?: LogIndex;
  /** Byte limit of the entries in one MsgApp (at least one entry is always sent). */
  readonly messageSizeBytesMax: number;
  /** Flow control: MsgApp messages in flight per follower in replicate state. */
  readonly inflightMessageCountMax: number;
  /** Payload bytes the leader accepts uncommitted before dropping proposals. */
  readonly uncommittedSizeBytesMax: number;
  /** Byte limit of `committedEntries` in one Ready (at least one entry). */
  readonly readyCommittedSizeBytesMax: number;
  /** ReadIndex requests the leader keeps pending (awaiting a heartbeat quorum or a first commit). */
  readonly readIndexPendingCountMax: number;
  /** Pre-vote (Raft thesis §9.6): a partitioned node cannot disrupt the cluster when it returns. */
  readonly preVote: boolean;
  /**
   * Check-quorum (Raft thesis §6.2): a leader steps down if it has not heard from a quorum within
   * an election timeout, and followers ignore vote requests while they have a live leader.
   */
  readonly checkQuorum: boolean;
  /** TEST ONLY: see {@link TestingBugs}. */
  readonly testingBugs?: TestingBugs;
}

/** Asserts the configuration is self-consistent (a bad one is a programmer error). */
export function validateRaftConfig(config: RaftConfig): void {
  const positive = (value: number, name: string): void =>
    assert(Number.isSafeInteger(value) && value > 0, `${name} must be a positive integer: ${value}`);
  positive(config.id, 'id');
  positive(config.electionTimeoutTicks, 'electionTimeoutTicks');
  positive(config.heartbeatIntervalTicks, 'heartbeatIntervalTicks');
  positive(config.messageSizeBytesMax, 'messageSizeBytesMax');
  positive(config.inflightMessageCountMax, 'inflightMessageCountMax');
  positive(config.uncommittedSizeBytesMax, 'uncommittedSizeBytesMax');
  positive(config.readyCommittedSizeBytesMax, 'readyCommittedSizeBytesMax');
  positive(config.readIndexPendingCountMax, 'readIndexPendingCountMax');
  assert(
    config.heartbeatIntervalTicks < config.electionTimeoutTicks,
    'heartbeatIntervalTicks must be less than electionTimeoutTicks',
  );
}
