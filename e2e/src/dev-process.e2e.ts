/**
 * Goal: `objectbox dev` boots every service in one process with the ports and data dir it is
 * given, every health endpoint, /metrics and the gRPC HealthService answer, and SIGTERM stops it
 * cleanly (exit status 0). Method: the real CLI as an OS process on free loopback ports, probed
 * over HTTP with fetch and over gRPC with the generated client.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createGrpcClient, type GrpcCallError } from '@objectbox/networking';
import { health, kv } from '@objectbox/proto';
import { cleanUp, devPorts, startCli, tempDir, type TestProcess, waitFor, writeJsonFile } from './harness.js';

const services = ['cluster-manager', 'object-store', 'cache', 'message-queue', 'api-gateway', 'orchestrator'] as const;
/** Services whose own protocol is built: ready when started; the rest report not-implemented. */
const builtServices: readonly (typeof services)[number][] = ['cluster-manager', 'object-store', 'cache'];
const sectionOf = (service: string) => service.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());

describe('objectbox dev', () => {
  let dev: TestProcess;
  let ports: Awaited<ReturnType<typeof devPorts>>;
  let dataDir: string;

  before(async () => {
    const dir = tempDir('dev');
    dataDir = join(dir, 'data');
    ports = await devPorts();
    const configFile = writeJsonFile(dir, 'objectbox.json', { services: ports, log: { level: 'warn' } });
    dev = startCli(['dev', '--config', configFile, '--data-dir', dataDir]);
    await waitFor(
      'every service to be live',
      async () => {
        for (const service of services) {
          const response = await fetch(`http://127.0.0.1:${ports[sectionOf(service)]?.['httpPort']}/health/live`);
          if (response.status !== 200) return undefined;
        }
        return true;
      },
      { deadlineMs: 30_000 },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\nstdout: ${dev.stdout}\nstderr: ${dev.stderr}`);
    });
  });
  after(cleanUp);

  test('prints each endpoint and creates a data dir per service', async () => {
    await waitFor('the banner', async () => (dev.stdout.includes('Stop with Ctrl+C') ? true : undefined), { deadlineMs: 5_000 });
    for (const service of services) {
      const section = ports[sectionOf(service)] as Record<string, number>;
      assert.match(dev.stdout, new RegExp(`${service}\\s+http://127\\.0\\.0\\.1:${section['httpPort']}\\s+grpc://127\\.0\\.0\\.1:${section['grpcPort']}`));
      assert.ok(existsSync(join(dataDir, service)), `${service} data dir`);
    }
  });

  test('health endpoints say live; the cluster manager, the object store and the cache are ready, every other service not implemented yet', async () => {
    for (const service of builtServices) {
      const base = `http://127.0.0.1:${ports[sectionOf(service)]?.['httpPort']}`;
      const ready = await waitFor(`the ${service} to be ready`, async () => {
        const response = await fetch(`${base}/health/ready`);
        return response.status === 200 ? ((await response.json()) as { status: string }) : undefined;
      }, { deadlineMs: 10_000 });
      assert.equal(ready.status, 'serving');
    }
    for (const service of services.filter((name) => !builtServices.includes(name))) {
      const base = `http://127.0.0.1:${ports[sectionOf(service)]?.['httpPort']}`;
      const live = await fetch(`${base}/health/live`);
      assert.equal(live.status, 200);
      assert.deepEqual({ ...((await live.json()) as object), version: 'x' }, { service, status: 'live', version: 'x' });
      const ready = await fetch(`${base}/health/ready`);
      assert.equal(ready.status, 503);
      const body = (await ready.json()) as { service: string; status: string; detail: string };
      assert.equal(body.service, service);
      assert.equal(body.status, 'not-implemented');
      assert.match(body.detail, /not implemented yet/);
      assert.ok(ready.headers.get('x-request-id'));
      const other = await fetch(`${base}/some/path`, { method: 'PUT', body: 'x' });
      assert.equal(other.status, 501);
    }
  });

  test('the cache answers RESP on its port', async () => {
    const socket = connect({ host: '127.0.0.1', port: ports['cache']?.['respPort'] as number });
    try {
      socket.write('PING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
      await waitFor('three replies', async () => (received.length >= '+PONG\r\n+OK\r\n$1\r\nv\r\n'.length ? true : undefined), { deadlineMs: 5_000 });
      assert.equal(received, '+PONG\r\n+OK\r\n$1\r\nv\r\n');
    } finally {
      socket.destroy();
    }
  });

  test('/metrics serves Prometheus text including the request histogram', async () => {
    const response = await fetch(`http://127.0.0.1:${ports['objectStore']?.['httpPort']}/metrics`);
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /# TYPE objectbox_http_request_duration_seconds histogram/);
    assert.match(text, /objectbox_http_request_duration_seconds_count\{[^}]*service="object-store"/);
  });

  test('every gRPC listener answers HealthService.Check', async () => {
    for (const service of services) {
      const client = createGrpcClient(health.HealthService, {
        address: `127.0.0.1:${ports[sectionOf(service)]?.['grpcPort']}`,
        deadlineMs: 5_000,
        messageBytesMax: 1024 * 1024,
        retry: { attemptCountMax: 3, backoffMsInitial: 50, backoffMsMax: 200 },
      });
      try {
        const response = await client.check({ service });
        assert.equal(response.service, service);
        assert.equal(response.status, builtServices.includes(service) ? health.ServingStatus.SERVING : health.ServingStatus.NOT_IMPLEMENTED);
        const other = await client.check({ service: 'no-such-service' });
        assert.equal(other.status, health.ServingStatus.UNSPECIFIED);
      } finally {
        client.close();
      }
    }
  });

  test('the cluster manager registry stores and reads keys linearizably over gRPC', async () => {
    const client = createGrpcClient(kv.KvService, {
      address: `127.0.0.1:${ports['clusterManager']?.['grpcPort']}`,
      deadlineMs: 5_000,
      messageBytesMax: 4 * 1024 * 1024,
      retry: { attemptCountMax: 3, backoffMsInitial: 50, backoffMsMax: 200 },
    });
    try {
      const put = await client.put({ key: 'members/1', value: new TextEncoder().encode('127.0.0.1:7100') });
      assert.ok(put.index > 0n);
      const got = await client.get({ key: 'members/1' });
      assert.equal(got.found, true);
      assert.equal(new TextDecoder().decode(got.value), '127.0.0.1:7100');
      assert.equal((await client.compareAndSet({ key: 'members/1', expectedAbsent: true, value: new Uint8Array() })).succeeded, false);
      assert.deepEqual((await client.list({ prefix: 'members/' })).items.map((item) => item.key), ['members/1']);
      const status = await client.status({});
      assert.equal(status.role, 'leader');
      const error = (await client.put({ key: '', value: new Uint8Array() }).catch((caught: unknown) => caught)) as GrpcCallError;
      assert.equal(error.code, 'InvalidArgument');

      // A Session carries many operations on one stream; each answer comes back with its id.
      async function* requests() {
        for (let id = 1; id <= 200; id++) yield { id: BigInt(id), operation: { case: 'put' as const, value: { key: `session/${id}`, value: new TextEncoder().encode(`v${id}`) } } };
        yield { id: 201n, operation: { case: 'put' as const, value: { key: '', value: new Uint8Array() } } };
      }
      const answers = new Map<bigint, string>();
      for await (const answer of client.session(requests())) answers.set(answer.id, answer.result.case === 'error' ? answer.result.value.code : (answer.result.case ?? 'none'));
      assert.equal(answers.size, 201);
      assert.ok([...answers].filter(([id]) => id <= 200n).every(([, result]) => result === 'put'));
      assert.equal(answers.get(201n), 'InvalidArgument');
      assert.equal(new TextDecoder().decode((await client.get({ key: 'session/200' })).value), 'v200');
    } finally {
      client.close();
    }
  });

  test('SIGTERM stops it cleanly with exit status 0', async () => {
    const result = await dev.stop('SIGTERM', 15_000);
    assert.deepEqual(result, { code: 0, signal: null }, dev.stderr);
    const live = await fetch(`http://127.0.0.1:${ports['objectStore']?.['httpPort']}/health/live`).catch(() => 'refused');
    assert.equal(live, 'refused');
  });
});
