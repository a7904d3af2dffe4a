/**
 * Orphan collection for the blob store: deletes blob files that no metadata references and temp
 * files of writes that will never finish (crashed process, stalled client), never touching
 * anything younger than a grace period.
 *
 * Why a grace period: a blob becomes referenced only after `BlobStore.write` resolves and the
 * metadata command naming it is committed and applied (write ordering, blob-store.ts). Between the
 * two, the blob is unreferenced but not an orphan. So `gracePeriodMs` must exceed the longest time
 * from a blob's last byte to its metadata commit (the PUT deadline), and the longest a live
 * upload may go without sending a byte (a temp file's mtime moves with every write). The
 * `isReferenced` predicate must count parts of multipart uploads still in progress and blobs
 * referenced by any version (current, non-current, delete-marker targets) as referenced.
 *
 * Work per pass is bounded (`entriesScannedMaxPerPass`, `deletionsMaxPerPass`): a pass walks the
 * sharded tree in name order from a cursor and stops at a limit; the next pass resumes there, and
 * after the last shard the walk starts over. Ages come from file mtimes against the injected clock.
 * Files whose names are neither blob ids nor blob temp files are left alone and counted.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { assert } from '@objectbox/util';
import { blobIdPattern, blobTemporarySuffix } from './blob-store.js';

export interface BlobGcOptions {
  /** The blob store's directory. */
  readonly directory: string;
  /** True when metadata references the blob (see the module comment for what counts). */
  readonly isReferenced: (blobId: string) => boolean | Promise<boolean>;
  /** Entries younger than this (by mtime) are never deleted. */
  readonly gracePeriodMs: number;
  /** Wall clock in ms since the epoch (Date.now in production; a fake in tests). */
  readonly nowMs: () => number;
  /** Directory entries examined per pass. */
  readonly entriesScannedMaxPerPass: number;
  /** Files deleted per pass. */
  readonly deletionsMaxPerPass: number;
}

/** What one pass did. Counts are of directory entries examined in this pass. */
export interface BlobGcPassResult {
  readonly scannedEntryCount: number;
  readonly deletedBlobIds: readonly string[];
  readonly deletedTemporaryFileCount: number;
  /** Kept because younger than the grace period. */
  readonly youngEntryCount: number;
  readonly referencedBlobCount: number;
  /** Names that are not blob files; never deleted. */
  readonly unknownEntryCount: number;
  /** True when this pass reached the end of the tree; the next pass starts from the beginning. */
  readonly wrapped: boolean;
}

/** Where the next pass resumes: a shard (`ab/cd`) and the last file name done in it. */
interface GcCursor {
  readonly shard: string;
  readonly afterName: string;
}

const shardNamePattern = /^[0-9a-f]{2}$/;

/** Collects orphans under one blob directory; call {@link runPass} periodically. Not re-entrant. */
export class BlobGarbageCollector {
  private cursor: GcCursor | null = null;
  private running = false;

  constructor(private readonly options: BlobGcOptions) {
    assert(options.gracePeriodMs >= 0, 'gracePeriodMs must be >= 0');
    assert(Number.isSafeInteger(options.entriesScannedMaxPerPass) && options.entriesScannedMaxPerPass >= 1, 'entriesScannedMaxPerPass must be >= 1');
    assert(Number.isSafeInteger(options.deletionsMaxPerPass) && options.deletionsMaxPerPass >= 1, 'deletionsMaxPerPass must be >= 1');
  }

  /** One bounded pass from the cursor. */
  async runPass(): Promise<BlobGcPassResult> {
    assert(!this.running, 'BlobGarbageCollector.runPass is not re-entrant');
    this.running = true;
    try {
      return await this.pass();
    } finally {
      this.running = false;
    }
  }

  private async pass(): Promise<BlobGcPassResult> {
    const counts = { scannedEntryCount: 0, deletedTemporaryFileCount: 0, youngEntryCount: 0, referencedBlobCount: 0, unknownEntryCount: 0 };
    const deletedBlobIds: string[] = [];
    const limitReached = () =>
      counts.scannedEntryCount >= this.options.entriesScannedMaxPerPass || deletedBlobIds.length + counts.deletedTemporaryFileCount >= this.options.deletionsMaxPerPass;
    const cutoffMs = this.options.nowMs() - this.options.gracePeriodMs;
    for await (const shard of this.shardsFrom(this.cursor?.shard ?? null)) {
      const afterName = this.cursor !== null && this.cursor.shard === shard ? this.cursor.afterName : '';
      const names = (await listNames(join(this.options.directory, shard))).filter((name) => name > afterName);
      for (const name of names) {
        if (limitReached()) return { ...counts, deletedBlobIds, wrapped: false };
        counts.scannedEntryCount++;
        this.cursor = { shard, afterName: name };
        const outcome = await this.examine(join(this.options.directory, shard, name), name, cutoffMs);
        if (outcome === 'deleted-blob') deletedBlobIds.push(name);
        else if (outcome === 'deleted-temporary') counts.deletedTemporaryFileCount++;
        else if (outcome === 'young') counts.youngEntryCount++;
        else if (outcome === 'referenced') counts.referencedBlobCount++;
        else if (outcome === 'unknown') counts.unknownEntryCount++;
      }
      this.cursor = { shard, afterName: '\u{10ffff}' };
    }
    this.cursor = null;
    return { ...counts, deletedBlobIds, wrapped: true };
  }

  private async examine(path: string, name: string, cutoffMs: number): Promise<'deleted-blob' | 'deleted-temporary' | 'young' | 'referenced' | 'unknown' | 'gone'> {
    const isTemporary = name.endsWith(blobTemporarySuffix) && blobIdPattern.test(name.slice(0, -blobTemporarySuffix.length));
    if (!isTemporary && !blobIdPattern.test(name)) return 'unknown';
    const modifiedMs = await modifiedTimeMs(path);
    if (modifiedMs === null) return 'gone';
    if (modifiedMs > cutoffMs) return 'young';
    if (isTemporary) {
      await rm(path, { force: true });
      return 'deleted-temporary';
    }
    if (await this.options.isReferenced(name)) return 'referenced';
    await rm(path, { force: true });
    return 'deleted-blob';
  }

  /** Shard paths (`ab/cd`) in name order from `fromShard` (inclusive), listed lazily. */
  private async *shardsFrom(fromShard: string | null): AsyncGenerator<string> {
    const fromFirst = fromShard?.slice(0, 2) ?? '';
    for (const first of await listNames(this.options.directory)) {
      if (!shardNamePattern.test(first) || first < fromFirst) continue;
      for (const second of await listNames(join(this.options.directory, first))) {
        const shard = `${first}/${second}`;
        if (shardNamePattern.test(second) && (fromShard === null || shard >= fromShard)) yield shard;
      }
    }
  }
}

async function listNames(directory: string): Promise<string[]> {
  try {
    return (await readdir(directory)).sort();
  } catch (error) {
    if (isErrorCode(error, 'ENOENT') || isErrorCode(error, 'ENOTDIR')) return [];
    throw error;
  }
}

async function modifiedTimeMs(path: string): Promise<number | null> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats.mtimeMs : null;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return null;
    throw error;
  }
}

function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
