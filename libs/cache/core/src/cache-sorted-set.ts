/**
 * A sorted set value. SKELETON: the sorted-set helper replaces this with a member → score map plus an
 * ordered structure with O(log n) rank operations (a skiplist with spans, as Redis).
 */
import { cacheCollectionElementOverheadBytes } from './cache-collection-size.js';
import { type CacheCollection } from './cache-keyspace.js';

export class CacheSortedSet implements CacheCollection {
  private readonly scores = new Map<string, number>();
  private contentBytes = 0;

  get length(): number {
    return this.scores.size;
  }

  get sizeBytes(): number {
    return this.contentBytes + this.scores.size * cacheCollectionElementOverheadBytes;
  }

  get encoding(): string {
    return 'listpack';
  }
}
