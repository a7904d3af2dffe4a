/**
 * Reading one chunk of a blob file and checking it against its blake3 table entry, as one step, so
 * that the step can run off the event loop (the `BlobHashWorkerPool`'s threads) or on it
 * ({@link inlineBlobChunkReader}, for tools and tests).
 *
 * Why one step: a large GET spent most of the main thread's time on three per-byte costs, the
 * 1 MiB `FileHandle.read` (its promise machinery and the page-cache copy's page faults on a fresh
 * buffer), blake3 of the chunk (~0.3 ms per MiB), and the GC of a fresh 1 MiB buffer per chunk
 * (docs/benchmarks.md, "64 MiB GET"). A worker that both reads (`readSync`, no libuv pool hop) and
 * hashes leaves the main thread only the socket write, and the chunk buffers travel between the
 * threads by transfer, not by copy, so they can be reused.
 *
 * Ownership: the caller gives up `request.buffer` (a worker receives it by transfer, which detaches
 * it on the calling thread) and gets a buffer back in the result (the same memory); a caller must
 * use only the returned one.
 */
import { read } from 'node:fs';
import { blake3DigestSizeBytes, blake3Of, digestsEqual } from './blob-checksums.js';

/** One chunk to read from `fd` and verify. */
export interface BlobChunkReadRequest {
  /** An open, readable file descriptor; the caller keeps it open until the promise settles. */
  readonly fd: number;
  /** Where the chunk starts in the file. */
  readonly positionBytes: number;
  /** The chunk's size, at most `buffer.byteLength`. */
  readonly lengthBytes: number;
  /** Where to read to; given up by the caller (see the module comment). */
  readonly buffer: ArrayBuffer;
  /** The chunk's blake3 from the blob's (verified) chunk table, 32 bytes. */
  readonly expectedBlake3: Uint8Array;
}

/**
 * `ok`: `buffer[0, lengthBytes)` holds the chunk and it hashes to the expected digest. `mismatch`:
 * it does not (the bytes must not be delivered). `short-read`: the file ended first.
 */
export type BlobChunkReadOutcome = 'ok' | 'mismatch' | 'short-read';

export interface BlobChunkReadResult {
  readonly outcome: BlobChunkReadOutcome;
  /** The request's buffer, handed back; its bytes may be used only when `outcome` is `ok`. */
  readonly buffer: ArrayBuffer;
}

/** Reads and verifies chunks; rejects only on an I/O error (EIO, EBADF) or a lost worker. */
export interface BlobChunkReader {
  readChunk(request: BlobChunkReadRequest): Promise<BlobChunkReadResult>;
}

/** The verdict on a chunk read into `bytes` (`filledBytes` of the `expected` length). */
export function chunkReadOutcome(bytes: Uint8Array, filledBytes: number, expectedBlake3: Uint8Array): BlobChunkReadOutcome {
  if (filledBytes < bytes.byteLength) return 'short-read';
  return digestsEqual(blake3Of(bytes), expectedBlake3) ? 'ok' : 'mismatch';
}

/** Checks a request's sizes (programmer errors, not file content). */
export function assertChunkReadRequest(request: BlobChunkReadRequest): void {
  if (!(Number.isSafeInteger(request.lengthBytes) && request.lengthBytes > 0 && request.lengthBytes <= request.buffer.byteLength)) {
    throw new RangeError(`a chunk read of ${request.lengthBytes} bytes into ${request.buffer.byteLength}`);
  }
  if (request.expectedBlake3.byteLength !== blake3DigestSizeBytes) throw new RangeError('a blake3 digest is 32 bytes');
}

/** On the calling thread: `fs.read` through the libuv pool, then blake3 on the event loop. */
export const inlineBlobChunkReader: BlobChunkReader = {
  async readChunk(request) {
    assertChunkReadRequest(request);
    const bytes = new Uint8Array(request.buffer, 0, request.lengthBytes);
    let filledBytes = 0;
    while (filledBytes < bytes.byteLength) {
      const bytesRead = await readAt(request.fd, bytes.subarray(filledBytes), request.positionBytes + filledBytes);
      if (bytesRead === 0) break;
      filledBytes += bytesRead;
    }
    return { outcome: chunkReadOutcome(bytes, filledBytes, request.expectedBlake3), buffer: request.buffer };
  },
};

function readAt(fd: number, target: Uint8Array, positionBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, target, 0, target.byteLength, positionBytes, (error, bytesRead) => (error === null ? resolve(bytesRead) : reject(error)));
  });
}
