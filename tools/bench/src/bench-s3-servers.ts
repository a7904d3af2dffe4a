/**
 * The S3 servers of `bench s3`, each a separate process on loopback with its own data directory:
 * the ObjectBox object store (`objectbox start object-store`: a single-replica Raft group, blobs
 * and metadata fsynced before a PUT is acknowledged) and s3rver (the Node.js S3 mock, files
 * written without fsync). Both are loaded through presigned URLs, so what differs is the server.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BenchResources, freePorts, httpGetStatus, nodeBinary, type PeerProcess, repositoryRoot, waitFor } from './bench-processes.js';
import { objectPath, presignedTarget, type S3Credentials } from './bench-s3-presign.js';
import { cliScript } from './objectbox-cluster.js';

export const s3Systems = ['objectbox', 's3rver'] as const;
export type S3System = (typeof s3Systems)[number];
export const s3SystemTitles: Record<S3System, string> = { objectbox: 'ObjectBox', s3rver: 's3rver' };

export const s3rverScript = join(repositoryRoot, 'node_modules', 's3rver', 'bin', 's3rver.js');

export interface S3ServerUnderTest {
  readonly system: S3System;
  /** `127.0.0.1:<port>`: the URL authority and the signed Host header. */
  readonly host: string;
  readonly credentials: S3Credentials;
  readonly process: PeerProcess;
}

/** A request the server answered with something other than what the bench needs. */
export class S3RequestError extends Error {
  constructor(
    readonly system: S3System,
    readonly what: string,
    readonly status: number,
    readonly responseText: string,
  ) {
    super(`${s3SystemTitles[system]}: ${what} answered ${status}: ${responseText.slice(0, 300)}`);
  }
}

/** A request that got no HTTP answer at all (connection refused or reset, timeout). */
export class S3NoResponseError extends Error {
  constructor(
    readonly system: S3System,
    readonly what: string,
    cause: unknown,
  ) {
    super(`${s3SystemTitles[system]}: ${what} got no response: ${cause instanceof Error ? `${cause.message}${cause.cause instanceof Error ? ` (${cause.cause.message})` : ''}` : String(cause)}`);
  }
}

/** A server process that exited while the bench needed it. */
export class S3ServerExitedError extends Error {
  constructor(server: S3ServerUnderTest) {
    super(`${server.process.name} (pid ${server.process.child.pid ?? '?'}) ${exitDescription(server.process)}`);
  }
}

/** `exited with signal SIGKILL; last output: …` (the last few lines: the start banner says nothing). */
export function exitDescription(process_: PeerProcess): string {
  const { exitCode, signalCode } = process_.child;
  const lastLines = process_.outputTail.trim().split('\n').slice(-3).join(' / ').slice(-600);
  return `exited with ${signalCode === null ? `code ${exitCode}` : `signal ${signalCode}`}; last output: ${lastLines || '(none)'}`;
}

export function assertRunning(server: S3ServerUnderTest): void {
  if (!server.process.running) throw new S3ServerExitedError(server);
}

export async function startObjectBoxObjectStore(options: {
  resources: BenchResources;
  dataDirectory: string;
  readyTimeoutMs: number;
  /** When set, the process runs under `node --cpu-prof` writing here (on exit). */
  cpuProfileDirectory: string | null;
}): Promise<S3ServerUnderTest> {
  const [httpPort, grpcPort, httpsPort] = await freePorts(3);
  const credentials: S3Credentials = {
    accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    region: 'us-east-1',
  };
  const nodeFlags = options.cpuProfileDirectory === null ? [] : ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDirectory];
  const process_ = options.resources.start({
    name: 'objectbox object-store',
    command: nodeBinary,
    env: {
      ...process.env,
      OBJECTBOX_ACCESS_KEY_ID: credentials.accessKeyId,
      OBJECTBOX_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      // The HTTPS listener has no flag; a free port keeps it off the default 9443 others may use.
      OBJECTBOX_SERVICES_OBJECT_STORE_HTTPS_PORT: String(httpsPort),
    },
    args: [
      ...nodeFlags,
      cliScript,
      'start',
      'object-store',
      '--host',
      '127.0.0.1',
      '--http-port',
      String(httpPort),
      '--grpc-port',
      String(grpcPort),
      '--data-dir',
      options.dataDirectory,
      '--log-level',
      'warn',
    ],
  });
  const server: S3ServerUnderTest = { system: 'objectbox', host: `127.0.0.1:${httpPort}`, credentials, process: process_ };
  // Ready means a Raft leader is elected and the S3 listener is attached.
  await waitFor(
    'the ObjectBox object store /health/ready',
    async () => {
      assertRunning(server);
      return (await httpGetStatus(`http://${server.host}/health/ready`, 1000)) === 200 ? true : undefined;
    },
    { deadlineMs: options.readyTimeoutMs, intervalMs: 100 },
  );
  return server;
}

export async function startS3rver(options: { resources: BenchResources; dataDirectory: string; readyTimeoutMs: number }): Promise<S3ServerUnderTest> {
  const [port] = await freePorts(1);
  await mkdir(options.dataDirectory, { recursive: true });
  const process_ = options.resources.start({
    name: 's3rver',
    command: nodeBinary,
    args: [s3rverScript, '--directory', options.dataDirectory, '--address', '127.0.0.1', '--port', String(port), '--silent'],
  });
  // s3rver's built-in account (lib/models/account.js).
  const server: S3ServerUnderTest = {
    system: 's3rver',
    host: `127.0.0.1:${port}`,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' },
    process: process_,
  };
  // s3rver has no health endpoint: any HTTP answer means it listens.
  await waitFor(
    's3rver to listen',
    async () => {
      assertRunning(server);
      return (await httpGetStatus(`http://${server.host}/`, 1000)) !== undefined ? true : undefined;
    },
    { deadlineMs: options.readyTimeoutMs, intervalMs: 100 },
  );
  return server;
}

export async function s3rverVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(join(repositoryRoot, 'node_modules', 's3rver', 'package.json'), 'utf8')) as { version: string };
  return `s3rver ${manifest.version}`;
}

/** How long presigned URLs stay valid: longer than any point, shorter than S3's 7-day limit. */
export const presignExpiresSeconds = 3600;

/** The request target of a presigned request to `server` (path style). */
export function presign(server: S3ServerUnderTest, method: 'GET' | 'PUT', bucket: string, key: string): string {
  return presignedTarget({
    method,
    host: server.host,
    path: objectPath(bucket, key),
    credentials: server.credentials,
    nowMs: Date.now(),
    expiresSeconds: presignExpiresSeconds,
  });
}

/** One presigned request through fetch; throws {@link S3RequestError} unless the status is 2xx. */
async function presignedFetch(server: S3ServerUnderTest, method: 'GET' | 'PUT', bucket: string, key: string, body?: Uint8Array): Promise<Uint8Array> {
  assertRunning(server);
  let response: Response;
  let bytes: Uint8Array;
  try {
    response = await fetch(`http://${server.host}${presign(server, method, bucket, key)}`, { method, body, signal: AbortSignal.timeout(120_000) });
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    assertRunning(server);
    throw new S3NoResponseError(server.system, `${method} ${objectPath(bucket, key)}`, error);
  }
  if (response.status < 200 || response.status > 299) {
    throw new S3RequestError(server.system, `${method} ${objectPath(bucket, key)}`, response.status, Buffer.from(bytes).toString('utf8'));
  }
  return bytes;
}

export async function createBucket(server: S3ServerUnderTest, bucket: string): Promise<void> {
  await presignedFetch(server, 'PUT', bucket, '');
}

/** Uploads `body` under every key (a few at a time), so that GETs find them all. */
export async function uploadObjects(server: S3ServerUnderTest, bucket: string, keys: readonly string[], body: Uint8Array): Promise<void> {
  const queue = [...keys];
  const uploadsInFlight = 4;
  await Promise.all(
    Array.from({ length: uploadsInFlight }, async () => {
      for (let key = queue.shift(); key !== undefined; key = queue.shift()) await presignedFetch(server, 'PUT', bucket, key, body);
    }),
  );
}

/**
 * Checks the presigned URLs before anything is measured: a PUT and a GET of `body` round-trip,
 * and a URL whose signature is altered is refused. Returns whether the server refused it (s3rver
 * 3.7 parses SigV4 but never computes it, so it accepts any signature: worth saying in the report).
 */
export async function checkPresignedUrls(server: S3ServerUnderTest, bucket: string, body: Uint8Array): Promise<{ verifiesSignatures: boolean }> {
  const key = 'bench-check/roundtrip';
  await presignedFetch(server, 'PUT', bucket, key, body);
  const read = await presignedFetch(server, 'GET', bucket, key);
  if (Buffer.compare(Buffer.from(read), Buffer.from(body)) !== 0) {
    throw new S3RequestError(server.system, `GET ${objectPath(bucket, key)} after PUT`, 200, `returned ${read.length} bytes that differ from the ${body.length} put`);
  }
  const target = presign(server, 'GET', bucket, key);
  const lastDigit = target.at(-1) === '0' ? '1' : '0';
  const response = await fetch(`http://${server.host}${target.slice(0, -1)}${lastDigit}`, { signal: AbortSignal.timeout(30_000) });
  await response.arrayBuffer();
  return { verifiesSignatures: response.status === 403 };
}
