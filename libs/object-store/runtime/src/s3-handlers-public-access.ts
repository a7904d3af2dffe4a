/**
 * Block Public Access on a bucket (core: s3-public-access-block.ts): Get/Put/DeletePublicAccessBlock
 * and GetBucketPolicyStatus. The settings are enforced where the requests they concern are judged:
 * public ACLs in s3-handlers-acl.ts, public policies at PutBucketPolicy and unsigned access in
 * s3-request-policy.ts.
 */
import {
  isPublicPolicy,
  objectMetadataCommand,
  parseBucketPolicy,
  parsePublicAccessBlockConfiguration,
  renderPolicyStatus,
  renderPublicAccessBlockConfiguration,
  S3Error,
  type S3Endpoint,
} from '@objectbox/object-store-core';
import { proposeCommand, sendEmpty, sendXml, valueOf } from './s3-handlers-common.js';
import { readRequestDocument } from './s3-handlers-versioning.js';
import type { S3Exchange } from './s3-server.js';

type EndpointOf<Operation extends S3Endpoint['operation']> = Extract<S3Endpoint, { operation: Operation }>;

/** GetPublicAccessBlock: the four settings; NoSuchPublicAccessBlockConfiguration (404) when none was put. */
export async function handleGetPublicAccessBlock(exchange: S3Exchange, endpoint: EndpointOf<'GetPublicAccessBlock'>): Promise<void> {
  const bucket = valueOf((await exchange.server.metadata.read()).headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  if (bucket.publicAccessBlock === undefined) throw new S3Error('NoSuchPublicAccessBlockConfiguration', { fields: { BucketName: endpoint.bucket } });
  sendXml(exchange, renderPublicAccessBlockConfiguration(bucket.publicAccessBlock));
}

/** PutPublicAccessBlock: replaces the settings (an absent element is false); 200. */
export async function handlePutPublicAccessBlock(exchange: S3Exchange, endpoint: EndpointOf<'PutPublicAccessBlock'>): Promise<void> {
  const configuration = parsePublicAccessBlockConfiguration(await readRequestDocument(exchange, { digestRequired: false }));
  valueOf(await proposeCommand(exchange, objectMetadataCommand('PutPublicAccessBlock', { bucket: endpoint.bucket, configuration })), { bucket: endpoint.bucket });
  sendEmpty(exchange, 200);
}

/** DeletePublicAccessBlock: 204 whether or not there were settings. */
export async function handleDeletePublicAccessBlock(exchange: S3Exchange, endpoint: EndpointOf<'DeletePublicAccessBlock'>): Promise<void> {
  valueOf(await proposeCommand(exchange, objectMetadataCommand('DeletePublicAccessBlock', { bucket: endpoint.bucket })), { bucket: endpoint.bucket });
  sendEmpty(exchange, 204);
}

/** GetBucketPolicyStatus: whether the bucket's policy is public; NoSuchBucketPolicy (404) without one. */
export async function handleGetBucketPolicyStatus(exchange: S3Exchange, endpoint: EndpointOf<'GetBucketPolicyStatus'>): Promise<void> {
  const bucket = valueOf((await exchange.server.metadata.read()).headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  if (bucket.policy === undefined) throw new S3Error('NoSuchBucketPolicy', { fields: { BucketName: endpoint.bucket } });
  sendXml(exchange, renderPolicyStatus(isPublicPolicy(parseBucketPolicy(bucket.policy))));
}
