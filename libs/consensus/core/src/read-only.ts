/**
 * Pending ReadIndex requests on the leader (Raft thesis §6.4). Each request records the commit
 * index when it arrived; once a quorum acknowledges a heartbeat carrying its context, the leader
 * knows it was still leader then, and reads at that index are linearizable.
 * Modelled on etcd-io/raft read_only.go.
 */
import { assert } from '@objectbox/util';
import type { LogIndex, NodeId } from './types.js';

/** One pending request: who asked (`from`, possibly the leader itself) and the index to answer. */
export interface ReadIndexStatus {
  readonly context: Uint8Array;
  readonly from: NodeId;
  readonly index: LogIndex;
  readonly acknowledgements: Set<NodeId>;
}

/** Pending ReadIndex requests in arrival order, keyed by context. */
export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexStatus>();
  /** Invariant: holds exactly the keys of `pending`, in arrival order. */
  private readonly queue: string[] = [];

  constructor(readonly pendingCountMax: number) {}

  get count(): number {
    return this.queue.length;
  }

  /** Adds a request unless one with the same context is pending. Asserts the limit was checked. */
  addRequest(options: { index: LogIndex; from: NodeId; context: Uint8Array }): void {
    const key = contextKey(options.context);
    if (this.pending.has(key)) return;
    assert(this.queue.length < this.pendingCountMax, 'read index queue is full');
    this.pending.set(key, { ...options, acknowledgements: new Set() });
    this.queue.push(key);
  }

  /** Records that `from` acknowledged the heartbeat for `context`; returns the acknowledgers. */
  receiveAcknowledgement(from: NodeId, context: Uint8Array): ReadonlySet<NodeId> | undefined {
    const status = this.pending.get(contextKey(context));
    if (status === undefined) return undefined;
    status.acknowledgements.add(from);
    return status.acknowledgements;
  }

  /** Removes and returns every request up to and including the one for `context`. */
  advance(context: Uint8Array): ReadIndexStatus[] {
    const key = contextKey(context);
    const position = this.queue.indexOf(key);
    if (position === -1) return [];
    const keys = this.queue.splice(0, position + 1);
    return keys.map((each) => {
      const status = this.pending.get(each)!;
      this.pending.delete(each);
      return status;
    });
  }

  /** Drops every pending request (leadership changed: they can no longer be confirmed). */
  clear(): void {
    this.pending.clear();
    this.queue.length = 0;
  }

  /** The context of the newest pending request, to attach to heartbeats. */
  lastPendingContext(): Uint8Array | undefined {
    const key = this.queue.at(-1);
    return key === undefined ? undefined : this.pending.get(key)!.context;
  }
}

function contextKey(context: Uint8Array): string {
  let key = '';
  for (const byte of context) key += byte.toString(16).padStart(2, '0');
  return key;
}
