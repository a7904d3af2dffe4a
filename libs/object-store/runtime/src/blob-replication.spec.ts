/**
 * Byte replication. Goal: replicate() resolves only once a majority of members hold the blob
 * verified and fsynced, keeps going for the rest, and fails typed when no majority is possible;
 * fetch() makes a missing blob local from a peer that has it, verified; the receiving side refuses
 * a blake3 mismatch (DATA_LOSS, blob deleted), malformed requests (INVALID_ARGUMENT), answers
 * NOT_FOUND for a blob it lacks and DATA_LOSS for corrupt stored bytes.
 *
 * Method: real BlobStores in temp directories, each served by a real GrpcServer on loopback with
 * blobServiceImplementation, real gRPC clients; a dead peer is a closed port.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createGrpcClient, GrpcCallError, GrpcServer } from '@objectbox/networking';
import { blob as blobProto } from '@objectbox/proto';
import { inlineBlobHasherFactory } from './blob-checksums.js';
import { BlobReplicationUnavailableError, BlobReplicator, blobReplicaPeersOf, blobServiceImplementation, type BlobReplicaPeer } from './blob-replication.js';
import { BlobStore } from './blob-store.js';

// gRPC status numbers (grpc-js `status`).
const invalidArgument = 3;
const notFound = 5;
const dataLoss = 15;

const silentLogger = { warn: () => {}, info: () => {} };

interface Replica {
  readonly blobs: BlobStore;
  readonly server: GrpcServer;
  readonly address: string;
}

let root: string;
const replicas: Replica[] = [];
/** A port nothing listens on. */
let deadAddress: string;

async function startReplica(name: string): Promise<Replica> {
  const blobs = await BlobStore.open({ directory: join(root, name), hasherFactory: inlineBlobHasherFactory, chunkSizeBytes: 64 * 1024 });
  const server = new GrpcServer({ messageBytesMax: 4 * 1024 * 1024 });
  server.addService(blobProto.BlobService, blobServiceImplementation({ blobs: () => blobs }));
  const port = await server.listen('127.0.0.1', 0);
  return { blobs, server, address: `127.0.0.1:${port}` };
}

function replicatorOf(self: Replica, peers: readonly BlobReplicaPeer[], options: { majorityDeadlineMsBase?: number } = {}): BlobReplicator {
  return new BlobReplicator({ blobs: self.blobs, peers, logger: silentLogger, majorityDeadlineMsBase: options.majorityDeadlineMsBase ?? 5_000 });
}

async function writeRandom(store: BlobStore, sizeBytes: number): Promise<{ blobId: string; blake3: string; bytes: Buffer }> {
  const bytes = randomBytes(sizeBytes);
  const written = await store.write(Readable.from([bytes]), { sizeBytesMax: sizeBytes, checksumAlgorithms: [] });
  return { blobId: written.blobId, blake3: written.blake3, bytes };
}

async function readAll(store: BlobStore, blobId: string, blake3: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.read(blobId, { expectedBlake3: blake3 })) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'objectbox-blob-replication-'));
  for (const name of ['a', 'b', 'c']) replicas.push(await startReplica(name));
  const dead = new GrpcServer({ messageBytesMax: 1024 });
  deadAddress = `127.0.0.1:${await dead.listen('127.0.0.1', 0)}`;
  await dead.shutdown(0);
});

after(async () => {
  for (const replica of replicas) await replica.server.shutdown(100);
  await rm(root, { recursive: true, force: true });
});

describe('replicate', () => {
  test('a blob reaches every peer, verified, with the same id (3 members)', async () => {
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const replicator = replicatorOf(a, [
      { id: '2', address: b.address },
      { id: '3', address: c.address },
    ]);
    const { blobId, blake3, bytes } = await writeRandom(a.blobs, 3 * 1024 * 1024 + 17);
    await replicator.replicate(blobId, blake3, bytes.length);
    await replicator.close(); // the transfer beyond the majority finishes in the background
    assert.deepEqual(await readAll(b.blobs, blobId, blake3), bytes);
    assert.deepEqual(await readAll(c.blobs, blobId, blake3), bytes);
    // A second replicate of a blob the peers hold is accepted without rewriting it.
    await replicatorOf(a, [{ id: '2', address: b.address }]).replicate(blobId, blake3, bytes.length);
  });

  test('one dead peer of two: the majority (self + one) is enough', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const replicator = replicatorOf(a, [
      { id: '2', address: b.address },
      { id: '3', address: deadAddress },
    ]);
    const { blobId, blake3, bytes } = await writeRandom(a.blobs, 100_000);
    await replicator.replicate(blobId, blake3, bytes.length);
    assert.equal(await b.blobs.exists(blobId), true);
    await replicator.close();
  });

  test('both peers dead: BlobReplicationUnavailable, typed, without waiting for the deadline', { timeout: 60_000 }, async () => {
    const [a] = replicas as [Replica];
    const replicator = replicatorOf(a, [
      { id: '2', address: deadAddress },
      { id: '3', address: deadAddress },
    ], { majorityDeadlineMsBase: 600_000 });
    const { blobId, blake3, bytes } = await writeRandom(a.blobs, 1000);
    // The deadline is 10 minutes and the test's timeout 1: only the two failures can decide it.
    await assert.rejects(replicator.replicate(blobId, blake3, bytes.length), (error: unknown) => {
      assert.ok(error instanceof BlobReplicationUnavailableError);
      assert.equal(error.kind, 'unavailable');
      assert.equal(error.storedCount, 1);
      assert.equal(error.requiredCount, 2);
      return true;
    });
    await replicator.close();
  });

  test('no peers: a no-op', async () => {
    const replicator = replicatorOf(replicas[0]!, []);
    assert.equal(replicator.majorityCount, 1);
    await replicator.replicate('0'.repeat(32), '0'.repeat(64), 5);
  });

  test('raftPeers entries become peers', () => {
    assert.deepEqual(blobReplicaPeersOf(['2=127.0.0.1:7202', '3=[::1]:7203']), [
      { id: '2', address: '127.0.0.1:7202' },
      { id: '3', address: '[::1]:7203' },
    ]);
  });
});

describe('fetch', () => {
  test('a blob missing here is fetched from the peer that has it, stored verified under its id', async () => {
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const { blobId, blake3, bytes } = await writeRandom(c.blobs, 2 * 1024 * 1024 + 5);
    const replicator = replicatorOf(a, [
      { id: '2', address: b.address }, // lacks it: NOT_FOUND, next
      { id: '3', address: c.address },
    ]);
    assert.equal(await a.blobs.exists(blobId), false);
    await Promise.all([replicator.fetch(blobId, blake3, bytes.length), replicator.fetch(blobId, blake3, bytes.length)]);
    assert.deepEqual(await readAll(a.blobs, blobId, blake3), bytes);
    await replicator.close();
  });

  test('nobody has it: BlobNotFound; only a dead peer: BlobFetchUnavailable', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const missing = randomBytes(16).toString('hex');
    await assert.rejects(replicatorOf(a, [{ id: '2', address: b.address }]).fetch(missing, '1'.repeat(64), 10), { code: 'BlobNotFound' });
    await assert.rejects(replicatorOf(a, [{ id: '3', address: deadAddress }], { majorityDeadlineMsBase: 1_000 }).fetch(missing, '1'.repeat(64), 10), { code: 'BlobFetchUnavailable' });
  });
});

describe('BlobService', () => {
  const clientOf = (replica: Replica) =>
    createGrpcClient(blobProto.BlobService, { address: replica.address, deadlineMs: 5_000, messageBytesMax: 4 * 1024 * 1024, retry: { attemptCountMax: 1, backoffMsInitial: 1, backoffMsMax: 1 } });

  async function* putMessages(header: { blobId: string; sizeBytes: bigint; expectedBlake3: string }, data: Uint8Array[]) {
    yield { message: { case: 'header' as const, value: header } };
    for (const chunk of data) yield { message: { case: 'data' as const, value: chunk } };
  }

  test('Put with a wrong blake3: DATA_LOSS and nothing stored', async () => {
    const [a, b] = replicas as [Replica, Replica];
    const client = clientOf(b);
    const blobId = randomBytes(16).toString('hex');
    const bytes = randomBytes(1000);
    await assert.rejects(client.put(putMessages({ blobId, sizeBytes: 1000n, expectedBlake3: 'ab'.repeat(32) }, [bytes])), (error: unknown) => {
      assert.ok(error instanceof GrpcCallError);
      assert.equal(error.grpcStatus, dataLoss);
      assert.equal(error.code, 'BlobReplicaDataLoss');
      return true;
    });
    assert.equal(await b.blobs.exists(blobId), false);
    // A peer's bad bytes never replace a good copy.
    const good = await writeRandom(a.blobs, 500);
    await replicatorOf(a, [{ id: '2', address: b.address }]).replicate(good.blobId, good.blake3, 500);
    await assert.rejects(client.put(putMessages({ blobId: good.blobId, sizeBytes: 500n, expectedBlake3: 'cd'.repeat(32) }, [randomBytes(500)])), { grpcStatus: dataLoss });
    assert.deepEqual(await readAll(b.blobs, good.blobId, good.blake3), good.bytes);
    client.close();
  });

  test('malformed Put and Get: INVALID_ARGUMENT; short body: INVALID_ARGUMENT', async () => {
    const client = clientOf(replicas[1]!);
    await assert.rejects(client.put(putMessages({ blobId: '../../etc/passwd', sizeBytes: 1n, expectedBlake3: '0'.repeat(64) }, [])), { grpcStatus: invalidArgument });
    await assert.rejects(client.put(putMessages({ blobId: randomBytes(16).toString('hex'), sizeBytes: -1n, expectedBlake3: '0'.repeat(64) }, [])), { grpcStatus: invalidArgument });
    await assert.rejects(client.put(putMessages({ blobId: randomBytes(16).toString('hex'), sizeBytes: 10n, expectedBlake3: '0'.repeat(64) }, [randomBytes(5)])), { grpcStatus: invalidArgument });
    await assert.rejects(client.put((async function* () { yield { message: { case: 'data' as const, value: new Uint8Array(1) } }; })()), { grpcStatus: invalidArgument });
    await assert.rejects(async () => {
      for await (const message of client.get({ blobId: 'X', expectedBlake3: '0'.repeat(64) })) void message;
    }, { grpcStatus: invalidArgument });
    client.close();
  });

  test('Get: ranges, NOT_FOUND for a missing blob, DATA_LOSS for corrupt bytes', async () => {
    const c = replicas[2]!;
    const client = clientOf(c);
    const { blobId, blake3, bytes } = await writeRandom(c.blobs, 300_000);
    const chunks: Uint8Array[] = [];
    for await (const message of client.get({ blobId, expectedBlake3: blake3, range: { start: 70_000n, endInclusive: 200_000n } })) chunks.push(message.data);
    assert.deepEqual(Buffer.concat(chunks), bytes.subarray(70_000, 200_001));
    await assert.rejects(async () => {
      for await (const message of client.get({ blobId: randomBytes(16).toString('hex'), expectedBlake3: blake3 })) void message;
    }, { grpcStatus: notFound });
    const handle = await open(c.blobs.pathOf(blobId), 'r+');
    await handle.write(Buffer.from([bytes[150_000]! ^ 0xff]), 0, 1, 150_000);
    await handle.close();
    const received: Uint8Array[] = [];
    await assert.rejects(async () => {
      for await (const message of client.get({ blobId, expectedBlake3: blake3 })) received.push(message.data);
    }, { grpcStatus: dataLoss });
    assert.ok(Buffer.concat(received).length <= 128 * 1024, 'nothing from the corrupt chunk on was sent');
    client.close();
  });
});
