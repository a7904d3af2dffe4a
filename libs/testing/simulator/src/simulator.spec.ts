/**
 * Goal: the simulator finds no violation on the correct system over a CI-sized seed range, and a
 * run is a pure function of (seed, options).
 * Method: run seeds 1..N with 5 and with 3 replicas under the default options and assert every
 * one passes (printing the replay command of any failure); run chosen seeds twice and compare
 * the trace hashes and statistics. SIM_SEEDS=<n> changes the CI seed count.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { simulationOptionsDefault, type SimulationOptions } from './simulation-options.js';
import { runSimulation } from './simulator.js';

const ciSeedCount = Number(process.env['SIM_SEEDS'] ?? 300);

async function expectAllPass(options: SimulationOptions, seedCount: number): Promise<void> {
  const failures: string[] = [];
  let committed = 0;
  let operations = 0;
  for (let seed = 1; seed <= seedCount; seed++) {
    const result = await runSimulation(seed, options);
    if (result.violation !== undefined) failures.push(`${result.violation.invariant}: ${result.violation.detail.split('\n')[0]}\n  replay: ${result.replayCommand}`);
    committed += result.stats.commitIndexMax;
    operations += result.stats.operationCount;
  }
  assert.deepEqual(failures, []);
  // Sanity: the runs are not so hostile that nothing happens.
  assert.ok(committed / seedCount > 20, `mean committed index ${committed / seedCount}`);
  assert.ok(operations / seedCount > 20, `mean client operations ${operations / seedCount}`);
}

test(`${ciSeedCount} seeds with 5 replicas pass every check`, async () => {
  await expectAllPass({ ...simulationOptionsDefault, replicaCount: 5 }, ciSeedCount);
});

test(`${Math.ceil(ciSeedCount / 2)} seeds with 3 replicas pass every check`, async () => {
  await expectAllPass({ ...simulationOptionsDefault, replicaCount: 3 }, Math.ceil(ciSeedCount / 2));
});

test('a seed replays exactly: equal trace hashes and statistics', async () => {
  for (const seed of [7, 8, 4242]) { // Seed 8 runs the leader nemesis.
    const options: SimulationOptions = { ...simulationOptionsDefault, membership: 'on' };
    const first = await runSimulation(seed, options);
    const second = await runSimulation(seed, options);
    assert.equal(first.traceHash, second.traceHash);
    assert.deepEqual(first.stats, second.stats);
    assert.deepEqual(first.violation, second.violation);
  }
});

test('different seeds give different runs, and a planted bug changes the run it affects', async () => {
  const [left, right] = await Promise.all([runSimulation(1, simulationOptionsDefault), runSimulation(2, simulationOptionsDefault)]);
  assert.notEqual(left.traceHash, right.traceHash);
  const bugged = await runSimulation(1, { ...simulationOptionsDefault, bug: 'grant-two-votes' });
  assert.notEqual(bugged.traceHash, left.traceHash);
});

test('the replay command names every non-default option', async () => {
  const result = await runSimulation(3, { ...simulationOptionsDefault, replicaCount: 3, faultPhaseTicks: 50, bug: 'reply-before-fsync' });
  assert.equal(result.replayCommand, 'npm run sim -- --seed 3 --replicas 3 --ticks 50 --bug reply-before-fsync');
});
