import { health } from '@objectbox/proto';
import type { GrpcServiceImplementation } from '@objectbox/networking';
import type { ReadinessStatus, ServiceHealth } from './service-health.js';

const servingStatusOf: Record<ReadinessStatus, health.ServingStatus> = {
  serving: health.ServingStatus.SERVING,
  'not-serving': health.ServingStatus.NOT_SERVING,
  'not-implemented': health.ServingStatus.NOT_IMPLEMENTED,
};

/** The gRPC HealthService of one service replica, answering from the same {@link ServiceHealth} as HTTP. */
export function grpcHealthService(serviceHealth: ServiceHealth, version: string): GrpcServiceImplementation<typeof health.HealthService.method> {
  return {
    async check(request) {
      const readiness = serviceHealth.readiness();
      const known = request.service === '' || request.service === serviceHealth.service;
      return {
        service: serviceHealth.service,
        status: known ? servingStatusOf[readiness.status] : health.ServingStatus.UNSPECIFIED,
        detail: known ? readiness.detail : `this process does not host ${request.service}`,
        version,
      };
    },
  };
}
