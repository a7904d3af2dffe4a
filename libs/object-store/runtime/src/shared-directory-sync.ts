/**
 * Group commit for directory fsyncs. A blob becomes durable under its name only once its
 * directory is fsynced after the rename, and concurrent PUTs mostly land in the same shard
 * directory (blob ids keep their shard for 1,024 ids in a row): each used to fsync it on its own.
 *
 * A sync that is already running may have started before the caller's rename, so it cannot
 * stand for it; the caller waits for the next one, which starts when the running one ends and
 * which every caller arriving meanwhile shares. So each caller's entry is covered by a sync that
 * started after its rename, and N concurrent callers cost at most two syncs instead of N.
 */
export class SharedDirectorySync {
  readonly #states = new Map<string, { running: Promise<void>; next: Promise<void> | undefined }>();

  constructor(private readonly syncDirectory: (path: string) => Promise<void>) {}

  /** Resolves once `directory` was fsynced by a sync that started after this call; rejects with its failure. */
  sync(directory: string): Promise<void> {
    const state = this.#states.get(directory);
    if (state === undefined) return this.#start(directory);
    state.next ??= state.running.then(
      () => this.#start(directory),
      () => this.#start(directory),
    );
    return state.next;
  }

  #start(directory: string): Promise<void> {
    const running = this.syncDirectory(directory);
    const state: { running: Promise<void>; next: Promise<void> | undefined } = { running, next: undefined };
    this.#states.set(directory, state);
    const settle = (): void => {
      // With a next sync asked for, the state stays until that one starts and replaces it: a
      // caller arriving in between must queue behind it, not start a third sync alongside.
      if (this.#states.get(directory) === state && state.next === undefined) this.#states.delete(directory);
    };
    running.then(settle, settle);
    return running;
  }
}
