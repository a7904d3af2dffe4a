/**
 * A linearizability checker over recorded client histories, in the style of porcupine
 * (anishathalye/porcupine) and Knossos: partition the history with the model, then search each
 * partition for a linearization (see linearizability-search.ts).
 *
 * The cost is bounded by a budget of model steps rather than wall time, so a check gives the same
 * verdict on a fast laptop and a loaded CI machine, and so this package stays free of clocks.
 */
import { assert } from '@objectbox/util';
import { InvalidHistoryError } from './errors.js';
import type { Model, Operation } from './linearizability-model.js';
import { searchLinearization, type SearchBudget } from './linearizability-search.js';

/** Options of {@link checkLinearizability}. */
export interface LinearizabilityCheckOptions {
  /**
   * The most model `step` calls the whole check may make, across all partitions. Exceeding it
   * yields an `unknown` verdict. A history of n operations with concurrency c needs roughly n * c
   * steps when linearizable; pathological histories can need exponentially many.
   */
  readonly stepCountMax: number;
}

/** Why a history is not linearizable: the deepest point the search reached, in one partition. */
export interface LinearizabilityCounterexample<Input, Output> {
  /** Index of the failing partition in the order `Model.partition` returned it (0 when absent). */
  readonly partitionIndex: number;
  /** History indices of the longest linearizable sequence found, in linearization order. */
  readonly longestPrefixIndices: readonly number[];
  /** History index of the operation that could not be linearized after that prefix. */
  readonly blockedOperationIndex: number;
  readonly blockedOperation: Operation<Input, Output>;
  /** Multi-line human-readable report: the prefix, the state after it and the blocked operation. */
  readonly description: string;
}

/**
 * The verdict of {@link checkLinearizability}. `stepCount` is the number of model steps taken.
 * For `linearizable`, `linearizations` holds one linearization per partition (in partition order) as
 * history indices; unknown-outcome operations that are absent from it are read as never taken.
 */
export type LinearizabilityResult<Input, Output> =
  | { readonly kind: 'linearizable'; readonly stepCount: number; readonly linearizations: readonly (readonly number[])[] }
  | {
      readonly kind: 'not-linearizable';
      readonly stepCount: number;
      readonly counterexample: LinearizabilityCounterexample<Input, Output>;
    }
  | { readonly kind: 'unknown'; readonly stepCount: number; readonly reason: 'step-budget-exhausted' };

/**
 * Checks whether `history` is linearizable with respect to `model`.
 *
 * Partitions are searched smallest first, so that a violation in a small partition is found before
 * the budget goes to a large one; a `not-linearizable` verdict wins over budget exhaustion. Throws
 * {@link InvalidHistoryError} for a malformed operation (non-integer times, return before call), and
 * an `AssertionError` when `Model.partition` breaks its contract.
 */
export function checkLinearizability<State, Input, Output>(
  model: Model<State, Input, Output>,
  history: readonly Operation<Input, Output>[],
  options: LinearizabilityCheckOptions,
): LinearizabilityResult<Input, Output> {
  history.forEach(validateOperation);
  const partitions = partitionHistory(model, history);
  const budget: SearchBudget = { stepCount: 0, stepCountMax: options.stepCountMax };
  const searchOrder = partitions.map((_, index) => index).sort((left, right) => partitions[left]!.length - partitions[right]!.length);
  const linearizations: (readonly number[])[] = new Array<readonly number[]>(partitions.length);
  for (const partitionIndex of searchOrder) {
    const indices = partitions[partitionIndex]!;
    const operations = indices.map((index) => history[index]!);
    const result = searchLinearization(model, operations, budget);
    if (result.kind === 'budget-exhausted') {
      return { kind: 'unknown', stepCount: budget.stepCount, reason: 'step-budget-exhausted' };
    }
    if (result.kind === 'not-linearizable') {
      const counterexample = describeCounterexample(model, history, {
        partitionIndex,
        longestPrefixIndices: result.longestPrefix.map((id) => indices[id]!),
        blockedOperationIndex: indices[result.blockedId]!,
        stateAfterPrefix: result.stateAfterPrefix,
      });
      return { kind: 'not-linearizable', stepCount: budget.stepCount, counterexample };
    }
    linearizations[partitionIndex] = result.linearization.map((id) => indices[id]!);
  }
  return { kind: 'linearizable', stepCount: budget.stepCount, linearizations };
}

function validateOperation<Input, Output>(operation: Operation<Input, Output>, index: number): void {
  if (!Number.isSafeInteger(operation.callTimeTicks)) {
    throw new InvalidHistoryError(index, `callTimeTicks ${operation.callTimeTicks} is not an integer`);
  }
  if (operation.outcome.kind !== 'returned') return;
  const returnTimeTicks = operation.outcome.returnTimeTicks;
  if (!Number.isSafeInteger(returnTimeTicks)) {
    throw new InvalidHistoryError(index, `returnTimeTicks ${returnTimeTicks} is not an integer`);
  }
  if (returnTimeTicks < operation.callTimeTicks) {
    throw new InvalidHistoryError(index, `returns at ${returnTimeTicks}, before its call at ${operation.callTimeTicks}`);
  }
}

/** Maps the model's partition into arrays of history indices, asserting the partition contract. */
function partitionHistory<State, Input, Output>(
  model: Model<State, Input, Output>,
  history: readonly Operation<Input, Output>[],
): number[][] {
  if (model.partition === undefined) return history.length === 0 ? [] : [history.map((_, index) => index)];
  const indexOf = new Map<Operation<Input, Output>, number>();
  history.forEach((operation, index) => {
    if (indexOf.has(operation)) throw new InvalidHistoryError(index, 'the same operation object appears twice');
    indexOf.set(operation, index);
  });
  const seen = new Set<number>();
  const partitions = model.partition(history).map((part) =>
    part.map((operation) => {
      const index = indexOf.get(operation);
      assert(index !== undefined && !seen.has(index), 'Model.partition returned a foreign or repeated operation');
      seen.add(index);
      return index;
    }),
  );
  assert(seen.size === history.length, 'Model.partition dropped operations');
  return partitions.filter((part) => part.length > 0);
}

function describeCounterexample<State, Input, Output>(
  model: Model<State, Input, Output>,
  history: readonly Operation<Input, Output>[],
  found: {
    readonly partitionIndex: number;
    readonly longestPrefixIndices: readonly number[];
    readonly blockedOperationIndex: number;
    readonly stateAfterPrefix: State;
  },
): LinearizabilityCounterexample<Input, Output> {
  const describeOperation = (index: number): string => {
    const operation = history[index]!;
    const outcome = operation.outcome;
    const returnText = outcome.kind === 'returned' ? String(outcome.returnTimeTicks) : '?';
    const body = model.describeOperation?.(operation) ?? JSON.stringify({ input: operation.input, outcome });
    return `#${index} client ${operation.clientId} [${operation.callTimeTicks}, ${returnText}] ${body}`;
  };
  const stateText = model.describeState?.(found.stateAfterPrefix) ?? JSON.stringify(found.stateAfterPrefix);
  const lines = [
    `partition ${found.partitionIndex} is not linearizable.`,
    `longest linearizable prefix (${found.longestPrefixIndices.length} operations):`,
    ...found.longestPrefixIndices.map((index) => `  ${describeOperation(index)}`),
    `state after the prefix: ${stateText}`,
    `cannot linearize (nor any operation concurrent with it first): ${describeOperation(found.blockedOperationIndex)}`,
  ];
  const blockedOperation = history[found.blockedOperationIndex]!;
  return {
    partitionIndex: found.partitionIndex,
    longestPrefixIndices: found.longestPrefixIndices,
    blockedOperationIndex: found.blockedOperationIndex,
    blockedOperation,
    description: lines.join('\n'),
  };
}
