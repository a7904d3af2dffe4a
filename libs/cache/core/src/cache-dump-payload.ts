/**
 * DUMP and RESTORE payloads in Redis's format (src/cluster.c createDumpPayload / verifyDumpPayload,
 * src/rdb.c rdbSaveObject / rdbLoadObject): one value in RDB encoding, then the RDB version (2 bytes,
 * little endian) and a CRC-64 of everything before it (8 bytes, little endian). A payload DUMPed here
 * RESTOREs into Redis 7.0 and back.
 *
 * Written: the plain RDB types (string, list, set, hash, and ZSET_2 with binary scores), which every
 * Redis since 2.6 loads; strings as integers when Redis would, never LZF-compressed.
 * Read: those, plus what Redis 7.0 itself writes: integer-encoded and LZF-compressed strings, intsets,
 * listpack hashes and sorted sets, quicklist-2 lists, and ZSET with text scores. The older ziplist
 * and zipmap encodings (Redis < 7 RDB files) are refused as bad data, as are the 7.2 set listpack and
 * every type this cache has no value for (streams, modules).
 *
 * Reading is bounded by the payload: every declared length is checked against the bytes left before
 * anything is allocated for it (an LZF string's expanded length against what LZF can expand to: at
 * most 88× its compressed bytes, and never past proto-max-bulk-len). Duplicate members or fields, NaN scores and empty
 * collections are bad data, as in Redis.
 */
import { crc64Redis } from './cache-crc64.js';
import { CacheHash } from './cache-hash.js';
import { keyTextFromBytes, type CacheValue } from './cache-keyspace.js';
import { CacheList } from './cache-list.js';
import { parseFloat64 } from './cache-number.js';
import { CacheSet } from './cache-set.js';
import { CacheSortedSet } from './cache-sorted-set.js';
import { readStreamPayload, writeStreamPayload } from './cache-dump-stream.js';
import { CacheStringValue } from './cache-string-value.js';

/** RDB_VERSION of Redis 7.0: payloads of a newer version are refused, as Redis 7.0 refuses them. */
export const cacheRdbVersion = 10;

const footerBytes = 10;

/** RDB object types (rdb.h). */
const rdbType = {
  string: 0,
  list: 1,
  set: 2,
  zset: 3,
  hash: 4,
  zset2: 5,
  setIntset: 11,
  hashListpack: 16,
  zsetListpack: 17,
  listQuicklist2: 18,
  streamListpacks: 15,
  streamListpacks2: 19,
} as const;

/** Why a payload was refused; the command edge maps each to Redis's error text. */
export class CacheDumpPayloadError extends Error {
  constructor(readonly reason: 'version-or-checksum' | 'bad-format') {
    super(reason === 'version-or-checksum' ? 'DUMP payload version or checksum are wrong' : 'Bad data format');
    this.name = 'CacheDumpPayloadError';
  }
}

/** The DUMP payload of `value`. */
export function encodeDumpPayload(value: CacheValue): Buffer {
  const writer = new RdbWriter();
  switch (value.type) {
    case 'string':
      writer.byte(rdbType.string);
      writer.string(value.bytes);
      break;
    case 'list':
      writer.byte(rdbType.list);
      writer.length(value.list.length);
      for (const element of value.list.toArray()) writer.string(element);
      break;
    case 'set':
      writer.byte(rdbType.set);
      writer.length(value.set.length);
      for (const member of value.set.values()) writer.string(Buffer.from(member, 'latin1'));
      break;
    case 'hash':
      writer.byte(rdbType.hash);
      writer.length(value.hash.length);
      for (const [field, fieldValue] of value.hash.entries()) {
        writer.string(Buffer.from(field, 'latin1'));
        writer.string(fieldValue);
      }
      break;
    case 'zset':
      writer.byte(rdbType.zset2);
      writer.length(value.zset.length);
      for (const { member, score } of value.zset.values()) {
        writer.string(Buffer.from(member, 'latin1'));
        writer.doubleBinary(score);
      }
      break;
    case 'stream':
      writer.byte(rdbType.streamListpacks2);
      writeStreamPayload(writer, value.stream);
      break;
  }
  const footer = Buffer.alloc(2);
  footer.writeUInt16LE(cacheRdbVersion, 0);
  writer.bytes(footer);
  const body = writer.finish();
  return Buffer.concat([body, crc64Redis(body)]);
}

/**
 * The value a payload holds (fresh objects: nothing refers to `payload` afterwards); throws
 * {@link CacheDumpPayloadError}. `stringBytesMax` bounds any one decoded string (proto-max-bulk-len).
 */
export function decodeDumpPayload(payload: Uint8Array, stringBytesMax: number): CacheValue {
  if (payload.length < footerBytes) throw new CacheDumpPayloadError('version-or-checksum');
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  const version = bytes.readUInt16LE(bytes.length - footerBytes);
  if (version > cacheRdbVersion) throw new CacheDumpPayloadError('version-or-checksum');
  const checksumAt = bytes.length - 8;
  if (!crc64Redis(bytes.subarray(0, checksumAt)).equals(bytes.subarray(checksumAt))) throw new CacheDumpPayloadError('version-or-checksum');
  const reader = new RdbReader(bytes.subarray(0, bytes.length - footerBytes), stringBytesMax);
  const value = readValue(reader);
  // Redis ignores bytes after the object; so does this reader.
  return value;
}

function readValue(reader: RdbReader): CacheValue {
  const type = reader.byte();
  switch (type) {
    case rdbType.string:
      return new CacheStringValue(reader.string());
    case rdbType.list:
      return listOf(readStrings(reader, reader.length()));
    case rdbType.listQuicklist2:
      return listOf(readQuicklist2(reader));
    case rdbType.set:
      return setOf(readStrings(reader, reader.length()));
    case rdbType.setIntset:
      return setOf(intsetMembers(reader.string()));
    case rdbType.hash:
      return hashOf(readStrings(reader, reader.length() * 2));
    case rdbType.hashListpack:
      return hashOf(listpackEntries(reader.string()));
    case rdbType.zset:
    case rdbType.zset2: {
      const count = reader.length();
      const members: Buffer[] = [];
      const scores: number[] = [];
      for (let index = 0; index < count; index++) {
        members.push(reader.string());
        scores.push(type === rdbType.zset2 ? reader.doubleBinary() : reader.doubleText());
      }
      return sortedSetOf(members, scores);
    }
    case rdbType.zsetListpack: {
      const entries = listpackEntries(reader.string());
      if (entries.length % 2 !== 0) throw new CacheDumpPayloadError('bad-format');
      const members: Buffer[] = [];
      const scores: number[] = [];
      for (let index = 0; index < entries.length; index += 2) {
        members.push(entries[index] as Buffer);
        scores.push(scoreOfText(entries[index + 1] as Buffer));
      }
      return sortedSetOf(members, scores);
    }
    case rdbType.streamListpacks:
    case rdbType.streamListpacks2:
      return { type: 'stream', stream: readStreamPayload(reader, type === rdbType.streamListpacks ? 1 : 2) };
    default:
      throw new CacheDumpPayloadError('bad-format');
  }
}

/** `count` strings in a row; a count the payload cannot hold ends in bad data, nothing is preallocated. */
function readStrings(reader: RdbReader, count: number): Buffer[] {
  const strings: Buffer[] = [];
  for (let index = 0; index < count; index++) strings.push(reader.string());
  return strings;
}

function listOf(elements: Buffer[]): CacheValue {
  if (elements.length === 0) throw new CacheDumpPayloadError('bad-format');
  return { type: 'list', list: CacheList.from(elements) };
}

function setOf(members: readonly Buffer[]): CacheValue {
  if (members.length === 0) throw new CacheDumpPayloadError('bad-format');
  const set = new CacheSet();
  for (const member of members) if (!set.add(keyTextFromBytes(member))) throw new CacheDumpPayloadError('bad-format');
  return { type: 'set', set };
}

function hashOf(fieldsAndValues: readonly Buffer[]): CacheValue {
  if (fieldsAndValues.length === 0 || fieldsAndValues.length % 2 !== 0) throw new CacheDumpPayloadError('bad-format');
  const hash = new CacheHash();
  for (let index = 0; index < fieldsAndValues.length; index += 2) {
    if (!hash.set(keyTextFromBytes(fieldsAndValues[index] as Buffer), fieldsAndValues[index + 1] as Buffer)) throw new CacheDumpPayloadError('bad-format');
  }
  return { type: 'hash', hash };
}

function sortedSetOf(members: readonly Buffer[], scores: readonly number[]): CacheValue {
  if (members.length === 0) throw new CacheDumpPayloadError('bad-format');
  const zset = new CacheSortedSet();
  for (let index = 0; index < members.length; index++) {
    const score = scores[index] as number;
    if (Number.isNaN(score) || !zset.set(keyTextFromBytes(members[index] as Buffer), score)) throw new CacheDumpPayloadError('bad-format');
  }
  // rdbLoadObject converts a small sorted set back to a listpack after loading.
  zset.compactEncodingIfSmall();
  return { type: 'zset', zset };
}

/** RDB_TYPE_LIST_QUICKLIST_2: nodes, each a plain element or a listpack of elements. */
function readQuicklist2(reader: RdbReader): Buffer[] {
  const nodeCount = reader.length();
  const elements: Buffer[] = [];
  for (let node = 0; node < nodeCount; node++) {
    const container = reader.length();
    const data = reader.string();
    if (container === quicklistNodePlain) elements.push(data);
    else if (container === quicklistNodePacked) for (const entry of listpackEntries(data)) elements.push(entry);
    else throw new CacheDumpPayloadError('bad-format');
  }
  return elements;
}

const quicklistNodePlain = 1;
const quicklistNodePacked = 2;

/** An intset (intset.h): encoding (2, 4 or 8 bytes per value), count, then the values, little endian. */
function intsetMembers(data: Buffer): Buffer[] {
  if (data.length < 8) throw new CacheDumpPayloadError('bad-format');
  const width = data.readUInt32LE(0);
  const count = data.readUInt32LE(4);
  if ((width !== 2 && width !== 4 && width !== 8) || data.length !== 8 + width * count) throw new CacheDumpPayloadError('bad-format');
  const members: Buffer[] = [];
  for (let index = 0; index < count; index++) {
    const at = 8 + index * width;
    const value = width === 2 ? data.readInt16LE(at) : width === 4 ? data.readInt32LE(at) : data.readBigInt64LE(at);
    members.push(Buffer.from(String(value), 'latin1'));
  }
  return members;
}

/**
 * The entries of a listpack (listpack.c): total bytes (4, LE), count (2, LE), entries, 0xFF. Each
 * entry is an encoding byte with its data, then its back-length (1-5 bytes). Integers come back as
 * their decimal text, as Redis reads them.
 */
function listpackEntries(data: Buffer): Buffer[] {
  if (data.length < 7 || data.readUInt32LE(0) !== data.length || data[data.length - 1] !== 0xff) throw new CacheDumpPayloadError('bad-format');
  const entries: Buffer[] = [];
  const end = data.length - 1;
  for (let at = 6; at < end; ) {
    const { entry, encodedBytes } = listpackEntryAt(data, at, end);
    at += encodedBytes + backLengthBytes(encodedBytes);
    if (at > end) throw new CacheDumpPayloadError('bad-format');
    entries.push(entry);
  }
  return entries;
}

/** Data bytes of the listpack integer encodings 0xF1 (16 bit) to 0xF4 (64 bit). */
const listpackIntegerWidths = [2, 3, 4, 8] as const;

/** The entry at `at` and its length without the back-length: encoding byte(s) and data. */
function listpackEntryAt(data: Buffer, at: number, end: number): { entry: Buffer; encodedBytes: number } {
  const first = data[at] as number;
  if ((first & 0x80) === 0) return { entry: decimal(first & 0x7f), encodedBytes: 1 };
  if ((first & 0xc0) === 0x80) {
    const length = first & 0x3f;
    return { entry: slice(data, at + 1, length, end), encodedBytes: 1 + length };
  }
  if ((first & 0xe0) === 0xc0) {
    need(at + 2, end);
    const unsigned = ((first & 0x1f) << 8) | (data[at + 1] as number);
    return { entry: decimal(unsigned >= 1 << 12 ? unsigned - (1 << 13) : unsigned), encodedBytes: 2 };
  }
  if ((first & 0xf0) === 0xe0) {
    need(at + 2, end);
    const length = ((first & 0x0f) << 8) | (data[at + 1] as number);
    return { entry: slice(data, at + 2, length, end), encodedBytes: 2 + length };
  }
  if (first === 0xf0) {
    need(at + 5, end);
    const length = data.readUInt32LE(at + 1);
    return { entry: slice(data, at + 5, length, end), encodedBytes: 5 + length };
  }
  const width = listpackIntegerWidths[first - 0xf1];
  if (width === undefined) throw new CacheDumpPayloadError('bad-format');
  need(at + 1 + width, end);
  const value = width === 2 ? data.readInt16LE(at + 1) : width === 3 ? data.readIntLE(at + 1, 3) : width === 4 ? data.readInt32LE(at + 1) : data.readBigInt64LE(at + 1);
  return { entry: decimal(value), encodedBytes: 1 + width };
}

function backLengthBytes(entryBytes: number): number {
  if (entryBytes < 128) return 1;
  if (entryBytes < 16384) return 2;
  if (entryBytes < 2097152) return 3;
  if (entryBytes < 268435456) return 4;
  return 5;
}

function need(at: number, end: number): void {
  if (at > end) throw new CacheDumpPayloadError('bad-format');
}

/** A copy of `length` bytes at `from`, which must end at or before `end`. */
function slice(data: Buffer, from: number, length: number, end: number): Buffer {
  need(from + length, end);
  return Buffer.from(data.subarray(from, from + length));
}

function decimal(value: number | bigint): Buffer {
  return Buffer.from(String(value), 'latin1');
}

/** A score given as text (listpack entries, RDB_TYPE_ZSET), `inf` and `-inf` included, as Redis's zzlStrtod. */
function scoreOfText(text: Buffer): number {
  const score = parseFloat64(text);
  if (score === null) throw new CacheDumpPayloadError('bad-format');
  return score;
}

/** Sequential reads of RDB primitives over one payload body; any overrun is bad data. */
class RdbReader {
  private at = 0;

  constructor(
    private readonly data: Buffer,
    private readonly stringBytesMax: number,
  ) {}

  byte(): number {
    if (this.at >= this.data.length) throw new CacheDumpPayloadError('bad-format');
    return this.data[this.at++] as number;
  }

  /** rdbLoadLen of a plain length (an encoded-string marker here is bad data). */
  length(): number {
    const { value, encoded } = this.lengthOrEncoding();
    if (encoded) throw new CacheDumpPayloadError('bad-format');
    return value;
  }

  /** rdbGenericLoadStringObject: raw, integer-encoded or LZF-compressed. A fresh copy. */
  string(): Buffer {
    const { value, encoded } = this.lengthOrEncoding();
    if (!encoded) return Buffer.from(this.take(value));
    switch (value) {
      case 0:
        return decimal(this.take(1).readInt8(0));
      case 1:
        return decimal(this.take(2).readInt16LE(0));
      case 2:
        return decimal(this.take(4).readInt32LE(0));
      case 3: {
        const compressedLength = this.length();
        const length = this.length();
        // LZF expands at most 88× (a 3-byte back reference yields up to 264 bytes).
        if (length > this.stringBytesMax || length > compressedLength * 88) throw new CacheDumpPayloadError('bad-format');
        return lzfDecompress(this.take(compressedLength), length);
      }
      default:
        throw new CacheDumpPayloadError('bad-format');
    }
  }

  /** rdbLoadLen of a full 64-bit length (stream IDs and counters). */
  bigLength(): bigint {
    const first = this.byte();
    if (first === 0x81) return this.take(8).readBigUInt64BE(0);
    this.at--;
    return BigInt(this.length());
  }

  listpackEntries(listpack: Buffer): Buffer[] {
    return listpackEntries(listpack);
  }

  fail(): Error {
    return new CacheDumpPayloadError('bad-format');
  }

  /** RDB_TYPE_ZSET_2's score: an IEEE 754 double, little endian. */
  doubleBinary(): number {
    return this.take(8).readDoubleLE(0);
  }

  /** RDB_TYPE_ZSET's score (rdbLoadDoubleValue): 253 NaN, 254 +inf, 255 -inf, else a length and text. */
  doubleText(): number {
    const length = this.byte();
    if (length === 253) return Number.NaN;
    if (length === 254) return Number.POSITIVE_INFINITY;
    if (length === 255) return Number.NEGATIVE_INFINITY;
    return scoreOfText(this.take(length));
  }

  private lengthOrEncoding(): { value: number; encoded: boolean } {
    const first = this.byte();
    switch (first >> 6) {
      case 0:
        return { value: first & 0x3f, encoded: false };
      case 1:
        return { value: ((first & 0x3f) << 8) | this.byte(), encoded: false };
      case 3:
        return { value: first & 0x3f, encoded: true };
      default: {
        if (first === 0x80) return { value: this.take(4).readUInt32BE(0), encoded: false };
        if (first === 0x81) {
          const value = this.take(8).readBigUInt64BE(0);
          if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CacheDumpPayloadError('bad-format');
          return { value: Number(value), encoded: false };
        }
        throw new CacheDumpPayloadError('bad-format');
      }
    }
  }

  take(length: number): Buffer {
    if (length > this.data.length - this.at || length > this.stringBytesMax) throw new CacheDumpPayloadError('bad-format');
    const bytes = this.data.subarray(this.at, this.at + length);
    this.at += length;
    return bytes;
  }
}

/** lzf_decompress (lzf_d.c) into exactly `length` bytes; anything inconsistent is bad data. */
function lzfDecompress(input: Buffer, length: number): Buffer {
  const output = Buffer.alloc(length);
  let inAt = 0;
  let outAt = 0;
  while (inAt < input.length) {
    const control = input[inAt++] as number;
    if (control < 32) {
      const literalLength = control + 1;
      if (outAt + literalLength > length || inAt + literalLength > input.length) throw new CacheDumpPayloadError('bad-format');
      input.copy(output, outAt, inAt, inAt + literalLength);
      inAt += literalLength;
      outAt += literalLength;
      continue;
    }
    let referenceLength = control >> 5;
    if (referenceLength === 7) {
      if (inAt >= input.length) throw new CacheDumpPayloadError('bad-format');
      referenceLength += input[inAt++] as number;
    }
    if (inAt >= input.length) throw new CacheDumpPayloadError('bad-format');
    const reference = outAt - ((control & 0x1f) << 8) - 1 - (input[inAt++] as number);
    referenceLength += 2;
    if (reference < 0 || outAt + referenceLength > length) throw new CacheDumpPayloadError('bad-format');
    // Byte by byte: a reference may overlap what it is producing (a run).
    for (let index = 0; index < referenceLength; index++) output[outAt++] = output[reference + index] as number;
  }
  if (outAt !== length) throw new CacheDumpPayloadError('bad-format');
  return output;
}

/** Appends RDB primitives (rdbSaveLen, rdbSaveRawString, rdbSaveBinaryDoubleValue). */
class RdbWriter {
  private readonly chunks: Buffer[] = [];

  byte(value: number): void {
    this.chunks.push(Buffer.of(value));
  }

  bytes(bytes: Buffer): void {
    this.chunks.push(bytes);
  }

  length(value: number): void {
    if (value < 1 << 6) {
      this.byte(value);
    } else if (value < 1 << 14) {
      this.chunks.push(Buffer.of(0x40 | (value >> 8), value & 0xff));
    } else if (value <= 0xffffffff) {
      const bytes = Buffer.alloc(5);
      bytes[0] = 0x80;
      bytes.writeUInt32BE(value, 1);
      this.chunks.push(bytes);
    } else {
      const bytes = Buffer.alloc(9);
      bytes[0] = 0x81;
      bytes.writeBigUInt64BE(BigInt(value), 1);
      this.chunks.push(bytes);
    }
  }

  bigLength(value: bigint): void {
    if (value <= 0xffffffffn) this.length(Number(value));
    else {
      const bytes = Buffer.alloc(9);
      bytes[0] = 0x81;
      bytes.writeBigUInt64BE(value, 1);
      this.chunks.push(bytes);
    }
  }

  /** rdbSaveRawString without compression: a string written as it is unless it is a small integer. */
  rawString(bytes: Buffer): void {
    this.string(bytes);
  }

  /** A string; as an integer encoding when it is the canonical text of an int32 (rdbTryIntegerEncoding). */
  string(bytes: Buffer): void {
    const integer = bytes.length <= 11 ? canonicalInt32Of(bytes) : null;
    if (integer === null) {
      this.length(bytes.length);
      this.chunks.push(bytes);
      return;
    }
    // RDB_ENC_INT8 / INT16 / INT32 (0xC0-0xC2), little endian, in the fewest bytes that hold it.
    const width = integer >= -128 && integer <= 127 ? 1 : integer >= -32768 && integer <= 32767 ? 2 : 4;
    const encoded = Buffer.alloc(1 + width);
    encoded[0] = 0xc0 + (width >> 1);
    encoded.writeIntLE(integer, 1, width);
    this.chunks.push(encoded);
  }

  doubleBinary(value: number): void {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleLE(value, 0);
    this.chunks.push(bytes);
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** The int32 whose decimal text `bytes` is exactly (no sign on 0, no leading zeros or plus), else null. */
function canonicalInt32Of(bytes: Buffer): number | null {
  if (bytes.length === 0) return null;
  const text = bytes.toString('latin1');
  if (!/^(0|-?[1-9][0-9]*)$/.test(text)) return null;
  const value = Number(text);
  return value >= -(2 ** 31) && value < 2 ** 31 ? value : null;
}
