/**
 * Bucket operations: ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation
 * (S3 API reference, each operation's page for status codes and headers).
 */
import { createHash } from 'node:crypto';
import {
  objectMetadataCommand,
  objectOwnerships,
  parseCreateBucketConfiguration,
  renderListAllMyBucketsResult,
  renderLocationConstraint,
  S3Error,
  s3XmlBodyBytesMax,
  type S3Endpoint,
  type S3Owner,
} from '@objectbox/object-store-core';
import { aclRequestOfCreateBucket } from './s3-handlers-acl.js';
import { headerOf, proposeCommand, sendEmpty, sendXml, valueOf } from './s3-handlers-common.js';
import type { S3Authentication } from './s3-request-auth.js';
import type { S3Exchange } from './s3-server.js';

type EndpointOf<Operation extends S3Endpoint['operation']> = Extract<S3Endpoint, { operation: Operation }>;

/**
 * The owner S3 documents show for an access key: a 64-hex canonical id, and the key id as its
 * DisplayName for the account's own (signed) requests only. An unsigned caller (a public listing or
 * ACL) is never told key ids: S3 itself stopped returning DisplayName in November 2025 (API
 * reference, "Owner"); the account's tools still see which key owns what.
 */
export function ownerOf(accessKeyId: string, audience: Pick<S3Authentication, 'anonymous'>): S3Owner {
  const id = createHash('sha256').update(`objectbox-owner:${accessKeyId}`).digest('hex');
  return audience.anonymous === true ? { id } : { id, displayName: accessKeyId };
}

/** ListBuckets: by name, with `prefix`, `max-buckets` and `continuation-token` (the last name of the previous page). */
export async function handleListBuckets(exchange: S3Exchange, endpoint: EndpointOf<'ListBuckets'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const after = endpoint.continuationToken === undefined ? undefined : decodeBucketToken(endpoint.continuationToken);
  const matching = machine
    .listBuckets()
    .filter((bucket) => endpoint.prefix === undefined || bucket.name.startsWith(endpoint.prefix))
    .filter((bucket) => endpoint.bucketRegion === undefined || bucket.region === endpoint.bucketRegion)
    .filter((bucket) => after === undefined || bucket.name > after);
  const page = endpoint.maxBuckets === undefined ? matching : matching.slice(0, endpoint.maxBuckets);
  const truncated = page.length < matching.length;
  sendXml(
    exchange,
    renderListAllMyBucketsResult({
      owner: ownerOf(exchange.auth.accessKeyId, exchange.auth),
      buckets: page.map((bucket) => ({ name: bucket.name, creationDateMs: bucket.createdAtMs, region: bucket.region })),
      ...(truncated ? { continuationToken: Buffer.from(page[page.length - 1]!.name).toString('base64url') } : {}),
      ...(endpoint.prefix === undefined ? {} : { prefix: endpoint.prefix }),
    }),
  );
}

function decodeBucketToken(token: string): string {
  const name = Buffer.from(token, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9._-]{1,255}$/.test(name)) {
    throw new S3Error('InvalidArgument', { message: 'The continuation token provided is incorrect', fields: { ArgumentName: 'continuation-token', ArgumentValue: token } });
  }
  return name;
}

/**
 * CreateBucket: the body's LocationConstraint must name this endpoint's region (none means
 * `us-east-1`, as S3). Answers 200 with `Location: /<bucket>`.
 */
export async function handleCreateBucket(exchange: S3Exchange, endpoint: EndpointOf<'CreateBucket'>): Promise<void> {
  const { region } = exchange.server;
  const ownershipHeader = headerOf(exchange, 'x-amz-object-ownership');
  const objectOwnership = objectOwnerships.find((ownership) => ownership === ownershipHeader);
  if (ownershipHeader !== undefined && objectOwnership === undefined) {
    throw new S3Error('InvalidArgument', { message: 'Invalid x-amz-object-ownership header', fields: { ArgumentName: 'x-amz-object-ownership', ArgumentValue: ownershipHeader } });
  }
  const acl = aclRequestOfCreateBucket(exchange);
  const document = await exchange.body.readAll(s3XmlBodyBytesMax, () => new S3Error('MaxMessageLengthExceeded'));
  const { locationConstraint } = parseCreateBucketConfiguration(document);
  if (locationConstraint === undefined && region !== 'us-east-1') throw new S3Error('IllegalLocationConstraintException');
  if (locationConstraint !== undefined && locationConstraint !== region) {
    throw locationConstraint === 'us-east-1'
      ? new S3Error('InvalidLocationConstraint', { fields: { LocationConstraint: locationConstraint } })
      : new S3Error('IllegalLocationConstraintException', {
          message: `The ${locationConstraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
        });
  }
  const command = objectMetadataCommand('CreateBucket', {
    bucket: endpoint.bucket,
    ownerAccessKeyId: exchange.auth.accessKeyId,
    region,
    createdAtMs: exchange.nowMs,
    ...(objectOwnership === undefined ? {} : { objectOwnership }),
    ...(acl === undefined ? {} : { acl }),
  });
  valueOf(await proposeCommand(exchange, command), { bucket: endpoint.bucket });
  sendEmpty(exchange, 200, { location: `/${endpoint.bucket}` });
}

/** HeadBucket: 200 with `x-amz-bucket-region`, or a bodiless 404. */
export async function handleHeadBucket(exchange: S3Exchange, endpoint: EndpointOf<'HeadBucket'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const bucket = valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  sendEmpty(exchange, 200, { 'x-amz-bucket-region': bucket.region });
}

/** DeleteBucket: 204; BucketNotEmpty while any version remains. */
export async function handleDeleteBucket(exchange: S3Exchange, endpoint: EndpointOf<'DeleteBucket'>): Promise<void> {
  valueOf(await proposeCommand(exchange, objectMetadataCommand('DeleteBucket', { bucket: endpoint.bucket })), { bucket: endpoint.bucket });
  sendEmpty(exchange, 204);
}

/** GetBucketLocation: the bucket's region, empty for `us-east-1`. */
export async function handleGetBucketLocation(exchange: S3Exchange, endpoint: EndpointOf<'GetBucketLocation'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const bucket = valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  sendXml(exchange, renderLocationConstraint(bucket.region));
}
