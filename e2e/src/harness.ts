/**
 * The e2e harness: starts ObjectBox as real OS processes on free loopback ports with temporary
 * data dirs, waits for readiness by polling with a deadline (never a fixed sleep), and stops what
 * it started by PID. Every process started here is killed when the test file ends, even on failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The repository root (this file runs from e2e/dist). */
export const repositoryRoot = new URL('../..', import.meta.url).pathname;
/** The Node.js 24 the workspace installs; the processes under test run on it. */
export const nodeBinary = join(repositoryRoot, 'node_modules', 'node', 'bin', 'node');
export const cliScript = join(repositoryRoot, 'tools', 'cli', 'bin', 'objectbox.js');

/**
 * Ports for servers under test come from below Linux's ephemeral range (32768-60999): a port the OS
 * picked with listen(0) is from that range, where the many client sockets of concurrently running
 * test files also take their local ports, so one could take it between our release and the
 * server's bind (seen once in CI). Here a random port in [20000, 32000) is checked bindable and
 * remembered, so this process never hands it out twice.
 */
const testPortMin = 20_000;
const testPortRange = 12_000;
const portsHandedOut = new Set<number>();

async function isBindable(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free TCP port on 127.0.0.1 for a server under test (released just before use). */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = testPortMin + Math.floor(Math.random() * testPortRange);
    if (portsHandedOut.has(port) || !(await isBindable(port))) continue;
    portsHandedOut.add(port);
    return port;
  }
  throw new Error('no free test port found in [20000, 32000)');
}

/** Polls `check` until it returns a value other than undefined, or throws after `deadlineMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, options: { deadlineMs: number; intervalMs?: number }): Promise<T> {
  const deadline = Date.now() + options.deadlineMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const result = await check();
      if (result !== undefined) return result;
    } catch (error) {
      lastError = error;
    }
    await sleep(options.intervalMs ?? 50);
  }
  throw new Error(`timed out after ${options.deadlineMs} ms waiting for ${what}${lastError === undefined ? '' : `: ${String(lastError)}`}`);
}

/** A process under test, with its output captured. */
export class TestProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Sends `signal` and waits for exit; SIGKILLs after `deadlineMs` and reports that as a failure. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', deadlineMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    process.kill(this.pid, signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), deadlineMs);
    const result = await this.exited;
    clearTimeout(timer);
    return result;
  }
}

const started = new Set<TestProcess>();
const tempDirs = new Set<string>();

/** Runs the `objectbox` CLI on the workspace Node.js with the given arguments. */
export function startCli(args: readonly string[], options: { env?: Record<string, string>; cwd?: string } = {}): TestProcess {
  const child = spawn(nodeBinary, [cliScript, ...args], {
    cwd: options.cwd ?? repositoryRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const process_ = new TestProcess(child);
  started.add(process_);
  void process_.exited.then(() => started.delete(process_));
  return process_;
}

/** Runs a compiled service `main.js` directly, as a container would. */
export function startServiceMain(mainPath: string, env: Record<string, string>): TestProcess {
  const child = spawn(nodeBinary, [join(repositoryRoot, mainPath)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const process_ = new TestProcess(child);
  started.add(process_);
  void process_.exited.then(() => started.delete(process_));
  return process_;
}

/** A temporary directory removed by {@link cleanUp}. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `objectbox-e2e-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

export function writeJsonFile(dir: string, name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
}

/** Kills (by PID) everything still running and removes temporary dirs. Call from `after`. */
export async function cleanUp(): Promise<void> {
  await Promise.all([...started].map((process_) => process_.stop('SIGKILL', 5_000)));
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Ports for every listener of a dev process, as a config file section. */
export async function devPorts(): Promise<Record<string, Record<string, number>>> {
  const section = async () => ({ httpPort: await freePort(), grpcPort: await freePort() });
  return {
    clusterManager: await section(),
    objectStore: { ...(await section()), httpsPort: await freePort() },
    cache: { ...(await section()), respPort: await freePort() },
    messageQueue: await section(),
    apiGateway: await section(),
    orchestrator: await section(),
  };
}
