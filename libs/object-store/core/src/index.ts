export {};
export * from './s3-errors.js';
export * from './s3-endpoint.js';
export * from './object-metadata-commands.js';
export * from './object-metadata-index.js';
export * from './object-metadata-listing.js';
export * from './object-metadata-machine.js';
export * from './object-metadata-model.js';
export * from './object-metadata-snapshot.js';
