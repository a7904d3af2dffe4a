import { Module } from '@nestjs/common';
import { GrpcServiceRegistrations, HealthController, MetricsController, ServiceHealth } from '@objectbox/platform-nest';
import { ObjectStoreHealth } from './object-store-health.js';
import { ObjectStoreServerService } from './object-store-server.service.js';

/**
 * The object-store service: the S3 API on `services.objectStore.httpPort` (a plain `node:http`
 * handler in front of Nest, see ObjectStoreServerService) plus the service shell: `/health/live`,
 * `/health/ready` and `/metrics` on the same port, gRPC health and the object-store Raft group's
 * transport on `services.objectStore.grpcPort`.
 */
@Module({
  controllers: [HealthController, MetricsController],
  providers: [
    ObjectStoreServerService,
    { provide: GrpcServiceRegistrations, useExisting: ObjectStoreServerService },
    { provide: ServiceHealth, useFactory: (server: ObjectStoreServerService) => new ObjectStoreHealth(server), inject: [ObjectStoreServerService] },
  ],
})
export class ObjectStoreModule {}
