/**
 * `objectbox s3 <command>`: cp, mv, ls, mb, rb, rm, sync and presign, with the semantics and
 * output of `aws s3`. Exit status 0 when everything worked, 1 when a request or file failed (one
 * line per failure on stderr, `objectbox s3 <command>: <what>: <S3 code>: <message>`), 2 for usage
 * errors (bad flags or paths, one line). Arguments become plans in the pure modules
 * (s3-plan, s3-sync-plan, s3-config); this module does the requests.
 */
import { stat, unlink } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import {
  CreateBucketCommand,
  type BucketLocationConstraint,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type Command, CommanderError, Option } from 'commander';
import type { Connection } from './s3-config.js';
import { connect } from './s3-client.js';
import { describeError } from './s3-errors.js';
import { formatBucketLine, formatObjectLine, formatPrefixLine, formatSummary } from './s3-ls-format.js';
import {
  checkChunkSize,
  copyKey,
  downloadPath,
  joinLocal,
  parseBucketArgument,
  parseExpiresIn,
  parseMetadata,
  planSyncPaths,
  planTransfer,
  recursivePrefix,
  safeRelativePath,
  type TransferPlan,
  uploadKey,
} from './s3-plan.js';
import { Progress } from './s3-progress.js';
import { parseSize } from './s3-size.js';
import { planSync, type SyncEntry } from './s3-sync-plan.js';
import { copyObject, downloadFile, downloadToStream, forEachLimited, headObject, Limiter, listObjects, uploadFile, uploadStream, walkLocal, type TransferSettings } from './s3-transfer.js';
import { formatS3Uri, isS3Uri, parseS3Uri, type S3Location, UsageError } from './s3-uri.js';

export interface S3CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Object bytes for `cp - s3://…` (default: process.stdin). */
  readonly stdin?: Readable;
  /** Where `cp s3://… -` writes object bytes (default: process.stdout). */
  readonly stdoutStream?: Writable;
  /** Whether stdout is a terminal (progress line); default: process.stdout.isTTY. */
  readonly stdoutIsTty?: boolean;
}

/** Requests in flight at once, across parts and files (aws s3's max_concurrent_requests). */
const maxConcurrentRequests = 10;
const defaultChunk = 8 * 1024 * 1024;

interface ConnectionOptions {
  endpointUrl?: string;
  region?: string;
  profile?: string;
  verifySsl?: boolean;
}

interface TransferOptions extends ConnectionOptions {
  recursive?: boolean;
  quiet?: boolean;
  progress?: boolean;
  contentType?: string;
  metadata?: string;
  multipartThreshold?: string;
  multipartChunksize?: string;
}

/** State of one command run: the client (made on first use), output, and whether anything failed. */
class Run {
  failed = false;
  private connected: { client: S3Client; connection: Connection } | undefined;

  constructor(
    readonly name: string,
    readonly io: S3CliIo,
    private readonly options: ConnectionOptions,
  ) {}

  async client(): Promise<S3Client> {
    this.connected ??= await connect(this.options, this.io.env);
    return this.connected.client;
  }

  get endpoint(): string {
    return this.connected?.connection.endpoint ?? 'the S3 endpoint';
  }

  get region(): string {
    return this.connected?.connection.region ?? 'us-east-1';
  }

  /** One failure line; the run exits 1. */
  fail(what: string, error: unknown): void {
    this.failed = true;
    this.io.stderr(`objectbox s3 ${this.name}: ${what === '' ? '' : `${what}: `}${this.describe(error)}\n`);
  }

  describe(error: unknown): string {
    return describeError(error, this.endpoint);
  }

  close(): void {
    this.connected?.client.destroy();
  }
}

function transferSettings(options: TransferOptions): TransferSettings {
  const multipartChunksize = checkChunkSize(options.multipartChunksize === undefined ? defaultChunk : parseSize('--multipart-chunksize', options.multipartChunksize));
  const multipartThreshold = options.multipartThreshold === undefined ? defaultChunk : parseSize('--multipart-threshold', options.multipartThreshold);
  return {
    multipartThreshold,
    multipartChunksize,
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    ...(options.metadata === undefined ? {} : { metadata: parseMetadata(options.metadata) }),
  };
}

function progressFor(run: Run, options: TransferOptions, stdoutCarriesData: boolean): Progress {
  const tty = run.io.stdoutIsTty ?? process.stdout.isTTY === true;
  const quiet = options.quiet === true;
  return new Progress({ live: tty && !quiet && options.progress !== false && !stdoutCarriesData, results: !quiet && !stdoutCarriesData, write: run.io.stdout });
}

/** One file or object to transfer, and what to do after it succeeded (mv deletes the source). */
interface FileTask {
  readonly verb: string;
  readonly from: string;
  readonly to: string;
  readonly size: number | undefined;
  readonly transfer: () => Promise<void>;
  readonly after?: () => Promise<void>;
}

async function runTasks(run: Run, tasks: readonly FileTask[], progress: Progress): Promise<void> {
  for (const task of tasks) progress.addFile(task.size);
  await forEachLimited(tasks, maxConcurrentRequests, async (task) => {
    try {
      await task.transfer();
      await task.after?.();
      progress.fileDone(`${task.verb}: ${task.from} to ${task.to}`);
    } catch (error) {
      progress.fileDone(undefined);
      progress.finish();
      run.fail(`${task.verb} ${task.from} to ${task.to}`, error);
    }
  });
  progress.finish();
}

async function localStat(path: string): Promise<{ isDirectory: boolean; size: number } | undefined> {
  try {
    const info = await stat(path);
    return { isDirectory: info.isDirectory(), size: info.size };
  } catch {
    return undefined;
  }
}

function isNotFound(error: unknown): boolean {
  const shape = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return shape.$metadata?.httpStatusCode === 404 || shape.name === 'NotFound';
}

/** HeadObject with a clear message when the object is missing (HEAD errors carry no body). */
async function objectInfo(client: S3Client, limiter: Limiter, location: S3Location): Promise<{ size: number; lastModified: Date | undefined; etag: string | undefined }> {
  try {
    const head = await headObject(client, limiter, location.bucket, location.key);
    return { size: head.ContentLength ?? 0, lastModified: head.LastModified, etag: head.ETag };
  } catch (error) {
    if (isNotFound(error)) throw new Error(`NotFound: ${formatS3Uri(location)} does not exist (or its bucket does not)`);
    throw error;
  }
}

/** cp and mv. */
async function transfer(run: Run, command: 'cp' | 'mv', sourceText: string, destinationText: string, options: TransferOptions): Promise<void> {
  const plan = planTransfer(command, sourceText, destinationText, { recursive: options.recursive === true });
  const settings = transferSettings(options);
  const progress = progressFor(run, options, plan.kind === 'download-stream');
  const client = await run.client();
  const limiter = new Limiter(maxConcurrentRequests);
  const verb = (kind: string): string => (command === 'mv' ? 'move' : kind);
  const deleteObjectAfter = (location: S3Location) => (command === 'mv' ? { after: async () => void (await client.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: location.key }))) } : {});
  const deleteFileAfter = (path: string) => (command === 'mv' ? { after: () => unlink(path) } : {});
  const tasks = await transferTasks(run, plan, settings, progress, client, limiter, verb, deleteObjectAfter, deleteFileAfter);
  if (tasks !== undefined) await runTasks(run, tasks, progress);
}

async function transferTasks(
  run: Run,
  plan: TransferPlan,
  settings: TransferSettings,
  progress: Progress,
  client: S3Client,
  limiter: Limiter,
  verb: (kind: string) => string,
  deleteObjectAfter: (location: S3Location) => { after?: () => Promise<void> },
  deleteFileAfter: (path: string) => { after?: () => Promise<void> },
): Promise<FileTask[] | undefined> {
  const { source, destination } = plan;
  switch (plan.kind) {
    case 'upload-stream': {
      if (destination.kind !== 's3') return [];
      const { bucket, key } = destination.location;
      return [{ verb: verb('upload'), from: '-', to: formatS3Uri(destination.location), size: undefined, transfer: () => uploadStream(client, settings, progress, run.io.stdin ?? process.stdin, bucket, key) }];
    }
    case 'download-stream': {
      if (source.kind !== 's3') return [];
      try {
        await downloadToStream(client, source.location.bucket, source.location.key, run.io.stdoutStream ?? process.stdout);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'EPIPE') run.fail(`download ${formatS3Uri(source.location)} to -`, error);
      }
      return undefined;
    }
    case 'upload': {
      if (source.kind !== 'local' || destination.kind !== 's3') return [];
      const info = await localStat(source.path);
      if (info === undefined) {
        run.fail('', new Error(`${source.path}: the local path does not exist`));
        return undefined;
      }
      const { bucket, key } = destination.location;
      if (!plan.recursive) {
        if (info.isDirectory) throw new UsageError(`${source.path}: is a directory (use --recursive to upload what it holds)`);
        const target = uploadKey(source.path, key);
        return [{ verb: verb('upload'), from: source.path, to: formatS3Uri({ bucket, key: target }), size: info.size, transfer: () => uploadFile(client, limiter, settings, progress, source.path, info.size, bucket, target), ...deleteFileAfter(source.path) }];
      }
      if (!info.isDirectory) throw new UsageError(`${source.path}: is not a directory (--recursive uploads a directory)`);
      const prefix = recursivePrefix(destination.location);
      const files = await walkLocal(source.path, (path, reason) => run.fail(`skipping ${path}`, new Error(reason)));
      return files.map((file) => {
        const target = prefix + file.relative;
        return {
          verb: verb('upload'),
          from: joinLocal(source.path, file.relative),
          to: formatS3Uri({ bucket, key: target }),
          size: file.size,
          transfer: () => uploadFile(client, limiter, settings, progress, file.path, file.size, bucket, target),
          ...deleteFileAfter(file.path),
        };
      });
    }
    case 'download': {
      if (source.kind !== 's3' || destination.kind !== 'local') return [];
      const { bucket } = source.location;
      if (!plan.recursive) {
        const info = await objectInfo(client, limiter, source.location);
        const isDirectory = (await localStat(destination.path))?.isDirectory === true;
        const path = downloadPath(source.location.key, destination.path, isDirectory);
        return [{ verb: verb('download'), from: formatS3Uri(source.location), to: path, size: info.size, transfer: () => downloadFile(client, limiter, settings, progress, bucket, source.location.key, info, path), ...deleteObjectAfter(source.location) }];
      }
      const prefix = recursivePrefix(source.location);
      const tasks: FileTask[] = [];
      for await (const object of listObjects(client, bucket, prefix)) {
        if (object.key.endsWith('/')) continue;
        const relative = safeRelativePath(object.key, prefix);
        if (relative === undefined) {
          run.fail(`skipping ${formatS3Uri({ bucket, key: object.key })}`, new Error(`the key would be written outside ${destination.path}`));
          continue;
        }
        const path = joinLocal(destination.path, relative);
        const location = { bucket, key: object.key };
        tasks.push({ verb: verb('download'), from: formatS3Uri(location), to: path, size: object.size, transfer: () => downloadFile(client, limiter, settings, progress, bucket, object.key, object, path), ...deleteObjectAfter(location) });
      }
      return tasks;
    }
    case 'copy': {
      if (source.kind !== 's3' || destination.kind !== 's3') return [];
      if (!plan.recursive) {
        const info = await objectInfo(client, limiter, source.location);
        const target = { bucket: destination.location.bucket, key: copyKey(source.location.key, destination.location.key) };
        return [{ verb: verb('copy'), from: formatS3Uri(source.location), to: formatS3Uri(target), size: info.size, transfer: () => copyObject(client, limiter, settings, progress, source.location, target, info.size), ...deleteObjectAfter(source.location) }];
      }
      const sourcePrefix = recursivePrefix(source.location);
      const destinationPrefix = recursivePrefix(destination.location);
      const tasks: FileTask[] = [];
      for await (const object of listObjects(client, source.location.bucket, sourcePrefix)) {
        const from = { bucket: source.location.bucket, key: object.key };
        const target = { bucket: destination.location.bucket, key: destinationPrefix + object.key.slice(sourcePrefix.length) };
        tasks.push({ verb: verb('copy'), from: formatS3Uri(from), to: formatS3Uri(target), size: object.size, transfer: () => copyObject(client, limiter, settings, progress, from, target, object.size), ...deleteObjectAfter(from) });
      }
      return tasks;
    }
  }
}

/**
 * Deletes keys in batches of 1,000 (DeleteObjects), printing `delete: s3://…` for each; against a
 * server without DeleteObjects (NotImplemented) one DeleteObject per key, as aws s3 rm does.
 */
async function deleteKeys(run: Run, client: S3Client, bucket: string, keys: readonly string[], quiet: boolean): Promise<void> {
  const printDeleted = (key: string): void => {
    if (!quiet) run.io.stdout(`delete: ${formatS3Uri({ bucket, key })}\n`);
  };
  let batched = true;
  for (let start = 0; start < keys.length; start += 1000) {
    const batch = keys.slice(start, start + 1000);
    if (batched) {
      try {
        const reply = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: false } }));
        for (const deleted of reply.Deleted ?? []) if (deleted.Key !== undefined) printDeleted(deleted.Key);
        for (const error of reply.Errors ?? []) run.fail(`delete ${formatS3Uri({ bucket, key: error.Key ?? '' })}`, new Error(`${error.Code ?? 'Error'}: ${error.Message ?? ''}`));
        continue;
      } catch (error) {
        if ((error as { name?: unknown }).name !== 'NotImplemented') {
          run.fail(`delete ${batch.length} objects under s3://${bucket}`, error);
          continue;
        }
        batched = false;
      }
    }
    await forEachLimited(batch, maxConcurrentRequests, async (key) => {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        printDeleted(key);
      } catch (error) {
        run.fail(`delete ${formatS3Uri({ bucket, key })}`, error);
      }
    });
  }
}

async function removeAll(run: Run, client: S3Client, location: S3Location, quiet: boolean): Promise<void> {
  const keys: string[] = [];
  for await (const object of listObjects(client, location.bucket, location.key)) keys.push(object.key);
  await deleteKeys(run, client, location.bucket, keys, quiet);
}

async function rm(run: Run, path: string, options: { recursive?: boolean; quiet?: boolean }): Promise<void> {
  const location = parseS3Uri(path);
  const client = await run.client();
  if (options.recursive === true) {
    await removeAll(run, client, location, options.quiet === true);
    return;
  }
  if (location.key === '') throw new UsageError(`${path}: names a bucket, not an object (use --recursive to delete everything in it, or rb to delete the bucket)`);
  try {
    await client.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: location.key }));
    if (options.quiet !== true) run.io.stdout(`delete: ${formatS3Uri(location)}\n`);
  } catch (error) {
    run.fail(`delete ${formatS3Uri(location)}`, error);
  }
}

async function ls(run: Run, path: string | undefined, options: { recursive?: boolean; humanReadable?: boolean; summarize?: boolean }): Promise<void> {
  const client = await run.client();
  const humanReadable = options.humanReadable === true;
  if (path === undefined || path === 's3://') {
    try {
      const reply = await client.send(new ListBucketsCommand({}));
      for (const bucket of reply.Buckets ?? []) run.io.stdout(formatBucketLine(bucket.Name ?? '', bucket.CreationDate));
    } catch (error) {
      run.fail('list buckets', error);
    }
    return;
  }
  const location = parseS3Uri(isS3Uri(path) ? path : `s3://${path}`);
  const recursive = options.recursive === true;
  let objects = 0;
  let bytes = 0;
  let anything = false;
  let token: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.key, ...(recursive ? {} : { Delimiter: '/' }), ...(token === undefined ? {} : { ContinuationToken: token }) }),
      );
      for (const prefix of page.CommonPrefixes ?? []) {
        anything = true;
        run.io.stdout(formatPrefixLine(prefix.Prefix ?? ''));
      }
      for (const object of page.Contents ?? []) {
        anything = true;
        objects++;
        bytes += object.Size ?? 0;
        run.io.stdout(formatObjectLine(object.Key ?? '', object.Size ?? 0, object.LastModified, { humanReadable, fullKeys: recursive }));
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  } catch (error) {
    run.fail(formatS3Uri(location), error);
    return;
  }
  if (options.summarize === true) run.io.stdout(formatSummary(objects, bytes, humanReadable));
  // As aws s3 ls: nothing under a prefix exits 1 without a message (`ls s3://b/key && …` tests existence).
  if (!anything && location.key !== '') run.failed = true;
}

async function mb(run: Run, path: string): Promise<void> {
  const bucket = parseBucketArgument('mb', path);
  const client = await run.client();
  try {
    const region = run.region;
    await client.send(new CreateBucketCommand({ Bucket: bucket, ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }) }));
    run.io.stdout(`make_bucket: ${bucket}\n`);
  } catch (error) {
    run.fail(`make_bucket s3://${bucket}`, error);
  }
}

async function rb(run: Run, path: string, options: { force?: boolean }): Promise<void> {
  const bucket = parseBucketArgument('rb', path);
  const client = await run.client();
  if (options.force === true) {
    try {
      await removeAll(run, client, { bucket, key: '' }, false);
    } catch (error) {
      run.fail(`empty s3://${bucket}`, error);
    }
    if (run.failed) return;
  }
  try {
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
    run.io.stdout(`remove_bucket: ${bucket}\n`);
  } catch (error) {
    run.fail(`remove_bucket s3://${bucket}`, error);
  }
}

interface SyncOptions extends TransferOptions {
  delete?: boolean;
  sizeOnly?: boolean;
  exactTimestamps?: boolean;
}

async function sync(run: Run, sourceText: string, destinationText: string, options: SyncOptions): Promise<void> {
  const plan = planSyncPaths(sourceText, destinationText);
  const settings = transferSettings(options);
  const progress = progressFor(run, options, false);
  const client = await run.client();
  const limiter = new Limiter(maxConcurrentRequests);
  type Entry = SyncEntry & { readonly path?: string; readonly object?: { size: number; lastModified: Date | undefined; etag: string | undefined } };

  const list = async (side: typeof plan.source, isSource: boolean): Promise<Entry[]> => {
    if (side.kind === 'local') {
      const info = await localStat(side.path);
      if (info === undefined && isSource) throw new Error(`${side.path}: the local directory does not exist`);
      if (info !== undefined && !info.isDirectory) throw new UsageError(`${side.path}: is not a directory`);
      if (info === undefined) return [];
      return walkLocal(side.path, (path, reason) => run.fail(`skipping ${path}`, new Error(reason)));
    }
    if (side.kind !== 's3') return [];
    const prefix = recursivePrefix(side.location);
    const entries: Entry[] = [];
    for await (const object of listObjects(client, side.location.bucket, prefix)) {
      if (object.key.endsWith('/')) continue;
      const relative = plan.direction === 'download' && isSource ? safeRelativePath(object.key, prefix) : object.key.slice(prefix.length);
      if (relative === undefined) {
        run.fail(`skipping ${formatS3Uri({ bucket: side.location.bucket, key: object.key })}`, new Error('the key would be written outside the destination directory'));
        continue;
      }
      entries.push({ relative, size: object.size, mtimeMs: object.lastModified?.getTime() ?? 0, object });
    }
    return entries;
  };
  let sourceEntries: Entry[];
  let destinationEntries: Entry[];
  try {
    [sourceEntries, destinationEntries] = await Promise.all([list(plan.source, true), list(plan.destination, false)]);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    run.fail('list', error);
    return;
  }
  const decision = planSync(sourceEntries, destinationEntries, { direction: plan.direction, delete: options.delete === true, exactTimestamps: options.exactTimestamps === true, sizeOnly: options.sizeOnly === true });
  const { source, destination } = plan;
  const name = (side: typeof source, relative: string): string =>
    side.kind === 'local' ? joinLocal(side.path, relative) : side.kind === 's3' ? formatS3Uri({ bucket: side.location.bucket, key: recursivePrefix(side.location) + relative }) : relative;
  const tasks = decision.transfers.map(({ entry }): FileTask => {
    const from = name(source, entry.relative);
    const to = name(destination, entry.relative);
    const base = { verb: plan.direction, from, to, size: entry.size };
    if (source.kind === 'local' && destination.kind === 's3') {
      const key = recursivePrefix(destination.location) + entry.relative;
      return { ...base, transfer: () => uploadFile(client, limiter, settings, progress, (entry as Entry).path ?? from, entry.size, destination.location.bucket, key) };
    }
    if (source.kind === 's3' && destination.kind === 'local') {
      const key = recursivePrefix(source.location) + entry.relative;
      const object = (entry as Entry).object ?? { size: entry.size, lastModified: undefined, etag: undefined };
      return { ...base, transfer: () => downloadFile(client, limiter, settings, progress, source.location.bucket, key, object, to) };
    }
    if (source.kind === 's3' && destination.kind === 's3') {
      const from3 = { bucket: source.location.bucket, key: recursivePrefix(source.location) + entry.relative };
      const to3 = { bucket: destination.location.bucket, key: recursivePrefix(destination.location) + entry.relative };
      return { ...base, transfer: () => copyObject(client, limiter, settings, progress, from3, to3, entry.size) };
    }
    throw new UsageError('sync needs an S3 URI');
  });
  await runTasks(run, tasks, progress);
  if (decision.deletes.length === 0) return;
  if (destination.kind === 's3') {
    await deleteKeys(
      run,
      client,
      destination.location.bucket,
      decision.deletes.map((entry) => recursivePrefix(destination.location) + entry.relative),
      options.quiet === true,
    );
  } else if (destination.kind === 'local') {
    for (const entry of decision.deletes) {
      const path = (entry as Entry).path ?? joinLocal(destination.path, entry.relative);
      try {
        await unlink(path);
        if (options.quiet !== true) run.io.stdout(`delete: ${path}\n`);
      } catch (error) {
        run.fail(`delete ${path}`, error);
      }
    }
  }
}

async function presign(run: Run, path: string, options: { expiresIn?: string }): Promise<void> {
  const location = parseS3Uri(path);
  if (location.key === '') throw new UsageError(`${path}: names no object (expected s3://bucket/key)`);
  const expiresIn = parseExpiresIn(options.expiresIn ?? '3600');
  const client = await run.client();
  try {
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), { expiresIn });
    run.io.stdout(`${url}\n`);
  } catch (error) {
    run.fail(`presign ${formatS3Uri(location)}`, error);
  }
}

// ---------------------------------------------------------------------------------------------
// The command tree.

function addConnectionOptions(command: Command): Command {
  return command
    .option('--endpoint-url <url>', 'S3 endpoint (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile, else http://127.0.0.1:9000)')
    .option('--region <region>', 'region to sign for (default: AWS_REGION, AWS_DEFAULT_REGION, the profile, else us-east-1)')
    .option('--profile <name>', 'profile from ~/.aws/config and ~/.aws/credentials (default: AWS_PROFILE)')
    .option('--no-verify-ssl', 'accept any TLS certificate (a dev process’s self-signed one)');
}

function addTransferOptions(command: Command): Command {
  return command
    .option('--quiet', 'print nothing but errors')
    .option('--no-progress', 'no progress line (it is shown only on a terminal anyway)')
    .option('--content-type <type>', 'Content-Type of uploaded objects (default: guessed from the file extension)')
    .option('--metadata <pairs>', 'user metadata of uploaded objects: key=value,key2=value2 or a JSON object')
    .addOption(new Option('--multipart-threshold <size>', 'objects of this size or more go multipart (bytes, or 8MB, 64MiB …)').default(undefined, '8MB'))
    .addOption(new Option('--multipart-chunksize <size>', 'part size of multipart transfers (5MB to 5GB)').default(undefined, '8MB'));
}

const connectionHelp = `
Connection: flags, then the AWS_* environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, AWS_PROFILE, AWS_REGION, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL),
then ~/.aws/config and ~/.aws/credentials (the AWS SDK's credential chain); with none of those, the
local dev process (objectbox dev) at http://127.0.0.1:9000 with OBJECTBOX_ACCESS_KEY_ID /
OBJECTBOX_SECRET_ACCESS_KEY or the dev key pair. Exit status: 0 ok, 1 a request or file failed
(one line each on stderr), 2 a usage error.`;

/** Maps commander's usage errors to exit status 2 (help and --version stay 0). */
function usageExit(error: CommanderError): never {
  if (error.exitCode === 0) throw error;
  throw new CommanderError(2, error.code, error.message);
}

/** Registers `objectbox s3 …` on `program`; each action reports its exit status through `setExitStatus`. */
export function registerS3Commands(program: Command, io: S3CliIo, setExitStatus: (status: number) => void): Command {
  const s3 = program
    .command('s3')
    .description('S3 commands (cp, mv, ls, mb, rb, rm, sync, presign) against ObjectBox or any S3 endpoint, like aws s3')
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(`objectbox s3: ${text.replace(/^error: /, '').trim()} (see objectbox s3 --help)\n`),
    })
    .showHelpAfterError(false)
    .exitOverride(usageExit)
    .addHelpText('after', connectionHelp);

  const define = (name: string, description: string): Command =>
    addConnectionOptions(
      s3
        .command(name)
        .description(description)
        .configureOutput({
          writeOut: io.stdout,
          writeErr: io.stderr,
          outputError: (text, write) => write(`objectbox s3 ${name}: ${text.replace(/^error: /, '').trim()} (see objectbox s3 ${name} --help)\n`),
        })
        .showHelpAfterError(false)
        .exitOverride(usageExit),
    );

  /** Runs one command: usage errors exit 2, failures 1, never a stack trace. */
  const act =
    <A extends unknown[]>(name: string, body: (run: Run, ...args: A) => Promise<void>) =>
    async (...args: unknown[]): Promise<void> => {
      const command = args[args.length - 1] as Command;
      const options = command.opts<ConnectionOptions>();
      const run = new Run(name, io, options);
      try {
        await body(run, ...([...args.slice(0, -2), command.opts()] as A));
        setExitStatus(run.failed ? 1 : 0);
      } catch (error) {
        if (error instanceof UsageError) {
          io.stderr(`objectbox s3 ${name}: ${error.message}\n`);
          setExitStatus(2);
        } else {
          run.fail('', error);
          setExitStatus(1);
        }
      } finally {
        run.close();
      }
    };

  addTransferOptions(
    define('cp', 'copy a file or object: local → S3, S3 → local, S3 → S3, or - for stdin/stdout')
      .argument('<source>', 'local path, s3://bucket/key, or - (stdin)')
      .argument('<destination>', 'local path, s3://bucket/key, or - (stdout)')
      .option('--recursive', 'copy a whole directory or prefix'),
  )
    .addHelpText(
      'after',
      `
Examples:
  objectbox s3 cp photo.jpg s3://my-bucket/photos/
  objectbox s3 cp s3://my-bucket/photos/photo.jpg .
  objectbox s3 cp ./site s3://my-bucket/site --recursive
  tar c dir | objectbox s3 cp - s3://my-bucket/dir.tar
  objectbox s3 cp s3://my-bucket/dir.tar - | tar x
${connectionHelp}`,
    )
    .action(act('cp', (run, source: string, destination: string, options: TransferOptions) => transfer(run, 'cp', source, destination, options)));

  addTransferOptions(
    define('mv', 'move a file or object (copy, then delete the source)')
      .argument('<source>', 'local path or s3://bucket/key')
      .argument('<destination>', 'local path or s3://bucket/key')
      .option('--recursive', 'move a whole directory or prefix'),
  )
    .addHelpText('after', connectionHelp)
    .action(act('mv', (run, source: string, destination: string, options: TransferOptions) => transfer(run, 'mv', source, destination, options)));

  define('ls', 'list buckets, or the objects and prefixes (PRE) under s3://bucket/prefix')
    .argument('[path]', 's3://bucket[/prefix] (omit to list buckets)')
    .option('--recursive', 'list every object under the prefix (whole keys, no PRE lines)')
    .option('--human-readable', 'sizes in Bytes/KiB/MiB/GiB')
    .option('--summarize', 'print the number of objects and their total size')
    .addHelpText('after', `\nExits 1 without output when nothing is under a prefix (as aws s3 ls).\n${connectionHelp}`)
    .action(act('ls', (run, path: string | undefined, options: { recursive?: boolean; humanReadable?: boolean; summarize?: boolean }) => ls(run, path, options)));

  define('mb', 'make a bucket')
    .argument('<bucket>', 's3://bucket')
    .addHelpText('after', connectionHelp)
    .action(act('mb', (run, path: string) => mb(run, path)));

  define('rb', 'remove an empty bucket (--force: delete its objects first)')
    .argument('<bucket>', 's3://bucket')
    .option('--force', 'delete every object in the bucket, then the bucket')
    .addHelpText('after', connectionHelp)
    .action(act('rb', (run, path: string, options: { force?: boolean }) => rb(run, path, options)));

  define('rm', 'delete an object (--recursive: every object under a prefix)')
    .argument('<path>', 's3://bucket/key or, with --recursive, s3://bucket[/prefix]')
    .option('--recursive', 'delete every object under the prefix')
    .option('--quiet', 'print nothing but errors')
    .addHelpText('after', connectionHelp)
    .action(act('rm', (run, path: string, options: { recursive?: boolean; quiet?: boolean }) => rm(run, path, options)));

  addTransferOptions(
    define('sync', 'make a destination directory or prefix match a source: copy what is new, bigger/smaller or newer')
      .argument('<source>', 'local directory or s3://bucket[/prefix]')
      .argument('<destination>', 'local directory or s3://bucket[/prefix]')
      .option('--delete', 'delete destination files the source does not have')
      .option('--size-only', 'compare sizes only, not modification times')
      .option('--exact-timestamps', 'when downloading, any difference in modification time counts'),
  )
    .addHelpText(
      'after',
      `
A file is copied when the destination lacks it, its size differs, or (uploads and S3 copies) it is
newer than the destination's copy; downloads copy when the local file is newer than the object
(downloaded files take the object's LastModified as their mtime), as aws s3 sync does.
${connectionHelp}`,
    )
    .action(act('sync', (run, source: string, destination: string, options: SyncOptions) => sync(run, source, destination, options)));

  define('presign', 'print a presigned GET URL for an object (SigV4, at most 7 days)')
    .argument('<path>', 's3://bucket/key')
    .option('--expires-in <seconds>', 'seconds the URL stays valid, 1 to 604800 (7 days)', '3600')
    .addHelpText('after', connectionHelp)
    .action(act('presign', (run, path: string, options: { expiresIn?: string }) => presign(run, path, options)));

  return s3;
}

