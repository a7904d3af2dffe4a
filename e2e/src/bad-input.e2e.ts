/**
 * Goal: bad input at start gives one clear line naming the problem and a non-zero exit, never a
 * stack trace: unknown flags, bad config values (flag, environment, file), a port already taken,
 * an unusable data dir. Method: the real CLI as an OS process.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cleanUp, devPorts, freePort, startCli, tempDir, type TestProcess, writeJsonFile } from './harness.js';

after(cleanUp);

async function finish(process_: TestProcess): Promise<{ code: number | null; stderr: string }> {
  const { code } = await process_.exited;
  assert.doesNotMatch(process_.stderr, /\n\s+at /, 'no stack trace');
  return { code, stderr: process_.stderr.trim() };
}

test('an unknown flag is refused with exit status 1', async () => {
  const result = await finish(startCli(['dev', '--no-such-flag']));
  assert.equal(result.code, 1);
  assert.match(result.stderr, /unknown option '--no-such-flag'/);
});

test('an unknown service is refused with exit status 1', async () => {
  const result = await finish(startCli(['start', 'database']));
  assert.equal(result.code, 1);
  assert.match(result.stderr, /'database' is invalid for argument 'service'/);
});

test('bad configuration values exit 2 naming the field and its source', async () => {
  const fromEnv = await finish(startCli(['dev'], { env: { OBJECTBOX_SERVICES_OBJECT_STORE_HTTP_PORT: 'http' } }));
  assert.equal(fromEnv.code, 2);
  assert.equal(fromEnv.stderr, 'objectbox: invalid configuration: services.objectStore.httpPort (from environment variable OBJECTBOX_SERVICES_OBJECT_STORE_HTTP_PORT): expected an integer, got "http"');
  const dir = tempDir('bad-config');
  const fromFile = await finish(startCli(['dev', '--config', writeJsonFile(dir, 'bad.json', { nodeId: 0 })]));
  assert.equal(fromFile.code, 2);
  assert.match(fromFile.stderr, /^objectbox: invalid configuration: nodeId \(from file .*bad\.json\): expected an integer from 1 to 65535, got 0$/);
  const fromFlag = await finish(startCli(['start', 'cache', '--peers', 'nonsense']));
  assert.equal(fromFlag.code, 2);
  assert.match(fromFlag.stderr, /peers \(from flag --peers\): expected peers as id=host:port/);
});

test('a port already taken exits 1 naming the service and address', async () => {
  const blocker = createServer();
  const ports = await devPorts();
  const takenPort = ports['cache']?.['httpPort'] as number;
  await new Promise<void>((resolve) => blocker.listen(takenPort, '127.0.0.1', resolve));
  try {
    const dir = tempDir('port');
    const result = await finish(startCli(['dev', '--config', writeJsonFile(dir, 'ports.json', { services: ports, log: { level: 'silent' } }), '--data-dir', join(dir, 'data')]));
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `objectbox: cannot start cache: HTTP address 127.0.0.1:${takenPort} is already in use (stop the other process or choose another port)`);
  } finally {
    blocker.close();
  }
});

test('a taken RESP port of the cache exits 1 with one line, not a stack', async () => {
  // `start cache` alone: the fewer ports the test picks, the less another test file running at the
  // same time can take one of them between freePort() and the bind.
  const blocker = createServer();
  const [takenPort, httpPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
  await new Promise<void>((resolve) => blocker.listen(takenPort, '127.0.0.1', resolve));
  try {
    const dir = tempDir('resp-port');
    const result = await finish(
      startCli(['start', 'cache', '--http-port', `${httpPort}`, '--grpc-port', `${grpcPort}`, '--data-dir', join(dir, 'data'), '--log-level', 'silent'], {
        env: { OBJECTBOX_SERVICES_CACHE_RESP_PORT: `${takenPort}` },
      }),
    );
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `objectbox: cannot start cache: RESP address 127.0.0.1:${takenPort} is already in use (stop the other process or choose another port)`);
  } finally {
    blocker.close();
  }
});

test('a data dir that cannot be created exits 1 with the reason', async () => {
  const dir = tempDir('datadir');
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory');
  const result = await finish(startCli(['dev', '--data-dir', join(file, 'data'), '--log-level', 'silent']));
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^objectbox: data directory .*a-file\/data\/cluster-manager is not usable: a path component is a file \(ENOTDIR\)$/);
});
