/**
 * A key-value state store for state machines' metadata: byte keys to byte values, in key order
 * ({@link SortedStringChunks}), serialisable to and from snapshot payload bytes.
 *
 * Payload format: entryCount u32, then per entry keyBytes u32, key, valueBytes u32, value, in
 * ascending key order (so equal states give identical bytes). Integrity comes from the snapshot
 * file's checksum; decoding still validates every length against the buffer.
 */
import { assert } from '@objectbox/util';
import { StateImageInvalidError } from './errors.js';
import { SortedStringChunks } from './sorted-string-chunks.js';

/** Byte-wise key order (memcmp), the order range scans return. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/**
 * New keys waiting to be sorted into the ordered keys are sorted in once this many wait: the sort
 * otherwise came all at once at the next snapshot image, inside the Raft group's Ready loop, and
 * stalled every write of the group (48k new keys: 50-120 ms), on every replica at once.
 */
const unorderedKeyCountMax = 1024;

/**
 * Image bytes written per piece, between which a Raft group returns to its event loop. A MiB took
 * 0.5-2 ms in a microbenchmark but 30-330 ms while three replicas and the load generator shared two
 * cores (raft-kv c=64, 2026-12-01): 256 KiB gives the loop four times as many turns per image.
 */
const imagePieceBytesDefault = 256 * 1024;

/** Values up to this many bytes are kept as latin1 strings, longer ones in buffers of their own (see {@link KvStateStore}). */
export const stringValueBytesMax = 512;

/**
 * A stored value: a latin1 string (one character per byte) or, when long, a buffer of its own that
 * nothing else references. Both are immutable once stored (captureImage relies on it), and `length`
 * is the value's length in bytes for both.
 */
type StoredValue = string | Buffer;

/**
 * See the module comment. Keys and values are copied on put and returned as new buffers on read.
 *
 * Keys are held as latin1 strings (one character per byte): the key's bytes are its index key, not
 * a Buffer of their own (a copy per key lived as long as the key, one more object for every
 * collection to trace). Exact-key operations go through a hash index on them; only inserts and
 * deletes touch the ordered keys, which compare the strings in JavaScript (UTF-16 code units: byte
 * order for latin1 strings, without a call into C++ per comparison as Buffer.compare made).
 *
 * New keys do not enter the ordered keys when put: they wait in a list, and the next ordered read
 * (range, snapshot image), or the list reaching {@link unorderedKeyCountMax}, sorts them in. A Raft
 * state machine applies every write on every replica but reads in order rarely (a List call, a
 * snapshot every few thousand writes).
 *
 * Values up to {@link stringValueBytesMax} are latin1 strings too, in the JavaScript heap. A Buffer
 * copy came from Node's shared allocation pool (Buffer.allocUnsafe: slices of 64 KiB slabs in Node
 * 24): a value lives until its key is written again, seconds later, and kept its whole slab alive
 * with every short-lived buffer cut from the same slab (a raft-kv leader, 2026-12-01: 1,503 slabs,
 * 98.5 MB, held by ~96k live views); that memory counts towards V8's limits as external memory and
 * brought on full GCs. A buffer of its own per value (Buffer.allocUnsafeSlow) costs an ArrayBuffer
 * and its tracking per value. A string is one object without pointers for the GC to trace.
 * Larger values get a buffer of their own: as strings, the replaced ones piled up in the heap
 * until a full GC (1M puts of 1.5 KB values over 65,536 keys peaked at ~700 MB of RSS against
 * ~390 MB with pooled copies and ~350 MB with buffers of their own; a reviewer's loop, 2026-12-02),
 * while a buffer's size is counted as external memory as soon as it is replaced.
 */
export class KvStateStore {
  readonly #ordered = new SortedStringChunks();
  /** Each key's value ({@link StoredValue}: immutable, which captureImage relies on). */
  readonly #index = new Map<string, StoredValue>();
  /**
   * Keys put since the last ordered read and not yet in #ordered. Invariant: every key of #index is
   * in exactly one of #ordered and this list; the list may also hold keys deleted since (or twice,
   * when put again), which {@link #settle} skips.
   */
  #unordered: string[] = [];
  /** Bytes of the snapshot image of the current state (see the module comment), kept as keys change. */
  #imageBytes = 4;

  /** Number of keys. */
  get size(): number {
    return this.#index.size;
  }

  /** A copy of the value for `key`, or undefined. */
  get(key: Uint8Array): Buffer | undefined {
    const value = this.#index.get(latin1Of(key));
    return value === undefined ? undefined : copyOfStored(value);
  }

  /**
   * Whether `key` holds exactly `expected` (undefined: whether it is absent), without copying the
   * stored value as {@link get} does: what a compare-and-set compares on every replica.
   */
  valueEquals(key: Uint8Array, expected: Uint8Array | undefined): boolean {
    const value = this.#index.get(latin1Of(key));
    if (value === undefined || expected === undefined) return value === expected;
    if (value.length !== expected.length) return false;
    return typeof value === 'string' ? value === latin1Of(expected) : value.equals(expected);
  }

  /** Stores a copy of `value` under a copy of `key`. */
  put(key: Uint8Array, value: Uint8Array): void {
    const indexKey = latin1Of(key);
    const previous = this.#index.get(indexKey);
    this.#index.set(indexKey, storedOf(value));
    if (previous !== undefined) {
      this.#imageBytes += value.length - previous.length;
      return;
    }
    this.#imageBytes += 8 + key.length + value.length;
    this.#unordered.push(indexKey);
    if (this.#unordered.length >= unorderedKeyCountMax) this.#settle();
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: Uint8Array): boolean {
    const indexKey = latin1Of(key);
    const value = this.#index.get(indexKey);
    if (value === undefined) return false;
    this.#index.delete(indexKey);
    this.#imageBytes -= 8 + indexKey.length + value.length;
    // Absent from the ordered keys when still unordered: #settle skips it then.
    this.#ordered.delete(indexKey);
    return true;
  }

  /** Moves the unordered keys into the ordered keys (sorted, duplicates and deleted keys skipped). */
  #settle(): void {
    if (this.#unordered.length === 0) return;
    // The default sort compares UTF-16 code units: byte order for latin1 index keys.
    const keys = this.#unordered.sort();
    this.#unordered = [];
    const present: string[] = [];
    for (let position = 0; position < keys.length; position++) {
      const key = keys[position]!;
      if (position > 0 && keys[position - 1] === key) continue;
      if (this.#index.has(key)) present.push(key);
    }
    this.#ordered.insertAscending(present);
    assert(this.#ordered.size === this.#index.size, 'state store index and ordered keys disagree');
  }

  /** Entries with start <= key < end in ascending byte order (half-open), at most `limit`. */
  *range(options: { start?: Uint8Array; end?: Uint8Array; limit?: number } = {}): IterableIterator<[Buffer, Buffer]> {
    this.#settle();
    const start = options.start === undefined ? undefined : latin1Of(options.start);
    const end = options.end === undefined ? undefined : latin1Of(options.end);
    const keys = this.#ordered.range({
      ...(start === undefined ? {} : { start }),
      ...(end === undefined ? {} : { end }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    });
    for (const key of keys) yield [Buffer.from(key, 'latin1'), copyOfStored(this.#index.get(key)!)];
  }

  /** The whole state as snapshot payload bytes (a new buffer, deterministic for equal states). */
  toSnapshotPayload(): Buffer {
    // Pieces as large as the whole image: exactly one, the image itself.
    const [image] = this.snapshotPayloadPieces(this.#imageBytes);
    assert(image !== undefined && image.length === this.#imageBytes, 'state image size mismatch');
    return image;
  }

  /**
   * The bytes of {@link toSnapshotPayload} in pieces of about `pieceBytes` (larger by at most one
   * entry), produced lazily, so that a replica can return to its event loop between pieces
   * instead of building an 18 MB image in one go. The image is of the state at this call: the
   * pieces may be taken later while the store keeps changing (see {@link captureImage}).
   */
  snapshotPayloadPieces(pieceBytes = imagePieceBytesDefault): Iterable<Buffer> {
    return this.captureImage(pieceBytes);
  }

  /**
   * The state at this call, as snapshot image pieces (see {@link snapshotPayloadPieces}) to be
   * produced later, while the store goes on changing: a Raft group that waited for an 18 MB image
   * applied nothing meanwhile, and every write of the group stalled for its 70-100 ms (more with
   * new keys to sort in). This call holds references to the current keys and values (8 bytes each
   * a key: ~1 MB and 1-3 ms for a 64k-key store); the bytes are copied as the pieces are taken.
   * Correct because keys and values are immutable (strings, or buffers never handed out): a put
   * replaces a key's value, a delete drops the key.
   *
   * The pieces are consecutive views of one buffer of the image's size (kept up to date on every
   * put and delete), which the Raft group takes as the image as it is; pieces in buffers of their
   * own were copied into one afterwards, an extra 18 MB copy and as many page faults per image.
   */
  captureImage(pieceBytes = imagePieceBytesDefault): Iterable<Buffer> {
    this.#settle();
    // The pairs in key order, collected in one callback walk: a walk through range() resumed a
    // generator and allocated an entry array per key (~0.4 µs of ~1 µs per entry of a 64k-key
    // image).
    const count = this.#ordered.size;
    const keys = new Array<string>(count);
    const values = new Array<StoredValue>(count);
    let position = 0;
    this.#ordered.forEach((key) => {
      keys[position] = key;
      values[position] = this.#index.get(key)!;
      position++;
    });
    return imagePieces(keys, values, this.#imageBytes, pieceBytes);
  }

  /**
   * Rebuilds a store from {@link toSnapshotPayload} bytes (copied).
   * @throws StateImageInvalidError on truncated or unordered images.
   */
  static fromSnapshotPayload(payload: Uint8Array): KvStateStore {
    const view = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
    const store = new KvStateStore();
    const read = readerOf(view);
    const entryCount = read.u32();
    let keyPrevious: Buffer | null = null;
    for (let entry = 0; entry < entryCount; entry++) {
      const key = read.bytes(read.u32());
      const value = read.bytes(read.u32());
      if (keyPrevious !== null && compareBytes(keyPrevious, key) >= 0) throw new StateImageInvalidError('keys out of order');
      store.put(key, value);
      keyPrevious = key;
    }
    if (read.offset() !== view.length) throw new StateImageInvalidError('trailing bytes after the last entry');
    return store;
  }
}

/** Writes the image of `keys` and `values` (in key order, `imageBytes` in all) piece by piece. */
function* imagePieces(keys: readonly string[], values: readonly StoredValue[], imageBytes: number, pieceBytes: number): Generator<Buffer> {
  const image = Buffer.allocUnsafe(imageBytes);
  let offset = image.writeUInt32LE(keys.length, 0);
  let pieceStart = 0;
  for (let position = 0; position < keys.length; position++) {
    if (offset - pieceStart >= pieceBytes) {
      yield image.subarray(pieceStart, offset);
      pieceStart = offset;
    }
    const key = keys[position]!;
    const value = values[position]!;
    // A latin1 string has one character per byte: its length is its length in bytes.
    image.writeUInt32LE(key.length, offset);
    image.write(key, offset + 4, 'latin1');
    offset += 4 + key.length;
    image.writeUInt32LE(value.length, offset);
    if (typeof value === 'string') image.write(value, offset + 4, 'latin1');
    else image.set(value, offset + 4);
    offset += 4 + value.length;
  }
  assert(offset === image.length, 'state image size differs from the size kept');
  yield image.subarray(pieceStart, offset);
}

/** A value to store: a copy of `bytes` that nothing else references (see {@link StoredValue}). */
function storedOf(bytes: Uint8Array): StoredValue {
  if (bytes.length <= stringValueBytesMax) return latin1Of(bytes);
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  copy.set(bytes);
  return copy;
}

/** A new buffer with a stored value's bytes (the stored value itself is never handed out). */
function copyOfStored(value: StoredValue): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'latin1') : Buffer.from(value);
}

/** `bytes` as a string of one latin1 character per byte, so distinct byte strings stay distinct. */
function latin1Of(bytes: Uint8Array): string {
  // A Buffer (what the registry applies) is read in place: a view made for it cost as much again.
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)).toString('latin1');
}

function readerOf(view: Buffer): { u32(): number; bytes(length: number): Buffer; offset(): number } {
  let offset = 0;
  const need = (length: number): void => {
    if (offset + length > view.length) throw new StateImageInvalidError(`image truncated at byte ${offset}`);
  };
  return {
    u32: () => {
      need(4);
      const value = view.readUInt32LE(offset);
      offset += 4;
      return value;
    },
    bytes: (length) => {
      need(length);
      const value = view.subarray(offset, offset + length);
      offset += length;
      return value;
    },
    offset: () => offset,
  };
}
