/**
 * Goal: the majority arithmetic agrees with a slow, obvious definition (etcd-io/raft
 * quorum/quick_test.go). Method: fast-check properties over random voter sets and indexes, plus the
 * determinism of SeededRandom.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { majorityCommittedIndex, majorityVoteResult } from './quorum.js';
import { SeededRandom } from './random.js';
import type { LogIndex, NodeId } from './types.js';

/** The largest index such that a majority of voters acknowledged at least it. */
function obviousCommittedIndex(acknowledged: number[]): number {
  const candidates = [0, ...acknowledged];
  return Math.max(...candidates.filter((index) => acknowledged.filter((each) => each >= index).length * 2 > acknowledged.length));
}

test('majorityCommittedIndex equals the largest index a majority acknowledged', () => {
  fc.assert(
    fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 9 }), (acknowledged) => {
      const voters = new Set(acknowledged.map((_, index) => (index + 1) as NodeId));
      const result = majorityCommittedIndex(voters, (id) => acknowledged[id - 1] as LogIndex);
      assert.equal(result, obviousCommittedIndex(acknowledged));
    }),
    { seed: 42, numRuns: 500 },
  );
});

test('majorityVoteResult: won with a majority of grants, lost once a majority is out of reach', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom<boolean | undefined>(true, false, undefined), { minLength: 1, maxLength: 9 }), (votes) => {
      const voters = new Set(votes.map((_, index) => (index + 1) as NodeId));
      const votesById = new Map<NodeId, boolean>();
      votes.forEach((vote, index) => vote !== undefined && votesById.set((index + 1) as NodeId, vote));
      const granted = votes.filter((vote) => vote === true).length;
      const possible = votes.filter((vote) => vote !== false).length;
      const expected = granted * 2 > votes.length ? 'won' : possible * 2 > votes.length ? 'pending' : 'lost';
      assert.equal(majorityVoteResult(voters, votesById), expected);
    }),
    { seed: 42, numRuns: 500 },
  );
});

test('SeededRandom is deterministic per seed and stays within bounds', () => {
  const left = new SeededRandom(7);
  const right = new SeededRandom(7);
  const values = Array.from({ length: 100 }, () => left.nextInt(10));
  assert.deepEqual(values, Array.from({ length: 100 }, () => right.nextInt(10)));
  assert.ok(values.every((value) => value >= 0 && value < 10));
  assert.equal(new Set(values).size, 10);
  const other = new SeededRandom(8);
  assert.notDeepEqual(values, Array.from({ length: 100 }, () => other.nextInt(10)));
});
