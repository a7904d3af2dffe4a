/**
 * A hash value: field → value, both binary-safe (fields as latin1 {@link KeyText}, like keys), with
 * an O(1) memory estimate kept up to date on every change.
 */
import { cacheCollectionElementOverheadBytes, cacheEncodingThresholds } from './cache-collection-size.js';
import { type CacheCollection, type KeyText } from './cache-keyspace.js';

export class CacheHash implements CacheCollection {
  private readonly fields = new Map<KeyText, Buffer>();
  private contentBytes = 0;
  /** Redis converts a listpack hash to a hashtable once and never back. */
  private isHashtable = false;

  get length(): number {
    return this.fields.size;
  }

  get sizeBytes(): number {
    return this.contentBytes + this.fields.size * cacheCollectionElementOverheadBytes;
  }

  get encoding(): string {
    return this.isHashtable ? 'hashtable' : 'listpack';
  }

  get(field: KeyText): Buffer | undefined {
    return this.fields.get(field);
  }

  has(field: KeyText): boolean {
    return this.fields.has(field);
  }

  /** Sets `field`; true when it is new. The value is referenced, not copied. */
  set(field: KeyText, value: Buffer): boolean {
    const previous = this.fields.get(field);
    this.fields.set(field, value);
    if (previous === undefined) this.contentBytes += field.length + value.byteLength;
    else this.contentBytes += value.byteLength - previous.byteLength;
    const { listpackEntriesMax, listpackValueBytesMax } = cacheEncodingThresholds;
    if (this.fields.size > listpackEntriesMax || field.length > listpackValueBytesMax || value.byteLength > listpackValueBytesMax) {
      this.isHashtable = true;
    }
    return previous === undefined;
  }

  /** Removes `field`; true when it existed. */
  delete(field: KeyText): boolean {
    const previous = this.fields.get(field);
    if (previous === undefined) return false;
    this.fields.delete(field);
    this.contentBytes -= field.length + previous.byteLength;
    return true;
  }

  /** Fields and values in insertion order. */
  entries(): IterableIterator<[KeyText, Buffer]> {
    return this.fields.entries();
  }

  keys(): IterableIterator<KeyText> {
    return this.fields.keys();
  }
}
