import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataDirError } from './errors.js';

/**
 * Creates `dir` (and parents) and proves it is writable by writing and removing a probe file,
 * so a read-only or misowned directory fails at start with a clear message, not on first write.
 */
export async function prepareDataDir(dir: string): Promise<void> {
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, 'probe');
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? `permission denied (${code})` : code === 'ENOTDIR' || code === 'EEXIST' ? `a path component is a file (${code})` : String((error as Error).message);
    throw new DataDirError(dir, reason);
  }
}
