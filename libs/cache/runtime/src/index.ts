export * from './cache-connection.js';
export * from './cache-server.js';
