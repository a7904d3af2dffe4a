/**
 * A 3-member etcd 3.4 cluster (Debian's /usr/bin/etcd) on loopback, each member with its own
 * client and peer port and data directory, fsync on (etcd's default; --unsafe-no-fsync is never
 * passed). Driven over its gRPC KV.Put with the same client as ObjectBox.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createGrpcClient } from '@objectbox/networking';
import { KV } from './gen/etcd/etcdserverpb/rpc_pb.js';
import { type BenchResources, freePorts, httpGetStatus, type PeerProcess, waitFor } from './bench-processes.js';

export const etcdBinary = '/usr/bin/etcd';

export interface EtcdMember {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly dataDirectory: string;
  readonly process: PeerProcess;
}

export interface EtcdCluster {
  readonly members: readonly EtcdMember[];
  readonly leader: EtcdMember;
}

export type EtcdKvClient = ReturnType<typeof createEtcdKvClient>;

/** The environment without ETCD_* variables, which etcd would read as flags. */
function etcdEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ETCD_')));
}

export async function startEtcdCluster(options: {
  resources: BenchResources;
  memberCount: number;
  parentDirectory: string;
  readyTimeoutMs: number;
}): Promise<EtcdCluster> {
  const ports = await freePorts(options.memberCount * 2);
  const planned = Array.from({ length: options.memberCount }, (_, position) => ({
    name: `m${position + 1}`,
    clientPort: ports[position * 2]!,
    peerPort: ports[position * 2 + 1]!,
  }));
  const initialCluster = planned.map((member) => `${member.name}=http://127.0.0.1:${member.peerPort}`).join(',');
  const clusterToken = `objectbox-bench-${randomUUID()}`;
  const parent = await options.resources.temporaryDirectory(options.parentDirectory, 'etcd');
  const members: EtcdMember[] = planned.map((member) => {
    const dataDirectory = join(parent, member.name);
    const process = options.resources.start({
      name: `etcd ${member.name}`,
      command: etcdBinary,
      env: etcdEnvironment(),
      args: [
        `--name=${member.name}`,
        `--data-dir=${dataDirectory}`,
        `--listen-client-urls=http://127.0.0.1:${member.clientPort}`,
        `--advertise-client-urls=http://127.0.0.1:${member.clientPort}`,
        `--listen-peer-urls=http://127.0.0.1:${member.peerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${member.peerPort}`,
        `--initial-cluster=${initialCluster}`,
        '--initial-cluster-state=new',
        `--initial-cluster-token=${clusterToken}`,
        '--logger=zap',
        '--log-outputs=stderr',
        '--log-level=warn',
      ],
    });
    return { ...member, dataDirectory, process };
  });
  for (const member of members) {
    await waitFor(
      `etcd ${member.name} /health`,
      async () => {
        if (!member.process.running) throw new Error(`etcd ${member.name} exited: ${member.process.outputTail}`);
        return (await httpGetStatus(`http://127.0.0.1:${member.clientPort}/health`, 1000)) === 200 ? true : undefined;
      },
      { deadlineMs: options.readyTimeoutMs, intervalMs: 100 },
    );
  }
  const leader = await waitFor('an etcd leader', () => findEtcdLeader(members), { deadlineMs: options.readyTimeoutMs, intervalMs: 100 });
  return { members, leader };
}

/** The member whose own id is the leader id in its maintenance status (gRPC gateway, JSON). */
async function findEtcdLeader(members: readonly EtcdMember[]): Promise<EtcdMember | undefined> {
  for (const member of members) {
    const response = await fetch(`http://127.0.0.1:${member.clientPort}/v3/maintenance/status`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(1000),
    });
    if (!response.ok) continue;
    const status = (await response.json()) as { header?: { member_id?: string }; leader?: string };
    if (status.leader !== undefined && status.leader !== '0' && status.header?.member_id === status.leader) return member;
  }
  return undefined;
}

export function createEtcdKvClient(options: { address: string; deadlineMs: number }) {
  return createGrpcClient(KV, {
    address: options.address,
    deadlineMs: options.deadlineMs,
    messageBytesMax: 4 * 1024 * 1024,
    retry: { attemptCountMax: 1, backoffMsInitial: 10, backoffMsMax: 100 },
  });
}
