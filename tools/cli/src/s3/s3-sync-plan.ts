/**
 * The `sync` decision, as `aws s3 sync` makes it (size and last-modified time): a source file is
 * transferred when the destination lacks it, when the sizes differ, or when the times say so:
 *
 * - upload and copy (the destination is S3): when the source is newer than the destination;
 * - download (the destination is local): when the local file is newer than the object — `aws s3
 *   sync` sets a downloaded file's mtime to the object's LastModified, so only a local change
 *   shows; an object rewritten at the same size is not fetched again (as in aws without
 *   --exact-timestamps, which makes any difference in time count).
 *
 * Times are compared in whole seconds: S3 reports LastModified in seconds, so a file written
 * in the same second as its upload would otherwise look newer than its copy forever.
 * With --delete, destination entries the source lacks are deleted.
 */
export type SyncDirection = 'upload' | 'download' | 'copy';

/** One file or object, named relative to the synced directory or prefix (`/`-separated). */
export interface SyncEntry {
  readonly relative: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface SyncOptions {
  readonly direction: SyncDirection;
  readonly delete: boolean;
  readonly exactTimestamps?: boolean;
  readonly sizeOnly?: boolean;
}

export type SyncReason = 'new' | 'size' | 'time';

export interface SyncPlan {
  /** Source entries to transfer, in source order, with why. */
  readonly transfers: readonly { readonly entry: SyncEntry; readonly reason: SyncReason }[];
  /** Destination entries to delete (only with `delete`), in destination order. */
  readonly deletes: readonly SyncEntry[];
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** Whether `source` needs transferring over `destination` (both present). */
export function syncReason(source: SyncEntry, destination: SyncEntry, options: SyncOptions): SyncReason | undefined {
  if (source.size !== destination.size) return 'size';
  if (options.sizeOnly === true) return undefined;
  const delta = seconds(destination.mtimeMs) - seconds(source.mtimeMs);
  if (options.direction === 'download') {
    if (options.exactTimestamps === true) return delta === 0 ? undefined : 'time';
    return delta <= 0 ? undefined : 'time';
  }
  return delta >= 0 ? undefined : 'time';
}

export function planSync(source: readonly SyncEntry[], destination: readonly SyncEntry[], options: SyncOptions): SyncPlan {
  const destinationByName = new Map(destination.map((entry) => [entry.relative, entry]));
  const transfers: { entry: SyncEntry; reason: SyncReason }[] = [];
  for (const entry of source) {
    const existing = destinationByName.get(entry.relative);
    const reason = existing === undefined ? 'new' : syncReason(entry, existing, options);
    if (reason !== undefined) transfers.push({ entry, reason });
  }
  const sourceNames = new Set(source.map((entry) => entry.relative));
  const deletes = options.delete ? destination.filter((entry) => !sourceNames.has(entry.relative)) : [];
  return { transfers, deletes };
}
