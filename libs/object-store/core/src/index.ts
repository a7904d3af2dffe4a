export {};
export * from './s3-errors.js';
