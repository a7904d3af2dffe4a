/**
 * Typed errors of the deterministic testing building blocks.
 *
 * Broken invariants inside this package are assertions (`assert` from `@objectbox/util`); the classes
 * here are the expected conditions a simulated component reports to the code under test, the way
 * the real component would (a missing file, a full disk), plus malformed inputs handed to a checker.
 */
import { ObjectBoxError, type ErrorKind } from '@objectbox/util';

/** Base of every error thrown on purpose by `@objectbox/testing-core`. */
export abstract class TestingError extends ObjectBoxError {
  /** Marks instances without `instanceof` (two package copies break it). */
  readonly isTestingError = true;
}

/** True for any {@link TestingError}, also across duplicated copies of this package. */
export function isTestingError(value: unknown): value is TestingError {
  return value instanceof Error && (value as Partial<TestingError>).isTestingError === true;
}

/** A recorded history handed to the linearizability checker is malformed (see `operationIndex`). */
export class InvalidHistoryError extends TestingError {
  readonly code = 'InvalidHistory';
  readonly kind: ErrorKind = 'invalid-argument';
  constructor(
    readonly operationIndex: number,
    readonly reason: string,
  ) {
    super(`operation ${operationIndex} is invalid: ${reason}`);
  }
}

/** Base of the errors a {@link SimulatedDisk} reports, mirroring what a real file system reports. */
export abstract class SimulatedDiskError extends TestingError {}

/** The path names no file (ENOENT). */
export class FileNotFoundError extends SimulatedDiskError {
  readonly code = 'FileNotFound';
  readonly kind: ErrorKind = 'not-found';
  constructor(readonly path: string) {
    super(`no such file: ${path}`);
  }
}

/** Exclusive creation found an existing file (EEXIST). */
export class FileAlreadyExistsError extends SimulatedDiskError {
  readonly code = 'FileAlreadyExists';
  readonly kind: ErrorKind = 'already-exists';
  constructor(readonly path: string) {
    super(`file already exists: ${path}`);
  }
}

/** A file handle opened before the last simulated crash was used (the process that held it died). */
export class StaleFileHandleError extends SimulatedDiskError {
  readonly code = 'StaleFileHandle';
  readonly kind: ErrorKind = 'failed-precondition';
  constructor(readonly path: string) {
    super(`file handle for ${path} was opened before a crash`);
  }
}

/** The write would grow the disk beyond its capacity (ENOSPC); nothing was written. */
export class DiskFullError extends SimulatedDiskError {
  readonly code = 'DiskFull';
  readonly kind: ErrorKind = 'resource-exhausted';
  constructor(
    readonly sizeBytesRequested: number,
    readonly sizeBytesMax: number,
  ) {
    super(`disk full: ${sizeBytesRequested} bytes needed, capacity ${sizeBytesMax} bytes`);
  }
}
