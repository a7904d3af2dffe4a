import { strict as assertStrict } from 'node:assert';
import { test } from 'node:test';
import { assert, AssertionError, isAssertionError } from './assert.js';
import { InvalidArgumentError, isObjectBoxError, NotImplementedError } from './errors.js';

test('typed errors carry code, kind and name, and the guard recognises them', () => {
  const error = new NotImplementedError('EVAL');
  assertStrict.equal(error.code, 'NotImplemented');
  assertStrict.equal(error.kind, 'not-implemented');
  assertStrict.equal(error.name, 'NotImplementedError');
  assertStrict.equal(error.message, 'EVAL is not implemented yet');
  assertStrict.ok(isObjectBoxError(error));
  assertStrict.ok(isObjectBoxError(new InvalidArgumentError('bad')));
  assertStrict.ok(!isObjectBoxError(new Error('plain')));
  assertStrict.ok(!isObjectBoxError({ code: 'x', isObjectBoxError: true }));
});

test('assert throws an AssertionError only when the condition fails', () => {
  assert(true, 'never thrown');
  assertStrict.throws(() => assert(false, 'broken invariant'), AssertionError);
  try {
    assert(0, 'zero is falsy');
  } catch (error) {
    assertStrict.ok(isAssertionError(error));
    assertStrict.equal((error as Error).message, 'zero is falsy');
  }
});
