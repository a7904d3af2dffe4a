/**
 * Goal (issue: "Real processes"): three replicas of a Raft group as separate OS processes on
 * loopback, talking over the gRPC transport. Under a stream of writes, kill -9 the leader; a new
 * leader must accept writes; restart the killed replica; every acknowledged write must then be
 * present on all three replicas. Method: three `objectbox start cluster-manager` processes, a
 * writer that follows NotLeader redirects, SIGKILL by PID, and local (stale_ok) reads per replica
 * after the restarted one has caught up. The failover time is measured and printed, not asserted.
 * Every other write of the writer is a batch of puts on a KvService Session, which the leader
 * commits as one log entry (its puts answer the same index): a batch's acknowledged puts must
 * survive like single ones.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGrpcClient, GrpcCallError, type GrpcClient } from '@objectbox/networking';
import { kv } from '@objectbox/proto';
import { cleanUp, freePort, startCli, tempDir, type TestProcess, waitFor } from './harness.js';

after(cleanUp);

interface Replica {
  id: number;
  grpcPort: number;
  httpPort: number;
  dataDir: string;
  process: TestProcess | undefined;
  client: GrpcClient<typeof kv.KvService.method>;
}

function startReplica(replica: Replica, replicas: readonly Replica[]): void {
  const peers = replicas.filter((other) => other.id !== replica.id).map((other) => `${other.id}=127.0.0.1:${other.grpcPort}`).join(',');
  replica.process = startCli(['start', 'cluster-manager', '--id', `${replica.id}`, '--peers', peers, '--grpc-port', `${replica.grpcPort}`, '--http-port', `${replica.httpPort}`, '--data-dir', replica.dataDir, '--log-level', 'warn']);
}

async function leaderOf(replicas: readonly Replica[]): Promise<Replica | undefined> {
  for (const replica of replicas) {
    if (replica.process === undefined) continue;
    const status = await replica.client.status({}, { deadlineMs: 500 }).catch(() => undefined);
    if (status?.role === 'leader') return replica;
  }
  return undefined;
}

const sessionBatchSize = 8;

/**
 * Puts `entries` as one batch on a new Session; returns the keys acknowledged and, when refused
 * as NotLeader, the leader's id. Any other error of the stream leaves the rest unacknowledged.
 */
async function putBatch(client: Replica['client'], entries: ReadonlyArray<readonly [string, string]>): Promise<{ acknowledged: string[]; indexes: Set<bigint>; leaderId: number | undefined }> {
  const batch = entries.map(([key, value], position) => ({ id: BigInt(position + 1), operation: { case: 'put' as const, value: { key, value: new TextEncoder().encode(value) } } }));
  const acknowledged: string[] = [];
  const indexes = new Set<bigint>();
  let leaderId: number | undefined;
  try {
    for await (const message of client.session((async function* () { yield { batch }; })(), { deadlineMs: 2_000 })) {
      for (const answer of message.batch) {
        if (answer.result.case === 'put') {
          acknowledged.push(entries[Number(answer.id) - 1]![0]);
          indexes.add(answer.result.value.index);
        }
        if (answer.result.case === 'error' && answer.result.value.leaderId !== 0) leaderId = answer.result.value.leaderId;
      }
    }
  } catch (error) {
    if (!(error instanceof GrpcCallError)) throw error;
  }
  return { acknowledged, indexes, leaderId };
}

test('kill -9 of the leader under writes loses no acknowledged write', async () => {
  const dir = tempDir('raft');
  const replicas: Replica[] = [];
  for (const id of [1, 2, 3]) {
    const grpcPort = await freePort();
    replicas.push({
      id,
      grpcPort,
      httpPort: await freePort(),
      dataDir: join(dir, `replica-${id}`),
      process: undefined,
      client: createGrpcClient(kv.KvService, { address: `127.0.0.1:${grpcPort}`, deadlineMs: 2_000, messageBytesMax: 4 * 1024 * 1024, retry: { attemptCountMax: 1, backoffMsInitial: 10, backoffMsMax: 10 } }),
    });
  }
  for (const replica of replicas) startReplica(replica, replicas);
  try {
    const firstLeader = await waitFor('a first leader', () => leaderOf(replicas), { deadlineMs: 30_000 });

    const acknowledged = new Map<string, string>();
    let writing = true;
    let sequence = 0;
    let batchedCount = 0;
    let lastAcknowledgedAtMs = 0;
    const writer = (async () => {
      let target: Replica | undefined = firstLeader;
      while (writing) {
        if (target === undefined || target.process === undefined) {
          target = await leaderOf(replicas);
          if (target === undefined) await sleep(10);
          continue;
        }
        if (++sequence % 2 === 0) {
          const entries = Array.from({ length: sessionBatchSize }, (_, position) => [`batch-${sequence}-${position}`, `value-${sequence}-${position}`] as const);
          const { acknowledged: keys, indexes, leaderId } = await putBatch(target.client, entries);
          // The leader received the batch's puts in one turn: one log entry carried them all.
          if (keys.length === entries.length) assert.equal(indexes.size, 1, `a batch's puts were committed at indexes ${[...indexes].join(', ')}`);
          for (const [key, value] of entries) if (keys.includes(key)) acknowledged.set(key, value);
          if (keys.length > 0) lastAcknowledgedAtMs = Date.now();
          batchedCount += keys.length;
          if (keys.length < entries.length) target = replicas.find((replica) => replica.id === leaderId && replica.process !== undefined);
          continue;
        }
        const key = `key-${sequence}`;
        const value = `value-${sequence}`;
        try {
          await target.client.put({ key, value: new TextEncoder().encode(value) });
          acknowledged.set(key, value);
          lastAcknowledgedAtMs = Date.now();
        } catch (error) {
          // NotLeader, unavailable, or an unknown outcome: not acknowledged; find the leader again.
          if (!(error instanceof GrpcCallError)) throw error;
          const leaderId = Number(error.remoteDetails['leader-id'] ?? 0);
          target = replicas.find((replica) => replica.id === leaderId && replica.process !== undefined);
        }
      }
    })();

    await waitFor('writes before the kill', async () => (acknowledged.size >= 200 ? true : undefined), { deadlineMs: 30_000 });
    const killedAtMs = Date.now();
    const acknowledgedBeforeKill = acknowledged.size;
    firstLeader.process?.child.kill('SIGKILL');
    await firstLeader.process?.exited;
    firstLeader.process = undefined;

    const secondLeader = await waitFor('a new leader accepting writes', async () => {
      const leader = await leaderOf(replicas);
      return leader !== undefined && lastAcknowledgedAtMs > killedAtMs ? leader : undefined;
    }, { deadlineMs: 30_000 });
    const failoverMs = lastAcknowledgedAtMs - killedAtMs;
    console.log(`# failover: replica ${secondLeader.id} accepted a write ${failoverMs} ms after replica ${firstLeader.id} was killed`);
    assert.notEqual(secondLeader.id, firstLeader.id);

    startReplica(firstLeader, replicas);
    await waitFor('more writes after the restart', async () => (acknowledged.size >= acknowledgedBeforeKill + 200 ? true : undefined), { deadlineMs: 30_000 });
    writing = false;
    await writer;

    const leader = await waitFor('a leader', () => leaderOf(replicas), { deadlineMs: 30_000 });
    const commitIndex = (await leader.client.status({})).commitIndex;
    for (const replica of replicas) {
      await waitFor(`replica ${replica.id} to apply the commit index`, async () => {
        const status = await replica.client.status({}, { deadlineMs: 500 }).catch(() => undefined);
        return status !== undefined && status.appliedIndex >= commitIndex ? true : undefined;
      }, { deadlineMs: 30_000 });
      const missing: string[] = [];
      for (const [key, value] of acknowledged) {
        const got = await replica.client.get({ key, staleOk: true });
        if (!got.found || new TextDecoder().decode(got.value) !== value) missing.push(key);
      }
      assert.deepEqual(missing, [], `replica ${replica.id} lacks acknowledged writes`);
    }
    console.log(`# ${acknowledged.size} acknowledged writes (${batchedCount} of them in Session batches) present on all 3 replicas`);
    assert.ok(batchedCount > 0, 'some batched puts were acknowledged');
    // Bad input: a compare-and-set whose expected value is over the value limit is refused as
    // such (it once made an entry no append could carry, and cost the leader its leadership).
    const oversized = await leader.client.compareAndSet({ key: 'oversized', expected: new Uint8Array(1024 * 1024 + 1), value: new Uint8Array(1) }).catch((caught: unknown) => caught);
    assert.ok(oversized instanceof GrpcCallError, String(oversized));
    assert.equal(oversized.code, 'InvalidArgument', oversized.message);
    assert.match(oversized.details, /expected value must be at most 1048576 bytes/);
    assert.equal((await leader.client.status({})).role, 'leader');
    // A replica whose peers are alive still stops cleanly on SIGTERM: the peers' long-lived Raft
    // streams must not hold the gRPC server's graceful shutdown (10 s grace) until it is forced.
    const follower = replicas.find((replica) => replica.id !== leader.id) as Replica;
    assert.deepEqual(await follower.process?.stop('SIGTERM', 5_000), { code: 0, signal: null });
  } finally {
    for (const replica of replicas) replica.client.close();
  }
});
