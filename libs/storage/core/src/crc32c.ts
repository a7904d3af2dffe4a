/**
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78), slice-by-8.
 *
 * Why CRC32C and not blake3: the WAL checksum guards against torn writes and bit rot, not against an
 * adversary, and CRC32C is what ext4, iSCSI and etcd/RocksDB use for that. node:zlib only has the
 * IEEE CRC32. The slice-by-8 variant processes 8 bytes per table round (Intel's "Slicing-by-8",
 * Kounavis & Berry 2005); measured numbers versus a pure-JS blake3 are in wal-bench.ts.
 *
 * Inputs of {@link nativeLengthMin} bytes or more go to @node-rs/crc32's native CRC32C (the same
 * function; the object store already ships it) when its prebuilt binding loads on this platform:
 * ~3,300 MB/s against ~750 MB/s here (Node 24, 2-core EPYC VM). A replica checksums every WAL
 * record and every snapshot image, ~2.5% of each raft-kv replica's CPU with this code alone.
 * Shorter inputs stay in JavaScript, where a call into native code costs more than it saves
 * (~150 ns per call; both take ~180 ns for 100 bytes).
 */
import { createRequire } from 'node:module';

const polynomialReflected = 0x82f63b78;
const sliceCount = 8;

/** 8 tables of 256 entries: table k maps a byte to its CRC contribution k bytes further on. */
const tables: Uint32Array = buildTables();

function buildTables(): Uint32Array {
  const result = new Uint32Array(256 * sliceCount);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ polynomialReflected : crc >>> 1;
    result[byte] = crc >>> 0;
  }
  for (let byte = 0; byte < 256; byte++) {
    let crc = result[byte]!;
    for (let slice = 1; slice < sliceCount; slice++) {
      crc = result[crc & 0xff]! ^ (crc >>> 8);
      result[slice * 256 + byte] = crc >>> 0;
    }
  }
  return result;
}

/** Inputs at least this long use the native implementation when it is available. */
const nativeLengthMin = 128;

type Crc32cFunction = (input: Uint8Array, initialState?: number) => number;

/** @node-rs/crc32's crc32c, or undefined when it does not load or fails the check value. */
const nativeCrc32c: Crc32cFunction | undefined = loadNativeCrc32c();

function loadNativeCrc32c(): Crc32cFunction | undefined {
  try {
    const loaded = createRequire(import.meta.url)('@node-rs/crc32') as { crc32c?: unknown };
    const candidate = loaded.crc32c;
    if (typeof candidate !== 'function') return undefined;
    const native = candidate as Crc32cFunction;
    // A binding that loads but computes something else must never checksum the WAL.
    const check = Buffer.from('123456789', 'latin1');
    return native(check, 0) === 0xe3069283 && native(check.subarray(4), native(check.subarray(0, 4), 0)) === 0xe3069283 ? native : undefined;
  } catch {
    // No prebuilt binding for this platform: the JavaScript tables compute the same values.
    return undefined;
  }
}

/** Whether inputs of {@link nativeLengthMin} bytes or more are checksummed natively (for tests and benchmarks). */
export const crc32cIsNative: boolean = nativeCrc32c !== undefined;

/**
 * Extends a running CRC32C with `data`. Start with `crc32cUpdate(0, ...)`; feeding a message in any
 * split gives the same result as `crc32c(message)`. Returns an unsigned 32-bit integer.
 */
export function crc32cUpdate(crcPrevious: number, data: Uint8Array): number {
  if (data.length >= nativeLengthMin && nativeCrc32c !== undefined) return nativeCrc32c(data, crcPrevious);
  return crc32cUpdatePortable(crcPrevious, data);
}

/** {@link crc32cUpdate} in JavaScript only (slice-by-8): the fallback, and the reference in specs. */
export function crc32cUpdatePortable(crcPrevious: number, data: Uint8Array): number {
  const t = tables;
  let crc = ~crcPrevious >>> 0;
  let index = 0;
  const length = data.length;
  const bulkEnd = length - (length % sliceCount);
  while (index < bulkEnd) {
    // Invariant: `crc` is the reflected register after data[0, index).
    const low =
      (crc ^ (data[index]! | (data[index + 1]! << 8) | (data[index + 2]! << 16) | (data[index + 3]! << 24))) >>> 0;
    crc =
      t[7 * 256 + (low & 0xff)]! ^
      t[6 * 256 + ((low >>> 8) & 0xff)]! ^
      t[5 * 256 + ((low >>> 16) & 0xff)]! ^
      t[4 * 256 + (low >>> 24)]! ^
      t[3 * 256 + data[index + 4]!]! ^
      t[2 * 256 + data[index + 5]!]! ^
      t[1 * 256 + data[index + 6]!]! ^
      t[data[index + 7]!]!;
    index += sliceCount;
  }
  while (index < length) {
    crc = t[(crc ^ data[index]!) & 0xff]! ^ (crc >>> 8);
    index++;
  }
  return ~crc >>> 0;
}

/** CRC32C of `data` as an unsigned 32-bit integer; crc32c("123456789") is 0xE3069283. */
export function crc32c(data: Uint8Array): number {
  return crc32cUpdate(0, data);
}
