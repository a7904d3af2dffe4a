export * from './errors.js';
export * from './resp-decoder.js';
export * from './resp-double.js';
export * from './resp-encoder.js';
export * from './resp-value.js';
