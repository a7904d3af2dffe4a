/**
 * The object-store metadata state machine: buckets, object versions, multipart uploads and access
 * keys, applied deterministically from committed commands (see object-metadata-commands.ts for what
 * the proposer stamps). Reads (get, head, list) are methods the edge calls after a ReadIndex; they
 * are not commands.
 *
 * S3 semantics followed (and where S3 leaves a choice, which one):
 * - CreateBucket by the owner of an existing bucket answers BucketAlreadyOwnedByYou in every region
 *   (AWS answers 200 in us-east-1 for legacy reasons; versitygw and MinIO do not either); another
 *   owner gets BucketAlreadyExists.
 * - DeleteBucket: BucketNotEmpty while any version or delete marker remains. In-progress multipart
 *   uploads do not block it (as AWS: they are aborted with the bucket, their parts become garbage).
 * - Versioning: Enabled puts add a version; Unversioned and Suspended puts replace the 'null'
 *   version wherever it is in the stack and put the new one on top. DELETE without a version id
 *   adds a delete marker (Enabled: a fresh id; Suspended: 'null', replacing the null version) or,
 *   Unversioned, removes the null version. DELETE with a version id removes exactly that version
 *   (a delete marker too, which "un-deletes"); an unknown version id is a no-op, as S3's 204.
 * - Conditional writes are checked at apply time against the current version (latest, not a
 *   delete marker): If-None-Match: * fails with PreconditionFailed when it exists; If-Match fails
 *   with NoSuchKey when there is none and PreconditionFailed when the ETag differs.
 */
import { assert, assertNever } from '@objectbox/util';
import {
  decodeObjectMetadataEntry,
  type CompleteMultipartUploadCommand,
  type CreateMultipartUploadCommand,
  type DeleteObjectTarget,
  type ObjectMetadataCommand,
  type ObjectMetadataOp,
  type PutObjectCommand,
  type UploadPartCommand,
  type WriteConditions,
} from './object-metadata-commands.js';
import { BlobReferenceIndex } from './object-metadata-blob-index.js';
import { compareUtf8, OrderedIndex } from './object-metadata-index.js';
import {
  decodeContinuationToken,
  encodeContinuationToken,
  latestVersionOf,
  listMultipartUploads,
  listObjects,
  listObjectVersions,
  listParts,
  versionsOf,
  type ListMultipartUploadsOptions,
  type ListMultipartUploadsPage,
  type ListObjectsPage,
  type ListObjectVersionsOptions,
  type ListObjectVersionsPage,
  type ListPartsOptions,
  type ListPartsPage,
  type VersionStack,
} from './object-metadata-listing.js';
import {
  accessKeyCountMax,
  bucketCountMax,
  nullVersionId,
  objectSizeBytesMax,
  objectVersionCountPerKeyMax,
  partSizeBytesMin,
  replyError,
  replyOk,
  unquoteEtag,
  uploadCountPerBucketMax,
  versionFingerprintOf,
  type AccessKey,
  type AccessKeyStatus,
  type BlobRef,
  type Bucket,
  type CompletedPart,
  type ContentHeaders,
  type MultipartUpload,
  type ObjectAttributes,
  type ObjectMetadataError,
  type ObjectMetadataReply,
  type ObjectVersion,
  type Tag,
  type UploadedPart,
  type VersioningStatus,
} from './object-metadata-model.js';
import { effectiveObjectOwnership, isOwnerOnlyCannedAcl, objectAclOfWrite, storedAclOf, type AclRequest, type StoredAcl } from './s3-acl.js';
import { isPublicAcl } from './s3-public-access-block.js';
import { lifecycleTargetIsDue, planLifecyclePage, type ExpireLifecycleCommand, type LifecycleCursor, type LifecyclePage, type LifecyclePageLimits, type LifecycleTarget } from './object-metadata-lifecycle.js';
import { abortingRuleOf, type LifecycleClock, type LifecycleRule } from './s3-lifecycle.js';

type NoncurrentTarget = Extract<LifecycleTarget, { kind: 'ExpireNoncurrent' }>;
import { restoreObjectMetadataInSteps, restoreObjectMetadataState, snapshotObjectMetadataChunks } from './object-metadata-snapshot.js';

/** The value of a successful apply, per command. */
export interface ObjectMetadataValues {
  CreateBucket: { readonly bucket: Bucket };
  DeleteBucket: { readonly abortedUploadCount: number };
  PutBucketVersioning: { readonly versioning: VersioningStatus };
  PutBucketTagging: Record<string, never>;
  DeleteBucketTagging: Record<string, never>;
  PutBucketPolicy: Record<string, never>;
  DeleteBucketPolicy: Record<string, never>;
  PutBucketOwnershipControls: Record<string, never>;
  DeleteBucketOwnershipControls: Record<string, never>;
  PutBucketAcl: Record<string, never>;
  PutPublicAccessBlock: Record<string, never>;
  DeletePublicAccessBlock: Record<string, never>;
  PutBucketCors: Record<string, never>;
  DeleteBucketCors: Record<string, never>;
  PutBucketLifecycle: Record<string, never>;
  DeleteBucketLifecycle: Record<string, never>;
  /** Targets applied and skipped (no longer as planned). */
  ExpireLifecycle: { readonly appliedCount: number; readonly skippedCount: number };
  PutObjectAcl: { readonly versionId: string };
  PutObject: ObjectWriteValue;
  DeleteObject: DeleteObjectValue;
  DeleteObjects: { readonly results: readonly DeleteObjectsEntry[] };
  PutObjectTagging: { readonly versionId: string };
  DeleteObjectTagging: { readonly versionId: string };
  CreateMultipartUpload: { readonly uploadId: string };
  UploadPart: { readonly etag: string };
  CompleteMultipartUpload: ObjectWriteValue;
  AbortMultipartUpload: Record<string, never>;
  CreateAccessKey: Record<string, never>;
  SetAccessKeyStatus: Record<string, never>;
  DeleteAccessKey: Record<string, never>;
}

export interface ObjectWriteValue {
  /** 'null' unless versioning is Enabled; send x-amz-version-id unless versioning is Unversioned. */
  readonly versionId: string;
  readonly versioning: VersioningStatus;
  readonly etag: string;
  readonly sizeBytes: number;
}

export interface DeleteObjectValue {
  /** x-amz-version-id: the marker's id, or the removed version's id. */
  readonly versionId: string | undefined;
  /** x-amz-delete-marker: a marker was created, or the removed version was one. */
  readonly deleteMarker: boolean;
  /** Whether a version was removed (S3 answers 204 either way). */
  readonly removed: boolean;
}

export type DeleteObjectsEntry =
  | ({ readonly ok: true; readonly key: string; readonly requestedVersionId: string | undefined } & DeleteObjectValue)
  | { readonly ok: false; readonly key: string; readonly requestedVersionId: string | undefined; readonly error: ObjectMetadataError };

export type ObjectMetadataValue = ObjectMetadataValues[ObjectMetadataOp];
export type ObjectMetadataApplyReply = ObjectMetadataReply<ObjectMetadataValue>;

/** A bucket's mutable state. Exposed to the snapshot module only. */
export interface BucketState {
  bucket: Bucket;
  readonly objects: OrderedIndex<VersionStack>;
  /** key → uploads of that key, by initiation time then upload id. */
  readonly uploads: OrderedIndex<readonly MultipartUpload[]>;
  readonly uploadsById: Map<string, UploadState>;
  /** The machine-wide blob reference index (shared by every bucket of one state). */
  readonly blobRefs: BlobReferenceIndex;
}

export interface UploadState {
  readonly upload: MultipartUpload;
  readonly parts: Map<number, UploadedPart>;
}

/** The whole state; the snapshot module reads and rebuilds it. */
export interface ObjectMetadataState {
  appliedIndex: number;
  readonly buckets: OrderedIndex<BucketState>;
  readonly accessKeys: Map<string, AccessKey>;
  readonly blobRefs: BlobReferenceIndex;
}

export function createObjectMetadataState(): ObjectMetadataState {
  return { appliedIndex: 0, buckets: new OrderedIndex(), accessKeys: new Map(), blobRefs: new BlobReferenceIndex() };
}

export function createBucketState(bucket: Bucket, blobRefs: BlobReferenceIndex): BucketState {
  return { bucket, objects: new OrderedIndex(), uploads: new OrderedIndex(), uploadsById: new Map(), blobRefs };
}

const emptyRecord: Readonly<Record<string, string>> = Object.freeze({});
const emptyHeaders: ContentHeaders = Object.freeze({});
const emptyTags: readonly Tag[] = Object.freeze([]);
const emptyBlobs: readonly BlobRef[] = Object.freeze([]);

/**
 * Builds a version with every field in one fixed order (one hidden class for all versions, so V8
 * keeps the fields in-object), sharing the frozen empty records.
 */
export function createObjectVersion(fields: ObjectVersion): ObjectVersion {
  const version: ObjectVersion = {
    versionId: fields.versionId === nullVersionId ? nullVersionId : fields.versionId,
    isDeleteMarker: fields.isDeleteMarker,
    lastModifiedMs: fields.lastModifiedMs,
    sizeBytes: fields.sizeBytes,
    etag: fields.etag,
    checksums: fields.checksums,
    checksumType: fields.checksumType,
    contentHeaders: internContentHeaders(fields.contentHeaders),
    userMetadata: Object.keys(fields.userMetadata).length === 0 ? emptyRecord : fields.userMetadata,
    tags: fields.tags.length === 0 ? emptyTags : fields.tags,
    location: fields.location.length === 0 ? emptyBlobs : fields.location,
    parts: fields.parts,
  };
  // Only when there is one: the common private version keeps its shape and size.
  return fields.acl === undefined ? version : { ...version, acl: fields.acl };
}

/** Distinct content-header records shared between versions (most objects repeat a few). */
const contentHeadersInterned = new Map<string, ContentHeaders>();
const contentHeadersInternedCountMax = 4096;

/**
 * The shared copy of equal content headers. Invisible to results (records are read-only), so it
 * cannot break determinism; it saves about 60 bytes per object.
 */
function internContentHeaders(headers: ContentHeaders): ContentHeaders {
  const names = Object.keys(headers);
  if (names.length === 0) return emptyHeaders;
  // The common record, a Content-Type alone, is keyed by its value (no JSON per version); JSON
  // identities always start with '{', so the space prefix keeps the two kinds apart.
  const identity = names.length === 1 && headers.contentType !== undefined ? ` ${headers.contentType}` : JSON.stringify(headers);
  const interned = contentHeadersInterned.get(identity);
  if (interned !== undefined) return interned;
  const frozen = Object.freeze({ ...headers });
  if (contentHeadersInterned.size < contentHeadersInternedCountMax) contentHeadersInterned.set(identity, frozen);
  return frozen;
}

function deleteMarker(versionId: string, lastModifiedMs: number): ObjectVersion {
  return createObjectVersion({
    versionId,
    isDeleteMarker: true,
    lastModifiedMs,
    sizeBytes: 0,
    etag: '',
    checksums: undefined,
    checksumType: undefined,
    contentHeaders: emptyHeaders,
    userMetadata: emptyRecord,
    tags: emptyTags,
    location: emptyBlobs,
    parts: undefined,
  });
}

/** See the module comment. Implements the consensus runtime's StateMachine contract. */
export class ObjectMetadataMachine {
  #state: ObjectMetadataState = createObjectMetadataState();

  /** The log index of the last applied command. */
  get appliedIndex(): number {
    return this.#state.appliedIndex;
  }

  /**
   * Applies one committed command. Bytes that do not decode answer InvalidArgument and change
   * nothing (deterministically on every replica): the proposer validates before proposing, so they
   * mean a bug or a foreign log, and must not wedge the group.
   */
  apply(command: Uint8Array, index: number): ObjectMetadataApplyReply {
    let decoded: ObjectMetadataCommand;
    try {
      // Attached object bytes (a small PutObject) are the replica's to store, not state here.
      decoded = decodeObjectMetadataEntry(command).command;
    } catch (error) {
      this.#advance(index);
      return replyError({ code: 'InvalidArgument', message: error instanceof Error ? error.message : 'invalid command' });
    }
    return this.applyCommand(decoded, index);
  }

  /** Applies an already decoded command (the local proposer's path, and tests). */
  applyCommand<C extends ObjectMetadataCommand>(command: C, index: number): ObjectMetadataReply<ObjectMetadataValues[C['op']]> {
    this.#advance(index);
    return this.#dispatch(command) as ObjectMetadataReply<ObjectMetadataValues[C['op']]>;
  }

  #advance(index: number): void {
    assert(Number.isSafeInteger(index) && index > this.#state.appliedIndex, `apply index ${index} must exceed ${this.#state.appliedIndex}`);
    this.#state.appliedIndex = index;
  }

  #dispatch(command: ObjectMetadataCommand): ObjectMetadataApplyReply {
    switch (command.op) {
      case 'CreateBucket':
        return this.#createBucket(command);
      case 'DeleteBucket':
        return this.#deleteBucket(command.bucket);
      case 'PutBucketVersioning':
        return this.#withBucket(command.bucket, [], (state) => {
          state.bucket = { ...state.bucket, versioning: command.status };
          return replyOk({ versioning: command.status });
        });
      case 'PutBucketTagging':
      case 'DeleteBucketTagging': {
        const tags = command.op === 'PutBucketTagging' ? command.tags : undefined;
        return this.#withBucket(command.bucket, [], (state) => {
          state.bucket = { ...state.bucket, tags };
          return replyOk({});
        });
      }
      case 'PutBucketPolicy':
      case 'DeleteBucketPolicy': {
        const policy = command.op === 'PutBucketPolicy' ? command.policy : undefined;
        return this.#withBucket(command.bucket, [], (state) => {
          const { policy: _previous, ...rest } = state.bucket;
          state.bucket = policy === undefined ? rest : { ...rest, policy };
          return replyOk({});
        });
      }
      case 'PutBucketOwnershipControls':
        return this.#withBucket(command.bucket, [], (state) => {
          // S3 refuses to disable ACLs while the bucket's own ACL grants anyone but its owner.
          if (command.objectOwnership === 'BucketOwnerEnforced' && state.bucket.acl !== undefined) return invalidBucketAclWithObjectOwnership();
          state.bucket = { ...state.bucket, objectOwnership: command.objectOwnership };
          return replyOk({});
        });
      case 'DeleteBucketOwnershipControls':
        return this.#withBucket(command.bucket, [], (state) => {
          state.bucket = { ...state.bucket, objectOwnership: 'NotSet' };
          return replyOk({});
        });
      case 'PutBucketAcl':
        return this.#withBucket(command.bucket, [], (state) => {
          const acl = bucketAclOf(command.acl);
          if (effectiveObjectOwnership(state.bucket.objectOwnership) === 'BucketOwnerEnforced' && acl !== undefined) return accessControlListNotSupported();
          const { acl: _previous, ...rest } = state.bucket;
          state.bucket = acl === undefined ? rest : { ...rest, acl };
          return replyOk({});
        });
      case 'PutObjectAcl':
        return this.#withBucket(command.bucket, [], (state) => this.#putObjectAcl(state, command));
      case 'PutPublicAccessBlock':
      case 'DeletePublicAccessBlock': {
        const configuration = command.op === 'PutPublicAccessBlock' ? command.configuration : undefined;
        return this.#withBucket(command.bucket, [], (state) => {
          const { publicAccessBlock: _previous, ...rest } = state.bucket;
          state.bucket = configuration === undefined ? rest : { ...rest, publicAccessBlock: configuration };
          return replyOk({});
        });
      }
      case 'PutBucketCors':
      case 'DeleteBucketCors': {
        const rules = command.op === 'PutBucketCors' ? command.rules : undefined;
        return this.#withBucket(command.bucket, [], (state) => {
          const { cors: _previous, ...rest } = state.bucket;
          state.bucket = rules === undefined ? rest : { ...rest, cors: rules };
          return replyOk({});
        });
      }
      case 'PutBucketLifecycle':
      case 'DeleteBucketLifecycle': {
        const rules = command.op === 'PutBucketLifecycle' ? command.rules : undefined;
        return this.#withBucket(command.bucket, [], (state) => {
          const { lifecycle: _previous, ...rest } = state.bucket;
          state.bucket = rules === undefined ? rest : { ...rest, lifecycle: rules };
          return replyOk({});
        });
      }
      case 'ExpireLifecycle':
        return this.#withBucket(command.bucket, [], (state) => this.#expireLifecycle(state, command));
      case 'PutObject':
        return this.#putObject(command);
      case 'DeleteObject':
        return this.#withBucket(command.bucket, [], (state) => this.#deleteObject(state, command, command.lastModifiedMs));
      case 'DeleteObjects':
        return this.#withBucket(command.bucket, [], (state) => this.#deleteObjects(state, command.objects, command.lastModifiedMs));
      case 'PutObjectTagging':
      case 'DeleteObjectTagging': {
        const tags = command.op === 'PutObjectTagging' ? command.tags : emptyTags;
        return this.#withBucket(command.bucket, [], (state) => this.#setObjectTags(state, command.key, command.versionId, tags));
      }
      case 'CreateMultipartUpload':
        return this.#withBucket(command.bucket, [], (state) => this.#createUpload(state, command));
      case 'UploadPart':
        return this.#withBucket(command.bucket, command.location, (state) => this.#uploadPart(state, command));
      case 'CompleteMultipartUpload':
        return this.#withBucket(command.bucket, [], (state) => this.#completeUpload(state, command));
      case 'AbortMultipartUpload':
        return this.#withBucket(command.bucket, [], (state) => {
          const upload = findUpload(state, command.key, command.uploadId);
          if (upload === undefined) return noSuchUpload(command.uploadId);
          return replyOk({}, removeUpload(state, upload));
        });
      case 'CreateAccessKey':
        return this.#createAccessKey(command);
      case 'SetAccessKeyStatus':
        return this.#setAccessKeyStatus(command.accessKeyId, command.status);
      case 'DeleteAccessKey':
        if (!this.#state.accessKeys.delete(command.accessKeyId)) return noSuchAccessKey(command.accessKeyId);
        return replyOk({});
      default:
        return assertNever(command, 'unknown object metadata command');
    }
  }

  #withBucket(bucket: string, garbageOnError: readonly BlobRef[], then: (state: BucketState) => ObjectMetadataApplyReply): ObjectMetadataApplyReply {
    const state = this.#state.buckets.get(bucket);
    if (state === undefined) return replyError({ code: 'NoSuchBucket', message: `The specified bucket does not exist: ${bucket}` }, garbageOnError);
    return then(state);
  }

  #createBucket(command: Extract<ObjectMetadataCommand, { op: 'CreateBucket' }>): ObjectMetadataApplyReply {
    const existing = this.#state.buckets.get(command.bucket);
    if (existing !== undefined) {
      return existing.bucket.ownerAccessKeyId === command.ownerAccessKeyId
        ? replyError({ code: 'BucketAlreadyOwnedByYou', message: 'Your previous request to create the named bucket succeeded and you already own it.' })
        : replyError({ code: 'BucketAlreadyExists', message: 'The requested bucket name is not available.' });
    }
    if (this.#state.buckets.size >= bucketCountMax) return replyError({ code: 'TooManyBuckets', message: `You have attempted to create more than ${bucketCountMax} buckets.` });
    const acl = bucketAclOf(command.acl);
    if (effectiveObjectOwnership(command.objectOwnership) === 'BucketOwnerEnforced' && acl !== undefined) return invalidBucketAclWithObjectOwnership();
    const bucket: Bucket = {
      name: command.bucket,
      createdAtMs: command.createdAtMs,
      ownerAccessKeyId: command.ownerAccessKeyId,
      region: command.region,
      versioning: 'Unversioned',
      tags: undefined,
      ...(command.objectOwnership === undefined ? {} : { objectOwnership: command.objectOwnership }),
      ...(acl === undefined ? {} : { acl }),
    };
    this.#state.buckets.set(command.bucket, createBucketState(bucket, this.#state.blobRefs));
    return replyOk({ bucket });
  }

  #deleteBucket(bucket: string): ObjectMetadataApplyReply {
    return this.#withBucket(bucket, [], (state) => {
      if (state.objects.size > 0) return replyError({ code: 'BucketNotEmpty', message: 'The bucket you tried to delete is not empty.' });
      const garbage: BlobRef[] = [];
      for (const upload of state.uploadsById.values()) for (const part of upload.parts.values()) garbage.push(...part.location);
      const abortedUploadCount = state.uploadsById.size;
      state.blobRefs.remove(garbage);
      this.#state.buckets.delete(bucket);
      return replyOk({ abortedUploadCount }, garbage);
    });
  }

  #putObject(command: PutObjectCommand): ObjectMetadataApplyReply {
    return this.#withBucket(command.bucket, command.location, (state) => {
      const precondition = checkLocation(command.location, command.sizeBytes) ?? checkConditions(state, command.key, command.conditions);
      if (precondition !== undefined) return replyError(precondition, command.location);
      const acl = objectAclOfWrite({ ownership: state.bucket.objectOwnership, bucketOwnerAccessKeyId: state.bucket.ownerAccessKeyId, writerAccessKeyId: command.writerAccessKeyId, request: command.acl });
      if (!acl.ok) return accessControlListNotSupported(command.location);
      const version = createObjectVersion({
        versionId: command.versionId,
        isDeleteMarker: false,
        lastModifiedMs: command.lastModifiedMs,
        sizeBytes: command.sizeBytes,
        etag: command.etag,
        checksums: command.checksums,
        checksumType: command.checksumType,
        ...command.attributes,
        location: command.location,
        parts: undefined,
        acl: acl.acl,
      });
      return writeVersion(state, command.key, version, { keep: command.location, garbageOnError: command.location });
    });
  }

  #deleteObject(state: BucketState, target: DeleteObjectTarget, lastModifiedMs: number): ObjectMetadataReply<DeleteObjectValue> {
    const versions = versionsOf(state.objects.get(target.key));
    if (target.versionId !== undefined) {
      const at = versions.findIndex((version) => version.versionId === target.versionId);
      if (at < 0) return replyOk({ versionId: target.versionId, deleteMarker: false, removed: false });
      const removed = versions[at]!;
      setVersions(state, target.key, versions.filter((_, position) => position !== at), { removed });
      return replyOk({ versionId: removed.versionId, deleteMarker: removed.isDeleteMarker, removed: true }, removed.location);
    }
    const versioning = state.bucket.versioning;
    if (versioning === 'Enabled') {
      if (target.markerVersionId === nullVersionId || versions.some((version) => version.versionId === target.markerVersionId)) {
        return replyError({ code: 'InvalidArgument', message: `version id ${target.markerVersionId} is not fresh` });
      }
      if (versions.length >= objectVersionCountPerKeyMax) return tooManyVersions(target.key);
      setVersions(state, target.key, [deleteMarker(target.markerVersionId, lastModifiedMs), ...versions], {});
      return replyOk({ versionId: target.markerVersionId, deleteMarker: true, removed: false });
    }
    const nullVersion = versions.find((version) => version.versionId === nullVersionId);
    const others = versions.filter((version) => version !== nullVersion);
    const garbage = nullVersion?.location ?? [];
    if (versioning === 'Unversioned') {
      setVersions(state, target.key, others, { removed: nullVersion });
      return replyOk({ versionId: undefined, deleteMarker: false, removed: nullVersion !== undefined }, garbage);
    }
    setVersions(state, target.key, [deleteMarker(nullVersionId, lastModifiedMs), ...others], { removed: nullVersion });
    return replyOk({ versionId: nullVersionId, deleteMarker: true, removed: nullVersion !== undefined }, garbage);
  }

  /** ExpireLifecycle: each target still due for the version it names, decided again now (object-metadata-lifecycle.ts). */
  #expireLifecycle(state: BucketState, command: ExpireLifecycleCommand): ObjectMetadataApplyReply {
    const garbage: BlobRef[] = [];
    let appliedCount = 0;
    const rules = state.bucket.lifecycle;
    const clock = { nowMs: command.lastModifiedMs, dayLengthMs: command.dayLengthMs };
    const targets = command.targets;
    for (let index = 0; index < targets.length; index++) {
      const target = targets[index]!;
      if (target.kind === 'ExpireNoncurrent') {
        let end = index + 1;
        while (end < targets.length && targets[end]!.kind === 'ExpireNoncurrent' && targets[end]!.key === target.key) end++;
        appliedCount += this.#expireNoncurrentRun(state, target.key, targets.slice(index, end) as NoncurrentTarget[], rules, clock, garbage);
        index = end - 1;
        continue;
      }
      if (target.kind === 'AbortUpload') {
        const upload = findUpload(state, target.key, target.uploadId);
        if (upload === undefined || rules === undefined || abortingRuleOf(rules, target.key, upload.upload.initiatedAtMs, clock) === undefined) continue;
        garbage.push(...removeUpload(state, upload));
        appliedCount++;
        continue;
      }
      // ExpireCurrent names the current version; a lone delete marker is the only version.
      const versions = versionsOf(state.objects.get(target.key));
      const version = versions[0];
      if (version === undefined || versionFingerprintOf(version) !== target.fingerprint || !lifecycleTargetIsDue(rules, target, versions, 0, clock)) continue;
      const deleteTarget = target.kind === 'ExpireCurrent' ? { key: target.key, markerVersionId: target.markerVersionId } : { key: target.key, versionId: version.versionId, markerVersionId: version.versionId };
      const reply = this.#deleteObject(state, deleteTarget, command.lastModifiedMs);
      garbage.push(...reply.garbage);
      if (reply.ok) appliedCount++;
    }
    return replyOk({ appliedCount, skippedCount: command.targets.length - appliedCount }, garbage);
  }

  /**
   * Consecutive ExpireNoncurrent targets of one key, each decided against the versions left by the
   * ones before it (as one at a time would), with one fingerprint map and one rewrite of the list: a
   * page may name 1,000 noncurrent versions of one key, and a fingerprint search plus a copy of the
   * whole list per target made one apply take 4.5 s at 10,000 versions and 75 s at 100,000, on every
   * replica (review). Returns how many were removed.
   */
  #expireNoncurrentRun(state: BucketState, key: string, run: readonly NoncurrentTarget[], rules: readonly LifecycleRule[] | undefined, clock: LifecycleClock, garbage: BlobRef[]): number {
    const remaining = [...versionsOf(state.objects.get(key))];
    const byFingerprint = new Map(remaining.map((version) => [versionFingerprintOf(version), version] as const));
    const removed: ObjectVersion[] = [];
    for (const target of run) {
      const version = byFingerprint.get(target.fingerprint);
      if (version === undefined) continue;
      const at = remaining.indexOf(version);
      if (!lifecycleTargetIsDue(rules, target, remaining, at, clock)) continue;
      remaining.splice(at, 1);
      byFingerprint.delete(target.fingerprint);
      removed.push(version);
    }
    if (removed.length === 0) return 0;
    for (const version of removed) {
      state.blobRefs.replaceVersion(version, undefined);
      garbage.push(...version.location);
    }
    setVersions(state, key, remaining, {});
    return removed.length;
  }

  #deleteObjects(state: BucketState, targets: readonly DeleteObjectTarget[], lastModifiedMs: number): ObjectMetadataApplyReply {
    const garbage: BlobRef[] = [];
    const results = targets.map((target): DeleteObjectsEntry => {
      const reply = this.#deleteObject(state, target, lastModifiedMs);
      garbage.push(...reply.garbage);
      return reply.ok
        ? { ok: true, key: target.key, requestedVersionId: target.versionId, ...reply.value }
        : { ok: false, key: target.key, requestedVersionId: target.versionId, error: reply.error };
    });
    return replyOk({ results }, garbage);
  }

  #setObjectTags(state: BucketState, key: string, versionId: string | undefined, tags: readonly Tag[]): ObjectMetadataApplyReply {
    const found = findVersion(state, key, versionId);
    if (!found.ok) return found;
    const versions = versionsOf(state.objects.get(key)).map((version) => (version === found.value ? createObjectVersion({ ...version, tags }) : version));
    setVersions(state, key, versions, {}); // same location, new tags: no reference changes
    return replyOk({ versionId: found.value.versionId });
  }

  /** PutObjectAcl: the version's grants change, its owner stays. */
  #putObjectAcl(state: BucketState, command: Extract<ObjectMetadataCommand, { op: 'PutObjectAcl' }>): ObjectMetadataApplyReply {
    const found = findVersion(state, command.key, command.versionId);
    if (!found.ok) return found;
    // The edge authorized (and resolved) one version; a write between then and now must not receive the ACL meant for it.
    if (command.authorizedVersion !== undefined && versionFingerprintOf(found.value) !== command.authorizedVersion) {
      return replyError({ code: 'OperationAborted', message: 'The object changed while its ACL was being set.' });
    }
    if (effectiveObjectOwnership(state.bucket.objectOwnership) === 'BucketOwnerEnforced') {
      if (!isOwnerOnlyCannedAcl(command.acl)) return accessControlListNotSupported();
      return replyOk({ versionId: found.value.versionId });
    }
    const acl = storedAclOf(command.acl, found.value.acl?.ownerAccessKeyId);
    const versions = versionsOf(state.objects.get(command.key)).map((version) => {
      if (version !== found.value) return version;
      const { acl: _previous, ...rest } = version;
      return createObjectVersion(acl === undefined ? rest : { ...rest, acl });
    });
    setVersions(state, command.key, versions, {}); // same location, new ACL: no reference changes
    return replyOk({ versionId: found.value.versionId });
  }

  #createUpload(state: BucketState, command: CreateMultipartUploadCommand): ObjectMetadataApplyReply {
    if (state.uploadsById.has(command.uploadId)) return replyError({ code: 'InvalidArgument', message: `upload id ${command.uploadId} is not fresh` });
    if (state.uploadsById.size >= uploadCountPerBucketMax) return replyError({ code: 'TooManyUploads', message: `at most ${uploadCountPerBucketMax} uploads per bucket` });
    const acl = objectAclOfWrite({ ownership: state.bucket.objectOwnership, bucketOwnerAccessKeyId: state.bucket.ownerAccessKeyId, writerAccessKeyId: command.ownerAccessKeyId, request: command.acl });
    if (!acl.ok) return accessControlListNotSupported();
    const upload: MultipartUpload = {
      bucket: command.bucket,
      key: command.key,
      uploadId: command.uploadId,
      initiatedAtMs: command.initiatedAtMs,
      ownerAccessKeyId: command.ownerAccessKeyId,
      attributes: command.attributes,
      checksumAlgorithm: command.checksumAlgorithm,
      checksumType: command.checksumType,
      ...(acl.acl === undefined ? {} : { acl: acl.acl }),
    };
    addUpload(state, { upload, parts: new Map() });
    return replyOk({ uploadId: command.uploadId });
  }

  #uploadPart(state: BucketState, command: UploadPartCommand): ObjectMetadataApplyReply {
    const upload = findUpload(state, command.key, command.uploadId);
    if (upload === undefined) return noSuchUpload(command.uploadId, command.location);
    const invalid = checkLocation(command.location, command.sizeBytes);
    if (invalid !== undefined) return replyError(invalid, command.location);
    const previous = upload.parts.get(command.partNumber);
    state.blobRefs.add(command.location);
    if (previous !== undefined) state.blobRefs.remove(previous.location);
    upload.parts.set(command.partNumber, {
      partNumber: command.partNumber,
      sizeBytes: command.sizeBytes,
      etag: command.etag,
      checksums: command.checksums,
      lastModifiedMs: command.lastModifiedMs,
      location: command.location,
    });
    return replyOk({ etag: command.etag }, garbageExcept(previous?.location ?? [], command.location));
  }

  #completeUpload(state: BucketState, command: CompleteMultipartUploadCommand): ObjectMetadataApplyReply {
    const upload = findUpload(state, command.key, command.uploadId);
    if (upload === undefined) return noSuchUpload(command.uploadId);
    const listed = checkCompleteParts(upload, command);
    if (!listed.ok) return listed;
    const precondition = checkConditions(state, command.key, command.conditions);
    if (precondition !== undefined) return replyError(precondition);
    // The ACL was checked against BlockPublicAcls when the upload was created; the block may have been set since.
    if (state.bucket.publicAccessBlock?.blockPublicAcls === true && isPublicAcl(upload.upload.acl)) {
      return replyError({ code: 'AccessDenied', message: 'Access Denied' });
    }
    const parts = listed.value;
    const location = parts.flatMap((part) => part.location);
    const sizeBytes = parts.reduce((sum, part) => sum + part.sizeBytes, 0);
    // 10,000 parts of 5 GiB exceed S3's 5 TiB object limit; a bigger version could not be restored from a snapshot.
    if (sizeBytes > objectSizeBytesMax) {
      return replyError({ code: 'EntityTooLarge', message: `Your proposed upload of ${sizeBytes} bytes exceeds the maximum allowed object size of ${objectSizeBytesMax} bytes.` });
    }
    const version = createObjectVersion({
      versionId: command.versionId,
      isDeleteMarker: false,
      lastModifiedMs: command.lastModifiedMs,
      sizeBytes,
      etag: `${command.md5OfPartMd5s}-${parts.length}`,
      checksums: command.checksums,
      checksumType: command.checksumType ?? upload.upload.checksumType,
      ...upload.upload.attributes,
      location,
      parts: parts.map((part): CompletedPart => ({ partNumber: part.partNumber, sizeBytes: part.sizeBytes, etag: part.etag, checksums: part.checksums })),
      acl: upload.upload.acl,
    });
    const written = writeVersion(state, command.key, version, { keep: location, garbageOnError: [] });
    if (!written.ok) return written;
    const unlisted = garbageExcept(removeUpload(state, upload), location);
    return replyOk(written.value, [...written.garbage, ...unlisted]);
  }

  #createAccessKey(command: Extract<ObjectMetadataCommand, { op: 'CreateAccessKey' }>): ObjectMetadataApplyReply {
    const keys = this.#state.accessKeys;
    if (keys.has(command.accessKeyId)) return replyError({ code: 'AccessKeyAlreadyExists', message: `access key ${command.accessKeyId} exists` });
    if (keys.size >= accessKeyCountMax) return replyError({ code: 'TooManyAccessKeys', message: `at most ${accessKeyCountMax} access keys` });
    const { accessKeyId, secretCiphertext, secretNonce, createdAtMs } = command;
    keys.set(accessKeyId, { accessKeyId, secretCiphertext, secretNonce, createdAtMs, status: 'Active' });
    return replyOk({});
  }

  #setAccessKeyStatus(accessKeyId: string, status: AccessKeyStatus): ObjectMetadataApplyReply {
    const key = this.#state.accessKeys.get(accessKeyId);
    if (key === undefined) return noSuchAccessKey(accessKeyId);
    this.#state.accessKeys.set(accessKeyId, { ...key, status });
    return replyOk({});
  }

  // ---- reads -------------------------------------------------------------------------------

  /** ListBuckets: every bucket (or the owner's), by name. */
  listBuckets(options: { ownerAccessKeyId?: string } = {}): readonly Bucket[] {
    const buckets: Bucket[] = [];
    for (const [, state] of this.#state.buckets.entries()) {
      if (options.ownerAccessKeyId === undefined || state.bucket.ownerAccessKeyId === options.ownerAccessKeyId) buckets.push(state.bucket);
    }
    return buckets;
  }

  /** HeadBucket / GetBucketLocation / GetBucketVersioning. */
  headBucket(bucket: string): ObjectMetadataReply<Bucket> {
    const state = this.#state.buckets.get(bucket);
    return state === undefined ? noSuchBucket(bucket) : replyOk(state.bucket);
  }

  getBucketTagging(bucket: string): ObjectMetadataReply<readonly Tag[]> {
    const state = this.#state.buckets.get(bucket);
    if (state === undefined) return noSuchBucket(bucket);
    if (state.bucket.tags === undefined) return replyError({ code: 'NoSuchTagSet', message: 'The TagSet does not exist' });
    return replyOk(state.bucket.tags);
  }

  /** GetBucketPolicy and policy evaluation: the policy text, or undefined when the bucket has none. */
  getBucketPolicy(bucket: string): ObjectMetadataReply<string | undefined> {
    const state = this.#state.buckets.get(bucket);
    return state === undefined ? noSuchBucket(bucket) : replyOk(state.bucket.policy);
  }

  /**
   * GetObject / HeadObject (and GetObjectTagging): the current version, or the given one. A delete
   * marker answers NoSuchKey (current) or MethodNotAllowed (by version id), both with deleteMarker.
   */
  getObject(request: { bucket: string; key: string; versionId?: string }): ObjectMetadataReply<ObjectVersion> {
    const state = this.#state.buckets.get(request.bucket);
    if (state === undefined) return noSuchBucket(request.bucket);
    return findVersion(state, request.key, request.versionId);
  }

  /** ListObjects (v1): `marker` is the previous page's NextMarker (or any key). */
  listObjectsV1(bucket: string, options: { prefix?: string; delimiter?: string; marker?: string; maxKeys: number }): ObjectMetadataReply<ListObjectsPage & { readonly nextMarker: string | undefined }> {
    const state = this.#state.buckets.get(bucket);
    if (state === undefined) return noSuchBucket(bucket);
    const page = listObjects(state.objects, { ...pick(options), after: options.marker, maxKeys: options.maxKeys });
    return replyOk({ ...page, nextMarker: page.isTruncated ? page.lastEntry : undefined });
  }

  /** ListObjectsV2: the continuation token wins over start-after, as in S3; an empty one is no token. */
  listObjectsV2(
    bucket: string,
    options: { prefix?: string; delimiter?: string; continuationToken?: string; startAfter?: string; maxKeys: number },
  ): ObjectMetadataReply<ListObjectsPage & { readonly nextContinuationToken: string | undefined; readonly keyCount: number }> {
    const state = this.#state.buckets.get(bucket);
    if (state === undefined) return noSuchBucket(bucket);
    let after = options.startAfter;
    if (options.continuationToken !== undefined && options.continuationToken !== '') {
      const decoded = decodeContinuationToken(options.continuationToken);
      if (!decoded.ok) return decoded;
      after = decoded.value;
    }
    const page = listObjects(state.objects, { ...pick(options), after, maxKeys: options.maxKeys });
    const nextContinuationToken = page.isTruncated && page.lastEntry !== undefined ? encodeContinuationToken(page.lastEntry) : undefined;
    return replyOk({ ...page, nextContinuationToken, keyCount: page.contents.length + page.commonPrefixes.length });
  }

  listObjectVersions(bucket: string, options: ListObjectVersionsOptions): ObjectMetadataReply<ListObjectVersionsPage> {
    const state = this.#state.buckets.get(bucket);
    return state === undefined ? noSuchBucket(bucket) : listObjectVersions(state.objects, options);
  }

  listMultipartUploads(bucket: string, options: ListMultipartUploadsOptions): ObjectMetadataReply<ListMultipartUploadsPage> {
    const state = this.#state.buckets.get(bucket);
    return state === undefined ? noSuchBucket(bucket) : replyOk(listMultipartUploads(state.uploads, options));
  }

  /** The upload and its parts (UploadPartCopy, the data path, Complete's proposer). */
  getMultipartUpload(request: { bucket: string; key: string; uploadId: string }): ObjectMetadataReply<{ readonly upload: MultipartUpload; readonly parts: ReadonlyMap<number, UploadedPart> }> {
    const state = this.#state.buckets.get(request.bucket);
    if (state === undefined) return noSuchBucket(request.bucket);
    const upload = findUpload(state, request.key, request.uploadId);
    return upload === undefined ? noSuchUpload(request.uploadId) : replyOk(upload);
  }

  listParts(request: { bucket: string; key: string; uploadId: string } & ListPartsOptions): ObjectMetadataReply<ListPartsPage & { readonly upload: MultipartUpload }> {
    const found = this.getMultipartUpload(request);
    if (!found.ok) return found;
    return replyOk({ ...listParts(found.value.parts, request), upload: found.value.upload });
  }

  /**
   * The lifecycle expiry loop's next bounded page from `cursor` (object-metadata-lifecycle.ts): the
   * ExpireLifecycle command to propose, if any, and the cursor to continue from.
   */
  planLifecycle(cursor: LifecycleCursor | undefined, options: { readonly clock: LifecycleClock; readonly limits: LifecyclePageLimits; readonly newVersionId: () => string }): LifecyclePage {
    return planLifecyclePage(this.#state, cursor, options);
  }

  /** True while any version or in-progress upload part references the blob (blob GC), O(1). */
  isBlobReferenced(blobId: string): boolean {
    return this.#state.blobRefs.has(blobId);
  }

  getAccessKey(accessKeyId: string): AccessKey | undefined {
    return this.#state.accessKeys.get(accessKeyId);
  }

  /** Access keys by id (secrets stay encrypted). */
  listAccessKeys(): readonly AccessKey[] {
    return [...this.#state.accessKeys.values()].sort((a, b) => compareUtf8(a.accessKeyId, b.accessKeyId));
  }

  // ---- snapshot ------------------------------------------------------------------------------

  /** The whole state as bytes; see object-metadata-snapshot.ts for the format. */
  snapshot(): Uint8Array {
    return Buffer.concat([...this.snapshotChunks()]);
  }

  /** The snapshot as a sequence of chunks, for writing to a file without one big buffer. */
  snapshotChunks(): Iterable<Uint8Array> {
    return snapshotObjectMetadataChunks(this.#state);
  }

  /** Replaces the whole state; a bad snapshot throws a typed error and leaves the state as it was. */
  restore(data: Uint8Array | Iterable<Uint8Array>): void {
    this.#state = restoreObjectMetadataState(data instanceof Uint8Array ? [data] : data);
  }

  /**
   * {@link restore} in steps of about 15 ms, for a caller that returns to its event loop between
   * them; the state is replaced after the last step, and stays as it was if the steps throw or are
   * abandoned.
   */
  *restoreInSteps(data: Uint8Array | Iterable<Uint8Array>): Generator<void, void> {
    this.#state = yield* restoreObjectMetadataInSteps(data instanceof Uint8Array ? [data] : data);
  }
}

function pick(options: { prefix?: string; delimiter?: string }): { prefix?: string; delimiter?: string } {
  return { ...(options.prefix === undefined ? {} : { prefix: options.prefix }), ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }) };
}

/** Puts `version` on top of `key`'s stack with S3's versioning rules; returns the write's value. */
function writeVersion(
  state: BucketState,
  key: string,
  version: ObjectVersion,
  blobs: { readonly keep: readonly BlobRef[]; readonly garbageOnError: readonly BlobRef[] },
): ObjectMetadataReply<ObjectWriteValue> {
  const fresh = blobs.garbageOnError;
  const versions = versionsOf(state.objects.get(key));
  const versioning = state.bucket.versioning;
  const value = (versionId: string): ObjectWriteValue => ({ versionId, versioning, etag: version.etag, sizeBytes: version.sizeBytes });
  if (versioning === 'Enabled') {
    if (version.versionId === nullVersionId || hasVersionId(versions, version.versionId)) {
      return replyError({ code: 'InvalidArgument', message: `version id ${version.versionId} is not fresh` }, fresh);
    }
    if (versions.length >= objectVersionCountPerKeyMax) return tooManyVersions(key, fresh);
    pushVersion(state, key, versions, version);
    return replyOk(value(version.versionId));
  }
  const replaced = versions.find((existing) => existing.versionId === nullVersionId);
  const others = versions.filter((existing) => existing !== replaced);
  if (others.length >= objectVersionCountPerKeyMax) return tooManyVersions(key, fresh);
  const written = createObjectVersion({ ...version, versionId: nullVersionId });
  setVersions(state, key, [written, ...others], { added: written, removed: replaced });
  return replyOk(value(nullVersionId), garbageExcept(replaced?.location ?? [], blobs.keep));
}

/**
 * Version ids of the large stacks that {@link hasVersionId} was asked about, kept while the stack
 * (the array) lives. A stack is replaced by a new array on every change except
 * {@link pushVersion}'s, which adds to the set, so an entry is never stale.
 */
const versionIdsOfLargeStacks = new WeakMap<readonly ObjectVersion[], Set<string>>();
/** Stacks up to this many versions are scanned instead. */
const versionIdScanCountMax = 64;

/**
 * Whether `versions` (a key's current stack) holds `versionId`. Every write to a key of a bucket
 * with versioning on asks this; a scan of a 50,000-version stack took ~1.5 ms (a cache miss or two
 * per version), so large stacks are answered from a set built once.
 */
function hasVersionId(versions: readonly ObjectVersion[], versionId: string): boolean {
  if (versions.length <= versionIdScanCountMax) return versions.some((existing) => existing.versionId === versionId);
  let ids = versionIdsOfLargeStacks.get(versions);
  if (ids === undefined) {
    ids = new Set(versions.map((existing) => existing.versionId));
    versionIdsOfLargeStacks.set(versions, ids);
  }
  return ids.has(versionId);
}

/**
 * Puts `version` on top of `key`'s stack `versions` (its current one). A stack of several versions
 * takes it in place: copying the whole stack per write made a key's n-th version cost O(n) (1.5 ms
 * at 50,000 versions). Nothing holds a stack across applies (listings and snapshot images are
 * built within one), so changing it in place is safe.
 */
function pushVersion(state: BucketState, key: string, versions: readonly ObjectVersion[], version: ObjectVersion): void {
  if (versions.length < 2) {
    setVersions(state, key, [version, ...versions], { added: version });
    return;
  }
  state.blobRefs.replaceVersion(undefined, version);
  (versions as ObjectVersion[]).unshift(version);
  versionIdsOfLargeStacks.get(versions)?.add(version.versionId);
}

/**
 * Replaces `key`'s version stack with `versions`, which differs from the current one by at most
 * the one version `added` and the one `removed`: the blob references change by those alone, so a
 * write to a key with many versions costs no pass over its stack in the reference index.
 */
function setVersions(state: BucketState, key: string, versions: readonly ObjectVersion[], change: { readonly added?: ObjectVersion; readonly removed?: ObjectVersion | undefined }): void {
  state.blobRefs.replaceVersion(change.removed, change.added);
  if (versions.length === 0) state.objects.delete(key);
  else state.objects.set(key, versions.length === 1 ? versions[0]! : versions);
}

function findVersion(state: BucketState, key: string, versionId: string | undefined): ObjectMetadataReply<ObjectVersion> {
  const stack = state.objects.get(key);
  if (versionId === undefined) {
    const latest = latestVersionOf(stack);
    if (latest === undefined) return replyError({ code: 'NoSuchKey', message: 'The specified key does not exist.' });
    if (latest.isDeleteMarker) return replyError({ code: 'NoSuchKey', message: 'The specified key does not exist.', deleteMarker: true, versionId: latest.versionId });
    return replyOk(latest);
  }
  const version = versionsOf(stack).find((candidate) => candidate.versionId === versionId);
  if (version === undefined) return replyError({ code: 'NoSuchVersion', message: 'The specified version does not exist.', versionId });
  if (version.isDeleteMarker) {
    return replyError({ code: 'MethodNotAllowed', message: 'The specified method is not allowed against this resource.', deleteMarker: true, versionId, lastModifiedMs: version.lastModifiedMs });
  }
  return replyOk(version);
}

function checkConditions(state: BucketState, key: string, conditions: WriteConditions | undefined): ObjectMetadataError | undefined {
  if (conditions === undefined) return undefined;
  const latest = latestVersionOf(state.objects.get(key));
  const current = latest === undefined || latest.isDeleteMarker ? undefined : latest;
  if (conditions.ifNoneMatch !== undefined && current !== undefined && (conditions.ifNoneMatch === '*' || unquoteEtag(conditions.ifNoneMatch) === current.etag)) {
    return { code: 'PreconditionFailed', message: 'At least one of the pre-conditions you specified did not hold (If-None-Match)' };
  }
  if (conditions.ifMatch !== undefined) {
    if (current === undefined) return { code: 'NoSuchKey', message: 'The specified key does not exist.' };
    if (conditions.ifMatch !== '*' && unquoteEtag(conditions.ifMatch) !== current.etag) {
      return { code: 'PreconditionFailed', message: 'At least one of the pre-conditions you specified did not hold (If-Match)' };
    }
  }
  return undefined;
}

function checkLocation(location: readonly BlobRef[], sizeBytes: number): ObjectMetadataError | undefined {
  const total = location.reduce((sum, blob) => sum + blob.sizeBytes, 0);
  return total === sizeBytes ? undefined : { code: 'InvalidArgument', message: `location holds ${total} bytes, the object ${sizeBytes}` };
}

/** The listed parts in order, or InvalidPartOrder / InvalidPart / EntityTooSmall / MalformedXML. */
function checkCompleteParts(upload: UploadState, command: CompleteMultipartUploadCommand): ObjectMetadataReply<UploadedPart[]> {
  if (command.parts.length === 0) return replyError({ code: 'MalformedXML', message: 'You must specify at least one part' });
  for (let position = 1; position < command.parts.length; position++) {
    if (command.parts[position]!.partNumber <= command.parts[position - 1]!.partNumber) {
      return replyError({ code: 'InvalidPartOrder', message: 'The list of parts was not in ascending order. The parts list must be specified in order by part number.' });
    }
  }
  const parts: UploadedPart[] = [];
  for (const requested of command.parts) {
    const part = upload.parts.get(requested.partNumber);
    const checksumsMatch = Object.entries(requested.checksums ?? {}).every(([algorithm, value]) => part?.checksums?.[algorithm as keyof typeof part.checksums] === value);
    if (part === undefined || unquoteEtag(requested.etag) !== part.etag || !checksumsMatch) {
      return replyError({ code: 'InvalidPart', message: `One or more of the specified parts could not be found or did not match (part ${requested.partNumber}).` });
    }
    parts.push(part);
  }
  const small = parts.slice(0, -1).find((part) => part.sizeBytes < partSizeBytesMin);
  if (small !== undefined) return replyError({ code: 'EntityTooSmall', message: `Your proposed upload is smaller than the minimum allowed object size (part ${small.partNumber}).` });
  return replyOk(parts);
}

function findUpload(state: BucketState, key: string, uploadId: string): UploadState | undefined {
  const upload = state.uploadsById.get(uploadId);
  return upload !== undefined && upload.upload.key === key ? upload : undefined;
}

function addUpload(state: BucketState, upload: UploadState): void {
  const key = upload.upload.key;
  const uploads = [...(state.uploads.get(key) ?? []), upload.upload].sort(
    (a, b) => a.initiatedAtMs - b.initiatedAtMs || compareUtf8(a.uploadId, b.uploadId),
  );
  state.uploads.set(key, uploads);
  state.uploadsById.set(upload.upload.uploadId, upload);
}

export { addUpload as addUploadState };

/** Removes an upload; returns its parts' blobs. */
function removeUpload(state: BucketState, upload: UploadState): BlobRef[] {
  const key = upload.upload.key;
  const remaining = (state.uploads.get(key) ?? []).filter((candidate) => candidate.uploadId !== upload.upload.uploadId);
  if (remaining.length === 0) state.uploads.delete(key);
  else state.uploads.set(key, remaining);
  state.uploadsById.delete(upload.upload.uploadId);
  const blobs = [...upload.parts.values()].flatMap((part) => part.location);
  state.blobRefs.remove(blobs);
  return blobs;
}

/** `blobs` minus any blob (by id) that `keep` still references (a copy onto itself). */
function garbageExcept(blobs: readonly BlobRef[], keep: readonly BlobRef[]): readonly BlobRef[] {
  if (blobs.length === 0) return blobs;
  const kept = new Set(keep.map((blob) => blob.blobId));
  return blobs.filter((blob) => !kept.has(blob.blobId));
}

function noSuchBucket<T>(bucket: string): ObjectMetadataReply<T> {
  return replyError({ code: 'NoSuchBucket', message: `The specified bucket does not exist: ${bucket}` });
}

function noSuchUpload<T>(uploadId: string, garbage: readonly BlobRef[] = []): ObjectMetadataReply<T> {
  return replyError(
    { code: 'NoSuchUpload', message: `The specified multipart upload does not exist (${uploadId}). The upload ID might be invalid, or the multipart upload might have been aborted or completed.` },
    garbage,
  );
}

function noSuchAccessKey<T>(accessKeyId: string): ObjectMetadataReply<T> {
  return replyError({ code: 'NoSuchAccessKey', message: `access key ${accessKeyId} does not exist` });
}

function tooManyVersions<T>(key: string, garbage: readonly BlobRef[] = []): ObjectMetadataReply<T> {
  return replyError({ code: 'TooManyVersions', message: `key ${key} has ${objectVersionCountPerKeyMax} versions` }, garbage);
}

export type { ObjectAttributes };

/** A bucket's ACL to store: `bucket-owner-*` canned ACLs mean `private` on a bucket (its owner is the bucket owner). */
function bucketAclOf(request: AclRequest | undefined): StoredAcl | undefined {
  if (request?.canned === 'bucket-owner-read' || request?.canned === 'bucket-owner-full-control') return undefined;
  return storedAclOf(request);
}

function accessControlListNotSupported<T>(garbage: readonly BlobRef[] = []): ObjectMetadataReply<T> {
  return replyError({ code: 'AccessControlListNotSupported', message: 'The bucket does not allow ACLs' }, garbage);
}

function invalidBucketAclWithObjectOwnership<T>(): ObjectMetadataReply<T> {
  return replyError({ code: 'InvalidBucketAclWithObjectOwnership', message: "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting" });
}
