/**
 * The commands of the object-store Raft group and their encoding.
 *
 * Every command is stamped by the proposer with what applying must not invent: times
 * (`lastModifiedMs`, `createdAtMs`), version ids, upload ids, the data location of bytes already
 * written, and the MD5-of-MD5s of a multipart ETag (computed by the proposer over the part ETags
 * the client listed, so the core needs no crypto; apply checks each listed ETag against the stored
 * part, so a wrong digest can only come with an InvalidPart answer).
 *
 * Encoding: UTF-8 JSON, at most {@link objectMetadataCommandBytesMax} bytes. JSON rather than a
 * binary layout because the commands carry many optional, variable fields; a PutObject is about
 * 400 bytes, small next to the object bytes it describes. Decoding treats the bytes as untrusted:
 * every field is type-, length- and range-checked into a fresh object, and anything else fails with
 * {@link ObjectMetadataCommandInvalidError}, never a crash.
 */
import { InvalidArgumentError } from '@objectbox/util';
import { isWellFormedUtf16 } from './object-metadata-index.js';
import {
  bucketNameBytesMax,
  bucketPolicyBytesMax,
  bucketTagCountMax,
  checksumAlgorithms,
  objectKeyBytesMax,
  objectSizeBytesMax,
  objectTagCountMax,
  uploadPartNumberMax,
  tagKeyLengthMax,
  tagValueLengthMax,
  userMetadataBytesMax,
  versionFingerprintBytesMax,
  type AccessKeyStatus,
  type BlobRef,
  type ChecksumAlgorithm,
  type Checksums,
  type ChecksumType,
  type ContentHeaders,
  type ObjectAttributes,
  type Tag,
} from './object-metadata-model.js';
import type { PublicAccessBlock } from './s3-public-access-block.js';
import { corsRuleCountMax, validateCorsRules, type CorsMethod, type CorsRule } from './s3-cors.js';
import { dayLengthMsDefault, type LifecycleRule } from './s3-lifecycle.js';
import { readLifecycleRules, readLifecycleTargets, type ExpireLifecycleCommand } from './object-metadata-lifecycle.js';
import { aclGrantCountMax, aclPermissions, cannedAcls, objectOwnerships, s3AclGroupUris, type AclGrant, type AclRequest, type ObjectOwnership, type StoredAcl } from './s3-acl.js';

/** A CompleteMultipartUpload of 10,000 parts with checksums is about 1.2 MB. */
export const objectMetadataCommandBytesMax = 4 * 1024 * 1024;
/** Ids stamped by the proposer (version ids, upload ids, blob ids, access key ids). */
export const metadataIdBytesMax = 128;
/** Header values, ETags, regions and other short strings. */
export const metadataTextBytesMax = 2048;
/** DeleteObjects takes at most 1000 keys (S3). */
export const deleteObjectsCountMax = 1000;
/** Blobs of one object or part; a multipart object has one per part. */
export const blobCountPerLocationMax = uploadPartNumberMax;

export interface WriteConditions {
  /** If-Match: the ETag the current version must have ('*': any current version). */
  readonly ifMatch?: string;
  /**
   * If-None-Match: '*' — no current version may exist; an ETag — the current version, if any, must
   * not have it (S3 documents only '*'; ceph/s3-tests test_put_object_if_match also sends ETags).
   */
  readonly ifNoneMatch?: string;
}

export interface CompletePartRequest {
  readonly partNumber: number;
  readonly etag: string;
  readonly checksums?: Checksums;
}

export interface DeleteObjectTarget {
  readonly key: string;
  /** Deletes exactly this version; without it, the current one (or adds a delete marker). */
  readonly versionId?: string;
  /** The version id a delete marker gets when versioning is Enabled (stamped by the proposer). */
  readonly markerVersionId: string;
}

export type ObjectMetadataCommand =
  | {
      readonly op: 'CreateBucket';
      readonly bucket: string;
      readonly ownerAccessKeyId: string;
      readonly region: string;
      readonly createdAtMs: number;
      /** `x-amz-object-ownership`; absent: BucketOwnerEnforced. */
      readonly objectOwnership?: ObjectOwnership;
      /** `x-amz-acl` / `x-amz-grant-*`; absent: private. */
      readonly acl?: AclRequest;
    }
  | { readonly op: 'PutBucketOwnershipControls'; readonly bucket: string; readonly objectOwnership: ObjectOwnership }
  | { readonly op: 'DeleteBucketOwnershipControls'; readonly bucket: string }
  | { readonly op: 'PutBucketAcl'; readonly bucket: string; readonly acl?: AclRequest }
  | { readonly op: 'PutPublicAccessBlock'; readonly bucket: string; readonly configuration: PublicAccessBlock }
  | { readonly op: 'DeletePublicAccessBlock'; readonly bucket: string }
  | { readonly op: 'PutBucketCors'; readonly bucket: string; readonly rules: readonly CorsRule[] }
  | { readonly op: 'DeleteBucketCors'; readonly bucket: string }
  | { readonly op: 'PutBucketLifecycle'; readonly bucket: string; readonly rules: readonly LifecycleRule[] }
  | { readonly op: 'DeleteBucketLifecycle'; readonly bucket: string }
  | ExpireLifecycleCommand
  | {
      readonly op: 'PutObjectAcl';
      readonly bucket: string;
      readonly key: string;
      readonly versionId?: string;
      readonly acl?: AclRequest;
      /**
       * The fingerprint (versionFingerprintOf) of the version the request was authorized against;
       * when the version found at apply time is another, OperationAborted. Absent in commands logged
       * before it existed.
       */
      readonly authorizedVersion?: string;
    }
  | { readonly op: 'DeleteBucket'; readonly bucket: string }
  | { readonly op: 'PutBucketVersioning'; readonly bucket: string; readonly status: 'Enabled' | 'Suspended' }
  | { readonly op: 'PutBucketTagging'; readonly bucket: string; readonly tags: readonly Tag[] }
  | { readonly op: 'DeleteBucketTagging'; readonly bucket: string }
  | { readonly op: 'PutBucketPolicy'; readonly bucket: string; readonly policy: string }
  | { readonly op: 'DeleteBucketPolicy'; readonly bucket: string }
  | PutObjectCommand
  | ({ readonly op: 'DeleteObject'; readonly bucket: string; readonly lastModifiedMs: number } & DeleteObjectTarget)
  | { readonly op: 'DeleteObjects'; readonly bucket: string; readonly lastModifiedMs: number; readonly objects: readonly DeleteObjectTarget[] }
  | { readonly op: 'PutObjectTagging'; readonly bucket: string; readonly key: string; readonly versionId?: string; readonly tags: readonly Tag[] }
  | { readonly op: 'DeleteObjectTagging'; readonly bucket: string; readonly key: string; readonly versionId?: string }
  | CreateMultipartUploadCommand
  | UploadPartCommand
  | CompleteMultipartUploadCommand
  | { readonly op: 'AbortMultipartUpload'; readonly bucket: string; readonly key: string; readonly uploadId: string }
  | { readonly op: 'CreateAccessKey'; readonly accessKeyId: string; readonly secretCiphertext: string; readonly secretNonce: string; readonly createdAtMs: number }
  | { readonly op: 'SetAccessKeyStatus'; readonly accessKeyId: string; readonly status: AccessKeyStatus }
  | { readonly op: 'DeleteAccessKey'; readonly accessKeyId: string };

export type ObjectMetadataOp = ObjectMetadataCommand['op'];

/** PutObject and CopyObject (the copy's bytes are a fresh blob written by the data path). */
export interface PutObjectCommand {
  readonly op: 'PutObject';
  readonly bucket: string;
  readonly key: string;
  /** Used when versioning is Enabled; otherwise the version id is 'null'. */
  readonly versionId: string;
  readonly lastModifiedMs: number;
  readonly sizeBytes: number;
  readonly etag: string;
  readonly checksums?: Checksums;
  readonly checksumType?: ChecksumType;
  readonly attributes: ObjectAttributes;
  readonly location: readonly BlobRef[];
  readonly conditions?: WriteConditions;
  /** The signer when it is not the bucket's owner (who owns the object depends on the bucket's Object Ownership). */
  readonly writerAccessKeyId?: string;
  /** The ACL the request asked for (`x-amz-acl`, `x-amz-grant-*`); absent: private. */
  readonly acl?: AclRequest;
}

export interface CreateMultipartUploadCommand {
  readonly op: 'CreateMultipartUpload';
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly initiatedAtMs: number;
  readonly ownerAccessKeyId: string;
  readonly attributes: ObjectAttributes;
  readonly checksumAlgorithm?: ChecksumAlgorithm;
  readonly checksumType?: ChecksumType;
  /** The ACL asked for; the object gets it on completion (ownership decided now, `ownerAccessKeyId` as the writer). */
  readonly acl?: AclRequest;
}

export interface UploadPartCommand {
  readonly op: 'UploadPart';
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly partNumber: number;
  readonly sizeBytes: number;
  readonly etag: string;
  readonly checksums?: Checksums;
  readonly lastModifiedMs: number;
  readonly location: readonly BlobRef[];
}

export interface CompleteMultipartUploadCommand {
  readonly op: 'CompleteMultipartUpload';
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly parts: readonly CompletePartRequest[];
  readonly versionId: string;
  readonly lastModifiedMs: number;
  /** Hex MD5 of the concatenated binary MD5s of the listed parts; the ETag is `<this>-<count>`. */
  readonly md5OfPartMd5s: string;
  /** The whole object's checksum (composite or full-object), computed by the proposer. */
  readonly checksums?: Checksums;
  readonly checksumType?: ChecksumType;
  readonly conditions?: WriteConditions;
}

/** Builds a command with its `op` filled in; the proposer validates it by encoding. */
export function objectMetadataCommand<Op extends ObjectMetadataOp>(
  op: Op,
  fields: Omit<Extract<ObjectMetadataCommand, { op: Op }>, 'op'>,
): Extract<ObjectMetadataCommand, { op: Op }> {
  return { op, ...fields } as unknown as Extract<ObjectMetadataCommand, { op: Op }>;
}

/** Bytes that are not a valid command (a bug or a foreign log); never skipped. */
export class ObjectMetadataCommandInvalidError extends InvalidArgumentError {}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Validates (the same checks as decoding) and encodes; throws for an invalid command. */
export function encodeObjectMetadataCommand(command: ObjectMetadataCommand): Uint8Array {
  const text = JSON.stringify(command);
  const bytes = textEncoder.encode(text);
  if (bytes.byteLength > objectMetadataCommandBytesMax) {
    throw new ObjectMetadataCommandInvalidError(`command is ${bytes.byteLength} bytes, above ${objectMetadataCommandBytesMax}`);
  }
  parseObjectMetadataCommand(JSON.parse(text) as unknown);
  return bytes;
}

/** Decodes untrusted bytes; throws {@link ObjectMetadataCommandInvalidError} for anything else. */
export function decodeObjectMetadataCommand(bytesUntrusted: Uint8Array): ObjectMetadataCommand {
  if (bytesUntrusted.byteLength > objectMetadataCommandBytesMax) {
    throw new ObjectMetadataCommandInvalidError(`command is ${bytesUntrusted.byteLength} bytes, above ${objectMetadataCommandBytesMax}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(textDecoder.decode(bytesUntrusted));
  } catch (error) {
    throw new ObjectMetadataCommandInvalidError('command is not UTF-8 JSON', { cause: error });
  }
  return parseObjectMetadataCommand(value);
}

/** Largest object whose bytes may travel inside its PutObject entry (see {@link encodeObjectMetadataEntry}). */
export const inlineBlobSizeBytesMax = 64 * 1024;

/** First byte of an entry with attached object bytes; a plain entry is JSON and starts with `{`. */
const inlineBlobEntryTag = 0x01;
const inlineBlobEntryHeaderBytes = 5;

/** A Raft entry of the object-store group: a command, and for a small PutObject its object's bytes. */
export interface ObjectMetadataEntry {
  readonly command: ObjectMetadataCommand;
  /**
   * The bytes of the PutObject's only blob (`location[0]`), carried in the log so that the entry's
   * group-committed fsync makes them durable on every replica at once: no per-object file fsync
   * and no separate blob replication. The state machine ignores them; the replica's apply stores
   * them as the blob file (object-store runtime).
   */
  readonly inlineBlob?: Uint8Array;
}

/**
 * Encodes an entry: the command's JSON alone, or with attached bytes
 * `[0x01][u32 BE JSON length][JSON][bytes]`. Validates like {@link encodeObjectMetadataCommand};
 * attached bytes need a PutObject with exactly one blob of their size, at most
 * {@link inlineBlobSizeBytesMax}.
 */
export function encodeObjectMetadataEntry(entry: ObjectMetadataEntry): Uint8Array {
  const json = encodeObjectMetadataCommand(entry.command);
  if (entry.inlineBlob === undefined) return json;
  checkInlineBlob(entry.command, entry.inlineBlob.byteLength);
  const bytes = new Uint8Array(inlineBlobEntryHeaderBytes + json.byteLength + entry.inlineBlob.byteLength);
  bytes[0] = inlineBlobEntryTag;
  new DataView(bytes.buffer).setUint32(1, json.byteLength);
  bytes.set(json, inlineBlobEntryHeaderBytes);
  bytes.set(entry.inlineBlob, inlineBlobEntryHeaderBytes + json.byteLength);
  return bytes;
}

/** Decodes untrusted entry bytes; throws {@link ObjectMetadataCommandInvalidError} for anything else. */
export function decodeObjectMetadataEntry(bytesUntrusted: Uint8Array): ObjectMetadataEntry {
  if (bytesUntrusted[0] !== inlineBlobEntryTag) return { command: decodeObjectMetadataCommand(bytesUntrusted) };
  if (bytesUntrusted.byteLength < inlineBlobEntryHeaderBytes) throw new ObjectMetadataCommandInvalidError('entry header is truncated');
  const jsonBytes = new DataView(bytesUntrusted.buffer, bytesUntrusted.byteOffset, bytesUntrusted.byteLength).getUint32(1);
  const jsonEnd = inlineBlobEntryHeaderBytes + jsonBytes;
  if (jsonEnd > bytesUntrusted.byteLength) throw new ObjectMetadataCommandInvalidError(`entry JSON length ${jsonBytes} runs past its ${bytesUntrusted.byteLength} bytes`);
  const command = decodeObjectMetadataCommand(bytesUntrusted.subarray(inlineBlobEntryHeaderBytes, jsonEnd));
  const inlineBlob = bytesUntrusted.subarray(jsonEnd);
  checkInlineBlob(command, inlineBlob.byteLength);
  return { command, inlineBlob };
}

function checkInlineBlob(command: ObjectMetadataCommand, sizeBytes: number): void {
  if (command.op !== 'PutObject') throw new ObjectMetadataCommandInvalidError(`${command.op} cannot carry object bytes`);
  if (sizeBytes > inlineBlobSizeBytesMax) throw new ObjectMetadataCommandInvalidError(`inline object of ${sizeBytes} bytes is above ${inlineBlobSizeBytesMax}`);
  if (command.location.length !== 1 || command.location[0]!.sizeBytes !== sizeBytes || command.sizeBytes !== sizeBytes) {
    throw new ObjectMetadataCommandInvalidError('inline object bytes must be the PutObject\'s only blob, of its size');
  }
}

/** Checks a parsed JSON value field by field into a fresh command. */
export function parseObjectMetadataCommand(valueUntrusted: unknown): ObjectMetadataCommand {
  const input = new FieldReader(valueUntrusted, 'command');
  const op = input.string('op', { bytesMax: 64 });
  switch (op) {
    case 'CreateBucket':
      return {
        op,
        bucket: input.bucket(),
        ownerAccessKeyId: input.id('ownerAccessKeyId'),
        region: input.string('region', { bytesMax: 64 }),
        createdAtMs: input.timeMs('createdAtMs'),
        ...input.optionalOneOf('objectOwnership', objectOwnerships),
        ...input.optionalAcl('acl'),
      };
    case 'PutBucketOwnershipControls':
      return { op, bucket: input.bucket(), objectOwnership: input.oneOf('objectOwnership', objectOwnerships) };
    case 'DeleteBucketOwnershipControls':
      return { op, bucket: input.bucket() };
    case 'PutBucketAcl':
      return { op, bucket: input.bucket(), ...input.optionalAcl('acl') };
    case 'PutPublicAccessBlock':
      return { op, bucket: input.bucket(), configuration: input.publicAccessBlock('configuration') };
    case 'DeletePublicAccessBlock':
    case 'DeleteBucketCors':
      return { op, bucket: input.bucket() };
    case 'PutBucketCors':
      return { op, bucket: input.bucket(), rules: input.corsRules('rules') };
    case 'PutBucketLifecycle':
      return { op, bucket: input.bucket(), rules: readLifecycleRules(input, 'rules') };
    case 'DeleteBucketLifecycle':
      return { op, bucket: input.bucket() };
    case 'ExpireLifecycle':
      return {
        op,
        bucket: input.bucket(),
        lastModifiedMs: input.timeMs('lastModifiedMs'),
        dayLengthMs: input.integer('dayLengthMs', { min: 1, max: dayLengthMsDefault }),
        targets: readLifecycleTargets(input, 'targets'),
      };
    case 'PutObjectAcl':
      return { op, bucket: input.bucket(), key: input.key(), ...input.optionalId('versionId'), ...input.optionalAcl('acl'), ...input.optionalFingerprint('authorizedVersion') };
    case 'DeleteBucket':
    case 'DeleteBucketTagging':
    case 'DeleteBucketPolicy':
      return { op, bucket: input.bucket() };
    case 'PutBucketPolicy':
      return { op, bucket: input.bucket(), policy: input.string('policy', { bytesMax: bucketPolicyBytesMax, bytesMin: 1 }) };
    case 'PutBucketVersioning':
      return { op, bucket: input.bucket(), status: input.oneOf('status', ['Enabled', 'Suspended'] as const) };
    case 'PutBucketTagging':
      return { op, bucket: input.bucket(), tags: input.tags('tags', bucketTagCountMax) };
    case 'PutObject':
      return parsePutObject(input);
    case 'DeleteObject':
      return { op, bucket: input.bucket(), lastModifiedMs: input.timeMs('lastModifiedMs'), ...parseDeleteTarget(input) };
    case 'DeleteObjects':
      return {
        op,
        bucket: input.bucket(),
        lastModifiedMs: input.timeMs('lastModifiedMs'),
        objects: input.array('objects', deleteObjectsCountMax, parseDeleteTarget),
      };
    case 'PutObjectTagging':
      return { op, bucket: input.bucket(), key: input.key(), ...input.optionalId('versionId'), tags: input.tags('tags', objectTagCountMax) };
    case 'DeleteObjectTagging':
      return { op, bucket: input.bucket(), key: input.key(), ...input.optionalId('versionId') };
    case 'CreateMultipartUpload':
      return {
        op,
        bucket: input.bucket(),
        key: input.key(),
        uploadId: input.id('uploadId'),
        initiatedAtMs: input.timeMs('initiatedAtMs'),
        ownerAccessKeyId: input.id('ownerAccessKeyId'),
        attributes: input.attributes('attributes'),
        ...input.optionalOneOf('checksumAlgorithm', checksumAlgorithms),
        ...input.optionalOneOf('checksumType', checksumTypes),
        ...input.optionalAcl('acl'),
      };
    case 'UploadPart':
      return parseUploadPart(input);
    case 'CompleteMultipartUpload':
      return parseComplete(input);
    case 'AbortMultipartUpload':
      return { op, bucket: input.bucket(), key: input.key(), uploadId: input.id('uploadId') };
    case 'CreateAccessKey':
      return {
        op,
        accessKeyId: input.id('accessKeyId'),
        secretCiphertext: input.string('secretCiphertext', { bytesMax: 1024, bytesMin: 1 }),
        secretNonce: input.string('secretNonce', { bytesMax: 256, bytesMin: 1 }),
        createdAtMs: input.timeMs('createdAtMs'),
      };
    case 'SetAccessKeyStatus':
      return { op, accessKeyId: input.id('accessKeyId'), status: input.oneOf('status', accessKeyStatuses) };
    case 'DeleteAccessKey':
      return { op, accessKeyId: input.id('accessKeyId') };
    default:
      throw new ObjectMetadataCommandInvalidError(`unknown command op ${JSON.stringify(op)}`);
  }
}

const checksumTypes = ['FULL_OBJECT', 'COMPOSITE'] as const;
const accessKeyStatuses = ['Active', 'Inactive'] as const;

function parsePutObject(input: FieldReader): PutObjectCommand {
  return {
    op: 'PutObject',
    bucket: input.bucket(),
    key: input.key(),
    versionId: input.id('versionId'),
    lastModifiedMs: input.timeMs('lastModifiedMs'),
    sizeBytes: input.integer('sizeBytes', { min: 0, max: objectSizeBytesMax }),
    etag: input.etag('etag'),
    ...input.optionalChecksums('checksums'),
    ...input.optionalOneOf('checksumType', checksumTypes),
    attributes: input.attributes('attributes'),
    location: input.location('location'),
    ...input.optionalConditions('conditions'),
    ...input.optionalId('writerAccessKeyId'),
    ...input.optionalAcl('acl'),
  };
}

function parseUploadPart(input: FieldReader): UploadPartCommand {
  return {
    op: 'UploadPart',
    bucket: input.bucket(),
    key: input.key(),
    uploadId: input.id('uploadId'),
    partNumber: input.integer('partNumber', { min: 1, max: uploadPartNumberMax }),
    sizeBytes: input.integer('sizeBytes', { min: 0, max: objectSizeBytesMax }),
    etag: input.etag('etag'),
    ...input.optionalChecksums('checksums'),
    lastModifiedMs: input.timeMs('lastModifiedMs'),
    location: input.location('location'),
  };
}

function parseComplete(input: FieldReader): CompleteMultipartUploadCommand {
  return {
    op: 'CompleteMultipartUpload',
    bucket: input.bucket(),
    key: input.key(),
    uploadId: input.id('uploadId'),
    parts: input.array('parts', uploadPartNumberMax, (part) => ({
      partNumber: part.integer('partNumber', { min: 1, max: uploadPartNumberMax }),
      // As the client sent it, quoted or not; apply compares without the quotes.
      etag: part.string('etag', { bytesMax: 130, bytesMin: 1 }),
      ...part.optionalChecksums('checksums'),
    })),
    versionId: input.id('versionId'),
    lastModifiedMs: input.timeMs('lastModifiedMs'),
    md5OfPartMd5s: input.string('md5OfPartMd5s', { bytesMax: 32, bytesMin: 32 }),
    ...input.optionalChecksums('checksums'),
    ...input.optionalOneOf('checksumType', checksumTypes),
    ...input.optionalConditions('conditions'),
  };
}

function parseDeleteTarget(input: FieldReader): DeleteObjectTarget {
  return { key: input.key(), ...input.optionalId('versionId'), markerVersionId: input.id('markerVersionId') };
}

/**
 * Reads typed fields out of an untrusted JSON object; every failure is an
 * {@link ObjectMetadataCommandInvalidError} naming the field's path. Shared with snapshot restore.
 */
export class FieldReader {
  readonly #fields: Readonly<Record<string, unknown>>;
  readonly #path: string;

  constructor(valueUntrusted: unknown, path: string) {
    if (typeof valueUntrusted !== 'object' || valueUntrusted === null || Array.isArray(valueUntrusted)) {
      throw new ObjectMetadataCommandInvalidError(`${path} must be an object`);
    }
    this.#fields = valueUntrusted as Record<string, unknown>;
    this.#path = path;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.#fields, name) && this.#fields[name] !== undefined && this.#fields[name] !== null;
  }

  raw(name: string): unknown {
    return Object.hasOwn(this.#fields, name) ? this.#fields[name] : undefined;
  }

  fail(name: string, problem: string): never {
    throw new ObjectMetadataCommandInvalidError(`${this.#path}.${name} ${problem}`);
  }

  string(name: string, limits: { bytesMax: number; bytesMin?: number }): string {
    return checkString(this.raw(name), `${this.#path}.${name}`, limits);
  }

  integer(name: string, range: { min: number; max: number }): number {
    const value = this.raw(name);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
      this.fail(name, `must be an integer in ${range.min}..${range.max}`);
    }
    return value;
  }

  boolean(name: string): boolean {
    const value = this.raw(name);
    if (typeof value !== 'boolean') this.fail(name, 'must be a boolean');
    return value;
  }

  timeMs(name: string): number {
    return this.integer(name, { min: 0, max: 8.64e15 });
  }

  bucket(): string {
    return this.string('bucket', { bytesMax: bucketNameBytesMax, bytesMin: 1 });
  }

  key(): string {
    return this.string('key', { bytesMax: objectKeyBytesMax, bytesMin: 1 });
  }

  id(name: string): string {
    return this.string(name, { bytesMax: metadataIdBytesMax, bytesMin: 1 });
  }

  etag(name: string): string {
    const etag = this.string(name, { bytesMax: 128, bytesMin: 1 });
    if (etag.includes('"')) this.fail(name, 'must be stored without quotes');
    return etag;
  }

  optionalFingerprint<Name extends string>(name: Name): { readonly [K in Name]?: string } {
    return (this.has(name) ? { [name]: this.string(name, { bytesMax: versionFingerprintBytesMax, bytesMin: 1 }) } : {}) as { [K in Name]?: string };
  }

  optionalId<Name extends string>(name: Name): { readonly [K in Name]?: string } {
    return (this.has(name) ? { [name]: this.id(name) } : {}) as { [K in Name]?: string };
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const value = this.raw(name);
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) this.fail(name, `must be one of ${allowed.join(', ')}`);
    return value as T;
  }

  optionalOneOf<Name extends string, T extends string>(name: Name, allowed: readonly T[]): { readonly [K in Name]?: T } {
    return (this.has(name) ? { [name]: this.oneOf(name, allowed) } : {}) as { [K in Name]?: T };
  }

  object(name: string): FieldReader {
    return new FieldReader(this.raw(name), `${this.#path}.${name}`);
  }

  array<T>(name: string, countMax: number, parse: (item: FieldReader) => T): T[] {
    const value = this.raw(name);
    if (!Array.isArray(value) || value.length > countMax) this.fail(name, `must be an array of at most ${countMax}`);
    return value.map((item, index) => parse(new FieldReader(item, `${this.#path}.${name}[${index}]`)));
  }

  tags(name: string, countMax: number): Tag[] {
    const tags = this.array(name, countMax, (tag) => ({
      key: tag.string('key', { bytesMax: tagKeyLengthMax * 4, bytesMin: 1 }),
      value: tag.string('value', { bytesMax: tagValueLengthMax * 4 }),
    }));
    if (new Set(tags.map((tag) => tag.key)).size !== tags.length) this.fail(name, 'has a duplicate tag key');
    return tags;
  }

  checksums(name: string): Checksums {
    const reader = this.object(name);
    const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const algorithm of checksumAlgorithms) {
      if (reader.has(algorithm)) checksums[algorithm] = reader.string(algorithm, { bytesMax: 128, bytesMin: 1 });
    }
    return checksums;
  }

  optionalChecksums<Name extends string>(name: Name): { readonly [K in Name]?: Checksums } {
    return (this.has(name) ? { [name]: this.checksums(name) } : {}) as { [K in Name]?: Checksums };
  }

  optionalConditions<Name extends string>(name: Name): { readonly [K in Name]?: WriteConditions } {
    if (!this.has(name)) return {} as { [K in Name]?: WriteConditions };
    const reader = this.object(name);
    const conditions: WriteConditions = {
      ...(reader.has('ifMatch') ? { ifMatch: reader.string('ifMatch', { bytesMax: 130, bytesMin: 1 }) } : {}),
      ...(reader.has('ifNoneMatch') ? { ifNoneMatch: reader.string('ifNoneMatch', { bytesMax: 130, bytesMin: 1 }) } : {}),
    };
    return { [name]: conditions } as { [K in Name]?: WriteConditions };
  }

  /** An ACL as stored or requested (s3-acl.ts): at most one of `canned` and `grants`, and an optional owner. */
  acl(name: string): StoredAcl {
    const reader = this.object(name);
    const canned = reader.has('canned') ? reader.oneOf('canned', cannedAcls) : undefined;
    const grants = reader.has('grants') ? reader.array('grants', aclGrantCountMax, parseAclGrant) : undefined;
    if (canned !== undefined && grants !== undefined) this.fail(name, 'has both a canned ACL and grants');
    return {
      ...(reader.has('ownerAccessKeyId') ? { ownerAccessKeyId: reader.id('ownerAccessKeyId') } : {}),
      ...(canned === undefined ? {} : { canned }),
      ...(grants === undefined ? {} : { grants }),
    };
  }

  publicAccessBlock(name: string): PublicAccessBlock {
    const reader = this.object(name);
    return {
      blockPublicAcls: reader.boolean('blockPublicAcls'),
      ignorePublicAcls: reader.boolean('ignorePublicAcls'),
      blockPublicPolicy: reader.boolean('blockPublicPolicy'),
      restrictPublicBuckets: reader.boolean('restrictPublicBuckets'),
    };
  }

  strings(name: string, countMax: number, bytesMax: number): string[] {
    const value = this.raw(name);
    if (!Array.isArray(value) || value.length > countMax) this.fail(name, `must be an array of at most ${countMax}`);
    return value.map((item, index) => checkString(item, `${this.#path}.${name}[${index}]`, { bytesMax }));
  }

  /** A bucket's CORS rules, checked as PutBucketCors checks them. */
  corsRules(name: string): CorsRule[] {
    const rules = this.array(name, corsRuleCountMax, (rule) => ({
      ...(rule.has('id') ? { id: rule.string('id', { bytesMax: 1024 }) } : {}),
      allowedMethods: rule.strings('allowedMethods', 100, 16) as CorsMethod[],
      allowedOrigins: rule.strings('allowedOrigins', 100, 4096),
      allowedHeaders: rule.strings('allowedHeaders', 100, 4096),
      exposeHeaders: rule.strings('exposeHeaders', 100, 4096),
      ...(rule.has('maxAgeSeconds') ? { maxAgeSeconds: rule.integer('maxAgeSeconds', { min: 0, max: 2 ** 31 }) } : {}),
    }));
    try {
      validateCorsRules(rules);
    } catch (error) {
      this.fail(name, `is not a valid CORS configuration: ${error instanceof Error ? error.message : String(error)}`);
    }
    return rules;
  }

  optionalAcl<Name extends string>(name: Name): { readonly [K in Name]?: StoredAcl } {
    return (this.has(name) ? { [name]: this.acl(name) } : {}) as { [K in Name]?: StoredAcl };
  }

  location(name: string): BlobRef[] {
    return this.array(name, blobCountPerLocationMax, (blob) => ({
      blobId: blob.id('blobId'),
      sizeBytes: blob.integer('sizeBytes', { min: 0, max: objectSizeBytesMax }),
      blake3: blob.string('blake3', { bytesMax: 128 }),
    }));
  }

  attributes(name: string): ObjectAttributes {
    const reader = this.object(name);
    return {
      contentHeaders: reader.contentHeaders('contentHeaders'),
      userMetadata: reader.userMetadata('userMetadata'),
      tags: reader.tags('tags', objectTagCountMax),
    };
  }

  contentHeaders(name: string): ContentHeaders {
    const reader = this.object(name);
    const headers: Record<string, string> = {};
    for (const header of contentHeaderNames) {
      if (reader.has(header)) headers[header] = reader.string(header, { bytesMax: metadataTextBytesMax });
    }
    return headers;
  }

  userMetadata(name: string): Record<string, string> {
    const reader = this.object(name);
    const entries = Object.entries(reader.#fields);
    let bytes = 0;
    const checked: [string, string][] = entries.map(([metadataName, value]) => {
      const text = checkString(value, `${this.#path}.${name}.${metadataName}`, { bytesMax: userMetadataBytesMax });
      bytes += byteLength(metadataName) + byteLength(text);
      return [checkString(metadataName, `${this.#path}.${name} name`, { bytesMax: userMetadataBytesMax, bytesMin: 1 }), text];
    });
    if (bytes > userMetadataBytesMax) this.fail(name, `is ${bytes} bytes, above ${userMetadataBytesMax}`);
    return Object.fromEntries(checked);
  }
}

function parseAclGrant(grant: FieldReader): AclGrant {
  const permission = grant.oneOf('permission', aclPermissions);
  const grantee = grant.object('grantee');
  const type = grantee.oneOf('type', ['CanonicalUser', 'Group'] as const);
  return type === 'CanonicalUser'
    ? { grantee: { type, id: grantee.string('id', { bytesMax: 64, bytesMin: 64 }) }, permission }
    : { grantee: { type, uri: grantee.oneOf('uri', s3AclGroupUris) }, permission };
}

export const contentHeaderNames = ['contentType', 'contentEncoding', 'contentDisposition', 'contentLanguage', 'cacheControl', 'expires'] as const;

/** `value` as a string of `limits` UTF-8 bytes, well-formed; the path names it in the error. */
export function checkString(value: unknown, path: string, limits: { readonly bytesMax: number; readonly bytesMin?: number }): string {
  if (typeof value !== 'string') throw new ObjectMetadataCommandInvalidError(`${path} must be a string`);
  if (value.length > limits.bytesMax) throw new ObjectMetadataCommandInvalidError(`${path} is longer than ${limits.bytesMax} bytes`);
  const bytes = byteLength(value);
  if (bytes > limits.bytesMax || bytes < (limits.bytesMin ?? 0)) {
    throw new ObjectMetadataCommandInvalidError(`${path} must be ${limits.bytesMin ?? 0} to ${limits.bytesMax} bytes, got ${bytes}`);
  }
  if (!isWellFormedUtf16(value)) throw new ObjectMetadataCommandInvalidError(`${path} is not valid Unicode`);
  return value;
}

/** UTF-8 length of a well-formed string. */
export function byteLength(text: string): number {
  let bytes = text.length;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0x80) bytes += unit >= 0x800 && (unit < 0xd800 || unit > 0xdfff) ? 2 : 1;
  }
  return bytes;
}
