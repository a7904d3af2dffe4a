/**
 * Byte replication between object-store replicas (objectbox.blob.v1.BlobService).
 *
 * Writes: the replica that received a PUT stores the blob locally ({@link BlobStore.write}), then
 * {@link BlobReplicator.replicate} streams the locally stored, verified bytes to every other member
 * at once and resolves as soon as a majority of the members (this one counted) hold the blob
 * fsynced under its final name; only then does the caller propose the metadata that refers to it.
 * The remaining transfers go on in the background (failures logged; the orphan collector of a
 * replica removes what metadata never refers to). No majority before the deadline:
 * {@link BlobReplicationUnavailableError} (S3: 503 ServiceUnavailable), and nothing is proposed.
 *
 * Reads: a replica whose BlobStore lacks a blob that metadata refers to (it was down or slow during
 * the write) calls {@link BlobReplicator.fetch}: the other members are tried in turn, the blob is
 * stored locally through {@link BlobStore.write} with the same id and checked against the blake3
 * from metadata, so later reads are local. Concurrent fetches of one blob share one transfer.
 *
 * Receiving ({@link blobServiceImplementation}): Put validates the header (id, size, digest),
 * writes through BlobStore with the given id, answers only after fsync + rename with the blake3 it
 * computed, and refuses (DATA_LOSS) and deletes bytes whose blake3 differs from the announced one. A
 * blob already stored and verified under that id is kept (the stream is drained) so a bad sender can
 * never replace good bytes. Get streams BlobStore.read (every chunk verified before it is sent);
 * corruption ends the stream with DATA_LOSS.
 */
import { create } from '@bufbuild/protobuf';
import { createGrpcClient, type GrpcClient, type GrpcServiceImplementation, type GrpcTlsOptions } from '@objectbox/networking';
import type { Logger } from '@objectbox/observability';
import { blob as blobProto } from '@objectbox/proto';
import { assert, isObjectBoxError } from '@objectbox/util';
import { type BlobRange, type BlobStore, blobIdPattern } from './blob-store.js';
import { BlobNotFoundError, BlobStoreError } from './blob-errors.js';

/** Largest data payload of one Put or Get message. */
export const blobReplicationChunkBytesMax = 1024 * 1024;
/** A blake3 root in metadata: 32 bytes in lowercase hex. */
export const blake3HexPattern = /^[0-9a-f]{64}$/;

type BlobServiceMethods = typeof blobProto.BlobService.method;
export type BlobServiceClient = GrpcClient<BlobServiceMethods>;

/** A Put or Get request is malformed (id, digest, size, range, message order or size). gRPC: INVALID_ARGUMENT. */
export class BlobReplicationInvalidError extends BlobStoreError {
  readonly code = 'BlobReplicationInvalid';
  readonly kind = 'invalid-argument';
}

/** Bytes do not match the expected blake3 (sent, received or stored). gRPC: DATA_LOSS. */
export class BlobReplicaDataLossError extends BlobStoreError {
  readonly code = 'BlobReplicaDataLoss';
  readonly kind = 'data-loss';
  constructor(
    readonly blobId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A majority of replicas did not store the blob before the deadline. S3: 503 ServiceUnavailable. */
export class BlobReplicationUnavailableError extends BlobStoreError {
  readonly code = 'BlobReplicationUnavailable';
  readonly kind = 'unavailable';
  constructor(
    readonly blobId: string,
    /** Members holding the blob (this one included) when giving up. */
    readonly storedCount: number,
    readonly requiredCount: number,
    options?: { cause?: unknown },
  ) {
    super(`Blob ${blobId} is stored on ${storedCount} of the ${requiredCount} replicas a write needs; retry.`, options);
  }
}

/** No other replica could supply a blob this one lacks. The edge: 503 ServiceUnavailable. */
export class BlobFetchUnavailableError extends BlobStoreError {
  readonly code = 'BlobFetchUnavailable';
  readonly kind = 'unavailable';
  constructor(
    readonly blobId: string,
    options?: { cause?: unknown },
  ) {
    super(`Blob ${blobId} is not stored here and no other replica supplied it.`, options);
  }
}

// ---------------------------------------------------------------------------------------------
// Server side

function checkBlobId(blobId: string): void {
  if (!blobIdPattern.test(blobId)) throw new BlobReplicationInvalidError('blob_id must be 32 lowercase hex digits');
}

function checkBlake3(blake3: string): void {
  if (!blake3HexPattern.test(blake3)) throw new BlobReplicationInvalidError('expected_blake3 must be 64 lowercase hex digits');
}

/** Corruption found while reading local bytes becomes DATA_LOSS on the wire. */
function asDataLoss(error: unknown): unknown {
  if (isObjectBoxError(error) && error.code === 'BlobCorruption') return new BlobReplicaDataLossError((error as unknown as { blobId: string }).blobId, error.message, { cause: error });
  return error;
}

/** Splits `chunk` into pieces of at most `sizeBytesMax`. */
function* pieces(chunk: Uint8Array, sizeBytesMax: number): Generator<Uint8Array> {
  for (let offset = 0; offset < chunk.length; offset += sizeBytesMax) yield chunk.subarray(offset, Math.min(offset + sizeBytesMax, chunk.length));
}

/** True when `blobId` is stored here and its trailer and table match `blake3` (no data read). */
async function holdsVerified(blobs: BlobStore, blobId: string, blake3: string): Promise<boolean> {
  try {
    const stream = await blobs.read(blobId, { expectedBlake3: blake3 });
    stream.destroy();
    return true;
  } catch {
    return false;
  }
}

/** The BlobService handlers over a BlobStore (undefined until the service has opened it: UNAVAILABLE). */
export function blobServiceImplementation(options: { blobs: () => BlobStore | undefined }): GrpcServiceImplementation<BlobServiceMethods> {
  const blobsOrThrow = (): BlobStore => {
    const blobs = options.blobs();
    if (blobs === undefined) throw new BlobFetchUnavailableError('0'.repeat(32));
    return blobs;
  };
  return {
    async put(requests, context) {
      const blobs = blobsOrThrow();
      const iterator = requests[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (first.done === true || first.value.message.case !== 'header') throw new BlobReplicationInvalidError('the first Put message must be the header');
      const header = first.value.message.value;
      checkBlobId(header.blobId);
      checkBlake3(header.expectedBlake3);
      const sizeBytes = Number(header.sizeBytes);
      if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0 || sizeBytes > blobs.blobSizeBytesMax) throw new BlobReplicationInvalidError(`size_bytes must be within 0..${blobs.blobSizeBytesMax}`);
      async function* data(): AsyncGenerator<Uint8Array> {
        for (;;) {
          const next = await iterator.next();
          if (next.done === true) return;
          if (next.value.message.case !== 'data') throw new BlobReplicationInvalidError('only the first Put message is a header');
          if (next.value.message.value.length > blobReplicationChunkBytesMax) throw new BlobReplicationInvalidError(`a Put data message carries at most ${blobReplicationChunkBytesMax} bytes`);
          yield next.value.message.value;
        }
      }
      if (await blobs.exists(header.blobId)) {
        // Never replaced: either it already is this blob, or the sender's digest is not the one the
        // stored copy was written with (a stored copy that rotted is not repaired here).
        if (!(await holdsVerified(blobs, header.blobId, header.expectedBlake3))) {
          throw new BlobReplicaDataLossError(header.blobId, `Blob ${header.blobId} is stored here with another blake3 than ${header.expectedBlake3}; refused.`);
        }
        for await (const chunk of data()) void chunk;
        return { blake3: header.expectedBlake3, sizeBytes: BigInt(sizeBytes) };
      }
      const written = await blobs.write(data(), { blobId: header.blobId, expectedSizeBytes: sizeBytes, sizeBytesMax: sizeBytes, checksumAlgorithms: [], signal: context.signal });
      if (written.blake3 !== header.expectedBlake3) {
        await blobs.delete(header.blobId);
        throw new BlobReplicaDataLossError(header.blobId, `Blob ${header.blobId}: received bytes hash to ${written.blake3}, not the announced ${header.expectedBlake3}; refused.`);
      }
      return { blake3: written.blake3, sizeBytes: BigInt(written.sizeBytes) };
    },

    async *get(request) {
      const blobs = blobsOrThrow();
      checkBlobId(request.blobId);
      checkBlake3(request.expectedBlake3);
      let range: BlobRange | undefined;
      if (request.range !== undefined) {
        const start = Number(request.range.start);
        const endInclusive = Number(request.range.endInclusive);
        if (!Number.isSafeInteger(start) || !Number.isSafeInteger(endInclusive) || start < 0 || endInclusive < start) throw new BlobReplicationInvalidError('range must satisfy 0 <= start <= end_inclusive');
        range = { start, endInclusive };
      }
      let stream;
      try {
        stream = await blobs.read(request.blobId, { expectedBlake3: request.expectedBlake3, ...(range === undefined ? {} : { range }) });
      } catch (error) {
        throw asDataLoss(error);
      }
      try {
        for await (const chunk of stream as AsyncIterable<Uint8Array>) {
          for (const piece of pieces(chunk, blobReplicationChunkBytesMax)) yield { data: piece };
        }
      } catch (error) {
        throw asDataLoss(error);
      } finally {
        stream.destroy();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Client side

/** Another member of the object store's Raft group; its gRPC address serves BlobService. */
export interface BlobReplicaPeer {
  readonly id: string;
  readonly address: string;
}

export interface BlobReplicatorOptions {
  readonly blobs: BlobStore;
  /** The other members (not this one). None: replicate() and fetch() have nothing to do. */
  readonly peers: readonly BlobReplicaPeer[];
  readonly logger: Pick<Logger, 'warn' | 'info'>;
  readonly tls?: GrpcTlsOptions;
  /** gRPC message limit (≥ 1 MiB + framing); data messages are at most 1 MiB. */
  readonly messageBytesMax?: number;
  /** Time a write may wait for a majority, plus {@link BlobReplicatorOptions.transferMsPerMiB} per MiB (default 10 s). */
  readonly majorityDeadlineMsBase?: number;
  /** Extra deadline per MiB of blob (default 100 ms: 10 MiB/s at the slowest). */
  readonly transferMsPerMiB?: number;
  /** Injected clients (tests); by default one gRPC client per peer address. */
  readonly clientOf?: (peer: BlobReplicaPeer) => BlobServiceClient;
}

/** Streams blobs to and from the other members. See the module comment. */
export class BlobReplicator {
  private readonly clients = new Map<string, BlobServiceClient>();
  private readonly fetches = new Map<string, Promise<void>>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly majorityDeadlineMsBase: number;
  private readonly transferMsPerMiB: number;

  constructor(private readonly options: BlobReplicatorOptions) {
    this.majorityDeadlineMsBase = options.majorityDeadlineMsBase ?? 10_000;
    this.transferMsPerMiB = options.transferMsPerMiB ?? 100;
    assert(this.majorityDeadlineMsBase > 0 && this.transferMsPerMiB >= 0, 'replication deadlines must be positive');
  }

  /** Members (this one included) a write must reach. */
  get majorityCount(): number {
    return Math.floor((this.options.peers.length + 1) / 2) + 1;
  }

  /** Deadline of one transfer of `sizeBytes`. */
  deadlineMsOf(sizeBytes: number): number {
    return Math.ceil(this.majorityDeadlineMsBase + (sizeBytes / (1024 * 1024)) * this.transferMsPerMiB);
  }

  private clientOf(peer: BlobReplicaPeer): BlobServiceClient {
    let client = this.clients.get(peer.address);
    if (client === undefined) {
      client =
        this.options.clientOf?.(peer) ??
        createGrpcClient(blobProto.BlobService, {
          address: peer.address,
          ...(this.options.tls === undefined ? {} : { tls: this.options.tls }),
          deadlineMs: this.majorityDeadlineMsBase,
          messageBytesMax: this.options.messageBytesMax ?? 4 * 1024 * 1024,
          retry: { attemptCountMax: 3, backoffMsInitial: 50, backoffMsMax: 500 },
        });
      this.clients.set(peer.address, client);
    }
    return client;
  }

  /**
   * Resolves once a majority of the members (this one, which already stores the blob, included)
   * hold `blobId` fsynced; rejects with {@link BlobReplicationUnavailableError} when that cannot
   * happen (too many failures) or does not happen before the deadline.
   */
  async replicate(blobId: string, blake3: string, sizeBytes: number): Promise<void> {
    const peers = this.options.peers;
    if (peers.length === 0) return;
    const needed = this.majorityCount - 1;
    const deadlineMs = this.deadlineMsOf(sizeBytes);
    await new Promise<void>((resolve, reject) => {
      let acknowledged = 0;
      let failed = 0;
      const errors: unknown[] = [];
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(new BlobReplicationUnavailableError(blobId, acknowledged + 1, this.majorityCount, { cause: new Error(`no majority within ${deadlineMs} ms`) }));
      }, deadlineMs);
      for (const peer of peers) {
        const transfer = this.sendTo(peer, blobId, blake3, sizeBytes, deadlineMs).then(
          () => {
            acknowledged += 1;
            if (!settled && acknowledged >= needed) {
              settled = true;
              clearTimeout(timer);
              resolve();
            }
          },
          (error: unknown) => {
            failed += 1;
            errors.push(error);
            this.options.logger.warn({ err: error, blob_id: blobId, peer_id: peer.id, peer_address: peer.address }, 'blob replication to a peer failed');
            if (!settled && failed > peers.length - needed) {
              settled = true;
              clearTimeout(timer);
              reject(new BlobReplicationUnavailableError(blobId, acknowledged + 1, this.majorityCount, { cause: errors[0] }));
            }
          },
        );
        this.track(transfer);
      }
    });
  }

  private track(promise: Promise<unknown>): void {
    this.background.add(promise);
    void promise.finally(() => this.background.delete(promise));
  }

  /** Streams the local, verified blob to one peer; resolves when the peer answered with the same blake3. */
  private async sendTo(peer: BlobReplicaPeer, blobId: string, blake3: string, sizeBytes: number, deadlineMs: number): Promise<void> {
    const blobs = this.options.blobs;
    const local = await blobs.read(blobId, { expectedBlake3: blake3 });
    async function* messages(): AsyncGenerator<blobProto.PutRequest> {
      try {
        yield create(blobProto.PutRequestSchema, { message: { case: 'header', value: { blobId, sizeBytes: BigInt(sizeBytes), expectedBlake3: blake3 } } });
        for await (const chunk of local as AsyncIterable<Uint8Array>) {
          for (const piece of pieces(chunk, blobReplicationChunkBytesMax)) yield create(blobProto.PutRequestSchema, { message: { case: 'data', value: piece } });
        }
      } finally {
        local.destroy();
      }
    }
    const response = await this.clientOf(peer).put(messages(), { deadlineMs });
    if (response.blake3 !== blake3) throw new BlobReplicaDataLossError(blobId, `peer ${peer.id} stored blob ${blobId} with blake3 ${response.blake3}, not ${blake3}`);
  }

  /**
   * Makes `blobId` local when this replica lacks it: each other member in turn streams it, it is
   * stored under the same id and checked against `blake3`. Resolves at once when it is already here.
   * Rejects with BlobNotFound when every member answered NOT_FOUND, else BlobFetchUnavailable.
   */
  async fetch(blobId: string, blake3: string, sizeBytes: number): Promise<void> {
    if (await this.options.blobs.exists(blobId)) return;
    if (this.options.peers.length === 0) throw new BlobNotFoundError(blobId);
    let pending = this.fetches.get(blobId);
    if (pending === undefined) {
      pending = this.fetchFromPeers(blobId, blake3, sizeBytes).finally(() => this.fetches.delete(blobId));
      this.fetches.set(blobId, pending);
    }
    return pending;
  }

  private async fetchFromPeers(blobId: string, blake3: string, sizeBytes: number): Promise<void> {
    const blobs = this.options.blobs;
    const errors: unknown[] = [];
    for (const peer of this.options.peers) {
      try {
        const controller = new AbortController();
        const stream = this.clientOf(peer).get({ blobId, expectedBlake3: blake3 }, { deadlineMs: this.deadlineMsOf(sizeBytes), signal: controller.signal });
        // Consume at once: a status that arrives before anyone iterates the call would be an
        // 'error' event without a listener (while the blob store opens its temp file).
        const messages = stream[Symbol.asyncIterator]();
        const first = messages.next();
        first.catch(() => {});
        async function* data(): AsyncGenerator<Uint8Array> {
          let next = await first;
          while (next.done !== true) {
            yield next.value.data;
            next = await messages.next();
          }
        }
        try {
          const written = await blobs.write(data(), { blobId, expectedSizeBytes: sizeBytes, sizeBytesMax: sizeBytes, checksumAlgorithms: [] });
          if (written.blake3 !== blake3) {
            await blobs.delete(blobId);
            throw new BlobReplicaDataLossError(blobId, `peer ${peer.id} sent bytes of blob ${blobId} hashing to ${written.blake3}, not ${blake3}`);
          }
        } finally {
          controller.abort();
        }
        this.options.logger.info({ blob_id: blobId, peer_id: peer.id, size_bytes: sizeBytes }, 'blob fetched from a peer');
        return;
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.every((error) => isObjectBoxError(error) && error.kind === 'not-found')) throw new BlobNotFoundError(blobId);
    this.options.logger.warn({ err: errors[0], blob_id: blobId }, 'blob fetch from peers failed');
    throw new BlobFetchUnavailableError(blobId, { cause: errors[0] });
  }

  /** Waits for background transfers (tests, shutdown), then closes the clients. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.background]);
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}

/** Peers from `services.objectStore.raftPeers` entries ("id=host:grpcPort"). */
export function blobReplicaPeersOf(raftPeers: readonly string[]): BlobReplicaPeer[] {
  return raftPeers.map((entry) => {
    const separator = entry.indexOf('=');
    assert(separator > 0, `a Raft peer is "id=host:port": ${entry}`);
    return { id: entry.slice(0, separator), address: entry.slice(separator + 1) };
  });
}
