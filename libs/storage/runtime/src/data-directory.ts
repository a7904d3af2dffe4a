/**
 * The identity of a data directory: `meta.json` records the format and the cluster id, written
 * atomically when the directory is first initialised and checked on every open, so a directory
 * copied from another cluster (or mounted by mistake) is refused instead of merged.
 *
 * Layout: `<directory>/meta.json`, `<directory>/wal/*.wal`, `<directory>/snapshots/*.snap`.
 */
import {
  ClusterIdMismatchError,
  DataDirectoryInvalidError,
  joinPath,
  type StorageFileSystem,
} from '@objectbox/storage-core';
import { assert } from '@objectbox/util';
import { removeTemporaryFiles, writeFileAtomic } from './atomic-file.js';
import type { StorageLogger } from './storage-logger.js';

/** Name of the identity file. */
export const dataDirectoryMetaName = 'meta.json';
/** Sub-directory of the WAL segments. */
export const walDirectoryName = 'wal';
/** Sub-directory of the snapshots. */
export const snapshotDirectoryName = 'snapshots';

const metaFormat = 'objectbox-storage';
const metaFormatVersion = 1;

/** Content of `meta.json`. */
export interface DataDirectoryMeta {
  readonly format: typeof metaFormat;
  readonly formatVersion: number;
  readonly clusterId: string;
}

/**
 * Ensures `directory` belongs to `clusterId`: initialises an empty directory, checks an existing one.
 *
 * @throws ClusterIdMismatchError when the directory belongs to another cluster.
 * @throws DataDirectoryInvalidError when meta.json is unreadable, of another format, or missing while
 *   WAL segments or snapshots exist (never re-initialise over data).
 */
export async function openDataDirectory(
  fileSystem: StorageFileSystem,
  options: { directory: string; clusterId: string; logger: StorageLogger },
): Promise<DataDirectoryMeta> {
  assert(options.clusterId.length > 0, 'clusterId must not be empty');
  const { directory } = options;
  await fileSystem.makeDirectory(directory);
  const leftovers = await removeTemporaryFiles(fileSystem, directory);
  if (leftovers.length > 0) options.logger.info('data-directory-temporary-removed', { directory, files: leftovers });
  const raw = await fileSystem.readFile(joinPath(directory, dataDirectoryMetaName));
  if (raw === null) return initialise(fileSystem, options);
  const meta = parseMeta(directory, raw);
  if (meta.clusterId !== options.clusterId) throw new ClusterIdMismatchError(directory, options.clusterId, meta.clusterId);
  return meta;
}

async function initialise(
  fileSystem: StorageFileSystem,
  options: { directory: string; clusterId: string; logger: StorageLogger },
): Promise<DataDirectoryMeta> {
  for (const sub of [walDirectoryName, snapshotDirectoryName]) {
    const names = await fileSystem.listDirectory(joinPath(options.directory, sub));
    if (names.length > 0) {
      throw new DataDirectoryInvalidError(options.directory, 'meta-missing-with-data', `${sub}/ holds ${names.length} files but ${dataDirectoryMetaName} is missing`);
    }
  }
  const meta: DataDirectoryMeta = { format: metaFormat, formatVersion: metaFormatVersion, clusterId: options.clusterId };
  const chunks = [Buffer.from(`${JSON.stringify(meta)}\n`, 'utf8')];
  await writeFileAtomic(fileSystem, { directory: options.directory, name: dataDirectoryMetaName, chunks });
  options.logger.info('data-directory-initialised', { directory: options.directory, clusterId: options.clusterId });
  return meta;
}

function parseMeta(directory: string, raw: Uint8Array): DataDirectoryMeta {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch (error) {
    throw new DataDirectoryInvalidError(directory, 'meta-unreadable', `invalid JSON: ${(error as Error).message}`);
  }
  const candidate = parsed as Partial<DataDirectoryMeta> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.clusterId !== 'string' || candidate.clusterId === '') {
    throw new DataDirectoryInvalidError(directory, 'meta-unreadable', 'missing clusterId');
  }
  if (candidate.format !== metaFormat || candidate.formatVersion !== metaFormatVersion) {
    throw new DataDirectoryInvalidError(directory, 'format-unsupported', `format ${String(candidate.format)} v${String(candidate.formatVersion)}`);
  }
  return { format: metaFormat, formatVersion: metaFormatVersion, clusterId: candidate.clusterId };
}
