/**
 * @objectbox/simulator: deterministic simulation of Raft groups (see simulator.ts) on
 * production's RaftLogStore, and the pieces a test may reuse: simulated disk and network, the
 * safety checker and the key-value state machine. `npm run sim` is sim-cli.ts.
 */
export * from './errors.js';
export * from './kv-state-machine.js';
export * from './safety-checker.js';
export * from './sim-network.js';
export * from './simulated-file-system.js';
export * from './simulation-options.js';
export * from './simulator.js';
export * from './trace-hash.js';
