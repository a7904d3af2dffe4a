export * from './grpc-client.js';
export * from './grpc-codec.js';
export * from './grpc-server.js';
export * from './grpc-status.js';
export * from './grpc-tls.js';
