import { Module } from '@nestjs/common';
import { GrpcServiceRegistrations, HealthController, MetricsController, NotImplementedController, ServiceHealth } from '@objectbox/platform-nest';
import { RegistryHealth } from './registry-health.js';
import { RegistryService } from './registry.service.js';

/**
 * The control-plane cluster manager. Built so far: its replicated registry (a Raft group with a
 * linearizable key-value API over gRPC, `objectbox.kv.v1.KvService`). Membership, the service
 * registry proper and placement are not built yet; other HTTP paths answer 501.
 */
@Module({
  controllers: [HealthController, MetricsController, NotImplementedController],
  providers: [
    RegistryService,
    { provide: GrpcServiceRegistrations, useExisting: RegistryService },
    { provide: ServiceHealth, useFactory: (registry: RegistryService) => new RegistryHealth(registry), inject: [RegistryService] },
  ],
})
export class ClusterManagerModule {}
