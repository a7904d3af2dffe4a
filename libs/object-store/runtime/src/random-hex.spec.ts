/** Goal: pooled random ids have their documented shape and never repeat, also across pool refills. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBase64url, randomHex } from './random-hex.js';

test('hex and base64url ids have their shape and are all distinct over many pool refills', () => {
  const seen = new Set<string>();
  for (let index = 0; index < 5000; index++) {
    const hex = randomHex(16);
    const base64url = randomBase64url(24);
    assert.match(hex, /^[0-9a-f]{32}$/);
    assert.match(base64url, /^[A-Za-z0-9_-]{32}$/);
    seen.add(hex).add(base64url);
  }
  assert.equal(seen.size, 10_000);
  assert.throws(() => randomBase64url(0));
});
