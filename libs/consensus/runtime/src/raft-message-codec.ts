import { create } from '@bufbuild/protobuf';
import {
  type ConfigState,
  type Entry,
  type LogIndex,
  type Message,
  type NodeId,
  type Snapshot,
  type Term,
} from '@objectbox/consensus-core';
import { raft } from '@objectbox/proto';
import { assertNever } from '@objectbox/util';
import { RaftMessageInvalidError } from './errors.js';

/**
 * Conversion between the core's {@link Message} union and the wire `objectbox.raft.v1.RaftMessage`.
 * `fromWire` treats its input as untrusted: ids, terms and indexes must be safe integers in range,
 * and a malformed message throws {@link RaftMessageInvalidError} (the transport drops and logs it).
 */
const typeToWire: Record<Message['type'], raft.MessageType> = {
  MsgApp: raft.MessageType.APP,
  MsgAppResp: raft.MessageType.APP_RESP,
  MsgVote: raft.MessageType.VOTE,
  MsgVoteResp: raft.MessageType.VOTE_RESP,
  MsgPreVote: raft.MessageType.PRE_VOTE,
  MsgPreVoteResp: raft.MessageType.PRE_VOTE_RESP,
  MsgHeartbeat: raft.MessageType.HEARTBEAT,
  MsgHeartbeatResp: raft.MessageType.HEARTBEAT_RESP,
  MsgSnap: raft.MessageType.SNAP,
  MsgTimeoutNow: raft.MessageType.TIMEOUT_NOW,
  MsgReadIndex: raft.MessageType.READ_INDEX,
  MsgReadIndexResp: raft.MessageType.READ_INDEX_RESP,
  MsgTransferLeader: raft.MessageType.TRANSFER_LEADER,
};
const typeFromWire = new Map<raft.MessageType, Message['type']>(Object.entries(typeToWire).map(([name, wire]) => [wire, name as Message['type']]));

function entryToWire(entry: Entry): raft.Entry {
  return create(raft.EntrySchema, {
    term: BigInt(entry.term),
    index: BigInt(entry.index),
    type: entry.type === 'normal' ? raft.EntryType.NORMAL : raft.EntryType.CONFIG_CHANGE,
    data: entry.data,
  });
}

function configStateToWire(configState: ConfigState): raft.ConfigState {
  return create(raft.ConfigStateSchema, { voters: [...configState.voters], learners: [...configState.learners] });
}

/** The wire form of a core message. Snapshot data is included; the transport may move it to chunks. */
export function raftMessageToWire(message: Message): raft.RaftMessage {
  const wire = create(raft.RaftMessageSchema, {
    type: typeToWire[message.type],
    from: message.from,
    to: message.to,
    term: BigInt(message.term),
  });
  switch (message.type) {
    case 'MsgApp':
      Object.assign(wire, { index: BigInt(message.index), logTerm: BigInt(message.logTerm), commit: BigInt(message.commit), entries: message.entries.map(entryToWire) });
      break;
    case 'MsgAppResp':
      Object.assign(wire, { index: BigInt(message.index), reject: message.reject, rejectHint: BigInt(message.rejectHint), logTerm: BigInt(message.logTerm) });
      break;
    case 'MsgVote':
    case 'MsgPreVote':
      Object.assign(wire, { index: BigInt(message.index), logTerm: BigInt(message.logTerm), leadershipTransfer: message.leadershipTransfer });
      break;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      wire.reject = message.reject;
      break;
    case 'MsgHeartbeat':
      Object.assign(wire, { commit: BigInt(message.commit), hasContext: message.context !== undefined, context: message.context ?? new Uint8Array() });
      break;
    case 'MsgHeartbeatResp':
      Object.assign(wire, { hasContext: message.context !== undefined, context: message.context ?? new Uint8Array() });
      break;
    case 'MsgSnap':
      Object.assign(wire, {
        snapshotMetadata: create(raft.SnapshotMetadataSchema, {
          index: BigInt(message.snapshot.metadata.index),
          term: BigInt(message.snapshot.metadata.term),
          configState: configStateToWire(message.snapshot.metadata.configState),
        }),
        snapshotData: message.snapshot.data,
      });
      break;
    case 'MsgTimeoutNow':
      break;
    case 'MsgReadIndex':
      Object.assign(wire, { hasContext: true, context: message.context });
      break;
    case 'MsgReadIndexResp':
      Object.assign(wire, { index: BigInt(message.index), hasContext: true, context: message.context });
      break;
    case 'MsgTransferLeader':
      wire.transferee = message.transferee;
      break;
    default:
      assertNever(message, 'unknown message type');
  }
  return wire;
}

function safeNumber(value: bigint, field: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RaftMessageInvalidError(`${field} out of range: ${value}`);
  return Number(value);
}

function nodeIdOf(value: number, field: string): NodeId {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RaftMessageInvalidError(`${field} must be a positive node id: ${value}`);
  return value as NodeId;
}

function entryFromWire(entry: raft.Entry): Entry {
  if (entry.type !== raft.EntryType.NORMAL && entry.type !== raft.EntryType.CONFIG_CHANGE) throw new RaftMessageInvalidError(`unknown entry type ${entry.type}`);
  return {
    term: safeNumber(entry.term, 'entry.term') as Term,
    index: safeNumber(entry.index, 'entry.index') as LogIndex,
    type: entry.type === raft.EntryType.NORMAL ? 'normal' : 'config-change',
    data: entry.data,
  };
}

function snapshotFromWire(wire: raft.RaftMessage): Snapshot {
  const metadata = wire.snapshotMetadata;
  if (metadata === undefined) throw new RaftMessageInvalidError('MsgSnap without snapshot metadata');
  return {
    metadata: {
      index: safeNumber(metadata.index, 'snapshot.index') as LogIndex,
      term: safeNumber(metadata.term, 'snapshot.term') as Term,
      configState: {
        voters: (metadata.configState?.voters ?? []).map((id) => nodeIdOf(id, 'voter')),
        learners: (metadata.configState?.learners ?? []).map((id) => nodeIdOf(id, 'learner')),
      },
    },
    data: wire.snapshotData,
  };
}

/** The core message of a wire message; throws {@link RaftMessageInvalidError} when malformed. */
export function raftMessageFromWire(wire: raft.RaftMessage): Message {
  const type = typeFromWire.get(wire.type);
  if (type === undefined) throw new RaftMessageInvalidError(`unknown message type ${wire.type}`);
  const header = { from: nodeIdOf(wire.from, 'from'), to: nodeIdOf(wire.to, 'to'), term: safeNumber(wire.term, 'term') as Term };
  const index = safeNumber(wire.index, 'index') as LogIndex;
  const logTerm = safeNumber(wire.logTerm, 'logTerm') as Term;
  const context = wire.hasContext ? wire.context : undefined;
  switch (type) {
    case 'MsgApp':
      return { ...header, type, index, logTerm, commit: safeNumber(wire.commit, 'commit') as LogIndex, entries: wire.entries.map(entryFromWire) };
    case 'MsgAppResp':
      return { ...header, type, index, reject: wire.reject, rejectHint: safeNumber(wire.rejectHint, 'rejectHint') as LogIndex, logTerm };
    case 'MsgVote':
    case 'MsgPreVote':
      return { ...header, type, index, logTerm, leadershipTransfer: wire.leadershipTransfer };
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return { ...header, type, reject: wire.reject };
    case 'MsgHeartbeat':
      return { ...header, type, commit: safeNumber(wire.commit, 'commit') as LogIndex, context };
    case 'MsgHeartbeatResp':
      return { ...header, type, context };
    case 'MsgSnap':
      return { ...header, type, snapshot: snapshotFromWire(wire) };
    case 'MsgTimeoutNow':
      return { ...header, type };
    case 'MsgReadIndex':
      return { ...header, type, context: wire.context };
    case 'MsgReadIndexResp':
      return { ...header, type, index, context: wire.context };
    case 'MsgTransferLeader':
      return { ...header, type, transferee: nodeIdOf(wire.transferee, 'transferee') };
  }
}
