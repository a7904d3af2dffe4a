/**
 * The object store's bytes on disk: one file per blob (a single-PUT object, or one part of a
 * multipart object), written once, verified on every read, deleted when metadata drops it.
 *
 * Layout: `<directory>/ab/cd/<blobId>` where the blob id is 128 bits in hex and `ab`, `cd` are its
 * first two bytes (at most 65,536 directories, so no directory grows past a few thousand entries
 * at 10^8 blobs). Those two bytes are random per run of 1,024 new ids (so a burst of writes does
 * not create a directory per blob), the other 112 bits random per id (node:crypto). A write in
 * progress is `<blobId>.tmp` in the same directory. Blob ids never come from clients, so no key
 * can steer a path.
 *
 * Small objects (object-metadata-replica.ts) reach this store through the Raft log instead:
 * `readSmall` hashes a body in memory for the proposer, and each replica's apply calls
 * `storeApplied`, which writes the same file format without fsync; `syncApplied` makes those
 * files durable before the log may forget them.
 *
 * File format (version 1): the object's bytes, then a blake3 chunk table, then a 64-byte trailer.
 *
 *     [data: dataSizeBytes][chunk table: chunkCount x 32][trailer: 64]
 *     trailer: "OBXBLOB1" | u32 formatVersion=1 | u32 chunkSizeBytes | u64 dataSizeBytes |
 *              u32 chunkCount | u32 reserved=0 | root (32 bytes)          (big-endian)
 *     chunk i: blake3(data[i*chunkSizeBytes, min((i+1)*chunkSizeBytes, dataSizeBytes)))
 *     root    = blake3(trailer[0, 32) || chunk table)
 *
 * The root is "the blob's blake3" returned by `write` and kept in metadata: a two-level blake3 tree
 * with 1 MiB leaves, not `b3sum` of the bytes. It is the design of Merkle-verified stores (bao,
 * S3's composite part checksums, ZFS block pointers): a range read verifies the table against the
 * root (160 KiB of table for a 5 GiB blob) and then only the chunks it touches, instead of
 * hashing the whole blob for a 1 KiB range. Data sits at offset 0 so that reads need no skip and
 * the trailer is written last: a file without a valid trailer is never complete.
 *
 * Durability and visibility (write): stream to the temp file while hashing (in the
 * {@link BlobHasherFactory}'s threads), verify size and client checksums, append table and
 * trailer, fdatasync, close, rename to the final name, fsync the directory (one fsync shared by the
 * writes renamed into it meanwhile, `SharedDirectorySync`), and only then resolve.
 * A crash before the rename leaves only a `.tmp` file (collected by blob-gc.ts); after it, the
 * final name holds the complete, synced file. Metadata must be committed only after `write`
 * resolves, so it never points at missing or partial data.
 *
 * Verification (read): the trailer and table are checked against the expected root before the
 * stream is returned (a missing, truncated or foreign file fails then, as a rejected promise), and
 * each chunk is read whole and checked against its table entry before any of its bytes are pushed.
 * So a consumer never receives an unverified byte: a flipped bit ends the stream with
 * {@link BlobCorruptionError} before the bad chunk (for the last chunk: before the last bytes).
 * Chunks are read and verified together, a few ahead of the consumer, by the
 * {@link BlobChunkReader} (the hash workers in production; blob-read-ahead.ts), into buffers that a
 * consumer of `openChunks` gives back for reuse.
 */
import { execFile } from 'node:child_process';
import { constants, type FileHandle, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { nodeFileSystem } from '@objectbox/storage-runtime';
import { assert } from '@objectbox/util';
import {
  blake3OfParts,
  blake3DigestSizeBytes,
  blake3Of,
  type BlobHasher,
  type BlobHasherFactory,
  type BlobHashResult,
  type ChecksumAlgorithm,
  checksumDigestSizeBytes,
  digestFromBase64,
  digestsEqual,
  digestToBase64,
  digestToHex,
  md5DigestSizeBytes,
} from './blob-checksums.js';
import {
  BadDigestError,
  BlobCorruptionError,
  BlobNotFoundError,
  BlobRangeNotSatisfiableError,
  BlobWriteAbortedError,
  BodyTooLongError,
  ChecksumMismatchError,
  EntityTooLargeError,
  IncompleteBodyError,
  InvalidChecksumError,
  InvalidDigestError,
} from './blob-errors.js';
import { inlineBlobChunkReader, type BlobChunkReader } from './blob-chunk-reader.js';
import { BlobReadAhead, ChunkBufferPool, type VerifiedChunk, type VerifiedChunkSource } from './blob-read-ahead.js';
import { nextUnlessAborted } from './next-unless-aborted.js';
import { randomHex } from './random-hex.js';
import { SharedDirectorySync } from './shared-directory-sync.js';
import { SmallBlobCache, smallBlobCacheBytesMaxDefault, smallBlobCacheImageBytesMaxDefault } from './small-blob-cache.js';
import { readFileInto, unlinkFile, writeFileWhole } from './small-file-io.js';

/** S3's single-PUT limit, the default {@link BlobStoreOptions.blobSizeBytesMax}. */
export const singlePutSizeBytesMax = 5 * 1024 ** 3;
/** Default size of the blake3 chunks; also the read granularity. */
export const blobChunkSizeBytesDefault = 1024 * 1024;
/** A large write starts a background datasync after each this many bytes (see BatchedWriter). */
const earlySyncBytes = 16 * 1024 * 1024;
/** Default {@link BlobStoreOptions.readAheadChunkCount}. */
export const readAheadChunkCountDefault = 3;
/** Default {@link BlobStoreOptions.spareChunkBufferCountMax}. */
export const spareChunkBufferCountMaxDefault = 16;
/** Largest blob {@link BlobStore.readWhole} reads into memory. */
export const wholeReadSizeBytesMax = 256 * 1024;
/** New blob ids share their shard directories in runs of this many (see `newBlobId`). */
export const blobIdsPerShardVisit = 1024;
/** Suffix of a write in progress. */
export const blobTemporarySuffix = '.tmp';
/** A blob id: 128 bits in lowercase hex. */
export const blobIdPattern = /^[0-9a-f]{32}$/;

const execFileAsync = promisify(execFile);
const trailerSizeBytes = 64;
const trailerMagic = 'OBXBLOB1';
const formatVersion = 1;

export interface BlobStoreOptions {
  /** Root of the blob tree, e.g. `<dataDir>/object-store/blobs`; created when missing. */
  readonly directory: string;
  /** Where hashing runs: a `BlobHashWorkerPool` in production, `inlineBlobHasherFactory` in tools. */
  readonly hasherFactory: BlobHasherFactory;
  /**
   * Where streamed reads read and verify their chunks. Default: the `hasherFactory` when it is also
   * a reader (the `BlobHashWorkerPool` is), else {@link inlineBlobChunkReader} (the event loop).
   */
  readonly chunkReader?: BlobChunkReader;
  /**
   * Chunks a streamed read keeps in flight ahead of its consumer (default 3): with two workers, two
   * chunks verify while the main thread sends a third. Memory per read: this many chunks plus those
   * handed out and not yet released.
   */
  readonly readAheadChunkCount?: number;
  /** Spare chunk buffers (of the default chunk size) kept for reuse by reads (default 16). */
  readonly spareChunkBufferCountMax?: number;
  /** Largest blob accepted by any write (default 5 GiB, S3's single PUT and part limit). */
  readonly blobSizeBytesMax?: number;
  /** Chunk size of the blake3 table for new blobs (default 1 MiB; reads use the stored value). */
  readonly chunkSizeBytes?: number;
  /** Bytes gathered before one writev (default 1 MiB); bounds write memory per blob. */
  readonly writeBatchBytes?: number;
  /**
   * Memory for the file images of small blobs, so that `readWhole` of a recent small blob makes no
   * file system call (small-blob-cache.ts; default 64 MiB; 0 turns it off).
   */
  readonly smallBlobCacheBytesMax?: number;
}

/** What the client announced about the body; values are untrusted header text. */
export interface BlobWriteOptions {
  /** Content-Length (or x-amz-decoded-content-length); shorter is IncompleteBody, longer BodyTooLong. */
  readonly expectedSizeBytes?: number;
  /** Largest body accepted for this write (the caller's per-operation limit). */
  readonly sizeBytesMax: number;
  /** Flexible checksums to compute and return (those in `expectedChecksums` are added). */
  readonly checksumAlgorithms: readonly ChecksumAlgorithm[];
  /** Content-MD5 header value (base64), verified against the body: BadDigest / InvalidDigest. */
  readonly contentMd5?: string;
  /**
   * `x-amz-checksum-*` values (base64), verified against the body: ChecksumMismatch /
   * InvalidChecksum. A function is called after the body ended, for trailing checksums of
   * aws-chunked bodies (their algorithm must be in `checksumAlgorithms`).
   */
  readonly expectedChecksums?: Partial<Record<ChecksumAlgorithm, string>> | (() => Partial<Record<ChecksumAlgorithm, string>>);
  /**
   * The body's signed SHA-256, checked by `verify` (which throws the caller's error) against the
   * bytes before anything is committed: computed with the other digests, so off the event loop
   * for a body the hash workers take, and not returned as a checksum unless also requested.
   */
  readonly payloadSha256?: { verify(sha256Hex: string): void };
  /** Aborts the write (client gone, deadline): the temp file is removed, BlobWriteAborted. */
  readonly signal?: AbortSignal;
  /**
   * The id to store under (32 lowercase hex digits) instead of a fresh random one: a replica
   * receiving another replica's blob (blob-replication.ts). Never a client's value. If a blob
   * with this id is already stored, the rename replaces it with identical, verified bytes.
   */
  readonly blobId?: string;
}

export interface BlobWriteResult {
  readonly blobId: string;
  readonly sizeBytes: number;
  /** Hex of the blob's root digest (see the file format above); keep it in metadata for reads. */
  readonly blake3: string;
  /** Hex MD5 of the bytes: the single-part ETag (without quotes). */
  readonly md5: string;
  /** Base64 of each computed flexible checksum, as `x-amz-checksum-*` returns it. */
  readonly checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

/** An inclusive byte range, as HTTP Range gives it: 0 <= start <= endInclusive < size. */
export interface BlobRange {
  readonly start: number;
  readonly endInclusive: number;
}

export interface BlobReadOptions {
  /** Hex root digest from metadata (`BlobWriteResult.blake3`). */
  readonly expectedBlake3: string;
  /** Bytes to return; the whole blob when absent. */
  readonly range?: BlobRange;
}

/** One part of a multipart object for {@link BlobStore.concatRead}, in object order. */
export interface BlobPart {
  readonly blobId: string;
  readonly expectedBlake3: string;
  /** The part's size from metadata; checked against the stored blob. */
  readonly sizeBytes: number;
}

interface OpenedBlob {
  readonly handle: FileHandle;
  /** Closes the handle once; later calls resolve at once. */
  readonly close: () => Promise<void>;
  readonly blobId: string;
  readonly dataSizeBytes: number;
  readonly chunkSizeBytes: number;
  readonly chunkHashes: Uint8Array;
}

/** Blob files under one directory. Stateless apart from its options; safe for concurrent use. */
export class BlobStore {
  readonly directory: string;
  readonly blobSizeBytesMax: number;
  readonly chunkSizeBytes: number;
  readonly writeBatchBytes: number;
  private readonly hasherFactory: BlobHasherFactory;
  private readonly chunkReader: BlobChunkReader;
  private readonly readAheadChunkCount: number;
  private readonly chunkBuffers: ChunkBufferPool;
  /** Directory fsyncs after renames, shared by concurrent writes to one shard. */
  private readonly directorySyncs = new SharedDirectorySync((path) => nodeFileSystem.syncDirectory(path));
  /** Written by storeApplied and not yet synced (bounded by the log between snapshots). */
  private readonly unsyncedFiles = new Set<string>();
  private readonly unsyncedDirectories = new Set<string>();
  /** storeApplied writes in progress, by blob id. */
  private readonly appliedWrites = new Map<string, Promise<void>>();
  private appliedWriteFailure: unknown = undefined;
  private shardPrefix = '';
  private shardVisitRemaining = 0;
  /** File images of small blobs (stored by storeApplied, or read whole), verified again on every read. */
  private readonly smallBlobs: SmallBlobCache;
  /** Deletes so far: a whole read caches its image only if none happened while it read. */
  private deleteCount = 0;

  private constructor(options: BlobStoreOptions) {
    this.directory = options.directory;
    this.hasherFactory = options.hasherFactory;
    this.blobSizeBytesMax = options.blobSizeBytesMax ?? singlePutSizeBytesMax;
    this.chunkSizeBytes = options.chunkSizeBytes ?? blobChunkSizeBytesDefault;
    this.writeBatchBytes = options.writeBatchBytes ?? 1024 * 1024;
    this.chunkReader = options.chunkReader ?? (isBlobChunkReader(options.hasherFactory) ? options.hasherFactory : inlineBlobChunkReader);
    this.readAheadChunkCount = options.readAheadChunkCount ?? readAheadChunkCountDefault;
    this.chunkBuffers = new ChunkBufferPool(blobChunkSizeBytesDefault, options.spareChunkBufferCountMax ?? spareChunkBufferCountMaxDefault);
    assert(Number.isSafeInteger(this.readAheadChunkCount) && this.readAheadChunkCount >= 1, 'readAheadChunkCount must be >= 1');
    this.smallBlobs = new SmallBlobCache({ bytesMax: options.smallBlobCacheBytesMax ?? smallBlobCacheBytesMaxDefault, imageBytesMax: smallBlobCacheImageBytesMaxDefault });
    assert(Number.isSafeInteger(this.blobSizeBytesMax) && this.blobSizeBytesMax >= 0, 'blobSizeBytesMax must be a non-negative integer');
    assert(Number.isSafeInteger(this.chunkSizeBytes) && this.chunkSizeBytes >= 1 && this.chunkSizeBytes <= 0xffffffff, 'chunkSizeBytes must fit in 32 bits');
    assert(Math.ceil(this.blobSizeBytesMax / this.chunkSizeBytes) <= 0xffffffff, 'the chunk count of the largest blob fits in 32 bits');
    assert(Number.isSafeInteger(this.writeBatchBytes) && this.writeBatchBytes >= 1, 'writeBatchBytes must be >= 1');
  }

  /** Creates the directory (durably) when missing. */
  static async open(options: BlobStoreOptions): Promise<BlobStore> {
    const created = await mkdir(options.directory, { recursive: true });
    if (created !== undefined) await syncCreatedDirectories(created, options.directory);
    return new BlobStore(options);
  }

  /** Path of a blob's final file. */
  pathOf(blobId: string): string {
    assert(blobIdPattern.test(blobId), 'a blob id is 32 lowercase hex digits');
    return join(this.shardOf(blobId), blobId);
  }

  private shardOf(blobId: string): string {
    return join(this.directory, blobId.slice(0, 2), blobId.slice(2, 4));
  }

  /**
   * Streams `source` into a new blob and resolves once it is durable under its final name.
   * Throws EntityTooLarge, IncompleteBody, BodyTooLong, InvalidDigest, BadDigest, InvalidChecksum,
   * ChecksumMismatch, BlobWriteAborted, BlobHashWorkerFailed, or the source's own error; in every
   * failure the temp file is removed and nothing is visible under a final name.
   */
  async write(source: AsyncIterable<Uint8Array> | Readable, options: BlobWriteOptions): Promise<BlobWriteResult> {
    try {
      return await this.writeFrom(source, options);
    } catch (error) {
      // A source that was never (fully) read may hold an open file (a copy's source blob): release it.
      if (source instanceof Readable && !source.destroyed) source.destroy();
      throw error;
    }
  }

  private async writeFrom(source: AsyncIterable<Uint8Array> | Readable, options: BlobWriteOptions): Promise<BlobWriteResult> {
    const plan = this.planWrite(options);
    const blobId = options.blobId ?? this.newBlobId();
    const shard = this.shardOf(blobId);
    const created = await mkdir(shard, { recursive: true });
    if (created !== undefined) await syncCreatedDirectories(created, shard);
    const temporaryPath = join(shard, `${blobId}${blobTemporarySuffix}`);
    const hasher = this.createHasher(plan, options);
    let handle: FileHandle;
    try {
      handle = await open(temporaryPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    } catch (error) {
      hasher.abort();
      throw error;
    }
    let closed = false;
    const writer = new BatchedWriter(handle, this.writeBatchBytes);
    try {
      const sizeBytes = await consumeBody(source, plan, options, (chunk) => Promise.all([hasher.update(chunk), writer.add(chunk)]));
      const hashes = await hasher.finish();
      const trailer = this.verifyAndSeal(hashes, sizeBytes, plan, options);
      await writer.add(hashes.chunkHashes);
      await writer.add(trailer.bytes);
      await writer.flush();
      await writer.settleEarlySync();
      throwIfAborted(options.signal);
      await handle.datasync();
      closed = true;
      await handle.close();
      await rename(temporaryPath, join(shard, blobId));
      await this.directorySyncs.sync(shard);
      return writeResultOf(blobId, sizeBytes, trailer, hashes, plan.algorithms);
    } catch (error) {
      hasher.abort();
      await writer.settle();
      if (!closed) await handle.close().catch(() => {});
      await rm(temporaryPath, { force: true }).catch(() => {});
      throw error;
    }
  }

  /**
   * Reads a small body into memory and hashes and verifies it exactly as `write` does, but stores
   * nothing: the caller carries the bytes in its Raft entry (the entry's group-committed fsync makes
   * them durable on every replica), and each replica's apply stores them with
   * {@link storeApplied}. Throws what `write` throws; a body above `sizeBytesMax` is
   * EntityTooLarge before it is buffered.
   */
  async readSmall(source: AsyncIterable<Uint8Array> | Readable, options: BlobWriteOptions): Promise<{ result: BlobWriteResult; bytes: Uint8Array }> {
    try {
      const plan = this.planWrite(options);
      const hasher = this.createHasher(plan, options);
      try {
        const chunks: Uint8Array[] = [];
        const sizeBytes = await consumeBody(source, plan, options, (chunk) => {
          chunks.push(chunk);
          return hasher.update(chunk);
        });
        const hashes = await hasher.finish();
        const trailer = this.verifyAndSeal(hashes, sizeBytes, plan, options);
        const blobId = options.blobId ?? this.newBlobId();
        return { result: writeResultOf(blobId, sizeBytes, trailer, hashes, plan.algorithms), bytes: Buffer.concat(chunks, sizeBytes) };
      } catch (error) {
        hasher.abort();
        throw error;
      }
    } catch (error) {
      if (source instanceof Readable && !source.destroyed) source.destroy();
      throw error;
    }
  }

  /**
   * Stores an applied Raft entry's object bytes as the blob `ref` (see {@link readSmall}): checked
   * against `ref.blake3` now (bytes that do not hash to it, with this store's chunk size, are
   * refused with BlobCorruption and not stored), written in the background (in place, no fsync),
   * because apply runs on the event loop and creating a file can wait on the file system's
   * journal for milliseconds. Until the write is done, every read, stat and delete of this blob id
   * waits for it; {@link syncApplied} waits for it and then makes it durable, before a snapshot lets
   * the log (which still holds the bytes, and is re-applied after a crash) drop them. The returned
   * promise rejects when the write fails; the replica must then restart and re-apply.
   */
  storeApplied(ref: { readonly blobId: string; readonly sizeBytes: number; readonly blake3: string }, bytes: Uint8Array): Promise<void> {
    assert(bytes.byteLength === ref.sizeBytes, 'applied bytes are the blob\'s size');
    assert(blobIdPattern.test(ref.blobId), 'a blob id is 32 lowercase hex digits');
    const chunkHashes = new Uint8Array(Math.ceil(bytes.byteLength / this.chunkSizeBytes) * blake3DigestSizeBytes);
    for (let index = 0; index * this.chunkSizeBytes < bytes.byteLength; index++) {
      chunkHashes.set(blake3Of(bytes.subarray(index * this.chunkSizeBytes, (index + 1) * this.chunkSizeBytes)), index * blake3DigestSizeBytes);
    }
    const trailer = encodeTrailer({ chunkSizeBytes: this.chunkSizeBytes, dataSizeBytes: bytes.byteLength, chunkHashes });
    if (digestToHex(trailer.root) !== ref.blake3) throw new BlobCorruptionError(ref.blobId, 'expected-blake3-mismatch');
    // A buffer of its own (Buffer.concat would cut an image under 32 KiB from a shared 64 KiB pool
    // slab, which the cache would then keep alive whole while counting only the image: review).
    const file = Buffer.allocUnsafeSlow(bytes.byteLength + chunkHashes.byteLength + trailer.bytes.byteLength);
    file.set(bytes, 0);
    file.set(chunkHashes, bytes.byteLength);
    file.set(trailer.bytes, bytes.byteLength + chunkHashes.byteLength);
    // Never modified from here on: the cache and the background write share it.
    this.smallBlobs.set(ref.blobId, file);
    const previous = this.appliedWrites.get(ref.blobId) ?? Promise.resolve();
    const write = previous
      .catch(() => {})
      .then(() => this.writeAppliedFile(ref.blobId, file))
      .catch((error: unknown) => {
        this.appliedWriteFailure ??= error;
        throw error;
      })
      .finally(() => {
        if (this.appliedWrites.get(ref.blobId) === write) this.appliedWrites.delete(ref.blobId);
      });
    write.catch(() => {}); // reported through the returned promise and syncApplied
    this.appliedWrites.set(ref.blobId, write);
    return write;
  }

  /**
   * Writes the file in place under its final name, with no temp file and rename: no reader can see
   * it half written. Reads of this id in this process wait for the write; after a crash the entry is
   * re-applied (the file is unsynced only while the log still holds it) before any metadata refers
   * to it, and the rewrite truncates whatever the crash left.
   */
  private async writeAppliedFile(blobId: string, file: Uint8Array): Promise<void> {
    const shard = this.shardOf(blobId);
    const path = join(shard, blobId);
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC;
    try {
      await writeFileWhole(path, file, flags, 0o644);
    } catch (error) {
      if (!isErrorCode(error, 'ENOENT')) throw error;
      const created = await mkdir(shard, { recursive: true });
      if (created !== undefined) for (let directory = shard; directory !== dirname(created); directory = dirname(directory)) this.unsyncedDirectories.add(dirname(directory));
      await writeFileWhole(path, file, flags, 0o644);
    }
    this.unsyncedFiles.add(path);
    this.unsyncedDirectories.add(shard);
  }

  /** Waits until a background write of `blobId` (storeApplied) is done; its failure is not this caller's. */
  private async appliedWriteOf(blobId: string): Promise<void> {
    const write = this.appliedWrites.get(blobId);
    if (write !== undefined) await write.catch(() => {});
  }

  /** Files stored by {@link storeApplied} and not yet synced, written or still being written. */
  get unsyncedAppliedCount(): number {
    return this.unsyncedFiles.size + this.appliedWrites.size;
  }

  /**
   * Makes every blob stored by {@link storeApplied} so far durable, with their directory entries,
   * after waiting for the writes in progress. One `syncfs(2)` of the blob tree's file system
   * (coreutils `sync --file-system`; Node has no binding) costs one writeback for thousands of
   * small files where fsyncing each costs a journal commit per file; where that command is missing,
   * each file and directory is fsynced. Rejects when a background write failed (since the last
   * restart: the bytes are then only in the log, which must not be compacted) or the sync failed.
   */
  async syncApplied(): Promise<void> {
    await Promise.all([...this.appliedWrites.values()].map((write) => write.catch(() => {})));
    if (this.appliedWriteFailure !== undefined) throw this.appliedWriteFailure;
    if (this.unsyncedFiles.size === 0 && this.unsyncedDirectories.size === 0) return;
    const files = [...this.unsyncedFiles];
    const directories = [...this.unsyncedDirectories];
    this.unsyncedFiles.clear();
    this.unsyncedDirectories.clear();
    try {
      if (!(await syncFileSystemOf(this.directory))) await syncEach(files, directories);
    } catch (error) {
      for (const file of files) this.unsyncedFiles.add(file);
      for (const directory of directories) this.unsyncedDirectories.add(directory);
      throw error;
    }
  }

  /**
   * A fresh blob id. The first two bytes (the shard directories) stay the same for
   * {@link blobIdsPerShardVisit} ids in a row, so that a burst of small writes creates one shard
   * directory instead of one each (there are 65,536); the other 112 bits are random.
   */
  private newBlobId(): string {
    if (this.shardVisitRemaining === 0) {
      this.shardPrefix = randomHex(2);
      this.shardVisitRemaining = blobIdsPerShardVisit;
    }
    this.shardVisitRemaining--;
    return this.shardPrefix + randomHex(14);
  }

  /** Limits and digests of a write, checked before any byte is read. */
  private planWrite(options: BlobWriteOptions): WritePlan {
    assert(Number.isSafeInteger(options.sizeBytesMax) && options.sizeBytesMax >= 0, 'sizeBytesMax must be a non-negative integer');
    const sizeBytesMax = Math.min(options.sizeBytesMax, this.blobSizeBytesMax);
    if (options.expectedSizeBytes !== undefined) {
      assert(Number.isSafeInteger(options.expectedSizeBytes) && options.expectedSizeBytes >= 0, 'expectedSizeBytes must be a non-negative integer');
      if (options.expectedSizeBytes > sizeBytesMax) throw new EntityTooLargeError(sizeBytesMax);
    }
    const contentMd5 = options.contentMd5 === undefined ? null : parseContentMd5(options.contentMd5);
    const headerChecksums = typeof options.expectedChecksums === 'object' ? parseChecksums(options.expectedChecksums) : [];
    const algorithms = [...new Set([...options.checksumAlgorithms, ...headerChecksums.map(([algorithm]) => algorithm)])];
    throwIfAborted(options.signal);
    assert(options.blobId === undefined || blobIdPattern.test(options.blobId), 'a caller-chosen blob id is 32 lowercase hex digits');
    const hashedAlgorithms: readonly ChecksumAlgorithm[] = options.payloadSha256 === undefined || algorithms.includes('SHA256') ? algorithms : [...algorithms, 'SHA256'];
    return { sizeBytesMax, contentMd5, headerChecksums, algorithms, hashedAlgorithms };
  }

  private createHasher(plan: WritePlan, options: BlobWriteOptions): BlobHasher {
    return this.hasherFactory.createHasher({
      algorithms: plan.hashedAlgorithms,
      chunkSizeBytes: this.chunkSizeBytes,
      ...(options.expectedSizeBytes === undefined ? {} : { sizeBytesHint: options.expectedSizeBytes }),
    });
  }

  /** Checks Content-MD5 and the expected checksums against the body's digests; the blob's trailer. */
  private verifyAndSeal(hashes: BlobHashResult, sizeBytes: number, plan: WritePlan, options: BlobWriteOptions): { bytes: Uint8Array; root: Uint8Array } {
    assert(hashes.sizeBytes === sizeBytes, 'the hasher saw every byte');
    // First, as when the body itself checked it at its end: a payload that is not the signed one is
    // refused as such whatever else is wrong with it.
    if (options.payloadSha256 !== undefined) options.payloadSha256.verify(digestToHex(hashes.checksums.SHA256!));
    if (plan.contentMd5 !== null && !digestsEqual(plan.contentMd5, hashes.md5)) throw new BadDigestError(digestToBase64(plan.contentMd5), digestToBase64(hashes.md5));
    const expected = typeof options.expectedChecksums === 'function' ? parseChecksums(options.expectedChecksums()) : plan.headerChecksums;
    for (const [algorithm, digest] of expected) {
      const actual = hashes.checksums[algorithm];
      assert(actual !== undefined, `${algorithm} was computed (trailing checksums must be announced in checksumAlgorithms)`);
      if (!digestsEqual(digest, actual)) throw new ChecksumMismatchError(algorithm, digestToBase64(digest), digestToBase64(actual));
    }
    return encodeTrailer({ chunkSizeBytes: this.chunkSizeBytes, dataSizeBytes: sizeBytes, chunkHashes: hashes.chunkHashes });
  }

  /**
   * The blob's bytes (or `range` of them) as a byte stream. Rejects with BlobNotFound,
   * InvalidRange, or BlobCorruption (trailer, table or root wrong: checked before the stream is
   * returned); the stream itself fails with BlobCorruption before delivering any byte of a chunk
   * that does not match. The caller must consume or destroy the stream (it holds a file handle).
   */
  async read(blobId: string, options: BlobReadOptions): Promise<Readable> {
    const blob = await this.openVerified(blobId, options.expectedBlake3);
    const range = options.range ?? { start: 0, endInclusive: blob.dataSizeBytes - 1 };
    if (!rangeFits(range, blob.dataSizeBytes)) {
      await blob.close();
      throw new BlobRangeNotSatisfiableError(range.start, range.endInclusive, blob.dataSizeBytes);
    }
    const source = this.readAheadOf(blob, range);
    const stream = Readable.from(bytesOf(source), { objectMode: false });
    // A stream destroyed before its first read never runs the generator's finally.
    stream.once('close', () => void source.close());
    return stream;
  }

  /**
   * A small blob whole, in one buffer, verified like `read` (trailer, table, root, every chunk)
   * before it is returned: one open, one read and one close instead of a stream and its reads.
   * `sizeBytes` is the size metadata records; a file of another layout is BlobCorruption
   * ('size-mismatch'), as is a blob of another size. At most {@link wholeReadSizeBytesMax}.
   */
  async readWhole(blobId: string, options: { readonly expectedBlake3: string; readonly sizeBytes: number }): Promise<Buffer> {
    assert(Number.isSafeInteger(options.sizeBytes) && options.sizeBytes >= 0 && options.sizeBytes <= wholeReadSizeBytesMax, `readWhole reads at most ${wholeReadSizeBytesMax} bytes`);
    const tableSizeBytes = Math.ceil(options.sizeBytes / this.chunkSizeBytes) * blake3DigestSizeBytes;
    const fileSizeBytes = options.sizeBytes + tableSizeBytes + trailerSizeBytes;
    // A cached image is verified below exactly as one read from disk; it needs no wait for a
    // background write either (its bytes are the ones being written).
    const cached = this.smallBlobs.get(blobId);
    if (cached !== undefined) {
      try {
        return verifiedWholeData(blobId, Buffer.from(cached.buffer, cached.byteOffset, cached.byteLength), fileSizeBytes, options.expectedBlake3);
      } catch (error) {
        // An image that disagrees with itself was damaged in memory: drop it and read the file rather
        // than fail every later GET. One that disagrees with the caller's metadata would on disk too.
        if (!(error instanceof BlobCorruptionError) || error.reason === 'expected-blake3-mismatch' || error.reason === 'size-mismatch') throw error;
        this.smallBlobs.delete(blobId);
      }
    }
    const deletesBefore = this.deleteCount;
    await this.appliedWriteOf(blobId);
    const file = Buffer.allocUnsafe(fileSizeBytes + 1); // one byte more: a longer file shows
    let filled: number;
    try {
      filled = await readFileInto(this.pathOf(blobId), file, constants.O_RDONLY);
    } catch (error) {
      if (isErrorCode(error, 'ENOENT')) throw new BlobNotFoundError(blobId);
      throw error;
    }
    const data = verifiedWholeData(blobId, file.subarray(0, filled), fileSizeBytes, options.expectedBlake3);
    // Kept only once verified, as a copy of its own size (the read buffer has a spare byte), and only
    // if no blob was deleted meanwhile: a read that started before this blob's delete() would put
    // back the image delete() just dropped.
    if (fileSizeBytes <= this.smallBlobs.imageBytesMax && this.deleteCount === deletesBefore) this.smallBlobs.set(blobId, new Uint8Array(file.subarray(0, fileSizeBytes)));
    return data;
  }

  /**
   * The bytes of several blobs back to back (a multipart object), each verified like `read`, with
   * an optional range over the concatenation. The first part touched is opened (and its trailer
   * verified) before the stream is returned; later parts when reached, so a later part's failure
   * ends the stream with its error.
   */
  async concatRead(parts: readonly BlobPart[], options: { range?: BlobRange } = {}): Promise<Readable> {
    const source = await this.openChunks(parts, options);
    const stream = Readable.from(bytesOf(source), { objectMode: false });
    stream.once('close', () => void source.close());
    return stream;
  }

  /**
   * Like `concatRead`, as verified chunks pulled one by one, whose buffers the consumer gives back
   * (`release`) once it is done with them, e.g. in a socket write's callback: the GET path, which
   * then allocates no buffer per chunk. Rejects like `concatRead`; `next` rejects with a later
   * part's error, or BlobCorruption before any byte of a chunk that does not match. The caller must
   * `close` the source (it holds a file handle and chunk buffers).
   */
  async openChunks(parts: readonly BlobPart[], options: { range?: BlobRange } = {}): Promise<VerifiedChunkSource> {
    const totalSizeBytes = parts.reduce((sum, part) => sum + part.sizeBytes, 0);
    const range = options.range ?? { start: 0, endInclusive: totalSizeBytes - 1 };
    if (!rangeFits(range, totalSizeBytes)) throw new BlobRangeNotSatisfiableError(range.start, range.endInclusive, totalSizeBytes);
    const pieces: { part: BlobPart; range: BlobRange }[] = [];
    let partStart = 0;
    for (const part of parts) {
      const partEnd = partStart + part.sizeBytes - 1;
      if (part.sizeBytes > 0 && partEnd >= range.start && partStart <= range.endInclusive) {
        pieces.push({ part, range: { start: Math.max(range.start, partStart) - partStart, endInclusive: Math.min(range.endInclusive, partEnd) - partStart } });
      }
      partStart += part.sizeBytes;
    }
    const first = pieces.length === 0 ? null : await this.openPart(pieces[0]!.part);
    return new ConcatenatedChunks({ pieces, first, openPart: (part) => this.openPart(part), readAheadOf: (blob, pieceRange) => this.readAheadOf(blob, pieceRange) });
  }

  /** A read-ahead over `range` (non-empty, inside the blob) of an opened blob; its `close` closes the blob. */
  private readAheadOf(blob: OpenedBlob, range: BlobRange): VerifiedChunkSource {
    if (range.endInclusive < range.start) return { next: () => Promise.resolve(null), close: () => blob.close() }; // an empty blob read whole
    const readAhead = new BlobReadAhead({
      fd: blob.handle.fd,
      blobId: blob.blobId,
      dataSizeBytes: blob.dataSizeBytes,
      chunkSizeBytes: blob.chunkSizeBytes,
      chunkHashes: blob.chunkHashes,
      start: range.start,
      endInclusive: range.endInclusive,
      reader: this.chunkReader,
      pool: this.chunkBuffers,
      readAheadChunkCount: this.readAheadChunkCount,
    });
    let closing: Promise<void> | null = null;
    return {
      next: () => readAhead.next(),
      // The handle closes only after every read in flight has settled: a worker reads by descriptor,
      // and a descriptor closed early could be reused by another open file meanwhile.
      close: () => (closing ??= readAhead.close().finally(() => blob.close())),
    };
  }

  private async openPart(part: BlobPart): Promise<OpenedBlob> {
    const blob = await this.openVerified(part.blobId, part.expectedBlake3);
    if (blob.dataSizeBytes !== part.sizeBytes) {
      await blob.close();
      throw new BlobCorruptionError(part.blobId, 'size-mismatch');
    }
    return blob;
  }

  /** Removes a blob; resolves false when it did not exist. Not fsynced: a resurrected blob is an orphan for GC. */
  async delete(blobId: string): Promise<boolean> {
    const path = this.pathOf(blobId);
    this.deleteCount++;
    this.smallBlobs.delete(blobId);
    await this.appliedWriteOf(blobId); // else the write would bring it back
    try {
      await unlinkFile(path); // not rm: that is an lstat and rimraf's machinery for one file
      return true;
    } catch (error) {
      if (isErrorCode(error, 'ENOENT')) return false;
      throw error;
    }
  }

  /** True when a complete blob file with this id exists (its content is not verified). */
  async exists(blobId: string): Promise<boolean> {
    await this.appliedWriteOf(blobId);
    try {
      return (await stat(this.pathOf(blobId))).isFile();
    } catch (error) {
      if (isErrorCode(error, 'ENOENT')) return false;
      throw error;
    }
  }

  /** The blob's data size from its trailer (structure checked, digests not). BlobNotFound, BlobCorruption. */
  async statSizeBytes(blobId: string): Promise<number> {
    const handle = await this.openFile(blobId);
    try {
      return (await readTrailer(handle, blobId)).dataSizeBytes;
    } finally {
      await handle.close();
    }
  }

  private async openFile(blobId: string): Promise<FileHandle> {
    await this.appliedWriteOf(blobId);
    try {
      return await open(this.pathOf(blobId), constants.O_RDONLY);
    } catch (error) {
      if (isErrorCode(error, 'ENOENT')) throw new BlobNotFoundError(blobId);
      throw error;
    }
  }

  /** Opens a blob and checks trailer, table and root against `expectedBlake3`. */
  private async openVerified(blobId: string, expectedBlake3: string): Promise<OpenedBlob> {
    assert(/^[0-9a-f]{64}$/.test(expectedBlake3), 'expectedBlake3 is 64 lowercase hex digits');
    const handle = await this.openFile(blobId);
    try {
      const trailer = await readTrailer(handle, blobId);
      const tableSizeBytes = trailer.chunkCount * blake3DigestSizeBytes;
      const chunkHashes = new Uint8Array(tableSizeBytes);
      await readExactly(handle, chunkHashes, trailer.dataSizeBytes, blobId);
      const root = blake3OfParts([trailer.bytes.subarray(0, 32), chunkHashes]);
      if (!digestsEqual(root, trailer.root)) throw new BlobCorruptionError(blobId, 'root-mismatch');
      if (digestToHex(root) !== expectedBlake3) throw new BlobCorruptionError(blobId, 'expected-blake3-mismatch');
      let closing: Promise<void> | null = null;
      const close = () => (closing ??= handle.close().catch(() => {}));
      return { handle, close, blobId, dataSizeBytes: trailer.dataSizeBytes, chunkSizeBytes: trailer.chunkSizeBytes, chunkHashes };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

function isBlobChunkReader(value: object): value is BlobChunkReader {
  return typeof (value as Partial<BlobChunkReader>).readChunk === 'function';
}

function rangeFits(range: BlobRange, sizeBytes: number): boolean {
  if (sizeBytes === 0) return range.start === 0 && range.endInclusive === -1;
  return Number.isSafeInteger(range.start) && Number.isSafeInteger(range.endInclusive) && range.start >= 0 && range.start <= range.endInclusive && range.endInclusive < sizeBytes;
}

/**
 * The bytes of a chunk source for a Readable: the chunks are not released (the stream's consumer
 * may keep them), so their buffers are left to the GC. Closes the source when done, failed or
 * abandoned.
 */
async function* bytesOf(source: VerifiedChunkSource): AsyncGenerator<Uint8Array> {
  try {
    for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) yield chunk.bytes;
  } finally {
    await source.close();
  }
}

/** The pieces of `openChunks`, in order: each part opened when reached, closed when done. */
class ConcatenatedChunks implements VerifiedChunkSource {
  private index = 0;
  private current: VerifiedChunkSource | null = null;
  private closed = false;

  constructor(
    private readonly options: {
      readonly pieces: readonly { readonly part: BlobPart; readonly range: BlobRange }[];
      /** The first piece's blob, opened by `openChunks` (null when there are no pieces). */
      readonly first: OpenedBlob | null;
      readonly openPart: (part: BlobPart) => Promise<OpenedBlob>;
      readonly readAheadOf: (blob: OpenedBlob, range: BlobRange) => VerifiedChunkSource;
    },
  ) {
    if (options.first !== null) this.current = options.readAheadOf(options.first, options.pieces[0]!.range);
  }

  async next(): Promise<VerifiedChunk | null> {
    assert(!this.closed, 'a chunk source read after close');
    for (;;) {
      if (this.current === null) return null;
      const chunk = await this.current.next();
      if (this.closed) {
        chunk?.release(); // closed while the chunk was read
        return null;
      }
      if (chunk !== null) return chunk;
      await this.current.close();
      this.current = null;
      this.index++;
      if (this.index === this.options.pieces.length) return null;
      const piece = this.options.pieces[this.index]!;
      const blob = await this.options.openPart(piece.part);
      if (this.closed) {
        await blob.close(); // closed while the part was opening
        return null;
      }
      this.current = this.options.readAheadOf(blob, piece.range);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const current = this.current;
    this.current = null;
    await current?.close();
  }
}

/** Fills `buffer` from `position`; a short read means the file is shorter than its trailer says. */
async function readExactly(handle: FileHandle, buffer: Uint8Array, position: number, blobId: string): Promise<void> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) throw new BlobCorruptionError(blobId, 'short-read');
    filled += bytesRead;
  }
}

interface Trailer {
  readonly bytes: Uint8Array;
  readonly chunkSizeBytes: number;
  readonly dataSizeBytes: number;
  readonly chunkCount: number;
  readonly root: Uint8Array;
}

function encodeTrailer(options: { chunkSizeBytes: number; dataSizeBytes: number; chunkHashes: Uint8Array }): { bytes: Uint8Array; root: Uint8Array } {
  const chunkCount = options.chunkHashes.length / blake3DigestSizeBytes;
  assert(chunkCount === Math.ceil(options.dataSizeBytes / options.chunkSizeBytes), 'one table entry per chunk');
  const bytes = new Uint8Array(trailerSizeBytes);
  const view = new DataView(bytes.buffer);
  bytes.set(Buffer.from(trailerMagic, 'latin1'), 0);
  view.setUint32(8, formatVersion);
  view.setUint32(12, options.chunkSizeBytes);
  view.setBigUint64(16, BigInt(options.dataSizeBytes));
  view.setUint32(24, chunkCount);
  view.setUint32(28, 0);
  const root = blake3OfParts([bytes.subarray(0, 32), options.chunkHashes]);
  bytes.set(root, 32);
  return { bytes, root };
}

/** Reads and structurally validates the trailer (magic, version, sizes agree with the file size). */
async function readTrailer(handle: FileHandle, blobId: string): Promise<Trailer> {
  const fileSizeBytes = (await handle.stat()).size;
  if (fileSizeBytes < trailerSizeBytes) throw new BlobCorruptionError(blobId, 'trailer-invalid');
  const bytes = new Uint8Array(trailerSizeBytes);
  await readExactly(handle, bytes, fileSizeBytes - trailerSizeBytes, blobId);
  return parseTrailer(bytes, fileSizeBytes, blobId);
}

/**
 * The data of a whole blob file image (read from disk or cached), once verified as `read` verifies
 * a blob: the image is `fileSizeBytes` long (the layout of the size metadata records), its trailer
 * is valid, the chunk table hashes to the trailer's root, which is `expectedBlake3`, and every
 * chunk hashes to its table entry. Throws BlobCorruption ('size-mismatch', 'trailer-invalid',
 * 'root-mismatch', 'expected-blake3-mismatch', 'chunk-mismatch').
 */
function verifiedWholeData(blobId: string, file: Buffer, fileSizeBytes: number, expectedBlake3: string): Buffer {
  if (file.byteLength !== fileSizeBytes) throw new BlobCorruptionError(blobId, 'size-mismatch');
  const trailer = parseTrailer(file.subarray(fileSizeBytes - trailerSizeBytes, fileSizeBytes), fileSizeBytes, blobId);
  const chunkHashes = file.subarray(trailer.dataSizeBytes, trailer.dataSizeBytes + trailer.chunkCount * blake3DigestSizeBytes);
  const root = blake3OfParts([trailer.bytes.subarray(0, 32), chunkHashes]);
  if (!digestsEqual(root, trailer.root)) throw new BlobCorruptionError(blobId, 'root-mismatch');
  if (digestToHex(root) !== expectedBlake3) throw new BlobCorruptionError(blobId, 'expected-blake3-mismatch');
  for (let index = 0; index < trailer.chunkCount; index++) {
    const chunk = file.subarray(index * trailer.chunkSizeBytes, Math.min((index + 1) * trailer.chunkSizeBytes, trailer.dataSizeBytes));
    if (!digestsEqual(blake3Of(chunk), chunkHashes.subarray(index * blake3DigestSizeBytes, (index + 1) * blake3DigestSizeBytes))) throw new BlobCorruptionError(blobId, 'chunk-mismatch', index);
  }
  return file.subarray(0, trailer.dataSizeBytes);
}

/** Validates a trailer's structure against the size of the file it ends. */
function parseTrailer(bytes: Uint8Array, fileSizeBytes: number, blobId: string): Trailer {
  const headerUntrusted = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicOk = Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString('latin1') === trailerMagic;
  const chunkSizeBytes = headerUntrusted.getUint32(12);
  const dataSizeBytes = Number(headerUntrusted.getBigUint64(16));
  const chunkCount = headerUntrusted.getUint32(24);
  const valid =
    magicOk &&
    headerUntrusted.getUint32(8) === formatVersion &&
    headerUntrusted.getUint32(28) === 0 &&
    chunkSizeBytes > 0 &&
    Number.isSafeInteger(dataSizeBytes) &&
    chunkCount === Math.ceil(dataSizeBytes / chunkSizeBytes);
  if (!valid) throw new BlobCorruptionError(blobId, 'trailer-invalid');
  if (fileSizeBytes !== dataSizeBytes + chunkCount * blake3DigestSizeBytes + trailerSizeBytes) throw new BlobCorruptionError(blobId, 'size-mismatch');
  return { bytes, chunkSizeBytes, dataSizeBytes, chunkCount, root: bytes.slice(32, 64) };
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Gathers chunks (by reference) up to `batchBytes` and writes them with one writev, one batch at a
 * time in the background: the next batch gathers while the last one is written, so reading the
 * body, hashing it and writing it overlap instead of taking turns (`add` waits only when a second
 * batch is full before the first is written, which bounds a writer's memory to two batches). Every
 * {@link earlySyncBytes} written it starts a datasync in the background (one at a time), so that
 * writeback overlaps the rest of the body and the blob's final datasync flushes only the tail:
 * that final one is on every large PUT's critical path (~70 ms for 64 MiB on this disk).
 */
export class BatchedWriter {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private positionBytes = 0;
  private syncedUpToBytes = 0;
  /** The batch being written. */
  private writing: Promise<void> | null = null;
  /** The first failed write: every later add or flush rethrows it (no write follows a hole). */
  private writeFailure: unknown = undefined;
  private earlySync: Promise<void> | null = null;
  private earlySyncFailure: unknown = undefined;

  constructor(
    private readonly handle: Pick<FileHandle, 'writev' | 'datasync'>,
    private readonly batchBytes: number,
  ) {}

  /** Waits for the background datasync, if any; rethrows its failure. */
  async settleEarlySync(): Promise<void> {
    if (this.earlySync !== null) await this.earlySync;
    if (this.earlySyncFailure !== undefined) throw this.earlySyncFailure;
  }

  /** Waits for the write in flight, ignoring failures (the caller is giving the file up). */
  async settle(): Promise<void> {
    await this.writing;
  }

  private maybeStartEarlySync(): void {
    if (this.earlySync !== null || this.positionBytes - this.syncedUpToBytes < earlySyncBytes) return;
    const upTo = this.positionBytes;
    this.earlySync = this.handle.datasync().then(
      () => {
        this.syncedUpToBytes = upTo;
        this.earlySync = null;
      },
      (error: unknown) => {
        this.earlySyncFailure ??= error;
        this.earlySync = null;
      },
    );
  }

  async add(chunk: Uint8Array): Promise<void> {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.batchBytes) return;
    await this.writtenSoFar();
    this.startWrite();
  }

  /** Writes everything added; resolves once it is all written. */
  async flush(): Promise<void> {
    await this.writtenSoFar();
    if (this.pendingBytes > 0) {
      this.startWrite();
      await this.writtenSoFar();
    }
  }

  /** Waits for the write in flight; throws the first write failure, also one nobody awaited. */
  private async writtenSoFar(): Promise<void> {
    await this.writing;
    if (this.writeFailure !== undefined) throw this.writeFailure;
  }

  private startWrite(): void {
    const chunks = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    const writing = this.writeAll(chunks).then(
      () => {
        if (this.writing === writing) this.writing = null;
      },
      (error: unknown) => {
        this.writeFailure ??= error;
        if (this.writing === writing) this.writing = null;
      },
    );
    this.writing = writing;
  }

  private async writeAll(batch: readonly Uint8Array[]): Promise<void> {
    let chunks = batch;
    while (chunks.length > 0) {
      const { bytesWritten } = await this.handle.writev(chunks as Uint8Array[], this.positionBytes);
      this.positionBytes += bytesWritten;
      chunks = dropWritten(chunks, bytesWritten);
    }
    this.maybeStartEarlySync();
  }
}

function dropWritten(chunks: readonly Uint8Array[], bytesWritten: number): Uint8Array[] {
  const result: Uint8Array[] = [];
  let skip = bytesWritten;
  for (const chunk of chunks) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    result.push(skip > 0 ? chunk.subarray(skip) : chunk);
    skip = 0;
  }
  return result;
}

/**
 * Iterates `source`, failing with BlobWriteAborted as soon as `signal` aborts, also while a
 * `next()` is pending (a stalled client).
 */
async function* abortable(source: AsyncIterable<Uint8Array> | Readable, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  if (signal === undefined) {
    yield* source;
    return;
  }
  const iterator = source[Symbol.asyncIterator]();
  // A pending next() cannot be cancelled through the iterator (return() queues behind it), so a
  // stream source is destroyed directly; a generator is left to its own end.
  const stopSource = () => {
    if (source instanceof Readable) source.destroy();
  };
  try {
    for (;;) {
      const next = await nextUnlessAborted(iterator, signal, () => new BlobWriteAbortedError({ cause: signal.reason }), stopSource);
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    // Stop the source (a Readable is destroyed) without waiting for a stalled one; its own error on
    // return is not ours to report.
    void Promise.resolve(iterator.return?.()).catch(() => {});
  }
}

interface WritePlan {
  readonly sizeBytesMax: number;
  readonly contentMd5: Uint8Array | null;
  readonly headerChecksums: readonly [ChecksumAlgorithm, Uint8Array][];
  /** The flexible checksums returned with the result. */
  readonly algorithms: readonly ChecksumAlgorithm[];
  /** Those, plus SHA-256 when only the signed payload digest needs it. */
  readonly hashedAlgorithms: readonly ChecksumAlgorithm[];
}

/**
 * Feeds the body to `accept` chunk by chunk, enforcing the size limits as bytes arrive (an
 * oversized or overlong body fails before it is all read); the body's size.
 */
async function consumeBody(
  source: AsyncIterable<Uint8Array> | Readable,
  plan: WritePlan,
  options: BlobWriteOptions,
  accept: (chunk: Uint8Array) => Promise<unknown>,
): Promise<number> {
  let sizeBytes = 0;
  for await (const chunk of abortable(source, options.signal)) {
    assert(chunk instanceof Uint8Array, 'a blob source yields bytes (Buffer or Uint8Array)');
    if (chunk.length === 0) continue;
    sizeBytes += chunk.length;
    if (sizeBytes > plan.sizeBytesMax) throw new EntityTooLargeError(plan.sizeBytesMax);
    if (options.expectedSizeBytes !== undefined && sizeBytes > options.expectedSizeBytes) throw new BodyTooLongError(options.expectedSizeBytes);
    await accept(chunk);
  }
  if (options.expectedSizeBytes !== undefined && sizeBytes < options.expectedSizeBytes) throw new IncompleteBodyError(options.expectedSizeBytes, sizeBytes);
  return sizeBytes;
}

function writeResultOf(
  blobId: string,
  sizeBytes: number,
  trailer: { root: Uint8Array },
  hashes: BlobHashResult,
  algorithms: readonly ChecksumAlgorithm[],
): BlobWriteResult {
  const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
  for (const algorithm of algorithms) checksums[algorithm] = digestToBase64(hashes.checksums[algorithm]!);
  return { blobId, sizeBytes, blake3: digestToHex(trailer.root), md5: digestToHex(hashes.md5), checksums };
}

/** `syncfs(2)` of the file system holding `path`, through coreutils; false when unavailable there. */
async function syncFileSystemOf(path: string): Promise<boolean> {
  if (process.platform !== 'linux') return false;
  try {
    await execFileAsync('sync', ['--file-system', path], { timeout: 600_000 });
    return true;
  } catch (error) {
    // Missing command: fall back. A sync that ran and failed (EIO) is not retried per file.
    if (isErrorCode(error, 'ENOENT')) return false;
    throw error;
  }
}

async function syncEach(files: readonly string[], directories: readonly string[]): Promise<void> {
  for (const file of files) {
    let handle: FileHandle;
    try {
      handle = await open(file, constants.O_RDONLY);
    } catch (error) {
      if (isErrorCode(error, 'ENOENT')) continue; // deleted since: nothing to keep
      throw error;
    }
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }
  for (const directory of directories) await nodeFileSystem.syncDirectory(directory);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new BlobWriteAbortedError({ cause: signal.reason });
}

function parseContentMd5(valueUntrusted: string): Uint8Array {
  const digest = digestFromBase64(valueUntrusted, md5DigestSizeBytes);
  if (digest === null) throw new InvalidDigestError(valueUntrusted);
  return digest;
}

function parseChecksums(values: Partial<Record<ChecksumAlgorithm, string>>): [ChecksumAlgorithm, Uint8Array][] {
  const result: [ChecksumAlgorithm, Uint8Array][] = [];
  for (const [algorithm, valueUntrusted] of Object.entries(values) as [ChecksumAlgorithm, string | undefined][]) {
    if (valueUntrusted === undefined) continue;
    const digest = digestFromBase64(valueUntrusted, checksumDigestSizeBytes[algorithm]);
    if (digest === null) throw new InvalidChecksumError(algorithm, valueUntrusted);
    result.push([algorithm, digest]);
  }
  return result;
}

/**
 * Makes directories created by `mkdir -p` durable: each created directory is an entry in its
 * parent, so every directory from the parent of `firstCreated` down to the parent of `deepest`
 * is fsynced (`deepest` itself gains entries later, synced by whoever adds them).
 */
async function syncCreatedDirectories(firstCreated: string, deepest: string): Promise<void> {
  const stop = dirname(firstCreated);
  for (let current = dirname(deepest); ; current = dirname(current)) {
    await nodeFileSystem.syncDirectory(current);
    if (current === stop || current === dirname(current)) return;
  }
}

function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
