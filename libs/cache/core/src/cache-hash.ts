/**
 * A hash value: field → value, both binary-safe (fields as latin1 {@link KeyText}, like keys), with
 * an O(1) memory estimate kept up to date on every change.
 *
 * Layout: fields and values in two dense arrays plus a field → position index ({@link CacheFieldIndex}). That gives O(1) get,
 * set, delete and random field (HRANDFIELD), and a cursor scheme for HSCAN:
 *
 * - While the encoding is `listpack` (at most `hash-max-listpack-entries` small entries, 512 by
 *   default, like Redis's listpack) deletion closes the gap, so the order is insertion order, as
 *   Redis's listpack keeps it. That costs at most that many moves, a constant, like Redis's memmove.
 * - Once `hashtable`, deletion is swap-remove: the last entry moves into the hole (O(1)).
 * - HSCAN on a listpack hash returns everything with cursor 0, as Redis does. On a hashtable the
 *   cursor is the number of positions still to visit, visited from the end of the array towards 0.
 *   Appends land behind the cursor (new entries may or may not be returned), and swap-remove only
 *   moves the last entry into a lower position. An entry not yet visited therefore stays below the
 *   cursor, so an entry present for the whole iteration is returned at least once (possibly twice,
 *   when it was visited and then moved down).
 */
import { assert } from '@objectbox/util';
import { cacheCollectionElementOverheadBytes, cacheEncodingThresholds } from './cache-collection-size.js';
import { CacheFieldIndex } from './cache-field-index.js';
import { keyTextFromBytes, type CacheCollection, type CacheRandom, type KeyText } from './cache-keyspace.js';
import { bytesOfStored, storedByteLength, storedBytesOf, type CacheStoredBytes } from './cache-string-value.js';

/** One page of {@link CacheHash.scan}: the positions to reply with and the next cursor (0 = done). */
export interface CacheCollectionScanPage {
  readonly cursorNext: bigint;
  readonly positions: readonly number[];
}

/**
 * The shared cursor scheme of hashes and sets on the big encoding (see the file header): `cursor` 0
 * starts at `length`; each call visits up to `countHint` positions downwards.
 */
export function scanDensePositions(length: number, cursor: bigint, countHint: number): CacheCollectionScanPage {
  assert(countHint >= 1, 'scan countHint must be positive');
  let position = cursor === 0n || cursor > BigInt(length) ? length : Number(cursor);
  const positions: number[] = [];
  while (position > 0 && positions.length < countHint) {
    position--;
    positions.push(position);
  }
  return { cursorNext: BigInt(position), positions };
}

/**
 * `count` distinct positions of [0, length) in random order (count < length): a partial Fisher-Yates
 * shuffle over a virtual array, so it is O(count) time and memory and never reorders the collection
 * (which would break running scans). HRANDFIELD and SRANDMEMBER with a positive count.
 */
export function sampleDistinctPositions(length: number, count: number, random: CacheRandom): number[] {
  assert(count <= length, 'sample larger than the collection');
  const swapped = new Map<number, number>();
  const positions: number[] = [];
  for (let index = 0; index < count; index++) {
    const pick = index + random.nextIndex(length - index);
    positions.push(swapped.get(pick) ?? pick);
    swapped.set(pick, swapped.get(index) ?? index);
  }
  return positions;
}

export class CacheHash implements CacheCollection {
  /** The fields by position, and position by field (see {@link CacheFieldIndex}). */
  private index = new CacheFieldIndex();
  /** Values as {@link CacheStoredBytes}: with a Buffer per value, retained values were most of HSET's GC work. */
  private valueList: CacheStoredBytes[] = [];
  private contentBytes = 0;
  /** Redis converts a listpack hash to a hashtable once and never back. */
  private isHashtable = false;

  get length(): number {
    return this.index.length;
  }

  get sizeBytes(): number {
    return this.contentBytes + this.index.length * cacheCollectionElementOverheadBytes;
  }

  get encoding(): string {
    return this.isHashtable ? 'hashtable' : 'listpack';
  }

  get(field: KeyText): Buffer | undefined {
    const position = this.index.positionOf(field);
    return position < 0 ? undefined : bytesOfStored(this.valueList[position] as CacheStoredBytes);
  }

  has(field: KeyText): boolean {
    return this.index.positionOf(field) >= 0;
  }

  /** Sets `field` to a copy of `value` (a request argument may be a view of a larger buffer); true when it is new. */
  set(field: KeyText, value: Uint8Array): boolean {
    return this.setAt(this.index.positionOf(field), field, field.length, value);
  }

  /**
   * {@link set} with the field as the request's bytes: found without making its string, which is made
   * only for a new field. HSET's path (see {@link CacheFieldIndex}).
   */
  setBytes(field: Uint8Array, value: Uint8Array): boolean {
    return this.setAt(this.index.positionOfBytes(field), field, field.length, value);
  }

  private setAt(position: number, field: KeyText | Uint8Array, fieldBytes: number, value: Uint8Array): boolean {
    const { hashListpackEntriesMax: listpackEntriesMax, hashListpackValueBytesMax: listpackValueBytesMax } = cacheEncodingThresholds;
    const kept = storedBytesOf(value);
    if (position >= 0) {
      this.contentBytes += value.byteLength - storedByteLength(this.valueList[position] as CacheStoredBytes);
      this.valueList[position] = kept;
    } else {
      this.index.append(typeof field === 'string' ? field : keyTextFromBytes(field));
      this.valueList.push(kept);
      this.contentBytes += fieldBytes + value.byteLength;
    }
    if (this.index.length > listpackEntriesMax || fieldBytes > listpackValueBytesMax || value.byteLength > listpackValueBytesMax) {
      this.isHashtable = true;
    }
    return position < 0;
  }

  /** Removes `field`; true when it existed. O(1) on a hashtable, a bounded move on a listpack. */
  delete(field: KeyText): boolean {
    const position = this.index.positionOf(field);
    if (position < 0) return false;
    this.contentBytes -= field.length + storedByteLength(this.valueList[position] as CacheStoredBytes);
    if (this.isHashtable) {
      const lastPosition = this.valueList.length - 1;
      this.valueList[position] = this.valueList[lastPosition] as CacheStoredBytes;
      this.valueList.pop();
      this.index.removeSwapLast(position);
      return true;
    }
    this.valueList.splice(position, 1);
    this.index.removeShifting(position);
    return true;
  }

  /** The field at `position` (0 ≤ position < length): random access for HRANDFIELD and HSCAN. */
  fieldAt(position: number): KeyText {
    const field = this.index.fieldAt(position);
    assert(field !== undefined, 'hash position out of range');
    return field;
  }

  valueAt(position: number): Buffer {
    const value = this.valueList[position];
    assert(value !== undefined, 'hash position out of range');
    return bytesOfStored(value);
  }

  /** A uniformly random position; the hash must not be empty. */
  randomPosition(random: CacheRandom): number {
    assert(this.index.length > 0, 'random position of an empty hash');
    return random.nextIndex(this.index.length);
  }

  /**
   * One HSCAN step (see the file header): everything with cursor 0 on a listpack, else up to
   * `countHint` positions from `cursor`.
   */
  scan(cursor: bigint, countHint: number): CacheCollectionScanPage {
    if (!this.isHashtable) return { cursorNext: 0n, positions: Array.from({ length: this.index.length }, (_, position) => position) };
    return scanDensePositions(this.index.length, cursor, countHint);
  }

  /** Fields and values in storage order. Do not change the hash while iterating. */
  *entries(): IterableIterator<[KeyText, Buffer]> {
    for (let position = 0; position < this.valueList.length; position++) {
      yield [this.index.fieldAt(position) as KeyText, bytesOfStored(this.valueList[position] as CacheStoredBytes)];
    }
  }

  keys(): IterableIterator<KeyText> {
    return this.index.fields();
  }

  *values(): IterableIterator<Buffer> {
    for (const value of this.valueList) yield bytesOfStored(value);
  }

  /** A copy with the same fields, order and encoding (COPY). Stored values are shared: they are immutable. */
  clone(): CacheHash {
    const copy = new CacheHash();
    copy.index = this.index.clone();
    copy.valueList = this.valueList.slice();
    copy.contentBytes = this.contentBytes;
    copy.isHashtable = this.isHashtable;
    return copy;
  }
}
