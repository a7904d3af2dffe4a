export * from './blob-checksums.js';
export * from './blob-errors.js';
export * from './blob-hash-worker.js';
export * from './blob-store.js';
export * from './blob-gc.js';
export * from './s3-body.js';
export * from './s3-request-auth.js';
export * from './s3-server.js';
