/**
 * Value types shared by the Raft core: branded identifiers, log entries, hard state, snapshots and
 * configuration. Modelled on etcd-io/raft raftpb, without protobuf.
 */
import { assert, type Brand } from '@objectbox/util';

/** A Raft member identifier: a positive safe integer. `undefined` stands for "no node". */
export type NodeId = Brand<number, 'NodeId'>;
/** A Raft term: a non-negative safe integer; 0 is the term before any election. */
export type Term = Brand<number, 'Term'>;
/** A 1-based log position; 0 is the position before the first entry. */
export type LogIndex = Brand<number, 'LogIndex'>;

/** Brands `value` as a {@link NodeId}; asserts it is a positive safe integer. */
export function nodeId(value: number): NodeId {
  assert(Number.isSafeInteger(value) && value > 0, `node id must be a positive safe integer: ${value}`);
  return value as NodeId;
}

/** Brands `value` as a {@link Term}; asserts it is a non-negative safe integer. */
export function term(value: number): Term {
  assert(Number.isSafeInteger(value) && value >= 0, `term must be a non-negative safe integer: ${value}`);
  return value as Term;
}

/** Brands `value` as a {@link LogIndex}; asserts it is a non-negative safe integer. */
export function logIndex(value: number): LogIndex {
  assert(Number.isSafeInteger(value) && value >= 0, `log index must be a non-negative safe integer: ${value}`);
  return value as LogIndex;
}

/**
 * What an entry carries: application data (`normal`, possibly empty: a leader's no-op) or an
 * encoded {@link ConfigChange} (`config-change`, see `encodeConfigChange`).
 */
export type EntryType = 'normal' | 'config-change';

/** One replicated log entry. `data` is owned by the log: callers must not mutate it. */
export interface Entry {
  readonly term: Term;
  readonly index: LogIndex;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/**
 * The state that must be durable before any message produced alongside it is sent.
 * Raft paper figure 2: currentTerm, votedFor, plus the commit index etcd also persists.
 */
export interface HardState {
  readonly term: Term;
  /** The candidate voted for in `term`, or undefined. */
  readonly vote: NodeId | undefined;
  readonly commit: LogIndex;
}

/** The membership in effect: voters decide elections and commits, learners only receive the log. */
export interface ConfigState {
  /** Invariant: disjoint from `learners`, no duplicates. */
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

/** Describes a snapshot: the last entry it covers and the membership as of that entry. */
export interface SnapshotMetadata {
  readonly index: LogIndex;
  readonly term: Term;
  readonly configState: ConfigState;
}

/** A state machine image covering the log up to and including `metadata.index`. */
export interface Snapshot {
  readonly metadata: SnapshotMetadata;
  /** Opaque application bytes; owned by the snapshot. */
  readonly data: Uint8Array;
}

/**
 * A single-server membership change. `add-voter` on an existing learner promotes it;
 * `add-learner` on an existing voter demotes it; `remove-node` removes a voter or a learner.
 */
export interface ConfigChange {
  readonly type: 'add-voter' | 'add-learner' | 'remove-node';
  readonly nodeId: NodeId;
}

/** The role a node plays in its current term. */
export type RaftRole = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

/** Volatile state reported in `Ready.softState` when it changes; never persisted. */
export interface SoftState {
  readonly leaderId: NodeId | undefined;
  readonly role: RaftRole;
}

/** The answer to a `readIndex(context)` request: reads at `index` or later are linearizable. */
export interface ReadState {
  readonly index: LogIndex;
  readonly context: Uint8Array;
}

/** Sentinel values for empty states. */
export const emptyHardState: HardState = { term: 0 as Term, vote: undefined, commit: 0 as LogIndex };
/** The configuration with no members, for a node that learns its membership from its leader. */
export const emptyConfigState: ConfigState = { voters: [], learners: [] };

/** True when two hard states are equal field by field. */
export function isHardStateEqual(left: HardState, right: HardState): boolean {
  return left.term === right.term && left.vote === right.vote && left.commit === right.commit;
}

/**
 * Fixed per-entry overhead in bytes counted by size limits, standing in for the encoded term,
 * index and type (etcd counts the protobuf size; see etcd-io/raft util.go entryEncodingSize).
 */
export const entryHeaderSizeBytes = 24;

/** Size of `entry` as counted against `messageSizeBytesMax` and similar limits. */
export function entrySizeBytes(entry: Entry): number {
  return entryHeaderSizeBytes + entry.data.byteLength;
}

/** Size of the payloads only, as counted against `uncommittedSizeBytesMax` (etcd entryPayloadSize). */
export function entryPayloadSizeBytes(entry: Entry): number {
  return entry.data.byteLength;
}

/**
 * Returns the longest prefix of `entries` whose total {@link entrySizeBytes} is at most
 * `sizeBytesMax`, but always at least one entry when `entries` is not empty.
 */
export function limitEntriesSize<T extends Entry>(entries: readonly T[], sizeBytesMax: number): T[] {
  if (entries.length === 0) return [];
  let sizeBytes = entrySizeBytes(entries[0]!);
  let count = 1;
  for (; count < entries.length; count++) {
    sizeBytes += entrySizeBytes(entries[count]!);
    if (sizeBytes > sizeBytesMax) break;
  }
  return entries.slice(0, count);
}

const configChangeTypeCodes = ['add-voter', 'add-learner', 'remove-node'] as const;
/** Encoded size of a config change: one type byte and the node id as a float64. */
const configChangeSizeBytes = 9;

/** Encodes `change` as the `data` of a `config-change` entry (9 bytes: type code, node id). */
export function encodeConfigChange(change: ConfigChange): Uint8Array {
  const bytes = new Uint8Array(configChangeSizeBytes);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, configChangeTypeCodes.indexOf(change.type));
  view.setFloat64(1, change.nodeId);
  return bytes;
}

/** Decodes {@link encodeConfigChange} output; asserts the bytes are well formed (they came from our log). */
export function decodeConfigChange(bytes: Uint8Array): ConfigChange {
  assert(bytes.byteLength === configChangeSizeBytes, 'config change entry has the wrong size');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = configChangeTypeCodes[view.getUint8(0)];
  assert(type !== undefined, 'config change entry has an unknown type');
  return { type, nodeId: nodeId(view.getFloat64(1)) };
}
