/**
 * Goal: bad input to the S3 API gets the error Amazon S3 would give (status and `<Code>`), with
 * bounded memory, no crash, and nothing half-written left visible; after each case the server
 * still answers a normal request, and at the end the process is still running.
 *
 * Method: one real `objectbox start object-store` process; requests are written byte for byte on
 * `node:net` sockets (so framing, lengths and headers are exactly what each case needs), signed with
 * SigV4 by a small signer written here from the AWS specification, every header sent being signed
 * (the server refuses unsigned `x-amz-*` headers). The signer is not @objectbox/security-core's: e2e
 * tests may not depend on core libraries (lint's module boundaries), and an independent
 * implementation also catches a mistake the server's own signing code would share.
 *
 * Cases: path-like and malformed keys, key and bucket name limits, bodies cut short, sizes over the
 * limits, wrong and malformed digests, metadata and header size limits, malformed and oversized XML
 * documents (with the process RSS checked), bad signatures and presigned URLs, stalled clients next
 * to a normal one, and bytes that are not HTTP at all.
 */
import { strict as assert } from 'node:assert';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanUp, waitFor } from './harness.js';
import { type S3UnderTest, startObjectStore } from './s3-e2e-support.js';

/** One HTTP response as read off the socket, and whether the server closed the connection after it. */
interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The server closed the connection (within `closeWaitMs` of the response). */
  readonly closed: boolean;
}

/** Deadline of one raw exchange: bounded, never a timing assertion. */
const exchangeDeadlineMs = 30_000;

/**
 * Writes `pieces` on a new connection (stopping early if the server closes it or answers first),
 * and reads one response. With `closeWaitMs`, waits that long at most for the server to close the
 * connection after the response; `cutAfterWrite` destroys the socket once everything is written
 * (a client that goes away mid-body), resolving without a response; `writeAll` writes every piece
 * even after a response arrived (a client that reads only once it has sent its whole request);
 * `endAfterWrite` half-closes the connection after the last piece (FIN) and then reads.
 */
async function exchangeRaw(
  port: number,
  pieces: Iterable<Buffer | string>,
  options: { closeWaitMs?: number; cutAfterWrite?: boolean; writeAll?: boolean; endAfterWrite?: boolean } = {},
): Promise<RawResponse | undefined> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const received: Buffer[] = [];
  let ended = false;
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void closed.then(() => (ended = true));
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const deadline = setTimeout(() => socket.destroy(), exchangeDeadlineMs);
  try {
    for (const piece of pieces) {
      // A response (an early refusal) or a close ends the writing: a write into a connection the
      // server has reset would destroy the socket before its answer is read.
      if (ended || (options.writeAll !== true && parseResponse(Buffer.concat(received)) !== undefined)) break;
      if (!socket.write(piece)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (options.endAfterWrite === true) socket.end();
    if (options.cutAfterWrite === true) {
      // Let the bytes leave before the connection is reset.
      await new Promise<void>((resolve) => socket.end(resolve));
      socket.destroy();
      await closed;
      return undefined;
    }
    const response = await waitFor('an HTTP response', async () => parseResponse(Buffer.concat(received)) ?? (ended ? null : undefined), {
      deadlineMs: exchangeDeadlineMs,
      intervalMs: 5,
    });
    assert.ok(response !== null, `the server closed the connection without a response: ${JSON.stringify(Buffer.concat(received).toString('latin1'))}`);
    const closeWaitMs = options.closeWaitMs ?? 0;
    if (closeWaitMs > 0 && !ended) await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, closeWaitMs))]);
    return { ...response, closed: ended };
  } finally {
    clearTimeout(deadline);
    socket.destroy();
  }
}

/** The first complete response in `bytes` (Content-Length framed, as this server answers), or undefined. */
function parseResponse(bytes: Buffer): Omit<RawResponse, 'closed'> | undefined {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine, ...lines] = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const bodyBytes = Number(headers['content-length'] ?? 0);
  const body = bytes.subarray(headEnd + 4);
  if (body.length < bodyBytes) return undefined;
  return { status, headers, body: body.subarray(0, bodyBytes) };
}

/** The `<Code>` and `<RequestId>` of an S3 error document. */
function s3ErrorOf(response: RawResponse): { code: string | undefined; requestId: string | undefined } {
  const text = response.body.toString('utf8');
  return { code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1], requestId: /<RequestId>([^<]*)<\/RequestId>/.exec(text)?.[1] };
}

// ---------------------------------------------------------------------------------------------
// SigV4 (AWS "Create a signed AWS API request"; S3 encodes the path once)

const sigv4Algorithm = 'AWS4-HMAC-SHA256';

/** Percent-encodes bytes: unreserved characters kept, `/` kept unless `encodeSlash`, hex upper case. */
function uriEncodeBytes(bytes: Uint8Array, encodeSlash: boolean): string {
  let encoded = '';
  for (const byte of bytes) {
    const character = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-._~]/.test(character) || (character === '/' && !encodeSlash) ? character : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

function uriEncode(text: string, options: { encodeSlash: boolean }): string {
  return uriEncodeBytes(Buffer.from(text, 'utf8'), options.encodeSlash);
}

/** `%XX` escapes to bytes (not decodeURIComponent: the bytes may be invalid UTF-8 on purpose). */
function percentDecodeBytes(text: string, plusIsSpace: boolean): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '%' && /^[0-9A-Fa-f]{2}$/.test(text.slice(index + 1, index + 3))) {
      bytes.push(parseInt(text.slice(index + 1, index + 3), 16));
      index += 2;
    } else if (text[index] === '+' && plusIsSpace) bytes.push(0x20);
    else bytes.push(...Buffer.from(text[index]!, 'utf8'));
  }
  return Buffer.from(bytes);
}

function canonicalQuery(query: string): string {
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const [name = '', value = ''] = pair.split(/=(.*)/s);
      return [uriEncodeBytes(percentDecodeBytes(name, true), true), uriEncodeBytes(percentDecodeBytes(value, true), true)] as const;
    })
    .sort(([nameA, valueA], [nameB, valueB]) => (nameA < nameB ? -1 : nameA > nameB ? 1 : valueA < valueB ? -1 : valueA > valueB ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** The SigV4 signature of a request: `headers` lower-case and all signed. */
function sigv4Signature(options: {
  method: string;
  path: string;
  query: string;
  headers: Readonly<Record<string, string>>;
  payloadHash: string;
  requestDateTime: string;
  scope: string;
  secretAccessKey: string;
}): { signature: string; signedHeaders: string } {
  const names = Object.keys(options.headers).sort();
  const canonicalPath = options.path
    .split('/')
    .map((segment) => uriEncodeBytes(percentDecodeBytes(segment, false), true))
    .join('/');
  const canonicalRequest = [
    options.method,
    canonicalPath,
    canonicalQuery(options.query),
    ...names.map((name) => `${name}:${options.headers[name]!.trim().replace(/\s+/g, ' ')}`),
    '',
    names.join(';'),
    options.payloadHash,
  ].join('\n');
  const stringToSign = [sigv4Algorithm, options.requestDateTime, options.scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  let key: Buffer = Buffer.from(`AWS4${options.secretAccessKey}`);
  for (const part of options.scope.split('/')) key = createHmac('sha256', key).update(part).digest();
  return { signature: createHmac('sha256', key).update(stringToSign).digest('hex'), signedHeaders: names.join(';') };
}

function amzDateTime(timeMs: number): string {
  return new Date(timeMs).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

interface SignedRequest {
  readonly method: string;
  /** Path as sent (already percent-encoded), optionally with a query. */
  readonly target: string;
  readonly headers?: Record<string, string>;
  /** `x-amz-content-sha256`: UNSIGNED-PAYLOAD unless the case needs the real digest. */
  readonly payloadHash?: string;
  readonly secretAccessKey?: string;
  /** Signing time, Unix ms (default now). */
  readonly signedAtMs?: number;
}

/** The request head (request line, headers, blank line) signed with SigV4 in the Authorization header. */
function signedHead(s3: S3UnderTest, request: SignedRequest): string {
  const requestDateTime = amzDateTime(request.signedAtMs ?? Date.now());
  const scope = `${requestDateTime.slice(0, 8)}/${s3.region}/s3/aws4_request`;
  const headers: Record<string, string> = {
    host: new URL(s3.endpoint).host,
    'x-amz-date': requestDateTime,
    'x-amz-content-sha256': request.payloadHash ?? 'UNSIGNED-PAYLOAD',
    ...request.headers,
  };
  const question = request.target.indexOf('?');
  const { signature, signedHeaders } = sigv4Signature({
    method: request.method,
    path: question < 0 ? request.target : request.target.slice(0, question),
    query: question < 0 ? '' : request.target.slice(question + 1),
    headers,
    payloadHash: headers['x-amz-content-sha256']!,
    requestDateTime,
    scope,
    secretAccessKey: request.secretAccessKey ?? s3.secretAccessKey,
  });
  const authorization = `${sigv4Algorithm} Credential=${s3.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  const lines = [`${request.method} ${request.target} HTTP/1.1`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`), `authorization: ${authorization}`];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A presigned GET target (query authentication, only `host` signed), signed at `signedAtMs`. */
function presignedTarget(s3: S3UnderTest, path: string, options: { signedAtMs: number; expiresSeconds: number }): string {
  const requestDateTime = amzDateTime(options.signedAtMs);
  const scope = `${requestDateTime.slice(0, 8)}/${s3.region}/s3/aws4_request`;
  const query = [
    ['X-Amz-Algorithm', sigv4Algorithm],
    ['X-Amz-Credential', `${s3.accessKeyId}/${scope}`],
    ['X-Amz-Date', requestDateTime],
    ['X-Amz-Expires', String(options.expiresSeconds)],
    ['X-Amz-SignedHeaders', 'host'],
  ]
    .map(([name, value]) => `${uriEncode(name!, { encodeSlash: true })}=${uriEncode(value!, { encodeSlash: true })}`)
    .join('&');
  const { signature } = sigv4Signature({
    method: 'GET',
    path,
    query,
    headers: { host: new URL(s3.endpoint).host },
    payloadHash: 'UNSIGNED-PAYLOAD',
    requestDateTime,
    scope,
    secretAccessKey: s3.secretAccessKey,
  });
  return `${path}?${query}&X-Amz-Signature=${signature}`;
}

function md5Base64(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('base64');
}

/** Every file under `dir` (relative paths), recursively; [] when it does not exist. */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
  } catch {
    return [];
  }
}

/** Resident set size of `pid`, bytes (VmRSS of /proc/<pid>/status). */
function rssBytesOf(pid: number): number {
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  assert.ok(kib !== undefined, 'VmRSS in /proc/<pid>/status');
  return Number(kib) * 1024;
}

describe('S3 bad input against objectbox start object-store', () => {
  let s3: S3UnderTest;
  let port: number;
  const bucket = 'bad-input';

  /** A signed request with `body` (Content-Length framed), its response; `closeWaitMs` as in exchangeRaw. */
  async function send(request: SignedRequest & { body?: Buffer | string; closeWaitMs?: number }): Promise<RawResponse> {
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const headers = { ...request.headers, ...(body === undefined ? {} : { 'content-length': String(body.length) }) };
    // One write: the server may refuse on the head alone and reset the connection (see exchangeRaw).
    const bytes = Buffer.concat([Buffer.from(signedHead(s3, { ...request, headers }), 'latin1'), body ?? Buffer.alloc(0)]);
    const response = await exchangeRaw(port, [bytes], { closeWaitMs: request.closeWaitMs ?? 0 });
    assert.ok(response !== undefined);
    return response;
  }

  /** Asserts an S3 error document with `status` and `code` (and a request id, as S3 sends). */
  function assertS3Error(response: RawResponse, status: number, code: string, what: string): void {
    const error = s3ErrorOf(response);
    assert.equal(response.status, status, `${what}: status (${response.body.toString('utf8')})`);
    assert.equal(error.code, code, `${what}: code`);
    assert.match(error.requestId ?? '', /^[0-9A-F]+$/, `${what}: request id`);
    assert.equal(response.headers['x-amz-request-id'], error.requestId, `${what}: x-amz-request-id`);
  }

  /** The server still answers a normal request: a PUT and a GET of a fresh object. */
  async function assertServing(): Promise<void> {
    assert.equal(s3.process.child.exitCode, null, 'the object store is still running');
    const key = `alive-${randomBytes(4).toString('hex')}`;
    const bytes = randomBytes(100);
    assert.equal((await send({ method: 'PUT', target: `/${bucket}/${key}`, body: bytes })).status, 200);
    const got = await send({ method: 'GET', target: `/${bucket}/${key}` });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, bytes);
  }

  async function assertNotVisible(key: string): Promise<void> {
    assert.equal((await send({ method: 'HEAD', target: `/${bucket}/${uriEncode(key, { encodeSlash: false })}` })).status, 404, `${key} is not visible`);
  }

  /** No blob write in progress is left behind (`<blobId>.tmp`, removed when a write fails or aborts). */
  async function assertNoTemporaryBlobs(): Promise<void> {
    const blobs = join(s3.dataDir, 'object-store', 'blobs');
    await waitFor('temporary blob files to be removed', async () => (filesUnder(blobs).some((name) => name.endsWith('.tmp')) ? undefined : true), { deadlineMs: 10_000 });
  }

  before(async () => {
    s3 = await startObjectStore();
    port = Number(new URL(s3.endpoint).port);
    assert.equal((await send({ method: 'PUT', target: `/${bucket}` })).status, 200);
  });
  after(cleanUp);

  test('keys with ../ segments (raw or %2F-encoded) are ordinary keys: they roundtrip, and no file appears outside the data dir', async () => {
    const outside = dirname(s3.dataDir);
    const before = filesUnder(outside).filter((name) => !name.startsWith('data/'));
    const marker = `escape-${randomBytes(4).toString('hex')}`;
    const cases = [
      { path: `/${bucket}/dots/../../../../${marker}-1`, key: `dots/../../../../${marker}-1` },
      { path: `/${bucket}/..%2F..%2F..%2F${marker}-2`, key: `../../../${marker}-2` },
      { path: `/${bucket}/enc%2F..%2F..%2F${marker}-3`, key: `enc/../../${marker}-3` },
    ];
    for (const { path, key } of cases) {
      const bytes = randomBytes(64 * 1024);
      assert.equal((await send({ method: 'PUT', target: path, body: bytes })).status, 200, path);
      // The same key with every character encoded as SigV4 does: the same object.
      const got = await send({ method: 'GET', target: `/${bucket}/${uriEncode(key, { encodeSlash: true })}` });
      assert.equal(got.status, 200, key);
      assert.deepEqual(got.body, bytes, key);
    }
    const listing = await send({ method: 'GET', target: `/${bucket}?list-type=2&encoding-type=url` });
    assert.equal(listing.status, 200);
    for (const { key } of cases) assert.ok(listing.body.toString('utf8').includes(`<Key>${uriEncode(key, { encodeSlash: false })}</Key>`), `${key} listed`);
    const afterFiles = filesUnder(outside).filter((name) => !name.startsWith('data/'));
    assert.deepEqual(afterFiles, before, 'no file appeared next to the data dir');
    assert.ok(!filesUnder(outside).some((name) => name.includes(marker)), 'no file is named after a key');
    assert.ok(!readdirSync(dirname(outside)).some((name) => name.includes(marker)), 'nor one level further up');
    await assertServing();
  });

  test('a key with NUL is 400 InvalidArgument; invalid UTF-8 escapes are 400 InvalidURI', async () => {
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/nul%00key`, body: 'x' }), 400, 'InvalidArgument', 'NUL in a key');
    assertS3Error(await send({ method: 'GET', target: `/${bucket}/nul%00key` }), 400, 'InvalidArgument', 'GET of a NUL key');
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/bad%FFkey`, body: 'x' }), 400, 'InvalidURI', 'a lone 0xFF byte');
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/bad%C3%28key`, body: 'x' }), 400, 'InvalidURI', 'a broken two-byte sequence');
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/bad%ED%A0%80key`, body: 'x' }), 400, 'InvalidURI', 'an encoded UTF-16 surrogate');
    await assertServing();
  });

  test('a 1025-byte key is 400 KeyTooLongError (1024 bytes is fine); invalid bucket names on CreateBucket are 400 InvalidBucketName', async () => {
    assert.equal((await send({ method: 'PUT', target: `/${bucket}/${'k'.repeat(1024)}`, body: 'x' })).status, 200);
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/${'k'.repeat(1025)}`, body: 'x' }), 400, 'KeyTooLongError', '1025 bytes');
    // Bytes, not characters: 512 two-byte characters and one more byte.
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/${'%C3%A9'.repeat(512)}k`, body: 'x' }), 400, 'KeyTooLongError', '1025 UTF-8 bytes');
    for (const name of ['Upper-Case', 'two..dots', '192.168.1.1', 'b'.repeat(64), 'ab', '-leading-hyphen', 'xn--reserved']) {
      assertS3Error(await send({ method: 'PUT', target: `/${name}` }), 400, 'InvalidBucketName', name);
    }
    assert.equal((await send({ method: 'PUT', target: `/${'b'.repeat(63)}` })).status, 200, '63 characters is fine');
    await assertServing();
  });

  test('a PUT body cut short (client gone: nothing to answer; half-closed: 400 IncompleteBody) leaves nothing visible, the older version intact and no temporary file', async () => {
    const older = randomBytes(200 * 1024);
    assert.equal((await send({ method: 'PUT', target: `/${bucket}/cut-existing`, body: older })).status, 200);
    // A large declared body (a blob file) and a small one (read whole, inline in the metadata log).
    for (const [key, declaredBytes, sentBytes] of [
      ['cut-existing', 4 * 1024 * 1024, 1024 * 1024],
      ['cut-new', 4 * 1024 * 1024, 1024 * 1024],
      ['cut-small', 8 * 1024, 100],
    ] as const) {
      const head = signedHead(s3, { method: 'PUT', target: `/${bucket}/${key}`, headers: { 'content-length': String(declaredBytes) } });
      await exchangeRaw(port, [head, randomBytes(sentBytes)], { cutAfterWrite: true });
    }
    // A client that stops sending and half-closes its side is told 400 IncompleteBody, as S3 says,
    // and the connection is closed.
    for (const [key, declaredBytes] of [
      ['cut-half', 1024 * 1024],
      ['cut-half-small', 8 * 1024],
    ] as const) {
      const halfClosed = await exchangeRaw(port, [signedHead(s3, { method: 'PUT', target: `/${bucket}/${key}`, headers: { 'content-length': String(declaredBytes) } }), randomBytes(1000)], {
        closeWaitMs: 5_000,
        endAfterWrite: true,
      });
      assert.ok(halfClosed !== undefined);
      assertS3Error(halfClosed, 400, 'IncompleteBody', `${key}: half-closed after 1000 of ${declaredBytes} bytes`);
      assert.ok(halfClosed.closed);
    }
    // The server notices the closed connection asynchronously; whatever it does, the key must not appear.
    await assertNoTemporaryBlobs();
    await assertNotVisible('cut-new');
    await assertNotVisible('cut-small');
    await assertNotVisible('cut-half');
    await assertNotVisible('cut-half-small');
    const got = await send({ method: 'GET', target: `/${bucket}/cut-existing` });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, older, 'the older version is intact');
    await assertServing();
  });

  test('a PUT over 5 GiB is 400 EntityTooLarge, one without Content-Length 411 MissingContentLength, both answered before the body and closed', async () => {
    const tooLarge = await exchangeRaw(port, [signedHead(s3, { method: 'PUT', target: `/${bucket}/too-large`, headers: { 'content-length': String(5 * 1024 ** 3 + 1) } }), randomBytes(64 * 1024)], { closeWaitMs: 5_000 });
    assert.ok(tooLarge !== undefined);
    assertS3Error(tooLarge, 400, 'EntityTooLarge', 'Content-Length over 5 GiB');
    assert.equal(tooLarge.headers['connection'], 'close');
    assert.ok(tooLarge.closed);
    const noLength = await exchangeRaw(port, [signedHead(s3, { method: 'PUT', target: `/${bucket}/no-length`, headers: { 'transfer-encoding': 'chunked' } }), '5\r\nhello\r\n0\r\n\r\n'], { closeWaitMs: 5_000 });
    assert.ok(noLength !== undefined);
    assertS3Error(noLength, 411, 'MissingContentLength', 'chunked PUT');
    await assertNotVisible('too-large');
    await assertNotVisible('no-length');
    await assertServing();
  });

  test('wrong Content-MD5 is 400 BadDigest, malformed Content-MD5 400 InvalidDigest, wrong x-amz-checksum-crc32 400 BadDigest; nothing is stored', async () => {
    const bytes = randomBytes(100 * 1024);
    const wrongMd5 = md5Base64(Buffer.from('something else'));
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/md5-wrong`, headers: { 'content-md5': wrongMd5 }, body: bytes }), 400, 'BadDigest', 'wrong Content-MD5');
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/md5-bad`, headers: { 'content-md5': 'not*base64!' }, body: bytes }), 400, 'InvalidDigest', 'malformed Content-MD5');
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/md5-short`, headers: { 'content-md5': 'AAAA' }, body: bytes }), 400, 'InvalidDigest', 'a 3-byte Content-MD5');
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/crc-wrong`, headers: { 'x-amz-checksum-crc32': 'AAAAAA==' }, body: bytes }), 400, 'BadDigest', 'wrong CRC32');
    // A small body (inline path) too.
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/md5-wrong-small`, headers: { 'content-md5': wrongMd5 }, body: 'tiny' }), 400, 'BadDigest', 'wrong Content-MD5, small body');
    // A wrong signed payload digest: S3's XAmzContentSHA256Mismatch.
    assertS3Error(
      await send({ method: 'PUT', target: `/${bucket}/sha-wrong`, payloadHash: createHash('sha256').update('other').digest('hex'), body: bytes }),
      400,
      'XAmzContentSHA256Mismatch',
      'wrong x-amz-content-sha256',
    );
    for (const key of ['md5-wrong', 'md5-bad', 'md5-short', 'crc-wrong', 'md5-wrong-small', 'sha-wrong']) await assertNotVisible(key);
    await assertNoTemporaryBlobs();
    // The right digests are accepted (the refusals above were about the digests).
    assert.equal((await send({ method: 'PUT', target: `/${bucket}/md5-right`, headers: { 'content-md5': md5Base64(bytes) }, body: bytes })).status, 200);
    await assertServing();
  });

  test('x-amz-meta-* over 2 KiB is 400 MetadataTooLarge, an unknown storage class 400 InvalidStorageClass; a 100 KiB header is refused with the connection closed', async () => {
    assert.equal((await send({ method: 'PUT', target: `/${bucket}/meta-limit`, headers: { 'x-amz-meta-a': 'v'.repeat(2047) }, body: 'x' })).status, 200, '2 KiB exactly');
    const over = { 'x-amz-meta-one': 'v'.repeat(700), 'x-amz-meta-two': 'v'.repeat(700), 'x-amz-meta-three': 'v'.repeat(700) };
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/meta-over`, headers: over, body: 'x' }), 400, 'MetadataTooLarge', 'metadata over 2 KiB');
    await assertNotVisible('meta-over');
    // A storage class S3 does not define: 400 InvalidStorageClass (one it defines is accepted).
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/class-bad`, headers: { 'x-amz-storage-class': 'CHEAPEST' }, body: 'x' }), 400, 'InvalidStorageClass', 'storage class');
    await assertNotVisible('class-bad');
    assert.equal((await send({ method: 'PUT', target: `/${bucket}/class-ia`, headers: { 'x-amz-storage-class': 'STANDARD_IA' }, body: 'x' })).status, 200);
    const huge = await send({ method: 'PUT', target: `/${bucket}/header-huge`, headers: { 'x-amz-meta-huge': 'h'.repeat(100 * 1024) }, body: 'x', closeWaitMs: 5_000 });
    assert.ok(huge.status === 431 || huge.status === 400, `status ${huge.status}`);
    assert.ok(huge.closed, 'the connection is closed');
    await assertNotVisible('header-huge');
    await assertServing();
  });

  test('DeleteObjects with malformed XML is 400 MalformedXML; a 50 MB document is 400 MaxMessageLengthExceeded with memory bounded', async () => {
    for (const document of ['<Delete><Object><Key>a</Key></Object>', 'not xml at all', '<Delete><Object><Key>a</Key></Objekt></Delete>', '<Delete><Object></Object></Delete>']) {
      const response = await send({ method: 'POST', target: `/${bucket}?delete`, headers: { 'content-md5': md5Base64(Buffer.from(document)) }, body: document });
      assertS3Error(response, 400, 'MalformedXML', JSON.stringify(document));
    }
    // An empty document is S3's MissingRequestBodyError.
    assertS3Error(await send({ method: 'POST', target: `/${bucket}?delete`, headers: { 'content-md5': md5Base64(Buffer.alloc(0)) }, body: '' }), 400, 'MissingRequestBodyError', 'empty document');
    const rssBeforeBytes = rssBytesOf(s3.process.pid);
    const bigBytes = 50 * 1024 * 1024;
    const piece = Buffer.alloc(1024 * 1024, '<Object><Key>k</Key></Object>');
    const pieces = (count: number, framing: (piece: Buffer) => Buffer[]) => Array.from({ length: count }, () => framing(piece)).flat();
    // Announced with Content-Length: refused before any byte of it is read.
    const md5 = createHash('md5');
    for (let index = 0; index < 50; index++) md5.update(piece);
    const announced = await exchangeRaw(
      port,
      [signedHead(s3, { method: 'POST', target: `/${bucket}?delete`, headers: { 'content-length': String(bigBytes), 'content-md5': md5.digest('base64') } }), ...pieces(50, (p) => [p])],
      { closeWaitMs: 5_000 },
    );
    assert.ok(announced !== undefined);
    assertS3Error(announced, 400, 'MaxMessageLengthExceeded', '50 MB with Content-Length');
    assert.equal(announced.headers['connection'], 'close');
    assert.ok(announced.closed, 'the connection is closed (the unread body is not drained)');
    // Chunked transfer encoding (no size up front): refused once the limit is passed while reading.
    // A DeleteObjects document of `count` pieces in chunked transfer encoding (no size up front).
    const chunkedDelete = (count: number) => [
      signedHead(s3, { method: 'POST', target: `/${bucket}?delete`, headers: { 'transfer-encoding': 'chunked', 'content-md5': md5Base64(Buffer.from('x')) } }),
      ...pieces(count, (p) => [Buffer.from(`${p.length.toString(16)}\r\n`), p, Buffer.from('\r\n')]),
      '0\r\n\r\n',
    ];
    const chunked = await exchangeRaw(port, chunkedDelete(50), { closeWaitMs: 5_000 });
    assert.ok(chunked !== undefined);
    assertS3Error(chunked, 400, 'MaxMessageLengthExceeded', '50 MB chunked');
    // Reading had started: the connection is still closed, not kept alive with the rest unread.
    assert.equal(chunked.headers['connection'], 'close');
    assert.ok(chunked.closed, 'the connection is closed');
    // A client that sends its whole body before reading still gets the answer, not a reset: the
    // server reads and discards the rest before it closes.
    const writeFirst = await exchangeRaw(port, chunkedDelete(8), { closeWaitMs: 5_000, writeAll: true });
    assert.ok(writeFirst !== undefined);
    assertS3Error(writeFirst, 400, 'MaxMessageLengthExceeded', '8 MiB chunked, sent whole');
    const growthBytes = rssBytesOf(s3.process.pid) - rssBeforeBytes;
    assert.ok(growthBytes < 200 * 1024 * 1024, `RSS grew ${growthBytes} bytes`);
    await assertServing();
  });

  test('a bad signature is 403 SignatureDoesNotMatch, a skewed clock 403 RequestTimeTooSkewed; an expired presigned URL 403 AccessDenied; X-Amz-Expires over 7 days 400 AuthorizationQueryParametersError', async () => {
    assertS3Error(await send({ method: 'GET', target: `/${bucket}/anything`, secretAccessKey: 'not-the-secret' }), 403, 'SignatureDoesNotMatch', 'wrong secret');
    assertS3Error(await send({ method: 'PUT', target: `/${bucket}/unsigned-body`, secretAccessKey: 'not-the-secret', body: randomBytes(1000) }), 403, 'SignatureDoesNotMatch', 'wrong secret on a PUT');
    await assertNotVisible('unsigned-body');
    const skewed = await send({ method: 'GET', target: `/${bucket}/anything`, signedAtMs: Date.now() + 20 * 60_000 });
    assertS3Error(skewed, 403, 'RequestTimeTooSkewed', 'signed 20 minutes ahead');
    // aws-chunked with a wrong chunk signature: refused while the body streams, nothing stored.
    const chunkedHead = signedHead(s3, {
      method: 'PUT',
      target: `/${bucket}/bad-chunk`,
      payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(64 * 1024), 'content-length': String(64 * 1024 + 2 * 90) },
    });
    const badChunk = await exchangeRaw(port, [chunkedHead, `10000;chunk-signature=${'0'.repeat(64)}\r\n`, randomBytes(64 * 1024), '\r\n'], { closeWaitMs: 5_000 });
    assert.ok(badChunk !== undefined);
    assertS3Error(badChunk, 403, 'SignatureDoesNotMatch', 'a wrong chunk signature');
    assert.equal(badChunk.headers['connection'], 'close');
    await assertNotVisible('bad-chunk');
    const path = `/${bucket}/presigned`;
    assert.equal((await send({ method: 'PUT', target: path, body: 'presigned bytes' })).status, 200);
    const host = new URL(s3.endpoint).host;
    const getPresigned = (target: string) => exchangeRaw(port, [`GET ${target} HTTP/1.1\r\nhost: ${host}\r\n\r\n`]);
    const valid = await getPresigned(presignedTarget(s3, path, { signedAtMs: Date.now(), expiresSeconds: 60 }));
    assert.equal(valid?.status, 200, 'a valid presigned URL works');
    assert.equal(valid?.body.toString('utf8'), 'presigned bytes');
    const expired = await getPresigned(presignedTarget(s3, path, { signedAtMs: Date.now() - 3_600_000, expiresSeconds: 60 }));
    assert.ok(expired !== undefined);
    assertS3Error(expired, 403, 'AccessDenied', 'expired presigned URL');
    assert.match(expired.body.toString('utf8'), /<Message>Request has expired<\/Message>/);
    const tooLong = await getPresigned(presignedTarget(s3, path, { signedAtMs: Date.now(), expiresSeconds: 604_801 }));
    assert.ok(tooLong !== undefined);
    assertS3Error(tooLong, 400, 'AuthorizationQueryParametersError', 'X-Amz-Expires over 7 days');
    await assertServing();
  });

  test('clients that stall (headers without a body, or half a header section) do not hold up a normal client', async () => {
    const stallers: Socket[] = [];
    try {
      for (const bytes of [
        signedHead(s3, { method: 'PUT', target: `/${bucket}/stalled`, headers: { 'content-length': String(1024 * 1024) } }),
        `GET /${bucket}/half HTTP/1.1\r\nhost: ${new URL(s3.endpoint).host}\r\nx-amz-date: 2`,
      ]) {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => {});
        stallers.push(socket);
        await new Promise<void>((resolve) => socket.once('connect', resolve));
        socket.write(bytes);
      }
      // While both are connected and silent, a normal client is served.
      await assertServing();
      assert.ok(stallers.every((socket) => !socket.destroyed), 'the stallers are still connected');
    } finally {
      for (const socket of stallers) socket.destroy();
    }
    await assertNotVisible('stalled');
    await assertNoTemporaryBlobs();
  });

  test('bytes that are not HTTP get 400 and a closed connection', async () => {
    for (const garbage of [Buffer.concat([randomBytes(64).map((byte) => (byte === 0x0d || byte === 0x0a ? 0x41 : byte)), Buffer.from('\r\n\r\n')]), 'HELLO WORLD\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n']) {
      const response = await exchangeRaw(port, [garbage], { closeWaitMs: 5_000 });
      assert.equal(response?.status, 400, JSON.stringify(garbage.toString()));
      assert.ok(response?.closed, 'the connection is closed');
    }
    await assertServing();
  });

  test('at the end the process is still running, a normal PUT/GET works, and nothing was a server error', async () => {
    assert.equal(s3.process.child.exitCode, null);
    assert.equal(s3.process.child.signalCode, null);
    await assertServing();
    const output = s3.process.stdout + s3.process.stderr;
    assert.doesNotMatch(output, /FATAL|Unhandled|uncaught/i);
    // Bad input is the client's error: none of it was answered (or logged) as a server failure.
    assert.doesNotMatch(output, /s3 request failed/, 'no request was a server error');
  });
});
