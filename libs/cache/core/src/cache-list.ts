/**
 * A list value. SKELETON: the list helper replaces this with a deque (O(1) push/pop at both ends,
 * O(1) index) and its operations.
 */
import { cacheCollectionElementOverheadBytes } from './cache-collection-size.js';
import { type CacheCollection } from './cache-keyspace.js';

export class CacheList implements CacheCollection {
  private readonly items: Buffer[] = [];
  private contentBytes = 0;

  get length(): number {
    return this.items.length;
  }

  get sizeBytes(): number {
    return this.contentBytes + this.items.length * cacheCollectionElementOverheadBytes;
  }

  get encoding(): string {
    return 'listpack';
  }
}
