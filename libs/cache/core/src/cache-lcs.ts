/**
 * The longest common subsequence of two strings, as Redis 7's LCS command computes it (t_string.c
 * lcsCommand): the textbook dynamic-programming table, then one walk back from its corner that
 * collects the subsequence and the matching ranges, last ranges first. The walk's tie-break (move in
 * the first string unless that loses length) decides which of several equally long subsequences
 * comes back, so it is kept exactly.
 */

/** One run of consecutive matching bytes: inclusive positions in each string. */
export interface LcsMatch {
  readonly first: readonly [number, number];
  readonly second: readonly [number, number];
  readonly length: number;
}

export interface LcsResult {
  readonly length: number;
  readonly subsequence: Buffer;
  /** Runs of at least `minMatchLength` bytes, from the end of the strings towards their start. */
  readonly matches: readonly LcsMatch[];
}

/** Bytes of the table Redis allocates: (|a| + 1) × (|b| + 1) 32-bit cells. */
export function lcsTableBytes(a: Uint8Array, b: Uint8Array): number {
  return (a.length + 1) * (b.length + 1) * 4;
}

export function longestCommonSubsequence(a: Uint8Array, b: Uint8Array, minMatchLength: number): LcsResult {
  const aLength = a.length;
  const bLength = b.length;
  const width = bLength + 1;
  const table = new Uint32Array((aLength + 1) * width);
  for (let i = 1; i <= aLength; i++) {
    for (let j = 1; j <= bLength; j++) {
      if (a[i - 1] === b[j - 1]) table[i * width + j] = (table[(i - 1) * width + j - 1] as number) + 1;
      else table[i * width + j] = Math.max(table[(i - 1) * width + j] as number, table[i * width + j - 1] as number);
    }
  }
  const length = table[aLength * width + bLength] as number;
  const subsequence = Buffer.alloc(length);
  const matches: LcsMatch[] = [];
  // `aStart === aLength` means no range is open, as in Redis.
  let aStart = aLength;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let remaining = length;
  let i = aLength;
  let j = bLength;
  while (i > 0 && j > 0) {
    let emitRange = false;
    if (a[i - 1] === b[j - 1]) {
      subsequence[remaining - 1] = a[i - 1] as number;
      if (aStart === aLength) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emitRange = true;
      }
      if (aStart === 0 || bStart === 0) emitRange = true;
      remaining--;
      i--;
      j--;
    } else {
      if ((table[(i - 1) * width + j] as number) > (table[i * width + j - 1] as number)) i--;
      else j--;
      if (aStart !== aLength) emitRange = true;
    }
    if (emitRange) {
      const matchLength = aEnd - aStart + 1;
      if (minMatchLength === 0 || matchLength >= minMatchLength) {
        matches.push({ first: [aStart, aEnd], second: [bStart, bEnd], length: matchLength });
      }
      aStart = aLength;
    }
  }
  return { length, subsequence, matches };
}
