import { Module } from '@nestjs/common';
import { HealthController, MetricsController, NotImplementedController, NotImplementedHealth, ServiceHealth } from '@objectbox/platform-nest';

/**
 * The cache service. Not built yet: the process hosts its shell (health, metrics, gRPC health),
 * reports "not implemented yet" as its readiness and answers every other HTTP path with 501.
 */
@Module({
  controllers: [HealthController, MetricsController, NotImplementedController],
  providers: [{ provide: ServiceHealth, useFactory: () => new NotImplementedHealth('cache', 'the RESP (Redis protocol) server') }],
})
export class CacheModule {}
