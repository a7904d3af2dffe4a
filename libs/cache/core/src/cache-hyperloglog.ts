/**
 * HyperLogLog sketches in Redis's own byte format (redis/redis src/hyperloglog.c, Redis 7.0), so a
 * value moves between this cache and redis-server unchanged (GET/SET, DUMP/RESTORE) and PFCOUNT gives
 * the same numbers for the same elements.
 *
 * Layout: a 16-byte header (`HYLL`, encoding byte 0 = dense / 1 = sparse, 3 unused bytes, then the
 * cached cardinality as 64-bit little endian whose top bit set means "stale") and the registers:
 * - dense: 16384 registers of 6 bits, packed from each byte's least significant bit (12288 bytes);
 * - sparse: run-length opcodes, ZERO `00xxxxxx` (1..64 zero registers), XZERO `01xxxxxx yyyyyyyy`
 *   (1..16384 zero registers), VAL `1vvvvvxx` (1..4 registers of value 1..32).
 * A new sketch is sparse; it turns dense when a register needs a value above 32 or the sparse form
 * would grow past `hll-sparse-max-bytes`, and never goes back.
 *
 * Elements are hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits pick the register, the
 * position of the first set bit in the remaining 50 (plus one) is the candidate value. PFCOUNT is
 * Otmar Ertl's estimator ("New cardinality estimation algorithms for HyperLogLog sketches",
 * arXiv:1702.01284), which Redis uses since 5.0.
 *
 * Malformed sparse data is reported (-1 / null / `invalid`), never thrown on and never read out of
 * bounds: a byte past the end reads as 0, like the NUL that terminates every sds string in Redis. As in
 * Redis since the CVE-2025-32023 fix, a scan stops at the first opcode that would pass register 16384
 * (the sketch is then invalid), so no scan reads more than 16384 opcodes whatever the value's size.
 */

export const hllRegisterCount = 16384;
const hllIndexBits = 14;
const hllIndexMask = hllRegisterCount - 1;
/** Hash bits left after the register index (HLL_Q). */
const hllQ = 64 - hllIndexBits;
const hllRegisterBits = 6;
const hllRegisterMax = (1 << hllRegisterBits) - 1;
export const hllHeaderBytes = 16;
export const hllDenseBytes = hllHeaderBytes + (hllRegisterCount * hllRegisterBits) / 8;
const hllEncodingDense = 0;
const hllEncodingSparse = 1;
const sparseValueMax = 32;
const sparseValueRunMax = 4;
const sparseZeroRunMax = 64;
const sparseXzeroRunMax = 16384;
/** 0.5 / ln(2): Ertl's alpha for m → ∞ (HLL_ALPHA_INF). */
const hllAlphaInfinity = 0.7213475204444817; // Redis writes 0.721347520444481703680: the same double
/** Redis's default `hll-sparse-max-bytes`. */
export const hllSparseBytesMaxDefault = 3000;

export type HllEncoding = 'dense' | 'sparse';

const murmurMultiplier = 0xc6a4a7935bd1e995n;
const hllHashSeed = 0xadc83b19n;
const mask64 = 0xffffffffffffffffn;

/** MurmurHash64A as Redis has it (little-endian reads, any length). */
export function murmurHash64A(bytes: Uint8Array, seed: bigint): bigint {
  const length = bytes.length;
  let hash = (seed ^ (BigInt(length) * murmurMultiplier)) & mask64;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const wholeEnd = length - (length & 7);
  for (let offset = 0; offset < wholeEnd; offset += 8) {
    let k = view.getBigUint64(offset, true);
    k = (k * murmurMultiplier) & mask64;
    k ^= k >> 47n;
    k = (k * murmurMultiplier) & mask64;
    hash ^= k;
    hash = (hash * murmurMultiplier) & mask64;
  }
  const tail = length & 7;
  if (tail > 0) {
    for (let index = tail - 1; index >= 0; index--) hash ^= BigInt(bytes[wholeEnd + index] as number) << BigInt(index * 8);
    hash = (hash * murmurMultiplier) & mask64;
  }
  hash ^= hash >> 47n;
  hash = (hash * murmurMultiplier) & mask64;
  hash ^= hash >> 47n;
  return hash;
}

const murmurMultiplierHigh = 0xc6a4a793;
const murmurMultiplierLow = 0x5bd1e995;

/** (high, low) × m mod 2^64 in 32-bit halves, m being MurmurHash64A's multiplier: [high, low]. */
function multiplyByMurmurMultiplier(high: number, low: number): [number, number] {
  const a0 = low & 0xffff;
  const a1 = low >>> 16;
  const b0 = murmurMultiplierLow & 0xffff;
  const b1 = murmurMultiplierLow >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const middle = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const resultLow = ((middle << 16) | (p00 & 0xffff)) >>> 0;
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(middle / 0x10000);
  const resultHigh = (carry + Math.imul(high, murmurMultiplierLow) + Math.imul(low, murmurMultiplierHigh)) >>> 0;
  return [resultHigh, resultLow];
}

/**
 * hllPatLen: the register an element falls in and the length of its `000..1` pattern (1..51).
 * MurmurHash64A (seed 0xadc83b19) computed on 32-bit halves: the same value as
 * {@link murmurHash64A}, without a BigInt per step (PFADD hashes every element).
 */
export function hllPatternOf(element: Uint8Array): { index: number; count: number } {
  const length = element.length;
  let [high, low] = multiplyByMurmurMultiplier(0, length);
  // seed ^ (len * m): a length above 2^32 is impossible (512 MiB arguments).
  low = (low ^ 0xadc83b19) >>> 0;
  const wholeEnd = length - (length & 7);
  for (let offset = 0; offset < wholeEnd; offset += 8) {
    const kLow = ((element[offset] as number) | ((element[offset + 1] as number) << 8) | ((element[offset + 2] as number) << 16) | ((element[offset + 3] as number) << 24)) >>> 0;
    const kHigh = ((element[offset + 4] as number) | ((element[offset + 5] as number) << 8) | ((element[offset + 6] as number) << 16) | ((element[offset + 7] as number) << 24)) >>> 0;
    let [k1, k0] = multiplyByMurmurMultiplier(kHigh, kLow);
    k0 = (k0 ^ (k1 >>> 15)) >>> 0;
    [k1, k0] = multiplyByMurmurMultiplier(k1, k0);
    [high, low] = multiplyByMurmurMultiplier((high ^ k1) >>> 0, (low ^ k0) >>> 0);
  }
  const tail = length & 7;
  if (tail > 0) {
    for (let index = tail - 1; index >= 0; index--) {
      const byte = element[wholeEnd + index] as number;
      if (index >= 4) high = (high ^ (byte << ((index - 4) * 8))) >>> 0;
      else low = (low ^ (byte << (index * 8))) >>> 0;
    }
    [high, low] = multiplyByMurmurMultiplier(high, low);
  }
  low = (low ^ (high >>> 15)) >>> 0;
  [high, low] = multiplyByMurmurMultiplier(high, low);
  low = (low ^ (high >>> 15)) >>> 0;
  const index = low & hllIndexMask;
  // The 50 bits above the index, with bit 50 set so that the count stops at Q + 1.
  const restLow = low >>> hllIndexBits;
  let trailingZeros: number;
  if (restLow !== 0) trailingZeros = 31 - Math.clz32(restLow & -restLow);
  else if (high !== 0) trailingZeros = 32 - hllIndexBits + (31 - Math.clz32(high & -high));
  else trailingZeros = hllQ;
  return { index, count: trailingZeros + 1 };
}

/** hllPatLen as Redis writes it, on BigInts (the reference {@link hllPatternOf} is tested against). */
export function hllPatternOfReference(element: Uint8Array): { index: number; count: number } {
  const hash = murmurHash64A(element, hllHashSeed);
  const index = Number(hash & BigInt(hllIndexMask));
  const rest = (hash >> BigInt(hllIndexBits)) | (1n << BigInt(hllQ));
  let count = 1;
  for (let bit = 1n; (rest & bit) === 0n; bit <<= 1n) count++;
  return { index, count };
}

/** isHLLObjectOrReply's checks on a string value: the encoding, or null when it is no HyperLogLog. */
export function hllEncodingOf(bytes: Uint8Array): HllEncoding | null {
  if (bytes.length < hllHeaderBytes) return null;
  if (bytes[0] !== 0x48 || bytes[1] !== 0x59 || bytes[2] !== 0x4c || bytes[3] !== 0x4c) return null;
  const encoding = bytes[4] as number;
  if (encoding === hllEncodingDense) return bytes.length === hllDenseBytes ? 'dense' : null;
  if (encoding === hllEncodingSparse) return 'sparse';
  return null;
}

function byteAt(bytes: Uint8Array, offset: number, end: number): number {
  return offset < end ? (bytes[offset] as number) : 0;
}

function denseRegister(bytes: Uint8Array, index: number): number {
  const bitOffset = index * hllRegisterBits;
  const byte = hllHeaderBytes + (bitOffset >>> 3);
  const shift = bitOffset & 7;
  const b0 = bytes[byte] as number;
  const b1 = byte + 1 < hllDenseBytes ? (bytes[byte + 1] as number) : 0;
  return ((b0 >>> shift) | (b1 << (8 - shift))) & hllRegisterMax;
}

function setDenseRegister(bytes: Uint8Array, index: number, value: number): void {
  const bitOffset = index * hllRegisterBits;
  const byte = hllHeaderBytes + (bitOffset >>> 3);
  const shift = bitOffset & 7;
  bytes[byte] = ((bytes[byte] as number) & ~(hllRegisterMax << shift) & 0xff) | ((value << shift) & 0xff);
  if (byte + 1 < hllDenseBytes) {
    bytes[byte + 1] = ((bytes[byte + 1] as number) & ~(hllRegisterMax >>> (8 - shift)) & 0xff) | (value >>> (8 - shift));
  }
}

/** One sparse opcode at `offset`: its kind, the registers it covers, its value and its size. */
interface SparseOpcode {
  readonly kind: 'zero' | 'xzero' | 'val';
  readonly run: number;
  readonly value: number;
  readonly bytes: number;
}

function sparseOpcodeAt(bytes: Uint8Array, offset: number, end: number): SparseOpcode {
  const byte = bytes[offset] as number;
  if ((byte & 0xc0) === 0) return { kind: 'zero', run: (byte & 0x3f) + 1, value: 0, bytes: 1 };
  if ((byte & 0xc0) === 0x40) return { kind: 'xzero', run: (((byte & 0x3f) << 8) | byteAt(bytes, offset + 1, end)) + 1, value: 0, bytes: 2 };
  return { kind: 'val', run: (byte & 0x3) + 1, value: ((byte >>> 2) & 0x1f) + 1, bytes: 1 };
}

/** The registers the opcode at `offset` covers: ZERO 1..64, XZERO 1..16384, VAL 1..4 (no object: the scans' hot path). */
function sparseRunAt(bytes: Uint8Array, offset: number, end: number): number {
  const byte = bytes[offset] as number;
  if ((byte & 0xc0) === 0) return (byte & 0x3f) + 1;
  if ((byte & 0xc0) === 0x40) return (((byte & 0x3f) << 8) | byteAt(bytes, offset + 1, end)) + 1;
  return (byte & 0x3) + 1;
}

/** The size of the opcode starting with `byte`: 2 for XZERO, else 1. */
function sparseOpcodeBytes(byte: number): number {
  return (byte & 0xc0) === 0x40 ? 2 : 1;
}

/** The register value of the opcode starting with `byte`: 1..32 for VAL, 0 for ZERO and XZERO. */
function sparseValueOf(byte: number): number {
  return (byte & 0x80) === 0 ? 0 : ((byte >>> 2) & 0x1f) + 1;
}

/**
 * PFDEBUG DECODE's longest text for a valid sketch: at most 16384 opcodes (each covers a register at
 * least), each at most 7 characters (`v:32,4`, `Z:16384`) and a space. A longer text is corrupt data.
 */
const hllDecodeTextBytesMax = hllRegisterCount * 8;

function sparseValOpcode(value: number, run: number): number {
  return 0x80 | ((value - 1) << 2) | (run - 1);
}

/** ZERO or XZERO opcode bytes for `run` zero registers. */
function sparseZeroOpcodes(run: number): number[] {
  if (run > sparseZeroRunMax) return [0x40 | ((run - 1) >>> 8), (run - 1) & 0xff];
  return [run - 1];
}

/** createHLLObject: an empty sparse sketch (one XZERO opcode covering every register). */
export function hllCreate(): Buffer {
  const bytes = Buffer.alloc(hllHeaderBytes + 2 * Math.ceil(hllRegisterCount / sparseXzeroRunMax));
  bytes.write('HYLL', 0, 'latin1');
  bytes[4] = hllEncodingSparse;
  let offset = hllHeaderBytes;
  for (let left = hllRegisterCount; left > 0; left -= sparseXzeroRunMax) {
    const run = Math.min(left, sparseXzeroRunMax);
    bytes[offset++] = 0x40 | ((run - 1) >>> 8);
    bytes[offset++] = (run - 1) & 0xff;
  }
  return bytes;
}

/**
 * A sketch being changed: a private copy of the stored bytes (stored values are never changed in
 * place: an earlier reply may still reference them), grown as a sparse sketch needs.
 */

/**
 * Walks a sparse sketch's opcodes from the header to `end`, calling `visit` with each run's first
 * register, length and value. False when the runs pass or fall short of the 16384 registers; it stops
 * at the first opcode past the last one (Redis since the CVE-2025-32023 fix), so no walk reads more
 * than 16384 opcodes.
 */
function walkSparse(bytes: Buffer, end: number, visit: (first: number, run: number, value: number) => void): boolean {
  let index = 0;
  for (let offset = hllHeaderBytes; offset < end; ) {
    const byte = bytes[offset] as number;
    const run = sparseRunAt(bytes, offset, end);
    if (index + run > hllRegisterCount) return false;
    offset += sparseOpcodeBytes(byte);
    visit(index, run, sparseValueOf(byte));
    index += run;
  }
  return index === hllRegisterCount;
}
export class HllSketch {
  private bytes: Buffer;
  private length: number;

  private constructor(bytes: Buffer, length: number) {
    this.bytes = bytes;
    this.length = length;
  }

  /** A copy of a value that passed {@link hllEncodingOf}. */
  static copyOf(stored: Uint8Array): HllSketch {
    const bytes = Buffer.alloc(Math.max(stored.length, hllHeaderBytes));
    bytes.set(stored);
    return new HllSketch(bytes, stored.length);
  }

  /**
   * The stored bytes themselves, to read only (PFCOUNT of several keys, PFMERGE's sources): no change
   * method may be called on it.
   */
  static reading(stored: Buffer): HllSketch {
    return new HllSketch(stored, stored.length);
  }

  static create(): HllSketch {
    const bytes = hllCreate();
    return new HllSketch(bytes, bytes.length);
  }

  get encoding(): HllEncoding {
    return this.bytes[4] === hllEncodingDense ? 'dense' : 'sparse';
  }

  /** The sketch's bytes as a new Buffer of their exact length (to store). */
  toBuffer(): Buffer {
    return Buffer.from(this.bytes.subarray(0, this.length));
  }

  /** The bytes without a copy (to read; valid until the next change). */
  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  /** hllAdd: 1 when a register grew, 0 when not, -1 when the sparse data is corrupt. */
  add(element: Uint8Array, sparseBytesMax: number): 1 | 0 | -1 {
    const { index, count } = hllPatternOf(element);
    return this.setRegister(index, count, sparseBytesMax);
  }

  /** Raises register `index` to `count` if it is lower (hllDenseSet / hllSparseSet). */
  setRegister(index: number, count: number, sparseBytesMax: number): 1 | 0 | -1 {
    if (this.encoding === 'dense') {
      if (count <= denseRegister(this.bytes, index)) return 0;
      setDenseRegister(this.bytes, index, count);
      return 1;
    }
    return this.setSparseRegister(index, count, sparseBytesMax);
  }

  private setSparseRegister(index: number, count: number, sparseBytesMax: number): 1 | 0 | -1 {
    if (count > sparseValueMax) return this.promoteAndSet(index, count);
    const bytes = this.bytes;
    const sparseStart = hllHeaderBytes;
    let end = this.length;
    // Step 1: find the opcode covering `index`.
    let offset = sparseStart;
    let first = 0;
    let previous = -1;
    while (offset < end) {
      const run = sparseRunAt(bytes, offset, end);
      if (index <= first + run - 1) break;
      previous = offset;
      offset += sparseOpcodeBytes(bytes[offset] as number);
      first += run;
    }
    if (offset >= end) return -1;
    const opcode = sparseOpcodeAt(bytes, offset, end);
    const next = offset + opcode.bytes < end ? offset + opcode.bytes : -1;
    // Step 2: the cases that change one byte in place (A, B, C in hllSparseSet).
    let updatedInPlace = false;
    if (opcode.kind === 'val') {
      if (opcode.value >= count) return 0;
      if (opcode.run === 1) {
        bytes[offset] = sparseValOpcode(count, 1);
        updatedInPlace = true;
      }
    } else if (opcode.kind === 'zero' && opcode.run === 1) {
      bytes[offset] = sparseValOpcode(count, 1);
      updatedInPlace = true;
    }
    if (!updatedInPlace) {
      // Case D: split the opcode into up to three (XZERO-VAL-XZERO at worst, 5 bytes).
      const last = first + opcode.run - 1;
      const sequence: number[] = [];
      if (opcode.kind === 'val') {
        if (index !== first) sequence.push(sparseValOpcode(opcode.value, index - first));
        sequence.push(sparseValOpcode(count, 1));
        if (index !== last) sequence.push(sparseValOpcode(opcode.value, last - index));
      } else {
        if (index !== first) sequence.push(...sparseZeroOpcodes(index - first));
        sequence.push(sparseValOpcode(count, 1));
        if (index !== last) sequence.push(...sparseZeroOpcodes(last - index));
      }
      // Step 3: put the sequence in place of the opcode, or go dense when that would be too big.
      const delta = sequence.length - opcode.bytes;
      if (delta > 0 && this.length + delta > sparseBytesMax) return this.promoteAndSet(index, count);
      this.ensureCapacity(this.length + delta);
      const target = this.bytes;
      if (delta !== 0 && next !== -1) target.copyWithin(next + delta, next, end);
      for (let position = 0; position < sequence.length; position++) target[offset + position] = sequence[position] as number;
      end += delta;
      this.length = end;
    }
    // Step 4: merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from the previous one.
    const target = this.bytes;
    let position = previous >= 0 ? previous : sparseStart;
    let scanLeft = 5;
    while (position < end && scanLeft-- > 0) {
      const byte = target[position] as number;
      if ((byte & 0xc0) === 0x40) {
        position += 2;
        continue;
      }
      if ((byte & 0xc0) === 0) {
        position++;
        continue;
      }
      if (position + 1 < end && ((target[position + 1] as number) & 0x80) !== 0) {
        const value = ((byte >>> 2) & 0x1f) + 1;
        const nextByte = target[position + 1] as number;
        if (value === ((nextByte >>> 2) & 0x1f) + 1) {
          const run = (byte & 0x3) + 1 + (nextByte & 0x3) + 1;
          if (run <= sparseValueRunMax) {
            target[position + 1] = sparseValOpcode(value, run);
            target.copyWithin(position, position + 1, end);
            end--;
            this.length = end;
            continue;
          }
        }
      }
      position++;
    }
    this.invalidateCache();
    return 1;
  }

  private promoteAndSet(index: number, count: number): 1 | -1 {
    if (!this.toDense()) return -1;
    setDenseRegister(this.bytes, index, Math.max(count, denseRegister(this.bytes, index)));
    return 1;
  }

  private ensureCapacity(length: number): void {
    if (length <= this.bytes.length) return;
    const grown = Buffer.alloc(Math.max(length, Math.min(this.bytes.length * 2, length + 300)));
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  /** hllSparseToDense: false when the sparse data is corrupt (the sketch is then unchanged). */
  toDense(): boolean {
    if (this.encoding === 'dense') return true;
    const dense = Buffer.alloc(hllDenseBytes);
    this.bytes.copy(dense, 0, 0, hllHeaderBytes);
    dense[4] = hllEncodingDense;
    const valid = walkSparse(this.bytes, this.length, (first, run, value) => {
      if (value !== 0) for (let index = first; index < first + run; index++) setDenseRegister(dense, index, value);
    });
    if (!valid) return false;
    this.bytes = dense;
    this.length = hllDenseBytes;
    return true;
  }

  /** HLL_INVALIDATE_CACHE: sets the stale bit of the cached cardinality. */
  invalidateCache(): void {
    this.bytes[15] = (this.bytes[15] as number) | 0x80;
  }

  /** The cached cardinality, or null when it is stale (HLL_VALID_CACHE). */
  cachedCardinality(): bigint | null {
    if (((this.bytes[15] as number) & 0x80) !== 0) return null;
    return this.bytes.readBigUInt64LE(8);
  }

  /** Stores the cardinality as Redis's uint64_t (LLONG_MIN's top bit then marks the cache stale, as there). */
  setCachedCardinality(cardinality: bigint): void {
    this.bytes.writeBigUInt64LE(BigInt.asUintN(64, cardinality), 8);
  }

  /** The register histogram (reghisto), and whether the sparse data was corrupt. */
  histogram(): { histogram: Int32Array; invalid: boolean } {
    const histogram = new Int32Array(64);
    if (this.encoding === 'dense') {
      for (let index = 0; index < hllRegisterCount; index++) (histogram[denseRegister(this.bytes, index)] as number)++;
      return { histogram, invalid: false };
    }
    const valid = walkSparse(this.bytes, this.length, (_first, run, value) => {
      histogram[value] = (histogram[value] as number) + run;
    });
    return { histogram, invalid: !valid };
  }

  /** hllMerge: raises each of `max` (one byte per register) to this sketch's; false when corrupt. */
  mergeInto(max: Uint8Array): boolean {
    if (this.encoding === 'dense') {
      for (let index = 0; index < hllRegisterCount; index++) {
        const value = denseRegister(this.bytes, index);
        if (value > (max[index] as number)) max[index] = value;
      }
      return true;
    }
    return walkSparse(this.bytes, this.length, (first, run, value) => {
      if (value !== 0) for (let index = first; index < first + run; index++) if (value > (max[index] as number)) max[index] = value;
    });
  }

  /** Every register (PFDEBUG GETREG), for a dense sketch. */
  registers(): number[] {
    const registers: number[] = [];
    for (let index = 0; index < hllRegisterCount; index++) registers.push(denseRegister(this.bytes, index));
    return registers;
  }

  /**
   * PFDEBUG DECODE's text of the sparse opcodes, `z:<run>`, `Z:<run>`, `v:<value>,<run>` separated by
   * spaces, written into a Buffer grown as it goes; null once the text passes what a valid sketch can
   * give ({@link hllDecodeTextBytesMax}). Redis decodes any length (560 MB of text for a 140 MB
   * value): here such a value is reported corrupt instead of blocking the server and its memory.
   */
  decodeSparse(): Buffer | null {
    let text = Buffer.allocUnsafe(1024);
    let length = 0;
    let offset = hllHeaderBytes;
    const bytes = this.bytes;
    const end = this.length;
    while (offset < end) {
      const byte = bytes[offset] as number;
      const run = sparseRunAt(bytes, offset, end);
      offset += sparseOpcodeBytes(byte);
      const part = (byte & 0xc0) === 0 ? `z:${run}` : (byte & 0xc0) === 0x40 ? `Z:${run}` : `v:${sparseValueOf(byte)},${run}`;
      const needed = length + (length > 0 ? 1 : 0) + part.length;
      if (needed > hllDecodeTextBytesMax) return null;
      if (needed > text.length) {
        const grown = Buffer.allocUnsafe(Math.min(hllDecodeTextBytesMax, Math.max(needed, text.length * 2)));
        text.copy(grown, 0, 0, length);
        text = grown;
      }
      if (length > 0) text[length++] = 0x20;
      length += text.write(part, length, 'latin1');
    }
    return text.subarray(0, length);
  }
}

/** The register histogram of one byte per register (PFCOUNT of several keys: hllRawRegHisto). */
export function hllHistogramOfRegisters(registers: Uint8Array): Int32Array {
  const histogram = new Int32Array(64);
  for (let index = 0; index < hllRegisterCount; index++) (histogram[registers[index] as number] as number)++;
  return histogram;
}

/** hllSigma (Ertl). */
function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let zPrevious: number;
  do {
    x *= x;
    zPrevious = z;
    z += x * y;
    y += y;
  } while (zPrevious !== z);
  return z;
}

/** hllTau (Ertl). `pow(1 - x, 2)` is a product: both are the correctly rounded square. */
function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let zPrevious: number;
  do {
    x = Math.sqrt(x);
    zPrevious = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (zPrevious !== z);
  return z / 3;
}

/** hllCount's estimate from a register histogram, in the same double arithmetic as Redis. */
export function hllEstimate(histogram: Int32Array): bigint {
  const m = hllRegisterCount;
  let z = m * hllTau((m - (histogram[hllQ + 1] as number)) / m);
  for (let j = hllQ; j >= 1; j--) {
    z += histogram[j] as number;
    z *= 0.5;
  }
  z += m * hllSigma((histogram[0] as number) / m);
  // llroundl: half away from zero (the quotient is never negative). Out of long long's range (z is 0
  // when every register is 51 or more, and registers of 50 give 1.3e19) it is x86's "integer
  // indefinite", LLONG_MIN: redis-server replies -9223372036854775808 there.
  const estimate = (hllAlphaInfinity * m * m) / z;
  if (!(estimate < 2 ** 63)) return -(2n ** 63n);
  return BigInt(Math.round(estimate));
}

/** PFSELFTEST's register test repetitions (HLL_TEST_CYCLES). */
const selfTestCycles = 1000;
/**
 * PFSELFTEST's largest checkpoint. Redis goes to 10,000,000 elements (about a second in C); here the
 * estimate is checked up to 100,000, which keeps the command near a second too.
 */
export const hllSelfTestElementsMax = 100_000;

/**
 * pfselftestCommand: the dense register accessors keep what is stored and leave the neighbours
 * alone, and a sparse and a dense sketch fed the same elements agree, stay sparse while small and
 * estimate within 6 standard errors. Returns null on success, else Redis's failure text.
 */
export function hllSelfTest(nextIndex: (countExclusive: number) => number, sparseBytesMax: number): string | null {
  const registers = Buffer.alloc(hllDenseBytes);
  const expected = new Uint8Array(hllRegisterCount);
  for (let cycle = 0; cycle < selfTestCycles; cycle++) {
    for (let index = 0; index < hllRegisterCount; index++) {
      const value = nextIndex(hllRegisterMax + 1);
      expected[index] = value;
      setDenseRegister(registers, index, value);
    }
    for (let index = 0; index < hllRegisterCount; index++) {
      const value = denseRegister(registers, index);
      if (value !== expected[index]) return `TESTFAILED Register ${index} should be ${expected[index] as number} but is ${value}`;
    }
  }
  const dense = HllSketch.create();
  dense.toDense();
  const sparse = HllSketch.create();
  const relativeError = 1.04 / Math.sqrt(hllRegisterCount);
  const seedLow = nextIndex(2 ** 32);
  const seedHigh = nextIndex(2 ** 32);
  const element = Buffer.alloc(8);
  let checkpoint = 1;
  for (let count = 1; count <= hllSelfTestElementsMax; count++) {
    // ele = j ^ seed as a little-endian uint64 (j < 2^32 here).
    element.writeUInt32LE((count ^ seedLow) >>> 0, 0);
    element.writeUInt32LE(seedHigh, 4);
    dense.add(element, sparseBytesMax);
    sparse.add(element, sparseBytesMax);
    if (count !== checkpoint) continue;
    if (count < sparseBytesMax / 2 && sparse.encoding !== 'sparse') return 'TESTFAILED sparse encoding not used';
    const denseCount = hllEstimate(dense.histogram().histogram);
    if (denseCount !== hllEstimate(sparse.histogram().histogram)) return 'TESTFAILED dense/sparse disagree';
    const absoluteError = Math.abs(checkpoint - Number(denseCount));
    const maxError = count === 10 ? 1 : Math.ceil(relativeError * 6 * checkpoint);
    if (absoluteError > maxError) return `TESTFAILED Too big error. card:${checkpoint} abserr:${absoluteError}`;
    checkpoint *= 10;
  }
  return null;
}
