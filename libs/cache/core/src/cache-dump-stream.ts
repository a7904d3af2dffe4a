/**
 * Streams in DUMP payloads (Redis 7.0 rdb.c, RDB_TYPE_STREAM_LISTPACKS_2; RESTORE also reads the
 * older RDB_TYPE_STREAM_LISTPACKS): each node as its 16-byte big-endian master ID and a listpack in
 * the layout streamAppendItem writes (master entry: live count, deleted count, field count, field
 * names, 0; then per entry: flags, ms and seq deltas from the master ID, the field count and names
 * unless they are the master's, the values, and the entry's element count), then the stream's
 * counters, then each consumer group with its pending entries and consumers.
 *
 * Reading checks everything a forged payload could get wrong (counts, deltas, IDs in order, pending
 * entries owned by exactly one known consumer) and fails with the reader's error, never with a
 * half-built stream; what it builds costs at most what the payload holds.
 */
import { CacheStream, entriesReadInvalid, type StreamConsumer, type StreamEntry, type StreamGroup } from './cache-stream.js';
import { compareStreamIds, uint64Max, type StreamId } from './cache-stream-id.js';

/** The RDB primitives the stream codec writes (cache-dump-payload.ts's writer). */
export interface StreamPayloadWriter {
  length(value: number): void;
  bigLength(value: bigint): void;
  rawString(bytes: Buffer): void;
  bytes(bytes: Buffer): void;
}

/** The RDB primitives it reads; `fail()` is the error a malformed payload throws. */
export interface StreamPayloadReader {
  length(): number;
  bigLength(): bigint;
  string(): Buffer;
  take(length: number): Buffer;
  /** A listpack's elements, integers as their decimal text. */
  listpackEntries(listpack: Buffer): Buffer[];
  fail(): Error;
}

const flagDeleted = 1;
const flagSameFields = 2;

// ---------------------------------------------------------------------------------------------
// Listpack encoding (listpack.c)

function backlen(encodedBytes: number): Buffer {
  const l = encodedBytes;
  if (l <= 127) return Buffer.of(l);
  if (l < 16383) return Buffer.of(l >> 7, (l & 127) | 128);
  if (l < 2097151) return Buffer.of(l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128);
  if (l < 268435455) return Buffer.of(l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
  return Buffer.of(Math.floor(l / 2 ** 28), ((l >> 21) & 127) | 128, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
}

function integerElement(value: bigint): Buffer {
  let encoded: Buffer;
  if (value >= 0n && value <= 127n) encoded = Buffer.of(Number(value));
  else if (value >= -4096n && value <= 4095n) {
    const unsigned = value < 0n ? (1 << 13) + Number(value) : Number(value);
    encoded = Buffer.of((unsigned >> 8) | 0xc0, unsigned & 0xff);
  } else if (value >= -32768n && value <= 32767n) {
    encoded = Buffer.alloc(3);
    encoded[0] = 0xf1;
    encoded.writeInt16LE(Number(value), 1);
  } else if (value >= -8388608n && value <= 8388607n) {
    encoded = Buffer.alloc(4);
    encoded[0] = 0xf2;
    encoded.writeIntLE(Number(value), 1, 3);
  } else if (value >= -2147483648n && value <= 2147483647n) {
    encoded = Buffer.alloc(5);
    encoded[0] = 0xf3;
    encoded.writeInt32LE(Number(value), 1);
  } else {
    encoded = Buffer.alloc(9);
    encoded[0] = 0xf4;
    encoded.writeBigInt64LE(BigInt.asIntN(64, value), 1);
  }
  return Buffer.concat([encoded, backlen(encoded.length)]);
}

const int64Text = /^(0|-?[1-9][0-9]{0,18})$/;

/** lpAppend of a string: an int64 in canonical form is stored as that integer. */
function stringElement(value: Buffer): Buffer {
  if (value.length > 0 && value.length <= 20) {
    const text = value.toString('latin1');
    if (int64Text.test(text)) {
      const integer = BigInt(text);
      if (integer >= -(1n << 63n) && integer < 1n << 63n) return integerElement(integer);
    }
  }
  const length = value.length;
  let header: Buffer;
  if (length < 64) header = Buffer.of(0x80 | length);
  else if (length < 4096) header = Buffer.of(0xe0 | (length >> 8), length & 0xff);
  else {
    header = Buffer.alloc(5);
    header[0] = 0xf0;
    header.writeUInt32LE(length, 1);
  }
  return Buffer.concat([header, value, backlen(header.length + length)]);
}

function listpackOf(elements: readonly Buffer[]): Buffer {
  const body = Buffer.concat(elements as Buffer[]);
  const listpack = Buffer.alloc(6 + body.length + 1);
  listpack.writeUInt32LE(listpack.length, 0);
  listpack.writeUInt16LE(Math.min(elements.length, 65535), 4);
  body.copy(listpack, 6);
  listpack[listpack.length - 1] = 0xff;
  return listpack;
}

function idKey(id: StreamId): Buffer {
  const key = Buffer.alloc(16);
  key.writeBigUInt64BE(id.ms, 0);
  key.writeBigUInt64BE(id.seq, 8);
  return key;
}

function millisecondTime(ms: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64LE(BigInt(Math.trunc(ms)), 0);
  return bytes;
}

function uint64OfEntriesRead(value: bigint): bigint {
  return value === entriesReadInvalid ? uint64Max : value;
}

export function writeStreamPayload(writer: StreamPayloadWriter, stream: CacheStream): void {
  const nodes = stream.nodesForDump();
  writer.length(nodes.length);
  for (const node of nodes) {
    const elements: Buffer[] = [integerElement(BigInt(node.live)), integerElement(BigInt(node.deleted)), integerElement(BigInt(node.masterFieldNames.length))];
    for (const name of node.masterFieldNames) elements.push(stringElement(name));
    elements.push(integerElement(0n));
    for (const entry of node.entries) {
      const fieldCount = entry.fields.length / 2;
      const same = fieldCount === node.masterFieldNames.length && node.masterFieldNames.every((name, index) => name.equals(entry.fields[index * 2] as Buffer));
      elements.push(integerElement(BigInt((entry.deleted ? flagDeleted : 0) | (same ? flagSameFields : 0))));
      elements.push(integerElement(BigInt.asIntN(64, entry.id.ms - node.masterId.ms)), integerElement(BigInt.asIntN(64, entry.id.seq - node.masterId.seq)));
      if (!same) elements.push(integerElement(BigInt(fieldCount)));
      for (let index = 0; index < entry.fields.length; index++) if (!same || index % 2 === 1) elements.push(stringElement(entry.fields[index] as Buffer));
      elements.push(integerElement(BigInt(fieldCount + 3 + (same ? 0 : fieldCount + 1))));
    }
    writer.rawString(idKey(node.masterId));
    writer.rawString(listpackOf(elements));
  }
  writer.length(stream.length);
  for (const id of [stream.lastId, stream.firstId, stream.maxDeletedId]) {
    writer.bigLength(id.ms);
    writer.bigLength(id.seq);
  }
  writer.bigLength(stream.entriesAdded);
  const groups = stream.groups();
  writer.length(groups.length);
  for (const group of groups) {
    writer.rawString(group.name);
    writer.bigLength(group.lastId.ms);
    writer.bigLength(group.lastId.seq);
    writer.bigLength(uint64OfEntriesRead(group.entriesRead));
    writer.length(group.pending.size);
    for (const pending of group.pending.values()) {
      writer.bytes(idKey(pending.id));
      writer.bytes(millisecondTime(pending.deliveryTimeMs));
      writer.bigLength(pending.deliveryCount);
    }
    const consumers = group.consumers();
    writer.length(consumers.length);
    for (const consumer of consumers) {
      writer.rawString(consumer.name);
      writer.bytes(millisecondTime(consumer.seenTimeMs));
      writer.length(consumer.pending.size);
      for (const pending of consumer.pending.values()) writer.bytes(idKey(pending.id));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

function integerOf(reader: StreamPayloadReader, element: Buffer | undefined): bigint {
  if (element === undefined) throw reader.fail();
  const text = element.toString('latin1');
  if (!int64Text.test(text)) throw reader.fail();
  return BigInt(text);
}

function idOf(reader: StreamPayloadReader, bytes: Buffer): StreamId {
  if (bytes.length !== 16) throw reader.fail();
  return { ms: bytes.readBigUInt64BE(0), seq: bytes.readBigUInt64BE(8) };
}

/** `version` 1 is RDB_TYPE_STREAM_LISTPACKS (Redis 5-6), 2 RDB_TYPE_STREAM_LISTPACKS_2 (7.0). */
export function readStreamPayload(reader: StreamPayloadReader, version: 1 | 2): CacheStream {
  const stream = new CacheStream();
  const nodeCount = reader.length();
  let previous: StreamId | null = null;
  for (let node = 0; node < nodeCount; node++) {
    const masterId = idOf(reader, reader.string());
    const elements = reader.listpackEntries(reader.string());
    if (elements.length === 0) throw reader.fail();
    let at = 0;
    const next = (): Buffer => {
      const element = elements[at++];
      if (element === undefined) throw reader.fail();
      return element;
    };
    const live = integerOf(reader, next());
    const deleted = integerOf(reader, next());
    const masterFieldCount = Number(integerOf(reader, next()));
    if (live < 0n || deleted < 0n || masterFieldCount < 0 || masterFieldCount > elements.length) throw reader.fail();
    const masterFields: Buffer[] = [];
    for (let index = 0; index < masterFieldCount; index++) masterFields.push(next());
    if (integerOf(reader, next()) !== 0n) throw reader.fail();
    const entries: StreamEntry[] = [];
    let liveSeen = 0n;
    while (at < elements.length) {
      const flags = Number(integerOf(reader, next()));
      if (flags < 0 || flags > 3) throw reader.fail();
      const id = { ms: BigInt.asUintN(64, masterId.ms + integerOf(reader, next())), seq: BigInt.asUintN(64, masterId.seq + integerOf(reader, next())) };
      const same = (flags & flagSameFields) !== 0;
      const fieldCount = same ? masterFieldCount : Number(integerOf(reader, next()));
      if (fieldCount < 0 || fieldCount > elements.length) throw reader.fail();
      const fields: Buffer[] = [];
      for (let index = 0; index < fieldCount; index++) {
        fields.push(same ? (masterFields[index] as Buffer) : next());
        fields.push(next());
      }
      if (integerOf(reader, next()) !== BigInt(fieldCount + 3 + (same ? 0 : fieldCount + 1))) throw reader.fail();
      if (previous !== null && compareStreamIds(id, previous) <= 0) throw reader.fail();
      previous = id;
      const deletedEntry = (flags & flagDeleted) !== 0;
      if (!deletedEntry) liveSeen++;
      entries.push({ id, fields, deleted: deletedEntry });
    }
    if (liveSeen !== live || BigInt(entries.length) - liveSeen !== deleted || live === 0n) throw reader.fail();
    // The master ID is the node's first entry's (kept even when that entry is deleted).
    if (compareStreamIds((entries[0] as StreamEntry).id, masterId) !== 0) throw reader.fail();
    stream.loadNode(masterId, masterFields, entries);
  }
  const length = reader.length();
  if (length !== stream.length) throw reader.fail();
  const lastId = { ms: reader.bigLength(), seq: reader.bigLength() };
  if (previous !== null && compareStreamIds(lastId, previous) < 0) throw reader.fail();
  stream.lastId = lastId;
  if (version === 2) {
    stream.firstId = { ms: reader.bigLength(), seq: reader.bigLength() };
    stream.maxDeletedId = { ms: reader.bigLength(), seq: reader.bigLength() };
    stream.entriesAdded = reader.bigLength();
  } else {
    stream.firstId = stream.length === 0 ? { ms: 0n, seq: 0n } : stream.edgeId(true);
    stream.entriesAdded = BigInt(stream.length);
  }
  const groupCount = reader.length();
  for (let groupIndex = 0; groupIndex < groupCount; groupIndex++) {
    const name = reader.string();
    const groupLastId = { ms: reader.bigLength(), seq: reader.bigLength() };
    let entriesRead = version === 2 ? reader.bigLength() : stream.estimateEntriesRead(groupLastId);
    if (entriesRead === uint64Max) entriesRead = entriesReadInvalid;
    const group = stream.createGroup(name, groupLastId, entriesRead);
    if (group === null) throw reader.fail();
    const pendingCount = reader.length();
    for (let index = 0; index < pendingCount; index++) {
      const id = idOf(reader, reader.take(16));
      const deliveryTimeMs = Number(reader.take(8).readBigInt64LE(0));
      const deliveryCount = reader.bigLength();
      if (!group.pending.insert({ id, consumer: null, deliveryTimeMs, deliveryCount })) throw reader.fail();
    }
    readConsumers(reader, group);
    for (const pending of group.pending.values()) if (pending.consumer === null) throw reader.fail();
  }
  return stream;
}

function readConsumers(reader: StreamPayloadReader, group: StreamGroup): void {
  const consumerCount = reader.length();
  for (let index = 0; index < consumerCount; index++) {
    const name = reader.string();
    const seenTimeMs = Number(reader.take(8).readBigInt64LE(0));
    const consumer: StreamConsumer | null = group.createConsumer(name, seenTimeMs);
    if (consumer === null) throw reader.fail();
    const ownedCount = reader.length();
    for (let owned = 0; owned < ownedCount; owned++) {
      const pending = group.pending.find(idOf(reader, reader.take(16)));
      if (pending === undefined || pending.consumer !== null) throw reader.fail();
      pending.consumer = consumer;
      consumer.pending.insert(pending);
    }
  }
}
