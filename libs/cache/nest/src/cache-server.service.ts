import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  CacheCommandError,
  CacheSettingsMachine,
  encodeCacheSettingsCommand,
  type CacheEngine,
  type CacheSettingsResult,
} from '@objectbox/cache-core';
import { CacheServer } from '@objectbox/cache-runtime';
import type { RaftGroup, RaftTransport } from '@objectbox/consensus-runtime';
import type { GrpcServer } from '@objectbox/networking';
import {
  createServiceRaftTransport,
  formatAddress,
  GrpcServiceRegistrations,
  ListenError,
  openServiceRaftGroup,
  PlatformContext,
  PortInUseError,
} from '@objectbox/platform-nest';
import { raft, raftDeliverCodecs } from '@objectbox/proto';
import { assert } from '@objectbox/util';

/** The Raft group id of the cache's settings (CONFIG SET changes; ACL users). */
export const cacheSettingsGroupId = 'cache';

/**
 * Runs the RESP server on `services.cache.respPort` (bound to the replica's `host`), configured from
 * `services.cache.*`. Durable settings: the cache's Raft group (storage under `<dataDir>/cache/raft`,
 * members from `services.cache.raftPeers`) is opened before the port, its log replayed into the
 * engine, and CONFIG SET goes through it: the client gets its reply once the change is committed and
 * applied, so an acknowledged change survives a restart.
 */
@Injectable()
export class CacheServerService extends GrpcServiceRegistrations implements OnModuleInit, OnApplicationShutdown {
  private server: CacheServer | undefined;
  private group: RaftGroup<CacheSettingsResult> | undefined;
  private readonly transport: RaftTransport;

  constructor(@Inject(PlatformContext) private readonly context: PlatformContext) {
    super();
    this.transport = createServiceRaftTransport(context);
  }

  register(server: GrpcServer): void {
    server.addService(raft.RaftTransportService, this.transport.serviceImplementation(), { codecs: raftDeliverCodecs });
  }

  async onModuleInit(): Promise<void> {
    const { config, logger, version } = this.context;
    const cache = config.services.cache;
    const address = formatAddress(config.host, cache.respPort);
    this.server = await CacheServer.start({
      host: config.host,
      port: cache.respPort,
      logger,
      version,
      config: {
        requirepass: cache.requirepass,
        maxmemory: cache.maxmemoryBytes,
        'maxmemory-policy': cache.maxmemoryPolicy,
        'protected-mode': cache.protectedMode,
        'tcp-backlog': cache.tcpBacklog,
      },
      beforeListen: (engine) => this.openSettingsGroup(engine),
    }).catch((error: unknown) => {
      // A bind failure is a typed startup error (one line, exit 1), not a crash with a stack.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new PortInUseError('cache', 'RESP', address);
      if (code !== undefined && /^E[A-Z]+$/.test(code)) throw new ListenError('cache', 'RESP', address, code);
      throw error;
    });
  }

  private async openSettingsGroup(engine: CacheEngine): Promise<void> {
    const { config } = this.context;
    const group = await openServiceRaftGroup({
      context: this.context,
      groupId: cacheSettingsGroupId,
      stateMachine: new CacheSettingsMachine(engine),
      transport: this.transport,
      selfGrpcPort: config.services.cache.grpcPort,
      peers: config.services.cache.raftPeers,
    });
    this.group = group;
    engine.settingsLog = {
      propose: (client, command) => {
        group.propose(encodeCacheSettingsCommand(command)).then(
          ({ result }) => engine.unblockWith(client, result),
          (error: unknown) => {
            this.context.logger.warn({ err: error }, 'cache settings change not committed');
            const reason = error instanceof Error ? error.message : String(error);
            engine.unblockWith(client, new CacheCommandError('message', `the change was not persisted: ${reason}`).toReply());
          },
        );
      },
    };
  }

  get isListening(): boolean {
    return this.server !== undefined;
  }

  get cacheServer(): CacheServer {
    assert(this.server !== undefined, 'the cache server has started');
    return this.server;
  }

  get settingsGroup(): RaftGroup<CacheSettingsResult> | undefined {
    return this.group;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.stop();
    await this.group?.close();
    this.transport.close();
  }
}
