/**
 * One wrk run of `bench s3`: the requests (one presigned request per key) go to a plan file that
 * bench-s3-wrk.lua turns into precomputed request strings, wrk runs as a tracked process (stopped
 * by PID if it overruns), and its JSON line becomes a {@link WrkRun}. Any socket error, timeout or
 * non-2xx response fails the run with a {@link WrkRunError}, never a silently lower throughput.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchResources } from './bench-processes.js';
import { wrkPackage } from './peer-install.js';

/** The Lua script sits next to the sources (tsc does not copy it to dist). */
export const wrkScript = new URL('../src/bench-s3-wrk.lua', import.meta.url).pathname;

export interface WrkRequest {
  readonly method: 'GET' | 'PUT';
  /** Path and presigned query. */
  readonly target: string;
}

export interface WrkRunOptions {
  readonly resources: BenchResources;
  /** Where the plan file goes (a temporary directory of the run). */
  readonly workDirectory: string;
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  readonly requests: readonly WrkRequest[];
  /** The PUT body file; null for GETs. */
  readonly bodyFile: string | null;
  readonly objectSizeBytes: number;
  readonly connections: number;
  readonly durationMs: number;
  /** wrk's per-request timeout; a request slower than this counts as an error. */
  readonly requestTimeoutMs: number;
  /** A warm-up of large objects may end before any request completes; that is not an error then. */
  readonly allowNoCompletion?: boolean;
}

export interface WrkRun {
  readonly requestCount: number;
  readonly durationMs: number;
  readonly bytesReceived: number;
  readonly latencyMsP50: number;
  readonly latencyMsP99: number;
  readonly latencyMsMax: number;
  readonly latencyMsMean: number;
  /** wrk's own CPU for the run, without building the requests in init(). */
  readonly cpuMs: number;
  readonly threads: number;
}

/** A wrk run that saw errors or did not finish; the point is reported as failed with this text. */
export class WrkRunError extends Error {}

interface WrkResultLine {
  requests: number;
  durationUs: number;
  bytesReceived: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  non2xx: number;
  firstBadStatus: number;
  latencyUs: { p50: number; p90: number; p99: number; max: number; mean: number };
  cpuTicksTotal: number;
  cpuTicksInit: number;
}

const resultMarker = 'S3BENCH_RESULT ';

let clockTicksPerSecond: number | undefined;

/** USER_HZ, the unit of the CPU times the Lua script reads from /proc. */
function clockTicksPerSecondOf(): number {
  if (clockTicksPerSecond === undefined) {
    const parsed = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim());
    clockTicksPerSecond = Number.isInteger(parsed) && parsed > 0 ? parsed : 100;
  }
  return clockTicksPerSecond;
}

export function wrkThreadCount(connections: number): number {
  return Math.min(2, connections);
}

export async function runWrk(options: WrkRunOptions): Promise<WrkRun> {
  const threads = wrkThreadCount(options.connections);
  const planFile = join(options.workDirectory, 'wrk-plan.txt');
  await writeFile(planFile, options.requests.map((request) => `${request.method} ${request.target}\n`).join(''));
  const args = [
    '-t',
    String(threads),
    '-c',
    String(options.connections),
    '-d',
    `${Math.max(1, Math.round(options.durationMs / 1000))}s`,
    '--timeout',
    `${Math.ceil(options.requestTimeoutMs / 1000)}s`,
    '-s',
    wrkScript,
    `http://${options.host}/`,
    '--',
    planFile,
    options.bodyFile ?? '-',
    options.host,
    String(threads),
  ];
  const wrk = options.resources.start({ name: 'wrk', command: wrkPackage.binaryPath, args });
  let stdout = '';
  let stderr = '';
  wrk.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  wrk.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // Building 64 MiB request strings takes a few seconds; wrk stops by itself after -d plus in-flight requests.
  const overrunMs = options.durationMs + options.requestTimeoutMs + 60_000;
  let overran = false;
  const timer = setTimeout(() => {
    overran = true;
    void wrk.stop(2000);
  }, overrunMs);
  const { code, signal } = await wrk.exited.finally(() => clearTimeout(timer));
  if (overran) throw new WrkRunError(`wrk did not finish within ${overrunMs / 1000} s and was stopped`);
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(resultMarker));
  if (code !== 0 || line === undefined) {
    throw new WrkRunError(`wrk exited ${code ?? signal} without a result: ${(stderr || stdout).trim().slice(-500) || '(no output)'}`);
  }
  const result = JSON.parse(line.slice(resultMarker.length)) as WrkResultLine;
  const { errors } = result;
  const problems: string[] = [];
  if (result.requests === 0 && options.allowNoCompletion !== true) problems.push('no request completed');
  if (errors.connect + errors.read + errors.write > 0) problems.push(`socket errors: connect ${errors.connect}, read ${errors.read}, write ${errors.write}`);
  if (errors.timeout > 0) problems.push(`${errors.timeout} requests timed out (> ${options.requestTimeoutMs / 1000} s)`);
  if (errors.status > 0 || result.non2xx > 0) {
    problems.push(`${Math.max(errors.status, result.non2xx)} non-2xx responses${result.firstBadStatus > 0 ? ` (first: ${result.firstBadStatus})` : ''}`);
  }
  // GET bodies are not looked at (see the Lua script): every completed GET must have brought the whole object.
  const isGet = options.requests[0]?.method === 'GET';
  if (isGet && result.bytesReceived < result.requests * options.objectSizeBytes) {
    problems.push(`received ${result.bytesReceived} bytes for ${result.requests} GETs of ${options.objectSizeBytes} bytes (short bodies)`);
  }
  if (problems.length > 0) throw new WrkRunError(`${problems.join('; ')} in ${result.requests} completed requests`);
  return {
    requestCount: result.requests,
    durationMs: result.durationUs / 1000,
    bytesReceived: result.bytesReceived,
    latencyMsP50: result.latencyUs.p50 / 1000,
    latencyMsP99: result.latencyUs.p99 / 1000,
    latencyMsMax: result.latencyUs.max / 1000,
    latencyMsMean: result.latencyUs.mean / 1000,
    cpuMs: ((result.cpuTicksTotal - result.cpuTicksInit) / clockTicksPerSecondOf()) * 1000,
    threads,
  };
}
