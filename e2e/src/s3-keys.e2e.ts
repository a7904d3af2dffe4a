/**
 * Goal: `objectbox keys create|list|delete` manage working S3 credentials: a key created with the
 * CLI signs aws CLI requests, is listed without its secret, and after `delete` the next request is
 * refused with 403 InvalidAccessKeyId. The secret is encrypted at rest: it appears nowhere in the
 * object store's data dir (Raft log and snapshots), and the generated master key file is 0600.
 * Calls without the root credentials are refused. Method: a real `objectbox start object-store`,
 * the CLI as a child process against its gRPC port, the aws CLI against its HTTP port.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cleanUp, cliScript, nodeBinary } from './harness.js';
import { type ClientRun, runClient, type S3UnderTest, startObjectStore } from './s3-e2e-support.js';

let s3: S3UnderTest;

before(async () => {
  s3 = await startObjectStore();
});
after(cleanUp);

/** `objectbox keys …` against the object store's gRPC port, signed with its root credentials. */
function keys(args: readonly string[], env: Record<string, string> = {}): Promise<ClientRun> {
  return runClient(nodeBinary, [cliScript, 'keys', ...args, ...(args.includes('--grpc-address') ? [] : ['--grpc-address', `127.0.0.1:${s3.grpcPort}`])], {
    env: { OBJECTBOX_ACCESS_KEY_ID: s3.accessKeyId, OBJECTBOX_SECRET_ACCESS_KEY: s3.secretAccessKey, ...env },
    deadlineMs: 30_000,
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

test('a key made with objectbox keys create works with the aws CLI until objectbox keys delete, then 403 InvalidAccessKeyId', async () => {
  const created = await keys(['create', '--json']);
  assert.equal(created.code, 0, created.stderr);
  const key = JSON.parse(created.stdout) as { accessKeyId: string; secretAccessKey: string };
  assert.match(key.accessKeyId, /^OB[A-Z2-7]{18}$/);
  assert.equal(key.secretAccessKey.length, 40);

  const listed = await keys(['list']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`^${key.accessKeyId}  Active  \\d{4}-`, 'm'));
  assert.ok(!listed.stdout.includes(key.secretAccessKey), 'list never shows secrets');

  const env = { ...s3.clientEnv, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey };
  const awsWithKey = (args: readonly string[]) => runClient('aws', ['--endpoint-url', s3.endpoint, ...args], { env });
  const made = await awsWithKey(['s3', 'mb', 's3://made-with-a-key']);
  assert.equal(made.code, 0, made.stderr);
  const listedBuckets = await awsWithKey(['s3api', 'list-buckets', '--output', 'json']);
  assert.equal(listedBuckets.code, 0, listedBuckets.stderr);
  assert.match(listedBuckets.stdout, /made-with-a-key/);

  // Encrypted at rest: the secret is nowhere in the data dir; the master key file is 0600.
  const secret = Buffer.from(key.secretAccessKey);
  for (const file of filesUnder(s3.dataDir)) assert.ok(!readFileSync(file).includes(secret), `${file} holds the secret in clear`);
  assert.equal(statSync(join(s3.dataDir, 'object-store', 'master.key')).mode & 0o777, 0o600);

  const deleted = await keys(['delete', key.accessKeyId]);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(deleted.stdout, `deleted ${key.accessKeyId}\n`);
  const refused = await awsWithKey(['s3api', 'list-buckets']);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /InvalidAccessKeyId/);
  // The status too (the aws CLI prints only the code): the key is looked up before the signature.
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const raw = await fetch(`${s3.endpoint}/`, {
    headers: {
      'x-amz-date': amzDate,
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${'0'.repeat(64)}`,
    },
  });
  assert.equal(raw.status, 403);
  assert.match(await raw.text(), /<Code>InvalidAccessKeyId<\/Code>/);

  const again = await keys(['delete', key.accessKeyId]);
  assert.equal(again.code, 1);
  assert.equal(again.stderr, `objectbox keys delete: NoSuchAccessKey: access key ${key.accessKeyId} does not exist\n`);
});

test('admin calls need the root credentials; bad input is one line and exit 2', async () => {
  const forged = await keys(['list'], { OBJECTBOX_SECRET_ACCESS_KEY: 'not-the-root-secret' });
  assert.equal(forged.code, 1);
  assert.match(forged.stderr, /^objectbox keys list: AdminAuthenticationFailed: .*root credentials\n$/);
  const badId = await keys(['create', '--access-key-id', 'short']);
  assert.equal(badId.code, 1);
  assert.match(badId.stderr, /^objectbox keys create: InvalidArgument: an access key id is 16 to 128 letters and digits\n$/);
  const badAddress = await keys(['list', '--grpc-address', 'nowhere']);
  assert.equal(badAddress.code, 2);
  assert.equal(badAddress.stderr.split('\n').length, 2);
});
