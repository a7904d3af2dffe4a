import type { GrpcServer } from '@objectbox/networking';

/**
 * A service module that serves gRPC APIs of its own (Raft transport, admin APIs) provides this
 * token; the service host calls `register` on the replica's gRPC server before it starts listening.
 */
export abstract class GrpcServiceRegistrations {
  abstract register(server: GrpcServer): void;
}
