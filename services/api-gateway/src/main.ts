// Runs the api-gateway service alone, one replica per process (container entrypoint:
// `objectbox start api-gateway` does the same). Configuration: OBJECTBOX_* variables and OBJECTBOX_CONFIG.
import { ApiGatewayModule } from '@objectbox/api-gateway-nest';
import { runServiceMain } from '@objectbox/platform-nest';

await runServiceMain({ name: 'api-gateway', module: ApiGatewayModule });
