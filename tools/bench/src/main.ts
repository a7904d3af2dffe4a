/**
 * ObjectBox benchmarks against real peers on the same machine, in the same run. Subcommands:
 * raft-kv (ObjectBox Raft group vs etcd), wal (group commit vs fio), wal-recovery (1 GiB log),
 * cache (the ObjectBox cache vs redis-server under redis-benchmark, and memory per key), s3 (the
 * object store vs s3rver under wrk on presigned URLs, and fio's sequential bandwidth).
 * Every process started is stopped by PID and every temporary directory removed, also on failure
 * or Ctrl+C. Results are printed as markdown and written to docs/benchmarks.md.
 */
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchResources } from './bench-processes.js';
import { benchmarksDocDefault } from './bench-report.js';
import { choiceListFlag, FlagError, positiveIntegerFlag, positiveIntegerListFlag, positiveNumberFlag } from './bench-flags.js';
import { raftKvSystems, runRaftKvBench } from './bench-raft-kv.js';
import { runWalBench } from './bench-wal.js';
import { runWalRecoveryBench } from './bench-wal-recovery.js';
import { runFloorsBench } from './bench-floors.js';
import { runHashesBench } from './bench-hashes.js';
import { cacheBenchTests, runCacheBench } from './bench-cache.js';
import { runS3Bench } from './bench-s3.js';
import { s3Operations, sizeListFlag } from './bench-s3-plan.js';
import { s3Systems } from './bench-s3-servers.js';

const usage = `usage: node tools/bench/dist/main.js <command> [flags]

commands:
  raft-kv        linearizable 256-byte puts: 3-replica ObjectBox group vs 3-member etcd 3.4
                 (installs etcd-server from Debian when missing; starts and stops both clusters)
  wal            Wal group commit (256-byte appends) vs fio's fsync rate on the same disk
  wal-recovery   write a ~1 GiB WAL, then time Wal.open + reading every record
  hashes         checksum throughput per core (MD5, SHA, CRC32/32C/64NVME, blake3) and the
                 event-loop delay while hashing on the main thread vs in a worker
  floors         the raft-kv path's pieces alone: a no-op grpc-js call, and a single-replica
                 Raft group in process (no gRPC)
  cache          the ObjectBox cache vs redis-server 7 under redis-benchmark (alternating rounds,
                 without and with pipelining), then memory for 1,000,000 small string keys
                 (installs redis-server and redis-tools from Debian when missing)
  s3             the ObjectBox object store vs s3rver (both separate processes) under wrk on presigned
                 URLs: PUT then GET per object size and concurrency, side by side, with server CPU;
                 and fio's sequential write/read bandwidth on the same disk (installs wrk and fio
                 from Debian when missing)

common flags:
  --data-root DIR      parent of the temporary data directories (default: the OS temp dir)
  --docs FILE          markdown file whose section this run rewrites (default: docs/benchmarks.md)
  --no-docs            print only, do not touch the docs
  -h, --help           this text

raft-kv flags:
  --concurrency LIST   closed-loop worker counts (default 1,16,64)
  --duration-s N       measured seconds per point (default 10)
  --warmup-s N         warm-up seconds per point (default 2)
  --systems LIST       objectbox,objectbox-session,etcd (default all three; objectbox-session
                       puts over one KvService.Session stream)
  --rounds N           measure every point N times, systems alternating, each round on fresh
                       keys; medians and each round's ratio are reported (default 1)
  --value-bytes N      value size (default 256)
  --ready-timeout-s N  how long a cluster may take to elect a leader (default 60)

wal flags:
  --concurrency LIST   (default 1,16,64)    --duration-s N (default 10)   --warmup-s N (default 2)
  --record-bytes N     record payload size (default 256)
  --fio-size-mib N     fio's file size (default 64)

floors flags:
  --concurrency N      closed-loop workers (default 64)   --duration-s N (default 5)
  --value-bytes N      payload size (default 256)

cache flags:
  --requests N         redis-benchmark -n per test and run (default 200000)
  --rounds N           rounds, each Redis then ObjectBox, both pipelining modes (default 2)
  --clients N          redis-benchmark -c (default 50)
  --keyspace N         redis-benchmark -r (default 100000)
  --pipeline N         -P of the pipelined mode (default 16)
  --tests LIST         redis-benchmark tests (default ${cacheBenchTests.join(',')})
  --memory-keys N      keys bulk-loaded for the memory comparison (default 1000000)
  --no-memory          skip the memory comparison
  --no-floors          skip the two bare Node.js RESP servers (a no-op one and one on plain Maps)
                       that otherwise run the same tests, as what Node.js itself reaches here
  --cpu-prof DIR       run the ObjectBox process under node --cpu-prof, profile written to DIR
  --ready-timeout-s N  how long each server may take to answer PING (default 60)

s3 flags:
  --sizes LIST         object sizes (default 4k,1m,64m; k/m/g = KiB/MiB/GiB)
  --concurrency LIST   wrk connections (default 1,8,32; threads min(2, c))
  --ops LIST           put,get (default both; PUTs of a size run before its GETs)
  --duration-s N       measured seconds per point (default 10; longer where requests take seconds)
  --warmup-s N         discarded warm-up seconds per point (default 2)
  --systems LIST       objectbox,s3rver (default both)
  --no-fio             skip fio's sequential write/read bandwidth
  --fio-size-mib N     fio's file size (default 1024)
  --no-drop-caches     skip fio's cold read (it needs root to drop the page cache)
  --cpu-prof DIR       run the ObjectBox process under node --cpu-prof, profile written to DIR
  --ready-timeout-s N  how long each server may take to become ready (default 60)

hashes flags (prints only; MiB/s per algorithm per core, event-loop delay inline vs worker):
  --throughput-mib N   MiB hashed per algorithm (default 256)
  --event-loop-mib N   MiB hashed per event-loop run (default 100)

wal-recovery flags:
  --size-gib N         payload to write (default 1)
  --record-bytes N     record payload size (default 4096)
  --segment-size-mib N (default 64)
  --no-drop-caches     skip the cold-cache measurement (it needs root to drop the page cache)
`;

const commonOptions = {
  'data-root': { type: 'string' },
  docs: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function log(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage);
    return command === undefined ? 2 : 0;
  }
  const resources = new BenchResources({ stopGracePeriodMs: 10_000 });
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping what this run started`);
    void resources.release().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const report = await runCommand(command, rest, resources);
    if (report !== null) process.stdout.write(`${report}\n`);
    return 0;
  } finally {
    await resources.release();
  }
}

async function runCommand(command: string, argsGiven: readonly string[], resources: BenchResources): Promise<string | null> {
  // `--no-docs` is taken out before parseArgs, whose allowNegative covers boolean options only.
  const noDocs = argsGiven.includes('--no-docs');
  const args = argsGiven.filter((arg) => arg !== '--no-docs');
  const documentPathOf = (docs: string | undefined): string | null => (noDocs ? null : docs === undefined ? benchmarksDocDefault : resolve(docs));
  // What every subcommand takes from the common flags.
  const shared = (values: { 'data-root'?: string | undefined; docs?: string | undefined }) => ({
    dataRoot: resolve(values['data-root'] ?? tmpdir()),
    documentPath: documentPathOf(values.docs),
    resources,
    log,
  });
  switch (command) {
    case 'raft-kv': {
      const { values } = parseArgs({
        args: [...args],
        allowNegative: true,
        options: {
          ...commonOptions,
          concurrency: { type: 'string', default: '1,16,64' },
          'duration-s': { type: 'string', default: '10' },
          'warmup-s': { type: 'string', default: '2' },
          systems: { type: 'string', default: raftKvSystems.join(',') },
          rounds: { type: 'string', default: '1' },
          'value-bytes': { type: 'string', default: '256' },
          'ready-timeout-s': { type: 'string', default: '60' },
        },
      });
      if (values.help === true) return usage;
      return runRaftKvBench({
        systems: choiceListFlag('systems', values.systems, raftKvSystems),
        concurrencies: positiveIntegerListFlag('concurrency', values.concurrency),
        rounds: positiveIntegerFlag('rounds', values.rounds),
        warmupMs: positiveNumberFlag('warmup-s', values['warmup-s']) * 1000,
        durationMs: positiveNumberFlag('duration-s', values['duration-s']) * 1000,
        valueBytes: positiveIntegerFlag('value-bytes', values['value-bytes']),
        keyCountPerWorker: 1024,
        replicaCount: 3,
        readyTimeoutMs: positiveNumberFlag('ready-timeout-s', values['ready-timeout-s']) * 1000,
        operationDeadlineMs: 10_000,
        ...shared(values),
      });
    }
    case 'floors': {
      const { values } = parseArgs({
        args: [...args],
        allowNegative: true,
        options: { ...commonOptions, concurrency: { type: 'string', default: '64' }, 'duration-s': { type: 'string', default: '5' }, 'value-bytes': { type: 'string', default: '256' } },
      });
      if (values.help === true) return usage;
      return runFloorsBench({
        concurrency: positiveIntegerFlag('concurrency', values.concurrency),
        durationMs: positiveNumberFlag('duration-s', values['duration-s']) * 1000,
        valueBytes: positiveIntegerFlag('value-bytes', values['value-bytes']),
        ...shared(values),
      });
    }
    case 'wal': {
      const { values } = parseArgs({
        args: [...args],
        allowNegative: true,
        options: {
          ...commonOptions,
          concurrency: { type: 'string', default: '1,16,64' },
          'duration-s': { type: 'string', default: '10' },
          'warmup-s': { type: 'string', default: '2' },
          'record-bytes': { type: 'string', default: '256' },
          'fio-size-mib': { type: 'string', default: '64' },
        },
      });
      if (values.help === true) return usage;
      return runWalBench({
        concurrencies: positiveIntegerListFlag('concurrency', values.concurrency),
        warmupMs: positiveNumberFlag('warmup-s', values['warmup-s']) * 1000,
        durationMs: positiveNumberFlag('duration-s', values['duration-s']) * 1000,
        recordBytes: positiveIntegerFlag('record-bytes', values['record-bytes']),
        fioSizeMiB: positiveIntegerFlag('fio-size-mib', values['fio-size-mib']),
        ...shared(values),
      });
    }
    case 'cache': {
      const { values } = parseArgs({
        args: [...args],
        allowNegative: true,
        options: {
          ...commonOptions,
          requests: { type: 'string', default: '200000' },
          rounds: { type: 'string', default: '2' },
          clients: { type: 'string', default: '50' },
          keyspace: { type: 'string', default: '100000' },
          pipeline: { type: 'string', default: '16' },
          tests: { type: 'string', default: cacheBenchTests.join(',') },
          'memory-keys': { type: 'string', default: '1000000' },
          memory: { type: 'boolean', default: true },
          floors: { type: 'boolean', default: true },
          'cpu-prof': { type: 'string' },
          'ready-timeout-s': { type: 'string', default: '60' },
        },
      });
      if (values.help === true) return usage;
      return runCacheBench({
        tests: choiceListFlag('tests', values.tests, cacheBenchTests),
        requests: positiveIntegerFlag('requests', values.requests),
        rounds: positiveIntegerFlag('rounds', values.rounds),
        clients: positiveIntegerFlag('clients', values.clients),
        keyspace: positiveIntegerFlag('keyspace', values.keyspace),
        pipeline: positiveIntegerFlag('pipeline', values.pipeline),
        memoryKeyCount: values.memory ? positiveIntegerFlag('memory-keys', values['memory-keys']) : 0,
        floors: values.floors,
        readyTimeoutMs: positiveNumberFlag('ready-timeout-s', values['ready-timeout-s']) * 1000,
        objectboxCpuProfileDirectory: values['cpu-prof'] === undefined ? null : resolve(values['cpu-prof']),
        ...shared(values),
      });
    }
    case 's3': {
      const { values } = parseArgs({
        args: [...args],
        allowNegative: true,
        options: {
          ...commonOptions,
          sizes: { type: 'string', default: '4k,1m,64m' },
          concurrency: { type: 'string', default: '1,8,32' },
          ops: { type: 'string', default: s3Operations.join(',') },
          'duration-s': { type: 'string', default: '10' },
          'warmup-s': { type: 'string', default: '2' },
          systems: { type: 'string', default: s3Systems.join(',') },
          fio: { type: 'boolean', default: true },
          'fio-size-mib': { type: 'string', default: '1024' },
          'drop-caches': { type: 'boolean', default: true },
          'cpu-prof': { type: 'string' },
          'ready-timeout-s': { type: 'string', default: '60' },
        },
      });
      if (values.help === true) return usage;
      return runS3Bench({
        sizesBytes: sizeListFlag('sizes', values.sizes),
        concurrencies: positiveIntegerListFlag('concurrency', values.concurrency),
        operations: choiceListFlag('ops', values.ops, s3Operations),
        systems: choiceListFlag('systems', values.systems, s3Systems),
        warmupMs: positiveNumberFlag('warmup-s', values['warmup-s']) * 1000,
        durationMs: positiveNumberFlag('duration-s', values['duration-s']) * 1000,
        fio: values.fio,
        fioSizeMiB: positiveIntegerFlag('fio-size-mib', values['fio-size-mib']),
        dropCaches: values['drop-caches'],
        readyTimeoutMs: positiveNumberFlag('ready-timeout-s', values['ready-timeout-s']) * 1000,
        objectboxCpuProfileDirectory: values['cpu-prof'] === undefined ? null : resolve(values['cpu-prof']),
        ...shared(values),
      });
    }
    case 'hashes': {
      const { values } = parseArgs({
        args: [...args],
        allowNegative: true,
        options: { ...commonOptions, 'throughput-mib': { type: 'string', default: '256' }, 'event-loop-mib': { type: 'string', default: '100' } },
      });
      if (values.help === true) return usage;
      return runHashesBench({
        throughputMiB: positiveIntegerFlag('throughput-mib', values['throughput-mib']),
        eventLoopMiB: positiveIntegerFlag('event-loop-mib', values['event-loop-mib']),
        dataRoot: shared(values).dataRoot,
        log,
      });
    }
    case 'wal-recovery': {
      const { values } = parseArgs({
        args: [...args],
        allowNegative: true,
        options: {
          ...commonOptions,
          'size-gib': { type: 'string', default: '1' },
          'record-bytes': { type: 'string', default: '4096' },
          'segment-size-mib': { type: 'string', default: '64' },
          'drop-caches': { type: 'boolean', default: true },
        },
      });
      if (values.help === true) return usage;
      return runWalRecoveryBench({
        sizeBytes: Math.round(positiveNumberFlag('size-gib', values['size-gib']) * 1024 ** 3),
        recordBytes: positiveIntegerFlag('record-bytes', values['record-bytes']),
        segmentSizeBytes: positiveIntegerFlag('segment-size-mib', values['segment-size-mib']) * 1024 * 1024,
        recordCountPerAppend: 256,
        appendConcurrency: 4,
        dropCaches: values['drop-caches'],
        ...shared(values),
      });
    }
    default:
      throw new FlagError(`unknown command "${command}" (try --help)`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const isUsageError = error instanceof FlagError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
  log(`${isUsageError ? 'usage error' : 'failed'}: ${error instanceof Error ? (isUsageError ? error.message : (error.stack ?? error.message)) : String(error)}`);
  process.exitCode = isUsageError ? 2 : 1;
}
