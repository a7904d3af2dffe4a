import type { ServiceName } from '@objectbox/config';
import { ApiGatewayModule } from '@objectbox/api-gateway-nest';
import { CacheModule } from '@objectbox/cache-nest';
import { ClusterManagerModule } from '@objectbox/cluster-manager-nest';
import { MessageQueueModule } from '@objectbox/message-queue-nest';
import { ObjectStoreModule } from '@objectbox/object-store-nest';
import { OrchestratorModule } from '@objectbox/orchestrator-nest';
import type { ServiceDefinition } from '@objectbox/platform-nest';

/**
 * Every service this build can host, in start order (control plane first). The CLI is the
 * all-in-one host: `objectbox dev` boots all of them in one process, `objectbox start <name>` one.
 */
export const serviceCatalog: readonly ServiceDefinition[] = [
  { name: 'cluster-manager', module: ClusterManagerModule },
  { name: 'object-store', module: ObjectStoreModule },
  { name: 'cache', module: CacheModule },
  { name: 'message-queue', module: MessageQueueModule },
  { name: 'api-gateway', module: ApiGatewayModule },
  { name: 'orchestrator', module: OrchestratorModule },
] satisfies ReadonlyArray<ServiceDefinition & { name: ServiceName }>;
