/**
 * Goal: one service runs alone per process, both through `objectbox start <service>` and through
 * the service's own compiled main.ts (the container entrypoint), and stops on SIGINT/SIGTERM.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { after, test } from 'node:test';
import { cleanUp, freePort, startCli, startServiceMain, tempDir, waitFor } from './harness.js';

after(cleanUp);

async function waitLive(port: number, what: string): Promise<{ service: string }> {
  return waitFor(
    `${what} to be live`,
    async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health/live`);
      return response.status === 200 ? ((await response.json()) as { service: string }) : undefined;
    },
    { deadlineMs: 30_000 },
  );
}

test('objectbox start cache runs only the cache and stops on SIGINT', async () => {
  const [httpPort, grpcPort, respPort] = [await freePort(), await freePort(), await freePort()];
  const cache = startCli(
    ['start', 'cache', '--id', '2', '--peers', '1=127.0.0.1:7100,3=127.0.0.1:7300', '--http-port', `${httpPort}`, '--grpc-port', `${grpcPort}`, '--data-dir', join(tempDir('start'), 'data'), '--log-level', 'warn'],
    { env: { OBJECTBOX_SERVICES_CACHE_RESP_PORT: `${respPort}` } },
  );
  const body = await waitLive(httpPort, 'the cache');
  assert.equal(body.service, 'cache');
  assert.match(cache.stdout, /cache \(replica 2\)/);
  // The service runs in the PID the CLI was started as (execve, not a child), with V8's heap limit
  // raised to 3/4 of memory when that is above the default: metadata lives in the heap.
  const heapLimitMiB = Math.floor((Math.min(totalmem(), process.constrainedMemory() || Infinity) * 0.75) / 2 ** 20);
  const commandLine = readFileSync(`/proc/${cache.pid}/cmdline`, 'utf8').split('\0');
  if (heapLimitMiB > getHeapStatistics().heap_size_limit / 2 ** 20) assert.ok(commandLine.includes(`--max-old-space-size=${heapLimitMiB}`), commandLine.join(' '));
  // The cache runs with small young-generation semi-spaces and a fixed glibc mmap threshold (memory, see the launcher).
  assert.ok(commandLine.includes('--max-semi-space-size=8'), commandLine.join(' '));
  assert.ok(readFileSync(`/proc/${cache.pid}/environ`, 'utf8').split('\0').includes('MALLOC_MMAP_THRESHOLD_=131072'));
  assert.deepEqual(await cache.stop('SIGINT'), { code: 0, signal: null }, cache.stderr);
});

test('a service main.ts runs alone from OBJECTBOX_* variables and stops on SIGTERM', async () => {
  const httpPort = await freePort();
  const objectStore = startServiceMain('services/object-store/dist/main.js', {
    OBJECTBOX_DATA_DIR: join(tempDir('main'), 'data'),
    OBJECTBOX_SERVICES_OBJECT_STORE_HTTP_PORT: `${httpPort}`,
    OBJECTBOX_SERVICES_OBJECT_STORE_GRPC_PORT: `${await freePort()}`,
    OBJECTBOX_SERVICES_OBJECT_STORE_HTTPS_PORT: `${await freePort()}`,
    OBJECTBOX_LOG_LEVEL: 'info',
  });
  const body = await waitLive(httpPort, 'the object store');
  assert.equal(body.service, 'object-store');
  assert.deepEqual(await objectStore.stop('SIGTERM'), { code: 0, signal: null }, objectStore.stderr);
  const lines = objectStore.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(lines.some((line) => line['msg'] === 'service started' && line['service'] === 'object-store'));
  assert.ok(lines.some((line) => line['msg'] === 'stopped'), 'logs its clean shutdown');
});
