/**
 * BITFIELD and BITFIELD_RO (redis/redis src/bitops.c bitfieldGeneric, Redis 7.0): GET, SET and INCRBY
 * on signed (i1..i64) and unsigned (u1..u63) integers at any bit offset (`#n` = n × width) of a string,
 * with OVERFLOW WRAP (default), SAT or FAIL applying to the operations after it. Every argument is
 * checked before anything runs, in Redis's order and with its texts; a write grows the string with
 * zero bytes to the farthest bit written, as SETBIT does, and offsets are bounded the same way (a byte
 * below `context.limits.stringBytesMax`, Redis's proto-max-bulk-len).
 *
 * Values are BigInts: 64-bit arithmetic wraps as Redis's uint64_t/int64_t does. Like SETBIT, a write
 * stores a modified copy of the string (replies may still reference the old bytes); a write that
 * neither grew the string nor changed a field stores nothing and publishes nothing, as in Redis 7.0.
 */
import { CacheStringValue } from './cache-string-value.js';
import { CacheCommandError } from './cache-command-errors.js';
import { selectedDatabase, type CacheCommandContext, type CacheCommandSpec } from './cache-command-context.js';
import { bitOffsetExclusiveMax } from './cache-commands-bitmap.js';
import { keyAt, readString, requireInt64 } from './cache-commands-string.js';
import { parseInt64 } from './cache-number.js';
import { respInteger, respNullBulk, type RespValue } from './resp-value.js';

type Args = readonly Buffer[];
type Overflow = 'wrap' | 'sat' | 'fail';

interface BitfieldOperation {
  readonly kind: 'get' | 'set' | 'incrby';
  readonly offset: number;
  readonly bits: number;
  readonly signed: boolean;
  /** SET's value or INCRBY's increment (int64). */
  readonly value: bigint;
  readonly overflow: Overflow;
}

const bitfieldTypeError = 'Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';

/** getBitfieldTypeFromArgument: `i<1..64>` or `u<1..63>` (the letter is case-sensitive). */
function parseBitfieldType(argument: Buffer): { signed: boolean; bits: number } {
  const letter = argument[0];
  if (letter !== 0x69 && letter !== 0x75) throw new CacheCommandError('message', bitfieldTypeError);
  const signed = letter === 0x69;
  // C's strlen: the width stops at a NUL byte.
  const nul = argument.indexOf(0, 1);
  const bits = parseInt64(argument.subarray(1, nul === -1 ? argument.length : nul));
  if (bits === null || bits < 1n || bits > (signed ? 64n : 63n)) throw new CacheCommandError('message', bitfieldTypeError);
  return { signed, bits: Number(bits) };
}

/** getBitOffsetFromArgument with `#<n>` (n × width, wrapping as int64 like Redis's multiplication). */
function parseBitfieldOffset(context: CacheCommandContext, argument: Buffer, bits: number): number {
  const byWidth = argument[0] === 0x23;
  let offset = parseInt64(byWidth ? argument.subarray(1) : argument);
  if (offset === null) throw new CacheCommandError('bit-offset-invalid');
  if (byWidth) offset = BigInt.asIntN(64, offset * BigInt(bits));
  if (offset < 0n || offset >= bitOffsetExclusiveMax || offset >> 3n >= BigInt(context.limits.stringBytesMax)) {
    throw new CacheCommandError('bit-offset-invalid');
  }
  return Number(offset);
}

function parseOperations(context: CacheCommandContext, args: Args): BitfieldOperation[] {
  const operations: BitfieldOperation[] = [];
  let overflow: Overflow = 'wrap';
  for (let index = 2; index < args.length; index++) {
    const remaining = args.length - index - 1;
    const name = (args[index] as Buffer).toString('latin1').toLowerCase();
    let kind: BitfieldOperation['kind'];
    if (name === 'get' && remaining >= 2) kind = 'get';
    else if (name === 'set' && remaining >= 3) kind = 'set';
    else if (name === 'incrby' && remaining >= 3) kind = 'incrby';
    else if (name === 'overflow' && remaining >= 1) {
      const type = (args[++index] as Buffer).toString('latin1').toLowerCase();
      if (type !== 'wrap' && type !== 'sat' && type !== 'fail') throw new CacheCommandError('message', 'Invalid OVERFLOW type specified');
      overflow = type;
      continue;
    } else {
      throw new CacheCommandError('syntax');
    }
    const { signed, bits } = parseBitfieldType(args[index + 1] as Buffer);
    const offset = parseBitfieldOffset(context, args[index + 2] as Buffer, bits);
    const value = kind === 'get' ? 0n : requireInt64(args[index + 3] as Buffer);
    operations.push({ kind, offset, bits, signed, value, overflow });
    index += kind === 'get' ? 2 : 3;
  }
  return operations;
}

/** getUnsignedBitfield: `bits` bits from bit `offset` (bit 0 = the first byte's most significant); missing bytes read 0. */
function readUnsigned(bytes: Uint8Array, offset: number, bits: number): bigint {
  let value = 0n;
  for (let position = offset; position < offset + bits; position++) {
    const byte = bytes[Math.floor(position / 8)] ?? 0;
    value = (value << 1n) | BigInt((byte >> (7 - (position & 7))) & 1);
  }
  return value;
}

/** getSignedBitfield: two's complement of the unsigned field. */
function readSigned(bytes: Uint8Array, offset: number, bits: number): bigint {
  return BigInt.asIntN(bits, readUnsigned(bytes, offset, bits));
}

/** setUnsignedBitfield: the low `bits` bits of `value` (any sign: its two's complement). */
function writeField(bytes: Uint8Array, offset: number, bits: number, value: bigint): void {
  const field = BigInt.asUintN(bits, value);
  for (let index = 0; index < bits; index++) {
    const position = offset + index;
    const bit = Number((field >> BigInt(bits - 1 - index)) & 1n);
    const mask = 1 << (7 - (position & 7));
    const byteIndex = Math.floor(position / 8);
    bytes[byteIndex] = bit === 1 ? (bytes[byteIndex] as number) | mask : (bytes[byteIndex] as number) & ~mask;
  }
}

/** The result of an overflow check: whether it overflowed and the value WRAP or SAT gives instead. */
interface OverflowCheck {
  readonly overflowed: boolean;
  readonly limit: bigint;
}

const uint64Max = 2n ** 64n - 1n;
const int64Max = 2n ** 63n - 1n;

/** checkUnsignedBitfieldOverflow, with uint64_t/int64_t wrap-around where Redis has it. */
function checkUnsignedOverflow(value: bigint, increment: bigint, bits: number, overflow: Overflow): OverflowCheck {
  const max = bits === 64 ? uint64Max : (1n << BigInt(bits)) - 1n;
  const maxIncrement = BigInt.asIntN(64, max - value);
  const minIncrement = BigInt.asIntN(64, -value);
  const wrapped = (): bigint => BigInt.asUintN(bits, value + increment);
  if (value > max || (increment > 0n && increment > maxIncrement)) {
    return { overflowed: true, limit: overflow === 'wrap' ? wrapped() : max };
  }
  if (increment < 0n && increment < minIncrement) {
    return { overflowed: true, limit: overflow === 'wrap' ? wrapped() : 0n };
  }
  return { overflowed: false, limit: 0n };
}

/** checkSignedBitfieldOverflow. */
function checkSignedOverflow(value: bigint, increment: bigint, bits: number, overflow: Overflow): OverflowCheck {
  const max = bits === 64 ? int64Max : (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxIncrement = BigInt.asIntN(64, max - value);
  const minIncrement = BigInt.asIntN(64, min - value);
  // The sum as uint64_t, then the field's sign bit extended (a value of `bits` bits in an int64).
  const wrapped = (): bigint => BigInt.asIntN(bits, BigInt.asUintN(64, value + increment));
  if (value > max || (bits !== 64 && increment > maxIncrement) || (value >= 0n && increment > 0n && increment > maxIncrement)) {
    return { overflowed: true, limit: overflow === 'wrap' ? wrapped() : max };
  }
  if (value < min || (bits !== 64 && increment < minIncrement) || (value < 0n && increment < 0n && increment < minIncrement)) {
    return { overflowed: true, limit: overflow === 'wrap' ? wrapped() : min };
  }
  return { overflowed: false, limit: 0n };
}

/** One SET or INCRBY on `bytes` (already long enough): its reply and whether the field changed; null for an OVERFLOW FAIL. */
function applyWrite(bytes: Uint8Array, operation: BitfieldOperation): { reply: bigint; changed: boolean } | null {
  const { offset, bits, signed, overflow } = operation;
  const check = signed ? checkSignedOverflow : checkUnsignedOverflow;
  const old = signed ? readSigned(bytes, offset, bits) : readUnsigned(bytes, offset, bits);
  let next: bigint;
  let reply: bigint;
  let result: OverflowCheck;
  if (operation.kind === 'incrby') {
    result = check(old, operation.value, bits, overflow);
    next = result.overflowed ? result.limit : signed ? BigInt.asIntN(64, old + operation.value) : BigInt.asUintN(64, old + operation.value);
    reply = next;
  } else {
    // SET checks the new value as if incremented by 0; unsigned fields see it as uint64_t.
    const value = signed ? operation.value : BigInt.asUintN(64, operation.value);
    result = check(value, 0n, bits, overflow);
    next = result.overflowed ? result.limit : value;
    reply = old;
  }
  if (result.overflowed && overflow === 'fail') return null;
  writeField(bytes, offset, bits, next);
  return { reply, changed: next !== old };
}

function bitfieldGeneric(context: CacheCommandContext, args: Args, readOnlyCommand: boolean): RespValue {
  const operations = parseOperations(context, args);
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const writes = operations.filter((operation) => operation.kind !== 'get');
  if (writes.length === 0) {
    const current = readString(database, key, context.nowMs);
    return {
      type: 'array',
      items: operations.map((operation) => {
        const bytes = current ?? Buffer.alloc(0);
        return respInteger(operation.signed ? readSigned(bytes, operation.offset, operation.bits) : readUnsigned(bytes, operation.offset, operation.bits));
      }),
    };
  }
  if (readOnlyCommand) throw new CacheCommandError('message', 'BITFIELD_RO only supports the GET subcommand');
  // lookupStringForBitCommand: the string grown with zero bytes up to the farthest bit written.
  let highestBit = 0;
  for (const operation of writes) highestBit = Math.max(highestBit, operation.offset + operation.bits - 1);
  const current = readString(database, key, context.nowMs);
  const bytes = Buffer.alloc(Math.max(current?.length ?? 0, Math.floor(highestBit / 8) + 1));
  current?.copy(bytes, 0);
  const grown = current === null || bytes.length > current.length;
  let changes = 0;
  const items = operations.map((operation): RespValue => {
    if (operation.kind === 'get') {
      return respInteger(operation.signed ? readSigned(bytes, operation.offset, operation.bits) : readUnsigned(bytes, operation.offset, operation.bits));
    }
    const result = applyWrite(bytes, operation);
    if (result === null) return respNullBulk;
    if (grown || result.changed) changes++;
    return respInteger(result.reply);
  });
  // Redis signals the key and publishes `setbit` only for writes that grew the string or changed a
  // field. An existing string grown by writes that all failed (OVERFLOW FAIL) is grown in place there,
  // silently: stored without signalling here. One they created is added (dbAdd), which signals it
  // here where Redis stays silent.
  if (changes > 0 || current === null) database.set({ key, value: CacheStringValue.raw(bytes), expireAtMs: null, keepExpiry: true });
  else if (grown) database.replaceSilently(key, CacheStringValue.raw(bytes));
  return { type: 'array', items };
}

export const cacheBitfieldCommands: readonly CacheCommandSpec[] = [
  { name: 'bitfield', arity: -2, flags: ['write', 'denyoom'], handler: (context, args) => bitfieldGeneric(context, args, false) },
  { name: 'bitfield_ro', arity: -2, flags: ['readonly', 'fast'], handler: (context, args) => bitfieldGeneric(context, args, true) },
];
