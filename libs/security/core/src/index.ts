export * from './errors.js';
export * from './sigv4-authorization.js';
export * from './sigv4-chunked.js';
export * from './sigv4-chunked-decode.js';
export * from './sigv4-encoding.js';
export * from './sigv4-payload.js';
export * from './sigv4-signing.js';
export * from './sigv4-verify.js';
