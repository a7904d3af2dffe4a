/**
 * Goal: the driver keeps Raft's promises over real sockets and real files: a write resolves only
 * after commit and apply, followers refuse writes with the leader's address, reads through any
 * replica are linearizable, a restarted replica recovers from its WAL and snapshot, a lagging
 * replica catches up through a chunked snapshot, and a replica of another cluster is refused.
 * Reads requested before the group next processes share one ReadIndex request, and a read never
 * shares a request that was sent before it began.
 * Method: three RaftGroups in one process, each with its own gRPC server, transport and data dir;
 * messages are counted, held or dropped by wrapping a transport's send.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GrpcServer } from '@objectbox/networking';
import { createLogger } from '@objectbox/observability';
import type { Message } from '@objectbox/consensus-core';
import { raft } from '@objectbox/proto';
import { openStorage } from '@objectbox/storage-runtime';
import { NotLeaderError, ProposalOutcomeUnknownError, ProposalRejectedError, RaftEntryTooLargeError, RaftGroupClosedError, RaftOverloadedError } from './errors.js';
import { RaftGroup, type RaftMember } from './raft-group.js';
import { RaftTransport } from './raft-transport.js';
import type { StateMachine } from './state-machine.js';

/** Appends each command to a list; the result is the list's length. */
class ListMachine implements StateMachine<number> {
  items: string[] = [];
  /** 'sync@<items>' and 'snapshot@<items>', in call order. */
  events: string[] = [];
  apply(command: Uint8Array): number {
    this.items.push(new TextDecoder().decode(command));
    return this.items.length;
  }
  async syncAppliedEffects(): Promise<void> {
    this.events.push(`sync@${this.items.length}`);
    await sleep(5);
  }
  snapshot(): Uint8Array {
    this.events.push(`snapshot@${this.items.length}`);
    return new TextEncoder().encode(JSON.stringify(this.items));
  }
  restore(data: Uint8Array): void {
    this.items = JSON.parse(new TextDecoder().decode(data)) as string[];
  }
}

const logger = createLogger({ level: 'silent', processName: 'raft-group-spec' });
const root = mkdtempSync(join(tmpdir(), 'objectbox-raft-group-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Replica {
  id: number;
  server: GrpcServer;
  transport: RaftTransport;
  group: RaftGroup<number> | undefined;
  machine: ListMachine;
  /** Further groups hosted by the same process, transport and gRPC server. */
  extraGroups: Map<string, { group: RaftGroup<number>; machine: ListMachine }>;
}

async function waitFor<T>(what: string, check: () => T | undefined, deadlineMs = 10_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

type SendArguments = Parameters<RaftTransport['send']>;

/**
 * Passes the messages `transport` sends through `filter`, which returns those to send now (it may
 * record, hold or drop the others), until the returned function restores the plain send.
 */
function interceptSend(transport: RaftTransport, filter: (messages: readonly Message[], addressOf: SendArguments[2]) => readonly Message[]): () => void {
  const send = transport.send.bind(transport);
  transport.send = (groupId, messages, addressOf) => send(groupId, filter(messages, addressOf), addressOf);
  return () => {
    transport.send = send;
  };
}

const decodeContext = (context: Uint8Array) => new TextDecoder().decode(context);
const encode = (text: string) => new TextEncoder().encode(text);

class Cluster {
  replicas: Replica[] = [];
  members: RaftMember[] = [];
  /** RaftGroupOptions.snapshotSpread: 0 (exact snapshot points) unless a test sets it before start. */
  snapshotSpread = 0;

  constructor(
    private readonly clusterId: string,
    private readonly snapshotEntryCount = 1_000_000,
    private readonly snapshotEntryBytes?: number,
    private readonly proposalTimeoutMs = 5_000,
    private readonly newMachine: () => ListMachine = () => new ListMachine(),
  ) {}

  /** Starts `count` members, of which only the first `openCount` run the group. */
  async start(count: number, openCount = count): Promise<void> {
    for (let id = 1; id <= count; id++) {
      const transport = this.newTransport(this.clusterId);
      const server = new GrpcServer({ messageBytesMax: 4 * 1024 * 1024 });
      server.addService(raft.RaftTransportService, transport.serviceImplementation());
      const port = await server.listen('127.0.0.1', 0);
      this.replicas.push({ id, server, transport, group: undefined, machine: this.newMachine(), extraGroups: new Map() });
      this.members.push({ id, address: `127.0.0.1:${port}` });
    }
    for (const replica of this.replicas.slice(0, openCount)) await this.openGroup(replica);
  }

  newTransport(clusterId: string): RaftTransport {
    return new RaftTransport({ clusterId, messageBytesMax: 4 * 1024 * 1024, snapshotChunkBytes: 1024, snapshotBytesMax: 64 * 1024 * 1024, queueMessageCountMax: 4096, batchMessageCountMax: 64, reconnectBackoffMsMax: 200, logger });
  }

  async openGroup(replica: Replica, groupId = 'test'): Promise<void> {
    const machine = this.newMachine();
    const group = await this.newGroup(replica, groupId, machine);
    if (groupId === 'test') {
      replica.machine = machine;
      replica.group = group;
    } else replica.extraGroups.set(groupId, { group, machine });
  }

  private async newGroup(replica: Replica, groupId: string, machine: ListMachine): Promise<RaftGroup<number>> {
    const storage = await openStorage({ directory: join(root, this.clusterId, `replica-${replica.id}`, groupId), clusterId: this.clusterId, segmentSizeBytes: 64 * 1024, recordPayloadBytesMax: 1024 * 1024, pendingBytesMax: 16 * 1024 * 1024, snapshotPayloadBytesMax: 64 * 1024 * 1024, snapshotRetainCount: 2, logger: { info: () => undefined, warn: () => undefined } });
    return RaftGroup.open({
      groupId, nodeId: replica.id, members: this.members, storage, stateMachine: machine, transport: replica.transport, logger,
      tickIntervalMs: 10, electionTimeoutTicks: 10, heartbeatIntervalTicks: 2, proposalTimeoutMs: this.proposalTimeoutMs, pendingProposalCountMax: 10_000, pendingReadCountMax: 1_000,
      snapshotEntryCount: this.snapshotEntryCount, ...(this.snapshotEntryBytes === undefined ? {} : { snapshotEntryBytes: this.snapshotEntryBytes }), entriesKeptAfterSnapshot: 5, snapshotSpread: this.snapshotSpread, messageSizeBytesMax: 1024 * 1024, inflightMessageCountMax: 64,
    });
  }

  group(replica: Replica): RaftGroup<number> {
    return replica.group as RaftGroup<number>;
  }

  async leader(): Promise<Replica> {
    return waitFor('a leader', () => this.replicas.find((replica) => replica.group?.status().role === 'leader'));
  }

  async stop(): Promise<void> {
    for (const replica of this.replicas) {
      for (const extra of replica.extraGroups.values()) await extra.group.close();
      await replica.group?.close();
      replica.transport.close();
      await replica.server.shutdown(100);
    }
  }
}

describe('snapshots by applied bytes, after the machine synced its applied effects', () => {
  const cluster = new Cluster('cluster-bytes', 1_000_000, 4096);
  after(() => cluster.stop());

  test('1 KiB entries: a snapshot every 4 KiB, each image followed by a sync at the same point', async () => {
    await cluster.start(1);
    const leader = await cluster.leader();
    // One at a time, so that each Ready applies one entry and the trigger point is exact.
    // The second image is due at 8, or at the first write after the first snapshot's file was
    // saved (the sync and the file write run in the background): each image is followed by the
    // sync of the effects up to the same point.
    const events = leader.machine.events;
    for (let index = 0; index < 40 && events.length < 4; index++) await cluster.group(leader).propose(new TextEncoder().encode(String(index).padEnd(1024, '.')));
    assert.deepEqual(events.slice(0, 2), ['snapshot@4', 'sync@4']);
    assert.equal(events.length, 4, events.join(' '));
    const second = Number(events[2]!.slice('snapshot@'.length));
    assert.ok(second >= 8 && events[2] === `snapshot@${second}` && events[3] === `sync@${second}`, events.join(' '));
  });
});

describe('snapshot thresholds spread per replica', () => {
  const cluster = new Cluster('cluster-spread', 1_000_000, 4096);
  after(() => cluster.stop());

  test('with a spread of 0.5, the 4 KiB threshold is raised by a factor in [1, 1.5): the first image after 5 or 6 KiB, not 4', async () => {
    cluster.snapshotSpread = 0.5;
    await cluster.start(1);
    const leader = await cluster.leader();
    const events = leader.machine.events;
    for (let index = 0; index < 12 && events.length === 0; index++) await cluster.group(leader).propose(new TextEncoder().encode(String(index).padEnd(1024, '.')));
    // 4096 x [1, 1.5) applied bytes: due at the 5th entry (factor up to 1.25) or the 6th; the 4th
    // only for a factor of exactly 1 (one draw in a million).
    assert.ok(events[0] === 'snapshot@5' || events[0] === 'snapshot@6', events.join(' '));
  });
});

/** A list whose effects sync only when the test opens the gate. */
class GatedSyncMachine extends ListMachine {
  private openGate: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => {
    this.openGate = resolve;
  });
  override async syncAppliedEffects(): Promise<void> {
    this.events.push(`sync@${this.items.length}`);
    await this.gate;
    this.events.push('synced');
  }
  open(): void {
    this.openGate();
  }
}

describe('a snapshot waits for the applied effects to be durable; writes do not', () => {
  const cluster = new Cluster('cluster-gated-sync', 1_000_000, 4096, 5_000, () => new GatedSyncMachine());
  after(() => cluster.stop());

  test('while the sync runs, entries commit and apply and no snapshot file exists; after it, the file is written', async () => {
    await cluster.start(1);
    const leader = await cluster.leader();
    const machine = leader.machine as GatedSyncMachine;
    const snapshotFiles = (): string[] => readdirSync(join(root, 'cluster-gated-sync', 'replica-1', 'test', 'snapshots')).filter((name) => !name.startsWith('.'));
    const filesBefore = snapshotFiles();
    for (let index = 0; index < 7; index++) await cluster.group(leader).propose(encode(String(index).padEnd(1024, '.')));
    assert.deepEqual(machine.events, ['snapshot@4', 'sync@4'], 'entries 5 to 7 were applied while the sync was still running');
    assert.equal(machine.items.length, 7);
    assert.deepEqual(snapshotFiles(), filesBefore, 'no snapshot file before the effects are durable');
    machine.open();
    await waitFor('the snapshot file', () => (snapshotFiles().length > filesBefore.length ? true : undefined));
    assert.deepEqual(machine.events.slice(0, 3), ['snapshot@4', 'sync@4', 'synced']);
  });
});

/**
 * A list whose image is padded to 16 KiB and is offered in pieces (`snapshotChunks`), each piece
 * taking ~2 ms to produce; records the event-loop turns seen (a 1 ms interval counts them) per piece.
 */
class LargeImageMachine extends ListMachine {
  turns = 0;
  turnsAtPieces: number[] = [];
  override snapshot(): Uint8Array {
    throw new Error('the group takes this image through snapshotChunks');
  }
  *snapshotChunks(): Generator<Uint8Array> {
    this.events.push(`snapshot@${this.items.length}`);
    this.turnsAtPieces = [];
    const image = new TextEncoder().encode(JSON.stringify({ items: this.items, padding: '.'.repeat(16 * 1024) }));
    for (let offset = 0; offset < image.byteLength; offset += 4096) {
      const busyUntil = performance.now() + 2;
      while (performance.now() < busyUntil);
      this.turnsAtPieces.push(this.turns);
      yield image.subarray(offset, offset + 4096);
    }
  }
  override restore(data: Uint8Array): void {
    this.items = (JSON.parse(new TextDecoder().decode(data)) as { items: string[] }).items;
  }
}

describe('snapshots of a large image: amortized and taken piece by piece', () => {
  const cluster = new Cluster('cluster-large-image', 1_000_000, 1024, 5_000, () => new LargeImageMachine());
  after(() => cluster.stop());

  test('the next snapshot waits for the last image\'s size in applied bytes; the event loop runs between pieces', async () => {
    await cluster.start(1);
    const leader = await cluster.leader();
    const machine = leader.machine as LargeImageMachine;
    const turns = setInterval(() => machine.turns++, 1);
    try {
      for (let index = 0; index < 22; index++) await cluster.group(leader).propose(encode(String(index).padEnd(1024, '.')));
    } finally {
      clearInterval(turns);
    }
    // The first image (~17.5 KiB) is taken after 1 KiB; the next only once ~17.5 KiB more was applied.
    assert.deepEqual(machine.events, ['snapshot@1', 'sync@1', 'snapshot@19', 'sync@19']);
    assert.ok(machine.turnsAtPieces.length >= 5, `pieces: ${machine.turnsAtPieces.length}`);
    assert.ok(machine.turnsAtPieces.at(-1)! > machine.turnsAtPieces[0]!, `timers ran while the image was taken: ${machine.turnsAtPieces.join(',')}`);
  });
});

/**
 * A list captured for snapshots (`captureSnapshot`): the image of the items at the capture, given
 * in 64 pieces later, each taking ~2 ms to produce; records how many items were applied when each
 * piece was taken.
 */
class CapturedImageMachine extends ListMachine {
  appliedAtPieces: number[] = [];
  override snapshot(): Uint8Array {
    throw new Error('the group takes this image through captureSnapshot');
  }
  captureSnapshot(): Iterable<Uint8Array> {
    this.events.push(`capture@${this.items.length}`);
    this.appliedAtPieces = [];
    return this.pieces(encode(JSON.stringify(this.items)));
  }
  private *pieces(image: Uint8Array): Generator<Uint8Array> {
    const pieceBytes = Math.ceil(image.byteLength / 64);
    for (let offset = 0; offset < image.byteLength; offset += pieceBytes) {
      const busyUntil = performance.now() + 2;
      while (performance.now() < busyUntil);
      this.appliedAtPieces.push(this.items.length);
      yield image.subarray(offset, offset + pieceBytes);
    }
  }
}

describe('a captured snapshot image is built while entries go on being applied', () => {
  const cluster = new Cluster('cluster-captured', 1_000_000, 4096, 5_000, () => new CapturedImageMachine());
  after(() => cluster.stop());

  test('entries apply during the build; the image is of the capture point, and a restart restores it and replays the rest', async () => {
    await cluster.start(1);
    const leader = await cluster.leader();
    const machine = leader.machine as CapturedImageMachine;
    const snapshotFiles = (): string[] => readdirSync(join(root, 'cluster-captured', 'replica-1', 'test', 'snapshots')).filter((name) => !name.startsWith('.'));
    const filesBefore = snapshotFiles().length;
    // One at a time: the capture is due after the fourth 1 KiB entry, and the writes after it
    // commit and apply while its ~130 ms of pieces are produced.
    for (let index = 0; index < 12; index++) await cluster.group(leader).propose(encode(String(index).padEnd(1024, '.')));
    await waitFor('the image to be built', () => (machine.appliedAtPieces.length === 64 ? true : undefined));
    assert.deepEqual(machine.events.slice(0, 2), ['capture@4', 'sync@4']);
    assert.equal(machine.appliedAtPieces[0], 4);
    assert.ok(machine.appliedAtPieces.at(-1)! > 4, `entries were applied while the image was built: ${machine.appliedAtPieces.join(',')}`);
    await waitFor('the snapshot file', () => (snapshotFiles().length > filesBefore ? true : undefined));
    const items = [...machine.items];
    await cluster.group(leader).close();
    await cluster.openGroup(leader);
    await waitFor('the reopened replica to lead', () => (cluster.group(leader).status().role === 'leader' ? true : undefined));
    // The restore parses the image of the first four items, the WAL replays the rest once.
    await waitFor('the log to be applied again', () => (leader.machine.items.length >= items.length ? true : undefined));
    assert.deepEqual(leader.machine.items, items);
  });
});

/** Event-loop turns, counted by a 1 ms interval while a test needs them. */
let loopTurns = 0;

/**
 * A list that installs received snapshots in steps (`restoreInSteps`), each step busy for ~2 ms,
 * recording the event-loop turns seen at each step; counts one-shot restores.
 */
class SteppedRestoreMachine extends ListMachine {
  oneShotRestores = 0;
  turnsAtSteps: number[] = [];
  override restore(data: Uint8Array): void {
    this.oneShotRestores++;
    super.restore(data);
  }
  *restoreInSteps(data: Uint8Array): Generator<void> {
    const items = JSON.parse(new TextDecoder().decode(data)) as string[];
    for (let step = 0; step < 6; step++) {
      const busyUntil = performance.now() + 2;
      while (performance.now() < busyUntil);
      this.turnsAtSteps.push(loopTurns);
      yield;
    }
    this.items = items;
  }
}

describe('a received snapshot installed in steps', () => {
  const cluster = new Cluster('cluster-stepped-restore', 20, undefined, 5_000, () => new SteppedRestoreMachine());
  after(() => cluster.stop());

  test('a lagging replica restores through restoreInSteps, with the event loop running between steps, and catches up', async () => {
    await cluster.start(3, 2);
    const leader = await cluster.leader();
    for (let index = 0; index < 60; index++) await cluster.group(leader).propose(encode(`before-${index}`));
    const lagging = cluster.replicas.find((replica) => replica.group === undefined) as Replica;
    const turns = setInterval(() => loopTurns++, 1);
    try {
      await cluster.openGroup(lagging);
      await waitFor('the lagging replica to catch up', () => (lagging.machine.items.length === leader.machine.items.length ? true : undefined));
    } finally {
      clearInterval(turns);
    }
    const machine = lagging.machine as SteppedRestoreMachine;
    assert.deepEqual(machine.items, leader.machine.items);
    assert.equal(machine.oneShotRestores, 0, 'the received snapshot went through restoreInSteps');
    assert.ok(machine.turnsAtSteps.length >= 6, `steps: ${machine.turnsAtSteps.length}`);
    assert.ok(machine.turnsAtSteps.at(-1)! > machine.turnsAtSteps[0]!, `timers ran between steps: ${machine.turnsAtSteps.join(',')}`);
  });

  test('a replica reopened on a snapshot restores it through restoreInSteps too', async () => {
    const leader = await cluster.leader();
    const follower = cluster.replicas.find((replica) => replica !== leader && replica.group !== undefined) as Replica;
    await cluster.group(follower).close();
    await cluster.openGroup(follower);
    const machine = follower.machine as SteppedRestoreMachine;
    assert.equal(machine.oneShotRestores, 0);
    assert.ok(machine.turnsAtSteps.length >= 6, 'the snapshot on disk went through restoreInSteps');
    await waitFor('the reopened replica to catch up', () => (follower.machine.items.length === leader.machine.items.length ? true : undefined));
    assert.deepEqual(follower.machine.items, leader.machine.items);
  });
});

describe('a three-replica group over gRPC', () => {
  const cluster = new Cluster('cluster-a', 20);
  after(() => cluster.stop());

  test('a write resolves after apply with its result and reaches every replica', async () => {
    await cluster.start(3);
    const leader = await cluster.leader();
    const results = await Promise.all(Array.from({ length: 50 }, (_, index) => cluster.group(leader).propose(new TextEncoder().encode(`w${index}`))));
    assert.deepEqual(results.map((entry) => entry.result).sort((a, b) => a - b), Array.from({ length: 50 }, (_, index) => index + 1));
    assert.equal(leader.machine.items.length, 50);
    await waitFor('all replicas to apply', () => (cluster.replicas.every((replica) => replica.machine.items.length === 50) ? true : undefined));
    for (const replica of cluster.replicas) assert.deepEqual(replica.machine.items, leader.machine.items);
  });

  test('a command over the entry limit is refused at once; one at the limit replicates', async () => {
    const leader = await cluster.leader();
    const group = cluster.group(leader);
    assert.equal(group.entryBytesMax, 1024 * 1024 - 64);
    const tooLarge = await group.propose(new Uint8Array(group.entryBytesMax + 1).fill(120)).catch((caught: unknown) => caught);
    assert.ok(tooLarge instanceof RaftEntryTooLargeError, String(tooLarge));
    assert.equal(tooLarge.sizeBytes, group.entryBytesMax + 1);
    const applied = leader.machine.items.length;
    await group.propose(new Uint8Array(group.entryBytesMax).fill(120));
    await waitFor('every replica to apply the largest entry', () => (cluster.replicas.every((replica) => replica.machine.items.length === applied + 1) ? true : undefined));
  });

  test('a follower refuses writes with the leader id and address, and serves linearizable reads', async () => {
    const leader = await cluster.leader();
    const follower = cluster.replicas.find((replica) => replica !== leader) as Replica;
    const error = await cluster.group(follower).propose(new TextEncoder().encode('x')).catch((caught: unknown) => caught);
    assert.ok(error instanceof NotLeaderError);
    assert.equal(error.leaderId, leader.id);
    assert.equal(error.leaderAddress, cluster.members.find((member) => member.id === leader.id)?.address);
    await cluster.group(leader).propose(new TextEncoder().encode('before-read'));
    await cluster.group(follower).linearizableRead();
    assert.equal(follower.machine.items.at(-1), 'before-read');
  });

  test('a restarted replica recovers from its WAL and snapshot; a lagging one catches up by snapshot', async () => {
    const leader = await cluster.leader();
    const follower = cluster.replicas.find((replica) => replica !== leader) as Replica;
    await cluster.group(follower).close();
    for (let index = 0; index < 60; index++) await cluster.group(leader).propose(new TextEncoder().encode(`while-down-${index}`));
    // Count the snapshots the leader sends: the follower's log position was compacted away.
    let snapshotsSent = 0;
    const send = leader.transport.send.bind(leader.transport);
    leader.transport.send = (groupId, messages, addressOf) => {
      snapshotsSent += messages.filter((message) => message.type === 'MsgSnap').length;
      send(groupId, messages, addressOf);
    };
    await cluster.openGroup(follower);
    await waitFor('the restarted replica to catch up', () => (follower.machine.items.length === leader.machine.items.length ? true : undefined));
    assert.deepEqual(follower.machine.items, leader.machine.items);
    assert.ok(snapshotsSent >= 1, 'the lagging replica caught up through InstallSnapshot');
  });
});

test('a replica of another cluster is refused', async () => {
  const cluster = new Cluster('cluster-b');
  await cluster.start(1);
  try {
    const stranger = cluster.newTransport('cluster-other');
    const errors: string[] = [];
    stranger.registerGroup('test', { nodeId: 9, isKnownMember: () => true, deliver: () => undefined, reportUnreachable: () => errors.push('unreachable'), reportSnapshot: () => undefined });
    stranger.send('test', [{ type: 'MsgHeartbeat', from: 9 as never, to: 1 as never, term: 99 as never, commit: 0 as never, context: undefined }], () => cluster.members[0]?.address);
    await waitFor('the stream to be refused', () => (errors.length > 0 ? true : undefined));
    assert.equal(cluster.group(cluster.replicas[0] as Replica).status().term < 99, true, 'the stranger did not disturb the term');
    stranger.close();
  } finally {
    await cluster.stop();
  }
});

test('one process hosts several groups over one transport and gRPC server', async () => {
  const cluster = new Cluster('cluster-c');
  await cluster.start(3);
  try {
    for (const replica of cluster.replicas) await cluster.openGroup(replica, 'second');
    const leaderOf = (groupId: string) =>
      waitFor(`a leader of ${groupId}`, () => cluster.replicas.find((replica) => (groupId === 'test' ? replica.group : replica.extraGroups.get(groupId)?.group)?.status().role === 'leader'));
    const firstLeader = await leaderOf('test');
    const secondLeader = await leaderOf('second');
    await cluster.group(firstLeader).propose(new TextEncoder().encode('to-first'));
    await secondLeader.extraGroups.get('second')?.group.propose(new TextEncoder().encode('to-second'));
    await waitFor('both groups to replicate', () =>
      cluster.replicas.every((replica) => replica.machine.items.length === 1 && replica.extraGroups.get('second')?.machine.items.length === 1) ? true : undefined,
    );
    for (const replica of cluster.replicas) {
      assert.deepEqual(replica.machine.items, ['to-first']);
      assert.deepEqual(replica.extraGroups.get('second')?.machine.items, ['to-second']);
    }
  } finally {
    await cluster.stop();
  }
});

describe('linearizable reads share ReadIndex requests', () => {
  const cluster = new Cluster('cluster-reads');
  after(() => cluster.stop());
  const followers = async () => {
    const leader = await cluster.leader();
    return cluster.replicas.filter((replica) => replica !== leader);
  };

  test('100 concurrent reads on the leader share one ReadIndex request (one heartbeat round)', async () => {
    await cluster.start(3);
    const leader = await cluster.leader();
    // Until the leader commits in its term it parks read requests; this test is about the round.
    await cluster.group(leader).propose(encode('first'));
    const readContexts = new Set<string>();
    const restore = interceptSend(leader.transport, (messages) => {
      for (const message of messages) if (message.type === 'MsgHeartbeat' && message.context !== undefined) readContexts.add(decodeContext(message.context));
      return messages;
    });
    try {
      await Promise.all(Array.from({ length: 100 }, () => cluster.group(leader).linearizableRead()));
    } finally {
      restore();
    }
    assert.equal(readContexts.size, 1);
  });

  test('100 concurrent reads on a follower send one MsgReadIndex and see the write before them', async () => {
    const leader = await cluster.leader();
    const [follower] = (await followers()) as [Replica];
    await cluster.group(leader).propose(encode('before-follower-reads'));
    let readIndexMessages = 0;
    const restore = interceptSend(follower.transport, (messages) => {
      readIndexMessages += messages.filter((message) => message.type === 'MsgReadIndex').length;
      return messages;
    });
    try {
      await Promise.all(Array.from({ length: 100 }, () => cluster.group(follower).linearizableRead()));
    } finally {
      restore();
    }
    assert.equal(readIndexMessages, 1);
    assert.equal(follower.machine.items.at(-1), 'before-follower-reads');
  });

  test('a read requested after its batch was sent waits for the next batch, which sees a write completed meanwhile', async () => {
    const leader = await cluster.leader();
    const [follower] = (await followers()) as [Replica];
    // The leader holds its answers to the follower's read requests, and drops its appends to the
    // follower (it resends them once the cut ends): the other follower makes the quorum.
    let holdAnswers = true;
    let cutAppends = true;
    const heldAnswers: Message[] = [];
    let leaderAddressOf: SendArguments[2] = () => undefined;
    const restoreLeader = interceptSend(leader.transport, (messages, addressOf) => {
      leaderAddressOf = addressOf;
      return messages.filter((message) => {
        if (message.to !== follower.id) return true;
        if (cutAppends && (message.type === 'MsgApp' || message.type === 'MsgSnap')) return false;
        if (holdAnswers && message.type === 'MsgReadIndexResp') heldAnswers.push(message);
        return !(holdAnswers && message.type === 'MsgReadIndexResp');
      });
    });
    const sentContexts: string[] = [];
    const restoreFollower = interceptSend(follower.transport, (messages) => {
      for (const message of messages) if (message.type === 'MsgReadIndex') sentContexts.push(decodeContext(message.context));
      return messages;
    });
    try {
      const first = cluster.group(follower).linearizableRead();
      await waitFor('the leader to answer the first read', () => (heldAnswers.length === 1 ? true : undefined));
      // The first read's index is fixed; this write completes after it and has not reached the follower.
      await cluster.group(leader).propose(encode('after-first-read'));
      const second = cluster.group(follower).linearizableRead();
      holdAnswers = false;
      leader.transport.send('test', heldAnswers, leaderAddressOf);
      await first;
      assert.equal(follower.machine.items.includes('after-first-read'), false, 'the cut kept the write from the follower');
      cutAppends = false;
      await second;
      assert.equal(follower.machine.items.at(-1), 'after-first-read', 'the second read was served at an index that includes the write');
      assert.equal(sentContexts.length, 2);
      assert.notEqual(sentContexts[0], sentContexts[1]);
    } finally {
      restoreFollower();
      restoreLeader();
    }
  });

  test('write, then read through a follower and the leader: every read sees the write before it', async () => {
    const leader = await cluster.leader();
    const [follower] = (await followers()) as [Replica];
    for (let round = 0; round < 20; round++) {
      await cluster.group(leader).propose(encode(`write-${round}`));
      await Promise.all(Array.from({ length: 10 }, (_, index) => cluster.group(index % 2 === 0 ? follower : leader).linearizableRead()));
      assert.equal(follower.machine.items.at(-1), `write-${round}`);
      assert.equal(leader.machine.items.at(-1), `write-${round}`);
    }
  });

  test('pendingReadCountMax bounds waiting reads, not requests: the reads beyond it fail with RaftOverloadedError', async () => {
    const leader = await cluster.leader();
    const outcomes = await Promise.allSettled(Array.from({ length: 1_005 }, () => cluster.group(leader).linearizableRead()));
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    assert.equal(rejected.length, 5);
    for (const outcome of rejected) assert.ok(outcome.reason instanceof RaftOverloadedError);
  });

  test('close() fails the reads whose request was sent and those whose request was not yet', async () => {
    const [follower] = (await followers()) as [Replica];
    // The follower's read requests never reach the leader.
    let readIndexMessages = 0;
    const restore = interceptSend(follower.transport, (messages) => {
      readIndexMessages += messages.filter((message) => message.type === 'MsgReadIndex').length;
      return messages.filter((message) => message.type !== 'MsgReadIndex');
    });
    try {
      const sent = Array.from({ length: 5 }, () => cluster.group(follower).linearizableRead().catch((caught: unknown) => caught));
      await waitFor('the first batch to be sent', () => (readIndexMessages === 1 ? true : undefined));
      const unsent = Array.from({ length: 5 }, () => cluster.group(follower).linearizableRead().catch((caught: unknown) => caught));
      await cluster.group(follower).close();
      for (const error of await Promise.all([...sent, ...unsent])) assert.ok(error instanceof RaftGroupClosedError);
      assert.equal(readIndexMessages, 1);
    } finally {
      restore();
    }
  });
});

test('reads whose request is not answered in time all fail with ProposalOutcomeUnknownError', async () => {
  const cluster = new Cluster('cluster-read-deadline', 1_000_000, undefined, 500);
  await cluster.start(3);
  try {
    const leader = await cluster.leader();
    await cluster.group(leader).propose(encode('first'));
    const follower = cluster.replicas.find((replica) => replica !== leader) as Replica;
    interceptSend(follower.transport, (messages) => messages.filter((message) => message.type !== 'MsgReadIndex'));
    const errors = await Promise.all(Array.from({ length: 10 }, () => cluster.group(follower).linearizableRead().catch((caught: unknown) => caught)));
    for (const error of errors) assert.ok(error instanceof ProposalOutcomeUnknownError);
  } finally {
    await cluster.stop();
  }
});

test('a read on a replica that knows no leader fails with NotLeaderError', async () => {
  const cluster = new Cluster('cluster-no-leader');
  // Three members, one running: it can never learn of a leader.
  await cluster.start(3, 1);
  try {
    const errors = await Promise.all(Array.from({ length: 3 }, () => cluster.group(cluster.replicas[0] as Replica).linearizableRead().catch((caught: unknown) => caught)));
    for (const error of errors) {
      assert.ok(error instanceof NotLeaderError);
      assert.equal(error.leaderId, undefined);
    }
  } finally {
    await cluster.stop();
  }
});

test('a proposal whose entry a newer leader truncated fails at once when this replica, leader again, proposes at its index', async () => {
  // A long proposal deadline: a proposal that is never settled shows as one still pending here.
  const cluster = new Cluster('cluster-index-reuse', 1_000_000, undefined, 60_000);
  await cluster.start(3);
  try {
    const first = await cluster.leader();
    await cluster.group(first).propose(encode('committed'));
    await waitFor('every replica to apply the first write', () => (cluster.replicas.every((replica) => replica.machine.items.length === 1) ? true : undefined));
    // Nothing the leader sends arrives: its three entries stay in its log alone, and it loses leadership.
    const restoreSend = interceptSend(first.transport, () => []);
    const settledAs = (text: string) =>
      cluster.group(first).propose(encode(text)).then(
        () => 'applied',
        (error: unknown) => error,
      );
    const orphans = [settledAs('o1'), settledAs('o2'), settledAs('o3')];
    const second = await waitFor('another leader', () => cluster.replicas.find((replica) => replica !== first && replica.group?.status().role === 'leader'));
    await waitFor('the old leader to follow the new one', () => (cluster.group(first).status().leaderId === second.id ? true : undefined));
    // The new leader's empty entry replaced o1 and truncated o2 and o3 in the old leader's log.
    restoreSend();
    const o1 = await orphans[0];
    assert.ok(o1 instanceof ProposalRejectedError, `o1: ${String(o1)}`);
    // Leadership back, with nothing written meanwhile: its empty entry takes o2's index, the next
    // proposal o3's.
    cluster.group(second).transferLeadership(first.id);
    await waitFor('the old leader to lead again', () => (cluster.group(first).status().role === 'leader' ? true : undefined));
    const o2 = await orphans[1];
    assert.ok(o2 instanceof ProposalRejectedError, `o2: ${String(o2)}`);
    const reused = await cluster.group(first).propose(encode('reused'));
    const o3 = await Promise.race([orphans[2], sleep(5_000).then(() => 'still pending')]);
    assert.ok(o3 instanceof ProposalRejectedError, `o3 (its index reused by the write at ${reused.index}): ${String(o3)}`);
    assert.deepEqual(first.machine.items, ['committed', 'reused']);
  } finally {
    await cluster.stop();
  }
});
