/**
 * wal-recovery: time to reopen a ~1 GiB WAL (by default) (`Wal.open`, which reads and verifies every segment)
 * and replay it (`readRecords` from the first index), warm (right after writing) and, when the
 * page cache can be dropped (root), cold. The peer is the plain read of the same segment files
 * (readFile, no verification) in the same cache state: the ratio is the cost of recovery over
 * just reading the bytes.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Wal } from '@objectbox/storage-runtime';
import { type BenchResources } from './bench-processes.js';
import { commandLine, formatNumber, objectboxRevision, formatRatio, machineNote, markdownTable, timestampUtc, writeDocSection } from './bench-report.js';
import { quietStorageLogger } from './bench-wal.js';

export interface WalRecoveryOptions {
  readonly sizeBytes: number;
  readonly recordBytes: number;
  readonly segmentSizeBytes: number;
  /** Records per append call while writing the log. */
  readonly recordCountPerAppend: number;
  /** Appends in flight while writing the log. */
  readonly appendConcurrency: number;
  readonly dropCaches: boolean;
  readonly dataRoot: string;
  readonly documentPath: string | null;
  readonly resources: BenchResources;
  readonly log: (line: string) => void;
}

interface RecoveryTiming {
  readonly openMs: number;
  readonly replayMs: number;
  readonly recordCount: number;
  readonly payloadBytes: number;
}

interface RawReadTiming {
  readonly readMs: number;
  readonly fileBytes: number;
}

const mebibyte = 1024 * 1024;

function elapsedMsSince(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e6;
}

function walOptions(options: WalRecoveryOptions, directory: string) {
  return {
    directory,
    segmentSizeBytes: options.segmentSizeBytes,
    recordPayloadBytesMax: options.recordBytes,
    pendingBytesMax: 64 * mebibyte,
    logger: quietStorageLogger,
  };
}

async function writeLog(options: WalRecoveryOptions, directory: string): Promise<{ recordCount: number; writeMs: number }> {
  const recordCount = Math.ceil(options.sizeBytes / options.recordBytes);
  const payload = randomBytes(options.recordBytes);
  const wal = await Wal.open(walOptions(options, directory));
  const startNs = process.hrtime.bigint();
  let remaining = recordCount;
  try {
    await Promise.all(
      Array.from({ length: options.appendConcurrency }, async () => {
        while (remaining > 0) {
          const count = Math.min(remaining, options.recordCountPerAppend);
          remaining -= count;
          await wal.append(Array.from({ length: count }, () => ({ type: 1, payload })));
        }
      }),
    );
  } finally {
    await wal.close();
  }
  return { recordCount, writeMs: elapsedMsSince(startNs) };
}

async function recover(options: WalRecoveryOptions, directory: string): Promise<RecoveryTiming> {
  const startNs = process.hrtime.bigint();
  const wal = await Wal.open(walOptions(options, directory));
  try {
    const openMs = elapsedMsSince(startNs);
    let recordCount = 0;
    let payloadBytes = 0;
    for await (const record of wal.readRecords({ fromIndex: wal.firstIndex })) {
      recordCount++;
      payloadBytes += record.payload.length;
    }
    return { openMs, replayMs: elapsedMsSince(startNs) - openMs, recordCount, payloadBytes };
  } finally {
    await wal.close();
  }
}

/** Recovery in one pass, as the Raft log store does it: records are handed over while `open` verifies them. */
async function recoverOnePass(options: WalRecoveryOptions, directory: string): Promise<{ totalMs: number; recordCount: number }> {
  const startNs = process.hrtime.bigint();
  let recordCount = 0;
  const wal = await Wal.open({ ...walOptions(options, directory), onRecoveredRecord: () => recordCount++ });
  const totalMs = elapsedMsSince(startNs);
  await wal.close();
  return { totalMs, recordCount };
}

async function readRaw(directory: string): Promise<RawReadTiming> {
  const names = (await readdir(directory)).sort();
  const startNs = process.hrtime.bigint();
  let fileBytes = 0;
  for (const name of names) fileBytes += (await readFile(join(directory, name))).length;
  return { readMs: elapsedMsSince(startNs), fileBytes };
}

/** sync, then drops the page cache; false when not permitted (not root, or a container). */
function dropPageCache(): boolean {
  spawnSync('sync', [], { timeout: 60_000 });
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3\n');
    return true;
  } catch {
    return false;
  }
}

export async function runWalRecoveryBench(options: WalRecoveryOptions): Promise<string> {
  const note = machineNote(options.dataRoot);
  const startedAt = timestampUtc();
  const revision = objectboxRevision();
  const directory = await options.resources.temporaryDirectory(options.dataRoot, 'wal-recovery');
  options.log(`writing ${formatNumber(options.sizeBytes / mebibyte)} MiB of ${options.recordBytes}-byte records`);
  const written = await writeLog(options, directory);
  const names = await readdir(directory);
  let fileBytes = 0;
  for (const name of names) fileBytes += (await stat(join(directory, name))).size;
  options.log(`  ${written.recordCount} records, ${names.length} segments, ${formatNumber(fileBytes / mebibyte)} MiB on disk in ${formatNumber(written.writeMs)} ms`);

  const rows: string[][] = [];
  const addRow = (cache: string, recovery: RecoveryTiming, onePass: { totalMs: number; recordCount: number }, raw: RawReadTiming) => {
    if (recovery.recordCount !== written.recordCount) throw new Error(`replayed ${recovery.recordCount} records, wrote ${written.recordCount}`);
    if (onePass.recordCount !== written.recordCount) throw new Error(`one-pass recovery saw ${onePass.recordCount} records, wrote ${written.recordCount}`);
    const totalMs = recovery.openMs + recovery.replayMs;
    rows.push([
      cache,
      formatNumber(recovery.openMs),
      formatNumber(recovery.replayMs),
      formatNumber(totalMs),
      formatNumber(fileBytes / mebibyte / (totalMs / 1000)),
      formatNumber(onePass.totalMs),
      formatNumber(raw.readMs),
      formatRatio(totalMs / raw.readMs),
      formatRatio(onePass.totalMs / raw.readMs),
    ]);
    options.log(`  ${cache}: open ${formatNumber(recovery.openMs)} ms + replay ${formatNumber(recovery.replayMs)} ms; raw read ${formatNumber(raw.readMs)} ms`);
  };

  options.log('recovering (warm page cache)');
  const warmRecovery = await recover(options, directory);
  const warmOnePass = await recoverOnePass(options, directory);
  const warmRaw = await readRaw(directory);
  addRow('warm', warmRecovery, warmOnePass, warmRaw);

  let coldNote = 'cold: not measured (--no-drop-caches)';
  if (options.dropCaches) {
    options.log('recovering (cold: page cache dropped)');
    if (dropPageCache()) {
      const coldRecovery = await recover(options, directory);
      dropPageCache();
      const coldOnePass = await recoverOnePass(options, directory);
      dropPageCache();
      const coldRaw = await readRaw(directory);
      addRow('cold', coldRecovery, coldOnePass, coldRaw);
      coldNote = 'cold: `sync; echo 3 > /proc/sys/vm/drop_caches` before each of the three measurements';
    } else {
      coldNote = 'cold: not measured (could not write /proc/sys/vm/drop_caches)';
      options.log(`  ${coldNote}`);
    }
  }

  const report = [
    `## WAL recovery of a ${formatNumber(options.sizeBytes / 1024 ** 3)} GiB log`,
    '',
    `${formatNumber(written.recordCount)} records of ${options.recordBytes} bytes (${formatNumber(fileBytes / mebibyte)} MiB in ${names.length} segments of ` +
      `${options.segmentSizeBytes / mebibyte} MiB), written with ${options.recordCountPerAppend} records per append (${formatNumber(written.writeMs)} ms, ` +
      `${formatNumber(fileBytes / mebibyte / (written.writeMs / 1000))} MiB/s). Recovery = \`Wal.open\` (reads and verifies every segment, finds the ` +
      'tail) + `readRecords` of every record (re-reads and verifies again); one pass = `Wal.open` with `onRecoveredRecord` (how the Raft log store ' +
      'replays since this session). Peer: reading the same files with `readFile` and no verification, same cache state; ' +
      `ratio = recovery time ÷ raw read time. ${coldNote}.`,
    '',
    `- run: ${startedAt}`,
    `- machine: ${note}`,
    `- ObjectBox: ${revision}`,
    `- command: \`${commandLine()}\``,
    '',
    markdownTable(['page cache', 'open ms', 'replay ms', 'recovery ms', 'recovery MiB/s', 'one pass ms', 'raw read ms', 'recovery ÷ raw read', 'one pass ÷ raw read'], rows),
  ].join('\n');
  if (options.documentPath !== null) await writeDocSection({ documentPath: options.documentPath, name: 'wal-recovery', content: report });
  return report;
}
