/**
 * Reply values, independent of the protocol version a connection speaks. Commands return these; the
 * encoder turns them into RESP2 or RESP3 bytes (see resp-encoder.ts for the RESP2 fallbacks).
 *
 * Types follow the RESP specification (redis.io docs/reference/protocol-spec). Null has two members
 * because RESP2 has two nulls that clients tell apart: the null bulk string `$-1` (GET of a missing
 * key) and the null array `*-1` (BLPOP timing out, EXEC aborted by WATCH). RESP3 writes both as `_`.
 */
export type RespValue =
  | { readonly type: 'simple-string'; readonly value: string }
  | { readonly type: 'error'; readonly prefix: string; readonly message: string }
  | { readonly type: 'integer'; readonly value: number | bigint }
  | { readonly type: 'bulk-string'; readonly value: Uint8Array | string }
  | { readonly type: 'null-bulk' }
  | { readonly type: 'null-array' }
  | { readonly type: 'array'; readonly items: readonly RespValue[] }
  | { readonly type: 'map'; readonly entries: readonly (readonly [RespValue, RespValue])[] }
  | { readonly type: 'set'; readonly items: readonly RespValue[] }
  /** `text`, when given, is sent instead of the shortest digits of `value` (Redis's own `%.17Lf` digits, as GEOPOS sends). */
  | { readonly type: 'double'; readonly value: number; readonly text?: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'big-number'; readonly value: bigint }
  | { readonly type: 'verbatim-string'; readonly format: string; readonly value: Uint8Array | string }
  | { readonly type: 'push'; readonly items: readonly RespValue[] }
  /** A reply preceded by RESP3 attributes (`|`, out-of-band metadata about it); RESP2 gets the reply alone. */
  | { readonly type: 'attributed'; readonly attributes: readonly (readonly [RespValue, RespValue])[]; readonly value: RespValue };

/** The protocol a connection speaks: 2 until `HELLO 3`. */
export type RespProtocolVersion = 2 | 3;

/** `+OK`, the most common reply; shared because reply values are immutable. */
export const respOk: RespValue = Object.freeze({ type: 'simple-string', value: 'OK' });
/** The null bulk string (`$-1` in RESP2, `_` in RESP3). */
export const respNullBulk: RespValue = Object.freeze({ type: 'null-bulk' });
/** The null array (`*-1` in RESP2, `_` in RESP3). */
export const respNullArray: RespValue = Object.freeze({ type: 'null-array' });

/** A bulk string; a JS string is sent as UTF-8. The bytes are referenced, not copied. */
export function respBulkString(value: Uint8Array | string): RespValue {
  return { type: 'bulk-string', value };
}

/** Shared replies for the small counts most commands answer (SADD, HSET, ZADD, EXISTS: 0 or 1). */
const respSmallIntegers: readonly RespValue[] = Array.from({ length: 256 }, (_, value) => Object.freeze({ type: 'integer', value }) as RespValue);

/** An integer reply; `value` must be a safe integer or a bigint within int64. */
export function respInteger(value: number | bigint): RespValue {
  if (typeof value === 'number' && value >= 0 && value < 256 && Number.isInteger(value) && !Object.is(value, -0)) return respSmallIntegers[value] as RespValue;
  return { type: 'integer', value };
}

/**
 * An error reply `-<prefix> <message>`: `prefix` is Redis's error code word (`ERR`, `WRONGTYPE`,
 * `NOAUTH`, ...), `message` the rest of Redis's text.
 */
export function respError(prefix: string, message: string): RespValue {
  return { type: 'error', prefix, message };
}

/** An array of bulk strings, the shape of most multi-value replies (MGET, KEYS, LRANGE). */
export function respBulkStringArray(values: readonly (Uint8Array | string)[]): RespValue {
  return { type: 'array', items: values.map(respBulkString) };
}
