/**
 * Raft safety invariants (Raft paper figure 3), checked by the simulator after every step from a
 * god's-eye view of all replicas:
 *
 * - election safety: at most one leader per term, over the whole run;
 * - log matching, on committed prefixes: every replica's durable log agrees, up to its commit
 *   index, with the entries committed anywhere (term and data);
 * - leader completeness: when a node first leads a term, its log holds every entry committed so
 *   far (entries covered by its snapshot were checked when they were committed);
 * - state machine safety: every replica applies the same entry (term and data) at each index.
 *
 * Violations throw {@link InvariantViolationError}. Costs are incremental: each replica's log is
 * checked once per index, and a leader's log once per term it leads.
 */
import type { Entry, NodeId, RaftStatus, Storage } from '@objectbox/consensus-core';
import { InvariantViolationError } from './errors.js';

/** FNV-1a over bytes: a cheap fingerprint of entry data, enough to tell entries apart. */
export function hashBytes(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** One incarnation of a replica as the checker sees it. */
export interface CheckedReplica {
  readonly status: RaftStatus;
  /** The replica's durable log (what survives a crash). */
  readonly storage: Storage;
  /**
   * Highest index whose entry was checked against the committed log (0 for a new incarnation);
   * the checker advances it.
   */
  logCheckedThrough: number;
}

/** See the module comment. */
export class SafetyChecker {
  readonly #leaderOfTerm = new Map<number, NodeId>();
  /** Invariant: committedTerm[i] and committedHash[i] are set together, for committed index i. */
  readonly #committedTerm: number[] = [];
  readonly #committedHash: number[] = [];
  readonly #appliedTerm: number[] = [];
  readonly #appliedHash: number[] = [];
  /** The current simulated tick, for violation reports. */
  tick = 0;

  /** Highest index known committed anywhere. */
  get committedIndexMax(): number {
    return this.#committedTerm.length - 1;
  }

  /** Checks election safety, log matching and (for a new leader) leader completeness. */
  checkReplica(replica: CheckedReplica): void {
    const { status } = replica;
    this.#checkLogMatching(replica);
    if (status.role !== 'leader') return;
    const known = this.#leaderOfTerm.get(status.term);
    if (known === undefined) {
      this.#leaderOfTerm.set(status.term, status.id);
      this.#checkLeaderCompleteness(replica);
    } else if (known !== status.id) {
      this.#fail('election-safety', `nodes ${known} and ${status.id} both lead term ${status.term}`);
    }
  }

  /** Records that `nodeId` applied `entry`; checks state machine safety. */
  recordApplied(nodeId: NodeId, entry: Entry): void {
    const hash = hashBytes(entry.data);
    const term = this.#appliedTerm[entry.index];
    if (term === undefined) {
      this.#appliedTerm[entry.index] = entry.term;
      this.#appliedHash[entry.index] = hash;
    } else if (term !== entry.term || this.#appliedHash[entry.index] !== hash) {
      this.#fail('state-machine-safety', `node ${nodeId} applied term ${entry.term} at index ${entry.index}, another node applied term ${term}`);
    }
  }

  #checkLogMatching(replica: CheckedReplica): void {
    const { storage, status } = replica;
    const firstIndex = storage.firstIndex();
    const through = Math.min(status.commit, storage.lastIndex());
    const from = Math.max(replica.logCheckedThrough + 1, firstIndex);
    if (from > through) return;
    const entries = storage.entries(from as Entry['index'], (through + 1) as Entry['index'], Number.MAX_SAFE_INTEGER);
    for (const entry of entries) {
      const hash = hashBytes(entry.data);
      const term = this.#committedTerm[entry.index];
      if (term === undefined) {
        this.#committedTerm[entry.index] = entry.term;
        this.#committedHash[entry.index] = hash;
      } else if (term !== entry.term || this.#committedHash[entry.index] !== hash) {
        this.#fail('log-matching', `node ${status.id} has term ${entry.term} at committed index ${entry.index}, committed elsewhere with term ${term}`);
      }
    }
    replica.logCheckedThrough = through;
  }

  #checkLeaderCompleteness(replica: CheckedReplica): void {
    const { storage, status } = replica;
    const from = storage.firstIndex();
    const lastIndex = storage.lastIndex();
    for (let index = from; index < this.#committedTerm.length; index++) {
      const committedTerm = this.#committedTerm[index];
      if (committedTerm === undefined) continue;
      if (index > lastIndex) {
        this.#fail('leader-completeness', `leader ${status.id} of term ${status.term} lacks committed index ${index} (last index ${lastIndex})`);
      }
      const term = storage.term(index as Entry['index']);
      if (term !== committedTerm) {
        this.#fail('leader-completeness', `leader ${status.id} of term ${status.term} has term ${term} at committed index ${index}, committed with term ${committedTerm}`);
      }
    }
  }

  #fail(invariant: 'election-safety' | 'log-matching' | 'leader-completeness' | 'state-machine-safety', detail: string): never {
    throw new InvariantViolationError(invariant, this.tick, detail);
  }
}
