/**
 * {@link StorageFileSystem} on node:fs/promises: real files, fdatasync, and fsync on directories.
 */
import { constants, type FileHandle, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import type { StorageFile, StorageFileSystem } from '@objectbox/storage-core';

function isCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/** The production file system. Stateless; share the one instance. */
export const nodeFileSystem: StorageFileSystem = {
  async makeDirectory(path) {
    await mkdir(path, { recursive: true });
  },
  async listDirectory(path) {
    try {
      return await readdir(path);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return [];
      throw error;
    }
  },
  async readFile(path) {
    try {
      return await readFile(path);
    } catch (error) {
      if (isCode(error, 'ENOENT')) return null;
      throw error;
    }
  },
  async openFile(path) {
    // O_RDWR | O_CREAT without O_APPEND: writes go to explicit positions (O_APPEND would ignore them
    // on Linux) and an existing file is never truncated.
    const handle = await open(path, constants.O_RDWR | constants.O_CREAT, 0o644);
    return nodeFile(handle, path);
  },
  async rename(sourcePath, targetPath) {
    await rename(sourcePath, targetPath);
  },
  async removeFile(path) {
    await rm(path, { force: true });
  },
  async syncDirectory(path) {
    // Linux allows fsync on a read-only directory descriptor; it makes created, renamed and removed
    // entries durable (rename(2) alone is atomic but not durable).
    const handle = await open(path, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};

function nodeFile(handle: FileHandle, path: string): StorageFile {
  // A second descriptor on the same file, opened with O_DSYNC the first time `writeDurable` is used.
  let durableHandle: Promise<FileHandle> | undefined;
  return {
    async sizeBytes() {
      return (await handle.stat()).size;
    },
    async write(chunks, positionBytes) {
      await writeAll(handle, chunks, positionBytes);
    },
    async writeDurable(chunks, positionBytes) {
      // One trip to the thread pool instead of two (writev, then fdatasync): the WAL's fsync starts
      // without waiting for this process's event loop in between, which may be busy applying.
      durableHandle ??= open(path, constants.O_WRONLY | constants.O_DSYNC);
      let durable: FileHandle;
      try {
        durable = await durableHandle;
      } catch (error) {
        // Not cached: the next write tries again (EMFILE may pass).
        durableHandle = undefined;
        throw error;
      }
      await writeAll(durable, chunks, positionBytes);
    },
    async sync() {
      await handle.datasync();
    },
    async truncate(sizeBytes) {
      await handle.truncate(sizeBytes);
    },
    async close() {
      // The main descriptor is closed whatever happened to the O_DSYNC one (whose open may have failed).
      try {
        if (durableHandle !== undefined) await (await durableHandle).close();
      } finally {
        await handle.close();
      }
    },
  };
}

async function writeAll(handle: FileHandle, chunks: readonly Uint8Array[], positionBytes: number): Promise<void> {
  let position = positionBytes;
  let remaining = chunks.filter((chunk) => chunk.length > 0);
  // writev may write fewer bytes than asked (rare on regular files, but allowed): continue.
  while (remaining.length > 0) {
    const { bytesWritten } = await handle.writev(remaining as Uint8Array[], position);
    position += bytesWritten;
    remaining = dropWritten(remaining, bytesWritten);
  }
}

function dropWritten(chunks: readonly Uint8Array[], bytesWritten: number): Uint8Array[] {
  const result: Uint8Array[] = [];
  let skip = bytesWritten;
  for (const chunk of chunks) {
    if (skip >= chunk.length) {
      skip -= chunk.length;
      continue;
    }
    result.push(skip > 0 ? chunk.subarray(skip) : chunk);
    skip = 0;
  }
  return result;
}
