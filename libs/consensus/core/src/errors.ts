/**
 * Typed operating errors of the Raft core (STYLE.md §5). Programmer errors are assertions instead.
 */
import { ObjectBoxError, type ErrorKind } from '@objectbox/util';
import type { LogIndex, NodeId } from './types.js';

/** Base of every error the consensus core throws for an expected condition. */
export abstract class ConsensusError extends ObjectBoxError {
  /** Marks instances without relying on `instanceof`. */
  readonly isConsensusError = true;
}

/** True for any {@link ConsensusError}, also across duplicated copies of this package. */
export function isConsensusError(value: unknown): value is ConsensusError {
  return value instanceof Error && (value as Partial<ConsensusError>).isConsensusError === true;
}

/** The operation needs the leader and this node is not it; `leaderId` is the leader if known. */
export class NotLeaderError extends ConsensusError {
  readonly code = 'NotLeader';
  readonly kind: ErrorKind = 'unavailable';
  constructor(readonly leaderId: NodeId | undefined) {
    super(leaderId === undefined ? 'not the leader; leader unknown' : `not the leader; leader is ${leaderId}`);
  }
}

/** Why a proposal was dropped; all are transient. */
export type ProposalDroppedReason =
  | 'leadership-transfer-in-progress'
  | 'uncommitted-size-limit'
  | 'config-change-pending'
  | 'removed-from-config'
  | 'read-index-pending-limit';

/** The leader refused a proposal for a transient reason; retrying later may succeed. */
export class ProposalDroppedError extends ConsensusError {
  readonly code = 'ProposalDropped';
  readonly kind: ErrorKind = 'unavailable';
  constructor(readonly reason: ProposalDroppedReason) {
    super(`proposal dropped: ${reason}`);
  }
}

/** A config change that cannot apply to the current membership (e.g. removing the last voter). */
export class InvalidConfigChangeError extends ConsensusError {
  readonly code = 'InvalidConfigChange';
  readonly kind: ErrorKind = 'invalid-argument';
}

/** The requested log index precedes the first available one: it was compacted into a snapshot. */
export class LogCompactedError extends ConsensusError {
  readonly code = 'LogCompacted';
  readonly kind: ErrorKind = 'failed-precondition';
  constructor(readonly index: LogIndex) {
    super(`log index ${index} is compacted`);
  }
}

/** The requested log index is past the last available one. */
export class LogUnavailableError extends ConsensusError {
  readonly code = 'LogUnavailable';
  readonly kind: ErrorKind = 'not-found';
  constructor(readonly index: LogIndex) {
    super(`log index ${index} is unavailable`);
  }
}

/** A snapshot older than the one already held was offered to or requested from storage. */
export class SnapshotOutOfDateError extends ConsensusError {
  readonly code = 'SnapshotOutOfDate';
  readonly kind: ErrorKind = 'failed-precondition';
  constructor(readonly index: LogIndex) {
    super(`snapshot at index ${index} is out of date`);
  }
}

/** Storage cannot produce a snapshot right now; the leader retries on a later attempt. */
export class SnapshotTemporarilyUnavailableError extends ConsensusError {
  readonly code = 'SnapshotTemporarilyUnavailable';
  readonly kind: ErrorKind = 'unavailable';
  constructor() {
    super('snapshot temporarily unavailable');
  }
}
