/**
 * Reporting: the machine note, markdown tables, and the sections of docs/benchmarks.md that each
 * benchmark rewrites (between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`; everything else in
 * the file is left as it is).
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { repositoryRoot } from './bench-processes.js';

export const benchmarksDocDefault = join(repositoryRoot, 'docs', 'benchmarks.md');

/** The command line as typed from the repository root (node path shortened). */
export function commandLine(): string {
  return ['node tools/bench/dist/main.js', ...process.argv.slice(2)].join(' ');
}

/** One line about the machine and its state, for the report. */
export function machineNote(dataDirectory: string): string {
  const cpuList = cpus();
  const fileSystem = spawnSync('stat', ['-f', '-c', '%T', dataDirectory], { encoding: 'utf8' }).stdout?.trim() || 'unknown';
  const load = loadavg().map((value) => value.toFixed(2)).join(' ');
  return (
    `${cpuList.length} × ${cpuList[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
    `Linux ${release()}, Node ${process.version}, data on ${fileSystem} (${dataDirectory}), load average ${load} at start`
  );
}

/**
 * The ObjectBox revision measured (call it when the run starts): the commit, and how many tracked
 * files outside docs/ differed from it (the benchmarks themselves rewrite docs/benchmarks.md).
 */
export function objectboxRevision(): string {
  const git = (args: readonly string[]) => spawnSync('git', args, { cwd: repositoryRoot, encoding: 'utf8', timeout: 10_000 }).stdout?.trim() ?? '';
  const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  const changed = git(['status', '--porcelain', '--untracked-files=no', '--', '.', ':!docs']).split('\n').filter((line) => line !== '').length;
  return `commit ${commit}${changed > 0 ? `, plus uncommitted changes to ${changed} tracked files` : ''} (as built in dist/)`;
}

/** ISO date and time in UTC, minutes precision. */
export function timestampUtc(): string {
  return `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Rounds to a readable precision: integers above 100, 3 significant digits below. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toPrecision(3).replace(/\.?0+$/, '');
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a';
}

/** Replaces (or appends) the section `name` of the benchmarks document. */
export async function writeDocSection(options: { documentPath: string; name: string; content: string }): Promise<void> {
  const start = `<!-- bench:${options.name} -->`;
  const end = `<!-- /bench:${options.name} -->`;
  const section = `${start}\n${options.content.trim()}\n${end}`;
  const current = await readFile(options.documentPath, 'utf8').catch(() => '# Benchmarks\n');
  const startAt = current.indexOf(start);
  const endAt = current.indexOf(end);
  const next =
    startAt !== -1 && endAt > startAt
      ? `${current.slice(0, startAt)}${section}${current.slice(endAt + end.length)}`
      : `${current.trimEnd()}\n\n${section}\n`;
  await writeFile(options.documentPath, next);
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
