/**
 * aws-chunked chunk and trailer signatures against the AWS S3 API reference examples ("Transferring
 * Payload in Multiple Chunks": seed 4f232c43..., chunks of 65536 and 1024 bytes of `a`; "Including
 * Trailing Headers": seed 106e2a8a..., trailer `x-amz-checksum-crc32c:sOO8/Q==`), then framing
 * errors and limits. Bodies are built byte for byte as the documents show them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSecurityError } from './errors.js';
import { decodeAwsChunkedBuffer } from './sigv4-chunked-decode.js';
import { awsChunkedLimitsDefault, chunkStringToSign, parseChunkHeader, parseTrailer, verifyChunkSignature } from './sigv4-chunked.js';
import type { StreamingPayloadMode } from './sigv4-payload.js';
import { credentialScopeString, sha256Hex, signingKey } from './sigv4-signing.js';
import type { StreamingSigningContext } from './sigv4-verify.js';

const scope = { date: '20130524', region: 'us-east-1', service: 's3' };
const key = signingKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', scope);

function context(seedSignatureHex: string): StreamingSigningContext {
  return { signingKey: key, requestDateTime: '20130524T000000Z', credentialScope: credentialScopeString(scope), seedSignatureHex };
}

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

function chunkedBody(signatures: readonly string[], trailer: string): Buffer {
  const parts = chunkData.map((data, index) => {
    const header = Buffer.from(`${data.length.toString(16)};chunk-signature=${signatures[index]}\r\n`);
    return data.length > 0 ? Buffer.concat([header, data, Buffer.from('\r\n')]) : header;
  });
  return Buffer.concat([...parts, Buffer.from(`${trailer}\r\n`)]);
}

const signedMode: StreamingPayloadMode = { payload: 'streaming-signed', decodedSizeBytes: 66560, trailerNames: [] };
const trailerMode: StreamingPayloadMode = { payload: 'streaming-signed-trailer', decodedSizeBytes: 66560, trailerNames: ['x-amz-checksum-crc32c'] };
const exampleTrailer = `x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:${trailerSignature}\r\n`;

function rejectsWith(action: () => unknown, code: string): void {
  assert.throws(action, (error: unknown) => isSecurityError(error) && error.code === code);
}

test('the AWS chunk signature chain: each chunk signature from the previous one', () => {
  let previous = chunkedSeed;
  chunkData.forEach((data, index) => {
    previous = verifyChunkSignature({
      context: context(chunkedSeed),
      previousSignatureHex: previous,
      chunkSha256Hex: sha256Hex(data),
      signatureHex: chunkedSignatures[index]!,
    });
  });
  assert.equal(
    chunkStringToSign({ previousSignatureHex: chunkedSeed, chunkSha256Hex: sha256Hex(chunkData[0]!), requestDateTime: '20130524T000000Z', credentialScope: '20130524/us-east-1/s3/aws4_request' }),
    [
      'AWS4-HMAC-SHA256-PAYLOAD',
      '20130524T000000Z',
      '20130524/us-east-1/s3/aws4_request',
      chunkedSeed,
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      'bf718b6f653bebc184e1479f1935b8da974d701b893afcf49e701f3e2f9f9c5a',
    ].join('\n'),
  );
});

test('the AWS chunked body decodes: 66824 bytes on the wire, 66560 decoded', () => {
  const body = chunkedBody(chunkedSignatures, '');
  assert.equal(body.length, 66824);
  const decoded = decodeAwsChunkedBuffer({ bodyUntrusted: body, mode: signedMode, context: context(chunkedSeed), limits: awsChunkedLimitsDefault });
  assert.deepEqual(decoded.chunks.map((chunk) => chunk.length), [65536, 1024]);
  assert.deepEqual(decoded.trailerFields, []);
});

test('the AWS trailer example decodes and its trailer signature verifies', () => {
  const body = chunkedBody(trailerChunkSignatures, exampleTrailer);
  const decoded = decodeAwsChunkedBuffer({ bodyUntrusted: body, mode: trailerMode, context: context(trailerSeed), limits: awsChunkedLimitsDefault });
  assert.deepEqual(decoded.trailerFields, [{ name: 'x-amz-checksum-crc32c', value: 'sOO8/Q==' }]);
  const tamperedTrailer = exampleTrailer.replace('sOO8/Q==', 'AAAAAA==');
  rejectsWith(
    () => decodeAwsChunkedBuffer({ bodyUntrusted: chunkedBody(trailerChunkSignatures, tamperedTrailer), mode: trailerMode, context: context(trailerSeed), limits: awsChunkedLimitsDefault }),
    'SignatureDoesNotMatch',
  );
});

test('a tampered, reordered or truncated chunked body is refused', () => {
  const decode = (body: Uint8Array, mode = signedMode): unknown =>
    decodeAwsChunkedBuffer({ bodyUntrusted: body, mode, context: context(chunkedSeed), limits: awsChunkedLimitsDefault });
  const body = chunkedBody(chunkedSignatures, '');
  const tampered = Buffer.from(body);
  tampered[100] = 0x62;
  rejectsWith(() => decode(tampered), 'SignatureDoesNotMatch');
  const swapped = chunkedBody([chunkedSignatures[1]!, chunkedSignatures[0]!, chunkedSignatures[2]!], '');
  rejectsWith(() => decode(swapped), 'SignatureDoesNotMatch');
  rejectsWith(() => decode(body.subarray(0, 70_000 - 4000)), 'IncompleteBody');
  rejectsWith(() => decode(body.subarray(0, body.length - 2)), 'IncompleteBody');
  rejectsWith(() => decode(Buffer.concat([body, Buffer.from('x')])), 'InvalidRequest');
  rejectsWith(() => decode(body, { ...signedMode, decodedSizeBytes: 66561 }), 'IncompleteBody');
  const wrongSeed = decodeAwsChunkedBuffer.bind(undefined, { bodyUntrusted: body, mode: signedMode, context: context(trailerSeed), limits: awsChunkedLimitsDefault });
  rejectsWith(wrongSeed, 'SignatureDoesNotMatch');
});

test('unsigned aws-chunked with a trailer, as boto3 and the AWS SDKs send it', () => {
  const body = Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n');
  const mode: StreamingPayloadMode = { payload: 'streaming-unsigned-trailer', decodedSizeBytes: 3, trailerNames: ['x-amz-checksum-crc32'] };
  const decoded = decodeAwsChunkedBuffer({ bodyUntrusted: body, mode, context: undefined, limits: awsChunkedLimitsDefault });
  assert.deepEqual(decoded.chunks.map((chunk) => Buffer.from(chunk).toString()), ['abc']);
  assert.deepEqual(decoded.trailerFields, [{ name: 'x-amz-checksum-crc32', value: 'NSRBwg==' }]);
  const undeclared = { ...mode, trailerNames: ['x-amz-checksum-sha256'] };
  rejectsWith(() => decodeAwsChunkedBuffer({ bodyUntrusted: body, mode: undeclared, context: undefined, limits: awsChunkedLimitsDefault }), 'InvalidRequest');
});

test('chunk headers: incomplete, malformed, over the line and size limits', () => {
  const signed = { signed: true, limits: awsChunkedLimitsDefault };
  assert.deepEqual(parseChunkHeader(Buffer.from('10000;chunk-sig'), signed), { status: 'incomplete' });
  assert.deepEqual(parseChunkHeader(Buffer.from(`400;chunk-signature=${chunkedSignatures[1]}\r\nxx`), signed), {
    status: 'complete',
    chunkSizeBytes: 1024,
    signatureHex: chunkedSignatures[1],
    headerSizeBytes: 86,
  });
  assert.deepEqual(parseChunkHeader(Buffer.from('a;ext=1\r\n'), { signed: false, limits: awsChunkedLimitsDefault }), {
    status: 'complete',
    chunkSizeBytes: 10,
    signatureHex: undefined,
    headerSizeBytes: 9,
  });
  rejectsWith(() => parseChunkHeader(Buffer.from('zz;chunk-signature=00\r\n'), signed), 'InvalidRequest');
  rejectsWith(() => parseChunkHeader(Buffer.from('10\r\n'), signed), 'InvalidRequest');
  rejectsWith(() => parseChunkHeader(Buffer.alloc(awsChunkedLimitsDefault.chunkHeaderBytesMax, 0x31), signed), 'InvalidRequest');
  const tooBig = `${(awsChunkedLimitsDefault.chunkSizeBytesMax + 1).toString(16)}\r\n`;
  rejectsWith(() => parseChunkHeader(Buffer.from(tooBig), { signed: false, limits: awsChunkedLimitsDefault }), 'InvalidRequest');
});

test('trailers: incomplete, unsigned with a signature, signed without one, over the limits', () => {
  const unsigned = { signed: false, limits: awsChunkedLimitsDefault };
  assert.deepEqual(parseTrailer(Buffer.from('x-amz-checksum-crc32:NSRBwg==\r\n'), unsigned), { status: 'incomplete' });
  rejectsWith(() => parseTrailer(Buffer.from(`x-amz-trailer-signature:${trailerSignature}\r\n\r\n`), unsigned), 'InvalidRequest');
  rejectsWith(() => parseTrailer(Buffer.from('x-amz-checksum-crc32:NSRBwg==\r\n\r\n'), { signed: true, limits: awsChunkedLimitsDefault }), 'InvalidRequest');
  rejectsWith(() => parseTrailer(Buffer.from('no colon\r\n\r\n'), unsigned), 'InvalidRequest');
  rejectsWith(() => parseTrailer(Buffer.from('a:b\r\n'.repeat(17) + '\r\n'), unsigned), 'InvalidRequest');
  rejectsWith(() => parseTrailer(Buffer.alloc(awsChunkedLimitsDefault.trailerBytesMax, 0x61), unsigned), 'InvalidRequest');
});
