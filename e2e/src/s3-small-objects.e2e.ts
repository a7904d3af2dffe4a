/**
 * Small objects travel in the metadata log (objectStore.inlineObjectSizeBytesMax, 16 KiB by
 * default): the PUT is acknowledged after the log entry's group-committed fsync, and each replica
 * stores the bytes as a blob file when it applies the entry, without fsync. These tests check the
 * promise that makes this safe, with the AWS SDK against real processes:
 *
 * - The log alone holds an acknowledged object until a snapshot: after kill -9 *and* the loss of
 *   every blob file (what a power cut may do to unsynced files), a restart re-applies the log and
 *   every small object reads back byte for byte. A large object (a fsynced file) is the control.
 * - With a snapshot every 10 entries (the blob files are synced before each, so the log may drop
 *   their entries), objects written before and after snapshots survive kill -9 and restart.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { cleanUp } from './harness.js';
import { type S3UnderTest, startObjectStore } from './s3-e2e-support.js';

function clientOf(s3: S3UnderTest): S3Client {
  return new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
}

async function putAll(client: S3Client, bucket: string, objects: ReadonlyMap<string, Buffer>): Promise<void> {
  // Concurrent, so that several PUTs share log appends.
  await Promise.all([...objects].map(([key, bytes]) => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }))));
}

async function assertAllRead(client: S3Client, bucket: string, objects: ReadonlyMap<string, Buffer>): Promise<void> {
  for (const [key, bytes] of objects) {
    const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    assert.deepEqual(Buffer.from(await response.Body!.transformToByteArray()), bytes, key);
  }
}

function smallObjects(prefix: string, count: number): Map<string, Buffer> {
  const sizes = [0, 1, 100, 4096, 16 * 1024];
  return new Map(Array.from({ length: count }, (_, index) => [`${prefix}-${index}`, randomBytes(sizes[index % sizes.length]!)] as const));
}

describe('small objects in the metadata log, against objectbox start object-store', () => {
  after(() => cleanUp());

  test('after kill -9 and the loss of every blob file, a restart restores each small object from the log', async () => {
    const noSnapshots = { OBJECTBOX_RAFT_SNAPSHOT_ENTRY_COUNT: '100000000' };
    let s3 = await startObjectStore({ env: noSnapshots });
    let client = clientOf(s3);
    await client.send(new CreateBucketCommand({ Bucket: 'small' }));
    const objects = smallObjects('k', 40);
    await putAll(client, 'small', objects);
    await client.send(new PutObjectCommand({ Bucket: 'small', Key: 'large', Body: randomBytes(16 * 1024 + 1) }));
    client.destroy();
    await s3.process.stop('SIGKILL');
    rmSync(join(s3.dataDir, 'object-store', 'blobs'), { recursive: true });

    s3 = await startObjectStore({ restartOf: s3, env: noSnapshots });
    client = clientOf(s3);
    try {
      await assertAllRead(client, 'small', objects);
      // The control: a body above the inline size was its own file, so removing the files lost it.
      await assert.rejects(
        client.send(new GetObjectCommand({ Bucket: 'small', Key: 'large' })).then((response) => response.Body!.transformToByteArray()),
        (error: Error & { $metadata?: { httpStatusCode?: number } }) => (error.$metadata?.httpStatusCode ?? 0) >= 500,
      );
      assert.equal((await client.send(new HeadObjectCommand({ Bucket: 'small', Key: 'k-3' }))).ContentLength, 4096);
    } finally {
      client.destroy();
      await s3.process.stop('SIGKILL');
    }
  });

  test('with a snapshot every 10 entries, small objects from before and after snapshots survive kill -9', async () => {
    const frequentSnapshots = { OBJECTBOX_RAFT_SNAPSHOT_ENTRY_COUNT: '10' };
    let s3 = await startObjectStore({ env: frequentSnapshots });
    let client = clientOf(s3);
    await client.send(new CreateBucketCommand({ Bucket: 'snap' }));
    const objects = smallObjects('s', 65);
    // In batches, so that snapshots fall between and inside them.
    const batches = [...objects].reduce<Map<string, Buffer>[]>((all, entry, index) => {
      if (index % 13 === 0) all.push(new Map());
      all.at(-1)!.set(entry[0], entry[1]);
      return all;
    }, []);
    for (const batch of batches) await putAll(client, 'snap', batch);
    client.destroy();
    await s3.process.stop('SIGKILL');

    s3 = await startObjectStore({ restartOf: s3, env: frequentSnapshots });
    client = clientOf(s3);
    try {
      await assertAllRead(client, 'snap', objects);
    } finally {
      client.destroy();
      await s3.process.stop('SIGKILL');
    }
  });
});
