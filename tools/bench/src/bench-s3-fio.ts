/**
 * The disk's sequential bandwidth under the same data root, the ceiling for large objects: fio
 * writes a file in 1 MiB blocks and fsyncs it at the end (the time includes the fsync, as an
 * acknowledged ObjectBox PUT includes its fdatasync), then reads it back in 1 MiB blocks twice:
 * warm (just written, in the page cache: the state ObjectBox's GETs of just-written objects are
 * in) and cold (page cache dropped first; needs root).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export interface FioSequentialResult {
  /** Bytes per second of the write, end fsync included. */
  readonly writeBytesPerSecond: number;
  readonly warmReadBytesPerSecond: number;
  /** Null when the page cache could not be dropped (not root) or --no-drop-caches. */
  readonly coldReadBytesPerSecond: number | null;
}

export class FioError extends Error {}

const fioBinary = '/usr/bin/fio';
const fioTimeoutMs = 5 * 60 * 1000;

function runFio(args: readonly string[]): { write: { bw_bytes: number }; read: { bw_bytes: number } } {
  const result = spawnSync(fioBinary, [...args, '--output-format=json'], { encoding: 'utf8', timeout: fioTimeoutMs, maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) throw new FioError(`fio ${args.join(' ')} failed (status ${result.status}): ${result.stderr || result.error?.message}`);
  const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { jobs: { write: { bw_bytes: number }; read: { bw_bytes: number } }[] };
  const job = report.jobs[0];
  if (job === undefined) throw new FioError(`fio ${args.join(' ')} reported no job`);
  return job;
}

/** sync, then drops the page cache; false when not permitted (not root, or a container). */
export function dropPageCache(): boolean {
  spawnSync('sync', [], { timeout: 120_000 });
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3\n');
    return true;
  } catch {
    return false;
  }
}

/** The fio command lines, for the report. */
export function fioCommands(sizeMiB: number): { write: string; warmRead: string; coldRead: string } {
  const common = `--bs=1m --size=${sizeMiB}m --filename=seq.dat`;
  return {
    write: `fio --name=seqwrite --rw=write ${common} --end_fsync=1`,
    warmRead: `fio --name=seqread --rw=read ${common} --invalidate=0`,
    coldRead: `fio --name=seqread --rw=read ${common}`,
  };
}

export function runFioSequential(options: { directory: string; sizeMiB: number; dropCaches: boolean }): FioSequentialResult {
  const common = ['--bs=1m', `--size=${options.sizeMiB}m`, `--directory=${options.directory}`, '--filename=seq.dat'];
  // Earlier writes (s3rver's, unsynced) would otherwise be flushed during fio's write.
  spawnSync('sync', [], { timeout: 120_000 });
  const write = runFio(['--name=seqwrite', '--rw=write', '--end_fsync=1', ...common]);
  // fio drops a file's cached pages before a job unless told not to (invalidate=1 by default).
  const warmRead = runFio(['--name=seqread', '--rw=read', '--invalidate=0', ...common]);
  const coldRead = options.dropCaches && dropPageCache() ? runFio(['--name=seqread', '--rw=read', ...common]) : null;
  return {
    writeBytesPerSecond: write.write.bw_bytes,
    warmReadBytesPerSecond: warmRead.read.bw_bytes,
    coldReadBytesPerSecond: coldRead === null ? null : coldRead.read.bw_bytes,
  };
}
