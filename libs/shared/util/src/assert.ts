/**
 * Assertions for programmer errors (broken invariants), not for expected conditions.
 *
 * A failed assertion means the code is wrong; it throws an {@link AssertionError} which edges must
 * not translate into a protocol error: the process should crash and be restarted (see STYLE.md §4).
 * Expected conditions (missing key, full queue, lost peer) use typed {@link ObjectBoxError}s instead.
 */
export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

/** Throws an {@link AssertionError} with `message` unless `condition` holds. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Marks a branch the type system proves unreachable (exhaustive switches). */
export function assertNever(value: never, message = 'unexpected value'): never {
  throw new AssertionError(`${message}: ${JSON.stringify(value)}`);
}

/** True for an {@link AssertionError}, also across duplicated copies of this package. */
export function isAssertionError(value: unknown): value is AssertionError {
  return value instanceof Error && value.name === 'AssertionError';
}
