/**
 * The protobuf wire format pieces shared by the hand-written codecs (kv-session-codec.ts,
 * raft-deliver-codec.ts): a reader of the canonical encoding that leaves anything else to
 * protobuf-es, and a writer into an exactly sized Buffer. Internal to this package.
 */

/** Wire types (protobuf encoding spec). */
export const wireVarint = 0;
export const wireLengthDelimited = 2;

export function tagOf(fieldNumber: number, wireType: number): number {
  return (fieldNumber << 3) | wireType;
}

/** Thrown inside a fast decoder for input it leaves to protobuf-es; the codecs catch it, callers never see it. */
export class NotCanonical extends Error {}
export const notCanonical = new NotCanonical('not the canonical encoding');

/**
 * A cursor over the bytes of one message; `end` is the end of the innermost message. Bytes fields
 * are views of `input` (a Buffer when it is one, as protobuf-es returns them); `bytes` views the
 * same memory as a Buffer, for its string decoding.
 */
export class Reader {
  offset = 0;
  readonly bytes: Buffer;
  constructor(readonly input: Uint8Array) {
    this.bytes = bufferOf(input);
  }

  /** A varint below 2^49 (7 bytes); longer ones (ids near 2^64) are left to protobuf-es. */
  varint(end: number): number {
    const bytes = this.bytes;
    let value = 0;
    let scale = 1;
    for (let count = 0; count < 7; count++) {
      if (this.offset >= end) throw notCanonical;
      const byte = bytes[this.offset++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw notCanonical;
  }

  /** The end offset of a length-delimited field starting at the cursor, after its length. */
  delimitedEnd(end: number): number {
    const length = this.varint(end);
    const fieldEnd = this.offset + length;
    if (fieldEnd > end) throw notCanonical;
    return fieldEnd;
  }

  bytesField(end: number): Uint8Array {
    const fieldEnd = this.delimitedEnd(end);
    const value = this.input.subarray(this.offset, fieldEnd);
    this.offset = fieldEnd;
    return value;
  }

  /**
   * An ASCII string field. Other strings are left to protobuf-es, which also checks that they
   * are valid UTF-8 (and throws when not): keys are ASCII in practice.
   */
  stringField(end: number): string {
    const fieldEnd = this.delimitedEnd(end);
    const bytes = this.bytes;
    for (let position = this.offset; position < fieldEnd; position++) if (bytes[position]! >= 0x80) throw notCanonical;
    const value = bytes.toString('latin1', this.offset, fieldEnd);
    this.offset = fieldEnd;
    return value;
  }

  /** The next field's tag; only one-byte tags (field numbers up to 15) are canonical here. */
  tag(): number {
    const tag = this.bytes[this.offset++]!;
    if (tag >= 0x80) throw notCanonical;
    return tag;
  }
}

export function bufferOf(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function varintBytes(value: number): number {
  let count = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    count++;
  }
  return count;
}

export function delimitedBytes(length: number): number {
  return 1 + varintBytes(length) + length;
}

/** A uint64 field's value as a number when it is safe, else undefined (protobuf-es encodes it). */
export function safeUint64(value: bigint | number | string | undefined): number | undefined {
  if (value === undefined) return 0;
  if (typeof value === 'bigint') return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

export class Writer {
  offset = 0;
  constructor(readonly bytes: Buffer) {}

  varint(value: number): void {
    const bytes = this.bytes;
    while (value >= 128) {
      bytes[this.offset++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    bytes[this.offset++] = value;
  }

  tag(fieldNumber: number, wireType: number): void {
    this.bytes[this.offset++] = tagOf(fieldNumber, wireType);
  }

  bytesField(fieldNumber: number, value: Uint8Array): void {
    this.tag(fieldNumber, wireLengthDelimited);
    this.varint(value.length);
    this.bytes.set(value, this.offset);
    this.offset += value.length;
  }

  stringField(fieldNumber: number, value: string, byteLength: number): void {
    this.tag(fieldNumber, wireLengthDelimited);
    this.varint(byteLength);
    this.offset += this.bytes.write(value, this.offset, byteLength, 'utf8');
  }
}

