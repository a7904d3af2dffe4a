/**
 * Injected randomness. The core never reads a global random source: election jitter comes from a
 * {@link Random} the caller passes in, so a simulation replays exactly from one seed.
 */
import { assert } from '@objectbox/util';

/** A source of uniformly distributed integers. */
export interface Random {
  /** Returns an integer in [0, maxExclusive); `maxExclusive` is a positive safe integer ≤ 2^32. */
  nextInt(maxExclusive: number): number;
}

/**
 * xoshiro128** (Blackman and Vigna, 2018) seeded through splitmix32: small, fast and good enough
 * for jitter and simulations. Not cryptographic.
 */
export class SeededRandom implements Random {
  private readonly state = new Uint32Array(4);

  /** Seeds the generator; any safe integer works, equal seeds give equal sequences. */
  constructor(seed: number) {
    assert(Number.isSafeInteger(seed), 'seed must be a safe integer');
    let splitmixState = (seed ^ Math.floor(seed / 0x1_0000_0000)) >>> 0;
    for (let i = 0; i < 4; i++) {
      splitmixState = (splitmixState + 0x9e3779b9) >>> 0;
      let z = splitmixState;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.state[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** Returns the next 32-bit unsigned integer. */
  nextUint32(): number {
    const state = this.state;
    let s0 = state[0]!;
    let s1 = state[1]!;
    let s2 = state[2]!;
    let s3 = state[3]!;
    const result = Math.imul(rotateLeft(Math.imul(s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotateLeft(s3 >>> 0, 11);
    state[0] = s0;
    state[1] = s1;
    state[2] = s2;
    state[3] = s3;
    return result;
  }

  /** See {@link Random.nextInt}. Uses rejection sampling, so the result is unbiased. */
  nextInt(maxExclusive: number): number {
    assert(Number.isSafeInteger(maxExclusive) && maxExclusive > 0 && maxExclusive <= 0x1_0000_0000, 'bad bound');
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % maxExclusive);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % maxExclusive;
    }
  }
}

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}
