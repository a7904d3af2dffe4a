/**
 * What every service that keeps metadata in its own Raft group does the same way (ARCHITECTURE.md:
 * one group per service): a gRPC Raft transport configured from the process config, storage under
 * `<dataDir>/<service>/raft` replayed in one pass, and a RaftGroup with the configured timing.
 */
import { join } from 'node:path';
import { RaftGroup, type RaftMember, RaftTransport, RaftWalReplay, type StateMachine } from '@objectbox/consensus-runtime';
import { openStorage } from '@objectbox/storage-runtime';
import { assert } from '@objectbox/util';
import { grpcTlsOf } from './service-host.js';
import { type PlatformContext } from './platform-context.js';

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

/** The Raft transport a service serves on its own gRPC listener. */
export function createServiceRaftTransport(context: PlatformContext): RaftTransport {
  const { config } = context;
  const tls = grpcTlsOf(config);
  return new RaftTransport({
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

/**
 * Opens a service's Raft group: storage in `<dataDir>/<groupId>/raft`, replayed into `stateMachine`
 * while recovery verifies the WAL (one read of the log at start), members from `peers`.
 */
export async function openServiceRaftGroup<Result>(options: {
  context: PlatformContext;
  groupId: string;
  stateMachine: StateMachine<Result>;
  transport: RaftTransport;
  selfGrpcPort: number;
  peers: readonly string[];
}): Promise<RaftGroup<Result>> {
  const { config, logger } = options.context;
  const replay = new RaftWalReplay();
  const storage = await openStorage({
    directory: join(config.dataDir, options.groupId, 'raft'),
    clusterId: config.clusterId,
    segmentSizeBytes: config.raft.walSegmentSizeBytes,
    recordPayloadBytesMax: 16 * 1024 * 1024,
    pendingBytesMax: 256 * 1024 * 1024,
    snapshotPayloadBytesMax: 4 * 1024 * 1024 * 1024,
    snapshotRetainCount: 2,
    logger: { info: (event, fields) => logger.debug({ ...fields, event }, 'storage'), warn: (event, fields) => logger.warn({ ...fields, event }, 'storage') },
    onRecoveredRecord: (record) => replay.accept(record),
  });
  return RaftGroup.open({
    groupId: options.groupId,
    nodeId: config.nodeId,
    members: raftMembersOf({ nodeId: config.nodeId, selfAddress: `${config.host}:${options.selfGrpcPort}`, peers: options.peers }),
    storage,
    replay,
    stateMachine: options.stateMachine,
    transport: options.transport,
    logger,
    tickIntervalMs: config.raft.tickIntervalMs,
    electionTimeoutTicks: config.raft.electionTimeoutTicks,
    heartbeatIntervalTicks: config.raft.heartbeatIntervalTicks,
    proposalTimeoutMs: config.raft.proposalTimeoutMs,
    pendingProposalCountMax: config.raft.pendingProposalCountMax,
    pendingReadCountMax: config.raft.pendingProposalCountMax,
    snapshotEntryCount: config.raft.snapshotEntryCount,
    snapshotEntryBytes: config.raft.snapshotEntryBytes,
    entriesKeptAfterSnapshot: 1_000,
    messageSizeBytesMax: Math.floor(config.grpc.messageBytesMax / 2),
    inflightMessageCountMax: 256,
  });
}
