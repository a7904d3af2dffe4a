import type { Entry, LogIndex, Message, NodeId, Term } from '@objectbox/consensus-core';
import { assert, assertNever } from '@objectbox/util';
import { RaftMessageInvalidError } from './errors.js';

/**
 * The packed form of a batch of Raft messages (`DeliverRequest.packed_messages`): fixed-width
 * little-endian fields written and read by hand. Under load a batch carries hundreds of entries,
 * and protobuf-es spent microseconds per entry on both ends (a message object per entry, BigInt
 * fields, reflective encoding); here an entry costs a few integer writes and one copy of its data.
 *
 * Layout: [format u8 = 1][message count u32], then per message [body length u32][body]. A body is
 * [type u8][from u32][to u32][term u64] and the type's fields (see `writeBody`). Integers marked
 * u64 hold safe integers (two u32 halves, low first). Each body has its own length so that a
 * malformed message is dropped alone and the rest of the batch still arrives, as with the
 * repeated-message form. Decoded entry data and contexts are views of the input (no copies).
 * MsgSnap is never packed: snapshots travel through InstallSnapshot.
 */
const packFormat = 1;
const batchHeaderBytes = 5;
const bodyLengthBytes = 4;
const headerBytes = 1 + 4 + 4 + 8;
const entryHeaderBytes = 8 + 8 + 1 + 4;
/** 2^53 as two u32 halves: a high half at or above this is not a safe integer. */
const highHalfLimit = 2 ** 21;

const typeCodes = {
  MsgApp: 1,
  MsgAppResp: 2,
  MsgVote: 3,
  MsgVoteResp: 4,
  MsgPreVote: 5,
  MsgPreVoteResp: 6,
  MsgHeartbeat: 7,
  MsgHeartbeatResp: 8,
  MsgTimeoutNow: 10,
  MsgReadIndex: 11,
  MsgReadIndexResp: 12,
  MsgTransferLeader: 13,
} as const satisfies Record<Exclude<Message['type'], 'MsgSnap'>, number>;

type PackedType = keyof typeof typeCodes;
type PackedMessage = Exclude<Message, { type: 'MsgSnap' }>;
const typeOfCode = new Map<number, PackedType>(Object.entries(typeCodes).map(([type, code]) => [code, type as PackedType]));

function contextBytes(context: Uint8Array | undefined): number {
  return 1 + 4 + (context?.byteLength ?? 0);
}

function bodyBytes(message: PackedMessage): number {
  switch (message.type) {
    case 'MsgApp': {
      let size = headerBytes + 8 + 8 + 8 + 4;
      for (const entry of message.entries) size += entryHeaderBytes + entry.data.byteLength;
      return size;
    }
    case 'MsgAppResp':
      return headerBytes + 8 + 1 + 8 + 8;
    case 'MsgVote':
    case 'MsgPreVote':
      return headerBytes + 8 + 8 + 1;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return headerBytes + 1;
    case 'MsgHeartbeat':
      return headerBytes + 8 + contextBytes(message.context);
    case 'MsgHeartbeatResp':
      return headerBytes + contextBytes(message.context);
    case 'MsgTimeoutNow':
      return headerBytes;
    case 'MsgReadIndex':
      return headerBytes + contextBytes(message.context);
    case 'MsgReadIndexResp':
      return headerBytes + 8 + contextBytes(message.context);
    case 'MsgTransferLeader':
      return headerBytes + 4;
    default:
      return assertNever(message, 'unknown message type');
  }
}

class Writer {
  offset = 0;
  constructor(readonly out: Buffer) {}

  u8(value: number): void {
    this.out[this.offset++] = value;
  }

  u32(value: number): void {
    this.offset = this.out.writeUInt32LE(value, this.offset);
  }

  u64(value: number): void {
    const low = value % 0x1_0000_0000;
    this.offset = this.out.writeUInt32LE(low, this.offset);
    this.offset = this.out.writeUInt32LE((value - low) / 0x1_0000_0000, this.offset);
  }

  bytes(value: Uint8Array): void {
    this.out.set(value, this.offset);
    this.offset += value.byteLength;
  }

  context(context: Uint8Array | undefined): void {
    this.u8(context === undefined ? 0 : 1);
    this.u32(context?.byteLength ?? 0);
    if (context !== undefined) this.bytes(context);
  }

  entry(entry: Entry): void {
    this.u64(entry.term);
    this.u64(entry.index);
    this.u8(entry.type === 'normal' ? 0 : 1);
    this.u32(entry.data.byteLength);
    this.bytes(entry.data);
  }
}

function writeBody(writer: Writer, message: PackedMessage): void {
  writer.u8(typeCodes[message.type]);
  writer.u32(message.from);
  writer.u32(message.to);
  writer.u64(message.term);
  switch (message.type) {
    case 'MsgApp':
      writer.u64(message.index);
      writer.u64(message.logTerm);
      writer.u64(message.commit);
      writer.u32(message.entries.length);
      for (const entry of message.entries) writer.entry(entry);
      return;
    case 'MsgAppResp':
      writer.u64(message.index);
      writer.u8(message.reject ? 1 : 0);
      writer.u64(message.rejectHint);
      writer.u64(message.logTerm);
      return;
    case 'MsgVote':
    case 'MsgPreVote':
      writer.u64(message.index);
      writer.u64(message.logTerm);
      writer.u8(message.leadershipTransfer ? 1 : 0);
      return;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      writer.u8(message.reject ? 1 : 0);
      return;
    case 'MsgHeartbeat':
      writer.u64(message.commit);
      writer.context(message.context);
      return;
    case 'MsgHeartbeatResp':
      writer.context(message.context);
      return;
    case 'MsgTimeoutNow':
      return;
    case 'MsgReadIndex':
      writer.context(message.context);
      return;
    case 'MsgReadIndexResp':
      writer.u64(message.index);
      writer.context(message.context);
      return;
    case 'MsgTransferLeader':
      writer.u32(message.transferee);
      return;
    default:
      assertNever(message, 'unknown message type');
  }
}

/** Bytes `message` takes in a packed batch (see {@link packRaftMessages}). */
export function packedMessageBytes(message: Message): number {
  assert(message.type !== 'MsgSnap', 'MsgSnap is sent through InstallSnapshot, never packed');
  return bodyLengthBytes + bodyBytes(message);
}

/** Bytes of a packed batch's own header: what a batch of no messages would take. */
export const packedBatchHeaderBytes = batchHeaderBytes;

/** Packs `messages` (none of them MsgSnap) into one buffer. */
export function packRaftMessages(messages: readonly Message[]): Buffer {
  const sizes = messages.map((message) => {
    assert(message.type !== 'MsgSnap', 'MsgSnap is sent through InstallSnapshot, never packed');
    return bodyBytes(message);
  });
  const total = sizes.reduce((sum, size) => sum + bodyLengthBytes + size, batchHeaderBytes);
  const writer = new Writer(Buffer.allocUnsafe(total));
  writer.u8(packFormat);
  writer.u32(messages.length);
  messages.forEach((message, position) => {
    const size = sizes[position]!;
    writer.u32(size);
    const end = writer.offset + size;
    writeBody(writer, message as PackedMessage);
    assert(writer.offset === end, `packed ${message.type} differs from its computed size`);
  });
  return writer.out;
}

class Reader {
  offset: number;
  constructor(
    private readonly view: Buffer,
    start: number,
    private readonly end: number,
  ) {
    this.offset = start;
  }

  private need(count: number, field: string): void {
    if (this.offset + count > this.end) throw new RaftMessageInvalidError(`${field} runs past the end of its message`);
  }

  u8(field: string): number {
    this.need(1, field);
    return this.view[this.offset++]!;
  }

  flag(field: string): boolean {
    const value = this.u8(field);
    if (value > 1) throw new RaftMessageInvalidError(`${field} must be 0 or 1, got ${value}`);
    return value === 1;
  }

  u32(field: string): number {
    this.need(4, field);
    const value = this.view.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  u64(field: string): number {
    this.need(8, field);
    const low = this.view.readUInt32LE(this.offset);
    const high = this.view.readUInt32LE(this.offset + 4);
    this.offset += 8;
    if (high >= highHalfLimit) throw new RaftMessageInvalidError(`${field} out of range`);
    return high * 0x1_0000_0000 + low;
  }

  nodeId(field: string): NodeId {
    const value = this.u32(field);
    if (value === 0) throw new RaftMessageInvalidError(`${field} must be a positive node id`);
    return value as NodeId;
  }

  bytes(count: number, field: string): Uint8Array {
    this.need(count, field);
    this.offset += count;
    return this.view.subarray(this.offset - count, this.offset);
  }

  context(field: string): Uint8Array | undefined {
    const present = this.flag(`${field} presence`);
    const bytes = this.bytes(this.u32(`${field} length`), field);
    return present ? bytes : undefined;
  }

  requiredContext(field: string): Uint8Array {
    const context = this.context(field);
    if (context === undefined) throw new RaftMessageInvalidError(`${field} is required`);
    return context;
  }

  entry(): Entry {
    const term = this.u64('entry.term') as Term;
    const index = this.u64('entry.index') as LogIndex;
    const type = this.u8('entry.type');
    if (type > 1) throw new RaftMessageInvalidError(`unknown entry type ${type}`);
    const data = this.bytes(this.u32('entry.data length'), 'entry.data');
    return { term, index, type: type === 0 ? 'normal' : 'config-change', data };
  }
}

function readBody(reader: Reader): Message {
  const code = reader.u8('type');
  const type = typeOfCode.get(code);
  if (type === undefined) throw new RaftMessageInvalidError(`unknown message type ${code}`);
  const from = reader.nodeId('from');
  const to = reader.nodeId('to');
  const term = reader.u64('term') as Term;
  switch (type) {
    case 'MsgApp': {
      const index = reader.u64('index') as LogIndex;
      const logTerm = reader.u64('logTerm') as Term;
      const commit = reader.u64('commit') as LogIndex;
      const count = reader.u32('entry count');
      const entries: Entry[] = [];
      for (let position = 0; position < count; position++) entries.push(reader.entry());
      return { type, from, to, term, index, logTerm, commit, entries };
    }
    case 'MsgAppResp':
      return { type, from, to, term, index: reader.u64('index') as LogIndex, reject: reader.flag('reject'), rejectHint: reader.u64('rejectHint') as LogIndex, logTerm: reader.u64('logTerm') as Term };
    case 'MsgVote':
    case 'MsgPreVote':
      return { type, from, to, term, index: reader.u64('index') as LogIndex, logTerm: reader.u64('logTerm') as Term, leadershipTransfer: reader.flag('leadershipTransfer') };
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      return { type, from, to, term, reject: reader.flag('reject') };
    case 'MsgHeartbeat':
      return { type, from, to, term, commit: reader.u64('commit') as LogIndex, context: reader.context('context') };
    case 'MsgHeartbeatResp':
      return { type, from, to, term, context: reader.context('context') };
    case 'MsgTimeoutNow':
      return { type, from, to, term };
    case 'MsgReadIndex':
      return { type, from, to, term, context: reader.requiredContext('context') };
    case 'MsgReadIndexResp':
      return { type, from, to, term, index: reader.u64('index') as LogIndex, context: reader.requiredContext('context') };
    case 'MsgTransferLeader':
      return { type, from, to, term, transferee: reader.nodeId('transferee') };
  }
}

/**
 * Unpacks a batch: each message, or the {@link RaftMessageInvalidError} that makes it malformed
 * (the transport drops and logs those). Throws RaftMessageInvalidError when the batch itself is
 * malformed (unknown format, a message length past the end).
 */
export function unpackRaftMessages(bytes: Uint8Array): Array<Message | RaftMessageInvalidError> {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < batchHeaderBytes) throw new RaftMessageInvalidError('packed batch shorter than its header');
  if (view[0] !== packFormat) throw new RaftMessageInvalidError(`unknown packed format ${view[0]}`);
  const count = view.readUInt32LE(1);
  const messages: Array<Message | RaftMessageInvalidError> = [];
  let offset = batchHeaderBytes;
  for (let position = 0; position < count; position++) {
    if (offset + bodyLengthBytes > view.length) throw new RaftMessageInvalidError('packed batch ends before its last message');
    const end = offset + bodyLengthBytes + view.readUInt32LE(offset);
    if (end > view.length) throw new RaftMessageInvalidError('packed message runs past the end of its batch');
    const reader = new Reader(view, offset + bodyLengthBytes, end);
    try {
      const message = readBody(reader);
      messages.push(reader.offset === end ? message : new RaftMessageInvalidError(`${end - reader.offset} trailing bytes after a ${message.type}`));
    } catch (error) {
      if (!(error instanceof RaftMessageInvalidError)) throw error;
      messages.push(error);
    }
    offset = end;
  }
  if (offset !== view.length) throw new RaftMessageInvalidError('trailing bytes after a packed batch');
  return messages;
}
