/**
 * The GET body path (`sendChunks` in s3-handlers-object.ts) over a real socket. Goal: a client
 * receives only verified bytes — a bad chunk in the middle cuts the connection after exactly the
 * chunks before it, a bad first chunk fails before the headers go out (so the edge can still answer
 * an S3 error) — and a client that stops reading stops the server's reads: what the server holds
 * for it stays bounded by the read-ahead and the chunk being written.
 *
 * Method: a real BlobStore (default 1 MiB chunks, reads in the worker pool) behind a `node:http`
 * server whose handler is `sendChunks`, as the edge calls it (a rejection after the headers went
 * out destroys the response, as `S3Server#fail` does); raw `node:net` clients; a counting reader.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { inlineBlobHasherFactory } from './blob-checksums.js';
import type { BlobChunkReader, BlobChunkReadResult } from './blob-chunk-reader.js';
import { BlobHashWorkerPool } from './blob-hash-worker.js';
import { blobChunkSizeBytesDefault, BlobStore, type BlobPart } from './blob-store.js';
import { sendChunks } from './s3-handlers-object.js';

const chunkSizeBytes = blobChunkSizeBytesDefault;
const workerPool = new BlobHashWorkerPool({ workerCount: 2 });
after(() => workerPool.close());

interface Served {
  readonly port: number;
  /** Each GET's outcome: resolved or the error `sendChunks` rejected with, and whether headers had gone out. */
  readonly outcomes: Promise<{ error: unknown; headersSent: boolean }>[];
  readonly responses: ServerResponse[];
  close(): Promise<void>;
}

/** An HTTP server answering every request with `part`'s bytes through `sendChunks`. */
async function serve(store: BlobStore, part: BlobPart): Promise<Served> {
  const outcomes: Served['outcomes'] = [];
  const responses: ServerResponse[] = [];
  const server = createServer((_request, response) => {
    responses.push(response);
    response.setHeader('content-length', part.sizeBytes);
    outcomes.push(
      (async () => {
        try {
          await sendChunks(response, await store.openChunks([part]));
          return { error: null, headersSent: response.headersSent };
        } catch (error) {
          const headersSent = response.headersSent;
          if (headersSent) response.destroy(); // as S3Server#fail: mid-body, cutting is the only signal
          else response.writeHead(500).end();
          return { error, headersSent };
        }
      })(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    outcomes,
    responses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A GET on a raw socket read to its end: the body bytes after the headers, and the status. */
async function get(port: number): Promise<{ status: number; body: Buffer }> {
  const socket = connect(port, '127.0.0.1');
  const parts: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => parts.push(chunk));
  socket.on('error', () => {});
  socket.write('GET / HTTP/1.1\r\nhost: spec\r\nconnection: close\r\n\r\n');
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const all = Buffer.concat(parts);
  const headerEnd = all.indexOf('\r\n\r\n');
  return { status: Number(all.subarray(9, 12).toString('latin1')), body: all.subarray(headerEnd + 4) };
}

async function withStoredBlob<T>(options: { chunkCount: number; reader: BlobChunkReader; flipChunkIndex?: number }, body: (store: BlobStore, part: BlobPart, data: Buffer) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'objectbox-get-streaming-'));
  try {
    const store = await BlobStore.open({ directory, hasherFactory: inlineBlobHasherFactory, chunkReader: options.reader, readAheadChunkCount: 3 });
    const data = randomBytes(options.chunkCount * chunkSizeBytes - 1000);
    const written = await store.write(Readable.from([data]), { sizeBytesMax: data.length, checksumAlgorithms: [] });
    if (options.flipChunkIndex !== undefined) {
      const path = store.pathOf(written.blobId);
      const file = await readFile(path);
      file[options.flipChunkIndex * chunkSizeBytes + 4321]! ^= 0x01;
      await writeFile(path, file);
    }
    return await body(store, { blobId: written.blobId, expectedBlake3: written.blake3, sizeBytes: data.length }, data);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

test('a whole blob arrives intact', async () => {
  await withStoredBlob({ chunkCount: 9, reader: workerPool }, async (store, part, data) => {
    const served = await serve(store, part);
    try {
      const { status, body } = await get(served.port);
      assert.equal(status, 200);
      assert.ok(body.equals(data));
      assert.deepEqual(await served.outcomes[0], { error: null, headersSent: true });
    } finally {
      await served.close();
    }
  });
});

test('a bad middle chunk: the client gets exactly the chunks before it, then the connection is cut', async () => {
  await withStoredBlob({ chunkCount: 9, reader: workerPool, flipChunkIndex: 5 }, async (store, part, data) => {
    const served = await serve(store, part);
    try {
      const { status, body } = await get(served.port);
      assert.equal(status, 200);
      assert.equal(body.length, 5 * chunkSizeBytes);
      assert.ok(body.equals(data.subarray(0, 5 * chunkSizeBytes)));
      const outcome = await served.outcomes[0]!;
      assert.equal((outcome.error as { code: string }).code, 'BlobCorruption');
      assert.equal((outcome.error as { chunkIndex: number }).chunkIndex, 5);
    } finally {
      await served.close();
    }
  });
});

test('a bad first chunk fails before the headers are sent, so the edge can answer an error', async () => {
  await withStoredBlob({ chunkCount: 3, reader: workerPool, flipChunkIndex: 0 }, async (store, part) => {
    const served = await serve(store, part);
    try {
      const { status, body } = await get(served.port);
      assert.equal(status, 500);
      assert.equal(body.length, 0);
      const outcome = await served.outcomes[0]!;
      assert.equal(outcome.headersSent, false);
      assert.equal((outcome.error as { code: string }).code, 'BlobCorruption');
    } finally {
      await served.close();
    }
  });
});

test('a client that stops reading stops the reads; when it goes away the GET ends and its file handle closes', async () => {
  const issued: Promise<BlobChunkReadResult>[] = [];
  const counting: BlobChunkReader = {
    readChunk(request) {
      const read = workerPool.readChunk(request);
      issued.push(read);
      return read;
    },
  };
  // 48 MiB: far more than the loopback socket buffers can hold.
  await withStoredBlob({ chunkCount: 48, reader: counting }, async (store, part) => {
    const served = await serve(store, part);
    try {
      const socket = connect(served.port, '127.0.0.1');
      socket.on('error', () => {});
      let receivedBytes = 0;
      socket.on('data', (chunk: Buffer) => {
        receivedBytes += chunk.length;
        if (receivedBytes > 64 * 1024) socket.pause(); // a client that stops reading
      });
      socket.write('GET / HTTP/1.1\r\nhost: spec\r\n\r\n');
      // Wait (with a deadline, not a sleep) until the server waits for 'drain' and its reads settled.
      const deadline = Date.now() + 20_000;
      let settledCount = -1;
      while (Date.now() < deadline) {
        const response = served.responses[0];
        if (response !== undefined && response.writableNeedDrain && settledCount === issued.length) break;
        settledCount = issued.length;
        await Promise.all(issued);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const response = served.responses[0]!;
      assert.ok(response.writableNeedDrain, 'the server is waiting for the client');
      // Written so far (in the socket or the kernel) plus the read-ahead; nowhere near the 48 chunks.
      const writtenChunkCount = Math.ceil(response.socket!.bytesWritten / chunkSizeBytes) + 1;
      assert.ok(issued.length <= writtenChunkCount + 3, `${issued.length} reads for ${writtenChunkCount} chunks written`);
      assert.ok(issued.length < 48);
      socket.destroy();
      assert.deepEqual(await served.outcomes[0], { error: null, headersSent: true });
      assert.equal(response.writableEnded, false, 'a GET whose client left is not ended as if complete');
      // The source was closed before sendChunks settled: its handle is gone.
      const path = store.pathOf(part.blobId);
      const open = readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === path;
        } catch {
          return false;
        }
      });
      assert.deepEqual(open, []);
    } finally {
      await served.close();
    }
  });
});
