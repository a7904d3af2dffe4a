import { ObjectBoxError } from '@objectbox/util';

/** Base of the errors that stop a process from starting; the CLI prints their message and exits 1. */
export abstract class StartupError extends ObjectBoxError {}

/** A listener's port is taken by another process. */
export class PortInUseError extends StartupError {
  readonly code = 'PortInUse';
  readonly kind = 'unavailable';
  constructor(
    readonly service: string,
    readonly listener: string,
    readonly address: string,
  ) {
    super(`cannot start ${service}: ${listener} address ${address} is already in use (stop the other process or choose another port)`);
  }
}

/** A listener could not bind for another reason (bad host, permission). */
export class ListenError extends StartupError {
  readonly code = 'ListenFailed';
  readonly kind = 'unavailable';
  constructor(
    readonly service: string,
    readonly listener: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`cannot start ${service}: ${listener} cannot listen on ${address}: ${reason}`);
  }
}

/** The data directory cannot be created or written. */
export class DataDirError extends StartupError {
  readonly code = 'DataDirUnusable';
  readonly kind = 'failed-precondition';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`data directory ${path} is not usable: ${reason}`);
  }
}
