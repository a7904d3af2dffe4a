/**
 * A small benchmark, not a test: appends/s of 256-byte records with fsync at concurrency 1, 16 and
 * 64 (fsyncs counted), and CRC32C throughput. Run after building:
 * `node_modules/.bin/node libs/storage/runtime/dist/wal-bench.js [directory]`
 * (the directory defaults to a temp dir; point it at the disk you care about).
 *
 * Measured once (2-core shared VM, Node 24, tmpfs-less temp dir, other builds running):
 * crc32c 268 MiB/s and ~1.0 M 280-byte frames/s; a pure-JS blake3 (@noble/hashes 2.4.0, measured
 * in a throwaway script, not a dependency) 11-12 MiB/s and ~51 k frames/s, i.e. ~20x slower, which
 * is why the WAL uses CRC32C (it guards against torn writes and bit rot, not adversaries). Appends:
 * concurrency 1: 1.3 k/s at 1 fsync/append; 16: 33 k/s at 0.063; 64: 74 k/s at 0.016.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '@objectbox/storage-core';
import { MemoryLogger } from './storage-logger.js';
import { CountingFileSystem } from './test-support.js';
import { Wal } from './wal.js';

const recordPayloadBytes = 256;
const appendsPerRun = 4000;

async function benchAppends(parentDirectory: string, concurrency: number): Promise<void> {
  const directory = await mkdtemp(join(parentDirectory, `wal-bench-${concurrency}-`));
  const fileSystem = new CountingFileSystem();
  const wal = await Wal.open({
    directory,
    segmentSizeBytes: 64 * 1024 * 1024,
    recordPayloadBytesMax: 4096,
    pendingBytesMax: 64 * 1024 * 1024,
    fileSystem,
    logger: new MemoryLogger(),
  });
  const payload = Buffer.alloc(recordPayloadBytes, 7);
  const syncsBefore = fileSystem.fileSyncCount;
  const startedNs = process.hrtime.bigint();
  let remaining = appendsPerRun;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (remaining > 0) {
        remaining--;
        await wal.append([{ type: 1, payload }]);
      }
    }),
  );
  const elapsedMs = Number(process.hrtime.bigint() - startedNs) / 1e6;
  const fsyncCount = fileSystem.fileSyncCount - syncsBefore;
  await wal.close();
  await rm(directory, { recursive: true, force: true });
  console.log(
    `concurrency ${String(concurrency).padStart(2)}: ${Math.round((appendsPerRun / elapsedMs) * 1000)} appends/s, ` +
      `${fsyncCount} fsyncs for ${appendsPerRun} appends (${(fsyncCount / appendsPerRun).toFixed(3)} fsyncs/append)`,
  );
}

function benchChecksum(): void {
  const data = Buffer.alloc(16 * 1024 * 1024, 0x5a);
  for (let i = 0; i < data.length; i += 4096) data[i] = i & 0xff;
  crc32c(data.subarray(0, 1024 * 1024)); // warm up
  const rounds = 8;
  const startedNs = process.hrtime.bigint();
  for (let round = 0; round < rounds; round++) crc32c(data);
  const elapsedMs = Number(process.hrtime.bigint() - startedNs) / 1e6;
  console.log(`crc32c (slice-by-8, pure JS): ${Math.round((rounds * data.length) / 1024 / 1024 / (elapsedMs / 1000))} MiB/s on 16 MiB buffers`);
  const small = Buffer.alloc(280, 1);
  const smallRounds = 200_000;
  const smallStartedNs = process.hrtime.bigint();
  for (let round = 0; round < smallRounds; round++) crc32c(small);
  const smallElapsedMs = Number(process.hrtime.bigint() - smallStartedNs) / 1e6;
  console.log(`crc32c on 280-byte frames: ${Math.round(smallRounds / (smallElapsedMs / 1000))} frames/s`);
}

const parentDirectory = process.argv[2] ?? tmpdir();
benchChecksum();
for (const concurrency of [1, 16, 64]) await benchAppends(parentDirectory, concurrency);
