/**
 * A string value. Small values (the common cache entry: counters, flags, short tokens) are kept as a
 * latin1 JS string — one char per byte, lossless, about 16 + n bytes of heap — instead of a Buffer,
 * whose object alone costs about 80 bytes; larger values stay Buffers so reads do not copy them.
 * `bytes` gives the value as a Buffer either way (for a small value, a fresh copy: callers may keep
 * or send it, never mutate the stored value through it).
 *
 * The keyspace stores only {@link CacheStringValue.data} (no object per key, see cache-key-table.ts)
 * and wraps it again when a command reads the key.
 */
export const cacheStringInlineBytesMax = 64;

/**
 * A string value's bytes as stored: a JS string (latin1, one char per byte) when the value has at most
 * {@link cacheStringInlineBytesMax} bytes, a Buffer when it has more, or when it was built in place
 * (see {@link CacheStringValue.raw}): a Buffer is what Redis's `raw` encoding is here.
 */
export type CacheStringData = string | Buffer;

export class CacheStringValue {
  readonly data: CacheStringData;

  /** On the prototype, not a field: one pointer less per value. */
  get type(): 'string' {
    return 'string';
  }

  /**
   * Keeps a Buffer larger than the inline bound itself (the caller hands it over). A JS string is
   * taken as latin1 text, one char per byte (the stored form of {@link data}). With `asStored`, `bytes`
   * is a stored form ({@link data} of some value) and is kept as it is.
   */
  constructor(bytes: Buffer | string, asStored = false) {
    if (asStored) {
      this.data = bytes;
    } else if (typeof bytes === 'string') {
      this.data = bytes.length <= cacheStringInlineBytesMax ? bytes : Buffer.from(bytes, 'latin1');
    } else {
      this.data = bytes.byteLength <= cacheStringInlineBytesMax ? bytes.toString('latin1') : bytes;
    }
  }

  /**
   * A value APPEND, SETRANGE, SETBIT or BITOP built: kept as a Buffer whatever its size. Redis gives
   * such strings the `raw` encoding (never int or embstr), and OBJECT ENCODING shows it (string.tcl
   * checks it after APPEND and SETRANGE).
   */
  static raw(bytes: Buffer): CacheStringValue {
    return new CacheStringValue(bytes, true);
  }

  /** A value holding a copy of `bytes` (the request's argument buffers are not kept). */
  static copyOf(bytes: Uint8Array): CacheStringValue {
    if (bytes.byteLength <= cacheStringInlineBytesMax) return new CacheStringValue(latin1TextOf(bytes));
    return new CacheStringValue(Buffer.from(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  }

  get bytes(): Buffer {
    return typeof this.data === 'string' ? Buffer.from(this.data, 'latin1') : this.data;
  }

  get byteLength(): number {
    return typeof this.data === 'string' ? this.data.length : this.data.byteLength;
  }
}

/** Buffer's own latin1 decoder, undeclared in @types/node: what `toString('latin1')` ends in. */
interface Latin1Sliceable {
  latin1Slice(start: number, end: number): string;
}

/**
 * `bytes` as latin1 text, one char per byte. For a Buffer (every request argument) this skips the
 * view and `toString`'s encoding dispatch, a sizeable share of a pipelined GET or SET.
 */
export function latin1TextOf(bytes: Uint8Array): string {
  const buffer = bytes instanceof Buffer ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (buffer as unknown as Latin1Sliceable).latin1Slice(0, buffer.length);
}

/**
 * Bytes a collection keeps (list elements, hash values): latin1 text, one char per byte, when at most
 * {@link cacheStringInlineBytesMax} bytes, else a Buffer of their own, never mutated. Collections are
 * long-lived and large, so this is what V8 copies and marks: a short string is ~20 bytes of heap and
 * nothing outside it, where a Buffer costs ~90 bytes plus a share of an external pool slab.
 */
export type CacheStoredBytes = string | Buffer;

/** A copy of `bytes` to keep (a request argument may be a view of a larger buffer). */
export function storedBytesOf(bytes: Uint8Array): CacheStoredBytes {
  return bytes.byteLength <= cacheStringInlineBytesMax ? latin1TextOf(bytes) : Buffer.from(bytes);
}

/** Stored bytes as a Buffer: a fresh one for text, the stored Buffer itself otherwise (not to be modified). */
export function bytesOfStored(stored: CacheStoredBytes): Buffer {
  return typeof stored === 'string' ? Buffer.from(stored, 'latin1') : stored;
}

export function storedByteLength(stored: CacheStoredBytes): number {
  return typeof stored === 'string' ? stored.length : stored.byteLength;
}

export function storedBytesEqual(stored: CacheStoredBytes, bytes: Uint8Array): boolean {
  if (typeof stored !== 'string') return stored.equals(bytes);
  if (stored.length !== bytes.length) return false;
  for (let index = 0; index < bytes.length; index++) if (stored.charCodeAt(index) !== bytes[index]) return false;
  return true;
}
