/**
 * The disk of one simulated replica: a `MemoryFileSystem` from storage-core (unsynced data lost
 * and torn into 512-byte sectors on a crash) plus the two faults it lacks, in the spirit of
 * tigerbeetle/tigerbeetle src/testing/storage.zig:
 *
 * - crash points: `armCrash(operationCount)` makes the n-th next file operation kill the process.
 *   A write that is the crash point lands in the page cache first, so the crash tears it;
 * - latent sector errors: `corruptSector(random)` flips a byte of durable data while the replica
 *   is down. Only data the WAL and snapshot store protect with CRC32C and can tell from a torn
 *   write is eligible: any sector of a snapshot file, and WAL sectors that end before the start
 *   of the file's last synced write. Damage inside the last WAL batch is, by the WAL's documented
 *   design (storage-core segment-scan.ts), indistinguishable from a torn write and silently truncated,
 *   which would make a replica forget an acknowledged entry or vote; like TigerBeetle's
 *   ClusterFaultAtlas, the simulator only injects faults the system claims to survive.
 */
import { MemoryFileSystem, memorySectorBytes, type StorageFile, type StorageFileSystem } from '@objectbox/storage-core';
import type { Random } from '@objectbox/testing-core';
import { assert } from '@objectbox/util';
import { SimulatedCrashError } from './errors.js';

/** What `corruptSector` damaged, for the trace and for statistics. */
export interface SectorCorruption {
  readonly path: string;
  readonly offsetBytes: number;
}

/** See the module comment. One instance per replica slot; it outlives process incarnations. */
export class SimulatedFileSystem {
  readonly #memory = new MemoryFileSystem();
  /** Operations left before the armed crash point; undefined when none is armed. */
  #crashCountdown: number | undefined;
  /** True once an armed crash point fired; the owner must call {@link crash}. */
  crashTriggered = false;
  /**
   * Start offsets of the writes to each path still inside the file, ascending: the WAL writes one
   * batch per write call, so the last one starts the final batch.
   * Invariant: every offset is below the file's current size.
   */
  readonly #writeOffsetsBytes = new Map<string, number[]>();
  /**
   * How many of each path's recorded writes were synced. A crash forgets the others even when some
   * of their sectors survive torn: the WAL discards a torn batch, so the batch before it becomes
   * the final one, whose damage it cannot tell from a torn write (seed 1124 with 5 replicas
   * corrupted it after the un-awaited commit-only append was torn).
   */
  readonly #syncedWriteCount = new Map<string, number>();
  /** Every file path ever opened, so corruption can find files without listing directories. */
  readonly #paths = new Set<string>();

  /**
   * A file system for one process incarnation: every call through it rejects after the next
   * {@link crash}. Calls also count down an armed crash point.
   */
  processView(): StorageFileSystem {
    const view = this.#memory.processView();
    const step = (operation: string): void => this.#step(operation);
    return {
      makeDirectory: async (path) => (step('makeDirectory'), view.makeDirectory(path)),
      listDirectory: async (path) => view.listDirectory(path),
      readFile: async (path) => view.readFile(path),
      openFile: async (path) => {
        step('openFile');
        this.#paths.add(path);
        return this.#guardFile(path, await view.openFile(path));
      },
      rename: async (sourcePath, targetPath) => {
        step('rename');
        this.#paths.add(targetPath);
        return view.rename(sourcePath, targetPath);
      },
      removeFile: async (path) => {
        step('removeFile');
        this.#writeOffsetsBytes.delete(path);
        this.#syncedWriteCount.delete(path);
        return view.removeFile(path);
      },
      syncDirectory: async (path) => (step('syncDirectory'), view.syncDirectory(path)),
    };
  }

  /** Arms a crash at the `operationCount`-th next mutating file operation (1 = the next one). */
  armCrash(operationCount: number): void {
    assert(Number.isSafeInteger(operationCount) && operationCount >= 1, 'operationCount must be >= 1');
    this.#crashCountdown = operationCount;
  }

  /** True while a crash point is armed and has not fired. */
  get crashArmed(): boolean {
    return this.#crashCountdown !== undefined;
  }

  /**
   * Power loss: unsynced data is lost except a random subset of its sectors (torn writes), and
   * handles of the dead process stop working. Disarms any crash point.
   */
  crash(random: Random): void {
    this.#crashCountdown = undefined;
    this.crashTriggered = false;
    this.#memory.crash({ next: () => random.nextFloat() });
    for (const path of this.#paths) {
      const offsets = this.#writeOffsetsBytes.get(path);
      if (offsets !== undefined) offsets.length = Math.min(offsets.length, this.#syncedWriteCount.get(path) ?? 0);
      this.#forgetWritesFrom(path, this.#memory.peek(path)?.length ?? 0);
    }
  }

  /** Erases the disk (a replica slot reused by a new member); all handles die. */
  wipe(random: Random): void {
    this.crash(random);
    for (const path of this.#paths) {
      if (this.#memory.peek(path) !== null) this.#memory.poke(path, new Uint8Array(0));
    }
    this.#writeOffsetsBytes.clear();
    this.#syncedWriteCount.clear();
  }

  /**
   * Flips one byte in a random eligible durable sector (see the module comment); returns what it
   * damaged, or undefined when no sector is eligible. Call only while the replica is down.
   */
  corruptSector(random: Random): SectorCorruption | undefined {
    const candidates: SectorCorruption[] = [];
    for (const path of [...this.#paths].sort()) {
      const bytes = this.#memory.peek(path);
      if (bytes === null) continue;
      const eligibleEndBytes = path.endsWith('.snap') ? bytes.length : path.endsWith('.wal') ? this.#writeOffsetsBytes.get(path)?.at(-1) ?? 0 : 0;
      const sectorCount = Math.floor(Math.min(eligibleEndBytes, bytes.length) / memorySectorBytes);
      for (let sector = 0; sector < sectorCount; sector++) candidates.push({ path, offsetBytes: sector * memorySectorBytes });
    }
    if (candidates.length === 0) return undefined;
    const target = random.pick(candidates);
    const bytes = this.#memory.peek(target.path)!;
    const offsetBytes = target.offsetBytes + random.nextInt(memorySectorBytes);
    bytes[offsetBytes] = bytes[offsetBytes]! ^ (1 + random.nextInt(255));
    this.#memory.poke(target.path, bytes);
    return { path: target.path, offsetBytes };
  }

  #step(operation: string): void {
    if (this.#crashCountdown === undefined) return;
    this.#crashCountdown--;
    if (this.#crashCountdown > 0) return;
    this.#crashCountdown = undefined;
    this.crashTriggered = true;
    throw new SimulatedCrashError(operation);
  }

  /** Drops the recorded writes at or beyond `offsetBytes` (they were truncated or lost). */
  #forgetWritesFrom(path: string, offsetBytes: number): void {
    const offsets = (this.#writeOffsetsBytes.get(path) ?? []).filter((offset) => offset < offsetBytes);
    this.#writeOffsetsBytes.set(path, offsets);
    this.#syncedWriteCount.set(path, Math.min(this.#syncedWriteCount.get(path) ?? 0, offsets.length));
  }

  #guardFile(path: string, file: StorageFile): StorageFile {
    return {
      sizeBytes: () => file.sizeBytes(),
      write: async (chunks, positionBytes) => {
        this.#forgetWritesFrom(path, positionBytes);
        this.#writeOffsetsBytes.get(path)!.push(positionBytes);
        await file.write(chunks, positionBytes);
        // The crash point fires after the write reached the page cache, so the crash may tear it.
        this.#step('write');
      },
      sync: async () => {
        this.#step('sync');
        const writeCount = this.#writeOffsetsBytes.get(path)?.length ?? 0;
        await file.sync();
        this.#syncedWriteCount.set(path, writeCount);
      },
      truncate: async (sizeBytes) => {
        this.#step('truncate');
        this.#forgetWritesFrom(path, sizeBytes);
        return file.truncate(sizeBytes);
      },
      close: () => file.close(),
    };
  }
}
