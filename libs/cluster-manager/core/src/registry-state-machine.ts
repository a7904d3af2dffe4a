import { KvStateStore } from '@objectbox/storage-core';
import { decodeRegistryEntryBytes, type RegistryCommandBytes } from './registry-commands.js';

/** What applying a command returns to its proposer. */
export type RegistryCommandResult = { readonly op: 'put' } | { readonly op: 'delete'; readonly existed: boolean } | { readonly op: 'compare-and-set'; readonly succeeded: boolean };
/** What applying a log entry returns: a command's result, or a batch's, one per command in order. */
export type RegistryResult = RegistryCommandResult | { readonly op: 'batch'; readonly results: readonly RegistryCommandResult[] };

/**
 * Results without a payload beyond their outcome, shared: one of them is returned for every
 * command every replica applies, so they are not allocated per command. Frozen, as callers share them.
 */
const putResult: RegistryCommandResult = Object.freeze({ op: 'put' });
const deleteResults = { existed: Object.freeze({ op: 'delete', existed: true }), absent: Object.freeze({ op: 'delete', existed: false }) } as const;
const compareAndSetResults = { succeeded: Object.freeze({ op: 'compare-and-set', succeeded: true }), failed: Object.freeze({ op: 'compare-and-set', succeeded: false }) } as const;

/**
 * The registry's deterministic state machine: an ordered key-value map (KvStateStore) changed only
 * by committed commands, snapshotted as the store's own image. Shaped to be a consensus-runtime
 * `StateMachine<RegistryResult>`.
 */
export class RegistryStateMachine {
  private store = new KvStateStore();

  apply(entry: Uint8Array): RegistryResult {
    // Views into the entry's bytes; the store copies what it keeps. A batch was decoded whole
    // before any of it is applied.
    const decoded = decodeRegistryEntryBytes(entry);
    if (decoded.op !== 'batch') return this.applyCommand(decoded);
    const results: RegistryCommandResult[] = new Array(decoded.commands.length);
    for (let position = 0; position < results.length; position++) results[position] = this.applyCommand(decoded.commands[position]!);
    return { op: 'batch', results };
  }

  private applyCommand(decoded: RegistryCommandBytes): RegistryCommandResult {
    const key = decoded.key;
    switch (decoded.op) {
      case 'put':
        this.store.put(key, decoded.value);
        return putResult;
      case 'delete':
        return this.store.delete(key) ? deleteResults.existed : deleteResults.absent;
      case 'compare-and-set': {
        const matches = this.store.valueEquals(key, decoded.expected);
        if (matches) this.store.put(key, decoded.value);
        return matches ? compareAndSetResults.succeeded : compareAndSetResults.failed;
      }
    }
  }

  get(key: string): Uint8Array | undefined {
    return this.store.get(Buffer.from(key, 'utf8'));
  }

  /** Keys starting with `prefix` and after `startAfter`, in byte order, at most `limit`. */
  list(options: { prefix: string; startAfter: string; limit: number }): { items: Array<{ key: string; value: Uint8Array }>; truncated: boolean } {
    const prefix = Buffer.from(options.prefix, 'utf8');
    const after = Buffer.from(options.startAfter, 'utf8');
    const start = Buffer.compare(after, prefix) >= 0 ? Buffer.concat([after, Buffer.from([0])]) : prefix;
    const items: Array<{ key: string; value: Uint8Array }> = [];
    for (const [key, value] of this.store.range({ start })) {
      if (!key.subarray(0, prefix.length).equals(prefix)) break;
      if (items.length === options.limit) return { items, truncated: true };
      items.push({ key: key.toString('utf8'), value });
    }
    return { items, truncated: false };
  }

  get size(): number {
    return this.store.size;
  }

  snapshot(): Uint8Array {
    return this.store.toSnapshotPayload();
  }

  /** The same bytes in pieces of about 256 KiB, for the Raft group to take between event-loop turns. */
  snapshotChunks(): Iterable<Uint8Array> {
    return this.store.snapshotPayloadPieces();
  }

  /** The image of the state now, in pieces taken later while commands go on being applied. */
  captureSnapshot(): Iterable<Uint8Array> {
    return this.store.captureImage();
  }

  restore(data: Uint8Array): void {
    this.store = KvStateStore.fromSnapshotPayload(data);
  }
}
