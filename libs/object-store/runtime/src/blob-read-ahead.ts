/**
 * A range of one blob, chunk by chunk in order, each chunk read and verified (a
 * {@link BlobChunkReader}, usually the hash workers) before it is handed out, with a bounded number
 * of chunks read ahead so that reading and verifying the next chunks overlaps sending this one.
 *
 * Memory per reader: at most `readAheadChunkCount` chunk buffers in flight, plus those handed out
 * and not yet released. The consumer pulls (`next`), so a consumer that stops pulling (a slow
 * client waiting for 'drain') stops the reads too.
 *
 * Buffers come from a {@link ChunkBufferPool} and go back to it when the consumer calls
 * `release` (for a socket: in the write callback, once the kernel has the bytes). A chunk never
 * released is garbage, as any buffer. A released buffer is transferred to a worker on its next use,
 * which detaches it here: a view kept by mistake then reads as empty, never as another chunk's bytes.
 */
import { assert } from '@objectbox/util';
import { blake3DigestSizeBytes } from './blob-checksums.js';
import type { BlobChunkReader, BlobChunkReadResult } from './blob-chunk-reader.js';
import { BlobCorruptionError } from './blob-errors.js';

/** A verified piece of a blob: `bytes` may be sent; `release` once nothing refers to them. */
export interface VerifiedChunk {
  /** Verified bytes (the chunk, or its part inside the requested range). Valid until `release`. */
  readonly bytes: Buffer;
  /** Gives the buffer back for reuse; at most once; optional (an unreleased chunk is garbage collected). */
  readonly release: () => void;
}

/** Chunks of a byte source in order; `close` must be called (also after `next` rejects). */
export interface VerifiedChunkSource {
  /** The next chunk, or null after the last. Rejects with BlobCorruption ('chunk-mismatch', 'short-read') or an I/O error. */
  next(): Promise<VerifiedChunk | null>;
  /**
   * Waits for every read in flight (also one a pending `next` waits for: that `next` then resolves
   * null), recycles their buffers and frees the source's file handles. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Spare chunk buffers shared by every reader of a store. Only buffers of `bufferSizeBytes` (the
 * default chunk size) are kept, at most `spareCountMax` of them: a burst of GETs leaves at most that
 * much memory behind.
 */
export class ChunkBufferPool {
  private readonly spares: ArrayBuffer[] = [];

  constructor(
    readonly bufferSizeBytes: number,
    readonly spareCountMax: number,
  ) {
    assert(Number.isSafeInteger(bufferSizeBytes) && bufferSizeBytes > 0, 'bufferSizeBytes must be a positive integer');
    assert(Number.isSafeInteger(spareCountMax) && spareCountMax >= 0, 'spareCountMax must be a non-negative integer');
  }

  /** A buffer of at least `sizeBytes`; a spare one when it fits. */
  take(sizeBytes: number): ArrayBuffer {
    if (sizeBytes <= this.bufferSizeBytes) {
      const spare = this.spares.pop();
      if (spare !== undefined) return spare;
      return new ArrayBuffer(this.bufferSizeBytes);
    }
    return new ArrayBuffer(sizeBytes);
  }

  /** Keeps `buffer` for reuse if it is a pool-sized buffer and there is room; the caller gives it up. */
  give(buffer: ArrayBuffer): void {
    // A detached buffer (byteLength 0) or one of another size is left to the GC.
    if (buffer.byteLength !== this.bufferSizeBytes || this.spares.length >= this.spareCountMax) return;
    // Invariant: a buffer has one owner; given twice, two chunks would be read into one buffer.
    assert(!this.spares.includes(buffer), 'a chunk buffer given back twice');
    this.spares.push(buffer);
  }

  /** Spare buffers held now (for tests and metrics). */
  get spareCount(): number {
    return this.spares.length;
  }
}

/** What a {@link BlobReadAhead} reads: an open blob file whose chunk table is already verified. */
export interface BlobReadAheadOptions {
  /** The blob file, open; the caller closes it after `close` resolves (reads may be in flight until then). */
  readonly fd: number;
  readonly blobId: string;
  readonly dataSizeBytes: number;
  readonly chunkSizeBytes: number;
  /** The verified chunk table: 32 bytes per chunk. */
  readonly chunkHashes: Uint8Array;
  /** Bytes [start, endInclusive] of the data; non-empty and inside it. */
  readonly start: number;
  readonly endInclusive: number;
  readonly reader: BlobChunkReader;
  readonly pool: ChunkBufferPool;
  /** Chunks read ahead of the consumer, at least 1. */
  readonly readAheadChunkCount: number;
}

interface InflightRead {
  readonly chunkIndex: number;
  /** Never rejects: a failure is kept as the value, so a read not yet awaited is never unhandled. */
  readonly settled: Promise<BlobChunkReadResult | { readonly error: unknown }>;
}

/** See the module comment. Not safe for concurrent `next` calls (one consumer, in order). */
export class BlobReadAhead implements VerifiedChunkSource {
  private readonly chunkLast: number;
  /** Invariant: chunk indexes consecutive, the first one `chunkNext`; at most `readAheadChunkCount`. */
  private readonly inflight: InflightRead[] = [];
  private chunkNext: number;
  private chunkToRead: number;
  private closed = false;
  /** Set once a chunk failed: nothing after it is handed out. */
  private failure: { readonly error: unknown } | null = null;

  constructor(private readonly options: BlobReadAheadOptions) {
    assert(Number.isSafeInteger(options.readAheadChunkCount) && options.readAheadChunkCount >= 1, 'readAheadChunkCount must be >= 1');
    assert(0 <= options.start && options.start <= options.endInclusive && options.endInclusive < options.dataSizeBytes, 'a non-empty range inside the blob');
    assert(options.chunkHashes.byteLength === Math.ceil(options.dataSizeBytes / options.chunkSizeBytes) * blake3DigestSizeBytes, 'one table entry per chunk');
    this.chunkNext = Math.floor(options.start / options.chunkSizeBytes);
    this.chunkToRead = this.chunkNext;
    this.chunkLast = Math.floor(options.endInclusive / options.chunkSizeBytes);
  }

  async next(): Promise<VerifiedChunk | null> {
    assert(!this.closed, 'BlobReadAhead.next after close');
    if (this.failure !== null) throw this.failure.error;
    if (this.chunkNext > this.chunkLast) return null;
    this.fill();
    const read = this.inflight[0];
    assert(read !== undefined && read.chunkIndex === this.chunkNext, 'the next chunk is in flight');
    const result = await read.settled;
    // Closed meanwhile: `close` took this read with the others (it waited for it and owns its
    // buffer), so the file is not closed under a read still in a worker.
    if (this.closed) return null;
    this.inflight.shift();
    this.chunkNext++;
    if (!('error' in result) && result.outcome === 'ok') this.fill(); // the slot it left: keep the workers busy while this chunk is sent
    if ('error' in result) {
      this.failure = result;
      throw result.error;
    }
    if (result.outcome !== 'ok') {
      this.options.pool.give(result.buffer);
      this.failure = { error: new BlobCorruptionError(this.options.blobId, result.outcome === 'mismatch' ? 'chunk-mismatch' : 'short-read', read.chunkIndex) };
      throw this.failure.error;
    }
    return this.chunkOf(read.chunkIndex, result.buffer);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const reads = this.inflight.splice(0);
    for (const read of reads) {
      const result = await read.settled;
      if (!('error' in result)) this.options.pool.give(result.buffer);
    }
  }

  private fill(): void {
    const { options } = this;
    while (!this.closed && this.chunkToRead <= this.chunkLast && this.inflight.length < options.readAheadChunkCount) {
      const chunkIndex = this.chunkToRead++;
      const positionBytes = chunkIndex * options.chunkSizeBytes;
      const lengthBytes = Math.min(options.chunkSizeBytes, options.dataSizeBytes - positionBytes);
      // A copy, not a view: a worker is sent a view's whole underlying table (160 KiB for a 5 GiB
      // blob, 170-310 µs of main-thread time per chunk), a copy is 32 bytes.
      const expectedBlake3 = options.chunkHashes.slice(chunkIndex * blake3DigestSizeBytes, (chunkIndex + 1) * blake3DigestSizeBytes);
      const settled = options.reader
        .readChunk({ fd: options.fd, positionBytes, lengthBytes, buffer: options.pool.take(lengthBytes), expectedBlake3 })
        .catch((error: unknown) => ({ error }));
      this.inflight.push({ chunkIndex, settled });
    }
  }

  /** The verified chunk's bytes inside the range, and its release. */
  private chunkOf(chunkIndex: number, buffer: ArrayBuffer): VerifiedChunk {
    const { options } = this;
    const chunkStart = chunkIndex * options.chunkSizeBytes;
    const lengthBytes = Math.min(options.chunkSizeBytes, options.dataSizeBytes - chunkStart);
    const sliceStart = Math.max(options.start - chunkStart, 0);
    const sliceEnd = Math.min(options.endInclusive - chunkStart + 1, lengthBytes);
    let released = false;
    const pool = options.pool;
    return {
      bytes: Buffer.from(buffer, sliceStart, sliceEnd - sliceStart),
      release: () => {
        if (released) return;
        released = true;
        pool.give(buffer);
      },
    };
  }
}
