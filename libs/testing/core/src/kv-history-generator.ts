/**
 * Generates key-value histories that are linearizable by construction, for property tests and
 * benchmarks of the linearizability checker: a real sequential execution of random operations,
 * each given a linearization point on the simulated clock and a random interval around that point.
 */
import { assert } from '@objectbox/util';
import { kvModel, type KvInput, type KvOperation, type KvOutput, type KvState } from './kv-model.js';
import type { Random } from './random.js';

/** Shape of a generated history. All counts are at least 1 unless stated. */
export interface KvHistoryGeneratorOptions {
  readonly operationCount: number;
  readonly keyCount: number;
  readonly clientCount: number;
  /** The most ticks an interval extends before (and, separately, after) its linearization point. */
  readonly intervalSpreadTicksMax: number;
  /** Probability in [0, 1] that an operation's outcome is recorded as unknown. */
  readonly unknownProbability: number;
}

/** A generated history and the values it wrote (every value a read could legally return). */
export interface GeneratedKvHistory {
  readonly history: KvOperation[];
  /** Every value that some key held at some point of the sequential execution. */
  readonly valuesHeld: ReadonlySet<string>;
}

function randomInput(random: Random, key: string, state: KvState, operationIndex: number): KvInput {
  const current = state.get(key) ?? null;
  switch (random.nextInt(4)) {
    case 0:
      return { type: 'put', key, value: `v${operationIndex}` };
    case 1:
      return { type: 'get', key };
    case 2:
      // Expect the current value half the time so that swaps happen often.
      return { type: 'compare-and-set', key, expected: random.chance(0.5) ? current : null, value: `c${operationIndex}` };
    default:
      return { type: 'append', key, suffix: `a${operationIndex};` };
  }
}

function outputOf(input: KvInput, stateBefore: KvState, stateAfter: KvState): KvOutput {
  switch (input.type) {
    case 'put':
      return { type: 'put' };
    case 'get':
      return { type: 'get', value: stateBefore.get(input.key) ?? null };
    case 'compare-and-set':
      return { type: 'compare-and-set', swapped: stateBefore !== stateAfter };
    case 'append':
      return { type: 'append', value: stateAfter.get(input.key)! };
  }
}

/**
 * Returns a history whose operations, applied in index order at strictly increasing linearization
 * points, produce exactly the recorded outputs. An unknown operation takes effect at its point or,
 * with probability one half, never. Deterministic in the state of `random`.
 */
export function generateLinearizableKvHistory(random: Random, options: KvHistoryGeneratorOptions): GeneratedKvHistory {
  assert(options.operationCount >= 0 && options.keyCount >= 1 && options.clientCount >= 1, 'invalid generator options');
  const history: KvOperation[] = [];
  const valuesHeld = new Set<string>();
  let state = kvModel.init();
  let pointTicks = options.intervalSpreadTicksMax;
  for (let operationIndex = 0; operationIndex < options.operationCount; operationIndex += 1) {
    pointTicks += 1 + random.nextInt(3);
    const key = `k${random.nextInt(options.keyCount)}`;
    const input = randomInput(random, key, state, operationIndex);
    const unknown = random.chance(options.unknownProbability);
    const takesEffect = !unknown || random.chance(0.5);
    const after = takesEffect ? kvModel.step(state, input, { kind: 'unknown' }).state : state;
    const callTimeTicks = pointTicks - random.nextInt(options.intervalSpreadTicksMax + 1);
    const returnTimeTicks = pointTicks + random.nextInt(options.intervalSpreadTicksMax + 1);
    const clientId = random.nextInt(options.clientCount);
    const outcome = unknown
      ? ({ kind: 'unknown' } as const)
      : ({ kind: 'returned', output: outputOf(input, state, after), returnTimeTicks } as const);
    history.push({ clientId, input, callTimeTicks, outcome });
    const written = after.get(key);
    if (written !== undefined) valuesHeld.add(written);
    state = after;
  }
  return { history, valuesHeld };
}
