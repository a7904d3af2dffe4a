export * from './object-store.module.js';
