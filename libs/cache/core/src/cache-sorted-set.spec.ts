/**
 * CacheSortedSet against a sorted-array model (fast-check, fixed seed): after every operation the
 * order, ranks, select by rank, score and lex ranges, reverse iteration, the memory estimate and the
 * encoding agree with the model; SCAN returns every member exactly once; clones are independent.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cacheCollectionElementOverheadBytes } from './cache-collection-size.js';
import { type KeyText } from './cache-keyspace.js';
import { seededRandom } from './cache-session.spec-helper.js';
import { CacheSortedSet, type CacheLexBound, type CacheSortedSetEntry } from './cache-sorted-set.js';

type Entry = CacheSortedSetEntry;

function compareEntries(a: Entry, b: Entry): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
}

const memberArbitrary = fc
  .array(fc.constantFrom(0, 1, 97, 98, 99, 255), { maxLength: 3 })
  .map((bytes) => String.fromCharCode(...bytes) as KeyText);
const scoreArbitrary = fc.constantFrom(-Infinity, -2, -0.5, 0, 1, 1.5, 3, Infinity);
const lexBoundArbitrary: fc.Arbitrary<CacheLexBound> = fc.oneof(
  fc.constant<CacheLexBound>({ kind: 'minus-infinity' }),
  fc.constant<CacheLexBound>({ kind: 'plus-infinity' }),
  fc.record({ kind: fc.constant('value' as const), value: memberArbitrary, exclusive: fc.boolean() }),
);

type Operation =
  | { kind: 'set'; member: KeyText; score: number }
  | { kind: 'delete'; member: KeyText }
  | { kind: 'scoreRange'; min: number; minExclusive: boolean; max: number; maxExclusive: boolean }
  | { kind: 'lexRange'; min: CacheLexBound; max: CacheLexBound };

const operationArbitrary: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), member: memberArbitrary, score: scoreArbitrary }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), member: memberArbitrary }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('scoreRange' as const),
      min: scoreArbitrary,
      minExclusive: fc.boolean(),
      max: scoreArbitrary,
      maxExclusive: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lexRange' as const), min: lexBoundArbitrary, max: lexBoundArbitrary }) },
);

function lexAbove(member: KeyText, bound: CacheLexBound): boolean {
  if (bound.kind !== 'value') return bound.kind === 'minus-infinity';
  return bound.exclusive ? member > bound.value : member >= bound.value;
}

function lexBelow(member: KeyText, bound: CacheLexBound): boolean {
  if (bound.kind !== 'value') return bound.kind === 'plus-infinity';
  return bound.exclusive ? member < bound.value : member <= bound.value;
}

function checkAgainstModel(zset: CacheSortedSet, model: readonly Entry[]): void {
  assert.equal(zset.length, model.length);
  assert.deepEqual([...zset.values()], model);
  assert.deepEqual([...zset.entries({ start: 0, end: model.length }, true)], [...model].reverse());
  let contentBytes = 0;
  model.forEach((entry, rank) => {
    assert.equal(zset.rank(entry.member), rank);
    assert.equal(zset.score(entry.member), entry.score);
    assert.deepEqual(zset.entryAt(rank), entry);
    contentBytes += entry.member.length;
  });
  assert.equal(zset.sizeBytes, contentBytes + model.length * (cacheCollectionElementOverheadBytes + 8));
}

test('CacheSortedSet agrees with a sorted-array model (property)', () => {
  fc.assert(
    fc.property(fc.array(operationArbitrary, { maxLength: 120 }), (operations) => {
      const zset = new CacheSortedSet();
      let model: Entry[] = [];
      for (const operation of operations) {
        switch (operation.kind) {
          case 'set': {
            const isNew = !model.some((entry) => entry.member === operation.member);
            model = model.filter((entry) => entry.member !== operation.member);
            model.push({ member: operation.member, score: operation.score });
            model.sort(compareEntries);
            assert.equal(zset.set(operation.member, operation.score), isNew);
            break;
          }
          case 'delete': {
            const present = model.some((entry) => entry.member === operation.member);
            model = model.filter((entry) => entry.member !== operation.member);
            assert.equal(zset.delete(operation.member), present);
            assert.equal(zset.rank(operation.member), null);
            assert.equal(zset.score(operation.member), undefined);
            break;
          }
          case 'scoreRange': {
            const inRange = model.filter(
              (entry) =>
                (operation.minExclusive ? entry.score > operation.min : entry.score >= operation.min) &&
                (operation.maxExclusive ? entry.score < operation.max : entry.score <= operation.max),
            );
            const ranks = zset.scoreRangeRanks(operation);
            assert.deepEqual([...zset.entries(ranks)], inRange);
            break;
          }
          case 'lexRange': {
            // Lex ranges are specified for equal scores: check them on a copy with all scores 0.
            const flat = new CacheSortedSet();
            for (const entry of model) flat.set(entry.member, 0);
            const expected = model
              .map((entry) => entry.member)
              .sort()
              .filter((member) => lexAbove(member, operation.min) && lexBelow(member, operation.max));
            const ranks = flat.lexRangeRanks(operation);
            assert.deepEqual(
              [...flat.entries(ranks)].map((entry) => entry.member),
              expected,
            );
            break;
          }
        }
        checkAgainstModel(zset, model);
      }
    }),
    { seed: 20260301, numRuns: 300 },
  );
});

test('CacheSortedSet: large sets keep O(log n) structure consistent; encoding thresholds', () => {
  const zset = new CacheSortedSet();
  for (let index = 0; index < 128; index++) zset.set(`m${index}` as KeyText, index % 10);
  assert.equal(zset.encoding, 'listpack');
  zset.set('m128' as KeyText, 5);
  assert.equal(zset.encoding, 'skiplist');
  zset.delete('m128' as KeyText);
  assert.equal(zset.encoding, 'skiplist', 'conversion is one-way');
  zset.compactEncodingIfSmall();
  assert.equal(zset.encoding, 'listpack');
  zset.set('x'.repeat(65) as KeyText, 1);
  assert.equal(zset.encoding, 'skiplist');
  zset.compactEncodingIfSmall();
  assert.equal(zset.encoding, 'skiplist', 'a 65-byte member keeps the skiplist');
  const small = new CacheSortedSet();
  small.set('x'.repeat(64) as KeyText, 1);
  assert.equal(small.encoding, 'listpack');

  const big = new CacheSortedSet();
  const count = 20_000;
  for (let index = 0; index < count; index++) big.set(`k${index}` as KeyText, (index * 7919) % count);
  for (let index = 0; index < count; index += 2) big.delete(`k${index}` as KeyText);
  for (let index = 1; index < count; index += 4) big.set(`k${index}` as KeyText, -index);
  const values = [...big.values()];
  assert.equal(values.length, count / 2);
  for (let rank = 0; rank < values.length; rank += 97) {
    const entry = values[rank] as Entry;
    assert.equal(big.rank(entry.member), rank);
    assert.deepEqual(big.entryAt(rank), entry);
  }
  for (let index = 1; index < values.length; index++) assert.ok(compareEntries(values[index - 1] as Entry, values[index] as Entry) < 0);
});

test('CacheSortedSet: SCAN returns members present throughout exactly once, under churn', () => {
  const zset = new CacheSortedSet();
  for (let index = 0; index < 500; index++) zset.set(`s${index}` as KeyText, index);
  const seen = new Map<string, number>();
  let cursor = 0n;
  let round = 0;
  do {
    const page = zset.scan(cursor, 10);
    for (const entry of page.entries) seen.set(entry.member, (seen.get(entry.member) ?? 0) + 1);
    cursor = page.cursorNext;
    // Churn: remove and re-add short-lived members, change scores of stable ones.
    zset.set(`tmp${round}` as KeyText, round);
    if (round > 0) zset.delete(`tmp${round - 1}` as KeyText);
    zset.set(`s${round % 500}` as KeyText, -round);
    if (round % 3 === 0) zset.delete(`s${400 + (round % 100)}` as KeyText);
    round++;
  } while (cursor !== 0n);
  for (let index = 0; index < 400; index++) assert.equal(seen.get(`s${index}`), 1, `s${index}`);
});

test('CacheSortedSet: clone is an independent copy', () => {
  const zset = new CacheSortedSet();
  zset.set('a' as KeyText, 1);
  zset.set('b' as KeyText, 2);
  const copy = zset.clone();
  copy.set('c' as KeyText, 0);
  copy.delete('a' as KeyText);
  zset.set('b' as KeyText, -1);
  assert.deepEqual([...zset.values()], [
    { member: 'b', score: -1 },
    { member: 'a', score: 1 },
  ]);
  assert.deepEqual([...copy.values()], [
    { member: 'c', score: 0 },
    { member: 'b', score: 2 },
  ]);
  assert.equal(copy.encoding, 'listpack');
});

/**
 * Large sets, where the B+ tree has three inner levels (leaves of up to 64 entries under inner nodes
 * of up to 64 children) and splits and merges at every level: a seeded run of inserts,
 * score changes (many ties, infinities) and deletes, down to empty and back, checked at checkpoints
 * against a naive model (the member → score map sorted).
 */
test('CacheSortedSet agrees with a sorted-array model on large sets (seeded)', () => {
  const random = seededRandom(20261201);
  const zset = new CacheSortedSet();
  const model = new Map<KeyText, number>();
  const scoreOf = (): number => {
    const draw = random.nextIndex(100);
    if (draw === 0) return -Infinity;
    if (draw === 1) return Infinity;
    if (draw < 30) return random.nextIndex(8);
    return random.nextIndex(50_000) / 4 - 1000;
  };
  const memberOf = (): KeyText => `member:${random.nextIndex(400_000)}` as KeyText;
  const set = (member: KeyText, score: number): void => {
    assert.equal(zset.set(member, score), !model.has(member));
    model.set(member, score);
  };
  const remove = (member: KeyText): void => {
    assert.equal(zset.delete(member), model.delete(member));
  };
  const check = (label: string): void => {
    const sorted = [...model].map(([member, score]) => ({ member, score })).sort(compareEntries);
    assert.equal(zset.length, sorted.length, label);
    assert.deepEqual([...zset.values()], sorted, label);
    if (sorted.length === 0) return;
    for (let sample = 0; sample < 300; sample++) {
      const rank = random.nextIndex(sorted.length);
      const entry = sorted[rank] as Entry;
      assert.equal(zset.rank(entry.member), rank, `${label}: rank of ${entry.member}`);
      assert.deepEqual(zset.entryAt(rank), entry, `${label}: entry at ${rank}`);
      assert.equal(zset.score(entry.member), entry.score);
    }
    for (let sample = 0; sample < 20; sample++) {
      const start = random.nextIndex(sorted.length);
      const end = Math.min(sorted.length, start + random.nextIndex(300));
      assert.deepEqual([...zset.entries({ start, end })], sorted.slice(start, end), `${label}: entries [${start}, ${end})`);
      assert.deepEqual([...zset.entries({ start, end }, true)], sorted.slice(start, end).reverse(), `${label}: reverse entries [${start}, ${end})`);
    }
    for (let sample = 0; sample < 50; sample++) {
      const range = { min: scoreOf(), minExclusive: random.nextIndex(2) === 0, max: scoreOf(), maxExclusive: random.nextIndex(2) === 0 };
      const inRange = (score: number): boolean =>
        (range.minExclusive ? score > range.min : score >= range.min) && (range.maxExclusive ? score < range.max : score <= range.max);
      const first = sorted.findIndex((entry) => inRange(entry.score));
      const count = sorted.filter((entry) => inRange(entry.score)).length;
      const ranks = zset.scoreRangeRanks(range);
      assert.equal(ranks.end - ranks.start, count, `${label}: score range ${JSON.stringify(range)}`);
      if (count > 0) assert.equal(ranks.start, first);
    }
  };

  // Ascending inserts leave leaves and inner nodes half full: three inner levels from ~65,000 on.
  for (let index = 0; index < 120_000; index++) set(`member:${index}` as KeyText, index / 8);
  check('grown in order');
  for (let step = 0; step < 60_000; step++) set(memberOf(), scoreOf());
  check('grown');
  for (let step = 0; step < 100_000; step++) {
    const draw = random.nextIndex(10);
    if (draw < 6) {
      const rank = random.nextIndex(zset.length);
      const { member, score } = zset.entryAt(rank);
      // Small moves mostly stay in their leaf; others cross the tree.
      set(member, draw < 3 ? score + (random.nextIndex(3) - 1) / 1024 : scoreOf());
    } else if (draw < 8) set(memberOf(), scoreOf());
    else remove(memberOf());
  }
  check('churned');
  const members = [...model.keys()];
  for (let index = members.length - 1; index > 0; index--) {
    const other = random.nextIndex(index + 1);
    [members[index], members[other]] = [members[other] as KeyText, members[index] as KeyText];
  }
  for (const [index, member] of members.entries()) {
    remove(member);
    const left = members.length - index - 1;
    if (left === 20_000 || left === 3000 || left === 200 || left === 10 || left === 0) check(`shrunk to ${left}`);
  }
  for (let step = 0; step < 5000; step++) set(memberOf(), scoreOf());
  check('grown again');
});

test('CacheSortedSet: lex ranges on a large set with equal scores (seeded)', () => {
  const random = seededRandom(7);
  const zset = new CacheSortedSet();
  const members = new Set<KeyText>();
  const memberOf = (): KeyText => String.fromCharCode(...Array.from({ length: 1 + random.nextIndex(4) }, () => 97 + random.nextIndex(6))) as KeyText;
  for (let step = 0; step < 20_000; step++) {
    const member = `${memberOf()}${random.nextIndex(1000)}` as KeyText;
    zset.set(member, 0);
    members.add(member);
  }
  const sorted = [...members].sort();
  const boundOf = (): CacheLexBound => {
    const draw = random.nextIndex(10);
    if (draw === 0) return { kind: 'minus-infinity' };
    if (draw === 1) return { kind: 'plus-infinity' };
    return { kind: 'value', value: memberOf(), exclusive: draw < 5 };
  };
  for (let sample = 0; sample < 300; sample++) {
    const min = boundOf();
    const max = boundOf();
    const expected = sorted.filter((member) => lexAbove(member, min) && lexBelow(member, max));
    const ranks = zset.lexRangeRanks({ min, max });
    assert.deepEqual(
      [...zset.entries(ranks)].map((entry) => entry.member),
      expected,
    );
  }
});
