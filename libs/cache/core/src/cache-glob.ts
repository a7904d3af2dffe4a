/**
 * Redis's glob matcher for KEYS, SCAN MATCH (and later PSUBSCRIBE), ported step by step from
 * stringmatchlen_impl in redis/redis src/util.c (Redis 7): `*`, `?`, `[abc]`, `[^a]`, `[a-z]`
 * (reversed ranges swap), `\x` escapes inside and outside brackets, an unclosed `[` that runs to the
 * end of the pattern, the `skipLongerMatches` cut that keeps `a*a*a*...b` linear, and the nesting
 * limit of 1000. Range bounds compare as C `char`, which is signed on x86-64 (unsigned on arm64 Linux);
 * this follows x86-64, so in a range bytes >= 0x80 sort below 0x00.
 */

const nestingMax = 1000;
const byteStar = 0x2a;
const byteQuestion = 0x3f;
const byteBracketOpen = 0x5b;
const byteBracketClose = 0x5d;
const byteCaret = 0x5e;
const byteBackslash = 0x5c;
const byteDash = 0x2d;

function signedByte(value: number): number {
  return (value << 24) >> 24;
}

function lowerByte(value: number): number {
  return value >= 0x41 && value <= 0x5a ? value + 32 : value;
}

/** True if `subject` matches the glob `pattern` (both raw bytes), as Redis's stringmatchlen. */
export function globMatch(options: { pattern: Uint8Array; subject: Uint8Array; caseInsensitive: boolean }): boolean {
  const state = { skipLongerMatches: false };
  return globMatchFrom(options.pattern, 0, options.subject, 0, options.caseInsensitive, state, 0);
}

function globMatchFrom(
  pattern: Uint8Array,
  patternStart: number,
  subject: Uint8Array,
  subjectStart: number,
  caseInsensitive: boolean,
  state: { skipLongerMatches: boolean },
  nesting: number,
): boolean {
  if (nesting > nestingMax) return false;
  let p = patternStart;
  let s = subjectStart;
  const patternEnd = pattern.length;
  const subjectEnd = subject.length;
  const same = (a: number | undefined, b: number | undefined): boolean =>
    caseInsensitive && a !== undefined && b !== undefined ? lowerByte(a) === lowerByte(b) : a === b;
  while (p < patternEnd && s < subjectEnd) {
    switch (pattern[p]) {
      case byteStar: {
        while (p + 1 < patternEnd && pattern[p + 1] === byteStar) p++;
        if (p + 1 === patternEnd) return true;
        while (s < subjectEnd) {
          if (globMatchFrom(pattern, p + 1, subject, s, caseInsensitive, state, nesting + 1)) return true;
          if (state.skipLongerMatches) return false;
          s++;
        }
        state.skipLongerMatches = true;
        return false;
      }
      case byteQuestion:
        s++;
        break;
      case byteBracketOpen: {
        p++;
        const negated = p < patternEnd && pattern[p] === byteCaret;
        if (negated) p++;
        let matched = false;
        const character = subject[s] as number;
        for (;;) {
          if (p < patternEnd && pattern[p] === byteBackslash && patternEnd - p >= 2) {
            p++;
            if (same(pattern[p], character)) matched = true;
          } else if (p < patternEnd && pattern[p] === byteBracketClose) {
            break;
          } else if (p >= patternEnd) {
            p--;
            break;
          } else if (patternEnd - p >= 3 && pattern[p + 1] === byteDash) {
            let start = pattern[p] as number;
            let end = pattern[p + 2] as number;
            let value = character;
            if (caseInsensitive) {
              start = lowerByte(start);
              end = lowerByte(end);
              value = lowerByte(value);
            }
            start = signedByte(start);
            end = signedByte(end);
            value = signedByte(value);
            if (start > end) [start, end] = [end, start];
            p += 2;
            if (value >= start && value <= end) matched = true;
          } else if (same(pattern[p], character)) {
            matched = true;
          }
          p++;
        }
        if (negated) matched = !matched;
        if (!matched) return false;
        s++;
        break;
      }
      case byteBackslash:
        if (patternEnd - p >= 2) p++;
        if (!same(pattern[p], subject[s])) return false;
        s++;
        break;
      default:
        if (!same(pattern[p], subject[s])) return false;
        s++;
        break;
    }
    p++;
    if (s === subjectEnd) {
      while (p < patternEnd && pattern[p] === byteStar) p++;
      break;
    }
  }
  return p === patternEnd && s === subjectEnd;
}
