/**
 * Versioning operations: GetBucketVersioning, PutBucketVersioning, ListObjectVersions and
 * DeleteObjects (S3 API reference, each operation's page). The versioning rules themselves (which
 * version a put replaces, when a delete adds a marker) live in the metadata machine; these handlers
 * read request documents, propose, and render.
 *
 * Request documents are small XML bodies read whole (at most `s3XmlBodyBytesMax`) and checked
 * against `Content-MD5` and a flexible checksum (`x-amz-checksum-*`, in a header or the aws-chunked
 * trailer) before they are parsed. S3 requires one of them on DeleteObjects, PutBucketVersioning
 * and PutBucketTagging ("Missing required header for this request"); on other documents a digest is
 * verified when sent.
 */
import { keysDeniedByBucketPolicy } from './s3-request-policy.js';
import {
  byteLength,
  isWellFormedUtf16,
  metadataIdBytesMax,
  nullVersionId,
  objectMetadataCommand,
  parseDeleteObjects,
  parseVersioningConfiguration,
  renderDeleteResult,
  renderListVersionsResult,
  renderVersioningConfiguration,
  S3Error,
  s3Errors,
  s3XmlBodyBytesMax,
  validateObjectKey,
  type DeleteObjectTarget,
  type DeleteObjectsEntry,
  type ListedVersion,
  type ObjectVersion,
  type S3DeleteErrorEntry,
  type S3DeletedEntry,
  type S3Endpoint,
  type S3Owner,
  type S3VersionEntry,
} from '@objectbox/object-store-core';
import { checksumAlgorithms, checksumOf, digestFromBase64, digestsEqual, checksumDigestSizeBytes, md5DigestSizeBytes, type ChecksumAlgorithm } from './blob-checksums.js';
import { objectOwnersOf } from './s3-handlers-acl.js';
import { headerOf, proposeCommand, s3ErrorFromMetadata, sendEmpty, sendXml, valueOf } from './s3-handlers-common.js';
import type { S3Exchange } from './s3-server.js';

type EndpointOf<Operation extends S3Endpoint['operation']> = Extract<S3Endpoint, { operation: Operation }>;

// ---------------------------------------------------------------------------------------------
// Request documents

/**
 * Reads a request document whole (bounded by `s3XmlBodyBytesMax`: MaxMessageLengthExceeded), then
 * checks `Content-MD5` (InvalidDigest, BadDigest) and at most one `x-amz-checksum-*` value from a
 * header or the aws-chunked trailer (InvalidRequest, BadDigest). With `digestRequired`, a document
 * without either is InvalidRequest, as S3 answers.
 */
export async function readRequestDocument(exchange: S3Exchange, options: { readonly digestRequired: boolean }): Promise<Buffer> {
  const contentMd5 = headerOf(exchange, 'content-md5');
  const trailerNames = 'trailerNames' in exchange.auth.payload ? exchange.auth.payload.trailerNames : [];
  const named = checksumAlgorithms.filter((algorithm) => headerOf(exchange, checksumHeaderName(algorithm)) !== undefined || trailerNames.includes(checksumHeaderName(algorithm)));
  if (named.length > 1) throw new S3Error('InvalidRequest', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
  if (options.digestRequired && contentMd5 === undefined && named.length === 0) {
    throw new S3Error('InvalidRequest', { message: 'Missing required header for this request: Content-MD5 OR x-amz-checksum-*' });
  }
  const expectedMd5 = contentMd5 === undefined ? undefined : digestFromBase64(contentMd5, md5DigestSizeBytes);
  if (expectedMd5 === null) throw new S3Error('InvalidDigest');
  const document = await exchange.body.readAll(s3XmlBodyBytesMax, () => new S3Error('MaxMessageLengthExceeded', { fields: { MaxMessageLengthBytes: s3XmlBodyBytesMax } }));
  if (expectedMd5 !== undefined) {
    const actual = checksumOf('MD5', document);
    if (!digestsEqual(actual, expectedMd5)) throw s3Errors.contentMd5Mismatch(contentMd5!, Buffer.from(actual).toString('base64'));
  }
  const algorithm = named[0];
  if (algorithm !== undefined) checkDocumentChecksum(exchange, algorithm, document);
  return document;
}

function checkDocumentChecksum(exchange: S3Exchange, algorithm: ChecksumAlgorithm, document: Buffer): void {
  const name = checksumHeaderName(algorithm);
  const value = headerOf(exchange, name) ?? exchange.body.trailerValue(name);
  const expected = value === undefined ? null : digestFromBase64(value, checksumDigestSizeBytes[algorithm]);
  if (expected === null) throw s3Errors.checksumHeaderInvalid(algorithm);
  if (!digestsEqual(checksumOf(algorithm, document), expected)) throw s3Errors.checksumMismatch(algorithm);
}

function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  return `x-amz-checksum-${algorithm.toLowerCase()}`;
}

/**
 * Checks a version id from a request before it can reach a proposal: 1..128 UTF-8 bytes of valid
 * Unicode (every id this server makes is 32 characters, or 'null'). S3 answers a malformed id with
 * InvalidArgument "Invalid version id specified".
 */
export function checkVersionIdSyntax(versionId: string | undefined): void {
  if (versionId === undefined) return;
  if (!isVersionIdWellFormed(versionId)) throw s3Errors.invalidArgument('versionId', versionId.slice(0, 256), 'Invalid version id specified');
}

function isVersionIdWellFormed(versionId: string): boolean {
  return versionId.length > 0 && versionId.length <= metadataIdBytesMax && isWellFormedUtf16(versionId) && byteLength(versionId) <= metadataIdBytesMax;
}

// ---------------------------------------------------------------------------------------------
// GetBucketVersioning / PutBucketVersioning

/** GetBucketVersioning: no Status until versioning was first enabled, as S3. */
export async function handleGetBucketVersioning(exchange: S3Exchange, endpoint: EndpointOf<'GetBucketVersioning'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const bucket = valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  sendXml(exchange, renderVersioningConfiguration(bucket.versioning === 'Unversioned' ? undefined : bucket.versioning));
}

/**
 * PutBucketVersioning: Enabled or Suspended (once enabled a bucket never returns to unversioned, as
 * S3). MFA Delete is not supported: `<MfaDelete>Enabled</MfaDelete>` answers NotImplemented, and a
 * request sending `x-amz-mfa` too; `Disabled` is what it always is. A document without Status
 * changes nothing.
 */
export async function handlePutBucketVersioning(exchange: S3Exchange, endpoint: EndpointOf<'PutBucketVersioning'>): Promise<void> {
  const document = await readRequestDocument(exchange, { digestRequired: true });
  const configuration = parseVersioningConfiguration(document);
  if (configuration.mfaDelete === 'Enabled' || headerOf(exchange, 'x-amz-mfa') !== undefined) {
    throw new S3Error('NotImplemented', { message: 'MFA Delete is not supported by this server.' });
  }
  if (configuration.status === undefined) {
    const machine = await exchange.server.metadata.read();
    valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  } else {
    valueOf(await proposeCommand(exchange, objectMetadataCommand('PutBucketVersioning', { bucket: endpoint.bucket, status: configuration.status })), { bucket: endpoint.bucket });
  }
  sendEmpty(exchange, 200);
}

// ---------------------------------------------------------------------------------------------
// ListObjectVersions

function versionEntry(listed: ListedVersion, ownerOfVersion: (version: ObjectVersion) => S3Owner): S3VersionEntry {
  const { version } = listed;
  const owner = ownerOfVersion(version);
  if (version.isDeleteMarker) {
    return { kind: 'deleteMarker', key: listed.key, versionId: version.versionId, isLatest: listed.isLatest, lastModifiedMs: version.lastModifiedMs, owner };
  }
  const algorithms = Object.keys(version.checksums ?? {}) as ChecksumAlgorithm[];
  return {
    kind: 'version',
    key: listed.key,
    versionId: version.versionId,
    isLatest: listed.isLatest,
    lastModifiedMs: version.lastModifiedMs,
    etag: version.etag,
    sizeBytes: version.sizeBytes,
    owner,
    ...(algorithms.length > 0 ? { checksumAlgorithms: algorithms } : {}),
    ...(version.checksumType === undefined ? {} : { checksumType: version.checksumType }),
  };
}

/**
 * ListObjectVersions: versions and delete markers in key order, newest first per key, paged by
 * key-marker / version-id-marker over the ordered index (at most 1000 per page). On a bucket that
 * was never versioned every version id is `null`, as S3.
 */
export async function handleListObjectVersions(exchange: S3Exchange, endpoint: EndpointOf<'ListObjectVersions'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const bucket = valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  const page = valueOf(
    machine.listObjectVersions(endpoint.bucket, {
      ...(endpoint.prefix === undefined ? {} : { prefix: endpoint.prefix }),
      ...(endpoint.delimiter === undefined ? {} : { delimiter: endpoint.delimiter }),
      ...(endpoint.keyMarker === undefined ? {} : { keyMarker: endpoint.keyMarker }),
      ...(endpoint.versionIdMarker === undefined ? {} : { versionIdMarker: endpoint.versionIdMarker }),
      maxKeys: Math.min(endpoint.maxKeys, 1000),
    }),
    { bucket: endpoint.bucket },
  );
  const owner = objectOwnersOf(bucket, exchange.auth);
  sendXml(
    exchange,
    renderListVersionsResult({
      bucket: endpoint.bucket,
      prefix: endpoint.prefix,
      keyMarker: endpoint.keyMarker,
      versionIdMarker: endpoint.versionIdMarker,
      nextKeyMarker: page.nextKeyMarker,
      nextVersionIdMarker: page.nextVersionIdMarker,
      delimiter: endpoint.delimiter,
      maxKeys: endpoint.maxKeys,
      encodingType: endpoint.encodingType,
      isTruncated: page.isTruncated,
      entries: page.versions.map((listed) => versionEntry(listed, owner)),
      commonPrefixes: page.commonPrefixes,
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// DeleteObjects

/**
 * DeleteObjects (POST ?delete): up to 1000 keys in one proposal, each deleted as DeleteObject would
 * (a marker on an Enabled bucket, exactly one version with VersionId). A key or version id that
 * cannot be deleted is an `<Error>` entry, never the whole request; quiet mode lists only errors.
 * The document must carry Content-MD5 or a flexible checksum, as S3 requires.
 */
export async function handleDeleteObjects(exchange: S3Exchange, endpoint: EndpointOf<'DeleteObjects'>): Promise<void> {
  const request = parseDeleteObjects(await readRequestDocument(exchange, { digestRequired: true }));
  if (headerOf(exchange, 'x-amz-mfa') !== undefined) throw new S3Error('NotImplemented', { message: 'MFA Delete is not supported by this server.' });
  const errors: S3DeleteErrorEntry[] = [];
  const targets: DeleteObjectTarget[] = [];
  const denied = await keysDeniedByBucketPolicy({
    auth: exchange.auth,
    metadata: exchange.server.metadata,
    rootAccessKeyId: exchange.server.rootAccessKeyId,
    bucket: endpoint.bucket,
    objects: request.objects,
  });
  for (const object of request.objects) {
    const refused = denied.has(object.key)
      ? { key: object.key, ...(object.versionId === undefined ? {} : { versionId: object.versionId }), code: 'AccessDenied', message: 'Access Denied' }
      : refusedDeleteTarget(object.key, object.versionId);
    if (refused !== undefined) errors.push(refused);
    else targets.push({ key: object.key, ...(object.versionId === undefined ? {} : { versionId: object.versionId }), markerVersionId: exchange.server.newId() });
  }
  const deleted: S3DeletedEntry[] = [];
  if (targets.length === 0) {
    const machine = await exchange.server.metadata.read();
    valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  } else {
    const command = objectMetadataCommand('DeleteObjects', { bucket: endpoint.bucket, lastModifiedMs: exchange.server.nowMs(), objects: targets });
    const { results } = valueOf(await proposeCommand(exchange, command), { bucket: endpoint.bucket });
    for (const result of results) {
      if (result.ok) deleted.push(deletedEntry(result));
      else {
        const error = s3ErrorFromMetadata(result.error, { bucket: endpoint.bucket, key: result.key, ...(result.requestedVersionId === undefined ? {} : { versionId: result.requestedVersionId }) });
        errors.push({ key: result.key, ...(result.requestedVersionId === undefined ? {} : { versionId: result.requestedVersionId }), code: error.code, message: error.message });
      }
    }
  }
  sendXml(exchange, renderDeleteResult({ quiet: request.quiet, deleted, errors }));
}

/** The `<Error>` entry of a key or version id that must not reach a proposal, or undefined. */
function refusedDeleteTarget(key: string, versionId: string | undefined): S3DeleteErrorEntry | undefined {
  const entry = (code: string, message: string): S3DeleteErrorEntry => ({ key, ...(versionId === undefined ? {} : { versionId }), code, message });
  if (key === '') return entry('InvalidArgument', 'The key must not be empty.');
  if (!isWellFormedUtf16(key)) return entry('InvalidArgument', 'The key is not valid Unicode.');
  try {
    validateObjectKey(key);
  } catch (error) {
    if (error instanceof S3Error) return entry(error.code, error.message);
    throw error;
  }
  if (versionId !== undefined && !isVersionIdWellFormed(versionId)) return entry('InvalidArgument', 'Invalid version id specified');
  return undefined;
}

/** A `<Deleted>` entry: S3 names the version asked for, and the marker created or removed. */
function deletedEntry(result: Extract<DeleteObjectsEntry, { ok: true }>): S3DeletedEntry {
  if (result.requestedVersionId !== undefined) {
    return {
      key: result.key,
      versionId: result.requestedVersionId,
      ...(result.deleteMarker ? { deleteMarker: true, deleteMarkerVersionId: result.requestedVersionId } : {}),
    };
  }
  if (!result.deleteMarker) return { key: result.key };
  return { key: result.key, deleteMarker: true, deleteMarkerVersionId: result.versionId ?? nullVersionId };
}
