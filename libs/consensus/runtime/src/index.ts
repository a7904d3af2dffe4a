export * from './async-queue.js';
export * from './errors.js';
export * from './raft-group.js';
export * from './raft-log-store.js';
export * from './raft-message-codec.js';
export * from './raft-transport.js';
export * from './raft-wal-codec.js';
export * from './state-machine.js';
