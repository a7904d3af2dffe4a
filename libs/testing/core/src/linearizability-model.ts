/**
 * The vocabulary of the linearizability checker: recorded operations and the sequential
 * specification (model) they are checked against. Shapes follow porcupine's `Operation` and `Model`
 * (anishathalye/porcupine model.go), with an explicit unknown outcome instead of a magic output.
 */

/**
 * How an operation ended, as the client saw it.
 *
 * `returned`: the client received `output` at `returnTimeTicks`.
 * `unknown`: the client timed out or crashed, so the operation may have taken effect at any time
 * after its call (also long after every other operation) or never; its output is unknown. The
 * checker treats it like Jepsen and porcupine treat an info/indeterminate operation: a return time
 * of +infinity, plus the option of never taking effect at all.
 */
export type OperationOutcome<Output> =
  | { readonly kind: 'returned'; readonly output: Output; readonly returnTimeTicks: number }
  | { readonly kind: 'unknown' };

/**
 * One client operation in a recorded history. Times are ticks of one simulated integer clock shared
 * by all clients; `callTimeTicks <= returnTimeTicks`. Two events at the same tick are treated as
 * concurrent (a return and a call at tick 5 may be ordered either way), the conservative reading
 * of a clock whose resolution is one tick.
 */
export interface Operation<Input, Output> {
  /** The client that issued the operation; used only for descriptions. */
  readonly clientId: number;
  readonly input: Input;
  readonly callTimeTicks: number;
  readonly outcome: OperationOutcome<Output>;
}

/** The result of applying one operation to a model state. */
export interface ModelStepResult<State> {
  /** False when the operation, with its observed output, is impossible in the given state. */
  readonly ok: boolean;
  /** The state after the operation; ignored when `ok` is false. */
  readonly state: State;
}

/**
 * A sequential specification of a system.
 *
 * Contract: states are immutable values (the checker keeps old states for backtracking and in its
 * cache, so `step` must return a new state instead of mutating its argument). `step` must be a
 * pure function of its arguments. For an `unknown` outcome, `step` must accept any output: it returns
 * `ok: true` with the state the operation would produce, unless the input itself is impossible in
 * `state`. Models whose next state is not determined by the state and input are not supported (wrap
 * them in a powerset-of-states model).
 */
export interface Model<State, Input, Output> {
  /** The state before any operation. */
  init(): State;
  /** Applies `input` to `state` and checks the observed outcome (see the interface contract). */
  step(state: State, input: Input, outcome: OperationOutcome<Output>): ModelStepResult<State>;
  /** State equality, used to prune search paths that reach an already explored state. */
  equal(left: State, right: State): boolean;
  /**
   * Optional 32-bit hash of a state, consistent with `equal` (equal states hash equally). Without
   * it the checker's cache buckets hold every state reached with one set of returned operations,
   * and histories with many unknown outcomes scan long buckets.
   */
  hashState?(state: State): number;
  /**
   * Splits a history into independent sub-histories (for example one per key), each checked from
   * `init()` on its own; linearizability is compositional (Herlihy and Wing 1990, theorem 1), so the
   * whole history is linearizable exactly when every part is. Must return the same operation objects,
   * each exactly once. Absent: the whole history is one part.
   */
  partition?(history: readonly Operation<Input, Output>[]): readonly (readonly Operation<Input, Output>[])[];
  /** A one-line description of an operation for counterexamples. */
  describeOperation?(operation: Operation<Input, Output>): string;
  /** A one-line description of a state for counterexamples. */
  describeState?(state: State): string;
}

/** Returns a completed operation; a small constructor that keeps test histories readable. */
export function returnedOperation<Input, Output>(fields: {
  readonly clientId: number;
  readonly input: Input;
  readonly output: Output;
  readonly callTimeTicks: number;
  readonly returnTimeTicks: number;
}): Operation<Input, Output> {
  return {
    clientId: fields.clientId,
    input: fields.input,
    callTimeTicks: fields.callTimeTicks,
    outcome: { kind: 'returned', output: fields.output, returnTimeTicks: fields.returnTimeTicks },
  };
}

/** Returns an operation whose outcome the client never learned (timeout, crash, lost connection). */
export function unknownOperation<Input, Output>(fields: {
  readonly clientId: number;
  readonly input: Input;
  readonly callTimeTicks: number;
}): Operation<Input, Output> {
  return { clientId: fields.clientId, input: fields.input, callTimeTicks: fields.callTimeTicks, outcome: { kind: 'unknown' } };
}
