/**
 * Sizes as `aws s3` prints and reads them: `ls --human-readable` and the progress line use base-2
 * units with one decimal (`1 Byte`, `10 Bytes`, `1.0 KiB`, `1.3 MiB`), rounding halves to even as
 * Python's `%.1f` and `round` do; size flags take `8MB`, `8MiB` (both 2^20) or plain bytes.
 */
import { UsageError } from './s3-uri.js';

const suffixes = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** numerator / denominator rounded to the nearest integer, halves to even (exact, BigInt). */
function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator % denominator);
  if (twiceRemainder > denominator) return quotient + 1n;
  if (twiceRemainder < denominator) return quotient;
  return quotient % 2n === 0n ? quotient : quotient + 1n;
}

/** `aws s3`'s human_readable_size: 1 → `1 Byte`, 1023 → `1023 Bytes`, 1280 → `1.2 KiB`. */
export function humanReadableSize(bytes: number): string {
  if (bytes === 1) return '1 Byte';
  if (bytes < 1024) return `${Math.floor(bytes)} Bytes`;
  const value = BigInt(Math.floor(bytes));
  for (let index = 0; index < suffixes.length; index++) {
    const unit = 1024n ** BigInt(index + 1);
    if (roundHalfEven(value, unit) < 1024n || index === suffixes.length - 1) {
      const tenths = roundHalfEven(value * 10n, unit);
      return `${tenths / 10n}.${tenths % 10n} ${suffixes[index]}`;
    }
  }
  /* c8 ignore next */
  throw new Error('unreachable');
}

const sizeSuffixes: Readonly<Record<string, number>> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };

/** Parses a size flag value: `8MB`, `8MiB`, `16mb`, `1GB`, `10485760` (bytes). */
export function parseSize(flag: string, text: string): number {
  const match = /^(\d+)\s*([kmgt]i?b)?$/i.exec(text.trim());
  const multiplier = match?.[2] === undefined ? 1 : sizeSuffixes[match[2].toLowerCase()];
  if (match === null || multiplier === undefined) throw new UsageError(`${flag}: invalid size ${JSON.stringify(text)} (expected bytes or a number with KB, MB, GB, TB, KiB, MiB, GiB or TiB)`);
  return Number(match[1]) * multiplier;
}
