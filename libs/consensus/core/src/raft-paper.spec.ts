/**
 * Goal: check the claims of the Raft paper (https://raft.github.io/raft.pdf) one by one, as
 * etcd-io/raft raft_paper_test.go does. Method: each test builds a RaftCore (or a small
 * in-memory cluster), drives it with `step`/`tick`, and checks the queued messages and state.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Message } from './messages.js';
import { RaftCore } from './raft-core.js';
import { MemoryStorage } from './storage.js';
import { ids, newTestRaft, takeMessages, testConfig, TestNetwork } from './test-network.js';
import { nodeId, type Entry, type LogIndex, type NodeId, type Term } from './types.js';

const n = nodeId;
const t = (value: number): Term => value as Term;
const i = (value: number): LogIndex => value as LogIndex;
const data = (text: string): Uint8Array => new TextEncoder().encode(text);
const entry = (term: number, index: number): Entry => ({ term: t(term), index: i(index), type: 'normal', data: new Uint8Array() });

function appendMessage(from: number, to: number, term: number, fields: Partial<Extract<Message, { type: 'MsgApp' }>> = {}): Message {
  return { type: 'MsgApp', from: n(from), to: n(to), term: t(term), index: i(0), logTerm: t(0), entries: [], commit: i(0), ...fields };
}

function becomeLeader(raft: RaftCore): void {
  raft.becomeCandidate();
  raft.becomeLeader();
}

/** Persists the leader's empty entry and commits it with acknowledgements from every follower. */
function commitNoopEntry(raft: RaftCore, storage: MemoryStorage): void {
  assert.equal(raft.role, 'leader');
  persistAll(raft, storage);
  const index = raft.log.lastIndex();
  for (const id of raft.voters) {
    if (id === raft.id) continue;
    raft.step({ type: 'MsgAppResp', from: id, to: raft.id, term: raft.term, index, reject: false, rejectHint: i(0), logTerm: t(0) });
  }
  assert.equal(raft.log.committed, index);
  persistAll(raft, storage);
  takeMessages(raft);
}

function persistAll(raft: RaftCore, storage: MemoryStorage): void {
  const entries = raft.log.unstableEntries();
  storage.append(entries);
  const last = entries.at(-1);
  if (last !== undefined) raft.log.stableTo({ index: last.index, term: last.term });
  const selfAcks = raft.messagesAfterAppend.filter((message) => message.to === raft.id);
  raft.messagesAfterAppend = raft.messagesAfterAppend.filter((message) => message.to !== raft.id);
  for (const message of selfAcks) raft.step(message);
  raft.log.appliedTo(raft.log.committed);
}

function acceptAndReply(message: Message): Message {
  assert.equal(message.type, 'MsgApp');
  if (message.type !== 'MsgApp') throw new Error('unreachable');
  return {
    type: 'MsgAppResp', from: message.to, to: message.from, term: message.term,
    index: i(message.index + message.entries.length), reject: false, rejectHint: i(0), logTerm: t(0),
  };
}

function newRaftWithStorage(id: number, voters: NodeId[], setup: (storage: MemoryStorage) => void): RaftCore {
  const storage = new MemoryStorage({ configState: { voters, learners: [] } });
  setup(storage);
  return new RaftCore(testConfig(n(id), storage));
}

for (const role of ['follower', 'candidate', 'leader'] as const) {
  test(`§5.1 a ${role} seeing a higher term adopts it and becomes follower`, () => {
    const raft = newTestRaft(1, ids(3));
    if (role === 'follower') raft.becomeFollower(t(1), n(2));
    else if (role === 'candidate') raft.becomeCandidate();
    else becomeLeader(raft);
    raft.step(appendMessage(2, 1, 2));
    assert.equal(raft.term, 2);
    assert.equal(raft.role, 'follower');
    assert.equal(raft.leaderId, 2);
  });
}

test('§5.1 a message with a stale term is ignored', () => {
  const raft = newRaftWithStorage(1, ids(3), (storage) => storage.setHardState({ term: t(2), vote: undefined, commit: i(0) }));
  raft.step(appendMessage(2, 1, 1, { entries: [entry(1, 1)] }));
  assert.equal(raft.term, 2);
  assert.equal(raft.log.lastIndex(), 0);
  assert.deepEqual(takeMessages(raft), []);
});

test('§5.2 servers start as followers', () => {
  assert.equal(newTestRaft(1, ids(3)).role, 'follower');
});

test('§5.2 the leader broadcasts heartbeats every heartbeat interval', () => {
  const raft = newTestRaft(1, ids(3));
  becomeLeader(raft);
  takeMessages(raft);
  raft.tick();
  const heartbeats = takeMessages(raft);
  assert.deepEqual(heartbeats.map((message) => [message.type, message.to, message.term]), [
    ['MsgHeartbeat', 2, 1],
    ['MsgHeartbeat', 3, 1],
  ]);
});

for (const role of ['follower', 'candidate'] as const) {
  test(`§5.2 a ${role} that hears nothing for an election timeout starts an election`, () => {
    const raft = newTestRaft(1, ids(3));
    if (role === 'follower') raft.becomeFollower(t(1), n(2));
    else raft.becomeCandidate();
    for (let tick = 1; tick < 2 * 10; tick++) raft.tick();
    assert.equal(raft.term, 2);
    assert.equal(raft.role, 'candidate');
    assert.equal(raft.vote, 1);
    const requests = takeMessages(raft).filter((message) => message.type === 'MsgVote');
    assert.deepEqual(requests.map((message) => [message.to, message.term]), [[2, 2], [3, 2]]);
  });
}

test('§5.2 leader election in one round: win with a majority, lose on a majority of denials, else wait', () => {
  const cases: { size: number; votes: [number, boolean][]; role: string }[] = [
    { size: 1, votes: [], role: 'leader' },
    { size: 3, votes: [[2, true], [3, true]], role: 'leader' },
    { size: 3, votes: [[2, true]], role: 'leader' },
    { size: 5, votes: [[2, true], [3, true]], role: 'leader' },
    { size: 3, votes: [[2, false], [3, false]], role: 'follower' },
    { size: 5, votes: [[2, true], [3, false], [4, false], [5, false]], role: 'follower' },
    { size: 3, votes: [], role: 'candidate' },
    { size: 5, votes: [[2, true]], role: 'candidate' },
    { size: 5, votes: [[2, false], [3, false]], role: 'candidate' },
  ];
  for (const [index, each] of cases.entries()) {
    const raft = newTestRaft(1, ids(each.size));
    raft.hup(false);
    // The self vote counts once persisted: deliver it like RawNode.advance does.
    for (const message of takeMessages(raft)) if (message.to === raft.id) raft.step(message);
    for (const [from, granted] of each.votes) {
      raft.step({ type: 'MsgVoteResp', from: n(from), to: n(1), term: raft.term, reject: !granted });
    }
    assert.equal(raft.role, each.role, `case ${index}`);
    assert.equal(raft.term, 1, `case ${index}`);
  }
});

test('§5.2 a follower votes for at most one candidate per term, first come first served', () => {
  const cases: { vote: number | undefined; candidate: number; reject: boolean }[] = [
    { vote: undefined, candidate: 2, reject: false },
    { vote: undefined, candidate: 3, reject: false },
    { vote: 2, candidate: 2, reject: false },
    { vote: 3, candidate: 3, reject: false },
    { vote: 2, candidate: 3, reject: true },
    { vote: 3, candidate: 2, reject: true },
  ];
  for (const each of cases) {
    const vote = each.vote === undefined ? undefined : n(each.vote);
    const raft = newRaftWithStorage(1, ids(3), (storage) => storage.setHardState({ term: t(1), vote, commit: i(0) }));
    raft.step({ type: 'MsgVote', from: n(each.candidate), to: n(1), term: t(1), index: i(0), logTerm: t(0), leadershipTransfer: false });
    const responses = takeMessages(raft);
    assert.deepEqual(responses.map((message) => [message.type, message.to, 'reject' in message && message.reject]), [
      ['MsgVoteResp', each.candidate, each.reject],
    ]);
    // The grant is a durable acknowledgement: it waits in the after-append outbox.
  }
});

test('§5.2 a candidate receiving AppendEntries from a leader of at least its term falls back', () => {
  for (const leaderTerm of [1, 2]) {
    const raft = newTestRaft(1, ids(3));
    raft.hup(false);
    assert.equal(raft.role, 'candidate');
    raft.step(appendMessage(2, 1, leaderTerm));
    assert.equal(raft.role, 'follower');
    assert.equal(raft.term, leaderTerm);
  }
});

test('§5.2 election timeouts are randomized over [electionTimeoutTicks, 2 * electionTimeoutTicks)', () => {
  const raft = newTestRaft(1, ids(3));
  const seen = new Set<number>();
  for (let round = 0; round < 500; round++) {
    raft.becomeFollower((raft.term + 1) as Term, n(2));
    let ticks = 0;
    while (takeMessages(raft).length === 0) {
      raft.tick();
      ticks++;
    }
    seen.add(ticks);
  }
  assert.deepEqual([...seen].sort((left, right) => left - right), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
});

test('§5.3 the leader appends a proposal and replicates it with the preceding index and term', () => {
  const storage = new MemoryStorage({ configState: { voters: ids(3), learners: [] } });
  const raft = new RaftCore(testConfig(n(1), storage));
  becomeLeader(raft);
  commitNoopEntry(raft, storage);
  const lastIndex = raft.log.lastIndex();
  raft.propose('normal', data('some data'));
  assert.equal(raft.log.lastIndex(), lastIndex + 1);
  assert.equal(raft.log.committed, lastIndex);
  const appends = takeMessages(raft).filter((message) => message.type === 'MsgApp');
  assert.deepEqual(
    appends.map((message) => message.type === 'MsgApp' && [message.to, message.index, message.logTerm, message.entries.length, message.commit]),
    [[2, lastIndex, 1, 1, lastIndex], [3, lastIndex, 1, 1, lastIndex]],
  );
  assert.deepEqual(raft.log.unstableEntries().map((each) => each.index), [lastIndex + 1]);
});

test('§5.3 an entry commits once the leader replicated it on a majority', () => {
  const cases: { size: number; acceptors: number[]; committed: boolean }[] = [
    { size: 1, acceptors: [], committed: true },
    { size: 3, acceptors: [], committed: false },
    { size: 3, acceptors: [2], committed: true },
    { size: 3, acceptors: [2, 3], committed: true },
    { size: 5, acceptors: [2], committed: false },
    { size: 5, acceptors: [2, 3], committed: true },
    { size: 5, acceptors: [2, 3, 4, 5], committed: true },
  ];
  for (const [index, each] of cases.entries()) {
    const storage = new MemoryStorage({ configState: { voters: ids(each.size), learners: [] } });
    const raft = new RaftCore(testConfig(n(1), storage));
    becomeLeader(raft);
    commitNoopEntry(raft, storage);
    const lastIndex = raft.log.lastIndex();
    raft.propose('normal', data('some data'));
    persistAll(raft, storage);
    const messages = takeMessages(raft);
    for (const message of messages) {
      if (message.type === 'MsgApp' && each.acceptors.includes(message.to)) raft.step(acceptAndReply(message));
    }
    assert.equal(raft.log.committed > lastIndex, each.committed, `case ${index}`);
  }
});

test('§5.4.2 the leader only commits entries of its current term by counting replicas', () => {
  for (const [index, { acknowledged, committed }] of [
    { acknowledged: 1, committed: 0 },
    { acknowledged: 2, committed: 0 },
    { acknowledged: 3, committed: 3 },
  ].entries()) {
    const raft = newRaftWithStorage(1, ids(3), (storage) => {
      storage.append([entry(1, 1), entry(2, 2)]);
      storage.setHardState({ term: t(2), vote: undefined, commit: i(0) });
    });
    becomeLeader(raft); // Term 3, empty entry at index 3 (not yet persisted).
    takeMessages(raft);
    raft.step({ type: 'MsgAppResp', from: n(2), to: n(1), term: t(3), index: i(acknowledged), reject: false, rejectHint: i(0), logTerm: t(0) });
    raft.step({ type: 'MsgAppResp', from: n(1), to: n(1), term: t(3), index: i(3), reject: false, rejectHint: i(0), logTerm: t(0) });
    assert.equal(raft.log.committed, committed, `case ${index}`);
  }
});

test('§5.3 a follower rejects AppendEntries whose preceding entry does not match (log matching)', () => {
  const cases: { term: number; index: number; reject: boolean; hint?: [number, number] }[] = [
    { term: 0, index: 0, reject: false },
    { term: 1, index: 1, reject: false },
    { term: 2, index: 2, reject: false },
    { term: 1, index: 2, reject: true, hint: [1, 1] },
    { term: 3, index: 3, reject: true, hint: [2, 2] },
  ];
  for (const [index, each] of cases.entries()) {
    const raft = newRaftWithStorage(1, ids(3), (storage) => {
      storage.append([entry(1, 1), entry(2, 2)]);
      storage.setHardState({ term: t(2), vote: undefined, commit: i(1) });
    });
    raft.becomeFollower(t(2), n(2));
    raft.step(appendMessage(2, 1, 2, { index: i(each.index), logTerm: t(each.term), commit: i(1) }));
    const [response] = takeMessages(raft);
    assert.ok(response?.type === 'MsgAppResp', `case ${index}`);
    assert.equal(response.reject, each.reject, `case ${index}`);
    if (each.hint !== undefined) assert.deepEqual([response.rejectHint, response.logTerm], each.hint, `case ${index}`);
  }
});

test('§5.3 a follower deletes conflicting entries and appends the leader\'s', () => {
  const cases: { index: number; term: number; entries: Entry[]; want: number[] }[] = [
    { index: 2, term: 2, entries: [entry(3, 3)], want: [1, 2, 3] },
    { index: 1, term: 1, entries: [entry(3, 2), entry(4, 3)], want: [1, 3, 4] },
    { index: 0, term: 0, entries: [entry(1, 1)], want: [1, 2] },
    { index: 0, term: 0, entries: [entry(3, 1)], want: [3] },
  ];
  for (const [index, each] of cases.entries()) {
    const storage = new MemoryStorage({ configState: { voters: ids(3), learners: [] } });
    storage.append([entry(1, 1), entry(2, 2)]);
    const raft = new RaftCore(testConfig(n(1), storage));
    raft.becomeFollower(t(2), n(2));
    raft.step(appendMessage(2, 1, 2, { index: i(each.index), logTerm: t(each.term), entries: each.entries }));
    const terms = raft.log.slice(i(1), i(raft.log.lastIndex() + 1), Infinity).map((each) => each.term);
    assert.deepEqual(terms, each.want, `case ${index}`);
  }
});

test('§5.3 the leader brings any follower log into agreement with its own (backtracking)', () => {
  const leaderTerms = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const followerLogs = [
    [1, 1, 1, 4, 4, 5, 5, 6, 6],
    [1, 1, 1, 4],
    [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    [1, 1, 1, 4, 4, 4, 4],
    [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  ];
  const toEntries = (terms: number[]): Entry[] => terms.map((term, index) => entry(term, index + 1));
  for (const [index, followerTerms] of followerLogs.entries()) {
    const network = new TestNetwork(3);
    for (const id of [1, 3]) {
      network.member(id).storage.append(toEntries(leaderTerms));
      network.member(id).storage.setHardState({ term: t(8), vote: undefined, commit: i(id === 1 ? 10 : 0) });
    }
    network.member(2).storage.append(toEntries(followerTerms));
    network.member(2).storage.setHardState({ term: t(7), vote: undefined, commit: i(0) });
    for (const id of [1, 2, 3]) network.restart(id);
    network.campaign(1);
    assert.equal(network.node(1).status().role, 'leader', `case ${index}`);
    network.propose(1, 'x');
    const logOf = (id: number): number[] => {
      const storage = network.member(id).storage;
      return storage.entries(i(1), i(storage.lastIndex() + 1), Infinity).map((each) => each.term);
    };
    assert.deepEqual(logOf(2), logOf(1), `case ${index}`);
    assert.equal(network.node(2).status().commit, network.node(1).status().commit, `case ${index}`);
  }
});

test('§5.4.1 a voter denies its vote to a candidate whose log is less up to date', () => {
  const cases: { log: [number, number][]; logTerm: number; index: number; reject: boolean }[] = [
    { log: [[1, 1]], logTerm: 1, index: 1, reject: false },
    { log: [[1, 1]], logTerm: 1, index: 2, reject: false },
    { log: [[1, 1], [1, 2]], logTerm: 1, index: 1, reject: true },
    { log: [[1, 1]], logTerm: 2, index: 1, reject: false },
    { log: [[1, 1], [1, 2]], logTerm: 2, index: 1, reject: false },
    { log: [[2, 1]], logTerm: 1, index: 1, reject: true },
    { log: [[2, 1]], logTerm: 1, index: 2, reject: true },
    { log: [[2, 1], [1, 2]], logTerm: 1, index: 1, reject: true },
  ];
  for (const [index, each] of cases.entries()) {
    const raft = newRaftWithStorage(1, ids(2), (storage) => storage.append(each.log.map(([term, at]) => entry(term, at))));
    raft.step({ type: 'MsgVote', from: n(2), to: n(1), term: t(3), index: i(each.index), logTerm: t(each.logTerm), leadershipTransfer: false });
    const [response] = takeMessages(raft);
    assert.ok(response?.type === 'MsgVoteResp', `case ${index}`);
    assert.equal(response.reject, each.reject, `case ${index}`);
  }
});
