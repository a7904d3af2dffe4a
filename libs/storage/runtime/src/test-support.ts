/**
 * Helpers shared by the runtime specs (not exported from the package): temp directories, a
 * file system decorator that counts fsyncs, and WAL options for tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StorageFile, StorageFileSystem } from '@objectbox/storage-core';
import { nodeFileSystem } from './node-file-system.js';
import { MemoryLogger } from './storage-logger.js';
import type { WalOptions } from './wal.js';

/** Runs `body` with a fresh temp directory, removed afterwards. */
export async function withTemporaryDirectory<T>(body: (directory: string) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(join(tmpdir(), 'objectbox-storage-'));
  try {
    return await body(directory);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Counts file syncs and writes going through `inner`. */
export class CountingFileSystem implements StorageFileSystem {
  fileSyncCount = 0;
  writeCount = 0;
  constructor(private readonly inner: StorageFileSystem = nodeFileSystem) {}
  makeDirectory(path: string): Promise<void> {
    return this.inner.makeDirectory(path);
  }
  listDirectory(path: string): Promise<string[]> {
    return this.inner.listDirectory(path);
  }
  readFile(path: string): Promise<Uint8Array | null> {
    return this.inner.readFile(path);
  }
  async openFile(path: string): Promise<StorageFile> {
    const file = await this.inner.openFile(path);
    return {
      sizeBytes: () => file.sizeBytes(),
      write: (chunks, positionBytes) => {
        this.writeCount++;
        return file.write(chunks, positionBytes);
      },
      sync: () => {
        this.fileSyncCount++;
        return file.sync();
      },
      truncate: (sizeBytes) => file.truncate(sizeBytes),
      close: () => file.close(),
    };
  }
  rename(sourcePath: string, targetPath: string): Promise<void> {
    return this.inner.rename(sourcePath, targetPath);
  }
  removeFile(path: string): Promise<void> {
    return this.inner.removeFile(path);
  }
  syncDirectory(path: string): Promise<void> {
    return this.inner.syncDirectory(path);
  }
}

/** WAL options for tests: small limits, a memory logger. */
export function testWalOptions(directory: string, overrides: Partial<WalOptions> = {}): WalOptions & { logger: MemoryLogger } {
  return {
    directory,
    segmentSizeBytes: 64 * 1024,
    recordPayloadBytesMax: 4096,
    pendingBytesMax: 1024 * 1024,
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
