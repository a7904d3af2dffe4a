/**
 * Goal: check each feature of the core end to end: pre-vote, check-quorum, ReadIndex, snapshots,
 * membership changes, leadership transfer, flow control, and the planted test-only bugs.
 * Method: small in-memory clusters (TestNetwork) driven deterministically by ticks, campaigns,
 * proposals and cut links; white-box RaftCore checks where a scenario is easier to set up by hand.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { isConsensusError, NotLeaderError, ProposalDroppedError } from './errors.js';
import type { Message } from './messages.js';
import { ids, newTestRaft, takeMessages, testConfig, TestNetwork } from './test-network.js';
import { committedBeforePersist } from './raw-node.js';
import { RaftCore } from './raft-core.js';
import { MemoryStorage } from './storage.js';
import { nodeId, type Entry, type LogIndex, type Term } from './types.js';

const n = nodeId;
const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const entry = (term: number, index: number): Entry => ({ term: term as Term, index: index as LogIndex, type: 'normal', data: new Uint8Array() });

function electedNetwork(size: number, options: ConstructorParameters<typeof TestNetwork>[1] = {}): TestNetwork {
  const network = new TestNetwork(size, options);
  network.campaign(1);
  assert.deepEqual(network.leaders(), [1]);
  return network;
}

test('a single node elects itself and commits its proposals', () => {
  const network = electedNetwork(1);
  network.propose(1, 'a');
  network.propose(1, 'b');
  assert.deepEqual(network.appliedTexts(1), ['a', 'b']);
});

test('three nodes elect a leader and apply the same entries in the same order', () => {
  const network = electedNetwork(3);
  for (const value of ['a', 'b', 'c']) network.propose(1, value);
  network.tickAll(1); // The heartbeat carries the final commit index to followers.
  for (const id of [1, 2, 3]) assert.deepEqual(network.appliedTexts(id), ['a', 'b', 'c']);
  assert.equal(network.node(2).status().leaderId, 1);
});

test('a follower refuses proposals with NotLeaderError naming the leader', () => {
  const network = electedNetwork(3);
  assert.throws(() => network.node(2).propose(text('x')), (error: unknown) => {
    assert.ok(error instanceof NotLeaderError && isConsensusError(error));
    assert.equal(error.leaderId, 1);
    assert.equal(error.code, 'NotLeader');
    return true;
  });
});

test('a leader cut off from the others steps down once they elect a new leader and links heal', () => {
  const network = electedNetwork(3);
  network.isolate(1);
  network.campaign(2);
  assert.equal(network.node(2).status().role, 'leader');
  network.heal();
  network.tick(2, 1);
  assert.equal(network.node(1).status().role, 'follower');
  assert.equal(network.node(1).status().leaderId, 2);
  assert.equal(network.node(1).status().term, network.node(2).status().term);
});

test('pre-vote: a partitioned node does not raise its term nor disrupt the leader when it returns', () => {
  for (const preVote of [true, false]) {
    const network = electedNetwork(3, { preVote });
    const termBefore = network.node(1).status().term;
    network.isolate(3);
    network.tick(3, 100);
    network.heal();
    network.tickAll(30);
    const leaderTerm = network.node(1).status().term;
    if (preVote) {
      assert.equal(network.node(3).status().term, termBefore);
      assert.deepEqual(network.leaders(), [1]);
      assert.equal(leaderTerm, termBefore);
    } else {
      assert.ok(leaderTerm > termBefore, 'without pre-vote the returning node forces a new term');
    }
  }
});

test('check-quorum: a leader that cannot reach a quorum steps down within an election timeout', () => {
  const network = electedNetwork(3, { checkQuorum: true });
  network.isolate(1);
  network.tick(1, 10);
  assert.equal(network.node(1).status().role, 'leader', 'the first check saw recent activity');
  network.tick(1, 10);
  assert.equal(network.node(1).status().role, 'follower');
});

test('check-quorum: followers with a live leader ignore vote requests (leader lease)', () => {
  const network = electedNetwork(3, { checkQuorum: true });
  const termBefore = network.node(1).status().term;
  network.campaign(3); // Nodes 1 and 2 heard from the leader recently: they ignore node 3.
  assert.equal(network.node(1).status().role, 'leader');
  assert.equal(network.node(2).status().term, termBefore);
  assert.equal(network.node(3).status().role, 'candidate');
  // As in etcd (TestFreeStuckCandidateWithCheckQuorum), the next heartbeat meets the stuck
  // candidate's higher term and the leader steps down; pre-vote avoids the disruption entirely.
});

test('ReadIndex on the leader answers with the commit index after a heartbeat quorum', () => {
  const network = electedNetwork(3);
  network.propose(1, 'a');
  const context = text('read-1');
  network.node(1).readIndex(context);
  network.stabilize();
  const readStates = network.member(1).readStates;
  assert.equal(readStates.length, 1);
  assert.deepEqual(readStates[0]!.context, context);
  assert.equal(readStates[0]!.index, network.node(1).status().commit);
});

test('ReadIndex on an isolated leader is never confirmed', () => {
  const network = electedNetwork(3);
  network.isolate(1);
  network.node(1).readIndex(text('read-1'));
  network.tick(1, 5);
  assert.deepEqual(network.member(1).readStates, []);
});

test('ReadIndex on a follower is forwarded to the leader and answered to the follower', () => {
  const network = electedNetwork(3);
  network.propose(1, 'a');
  network.node(2).readIndex(text('read-2'));
  network.stabilize();
  const readStates = network.member(2).readStates;
  assert.equal(readStates.length, 1);
  assert.equal(readStates[0]!.index, network.node(1).status().commit);
});

test('ReadIndex on a node without a known leader throws NotLeaderError', () => {
  const network = new TestNetwork(3);
  assert.throws(() => network.node(2).readIndex(text('r')), NotLeaderError);
});

test('a lagging follower receives a snapshot once the leader compacted its log', () => {
  const network = electedNetwork(3);
  network.isolate(3);
  for (let index = 0; index < 10; index++) network.propose(1, `v${index}`);
  const leader = network.member(1);
  const applied = leader.node.status().applied;
  leader.storage.createSnapshot({ index: applied, configState: leader.node.configState(), data: text('image') });
  leader.storage.compact(applied);
  network.heal();
  network.tick(1, 2);
  network.propose(1, 'after');
  network.tickAll(1);
  const follower = network.member(3);
  assert.equal(follower.storage.snapshot().metadata.index, applied);
  assert.deepEqual(follower.storage.snapshot().data, text('image'));
  assert.equal(follower.node.status().commit, leader.node.status().commit);
  assert.deepEqual(network.appliedTexts(3), ['after']);
  assert.equal(network.node(1).status().progress.get(n(3))?.state, 'replicate');
});

test('membership: adding a voter replicates the log to it and counts it toward commit', () => {
  const network = electedNetwork(3);
  network.propose(1, 'a');
  network.addMember(n(4), { voters: ids(3), learners: [] }); // Joins with the bootstrap membership.
  network.node(1).proposeConfigChange({ type: 'add-voter', nodeId: n(4) });
  network.stabilize();
  network.tickAll(1);
  assert.deepEqual(network.node(1).configState().voters, ids(4));
  assert.deepEqual(network.node(4).configState().voters, ids(4));
  // Four voters: 1 and 4 alone are no majority, 1, 2 and 4 are.
  network.isolate(3);
  network.cut(1, 2);
  const lost = network.propose(1, 'needs-three').index;
  assert.ok(network.node(1).status().commit < lost);
  network.heal();
  network.isolate(3);
  network.tick(1, 1);
  assert.ok(network.node(1).status().commit >= lost);
  assert.deepEqual(network.appliedTexts(4), ['a', 'needs-three']);
});

test('membership: a removed voter no longer counts, and a removed leader steps down', () => {
  const network = electedNetwork(3);
  network.node(1).proposeConfigChange({ type: 'remove-node', nodeId: n(3) });
  network.stabilize();
  assert.deepEqual(network.node(1).configState().voters, ids(2));
  network.isolate(3);
  network.propose(1, 'two-of-two');
  assert.deepEqual(network.appliedTexts(1), ['two-of-two']);
  network.heal();
  network.node(1).proposeConfigChange({ type: 'remove-node', nodeId: n(1) });
  network.stabilize();
  assert.equal(network.node(1).status().role, 'follower');
  assert.deepEqual(network.node(2).configState().voters, [2]);
  network.tick(2, 20);
  assert.deepEqual(network.leaders(), [2]);
});

test('membership: a learner receives the log without voting, then is promoted', () => {
  const network = electedNetwork(3);
  network.addMember(n(4), { voters: ids(3), learners: [] });
  network.node(1).proposeConfigChange({ type: 'add-learner', nodeId: n(4) });
  network.stabilize();
  network.propose(1, 'a');
  network.tickAll(1);
  assert.deepEqual(network.node(1).configState(), { voters: ids(3), learners: [4] });
  assert.deepEqual(network.appliedTexts(4), ['a']);
  network.tick(4, 50);
  assert.equal(network.node(4).status().role, 'follower', 'a learner never campaigns');
  network.node(1).proposeConfigChange({ type: 'add-voter', nodeId: n(4) });
  network.stabilize();
  assert.deepEqual(network.node(1).configState(), { voters: ids(4), learners: [] });
});

test('membership: one change at a time, and a new leader first commits an entry of its term', () => {
  const network = electedNetwork(3);
  network.node(1).proposeConfigChange({ type: 'add-learner', nodeId: n(4) });
  assert.throws(
    () => network.node(1).proposeConfigChange({ type: 'add-learner', nodeId: n(5) }),
    (error: unknown) => error instanceof ProposalDroppedError && error.reason === 'config-change-pending',
  );
  const raft = newTestRaft(1, ids(3));
  raft.becomeCandidate();
  raft.becomeLeader();
  assert.throws(
    () => raft.proposeConfigChange({ type: 'remove-node', nodeId: n(3) }),
    (error: unknown) => error instanceof ProposalDroppedError && error.reason === 'config-change-pending',
  );
});

test('membership: invalid changes are refused with InvalidConfigChangeError', () => {
  const network = electedNetwork(1);
  assert.throws(() => network.node(1).proposeConfigChange({ type: 'remove-node', nodeId: n(1) }), /would leave no voters/);
  assert.throws(() => network.node(1).proposeConfigChange({ type: 'add-voter', nodeId: n(1) }), /already a voter/);
  assert.throws(() => network.node(1).proposeConfigChange({ type: 'remove-node', nodeId: n(9) }), /not a member/);
});

test('leadership transfer: the target catches up and takes over at once', () => {
  const network = electedNetwork(3);
  network.isolate(2);
  network.propose(1, 'a');
  network.heal();
  network.node(1).transferLeadership(n(2));
  network.stabilize();
  assert.deepEqual(network.leaders(), [2]);
  assert.equal(network.node(1).status().leaderId, 2);
  network.node(3).transferLeadership(n(3)); // Forwarded by a follower.
  network.stabilize();
  assert.deepEqual(network.leaders(), [3]);
});

test('leadership transfer: proposals are dropped meanwhile, and an unreachable target is abandoned', () => {
  const network = electedNetwork(3);
  network.isolate(2);
  network.node(1).transferLeadership(n(2));
  network.stabilize();
  assert.throws(
    () => network.node(1).propose(text('x')),
    (error: unknown) => error instanceof ProposalDroppedError && error.reason === 'leadership-transfer-in-progress',
  );
  network.tick(1, 10);
  assert.equal(network.node(1).status().leadTransferee, undefined);
  network.propose(1, 'accepted');
  assert.deepEqual(network.appliedTexts(1), ['accepted']);
});

test('flow control: at most inflightMessageCountMax MsgApp are in flight to a follower', () => {
  const network = electedNetwork(3, { inflightMessageCountMax: 2, messageSizeBytesMax: 30 });
  let appendsToTwo = 0;
  network.filter = (message) => {
    if (message.to === 2 && message.type === 'MsgApp' && message.entries.length > 0) appendsToTwo++;
    return !(message.from === 2 && message.type === 'MsgAppResp');
  };
  for (let index = 0; index < 10; index++) network.propose(1, `v${index}`);
  assert.equal(appendsToTwo, 2);
  assert.equal(network.node(1).status().progress.get(n(2))?.inflightMessageCount, 2);
  network.heal();
  network.tickAll(3);
  assert.equal(network.appliedTexts(2).length, 10);
  assert.equal(network.node(1).status().progress.get(n(2))?.match, network.node(1).status().lastIndex);
});

test('flow control: batching puts several entries in one MsgApp up to messageSizeBytesMax', () => {
  const network = electedNetwork(2, { messageSizeBytesMax: 1000 });
  network.isolate(2);
  for (let index = 0; index < 10; index++) network.propose(1, `v${index}`);
  const batches: number[] = [];
  network.heal();
  network.filter = (message) => {
    if (message.type === 'MsgApp' && message.entries.length > 0) batches.push(message.entries.length);
    return true;
  };
  network.tick(1, 1);
  assert.ok(batches.some((count) => count >= 10), `batches: ${batches.join(',')}`);
});

test('restart: a node recovers term, vote and log from storage and catches up', () => {
  const network = electedNetwork(3);
  network.propose(1, 'a');
  const before = network.node(2).status();
  network.restart(2);
  const after = network.node(2).status();
  assert.equal(after.term, before.term);
  assert.equal(after.lastIndex, before.lastIndex);
  network.propose(1, 'b');
  network.tickAll(1);
  assert.deepEqual(network.appliedTexts(2), ['a', 'a', 'b']); // 'a' is applied again after restart.
});

test('planted bug grantTwoVotesInOneTerm: a second candidate in the same term gets a vote', () => {
  for (const bug of [false, true]) {
    const storage = new MemoryStorage({ configState: { voters: ids(3), learners: [] } });
    storage.setHardState({ term: 1 as Term, vote: n(2), commit: 0 as LogIndex });
    const raft = new RaftCore(testConfig(n(1), storage, { testingBugs: { grantTwoVotesInOneTerm: bug } }));
    raft.step({ type: 'MsgVote', from: n(3), to: n(1), term: 1 as Term, index: 0 as LogIndex, logTerm: 0 as Term, leadershipTransfer: false });
    const [response] = takeMessages(raft);
    assert.ok(response?.type === 'MsgVoteResp');
    assert.equal(response.reject, !bug);
  }
});

test('planted bug countPreviousTermEntriesTowardCommit: commits an old-term entry by counting replicas', () => {
  for (const bug of [false, true]) {
    const storage = new MemoryStorage({ configState: { voters: ids(3), learners: [] } });
    storage.append([entry(1, 1), entry(2, 2)]);
    storage.setHardState({ term: 2 as Term, vote: undefined, commit: 0 as LogIndex });
    const raft = new RaftCore(testConfig(n(1), storage, { testingBugs: { countPreviousTermEntriesTowardCommit: bug } }));
    raft.becomeCandidate();
    raft.becomeLeader();
    raft.step({ type: 'MsgAppResp', from: n(2), to: n(1), term: raft.term, index: 2 as LogIndex, reject: false, rejectHint: 0 as LogIndex, logTerm: 0 as Term });
    assert.equal(raft.log.committed, bug ? 2 : 0);
  }
});

test('configuration is validated at construction', () => {
  const storage = new MemoryStorage();
  assert.throws(() => new RaftCore({ ...testConfig(n(1), storage), heartbeatIntervalTicks: 10 }), /heartbeatIntervalTicks/);
  assert.throws(() => new RaftCore({ ...testConfig(n(1), storage), inflightMessageCountMax: 0 }), /inflightMessageCountMax/);
});

test('proposeBatch replicates a batch with one MsgApp per follower and refuses on a follower', () => {
  const network = electedNetwork(3);
  const results = network.node(1).proposeBatch(['a', 'b', 'c'].map(text));
  // Index 1 holds the leader's empty entry of its term.
  assert.deepEqual(results.map((result) => (isConsensusError(result) ? result.code : result.index)), [2, 3, 4]);
  const ready = network.node(1).ready();
  const appends = ready.messages.filter((message) => message.type === 'MsgApp');
  assert.deepEqual(appends.map((message) => [message.to, message.type === 'MsgApp' ? message.entries.length : 0]), [[2, 3], [3, 3]]);
  network.processReadyAfter(1, ready);
  network.stabilize();
  network.tickAll(1);
  for (const id of [1, 2, 3]) assert.deepEqual(network.appliedTexts(id), ['a', 'b', 'c']);
  const refused = network.node(2).proposeBatch([text('x')]);
  assert.ok(refused[0] instanceof NotLeaderError && refused[0].leaderId === 1);
});

test('takeEarlyMessages hands out appends while a Ready is outstanding, never durable acknowledgements', () => {
  const network = electedNetwork(3);
  network.propose(1, 'a');
  network.tickAll(1);
  // The leader's Ready for "b" is outstanding (being persisted) when "c" is proposed.
  network.node(1).propose(text('b'));
  const outstanding = network.node(1).ready();
  network.node(1).propose(text('c'));
  assert.equal(network.node(1).hasReady(), false);
  const early = network.node(1).takeEarlyMessages();
  assert.deepEqual(early.map((message) => [message.type, message.to]), [['MsgApp', 2], ['MsgApp', 3]]);
  // A follower answers the early append only through its next Ready (after persisting it).
  for (const message of early) network.node(message.to).step(message);
  assert.deepEqual(network.node(2).takeEarlyMessages(), []);
  assert.ok(network.node(2).ready().messages.every((message) => message.type === 'MsgAppResp'));
  network.processReadyAfter(1, outstanding);
});

test('committedBeforePersist: entries an earlier fsync committed may be applied before the next fsync; entries of this Ready or after a snapshot may not', () => {
  const network = electedNetwork(1);
  const leader = network.node(1);
  leader.propose(text('b'));
  const first = leader.ready();
  assert.deepEqual(first.committedEntries, [], 'b is not committed before the leader persisted it');
  network.processReadyAfter(1, first);
  leader.propose(text('c'));
  const second = leader.ready();
  assert.deepEqual(
    [second.entries.map((e) => e.index), second.committedEntries.map((e) => e.index)],
    [[first.entries[0]!.index + 1], [first.entries[0]!.index]],
  );
  assert.equal(committedBeforePersist(second), 1, 'b is durable here already');
  network.processReadyAfter(1, second);
  // A follower can learn in one Ready that entries it has not persisted yet are committed.
  const follower = { softState: undefined, hardState: undefined, messages: [], readStates: [], snapshot: undefined };
  assert.equal(committedBeforePersist({ ...follower, entries: [entry(1, 5), entry(1, 6)], committedEntries: [entry(1, 3), entry(1, 4), entry(1, 5)] }), 2);
  assert.equal(committedBeforePersist({ ...follower, entries: [], committedEntries: [entry(1, 3), entry(1, 4)] }), 2);
  const snapshot = { data: new Uint8Array(), metadata: { index: 2 as LogIndex, term: 1 as Term, configState: { voters: ids(1), learners: [] } } };
  assert.equal(committedBeforePersist({ ...follower, snapshot, entries: [], committedEntries: [entry(1, 3)] }), 0);
});

test('takeDurableCommitted: while the leader writes batch b, batch a (durable, acknowledged meanwhile) is handed out once, before b', () => {
  const network = electedNetwork(3);
  const leader = network.node(1);
  assert.deepEqual(leader.takeDurableCommitted(), [], 'no Ready outstanding');
  leader.propose(text('a'));
  network.processReadyAfter(1, leader.ready()); // a is durable on the leader; its appends are in flight
  leader.propose(text('b'));
  const writingB = leader.ready();
  assert.deepEqual(writingB.committedEntries, [], 'a is not acknowledged yet');
  assert.deepEqual(leader.takeDurableCommitted(), []);
  network.stabilize(); // the followers persist a and acknowledge it while the leader still writes b
  const early = leader.takeDurableCommitted();
  assert.deepEqual(early.map((e) => new TextDecoder().decode(e.data)), ['a']);
  assert.deepEqual(leader.takeDurableCommitted(), [], 'handed out once');
  network.member(1).applied.push(...early);
  network.processReadyAfter(1, writingB);
  assert.equal(leader.status().applied, early[0]!.index, 'the advance of b\'s Ready confirms a applied');
  network.stabilize();
  network.tickAll(1);
  for (const id of [1, 2, 3]) assert.deepEqual(network.appliedTexts(id), ['a', 'b'], `node ${id}`);
});

test('takeDurableCommitted: a follower that learns, during its write, that the entry it is writing is committed does not get it early', () => {
  const network = electedNetwork(3);
  const leader = network.node(1);
  const follower = network.node(2);
  const decode = (e: Entry) => new TextDecoder().decode(e.data);
  leader.propose(text('x'));
  network.processReady(n(1)); // the leader persists x; its appends are in flight
  const toFollower = network.queue.filter((m) => m.to === 2);
  const toOther = network.queue.filter((m) => m.to === 3);
  network.queue.length = 0;
  for (const message of toOther) network.node(3).step(message);
  network.processReady(n(3));
  for (const message of network.queue.splice(0)) if (message.to === 1) leader.step(message); // x commits
  network.processReady(n(1));
  network.queue.length = 0;
  const xIndex = leader.status().commit;
  for (const message of toFollower) follower.step(message);
  const writingX = follower.ready();
  assert.deepEqual(writingX.entries.map(decode), ['x']);
  leader.propose(text('y'));
  network.processReady(n(1));
  for (const message of network.queue.splice(0)) if (message.to === 2) follower.step(message); // y's append says x is committed
  assert.equal(follower.status().commit, xIndex, 'the follower learnt that x is committed while writing it');
  assert.deepEqual(follower.takeDurableCommitted(), [], 'x is not durable here yet');
  network.processReadyAfter(2, writingX);
  network.stabilize();
  assert.deepEqual(network.appliedTexts(2), ['x', 'y']);
});

test('takeDurableCommitted: a new leader truncates a follower below its outstanding Ready; only the durable committed prefix is handed out', () => {
  const network = new TestNetwork(3);
  network.campaign(1);
  network.propose(1, 'a');
  const oldLeader = () => network.node(1);
  const follower = network.node(2);
  const other = network.node(3);
  const decode = (e: Entry) => new TextDecoder().decode(e.data);
  const deliver = (messages: readonly Message[]) => {
    for (const message of messages) network.node(message.to).step(message);
  };
  // p is sent; then b and c (never persisted by node 1) are sent. p commits through node 3's
  // acknowledgement (node 2's is lost), and only node 3 learns it.
  oldLeader().propose(text('p'));
  network.processReady(n(1));
  const appendP = network.queue.splice(0);
  oldLeader().propose(text('b'));
  const appendB = oldLeader().takeEarlyMessages().filter((m) => m.to === 2 && m.type === 'MsgApp');
  oldLeader().propose(text('c'));
  const appendC = oldLeader().takeEarlyMessages().filter((m) => m.to === 2 && m.type === 'MsgApp');
  deliver(appendP);
  network.processReady(n(2));
  network.processReady(n(3));
  for (const message of network.queue.splice(0)) if (message.from === 3) oldLeader().step(message);
  oldLeader().takeEarlyMessages();
  oldLeader().tick();
  for (const message of oldLeader().takeEarlyMessages()) if (message.to === 3 && message.type === 'MsgHeartbeat') other.step(message);
  network.processReady(n(3));
  network.queue.length = 0;
  const pIndex = other.status().commit;
  assert.ok(follower.status().commit < pIndex);
  network.restart(1); // node 1 crashes with b and c unpersisted
  deliver(appendB);
  network.processReady(n(2)); // b is durable on node 2 (its acknowledgement is lost)
  network.queue.length = 0;
  deliver(appendC);
  const writingC = follower.ready();
  assert.deepEqual(writingC.entries.map(decode), ['c']);
  // Node 3 wins the next term with node 1's vote; its append truncates node 2's log at b, below the outstanding Ready.
  other.campaign();
  network.processReady(n(3));
  for (const message of network.queue.splice(0)) if (message.to === 1) oldLeader().step(message);
  network.processReady(n(1));
  for (const message of network.queue.splice(0)) if (message.to === 3) other.step(message);
  network.processReady(n(3));
  assert.equal(other.status().role, 'leader');
  deliver(network.queue.splice(0)); // to node 2: its vote request (refused) and an append replacing b, with commit p
  assert.equal(follower.status().commit, pIndex);
  network.processReady(n(1));
  for (const message of network.queue.splice(0)) if (message.to === 3) other.step(message); // node 1 acknowledges: the new entry commits
  network.processReady(n(3));
  network.queue.length = 0;
  other.tick();
  for (let round = 0; round < 4; round++) {
    for (const message of other.takeEarlyMessages()) if (message.to === 2) follower.step(message);
    for (const message of follower.takeEarlyMessages()) other.step(message);
  }
  assert.ok(follower.status().commit > pIndex, 'node 2 learnt that the new leader\'s entry (not durable here) is committed');
  const early = follower.takeDurableCommitted();
  assert.deepEqual(early.map(decode), ['p']);
  assert.deepEqual(follower.takeDurableCommitted(), []);
  network.member(2).applied.push(...early);
  network.queue.length = 0;
  network.processReadyAfter(2, writingC);
  network.stabilize();
  network.tickAll(3);
  assert.deepEqual(network.appliedTexts(2), ['a', 'p']);
  const appliedIds = (id: number) => network.member(id).applied.map((e) => `${e.index}/${e.term}`);
  assert.deepEqual(appliedIds(2), appliedIds(3));
});

test('a snapshot stepped in while a Ready is out keeps its membership: the Ready\'s older config change does not undo it at advance', () => {
  const network = electedNetwork(3);
  const leader = network.node(1);
  const follower = network.node(3);
  leader.proposeConfigChange({ type: 'add-learner', nodeId: n(9) });
  network.processReady(n(1));
  const toFollower = network.queue.filter((m) => m.to === 3);
  for (const message of network.queue.splice(0)) if (message.to === 2) network.node(2).step(message);
  network.processReady(n(2));
  for (const message of network.queue.splice(0)) if (message.to === 1) leader.step(message);
  network.processReady(n(1)); // the change commits and applies on the leader; its commit notice goes out
  assert.deepEqual(leader.configState().learners, [9]);
  for (const message of [...toFollower, ...network.queue.splice(0).filter((m) => m.to === 3)]) follower.step(message);
  const writing = follower.ready();
  assert.ok(writing.committedEntries.some((e) => e.type === 'config-change'), 'the follower learns the change is committed in the Ready that brings it');
  // Meanwhile the others remove the learner again, and the leader compacts its log past that.
  network.isolate(3);
  leader.proposeConfigChange({ type: 'remove-node', nodeId: n(9) });
  network.stabilize();
  network.propose(1, 'after');
  const applied = leader.status().applied;
  network.member(1).storage.createSnapshot({ index: applied, configState: leader.configState(), data: text('image') });
  network.member(1).storage.compact(applied);
  network.heal();
  leader.reportUnreachable(n(3)); // probe from the follower's match: below the compacted log, so a snapshot
  // The follower's Ready is still out: what it sends now leaves early (heartbeat responses), and
  // it steps the leader's snapshot.
  for (let round = 0; round < 4 && follower.status().commit < applied; round++) {
    network.tick(1, 1);
    for (const message of follower.takeEarlyMessages()) network.send(message);
    network.stabilize();
  }
  assert.equal(follower.status().commit, applied, 'restored from the snapshot');
  network.processReadyAfter(3, writing);
  assert.deepEqual(follower.configState(), { voters: ids(3), learners: [] });
  network.stabilize();
  network.tickAll(1);
  assert.deepEqual(follower.configState(), leader.configState());
});
