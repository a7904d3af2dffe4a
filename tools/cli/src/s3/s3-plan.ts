/**
 * Command-line arguments turned into plans, before any request: which paths are S3 URIs, local
 * paths or `-` (stdin/stdout), what kind of transfer that is, the key or file each source goes to,
 * and the flag values (`--metadata`, `--expires-in`). Path rules follow `aws s3`:
 *
 * - a destination key that is empty or ends in `/` takes the source's file name;
 * - a local destination that is a directory (or ends in `/`) takes the object's key basename;
 * - with --recursive (and for sync) the source prefix is a directory: `s3://b/p` means keys under
 *   `p/`, and each key keeps its path relative to it under the destination.
 *
 * Pure: whether a local destination is a directory is an argument.
 */
import { posix, sep } from 'node:path';
import { asDirectoryPrefix, isS3Uri, keyBasename, parseS3Uri, type S3Location, UsageError } from './s3-uri.js';

export type PathArgument = { readonly kind: 's3'; readonly location: S3Location; readonly text: string } | { readonly kind: 'local'; readonly path: string } | { readonly kind: 'stream' };

export function classifyPath(text: string): PathArgument {
  if (text === '-') return { kind: 'stream' };
  if (isS3Uri(text)) return { kind: 's3', location: parseS3Uri(text), text };
  if (text === '') throw new UsageError('an empty path');
  return { kind: 'local', path: text };
}

export type TransferKind = 'upload' | 'download' | 'copy' | 'upload-stream' | 'download-stream';

export interface TransferPlan {
  readonly kind: TransferKind;
  readonly source: PathArgument;
  readonly destination: PathArgument;
  readonly recursive: boolean;
}

/** `cp` and `mv`: which transfer `<source> <destination>` is, or a usage error saying why none. */
export function planTransfer(command: 'cp' | 'mv', sourceText: string, destinationText: string, options: { recursive: boolean }): TransferPlan {
  const source = classifyPath(sourceText);
  const destination = classifyPath(destinationText);
  const plan = (kind: TransferKind): TransferPlan => ({ kind, source, destination, recursive: options.recursive });
  if (source.kind === 'stream' || destination.kind === 'stream') {
    if (command === 'mv') throw new UsageError('mv cannot read from stdin or write to stdout (-); use cp');
    if (options.recursive) throw new UsageError('--recursive cannot be used with - (stdin or stdout)');
    if (source.kind === 'stream' && destination.kind === 's3') {
      if (destination.location.key === '' || destination.location.key.endsWith('/')) throw new UsageError(`${destination.text}: uploading from stdin needs a full object key`);
      return plan('upload-stream');
    }
    if (destination.kind === 'stream' && source.kind === 's3') {
      if (source.location.key === '') throw new UsageError(`${source.text}: names no object to write to stdout`);
      return plan('download-stream');
    }
    throw new UsageError('- (stdin or stdout) needs an S3 URI on the other side');
  }
  if (source.kind === 'local' && destination.kind === 'local') throw new UsageError('at least one of the paths must be an S3 URI (s3://bucket/key)');
  if (source.kind === 's3' && !options.recursive && (source.location.key === '' || source.location.key.endsWith('/'))) {
    throw new UsageError(`${source.text}: names a bucket or prefix, not an object (use --recursive to copy everything under it)`);
  }
  if (source.kind === 'local') return plan('upload');
  return plan(destination.kind === 'local' ? 'download' : 'copy');
}

/** `sync <source> <destination>`: both are directories or prefixes, at least one in S3. */
export function planSyncPaths(sourceText: string, destinationText: string): TransferPlan & { readonly direction: 'upload' | 'download' | 'copy' } {
  const source = classifyPath(sourceText);
  const destination = classifyPath(destinationText);
  if (source.kind === 'stream' || destination.kind === 'stream') throw new UsageError('sync cannot use - (stdin or stdout)');
  if (source.kind === 'local' && destination.kind === 'local') throw new UsageError('at least one of the paths must be an S3 URI (s3://bucket/prefix)');
  const direction = source.kind === 'local' ? 'upload' : destination.kind === 'local' ? 'download' : 'copy';
  return { kind: direction, direction, source, destination, recursive: true };
}

/** The key a local file goes to: a key that is empty or ends in `/` takes the file's name. */
export function uploadKey(localPath: string, destinationKey: string): string {
  if (destinationKey !== '' && !destinationKey.endsWith('/')) return destinationKey;
  return destinationKey + localBasename(localPath);
}

/** The key an object is copied to (S3 → S3), with the same rule. */
export function copyKey(sourceKey: string, destinationKey: string): string {
  return destinationKey !== '' && !destinationKey.endsWith('/') ? destinationKey : destinationKey + keyBasename(sourceKey);
}

/** The local file an object is written to: into a directory under the key's basename, else the path itself. */
export function downloadPath(key: string, destination: string, destinationIsDirectory: boolean): string {
  if (destinationIsDirectory || destination.endsWith('/') || destination.endsWith(sep)) return joinLocal(destination, keyBasename(key));
  return destination;
}

function localBasename(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf(sep)) + 1);
}

/** Joins a local directory and a `/`-separated relative path with the platform separator. */
export function joinLocal(directory: string, relative: string): string {
  const parts = relative.split('/');
  const base = directory.endsWith('/') || directory.endsWith(sep) ? directory : directory + sep;
  return base + parts.join(sep);
}

/**
 * A key relative to a listed prefix, when it is safe to write under a local directory: no empty,
 * `.` or `..` segment, not absolute, no NUL, not a directory marker (ending in `/`). Undefined
 * means skip (an object named `../../etc/passwd` must never escape the destination).
 */
export function safeRelativePath(key: string, prefix: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const relative = key.slice(prefix.length);
  if (relative === '' || relative.endsWith('/') || relative.includes('\0')) return undefined;
  const segments = relative.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..' || (sep === '\\' && /[\\:]/.test(segment)))) return undefined;
  return posix.normalize(relative) === relative ? relative : undefined;
}

/** The prefix listed for a recursive source or sync: `p` means `p/` (a directory), `` the whole bucket. */
export function recursivePrefix(location: S3Location): string {
  return asDirectoryPrefix(location.key);
}

/** `--metadata`: `key=value,key2=value2` (aws's shorthand) or a JSON object of strings. */
export function parseMetadata(text: string): Record<string, string> {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new UsageError('--metadata: invalid JSON (expected {"key":"value"} or key=value,key2=value2)');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((value) => typeof value !== 'string')) {
      throw new UsageError('--metadata: the JSON must be an object of string values');
    }
    return { ...(parsed as Record<string, string>) };
  }
  const metadata: Record<string, string> = {};
  for (const pair of trimmed.split(',')) {
    const equals = pair.indexOf('=');
    const key = pair.slice(0, equals).trim();
    if (equals <= 0 || key === '') throw new UsageError(`--metadata: ${JSON.stringify(pair)} is not key=value (expected key=value,key2=value2)`);
    metadata[key] = pair.slice(equals + 1);
  }
  return metadata;
}

/** The longest a SigV4 presigned URL may live: 7 days. */
export const maxPresignSeconds = 604_800;

/** `--expires-in`: whole seconds, 1 to 604800 (7 days). */
export function parseExpiresIn(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`--expires-in: ${JSON.stringify(text)} is not a whole number of seconds`);
  const seconds = Number(text.trim());
  if (seconds < 1 || seconds > maxPresignSeconds) throw new UsageError(`--expires-in: ${seconds} is out of range (1 to ${maxPresignSeconds} seconds, 7 days)`);
  return seconds;
}

/** A bucket-only argument (`mb`, `rb`): `s3://bucket` or `s3://bucket/`, nothing after. */
export function parseBucketArgument(command: string, text: string): string {
  const location = parseS3Uri(text);
  if (location.key !== '') throw new UsageError(`${text}: ${command} takes a bucket (s3://bucket), not a key`);
  return location.bucket;
}

/** The chunk size S3 accepts for multipart parts: 5 MiB to 5 GiB. */
export function checkChunkSize(bytes: number): number {
  if (bytes < 5 * 1024 * 1024 || bytes > 5 * 1024 ** 3) throw new UsageError(`--multipart-chunksize: ${bytes} bytes is outside 5 MiB to 5 GiB (S3's part size limits)`);
  return bytes;
}

/** The part size for a known size: the chunk size, grown so that no more than 10,000 parts are needed. */
export function partSizeFor(totalBytes: number, chunkSize: number): number {
  const maxParts = 10_000;
  return Math.max(chunkSize, Math.ceil(totalBytes / maxParts));
}
