import { ObjectBoxError } from '@objectbox/util';

/** Base of the Raft runtime's errors. */
export abstract class RaftRuntimeError extends ObjectBoxError {}

/**
 * This replica is not the leader. Carries the leader's id and gRPC address when known, so clients
 * can redirect; the gRPC edge sends both as `objectbox-detail-leader-id` / `-leader-address`.
 */
export class NotLeaderError extends RaftRuntimeError {
  readonly code = 'NotLeader';
  readonly kind = 'failed-precondition';
  readonly wireDetails: Readonly<Record<string, string>>;
  constructor(
    readonly groupId: string,
    readonly leaderId: number | undefined,
    readonly leaderAddress: string | undefined,
  ) {
    super(leaderId === undefined ? `not the leader of ${groupId}, and no leader is known` : `not the leader of ${groupId}; the leader is ${leaderId} at ${leaderAddress ?? 'an unknown address'}`);
    this.wireDetails = { 'leader-id': leaderId === undefined ? '' : String(leaderId), 'leader-address': leaderAddress ?? '' };
  }
}

/**
 * A proposal's outcome is unknown: it was not applied within its deadline, or this replica lost
 * leadership meanwhile. It may still commit later; retry only idempotent commands.
 */
export class ProposalOutcomeUnknownError extends RaftRuntimeError {
  readonly code = 'ProposalOutcomeUnknown';
  readonly kind = 'unavailable';
  constructor(
    readonly groupId: string,
    readonly reason: string,
  ) {
    super(`the outcome of the proposal to ${groupId} is unknown: ${reason}`);
  }
}

/** The proposal was certainly not applied (overwritten by another leader's entry, or refused). */
export class ProposalRejectedError extends RaftRuntimeError {
  readonly code = 'ProposalRejected';
  readonly kind = 'aborted';
  constructor(
    readonly groupId: string,
    readonly reason: string,
  ) {
    super(`the proposal to ${groupId} was not applied: ${reason}`);
  }
}

/** Too many proposals or reads are waiting; back off. */
export class RaftOverloadedError extends RaftRuntimeError {
  readonly code = 'RaftOverloaded';
  readonly kind = 'resource-exhausted';
  constructor(
    readonly groupId: string,
    readonly what: string,
  ) {
    super(`${groupId} is overloaded: ${what}`);
  }
}

/**
 * A command larger than one Raft message may carry: refused before it reaches the log, since an
 * entry that no append can carry would be written to the leader's WAL and never replicate (the
 * leader loses its followers and leadership; the next leader would be given it again).
 */
export class RaftEntryTooLargeError extends RaftRuntimeError {
  readonly code = 'EntryTooLarge';
  readonly kind = 'invalid-argument';
  constructor(
    readonly groupId: string,
    readonly sizeBytes: number,
    readonly sizeBytesMax: number,
  ) {
    super(`a command of ${sizeBytes} bytes exceeds ${groupId}'s limit of ${sizeBytesMax} bytes per entry`);
  }
}

/** The group was closed while the request waited. */
export class RaftGroupClosedError extends RaftRuntimeError {
  readonly code = 'RaftGroupClosed';
  readonly kind = 'unavailable';
  constructor(readonly groupId: string) {
    super(`${groupId} is shutting down`);
  }
}

/** A Raft message from the wire is malformed; it is dropped. */
export class RaftMessageInvalidError extends RaftRuntimeError {
  readonly code = 'RaftMessageInvalid';
  readonly kind = 'invalid-argument';
}

/** A peer belongs to another cluster or the message names an unknown group or member. */
export class RaftPeerRejectedError extends RaftRuntimeError {
  readonly code = 'RaftPeerRejected';
  readonly kind = 'permission-denied';
}
export * from './raft-wal-errors.js';
