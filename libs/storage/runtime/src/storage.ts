/**
 * One call to open a replica's storage: check the data directory's identity, then recover the WAL
 * and open the snapshot store beneath it.
 */
import { joinPath, type StorageFileSystem } from '@objectbox/storage-core';
import { openDataDirectory, snapshotDirectoryName, walDirectoryName } from './data-directory.js';
import { nodeFileSystem } from './node-file-system.js';
import { SnapshotStore } from './snapshot-store.js';
import { stderrJsonLogger, type StorageLogger } from './storage-logger.js';
import { Wal, type WalOptions } from './wal.js';

/** Options of {@link openStorage}; sizes as in WalOptions and SnapshotStoreOptions. */
export interface StorageOptions {
  readonly directory: string;
  readonly clusterId: string;
  readonly segmentSizeBytes: number;
  readonly recordPayloadBytesMax: number;
  readonly pendingBytesMax: number;
  readonly snapshotPayloadBytesMax: number;
  readonly snapshotRetainCount: number;
  readonly fileSystem?: StorageFileSystem;
  readonly logger?: StorageLogger;
  /** See WalOptions.onRecoveredRecord: replay while the WAL is verified, in one pass. */
  readonly onRecoveredRecord?: WalOptions['onRecoveredRecord'];
}

/** An opened replica storage. Close the WAL when done (snapshots hold no open files). */
export interface Storage {
  readonly wal: Wal;
  readonly snapshots: SnapshotStore;
}

/**
 * Opens `directory` for `clusterId` (initialising it when empty).
 *
 * @throws ClusterIdMismatchError, DataDirectoryInvalidError (identity), WalCorruptionError (WAL).
 */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  const fileSystem = options.fileSystem ?? nodeFileSystem;
  const logger = options.logger ?? stderrJsonLogger;
  await openDataDirectory(fileSystem, { directory: options.directory, clusterId: options.clusterId, logger });
  const snapshots = await SnapshotStore.open({
    directory: joinPath(options.directory, snapshotDirectoryName),
    clusterId: options.clusterId,
    payloadBytesMax: options.snapshotPayloadBytesMax,
    retainCount: options.snapshotRetainCount,
    fileSystem,
    logger,
  });
  const wal = await Wal.open({
    directory: joinPath(options.directory, walDirectoryName),
    segmentSizeBytes: options.segmentSizeBytes,
    recordPayloadBytesMax: options.recordPayloadBytesMax,
    pendingBytesMax: options.pendingBytesMax,
    fileSystem,
    logger,
    ...(options.onRecoveredRecord === undefined ? {} : { onRecoveredRecord: options.onRecoveredRecord }),
  });
  return { wal, snapshots };
}
