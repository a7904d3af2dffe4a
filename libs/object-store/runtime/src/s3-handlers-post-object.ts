/**
 * PostObject: a browser-based upload (S3 API reference, "POST Object"; "Browser-based uploads using
 * POST"). The body is multipart/form-data (core: s3-post-form.ts): the fields come first (at most
 * 20 KB), then the `file`, which streams into the blob store as any PutObject body does (verified,
 * fsynced, replicated, then its metadata committed), never held whole in memory.
 *
 * Who uploads is said by the form, not by an Authorization header: a `policy` (core:
 * s3-post-policy.ts) signed with SigV4 (`x-amz-algorithm`, `x-amz-credential`, `x-amz-date`,
 * `x-amz-signature`: the hex HMAC of the base64 policy under the credential's signing key) or
 * SigV2 (`AWSAccessKeyId`, `signature`: base64 HMAC-SHA1 under the secret, which ceph/s3-tests
 * use); without a policy the upload is anonymous. Either way the request is then authorized as a
 * PutObject of the form's key by that signer (bucket policy, ACLs), which the server's door cannot
 * do before the key is read.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import {
  checkPostPolicy,
  objectMetadataCommand,
  parsePostPolicy,
  parseTagging,
  PostFormParser,
  postFormBoundaryOf,
  checkEncryptionHeaders,
  checkHeaderField,
  checkObjectLockHeaders,
  mailSafeHeaderValue,
  quoteEtag,
  renderXmlDocument,
  requestSetsAcl,
  S3Error,
  s3ObjectTagCountMax,
  validateObjectKey,
  xmlElement,
  type PostFormEvent,
  type S3Endpoint,
} from '@objectbox/object-store-core';
import { parseAmzDateTime, signatureHex, signaturesEqual, signingKeyMemoised, sigv4Algorithm, sigv4ScopeTerminator } from '@objectbox/security-core';
import { aclRequestOfWrite } from './s3-handlers-acl.js';
import { deleteGarbage, headerOf, proposeCommand, replicateBlob, sendEmpty, sendXml, valueOf, versionIdHeader } from './s3-handlers-common.js';
import { checksumAlgorithms, type ChecksumAlgorithm } from './blob-checksums.js';
import { attributesFromHeaders, blobRefOf, checksumHeaderName, checksumHeaders, putObjectSizeBytesMax, storedChecksumsOf, writerAndAcl, type BlobWritePlan } from './s3-handlers-object.js';
import type { S3Authentication } from './s3-request-auth.js';
import { authorizeByBucketPolicy } from './s3-request-policy.js';
import type { S3Exchange } from './s3-server.js';

type EndpointOf<Operation extends S3Endpoint['operation']> = Extract<S3Endpoint, { operation: Operation }>;

/** What may follow the file part (its closing boundary, an epilogue) before the form is refused. */
const trailingBytesMax = 64 * 1024;

/** The form: fields by lower-case name (the first of a repeated name), the file part and its bytes. */
interface PostForm {
  readonly fields: ReadonlyMap<string, string>;
  readonly filename: string | undefined;
  /** The file's bytes as they arrive; then what follows the file is read (and bounded). */
  readonly fileBytes: AsyncIterable<Uint8Array>;
}

/**
 * Reads the fields before the file and returns the file as a stream over the rest of the body.
 * @throws S3Error `MalformedPOSTRequest`, `MaxPostPreDataLengthExceededError`, `InvalidArgument` (no file).
 */
async function readPostForm(body: AsyncIterable<Uint8Array>, boundary: string): Promise<PostForm> {
  const parser = new PostFormParser(boundary);
  const iterator = body[Symbol.asyncIterator]();
  const fields = new Map<string, string>();
  const buffered: Uint8Array[] = [];
  let file: { filename: string | undefined } | undefined;
  let fileEnded = false;
  const take = (events: readonly PostFormEvent[]): void => {
    for (const event of events) {
      if (event.kind === 'field') {
        const name = event.name.toLowerCase();
        if (!fields.has(name)) fields.set(name, event.value);
      } else if (event.kind === 'fileStart') file = { filename: event.filename };
      else if (event.kind === 'fileData') buffered.push(event.bytes);
      else fileEnded = true;
    }
  };
  while (file === undefined) {
    const next = await iterator.next();
    if (next.done === true) {
      parser.end();
      throw new S3Error('InvalidArgument', { message: 'POST requires exactly one file upload per request.', fields: { ArgumentName: 'file', ArgumentValue: '0' } });
    }
    take(parser.push(next.value));
  }
  async function* fileBytes(): AsyncGenerator<Uint8Array> {
    while (buffered.length > 0 || !fileEnded) {
      if (buffered.length > 0) {
        yield buffered.shift()!;
        continue;
      }
      const next = await iterator.next();
      if (next.done === true) parser.end();
      else take(parser.push(next.value));
    }
    // The closing boundary and any epilogue: read (so the connection stays usable), but bounded.
    let trailingBytes = 0;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      trailingBytes += next.value.byteLength;
      if (trailingBytes > trailingBytesMax) throw new S3Error('MalformedPOSTRequest', { message: 'Too many bytes follow the file part of the POST form.' });
    }
  }
  return { fields, filename: file.filename, fileBytes: fileBytes() };
}

function missingField(name: string): S3Error {
  return new S3Error('InvalidArgument', {
    message: `Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`,
    fields: { ArgumentName: name, ArgumentValue: '' },
  });
}

/** The access key that signed the form's policy (SigV4 or SigV2), or undefined for an anonymous form. */
function signerOf(exchange: S3Exchange, fields: ReadonlyMap<string, string>): string | undefined {
  const policy = fields.get('policy');
  if (policy === undefined) {
    for (const name of ['x-amz-signature', 'signature', 'x-amz-credential', 'awsaccesskeyid']) if (fields.has(name)) throw missingField('policy');
    return undefined;
  }
  if (fields.has('x-amz-signature') || fields.has('x-amz-credential') || fields.has('x-amz-algorithm')) return sigv4SignerOf(exchange, fields, policy);
  const accessKeyId = fields.get('awsaccesskeyid');
  if (accessKeyId === undefined) throw missingField('AWSAccessKeyId');
  const signature = fields.get('signature');
  if (signature === undefined) throw missingField('Signature');
  const secret = secretOf(exchange, accessKeyId);
  const expected = createHmac('sha1', secret).update(policy).digest();
  const given = Buffer.from(signature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw signatureMismatch();
  return accessKeyId;
}

function sigv4SignerOf(exchange: S3Exchange, fields: ReadonlyMap<string, string>, policy: string): string {
  const required = (name: string): string => {
    const value = fields.get(name);
    if (value === undefined) throw missingField(name);
    return value;
  };
  const algorithm = required('x-amz-algorithm');
  const credential = required('x-amz-credential');
  const date = required('x-amz-date');
  const signature = required('x-amz-signature');
  if (algorithm !== sigv4Algorithm) throw new S3Error('InvalidArgument', { message: `The algorithm ${algorithm} is not supported.`, fields: { ArgumentName: 'x-amz-algorithm', ArgumentValue: algorithm } });
  const parts = credential.split('/');
  const [accessKeyId, scopeDate, region, service, terminator] = parts;
  if (parts.length !== 5 || accessKeyId === '' || !/^\d{8}$/.test(scopeDate ?? '') || service !== 's3' || terminator !== sigv4ScopeTerminator) {
    throw new S3Error('InvalidArgument', { message: 'Invalid credential in the POST form.', fields: { ArgumentName: 'x-amz-credential', ArgumentValue: credential } });
  }
  if (parseAmzDateTime(date) === undefined || !date.startsWith(scopeDate!)) {
    throw new S3Error('InvalidArgument', { message: 'Invalid x-amz-date in the POST form.', fields: { ArgumentName: 'x-amz-date', ArgumentValue: date } });
  }
  if (region !== exchange.server.region) {
    throw new S3Error('AuthorizationQueryParametersError', { message: `Error parsing the X-Amz-Credential parameter; the region '${region}' is wrong; expecting '${exchange.server.region}'`, fields: { Region: exchange.server.region } });
  }
  const scope = { date: scopeDate!, region: region!, service: 's3' };
  const key = signingKeyMemoised(secretOf(exchange, accessKeyId!), scope);
  if (!signaturesEqual(signatureHex(key, policy), signature.toLowerCase())) throw signatureMismatch();
  return accessKeyId!;
}

function secretOf(exchange: S3Exchange, accessKeyId: string): string {
  const secret = exchange.server.options.credentials.secretOf(accessKeyId);
  if (secret === undefined) throw new S3Error('InvalidAccessKeyId', { fields: { AWSAccessKeyId: accessKeyId } });
  return secret;
}

function signatureMismatch(): S3Error {
  return new S3Error('SignatureDoesNotMatch', { message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.' });
}

const storedHeaderFields = ['content-type', 'cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires', 'x-amz-storage-class'];
/** Fields PutObject takes as headers and a form may carry: checked the same way (encryption, object lock, checksums). */
const checkedHeaderPrefixes = ['x-amz-meta-', 'x-amz-grant-', 'x-amz-server-side-encryption', 'x-amz-object-lock-', 'x-amz-checksum-', 'x-amz-sdk-checksum-algorithm'];

/**
 * The form fields an upload takes as request headers (content headers, metadata, ACL, storage class,
 * encryption, object lock, checksums). What will be stored and sent back as a header is checked
 * as one: a token name, no control characters (InvalidArgument), so no form leaves an object that
 * cannot be read; a non-ASCII value is kept RFC 2047-encoded (s3-header-values.ts).
 */
function headersOfFields(fields: ReadonlyMap<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of fields) {
    if (storedHeaderFields.includes(name) || checkedHeaderPrefixes.some((prefix) => name.startsWith(prefix))) {
      checkHeaderField(name, value);
      // Form fields are Unicode text, not header bytes: non-ASCII is stored the way S3 returns it.
      headers[name] = mailSafeHeaderValue(value);
    } else if (name === 'acl') headers['x-amz-acl'] = value;
  }
  return headers;
}

/**
 * The form's checksum, as PutObject's headers: one `x-amz-checksum-<algorithm>` field is verified
 * against the file (BadDigest), `x-amz-checksum-algorithm` alone has one computed and stored.
 */
function checksumPlanOf(headers: Readonly<Record<string, string>>): Pick<BlobWritePlan, 'checksumAlgorithms' | 'expectedChecksums'> {
  const named = checksumAlgorithms.filter((algorithm) => headers[checksumHeaderName(algorithm)] !== undefined);
  if (named.length > 1) throw new S3Error('InvalidRequest', { message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' });
  const declared = (headers['x-amz-checksum-algorithm'] ?? headers['x-amz-sdk-checksum-algorithm'])?.toUpperCase();
  if (declared !== undefined && !(checksumAlgorithms as readonly string[]).includes(declared)) {
    throw new S3Error('InvalidRequest', { message: 'Value for x-amz-checksum-algorithm is invalid.' });
  }
  const algorithm = named[0] ?? (declared as ChecksumAlgorithm | undefined);
  if (algorithm === undefined) return { checksumAlgorithms: [] };
  const expected = headers[checksumHeaderName(algorithm)];
  return { checksumAlgorithms: [algorithm], ...(expected === undefined ? {} : { expectedChecksums: { [algorithm]: expected } }) };
}

/**
 * Where a `success_action_redirect` (or `redirect`) sends the browser, checked before anything is
 * stored: an http(s) URL that can be a Location header (else the field is ignored, as S3 does for
 * a value that is not a URL; a control character is InvalidArgument).
 */
function redirectOf(fields: ReadonlyMap<string, string>): string | undefined {
  const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (redirect === undefined || !/^https?:\/\//i.test(redirect)) return undefined;
  checkHeaderField('success_action_redirect', redirect);
  // Non-ASCII (an IRI) is percent-encoded: a Location header is ASCII.
  return redirect.replace(/[^\u0020-\u007e]/gu, (character) => encodeURIComponent(character));
}

/** PostObject: see the module comment. Answers per `success_action_redirect` (303), else `success_action_status` (200, 201 with a PostResponse, 204 by default). */
export async function handlePostObject(exchange: S3Exchange, endpoint: EndpointOf<'PostObject'>): Promise<void> {
  const boundary = postFormBoundaryOf(headerOf(exchange, 'content-type'));
  valueOf((await exchange.server.metadata.read()).headBucket(endpoint.bucket), { bucket: endpoint.bucket });
  const form = await readPostForm(exchange.body, boundary);
  const { fields } = form;
  const keyField = fields.get('key');
  if (keyField === undefined) throw missingField('key');
  const key = keyField.replaceAll('${filename}', form.filename ?? '');
  validateObjectKey(key);
  if (key === '') throw new S3Error('InvalidArgument', { message: 'User key must have a length greater than 0.', fields: { ArgumentName: 'key', ArgumentValue: '' } });
  const signer = signerOf(exchange, fields);
  const policyText = fields.get('policy');
  const range = policyText === undefined ? undefined : checkPostPolicy(parsePostPolicy(policyText), { fields, bucket: endpoint.bucket, nowMs: exchange.nowMs }).contentLengthRange;
  const headers = headersOfFields(fields);
  const redirect = redirectOf(fields);
  // What PutObject's door checks in headers, checked in the form's fields.
  checkEncryptionHeaders('PutObject', headers, (bytes) => createHash('md5').update(bytes).digest('base64'));
  checkObjectLockHeaders('PutObject', headers);
  const checksumPlan = checksumPlanOf(headers);
  const asSigner: S3Authentication = signer === undefined ? { ...exchange.auth, accessKeyId: '', anonymous: true } : { ...exchange.auth, accessKeyId: signer, anonymous: false };
  const auth = await authorizeByBucketPolicy({
    endpoint: { operation: 'PutObject', bucket: endpoint.bucket, key },
    auth: asSigner,
    metadata: exchange.server.metadata,
    rootAccessKeyId: exchange.server.rootAccessKeyId,
    setsAcl: requestSetsAcl(headers),
  });
  const attributes = attributesFromHeaders(exchange, headers);
  const tagging = fields.get('tagging');
  const tags = tagging === undefined ? attributes.tags : parseTagging(tagging, { tagCountMax: s3ObjectTagCountMax }).map((tag) => ({ key: tag.key, value: tag.value }));
  const acl = await aclRequestOfWrite(exchange, endpoint.bucket, 'object', headers);
  const sizeBytesMax = Math.min(putObjectSizeBytesMax, range?.max ?? putObjectSizeBytesMax);
  const blob = await exchange.server.blobs.write(form.fileBytes, { ...checksumPlan, sizeBytesMax, signal: exchange.signal });
  if (range !== undefined && blob.sizeBytes < range.min) {
    deleteGarbage(exchange, [blobRefOf(blob)]);
    throw new S3Error('EntityTooSmall', { fields: { ProposedSize: blob.sizeBytes, MinSizeAllowed: range.min } });
  }
  await replicateBlob(exchange, blob);
  const checksums = storedChecksumsOf(blob.checksums);
  const command = objectMetadataCommand('PutObject', {
    bucket: endpoint.bucket,
    key,
    versionId: exchange.server.newId(),
    lastModifiedMs: exchange.server.nowMs(),
    sizeBytes: blob.sizeBytes,
    etag: blob.md5,
    ...(checksums === undefined ? {} : { checksums, checksumType: 'FULL_OBJECT' as const }),
    attributes: { ...attributes, tags },
    location: [blobRefOf(blob)],
    ...writerAndAcl(exchange, endpoint.bucket, acl, auth.accessKeyId),
  });
  const value = valueOf(await proposeCommand(exchange, command), { bucket: endpoint.bucket, key });
  answer(exchange, { bucket: endpoint.bucket, key, etag: quoteEtag(value.etag), versionHeaders: { ...versionIdHeader(value), ...checksumHeaders(checksums, true) }, fields, redirect });
}

function answer(
  exchange: S3Exchange,
  result: { bucket: string; key: string; etag: string; versionHeaders: Record<string, string>; fields: ReadonlyMap<string, string>; redirect: string | undefined },
): void {
  const { bucket, key, etag, fields, redirect } = result;
  const encrypted = (exchange.request.socket as Partial<TLSSocket>).encrypted === true;
  const location = `${encrypted ? 'https' : 'http'}://${headerOf(exchange, 'host') ?? 'localhost'}/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const headers = { etag, location, ...result.versionHeaders };
  if (redirect !== undefined) {
    const query = `bucket=${encodeURIComponent(bucket)}&key=${encodeURIComponent(key)}&etag=${encodeURIComponent(etag)}`;
    return sendEmpty(exchange, 303, { ...headers, location: `${redirect}${redirect.includes('?') ? '&' : '?'}${query}` });
  }
  const status = fields.get('success_action_status');
  if (status === '200') return sendEmpty(exchange, 200, headers);
  if (status === '201') {
    const xml = renderXmlDocument(xmlElement('PostResponse', xmlElement('Location', location), xmlElement('Bucket', bucket), xmlElement('Key', key), xmlElement('ETag', etag)));
    return sendXml(exchange, xml, { status: 201, headers });
  }
  sendEmpty(exchange, 204, headers);
}
