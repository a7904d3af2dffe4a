/**
 * Deadlines of a Raft group's proposals with one timer instead of one per proposal.
 *
 * Every proposal of a group gets the same timeout, so deadlines come in the order proposals are
 * made: a FIFO whose head expires first. Proposals mostly settle in that order too (they apply in
 * log order), so settled ones are dropped from the head as new ones arrive and the queue holds
 * about the proposals in flight. One that stays unsettled at the head (its entry was lost with a
 * leader, or covered by a snapshot) would keep every later settled one (and its command) until its
 * deadline; so once the queue has doubled since it was last swept, settled items are swept out of
 * the middle too, keeping the order: at most about twice the unsettled items, amortized O(1). A setTimeout and a clearTimeout per proposal were a few per cent
 * of a leader's CPU at 64 puts per batch (raft-kv, 2026-12-01).
 */
import { performance } from 'node:perf_hooks';

/** What the queue needs of an item: whether it settled (then it is skipped, never expired). */
export interface ProposalDeadlineItem {
  readonly settled: boolean;
}

/** Below this many items the queue is never swept (a few settled ones behind the head cost nothing). */
const sweepSizeMin = 1024;

export class ProposalDeadlines<T extends ProposalDeadlineItem> {
  #items: T[] = [];
  #deadlines: number[] = [];
  /** Position of the head in the two arrays; the part before it is dropped when it grows large. */
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Size at which settled items are next swept out of the whole queue (see the file comment). */
  #sweepAtSize = sweepSizeMin;

  /**
   * @param timeoutMs every item's time to settle, from `add`.
   * @param expire called once for an item still unsettled at its deadline (it should settle it).
   * @param now a monotonic clock in ms (a parameter for specs).
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly expire: (item: T) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Items held, settled or not (for specs and the bound on memory). */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Starts `item`'s deadline. */
  add(item: T): void {
    this.#dropSettledHead();
    if (this.size >= this.#sweepAtSize) this.#sweepSettled();
    this.#items.push(item);
    this.#deadlines.push(this.now() + this.timeoutMs);
    if (this.#timer === undefined) this.#arm();
  }

  /** Forgets every item without expiring any (the group closed and settled them itself). */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#items = [];
    this.#deadlines = [];
    this.#head = 0;
  }

  /** Expires what is due; called by the timer (and by specs with their own clock). */
  expireDue(): void {
    this.#timer = undefined;
    const now = this.now();
    try {
      while (this.#head < this.#items.length) {
        const item = this.#items[this.#head]!;
        if (!item.settled && this.#deadlines[this.#head]! > now) break;
        this.#head++;
        if (!item.settled) this.expire(item);
      }
    } finally {
      // Re-armed even if `expire` threw: the items after it still need their deadlines.
      this.#compact();
      if (this.size > 0 && this.#timer === undefined) this.#arm();
    }
  }

  #arm(): void {
    this.#dropSettledHead();
    if (this.size === 0) return;
    const delayMs = Math.max(1, Math.ceil(this.#deadlines[this.#head]! - this.now()));
    this.#timer = setTimeout(() => this.expireDue(), delayMs);
  }

  #dropSettledHead(): void {
    while (this.#head < this.#items.length && this.#items[this.#head]!.settled) this.#head++;
    this.#compact();
  }

  /** Keeps only the unsettled items, in order (so their deadlines stay sorted). */
  #sweepSettled(): void {
    const items: T[] = [];
    const deadlines: number[] = [];
    for (let index = this.#head; index < this.#items.length; index++) {
      if (this.#items[index]!.settled) continue;
      items.push(this.#items[index]!);
      deadlines.push(this.#deadlines[index]!);
    }
    this.#items = items;
    this.#deadlines = deadlines;
    this.#head = 0;
    this.#sweepAtSize = Math.max(sweepSizeMin, 2 * items.length);
  }

  /** Drops the part before the head once it is most of the arrays (amortized O(1) per item). */
  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#deadlines = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#deadlines = this.#deadlines.slice(this.#head);
      this.#head = 0;
    }
  }
}
