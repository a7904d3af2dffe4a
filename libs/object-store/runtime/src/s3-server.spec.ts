/**
 * Goal: when the S3 edge refuses a request whose body it has not read to the end, it answers and
 * closes the connection, also when it had started reading (a request document past its limit sent
 * with chunked transfer encoding); kept alive, the unread rest of the body would stall the client
 * still sending it until a timeout cut the connection. The close lingers (the rest is read and
 * discarded), so the client reads the answer rather than a reset, even one that sends its whole
 * body first. A refusal after the whole body was read keeps the connection. A body cut short by
 * a half-closed connection is S3's 400 IncompleteBody; other parser errors are answered as node does.
 *
 * Method: an {@link S3Server} on a loopback `node:http` server, raw SigV4-signed requests on a
 * `node:net` socket. DeleteObjects reads and checks its document before it needs metadata or blobs,
 * so neither is provided.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, test } from 'node:test';
import { GrpcCallError, grpcStatusOf } from '@objectbox/networking';
import { createLogger } from '@objectbox/observability';
import { canonicalRequest, credentialScopeString, normalizeHeaders, signatureHex, signingKey, sigv4Algorithm, splitQuery, stringToSign } from '@objectbox/security-core';
import { BlobWriteAbortedError } from './blob-errors.js';
import type { BlobStore } from './blob-store.js';
import { rootCredentialStore } from './s3-request-auth.js';
import { s3ErrorOf, S3Server, type S3MetadataStore } from './s3-server.js';

const root = { accessKeyId: 'AKIDSPEC', secretAccessKey: 'spec-secret' };
const unused = (what: string) => () => {
  throw new Error(`${what} is not used by these requests`);
};
let server: Server;
let port: number;

before(async () => {
  const s3 = new S3Server({
    region: 'us-east-1',
    virtualHostDomains: [],
    credentials: rootCredentialStore(root),
    metadata: { propose: unused('propose'), read: unused('read'), readLocal: unused('readLocal') } as unknown as S3MetadataStore,
    blobs: {} as BlobStore,
    logger: createLogger({ level: 'silent', processName: 's3-server-spec' }),
  });
  server = createServer((request, response) => s3.handleRequest(request, response));
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => s3.handleClientError(error, socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function signedHead(method: string, path: string, query: string, headers: Record<string, string>): string {
  const requestDateTime = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const scope = { date: requestDateTime.slice(0, 8), region: 'us-east-1', service: 's3' };
  const all = { host: `127.0.0.1:${port}`, 'x-amz-date': requestDateTime, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers };
  const normalized = normalizeHeaders(all);
  const signedHeaderNames = [...normalized.keys()].sort();
  const canonical = canonicalRequest({ method, path, query: splitQuery(query), headers: normalized, signedHeaderNames, payloadHash: 'UNSIGNED-PAYLOAD' });
  const signature = signatureHex(signingKey(root.secretAccessKey, scope), stringToSign({ requestDateTime, scope, canonicalRequest: canonical }));
  const authorization = `${sigv4Algorithm} Credential=${root.accessKeyId}/${credentialScopeString(scope)}, SignedHeaders=${signedHeaderNames.join(';')}, Signature=${signature}`;
  return `${[`${method} ${path}?${query} HTTP/1.1`, ...Object.entries(all).map(([name, value]) => `${name}: ${value}`), `authorization: ${authorization}`].join('\r\n')}\r\n\r\n`;
}

/**
 * Writes `head`, then `bodyPieces` one by one until a response arrives; resolves with the response
 * text and whether the server closed the connection within `closeWaitMs` of answering.
 */
async function exchange(head: string, bodyPieces: readonly Buffer[], closeWaitMs: number): Promise<{ text: string; closed: boolean }> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  let received = '';
  let closed = false;
  const closing = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void closing.then(() => (closed = true));
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const answered = () => /\r\n\r\n[\s\S]*<\/Error>/.test(received);
  socket.write(head);
  for (const piece of bodyPieces) {
    if (closed || answered()) break;
    if (!socket.write(piece)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closing]);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const deadline = Date.now() + 10_000;
  while (!answered() && !closed && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!closed) await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, closeWaitMs))]);
  socket.destroy();
  return { text: received, closed };
}

const md5Base64 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('base64');

test('a chunked request document past its limit is refused with Connection: close, and the connection is closed', async () => {
  const piece = Buffer.alloc(256 * 1024, 'x');
  // 8 MiB in 256 KiB chunks: the refusal comes after 1 MiB, with most of the body still unsent.
  const chunks = Array.from({ length: 32 }, () => Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]));
  const head = signedHead('POST', '/bucket', 'delete', { 'transfer-encoding': 'chunked', 'content-md5': md5Base64(Buffer.from('x')) });
  const { text, closed } = await exchange(head, [...chunks, Buffer.from('0\r\n\r\n')], 3_000);
  assert.match(text, /^HTTP\/1\.1 400 /);
  assert.match(text, /<Code>MaxMessageLengthExceeded<\/Code>/);
  assert.match(text, /\r\nconnection: close\r\n/i);
  assert.ok(closed, 'the server closed the connection');
});

test('a client that sends its whole body before it reads still gets the answer (the rest is read and discarded before the close)', async () => {
  const piece = Buffer.alloc(256 * 1024, 'x');
  const socket = connect(port, '127.0.0.1');
  const errors: string[] = [];
  socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const closing = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(signedHead('POST', '/bucket', 'delete', { 'transfer-encoding': 'chunked', 'content-md5': md5Base64(Buffer.from('x')) }));
  // 8 MiB, whatever the server answers meanwhile; a reset (unread bytes at the close) would fail a write.
  for (let index = 0; index < 32; index++) {
    if (!socket.write(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]))) {
      await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closing]);
    }
  }
  socket.end('0\r\n\r\n');
  const deadline = setTimeout(() => socket.destroy(), 10_000);
  await closing;
  clearTimeout(deadline);
  assert.deepEqual(errors, []);
  assert.match(received, /^HTTP\/1\.1 400 /);
  assert.match(received, /<Code>MaxMessageLengthExceeded<\/Code>/);
});

test('a request document refused after it was read whole keeps the connection', async () => {
  const document = Buffer.from('<Delete><Object><Key>a</Key></Object>');
  const head = signedHead('POST', '/bucket', 'delete', { 'content-length': String(document.length), 'content-md5': md5Base64(document) });
  const { text, closed } = await exchange(head, [document], 200);
  assert.match(text, /<Code>MalformedXML<\/Code>/);
  assert.doesNotMatch(text, /\r\nconnection: close\r\n/i);
  assert.ok(!closed, 'the connection stays open for the next request');
});

test('a blob write aborted because the client went away is the client\'s IncompleteBody, not an InternalError', () => {
  const error = s3ErrorOf(new BlobWriteAbortedError());
  assert.equal(error.code, 'IncompleteBody');
  assert.equal(error.httpStatusCode, 400);
});

test('a metadata command over the Raft entry limit is the request\'s MaxMessageLengthExceeded (400), locally or forwarded', () => {
  // As a forwarding follower receives it from the leader (and as RaftEntryTooLargeError has it locally): code EntryTooLarge.
  const forwarded = new GrpcCallError(grpcStatusOf('invalid-argument'), 'a command of 9000000 bytes exceeds object-store\'s limit of 8388544 bytes per entry', 'EntryTooLarge', 'Propose');
  for (const error of [forwarded, Object.assign(new Error('a command of 9000000 bytes exceeds the limit'), { code: 'EntryTooLarge' })]) {
    const answer = s3ErrorOf(error);
    assert.equal(answer.code, 'MaxMessageLengthExceeded');
    assert.equal(answer.httpStatusCode, 400);
  }
});

/** Writes `bytes` and half-closes the connection (FIN); resolves with what came back once it closed. */
async function sendAndHalfClose(bytes: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const closing = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.end(bytes);
  const deadline = setTimeout(() => socket.destroy(), 10_000);
  await closing;
  clearTimeout(deadline);
  return received;
}

test('a body cut short by a half-closed connection is answered 400 IncompleteBody, as S3 (not node\'s bare 400)', async () => {
  const head = signedHead('POST', '/bucket', 'delete', { 'content-length': '1000', 'content-md5': md5Base64(Buffer.from('x')) });
  const received = await sendAndHalfClose(`${head}<Delete>`);
  assert.match(received, /^HTTP\/1\.1 400 /);
  assert.match(received, /<Code>IncompleteBody<\/Code>/);
  assert.match(received, /\r\nconnection: close\r\n/i);
});

test('other parser errors are answered as node answers them: a bare status line, then the connection closes', async () => {
  assert.equal(await sendAndHalfClose('NOT HTTP\r\n\r\n'), 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  assert.equal(await sendAndHalfClose(`GET /bucket HTTP/1.1\r\nx-big: ${'x'.repeat(20_000)}\r\n\r\n`), 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
});
