/**
 * RawNode as consensus-runtime's driver uses it during a WAL write: a Ready stays outstanding while
 * messages keep arriving and are stepped, appends and heartbeats leave early
 * (`takeEarlyMessages`), and entries that commit meanwhile are applied early
 * (`takeDurableCommitted`). The deterministic simulator completes a write inside the step that
 * started it, so it never interleaves these; this seeded schedule does: deliveries (reordered,
 * some lost), ticks, proposals and learner additions/removals, Readies started and finished in
 * separate steps, restarts, log compactions and the snapshots they force. Every application is
 * checked: in order with no gap or repeat, of an entry in this node's own storage, stored on a
 * majority, with one term per index across nodes; after `advance`, the core's applied index is the
 * application's, and its membership is the one the applied entries and snapshots give.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isConsensusError } from './errors.js';
import { isDurableAcknowledgement } from './messages.js';
import { SeededRandom } from './random.js';
import { committedBeforePersist, type Ready } from './raw-node.js';
import { TestNetwork, type TestMember } from './test-network.js';
import { decodeConfigChange, nodeId, type Entry, type LogIndex, type NodeId, type Term } from './types.js';

/** The learner the schedule adds and removes (it never runs: messages to it are dropped). */
const learner = nodeId(9);

interface Driver {
  ready: Ready | undefined;
  /** Whether early applies are allowed: the outstanding Ready's own committed entries are applied. */
  applyingDuringWrite: boolean;
  /** The next index this node's application expects. */
  next: number;
  /** Whether the applied entries and snapshots leave `learner` in the membership. */
  learnerIn: boolean;
}

function storedTerm(member: TestMember, index: number): Term | undefined {
  const storage = member.storage;
  if (index < storage.firstIndex() || index > storage.lastIndex()) return undefined;
  return storage.term(index as LogIndex);
}

/** Runs one seeded schedule; returns how many entries were applied through takeDurableCommitted. */
function runSchedule(seed: number, nodeCount: number, stepCount: number): number {
  const random = new SeededRandom(seed);
  const network = new TestNetwork(nodeCount, { seed, preVote: seed % 2 === 0, checkQuorum: seed % 3 === 0 });
  const ids = [...network.members.keys()];
  const drivers = new Map<NodeId, Driver>(ids.map((id) => [id, { ready: undefined, applyingDuringWrite: false, next: 1, learnerIn: false }]));
  const termAt = new Map<number, Term>();
  let appliedEarly = 0;
  let proposalCount = 0;
  const where = (step: number, id: NodeId) => `seed ${seed} step ${step} node ${id}`;

  const apply = (step: number, id: NodeId, entries: readonly Entry[]) => {
    const driver = drivers.get(id)!;
    const member = network.member(id);
    for (const entry of entries) {
      assert.equal(entry.index, driver.next, `${where(step, id)}: applied ${entry.index}, expected ${driver.next}`);
      driver.next = entry.index + 1;
      assert.equal(storedTerm(member, entry.index), entry.term, `${where(step, id)}: applied ${entry.index} is not in its own storage`);
      let stored = 0;
      for (const other of network.members.values()) if (storedTerm(other, entry.index) === entry.term || entry.index < other.storage.firstIndex()) stored++;
      assert.ok(stored * 2 > nodeCount, `${where(step, id)}: applied ${entry.index} is stored on ${stored} of ${nodeCount}`);
      const term = termAt.get(entry.index);
      assert.ok(term === undefined || term === entry.term, `${where(step, id)}: index ${entry.index} applied with terms ${term} and ${entry.term}`);
      termAt.set(entry.index, entry.term);
      member.applied.push(entry);
      if (entry.type === 'config-change') {
        const change = decodeConfigChange(entry.data);
        if (change.nodeId === learner) driver.learnerIn = change.type === 'add-learner';
      }
    }
  };

  const startReady = (step: number, id: NodeId) => {
    const driver = drivers.get(id)!;
    const node = network.node(id);
    if (driver.ready !== undefined || !node.hasReady()) return;
    const ready = node.ready();
    driver.ready = ready;
    for (const message of ready.messages) if (!isDurableAcknowledgement(message)) network.send(message);
    const early = committedBeforePersist(ready);
    apply(step, id, ready.committedEntries.slice(0, early));
    driver.applyingDuringWrite = early === ready.committedEntries.length;
  };

  const finishReady = (step: number, id: NodeId) => {
    const driver = drivers.get(id)!;
    const member = network.member(id);
    const ready = driver.ready;
    if (ready === undefined) return;
    if (ready.snapshot !== undefined) member.storage.applySnapshot(ready.snapshot);
    member.storage.append(ready.entries);
    if (ready.hardState !== undefined) member.storage.setHardState(ready.hardState);
    driver.ready = undefined;
    driver.applyingDuringWrite = false;
    for (const message of ready.messages) if (isDurableAcknowledgement(message)) network.send(message);
    if (ready.snapshot !== undefined) {
      driver.next = ready.snapshot.metadata.index + 1;
      driver.learnerIn = ready.snapshot.metadata.configState.learners.includes(learner);
    }
    apply(step, id, ready.committedEntries.slice(committedBeforePersist(ready)));
    member.node.advance(ready);
    assert.equal(member.node.status().applied, driver.next - 1, `${where(step, id)}: core applied vs application`);
    // A snapshot stepped since is still to come in the next Ready (hasReady): compare without one.
    if (!member.node.hasReady()) {
      assert.equal(member.node.configState().learners.includes(learner), driver.learnerIn, `${where(step, id)}: membership vs applied changes`);
    }
  };

  /** What the driver's turn does after a message or a tick: early messages, early applies. */
  const turn = (step: number, id: NodeId) => {
    const node = network.node(id);
    for (const message of node.takeEarlyMessages()) network.send(message);
    const driver = drivers.get(id)!;
    if (!driver.applyingDuringWrite) return;
    const entries = node.takeDurableCommitted();
    assert.ok(entries.every((entry) => entry.type !== 'config-change'), `${where(step, id)}: a config change was handed out early`);
    appliedEarly += entries.length;
    apply(step, id, entries);
  };

  for (let step = 0; step < stepCount; step++) {
    const roll = random.nextInt(100);
    if (roll < 40) {
      if (network.queue.length === 0) continue;
      // Reordered (any of the first four) and sometimes lost.
      const [message] = network.queue.splice(random.nextInt(Math.min(network.queue.length, 4)), 1);
      if (message === undefined || random.nextInt(20) === 0) continue;
      network.node(message.to).step(message);
      if (random.nextInt(2) === 0) turn(step, message.to);
    } else if (roll < 55) {
      const id = ids[random.nextInt(ids.length)]!;
      network.node(id).tick();
      turn(step, id);
    } else if (roll < 67) {
      const leader = network.leaders()[0];
      if (leader === undefined) continue;
      const node = network.node(leader);
      try {
        if (random.nextInt(8) === 0) node.proposeConfigChange({ type: node.configState().learners.includes(learner) ? 'remove-node' : 'add-learner', nodeId: learner });
        else node.propose(new TextEncoder().encode(`v${proposalCount++}`));
      } catch (error) {
        if (!isConsensusError(error)) throw error;
      }
      if (random.nextInt(2) === 0) turn(step, leader);
    } else if (roll < 80) {
      finishReady(step, ids[random.nextInt(ids.length)]!);
    } else if (roll < 92) {
      startReady(step, ids[random.nextInt(ids.length)]!);
    } else if (roll < 96) {
      turn(step, ids[random.nextInt(ids.length)]!);
    } else if (roll < 97) {
      network.heal();
      if (random.nextInt(2) === 0) network.isolate(ids[random.nextInt(ids.length)]!);
    } else if (roll < 98) {
      // A crash: the outstanding write is lost. The application restarts from the snapshot.
      const id = ids[random.nextInt(ids.length)]!;
      const driver = drivers.get(id)!;
      const storage = network.member(id).storage;
      driver.ready = undefined;
      driver.applyingDuringWrite = false;
      // Entries applied during a write can be ahead of the commit index on disk (it is written with
      // the next Ready); the runtime's log store raises it to the snapshot's index on recovery
      // (raft-log-store.ts), and MemoryStorage needs the same before a restart.
      const hardState = storage.initialState().hardState;
      const snapshotIndex = storage.snapshot().metadata.index;
      if (hardState.commit < snapshotIndex) storage.setHardState({ ...hardState, commit: snapshotIndex });
      network.restart(id);
      driver.next = storage.firstIndex();
      driver.learnerIn = storage.snapshot().metadata.configState.learners.includes(learner);
    } else {
      // Compaction between Readies, up to what is applied (what forces snapshots to laggards).
      const id = ids[random.nextInt(ids.length)]!;
      const member = network.member(id);
      const applied = member.node.status().applied;
      if (drivers.get(id)!.ready === undefined && applied > member.storage.snapshot().metadata.index + 5) {
        member.storage.createSnapshot({ index: applied, configState: member.node.configState(), data: new Uint8Array() });
        member.storage.compact(applied);
      }
    }
  }
  return appliedEarly;
}

test('Readies held outstanding while messages arrive: every node applies the committed log once, in order, durable, with the right membership (3 nodes)', () => {
  let appliedEarly = 0;
  for (let seed = 1; seed <= 300; seed++) appliedEarly += runSchedule(seed, 3, 3000);
  assert.ok(appliedEarly > 1000, `the schedules exercise early applies (${appliedEarly})`);
});

test('Readies held outstanding while messages arrive: the same with 5 nodes', () => {
  let appliedEarly = 0;
  for (let seed = 1; seed <= 100; seed++) appliedEarly += runSchedule(seed, 5, 3000);
  assert.ok(appliedEarly > 500, `the schedules exercise early applies (${appliedEarly})`);
});
