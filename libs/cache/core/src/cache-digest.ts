/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE (Redis debug.c xorObjectDigest / computeDatasetDigest): a
 * SHA-1 based digest of a value or of the whole dataset, where ordered content (a list, a string) is
 * mixed in order and unordered content (set members, hash fields, sorted-set members) is xored, so
 * equal content gives equal digests whatever the encoding or insertion order. Redis's test suite
 * compares digests (COPY, DEBUG RELOAD checks); the bytes are not meant to equal Redis's own.
 */
import { createHash } from 'node:crypto';
import { type CacheEntry, type CacheKeyspace, cacheDatabaseCount } from './cache-keyspace.js';
import { formatRespDouble } from './resp-double.js';
import { streamIdMax, streamIdZero } from './cache-stream-id.js';

const digestBytes = 20;

function sha1(data: Uint8Array): Buffer {
  return createHash('sha1').update(data).digest();
}

/** xorDigest: xors SHA-1(data) into `digest`. */
function xorDigest(digest: Buffer, data: Uint8Array): void {
  const hash = sha1(data);
  for (let index = 0; index < digestBytes; index++) digest[index] = (digest[index] as number) ^ (hash[index] as number);
}

/** mixDigest: xorDigest, then `digest` becomes SHA-1(digest), so the order of mixes matters. */
function mixDigest(digest: Buffer, data: Uint8Array): void {
  xorDigest(digest, data);
  sha1(digest).copy(digest);
}

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

/** Redis's object type numbers (OBJ_STRING .. OBJ_HASH), mixed in first as a big-endian uint32. */
const typeNumbers = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 } as const;

/** xorObjectDigest: mixes `entry`'s value (and whether it has an expiry) into `digest`. */
function xorEntryDigest(digest: Buffer, entry: CacheEntry): void {
  const value = entry.value;
  const type = Buffer.alloc(4);
  type.writeUInt32BE(typeNumbers[value.type]);
  mixDigest(digest, type);
  switch (value.type) {
    case 'string':
      mixDigest(digest, value.bytes);
      break;
    case 'list':
      for (const element of value.list.toArray()) mixDigest(digest, element);
      break;
    case 'set':
      for (const member of value.set.values()) xorDigest(digest, latin1(member));
      break;
    case 'zset':
      for (const { member, score } of value.zset.values()) {
        const element = Buffer.alloc(digestBytes);
        mixDigest(element, latin1(member));
        mixDigest(element, latin1(formatRespDouble(score)));
        xorDigest(digest, element);
      }
      break;
    case 'stream':
      // Each entry's `<ms>.<seq>`, then its fields and values, in ID order.
      for (const entry of value.stream.range(streamIdZero, streamIdMax)) {
        mixDigest(digest, latin1(`${entry.id.ms}.${entry.id.seq}`));
        for (const part of entry.fields) mixDigest(digest, part);
      }
      break;
    case 'hash': {
      const fields = [...value.hash.keys()];
      const values = [...value.hash.values()];
      fields.forEach((field, index) => {
        const element = Buffer.alloc(digestBytes);
        mixDigest(element, latin1(field));
        mixDigest(element, values[index] as Buffer);
        xorDigest(digest, element);
      });
      break;
    }
  }
  if (entry.expireAtMs !== null) xorDigest(digest, latin1('!!expire!!'));
}

/** DEBUG DIGEST-VALUE of one key: 40 zeros for a missing key. */
export function valueDigest(entry: CacheEntry | undefined): string {
  const digest = Buffer.alloc(digestBytes);
  if (entry !== undefined) xorEntryDigest(digest, entry);
  return digest.toString('hex');
}

/** DEBUG DIGEST: each non-empty database's number mixed in, then each key's own digest xored. */
export function datasetDigest(keyspace: CacheKeyspace): string {
  const final = Buffer.alloc(digestBytes);
  for (let databaseIndex = 0; databaseIndex < cacheDatabaseCount; databaseIndex++) {
    const database = keyspace.database(databaseIndex);
    if (database.size === 0) continue;
    const number = Buffer.alloc(4);
    number.writeUInt32BE(databaseIndex);
    mixDigest(final, number);
    for (const key of database.keys()) {
      const entry = database.entryOf(key);
      if (entry === undefined) continue;
      const digest = Buffer.alloc(digestBytes);
      mixDigest(digest, latin1(key));
      xorEntryDigest(digest, entry);
      xorDigest(final, digest);
    }
  }
  return final.toString('hex');
}
