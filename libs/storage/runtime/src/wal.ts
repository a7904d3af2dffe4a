/**
 * The write-ahead log: segmented files, group commit, recovery. Decisions about bytes (framing,
 * torn tail versus corruption) are the pure functions of storage-core; this class does the I/O.
 *
 * Group commit: `append` queues records and returns a promise. One writer task at a time takes the
 * whole queue, encodes it as one batch, writes it with one writev and one fdatasync (one writev
 * through an O_DSYNC descriptor where the file system offers `writeDurable`), then resolves
 * every append in it. Appends arriving while that fsync is in flight form the next batch, so more
 * concurrency means bigger batches, not more fsyncs.
 *
 * Invariant (relied on by `scanSegment` in storage-core): at most one batch is unsynced at any
 * time; it sits at the end of the last segment; nothing is written after it until its fsync
 * returns; a new segment's header is fsynced, and its directory entry made durable, before any
 * record is written to it. An append is acknowledged (its promise resolves) only after its fsync.
 */
import {
  encodeRecordBatch,
  encodeSegmentHeader,
  joinPath,
  parseSegmentFileName,
  recordFrameBytes,
  recordPayloadBytesLimit,
  scanSegment,
  segmentFileName,
  segmentHeaderBytes,
  WalClosedError,
  WalCorruptionError,
  WalFailedError,
  WalIndexOutOfRangeError,
  WalPendingBytesExceededError,
  walRecordTypeMax,
  WalRecordTooLargeError,
  type StorageFile,
  type StorageFileSystem,
  type TornTail,
  type WalRecord,
} from '@objectbox/storage-core';
import { assert } from '@objectbox/util';
import { nodeFileSystem } from './node-file-system.js';
import { stderrJsonLogger, type StorageLogger } from './storage-logger.js';

/** Default segment size: 64 MiB. */
export const walSegmentSizeBytesDefault = 64 * 1024 * 1024;
/** Default largest record payload: 16 MiB. */
export const walRecordPayloadBytesDefault = 16 * 1024 * 1024;
/** Default bound of queued plus in-flight append bytes: 64 MiB. */
export const walPendingBytesDefault = 64 * 1024 * 1024;
/** Default zero-filled space written ahead of the active segment's records: 1 MiB. */
export const walPreallocateBytesDefault = 1024 * 1024;
/** Smallest accepted segment size; below it the header overhead dominates. */
export const walSegmentSizeBytesMin = 4096;

/** Options of {@link Wal.open}. */
export interface WalOptions {
  /** Directory of the segment files; created when missing. */
  readonly directory: string;
  /** A segment is sealed and a new one started before a batch would grow it beyond this size. */
  readonly segmentSizeBytes: number;
  /** Largest payload of one record; larger appends throw WalRecordTooLargeError. */
  readonly recordPayloadBytesMax: number;
  /** Bound of queued and in-flight append bytes (frames); beyond it appends throw WalPendingBytesExceededError. */
  readonly pendingBytesMax: number;
  /** Defaults to {@link nodeFileSystem}. */
  readonly fileSystem?: StorageFileSystem;
  /** Defaults to {@link stderrJsonLogger}. */
  readonly logger?: StorageLogger;
  /**
   * Receives every record that survives recovery, in index order, while `open` verifies the
   * segments: replay in the same pass instead of reading everything again with `readRecords`.
   * Records of a torn tail are never passed. Payloads view a segment's read buffer: copy what you
   * keep. If `open` throws, discard everything received.
   */
  readonly onRecoveredRecord?: (record: WalRecord) => void;
  /**
   * Zeros written ahead of the active segment's last record, this many bytes at a time (default
   * {@link walPreallocateBytesDefault}; 0 disables). Appends then overwrite blocks the file already
   * has, so their fdatasync flushes data only instead of also the grown file size and the new
   * blocks (a journal commit on ext4): about half the fsync latency there, as with etcd's
   * preallocated segments. Recovery reads the zeros as the end of the log (`scanSegment`); a
   * segment is cut back to its records before the next one starts.
   */
  readonly preallocateBytes?: number;
}

/** A record to append; the WAL assigns its index. */
export interface WalAppendRecord {
  /** 1..255, caller-defined. */
  readonly type: number;
  /** Referenced until the append resolves; do not mutate it before. */
  readonly payload: Uint8Array;
}

/** The indexes the WAL assigned to one append call (consecutive, inclusive). */
export interface WalAppendResult {
  readonly firstIndex: number;
  readonly lastIndex: number;
}

/** What recovery found and did when the WAL was opened. */
export interface WalRecoveryReport {
  readonly segmentCount: number;
  /** The torn tail truncated from the last segment, if any. */
  readonly tornTail: (TornTail & { readonly segment: string }) | null;
  /** A last segment whose header never became durable, rewritten empty. */
  readonly segmentHeaderRewritten: string | null;
  /** Files in the directory that are not segments; left alone. */
  readonly filesIgnored: readonly string[];
}

interface Segment {
  readonly name: string;
  readonly path: string;
  readonly firstIndex: number;
  /** Invariant: lastIndex >= firstIndex - 1 (equal when empty); durable. */
  lastIndex: number;
  /** Invariant: bytes of header plus durable frames. */
  sizeBytes: number;
  /**
   * The file's length. Invariant: >= sizeBytes, all zeros after sizeBytes between batches, and
   * equal to sizeBytes for every segment but the last (preallocated space is cut when sealing).
   */
  fileBytes: number;
}

interface PendingAppend {
  readonly records: readonly WalAppendRecord[];
  readonly frameBytes: number;
  readonly resolve: (result: WalAppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** See the module comment. Create with {@link Wal.open}. */
export class Wal {
  readonly #options: Required<WalOptions>;
  readonly #fileSystem: StorageFileSystem;
  /** Invariant: non-empty, ascending, contiguous (next.firstIndex === previous.lastIndex + 1). */
  readonly #segments: Segment[];
  #activeFile: StorageFile;
  #pending: PendingAppend[] = [];
  /** Invariant: sum of frameBytes of queued and in-flight appends <= pendingBytesMax. */
  #pendingBytes = 0;
  #flushScheduled = false;
  /** Serialises flushes and maintenance so that at most one batch is ever unsynced. */
  #taskTail: Promise<void> = Promise.resolve();
  #closed = false;
  #failure: unknown = null;
  /** `preallocateBytes` zeros, written (never modified) to extend the active segment. */
  #zeros: Uint8Array | undefined;
  /** What recovery did on open. */
  readonly recovery: WalRecoveryReport;

  private constructor(options: Required<WalOptions>, segments: Segment[], activeFile: StorageFile, recovery: WalRecoveryReport) {
    this.#options = options;
    this.#fileSystem = options.fileSystem;
    this.#segments = segments;
    this.#activeFile = activeFile;
    this.recovery = recovery;
  }

  /**
   * Opens (creating when empty) the WAL in `options.directory` and recovers it: every segment is
   * read and verified, a torn tail of the last segment is truncated (logged at warn), and the log
   * becomes appendable after its last valid record. Read the records to replay with
   * {@link readRecords}.
   *
   * @throws WalCorruptionError when acknowledged data is damaged; nothing is modified then, and
   *   opening again gives the same error (no crash loop, no silent loss).
   */
  static async open(options: WalOptions): Promise<Wal> {
    const resolved = resolveOptions(options);
    await resolved.fileSystem.makeDirectory(resolved.directory);
    const recovered = await recoverSegments(resolved).catch((error: unknown) => {
      if (error instanceof WalCorruptionError) {
        const { segment, offsetBytes, reason, detail } = error;
        resolved.logger.warn('wal-corruption', { directory: resolved.directory, segment, offsetBytes, reason, detail });
      }
      throw error;
    });
    const active = recovered.segments.at(-1)!;
    const activeFile = await resolved.fileSystem.openFile(active.path);
    const wal = new Wal(resolved, recovered.segments, activeFile, recovered.report);
    resolved.logger.info('wal-opened', {
      directory: resolved.directory,
      firstIndex: wal.firstIndex,
      lastIndex: wal.lastIndex,
      segmentCount: recovered.segments.length,
    });
    return wal;
  }

  /** The largest record payload `append` accepts (larger ones fail with WalRecordTooLargeError). */
  get recordPayloadBytesMax(): number {
    return this.#options.recordPayloadBytesMax;
  }

  /** Index of the first record still stored (compaction works in whole segments), or lastIndex + 1 when empty. */
  get firstIndex(): number {
    return this.#segments[0]!.firstIndex;
  }

  /** Index of the last durable record, or firstIndex - 1 when empty. */
  get lastIndex(): number {
    return this.#segments.at(-1)!.lastIndex;
  }

  /** Bytes of appends queued or in flight (for metrics and tests). */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Appends `records` as consecutive indexes, in call order relative to other appends. Resolves only
   * after the records are fsynced; records of one call are never split across batches.
   *
   * @throws WalRecordTooLargeError, WalPendingBytesExceededError (backpressure: retry after pending
   *   appends resolve), WalClosedError, WalFailedError (an earlier I/O error; reopen the WAL).
   */
  append(records: readonly WalAppendRecord[]): Promise<WalAppendResult> {
    assert(records.length > 0, 'append needs at least one record');
    const refusal = this.#refusal();
    if (refusal !== null) return Promise.reject(refusal);
    let frameBytes = 0;
    for (const record of records) {
      assert(Number.isInteger(record.type) && record.type >= 1 && record.type <= walRecordTypeMax, `record type ${record.type} out of range`);
      if (record.payload.length > this.#options.recordPayloadBytesMax) {
        return Promise.reject(new WalRecordTooLargeError(record.payload.length, this.#options.recordPayloadBytesMax));
      }
      frameBytes += recordFrameBytes(record.payload.length);
    }
    if (this.#pendingBytes + frameBytes > this.#options.pendingBytesMax) {
      return Promise.reject(new WalPendingBytesExceededError(this.#pendingBytes, frameBytes, this.#options.pendingBytesMax));
    }
    return new Promise<WalAppendResult>((resolve, reject) => {
      this.#pending.push({ records, frameBytes, resolve, reject });
      this.#pendingBytes += frameBytes;
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // #flush never rejects: it settles every append it takes, also on failure.
        this.#taskTail = this.#taskTail.then(() => this.#flush());
      }
    });
  }

  /**
   * Yields durable records with fromIndex <= index < toIndexExclusive (default: up to lastIndex),
   * re-read from disk and verified again. Must not run concurrently with truncateSuffix.
   *
   * @throws WalIndexOutOfRangeError when fromIndex < firstIndex.
   * @throws WalCorruptionError when a segment changed on disk since recovery.
   */
  async *readRecords(options: { fromIndex: number; toIndexExclusive?: number }): AsyncGenerator<WalRecord> {
    const { fromIndex } = options;
    const toIndexExclusive = Math.min(options.toIndexExclusive ?? Number.POSITIVE_INFINITY, this.lastIndex + 1);
    if (fromIndex < this.firstIndex) throw new WalIndexOutOfRangeError(fromIndex, this.firstIndex, this.lastIndex + 1);
    const segments = this.#segments.map((segment) => ({ ...segment }));
    for (const segment of segments) {
      if (segment.lastIndex < fromIndex || segment.firstIndex >= toIndexExclusive) continue;
      yield* await this.#readSegmentRecords(segment, fromIndex, toIndexExclusive);
    }
  }

  async #readSegmentRecords(segment: Segment, fromIndex: number, toIndexExclusive: number): Promise<WalRecord[]> {
    const bytes = await this.#fileSystem.readFile(segment.path);
    const durable = (bytes ?? new Uint8Array(0)).subarray(0, segment.sizeBytes);
    const records: WalRecord[] = [];
    const scan = scanSegment(durable, {
      segmentName: segment.name,
      firstIndexFromName: segment.firstIndex,
      previousLastIndex: null,
      isLastSegment: false,
      recordPayloadBytesMax: this.#options.recordPayloadBytesMax,
      onRecord: (record) => {
        if (record.index >= fromIndex && record.index < toIndexExclusive) records.push(record);
      },
    });
    if (scan.kind !== 'scanned' || scan.lastIndex !== segment.lastIndex) {
      throw new WalCorruptionError(segment.name, segment.sizeBytes, 'record-invalid-in-sealed-segment', 'segment shrank after recovery');
    }
    return records;
  }

  /**
   * Log compaction after a snapshot that covers indexes < firstIndexToKeep: removes every segment
   * whose records all precede it (whole segments only, so firstIndex may stay below
   * firstIndexToKeep). When firstIndexToKeep > lastIndex + 1 (installing a snapshot beyond the log),
   * the log is emptied and continues at firstIndexToKeep. Crash-safe: removal goes oldest first, so
   * the log is always a suffix of itself; if a crash empties it before the new segment exists, the
   * WAL reopens empty at index 1 and the caller repeats truncatePrefix (idempotent) after loading the
   * snapshot. Serialised after earlier appends.
   */
  truncatePrefix(firstIndexToKeep: number): Promise<void> {
    assert(Number.isSafeInteger(firstIndexToKeep) && firstIndexToKeep >= 1, 'firstIndexToKeep must be a safe integer >= 1');
    return this.#runTask(async () => {
      if (firstIndexToKeep > this.lastIndex + 1) {
        // Files go first (oldest first), the in-memory list after the new segment exists, so that
        // firstIndex/lastIndex stay defined while this runs.
        const oldSegments = [...this.#segments];
        for (const segment of oldSegments) await this.#removeSegmentFile(segment);
        await this.#startSegment(firstIndexToKeep);
        this.#segments.splice(0, oldSegments.length);
        return;
      }
      let removable = 0;
      while (removable < this.#segments.length - 1 && this.#segments[removable]!.lastIndex < firstIndexToKeep) removable++;
      await this.#removeSegmentsOldestFirst(removable);
    });
  }

  /**
   * Removes every record with index > lastIndexToKeep (Raft followers overwriting conflicting
   * uncommitted entries); the next append gets lastIndexToKeep + 1. Crash-safe: segments are removed
   * newest first and the containing segment is truncated last, so the log is always a prefix of
   * itself. Serialised after earlier appends.
   *
   * @throws WalIndexOutOfRangeError when lastIndexToKeep < firstIndex - 1 or > lastIndex.
   */
  truncateSuffix(lastIndexToKeep: number): Promise<void> {
    return this.#runTask(async () => {
      if (lastIndexToKeep < this.firstIndex - 1 || lastIndexToKeep > this.lastIndex) {
        throw new WalIndexOutOfRangeError(lastIndexToKeep, this.firstIndex - 1, this.lastIndex);
      }
      while (this.#segments.length > 1 && this.#segments.at(-1)!.firstIndex > lastIndexToKeep) {
        await this.#removeNewestSegment();
      }
      await this.#truncateActiveSegment(lastIndexToKeep);
    });
  }

  /** Waits for queued appends to be synced, then closes. Later calls throw WalClosedError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#taskTail;
    await this.#activeFile.close();
  }

  #refusal(): Error | null {
    if (this.#closed) return new WalClosedError();
    if (this.#failure !== null) return new WalFailedError({ cause: this.#failure });
    return null;
  }

  /** Runs `task` after every earlier task; a failed I/O task fails the WAL (see WalFailedError). */
  #runTask<T>(task: () => Promise<T>): Promise<T> {
    // Closed is checked at call time, so tasks queued before close() still run; failure is checked
    // at run time, so nothing touches the files after an I/O error.
    const refusalAtCall = this.#refusal();
    if (refusalAtCall !== null) return Promise.reject(refusalAtCall);
    const result = this.#taskTail.then(async () => {
      if (this.#failure !== null) throw new WalFailedError({ cause: this.#failure });
      try {
        return await task();
      } catch (error) {
        // Typed argument errors leave the log untouched; anything else happened mid-I/O.
        if (!(error instanceof WalIndexOutOfRangeError)) this.#failure = error;
        throw error;
      }
    });
    this.#taskTail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Writes the whole queue as one batch: one writev, one fdatasync, then acknowledges. Never rejects. */
  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    const batchBytes = batch.reduce((sum, append) => sum + append.frameBytes, 0);
    try {
      if (this.#failure !== null) throw this.#failure;
      const results = await this.#writeBatch(batch, batchBytes);
      batch.forEach((append, position) => append.resolve(results[position]!));
    } catch (error) {
      if (this.#failure === null) {
        this.#failure = error;
        this.#options.logger.warn('wal-write-failed', { directory: this.#options.directory, error: String(error) });
      }
      for (const append of batch) append.reject(new WalFailedError({ cause: this.#failure }));
    } finally {
      this.#pendingBytes -= batchBytes;
    }
  }

  async #writeBatch(batch: readonly PendingAppend[], batchBytes: number): Promise<WalAppendResult[]> {
    const active = this.#segments.at(-1)!;
    if (active.lastIndex >= active.firstIndex && active.sizeBytes + batchBytes > this.#options.segmentSizeBytes) {
      await this.#startSegment(active.lastIndex + 1);
    }
    const segment = this.#segments.at(-1)!;
    const records: WalRecord[] = [];
    const results: WalAppendResult[] = [];
    let nextIndex = segment.lastIndex + 1;
    for (const append of batch) {
      results.push({ firstIndex: nextIndex, lastIndex: nextIndex + append.records.length - 1 });
      for (const record of append.records) records.push({ index: nextIndex++, type: record.type, payload: record.payload });
    }
    const chunks: Uint8Array[] = [];
    const encodedBytes = encodeRecordBatch(records, chunks);
    assert(encodedBytes === batchBytes, 'encoded batch size differs from the queued size');
    const endBytes = segment.sizeBytes + encodedBytes;
    let fileBytes = Math.max(segment.fileBytes, endBytes);
    if (endBytes > segment.fileBytes && this.#options.preallocateBytes > 0) {
      // Past the preallocated space: extend it in the same write and fsync, up to the segment size.
      const zeroBytes = Math.max(0, Math.min(this.#options.preallocateBytes, this.#options.segmentSizeBytes - endBytes));
      this.#zeros ??= new Uint8Array(this.#options.preallocateBytes);
      if (zeroBytes > 0) chunks.push(this.#zeros.subarray(0, zeroBytes));
      fileBytes = endBytes + zeroBytes;
    }
    if (this.#activeFile.writeDurable !== undefined) {
      await this.#activeFile.writeDurable(chunks, segment.sizeBytes);
    } else {
      await this.#activeFile.write(chunks, segment.sizeBytes);
      await this.#activeFile.sync();
    }
    segment.sizeBytes = endBytes;
    segment.fileBytes = fileBytes;
    segment.lastIndex = nextIndex - 1;
    return results;
  }

  /**
   * Seals the active segment and starts a new one at `firstIndex`, durably (header fsync, then
   * directory fsync) before any record is written to it.
   */
  async #startSegment(firstIndex: number): Promise<void> {
    const sealed = this.#segments.at(-1)!;
    if (sealed.fileBytes > sealed.sizeBytes) {
      // Recovery reads zeros after the records as the end of the log only in the last segment.
      await this.#activeFile.truncate(sealed.sizeBytes);
      await this.#activeFile.sync();
      sealed.fileBytes = sealed.sizeBytes;
    }
    const name = segmentFileName(firstIndex);
    const path = joinPath(this.#options.directory, name);
    const file = await this.#fileSystem.openFile(path);
    await file.truncate(0);
    await file.write([encodeSegmentHeader(firstIndex)], 0);
    await file.sync();
    await this.#fileSystem.syncDirectory(this.#options.directory);
    await this.#activeFile.close();
    this.#activeFile = file;
    this.#segments.push({ name, path, firstIndex, lastIndex: firstIndex - 1, sizeBytes: segmentHeaderBytes, fileBytes: segmentHeaderBytes });
  }

  /** Removes the `count` oldest segments, each removal made durable before the next. */
  async #removeSegmentsOldestFirst(count: number): Promise<void> {
    for (let removed = 0; removed < count; removed++) {
      await this.#removeSegmentFile(this.#segments[0]!);
      this.#segments.shift();
    }
  }

  async #removeSegmentFile(segment: Segment): Promise<void> {
    await this.#fileSystem.removeFile(segment.path);
    await this.#fileSystem.syncDirectory(this.#options.directory);
    this.#options.logger.info('wal-segment-removed', { segment: segment.name, firstIndex: segment.firstIndex, lastIndex: segment.lastIndex });
  }

  async #removeNewestSegment(): Promise<void> {
    const segment = this.#segments.at(-1)!;
    await this.#activeFile.close();
    await this.#removeSegmentFile(segment);
    this.#segments.pop();
    this.#activeFile = await this.#fileSystem.openFile(this.#segments.at(-1)!.path);
  }

  /** Truncates the active segment just after record `lastIndexToKeep` (or to its header). */
  async #truncateActiveSegment(lastIndexToKeep: number): Promise<void> {
    const segment = this.#segments.at(-1)!;
    if (segment.lastIndex <= lastIndexToKeep) return;
    let offsetEndBytes = segmentHeaderBytes;
    if (lastIndexToKeep >= segment.firstIndex) {
      const bytes = (await this.#fileSystem.readFile(segment.path)) ?? new Uint8Array(0);
      const scan = scanSegment(bytes.subarray(0, segment.sizeBytes), {
        segmentName: segment.name,
        firstIndexFromName: segment.firstIndex,
        previousLastIndex: null,
        isLastSegment: false,
        recordPayloadBytesMax: this.#options.recordPayloadBytesMax,
        onRecord: (record) => {
          if (record.index === lastIndexToKeep) offsetEndBytes = recordEndOffset(bytes, record);
        },
      });
      assert(scan.kind === 'scanned' && scan.lastIndex === segment.lastIndex, 'active segment changed on disk');
    }
    await this.#activeFile.truncate(offsetEndBytes);
    await this.#activeFile.sync();
    segment.sizeBytes = offsetEndBytes;
    segment.fileBytes = offsetEndBytes;
    segment.lastIndex = lastIndexToKeep;
  }
}

/** End offset of a decoded record, from its payload view into the segment buffer. */
function recordEndOffset(segmentBytes: Uint8Array, record: WalRecord): number {
  return record.payload.byteOffset - segmentBytes.byteOffset + record.payload.length;
}

/** The default: recovery keeps no records in memory unless someone asked for them. */
const ignoreRecoveredRecord = (): void => undefined;

function resolveOptions(options: WalOptions): Required<WalOptions> {
  const resolved: Required<WalOptions> = {
    fileSystem: nodeFileSystem,
    logger: stderrJsonLogger,
    onRecoveredRecord: ignoreRecoveredRecord,
    preallocateBytes: walPreallocateBytesDefault,
    ...options,
  };
  assert(Number.isSafeInteger(resolved.preallocateBytes) && resolved.preallocateBytes >= 0, 'preallocateBytes must be a non-negative integer');
  assert(resolved.segmentSizeBytes >= walSegmentSizeBytesMin, `segmentSizeBytes must be >= ${walSegmentSizeBytesMin}`);
  assert(resolved.recordPayloadBytesMax >= 0 && resolved.recordPayloadBytesMax <= recordPayloadBytesLimit, 'recordPayloadBytesMax out of range');
  // One maximal record must be acceptable, or such appends would be refused forever.
  assert(resolved.pendingBytesMax >= recordFrameBytes(resolved.recordPayloadBytesMax), 'pendingBytesMax must hold one maximal record');
  return resolved;
}

interface Recovered {
  segments: Segment[];
  report: WalRecoveryReport;
}

/** Scans all segments in index order, repairs a torn tail, and creates the first segment when empty. */
async function recoverSegments(options: Required<WalOptions>): Promise<Recovered> {
  const { fileSystem, directory } = options;
  const names = await fileSystem.listDirectory(directory);
  const filesIgnored = names.filter((name) => parseSegmentFileName(name) === null);
  if (filesIgnored.length > 0) options.logger.warn('wal-files-ignored', { directory, files: filesIgnored });
  const found = names
    .map((name) => ({ name, firstIndex: parseSegmentFileName(name) }))
    .filter((entry): entry is { name: string; firstIndex: number } => entry.firstIndex !== null)
    .sort((a, b) => a.firstIndex - b.firstIndex);
  const segments: Segment[] = [];
  let tornTail: WalRecoveryReport['tornTail'] = null;
  let segmentHeaderRewritten: string | null = null;
  for (const [position, entry] of found.entries()) {
    const path = joinPath(directory, entry.name);
    const bytes = (await fileSystem.readFile(path)) ?? new Uint8Array(0);
    const scanned: WalRecord[] = [];
    const scan = scanSegment(bytes, {
      segmentName: entry.name,
      firstIndexFromName: entry.firstIndex,
      previousLastIndex: segments.at(-1)?.lastIndex ?? null,
      isLastSegment: position === found.length - 1,
      recordPayloadBytesMax: options.recordPayloadBytesMax,
      ...(options.onRecoveredRecord === ignoreRecoveredRecord ? {} : { onRecord: (record: WalRecord) => scanned.push(record) }),
    });
    if (scan.kind === 'header-torn') {
      await writeEmptySegment(fileSystem, { directory, path, firstIndex: entry.firstIndex });
      segmentHeaderRewritten = entry.name;
      options.logger.warn('wal-segment-header-rewritten', { segment: entry.name, sizeBytes: bytes.length });
      segments.push({ name: entry.name, path, firstIndex: entry.firstIndex, lastIndex: entry.firstIndex - 1, sizeBytes: segmentHeaderBytes, fileBytes: segmentHeaderBytes });
      continue;
    }
    if (scan.tornTail !== null) {
      await truncateFile(fileSystem, path, scan.offsetEndBytes);
      tornTail = { ...scan.tornTail, segment: entry.name };
      options.logger.warn('wal-torn-tail-truncated', { ...tornTail, lastIndex: scan.lastIndex });
    }
    const fileBytes = scan.tornTail === null ? bytes.length : scan.offsetEndBytes;
    segments.push({ name: entry.name, path, firstIndex: scan.firstIndex, lastIndex: scan.lastIndex, sizeBytes: scan.offsetEndBytes, fileBytes });
    // Only records that survived the tail decision: a torn batch's decodable prefix is dropped too.
    for (const record of scanned) if (record.index <= scan.lastIndex) options.onRecoveredRecord(record);
  }
  if (segments.length === 0) {
    const name = segmentFileName(1);
    const path = joinPath(directory, name);
    await writeEmptySegment(fileSystem, { directory, path, firstIndex: 1 });
    segments.push({ name, path, firstIndex: 1, lastIndex: 0, sizeBytes: segmentHeaderBytes, fileBytes: segmentHeaderBytes });
  }
  return { segments, report: { segmentCount: segments.length, tornTail, segmentHeaderRewritten, filesIgnored } };
}

async function writeEmptySegment(
  fileSystem: StorageFileSystem,
  options: { directory: string; path: string; firstIndex: number },
): Promise<void> {
  const file = await fileSystem.openFile(options.path);
  try {
    await file.truncate(0);
    await file.write([encodeSegmentHeader(options.firstIndex)], 0);
    await file.sync();
  } finally {
    await file.close();
  }
  await fileSystem.syncDirectory(options.directory);
}

async function truncateFile(fileSystem: StorageFileSystem, path: string, sizeBytes: number): Promise<void> {
  const file = await fileSystem.openFile(path);
  try {
    await file.truncate(sizeBytes);
    await file.sync();
  } finally {
    await file.close();
  }
}
