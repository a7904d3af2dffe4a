/**
 * Goal: boto3 (Python, as installed here: ≥ 1.36, so default request and response checksums) works
 * against a real object-store process: buckets, objects of 0 B, 1 B and 5 MiB ± 1 compared by
 * digest, upload_fileobj, a presigned GET fetched without credentials, and error codes for a
 * wrong secret, an unknown bucket and an unsupported operation.
 * Method: `objectbox start object-store` on free ports; a Python script written to a temp dir and
 * run with python3 under a deadline prints one JSON result, which the test checks.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cleanUp, tempDir } from './harness.js';
import { roundtripSizesBytes, runClient, type S3UnderTest, startObjectStore } from './s3-e2e-support.js';

let s3: S3UnderTest;

before(async () => {
  s3 = await startObjectStore();
});
after(cleanUp);

const script = String.raw`
import hashlib, io, json, os, re, sys, urllib.request, urllib.error
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, sizes = sys.argv[1], [int(size) for size in sys.argv[2].split(',')]
config = Config(signature_version='s3v4', s3={'addressing_style': 'path'}, retries={'max_attempts': 1})
s3 = boto3.client('s3', endpoint_url=endpoint, config=config)
result = {'roundtrips': [], 'errors': {}}

def code_of(call):
    try:
        call()
        return None
    except ClientError as error:
        return [error.response['Error']['Code'], error.response['ResponseMetadata']['HTTPStatusCode'], error.response['Error'].get('Message', '')]

s3.create_bucket(Bucket='boto-bucket')
result['buckets'] = [bucket['Name'] for bucket in s3.list_buckets()['Buckets']]
for size in sizes:
    data = os.urandom(size)
    put = s3.put_object(Bucket='boto-bucket', Key='objects/%d' % size, Body=data)
    got = s3.get_object(Bucket='boto-bucket', Key='objects/%d' % size)
    body = got['Body'].read()
    streamed = io.BytesIO()
    s3.upload_fileobj(io.BytesIO(data), 'boto-bucket', 'fileobj/%d' % size)
    s3.download_fileobj('boto-bucket', 'fileobj/%d' % size, streamed)
    result['roundtrips'].append({
        'size': size,
        'same': hashlib.sha256(body).hexdigest() == hashlib.sha256(data).hexdigest(),
        'sameFileobj': streamed.getvalue() == data,
        'etag': put['ETag'] == got['ETag'] == '"%s"' % hashlib.md5(data).hexdigest(),
        'length': got['ContentLength'],
    })
listed = s3.list_objects_v2(Bucket='boto-bucket', Prefix='objects/')
result['keys'] = [entry['Key'] for entry in listed.get('Contents', [])]

url = s3.generate_presigned_url('get_object', Params={'Bucket': 'boto-bucket', 'Key': 'objects/1'}, ExpiresIn=300)
with urllib.request.urlopen(url) as response:
    result['presignedStatus'] = response.status
    result['presignedLength'] = len(response.read())
try:
    tampered = re.sub(r'X-Amz-Signature=([0-9a-f])', lambda match: 'X-Amz-Signature=' + ('1' if match.group(1) == '0' else '0'), url)
    urllib.request.urlopen(tampered)
except urllib.error.HTTPError as error:
    result['tamperedStatus'] = error.code
    result['tamperedBody'] = error.read().decode()

forged = boto3.client('s3', endpoint_url=endpoint, config=config, aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'], aws_secret_access_key='wrong-secret')
result['errors']['wrongSecret'] = code_of(lambda: forged.list_buckets())
result['errors']['noSuchBucket'] = code_of(lambda: s3.get_object(Bucket='no-such-bucket', Key='k'))
result['errors']['noSuchKey'] = code_of(lambda: s3.get_object(Bucket='boto-bucket', Key='missing'))
result['errors']['notImplemented'] = code_of(lambda: s3.get_bucket_logging(Bucket='boto-bucket'))
other = boto3.client('s3', endpoint_url=endpoint, config=config, region_name='eu-central-1')
result['errors']['wrongRegion'] = code_of(lambda: other.list_buckets())
print(json.dumps(result))
`;

test('boto3: buckets, objects, presigned GET and error codes', async () => {
  const dir = tempDir('boto3');
  const scriptPath = join(dir, 'boto3_roundtrip.py');
  writeFileSync(scriptPath, script);
  const run = await runClient('python3', [scriptPath, s3.endpoint, roundtripSizesBytes.join(',')], { env: s3.clientEnv, deadlineMs: 180_000 });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as {
    buckets: string[];
    roundtrips: { size: number; same: boolean; sameFileobj: boolean; etag: boolean; length: number }[];
    keys: string[];
    presignedStatus: number;
    presignedLength: number;
    tamperedStatus: number;
    tamperedBody: string;
    errors: Record<string, [string, number, string] | null>;
  };
  assert.deepEqual(result.buckets, ['boto-bucket']);
  for (const roundtrip of result.roundtrips) assert.deepEqual(roundtrip, { size: roundtrip.size, same: true, sameFileobj: true, etag: true, length: roundtrip.size });
  assert.deepEqual(result.keys, [...roundtripSizesBytes].map((size) => `objects/${size}`).sort());
  assert.equal(result.presignedStatus, 200);
  assert.equal(result.presignedLength, 1);
  assert.equal(result.tamperedStatus, 403);
  assert.match(result.tamperedBody, /<Code>SignatureDoesNotMatch<\/Code>/);
  assert.deepEqual(result.errors['wrongSecret']?.slice(0, 2), ['SignatureDoesNotMatch', 403]);
  assert.deepEqual(result.errors['noSuchBucket']?.slice(0, 2), ['NoSuchBucket', 404]);
  assert.deepEqual(result.errors['noSuchKey']?.slice(0, 2), ['NoSuchKey', 404]);
  assert.deepEqual(result.errors['notImplemented']?.slice(0, 2), ['NotImplemented', 501]);
  assert.match(result.errors['notImplemented']?.[2] ?? '', /GetBucketLogging/);
  assert.equal(result.errors['wrongRegion']?.[0], 'AuthorizationHeaderMalformed');
  assert.match(result.errors['wrongRegion']?.[2] ?? '', /us-east-1/);
});
