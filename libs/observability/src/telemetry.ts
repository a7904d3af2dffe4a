import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Meter, metrics, type Tracer, trace } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { type MetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry for one process: a tracer (so every request has a trace id), a meter whose
 * metrics are served as Prometheus text on each HTTP listener's `/metrics`, and OTLP export of
 * traces and metrics only when the standard `OTEL_*` variables ask for it:
 * - traces: `OTEL_TRACES_EXPORTER` (otlp, console, none) or `OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT`;
 * - metrics: `OTEL_METRICS_EXPORTER=otlp` (endpoint from `OTEL_EXPORTER_OTLP_[METRICS_]ENDPOINT`).
 * Without them nothing leaves the process: the SDK's own default (OTLP to localhost:4318) would
 * make a dev process log export failures forever.
 */
export interface TelemetryOptions {
  /** `service.name` of the resource, e.g. 'objectbox' or 'objectbox-object-store'. */
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface Telemetry {
  readonly tracer: Tracer;
  readonly meter: Meter;
  /** Writes the Prometheus text exposition of every metric of the process. */
  serveMetrics(request: IncomingMessage, response: ServerResponse): void;
  /** Flushes exporters; call once on shutdown. */
  shutdown(): Promise<void>;
}

/** True when the environment asks for trace export. */
export function isTraceExportRequested(env: TelemetryOptions['env']): boolean {
  return (
    env['OTEL_TRACES_EXPORTER'] !== undefined ||
    env['OTEL_EXPORTER_OTLP_ENDPOINT'] !== undefined ||
    env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] !== undefined
  );
}

/** True when the environment asks for OTLP metric export. */
export function isMetricExportRequested(env: TelemetryOptions['env']): boolean {
  return (env['OTEL_METRICS_EXPORTER'] ?? '').split(',').some((name) => name.trim() === 'otlp');
}

// A processor that keeps spans recording (so they get ids for logs) without exporting them.
const keepSpansLocal = {
  onStart: () => undefined,
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

let started: Telemetry | undefined;

/** Starts telemetry once per process; later calls return the same instance. */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (started !== undefined) return started;
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const readers: MetricReader[] = [prometheus];
  if (isMetricExportRequested(options.env)) {
    readers.push(new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() }));
  }
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    autoDetectResources: false,
    metricReaders: readers,
    logRecordProcessors: [],
    ...(isTraceExportRequested(options.env) ? {} : { spanProcessors: [keepSpansLocal] }),
  });
  sdk.start();
  const telemetry: Telemetry = {
    tracer: trace.getTracer('objectbox', options.serviceVersion),
    meter: metrics.getMeter('objectbox', options.serviceVersion),
    serveMetrics: (request, response) => prometheus.getMetricsRequestHandler(request, response),
    shutdown: async () => {
      started = undefined;
      await sdk.shutdown();
    },
  };
  started = telemetry;
  return telemetry;
}
