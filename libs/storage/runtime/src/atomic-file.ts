/**
 * Atomic file replacement: write a temp file, fsync it, rename over the target, fsync the directory.
 * A crash at any point leaves either the old file or the new one, never a mix (POSIX rename).
 */
import { joinPath, type StorageFileSystem } from '@objectbox/storage-core';

/** Suffix of temp files; a leftover one is an interrupted write and is removed on open. */
export const temporaryFileSuffix = '.tmp';

/**
 * Atomically and durably replaces `directory/name` with `chunks`. Resolves after the directory
 * fsync, i.e. once the new content survives a crash. I/O errors propagate (the target is then
 * unchanged or already replaced; the temp file may remain and is cleaned on the next open).
 */
export async function writeFileAtomic(
  fileSystem: StorageFileSystem,
  options: { directory: string; name: string; chunks: readonly Uint8Array[] },
): Promise<void> {
  const temporaryPath = joinPath(options.directory, `${options.name}${temporaryFileSuffix}`);
  const file = await fileSystem.openFile(temporaryPath);
  try {
    await file.truncate(0);
    await file.write(options.chunks, 0);
    await file.sync();
  } finally {
    await file.close();
  }
  await fileSystem.rename(temporaryPath, joinPath(options.directory, options.name));
  await fileSystem.syncDirectory(options.directory);
}

/** Removes leftover temp files in `directory`; returns their names. */
export async function removeTemporaryFiles(fileSystem: StorageFileSystem, directory: string): Promise<string[]> {
  const leftovers = (await fileSystem.listDirectory(directory)).filter((name) => name.endsWith(temporaryFileSuffix));
  for (const name of leftovers) await fileSystem.removeFile(joinPath(directory, name));
  if (leftovers.length > 0) await fileSystem.syncDirectory(directory);
  return leftovers;
}
