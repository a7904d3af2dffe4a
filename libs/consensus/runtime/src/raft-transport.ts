import { create } from '@bufbuild/protobuf';
import type { Message } from '@objectbox/consensus-core';
import { createGrpcClient, type GrpcClient, type GrpcServiceImplementation, type GrpcTlsOptions } from '@objectbox/networking';
import type { Logger } from '@objectbox/observability';
import { raft, raftDeliverCodecs } from '@objectbox/proto';
import { assert } from '@objectbox/util';
import { AsyncQueue } from './async-queue.js';
import { CloseSignal } from './close-signal.js';
import { RaftMessageInvalidError, RaftPeerRejectedError } from './errors.js';
import { raftMessageFromWire, raftMessageToWire } from './raft-message-codec.js';
import { packedBatchHeaderBytes, packedMessageBytes, packRaftMessages, unpackRaftMessages } from './raft-message-packing.js';

/**
 * The gRPC transport between Raft replicas, shared by every group a process hosts.
 *
 * Sending: one long-lived `Deliver` client stream per peer address, fed by a bounded queue; a
 * message that does not fit, or that is in flight when the stream breaks, is lost, which Raft
 * tolerates (the group is told the peer is unreachable so the leader probes it again). Snapshot
 * messages go through `InstallSnapshot` in chunks, and the group learns whether it succeeded.
 *
 * Receiving: batches from another cluster are refused (PERMISSION_DENIED); malformed messages,
 * messages for unknown groups, for another node or from non-members are dropped and logged.
 */
export interface RaftTransportOptions {
  readonly clusterId: string;
  readonly tls?: GrpcTlsOptions;
  readonly messageBytesMax: number;
  /** Snapshot data is sent in chunks of this size. */
  readonly snapshotChunkBytes: number;
  /** Largest snapshot accepted from a peer. */
  readonly snapshotBytesMax: number;
  /** Messages queued per peer before new ones are dropped. */
  readonly queueMessageCountMax: number;
  /** Messages per Deliver batch. */
  readonly batchMessageCountMax: number;
  readonly reconnectBackoffMsMax: number;
  readonly logger: Logger;
}

/** What a group registers to receive messages and delivery reports. */
export interface RaftGroupEndpoint {
  readonly nodeId: number;
  /** Ids allowed to send to this group (current members and configured peers). */
  isKnownMember(id: number): boolean;
  deliver(message: Message): void;
  reportUnreachable(id: number): void;
  reportSnapshot(id: number, succeeded: boolean): void;
}

interface Outgoing {
  readonly groupId: string;
  readonly message: Message;
}

type TransportClient = GrpcClient<typeof raft.RaftTransportService.method>;

/**
 * Bytes a DeliverRequest takes beyond its packed messages: three fields' tags and lengths (at most
 * 1 + 5 bytes each) and the two ids.
 */
function deliverEnvelopeBytes(clusterId: string, groupId: string): number {
  return 3 * 6 + Buffer.byteLength(clusterId) + Buffer.byteLength(groupId);
}

class PeerSender {
  private queue: AsyncQueue<Outgoing> | undefined;
  private failures = 0;
  private retryAtMs = 0;
  readonly client: TransportClient;

  constructor(
    readonly address: string,
    private readonly transport: RaftTransport,
    private readonly options: RaftTransportOptions,
  ) {
    this.client = createGrpcClient(raft.RaftTransportService, {
      address,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      deadlineMs: 365 * 24 * 3600 * 1000,
      messageBytesMax: options.messageBytesMax,
      retry: { attemptCountMax: 1, backoffMsInitial: 1, backoffMsMax: 1 },
      // Every batch to a peer is a DeliverRequest: encoded by hand, not by protobuf-es's schema walk.
      codecs: raftDeliverCodecs,
    });
  }

  /** Queues a message; false when it had to be dropped. */
  send(outgoing: Outgoing): boolean {
    if (Date.now() < this.retryAtMs) return false;
    if (this.queue === undefined) this.open();
    return (this.queue as AsyncQueue<Outgoing>).push(outgoing);
  }

  private open(): void {
    const queue = new AsyncQueue<Outgoing>(this.options.queueMessageCountMax);
    this.queue = queue;
    const clusterId = this.options.clusterId;
    const batchMax = this.options.batchMessageCountMax;
    const messageBytesMax = this.options.messageBytesMax;
    // Each batch is one DeliverRequest: the queued messages of one group, up to batchMax of them
    // and as many bytes as one gRPC message may carry. Without the byte bound, two or three
    // queued appends of half the limit each (what the core puts in one) went out together, gRPC
    // refused the message, the stream broke and heartbeats stopped with it: the leader lost its
    // followers and its leadership under large writes.
    async function* batches(): AsyncIterable<raft.DeliverRequest> {
      const iterator = queue[Symbol.asyncIterator]();
      const batch = (groupId: string, messages: readonly Message[]) => create(raft.DeliverRequestSchema, { groupId, clusterId, packedMessages: packRaftMessages(messages) });
      /** A message taken from the queue that did not fit the batch before it: the next one's first. */
      let carried: Outgoing | undefined;
      for (;;) {
        let first = carried;
        carried = undefined;
        if (first === undefined) {
          const next = await iterator.next();
          if (next.done === true) return;
          first = next.value;
        }
        const groupId = first.groupId;
        const bytesMax = messageBytesMax - deliverEnvelopeBytes(clusterId, groupId);
        const messages = [first.message];
        // A message alone always goes (RaftGroup keeps every entry, so every append, within half the limit).
        let bytes = packedBatchHeaderBytes + packedMessageBytes(first.message);
        // Drain what is already queued for the same group into one batch.
        while (messages.length < batchMax && queue.size > 0) {
          const next = await iterator.next();
          if (next.done === true) break;
          const messageBytes = packedMessageBytes(next.value.message);
          if (next.value.groupId !== groupId || bytes + messageBytes > bytesMax) {
            carried = next.value;
            break;
          }
          messages.push(next.value.message);
          bytes += messageBytes;
        }
        yield batch(groupId, messages);
      }
    }
    this.client.deliver(batches()).then(
      () => this.onStreamEnd(queue, undefined),
      (error: unknown) => this.onStreamEnd(queue, error),
    );
  }

  private onStreamEnd(queue: AsyncQueue<Outgoing>, error: unknown): void {
    queue.close();
    if (this.queue === queue) this.queue = undefined;
    if (error === undefined) return;
    this.failures++;
    this.retryAtMs = Date.now() + Math.min(this.options.reconnectBackoffMsMax, 25 * 2 ** Math.min(this.failures, 10));
    this.transport.peerFailed(this.address, error);
  }

  close(): void {
    this.queue?.close();
    this.client.close();
  }
}

export class RaftTransport {
  private readonly groups = new Map<string, RaftGroupEndpoint>();
  private readonly senders = new Map<string, PeerSender>();
  /** Which (group, node id) each address serves, to report failures to the right group. */
  private readonly addressUsers = new Map<string, Set<string>>();
  private closed = false;
  /** Closed by {@link close}; ends the receiving side of every stream. */
  private readonly closedSignal = new CloseSignal();

  constructor(private readonly options: RaftTransportOptions) {
    assert(options.snapshotChunkBytes > 0 && options.snapshotChunkBytes < options.messageBytesMax, 'snapshotChunkBytes must be below messageBytesMax');
  }

  registerGroup(groupId: string, endpoint: RaftGroupEndpoint): void {
    assert(!this.groups.has(groupId), `group ${groupId} registered twice`);
    this.groups.set(groupId, endpoint);
  }

  unregisterGroup(groupId: string): void {
    this.groups.delete(groupId);
  }

  /** Sends a group's messages to the peers at `addressOf(to)`; never blocks, may drop. */
  send(groupId: string, messages: readonly Message[], addressOf: (id: number) => string | undefined): void {
    const endpoint = this.groups.get(groupId);
    for (const message of messages) {
      const address = addressOf(message.to);
      if (address === undefined || this.closed) {
        endpoint?.reportUnreachable(message.to);
        continue;
      }
      this.rememberUser(address, groupId, message.to);
      if (message.type === 'MsgSnap') {
        void this.sendSnapshot(groupId, message, address);
        continue;
      }
      if (!this.senderOf(address).send({ groupId, message })) endpoint?.reportUnreachable(message.to);
    }
  }

  private rememberUser(address: string, groupId: string, id: number): void {
    const users = this.addressUsers.get(address) ?? new Set<string>();
    users.add(`${groupId}\u0000${id}`);
    this.addressUsers.set(address, users);
  }

  private senderOf(address: string): PeerSender {
    let sender = this.senders.get(address);
    if (sender === undefined) {
      sender = new PeerSender(address, this, this.options);
      this.senders.set(address, sender);
    }
    return sender;
  }

  /** Called by a sender whose stream broke: every group using that peer hears it is unreachable. */
  peerFailed(address: string, error: unknown): void {
    this.options.logger.debug({ peer: address, err: error }, 'raft peer stream failed');
    for (const user of this.addressUsers.get(address) ?? []) {
      const [groupId, id] = user.split('\u0000') as [string, string];
      this.groups.get(groupId)?.reportUnreachable(Number(id));
    }
  }

  private async sendSnapshot(groupId: string, message: Extract<Message, { type: 'MsgSnap' }>, address: string): Promise<void> {
    const data = message.snapshot.data;
    const header = raftMessageToWire({ ...message, snapshot: { ...message.snapshot, data: new Uint8Array() } });
    const chunkBytes = this.options.snapshotChunkBytes;
    const clusterId = this.options.clusterId;
    async function* chunks(): AsyncIterable<raft.InstallSnapshotRequest> {
      yield create(raft.InstallSnapshotRequestSchema, { groupId, clusterId, header, dataSizeBytes: BigInt(data.byteLength), chunk: data.subarray(0, chunkBytes) });
      for (let offset = chunkBytes; offset < data.byteLength; offset += chunkBytes) {
        yield create(raft.InstallSnapshotRequestSchema, { chunk: data.subarray(offset, offset + chunkBytes) });
      }
    }
    let succeeded = false;
    try {
      await this.senderOf(address).client.installSnapshot(chunks(), { deadlineMs: 600_000 });
      succeeded = true;
    } catch (error) {
      this.options.logger.warn({ peer: address, group: groupId, err: error }, 'raft snapshot transfer failed');
    }
    this.groups.get(groupId)?.reportSnapshot(message.to, succeeded);
  }

  /** Looks up the receiving group, or says why a batch is refused or dropped. */
  private endpointFor(request: { groupId: string; clusterId: string }): RaftGroupEndpoint | undefined {
    if (request.clusterId !== this.options.clusterId) {
      throw new RaftPeerRejectedError(`a replica of cluster ${JSON.stringify(request.clusterId)} tried to talk to cluster ${JSON.stringify(this.options.clusterId)}`);
    }
    const endpoint = this.groups.get(request.groupId);
    if (endpoint === undefined) this.options.logger.debug({ group: request.groupId }, 'raft messages for a group this process does not host dropped');
    return endpoint;
  }

  private deliverChecked(groupId: string, endpoint: RaftGroupEndpoint, wire: raft.RaftMessage): boolean {
    let message: Message;
    try {
      message = raftMessageFromWire(wire);
    } catch (error) {
      if (!(error instanceof RaftMessageInvalidError)) throw error;
      return this.dropMalformed(groupId, error);
    }
    return this.deliverMessage(groupId, endpoint, message);
  }

  /** Delivers a batch's packed messages and counts them; a batch that is malformed as a whole is dropped and logged. */
  private deliverPacked(groupId: string, endpoint: RaftGroupEndpoint, packed: Uint8Array): number {
    let messages: Array<Message | RaftMessageInvalidError>;
    try {
      messages = unpackRaftMessages(packed);
    } catch (error) {
      if (!(error instanceof RaftMessageInvalidError)) throw error;
      this.dropMalformed(groupId, error);
      return 0;
    }
    let delivered = 0;
    for (const message of messages) {
      if (message instanceof RaftMessageInvalidError) this.dropMalformed(groupId, message);
      else if (this.deliverMessage(groupId, endpoint, message)) delivered++;
    }
    return delivered;
  }

  private dropMalformed(groupId: string, error: RaftMessageInvalidError): false {
    this.options.logger.warn({ group: groupId, reason: error.message }, 'malformed raft message dropped');
    return false;
  }

  private deliverMessage(groupId: string, endpoint: RaftGroupEndpoint, message: Message): boolean {
    if (message.to !== endpoint.nodeId || !endpoint.isKnownMember(message.from)) {
      this.options.logger.warn({ group: groupId, from: message.from, to: message.to, type: message.type }, 'raft message from an unknown member or for another node dropped');
      return false;
    }
    endpoint.deliver(message);
    return true;
  }

  /** The server side, to add to the replica's gRPC server. */
  serviceImplementation(): GrpcServiceImplementation<typeof raft.RaftTransportService.method> {
    return {
      deliver: async (requests) => {
        let delivered = 0;
        const iterator = requests[Symbol.asyncIterator]();
        for (;;) {
          // Peers keep this stream open for good: end it when this replica shuts down, so the gRPC
          // server's graceful shutdown does not wait for streams that never end by themselves.
          const next = await this.closedSignal.race(iterator.next());
          if (next === 'closed' || next.done === true) break;
          const request = next.value;
          const endpoint = this.endpointFor(request);
          if (endpoint === undefined) continue;
          for (const wire of request.messages) if (this.deliverChecked(request.groupId, endpoint, wire)) delivered++;
          if (request.packedMessages.byteLength > 0) delivered += this.deliverPacked(request.groupId, endpoint, request.packedMessages);
        }
        return { deliveredCount: BigInt(delivered) };
      },
      installSnapshot: async (requests) => {
        let first: raft.InstallSnapshotRequest | undefined;
        let data: Uint8Array | undefined;
        let received = 0;
        for await (const request of requests) {
          if (first === undefined) {
            first = request;
            const size = Number(request.dataSizeBytes);
            if (!(size <= this.options.snapshotBytesMax)) throw new RaftMessageInvalidError(`snapshot of ${request.dataSizeBytes} bytes exceeds the limit of ${this.options.snapshotBytesMax}`);
            this.endpointFor(request);
            data = new Uint8Array(size);
          }
          if (received + request.chunk.byteLength > (data as Uint8Array).byteLength) throw new RaftMessageInvalidError('snapshot chunks exceed the declared size');
          (data as Uint8Array).set(request.chunk, received);
          received += request.chunk.byteLength;
        }
        if (first?.header === undefined || data === undefined || received !== data.byteLength) throw new RaftMessageInvalidError('incomplete snapshot transfer');
        const endpoint = this.endpointFor(first);
        if (endpoint !== undefined) this.deliverChecked(first.groupId, endpoint, { ...first.header, snapshotData: data });
        return {};
      },
    };
  }

  close(): void {
    this.closed = true;
    this.closedSignal.close();
    for (const sender of this.senders.values()) sender.close();
    this.senders.clear();
  }
}
