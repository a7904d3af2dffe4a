/**
 * Goal: OTLP export happens when, and only when, the standard OTEL_* variables ask for it.
 * Method: a real HTTP server on loopback stands in for an OpenTelemetry collector; a service
 * process runs with OTEL_EXPORTER_OTLP_ENDPOINT pointing at it, serves a request, and must POST
 * its spans to /v1/traces (marked with the request's trace id, taken from a traceparent we send).
 */
import { strict as assert } from 'node:assert';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cleanUp, freePort, startServiceMain, tempDir, waitFor } from './harness.js';

after(cleanUp);

test('spans are exported over OTLP/HTTP to the endpoint named by OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
  const received: Array<{ path: string; body: Buffer }> = [];
  const collector = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: Buffer.concat(chunks) });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const collectorPort = await freePort();
  await new Promise<void>((resolve) => collector.listen(collectorPort, '127.0.0.1', resolve));
  try {
    const httpPort = await freePort();
    const service = startServiceMain('services/api-gateway/dist/main.js', {
      OBJECTBOX_DATA_DIR: join(tempDir('otlp'), 'data'),
      OBJECTBOX_SERVICES_API_GATEWAY_HTTP_PORT: `${httpPort}`,
      OBJECTBOX_SERVICES_API_GATEWAY_GRPC_PORT: `${await freePort()}`,
      OBJECTBOX_LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await waitFor(
      'the service to answer',
      async () => {
        const response = await fetch(`http://127.0.0.1:${httpPort}/health/live`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
        return response.status === 200 ? true : undefined;
      },
      { deadlineMs: 30_000 },
    );
    const traces = await waitFor(
      'a trace export',
      async () => received.find((entry) => entry.path === '/v1/traces' && entry.body.toString('utf8').includes(traceId)),
      { deadlineMs: 15_000 },
    );
    assert.match(traces.body.toString('utf8'), /GET api-gateway/);
    assert.deepEqual(await service.stop('SIGTERM'), { code: 0, signal: null }, service.stderr);
  } finally {
    collector.close();
  }
});
