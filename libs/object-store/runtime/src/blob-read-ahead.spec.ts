/**
 * Streamed reads with read-ahead (blob-read-ahead.ts, `BlobStore.openChunks`). Goal: reading
 * ahead in the hash workers keeps the read path's promise — no byte of a chunk is handed out
 * before that chunk is verified, and nothing after a bad chunk is — while memory stays bounded (a
 * consumer that stops pulling stops the reads) and every buffer and file handle is given back
 * when a read ends early.
 *
 * Method: real files with the default 1 MiB chunks, read through the worker pool's reader (the
 * production path) and the inline one; a byte flipped in a middle chunk while reads past it are in
 * flight; a reader wrapper that counts and holds the reads issued; open descriptors counted in
 * /proc/self/fd.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { blake3Of, inlineBlobHasherFactory } from './blob-checksums.js';
import { inlineBlobChunkReader, type BlobChunkReader, type BlobChunkReadRequest, type BlobChunkReadResult } from './blob-chunk-reader.js';
import { BlobHashWorkerPool } from './blob-hash-worker.js';
import { BlobReadAhead, ChunkBufferPool, type VerifiedChunkSource } from './blob-read-ahead.js';
import { blobChunkSizeBytesDefault, BlobStore } from './blob-store.js';

const chunkSizeBytes = blobChunkSizeBytesDefault;
const workerPool = new BlobHashWorkerPool({ workerCount: 2 });
after(() => workerPool.close());

const readers: readonly (readonly [string, BlobChunkReader])[] = [
  ['worker pool', workerPool],
  ['inline', inlineBlobChunkReader],
];

async function withDirectory<T>(body: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'objectbox-read-ahead-'));
  try {
    return await body(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Descriptors of this process open on `path`. */
function openDescriptorsOn(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false; // closed meanwhile (readdir's own descriptor)
    }
  }).length;
}

/** Pulls until the end or the first error; the bytes handed out before it, and the error. */
async function pullAll(source: VerifiedChunkSource): Promise<{ bytes: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  try {
    for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) parts.push(Buffer.from(chunk.bytes));
    return { bytes: Buffer.concat(parts), error: null };
  } catch (error) {
    return { bytes: Buffer.concat(parts), error };
  }
}

/** A reader that counts the reads issued and keeps their promises, so a test can wait for all of them. */
function countingReader(inner: BlobChunkReader): BlobChunkReader & { readonly issued: Promise<BlobChunkReadResult>[] } {
  const issued: Promise<BlobChunkReadResult>[] = [];
  return {
    issued,
    readChunk(request: BlobChunkReadRequest) {
      const read = inner.readChunk(request);
      issued.push(read);
      return read;
    },
  };
}

/** A raw data file (no blob trailer: BlobReadAhead reads by descriptor and chunk table alone). */
async function dataFile(directory: string, chunkCount: number) {
  const data = randomBytes(chunkCount * chunkSizeBytes - 100);
  const path = join(directory, 'data');
  await writeFile(path, data);
  const chunkHashes = new Uint8Array(chunkCount * 32);
  for (let index = 0; index < chunkCount; index++) chunkHashes.set(blake3Of(data.subarray(index * chunkSizeBytes, (index + 1) * chunkSizeBytes)), index * 32);
  return { data, path, chunkHashes };
}

for (const [readerName, reader] of readers) {
  test(`${readerName}: a bad middle chunk with reads in flight past it: the chunks before it exactly, then BlobCorruption, nothing after; close frees the handle`, async () => {
    await withDirectory(async (directory) => {
      const store = await BlobStore.open({ directory, hasherFactory: inlineBlobHasherFactory, chunkReader: reader, readAheadChunkCount: 3 });
      const data = randomBytes(8 * chunkSizeBytes + 12345);
      const written = await store.write(Readable.from([data]), { sizeBytesMax: 16 * chunkSizeBytes, checksumAlgorithms: [] });
      const path = store.pathOf(written.blobId);
      const file = await readFile(path);
      file[4 * chunkSizeBytes + 777]! ^= 0x10; // chunk 4 of 9: chunks 5-7 are being read when it fails
      await writeFile(path, file);
      const source = await store.openChunks([{ blobId: written.blobId, expectedBlake3: written.blake3, sizeBytes: data.length }]);
      assert.equal(openDescriptorsOn(path), 1);
      const result = await pullAll(source);
      assert.deepEqual(result.error && { code: (result.error as { code: string }).code, reason: (result.error as { reason: string }).reason, chunkIndex: (result.error as { chunkIndex: number }).chunkIndex }, {
        code: 'BlobCorruption',
        reason: 'chunk-mismatch',
        chunkIndex: 4,
      });
      assert.ok(result.bytes.equals(data.subarray(0, 4 * chunkSizeBytes)), 'exactly the verified chunks before the bad one');
      await assert.rejects(source.next(), { code: 'BlobCorruption', chunkIndex: 4 }, 'nothing after the bad chunk, however often asked');
      await source.close();
      assert.equal(openDescriptorsOn(path), 0);
      // A range that ends before the bad chunk reads; one that starts in it fails at once.
      const before = await store.openChunks([{ blobId: written.blobId, expectedBlake3: written.blake3, sizeBytes: data.length }], { range: { start: 10, endInclusive: 4 * chunkSizeBytes - 1 } });
      assert.ok((await pullAll(before)).bytes.equals(data.subarray(10, 4 * chunkSizeBytes)));
      await before.close();
      const inside = await store.openChunks([{ blobId: written.blobId, expectedBlake3: written.blake3, sizeBytes: data.length }], { range: { start: 4 * chunkSizeBytes + 5, endInclusive: data.length - 1 } });
      const insideResult = await pullAll(inside);
      await inside.close();
      assert.equal(insideResult.bytes.length, 0);
      assert.equal((insideResult.error as { chunkIndex: number }).chunkIndex, 4);
      assert.equal(openDescriptorsOn(path), 0);
    });
  });

  test(`${readerName}: a consumer that stops pulling stops the reads (at most the read-ahead beyond what it took); close returns the buffers in flight`, async () => {
    await withDirectory(async (directory) => {
      const { data, path, chunkHashes } = await dataFile(directory, 12);
      const handle = await open(path);
      const counting = countingReader(reader);
      const pool = new ChunkBufferPool(chunkSizeBytes, 16);
      const readAhead = new BlobReadAhead({ fd: handle.fd, blobId: 'data', dataSizeBytes: data.length, chunkSizeBytes, chunkHashes, start: 0, endInclusive: data.length - 1, reader: counting, pool, readAheadChunkCount: 3 });
      const first = await readAhead.next();
      assert.ok(first !== null && first.bytes.equals(data.subarray(0, chunkSizeBytes)));
      // Every read issued so far has settled, and no more were issued meanwhile: the reads stopped.
      await Promise.all(counting.issued);
      assert.equal(counting.issued.length, 1 + 3);
      const second = await readAhead.next();
      assert.ok(second !== null && second.bytes.equals(data.subarray(chunkSizeBytes, 2 * chunkSizeBytes)));
      await Promise.all(counting.issued);
      assert.equal(counting.issued.length, 2 + 3);
      // Closed mid-way: the three reads in flight settle, their buffers go back; the two handed out
      // stay with the consumer until released.
      await readAhead.close();
      assert.equal(pool.spareCount, 3);
      first.release();
      first.release(); // a second release is ignored
      second.release();
      assert.equal(pool.spareCount, 5);
      await handle.close();
    });
  });
}

test('worker pool: a released buffer is reused, and the view the consumer kept reads as empty once a worker has it', async () => {
  await withDirectory(async (directory) => {
    const { data, path, chunkHashes } = await dataFile(directory, 4);
    const handle = await open(path);
    try {
      const pool = new ChunkBufferPool(chunkSizeBytes, 4);
      const readAhead = new BlobReadAhead({ fd: handle.fd, blobId: 'data', dataSizeBytes: data.length, chunkSizeBytes, chunkHashes, start: 0, endInclusive: data.length - 1, reader: workerPool, pool, readAheadChunkCount: 1 });
      const first = await readAhead.next(); // chunk 1 is read meanwhile, into a second buffer
      assert.ok(first !== null && first.bytes.equals(data.subarray(0, chunkSizeBytes)));
      const kept = first.bytes;
      first.release();
      assert.equal(pool.spareCount, 1);
      // Taking chunk 1 issues the read of chunk 2 into the buffer just released: transferred to a
      // worker, so the view the consumer kept is detached, empty, never another chunk's bytes.
      const second = await readAhead.next();
      assert.ok(second !== null && second.bytes.equals(data.subarray(chunkSizeBytes, 2 * chunkSizeBytes)));
      assert.equal(pool.spareCount, 0);
      assert.equal(kept.length, 0);
      const third = await readAhead.next();
      assert.ok(third !== null && third.bytes.equals(data.subarray(2 * chunkSizeBytes, 3 * chunkSizeBytes)));
      await readAhead.close();
    } finally {
      await handle.close();
    }
  });
});

test('worker pool: a read error rejects the read with its code, not a verdict', async () => {
  const notOpen = 0x3fffffff; // far above any descriptor limit
  await assert.rejects(workerPool.readChunk({ fd: notOpen, positionBytes: 0, lengthBytes: 10, buffer: new ArrayBuffer(10), expectedBlake3: new Uint8Array(32) }), { code: 'EBADF' });
});

test('close while a next() waits for its chunk: the file stays open until that read settles, the next() resolves null, every buffer goes back once', async () => {
  await withDirectory(async (directory) => {
    let openGate: () => void = () => {};
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    // Reads complete only once the gate opens: a worker still busy with them.
    const gated: BlobChunkReader = { readChunk: async (request) => (await Promise.all([inlineBlobChunkReader.readChunk(request), gate]))[0] };
    // A read-ahead of one: the only read in flight is the one the pending next() waits for.
    const store = await BlobStore.open({ directory, hasherFactory: inlineBlobHasherFactory, chunkReader: gated, readAheadChunkCount: 1 });
    const data = randomBytes(5 * chunkSizeBytes);
    const written = await store.write(Readable.from([data]), { sizeBytesMax: data.length, checksumAlgorithms: [] });
    const path = store.pathOf(written.blobId);
    const source = await store.openChunks([{ blobId: written.blobId, expectedBlake3: written.blake3, sizeBytes: data.length }]);
    const pending = source.next();
    let closed = false;
    const closing = source.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, false, 'close waits for the reads in flight');
    assert.equal(openDescriptorsOn(path), 1, 'the file is open while a read of it may be running');
    openGate();
    await closing;
    assert.equal(await pending, null);
    assert.equal(openDescriptorsOn(path), 0);
  });
});

test('ChunkBufferPool: a buffer given back twice is a programmer error', () => {
  const pool = new ChunkBufferPool(16, 4);
  const buffer = pool.take(16);
  pool.give(buffer);
  assert.throws(() => pool.give(buffer), /given back twice/);
  pool.give(new ArrayBuffer(8)); // another size: left to the GC
  assert.equal(pool.spareCount, 1);
});

test('the worker pool sends at most readsInflightMaxPerWorker reads per worker at once; the rest wait, complete in order, and fail typed when the pool closes', async () => {
  await withDirectory(async (directory) => {
    const path = join(directory, 'data');
    const data = randomBytes(4 * 64 * 1024);
    await writeFile(path, data);
    const handle = await open(path, 'r');
    const pool = new BlobHashWorkerPool({ workerCount: 1, readsInflightMaxPerWorker: 1 });
    try {
      const chunk = (index: number) => ({ fd: handle.fd, positionBytes: index * 64 * 1024, lengthBytes: 64 * 1024, buffer: new ArrayBuffer(64 * 1024), expectedBlake3: blake3Of(data.subarray(index * 64 * 1024, (index + 1) * 64 * 1024)) });
      const results = await Promise.all([0, 1, 2, 3, 2, 1].map((index) => pool.readChunk(chunk(index))));
      assert.deepEqual(results.map((result) => result.outcome), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
      assert.deepEqual(Buffer.from(results[3]!.buffer), data.subarray(3 * 64 * 1024));
      // Close with one read sent and five waiting: every one fails as the pool's, none hangs.
      const pending = [0, 1, 2, 3, 0, 1].map((index) => pool.readChunk(chunk(index)).then(() => 'read', (error: unknown) => error));
      await pool.close();
      for (const outcome of await Promise.all(pending)) assert.ok(outcome === 'read' || (outcome instanceof Error && outcome.name === 'BlobHashWorkerError'), String(outcome));
      await assert.rejects(pool.readChunk(chunk(0)), { name: 'BlobHashWorkerError' });
    } finally {
      await pool.close();
      await handle.close();
    }
  });
});
