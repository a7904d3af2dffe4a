/**
 * A sequential key-value store model for the linearizability checker: one register per key with
 * put, get, compare-and-set and append, partitioned by key (each key is an independent register, so
 * per-key checking is exact by the locality of linearizability).
 */
import { assert, assertNever } from '@objectbox/util';
import type { Model, ModelStepResult, Operation, OperationOutcome } from './linearizability-model.js';

/** A request to the key-value store. A missing key reads as `null`. */
export type KvInput =
  | { readonly type: 'put'; readonly key: string; readonly value: string }
  | { readonly type: 'get'; readonly key: string }
  /** Sets `value` if the current value is `expected` (`null`: the key is absent). */
  | { readonly type: 'compare-and-set'; readonly key: string; readonly expected: string | null; readonly value: string }
  /** Appends `suffix` to the current value (an absent key counts as the empty string). */
  | { readonly type: 'append'; readonly key: string; readonly suffix: string };

/**
 * A response; its `type` must equal the request's. An append's `value` is the new value when the
 * client learned it, absent when the store acknowledges appends without returning the value.
 */
export type KvOutput =
  | { readonly type: 'put' }
  | { readonly type: 'get'; readonly value: string | null }
  | { readonly type: 'compare-and-set'; readonly swapped: boolean }
  | { readonly type: 'append'; readonly value?: string };

/** The whole store: key to value; absent keys are `null`. Treated as immutable. */
export type KvState = ReadonlyMap<string, string>;

/** An operation on the key-value store. */
export type KvOperation = Operation<KvInput, KvOutput>;

const emptyState: KvState = new Map();

function withValue(state: KvState, key: string, value: string): KvState {
  return new Map(state).set(key, value);
}

function outputMatches<Output>(outcome: OperationOutcome<Output>, matches: (output: Output) => boolean): boolean {
  return outcome.kind === 'unknown' || matches(outcome.output);
}

function stepKv(state: KvState, input: KvInput, outcome: OperationOutcome<KvOutput>): ModelStepResult<KvState> {
  if (outcome.kind === 'returned') {
    assert(outcome.output.type === input.type, `a ${input.type} request got a ${outcome.output.type} response`);
  }
  const current = state.get(input.key) ?? null;
  switch (input.type) {
    case 'put':
      return { ok: true, state: withValue(state, input.key, input.value) };
    case 'get':
      return { ok: outputMatches(outcome, (output) => output.type === 'get' && output.value === current), state };
    case 'compare-and-set': {
      const swapped = current === input.expected;
      const ok = outputMatches(outcome, (output) => output.type === 'compare-and-set' && output.swapped === swapped);
      return { ok, state: swapped ? withValue(state, input.key, input.value) : state };
    }
    case 'append': {
      const value = (current ?? '') + input.suffix;
      const ok = outputMatches(outcome, (output) => output.type === 'append' && (output.value === undefined || output.value === value));
      return { ok, state: withValue(state, input.key, value) };
    }
    default:
      return assertNever(input, 'unknown key-value request');
  }
}

function equalKv(left: KvState, right: KvState): boolean {
  if (left === right) return true;
  if (left.size !== right.size) return false;
  for (const [key, value] of left) {
    if (right.get(key) !== value) return false;
  }
  return true;
}

/** FNV-1a over the string's UTF-16 code units, continuing from `hash`. */
function hashString(hash: number, text: string): number {
  let result = hash;
  for (let index = 0; index < text.length; index += 1) {
    result = Math.imul(result ^ text.charCodeAt(index), 0x01000193);
  }
  return result >>> 0;
}

/** Order-independent (XOR of per-entry hashes), so maps with equal contents hash equally. */
function hashKv(state: KvState): number {
  let result = 0;
  for (const [key, value] of state) result ^= hashString(hashString(0x811c9dc5, key), `=${value}`);
  return result >>> 0;
}

function partitionByKey(history: readonly KvOperation[]): KvOperation[][] {
  const partitions = new Map<string, KvOperation[]>();
  for (const operation of history) {
    const partition = partitions.get(operation.input.key);
    if (partition === undefined) partitions.set(operation.input.key, [operation]);
    else partition.push(operation);
  }
  return [...partitions.values()];
}

function describeInput(input: KvInput): string {
  switch (input.type) {
    case 'put':
      return `put(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})`;
    case 'get':
      return `get(${JSON.stringify(input.key)})`;
    case 'compare-and-set':
      return `compare-and-set(${JSON.stringify(input.key)}, ${JSON.stringify(input.expected)}, ${JSON.stringify(input.value)})`;
    case 'append':
      return `append(${JSON.stringify(input.key)}, ${JSON.stringify(input.suffix)})`;
    default:
      return assertNever(input);
  }
}

function describeOutput(output: KvOutput): string {
  switch (output.type) {
    case 'put':
      return 'ok';
    case 'get':
      return JSON.stringify(output.value);
    case 'compare-and-set':
      return String(output.swapped);
    case 'append':
      return output.value === undefined ? 'ok' : JSON.stringify(output.value);
    default:
      return assertNever(output);
  }
}

/**
 * The key-value model. Partitions by key in order of first appearance; each partition starts from
 * the empty store. Describes operations as `put("k", "v") -> ok`, with `-> ?` for unknown outcomes.
 */
export const kvModel: Model<KvState, KvInput, KvOutput> = {
  init: () => emptyState,
  step: stepKv,
  equal: equalKv,
  hashState: hashKv,
  partition: partitionByKey,
  describeOperation: (operation) => {
    const outcome = operation.outcome;
    return `${describeInput(operation.input)} -> ${outcome.kind === 'returned' ? describeOutput(outcome.output) : '?'}`;
  },
  describeState: (state) => JSON.stringify(Object.fromEntries(state)),
};
