/**
 * The S3 edge over `node:http`: one request in, one response out, in one shape for every request
 * (Garage's api_server.rs `handle`): give it a request id, route it once into an `S3Endpoint`
 * (object-store core), authenticate it (SigV4, s3-request-auth.ts; not a CORS preflight, which only
 * the bucket's rules answer), dispatch with one exhaustive switch, and map whatever is thrown once
 * into S3's error document (keeping the request's Access-Control-* headers). Bodies stream
 * (s3-body.ts): nothing here parses or buffers a request body except the small XML documents of
 * bucket operations.
 *
 * Metadata lives behind {@link S3MetadataStore} (the object-store Raft group: writes are proposals
 * that resolve after commit and apply, reads follow a ReadIndex barrier) and bytes in the
 * {@link BlobStore} (streamed, fsynced, verified files). The server owns no listener: `handleRequest` is
 * given to a `node:http` server by whoever owns the port (the object-store Nest module, tests).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  absentFeatureAnswer,
  checkEncryptionHeaders,
  checkObjectLockHeaders,
  requestSetsAcl,
  inlineBlobSizeBytesMax,
  isS3Error,
  parseS3Request,
  renderS3ErrorXml,
  S3Error,
  splitS3RequestTarget,
  s3Errors,
  toS3Error,
  type ObjectMetadataCommand,
  type ObjectMetadataMachine,
  type ObjectMetadataReply,
  type ObjectMetadataValues,
  type S3Endpoint,
  type S3RequestHead,
  type S3RequestTarget,
} from '@objectbox/object-store-core';
import type { Logger } from '@objectbox/observability';
import { assert } from '@objectbox/util';
import { isBlobStoreError } from './blob-errors.js';
import { randomBase64url, randomHex } from './random-hex.js';
import type { BlobStore } from './blob-store.js';
import { S3Body } from './s3-body.js';
import { handleGetObjectAttributes } from './s3-handlers-attributes.js';
import {
  handleDeleteBucketOwnershipControls,
  handleGetBucketAcl,
  handleGetBucketOwnershipControls,
  handleGetObjectAcl,
  handlePutBucketAcl,
  handlePutBucketOwnershipControls,
  handlePutObjectAcl,
} from './s3-handlers-acl.js';
import { handlePostObject } from './s3-handlers-post-object.js';
import { corsHeadersOfRequest, handleCorsPreflight, handleDeleteBucketCors, handleGetBucketCors, handlePutBucketCors } from './s3-handlers-cors.js';
import { handleDeleteBucketLifecycle, handleGetBucketLifecycle, handlePutBucketLifecycle } from './s3-handlers-lifecycle.js';
import { handleDeletePublicAccessBlock, handleGetBucketPolicyStatus, handleGetPublicAccessBlock, handlePutPublicAccessBlock } from './s3-handlers-public-access.js';
import { sendEmpty, valueOf } from './s3-handlers-common.js';
import { handleCreateBucket, handleDeleteBucket, handleGetBucketLocation, handleHeadBucket, handleListBuckets } from './s3-handlers-bucket.js';
import { handleListObjects, handleListObjectsV2 } from './s3-handlers-list.js';
import {
  handleAbortMultipartUpload,
  handleCompleteMultipartUpload,
  handleCreateMultipartUpload,
  handleListMultipartUploads,
  handleListParts,
  handleUploadPart,
  handleUploadPartCopy,
} from './s3-handlers-multipart.js';
import { handleCopyObject, handleDeleteObject, handleGetObject, handlePutObject } from './s3-handlers-object.js';
import { handleDeleteBucketTagging, handleDeleteObjectTagging, handleGetBucketTagging, handleGetObjectTagging, handlePutBucketTagging, handlePutObjectTagging } from './s3-handlers-tagging.js';
import { handleDeleteObjects, handleGetBucketVersioning, handleListObjectVersions, handlePutBucketVersioning } from './s3-handlers-versioning.js';
import { authenticateS3Request, unauthenticatedRequest, type S3Authentication, type S3CredentialStore } from './s3-request-auth.js';
import { authorizeByBucketPolicy, handleDeleteBucketPolicy, handleGetBucketPolicy, handlePutBucketPolicy } from './s3-request-policy.js';

/** The object-store metadata, as the edge needs it. */
export interface S3MetadataStore {
  /**
   * Replicates `command` and resolves with the state machine's reply once it is committed and
   * applied here. Rejects with the Raft runtime's errors (NotLeader, overloaded, outcome unknown).
   */
  propose<C extends ObjectMetadataCommand>(command: C, options?: ProposeOptions): Promise<ObjectMetadataReply<ObjectMetadataValues[C['op']]>>;
  /** The state machine, after a linearizable-read barrier (ReadIndex): reflects every write acknowledged before the call. */
  read(): Promise<ObjectMetadataMachine>;
  /**
   * The state machine as this replica has applied it, without a barrier: it may lag writes
   * acknowledged elsewhere. Only for checks that apply repeats (a positive answer saves a barrier;
   * a negative one must be confirmed with `read`).
   */
  readLocal(): ObjectMetadataMachine;
}

export interface ProposeOptions {
  /**
   * A small PutObject's bytes, carried in its log entry (`encodeObjectMetadataEntry`) and stored
   * as its blob by every replica's apply (object-metadata-replica.ts) instead of a fsynced file.
   */
  readonly inlineBlob?: Uint8Array;
}

/** What the S3 handlers need of {@link BlobReplicator}. */
export interface S3BlobReplication {
  /** Resolves once a majority of replicas (this one included) hold the blob fsynced. */
  replicate(blobId: string, blake3: string, sizeBytes: number): Promise<void>;
  /** Makes the blob local (from another replica) when this one lacks it. */
  fetch(blobId: string, blake3: string, sizeBytes: number): Promise<void>;
}

/** Options of {@link S3Server}. */
export interface S3ServerOptions {
  readonly region: string;
  readonly virtualHostDomains: readonly string[];
  readonly credentials: S3CredentialStore;
  /** The root (owner) access key id: never judged by bucket policies; other keys are refused by an explicit Deny. Absent: every signed key is treated as root. */
  readonly rootAccessKeyId?: string;
  readonly metadata: S3MetadataStore;
  /** Object bytes: streamed, fsynced, checksummed files verified on every read. */
  readonly blobs: BlobStore;
  /**
   * Byte replication to the other replicas (blob-replication.ts); absent with one replica. Writes
   * call `replicate` after the local write and before proposing metadata; reads call `fetch` for
   * blobs this replica lacks.
   */
  readonly replication?: S3BlobReplication;
  /**
   * PutObject bodies up to this size are read into memory and proposed with their metadata
   * (`ProposeOptions.inlineBlob`), so many small PUTs share one group-committed log fsync; 0 (the
   * default) writes every body to its own fsynced file first. At most `inlineBlobSizeBytesMax`.
   */
  readonly inlineObjectSizeBytesMax?: number;
  readonly logger: Logger;
  /** Allowed distance between a header signature's time and the server clock, ms (S3: 15 min). */
  readonly clockSkewMsMax?: number;
  /**
   * How long a connection closed after an error, with the request body unread, keeps reading and
   * discarding it so the client can read the error before the close, ms (default 2 s).
   */
  readonly lingerMsMax?: number;
  /** Server clock, Unix ms; injectable for tests. */
  readonly nowMs?: () => number;
  /** The lifecycle day, ms, for x-amz-expiration (default a real day; shorter only in tests, as the expiry loop's). */
  readonly lifecycleDayLengthMs?: number;
}

/** Everything a handler needs about one request. */
export interface S3Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly requestId: string;
  readonly endpoint: S3Endpoint;
  readonly auth: S3Authentication;
  /** The request body, decoded and checked while it streams. */
  readonly body: S3Body;
  /** Request time, Unix ms, read once: stamps proposals and ages. */
  readonly nowMs: number;
  readonly server: S3Server;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

const clockSkewMsMaxDefault = 15 * 60 * 1000;

function md5Base64(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('base64');
}

/** A request being answered; `bodyCut` (S3 requests only) ends its body early (see `S3Body` `cut`). */
interface InFlight {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly bodyCut: AbortController | undefined;
}
/** How long a connection closed with a request body unread keeps discarding it (see `closeLingering`), ms. */
const s3LingerMsMaxDefault = 2_000;

/** See the module comment. */
export class S3Server {
  /** `x-amz-id-2` of every response from this process. */
  readonly hostId = randomBytes(24).toString('base64');
  readonly nowMs: () => number;

  constructor(readonly options: S3ServerOptions) {
    const inlineSizeBytesMax = options.inlineObjectSizeBytesMax ?? 0;
    assert(Number.isSafeInteger(inlineSizeBytesMax) && inlineSizeBytesMax >= 0 && inlineSizeBytesMax <= inlineBlobSizeBytesMax, `inlineObjectSizeBytesMax must be 0..${inlineBlobSizeBytesMax}`);
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** The root key (never restricted by bucket policies); undefined: every signed key counts as root. */
  get rootAccessKeyId(): string | undefined {
    return this.options.rootAccessKeyId;
  }

  get metadata(): S3MetadataStore {
    return this.options.metadata;
  }

  get blobs(): BlobStore {
    return this.options.blobs;
  }

  get region(): string {
    return this.options.region;
  }

  /**
   * A fresh id for a version, delete marker or upload: 32 url-safe characters, sortable by nothing.
   * Never a leading `-`: command-line parsers (the aws CLI's `--version-id -x…`) would take it for an option.
   */
  newId(): string {
    const id = randomBase64url(24);
    return id.startsWith('-') ? `A${id.slice(1)}` : id;
  }

  /** The request being answered on each connection, for {@link S3Server.handleClientError}. */
  readonly #inFlightBySocket = new WeakMap<Duplex, InFlight>();

  /**
   * Notes a request answered on this listener by someone else (the service's health and metrics),
   * so that {@link S3Server.handleClientError} never writes into its answer.
   */
  noteRequest(request: IncomingMessage, response: ServerResponse): void {
    this.#track({ request, response, bodyCut: undefined });
  }

  #track(inFlight: InFlight): void {
    const socket = inFlight.request.socket;
    this.#inFlightBySocket.set(socket, inFlight);
    inFlight.response.once('close', () => {
      if (this.#inFlightBySocket.get(socket) === inFlight) this.#inFlightBySocket.delete(socket);
    });
  }

  /**
   * The `node:http` server's 'clientError' listener: what node's HTTP parser refused on a connection.
   * A client that half-closes the connection before it sent the whole body of the S3 request being
   * answered (HPE_INVALID_EOF_STATE) gets S3's 400 IncompleteBody document: the body's reader is
   * told nothing more will come, and the answer goes out on the half of the connection still open
   * (node alone writes a bare 400 and destroys the socket). Anything else is answered as node
   * answers without a listener (http server `socketOnError`): a bare status line unless an answer
   * has started, then the connection is destroyed.
   */
  handleClientError(error: Error & { code?: string }, socket: Duplex): void {
    const inFlight = this.#inFlightBySocket.get(socket);
    if (error.code === 'HPE_INVALID_EOF_STATE' && inFlight?.bodyCut !== undefined && !inFlight.request.complete) {
      inFlight.bodyCut.abort();
      return;
    }
    if (socket.writable && (inFlight === undefined || !inFlight.response.headersSent)) socket.write(bareErrorResponseOf(error.code));
    socket.destroy(error);
  }

  /** Serves one request; never throws (failures become S3 error documents or a closed socket). */
  handleRequest(request: IncomingMessage, response: ServerResponse): void {
    const bodyCut = new AbortController();
    this.#track({ request, response, bodyCut });
    const requestId = randomHex(8).toUpperCase();
    response.setHeader('x-amz-request-id', requestId);
    response.setHeader('x-amz-id-2', this.hostId);
    response.setHeader('server', 'ObjectBox');
    const abort = new AbortController();
    // The client is gone: its body never completed, or the connection closed before our answer did.
    request.once('close', () => {
      if (!request.complete) abort.abort();
    });
    response.once('close', () => {
      if (!response.writableFinished) abort.abort();
    });
    this.#serve(request, response, requestId, abort.signal, bodyCut.signal).catch((error: unknown) => this.#fail({ request, response, requestId, error }));
  }

  async #serve(request: IncomingMessage, response: ServerResponse, requestId: string, signal: AbortSignal, bodyCut: AbortSignal): Promise<void> {
    const head: S3RequestHead = { method: request.method ?? 'GET', target: request.url ?? '/', headers: request.headers };
    const nowMs = this.nowMs();
    // Routed before authentication, because two answers do not depend on it: a preflight is answered
    // from the bucket's CORS rules alone (a presigned URL's query parameters are signed for the PUT
    // or GET that follows, never for the OPTIONS), and a request from a page of another origin gets
    // the bucket's Access-Control-* headers on every answer, a refused signature's included (else
    // the page cannot read why it failed). A routing error still comes after an authentication error.
    const target = splitS3RequestTarget(head.target);
    const routed = routeOf(head, target, this.options.virtualHostDomains);
    const preflight = routed.endpoint?.operation === 'CorsPreflight';
    if (routed.endpoint !== undefined && !preflight && 'bucket' in routed.endpoint) {
      for (const [name, value] of Object.entries(corsHeadersOfRequest({ request, server: this }, routed.endpoint.bucket))) response.setHeader(name, value);
    }
    const authenticated = preflight
      ? unauthenticatedRequest()
      : authenticateS3Request({
          head,
          target,
          credentials: this.options.credentials,
          region: this.options.region,
          nowMs,
          clockSkewMsMax: this.options.clockSkewMsMax ?? clockSkewMsMaxDefault,
        });
    if (routed.endpoint === undefined) throw routed.error;
    const endpoint = routed.endpoint;
    // A PostObject names its key and signer in its form: its handler authorizes it once they are read.
    // A preflight is unauthenticated by design: the bucket's CORS rules answer it.
    const auth =
      endpoint.operation === 'PostObject' || endpoint.operation === 'CorsPreflight'
        ? authenticated
        : await authorizeByBucketPolicy({
            endpoint,
            auth: authenticated,
            metadata: this.options.metadata,
            rootAccessKeyId: this.options.rootAccessKeyId,
            setsAcl: requestSetsAcl(head.headers),
          });
    if (endpoint.operation !== 'NotImplemented') {
      checkEncryptionHeaders(endpoint.operation, head.headers, md5Base64);
      checkObjectLockHeaders(endpoint.operation, head.headers);
    }
    const body = new S3Body({ source: request, payload: auth.payload, streaming: auth.streaming, contentLengthBytes: contentLengthOf(request), cut: bodyCut });
    const exchange: S3Exchange = { request, response, requestId, endpoint, auth, body, nowMs, server: this, signal };
    await this.#dispatch(exchange);
    const status = response.statusCode;
    this.options.logger.debug({ request_id: requestId, operation: endpoint.operation, payload: auth.payload.payload, status }, 's3 request');
  }

  /** A bucket never has a feature this server lacks: S3's answer for that when it has one, else NotImplemented naming the operation. */
  async #answerNotImplemented(exchange: S3Exchange, endpoint: Extract<S3Endpoint, { operation: 'NotImplemented' }>): Promise<void> {
    const bucketName = endpoint.bucket;
    if (bucketName !== undefined && absentFeatureAnswer(endpoint.operationName, bucketName, 'Unversioned') !== undefined) {
      const bucket = valueOf((await exchange.server.metadata.read()).headBucket(bucketName), { bucket: bucketName });
      const answer = absentFeatureAnswer(endpoint.operationName, bucketName, bucket.versioning);
      if (answer?.kind === 'noContent') return sendEmpty(exchange, 204);
      if (answer?.kind === 'error') throw answer.error;
    }
    throw s3Errors.notImplemented(endpoint.operationName);
  }

  /** The one exhaustive dispatch; operations without a handler yet answer NotImplemented naming them. */
  async #dispatch(exchange: S3Exchange): Promise<void> {
    const { endpoint } = exchange;
    switch (endpoint.operation) {
      case 'ListBuckets':
        return handleListBuckets(exchange, endpoint);
      case 'CreateBucket':
        return handleCreateBucket(exchange, endpoint);
      case 'HeadBucket':
        return handleHeadBucket(exchange, endpoint);
      case 'DeleteBucket':
        return handleDeleteBucket(exchange, endpoint);
      case 'GetBucketLocation':
        return handleGetBucketLocation(exchange, endpoint);
      case 'ListObjects':
        return handleListObjects(exchange, endpoint);
      case 'ListObjectsV2':
        return handleListObjectsV2(exchange, endpoint);
      case 'PutObject':
        return handlePutObject(exchange, endpoint);
      case 'GetObject':
      case 'HeadObject':
        return handleGetObject(exchange, endpoint);
      case 'DeleteObject':
        return handleDeleteObject(exchange, endpoint);
      case 'CopyObject':
        return handleCopyObject(exchange, endpoint);
      case 'GetBucketVersioning':
        return handleGetBucketVersioning(exchange, endpoint);
      case 'PutBucketVersioning':
        return handlePutBucketVersioning(exchange, endpoint);
      case 'GetBucketTagging':
        return handleGetBucketTagging(exchange, endpoint);
      case 'PutBucketTagging':
        return handlePutBucketTagging(exchange, endpoint);
      case 'DeleteBucketTagging':
        return handleDeleteBucketTagging(exchange, endpoint);
      case 'GetBucketPolicy':
        return handleGetBucketPolicy(exchange, endpoint);
      case 'PutBucketPolicy':
        return handlePutBucketPolicy(exchange, endpoint);
      case 'DeleteBucketPolicy':
        return handleDeleteBucketPolicy(exchange, endpoint);
      case 'GetBucketAcl':
        return handleGetBucketAcl(exchange, endpoint);
      case 'PutBucketAcl':
        return handlePutBucketAcl(exchange, endpoint);
      case 'GetObjectAcl':
        return handleGetObjectAcl(exchange, endpoint);
      case 'PutObjectAcl':
        return handlePutObjectAcl(exchange, endpoint);
      case 'GetBucketOwnershipControls':
        return handleGetBucketOwnershipControls(exchange, endpoint);
      case 'PutBucketOwnershipControls':
        return handlePutBucketOwnershipControls(exchange, endpoint);
      case 'DeleteBucketOwnershipControls':
        return handleDeleteBucketOwnershipControls(exchange, endpoint);
      case 'GetPublicAccessBlock':
        return handleGetPublicAccessBlock(exchange, endpoint);
      case 'GetBucketCors':
        return handleGetBucketCors(exchange, endpoint);
      case 'PutBucketCors':
        return handlePutBucketCors(exchange, endpoint);
      case 'DeleteBucketCors':
        return handleDeleteBucketCors(exchange, endpoint);
      case 'CorsPreflight':
        return handleCorsPreflight(exchange, endpoint);
      case 'GetBucketLifecycleConfiguration':
        return handleGetBucketLifecycle(exchange, endpoint);
      case 'PutBucketLifecycleConfiguration':
        return handlePutBucketLifecycle(exchange, endpoint);
      case 'DeleteBucketLifecycle':
        return handleDeleteBucketLifecycle(exchange, endpoint);
      case 'PutPublicAccessBlock':
        return handlePutPublicAccessBlock(exchange, endpoint);
      case 'DeletePublicAccessBlock':
        return handleDeletePublicAccessBlock(exchange, endpoint);
      case 'GetBucketPolicyStatus':
        return handleGetBucketPolicyStatus(exchange, endpoint);
      case 'PostObject':
        return handlePostObject(exchange, endpoint);
      case 'ListObjectVersions':
        return handleListObjectVersions(exchange, endpoint);
      case 'DeleteObjects':
        return handleDeleteObjects(exchange, endpoint);
      case 'GetObjectTagging':
        return handleGetObjectTagging(exchange, endpoint);
      case 'GetObjectAttributes':
        return handleGetObjectAttributes(exchange, endpoint);
      case 'PutObjectTagging':
        return handlePutObjectTagging(exchange, endpoint);
      case 'DeleteObjectTagging':
        return handleDeleteObjectTagging(exchange, endpoint);
      case 'ListMultipartUploads':
        return handleListMultipartUploads(exchange, endpoint);
      case 'CreateMultipartUpload':
        return handleCreateMultipartUpload(exchange, endpoint);
      case 'UploadPart':
        return handleUploadPart(exchange, endpoint);
      case 'UploadPartCopy':
        return handleUploadPartCopy(exchange, endpoint);
      case 'CompleteMultipartUpload':
        return handleCompleteMultipartUpload(exchange, endpoint);
      case 'AbortMultipartUpload':
        return handleAbortMultipartUpload(exchange, endpoint);
      case 'ListParts':
        return handleListParts(exchange, endpoint);
      case 'NotImplemented':
        return this.#answerNotImplemented(exchange, endpoint);
      default: {
        const unreachable: never = endpoint;
        throw new Error(`unrouted endpoint ${JSON.stringify(unreachable)}`);
      }
    }
  }

  #fail(options: { request: IncomingMessage; response: ServerResponse; requestId: string; error: unknown }): void {
    const { request, response, requestId } = options;
    const error = s3ErrorOf(options.error);
    if (error.httpStatusCode >= 500) this.options.logger.warn({ err: options.error, request_id: requestId }, 's3 request failed');
    else this.options.logger.debug({ request_id: requestId, code: error.code, cause: describeCause(options.error) }, 's3 request refused');
    if (response.headersSent || response.destroyed) {
      // Mid-stream: the status is gone; cutting the connection is the only honest signal.
      response.destroy();
      return;
    }
    const resource = (request.url ?? '/').split('?')[0];
    const xml = request.method === 'HEAD' || error.httpStatusCode === 304 ? '' : renderS3ErrorXml(error, { requestId, hostId: this.hostId, resource });
    // The request's identity and its CORS headers stay (S3 sends Access-Control-* and Vary on an
    // error too, when a rule allows the Origin); whatever the handler had set for a success goes.
    for (const name of response.getHeaderNames()) if (!keptOnError(name)) response.removeHeader(name);
    for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
    response.statusCode = error.httpStatusCode;
    response.setHeader('content-type', 'application/xml');
    response.setHeader('content-length', Buffer.byteLength(xml));
    // A body not read to its end cannot be skipped cheaply (it may be gigabytes, or endless): answer,
    // then close. That includes a body whose reading stopped part-way (an XML document past its
    // limit, a bad aws-chunked signature): kept alive, the connection would stall the client that
    // is still sending until a timeout cut it.
    if (!request.complete) {
      response.setHeader('connection', 'close');
      closeLingering(request, response, this.options.lingerMsMax ?? s3LingerMsMaxDefault);
    }
    response.end(xml);
  }
}

/**
 * Makes the close that follows `response` a lingering close (RFC 9112 section 9.6; nginx's
 * `lingering_close`): after the answer, stop sending (FIN) but keep reading and discarding what the
 * client still sends, until it closes or `lingerMs` pass, and only then close. Closing at once with
 * request bytes unread makes the kernel send a reset, which can reach the client before it read
 * the answer (it then sees ECONNRESET or EPIPE instead of the S3 error).
 *
 * Node ends a `Connection: close` response's socket with `socket.destroySoon()` (http server
 * `resOnFinish`); this socket's is replaced. Should node stop calling it, the close is immediate,
 * as before. The rest of the body is discarded by resuming the request with no 'data' listener.
 */
function closeLingering(request: IncomingMessage, response: ServerResponse, lingerMs: number): void {
  const socket = response.socket;
  if (socket === null || socket.destroyed) return;
  request.resume();
  socket.destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    socket.once('close', () => clearTimeout(timer));
    // The client closed its side: nothing more will come.
    socket.once('end', () => socket.destroy());
  };
}

/** The status line node's http server sends for a parser error (`socketOnError`), with Connection: close. */
function bareErrorResponseOf(code: string | undefined): string {
  const statuses: Readonly<Record<string, string>> = {
    HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
    HPE_CHUNK_EXTENSIONS_OVERFLOW: '413 Payload Too Large',
    ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  };
  return `HTTP/1.1 ${(code === undefined ? undefined : statuses[code]) ?? '400 Bad Request'}\r\nConnection: close\r\n\r\n`;
}

/** Response headers an error answer keeps: see `#fail`. */
function keptOnError(name: string): boolean {
  return name === 'x-amz-request-id' || name === 'x-amz-id-2' || name === 'server' || name === 'vary' || name.startsWith('access-control-');
}

/** The request's endpoint, or the routing error to raise once authentication has had its say. */
function routeOf(head: S3RequestHead, target: S3RequestTarget, virtualHostDomains: readonly string[]): { endpoint: S3Endpoint; error?: undefined } | { endpoint?: undefined; error: unknown } {
  try {
    return { endpoint: parseS3Request(head, { virtualHostDomains }, target) };
  } catch (error) {
    return { error };
  }
}

/** `Content-Length` as a number, or undefined when absent (chunked transfer encoding). */
function contentLengthOf(request: IncomingMessage): number | undefined {
  const value = request.headers['content-length'];
  return value === undefined ? undefined : Number(value);
}

function describeCause(error: unknown): string | undefined {
  return error instanceof Error ? error.message : undefined;
}

/**
 * The one mapping of everything a handler can throw to S3: S3 and SigV4 errors through the core's
 * `toS3Error`, the data path's errors by their codes, the Raft runtime's by theirs (a lost leader or
 * a full queue is retryable: 503; a command over the entry limit is MaxMessageLengthExceeded, 400),
 * anything else InternalError.
 */
export function s3ErrorOf(error: unknown): S3Error {
  if (isS3Error(error)) return error;
  if (isBlobStoreError(error)) {
    const details = error as unknown as Record<string, unknown>;
    switch (error.code) {
      case 'BadDigest':
        return s3Errors.contentMd5Mismatch(String(details.expectedBase64), String(details.actualBase64));
      case 'InvalidDigest':
        return new S3Error('InvalidDigest', { cause: error });
      case 'ChecksumMismatch':
        return s3Errors.checksumMismatch(String(details.algorithm));
      case 'InvalidChecksum':
        return s3Errors.checksumHeaderInvalid(String(details.algorithm));
      case 'IncompleteBody':
        return new S3Error('IncompleteBody', { cause: error });
      // The edge aborts a blob write only when the client went away mid-body: its request, not a
      // server fault (the answer cannot reach it anyway). As InternalError, every disconnect during
      // an upload was logged as a warning with a stack.
      case 'BlobWriteAborted':
        return new S3Error('IncompleteBody', { cause: error });
      case 'BodyTooLong':
        return new S3Error('InvalidRequest', { message: error.message, cause: error });
      case 'EntityTooLarge':
        return new S3Error('EntityTooLarge', { cause: error });
      case 'BlobReplicationUnavailable':
      case 'BlobFetchUnavailable':
        return new S3Error('ServiceUnavailable', { message: 'Too few object-store replicas are reachable; retry.', cause: error });
      default:
        return s3Errors.internalError(error);
    }
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'NotLeader' || code === 'RaftOverloaded' || code === 'RaftGroupClosed') {
    return new S3Error('ServiceUnavailable', { message: 'The metadata service is unavailable or busy; retry.', cause: error });
  }
  // A metadata command over the Raft group's entry limit (RaftEntryTooLargeError, also as a
  // forwarding follower receives it from the leader): the request is too big, not a server fault.
  if (code === 'EntryTooLarge') return new S3Error('MaxMessageLengthExceeded', { cause: error });
  return toS3Error(error);
}
