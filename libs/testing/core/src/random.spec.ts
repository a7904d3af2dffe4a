/**
 * Goal: `Random` is a correct xoshiro128** and is deterministic, so a printed seed replays a run.
 *
 * Method: compare raw outputs with the reference C implementation for a fixed state (vectors from
 * https://prng.di.unimi.it/xoshiro128starstar.c compiled with gcc), pin the outputs of every method
 * for a fixed seed so an accidental change of the stream fails loudly, and check ranges and rough
 * uniformity with fast-check over many seeds.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { Random } from './random.js';

test('raw outputs match the xoshiro128** reference for state [1, 2, 3, 4]', () => {
  const random = Random.fromState([1, 2, 3, 4]);
  const outputs = Array.from({ length: 6 }, () => random.nextUint32());
  assert.deepEqual(outputs, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
});

test('a fixed seed yields fixed results from every method', () => {
  const random = Random.fromSeed(42);
  assert.deepEqual([random.nextUint32(), random.nextUint32(), random.nextInt(100)], [2837322924, 38567828, 99]);
  assert.equal(random.nextFloat(), 0.9400933496669093);
  const snapshot = {
    ints: Array.from({ length: 5 }, () => random.nextInt(10)),
    ranged: random.nextIntInRange({ minInclusive: -3, maxInclusive: 3 }),
    chances: Array.from({ length: 4 }, () => random.chance(0.5)),
    picked: random.pick(['a', 'b', 'c']),
    shuffled: random.shuffle([1, 2, 3, 4, 5]),
    forked: random.fork().nextUint32(),
  };
  assert.deepEqual(snapshot, EXPECTED_SEED_42);
});

// Pinned on first run; a change here means every recorded simulation seed replays differently.
const EXPECTED_SEED_42 = {
  ints: [8, 5, 7, 7, 3],
  ranged: 2,
  chances: [true, false, true, true],
  picked: 'b',
  shuffled: [5, 1, 2, 3, 4],
  forked: 2480096956,
};

test('equal seeds give equal streams and different seeds differ', () => {
  fc.assert(
    fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (seed) => {
      const first = Random.fromSeed(seed);
      const second = Random.fromSeed(seed);
      const other = Random.fromSeed(seed === 0 ? 1 : seed - 1);
      const firstOutputs = Array.from({ length: 8 }, () => first.nextUint32());
      assert.deepEqual(firstOutputs, Array.from({ length: 8 }, () => second.nextUint32()));
      assert.notDeepEqual(firstOutputs, Array.from({ length: 8 }, () => other.nextUint32()));
    }),
  );
});

test('nextInt, nextIntInRange and nextFloat stay in their ranges', () => {
  fc.assert(
    fc.property(fc.nat(), fc.integer({ min: 1, max: 2 ** 32 }), fc.integer({ min: -50, max: 50 }), (seed, maxExclusive, low) => {
      const random = Random.fromSeed(seed);
      for (let draw = 0; draw < 20; draw += 1) {
        const value = random.nextInt(maxExclusive);
        assert.ok(Number.isInteger(value) && value >= 0 && value < maxExclusive);
        const ranged = random.nextIntInRange({ minInclusive: low, maxInclusive: low + 7 });
        assert.ok(ranged >= low && ranged <= low + 7);
        const float = random.nextFloat();
        assert.ok(float >= 0 && float < 1);
      }
    }),
  );
});

test('nextInt is roughly uniform and chance follows its probability', () => {
  const random = Random.fromSeed(7);
  const bucketCounts = new Array<number>(10).fill(0);
  const drawCount = 100_000;
  for (let draw = 0; draw < drawCount; draw += 1) bucketCounts[random.nextInt(10)]! += 1;
  for (const count of bucketCounts) assert.ok(Math.abs(count - drawCount / 10) < 600, `bucket count ${count}`);
  let hitCount = 0;
  for (let draw = 0; draw < drawCount; draw += 1) if (random.chance(0.3)) hitCount += 1;
  assert.ok(Math.abs(hitCount - drawCount * 0.3) < 800, `hit count ${hitCount}`);
  assert.equal(random.chance(0), false);
  assert.equal(random.chance(1), true);
});

test('shuffle returns a permutation and leaves its input alone', () => {
  const random = Random.fromSeed(3);
  const input = Object.freeze([1, 2, 3, 4, 5, 6, 7, 8]);
  const shuffled = random.shuffle(input);
  assert.deepEqual([...shuffled].sort((left, right) => left - right), [...input]);
  assert.deepEqual(random.shuffle([]), []);
});

test('forks are independent of later use of the parent', () => {
  const parent = Random.fromSeed(99);
  const child = parent.fork();
  const childOutputs = Array.from({ length: 4 }, () => child.nextUint32());
  const replayParent = Random.fromSeed(99);
  const replayChild = replayParent.fork();
  replayParent.nextUint32(); // Using the parent must not change the child's stream.
  assert.deepEqual(Array.from({ length: 4 }, () => replayChild.nextUint32()), childOutputs);
  const grandchild = child.fork();
  assert.notDeepEqual(
    Array.from({ length: 4 }, () => grandchild.nextUint32()),
    Array.from({ length: 4 }, () => parent.nextUint32()),
  );
});

test('invalid arguments are programmer errors', () => {
  const random = Random.fromSeed(1);
  assert.throws(() => random.nextInt(0), { name: 'AssertionError' });
  assert.throws(() => random.nextInt(1.5), { name: 'AssertionError' });
  assert.throws(() => random.pick([]), { name: 'AssertionError' });
  assert.throws(() => random.chance(1.5), { name: 'AssertionError' });
  assert.throws(() => Random.fromSeed(-1), { name: 'AssertionError' });
  assert.throws(() => Random.fromState([0, 0, 0, 0]), { name: 'AssertionError' });
});
