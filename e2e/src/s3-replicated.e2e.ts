/**
 * Goal (issue 5: "with 3 replicas, a PUT is acknowledged only after its bytes are fsynced on a
 * majority of replicas and its metadata is committed and applied; any replica serves a GET"):
 * three `objectbox start object-store` processes in one Raft group (services.objectStore.raftPeers)
 * replicating object bytes over BlobService on their gRPC ports.
 *
 * Method: PUT through replica A (while no leader is known a write answers 503 and is retried on
 * another replica; once one is, followers forward metadata writes to it); right after the 200 the
 * blob file must exist in at least 2 of the 3 data directories; GET from B and C returns the same
 * bytes (sha256); kill -9 B, PUT another object, restart B: B serves it by fetching the blob from
 * a peer and keeps it; kill -9 A, then GET from B still returns the first object.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { cleanUp, freePort, startCli, tempDir, type TestProcess, waitFor } from './harness.js';
import { sha256Hex } from './s3-e2e-support.js';

after(cleanUp);

interface Replica {
  readonly name: string;
  readonly id: number;
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly dataDir: string;
  process: TestProcess | undefined;
  client: S3Client;
}

const credentials = { accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64') };

function startReplica(replica: Replica, replicas: readonly Replica[]): void {
  const peers = replicas.filter((other) => other.id !== replica.id).map((other) => `${other.id}=127.0.0.1:${other.grpcPort}`).join(',');
  replica.process = startCli(
    ['start', 'object-store', '--id', `${replica.id}`, '--peers', peers, '--http-port', `${replica.httpPort}`, '--grpc-port', `${replica.grpcPort}`, '--data-dir', replica.dataDir, '--log-level', 'warn'],
    {
      env: {
        OBJECTBOX_ACCESS_KEY_ID: credentials.accessKeyId,
        OBJECTBOX_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        OBJECTBOX_SERVICES_OBJECT_STORE_HTTPS_PORT: `${replica.httpsPort}`,
        OBJECTBOX_SERVICES_OBJECT_STORE_RAFT_PEERS: peers,
        // Every replica needs the same master key (access-key secrets); 32 bytes base64.
        OBJECTBOX_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
      },
    },
  );
}

/** Blob files (final names, not temp files) under a replica's blob directory. */
async function blobFilesOf(replica: Replica): Promise<string[]> {
  const directory = join(replica.dataDir, 'object-store', 'blobs');
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile() && /^[0-9a-f]{32}$/.test(entry.name)).map((entry) => entry.name);
}

async function getBytes(replica: Replica, bucket: string, key: string): Promise<Buffer> {
  const response = await replica.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await response.Body!.transformToByteArray());
}

/** Runs a metadata write on `first`, else on whichever replica is the leader (followers answer 503). */
async function onLeader<T>(what: string, replicas: readonly Replica[], first: Replica, write: (replica: Replica) => Promise<T>): Promise<{ replica: Replica; result: T }> {
  return waitFor(
    what,
    async () => {
      for (const replica of [first, ...replicas.filter((other) => other !== first)]) {
        if (replica.process === undefined) continue;
        try {
          return { replica, result: await write(replica) };
        } catch (error) {
          const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          if (status !== 503 && status !== 500 && (error as { name?: string }).name !== 'TimeoutError') throw error;
        }
      }
      return undefined;
    },
    { deadlineMs: 60_000, intervalMs: 200 },
  );
}

test('3 replicas: a PUT is on a majority when acknowledged; every replica serves the GET; kill -9 of A', async () => {
  const dir = tempDir('s3-replicated');
  const replicas: Replica[] = [];
  for (const [index, name] of ['A', 'B', 'C'].entries()) {
    const httpPort = await freePort();
    replicas.push({
      name,
      id: index + 1,
      grpcPort: await freePort(),
      httpPort,
      httpsPort: await freePort(),
      dataDir: join(dir, `replica-${name}`),
      process: undefined,
      client: new S3Client({ endpoint: `http://127.0.0.1:${httpPort}`, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 }),
    });
  }
  for (const replica of replicas) startReplica(replica, replicas);
  const [a, b, c] = replicas as [Replica, Replica, Replica];
  try {
    for (const replica of replicas) {
      await waitFor(`replica ${replica.name} to be ready`, async () => {
        if (replica.process?.child.exitCode !== null) throw new Error(`replica ${replica.name} exited: ${replica.process?.stderr}${replica.process?.stdout}`);
        const response = await fetch(`http://127.0.0.1:${replica.httpPort}/health/ready`).catch(() => undefined);
        return response?.status === 200 ? true : undefined;
      }, { deadlineMs: 60_000, intervalMs: 100 });
    }
    const bucket = 'replicated';
    await onLeader('CreateBucket', replicas, a, (replica) => replica.client.send(new CreateBucketCommand({ Bucket: bucket })));
    const body = randomBytes(3 * 1024 * 1024 + 12_345);
    const startedMs = Date.now();
    const put = await onLeader('PutObject', replicas, a, (replica) => replica.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'object', Body: body })));
    const putMs = Date.now() - startedMs;
    // Right after the 200: the blob is fsynced under its final name on a majority.
    const holders = [];
    for (const replica of replicas) if ((await blobFilesOf(replica)).length > 0) holders.push(replica.name);
    console.log(`# PUT of ${body.length} bytes through replica ${put.replica.name} (A asked first) acknowledged in ${putMs} ms; blob on ${holders.join(', ')}`);
    assert.ok(holders.length >= 2, `blob on a majority right after the 200, got ${holders.join(', ')}`);

    const digest = sha256Hex(body);
    for (const replica of [b, c]) {
      const bytes = await waitFor(`GET from ${replica.name}`, async () => getBytes(replica, bucket, 'object').catch(() => undefined), { deadlineMs: 30_000, intervalMs: 200 });
      assert.equal(sha256Hex(bytes), digest, `replica ${replica.name} returns the same bytes`);
    }

    // Every replica takes writes: a follower forwards the metadata to the leader and answers after
    // the write is visible on it too (read-your-writes on the replica the client uses).
    for (const replica of replicas) {
      const key = `via-${replica.name}`;
      const bytes = randomBytes(64 * 1024 + replica.id);
      await replica.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
      assert.equal(sha256Hex(await getBytes(replica, bucket, key)), sha256Hex(bytes), `a PUT through ${replica.name} is visible on ${replica.name} at once`);
      const other = replicas[(replica.id % replicas.length)] as Replica;
      const elsewhere = await waitFor(`GET of ${key} from ${other.name}`, async () => getBytes(other, bucket, key).catch(() => undefined), { deadlineMs: 30_000, intervalMs: 200 });
      assert.equal(sha256Hex(elsewhere), sha256Hex(bytes));
    }
    console.log('# a PUT through each of A, B and C (followers forward to the leader) succeeded and is readable everywhere');

    // A small object travels in the log entry (through B, forwarded if B follows): every replica
    // stores its file when it applies the entry, none fetches it.
    const small = randomBytes(4096);
    const filesBefore = await Promise.all(replicas.map(async (replica) => (await blobFilesOf(replica)).length));
    await b.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'small', Body: small }));
    for (const [index, replica] of replicas.entries()) {
      await waitFor(`${replica.name} to store the small object from the log`, async () => ((await blobFilesOf(replica)).length === filesBefore[index]! + 1 ? true : undefined), { deadlineMs: 30_000, intervalMs: 100 });
      assert.equal(sha256Hex(await getBytes(replica, bucket, 'small')), sha256Hex(small), `the small object from ${replica.name}`);
    }
    console.log('# a 4 KiB PUT reached every replica in its log entry');

    // A replica that was down during a write fetches the bytes from one that has them.
    b.process?.child.kill('SIGKILL');
    await b.process?.exited;
    b.process = undefined;
    const missed = randomBytes(1024 * 1024 + 7);
    const missedSmall = randomBytes(3000);
    await onLeader('PutObject while B is down', replicas, a, (replica) => replica.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'missed', Body: missed })));
    await onLeader('small PutObject while B is down', replicas, a, (replica) => replica.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'missed-small', Body: missedSmall })));
    const blobCountBefore = (await blobFilesOf(b)).length;
    startReplica(b, replicas);
    // The small object comes with the log B catches up on, before any read asks for it.
    await waitFor('B to store the missed small object from the log', async () => ((await blobFilesOf(b)).length === blobCountBefore + 1 ? true : undefined), { deadlineMs: 60_000, intervalMs: 200 });
    const fetched = await waitFor('GET of the missed object from B after its restart', async () => getBytes(b, bucket, 'missed').catch(() => undefined), { deadlineMs: 60_000, intervalMs: 200 });
    assert.equal(sha256Hex(fetched), sha256Hex(missed));
    assert.equal((await blobFilesOf(b)).length, blobCountBefore + 2, 'B stored the fetched blob, so later reads are local');
    assert.equal(sha256Hex(await getBytes(b, bucket, 'missed-small')), sha256Hex(missedSmall));
    console.log('# B, down during a PUT, served the object after its restart by fetching the blob from a peer');

    a.process?.child.kill('SIGKILL');
    await a.process?.exited;
    a.process = undefined;
    const killedMs = Date.now();
    const afterKill = await waitFor('GET from B after kill -9 of A', async () => getBytes(b, bucket, 'object').catch(() => undefined), { deadlineMs: 60_000, intervalMs: 200 });
    assert.equal(sha256Hex(afterKill), digest);
    console.log(`# GET from B ${Date.now() - killedMs} ms after kill -9 of A: same sha256`);
  } finally {
    for (const replica of replicas) replica.client.destroy();
  }
});
