/**
 * A small seeded pseudo-random number generator for deterministic simulation.
 *
 * Every random choice of a simulation (message delays, drops, crash points, workload) derives from
 * one integer seed, so a failing run is replayed exactly by passing the printed seed back. The
 * generator is xoshiro128** (Blackman and Vigna, https://prng.di.unimi.it/xoshiro128starstar.c):
 * 128 bits of state, 32-bit outputs, fast with `Math.imul`, and good enough statistically for test
 * workloads. It is not cryptographic. The state is expanded from the seed with splitmix32, as the
 * xoshiro authors recommend, so that small and similar seeds still give unrelated streams.
 */
import { assert } from '@objectbox/util';

/** The largest `maxExclusive` accepted by {@link Random.nextInt}: 2^32. */
export const randomIntExclusiveMax = 0x1_0000_0000;

const twoPower32 = 0x1_0000_0000;
const twoPower53 = 2 ** 53;

/** Returns the next splitmix32 output and state; used only to expand seeds into xoshiro state. */
function splitmix32(state: number): { output: number; state: number } {
  const nextState = (state + 0x9e3779b9) | 0;
  let mixed = nextState;
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
  mixed ^= mixed >>> 16;
  return { output: mixed >>> 0, state: nextState };
}

function rotateLeft32(value: number, bitCount: number): number {
  return (value << bitCount) | (value >>> (32 - bitCount));
}

/**
 * A deterministic random stream. Not thread-safe in spirit: give each independent component its own
 * {@link Random.fork} so that adding a random call in one component does not shift the choices of
 * another.
 */
export class Random {
  // Invariant: the four words are never all zero (xoshiro's only fixed point).
  private state0: number;
  private state1: number;
  private state2: number;
  private state3: number;

  private constructor(words: readonly [number, number, number, number]) {
    [this.state0, this.state1, this.state2, this.state3] = words;
    assert((this.state0 | this.state1 | this.state2 | this.state3) !== 0, 'xoshiro state must not be all zero');
  }

  /**
   * Creates the stream for `seed`, an integer in [0, 2^53). The same seed always yields the same
   * sequence of results from every method, on every platform and Node version.
   */
  static fromSeed(seed: number): Random {
    assert(Number.isSafeInteger(seed) && seed >= 0, `seed must be a safe non-negative integer, got ${seed}`);
    const low = seed % twoPower32;
    const high = Math.floor(seed / twoPower32);
    return Random.fromWords([low, high, 0x6a09e667, 0xbb67ae85]);
  }

  /**
   * Creates a stream whose xoshiro128** state is exactly `words` (each taken modulo 2^32; not all
   * zero). For reference test vectors and snapshots; simulations should use {@link Random.fromSeed}.
   */
  static fromState(words: readonly [number, number, number, number]): Random {
    return new Random([words[0] | 0, words[1] | 0, words[2] | 0, words[3] | 0]);
  }

  /** Expands arbitrary 32-bit words through splitmix32 into a valid, well-mixed state. */
  private static fromWords(words: readonly number[]): Random {
    let mixState = 0;
    const state: [number, number, number, number] = [0, 0, 0, 0];
    for (let index = 0; index < 4; index += 1) {
      // Each output depends on every input word seen so far, so word order and value both matter.
      mixState = (mixState ^ (words[index] ?? 0)) | 0;
      const step = splitmix32(mixState);
      state[index] = step.output;
      mixState = step.state;
    }
    if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
    return new Random(state);
  }

  /** Returns the next raw output, an integer in [0, 2^32). */
  nextUint32(): number {
    const result = Math.imul(rotateLeft32(Math.imul(this.state1, 5), 7), 9) >>> 0;
    const shifted = this.state1 << 9;
    this.state2 ^= this.state0;
    this.state3 ^= this.state1;
    this.state1 ^= this.state2;
    this.state0 ^= this.state3;
    this.state2 ^= shifted;
    this.state3 = rotateLeft32(this.state3, 11);
    return result;
  }

  /**
   * Returns a uniformly distributed integer in [0, maxExclusive). `maxExclusive` must be an integer
   * in [1, 2^32]. Unbiased: draws that would favour small results are rejected and redrawn.
   */
  nextInt(maxExclusive: number): number {
    assert(
      Number.isInteger(maxExclusive) && maxExclusive >= 1 && maxExclusive <= randomIntExclusiveMax,
      `maxExclusive must be an integer in [1, 2^32], got ${maxExclusive}`,
    );
    // Accept only draws below the largest multiple of maxExclusive that fits in 32 bits.
    const acceptedCount = twoPower32 - (twoPower32 % maxExclusive);
    for (;;) {
      const draw = this.nextUint32();
      if (draw < acceptedCount) return draw % maxExclusive;
    }
  }

  /** Returns a uniformly distributed integer in [minInclusive, maxInclusive] (both ends included). */
  nextIntInRange(range: { readonly minInclusive: number; readonly maxInclusive: number }): number {
    const { minInclusive, maxInclusive } = range;
    assert(Number.isSafeInteger(minInclusive) && Number.isSafeInteger(maxInclusive), 'range ends must be integers');
    assert(minInclusive <= maxInclusive, `empty range [${minInclusive}, ${maxInclusive}]`);
    return minInclusive + this.nextInt(maxInclusive - minInclusive + 1);
  }

  /** Returns a float in [0, 1) with 53 random bits (every representable multiple of 2^-53). */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 0x400_0000 + low) / twoPower53;
  }

  /**
   * Returns true with the given probability in [0, 1]. Always consumes one float, also for 0 and 1,
   * so that changing a probability in a configuration does not shift later choices.
   */
  chance(probability: number): boolean {
    assert(probability >= 0 && probability <= 1, `probability must be in [0, 1], got ${probability}`);
    return this.nextFloat() < probability;
  }

  /** Returns a uniformly chosen element of `items`, which must not be empty. */
  pick<Item>(items: readonly Item[]): Item {
    assert(items.length > 0, 'cannot pick from an empty array');
    return items[this.nextInt(items.length)] as Item;
  }

  /** Returns a new array with the elements of `items` in uniformly random order (Fisher-Yates). */
  shuffle<Item>(items: readonly Item[]): Item[] {
    const result = items.slice();
    for (let index = result.length - 1; index > 0; index -= 1) {
      const swapIndex = this.nextInt(index + 1);
      const item = result[index] as Item;
      result[index] = result[swapIndex] as Item;
      result[swapIndex] = item;
    }
    return result;
  }

  /**
   * Returns an independent stream seeded from four outputs of this one (advancing this stream by
   * exactly four outputs). Forks of forks are fine: each child's state is a fresh hash, not a jump
   * ahead, so trees of forks do not overlap the way `jump()`-based splitting would.
   */
  fork(): Random {
    return Random.fromWords([this.nextUint32(), this.nextUint32(), this.nextUint32(), this.nextUint32()]);
  }
}
