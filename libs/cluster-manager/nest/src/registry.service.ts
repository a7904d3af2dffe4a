import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { RegistryStateMachine, type RegistryResult } from '@objectbox/cluster-manager-core';
import { RaftGroup, type RaftMember, RaftTransport, RaftWalReplay } from '@objectbox/consensus-runtime';
import type { GrpcServer } from '@objectbox/networking';
import { GrpcServiceRegistrations, grpcTlsOf, PlatformContext } from '@objectbox/platform-nest';
import { kv, raft } from '@objectbox/proto';
import { openStorage } from '@objectbox/storage-runtime';
import { assert } from '@objectbox/util';
import { kvServiceImplementation } from './kv-grpc.js';

/** The Raft group id of the cluster manager's registry. */
export const registryGroupId = 'cluster-manager';

/** Parses configured peers ("id=host:port") into members, adding this replica. */
export function raftMembersOf(options: { nodeId: number; selfAddress: string; peers: readonly string[] }): RaftMember[] {
  const members: RaftMember[] = [{ id: options.nodeId, address: options.selfAddress }];
  for (const peer of options.peers) {
    const [id, address] = peer.split('=') as [string, string];
    assert(Number(id) !== options.nodeId, `peer ${peer} has this replica's own id`);
    members.push({ id: Number(id), address });
  }
  return members;
}

/**
 * Hosts the cluster manager's Raft group (the registry) on this replica: opens its storage under
 * `<dataDir>/cluster-manager/raft`, serves the Raft transport and the KvService on the replica's
 * gRPC server, and closes everything on shutdown.
 */
@Injectable()
export class RegistryService extends GrpcServiceRegistrations implements OnModuleInit, OnApplicationShutdown {
  readonly machine = new RegistryStateMachine();
  private readonly transport: RaftTransport;
  private group: RaftGroup<RegistryResult> | undefined;

  constructor(@Inject(PlatformContext) private readonly context: PlatformContext) {
    super();
    const { config } = context;
    const tls = grpcTlsOf(config);
    this.transport = new RaftTransport({
      clusterId: config.clusterId,
      ...(tls === undefined ? {} : { tls }),
      messageBytesMax: config.grpc.messageBytesMax,
      snapshotChunkBytes: Math.min(1024 * 1024, Math.floor(config.grpc.messageBytesMax / 2)),
      snapshotBytesMax: 4 * 1024 * 1024 * 1024,
      queueMessageCountMax: 10_000,
      batchMessageCountMax: 256,
      reconnectBackoffMsMax: 1_000,
      logger: context.logger,
    });
  }

  register(server: GrpcServer): void {
    server.addService(raft.RaftTransportService, this.transport.serviceImplementation());
    server.addService(kv.KvService, kvServiceImplementation(this));
  }

  async onModuleInit(): Promise<void> {
    const { config, logger } = this.context;
    // The WAL's records are replayed while recovery verifies them: one read of the log at start.
    const replay = new RaftWalReplay();
    const storage = await openStorage({
      directory: join(config.dataDir, 'cluster-manager', 'raft'),
      clusterId: config.clusterId,
      segmentSizeBytes: config.raft.walSegmentSizeBytes,
      recordPayloadBytesMax: 16 * 1024 * 1024,
      pendingBytesMax: 256 * 1024 * 1024,
      snapshotPayloadBytesMax: 4 * 1024 * 1024 * 1024,
      snapshotRetainCount: 2,
      logger: { info: (event, fields) => logger.debug({ ...fields, event }, 'storage'), warn: (event, fields) => logger.warn({ ...fields, event }, 'storage') },
      onRecoveredRecord: (record) => replay.accept(record),
    });
    this.group = await RaftGroup.open({
      groupId: registryGroupId,
      nodeId: config.nodeId,
      members: raftMembersOf({ nodeId: config.nodeId, selfAddress: `${config.host}:${config.services.clusterManager.grpcPort}`, peers: config.peers }),
      storage,
      replay,
      stateMachine: this.machine,
      transport: this.transport,
      logger,
      tickIntervalMs: config.raft.tickIntervalMs,
      electionTimeoutTicks: config.raft.electionTimeoutTicks,
      heartbeatIntervalTicks: config.raft.heartbeatIntervalTicks,
      proposalTimeoutMs: config.raft.proposalTimeoutMs,
      pendingProposalCountMax: config.raft.pendingProposalCountMax,
      pendingReadCountMax: config.raft.pendingProposalCountMax,
      snapshotEntryCount: config.raft.snapshotEntryCount,
      entriesKeptAfterSnapshot: 1_000,
      messageSizeBytesMax: Math.floor(config.grpc.messageBytesMax / 2),
      inflightMessageCountMax: 256,
    });
  }

  /** The open group; throws before `onModuleInit` finished (the gRPC server starts after it). */
  get raftGroup(): RaftGroup<RegistryResult> {
    assert(this.group !== undefined, 'the registry group is not open yet');
    return this.group;
  }

  get isOpen(): boolean {
    return this.group !== undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.group?.close();
    this.transport.close();
  }
}
