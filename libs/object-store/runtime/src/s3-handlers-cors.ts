/**
 * CORS (core: s3-cors.ts): Get/Put/DeleteBucketCors, the unauthenticated `OPTIONS` preflight, and
 * the Access-Control-* headers of a request that carries an Origin.
 *
 * Preflight, as S3 answers it: no Origin is 400 BadRequest, no or an unsupported
 * Access-Control-Request-Method 400 BadRequest, a bucket without rules 403 AccessForbidden ("CORS
 * is not enabled for this bucket"), no matching rule 403 AccessForbidden; a match is 200 with the
 * rule's headers. The bucket's rules are read from this replica's state without a read barrier: a
 * preflight is a hint to the browser, and the request it allows is authorized on its own.
 */
import {
  corsMethods,
  corsRequestHeadersOf,
  corsResponseHeaders,
  corsRuleFor,
  objectMetadataCommand,
  parseCorsConfiguration,
  renderCorsConfiguration,
  S3Error,
  type S3Endpoint,
} from '@objectbox/object-store-core';
import { headerOf, proposeCommand, sendEmpty, sendXml, valueOf } from './s3-handlers-common.js';
import { readRequestDocument } from './s3-handlers-versioning.js';
import type { S3Exchange } from './s3-server.js';

type EndpointOf<Operation extends S3Endpoint['operation']> = Extract<S3Endpoint, { operation: Operation }>;

/** GetBucketCors: the rules as put; NoSuchCORSConfiguration (404) when none. */
export async function handleGetBucketCors(exchange: S3Exchange, endpoint: EndpointOf<'GetBucketCors'>): Promise<void> {
  const bucket = valueOf((await exchange.server.metadata.read()).headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  if (bucket.cors === undefined) throw new S3Error('NoSuchCORSConfiguration', { fields: { BucketName: endpoint.bucket } });
  sendXml(exchange, renderCorsConfiguration(bucket.cors));
}

/** PutBucketCors: Content-MD5 or a checksum is required, as S3 requires it; the rules replace any before; 200. */
export async function handlePutBucketCors(exchange: S3Exchange, endpoint: EndpointOf<'PutBucketCors'>): Promise<void> {
  const rules = parseCorsConfiguration(await readRequestDocument(exchange, { digestRequired: true }));
  valueOf(await proposeCommand(exchange, objectMetadataCommand('PutBucketCors', { bucket: endpoint.bucket, rules })), { bucket: endpoint.bucket });
  sendEmpty(exchange, 200);
}

/** DeleteBucketCors: 204 whether or not rules were set. */
export async function handleDeleteBucketCors(exchange: S3Exchange, endpoint: EndpointOf<'DeleteBucketCors'>): Promise<void> {
  valueOf(await proposeCommand(exchange, objectMetadataCommand('DeleteBucketCors', { bucket: endpoint.bucket })), { bucket: endpoint.bucket });
  sendEmpty(exchange, 204);
}

function forbidden(message: string, method: string, endpoint: EndpointOf<'CorsPreflight'>): S3Error {
  return new S3Error('AccessForbidden', { message, fields: { Method: method, ResourceType: endpoint.key === undefined ? 'BUCKET' : 'OBJECT' } });
}

/** OPTIONS: see the module comment. */
export async function handleCorsPreflight(exchange: S3Exchange, endpoint: EndpointOf<'CorsPreflight'>): Promise<void> {
  const origin = headerOf(exchange, 'origin');
  if (origin === undefined) throw new S3Error('BadRequest', { message: 'Insufficient information. Origin request header needed.' });
  const method = headerOf(exchange, 'access-control-request-method');
  if (method === undefined || !(corsMethods as readonly string[]).includes(method)) {
    throw new S3Error('BadRequest', { message: `Invalid Access-Control-Request-Method: ${method ?? 'null'}` });
  }
  if (endpoint.bucket === undefined) throw forbidden('CORSResponse: Bucket not found', method, endpoint);
  const bucket = exchange.server.metadata.readLocal().headBucket(endpoint.bucket);
  const rules = bucket.ok ? bucket.value.cors : undefined;
  if (rules === undefined) throw forbidden('CORSResponse: CORS is not enabled for this bucket.', method, endpoint);
  const request = { origin, method, requestHeaders: corsRequestHeadersOf(headerOf(exchange, 'access-control-request-headers')) };
  const rule = corsRuleFor(rules, request);
  if (rule === undefined) {
    throw forbidden(
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
      method,
      endpoint,
    );
  }
  sendEmpty(exchange, 200, corsResponseHeaders(rule, request, { preflight: true }));
}

/**
 * The Access-Control-* headers for a request with an Origin on a bucket whose rules allow its
 * origin and method (none otherwise: the browser then keeps the answer from the page). Set before
 * authentication and the handler, and kept by the error answer, so errors carry them too.
 */
export function corsHeadersOfRequest(exchange: Pick<S3Exchange, 'request' | 'server'>, bucketName: string | undefined): Record<string, string> {
  const origin = exchange.request.headers.origin;
  if (origin === undefined || bucketName === undefined) return {};
  const bucket = exchange.server.metadata.readLocal().headBucket(bucketName);
  if (!bucket.ok || bucket.value.cors === undefined) return {};
  const request = { origin, method: (exchange.request.method ?? 'GET').toUpperCase() };
  const rule = corsRuleFor(bucket.value.cors, request);
  return rule === undefined ? {} : corsResponseHeaders(rule, request, { preflight: false });
}
