import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { RaftGroup, RaftTransport } from '@objectbox/consensus-runtime';
import type { GrpcServer } from '@objectbox/networking';
import { dayLengthMsDefault, ObjectMetadataMachine, type ObjectMetadataApplyReply } from '@objectbox/object-store-core';
import {
  AccessKeySecretCipher,
  BlobGarbageCollector,
  BlobGcLoop,
  BlobHashWorkerPool,
  blobReplicaPeersOf,
  BlobReplicator,
  blobServiceImplementation,
  BlobStore,
  LifecycleExpiryLoop,
  machineCredentialStore,
  ObjectMetadataReplica,
  S3Server,
} from '@objectbox/object-store-runtime';
import { createServiceRaftTransport, GrpcServiceRegistrations, grpcTlsOf, httpListenBacklog, ListenError, openServiceRaftGroup, PlatformContext, PortInUseError } from '@objectbox/platform-nest';
import { blob, objectStore, objectStoreForward, raft, raftDeliverCodecs } from '@objectbox/proto';
import { accessKeyServiceImplementation, type RootCredentials } from './access-key-admin.js';
import { loadMasterKey } from './master-key.js';
import { metadataForwardServiceImplementation, MetadataForwarder } from './metadata-forwarding.js';
import { RaftS3MetadataStore } from './object-store-metadata.js';
import { loadS3TlsMaterial } from './s3-tls.js';

/** The Raft group id of the object store's metadata (buckets, versions, uploads, keys). */
export const objectStoreGroupId = 'object-store';

/** The root key pair used when none is configured: fine on a laptop, printed at start. */
export const devRootCredentials = { accessKeyId: 'objectbox', secretAccessKey: 'objectbox-dev-secret' } as const;

/**
 * Idle time after which a connection is closed (no byte either way), ms: bounds stalled clients
 * without limiting how long a large upload or download may take in total.
 */
export const s3SocketIdleTimeoutMs = 120_000;

/** Work bounds of one blob GC pass (every `services.objectStore.blobGcIntervalMs`). */
export const blobGcEntriesScannedMaxPerPass = 10_000;
export const blobGcDeletionsMaxPerPass = 1_000;

/** Work bounds of one lifecycle page (pages follow each other until a pass over all buckets ends). */
export const lifecyclePageLimits = { keyCountMax: 1_000, versionCountMax: 10_000, bucketCountMax: 1_000, targetCountMax: 1_000 } as const;

/** Paths the service shell (Nest) answers on the S3 port; see {@link isAdminRequest}. */
const adminPaths = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * True for the service shell's own requests: an unauthenticated GET or HEAD of `/health/live`,
 * `/health/ready` or `/metrics`. Everything else is S3. A signed request for those paths (GetObject
 * of key `live` in a bucket named `health`, say) is S3, so the only clash left is anonymous access
 * to such keys, which S3 would refuse here anyway (no bucket policies yet).
 */
export function isAdminRequest(request: IncomingMessage): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (request.headers.authorization !== undefined) return false;
  const target = request.url ?? '/';
  const question = target.indexOf('?');
  const path = question < 0 ? target : target.slice(0, question);
  // The path first: nearly every request is S3, and this runs before each of them.
  if (!adminPaths.has(path)) return false;
  return question < 0 || !/(^|&)x-amz-(algorithm|credential|signature)=/i.test(target.slice(question + 1));
}

/**
 * Runs the S3 API on `services.objectStore.httpPort`, the port the service host's Nest HTTP listener
 * binds. The S3 edge is a plain `node:http` handler (streamed bodies, no Express, no body parser):
 * at module init it takes the listener's `request` event, hands {@link isAdminRequest} requests to
 * Nest (health, metrics) and everything else to {@link S3Server}. Metadata lives in the object
 * store's Raft group (storage under `<dataDir>/object-store/raft`, members from
 * `services.objectStore.raftPeers`), bytes in `<dataDir>/object-store/blobs`.
 */
@Injectable()
export class ObjectStoreServerService extends GrpcServiceRegistrations implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private https: HttpsServer | undefined;
  private group: RaftGroup<ObjectMetadataApplyReply> | undefined;
  private forwarder: MetadataForwarder | undefined;
  private hashPool: BlobHashWorkerPool | undefined;
  private s3: S3Server | undefined;
  private blobGc: BlobGcLoop | undefined;
  private lifecycle: LifecycleExpiryLoop | undefined;
  private metadata: RaftS3MetadataStore | undefined;
  private cipher: AccessKeySecretCipher | undefined;
  private root: RootCredentials | undefined;
  private blobs: BlobStore | undefined;
  private replicator: BlobReplicator | undefined;
  private readonly transport: RaftTransport;

  constructor(
    @Inject(PlatformContext) private readonly context: PlatformContext,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {
    super();
    this.transport = createServiceRaftTransport(context);
  }

  register(server: GrpcServer): void {
    server.addService(raft.RaftTransportService, this.transport.serviceImplementation(), { codecs: raftDeliverCodecs });
    server.addService(
      objectStore.AccessKeyService,
      accessKeyServiceImplementation({ metadata: () => this.metadata, cipher: () => this.cipher, root: () => this.root, nowMs: () => Date.now() }),
    );
    server.addService(blob.BlobService, blobServiceImplementation({ blobs: () => this.blobs }));
    server.addService(
      objectStoreForward.MetadataForwardService,
      metadataForwardServiceImplementation({ group: () => this.group, root: () => this.root, nowMs: () => Date.now() }),
    );
  }

  async onModuleInit(): Promise<void> {
    const { config, logger } = this.context;
    const section = config.services.objectStore;
    const machine = new ObjectMetadataMachine();
    // The blob store comes first: applying the log (from the moment the group opens) stores small
    // objects' bytes as blobs (ObjectMetadataReplica).
    this.hashPool = new BlobHashWorkerPool();
    const blobs = await BlobStore.open({ directory: join(config.dataDir, 'object-store', 'blobs'), hasherFactory: this.hashPool });
    this.blobs = blobs;
    this.group = await openServiceRaftGroup({
      context: this.context,
      groupId: objectStoreGroupId,
      stateMachine: new ObjectMetadataReplica(machine, blobs, logger, (error) => {
        // Like a failed WAL write: this replica cannot keep its promise; restart and re-apply the log.
        logger.fatal({ err: error }, 'a small object from the log could not be stored; exiting');
        process.nextTick(() => {
          throw error;
        });
      }),
      transport: this.transport,
      selfGrpcPort: section.grpcPort,
      peers: section.raftPeers,
    });
    // Object bytes go to a majority of the group's members before their metadata is proposed.
    if (section.raftPeers.length > 0) {
      const tls = grpcTlsOf(config);
      this.replicator = new BlobReplicator({
        blobs,
        peers: blobReplicaPeersOf(section.raftPeers),
        logger,
        ...(tls === undefined ? {} : { tls }),
        messageBytesMax: config.grpc.messageBytesMax,
      });
    }
    const group = this.group;
    this.blobGc = new BlobGcLoop({
      collector: new BlobGarbageCollector({
        directory: blobs.directory,
        isReferenced: (blobId) => machine.isBlobReferenced(blobId),
        gracePeriodMs: section.blobGcGracePeriodMs,
        nowMs: () => Date.now(),
        entriesScannedMaxPerPass: blobGcEntriesScannedMaxPerPass,
        deletionsMaxPerPass: blobGcDeletionsMaxPerPass,
      }),
      intervalMs: section.blobGcIntervalMs,
      beforePass: () => group.linearizableRead(),
      onPass: (result) => {
        if (result.deletedBlobIds.length + result.deletedTemporaryFileCount > 0) {
          logger.info({ deleted_blob_count: result.deletedBlobIds.length, deleted_temporary_file_count: result.deletedTemporaryFileCount, scanned: result.scannedEntryCount }, 'blob GC: orphans deleted');
        }
      },
      onError: (error) => logger.warn({ err: error }, 'blob GC: pass skipped'),
    });
    this.blobGc.start();
    // 0 is a real day; anything shorter is the test-only debug day (config description).
    const lifecycleDayLengthMs = section.lifecycleDebugDayLengthMs === 0 ? dayLengthMsDefault : section.lifecycleDebugDayLengthMs;
    if (lifecycleDayLengthMs !== dayLengthMsDefault) logger.warn({ day_length_ms: lifecycleDayLengthMs }, 'lifecycle: a debug day length is set (tests only): rules expire objects after days of this length');
    const masterKey = await loadMasterKey({ configured: section.masterKey, objectStoreDir: join(config.dataDir, 'object-store') });
    if (masterKey.generatedNow) logger.warn({ master_key_file: masterKey.source }, 'generated the master key for access-key secrets; every replica needs the same one (OBJECTBOX_MASTER_KEY)');
    const cipher = new AccessKeySecretCipher(masterKey.key);
    const root = this.rootCredentials();
    let undecryptableLogged = false;
    const credentials = machineCredentialStore({
      root,
      accessKeyOf: (accessKeyId) => machine.getAccessKey(accessKeyId),
      cipher,
      onUndecryptable: (error) => {
        if (!undecryptableLogged) logger.error({ access_key_id: error.accessKeyId }, error.message);
        undecryptableLogged = true;
      },
    });
    // With peers, a write taken by a follower is forwarded to the leader (writes through any replica).
    if (section.raftPeers.length > 0) {
      const tls = grpcTlsOf(config);
      this.forwarder = new MetadataForwarder({ root, deadlineMs: config.raft.proposalTimeoutMs + 1_000, ...(tls === undefined ? {} : { tls }) });
    }
    const metadata = new RaftS3MetadataStore(this.group, machine, this.forwarder ?? null);
    [this.metadata, this.cipher, this.root] = [metadata, cipher, root];
    this.s3 = new S3Server({
      region: section.region,
      virtualHostDomains: section.virtualHostDomains,
      credentials,
      rootAccessKeyId: root.accessKeyId,
      metadata,
      blobs,
      ...(this.replicator === undefined ? {} : { replication: this.replicator }),
      inlineObjectSizeBytesMax: section.inlineObjectSizeBytesMax,
      logger,
      lifecycleDayLengthMs,
    });
    this.attach(this.s3);
    const s3 = this.s3;
    this.lifecycle = new LifecycleExpiryLoop({
      metadata,
      isLeader: () => group.status().role === 'leader',
      nowMs: () => Date.now(),
      dayLengthMs: lifecycleDayLengthMs,
      passIntervalMs: section.lifecycleIntervalMs,
      limits: lifecyclePageLimits,
      newVersionId: () => s3.newId(),
      deleteGarbage: async (garbage) => {
        await Promise.all(garbage.map((blob) => blobs.delete(blob.blobId)));
      },
      onPage: (result) => {
        if (result.appliedCount > 0) logger.info({ expired_count: result.appliedCount, skipped_count: result.skippedCount, key_count: result.keyCount }, 'lifecycle: expired');
      },
      onError: (error) => logger.warn({ err: error }, 'lifecycle: page skipped'),
    });
    this.lifecycle.start();
  }

  /**
   * Serves S3 over HTTPS on `services.objectStore.httpsPort` (the same handler as the HTTP port),
   * with the configured certificate or a generated self-signed one (s3-tls.ts), whose path is logged.
   */
  async onApplicationBootstrap(): Promise<void> {
    const { config, logger } = this.context;
    const section = config.services.objectStore;
    const s3 = this.s3;
    if (s3 === undefined) return;
    const tls = await loadS3TlsMaterial({ certFile: section.tlsCertFile, keyFile: section.tlsKeyFile, objectStoreDir: join(config.dataDir, 'object-store') });
    const https = createHttpsServer({ cert: tls.certPem, key: tls.keyPem });
    this.https = https;
    this.route(https, s3);
    const address = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${section.httpsPort}`;
    await new Promise<void>((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new PortInUseError('object-store', 'HTTPS', address) : new ListenError('object-store', 'HTTPS', address, error.code ?? error.message));
      https.once('error', failed);
      https.listen(section.httpsPort, config.host, httpListenBacklog, () => {
        https.off('error', failed);
        resolve();
      });
    });
    const port = (https.address() as AddressInfo).port;
    const url = `https://${address.slice(0, address.lastIndexOf(':'))}:${port}`;
    if (tls.selfSigned) {
      logger.warn({ url, cert_file: tls.certPath, generated: tls.generatedNow }, `S3 over HTTPS with a self-signed certificate: trust ${tls.certPath} (boto3 verify=, aws --ca-bundle, NODE_EXTRA_CA_CERTS)`);
    } else {
      logger.info({ url, cert_file: tls.certPath }, 'S3 over HTTPS');
    }
  }

  /** The root key pair from config (or OBJECTBOX_ACCESS_KEY_ID / OBJECTBOX_SECRET_ACCESS_KEY), else the dev default. */
  private rootCredentials(): { accessKeyId: string; secretAccessKey: string } {
    const { rootAccessKeyId, rootSecretAccessKey } = this.context.config.services.objectStore;
    if (rootAccessKeyId !== '' && rootSecretAccessKey !== '') return { accessKeyId: rootAccessKeyId, secretAccessKey: rootSecretAccessKey };
    this.context.logger.warn(
      { access_key_id: devRootCredentials.accessKeyId, secret_access_key: devRootCredentials.secretAccessKey },
      'S3 root credentials: using the dev defaults; set OBJECTBOX_ACCESS_KEY_ID and OBJECTBOX_SECRET_ACCESS_KEY for anything else',
    );
    return { ...devRootCredentials };
  }

  /** Puts the S3 handler in front of Nest on the service's HTTP listener (created, not yet listening). */
  private attach(s3: S3Server): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.nestListeners = server.listeners('request') as ((request: IncomingMessage, response: ServerResponse) => void)[];
    server.removeAllListeners('request');
    this.route(server, s3);
  }

  private nestListeners: ((request: IncomingMessage, response: ServerResponse) => void)[] = [];

  /** Sends a listener's requests to Nest ({@link isAdminRequest}) or S3, with the idle timeout. */
  private route(server: Server | HttpsServer, s3: S3Server): void {
    const handle = (request: IncomingMessage, response: ServerResponse) => {
      if (isAdminRequest(request)) {
        s3.noteRequest(request, response);
        for (const listener of this.nestListeners) listener.call(server, request, response);
      } else s3.handleRequest(request, response);
    };
    server.on('request', handle);
    // An Expect other than 100-continue is ignored, as S3 does (ceph/s3-tests
    // test_object_create_bad_expect_mismatch, _empty); without this listener node answers 417.
    server.on('checkExpectation', handle);
    // A body cut short by a half-closed connection gets S3's IncompleteBody instead of node's bare 400.
    server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => s3.handleClientError(error, socket));
    // Node's default 300 s limit on receiving a whole request would cut off large uploads; an idle
    // timeout bounds stalled clients instead.
    server.requestTimeout = 0;
    server.timeout = s3SocketIdleTimeoutMs;
  }

  get isServing(): boolean {
    return this.s3 !== undefined;
  }

  get metadataGroup(): RaftGroup<ObjectMetadataApplyReply> | undefined {
    return this.group;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.blobGc?.stop();
    await this.lifecycle?.stop();
    const https = this.https;
    if (https !== undefined) {
      await new Promise<void>((resolve) => {
        https.close(() => resolve());
        https.closeAllConnections();
      });
    }
    await this.group?.close();
    this.transport.close();
    await this.replicator?.close();
    this.forwarder?.close();
    await this.hashPool?.close();
  }
}
