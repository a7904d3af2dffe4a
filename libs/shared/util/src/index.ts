export * from './assert.js';
export * from './branded.js';
export * from './errors.js';
