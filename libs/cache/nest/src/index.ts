export * from './cache.module.js';
