/**
 * s3: the ObjectBox object store against s3rver, both started by this run as separate processes on
 * loopback in fresh data directories, loaded by the same wrk with the same presigned requests
 * (SigV4 query auth, so the client signs nothing while measuring), plus fio's sequential bandwidth
 * on the same file system as the ceiling for large objects.
 *
 * Points: for each object size, PUTs then GETs, at each concurrency (wrk -c), systems interleaved
 * point by point so that machine noise hits both alike. Each point is a discarded warm-up run and a
 * measured run; the server's CPU (utime + stime from /proc) is read around the measured run. A
 * point with any socket error, timeout or non-2xx response is reported as failed, with the reason.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statfs, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processCpuMs } from './bench-processes.js';
import { machineNote, objectboxRevision, timestampUtc, writeDocSection } from './bench-report.js';
import { type FioSequentialResult, runFioSequential } from './bench-s3-fio.js';
import { renderS3Report } from './bench-s3-report.js';
import {
  assertRunning,
  checkPresignedUrls,
  createBucket,
  exitDescription,
  presign,
  S3NoResponseError,
  S3RequestError,
  S3ServerExitedError,
  type S3ServerUnderTest,
  type S3System,
  s3SystemTitles,
  s3rverVersion,
  startObjectBoxObjectStore,
  startS3rver,
  uploadObjects,
} from './bench-s3-servers.js';
import { runWrk, WrkRunError } from './bench-s3-wrk.js';
import { idleMeasureMs, keysFor, measuredWindowMs, warmupMsMax, s3Operations, type S3BenchOptions, type S3Operation, type S3Point, type S3PointResult, sizeLabel } from './bench-s3-plan.js';
import { ensurePeersInstalled, fioPackage, versionOf, wrkPackage } from './peer-install.js';

/** The one bucket every object goes to. */
const bucket = 'bench';

/** Flushes the page cache's dirty data (s3rver writes without fsync) so it does not land in the next point. */
function syncFileSystems(): void {
  spawnSync('sync', [], { timeout: 120_000 });
}

export async function runS3Bench(options: S3BenchOptions): Promise<string> {
  ensurePeersInstalled([wrkPackage, ...(options.fio ? [fioPackage] : [])], options.log);
  const note = machineNote(options.dataRoot);
  const startedAt = timestampUtc();
  const revision = objectboxRevision();
  const loadAtStart = loadavg().map((value) => value.toFixed(2)).join(' ');
  const workDirectory = await options.resources.temporaryDirectory(options.dataRoot, 's3');
  const free = await statfs(options.dataRoot);
  const freeGiB = (free.bavail * free.bsize) / 1024 ** 3;
  options.log(`data root ${options.dataRoot}: ${freeGiB.toFixed(0)} GiB free`);

  let fioBefore: FioSequentialResult | null = null;
  if (options.fio) {
    options.log(`fio: ${options.fioSizeMiB} MiB sequential write (end fsync), then read warm${options.dropCaches ? ' and cold' : ''}`);
    fioBefore = runFioSequential({ directory: await options.resources.temporaryDirectory(options.dataRoot, 's3-fio'), sizeMiB: options.fioSizeMiB, dropCaches: options.dropCaches });
    options.log(`  ${describeFio(fioBefore)}`);
  }

  const servers = new Map<S3System, S3ServerUnderTest>();
  const dataDirectories = new Map<S3System, string>();
  if (options.systems.includes('objectbox')) {
    options.log(`starting the ObjectBox object store${options.objectboxCpuProfileDirectory === null ? '' : ` under --cpu-prof (${options.objectboxCpuProfileDirectory})`}`);
    const dataDirectory = await options.resources.temporaryDirectory(options.dataRoot, 's3-objectbox');
    dataDirectories.set('objectbox', dataDirectory);
    servers.set(
      'objectbox',
      await startObjectBoxObjectStore({ resources: options.resources, dataDirectory, readyTimeoutMs: options.readyTimeoutMs, cpuProfileDirectory: options.objectboxCpuProfileDirectory }),
    );
  }
  if (options.systems.includes('s3rver')) {
    options.log('starting s3rver');
    const dataDirectory = await options.resources.temporaryDirectory(options.dataRoot, 's3-s3rver');
    dataDirectories.set('s3rver', dataDirectory);
    servers.set('s3rver', await startS3rver({ resources: options.resources, dataDirectory, readyTimeoutMs: options.readyTimeoutMs }));
  }
  const signatureChecks = new Map<S3System, boolean>();
  for (const server of servers.values()) {
    await createBucket(server, bucket);
    const { verifiesSignatures } = await checkPresignedUrls(server, bucket, randomBytes(4096));
    signatureChecks.set(server.system, verifiesSignatures);
    options.log(`${s3SystemTitles[server.system]} on ${server.host} (pid ${server.process.pid}): presigned PUT/GET round-trip ok; altered signature ${verifiesSignatures ? 'refused' : 'ACCEPTED'}`);
  }
  const idleCpuCores = await measureIdleCpu([...servers.values()]);

  const points: S3Point[] = [];
  for (const sizeBytes of options.sizesBytes) {
    const keys = keysFor(sizeBytes);
    const body = randomBytes(sizeBytes);
    const bodyFile = join(workDirectory, `body-${sizeBytes}`);
    await writeFile(bodyFile, body);
    // PUTs before GETs whatever the flag's order: the GETs then read what the PUTs last wrote.
    for (const operation of s3Operations.filter((candidate) => options.operations.includes(candidate))) {
      // Complete objects under every key before each phase: PUTs then always overwrite, and GETs read whole
      // objects even though wrk abandons the PUTs in flight when a run ends (s3rver writes in place, so an
      // abandoned PUT leaves a truncated object there; ObjectBox keeps the previous one).
      for (const server of servers.values()) {
        options.log(`${s3SystemTitles[server.system]}: uploading ${keys.length} objects of ${sizeLabel(sizeBytes)} before the ${operation.toUpperCase()}s`);
        try {
          await uploadObjects(server, bucket, keys, body);
        } catch (error) {
          if (!(error instanceof S3RequestError || error instanceof S3NoResponseError || error instanceof S3ServerExitedError)) throw error;
          options.log(`  FAILED: ${error.message}`);
        }
      }
      // Per system: the latency of the previous concurrency, to size the next windows.
      const previous = new Map<S3System, { concurrency: number; latencyMs: number }>();
      for (const concurrency of options.concurrencies) {
        const point: S3Point = { sizeBytes, operation, concurrency, results: new Map() };
        for (const server of servers.values()) {
          const before = previous.get(server.system);
          // Bandwidth-bound: latency grows with the connections sharing it.
          const latencyEstimateMs = before === undefined ? 0 : (before.latencyMs * concurrency) / before.concurrency;
          options.log(`${s3SystemTitles[server.system]}: ${operation.toUpperCase()} ${sizeLabel(sizeBytes)} × ${keys.length} keys, c=${concurrency}`);
          const result = await runPoint(options, { server, operation, sizeBytes, keys, bodyFile, concurrency, workDirectory, latencyEstimateMs });
          options.log(`  ${describePoint(result)}`);
          if (result.ok) previous.set(server.system, { concurrency, latencyMs: result.run.latencyMsMean });
          point.results.set(server.system, result);
        }
        points.push(point);
      }
    }
  }

  let fioAfter: FioSequentialResult | null = null;
  if (options.fio) {
    options.log('fio again');
    fioAfter = runFioSequential({ directory: await options.resources.temporaryDirectory(options.dataRoot, 's3-fio-after'), sizeMiB: options.fioSizeMiB, dropCaches: options.dropCaches });
    options.log(`  ${describeFio(fioAfter)}`);
  }
  for (const [system, directory] of dataDirectories) {
    const used = spawnSync('du', ['-sh', directory], { encoding: 'utf8', timeout: 60_000 }).stdout?.split('\t')[0] ?? '?';
    options.log(`${s3SystemTitles[system]} data directory: ${used} at the end`);
  }

  const report = renderS3Report({
    options,
    points,
    fioBefore,
    fioAfter,
    signatureChecks,
    idleCpuCores,
    note,
    startedAt,
    revision,
    loadAtStart,
    loadAtEnd: loadavg().map((value) => value.toFixed(2)).join(' '),
    dataRootMount: dataRootMount(options.dataRoot),
    versions: {
      s3rver: options.systems.includes('s3rver') ? await s3rverVersion() : null,
      // `wrk -v` prints "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer".
      wrk: versionOf(wrkPackage.binaryPath, ['-v']).replace(/\s*Copyright.*$/, ''),
      fio: options.fio ? versionOf(fioPackage.binaryPath) : null,
    },
  });
  if (options.documentPath !== null) await writeDocSection({ documentPath: options.documentPath, name: 's3', content: report });
  return report;
}

/** `ext4 on /dev/vda (rw,relatime)`: `stat -f` calls ext4 "ext2/ext3", findmnt names it. */
function dataRootMount(dataRoot: string): string {
  const output = spawnSync('findmnt', ['-n', '-o', 'FSTYPE,SOURCE,OPTIONS', '--target', dataRoot], { encoding: 'utf8', timeout: 10_000 }).stdout?.trim() ?? '';
  const [type, source, mountOptions] = output.split(/\s+/);
  return type === undefined || type === '' ? 'unknown (findmnt failed)' : `${type} on ${source ?? '?'} (${mountOptions ?? ''})`;
}

async function measureIdleCpu(servers: readonly S3ServerUnderTest[]): Promise<Map<S3System, number>> {
  const before = servers.map((server) => processCpuMs(server.process.pid));
  const startNs = process.hrtime.bigint();
  await sleep(idleMeasureMs);
  const wallMs = Number(process.hrtime.bigint() - startNs) / 1e6;
  return new Map(servers.map((server, index) => [server.system, (processCpuMs(server.process.pid) - before[index]!) / wallMs]));
}

async function runPoint(
  options: S3BenchOptions,
  point: {
    server: S3ServerUnderTest;
    operation: S3Operation;
    sizeBytes: number;
    keys: readonly string[];
    bodyFile: string;
    concurrency: number;
    workDirectory: string;
    latencyEstimateMs: number;
  },
): Promise<S3PointResult> {
  const { server } = point;
  const method = point.operation === 'put' ? 'PUT' : 'GET';
  try {
    assertRunning(server);
    syncFileSystems();
    const wrkOptions = {
      resources: options.resources,
      workDirectory: point.workDirectory,
      host: server.host,
      // Signed now, valid for an hour: longer than any point.
      requests: point.keys.map((key) => ({ method, target: presign(server, method, bucket, key) }) as const),
      bodyFile: point.operation === 'put' ? point.bodyFile : null,
      objectSizeBytes: point.sizeBytes,
      connections: point.concurrency,
      // Generous: 20 MB/s shared by the connections, at least a minute; a slower request is an error.
      requestTimeoutMs: Math.max(60_000, Math.ceil(((point.sizeBytes * point.concurrency) / 20e6) * 1000)),
    };
    // Warm-up, discarded (errors still fail the point): long enough that most connections finish a request.
    const warmupMs = Math.min(warmupMsMax, Math.max(options.warmupMs, 1.5 * point.latencyEstimateMs));
    const warmup = await runWrk({ ...wrkOptions, durationMs: warmupMs, allowNoCompletion: true });
    // A warm-up that completed nothing says only that requests take longer than it ran.
    const latencyEstimateMs = Math.max(point.latencyEstimateMs, warmup.requestCount === 0 ? warmupMs : warmup.latencyMsMean);
    const durationMs = measuredWindowMs(options.durationMs, latencyEstimateMs);
    const cpuBeforeMs = processCpuMs(server.process.pid);
    const startNs = process.hrtime.bigint();
    const run = await runWrk({ ...wrkOptions, durationMs });
    const wallMs = Number(process.hrtime.bigint() - startNs) / 1e6;
    const serverCpuMs = processCpuMs(server.process.pid) - cpuBeforeMs;
    assertRunning(server);
    return { ok: true, run, objectSizeBytes: point.sizeBytes, serverCpuMs, wallMs };
  } catch (error) {
    // A wrk verdict or a server that died or refused: the point failed. Anything else is a bug of the bench.
    if (!(error instanceof WrkRunError || error instanceof S3ServerExitedError || error instanceof S3RequestError)) throw error;
    const exited = server.process.running || error instanceof S3ServerExitedError ? '' : `; the server ${exitDescription(server.process)}`;
    return { ok: false, reason: `${error.message}${exited}` };
  }
}

function describePoint(result: S3PointResult): string {
  if (!result.ok) return `FAILED: ${result.reason}`;
  const { run } = result;
  const opsPerSecond = run.requestCount / (run.durationMs / 1000);
  return (
    `${opsPerSecond.toFixed(1)} ops/s, ${((opsPerSecond * result.objectSizeBytes) / 1e6).toFixed(1)} MB/s, p50 ${run.latencyMsP50.toFixed(2)} ms, ` +
    `p99 ${run.latencyMsP99.toFixed(2)} ms, ${run.requestCount} requests in ${(run.durationMs / 1000).toFixed(1)} s; ` +
    `server ${(result.serverCpuMs / result.wallMs).toFixed(2)} cores, wrk ${(run.cpuMs / result.wallMs).toFixed(2)} cores`
  );
}

function describeFio(result: FioSequentialResult): string {
  const mbps = (bytesPerSecond: number | null) => (bytesPerSecond === null ? 'not measured' : `${(bytesPerSecond / 1e6).toFixed(0)} MB/s`);
  return `write ${mbps(result.writeBytesPerSecond)}, read warm ${mbps(result.warmReadBytesPerSecond)}, cold ${mbps(result.coldReadBytesPerSecond)}`;
}
