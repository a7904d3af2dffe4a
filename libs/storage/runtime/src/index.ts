export * from './atomic-file.js';
export * from './counting-file-system.js';
export * from './data-directory.js';
export * from './node-file-system.js';
export * from './snapshot-store.js';
export * from './storage-logger.js';
export * from './storage.js';
export * from './wal.js';
