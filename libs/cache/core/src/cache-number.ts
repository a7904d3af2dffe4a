/**
 * Redis's number parsing and formatting for command arguments and string values: string2ll
 * (src/util.c) for integers, strtold-based string2ld for INCRBYFLOAT, and ld2string's human format.
 */

import { latin1TextOf } from './cache-string-value.js';

export const int64Min = -(2n ** 63n);
export const int64Max = 2n ** 63n - 1n;
export const uint64Max = 2n ** 64n - 1n;

const integerPattern = /^(0|-?[1-9][0-9]*)$/;

/**
 * string2ll: optional `-`, no `+`, no leading zeros (except `0` itself, so `-0` fails), no spaces,
 * within int64. Returns null when Redis would say "value is not an integer or out of range".
 */
export function parseInt64(bytes: Uint8Array): bigint | null {
  if (bytes.length === 0 || bytes.length > 20) return null;
  const text = latin1TextOf(bytes);
  if (!integerPattern.test(text)) return null;
  const value = BigInt(text);
  return value < int64Min || value > int64Max ? null : value;
}

/** Digits of an integer that is exact in double arithmetic whatever they are (10^15 < 2^53). */
export const smallIntegerDigitsMax = 15;

/**
 * string2ll over bytes [from, to) when they are an integer of at most {@link smallIntegerDigitsMax}
 * digits; null otherwise (not an integer, or a larger one, for the exact bigint path to decide).
 */
export function parseSmallIntegerBytes(bytes: Uint8Array, from: number, to: number): number | null {
  const negative = bytes[from] === 0x2d;
  const digitsFrom = negative ? from + 1 : from;
  const digitCount = to - digitsFrom;
  if (digitCount <= 0 || digitCount > smallIntegerDigitsMax) return null;
  // No leading zeros: `0` alone is an integer, `-0` and `01` are not.
  if (bytes[digitsFrom] === 0x30) return to - from === 1 ? 0 : null;
  let value = 0;
  for (let index = digitsFrom; index < to; index++) {
    const digit = (bytes[index] as number) - 0x30;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

/**
 * Writes a safe integer's decimal text into `target` at `offset` (room for 17 bytes); returns where
 * it ends.
 */
export function writeIntegerDigits(target: Uint8Array, value: number, offsetStart = 0): number {
  let offset = offsetStart;
  let magnitude = value;
  if (value < 0) {
    target[offset++] = 0x2d;
    magnitude = -value;
  }
  let digitCount = 1;
  for (let rest = magnitude; rest >= 10; rest = Math.floor(rest / 10)) digitCount++;
  for (let index = offset + digitCount - 1, rest = magnitude; index >= offset; index--, rest = Math.floor(rest / 10)) target[index] = 0x30 + (rest % 10);
  return offset + digitCount;
}

/** A bigint reply value as a number when it is safe, else the bigint. */
export function integerReplyValue(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

const floatPattern = /^[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|inf|infinity)$/i;
const floatCharsMax = 5 * 1024;

/**
 * string2ld: what strtold accepts with nothing left over, no leading space, not NaN. `inf` parses (and
 * INCRBYFLOAT then rejects the result). Differences: hexadecimal floats are rejected, and values
 * between double and long double range (1e309..1e4932) become infinite instead of finite.
 */
export function parseFloat64(bytes: Uint8Array): number | null {
  if (bytes.length === 0 || bytes.length >= floatCharsMax) return null;
  const integer = parseShortDecimal(bytes);
  if (integer !== null) return integer;
  const text = latin1TextOf(bytes);
  if (!floatPattern.test(text)) return null;
  // The pattern leaves only `inf` and `infinity` (any case, signed) ending in a letter, f or y.
  const last = text.charCodeAt(text.length - 1) | 0x20;
  if (last === 0x66 || last === 0x79) return text.charCodeAt(0) === 0x2d ? -Infinity : Infinity;
  const value = Number(text);
  return Number.isNaN(value) ? null : value;
}

/** Decimal digits up to this many are exact in a double (10^15 < 2^53). */
const shortDecimalDigitsMax = 15;

/**
 * The common score and increment: an optional sign and up to 15 digits (leading zeros allowed, as
 * strtod allows them), exact as a double, so it is what `Number(text)` gives, without the text and
 * the pattern. Null for anything else.
 */
function parseShortDecimal(bytes: Uint8Array): number | null {
  const first = bytes[0] as number;
  const signed = first === 0x2d || first === 0x2b;
  const digitsFrom = signed ? 1 : 0;
  if (bytes.length === digitsFrom || bytes.length - digitsFrom > shortDecimalDigitsMax) return null;
  let value = 0;
  for (let index = digitsFrom; index < bytes.length; index++) {
    const digit = (bytes[index] as number) - 0x30;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return first === 0x2d ? -value : value;
}
