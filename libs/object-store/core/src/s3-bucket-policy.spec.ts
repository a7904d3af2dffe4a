import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MachineDriver } from './object-metadata-fixtures.spec-helper.js';
import { ObjectMetadataCommandInvalidError } from './object-metadata-commands.js';
import { ObjectMetadataMachine } from './object-metadata-machine.js';
import { bucketPolicyBytesMax } from './object-metadata-model.js';
import { evaluateBucketPolicy, parseBucketPolicy, policyPatternMatches, s3PolicyRequirementsOf, s3ResourceArn, type S3PolicyPrincipal } from './s3-bucket-policy.js';
import { requestSetsAcl } from './s3-acl.js';
import { parseS3Request } from './s3-endpoint.js';
import { isS3Error } from './s3-errors.js';

const anonymous: S3PolicyPrincipal = { kind: 'anonymous' };
const key = (accessKeyId: string): S3PolicyPrincipal => ({ kind: 'accessKey', accessKeyId });

function policy(statement: unknown, version = '2012-10-17'): string {
  return JSON.stringify({ Version: version, Statement: statement });
}

function malformedMessage(text: string): string {
  try {
    parseBucketPolicy(text);
  } catch (error) {
    assert.ok(isS3Error(error));
    assert.equal(error.code, 'MalformedPolicy');
    assert.equal(error.httpStatusCode, 400);
    return error.message;
  }
  assert.fail(`accepted: ${text}`);
}

const publicRead = policy([{ Sid: 'PublicRead', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' }]);

describe('parseBucketPolicy', () => {
  it('accepts the common shapes and normalizes them', () => {
    const parsed = parseBucketPolicy(publicRead);
    assert.equal(parsed.statements.length, 1);
    assert.deepEqual(parsed.statements[0], {
      sid: 'PublicRead',
      effect: 'Allow',
      principals: '*',
      actions: { not: false, patterns: ['s3:GetObject'] },
      resources: { not: false, patterns: ['arn:aws:s3:::site/*'] },
    });
    const single = parseBucketPolicy(
      policy({ Effect: 'Deny', Principal: { AWS: ['arn:aws:iam::objectbox:user/AKIAONE', 'AKIATWO'] }, NotAction: ['s3:Get*'], NotResource: 'arn:aws:s3:::site', Condition: {} }, '2008-10-17'),
    );
    assert.deepEqual(single.statements[0]?.principals, ['AKIAONE', 'AKIATWO']);
    assert.equal(single.statements[0]?.actions.not, true);
    assert.equal(parseBucketPolicy(policy({ Effect: 'Allow', Principal: { AWS: '*' }, Action: '*', Resource: '*' })).statements[0]?.principals, '*');
  });

  it('refuses malformed documents with MalformedPolicy', () => {
    const ok = { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' };
    malformedMessage('not json');
    malformedMessage('[]');
    malformedMessage(JSON.stringify({ Statement: [ok] }));
    malformedMessage(policy([ok], '2020-01-01'));
    malformedMessage(JSON.stringify({ Version: '2012-10-17' }));
    malformedMessage(policy([]));
    malformedMessage(policy([{ ...ok, Effect: 'Maybe' }]));
    malformedMessage(policy([{ ...ok, Principal: undefined }]));
    malformedMessage(policy([{ ...ok, Principal: { Service: 's3.amazonaws.com' } }]));
    malformedMessage(policy([{ ...ok, Principal: { AWS: [] } }]));
    malformedMessage(policy([{ ...ok, Action: 'ec2:RunInstances' }]));
    malformedMessage(policy([{ ...ok, Action: [] }]));
    malformedMessage(policy([{ ...ok, NotAction: 's3:PutObject' }]));
    malformedMessage(policy([{ ...ok, Resource: 'bucket/*' }]));
    malformedMessage(policy([{ ...ok, Resource: undefined }]));
    malformedMessage(policy([{ ...ok, Extra: 1 }]));
    malformedMessage(policy([{ ...ok, NotPrincipal: '*' }]));
    malformedMessage(policy([{ ...ok, Sid: 'a' }, { ...ok, Sid: 'a' }]));
    assert.equal(malformedMessage(policy([{ ...ok, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }])), 'Conditions are not supported yet');
    assert.match(malformedMessage(`{"Version":"2012-10-17","Id":"${'x'.repeat(bucketPolicyBytesMax)}"}`), /no more than/);
  });
});

describe('policyPatternMatches', () => {
  it('matches * and ? without regular expressions', () => {
    assert.ok(policyPatternMatches('arn:aws:s3:::b/*', 'arn:aws:s3:::b/a/b/c'));
    assert.ok(policyPatternMatches('arn:aws:s3:::b/*.jpg', 'arn:aws:s3:::b/x/y.jpg'));
    assert.ok(!policyPatternMatches('arn:aws:s3:::b/*.jpg', 'arn:aws:s3:::b/x/y.png'));
    assert.ok(policyPatternMatches('arn:aws:s3:::b/?', 'arn:aws:s3:::b/x'));
    assert.ok(!policyPatternMatches('arn:aws:s3:::b/?', 'arn:aws:s3:::b/xy'));
    assert.ok(!policyPatternMatches('arn:aws:s3:::b/*', 'arn:aws:s3:::b'));
    assert.ok(!policyPatternMatches('arn:aws:s3:::B/*', 'arn:aws:s3:::b/k'), 'resources are case-sensitive');
    assert.ok(policyPatternMatches('S3:get*', 's3:GetObject', { caseInsensitive: true }));
    assert.ok(policyPatternMatches('*', ''));
    assert.ok(policyPatternMatches('a*a*a*a*a*b', 'a'.repeat(3000) + 'b'));
    assert.ok(!policyPatternMatches('a*a*a*a*a*b', 'a'.repeat(3000)));
  });
});

describe('evaluateBucketPolicy', () => {
  const decide = (text: string, principal: S3PolicyPrincipal, action: string, resourceArn: string) =>
    evaluateBucketPolicy(parseBucketPolicy(text), { principal, action, resourceArn });

  it('allows what an Allow matches and nothing else', () => {
    assert.equal(decide(publicRead, anonymous, 's3:GetObject', 'arn:aws:s3:::site/index.html'), 'allow');
    assert.equal(decide(publicRead, key('AKIAX'), 's3:GetObject', 'arn:aws:s3:::site/index.html'), 'allow');
    assert.equal(decide(publicRead, anonymous, 's3:PutObject', 'arn:aws:s3:::site/index.html'), 'implicit-deny');
    assert.equal(decide(publicRead, anonymous, 's3:ListBucket', 'arn:aws:s3:::site'), 'implicit-deny');
    assert.equal(decide(publicRead, anonymous, 's3:GetObject', 'arn:aws:s3:::other/index.html'), 'implicit-deny');
  });

  it('lets an explicit Deny win over an Allow, whatever the order', () => {
    const text = policy([
      { Sid: 'Deny', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: 'arn:aws:s3:::site/private/*' },
      { Sid: 'Allow', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' },
    ]);
    assert.equal(decide(text, anonymous, 's3:GetObject', 'arn:aws:s3:::site/private/a'), 'deny');
    assert.equal(decide(text, anonymous, 's3:GetObject', 'arn:aws:s3:::site/public/a'), 'allow');
  });

  it('matches principals by access key id, bare or as an ObjectBox user ARN', () => {
    const text = policy({ Effect: 'Deny', Principal: { AWS: ['arn:aws:iam::objectbox:user/AKIAONE', 'AKIATWO'] }, Action: 's3:*', Resource: 'arn:aws:s3:::site/*' });
    assert.equal(decide(text, key('AKIAONE'), 's3:PutObject', 'arn:aws:s3:::site/a'), 'deny');
    assert.equal(decide(text, key('AKIATWO'), 's3:PutObject', 'arn:aws:s3:::site/a'), 'deny');
    assert.equal(decide(text, key('AKIATHREE'), 's3:PutObject', 'arn:aws:s3:::site/a'), 'implicit-deny');
    assert.equal(decide(text, anonymous, 's3:PutObject', 'arn:aws:s3:::site/a'), 'implicit-deny');
  });

  it('applies NotAction and NotResource as complements', () => {
    const text = policy({ Effect: 'Allow', Principal: '*', NotAction: 's3:Delete*', NotResource: 'arn:aws:s3:::site/secret/*' });
    assert.equal(decide(text, anonymous, 's3:GetObject', 'arn:aws:s3:::site/a'), 'allow');
    assert.equal(decide(text, anonymous, 's3:DeleteObject', 'arn:aws:s3:::site/a'), 'implicit-deny');
    assert.equal(decide(text, anonymous, 's3:GetObject', 'arn:aws:s3:::site/secret/a'), 'implicit-deny');
  });
});

describe('s3PolicyRequirementsOf', () => {
  const requirementsOf = (method: string, target: string, headers: Record<string, string> = {}) =>
    s3PolicyRequirementsOf(parseS3Request({ method, target, headers }, { virtualHostDomains: [] })).map((r) => `${r.action} ${s3ResourceArn(r)}`);

  it('maps operations to IAM actions on bucket or object ARNs', () => {
    assert.deepEqual(requirementsOf('GET', '/site/a/b.txt'), ['s3:GetObject arn:aws:s3:::site/a/b.txt']);
    assert.deepEqual(requirementsOf('HEAD', '/site/a'), ['s3:GetObject arn:aws:s3:::site/a']);
    assert.deepEqual(requirementsOf('GET', '/site/a?versionId=v1'), ['s3:GetObjectVersion arn:aws:s3:::site/a']);
    assert.deepEqual(requirementsOf('PUT', '/site/a'), ['s3:PutObject arn:aws:s3:::site/a']);
    assert.deepEqual(requirementsOf('GET', '/site'), ['s3:ListBucket arn:aws:s3:::site']);
    assert.deepEqual(requirementsOf('GET', '/site?list-type=2'), ['s3:ListBucket arn:aws:s3:::site']);
    assert.deepEqual(requirementsOf('GET', '/site?versions'), ['s3:ListBucketVersions arn:aws:s3:::site']);
    assert.deepEqual(requirementsOf('DELETE', '/site/a?versionId=v1'), ['s3:DeleteObjectVersion arn:aws:s3:::site/a']);
    assert.deepEqual(requirementsOf('PUT', '/site?policy'), ['s3:PutBucketPolicy arn:aws:s3:::site']);
    assert.deepEqual(requirementsOf('GET', '/'), ['s3:ListAllMyBuckets *']);
    assert.deepEqual(requirementsOf('PUT', '/site/b', { 'x-amz-copy-source': '/src/a' }), ['s3:GetObject arn:aws:s3:::src/a', 's3:PutObject arn:aws:s3:::site/b']);
    assert.deepEqual(requirementsOf('GET', '/site?acl'), ['s3:GetBucketAcl arn:aws:s3:::site']);
  });

  it('asks a write that carries an ACL for s3:PutObjectAcl too (PutObject, CopyObject, CreateMultipartUpload)', () => {
    const withAcl = (method: string, target: string, headers: Record<string, string>) =>
      s3PolicyRequirementsOf(parseS3Request({ method, target, headers }, { virtualHostDomains: [] }), { setsAcl: requestSetsAcl(headers) }).map((r) => `${r.action} ${s3ResourceArn(r)}`);
    assert.deepEqual(withAcl('PUT', '/site/a', { 'x-amz-acl': 'public-read' }), ['s3:PutObject arn:aws:s3:::site/a', 's3:PutObjectAcl arn:aws:s3:::site/a']);
    assert.deepEqual(withAcl('PUT', '/site/a', { 'x-amz-grant-read': 'uri="http://acs.amazonaws.com/groups/global/AllUsers"' }), ['s3:PutObject arn:aws:s3:::site/a', 's3:PutObjectAcl arn:aws:s3:::site/a']);
    assert.deepEqual(withAcl('PUT', '/site/b', { 'x-amz-copy-source': '/src/a', 'x-amz-acl': 'public-read' }), [
      's3:GetObject arn:aws:s3:::src/a',
      's3:PutObject arn:aws:s3:::site/b',
      's3:PutObjectAcl arn:aws:s3:::site/b',
    ]);
    assert.deepEqual(withAcl('POST', '/site/a?uploads', { 'x-amz-acl': 'public-read' }), ['s3:PutObject arn:aws:s3:::site/a', 's3:PutObjectAcl arn:aws:s3:::site/a']);
    assert.deepEqual(withAcl('PUT', '/site/a', {}), ['s3:PutObject arn:aws:s3:::site/a']);
  });
});

describe('bucket policy in the metadata machine', () => {
  it('puts, reads, deletes, snapshots and restores a policy', () => {
    const driver = new MachineDriver();
    driver.createBucket('site');
    assert.deepEqual(driver.machine.getBucketPolicy('site'), { ok: true, value: undefined, garbage: [] });
    driver.ok({ op: 'PutBucketPolicy', bucket: 'site', policy: publicRead });
    const read = driver.machine.getBucketPolicy('site');
    assert.equal(read.ok ? read.value : '', publicRead);
    const restored = new ObjectMetadataMachine();
    restored.restore(driver.machine.snapshot());
    const again = restored.getBucketPolicy('site');
    assert.equal(again.ok ? again.value : '', publicRead);
    assert.deepEqual(restored.snapshot(), driver.machine.snapshot());
    driver.ok({ op: 'DeleteBucketPolicy', bucket: 'site' });
    assert.deepEqual(driver.machine.getBucketPolicy('site'), { ok: true, value: undefined, garbage: [] });
    const bucket = driver.machine.headBucket('site');
    assert.ok(bucket.ok && !('policy' in bucket.value));
    const missing = driver.apply({ op: 'PutBucketPolicy', bucket: 'nope', policy: publicRead });
    assert.equal(missing.ok ? '' : missing.error.code, 'NoSuchBucket');
  });

  it('refuses a policy command over 20 KB or empty when decoding', () => {
    const driver = new MachineDriver();
    driver.createBucket('site');
    assert.throws(() => driver.apply({ op: 'PutBucketPolicy', bucket: 'site', policy: 'x'.repeat(bucketPolicyBytesMax + 1) }), ObjectMetadataCommandInvalidError);
    assert.throws(() => driver.apply({ op: 'PutBucketPolicy', bucket: 'site', policy: '' }), ObjectMetadataCommandInvalidError);
  });
});
