import { trace } from '@opentelemetry/api';
import { type DestinationStream, type Level, type Logger, pino } from 'pino';

/**
 * Structured JSON logs (pino). Every line carries the `process` name (child loggers add the
 * `service` they belong to, since one dev process hosts several) and, when a span is
 * active, its `trace_id`/`span_id`, so a log line joins its OpenTelemetry trace. Requests add a
 * `request_id` through child loggers.
 */
export type { Logger } from 'pino';

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface LoggerOptions {
  readonly level: LogLevel;
  /** The process name, e.g. 'objectbox' (all-in-one) or 'objectbox-object-store'. */
  readonly processName: string;
  /** Where lines go; standard output when omitted. Written synchronously so exits lose nothing. */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level as Level | 'silent',
      base: { process: options.processName, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const spanContext = trace.getActiveSpan()?.spanContext();
        return spanContext === undefined ? {} : { trace_id: spanContext.traceId, span_id: spanContext.spanId };
      },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
