import { encodeRegistryBatch, encodeRegistryCommand, registryBatchCommandCountMax, registryBatchHeaderBytes, type RegistryCommand, type RegistryCommandResult, type RegistryResult } from '@objectbox/cluster-manager-core';
import { RaftOverloadedError } from '@objectbox/consensus-runtime';
import { assert, AssertionError } from '@objectbox/util';

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
  /** Most commands in one batch entry: 1 to {@link registryBatchCommandCountMax}. */
  readonly batchCommandCountMax: number;
  /**
   * Most bytes of one batch entry, its header included; a command alone may be larger (up to what
   * the group accepts per entry). At most the group's entry limit (`RaftGroup.entryBytesMax`),
   * else a batch of commands that each fit could be refused whole.
   */
  readonly batchBytesMax: number;
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

  constructor(private readonly options: RegistryCommandBatcherOptions) {
    const { batchCommandCountMax, batchBytesMax, pendingCommandCountMax } = options;
    assert(Number.isSafeInteger(batchCommandCountMax) && batchCommandCountMax >= 1 && batchCommandCountMax <= registryBatchCommandCountMax, `batchCommandCountMax must be 1 to ${registryBatchCommandCountMax}`);
    assert(Number.isSafeInteger(batchBytesMax) && batchBytesMax >= 1, 'batchBytesMax must be a positive integer');
    assert(Number.isSafeInteger(pendingCommandCountMax) && pendingCommandCountMax >= 1, 'pendingCommandCountMax must be a positive integer');
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
      const batchBytes = registryBatchHeaderBytes + this.queueBytes + framedBytes;
      if (this.queue.length === this.options.batchCommandCountMax || (this.queue.length > 0 && batchBytes > this.options.batchBytesMax)) this.flush();
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
    let applied: Promise<{ result: RegistryResult; index: number }>;
    try {
      applied = this.options.propose(batch.length === 1 ? batch[0]!.command : encodeRegistryBatch(batch.map((waiting) => waiting.command)));
    } catch (error) {
      applied = Promise.reject(error);
    }
    applied.then(
      (outcome) => this.settle(batch, outcome),
      (error: unknown) => {
        this.pendingCount -= batch.length;
        for (const waiting of batch) waiting.reject(error);
      },
    );
  }

  /** Hands each command of `batch` its own result from the entry's. */
  private settle(batch: readonly WaitingCommand[], { result, index }: { result: RegistryResult; index: number }): void {
    this.pendingCount -= batch.length;
    const results = result.op === 'batch' ? result.results : [result];
    if (results.length !== batch.length) {
      // A broken invariant: the process should crash (STYLE.md §4), with no caller left waiting.
      const error = new AssertionError(`an entry of ${batch.length} commands was applied with ${results.length} results`);
      for (const waiting of batch) waiting.reject(error);
      throw error;
    }
    for (let position = 0; position < batch.length; position++) batch[position]!.resolve({ result: results[position]!, index });
  }
}
