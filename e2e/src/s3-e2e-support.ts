/**
 * Support for the S3 e2e tests: starts `objectbox start object-store` as a real process on free
 * ports with its own root key pair (OBJECTBOX_ACCESS_KEY_ID / OBJECTBOX_SECRET_ACCESS_KEY), waits
 * for `/health/ready`, and runs external clients (the aws CLI, python3 with boto3) with a deadline,
 * the standard AWS_* variables pointing at the process.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { cliScript, freePort, nodeBinary, startCli, tempDir, type TestProcess, waitFor } from './harness.js';

export interface S3UnderTest {
  readonly process: TestProcess;
  readonly endpoint: string;
  /** S3 over HTTPS (self-signed certificate at {@link certFile}). */
  readonly httpsEndpoint: string;
  readonly certFile: string;
  readonly grpcPort: number;
  readonly dataDir: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  /** The environment a client needs: AWS_* credentials and region, no config files. */
  readonly clientEnv: Record<string, string>;
}

/**
 * Starts the object store alone and waits until it is ready (Raft leader elected, S3 attached).
 * `restartOf` starts it again on an earlier instance's data directory, ports and keys; `env` adds
 * configuration (`OBJECTBOX_*` variables).
 */
export async function startObjectStore(options: { restartOf?: S3UnderTest; env?: Record<string, string> } = {}): Promise<S3UnderTest> {
  const previous = options.restartOf;
  const httpPort = previous === undefined ? await freePort() : Number(new URL(previous.endpoint).port);
  const grpcPort = previous?.grpcPort ?? (await freePort());
  const httpsPort = previous === undefined ? await freePort() : Number(new URL(previous.httpsEndpoint).port);
  const dataDir = previous?.dataDir ?? join(tempDir('s3'), 'data');
  const accessKeyId = previous?.accessKeyId ?? `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;
  const secretAccessKey = previous?.secretAccessKey ?? randomBytes(30).toString('base64');
  const region = 'us-east-1';
  const objectStore = startCli(
    ['start', 'object-store', '--http-port', `${httpPort}`, '--grpc-port', `${grpcPort}`, '--data-dir', dataDir, '--log-level', 'warn'],
    { env: { OBJECTBOX_ACCESS_KEY_ID: accessKeyId, OBJECTBOX_SECRET_ACCESS_KEY: secretAccessKey, OBJECTBOX_SERVICES_OBJECT_STORE_HTTPS_PORT: `${httpsPort}`, ...options.env } },
  );
  const endpoint = `http://127.0.0.1:${httpPort}`;
  await waitFor(
    'the object store to be ready',
    async () => {
      if (objectStore.child.exitCode !== null) throw new Error(`the object store exited early: ${objectStore.stderr}${objectStore.stdout}`);
      const response = await fetch(`${endpoint}/health/ready`);
      return response.status === 200 ? true : undefined;
    },
    { deadlineMs: 60_000, intervalMs: 100 },
  );
  const clientDir = tempDir('s3-client');
  const clientEnv = {
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_DEFAULT_REGION: region,
    AWS_REGION: region,
    AWS_CONFIG_FILE: join(clientDir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(clientDir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
  const httpsEndpoint = `https://127.0.0.1:${httpsPort}`;
  const certFile = join(dataDir, 'object-store', 'tls', 's3-cert.pem');
  return { process: objectStore, endpoint, httpsEndpoint, certFile, grpcPort, dataDir, accessKeyId, secretAccessKey, region, clientEnv };
}

/** Output of an external client run. */
export interface ClientRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args` with `env` added, killing it (by PID) after `deadlineMs`. */
export function runClient(command: string, args: readonly string[], options: { env: Record<string, string>; deadlineMs?: number; cwd?: string }): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.deadlineMs ?? 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The aws CLI (v1 here) against the object store. Throws with its output when it fails. */
export async function aws(s3: S3UnderTest, args: readonly string[]): Promise<string> {
  const run = await runClient('aws', ['--endpoint-url', s3.endpoint, ...args], { env: s3.clientEnv });
  if (run.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${run.code}: ${run.stderr}${run.stdout}`);
  return run.stdout;
}

/** Hex SHA-256 of bytes, to compare what went in with what came out. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The sizes every client roundtrips: empty, one byte, and 5 MiB ± 1 (around SDK thresholds). */
export const roundtripSizesBytes = [0, 1, 5 * 1024 * 1024 - 1, 5 * 1024 * 1024, 5 * 1024 * 1024 + 1] as const;

/** The S3 error code and HTTP status an SDK call failed with; fails the test if it succeeded. */
export async function errorCodeOf(promise: Promise<unknown>): Promise<{ code: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof S3ServiceException, String(error));
    return { code: error.name, status: error.$metadata.httpStatusCode };
  }
  assert.fail('the request succeeded');
}

/** A new access key made with `objectbox keys create --json` through the store's gRPC admin API (as the root key). */
export async function createAccessKey(s3: S3UnderTest): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const created = await runClient(nodeBinary, [cliScript, 'keys', 'create', '--json', '--grpc-address', `127.0.0.1:${s3.grpcPort}`], {
    env: { OBJECTBOX_ACCESS_KEY_ID: s3.accessKeyId, OBJECTBOX_SECRET_ACCESS_KEY: s3.secretAccessKey },
    deadlineMs: 30_000,
  });
  assert.equal(created.code, 0, created.stderr);
  return JSON.parse(created.stdout) as { accessKeyId: string; secretAccessKey: string };
}
