/**
 * The object-store group's state machine on a replica: an entry with a small object's bytes
 * applies its PutObject and stores the bytes as the blob it names; a refused PutObject stores
 * nothing; bytes that do not match the reference are logged and not stored; malformed entries
 * answer InvalidArgument without changing state; syncAppliedEffects leaves nothing unsynced.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeObjectMetadataCommand, encodeObjectMetadataEntry, ObjectMetadataMachine, type PutObjectCommand } from '@objectbox/object-store-core';
import { createLogger } from '@objectbox/observability';
import { inlineBlobHasherFactory } from './blob-checksums.js';
import { BlobStore } from './blob-store.js';
import { ObjectMetadataReplica } from './object-metadata-replica.js';

const logger = createLogger({ level: 'silent', processName: 'object-metadata-replica-spec' });

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

test('a small object in its entry is applied and stored; refused or mismatched bytes are not', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'objectbox-replica-'));
  try {
    const blobs = await BlobStore.open({ directory, hasherFactory: inlineBlobHasherFactory });
    const machine = new ObjectMetadataMachine();
    const failures: unknown[] = [];
    const replica = new ObjectMetadataReplica(machine, blobs, logger, (error) => failures.push(error));
    let index = 0;
    const apply = (bytes: Uint8Array) => replica.apply(bytes, ++index);
    assert.ok(apply(encodeObjectMetadataCommand({ op: 'CreateBucket', bucket: 'b', ownerAccessKeyId: 'AKIA', region: 'us-east-1', createdAtMs: 1 })).ok);

    const put = async (key: string, body: Uint8Array, options: Partial<PutObjectCommand> = {}) => {
      const { result, bytes } = await blobs.readSmall(once(body), { sizeBytesMax: 1024, checksumAlgorithms: [] });
      const command: PutObjectCommand = {
        op: 'PutObject', bucket: 'b', key, versionId: `v${index}`, lastModifiedMs: 1000 + index, sizeBytes: result.sizeBytes, etag: result.md5,
        attributes: { contentHeaders: {}, userMetadata: {}, tags: [] }, location: [{ blobId: result.blobId, sizeBytes: result.sizeBytes, blake3: result.blake3 }], ...options,
      };
      return { result, reply: apply(encodeObjectMetadataEntry({ command, inlineBlob: bytes })) };
    };

    const stored = await put('k', new TextEncoder().encode('hello replica'));
    assert.ok(stored.reply.ok);
    assert.equal((await blobs.readWhole(stored.result.blobId, { expectedBlake3: stored.result.blake3, sizeBytes: 13 })).toString(), 'hello replica');

    // If-None-Match: * on an existing key: refused by the machine, so nothing is stored.
    const refused = await put('k', new TextEncoder().encode('second'), { conditions: { ifNoneMatch: '*' } });
    assert.equal(refused.reply.ok, false);
    assert.equal(await blobs.exists(refused.result.blobId), false);

    // Bytes that are not the referenced blob (a bug, never a client's doing): logged, not stored.
    const { result } = await blobs.readSmall(once(new TextEncoder().encode('abc')), { sizeBytesMax: 1024, checksumAlgorithms: [] });
    const forged: PutObjectCommand = {
      op: 'PutObject', bucket: 'b', key: 'forged', versionId: 'vf', lastModifiedMs: 5000, sizeBytes: 3, etag: result.md5,
      attributes: { contentHeaders: {}, userMetadata: {}, tags: [] }, location: [{ blobId: result.blobId, sizeBytes: 3, blake3: result.blake3 }],
    };
    assert.ok(apply(encodeObjectMetadataEntry({ command: forged, inlineBlob: new TextEncoder().encode('xyz') })).ok);
    assert.equal(await blobs.exists(result.blobId), false);

    // Malformed bytes answer InvalidArgument and still advance the applied index.
    const malformed = apply(new Uint8Array([1, 0, 0]));
    assert.equal(malformed.ok, false);
    assert.equal(machine.appliedIndex, index);

    await replica.syncAppliedEffects();
    assert.equal(blobs.unsyncedAppliedCount, 0);
    assert.deepEqual(failures, []);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});
