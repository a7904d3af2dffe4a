export * from './cache.module.js';
export * from './cache-server.service.js';
