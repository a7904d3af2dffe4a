import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { registryBatchCommandCountMax, RegistryStateMachine, type RegistryResult } from '@objectbox/cluster-manager-core';
import type { RaftGroup, RaftTransport } from '@objectbox/consensus-runtime';
import type { GrpcServer } from '@objectbox/networking';
import { createServiceRaftTransport, GrpcServiceRegistrations, openServiceRaftGroup, PlatformContext } from '@objectbox/platform-nest';
import { kv, kvSessionCodecs, raft, raftDeliverCodecs } from '@objectbox/proto';
import { assert } from '@objectbox/util';
import { kvServiceImplementation } from './kv-grpc.js';
import { registryBatchBytesMax, RegistryCommandBatcher } from './registry-command-batcher.js';

/** The Raft group id of the cluster manager's registry. */
export const registryGroupId = 'cluster-manager';

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
  private batcher: RegistryCommandBatcher | undefined;

  constructor(@Inject(PlatformContext) private readonly context: PlatformContext) {
    super();
    this.transport = createServiceRaftTransport(context);
  }

  register(server: GrpcServer): void {
    server.addService(raft.RaftTransportService, this.transport.serviceImplementation(), { codecs: raftDeliverCodecs });
    // Session messages through hand-written codecs: protobuf-es's schema walk was ~5% of a leader's CPU under raft-kv.
    server.addService(kv.KvService, kvServiceImplementation(this), { codecs: kvSessionCodecs });
  }

  async onModuleInit(): Promise<void> {
    const { config } = this.context;
    this.group = await openServiceRaftGroup({
      context: this.context,
      groupId: registryGroupId,
      stateMachine: this.machine,
      transport: this.transport,
      selfGrpcPort: config.services.clusterManager.grpcPort,
      peers: config.peers,
    });
    const group = this.group;
    this.batcher = new RegistryCommandBatcher({
      groupId: registryGroupId,
      propose: (entry) => group.propose(entry),
      pendingCommandCountMax: config.raft.pendingProposalCountMax,
      batchCommandCountMax: registryBatchCommandCountMax,
      batchBytesMax: Math.min(registryBatchBytesMax, group.entryBytesMax),
    });
  }

  /** Writes go through it: the commands of one turn of the event loop share one log entry. */
  get commands(): RegistryCommandBatcher {
    assert(this.batcher !== undefined, 'the registry group is not open yet');
    return this.batcher;
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
