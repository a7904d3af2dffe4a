/**
 * Goal: Raft's safety properties hold under message loss, reordering, partitions, restarts and
 * log compaction, and the planted bugs break them. Method: a seeded random schedule over a
 * TestNetwork (the full simulator lives in libs/testing); after every step check election safety
 * (one leader per term) and state machine safety (every node applies the same entry at an index).
 * Set SEED=<n> to replay one seed.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isConsensusError } from './errors.js';
import type { TestingBugs } from './raft-config.js';
import { SeededRandom } from './random.js';
import { TestNetwork } from './test-network.js';
import type { NodeId } from './types.js';

interface Violation {
  readonly seed: number;
  readonly step: number;
  readonly description: string;
}

function runSchedule(seed: number, options: { testingBugs?: TestingBugs; stepCount: number }, committed?: number[]): Violation | undefined {
  const random = new SeededRandom(seed);
  const network = new TestNetwork(5, { seed, preVote: seed % 2 === 0, checkQuorum: seed % 3 === 0, ...(options.testingBugs ? { testingBugs: options.testingBugs } : {}) });
  const leaderOfTerm = new Map<number, NodeId>();
  const committedTermAt = new Map<number, number>();
  const appliedCount = new Map<NodeId, number>();
  let proposalCount = 0;
  for (let step = 0; step < options.stepCount; step++) {
    act(network, random, () => `s${seed}-${proposalCount++}`);
    for (const id of network.members.keys()) network.processReady(id);
    for (const member of network.members.values()) {
      const status = member.node.status();
      if (status.role === 'leader') {
        const known = leaderOfTerm.get(status.term);
        if (known !== undefined && known !== member.id) return { seed, step, description: `two leaders in term ${status.term}` };
        leaderOfTerm.set(status.term, member.id);
      }
      for (const entry of member.applied.slice(appliedCount.get(member.id) ?? 0)) {
        const known = committedTermAt.get(entry.index);
        if (known !== undefined && known !== entry.term) return { seed, step, description: `index ${entry.index} applied with terms ${known} and ${entry.term}` };
        committedTermAt.set(entry.index, entry.term);
      }
      appliedCount.set(member.id, member.applied.length);
    }
  }
  committed?.push(committedTermAt.size);
  return undefined;
}

function act(network: TestNetwork, random: SeededRandom, nextValue: () => string): void {
  const memberIds = [...network.members.keys()];
  const pick = (): NodeId => memberIds[random.nextInt(memberIds.length)]!;
  const roll = random.nextInt(100);
  if (roll < 45 && network.queue.length > 0) {
    const [message] = network.queue.splice(random.nextInt(network.queue.length), 1); // Reorders.
    if (random.nextInt(10) > 0) network.members.get(message!.to)!.node.step(message!); // Else lost.
  } else if (roll < 75) {
    network.members.get(pick())!.node.tick();
  } else if (roll < 88) {
    const leader = network.leaders()[0];
    if (leader !== undefined) {
      try {
        network.members.get(leader)!.node.propose(new TextEncoder().encode(nextValue()));
      } catch (error) {
        if (!isConsensusError(error)) throw error;
      }
    }
  } else if (roll < 92) {
    network.heal();
    if (random.nextInt(2) === 0) network.isolate(pick());
  } else if (roll < 95) {
    network.restart(pick()); // Storage holds exactly what was persisted: a clean crash.
  } else if (roll < 97) {
    compact(network, pick());
  }
}

function compact(network: TestNetwork, id: NodeId): void {
  const member = network.members.get(id)!;
  const status = member.node.status();
  const snapshotIndex = member.storage.snapshot().metadata.index;
  if (status.applied <= snapshotIndex + 5) return;
  member.storage.createSnapshot({ index: status.applied, configState: member.node.configState(), data: new Uint8Array() });
  member.storage.compact(status.applied);
}

const seeds = process.env['SEED'] === undefined ? Array.from({ length: 40 }, (_, index) => index + 1) : [Number(process.env['SEED'])];

test('safety holds under loss, reordering, partitions, restarts and compaction', () => {
  const committed: number[] = [];
  for (const seed of seeds) {
    const violation = runSchedule(seed, { stepCount: 3000 }, committed);
    assert.equal(violation, undefined, `SEED=${seed}: ${JSON.stringify(violation)}`);
  }
  // Liveness sanity: the schedules are not so hostile that nothing ever commits.
  assert.ok(committed.every((count) => count > 5), `committed per seed: ${committed.join(',')}`);
});

test('the checks catch the planted bug grantTwoVotesInOneTerm', () => {
  const violations = seeds.map((seed) => runSchedule(seed, { stepCount: 3000, testingBugs: { grantTwoVotesInOneTerm: true } }));
  assert.ok(violations.some((violation) => violation !== undefined), 'no seed exposed the planted bug');
});
