import { booleanField, enumField, FieldValueError, integerField, portField, stringField, stringListField } from './config-fields.js';
import type { ConfigOf, ConfigSchema } from './config-loader.js';

/**
 * The ObjectBox process configuration. Defaults are the dev process's embedded defaults
 * (ARCHITECTURE.md "Wire and ports"); every field can come from a JSON file (`--config`), an
 * `OBJECTBOX_*` environment variable (derived from the path: `services.objectStore.httpPort` is
 * `OBJECTBOX_SERVICES_OBJECT_STORE_HTTP_PORT`) or a flag. Port 0 asks the OS for a free port.
 */

/** The services a process can host, in start order (control plane first). */
export const serviceNames = ['cluster-manager', 'object-store', 'cache', 'message-queue', 'api-gateway', 'orchestrator'] as const;
export type ServiceName = (typeof serviceNames)[number];

function checkPeer(value: string): void {
  if (!/^\d+=[^\s=]+:\d{1,5}$/.test(value)) {
    throw new FieldValueError(`expected peers as id=host:port, got ${JSON.stringify(value)}`);
  }
}

function serviceSection(options: { httpPort: number; grpcPort: number; protocol: string }) {
  return {
    httpPort: portField({ default: options.httpPort, description: `HTTP listener: ${options.protocol}, /health/live, /health/ready, /metrics` }),
    grpcPort: portField({ default: options.grpcPort, description: 'gRPC listener: Raft and admin APIs' }),
  };
}

export const objectboxConfigSchema = {
  dataDir: stringField({ default: './.objectbox', nonEmpty: true, description: 'Directory holding all data of this process' }),
  host: stringField({ default: '127.0.0.1', nonEmpty: true, description: 'Address every listener binds to' }),
  clusterId: stringField({ default: 'objectbox-dev', nonEmpty: true, description: 'Identity of the cluster: replicas and data dirs of another cluster are refused' }),
  nodeId: integerField({ default: 1, min: 1, max: 65535, description: 'This replica’s id within its Raft groups' }),
  peers: stringListField({ default: [], item: checkPeer, description: 'Other replicas of the same service, as id=host:port (gRPC)' }),
  shutdownGraceMs: integerField({ default: 10_000, min: 0, max: 600_000, description: 'How long running requests may finish on shutdown' }),
  log: {
    level: enumField({ default: 'info', choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], description: 'Log level' }),
  },
  raft: {
    // 50 ms × 10 ticks = a 500–1000 ms election timeout and 100 ms heartbeats (etcd: 100 ms / 1 s).
    // 150–300 ms was tried first: on a loaded 2-core machine a starved leader lost leadership
    // under benchmark load, so failover speed was traded for stability.
    tickIntervalMs: integerField({ default: 50, min: 1, max: 1000, description: 'Raft tick: election and heartbeat timeouts count these' }),
    electionTimeoutTicks: integerField({ default: 10, min: 3, max: 1000, description: 'Election timeout in ticks (randomised between 1x and 2x)' }),
    heartbeatIntervalTicks: integerField({ default: 2, min: 1, max: 100, description: 'Leader heartbeat interval in ticks; below the election timeout' }),
    proposalTimeoutMs: integerField({ default: 5000, min: 10, max: 600_000, description: 'A write not applied within this time fails with an unknown outcome' }),
    pendingProposalCountMax: integerField({ default: 10_000, min: 1, max: 1_000_000, description: 'Writes waiting for commit before new ones are refused' }),
    snapshotEntryCount: integerField({ default: 10_000, min: 10, max: 100_000_000, description: 'Applied entries between snapshots (log compaction)' }),
    snapshotEntryBytes: integerField({ default: 64 * 1024 * 1024, min: 1024 * 1024, max: 4 * 1024 * 1024 * 1024, description: 'Applied entry bytes between snapshots: bounds the in-memory log when entries carry object bytes' }),
    walSegmentSizeBytes: integerField({ default: 64 * 1024 * 1024, min: 64 * 1024, max: 1024 * 1024 * 1024, description: 'WAL segment size' }),
  },
  grpc: {
    // Not below 16 MiB: Raft appends carry up to half of it, and every service's largest command
    // must fit in one (RaftGroup.entryBytesMax; the object store's reach ~4.3 MB, the registry's ~2 MiB).
    messageBytesMax: integerField({ default: 16 * 1024 * 1024, min: 16 * 1024 * 1024, max: 256 * 1024 * 1024, description: 'Largest gRPC message accepted or sent (Raft appends carry up to half of it)' }),
    tlsCertFile: stringField({ default: '', description: 'PEM certificate of this replica’s gRPC server; empty disables TLS' }),
    tlsKeyFile: stringField({ default: '', description: 'PEM private key for tlsCertFile' }),
    tlsCaFile: stringField({ default: '', description: 'PEM CA bundle used to verify peers' }),
    tlsRequireClientCert: booleanField({ default: false, description: 'Mutual TLS: demand a client certificate signed by tlsCaFile' }),
  },
  services: {
    clusterManager: serviceSection({ httpPort: 9500, grpcPort: 7100, protocol: 'admin' }),
    objectStore: {
      ...serviceSection({ httpPort: 9000, grpcPort: 7101, protocol: 'S3 API' }),
      region: stringField({ default: 'us-east-1', nonEmpty: true, description: 'S3 region of this endpoint: requests signed for another region are refused naming this one' }),
      virtualHostDomains: stringListField({
        default: ['localhost'],
        description: 'Domains under which <bucket>.<domain> names a bucket (virtual-host style); any other Host is path style',
      }),
      rootAccessKeyId: stringField({
        default: '',
        env: 'OBJECTBOX_ACCESS_KEY_ID',
        description: 'Access key id of the root S3 credentials; empty: the dev default, printed at start',
      }),
      rootSecretAccessKey: stringField({
        default: '',
        env: 'OBJECTBOX_SECRET_ACCESS_KEY',
        description: 'Secret access key of the root S3 credentials; empty: the dev default, printed at start',
      }),
      raftPeers: stringListField({
        default: [],
        item: checkPeer,
        description: "Other object-store replicas' gRPC addresses (id=host:port) for the object-store Raft group; empty: this replica alone",
      }),
      httpsPort: portField({ default: 9443, description: 'HTTPS listener: the S3 API over TLS' }),
      tlsCertFile: stringField({
        default: '',
        description: 'PEM certificate (chain) of the S3 HTTPS listener; empty: a self-signed one for 127.0.0.1/localhost generated into <dataDir>/object-store/tls at first start',
      }),
      tlsKeyFile: stringField({ default: '', description: 'PEM private key for tlsCertFile' }),
      masterKey: stringField({
        default: '',
        env: 'OBJECTBOX_MASTER_KEY',
        description: 'Master key (32 bytes, base64 or hex) encrypting access-key secrets at rest; empty: generated into <dataDir>/object-store/master.key (0600) at first start',
      }),
      blobGcGracePeriodMs: integerField({ default: 3_600_000, min: 1_800_000, max: 30 * 24 * 3_600_000, description: 'Orphan blobs and temp files younger than this are never collected (at least 30 min: above the S3 idle timeout, the replication deadline of a 5 GiB blob (~9 min) and the proposal timeout)' }),
      blobGcIntervalMs: integerField({ default: 60_000, min: 100, max: 24 * 3_600_000, description: 'Time between bounded blob garbage-collection passes' }),
      // An hour: expiry dates fall on midnights, and a pass reads every key under the rules' prefixes
      // (~1.7 ms of CPU per 1,000 keys: a pass every minute over 10 million keys would keep a core busy).
      lifecycleIntervalMs: integerField({ default: 3_600_000, min: 100, max: 24 * 3_600_000, description: 'Pause between lifecycle passes over all buckets (the leader expires objects, noncurrent versions, delete markers and stale uploads one page of keys at a time)' }),
      lifecycleDebugDayLengthMs: integerField({
        default: 0,
        min: 0,
        max: 86_400_000,
        description: 'TEST ONLY: the length of a lifecycle "day" in ms (like Ceph rgw_lc_debug_interval), so rules of N days act in N times this; 0: a real day (86,400,000 ms)',
      }),
      inlineObjectSizeBytesMax: integerField({ default: 16 * 1024, min: 0, max: 64 * 1024, description: 'PutObject bodies up to this size travel in the Raft log entry (one group-committed fsync) instead of a separately fsynced and replicated file; 0 disables' }),
    },
    cache: {
      respPort: portField({ default: 6379, description: 'RESP (Redis protocol) listener' }),
      requirepass: stringField({ default: '', description: 'Password of the default cache user (Redis requirepass); empty: no AUTH, loopback only' }),
      maxmemoryBytes: integerField({ default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, description: 'Cache memory limit (Redis maxmemory); 0: none' }),
      maxmemoryPolicy: enumField({
        default: 'noeviction',
        choices: ['noeviction', 'allkeys-lru', 'allkeys-lfu', 'volatile-lru', 'volatile-lfu', 'volatile-ttl', 'allkeys-random', 'volatile-random'],
        description: 'What the cache evicts at maxmemory (Redis maxmemory-policy)',
      }),
      raftPeers: stringListField({
        default: [],
        item: checkPeer,
        description: "Other cache replicas' gRPC addresses (id=host:port) for the cache's settings Raft group; empty: this replica alone",
      }),
      tcpBacklog: integerField({ default: 4096, min: 1, max: 65535, description: 'Listen queue of the RESP port (Redis tcp-backlog; Linux caps it at net.core.somaxconn); a burst of connects past it can be lost silently' }),
      protectedMode: booleanField({ default: true, description: 'With no password, accept cache clients from loopback only (Redis protected-mode)' }),
      ...serviceSection({ httpPort: 9121, grpcPort: 7103, protocol: 'admin' }),
    },
    messageQueue: serviceSection({ httpPort: 9324, grpcPort: 7102, protocol: 'SQS API' }),
    apiGateway: serviceSection({ httpPort: 8080, grpcPort: 7104, protocol: 'proxied HTTP' }),
    orchestrator: serviceSection({ httpPort: 9400, grpcPort: 7105, protocol: 'admin' }),
  },
} satisfies ConfigSchema;

export type ObjectBoxConfig = ConfigOf<typeof objectboxConfigSchema>;

/** The config section key of a service ('object-store' → 'objectStore'). */
export function serviceConfigKey(name: ServiceName): keyof ObjectBoxConfig['services'] {
  return name.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase()) as keyof ObjectBoxConfig['services'];
}
