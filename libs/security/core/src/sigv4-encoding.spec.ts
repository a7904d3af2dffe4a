/** SigV4 URI encoding rules as S3 applies them (AWS "Create a canonical request"). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalHeaderValue, canonicalQueryString, canonicalUri, normalizeHeaders, percentDecode, percentDecodeText, splitQuery, uriEncode, uriEncodeBytes } from './sigv4-encoding.js';

test('uriEncode keeps the unreserved set, upper-cases hex and encodes UTF-8 bytes', () => {
  assert.equal(uriEncode('AZaz09-._~', { encodeSlash: true }), 'AZaz09-._~');
  assert.equal(uriEncode('a b+c*/é', { encodeSlash: true }), 'a%20b%2Bc%2A%2F%C3%A9');
  assert.equal(uriEncode('a/b', { encodeSlash: false }), 'a/b');
});

test('the path is re-encoded once per segment, never twice, and %2F stays inside its segment', () => {
  assert.equal(canonicalUri(''), '/');
  assert.equal(canonicalUri('/test$file.text'), '/test%24file.text');
  assert.equal(canonicalUri('/test%24file.text'), '/test%24file.text');
  assert.equal(canonicalUri('/b/a%2fb%7e'), '/b/a%2Fb~');
  assert.equal(canonicalUri('/b/100%'), '/b/100%25');
});

test('the query is decoded, re-encoded, sorted by name then value; bare names get =', () => {
  assert.equal(canonicalQueryString(splitQuery('?prefix=J&max-keys=2')), 'max-keys=2&prefix=J');
  assert.equal(canonicalQueryString(splitQuery('lifecycle')), 'lifecycle=');
  assert.equal(canonicalQueryString(splitQuery('b=2&a=2&a=1&c=x+y&d=%7e')), 'a=1&a=2&b=2&c=x%20y&d=~');
  assert.equal(canonicalQueryString(splitQuery('X-Amz-Signature=abc&z=1'), ['X-Amz-Signature']), 'z=1');
});

test('a query is split once into raw parameters in wire order: empty pieces dropped, a bare name has value empty, = inside a value kept', () => {
  assert.deepEqual(splitQuery(''), []);
  assert.deepEqual(splitQuery('?'), []);
  assert.deepEqual(splitQuery('&&a=1&&b&c=x=y&=v&d=&'), [
    { nameRaw: 'a', valueRaw: '1' },
    { nameRaw: 'b', valueRaw: '' },
    { nameRaw: 'c', valueRaw: 'x=y' },
    { nameRaw: '', valueRaw: 'v' },
    { nameRaw: 'd', valueRaw: '' },
  ]);
  assert.deepEqual(splitQuery('?a=%2B+b&a=%20'), [
    { nameRaw: 'a', valueRaw: '%2B+b' },
    { nameRaw: 'a', valueRaw: '%20' },
  ]);
  // Repeated names, empty values, `+` and `%20` (both a space), `%2B` (a plus) and `=` in a value.
  assert.equal(canonicalQueryString(splitQuery('k=b&k=a&k=&e&p=1+2&q=1%202&r=1%2B2&s=a=b')), 'e=&k=&k=a&k=b&p=1%202&q=1%202&r=1%2B2&s=a%3Db');
});

test('headers are keyed by lower-case name, repeated ones joined, values trimmed and collapsed', () => {
  const headers = normalizeHeaders({ 'X-Amz-Meta-A': ' one ', 'x-amz-meta-a': 'two', Via: ['p', 'q'], Gone: undefined });
  assert.deepEqual([...headers], [['x-amz-meta-a', ' one ,two'], ['via', 'p,q']]);
  assert.equal(canonicalHeaderValue('  a   b \t c  '), 'a b c');
});

/**
 * The fast paths (a component already in canonical form is used as received; text with nothing to
 * decode is its own decoding) must give exactly what the full decode-and-encode gives, for any input.
 */
test('the already-canonical fast paths agree with decoding and encoding again, on random inputs', () => {
  const alphabet = ['a', 'Z', '0', '-', '.', '_', '~', '/', '+', ' ', '%', '%2F', '%2f', '%41', '%7E', '%20', '%C3%A9', '%E', '%G1', '=', 'é', '\u{1F600}', '\uD800', '*', '$'];
  let seed = 0x2545f491;
  const nextRandom = (bound: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % bound;
  };
  const referenceComponent = (raw: string): string => uriEncodeBytes(percentDecode(raw, { plusIsSpace: true }), { encodeSlash: true });
  const referenceUri = (raw: string): string =>
    raw.split('/').map((segment) => uriEncodeBytes(percentDecode(segment, { plusIsSpace: false }), { encodeSlash: true })).join('/');
  for (let round = 0; round < 5000; round++) {
    let raw = '';
    for (let length = nextRandom(8); length > 0; length--) raw += alphabet[nextRandom(alphabet.length)];
    const query = raw.replace(/[=&]/g, '');
    assert.equal(canonicalQueryString(splitQuery(`a=${query}`)), `a=${referenceComponent(query)}`, `query value ${JSON.stringify(query)}`);
    assert.equal(canonicalQueryString(splitQuery(`${query}=v`)), `${referenceComponent(query)}=v`, `query name ${JSON.stringify(query)}`);
    assert.equal(canonicalUri(`/${raw}`), referenceUri(`/${raw}`), `path ${JSON.stringify(raw)}`);
    for (const plusIsSpace of [true, false]) {
      assert.equal(percentDecodeText(raw, { plusIsSpace }), percentDecode(raw, { plusIsSpace }).toString('utf8'), `decode ${JSON.stringify(raw)}`);
    }
  }
});
