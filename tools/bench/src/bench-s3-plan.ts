/**
 * What `bench s3` measures, independent of how: its options, the points and their results, object
 * sizes and keys, and how long a measured window must be.
 */
import { type BenchResources } from './bench-processes.js';
import { FlagError } from './bench-flags.js';
import { type S3System } from './bench-s3-servers.js';
import { type WrkRun } from './bench-s3-wrk.js';

export const s3Operations = ['put', 'get'] as const;
export type S3Operation = (typeof s3Operations)[number];

export interface S3BenchOptions {
  readonly sizesBytes: readonly number[];
  readonly concurrencies: readonly number[];
  readonly operations: readonly S3Operation[];
  readonly systems: readonly S3System[];
  readonly warmupMs: number;
  /** The measured window; longer for large objects at high concurrency (see {@link measuredWindowMs}). */
  readonly durationMs: number;
  /** Whether to measure fio's sequential bandwidth (before and after the S3 points). */
  readonly fio: boolean;
  readonly fioSizeMiB: number;
  readonly dropCaches: boolean;
  readonly readyTimeoutMs: number;
  /** When set, the ObjectBox process runs under `node --cpu-prof` writing here. */
  readonly objectboxCpuProfileDirectory: string | null;
  readonly dataRoot: string;
  readonly documentPath: string | null;
  readonly resources: BenchResources;
  readonly log: (line: string) => void;
}

/** One measured point of one system. */
export type S3PointResult =
  | {
      readonly ok: true;
      readonly run: WrkRun;
      readonly objectSizeBytes: number;
      /** Server CPU during the measured wrk run (its request building included), ms. */
      readonly serverCpuMs: number;
      /** Wall time between the two CPU readings, ms. */
      readonly wallMs: number;
    }
  | { readonly ok: false; readonly reason: string };

export interface S3Point {
  readonly sizeBytes: number;
  readonly operation: S3Operation;
  readonly concurrency: number;
  readonly results: Map<S3System, S3PointResult>;
}

/** The bytes of objects that wrk keeps as request strings per thread are bounded by this. */
const keyBytesBudget = 64 * 1024 * 1024;
const keyCountMax = 1024;
const keyCountMin = 4;
/** A measured window covers at least this many request latencies per connection, up to the cap. */
const windowLatencyMultiple = 10;
const windowMsMax = 90_000;
/** A warm-up is stretched to cover requests that take long, up to this. */
export const warmupMsMax = 30_000;
/** Idle time at start over which each server's idle CPU is read. */
export const idleMeasureMs = 3000;

/** Keys per object size: many small ones, few large ones (wrk holds each as a request string per thread). */
export function keyCountFor(sizeBytes: number): number {
  return Math.max(keyCountMin, Math.min(keyCountMax, Math.floor(keyBytesBudget / sizeBytes)));
}

/** `--sizes 4k,1m,64m`: object sizes in bytes (k, m, g are powers of 1024). */
export function sizeListFlag(name: string, raw: string): number[] {
  const units: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
  return raw.split(',').map((part) => {
    const match = /^(\d+)([kmg]?)(?:i?b)?$/i.exec(part.trim());
    const bytes = match === null ? Number.NaN : Number(match[1]) * units[match[2]!.toLowerCase()]!;
    if (!(Number.isSafeInteger(bytes) && bytes > 0 && bytes <= 1024 ** 3)) throw new FlagError(`--${name}: "${part}" is not a size between 1 byte and 1g (e.g. 4k, 1m, 64m)`);
    return bytes;
  });
}

export function sizeLabel(sizeBytes: number): string {
  for (const [unit, factor] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (sizeBytes >= factor && sizeBytes % factor === 0) return `${sizeBytes / factor} ${unit}`;
  }
  return `${sizeBytes} B`;
}

/** The keys of one size, `<size>/<index>` (e.g. `4kib/000017`). */
export function keysFor(sizeBytes: number): string[] {
  const prefix = sizeLabel(sizeBytes).replace(' ', '').toLowerCase();
  return Array.from({ length: keyCountFor(sizeBytes) }, (_, index) => `${prefix}/${String(index).padStart(6, '0')}`);
}

/**
 * The measured window: --duration-s, unless requests take so long that it would hold only a few
 * of them per connection (64 MiB at c=32: seconds each); then 10 latencies, at most 90 s. With
 * fewer rounds, completions in a fixed window jump by whole batches of c requests.
 */
export function measuredWindowMs(durationMs: number, latencyEstimateMs: number): number {
  return Math.min(Math.max(durationMs, windowLatencyMultiple * latencyEstimateMs), Math.max(durationMs, windowMsMax));
}

