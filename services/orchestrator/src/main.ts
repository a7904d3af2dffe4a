// Runs the orchestrator service alone, one replica per process (container entrypoint:
// `objectbox start orchestrator` does the same). Configuration: OBJECTBOX_* variables and OBJECTBOX_CONFIG.
import { OrchestratorModule } from '@objectbox/orchestrator-nest';
import { runServiceMain } from '@objectbox/platform-nest';

await runServiceMain({ name: 'orchestrator', module: OrchestratorModule });
