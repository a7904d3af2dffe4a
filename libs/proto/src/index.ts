/**
 * Generated gRPC contracts. Everything under ./gen comes from proto/ via `buf generate`
 * (protoc-gen-es); never edit it by hand. Import a package as a namespace:
 * `import { health } from '@objectbox/proto'` then `health.HealthService`, `health.CheckRequestSchema`.
 */
export * as blob from './gen/objectbox/blob/v1/blob_pb.js';
export * as health from './gen/objectbox/health/v1/health_pb.js';
export * as kv from './gen/objectbox/kv/v1/kv_pb.js';
export * as objectStore from './gen/objectbox/objectstore/v1/access_keys_pb.js';
export * as objectStoreForward from './gen/objectbox/objectstore/v1/metadata_forward_pb.js';
export * as raft from './gen/objectbox/raft/v1/raft_pb.js';
export * as testingEcho from './gen/objectbox/testing/v1/echo_pb.js';
export * from './kv-session-codec.js';
export * from './raft-deliver-codec.js';
