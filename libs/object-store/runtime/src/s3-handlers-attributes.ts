/**
 * GetObjectAttributes (S3 API reference): the asked attributes of the current version, or of one by
 * `versionId`, from its metadata alone: ETag, Checksum, ObjectParts (multipart objects, paged by
 * `x-amz-max-parts` / `x-amz-part-number-marker`), StorageClass (always STANDARD here) and
 * ObjectSize. A delete marker answers as GetObject's does (NoSuchKey / MethodNotAllowed).
 */
import { nullVersionId, pageParts, renderGetObjectAttributesResult, type S3Endpoint } from '@objectbox/object-store-core';
import { httpDate, sendXml, valueOf } from './s3-handlers-common.js';
import type { S3Exchange } from './s3-server.js';

type GetObjectAttributesEndpoint = Extract<S3Endpoint, { operation: 'GetObjectAttributes' }>;

export async function handleGetObjectAttributes(exchange: S3Exchange, endpoint: GetObjectAttributesEndpoint): Promise<void> {
  const machine = await exchange.server.metadata.read();
  const version = valueOf(machine.getObject({ bucket: endpoint.bucket, key: endpoint.key, ...(endpoint.versionId === undefined ? {} : { versionId: endpoint.versionId }) }), {
    bucket: endpoint.bucket,
    key: endpoint.key,
    ...(endpoint.versionId === undefined ? {} : { versionId: endpoint.versionId }),
    method: 'GET',
  });
  const wants = endpoint.attributes;
  const allParts = version.parts ?? [];
  const page = pageParts(allParts, { maxParts: endpoint.maxParts, partNumberMarker: endpoint.partNumberMarker });
  const xml = renderGetObjectAttributesResult({
    ...(wants.has('ETag') ? { etag: version.etag } : {}),
    ...(wants.has('Checksum') && version.checksums !== undefined && Object.keys(version.checksums).length > 0
      ? { checksums: version.checksums, ...(version.checksumType === undefined ? {} : { checksumType: version.checksumType }) }
      : {}),
    ...(wants.has('ObjectParts') && version.parts !== undefined
      ? {
          parts: {
            partsCount: allParts.length,
            partNumberMarker: endpoint.partNumberMarker,
            nextPartNumberMarker: page.isTruncated ? page.nextPartNumberMarker : undefined,
            maxParts: endpoint.maxParts,
            isTruncated: page.isTruncated,
            parts: page.parts.map((part) => ({ partNumber: part.partNumber, sizeBytes: part.sizeBytes, ...(part.checksums === undefined ? {} : { checksums: part.checksums }) })),
          },
        }
      : {}),
    ...(wants.has('StorageClass') ? { storageClass: 'STANDARD' } : {}),
    ...(wants.has('ObjectSize') ? { sizeBytes: version.sizeBytes } : {}),
  });
  sendXml(exchange, xml, {
    headers: {
      'last-modified': httpDate(version.lastModifiedMs),
      ...(version.versionId === nullVersionId ? {} : { 'x-amz-version-id': version.versionId }),
    },
  });
}
