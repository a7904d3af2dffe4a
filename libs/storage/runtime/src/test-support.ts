/**
 * Helpers shared by the runtime specs (not exported from the package): temp directories and WAL
 * options for tests. The fsync-counting file system lives in counting-file-system.ts (exported).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLogger } from './storage-logger.js';
import type { WalOptions } from './wal.js';

export { CountingFileSystem } from './counting-file-system.js';

/** Runs `body` with a fresh temp directory, removed afterwards. */
export async function withTemporaryDirectory<T>(body: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'objectbox-storage-'));
  try {
    return await body(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/**
 * WAL options for tests: small limits, a memory logger, and no preallocation (so a segment file is
 * exactly its records, which the byte-offset tests rely on) unless overridden.
 */
export function testWalOptions(directory: string, overrides: Partial<WalOptions> = {}): WalOptions & { logger: MemoryLogger } {
  return {
    directory,
    segmentSizeBytes: 64 * 1024,
    recordPayloadBytesMax: 4096,
    pendingBytesMax: 1024 * 1024,
    preallocateBytes: 0,
    logger: new MemoryLogger(),
    ...overrides,
  } as WalOptions & { logger: MemoryLogger };
}

/** Payload of record `index` in tests: recognisable and index-dependent. */
export function testPayload(index: number, payloadBytes = 40): Buffer {
  const payload = Buffer.alloc(payloadBytes, index & 0xff);
  payload.write(`record-${index}`, 0, 'latin1');
  return payload;
}
