/**
 * Goal: prove the checkers can fail. Each planted bug (two in the Raft core, one in the simulated
 * driver) must be caught within a bounded number of seeds, by the checkers alone (no check knows
 * which bug is planted).
 * Method: run seeds 1, 2, ... with the bug planted until one reports a violation; assert it
 * happens within `seedCountMax`, and that the violated invariant is one the bug can cause.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { InvariantName } from './errors.js';
import { simulationOptionsDefault, type PlantedBug } from './simulation-options.js';
import { runSimulation } from './simulator.js';

async function firstCatch(bug: PlantedBug, replicaCount: number, seedCountMax: number): Promise<{ seed: number; invariant: InvariantName; detail: string } | undefined> {
  for (let seed = 1; seed <= seedCountMax; seed++) {
    const result = await runSimulation(seed, { ...simulationOptionsDefault, replicaCount, bug });
    if (result.violation !== undefined) return { seed, invariant: result.violation.invariant, detail: result.violation.detail };
  }
  return undefined;
}

test('grant-two-votes is caught as an election-safety violation within 200 seeds', async () => {
  for (const replicaCount of [3, 5]) {
    const caught = await firstCatch('grant-two-votes', replicaCount, 200);
    assert.ok(caught !== undefined, `not caught with ${replicaCount} replicas`);
    assert.equal(caught.invariant, 'election-safety', caught.detail);
  }
});

test('reply-before-fsync is caught within 200 seeds', async () => {
  // A follower that acknowledges entries and then loses them in a crash makes the leader commit
  // what a majority does not hold. The core's own assertion (commit beyond the follower's last
  // index) often trips first; the safety checkers catch the rest.
  const allowed: InvariantName[] = ['crash', 'log-matching', 'leader-completeness', 'state-machine-safety', 'linearizability'];
  for (const replicaCount of [3, 5]) {
    const caught = await firstCatch('reply-before-fsync', replicaCount, 200);
    assert.ok(caught !== undefined, `not caught with ${replicaCount} replicas`);
    assert.ok(allowed.includes(caught.invariant), `${caught.invariant}: ${caught.detail}`);
  }
});

test('count-previous-term-entries is caught within 250 seeds', async () => {
  // The Raft paper's figure 8: found by the leader nemesis (a quarter of the seeds), which crashes
  // and isolates leaders right after they are elected or advance their commit index. The checkers
  // see a leader without an entry committed earlier, or two different entries applied at one index.
  const allowed: InvariantName[] = ['log-matching', 'leader-completeness', 'state-machine-safety', 'linearizability'];
  for (const replicaCount of [3, 5]) {
    const caught = await firstCatch('count-previous-term-entries', replicaCount, 250);
    assert.ok(caught !== undefined, `not caught with ${replicaCount} replicas`);
    assert.ok(allowed.includes(caught.invariant), `${caught.invariant}: ${caught.detail}`);
  }
});
