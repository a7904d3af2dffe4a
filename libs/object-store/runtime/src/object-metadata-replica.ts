/**
 * The object-store Raft group's state machine on one replica: the pure metadata machine, plus the
 * one effect of applying an entry that carries a small object's bytes (object-store core,
 * `encodeObjectMetadataEntry`): storing them as the blob file its PutObject refers to.
 *
 * Why small objects travel in the log: the entry's WAL append is group-committed, so a burst of
 * small PUTs costs one fsync instead of a file fsync and a directory fsync each, and the bytes
 * reach every replica with the entry instead of a separate replication round. The file is written
 * on apply without fsync; the log keeps the bytes until the next snapshot (a restart re-applies the
 * entry and rewrites the file), and `syncAppliedEffects` makes the files durable before a snapshot
 * lets the log drop those entries. The file is written off the event loop (creating a file can
 * wait on the file system's journal); reads of the blob wait for it. So an acknowledged small
 * object is always either in the log or on disk.
 */
import type { Logger } from '@objectbox/observability';
import { decodeObjectMetadataEntry, type ObjectMetadataApplyReply, type ObjectMetadataEntry, type ObjectMetadataMachine } from '@objectbox/object-store-core';
import { BlobCorruptionError } from './blob-errors.js';
import type { BlobStore } from './blob-store.js';

export class ObjectMetadataReplica {
  /**
   * `onStoreFailure` hears of a small object's file that could not be written (disk full, I/O
   * error): the bytes are then only in the log, which `syncAppliedEffects` will refuse to let go
   * of; the service should restart so that re-applying the log writes them again.
   */
  constructor(
    private readonly machine: ObjectMetadataMachine,
    private readonly blobs: BlobStore,
    private readonly logger: Logger,
    private readonly onStoreFailure: (error: unknown) => void,
  ) {}

  /** Applies one committed entry, and starts storing its attached bytes (reads of them wait for it). */
  apply(entryBytes: Uint8Array, index: number): ObjectMetadataApplyReply {
    let entry: ObjectMetadataEntry;
    try {
      entry = decodeObjectMetadataEntry(entryBytes);
    } catch {
      return this.machine.apply(entryBytes, index); // answers InvalidArgument, changes nothing
    }
    const reply = this.machine.applyCommand(entry.command, index);
    if (reply.ok && entry.inlineBlob !== undefined && entry.command.op === 'PutObject') this.storeInlineBlob(entry.command.location[0]!, entry.inlineBlob, index);
    return reply;
  }

  private storeInlineBlob(ref: { blobId: string; sizeBytes: number; blake3: string }, bytes: Uint8Array, index: number): void {
    let written: Promise<void>;
    try {
      written = this.blobs.storeApplied(ref, bytes);
    } catch (error) {
      // The proposer hashed these very bytes: a mismatch is a bug (or replicas with different
      // chunk sizes), not a transient failure, and restarting would only repeat it.
      if (!(error instanceof BlobCorruptionError)) throw error;
      this.logger.error({ err: error, blob_id: ref.blobId, index }, 'inline object bytes do not match their blob reference; not stored');
      return;
    }
    written.catch((error: unknown) => this.onStoreFailure(error));
  }

  snapshot(): Uint8Array {
    return this.machine.snapshot();
  }

  snapshotChunks(): Iterable<Uint8Array> {
    return this.machine.snapshotChunks();
  }

  restore(data: Uint8Array): void {
    this.machine.restore(data);
  }

  restoreInSteps(data: Uint8Array): Iterable<void> {
    return this.machine.restoreInSteps(data);
  }

  syncAppliedEffects(): Promise<void> {
    return this.blobs.syncApplied();
  }
}
