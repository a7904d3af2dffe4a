/**
 * Goal: configuration layers override in the documented order (defaults < file < environment <
 * flags) and every bad value fails once, at load, with a message naming the field and its source.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError, envVariableOf, listFields, loadConfig } from './config-loader.js';
import { objectboxConfigSchema, serviceConfigKey } from './objectbox-config.js';

const dir = mkdtempSync(join(tmpdir(), 'objectbox-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

test('defaults are the dev process defaults', () => {
  const config = loadConfig(objectboxConfigSchema);
  assert.equal(config.dataDir, './.objectbox');
  assert.equal(config.services.objectStore.httpPort, 9000);
  assert.equal(config.services.cache.respPort, 6379);
  assert.equal(config.services.messageQueue.httpPort, 9324);
  assert.equal(config.services.apiGateway.httpPort, 8080);
  assert.ok(Object.isFrozen(config.services.cache));
});

test('file < environment < flags', () => {
  const filePath = writeJson('layers.json', { services: { objectStore: { httpPort: 9001, grpcPort: 7201 } }, log: { level: 'debug' } });
  const config = loadConfig(objectboxConfigSchema, {
    filePath,
    env: { OBJECTBOX_SERVICES_OBJECT_STORE_HTTP_PORT: '9002', OBJECTBOX_LOG_LEVEL: 'warn' },
    flags: { 'services.objectStore.httpPort': 9003 },
  });
  assert.equal(config.services.objectStore.httpPort, 9003, 'flag wins');
  assert.equal(config.log.level, 'warn', 'environment beats file');
  assert.equal(config.services.objectStore.grpcPort, 7201, 'file beats default');
});

test('a bad environment value names the field and the variable', () => {
  assert.throws(
    () => loadConfig(objectboxConfigSchema, { env: { OBJECTBOX_SERVICES_CACHE_RESP_PORT: '70000' } }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.fieldPath === 'services.cache.respPort' &&
      error.message === 'invalid configuration: services.cache.respPort (from environment variable OBJECTBOX_SERVICES_CACHE_RESP_PORT): expected an integer from 0 to 65535, got 70000',
  );
});

test('bad flags, file values, unknown file keys and unreadable files are all ConfigErrors', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => loadConfig(objectboxConfigSchema, { flags: { 'log.level': 'loud' }, flagNames: { 'log.level': 'log-level' } }), /log\.level \(from flag --log-level\): expected one of trace, debug/],
    [() => loadConfig(objectboxConfigSchema, { filePath: writeJson('typo.json', { dataDri: 'x' }) }), /dataDri .*: unknown field/],
    [() => loadConfig(objectboxConfigSchema, { filePath: writeJson('type.json', { nodeId: 'one' }) }), /nodeId \(from file .*type\.json\): expected an integer/],
    [() => loadConfig(objectboxConfigSchema, { filePath: writeJson('broken.json', '{ nope') }), /not valid JSON/],
    [() => loadConfig(objectboxConfigSchema, { filePath: join(dir, 'missing.json') }), /cannot read it: ENOENT/],
    [() => loadConfig(objectboxConfigSchema, { env: { OBJECTBOX_PEERS: '2=host:7100,three' } }), /peers .*: expected peers as id=host:port/],
    [() => loadConfig(objectboxConfigSchema, { env: { OBJECTBOX_DATA_DIR: '' } }), /dataDir .*: must not be empty/],
  ];
  for (const [load, message] of cases) {
    assert.throws(load, (error: unknown) => error instanceof ConfigError && message.test(error.message), String(message));
  }
});

test('environment names derive from field paths and every field is documented', () => {
  const fields = listFields(objectboxConfigSchema);
  const names = fields.map(({ path, field }) => envVariableOf(path, field, 'OBJECTBOX'));
  assert.ok(names.includes('OBJECTBOX_GRPC_TLS_REQUIRE_CLIENT_CERT'));
  assert.equal(new Set(names).size, names.length, 'no two fields share a variable');
  for (const { field } of fields) assert.ok(field.description.length > 0);
  assert.equal(serviceConfigKey('message-queue'), 'messageQueue');
});
