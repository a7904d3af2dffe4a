/**
 * `objectbox s3 ls` output, column for column as `aws s3 ls` prints it:
 *
 *     2024-05-01 10:20:30 my-bucket                       (buckets: creation time, name)
 *                                PRE photos/              (common prefixes: "PRE" right-aligned to 30)
 *     2024-05-01 10:20:30       1234 notes.txt            (objects: time, size right-aligned to 10, name)
 *
 *     Total Objects: 2                                    (--summarize)
 *        Total Size: 1.3 KiB
 *
 * Times are local time. Without --recursive names are the last path segment; with it, whole keys.
 */
import { humanReadableSize } from './s3-size.js';

export interface LsOptions {
  readonly humanReadable: boolean;
  /** Print whole keys (--recursive) rather than the part after the last `/`. */
  readonly fullKeys: boolean;
}

const pad2 = (value: number): string => String(value).padStart(2, '0');

/** `YYYY-MM-DD HH:MM:SS` in local time (the TZ environment variable applies). */
export function formatTimestamp(date: Date): string {
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

export function formatSize(bytes: number, humanReadable: boolean): string {
  return humanReadable ? humanReadableSize(bytes) : String(bytes);
}

export function formatBucketLine(name: string, created: Date | undefined): string {
  return `${created === undefined ? ''.padEnd(19) : formatTimestamp(created)} ${name}\n`;
}

/** A common prefix: `aws s3 ls` prints its last segment with the trailing `/`. */
export function formatPrefixLine(prefix: string): string {
  const segments = prefix.split('/');
  const name = segments.length >= 2 ? (segments[segments.length - 2] ?? '') : prefix;
  return `${'PRE'.padStart(30)} ${name}/\n`;
}

export function formatObjectLine(key: string, size: number, lastModified: Date | undefined, options: LsOptions): string {
  const name = options.fullKeys ? key : key.slice(key.lastIndexOf('/') + 1);
  const time = lastModified === undefined ? ''.padEnd(19) : formatTimestamp(lastModified);
  return `${time} ${formatSize(size, options.humanReadable).padStart(10)} ${name}\n`;
}

export function formatSummary(totalObjects: number, totalBytes: number, humanReadable: boolean): string {
  return `\nTotal Objects: ${totalObjects}\n${'Total Size: '.padStart(15)}${formatSize(totalBytes, humanReadable)}\n`;
}
