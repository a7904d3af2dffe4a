export * from './config-fields.js';
export * from './config-loader.js';
export * from './objectbox-config.js';
