/** Builders for the object-metadata specs: commands with plausible stamps, and a driver. */
import assert from 'node:assert/strict';
import { encodeObjectMetadataCommand, type ObjectMetadataCommand, type PutObjectCommand } from './object-metadata-commands.js';
import { ObjectMetadataMachine, type ObjectMetadataValues } from './object-metadata-machine.js';
import type { BlobRef, ObjectMetadataReply } from './object-metadata-model.js';

export const owner = 'AKIAOWNER';

/** Applies through the byte path (encode, decode, apply) with increasing log indexes. */
export class MachineDriver {
  readonly machine = new ObjectMetadataMachine();
  #index = 0;
  #clockMs = 1_700_000_000_000;
  #id = 0;

  nextTimeMs(): number {
    this.#clockMs += 1000;
    return this.#clockMs;
  }

  nextId(prefix: string): string {
    this.#id++;
    return `${prefix}${String(this.#id).padStart(6, '0')}`;
  }

  apply<C extends ObjectMetadataCommand>(command: C): ObjectMetadataReply<ObjectMetadataValues[C['op']]> {
    this.#index++;
    return this.machine.apply(encodeObjectMetadataCommand(command), this.#index) as ObjectMetadataReply<ObjectMetadataValues[C['op']]>;
  }

  ok<C extends ObjectMetadataCommand>(command: C): ObjectMetadataValues[C['op']] {
    const reply = this.apply(command);
    assert.ok(reply.ok, `${command.op} failed: ${reply.ok ? '' : `${reply.error.code} ${reply.error.message}`}`);
    return reply.value;
  }

  createBucket(bucket: string, versioning?: 'Enabled' | 'Suspended'): void {
    this.ok({ op: 'CreateBucket', bucket, ownerAccessKeyId: owner, region: 'us-east-1', createdAtMs: this.nextTimeMs() });
    if (versioning !== undefined) this.ok({ op: 'PutBucketVersioning', bucket, status: versioning });
  }

  blob(sizeBytes: number): BlobRef {
    return { blobId: this.nextId('blob-'), sizeBytes, blake3: 'b3'.padEnd(64, '0') };
  }

  putCommand(bucket: string, key: string, options: Partial<PutObjectCommand> & { sizeBytes?: number } = {}): PutObjectCommand {
    const sizeBytes = options.sizeBytes ?? 10;
    return {
      op: 'PutObject',
      bucket,
      key,
      versionId: this.nextId('v'),
      lastModifiedMs: this.nextTimeMs(),
      sizeBytes,
      etag: `etag-${this.nextId('')}`,
      attributes: { contentHeaders: { contentType: 'text/plain' }, userMetadata: {}, tags: [] },
      location: [this.blob(sizeBytes)],
      ...options,
    };
  }

  put(bucket: string, key: string, options: Partial<PutObjectCommand> = {}): ObjectMetadataReply<ObjectMetadataValues['PutObject']> & { command: PutObjectCommand } {
    const command = this.putCommand(bucket, key, options);
    return { ...this.apply(command), command };
  }

  delete(bucket: string, key: string, versionId?: string): ObjectMetadataReply<ObjectMetadataValues['DeleteObject']> {
    return this.apply({
      op: 'DeleteObject',
      bucket,
      key,
      ...(versionId === undefined ? {} : { versionId }),
      markerVersionId: this.nextId('dm'),
      lastModifiedMs: this.nextTimeMs(),
    });
  }

  /** Version ids of `key`, newest first, marking delete markers with a '*' suffix. */
  stack(bucket: string, key: string): string[] {
    const reply = this.machine.listObjectVersions(bucket, { prefix: key, maxKeys: 1000 });
    assert.ok(reply.ok);
    return reply.value.versions.filter((listed) => listed.key === key).map((listed) => listed.version.versionId + (listed.version.isDeleteMarker ? '*' : ''));
  }
}
