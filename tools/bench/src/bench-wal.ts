/**
 * wal: single-replica group commit. 256-byte records appended to `Wal` (each append resolves after
 * its batch's fdatasync) by closed-loop workers at concurrency 1, 16 and 64, side by side with
 * fio's rate of 4 KiB writes each followed by an fsync on the same file system: the disk's ceiling
 * for one-write-one-fsync. fio runs before and after the WAL points, to show the drift.
 */
import { spawnSync } from 'node:child_process';
import { CountingFileSystem, Wal, type StorageLogger } from '@objectbox/storage-runtime';
import { type BenchResources } from './bench-processes.js';
import { commandLine, formatNumber, objectboxRevision, formatRatio, machineNote, markdownTable, timestampUtc, writeDocSection } from './bench-report.js';
import { type ClosedLoopResult, runClosedLoop } from './load-closed-loop.js';
import { ensurePeersInstalled, fioPackage, versionOf } from './peer-install.js';

export interface WalBenchOptions {
  readonly concurrencies: readonly number[];
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly recordBytes: number;
  readonly fioSizeMiB: number;
  readonly dataRoot: string;
  readonly documentPath: string | null;
  readonly resources: BenchResources;
  readonly log: (line: string) => void;
}

/** Only warnings reach stderr; the WAL's info events would interleave with the progress lines. */
export const quietStorageLogger: StorageLogger = {
  info: () => undefined,
  warn: (event, fields) => process.stderr.write(`${JSON.stringify({ level: 'warn', component: 'storage', event, ...fields })}\n`),
};

export interface FioFsyncResult {
  /** Writes per second; each write is followed by an fsync, so also fsyncs per second. */
  readonly fsyncsPerSecond: number;
  readonly fsyncLatencyMsP50: number;
  readonly fsyncLatencyMsP99: number;
}

const fioTimeoutMs = 5 * 60 * 1000;

export function runFioFsync(options: { directory: string; sizeMiB: number; runtimeS: number }): FioFsyncResult {
  const args = [
    '--name=fsync',
    '--rw=write',
    '--bs=4k',
    '--fsync=1',
    `--size=${options.sizeMiB}m`,
    `--directory=${options.directory}`,
    `--runtime=${Math.max(1, Math.round(options.runtimeS))}`,
    '--output-format=json',
  ];
  const result = spawnSync('/usr/bin/fio', args, { encoding: 'utf8', timeout: fioTimeoutMs, maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`fio failed (status ${result.status}): ${result.stderr || result.error?.message}`);
  const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as {
    jobs: { write: { iops: number }; sync: { lat_ns: { percentile: Record<string, number> } } }[];
  };
  const job = report.jobs[0]!;
  return {
    fsyncsPerSecond: job.write.iops,
    fsyncLatencyMsP50: (job.sync.lat_ns.percentile['50.000000'] ?? Number.NaN) / 1e6,
    fsyncLatencyMsP99: (job.sync.lat_ns.percentile['99.000000'] ?? Number.NaN) / 1e6,
  };
}

interface WalPoint {
  readonly result: ClosedLoopResult;
  readonly fsyncsPerAppend: number;
}

async function runWalPoint(options: WalBenchOptions, concurrency: number): Promise<WalPoint> {
  const directory = await options.resources.temporaryDirectory(options.dataRoot, `wal-${concurrency}`);
  const fileSystem = new CountingFileSystem();
  const wal = await Wal.open({
    directory,
    segmentSizeBytes: 64 * 1024 * 1024,
    recordPayloadBytesMax: options.recordBytes,
    pendingBytesMax: 64 * 1024 * 1024,
    fileSystem,
    logger: quietStorageLogger,
  });
  try {
    const payload = new Uint8Array(options.recordBytes).fill(0x5a);
    let appendCount = 0;
    const fileSyncCountBefore = fileSystem.fileSyncCount;
    const result = await runClosedLoop(
      { concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs, errorPauseMs: 10, errorCountMax: 100 },
      async () => {
        await wal.append([{ type: 1, payload }]);
        appendCount++;
      },
    );
    return { result, fsyncsPerAppend: (fileSystem.fileSyncCount - fileSyncCountBefore) / Math.max(appendCount, 1) };
  } finally {
    await wal.close();
  }
}

export async function runWalBench(options: WalBenchOptions): Promise<string> {
  ensurePeersInstalled([fioPackage], options.log);
  const note = machineNote(options.dataRoot);
  const startedAt = timestampUtc();
  const revision = objectboxRevision();
  const fioRuntimeS = (options.warmupMs + options.durationMs) / 1000;
  const fioDirectory = await options.resources.temporaryDirectory(options.dataRoot, 'fio');
  options.log(`fio: 4 KiB writes, fsync after each, up to ${options.fioSizeMiB} MiB or ${fioRuntimeS} s`);
  const fioBefore = runFioFsync({ directory: fioDirectory, sizeMiB: options.fioSizeMiB, runtimeS: fioRuntimeS });
  options.log(`  ${formatNumber(fioBefore.fsyncsPerSecond)} fsyncs/s, fsync p50 ${formatNumber(fioBefore.fsyncLatencyMsP50)} ms`);
  const points: WalPoint[] = [];
  for (const concurrency of options.concurrencies) {
    options.log(`Wal: ${options.recordBytes}-byte appends at concurrency ${concurrency}`);
    const point = await runWalPoint(options, concurrency);
    options.log(`  ${formatNumber(point.result.operationsPerSecond)} appends/s, p99 ${formatNumber(point.result.latencyMsP99)} ms, ${point.fsyncsPerAppend.toFixed(3)} fsyncs/append`);
    points.push(point);
  }
  options.log('fio again');
  const fioAfter = runFioFsync({ directory: fioDirectory, sizeMiB: options.fioSizeMiB, runtimeS: fioRuntimeS });
  options.log(`  ${formatNumber(fioAfter.fsyncsPerSecond)} fsyncs/s`);
  const fioMean = (fioBefore.fsyncsPerSecond + fioAfter.fsyncsPerSecond) / 2;

  const rows = points.map((point) => [
    String(point.result.concurrency),
    formatNumber(point.result.operationsPerSecond),
    formatNumber(point.result.latencyMsP50),
    formatNumber(point.result.latencyMsP99),
    point.fsyncsPerAppend.toFixed(3),
    formatNumber(point.result.operationsPerSecond * point.fsyncsPerAppend),
    formatRatio(point.result.operationsPerSecond / fioMean),
  ]);
  const report = [
    '## Single-replica group commit: `Wal` appends vs the disk\'s fsync rate (fio)',
    '',
    `\`Wal.append\` of one ${options.recordBytes}-byte record per call, resolved after fdatasync; closed loop, ${options.warmupMs / 1000} s warm-up ` +
      `then ${options.durationMs / 1000} s per point, 64 MiB segments. Peer: \`fio --name=fsync --rw=write --bs=4k --fsync=1 --size=${options.fioSizeMiB}m ` +
      `--runtime=${Math.round(fioRuntimeS)}\` in the same file system, run before and after the WAL points; ratio = appends/s ÷ the mean fio fsyncs/s.`,
    '',
    `- run: ${startedAt}`,
    `- machine: ${note}`,
    `- ObjectBox: ${revision}`,
    `- peer: ${versionOf('/usr/bin/fio')}: ${formatNumber(fioBefore.fsyncsPerSecond)} fsyncs/s before (fsync p50 ${formatNumber(fioBefore.fsyncLatencyMsP50)} ms, ` +
      `p99 ${formatNumber(fioBefore.fsyncLatencyMsP99)} ms), ${formatNumber(fioAfter.fsyncsPerSecond)} after (p50 ${formatNumber(fioAfter.fsyncLatencyMsP50)} ms, ` +
      `p99 ${formatNumber(fioAfter.fsyncLatencyMsP99)} ms)`,
    `- command: \`${commandLine()}\``,
    '',
    markdownTable(['concurrency', 'appends/s', 'p50 ms', 'p99 ms', 'fsyncs/append', 'WAL fsyncs/s', 'appends/s ÷ fio fsyncs/s'], rows),
  ].join('\n');
  if (options.documentPath !== null) await writeDocSection({ documentPath: options.documentPath, name: 'wal', content: report });
  return report;
}
