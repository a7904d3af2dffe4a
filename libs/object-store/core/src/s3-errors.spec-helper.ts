/** For specs: the S3 error code an action throws, or `no error`; anything that is not an S3Error fails the test. */
import assert from 'node:assert/strict';
import { S3Error } from './s3-errors.js';

export function codeOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof S3Error, String(error));
    return error.code;
  }
  return 'no error';
}
