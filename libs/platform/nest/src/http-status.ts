import { assertNever, type ErrorKind } from '@objectbox/util';

/**
 * The one mapping from error kinds to HTTP status codes for ObjectBox's own JSON endpoints
 * (admin, health). Protocol edges with their own error formats (S3 XML, SQS) keep their own table.
 */
export function httpStatusOf(kind: ErrorKind): number {
  switch (kind) {
    case 'invalid-argument':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'permission-denied':
      return 403;
    case 'not-found':
      return 404;
    case 'already-exists':
    case 'aborted':
      return 409;
    case 'failed-precondition':
      return 412;
    case 'resource-exhausted':
      return 429;
    case 'internal':
    case 'data-loss':
      return 500;
    case 'not-implemented':
      return 501;
    case 'unavailable':
      return 503;
    case 'deadline-exceeded':
      return 504;
    default:
      return assertNever(kind, 'unmapped error kind');
  }
}
