export {};
export * from './s3-errors.js';
export * from './s3-endpoint.js';
