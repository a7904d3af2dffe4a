/**
 * The records of the object-store metadata state machine (buckets, object versions, multipart
 * uploads, access keys), its limits, and the typed results `apply` hands back to the proposer.
 *
 * Results are values, not exceptions: an S3 condition ('NoSuchKey', 'PreconditionFailed', ...) is
 * an expected outcome of applying a committed command, the same on every replica, so it is part
 * of the replicated result. Every result also lists `garbage`: blobs that no version or upload
 * references any more (a replaced null version, a re-uploaded part, an aborted upload, or the
 * command's own fresh blobs when it failed), for the data path to delete. That is how orphaned
 * data is collected: the data path writes blobs first, proposes, and deletes what comes back.
 */
import type { ObjectOwnershipSetting, StoredAcl } from './s3-acl.js';
import type { PublicAccessBlock } from './s3-public-access-block.js';
import type { CorsRule } from './s3-cors.js';
import type { LifecycleRule } from './s3-lifecycle.js';

/** Largest object key, in UTF-8 bytes (S3: 1024). */
export const objectKeyBytesMax = 1024;
/** Bucket names are 3 to 63 characters (the edge checks the full naming rules). */
export const bucketNameBytesMax = 63;
export const bucketCountMax = 100_000;
/** Versions kept per key; a put beyond it answers 'TooManyVersions' (S3 has no such limit). */
export const objectVersionCountPerKeyMax = 100_000;
/** In-progress multipart uploads per bucket; beyond it 'TooManyUploads'. */
export const uploadCountPerBucketMax = 100_000;
export const accessKeyCountMax = 10_000;
export const uploadPartNumberMax = 10_000;
/** Every part of a completed upload but the last must be at least this big (S3: 5 MiB). */
export const partSizeBytesMin = 5 * 1024 * 1024;
/** S3 allows 10 tags per object and 50 per bucket. */
export const objectTagCountMax = 10;
export const bucketTagCountMax = 50;
export const tagKeyLengthMax = 128;
export const tagValueLengthMax = 256;
/** User metadata (x-amz-meta-*) is limited to 2 KiB by the edge; the core allows some slack. */
export const userMetadataBytesMax = 8 * 1024;
/** Single PUT 5 GiB, multipart 5 TiB (S3). */
export const objectSizeBytesMax = 5 * 1024 ** 4;
/** Page sizes: S3 returns at most 1000 keys, uploads or parts per page. */
export const listPageEntryCountMax = 1000;

/** The version id of writes to an unversioned or versioning-suspended bucket. */
export const nullVersionId = 'null';

export type VersioningStatus = 'Unversioned' | 'Enabled' | 'Suspended';
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
export const checksumAlgorithms: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';
export type AccessKeyStatus = 'Active' | 'Inactive';

/** Algorithm → base64 value, as stored and returned with x-amz-checksum-mode: ENABLED. */
export type Checksums = Readonly<Partial<Record<ChecksumAlgorithm, string>>>;

/** One stored file of the data path; opaque to the core except for its id and size. */
export interface BlobRef {
  readonly blobId: string;
  readonly sizeBytes: number;
  /** blake3 of the stored bytes, hex; verified by the data path on every read. */
  readonly blake3: string;
}

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface ContentHeaders {
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly contentDisposition?: string;
  readonly contentLanguage?: string;
  readonly cacheControl?: string;
  readonly expires?: string;
}

/** The metadata a write sets, shared by PutObject and CreateMultipartUpload. */
export interface ObjectAttributes {
  readonly contentHeaders: ContentHeaders;
  /** x-amz-meta-* names (lower case, without the prefix) → values, as given. */
  readonly userMetadata: Readonly<Record<string, string>>;
  readonly tags: readonly Tag[];
}

/** One part of a completed multipart object, kept for GET ?partNumber and GetObjectAttributes. */
export interface CompletedPart {
  readonly partNumber: number;
  readonly sizeBytes: number;
  readonly etag: string;
  readonly checksums: Checksums | undefined;
}

/** One version of one key. ETags are stored without quotes; the edge adds them. */
export interface ObjectVersion {
  readonly versionId: string;
  readonly isDeleteMarker: boolean;
  readonly lastModifiedMs: number;
  readonly sizeBytes: number;
  readonly etag: string;
  readonly checksums: Checksums | undefined;
  readonly checksumType: ChecksumType | undefined;
  readonly contentHeaders: ContentHeaders;
  readonly userMetadata: Readonly<Record<string, string>>;
  readonly tags: readonly Tag[];
  /** The bytes, in order (one blob for a PUT, one per part for a multipart object). */
  readonly location: readonly BlobRef[];
  /** Set for multipart objects. */
  readonly parts: readonly CompletedPart[] | undefined;
  /** Its ACL and owner when not `private` and the bucket owner's; absent otherwise (most objects: no bytes spent). */
  readonly acl?: StoredAcl;
}

/**
 * What tells one stored version from another under the same id: unversioned and suspended writes
 * all reuse 'null', so the id alone cannot say whether a key was overwritten between a request's
 * authorization and its effect. A write always brings a fresh time or fresh blobs; a change of ACL
 * or tags keeps the fingerprint. Bounded: the first and last blob ids and their count stand for the
 * location (a multipart object has up to 10,000).
 */
export function versionFingerprintOf(version: Pick<ObjectVersion, 'versionId' | 'lastModifiedMs' | 'etag' | 'location'>): string {
  const { location } = version;
  return `${version.versionId}/${version.lastModifiedMs}/${version.etag}/${location.length}/${location[0]?.blobId ?? ''}/${location.at(-1)?.blobId ?? ''}`;
}

/** The most bytes a {@link versionFingerprintOf} takes (ids, time, etag and two blob ids). */
export const versionFingerprintBytesMax = 1024;

export interface Bucket {
  readonly name: string;
  readonly createdAtMs: number;
  readonly ownerAccessKeyId: string;
  readonly region: string;
  readonly versioning: VersioningStatus;
  readonly tags: readonly Tag[] | undefined;
  /** The bucket policy document as put (JSON text, at most {@link bucketPolicyBytesMax} bytes); absent when none. */
  readonly policy?: string;
  /** Object Ownership; absent is BucketOwnerEnforced (s3-acl.ts). */
  readonly objectOwnership?: ObjectOwnershipSetting;
  /** The bucket's ACL when not `private`. */
  readonly acl?: StoredAcl;
  /** Block Public Access; absent: nothing blocked. */
  readonly publicAccessBlock?: PublicAccessBlock;
  /** CORS rules (PutBucketCors); absent when none. */
  readonly cors?: readonly CorsRule[];
  /** Lifecycle rules (PutBucketLifecycleConfiguration); absent when none. */
  readonly lifecycle?: readonly LifecycleRule[];
}

/** S3's limit on a bucket policy document (20 KB). */
export const bucketPolicyBytesMax = 20 * 1024;

export interface UploadedPart {
  readonly partNumber: number;
  readonly sizeBytes: number;
  /** MD5 hex of the part, without quotes. */
  readonly etag: string;
  readonly checksums: Checksums | undefined;
  readonly lastModifiedMs: number;
  readonly location: readonly BlobRef[];
}

export interface MultipartUpload {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly initiatedAtMs: number;
  readonly ownerAccessKeyId: string;
  readonly attributes: ObjectAttributes;
  readonly checksumAlgorithm: ChecksumAlgorithm | undefined;
  readonly checksumType: ChecksumType | undefined;
  /** The ACL the completed object gets, decided when the upload was created. */
  readonly acl?: StoredAcl;
}

export interface AccessKey {
  readonly accessKeyId: string;
  /** The secret, encrypted outside the core under the master key (base64). */
  readonly secretCiphertext: string;
  readonly secretNonce: string;
  readonly createdAtMs: number;
  readonly status: AccessKeyStatus;
}

/** The codes the edge maps to S3 (or CLI) errors; plain S3 codes where S3 has one. */
export type ObjectMetadataErrorCode =
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'NoSuchUpload'
  | 'NoSuchVersion'
  | 'NoSuchTagSet'
  | 'PreconditionFailed'
  | 'BucketNotEmpty'
  | 'BucketAlreadyOwnedByYou'
  | 'BucketAlreadyExists'
  | 'InvalidPart'
  | 'InvalidPartOrder'
  | 'EntityTooSmall'
  | 'EntityTooLarge'
  | 'MethodNotAllowed'
  | 'MalformedXML'
  | 'InvalidArgument'
  | 'TooManyBuckets'
  | 'TooManyVersions'
  | 'TooManyUploads'
  | 'TooManyAccessKeys'
  | 'NoSuchAccessKey'
  | 'AccessKeyAlreadyExists'
  | 'AccessControlListNotSupported'
  | 'InvalidBucketAclWithObjectOwnership'
  /** The version a command was authorized against is no longer the one it names (S3's 409). */
  | 'OperationAborted'
  /** A public ACL under BlockPublicAcls, found at apply (S3's 403 AccessDenied). */
  | 'AccessDenied';

export interface ObjectMetadataError {
  readonly code: ObjectMetadataErrorCode;
  readonly message: string;
  /** For NoSuchKey / MethodNotAllowed caused by a delete marker: x-amz-delete-marker: true. */
  readonly deleteMarker?: boolean;
  /** The version id the response names (x-amz-version-id), when there is one. */
  readonly versionId?: string;
  /** Last-Modified of the delete marker for MethodNotAllowed. */
  readonly lastModifiedMs?: number;
}

/** What `apply` and the reads return: a value or a typed S3-style error. */
export type ObjectMetadataReply<T> =
  | { readonly ok: true; readonly value: T; readonly garbage: readonly BlobRef[] }
  | { readonly ok: false; readonly error: ObjectMetadataError; readonly garbage: readonly BlobRef[] };

export function replyOk<T>(value: T, garbage: readonly BlobRef[] = []): ObjectMetadataReply<T> {
  return { ok: true, value, garbage };
}

export function replyError<T = never>(error: ObjectMetadataError, garbage: readonly BlobRef[] = []): ObjectMetadataReply<T> {
  return { ok: false, error, garbage };
}

/** Strips one pair of surrounding double quotes (clients send ETags quoted or not). */
export function unquoteEtag(etag: string): string {
  return etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;
}
