// Runs the object-store service alone, one replica per process (container entrypoint:
// `objectbox start object-store` does the same). Configuration: OBJECTBOX_* variables and OBJECTBOX_CONFIG.
import { ObjectStoreModule } from '@objectbox/object-store-nest';
import { runServiceMain } from '@objectbox/platform-nest';

await runServiceMain({ name: 'object-store', module: ObjectStoreModule });
