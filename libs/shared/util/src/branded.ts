/**
 * Branded number types keep values with the same representation but different meanings apart at
 * compile time (a byte count is not a log index). See STYLE.md §3.
 */
export type Brand<T, Name extends string> = T & { readonly __brand: Name };

/** A count of bytes. */
export type ByteCount = Brand<number, 'ByteCount'>;
/** A duration in milliseconds. */
export type DurationMs = Brand<number, 'DurationMs'>;
