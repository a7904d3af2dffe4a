/**
 * The markdown of `bench s3`: throughput and latency per point side by side, large objects against
 * fio's bandwidth, CPU per request and per MiB (server and wrk), and the issue's targets with what
 * was measured against them. Targets are reported, never adjusted.
 */
import { cpus } from 'node:os';
import { commandLine, formatNumber, formatRatio, markdownTable } from './bench-report.js';
import { idleMeasureMs, keyCountFor, type S3BenchOptions, type S3Point, type S3PointResult, sizeLabel } from './bench-s3-plan.js';
import { type FioSequentialResult, fioCommands } from './bench-s3-fio.js';
import { type S3System, s3SystemTitles } from './bench-s3-servers.js';
import { wrkThreadCount } from './bench-s3-wrk.js';

export interface S3ReportInput {
  readonly options: S3BenchOptions;
  readonly points: readonly S3Point[];
  readonly fioBefore: FioSequentialResult | null;
  readonly fioAfter: FioSequentialResult | null;
  /** Whether each server refused a URL whose signature was altered. */
  readonly signatureChecks: ReadonlyMap<S3System, boolean>;
  readonly idleCpuCores: ReadonlyMap<S3System, number>;
  readonly note: string;
  readonly startedAt: string;
  readonly revision: string;
  readonly loadAtStart: string;
  readonly loadAtEnd: string;
  /** File system type, device and mount options of the data root (findmnt). */
  readonly dataRootMount: string;
  readonly versions: { readonly s3rver: string | null; readonly wrk: string; readonly fio: string | null };
}

const mebibyte = 1024 * 1024;
const smallObjectBytes = 4 * 1024;
const largeObjectBytes = 64 * mebibyte;
/** The issue's targets. */
const smallObjectRatioTarget = 10;
const largeGetOfFioReadTarget = 0.5;
const largePutRatioTarget = 2;

type Measured = Extract<S3PointResult, { ok: true }>;

function opsPerSecond(result: Measured): number {
  return result.run.requestCount / (result.run.durationMs / 1000);
}

function megabytesPerSecond(result: Measured): number {
  return (opsPerSecond(result) * result.objectSizeBytes) / 1e6;
}

function measured(point: S3Point, system: S3System): Measured | undefined {
  const result = point.results.get(system);
  return result?.ok === true ? result : undefined;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Mean of the fio runs before and after the points (null fields are left out). */
function fioMean(input: S3ReportInput, pick: (result: FioSequentialResult) => number | null): number {
  const values = [input.fioBefore, input.fioAfter].map((result) => (result === null ? null : pick(result))).filter((value): value is number => value !== null);
  return mean(values);
}

function megabytes(bytesPerSecond: number): string {
  return formatNumber(bytesPerSecond / 1e6);
}

export function renderS3Report(input: S3ReportInput): string {
  const { options, points } = input;
  const systems = options.systems;
  const compared = systems.includes('objectbox') && systems.includes('s3rver');
  const s3rverVerifies = input.signatureChecks.get('s3rver');
  const lines = [
    '## S3: ObjectBox object store vs s3rver under wrk, and fio',
    '',
    'Both servers are separate processes on loopback, started fresh by the run in their own temporary directories under the data root, and run side by side: ' +
      '**ObjectBox** is `objectbox start object-store` (a single-replica Raft group; a PUT is acknowledged once it is durable: a body up to 16 KiB travels in ' +
      'its metadata entry, acknowledged after the entry is committed with a group-committed WAL fsync; a larger one after its blob is fdatasynced and renamed and ' +
      'its metadata entry is committed), **s3rver** is s3rver under the same Node.js (`--silent`; it writes files without fsync, so its PUTs are not ' +
      'durable when acknowledged' +
      (s3rverVerifies === false ? ', and it parses SigV4 but does not compute it: a URL with an altered signature was accepted, so it skips the HMAC work ObjectBox does per request' : '') +
      '). ' +
      'The load generator is wrk on presigned path-style URLs (SigV4 query auth, `UNSIGNED-PAYLOAD`, only `host` signed, 1 h expiry), so the client signs ' +
      'nothing while measuring (the issue measured ~2.3 ms of client CPU per request for the AWS SDK for JS on this machine). A Lua script (`tools/bench/src/bench-s3-wrk.lua`) builds one request ' +
      'string per key in `init()` and replays them round-robin (each thread from its own offset). ' +
      `Keys per size: ${options.sizesBytes.map((size) => `${sizeLabel(size)} × ${keyCountFor(size)}`).join(', ')}, the same bytes for every key of a size, ` +
      "all uploaded (with fetch) before the size's PUT points, so every PUT overwrites, and again before its GET points: wrk abandons the requests in flight when " +
      'a run ends, and s3rver, which writes objects in place, then holds truncated ones (seen here: 64 MiB objects of ~32 MB after a PUT run; ObjectBox keeps ' +
      'the previous object, as it writes a temporary file and renames it only after the whole body is verified). ' +
      `wrk \`-c <concurrency> -t min(2, c)\`; per point a discarded warm-up (${options.warmupMs / 1000} s, longer when requests take longer) and a measured run of ` +
      `${options.durationMs / 1000} s, stretched to 10 request latencies (at most 90 s) where requests take seconds (large objects at high concurrency), ` +
      'so that completions do not jump by whole batches of c requests. ops/s = requests completed in the measured run ÷ its duration; MB/s = ops/s × object size ' +
      '(10^6 bytes); latency percentiles are wrk\'s, per request, client side. Points run PUTs then GETs per size, the two systems alternating point by point; ' +
      '`sync` before each point so that s3rver\'s unflushed writes are not written back during the next one. A point with any socket error, timeout or ' +
      'non-2xx response is reported as failed (PUT statuses are checked in Lua, GETs by wrk\'s count of statuses > 399 and by the bytes received covering every object).',
    '',
    `- run: ${input.startedAt}`,
    `- machine: ${input.note}; load average ${input.loadAtEnd} at the end`,
    `- data root: ${input.dataRootMount}`,
    `- ObjectBox: ${input.revision}`,
    `- peers: ${input.versions.s3rver ?? 's3rver not run'}; load generator ${input.versions.wrk}; ${input.versions.fio ?? 'fio not run'}`,
    `- command: \`${commandLine()}\``,
    '',
  ];

  // Throughput and latency.
  const headers = ['size', 'op', 'c'];
  for (const system of systems) {
    const title = s3SystemTitles[system];
    headers.push(`${title} ops/s`, `${title} MB/s`, `${title} p50 ms`, `${title} p99 ms`);
  }
  if (compared) headers.push('ops/s ObjectBox ÷ s3rver', 'p99 ObjectBox ÷ s3rver');
  const rows = points.map((point) => {
    const row = [sizeLabel(point.sizeBytes), point.operation.toUpperCase(), String(point.concurrency)];
    for (const system of systems) {
      const result = measured(point, system);
      if (result === undefined) row.push('failed', '', '', '');
      else row.push(formatNumber(opsPerSecond(result)), formatNumber(megabytesPerSecond(result)), formatNumber(result.run.latencyMsP50), formatNumber(result.run.latencyMsP99));
    }
    if (compared) {
      const objectbox = measured(point, 'objectbox');
      const s3rver = measured(point, 's3rver');
      row.push(
        objectbox && s3rver ? formatRatio(opsPerSecond(objectbox) / opsPerSecond(s3rver)) : 'n/a',
        objectbox && s3rver ? formatRatio(objectbox.run.latencyMsP99 / s3rver.run.latencyMsP99) : 'n/a',
      );
    }
    return row;
  });
  lines.push(markdownTable(headers, rows));

  // Large objects against the disk.
  const fioWrite = fioMean(input, (result) => result.writeBytesPerSecond);
  const fioWarmRead = fioMean(input, (result) => result.warmReadBytesPerSecond);
  const fioColdRead = fioMean(input, (result) => result.coldReadBytesPerSecond);
  if (input.fioBefore !== null) {
    const commands = fioCommands(options.fioSizeMiB);
    const fioCell = (result: FioSequentialResult | null, pick: (fio: FioSequentialResult) => number | null) => {
      const value = result === null ? null : pick(result);
      return value === null ? 'not measured' : megabytes(value);
    };
    lines.push(
      '',
      `### Against the disk (fio, ${options.fioSizeMiB} MiB file in the data root, before and after the points)`,
      '',
      `\`${commands.write}\` (the time includes the final fsync), then read back warm with \`${commands.warmRead}\` (the file just written, in the page cache: ` +
        `the state in which the GETs above read their just-written objects) and cold with \`${commands.coldRead}\` after \`sync; echo 3 > /proc/sys/vm/drop_caches\` ` +
        '(skipped without root or with `--no-drop-caches`). Ratios use the mean of the two fio runs.',
      '',
      markdownTable(
        ['fio', 'before MB/s', 'after MB/s', 'mean MB/s'],
        [
          ['sequential write, 1 MiB blocks, end fsync', fioCell(input.fioBefore, (fio) => fio.writeBytesPerSecond), fioCell(input.fioAfter, (fio) => fio.writeBytesPerSecond), megabytes(fioWrite)],
          ['sequential read, warm', fioCell(input.fioBefore, (fio) => fio.warmReadBytesPerSecond), fioCell(input.fioAfter, (fio) => fio.warmReadBytesPerSecond), megabytes(fioWarmRead)],
          ['sequential read, cold', fioCell(input.fioBefore, (fio) => fio.coldReadBytesPerSecond), fioCell(input.fioAfter, (fio) => fio.coldReadBytesPerSecond), megabytes(fioColdRead)],
        ],
      ),
    );
    const largePoints = points.filter((point) => point.sizeBytes === Math.max(...options.sizesBytes));
    const diskRows = largePoints.flatMap((point) =>
      systems.flatMap((system) => {
        const result = measured(point, system);
        if (result === undefined) return [];
        const rate = megabytesPerSecond(result) * 1e6;
        return [
          point.operation === 'put'
            ? [s3SystemTitles[system], `PUT ${sizeLabel(point.sizeBytes)}`, String(point.concurrency), megabytes(rate), formatRatio(rate / fioWrite), '', '']
            : [s3SystemTitles[system], `GET ${sizeLabel(point.sizeBytes)}`, String(point.concurrency), megabytes(rate), '', formatRatio(rate / fioWarmRead), formatRatio(rate / fioColdRead)],
        ];
      }),
    );
    if (diskRows.length > 0) {
      lines.push('', markdownTable(['system', 'op', 'c', 'MB/s', 'PUT ÷ fio write', 'GET ÷ fio read warm', 'GET ÷ fio read cold'], diskRows));
    }
  }

  // CPU.
  const cpuHeaders = ['size', 'op', 'c'];
  for (const system of systems) {
    const title = s3SystemTitles[system];
    cpuHeaders.push(`${title} server cores`, `${title} server CPU ms/request`, `${title} server CPU ms/MiB`, `wrk cores (${title})`, `wrk CPU ms/request (${title})`, `${title} requests measured`);
  }
  const cpuRows = points.map((point) => {
    const row = [sizeLabel(point.sizeBytes), point.operation.toUpperCase(), String(point.concurrency)];
    for (const system of systems) {
      const result = measured(point, system);
      if (result === undefined) {
        row.push('failed', '', '', '', '', '');
        continue;
      }
      const { run } = result;
      const mebibytesMoved = (run.requestCount * result.objectSizeBytes) / mebibyte;
      row.push(
        (result.serverCpuMs / result.wallMs).toFixed(2),
        formatNumber(result.serverCpuMs / run.requestCount),
        formatNumber(result.serverCpuMs / mebibytesMoved),
        (run.cpuMs / run.durationMs).toFixed(2),
        formatNumber(run.cpuMs / run.requestCount),
        `${formatNumber(run.requestCount)} in ${formatNumber(run.durationMs / 1000)} s`,
      );
    }
    return row;
  });
  lines.push(
    '',
    '### CPU',
    '',
    `CPU time (utime + stime from \`/proc/<pid>/stat\`, all threads) of each server process around the measured run, and of wrk during it ` +
      `(its own \`/proc/self/stat\` read in \`done()\`, minus what its threads spent building the requests in \`init()\`). cores = CPU ms per wall ms; the machine has ` +
      `${cpus().length}, shared by server, wrk and the idle other server. Per MiB counts the object bytes moved. ` +
      `Idle (both up, unloaded, ${idleMeasureMs / 1000} s): ${systems.map((system) => `${s3SystemTitles[system]} ${(input.idleCpuCores.get(system) ?? Number.NaN).toFixed(3)} cores`).join(', ')}. ` +
      `wrk threads: ${[...new Set(options.concurrencies.map((concurrency) => wrkThreadCount(concurrency)))].join(', ')}.`,
    '',
    markdownTable(cpuHeaders, cpuRows),
  );

  // Targets.
  const verdicts = renderTargets(input, { fioWrite, fioWarmRead, fioColdRead });
  if (verdicts.length > 0) lines.push('', '### Targets (from the issue; reported, not tuned for)', '', ...verdicts.map((verdict) => `- ${verdict}`));

  const failures = points.flatMap((point) =>
    systems.flatMap((system) => {
      const result = point.results.get(system);
      return result !== undefined && !result.ok ? [`${s3SystemTitles[system]} ${point.operation.toUpperCase()} ${sizeLabel(point.sizeBytes)} c=${point.concurrency}: ${result.reason}`] : [];
    }),
  );
  if (failures.length > 0) lines.push('', '### Failed points', '', ...failures.map((failure) => `- ${failure.replace(/\s+/g, ' ')}`));
  return lines.join('\n');
}

function verdict(met: boolean): string {
  return `**${met ? 'met' : 'not met'}**`;
}

function renderTargets(input: S3ReportInput, fio: { fioWrite: number; fioWarmRead: number; fioColdRead: number }): string[] {
  const { points, options } = input;
  const verdicts: string[] = [];
  const compared = options.systems.includes('objectbox') && options.systems.includes('s3rver');
  const pointsOf = (sizeBytes: number, operation: string) => points.filter((point) => point.sizeBytes === sizeBytes && point.operation === operation);
  const ratioOf = (point: S3Point): number => {
    const objectbox = measured(point, 'objectbox');
    const s3rver = measured(point, 's3rver');
    return objectbox && s3rver ? opsPerSecond(objectbox) / opsPerSecond(s3rver) : Number.NaN;
  };
  if (compared) {
    const small = [...pointsOf(smallObjectBytes, 'put'), ...pointsOf(smallObjectBytes, 'get')];
    if (small.length > 0) {
      const ratios = small.map((point) => ({ point, ratio: ratioOf(point) }));
      const met = ratios.every(({ ratio }) => ratio >= smallObjectRatioTarget);
      verdicts.push(
        `4 KiB PUT and GET ≥ ${smallObjectRatioTarget}× s3rver's ops/s at every concurrency: ${verdict(met)} ` +
          `(${ratios.map(({ point, ratio }) => `${point.operation.toUpperCase()} c=${point.concurrency} ${formatRatio(ratio)}`).join(', ')})`,
      );
    }
    const largePuts = pointsOf(largeObjectBytes, 'put');
    if (largePuts.length > 0) {
      const ratios = largePuts.map((point) => ({ point, ratio: ratioOf(point) }));
      const met = ratios.every(({ ratio }) => ratio >= largePutRatioTarget);
      verdicts.push(
        `64 MiB PUT ≥ ${largePutRatioTarget}× s3rver's throughput at every concurrency: ${verdict(met)} ` +
          `(${ratios.map(({ point, ratio }) => `c=${point.concurrency} ${formatRatio(ratio)}`).join(', ')}; s3rver does not fsync)`,
      );
    }
  }
  const largeGets = pointsOf(largeObjectBytes, 'get');
  if (largeGets.length > 0 && input.fioBefore !== null && options.systems.includes('objectbox')) {
    const rates = largeGets.map((point) => {
      const result = measured(point, 'objectbox');
      return { point, rate: result === undefined ? Number.NaN : megabytesPerSecond(result) * 1e6 };
    });
    const best = rates.reduce((top, candidate) => (candidate.rate > top.rate || Number.isNaN(top.rate) ? candidate : top));
    const warmRatio = best.rate / fio.fioWarmRead;
    const coldRatio = best.rate / fio.fioColdRead;
    verdicts.push(
      `64 MiB GET ≥ ${largeGetOfFioReadTarget * 100}% of fio's sequential read bandwidth (ObjectBox's best concurrency, c=${best.point.concurrency}, ${megabytes(best.rate)} MB/s): ` +
        `against the warm read (${megabytes(fio.fioWarmRead)} MB/s, the same page-cache state) ${formatRatio(warmRatio)} → ${verdict(warmRatio >= largeGetOfFioReadTarget)}; ` +
        `against the cold read (${Number.isFinite(fio.fioColdRead) ? `${megabytes(fio.fioColdRead)} MB/s` : 'not measured'}) ${formatRatio(coldRatio)}` +
        (Number.isFinite(coldRatio) ? ` → ${verdict(coldRatio >= largeGetOfFioReadTarget)}` : '') +
        ` (by concurrency: ${rates.map(({ point, rate }) => `c=${point.concurrency} ${formatRatio(rate / fio.fioWarmRead)} of warm`).join(', ')})`,
    );
    const largePuts = pointsOf(largeObjectBytes, 'put');
    const putRates = largePuts.map((point) => {
      const result = measured(point, 'objectbox');
      return { point, rate: result === undefined ? Number.NaN : megabytesPerSecond(result) * 1e6 };
    });
    if (putRates.length > 0) {
      verdicts.push(
        `For reference, 64 MiB PUT ÷ fio's sequential write (${megabytes(fio.fioWrite)} MB/s, end fsync): ` +
          putRates.map(({ point, rate }) => `c=${point.concurrency} ${formatRatio(rate / fio.fioWrite)}`).join(', '),
      );
    }
  }
  return verdicts;
}
