/**
 * Stream entry IDs (Redis's streamID, t_stream.c): two unsigned 64-bit numbers, milliseconds and a
 * sequence, ordered as a pair and written `<ms>-<seq>`. Kept as bigints: IDs near 2^64 are legal
 * and Redis's tests use them.
 */
import { CacheCommandError } from './cache-command-errors.js';

export interface StreamId {
  readonly ms: bigint;
  readonly seq: bigint;
}

export const uint64Max = (1n << 64n) - 1n;
export const streamIdZero: StreamId = { ms: 0n, seq: 0n };
export const streamIdMax: StreamId = { ms: uint64Max, seq: uint64Max };

export function compareStreamIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function isZeroStreamId(id: StreamId): boolean {
  return id.ms === 0n && id.seq === 0n;
}

export function formatStreamId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** streamIncrID: the next ID, or null past the last possible one. */
export function nextStreamId(id: StreamId): StreamId | null {
  if (id.seq < uint64Max) return { ms: id.ms, seq: id.seq + 1n };
  if (id.ms < uint64Max) return { ms: id.ms + 1n, seq: 0n };
  return null;
}

/** streamDecrID: the previous ID, or null before 0-0. */
export function previousStreamId(id: StreamId): StreamId | null {
  if (id.seq > 0n) return { ms: id.ms, seq: id.seq - 1n };
  if (id.ms > 0n) return { ms: id.ms - 1n, seq: uint64Max };
  return null;
}

const int64Strict = /^(0|-?[1-9][0-9]*)$/;
const isCSpace = (code: number): boolean => code === 0x20 || (code >= 0x09 && code <= 0x0d);

/**
 * Redis's string2ull: a strict int64 (string2ll) must not be negative; anything else goes through
 * strtoull, which skips leading white space, takes a sign (and negates modulo 2^64 for `-`) and must
 * consume the whole text without overflowing. Null when invalid.
 */
export function parseUnsigned64(text: string): bigint | null {
  if (int64Strict.test(text) && text.length <= 20) {
    const value = BigInt(text);
    if (value >= -(1n << 63n) && value < 1n << 63n) return value < 0n ? null : value;
  }
  let index = 0;
  while (index < text.length && isCSpace(text.charCodeAt(index))) index++;
  let negative = false;
  if (text[index] === '+' || text[index] === '-') {
    negative = text[index] === '-';
    index++;
  }
  const digits = text.slice(index);
  if (!/^[0-9]+$/.test(digits)) return null;
  const value = BigInt(digits);
  if (value > uint64Max) return null;
  return negative ? (uint64Max + 1n - value) % (uint64Max + 1n) : value;
}

export interface ParsedStreamId {
  readonly id: StreamId;
  /** False for the `<ms>-*` form (XADD: the sequence is generated). */
  readonly seqGiven: boolean;
}

const streamIdTextBytesMax = 127;

/**
 * streamGenericParseIDOrReply: `-` and `+` (unless strict), `<ms>`, `<ms>-<seq>` and, where
 * `allowAutoSeq`, `<ms>-*`. A missing sequence is `missingSeq`. Throws Redis's "Invalid stream ID".
 */
export function parseStreamId(argument: Buffer, options: { strict: boolean; missingSeq: bigint; allowAutoSeq?: boolean }): ParsedStreamId {
  if (argument.length > streamIdTextBytesMax) throw invalidStreamId();
  // C strings: the text ends at a NUL byte.
  const nul = argument.indexOf(0);
  const text = argument.subarray(0, nul === -1 ? argument.length : nul).toString('latin1');
  if (text === '-' || text === '+') {
    if (options.strict) throw invalidStreamId();
    return { id: text === '-' ? streamIdZero : streamIdMax, seqGiven: true };
  }
  const dash = text.indexOf('-');
  const ms = parseUnsigned64(dash === -1 ? text : text.slice(0, dash));
  if (ms === null) throw invalidStreamId();
  if (dash === -1) return { id: { ms, seq: options.missingSeq }, seqGiven: true };
  const seqText = text.slice(dash + 1);
  if (options.allowAutoSeq === true && seqText === '*') return { id: { ms, seq: 0n }, seqGiven: false };
  const seq = parseUnsigned64(seqText);
  if (seq === null) throw invalidStreamId();
  return { id: { ms, seq }, seqGiven: true };
}

/** streamParseStrictIDOrReply with no `-`/`+` and a missing sequence of 0: XDEL, XACK, XCLAIM, ... */
export function parseStrictStreamId(argument: Buffer): StreamId {
  return parseStreamId(argument, { strict: true, missingSeq: 0n }).id;
}

/**
 * streamParseIntervalIDOrReply: a range bound, `(` for exclusive (then strict), the missing
 * sequence 0 for a start and 2^64-1 for an end.
 */
export function parseStreamIntervalId(argument: Buffer, missingSeq: bigint): { id: StreamId; exclusive: boolean } {
  const exclusive = argument.length > 1 && argument[0] === 0x28; // '('
  if (exclusive) return { id: parseStreamId(argument.subarray(1), { strict: true, missingSeq }).id, exclusive };
  return { id: parseStreamId(argument, { strict: false, missingSeq }).id, exclusive };
}

export function invalidStreamId(): CacheCommandError {
  return new CacheCommandError('message', 'Invalid stream ID specified as stream command argument');
}
