/**
 * The typed error base every ObjectBox lib extends.
 *
 * Each domain (consensus, storage, object store, cache, ...) derives its own base from
 * {@link ObjectBoxError} and gives each subclass a literal `code` ('NotLeader', 'NoSuchKey', ...).
 * `kind` is the protocol-neutral category that each protocol edge maps once, in one table, to its own
 * status (gRPC status, HTTP status, RESP prefix). Fields are structured, not formatted into the message.
 */
export type ErrorKind =
  | 'invalid-argument'
  | 'not-found'
  | 'already-exists'
  | 'failed-precondition'
  | 'permission-denied'
  | 'unauthenticated'
  | 'resource-exhausted'
  | 'unavailable'
  | 'deadline-exceeded'
  | 'aborted'
  | 'not-implemented'
  | 'data-loss'
  | 'internal';

export const errorKinds: readonly ErrorKind[] = [
  'invalid-argument',
  'not-found',
  'already-exists',
  'failed-precondition',
  'permission-denied',
  'unauthenticated',
  'resource-exhausted',
  'unavailable',
  'deadline-exceeded',
  'aborted',
  'not-implemented',
  'data-loss',
  'internal',
];

export abstract class ObjectBoxError extends Error {
  /** A stable identifier of the condition, e.g. 'NotLeader'. */
  abstract readonly code: string;
  /** The protocol-neutral category edges map to a status. */
  abstract readonly kind: ErrorKind;
  /** Marks instances without relying on `instanceof` (two package copies break it). */
  readonly isObjectBoxError = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True for any {@link ObjectBoxError}, also across duplicated copies of this package. */
export function isObjectBoxError(value: unknown): value is ObjectBoxError {
  return (
    value instanceof Error &&
    (value as Partial<ObjectBoxError>).isObjectBoxError === true &&
    typeof (value as Partial<ObjectBoxError>).code === 'string'
  );
}

/** A request or configuration value is malformed or out of range. */
export class InvalidArgumentError extends ObjectBoxError {
  readonly code = 'InvalidArgument';
  readonly kind = 'invalid-argument';
}

/** The capability exists in the design but is not built yet. */
export class NotImplementedError extends ObjectBoxError {
  readonly code = 'NotImplemented';
  readonly kind = 'not-implemented';
  constructor(readonly feature: string) {
    super(`${feature} is not implemented yet`);
  }
}
