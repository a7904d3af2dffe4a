/**
 * The blob store on real files. Goal: bytes come back exactly as written (whole, in any range,
 * concatenated), the digests returned are those of the bytes, every client-side mistake is its
 * typed error, and no failed or aborted write leaves anything behind.
 *
 * Method: temp directories; sizes around the chunk boundaries with a small chunk size (so the
 * chunk table has many entries) and one multi-MiB blob with the default; every range of a small
 * blob by property test; each write failure checked for its error class and for an empty tree
 * afterwards. Both hasher factories (inline and the worker pool) run the same round trips.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { checksumOf, digestToBase64, inlineBlobHasherFactory, type BlobHasherFactory } from './blob-checksums.js';
import { isBlobStoreError } from './blob-errors.js';
import { BlobHashWorkerPool } from './blob-hash-worker.js';
import { BatchedWriter, BlobStore, type BlobStoreOptions, type BlobWriteOptions } from './blob-store.js';

async function withStore<T>(body: (store: BlobStore, directory: string) => Promise<T>, options: Partial<BlobStoreOptions> = {}): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'objectbox-blobs-'));
  try {
    const store = await BlobStore.open({ directory: join(directory, 'blobs'), hasherFactory: inlineBlobHasherFactory, chunkSizeBytes: 1024, ...options });
    return await body(store, join(directory, 'blobs'));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Every file under `directory`, relative. */
async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1)).sort();
}

async function* chunksOf(data: Uint8Array, chunkSizeBytes: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < data.length; offset += chunkSizeBytes) yield data.subarray(offset, offset + chunkSizeBytes);
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

const writeOptions = (overrides: Partial<BlobWriteOptions> = {}): BlobWriteOptions => ({ sizeBytesMax: 64 * 1024 * 1024, checksumAlgorithms: [], ...overrides });

/** Random bytes stored as the log stores a small object (readSmall, then storeApplied), with the file's path and contents. */
async function storeSmallFromLog(store: BlobStore, sizeBytes: number, chunkSizeBytes: number) {
  const data = new Uint8Array(randomBytes(sizeBytes));
  const { result, bytes } = await store.readSmall(chunksOf(data, chunkSizeBytes), writeOptions());
  await store.storeApplied(result, bytes);
  const path = store.pathOf(result.blobId);
  return { data, result, path, file: readFileSync(path) };
}

async function roundTrips(hasherFactory: BlobHasherFactory): Promise<void> {
  await withStore(
    async (store, directory) => {
      for (const sizeBytes of [0, 1, 1023, 1024, 1025, 3 * 1024 + 512, 20_000]) {
        const data = new Uint8Array(randomBytes(sizeBytes));
        const result = await store.write(chunksOf(data, 777), writeOptions({ expectedSizeBytes: sizeBytes, checksumAlgorithms: ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] }));
        assert.equal(result.sizeBytes, sizeBytes);
        assert.equal(result.md5, createHash('md5').update(data).digest('hex'));
        assert.equal(result.checksums.SHA256, createHash('sha256').update(data).digest('base64'));
        assert.equal(result.checksums.CRC64NVME, digestToBase64(checksumOf('CRC64NVME', data)));
        assert.match(result.blake3, /^[0-9a-f]{64}$/);
        assert.deepEqual(await readAll(await store.read(result.blobId, { expectedBlake3: result.blake3 })), Buffer.from(data));
        assert.equal(await store.statSizeBytes(result.blobId), sizeBytes);
        assert.equal(await store.exists(result.blobId), true);
      }
      const files = await filesUnder(directory);
      assert.equal(files.length, 7);
      assert.ok(files.every((file) => /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{32}$/.test(file)), files.join(','));
    },
    { hasherFactory },
  );
}

test('round trip around chunk boundaries, inline hasher', () => roundTrips(inlineBlobHasherFactory));

test('round trip around chunk boundaries, worker pool hasher', async () => {
  const pool = new BlobHashWorkerPool({ workerCount: 1, batchSizeBytes: 4096, inflightBytesMaxPerHasher: 8192 });
  try {
    await roundTrips(pool);
  } finally {
    await pool.close();
  }
});

test('a multi-MiB blob with the default chunk size, from a Readable, read whole and by ranges', async () => {
  await withStore(
    async (store) => {
      // Above 16 MiB: the writer's background datasyncs run while the body still streams.
      const data = new Uint8Array(randomBytes(33 * 1024 * 1024 + 1));
      const result = await store.write(Readable.from(Buffer.from(data), { objectMode: false, highWaterMark: 64 * 1024 }), writeOptions({ checksumAlgorithms: ['CRC32'] }));
      assert.equal(result.sizeBytes, data.length);
      assert.deepEqual(await readAll(await store.read(result.blobId, { expectedBlake3: result.blake3 })), Buffer.from(data));
      const mebibyte = 1024 * 1024;
      for (const [start, endInclusive] of [[0, 0], [mebibyte - 1, mebibyte], [3 * mebibyte + 5, 5 * mebibyte], [data.length - 1, data.length - 1]] as const) {
        const bytes = await readAll(await store.read(result.blobId, { expectedBlake3: result.blake3, range: { start, endInclusive } }));
        assert.deepEqual(bytes, Buffer.from(data.subarray(start, endInclusive + 1)), `${start}-${endInclusive}`);
      }
    },
    { chunkSizeBytes: undefined },
  );
});

test('every range of a small blob reads back exactly', async () => {
  await withStore(async (store) => {
    const data = new Uint8Array(randomBytes(5000));
    const result = await store.write(chunksOf(data, 333), writeOptions());
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 4999 }), fc.nat({ max: 4999 }), async (a, b) => {
        const [start, endInclusive] = a <= b ? [a, b] : [b, a];
        const bytes = await readAll(await store.read(result.blobId, { expectedBlake3: result.blake3, range: { start, endInclusive } }));
        assert.deepEqual(bytes, Buffer.from(data.subarray(start, endInclusive + 1)));
      }),
      { numRuns: 200 },
    );
    await assert.rejects(store.read(result.blobId, { expectedBlake3: result.blake3, range: { start: 10, endInclusive: 5000 } }), { code: 'InvalidRange' });
  });
});

test('concatRead streams parts in order, verifies each, and serves ranges across parts', async () => {
  await withStore(async (store) => {
    const datas = [3000, 1, 0, 2048, 5].map((size) => new Uint8Array(randomBytes(size)));
    const parts = [];
    for (const data of datas) {
      const result = await store.write(chunksOf(data, 1000), writeOptions());
      parts.push({ blobId: result.blobId, expectedBlake3: result.blake3, sizeBytes: result.sizeBytes });
    }
    const whole = Buffer.concat(datas);
    assert.deepEqual(await readAll(await store.concatRead(parts)), whole);
    for (const [start, endInclusive] of [[0, 2999], [2999, 3001], [2500, 5050], [3001, 3001], [whole.length - 6, whole.length - 1]] as const) {
      assert.deepEqual(await readAll(await store.concatRead(parts, { range: { start, endInclusive } })), whole.subarray(start, endInclusive + 1), `${start}-${endInclusive}`);
    }
    const wrongSize = parts.map((part, index) => (index === 3 ? { ...part, sizeBytes: part.sizeBytes + 1 } : part));
    await assert.rejects(readAll(await store.concatRead(wrongSize)), { code: 'BlobCorruption', reason: 'size-mismatch' });
    const missing = [parts[0]!, { ...parts[1]!, blobId: 'f'.repeat(32) }];
    await assert.rejects(readAll(await store.concatRead(missing)), { code: 'BlobNotFound' });
  });
});

test('reads check the blob id and the expected blake3', async () => {
  await withStore(async (store) => {
    const result = await store.write(chunksOf(new Uint8Array(10), 10), writeOptions());
    await assert.rejects(store.read('0'.repeat(32), { expectedBlake3: result.blake3 }), { code: 'BlobNotFound' });
    await assert.rejects(store.read(result.blobId, { expectedBlake3: '0'.repeat(64) }), { code: 'BlobCorruption', reason: 'expected-blake3-mismatch' });
    await assert.rejects(store.statSizeBytes('0'.repeat(32)), { code: 'BlobNotFound' });
    assert.equal(await store.delete(result.blobId), true);
    assert.equal(await store.delete(result.blobId), false);
    assert.equal(await store.exists(result.blobId), false);
  });
});

test('client checksums: verified, typed errors on mismatch and on malformed values, trailers too', async () => {
  await withStore(async (store, directory) => {
    const data = new Uint8Array(Buffer.from('hello blob store'));
    const md5 = createHash('md5').update(data).digest('base64');
    const crc32 = digestToBase64(checksumOf('CRC32', data));
    const ok = await store.write(chunksOf(data, 4), writeOptions({ contentMd5: md5, expectedChecksums: { CRC32: crc32 } }));
    assert.equal(ok.checksums.CRC32, crc32, 'an expected checksum is computed even when not asked for');
    const failures: [Partial<BlobWriteOptions>, string][] = [
      [{ contentMd5: createHash('md5').update('other').digest('base64') }, 'BadDigest'],
      [{ contentMd5: 'abc' }, 'InvalidDigest'],
      [{ expectedChecksums: { SHA256: createHash('sha256').update('other').digest('base64') } }, 'ChecksumMismatch'],
      [{ expectedChecksums: { CRC32C: 'AAAAAAAA' } }, 'InvalidChecksum'],
      [{ checksumAlgorithms: ['CRC64NVME'], expectedChecksums: () => ({ CRC64NVME: 'AAAAAAAAAAA=' }) }, 'ChecksumMismatch'],
      [{ expectedSizeBytes: data.length + 1 }, 'IncompleteBody'],
      [{ expectedSizeBytes: data.length - 1 }, 'BodyTooLong'],
      [{ sizeBytesMax: data.length - 1 }, 'EntityTooLarge'],
      [{ expectedSizeBytes: 100, sizeBytesMax: 99 }, 'EntityTooLarge'],
    ];
    for (const [overrides, code] of failures) {
      await assert.rejects(store.write(chunksOf(data, 4), writeOptions(overrides)), (error) => isBlobStoreError(error) && error.code === code, code);
    }
    const trailer = await store.write(chunksOf(data, 4), writeOptions({ checksumAlgorithms: ['CRC64NVME'], expectedChecksums: () => ({ CRC64NVME: digestToBase64(checksumOf('CRC64NVME', data)) }) }));
    assert.equal(trailer.sizeBytes, data.length);
    assert.deepEqual((await filesUnder(directory)).length, 2, 'failed writes left nothing behind');
  });
});

test('the store-wide size limit caps every write', async () => {
  await withStore(
    async (store) => {
      await assert.rejects(store.write(chunksOf(new Uint8Array(101), 50), writeOptions()), { code: 'EntityTooLarge', sizeBytesMax: 100 });
    },
    { blobSizeBytesMax: 100 },
  );
});

test('a source error or an abort removes the temp file; an abort interrupts a stalled source', async () => {
  await withStore(async (store, directory) => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(5000);
      throw new Error('client reset');
    }
    await assert.rejects(store.write(failing(), writeOptions()), /client reset/);
    const controller = new AbortController();
    async function* stalling(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(5000);
      controller.abort(new Error('client went away'));
      await new Promise(() => {}); // never sends another byte
    }
    await assert.rejects(store.write(stalling(), writeOptions({ signal: controller.signal })), { code: 'BlobWriteAborted' });
    const alreadyAborted = AbortSignal.abort();
    await assert.rejects(store.write(chunksOf(new Uint8Array(10), 10), writeOptions({ signal: alreadyAborted })), { code: 'BlobWriteAborted' });
    const readable = new Readable({ read() {} });
    readable.push(Buffer.alloc(100));
    const abortReadable = new AbortController();
    const writing = store.write(readable, writeOptions({ signal: abortReadable.signal }));
    setTimeout(() => abortReadable.abort(), 5);
    await assert.rejects(writing, { code: 'BlobWriteAborted' });
    assert.deepEqual(await filesUnder(directory), []);
    assert.equal(readable.destroyed, true, 'the stalled Readable was destroyed');
  });
});

test('a destroyed or abandoned read stream releases its file handle', async () => {
  await withStore(async (store) => {
    const result = await store.write(chunksOf(new Uint8Array(randomBytes(5000)), 1000), writeOptions());
    const openFileCount = async () => (await readdir('/proc/self/fd')).length;
    const before = await openFileCount();
    for (let round = 0; round < 20; round++) {
      const stream = await store.read(result.blobId, { expectedBlake3: result.blake3 });
      const closed = new Promise((resolve) => stream.once('close', resolve));
      if (round % 2 === 0) stream.destroy();
      else for await (const _ of stream) break;
      await closed;
    }
    // Handle closes complete asynchronously after 'close'; poll without timing assertions.
    for (let attempt = 0; attempt < 100 && (await openFileCount()) > before; attempt++) await new Promise((resolve) => setImmediate(resolve));
    assert.ok((await openFileCount()) <= before, 'no file descriptor left open');
  });
});

test('a small body read into memory and stored on apply reads back like a written blob, with the same digests', async () => {
  await withStore(async (store, directory) => {
    for (const sizeBytes of [0, 1, 1024, 3000]) {
      const data = new Uint8Array(randomBytes(sizeBytes));
      const options = writeOptions({ expectedSizeBytes: sizeBytes, checksumAlgorithms: ['CRC32C'], contentMd5: createHash('md5').update(data).digest('base64') });
      const small = await store.readSmall(chunksOf(data, 700), options);
      assert.deepEqual(Buffer.from(small.bytes), Buffer.from(data));
      const written = await store.write(chunksOf(data, 700), options);
      assert.equal(small.result.blake3, written.blake3, 'the same root as the file path');
      assert.equal(small.result.md5, written.md5);
      assert.deepEqual(small.result.checksums, written.checksums);
      assert.equal(await store.exists(small.result.blobId), false, 'reading stores nothing');
      await store.storeApplied(small.result, small.bytes);
      assert.deepEqual(await readAll(await store.read(small.result.blobId, { expectedBlake3: small.result.blake3 })), Buffer.from(data));
    }
    assert.equal(store.unsyncedAppliedCount, 4);
    await store.syncApplied();
    assert.equal(store.unsyncedAppliedCount, 0);
    assert.ok((await filesUnder(directory)).every((file) => !file.endsWith('.tmp')));
  });
});

test('a signed payload SHA-256 is checked with the other digests, before anything is stored, and not returned unless requested', async () => {
  class PayloadMismatch extends Error {}
  await withStore(async (store, directory) => {
    for (const sizeBytes of [0, 100, 5000]) {
      const data = new Uint8Array(randomBytes(sizeBytes));
      const sha256Hex = createHash('sha256').update(data).digest('hex');
      const seen: string[] = [];
      const check = (expected: string) => ({
        verify: (actual: string) => {
          seen.push(actual);
          if (actual !== expected) throw new PayloadMismatch(actual);
        },
      });
      const written = await store.write(chunksOf(data, 700), writeOptions({ expectedSizeBytes: sizeBytes, payloadSha256: check(sha256Hex) }));
      assert.deepEqual(written.checksums, {}, 'SHA-256 computed for the check only');
      const small = await store.readSmall(chunksOf(data, 700), writeOptions({ expectedSizeBytes: sizeBytes, payloadSha256: check(sha256Hex) }));
      assert.equal(small.result.md5, written.md5);
      const requested = await store.write(chunksOf(data, 700), writeOptions({ expectedSizeBytes: sizeBytes, checksumAlgorithms: ['SHA256'], payloadSha256: check(sha256Hex) }));
      assert.equal(requested.checksums.SHA256, createHash('sha256').update(data).digest('base64'));
      assert.deepEqual(seen, [sha256Hex, sha256Hex, sha256Hex]);
      const before = await filesUnder(directory);
      await assert.rejects(store.write(chunksOf(data, 700), writeOptions({ expectedSizeBytes: sizeBytes, payloadSha256: check('0'.repeat(64)) })), PayloadMismatch);
      await assert.rejects(store.readSmall(chunksOf(data, 700), writeOptions({ expectedSizeBytes: sizeBytes, payloadSha256: check('0'.repeat(64)) })), PayloadMismatch);
      assert.deepEqual(await filesUnder(directory), before, 'a refused payload leaves no file');
    }
  });
});

test('readSmall verifies like write; storeApplied refuses bytes that are not the blob', async () => {
  await withStore(async (store, directory) => {
    const data = new Uint8Array(Buffer.from('small body'));
    await assert.rejects(store.readSmall(chunksOf(data, 3), writeOptions({ contentMd5: createHash('md5').update('x').digest('base64') })), { code: 'BadDigest' });
    await assert.rejects(store.readSmall(chunksOf(data, 3), writeOptions({ sizeBytesMax: 4 })), { code: 'EntityTooLarge' });
    await assert.rejects(store.readSmall(chunksOf(data, 3), writeOptions({ expectedSizeBytes: 11 })), { code: 'IncompleteBody' });
    const { result } = await store.readSmall(chunksOf(data, 3), writeOptions());
    assert.throws(() => store.storeApplied(result, new Uint8Array(Buffer.from('SMALL BODY'))), { code: 'BlobCorruption' });
    assert.deepEqual(await filesUnder(directory), [], 'nothing stored for refused bytes');
  });
});

test('a read, stat or delete of a blob being stored from the log waits for the write', async () => {
  await withStore(async (store) => {
    const data = new Uint8Array(randomBytes(2000));
    const { result, bytes } = await store.readSmall(chunksOf(data, 500), writeOptions());
    // Not awaited: each call below starts while the background write is in progress.
    const stored = store.storeApplied(result, bytes);
    const [read, size, exists] = await Promise.all([store.read(result.blobId, { expectedBlake3: result.blake3 }).then(readAll), store.statSizeBytes(result.blobId), store.exists(result.blobId)]);
    await stored;
    assert.deepEqual(read, Buffer.from(data));
    assert.equal(size, 2000);
    assert.equal(exists, true);
    const second = await store.readSmall(chunksOf(data, 500), writeOptions());
    void store.storeApplied(second.result, second.bytes);
    assert.equal(await store.delete(second.result.blobId), true, 'the delete waited for the file to exist');
    assert.equal(await store.exists(second.result.blobId), false, 'and the write did not bring it back');
  });
});

test('new blob ids share their shard directories in runs', async () => {
  await withStore(async (store, directory) => {
    const ids: string[] = [];
    for (let index = 0; index < 20; index++) ids.push((await store.write(chunksOf(new Uint8Array(10), 10), writeOptions())).blobId);
    assert.equal(new Set(ids).size, 20);
    assert.equal(new Set(ids.map((id) => id.slice(0, 4))).size, 1, 'one shard for a short run');
    assert.equal((await readdir(directory)).length, 1);
  });
});

test('readWhole from disk (no small-blob cache) returns a small blob verified, and refuses a flipped bit, a wrong size and a wrong root', async () => {
  await withStore(async (store) => {
    for (const sizeBytes of [1, 1024, 2500]) {
      const data = new Uint8Array(randomBytes(sizeBytes));
      const written = await store.write(chunksOf(data, 300), writeOptions());
      assert.deepEqual(await store.readWhole(written.blobId, { expectedBlake3: written.blake3, sizeBytes }), Buffer.from(data));
      await assert.rejects(store.readWhole(written.blobId, { expectedBlake3: written.blake3, sizeBytes: sizeBytes + 1 }), { code: 'BlobCorruption' });
      await assert.rejects(store.readWhole(written.blobId, { expectedBlake3: '0'.repeat(64), sizeBytes }), { code: 'BlobCorruption' });
      const path = store.pathOf(written.blobId);
      const file = readFileSync(path);
      file[sizeBytes - 1]! ^= 1;
      writeFileSync(path, file);
      await assert.rejects(store.readWhole(written.blobId, { expectedBlake3: written.blake3, sizeBytes }), { code: 'BlobCorruption', reason: 'chunk-mismatch' });
    }
    await assert.rejects(store.readWhole('0'.repeat(32), { expectedBlake3: '0'.repeat(64), sizeBytes: 1 }), { code: 'BlobNotFound' });
  }, { smallBlobCacheBytesMax: 0 });
});

test('readWhole serves a small blob from memory once stored from the log or read, verified every time, and forgets it on delete', async () => {
  await withStore(async (store) => {
    const { data, result, path, file } = await storeSmallFromLog(store, 2500, 500);
    // Gone from disk behind the store's back: only the cached image can answer now.
    await rm(path);
    const read = { expectedBlake3: result.blake3, sizeBytes: 2500 };
    assert.deepEqual(await store.readWhole(result.blobId, read), Buffer.from(data));
    // A hit is checked as a disk read is: against the metadata's root and size.
    await assert.rejects(store.readWhole(result.blobId, { ...read, expectedBlake3: '0'.repeat(64) }), { code: 'BlobCorruption', reason: 'expected-blake3-mismatch' });
    await assert.rejects(store.readWhole(result.blobId, { ...read, sizeBytes: 2501 }), { code: 'BlobCorruption', reason: 'size-mismatch' });
    assert.equal(await store.delete(result.blobId), false, 'the file was already gone');
    await assert.rejects(store.readWhole(result.blobId, read), { code: 'BlobNotFound' }, 'delete dropped the cached image');
    // A blob read whole from disk is kept after its read, so it too is served without the file.
    writeFileSync(path, file);
    assert.deepEqual(await store.readWhole(result.blobId, read), Buffer.from(data));
    await rm(path);
    assert.deepEqual(await store.readWhole(result.blobId, read), Buffer.from(data));
  });
});

test('a whole read under way when its blob is deleted does not put the image back in memory (review: 500 of 500 runs did)', async () => {
  await withStore(async (store) => {
    const { result, path, file } = await storeSmallFromLog(store, 3000, 1000);
    await store.delete(result.blobId); // the image leaves memory; the file is put back, uncached
    writeFileSync(path, file);
    const read = { expectedBlake3: result.blake3, sizeBytes: 3000 };
    const reading = store.readWhole(result.blobId, read).then((value) => value, (error: unknown) => error);
    assert.equal(await store.delete(result.blobId), true);
    const first = await reading;
    assert.ok(first instanceof Uint8Array || (first as { code?: string }).code === 'BlobNotFound', String(first));
    await assert.rejects(store.readWhole(result.blobId, read), { code: 'BlobNotFound' }, 'the deleted blob is served from nowhere');
  });
});

test('syncApplied falls back to fsyncing each file and directory where `sync --file-system` is missing', async () => {
  await withStore(async (store) => {
    const stored = [];
    for (let index = 0; index < 3; index++) {
      const { result, bytes } = await store.readSmall(chunksOf(new Uint8Array(randomBytes(100)), 100), writeOptions());
      await store.storeApplied(result, bytes);
      stored.push(result);
    }
    await store.delete(stored[0]!.blobId); // deleted since: nothing to sync for it
    const path = process.env['PATH'];
    process.env['PATH'] = '';
    try {
      await store.syncApplied();
    } finally {
      process.env['PATH'] = path;
    }
    assert.equal(store.unsyncedAppliedCount, 0);
    assert.equal(await store.exists(stored[1]!.blobId), true);
  });
});

/** A file handle whose writes wait until released, recording (position, bytes) per writev. */
class GatedHandle {
  readonly writes: { position: number; bytes: Buffer }[] = [];
  readonly gates: (() => void)[] = [];
  failOnWrite: number | undefined;
  async writev(chunks: Uint8Array[], position: number): Promise<{ bytesWritten: number; buffers: Uint8Array[] }> {
    const number = this.writes.length;
    const bytes = Buffer.concat(chunks);
    this.writes.push({ position, bytes });
    await new Promise<void>((resolve) => this.gates.push(resolve));
    if (number === this.failOnWrite) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    return { bytesWritten: bytes.length, buffers: chunks };
  }
  async datasync(): Promise<void> {}
  openAll(): void {
    for (const gate of this.gates.splice(0)) gate();
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('BatchedWriter: the next batch gathers while one is written; writes are contiguous and in order', async () => {
  const handle = new GatedHandle();
  const writer = new BatchedWriter(handle as never, 4);
  await writer.add(Buffer.from('abcd'));
  assert.equal(handle.writes.length, 1, 'a full batch starts writing');
  await writer.add(Buffer.from('ef'));
  let thirdAdded = false;
  const third = writer.add(Buffer.from('gh')).then(() => (thirdAdded = true));
  await tick();
  assert.equal(thirdAdded, false, 'a second full batch waits for the write in flight');
  handle.openAll();
  await third;
  assert.equal(handle.writes.length, 2);
  const flushed = writer.flush();
  await tick();
  handle.openAll();
  await flushed;
  assert.deepEqual(handle.writes.map(({ position, bytes }) => [position, bytes.toString()]), [[0, 'abcd'], [4, 'efgh']]);
});

test('BatchedWriter: a failed background write fails the next add or flush, and nothing is written after it', async () => {
  const handle = new GatedHandle();
  handle.failOnWrite = 0;
  const writer = new BatchedWriter(handle as never, 4);
  await writer.add(Buffer.from('abcd'));
  handle.openAll();
  await tick();
  await assert.rejects(writer.add(Buffer.from('efgh')), /ENOSPC/);
  await assert.rejects(writer.flush(), /ENOSPC/);
  assert.equal(handle.writes.length, 1, 'no write after the failed one');
});
