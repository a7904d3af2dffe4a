import { encodeRegistryBatch, encodeRegistryCommand, registryBatchCommandCountMax, type RegistryCommand, type RegistryCommandResult, type RegistryResult } from '@objectbox/cluster-manager-core';
import { RaftOverloadedError } from '@objectbox/consensus-runtime';
import { assert } from '@objectbox/util';

/** Most bytes of commands one batch entry carries; a larger command goes alone. */
export const registryBatchBytesMax = 256 * 1024;

/** What a command's proposer learns: its result, and the index of the log entry that carried it. */
export interface RegistryCommandOutcome {
  readonly result: RegistryCommandResult;
  readonly index: number;
}

export interface RegistryCommandBatcherOptions {
  readonly groupId: string;
  /** Proposes one log entry (a command or a batch) and resolves once it is applied here. */
  readonly propose: (entry: Uint8Array) => Promise<{ result: RegistryResult; index: number }>;
  /** Commands accepted and not yet settled, beyond which new ones are refused (RaftOverloadedError). */
  readonly pendingCommandCountMax: number;
  readonly batchCommandCountMax?: number;
  readonly batchBytesMax?: number;
}

interface WaitingCommand {
  readonly command: Uint8Array;
  readonly resolve: (outcome: RegistryCommandOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Puts the registry commands proposed in one turn of the event loop into one log entry (a
 * registry batch), so a burst of writes (a Session's batch, concurrent calls) costs Raft one
 * proposal, one entry, one WAL record and one apply instead of one each: under raft-kv at
 * concurrency 64 those were most of every replica's work per put. Each command still gets its own
 * result; the commands of a batch share its fate (committed together, or failed with the same
 * error) and its log index, as the operations of an etcd transaction share a revision.
 *
 * Linearizable as single commands are: a batch is applied at one point of the log, between the
 * start and the end of every call it carries, its commands in the order they were proposed.
 */
export class RegistryCommandBatcher {
  private queue: WaitingCommand[] = [];
  private queueBytes = 0;
  /** Accepted and not settled: queued here or proposed and waiting for apply. */
  private pendingCount = 0;
  private flushScheduled = false;
  private readonly batchCommandCountMax: number;
  private readonly batchBytesMax: number;

  constructor(private readonly options: RegistryCommandBatcherOptions) {
    this.batchCommandCountMax = Math.min(options.batchCommandCountMax ?? registryBatchCommandCountMax, registryBatchCommandCountMax);
    this.batchBytesMax = options.batchBytesMax ?? registryBatchBytesMax;
  }

  /**
   * Validates and encodes `command` (throwing InvalidArgumentError at once when it is refused),
   * then resolves once the entry carrying it is applied, or rejects with that entry's error.
   */
  propose(command: RegistryCommand): Promise<RegistryCommandOutcome> {
    const encoded = encodeRegistryCommand(command);
    if (this.pendingCount >= this.options.pendingCommandCountMax) {
      return Promise.reject(new RaftOverloadedError(this.options.groupId, `${this.pendingCount} writes pending`));
    }
    return new Promise((resolve, reject) => {
      const framedBytes = 4 + encoded.byteLength;
      if (this.queue.length === this.batchCommandCountMax || (this.queue.length > 0 && this.queueBytes + framedBytes > this.batchBytesMax)) this.flush();
      this.queue.push({ command: encoded, resolve, reject });
      this.queueBytes += framedBytes;
      this.pendingCount++;
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(this.flushScheduledQueue);
    });
  }

  private readonly flushScheduledQueue = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  /** Proposes what is queued as one entry: the command itself when it is alone, else a batch. */
  private flush(): void {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.queueBytes = 0;
    const entry = batch.length === 1 ? batch[0]!.command : encodeRegistryBatch(batch.map((waiting) => waiting.command));
    let applied: Promise<{ result: RegistryResult; index: number }>;
    try {
      applied = this.options.propose(entry);
    } catch (error) {
      applied = Promise.reject(error);
    }
    applied.then(
      ({ result, index }) => {
        this.pendingCount -= batch.length;
        if (result.op !== 'batch') {
          assert(batch.length === 1, 'a batch entry was applied with a single result');
          batch[0]!.resolve({ result, index });
          return;
        }
        assert(result.results.length === batch.length, 'a batch entry was applied with another number of results');
        for (let position = 0; position < batch.length; position++) batch[position]!.resolve({ result: result.results[position]!, index });
      },
      (error: unknown) => {
        this.pendingCount -= batch.length;
        for (const waiting of batch) waiting.reject(error);
      },
    );
  }
}
