/**
 * Expected failures of commands, one reason per Redis error text. Handlers throw
 * {@link CacheCommandError}; `executeCommand` turns it into the error reply (prefix + text) in one
 * place. Texts are Redis 7's: src/server.c (processCommand, shared.*), src/t_string.c, src/db.c,
 * src/expire.c, src/object.c (getLongLongFromObjectOrReply, getLongDoubleFromObjectOrReply).
 */
import { CacheError, isCacheError } from './errors.js';
import { respError, type RespValue } from './resp-value.js';

export type CacheCommandErrorReason =
  | 'unknown-command'
  | 'wrong-arity'
  | 'wrong-type'
  | 'syntax'
  | 'not-integer'
  | 'not-float'
  | 'increment-overflow'
  | 'decrement-overflow'
  | 'increment-nan-or-infinity'
  | 'string-too-long'
  | 'offset-out-of-range'
  | 'no-such-key'
  | 'database-index-out-of-range'
  | 'invalid-expire-time'
  | 'invalid-cursor'
  | 'expire-nx-and-others'
  | 'expire-gt-and-lt'
  | 'unsupported-option';

/** Prefix and text of each reason; `%s` is filled with {@link CacheCommandError.detail}. */
export const cacheCommandErrorTexts: Readonly<Record<CacheCommandErrorReason, { prefix: string; text: string }>> = {
  'unknown-command': { prefix: 'ERR', text: '%s' },
  'wrong-arity': { prefix: 'ERR', text: "wrong number of arguments for '%s' command" },
  'wrong-type': { prefix: 'WRONGTYPE', text: 'Operation against a key holding the wrong kind of value' },
  syntax: { prefix: 'ERR', text: 'syntax error' },
  'not-integer': { prefix: 'ERR', text: 'value is not an integer or out of range' },
  'not-float': { prefix: 'ERR', text: 'value is not a valid float' },
  'increment-overflow': { prefix: 'ERR', text: 'increment or decrement would overflow' },
  'decrement-overflow': { prefix: 'ERR', text: 'decrement would overflow' },
  'increment-nan-or-infinity': { prefix: 'ERR', text: 'increment would produce NaN or Infinity' },
  'string-too-long': { prefix: 'ERR', text: 'string exceeds maximum allowed size (proto-max-bulk-len)' },
  'offset-out-of-range': { prefix: 'ERR', text: 'offset is out of range' },
  'no-such-key': { prefix: 'ERR', text: 'no such key' },
  'database-index-out-of-range': { prefix: 'ERR', text: 'DB index is out of range' },
  'invalid-expire-time': { prefix: 'ERR', text: "invalid expire time in '%s' command" },
  'invalid-cursor': { prefix: 'ERR', text: 'invalid cursor' },
  'expire-nx-and-others': { prefix: 'ERR', text: 'NX and XX, GT or LT options at the same time are not compatible' },
  'expire-gt-and-lt': { prefix: 'ERR', text: 'GT and LT options at the same time are not compatible' },
  'unsupported-option': { prefix: 'ERR', text: 'Unsupported option %s' },
};

/** A command failed in an expected way; the reply is `-<prefix> <text>`. */
export class CacheCommandError extends CacheError {
  readonly code = 'CommandError';
  readonly kind = 'invalid-argument';
  constructor(
    readonly reason: CacheCommandErrorReason,
    /** What `%s` stands for: a command name, an option, or the whole unknown-command text. */
    readonly detail: string = '',
  ) {
    super(cacheCommandErrorTextOf(reason, detail));
  }

  get prefix(): string {
    return cacheCommandErrorTexts[this.reason].prefix;
  }

  toReply(): RespValue {
    return respError(this.prefix, this.message);
  }
}

export function isCacheCommandError(value: unknown): value is CacheCommandError {
  return isCacheError(value) && value.code === 'CommandError';
}

function cacheCommandErrorTextOf(reason: CacheCommandErrorReason, detail: string): string {
  return cacheCommandErrorTexts[reason].text.replace('%s', () => detail);
}
