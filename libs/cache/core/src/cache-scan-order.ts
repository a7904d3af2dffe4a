/**
 * SCAN order for a keyed collection (the databases' keys, a sorted set's members): every name gets the
 * next sequence number (1, 2, ...) when first added; the slots list names in sequence order and keep
 * stale slots for removed names until they outnumber the live ones, then compact. A cursor is the
 * sequence to resume from (found by binary search), so removals and compaction never shift it: a
 * name present for the whole iteration comes back exactly once.
 *
 * The owner says which slots are live: a name is live in a slot when it still exists with that
 * slot's sequence (a name removed and added again has a new sequence, so its old slot is stale).
 */
import { type CacheRandom, type KeyText } from './cache-keyspace.js';

/** Slots are compacted only past this many (small collections are cheap to walk). */
const compactSlotCountMin = 64;

export class CacheScanOrder {
  private names: KeyText[] = [];
  private sequences: number[] = [];
  private sequenceNext = 1;

  constructor(private readonly isLive: (name: KeyText, sequence: number) => boolean) {}

  /** Adds `name` in the next slot; returns its sequence (the owner stores it with the name). */
  append(name: KeyText): number {
    const sequence = this.sequenceNext++;
    this.names.push(name);
    this.sequences.push(sequence);
    return sequence;
  }

  clear(): void {
    this.names = [];
    this.sequences = [];
  }

  /**
   * Up to `countHint` slots from `cursor` (0 starts): the live names among them, and the cursor to
   * continue from (0 when the iteration is complete).
   */
  page(cursor: bigint, countHint: number): { names: KeyText[]; cursorNext: bigint } {
    const sequenceStart = cursor > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(cursor);
    const names: KeyText[] = [];
    let index = lowerBound(this.sequences, this.sequences.length, sequenceStart);
    for (let visitedCount = 0; index < this.names.length && visitedCount < countHint; visitedCount++, index++) {
      const name = this.names[index] as KeyText;
      if (this.isLive(name, this.sequences[index] as number)) names.push(name);
    }
    const cursorNext = index < this.names.length ? BigInt(this.sequences[index] as number) : 0n;
    return { names, cursorNext };
  }

  /** The name in one random slot if that slot is live, else null (callers draw again). */
  drawLive(random: CacheRandom): KeyText | null {
    if (this.names.length === 0) return null;
    const index = random.nextIndex(this.names.length);
    const name = this.names[index] as KeyText;
    return this.isLive(name, this.sequences[index] as number) ? name : null;
  }

  /** Drops stale slots once they outnumber the live ones (`liveCount`); amortized O(1) per removal. */
  compactIfSparse(liveCount: number): void {
    if (this.names.length <= compactSlotCountMin || this.names.length <= 2 * liveCount) return;
    const names: KeyText[] = [];
    const sequences: number[] = [];
    for (let index = 0; index < this.names.length; index++) {
      const name = this.names[index] as KeyText;
      const sequence = this.sequences[index] as number;
      if (!this.isLive(name, sequence)) continue;
      names.push(name);
      sequences.push(sequence);
    }
    this.names = names;
    this.sequences = sequences;
  }
}

/** First index in [0, length) whose value is >= target in ascending `values` (`length` if none). */
export function lowerBound(values: ArrayLike<number>, length: number, target: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] as number) < target) low = middle + 1;
    else high = middle;
  }
  return low;
}
