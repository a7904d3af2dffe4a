/**
 * An in-memory {@link StorageFileSystem} with crash semantics, for crash tests and the simulator.
 *
 * Each file keeps its current bytes and the bytes made durable by its last `sync()`; each directory
 * keeps its current entries and those made durable by its last `syncDirectory()`. `crash()` reverts
 * to the durable state, except that, with a `Random`, each unsynced 512-byte sector written since the
 * last sync survives or not at random (torn, out-of-order writes), the way a real disk may persist
 * some dirty pages before the crash. Deterministic for a given random source.
 */
import { assert } from '@objectbox/util';
import type { StorageFile, StorageFileSystem } from './file-system.js';

/** A deterministic source of random numbers in [0, 1). */
export interface Random {
  next(): number;
}

/** A small seeded PRNG (mulberry32): deterministic, for tests and simulation only. */
export function createSeededRandom(seed: number): Random {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Size of the unit in which unsynced data survives a crash or not. */
export const memorySectorBytes = 512;

interface MemoryNode {
  data: Buffer;
  dataDurable: Buffer;
}

/** Counters of durability operations, for tests that count fsyncs. */
export interface MemoryFileSystemCounters {
  fileSyncCount: number;
  directorySyncCount: number;
  writeCount: number;
}

/** See the module comment. */
export class MemoryFileSystem implements StorageFileSystem {
  /** Invariant: keys are directory paths; entries map names to nodes; durable ⊆ history of current. */
  readonly #directories = new Map<string, { entries: Map<string, MemoryNode>; entriesDurable: Map<string, MemoryNode> }>();
  readonly counters: MemoryFileSystemCounters = { fileSyncCount: 0, directorySyncCount: 0, writeCount: 0 };
  /** Incremented by every crash; views and handles of an older epoch belong to a dead process. */
  #epoch = 0;

  /**
   * A view of this disk for one simulated process: after the next `crash()`, every call through it
   * (and through files opened with it) rejects, the way a killed process issues no more I/O.
   */
  processView(): StorageFileSystem {
    const epoch = this.#epoch;
    const alive = (): void => {
      if (this.#epoch !== epoch) throw new Error('simulated process was killed by a crash');
    };
    const guardFile = (file: StorageFile): StorageFile => ({
      sizeBytes: async () => (alive(), file.sizeBytes()),
      write: async (chunks, positionBytes) => (alive(), file.write(chunks, positionBytes)),
      sync: async () => (alive(), file.sync()),
      truncate: async (sizeBytes) => (alive(), file.truncate(sizeBytes)),
      close: async () => (alive(), file.close()),
    });
    return {
      makeDirectory: async (path) => (alive(), this.makeDirectory(path)),
      listDirectory: async (path) => (alive(), this.listDirectory(path)),
      readFile: async (path) => (alive(), this.readFile(path)),
      openFile: async (path) => (alive(), guardFile(await this.openFile(path))),
      rename: async (sourcePath, targetPath) => (alive(), this.rename(sourcePath, targetPath)),
      removeFile: async (path) => (alive(), this.removeFile(path)),
      syncDirectory: async (path) => (alive(), this.syncDirectory(path)),
    };
  }

  async makeDirectory(path: string): Promise<void> {
    if (!this.#directories.has(path)) this.#directories.set(path, { entries: new Map(), entriesDurable: new Map() });
  }

  async listDirectory(path: string): Promise<string[]> {
    return [...(this.#directories.get(path)?.entries.keys() ?? [])];
  }

  async readFile(path: string): Promise<Uint8Array | null> {
    const node = this.#lookup(path);
    return node === undefined ? null : Buffer.from(node.data);
  }

  async openFile(path: string): Promise<StorageFile> {
    const { directory, name } = this.#split(path);
    let node = directory.entries.get(name);
    if (node === undefined) {
      node = { data: Buffer.alloc(0), dataDurable: Buffer.alloc(0) };
      directory.entries.set(name, node);
    }
    return this.#handle(node);
  }

  async rename(sourcePath: string, targetPath: string): Promise<void> {
    const source = this.#split(sourcePath);
    const target = this.#split(targetPath);
    const node = source.directory.entries.get(source.name);
    assert(node !== undefined, `rename: ${sourcePath} does not exist`);
    source.directory.entries.delete(source.name);
    target.directory.entries.set(target.name, node);
  }

  async removeFile(path: string): Promise<void> {
    const { directory, name } = this.#split(path);
    directory.entries.delete(name);
  }

  async syncDirectory(path: string): Promise<void> {
    const directory = this.#directories.get(path);
    assert(directory !== undefined, `syncDirectory: ${path} does not exist`);
    directory.entriesDurable = new Map(directory.entries);
    this.counters.directorySyncCount++;
  }

  /**
   * Simulates power loss: directory entries revert to their durable set and file contents to their
   * durable bytes, plus (with `random`) a random subset of the unsynced sectors. Handles opened
   * before the crash must not be used afterwards.
   */
  crash(random?: Random): void {
    this.#epoch++;
    for (const directory of this.#directories.values()) {
      // Fresh nodes: handles opened before the crash keep writing to the old, now orphaned ones,
      // the way a dead process's writes never reach the disk.
      const entries = new Map<string, MemoryNode>();
      for (const [name, node] of directory.entriesDurable) {
        const data = random === undefined ? Buffer.from(node.dataDurable) : tear(node, random);
        entries.set(name, { data, dataDurable: Buffer.from(data) });
      }
      directory.entries = entries;
      directory.entriesDurable = new Map(entries);
    }
  }

  /** The current bytes of a file (a copy), or null; for tests that damage files. */
  peek(path: string): Buffer | null {
    const node = this.#lookup(path);
    return node === undefined ? null : Buffer.from(node.data);
  }

  /** Replaces a file's current and durable bytes; for tests that damage files. */
  poke(path: string, data: Uint8Array): void {
    const node = this.#lookup(path);
    assert(node !== undefined, `poke: ${path} does not exist`);
    node.data = Buffer.from(data);
    node.dataDurable = Buffer.from(data);
  }

  #lookup(path: string): MemoryNode | undefined {
    const slash = path.lastIndexOf('/');
    return this.#directories.get(path.slice(0, slash))?.entries.get(path.slice(slash + 1));
  }

  #split(path: string): { directory: { entries: Map<string, MemoryNode> }; name: string } {
    const slash = path.lastIndexOf('/');
    const directory = this.#directories.get(path.slice(0, slash));
    assert(directory !== undefined, `directory of ${path} does not exist`);
    return { directory, name: path.slice(slash + 1) };
  }

  #handle(node: MemoryNode): StorageFile {
    const counters = this.counters;
    return {
      sizeBytes: async () => node.data.length,
      write: async (chunks, positionBytes) => {
        const incoming = Buffer.concat(chunks);
        const sizeBytes = Math.max(node.data.length, positionBytes + incoming.length);
        const next = Buffer.alloc(sizeBytes);
        node.data.copy(next, 0);
        incoming.copy(next, positionBytes);
        node.data = next;
        counters.writeCount++;
      },
      sync: async () => {
        node.dataDurable = Buffer.from(node.data);
        counters.fileSyncCount++;
      },
      truncate: async (sizeBytes) => {
        node.data = Buffer.from(node.data.subarray(0, Math.min(sizeBytes, node.data.length)));
      },
      close: async () => {},
    };
  }
}

/** Durable bytes plus a random subset of the sectors that differ; the size is current or durable. */
function tear(node: MemoryNode, random: Random): Buffer {
  const sizeBytes = random.next() < 0.5 ? node.data.length : node.dataDurable.length;
  const result = Buffer.alloc(sizeBytes);
  node.dataDurable.copy(result, 0, 0, Math.min(sizeBytes, node.dataDurable.length));
  for (let sector = 0; sector * memorySectorBytes < sizeBytes; sector++) {
    const start = sector * memorySectorBytes;
    const end = Math.min(start + memorySectorBytes, sizeBytes, node.data.length);
    if (end > start && random.next() < 0.5) node.data.copy(result, start, start, end);
  }
  return result;
}
