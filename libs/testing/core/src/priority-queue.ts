/**
 * A binary min-heap ordered by a numeric priority with first-in-first-out tie-breaking, so that two
 * items with equal priority always come out in insertion order: simulations must not depend on
 * how a heap happens to arrange equal keys.
 */
import { assert } from '@objectbox/util';

interface HeapSlot<Item> {
  readonly priority: number;
  /** Insertion sequence number; breaks ties between equal priorities. */
  readonly sequence: number;
  readonly item: Item;
}

/** A min-heap of items; `push` and `pop` are O(log n). */
export class PriorityQueue<Item> {
  // Invariant: every slot's (priority, sequence) is <= its children's.
  private readonly slots: HeapSlot<Item>[] = [];
  private sequenceNext = 0;

  /** The number of queued items. */
  get count(): number {
    return this.slots.length;
  }

  /** Queues `item`; `priority` must not be NaN. */
  push(priority: number, item: Item): void {
    assert(!Number.isNaN(priority), 'priority must be a number');
    this.slots.push({ priority, sequence: this.sequenceNext, item });
    this.sequenceNext += 1;
    this.siftUp(this.slots.length - 1);
  }

  /** The lowest priority queued, or undefined when empty. */
  peekPriority(): number | undefined {
    return this.slots[0]?.priority;
  }

  /** Removes and returns the item with the lowest priority (earliest pushed among equals). */
  pop(): { readonly priority: number; readonly item: Item } | undefined {
    const first = this.slots[0];
    if (first === undefined) return undefined;
    const last = this.slots.pop()!;
    if (this.slots.length > 0) {
      this.slots[0] = last;
      this.siftDown(0);
    }
    return { priority: first.priority, item: first.item };
  }

  private less(leftIndex: number, rightIndex: number): boolean {
    const left = this.slots[leftIndex]!;
    const right = this.slots[rightIndex]!;
    return left.priority < right.priority || (left.priority === right.priority && left.sequence < right.sequence);
  }

  private swap(leftIndex: number, rightIndex: number): void {
    const left = this.slots[leftIndex]!;
    this.slots[leftIndex] = this.slots[rightIndex]!;
    this.slots[rightIndex] = left;
  }

  private siftUp(startIndex: number): void {
    let index = startIndex;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      if (!this.less(index, parentIndex)) return;
      this.swap(index, parentIndex);
      index = parentIndex;
    }
  }

  private siftDown(startIndex: number): void {
    let index = startIndex;
    for (;;) {
      const leftIndex = 2 * index + 1;
      const rightIndex = leftIndex + 1;
      let smallestIndex = index;
      if (leftIndex < this.slots.length && this.less(leftIndex, smallestIndex)) smallestIndex = leftIndex;
      if (rightIndex < this.slots.length && this.less(rightIndex, smallestIndex)) smallestIndex = rightIndex;
      if (smallestIndex === index) return;
      this.swap(index, smallestIndex);
      index = smallestIndex;
    }
  }
}
