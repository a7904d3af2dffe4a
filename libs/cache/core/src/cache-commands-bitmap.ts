/**
 * Bitmap commands over string values, following redis/redis src/bitops.c (Redis 7.0): SETBIT, GETBIT,
 * BITCOUNT, BITPOS, BITOP. Argument checks run in Redis's order (BITCOUNT looks the key up before it
 * parses its range, so a missing key answers 0 even to a malformed range), texts included.
 *
 * Bit 0 is the most significant bit of byte 0. A bit offset must be below 2^32 and address a byte
 * below `context.limits.stringBytesMax` (Redis: `(offset >> 3) < proto-max-bulk-len`).
 *
 * String values are never changed in place: a reply may still reference the bytes of an earlier GET
 * (the encoder does not copy large payloads), so SETBIT stores a modified copy. That makes SETBIT
 * O(length) here where Redis is O(1) on an existing string.
 */
import { CacheStringValue } from './cache-string-value.js';
import { CacheCommandError } from './cache-command-errors.js';
import { selectedDatabase, type CacheCommandContext, type CacheCommandSpec } from './cache-command-context.js';
import { type KeyText } from './cache-keyspace.js';
import { parseInt64 } from './cache-number.js';
import { argumentAt, keyAt, readString, requireInt64 } from './cache-commands-string.js';
import { respInteger, type RespValue } from './resp-value.js';

type Args = readonly Buffer[];

/** Bit offsets address at most 2^32 bits (512 MiB), whatever the string limit. */
export const bitOffsetExclusiveMax = 2n ** 32n;

/** getBitOffsetFromArgument (without the `#` form, which only BITFIELD accepts). */
function parseBitOffset(context: CacheCommandContext, argument: Buffer): number {
  const offset = parseInt64(argument);
  if (offset === null || offset < 0n || offset >= bitOffsetExclusiveMax || offset >> 3n >= BigInt(context.limits.stringBytesMax)) {
    throw new CacheCommandError('bit-offset-invalid');
  }
  return Number(offset);
}

const popcountTable = Uint8Array.from({ length: 256 }, (_, byte) => {
  let count = 0;
  for (let value = byte; value !== 0; value >>= 1) count += value & 1;
  return count;
});

/** Set bits among bits [startBit, endBit] (inclusive, both within `bytes`). */
export function countBitsInRange(bytes: Uint8Array, startBit: number, endBit: number): number {
  if (startBit > endBit) return 0;
  const startByte = Math.floor(startBit / 8);
  const endByte = Math.floor(endBit / 8);
  const firstMask = 0xff >>> (startBit & 7);
  const lastMask = (0xff << (7 - (endBit & 7))) & 0xff;
  if (startByte === endByte) return popcountTable[(bytes[startByte] as number) & firstMask & lastMask] as number;
  let count = (popcountTable[(bytes[startByte] as number) & firstMask] as number) + (popcountTable[(bytes[endByte] as number) & lastMask] as number);
  for (let index = startByte + 1; index < endByte; index++) count += popcountTable[bytes[index] as number] as number;
  return count;
}

/** The first bit equal to `bit` among bits [startBit, endBit] (inclusive, within `bytes`), or -1. */
export function firstBitInRange(bytes: Uint8Array, startBit: number, endBit: number, bit: 0 | 1): number {
  if (startBit > endBit) return -1;
  const startByte = Math.floor(startBit / 8);
  const endByte = Math.floor(endBit / 8);
  for (let index = startByte; index <= endByte; index++) {
    let mask = 0xff;
    if (index === startByte) mask &= 0xff >>> (startBit & 7);
    if (index === endByte) mask &= (0xff << (7 - (endBit & 7))) & 0xff;
    // The byte's bits that match `bit`, restricted to the range.
    const matching = ((bit === 1 ? (bytes[index] as number) : ~(bytes[index] as number)) & mask) & 0xff;
    if (matching === 0) continue;
    return index * 8 + Math.clz32(matching) - 24;
  }
  return -1;
}

/** A range argument pair as BITCOUNT / BITPOS normalize it: negative from the end, clamped. */
function clampRange(start: bigint, end: bigint, totalLength: bigint): { start: number; end: number } {
  let first = start < 0n ? totalLength + start : start;
  let last = end < 0n ? totalLength + end : end;
  if (first < 0n) first = 0n;
  if (last < 0n) last = 0n;
  if (last >= totalLength) last = totalLength - 1n;
  // Both now fit a number: last < totalLength <= 2^35, and first > last means an empty range.
  return { start: first > last ? Number(last) + 1 : Number(first), end: Number(last) };
}

/** BIT or BYTE (case-insensitive); anything else is a syntax error. */
function isBitUnit(argument: Buffer): boolean {
  const unit = argument.toString('latin1').toLowerCase();
  if (unit === 'bit') return true;
  if (unit === 'byte') return false;
  throw new CacheCommandError('syntax');
}

function getbit(context: CacheCommandContext, args: Args): RespValue {
  const offset = parseBitOffset(context, argumentAt(args, 2));
  const value = readString(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (value === null) return respInteger(0);
  const byte = offset >>> 3;
  if (byte >= value.length) return respInteger(0);
  return respInteger(((value[byte] as number) >> (7 - (offset & 7))) & 1);
}

function setbit(context: CacheCommandContext, args: Args): RespValue {
  const offset = parseBitOffset(context, argumentAt(args, 2));
  const on = parseInt64(argumentAt(args, 3));
  if (on !== 0n && on !== 1n) throw new CacheCommandError('bit-value-invalid');
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const current = readString(database, key, context.nowMs);
  const byte = offset >>> 3;
  const shift = 7 - (offset & 7);
  const previous = current !== null && byte < current.length ? ((current[byte] as number) >> shift) & 1 : 0;
  const grows = current === null || byte >= current.length;
  if (!grows && BigInt(previous) === on) return respInteger(previous);
  const bytes = Buffer.alloc(Math.max(current?.length ?? 0, byte + 1));
  current?.copy(bytes, 0);
  bytes[byte] = on === 1n ? (bytes[byte] as number) | (1 << shift) : (bytes[byte] as number) & ~(1 << shift);
  database.set({ key, value: CacheStringValue.raw(bytes), expireAtMs: null, keepExpiry: true });
  return respInteger(previous);
}

/** bitcountCommand (7.0): the key first, then start and end, then the unit. */
function bitcount(context: CacheCommandContext, args: Args): RespValue {
  const value = readString(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (value === null) return respInteger(0);
  if (args.length === 2) return respInteger(countBitsInRange(value, 0, value.length * 8 - 1));
  if (args.length !== 4 && args.length !== 5) throw new CacheCommandError('syntax');
  const start = requireInt64(argumentAt(args, 2));
  const end = requireInt64(argumentAt(args, 3));
  if (start < 0n && end < 0n && start > end) return respInteger(0);
  const isBit = args.length === 5 && isBitUnit(argumentAt(args, 4));
  const range = clampRange(start, end, BigInt(isBit ? value.length * 8 : value.length));
  if (range.start > range.end) return respInteger(0);
  return respInteger(isBit ? countBitsInRange(value, range.start, range.end) : countBitsInRange(value, range.start * 8, range.end * 8 + 7));
}

/**
 * bitposCommand (7.0): the bit, then the key (a missing key is all zeros: 0 for a clear bit, -1 for a
 * set one), then start, the unit, end. Looking for a clear bit without an explicit end, the string
 * counts as followed by zeros, so a fully set range answers the first bit after it.
 */
function bitpos(context: CacheCommandContext, args: Args): RespValue {
  const bitArgument = requireInt64(argumentAt(args, 2));
  if (bitArgument !== 0n && bitArgument !== 1n) throw new CacheCommandError('bitpos-bit-invalid');
  const bit = bitArgument === 1n ? 1 : 0;
  const value = readString(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (value === null) return respInteger(bit === 1 ? -1 : 0);
  if (args.length > 6) throw new CacheCommandError('syntax');
  let startBit = 0;
  let endBit = value.length * 8 - 1;
  const endGiven = args.length >= 5;
  if (args.length >= 4) {
    const start = requireInt64(argumentAt(args, 3));
    const isBit = args.length === 6 && isBitUnit(argumentAt(args, 5));
    const totalLength = BigInt(isBit ? value.length * 8 : value.length);
    const end = endGiven ? requireInt64(argumentAt(args, 4)) : totalLength - 1n;
    const range = clampRange(start, end, totalLength);
    if (range.start > range.end) return respInteger(-1);
    startBit = isBit ? range.start : range.start * 8;
    endBit = isBit ? range.end : range.end * 8 + 7;
  }
  if (startBit > endBit) return respInteger(-1);
  const position = firstBitInRange(value, startBit, endBit, bit);
  if (position !== -1 || bit === 1 || endGiven) return respInteger(position);
  return respInteger(endBit + 1);
}

type BitOperation = 'and' | 'or' | 'xor' | 'not';

function bitOperationOf(argument: Buffer): BitOperation {
  const name = argument.toString('latin1').toLowerCase();
  if (name === 'and' || name === 'or' || name === 'xor' || name === 'not') return name;
  throw new CacheCommandError('syntax');
}

/**
 * bitopCommand: missing sources are empty strings (zero-padded like the shorter sources); the result is
 * as long as the longest source and replaces the destination (any type, its TTL dropped); an all-empty
 * result deletes the destination. Replies the result length.
 */
function bitop(context: CacheCommandContext, args: Args): RespValue {
  const operation = bitOperationOf(argumentAt(args, 1));
  if (operation === 'not' && args.length !== 4) throw new CacheCommandError('bitop-not-single-source');
  const database = selectedDatabase(context);
  const destination: KeyText = keyAt(args, 2);
  const sources: Buffer[] = [];
  for (let index = 3; index < args.length; index++) sources.push(readString(database, keyAt(args, index), context.nowMs) ?? Buffer.alloc(0));
  let length = 0;
  for (const source of sources) length = Math.max(length, source.length);
  if (length === 0) {
    database.delete(destination);
    return respInteger(0);
  }
  const result = Buffer.alloc(length);
  const [first, ...rest] = sources as [Buffer, ...Buffer[]];
  if (operation === 'not') {
    for (let index = 0; index < length; index++) result[index] = ~(first[index] as number) & 0xff;
  } else {
    first.copy(result, 0);
    for (const source of rest) applyBitOperation(operation, result, source);
  }
  database.set({ key: destination, value: CacheStringValue.raw(result), expireAtMs: null, keepExpiry: false });
  return respInteger(length);
}

/** result = result OP source, bytes past the end of `source` reading as zero. */
function applyBitOperation(operation: Exclude<BitOperation, 'not'>, result: Buffer, source: Buffer): void {
  const shared = Math.min(result.length, source.length);
  if (operation === 'and') {
    for (let index = 0; index < shared; index++) result[index] = (result[index] as number) & (source[index] as number);
    result.fill(0, shared);
  } else if (operation === 'or') {
    for (let index = 0; index < shared; index++) result[index] = (result[index] as number) | (source[index] as number);
  } else {
    for (let index = 0; index < shared; index++) result[index] = (result[index] as number) ^ (source[index] as number);
  }
}

export const cacheBitmapCommands: readonly CacheCommandSpec[] = [
  { name: 'setbit', arity: 4, flags: ['write', 'denyoom'], handler: setbit },
  { name: 'getbit', arity: 3, flags: ['readonly', 'fast'], handler: getbit },
  { name: 'bitcount', arity: -2, flags: ['readonly'], handler: bitcount },
  { name: 'bitpos', arity: -3, flags: ['readonly'], handler: bitpos },
  { name: 'bitop', arity: -4, flags: ['write', 'denyoom'], handler: bitop },
];
