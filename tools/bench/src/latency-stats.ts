/**
 * Latency bookkeeping of the load generators: a growable sample buffer and nearest-rank
 * percentiles. Pure (no clock); the callers measure with process.hrtime.bigint.
 */

/** Appends latencies (milliseconds) into a Float64Array that doubles when full. */
export class LatencySamples {
  #values = new Float64Array(1024);
  #count = 0;

  add(latencyMs: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#count++] = latencyMs;
  }

  get count(): number {
    return this.#count;
  }

  /** A sorted copy of the samples. */
  sorted(): Float64Array {
    return this.#values.slice(0, this.#count).sort();
  }
}

/**
 * Nearest-rank percentile of ascending `sortedValues`: the smallest value such that at least
 * `percentile` % of the samples are less than or equal to it. NaN when there are no samples.
 */
export function percentileOfSorted(sortedValues: ArrayLike<number>, percentile: number): number {
  if (!(percentile > 0 && percentile <= 100)) throw new RangeError(`percentile ${percentile} is not in (0, 100]`);
  if (sortedValues.length === 0) return Number.NaN;
  const rank = Math.ceil((percentile / 100) * sortedValues.length);
  return sortedValues[Math.min(rank, sortedValues.length) - 1]!;
}

/** What one load point measured. */
export interface LatencySummary {
  readonly operationCount: number;
  readonly errorCount: number;
  readonly measuredMs: number;
  readonly operationsPerSecond: number;
  readonly latencyMsP50: number;
  readonly latencyMsP99: number;
  readonly latencyMsMax: number;
}

export function summarizeLatencies(options: { samples: LatencySamples; errorCount: number; measuredMs: number }): LatencySummary {
  const sorted = options.samples.sorted();
  return {
    operationCount: sorted.length,
    errorCount: options.errorCount,
    measuredMs: options.measuredMs,
    operationsPerSecond: options.measuredMs > 0 ? (sorted.length / options.measuredMs) * 1000 : 0,
    latencyMsP50: percentileOfSorted(sorted, 50),
    latencyMsP99: percentileOfSorted(sorted, 99),
    latencyMsMax: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}
