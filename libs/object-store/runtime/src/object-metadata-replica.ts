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
 * lets the log drop those entries. So an acknowledged small object is always either in the log or
 * on disk.
 */
import type { Logger } from '@objectbox/observability';
import { decodeObjectMetadataEntry, type ObjectMetadataApplyReply, type ObjectMetadataMachine } from '@objectbox/object-store-core';
import { BlobCorruptionError } from './blob-errors.js';
import type { BlobStore } from './blob-store.js';

export class ObjectMetadataReplica {
  constructor(
    private readonly machine: ObjectMetadataMachine,
    private readonly blobs: BlobStore,
    private readonly logger: Logger,
  ) {}

  /**
   * Applies one committed entry. A failure to store attached bytes (disk full, I/O error) throws:
   * the Raft runtime treats it as a persistence failure and the process restarts and re-applies
   * the entry from the log, so an acknowledged object is never silently missing.
   */
  apply(entryBytes: Uint8Array, index: number): ObjectMetadataApplyReply {
    let entry: ReturnType<typeof decodeObjectMetadataEntry>;
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
    try {
      this.blobs.writeAppliedSync(ref, bytes);
    } catch (error) {
      // The proposer hashed these very bytes: a mismatch is a bug (or replicas with different
      // chunk sizes), not a transient failure, and restarting would only repeat it.
      if (!(error instanceof BlobCorruptionError)) throw error;
      this.logger.error({ err: error, blob_id: ref.blobId, index }, 'inline object bytes do not match their blob reference; not stored');
    }
  }

  snapshot(): Uint8Array {
    return this.machine.snapshot();
  }

  restore(data: Uint8Array): void {
    this.machine.restore(data);
  }

  syncAppliedEffects(): Promise<void> {
    return this.blobs.syncApplied();
  }
}
