export * from './registry-commands.js';
export * from './registry-state-machine.js';
