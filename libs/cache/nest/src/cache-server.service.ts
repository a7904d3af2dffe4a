import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CacheServer } from '@objectbox/cache-runtime';
import { PlatformContext } from '@objectbox/platform-nest';
import { assert } from '@objectbox/util';

/**
 * Runs the RESP server on `services.cache.respPort` (bound to the replica's `host`), configured from
 * `services.cache.*`, for the lifetime of the service.
 */
@Injectable()
export class CacheServerService implements OnModuleInit, OnApplicationShutdown {
  private server: CacheServer | undefined;

  constructor(@Inject(PlatformContext) private readonly context: PlatformContext) {}

  async onModuleInit(): Promise<void> {
    const { config, logger, version } = this.context;
    const cache = config.services.cache;
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
      },
    });
  }

  get isListening(): boolean {
    return this.server !== undefined;
  }

  get cacheServer(): CacheServer {
    assert(this.server !== undefined, 'the cache server has started');
    return this.server;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.stop();
  }
}
