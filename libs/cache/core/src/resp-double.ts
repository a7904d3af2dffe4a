/**
 * Doubles as Redis 7.2+ prints them in replies (util.c d2string): `nan`, `inf`, `-inf`, `0`, `-0`;
 * integral values within +-2^62 as integers; everything else as the shortest round-trip digits laid
 * out by fpconv_dtoa's emit_digits (deps/fpconv). Redis gets its digits from Grisu2, which is
 * shortest in all but rare cases; JS's `toExponential()` is always shortest, so a handful of values may
 * differ from Redis in the last digit while still parsing back to the same double.
 */

/** Formats `value` like Redis's d2string (the payload of `,<double>` and of RESP2's bulk fallback). */
export function formatRespDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  // double2ll: |value| <= LLONG_MAX/2 and integral prints through ll2string.
  if (Number.isInteger(value) && Math.abs(value) <= 2 ** 62) return BigInt(value).toString();
  const negative = value < 0;
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  // value = digits * 10^K, as Grisu2 reports it.
  const exponentK = Number(exponentText) - (digits.length - 1);
  return (negative ? '-' : '') + formatRespDoubleDigits(digits, exponentK, negative);
}

/** fpconv emit_digits: a plain integer, a plain decimal, or scientific notation, chosen by exponent. */
function formatRespDoubleDigits(digits: string, exponentK: number, negative: boolean): string {
  const digitCount = digits.length;
  let exponent = Math.abs(exponentK + digitCount - 1);
  if (exponentK >= 0 && exponent < digitCount + 7) return digits + '0'.repeat(exponentK);
  if (exponentK < 0 && (exponentK > -7 || exponent < 4)) {
    const offset = digitCount + exponentK;
    if (offset <= 0) return `0.${'0'.repeat(-offset)}${digits}`;
    return `${digits.slice(0, offset)}.${digits.slice(offset)}`;
  }
  const digitCountShown = Math.min(digitCount, 18 - (negative ? 1 : 0));
  let text = digits[0]!;
  if (digitCountShown > 1) text += `.${digits.slice(1, digitCountShown)}`;
  text += exponentK + digitCountShown - 1 < 0 ? 'e-' : 'e+';
  const hundreds = Math.trunc(exponent / 100);
  if (hundreds > 0) {
    text += String(hundreds);
    exponent -= hundreds * 100;
  }
  if (exponent > 9) text += String(Math.trunc(exponent / 10));
  else if (hundreds > 0) text += '0';
  return text + String(exponent % 10);
}
