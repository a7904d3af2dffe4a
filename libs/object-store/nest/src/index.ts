export * from './object-store.module.js';
export * from './object-store-server.service.js';
export * from './object-store-metadata.js';
export * from './access-key-admin.js';
