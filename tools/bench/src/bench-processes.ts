/**
 * What the benchmarks start and must stop: peer processes (stopped by PID, never by name) and
 * temporary directories, plus free loopback ports and polling with a deadline. One
 * {@link BenchResources} per run; `release()` in a finally block stops and removes everything.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The repository root (this file runs from tools/bench/dist). */
export const repositoryRoot = new URL('../../..', import.meta.url).pathname.replace(/\/$/, '');
/** The Node.js 24 the workspace installs; ObjectBox replicas run on it. */
export const nodeBinary = join(repositoryRoot, 'node_modules', 'node', 'bin', 'node');

/** How much of a child's output is kept for error reports. */
const outputTailBytesMax = 16 * 1024;

/** A started peer process; its output tail is kept for diagnostics. */
export class PeerProcess {
  #outputTail = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.#outputTail = (this.#outputTail + chunk.toString('utf8')).slice(-outputTailBytesMax);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid (spawn failed)`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get outputTail(): string {
    return this.#outputTail;
  }

  /** SIGTERM by PID, then SIGKILL by PID after `gracePeriodMs`. */
  async stop(gracePeriodMs: number): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    process.kill(this.child.pid, 'SIGTERM');
    const timer = setTimeout(() => {
      if (this.running) process.kill(this.pid, 'SIGKILL');
    }, gracePeriodMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export class BenchResources {
  readonly #processes: PeerProcess[] = [];
  readonly #directories: string[] = [];
  #released = false;
  #releasing: Promise<void> | undefined;

  constructor(private readonly options: { stopGracePeriodMs: number }) {}

  start(options: { name: string; command: string; args: readonly string[]; env?: NodeJS.ProcessEnv; cwd?: string }): PeerProcess {
    if (this.#released) throw new Error('resources already released');
    const child = spawn(options.command, options.args, {
      cwd: options.cwd ?? repositoryRoot,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const peer = new PeerProcess(options.name, child);
    child.once('error', () => undefined);
    this.#processes.push(peer);
    return peer;
  }

  /** A new directory under `parentDirectory`, removed on release. */
  async temporaryDirectory(parentDirectory: string, prefix: string): Promise<string> {
    const directory = await mkdtemp(join(parentDirectory, `objectbox-bench-${prefix}-`));
    this.#directories.push(directory);
    return directory;
  }

  /**
   * Stops (by PID) every process started here, newest first, then removes the directories. Every
   * call gets the same promise: the Ctrl+C handler and main's finally both release, and the second
   * must not resolve (and exit) while the first is still removing directories.
   */
  release(): Promise<void> {
    this.#releasing ??= this.#release();
    return this.#releasing;
  }

  async #release(): Promise<void> {
    this.#released = true;
    const processes = this.#processes.splice(0).reverse();
    await Promise.all(processes.map((peer) => peer.stop(this.options.stopGracePeriodMs)));
    for (const directory of this.#directories.splice(0)) await rm(directory, { recursive: true, force: true });
  }
}

/** A free TCP port on 127.0.0.1 (the OS picks it; it is released just before use). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Polls `check` until it returns something other than undefined; throws after `deadlineMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, options: { deadlineMs: number; intervalMs: number }): Promise<T> {
  const deadlineNs = process.hrtime.bigint() + BigInt(options.deadlineMs) * 1_000_000n;
  let lastError: unknown;
  while (process.hrtime.bigint() < deadlineNs) {
    try {
      const result = await check();
      if (result !== undefined) return result;
    } catch (error) {
      lastError = error;
    }
    await sleep(options.intervalMs);
  }
  throw new Error(`timed out after ${options.deadlineMs} ms waiting for ${what}${lastError === undefined ? '' : `: ${String(lastError)}`}`);
}

/** GET over loopback with a timeout; the status code, or undefined when nothing answered. */
export async function httpGetStatus(url: string, timeoutMs: number): Promise<number | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ); 100 on Linux unless getconf says otherwise. */
let clockTicksPerSecond: number | undefined;

function clockTicksPerSecondOf(): number {
  if (clockTicksPerSecond === undefined) {
    const output = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim();
    const parsed = Number(output);
    clockTicksPerSecond = Number.isInteger(parsed) && parsed > 0 ? parsed : 100;
  }
  return clockTicksPerSecond;
}

/** User plus system CPU time of process `pid` so far, in ms (from /proc/<pid>/stat); 0 when it is gone. */
export function processCpuMs(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // Fields after the command name (which may contain spaces) start at field 3; utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / clockTicksPerSecondOf()) * 1000;
}
