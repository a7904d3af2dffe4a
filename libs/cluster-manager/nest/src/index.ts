export * from './cluster-manager.module.js';
export * from './kv-grpc.js';
export * from './registry-health.js';
export * from './registry.service.js';
export * from './registry-command-batcher.js';
