/**
 * raft-kv: linearizable puts of 256-byte values through a 3-replica ObjectBox Raft group and a
 * 3-member etcd 3.4 cluster, both on loopback with fsync on, started by this run, loaded the same
 * way (one gRPC channel to the leader, closed-loop workers, same keys and values), concurrency
 * points interleaved between the two systems so that machine noise hits both alike. With several
 * rounds, each round repeats every point on fresh keys, and the report gives medians and the
 * ratio of each round's pair: on this shared machine one run's ratio moved by ±10 % between
 * consecutive runs of the same code.
 */
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchResources, processCpuMs } from './bench-processes.js';
import { KvSessionClient } from './kv-session-client.js';
import { commandLine, formatNumber, formatRatio, machineNote, markdownTable, median, objectboxRevision, timestampUtc, writeDocSection } from './bench-report.js';
import { createEtcdKvClient, startEtcdCluster } from './etcd-cluster.js';
import { type ClosedLoopOperation, type ClosedLoopResult, runClosedLoop } from './load-closed-loop.js';
import { startObjectBoxCluster } from './objectbox-cluster.js';
import { ensurePeersInstalled, etcdPackage, versionOf } from './peer-install.js';

export const raftKvSystems = ['objectbox', 'objectbox-session', 'etcd'] as const;
export type RaftKvSystem = (typeof raftKvSystems)[number];

export interface RaftKvOptions {
  readonly systems: readonly RaftKvSystem[];
  readonly concurrencies: readonly number[];
  /** Times every concurrency point is measured, systems alternating, each round on fresh keys. */
  readonly rounds: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly valueBytes: number;
  /** Keys per worker; worker w writes bench/w/(sequence mod keyCountPerWorker). */
  readonly keyCountPerWorker: number;
  readonly replicaCount: number;
  readonly readyTimeoutMs: number;
  readonly operationDeadlineMs: number;
  readonly dataRoot: string;
  readonly documentPath: string | null;
  readonly resources: BenchResources;
  readonly log: (line: string) => void;
}

/** How long both clusters sit unloaded while their idle CPU is measured. */
const idleMeasureMs = 3000;

const systemTitles: Record<RaftKvSystem, string> = { objectbox: 'ObjectBox', 'objectbox-session': 'ObjectBox (Session)', etcd: 'etcd' };
/** The ObjectBox ways of putting: one unary call per put, or puts with ids on one Session stream. */
const objectboxSystems: readonly RaftKvSystem[] = ['objectbox', 'objectbox-session'];

export async function runRaftKvBench(options: RaftKvOptions): Promise<string> {
  if (options.systems.includes('etcd')) ensurePeersInstalled([etcdPackage], options.log);
  const note = machineNote(options.dataRoot);
  const startedAt = timestampUtc();
  const revision = objectboxRevision();
  const value = randomBytes(options.valueBytes);
  // Each round writes keys of its own, so that every round inserts as many new keys as the first.
  let round = 1;
  const keyOf = (workerIndex: number, sequence: number) =>
    `bench/${keyRoundPart(round, options.rounds)}${String(workerIndex).padStart(3, '0')}/${String(sequence % options.keyCountPerWorker).padStart(6, '0')}`;

  const operations = new Map<RaftKvSystem, ClosedLoopOperation>();
  const pids = new Map<RaftKvSystem, number[]>();
  const closers: (() => void)[] = [];
  try {
    if (options.systems.some((system) => objectboxSystems.includes(system))) {
      options.log(`starting ${options.replicaCount} ObjectBox cluster-manager replicas`);
      const cluster = await startObjectBoxCluster({
        resources: options.resources,
        replicaCount: options.replicaCount,
        parentDirectory: options.dataRoot,
        readyTimeoutMs: options.readyTimeoutMs,
        operationDeadlineMs: options.operationDeadlineMs,
      });
      closers.push(() => cluster.close());
      options.log(`ObjectBox leader: replica ${cluster.leader.id} (127.0.0.1:${cluster.leader.grpcPort})`);
      for (const system of objectboxSystems) pids.set(system, cluster.replicas.map((replica) => replica.process.pid));
      const client = cluster.leader.client;
      operations.set('objectbox', async (workerIndex, sequence) => {
        await client.put({ key: keyOf(workerIndex, sequence), value });
      });
      const session = new KvSessionClient(client, 4096);
      closers.unshift(() => session.close());
      operations.set('objectbox-session', (workerIndex, sequence) => session.put(keyOf(workerIndex, sequence), value));
    }
    if (options.systems.includes('etcd')) {
      options.log(`starting ${options.replicaCount} etcd members (${versionOf('/usr/bin/etcd')})`);
      const cluster = await startEtcdCluster({
        resources: options.resources,
        memberCount: options.replicaCount,
        parentDirectory: options.dataRoot,
        readyTimeoutMs: options.readyTimeoutMs,
      });
      options.log(`etcd leader: ${cluster.leader.name} (127.0.0.1:${cluster.leader.clientPort})`);
      pids.set('etcd', cluster.members.map((member) => member.process.pid));
      const client = createEtcdKvClient({ address: `127.0.0.1:${cluster.leader.clientPort}`, deadlineMs: options.operationDeadlineMs });
      closers.push(() => client.close());
      const encoder = new TextEncoder();
      operations.set('etcd', async (workerIndex, sequence) => {
        await client.put({ key: encoder.encode(keyOf(workerIndex, sequence)), value });
      });
    }

    // Both clusters idle together: what each costs with no load (ticks, heartbeats, timers).
    const idleCpuMsBefore = new Map(options.systems.map((system) => [system, sumCpuMs(pids.get(system)!)]));
    await sleep(idleMeasureMs);
    const idleCpuCores = new Map(options.systems.map((system) => [system, (sumCpuMs(pids.get(system)!) - idleCpuMsBefore.get(system)!) / idleMeasureMs]));
    options.log(`idle CPU over ${idleMeasureMs} ms: ${options.systems.map((system) => `${systemTitles[system]} ${idleCpuCores.get(system)!.toFixed(3)} cores`).join(', ')}`);

    const measure = async (system: RaftKvSystem, concurrency: number): Promise<RaftKvPoint> => {
      options.log(`${options.rounds > 1 ? `round ${round}/${options.rounds}, ` : ''}${systemTitles[system]}: concurrency ${concurrency}, ${options.warmupMs} ms warm-up + ${options.durationMs} ms`);
      const serverCpuMsBefore = sumCpuMs(pids.get(system)!);
      const clientCpuBefore = process.cpuUsage();
      const pointStartNs = process.hrtime.bigint();
      const loop = await runClosedLoop(
        { concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs, errorPauseMs: 10, errorCountMax: 1000 },
        operations.get(system)!,
      );
      const pointMs = Number(process.hrtime.bigint() - pointStartNs) / 1e6;
      const clientCpu = process.cpuUsage(clientCpuBefore);
      const result: RaftKvPoint = {
        ...loop,
        serverCpuCores: (sumCpuMs(pids.get(system)!) - serverCpuMsBefore) / pointMs,
        clientCpuCores: (clientCpu.user + clientCpu.system) / 1000 / pointMs,
      };
      options.log(
        `  ${formatNumber(result.operationsPerSecond)} puts/s, p50 ${formatNumber(result.latencyMsP50)} ms, p99 ${formatNumber(result.latencyMsP99)} ms, ` +
          `CPU cores: servers ${result.serverCpuCores.toFixed(2)}, load generator ${result.clientCpuCores.toFixed(2)}` +
          (result.errorCount > 0 ? `, ${result.errorCount} errors (first: ${result.errorFirst})` : ''),
      );
      return result;
    };
    // results.get(system)[position][round - 1]
    const results = new Map<RaftKvSystem, RaftKvPoint[][]>(options.systems.map((system) => [system, options.concurrencies.map(() => [])]));
    for (round = 1; round <= options.rounds; round++) {
      for (const [position, concurrency] of options.concurrencies.entries()) {
        // Alternate which system goes first, point by point and round by round, so drift in machine load is shared.
        const order = (position + round) % 2 === 1 ? options.systems : [...options.systems].reverse();
        for (const system of order) results.get(system)![position]!.push(await measure(system, concurrency));
      }
    }
    const report = renderRaftKvReport({ options, results, idleCpuCores, note, revision, startedAt });
    if (options.documentPath !== null) await writeDocSection({ documentPath: options.documentPath, name: 'raft-kv', content: report });
    return report;
  } finally {
    for (const close of closers) close();
  }
}

/** One load point plus the CPU spent during it (warm-up included), in cores (CPU ms per wall ms). */
interface RaftKvPoint extends ClosedLoopResult {
  /** Sum over the system's server processes. */
  readonly serverCpuCores: number;
  /** This process (gRPC client and load generator). */
  readonly clientCpuCores: number;
}

/** The key segment naming the round, when there is more than one: `r2/`. */
function keyRoundPart(round: number, rounds: number): string {
  return rounds > 1 ? `r${round}/` : '';
}

function sumCpuMs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
}

/** A system's measurements at one concurrency point over the rounds, as medians. */
interface RaftKvSummary {
  readonly operationsPerSecond: number;
  readonly latencyMsP50: number;
  readonly latencyMsP99: number;
  readonly serverCpuCores: number;
  readonly serverCpuMsPerPut: number;
  readonly clientCpuCores: number;
  readonly errorCount: number;
}

function summaryOf(points: readonly RaftKvPoint[]): RaftKvSummary {
  return {
    operationsPerSecond: median(points.map((point) => point.operationsPerSecond)),
    latencyMsP50: median(points.map((point) => point.latencyMsP50)),
    latencyMsP99: median(points.map((point) => point.latencyMsP99)),
    serverCpuCores: median(points.map((point) => point.serverCpuCores)),
    serverCpuMsPerPut: median(points.map((point) => (point.serverCpuCores * 1000) / point.operationsPerSecond)),
    clientCpuCores: median(points.map((point) => point.clientCpuCores)),
    errorCount: points.reduce((sum, point) => sum + point.errorCount, 0),
  };
}

/** ObjectBox ÷ etcd in each round (the two were measured minutes apart at most), for puts/s and p99. */
function ratiosByRound(objectbox: readonly RaftKvPoint[], etcd: readonly RaftKvPoint[]): { throughput: number[]; p99: number[] } {
  return {
    throughput: objectbox.map((point, round) => point.operationsPerSecond / etcd[round]!.operationsPerSecond),
    p99: objectbox.map((point, round) => point.latencyMsP99 / etcd[round]!.latencyMsP99),
  };
}

function renderRaftKvReport(input: {
  options: RaftKvOptions;
  results: Map<RaftKvSystem, RaftKvPoint[][]>;
  idleCpuCores: Map<RaftKvSystem, number>;
  note: string;
  revision: string;
  startedAt: string;
}): string {
  const { options, results } = input;
  const systems = options.systems;
  const rounds = options.rounds;
  const summary = (system: RaftKvSystem, position: number) => summaryOf(results.get(system)![position]!);
  const headers = ['concurrency'];
  for (const system of systems) headers.push(`${systemTitles[system]} puts/s`, `${systemTitles[system]} p50 ms`, `${systemTitles[system]} p99 ms`);
  const compared = systems.includes('etcd') ? systems.filter((system) => objectboxSystems.includes(system)) : [];
  for (const system of compared) {
    headers.push(`puts/s ${systemTitles[system]} ÷ etcd`, `p99 ${systemTitles[system]} ÷ etcd`);
    if (rounds > 1) headers.push(`puts/s ${systemTitles[system]} ÷ etcd by round`);
  }
  const anyErrors = systems.some((system) => options.concurrencies.some((_, position) => summary(system, position).errorCount > 0));
  if (anyErrors) headers.push('errors');
  const rows = options.concurrencies.map((concurrency, position) => {
    const row = [String(concurrency)];
    for (const system of systems) {
      const result = summary(system, position);
      row.push(formatNumber(result.operationsPerSecond), formatNumber(result.latencyMsP50), formatNumber(result.latencyMsP99));
    }
    for (const system of compared) {
      const ratios = ratiosByRound(results.get(system)![position]!, results.get('etcd')![position]!);
      row.push(formatRatio(median(ratios.throughput)), formatRatio(median(ratios.p99)));
      if (rounds > 1) row.push(ratios.throughput.map(formatRatio).join(' · '));
    }
    if (anyErrors) row.push(systems.map((system) => `${systemTitles[system]} ${summary(system, position).errorCount}`).join(', '));
    return row;
  });
  const roundsNote =
    rounds > 1
      ? `${rounds} rounds, each measuring every point of both systems again on keys of its own (\`bench/r<round>/…\`), the order of the systems alternating; ` +
        'puts/s, latencies and CPU are medians over the rounds, and a ratio is the median of the rounds\' ratios (each pair measured minutes apart at most); '
      : '';
  const lines = [
    '## Linearizable puts: ObjectBox Raft group vs etcd 3.4',
    '',
    `${options.replicaCount} replicas each, separate processes on loopback, fsync on; ${options.valueBytes}-byte values, keys ` +
      `\`bench/<worker>/<sequence mod ${options.keyCountPerWorker}>\`; closed loop (each worker one put at a time) against the leader over one ` +
      `gRPC channel (grpc-js, same client code for both; "ObjectBox (Session)" sends the same puts with ids on one KvService.Session bidi stream instead of one unary call each); ` +
      `${options.warmupMs / 1000} s warm-up then ${options.durationMs / 1000} s per point; ${roundsNote}` +
      'the load generator shares the machine with the replicas. Latency is per put, client side.',
    '',
    `- run: ${input.startedAt}`,
    `- machine: ${input.note}`,
    `- ObjectBox: ${input.revision}`,
    `- peer: ${systems.includes('etcd') ? versionOf('/usr/bin/etcd') : 'not run'} (Debian etcd-server)`,
    `- command: \`${commandLine()}\``,
    '',
    markdownTable(headers, rows),
  ];
  const cpuHeaders = ['concurrency'];
  for (const system of systems) cpuHeaders.push(`${systemTitles[system]} servers, cores`, `${systemTitles[system]} server CPU ms/put`, 'load generator, cores');
  const cpuRows = options.concurrencies.map((concurrency, position) => {
    const row = [String(concurrency)];
    for (const system of systems) {
      const result = summary(system, position);
      row.push(result.serverCpuCores.toFixed(2), formatNumber(result.serverCpuMsPerPut), result.clientCpuCores.toFixed(2));
    }
    return row;
  });
  lines.push(
    '',
    `CPU used during each point (warm-up included; cores = CPU ms per wall ms, summed over the 3 server processes; the machine has ${cpus().length}). ` +
      `Idle, both clusters up and unloaded for ${idleMeasureMs / 1000} s: ${systems.map((system) => `${systemTitles[system]} ${input.idleCpuCores.get(system)!.toFixed(3)} cores`).join(', ')}.`,
    '',
    markdownTable(cpuHeaders, cpuRows),
  );
  if (options.concurrencies.includes(64)) {
    const position = options.concurrencies.indexOf(64);
    for (const system of compared) {
      const ratios = ratiosByRound(results.get(system)![position]!, results.get('etcd')![position]!);
      const throughputRatio = median(ratios.throughput);
      const p99Ratio = median(ratios.p99);
      const met = throughputRatio >= 5 && p99Ratio <= 1;
      const roundsMet = ratios.throughput.filter((ratio, round) => ratio >= 5 && ratios.p99[round]! <= 1).length;
      lines.push(
        '',
        `Target at concurrency 64 (≥ 5× etcd's puts/s with p99 no worse than etcd's), ${systemTitles[system]}: **${met ? 'met' : 'not met'}** ` +
          `(${formatRatio(throughputRatio)} the puts/s, p99 ${formatRatio(p99Ratio)} etcd's` +
          (rounds > 1 ? `, medians of ${rounds} rounds; met in ${roundsMet} of ${rounds} rounds).` : `; p99 ${formatNumber(summary(system, position).latencyMsP99)} ms vs ${formatNumber(summary('etcd', position).latencyMsP99)} ms).`),
      );
    }
  }
  return lines.join('\n');
}
