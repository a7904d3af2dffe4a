/**
 * Goal: browser-based uploads (PostObject) work as S3's: a form from boto3's
 * generate_presigned_post (SigV4 policy) posted with `requests` stores the file (5 MiB + 1, compared
 * by digest) under `uploads/${filename}` with its metadata and answers per success_action_status
 * (201 PostResponse) or success_action_redirect (303); a SigV2-signed form (as ceph/s3-tests send)
 * and an anonymous form to a bucket whose ACL lets everyone write are stored too; and S3's errors
 * come back for a form that breaks its policy (key, size range, expiry), a forged signature, fields
 * over 20 KB before the file, no file, no key, an anonymous form to a private bucket, and a body
 * that is not multipart/form-data.
 * Method: `objectbox start object-store` on free ports; a Python script (boto3 + requests) written to
 * a temp dir and run with python3 under a deadline prints one JSON result, which the test checks.
 */
import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cleanUp, tempDir } from './harness.js';
import { runClient, type S3UnderTest, startObjectStore } from './s3-e2e-support.js';

let s3: S3UnderTest;

before(async () => {
  s3 = await startObjectStore();
});
after(cleanUp);

const script = String.raw`
import base64, hashlib, hmac, json, os, re, datetime
import boto3, requests
from botocore.config import Config

endpoint = os.environ['S3_ENDPOINT']
s3 = boto3.client('s3', endpoint_url=endpoint, config=Config(signature_version='s3v4', s3={'addressing_style': 'path'}))
s3.create_bucket(Bucket='post-bucket')
s3.create_bucket(Bucket='open-bucket', ObjectOwnership='ObjectWriter')
s3.put_bucket_acl(Bucket='open-bucket', ACL='public-read-write')
result = {}

def code(response):
    found = re.search(r'<Code>([^<]*)</Code>', response.text)
    return [response.status_code, found.group(1) if found else None]

def post(presigned, data=None, file=b'x', filename='photo.jpg', **kwargs):
    fields = dict(presigned['fields'])
    fields.update(data or {})
    if file is None:
        # Still multipart/form-data, with no file part.
        return requests.post(presigned['url'], files=[(name, (None, value)) for name, value in fields.items()], timeout=60, **kwargs)
    return requests.post(presigned['url'], data=fields, files={'file': (filename, file)}, timeout=60, **kwargs)

body = os.urandom(5 * 1024 * 1024 + 1)
conditions = [{'acl': 'private'}, {'success_action_status': '201'}, ['starts-with', '$key', 'uploads/'], {'x-amz-meta-origin': 'browser'}, ['starts-with', '$Content-Type', 'image/'], ['content-length-range', 1, 10 * 1024 * 1024]]
fields = {'acl': 'private', 'success_action_status': '201', 'x-amz-meta-origin': 'browser', 'Content-Type': 'image/jpeg'}
presigned = s3.generate_presigned_post('post-bucket', 'uploads/${'$'}{filename}', Fields=fields, Conditions=conditions, ExpiresIn=600)
created = post(presigned, file=body)
result['created'] = [created.status_code, re.search(r'<Key>([^<]*)</Key>', created.text).group(1) if created.status_code == 201 else created.text]
stored = s3.get_object(Bucket='post-bucket', Key='uploads/photo.jpg')
result['roundtrip'] = {
    'same': hashlib.sha256(stored['Body'].read()).hexdigest() == hashlib.sha256(body).hexdigest(),
    'etag': stored['ETag'] == created.headers.get('ETag'),
    'metadata': stored['Metadata'],
    'contentType': stored['ContentType'],
}
result['wrongKey'] = code(post(presigned, {'key': 'elsewhere/x'}))
result['empty'] = code(post(presigned, file=b''))
small = s3.generate_presigned_post('post-bucket', 'small', Conditions=[['content-length-range', 1, 10]], ExpiresIn=600)
result['tooLarge'] = code(post(small, file=b'x' * 11))
result['small'] = post(small, file=b'x' * 10).status_code
forged = dict(small['fields'])
forged['x-amz-signature'] = '0' * 64
result['forged'] = code(requests.post(small['url'], data=forged, files={'file': ('f', b'x')}))
expired = s3.generate_presigned_post('post-bucket', 'late', ExpiresIn=-60)
result['expired'] = code(post(expired))
result['extraField'] = code(post(small, {'x-amz-meta-sneaky': '1'}))
result['padded'] = code(post(small, {'x-ignore-pad': 'p' * (25 * 1024)}))
result['noFile'] = code(post(small, file=None))
nokey = dict(small['fields'])
del nokey['key']
result['noKey'] = code(requests.post(small['url'], data=nokey, files={'file': ('f', b'x')}))
result['notMultipart'] = code(requests.post(small['url'], data=small['fields']))

redirect = s3.generate_presigned_post('post-bucket', 'redirected', Fields={'success_action_redirect': 'http://127.0.0.1:9/done'}, Conditions=[{'success_action_redirect': 'http://127.0.0.1:9/done'}], ExpiresIn=600)
answer = post(redirect, allow_redirects=False)
result['redirect'] = [answer.status_code, answer.headers.get('Location')]

# SigV2, as ceph/s3-tests sign their forms.
expiration = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=10)).strftime('%Y-%m-%dT%H:%M:%SZ')
document = {'expiration': expiration, 'conditions': [{'bucket': 'post-bucket'}, ['starts-with', '$key', 'v2/'], {'acl': 'private'}, ['starts-with', '$Content-Type', 'text/plain'], ['content-length-range', 0, 1024]]}
policy = base64.b64encode(json.dumps(document).encode())
signature = base64.b64encode(hmac.new(os.environ['AWS_SECRET_ACCESS_KEY'].encode(), policy, hashlib.sha1).digest())
v2 = requests.post(endpoint + '/post-bucket', files=[('key', (None, 'v2/foo.txt')), ('AWSAccessKeyId', (None, os.environ['AWS_ACCESS_KEY_ID'])), ('acl', (None, 'private')), ('signature', (None, signature)), ('policy', (None, policy)), ('Content-Type', (None, 'text/plain')), ('file', ('foo.txt', b'bar'))])
result['sigv2'] = [v2.status_code, s3.get_object(Bucket='post-bucket', Key='v2/foo.txt')['Body'].read().decode() if v2.status_code == 204 else v2.text]

# Anonymous forms: allowed by the bucket's ACL, refused by a private bucket.
anonymous = requests.post(endpoint + '/open-bucket', files=[('key', (None, 'anon.txt')), ('acl', (None, 'public-read')), ('file', ('a.txt', b'anonymous'))])
result['anonymous'] = [anonymous.status_code, requests.get(endpoint + '/open-bucket/anon.txt').text]
result['anonymousPrivate'] = code(requests.post(endpoint + '/post-bucket', files=[('key', (None, 'anon.txt')), ('file', ('a.txt', b'x'))]))
print(json.dumps(result))
`;

test('PostObject with boto3 presigned posts, SigV2 forms and anonymous forms, and its errors', async () => {
  const dir = tempDir('s3-post');
  const file = join(dir, 'post.py');
  writeFileSync(file, script);
  const run = await runClient('python3', [file], { env: { ...s3.clientEnv, S3_ENDPOINT: s3.endpoint }, deadlineMs: 120_000 });
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as Record<string, unknown>;
  assert.deepEqual(result['created'], [201, 'uploads/photo.jpg']);
  assert.deepEqual(result['roundtrip'], { same: true, etag: true, metadata: { origin: 'browser' }, contentType: 'image/jpeg' });
  assert.deepEqual(result['wrongKey'], [403, 'AccessDenied']);
  assert.deepEqual(result['empty'], [400, 'EntityTooSmall']);
  assert.deepEqual(result['tooLarge'], [400, 'EntityTooLarge']);
  assert.equal(result['small'], 204);
  assert.deepEqual(result['forged'], [403, 'SignatureDoesNotMatch']);
  assert.deepEqual(result['expired'], [403, 'AccessDenied']);
  assert.deepEqual(result['extraField'], [403, 'AccessDenied']);
  assert.deepEqual(result['padded'], [400, 'MaxPostPreDataLengthExceededError']);
  assert.deepEqual(result['noFile'], [400, 'InvalidArgument']);
  assert.deepEqual(result['noKey'], [400, 'InvalidArgument']);
  assert.deepEqual(result['notMultipart'], [412, 'PreconditionFailed']);
  // The file is b'x': its ETag is the MD5 9dd4e461268c8034f5c8564e155c67a6, quoted.
  assert.deepEqual(result['redirect'], [303, 'http://127.0.0.1:9/done?bucket=post-bucket&key=redirected&etag=%229dd4e461268c8034f5c8564e155c67a6%22']);
  assert.deepEqual(result['sigv2'], [204, 'bar']);
  assert.deepEqual(result['anonymous'], [204, 'anonymous']);
  assert.deepEqual(result['anonymousPrivate'], [403, 'AccessDenied']);
});
