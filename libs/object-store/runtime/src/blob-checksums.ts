/**
 * Checksums of object bytes, computed incrementally over chunks (an object is never held whole in
 * memory): MD5 for the ETag and Content-MD5, the S3 flexible checksums (`x-amz-checksum-crc32`,
 * `-crc32c`, `-crc64nvme`, `-sha1`, `-sha256`: base64 of the big-endian digest, as the AWS SDKs send
 * them), and the blake3 chunk table that guards every stored blob (see blob-store.ts).
 *
 * Implementations, chosen by measurement (`npm run bench -- hashes`; 2-core AMD EPYC VM, Node 24,
 * MiB/s per core on 1 MiB chunks, CPU time; other builds were running): MD5 ~415, SHA-1 ~980,
 * SHA-256 ~930 (node:crypto, OpenSSL); CRC32 ~2,700 (node:zlib `crc32`, Node >= 22.2); CRC32C
 * ~3,300 (@node-rs/crc32, SSE4.2) against ~330-500 for the pure-JS slice-by-8 in storage-core;
 * CRC64NVME ~320-430 (table-driven slice-by-8 below) against ~100 for @aws-sdk/crc64-nvme; blake3
 * ~3,400-3,600 (@napi-rs/blake-hash: native, prebuilt per platform, no install script) against
 * ~350 for hash-wasm 4.13 and blake3-wasm 2.1.5 and ~230 for blake3-jit (measured in a scratch
 * install, not dependencies). A PUT's set (MD5 + CRC32 + blake3 table) runs at ~320 MiB/s: MD5
 * dominates.
 *
 * Whether the work runs on the event loop or in a worker is the {@link BlobHasherFactory}'s choice:
 * {@link inlineBlobHasherFactory} hashes on the calling thread; `BlobHashWorkerPool`
 * (blob-hash-worker.ts) hashes in worker threads behind the same interface.
 */
import { createHash, type Hash } from 'node:crypto';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { blake3, Blake3Hasher } from '@napi-rs/blake-hash';
import { crc32c as nativeCrc32c } from '@node-rs/crc32';
import { assert } from '@objectbox/util';

/** The S3 flexible checksum algorithms, spelt as `x-amz-sdk-checksum-algorithm` spells them. */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

/** Every {@link ChecksumAlgorithm}, in a stable order. */
export const checksumAlgorithms: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

/** Digest size of each algorithm; a header value must decode to exactly this many bytes. */
export const checksumDigestSizeBytes: Readonly<Record<ChecksumAlgorithm, number>> = {
  CRC32: 4,
  CRC32C: 4,
  CRC64NVME: 8,
  SHA1: 20,
  SHA256: 32,
};

/** Size of an MD5 digest (Content-MD5 decodes to this many bytes). */
export const md5DigestSizeBytes = 16;
/** Size of a blake3 digest as stored (the default 256-bit output). */
export const blake3DigestSizeBytes = 32;

/** True when `value` names a {@link ChecksumAlgorithm} (case-sensitive, as S3 spells them). */
export function isChecksumAlgorithm(value: string): value is ChecksumAlgorithm {
  return (checksumAlgorithms as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// CRC64/NVME

/**
 * CRC-64/NVME (NVM Express NVM Command Set, RevEng catalogue "CRC-64/NVME"): reflected
 * polynomial 0x9A6C9329AC4BC9B5, init and xorout all ones. check("123456789") = 0xAE8B14860A799888.
 *
 * Slice-by-8 over 32-bit halves: JavaScript has no fast 64-bit integers (BigInt allocates), so the
 * register is two uint32 (`low`, `high`) and each of the 8 tables is split into a low and a high
 * Uint32Array. Tables are built once with BigInt at module load.
 */
const crc64SliceCount = 8;
const crc64Tables: { low: Uint32Array; high: Uint32Array } = buildCrc64Tables();

function buildCrc64Tables(): { low: Uint32Array; high: Uint32Array } {
  const polynomialReflected = 0x9a6c9329ac4bc9b5n;
  const mask = 0xffffffffffffffffn;
  const table = new Array<bigint>(256 * crc64SliceCount);
  for (let byte = 0; byte < 256; byte++) {
    let crc = BigInt(byte);
    for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ polynomialReflected : crc >> 1n;
    table[byte] = crc;
  }
  for (let byte = 0; byte < 256; byte++) {
    let crc = table[byte]!;
    for (let slice = 1; slice < crc64SliceCount; slice++) {
      crc = (table[Number(crc & 0xffn)]! ^ (crc >> 8n)) & mask;
      table[slice * 256 + byte] = crc;
    }
  }
  const low = new Uint32Array(table.length);
  const high = new Uint32Array(table.length);
  table.forEach((value, index) => {
    low[index] = Number(value & 0xffffffffn);
    high[index] = Number(value >> 32n);
  });
  return { low, high };
}

/** An incremental CRC64/NVME. Feeding a message in any split gives the same digest. */
export class Crc64Nvme {
  // Invariant: (high, low) is the reflected register (pre-inversion) after the bytes seen so far.
  private low = 0xffffffff;
  private high = 0xffffffff;

  update(data: Uint8Array): this {
    const tableLow = crc64Tables.low;
    const tableHigh = crc64Tables.high;
    let low = this.low;
    let high = this.high;
    let index = 0;
    const length = data.length;
    const bulkEnd = length - (length % crc64SliceCount);
    while (index < bulkEnd) {
      const a = (low ^ (data[index]! | (data[index + 1]! << 8) | (data[index + 2]! << 16) | (data[index + 3]! << 24))) >>> 0;
      const b = (high ^ (data[index + 4]! | (data[index + 5]! << 8) | (data[index + 6]! << 16) | (data[index + 7]! << 24))) >>> 0;
      const i7 = 7 * 256 + (a & 0xff);
      const i6 = 6 * 256 + ((a >>> 8) & 0xff);
      const i5 = 5 * 256 + ((a >>> 16) & 0xff);
      const i4 = 4 * 256 + (a >>> 24);
      const i3 = 3 * 256 + (b & 0xff);
      const i2 = 2 * 256 + ((b >>> 8) & 0xff);
      const i1 = 256 + ((b >>> 16) & 0xff);
      const i0 = b >>> 24;
      low = tableLow[i7]! ^ tableLow[i6]! ^ tableLow[i5]! ^ tableLow[i4]! ^ tableLow[i3]! ^ tableLow[i2]! ^ tableLow[i1]! ^ tableLow[i0]!;
      high = tableHigh[i7]! ^ tableHigh[i6]! ^ tableHigh[i5]! ^ tableHigh[i4]! ^ tableHigh[i3]! ^ tableHigh[i2]! ^ tableHigh[i1]! ^ tableHigh[i0]!;
      index += crc64SliceCount;
    }
    while (index < length) {
      const tableIndex = (low ^ data[index]!) & 0xff;
      low = ((low >>> 8) | (high << 24)) ^ tableLow[tableIndex]!;
      high = (high >>> 8) ^ tableHigh[tableIndex]!;
      index++;
    }
    this.low = low >>> 0;
    this.high = high >>> 0;
    return this;
  }

  /** The 8-byte big-endian digest (the byte order of `x-amz-checksum-crc64nvme`). */
  digest(): Uint8Array {
    const result = new Uint8Array(8);
    const view = new DataView(result.buffer);
    view.setUint32(0, ~this.high >>> 0);
    view.setUint32(4, ~this.low >>> 0);
    return result;
  }
}

// ---------------------------------------------------------------------------------------------
// One incremental state per algorithm

/** An incremental digest of one algorithm. */
export interface DigestState {
  update(data: Uint8Array): void;
  /** The big-endian digest; call once. */
  digest(): Uint8Array;
}

function crc32State(): DigestState {
  let crc = 0;
  return {
    update: (data) => {
      crc = zlibCrc32(data, crc);
    },
    digest: () => uint32BigEndian(crc),
  };
}

function crc32cState(): DigestState {
  let crc = 0;
  return {
    update: (data) => {
      crc = nativeCrc32c(data, crc);
    },
    digest: () => uint32BigEndian(crc),
  };
}

function nodeHashState(algorithm: 'md5' | 'sha1' | 'sha256'): DigestState {
  const hash: Hash = createHash(algorithm);
  return {
    update: (data) => {
      hash.update(data);
    },
    digest: () => new Uint8Array(hash.digest()),
  };
}

function uint32BigEndian(value: number): Uint8Array {
  const result = new Uint8Array(4);
  new DataView(result.buffer).setUint32(0, value >>> 0);
  return result;
}

/** A fresh incremental state for `algorithm` (MD5 included for the ETag). */
export function createDigestState(algorithm: ChecksumAlgorithm | 'MD5'): DigestState {
  switch (algorithm) {
    case 'MD5':
      return nodeHashState('md5');
    case 'SHA1':
      return nodeHashState('sha1');
    case 'SHA256':
      return nodeHashState('sha256');
    case 'CRC32':
      return crc32State();
    case 'CRC32C':
      return crc32cState();
    case 'CRC64NVME': {
      const crc = new Crc64Nvme();
      return { update: (data) => void crc.update(data), digest: () => crc.digest() };
    }
  }
}

/** One-shot digest of `data` (tests, small inputs); big-endian bytes. */
export function checksumOf(algorithm: ChecksumAlgorithm | 'MD5', data: Uint8Array): Uint8Array {
  const state = createDigestState(algorithm);
  state.update(data);
  return state.digest();
}

// Creating a Blake3Hasher costs ~45 µs here (a native object with a finalizer), five times the
// one-shot blake3 of 4 KiB, and a small GET verified two digests with fresh hashers. So one-call
// digests never create one: a single buffer goes to the one-shot `blake3`, several parts through
// one shared hasher (only ever used synchronously, so no two callers interleave), and incremental
// hashers come from a small pool.
const oneCallHasher = new Blake3Hasher();
const idleHashers: Blake3Hasher[] = [];
const idleHasherCountMax = 64;

/** A plain Uint8Array view of a digest Buffer (no copy), so digests compare equal to any Uint8Array. */
function digestView(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/** blake3 of `data` (32 bytes). Native; ~0.3 ms per MiB on this machine. */
export function blake3Of(data: Uint8Array): Uint8Array {
  return digestView(blake3(data));
}

/** blake3 of the concatenation of `parts` (32 bytes), without concatenating them. */
export function blake3OfParts(parts: readonly Uint8Array[]): Uint8Array {
  oneCallHasher.reset();
  for (const part of parts) oneCallHasher.update(part);
  return digestView(oneCallHasher.digestBuffer());
}

/** An incremental blake3 (32-byte digest); `reset` makes it reusable, `release` returns it to the pool. */
export class Blake3 {
  private hasher: Blake3Hasher | undefined = idleHashers.pop() ?? new Blake3Hasher();
  update(data: Uint8Array): this {
    this.live().update(data);
    return this;
  }
  digest(): Uint8Array {
    return digestView(this.live().digestBuffer());
  }
  reset(): void {
    this.live().reset();
  }
  /** Hands the native hasher back for reuse; this Blake3 must not be used afterwards. */
  release(): void {
    const hasher = this.live();
    this.hasher = undefined;
    hasher.reset();
    if (idleHashers.length < idleHasherCountMax) idleHashers.push(hasher);
  }
  private live(): Blake3Hasher {
    assert(this.hasher !== undefined, 'Blake3 used after release');
    return this.hasher;
  }
}

// ---------------------------------------------------------------------------------------------
// The state of one blob write

/** What to compute for one blob. */
export interface BlobHashOptions {
  /** Flexible checksums to compute besides MD5 (always) and the blake3 chunk table (always). */
  readonly algorithms: readonly ChecksumAlgorithm[];
  /** Size of the chunks of the blake3 table (the last chunk may be shorter). */
  readonly chunkSizeBytes: number;
  /** The body's announced size, when known: a worker pool hashes small bodies inline (see there). */
  readonly sizeBytesHint?: number;
}

/** Digests of a whole blob. The caller owns the buffers. */
export interface BlobHashResult {
  readonly sizeBytes: number;
  /** MD5 of the bytes (16 bytes); hex of it is the single-part ETag. */
  readonly md5: Uint8Array;
  /** Big-endian digest per requested algorithm. */
  readonly checksums: Partial<Record<ChecksumAlgorithm, Uint8Array>>;
  /**
   * blake3 of each `chunkSizeBytes` chunk, concatenated (32 bytes per chunk; chunk count is
   * ceil(sizeBytes / chunkSizeBytes), so 0 for an empty blob).
   */
  readonly chunkHashes: Uint8Array;
}

/**
 * All digests of one blob, synchronously, on the calling thread. Used directly by the inline hasher
 * and inside each worker of the pool.
 */
export class BlobHashState {
  private readonly md5 = createDigestState('MD5');
  private readonly checksumStates: [ChecksumAlgorithm, DigestState][];
  private readonly chunkHasher = new Blake3();
  private readonly chunkHashes: Uint8Array[] = [];
  private sizeBytes = 0;
  // Invariant: chunkFillBytes === sizeBytes % chunkSizeBytes (a full chunk is closed at once).
  private chunkFillBytes = 0;
  private finished = false;

  constructor(private readonly options: BlobHashOptions) {
    assert(Number.isSafeInteger(options.chunkSizeBytes) && options.chunkSizeBytes > 0, 'chunkSizeBytes must be a positive integer');
    const unique = [...new Set(options.algorithms)];
    this.checksumStates = unique.map((algorithm) => [algorithm, createDigestState(algorithm)]);
  }

  update(data: Uint8Array): void {
    assert(!this.finished, 'BlobHashState.update after finish');
    if (data.length === 0) return;
    this.md5.update(data);
    for (const [, state] of this.checksumStates) state.update(data);
    this.updateChunks(data);
    this.sizeBytes += data.length;
  }

  private updateChunks(data: Uint8Array): void {
    const chunkSizeBytes = this.options.chunkSizeBytes;
    let offset = 0;
    while (offset < data.length) {
      const takeBytes = Math.min(chunkSizeBytes - this.chunkFillBytes, data.length - offset);
      this.chunkHasher.update(offset === 0 && takeBytes === data.length ? data : data.subarray(offset, offset + takeBytes));
      this.chunkFillBytes += takeBytes;
      offset += takeBytes;
      if (this.chunkFillBytes === chunkSizeBytes) this.closeChunk();
    }
  }

  private closeChunk(): void {
    this.chunkHashes.push(this.chunkHasher.digest());
    this.chunkHasher.reset();
    this.chunkFillBytes = 0;
  }

  finish(): BlobHashResult {
    assert(!this.finished, 'BlobHashState.finish twice');
    this.finished = true;
    if (this.chunkFillBytes > 0) this.closeChunk();
    this.chunkHasher.release();
    const chunkHashes = new Uint8Array(this.chunkHashes.length * blake3DigestSizeBytes);
    this.chunkHashes.forEach((hash, index) => chunkHashes.set(hash, index * blake3DigestSizeBytes));
    assert(this.chunkHashes.length === Math.ceil(this.sizeBytes / this.options.chunkSizeBytes), 'chunk count matches size');
    const checksums: Partial<Record<ChecksumAlgorithm, Uint8Array>> = {};
    for (const [algorithm, state] of this.checksumStates) checksums[algorithm] = state.digest();
    return { sizeBytes: this.sizeBytes, md5: this.md5.digest(), checksums, chunkHashes };
  }
}

// ---------------------------------------------------------------------------------------------
// The asynchronous interface the blob store uses

/**
 * An incremental hasher of one blob. `update` consumes or copies the chunk before it returns, so
 * the caller may reuse the chunk at once; the returned promise only applies backpressure (it
 * resolves when the hasher can take more). Calls must not overlap: await each `update` before the
 * next, then `finish` once. `abort` releases resources; it may be called at any time, also after
 * `finish`, and makes a pending `update`/`finish` reject.
 */
export interface BlobHasher {
  update(chunk: Uint8Array): Promise<void>;
  finish(): Promise<BlobHashResult>;
  abort(): void;
}

/** Creates {@link BlobHasher}s; the blob store takes one, so where hashing runs is configuration. */
export interface BlobHasherFactory {
  createHasher(options: BlobHashOptions): BlobHasher;
}

/** Hashes on the calling thread (the event loop). Measured cost: see the bench. */
export const inlineBlobHasherFactory: BlobHasherFactory = {
  createHasher(options) {
    const state = new BlobHashState(options);
    return {
      update: (chunk) => {
        state.update(chunk);
        return Promise.resolve();
      },
      finish: () => Promise.resolve(state.finish()),
      abort: () => {},
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Encoding of header values

/** Base64 of a digest, as in `Content-MD5` and `x-amz-checksum-*`. */
export function digestToBase64(digest: Uint8Array): string {
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('base64');
}

/** Hex of a digest (ETag, blake3 in metadata). */
export function digestToHex(digest: Uint8Array): string {
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('hex');
}

/**
 * Decodes an untrusted base64 header value into a digest of exactly `sizeBytes`, or null when it
 * is not canonical base64 of that size (S3 answers InvalidDigest / InvalidRequest then).
 */
export function digestFromBase64(valueUntrusted: string, sizeBytes: number): Uint8Array | null {
  const trimmed = valueUntrusted.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) return null;
  const decoded = Buffer.from(trimmed, 'base64');
  if (decoded.length !== sizeBytes) return null;
  // Reject non-canonical encodings (stray bits in the padding) so that comparing strings equals
  // comparing digests.
  if (decoded.toString('base64') !== trimmed) return null;
  return new Uint8Array(decoded);
}

/** Constant-shape comparison of two digests (they are not secrets; this is plain equality). */
export function digestsEqual(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && Buffer.compare(left, right) === 0;
}
