/**
 * Goal: `objectbox s3` works against a real object-store process the way `aws s3` does — bucket
 * and object commands as real CLI processes, bytes identical after every roundtrip (0 B, 1 B,
 * 5 MiB ± 1, 20 MiB through multipart and parallel ranged GETs, stdin/stdout), `ls` in aws's
 * columns, `sync` transferring only what changed, presigned URLs that plain `fetch` can use,
 * credentials from AWS_* variables, OBJECTBOX_* variables or a profile file, and every failure as
 * one line on stderr with exit status 1 (requests) or 2 (usage), never a stack trace.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cleanUp, cliScript, freePort, nodeBinary, tempDir } from './harness.js';
import { sha256Hex, startObjectStore, type S3UnderTest } from './s3-e2e-support.js';

let s3: S3UnderTest;
let work: string;

before(async () => {
  s3 = await startObjectStore();
  work = tempDir('s3-cli');
});
after(cleanUp);

interface CliRun {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  /** stdout as text. */
  readonly out: string;
}

/** The AWS_* environment of the object store under test (credentials, region) plus its endpoint. */
function awsEnv(): Record<string, string> {
  return { ...s3.clientEnv, AWS_ENDPOINT_URL: s3.endpoint };
}

/** Runs `objectbox s3 <args>` as a process, with `input` on stdin; killed (by PID) after the deadline. */
function objectboxS3(args: readonly string[], options: { env?: Record<string, string>; input?: Buffer; cwd?: string } = {}): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('AWS_') || name.startsWith('OBJECTBOX_')) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBinary, [cliScript, 's3', ...args], { env: { ...env, ...(options.env ?? awsEnv()) }, cwd: options.cwd ?? work, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? Buffer.alloc(0));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(chunks);
      resolve({ code, stdout, stderr, out: stdout.toString('utf8') });
    });
  });
}

/** Runs and insists on exit 0 and a quiet stderr. */
async function ok(args: readonly string[], options: Parameters<typeof objectboxS3>[1] = {}): Promise<CliRun> {
  const run = await objectboxS3(args, options);
  assert.equal(run.code, 0, `objectbox s3 ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  assert.equal(run.stderr, '', `objectbox s3 ${args.join(' ')} wrote to stderr`);
  return run;
}

/** A failure is exactly one stderr line starting with `objectbox s3 <command>: `, never a stack trace. */
function assertOneLineFailure(run: CliRun, command: string, code: number, pattern: RegExp): void {
  assert.equal(run.code, code, `exit status (stderr: ${run.stderr})`);
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  assert.equal(lines.length, 1, `one line on stderr, got: ${run.stderr}`);
  assert.ok(lines[0]?.startsWith(`objectbox s3 ${command}: `), lines[0]);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
}

function writeRandom(path: string, size: number): Buffer {
  const bytes = randomBytes(size);
  writeFileSync(path, bytes);
  return bytes;
}

const timestamp = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`;

test('mb creates a bucket, ls lists it as aws does, a second mb fails in one line', async () => {
  assert.equal((await ok(['mb', 's3://cli-bucket'])).out, 'make_bucket: cli-bucket\n');
  assert.match((await ok(['ls'])).out, new RegExp(`^${timestamp} cli-bucket$`, 'm'));
  assertOneLineFailure(await objectboxS3(['mb', 's3://cli-bucket']), 'mb', 1, /make_bucket s3:\/\/cli-bucket: BucketAlreadyOwnedByYou: /);
});

test('cp roundtrips 0 B, 1 B and 5 MiB ± 1 byte-identical (single PUT below the threshold)', async () => {
  await ok(['mb', 's3://roundtrip']);
  for (const size of [0, 1, 5 * 1024 * 1024 - 1, 5 * 1024 * 1024, 5 * 1024 * 1024 + 1]) {
    const source = join(work, `up-${size}.bin`);
    const bytes = writeRandom(source, size);
    const upload = await ok(['cp', source, `s3://roundtrip/sizes/${size}.bin`]);
    assert.equal(upload.out, `upload: ${source} to s3://roundtrip/sizes/${size}.bin\n`, 'off a TTY: the result line, no progress');
    const target = join(work, `down-${size}.bin`);
    await ok(['cp', `s3://roundtrip/sizes/${size}.bin`, target]);
    assert.equal(sha256Hex(readFileSync(target)), sha256Hex(bytes), `${size} bytes`);
  }
});

test('cp - uploads stdin and cp … - writes the object to stdout', async () => {
  const bytes = randomBytes(5 * 1024 * 1024 + 1);
  await ok(['cp', '-', 's3://roundtrip/stdin.bin'], { input: bytes });
  const download = await ok(['cp', 's3://roundtrip/stdin.bin', '-']);
  assert.equal(sha256Hex(download.stdout), sha256Hex(bytes));
});

test('a 20 MiB object downloads through parallel ranged GETs and copies within S3', async () => {
  const source = join(work, 'big-single.bin');
  const bytes = writeRandom(source, 20 * 1024 * 1024);
  await ok(['cp', source, 's3://roundtrip/big-single.bin', '--multipart-threshold', '64MB']);
  const target = join(work, 'big-single.down.bin');
  await ok(['cp', 's3://roundtrip/big-single.bin', target, '--multipart-chunksize', '5MB']);
  assert.equal(sha256Hex(readFileSync(target)), sha256Hex(bytes));
  await ok(['cp', 's3://roundtrip/big-single.bin', 's3://roundtrip/copies/', '--multipart-threshold', '64MB']);
  assert.equal(sha256Hex((await ok(['cp', 's3://roundtrip/copies/big-single.bin', '-'])).stdout), sha256Hex(bytes));
});

test('a 20 MiB file uploads multipart (parallel parts, 8 MiB chunks) and roundtrips', async () => {
  const source = join(work, 'big-multipart.bin');
  const bytes = writeRandom(source, 20 * 1024 * 1024);
  await ok(['cp', source, 's3://roundtrip/big-multipart.bin']);
  const target = join(work, 'big-multipart.down.bin');
  await ok(['cp', 's3://roundtrip/big-multipart.bin', target]);
  assert.equal(sha256Hex(readFileSync(target)), sha256Hex(bytes));
  await ok(['cp', 's3://roundtrip/big-multipart.bin', 's3://roundtrip/copies/multipart-copy.bin']);
  assert.equal(sha256Hex((await ok(['cp', 's3://roundtrip/copies/multipart-copy.bin', '-'])).stdout), sha256Hex(bytes));
});

test('ls: PRE lines, basenames, --recursive whole keys, --human-readable and --summarize in aws columns', async () => {
  await ok(['mb', 's3://listing']);
  const dir = join(work, 'listing');
  mkdirSync(join(dir, 'photos', '2024'), { recursive: true });
  writeFileSync(join(dir, 'notes.txt'), 'abc');
  writeFileSync(join(dir, 'photos', '2024', 'cat.jpg'), randomBytes(1300));
  const upload = await ok(['cp', dir, 's3://listing/', '--recursive']);
  assert.deepEqual(upload.out.split('\n').filter(Boolean).sort(), [`upload: ${join(dir, 'notes.txt')} to s3://listing/notes.txt`, `upload: ${join(dir, 'photos', '2024', 'cat.jpg')} to s3://listing/photos/2024/cat.jpg`]);
  const top = (await ok(['ls', 's3://listing'])).out.split('\n');
  assert.equal(top[0], '                           PRE photos/');
  assert.match(top[1] ?? '', new RegExp(`^${timestamp}          3 notes\\.txt$`));
  assert.match((await ok(['ls', 's3://listing/photos/2024/'])).out, new RegExp(`^${timestamp}       1300 cat\\.jpg\\n$`));
  const all = (await ok(['ls', 's3://listing', '--recursive', '--human-readable', '--summarize'])).out.split('\n');
  assert.match(all[0] ?? '', new RegExp(`^${timestamp}    3 Bytes notes\\.txt$`));
  assert.match(all[1] ?? '', new RegExp(`^${timestamp}    1.3 KiB photos/2024/cat\\.jpg$`));
  assert.deepEqual(all.slice(2), ['', 'Total Objects: 2', '   Total Size: 1.3 KiB', '']);
  const missing = await objectboxS3(['ls', 's3://listing/nothing-here']);
  assert.deepEqual([missing.code, missing.out, missing.stderr], [1, '', ''], 'nothing under a prefix: exit 1 without output, as aws');
  assertOneLineFailure(await objectboxS3(['ls', 's3://no-such-bucket']), 'ls', 1, /NoSuchBucket: /);
});

test('sync uploads what is new or changed, nothing the second time, deletes with --delete, and syncs back down', async () => {
  await ok(['mb', 's3://synced']);
  const local = join(work, 'sync-src');
  mkdirSync(join(local, 'sub'), { recursive: true });
  const files: Record<string, Buffer> = { 'a.txt': randomBytes(10), 'sub/b.bin': randomBytes(70_000), 'sub/c.bin': randomBytes(1) };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(local, name), bytes);
  const first = await ok(['sync', local, 's3://synced/backup']);
  assert.equal(first.out.split('\n').filter(Boolean).length, 3);
  assert.equal((await ok(['sync', local, 's3://synced/backup'])).out, '', 'nothing changed: nothing transferred');

  files['a.txt'] = randomBytes(11);
  writeFileSync(join(local, 'a.txt'), files['a.txt']);
  rmSync(join(local, 'sub', 'c.bin'));
  delete files['sub/c.bin'];
  const changed = await ok(['sync', local, 's3://synced/backup', '--delete']);
  assert.deepEqual(changed.out.split('\n').filter(Boolean), [`upload: ${join(local, 'a.txt')} to s3://synced/backup/a.txt`, 'delete: s3://synced/backup/sub/c.bin']);

  const down = join(work, 'sync-down');
  assert.equal((await ok(['sync', 's3://synced/backup', down])).out.split('\n').filter(Boolean).length, 2);
  for (const [name, bytes] of Object.entries(files)) assert.equal(sha256Hex(readFileSync(join(down, name))), sha256Hex(bytes), name);
  assert.equal((await ok(['sync', 's3://synced/backup', down])).out, '', 'downloaded files carry the objects’ LastModified: nothing to fetch again');
  // A local edit makes the local file newer than the object: sync down restores the object's bytes.
  writeFileSync(join(down, 'a.txt'), randomBytes(11));
  const future = new Date(Date.now() + 3_600_000);
  utimesSync(join(down, 'a.txt'), future, future);
  assert.equal((await ok(['sync', 's3://synced/backup', down])).out, `download: s3://synced/backup/a.txt to ${join(down, 'a.txt')}\n`);
  assert.equal(sha256Hex(readFileSync(join(down, 'a.txt'))), sha256Hex(files['a.txt']));
});

test('presign: a GET URL plain fetch can use, with the metadata and content type cp set', async () => {
  const source = join(work, 'presigned.bin');
  const bytes = writeRandom(source, 4096);
  await ok(['cp', source, 's3://roundtrip/presigned.bin', '--content-type', 'application/x-test', '--metadata', 'owner=cli,purpose=e2e']);
  const url = (await ok(['presign', 's3://roundtrip/presigned.bin', '--expires-in', '300'])).out.trim();
  assert.match(url, /X-Amz-Expires=300/);
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'application/x-test');
  assert.equal(response.headers.get('x-amz-meta-owner'), 'cli');
  assert.equal(response.headers.get('x-amz-meta-purpose'), 'e2e');
  assert.equal(sha256Hex(new Uint8Array(await response.arrayBuffer())), sha256Hex(bytes));
  assertOneLineFailure(await objectboxS3(['presign', 's3://roundtrip/presigned.bin', '--expires-in', '604801']), 'presign', 2, /--expires-in: 604801 is out of range/);
});

test('mv moves a local file into S3 and an object within S3', async () => {
  const source = join(work, 'to-move.txt');
  writeFileSync(source, 'move me');
  assert.equal((await ok(['mv', source, 's3://roundtrip/moved/one.txt'])).out, `move: ${source} to s3://roundtrip/moved/one.txt\n`);
  assert.throws(() => statSync(source), /ENOENT/, 'the local file is gone');
  await ok(['mv', 's3://roundtrip/moved/one.txt', 's3://roundtrip/moved/two.txt']);
  assert.equal((await ok(['cp', 's3://roundtrip/moved/two.txt', '-'])).out, 'move me');
  assertOneLineFailure(await objectboxS3(['cp', 's3://roundtrip/moved/one.txt', '-']), 'cp', 1, /NoSuchKey: /);
});

test('rm, rm --recursive, rb on a non-empty bucket (one line, exit 1) and rb --force', async () => {
  await ok(['mb', 's3://doomed']);
  const dir = join(work, 'doomed');
  mkdirSync(join(dir, 'x'), { recursive: true });
  for (const name of ['a', 'x/b', 'x/c']) writeFileSync(join(dir, name), name);
  await ok(['cp', dir, 's3://doomed', '--recursive', '--quiet']);
  assert.equal((await ok(['rm', 's3://doomed/a'])).out, 'delete: s3://doomed/a\n');
  assertOneLineFailure(await objectboxS3(['rb', 's3://doomed']), 'rb', 1, /remove_bucket s3:\/\/doomed: BucketNotEmpty: /);
  assert.deepEqual((await ok(['rm', 's3://doomed/x', '--recursive'])).out.split('\n').filter(Boolean).sort(), ['delete: s3://doomed/x/b', 'delete: s3://doomed/x/c']);
  await ok(['cp', join(dir, 'a'), 's3://doomed/again']);
  assert.equal((await ok(['rb', 's3://doomed', '--force'])).out, 'delete: s3://doomed/again\nremove_bucket: doomed\n');
  assert.doesNotMatch((await ok(['ls'])).out, /doomed/);
});

test('credentials from OBJECTBOX_* variables and from a profile file', async () => {
  const objectboxEnv = {
    OBJECTBOX_ACCESS_KEY_ID: s3.accessKeyId,
    OBJECTBOX_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_CONFIG_FILE: join(work, 'none-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'none-credentials'),
  };
  assert.match((await ok(['ls', '--endpoint-url', s3.endpoint], { env: objectboxEnv })).out, /cli-bucket/);
  const profileDir = tempDir('s3-cli-profile');
  writeFileSync(join(profileDir, 'config'), `[profile box]\nregion = ${s3.region}\nendpoint_url = ${s3.endpoint}\n`);
  writeFileSync(join(profileDir, 'credentials'), `[box]\naws_access_key_id = ${s3.accessKeyId}\naws_secret_access_key = ${s3.secretAccessKey}\n`);
  const profileEnv = { AWS_CONFIG_FILE: join(profileDir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(profileDir, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true' };
  assert.match((await ok(['ls', '--profile', 'box'], { env: profileEnv })).out, /cli-bucket/);
  assert.match((await ok(['ls'], { env: { ...profileEnv, AWS_PROFILE: 'box' } })).out, /cli-bucket/);
  const wrongKey = await objectboxS3(['ls', '--endpoint-url', s3.endpoint], { env: { ...objectboxEnv, OBJECTBOX_SECRET_ACCESS_KEY: 'wrong' } });
  assertOneLineFailure(wrongKey, 'ls', 1, /SignatureDoesNotMatch: /);
});

test('every failure is one line: usage errors exit 2, request and connection failures exit 1', async () => {
  assertOneLineFailure(await objectboxS3(['cp', join(work, 'up-1.bin'), 's3://no-such-bucket/x']), 'cp', 1, /upload .* to s3:\/\/no-such-bucket\/x: NoSuchBucket: /);
  assertOneLineFailure(await objectboxS3(['cp', 'a', 'b']), 'cp', 2, /at least one of the paths must be an S3 URI/);
  assertOneLineFailure(await objectboxS3(['cp', '--no-such-flag', 'a', 's3://b/c']), 'cp', 2, /unknown option '--no-such-flag'/);
  assertOneLineFailure(await objectboxS3(['rm', 's3://roundtrip']), 'rm', 2, /use --recursive/);
  assertOneLineFailure(await objectboxS3(['cp', join(work, 'missing-file'), 's3://roundtrip/x']), 'cp', 1, /the local path does not exist/);
  const closed = await freePort();
  assertOneLineFailure(await objectboxS3(['ls', '--endpoint-url', `http://127.0.0.1:${closed}`]), 'ls', 1, /could not connect to http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
});

test('--help for every s3 command', async () => {
  for (const command of ['cp', 'mv', 'ls', 'mb', 'rb', 'rm', 'sync', 'presign']) {
    const help = await ok([command, '--help']);
    assert.match(help.out, new RegExp(`^Usage: objectbox s3 ${command} `), command);
    assert.match(help.out, /--endpoint-url/, command);
  }
  const group = await ok(['--help']);
  for (const command of ['cp', 'mv', 'ls', 'mb', 'rb', 'rm', 'sync', 'presign']) assert.match(group.out, new RegExp(`^  ${command} `, 'm'));
});
