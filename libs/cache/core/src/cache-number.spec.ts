/**
 * parseFloat64: the digits-only fast path agrees with the general strtod-like path (Number of the
 * text) on the shapes it takes, and leaves everything else to it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseFloat64 } from './cache-number.js';

const parse = (text: string): number | null => parseFloat64(Buffer.from(text, 'latin1'));

test('parseFloat64: signed digit strings (the fast path and past it) parse as Number does', () => {
  for (const text of ['0', '-0', '+0', '000000012345', '-000000099999', '+7', '999999999999999', '1234567890123456', '9007199254740993']) {
    assert.ok(Object.is(parse(text), Number(text)), text);
  }
  fc.assert(
    fc.property(fc.constantFrom('', '-', '+'), fc.stringMatching(/^[0-9]{1,20}$/), (sign, digits) => {
      assert.ok(Object.is(parse(sign + digits), Number(sign + digits)), sign + digits);
    }),
    { seed: 20261201, numRuns: 500 },
  );
});

test('parseFloat64: what is not only digits takes the general path', () => {
  assert.equal(parse('-'), null);
  assert.equal(parse('+'), null);
  assert.equal(parse('12a'), null);
  assert.equal(parse('1 '), null);
  assert.equal(parse('--1'), null);
  assert.equal(parse('1.5'), 1.5);
  assert.equal(parse('-1e3'), -1000);
  assert.equal(parse('inf'), Infinity);
  assert.equal(parse('-infinity'), -Infinity);
  assert.equal(parse('nan'), null);
});
