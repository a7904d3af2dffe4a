/**
 * The closed-loop load generator: `concurrency` workers, each issuing one operation at a time and
 * the next as soon as the previous one answers, for a warm-up then a measured window. Only
 * operations started inside the window are recorded; the window ends when the last of them has
 * answered, so throughput is (operations started in the window) / (window plus the drain).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LatencySamples, summarizeLatencies, type LatencySummary } from './latency-stats.js';

export interface ClosedLoopOptions {
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Pause of a worker after a failed operation, so that a dead peer does not spin the CPU. */
  readonly errorPauseMs: number;
  /** The run stops early (and reports) after this many failed operations. */
  readonly errorCountMax: number;
}

export interface ClosedLoopResult extends LatencySummary {
  readonly concurrency: number;
  /** The first error seen, for the report. */
  readonly errorFirst: string | null;
}

/** An operation of worker `workerIndex`; `sequence` counts that worker's operations from 0. */
export type ClosedLoopOperation = (workerIndex: number, sequence: number) => Promise<void>;

const nanosecondsPerMs = 1_000_000;

export async function runClosedLoop(options: ClosedLoopOptions, operation: ClosedLoopOperation): Promise<ClosedLoopResult> {
  if (!(Number.isInteger(options.concurrency) && options.concurrency >= 1)) throw new RangeError('concurrency must be an integer >= 1');
  const samples = new LatencySamples();
  let errorCount = 0;
  let errorFirst: string | null = null;
  const startedNs = process.hrtime.bigint();
  const windowStartNs = startedNs + BigInt(Math.round(options.warmupMs * nanosecondsPerMs));
  const windowEndNs = windowStartNs + BigInt(Math.round(options.durationMs * nanosecondsPerMs));
  const worker = async (workerIndex: number): Promise<void> => {
    for (let sequence = 0; ; sequence++) {
      const operationStartNs = process.hrtime.bigint();
      if (operationStartNs >= windowEndNs || errorCount >= options.errorCountMax) return;
      try {
        await operation(workerIndex, sequence);
      } catch (error) {
        if (operationStartNs >= windowStartNs) errorCount++;
        errorFirst ??= error instanceof Error ? error.message : String(error);
        await sleep(options.errorPauseMs);
        continue;
      }
      if (operationStartNs >= windowStartNs) samples.add(Number(process.hrtime.bigint() - operationStartNs) / nanosecondsPerMs);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, workerIndex) => worker(workerIndex)));
  const drainedNs = process.hrtime.bigint();
  const measuredMs = Number(drainedNs - windowStartNs) / nanosecondsPerMs;
  return { concurrency: options.concurrency, errorFirst, ...summarizeLatencies({ samples, errorCount, measuredMs: Math.max(measuredMs, 0) }) };
}
