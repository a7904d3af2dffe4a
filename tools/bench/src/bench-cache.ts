/**
 * cache: the ObjectBox cache (`objectbox start cache`, RESP) against redis-server 7 (Debian),
 * both started by this run on loopback with persistence off, loaded by the same redis-benchmark
 * (Debian redis-tools) with the same flags, alternating Redis and ObjectBox round by round so that
 * machine noise hits both alike; once without pipelining and once with `-P <pipeline>`. Then memory:
 * 1,000,000 small string keys bulk-loaded with `redis-cli --pipe` into each (empty, freshly started)
 * server, Redis's `used_memory` growth against the ObjectBox process's RSS growth.
 *
 * redis-benchmark 7.0 counts error replies as completed requests and prints nothing about them, so
 * every test is its own redis-benchmark invocation and the server's `total_error_replies` (INFO
 * stats) is compared before and after it: a test with error replies is reported as failed, with the
 * error text of one probe of the same command, instead of as a throughput.
 *
 * With floors on (the default), two bare Node.js RESP servers run the same tests in the same rounds
 * (resp-floor-server-main.ts: one that stores nothing, one that keeps the data in plain Maps): what
 * Node.js itself reaches on this machine, against which the ObjectBox cache's ratio is read.
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchResources, freePorts, httpGetStatus, nodeBinary, type PeerProcess, processCpuMs, waitFor } from './bench-processes.js';
import { commandLine, formatNumber, formatRatio, machineNote, markdownTable, median, objectboxRevision, timestampUtc, writeDocSection } from './bench-report.js';
import { cliScript } from './objectbox-cluster.js';
import { ensurePeersInstalled, redisServerPackage, redisToolsPackage, versionOf } from './peer-install.js';

export const cacheBenchTests = ['set', 'get', 'incr', 'lpush', 'lpop', 'sadd', 'hset', 'zadd'] as const;
export type CacheBenchTest = (typeof cacheBenchTests)[number];

export interface CacheBenchOptions {
  readonly tests: readonly CacheBenchTest[];
  /** redis-benchmark -n: requests per test and run. */
  readonly requests: number;
  /** redis-benchmark -c. */
  readonly clients: number;
  /** redis-benchmark -r: keys are key:<random below this>. */
  readonly keyspace: number;
  /** The pipelined mode's -P (the other mode is -P 1). */
  readonly pipeline: number;
  /** Rounds; each runs every test against Redis, then against ObjectBox. */
  readonly rounds: number;
  /** Keys bulk-loaded for the memory comparison; 0 skips it. */
  readonly memoryKeyCount: number;
  /** Also run the two bare Node.js floor servers through the same tests and rounds. */
  readonly floors: boolean;
  readonly readyTimeoutMs: number;
  /** When set, the ObjectBox process runs with `node --cpu-prof` writing here. */
  readonly objectboxCpuProfileDirectory: string | null;
  readonly dataRoot: string;
  readonly documentPath: string | null;
  readonly resources: BenchResources;
  readonly log: (line: string) => void;
}

const redisServerBinary = '/usr/bin/redis-server';
const redisBenchmarkBinary = '/usr/bin/redis-benchmark';
const redisCliBinary = '/usr/bin/redis-cli';

type CacheSystem = 'redis' | 'objectbox' | 'floor-noop' | 'floor-maps';
/** The systems of the memory comparison; the throughput rounds add the floors when asked. */
const systems: readonly CacheSystem[] = ['redis', 'objectbox'];
const floorSystems: readonly CacheSystem[] = ['floor-noop', 'floor-maps'];
const systemTitles: Record<CacheSystem, string> = { redis: 'Redis', objectbox: 'ObjectBox', 'floor-noop': 'Node.js no-op floor', 'floor-maps': 'Node.js Maps floor' };

interface CacheServerUnderTest {
  readonly system: CacheSystem;
  readonly port: number;
  readonly process: PeerProcess;
}

/** The command each redis-benchmark test sends (redis-benchmark.c, 7.0), to probe for its error text. */
const probeCommands: Record<CacheBenchTest, readonly string[]> = {
  set: ['SET', 'key:probe', 'xxx'],
  get: ['GET', 'key:probe'],
  incr: ['INCR', 'counter:probe'],
  lpush: ['LPUSH', 'mylist', 'xxx'],
  lpop: ['LPOP', 'mylist'],
  sadd: ['SADD', 'myset', 'element:probe'],
  hset: ['HSET', 'myhash', 'element:probe', 'xxx'],
  zadd: ['ZADD', 'myzset', '0', 'element:probe'],
};

/** One redis-benchmark run of one test: its CSV row, or why it failed. */
type TestRun =
  | {
      readonly ok: true;
      readonly requestsPerSecond: number;
      readonly latencyMsP50: number;
      readonly latencyMsP99: number;
      readonly latencyMsAverage: number;
      /** The server process's user + system CPU time over the run, per request. */
      readonly serverCpuMicrosPerRequest: number;
    }
  | { readonly ok: false; readonly reason: string };

interface PipelineMode {
  readonly pipeline: number;
  readonly title: string;
}

export async function runCacheBench(options: CacheBenchOptions): Promise<string> {
  ensurePeersInstalled([redisServerPackage, redisToolsPackage], options.log);
  const note = machineNote(options.dataRoot);
  const startedAt = timestampUtc();
  const revision = objectboxRevision();
  const peerVersion = versionOf(redisServerBinary);
  const benchmarkVersion = versionOf(redisBenchmarkBinary);
  const workDirectory = await options.resources.temporaryDirectory(options.dataRoot, 'cache');

  options.log(`starting redis-server (${peerVersion}) and the ObjectBox cache`);
  const [redisPort, objectboxRespPort, objectboxHttpPort, objectboxGrpcPort] = await freePorts(4);
  const servers = new Map<CacheSystem, CacheServerUnderTest>([
    ['redis', await startRedisServer({ ...options, port: redisPort!, directory: join(workDirectory, 'redis') })],
    [
      'objectbox',
      await startObjectBoxCache({
        ...options,
        respPort: objectboxRespPort!,
        httpPort: objectboxHttpPort!,
        grpcPort: objectboxGrpcPort!,
        directory: join(workDirectory, 'objectbox'),
      }),
    ],
  ]);
  options.log(`redis-server on 127.0.0.1:${redisPort} (pid ${servers.get('redis')!.process.pid}), ObjectBox cache on 127.0.0.1:${objectboxRespPort} (pid ${servers.get('objectbox')!.process.pid})`);
  const roundSystems = options.floors ? [...systems, ...floorSystems] : systems;
  if (options.floors) {
    const floorPorts = await freePorts(floorSystems.length);
    for (const [position, system] of floorSystems.entries()) servers.set(system, await startFloorServer(options, system, floorPorts[position]!));
  }

  // Memory first, while both processes are fresh: the ObjectBox heap has not grown under load yet.
  let memory: Map<CacheSystem, MemoryResult> | null = null;
  if (options.memoryKeyCount > 0) {
    const inputFile = join(workDirectory, 'memory-input.resp');
    await writeBulkLoadInput(inputFile, options.memoryKeyCount);
    memory = new Map();
    for (const system of systems) {
      options.log(`${systemTitles[system]}: memory, ${formatNumber(options.memoryKeyCount)} SETs through redis-cli --pipe`);
      const result = await measureMemory(options, servers.get(system)!, inputFile);
      options.log(
        `  used_memory ${mib(result.usedMemoryBefore)} → ${mib(result.usedMemoryAfter)}, RSS ${mib(result.rssBefore)} → ${mib(result.rssAfter)}, ` +
          `DBSIZE ${result.keyCountAfter}, ${result.loadSeconds.toFixed(1)} s`,
      );
      memory.set(system, result);
      redisCli(servers.get(system)!.port, ['FLUSHALL']);
    }
  }

  const modes: PipelineMode[] = [
    { pipeline: 1, title: 'Without pipelining (-P 1)' },
    { pipeline: options.pipeline, title: `Pipelined (-P ${options.pipeline})` },
  ];
  // runs[mode][system][test] = one TestRun per round.
  const runs = modes.map(() => new Map(roundSystems.map((system) => [system, new Map(options.tests.map((test) => [test, [] as TestRun[]]))])));
  for (let round = 1; round <= options.rounds; round++) {
    for (const [modeIndex, mode] of modes.entries()) {
      for (const system of roundSystems) {
        const server = servers.get(system)!;
        redisCli(server.port, ['FLUSHALL']);
        options.log(`round ${round}/${options.rounds}, ${mode.title}, ${systemTitles[system]}`);
        for (const test of options.tests) {
          const run = await runBenchmarkTest(options, server, test, mode.pipeline);
          options.log(
            run.ok
              ? `  ${test}: ${formatNumber(run.requestsPerSecond)} req/s, p50 ${run.latencyMsP50} ms, p99 ${run.latencyMsP99} ms`
              : `  ${test}: FAILED (${run.reason})`,
          );
          runs[modeIndex]!.get(system)!.get(test)!.push(run);
        }
      }
    }
  }

  const report = renderCacheReport({
    options,
    modes,
    runs,
    memory,
    note,
    revision,
    startedAt,
    peerVersion,
    benchmarkVersion,
    loadAtEnd: loadavg().map((value) => value.toFixed(2)).join(' '),
  });
  if (options.documentPath !== null) await writeDocSection({ documentPath: options.documentPath, name: 'cache', content: report });
  return report;
}

async function startRedisServer(options: CacheBenchOptions & { port: number; directory: string }): Promise<CacheServerUnderTest> {
  await mkdir(options.directory, { recursive: true });
  const peer = options.resources.start({
    name: 'redis-server',
    command: redisServerBinary,
    args: [
      '--port',
      String(options.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      options.directory,
      '--daemonize',
      'no',
      '--logfile',
      '',
      '--loglevel',
      'warning',
    ],
  });
  const server = { system: 'redis' as const, port: options.port, process: peer };
  await waitForPong(server, options.readyTimeoutMs);
  return server;
}

async function startObjectBoxCache(
  options: CacheBenchOptions & { respPort: number; httpPort: number; grpcPort: number; directory: string },
): Promise<CacheServerUnderTest> {
  const nodeFlags = options.objectboxCpuProfileDirectory === null ? [] : ['--cpu-prof', '--cpu-prof-dir', options.objectboxCpuProfileDirectory];
  const peer = options.resources.start({
    name: 'objectbox cache',
    command: nodeBinary,
    // The RESP port has no flag of its own; OBJECTBOX_SERVICES_CACHE_RESP_PORT sets services.cache.respPort.
    env: { ...process.env, OBJECTBOX_SERVICES_CACHE_RESP_PORT: String(options.respPort) },
    args: [
      ...nodeFlags,
      cliScript,
      'start',
      'cache',
      '--data-dir',
      options.directory,
      '--host',
      '127.0.0.1',
      '--http-port',
      String(options.httpPort),
      '--grpc-port',
      String(options.grpcPort),
      '--log-level',
      'warn',
    ],
  });
  const server = { system: 'objectbox' as const, port: options.respPort, process: peer };
  await waitFor(
    'the ObjectBox cache /health/ready',
    async () => {
      if (!peer.running) throw new Error(`the ObjectBox cache exited: ${peer.outputTail}`);
      return (await httpGetStatus(`http://127.0.0.1:${options.httpPort}/health/ready`, 1000)) === 200 ? true : undefined;
    },
    { deadlineMs: options.readyTimeoutMs, intervalMs: 100 },
  );
  await waitForPong(server, options.readyTimeoutMs);
  return server;
}

/** A bare Node.js RESP server (resp-floor-server-main.ts) in the given floor mode. */
async function startFloorServer(options: CacheBenchOptions, system: CacheSystem, port: number): Promise<CacheServerUnderTest> {
  const floorMode = system === 'floor-noop' ? 'noop' : 'maps';
  const peer = options.resources.start({ name: `resp floor server (${floorMode})`, command: nodeBinary, args: [join(import.meta.dirname, 'resp-floor-server-main.js'), String(port), floorMode] });
  const server = { system, port, process: peer };
  await waitForPong(server, options.readyTimeoutMs);
  return server;
}

async function waitForPong(server: CacheServerUnderTest, deadlineMs: number): Promise<void> {
  await waitFor(
    `${systemTitles[server.system]} PING`,
    async () => {
      if (!server.process.running) throw new Error(`${server.process.name} exited: ${server.process.outputTail}`);
      const result = spawnSync(redisCliBinary, ['-h', '127.0.0.1', '-p', String(server.port), 'PING'], { encoding: 'utf8', timeout: 2000 });
      return result.stdout?.trim() === 'PONG' ? true : undefined;
    },
    { deadlineMs, intervalMs: 100 },
  );
}

/** redis-cli against a server under test; its stdout. Throws when redis-cli fails. */
function redisCli(port: number, args: readonly string[], timeoutMs = 120_000): string {
  const result = spawnSync(redisCliBinary, ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8', timeout: timeoutMs });
  if (result.status !== 0 || result.error !== undefined) {
    throw new Error(`redis-cli ${args.join(' ')} on port ${port} failed (status ${result.status}): ${result.error?.message ?? ''}${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

/** An INFO section as field → value. */
function info(port: number, section: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of redisCli(port, ['INFO', section]).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

function infoNumber(port: number, section: string, field: string): number {
  const raw = info(port, section).get(field);
  const value = Number(raw);
  if (raw === undefined || !Number.isFinite(value)) throw new Error(`INFO ${section} on port ${port} has no numeric ${field} (got ${String(raw)})`);
  return value;
}

/** Runs a short-lived tool as a tracked process (stopped by PID on timeout or release); its whole output. */
async function runTool(
  resources: BenchResources,
  options: { name: string; command: string; args: readonly string[]; timeoutMs: number },
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }> {
  const tool = resources.start({ name: options.name, command: options.command, args: options.args });
  let stdout = '';
  let stderr = '';
  tool.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  tool.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void tool.stop(2000);
  }, options.timeoutMs);
  try {
    const { code, signal } = await tool.exited;
    return { code, signal, stdout, stderr, timedOut };
  } finally {
    clearTimeout(timer);
  }
}

async function runBenchmarkTest(options: CacheBenchOptions, server: CacheServerUnderTest, test: CacheBenchTest, pipeline: number): Promise<TestRun> {
  if (!server.process.running) throw new Error(`${server.process.name} exited: ${server.process.outputTail}`);
  const errorRepliesBefore = infoNumber(server.port, 'stats', 'total_error_replies');
  const args = ['-h', '127.0.0.1', '-p', String(server.port), '-t', test, '-n', String(options.requests), '-c', String(options.clients), '-r', String(options.keyspace)];
  if (pipeline > 1) args.push('-P', String(pipeline));
  args.push('--csv');
  const cpuBeforeMs = processCpuMs(server.process.pid);
  // Generous: a floor of 500 requests/s before the run is called hung.
  const result = await runTool(options.resources, { name: `redis-benchmark ${test}`, command: redisBenchmarkBinary, args, timeoutMs: 60_000 + options.requests * 2 });
  const serverCpuMicrosPerRequest = ((processCpuMs(server.process.pid) - cpuBeforeMs) * 1000) / options.requests;
  if (!server.process.running) throw new Error(`${server.process.name} exited during ${test}: ${server.process.outputTail}`);
  if (result.timedOut) return { ok: false, reason: 'redis-benchmark timed out' };
  if (result.code !== 0) return { ok: false, reason: `redis-benchmark exited ${result.code ?? result.signal}: ${lastLine(result.stderr || result.stdout)}` };
  const errorReplies = infoNumber(server.port, 'stats', 'total_error_replies') - errorRepliesBefore;
  if (errorReplies > 0) return { ok: false, reason: `${formatNumber(errorReplies)} error replies, e.g. ${probeError(server.port, test)}` };
  const row = parseBenchmarkCsv(result.stdout).get(test.toUpperCase());
  if (row === undefined) return { ok: false, reason: `no ${test.toUpperCase()} row in redis-benchmark's output: ${lastLine(result.stdout || result.stderr)}` };
  return { ok: true, ...row, serverCpuMicrosPerRequest };
}

/** The error text the server answers the test's command with (for the report). */
function probeError(port: number, test: CacheBenchTest): string {
  const result = spawnSync(redisCliBinary, ['-h', '127.0.0.1', '-p', String(port), ...probeCommands[test]], { encoding: 'utf8', timeout: 10_000 });
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '')
      .at(-1) ?? '(no output)'
  );
}

/** redis-benchmark 7.0 --csv: "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms". */
export function parseBenchmarkCsv(output: string): Map<string, { requestsPerSecond: number; latencyMsAverage: number; latencyMsP50: number; latencyMsP99: number }> {
  const rows = new Map<string, { requestsPerSecond: number; latencyMsAverage: number; latencyMsP50: number; latencyMsP99: number }>();
  const lines = output.split(/\r?\n/).filter((line) => line.startsWith('"'));
  const header = lines[0]?.split(',').map(unquote) ?? [];
  const column = (name: string) => header.indexOf(name);
  const [rps, average, p50, p99] = [column('rps'), column('avg_latency_ms'), column('p50_latency_ms'), column('p99_latency_ms')];
  if (column('test') !== 0 || rps < 0 || p50 < 0) return rows;
  for (const line of lines.slice(1)) {
    const cells = line.split(',').map(unquote);
    const numbers = [rps, average, p50, p99].map((index) => (index < 0 ? Number.NaN : Number(cells[index])));
    rows.set(cells[0]!, { requestsPerSecond: numbers[0]!, latencyMsAverage: numbers[1]!, latencyMsP50: numbers[2]!, latencyMsP99: numbers[3]! });
  }
  return rows;
}

function unquote(cell: string): string {
  return cell.trim().replace(/^"(.*)"$/, '$1');
}

/** The bulk-load input: SET key:<9 digits> v<7 digits> as RESP, keyCount commands. */
async function writeBulkLoadInput(path: string, keyCount: number): Promise<void> {
  const output = createWriteStream(path);
  const commandsPerChunk = 10_000;
  for (let first = 0; first < keyCount; first += commandsPerChunk) {
    let chunk = '';
    for (let index = first; index < Math.min(keyCount, first + commandsPerChunk); index++) {
      const key = bulkLoadKey(index);
      const value = `v${String(index % 10_000_000).padStart(7, '0')}`;
      chunk += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
    }
    if (!output.write(chunk)) await once(output, 'drain');
  }
  output.end();
  await once(output, 'close');
}

function bulkLoadKey(index: number): string {
  return `key:${String(index).padStart(9, '0')}`;
}

interface MemoryResult {
  readonly usedMemoryBefore: number;
  readonly usedMemoryAfter: number;
  readonly rssBefore: number;
  readonly rssAfter: number;
  readonly keyCountAfter: number;
  readonly loadSeconds: number;
}

/** How long a server sits idle before and after the bulk load before its memory is read. */
const memorySettleMs = 2000;

async function measureMemory(options: CacheBenchOptions, server: CacheServerUnderTest, inputFile: string): Promise<MemoryResult> {
  redisCli(server.port, ['FLUSHALL']);
  await sleep(memorySettleMs);
  const before = info(server.port, 'memory');
  const startNs = process.hrtime.bigint();
  // redis-cli --pipe reads the RESP commands on stdin; `exec` keeps the PID the one of redis-cli.
  const result = await runTool(options.resources, {
    name: 'redis-cli --pipe',
    command: '/bin/sh',
    args: ['-c', 'exec "$0" -h 127.0.0.1 -p "$1" --pipe < "$2"', redisCliBinary, String(server.port), inputFile],
    timeoutMs: 60_000 + options.memoryKeyCount, // a floor of 1,000 keys/s
  });
  const loadSeconds = Number(process.hrtime.bigint() - startNs) / 1e9;
  const summary = /errors:\s*(\d+),\s*replies:\s*(\d+)/.exec(result.stdout);
  if (result.code !== 0 || summary === null || summary[1] !== '0' || Number(summary[2]) !== options.memoryKeyCount) {
    throw new Error(`redis-cli --pipe into ${systemTitles[server.system]} failed (status ${result.code ?? result.signal}${result.timedOut ? ', timed out' : ''}): ${lastLine(result.stdout + result.stderr)}`);
  }
  await sleep(memorySettleMs);
  const after = info(server.port, 'memory');
  const numberOf = (fields: Map<string, string>, name: string) => {
    const value = Number(fields.get(name));
    if (!Number.isFinite(value)) throw new Error(`INFO memory of ${systemTitles[server.system]} has no numeric ${name}`);
    return value;
  };
  const keyCountAfter = Number(redisCli(server.port, ['DBSIZE']).trim());
  if (keyCountAfter !== options.memoryKeyCount) throw new Error(`${systemTitles[server.system]} has ${keyCountAfter} keys after the bulk load, expected ${options.memoryKeyCount}`);
  return {
    usedMemoryBefore: numberOf(before, 'used_memory'),
    usedMemoryAfter: numberOf(after, 'used_memory'),
    rssBefore: numberOf(before, 'used_memory_rss'),
    rssAfter: numberOf(after, 'used_memory_rss'),
    keyCountAfter,
    loadSeconds,
  };
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function geometricMean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);
}

/** A test's summary over the rounds for one system: medians, or the first failure. */
type TestSummary =
  | {
      readonly ok: true;
      readonly requestsPerSecond: number;
      readonly latencyMsP50: number;
      readonly latencyMsP99: number;
      readonly serverCpuMicrosPerRequest: number;
      readonly perRound: readonly number[];
    }
  | { readonly ok: false; readonly reason: string };

function summarize(runs: readonly TestRun[]): TestSummary {
  const failure = runs.find((run) => !run.ok);
  if (failure !== undefined && !failure.ok) return { ok: false, reason: failure.reason };
  const succeeded = runs.filter((run) => run.ok);
  return {
    ok: true,
    requestsPerSecond: median(succeeded.map((run) => run.requestsPerSecond)),
    latencyMsP50: median(succeeded.map((run) => run.latencyMsP50)),
    latencyMsP99: median(succeeded.map((run) => run.latencyMsP99)),
    serverCpuMicrosPerRequest: median(succeeded.map((run) => run.serverCpuMicrosPerRequest)),
    perRound: succeeded.map((run) => run.requestsPerSecond),
  };
}

/**
 * Server CPU per request of one pipelining mode, every system of the run side by side: where a
 * ratio of requests/s comes from when the servers share the cores with redis-benchmark.
 */
function renderServerCpu(tests: readonly CacheBenchTest[], mode: PipelineMode, runs: Map<CacheSystem, Map<CacheBenchTest, TestRun[]>>): string[] {
  const columns = [...runs.keys()];
  const rows = tests.map((test) => [
    test.toUpperCase(),
    ...columns.map((system) => {
      const summary = summarize(runs.get(system)!.get(test)!);
      return summary.ok ? summary.serverCpuMicrosPerRequest.toFixed(2) : 'failed';
    }),
  ]);
  return [
    `Server CPU per request, ${mode.title} (user + system time of the server process over the run ÷ requests, µs, median over the rounds; /proc/<pid>/stat, 10 ms ticks):`,
    '',
    markdownTable(['test', ...columns.map((system) => systemTitles[system])], rows),
  ];
}

/**
 * The floors' table of one pipelining mode: each system's median req/s and the ratios that place
 * the ObjectBox cache between Redis and what Node.js itself reaches.
 */
function renderFloors(tests: readonly CacheBenchTest[], mode: PipelineMode, runs: Map<CacheSystem, Map<CacheBenchTest, TestRun[]>>): string[] {
  const columns: readonly CacheSystem[] = ['redis', 'floor-noop', 'floor-maps', 'objectbox'];
  const quotients: readonly (readonly [CacheSystem, CacheSystem])[] = [
    ['floor-noop', 'redis'],
    ['floor-maps', 'redis'],
    ['objectbox', 'redis'],
    ['objectbox', 'floor-maps'],
  ];
  const ratiosByQuotient = quotients.map(() => [] as number[]);
  const rows = tests.map((test) => {
    const summaries = new Map(columns.map((system) => [system, summarize(runs.get(system)!.get(test)!)]));
    const rate = (system: CacheSystem) => {
      const summary = summaries.get(system)!;
      return summary.ok ? summary.requestsPerSecond : Number.NaN;
    };
    const ratioCells = quotients.map(([over, under], position) => {
      const ratio = rate(over) / rate(under);
      if (Number.isFinite(ratio)) ratiosByQuotient[position]!.push(ratio);
      return formatRatio(ratio);
    });
    return [test.toUpperCase(), ...columns.map((system) => (Number.isFinite(rate(system)) ? formatNumber(rate(system)) : 'failed')), ...ratioCells];
  });
  const title = (system: CacheSystem) => (system === 'floor-noop' ? 'no-op floor' : system === 'floor-maps' ? 'Maps floor' : systemTitles[system]);
  const headers = ['test', ...columns.map((system) => `${title(system)} req/s`), ...quotients.map(([over, under]) => `${title(over)} ÷ ${title(under)}`)];
  const means = quotients.map(([over, under], position) => `${title(over)} ÷ ${title(under)} **${formatRatio(geometricMean(ratiosByQuotient[position]!))}**`);
  return [
    `Floors, ${mode.title}: the same tests and rounds against two bare Node.js RESP servers (\`resp-floor-server-main.ts\`): the no-op floor parses each command and answers +OK, storing nothing; the Maps floor keeps the data in plain JavaScript Maps, arrays and Sets (no limits, types, expiry or error checks). Medians over the rounds.`,
    '',
    markdownTable(headers, rows),
    '',
    `Geometric means: ${means.join(', ')}.`,
  ];
}

const throughputTarget = 1.0;
const throughputBar = 0.7;
const memoryTarget = 2.0;

function renderCacheReport(input: {
  options: CacheBenchOptions;
  modes: readonly PipelineMode[];
  runs: readonly Map<CacheSystem, Map<CacheBenchTest, TestRun[]>>[];
  memory: Map<CacheSystem, MemoryResult> | null;
  note: string;
  revision: string;
  startedAt: string;
  peerVersion: string;
  benchmarkVersion: string;
  loadAtEnd: string;
}): string {
  const { options } = input;
  const lines = [
    '## Cache: redis-benchmark vs redis-server',
    '',
    `The ObjectBox cache (\`objectbox start cache\`, one Node.js process) and redis-server 7 (Debian, \`--save '' --appendonly no\`), ` +
      'both started by the script on loopback in the same run, side by side on the same machine, loaded by the same redis-benchmark (which shares the 2 cores with them). ' +
      `Each test is \`redis-benchmark -t <test> -n ${options.requests} -c ${options.clients} -r ${options.keyspace} [-P ${options.pipeline}] --csv\`, ` +
      `one invocation per test (the tests ${options.tests.join(',')} in that order, FLUSHALL before each server's sequence), so that error replies, ` +
      "which redis-benchmark 7.0 counts as answered requests, can be told apart per test through the server's `total_error_replies`; a test with any is reported as failed. " +
      `${options.rounds} round${options.rounds === 1 ? '' : 's'}, each Redis then ObjectBox${options.floors ? ' then the two Node.js floors' : ''}, both pipelining modes; requests/s and p50 are the medians over the rounds (p50 as redis-benchmark reports it, ms). ` +
      'The machine is noisy (2 cores shared with other builds): the per-round numbers show how much.',
    '',
    `- run: ${input.startedAt}`,
    `- machine: ${input.note}; load average ${input.loadAtEnd} at the end`,
    `- ObjectBox: ${input.revision}`,
    `- peer: ${input.peerVersion}; load generator: ${input.benchmarkVersion}`,
    `- command: \`${commandLine()}\``,
  ];
  const verdicts: string[] = [];
  for (const [modeIndex, mode] of input.modes.entries()) {
    const runs = input.runs[modeIndex]!;
    const headers = ['test', 'Redis req/s', 'ObjectBox req/s', 'ObjectBox ÷ Redis', 'Redis p50 ms', 'ObjectBox p50 ms', 'Redis p99 ms', 'ObjectBox p99 ms', 'Redis req/s by round', 'ObjectBox req/s by round'];
    const ratios: number[] = [];
    const failures: string[] = [];
    const rows = options.tests.map((test) => {
      const redis = summarize(runs.get('redis')!.get(test)!);
      const objectbox = summarize(runs.get('objectbox')!.get(test)!);
      for (const [system, summary] of [
        ['redis', redis],
        ['objectbox', objectbox],
      ] as const) {
        if (!summary.ok) failures.push(`${test.toUpperCase()} on ${systemTitles[system]}: ${summary.reason}`);
      }
      const ratio = redis.ok && objectbox.ok ? objectbox.requestsPerSecond / redis.requestsPerSecond : Number.NaN;
      if (Number.isFinite(ratio)) ratios.push(ratio);
      const cell = (summary: TestSummary, pick: (ok: Extract<TestSummary, { ok: true }>) => number) => (summary.ok ? formatNumber(pick(summary)) : 'failed');
      const perRound = (summary: TestSummary) => (summary.ok ? summary.perRound.map((value) => formatNumber(value)).join(' · ') : 'failed');
      return [
        test.toUpperCase(),
        cell(redis, (summary) => summary.requestsPerSecond),
        cell(objectbox, (summary) => summary.requestsPerSecond),
        formatRatio(ratio),
        cell(redis, (summary) => summary.latencyMsP50),
        cell(objectbox, (summary) => summary.latencyMsP50),
        cell(redis, (summary) => summary.latencyMsP99),
        cell(objectbox, (summary) => summary.latencyMsP99),
        perRound(redis),
        perRound(objectbox),
      ];
    });
    const geomean = geometricMean(ratios);
    lines.push('', `### ${mode.title}`, '', markdownTable(headers, rows), '');
    lines.push(`Geometric mean of ObjectBox ÷ Redis over the ${ratios.length} of ${options.tests.length} tests that ran on both: **${formatRatio(geomean)}**.`);
    if (failures.length > 0) lines.push('', 'Failed:', '', ...failures.map((failure) => `- ${failure}`));
    if (runs.has('floor-noop') && runs.has('floor-maps')) lines.push('', ...renderFloors(options.tests, mode, runs));
    lines.push('', ...renderServerCpu(options.tests, mode, runs));
    const complete = ratios.length === options.tests.length;
    verdicts.push(
      `${mode.title}: geometric mean ${formatRatio(geomean)} → target ≥ ${formatRatio(throughputTarget)} **${geomean >= throughputTarget ? 'met' : 'not met'}**, ` +
        `bar ≥ ${formatRatio(throughputBar)} **${geomean >= throughputBar ? 'met' : 'not met'}**` +
        (complete ? '' : ` (over ${ratios.length} of ${options.tests.length} tests only; the failed ones count as not met)`),
    );
  }
  if (input.memory !== null) {
    const redis = input.memory.get('redis')!;
    const objectbox = input.memory.get('objectbox')!;
    const keys = options.memoryKeyCount;
    const row = (what: string, growth: number) => [what, mib(growth), formatNumber(growth / keys)];
    const redisUsedGrowth = redis.usedMemoryAfter - redis.usedMemoryBefore;
    const objectboxRssGrowth = objectbox.rssAfter - objectbox.rssBefore;
    const ratio = objectboxRssGrowth / redisUsedGrowth;
    lines.push(
      '',
      `### Memory: ${formatNumber(keys)} small string keys`,
      '',
      `Each server freshly started and empty (before the throughput rounds), FLUSHALL, ${formatNumber(memorySettleMs / 1000)} s idle, \`INFO memory\`; then ` +
        `${formatNumber(keys)} \`SET key:<9 digits> v<7 digits>\` (13-byte keys, 8-byte values) through \`redis-cli --pipe\` from a file, ` +
        `${formatNumber(memorySettleMs / 1000)} s idle, \`INFO memory\` again (DBSIZE checked). Growth = after − before. ` +
        "Redis's `used_memory` is what its allocator has handed out; ObjectBox's `used_memory` is a per-key estimate (what maxmemory is checked against), " +
        'so the comparison uses the ObjectBox process RSS (`used_memory_rss`, V8 heap and all, no GC forced), with both the other numbers shown.',
      '',
      markdownTable(
        ['measure', 'growth', 'bytes per key'],
        [
          row('Redis `used_memory`', redisUsedGrowth),
          row('Redis `used_memory_rss`', redis.rssAfter - redis.rssBefore),
          row('ObjectBox `used_memory_rss` (process RSS)', objectboxRssGrowth),
          row('ObjectBox `used_memory` (per-key estimate)', objectbox.usedMemoryAfter - objectbox.usedMemoryBefore),
        ],
      ),
      '',
      `ObjectBox RSS growth ÷ Redis \`used_memory\` growth: **${formatRatio(ratio)}**. ` +
        `Bulk load time: Redis ${redis.loadSeconds.toFixed(1)} s, ObjectBox ${objectbox.loadSeconds.toFixed(1)} s ` +
        `(RSS before the load: Redis ${mib(redis.rssBefore)}, ObjectBox ${mib(objectbox.rssBefore)}).`,
    );
    verdicts.push(`Memory (ObjectBox RSS growth ÷ Redis used_memory growth): ${formatRatio(ratio)} → target ≤ ${formatRatio(memoryTarget)} **${ratio <= memoryTarget ? 'met' : 'not met'}**`);
  }
  lines.push('', `Targets (throughput ≥ ${formatRatio(throughputTarget)} Redis, bar ${formatRatio(throughputBar)}; memory ≤ ${formatRatio(memoryTarget)}):`, '', ...verdicts.map((verdict) => `- ${verdict}`));
  return lines.join('\n');
}
