/**
 * Redis's CRC-64 (src/crc64.c): the Jones polynomial 0xad93d23594c935a9, reflected, initial value 0,
 * no final xor; check value 0xe9c6d914c4b8d9ca for "123456789". DUMP payloads end with it, little
 * endian, so payloads move between this cache and Redis.
 *
 * Table-driven, one byte per step, on two 32-bit halves: a BigInt per byte would cost ~20× more.
 */

const polynomialHigh = 0x95ac9329;
const polynomialLow = 0xac4bc9b5;

/** The reflected table: entry i is i's remainder after 8 shifts, as high and low halves. */
const tableHigh = new Uint32Array(256);
const tableLow = new Uint32Array(256);
// The reflected form of 0xad93d23594c935a9 is 0x95ac9329ac4bc9b5.
for (let index = 0; index < 256; index++) {
  let high = 0;
  let low = index;
  for (let bit = 0; bit < 8; bit++) {
    const carry = low & 1;
    low = ((low >>> 1) | ((high & 1) << 31)) >>> 0;
    high = high >>> 1;
    if (carry !== 0) {
      high = (high ^ polynomialHigh) >>> 0;
      low = (low ^ polynomialLow) >>> 0;
    }
  }
  tableHigh[index] = high;
  tableLow[index] = low;
}

/** The CRC-64 of `bytes`, as 8 little-endian bytes (how Redis stores it after a DUMP payload). */
export function crc64Redis(bytes: Uint8Array): Buffer {
  let high = 0;
  let low = 0;
  for (let index = 0; index < bytes.length; index++) {
    const entry = (low ^ (bytes[index] as number)) & 0xff;
    low = (((low >>> 8) | (high << 24)) ^ (tableLow[entry] as number)) >>> 0;
    high = ((high >>> 8) ^ (tableHigh[entry] as number)) >>> 0;
  }
  const digest = Buffer.alloc(8);
  digest.writeUInt32LE(low, 0);
  digest.writeUInt32LE(high, 4);
  return digest;
}
