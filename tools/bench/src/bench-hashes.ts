/**
 * hashes: throughput of every checksum the object store computes (MiB/s on one core, 1 MiB chunks,
 * CPU time of this thread), and the event loop's delay (perf_hooks.monitorEventLoopDelay) while
 * 100 MiB are hashed in 1 MiB chunks on the main thread versus in the BlobHashWorkerPool.
 *
 * Candidates that are not dependencies (hash-wasm, blake3-wasm) are measured when they are
 * resolvable (`npm install --no-save --ignore-scripts hash-wasm blake3-wasm@2.1.5`), and skipped
 * otherwise. Chunks arrive one per macrotask (setImmediate between them), as they would from a
 * socket, so the loop gets a turn between chunks in both modes. Prints only; docs are not touched.
 */
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { crc32cUpdate } from '@objectbox/storage-core';
import {
  Blake3,
  BlobHashState,
  BlobHashWorkerPool,
  type BlobHasherFactory,
  type ChecksumAlgorithm,
  createDigestState,
  Crc64Nvme,
  inlineBlobHasherFactory,
} from '@objectbox/object-store-runtime';
import { formatNumber, machineNote, markdownTable, timestampUtc } from './bench-report.js';

export interface HashesBenchOptions {
  /** MiB hashed per algorithm for throughput. */
  readonly throughputMiB: number;
  /** MiB hashed per event-loop run. */
  readonly eventLoopMiB: number;
  readonly dataRoot: string;
  readonly log: (line: string) => void;
}

const mebibyte = 1024 * 1024;

interface Incremental {
  update(chunk: Uint8Array): void;
  digest(): unknown;
}

interface ThroughputRow {
  readonly name: string;
  readonly wallMiBPerSecond: number;
  readonly cpuMiBPerSecond: number;
}

function measureThroughput(name: string, make: () => Incremental, chunk: Uint8Array, totalMiB: number): ThroughputRow {
  const warm = make();
  for (let index = 0; index < 8; index++) warm.update(chunk);
  warm.digest();
  const chunkCount = Math.max(1, Math.round((totalMiB * mebibyte) / chunk.length));
  const cpuBefore = process.threadCpuUsage();
  const startNs = process.hrtime.bigint();
  const hasher = make();
  for (let index = 0; index < chunkCount; index++) hasher.update(chunk);
  hasher.digest();
  const wallS = Number(process.hrtime.bigint() - startNs) / 1e9;
  const cpu = process.threadCpuUsage(cpuBefore);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const mib = (chunkCount * chunk.length) / mebibyte;
  return { name, wallMiBPerSecond: mib / wallS, cpuMiBPerSecond: mib / cpuS };
}

async function optionalCandidates(): Promise<[string, () => Incremental][]> {
  const result: [string, () => Incremental][] = [];
  const dynamicImport = (name: string) => import(name) as Promise<Record<string, unknown>>;
  try {
    const hashWasm = await dynamicImport('hash-wasm');
    const hasher = await (hashWasm.createBLAKE3 as () => Promise<{ init(): void; update(data: Uint8Array): void; digest(format: 'binary'): Uint8Array }>)();
    result.push(['blake3 (hash-wasm)', () => (hasher.init(), { update: (chunk) => void hasher.update(chunk), digest: () => hasher.digest('binary') })]);
  } catch {
    result.push(['blake3 (hash-wasm): not installed', () => ({ update: () => {}, digest: () => null })]);
  }
  try {
    const blake3Wasm = await dynamicImport('blake3-wasm');
    const createHash = (blake3Wasm.createHash ?? (blake3Wasm.default as Record<string, unknown> | undefined)?.createHash) as () => { update(data: Uint8Array): void; digest(): Uint8Array };
    result.push(['blake3 (blake3-wasm)', () => createHash()]);
  } catch {
    result.push(['blake3 (blake3-wasm): not installed', () => ({ update: () => {}, digest: () => null })]);
  }
  return result;
}

async function throughputRows(totalMiB: number, log: (line: string) => void): Promise<ThroughputRow[]> {
  const chunk = new Uint8Array(randomBytes(mebibyte));
  const candidates: [string, () => Incremental][] = [
    ['MD5 (node:crypto)', () => incrementalOf('MD5')],
    ['SHA-1 (node:crypto)', () => incrementalOf('SHA1')],
    ['SHA-256 (node:crypto)', () => incrementalOf('SHA256')],
    ['CRC32 (node:zlib crc32)', () => incrementalOf('CRC32')],
    ['CRC32C (@node-rs/crc32, SSE4.2)', () => incrementalOf('CRC32C')],
    ['CRC32C (storage-core, pure JS slice-by-8)', () => {
      let crc = 0;
      return { update: (data) => void (crc = crc32cUpdate(crc, data)), digest: () => crc };
    }],
    ['CRC64NVME (this lib, JS slice-by-8)', () => {
      const crc = new Crc64Nvme();
      return { update: (data) => void crc.update(data), digest: () => crc.digest() };
    }],
    ['blake3 (@napi-rs/blake-hash, native)', () => {
      const hasher = new Blake3();
      return { update: (data) => void hasher.update(data), digest: () => hasher.digest() };
    }],
    ...(await optionalCandidates()),
    ['PUT set: MD5 + CRC32 + blake3 table (BlobHashState)', () => blobState(['CRC32'])],
    ['PUT set: MD5 + CRC64NVME + blake3 table', () => blobState(['CRC64NVME'])],
  ];
  const rows: ThroughputRow[] = [];
  for (const [name, make] of candidates) {
    if (name.endsWith('not installed')) {
      rows.push({ name, wallMiBPerSecond: Number.NaN, cpuMiBPerSecond: Number.NaN });
      continue;
    }
    const row = measureThroughput(name, make, chunk, totalMiB);
    log(`${name}: ${formatNumber(row.cpuMiBPerSecond)} MiB/s per core`);
    rows.push(row);
  }
  return rows;
}

function incrementalOf(algorithm: ChecksumAlgorithm | 'MD5'): Incremental {
  return createDigestState(algorithm);
}

function blobState(algorithms: ChecksumAlgorithm[]): Incremental {
  const state = new BlobHashState({ algorithms, chunkSizeBytes: mebibyte });
  return { update: (data) => state.update(data), digest: () => state.finish() };
}

interface EventLoopRow {
  readonly mode: string;
  readonly delayMsP50: number;
  readonly delayMsP99: number;
  readonly delayMsMax: number;
  readonly mibPerSecond: number;
  readonly mainThreadCpuMsPerMiB: number;
}

async function measureEventLoop(mode: string, factory: BlobHasherFactory, algorithms: ChecksumAlgorithm[], totalMiB: number): Promise<EventLoopRow> {
  const chunk = new Uint8Array(randomBytes(mebibyte));
  // Warm up (and start the pool's worker) outside the measurement.
  const warm = factory.createHasher({ algorithms, chunkSizeBytes: mebibyte });
  await warm.update(chunk);
  await warm.finish();
  await yieldToLoop();
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const cpuBefore = process.threadCpuUsage();
  const startNs = process.hrtime.bigint();
  const hasher = factory.createHasher({ algorithms, chunkSizeBytes: mebibyte });
  for (let index = 0; index < totalMiB; index++) {
    await hasher.update(chunk);
    await yieldToLoop();
  }
  await hasher.finish();
  const wallS = Number(process.hrtime.bigint() - startNs) / 1e9;
  const cpu = process.threadCpuUsage(cpuBefore);
  histogram.disable();
  return {
    mode,
    delayMsP50: histogram.percentile(50) / 1e6,
    delayMsP99: histogram.percentile(99) / 1e6,
    delayMsMax: histogram.max / 1e6,
    mibPerSecond: totalMiB / wallS,
    mainThreadCpuMsPerMiB: (cpu.user + cpu.system) / 1000 / totalMiB,
  };
}

async function idleEventLoop(durationMs: number): Promise<EventLoopRow> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const endNs = process.hrtime.bigint() + BigInt(durationMs) * 1_000_000n;
  while (process.hrtime.bigint() < endNs) await new Promise((resolve) => setTimeout(resolve, 5));
  histogram.disable();
  return { mode: 'idle (no hashing)', delayMsP50: histogram.percentile(50) / 1e6, delayMsP99: histogram.percentile(99) / 1e6, delayMsMax: histogram.max / 1e6, mibPerSecond: Number.NaN, mainThreadCpuMsPerMiB: Number.NaN };
}

export async function runHashesBench(options: HashesBenchOptions): Promise<string> {
  options.log(`throughput: ${options.throughputMiB} MiB per algorithm in 1 MiB chunks`);
  const throughput = await throughputRows(options.throughputMiB, options.log);
  options.log(`event loop: ${options.eventLoopMiB} MiB in 1 MiB chunks, inline vs worker pool`);
  const pool = new BlobHashWorkerPool({ workerCount: 1 });
  const eventLoop: EventLoopRow[] = [];
  try {
    eventLoop.push(await idleEventLoop(1000));
    eventLoop.push(await measureEventLoop('inline: MD5 + CRC32 + blake3 table', inlineBlobHasherFactory, ['CRC32'], options.eventLoopMiB));
    eventLoop.push(await measureEventLoop('worker (1 thread): MD5 + CRC32 + blake3 table', pool, ['CRC32'], options.eventLoopMiB));
    eventLoop.push(await measureEventLoop('inline: MD5 + SHA-256 + blake3 table', inlineBlobHasherFactory, ['SHA256'], options.eventLoopMiB));
    eventLoop.push(await measureEventLoop('worker (1 thread): MD5 + SHA-256 + blake3 table', pool, ['SHA256'], options.eventLoopMiB));
    const readVerify: BlobHasherFactory = {
      createHasher: () => {
        const hasher = new Blake3();
        return { update: (chunk) => (hasher.update(chunk), Promise.resolve()), finish: () => (hasher.digest(), Promise.resolve({ sizeBytes: 0, md5: new Uint8Array(), checksums: {}, chunkHashes: new Uint8Array() })), abort: () => {} };
      },
    };
    eventLoop.push(await measureEventLoop('inline: blake3 only (read verification)', readVerify, [], options.eventLoopMiB));
  } finally {
    await pool.close();
  }
  const fmt = (value: number) => formatNumber(value);
  return [
    `### Checksums (${timestampUtc()})`,
    '',
    machineNote(options.dataRoot),
    '',
    markdownTable(
      ['algorithm (1 MiB chunks)', 'MiB/s per core (CPU time)', 'MiB/s wall'],
      throughput.map((row) => [row.name, fmt(row.cpuMiBPerSecond), fmt(row.wallMiBPerSecond)]),
    ),
    '',
    `Event-loop delay (monitorEventLoopDelay, resolution 1 ms) while hashing ${options.eventLoopMiB} MiB in 1 MiB chunks, one chunk per macrotask:`,
    '',
    markdownTable(
      ['mode', 'delay p50 ms', 'delay p99 ms', 'delay max ms', 'MiB/s', 'main-thread CPU ms/MiB'],
      eventLoop.map((row) => [row.mode, fmt(row.delayMsP50), fmt(row.delayMsP99), fmt(row.delayMsMax), fmt(row.mibPerSecond), fmt(row.mainThreadCpuMsPerMiB)]),
    ),
  ].join('\n');
}
