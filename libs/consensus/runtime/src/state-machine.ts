/**
 * What a Raft group replicates. `apply` must be deterministic: the same commands in the same
 * order give the same state and results on every replica (time, ids and randomness travel inside
 * the command, stamped by the proposer; ARCHITECTURE.md "One service = one Raft group").
 */
export interface StateMachine<Result> {
  /** Applies one committed command at log `index`; the result goes to the proposer, if local. */
  apply(command: Uint8Array, index: number): Result;
  /** The whole state as bytes, for a snapshot; must reflect every command applied so far. */
  snapshot(): Uint8Array;
  /** Replaces the whole state with a snapshot's bytes. */
  restore(data: Uint8Array): void;
}
