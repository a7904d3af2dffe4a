/**
 * Random hex strings for ids (request ids, version ids, blob ids), drawn from a pooled buffer.
 *
 * Why: `crypto.randomBytes(n)` per id costs a call into the CSPRNG and a fresh buffer each time;
 * in the S3 edge's profile three of them per small request added up to ~2% of busy time. One
 * 4 KiB `randomFillSync` serves hundreds of ids. The bytes are the same CSPRNG's; an id is never
 * served twice because each slice of the pool is handed out once before the pool is refilled.
 */
import { randomFillSync } from 'node:crypto';
import { assert } from '@objectbox/util';

const poolSizeBytes = 4096;
const pool = Buffer.allocUnsafe(poolSizeBytes);
let offset = poolSizeBytes;

/** `sizeBytes` random bytes as lowercase hex (2 × sizeBytes digits). */
export function randomHex(sizeBytes: number): string {
  return randomText(sizeBytes, 'hex');
}

/** `sizeBytes` random bytes as base64url, without padding (version and upload ids). */
export function randomBase64url(sizeBytes: number): string {
  return randomText(sizeBytes, 'base64url');
}

function randomText(sizeBytes: number, encoding: 'hex' | 'base64url'): string {
  assert(Number.isSafeInteger(sizeBytes) && sizeBytes > 0 && sizeBytes <= 256, 'random ids take 1..256 bytes');
  if (offset + sizeBytes > poolSizeBytes) {
    randomFillSync(pool);
    offset = 0;
  }
  const text = pool.toString(encoding, offset, offset + sizeBytes);
  offset += sizeBytes;
  return text;
}
