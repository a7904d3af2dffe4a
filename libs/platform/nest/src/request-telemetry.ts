import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger, Telemetry } from '@objectbox/observability';
import type { NextFunction, Request, Response } from 'express';

/** A client-supplied request id is kept only if short and plain, so logs stay parseable. */
const requestIdPattern = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Express middleware giving every HTTP request an id (`x-request-id`, echoed back), a server span
 * continuing any incoming W3C `traceparent`, a duration histogram sample, and one log line when it
 * ends (probes and scrapes at debug, everything else at info).
 */
export function requestTelemetry(options: { service: string; logger: Logger; telemetry: Telemetry }) {
  const durationSeconds = options.telemetry.meter.createHistogram('objectbox_http_request_duration_seconds', {
    description: 'HTTP request duration by service, method and status',
    unit: 's',
  });
  return (request: Request, response: Response, next: NextFunction): void => {
    const incoming = request.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    response.setHeader('x-request-id', requestId);
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = options.telemetry.tracer.startSpan(
      `${request.method} ${options.service}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': request.path, 'objectbox.service': options.service } },
      parent,
    );
    const startedMs = performance.now();
    response.once('close', () => {
      const durationMs = performance.now() - startedMs;
      span.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      const probe = request.path.startsWith('/health/') || request.path === '/metrics';
      context.with(trace.setSpan(parent, span), () =>
        options.logger[probe ? 'debug' : 'info'](
          { request_id: requestId, method: request.method, path: request.path, status: response.statusCode, duration_ms: Math.round(durationMs * 10) / 10 },
          'http request',
        ),
      );
      span.end();
      durationSeconds.record(durationMs / 1000, { service: options.service, method: request.method, status: response.statusCode });
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
