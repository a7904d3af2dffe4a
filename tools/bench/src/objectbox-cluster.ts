/**
 * A 3-replica ObjectBox Raft group: three `objectbox start cluster-manager` processes on loopback,
 * each with its own gRPC and HTTP port and data directory, peers given by their gRPC addresses.
 * Each serves objectbox.kv.v1.KvService; the benchmark loads the replica reporting role leader.
 */
import { join } from 'node:path';
import { createGrpcClient } from '@objectbox/networking';
import { kv, kvSessionCodecs } from '@objectbox/proto';
import { type BenchResources, freePorts, httpGetStatus, nodeBinary, type PeerProcess, repositoryRoot, waitFor } from './bench-processes.js';

export const cliScript = join(repositoryRoot, 'tools', 'cli', 'bin', 'objectbox.js');

export interface ObjectBoxReplica {
  readonly id: number;
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly dataDirectory: string;
  readonly process: PeerProcess;
  readonly client: ObjectBoxKvClient;
}

export interface ObjectBoxCluster {
  readonly replicas: readonly ObjectBoxReplica[];
  readonly leader: ObjectBoxReplica;
  /** Closes the clients (the processes belong to the resources). */
  close(): void;
}

export type ObjectBoxKvClient = ReturnType<typeof createObjectBoxKvClient>;

export function createObjectBoxKvClient(options: { address: string; deadlineMs: number }) {
  return createGrpcClient(kv.KvService, {
    address: options.address,
    deadlineMs: options.deadlineMs,
    messageBytesMax: 4 * 1024 * 1024,
    retry: { attemptCountMax: 1, backoffMsInitial: 10, backoffMsMax: 100 },
    // The objectbox-session system's batches through the hand-written codecs, as the servers do.
    codecs: kvSessionCodecs,
  });
}

export async function startObjectBoxCluster(options: {
  resources: BenchResources;
  replicaCount: number;
  parentDirectory: string;
  readyTimeoutMs: number;
  operationDeadlineMs: number;
}): Promise<ObjectBoxCluster> {
  const ports = await freePorts(options.replicaCount * 2);
  const planned = Array.from({ length: options.replicaCount }, (_, position) => ({
    id: position + 1,
    grpcPort: ports[position * 2]!,
    httpPort: ports[position * 2 + 1]!,
  }));
  const parent = await options.resources.temporaryDirectory(options.parentDirectory, 'objectbox');
  const replicas: ObjectBoxReplica[] = planned.map((replica) => {
    const dataDirectory = join(parent, `replica-${replica.id}`);
    const peers = planned
      .filter((other) => other.id !== replica.id)
      .map((other) => `${other.id}=127.0.0.1:${other.grpcPort}`)
      .join(',');
    const process = options.resources.start({
      name: `objectbox replica ${replica.id}`,
      command: nodeBinary,
      args: [
        cliScript,
        'start',
        'cluster-manager',
        '--id',
        String(replica.id),
        '--peers',
        peers,
        '--grpc-port',
        String(replica.grpcPort),
        '--http-port',
        String(replica.httpPort),
        '--data-dir',
        dataDirectory,
        '--host',
        '127.0.0.1',
        '--log-level',
        'warn',
      ],
    });
    const client = createObjectBoxKvClient({ address: `127.0.0.1:${replica.grpcPort}`, deadlineMs: options.operationDeadlineMs });
    return { ...replica, dataDirectory, process, client };
  });
  const close = () => replicas.forEach((replica) => replica.client.close());
  try {
    for (const replica of replicas) {
      await waitFor(
        `ObjectBox replica ${replica.id} /health/ready`,
        async () => {
          if (!replica.process.running) throw new Error(`replica ${replica.id} exited: ${replica.process.outputTail}`);
          return (await httpGetStatus(`http://127.0.0.1:${replica.httpPort}/health/ready`, 1000)) === 200 ? true : undefined;
        },
        { deadlineMs: options.readyTimeoutMs, intervalMs: 100 },
      );
    }
    const leader = await waitFor('an ObjectBox leader', () => findObjectBoxLeader(replicas), { deadlineMs: options.readyTimeoutMs, intervalMs: 100 });
    return { replicas, leader, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** The replica that reports role leader in its own Status. */
async function findObjectBoxLeader(replicas: readonly ObjectBoxReplica[]): Promise<ObjectBoxReplica | undefined> {
  for (const replica of replicas) {
    const status = await replica.client.status({}, { deadlineMs: 1000 }).catch(() => undefined);
    if (status?.role.toLowerCase() === 'leader' && status.nodeId === replica.id) return replica;
  }
  return undefined;
}
