/**
 * Makes lifecycle expiration happen: on the metadata leader, walks every bucket with enabled rules
 * one bounded page at a time (ObjectMetadataMachine.planLifecycle: at most `limits.keyCountMax`
 * keys, seeking from one rule prefix to the next), and proposes each page's ExpireLifecycle
 * command through Raft, so every replica applies the same deletions. Apply skips a target that
 * changed since it was planned (object-metadata-lifecycle.ts). Blobs the command frees are deleted
 * here, as a handler deletes its command's garbage; other replicas' copies go to their blob GC.
 *
 * Pages follow each other without a pause until a pass over all buckets is complete, then the loop
 * waits `passIntervalMs`. A page never runs concurrently with another. Only the leader plans: a
 * follower's pages would race the leader's (harmless, since apply re-checks, but wasted), and a
 * replica that loses leadership drops its cursor and starts over when it wins it back.
 *
 * Time: `nowMs` and `dayLengthMs` are injected. A day length shorter than 86,400,000 ms is for
 * tests only (services.objectStore.lifecycleDebugDayLengthMs, in the spirit of Ceph's
 * rgw_lc_debug_interval): rules then count "days" of that length, so expiry can be seen in seconds.
 */
import type { BlobRef, LifecycleCursor, LifecyclePageLimits } from '@objectbox/object-store-core';
import type { S3MetadataStore } from './s3-server.js';

export interface LifecycleExpiryLoopOptions {
  readonly metadata: Pick<S3MetadataStore, 'read' | 'propose'>;
  /** Whether this replica leads the metadata group now. */
  readonly isLeader: () => boolean;
  readonly nowMs: () => number;
  /** The length of a lifecycle day, ms: 86,400,000 but in tests. */
  readonly dayLengthMs: number;
  /** The pause after a complete pass over all buckets, ms. */
  readonly passIntervalMs: number;
  readonly limits: LifecyclePageLimits;
  /** A fresh version id, for the delete markers an expiry adds in a versioned bucket. */
  readonly newVersionId: () => string;
  /** Deletes blobs no version references any more (the command's garbage). */
  readonly deleteGarbage: (garbage: readonly BlobRef[]) => Promise<void>;
  readonly onPage: (result: LifecyclePageResult) => void;
  readonly onError: (error: unknown) => void;
}

/** What one page did. */
export interface LifecyclePageResult {
  readonly keyCount: number;
  readonly appliedCount: number;
  readonly skippedCount: number;
  /** The page ended a pass over every bucket. */
  readonly passComplete: boolean;
}

export class LifecycleExpiryLoop {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;
  #cursor: LifecycleCursor | undefined;

  constructor(private readonly options: LifecycleExpiryLoopOptions) {}

  /** Schedules the first page after one pass interval. */
  start(): void {
    this.#schedule(this.options.passIntervalMs);
  }

  /**
   * Plans and applies one page now (the loop, and tests). Undefined when this replica is not the
   * leader or the page failed (reported through `onError`; the page is planned again next time).
   */
  async runPage(): Promise<LifecyclePageResult | undefined> {
    if (!this.options.isLeader()) {
      this.#cursor = undefined;
      return undefined;
    }
    try {
      const machine = await this.options.metadata.read();
      if (this.#stopped) return undefined;
      const page = machine.planLifecycle(this.#cursor, {
        clock: { nowMs: this.options.nowMs(), dayLengthMs: this.options.dayLengthMs },
        limits: this.options.limits,
        newVersionId: this.options.newVersionId,
      });
      let appliedCount = 0;
      let skippedCount = 0;
      if (page.command !== undefined) {
        const reply = await this.options.metadata.propose(page.command);
        if (reply.ok) ({ appliedCount, skippedCount } = reply.value);
        if (reply.garbage.length > 0) await this.options.deleteGarbage(reply.garbage);
      }
      this.#cursor = page.next;
      const result = { keyCount: page.keyCount, appliedCount, skippedCount, passComplete: page.next === undefined };
      this.options.onPage(result);
      return result;
    } catch (error) {
      this.options.onError(error);
      return undefined;
    }
  }

  /** Stops scheduling and waits for a page in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.runPage().then((result) => {
        this.#running = undefined;
        // Mid-pass: the next page at once (a page is bounded, and the timer yields to I/O between pages).
        this.#schedule(result === undefined || result.passComplete ? this.options.passIntervalMs : 0);
      });
    }, delayMs);
    this.#timer.unref();
  }
}
