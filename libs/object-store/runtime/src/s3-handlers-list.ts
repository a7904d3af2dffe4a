/**
 * ListObjects (v1) and ListObjectsV2 over the metadata machine's ordered key index (pages of at
 * most 1000 entries, never a scan of the bucket), after a ReadIndex barrier.
 */
import {
  listPageEntryCountMax,
  renderListObjectsResult,
  renderListObjectsV2Result,
  type ListedObject,
  type ObjectVersion,
  type S3Endpoint,
  type S3ObjectEntry,
  type S3Owner,
} from '@objectbox/object-store-core';
import { objectOwnersOf } from './s3-handlers-acl.js';
import { sendXml, valueOf } from './s3-handlers-common.js';
import type { S3Exchange } from './s3-server.js';

type EndpointOf<Operation extends S3Endpoint['operation']> = Extract<S3Endpoint, { operation: Operation }>;

function objectEntry(listed: ListedObject, ownerOfVersion: ((version: ObjectVersion) => S3Owner) | undefined): S3ObjectEntry {
  const owner = ownerOfVersion?.(listed.version);
  const { version } = listed;
  const checksumAlgorithms = Object.keys(version.checksums ?? {}) as S3ObjectEntry['checksumAlgorithms'];
  return {
    key: listed.key,
    lastModifiedMs: version.lastModifiedMs,
    etag: version.etag,
    sizeBytes: version.sizeBytes,
    ...(owner === undefined ? {} : { owner }),
    ...(checksumAlgorithms !== undefined && checksumAlgorithms.length > 0 ? { checksumAlgorithms } : {}),
    ...(version.checksumType === undefined ? {} : { checksumType: version.checksumType }),
  };
}

/** S3 echoes MaxKeys as asked but never returns more than 1000. */
function pageSize(maxKeys: number): number {
  return Math.min(maxKeys, listPageEntryCountMax);
}

/** ListObjects (v1): `marker`; NextMarker when truncated (S3 sends it only with a delimiter; we always do, which SDKs accept). */
export async function handleListObjects(exchange: S3Exchange, endpoint: EndpointOf<'ListObjects'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const page = valueOf(
    machine.listObjectsV1(endpoint.bucket, {
      ...(endpoint.prefix === undefined ? {} : { prefix: endpoint.prefix }),
      ...(endpoint.delimiter === undefined ? {} : { delimiter: endpoint.delimiter }),
      ...(endpoint.marker === undefined ? {} : { marker: endpoint.marker }),
      maxKeys: pageSize(endpoint.maxKeys),
    }),
    { bucket: endpoint.bucket },
  );
  const owner = objectOwnersOf(valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket }), exchange.auth);
  sendXml(
    exchange,
    renderListObjectsResult({
      bucket: endpoint.bucket,
      prefix: endpoint.prefix,
      delimiter: endpoint.delimiter,
      maxKeys: endpoint.maxKeys,
      encodingType: endpoint.encodingType,
      isTruncated: page.isTruncated,
      contents: page.contents.map((listed) => objectEntry(listed, owner)),
      commonPrefixes: page.commonPrefixes,
      marker: endpoint.marker,
      nextMarker: page.nextMarker,
    }),
  );
}

/** ListObjectsV2: continuation tokens are the machine's opaque encoding of the last entry. */
export async function handleListObjectsV2(exchange: S3Exchange, endpoint: EndpointOf<'ListObjectsV2'>): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const page = valueOf(
    machine.listObjectsV2(endpoint.bucket, {
      ...(endpoint.prefix === undefined ? {} : { prefix: endpoint.prefix }),
      ...(endpoint.delimiter === undefined ? {} : { delimiter: endpoint.delimiter }),
      ...(endpoint.continuationToken === undefined ? {} : { continuationToken: endpoint.continuationToken }),
      ...(endpoint.startAfter === undefined ? {} : { startAfter: endpoint.startAfter }),
      maxKeys: pageSize(endpoint.maxKeys),
    }),
    { bucket: endpoint.bucket },
  );
  const owner = endpoint.fetchOwner ? objectOwnersOf(valueOf(machine.headBucket(endpoint.bucket), { bucket: endpoint.bucket }), exchange.auth) : undefined;
  sendXml(
    exchange,
    renderListObjectsV2Result({
      bucket: endpoint.bucket,
      prefix: endpoint.prefix,
      delimiter: endpoint.delimiter,
      maxKeys: endpoint.maxKeys,
      encodingType: endpoint.encodingType,
      isTruncated: page.isTruncated,
      contents: page.contents.map((listed) => objectEntry(listed, owner)),
      commonPrefixes: page.commonPrefixes,
      continuationToken: endpoint.continuationToken,
      nextContinuationToken: page.nextContinuationToken,
      startAfter: endpoint.startAfter,
    }),
  );
}
