/**
 * floors: what the pieces of the raft-kv path cost on their own, at the same concurrency, so the
 * raft-kv ratios can be read. Two rows: (1) a no-op unary grpc-js call (EchoService in a separate
 * process, the same client code as raft-kv) — the ceiling any gRPC API measured this way hits;
 * (2) proposals to a single-replica Raft group in this process (driver, WAL with fsync, registry
 * apply; no gRPC). CPU is process CPU time per operation (client and server separately for gRPC).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeRegistryCommand, RegistryStateMachine } from '@objectbox/cluster-manager-core';
import { AsyncQueue, RaftGroup, RaftTransport, RaftWalReplay } from '@objectbox/consensus-runtime';
import { createGrpcClient } from '@objectbox/networking';
import { createLogger } from '@objectbox/observability';
import { testingEcho } from '@objectbox/proto';
import { openStorage } from '@objectbox/storage-runtime';
import { type BenchResources, freePort, processCpuMs, waitFor } from './bench-processes.js';
import { commandLine, formatNumber, machineNote, markdownTable, objectboxRevision, timestampUtc, writeDocSection } from './bench-report.js';

export interface FloorsOptions {
  readonly concurrency: number;
  readonly durationMs: number;
  readonly valueBytes: number;
  readonly dataRoot: string;
  readonly documentPath: string | null;
  readonly resources: BenchResources;
  readonly log: (line: string) => void;
}

interface FloorResult {
  readonly operationCount: number;
  readonly elapsedMs: number;
  readonly clientCpuMs: number;
  readonly serverCpuMs: number | undefined;
}

/** Runs `operation` from `concurrency` closed-loop workers for `durationMs`. */
async function closedLoop(concurrency: number, durationMs: number, operation: (worker: number, sequence: number) => Promise<unknown>): Promise<{ operationCount: number; elapsedMs: number; cpuMs: number }> {
  let operationCount = 0;
  const cpuBefore = process.cpuUsage();
  const startMs = Date.now();
  const endMs = startMs + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let sequence = 0; Date.now() < endMs; sequence++) {
        await operation(worker, sequence);
        operationCount++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return { operationCount, elapsedMs: Date.now() - startMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function grpcEchoFloors(options: FloorsOptions): Promise<{ unary: FloorResult; stream: FloorResult }> {
  const port = await freePort();
  const server = options.resources.start({ name: 'echo-server', command: process.execPath, args: [join(import.meta.dirname, 'echo-server-main.js'), `${port}`] });
  const client = createGrpcClient(testingEcho.EchoService, { address: `127.0.0.1:${port}`, deadlineMs: 10_000, messageBytesMax: 4 * 1024 * 1024, retry: { attemptCountMax: 1, backoffMsInitial: 1, backoffMsMax: 1 } });
  try {
    await waitFor('the echo server', async () => (await client.echo({ message: 'warm' }).then(() => true, () => undefined)), { deadlineMs: 30_000, intervalMs: 50 });
    const message = 'x'.repeat(options.valueBytes);
    await closedLoop(options.concurrency, 1_000, () => client.echo({ message }));
    const serverCpuBeforeMs = processCpuMs(server.pid);
    const run = await closedLoop(options.concurrency, options.durationMs, () => client.echo({ message }));
    const unary = { operationCount: run.operationCount, elapsedMs: run.elapsedMs, clientCpuMs: run.cpuMs, serverCpuMs: processCpuMs(server.pid) - serverCpuBeforeMs };
    return { unary, stream: await grpcStreamFloor(options, client, server.pid) };
  } finally {
    client.close();
  }
}

/** `concurrency` messages kept in flight on one bidi stream (Chat), for `durationMs`. */
async function grpcStreamFloor(options: FloorsOptions, client: ReturnType<typeof createGrpcClient<typeof testingEcho.EchoService.method>>, serverPid: number): Promise<FloorResult> {
  const requests = new AsyncQueue<{ message: string }>(options.concurrency * 2);
  const message = 'x'.repeat(options.valueBytes);
  const replies = client.chat(requests);
  for (let index = 0; index < options.concurrency; index++) requests.push({ message });
  const serverCpuBeforeMs = processCpuMs(serverPid);
  const cpuBefore = process.cpuUsage();
  const startMs = Date.now();
  let operationCount = 0;
  for await (const _reply of replies) {
    operationCount++;
    if (Date.now() - startMs < options.durationMs) requests.push({ message });
    else if (operationCount % options.concurrency === 0) break;
  }
  requests.close();
  const cpu = process.cpuUsage(cpuBefore);
  return { operationCount, elapsedMs: Date.now() - startMs, clientCpuMs: (cpu.user + cpu.system) / 1000, serverCpuMs: processCpuMs(serverPid) - serverCpuBeforeMs };
}

async function raftLocalFloor(options: FloorsOptions): Promise<FloorResult> {
  const directory = await mkdtemp(join(options.dataRoot, 'objectbox-bench-floors-'));
  const logger = createLogger({ level: 'silent', processName: 'bench' });
  const transport = new RaftTransport({ clusterId: 'bench', messageBytesMax: 16 * 1024 * 1024, snapshotChunkBytes: 1024 * 1024, snapshotBytesMax: 1024 ** 3, queueMessageCountMax: 1024, batchMessageCountMax: 64, reconnectBackoffMsMax: 1_000, logger });
  const replay = new RaftWalReplay();
  const storage = await openStorage({ directory, clusterId: 'bench', segmentSizeBytes: 64 * 1024 * 1024, recordPayloadBytesMax: 16 * 1024 * 1024, pendingBytesMax: 256 * 1024 * 1024, snapshotPayloadBytesMax: 1024 ** 3, snapshotRetainCount: 2, logger: { info: () => undefined, warn: () => undefined }, onRecoveredRecord: (record) => replay.accept(record) });
  const group = await RaftGroup.open({
    groupId: 'bench', nodeId: 1, members: [{ id: 1, address: '127.0.0.1:0' }], storage, replay, stateMachine: new RegistryStateMachine(), transport, logger,
    tickIntervalMs: 25, electionTimeoutTicks: 6, heartbeatIntervalTicks: 1, proposalTimeoutMs: 10_000, pendingProposalCountMax: 100_000, pendingReadCountMax: 1_000,
    snapshotEntryCount: 10_000, entriesKeptAfterSnapshot: 1_000, messageSizeBytesMax: 8 * 1024 * 1024, inflightMessageCountMax: 256,
  });
  try {
    await waitFor('the single replica to lead', async () => (group.status().role === 'leader' ? true : undefined), { deadlineMs: 10_000, intervalMs: 10 });
    const value = new Uint8Array(options.valueBytes).fill(7);
    const put = (worker: number, sequence: number) => group.propose(encodeRegistryCommand({ op: 'put', key: `bench/${worker}/${sequence % 1024}`, value }));
    await closedLoop(options.concurrency, 1_000, put);
    const run = await closedLoop(options.concurrency, options.durationMs, put);
    return { operationCount: run.operationCount, elapsedMs: run.elapsedMs, clientCpuMs: run.cpuMs, serverCpuMs: undefined };
  } finally {
    await group.close();
    transport.close();
    await rm(directory, { recursive: true, force: true });
  }
}

function row(name: string, result: FloorResult): string[] {
  const perOperationUs = (ms: number) => formatNumber((ms * 1000) / result.operationCount);
  return [
    name,
    formatNumber((result.operationCount * 1000) / result.elapsedMs),
    perOperationUs(result.clientCpuMs),
    result.serverCpuMs === undefined ? '—' : perOperationUs(result.serverCpuMs),
  ];
}

export async function runFloorsBench(options: FloorsOptions): Promise<string> {
  const startedAt = timestampUtc();
  options.log(`grpc-js no-op unary calls, concurrency ${options.concurrency}`);
  const echo = await grpcEchoFloors(options);
  options.log(`single-replica Raft group in process, concurrency ${options.concurrency}`);
  const raftLocal = await raftLocalFloor(options);
  const report = [
    '## Floors of the raft-kv path',
    '',
    `What the pieces cost alone, closed loop at concurrency ${options.concurrency}, ${formatNumber(options.durationMs / 1000)} s after 1 s of warm-up, ${options.valueBytes}-byte payloads. ` +
      '"gRPC no-op": `EchoService/Echo` on a grpc-js server in its own process, called with the raft-kv client code — every gRPC API measured this way, ObjectBox or etcd, runs into this client; ' +
      'the same number of messages kept in flight on one `EchoService/Chat` bidi stream instead shows what a session-style API would cost. ' +
      '"Raft in process": proposals to a single-replica RaftGroup (driver, WAL with fsync, registry apply) in this process, no gRPC. CPU is process CPU time per operation.',
    '',
    `- run: ${startedAt}`,
    `- machine: ${machineNote(options.dataRoot)}`,
    `- ObjectBox: ${objectboxRevision()}`,
    `- command: \`${commandLine()}\``,
    '',
    markdownTable(['path', 'operations/s', 'caller CPU µs/op', 'server CPU µs/op'], [
      row('gRPC no-op unary calls (grpc-js, separate process)', echo.unary),
      row('gRPC no-op messages on one bidi stream (same server)', echo.stream),
      row('Raft in process (1 replica, fsync on)', raftLocal),
    ]),
  ].join('\n');
  if (options.documentPath !== null) await writeDocSection({ documentPath: options.documentPath, name: 'floors', content: report });
  return report;
}
