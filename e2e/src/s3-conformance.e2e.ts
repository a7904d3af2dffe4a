/**
 * Goal: the object store answers as ceph/s3-tests (s3tests_boto3/functional/test_s3.py) asserts,
 * for the cases where an earlier answer of ours differed: each check below replays one test's
 * requests with boto3, as that suite does, and names the test it comes from.
 * Method: `objectbox start object-store` on free ports; a Python script run with python3 under a
 * deadline prints the list of mismatches (empty when every check passes) as JSON.
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
import json, sys
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint = sys.argv[1]
config = Config(signature_version='s3v4', s3={'addressing_style': 'path'}, retries={'max_attempts': 1})
s3 = boto3.client('s3', endpoint_url=endpoint, config=config)
mismatches = []
counter = [0]

def check(test, got, expected):
    if got != expected:
        mismatches.append({'test': test, 'got': repr(got), 'expected': repr(expected)})

def error_of(call):
    try:
        call()
        return None
    except ClientError as error:
        return (error.response['ResponseMetadata']['HTTPStatusCode'], error.response['Error']['Code'])

def new_bucket(keys=()):
    counter[0] += 1
    name = 'conformance-%d' % counter[0]
    s3.create_bucket(Bucket=name)
    for key in keys:
        s3.put_object(Bucket=name, Key=key, Body=key)
    return name

def keys_of(page):
    return [entry['Key'] for entry in page.get('Contents', [])]

def prefixes_of(page):
    return [entry['Prefix'] for entry in page.get('CommonPrefixes', [])]

# test_bucket_list[v2]_encoding_basic: a space is %20 in url-encoded listings.
bucket = new_bucket(['foo+1/bar', 'foo/bar/xyzzy', 'quux ab/thud', 'asdf+b'])
for name, list_call in (('test_bucket_list_encoding_basic', s3.list_objects), ('test_bucket_listv2_encoding_basic', s3.list_objects_v2)):
    page = list_call(Bucket=bucket, Delimiter='/', EncodingType='url')
    check(name, (keys_of(page), prefixes_of(page)), (['asdf%2Bb'], ['foo%2B1/', 'foo/', 'quux%20ab/']))

# test_bucket_list[v2]_delimiter_empty, _prefix_unreadable, _maxkeys_zero, test_bucket_listv2_continuationtoken_empty.
bucket = new_bucket(['bar', 'baz', 'cab', 'foo'])
for name, list_call in (('list', s3.list_objects), ('listv2', s3.list_objects_v2)):
    page = list_call(Bucket=bucket, Delimiter='')
    check('test_bucket_%s_delimiter_empty' % name, ('Delimiter' in page, keys_of(page)), (False, ['bar', 'baz', 'cab', 'foo']))
    page = list_call(Bucket=bucket, Prefix='\x0a')
    check('test_bucket_%s_prefix_unreadable' % name, (page['Prefix'], keys_of(page)), ('\x0a', []))
    page = list_call(Bucket=bucket, MaxKeys=0)
    check('test_bucket_%s_maxkeys_zero' % name, (page['IsTruncated'], keys_of(page)), (False, []))
page = s3.list_objects_v2(Bucket=bucket, ContinuationToken='')
check('test_bucket_listv2_continuationtoken_empty', (page.get('ContinuationToken'), page['IsTruncated'], keys_of(page)), ('', False, ['bar', 'baz', 'cab', 'foo']))

# test_bucket_create_naming_dns_dot_dash, _dash_dot: the bucket name in the URL is replaced after validation, as the suite does.
for name, bad in (('test_bucket_create_naming_dns_dot_dash', 'foo.-bar'), ('test_bucket_create_naming_dns_dash_dot', 'foo-.bar')):
    client = boto3.client('s3', endpoint_url=endpoint, config=config)
    client.meta.events.register('before-call.s3.CreateBucket', lambda params, bad=bad, **kwargs: params.__setitem__('url', params['url'].replace('placeholder-name', bad)))
    check(name, error_of(lambda: client.create_bucket(Bucket='placeholder-name')), (400, 'InvalidBucketName'))

# test_multipart_upload_empty: Complete without a part list.
bucket = new_bucket()
upload_id = s3.create_multipart_upload(Bucket=bucket, Key='mymultipart')['UploadId']
check('test_multipart_upload_empty', error_of(lambda: s3.complete_multipart_upload(Bucket=bucket, Key='mymultipart', UploadId=upload_id)), (400, 'MalformedXML'))

# test_versioning_bucket_atomic_upload_return_version_id, _multipart_upload_return_version_id: no
# version id for the null version of an unversioned or suspended bucket; copies likewise.
for status in ('Enabled', None, 'Suspended'):
    bucket = new_bucket()
    if status is not None:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={'Status': status})
    put = s3.put_object(Bucket=bucket, Key='bar', Body='x')
    copy = s3.copy_object(Bucket=bucket, Key='copy', CopySource={'Bucket': bucket, 'Key': 'bar'})
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key='multipart')['UploadId']
    part = s3.upload_part(Bucket=bucket, Key='multipart', UploadId=upload_id, PartNumber=1, Body=b'x')
    complete = s3.complete_multipart_upload(Bucket=bucket, Key='multipart', UploadId=upload_id, MultipartUpload={'Parts': [{'ETag': part['ETag'], 'PartNumber': 1}]})
    versioned = status == 'Enabled'
    check('test_versioning_bucket_atomic_upload_return_version_id (%s)' % status, ('VersionId' in put, 'VersionId' in copy, 'VersionId' in complete), (versioned, versioned, versioned))
    if versioned:
        check('test_versioning_bucket_atomic_upload_return_version_id', [entry['VersionId'] for entry in s3.list_object_versions(Bucket=bucket, Prefix='bar')['Versions']], [put['VersionId']])

# test_put_obj_with_tags: x-amz-tagging 'foo=bar&bar' reads back by key.
bucket = new_bucket()
tagged = boto3.client('s3', endpoint_url=endpoint, config=config)
tagged.meta.events.register('before-call.s3.PutObject', lambda params, **kwargs: params['headers'].update({'x-amz-tagging': 'foo=bar&bar'}))
tagged.put_object(Bucket=bucket, Key='testtagobj1', Body='A' * 100)
check('test_put_obj_with_tags', s3.get_object_tagging(Bucket=bucket, Key='testtagobj1')['TagSet'], [{'Key': 'bar', 'Value': ''}, {'Key': 'foo', 'Value': 'bar'}])

# test_encryption_sse_c_invalid_md5, _no_key, test_encryption_key_no_sse_c, test_sse_kms_read_declare:
# malformed encryption headers are 400; SSE-C itself is not implemented (501), never stored in plaintext.
def with_headers(operation, headers):
    client = boto3.client('s3', endpoint_url=endpoint, config=config)
    client.meta.events.register('before-call.s3.' + operation, lambda params, **kwargs: params['headers'].update(headers))
    return client
sse_c = {
    'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    'x-amz-server-side-encryption-customer-key': 'pO3upElrwuEXSoFwCfnZPdSsmt/xWeFa0N9KgDijwVs=',
    'x-amz-server-side-encryption-customer-key-md5': 'DWygnHRtgiJ77HCm+1rvHw==',
}
bucket = new_bucket(['testobj'])
for name, headers, expected in (
    ('test_encryption_sse_c_invalid_md5', dict(sse_c, **{'x-amz-server-side-encryption-customer-key-md5': 'AAAAAAAAAAAAAAAAAAAAAA=='}), (400, 'InvalidArgument')),
    ('test_encryption_sse_c_no_key', {'x-amz-server-side-encryption-customer-algorithm': 'AES256'}, (400, 'InvalidArgument')),
    ('test_encryption_key_no_sse_c', {key: value for key, value in sse_c.items() if not key.endswith('algorithm')}, (400, 'InvalidArgument')),
    ('test_encrypted_transfer_1b (SSE-C not implemented)', sse_c, (501, 'NotImplemented')),
):
    client = with_headers('PutObject', headers)
    check(name, error_of(lambda: client.put_object(Bucket=bucket, Key='encrypted', Body='A')), expected)
check('test_encryption_sse_c_invalid_md5 (nothing stored)', error_of(lambda: s3.head_object(Bucket=bucket, Key='encrypted')), (404, '404'))
kms_read = with_headers('GetObject', {'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': 'testkey-1'})
check('test_sse_kms_read_declare', error_of(lambda: kms_read.get_object(Bucket=bucket, Key='testobj')), (400, 'InvalidArgument'))

# test_object_lock_*_invalid_bucket: no bucket has Object Lock, so S3's answers for a bucket without it.
bucket = new_bucket(['file1'])
retention = {'Mode': 'GOVERNANCE', 'RetainUntilDate': '2030-01-01T00:00:00Z'}
for name, call, expected in (
    ('test_object_lock_put_obj_lock_invalid_bucket', lambda: s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={'ObjectLockEnabled': 'Enabled', 'Rule': {'DefaultRetention': {'Mode': 'GOVERNANCE', 'Days': 1}}}), (409, 'InvalidBucketState')),
    ('test_object_lock_get_obj_lock_invalid_bucket', lambda: s3.get_object_lock_configuration(Bucket=bucket), (404, 'ObjectLockConfigurationNotFoundError')),
    ('test_object_lock_put_obj_retention_invalid_bucket', lambda: s3.put_object_retention(Bucket=bucket, Key='file1', Retention=retention), (400, 'InvalidRequest')),
    ('test_object_lock_get_obj_retention_invalid_bucket', lambda: s3.get_object_retention(Bucket=bucket, Key='file1'), (400, 'InvalidRequest')),
    ('test_object_lock_put_legal_hold_invalid_bucket', lambda: s3.put_object_legal_hold(Bucket=bucket, Key='file1', LegalHold={'Status': 'ON'}), (400, 'InvalidRequest')),
    ('test_object_lock_get_legal_hold_invalid_bucket', lambda: s3.get_object_legal_hold(Bucket=bucket, Key='file1'), (400, 'InvalidRequest')),
    ('test_set_cors (no configuration yet)', lambda: s3.get_bucket_cors(Bucket=bucket), (404, 'NoSuchCORSConfiguration')),
    ('object lock on a write', lambda: s3.put_object(Bucket=bucket, Key='locked', Body='abc', ObjectLockMode='COMPLIANCE', ObjectLockRetainUntilDate='2030-01-01T00:00:00Z'), (400, 'InvalidRequest')),
    ('bucket created with object lock', lambda: s3.create_bucket(Bucket='conformance-locked', ObjectLockEnabledForBucket=True), (501, 'NotImplemented')),
    ('no such bucket first', lambda: s3.get_object_lock_configuration(Bucket='conformance-missing'), (404, 'NoSuchBucket')),
):
    check(name, error_of(call), expected)
check('DeleteBucketCors of no configuration', s3.delete_bucket_cors(Bucket=bucket)['ResponseMetadata']['HTTPStatusCode'], 204)

# test_put_object_if_match, test_put_current_object_if_none_match: If-None-Match with an ETag refuses
# only a current version that has it; an If-* value that is no ETag matches nothing.
bucket = new_bucket()
etag = s3.put_object(Bucket=bucket, Key='obj', IfNoneMatch='*')['ETag']
check('test_put_object_if_match (If-None-Match: current ETag)', error_of(lambda: s3.put_object(Bucket=bucket, Key='obj', IfNoneMatch=etag)), (412, 'PreconditionFailed'))
check('test_put_object_if_match (If-None-Match: other ETag)', error_of(lambda: s3.put_object(Bucket=bucket, Key='obj', IfNoneMatch='badetag')), None)
check('If-Match: no ETag at all', error_of(lambda: s3.put_object(Bucket=bucket, Key='obj', IfMatch='x' * 200)), (412, 'PreconditionFailed'))
check('If-None-Match: no ETag at all', error_of(lambda: s3.put_object(Bucket=bucket, Key='obj', IfNoneMatch='x' * 200)), None)
check('If-None-Match: a list holding the current ETag is refused, not passed unchecked', error_of(lambda: s3.put_object(Bucket=bucket, Key='obj', IfNoneMatch=etag + ', "other"')), (501, 'NotImplemented'))

# test_object_set_get_unicode_metadata (its first half): botocore signs a non-ASCII header value as
# UTF-8 text and sends its UTF-8 bytes; the value's bytes come back unchanged.
bucket = new_bucket()
unicode_meta = with_headers('PutObject', {'x-amz-meta-meta1': 'Hello World\xe9 \u4e2d'})
check('test_object_set_get_unicode_metadata (signature)', error_of(lambda: unicode_meta.put_object(Bucket=bucket, Key='foo', Body='bar')), None)
check('test_object_set_get_unicode_metadata (bytes kept)', s3.head_object(Bucket=bucket, Key='foo')['Metadata'].get('meta1', '').encode('latin-1').decode('utf-8'), 'Hello World\xe9 \u4e2d')

# test_get_object_attributes, test_get_versioned_object_attributes, test_get_checksum_object_attributes,
# test_get_multipart_object_attributes, test_get_paginated_multipart_object_attributes (2 parts here).
attributes = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']
bucket = new_bucket()
s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={'Status': 'Enabled'})
sha256 = 'arcu6553sHVAiX4MjW0j7I7vD4w6R+Gz9Ok0Q9lTa+0='
put = s3.put_object(Bucket=bucket, Key='myobj', Body=b'A' * 1024, ChecksumAlgorithm='SHA256', ChecksumSHA256=sha256)
got = s3.get_object_attributes(Bucket=bucket, Key='myobj', VersionId=put['VersionId'], ObjectAttributes=attributes)
check('test_get_checksum_object_attributes', (got['ETag'], got['ObjectSize'], got['StorageClass'], got['Checksum'].get('ChecksumSHA256'), 'ObjectParts' in got, got['VersionId']),
      (put['ETag'].strip('"'), 1024, 'STANDARD', sha256, False, put['VersionId']))
upload_id = s3.create_multipart_upload(Bucket=bucket, Key='multipart')['UploadId']
parts = []
for number, body in ((1, b'a' * (5 * 1024 * 1024)), (2, b'b')):
    parts.append({'ETag': s3.upload_part(Bucket=bucket, Key='multipart', UploadId=upload_id, PartNumber=number, Body=body)['ETag'], 'PartNumber': number})
complete = s3.complete_multipart_upload(Bucket=bucket, Key='multipart', UploadId=upload_id, MultipartUpload={'Parts': parts})
got = s3.get_object_attributes(Bucket=bucket, Key='multipart', ObjectAttributes=attributes, MaxParts=1)
object_parts = got['ObjectParts']
check('test_get_paginated_multipart_object_attributes', (got['ETag'], got['ObjectSize'], object_parts.get('TotalPartsCount'), object_parts['IsTruncated'], object_parts.get('NextPartNumberMarker'), [(part['PartNumber'], part['Size']) for part in object_parts['Parts']]),
      (complete['ETag'].strip('"'), 5 * 1024 * 1024 + 1, 2, True, 1, [(1, 5 * 1024 * 1024)]))
got = s3.get_object_attributes(Bucket=bucket, Key='multipart', ObjectAttributes=['ObjectParts'], PartNumberMarker=1)
check('test_get_paginated_multipart_object_attributes (next page)', ([(part['PartNumber'], part['Size']) for part in got['ObjectParts']['Parts']], got['ObjectParts']['IsTruncated'], 'ETag' in got), ([(2, 1)], False, False))
s3.delete_object(Bucket=bucket, Key='myobj')
check('GetObjectAttributes on a delete marker', error_of(lambda: s3.get_object_attributes(Bucket=bucket, Key='myobj', ObjectAttributes=attributes)), (404, 'NoSuchKey'))

# test_object_create_bad_expect_mismatch, _empty, test_bucket_create_bad_expect_mismatch: an Expect other
# than 100-continue is ignored. test_object_create_date_and_amz_date, _amz_date_and_no_date: given a
# Date header, botocore signs with it alone (no x-amz-date).
from email.utils import formatdate
bucket = new_bucket()
for name, headers in (
    ('test_object_create_bad_expect_mismatch', {'Expect': '200'}),
    ('test_object_create_bad_expect_empty', {'Expect': ''}),
    ('test_object_create_date_and_amz_date', {'Date': formatdate(usegmt=True), 'X-Amz-Date': formatdate(usegmt=True)}),
    ('test_object_create_amz_date_and_no_date', {'Date': '', 'X-Amz-Date': formatdate(usegmt=True)}),
):
    client = with_headers('PutObject', headers)
    check(name, error_of(lambda: client.put_object(Bucket=bucket, Key='foo', Body='bar')), None)
expecting = with_headers('CreateBucket', {'Expect': '200'})
check('test_bucket_create_bad_expect_mismatch', error_of(lambda: expecting.create_bucket(Bucket='conformance-expect')), None)

# test_object_raw_get_bucket_gone, test_object_delete_key_bucket_gone: an unsigned request for a bucket
# that does not exist is 404 NoSuchBucket; for one that exists (no policy) 403 AccessDenied.
from botocore import UNSIGNED
unsigned = boto3.client('s3', endpoint_url=endpoint, config=Config(signature_version=UNSIGNED, s3={'addressing_style': 'path'}, retries={'max_attempts': 1}))
bucket = new_bucket(['foo'])
check('anonymous GET, bucket exists', error_of(lambda: unsigned.get_object(Bucket=bucket, Key='foo')), (403, 'AccessDenied'))
s3.delete_object(Bucket=bucket, Key='foo')
s3.delete_bucket(Bucket=bucket)
check('test_object_raw_get_bucket_gone', error_of(lambda: unsigned.get_object(Bucket=bucket, Key='foo')), (404, 'NoSuchBucket'))
check('test_object_delete_key_bucket_gone', error_of(lambda: unsigned.delete_object(Bucket=bucket, Key='foo')), (404, 'NoSuchBucket'))

print(json.dumps(mismatches))
`;

test('boto3 replays of ceph/s3-tests cases answer as the suite asserts', async () => {
  const dir = tempDir('s3-conformance');
  const scriptPath = join(dir, 's3_conformance.py');
  writeFileSync(scriptPath, script);
  const run = await runClient('python3', [scriptPath, s3.endpoint], { env: s3.clientEnv, deadlineMs: 120_000 });
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), []);
});
