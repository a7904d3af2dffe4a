/** Goal: the memoised signing key is the AWS-derived one for every scope and secret, and callers cannot corrupt the memo; request times parse as the calendar allows. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseAmzDateTime, signatureHex, signatureMatches, signingKey, signingKeyCacheEntriesMax, signingKeyMemoised } from './sigv4-signing.js';

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

/** The previous parseAmzDateTime: a round trip through a Date decides whether the calendar value exists. */
function parseAmzDateTimeByRoundTrip(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const timeMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const roundTrip = new Date(timeMs);
  const valid = roundTrip.getUTCFullYear() === year && roundTrip.getUTCMonth() === month - 1 && roundTrip.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return valid ? timeMs : undefined;
}

test('parseAmzDateTime accepts exactly the calendar values a Date round trip accepts', () => {
  const fixed = ['20240229T235959Z', '20230229T000000Z', '19000229T000000Z', '20000229T000000Z', '00990101T000000Z', '01000101T000000Z', '20241301T000000Z', '20240001T000000Z', '20240100T000000Z', '20240431T000000Z', '20240430T240000Z', '20240430T236000Z', '20240430T235960Z', '2024043T000000Z', '20240430T000000', 'x20240430T000000Z'];
  for (const value of fixed) assert.equal(parseAmzDateTime(value), parseAmzDateTimeByRoundTrip(value), value);
  const digits = (count: number, max: number) => fc.integer({ min: 0, max }).map((value) => String(value).padStart(count, '0'));
  fc.assert(
    fc.property(digits(4, 9999), digits(2, 99), digits(2, 99), digits(2, 99), digits(2, 99), digits(2, 99), (year, month, day, hour, minute, second) => {
      const value = `${year}${month}${day}T${hour}${minute}${second}Z`;
      assert.equal(parseAmzDateTime(value), parseAmzDateTimeByRoundTrip(value), value);
    }),
    { numRuns: 20_000 },
  );
  // Calendar-valid values, which the generator above rarely hits.
  fc.assert(
    fc.property(fc.date({ min: new Date(Date.UTC(100, 0, 1)), max: new Date(Date.UTC(9999, 11, 31, 23, 59, 59)), noInvalidDate: true }), (date) => {
      const value = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
      assert.equal(parseAmzDateTime(value), Math.floor(date.getTime() / 1000) * 1000, value);
    }),
  );
});

test('signatureMatches agrees with comparing hex signatures, and refuses malformed ones', () => {
  const key = signingKey(awsExampleSecret, awsExampleScope);
  const expected = signatureHex(key, 'string to sign');
  assert.equal(signatureMatches(key, 'string to sign', expected), true);
  assert.equal(signatureMatches(key, 'string to sign', expected.toUpperCase()), false, 'parsing lower-cases; the raw upper-case form is not a signature');
  assert.equal(signatureMatches(key, 'another string', expected), false);
  assert.equal(signatureMatches(key, 'string to sign', `${expected.slice(0, 63)}${expected[63] === '0' ? '1' : '0'}`), false);
  for (const malformed of ['', expected.slice(0, 62), `${expected}00`, `${expected.slice(0, 63)}g`]) assert.equal(signatureMatches(key, 'string to sign', malformed), false);
});
