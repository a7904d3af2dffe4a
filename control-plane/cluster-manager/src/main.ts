// Runs the control-plane cluster manager alone, one replica per process (container entrypoint:
// `objectbox start cluster-manager` does the same). Configuration: OBJECTBOX_* and OBJECTBOX_CONFIG.
import { ClusterManagerModule } from '@objectbox/cluster-manager-nest';
import { runServiceMain } from '@objectbox/platform-nest';

await runServiceMain({ name: 'cluster-manager', module: ClusterManagerModule });
