/**
 * Durable snapshots: each `save` writes a new numbered file atomically (temp file, fsync, rename,
 * directory fsync) and only then removes snapshots beyond `retainCount`, so the previous snapshot
 * survives until the new one is durable. `loadLatest` verifies checksums and falls back to an older
 * valid snapshot when the newest is damaged, reporting what it skipped.
 */
import {
  decodeSnapshot,
  encodeSnapshot,
  isStorageError,
  joinPath,
  snapshotClusterIdBytesMax,
  snapshotMetadataBytesMax,
  type StorageFileSystem,
} from '@objectbox/storage-core';
import { assert } from '@objectbox/util';
import { removeTemporaryFiles, writeFileAtomic } from './atomic-file.js';
import { nodeFileSystem } from './node-file-system.js';
import { stderrJsonLogger, type StorageLogger } from './storage-logger.js';

/** Default largest snapshot payload accepted on load: 4 GiB. */
export const snapshotPayloadBytesDefault = 4 * 1024 * 1024 * 1024;

const snapshotFileSuffix = '.snap';
const snapshotFileNamePattern = /^(\d{20})\.snap$/;

/** Options of {@link SnapshotStore.open}. */
export interface SnapshotStoreOptions {
  /** Directory of the snapshot files; created when missing. */
  readonly directory: string;
  /** Written into every snapshot and required on load. */
  readonly clusterId: string;
  /** Larger payloads are refused on save and treated as corrupt on load. */
  readonly payloadBytesMax: number;
  /** Snapshots kept after a save, including the new one; at least 2 so a fallback exists. */
  readonly retainCount: number;
  readonly fileSystem?: StorageFileSystem;
  readonly logger?: StorageLogger;
}

/** A loaded, verified snapshot. `metadata` and `payload` are owned by the caller. */
export interface SnapshotLoaded {
  /** Save sequence number (1-based, increasing). */
  readonly sequence: number;
  readonly file: string;
  readonly metadata: Uint8Array;
  readonly payload: Uint8Array;
  /** Newer snapshot files that failed verification and were skipped, newest first. */
  readonly skipped: readonly { readonly file: string; readonly code: string; readonly message: string }[];
}

/** See the module comment. Not safe for concurrent `save` calls; the caller serialises them. */
export class SnapshotStore {
  readonly #options: Required<SnapshotStoreOptions>;
  /** Invariant: ascending sequence numbers of the snapshot files present. */
  #sequences: number[];

  private constructor(options: Required<SnapshotStoreOptions>, sequences: number[]) {
    this.#options = options;
    this.#sequences = sequences;
  }

  /** Opens the store, removing leftover temp files of interrupted saves (logged at info). */
  static async open(options: SnapshotStoreOptions): Promise<SnapshotStore> {
    const resolved: Required<SnapshotStoreOptions> = { fileSystem: nodeFileSystem, logger: stderrJsonLogger, ...options };
    assert(resolved.retainCount >= 2, 'retainCount must be >= 2 so that a previous snapshot survives');
    assert(Buffer.byteLength(resolved.clusterId) > 0 && Buffer.byteLength(resolved.clusterId) <= snapshotClusterIdBytesMax, 'clusterId length out of range');
    await resolved.fileSystem.makeDirectory(resolved.directory);
    const leftovers = await removeTemporaryFiles(resolved.fileSystem, resolved.directory);
    if (leftovers.length > 0) resolved.logger.info('snapshot-temporary-removed', { directory: resolved.directory, files: leftovers });
    const sequences = (await resolved.fileSystem.listDirectory(resolved.directory))
      .map((name) => snapshotFileNamePattern.exec(name))
      .filter((match) => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b);
    return new SnapshotStore(resolved, sequences);
  }

  /**
   * Writes a new snapshot and resolves once it is durable; then removes snapshots beyond
   * retainCount. Returns the new sequence number. Asserts metadata <= 1 MiB and payload <=
   * payloadBytesMax (callers bound their inputs). I/O errors propagate; the previous snapshots are
   * untouched then.
   */
  async save(snapshot: { metadata: Uint8Array; payload: Uint8Array }): Promise<number> {
    assert(snapshot.metadata.length <= snapshotMetadataBytesMax, 'snapshot metadata too large');
    assert(snapshot.payload.length <= this.#options.payloadBytesMax, 'snapshot payload exceeds payloadBytesMax');
    const sequence = (this.#sequences.at(-1) ?? 0) + 1;
    const chunks = encodeSnapshot({ clusterId: this.#options.clusterId, ...snapshot });
    const name = snapshotFileName(sequence);
    await writeFileAtomic(this.#options.fileSystem, { directory: this.#options.directory, name, chunks });
    this.#sequences.push(sequence);
    this.#options.logger.info('snapshot-saved', { file: name, payloadBytes: snapshot.payload.length });
    await this.#removeBeyondRetention();
    return sequence;
  }

  /**
   * The newest snapshot that verifies, or null when there is none at all. Damaged newer ones are
   * skipped (logged at warn, listed in `skipped`) and left on disk for inspection.
   *
   * @throws ClusterIdMismatchError when a snapshot belongs to another cluster (never skipped).
   * @throws SnapshotCorruptionError or ChecksumMismatchError (of the newest file) when snapshot
   *   files exist but none verifies: starting without the state would lose data.
   */
  async loadLatest(): Promise<SnapshotLoaded | null> {
    const skipped: { file: string; code: string; message: string }[] = [];
    let newestError: unknown = null;
    for (const sequence of [...this.#sequences].reverse()) {
      const file = snapshotFileName(sequence);
      try {
        return { sequence, file, ...(await this.#load(file)), skipped };
      } catch (error) {
        if (!isSkippable(error)) throw error;
        newestError ??= error;
        skipped.push({ file, code: error.code, message: error.message });
        this.#options.logger.warn('snapshot-corrupt-skipped', { file, code: error.code, message: error.message });
      }
    }
    if (newestError !== null) throw newestError;
    return null;
  }

  async #load(file: string): Promise<{ metadata: Uint8Array; payload: Uint8Array }> {
    const bytes = await this.#options.fileSystem.readFile(joinPath(this.#options.directory, file));
    assert(bytes !== null, `snapshot ${file} vanished`);
    const decoded = decodeSnapshot(bytes, {
      file,
      payloadBytesMax: this.#options.payloadBytesMax,
      clusterIdExpected: this.#options.clusterId,
    });
    return { metadata: decoded.metadata, payload: decoded.payload };
  }

  async #removeBeyondRetention(): Promise<void> {
    const removable = this.#sequences.slice(0, Math.max(0, this.#sequences.length - this.#options.retainCount));
    if (removable.length === 0) return;
    for (const sequence of removable) await this.#options.fileSystem.removeFile(joinPath(this.#options.directory, snapshotFileName(sequence)));
    await this.#options.fileSystem.syncDirectory(this.#options.directory);
    this.#sequences = this.#sequences.slice(removable.length);
  }
}

function isSkippable(error: unknown): error is Error & { code: string } {
  return isStorageError(error) && (error.code === 'SnapshotCorruption' || error.code === 'ChecksumMismatch');
}

/** File name of snapshot `sequence`: 20 zero-padded digits, so name order is sequence order. */
export function snapshotFileName(sequence: number): string {
  return `${String(sequence).padStart(20, '0')}${snapshotFileSuffix}`;
}
