/**
 * Goal: logs are JSON lines with service and trace ids; metrics come out as Prometheus text;
 * OTLP export is only configured when the OTEL_* variables ask. Method: a real pino logger writing
 * into a buffer, a real OpenTelemetry SDK, and a real HTTP request against serveMetrics.
 */
import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { createLogger } from './logger.js';
import { isMetricExportRequested, isTraceExportRequested, startTelemetry } from './telemetry.js';

const telemetry = startTelemetry({ serviceName: 'objectbox-test', serviceVersion: '0.0.0', env: {} });
after(() => telemetry.shutdown());

test('log lines are JSON with service, level and the active trace id', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ level: 'info', processName: 'unit-process', destination: sink }).child({ service: 'unit' });
  telemetry.tracer.startActiveSpan('request', (span) => {
    logger.info({ request_id: 'r1' }, 'inside a span');
    span.end();
  });
  logger.debug('below the level');
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0] as string) as Record<string, unknown>;
  assert.equal(line['process'], 'unit-process');
  assert.equal(line['service'], 'unit');
  assert.equal(line['level'], 'info');
  assert.equal(line['msg'], 'inside a span');
  assert.equal(line['request_id'], 'r1');
  assert.match(String(line['trace_id']), /^[0-9a-f]{32}$/);
});

test('metrics are served as Prometheus text', async () => {
  telemetry.meter.createCounter('objectbox_test_requests', { description: 'test counter' }).add(3, { service: 'unit' });
  const server = createServer((request, response) => telemetry.serveMetrics(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /# TYPE objectbox_test_requests_total counter/);
    assert.match(text, /objectbox_test_requests_total\{service="unit"[^}]*\} 3/);
  } finally {
    server.close();
  }
});

test('OTLP export is requested only by the standard variables', () => {
  assert.equal(isTraceExportRequested({}), false);
  assert.equal(isTraceExportRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true);
  assert.equal(isTraceExportRequested({ OTEL_TRACES_EXPORTER: 'otlp' }), true);
  assert.equal(isMetricExportRequested({}), false);
  assert.equal(isMetricExportRequested({ OTEL_METRICS_EXPORTER: 'prometheus,otlp' }), true);
});
