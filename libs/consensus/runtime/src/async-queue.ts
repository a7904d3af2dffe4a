import { assert } from '@objectbox/util';

/**
 * A bounded push queue consumed as an async iterable, used to feed a gRPC client stream.
 * `push` never blocks: past `capacity` it refuses (returns false) so a slow or dead peer cannot
 * grow memory; the caller decides what dropping means (for Raft, a lost message).
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiter: ((result: IteratorResult<T>) => void) | undefined;
  private closed = false;

  constructor(private readonly capacity: number) {
    assert(capacity > 0, 'capacity must be positive');
  }

  get size(): number {
    return this.items.length;
  }

  /** Adds an item; false when the queue is full or closed. */
  push(item: T): boolean {
    if (this.closed) return false;
    if (this.waiter !== undefined) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter({ value: item, done: false });
      return true;
    }
    if (this.items.length >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  /**
   * Removes and returns every queued item at once, for a consumer that sends what accumulated as
   * one batch; items the iterator would have yielded next come first.
   */
  takeAll(): T[] {
    return this.items.splice(0, this.items.length);
  }

  /** Ends iteration after the queued items are consumed. */
  close(): void {
    this.closed = true;
    if (this.waiter !== undefined) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter({ value: undefined, done: true });
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.items.shift();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiter = resolve;
        });
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
