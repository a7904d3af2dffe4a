/**
 * The keys of one database, stored outside the V8 heap: key bytes and small string values in one
 * byte arena, each slot's hot facts in one 32-byte row of a typed array, and an open-addressing hash
 * index of (slot, hash) pairs. Only what is an object anyway (a collection, a string value too large to inline) is kept
 * on the heap, in a map by slot.
 *
 * Why: issue 4 (1,000,000 small string keys at 4× Redis's memory). A `Map` with a key string, an
 * entry object and a value object per key cost about 226 bytes of live heap per key; worse, every one
 * of those young objects survived into the old generation, and V8 grows the young generation (up to
 * 2 × 64 MiB) while the bytes surviving it keep exceeding its size, so a bulk load left the process
 * about 130 MiB larger on top. Here a small string key costs about 90 bytes, none of them on the V8
 * heap, and nothing per key survives a scavenge.
 *
 * Keys are looked up by their latin1 text ({@link KeyText}): a seeded hash over the chars, then the
 * chars compared with the stored bytes (one char per byte, so this is a byte comparison). Keys and
 * values handed out are fresh strings made from the arena.
 *
 * Layout, for memory locality: a lookup touches one bucket pair (its hash is compared there, so
 * other keys' rows stay untouched), one row (where the record is, its lengths, the access facts
 * LRU/LFU update) and the record in the arena. With a column per fact instead, a GET touched
 * about ten arrays at random places, and with 100,000 keys each was a cache and TLB miss: the
 * table's lookups cost more than the rest of the request (measured in process: see
 * docs/benchmarks.md, cache). The hash and the scan sequence stay in columns of their own: only
 * re-indexing, removal and SCAN read them.
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
import { cacheStringInlineBytesMax, type CacheStringData } from './cache-string-value.js';
import { bucketHolding, emptyBucket, emptyProbeBuckets, insertIntoProbeRun, removeFromProbeRun } from './probe-buckets.js';

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
/** Buckets per live key at most 4/3: linear probing stays short below a 0.75 load factor. */
const bucketLoadPercentMax = 75;
const bucketCountMin = 32;
/** A slot's row: 4 float64s (32 bytes), seen also as 8 int32s over the same memory. */
const rowFloat64Count = 4;
const rowInt32Count = 8;
/** Float64 fields of a row. */
const rowRecordOffset = 0;
const rowAccessedAtSeconds = 1;
/** Int32 fields of a row (after the two float64s, which take int32 indexes 0-3). */
const rowKeyLength = 4;
const rowValueLength = 5;
const rowLfuDecayedAtMinutes = 6;
/** The LFU counter (low 8 bits) and the hits since it last grew (the next 16 bits). */
const rowLfu = 7;
const lfuHitsShift = 8;
/** `recordOffsets` value of a stale slot. */
const staleSlot = -1;
/** `valueLengths` value of a slot whose value is an object in `objectBySlot`. */
const valueIsObject = -1;
/** The arena is rewritten once its dead bytes exceed its live ones and this many. */
const arenaCompactDeadBytesMin = 64 * 1024;
const arenaCapacityBytesMin = 1024;
/**
 * Columns and arena double when full. Every reallocation is external memory V8 counts towards its
 * next full GC, and a full GC promotes whatever the young generation holds at that moment, which
 * counts towards growing the young generation (to 2 × 64 MiB in Node 24): fewer, larger steps keep
 * a bulk load from doing that (measured: growing by 1.5 took the young generation from 32 to 64 MiB
 * semi-spaces while loading 1,000,000 keys).
 */
const capacityGrowthFactor = 2;

/**
 * A seeded 32-bit hash of a key's chars (MurmurHash2's multiply-and-mix per char). The seed comes from
 * the runtime's randomness so that clients cannot precompute colliding keys for one process.
 */
export function keyHashOf(key: string, seed: number): number {
  let hash = (seed ^ key.length) | 0;
  for (let index = 0; index < key.length; index++) {
    hash = Math.imul(hash ^ key.charCodeAt(index), 0x5bd1e995);
    hash ^= hash >>> 15;
  }
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0x5bd1e995);
  return (hash ^ (hash >>> 15)) >>> 0;
}

/** {@link keyHashOf} over a key's bytes: the same hash as over its latin1 text (one char per byte). */
export function keyHashOfBytes(key: Uint8Array, seed: number): number {
  let hash = (seed ^ key.length) | 0;
  for (let index = 0; index < key.length; index++) {
    hash = Math.imul(hash ^ (key[index] as number), 0x5bd1e995);
    hash ^= hash >>> 15;
  }
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0x5bd1e995);
  return (hash ^ (hash >>> 15)) >>> 0;
}

export class CacheKeyTable {
  /**
   * (slot, hash) pairs by hash, linear probing. Invariant: holds exactly the live slots, each with its
   * hash as an int32; the bucket count (half the length) is a power of two.
   */
  private buckets = emptyProbeBuckets(bucketCountMin);
  private liveCount = 0;
  /** Slots in use, live and stale. Invariant: `slotCount <= slotCapacity`. */
  private slotCount = 0;
  private slotCapacity = slotCapacityMin;
  /**
   * Per slot, one row (see the layout constants): where its record (key bytes, then inline value
   * bytes) starts in the arena, or `staleSlot` when removed; its last access in whole seconds since
   * the access clock epoch (see `accessClockSecondsOf`; a double, so no year-2088 wrap); the key's
   * byte count; the inline value's byte count, or `valueIsObject`; minutes since the access clock
   * epoch of the last LFU decay; Redis's logarithmic LFU counter (0-255, new keys start at 5) and the
   * accesses since it last grew (below `(255 - 5) * 10 + 1`, so 16 bits suffice).
   */
  private rowFloats = new Float64Array(slotCapacityMin * rowFloat64Count);
  /** The same memory as {@link rowFloats}, as int32s. */
  private rowInts = new Int32Array(this.rowFloats.buffer);
  /** Per slot: the key's hash (re-indexing and removal; lookups compare the bucket's copy). */
  private hashes = new Uint32Array(slotCapacityMin);
  /** Per slot: its scan sequence. Invariant: strictly ascending over the slots in use. */
  private sequences = new Float64Array(slotCapacityMin);
  /** Values that are objects: collections and string values larger than the inline bound. */
  private objectBySlot = new Map<number, Buffer | CacheStoredCollection>();
  private arena = Buffer.alloc(arenaCapacityBytesMin);
  private arenaUsedBytes = 0;
  /** Bytes of the used arena no live record refers to (overwritten or removed records). */
  private arenaDeadBytes = 0;
  private sequenceNext = 1;

  /** Counts removals and clears: a slot number found before stays valid while this is unchanged. */
  slotLayoutVersion = 0;

  /** `hashSeed`: any 32-bit integer, best a random one per process (see {@link keyHashOf}). */
  constructor(private readonly hashSeed: number) {}

  /** Live keys. */
  get size(): number {
    return this.liveCount;
  }

  /** Arena bytes: written (live and dead records), dead among them, and allocated (INFO memory, tests). */
  get arenaUsage(): { usedBytes: number; deadBytes: number; capacityBytes: number } {
    return { usedBytes: this.arenaUsedBytes, deadBytes: this.arenaDeadBytes, capacityBytes: this.arena.length };
  }

  /** The key's slot, or -1 when it is not in the table. */
  slotOf(key: KeyText): number {
    const hash = keyHashOf(key, this.hashSeed) | 0;
    const buckets = this.buckets;
    const mask = (buckets.length >> 1) - 1;
    for (let bucket = hash & mask; ; bucket = (bucket + 1) & mask) {
      const slot = buckets[2 * bucket] as number;
      if (slot === emptyBucket) return -1;
      if (buckets[2 * bucket + 1] === hash && this.keyEquals(slot, key)) return slot;
    }
  }

  /**
   * {@link slotOf} for a key given as bytes (a request argument): no key string is made, which costs
   * more than the lookup itself for a short key.
   */
  slotOfBytes(key: Uint8Array): number {
    const hash = keyHashOfBytes(key, this.hashSeed) | 0;
    const buckets = this.buckets;
    const mask = (buckets.length >> 1) - 1;
    for (let bucket = hash & mask; ; bucket = (bucket + 1) & mask) {
      const slot = buckets[2 * bucket] as number;
      if (slot === emptyBucket) return -1;
      if (buckets[2 * bucket + 1] === hash && this.keyEqualsBytes(slot, key)) return slot;
    }
  }

  has(key: KeyText): boolean {
    return this.slotOf(key) >= 0;
  }

  /** Live keys in insertion order (fresh strings). Do not insert or remove while iterating. */
  *liveKeys(): IterableIterator<KeyText> {
    for (let slot = 0; slot < this.slotCount; slot++) if (this.isLive(slot)) yield this.keyAt(slot);
  }

  valueAt(slot: number): CacheStoredValue {
    this.assertLive(slot);
    const valueLength = this.valueLengthOf(slot);
    if (valueLength === valueIsObject) return this.objectBySlot.get(slot) as Buffer | CacheStoredCollection;
    const start = this.recordOffsetOf(slot) + this.keyLengthOf(slot);
    return this.arena.toString('latin1', start, start + valueLength);
  }

  /** The stored value's byte count if it is a string, else -1 (no string is made for it). */
  stringByteLengthAt(slot: number): number {
    this.assertLive(slot);
    const valueLength = this.valueLengthOf(slot);
    if (valueLength !== valueIsObject) return valueLength;
    const object = this.objectBySlot.get(slot);
    return object instanceof CacheStoredCollection ? -1 : (object as Buffer).byteLength;
  }

  replaceValueAt(slot: number, value: CacheStoredValue): void {
    this.assertLive(slot);
    this.releaseValue(slot);
    const offset = this.recordOffsetOf(slot);
    const keyLength = this.keyLengthOf(slot);
    const oldLength = Math.max(0, this.valueLengthOf(slot));
    if (typeof value !== 'string') {
      // An object takes no arena bytes: the key stays where it is (rewriting it would cost a copy of
      // the key, up to 512 MB, per write of a large value), the old inline bytes become dead.
      this.rowInts[slot * rowInt32Count + rowValueLength] = valueIsObject;
      this.objectBySlot.set(slot, value);
      this.arenaDeadBytes += oldLength;
      this.compactArenaIfSparse();
      return;
    }
    if (value.length <= oldLength) {
      // Fits where the old value was: write in place, the tail becomes dead bytes.
      writeLatin1(this.arena, value, offset + keyLength);
      this.rowInts[slot * rowInt32Count + rowValueLength] = value.length;
      this.arenaDeadBytes += oldLength - value.length;
      return;
    }
    const key = this.keyAt(slot);
    this.arenaDeadBytes += keyLength + oldLength;
    this.storeRecord(slot, key, value);
    this.compactArenaIfSparse();
  }

  /**
   * {@link replaceValueAt} with an inline string value (at most `cacheStringInlineBytesMax` bytes)
   * given as bytes: written where the old value was when it fits, else the record moves to the end.
   */
  replaceValueAtInlineBytes(slot: number, value: Uint8Array, length = value.length): void {
    assert(length <= cacheStringInlineBytesMax && length <= value.length, 'inline string values are small');
    this.assertLive(slot);
    this.releaseValue(slot);
    const offset = this.recordOffsetOf(slot);
    const keyLength = this.keyLengthOf(slot);
    const oldLength = Math.max(0, this.valueLengthOf(slot));
    if (length <= oldLength) {
      copyBytes(this.arena, offset + keyLength, value, length);
      this.rowInts[slot * rowInt32Count + rowValueLength] = length;
      this.arenaDeadBytes += oldLength - length;
      return;
    }
    this.arenaDeadBytes += keyLength + oldLength;
    this.reserveArena(keyLength + length);
    const offsetNew = this.arenaUsedBytes;
    // reserveArena keeps every record at its offset, so the key is still at `offset`.
    this.arena.copyWithin(offsetNew, offset, offset + keyLength);
    copyBytes(this.arena, offsetNew + keyLength, value, length);
    this.arenaUsedBytes += keyLength + length;
    this.rowFloats[slot * rowFloat64Count + rowRecordOffset] = offsetNew;
    this.rowInts[slot * rowInt32Count + rowValueLength] = length;
    this.compactArenaIfSparse();
  }

  /**
   * `parse` applied to the slot's inline string value as bytes (no string made), or null when the
   * value is an object (a collection, a large string).
   */
  parseInlineValue<T>(slot: number, parse: (bytes: Uint8Array, from: number, to: number) => T | null): T | null {
    this.assertLive(slot);
    const valueLength = this.valueLengthOf(slot);
    if (valueLength === valueIsObject) return null;
    const start = this.recordOffsetOf(slot) + this.keyLengthOf(slot);
    return parse(this.arena, start, start + valueLength);
  }

  accessedAtSecondsAt(slot: number): number {
    return this.rowFloats[slot * rowFloat64Count + rowAccessedAtSeconds] as number;
  }

  lfuCounterAt(slot: number): number {
    return (this.rowInts[slot * rowInt32Count + rowLfu] as number) & lfuCounterMax;
  }

  lfuDecayedAtMinutesAt(slot: number): number {
    return this.rowInts[slot * rowInt32Count + rowLfuDecayedAtMinutes] as number;
  }

  /**
   * Adds a key that is not in the table (the caller looked it up: checking again here would cost a
   * second hash and probe per new key), accessed at `accessedAtSeconds`; returns its slot.
   */
  insert(key: KeyText, value: CacheStoredValue, accessedAtSeconds: number): number {
    const slot = this.appendSlot(keyHashOf(key, this.hashSeed));
    this.storeRecord(slot, key, value);
    this.initializeSlot(slot, accessedAtSeconds);
    return slot;
  }

  /**
   * {@link insert} of a key and an inline string value (at most `cacheStringInlineBytesMax` bytes)
   * given as bytes, SET's arguments: the bytes go to the arena without a string made of either.
   */
  insertInlineBytes(key: Uint8Array, value: Uint8Array, accessedAtSeconds: number, length = value.length): number {
    assert(length <= cacheStringInlineBytesMax && length <= value.length, 'inline string values are small');
    const slot = this.appendSlot(keyHashOfBytes(key, this.hashSeed));
    this.storeInlineRecordBytes(slot, key, value, length);
    this.initializeSlot(slot, accessedAtSeconds);
    return slot;
  }

  /** A new slot at the end of the rows, with its hash; its record and facts are written next. */
  private appendSlot(hash: number): number {
    const slot = this.slotCount;
    if (slot === this.slotCapacity) this.resizeSlots(Math.max(slotCapacityMin, slot * capacityGrowthFactor));
    this.slotCount++;
    this.hashes[slot] = hash;
    return slot;
  }

  /** The rest of an insert once the record is written: scan sequence, access facts, the index. */
  private initializeSlot(slot: number, accessedAtSeconds: number): void {
    this.sequences[slot] = this.sequenceNext++;
    this.rowFloats[slot * rowFloat64Count + rowAccessedAtSeconds] = accessedAtSeconds;
    this.rowInts[slot * rowInt32Count + rowLfu] = lfuInitialCounter;
    this.rowInts[slot * rowInt32Count + rowLfuDecayedAtMinutes] = Math.floor(accessedAtSeconds / 60);
    this.liveCount++;
    if (this.liveCount * 100 > this.bucketCount * bucketLoadPercentMax) this.rebuildIndex(this.bucketCount * 2);
    else this.indexSlot(slot);
  }

  /** Removes `key`; returns whether it was in the table. Invalidates slots. */
  remove(key: KeyText): boolean {
    const slot = this.slotOf(key);
    if (slot < 0) return false;
    this.unindexSlot(slot);
    this.releaseValue(slot);
    this.arenaDeadBytes += this.keyLengthOf(slot) + Math.max(0, this.valueLengthOf(slot));
    this.rowFloats[slot * rowFloat64Count + rowRecordOffset] = staleSlot;
    this.liveCount--;
    this.slotLayoutVersion++;
    this.compactSlotsIfSparse();
    this.compactArenaIfSparse();
    return true;
  }

  clear(): void {
    this.slotLayoutVersion++;
    this.slotCount = 0;
    this.liveCount = 0;
    this.objectBySlot.clear();
    this.arena = Buffer.alloc(arenaCapacityBytesMin);
    this.arenaUsedBytes = 0;
    this.arenaDeadBytes = 0;
    this.resizeSlots(slotCapacityMin);
    this.buckets = emptyProbeBuckets(bucketCountMin);
  }

  /**
   * Redis's LFULogIncr without randomness: the counter grows by one every `(counter - 5) * factor + 1`
   * accesses, the expected rate of Redis's probabilistic increment, so frequencies stay logarithmic and
   * replays stay deterministic. Then LFUDecrAndReturn: minus one per elapsed decay period.
   */
  recordAccess(slot: number, accessedAtSeconds: number): void {
    const ints = this.rowInts;
    const row = slot * rowInt32Count;
    const lfu = ints[row + rowLfu] as number;
    let counter = lfu & lfuCounterMax;
    let hits = lfu >>> lfuHitsShift;
    const decayedAtMinutes = ints[row + rowLfuDecayedAtMinutes] as number;
    const periods = Math.floor(accessedAtSeconds / 60) - decayedAtMinutes;
    if (periods > 0) {
      counter = Math.max(0, counter - periods);
      ints[row + rowLfuDecayedAtMinutes] = decayedAtMinutes + periods;
    }
    this.rowFloats[slot * rowFloat64Count + rowAccessedAtSeconds] = accessedAtSeconds;
    if (counter < lfuCounterMax) {
      hits++;
      if (hits >= Math.max(0, counter - lfuInitialCounter) * lfuLogFactor + 1) {
        counter++;
        hits = 0;
      }
    }
    ints[row + rowLfu] = counter | (hits << lfuHitsShift);
  }

  /**
   * RESTORE's IDLETIME and FREQ (Redis's objectSetLRUOrLFU): the slot's last access and LFU counter as
   * given, the counter decayed up to `decayedAtSeconds`.
   */
  setAccessFacts(slot: number, accessedAtSeconds: number, lfuCounter: number, decayedAtSeconds: number): void {
    this.assertLive(slot);
    this.rowFloats[slot * rowFloat64Count + rowAccessedAtSeconds] = accessedAtSeconds;
    this.rowInts[slot * rowInt32Count + rowLfu] = lfuCounter & lfuCounterMax;
    this.rowInts[slot * rowInt32Count + rowLfuDecayedAtMinutes] = Math.floor(decayedAtSeconds / 60);
  }

  /**
   * Up to `countHint` slots from `cursor` (a sequence; 0 starts): the live keys among them, and the
   * cursor to continue from (0 when the iteration is complete).
   */
  page(cursor: bigint, countHint: number): { keys: KeyText[]; cursorNext: bigint } {
    const sequenceStart = cursor > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(cursor);
    const keys: KeyText[] = [];
    let slot = lowerBound(this.sequences, this.slotCount, sequenceStart);
    for (let visitedCount = 0; slot < this.slotCount && visitedCount < countHint; visitedCount++, slot++) {
      if (this.isLive(slot)) keys.push(this.keyAt(slot));
    }
    const cursorNext = slot < this.slotCount ? BigInt(this.sequences[slot] as number) : 0n;
    return { keys, cursorNext };
  }

  /** The key in one random slot if that slot is live, else null (callers draw again). */
  drawLive(random: CacheRandom): KeyText | null {
    if (this.slotCount === 0) return null;
    const slot = random.nextIndex(this.slotCount);
    return this.isLive(slot) ? this.keyAt(slot) : null;
  }

  /**
   * The first live key at or after one random slot (wrapping), null only when the table is empty.
   * For callers that must not come back empty-handed after {@link drawLive} missed: up to half the
   * slots are stale before compaction, and all but one in a table of at most `compactSlotCountMin`
   * slots (never compacted), so a few draws can all miss. O(stale run length), so a fallback only.
   */
  liveKeyFrom(random: CacheRandom): KeyText | null {
    if (this.liveCount === 0) return null;
    let slot = random.nextIndex(this.slotCount);
    while (!this.isLive(slot)) slot = slot + 1 === this.slotCount ? 0 : slot + 1;
    return this.keyAt(slot);
  }

  private get bucketCount(): number {
    return this.buckets.length >> 1;
  }

  private recordOffsetOf(slot: number): number {
    return this.rowFloats[slot * rowFloat64Count + rowRecordOffset] as number;
  }

  private keyLengthOf(slot: number): number {
    return this.rowInts[slot * rowInt32Count + rowKeyLength] as number;
  }

  private valueLengthOf(slot: number): number {
    return this.rowInts[slot * rowInt32Count + rowValueLength] as number;
  }

  private isLive(slot: number): boolean {
    return this.recordOffsetOf(slot) !== staleSlot;
  }

  private assertLive(slot: number): void {
    // The message is built only on failure: a template literal per call is a sizeable share of a GET.
    if (!(slot >= 0 && slot < this.slotCount && this.isLive(slot))) assert(false, `slot ${slot} is not live`);
  }

  private keyAt(slot: number): KeyText {
    const offset = this.recordOffsetOf(slot);
    return this.arena.toString('latin1', offset, offset + this.keyLengthOf(slot)) as KeyText;
  }

  private keyEquals(slot: number, key: KeyText): boolean {
    if (this.keyLengthOf(slot) !== key.length) return false;
    const offset = this.recordOffsetOf(slot);
    const arena = this.arena;
    for (let index = 0; index < key.length; index++) if (arena[offset + index] !== key.charCodeAt(index)) return false;
    return true;
  }

  private keyEqualsBytes(slot: number, key: Uint8Array): boolean {
    if (this.keyLengthOf(slot) !== key.length) return false;
    const offset = this.recordOffsetOf(slot);
    const arena = this.arena;
    for (let index = 0; index < key.length; index++) if (arena[offset + index] !== key[index]) return false;
    return true;
  }

  /** Writes a new record for `slot` at the arena's end (key bytes, then a string value's bytes). */
  private storeRecord(slot: number, key: KeyText, value: CacheStoredValue): void {
    const inline = typeof value === 'string';
    assert(!inline || value.length <= cacheStringInlineBytesMax, 'inline string values are small');
    const recordLength = key.length + (inline ? value.length : 0);
    this.reserveArena(recordLength);
    const offset = this.arenaUsedBytes;
    writeLatin1(this.arena, key, offset);
    if (inline) writeLatin1(this.arena, value, offset + key.length);
    this.arenaUsedBytes += recordLength;
    this.setRecord(slot, offset, key.length, inline ? value.length : valueIsObject);
    if (!inline) this.objectBySlot.set(slot, value);
  }

  /** {@link storeRecord} for a key and an inline string value given as bytes. */
  private storeInlineRecordBytes(slot: number, key: Uint8Array, value: Uint8Array, length: number): void {
    const recordLength = key.length + length;
    this.reserveArena(recordLength);
    const offset = this.arenaUsedBytes;
    copyBytes(this.arena, offset, key);
    copyBytes(this.arena, offset + key.length, value, length);
    this.arenaUsedBytes += recordLength;
    this.setRecord(slot, offset, key.length, length);
  }

  private setRecord(slot: number, offset: number, keyLength: number, valueLength: number): void {
    this.rowFloats[slot * rowFloat64Count + rowRecordOffset] = offset;
    this.rowInts[slot * rowInt32Count + rowKeyLength] = keyLength;
    this.rowInts[slot * rowInt32Count + rowValueLength] = valueLength;
  }

  private releaseValue(slot: number): void {
    if (this.valueLengthOf(slot) === valueIsObject) this.objectBySlot.delete(slot);
  }

  private reserveArena(byteCount: number): void {
    if (this.arenaUsedBytes + byteCount <= this.arena.length) return;
    const capacity = Math.max(arenaCapacityBytesMin, (this.arenaUsedBytes + byteCount) * capacityGrowthFactor);
    const arena = Buffer.alloc(capacity);
    this.arena.copy(arena, 0, 0, this.arenaUsedBytes);
    this.arena = arena;
  }

  /** Rewrites the arena with only the live records, in slot order, once dead bytes outnumber live ones. */
  private compactArenaIfSparse(): void {
    const liveBytes = this.arenaUsedBytes - this.arenaDeadBytes;
    if (this.arenaDeadBytes < arenaCompactDeadBytesMin || this.arenaDeadBytes <= liveBytes) return;
    const arena = Buffer.alloc(Math.max(arenaCapacityBytesMin, Math.ceil(liveBytes * 1.5)));
    let used = 0;
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (!this.isLive(slot)) continue;
      const offset = this.recordOffsetOf(slot);
      const recordLength = this.keyLengthOf(slot) + Math.max(0, this.valueLengthOf(slot));
      this.arena.copy(arena, used, offset, offset + recordLength);
      this.rowFloats[slot * rowFloat64Count + rowRecordOffset] = used;
      used += recordLength;
    }
    assert(used === liveBytes, 'arena compaction kept exactly the live bytes');
    this.arena = arena;
    this.arenaUsedBytes = used;
    this.arenaDeadBytes = 0;
  }

  /** Moves live slots down once stale ones outnumber them; amortized O(1) per removal. */
  private compactSlotsIfSparse(): void {
    if (this.slotCount <= compactSlotCountMin || this.slotCount <= 2 * this.liveCount) return;
    let target = 0;
    for (let source = 0; source < this.slotCount; source++) {
      if (!this.isLive(source)) continue;
      if (target !== source) this.moveSlot(source, target);
      target++;
    }
    assert(target === this.liveCount, 'compaction kept every live key');
    this.slotCount = target;
    if (this.slotCapacity > 2 * Math.max(slotCapacityMin, target)) this.resizeSlots(Math.max(slotCapacityMin, Math.ceil(target * 1.5)));
    let bucketCount = bucketCountMin;
    while (this.liveCount * 100 > bucketCount * bucketLoadPercentMax) bucketCount *= 2;
    this.rebuildIndex(bucketCount);
  }

  private moveSlot(source: number, target: number): void {
    this.rowFloats.copyWithin(target * rowFloat64Count, source * rowFloat64Count, (source + 1) * rowFloat64Count);
    this.hashes[target] = this.hashes[source] as number;
    this.sequences[target] = this.sequences[source] as number;
    if (this.valueLengthOf(source) === valueIsObject) {
      this.objectBySlot.set(target, this.objectBySlot.get(source) as Buffer | CacheStoredCollection);
      this.objectBySlot.delete(source);
    }
  }

  /** Gives the rows and columns `capacity` slots, keeping the slots in use. */
  private resizeSlots(capacity: number): void {
    assert(capacity >= this.slotCount, 'resizing keeps every slot');
    const count = this.slotCount;
    this.rowFloats = resized(this.rowFloats, new Float64Array(capacity * rowFloat64Count), count * rowFloat64Count);
    this.rowInts = new Int32Array(this.rowFloats.buffer);
    this.hashes = resized(this.hashes, new Uint32Array(capacity), count);
    this.sequences = resized(this.sequences, new Float64Array(capacity), count);
    this.slotCapacity = capacity;
  }

  private rebuildIndex(bucketCount: number): void {
    this.buckets = emptyProbeBuckets(bucketCount);
    for (let slot = 0; slot < this.slotCount; slot++) if (this.isLive(slot)) this.indexSlot(slot);
  }

  private indexSlot(slot: number): void {
    insertIntoProbeRun(this.buckets, slot, (this.hashes[slot] as number) | 0);
  }

  private unindexSlot(slot: number): void {
    const buckets = this.buckets;
    removeFromProbeRun(buckets, bucketHolding(buckets, slot, (this.hashes[slot] as number) | 0));
  }
}

/** Texts up to this long are copied into the arena char by char: cheaper than `Buffer.write`. */
const loopWriteCharsMax = 64;

/** `source` into `target` at `offset`: a loop for short pieces (a native call costs more), else `set`. */
function copyBytes(target: Buffer, offset: number, source: Uint8Array, length = source.length): void {
  if (length > loopWriteCharsMax) {
    target.set(source.subarray(0, length), offset);
    return;
  }
  for (let index = 0; index < length; index++) target[offset + index] = source[index] as number;
}

/** Writes latin1 `text` (one char per byte) at `offset`. */
function writeLatin1(target: Buffer, text: string, offset: number): void {
  if (text.length > loopWriteCharsMax) {
    target.write(text, offset, 'latin1');
    return;
  }
  for (let index = 0; index < text.length; index++) target[offset + index] = text.charCodeAt(index);
}

type SlotColumn = Float64Array | Uint32Array;

function resized<Column extends SlotColumn>(source: Column, target: Column, slotCount: number): Column {
  target.set(source.subarray(0, slotCount));
  return target;
}
