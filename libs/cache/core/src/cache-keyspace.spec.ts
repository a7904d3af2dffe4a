/**
 * CacheKeyspace: lazy expiry, the bounded active expiry cycle, the memory estimate and binary keys.
 */
import { CacheList } from './cache-list.js';
import { CacheStringValue } from './cache-string-value.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evictUntilWithinLimit } from './cache-eviction.js';
import { seededRandom } from './cache-session.spec-helper.js';
import {
  CacheKeyspace,
  cacheEntryOverheadBytes,
  lfuCounterOf,
  keyBytesFromText,
  keyTextFromBytes,
  type CacheValue,
  type KeyText,
} from './cache-keyspace.js';

const nowMs = 1_700_000_000_000;

function stringValue(text: string): CacheValue {
  return CacheStringValue.copyOf(Buffer.from(text));
}

function key(text: string): KeyText {
  return keyTextFromBytes(Buffer.from(text));
}

test('keys are any bytes and round-trip through KeyText', () => {
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
  const text = keyTextFromBytes(bytes);
  assert.equal(text.length, 256);
  assert.deepEqual(keyBytesFromText(text), bytes);
  assert.notEqual(keyTextFromBytes(Buffer.from('é')), keyTextFromBytes(Buffer.from('e')));
});

test('lazy expiry: lookup deletes an expired key, peek only hides it', () => {
  const database = new CacheKeyspace().database(0);
  database.set({ key: key('a'), value: stringValue('1'), expireAtMs: nowMs + 10, keepExpiry: false });
  assert.ok(database.lookup(key('a'), nowMs + 9));
  assert.equal(database.peek(key('a'), nowMs + 10), undefined);
  assert.equal(database.size, 1);
  assert.equal(database.lookup(key('a'), nowMs + 10), undefined);
  assert.equal(database.size, 0);
  assert.equal(database.expires.size, 0);
});

test('used memory estimate follows sets, overwrites, deletes and flushes', () => {
  const keyspace = new CacheKeyspace();
  const database = keyspace.database(3);
  database.set({ key: key('abc'), value: stringValue('12345'), expireAtMs: null, keepExpiry: false });
  assert.equal(keyspace.usedMemoryBytes, cacheEntryOverheadBytes + 3 + 5);
  database.set({ key: key('abc'), value: stringValue('1'), expireAtMs: null, keepExpiry: false });
  assert.equal(keyspace.usedMemoryBytes, cacheEntryOverheadBytes + 3 + 1);
  keyspace.database(4).set({ key: key('x'), value: stringValue(''), expireAtMs: null, keepExpiry: false });
  assert.equal(keyspace.usedMemoryBytes, 2 * cacheEntryOverheadBytes + 3 + 1 + 1);
  database.delete(key('abc'));
  assert.equal(keyspace.usedMemoryBytes, cacheEntryOverheadBytes + 1);
  keyspace.flushAll();
  assert.equal(keyspace.usedMemoryBytes, 0);
});

test('keepExpiry keeps the TTL on overwrite; otherwise an overwrite clears it', () => {
  const database = new CacheKeyspace().database(0);
  database.set({ key: key('k'), value: stringValue('1'), expireAtMs: nowMs + 100, keepExpiry: false });
  database.set({ key: key('k'), value: stringValue('2'), expireAtMs: null, keepExpiry: true });
  assert.equal(database.entryOf(key('k'))?.expireAtMs, nowMs + 100);
  database.set({ key: key('k'), value: stringValue('3'), expireAtMs: null, keepExpiry: false });
  assert.equal(database.entryOf(key('k'))?.expireAtMs, null);
  assert.equal(database.expires.size, 0);
});

test('activeExpireCycle: bounded work per call, and repeated calls remove every expired key', () => {
  const keyspace = new CacheKeyspace();
  for (let index = 0; index < 1000; index++) {
    const database = keyspace.database(index % 3);
    database.set({ key: key(`dead:${index}`), value: stringValue('v'), expireAtMs: nowMs - 1, keepExpiry: false });
    database.set({ key: key(`live:${index}`), value: stringValue('v'), expireAtMs: nowMs + 60_000, keepExpiry: false });
    database.set({ key: key(`forever:${index}`), value: stringValue('v'), expireAtMs: null, keepExpiry: false });
  }
  const options = { nowMs, sampleCountMax: 20, sampleCountBudget: 100, stalePercentMax: 10 };
  const first = keyspace.activeExpireCycle(options);
  assert.ok(first.sampledCount <= 100, `sampled ${first.sampledCount}`);
  assert.ok(first.removedCount > 0 && first.removedCount <= first.sampledCount);
  let removedCount = first.removedCount;
  let callCount = 1;
  while (removedCount < 1000) {
    const result = keyspace.activeExpireCycle(options);
    assert.ok(result.sampledCount <= 100);
    removedCount += result.removedCount;
    callCount++;
    assert.ok(callCount < 200, 'expiry must make progress');
  }
  assert.equal(removedCount, 1000);
  for (const index of [0, 1, 2]) {
    const database = keyspace.database(index);
    for (const entryKey of database.keys()) assert.ok(!entryKey.startsWith('dead:'));
    assert.equal(database.expires.size, database.size - [334, 333, 333][index]!);
  }
  // Nothing left to expire: a call looks at no more than its budget and removes nothing.
  const idle = keyspace.activeExpireCycle(options);
  assert.equal(idle.removedCount, 0);
  assert.ok(idle.sampledCount <= 100);
  assert.equal(keyspace.usedMemoryBytes, keyspace.databases.reduce((sum, database) => sum + database.usedMemoryBytes, 0));
});

test('activeExpireCycle keeps looping on a database while the expired share is high, within the budget', () => {
  const keyspace = new CacheKeyspace();
  const database = keyspace.database(0);
  for (let index = 0; index < 100; index++) {
    database.set({ key: key(`k${index}`), value: stringValue('v'), expireAtMs: nowMs, keepExpiry: false });
  }
  const result = keyspace.activeExpireCycle({ nowMs, sampleCountMax: 20, sampleCountBudget: 60, stalePercentMax: 10 });
  assert.deepEqual(result, { removedCount: 60, sampledCount: 60 });
  assert.equal(database.size, 40);
});

test('scan order compacts after many deletes without losing the cursor position', () => {
  const database = new CacheKeyspace().database(0);
  for (let index = 0; index < 300; index++) database.set({ key: key(`k${index}`), value: stringValue('v'), expireAtMs: null, keepExpiry: false });
  const first = database.scan({ cursor: 0n, countHint: 150, nowMs });
  for (let index = 0; index < 250; index++) if (index % 5 !== 0) database.delete(key(`k${index}`));
  const seen = [...first.keys];
  let cursor = first.cursorNext;
  while (cursor !== 0n) {
    const page = database.scan({ cursor, countHint: 10, nowMs });
    seen.push(...page.keys);
    cursor = page.cursorNext;
  }
  for (let index = 150; index < 300; index++) {
    const present = index >= 250 || index % 5 === 0;
    assert.equal(seen.includes(key(`k${index}`)), present, `k${index}`);
  }
});

test('eviction finds the one live key among removed slots: no OOM while a key could be evicted', () => {
  // A table of at most 64 slots is never compacted, so one live key can sit among 63 removed ones;
  // a few random draws of slots then usually miss it. Redis's dictGetFairRandomKey / dictGetSomeKeys
  // always return a key from a non-empty dict, so eviction must too.
  for (const policy of ['allkeys-random', 'allkeys-lru', 'allkeys-lfu'] as const) {
    for (let seed = 1; seed <= 20; seed++) {
      const keyspace = new CacheKeyspace();
      const database = keyspace.database(0);
      for (let index = 0; index < 64; index++) database.set({ key: key(`k${index}`), value: stringValue('v'), expireAtMs: null, keepExpiry: false });
      for (let index = 0; index < 63; index++) database.delete(key(`k${index}`));
      const result = evictUntilWithinLimit({ keyspace, limitBytes: 0, policy, sampleCount: 5, random: seededRandom(seed), nowMs });
      assert.deepEqual(result, { evictedCount: 1, withinLimit: true }, `${policy}, seed ${seed}`);
      assert.equal(database.size, 0);
    }
  }
});

test('LFU eviction and OBJECT FREQ see the counter decayed to now (LFUDecrAndReturn), not as of the last access', () => {
  // A key hot an hour ago and untouched since has decayed to 0 (one per minute), below a new key's
  // 5: Redis evicts it first. The stored counter only decays on access, so it looked hotter.
  const keyspace = new CacheKeyspace();
  const database = keyspace.database(0);
  keyspace.setCommandTime(nowMs);
  database.set({ key: key('hot'), value: stringValue('v'), expireAtMs: null, keepExpiry: false });
  for (let access = 0; access < 200; access++) database.lookup(key('hot'), nowMs);
  const hourLaterMs = nowMs + 3_600_000;
  keyspace.setCommandTime(hourLaterMs);
  database.set({ key: key('fresh'), value: stringValue('v'), expireAtMs: null, keepExpiry: false });
  const hot = database.entryOf(key('hot'));
  assert.ok(hot !== undefined && hot.lfuCounter > 5, `stored counter ${hot?.lfuCounter}`);
  assert.equal(lfuCounterOf(hot, hourLaterMs), 0);
  assert.equal(lfuCounterOf(hot, nowMs + 1_000), hot.lfuCounter, 'no decay within the same minute');
  assert.equal(lfuCounterOf(hot, nowMs + 120_000), hot.lfuCounter - 2);
  const limitBytes = keyspace.usedMemoryBytes - 1;
  const result = evictUntilWithinLimit({ keyspace, limitBytes, policy: 'allkeys-lfu', sampleCount: 16, random: seededRandom(1), nowMs: hourLaterMs });
  assert.deepEqual(result, { evictedCount: 1, withinLimit: true });
  assert.deepEqual([...database.keys()], [key('fresh')]);
});

test('SET by bytes stores what the general path stores, and declines where it needs key texts', () => {
  const byBytes = new CacheKeyspace().database(0);
  const general = new CacheKeyspace().database(0);
  const steps: [string, string][] = [
    ['a', '1'],
    ['b', 'x'.repeat(64)],
    ['a', 'longer value'],
    ['a', ''],
    ['b', 'short'],
    ['\u00ff\u0000k', 'v'],
  ];
  for (const [name, value] of steps) {
    assert.equal(byBytes.setInlineStringBytes(Buffer.from(name, 'latin1'), Buffer.from(value, 'latin1'), nowMs), true);
    general.set({ key: keyTextFromBytes(Buffer.from(name, 'latin1')), value: CacheStringValue.copyOf(Buffer.from(value, 'latin1')), expireAtMs: null, keepExpiry: false });
    assert.equal(byBytes.usedMemoryBytes, general.usedMemoryBytes, `after ${name}=${value}`);
  }
  for (const name of ['a', 'b', '\u00ff\u0000k']) {
    assert.deepEqual(byBytes.lookupStored(keyTextFromBytes(Buffer.from(name, 'latin1')), nowMs), general.lookupStored(keyTextFromBytes(Buffer.from(name, 'latin1')), nowMs));
  }
  // A collection at the key is replaced by the string, its estimate given back.
  const list = new CacheKeyspace().database(0);
  list.set({ key: key('l'), value: { type: 'list', list: new CacheList() }, expireAtMs: null, keepExpiry: false });
  assert.equal(list.setInlineStringBytes(Buffer.from('l'), Buffer.from('v'), nowMs), true);
  assert.equal(list.usedMemoryBytes, cacheEntryOverheadBytes + 2);
  assert.equal(list.lookupStored(key('l'), nowMs), 'v');
  // Declined: a value too large to be inline, a database with volatile keys, a listener wanting keys.
  assert.equal(byBytes.setInlineStringBytes(Buffer.from('c'), Buffer.alloc(65), nowMs), false);
  byBytes.set({ key: key('t'), value: stringValue('1'), expireAtMs: nowMs + 1000, keepExpiry: false });
  assert.equal(byBytes.setInlineStringBytes(Buffer.from('c'), Buffer.from('v'), nowMs), false);
  const listened = new CacheKeyspace();
  listened.setListener({ keyModified: () => undefined, databaseReplaced: () => undefined });
  assert.equal(listened.database(0).setInlineStringBytes(Buffer.from('c'), Buffer.from('v'), nowMs), false);
  listened.setListener({ keyModified: () => undefined, keysWanted: () => false, databaseReplaced: () => undefined });
  assert.equal(listened.database(0).setInlineStringBytes(Buffer.from('c'), Buffer.from('v'), nowMs), true);
  assert.equal(listened.database(0).lookupStored(key('c'), nowMs), 'v');
});

test('INCR by bytes keeps the memory estimate of the general path and declines what it cannot do exactly', () => {
  const database = new CacheKeyspace().database(0);
  assert.equal(database.incrementSmallInteger(Buffer.from('n'), 1, nowMs), 1);
  assert.equal(database.incrementSmallInteger(Buffer.from('n'), -11, nowMs), -10);
  assert.equal(database.lookupStored(key('n'), nowMs), '-10');
  assert.equal(database.usedMemoryBytes, cacheEntryOverheadBytes + 1 + 3);
  for (const value of ['x', '01', '-0', '1234567890123456', ' 1']) {
    database.set({ key: key('s'), value: stringValue(value), expireAtMs: null, keepExpiry: false });
    assert.equal(database.incrementSmallInteger(Buffer.from('s'), 1, nowMs), null, value);
  }
  database.set({ key: key('s'), value: stringValue('999999999999999'), expireAtMs: null, keepExpiry: false });
  assert.equal(database.incrementSmallInteger(Buffer.from('s'), 1, nowMs), 1_000_000_000_000_000);
  assert.equal(database.lookupStored(key('s'), nowMs), '1000000000000000');
  assert.equal(database.usedMemoryBytes, 2 * cacheEntryOverheadBytes + 1 + 3 + 1 + 16);
  database.set({ key: key('l'), value: { type: 'list', list: new CacheList() }, expireAtMs: null, keepExpiry: false });
  assert.equal(database.incrementSmallInteger(Buffer.from('l'), 1, nowMs), null);
});
