/**
 * A string value. Small values (the common cache entry: counters, flags, short tokens) are kept as a
 * latin1 JS string — one char per byte, lossless, about 16 + n bytes of heap — instead of a Buffer,
 * whose object alone costs about 80 bytes; larger values stay Buffers so reads do not copy them.
 * `bytes` gives the value as a Buffer either way (for a small value, a fresh copy: callers may keep
 * or send it, never mutate the stored value through it).
 */
export const cacheStringInlineBytesMax = 64;

export class CacheStringValue {
  private readonly data: string | Buffer;

  /** On the prototype, not a field: one pointer less per key. */
  get type(): 'string' {
    return 'string';
  }

  /** Keeps `bytes` itself when it is larger than the inline bound: the caller hands it over. */
  constructor(bytes: Buffer) {
    this.data = bytes.byteLength <= cacheStringInlineBytesMax ? bytes.toString('latin1') : bytes;
  }

  /** A value holding a copy of `bytes` (the request's argument buffers are not kept). */
  static copyOf(bytes: Uint8Array): CacheStringValue {
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new CacheStringValue(bytes.byteLength <= cacheStringInlineBytesMax ? view : Buffer.from(view));
  }

  get bytes(): Buffer {
    return typeof this.data === 'string' ? Buffer.from(this.data, 'latin1') : this.data;
  }

  get byteLength(): number {
    return typeof this.data === 'string' ? this.data.length : this.data.byteLength;
  }
}
