/**
 * The set of operations already linearized on the current search path of the linearizability
 * checker. Its hash covers only operations that must be linearized (returned ones), so that sets
 * differing only in optional (unknown-outcome) operations land in one cache bucket, where
 * {@link LinearizedSet.subsumes} can compare them. The hash is maintained incrementally (Zobrist
 * hashing), so a cache lookup does not rehash the whole set as porcupine's bitset does.
 */

/** Mixes an operation id into a 32-bit Zobrist key (murmur3 fmix32 of a golden-ratio multiple). */
function zobristKey(id: number): number {
  let mixed = Math.imul(id + 1, 0x9e3779b1);
  mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
  mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
  return (mixed ^ (mixed >>> 16)) >>> 0;
}

/** A fixed-capacity bit set over operation ids in [0, capacity), some of them optional. */
export class LinearizedSet {
  // Invariant: hashValue is the XOR of zobristKey(id) over every required id in the set.
  private hashValue = 0;

  private constructor(
    private readonly words: Uint32Array,
    /** Bit set of the required ids; shared by all copies, never mutated. */
    private readonly requiredWords: Uint32Array,
  ) {}

  /** Creates an empty set for ids in [0, capacity); `isRequired(id)` says which ids count in the hash. */
  static empty(capacity: number, isRequired: (id: number) => boolean): LinearizedSet {
    const wordCount = Math.ceil(capacity / 32);
    const requiredWords = new Uint32Array(wordCount);
    for (let id = 0; id < capacity; id += 1) {
      if (isRequired(id)) requiredWords[id >>> 5]! |= 1 << (id & 31);
    }
    return new LinearizedSet(new Uint32Array(wordCount), requiredWords);
  }

  /** The 32-bit hash of the required ids in the set (sets with equal required ids hash equally). */
  get hash(): number {
    return this.hashValue;
  }

  private isRequired(id: number): boolean {
    return (this.requiredWords[id >>> 5]! & (1 << (id & 31))) !== 0;
  }

  /** Adds `id`, which must be absent. */
  add(id: number): void {
    this.words[id >>> 5]! |= 1 << (id & 31);
    if (this.isRequired(id)) this.hashValue = (this.hashValue ^ zobristKey(id)) >>> 0;
  }

  /** Removes `id`, which must be present. */
  remove(id: number): void {
    this.words[id >>> 5]! &= ~(1 << (id & 31));
    if (this.isRequired(id)) this.hashValue = (this.hashValue ^ zobristKey(id)) >>> 0;
  }

  /** Returns an independent copy. */
  clone(): LinearizedSet {
    const copy = new LinearizedSet(this.words.slice(), this.requiredWords);
    copy.hashValue = this.hashValue;
    return copy;
  }

  /**
   * True when this set is a subset of `other` and they differ only in optional ids: then every
   * way to finish a linearization from `other` also finishes one from this set, with the same state.
   * Both sets must come from one {@link LinearizedSet.empty} call (same capacity and required ids).
   */
  subsumes(other: LinearizedSet): boolean {
    if (this.hashValue !== other.hashValue) return false;
    for (let index = 0; index < this.words.length; index += 1) {
      const mine = this.words[index]!;
      const theirs = other.words[index]!;
      if ((mine & ~theirs) !== 0) return false;
      if ((theirs & ~mine & this.requiredWords[index]!) !== 0) return false;
    }
    return true;
  }
}
