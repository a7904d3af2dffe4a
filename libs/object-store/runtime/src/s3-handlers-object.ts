/**
 * Object operations: PutObject, GetObject, HeadObject, DeleteObject, CopyObject.
 *
 * Write ordering (issue 5, "Metadata and data"): the bytes are streamed into a blob that is fsynced
 * before its write resolves; the digests are checked (Content-MD5, x-amz-checksum-* from headers or
 * the aws-chunked trailer); only then is the metadata proposed, and the 200 with the ETag is sent
 * after the proposal is committed and applied. A crash before the commit leaves an orphan blob
 * (collected later), never metadata pointing at missing bytes; a failed check deletes the blob.
 */
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import {
  isHeaderName,
  writableHeaderValue,
  nullVersionId,
  objectMetadataCommand,
  quoteEtag,
  renderCopyResult,
  S3Error,
  s3Errors,
  unquoteEtag,
  validateStorageClass,
  validateTag,
  requestHeaderValue,
  type AclRequest,
  type S3RequestHead,
  type BlobRef,
  type Checksums,
  type ContentHeaders,
  type ObjectAttributes,
  type ObjectVersion,
  type S3Endpoint,
  type Tag,
  type WriteConditions,
} from '@objectbox/object-store-core';
import { checksumAlgorithms, type ChecksumAlgorithm } from './blob-checksums.js';
import { isBlobStoreError } from './blob-errors.js';
import type { VerifiedChunkSource } from './blob-read-ahead.js';
import { type BlobWriteOptions, type BlobWriteResult, wholeReadSizeBytesMax } from './blob-store.js';
import { headerOf, httpDate, proposeCommand, replicateBlob, sendEmpty, sendXml, valueOf, versionIdHeader } from './s3-handlers-common.js';
import { expirationHeaderOfRead, expirationHeaderOfWrite } from './s3-handlers-lifecycle.js';
import { aclRequestOfWrite } from './s3-handlers-acl.js';
import { checkVersionIdSyntax } from './s3-handlers-versioning.js';
import { authorizedObject } from './s3-request-policy.js';
import type { S3Exchange } from './s3-server.js';

type EndpointOf<Operation extends S3Endpoint['operation']> = Extract<S3Endpoint, { operation: Operation }>;

/** Largest single PUT (S3: 5 GiB). */
export const putObjectSizeBytesMax = 5 * 1024 ** 3;
/** User metadata (`x-amz-meta-*` names and values, UTF-8) per object (S3: 2 KiB). */
export const userMetadataBytesMax = 2 * 1024;
/** Tags per object (S3: 10). */
export const objectTagCountMax = 10;

const contentHeaderFields: readonly (readonly [keyof ContentHeaders, string])[] = [
  ['contentType', 'content-type'],
  ['contentEncoding', 'content-encoding'],
  ['contentDisposition', 'content-disposition'],
  ['contentLanguage', 'content-language'],
  ['cacheControl', 'cache-control'],
  ['expires', 'expires'],
];

// ---------------------------------------------------------------------------------------------
// PutObject

/** PutObject: stream, fsync, verify, propose, answer with the ETag after apply (small bodies: verify, propose with the bytes). */
export async function handlePutObject(exchange: S3Exchange, endpoint: EndpointOf<'PutObject'>): Promise<void> {
  checkPutSize(exchange);
  const attributes = attributesFromHeaders(exchange);
  const conditions = writeConditionsOf(exchange);
  const plan = blobWritePlanOf(exchange);
  const acl = await aclRequestOfWrite(exchange, endpoint.bucket, 'object');
  // S3 answers NoSuchBucket before reading a body; so do we, and no blob is written for it. Apply
  // checks the bucket again, so a bucket this replica already knows needs no read barrier (which
  // would cost every PUT a turn of the Raft loop); only an unknown one is confirmed.
  if (!exchange.server.metadata.readLocal().headBucket(endpoint.bucket).ok) {
    valueOf((await exchange.server.metadata.read()).headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  }
  const writeOptions = {
    ...plan,
    ...(exchange.body.sizeBytes === undefined ? {} : { expectedSizeBytes: exchange.body.sizeBytes }),
    sizeBytesMax: putObjectSizeBytesMax,
    signal: exchange.signal,
  };
  // A small body travels in the metadata entry: one group-committed log fsync, stored by every
  // replica's apply (object-metadata-replica.ts); a larger one is its own fsynced, replicated file.
  const inlineSizeBytesMax = exchange.server.options.inlineObjectSizeBytesMax ?? 0;
  const small = (exchange.body.sizeBytes ?? Infinity) <= inlineSizeBytesMax ? await exchange.server.blobs.readSmall(exchange.body, { ...writeOptions, sizeBytesMax: inlineSizeBytesMax }) : undefined;
  const blob = small?.result ?? (await exchange.server.blobs.write(exchange.body, writeOptions));
  if (small === undefined) await replicateBlob(exchange, blob);
  const checksums = storedChecksumsOf(blob.checksums);
  const command = objectMetadataCommand('PutObject', {
    bucket: endpoint.bucket,
    key: endpoint.key,
    versionId: exchange.server.newId(),
    lastModifiedMs: exchange.server.nowMs(),
    sizeBytes: blob.sizeBytes,
    etag: blob.md5,
    ...(checksums === undefined ? {} : { checksums, checksumType: 'FULL_OBJECT' as const }),
    attributes,
    location: [blobRefOf(blob)],
    ...(conditions === undefined ? {} : { conditions }),
    ...writerAndAcl(exchange, endpoint.bucket, acl),
  });
  const value = valueOf(await proposeCommand(exchange, command, small === undefined ? {} : { inlineBlob: small.bytes }), { bucket: endpoint.bucket, key: endpoint.key });
  sendEmpty(exchange, 200, {
    etag: quoteEtag(value.etag),
    ...versionIdHeader(value),
    ...checksumHeaders(checksums, true),
    ...expirationHeaderOfWrite(exchange, endpoint.bucket, endpoint.key, { lastModifiedMs: command.lastModifiedMs, sizeBytes: blob.sizeBytes, tags: attributes.tags }),
  });
}

/**
 * What a write's command says about ownership: the ACL asked for, and the signer (the state
 * machine decides by the bucket's Object Ownership whether the signer owns the new object). The
 * signer is left out when it owns the bucket (so is an anonymous request, which acts as the bucket
 * owner), which keeps the common PutObject entry as small as it was.
 */
export function writerAndAcl(
  exchange: S3Exchange,
  bucketName: string,
  acl: AclRequest | undefined,
  writer = exchange.auth.accessKeyId,
): { writerAccessKeyId?: string; acl?: AclRequest } {
  const bucket = exchange.server.metadata.readLocal().headBucket(bucketName);
  const ownsBucket = bucket.ok && bucket.value.ownerAccessKeyId === writer;
  return { ...(ownsBucket ? {} : { writerAccessKeyId: writer }), ...(acl === undefined ? {} : { acl }) };
}

/** The metadata's reference to a written blob. */
export function blobRefOf(blob: BlobWriteResult): BlobRef {
  return { blobId: blob.blobId, sizeBytes: blob.sizeBytes, blake3: blob.blake3 };
}

export function storedChecksumsOf(checksums: BlobWriteResult['checksums']): Checksums | undefined {
  return Object.keys(checksums).length === 0 ? undefined : checksums;
}

function checkPutSize(exchange: S3Exchange): void {
  const sizeBytes = exchange.body.sizeBytes;
  if (sizeBytes === undefined) throw new S3Error('MissingContentLength');
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw s3Errors.invalidArgument('Content-Length', String(headerOf(exchange, 'content-length')), 'Invalid Content-Length');
  if (sizeBytes > putObjectSizeBytesMax) throw s3Errors.entityTooLarge(sizeBytes, putObjectSizeBytesMax);
}

/** Content headers, `x-amz-meta-*` (2 KiB) and `x-amz-tagging` of a write; `x-amz-storage-class` is checked, not kept. */
export function attributesFromHeaders(exchange: S3Exchange, headers: S3RequestHead['headers'] = exchange.request.headers): ObjectAttributes {
  const valueOf = (name: string): string | undefined => requestHeaderValue(headers, name);
  validateStorageClass(valueOf('x-amz-storage-class'));
  const contentHeaders: Record<string, string> = {};
  for (const [field, header] of contentHeaderFields) {
    const value = valueOf(header);
    if (value !== undefined) contentHeaders[field] = value;
  }
  const userMetadata: Record<string, string> = {};
  let metadataBytes = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : (value as string);
    const metadataName = name.slice('x-amz-meta-'.length);
    userMetadata[metadataName] = text;
    metadataBytes += Buffer.byteLength(metadataName) + Buffer.byteLength(text);
  }
  if (metadataBytes > userMetadataBytesMax) throw s3Errors.metadataTooLarge(metadataBytes, userMetadataBytesMax);
  return { contentHeaders, userMetadata, tags: tagsFromHeader(valueOf('x-amz-tagging')) };
}

function tagsFromHeader(value: string | undefined): Tag[] {
  if (value === undefined || value === '') return [];
  const tags = [...new URLSearchParams(value)].map(([key, tagValue]) => ({ key, value: tagValue }));
  if (tags.length > objectTagCountMax) throw s3Errors.invalidTag('Object tags cannot be greater than 10');
  if (new Set(tags.map((tag) => tag.key)).size !== tags.length) throw s3Errors.invalidTag('Cannot provide multiple Tags with the same key');
  for (const tag of tags) validateTag(tag);
  return tags;
}

/** `If-None-Match` (`*` or an ETag) and `If-Match` on a write (conditional writes), checked at apply time. */
export function writeConditionsOf(exchange: S3Exchange): WriteConditions | undefined {
  const ifMatch = headerOf(exchange, 'if-match');
  const ifNoneMatch = headerOf(exchange, 'if-none-match');
  if (ifMatch === undefined && ifNoneMatch === undefined) return undefined;
  return {
    ...(ifMatch === undefined ? {} : { ifMatch: etagConditionOf(ifMatch, 'If-Match') }),
    ...(ifNoneMatch === undefined ? {} : { ifNoneMatch: etagConditionOf(ifNoneMatch, 'If-None-Match') }),
  };
}

/**
 * A write condition's value: `*` or one ETag. A list (`"a", "b"`) or a weak ETag (`W/"a"`) is
 * refused rather than read as one ETag: treated as matching nothing, an If-None-Match list would let
 * the write through unchecked. Anything else that is not an ETag's short ASCII can match no version,
 * and stands for that in the command.
 */
function etagConditionOf(value: string, header: string): string {
  const trimmed = value.trim();
  if (trimmed.includes(',') || trimmed.startsWith('W/')) {
    throw new S3Error('NotImplemented', { message: `${header} with a list of ETags or a weak ETag is not supported for writes.` });
  }
  return /^[\x21-\x7e]{1,64}$/.test(trimmed) ? trimmed : '"not-an-etag"';
}

/** What the blob store must compute and verify for a write: Content-MD5 and at most one flexible checksum. */
export type BlobWritePlan = Pick<BlobWriteOptions, 'checksumAlgorithms' | 'contentMd5' | 'expectedChecksums' | 'payloadSha256'>;

/**
 * The digests to verify: `Content-MD5`, and one flexible checksum named by an `x-amz-checksum-*`
 * header, by `x-amz-trailer` (its value arrives after the body, in the aws-chunked trailer), or by
 * `x-amz-sdk-checksum-algorithm` alone (computed and stored, nothing to compare). The blob store
 * checks the values' syntax before reading the body (InvalidDigest, InvalidChecksum).
 */
export function blobWritePlanOf(exchange: S3Exchange): BlobWritePlan {
  const contentMd5 = headerOf(exchange, 'content-md5');
  const trailerNames = 'trailerNames' in exchange.auth.payload ? exchange.auth.payload.trailerNames : [];
  const named = checksumAlgorithms.filter(
    (algorithm) => headerOf(exchange, checksumHeaderName(algorithm)) !== undefined || trailerNames.includes(checksumHeaderName(algorithm)),
  );
  if (named.length > 1) throw new S3Error('InvalidRequest', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
  const declared = headerOf(exchange, 'x-amz-sdk-checksum-algorithm')?.toUpperCase();
  if (declared !== undefined && !(checksumAlgorithms as readonly string[]).includes(declared)) {
    throw new S3Error('InvalidRequest', { message: 'Value for x-amz-sdk-checksum-algorithm header is invalid.' });
  }
  const algorithm = named[0] ?? (declared as ChecksumAlgorithm | undefined);
  // The blob store checks a signed payload's SHA-256 with its other digests (off the event loop).
  const payloadSha256 = exchange.body.deferSha256Verification();
  const plan = {
    checksumAlgorithms: algorithm === undefined ? [] : [algorithm],
    ...(contentMd5 === undefined ? {} : { contentMd5 }),
    ...(payloadSha256 === undefined ? {} : { payloadSha256 }),
  };
  if (algorithm === undefined) return plan;
  const headerName = checksumHeaderName(algorithm);
  const headerValue = headerOf(exchange, headerName);
  if (headerValue !== undefined) return { ...plan, expectedChecksums: { [algorithm]: headerValue } };
  if (!trailerNames.includes(headerName)) return plan;
  return { ...plan, expectedChecksums: () => ({ [algorithm]: exchange.body.trailerValue(headerName) ?? '' }) };
}

/** Header names by algorithm, built once: a PUT looks up every algorithm's header, and a GET answers with one. */
const checksumHeaderNames = new Map<ChecksumAlgorithm, string>();

export function checksumHeaderName(algorithm: ChecksumAlgorithm): string {
  let name = checksumHeaderNames.get(algorithm);
  if (name === undefined) {
    name = `x-amz-checksum-${algorithm.toLowerCase()}`;
    checksumHeaderNames.set(algorithm, name);
  }
  return name;
}

export function checksumHeaders(checksums: Checksums | undefined, enabled: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!enabled || checksums === undefined) return headers;
  for (const algorithm of checksumAlgorithms) {
    const value = checksums[algorithm];
    if (value !== undefined) headers[checksumHeaderName(algorithm)] = value;
  }
  return headers;
}

// ---------------------------------------------------------------------------------------------
// GetObject / HeadObject

/** An inclusive byte range of an object. */
interface ByteRange {
  readonly start: number;
  readonly endInclusive: number;
}

/**
 * Parses a `Range` header against an object of `sizeBytes` (RFC 9110 §14.1.2): `bytes=a-b`,
 * `bytes=a-` and `bytes=-n`. Returns undefined to serve the whole object (no header, a syntax S3
 * ignores, several ranges), or throws InvalidRange (416) when nothing of it is satisfiable.
 */
export function parseRangeHeader(value: string | undefined, sizeBytes: number): ByteRange | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*bytes\s*=\s*(\d{0,16})\s*-\s*(\d{0,16})\s*$/i.exec(value);
  if (match === null || (match[1] === '' && match[2] === '')) return undefined;
  const unsatisfiable = () => s3Errors.invalidRange(value, sizeBytes);
  if (match[1] === '') {
    const suffixBytes = Number(match[2]);
    if (suffixBytes === 0 || sizeBytes === 0) throw unsatisfiable();
    return { start: Math.max(0, sizeBytes - suffixBytes), endInclusive: sizeBytes - 1 };
  }
  const start = Number(match[1]);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  if (start >= sizeBytes) throw unsatisfiable();
  const end = match[2] === '' ? sizeBytes - 1 : Number(match[2]);
  return { start, endInclusive: Math.min(end, sizeBytes - 1) };
}

/**
 * Evaluates GET/HEAD preconditions in RFC 9110 §13.2.2 order, as S3 documents: If-Match (412), else
 * If-Unmodified-Since (412); If-None-Match (304), else If-Modified-Since (304). Times compare at
 * whole seconds (HTTP dates have no milliseconds).
 */
export function evaluateReadConditions(
  headers: { ifMatch?: string; ifNoneMatch?: string; ifModifiedSince?: string; ifUnmodifiedSince?: string },
  object: { etag: string; lastModifiedMs: number },
): 'ok' | 'not-modified' | { readonly failed: string } {
  const lastModifiedSeconds = Math.floor(object.lastModifiedMs / 1000);
  const secondsOf = (text: string | undefined) => {
    const ms = text === undefined ? Number.NaN : Date.parse(text);
    return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
  };
  if (headers.ifMatch !== undefined) {
    if (!etagListMatches(headers.ifMatch, object.etag)) return { failed: 'If-Match' };
  } else {
    const since = secondsOf(headers.ifUnmodifiedSince);
    if (since !== undefined && lastModifiedSeconds > since) return { failed: 'If-Unmodified-Since' };
  }
  if (headers.ifNoneMatch !== undefined) {
    if (etagListMatches(headers.ifNoneMatch, object.etag)) return 'not-modified';
  } else {
    const since = secondsOf(headers.ifModifiedSince);
    if (since !== undefined && lastModifiedSeconds <= since) return 'not-modified';
  }
  return 'ok';
}

function etagListMatches(list: string, etag: string): boolean {
  return list.split(',').some((candidate) => {
    const trimmed = candidate.trim().replace(/^W\//, '');
    return trimmed === '*' || unquoteEtag(trimmed) === etag;
  });
}

/** GetObject and HeadObject: conditions, Range (206/416), partNumber, response-* overrides, checksums on request. */
export async function handleGetObject(exchange: S3Exchange, endpoint: EndpointOf<'GetObject' | 'HeadObject'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const version = valueOf(
    authorizedObject(exchange.auth, machine, { bucket: endpoint.bucket, key: endpoint.key, ...(endpoint.versionId === undefined ? {} : { versionId: endpoint.versionId }) }),
    { bucket: endpoint.bucket, key: endpoint.key, ...(endpoint.versionId === undefined ? {} : { versionId: endpoint.versionId }), method: exchange.request.method ?? 'GET' },
  );
  const range = rangeOf(exchange, endpoint, version);
  // S3 returns the stored (whole-object) checksum only for whole-object reads: clients verify it
  // against the bytes they received, which a range is not.
  const headers = objectHeaders(exchange, version, { withChecksums: range === undefined });
  Object.assign(headers, partChecksumHeaders(exchange, endpoint, version));
  Object.assign(headers, expirationHeaderOfRead(exchange, machine, endpoint, version));
  const condition = evaluateReadConditions(
    {
      ...optionalHeader(exchange, 'if-match', 'ifMatch'),
      ...optionalHeader(exchange, 'if-none-match', 'ifNoneMatch'),
      ...optionalHeader(exchange, 'if-modified-since', 'ifModifiedSince'),
      ...optionalHeader(exchange, 'if-unmodified-since', 'ifUnmodifiedSince'),
    },
    version,
  );
  if (condition === 'not-modified') {
    sendEmpty(exchange, 304, { etag: headers.etag!, 'last-modified': headers['last-modified']! });
    return;
  }
  if (condition !== 'ok') throw s3Errors.preconditionFailed(condition.failed);
  for (const [name, value] of Object.entries({ ...headers, ...overridesOf(endpoint) })) exchange.response.setHeader(name, value);
  if (range === undefined) {
    exchange.response.statusCode = 200;
    exchange.response.setHeader('content-length', version.sizeBytes);
  } else {
    exchange.response.statusCode = 206;
    exchange.response.setHeader('content-length', range.endInclusive - range.start + 1);
    exchange.response.setHeader('content-range', `bytes ${range.start}-${range.endInclusive}/${version.sizeBytes}`);
  }
  if (endpoint.operation === 'HeadObject' || version.sizeBytes === 0) {
    exchange.response.end();
    return;
  }
  const blob = version.location.length === 1 ? version.location[0]! : undefined;
  if (blob !== undefined && blob.sizeBytes <= wholeReadSizeBytesMax) {
    // A small object is read and verified whole, and sent in one write: no stream machinery.
    const bytes = await readSmallBlob(exchange, blob);
    exchange.response.end(range === undefined ? bytes : bytes.subarray(range.start, range.endInclusive + 1));
    return;
  }
  await sendChunks(exchange.response, await readObjectChunks(exchange, version.location, range));
}

/**
 * Writes a large object's verified chunks to the response and ends it. Each chunk's buffer goes
 * back to the blob store's pool in its write callback (the kernel has the bytes then), and the next
 * chunk is written only after 'drain': a slow client holds at most the read-ahead plus one chunk.
 * A source error is rethrown for the edge to answer: before the first write as an S3 error, after
 * it by cutting the connection (no byte of a bad chunk is ever written). A client gone mid-way
 * stops the reads; the source is closed (reads in flight waited for, file handle closed) either way.
 */
export async function sendChunks(response: ServerResponse, source: VerifiedChunkSource): Promise<void> {
  try {
    for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) {
      if (response.destroyed) return chunk.release();
      const { release } = chunk;
      if (!response.write(chunk.bytes, () => release())) await drainedOrClosed(response);
    }
    response.end();
  } finally {
    await source.close();
  }
}

function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed) return resolve(); // its 'close' may have fired already
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/**
 * A small blob whole and verified (`BlobStore.readWhole`, usually from memory), fetched from another
 * replica first only when this one lacks it. Read first, fetch on BlobNotFound: asking `fetch`
 * first cost every GET a stat of the file through the libuv pool, also for blobs held in memory.
 */
async function readSmallBlob(exchange: S3Exchange, blob: BlobRef): Promise<Buffer> {
  const read = () => exchange.server.blobs.readWhole(blob.blobId, { expectedBlake3: blob.blake3, sizeBytes: blob.sizeBytes });
  const replication = exchange.server.options.replication;
  if (replication === undefined) return read();
  try {
    return await read();
  } catch (error) {
    if (!(isBlobStoreError(error) && error.code === 'BlobNotFound')) throw error;
    await replication.fetch(blob.blobId, blob.blake3, blob.sizeBytes);
    return read();
  }
}

function optionalHeader<Name extends string>(exchange: S3Exchange, header: string, name: Name): { [K in Name]?: string } {
  const value = headerOf(exchange, header);
  return (value === undefined ? {} : { [name]: value }) as { [K in Name]?: string };
}

function rangeOf(exchange: S3Exchange, endpoint: EndpointOf<'GetObject' | 'HeadObject'>, version: ObjectVersion): ByteRange | undefined {
  if (endpoint.partNumber === undefined) return parseRangeHeader(headerOf(exchange, 'range'), version.sizeBytes);
  if (headerOf(exchange, 'range') !== undefined) throw new S3Error('InvalidRequest', { message: 'Cannot specify both Range header and partNumber query parameter' });
  if (version.parts === undefined) {
    if (endpoint.partNumber !== 1) throw new S3Error('InvalidPartNumber');
    return undefined;
  }
  let start = 0;
  for (const part of version.parts) {
    if (part.partNumber === endpoint.partNumber) {
      exchange.response.setHeader('x-amz-mp-parts-count', version.parts.length);
      return { start, endInclusive: start + part.sizeBytes - 1 };
    }
    start += part.sizeBytes;
  }
  throw new S3Error('InvalidPartNumber');
}

/**
 * A `partNumber` read of a multipart object answers that part's own checksums (what the client
 * verifies against the part's bytes), as S3 does; other reads get none here.
 */
function partChecksumHeaders(exchange: S3Exchange, endpoint: EndpointOf<'GetObject' | 'HeadObject'>, version: ObjectVersion): Record<string, string> {
  if (endpoint.partNumber === undefined || headerOf(exchange, 'x-amz-checksum-mode')?.toUpperCase() !== 'ENABLED') return {};
  const part = version.parts?.find((candidate) => candidate.partNumber === endpoint.partNumber);
  return checksumHeaders(part?.checksums, part !== undefined);
}

/** The bytes of `range` across the object's blobs, in order, each verified by the blob store while read. */
export async function readObjectBytes(exchange: S3Exchange, location: readonly BlobRef[], range: ByteRange | undefined): Promise<Readable> {
  await fetchMissingBlobs(exchange, location, range);
  return exchange.server.blobs.concatRead(partsOf(location), range === undefined ? {} : { range });
}

/** As `readObjectBytes`, as verified chunks whose buffers are reused (the GET path, `sendChunks`). */
async function readObjectChunks(exchange: S3Exchange, location: readonly BlobRef[], range: ByteRange | undefined): Promise<VerifiedChunkSource> {
  await fetchMissingBlobs(exchange, location, range);
  return exchange.server.blobs.openChunks(partsOf(location), range === undefined ? {} : { range });
}

function partsOf(location: readonly BlobRef[]) {
  return location.map((blob) => ({ blobId: blob.blobId, expectedBlake3: blob.blake3, sizeBytes: blob.sizeBytes }));
}

async function fetchMissingBlobs(exchange: S3Exchange, location: readonly BlobRef[], range: ByteRange | undefined): Promise<void> {
  const replication = exchange.server.options.replication;
  if (replication !== undefined) {
    // Blobs this replica missed (down or slow during the write) are fetched from another one first.
    let partStart = 0;
    for (const blob of location) {
      const touched = blob.sizeBytes > 0 && (range === undefined || (partStart <= range.endInclusive && partStart + blob.sizeBytes - 1 >= range.start));
      if (touched) await replication.fetch(blob.blobId, blob.blake3, blob.sizeBytes);
      partStart += blob.sizeBytes;
    }
  }
}

/** The response headers of an object (GET and HEAD). */
function objectHeaders(exchange: S3Exchange, version: ObjectVersion, options: { withChecksums: boolean }): Record<string, string> {
  const headers: Record<string, string> = {
    etag: quoteEtag(version.etag),
    'last-modified': httpDate(version.lastModifiedMs),
    'accept-ranges': 'bytes',
    'content-type': writableHeaderValue(version.contentHeaders.contentType ?? 'binary/octet-stream'),
  };
  // A stored value node cannot write goes out RFC 2047-encoded, and a name that cannot be a header is
  // left out: whatever a version holds, reading it never fails.
  for (const [field, header] of contentHeaderFields) {
    const value = version.contentHeaders[field];
    if (value !== undefined) headers[header] = writableHeaderValue(value);
  }
  for (const [name, value] of Object.entries(version.userMetadata)) if (isHeaderName(name)) headers[`x-amz-meta-${name}`] = writableHeaderValue(value);
  if (version.versionId !== nullVersionId) headers['x-amz-version-id'] = version.versionId;
  if (version.tags.length > 0) headers['x-amz-tagging-count'] = String(version.tags.length);
  const checksumMode = options.withChecksums && headerOf(exchange, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED';
  Object.assign(headers, checksumHeaders(version.checksums, checksumMode));
  if (checksumMode && version.checksumType !== undefined) headers['x-amz-checksum-type'] = version.checksumType;
  return headers;
}

function overridesOf(endpoint: EndpointOf<'GetObject' | 'HeadObject'>): Record<string, string> {
  return Object.fromEntries(Object.entries(endpoint.responseHeaders).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

// ---------------------------------------------------------------------------------------------
// DeleteObject

/** DeleteObject: 204 whether or not the key existed; version headers when a version or marker was involved. */
export async function handleDeleteObject(exchange: S3Exchange, endpoint: EndpointOf<'DeleteObject'>): Promise<void> {
  checkVersionIdSyntax(endpoint.versionId);
  const command = objectMetadataCommand('DeleteObject', {
    bucket: endpoint.bucket,
    key: endpoint.key,
    ...(endpoint.versionId === undefined ? {} : { versionId: endpoint.versionId }),
    markerVersionId: exchange.server.newId(),
    lastModifiedMs: exchange.server.nowMs(),
  });
  const value = valueOf(await proposeCommand(exchange, command), { bucket: endpoint.bucket, key: endpoint.key });
  sendEmpty(exchange, 204, {
    ...(value.versionId === undefined || (value.versionId === nullVersionId && endpoint.versionId === undefined) ? {} : { 'x-amz-version-id': value.versionId }),
    ...(value.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// CopyObject

/**
 * `x-amz-copy-source-if-*` (S3 API reference, CopyObject and UploadPartCopy): evaluated against the
 * source as a GET would be, but any failure, including "not modified", is 412.
 */
export function checkCopySourceConditions(exchange: S3Exchange, source: ObjectVersion): void {
  const conditions = {
    ...optionalHeader(exchange, 'x-amz-copy-source-if-match', 'ifMatch'),
    ...optionalHeader(exchange, 'x-amz-copy-source-if-none-match', 'ifNoneMatch'),
    ...optionalHeader(exchange, 'x-amz-copy-source-if-modified-since', 'ifModifiedSince'),
    ...optionalHeader(exchange, 'x-amz-copy-source-if-unmodified-since', 'ifUnmodifiedSince'),
  };
  const outcome = evaluateReadConditions(conditions, source);
  if (outcome === 'ok') return;
  throw s3Errors.preconditionFailed(outcome === 'not-modified' ? 'x-amz-copy-source-If-None-Match' : `x-amz-copy-source-${outcome.failed}`);
}

/**
 * CopyObject: the source's bytes are streamed into a fresh blob (so versions never share blobs and
 * garbage stays per version), metadata copied (COPY, the default) or taken from the request
 * (REPLACE). Copying an object onto itself needs REPLACE, as S3.
 */
export async function handleCopyObject(exchange: S3Exchange, endpoint: EndpointOf<'CopyObject'>): Promise<void> {
  const { copySource } = endpoint;
  const directive = (headerOf(exchange, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') throw s3Errors.invalidArgument('x-amz-metadata-directive', directive, 'Unknown metadata directive.');
  validateStorageClass(headerOf(exchange, 'x-amz-storage-class'));
  const sameObject = copySource.bucket === endpoint.bucket && copySource.key === endpoint.key && copySource.versionId === undefined;
  if (sameObject && directive === 'COPY') {
    throw new S3Error('InvalidRequest', {
      message: "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    });
  }
  const machine = await exchange.server.metadata.read();
  valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  const acl = await aclRequestOfWrite(exchange, endpoint.bucket, 'object');
  const source = valueOf(
    authorizedObject(exchange.auth, machine, { bucket: copySource.bucket, key: copySource.key, ...(copySource.versionId === undefined ? {} : { versionId: copySource.versionId }) }),
    { bucket: copySource.bucket, key: copySource.key, ...(copySource.versionId === undefined ? {} : { versionId: copySource.versionId }) },
  );
  checkCopySourceConditions(exchange, source);
  if (source.sizeBytes > putObjectSizeBytesMax) throw s3Errors.invalidArgument('x-amz-copy-source', `${copySource.bucket}/${copySource.key}`, 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
  const attributes: ObjectAttributes =
    directive === 'REPLACE' ? attributesFromHeaders(exchange) : { contentHeaders: source.contentHeaders, userMetadata: source.userMetadata, tags: source.tags };
  // Tags follow x-amz-tagging-directive (COPY by default), independently of the metadata directive.
  const taggingDirective = (headerOf(exchange, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (taggingDirective !== 'COPY' && taggingDirective !== 'REPLACE') throw s3Errors.invalidArgument('x-amz-tagging-directive', taggingDirective, 'Unknown tagging directive.');
  const tags = taggingDirective === 'REPLACE' ? tagsFromHeader(headerOf(exchange, 'x-amz-tagging')) : source.tags;
  const algorithms = Object.keys(source.checksums ?? {}).filter((name): name is ChecksumAlgorithm => (checksumAlgorithms as readonly string[]).includes(name));
  const bytes = source.sizeBytes === 0 ? Readable.from([]) : await readObjectBytes(exchange, source.location, undefined);
  const blob = await exchange.server.blobs.write(bytes, { checksumAlgorithms: algorithms, expectedSizeBytes: source.sizeBytes, sizeBytesMax: putObjectSizeBytesMax, signal: exchange.signal });
  await replicateBlob(exchange, blob);
  const checksums = storedChecksumsOf(blob.checksums);
  const lastModifiedMs = exchange.server.nowMs();
  const command = objectMetadataCommand('PutObject', {
    bucket: endpoint.bucket,
    key: endpoint.key,
    versionId: exchange.server.newId(),
    lastModifiedMs,
    sizeBytes: blob.sizeBytes,
    // A copy of a multipart object keeps no parts; its ETag becomes the MD5 of its bytes, as S3 does for copies.
    etag: blob.md5,
    ...(checksums === undefined ? {} : { checksums, checksumType: 'FULL_OBJECT' as const }),
    attributes: { ...attributes, tags },
    location: [blobRefOf(blob)],
    ...writerAndAcl(exchange, endpoint.bucket, acl),
  });
  const value = valueOf(await proposeCommand(exchange, command), { bucket: endpoint.bucket, key: endpoint.key });
  sendXml(exchange, renderCopyResult('CopyObjectResult', { etag: value.etag, lastModifiedMs, ...(checksums === undefined ? {} : { checksums, checksumType: 'FULL_OBJECT' as const }) }), {
    headers: {
      ...(source.versionId === nullVersionId ? {} : { 'x-amz-copy-source-version-id': source.versionId }),
      ...versionIdHeader(value),
      ...expirationHeaderOfWrite(exchange, endpoint.bucket, endpoint.key, { lastModifiedMs, sizeBytes: blob.sizeBytes, tags }),
    },
  });
}

