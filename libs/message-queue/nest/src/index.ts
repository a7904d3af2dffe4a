export * from './message-queue.module.js';
