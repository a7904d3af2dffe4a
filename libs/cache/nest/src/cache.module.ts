import { Module } from '@nestjs/common';
import { GrpcServiceRegistrations, HealthController, MetricsController, NotImplementedController, ServiceHealth } from '@objectbox/platform-nest';
import { CacheHealth } from './cache-health.js';
import { CacheServerService } from './cache-server.service.js';

/**
 * The cache service: the Redis-compatible RESP server (`services.cache.respPort`) plus the service
 * shell (health, metrics, gRPC health). Its HTTP port has no API of its own yet: other paths answer 501.
 */
@Module({
  controllers: [HealthController, MetricsController, NotImplementedController],
  providers: [
    CacheServerService,
    { provide: GrpcServiceRegistrations, useExisting: CacheServerService },
    { provide: ServiceHealth, useFactory: (server: CacheServerService) => new CacheHealth(server), inject: [CacheServerService] },
  ],
})
export class CacheModule {}
