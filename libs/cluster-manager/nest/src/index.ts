export * from './cluster-manager.module.js';
