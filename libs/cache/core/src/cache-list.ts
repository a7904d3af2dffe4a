/**
 * A list value: a deque of binary-safe elements with an O(1) memory estimate and the encoding name
 * OBJECT ENCODING reports.
 *
 * Elements come in and go out as Buffers; the list keeps its own copy of each as
 * {@link CacheStoredBytes} (small ones as latin1 text: with a Buffer per element, LPUSH under
 * redis-benchmark spent 42 % of its time in GC).
 *
 * Layout: a growable ring buffer. Slots live in an array whose capacity is a power of two; `head` is
 * the slot of element 0 and element i is at `(head + i) & mask`. That gives O(1) push and pop at both
 * ends (amortized: the array doubles when full and halves when a quarter full, so memory follows the
 * length) and O(1) access by index, which Redis's quicklist only has per node. Insertion and removal
 * in the middle move the shorter side, O(n) like Redis's.
 *
 * Encoding (Redis 7.2, `list-max-listpack-size`, default -2): `listpack` while the listpack would fit
 * in 8 KiB (or the configured byte class or element count), `quicklist` beyond. The listpack size is estimated incrementally from the element lengths
 * (entry header + data + back-length, every element counted as a string). Redis converts back to a
 * listpack when a single-node quicklist shrinks below half the limit; here: when the estimate drops to
 * 4 KiB or less.
 */
import { assert } from '@objectbox/util';
import { cacheCollectionElementOverheadBytes, listListpackExceedsLimit, listListpackFitsAfterShrink } from './cache-collection-size.js';
import { type CacheCollection } from './cache-keyspace.js';
import { bytesOfStored, storedByteLength, storedBytesEqual, storedBytesOf, type CacheStoredBytes } from './cache-string-value.js';

/** Redis 7.2's `list-max-listpack-size -2`: a listpack (or quicklist node) of at most 8 KiB. */
export const cacheListListpackBytesMax = 8 * 1024;

/** Largest element count: the ring buffer's largest power-of-two capacity that a JS array holds. */
export const cacheListLengthMax = 2 ** 31;

/** Listpack header (total bytes + element count) and end marker. */
const listpackOverheadBytes = 7;
const capacityMin = 8;

/** Bytes of one listpack string entry of `length` bytes: encoding header, data, back-length. */
export function listpackEntryBytes(length: number): number {
  const headerBytes = length < 64 ? 1 : length < 4096 ? 2 : 5;
  const entryBytes = headerBytes + length;
  const backlenBytes = entryBytes <= 127 ? 1 : entryBytes < 16383 ? 2 : entryBytes < 2097151 ? 3 : entryBytes < 268435455 ? 4 : 5;
  return entryBytes + backlenBytes;
}

export class CacheList implements CacheCollection {
  private slots: (CacheStoredBytes | undefined)[];
  private head = 0;
  private count = 0;
  private contentBytes = 0;
  private listpackBytes = listpackOverheadBytes;
  private isQuicklist = false;

  constructor(capacity: number = capacityMin) {
    assert(capacity >= capacityMin && (capacity & (capacity - 1)) === 0, 'list capacity must be a power of two');
    this.slots = new Array<CacheStoredBytes | undefined>(capacity);
  }

  /** A list holding `elements` in order (tests, COPY). */
  static from(elements: Iterable<Buffer>): CacheList {
    const list = new CacheList();
    for (const element of elements) list.pushTail(element);
    return list;
  }

  get length(): number {
    return this.count;
  }

  get sizeBytes(): number {
    return this.contentBytes + this.count * cacheCollectionElementOverheadBytes;
  }

  get encoding(): string {
    return this.isQuicklist ? 'quicklist' : 'listpack';
  }

  /** An independent list with the same elements (COPY); stored elements are immutable, so they are shared. */
  clone(): CacheList {
    const copy = new CacheList(this.slots.length);
    for (let index = 0; index < this.count; index++) copy.slots[index] = this.slotAt(index);
    copy.count = this.count;
    copy.contentBytes = this.contentBytes;
    copy.listpackBytes = this.listpackBytes;
    copy.isQuicklist = this.isQuicklist;
    return copy;
  }

  /** Adds a copy of `element` (a request argument may be a view of a larger buffer) at the head. */
  pushHead(element: Uint8Array): void {
    this.growIfFull();
    const kept = storedBytesOf(element);
    this.head = (this.head - 1) & this.mask;
    this.slots[this.head] = kept;
    this.count++;
    this.added(kept);
  }

  /** Adds a copy of `element` at the tail. */
  pushTail(element: Uint8Array): void {
    this.growIfFull();
    const kept = storedBytesOf(element);
    this.slots[(this.head + this.count) & this.mask] = kept;
    this.count++;
    this.added(kept);
  }

  popHead(): Buffer | undefined {
    if (this.count === 0) return undefined;
    const element = this.slots[this.head] as CacheStoredBytes;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.count--;
    this.removed(element);
    this.shrinkIfSparse();
    return bytesOfStored(element);
  }

  popTail(): Buffer | undefined {
    if (this.count === 0) return undefined;
    const slot = (this.head + this.count - 1) & this.mask;
    const element = this.slots[slot] as CacheStoredBytes;
    this.slots[slot] = undefined;
    this.count--;
    this.removed(element);
    this.shrinkIfSparse();
    return bytesOfStored(element);
  }

  /** The element at `index` (0 ≤ index < length); callers must not modify it. */
  at(index: number): Buffer {
    this.checkIndex(index);
    return bytesOfStored(this.slotAt(index));
  }

  /** Whether the element at `index` (0 ≤ index < length) has exactly these bytes (no copy made). */
  elementEquals(index: number, bytes: Uint8Array): boolean {
    this.checkIndex(index);
    return storedBytesEqual(this.slotAt(index), bytes);
  }

  /** Replaces the element at `index` (0 ≤ index < length) with a copy of `element`. */
  set(index: number, element: Uint8Array): void {
    this.checkIndex(index);
    const slot = (this.head + index) & this.mask;
    const previous = this.slots[slot] as CacheStoredBytes;
    const kept = storedBytesOf(element);
    this.slots[slot] = kept;
    this.contentBytes += storedByteLength(kept) - storedByteLength(previous);
    this.listpackBytes += listpackEntryBytes(storedByteLength(kept)) - listpackEntryBytes(storedByteLength(previous));
    if (listListpackExceedsLimit(this.listpackBytes, this.count)) this.isQuicklist = true;
    else if (listListpackFitsAfterShrink(this.listpackBytes, this.count)) this.isQuicklist = false;
  }

  /** Inserts a copy of `element` so that it ends up at `index` (0 ≤ index ≤ length), moving the shorter side. */
  insert(index: number, element: Uint8Array): void {
    assert(Number.isInteger(index) && index >= 0 && index <= this.count, 'list insert index out of range');
    if (index === 0) return this.pushHead(element);
    if (index === this.count) return this.pushTail(element);
    this.growIfFull();
    if (index < this.count - index) {
      this.head = (this.head - 1) & this.mask;
      for (let position = 0; position < index; position++) this.setSlot(position, this.slotAt(position + 1));
    } else {
      for (let position = this.count; position > index; position--) this.setSlot(position, this.slotAt(position - 1));
    }
    const kept = storedBytesOf(element);
    this.setSlot(index, kept);
    this.count++;
    this.added(kept);
  }

  /** Index of the first element equal to `element` from the head, or -1. */
  indexOf(element: Uint8Array): number {
    for (let index = 0; index < this.count; index++) if (storedBytesEqual(this.slotAt(index), element)) return index;
    return -1;
  }

  /**
   * LREM: removes elements equal to `element`: the first `countMax` from the head when positive, the
   * last `-countMax` from the tail when negative, all when 0. Returns how many were removed. One pass
   * that closes the gaps, O(n).
   */
  removeMatching(element: Uint8Array, countMax: number): number {
    const limit = countMax === 0 ? Number.POSITIVE_INFINITY : Math.abs(countMax);
    const fromTail = countMax < 0;
    let removedCount = 0;
    if (!fromTail) {
      let write = 0;
      for (let read = 0; read < this.count; read++) {
        const current = this.slotAt(read);
        if (removedCount < limit && storedBytesEqual(current, element)) {
          removedCount++;
          this.removed(current);
          continue;
        }
        if (write !== read) this.setSlot(write, current);
        write++;
      }
      for (let index = write; index < this.count; index++) this.setSlot(index, undefined);
    } else {
      let write = this.count - 1;
      for (let read = this.count - 1; read >= 0; read--) {
        const current = this.slotAt(read);
        if (removedCount < limit && storedBytesEqual(current, element)) {
          removedCount++;
          this.removed(current);
          continue;
        }
        if (write !== read) this.setSlot(write, current);
        write--;
      }
      for (let index = 0; index <= write; index++) this.setSlot(index, undefined);
      this.head = (this.head + removedCount) & this.mask;
    }
    this.count -= removedCount;
    // `removed` saw the count before the removals, which matters under an element-count limit.
    if (listListpackFitsAfterShrink(this.listpackBytes, this.count)) this.isQuicklist = false;
    this.shrinkIfSparse();
    return removedCount;
  }

  /** Elements `start` .. `endExclusive` - 1 in order (0 ≤ start ≤ endExclusive ≤ length). */
  slice(start: number, endExclusive: number): Buffer[] {
    assert(start >= 0 && start <= endExclusive && endExclusive <= this.count, 'list slice out of range');
    const elements: Buffer[] = [];
    for (let index = start; index < endExclusive; index++) elements.push(bytesOfStored(this.slotAt(index)));
    return elements;
  }

  /** Every element in order (tests, debugging). */
  toArray(): Buffer[] {
    return this.slice(0, this.count);
  }

  private get mask(): number {
    return this.slots.length - 1;
  }

  private slotAt(index: number): CacheStoredBytes {
    return this.slots[(this.head + index) & this.mask] as CacheStoredBytes;
  }

  private setSlot(index: number, element: CacheStoredBytes | undefined): void {
    this.slots[(this.head + index) & this.mask] = element;
  }

  private checkIndex(index: number): void {
    assert(Number.isInteger(index) && index >= 0 && index < this.count, 'list index out of range');
  }

  private added(element: CacheStoredBytes): void {
    const length = storedByteLength(element);
    this.contentBytes += length;
    this.listpackBytes += listpackEntryBytes(length);
    if (listListpackExceedsLimit(this.listpackBytes, this.count)) this.isQuicklist = true;
  }

  private removed(element: CacheStoredBytes): void {
    const length = storedByteLength(element);
    this.contentBytes -= length;
    this.listpackBytes -= listpackEntryBytes(length);
    if (listListpackFitsAfterShrink(this.listpackBytes, this.count)) this.isQuicklist = false;
  }

  private growIfFull(): void {
    if (this.count < this.slots.length) return;
    if (this.count >= cacheListLengthMax) assert(false, `a list holds at most ${cacheListLengthMax} elements`);
    this.resize(this.slots.length * 2);
  }

  private shrinkIfSparse(): void {
    if (this.slots.length > capacityMin && this.count * 4 <= this.slots.length) this.resize(this.slots.length / 2);
  }

  private resize(capacity: number): void {
    const slots = new Array<CacheStoredBytes | undefined>(capacity);
    for (let index = 0; index < this.count; index++) slots[index] = this.slotAt(index);
    this.slots = slots;
    this.head = 0;
  }
}
