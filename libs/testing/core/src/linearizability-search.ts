/**
 * The Wing-Gong-Lowe search for a linearization of one partition of a history, as in porcupine
 * (anishathalye/porcupine checker.go `checkSingle`): call and return events sit in one doubly linked
 * list sorted by time; the search repeatedly picks a call that precedes the first pending return,
 * applies it to the model and, if the model accepts it and the pair (set of linearized operations,
 * state) was not explored before, lifts the call and its return out of the list and restarts from
 * the head. Reaching a return event means no pending call can go next: backtrack. The cache of
 * explored pairs is Lowe's improvement ("Testing for linearizability", 2017) that makes the search
 * practical.
 *
 * Difference from porcupine: operations with an unknown outcome are optional. The search succeeds as
 * soon as every returned operation is linearized, so an unknown operation may be linearized
 * anywhere after its call or left out (it never took effect). Two sound prunings keep many unknown
 * outcomes from blowing up the search: the cache treats a pair as explored when a stored pair has
 * the same state and a subset of the linearized operations lacking only unknown ones, and an
 * unknown operation that would not change the state is never linearized.
 */
import { assert } from '@objectbox/util';
import { LinearizedSet } from './linearizability-bitset.js';
import type { Model, Operation } from './linearizability-model.js';

/** A call or return event in the search list. */
interface EventNode {
  /** Index of the operation within the partition, or -1 for the list head. */
  readonly id: number;
  /** For a call event, its return event; null for return events and the head. */
  readonly match: EventNode | null;
  previous: EventNode | null;
  next: EventNode | null;
}

/** The model-step budget shared by all partitions of one check. */
export interface SearchBudget {
  stepCount: number;
  readonly stepCountMax: number;
}

/** The outcome of searching one partition; ids index the partition's operation array. */
export type SearchResult<State> =
  | { readonly kind: 'linearizable'; readonly linearization: readonly number[] }
  | {
      readonly kind: 'not-linearizable';
      /** The longest sequence of operations the search managed to linearize. */
      readonly longestPrefix: readonly number[];
      /** The model state after `longestPrefix`. */
      readonly stateAfterPrefix: State;
      /** The operation whose return ended that path: nothing pending could be linearized before it. */
      readonly blockedId: number;
    }
  | { readonly kind: 'budget-exhausted' };

interface SortableEvent {
  readonly id: number;
  readonly isCall: boolean;
  readonly timeTicks: number;
}

function compareEvents(left: SortableEvent, right: SortableEvent): number {
  if (left.timeTicks !== right.timeTicks) return left.timeTicks < right.timeTicks ? -1 : 1;
  // Calls before returns at the same tick: events in one tick count as concurrent.
  if (left.isCall !== right.isCall) return left.isCall ? -1 : 1;
  return left.id - right.id;
}

/** Builds the event list; returns its head sentinel. Unknown outcomes return at +infinity. */
function buildEventList<Input, Output>(operations: readonly Operation<Input, Output>[]): EventNode {
  const events: SortableEvent[] = [];
  operations.forEach((operation, id) => {
    const outcome = operation.outcome;
    const returnTimeTicks = outcome.kind === 'returned' ? outcome.returnTimeTicks : Number.POSITIVE_INFINITY;
    events.push({ id, isCall: true, timeTicks: operation.callTimeTicks });
    events.push({ id, isCall: false, timeTicks: returnTimeTicks });
  });
  events.sort(compareEvents);
  const returnNodes = operations.map((_, id): EventNode => ({ id, match: null, previous: null, next: null }));
  const head: EventNode = { id: -1, match: null, previous: null, next: null };
  let tail = head;
  for (const event of events) {
    const returnNode = returnNodes[event.id]!;
    const node = event.isCall ? { id: event.id, match: returnNode, previous: null, next: null } : returnNode;
    node.previous = tail;
    tail.next = node;
    tail = node;
  }
  return head;
}

/** Removes a call and its return from the list. A return always follows its call. */
function lift(call: EventNode): void {
  call.previous!.next = call.next;
  call.next!.previous = call.previous;
  const returned = call.match!;
  returned.previous!.next = returned.next;
  if (returned.next !== null) returned.next.previous = returned.previous;
}

/** Undoes the matching {@link lift}; lifts must be undone in reverse order. */
function unlift(call: EventNode): void {
  const returned = call.match!;
  returned.previous!.next = returned;
  if (returned.next !== null) returned.next.previous = returned;
  call.previous!.next = call;
  call.next!.previous = call;
}

interface CacheEntry<State> {
  readonly linearized: LinearizedSet;
  readonly state: State;
}

/**
 * The explored (linearized set, state) pairs, bucketed by the hash of the set's required ids.
 *
 * Every stored pair is either fully explored without success or on the current search path (whose
 * exploration will cover its subtree), so a new pair subsumed by a stored one cannot lead anywhere
 * new: with equal state and a subset that lacks only optional operations, the stored pair has every
 * option the new one has. With no unknown outcomes this is exactly porcupine's equality check.
 */
class ExploredCache<State> {
  private readonly buckets = new Map<number, CacheEntry<State>[]>();

  constructor(private readonly model: Pick<Model<State, unknown, unknown>, 'equal' | 'hashState'>) {}

  /** Records the pair unless a stored pair subsumes it; returns whether it was new. Copies `linearized`. */
  addIfNew(linearized: LinearizedSet, state: State): boolean {
    const stateHash = this.model.hashState?.(state) ?? 0;
    const key = (Math.imul(linearized.hash, 0x01000193) ^ stateHash) >>> 0;
    const bucket = this.buckets.get(key);
    if (bucket === undefined) {
      this.buckets.set(key, [{ linearized: linearized.clone(), state }]);
      return true;
    }
    for (const entry of bucket) {
      if (entry.linearized.subsumes(linearized) && this.model.equal(entry.state, state)) return false;
    }
    bucket.push({ linearized: linearized.clone(), state });
    return true;
  }
}

/** One linearized operation on the search path, with what is needed to undo it. */
interface PathEntry<State> {
  readonly call: EventNode;
  readonly stateBefore: State;
  /** The pass in which the call was chosen, restored on backtracking. */
  readonly pass: CandidatePass;
}

/**
 * Which calls a walk over the list considers. Each search node tries calls of returned operations
 * first and calls of unknown ones in a second walk, so that sets with fewer unknown operations reach
 * the cache first and subsume the larger ones met later.
 */
type CandidatePass = 'returned' | 'unknown';

/** The mutable state of one partition's search, kept in one place so each step reads as a short method. */
class LinearizationSearch<State, Input, Output> {
  private readonly head: EventNode;
  private readonly linearized: LinearizedSet;
  private readonly cache: ExploredCache<State>;
  private readonly path: PathEntry<State>[] = [];
  private readonly returnedCount: number;
  private linearizedReturnedCount = 0;
  private longest: { prefix: number[]; state: State; blockedId: number } | null = null;
  private state: State;
  private entry: EventNode | null;
  private pass: CandidatePass = 'returned';

  constructor(
    private readonly model: Model<State, Input, Output>,
    private readonly operations: readonly Operation<Input, Output>[],
    private readonly budget: SearchBudget,
  ) {
    this.returnedCount = operations.filter((operation) => isReturned(operation)).length;
    this.head = buildEventList(operations);
    this.linearized = LinearizedSet.empty(operations.length, (id) => isReturned(operations[id]!));
    this.cache = new ExploredCache<State>(model as Pick<Model<State, unknown, unknown>, 'equal' | 'hashState'>);
    this.state = model.init();
    this.entry = this.head.next;
  }

  run(): SearchResult<State> {
    while (this.linearizedReturnedCount < this.returnedCount) {
      // Some returned operation is pending, so its return event keeps the list non-empty.
      const entry = this.entry;
      assert(entry !== null, 'linearizability search walked off the event list');
      if (entry.match === null) {
        if (this.pass === 'returned') {
          this.restartWalk('unknown');
          continue;
        }
        if (!this.backtrack(entry)) return { kind: 'not-linearizable', ...notLinearizable(this.longest!) };
        continue;
      }
      const operation = this.operations[entry.id]!;
      if (isReturned(operation) !== (this.pass === 'returned')) {
        this.entry = entry.next;
        continue;
      }
      if (this.budget.stepCount >= this.budget.stepCountMax) return { kind: 'budget-exhausted' };
      if (!this.tryLinearize(entry, operation)) this.entry = entry.next;
    }
    return { kind: 'linearizable', linearization: this.path.map((step) => step.call.id) };
  }

  private restartWalk(pass: CandidatePass): void {
    this.pass = pass;
    this.entry = this.head.next;
  }

  /** Applies the call's operation; on a new (set, state) pair, lifts it and restarts the walk. */
  private tryLinearize(call: EventNode, operation: Operation<Input, Output>): boolean {
    this.budget.stepCount += 1;
    const result = this.model.step(this.state, operation.input, operation.outcome);
    if (!result.ok || isSkippableNoOp(this.model, operation, this.state, result.state)) return false;
    this.linearized.add(call.id);
    if (!this.cache.addIfNew(this.linearized, result.state)) {
      this.linearized.remove(call.id);
      return false;
    }
    this.path.push({ call, stateBefore: this.state, pass: this.pass });
    this.state = result.state;
    if (isReturned(operation)) this.linearizedReturnedCount += 1;
    lift(call);
    this.restartWalk('returned');
    return true;
  }

  /**
   * At a return event no remaining candidate works: the operation returning here had to be
   * linearized before anything later. Undoes the last choice and resumes after it; false when the
   * path is empty, so the partition is not linearizable.
   */
  private backtrack(returnEvent: EventNode): boolean {
    if (this.longest === null || this.path.length > this.longest.prefix.length) {
      this.longest = { prefix: this.path.map((step) => step.call.id), state: this.state, blockedId: returnEvent.id };
    }
    const top = this.path.pop();
    if (top === undefined) return false;
    this.state = top.stateBefore;
    this.pass = top.pass;
    this.linearized.remove(top.call.id);
    if (isReturned(this.operations[top.call.id]!)) this.linearizedReturnedCount -= 1;
    unlift(top.call);
    this.entry = top.call.next;
    return true;
  }
}

function isReturned<Input, Output>(operation: Operation<Input, Output>): boolean {
  return operation.outcome.kind === 'returned';
}

/** Searches for a linearization of `operations` within `budget` model steps. */
export function searchLinearization<State, Input, Output>(
  model: Model<State, Input, Output>,
  operations: readonly Operation<Input, Output>[],
  budget: SearchBudget,
): SearchResult<State> {
  return new LinearizationSearch(model, operations, budget).run();
}

/**
 * True for an unknown-outcome operation that would leave the state unchanged. Linearizing it is
 * never necessary: leaving it out reaches the same state with more options, and the search may
 * always leave unknown operations out. Pruning it keeps failed reads and compare-and-sets of
 * timed-out clients from multiplying the search space.
 */
function isSkippableNoOp<State, Input, Output>(
  model: Model<State, Input, Output>,
  operation: Operation<Input, Output>,
  stateBefore: State,
  stateAfter: State,
): boolean {
  return operation.outcome.kind === 'unknown' && model.equal(stateBefore, stateAfter);
}

function notLinearizable<State>(longest: { prefix: number[]; state: State; blockedId: number }): {
  longestPrefix: readonly number[];
  stateAfterPrefix: State;
  blockedId: number;
} {
  return { longestPrefix: longest.prefix, stateAfterPrefix: longest.state, blockedId: longest.blockedId };
}
