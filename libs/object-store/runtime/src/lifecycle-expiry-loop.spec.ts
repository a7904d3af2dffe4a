/**
 * Goal: the lifecycle loop plans only on the leader (a replica that loses leadership starts its
 * pass over), walks a bucket page by page until the pass is complete, proposes what is due, and
 * deletes the blobs the commands free.
 * Method: a real ObjectMetadataMachine behind a store that applies each proposed command at the
 * next log index (the single-replica Raft group's effect, without its I/O); a fixed clock; pages
 * run one at a time with `runPage` (no timers).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ObjectMetadataMachine,
  parseLifecycleConfiguration,
  type BlobRef,
  type ObjectMetadataCommand,
  type ObjectMetadataReply,
  type ObjectMetadataValues,
} from '@objectbox/object-store-core';
import { LifecycleExpiryLoop, type LifecyclePageResult } from './lifecycle-expiry-loop.js';

const day = 1000;

class AppliedStore {
  readonly machine = new ObjectMetadataMachine();
  #index = 0;
  async propose<C extends ObjectMetadataCommand>(command: C): Promise<ObjectMetadataReply<ObjectMetadataValues[C['op']]>> {
    return this.machine.applyCommand(command, ++this.#index);
  }
  async read(): Promise<ObjectMetadataMachine> {
    return this.machine;
  }
}

function setUp(options: { leader: () => boolean; keyCountMax: number }) {
  const store = new AppliedStore();
  const deleted: string[] = [];
  const pages: LifecyclePageResult[] = [];
  let id = 0;
  const loop = new LifecycleExpiryLoop({
    metadata: store,
    isLeader: options.leader,
    nowMs: () => 100 * day,
    dayLengthMs: day,
    passIntervalMs: 60_000,
    limits: { keyCountMax: options.keyCountMax, versionCountMax: 1000, bucketCountMax: 100, targetCountMax: 1000 },
    newVersionId: () => `marker-${++id}`,
    deleteGarbage: async (garbage: readonly BlobRef[]) => {
      deleted.push(...garbage.map((blob) => blob.blobId));
    },
    onPage: (result) => pages.push(result),
    onError: (error) => assert.fail(String(error)),
  });
  return { store, loop, deleted, pages };
}

async function fill(store: AppliedStore, keys: readonly string[]): Promise<void> {
  await store.propose({ op: 'CreateBucket', bucket: 'b', ownerAccessKeyId: 'AKIA', region: 'us-east-1', createdAtMs: 0 });
  const rules = parseLifecycleConfiguration('<LifecycleConfiguration><Rule><ID>r</ID><Prefix>tmp/</Prefix><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>', {
    assignId: () => assert.fail('the rule has an ID'),
  });
  assert.ok((await store.propose({ op: 'PutBucketLifecycle', bucket: 'b', rules })).ok);
  for (const key of keys) {
    const location = [{ blobId: `blob-${key.replace('/', '-')}`, sizeBytes: 1, blake3: '0'.repeat(64) }];
    const attributes = { contentHeaders: {}, userMetadata: {}, tags: [] };
    const reply = await store.propose({ op: 'PutObject', bucket: 'b', key, versionId: `v-${key}`, lastModifiedMs: day, sizeBytes: 1, etag: 'e', attributes, location });
    assert.ok(reply.ok);
  }
}

function keysOf(store: AppliedStore): string[] {
  const listed = store.machine.listObjectsV2('b', { maxKeys: 1000 });
  assert.ok(listed.ok);
  return listed.value.contents.map((entry) => entry.key);
}

describe('LifecycleExpiryLoop', () => {
  it('expires page by page until the pass is complete, and deletes the freed blobs', async () => {
    const { store, loop, deleted, pages } = setUp({ leader: () => true, keyCountMax: 2 });
    await fill(store, ['keep', 'tmp/1', 'tmp/2', 'tmp/3']);
    while ((await loop.runPage())?.passComplete !== true) assert.ok(pages.length < 10, 'the pass ends');
    assert.deepEqual(keysOf(store), ['keep']);
    assert.deepEqual(deleted.sort(), ['blob-tmp-1', 'blob-tmp-2', 'blob-tmp-3']);
    assert.deepEqual(
      pages.map((page) => page.appliedCount),
      [2, 1, 0],
      'two keys, then the last one, then the (empty) uploads phase',
    );
  });

  it('does nothing on a follower, and starts the pass over after losing leadership', async () => {
    let leader = false;
    const { store, loop, pages } = setUp({ leader: () => leader, keyCountMax: 1 });
    await fill(store, ['tmp/1', 'tmp/2']);
    assert.equal(await loop.runPage(), undefined);
    assert.deepEqual(keysOf(store), ['tmp/1', 'tmp/2']);
    leader = true;
    assert.equal((await loop.runPage())?.appliedCount, 1);
    leader = false;
    assert.equal(await loop.runPage(), undefined);
    await store.propose({
      op: 'PutObject',
      bucket: 'b',
      key: 'tmp/0',
      versionId: 'v0',
      lastModifiedMs: day,
      sizeBytes: 0,
      etag: 'e',
      attributes: { contentHeaders: {}, userMetadata: {}, tags: [] },
      location: [],
    });
    leader = true;
    await loop.runPage();
    assert.deepEqual(keysOf(store), ['tmp/2'], 'the new pass began at the first key (tmp/0), not after tmp/1');
    assert.equal(pages.length, 2);
  });
});
