/**
 * INCRBYFLOAT and HINCRBYFLOAT arithmetic as Redis does it on x86-64: the operands parsed into an x87
 * long double (64-bit significand) by strtold, added in long double, and the sum printed with
 * `%.17Lf` with trailing zeros removed (ld2string LD_STR_HUMAN). Doubles would print 0.1 + 0.2 as
 * `0.30000000000000004` where Redis prints `0.3`. Values are exact BigInt significands and binary
 * exponents, rounded to 64 bits (nearest, ties to even) after each step, so the digits match.
 *
 * Not modelled: subnormal long doubles (below 2^-16382 the significand keeps all 64 bits here) and
 * hexadecimal input (rejected, as by parseFloat64).
 */
import { parseFloat64 } from './cache-number.js';
import { latin1TextOf } from './cache-string-value.js';

/** mantissa × 2^exponent, mantissa below 2^64 (0n for zero); or an infinity. */
export type LongDouble =
  | { readonly kind: 'finite'; readonly negative: boolean; readonly mantissa: bigint; readonly exponent: number }
  | { readonly kind: 'infinite'; readonly negative: boolean };

const significandBits = 64;
/** LDBL_MAX is just below 2^16384; the smallest subnormal is 2^-16445. */
const exponentLimit = 16384;
const exponentFloor = -16445;

export const longDoubleZero: LongDouble = { kind: 'finite', negative: false, mantissa: 0n, exponent: 0 };

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/** num / den (both positive) rounded to a 64-bit significand, ties to even: [mantissa, exponent]. */
function roundQuotient(num: bigint, den: bigint): [bigint, number] {
  const shift = significandBits + 2 - (bitLength(num) - bitLength(den));
  const scaledNum = shift >= 0 ? num << BigInt(shift) : num;
  const scaledDen = shift >= 0 ? den : den << BigInt(-shift);
  const quotient = scaledNum / scaledDen;
  const sticky = scaledNum % scaledDen !== 0n;
  const extra = bitLength(quotient) - significandBits;
  const dropped = quotient & ((1n << BigInt(extra)) - 1n);
  const half = 1n << BigInt(extra - 1);
  let mantissa = quotient >> BigInt(extra);
  if (dropped > half || (dropped === half && (sticky || (mantissa & 1n) === 1n))) mantissa += 1n;
  let exponent = extra - shift;
  if (mantissa === 1n << BigInt(significandBits)) {
    mantissa >>= 1n;
    exponent += 1;
  }
  return [mantissa, exponent];
}

/** A rounded finite value, or an infinity past LDBL_MAX (what the x87 produces on overflow). */
function finite(negative: boolean, num: bigint, den: bigint, exponentOffset: number): LongDouble {
  if (num === 0n) return { kind: 'finite', negative, mantissa: 0n, exponent: 0 };
  const [mantissa, exponent] = roundQuotient(num, den);
  if (exponent + exponentOffset + significandBits > exponentLimit) return { kind: 'infinite', negative };
  return { kind: 'finite', negative, mantissa, exponent: exponent + exponentOffset };
}

/**
 * string2ld: what strtold accepts with nothing left over (parseFloat64 decides the syntax), as a long
 * double; null also where strtold reports ERANGE with an infinite or zero result.
 */
export function parseLongDouble(bytes: Uint8Array): LongDouble | null {
  const asDouble = parseFloat64(bytes);
  if (asDouble === null) return null;
  const text = latin1TextOf(bytes);
  const negative = text.startsWith('-');
  if (/inf/i.test(text)) return { kind: 'infinite', negative };
  const match = /^[+-]?([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (match === null) return null;
  const fraction = match[2] ?? '';
  const digits = BigInt(`${match[1] ?? ''}${fraction}` || '0');
  // An exponent far beyond the range is infinite or zero whatever the digits (ERANGE either way).
  const decimalExponent = Math.max(-100_000, Math.min(100_000, Number(match[3] ?? '0'))) - fraction.length;
  if (digits === 0n) return { kind: 'finite', negative, mantissa: 0n, exponent: 0 };
  const power = 10n ** BigInt(Math.abs(decimalExponent));
  const value = decimalExponent >= 0 ? finite(negative, digits * power, 1n, 0) : finite(negative, digits, power, 0);
  if (value.kind === 'infinite') return null;
  if (value.exponent + significandBits <= exponentFloor) return null;
  return value;
}

function signed(value: Extract<LongDouble, { kind: 'finite' }>): bigint {
  return value.negative ? -value.mantissa : value.mantissa;
}

/** a + b in long double; null when the sum is NaN (infinities of opposite signs). */
export function addLongDoubles(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.kind === 'infinite' || b.kind === 'infinite') {
    if (a.kind === 'infinite' && b.kind === 'infinite' && a.negative !== b.negative) return null;
    return a.kind === 'infinite' ? a : b;
  }
  if (a.mantissa === 0n) return b.mantissa === 0n ? { ...a, negative: a.negative && b.negative } : b;
  if (b.mantissa === 0n) return a;
  const exponent = Math.min(a.exponent, b.exponent);
  const sum = (signed(a) << BigInt(a.exponent - exponent)) + (signed(b) << BigInt(b.exponent - exponent));
  // An exact zero sum is +0 when rounding to nearest.
  if (sum === 0n) return longDoubleZero;
  return finite(sum < 0n, sum < 0n ? -sum : sum, 1n, exponent);
}

const printedFractionDigits = 17;

/** ld2string(LD_STR_HUMAN): `%.17Lf` (exact, ties to even), trailing zeros and dot removed, -0 → 0. */
export function formatLongDoubleHuman(value: Extract<LongDouble, { kind: 'finite' }>): string {
  const scale = 10n ** BigInt(printedFractionDigits);
  let scaled: bigint;
  if (value.exponent >= 0) scaled = (value.mantissa << BigInt(value.exponent)) * scale;
  else {
    const num = value.mantissa * scale;
    const den = 1n << BigInt(-value.exponent);
    scaled = num / den;
    const remainder = (num % den) * 2n;
    if (remainder > den || (remainder === den && (scaled & 1n) === 1n)) scaled += 1n;
  }
  const digits = scaled.toString().padStart(printedFractionDigits + 1, '0');
  const whole = digits.slice(0, -printedFractionDigits);
  const fraction = digits.slice(-printedFractionDigits).replace(/0+$/, '');
  const text = fraction === '' ? whole : `${whole}.${fraction}`;
  return value.negative && text !== '0' ? `-${text}` : text;
}

/** A finite double's exact value as a {@link LongDouble} (every double is one: a long double has more bits). */
export function longDoubleOfDouble(value: number): Extract<LongDouble, { kind: 'finite' }> {
  const negative = value < 0 || Object.is(value, -0);
  let magnitude = Math.abs(value);
  if (magnitude === 0) return { kind: 'finite', negative, mantissa: 0n, exponent: 0 };
  let exponent = 0;
  // Scale into [2^52, 2^53): multiplying by powers of two is exact.
  while (magnitude >= 2 ** 53) {
    magnitude /= 2;
    exponent++;
  }
  while (magnitude < 2 ** 52 && !Number.isInteger(magnitude)) {
    magnitude *= 2;
    exponent--;
  }
  return { kind: 'finite', negative, mantissa: BigInt(magnitude), exponent };
}

/**
 * printf's `%.<digits>f` of a double (glibc: the exact value, rounded half to even): `inf`, `-inf`,
 * `nan` (`-nan` for a negative one is not distinguished), `-0.000` for negative zero.
 */
export function formatDoubleFixed(value: number, fractionDigits: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value < 0 ? '-inf' : 'inf';
  // toFixed rounds the exact value too, but ties up: use it when the scaled value is surely no tie
  // (small enough for the product's error to stay below 2^-12, and not within 1e-3 of a half).
  const scaled = Math.abs(value) * 10 ** fractionDigits;
  if (scaled < 2 ** 40 && Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-3 && !Object.is(value, -0)) return value.toFixed(fractionDigits);
  return formatDoubleFixedExact(value, fractionDigits);
}

/** {@link formatDoubleFixed} of a finite double by exact BigInt arithmetic. */
export function formatDoubleFixedExact(value: number, fractionDigits: number): string {
  const { negative, mantissa, exponent } = longDoubleOfDouble(value);
  const scale = 10n ** BigInt(fractionDigits);
  let scaled: bigint;
  if (exponent >= 0) scaled = (mantissa << BigInt(exponent)) * scale;
  else {
    const num = mantissa * scale;
    const den = 1n << BigInt(-exponent);
    scaled = num / den;
    const remainder = (num % den) * 2n;
    if (remainder > den || (remainder === den && (scaled & 1n) === 1n)) scaled += 1n;
  }
  const digits = scaled.toString().padStart(fractionDigits + 1, '0');
  const text = fractionDigits === 0 ? digits : `${digits.slice(0, -fractionDigits)}.${digits.slice(-fractionDigits)}`;
  return negative ? `-${text}` : text;
}
