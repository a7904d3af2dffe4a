/**
 * Runs {@link BlobGarbageCollector} passes periodically: one bounded pass, then a pause of
 * `intervalMs`, never two passes at once. Before each pass `beforePass` must bring the reference
 * predicate up to date (the service waits for a ReadIndex barrier, so the local metadata machine has
 * applied everything committed before the pass began: without it a replica still replaying its log
 * after a restart would see nothing referenced). A pass that fails (no leader, disk error) is
 * reported and retried after the interval; it never stops the loop.
 */
import type { BlobGarbageCollector, BlobGcPassResult } from './blob-gc.js';

export interface BlobGcLoopOptions {
  readonly collector: BlobGarbageCollector;
  readonly intervalMs: number;
  readonly beforePass: () => Promise<void>;
  readonly onPass: (result: BlobGcPassResult) => void;
  readonly onError: (error: unknown) => void;
}

export class BlobGcLoop {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(private readonly options: BlobGcLoopOptions) {}

  /** Schedules the first pass after one interval. */
  start(): void {
    this.#schedule();
  }

  /** Runs one pass now (tests, and the loop itself). */
  async runOnce(): Promise<BlobGcPassResult | undefined> {
    try {
      await this.options.beforePass();
      if (this.#stopped) return undefined;
      const result = await this.options.collector.runPass();
      this.options.onPass(result);
      return result;
    } catch (error) {
      this.options.onError(error);
      return undefined;
    }
  }

  /** Stops scheduling and waits for a pass in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.runOnce().then(() => {
        this.#running = undefined;
        this.#schedule();
      });
    }, this.options.intervalMs);
    this.#timer.unref();
  }
}
