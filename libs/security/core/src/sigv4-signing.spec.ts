/** Goal: the memoised signing key is the AWS-derived one for every scope and secret, and callers cannot corrupt the memo. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signingKey, signingKeyCacheEntriesMax, signingKeyMemoised } from './sigv4-signing.js';

// The AWS SigV4 documentation's example: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830/us-east-1/iam.
const awsExampleSecret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const awsExampleScope = { date: '20150830', region: 'us-east-1', service: 'iam' };

test('the memoised key equals the derived one (AWS example), also after the caller scribbles on it', () => {
  const expected = 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9';
  assert.equal(signingKey(awsExampleSecret, awsExampleScope).toString('hex'), expected);
  const first = signingKeyMemoised(awsExampleSecret, awsExampleScope);
  assert.equal(first.toString('hex'), expected);
  first.fill(0);
  assert.equal(signingKeyMemoised(awsExampleSecret, awsExampleScope).toString('hex'), expected);
});

test('every scope and secret gets its own key, past the memo bound', () => {
  for (let index = 0; index < signingKeyCacheEntriesMax + 10; index++) {
    const scope = { date: `2026${String(index % 12 + 1).padStart(2, '0')}01`, region: `region-${index % 7}`, service: 's3' };
    const secret = `secret-${index}`;
    assert.deepEqual(signingKeyMemoised(secret, scope), signingKey(secret, scope));
  }
});
