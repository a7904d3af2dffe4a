/**
 * Tagging operations: Get/Put/DeleteObjectTagging (the current version, or one by `versionId`) and
 * Get/Put/DeleteBucketTagging (S3 API reference). Tags are part of a version's metadata in the
 * Raft group: a put replaces the whole tag set, a delete empties it. Documents are read and checked
 * by {@link readRequestDocument}; the tag rules (count, lengths, characters, no `aws:` prefix, no
 * duplicate key) by the core's `parseTagging`.
 */
import {
  nullVersionId,
  objectMetadataCommand,
  parseTagging,
  renderTagging,
  s3BucketTagCountMax,
  s3ObjectTagCountMax,
  type S3Endpoint,
} from '@objectbox/object-store-core';
import { proposeCommand, sendEmpty, sendXml, valueOf } from './s3-handlers-common.js';
import { checkVersionIdSyntax, readRequestDocument } from './s3-handlers-versioning.js';
import type { S3Exchange } from './s3-server.js';

type EndpointOf<Operation extends S3Endpoint['operation']> = Extract<S3Endpoint, { operation: Operation }>;
type ObjectTaggingEndpoint = EndpointOf<'GetObjectTagging' | 'PutObjectTagging' | 'DeleteObjectTagging'>;

/** `x-amz-version-id` of a tagging answer: the version's id unless it is the null version. */
function versionHeader(versionId: string): Record<string, string> {
  return versionId === nullVersionId ? {} : { 'x-amz-version-id': versionId };
}

function objectContext(endpoint: ObjectTaggingEndpoint, method: string): { bucket: string; key: string; versionId?: string; method: string } {
  return { bucket: endpoint.bucket, key: endpoint.key, ...(endpoint.versionId === undefined ? {} : { versionId: endpoint.versionId }), method };
}

/** GetObjectTagging: the version's tag set (empty when it has none). A delete marker: NoSuchKey / MethodNotAllowed. */
export async function handleGetObjectTagging(exchange: S3Exchange, endpoint: ObjectTaggingEndpoint): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const version = valueOf(
    machine.getObject({ bucket: endpoint.bucket, key: endpoint.key, ...(endpoint.versionId === undefined ? {} : { versionId: endpoint.versionId }) }),
    objectContext(endpoint, 'GET'),
  );
  sendXml(exchange, renderTagging(version.tags), { headers: versionHeader(version.versionId) });
}

/** PutObjectTagging: replaces the version's tag set (at most 10 tags). */
export async function handlePutObjectTagging(exchange: S3Exchange, endpoint: ObjectTaggingEndpoint): Promise<void> {
  checkVersionIdSyntax(endpoint.versionId);
  const tags = parseTagging(await readRequestDocument(exchange, { digestRequired: false }), { tagCountMax: s3ObjectTagCountMax });
  const command = objectMetadataCommand('PutObjectTagging', {
    bucket: endpoint.bucket,
    key: endpoint.key,
    ...(endpoint.versionId === undefined ? {} : { versionId: endpoint.versionId }),
    tags,
  });
  const value = valueOf(await proposeCommand(exchange, command), objectContext(endpoint, 'PUT'));
  sendEmpty(exchange, 200, versionHeader(value.versionId));
}

/** DeleteObjectTagging: empties the version's tag set; 204. */
export async function handleDeleteObjectTagging(exchange: S3Exchange, endpoint: ObjectTaggingEndpoint): Promise<void> {
  checkVersionIdSyntax(endpoint.versionId);
  const command = objectMetadataCommand('DeleteObjectTagging', {
    bucket: endpoint.bucket,
    key: endpoint.key,
    ...(endpoint.versionId === undefined ? {} : { versionId: endpoint.versionId }),
  });
  const value = valueOf(await proposeCommand(exchange, command), objectContext(endpoint, 'DELETE'));
  sendEmpty(exchange, 204, versionHeader(value.versionId));
}

/** GetBucketTagging: NoSuchTagSet (404) until tags are put. */
export async function handleGetBucketTagging(exchange: S3Exchange, endpoint: EndpointOf<'GetBucketTagging'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  sendXml(exchange, renderTagging(valueOf(machine.getBucketTagging(endpoint.bucket), { bucket: endpoint.bucket })));
}

/** PutBucketTagging: replaces the bucket's tag set (at most 50 tags); Content-MD5 or a checksum required, as S3. 204. */
export async function handlePutBucketTagging(exchange: S3Exchange, endpoint: EndpointOf<'PutBucketTagging'>): Promise<void> {
  const tags = parseTagging(await readRequestDocument(exchange, { digestRequired: true }), { tagCountMax: s3BucketTagCountMax });
  valueOf(await proposeCommand(exchange, objectMetadataCommand('PutBucketTagging', { bucket: endpoint.bucket, tags })), { bucket: endpoint.bucket });
  sendEmpty(exchange, 204);
}

/** DeleteBucketTagging: 204 whether or not tags were set. */
export async function handleDeleteBucketTagging(exchange: S3Exchange, endpoint: EndpointOf<'DeleteBucketTagging'>): Promise<void> {
  valueOf(await proposeCommand(exchange, objectMetadataCommand('DeleteBucketTagging', { bucket: endpoint.bucket })), { bucket: endpoint.bucket });
  sendEmpty(exchange, 204);
}
