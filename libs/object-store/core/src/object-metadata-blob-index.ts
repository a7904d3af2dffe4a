/**
 * Which blobs the metadata references: every blob of every version (current, non-current) and of
 * every part of an upload in progress, counted, so that blob garbage collection can ask
 * "is this blob referenced?" in O(1) (`ObjectMetadataMachine.isBlobReferenced`).
 *
 * Maintained by the machine where locations enter or leave the state (a key's version stack
 * replaced, a part stored or replaced, an upload removed, a bucket deleted with its uploads) and
 * counted again record by record as a snapshot is restored. Deterministic (no clock, no randomness), though
 * only the local GC reads it.
 *
 * Memory: a blob referenced once (nearly all) is one entry of a Set keyed by the BlobRef's own id
 * string (no copy): about 20–30 bytes per blob in V8's hash tables. The rare blob referenced
 * more than once (a version copied onto itself keeps its blob) moves to a Map with its count.
 * Entries are spread over 16 shards by the id's first hex digit, which keeps each table far below
 * V8's limit of 2^24 entries per Set/Map (16 × 16.7 M ≥ 268 M blobs).
 */
import { assert } from '@objectbox/util';
import type { BlobRef, ObjectVersion } from './object-metadata-model.js';

const shardCount = 16;

function shardOf(blobId: string): number {
  // Blob ids are 32 hex digits (blob-store.ts); anything else still lands in a valid shard.
  const code = blobId.charCodeAt(0);
  return (code >= 97 ? code - 87 : code - 48) & (shardCount - 1);
}

export class BlobReferenceIndex {
  readonly #once: Set<string>[] = Array.from({ length: shardCount }, () => new Set<string>());
  readonly #many: Map<string, number>[] = Array.from({ length: shardCount }, () => new Map<string, number>());

  /** True while any version or upload part references the blob. */
  has(blobId: string): boolean {
    const shard = shardOf(blobId);
    return this.#once[shard]!.has(blobId) || this.#many[shard]!.has(blobId);
  }

  /** References counted (a blob referenced twice counts twice). */
  get referenceCount(): number {
    let count = 0;
    for (let shard = 0; shard < shardCount; shard++) {
      count += this.#once[shard]!.size;
      for (const references of this.#many[shard]!.values()) count += references;
    }
    return count;
  }

  add(blobs: readonly BlobRef[]): void {
    for (const { blobId } of blobs) {
      const shard = shardOf(blobId);
      const once = this.#once[shard]!;
      const many = this.#many[shard]!;
      const count = many.get(blobId);
      if (count !== undefined) many.set(blobId, count + 1);
      else if (once.delete(blobId)) many.set(blobId, 2);
      else once.add(blobId);
    }
  }

  remove(blobs: readonly BlobRef[]): void {
    for (const { blobId } of blobs) {
      const shard = shardOf(blobId);
      const once = this.#once[shard]!;
      const many = this.#many[shard]!;
      if (once.delete(blobId)) continue;
      const count = many.get(blobId);
      assert(count !== undefined, `blob ${blobId} removed more often than added`);
      if (count === 2) {
        many.delete(blobId);
        once.add(blobId);
      } else {
        many.set(blobId, count - 1);
      }
    }
  }

  /** One version's references out and another's in (either may be absent); in first, so a shared blob never drops to zero. */
  replaceVersion(before: ObjectVersion | undefined, after: ObjectVersion | undefined): void {
    if (after !== undefined) this.add(after.location);
    if (before !== undefined) this.remove(before.location);
  }
}
