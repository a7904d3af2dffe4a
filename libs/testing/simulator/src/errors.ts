/**
 * Typed errors of the simulator (STYLE.md §5). A broken simulator invariant is an assertion
 * instead; these classes are what the simulator reports on purpose: a violated Raft or client
 * property and the simulated death of a process.
 */
import { ObjectBoxError, type ErrorKind } from '@objectbox/util';

/** Base of every error the simulator throws on purpose. */
export abstract class SimulatorError extends ObjectBoxError {
  /** Marks instances without relying on `instanceof`. */
  readonly isSimulatorError = true;
}

/** True for any {@link SimulatorError}, also across duplicated copies of this package. */
export function isSimulatorError(value: unknown): value is SimulatorError {
  return value instanceof Error && (value as Partial<SimulatorError>).isSimulatorError === true;
}

/**
 * The property a run violated. The first four are Raft safety (Raft paper figure 3), checked after
 * every step; `linearizability` is checked on the client history at the end; `liveness` means no
 * leader committed a new write within the bound after the faults healed; `crash` is an unexpected
 * exception (an assertion in the code under test, most often).
 */
export type InvariantName =
  | 'election-safety'
  | 'log-matching'
  | 'leader-completeness'
  | 'state-machine-safety'
  | 'linearizability'
  | 'liveness'
  | 'crash';

/** A run broke `invariant` at simulated `tick`; `detail` is for humans, not for parsing. */
export class InvariantViolationError extends SimulatorError {
  readonly code = 'InvariantViolation';
  readonly kind: ErrorKind = 'internal';
  constructor(
    readonly invariant: InvariantName,
    readonly tick: number,
    readonly detail: string,
  ) {
    super(`${invariant} violated at tick ${tick}: ${detail}`);
  }
}

/** Thrown by the simulated disk at a scheduled crash point: the process dies mid-I/O. */
export class SimulatedCrashError extends SimulatorError {
  readonly code = 'SimulatedCrash';
  readonly kind: ErrorKind = 'unavailable';
  constructor(readonly operation: string) {
    super(`simulated process crash during ${operation}`);
  }
}
