// Runs the cache service alone, one replica per process (container entrypoint:
// `objectbox start cache` does the same). Configuration: OBJECTBOX_* variables and OBJECTBOX_CONFIG.
import { CacheModule } from '@objectbox/cache-nest';
import { runServiceMain } from '@objectbox/platform-nest';

await runServiceMain({ name: 'cache', module: CacheModule });
