/**
 * Goal: S3 over HTTPS works with real clients, which switch uploads to `aws-chunked` bodies with
 * trailing checksums over TLS (STREAMING-UNSIGNED-PAYLOAD-TRAILER; the same clients sign payloads
 * or send UNSIGNED-PAYLOAD over plain HTTP, covered by s3-sdk / s3-boto3 / s3-aws-cli): PUT and GET
 * of 0 B, 1 B and 5 MiB ± 1 with default checksums on, compared by digest, and the stored checksum
 * returned with `x-amz-checksum-mode: ENABLED`. Clients: @aws-sdk/client-s3 (trusting the
 * generated certificate through its https.Agent), boto3 (`verify=<cert>`), the aws CLI
 * (`--ca-bundle <cert>`). Each client's x-amz-content-sha256 on PUT is recorded and checked, so
 * the test fails if a client stops using the trailer scheme without us noticing.
 * Method: `objectbox start object-store` with a free HTTPS port and no certificate configured, so
 * it generates the self-signed one into its data dir (checked: the file exists, the key is 0600).
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { cleanUp, tempDir } from './harness.js';
import { roundtripSizesBytes, runClient, type S3UnderTest, sha256Hex, startObjectStore } from './s3-e2e-support.js';

let s3: S3UnderTest;

before(async () => {
  s3 = await startObjectStore();
});
after(cleanUp);

test('the dev process generated a self-signed certificate for 127.0.0.1 into its data dir, key 0600', () => {
  const cert = readFileSync(s3.certFile, 'utf8');
  assert.match(cert, /-----BEGIN CERTIFICATE-----/);
  assert.equal(statSync(join(s3.dataDir, 'object-store', 'tls', 's3-key.pem')).mode & 0o777, 0o600);
  assert.match(s3.process.stdout + s3.process.stderr, /self-signed certificate/);
});

test('@aws-sdk/client-s3 over HTTPS: aws-chunked with a trailing checksum, roundtrips, stored checksum returned', async () => {
  const agent = new Agent({ ca: readFileSync(s3.certFile), keepAlive: true });
  const client = new S3Client({
    endpoint: s3.httpsEndpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    requestHandler: { httpsAgent: agent },
  });
  const payloadModes = new Set<string>();
  client.middlewareStack.add(
    (next) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
      if (headers['x-amz-content-sha256'] !== undefined && headers['content-encoding']?.includes('aws-chunked')) payloadModes.add(headers['x-amz-content-sha256']);
      return next(args);
    },
    { step: 'deserialize', name: 'recordPayloadMode' },
  );
  try {
    await client.send(new CreateBucketCommand({ Bucket: 'sdk-https' }));
    // A Buffer body gets its CRC32 in a header; a stream body goes aws-chunked with a trailer.
    for (const [sizeBytes, streamed] of roundtripSizesBytes.flatMap((size) => [[size, false] as const, [size, true] as const])) {
      const bytes = randomBytes(sizeBytes);
      const key = `objects/${sizeBytes}-${streamed ? 'stream' : 'buffer'}`;
      const body = streamed ? Readable.from([bytes.subarray(0, sizeBytes >> 1), bytes.subarray(sizeBytes >> 1)]) : bytes;
      const put = await client.send(new PutObjectCommand({ Bucket: 'sdk-https', Key: key, Body: body, ContentLength: sizeBytes }));
      assert.ok(put.ChecksumCRC32, `${sizeBytes} B: the verified CRC32 is echoed`);
      const got = await client.send(new GetObjectCommand({ Bucket: 'sdk-https', Key: key, ChecksumMode: 'ENABLED' }));
      const back = Buffer.from(await got.Body!.transformToByteArray());
      assert.equal(sha256Hex(back), sha256Hex(bytes), `${sizeBytes} B`);
      assert.equal(got.ChecksumCRC32, put.ChecksumCRC32, `${sizeBytes} B: stored checksum returned`);
      const head = await client.send(new HeadObjectCommand({ Bucket: 'sdk-https', Key: key, ChecksumMode: 'ENABLED' }));
      assert.equal(head.ChecksumCRC32, put.ChecksumCRC32);
    }
    assert.deepEqual([...payloadModes], ['STREAMING-UNSIGNED-PAYLOAD-TRAILER'], 'the SDK used aws-chunked with a trailer over HTTPS');
  } finally {
    client.destroy();
    agent.destroy();
  }
});

const botoScript = String.raw`
import hashlib, json, os, sys
import boto3
from botocore.config import Config

endpoint, cert, sizes = sys.argv[1], sys.argv[2], [int(size) for size in sys.argv[3].split(',')]
config = Config(signature_version='s3v4', s3={'addressing_style': 'path'}, retries={'max_attempts': 1})
s3 = boto3.client('s3', endpoint_url=endpoint, config=config, verify=cert)
modes = set()
def header(request, name):
    value = request.headers.get(name)
    return value.decode() if isinstance(value, bytes) else (value or '')
def record(request, **kwargs):
    if 'aws-chunked' in header(request, 'Content-Encoding'):
        modes.add(header(request, 'x-amz-content-sha256'))
s3.meta.events.register('before-send.s3.PutObject', record)
s3.create_bucket(Bucket='boto-https')
result = {'roundtrips': []}
for size in sizes:
    data = os.urandom(size)
    put = s3.put_object(Bucket='boto-https', Key='objects/%d' % size, Body=data)
    got = s3.get_object(Bucket='boto-https', Key='objects/%d' % size, ChecksumMode='ENABLED')
    body = got['Body'].read()
    result['roundtrips'].append({
        'size': size,
        'same': hashlib.sha256(body).hexdigest() == hashlib.sha256(data).hexdigest(),
        'checksum': put.get('ChecksumCRC32') is not None and put.get('ChecksumCRC32') == got.get('ChecksumCRC32'),
    })
result['modes'] = sorted(modes)
print(json.dumps(result))
`;

test('boto3 over HTTPS (verify=<cert>): aws-chunked with a trailing checksum, roundtrips, stored checksum returned', async () => {
  const scriptPath = join(tempDir('boto3-https'), 'boto3_https.py');
  writeFileSync(scriptPath, botoScript);
  const run = await runClient('python3', [scriptPath, s3.httpsEndpoint, s3.certFile, roundtripSizesBytes.join(',')], { env: s3.clientEnv, deadlineMs: 180_000 });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as { roundtrips: { size: number; same: boolean; checksum: boolean }[]; modes: string[] };
  assert.deepEqual(result.roundtrips, roundtripSizesBytes.map((size) => ({ size, same: true, checksum: true })));
  assert.deepEqual(result.modes, ['STREAMING-UNSIGNED-PAYLOAD-TRAILER']);
});

test('the aws CLI over HTTPS (--ca-bundle): s3 cp both ways and s3api with the stored checksum', async () => {
  const dir = tempDir('aws-https');
  const awsHttps = async (args: readonly string[]): Promise<string> => {
    const run = await runClient('aws', ['--endpoint-url', s3.httpsEndpoint, '--ca-bundle', s3.certFile, ...args], { env: s3.clientEnv, deadlineMs: 120_000 });
    if (run.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${run.code}: ${run.stderr}${run.stdout}`);
    return `${run.stdout}${run.stderr}`;
  };
  await awsHttps(['s3', 'mb', 's3://cli-https']);
  // Sizes in parallel: each aws CLI run spends about 1.5 s starting Python.
  await Promise.all(roundtripSizesBytes.map(async (sizeBytes) => {
    const bytes = randomBytes(sizeBytes);
    const source = join(dir, `in-${sizeBytes}`);
    const copied = join(dir, `out-${sizeBytes}`);
    writeFileSync(source, bytes);
    await awsHttps(['s3', 'cp', source, `s3://cli-https/cp/${sizeBytes}`]);
    await awsHttps(['s3', 'cp', `s3://cli-https/cp/${sizeBytes}`, copied]);
    assert.equal(sha256Hex(readFileSync(copied)), sha256Hex(bytes), `s3 cp ${sizeBytes} B`);
    const put = JSON.parse(await awsHttps(['s3api', 'put-object', '--bucket', 'cli-https', '--key', `api/${sizeBytes}`, '--body', source, '--output', 'json'])) as { ChecksumCRC32?: string };
    assert.ok(put.ChecksumCRC32, `put-object ${sizeBytes} B echoes the CRC32`);
    const head = JSON.parse(await awsHttps(['s3api', 'head-object', '--bucket', 'cli-https', '--key', `api/${sizeBytes}`, '--checksum-mode', 'ENABLED', '--output', 'json'])) as {
      ChecksumCRC32?: string;
      ContentLength?: number;
    };
    assert.equal(head.ChecksumCRC32, put.ChecksumCRC32);
    assert.equal(head.ContentLength, sizeBytes);
  }));
  const source = join(dir, 'in-1');
  const debug = await awsHttps(['--debug', 's3api', 'put-object', '--bucket', 'cli-https', '--key', 'debug', '--body', source]);
  assert.match(debug, /STREAMING-UNSIGNED-PAYLOAD-TRAILER/, 'the CLI used aws-chunked with a trailer over HTTPS');
});
