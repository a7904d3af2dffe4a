/**
 * The keys of one database, stored column-wise: a `Map` from key to slot number, and per slot the
 * key, the stored value and the scan sequence, access time and LFU state in parallel arrays.
 *
 * Why columns: a key held as one entry object plus a value wrapper cost about 120 bytes of objects
 * on top of the key and value strings (issue 4: 1,000,000 small string keys took 4× Redis's memory).
 * Here a small string key costs its two strings, a `Map` slot, two array slots and 23 bytes of typed
 * array columns, which live outside the V8 heap and are never scanned by the GC. Strings are stored
 * as {@link CacheStringData} directly; only collections keep an object
 * ({@link CacheStoredCollection}), since they are objects anyway.
 *
 * Scan order (see {@link CacheKeyTable.page}): slots are appended in insertion order and each gets the
 * next sequence (1, 2, ...); a removed key leaves a stale slot until stale slots outnumber live ones,
 * then live slots are moved down (compaction, stable). A SCAN cursor is a sequence, found by binary
 * search, so compaction never shifts it: a key present for a whole iteration comes back exactly once.
 * Compaction renumbers slots, so a slot number is only valid until the next {@link remove}; the
 * database resolves slots inside its own methods and never hands them out.
 */
import { assert } from '@objectbox/util';
import { type CacheRandom, type CacheValue, type KeyText } from './cache-keyspace.js';
import { lowerBound } from './cache-scan-order.js';
import { type CacheStringData } from './cache-string-value.js';

/** A collection value (list, hash, set, sorted set) as commands see it. */
export type CacheCollectionValue = Exclude<CacheValue, { type: 'string' }>;

/**
 * A stored collection and the estimate the database last counted for its key (the collection's own
 * estimate changes in place, so the difference has to be taken against the counted one).
 */
export class CacheStoredCollection {
  constructor(
    readonly value: CacheCollectionValue,
    public countedSizeBytes: number,
  ) {}
}

/** What a slot holds: a string's stored bytes, or a collection. */
export type CacheStoredValue = CacheStringData | CacheStoredCollection;

/** LFU parameters as Redis's defaults (lfu-log-factor 10, lfu-decay-time 1 minute). */
const lfuLogFactor = 10;
export const lfuInitialCounter = 5;
const lfuCounterMax = 255;

/** Slots are compacted only past this many (small tables are cheap to walk). */
const compactSlotCountMin = 64;
const slotCapacityMin = 16;

export class CacheKeyTable {
  /** Invariant: maps exactly the live keys to their slots. */
  private readonly slotByKey = new Map<KeyText, number>();
  /**
   * Invariant: `keys.length === values.length` is the slot count; a stale slot holds undefined in
   * both, a live one its key and value.
   */
  private keys: (KeyText | undefined)[] = [];
  private values: (CacheStoredValue | undefined)[] = [];
  /** Invariant: strictly ascending over the slot count; capacity is the columns' common length. */
  private sequences = new Float64Array(slotCapacityMin);
  /** Whole seconds since the access clock epoch (see `accessClockSecondsOf`); doubles, so no year-2088 wrap. */
  private accessedAtSeconds = new Float64Array(slotCapacityMin);
  /** Redis's logarithmic LFU counter (0-255, new keys start at 5). */
  private lfuCounters = new Uint8Array(slotCapacityMin);
  /** Accesses since the counter last grew (below `(255 - 5) * 10 + 1`, so 16 bits suffice). */
  private lfuHits = new Uint16Array(slotCapacityMin);
  /** Minutes since the access clock epoch of the last LFU decay. */
  private lfuDecayedAtMinutes = new Int32Array(slotCapacityMin);
  private sequenceNext = 1;

  /** Live keys. */
  get size(): number {
    return this.slotByKey.size;
  }

  /** The key's slot, or -1 when it is not in the table. */
  slotOf(key: KeyText): number {
    return this.slotByKey.get(key) ?? -1;
  }

  has(key: KeyText): boolean {
    return this.slotByKey.has(key);
  }

  /** Live keys in insertion order. */
  liveKeys(): IterableIterator<KeyText> {
    return this.slotByKey.keys();
  }

  valueAt(slot: number): CacheStoredValue {
    const value = this.values[slot];
    assert(value !== undefined, `slot ${slot} is not live`);
    return value;
  }

  replaceValueAt(slot: number, value: CacheStoredValue): void {
    assert(this.values[slot] !== undefined, `slot ${slot} is not live`);
    this.values[slot] = value;
  }

  accessedAtSecondsAt(slot: number): number {
    return this.accessedAtSeconds[slot] as number;
  }

  lfuCounterAt(slot: number): number {
    return this.lfuCounters[slot] as number;
  }

  /** Adds a key that is not in the table, accessed at `accessedAtSeconds`; returns its slot. */
  insert(key: KeyText, value: CacheStoredValue, accessedAtSeconds: number): number {
    assert(!this.slotByKey.has(key), 'insert() of a key already in the table');
    const slot = this.keys.length;
    if (slot === this.sequences.length) this.resizeColumns(Math.max(slotCapacityMin, Math.ceil(slot * 1.5)));
    this.keys.push(key);
    this.values.push(value);
    this.sequences[slot] = this.sequenceNext++;
    this.accessedAtSeconds[slot] = accessedAtSeconds;
    this.lfuCounters[slot] = lfuInitialCounter;
    this.lfuHits[slot] = 0;
    this.lfuDecayedAtMinutes[slot] = Math.floor(accessedAtSeconds / 60);
    this.slotByKey.set(key, slot);
    return slot;
  }

  /** Removes `key`; returns what it held, or undefined when it was not in the table. Invalidates slots. */
  remove(key: KeyText): CacheStoredValue | undefined {
    const slot = this.slotByKey.get(key);
    if (slot === undefined) return undefined;
    const value = this.values[slot];
    this.slotByKey.delete(key);
    this.keys[slot] = undefined;
    this.values[slot] = undefined;
    this.compactIfSparse();
    return value;
  }

  clear(): void {
    this.slotByKey.clear();
    this.keys = [];
    this.values = [];
    this.resizeColumns(slotCapacityMin);
  }

  /**
   * Redis's LFULogIncr without randomness: the counter grows by one every `(counter - 5) * factor + 1`
   * accesses, the expected rate of Redis's probabilistic increment, so frequencies stay logarithmic and
   * replays stay deterministic. Then LFUDecrAndReturn: minus one per elapsed decay period.
   */
  recordAccess(slot: number, accessedAtSeconds: number): void {
    let counter = this.lfuCounters[slot] as number;
    const periods = Math.floor(accessedAtSeconds / 60) - (this.lfuDecayedAtMinutes[slot] as number);
    if (periods > 0) {
      counter = Math.max(0, counter - periods);
      this.lfuDecayedAtMinutes[slot] = (this.lfuDecayedAtMinutes[slot] as number) + periods;
    }
    this.accessedAtSeconds[slot] = accessedAtSeconds;
    this.lfuCounters[slot] = counter;
    if (counter >= lfuCounterMax) return;
    const hits = (this.lfuHits[slot] as number) + 1;
    if (hits >= Math.max(0, counter - lfuInitialCounter) * lfuLogFactor + 1) {
      this.lfuCounters[slot] = counter + 1;
      this.lfuHits[slot] = 0;
    } else {
      this.lfuHits[slot] = hits;
    }
  }

  /**
   * Up to `countHint` slots from `cursor` (a sequence; 0 starts): the live keys among them, and the
   * cursor to continue from (0 when the iteration is complete).
   */
  page(cursor: bigint, countHint: number): { keys: KeyText[]; cursorNext: bigint } {
    const sequenceStart = cursor > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(cursor);
    const slotCount = this.keys.length;
    const keys: KeyText[] = [];
    let slot = lowerBound(this.sequences, slotCount, sequenceStart);
    for (let visitedCount = 0; slot < slotCount && visitedCount < countHint; visitedCount++, slot++) {
      const key = this.keys[slot];
      if (key !== undefined) keys.push(key);
    }
    const cursorNext = slot < slotCount ? BigInt(this.sequences[slot] as number) : 0n;
    return { keys, cursorNext };
  }

  /** The key in one random slot if that slot is live, else null (callers draw again). */
  drawLive(random: CacheRandom): KeyText | null {
    if (this.keys.length === 0) return null;
    return this.keys[random.nextIndex(this.keys.length)] ?? null;
  }

  /** Moves live slots down once stale ones outnumber them; amortized O(1) per removal. */
  private compactIfSparse(): void {
    const slotCount = this.keys.length;
    if (slotCount <= compactSlotCountMin || slotCount <= 2 * this.slotByKey.size) return;
    let target = 0;
    for (let source = 0; source < slotCount; source++) {
      const key = this.keys[source];
      if (key === undefined) continue;
      if (target !== source) this.moveSlot(key, source, target);
      target++;
    }
    assert(target === this.slotByKey.size, 'compaction kept every live key');
    this.keys.length = target;
    this.values.length = target;
    if (this.sequences.length > 2 * Math.max(slotCapacityMin, target)) this.resizeColumns(Math.max(slotCapacityMin, Math.ceil(target * 1.5)));
  }

  private moveSlot(key: KeyText, source: number, target: number): void {
    this.keys[target] = key;
    this.values[target] = this.values[source];
    this.sequences[target] = this.sequences[source] as number;
    this.accessedAtSeconds[target] = this.accessedAtSeconds[source] as number;
    this.lfuCounters[target] = this.lfuCounters[source] as number;
    this.lfuHits[target] = this.lfuHits[source] as number;
    this.lfuDecayedAtMinutes[target] = this.lfuDecayedAtMinutes[source] as number;
    this.slotByKey.set(key, target);
  }

  /** Gives every column `capacity` slots, keeping the first `keys.length`. */
  private resizeColumns(capacity: number): void {
    const slotCount = this.keys.length;
    assert(capacity >= slotCount, 'columns keep every slot');
    this.sequences = resized(this.sequences, new Float64Array(capacity), slotCount);
    this.accessedAtSeconds = resized(this.accessedAtSeconds, new Float64Array(capacity), slotCount);
    this.lfuCounters = resized(this.lfuCounters, new Uint8Array(capacity), slotCount);
    this.lfuHits = resized(this.lfuHits, new Uint16Array(capacity), slotCount);
    this.lfuDecayedAtMinutes = resized(this.lfuDecayedAtMinutes, new Int32Array(capacity), slotCount);
  }
}

function resized<Column extends Float64Array | Int32Array | Uint16Array | Uint8Array>(source: Column, target: Column, slotCount: number): Column {
  target.set(source.subarray(0, slotCount));
  return target;
}
