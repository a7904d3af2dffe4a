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
  /**
   * The same bytes as `snapshot()`, produced lazily in pieces of about a MiB. When present the
   * group takes snapshots through it, returning to the event loop between pieces: serializing a
   * large state (the object store's is ~280 bytes per object, 2.8 GB for 10 million) must not
   * stall heartbeats and elections. No entry is applied while the pieces are taken.
   */
  snapshotChunks?(): Iterable<Uint8Array>;
  /** Replaces the whole state with a snapshot's bytes. */
  restore(data: Uint8Array): void;
  /**
   * Makes durable whatever `apply` wrote outside the machine's own state without syncing it (the
   * object store writes small objects' files on apply and leaves their durability to the log).
   * Called before each snapshot: the snapshot lets the log drop the entries that could rebuild
   * those writes after a crash, so they must be on disk first. No entry is applied meanwhile.
   */
  syncAppliedEffects?(): Promise<void>;
}
