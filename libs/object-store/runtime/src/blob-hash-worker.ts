/**
 * A small pool of worker threads that hash blob bytes off the event loop, behind the
 * {@link BlobHasherFactory} interface (blob-checksums.ts).
 *
 * Why: MD5 (the ETag) runs at ~415 MiB/s per core here, so a 1 MiB chunk holds the event loop for
 * ~2.5 ms, and every PUT pays it for every byte. Measured with `npm run bench -- hashes` (100 MiB in
 * 1 MiB chunks, one chunk per macrotask, monitorEventLoopDelay at 1 ms resolution; idle loop p50
 * 1.1 ms): MD5 + CRC32 + blake3 table inline: loop delay p50 3.5 ms, 3.4 ms of main-thread CPU per
 * MiB; in one worker: p50 1.1 ms (the idle value), 0.3 ms per MiB (the copy and messaging), same
 * throughput (~280 MiB/s). With SHA-256 instead of CRC32: 4.0 ms vs 1.1 ms. So writes hash in the
 * pool. Reads of large blobs are read and verified here too, one chunk per message (`readChunk`,
 * blob-chunk-reader.ts): the chunk buffer is transferred, not copied, so the main thread keeps only
 * the socket write (a copy would cost as much as the blake3 it saves, 0.32 ms per MiB).
 *
 * How: each hasher lives in one worker for its whole life (hash state is not movable). `update`
 * copies the caller's chunk into a batch buffer of `batchSizeBytes` (one memcpy, so the caller may
 * reuse its chunk, and socket-sized chunks are batched into few messages); a full batch is
 * transferred (not copied) to the worker, which transfers it back after hashing for reuse. At most
 * `inflightBytesMaxPerHasher` bytes per hasher are in flight; beyond it `update` returns a promise
 * that resolves when the worker catches up (backpressure, bounded memory). A crashed worker fails
 * the hashers it held (their writes fail and their temp files are removed) and is replaced on the
 * next `createHasher`.
 *
 * Small bodies are hashed inline: for a blob announced at most `inlineSizeBytesMax` (default 8 KiB)
 * the messages to and from a worker cost more than the hashing. Measured (8 concurrent hashers,
 * MD5 + CRC32 + blake3, process CPU incl. workers / main-thread busy time per blob): 4 KiB inline
 * 37 / 36 µs, pooled 94 / 34 µs; 16 KiB inline 76 / 69 µs, pooled 161 / 38 µs; 64 KiB inline
 * 233 / 225 µs, pooled 358 / 61 µs. At 4 KiB the pool saves no event-loop time and costs 2.5× the
 * CPU; from 16 KiB on it frees the event loop.
 *
 * This file is also the worker's entry point: it runs the worker loop only when started by the pool
 * (`workerData.objectboxBlobHashWorker`).
 */
import { readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { assert } from '@objectbox/util';
import { BlobHashState, inlineBlobHasherFactory, type BlobHasher, type BlobHasherFactory, type BlobHashOptions, type BlobHashResult } from './blob-checksums.js';
import { assertChunkReadRequest, chunkReadOutcome, type BlobChunkReader, type BlobChunkReadOutcome, type BlobChunkReadRequest, type BlobChunkReadResult } from './blob-chunk-reader.js';
import { BlobHashWorkerError } from './blob-errors.js';

type ToWorker =
  | { type: 'open'; hasherId: number; options: BlobHashOptions }
  | { type: 'update'; hasherId: number; batch: Uint8Array; lengthBytes: number }
  | { type: 'finish'; hasherId: number }
  | { type: 'abort'; hasherId: number }
  | { type: 'read'; readId: number; fd: number; positionBytes: number; lengthBytes: number; buffer: ArrayBuffer; expectedBlake3: Uint8Array };

type FromWorker =
  | { type: 'consumed'; hasherId: number; batch: Uint8Array; lengthBytes: number }
  | { type: 'finished'; hasherId: number; result: BlobHashResult }
  | { type: 'failed'; hasherId: number; message: string }
  | { type: 'read'; readId: number; outcome: BlobChunkReadOutcome; buffer: ArrayBuffer }
  | { type: 'readFailed'; readId: number; message: string; errorCode: string | undefined };

/** Pool configuration; every limit is named (STYLE.md §4). */
export interface BlobHashWorkerPoolOptions {
  /**
   * Worker threads; default `max(2, availableParallelism() - 1)`. A hasher stays in one worker,
   * so with one worker every concurrent large PUT queued behind the same MD5: on 2 cores, 64 MiB
   * PUTs at concurrency 8 went from 126 to 265 MB/s with two (tools/bench s3, same session, noisy).
   */
  readonly workerCount?: number;
  /** Bytes copied per message to a worker; default 1 MiB. */
  readonly batchSizeBytes?: number;
  /** Bytes one hasher may have queued in its worker before `update` waits; default 4 MiB. */
  readonly inflightBytesMaxPerHasher?: number;
  /** Spare batch buffers kept for reuse across hashers; default 4 per worker. */
  readonly spareBatchCountMax?: number;
  /** Blobs announced at most this size are hashed on the calling thread; default 8 KiB. */
  readonly inlineSizeBytesMax?: number;
  /**
   * Chunk reads sent to one worker at once; default 2. The others wait on the calling thread, so a
   * PUT's hashing messages queue behind at most this many reads per worker instead of every GET's
   * read-ahead (a 4 MiB PUT's hash took 26 ms alone and 141 ms behind 24 queued reads).
   */
  readonly readsInflightMaxPerWorker?: number;
}

interface PendingHasher {
  inflightBytes: number;
  wakeUp: (() => void) | null;
  finished: { resolve: (result: BlobHashResult) => void; reject: (error: Error) => void } | null;
  failure: Error | null;
}

interface PendingRead {
  readonly resolve: (result: BlobChunkReadResult) => void;
  readonly reject: (error: Error) => void;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly hashers: Map<number, PendingHasher>;
  /** Chunk reads sent to this worker and not yet answered (GETs; see `readChunk`). */
  readonly reads: Map<number, PendingRead>;
  dead: boolean;
}

/**
 * Hashes blobs in worker threads, and reads and verifies blob chunks for GETs in the same threads
 * (`readChunk`, see blob-chunk-reader.ts). Create once per process and share; `close` terminates the
 * workers (hashers still open and reads in flight then fail). An idle worker is unref'd: an open
 * pool without open hashers or reads does not keep the process alive.
 */
export class BlobHashWorkerPool implements BlobHasherFactory, BlobChunkReader {
  readonly workerCount: number;
  readonly batchSizeBytes: number;
  readonly inflightBytesMaxPerHasher: number;
  readonly inlineSizeBytesMax: number;
  private readonly spareBatchCountMax: number;
  private readonly workers: (PoolWorker | null)[];
  private readonly spareBatches: Uint8Array[] = [];
  private readonly readsInflightMax: number;
  private readsInflight = 0;
  /** Reads waiting for one of the `readsInflightMax` slots, in order. */
  private readonly readsWaiting: { readonly request: BlobChunkReadRequest; readonly resolve: (result: BlobChunkReadResult) => void; readonly reject: (error: unknown) => void }[] = [];
  private nextHasherId = 1;
  private nextReadId = 1;
  private closed = false;

  constructor(options: BlobHashWorkerPoolOptions = {}) {
    this.workerCount = options.workerCount ?? Math.max(2, availableParallelism() - 1);
    this.batchSizeBytes = options.batchSizeBytes ?? 1024 * 1024;
    this.inflightBytesMaxPerHasher = options.inflightBytesMaxPerHasher ?? 4 * 1024 * 1024;
    this.spareBatchCountMax = options.spareBatchCountMax ?? 4 * this.workerCount;
    this.inlineSizeBytesMax = options.inlineSizeBytesMax ?? 8 * 1024;
    this.readsInflightMax = (options.readsInflightMaxPerWorker ?? 2) * this.workerCount;
    assert(Number.isSafeInteger(this.readsInflightMax) && this.readsInflightMax >= 1, 'readsInflightMaxPerWorker must be >= 1');
    assert(Number.isSafeInteger(this.workerCount) && this.workerCount >= 1, 'workerCount must be >= 1');
    assert(Number.isSafeInteger(this.batchSizeBytes) && this.batchSizeBytes >= 1, 'batchSizeBytes must be >= 1');
    assert(this.inflightBytesMaxPerHasher >= this.batchSizeBytes, 'inflightBytesMaxPerHasher must hold at least one batch');
    this.workers = Array.from({ length: this.workerCount }, () => null);
  }

  createHasher(options: BlobHashOptions): BlobHasher {
    assert(!this.closed, 'BlobHashWorkerPool.createHasher after close');
    if (options.sizeBytesHint !== undefined && options.sizeBytesHint <= this.inlineSizeBytesMax) return inlineBlobHasherFactory.createHasher(options);
    const poolWorker = this.leastLoadedWorker();
    const hasherId = this.nextHasherId++;
    const pending: PendingHasher = { inflightBytes: 0, wakeUp: null, finished: null, failure: null };
    poolWorker.hashers.set(hasherId, pending);
    refWhileBusy(poolWorker);
    post(poolWorker, { type: 'open', hasherId, options });
    return new PooledHasher(this, poolWorker, hasherId, pending);
  }

  /**
   * Reads `request.lengthBytes` at `request.positionBytes` of `request.fd` into `request.buffer`
   * (transferred to a worker and back) and checks its blake3, in the least loaded worker: a read
   * holds no state, so one GET's chunks spread over every worker. Rejects with the read's system
   * error (its `code` kept) or {@link BlobHashWorkerError} if the worker dies or the pool closes.
   * The caller must keep `fd` open until the promise settles.
   */
  readChunk(request: BlobChunkReadRequest): Promise<BlobChunkReadResult> {
    if (this.closed) return Promise.reject(new BlobHashWorkerError('the hash worker pool was closed'));
    assertChunkReadRequest(request);
    return new Promise<BlobChunkReadResult>((resolve, reject) => {
      this.readsWaiting.push({ request, resolve, reject });
      this.startWaitingReads();
    });
  }

  /** Sends waiting reads to workers while fewer than `readsInflightMax` are there. */
  private startWaitingReads(): void {
    while (!this.closed && this.readsInflight < this.readsInflightMax && this.readsWaiting.length > 0) {
      const { request, resolve, reject } = this.readsWaiting.shift()!;
      const poolWorker = this.leastLoadedWorker();
      const readId = this.nextReadId++;
      const settle = (): void => {
        this.readsInflight--;
        this.startWaitingReads();
      };
      this.readsInflight++;
      poolWorker.reads.set(readId, {
        resolve: (result) => {
          settle();
          resolve(result);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      refWhileBusy(poolWorker);
      const { fd, positionBytes, lengthBytes, buffer, expectedBlake3 } = request;
      try {
        post(poolWorker, { type: 'read', readId, fd, positionBytes, lengthBytes, buffer, expectedBlake3 }, [buffer]);
      } catch (error) {
        // Not sent (a detached buffer, say): no answer will come for it.
        poolWorker.reads.get(readId)?.reject(error instanceof Error ? error : new Error(String(error)));
        poolWorker.reads.delete(readId);
        refWhileBusy(poolWorker);
      }
    }
  }

  /**
   * Terminates the workers, then fails open hashers and reads (sent or waiting) with
   * {@link BlobHashWorkerError}: in that order, so that a GET failed here closes its file only once
   * no worker can still be reading it.
   */
  async close(): Promise<void> {
    this.closed = true;
    const live = this.workers.filter((entry): entry is PoolWorker => entry !== null && !entry.dead);
    await Promise.all(live.map((entry) => entry.worker.terminate()));
    const error = new BlobHashWorkerError('the hash worker pool was closed');
    for (const entry of live) failAll(entry, error);
    for (const waiting of this.readsWaiting.splice(0)) waiting.reject(error);
  }

  /** @internal A batch buffer of `batchSizeBytes`, reused when possible. */
  takeBatch(): Uint8Array {
    return this.spareBatches.pop() ?? new Uint8Array(this.batchSizeBytes);
  }

  /** @internal */
  returnBatch(batch: Uint8Array): void {
    if (batch.byteLength === this.batchSizeBytes && this.spareBatches.length < this.spareBatchCountMax) this.spareBatches.push(batch);
  }

  private leastLoadedWorker(): PoolWorker {
    let best: PoolWorker | null = null;
    for (let index = 0; index < this.workers.length; index++) {
      let entry = this.workers[index] ?? null;
      if (entry === null || entry.dead) {
        entry = this.startWorker();
        this.workers[index] = entry;
      }
      if (best === null || entry.hashers.size + entry.reads.size < best.hashers.size + best.reads.size) best = entry;
    }
    assert(best !== null, 'the pool has at least one worker');
    return best;
  }

  private startWorker(): PoolWorker {
    const worker = new Worker(new URL(import.meta.url), { workerData: { objectboxBlobHashWorker: true } });
    const entry: PoolWorker = { worker, hashers: new Map(), reads: new Map(), dead: false };
    worker.on('message', (message: FromWorker) => this.onMessage(entry, message));
    const die = (error: Error) => {
      if (entry.dead) return;
      entry.dead = true;
      failAll(entry, error);
    };
    worker.on('error', (error) => die(new BlobHashWorkerError(`hash worker failed: ${error.message}`, { cause: error })));
    worker.on('exit', (exitCode) => die(new BlobHashWorkerError(`hash worker exited with code ${exitCode}`)));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    refWhileBusy(entry);
    return entry;
  }

  private onMessage(entry: PoolWorker, message: FromWorker): void {
    if (message.type === 'read' || message.type === 'readFailed') return onReadAnswer(entry, message);
    const pending = entry.hashers.get(message.hasherId);
    switch (message.type) {
      case 'consumed':
        this.returnBatch(message.batch);
        if (pending === undefined) return;
        pending.inflightBytes -= message.lengthBytes;
        assert(pending.inflightBytes >= 0, 'inflight bytes never negative');
        wake(pending);
        return;
      case 'finished':
        entry.hashers.delete(message.hasherId);
        refWhileBusy(entry);
        pending?.finished?.resolve(message.result);
        return;
      case 'failed':
        entry.hashers.delete(message.hasherId);
        refWhileBusy(entry);
        if (pending !== undefined) failOne(pending, new BlobHashWorkerError(`hashing failed in the worker: ${message.message}`));
        return;
    }
  }
}

function onReadAnswer(entry: PoolWorker, message: Extract<FromWorker, { type: 'read' | 'readFailed' }>): void {
  const pending = entry.reads.get(message.readId);
  entry.reads.delete(message.readId);
  refWhileBusy(entry);
  if (pending === undefined) return;
  if (message.type === 'read') return pending.resolve({ outcome: message.outcome, buffer: message.buffer });
  pending.reject(Object.assign(new Error(message.message), message.errorCode === undefined ? {} : { code: message.errorCode }));
}

/** An idle worker does not keep the process alive; one with open hashers or reads does (their promises are pending). */
function refWhileBusy(entry: PoolWorker): void {
  if (entry.dead) return;
  if (entry.hashers.size > 0 || entry.reads.size > 0) entry.worker.ref();
  else entry.worker.unref();
}

function post(entry: PoolWorker, message: ToWorker, transfer: ArrayBuffer[] = []): void {
  entry.worker.postMessage(message, transfer);
}

function wake(pending: PendingHasher): void {
  const wakeUp = pending.wakeUp;
  pending.wakeUp = null;
  wakeUp?.();
}

function failOne(pending: PendingHasher, error: Error): void {
  pending.failure ??= error;
  wake(pending);
  pending.finished?.reject(pending.failure);
  pending.finished = null;
}

function failAll(entry: PoolWorker, error: Error): void {
  for (const pending of entry.hashers.values()) failOne(pending, error);
  entry.hashers.clear();
  for (const pending of entry.reads.values()) pending.reject(error);
  entry.reads.clear();
}

/** The main-thread half of one hasher. */
class PooledHasher implements BlobHasher {
  private batch: Uint8Array | null = null;
  private batchFillBytes = 0;
  private done = false;

  constructor(
    private readonly pool: BlobHashWorkerPool,
    private readonly entry: PoolWorker,
    private readonly hasherId: number,
    private readonly pending: PendingHasher,
  ) {}

  async update(chunk: Uint8Array): Promise<void> {
    this.throwIfFailed();
    assert(!this.done, 'BlobHasher.update after finish or abort');
    let offset = 0;
    while (offset < chunk.length) {
      this.batch ??= this.pool.takeBatch();
      const takeBytes = Math.min(this.batch.length - this.batchFillBytes, chunk.length - offset);
      this.batch.set(chunk.subarray(offset, offset + takeBytes), this.batchFillBytes);
      this.batchFillBytes += takeBytes;
      offset += takeBytes;
      if (this.batchFillBytes === this.batch.length) this.sendBatch();
    }
    while (this.pending.inflightBytes >= this.pool.inflightBytesMaxPerHasher && this.pending.failure === null) {
      await new Promise<void>((resolve) => {
        this.pending.wakeUp = resolve;
      });
    }
    this.throwIfFailed();
  }

  async finish(): Promise<BlobHashResult> {
    this.throwIfFailed();
    assert(!this.done, 'BlobHasher.finish twice or after abort');
    if (this.batchFillBytes > 0) this.sendBatch();
    this.done = true;
    return await new Promise<BlobHashResult>((resolve, reject) => {
      this.pending.finished = { resolve, reject };
      post(this.entry, { type: 'finish', hasherId: this.hasherId });
    });
  }

  abort(): void {
    if (this.pending.failure === null) failOne(this.pending, new BlobHashWorkerError('the hasher was aborted'));
    if (!this.entry.dead && this.entry.hashers.delete(this.hasherId)) {
      post(this.entry, { type: 'abort', hasherId: this.hasherId });
      refWhileBusy(this.entry);
    }
    this.done = true;
    if (this.batch !== null) this.pool.returnBatch(this.batch);
    this.batch = null;
  }

  private sendBatch(): void {
    const batch = this.batch;
    assert(batch !== null, 'a batch to send');
    const lengthBytes = this.batchFillBytes;
    this.batch = null;
    this.batchFillBytes = 0;
    this.pending.inflightBytes += lengthBytes;
    post(this.entry, { type: 'update', hasherId: this.hasherId, batch, lengthBytes }, [batch.buffer as ArrayBuffer]);
  }

  private throwIfFailed(): void {
    if (this.pending.failure !== null) throw this.pending.failure;
  }
}

// ---------------------------------------------------------------------------------------------
// The worker side

function runWorker(): void {
  const port = parentPort;
  assert(port !== null, 'a worker has a parent port');
  const states = new Map<number, BlobHashState>();
  const reply = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'read') {
      const answer = readChunkInWorker(message);
      return reply(answer, answer.type === 'read' ? [answer.buffer] : []);
    }
    try {
      switch (message.type) {
        case 'open':
          states.set(message.hasherId, new BlobHashState(message.options));
          return;
        case 'update': {
          const state = states.get(message.hasherId);
          // An aborted hasher's late batches are only returned.
          state?.update(message.batch.subarray(0, message.lengthBytes));
          reply({ type: 'consumed', hasherId: message.hasherId, batch: message.batch, lengthBytes: message.lengthBytes }, [message.batch.buffer as ArrayBuffer]);
          return;
        }
        case 'finish': {
          const state = states.get(message.hasherId);
          assert(state !== undefined, 'finish of an open hasher');
          states.delete(message.hasherId);
          // Copied, not transferred: at most 32 bytes per MiB of blob.
          reply({ type: 'finished', hasherId: message.hasherId, result: state.finish() });
          return;
        }
        case 'abort':
          states.delete(message.hasherId);
          return;
      }
    } catch (error) {
      states.delete(message.hasherId);
      reply({ type: 'failed', hasherId: message.hasherId, message: error instanceof Error ? error.message : String(error) });
    }
  });
}

/**
 * A blocking read is right here: this thread has nothing else to do meanwhile, and it saves the
 * hop through the libuv pool. The buffer always goes back (transferred), also on failure.
 */
function readChunkInWorker(message: Extract<ToWorker, { type: 'read' }>): FromWorker {
  const bytes = new Uint8Array(message.buffer, 0, message.lengthBytes);
  try {
    let filledBytes = 0;
    while (filledBytes < bytes.byteLength) {
      const bytesRead = readSync(message.fd, bytes, filledBytes, bytes.byteLength - filledBytes, message.positionBytes + filledBytes);
      if (bytesRead === 0) break;
      filledBytes += bytesRead;
    }
    return { type: 'read', readId: message.readId, outcome: chunkReadOutcome(bytes, filledBytes, message.expectedBlake3), buffer: message.buffer };
  } catch (error) {
    const errorCode = (error as { code?: unknown }).code;
    return { type: 'readFailed', readId: message.readId, message: error instanceof Error ? error.message : String(error), errorCode: typeof errorCode === 'string' ? errorCode : undefined };
  }
}

if (!isMainThread && (workerData as { objectboxBlobHashWorker?: unknown } | null)?.objectboxBlobHashWorker === true) runWorker();
