/**
 * Multipart uploads (S3 API reference, each operation's page; S3 user guide, "Uploading and copying
 * objects using multipart upload"): CreateMultipartUpload, UploadPart, UploadPartCopy,
 * CompleteMultipartUpload, AbortMultipartUpload, ListParts, ListMultipartUploads.
 *
 * Each part is one blob, written and fsynced before its UploadPart is proposed, exactly as a
 * PutObject (s3-handlers-object.ts). Completing copies no byte: the object's location is the listed
 * parts' blobs in order, and GET streams them back to back (`BlobStore.concatRead`). Blobs that
 * stop being referenced (a re-uploaded part, parts left out of the completed list, every part of an
 * aborted upload) are named by the metadata machine's apply result and deleted after the commit
 * (`proposeCommand`), never before, so a crash can orphan bytes but never lose referenced ones.
 *
 * Limits as S3: part numbers 1..10,000 (the router), a part at most 5 GiB, every part but the last
 * at least 5 MiB (EntityTooSmall at completion), an object at most 5 TiB (EntityTooLarge).
 *
 * Checksums: an upload created with `x-amz-checksum-algorithm` computes that algorithm for every
 * part (verifying the client's value when it sends one, and refusing another algorithm), stores it
 * per part, and at completion gives the object the COMPOSITE checksum (digest of the part digests,
 * `-N`) or, for CRCs with `x-amz-checksum-type: FULL_OBJECT`, the CRC of the whole object combined
 * from the part CRCs (s3-multipart-checksums.ts). The proposer computes both the ETag's
 * MD5-of-MD5s and the object checksum from the stored parts it read; the command also carries those
 * parts' ETags and checksums, which apply compares with what is stored, so a part replaced between
 * the read and the commit fails the completion (InvalidPart) instead of mislabelling the object.
 */
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import {
  nullVersionId,
  objectMetadataCommand,
  objectSizeBytesMax,
  parseCompleteMultipartUpload,
  partSizeBytesMin,
  quoteEtag,
  renderCompleteMultipartUploadResult,
  renderCopyResult,
  renderInitiateMultipartUploadResult,
  renderListMultipartUploadsResult,
  renderListPartsResult,
  s3CompleteMultipartUploadBytesMax,
  S3Error,
  s3Errors,
  type Checksums,
  type ChecksumType,
  type CompletePartRequest,
  type MultipartUpload,
  type S3CompletedPart,
  type S3Endpoint,
  type UploadedPart,
} from '@objectbox/object-store-core';
import { checksumAlgorithms, digestFromBase64, checksumDigestSizeBytes, type ChecksumAlgorithm } from './blob-checksums.js';
import type { BlobWriteResult } from './blob-store.js';
import { ownerOf } from './s3-handlers-bucket.js';
import { headerOf, proposeCommand, replicateBlob, sendEmpty, sendXml, valueOf, versionIdHeader } from './s3-handlers-common.js';
import {
  attributesFromHeaders,
  blobRefOf,
  blobWritePlanOf,
  checksumHeaderName,
  checksumHeaders,
  checkCopySourceConditions,
  readObjectBytes,
  storedChecksumsOf,
  writeConditionsOf,
  type BlobWritePlan,
} from './s3-handlers-object.js';
import { compositeChecksumOf, fullObjectChecksumOf, isCrcAlgorithm, md5OfPartMd5s } from './s3-multipart-checksums.js';
import { aclRequestOfWrite } from './s3-handlers-acl.js';
import { expirationHeaderOfWrite } from './s3-handlers-lifecycle.js';
import { authorizedObject } from './s3-request-policy.js';
import type { S3Exchange } from './s3-server.js';

type EndpointOf<Operation extends S3Endpoint['operation']> = Extract<S3Endpoint, { operation: Operation }>;
/** Complete and Abort share one endpoint member (both carry just the upload id). */
type UploadIdEndpoint = Extract<S3Endpoint, { operation: 'CompleteMultipartUpload' | 'AbortMultipartUpload' }>;

/** Largest part, bytes (S3: 5 GiB), for UploadPart bodies and UploadPartCopy ranges alike. */
export const partSizeBytesMax = 5 * 1024 ** 3;
/** Largest multipart object, bytes (S3: 5 TiB); the metadata machine enforces it too. */
export const multipartObjectSizeBytesMax = objectSizeBytesMax;

/** The checksum settings of an upload, from CreateMultipartUpload's headers. */
export interface UploadChecksumSettings {
  readonly checksumAlgorithm?: ChecksumAlgorithm;
  readonly checksumType?: ChecksumType;
}

// ---------------------------------------------------------------------------------------------
// CreateMultipartUpload

/** CreateMultipartUpload: records the upload (attributes, checksum settings) and answers its id. */
export async function handleCreateMultipartUpload(exchange: S3Exchange, endpoint: EndpointOf<'CreateMultipartUpload'>): Promise<void> {
  const attributes = attributesFromHeaders(exchange);
  const settings = uploadChecksumSettingsOf(headerOf(exchange, 'x-amz-checksum-algorithm'), headerOf(exchange, 'x-amz-checksum-type'));
  const acl = await aclRequestOfWrite(exchange, endpoint.bucket, 'object');
  const uploadId = exchange.server.newId();
  const command = objectMetadataCommand('CreateMultipartUpload', {
    bucket: endpoint.bucket,
    key: endpoint.key,
    uploadId,
    initiatedAtMs: exchange.nowMs,
    ownerAccessKeyId: exchange.auth.accessKeyId,
    attributes,
    ...settings,
    ...(acl === undefined ? {} : { acl }),
  });
  valueOf(await proposeCommand(exchange, command), { bucket: endpoint.bucket, key: endpoint.key });
  sendXml(exchange, renderInitiateMultipartUploadResult({ bucket: endpoint.bucket, key: endpoint.key, uploadId }), {
    headers: {
      ...(settings.checksumAlgorithm === undefined ? {} : { 'x-amz-checksum-algorithm': settings.checksumAlgorithm }),
      ...(settings.checksumType === undefined ? {} : { 'x-amz-checksum-type': settings.checksumType }),
    },
  });
}

/**
 * Reads `x-amz-checksum-algorithm` and `x-amz-checksum-type` (S3 API reference,
 * CreateMultipartUpload): the type needs an algorithm; CRC64NVME is FULL_OBJECT only, SHA-1 and
 * SHA-256 COMPOSITE only; CRC32 and CRC32C default to COMPOSITE.
 * @throws S3Error `InvalidRequest` for an unknown algorithm or type, or a combination S3 refuses.
 */
export function uploadChecksumSettingsOf(algorithmHeader: string | undefined, typeHeader: string | undefined): UploadChecksumSettings {
  const algorithm = algorithmHeader?.trim().toUpperCase();
  const type = typeHeader?.trim().toUpperCase();
  if (type !== undefined && type !== 'COMPOSITE' && type !== 'FULL_OBJECT') throw new S3Error('InvalidRequest', { message: 'Value for x-amz-checksum-type header is invalid.' });
  if (algorithm === undefined) {
    if (type !== undefined) throw new S3Error('InvalidRequest', { message: 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.' });
    return {};
  }
  if (!(checksumAlgorithms as readonly string[]).includes(algorithm)) {
    throw new S3Error('InvalidRequest', { message: `Checksum algorithm provided is unsupported. Please try again with any of the valid types: [${checksumAlgorithms.join(', ')}]` });
  }
  const checksumAlgorithm = algorithm as ChecksumAlgorithm;
  const checksumType: ChecksumType = type ?? (checksumAlgorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE');
  if (checksumType === 'FULL_OBJECT' && !isCrcAlgorithm(checksumAlgorithm)) {
    throw new S3Error('InvalidRequest', { message: `The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.` });
  }
  if (checksumType === 'COMPOSITE' && checksumAlgorithm === 'CRC64NVME') {
    throw new S3Error('InvalidRequest', { message: 'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.' });
  }
  return { checksumAlgorithm, checksumType };
}

// ---------------------------------------------------------------------------------------------
// UploadPart and UploadPartCopy

/** UploadPart: stream the body into a blob (fsynced, verified), propose the part, answer its ETag. */
export async function handleUploadPart(exchange: S3Exchange, endpoint: EndpointOf<'UploadPart'>): Promise<void> {
  const sizeBytes = checkPartSize(exchange);
  const plan = blobWritePlanOf(exchange);
  // S3 answers NoSuchUpload (or NoSuchBucket) before reading a body; no blob is written for it.
  const machine = await exchange.server.metadata.read();
  const { upload } = valueOf(machine.getMultipartUpload(endpoint), { bucket: endpoint.bucket, key: endpoint.key, uploadId: endpoint.uploadId });
  const blob = await exchange.server.blobs.write(exchange.body, {
    ...partWritePlanOf(plan, upload),
    expectedSizeBytes: sizeBytes,
    sizeBytesMax: partSizeBytesMax,
    signal: exchange.signal,
  });
  const { etag, checksums } = await commitPart(exchange, endpoint, blob);
  sendEmpty(exchange, 200, { etag: quoteEtag(etag), ...checksumHeaders(checksums, true) });
}

/** Replicates a part's written blob, then proposes it as part `partNumber` of the upload (UploadPart and UploadPartCopy). */
async function commitPart(
  exchange: S3Exchange,
  endpoint: EndpointOf<'UploadPart' | 'UploadPartCopy'>,
  blob: BlobWriteResult,
): Promise<{ etag: string; checksums: Checksums | undefined; lastModifiedMs: number }> {
  await replicateBlob(exchange, blob);
  const checksums = storedChecksumsOf(blob.checksums);
  const lastModifiedMs = exchange.server.nowMs();
  const command = objectMetadataCommand('UploadPart', {
    bucket: endpoint.bucket,
    key: endpoint.key,
    uploadId: endpoint.uploadId,
    partNumber: endpoint.partNumber,
    sizeBytes: blob.sizeBytes,
    etag: blob.md5,
    ...(checksums === undefined ? {} : { checksums }),
    lastModifiedMs,
    location: [blobRefOf(blob)],
  });
  const value = valueOf(await proposeCommand(exchange, command), { bucket: endpoint.bucket, key: endpoint.key, uploadId: endpoint.uploadId });
  return { etag: value.etag, checksums, lastModifiedMs };
}

/** The part's Content-Length (or decoded length), required and at most 5 GiB. */
function checkPartSize(exchange: S3Exchange): number {
  const sizeBytes = exchange.body.sizeBytes;
  if (sizeBytes === undefined) throw new S3Error('MissingContentLength');
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw s3Errors.invalidArgument('Content-Length', String(headerOf(exchange, 'content-length')), 'Invalid Content-Length');
  if (sizeBytes > partSizeBytesMax) throw s3Errors.entityTooLarge(sizeBytes, partSizeBytesMax);
  return sizeBytes;
}

/**
 * The digests to compute for a part: what the request names (checked as for PutObject) plus the
 * upload's algorithm, so every part of a checksummed upload has its checksum for completion.
 * @throws S3Error `InvalidRequest` when the request names another algorithm than the upload's.
 */
export function partWritePlanOf(plan: BlobWritePlan, upload: Pick<MultipartUpload, 'checksumAlgorithm'>): BlobWritePlan {
  const expected = upload.checksumAlgorithm;
  if (expected === undefined) return plan;
  const other = plan.checksumAlgorithms.find((algorithm) => algorithm !== expected);
  if (other !== undefined) {
    throw new S3Error('InvalidRequest', {
      message: `Checksum Type mismatch occurred, expected checksum Type: ${expected.toLowerCase()}, actual checksum Type: ${other.toLowerCase()}`,
    });
  }
  return { ...plan, checksumAlgorithms: [expected] };
}

/**
 * UploadPartCopy: the source object's bytes (all, or `x-amz-copy-source-range`) are streamed into
 * a fresh blob that becomes the part; `x-amz-copy-source-if-*` are checked first (412).
 */
export async function handleUploadPartCopy(exchange: S3Exchange, endpoint: EndpointOf<'UploadPartCopy'>): Promise<void> {
  const { copySource } = endpoint;
  const sourceVersion = copySource.versionId === undefined ? {} : { versionId: copySource.versionId };
  const machine = await exchange.server.metadata.read();
  const { upload } = valueOf(machine.getMultipartUpload(endpoint), { bucket: endpoint.bucket, key: endpoint.key, uploadId: endpoint.uploadId });
  const source = valueOf(authorizedObject(exchange.auth, machine, { bucket: copySource.bucket, key: copySource.key, ...sourceVersion }), {
    bucket: copySource.bucket,
    key: copySource.key,
    ...sourceVersion,
    method: 'GET',
  });
  checkCopySourceConditions(exchange, source);
  const range = copyRangeOf(endpoint.copySourceRange, source.sizeBytes);
  const sizeBytes = range === undefined ? source.sizeBytes : range.endInclusive - range.start + 1;
  const bytes = sizeBytes === 0 ? Readable.from([]) : await readObjectBytes(exchange, source.location, range);
  const blob = await exchange.server.blobs.write(bytes, {
    checksumAlgorithms: upload.checksumAlgorithm === undefined ? [] : [upload.checksumAlgorithm],
    expectedSizeBytes: sizeBytes,
    sizeBytesMax: partSizeBytesMax,
    signal: exchange.signal,
  });
  const { etag, checksums, lastModifiedMs } = await commitPart(exchange, endpoint, blob);
  sendXml(exchange, renderCopyResult('CopyPartResult', { etag, lastModifiedMs, ...(checksums === undefined ? {} : { checksums }) }), {
    headers: source.versionId === nullVersionId ? {} : { 'x-amz-copy-source-version-id': source.versionId },
  });
}

/**
 * The inclusive source range of an UploadPartCopy, or undefined for the whole source.
 * @throws S3Error `InvalidArgument` for a range past the source's end; `InvalidRequest` when the
 *   bytes to copy exceed the 5 GiB part limit.
 */
export function copyRangeOf(requested: { readonly first: number; readonly last: number } | undefined, sourceSizeBytes: number): { start: number; endInclusive: number } | undefined {
  if (requested === undefined) {
    if (sourceSizeBytes > partSizeBytesMax) throw copySourceTooLarge();
    return undefined;
  }
  if (requested.last >= sourceSizeBytes) {
    throw s3Errors.invalidArgument('x-amz-copy-source-range', `bytes=${requested.first}-${requested.last}`, `Range specified is not valid for source object of size: ${sourceSizeBytes}`);
  }
  if (requested.last - requested.first + 1 > partSizeBytesMax) throw copySourceTooLarge();
  return { start: requested.first, endInclusive: requested.last };
}

function copySourceTooLarge(): S3Error {
  return new S3Error('InvalidRequest', { message: `The specified copy source is larger than the maximum allowable size for a copy source: ${partSizeBytesMax}` });
}

// ---------------------------------------------------------------------------------------------
// CompleteMultipartUpload

/** What the proposer stamps on a CompleteMultipartUpload, from the parts it read. */
export interface CompletePlan {
  readonly parts: readonly CompletePartRequest[];
  readonly sizeBytes: number;
  readonly md5OfPartMd5s: string;
  readonly checksums: Checksums | undefined;
  readonly checksumType: ChecksumType | undefined;
}

/**
 * CompleteMultipartUpload: checks the listed parts against the stored ones, stamps the ETag's
 * MD5-of-MD5s and the object checksum, and proposes; If-None-Match: * and If-Match are checked at
 * apply time against the current object. The upload stays when completion fails, so the client can
 * fix its list and retry (as S3).
 */
export async function handleCompleteMultipartUpload(exchange: S3Exchange, endpoint: UploadIdEndpoint): Promise<void> {
  const conditions = writeConditionsOf(exchange);
  const document = await exchange.body.readAll(s3CompleteMultipartUploadBytesMax, () => new S3Error('MaxMessageLengthExceeded'));
  const requested = parseCompleteMultipartUpload(document);
  const context = { bucket: endpoint.bucket, key: endpoint.key, uploadId: endpoint.uploadId };
  const machine = await exchange.server.metadata.read();
  const { upload, parts } = valueOf(machine.getMultipartUpload(endpoint), context);
  const plan = planComplete({ upload, parts, requested, requestChecksums: completeRequestChecksumsOf(exchange) });
  checkObjectSizeHeader(headerOf(exchange, 'x-amz-mp-object-size'), plan.sizeBytes);
  const command = objectMetadataCommand('CompleteMultipartUpload', {
    ...context,
    parts: plan.parts,
    versionId: exchange.server.newId(),
    lastModifiedMs: exchange.server.nowMs(),
    md5OfPartMd5s: plan.md5OfPartMd5s,
    ...(plan.checksums === undefined ? {} : { checksums: plan.checksums }),
    ...(plan.checksumType === undefined ? {} : { checksumType: plan.checksumType }),
    ...(conditions === undefined ? {} : { conditions }),
  });
  const value = valueOf(await proposeCommand(exchange, command), context);
  const expiration = expirationHeaderOfWrite(exchange, endpoint.bucket, endpoint.key, { lastModifiedMs: command.lastModifiedMs, sizeBytes: plan.sizeBytes, tags: upload.attributes.tags });
  const xml = renderCompleteMultipartUploadResult({
    location: objectUrlOf(exchange),
    bucket: endpoint.bucket,
    key: endpoint.key,
    etag: value.etag,
    ...(plan.checksums === undefined ? {} : { checksums: plan.checksums }),
    ...(plan.checksumType === undefined ? {} : { checksumType: plan.checksumType }),
  });
  sendXml(exchange, xml, { headers: { ...versionIdHeader(value), ...expiration } });
}

/** The whole-object checksum and checksum type a Complete request may carry in its headers. */
export interface CompleteRequestChecksums {
  /** `x-amz-checksum-<algorithm>` values as sent. */
  readonly values: Checksums;
  /** `x-amz-checksum-type` as sent, upper case. */
  readonly type: string | undefined;
}

function completeRequestChecksumsOf(exchange: S3Exchange): CompleteRequestChecksums {
  const values: Partial<Record<ChecksumAlgorithm, string>> = {};
  for (const algorithm of checksumAlgorithms) {
    const value = headerOf(exchange, checksumHeaderName(algorithm));
    if (value !== undefined) values[algorithm] = value.trim();
  }
  return { values, type: headerOf(exchange, 'x-amz-checksum-type')?.trim().toUpperCase() };
}

/**
 * Checks a completion against the upload's stored parts and computes what the proposer stamps.
 * @throws S3Error `InvalidPart` (a listed part missing, or its ETag or a listed checksum differs),
 *   `EntityTooSmall` (a part but the last under 5 MiB), `EntityTooLarge` (over 5 TiB),
 *   `InvalidRequest` (a part checksum missing for a COMPOSITE upload, a checksum type or algorithm
 *   other than the upload's), `BadDigest` (a whole-object checksum that does not match).
 */
export function planComplete(options: {
  readonly upload: MultipartUpload;
  readonly parts: ReadonlyMap<number, UploadedPart>;
  readonly requested: readonly S3CompletedPart[];
  readonly requestChecksums: CompleteRequestChecksums;
}): CompletePlan {
  const { upload, requested } = options;
  const listed = requested.map((request) => storedPartOf(upload, options.parts, request));
  const small = listed.slice(0, -1).find((part) => part.sizeBytes < partSizeBytesMin);
  if (small !== undefined) throw s3Errors.entityTooSmall(small.sizeBytes, partSizeBytesMin);
  const sizeBytes = listed.reduce((sum, part) => sum + part.sizeBytes, 0);
  if (sizeBytes > multipartObjectSizeBytesMax) throw s3Errors.entityTooLarge(sizeBytes, multipartObjectSizeBytesMax);
  const md5 = md5OfPartMd5s(listed.map((part) => part.etag));
  if (md5 === undefined) throw new S3Error('InvalidPart');
  const checksum = objectChecksumOf(upload, listed, requested, options.requestChecksums);
  return {
    parts: listed.map((part) => ({ partNumber: part.partNumber, etag: part.etag, ...(part.checksums === undefined ? {} : { checksums: part.checksums }) })),
    sizeBytes,
    md5OfPartMd5s: md5,
    checksums: checksum?.checksums,
    checksumType: checksum?.checksumType,
  };
}

/** The stored part a `<Part>` names, when its ETag and any listed checksums match. */
function storedPartOf(upload: MultipartUpload, parts: ReadonlyMap<number, UploadedPart>, request: S3CompletedPart): UploadedPart {
  const part = parts.get(request.partNumber);
  const checksumsMatch = Object.entries(request.checksums).every(([algorithm, value]) => part?.checksums?.[algorithm as ChecksumAlgorithm] === value);
  if (part === undefined || part.etag !== request.etag || !checksumsMatch) {
    throw new S3Error('InvalidPart', { fields: { UploadId: upload.uploadId, PartNumber: request.partNumber, ETag: request.etag } });
  }
  return part;
}

/**
 * The object checksum of a checksummed upload (undefined for an upload without an algorithm), after
 * checking the request against the upload: a COMPOSITE completion must list every part's checksum
 * (as S3 requires); a whole-object value or type sent in the headers must agree.
 */
function objectChecksumOf(
  upload: MultipartUpload,
  listed: readonly UploadedPart[],
  requested: readonly S3CompletedPart[],
  requestChecksums: CompleteRequestChecksums,
): { checksums: Checksums; checksumType: ChecksumType } | undefined {
  const algorithm = upload.checksumAlgorithm;
  const checksumType = upload.checksumType ?? 'COMPOSITE';
  const sentAlgorithms = Object.keys(requestChecksums.values) as ChecksumAlgorithm[];
  if (requestChecksums.type !== undefined && requestChecksums.type !== checksumType) {
    throw new S3Error('InvalidRequest', { message: `The upload was created using the ${upload.checksumType ?? 'null'} checksum mode. The complete request must use the same checksum mode.` });
  }
  if (algorithm === undefined) {
    if (sentAlgorithms.length > 0) throw new S3Error('InvalidRequest', { message: 'The upload was created without a checksum algorithm; the complete request cannot carry an object checksum.' });
    return undefined;
  }
  const other = sentAlgorithms.find((sent) => sent !== algorithm);
  if (other !== undefined) {
    throw new S3Error('InvalidRequest', { message: `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request cannot carry a ${other.toLowerCase()} checksum.` });
  }
  const digests = listed.map((part, index) => {
    const value = part.checksums?.[algorithm];
    const missingInRequest = checksumType === 'COMPOSITE' && requested[index]!.checksums[algorithm] === undefined;
    const digest = value === undefined ? null : digestFromBase64(value, checksumDigestSizeBytes[algorithm]);
    if (digest === null || missingInRequest) {
      throw new S3Error('InvalidRequest', {
        message: `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${part.partNumber} in the request.`,
      });
    }
    return { digest, sizeBytes: part.sizeBytes };
  });
  const value =
    checksumType === 'FULL_OBJECT' && isCrcAlgorithm(algorithm)
      ? Buffer.from(fullObjectChecksumOf(algorithm, digests)).toString('base64')
      : compositeChecksumOf(algorithm, digests.map((entry) => entry.digest));
  const sent = requestChecksums.values[algorithm];
  // A client may send the composite value with or without its `-N` suffix.
  if (sent !== undefined && sent !== value && `${sent}-${listed.length}` !== value) throw s3Errors.checksumMismatch(algorithm);
  return { checksums: { [algorithm]: value }, checksumType };
}

/** `x-amz-mp-object-size`, when sent, must equal the completed object's size. */
function checkObjectSizeHeader(value: string | undefined, sizeBytes: number): void {
  if (value === undefined) return;
  if (!/^\d{1,16}$/.test(value.trim()) || Number(value.trim()) !== sizeBytes) {
    throw new S3Error('InvalidRequest', { message: `The provided 'x-amz-mp-object-size' header value ${value} does not match what was computed: ${sizeBytes}` });
  }
}

/** The object's URL as the client addressed it (path or virtual-host style): CompleteMultipartUploadResult's Location. */
function objectUrlOf(exchange: S3Exchange): string {
  const { request } = exchange;
  const scheme = (request.socket as Partial<TLSSocket>).encrypted === true ? 'https' : 'http';
  const path = (request.url ?? '/').split('?')[0]!.replace(/^https?:\/\/[^/]*/i, '');
  return `${scheme}://${request.headers.host ?? 'localhost'}${path}`;
}

// ---------------------------------------------------------------------------------------------
// AbortMultipartUpload, ListParts, ListMultipartUploads

/** AbortMultipartUpload: 204; the parts' blobs are deleted after the commit. NoSuchUpload when unknown. */
export async function handleAbortMultipartUpload(exchange: S3Exchange, endpoint: UploadIdEndpoint): Promise<void> {
  const command = objectMetadataCommand('AbortMultipartUpload', { bucket: endpoint.bucket, key: endpoint.key, uploadId: endpoint.uploadId });
  valueOf(await proposeCommand(exchange, command), { bucket: endpoint.bucket, key: endpoint.key, uploadId: endpoint.uploadId });
  sendEmpty(exchange, 204);
}

/** ListParts: parts above `part-number-marker`, ascending, at most 1000 a page. */
export async function handleListParts(exchange: S3Exchange, endpoint: EndpointOf<'ListParts'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const page = valueOf(
    machine.listParts({
      bucket: endpoint.bucket,
      key: endpoint.key,
      uploadId: endpoint.uploadId,
      maxParts: endpoint.maxParts,
      ...(endpoint.partNumberMarker === undefined ? {} : { partNumberMarker: endpoint.partNumberMarker }),
    }),
    { bucket: endpoint.bucket, key: endpoint.key, uploadId: endpoint.uploadId },
  );
  const owner = ownerOf(page.upload.ownerAccessKeyId, exchange.auth);
  sendXml(
    exchange,
    renderListPartsResult({
      bucket: endpoint.bucket,
      key: endpoint.key,
      uploadId: endpoint.uploadId,
      partNumberMarker: endpoint.partNumberMarker ?? 0,
      nextPartNumberMarker: page.nextPartNumberMarker,
      maxParts: endpoint.maxParts,
      isTruncated: page.isTruncated,
      parts: page.parts.map((part) => ({
        partNumber: part.partNumber,
        lastModifiedMs: part.lastModifiedMs,
        etag: part.etag,
        sizeBytes: part.sizeBytes,
        ...(part.checksums === undefined ? {} : { checksums: part.checksums }),
      })),
      initiator: owner,
      owner,
      ...(page.upload.checksumAlgorithm === undefined ? {} : { checksumAlgorithm: page.upload.checksumAlgorithm }),
      ...(page.upload.checksumType === undefined ? {} : { checksumType: page.upload.checksumType }),
    }),
  );
}

/** ListMultipartUploads: in-progress uploads by key, then initiation; prefix, delimiter and key/upload-id markers. */
export async function handleListMultipartUploads(exchange: S3Exchange, endpoint: EndpointOf<'ListMultipartUploads'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const page = valueOf(
    machine.listMultipartUploads(endpoint.bucket, {
      ...(endpoint.prefix === undefined ? {} : { prefix: endpoint.prefix }),
      ...(endpoint.delimiter === undefined ? {} : { delimiter: endpoint.delimiter }),
      ...(endpoint.keyMarker === undefined ? {} : { keyMarker: endpoint.keyMarker }),
      ...(endpoint.uploadIdMarker === undefined ? {} : { uploadIdMarker: endpoint.uploadIdMarker }),
      maxUploads: endpoint.maxUploads,
    }),
    { bucket: endpoint.bucket },
  );
  sendXml(
    exchange,
    renderListMultipartUploadsResult({
      bucket: endpoint.bucket,
      keyMarker: endpoint.keyMarker,
      // S3 ignores upload-id-marker without key-marker, and echoes what it used.
      uploadIdMarker: endpoint.keyMarker === undefined ? undefined : endpoint.uploadIdMarker,
      nextKeyMarker: page.isTruncated ? page.nextKeyMarker : undefined,
      nextUploadIdMarker: page.isTruncated ? page.nextUploadIdMarker : undefined,
      prefix: endpoint.prefix,
      delimiter: endpoint.delimiter,
      maxUploads: endpoint.maxUploads,
      encodingType: endpoint.encodingType,
      isTruncated: page.isTruncated,
      uploads: page.uploads.map((upload) => {
        const owner = ownerOf(upload.ownerAccessKeyId, exchange.auth);
        return {
          key: upload.key,
          uploadId: upload.uploadId,
          initiatedMs: upload.initiatedAtMs,
          initiator: owner,
          owner,
          ...(upload.checksumAlgorithm === undefined ? {} : { checksumAlgorithm: upload.checksumAlgorithm }),
        };
      }),
      commonPrefixes: page.commonPrefixes,
    }),
  );
}
