/**
 * A set value: binary-safe members (latin1 {@link KeyText}, like keys) with an O(1) memory estimate
 * kept up to date on every change.
 */
import { cacheCollectionElementOverheadBytes, cacheEncodingThresholds } from './cache-collection-size.js';
import { type CacheCollection, type KeyText } from './cache-keyspace.js';

const integerMemberPattern = /^(0|-?[1-9][0-9]{0,18})$/;

export class CacheSet implements CacheCollection {
  private readonly members = new Set<KeyText>();
  private contentBytes = 0;
  /** Redis's encodings, each conversion one-way: intset → listpack → hashtable. */
  private encodingName: 'intset' | 'listpack' | 'hashtable' = 'intset';

  get length(): number {
    return this.members.size;
  }

  get sizeBytes(): number {
    return this.contentBytes + this.members.size * cacheCollectionElementOverheadBytes;
  }

  get encoding(): string {
    return this.encodingName;
  }

  has(member: KeyText): boolean {
    return this.members.has(member);
  }

  /** Adds `member`; true when it is new. */
  add(member: KeyText): boolean {
    if (this.members.has(member)) return false;
    this.members.add(member);
    this.contentBytes += member.length;
    this.updateEncoding(member);
    return true;
  }

  /** Removes `member`; true when it was present. */
  delete(member: KeyText): boolean {
    if (!this.members.delete(member)) return false;
    this.contentBytes -= member.length;
    return true;
  }

  values(): IterableIterator<KeyText> {
    return this.members.values();
  }

  private updateEncoding(member: KeyText): void {
    const { intsetEntriesMax, listpackEntriesMax, listpackValueBytesMax } = cacheEncodingThresholds;
    if (this.encodingName === 'intset' && (!isInt64Text(member) || this.members.size > intsetEntriesMax)) {
      this.encodingName = this.members.size <= listpackEntriesMax ? 'listpack' : 'hashtable';
    }
    if (this.encodingName === 'listpack' && (this.members.size > listpackEntriesMax || member.length > listpackValueBytesMax)) {
      this.encodingName = 'hashtable';
    }
  }
}

function isInt64Text(member: string): boolean {
  if (!integerMemberPattern.test(member)) return false;
  const value = BigInt(member);
  return value >= -(2n ** 63n) && value < 2n ** 63n;
}
