import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { describeError } from './s3-errors.js';

const endpoint = 'http://127.0.0.1:9000';

function s3Error(name: string, message: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, message, $fault: 'client', $metadata: { httpStatusCode: status } });
}

test('S3 error responses: code and message', () => {
  assert.equal(describeError(s3Error('NoSuchBucket', 'The specified bucket does not exist', 404), endpoint), 'NoSuchBucket: The specified bucket does not exist');
});

test('bodiless HEAD errors name the HTTP status', () => {
  assert.equal(describeError(s3Error('NotFound', 'UnknownError', 404), endpoint), 'NotFound: HTTP 404 Not Found');
});

test('connection failures name the endpoint', () => {
  const refused = Object.assign(new AggregateError([new Error('connect ECONNREFUSED 127.0.0.1:9000')], ''), { code: 'ECONNREFUSED' });
  assert.equal(describeError(refused, endpoint), 'could not connect to http://127.0.0.1:9000: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:9000)');
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  assert.equal(describeError(reset, endpoint), 'could not connect to http://127.0.0.1:9000: ECONNRESET (socket hang up)');
});

test('local file errors keep the system message; multi-line messages become one line', () => {
  const missing = Object.assign(new Error("ENOENT: no such file or directory, open 'a.txt'"), { code: 'ENOENT' });
  assert.equal(describeError(missing, endpoint), "ENOENT: no such file or directory, open 'a.txt'");
  assert.equal(describeError(new Error('first\n  second'), endpoint), 'first second');
  assert.equal(describeError('plain', endpoint), 'plain');
});
