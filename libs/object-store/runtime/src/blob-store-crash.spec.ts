/**
 * Crash and corruption tests of the blob store. Goal: a crash mid-write never leaves a partial
 * blob under a final name (only a temp file, which GC collects), and damage to a stored blob is
 * always a typed BlobCorruptionError, never silently wrong bytes.
 *
 * Method:
 * 1. A real process writing an endless body is killed with SIGKILL once its temp file has grown;
 *    the tree then holds exactly one `.tmp` file and no blob, and GC removes it once it is older
 *    than the grace period (and not before).
 * 2. Every single-bit flip at every byte offset of a small blob file (data, chunk table, trailer):
 *    a full read fails, the bytes it delivered before failing are a whole-chunk prefix of the
 *    original data that excludes the damaged chunk, and range reads fail exactly when they touch
 *    the damaged chunk (or the damage is in the table or trailer).
 * 3. Truncation at every length: reads and size queries fail with BlobCorruption.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { inlineBlobHasherFactory } from './blob-checksums.js';
import { isBlobStoreError } from './blob-errors.js';
import { BlobGarbageCollector } from './blob-gc.js';
import { BlobStore, type BlobWriteResult } from './blob-store.js';

async function withDirectory<T>(body: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'objectbox-blob-crash-'));
  try {
    return await body(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name)).sort();
}

/** Reads a stream to its end; returns the bytes delivered and the error that ended it, if any. */
async function drain(stream: Readable): Promise<{ bytes: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const part of stream) parts.push(part as Buffer);
    return { bytes: Buffer.concat(parts), error: null };
  } catch (error) {
    return { bytes: Buffer.concat(parts), error };
  }
}

/** Outcome of a read: bytes and error, whether it failed at open or while streaming. */
async function tryRead(store: BlobStore, written: BlobWriteResult, range?: { start: number; endInclusive: number }): Promise<{ bytes: Buffer; error: unknown }> {
  try {
    return await drain(await store.read(written.blobId, { expectedBlake3: written.blake3, ...(range === undefined ? {} : { range }) }));
  } catch (error) {
    return { bytes: Buffer.alloc(0), error };
  }
}

const isCorruption = (error: unknown) => isBlobStoreError(error) && error.code === 'BlobCorruption';

test('SIGKILL mid-write leaves only a temp file, which GC removes after the grace period', async () => {
  await withDirectory(async (directory) => {
    const blobs = join(directory, 'blobs');
    const storeUrl = new URL('./index.js', import.meta.url).href;
    const script = join(directory, 'writer.mjs');
    await writeFile(
      script,
      `import { BlobStore, inlineBlobHasherFactory } from ${JSON.stringify(storeUrl)};
const store = await BlobStore.open({ directory: process.argv[2], hasherFactory: inlineBlobHasherFactory });
const chunk = Buffer.alloc(64 * 1024, 7);
async function* endless() { for (;;) { yield chunk; await new Promise((resolve) => setTimeout(resolve, 1)); } }
await store.write(endless(), { sizeBytesMax: 1024 ** 3, checksumAlgorithms: ['CRC32'] });
`,
    );
    const store = await BlobStore.open({ directory: blobs, hasherFactory: inlineBlobHasherFactory });
    const committed = await store.write(Readable.from([Buffer.from('committed before the crash')]), { sizeBytesMax: 1024, checksumAlgorithms: [] });
    const child = spawn(process.execPath, [script, blobs], { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    try {
      // Poll (no fixed sleep) until the temp file holds at least 1 MiB, with a generous deadline.
      const deadlineMs = Date.now() + 60_000;
      for (;;) {
        const temporary = (await filesUnder(blobs)).filter((file) => file.endsWith('.tmp'));
        const sizeBytes = temporary.length === 1 ? (await stat(temporary[0]!).catch(() => ({ size: 0 }))).size : 0;
        if (sizeBytes >= 1024 * 1024) break;
        assert.ok(Date.now() < deadlineMs, 'the writer process made progress');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      child.kill('SIGKILL');
    }
    assert.equal(await exited, 'SIGKILL');
    const files = await filesUnder(blobs);
    assert.equal(files.length, 2, files.join(', '));
    assert.equal(files.filter((file) => file.endsWith('.tmp')).length, 1, 'exactly one temp file');
    assert.ok(files.includes(store.pathOf(committed.blobId)), 'the committed blob is intact');

    const gcAt = (nowMs: number) =>
      new BlobGarbageCollector({ directory: blobs, isReferenced: (blobId) => blobId === committed.blobId, gracePeriodMs: 60 * 60 * 1000, nowMs: () => nowMs, entriesScannedMaxPerPass: 100, deletionsMaxPerPass: 100 });
    const early = await gcAt(Date.now()).runPass();
    assert.equal(early.deletedTemporaryFileCount, 0, 'a young temp file may be a live write');
    assert.equal(early.youngEntryCount, 2);
    const late = await gcAt(Date.now() + 2 * 60 * 60 * 1000).runPass();
    assert.equal(late.deletedTemporaryFileCount, 1);
    assert.deepEqual(late.deletedBlobIds, []);
    assert.equal(late.referencedBlobCount, 1);
    assert.deepEqual(await filesUnder(blobs), [store.pathOf(committed.blobId)]);
    assert.equal((await drain(await store.read(committed.blobId, { expectedBlake3: committed.blake3 }))).bytes.toString(), 'committed before the crash');
  });
});

test('every single-bit flip anywhere in a blob file is detected, before any byte of the damaged chunk', async () => {
  await withDirectory(async (directory) => {
    const chunkSizeBytes = 256;
    const store = await BlobStore.open({ directory, hasherFactory: inlineBlobHasherFactory, chunkSizeBytes });
    const data = randomBytes(700);
    const written = await store.write(Readable.from([data]), { sizeBytesMax: 1024, checksumAlgorithms: [] });
    const path = store.pathOf(written.blobId);
    const original = await readFile(path);
    assert.equal(original.length, 700 + 3 * 32 + 64);
    for (let offset = 0; offset < original.length; offset++) {
      const damaged = Buffer.from(original);
      damaged[offset]! ^= 1 << (offset % 8);
      await writeFile(path, damaged);
      const whole = await tryRead(store, written);
      assert.ok(isCorruption(whole.error), `flip at ${offset} detected by a full read`);
      const damagedChunk = offset < data.length ? Math.floor(offset / chunkSizeBytes) : -1;
      // Delivered bytes are whole verified chunks before the damaged one (none when the table or
      // trailer is damaged: those fail before the stream is returned).
      const deliveredChunks = damagedChunk === -1 ? 0 : damagedChunk;
      assert.deepEqual(whole.bytes, data.subarray(0, deliveredChunks * chunkSizeBytes), `flip at ${offset}: only verified chunks delivered`);
      for (let chunk = 0; chunk < 3; chunk++) {
        const range = { start: chunk * chunkSizeBytes + 1, endInclusive: Math.min((chunk + 1) * chunkSizeBytes, data.length) - 1 };
        const ranged = await tryRead(store, written, range);
        const mustFail = damagedChunk === -1 || damagedChunk === chunk;
        assert.equal(isCorruption(ranged.error), mustFail, `flip at ${offset}, range over chunk ${chunk}`);
        if (!mustFail) assert.deepEqual(ranged.bytes, data.subarray(range.start, range.endInclusive + 1));
      }
    }
    await writeFile(path, original);
    assert.deepEqual((await tryRead(store, written)).bytes, data);
  });
});

test('a flip in the last chunk withholds the last chunk: the reader sees an error, not bad bytes', async () => {
  await withDirectory(async (directory) => {
    const store = await BlobStore.open({ directory, hasherFactory: inlineBlobHasherFactory });
    const data = randomBytes(3 * 1024 * 1024 + 100);
    const written = await store.write(Readable.from([data]), { sizeBytesMax: 8 * 1024 * 1024, checksumAlgorithms: [] });
    const path = store.pathOf(written.blobId);
    const damaged = await readFile(path);
    damaged[data.length - 1]! ^= 0x80;
    await writeFile(path, damaged);
    const result = await tryRead(store, written);
    assert.ok(isCorruption(result.error));
    assert.equal((result.error as { chunkIndex: number }).chunkIndex, 3);
    assert.deepEqual(result.bytes, data.subarray(0, 3 * 1024 * 1024));
  });
});

test('a truncated blob is detected at every length', async () => {
  await withDirectory(async (directory) => {
    const store = await BlobStore.open({ directory, hasherFactory: inlineBlobHasherFactory, chunkSizeBytes: 128 });
    const data = randomBytes(300);
    const written = await store.write(Readable.from([data]), { sizeBytesMax: 1024, checksumAlgorithms: [] });
    const path = store.pathOf(written.blobId);
    const original = await readFile(path);
    for (let length = 0; length < original.length; length++) {
      await writeFile(path, original);
      await truncate(path, length);
      const result = await tryRead(store, written);
      assert.ok(isCorruption(result.error), `truncated to ${length}`);
      assert.equal(result.bytes.length, 0, `truncated to ${length}: nothing delivered`);
      await assert.rejects(store.statSizeBytes(written.blobId), { code: 'BlobCorruption' }, `size of a blob truncated to ${length}`);
    }
  });
});
