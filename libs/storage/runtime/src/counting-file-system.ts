import type { StorageFile, StorageFileSystem } from '@objectbox/storage-core';
import { nodeFileSystem } from './node-file-system.js';

/**
 * A {@link StorageFileSystem} decorator that counts file syncs (fdatasync, or an O_DSYNC write) and writes going through
 * `inner`: tests and benchmarks use it to prove group commit (fsyncs per append) without timing.
 */
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
      // Counted as the write and the sync it stands for; absent when `inner` has none.
      ...(file.writeDurable === undefined
        ? {}
        : {
            writeDurable: (chunks: readonly Uint8Array[], positionBytes: number) => {
              this.writeCount++;
              this.fileSyncCount++;
              return file.writeDurable!(chunks, positionBytes);
            },
          }),
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

