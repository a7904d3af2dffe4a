/**
 * Snapshot format of the object-store metadata, written and read as a stream of records so a
 * 10-million-object state never needs one contiguous buffer or one giant JSON document:
 *
 *   magic "OBXMETA1" (8 bytes), then records: type u8, payload length u32 LE, payload (UTF-8 JSON)
 *   1 header      {appliedIndex}
 *   2 access key  AccessKey
 *   3 bucket      Bucket                        (starts a bucket; the records below belong to it)
 *   4 object key  [key, [version, ...]]         (keys strictly ascending, versions newest first)
 *
 * A bucket's Object Ownership and ACL, and an upload's ACL, are optional fields of their records; a
 * version's ACL is a 13th element of its array, present only for a version that has one (most have
 * none: `private`, owned by the bucket owner), so snapshots written before ACLs existed restore as
 * they are, and a store without ACLs writes the same bytes as before.
 *   5 upload      [upload, [part, ...]]
 *   6 end         {bucketCount, keyCount, versionCount, uploadCount, accessKeyCount}
 *
 * A version is a positional array (no field names): a plain PUT with a 30-byte key, an ETag, a
 * blob id, a blake3 and a Content-Type takes 278 bytes (object-metadata-memory.measure.ts), so
 * 10 million objects make a 2.8 GB snapshot, produced and consumed 1 MiB at a time. Restore re-validates every record with the
 * same field checks as command decoding, checks the order and the end record's counts, and builds a
 * fresh state, so a truncated or corrupt snapshot throws {@link ObjectMetadataSnapshotInvalidError}
 * and the running state stays as it was. (The Raft snapshot file around it carries its own CRC.)
 */
import { InvalidArgumentError } from '@objectbox/util';
import { blobCountPerLocationMax, checkString, FieldReader, metadataIdBytesMax, ObjectMetadataCommandInvalidError } from './object-metadata-commands.js';
import { compareUtf8 } from './object-metadata-index.js';
import type { BucketState, ObjectMetadataState, UploadState } from './object-metadata-machine.js';
import { addUploadState, createBucketState, createObjectMetadataState, createObjectVersion } from './object-metadata-machine.js';
import { versionsOf } from './object-metadata-listing.js';
import { readLifecycleRules } from './object-metadata-lifecycle.js';
import {
  bucketPolicyBytesMax,
  bucketTagCountMax,
  checksumAlgorithms,
  objectKeyBytesMax,
  objectSizeBytesMax,
  objectTagCountMax,
  objectVersionCountPerKeyMax,
  uploadPartNumberMax,
  type AccessKey,
  type BlobRef,
  type Bucket,
  type CompletedPart,
  type MultipartUpload,
  type ObjectVersion,
  type UploadedPart,
} from './object-metadata-model.js';
import { objectOwnerships } from './s3-acl.js';

const objectOwnershipSettings = [...objectOwnerships, 'NotSet'] as const;

/** A snapshot that does not parse, or is truncated. */
export class ObjectMetadataSnapshotInvalidError extends InvalidArgumentError {}

const magic = 'OBXMETA1';
const recordHeaderBytes = 5;
/** One record: the largest is an object key with many versions or an upload with 10,000 parts. */
export const snapshotRecordBytesMax = 64 * 1024 * 1024;
/** Chunks yielded by {@link snapshotObjectMetadataChunks} are about this size. */
export const snapshotChunkBytesTarget = 1024 * 1024;

const RecordType = { header: 1, accessKey: 2, bucket: 3, objectKey: 4, upload: 5, end: 6 } as const;

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Serializes `state` lazily, in chunks of about {@link snapshotChunkBytesTarget}. Each record's
 * JSON is encoded straight into the chunk being filled: a snapshot is millions of records, and
 * per-record byte arrays (encoded body, header, DataView) made it allocation-bound, with every GC
 * walking the large heap the state lives in (1M objects took 23 s; see the memory measure).
 */
export function* snapshotObjectMetadataChunks(state: ObjectMetadataState): Generator<Uint8Array> {
  let chunk = Buffer.allocUnsafe(snapshotChunkBytesTarget);
  let filled = chunk.write(magic, 0, 'latin1');
  const counts = { bucketCount: 0, keyCount: 0, versionCount: 0, uploadCount: 0, accessKeyCount: 0 };
  /** Appends one record; returns the full chunk to yield when the next record no longer fits. */
  function emit(type: number, payload: unknown): Uint8Array | undefined {
    const json = JSON.stringify(payload);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit; the exact length only when that could overflow.
    const bodyBytesMax = json.length * 3;
    const recordBytes = recordHeaderBytes + (filled + recordHeaderBytes + bodyBytesMax <= chunk.length ? bodyBytesMax : Buffer.byteLength(json, 'utf8'));
    let full: Uint8Array | undefined;
    if (filled + recordBytes > chunk.length) {
      full = filled > 0 ? chunk.subarray(0, filled) : undefined;
      chunk = Buffer.allocUnsafe(Math.max(snapshotChunkBytesTarget, recordBytes));
      filled = 0;
    }
    const bodyBytes = chunk.write(json, filled + recordHeaderBytes, 'utf8');
    chunk[filled] = type;
    chunk.writeUInt32LE(bodyBytes, filled + 1);
    filled += recordHeaderBytes + bodyBytes;
    return full;
  }
  function* emitAll(type: number, payload: unknown): Generator<Uint8Array> {
    const full = emit(type, payload);
    if (full !== undefined) yield full;
  }
  yield* emitAll(RecordType.header, { appliedIndex: state.appliedIndex });
  for (const key of state.accessKeys.values()) {
    counts.accessKeyCount++;
    yield* emitAll(RecordType.accessKey, key);
  }
  for (const [, bucket] of state.buckets.entries()) {
    counts.bucketCount++;
    yield* emitAll(RecordType.bucket, bucket.bucket);
    for (const [key, stack] of bucket.objects.entries()) {
      const versions = versionsOf(stack);
      counts.keyCount++;
      counts.versionCount += versions.length;
      // The hot loop (one record per key): no generator delegation per record.
      const full = emit(RecordType.objectKey, [key, versions.map(versionToWire)]);
      if (full !== undefined) yield full;
    }
    for (const upload of bucket.uploadsById.values()) {
      counts.uploadCount++;
      yield* emitAll(RecordType.upload, [upload.upload, [...upload.parts.values()]]);
    }
  }
  yield* emitAll(RecordType.end, counts);
  if (filled > 0) yield chunk.subarray(0, filled);
}

function versionToWire(version: ObjectVersion): unknown[] {
  return [
    version.versionId,
    version.isDeleteMarker ? 1 : 0,
    version.lastModifiedMs,
    version.sizeBytes,
    version.etag,
    version.checksums ?? null,
    version.checksumType ?? null,
    version.contentHeaders,
    version.userMetadata,
    version.tags,
    version.location.map((blob) => [blob.blobId, blob.sizeBytes, blob.blake3]),
    version.parts?.map((part) => [part.partNumber, part.sizeBytes, part.etag, part.checksums ?? null]) ?? null,
    ...(version.acl === undefined ? [] : [version.acl]),
  ];
}

const versionWireFieldCount = 12;
const versionWireFieldCountWithAcl = 13;
const blobIdLimits = { bytesMax: metadataIdBytesMax, bytesMin: 1 };
const blake3Limits = { bytesMax: 128 };
const objectKeyLimits = { bytesMax: objectKeyBytesMax, bytesMin: 1 };

/**
 * The inverse of {@link versionToWire}, with the checks of command decoding. Restore runs this once
 * per version of a store of millions, so it reads positions straight into one FieldReader (no
 * per-field arrays, no per-call path strings; error paths name the field, not the index).
 */
function versionFromWire(wireUntrusted: unknown): ObjectVersion {
  const path = 'objectKey.version';
  if (!Array.isArray(wireUntrusted) || (wireUntrusted.length !== versionWireFieldCount && wireUntrusted.length !== versionWireFieldCountWithAcl)) {
    throw new ObjectMetadataSnapshotInvalidError(`${path} is not a version`);
  }
  const wire = wireUntrusted as unknown[];
  const input = new FieldReader(
    {
      versionId: wire[0],
      isDeleteMarker: wire[1],
      lastModifiedMs: wire[2],
      sizeBytes: wire[3],
      etag: wire[4],
      checksums: wire[5],
      checksumType: wire[6],
      contentHeaders: wire[7],
      userMetadata: wire[8],
      tags: wire[9],
      parts: wire[11],
      acl: wire[12],
    },
    path,
  );
  const parts = input.has('parts')
    ? arrayOf(wire[11], `${path}.parts`).map((partWire): CompletedPart => {
        const [partNumber, sizeBytes, etag, checksums] = arrayOf(partWire, `${path}.parts[]`);
        const part = new FieldReader({ partNumber, sizeBytes, etag, checksums }, `${path}.parts[]`);
        return {
          partNumber: part.integer('partNumber', { min: 1, max: uploadPartNumberMax }),
          sizeBytes: part.integer('sizeBytes', { min: 0, max: objectSizeBytesMax }),
          etag: part.etag('etag'),
          checksums: part.has('checksums') ? part.checksums('checksums') : undefined,
        };
      })
    : undefined;
  const isDeleteMarker = input.integer('isDeleteMarker', { min: 0, max: 1 }) === 1;
  return createObjectVersion({
    versionId: input.id('versionId'),
    isDeleteMarker,
    lastModifiedMs: input.timeMs('lastModifiedMs'),
    sizeBytes: input.integer('sizeBytes', { min: 0, max: objectSizeBytesMax }),
    etag: isDeleteMarker ? input.string('etag', { bytesMax: 0 }) : input.etag('etag'),
    checksums: input.has('checksums') ? input.checksums('checksums') : undefined,
    checksumType: input.has('checksumType') ? input.oneOf('checksumType', ['FULL_OBJECT', 'COMPOSITE'] as const) : undefined,
    contentHeaders: input.contentHeaders('contentHeaders'),
    userMetadata: input.userMetadata('userMetadata'),
    tags: input.tags('tags', objectTagCountMax),
    location: locationFromWire(wire[10], `${path}.location`),
    parts,
    acl: input.has('acl') ? input.acl('acl') : undefined,
  });
}

/** A version's `[[blobId, sizeBytes, blake3], ...]`, checked as {@link FieldReader.location} checks. */
function locationFromWire(wireUntrusted: unknown, path: string): BlobRef[] {
  if (!Array.isArray(wireUntrusted) || wireUntrusted.length > blobCountPerLocationMax) {
    throw new ObjectMetadataSnapshotInvalidError(`${path} must be an array of at most ${blobCountPerLocationMax}`);
  }
  const wire = wireUntrusted as unknown[];
  const location: BlobRef[] = new Array<BlobRef>(wire.length);
  for (let index = 0; index < wire.length; index++) {
    const blob = wire[index];
    if (!Array.isArray(blob) || blob.length !== 3) throw new ObjectMetadataSnapshotInvalidError(`${path}[${index}] is not [blobId, sizeBytes, blake3]`);
    const sizeBytes: unknown = blob[1];
    if (typeof sizeBytes !== 'number' || !Number.isSafeInteger(sizeBytes) || sizeBytes < 0 || sizeBytes > objectSizeBytesMax) {
      throw new ObjectMetadataSnapshotInvalidError(`${path}[${index}].sizeBytes must be an integer in 0..${objectSizeBytesMax}`);
    }
    location[index] = { blobId: checkString(blob[0], `${path}[].blobId`, blobIdLimits), sizeBytes, blake3: checkString(blob[2], `${path}[].blake3`, blake3Limits) };
  }
  return location;
}

function arrayOf(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ObjectMetadataSnapshotInvalidError(`${path} must be an array`);
  return value;
}

/** Records restored between two steps of {@link restoreObjectMetadataInSteps}: about 15 ms of work. */
export const restoreRecordCountPerStep = 1024;

/** Parses a whole snapshot from its chunks into a fresh state; throws on any defect. */
export function restoreObjectMetadataState(chunks: Iterable<Uint8Array>): ObjectMetadataState {
  const steps = restoreObjectMetadataInSteps(chunks);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * {@link restoreObjectMetadataState} in steps: yields after every {@link restoreRecordCountPerStep}
 * records, so that a caller can return to its event loop between them (10 million objects take
 * minutes to restore), and returns the fresh state after the last. Nothing is shared with a state
 * in use, so abandoning the steps leaves no trace.
 */
export function* restoreObjectMetadataInSteps(chunks: Iterable<Uint8Array>): Generator<void, ObjectMetadataState> {
  try {
    return yield* restoreRecords(readSnapshotRecords(chunks));
  } catch (error) {
    if (error instanceof ObjectMetadataSnapshotInvalidError) throw error;
    if (error instanceof ObjectMetadataCommandInvalidError) throw new ObjectMetadataSnapshotInvalidError(`snapshot record: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Builds the state record by record, with its blob references counted as it goes. */
function* restoreRecords(records: Iterable<{ type: number; payload: unknown }>): Generator<void, ObjectMetadataState> {
  const state = createObjectMetadataState();
  const counts = { bucketCount: 0, keyCount: 0, versionCount: 0, uploadCount: 0, accessKeyCount: 0 };
  let bucket: BucketState | undefined;
  let stage: 'start' | 'body' | 'ended' = 'start';
  let recordsInStep = 0;
  for (const { type, payload } of records) {
    if (stage === 'ended') throw new ObjectMetadataSnapshotInvalidError('records after the end record');
    if ((stage === 'start') !== (type === RecordType.header)) throw new ObjectMetadataSnapshotInvalidError('the header record must come first, once');
    stage = 'body';
    switch (type) {
      case RecordType.header:
        state.appliedIndex = new FieldReader(payload, 'header').integer('appliedIndex', { min: 0, max: Number.MAX_SAFE_INTEGER });
        break;
      case RecordType.accessKey: {
        const key = parseAccessKey(payload);
        if (bucket !== undefined || state.accessKeys.has(key.accessKeyId)) throw new ObjectMetadataSnapshotInvalidError('access key out of place or repeated');
        state.accessKeys.set(key.accessKeyId, key);
        counts.accessKeyCount++;
        break;
      }
      case RecordType.bucket: {
        const parsed = parseBucket(payload);
        if (bucket !== undefined && compareUtf8(bucket.bucket.name, parsed.name) >= 0) throw new ObjectMetadataSnapshotInvalidError('buckets out of order');
        bucket = createBucketState(parsed, state.blobRefs);
        state.buckets.set(parsed.name, bucket);
        counts.bucketCount++;
        break;
      }
      case RecordType.objectKey: {
        if (bucket === undefined) throw new ObjectMetadataSnapshotInvalidError('object key before any bucket');
        const [key, versions] = parseObjectKey(payload);
        if (!bucket.objects.appendInOrder(key, versions.length === 1 ? versions[0]! : versions)) throw new ObjectMetadataSnapshotInvalidError('object keys out of order');
        for (const version of versions) state.blobRefs.add(version.location);
        counts.keyCount++;
        counts.versionCount += versions.length;
        break;
      }
      case RecordType.upload: {
        if (bucket === undefined) throw new ObjectMetadataSnapshotInvalidError('upload before any bucket');
        const upload = parseUpload(payload, bucket.bucket.name);
        if (bucket.uploadsById.has(upload.upload.uploadId)) throw new ObjectMetadataSnapshotInvalidError('repeated upload id');
        addUploadState(bucket, upload);
        for (const part of upload.parts.values()) state.blobRefs.add(part.location);
        counts.uploadCount++;
        break;
      }
      case RecordType.end: {
        const end = new FieldReader(payload, 'end');
        for (const [name, count] of Object.entries(counts)) {
          if (end.integer(name, { min: 0, max: Number.MAX_SAFE_INTEGER }) !== count) throw new ObjectMetadataSnapshotInvalidError(`end record ${name} does not match`);
        }
        stage = 'ended';
        break;
      }
      default:
        throw new ObjectMetadataSnapshotInvalidError(`unknown snapshot record type ${type}`);
    }
    if (++recordsInStep === restoreRecordCountPerStep) {
      recordsInStep = 0;
      yield;
    }
  }
  if (stage !== 'ended') throw new ObjectMetadataSnapshotInvalidError('snapshot is truncated (no end record)');
  return state;
}

function parseAccessKey(payload: unknown): AccessKey {
  const input = new FieldReader(payload, 'accessKey');
  return {
    accessKeyId: input.id('accessKeyId'),
    secretCiphertext: input.string('secretCiphertext', { bytesMax: 1024, bytesMin: 1 }),
    secretNonce: input.string('secretNonce', { bytesMax: 256, bytesMin: 1 }),
    createdAtMs: input.timeMs('createdAtMs'),
    status: input.oneOf('status', ['Active', 'Inactive'] as const),
  };
}

function parseBucket(payload: unknown): Bucket {
  const input = new FieldReader(payload, 'bucket');
  return {
    name: input.string('name', { bytesMax: 63, bytesMin: 1 }),
    createdAtMs: input.timeMs('createdAtMs'),
    ownerAccessKeyId: input.id('ownerAccessKeyId'),
    region: input.string('region', { bytesMax: 64 }),
    versioning: input.oneOf('versioning', ['Unversioned', 'Enabled', 'Suspended'] as const),
    tags: input.has('tags') ? input.tags('tags', bucketTagCountMax) : undefined,
    ...(input.has('policy') ? { policy: input.string('policy', { bytesMax: bucketPolicyBytesMax, bytesMin: 1 }) } : {}),
    ...input.optionalOneOf('objectOwnership', objectOwnershipSettings),
    ...input.optionalAcl('acl'),
    ...(input.has('publicAccessBlock') ? { publicAccessBlock: input.publicAccessBlock('publicAccessBlock') } : {}),
    ...(input.has('cors') ? { cors: input.corsRules('cors') } : {}),
    ...(input.has('lifecycle') ? { lifecycle: readLifecycleRules(input, 'lifecycle') } : {}),
  };
}

function parseObjectKey(payload: unknown): [string, ObjectVersion[]] {
  const [key, versions] = arrayOf(payload, 'objectKey');
  const checkedKey = checkString(key, 'objectKey.key', objectKeyLimits);
  const list = arrayOf(versions, 'objectKey.versions');
  if (list.length === 0 || list.length > objectVersionCountPerKeyMax) throw new ObjectMetadataSnapshotInvalidError('object key with no or too many versions');
  const parsed = list.map(versionFromWire);
  if (parsed.length > 1 && new Set(parsed.map((version) => version.versionId)).size !== parsed.length) throw new ObjectMetadataSnapshotInvalidError('repeated version id');
  return [checkedKey, parsed];
}

function parseUpload(payload: unknown, bucketName: string): UploadState {
  const [uploadWire, partsWire] = arrayOf(payload, 'upload');
  const input = new FieldReader(uploadWire, 'upload');
  const upload: MultipartUpload = {
    bucket: bucketName,
    key: input.key(),
    uploadId: input.id('uploadId'),
    initiatedAtMs: input.timeMs('initiatedAtMs'),
    ownerAccessKeyId: input.id('ownerAccessKeyId'),
    attributes: input.attributes('attributes'),
    checksumAlgorithm: input.has('checksumAlgorithm') ? input.oneOf('checksumAlgorithm', checksumAlgorithms) : undefined,
    checksumType: input.has('checksumType') ? input.oneOf('checksumType', ['FULL_OBJECT', 'COMPOSITE'] as const) : undefined,
    ...input.optionalAcl('acl'),
  };
  if (input.string('bucket', { bytesMax: 63 }) !== bucketName) throw new ObjectMetadataSnapshotInvalidError('upload of another bucket');
  const parts = new Map<number, UploadedPart>();
  arrayOf(partsWire, 'upload.parts').forEach((wire, index) => {
    const part = new FieldReader(wire, `upload.parts[${index}]`);
    const partNumber = part.integer('partNumber', { min: 1, max: uploadPartNumberMax });
    if (parts.has(partNumber)) throw new ObjectMetadataSnapshotInvalidError('repeated part number');
    parts.set(partNumber, {
      partNumber,
      sizeBytes: part.integer('sizeBytes', { min: 0, max: objectSizeBytesMax }),
      etag: part.etag('etag'),
      checksums: part.has('checksums') ? part.checksums('checksums') : undefined,
      lastModifiedMs: part.timeMs('lastModifiedMs'),
      location: part.location('location'),
    });
  });
  return { upload, parts };
}

/**
 * Splits the byte stream into records, across chunk boundaries. Chunks that cannot complete the
 * record in progress are only queued, and joined once it is complete, so a record spanning many
 * chunks (up to {@link snapshotRecordBytesMax}) is copied once, not once per chunk.
 */
function* readSnapshotRecords(chunks: Iterable<Uint8Array>): Generator<{ type: number; payload: unknown }> {
  let buffered: Uint8Array = new Uint8Array(0);
  const queued: Uint8Array[] = [];
  let queuedBytes = 0;
  // Bytes `buffered` must hold before the next record (or the magic) can be read.
  let neededBytes = magic.length;
  let sawMagic = false;
  for (const chunk of chunks) {
    queued.push(chunk);
    queuedBytes += chunk.byteLength;
    if (buffered.byteLength + queuedBytes < neededBytes) continue;
    buffered = buffered.byteLength === 0 && queued.length === 1 ? chunk : Buffer.concat([buffered, ...queued], buffered.byteLength + queuedBytes);
    queued.length = 0;
    queuedBytes = 0;
    let offset = 0;
    if (!sawMagic) {
      if (!buffered.subarray(0, magic.length).every((byte, index) => byte === magic.charCodeAt(index))) throw new ObjectMetadataSnapshotInvalidError('not an object metadata snapshot');
      sawMagic = true;
      offset = magic.length;
    }
    neededBytes = recordHeaderBytes;
    while (buffered.byteLength - offset >= recordHeaderBytes) {
      const view = new DataView(buffered.buffer, buffered.byteOffset + offset, recordHeaderBytes);
      const type = view.getUint8(0);
      const length = view.getUint32(1, true);
      if (length > snapshotRecordBytesMax) throw new ObjectMetadataSnapshotInvalidError(`snapshot record of ${length} bytes`);
      if (buffered.byteLength - offset - recordHeaderBytes < length) {
        neededBytes = recordHeaderBytes + length;
        break;
      }
      const body = buffered.subarray(offset + recordHeaderBytes, offset + recordHeaderBytes + length);
      offset += recordHeaderBytes + length;
      let payload: unknown;
      try {
        payload = JSON.parse(textDecoder.decode(body));
      } catch (error) {
        throw new ObjectMetadataSnapshotInvalidError('snapshot record is not UTF-8 JSON', { cause: error });
      }
      yield { type, payload };
    }
    buffered = buffered.subarray(offset);
  }
  if (!sawMagic) throw new ObjectMetadataSnapshotInvalidError('snapshot is empty or truncated');
  if (buffered.byteLength + queuedBytes > 0) throw new ObjectMetadataSnapshotInvalidError('snapshot ends inside a record');
}
