/**
 * The few file operations the WAL and snapshot store need, so that a deterministic simulator can run
 * them on a disk that loses unsynced writes and tears them (see `MemoryFileSystem`). The node:fs
 * implementation lives in storage-runtime. Paths are absolute, '/'-separated strings.
 *
 * Durability contract (POSIX, as on ext4/xfs): data written to a file is durable only after
 * `StorageFile.sync()`; a created, renamed or removed directory entry is durable only after
 * `syncDirectory()` on its parent.
 */
export interface StorageFileSystem {
  /** Creates `path` and missing parents; succeeds when it exists. */
  makeDirectory(path: string): Promise<void>;
  /** Entry names (not paths) in `path`, in no particular order; [] when it does not exist. */
  listDirectory(path: string): Promise<string[]>;
  /** Whole content of a file, or null when it does not exist. The caller owns the buffer. */
  readFile(path: string): Promise<Uint8Array | null>;
  /** Opens a file for writing at explicit positions, creating it (empty) when missing; never truncates. */
  openFile(path: string): Promise<StorageFile>;
  /** Atomically replaces `targetPath` with `sourcePath` (POSIX rename). */
  rename(sourcePath: string, targetPath: string): Promise<void>;
  /** Removes a file; succeeds when it does not exist. */
  removeFile(path: string): Promise<void>;
  /** Makes the entries of directory `path` durable (fsync on the directory). */
  syncDirectory(path: string): Promise<void>;
}

/** An open file. Not safe for overlapping calls; the WAL serialises them. */
export interface StorageFile {
  /** Current size in bytes. */
  sizeBytes(): Promise<number>;
  /** Writes `chunks` back to back starting at `positionBytes` (one writev). */
  write(chunks: readonly Uint8Array[], positionBytes: number): Promise<void>;
  /** Makes written data and the size durable (fdatasync). */
  sync(): Promise<void>;
  /**
   * Optional: `write` and then `sync` in one step, where the platform can (a write through an
   * O_DSYNC descriptor returns once its data is durable, like a write followed by fdatasync).
   * Callers without it write, then sync.
   */
  writeDurable?(chunks: readonly Uint8Array[], positionBytes: number): Promise<void>;
  /** Sets the size to `sizeBytes` (ftruncate); durable after `sync()`. */
  truncate(sizeBytes: number): Promise<void>;
  /** Closes the handle; unsynced data stays as durable as it was. */
  close(): Promise<void>;
}

/** Joins a directory path and an entry name. */
export function joinPath(directory: string, name: string): string {
  return directory.endsWith('/') ? `${directory}${name}` : `${directory}/${name}`;
}
