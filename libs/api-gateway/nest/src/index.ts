export * from './api-gateway.module.js';
