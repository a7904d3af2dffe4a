/**
 * Expected failures of commands, one reason per Redis error text. Handlers throw
 * {@link CacheCommandError}; `executeCommand` turns it into the error reply (prefix + text) in one
 * place. Texts are Redis 7's: src/server.c (processCommand, shared.*), src/t_string.c, src/db.c,
 * src/expire.c, src/object.c (getLongLongFromObjectOrReply, getLongDoubleFromObjectOrReply).
 */
import { CacheError, isCacheError } from './errors.js';
import { respError, type RespValue } from './resp-value.js';

/**
 * Prefix and text of each reason; `%s` is filled with {@link CacheCommandError.detail}. One section
 * per command family, so each family's texts sit together (add a family's texts in its section).
 */
export const cacheCommandErrorTexts = {
  // General (server.c, object.c, db.c, expire.c, t_string.c).
  'unknown-command': { prefix: 'ERR', text: '%s' },
  'wrong-arity': { prefix: 'ERR', text: "wrong number of arguments for '%s' command" },
  'wrong-type': { prefix: 'WRONGTYPE', text: 'Operation against a key holding the wrong kind of value' },
  syntax: { prefix: 'ERR', text: 'syntax error' },
  'not-integer': { prefix: 'ERR', text: 'value is not an integer or out of range' },
  'not-float': { prefix: 'ERR', text: 'value is not a valid float' },
  'out-of-range-positive': { prefix: 'ERR', text: 'value is out of range, must be positive' },
  'out-of-range': { prefix: 'ERR', text: 'value is out of range' },
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
  'source-and-destination-same': { prefix: 'ERR', text: 'source and destination objects are the same' },
  'numkeys-not-positive': { prefix: 'ERR', text: 'numkeys should be greater than 0' },
  'numkeys-too-many': { prefix: 'ERR', text: "Number of keys can't be greater than number of args" },
  'count-not-positive': { prefix: 'ERR', text: 'count should be greater than 0' },
  // LCS (t_string.c lcsCommand).
  'lcs-not-strings': { prefix: 'ERR', text: 'The specified keys must contain string values' },
  'lcs-len-and-idx': { prefix: 'ERR', text: 'If you want both the length and indexes, please just use IDX.' },
  'lcs-table-too-big': { prefix: 'ERR', text: 'Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len' },
  // Blocking commands (timeout.c getTimeoutFromObjectOrReply).
  'timeout-not-float': { prefix: 'ERR', text: 'timeout is not a float or out of range' },
  'timeout-negative': { prefix: 'ERR', text: 'timeout is negative' },
  'timeout-not-integer': { prefix: 'ERR', text: 'timeout is not an integer or out of range' },
  'timeout-out-of-range': { prefix: 'ERR', text: 'timeout is out of range' },
  // Lists (t_list.c).
  'index-out-of-range': { prefix: 'ERR', text: 'index out of range' },
  'lpos-rank-zero': {
    prefix: 'ERR',
    text: "RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  },
  'lpos-count-negative': { prefix: 'ERR', text: "COUNT can't be negative" },
  'lpos-maxlen-negative': { prefix: 'ERR', text: "MAXLEN can't be negative" },
  // Hashes (t_hash.c).
  'hash-value-not-integer': { prefix: 'ERR', text: 'hash value is not an integer' },
  'hash-value-not-float': { prefix: 'ERR', text: 'hash value is not a float' },
  'increment-nan-or-infinity-argument': { prefix: 'ERR', text: 'value is NaN or Infinity' },
  /** HRANDFIELD and SRANDMEMBER counts (getRangeLongFromObjectOrReply from -LONG_MAX to LONG_MAX). */
  'count-out-of-long-range': { prefix: 'ERR', text: 'value is out of range, value must between -9223372036854775807 and 9223372036854775807' },
  // Sets (t_set.c).
  'sintercard-limit-negative': { prefix: 'ERR', text: "LIMIT can't be negative" },
  // Sorted sets (t_zset.c).
  'min-max-not-float': { prefix: 'ERR', text: 'min or max is not a float' },
  'min-max-not-string-range': { prefix: 'ERR', text: 'min or max not valid string range item' },
  'zadd-xx-and-nx': { prefix: 'ERR', text: 'XX and NX options at the same time are not compatible' },
  'zadd-gt-lt-nx': { prefix: 'ERR', text: 'GT, LT, and/or NX options at the same time are not compatible' },
  'zadd-incr-single-pair': { prefix: 'ERR', text: 'INCR option supports a single increment-element pair' },
  'score-nan': { prefix: 'ERR', text: 'resulting score is not a number (NaN)' },
  'weight-not-float': { prefix: 'ERR', text: 'weight value is not a float' },
  'at-least-one-input-key': { prefix: 'ERR', text: "at least 1 input key is needed for '%s' command" },
  'zrange-limit-needs-by': {
    prefix: 'ERR',
    text: 'syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  },
  'zrange-withscores-bylex': { prefix: 'ERR', text: 'syntax error, WITHSCORES not supported in combination with BYLEX' },
  'zintercard-limit-negative': { prefix: 'ERR', text: "LIMIT can't be negative" },
  'zrandmember-count-out-of-range': {
    prefix: 'ERR',
    text: 'value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  },
  // Bitmaps (bitops.c).
  'bit-offset-invalid': { prefix: 'ERR', text: 'bit offset is not an integer or out of range' },
  'bit-value-invalid': { prefix: 'ERR', text: 'bit is not an integer or out of range' },
  'bitop-not-single-source': { prefix: 'ERR', text: 'BITOP NOT must be called with a single source key.' },
  'bitpos-bit-invalid': { prefix: 'ERR', text: 'The bit argument must be 1 or 0.' },
  // HyperLogLog (hyperloglog.c).
  'hll-not-hll': { prefix: 'WRONGTYPE', text: 'Key is not a valid HyperLogLog string value.' },
  'hll-corrupted': { prefix: 'INVALIDOBJ', text: 'Corrupted HLL object detected' },
  // Streams (t_stream.c).
  'stream-no-group': { prefix: 'NOGROUP', text: '%s' },
  'stream-busy-group': { prefix: 'BUSYGROUP', text: 'Consumer Group name already exists' },
  // Connection, server, transactions, pub/sub (server.c, multi.c, pubsub.c, networking.c, acl.c).
  'multi-nested': { prefix: 'ERR', text: 'MULTI calls can not be nested' },
  'exec-without-multi': { prefix: 'ERR', text: 'EXEC without MULTI' },
  'discard-without-multi': { prefix: 'ERR', text: 'DISCARD without MULTI' },
  'watch-inside-multi': { prefix: 'ERR', text: 'WATCH inside MULTI is not allowed' },
  'exec-aborted': { prefix: 'EXECABORT', text: 'Transaction discarded because of previous errors.' },
  /** execCommandAbort: EXEC itself refused (arity, NOAUTH, NOPERM, subscriber context); %s is that error. */
  'exec-rejected': { prefix: 'EXECABORT', text: 'Transaction discarded because of: %s' },
  'command-not-allowed-in-subscribe': {
    prefix: 'ERR',
    text: "Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
  },
  'no-auth': { prefix: 'NOAUTH', text: 'Authentication required.' },
  'wrong-pass': { prefix: 'WRONGPASS', text: 'invalid username-password pair or user is disabled.' },
  'auth-without-password': {
    prefix: 'ERR',
    text: 'AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  },
  'no-proto': { prefix: 'NOPROTO', text: 'unsupported protocol version' },
  'no-perm': { prefix: 'NOPERM', text: '%s' },
  'out-of-memory': { prefix: 'OOM', text: "command not allowed when used memory > 'maxmemory'." },
  'no-script': { prefix: 'NOSCRIPT', text: 'No matching script. Please use EVAL.' },
  /**
   * A handler failed in a way nobody planned (a bug): the client gets this instead of the server
   * dying, the runtime logs the stack. Not a Redis text: Redis would have crashed.
   */
  'internal-error': { prefix: 'ERR', text: "internal error while running '%s' command (the server logged it)" },
  /** A text built at the call site (CONFIG, CLIENT, ACL, COMMAND subcommand errors); prefix ERR. */
  message: { prefix: 'ERR', text: '%s' },
} as const satisfies Record<string, { prefix: string; text: string }>;

export type CacheCommandErrorReason = keyof typeof cacheCommandErrorTexts;

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
