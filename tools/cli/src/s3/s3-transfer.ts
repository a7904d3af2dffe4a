/**
 * The byte-moving half of `objectbox s3`: uploads (single PUT below the multipart threshold,
 * otherwise CreateMultipartUpload + parallel UploadPart + Complete, aborted on failure), downloads
 * (single GET, or parallel ranged GETs pinned to the ETag above the threshold, written to a temp
 * file renamed into place, mtime set to LastModified as aws does), S3 → S3 copies (CopyObject, or
 * parallel UploadPartCopy above the threshold) and stdin/stdout streams (lib-storage's Upload,
 * which buffers one part at a time for bodies of unknown length). Every request runs through one
 * {@link Limiter}, so `max concurrent requests` bounds parts and files together, and memory stays
 * at about concurrency × part size.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { partSizeFor } from './s3-plan.js';
import type { Progress } from './s3-progress.js';
import type { SyncEntry } from './s3-sync-plan.js';

export interface TransferSettings {
  /** Objects of at least this many bytes go multipart (8 MiB by default, as aws). */
  readonly multipartThreshold: number;
  /** Part size (8 MiB by default), grown when 10,000 parts would not be enough. */
  readonly multipartChunksize: number;
  readonly contentType?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
}

/** Runs at most `limit` tasks at once (FIFO). */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** Runs `task` for every item with at most `limit` in flight; settles every one, then returns the failures. */
export async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Bodies up to this size are read into memory (so the SDK can retry them); larger ones stream. */
const bufferedBodyLimit = 64 * 1024 * 1024;

const contentTypes: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  csv: 'text/csv',
  js: 'text/javascript',
  mjs: 'text/javascript',
  json: 'application/json',
  xml: 'application/xml',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  wasm: 'application/wasm',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  webp: 'image/webp',
  ico: 'image/vnd.microsoft.icon',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  webm: 'video/webm',
};

/** The Content-Type for an upload: --content-type, else guessed from the file extension as aws does. */
export function contentTypeFor(path: string, explicit: string | undefined): string | undefined {
  if (explicit !== undefined) return explicit;
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : contentTypes[path.slice(dot + 1).toLowerCase()];
}

async function readRange(path: string, start: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    let offset = 0;
    while (offset < length) {
      const { bytesRead } = await handle.read(buffer, offset, length - offset, start + offset);
      if (bytesRead === 0) throw new Error(`${path}: the file shrank while it was being read`);
      offset += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}

/** A body for bytes [start, start+length) of a file: a Buffer when small, else a counted stream. */
async function fileBody(path: string, start: number, length: number, progress: Progress): Promise<{ body: Buffer | Readable; sent: () => void }> {
  if (length <= bufferedBodyLimit) {
    const body = await readRange(path, start, length);
    return { body, sent: () => progress.addBytes(length) };
  }
  const stream = createReadStream(path, { start, end: start + length - 1 });
  stream.on('data', (chunk: Buffer | string) => progress.addBytes(chunk.length));
  stream.pause();
  return { body: stream, sent: () => undefined };
}

function objectHeaders(path: string, settings: TransferSettings): { ContentType?: string; Metadata?: Record<string, string> } {
  const contentType = contentTypeFor(path, settings.contentType);
  return { ...(contentType === undefined ? {} : { ContentType: contentType }), ...(settings.metadata === undefined ? {} : { Metadata: { ...settings.metadata } }) };
}

interface MultipartPart {
  readonly PartNumber: number;
  readonly ETag: string | undefined;
  readonly [checksum: string]: unknown;
}

/** Runs a multipart upload whose parts `uploadPart` sends; aborts it if anything fails. */
async function multipart(
  client: S3Client,
  limiter: Limiter,
  target: { Bucket: string; Key: string; ContentType?: string; Metadata?: Record<string, string> },
  partCount: number,
  uploadPart: (uploadId: string, partNumber: number) => Promise<MultipartPart>,
): Promise<void> {
  const created = await limiter.run(() => client.send(new CreateMultipartUploadCommand(target)));
  const uploadId = created.UploadId;
  if (uploadId === undefined) throw new Error('CreateMultipartUpload returned no UploadId');
  try {
    const parts: MultipartPart[] = new Array<MultipartPart>(partCount);
    let failure: unknown;
    await forEachLimited(
      Array.from({ length: partCount }, (_, index) => index + 1),
      partCount,
      async (partNumber) => {
        if (failure !== undefined) return;
        try {
          parts[partNumber - 1] = await limiter.run(() => (failure === undefined ? uploadPart(uploadId, partNumber) : Promise.reject(failure)));
        } catch (error) {
          failure ??= error;
        }
      },
    );
    if (failure !== undefined) throw failure;
    await limiter.run(() => client.send(new CompleteMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId, MultipartUpload: { Parts: parts } })));
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: target.Bucket, Key: target.Key, UploadId: uploadId })).catch(() => undefined);
    throw error;
  }
}

/** Uploads a local file of `size` bytes to `bucket/key`. */
export async function uploadFile(client: S3Client, limiter: Limiter, settings: TransferSettings, progress: Progress, path: string, size: number, bucket: string, key: string): Promise<void> {
  const headers = objectHeaders(path, settings);
  if (size < settings.multipartThreshold) {
    await limiter.run(async () => {
      const { body, sent } = await fileBody(path, 0, size, progress);
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: size, ...headers }));
      sent();
    });
    return;
  }
  const partSize = partSizeFor(size, settings.multipartChunksize);
  const partCount = Math.max(1, Math.ceil(size / partSize));
  await multipart(client, limiter, { Bucket: bucket, Key: key, ...headers }, partCount, async (uploadId, partNumber) => {
    const start = (partNumber - 1) * partSize;
    const length = Math.min(partSize, size - start);
    const { body, sent } = await fileBody(path, start, length, progress);
    const reply = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: length }));
    sent();
    return {
      PartNumber: partNumber,
      ETag: reply.ETag,
      ...(reply.ChecksumCRC32 === undefined ? {} : { ChecksumCRC32: reply.ChecksumCRC32 }),
      ...(reply.ChecksumCRC32C === undefined ? {} : { ChecksumCRC32C: reply.ChecksumCRC32C }),
      ...(reply.ChecksumCRC64NVME === undefined ? {} : { ChecksumCRC64NVME: reply.ChecksumCRC64NVME }),
      ...(reply.ChecksumSHA1 === undefined ? {} : { ChecksumSHA1: reply.ChecksumSHA1 }),
      ...(reply.ChecksumSHA256 === undefined ? {} : { ChecksumSHA256: reply.ChecksumSHA256 }),
    };
  });
}

/** Uploads a stream of unknown length (stdin): one PUT when it fits one part, else multipart. */
export async function uploadStream(client: S3Client, settings: TransferSettings, progress: Progress, body: Readable, bucket: string, key: string): Promise<void> {
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: body, ...objectHeaders(key, settings) },
    partSize: settings.multipartChunksize,
    queueSize: 4,
    leavePartsOnError: false,
  });
  let reported = 0;
  upload.on('httpUploadProgress', (event) => {
    const loaded = event.loaded ?? reported;
    if (loaded > reported) progress.addBytes(loaded - reported);
    reported = Math.max(reported, loaded);
  });
  await upload.done();
}

async function tempPathFor(path: string): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  return join(dirname(path), `.${basename(path)}.objectbox-${randomBytes(4).toString('hex')}`);
}

/** What a download needs to know about the object (from a listing or HeadObject). */
export interface ObjectInfo {
  readonly size: number;
  readonly lastModified: Date | undefined;
  readonly etag: string | undefined;
}

export async function headObject(client: S3Client, limiter: Limiter, bucket: string, key: string): Promise<HeadObjectCommandOutput> {
  return limiter.run(() => client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
}

/** Downloads `bucket/key` to `path` via a temp file in the same directory, then sets its mtime. */
export async function downloadFile(client: S3Client, limiter: Limiter, settings: TransferSettings, progress: Progress, bucket: string, key: string, info: ObjectInfo, path: string): Promise<void> {
  const temp = await tempPathFor(path);
  let lastModified = info.lastModified;
  try {
    if (info.size < settings.multipartThreshold) {
      await limiter.run(async () => {
        const reply = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        lastModified = reply.LastModified ?? lastModified;
        const body = reply.Body as Readable;
        body.on('data', (chunk: Buffer) => progress.addBytes(chunk.length));
        await pipeline(body, createWriteStream(temp));
      });
    } else {
      const partSize = partSizeFor(info.size, settings.multipartChunksize);
      const ranges = Array.from({ length: Math.ceil(info.size / partSize) }, (_, index) => index * partSize);
      const handle = await open(temp, 'w');
      try {
        let failure: unknown;
        await forEachLimited(ranges, ranges.length, async (start) => {
          if (failure !== undefined) return;
          try {
            await limiter.run(async () => {
              const end = Math.min(start + partSize, info.size) - 1;
              const reply = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}`, ...(info.etag === undefined ? {} : { IfMatch: info.etag }) }));
              let position = start;
              for await (const chunk of reply.Body as AsyncIterable<Buffer>) {
                await handle.write(chunk, 0, chunk.length, position);
                position += chunk.length;
                progress.addBytes(chunk.length);
              }
              if (position !== end + 1) throw new Error(`the ranged GET of bytes ${start}-${end} returned ${position - start} bytes`);
            });
          } catch (error) {
            failure ??= error;
          }
        });
        if (failure !== undefined) throw failure;
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  if (lastModified !== undefined) await utimes(path, new Date(), lastModified);
}

/** Writes `bucket/key` to a stream (stdout). */
export async function downloadToStream(client: S3Client, bucket: string, key: string, output: Writable): Promise<void> {
  const reply = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  await pipeline(reply.Body as Readable, output, { end: false });
}

function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** Copies `source` to `target` inside S3: CopyObject, or parallel UploadPartCopy from the threshold on. */
export async function copyObject(
  client: S3Client,
  limiter: Limiter,
  settings: TransferSettings,
  progress: Progress,
  source: { bucket: string; key: string },
  target: { bucket: string; key: string },
  size: number,
): Promise<void> {
  const replace = settings.contentType !== undefined || settings.metadata !== undefined;
  const headers = replace ? objectHeaders(target.key, settings) : {};
  if (size < settings.multipartThreshold) {
    await limiter.run(() =>
      client.send(
        new CopyObjectCommand({
          Bucket: target.bucket,
          Key: target.key,
          CopySource: copySource(source.bucket, source.key),
          ...(replace ? { MetadataDirective: 'REPLACE', ...headers } : {}),
        }),
      ),
    );
    progress.addBytes(size);
    return;
  }
  // A multipart copy does not carry the source's headers over by itself: take them from HeadObject.
  const head = await headObject(client, limiter, source.bucket, source.key);
  const kept = replace
    ? headers
    : {
        ...(head.ContentType === undefined ? {} : { ContentType: head.ContentType }),
        ...(head.Metadata === undefined ? {} : { Metadata: head.Metadata }),
      };
  const partSize = partSizeFor(size, settings.multipartChunksize);
  const partCount = Math.ceil(size / partSize);
  await multipart(client, limiter, { Bucket: target.bucket, Key: target.key, ...kept }, partCount, async (uploadId, partNumber) => {
    const start = (partNumber - 1) * partSize;
    const end = Math.min(start + partSize, size) - 1;
    const reply = await client.send(
      new UploadPartCopyCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId: uploadId,
        PartNumber: partNumber,
        CopySource: copySource(source.bucket, source.key),
        CopySourceRange: `bytes=${start}-${end}`,
        ...(head.ETag === undefined ? {} : { CopySourceIfMatch: head.ETag }),
      }),
    );
    progress.addBytes(end - start + 1);
    return { PartNumber: partNumber, ETag: reply.CopyPartResult?.ETag };
  });
}

/** One object of a listing. */
export interface ListedObject extends ObjectInfo {
  readonly key: string;
}

/** Every object under `prefix` (ListObjectsV2, all pages), in key order. */
export async function* listObjects(client: S3Client, bucket: string, prefix: string): AsyncGenerator<ListedObject> {
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }));
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined) continue;
      yield { key: object.Key, size: object.Size ?? 0, lastModified: object.LastModified, etag: object.ETag };
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

/** A local file found by {@link walkLocal}. */
export interface LocalFile extends SyncEntry {
  readonly path: string;
}

/**
 * Every regular file under `root` (symlinks followed, as aws does), named by its `/`-separated
 * path relative to `root`, sorted; `onSkip` hears about what cannot be read.
 */
export async function walkLocal(root: string, onSkip: (path: string, reason: string) => void): Promise<LocalFile[]> {
  const found: LocalFile[] = [];
  const visit = async (directory: string, relative: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(directory)).sort();
    } catch (error) {
      onSkip(directory, (error as Error).message);
      return;
    }
    for (const name of names) {
      const path = join(directory, name);
      const childRelative = relative === '' ? name : `${relative}/${name}`;
      let info;
      try {
        info = await stat(path);
      } catch (error) {
        onSkip(path, (error as Error).message);
        continue;
      }
      if (info.isDirectory()) await visit(path, childRelative);
      else if (info.isFile()) found.push({ relative: childRelative, path, size: info.size, mtimeMs: info.mtimeMs });
      else onSkip(path, 'not a regular file');
    }
  };
  await visit(root, '');
  return found.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}
