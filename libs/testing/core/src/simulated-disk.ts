/**
 * A simulated disk with the durability semantics a write-ahead log must survive, in the spirit of
 * TigerBeetle's simulated storage (tigerbeetle/tigerbeetle src/testing/storage.zig) and MinIO's
 * naughty disk (minio/minio cmd/naughty-disk_test.go):
 *
 * - Writes land in a volatile copy of the file; `fsync` makes the file's content durable.
 * - Creating, renaming and removing files changes the volatile directory; `syncDirectory` makes the
 *   directory durable (POSIX requires fsync of the directory; ext4 and XFS really lose such changes).
 * - `crash` throws away everything volatile. Unsynced writes vanish, except that, to model a disk
 *   that had started writing, a prefix of them may survive (`unsyncedWriteKeepProbability`) and the
 *   first one lost may land torn: some of its sectors written, others not (`tornWriteProbability`).
 * - `corruptSector` flips bits in stored data (latent sector errors, bit rot), so checksums matter.
 *
 * All methods are synchronous and all randomness comes from the injected {@link Random}.
 */
import { assert } from '@objectbox/util';
import { DiskFullError, FileAlreadyExistsError, FileNotFoundError, StaleFileHandleError } from './errors.js';
import type { Random } from './random.js';

/** Options of {@link SimulatedDisk}. Probabilities are in [0, 1]. */
export interface SimulatedDiskOptions {
  /** The disk's own stream; fork it from the simulation's root `Random`. */
  readonly random: Random;
  /** The unit of torn writes and corruption, in bytes (for example 512 or 4096). */
  readonly sectorSizeBytes: number;
  /** The most bytes all files in the directory may hold together; beyond it writes throw DiskFull. */
  readonly capacityBytes: number;
  /** Per unsynced write, in order, the probability that it survives a crash (0: all vanish). */
  readonly unsyncedWriteKeepProbability: number;
  /** Probability that the first unsynced write lost in a crash lands partially, sector by sector. */
  readonly tornWriteProbability: number;
  /** When false, directory changes are durable at once and `syncDirectory` does nothing. */
  readonly directorySyncRequired: boolean;
}

/** How {@link SimulatedDisk.open} treats a missing or existing file. */
export type OpenMode = 'existing' | 'create' | 'create-exclusive';

type PendingChange =
  | { readonly kind: 'write'; readonly offsetBytes: number; readonly bytes: Uint8Array }
  | { readonly kind: 'truncate'; readonly sizeBytes: number };

/** A file's content; the names in a directory point at inodes, so renames keep open handles valid. */
interface Inode {
  durable: Uint8Array;
  current: Uint8Array;
  /** Invariant: applying `pending` in order to `durable` yields `current`. */
  pending: PendingChange[];
}

function applyWrite(content: Uint8Array, offsetBytes: number, bytes: Uint8Array): Uint8Array {
  const sizeBytes = Math.max(content.length, offsetBytes + bytes.length);
  const result = sizeBytes === content.length ? content.slice() : new Uint8Array(sizeBytes);
  if (result.length !== content.length) result.set(content);
  result.set(bytes, offsetBytes);
  return result;
}

function applyChange(content: Uint8Array, change: PendingChange): Uint8Array {
  if (change.kind === 'write') return applyWrite(content, change.offsetBytes, change.bytes);
  const result = new Uint8Array(change.sizeBytes);
  result.set(content.subarray(0, Math.min(content.length, change.sizeBytes)));
  return result;
}

/** A handle on one file; valid until the next {@link SimulatedDisk.crash}, also across renames. */
export class SimulatedFile {
  /** @internal Created by {@link SimulatedDisk.open} only. */
  constructor(
    private readonly disk: SimulatedDisk,
    private readonly inode: Inode,
    /** The path at open time, for error messages. */
    readonly path: string,
    private readonly generation: number,
  ) {}

  private live(): Inode {
    if (this.disk.generation !== this.generation) throw new StaleFileHandleError(this.path);
    return this.inode;
  }

  /** The current (volatile) size in bytes. Throws StaleFileHandle after a crash. */
  get sizeBytes(): number {
    return this.live().current.length;
  }

  /**
   * Returns a copy of up to `lengthBytes` bytes from `offsetBytes` (shorter at the end of the file,
   * empty beyond it), as the process sees them: unsynced writes included.
   */
  read(range: { readonly offsetBytes: number; readonly lengthBytes: number }): Uint8Array {
    assert(Number.isSafeInteger(range.offsetBytes) && range.offsetBytes >= 0, 'offsetBytes must be a non-negative integer');
    assert(Number.isSafeInteger(range.lengthBytes) && range.lengthBytes >= 0, 'lengthBytes must be a non-negative integer');
    return this.live().current.slice(range.offsetBytes, range.offsetBytes + range.lengthBytes);
  }

  /** Writes `bytes` (copied) at `offsetBytes`, zero-filling any gap. Throws DiskFull, StaleFileHandle. */
  write(change: { readonly offsetBytes: number; readonly bytes: Uint8Array }): void {
    assert(Number.isSafeInteger(change.offsetBytes) && change.offsetBytes >= 0, 'offsetBytes must be a non-negative integer');
    const inode = this.live();
    const growthBytes = Math.max(0, change.offsetBytes + change.bytes.length - inode.current.length);
    this.disk.reserve(growthBytes);
    const pending: PendingChange = { kind: 'write', offsetBytes: change.offsetBytes, bytes: change.bytes.slice() };
    inode.current = applyChange(inode.current, pending);
    inode.pending.push(pending);
  }

  /** Writes `bytes` at the end of the file; returns the offset they were written at. */
  append(bytes: Uint8Array): number {
    const offsetBytes = this.sizeBytes;
    this.write({ offsetBytes, bytes });
    return offsetBytes;
  }

  /** Shrinks or zero-extends the file to `sizeBytes`. Throws DiskFull, StaleFileHandle. */
  truncate(sizeBytes: number): void {
    assert(Number.isSafeInteger(sizeBytes) && sizeBytes >= 0, 'sizeBytes must be a non-negative integer');
    const inode = this.live();
    this.disk.reserve(Math.max(0, sizeBytes - inode.current.length));
    const pending: PendingChange = { kind: 'truncate', sizeBytes };
    inode.current = applyChange(inode.current, pending);
    inode.pending.push(pending);
  }

  /** Makes the file's content durable (not its directory entry: see `SimulatedDisk.syncDirectory`). */
  fsync(): void {
    const inode = this.live();
    inode.durable = inode.current;
    inode.pending = [];
  }
}

/** A single flat directory of files on a simulated disk. Paths are opaque strings. */
export class SimulatedDisk {
  private names = new Map<string, Inode>();
  private durableNames = new Map<string, Inode>();
  /** @internal Incremented by each crash; handles from older generations are stale. */
  generation = 0;

  constructor(private readonly options: SimulatedDiskOptions) {
    assert(Number.isSafeInteger(options.sectorSizeBytes) && options.sectorSizeBytes >= 1, 'sectorSizeBytes must be >= 1');
    assert(Number.isSafeInteger(options.capacityBytes) && options.capacityBytes >= 0, 'capacityBytes must be >= 0');
    for (const probability of [options.unsyncedWriteKeepProbability, options.tornWriteProbability]) {
      assert(probability >= 0 && probability <= 1, `probability ${probability} is outside [0, 1]`);
    }
  }

  /** Opens `path`. Throws FileNotFound ('existing' and missing) or FileAlreadyExists ('create-exclusive'). */
  open(path: string, mode: OpenMode): SimulatedFile {
    let inode = this.names.get(path);
    if (inode !== undefined && mode === 'create-exclusive') throw new FileAlreadyExistsError(path);
    if (inode === undefined) {
      if (mode === 'existing') throw new FileNotFoundError(path);
      inode = { durable: new Uint8Array(0), current: new Uint8Array(0), pending: [] };
      this.names.set(path, inode);
      this.syncDirectoryIfNotRequired();
    }
    return new SimulatedFile(this, inode, path, this.generation);
  }

  /** True when `path` names a file now. */
  exists(path: string): boolean {
    return this.names.has(path);
  }

  /** The current file names, sorted. */
  list(): string[] {
    return [...this.names.keys()].sort();
  }

  /** Renames `source` to `target`, atomically replacing any `target`. Throws FileNotFound. */
  rename(paths: { readonly source: string; readonly target: string }): void {
    const inode = this.names.get(paths.source);
    if (inode === undefined) throw new FileNotFoundError(paths.source);
    this.names.delete(paths.source);
    this.names.set(paths.target, inode);
    this.syncDirectoryIfNotRequired();
  }

  /** Removes the name `path`; open handles keep working on the unnamed file. Throws FileNotFound. */
  remove(path: string): void {
    if (!this.names.delete(path)) throw new FileNotFoundError(path);
    this.syncDirectoryIfNotRequired();
  }

  /** Makes the current set of names durable (fsync of the directory). */
  syncDirectory(): void {
    this.durableNames = new Map(this.names);
  }

  private syncDirectoryIfNotRequired(): void {
    if (!this.options.directorySyncRequired) this.syncDirectory();
  }

  /** @internal Checks that `growthBytes` more bytes fit; throws DiskFull otherwise. */
  reserve(growthBytes: number): void {
    let usedBytes = 0;
    for (const inode of this.names.values()) usedBytes += inode.current.length;
    if (usedBytes + growthBytes > this.options.capacityBytes) {
      throw new DiskFullError(usedBytes + growthBytes, this.options.capacityBytes);
    }
  }

  /**
   * Simulates power loss and restart: the directory reverts to its last sync, every file to its
   * durable content plus whatever the crash policy in the options lets survive, and all handles
   * become stale. Files are processed in sorted name order so the outcome depends only on the seed.
   */
  crash(): void {
    this.generation += 1;
    this.names = new Map(this.durableNames);
    for (const path of this.list()) this.crashInode(this.names.get(path)!);
  }

  private crashInode(inode: Inode): void {
    let content = inode.durable;
    for (const change of inode.pending) {
      if (this.options.random.chance(this.options.unsyncedWriteKeepProbability)) {
        content = applyChange(content, change);
        continue;
      }
      if (change.kind === 'write' && this.options.random.chance(this.options.tornWriteProbability)) {
        content = this.applyTornWrite(content, change);
      }
      break;
    }
    inode.durable = content;
    inode.current = content;
    inode.pending = [];
  }

  /** Applies a random non-empty, strict subset of the sectors a write touches (all of it if one sector). */
  private applyTornWrite(content: Uint8Array, change: { readonly offsetBytes: number; readonly bytes: Uint8Array }): Uint8Array {
    const sectorSizeBytes = this.options.sectorSizeBytes;
    const endBytes = change.offsetBytes + change.bytes.length;
    const sectorFirst = Math.floor(change.offsetBytes / sectorSizeBytes);
    const sectorCount = Math.ceil(endBytes / sectorSizeBytes) - sectorFirst;
    // A write within one sector is atomic on real disks, so it survives whole or (by `break`) not at all.
    if (sectorCount <= 1) return applyWrite(content, change.offsetBytes, change.bytes);
    const kept = Array.from({ length: sectorCount }, () => this.options.random.chance(0.5));
    if (kept.every(Boolean) || !kept.some(Boolean)) kept[this.options.random.nextInt(sectorCount)] = !kept[0];
    let result = content;
    kept.forEach((isKept, sectorOffset) => {
      if (!isKept) return;
      const startBytes = Math.max(change.offsetBytes, (sectorFirst + sectorOffset) * sectorSizeBytes);
      const stopBytes = Math.min(endBytes, (sectorFirst + sectorOffset + 1) * sectorSizeBytes);
      result = applyWrite(result, startBytes, change.bytes.subarray(startBytes - change.offsetBytes, stopBytes - change.offsetBytes));
    });
    return result;
  }

  /**
   * Flips one random bit of sector `sectorIndex` of `path` on the medium (the durable content), like
   * a latent sector error. The process sees the flip at once unless an unsynced write covers that
   * byte. Returns false, changing nothing, when the sector lies beyond the durable content.
   * Throws FileNotFound.
   */
  corruptSector(target: { readonly path: string; readonly sectorIndex: number }): boolean {
    const inode = this.names.get(target.path);
    if (inode === undefined) throw new FileNotFoundError(target.path);
    assert(Number.isSafeInteger(target.sectorIndex) && target.sectorIndex >= 0, 'sectorIndex must be a non-negative integer');
    const startBytes = target.sectorIndex * this.options.sectorSizeBytes;
    if (startBytes >= inode.durable.length) return false;
    const stopBytes = Math.min(inode.durable.length, startBytes + this.options.sectorSizeBytes);
    const offsetBytes = startBytes + this.options.random.nextInt(stopBytes - startBytes);
    inode.durable = inode.durable.slice();
    inode.durable[offsetBytes]! ^= 1 << this.options.random.nextInt(8);
    inode.current = inode.pending.reduce(applyChange, inode.durable);
    return true;
  }
}
