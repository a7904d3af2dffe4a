export * from './orchestrator.module.js';
