/**
 * globMatch: Redis stringmatchlen cases (including its quirks), and a property test against a slow,
 * obvious backtracking matcher over well-formed patterns (fast-check, fixed seed).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { globMatch } from './cache-glob.js';

function matches(pattern: string, subject: string, caseInsensitive = false): boolean {
  return globMatch({ pattern: Buffer.from(pattern, 'latin1'), subject: Buffer.from(subject, 'latin1'), caseInsensitive });
}

const cases: readonly [pattern: string, subject: string, expected: boolean][] = [
  ['h?llo', 'hello', true],
  ['h?llo', 'hllo', false],
  ['h*llo', 'hllo', true],
  ['h*llo', 'heeeello', true],
  ['h[ae]llo', 'hallo', true],
  ['h[ae]llo', 'hillo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['h[a-b]llo', 'hbllo', true],
  ['h[a-b]llo', 'hcllo', false],
  ['h[b-a]llo', 'hallo', true],
  ['h\\*llo', 'h*llo', true],
  ['h\\*llo', 'hello', false],
  ['[\\]]', ']', true],
  ['[\\-]', '-', true],
  ['*', 'anything', true],
  ['**', 'x', true],
  ['a*', 'a', true],
  ['a**', 'a', true],
  ['*a', 'a', true],
  ['?', '', false],
  // Quirks kept from Redis: `*` does not match the empty string, an unclosed `[` runs to the end,
  // `[a-]` is the range a..] (swapped), a trailing backslash is a literal one.
  ['*', '', false],
  ['', '', true],
  ['[abc', 'a', true],
  ['[abc', 'd', false],
  ['a[', 'a[', false],
  ['[a-]', '_', true],
  ['[a-]', 'b', false],
  ['a\\', 'a\\', true],
  ['[^', 'x', true],
  // Signed char ranges (x86-64): 0x80..0xff sort below 0x00.
  ['[\x00-\xff]', 'a', false],
  ['[\xff-a]', 'a', true],
  ['[\xff-a]', '\x00', true],
];

test('globMatch: Redis stringmatchlen cases', () => {
  for (const [pattern, subject, expected] of cases) {
    assert.equal(matches(pattern, subject), expected, `${JSON.stringify(pattern)} ~ ${JSON.stringify(subject)}`);
  }
});

test('globMatch: case-insensitive mode', () => {
  assert.equal(matches('H[A-C]LLO', 'hbllo', true), true);
  assert.equal(matches('h*O', 'HELLO', true), true);
  assert.equal(matches('h*O', 'HELLO', false), false);
});

test('globMatch: pathological patterns stay fast, and nesting is capped at 1000', () => {
  const subject = 'a'.repeat(5000);
  assert.equal(matches(`${'a*'.repeat(30)}b`, subject), false);
  assert.equal(matches(`${'*a'.repeat(999)}`, 'a'.repeat(999)), true);
  assert.equal(matches(`${'*a'.repeat(1002)}`, 'a'.repeat(1002)), false);
});

/** A token of a well-formed pattern and its text. */
type Token = { kind: 'literal'; byte: string } | { kind: 'any' } | { kind: 'star' } | { kind: 'class'; text: string; test: (character: string) => boolean };

function tokenText(token: Token): string {
  switch (token.kind) {
    case 'literal':
      return '*?[]\\'.includes(token.byte) ? `\\${token.byte}` : token.byte;
    case 'any':
      return '?';
    case 'star':
      return '*';
    case 'class':
      return token.text;
  }
}

/** The obvious definition: backtracking over tokens; Redis's empty-subject quirk applies. */
function slowMatch(tokens: readonly Token[], subject: string): boolean {
  if (subject.length === 0) return tokens.length === 0;
  const go = (tokenIndex: number, subjectIndex: number): boolean => {
    if (tokenIndex === tokens.length) return subjectIndex === subject.length;
    const token = tokens[tokenIndex] as Token;
    if (token.kind === 'star') {
      for (let end = subjectIndex; end <= subject.length; end++) if (go(tokenIndex + 1, end)) return true;
      return false;
    }
    if (subjectIndex === subject.length) return false;
    const character = subject[subjectIndex] as string;
    const ok = token.kind === 'any' || (token.kind === 'literal' ? token.byte === character : token.test(character));
    return ok && go(tokenIndex + 1, subjectIndex + 1);
  };
  return go(0, 0);
}

const alphabet = ['a', 'b', 'c', '*', '?', '[', ']', '\\', '-'];
const tokenArbitrary: fc.Arbitrary<Token> = fc.oneof(
  fc.constantFrom(...alphabet).map((byte): Token => ({ kind: 'literal', byte })),
  fc.constant<Token>({ kind: 'any' }),
  fc.constant<Token>({ kind: 'star' }),
  fc.constantFrom<Token>(
    { kind: 'class', text: '[ab]', test: (character) => character === 'a' || character === 'b' },
    { kind: 'class', text: '[^a]', test: (character) => character !== 'a' },
    { kind: 'class', text: '[a-c]', test: (character) => character >= 'a' && character <= 'c' },
    { kind: 'class', text: '[c-a]', test: (character) => character >= 'a' && character <= 'c' },
    { kind: 'class', text: '[\\*\\]]', test: (character) => character === '*' || character === ']' },
    { kind: 'class', text: '[^\\-b]', test: (character) => character !== '-' && character !== 'b' },
  ),
);

test('globMatch agrees with a slow backtracking matcher (property)', () => {
  fc.assert(
    fc.property(
      fc.array(tokenArbitrary, { maxLength: 8 }),
      fc.array(fc.constantFrom(...alphabet), { maxLength: 10 }).map((characters) => characters.join('')),
      (tokens, subject) => {
        const pattern = tokens.map(tokenText).join('');
        assert.equal(matches(pattern, subject), slowMatch(tokens, subject), `${JSON.stringify(pattern)} ~ ${JSON.stringify(subject)}`);
      },
    ),
    { seed: 20261122, numRuns: 5000 },
  );
});
