/**
 * The file images of small blobs, kept in memory so that a small GET needs no file system call.
 *
 * Why: a 4 KiB GET read its blob with an open, a read and a close, three trips through the libuv
 * pool each waking a pool thread (and on two shared cores, preempting the event loop): ~22 % of
 * the main thread's busy time in a 4 KiB GET profile, plus the pool threads' own CPU. Objects up to
 * 16 KiB arrive through the Raft log with their bytes in memory anyway (`BlobStore.storeApplied`
 * builds the file image from them), so they are kept here as they are stored, and any blob read
 * whole from disk is kept after its read.
 *
 * What is kept is the blob's file image (data, chunk table, trailer), immutable once inserted, and
 * `BlobStore.readWhole` verifies a cached image exactly as one just read from disk (trailer, root
 * against the metadata's blake3, every chunk against the table) before returning any byte: the
 * cache saves I/O, never a check. Blob ids are never reused, so an entry cannot go stale; a deleted
 * blob's entry is dropped when it is deleted, and one nothing refers to any more ages out.
 *
 * Bounded by the bytes it holds (each image's own, not a slice of a shared pool slab, plus a fixed
 * cost per entry) and by the size of one image; least recently used images go first.
 */
import { assert } from '@objectbox/util';

/** Default total bytes of cached file images. */
export const smallBlobCacheBytesMaxDefault = 64 * 1024 * 1024;
/** Default largest file image cached (a 64 KiB object with its table and trailer fits). */
export const smallBlobCacheImageBytesMaxDefault = 64 * 1024 + 1024;

export interface SmallBlobCacheOptions {
  /** Total bytes of images held; 0 disables the cache. */
  readonly bytesMax: number;
  /** Largest image held; larger ones are not cached. */
  readonly imageBytesMax: number;
}

/**
 * What one entry costs besides its image's bytes: the Map entry, the id string, the ArrayBuffer and
 * view objects (measured ~180 bytes on Node 24). Counted, so that many empty objects cannot hold
 * twenty times the limit (review: 60,000 empty images counted 3.7 MiB while pinning 77 MiB).
 */
export const smallBlobCacheEntryOverheadBytes = 256;

/** A bounded least-recently-used map from blob id to its file image. Not thread-safe (one event loop). */
export class SmallBlobCache {
  readonly bytesMax: number;
  readonly imageBytesMax: number;
  /** In use order: the first entry is the least recently used (Map keeps insertion order). */
  readonly #images = new Map<string, Uint8Array>();
  #bytes = 0;

  constructor(options: SmallBlobCacheOptions) {
    assert(Number.isSafeInteger(options.bytesMax) && options.bytesMax >= 0, 'bytesMax must be a non-negative integer');
    assert(Number.isSafeInteger(options.imageBytesMax) && options.imageBytesMax >= 0, 'imageBytesMax must be a non-negative integer');
    this.bytesMax = options.bytesMax;
    this.imageBytesMax = Math.min(options.imageBytesMax, options.bytesMax);
  }

  /** Bytes of the images held, with {@link smallBlobCacheEntryOverheadBytes} per image. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Images held. */
  get size(): number {
    return this.#images.size;
  }

  /** The image of `blobId`, now the most recently used, or undefined. The caller must not modify it. */
  get(blobId: string): Uint8Array | undefined {
    const image = this.#images.get(blobId);
    if (image === undefined) return undefined;
    this.#images.delete(blobId);
    this.#images.set(blobId, image);
    return image;
  }

  /**
   * Keeps `image` (which the caller must never modify afterwards) as the file image of `blobId`,
   * replacing any image it had, then drops the least recently used images beyond `bytesMax`.
   * An image larger than `imageBytesMax` is not kept (and any older image of the id is dropped).
   */
  set(blobId: string, image: Uint8Array): void {
    this.delete(blobId);
    if (image.byteLength > this.imageBytesMax) return;
    this.#images.set(blobId, image);
    this.#bytes += image.byteLength + smallBlobCacheEntryOverheadBytes;
    for (const [oldestId, oldest] of this.#images) {
      if (this.#bytes <= this.bytesMax) break;
      this.#images.delete(oldestId);
      this.#bytes -= oldest.byteLength + smallBlobCacheEntryOverheadBytes;
    }
  }

  /** Drops the image of `blobId`, if held. */
  delete(blobId: string): void {
    const image = this.#images.get(blobId);
    if (image === undefined) return;
    this.#images.delete(blobId);
    this.#bytes -= image.byteLength + smallBlobCacheEntryOverheadBytes;
  }
}
