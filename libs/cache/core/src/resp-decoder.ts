/**
 * Incremental decoder of client requests: RESP arrays of bulk strings ("multibulk", what client
 * libraries, redis-benchmark and `redis-cli --pipe` send) and inline commands (what telnet and `nc`
 * send), with Redis's limits and Redis's error texts.
 *
 * Why not the npm package `redis-parser` (named in the cache issue): it parses *replies* (the client
 * side of RESP), knows nothing of inline commands, and buffers whatever length a peer declares before
 * anything can check it. A server must refuse `$9999999999` before buffering a byte of its payload,
 * so the request side is written here, following redis/redis src/networking.c processMultibulkBuffer
 * and processInlineBuffer (Redis 7) step by step.
 *
 * Pure: no I/O, no clock. The socket handler pushes received chunks and calls `next()` until it says
 * `incomplete`, dispatching each request in order (pipelining).
 */
import { assert } from '@objectbox/util';
import { RespProtocolError, type RespProtocolErrorReason } from './errors.js';

/**
 * Limits checked against declared lengths before their bytes are awaited or buffered.
 * Invariant: every value is a positive safe integer.
 */
export interface RespDecoderLimits {
  /** Largest accepted bulk string in a request (Redis `proto-max-bulk-len`, 512 MiB by default). */
  readonly bulkStringBytesMax: number;
  /** Largest accepted argument count of one multibulk request. */
  readonly arrayElementCountMax: number;
  /**
   * Largest inline command line (terminator excluded), and largest `*<count>` / `$<length>` header
   * line, as Redis's PROTO_INLINE_MAX_SIZE (64 KiB) bounds both.
   */
  readonly inlineLineBytesMax: number;
  /**
   * True before the client authenticated: exceeding `arrayElementCountMax` or `bulkStringBytesMax`
   * then reports Redis's `unauthenticated multibulk length` / `unauthenticated bulk length` texts.
   */
  readonly unauthenticated: boolean;
}

/**
 * The longest JS string V8 makes (String::kMaxLength on 64-bit, 2^29 - 24 chars). Keys, hash fields,
 * set and sorted set members and options are held as latin1 text, one char per byte, so a longer
 * argument would make `Buffer.toString` throw inside a command and take the server down.
 */
const textBytesMax = 2 ** 29 - 24;

/**
 * Redis's defaults for an authenticated client (or a server without a password), except that a bulk
 * string may be 24 bytes short of Redis's 512 MiB: {@link textBytesMax}.
 */
export const respDecoderLimitsDefault: RespDecoderLimits = Object.freeze({
  bulkStringBytesMax: Math.min(512 * 1024 * 1024, textBytesMax),
  // Redis 7 accepts up to INT_MAX arguments but grows argv as they arrive; a million arguments is
  // already far beyond any real command and keeps the per-request bookkeeping bounded.
  arrayElementCountMax: 1024 * 1024,
  inlineLineBytesMax: 64 * 1024,
  unauthenticated: false,
});

/**
 * The limits of an authenticated client under `proto-max-bulk-len` = `bulkBytesMax` (CONFIG SET
 * may change it at any time), still capped at {@link textBytesMax}.
 */
export function respDecoderLimitsWithBulkMax(bulkBytesMax: number): RespDecoderLimits {
  return { ...respDecoderLimitsDefault, bulkStringBytesMax: Math.min(bulkBytesMax, textBytesMax) };
}

/**
 * Redis's limits before AUTH succeeds (networking.c: more than 10 arguments or a bulk string over
 * 16384 bytes is refused while `authRequired(c)`), so a stranger cannot make the server hold memory.
 */
export const respDecoderLimitsUnauthenticated: RespDecoderLimits = Object.freeze({
  ...respDecoderLimitsDefault,
  bulkStringBytesMax: 16384,
  arrayElementCountMax: 10,
  unauthenticated: true,
});

/** One decoded request: its arguments (command name first), in the order the client sent them. */
export interface RespRequest {
  /**
   * Non-empty. Multibulk arguments are views into the decoder's buffer (a copy per argument was a
   * large share of a pipelined request's cost), of bytes the decoder never writes again: they stay
   * valid for as long as they are referenced. Whoever keeps one beyond the request should still
   * copy it, since a view keeps the whole buffer it points into alive.
   */
  readonly arguments: Buffer[];
  /** How the client framed it; inline requests come from humans and scripts, not client libraries. */
  readonly format: 'multibulk' | 'inline';
}

/** Result of {@link RespDecoder.next}. */
export type RespDecodeResult =
  | { readonly kind: 'request'; readonly request: RespRequest }
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'error'; readonly error: RespProtocolError };

const byteCarriageReturn = 0x0d;
const byteLineFeed = 0x0a;
const byteAsterisk = 0x2a;
const byteDollar = 0x24;
/** Smallest carry buffer (see {@link RespDecoder.push}). */
const bufferBytesInitial = 16 * 1024;
const emptyBuffer = Buffer.alloc(0);

/**
 * Node's Buffer class proper (`FastBuffer`, a Uint8Array subclass; `Buffer[Symbol.species]`), whose
 * constructor makes a view of an ArrayBuffer. Arguments are made with it directly from the chunk's
 * ArrayBuffer and offset, looked up once per buffer: `subarray` per argument re-read `.buffer` and
 * `.byteOffset` (V8 materialises the ArrayBuffer object on the first read) and checked its arguments,
 * about a third of the cost of a view, and views were the largest single cost of decoding a pipelined
 * GET in process.
 */
type BufferViewConstructor = new (arrayBuffer: ArrayBufferLike, byteOffset: number, length: number) => Buffer;
const BufferView: BufferViewConstructor = (Buffer as unknown as { readonly [Symbol.species]: BufferViewConstructor })[Symbol.species];

/** Outcome of one decoding step; 'skipped' is a request without arguments, which Redis ignores. */
type Step = 'incomplete' | 'skipped' | 'complete' | 'failed';

/**
 * Accumulates pushed chunks and yields complete requests, `incomplete`, or a {@link RespProtocolError}.
 *
 * Contract:
 * - Results do not depend on how the stream was split into chunks.
 * - A declared length is checked against the limits as soon as its header line is complete, before
 *   any payload byte is awaited; the buffer grows only with bytes actually pushed, never to a
 *   declared length.
 * - Requests with no arguments (`*0`, `*-1`, an empty inline line) are consumed silently, as Redis does.
 * - Errors are sticky: once `next()` returned an error it returns the same error forever and `push`
 *   discards its input; the connection is to be answered and closed.
 * - Redis skips the two bytes after a header line's `\r` and after a bulk payload without checking
 *   that they are `\r\n`; so does this decoder, to accept exactly what Redis accepts.
 */
export class RespDecoder {
  private limits: RespDecoderLimits;
  private buffer: Buffer = emptyBuffer;
  /** Whether `buffer` is a pushed chunk adopted in place (the caller's memory), not a buffer of the decoder's own. */
  private bufferIsChunk = false;
  /** `buffer.buffer` and `buffer.byteOffset`, read once per buffer (see {@link BufferView}). */
  private bufferArrayBuffer: ArrayBufferLike = emptyBuffer.buffer;
  private bufferByteOffset = emptyBuffer.byteOffset;
  /** Invariant: 0 <= start <= scanOffset <= end <= buffer.length; bytes [start, end) are unread. */
  private start = 0;
  private end = 0;
  /** Where the search for the current line's terminator resumes, so dripped bytes are scanned once. */
  private scanOffset = 0;
  /** Bytes consumed from the stream before `start`, for error offsets. */
  private streamOffsetBytes = 0;
  /** Arguments still expected by the multibulk request in progress; 0 outside one. */
  private elementCountRemaining = 0;
  /** Payload length of the bulk string in progress, or -1 while its `$` header is awaited. */
  private bulkBytesExpected = -1;
  private argumentsPending: Buffer[] = [];
  /**
   * How many of `argumentsPending`, from the first, are already the decoder's own (copied by an
   * earlier {@link detachFromChunk}): each argument is copied at most once, however many reads a long
   * request takes.
   */
  private argumentsPendingOwnedCount = 0;
  private failure: RespProtocolError | null = null;

  constructor(limits: RespDecoderLimits = respDecoderLimitsDefault) {
    this.limits = validatedLimits(limits);
  }

  /**
   * Replaces the limits for everything decoded from now on, e.g. after AUTH succeeds. Call it between
   * requests: the server executes each request before asking for the next, so the request after
   * AUTH is decoded with the new limits, as in Redis.
   */
  setLimits(limits: RespDecoderLimits): void {
    this.limits = validatedLimits(limits);
  }

  /** Bytes pushed but not yet consumed (Redis CLIENT LIST `qbuf`); for query-buffer limits. */
  get bufferedBytes(): number {
    return this.end - this.start;
  }

  /** Bytes the decoder currently holds allocated for its buffer (used or not). */
  get bufferCapacityBytes(): number {
    return this.buffer.length;
  }

  /**
   * Takes a chunk received from the client; after a protocol error the chunk is discarded. The
   * decoder may keep the chunk and decode from it in place, so the caller must not change it
   * afterwards (until {@link detachFromChunk}). It does so whenever nothing is buffered, the common case (whole requests per read):
   * no copy, and the chunk dies young with the requests in it. A per-connection buffer that bytes
   * were copied into lived long enough to be promoted by V8 and, replaced as it filled, triggered a
   * full collection about every second under redis-benchmark -P 16. Only a partial request's bytes
   * are carried over into a buffer of the decoder's own.
   */
  push(chunk: Uint8Array): void {
    if (this.failure !== null || chunk.length === 0) return;
    if (this.start === this.end) {
      // Arguments already returned or pending are views of the previous buffer, which is never
      // written again, so it can be let go of.
      this.useBuffer(chunk instanceof Buffer ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), true);
      this.start = this.scanOffset = 0;
      this.end = chunk.length;
      return;
    }
    this.reserve(chunk.length);
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
  }

  /**
   * Copies what the decoder still needs of the last pushed chunk (its unread bytes, and the arguments
   * of a request not yet complete) into memory of its own, so that the caller may write its next read
   * into the chunk's memory. Arguments already returned stay views of the chunk: whoever keeps one
   * past that point must have copied it (the engine copies what it stores).
   */
  detachFromChunk(): void {
    if (!this.bufferIsChunk) return;
    if (this.start === this.end && this.argumentsPending.length === 0) {
      this.releaseIfEmpty();
      return;
    }
    const unreadBytes = this.end - this.start;
    // Exactly the unread bytes: a connection idling on a partial request holds only what it sent
    // (thousands of them must stay cheap); reserve() grows the buffer once more bytes arrive.
    const own = Buffer.allocUnsafe(unreadBytes);
    this.buffer.copy(own, 0, this.start, this.end);
    this.useBuffer(own);
    this.scanOffset -= this.start;
    this.start = 0;
    this.end = unreadBytes;
    const pending = this.argumentsPending;
    for (let index = this.argumentsPendingOwnedCount; index < pending.length; index++) pending[index] = Buffer.from(pending[index] as Buffer);
    this.argumentsPendingOwnedCount = pending.length;
  }

  /** Decodes the next complete request, if the pushed bytes hold one. See the class contract. */
  next(): RespDecodeResult {
    const args = this.nextArguments();
    if (args !== null) return { kind: 'request', request: { arguments: args, format: this.lastFormat } };
    return this.failure === null ? { kind: 'incomplete' } : { kind: 'error', error: this.failure };
  }

  /**
   * {@link next} for the server's loop, without a result object per request: the next request's
   * arguments, or null when the pushed bytes hold no complete request or the stream failed
   * ({@link failureOf} tells which).
   */
  nextArguments(): Buffer[] | null {
    for (;;) {
      if (this.failure !== null) return null;
      if (this.start === this.end && this.elementCountRemaining === 0) {
        this.releaseIfEmpty();
        return null;
      }
      const inMultibulk = this.elementCountRemaining > 0 || this.buffer[this.start] === byteAsterisk;
      const step = inMultibulk ? this.decodeMultibulk() : this.decodeInline();
      if (step === 'incomplete') return null;
      if (step === 'complete') {
        const args = this.argumentsPending;
        this.argumentsPending = [];
        this.argumentsPendingOwnedCount = 0;
        this.lastFormat = inMultibulk ? 'multibulk' : 'inline';
        return args;
      }
      // 'skipped' loops to the next request; 'failed' returns null at the top of the loop.
    }
  }

  /** The protocol error that ended the stream, or null while it is fine (sticky, see the class contract). */
  get failureOf(): RespProtocolError | null {
    return this.failure;
  }

  /** How the request last returned by {@link nextArguments} was framed. */
  private lastFormat: RespRequest['format'] = 'multibulk';

  /** processMultibulkBuffer: the `*<count>` header once, then `$<length>` headers and payloads. */
  private decodeMultibulk(): Step {
    if (this.elementCountRemaining === 0 && this.decodeWholeMultibulk()) return 'complete';
    if (this.elementCountRemaining === 0) {
      const header = this.decodeMultibulkHeader();
      if (header !== 'complete') return header;
    }
    while (this.elementCountRemaining > 0) {
      if (this.bulkBytesExpected < 0) {
        const header = this.decodeBulkHeader();
        if (header !== 'complete') return header;
      }
      if (this.end - this.start < this.bulkBytesExpected + 2) return 'incomplete';
      this.argumentsPending.push(new BufferView(this.bufferArrayBuffer, this.bufferByteOffset + this.start, this.bulkBytesExpected));
      this.consume(this.bulkBytesExpected + 2);
      this.bulkBytesExpected = -1;
      this.elementCountRemaining -= 1;
    }
    return 'complete';
  }

  /**
   * The common case in one pass: a request whose bytes are all buffered, with plain counts and
   * lengths within the limits. Returns false, having consumed nothing, for anything else (a partial
   * request, an odd or refused header): the step-by-step path then decides, so this one only has to
   * agree with it on what it accepts. It saves the per-header bookkeeping of that path (line search,
   * limit checks, offsets), a sizeable share of decoding a pipelined GET.
   */
  private decodeWholeMultibulk(): boolean {
    const buffer = this.buffer;
    const end = this.end;
    let offset = this.start + 1;
    let count = 0;
    let digitCount = 0;
    for (; offset < end; offset++, digitCount++) {
      const digit = (buffer[offset] as number) - 0x30;
      if (digit < 0 || digit > 9) break;
      count = count * 10 + digit;
    }
    // `\r` and one more byte (Redis skips both unchecked); no leading zero; small enough for a plain loop.
    if (offset + 1 >= end || buffer[offset] !== byteCarriageReturn || digitCount === 0 || digitCount > 7 || buffer[this.start + 1] === 0x30) return false;
    if (count > this.limits.arrayElementCountMax) return false;
    offset += 2;
    const bulkBytesMax = this.limits.bulkStringBytesMax;
    const arrayBuffer = this.bufferArrayBuffer;
    const byteOffset = this.bufferByteOffset;
    const args: Buffer[] = [];
    for (let index = 0; index < count; index++) {
      if (offset >= end || buffer[offset] !== byteDollar) return false;
      const digitsFrom = ++offset;
      let length = 0;
      for (; offset < end; offset++) {
        const digit = (buffer[offset] as number) - 0x30;
        if (digit < 0 || digit > 9) break;
        length = length * 10 + digit;
      }
      digitCount = offset - digitsFrom;
      if (offset + 1 >= end || buffer[offset] !== byteCarriageReturn || digitCount === 0 || digitCount > 10) return false;
      if (digitCount > 1 && buffer[digitsFrom] === 0x30) return false;
      if (length > bulkBytesMax) return false;
      offset += 2;
      if (end - offset < length + 2) return false;
      args.push(new BufferView(arrayBuffer, byteOffset + offset, length));
      offset += length + 2;
    }
    this.streamOffsetBytes += offset - this.start;
    this.start = offset;
    this.scanOffset = offset;
    this.argumentsPending = args;
    this.argumentsPendingOwnedCount = 0;
    return true;
  }

  private decodeMultibulkHeader(): Step {
    const lineEnd = this.findHeaderLineEnd('multibulk-count-line-too-big');
    if (typeof lineEnd === 'string') return lineEnd;
    const count = parseRedisInteger(this.buffer, this.start + 1, lineEnd);
    if (count === null) return this.fail('multibulk-length-invalid');
    if (count > this.limits.arrayElementCountMax) {
      return this.fail(this.limits.unauthenticated ? 'multibulk-length-unauthenticated' : 'multibulk-length-invalid');
    }
    this.consume(lineEnd + 2 - this.start);
    if (count <= 0) return 'skipped';
    // The argument list grows as arguments arrive, never to the declared count up front.
    this.elementCountRemaining = count;
    return 'complete';
  }

  private decodeBulkHeader(): Step {
    const lineEnd = this.findHeaderLineEnd('bulk-count-line-too-big');
    if (typeof lineEnd === 'string') return lineEnd;
    const prefix = this.buffer[this.start]!;
    if (prefix !== byteDollar) return this.fail('bulk-prefix-expected', prefix);
    const length = parseRedisInteger(this.buffer, this.start + 1, lineEnd);
    if (length === null || length < 0) return this.fail('bulk-length-invalid');
    if (length > this.limits.bulkStringBytesMax) {
      return this.fail(this.limits.unauthenticated ? 'bulk-length-unauthenticated' : 'bulk-length-invalid');
    }
    this.consume(lineEnd + 2 - this.start);
    this.bulkBytesExpected = length;
    return 'complete';
  }

  /**
   * Finds the `\r` ending the header line at `start` and checks the line against inlineLineBytesMax.
   * Like Redis it needs one byte after the `\r` before the line counts as complete. Unlike Redis, a
   * too-long line fails even when its `\r` arrived in the same chunk, so the outcome does not depend
   * on chunking.
   */
  private findHeaderLineEnd(tooBig: RespProtocolErrorReason): number | 'incomplete' | 'failed' {
    const lineEnd = this.findCarriageReturn();
    const lineBytes = (lineEnd < 0 ? this.end : lineEnd) - this.start;
    if (lineBytes > this.limits.inlineLineBytesMax) return this.fail(tooBig);
    if (lineEnd < 0 || lineEnd + 1 >= this.end) return 'incomplete';
    return lineEnd;
  }

  /** processInlineBuffer: one line ending in `\n` (an optional `\r` before it is dropped). */
  private decodeInline(): Step {
    const lineFeed = this.findByte(byteLineFeed);
    const lineEnd = lineFeed < 0 ? this.end : lineFeed;
    const contentEnd = lineEnd > this.start && this.buffer[lineEnd - 1] === byteCarriageReturn ? lineEnd - 1 : lineEnd;
    if (contentEnd - this.start > this.limits.inlineLineBytesMax) return this.fail('inline-request-too-big');
    if (lineFeed < 0) return 'incomplete';
    const words = splitInlineArguments(this.buffer.subarray(this.start, contentEnd));
    if (words === null) return this.fail('inline-quotes-unbalanced');
    this.consume(lineFeed + 1 - this.start);
    if (words.length === 0) return 'skipped';
    this.argumentsPending = words;
    this.argumentsPendingOwnedCount = 0;
    return 'complete';
  }

  /** Index of `byte` in [scanOffset, end), or -1; remembers how far it looked. */
  private findByte(byte: number): number {
    const found = this.buffer.indexOf(byte, this.scanOffset);
    const index = found >= this.end ? -1 : found;
    this.scanOffset = index < 0 ? this.end : index;
    return index;
  }

  /**
   * {@link findByte} for `\r` in a header line: a plain loop, since header lines are a few bytes
   * and the native search costs more to call than to run.
   */
  private findCarriageReturn(): number {
    const buffer = this.buffer;
    const end = this.end;
    for (let index = this.scanOffset; index < end; index++) {
      if (buffer[index] === byteCarriageReturn) {
        this.scanOffset = index;
        return index;
      }
    }
    this.scanOffset = end;
    return -1;
  }

  private consume(byteCount: number): void {
    assert(byteCount >= 0 && this.start + byteCount <= this.end, 'consume within the buffered bytes');
    this.start += byteCount;
    this.scanOffset = this.start;
    this.streamOffsetBytes += byteCount;
  }

  private fail(reason: RespProtocolErrorReason, byteFound: number | null = null): 'failed' {
    this.failure = new RespProtocolError(reason, this.streamOffsetBytes, byteFound);
    // Nothing more will be decoded; drop the buffer rather than hold a stranger's bytes.
    this.useBuffer(emptyBuffer);
    this.start = this.end = this.scanOffset = 0;
    return 'failed';
  }

  private useBuffer(buffer: Buffer, isChunk = false): void {
    this.buffer = buffer;
    this.bufferIsChunk = isChunk;
    this.bufferArrayBuffer = buffer.buffer;
    this.bufferByteOffset = buffer.byteOffset;
  }

  /**
   * Makes room for `byteCount` more bytes in a new buffer holding the unread bytes: the same size
   * when they fit, else doubled (amortised O(1) per byte). Never in place: consumed bytes may be
   * arguments still in use (see {@link RespRequest.arguments}).
   */
  private reserve(byteCount: number): void {
    if (this.end + byteCount <= this.buffer.length) return;
    const unreadBytes = this.end - this.start;
    const target = Buffer.allocUnsafe(
      unreadBytes + byteCount <= this.buffer.length ? this.buffer.length : Math.max(this.buffer.length * 2, unreadBytes + byteCount, bufferBytesInitial),
    );
    this.buffer.copy(target, 0, this.start, this.end);
    this.useBuffer(target);
    this.scanOffset -= this.start;
    this.start = 0;
    this.end = unreadBytes;
  }

  /**
   * Once everything pushed is consumed, lets go of the buffer (an adopted chunk or a carry buffer,
   * whatever its size): an idle connection holds none, and the next push adopts its chunk. The
   * buffer is not reused: the consumed bytes may be arguments still in use.
   */
  private releaseIfEmpty(): void {
    if (this.buffer.length === 0) return;
    this.useBuffer(emptyBuffer);
    this.start = this.end = this.scanOffset = 0;
  }
}

function validatedLimits(limits: RespDecoderLimits): RespDecoderLimits {
  for (const name of ['bulkStringBytesMax', 'arrayElementCountMax', 'inlineLineBytesMax'] as const) {
    assert(Number.isSafeInteger(limits[name]) && limits[name] > 0, `${name} must be a positive safe integer`);
  }
  return { ...limits };
}

/** The digits of LLONG_MAX; `-` followed by this plus one is LLONG_MIN. */
const int64MaxDigits = '9223372036854775807';

/**
 * Redis's string2ll over bytes [from, to): an optional `-`, then digits without leading zeros (`0`
 * alone is fine), within the int64 range; anything else (`+1`, ` 1`, `01`, `-0`, empty) is null.
 * Values beyond 2^53 come back rounded; callers only compare them against limits far below that.
 */
export function parseRedisInteger(bytes: Uint8Array, from: number, to: number): number | null {
  if (to - from === 1 && bytes[from] === 0x30) return 0;
  const negative = bytes[from] === 0x2d;
  const digitsFrom = negative ? from + 1 : from;
  const digitCount = to - digitsFrom;
  if (digitCount <= 0 || digitCount > int64MaxDigits.length) return null;
  const first = bytes[digitsFrom]!;
  if (first < 0x31 || first > 0x39) return null;
  let value = 0;
  for (let index = digitsFrom; index < to; index++) {
    const digit = bytes[index]! - 0x30;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  if (digitCount === int64MaxDigits.length && !withinInt64(bytes, digitsFrom, negative)) return null;
  return negative ? -value : value;
}

/** Compares 19 ASCII digits with LLONG_MAX (or |LLONG_MIN| when negative) as strings of equal length. */
function withinInt64(bytes: Uint8Array, digitsFrom: number, negative: boolean): boolean {
  const digits = Buffer.from(bytes.buffer, bytes.byteOffset + digitsFrom, int64MaxDigits.length).toString('latin1');
  const bound = negative ? '9223372036854775808' : int64MaxDigits;
  return digits <= bound;
}

const byteSpace = 0x20;
const byteTab = 0x09;
const byteDoubleQuote = 0x22;
const byteSingleQuote = 0x27;
const byteBackslash = 0x5c;

/** C isspace: space, \t, \n, \v, \f, \r. */
function isSpace(byte: number): boolean {
  return byte === byteSpace || (byte >= 0x09 && byte <= 0x0d);
}

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  return -1;
}

/** Escapes inside double quotes, as sdssplitargs: \n \r \t \b \a, anything else stands for itself. */
const doubleQuoteEscapes: ReadonlyMap<number, number> = new Map([
  [0x6e, 0x0a],
  [0x72, 0x0d],
  [0x74, 0x09],
  [0x62, 0x08],
  [0x61, 0x07],
]);

/**
 * Splits an inline command line (terminator excluded) into arguments with the semantics of Redis's
 * sdssplitargs (src/sds.c): blanks separate words; `"..."` allows \xHH and \n \r \t \b \a escapes;
 * `'...'` allows only \'; a closing quote must be followed by a blank or the end of the line; quotes
 * may start mid-word (`a"b c"` is `ab c`). Returns null for unbalanced quotes. Empty quoted strings
 * are kept as empty arguments (Redis 7). Unlike C, a NUL byte is an ordinary byte here.
 */
export function splitInlineArguments(line: Uint8Array): Buffer[] | null {
  const words: Buffer[] = [];
  let index = 0;
  for (;;) {
    while (index < line.length && isSpace(line[index]!)) index++;
    if (index >= line.length) return words;
    const word = splitInlineArgumentsWord(line, index);
    if (word === null) return null;
    words.push(Buffer.from(word.bytes));
    index = word.indexNext;
  }
}

/** One word of {@link splitInlineArguments} starting at a non-blank byte; -1 stands for the end. */
function splitInlineArgumentsWord(line: Uint8Array, indexFirst: number): { bytes: number[]; indexNext: number } | null {
  const at = (position: number): number => (position < line.length ? line[position]! : -1);
  const closesWord = (position: number): boolean => at(position) === -1 || isSpace(at(position));
  const bytes: number[] = [];
  let quote: 'none' | 'double' | 'single' = 'none';
  let index = indexFirst;
  for (let done = false; !done; ) {
    const byte = at(index);
    if (quote === 'double') {
      const high = hexValue(at(index + 2));
      const low = hexValue(at(index + 3));
      if (byte === byteBackslash && at(index + 1) === 0x78 && high >= 0 && low >= 0) {
        bytes.push(high * 16 + low);
        index += 3;
      } else if (byte === byteBackslash && at(index + 1) !== -1) {
        index += 1;
        bytes.push(doubleQuoteEscapes.get(at(index)) ?? at(index));
      } else if (byte === byteDoubleQuote) {
        if (!closesWord(index + 1)) return null;
        done = true;
      } else if (byte === -1) {
        return null;
      } else {
        bytes.push(byte);
      }
    } else if (quote === 'single') {
      if (byte === byteBackslash && at(index + 1) === byteSingleQuote) {
        index += 1;
        bytes.push(byteSingleQuote);
      } else if (byte === byteSingleQuote) {
        if (!closesWord(index + 1)) return null;
        done = true;
      } else if (byte === -1) {
        return null;
      } else {
        bytes.push(byte);
      }
    } else if (byte === byteSpace || byte === byteLineFeed || byte === byteCarriageReturn || byte === byteTab || byte === -1) {
      // Unquoted words end only at these four (and the end), not at \v or \f: sdssplitargs' switch.
      done = true;
    } else if (byte === byteDoubleQuote) {
      quote = 'double';
    } else if (byte === byteSingleQuote) {
      quote = 'single';
    } else {
      bytes.push(byte);
    }
    if (at(index) !== -1) index += 1;
  }
  return { bytes, indexNext: index };
}
