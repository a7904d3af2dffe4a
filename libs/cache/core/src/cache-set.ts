/**
 * A set value: binary-safe members (latin1 {@link KeyText}, like keys) with an O(1) memory estimate
 * kept up to date on every change.
 *
 * Layout: members in a dense array plus a member → position index ({@link CacheFieldIndex}), which gives O(1) membership,
 * add, remove and random member (SPOP, SRANDMEMBER), and the cursor scheme of SSCAN:
 *
 * - `intset` (only int64 members, at most 512): the array is kept in numeric order, as Redis's intset
 *   is, so SMEMBERS and SUNION of small integer sets reply sorted like Redis. Insertion and deletion
 *   move at most 512 entries, a constant, like Redis's memmove.
 * - `listpack` (Redis 7.2: at most 128 members of at most 64 bytes): insertion order, kept on delete.
 * - `hashtable`: appends, and swap-remove on delete (O(1)).
 *
 * SSCAN on intset and listpack returns everything with cursor 0, as Redis does; on a hashtable it
 * uses {@link scanDensePositions} (see cache-hash.ts): every member present for the whole iteration
 * comes back at least once.
 */
import { assert } from '@objectbox/util';
import { cacheCollectionElementOverheadBytes, cacheEncodingThresholds } from './cache-collection-size.js';
import { scanDensePositions, type CacheCollectionScanPage } from './cache-hash.js';
import { CacheFieldIndex } from './cache-field-index.js';
import { keyTextFromBytes, type CacheCollection, type CacheRandom, type KeyText } from './cache-keyspace.js';

const integerMemberPattern = /^(0|-?[1-9][0-9]{0,18})$/;
const int64MinText = '-9223372036854775808';
const int64MaxText = '9223372036854775807';

type CacheSetEncoding = 'intset' | 'listpack' | 'hashtable';

export class CacheSet implements CacheCollection {
  /** The members by position, and position by member (see {@link CacheFieldIndex}). */
  private index = new CacheFieldIndex();
  private contentBytes = 0;
  /** Redis's encodings, each conversion one-way: intset → listpack → hashtable. */
  private encodingName: CacheSetEncoding = 'intset';

  get length(): number {
    return this.index.length;
  }

  get sizeBytes(): number {
    return this.contentBytes + this.index.length * cacheCollectionElementOverheadBytes;
  }

  get encoding(): string {
    return this.encodingName;
  }

  has(member: KeyText): boolean {
    return this.index.positionOf(member) >= 0;
  }

  /** Adds `member`; true when it is new. */
  add(member: KeyText): boolean {
    if (this.index.positionOf(member) >= 0) return false;
    this.addNew(member);
    return true;
  }

  /**
   * {@link add} with the member as the request's bytes: found without making its string, which is
   * made only for a new member. SADD's path (see {@link CacheFieldIndex}).
   */
  addBytes(member: Uint8Array): boolean {
    if (this.index.positionOfBytes(member) >= 0) return false;
    this.addNew(keyTextFromBytes(member));
    return true;
  }

  private addNew(member: KeyText): void {
    this.encodingName = this.encodingAfterAdding(member);
    this.contentBytes += member.length;
    if (this.encodingName === 'intset') this.index.insertAt(this.sortedInsertionPosition(member), member);
    else this.index.append(member);
  }

  /** Removes `member`; true when it was present. O(1) on a hashtable, a bounded move otherwise. */
  delete(member: KeyText): boolean {
    const position = this.index.positionOf(member);
    if (position < 0) return false;
    this.contentBytes -= member.length;
    if (this.encodingName === 'hashtable') this.index.removeSwapLast(position);
    else this.index.removeShifting(position);
    return true;
  }

  /** The member at `position` (0 ≤ position < length): random access for SPOP, SRANDMEMBER, SSCAN. */
  memberAt(position: number): KeyText {
    const member = this.index.fieldAt(position);
    assert(member !== undefined, 'set position out of range');
    return member;
  }

  /** A uniformly random member; the set must not be empty. */
  randomMember(random: CacheRandom): KeyText {
    assert(this.index.length > 0, 'random member of an empty set');
    return this.index.fieldAt(random.nextIndex(this.index.length)) as KeyText;
  }

  /** One SSCAN step: everything with cursor 0 on the small encodings, else up to `countHint` positions. */
  scan(cursor: bigint, countHint: number): CacheCollectionScanPage {
    if (this.encodingName !== 'hashtable') return { cursorNext: 0n, positions: Array.from({ length: this.index.length }, (_, position) => position) };
    return scanDensePositions(this.index.length, cursor, countHint);
  }

  /** Members in storage order. Do not change the set while iterating. */
  values(): IterableIterator<KeyText> {
    return this.index.fields();
  }

  /** A copy with the same members, order and encoding (COPY, SUNIONSTORE of one set). */
  clone(): CacheSet {
    const copy = new CacheSet();
    copy.index = this.index.clone();
    copy.contentBytes = this.contentBytes;
    copy.encodingName = this.encodingName;
    return copy;
  }

  private encodingAfterAdding(member: KeyText): CacheSetEncoding {
    const { setIntsetEntriesMax: intsetEntriesMax, setListpackEntriesMax: listpackEntriesMax, setListpackValueBytesMax: listpackValueBytesMax } = cacheEncodingThresholds;
    const sizeAfter = this.index.length + 1;
    let encoding = this.encodingName;
    if (encoding === 'intset' && (!isInt64Text(member) || sizeAfter > intsetEntriesMax)) {
      encoding = sizeAfter <= listpackEntriesMax ? 'listpack' : 'hashtable';
    }
    if (encoding === 'listpack' && (sizeAfter > listpackEntriesMax || member.length > listpackValueBytesMax)) {
      encoding = 'hashtable';
    }
    return encoding;
  }

  private sortedInsertionPosition(member: KeyText): number {
    let low = 0;
    let high = this.index.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareInt64Text(this.index.fieldAt(middle) as KeyText, member) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** Whether `member` is an integer Redis would store in an intset (string2ll's canonical form). */
export function isInt64Text(member: string): boolean {
  if (!integerMemberPattern.test(member)) return false;
  if (member.length < 19) return true;
  return member.startsWith('-') ? compareDigits(member.slice(1), int64MinText.slice(1)) <= 0 : compareDigits(member, int64MaxText) <= 0;
}

/** Numeric order of two canonical integer texts (no `+`, no leading zeros, no `-0`). */
function compareInt64Text(a: string, b: string): number {
  const aNegative = a.startsWith('-');
  const bNegative = b.startsWith('-');
  if (aNegative !== bNegative) return aNegative ? -1 : 1;
  return aNegative ? compareDigits(b.slice(1), a.slice(1)) : compareDigits(a, b);
}

function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
