/**
 * Goal: request bodies decode and verify as streams, whatever the split of the bytes on the wire.
 * Method: the AWS S3 API reference aws-chunked examples ("Transferring Payload in Multiple Chunks",
 * seed 4f232c43...; "Including Trailing Headers", seed 106e2a8a...) fed to {@link S3Body} in pieces
 * of 1, 7, 4096 and 70000 bytes; then tampering (a flipped data byte, a wrong trailer signature,
 * truncation, extra bytes), and the signed SHA-256 and Content-Length checks of plain bodies.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { credentialScopeString, isSecurityError, signingKey, type IncompleteBodyError, type PayloadMode, type StreamingSigningContext } from '@objectbox/security-core';
import { S3Body } from './s3-body.js';

const scope = { date: '20130524', region: 'us-east-1', service: 's3' };
const key = signingKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', scope);
const context = (seedSignatureHex: string): StreamingSigningContext => ({
  signingKey: key,
  requestDateTime: '20130524T000000Z',
  credentialScope: credentialScopeString(scope),
  seedSignatureHex,
});

const chunkedSeed = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const chunkedSignatures = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];
const trailerSeed = '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e';
const trailerChunkSignatures = [
  'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
  '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
  '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
];
const trailerSignature = 'd81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435';
const chunkData = [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'a'), Buffer.alloc(0)];
const decoded = Buffer.concat(chunkData);

function chunkedBody(signatures: readonly string[], trailer: string): Buffer {
  const parts = chunkData.map((data, index) => {
    const header = Buffer.from(`${data.length.toString(16)};chunk-signature=${signatures[index]}\r\n`);
    return data.length > 0 ? Buffer.concat([header, data, Buffer.from('\r\n')]) : header;
  });
  return Buffer.concat([...parts, Buffer.from(`${trailer}\r\n`)]);
}

async function* pieces(bytes: Buffer, pieceSizeBytes: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += pieceSizeBytes) yield bytes.subarray(offset, offset + pieceSizeBytes);
}

async function readBody(body: S3Body): Promise<Buffer> {
  const received: Uint8Array[] = [];
  for await (const piece of body) received.push(piece);
  return Buffer.concat(received);
}

const signedMode: PayloadMode = { payload: 'streaming-signed', decodedSizeBytes: 66560, trailerNames: [] };
const trailerMode: PayloadMode = { payload: 'streaming-signed-trailer', decodedSizeBytes: 66560, trailerNames: ['x-amz-checksum-crc32c'] };
const exampleTrailer = `x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:${trailerSignature}\r\n`;

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => isSecurityError(error) && error.code === code);
}

for (const pieceSizeBytes of [1, 7, 4096, 70000]) {
  test(`STREAMING-AWS4-HMAC-SHA256-PAYLOAD (AWS example) in pieces of ${pieceSizeBytes} bytes`, async () => {
    const wire = chunkedBody(chunkedSignatures, '');
    const body = new S3Body({ source: pieces(wire, pieceSizeBytes), payload: signedMode, streaming: context(chunkedSeed), contentLengthBytes: wire.length });
    assert.equal(body.sizeBytes, 66560);
    assert.deepEqual(await readBody(body), decoded);
  });

  test(`STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER (AWS example) in pieces of ${pieceSizeBytes} bytes`, async () => {
    const wire = chunkedBody(trailerChunkSignatures, exampleTrailer);
    const body = new S3Body({ source: pieces(wire, pieceSizeBytes), payload: trailerMode, streaming: context(trailerSeed), contentLengthBytes: wire.length });
    assert.deepEqual(await readBody(body), decoded);
    assert.equal(body.trailerValue('x-amz-checksum-crc32c'), 'sOO8/Q==');
  });
}

test('STREAMING-UNSIGNED-PAYLOAD-TRAILER: plain chunk sizes, the trailer kept', async () => {
  const wire = Buffer.from('5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n');
  const mode: PayloadMode = { payload: 'streaming-unsigned-trailer', decodedSizeBytes: 11, trailerNames: ['x-amz-checksum-crc32'] };
  const body = new S3Body({ source: pieces(wire, 3), payload: mode, streaming: undefined, contentLengthBytes: undefined });
  assert.equal((await readBody(body)).toString(), 'hello world');
  assert.equal(body.trailerValue('x-amz-checksum-crc32'), 'DUoRhQ==');
});

test('a flipped data byte fails its chunk signature; a wrong trailer signature fails too', async () => {
  const wire = chunkedBody(chunkedSignatures, '');
  wire[100] = 'b'.charCodeAt(0);
  await rejectsWith(readBody(new S3Body({ source: pieces(wire, 4096), payload: signedMode, streaming: context(chunkedSeed), contentLengthBytes: wire.length })), 'SignatureDoesNotMatch');
  const trailerWire = chunkedBody(trailerChunkSignatures, exampleTrailer.replace('sOO8/Q==', 'AAAAAA=='));
  await rejectsWith(readBody(new S3Body({ source: pieces(trailerWire, 4096), payload: trailerMode, streaming: context(trailerSeed), contentLengthBytes: trailerWire.length })), 'SignatureDoesNotMatch');
});

test('truncated bodies are IncompleteBody; bytes after the end are refused', async () => {
  const wire = chunkedBody(chunkedSignatures, '');
  const truncated = wire.subarray(0, 30000);
  await rejectsWith(readBody(new S3Body({ source: pieces(truncated, 4096), payload: signedMode, streaming: context(chunkedSeed), contentLengthBytes: undefined })), 'IncompleteBody');
  const extended = Buffer.concat([wire, Buffer.from('junk')]);
  await rejectsWith(readBody(new S3Body({ source: pieces(extended, 4096), payload: signedMode, streaming: context(chunkedSeed), contentLengthBytes: undefined })), 'InvalidRequest');
});

test('a signed SHA-256 body is checked after its last byte; Content-Length is enforced', async () => {
  const bytes = Buffer.from('the body');
  const sha256Hex = createHash('sha256').update(bytes).digest('hex');
  const good = new S3Body({ source: pieces(bytes, 3), payload: { payload: 'sha256', sha256Hex }, streaming: undefined, contentLengthBytes: bytes.length });
  assert.deepEqual(await readBody(good), bytes);
  const wrong = new S3Body({ source: pieces(Buffer.from('the bodY'), 3), payload: { payload: 'sha256', sha256Hex }, streaming: undefined, contentLengthBytes: bytes.length });
  await rejectsWith(readBody(wrong), 'XAmzContentSHA256Mismatch');
  const short = new S3Body({ source: pieces(bytes, 3), payload: { payload: 'unsigned' }, streaming: undefined, contentLengthBytes: bytes.length + 1 });
  await rejectsWith(readBody(short), 'IncompleteBody');
});

test('a signed SHA-256 check handed to the consumer: the body no longer checks it, the handed check does', async () => {
  const bytes = Buffer.from('the body');
  const sha256Hex = createHash('sha256').update(bytes).digest('hex');
  const wrong = new S3Body({ source: pieces(Buffer.from('the bodY'), 3), payload: { payload: 'sha256', sha256Hex }, streaming: undefined, contentLengthBytes: bytes.length });
  const check = wrong.deferSha256Verification();
  assert.ok(check !== undefined);
  assert.deepEqual(await readBody(wrong), Buffer.from('the bodY'), 'the body passes through unchecked');
  await rejectsWith(Promise.resolve().then(() => check.verify(createHash('sha256').update('the bodY').digest('hex'))), 'XAmzContentSHA256Mismatch');
  check.verify(sha256Hex);
  const unsigned = new S3Body({ source: pieces(bytes, 3), payload: { payload: 'unsigned' }, streaming: undefined, contentLengthBytes: bytes.length });
  assert.equal(unsigned.deferSha256Verification(), undefined);
});

test('a cut (the client half-closed the connection) ends reading with IncompleteBody, also while a piece is awaited', async () => {
  const cut = new AbortController();
  let release: () => void = () => {};
  async function* stalled(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('abc');
    // Nothing more comes until the test ends.
    await new Promise<void>((resolve) => (release = resolve));
  }
  const body = new S3Body({ source: stalled(), payload: { payload: 'unsigned' }, streaming: undefined, contentLengthBytes: 10, cut: cut.signal });
  const reading = readBody(body);
  await new Promise((resolve) => setImmediate(resolve));
  cut.abort();
  await assert.rejects(reading, (error: unknown) => isSecurityError(error) && error.code === 'IncompleteBody' && (error as IncompleteBodyError).decodedSizeBytesReceived === 3);
  release();
  const early = new S3Body({ source: pieces(Buffer.from('abc'), 1), payload: { payload: 'unsigned' }, streaming: undefined, contentLengthBytes: 10, cut: AbortSignal.abort() });
  await rejectsWith(readBody(early), 'IncompleteBody');
});
