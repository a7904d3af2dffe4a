export * from './errors.js';
export * from './kv-history-generator.js';
export * from './kv-model.js';
export * from './linearizability-checker.js';
export * from './linearizability-model.js';
export * from './random.js';
export * from './priority-queue.js';
export * from './simulated-network.js';
