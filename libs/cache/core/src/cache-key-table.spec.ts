/**
 * CacheKeyTable and the stored forms of values: the columns stay in step through inserts, removals,
 * compaction and growth; a SCAN cursor survives compaction; string values of any bytes, on both
 * sides of the inline bound, come back exactly through the database.
 *
 * Method: drive the table directly with a model (a Map of what each key should hold) and compare
 * after every step; then check binary values end to end through CacheDatabase.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CacheKeyTable, CacheStoredCollection, lfuInitialCounter } from './cache-key-table.js';
import { accessClockSecondsOf, CacheKeyspace, idleMsOf, keyTextFromBytes, type KeyText } from './cache-keyspace.js';
import { CacheList } from './cache-list.js';
import { cacheStringInlineBytesMax, CacheStringValue } from './cache-string-value.js';
import { seededRandom } from './cache-session.spec-helper.js';

const nowMs = 1_700_000_000_000;

function key(text: string): KeyText {
  return keyTextFromBytes(Buffer.from(text, 'latin1'));
}

function scanAll(table: CacheKeyTable, countHint: number): KeyText[] {
  const seen: KeyText[] = [];
  let cursor = 0n;
  do {
    const page = table.page(cursor, countHint);
    seen.push(...page.keys);
    cursor = page.cursorNext;
  } while (cursor !== 0n);
  return seen;
}

test('inserts, replacements and removals keep every column in step with a model, across growth and compaction', () => {
  const table = new CacheKeyTable(0);
  const model = new Map<KeyText, string>();
  const random = seededRandom(7);
  for (let step = 0; step < 20_000; step++) {
    const name = key(`k${random.nextIndex(2_000)}`);
    const action = random.nextIndex(3);
    if (action === 0 && !model.has(name)) {
      table.insert(name, `v${step}`, step);
      model.set(name, `v${step}`);
    } else if (action === 1 && model.has(name)) {
      // Values of varying length: some fit in place, some move to a new record (arena compaction).
      const value = `w${step}`.repeat(1 + random.nextIndex(4));
      table.replaceValueAt(table.slotOf(name), value);
      model.set(name, value);
    } else if (action === 2) {
      assert.equal(table.remove(name), model.has(name));
      model.delete(name);
    }
  }
  assert.equal(table.size, model.size);
  for (const [name, value] of model) assert.equal(table.valueAt(table.slotOf(name)), value);
  assert.deepEqual([...table.liveKeys()].sort(), [...model.keys()].sort());
  assert.deepEqual(scanAll(table, 7).sort(), [...model.keys()].sort());
  assert.equal(table.slotOf(key('missing')), -1);
  assert.equal(table.remove(key('missing')), false);
});

test('keys of any bytes, colliding home buckets and object values survive removals by backward shift', () => {
  const table = new CacheKeyTable(12345);
  const model = new Map<KeyText, string | Buffer>();
  const random = seededRandom(11);
  // Keys that differ only in a byte 0x00-0xff, with invalid UTF-8 and NUL, and the empty key.
  const names = [key(''), ...Array.from({ length: 256 }, (_, byte) => keyTextFromBytes(Buffer.from([0xc3, byte, 0x00])))];
  for (let step = 0; step < 5_000; step++) {
    const name = names[random.nextIndex(names.length)] as KeyText;
    if (random.nextIndex(3) === 0) {
      table.remove(name);
      model.delete(name);
      continue;
    }
    const value = random.nextIndex(2) === 0 ? `\xff${step}` : Buffer.alloc(cacheStringInlineBytesMax + 1, step % 256);
    if (model.has(name)) table.replaceValueAt(table.slotOf(name), value);
    else table.insert(name, value, 0);
    model.set(name, value);
  }
  for (const name of names) {
    const slot = table.slotOf(name);
    assert.equal(slot >= 0, model.has(name));
    if (slot >= 0) assert.deepEqual(table.valueAt(slot), model.get(name));
  }
  assert.deepEqual([...table.liveKeys()].sort(), [...model.keys()].sort());
});

test('access time and LFU state move with their key when slots are compacted', () => {
  const table = new CacheKeyTable(0);
  for (let index = 0; index < 300; index++) table.insert(key(`k${index}`), 'v', 1_000 + index);
  const survivor = key('k299');
  table.recordAccess(table.slotOf(survivor), 1_300);
  table.recordAccess(table.slotOf(survivor), 1_300);
  const counterBefore = table.lfuCounterAt(table.slotOf(survivor));
  assert.ok(counterBefore > lfuInitialCounter, 'the first access at counter 5 grows it (same minute: no decay)');
  for (let index = 0; index < 290; index++) table.remove(key(`k${index}`));
  assert.equal(table.size, 10);
  const slot = table.slotOf(survivor);
  assert.ok(slot < 299, `moved by compaction (slot ${slot})`);
  assert.equal(table.accessedAtSecondsAt(slot), 1_300);
  assert.equal(table.lfuCounterAt(slot), counterBefore);
  assert.equal(table.accessedAtSecondsAt(table.slotOf(key('k290'))), 1_290);
  assert.equal(table.lfuCounterAt(table.slotOf(key('k290'))), lfuInitialCounter);
});


test('LFU counters follow Redis’s logarithmic increment and decay up to 255, each key on its own (a model of the rule)', () => {
  // The counter and its hits share one row field; a model keeps them apart, so a packing that let
  // hits spill into the counter, or one key's facts into another's, shows up as a difference.
  const table = new CacheKeyTable(0);
  const random = seededRandom(11);
  const keyCount = 40;
  const model = Array.from({ length: keyCount }, () => ({ counter: lfuInitialCounter, hits: 0, decayedAtMinutes: 0, accessedAtSeconds: 0 }));
  for (let index = 0; index < keyCount; index++) {
    const slot = table.insert(key(`k${index}`), 'v', 0);
    // Two keys start near the ceiling (as RESTORE ... FREQ 252 sets them), so the run reaches it.
    if (index < 2) {
      table.setAccessFacts(slot, 0, 252, 0);
      (model[index] as (typeof model)[number]).counter = 252;
    }
  }
  let seconds = 0;
  let counterMaxSeen = 0;
  for (let step = 0; step < 100_000; step++) {
    // Mostly the same few keys within a minute (counters climb to 255), sometimes minutes pass (decay).
    seconds += random.nextIndex(20_000) === 0 ? 60 * (1 + random.nextIndex(3)) : 0;
    const index = random.nextIndex(8) === 0 ? random.nextIndex(keyCount) : random.nextIndex(3);
    const entry = model[index] as (typeof model)[number];
    const periods = Math.floor(seconds / 60) - entry.decayedAtMinutes;
    if (periods > 0) {
      entry.counter = Math.max(0, entry.counter - periods);
      entry.decayedAtMinutes += periods;
    }
    if (entry.counter < 255) {
      entry.hits++;
      if (entry.hits >= Math.max(0, entry.counter - lfuInitialCounter) * 10 + 1) {
        entry.counter++;
        entry.hits = 0;
      }
    }
    entry.accessedAtSeconds = seconds;
    const slot = table.slotOf(key(`k${index}`));
    table.recordAccess(slot, seconds);
    assert.equal(table.lfuCounterAt(slot), entry.counter, `step ${step}, key k${index}`);
    counterMaxSeen = Math.max(counterMaxSeen, entry.counter);
  }
  assert.equal(counterMaxSeen, 255, 'the run reached the counter’s ceiling');
  assert.ok(Math.floor(seconds / 60) >= 2, 'minutes passed: counters decayed');
  for (let index = 0; index < keyCount; index++) {
    const slot = table.slotOf(key(`k${index}`));
    const entry = model[index] as (typeof model)[number];
    assert.equal(table.lfuCounterAt(slot), entry.counter);
    assert.equal(table.lfuDecayedAtMinutesAt(slot), entry.decayedAtMinutes);
    assert.equal(table.accessedAtSecondsAt(slot), entry.accessedAtSeconds);
  }
});
test('a SCAN cursor taken before compaction resumes at the same key', () => {
  const table = new CacheKeyTable(0);
  for (let index = 0; index < 400; index++) table.insert(key(`k${index}`), 'v', 0);
  const first = table.page(0n, 200);
  assert.equal(first.keys.length, 200);
  for (let index = 0; index < 400; index++) if (index % 10 !== 0 && index !== 200) table.remove(key(`k${index}`));
  const next = table.page(first.cursorNext, 1);
  assert.deepEqual(next.keys, [key('k200')]);
  const rest = scanAll(table, 5).filter((name) => Number(name.slice(1)) > 200);
  assert.deepEqual(rest, Array.from({ length: 19 }, (_, index) => key(`k${210 + index * 10}`)));
});

test('drawLive returns only live keys; clear empties the table and later inserts work', () => {
  const table = new CacheKeyTable(0);
  const random = seededRandom(3);
  assert.equal(table.drawLive(random), null);
  for (let index = 0; index < 50; index++) table.insert(key(`k${index}`), 'v', 0);
  for (let index = 0; index < 50; index += 2) table.remove(key(`k${index}`));
  for (let draw = 0; draw < 200; draw++) {
    const drawn = table.drawLive(random);
    if (drawn !== null) assert.ok(table.has(drawn) && Number(drawn.slice(1)) % 2 === 1);
  }
  table.clear();
  assert.equal(table.size, 0);
  assert.deepEqual(table.page(0n, 10), { keys: [], cursorNext: 0n });
  table.insert(key('again'), 'v', 0);
  assert.equal(table.valueAt(table.slotOf(key('again'))), 'v');
});

test('string values of any bytes round-trip through the database on both sides of the inline bound', () => {
  const database = new CacheKeyspace().database(0);
  const lengths = [0, 1, cacheStringInlineBytesMax - 1, cacheStringInlineBytesMax, cacheStringInlineBytesMax + 1, 4096];
  for (const length of lengths) {
    // Every byte value, NUL and invalid UTF-8 (0x80-0xff alone) included.
    const bytes = Buffer.from(Array.from({ length }, (_, index) => (index * 37 + 0x80) % 256));
    database.set({ key: key(`s${length}`), value: CacheStringValue.copyOf(bytes), expireAtMs: null, keepExpiry: false });
    const entry = database.lookup(key(`s${length}`), nowMs);
    assert.ok(entry !== undefined && entry.value.type === 'string');
    assert.deepEqual(entry.value.bytes, bytes, `length ${length}`);
    assert.equal(entry.value.byteLength, length);
    assert.equal(typeof entry.value.data === 'string', length <= cacheStringInlineBytesMax, `stored form at length ${length}`);
  }
});

test('a string given as latin1 text past the inline bound is stored as a Buffer (the data invariant)', () => {
  const long = new CacheStringValue('\xff'.repeat(cacheStringInlineBytesMax + 1));
  assert.ok(Buffer.isBuffer(long.data));
  assert.deepEqual(long.bytes, Buffer.alloc(cacheStringInlineBytesMax + 1, 0xff));
  assert.equal(new CacheStringValue('\x00\xff').data, '\x00\xff');
});

test('entries are snapshots: collections are the stored objects, metadata is as of the lookup', () => {
  const keyspace = new CacheKeyspace();
  keyspace.setCommandTime(nowMs);
  const database = keyspace.database(0);
  const list = new CacheList();
  list.pushTail(Buffer.from('a'));
  database.set({ key: key('l'), value: { type: 'list', list }, expireAtMs: nowMs + 60_000, keepExpiry: false });
  const entry = database.lookup(key('l'), nowMs + 5_000);
  assert.ok(entry !== undefined && entry.value.type === 'list');
  assert.equal(entry.value.list, list);
  assert.equal(entry.expireAtMs, nowMs + 60_000);
  assert.equal(entry.accessedAtSeconds, accessClockSecondsOf(nowMs + 5_000));
  assert.equal(idleMsOf(entry, nowMs + 9_000), 4_000);
  database.setExpiry(key('l'), null);
  assert.equal(entry.expireAtMs, nowMs + 60_000, 'the snapshot does not change');
  assert.equal(database.entryOf(key('l'))?.expireAtMs, null);
});

test('a collection keeps the size counted for it until modified() takes the difference', () => {
  const database = new CacheKeyspace().database(0);
  const list = new CacheList();
  list.pushTail(Buffer.from('a'));
  database.set({ key: key('l'), value: { type: 'list', list }, expireAtMs: null, keepExpiry: false });
  const counted = database.usedMemoryBytes;
  list.pushTail(Buffer.alloc(100));
  assert.equal(database.usedMemoryBytes, counted, 'not counted before modified()');
  database.modified(key('l'));
  assert.ok(database.usedMemoryBytes > counted);
  assert.equal(database.usedMemoryBytes, database.entryOf(key('l'))?.sizeBytes);
  database.delete(key('l'));
  assert.equal(database.usedMemoryBytes, 0);
  assert.ok(new CacheStoredCollection({ type: 'list', list }, 1).countedSizeBytes === 1);
});

test('a value stored as an object replaces the old one without copying the key: a large key costs its bytes once', () => {
  // Every APPEND or SET of a large value, and every collection stored over a string, used to write
  // the whole key again at the arena's end: a 100 MB key took hundreds of MB of arena churn per write.
  const table = new CacheKeyTable(0);
  const keyLength = 100_000;
  const name = key('k'.repeat(keyLength));
  table.insert(name, 'small', 0);
  const list = new CacheStoredCollection({ type: 'list', list: new CacheList() }, 0);
  for (let round = 0; round < 10; round++) {
    table.replaceValueAt(table.slotOf(name), Buffer.alloc(cacheStringInlineBytesMax + 1 + round, round));
    assert.equal(table.arenaUsage.usedBytes - table.arenaUsage.deadBytes, keyLength);
    assert.ok(table.arenaUsage.usedBytes <= keyLength + 'small'.length, `round ${round}: ${table.arenaUsage.usedBytes} bytes used`);
    table.replaceValueAt(table.slotOf(name), list);
    assert.ok(table.arenaUsage.usedBytes <= keyLength + 'small'.length, `round ${round}: ${table.arenaUsage.usedBytes} bytes used`);
    assert.equal(table.valueAt(table.slotOf(name)), list);
  }
  table.replaceValueAt(table.slotOf(name), '');
  assert.equal(table.valueAt(table.slotOf(name)), '');
  table.replaceValueAt(table.slotOf(name), '\x00\xff');
  assert.equal(table.valueAt(table.slotOf(name)), '\x00\xff');
  assert.deepEqual([...table.liveKeys()], [name]);
});
