/**
 * S3 listings over an {@link OrderedIndex}: ListObjects v1/v2, ListObjectVersions and
 * ListMultipartUploads share one walk that seeks to the start, emits keys in UTF-8 order, rolls keys
 * up into CommonPrefixes, and jumps past each common prefix with one O(log n) seek instead of
 * visiting its keys. A page of k entries costs O((k + 1) log n) plus the hidden entries it passes
 * over (keys whose latest version is a delete marker, for ListObjects).
 *
 * Pagination model (the property tests check it against a brute-force listing): after a marker m,
 * a page holds the entries whose position is after m, where a key is an entry of its own when it
 * has no delimiter after the prefix, and otherwise rolls up into its common prefix cp; cp is listed
 * when some visible key > m rolls up into it and cp !== m. The next marker is the last entry of the
 * page (a key or a common prefix), so following markers never repeats or skips an entry.
 */
import { assert } from '@objectbox/util';
import { compareUtf8, isWellFormedUtf16, type IndexCursor, type OrderedIndex } from './object-metadata-index.js';
import { listPageEntryCountMax, type MultipartUpload, type ObjectMetadataReply, type ObjectVersion, type UploadedPart, replyError, replyOk } from './object-metadata-model.js';

/** An entry of a listing page: one item of a key, or a rolled-up common prefix. */
export type ListingEntry<Item> = { readonly kind: 'item'; readonly key: string; readonly item: Item } | { readonly kind: 'prefix'; readonly prefix: string };

export interface WalkOptions<V, Item> {
  readonly prefix: string;
  readonly delimiter: string | undefined;
  /** Start after this key (or at it when `startInclusive`); undefined: from the prefix. */
  readonly start: string | undefined;
  readonly startInclusive: boolean;
  /** Entries wanted; the walk looks one further to answer IsTruncated. */
  readonly entryCountMax: number;
  /** The visible items of one key, in listing order (empty hides the key). */
  readonly expand: (key: string, value: V) => readonly Item[];
}

export interface WalkResult<Item> {
  readonly entries: readonly ListingEntry<Item>[];
  readonly isTruncated: boolean;
}

/** See the module comment. */
export function walkIndex<V, Item>(index: OrderedIndex<V>, options: WalkOptions<V, Item>): WalkResult<Item> {
  const { prefix, delimiter } = options;
  const wanted = options.entryCountMax + 1;
  const entries: ListingEntry<Item>[] = [];
  let cursor = walkIndexStart(index, options);
  while (entries.length < wanted && !index.isEnd(cursor)) {
    const key = index.keyAt(cursor);
    if (!key.startsWith(prefix)) {
      if (compareUtf8(key, prefix) > 0) break;
      cursor = index.next(cursor);
      continue;
    }
    const commonPrefix = commonPrefixOf(key, prefix, delimiter);
    const items = options.expand(key, index.valueAt(cursor));
    if (commonPrefix === undefined) {
      for (const item of items) if (entries.length < wanted) entries.push({ kind: 'item', key, item });
      cursor = index.next(cursor);
    } else if (items.length === 0) {
      cursor = index.next(cursor);
    } else {
      if (commonPrefix !== options.start) entries.push({ kind: 'prefix', prefix: commonPrefix });
      cursor = seekPast(index, commonPrefix);
    }
  }
  const isTruncated = entries.length > options.entryCountMax;
  return { entries: isTruncated ? entries.slice(0, options.entryCountMax) : entries, isTruncated };
}

function walkIndexStart<V, Item>(index: OrderedIndex<V>, options: WalkOptions<V, Item>): IndexCursor {
  const { prefix, delimiter, start } = options;
  if (start === undefined || compareUtf8(start, prefix) < 0) return index.seek(prefix, { exclusive: false });
  // A marker that is itself a common prefix was listed already: skip every key under it.
  if (commonPrefixOf(start, prefix, delimiter) === start) return seekPast(index, start);
  return index.seek(start, { exclusive: !options.startInclusive });
}

/** The common prefix `key` rolls up into, or undefined when it is listed as itself. */
export function commonPrefixOf(key: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (delimiter === undefined || delimiter === '' || !key.startsWith(prefix)) return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}

/** The first key after every key that starts with `commonPrefix`. */
function seekPast<V>(index: OrderedIndex<V>, commonPrefix: string): IndexCursor {
  return index.seekBy((key) => !key.startsWith(commonPrefix) && compareUtf8(key, commonPrefix) > 0);
}

/** The versions of one key, newest first: a lone version or an array (saves an array per key). */
export type VersionStack = ObjectVersion | readonly ObjectVersion[];

export function versionsOf(stack: VersionStack | undefined): readonly ObjectVersion[] {
  if (stack === undefined) return [];
  return isVersionArray(stack) ? stack : [stack];
}

function isVersionArray(stack: VersionStack): stack is readonly ObjectVersion[] {
  return Array.isArray(stack);
}

export function latestVersionOf(stack: VersionStack | undefined): ObjectVersion | undefined {
  if (stack === undefined) return undefined;
  return isVersionArray(stack) ? stack[0] : stack;
}

export interface ListObjectsOptions {
  readonly prefix?: string;
  readonly delimiter?: string;
  /** v1 `marker`, v2 `start-after` or the decoded continuation token: list keys after it. */
  readonly after?: string;
  /** 0..1000; larger values are clamped to 1000 as S3 does. */
  readonly maxKeys: number;
}

export interface ListedObject {
  readonly key: string;
  readonly version: ObjectVersion;
}

export interface ListObjectsPage {
  readonly contents: readonly ListedObject[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  /** The last key or common prefix of the page: v1 NextMarker, and what a v2 token encodes. */
  readonly lastEntry: string | undefined;
}

/** ListObjects v1 / v2 over a bucket's key index: current versions that are not delete markers. */
export function listObjects(index: OrderedIndex<VersionStack>, options: ListObjectsOptions): ListObjectsPage {
  const maxKeys = clampPageSize(options.maxKeys);
  const result = walkIndex<VersionStack, ObjectVersion>(index, {
    prefix: options.prefix ?? '',
    delimiter: emptyToUndefined(options.delimiter),
    start: options.after,
    startInclusive: false,
    entryCountMax: maxKeys,
    expand: (_key, stack) => {
      const latest = latestVersionOf(stack);
      return latest === undefined || latest.isDeleteMarker ? [] : [latest];
    },
  });
  const contents: ListedObject[] = [];
  const commonPrefixes: string[] = [];
  for (const entry of result.entries) {
    if (entry.kind === 'item') contents.push({ key: entry.key, version: entry.item });
    else commonPrefixes.push(entry.prefix);
  }
  const last = result.entries[result.entries.length - 1];
  // max-keys=0 is an empty page that S3 reports as complete (ceph/s3-tests test_bucket_list[v2]_maxkeys_zero).
  const isTruncated = result.isTruncated && maxKeys > 0;
  return { contents, commonPrefixes, isTruncated, lastEntry: last === undefined ? undefined : last.kind === 'item' ? last.key : last.prefix };
}

const continuationTokenTag = 'k1:';

/** The v2 continuation token: an opaque (base64url) encoding of the page's last entry. */
export function encodeContinuationToken(lastEntry: string): string {
  return Buffer.from(continuationTokenTag + lastEntry, 'utf8').toString('base64url');
}

/** The last entry a token encodes, or InvalidArgument (S3: "The continuation token provided is incorrect"). */
export function decodeContinuationToken(tokenUntrusted: string): ObjectMetadataReply<string> {
  const invalid = replyError<string>({ code: 'InvalidArgument', message: 'The continuation token provided is incorrect' });
  if (tokenUntrusted.length > 4 * 1024 || !/^[A-Za-z0-9_-]*$/.test(tokenUntrusted)) return invalid;
  const bytes = Buffer.from(tokenUntrusted, 'base64url');
  if (bytes.toString('base64url') !== tokenUntrusted) return invalid;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return invalid;
  }
  if (!text.startsWith(continuationTokenTag) || !isWellFormedUtf16(text)) return invalid;
  return replyOk(text.slice(continuationTokenTag.length));
}

export interface ListObjectVersionsOptions {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly keyMarker?: string;
  /** Only with keyMarker: continue after this version of keyMarker. */
  readonly versionIdMarker?: string;
  readonly maxKeys: number;
}

export interface ListedVersion {
  readonly key: string;
  readonly version: ObjectVersion;
  readonly isLatest: boolean;
}

export interface ListObjectVersionsPage {
  /** Versions and delete markers together, key ascending, newest first within a key. */
  readonly versions: readonly ListedVersion[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker: string | undefined;
  readonly nextVersionIdMarker: string | undefined;
}

/** ListObjectVersions; works the same on unversioned buckets (every version id is 'null'). */
export function listObjectVersions(index: OrderedIndex<VersionStack>, options: ListObjectVersionsOptions): ObjectMetadataReply<ListObjectVersionsPage> {
  const { keyMarker, versionIdMarker } = options;
  if (versionIdMarker !== undefined && keyMarker === undefined) {
    return replyError({ code: 'InvalidArgument', message: 'A version-id marker cannot be specified without a key marker.' });
  }
  const maxKeys = clampPageSize(options.maxKeys);
  // With a version marker the walk starts at keyMarker itself, listing only its older versions;
  // an unknown version marker continues with the next key.
  const result = walkIndex<VersionStack, ListedVersion>(index, {
    prefix: options.prefix ?? '',
    delimiter: emptyToUndefined(options.delimiter),
    start: keyMarker,
    startInclusive: versionIdMarker !== undefined,
    entryCountMax: maxKeys,
    expand: (key, stack) => {
      const versions = versionsOf(stack).map((version, position) => ({ key, version, isLatest: position === 0 }));
      if (key !== keyMarker || versionIdMarker === undefined) return versions;
      const at = versions.findIndex((listed) => listed.version.versionId === versionIdMarker);
      return at < 0 ? [] : versions.slice(at + 1);
    },
  });
  const versions: ListedVersion[] = [];
  const commonPrefixes: string[] = [];
  for (const entry of result.entries) {
    if (entry.kind === 'item') versions.push(entry.item);
    else commonPrefixes.push(entry.prefix);
  }
  const last = result.entries[result.entries.length - 1];
  return replyOk({
    versions,
    commonPrefixes,
    isTruncated: result.isTruncated,
    nextKeyMarker: !result.isTruncated || last === undefined ? undefined : last.kind === 'item' ? last.key : last.prefix,
    nextVersionIdMarker: !result.isTruncated || last === undefined || last.kind !== 'item' ? undefined : last.item.version.versionId,
  });
}

export interface ListMultipartUploadsOptions {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly keyMarker?: string;
  /** Only with keyMarker: continue after this upload of keyMarker. */
  readonly uploadIdMarker?: string;
  readonly maxUploads: number;
}

export interface ListMultipartUploadsPage {
  /** Key ascending; uploads of one key by initiation time. */
  readonly uploads: readonly MultipartUpload[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker: string | undefined;
  readonly nextUploadIdMarker: string | undefined;
}

/** ListMultipartUploads over a bucket's upload index (key → uploads sorted by initiation). */
export function listMultipartUploads(index: OrderedIndex<readonly MultipartUpload[]>, options: ListMultipartUploadsOptions): ListMultipartUploadsPage {
  const { keyMarker, uploadIdMarker } = options;
  const hasUploadMarker = uploadIdMarker !== undefined && keyMarker !== undefined;
  const result = walkIndex<readonly MultipartUpload[], MultipartUpload>(index, {
    prefix: options.prefix ?? '',
    delimiter: emptyToUndefined(options.delimiter),
    start: keyMarker,
    startInclusive: hasUploadMarker,
    entryCountMax: clampPageSize(options.maxUploads),
    expand: (key, uploads) => {
      if (key !== keyMarker || !hasUploadMarker) return uploads;
      const at = uploads.findIndex((upload) => upload.uploadId === uploadIdMarker);
      return at < 0 ? [] : uploads.slice(at + 1);
    },
  });
  const uploads: MultipartUpload[] = [];
  const commonPrefixes: string[] = [];
  for (const entry of result.entries) {
    if (entry.kind === 'item') uploads.push(entry.item);
    else commonPrefixes.push(entry.prefix);
  }
  const last = result.entries[result.entries.length - 1];
  return {
    uploads,
    commonPrefixes,
    isTruncated: result.isTruncated,
    nextKeyMarker: last === undefined ? undefined : last.kind === 'item' ? last.key : last.prefix,
    nextUploadIdMarker: last === undefined || last.kind !== 'item' ? undefined : last.item.uploadId,
  };
}

export interface ListPartsOptions {
  readonly partNumberMarker?: number;
  readonly maxParts: number;
}

export interface PartsPage<Part> {
  readonly parts: readonly Part[];
  readonly isTruncated: boolean;
  readonly nextPartNumberMarker: number | undefined;
}

export type ListPartsPage = PartsPage<UploadedPart>;

/** ListParts: parts with numbers above the marker, ascending. */
export function listParts(parts: ReadonlyMap<number, UploadedPart>, options: ListPartsOptions): ListPartsPage {
  return pageParts(parts.values(), options);
}

/**
 * One page of parts (ListParts, GetObjectAttributes' ObjectParts): numbers above the marker,
 * ascending, at most `maxParts` of them and never more than a listing page (1,000), whatever a
 * client asks for.
 */
export function pageParts<Part extends { readonly partNumber: number }>(parts: Iterable<Part>, options: ListPartsOptions): PartsPage<Part> {
  const maxParts = clampPageSize(options.maxParts);
  const marker = options.partNumberMarker ?? 0;
  const after = [...parts].filter((part) => part.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
  const page = after.slice(0, maxParts);
  const isTruncated = after.length > maxParts;
  return { parts: page, isTruncated, nextPartNumberMarker: page.length === 0 ? undefined : page[page.length - 1]!.partNumber };
}

function clampPageSize(count: number): number {
  assert(Number.isSafeInteger(count) && count >= 0, `page size must be a non-negative integer, got ${count}`);
  return Math.min(count, listPageEntryCountMax);
}

function emptyToUndefined(text: string | undefined): string | undefined {
  return text === '' ? undefined : text;
}
