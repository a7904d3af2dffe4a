/**
 * TEST SUPPORT (not exported from the package): an in-memory cluster in the spirit of
 * etcd-io/raft raft_test.go `newNetwork`. Each node has a MemoryStorage; `stabilize` processes
 * every Ready the way a correct driver does (persist, then send, then apply, then advance) and
 * delivers messages until the cluster is quiet. Links can be cut and message types dropped.
 */
import { assert } from '@objectbox/util';
import type { Message, MessageType } from './messages.js';
import type { RaftConfig, TestingBugs } from './raft-config.js';
import { RaftCore } from './raft-core.js';
import { SeededRandom } from './random.js';
import { RawNode, type Ready } from './raw-node.js';
import { MemoryStorage } from './storage.js';
import { nodeId, type ConfigState, type Entry, type NodeId, type ReadState } from './types.js';

/** Options shared by test nodes; every limit is stated. */
export interface TestNodeOptions {
  readonly electionTimeoutTicks?: number;
  readonly heartbeatIntervalTicks?: number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  readonly inflightMessageCountMax?: number;
  readonly messageSizeBytesMax?: number;
  readonly testingBugs?: TestingBugs;
  readonly seed?: number;
}

/** Builds a full config for node `id` over `storage`. */
export function testConfig(id: NodeId, storage: MemoryStorage, options: TestNodeOptions = {}): RaftConfig {
  return {
    id,
    storage,
    random: new SeededRandom((options.seed ?? 1) * 1000 + id),
    electionTimeoutTicks: options.electionTimeoutTicks ?? 10,
    heartbeatIntervalTicks: options.heartbeatIntervalTicks ?? 1,
    messageSizeBytesMax: options.messageSizeBytesMax ?? 1024 * 1024,
    inflightMessageCountMax: options.inflightMessageCountMax ?? 256,
    uncommittedSizeBytesMax: 1024 * 1024,
    readyCommittedSizeBytesMax: 1024 * 1024,
    readIndexPendingCountMax: 64,
    preVote: options.preVote ?? false,
    checkQuorum: options.checkQuorum ?? false,
    ...(options.testingBugs === undefined ? {} : { testingBugs: options.testingBugs }),
  };
}

/** Node ids 1..count. */
export function ids(count: number): NodeId[] {
  return Array.from({ length: count }, (_, index) => nodeId(index + 1));
}

/** A bare RaftCore over fresh storage with `voters` (for white-box tests, like etcd newTestRaft). */
export function newTestRaft(id: number, voters: readonly NodeId[], options: TestNodeOptions = {}): RaftCore {
  const storage = new MemoryStorage({ configState: { voters, learners: [] } });
  return new RaftCore(testConfig(nodeId(id), storage, options));
}

/** Takes the messages a RaftCore queued (both outboxes), as a driver would after persisting. */
export function takeMessages(raft: RaftCore): Message[] {
  const messages = [...raft.messages, ...raft.messagesAfterAppend];
  raft.messages = [];
  raft.messagesAfterAppend = [];
  return messages;
}

/** One member of a {@link TestNetwork}. */
export interface TestMember {
  readonly id: NodeId;
  readonly storage: MemoryStorage;
  node: RawNode;
  /** Every entry applied, in order (empty entries included). */
  readonly applied: Entry[];
  readonly readStates: ReadState[];
}

/** An in-memory cluster of RawNodes with a controllable network. */
export class TestNetwork {
  readonly members = new Map<NodeId, TestMember>();
  /** Messages in flight, delivered in FIFO order. */
  readonly queue: Message[] = [];
  private readonly cutLinks = new Set<string>();
  private readonly droppedTypes = new Set<MessageType>();
  /** Optional hook: return false to drop a message. */
  filter: ((message: Message) => boolean) | undefined;

  constructor(
    count: number,
    readonly options: TestNodeOptions = {},
  ) {
    const configState = { voters: ids(count), learners: [] };
    for (const id of ids(count)) this.addMember(id, configState);
  }

  /** Adds a member whose storage starts with `configState` (empty for a node joining later). */
  addMember(id: NodeId, configState: ConfigState): TestMember {
    const storage = new MemoryStorage({ configState });
    const member: TestMember = { id, storage, node: new RawNode(testConfig(id, storage, this.options)), applied: [], readStates: [] };
    this.members.set(id, member);
    return member;
  }

  member(id: number): TestMember {
    const member = this.members.get(nodeId(id));
    assert(member !== undefined, `no member ${id}`);
    return member;
  }

  node(id: number): RawNode {
    return this.member(id).node;
  }

  /** Restarts member `id` from its storage (losing volatile state, keeping what was persisted). */
  restart(id: number): void {
    const member = this.member(id);
    member.node = new RawNode(testConfig(member.id, member.storage, this.options));
  }

  /** Cuts the link both ways. */
  cut(left: number, right: number): void {
    this.cutLinks.add(`${left}->${right}`).add(`${right}->${left}`);
  }

  /** Cuts every link of `id`. */
  isolate(id: number): void {
    for (const other of this.members.keys()) if (other !== id) this.cut(id, other);
  }

  /** Restores every link and stops dropping message types. */
  heal(): void {
    this.cutLinks.clear();
    this.droppedTypes.clear();
    this.filter = undefined;
  }

  /** Drops every message of `type` until {@link heal}. */
  drop(type: MessageType): void {
    this.droppedTypes.add(type);
  }

  /** Processes every pending Ready of member `id` as a correct driver would. */
  processReady(id: NodeId): void {
    const member = this.members.get(id)!;
    while (member.node.hasReady()) {
      const ready = member.node.ready();
      this.persist(member, ready);
      for (const message of ready.messages) this.send(message);
      member.applied.push(...ready.committedEntries);
      member.readStates.push(...ready.readStates);
      member.node.advance(ready);
    }
  }

  /** Finishes a Ready of member `id` taken by the test itself (persist, send, apply, advance). */
  processReadyAfter(id: number, ready: Ready): void {
    const member = this.member(id);
    this.persist(member, ready);
    for (const message of ready.messages) this.send(message);
    member.applied.push(...ready.committedEntries);
    member.readStates.push(...ready.readStates);
    member.node.advance(ready);
  }

  private persist(member: TestMember, ready: Ready): void {
    if (ready.snapshot !== undefined) member.storage.applySnapshot(ready.snapshot);
    member.storage.append(ready.entries);
    if (ready.hardState !== undefined) member.storage.setHardState(ready.hardState);
  }

  /** Puts `message` in flight unless its link is cut, its type dropped, or the filter rejects it. */
  send(message: Message): void {
    if (this.cutLinks.has(`${message.from}->${message.to}`) || this.droppedTypes.has(message.type)) return;
    if (this.filter !== undefined && !this.filter(message)) return;
    if (!this.members.has(message.to)) return;
    this.queue.push(message);
  }

  /** Delivers messages and processes Readies until nothing is left; asserts it terminates. */
  stabilize(stepCountMax = 100_000): void {
    for (let steps = 0; steps < stepCountMax; steps++) {
      for (const id of this.members.keys()) this.processReady(id);
      const message = this.queue.shift();
      if (message === undefined) return;
      this.members.get(message.to)!.node.step(message);
    }
    assert(false, 'network did not stabilize');
  }

  /** Ticks member `id` `count` times, stabilizing after each tick. */
  tick(id: number, count = 1): void {
    for (let i = 0; i < count; i++) {
      this.node(id).tick();
      this.stabilize();
    }
  }

  /** Ticks every member `count` times, stabilizing after each round. */
  tickAll(count = 1): void {
    for (let i = 0; i < count; i++) {
      for (const member of this.members.values()) member.node.tick();
      this.stabilize();
    }
  }

  /** Makes member `id` campaign now and stabilizes. */
  campaign(id: number): void {
    this.node(id).campaign();
    this.stabilize();
  }

  /** Proposes `text` on member `id` and stabilizes; returns the proposal's entry id. */
  propose(id: number, text: string): ReturnType<RawNode['propose']> {
    const entryId = this.node(id).propose(new TextEncoder().encode(text));
    this.stabilize();
    return entryId;
  }

  /** The application payloads member `id` applied, as text, skipping empty entries. */
  appliedTexts(id: number): string[] {
    return this.member(id)
      .applied.filter((entry) => entry.type === 'normal' && entry.data.byteLength > 0)
      .map((entry) => new TextDecoder().decode(entry.data));
  }

  /** Ids of members that believe they lead. */
  leaders(): NodeId[] {
    return [...this.members.values()].filter((member) => member.node.status().role === 'leader').map((member) => member.id);
  }
}
