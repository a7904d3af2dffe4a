/**
 * Typed errors of the cache (the Redis-compatible service).
 *
 * Every expected failure of the cache core is one of these classes; a failed `assert` is a
 * programmer error instead (STYLE.md §4-5). The RESP edge maps them once, in one table, to a reply
 * prefix and text.
 */
import { ObjectBoxError, isObjectBoxError } from '@objectbox/util';

/** Base of all cache errors; `isCacheError` recognises it across package copies. */
export abstract class CacheError extends ObjectBoxError {
  /** Marks instances without relying on `instanceof`. */
  readonly isCacheError = true;
}

/** True for any {@link CacheError}, also across duplicated copies of this package. */
export function isCacheError(value: unknown): value is CacheError {
  return isObjectBoxError(value) && (value as Partial<CacheError>).isCacheError === true;
}

/**
 * Why a client's request bytes were rejected. Each reason has exactly one Redis text (see
 * {@link respProtocolErrorTexts}); several Redis texts embed a byte, which the error carries.
 */
export type RespProtocolErrorReason =
  | 'multibulk-length-invalid'
  | 'multibulk-length-unauthenticated'
  | 'multibulk-count-line-too-big'
  | 'bulk-length-invalid'
  | 'bulk-length-unauthenticated'
  | 'bulk-count-line-too-big'
  | 'bulk-prefix-expected'
  | 'inline-request-too-big'
  | 'inline-quotes-unbalanced';

/**
 * Redis's texts, without the `Protocol error: ` prefix, from processMultibulkBuffer and
 * processInlineBuffer in redis/redis src/networking.c (Redis 7). `bulk-prefix-expected` is a template
 * whose `%c` is the offending byte.
 */
export const respProtocolErrorTexts: Readonly<Record<RespProtocolErrorReason, string>> = {
  'multibulk-length-invalid': 'invalid multibulk length',
  'multibulk-length-unauthenticated': 'unauthenticated multibulk length',
  'multibulk-count-line-too-big': 'too big mbulk count string',
  'bulk-length-invalid': 'invalid bulk length',
  'bulk-length-unauthenticated': 'unauthenticated bulk length',
  'bulk-count-line-too-big': 'too big bulk count string',
  'bulk-prefix-expected': "expected '$', got '%c'",
  'inline-request-too-big': 'too big inline request',
  'inline-quotes-unbalanced': 'unbalanced quotes in request',
};

/**
 * A client sent bytes that are not a valid request (or exceed a decoder limit). As in Redis, the
 * server answers `-ERR Protocol error: <redisText>` ({@link RespProtocolError.replyText}) and closes
 * the connection after the reply; the decoder stays failed.
 */
export class RespProtocolError extends CacheError {
  readonly code = 'RespProtocol';
  readonly kind = 'invalid-argument';
  /** Redis's exact text without the `Protocol error: ` prefix, e.g. `invalid bulk length`. */
  readonly redisText: string;
  constructor(
    readonly reason: RespProtocolErrorReason,
    /** Offset in the connection's byte stream of the element that failed (0-based). */
    readonly streamOffsetBytes: number,
    /** The offending byte for `bulk-prefix-expected`, else null. */
    readonly byteFound: number | null = null,
  ) {
    const redisText = respProtocolErrorTextOf(reason, byteFound);
    super(`Protocol error: ${redisText} (at stream byte ${streamOffsetBytes})`);
    this.redisText = redisText;
  }

  /** The error reply text after `-ERR `: `Protocol error: <redisText>`. */
  get replyText(): string {
    return `Protocol error: ${this.redisText}`;
  }
}

/**
 * Renders the Redis text of `reason`. Redis's addReplyErrorFormat turns CR and LF into spaces so the
 * reply stays one line; the embedded byte gets the same treatment here.
 */
function respProtocolErrorTextOf(reason: RespProtocolErrorReason, byteFound: number | null): string {
  const template = respProtocolErrorTexts[reason];
  if (byteFound === null) return template;
  const character = byteFound === 0x0d || byteFound === 0x0a ? ' ' : String.fromCharCode(byteFound);
  return template.replace('%c', character);
}
