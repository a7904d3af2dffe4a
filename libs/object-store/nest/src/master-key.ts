/**
 * The master key encrypting S3 access-key secrets at rest (access-key-secrets.ts): from
 * `services.objectStore.masterKey` / `OBJECTBOX_MASTER_KEY` (32 bytes as hex or base64), else read
 * from `<dataDir>/object-store/master.key`, which is generated (random, base64, mode 0600, fsynced)
 * at first start. A generated key suits one replica; replicas of one group must share the key, so
 * set OBJECTBOX_MASTER_KEY to the same value on each (or copy the file) before creating keys.
 */
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { generateMasterKey, parseMasterKey } from '@objectbox/object-store-runtime';
import { DataDirError } from '@objectbox/platform-nest';
import { nodeFileSystem, writeFileAtomic } from '@objectbox/storage-runtime';
import { isObjectBoxError } from '@objectbox/util';

const masterKeyFileName = 'master.key';

export interface LoadedMasterKey {
  readonly key: Buffer;
  /** 'config' (or its environment variable) or the key file's path. */
  readonly source: string;
  readonly generatedNow: boolean;
}

export async function loadMasterKey(options: { configured: string; objectStoreDir: string }): Promise<LoadedMasterKey> {
  if (options.configured !== '') return { key: parseMasterKey(options.configured, 'services.objectStore.masterKey (OBJECTBOX_MASTER_KEY)'), source: 'config', generatedNow: false };
  const path = join(options.objectStoreDir, masterKeyFileName);
  try {
    const stats = await stat(path).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    });
    if (stats !== undefined) {
      if (stats.size > 1024) throw new DataDirError(path, 'the master key file is larger than 1 KiB');
      if ((stats.mode & 0o077) !== 0) await chmod(path, 0o600);
      return { key: parseMasterKey(await readFile(path, 'utf8'), path), source: path, generatedNow: false };
    }
    await mkdir(options.objectStoreDir, { recursive: true });
    const key = generateMasterKey();
    // Temp file, fsync, rename, fsync of the directory: a crash never leaves a partial key behind
    // (secrets already replicated under it would be unreadable), nor a key that vanishes.
    await writeFileAtomic(nodeFileSystem, { directory: options.objectStoreDir, name: masterKeyFileName, chunks: [Buffer.from(`${key.toString('base64')}\n`)] });
    await chmod(path, 0o600);
    return { key, source: path, generatedNow: true };
  } catch (error) {
    if (isObjectBoxError(error)) throw error;
    throw new DataDirError(path, `cannot read or create the master key: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
