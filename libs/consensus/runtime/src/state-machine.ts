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
  /**
   * The image of the state at this call, as pieces like `snapshotChunks`'s, which may be taken
   * later while entries go on being applied: the call itself must be quick (it runs in the Ready
   * loop, where nothing is applied), and the pieces must not change with later applies. When
   * present the group takes snapshots through it and builds the image outside its Ready loop.
   */
  captureSnapshot?(): Iterable<Uint8Array>;
  /** Replaces the whole state with a snapshot's bytes. */
  restore(data: Uint8Array): void;
  /**
   * `restore` in steps, when offered: each iteration does a bounded piece of the work (tens of ms)
   * and the state is replaced only once the iteration ends. The group then installs snapshots
   * received from the leader through it, returning to the event loop between steps, so that a
   * follower restoring a large state (the object store's 10 million objects take minutes) keeps
   * ticking and answering. A bad snapshot throws from an iteration; the state stays as it was.
   */
  restoreInSteps?(data: Uint8Array): Iterable<unknown>;
  /**
   * Makes durable whatever `apply` wrote outside the machine's own state without syncing it (the
   * object store writes small objects' files on apply and leaves their durability to the log).
   * Called right after each snapshot image is taken or captured, before anything else is applied: it must
   * cover every effect applied until the call (later ones may be included). The snapshot file,
   * which lets a restart skip the entries that could rebuild those writes, is written only after
   * the returned promise resolves; entries go on being applied meanwhile. A rejection stops the
   * replica.
   */
  syncAppliedEffects?(): Promise<void>;
}
