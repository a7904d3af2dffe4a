// Runs the message-queue service alone, one replica per process (container entrypoint:
// `objectbox start message-queue` does the same). Configuration: OBJECTBOX_* variables and OBJECTBOX_CONFIG.
import { MessageQueueModule } from '@objectbox/message-queue-nest';
import { runServiceMain } from '@objectbox/platform-nest';

await runServiceMain({ name: 'message-queue', module: MessageQueueModule });
