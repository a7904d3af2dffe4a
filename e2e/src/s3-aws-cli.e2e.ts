/**
 * Goal: the aws CLI (v1, as installed here) works against a real object-store process: `s3 mb`,
 * `cp` both ways, `ls`, `rm`, `rb`, and the `s3api` calls put-object, get-object, head-object,
 * list-objects-v2 (prefix, delimiter, max-keys paging), with the object bytes compared by digest.
 * Method: `objectbox start object-store` on free ports, the CLI run as a process with AWS_*
 * variables only (no config files), its JSON output parsed.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cleanUp, tempDir } from './harness.js';
import { aws, roundtripSizesBytes, runClient, type S3UnderTest, sha256Hex, startObjectStore } from './s3-e2e-support.js';

describe('aws CLI against objectbox start object-store', () => {
  let s3: S3UnderTest;
  let dir: string;

  before(async () => {
    s3 = await startObjectStore();
    dir = tempDir('aws-cli');
  });
  after(cleanUp);

  test('s3 mb, cp up and down, ls, rm, rb', async () => {
    assert.match(await aws(s3, ['s3', 'mb', 's3://cli-bucket']), /make_bucket: cli-bucket/);
    assert.match(await aws(s3, ['s3', 'ls']), /cli-bucket/);
    for (const sizeBytes of roundtripSizesBytes) {
      const source = join(dir, `up-${sizeBytes}`);
      const bytes = randomBytes(sizeBytes);
      writeFileSync(source, bytes);
      await aws(s3, ['s3', 'cp', source, `s3://cli-bucket/files/${sizeBytes}.bin`, '--only-show-errors']);
      const target = join(dir, `down-${sizeBytes}`);
      await aws(s3, ['s3', 'cp', `s3://cli-bucket/files/${sizeBytes}.bin`, target, '--only-show-errors']);
      assert.equal(sha256Hex(readFileSync(target)), sha256Hex(bytes), `${sizeBytes} bytes roundtrip`);
    }
    const listing = await aws(s3, ['s3', 'ls', 's3://cli-bucket/files/']);
    for (const sizeBytes of roundtripSizesBytes) assert.match(listing, new RegExp(`\\s${sizeBytes} ${sizeBytes}\\.bin`));
    assert.match(await aws(s3, ['s3', 'ls', 's3://cli-bucket']), /PRE files\//);
    await aws(s3, ['s3', 'rm', 's3://cli-bucket/files/', '--recursive', '--only-show-errors']);
    assert.equal((await aws(s3, ['s3', 'ls', 's3://cli-bucket', '--recursive'])).trim(), '');
    assert.match(await aws(s3, ['s3', 'rb', 's3://cli-bucket']), /remove_bucket: cli-bucket/);
    assert.doesNotMatch(await aws(s3, ['s3', 'ls']), /cli-bucket/);
  });

  test('s3api put-object, head-object, get-object with metadata and a range', async () => {
    await aws(s3, ['s3api', 'create-bucket', '--bucket', 'api-bucket']);
    const source = join(dir, 'api-source');
    const bytes = randomBytes(100_000);
    writeFileSync(source, bytes);
    const put = JSON.parse(
      await aws(s3, ['s3api', 'put-object', '--bucket', 'api-bucket', '--key', 'dir/a b+c.txt', '--body', source, '--content-type', 'text/plain', '--metadata', 'colour=blue']),
    ) as { ETag: string };
    assert.match(put.ETag, /^"[0-9a-f]{32}"$/);
    const head = JSON.parse(await aws(s3, ['s3api', 'head-object', '--bucket', 'api-bucket', '--key', 'dir/a b+c.txt'])) as Record<string, unknown>;
    assert.equal(head['ContentLength'], bytes.length);
    assert.equal(head['ETag'], put.ETag);
    assert.equal(head['ContentType'], 'text/plain');
    assert.deepEqual(head['Metadata'], { colour: 'blue' });
    const target = join(dir, 'api-target');
    await aws(s3, ['s3api', 'get-object', '--bucket', 'api-bucket', '--key', 'dir/a b+c.txt', target]);
    assert.equal(sha256Hex(readFileSync(target)), sha256Hex(bytes));
    const ranged = JSON.parse(await aws(s3, ['s3api', 'get-object', '--bucket', 'api-bucket', '--key', 'dir/a b+c.txt', '--range', 'bytes=10-19', target])) as Record<string, unknown>;
    assert.equal(ranged['ContentRange'], `bytes 10-19/${bytes.length}`);
    assert.deepEqual(readFileSync(target), bytes.subarray(10, 20));
  });

  test('s3api list-objects-v2 with prefix, delimiter and max-keys paging', async () => {
    await aws(s3, ['s3api', 'create-bucket', '--bucket', 'list-bucket']);
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    const keys = ['a/1', 'a/2', 'a/3', 'b/1', 'c'];
    for (const key of keys) await aws(s3, ['s3api', 'put-object', '--bucket', 'list-bucket', '--key', key, '--body', empty]);
    const grouped = JSON.parse(await aws(s3, ['s3api', 'list-objects-v2', '--bucket', 'list-bucket', '--delimiter', '/'])) as {
      Contents: { Key: string }[];
      CommonPrefixes: { Prefix: string }[];
    };
    assert.deepEqual(grouped.Contents.map((entry) => entry.Key), ['c']);
    assert.deepEqual(grouped.CommonPrefixes.map((entry) => entry.Prefix), ['a/', 'b/']);
    // The CLI follows continuation tokens itself: --page-size 2 makes it fetch three pages.
    const paged = JSON.parse(await aws(s3, ['s3api', 'list-objects-v2', '--bucket', 'list-bucket', '--page-size', '2'])) as { Contents: { Key: string }[] };
    assert.deepEqual(paged.Contents.map((entry) => entry.Key), keys);
    const prefixed = JSON.parse(await aws(s3, ['s3api', 'list-objects-v2', '--bucket', 'list-bucket', '--prefix', 'a/', '--max-items', '2'])) as {
      Contents: { Key: string }[];
      NextToken?: string;
    };
    assert.deepEqual(prefixed.Contents.map((entry) => entry.Key), ['a/1', 'a/2']);
    assert.ok(prefixed.NextToken);
    const v1 = JSON.parse(await aws(s3, ['s3api', 'list-objects', '--bucket', 'list-bucket', '--prefix', 'a/'])) as { Contents: { Key: string }[] };
    assert.deepEqual(v1.Contents.map((entry) => entry.Key), ['a/1', 'a/2', 'a/3']);
  });

  test('errors: unknown bucket, wrong secret, unsupported operation', async () => {
    const missing = await runClient('aws', ['--endpoint-url', s3.endpoint, 's3api', 'head-bucket', '--bucket', 'no-such-bucket'], { env: s3.clientEnv });
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /404/);
    const forged = await runClient('aws', ['--endpoint-url', s3.endpoint, 's3', 'ls'], { env: { ...s3.clientEnv, AWS_SECRET_ACCESS_KEY: 'not-the-secret' } });
    assert.notEqual(forged.code, 0);
    assert.match(forged.stderr, /SignatureDoesNotMatch/);
    await aws(s3, ['s3api', 'create-bucket', '--bucket', 'logging-bucket']);
    const logging = await runClient('aws', ['--endpoint-url', s3.endpoint, 's3api', 'get-bucket-logging', '--bucket', 'logging-bucket'], { env: s3.clientEnv });
    assert.notEqual(logging.code, 0);
    assert.match(logging.stderr, /NotImplemented.*GetBucketLogging/s);
  });
});
