/**
 * Linearizable reads waiting for ReadIndex answers, grouped so that many reads share one request.
 *
 * A ReadIndex request costs a heartbeat round to a quorum (or a message to the leader from a
 * follower); the edge asks for one read per GET, so one request per read would cost a round per
 * GET. Instead, reads join the open batch, and the group issues that batch's one request just
 * before the core's next Ready (`seal`). The rule that keeps this linearizable (Raft thesis §6.4):
 * the read index must be taken after the read began. A sealed batch's index may be older than a
 * write that completes afterwards, so a read that arrives after the seal never joins it: it opens
 * the next batch.
 */

const contextEncoder = new TextEncoder();
const contextDecoder = new TextDecoder();

interface ReadWaiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface ReadBatch {
  readonly context: string;
  /** The core's answer: the batch is served once this index is applied. */
  index: number | undefined;
  readonly waiters: ReadWaiter[];
  /** One deadline for the whole batch; later joiners get at most one Ready cycle less. */
  readonly timer: NodeJS.Timeout;
}

export interface ReadBatchesOptions {
  /** Makes the contexts unique among replicas: a leader answers requests of every replica. */
  readonly contextPrefix: string;
  readonly timeoutMs: number;
  /** The error every waiter of a batch gets when the batch is not served within `timeoutMs`. */
  readonly timeoutError: () => unknown;
}

export class ReadBatches {
  /** Every batch with waiters, by context, including the open one. */
  private readonly batches = new Map<string, ReadBatch>();
  /** The batch whose request is not yet issued: the only one a new read may join. */
  private open: ReadBatch | undefined;
  private batchCounter = 0;
  private waiters = 0;

  constructor(private readonly options: ReadBatchesOptions) {}

  /** Reads waiting in all batches (the overload limit counts callers, not requests). */
  get waitingCount(): number {
    return this.waiters;
  }

  /** Waits in the open batch, opening one when none is open; resolves once the batch is served. */
  join(): Promise<void> {
    const batch = this.open ?? this.openBatch();
    this.waiters++;
    return new Promise((resolve, reject) => batch.waiters.push({ resolve, reject }));
  }

  private openBatch(): ReadBatch {
    const context = `${this.options.contextPrefix}${++this.batchCounter}`;
    const timer = setTimeout(() => this.settle(context, (waiter) => waiter.reject(this.options.timeoutError())), this.options.timeoutMs);
    const batch: ReadBatch = { context, index: undefined, waiters: [], timer };
    this.batches.set(context, batch);
    this.open = batch;
    return batch;
  }

  /**
   * Closes the open batch to new reads and returns the context for its ReadIndex request, which
   * the caller must issue now; undefined when no read waits for a request.
   */
  seal(): Uint8Array | undefined {
    const batch = this.open;
    if (batch === undefined) return undefined;
    this.open = undefined;
    return contextEncoder.encode(batch.context);
  }

  /** Records the core's answer to a batch's request (ignored when the batch is gone). */
  answer(context: Uint8Array, index: number): void {
    const batch = this.batches.get(contextDecoder.decode(context));
    if (batch !== undefined) batch.index = index;
  }

  /** Serves every batch whose answered index this replica has applied. */
  resolveApplied(appliedIndex: number): void {
    for (const batch of this.batches.values()) {
      if (batch.index !== undefined && batch.index <= appliedIndex) this.settle(batch.context, (waiter) => waiter.resolve());
    }
  }

  /** Fails every waiter of the batch whose request the core refused. */
  fail(context: Uint8Array, error: unknown): void {
    this.settle(contextDecoder.decode(context), (waiter) => waiter.reject(error));
  }

  /** Fails every waiter of every batch (the group is closing). */
  failAll(error: unknown): void {
    for (const context of [...this.batches.keys()]) this.settle(context, (waiter) => waiter.reject(error));
  }

  private settle(context: string, finish: (waiter: ReadWaiter) => void): void {
    const batch = this.batches.get(context);
    if (batch === undefined) return;
    this.batches.delete(context);
    // A batch that times out before it was issued must not be issued later with no one waiting.
    if (this.open === batch) this.open = undefined;
    clearTimeout(batch.timer);
    this.waiters -= batch.waiters.length;
    for (const waiter of batch.waiters) finish(waiter);
  }
}
