/**
 * Reply encoding for RESP2 and RESP3.
 *
 * RESP2 fallbacks are Redis's own (networking.c addReply* functions): a map is a flat array of
 * 2n elements (addReplyMapLen), a set an array (addReplySetLen), a push an array (pubsub's RESP2
 * path), a double a bulk string (addReplyDouble), a boolean the integer 1 or 0 (addReplyBool), a big
 * number and a verbatim string a bulk string (addReplyBigNum, addReplyVerbatim), and the two nulls
 * `$-1` and `*-1` (shared.null / shared.nullarray).
 *
 * Output is a list of chunks for a vectored socket write. Small pieces are packed into a shared
 * scratch slab (no string concatenation, no per-reply allocation); bulk payloads of at least
 * `bulkBytesByReferenceMin` are appended by reference, not copied.
 */
import { assert, assertNever } from '@objectbox/util';
import { writeIntegerDigits } from './cache-number.js';
import { formatRespDouble } from './resp-double.js';
import { type RespProtocolVersion, type RespValue } from './resp-value.js';

/** Size of a scratch slab; a reply piece larger than this gets a slab of its own. */
const scratchBytes = 16 * 1024;
/** Bulk payloads at least this large are referenced instead of copied into the slab. */
const bulkBytesByReferenceMin = 4 * 1024;
/**
 * Pieces up to this many bytes (headers, short texts and payloads, most replies) are stored into the
 * slab byte by byte from JS: each native Buffer call (write, set) costs more than such a loop.
 */
const inlineCopyBytesMax = 64;
const byteCarriageReturn = 0x0d;
const byteLineFeed = 0x0a;
const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/**
 * Accumulates encoded replies, in call order, until {@link RespEncoder.take}.
 *
 * Ownership: chunks returned by `take` may reference `Uint8Array` payloads of the encoded values;
 * the caller must not modify those payloads until the chunks are written. Chunks cut from the scratch
 * slab are not written again by the encoder unless the caller says they are consumed ({@link
 * RespEncoder.reuseScratch}). Payloads in `reusedMemory` (the server's read buffer, which the next
 * read overwrites: an argument echoed or published as it arrived) are always copied.
 */
export class RespEncoder {
  constructor(private readonly reusedMemory: ArrayBufferLike | null = null) {}

  private chunks: Uint8Array[] = [];
  private scratch: Buffer = Buffer.allocUnsafe(scratchBytes);
  /** Invariant: 0 <= scratchStart <= scratchOffset <= scratch.length; [scratchStart, scratchOffset) is pending. */
  private scratchStart = 0;
  private scratchOffset = 0;

  /**
   * Appends `value` encoded for `protocolVersion`. Asserts on malformed values (programmer errors);
   * then nothing of `value` is kept, so the caller can still answer an error in its place without
   * sending a half-written aggregate before it.
   */
  write(value: RespValue, protocolVersion: RespProtocolVersion): void {
    const chunkCount = this.chunks.length;
    const scratch = this.scratch;
    const scratchStart = this.scratchStart;
    const scratchOffset = this.scratchOffset;
    try {
      this.writeValue(value, protocolVersion);
    } catch (error) {
      // Pieces written since live in chunks past chunkCount or past scratchOffset of the old slab.
      this.chunks.length = chunkCount;
      this.scratch = scratch;
      this.scratchStart = scratchStart;
      this.scratchOffset = scratchOffset;
      throw error;
    }
  }

  private writeValue(value: RespValue, protocolVersion: RespProtocolVersion): void {
    switch (value.type) {
      case 'simple-string':
        if (value.value.length <= inlineCopyBytesMax && this.writeLatin1Line(0x2b, value.value, true)) return;
        assert(!/[\r\n]/.test(value.value), 'simple strings contain no CR or LF');
        return this.writeLine('+', value.value);
      case 'error':
        assert(/^[^\s]+$/.test(value.prefix), 'an error prefix is one word');
        // addReplyErrorFormat: CR and LF would break the line, Redis turns them into spaces.
        return this.writeLine('-', `${value.prefix} ${value.message}`.replace(/[\r\n]/g, ' '));
      case 'integer':
        if (typeof value.value === 'number') return this.writeIntegerLine(0x3a, value.value);
        return this.writeLine(':', integerText(value.value));
      case 'bulk-string':
        return this.writeBulk('$', value.value);
      case 'null-bulk':
        return this.writeAscii(protocolVersion === 3 ? '_\r\n' : '$-1\r\n');
      case 'null-array':
        return this.writeAscii(protocolVersion === 3 ? '_\r\n' : '*-1\r\n');
      case 'array':
        return this.writeAggregate('*', value.items, protocolVersion);
      case 'set':
        return this.writeAggregate(protocolVersion === 3 ? '~' : '*', value.items, protocolVersion);
      case 'push':
        return this.writeAggregate(protocolVersion === 3 ? '>' : '*', value.items, protocolVersion);
      case 'map':
        return this.writeMap(value.entries, protocolVersion);
      case 'attributed':
        if (protocolVersion === 3) this.writeMap(value.attributes, protocolVersion, '|');
        return this.writeValue(value.value, protocolVersion);
      default:
        return this.writeScalar3(value, protocolVersion);
    }
  }

  /**
   * Lets the scratch slab be written again from its start. Only for a caller that knows every chunk
   * taken so far is consumed: the server calls it when its socket took a write at once (nothing left
   * queued), so the kernel has the bytes. A slab kept for the connection's life, instead of a new
   * one every 16 KiB of replies, is not garbage that V8 promotes and then collects in full GCs.
   */
  reuseScratch(): void {
    if (this.scratchStart === this.scratchOffset) this.scratchStart = this.scratchOffset = 0;
  }

  /** Returns the chunks encoded since the last call, in order, and starts a new list. */
  take(): Uint8Array[] {
    this.emitPending();
    const chunks = this.chunks;
    this.chunks = [];
    return chunks;
  }

  /** The RESP3 scalars and their RESP2 fallbacks. */
  private writeScalar3(
    value: Extract<RespValue, { type: 'double' | 'boolean' | 'big-number' | 'verbatim-string' }>,
    protocolVersion: RespProtocolVersion,
  ): void {
    const resp3 = protocolVersion === 3;
    switch (value.type) {
      case 'double': {
        const text = value.text ?? formatRespDouble(value.value);
        return resp3 ? this.writeLine(',', text) : this.writeBulk('$', text);
      }
      case 'boolean':
        if (resp3) return this.writeAscii(value.value ? '#t\r\n' : '#f\r\n');
        return this.writeAscii(value.value ? ':1\r\n' : ':0\r\n');
      case 'big-number':
        return resp3 ? this.writeLine('(', value.value.toString()) : this.writeBulk('$', value.value.toString());
      case 'verbatim-string':
        assert(/^[a-z]{3}$/.test(value.format), 'a verbatim format is three lowercase letters (txt, mkd)');
        return resp3 ? this.writeVerbatim(value.format, value.value) : this.writeBulk('$', value.value);
      default:
        return assertNever(value, 'unknown RESP value');
    }
  }

  private writeAggregate(prefix: string, items: readonly RespValue[], protocolVersion: RespProtocolVersion): void {
    this.writeIntegerLine(prefix.charCodeAt(0), items.length);
    for (const item of items) this.writeValue(item, protocolVersion);
  }

  private writeMap(entries: readonly (readonly [RespValue, RespValue])[], protocolVersion: RespProtocolVersion, prefix3 = '%'): void {
    if (protocolVersion === 3) this.writeLine(prefix3, String(entries.length));
    else this.writeLine('*', String(entries.length * 2));
    for (const [key, value] of entries) {
      this.writeValue(key, protocolVersion);
      this.writeValue(value, protocolVersion);
    }
  }

  /** `=<length>\r\n<format>:<text>\r\n`; the length counts the format and the colon. */
  private writeVerbatim(format: string, value: Uint8Array | string): void {
    const payload = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    this.writeLine('=', String(payload.length + 4));
    this.writeAscii(`${format}:`);
    this.writeBytes(payload);
    this.writeAscii('\r\n');
  }

  private writeBulk(prefix: string, value: Uint8Array | string): void {
    if (value.length <= inlineCopyBytesMax && this.writeShortBulk(prefix.charCodeAt(0), value)) return;
    if (typeof value === 'string') {
      const lengthBytes = Buffer.byteLength(value, 'utf8');
      this.writeLine(prefix, String(lengthBytes));
      this.reserve(lengthBytes + 2);
      this.scratchOffset += this.scratch.write(value, this.scratchOffset, 'utf8');
      this.writeAscii('\r\n');
      return;
    }
    this.writeLine(prefix, String(value.length));
    this.writeBytes(value);
    this.writeAscii('\r\n');
  }

  /** `<prefix><text>\r\n`, text in UTF-8 (simple strings and errors may carry any non-CR/LF text). */
  /**
   * A `+`/`-`/`:` line. Texts built from client bytes (error messages quoting a command name or
   * argument) hold one char per byte (latin1, like keys), so they are written back byte for byte, as
   * Redis echoes them; a text with characters above U+00FF is written as UTF-8.
   */
  private writeLine(prefix: string, text: string): void {
    const encoding = /[\u0100-\uffff]/.test(text) ? 'utf8' : 'latin1';
    this.reserve(prefix.length + Buffer.byteLength(text, encoding) + 2);
    this.scratchOffset += this.scratch.write(prefix, this.scratchOffset, 'latin1');
    this.scratchOffset += this.scratch.write(text, this.scratchOffset, encoding);
    this.scratchOffset += this.scratch.write('\r\n', this.scratchOffset, 'latin1');
  }

  private writeAscii(text: string): void {
    this.reserve(text.length);
    const scratch = this.scratch;
    let offset = this.scratchOffset;
    for (let index = 0; index < text.length; index++) scratch[offset++] = text.charCodeAt(index);
    this.scratchOffset = offset;
  }

  /**
   * `<prefix><text>\r\n` when every char of `text` is below U+0100 (and, with `refuseLineBreaks`,
   * asserts there is no CR or LF). Returns false, having written nothing, for a wider char.
   */
  private writeLatin1Line(prefixByte: number, text: string, refuseLineBreaks: boolean): boolean {
    this.reserve(text.length + 3);
    const scratch = this.scratch;
    let offset = this.scratchOffset;
    scratch[offset++] = prefixByte;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code > 0xff) return false;
      if (refuseLineBreaks && (code === byteCarriageReturn || code === byteLineFeed)) assert(false, 'simple strings contain no CR or LF');
      scratch[offset++] = code;
    }
    scratch[offset++] = byteCarriageReturn;
    scratch[offset++] = byteLineFeed;
    this.scratchOffset = offset;
    return true;
  }

  /** `<prefix><value>\r\n` for a safe integer (an integer reply, a length or a count). */
  private writeIntegerLine(prefixByte: number, value: number): void {
    assert(Number.isSafeInteger(value), 'integer replies are safe integers (use a bigint beyond 2^53)');
    this.reserve(20);
    const scratch = this.scratch;
    let offset = this.scratchOffset;
    scratch[offset++] = prefixByte;
    offset = writeIntegerDigits(scratch, value, offset);
    scratch[offset++] = byteCarriageReturn;
    scratch[offset++] = byteLineFeed;
    this.scratchOffset = offset;
  }

  /**
   * A bulk of at most {@link inlineCopyBytesMax} bytes or ASCII chars, stored from JS. Returns false,
   * having written nothing, for a JS string with a non-ASCII char (its UTF-8 length differs).
   */
  private writeShortBulk(prefixByte: number, value: Uint8Array | string): boolean {
    const length = value.length;
    if (typeof value === 'string') {
      for (let index = 0; index < length; index++) if (value.charCodeAt(index) > 0x7f) return false;
    }
    this.writeIntegerLine(prefixByte, length);
    this.reserve(length + 2);
    const scratch = this.scratch;
    let offset = this.scratchOffset;
    if (typeof value === 'string') for (let index = 0; index < length; index++) scratch[offset++] = value.charCodeAt(index);
    else for (let index = 0; index < length; index++) scratch[offset++] = value[index] as number;
    scratch[offset++] = byteCarriageReturn;
    scratch[offset++] = byteLineFeed;
    this.scratchOffset = offset;
    return true;
  }

  private writeBytes(bytes: Uint8Array): void {
    if (bytes.length >= bulkBytesByReferenceMin && bytes.buffer !== this.reusedMemory) {
      this.emitPending();
      this.chunks.push(bytes);
      return;
    }
    this.reserve(bytes.length);
    this.scratch.set(bytes, this.scratchOffset);
    this.scratchOffset += bytes.length;
  }

  /** Ensures `byteCount` free bytes in the slab, starting a new slab when the current one is full. */
  private reserve(byteCount: number): void {
    if (this.scratchOffset + byteCount <= this.scratch.length) return;
    this.emitPending();
    this.scratch = Buffer.allocUnsafe(Math.max(scratchBytes, byteCount));
    this.scratchStart = this.scratchOffset = 0;
  }

  private emitPending(): void {
    if (this.scratchOffset === this.scratchStart) return;
    this.chunks.push(this.scratch.subarray(this.scratchStart, this.scratchOffset));
    this.scratchStart = this.scratchOffset;
  }
}

function integerText(value: number | bigint): string {
  if (typeof value === 'bigint') {
    assert(value >= int64Min && value <= int64Max, 'integer replies are within int64');
    return value.toString();
  }
  assert(Number.isSafeInteger(value), 'integer replies are safe integers (use a bigint beyond 2^53)');
  return String(value);
}

/**
 * Encodes one reply into a single buffer. For tests and rare replies; the socket path should keep a
 * {@link RespEncoder} per connection and write its chunks.
 */
export function encodeReply(value: RespValue, protocolVersion: RespProtocolVersion): Buffer {
  const encoder = new RespEncoder();
  encoder.write(value, protocolVersion);
  return Buffer.concat(encoder.take());
}
