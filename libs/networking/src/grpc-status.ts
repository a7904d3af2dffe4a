import { status as GrpcStatus } from '@grpc/grpc-js';
import { assertNever, type ErrorKind, ObjectBoxError } from '@objectbox/util';

/**
 * The one mapping between ObjectBox error kinds and gRPC status codes (both directions).
 * Servers map thrown typed errors with {@link grpcStatusOf}; clients turn a status back into a
 * typed {@link GrpcCallError} with {@link errorKindOf}. See grpc/grpc-node server-call.ts
 * `serverErrorToStatus`: anything without a numeric code becomes UNKNOWN, so we map first.
 */
export function grpcStatusOf(kind: ErrorKind): GrpcStatus {
  switch (kind) {
    case 'invalid-argument':
      return GrpcStatus.INVALID_ARGUMENT;
    case 'not-found':
      return GrpcStatus.NOT_FOUND;
    case 'already-exists':
      return GrpcStatus.ALREADY_EXISTS;
    case 'failed-precondition':
      return GrpcStatus.FAILED_PRECONDITION;
    case 'permission-denied':
      return GrpcStatus.PERMISSION_DENIED;
    case 'unauthenticated':
      return GrpcStatus.UNAUTHENTICATED;
    case 'resource-exhausted':
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 'unavailable':
      return GrpcStatus.UNAVAILABLE;
    case 'deadline-exceeded':
      return GrpcStatus.DEADLINE_EXCEEDED;
    case 'aborted':
      return GrpcStatus.ABORTED;
    case 'not-implemented':
      return GrpcStatus.UNIMPLEMENTED;
    case 'data-loss':
      return GrpcStatus.DATA_LOSS;
    case 'internal':
      return GrpcStatus.INTERNAL;
    default:
      return assertNever(kind, 'unmapped error kind');
  }
}

/** The inverse of {@link grpcStatusOf}; statuses without an ObjectBox kind become 'internal'. */
export function errorKindOf(code: GrpcStatus): ErrorKind {
  switch (code) {
    case GrpcStatus.INVALID_ARGUMENT:
    case GrpcStatus.OUT_OF_RANGE:
      return 'invalid-argument';
    case GrpcStatus.NOT_FOUND:
      return 'not-found';
    case GrpcStatus.ALREADY_EXISTS:
      return 'already-exists';
    case GrpcStatus.FAILED_PRECONDITION:
      return 'failed-precondition';
    case GrpcStatus.PERMISSION_DENIED:
      return 'permission-denied';
    case GrpcStatus.UNAUTHENTICATED:
      return 'unauthenticated';
    case GrpcStatus.RESOURCE_EXHAUSTED:
      return 'resource-exhausted';
    case GrpcStatus.UNAVAILABLE:
      return 'unavailable';
    case GrpcStatus.DEADLINE_EXCEEDED:
    case GrpcStatus.CANCELLED:
      return 'deadline-exceeded';
    case GrpcStatus.ABORTED:
      return 'aborted';
    case GrpcStatus.UNIMPLEMENTED:
      return 'not-implemented';
    case GrpcStatus.DATA_LOSS:
      return 'data-loss';
    default:
      return 'internal';
  }
}

/** Metadata key carrying the typed error code (e.g. 'NotLeader') next to the gRPC status. */
export const errorCodeMetadataKey = 'objectbox-error-code';

/**
 * Prefix of metadata keys carrying structured error fields: an error with
 * `wireDetails: { 'leader-address': 'h:p' }` arrives as `objectbox-detail-leader-address: h:p`.
 */
export const errorDetailMetadataPrefix = 'objectbox-detail-';

/** A failed gRPC call as seen by a client: the status, its kind and the remote typed code. */
export class GrpcCallError extends ObjectBoxError {
  readonly code: string;
  readonly kind: ErrorKind;
  constructor(
    readonly grpcStatus: GrpcStatus,
    readonly details: string,
    /** The server's typed error code when it sent one, else the status name. */
    remoteCode: string | undefined,
    readonly method: string,
    /** Structured fields the server attached (see {@link errorDetailMetadataPrefix}). */
    readonly remoteDetails: Readonly<Record<string, string>> = {},
  ) {
    super(`${method} failed: ${GrpcStatus[grpcStatus] ?? grpcStatus}: ${details}`);
    this.kind = errorKindOf(grpcStatus);
    this.code = remoteCode ?? GrpcStatus[grpcStatus] ?? 'UNKNOWN';
  }
}
