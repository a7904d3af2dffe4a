/**
 * Messages exchanged between Raft members, as a discriminated union on `type`. Local events
 * (tick, propose, campaign) are methods, not messages, so every {@link Message} crosses the network.
 * Names follow etcd-io/raft raftpb so that its tests and documents map one to one.
 */
import type { Entry, LogIndex, NodeId, Snapshot, Term } from './types.js';

/** Fields every message carries. `term` is the sender's term (or the term the sender campaigns for). */
export interface MessageHeader {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: Term;
}

/** AppendEntries (Raft paper §5.3); also a probe when `entries` is empty. */
export interface MsgApp extends MessageHeader {
  readonly type: 'MsgApp';
  /** Index of the entry preceding `entries`. */
  readonly index: LogIndex;
  /** Term of the entry at `index`. */
  readonly logTerm: Term;
  readonly entries: readonly Entry[];
  /** The leader's commit index. */
  readonly commit: LogIndex;
}

/**
 * The answer to {@link MsgApp} or {@link MsgSnap}. Durable acknowledgement: when not rejected it
 * promises the entries up to `index` are persisted, so it must only be sent after the Ready that
 * produced it was persisted.
 */
export interface MsgAppResp extends MessageHeader {
  readonly type: 'MsgAppResp';
  /** Accepted: the last index now matching the leader. Rejected: the `index` of the rejected MsgApp. */
  readonly index: LogIndex;
  readonly reject: boolean;
  /** Rejected only: the largest index ≤ the rejected one whose term is ≤ `logTerm` (fast backtracking). */
  readonly rejectHint: LogIndex;
  /** Rejected only: the follower's term at `rejectHint`. */
  readonly logTerm: Term;
}

/** RequestVote (Raft paper §5.2) or its non-binding pre-vote (Raft thesis §9.6). */
export interface MsgVote extends MessageHeader {
  readonly type: 'MsgVote' | 'MsgPreVote';
  /** Index of the candidate's last entry. */
  readonly index: LogIndex;
  /** Term of the candidate's last entry. */
  readonly logTerm: Term;
  /** True when campaigning on a leadership transfer: voters ignore their leader lease. */
  readonly leadershipTransfer: boolean;
}

/**
 * The answer to {@link MsgVote}. A granted MsgVoteResp is a durable acknowledgement of the vote in
 * the hard state of the same Ready; pre-vote responses are ordered the same way for simplicity.
 */
export interface MsgVoteResp extends MessageHeader {
  readonly type: 'MsgVoteResp' | 'MsgPreVoteResp';
  readonly reject: boolean;
}

/** Leader heartbeat; `context` is set when the heartbeat confirms a ReadIndex request. */
export interface MsgHeartbeat extends MessageHeader {
  readonly type: 'MsgHeartbeat';
  /** min(leader commit, follower match): never beyond what the follower is known to hold. */
  readonly commit: LogIndex;
  readonly context: Uint8Array | undefined;
}

/** The answer to {@link MsgHeartbeat}, echoing its context. */
export interface MsgHeartbeatResp extends MessageHeader {
  readonly type: 'MsgHeartbeatResp';
  readonly context: Uint8Array | undefined;
}

/** InstallSnapshot: the whole snapshot; a runtime transport may chunk it. */
export interface MsgSnap extends MessageHeader {
  readonly type: 'MsgSnap';
  readonly snapshot: Snapshot;
}

/** Tells the transfer target to campaign at once (Raft thesis §3.10). */
export interface MsgTimeoutNow extends MessageHeader {
  readonly type: 'MsgTimeoutNow';
}

/** A follower forwards a client's ReadIndex request to the leader. */
export interface MsgReadIndex extends MessageHeader {
  readonly type: 'MsgReadIndex';
  readonly context: Uint8Array;
}

/** The leader's answer to a forwarded {@link MsgReadIndex}. */
export interface MsgReadIndexResp extends MessageHeader {
  readonly type: 'MsgReadIndexResp';
  readonly index: LogIndex;
  readonly context: Uint8Array;
}

/** Asks the leader to hand leadership to `transferee` (forwarded by followers). */
export interface MsgTransferLeader extends MessageHeader {
  readonly type: 'MsgTransferLeader';
  readonly transferee: NodeId;
}

/** Every message a Raft member sends or receives. */
export type Message =
  | MsgApp
  | MsgAppResp
  | MsgVote
  | MsgVoteResp
  | MsgHeartbeat
  | MsgHeartbeatResp
  | MsgSnap
  | MsgTimeoutNow
  | MsgReadIndex
  | MsgReadIndexResp
  | MsgTransferLeader;

/** The discriminant of {@link Message}. */
export type MessageType = Message['type'];

/**
 * True for messages that acknowledge durable state (accepted entries, a snapshot, a granted vote).
 * The driver must persist the Ready's entries, hard state and snapshot before sending these.
 * Sending them earlier is the "reply before fsync" bug a simulator can plant on purpose. `Ready`
 * already orders them after the state they depend on, so "persist, then send" is enough.
 */
export function isDurableAcknowledgement(message: Message): boolean {
  return message.type === 'MsgAppResp' || message.type === 'MsgVoteResp' || message.type === 'MsgPreVoteResp';
}

/** True for the response types (etcd IsResponseMsg); responses from non-members are dropped. */
export function isResponseMessage(message: Message): boolean {
  switch (message.type) {
    case 'MsgAppResp':
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
    case 'MsgHeartbeatResp':
    case 'MsgReadIndexResp':
      return true;
    default:
      return false;
  }
}
