/**
 * Lifecycle (core: s3-lifecycle.ts): Get/Put/DeleteBucketLifecycle(Configuration), and the
 * `x-amz-expiration` header of GetObject and HeadObject. The expiry itself is the leader's
 * lifecycle loop (lifecycle-expiry-loop.ts).
 */
import {
  currentVersionExpiryOf,
  dayLengthMsDefault,
  expirationHeaderValue,
  objectMetadataCommand,
  parseLifecycleConfiguration,
  renderLifecycleConfiguration,
  S3Error,
  type Bucket,
  type ObjectMetadataMachine,
  type ObjectVersion,
  type S3Endpoint,
} from '@objectbox/object-store-core';
import { proposeCommand, sendEmpty, sendXml, valueOf } from './s3-handlers-common.js';
import { readRequestDocument } from './s3-handlers-versioning.js';
import type { S3Exchange } from './s3-server.js';

type EndpointOf<Operation extends S3Endpoint['operation']> = Extract<S3Endpoint, { operation: Operation }>;

/** GetBucketLifecycleConfiguration: the rules as put; NoSuchLifecycleConfiguration (404) when none. */
export async function handleGetBucketLifecycle(exchange: S3Exchange, endpoint: EndpointOf<'GetBucketLifecycleConfiguration'>): Promise<void> {
  const bucket = valueOf((await exchange.server.metadata.read()).headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  if (bucket.lifecycle === undefined) throw new S3Error('NoSuchLifecycleConfiguration', { fields: { BucketName: endpoint.bucket } });
  sendXml(exchange, renderLifecycleConfiguration(bucket.lifecycle));
}

/**
 * PutBucketLifecycleConfiguration: Content-MD5 or a flexible checksum is required, as S3 requires
 * it; the rules replace any before; a rule without an ID gets a random one (as S3 does); 200.
 */
export async function handlePutBucketLifecycle(exchange: S3Exchange, endpoint: EndpointOf<'PutBucketLifecycleConfiguration'>): Promise<void> {
  const document = await readRequestDocument(exchange, { digestRequired: true });
  const rules = parseLifecycleConfiguration(document, { assignId: () => exchange.server.newId() });
  valueOf(await proposeCommand(exchange, objectMetadataCommand('PutBucketLifecycle', { bucket: endpoint.bucket, rules })), { bucket: endpoint.bucket });
  sendEmpty(exchange, 200);
}

/** DeleteBucketLifecycle: 204 whether or not rules were set. */
export async function handleDeleteBucketLifecycle(exchange: S3Exchange, endpoint: EndpointOf<'DeleteBucketLifecycle'>): Promise<void> {
  valueOf(await proposeCommand(exchange, objectMetadataCommand('DeleteBucketLifecycle', { bucket: endpoint.bucket })), { bucket: endpoint.bucket });
  sendEmpty(exchange, 204);
}

/**
 * The `x-amz-expiration` header for `version` when it is the current version and a rule of `bucket`
 * will expire it (S3 sends it on GetObject and HeadObject), else nothing. A version asked for by id
 * that is noncurrent gets none: S3 reports only the current version's expiration.
 */
export function expirationHeaderOf(
  bucket: Pick<Bucket, 'lifecycle'>,
  key: string,
  version: Pick<ObjectVersion, 'lastModifiedMs' | 'sizeBytes' | 'tags'>,
  options: { readonly current: boolean; readonly dayLengthMs: number },
): Record<string, string> {
  if (bucket.lifecycle === undefined || !options.current) return {};
  const expiry = currentVersionExpiryOf(bucket.lifecycle, { key, tags: version.tags, sizeBytes: version.sizeBytes, lastModifiedMs: version.lastModifiedMs }, options.dayLengthMs);
  return expiry === undefined ? {} : { 'x-amz-expiration': expirationHeaderValue(expiry) };
}

/**
 * {@link expirationHeaderOf} for the version a write just made current (PutObject and CopyObject
 * answer it too), from this replica's rules without a read barrier: the header only informs, and a
 * rule changed elsewhere a moment ago is at most one answer late.
 */
export function expirationHeaderOfWrite(
  exchange: S3Exchange,
  bucket: string,
  key: string,
  version: Pick<ObjectVersion, 'lastModifiedMs' | 'sizeBytes' | 'tags'>,
): Record<string, string> {
  const found = exchange.server.metadata.readLocal().headBucket(bucket);
  if (!found.ok) return {};
  return expirationHeaderOf(found.value, key, version, { current: true, dayLengthMs: exchange.server.options.lifecycleDayLengthMs ?? dayLengthMsDefault });
}

/** {@link expirationHeaderOf} for a GetObject or HeadObject of `version`, read from `machine`. */
export function expirationHeaderOfRead(
  exchange: S3Exchange,
  machine: ObjectMetadataMachine,
  endpoint: { readonly bucket: string; readonly key: string; readonly versionId: string | undefined },
  version: ObjectVersion,
): Record<string, string> {
  const bucket = machine.headBucket(endpoint.bucket);
  if (!bucket.ok || bucket.value.lifecycle === undefined) return {};
  const current = endpoint.versionId === undefined || (() => {
    const latest = machine.getObject({ bucket: endpoint.bucket, key: endpoint.key });
    return latest.ok && latest.value.versionId === version.versionId;
  })();
  return expirationHeaderOf(bucket.value, endpoint.key, version, { current, dayLengthMs: exchange.server.options.lifecycleDayLengthMs ?? dayLengthMsDefault });
}
