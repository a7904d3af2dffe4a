/**
 * Goal: the shared Nest wiring behaves as documented: health codes follow readiness, typed errors
 * map to their HTTP status once, unknown errors become a 500 without internals, request ids are
 * kept or generated. Method: Nest's testing module with the real controllers and filter, served
 * over a loopback port and called with fetch.
 */
import 'reflect-metadata';
import { strict as assert } from 'node:assert';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadConfig, objectboxConfigSchema } from '@objectbox/config';
import { createLogger, startTelemetry } from '@objectbox/observability';
import { InvalidArgumentError, NotImplementedError } from '@objectbox/util';
import { HealthController } from './health.controller.js';
import { JsonErrorFilter } from './json-error.filter.js';
import { MetricsController } from './metrics.controller.js';
import { PlatformContext } from './platform-context.js';
import { requestTelemetry } from './request-telemetry.js';
import { type Readiness, ServiceHealth } from './service-health.js';

class SwitchableHealth extends ServiceHealth {
  readonly service = 'unit';
  current: Readiness = { status: 'serving', detail: '' };
  isLive(): boolean {
    return true;
  }
  readiness(): Readiness {
    return this.current;
  }
}

@Controller('fail')
class FailingController {
  @Get('typed')
  typed(): never {
    throw new InvalidArgumentError('bad bucket name');
  }
  @Get('unimplemented')
  unimplemented(): never {
    throw new NotImplementedError('PutBucketLifecycle');
  }
  @Get('bug')
  bug(): never {
    throw new Error('database password is hunter2');
  }
}

const logLines: string[] = [];
const logger = createLogger({
  level: 'info',
  processName: 'unit',
  destination: new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString('utf8'));
      callback();
    },
  }),
});
const telemetry = startTelemetry({ serviceName: 'unit', serviceVersion: '0.0.0', env: {} });
const health = new SwitchableHealth();
let app: INestApplication;
let base = '';

before(async () => {
  const context: PlatformContext = { config: loadConfig(objectboxConfigSchema), logger, telemetry, version: '9.9.9' };
  const moduleRef = await Test.createTestingModule({
    controllers: [HealthController, MetricsController, FailingController],
    providers: [
      { provide: ServiceHealth, useValue: health },
      { provide: PlatformContext, useValue: context },
    ],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  app.use(requestTelemetry({ service: 'unit', logger, telemetry }));
  app.useGlobalFilters(new JsonErrorFilter(logger));
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
});
after(async () => {
  await app.close();
  await telemetry.shutdown();
});

test('readiness decides the status code of /health/ready', async () => {
  health.current = { status: 'serving', detail: '' };
  const ready = await fetch(`${base}/health/ready`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { service: 'unit', status: 'serving', detail: '', version: '9.9.9' });
  health.current = { status: 'not-serving', detail: 'no Raft leader known' };
  const notReady = await fetch(`${base}/health/ready`);
  assert.equal(notReady.status, 503);
  assert.equal(((await notReady.json()) as { detail: string }).detail, 'no Raft leader known');
  assert.equal((await fetch(`${base}/health/live`)).status, 200);
});

test('typed errors map to their HTTP status with code and message', async () => {
  const invalid = await fetch(`${base}/fail/typed`);
  assert.equal(invalid.status, 400);
  const body = (await invalid.json()) as Record<string, string>;
  assert.equal(body['error'], 'InvalidArgument');
  assert.equal(body['message'], 'bad bucket name');
  assert.equal(body['requestId'], invalid.headers.get('x-request-id'));
  assert.equal((await fetch(`${base}/fail/unimplemented`)).status, 501);
});

test('unknown errors become 500 InternalError without internals, logged once with the request id', async () => {
  const before = logLines.length;
  const response = await fetch(`${base}/fail/bug`, { headers: { 'x-request-id': 'req-123' } });
  assert.equal(response.status, 500);
  const text = await response.text();
  assert.doesNotMatch(text, /hunter2/);
  assert.equal(response.headers.get('x-request-id'), 'req-123');
  const errorLines = logLines.slice(before).filter((line) => line.includes('"internal error"'));
  assert.equal(errorLines.length, 1);
  assert.match(errorLines[0] as string, /"request_id":"req-123"/);
});

test('an implausible client request id is replaced by a generated one', async () => {
  const response = await fetch(`${base}/health/live`, { headers: { 'x-request-id': 'bad id with spaces' } });
  assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
});
