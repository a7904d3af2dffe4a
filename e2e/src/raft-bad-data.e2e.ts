/**
 * Goal: a replica refuses to start on data it cannot trust, with one clear line and exit status 1,
 * and without touching the data: a data dir that belongs to another cluster, and a WAL with a
 * corrupted record in the middle. Restarting gives the same answer (no silent repair, no loss).
 * Method: a real single-replica cluster manager writes data and stops; then we tamper and restart.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createGrpcClient } from '@objectbox/networking';
import { kv } from '@objectbox/proto';
import { cleanUp, freePort, startCli, tempDir, waitFor } from './harness.js';

after(cleanUp);

async function writeSomeData(dataDir: string, env: Record<string, string>): Promise<void> {
  const [grpcPort, httpPort] = [await freePort(), await freePort()];
  const replica = startCli(['start', 'cluster-manager', '--grpc-port', `${grpcPort}`, '--http-port', `${httpPort}`, '--data-dir', dataDir, '--log-level', 'warn'], { env });
  const client = createGrpcClient(kv.KvService, { address: `127.0.0.1:${grpcPort}`, deadlineMs: 2_000, messageBytesMax: 1024 * 1024, retry: { attemptCountMax: 1, backoffMsInitial: 10, backoffMsMax: 10 } });
  try {
    await waitFor('the replica to lead', async () => ((await client.status({}).catch(() => undefined))?.role === 'leader' ? true : undefined), { deadlineMs: 30_000 });
    for (let index = 0; index < 50; index++) await client.put({ key: `key-${index}`, value: new Uint8Array(300).fill(index) });
  } finally {
    client.close();
  }
  assert.deepEqual(await replica.stop('SIGTERM'), { code: 0, signal: null });
}

async function startFails(dataDir: string, env: Record<string, string>): Promise<string> {
  const replica = startCli(['start', 'cluster-manager', '--grpc-port', `${await freePort()}`, '--http-port', `${await freePort()}`, '--data-dir', dataDir, '--log-level', 'silent'], { env });
  const { code } = await replica.exited;
  assert.equal(code, 1, replica.stderr);
  assert.doesNotMatch(replica.stderr, /\n\s+at /, 'no stack trace');
  return replica.stderr.trim();
}

test('a data dir of another cluster is refused', async () => {
  const dataDir = join(tempDir('other-cluster'), 'data');
  await writeSomeData(dataDir, { OBJECTBOX_CLUSTER_ID: 'cluster-a' });
  const message = await startFails(dataDir, { OBJECTBOX_CLUSTER_ID: 'cluster-b' });
  assert.match(message, /^objectbox: cannot start: .*cluster-a.*\(ClusterIdMismatch\)$|^objectbox: cannot start: .*cluster-b.*\(ClusterIdMismatch\)$/);
});

test('a WAL corrupted in the middle is refused, the same way on every restart', async () => {
  const dataDir = join(tempDir('corrupt-wal'), 'data');
  await writeSomeData(dataDir, {});
  const walDir = join(dataDir, 'cluster-manager', 'raft', 'wal');
  const segment = join(walDir, readdirSync(walDir).filter((name) => name.endsWith('.wal')).sort()[0] as string);
  const bytes = readFileSync(segment);
  // The middle of the records: the WAL keeps zero-filled space preallocated after them.
  let recordsEnd = bytes.length;
  while (recordsEnd > 0 && bytes[recordsEnd - 1] === 0) recordsEnd--;
  const middle = Math.floor(recordsEnd / 2);
  bytes[middle] = (bytes[middle] as number) ^ 0xff;
  writeFileSync(segment, bytes);
  const first = await startFails(dataDir, {});
  assert.match(first, /^objectbox: cannot start: .*\(WalCorruption\)$/);
  assert.equal(await startFails(dataDir, {}), first);
  assert.deepEqual(readFileSync(segment), bytes, 'the damaged segment is left as it was for inspection');
});
