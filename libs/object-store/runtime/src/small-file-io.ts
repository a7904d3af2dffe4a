/**
 * Whole-file reads and writes of small blobs through node:fs's callback API.
 *
 * Why not fs/promises: for the open, one read or write, and close of a small file, the promise API
 * costs the main thread about twice as much (measured here with `process.threadCpuUsage`, 32 in
 * flight: ~55-60 µs vs ~25-33 µs per open+read+close of a 4 KiB file): every call allocates a
 * FileHandle (an EventEmitter tracked for GC close), and each step goes through its promise
 * machinery. On 4 KiB GETs and PUTs that is a visible share of the server's CPU per request.
 * The file descriptor never escapes these functions, so nothing can leak it.
 */
import { close, open, read, unlink, write } from 'node:fs';

function openFile(path: string, flags: number, mode: number): Promise<number> {
  return new Promise((resolve, reject) => open(path, flags, mode, (error, fd) => (error === null ? resolve(fd) : reject(error))));
}

/** Closes `fd`, then settles with `outcome` (a close error wins only when the work succeeded). */
function closeThen<T>(fd: number, outcome: { readonly error: NodeJS.ErrnoException | null; readonly value: T }, resolve: (value: T) => void, reject: (error: unknown) => void): void {
  close(fd, (closeError) => {
    if (outcome.error !== null) reject(outcome.error);
    else if (closeError !== null) reject(closeError);
    else resolve(outcome.value);
  });
}

/**
 * Reads the file at `path` from offset 0 into `target` until `target` is full or the file ends;
 * resolves with the bytes read. Rejects with the node:fs error (`code` ENOENT, ...).
 */
export async function readFileInto(path: string, target: Uint8Array, flags: number): Promise<number> {
  const fd = await openFile(path, flags, 0);
  return new Promise((resolve, reject) => {
    const step = (filled: number): void => {
      if (filled === target.length) return closeThen(fd, { error: null, value: filled }, resolve, reject);
      read(fd, target, filled, target.length - filled, filled, (error, bytesRead) => {
        if (error !== null || bytesRead === 0) return closeThen(fd, { error, value: filled }, resolve, reject);
        step(filled + bytesRead);
      });
    };
    step(0);
  });
}

/** Writes all of `data` at offset 0 of the file at `path` opened with `flags` and `mode`. */
export async function writeFileWhole(path: string, data: Uint8Array, flags: number, mode: number): Promise<void> {
  const fd = await openFile(path, flags, mode);
  return new Promise((resolve, reject) => {
    const step = (written: number): void => {
      if (written === data.length) return closeThen(fd, { error: null, value: undefined }, resolve, reject);
      write(fd, data, written, data.length - written, written, (error, bytesWritten) => {
        if (error !== null) return closeThen(fd, { error, value: undefined }, resolve, reject);
        // A regular file never takes 0 of a non-empty write; retrying would spin.
        if (bytesWritten === 0) return closeThen(fd, { error: Object.assign(new Error(`write(2) of ${path} wrote nothing`), { code: 'EIO' }), value: undefined }, resolve, reject);
        step(written + bytesWritten);
      });
    };
    step(0);
  });
}

/** unlink(2); rejects with the node:fs error. */
export function unlinkFile(path: string): Promise<void> {
  return new Promise((resolve, reject) => unlink(path, (error) => (error === null ? resolve() : reject(error))));
}
