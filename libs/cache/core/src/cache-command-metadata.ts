/**
 * What Redis 7.0 says about each command, for COMMAND (COUNT, LIST, INFO, DOCS, GETKEYS), ACL
 * categories and key checks, and INFO commandstats. The `rows` table is transcribed from
 * redis-server 7.0.15 (`COMMAND INFO` and `COMMAND DOCS` over RESP3) by
 * tools/scripts/generate-cache-command-metadata.mjs, one line per command, subcommands
 * (`client|kill`) after their container. It lists every command the cache implements or will, not
 * only those in the command table today.
 *
 * Row notation, parsed once at load:
 * - `flags`, `acl`, `tips`: space separated (ACL categories without the `@`);
 * - `keys`: the legacy `first last step` key positions COMMAND INFO reports;
 * - `keySpecs`: space separated key specs, each `FLAGS@BEGIN:FIND` where FLAGS is comma separated
 *   (RW, RO, OW, RM, access, update, insert, delete, not_key, incomplete, variable_flags), BEGIN is
 *   `i<index>` (begin_search index) or `k<keyword>,<startfrom>` (keyword) or `u` (unknown), and FIND
 *   is `r<lastkey>,<keystep>,<limit>` (range) or `n<keynumidx>,<firstkey>,<keystep>` (keynum) or `u`.
 *
 * Not transcribed: argument descriptions (`arguments`), `history` and key-spec `notes` of COMMAND
 * DOCS / COMMAND INFO.
 */
import { assert } from '@objectbox/util';
import { globMatch } from './cache-glob.js';
import { parseInt64 } from './cache-number.js';
import { respBulkString, respInteger, type RespValue } from './resp-value.js';

/** Redis's command groups (COMMAND DOCS `group`). */
export type CacheCommandGroup =
  | 'generic' | 'string' | 'list' | 'set' | 'sorted-set' | 'hash' | 'pubsub' | 'transactions' | 'connection' | 'server'
  | 'scripting' | 'hyperloglog' | 'cluster' | 'sentinel' | 'geo' | 'stream' | 'bitmap' | 'module';

/** ACL categories in Redis's order (acl.c ACLCommandCategories), which ACL CAT and COMMAND INFO follow. */
export const cacheAclCategories = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo', 'stream',
  'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
] as const;

export type CacheAclCategory = (typeof cacheAclCategories)[number];

/** COMMAND INFO command flags (server.c replyFlagNames), in Redis's order. */
const commandFlagNames = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale', 'skip_monitor',
  'skip_slowlog', 'asking', 'fast', 'no_auth', 'may_replicate', 'sentinel', 'only_sentinel', 'no_mandatory_keys',
  'protected', 'no_async_loading', 'no_multi', 'movablekeys', 'allow_busy',
] as const;

export type CacheCommandInfoFlag = (typeof commandFlagNames)[number];

/** Key-spec flags (server.c addReplyFlagsForKeyArgs), in Redis's order. */
const keySpecFlagNames = ['RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete', 'variable_flags'] as const;

export type CacheKeySpecFlag = (typeof keySpecFlagNames)[number];

export type CacheKeySpecBeginSearch =
  | { readonly type: 'index'; readonly index: number }
  | { readonly type: 'keyword'; readonly keyword: string; readonly startFrom: number }
  | { readonly type: 'unknown' };

export type CacheKeySpecFindKeys =
  | { readonly type: 'range'; readonly lastKey: number; readonly keyStep: number; readonly limit: number }
  | { readonly type: 'keynum'; readonly keyNumIndex: number; readonly firstKey: number; readonly keyStep: number }
  | { readonly type: 'unknown' };

/** A Redis 7 key spec: where a command's keys are and what it does with them. */
export interface CacheKeySpec {
  readonly flags: readonly CacheKeySpecFlag[];
  readonly beginSearch: CacheKeySpecBeginSearch;
  readonly findKeys: CacheKeySpecFindKeys;
}

export interface CacheCommandMetadata {
  /** Lower case; `container|subcommand` for a subcommand (Redis's fullname). */
  readonly name: string;
  readonly arity: number;
  readonly flags: readonly CacheCommandInfoFlag[];
  /** Legacy key positions (COMMAND INFO's first key, last key, step). */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly step: number;
  readonly aclCategories: readonly CacheAclCategory[];
  readonly tips: readonly string[];
  readonly keySpecs: readonly CacheKeySpec[];
  readonly group: CacheCommandGroup;
  readonly summary: string;
  readonly since: string;
  readonly complexity: string;
  /** COMMAND DOCS doc_flags: `deprecated`, `syscmd`. */
  readonly docFlags: readonly string[];
  /** Set for deprecated commands. */
  readonly deprecatedSince: string | null;
  readonly replacedBy: string | null;
  readonly subcommands: readonly CacheCommandMetadata[];
}

interface Row {
  readonly name: string;
  readonly arity: number;
  readonly flags: string;
  readonly keys: string;
  readonly acl: string;
  readonly keySpecs?: string;
  readonly tips?: string;
  readonly group: CacheCommandGroup;
  readonly since: string;
  readonly docFlags?: string;
  readonly deprecatedSince?: string;
  readonly replacedBy?: string;
  readonly complexity: string;
  readonly summary: string;
}

// prettier-ignore
const rows: readonly Row[] = [
  // BEGIN GENERATED (tools/scripts/generate-cache-command-metadata.mjs against redis-server 7.0.15)
  { name: 'get', arity: 2, flags: 'readonly fast', keys: '1 1 1', acl: 'read string fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Get the value of a key' },
  { name: 'set', arity: -3, flags: 'write denyoom', keys: '1 1 1', acl: 'write string slow', keySpecs: 'RW,access,update,variable_flags@i1:r0,1,0', group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Set the string value of a key' },
  { name: 'setnx', arity: 3, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write string fast', keySpecs: 'OW,insert@i1:r0,1,0', group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Set the value of a key, only if the key does not exist' },
  { name: 'setex', arity: 4, flags: 'write denyoom', keys: '1 1 1', acl: 'write string slow', keySpecs: 'OW,update@i1:r0,1,0', group: 'string', since: '2.0.0', complexity: 'O(1)', summary: 'Set the value and expiration of a key' },
  { name: 'psetex', arity: 4, flags: 'write denyoom', keys: '1 1 1', acl: 'write string slow', keySpecs: 'OW,update@i1:r0,1,0', group: 'string', since: '2.6.0', complexity: 'O(1)', summary: 'Set the value and expiration in milliseconds of a key' },
  { name: 'getset', arity: 3, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write string fast', keySpecs: 'RW,access,update@i1:r0,1,0', group: 'string', since: '1.0.0', docFlags: 'deprecated', deprecatedSince: '6.2.0', replacedBy: '`SET` with the `!GET` argument', complexity: 'O(1)', summary: 'Set the string value of a key and return its old value' },
  { name: 'getdel', arity: 2, flags: 'write fast', keys: '1 1 1', acl: 'write string fast', keySpecs: 'RW,access,delete@i1:r0,1,0', group: 'string', since: '6.2.0', complexity: 'O(1)', summary: 'Get the value of a key and delete the key' },
  { name: 'getex', arity: -2, flags: 'write fast', keys: '1 1 1', acl: 'write string fast', keySpecs: 'RW,access,update@i1:r0,1,0', group: 'string', since: '6.2.0', complexity: 'O(1)', summary: 'Get the value of a key and optionally set its expiration' },
  { name: 'mget', arity: -2, flags: 'readonly fast', keys: '1 -1 1', acl: 'read string fast', keySpecs: 'RO,access@i1:r-1,1,0', tips: 'request_policy:multi_shard', group: 'string', since: '1.0.0', complexity: 'O(N) where N is the number of keys to retrieve.', summary: 'Get the values of all the given keys' },
  { name: 'mset', arity: -3, flags: 'write denyoom', keys: '1 -1 2', acl: 'write string slow', keySpecs: 'OW,update@i1:r-1,2,0', tips: 'request_policy:multi_shard response_policy:all_succeeded', group: 'string', since: '1.0.1', complexity: 'O(N) where N is the number of keys to set.', summary: 'Set multiple keys to multiple values' },
  { name: 'msetnx', arity: -3, flags: 'write denyoom', keys: '1 -1 2', acl: 'write string slow', keySpecs: 'OW,insert@i1:r-1,2,0', tips: 'request_policy:multi_shard response_policy:agg_min', group: 'string', since: '1.0.1', complexity: 'O(N) where N is the number of keys to set.', summary: 'Set multiple keys to multiple values, only if none of the keys exist' },
  { name: 'incr', arity: 2, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write string fast', keySpecs: 'RW,access,update@i1:r0,1,0', group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Increment the integer value of a key by one' },
  { name: 'decr', arity: 2, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write string fast', keySpecs: 'RW,access,update@i1:r0,1,0', group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Decrement the integer value of a key by one' },
  { name: 'incrby', arity: 3, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write string fast', keySpecs: 'RW,access,update@i1:r0,1,0', group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Increment the integer value of a key by the given amount' },
  { name: 'decrby', arity: 3, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write string fast', keySpecs: 'RW,access,update@i1:r0,1,0', group: 'string', since: '1.0.0', complexity: 'O(1)', summary: 'Decrement the integer value of a key by the given number' },
  { name: 'incrbyfloat', arity: 3, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write string fast', keySpecs: 'RW,access,update@i1:r0,1,0', group: 'string', since: '2.6.0', complexity: 'O(1)', summary: 'Increment the float value of a key by the given amount' },
  { name: 'append', arity: 3, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write string fast', keySpecs: 'RW,insert@i1:r0,1,0', group: 'string', since: '2.0.0', complexity: 'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.', summary: 'Append a value to a key' },
  { name: 'strlen', arity: 2, flags: 'readonly fast', keys: '1 1 1', acl: 'read string fast', keySpecs: 'RO@i1:r0,1,0', group: 'string', since: '2.2.0', complexity: 'O(1)', summary: 'Get the length of the value stored in a key' },
  { name: 'getrange', arity: 4, flags: 'readonly', keys: '1 1 1', acl: 'read string slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'string', since: '2.4.0', complexity: 'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.', summary: 'Get a substring of the string stored at a key' },
  { name: 'setrange', arity: 4, flags: 'write denyoom', keys: '1 1 1', acl: 'write string slow', keySpecs: 'RW,update@i1:r0,1,0', group: 'string', since: '2.2.0', complexity: 'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.', summary: 'Overwrite part of a string at key starting at the specified offset' },
  { name: 'substr', arity: 4, flags: 'readonly', keys: '1 1 1', acl: 'read string slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'string', since: '1.0.0', docFlags: 'deprecated', deprecatedSince: '2.0.0', replacedBy: '`GETRANGE`', complexity: 'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.', summary: 'Get a substring of the string stored at a key' },
  { name: 'lcs', arity: -3, flags: 'readonly', keys: '1 2 1', acl: 'read string slow', keySpecs: 'RO,access@i1:r1,1,0', group: 'string', since: '7.0.0', complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively', summary: 'Find longest common substring' },
  { name: 'del', arity: -2, flags: 'write', keys: '1 -1 1', acl: 'keyspace write slow', keySpecs: 'RM,delete@i1:r-1,1,0', tips: 'request_policy:multi_shard response_policy:agg_sum', group: 'generic', since: '1.0.0', complexity: 'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).', summary: 'Delete a key' },
  { name: 'unlink', arity: -2, flags: 'write fast', keys: '1 -1 1', acl: 'keyspace write fast', keySpecs: 'RM,delete@i1:r-1,1,0', tips: 'request_policy:multi_shard response_policy:agg_sum', group: 'generic', since: '4.0.0', complexity: 'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.', summary: 'Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.' },
  { name: 'exists', arity: -2, flags: 'readonly fast', keys: '1 -1 1', acl: 'keyspace read fast', keySpecs: 'RO@i1:r-1,1,0', tips: 'request_policy:multi_shard response_policy:agg_sum', group: 'generic', since: '1.0.0', complexity: 'O(N) where N is the number of keys to check.', summary: 'Determine if a key exists' },
  { name: 'touch', arity: -2, flags: 'readonly fast', keys: '1 -1 1', acl: 'keyspace read fast', keySpecs: 'RO@i1:r-1,1,0', tips: 'request_policy:multi_shard response_policy:agg_sum', group: 'generic', since: '3.2.1', complexity: 'O(N) where N is the number of keys that will be touched.', summary: 'Alters the last access time of a key(s). Returns the number of existing keys specified.' },
  { name: 'type', arity: 2, flags: 'readonly fast', keys: '1 1 1', acl: 'keyspace read fast', keySpecs: 'RO@i1:r0,1,0', group: 'generic', since: '1.0.0', complexity: 'O(1)', summary: 'Determine the type stored at key' },
  { name: 'expire', arity: -3, flags: 'write fast', keys: '1 1 1', acl: 'keyspace write fast', keySpecs: 'RW,update@i1:r0,1,0', group: 'generic', since: '1.0.0', complexity: 'O(1)', summary: 'Set a key\'s time to live in seconds' },
  { name: 'pexpire', arity: -3, flags: 'write fast', keys: '1 1 1', acl: 'keyspace write fast', keySpecs: 'RW,update@i1:r0,1,0', group: 'generic', since: '2.6.0', complexity: 'O(1)', summary: 'Set a key\'s time to live in milliseconds' },
  { name: 'expireat', arity: -3, flags: 'write fast', keys: '1 1 1', acl: 'keyspace write fast', keySpecs: 'RW,update@i1:r0,1,0', group: 'generic', since: '1.2.0', complexity: 'O(1)', summary: 'Set the expiration for a key as a UNIX timestamp' },
  { name: 'pexpireat', arity: -3, flags: 'write fast', keys: '1 1 1', acl: 'keyspace write fast', keySpecs: 'RW,update@i1:r0,1,0', group: 'generic', since: '2.6.0', complexity: 'O(1)', summary: 'Set the expiration for a key as a UNIX timestamp specified in milliseconds' },
  { name: 'ttl', arity: 2, flags: 'readonly fast', keys: '1 1 1', acl: 'keyspace read fast', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output', group: 'generic', since: '1.0.0', complexity: 'O(1)', summary: 'Get the time to live for a key in seconds' },
  { name: 'pttl', arity: 2, flags: 'readonly fast', keys: '1 1 1', acl: 'keyspace read fast', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output', group: 'generic', since: '2.6.0', complexity: 'O(1)', summary: 'Get the time to live for a key in milliseconds' },
  { name: 'expiretime', arity: 2, flags: 'readonly fast', keys: '1 1 1', acl: 'keyspace read fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'generic', since: '7.0.0', complexity: 'O(1)', summary: 'Get the expiration Unix timestamp for a key' },
  { name: 'pexpiretime', arity: 2, flags: 'readonly fast', keys: '1 1 1', acl: 'keyspace read fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'generic', since: '7.0.0', complexity: 'O(1)', summary: 'Get the expiration Unix timestamp for a key in milliseconds' },
  { name: 'persist', arity: 2, flags: 'write fast', keys: '1 1 1', acl: 'keyspace write fast', keySpecs: 'RW,update@i1:r0,1,0', group: 'generic', since: '2.2.0', complexity: 'O(1)', summary: 'Remove the expiration from a key' },
  { name: 'rename', arity: 3, flags: 'write', keys: '1 2 1', acl: 'keyspace write slow', keySpecs: 'RW,access,delete@i1:r0,1,0 OW,update@i2:r0,1,0', group: 'generic', since: '1.0.0', complexity: 'O(1)', summary: 'Rename a key' },
  { name: 'renamenx', arity: 3, flags: 'write fast', keys: '1 2 1', acl: 'keyspace write fast', keySpecs: 'RW,access,delete@i1:r0,1,0 OW,insert@i2:r0,1,0', group: 'generic', since: '1.0.0', complexity: 'O(1)', summary: 'Rename a key, only if the new key does not exist' },
  { name: 'keys', arity: 2, flags: 'readonly', keys: '0 0 0', acl: 'keyspace read slow dangerous', tips: 'request_policy:all_shards nondeterministic_output_order', group: 'generic', since: '1.0.0', complexity: 'O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.', summary: 'Find all keys matching the given pattern' },
  { name: 'scan', arity: -2, flags: 'readonly', keys: '0 0 0', acl: 'keyspace read slow', tips: 'nondeterministic_output request_policy:special', group: 'generic', since: '2.8.0', complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.', summary: 'Incrementally iterate the keys space' },
  { name: 'randomkey', arity: 1, flags: 'readonly', keys: '0 0 0', acl: 'keyspace read slow', tips: 'request_policy:all_shards nondeterministic_output', group: 'generic', since: '1.0.0', complexity: 'O(1)', summary: 'Return a random key from the keyspace' },
  { name: 'copy', arity: -3, flags: 'write denyoom', keys: '1 2 1', acl: 'keyspace write slow', keySpecs: 'RO,access@i1:r0,1,0 OW,update@i2:r0,1,0', group: 'generic', since: '6.2.0', complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.', summary: 'Copy a key' },
  { name: 'move', arity: 3, flags: 'write fast', keys: '1 1 1', acl: 'keyspace write fast', keySpecs: 'RW,access,update@i1:r0,1,0', group: 'generic', since: '1.0.0', complexity: 'O(1)', summary: 'Move a key to another database' },
  { name: 'object', arity: -2, flags: '', keys: '0 0 0', acl: 'slow', group: 'generic', since: '2.2.3', complexity: 'Depends on subcommand.', summary: 'A container for object introspection commands' },
  { name: 'object|encoding', arity: 3, flags: 'readonly', keys: '2 2 1', acl: 'keyspace read slow', keySpecs: 'RO@i2:r0,1,0', tips: 'nondeterministic_output', group: 'generic', since: '2.2.3', complexity: 'O(1)', summary: 'Inspect the internal encoding of a Redis object' },
  { name: 'object|freq', arity: 3, flags: 'readonly', keys: '2 2 1', acl: 'keyspace read slow', keySpecs: 'RO@i2:r0,1,0', tips: 'nondeterministic_output', group: 'generic', since: '4.0.0', complexity: 'O(1)', summary: 'Get the logarithmic access frequency counter of a Redis object' },
  { name: 'object|help', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'keyspace slow', group: 'generic', since: '6.2.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands' },
  { name: 'object|idletime', arity: 3, flags: 'readonly', keys: '2 2 1', acl: 'keyspace read slow', keySpecs: 'RO@i2:r0,1,0', tips: 'nondeterministic_output', group: 'generic', since: '2.2.3', complexity: 'O(1)', summary: 'Get the time since a Redis object was last accessed' },
  { name: 'object|refcount', arity: 3, flags: 'readonly', keys: '2 2 1', acl: 'keyspace read slow', keySpecs: 'RO@i2:r0,1,0', tips: 'nondeterministic_output', group: 'generic', since: '2.2.3', complexity: 'O(1)', summary: 'Get the number of references to the value of the key' },
  { name: 'dump', arity: 2, flags: 'readonly', keys: '1 1 1', acl: 'keyspace read slow', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output', group: 'generic', since: '2.6.0', complexity: 'O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).', summary: 'Return a serialized version of the value stored at the specified key.' },
  { name: 'restore', arity: -4, flags: 'write denyoom', keys: '1 1 1', acl: 'keyspace write slow dangerous', keySpecs: 'OW,update@i1:r0,1,0', group: 'generic', since: '2.6.0', complexity: 'O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).', summary: 'Create a key using the provided serialized value, previously obtained using DUMP.' },
  { name: 'sort', arity: -2, flags: 'write denyoom movablekeys', keys: '1 1 1', acl: 'write set sortedset list slow dangerous', keySpecs: 'RO,access@i1:r0,1,0 RO,access@u:u OW,update@u:u', group: 'generic', since: '1.0.0', complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).', summary: 'Sort the elements in a list, set or sorted set' },
  { name: 'sort_ro', arity: -2, flags: 'readonly movablekeys', keys: '1 1 1', acl: 'read set sortedset list slow dangerous', keySpecs: 'RO,access@i1:r0,1,0 RO,access@u:u', group: 'generic', since: '7.0.0', complexity: 'O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).', summary: 'Sort the elements in a list, set or sorted set. Read-only variant of SORT.' },
  { name: 'setbit', arity: 4, flags: 'write denyoom', keys: '1 1 1', acl: 'write bitmap slow', keySpecs: 'RW,access,update@i1:r0,1,0', group: 'bitmap', since: '2.2.0', complexity: 'O(1)', summary: 'Sets or clears the bit at offset in the string value stored at key' },
  { name: 'getbit', arity: 3, flags: 'readonly fast', keys: '1 1 1', acl: 'read bitmap fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'bitmap', since: '2.2.0', complexity: 'O(1)', summary: 'Returns the bit value at offset in the string value stored at key' },
  { name: 'bitcount', arity: -2, flags: 'readonly', keys: '1 1 1', acl: 'read bitmap slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'bitmap', since: '2.6.0', complexity: 'O(N)', summary: 'Count set bits in a string' },
  { name: 'bitpos', arity: -3, flags: 'readonly', keys: '1 1 1', acl: 'read bitmap slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'bitmap', since: '2.8.7', complexity: 'O(N)', summary: 'Find first bit set or clear in a string' },
  { name: 'bitop', arity: -4, flags: 'write denyoom', keys: '2 -1 1', acl: 'write bitmap slow', keySpecs: 'OW,update@i2:r0,1,0 RO,access@i3:r-1,1,0', group: 'bitmap', since: '2.6.0', complexity: 'O(N)', summary: 'Perform bitwise operations between strings' },
  { name: 'bitfield', arity: -2, flags: 'write denyoom', keys: '1 1 1', acl: 'write bitmap slow', keySpecs: 'RW,access,update,variable_flags@i1:r0,1,0', group: 'bitmap', since: '3.2.0', complexity: 'O(1) for each subcommand specified', summary: 'Perform arbitrary bitfield integer operations on strings' },
  { name: 'bitfield_ro', arity: -2, flags: 'readonly fast', keys: '1 1 1', acl: 'read bitmap fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'bitmap', since: '6.0.0', complexity: 'O(1) for each subcommand specified', summary: 'Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD' },
  { name: 'lpush', arity: -3, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write list fast', keySpecs: 'RW,insert@i1:r0,1,0', group: 'list', since: '1.0.0', complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.', summary: 'Prepend one or multiple elements to a list' },
  { name: 'rpush', arity: -3, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write list fast', keySpecs: 'RW,insert@i1:r0,1,0', group: 'list', since: '1.0.0', complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.', summary: 'Append one or multiple elements to a list' },
  { name: 'lpushx', arity: -3, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write list fast', keySpecs: 'RW,insert@i1:r0,1,0', group: 'list', since: '2.2.0', complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.', summary: 'Prepend an element to a list, only if the list exists' },
  { name: 'rpushx', arity: -3, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write list fast', keySpecs: 'RW,insert@i1:r0,1,0', group: 'list', since: '2.2.0', complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.', summary: 'Append an element to a list, only if the list exists' },
  { name: 'lpop', arity: -2, flags: 'write fast', keys: '1 1 1', acl: 'write list fast', keySpecs: 'RW,access,delete@i1:r0,1,0', group: 'list', since: '1.0.0', complexity: 'O(N) where N is the number of elements returned', summary: 'Remove and get the first elements in a list' },
  { name: 'rpop', arity: -2, flags: 'write fast', keys: '1 1 1', acl: 'write list fast', keySpecs: 'RW,access,delete@i1:r0,1,0', group: 'list', since: '1.0.0', complexity: 'O(N) where N is the number of elements returned', summary: 'Remove and get the last elements in a list' },
  { name: 'llen', arity: 2, flags: 'readonly fast', keys: '1 1 1', acl: 'read list fast', keySpecs: 'RO@i1:r0,1,0', group: 'list', since: '1.0.0', complexity: 'O(1)', summary: 'Get the length of a list' },
  { name: 'lrange', arity: 4, flags: 'readonly', keys: '1 1 1', acl: 'read list slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'list', since: '1.0.0', complexity: 'O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.', summary: 'Get a range of elements from a list' },
  { name: 'lindex', arity: 3, flags: 'readonly', keys: '1 1 1', acl: 'read list slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'list', since: '1.0.0', complexity: 'O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).', summary: 'Get an element from a list by its index' },
  { name: 'lset', arity: 4, flags: 'write denyoom', keys: '1 1 1', acl: 'write list slow', keySpecs: 'RW,update@i1:r0,1,0', group: 'list', since: '1.0.0', complexity: 'O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).', summary: 'Set the value of an element in a list by its index' },
  { name: 'linsert', arity: 5, flags: 'write denyoom', keys: '1 1 1', acl: 'write list slow', keySpecs: 'RW,insert@i1:r0,1,0', group: 'list', since: '2.2.0', complexity: 'O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).', summary: 'Insert an element before or after another element in a list' },
  { name: 'lrem', arity: 4, flags: 'write', keys: '1 1 1', acl: 'write list slow', keySpecs: 'RW,delete@i1:r0,1,0', group: 'list', since: '1.0.0', complexity: 'O(N+M) where N is the length of the list and M is the number of elements removed.', summary: 'Remove elements from a list' },
  { name: 'ltrim', arity: 4, flags: 'write', keys: '1 1 1', acl: 'write list slow', keySpecs: 'RW,delete@i1:r0,1,0', group: 'list', since: '1.0.0', complexity: 'O(N) where N is the number of elements to be removed by the operation.', summary: 'Trim a list to the specified range' },
  { name: 'lpos', arity: -3, flags: 'readonly', keys: '1 1 1', acl: 'read list slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'list', since: '6.0.6', complexity: 'O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.', summary: 'Return the index of matching elements on a list' },
  { name: 'rpoplpush', arity: 3, flags: 'write denyoom', keys: '1 2 1', acl: 'write list slow', keySpecs: 'RW,access,delete@i1:r0,1,0 RW,insert@i2:r0,1,0', group: 'list', since: '1.2.0', docFlags: 'deprecated', deprecatedSince: '6.2.0', replacedBy: '`LMOVE` with the `RIGHT` and `LEFT` arguments', complexity: 'O(1)', summary: 'Remove the last element in a list, prepend it to another list and return it' },
  { name: 'lmove', arity: 5, flags: 'write denyoom', keys: '1 2 1', acl: 'write list slow', keySpecs: 'RW,access,delete@i1:r0,1,0 RW,insert@i2:r0,1,0', group: 'list', since: '6.2.0', complexity: 'O(1)', summary: 'Pop an element from a list, push it to another list and return it' },
  { name: 'blpop', arity: -3, flags: 'write noscript blocking', keys: '1 -2 1', acl: 'write list slow blocking', keySpecs: 'RW,access,delete@i1:r-2,1,0', group: 'list', since: '2.0.0', complexity: 'O(N) where N is the number of provided keys.', summary: 'Remove and get the first element in a list, or block until one is available' },
  { name: 'brpop', arity: -3, flags: 'write noscript blocking', keys: '1 -2 1', acl: 'write list slow blocking', keySpecs: 'RW,access,delete@i1:r-2,1,0', group: 'list', since: '2.0.0', complexity: 'O(N) where N is the number of provided keys.', summary: 'Remove and get the last element in a list, or block until one is available' },
  { name: 'brpoplpush', arity: 4, flags: 'write denyoom noscript blocking', keys: '1 2 1', acl: 'write list slow blocking', keySpecs: 'RW,access,delete@i1:r0,1,0 RW,insert@i2:r0,1,0', group: 'list', since: '2.2.0', docFlags: 'deprecated', deprecatedSince: '6.2.0', replacedBy: '`BLMOVE` with the `RIGHT` and `LEFT` arguments', complexity: 'O(1)', summary: 'Pop an element from a list, push it to another list and return it; or block until one is available' },
  { name: 'blmove', arity: 6, flags: 'write denyoom noscript blocking', keys: '1 2 1', acl: 'write list slow blocking', keySpecs: 'RW,access,delete@i1:r0,1,0 RW,insert@i2:r0,1,0', group: 'list', since: '6.2.0', complexity: 'O(1)', summary: 'Pop an element from a list, push it to another list and return it; or block until one is available' },
  { name: 'lmpop', arity: -4, flags: 'write movablekeys', keys: '0 0 0', acl: 'write list slow', keySpecs: 'RW,access,delete@i1:n0,1,1', group: 'list', since: '7.0.0', complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.', summary: 'Pop elements from a list' },
  { name: 'blmpop', arity: -5, flags: 'write blocking movablekeys', keys: '0 0 0', acl: 'write list slow blocking', keySpecs: 'RW,access,delete@i2:n0,1,1', group: 'list', since: '7.0.0', complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.', summary: 'Pop elements from a list, or block until one is available' },
  { name: 'hset', arity: -4, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write hash fast', keySpecs: 'RW,update@i1:r0,1,0', group: 'hash', since: '2.0.0', complexity: 'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.', summary: 'Set the string value of a hash field' },
  { name: 'hsetnx', arity: 4, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write hash fast', keySpecs: 'RW,insert@i1:r0,1,0', group: 'hash', since: '2.0.0', complexity: 'O(1)', summary: 'Set the value of a hash field, only if the field does not exist' },
  { name: 'hget', arity: 3, flags: 'readonly fast', keys: '1 1 1', acl: 'read hash fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'hash', since: '2.0.0', complexity: 'O(1)', summary: 'Get the value of a hash field' },
  { name: 'hmset', arity: -4, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write hash fast', keySpecs: 'RW,update@i1:r0,1,0', group: 'hash', since: '2.0.0', docFlags: 'deprecated', deprecatedSince: '4.0.0', replacedBy: '`HSET` with multiple field-value pairs', complexity: 'O(N) where N is the number of fields being set.', summary: 'Set multiple hash fields to multiple values' },
  { name: 'hmget', arity: -3, flags: 'readonly fast', keys: '1 1 1', acl: 'read hash fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'hash', since: '2.0.0', complexity: 'O(N) where N is the number of fields being requested.', summary: 'Get the values of all the given hash fields' },
  { name: 'hdel', arity: -3, flags: 'write fast', keys: '1 1 1', acl: 'write hash fast', keySpecs: 'RW,delete@i1:r0,1,0', group: 'hash', since: '2.0.0', complexity: 'O(N) where N is the number of fields to be removed.', summary: 'Delete one or more hash fields' },
  { name: 'hlen', arity: 2, flags: 'readonly fast', keys: '1 1 1', acl: 'read hash fast', keySpecs: 'RO@i1:r0,1,0', group: 'hash', since: '2.0.0', complexity: 'O(1)', summary: 'Get the number of fields in a hash' },
  { name: 'hstrlen', arity: 3, flags: 'readonly fast', keys: '1 1 1', acl: 'read hash fast', keySpecs: 'RO@i1:r0,1,0', group: 'hash', since: '3.2.0', complexity: 'O(1)', summary: 'Get the length of the value of a hash field' },
  { name: 'hexists', arity: 3, flags: 'readonly fast', keys: '1 1 1', acl: 'read hash fast', keySpecs: 'RO@i1:r0,1,0', group: 'hash', since: '2.0.0', complexity: 'O(1)', summary: 'Determine if a hash field exists' },
  { name: 'hkeys', arity: 2, flags: 'readonly', keys: '1 1 1', acl: 'read hash slow', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output_order', group: 'hash', since: '2.0.0', complexity: 'O(N) where N is the size of the hash.', summary: 'Get all the fields in a hash' },
  { name: 'hvals', arity: 2, flags: 'readonly', keys: '1 1 1', acl: 'read hash slow', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output_order', group: 'hash', since: '2.0.0', complexity: 'O(N) where N is the size of the hash.', summary: 'Get all the values in a hash' },
  { name: 'hgetall', arity: 2, flags: 'readonly', keys: '1 1 1', acl: 'read hash slow', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output_order', group: 'hash', since: '2.0.0', complexity: 'O(N) where N is the size of the hash.', summary: 'Get all the fields and values in a hash' },
  { name: 'hincrby', arity: 4, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write hash fast', keySpecs: 'RW,access,update@i1:r0,1,0', group: 'hash', since: '2.0.0', complexity: 'O(1)', summary: 'Increment the integer value of a hash field by the given number' },
  { name: 'hincrbyfloat', arity: 4, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write hash fast', keySpecs: 'RW,access,update@i1:r0,1,0', group: 'hash', since: '2.6.0', complexity: 'O(1)', summary: 'Increment the float value of a hash field by the given amount' },
  { name: 'hrandfield', arity: -2, flags: 'readonly', keys: '1 1 1', acl: 'read hash slow', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output', group: 'hash', since: '6.2.0', complexity: 'O(N) where N is the number of fields returned', summary: 'Get one or multiple random fields from a hash' },
  { name: 'hscan', arity: -3, flags: 'readonly', keys: '1 1 1', acl: 'read hash slow', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output', group: 'hash', since: '2.8.0', complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..', summary: 'Incrementally iterate hash fields and associated values' },
  { name: 'sadd', arity: -3, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write set fast', keySpecs: 'RW,insert@i1:r0,1,0', group: 'set', since: '1.0.0', complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.', summary: 'Add one or more members to a set' },
  { name: 'srem', arity: -3, flags: 'write fast', keys: '1 1 1', acl: 'write set fast', keySpecs: 'RW,delete@i1:r0,1,0', group: 'set', since: '1.0.0', complexity: 'O(N) where N is the number of members to be removed.', summary: 'Remove one or more members from a set' },
  { name: 'smembers', arity: 2, flags: 'readonly', keys: '1 1 1', acl: 'read set slow', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output_order', group: 'set', since: '1.0.0', complexity: 'O(N) where N is the set cardinality.', summary: 'Get all the members in a set' },
  { name: 'sismember', arity: 3, flags: 'readonly fast', keys: '1 1 1', acl: 'read set fast', keySpecs: 'RO@i1:r0,1,0', group: 'set', since: '1.0.0', complexity: 'O(1)', summary: 'Determine if a given value is a member of a set' },
  { name: 'smismember', arity: -3, flags: 'readonly fast', keys: '1 1 1', acl: 'read set fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'set', since: '6.2.0', complexity: 'O(N) where N is the number of elements being checked for membership', summary: 'Returns the membership associated with the given elements for a set' },
  { name: 'scard', arity: 2, flags: 'readonly fast', keys: '1 1 1', acl: 'read set fast', keySpecs: 'RO@i1:r0,1,0', group: 'set', since: '1.0.0', complexity: 'O(1)', summary: 'Get the number of members in a set' },
  { name: 'spop', arity: -2, flags: 'write fast', keys: '1 1 1', acl: 'write set fast', keySpecs: 'RW,access,delete@i1:r0,1,0', tips: 'nondeterministic_output', group: 'set', since: '1.0.0', complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.', summary: 'Remove and return one or multiple random members from a set' },
  { name: 'srandmember', arity: -2, flags: 'readonly', keys: '1 1 1', acl: 'read set slow', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output', group: 'set', since: '1.0.0', complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.', summary: 'Get one or multiple random members from a set' },
  { name: 'smove', arity: 4, flags: 'write fast', keys: '1 2 1', acl: 'write set fast', keySpecs: 'RW,access,delete@i1:r0,1,0 RW,insert@i2:r0,1,0', group: 'set', since: '1.0.0', complexity: 'O(1)', summary: 'Move a member from one set to another' },
  { name: 'sinter', arity: -2, flags: 'readonly', keys: '1 -1 1', acl: 'read set slow', keySpecs: 'RO,access@i1:r-1,1,0', tips: 'nondeterministic_output_order', group: 'set', since: '1.0.0', complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.', summary: 'Intersect multiple sets' },
  { name: 'sintercard', arity: -3, flags: 'readonly movablekeys', keys: '0 0 0', acl: 'read set slow', keySpecs: 'RO,access@i1:n0,1,1', group: 'set', since: '7.0.0', complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.', summary: 'Intersect multiple sets and return the cardinality of the result' },
  { name: 'sinterstore', arity: -3, flags: 'write denyoom', keys: '1 -1 1', acl: 'write set slow', keySpecs: 'RW,update@i1:r0,1,0 RO,access@i2:r-1,1,0', group: 'set', since: '1.0.0', complexity: 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.', summary: 'Intersect multiple sets and store the resulting set in a key' },
  { name: 'sunion', arity: -2, flags: 'readonly', keys: '1 -1 1', acl: 'read set slow', keySpecs: 'RO,access@i1:r-1,1,0', tips: 'nondeterministic_output_order', group: 'set', since: '1.0.0', complexity: 'O(N) where N is the total number of elements in all given sets.', summary: 'Add multiple sets' },
  { name: 'sunionstore', arity: -3, flags: 'write denyoom', keys: '1 -1 1', acl: 'write set slow', keySpecs: 'OW,update@i1:r0,1,0 RO,access@i2:r-1,1,0', group: 'set', since: '1.0.0', complexity: 'O(N) where N is the total number of elements in all given sets.', summary: 'Add multiple sets and store the resulting set in a key' },
  { name: 'sdiff', arity: -2, flags: 'readonly', keys: '1 -1 1', acl: 'read set slow', keySpecs: 'RO,access@i1:r-1,1,0', tips: 'nondeterministic_output_order', group: 'set', since: '1.0.0', complexity: 'O(N) where N is the total number of elements in all given sets.', summary: 'Subtract multiple sets' },
  { name: 'sdiffstore', arity: -3, flags: 'write denyoom', keys: '1 -1 1', acl: 'write set slow', keySpecs: 'OW,update@i1:r0,1,0 RO,access@i2:r-1,1,0', group: 'set', since: '1.0.0', complexity: 'O(N) where N is the total number of elements in all given sets.', summary: 'Subtract multiple sets and store the resulting set in a key' },
  { name: 'sscan', arity: -3, flags: 'readonly', keys: '1 1 1', acl: 'read set slow', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output', group: 'set', since: '2.8.0', complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..', summary: 'Incrementally iterate Set elements' },
  { name: 'zadd', arity: -4, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write sortedset fast', keySpecs: 'RW,update@i1:r0,1,0', group: 'sorted-set', since: '1.2.0', complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.', summary: 'Add one or more members to a sorted set, or update its score if it already exists' },
  { name: 'zincrby', arity: 4, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write sortedset fast', keySpecs: 'RW,access,update@i1:r0,1,0', group: 'sorted-set', since: '1.2.0', complexity: 'O(log(N)) where N is the number of elements in the sorted set.', summary: 'Increment the score of a member in a sorted set' },
  { name: 'zrem', arity: -3, flags: 'write fast', keys: '1 1 1', acl: 'write sortedset fast', keySpecs: 'RW,delete@i1:r0,1,0', group: 'sorted-set', since: '1.2.0', complexity: 'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.', summary: 'Remove one or more members from a sorted set' },
  { name: 'zcard', arity: 2, flags: 'readonly fast', keys: '1 1 1', acl: 'read sortedset fast', keySpecs: 'RO@i1:r0,1,0', group: 'sorted-set', since: '1.2.0', complexity: 'O(1)', summary: 'Get the number of members in a sorted set' },
  { name: 'zscore', arity: 3, flags: 'readonly fast', keys: '1 1 1', acl: 'read sortedset fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'sorted-set', since: '1.2.0', complexity: 'O(1)', summary: 'Get the score associated with the given member in a sorted set' },
  { name: 'zmscore', arity: -3, flags: 'readonly fast', keys: '1 1 1', acl: 'read sortedset fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'sorted-set', since: '6.2.0', complexity: 'O(N) where N is the number of members being requested.', summary: 'Get the score associated with the given members in a sorted set' },
  { name: 'zrank', arity: 3, flags: 'readonly fast', keys: '1 1 1', acl: 'read sortedset fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'sorted-set', since: '2.0.0', complexity: 'O(log(N))', summary: 'Determine the index of a member in a sorted set' },
  { name: 'zrevrank', arity: 3, flags: 'readonly fast', keys: '1 1 1', acl: 'read sortedset fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'sorted-set', since: '2.0.0', complexity: 'O(log(N))', summary: 'Determine the index of a member in a sorted set, with scores ordered from high to low' },
  { name: 'zrange', arity: -4, flags: 'readonly', keys: '1 1 1', acl: 'read sortedset slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'sorted-set', since: '1.2.0', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.', summary: 'Return a range of members in a sorted set' },
  { name: 'zrangestore', arity: -5, flags: 'write denyoom', keys: '1 2 1', acl: 'write sortedset slow', keySpecs: 'OW,update@i1:r0,1,0 RO,access@i2:r0,1,0', group: 'sorted-set', since: '6.2.0', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.', summary: 'Store a range of members from sorted set into another key' },
  { name: 'zrevrange', arity: -4, flags: 'readonly', keys: '1 1 1', acl: 'read sortedset slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'sorted-set', since: '1.2.0', docFlags: 'deprecated', deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with the `REV` argument', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.', summary: 'Return a range of members in a sorted set, by index, with scores ordered from high to low' },
  { name: 'zrangebyscore', arity: -4, flags: 'readonly', keys: '1 1 1', acl: 'read sortedset slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'sorted-set', since: '1.0.5', docFlags: 'deprecated', deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with the `BYSCORE` argument', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).', summary: 'Return a range of members in a sorted set, by score' },
  { name: 'zrevrangebyscore', arity: -4, flags: 'readonly', keys: '1 1 1', acl: 'read sortedset slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'sorted-set', since: '2.2.0', docFlags: 'deprecated', deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with the `REV` and `BYSCORE` arguments', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).', summary: 'Return a range of members in a sorted set, by score, with scores ordered from high to low' },
  { name: 'zrangebylex', arity: -4, flags: 'readonly', keys: '1 1 1', acl: 'read sortedset slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'sorted-set', since: '2.8.9', docFlags: 'deprecated', deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with the `BYLEX` argument', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).', summary: 'Return a range of members in a sorted set, by lexicographical range' },
  { name: 'zrevrangebylex', arity: -4, flags: 'readonly', keys: '1 1 1', acl: 'read sortedset slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'sorted-set', since: '2.8.9', docFlags: 'deprecated', deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with the `REV` and `BYLEX` arguments', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).', summary: 'Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.' },
  { name: 'zcount', arity: 4, flags: 'readonly fast', keys: '1 1 1', acl: 'read sortedset fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'sorted-set', since: '2.0.0', complexity: 'O(log(N)) with N being the number of elements in the sorted set.', summary: 'Count the members in a sorted set with scores within the given values' },
  { name: 'zlexcount', arity: 4, flags: 'readonly fast', keys: '1 1 1', acl: 'read sortedset fast', keySpecs: 'RO,access@i1:r0,1,0', group: 'sorted-set', since: '2.8.9', complexity: 'O(log(N)) with N being the number of elements in the sorted set.', summary: 'Count the number of members in a sorted set between a given lexicographical range' },
  { name: 'zremrangebyrank', arity: 4, flags: 'write', keys: '1 1 1', acl: 'write sortedset slow', keySpecs: 'RW,delete@i1:r0,1,0', group: 'sorted-set', since: '2.0.0', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.', summary: 'Remove all members in a sorted set within the given indexes' },
  { name: 'zremrangebyscore', arity: 4, flags: 'write', keys: '1 1 1', acl: 'write sortedset slow', keySpecs: 'RW,delete@i1:r0,1,0', group: 'sorted-set', since: '1.2.0', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.', summary: 'Remove all members in a sorted set within the given scores' },
  { name: 'zremrangebylex', arity: 4, flags: 'write', keys: '1 1 1', acl: 'write sortedset slow', keySpecs: 'RW,delete@i1:r0,1,0', group: 'sorted-set', since: '2.8.9', complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.', summary: 'Remove all members in a sorted set between the given lexicographical range' },
  { name: 'zpopmin', arity: -2, flags: 'write fast', keys: '1 1 1', acl: 'write sortedset fast', keySpecs: 'RW,access,delete@i1:r0,1,0', group: 'sorted-set', since: '5.0.0', complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.', summary: 'Remove and return members with the lowest scores in a sorted set' },
  { name: 'zpopmax', arity: -2, flags: 'write fast', keys: '1 1 1', acl: 'write sortedset fast', keySpecs: 'RW,access,delete@i1:r0,1,0', group: 'sorted-set', since: '5.0.0', complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.', summary: 'Remove and return members with the highest scores in a sorted set' },
  { name: 'bzpopmin', arity: -3, flags: 'write noscript blocking fast', keys: '1 -2 1', acl: 'write sortedset fast blocking', keySpecs: 'RW,access,delete@i1:r-2,1,0', group: 'sorted-set', since: '5.0.0', complexity: 'O(log(N)) with N being the number of elements in the sorted set.', summary: 'Remove and return the member with the lowest score from one or more sorted sets, or block until one is available' },
  { name: 'bzpopmax', arity: -3, flags: 'write noscript blocking fast', keys: '1 -2 1', acl: 'write sortedset fast blocking', keySpecs: 'RW,access,delete@i1:r-2,1,0', group: 'sorted-set', since: '5.0.0', complexity: 'O(log(N)) with N being the number of elements in the sorted set.', summary: 'Remove and return the member with the highest score from one or more sorted sets, or block until one is available' },
  { name: 'zmpop', arity: -4, flags: 'write movablekeys', keys: '0 0 0', acl: 'write sortedset slow', keySpecs: 'RW,access,delete@i1:n0,1,1', group: 'sorted-set', since: '7.0.0', complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.', summary: 'Remove and return members with scores in a sorted set' },
  { name: 'bzmpop', arity: -5, flags: 'write blocking movablekeys', keys: '0 0 0', acl: 'write sortedset slow blocking', keySpecs: 'RW,access,delete@i2:n0,1,1', group: 'sorted-set', since: '7.0.0', complexity: 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.', summary: 'Remove and return members with scores in a sorted set or block until one is available' },
  { name: 'zrandmember', arity: -2, flags: 'readonly', keys: '1 1 1', acl: 'read sortedset slow', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output', group: 'sorted-set', since: '6.2.0', complexity: 'O(N) where N is the number of elements returned', summary: 'Get one or multiple random elements from a sorted set' },
  { name: 'zunion', arity: -3, flags: 'readonly movablekeys', keys: '0 0 0', acl: 'read sortedset slow', keySpecs: 'RO,access@i1:n0,1,1', group: 'sorted-set', since: '6.2.0', complexity: 'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.', summary: 'Add multiple sorted sets' },
  { name: 'zunionstore', arity: -4, flags: 'write denyoom movablekeys', keys: '1 1 1', acl: 'write sortedset slow', keySpecs: 'OW,update@i1:r0,1,0 RO,access@i2:n0,1,1', group: 'sorted-set', since: '2.0.0', complexity: 'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.', summary: 'Add multiple sorted sets and store the resulting sorted set in a new key' },
  { name: 'zinter', arity: -3, flags: 'readonly movablekeys', keys: '0 0 0', acl: 'read sortedset slow', keySpecs: 'RO,access@i1:n0,1,1', group: 'sorted-set', since: '6.2.0', complexity: 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.', summary: 'Intersect multiple sorted sets' },
  { name: 'zinterstore', arity: -4, flags: 'write denyoom movablekeys', keys: '1 1 1', acl: 'write sortedset slow', keySpecs: 'OW,update@i1:r0,1,0 RO,access@i2:n0,1,1', group: 'sorted-set', since: '2.0.0', complexity: 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.', summary: 'Intersect multiple sorted sets and store the resulting sorted set in a new key' },
  { name: 'zintercard', arity: -3, flags: 'readonly movablekeys', keys: '0 0 0', acl: 'read sortedset slow', keySpecs: 'RO,access@i1:n0,1,1', group: 'sorted-set', since: '7.0.0', complexity: 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.', summary: 'Intersect multiple sorted sets and return the cardinality of the result' },
  { name: 'zdiff', arity: -3, flags: 'readonly movablekeys', keys: '0 0 0', acl: 'read sortedset slow', keySpecs: 'RO,access@i1:n0,1,1', group: 'sorted-set', since: '6.2.0', complexity: 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.', summary: 'Subtract multiple sorted sets' },
  { name: 'zdiffstore', arity: -4, flags: 'write denyoom movablekeys', keys: '1 1 1', acl: 'write sortedset slow', keySpecs: 'OW,update@i1:r0,1,0 RO,access@i2:n0,1,1', group: 'sorted-set', since: '6.2.0', complexity: 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.', summary: 'Subtract multiple sorted sets and store the resulting sorted set in a new key' },
  { name: 'zscan', arity: -3, flags: 'readonly', keys: '1 1 1', acl: 'read sortedset slow', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output', group: 'sorted-set', since: '2.8.0', complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..', summary: 'Incrementally iterate sorted sets elements and associated scores' },
  { name: 'subscribe', arity: -2, flags: 'pubsub noscript loading stale', keys: '0 0 0', acl: 'pubsub slow', group: 'pubsub', since: '2.0.0', complexity: 'O(N) where N is the number of channels to subscribe to.', summary: 'Listen for messages published to the given channels' },
  { name: 'psubscribe', arity: -2, flags: 'pubsub noscript loading stale', keys: '0 0 0', acl: 'pubsub slow', group: 'pubsub', since: '2.0.0', complexity: 'O(N) where N is the number of patterns the client is already subscribed to.', summary: 'Listen for messages published to channels matching the given patterns' },
  { name: 'unsubscribe', arity: -1, flags: 'pubsub noscript loading stale', keys: '0 0 0', acl: 'pubsub slow', group: 'pubsub', since: '2.0.0', complexity: 'O(N) where N is the number of clients already subscribed to a channel.', summary: 'Stop listening for messages posted to the given channels' },
  { name: 'punsubscribe', arity: -1, flags: 'pubsub noscript loading stale', keys: '0 0 0', acl: 'pubsub slow', group: 'pubsub', since: '2.0.0', complexity: 'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).', summary: 'Stop listening for messages posted to channels matching the given patterns' },
  { name: 'publish', arity: 3, flags: 'pubsub loading stale fast', keys: '0 0 0', acl: 'pubsub fast', group: 'pubsub', since: '2.0.0', complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).', summary: 'Post a message to a channel' },
  { name: 'pubsub', arity: -2, flags: '', keys: '0 0 0', acl: 'slow', group: 'pubsub', since: '2.8.0', complexity: 'Depends on subcommand.', summary: 'A container for Pub/Sub commands' },
  { name: 'pubsub|channels', arity: -2, flags: 'pubsub loading stale', keys: '0 0 0', acl: 'pubsub slow', group: 'pubsub', since: '2.8.0', complexity: 'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)', summary: 'List active channels' },
  { name: 'pubsub|help', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'slow', group: 'pubsub', since: '6.2.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands' },
  { name: 'pubsub|numpat', arity: 2, flags: 'pubsub loading stale', keys: '0 0 0', acl: 'pubsub slow', group: 'pubsub', since: '2.8.0', complexity: 'O(1)', summary: 'Get the count of unique patterns pattern subscriptions' },
  { name: 'pubsub|numsub', arity: -2, flags: 'pubsub loading stale', keys: '0 0 0', acl: 'pubsub slow', group: 'pubsub', since: '2.8.0', complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels', summary: 'Get the count of subscribers for channels' },
  { name: 'pubsub|shardchannels', arity: -2, flags: 'pubsub loading stale', keys: '0 0 0', acl: 'pubsub slow', group: 'pubsub', since: '7.0.0', complexity: 'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).', summary: 'List active shard channels' },
  { name: 'pubsub|shardnumsub', arity: -2, flags: 'pubsub loading stale', keys: '0 0 0', acl: 'pubsub slow', group: 'pubsub', since: '7.0.0', complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels', summary: 'Get the count of subscribers for shard channels' },
  { name: 'ssubscribe', arity: -2, flags: 'pubsub noscript loading stale', keys: '1 -1 1', acl: 'pubsub slow', keySpecs: 'not_key@i1:r-1,1,0', group: 'pubsub', since: '7.0.0', complexity: 'O(N) where N is the number of shard channels to subscribe to.', summary: 'Listen for messages published to the given shard channels' },
  { name: 'sunsubscribe', arity: -1, flags: 'pubsub noscript loading stale', keys: '1 -1 1', acl: 'pubsub slow', keySpecs: 'not_key@i1:r-1,1,0', group: 'pubsub', since: '7.0.0', complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.', summary: 'Stop listening for messages posted to the given shard channels' },
  { name: 'spublish', arity: 3, flags: 'pubsub loading stale fast', keys: '1 1 1', acl: 'pubsub fast', keySpecs: 'not_key@i1:r0,1,0', group: 'pubsub', since: '7.0.0', complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.', summary: 'Post a message to a shard channel' },
  { name: 'multi', arity: 1, flags: 'noscript loading stale fast allow_busy', keys: '0 0 0', acl: 'fast transaction', group: 'transactions', since: '1.2.0', complexity: 'O(1)', summary: 'Mark the start of a transaction block' },
  { name: 'exec', arity: 1, flags: 'noscript loading stale skip_slowlog', keys: '0 0 0', acl: 'slow transaction', group: 'transactions', since: '1.2.0', complexity: 'Depends on commands in the transaction', summary: 'Execute all commands issued after MULTI' },
  { name: 'discard', arity: 1, flags: 'noscript loading stale fast allow_busy', keys: '0 0 0', acl: 'fast transaction', group: 'transactions', since: '2.0.0', complexity: 'O(N), when N is the number of queued commands', summary: 'Discard all commands issued after MULTI' },
  { name: 'watch', arity: -2, flags: 'noscript loading stale fast allow_busy', keys: '1 -1 1', acl: 'fast transaction', keySpecs: 'RO@i1:r-1,1,0', group: 'transactions', since: '2.2.0', complexity: 'O(1) for every key.', summary: 'Watch the given keys to determine execution of the MULTI/EXEC block' },
  { name: 'unwatch', arity: 1, flags: 'noscript loading stale fast allow_busy', keys: '0 0 0', acl: 'fast transaction', group: 'transactions', since: '2.2.0', complexity: 'O(1)', summary: 'Forget about all watched keys' },
  { name: 'ping', arity: -1, flags: 'fast', keys: '0 0 0', acl: 'fast connection', tips: 'request_policy:all_shards response_policy:all_succeeded', group: 'connection', since: '1.0.0', complexity: 'O(1)', summary: 'Ping the server' },
  { name: 'echo', arity: 2, flags: 'loading stale fast', keys: '0 0 0', acl: 'fast connection', group: 'connection', since: '1.0.0', complexity: 'O(1)', summary: 'Echo the given string' },
  { name: 'select', arity: 2, flags: 'loading stale fast', keys: '0 0 0', acl: 'fast connection', group: 'connection', since: '1.0.0', complexity: 'O(1)', summary: 'Change the selected database for the current connection' },
  { name: 'hello', arity: -1, flags: 'noscript loading stale fast no_auth allow_busy', keys: '0 0 0', acl: 'fast connection', group: 'connection', since: '6.0.0', complexity: 'O(1)', summary: 'Handshake with Redis' },
  { name: 'auth', arity: -2, flags: 'noscript loading stale fast no_auth allow_busy', keys: '0 0 0', acl: 'fast connection', group: 'connection', since: '1.0.0', complexity: 'O(N) where N is the number of passwords defined for the user', summary: 'Authenticate to the server' },
  { name: 'client', arity: -2, flags: '', keys: '0 0 0', acl: 'slow', group: 'connection', since: '2.4.0', complexity: 'Depends on subcommand.', summary: 'A container for client connection commands' },
  { name: 'client|caching', arity: 3, flags: 'noscript loading stale', keys: '0 0 0', acl: 'slow connection', group: 'connection', since: '6.0.0', complexity: 'O(1)', summary: 'Instruct the server about tracking or not keys in the next request' },
  { name: 'client|getname', arity: 2, flags: 'noscript loading stale', keys: '0 0 0', acl: 'slow connection', group: 'connection', since: '2.6.9', complexity: 'O(1)', summary: 'Get the current connection name' },
  { name: 'client|getredir', arity: 2, flags: 'noscript loading stale', keys: '0 0 0', acl: 'slow connection', group: 'connection', since: '6.0.0', complexity: 'O(1)', summary: 'Get tracking notifications redirection client ID if any' },
  { name: 'client|help', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'slow connection', group: 'connection', since: '5.0.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands' },
  { name: 'client|id', arity: 2, flags: 'noscript loading stale', keys: '0 0 0', acl: 'slow connection', group: 'connection', since: '5.0.0', complexity: 'O(1)', summary: 'Returns the client ID for the current connection' },
  { name: 'client|info', arity: 2, flags: 'noscript loading stale', keys: '0 0 0', acl: 'slow connection', tips: 'nondeterministic_output', group: 'connection', since: '6.2.0', complexity: 'O(1)', summary: 'Returns information about the current client connection.' },
  { name: 'client|kill', arity: -3, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous connection', group: 'connection', since: '2.4.0', complexity: 'O(N) where N is the number of client connections', summary: 'Kill the connection of a client' },
  { name: 'client|list', arity: -2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous connection', tips: 'nondeterministic_output', group: 'connection', since: '2.4.0', complexity: 'O(N) where N is the number of client connections', summary: 'Get the list of client connections' },
  { name: 'client|no-evict', arity: 3, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous connection', group: 'connection', since: '7.0.0', complexity: 'O(1)', summary: 'Set client eviction mode for the current connection' },
  { name: 'client|pause', arity: -3, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous connection', group: 'connection', since: '2.9.50', complexity: 'O(1)', summary: 'Stop processing commands from clients for some time' },
  { name: 'client|reply', arity: 3, flags: 'noscript loading stale', keys: '0 0 0', acl: 'slow connection', group: 'connection', since: '3.2.0', complexity: 'O(1)', summary: 'Instruct the server whether to reply to commands' },
  { name: 'client|setname', arity: 3, flags: 'noscript loading stale', keys: '0 0 0', acl: 'slow connection', group: 'connection', since: '2.6.9', complexity: 'O(1)', summary: 'Set the current connection name' },
  { name: 'client|tracking', arity: -3, flags: 'noscript loading stale', keys: '0 0 0', acl: 'slow connection', group: 'connection', since: '6.0.0', complexity: 'O(1). Some options may introduce additional complexity.', summary: 'Enable or disable server assisted client side caching support' },
  { name: 'client|trackinginfo', arity: 2, flags: 'noscript loading stale', keys: '0 0 0', acl: 'slow connection', group: 'connection', since: '6.2.0', complexity: 'O(1)', summary: 'Return information about server assisted client side caching for the current connection' },
  { name: 'client|unblock', arity: -3, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous connection', group: 'connection', since: '5.0.0', complexity: 'O(log N) where N is the number of client connections', summary: 'Unblock a client blocked in a blocking command from a different connection' },
  { name: 'client|unpause', arity: 2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous connection', group: 'connection', since: '6.2.0', complexity: 'O(N) Where N is the number of paused clients', summary: 'Resume processing of clients that were paused' },
  { name: 'quit', arity: -1, flags: 'noscript loading stale fast no_auth allow_busy', keys: '0 0 0', acl: 'fast connection', group: 'connection', since: '1.0.0', complexity: 'O(1)', summary: 'Close the connection' },
  { name: 'reset', arity: 1, flags: 'noscript loading stale fast no_auth allow_busy', keys: '0 0 0', acl: 'fast connection', group: 'connection', since: '6.2.0', complexity: 'O(1)', summary: 'Reset the connection' },
  { name: 'command', arity: -1, flags: 'loading stale', keys: '0 0 0', acl: 'slow connection', tips: 'nondeterministic_output_order', group: 'server', since: '2.8.13', complexity: 'O(N) where N is the total number of Redis commands', summary: 'Get array of Redis command details' },
  { name: 'command|count', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'slow connection', group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Get total number of Redis commands' },
  { name: 'command|docs', arity: -2, flags: 'loading stale', keys: '0 0 0', acl: 'slow connection', tips: 'nondeterministic_output_order', group: 'server', since: '7.0.0', complexity: 'O(N) where N is the number of commands to look up', summary: 'Get array of specific Redis command documentation' },
  { name: 'command|getkeys', arity: -4, flags: 'loading stale', keys: '0 0 0', acl: 'slow connection', group: 'server', since: '2.8.13', complexity: 'O(N) where N is the number of arguments to the command', summary: 'Extract keys given a full Redis command' },
  { name: 'command|getkeysandflags', arity: -4, flags: 'loading stale', keys: '0 0 0', acl: 'slow connection', group: 'server', since: '7.0.0', complexity: 'O(N) where N is the number of arguments to the command', summary: 'Extract keys and access flags given a full Redis command' },
  { name: 'command|help', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'slow connection', group: 'server', since: '5.0.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands' },
  { name: 'command|info', arity: -2, flags: 'loading stale', keys: '0 0 0', acl: 'slow connection', tips: 'nondeterministic_output_order', group: 'server', since: '2.8.13', complexity: 'O(N) where N is the number of commands to look up', summary: 'Get array of specific Redis command details, or all when no argument is given.' },
  { name: 'command|list', arity: -2, flags: 'loading stale', keys: '0 0 0', acl: 'slow connection', tips: 'nondeterministic_output_order', group: 'server', since: '7.0.0', complexity: 'O(N) where N is the total number of Redis commands', summary: 'Get an array of Redis command names' },
  { name: 'info', arity: -1, flags: 'loading stale', keys: '0 0 0', acl: 'slow dangerous', tips: 'nondeterministic_output request_policy:all_shards response_policy:special', group: 'server', since: '1.0.0', complexity: 'O(1)', summary: 'Get information and statistics about the server' },
  { name: 'config', arity: -2, flags: '', keys: '0 0 0', acl: 'slow', group: 'server', since: '2.0.0', complexity: 'Depends on subcommand.', summary: 'A container for server configuration commands' },
  { name: 'config|get', arity: -3, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '2.0.0', complexity: 'O(N) when N is the number of configuration parameters provided', summary: 'Get the values of configuration parameters' },
  { name: 'config|help', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'slow', group: 'server', since: '5.0.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands' },
  { name: 'config|resetstat', arity: 2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '2.0.0', complexity: 'O(1)', summary: 'Reset the stats returned by INFO' },
  { name: 'config|rewrite', arity: 2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '2.8.0', complexity: 'O(1)', summary: 'Rewrite the configuration file with the in memory configuration' },
  { name: 'config|set', arity: -4, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', tips: 'request_policy:all_nodes response_policy:all_succeeded', group: 'server', since: '2.0.0', complexity: 'O(N) when N is the number of configuration parameters provided', summary: 'Set configuration parameters to the given values' },
  { name: 'dbsize', arity: 1, flags: 'readonly fast', keys: '0 0 0', acl: 'keyspace read fast', tips: 'request_policy:all_shards response_policy:agg_sum', group: 'server', since: '1.0.0', complexity: 'O(1)', summary: 'Return the number of keys in the selected database' },
  { name: 'flushdb', arity: -1, flags: 'write', keys: '0 0 0', acl: 'keyspace write slow dangerous', tips: 'request_policy:all_shards response_policy:all_succeeded', group: 'server', since: '1.0.0', complexity: 'O(N) where N is the number of keys in the selected database', summary: 'Remove all keys from the current database' },
  { name: 'flushall', arity: -1, flags: 'write', keys: '0 0 0', acl: 'keyspace write slow dangerous', tips: 'request_policy:all_shards response_policy:all_succeeded', group: 'server', since: '1.0.0', complexity: 'O(N) where N is the total number of keys in all databases', summary: 'Remove all keys from all databases' },
  { name: 'time', arity: 1, flags: 'loading stale fast', keys: '0 0 0', acl: 'fast', tips: 'nondeterministic_output', group: 'server', since: '2.6.0', complexity: 'O(1)', summary: 'Return the current server time' },
  { name: 'swapdb', arity: 3, flags: 'write fast', keys: '0 0 0', acl: 'keyspace write fast dangerous', group: 'server', since: '4.0.0', complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.', summary: 'Swaps two Redis databases' },
  { name: 'debug', arity: -2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '1.0.0', docFlags: 'syscmd', complexity: 'Depends on subcommand.', summary: 'A container for debugging commands' },
  { name: 'acl', arity: -2, flags: '', keys: '0 0 0', acl: 'slow', group: 'server', since: '6.0.0', complexity: 'Depends on subcommand.', summary: 'A container for Access List Control commands ' },
  { name: 'acl|cat', arity: -2, flags: 'noscript loading stale', keys: '0 0 0', acl: 'slow', group: 'server', since: '6.0.0', complexity: 'O(1) since the categories and commands are a fixed set.', summary: 'List the ACL categories or the commands inside a category' },
  { name: 'acl|deluser', arity: -3, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '6.0.0', complexity: 'O(1) amortized time considering the typical user.', summary: 'Remove the specified ACL users and the associated rules' },
  { name: 'acl|dryrun', arity: -4, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '7.0.0', complexity: 'O(1).', summary: 'Returns whether the user can execute the given command without executing the command.' },
  { name: 'acl|genpass', arity: -2, flags: 'noscript loading stale', keys: '0 0 0', acl: 'slow', group: 'server', since: '6.0.0', complexity: 'O(1)', summary: 'Generate a pseudorandom secure password to use for ACL users' },
  { name: 'acl|getuser', arity: 3, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '6.0.0', complexity: 'O(N). Where N is the number of password, command and pattern rules that the user has.', summary: 'Get the rules for a specific ACL user' },
  { name: 'acl|help', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'slow', group: 'server', since: '6.0.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands' },
  { name: 'acl|list', arity: 2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '6.0.0', complexity: 'O(N). Where N is the number of configured users.', summary: 'List the current ACL rules in ACL config file format' },
  { name: 'acl|load', arity: 2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '6.0.0', complexity: 'O(N). Where N is the number of configured users.', summary: 'Reload the ACLs from the configured ACL file' },
  { name: 'acl|log', arity: -2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '6.0.0', complexity: 'O(N) with N being the number of entries shown.', summary: 'List latest events denied because of ACLs in place' },
  { name: 'acl|save', arity: 2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '6.0.0', complexity: 'O(N). Where N is the number of configured users.', summary: 'Save the current ACL rules in the configured ACL file' },
  { name: 'acl|setuser', arity: -3, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '6.0.0', complexity: 'O(N). Where N is the number of rules provided.', summary: 'Modify or create the rules for a specific ACL user' },
  { name: 'acl|users', arity: 2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '6.0.0', complexity: 'O(N). Where N is the number of configured users.', summary: 'List the username of all the configured ACL rules' },
  { name: 'acl|whoami', arity: 2, flags: 'noscript loading stale', keys: '0 0 0', acl: 'slow', group: 'server', since: '6.0.0', complexity: 'O(1)', summary: 'Return the name of the user associated to the current connection' },
  { name: 'lastsave', arity: 1, flags: 'loading stale fast', keys: '0 0 0', acl: 'admin fast dangerous', tips: 'nondeterministic_output', group: 'server', since: '1.0.0', complexity: 'O(1)', summary: 'Get the UNIX time stamp of the last successful save to disk' },
  { name: 'script', arity: -2, flags: '', keys: '0 0 0', acl: 'slow', group: 'scripting', since: '2.6.0', complexity: 'Depends on subcommand.', summary: 'A container for Lua scripts management commands' },
  { name: 'script|debug', arity: 3, flags: 'noscript', keys: '0 0 0', acl: 'slow scripting', group: 'scripting', since: '3.2.0', complexity: 'O(1)', summary: 'Set the debug mode for executed scripts.' },
  { name: 'script|exists', arity: -3, flags: 'noscript', keys: '0 0 0', acl: 'slow scripting', tips: 'request_policy:all_shards response_policy:agg_logical_and', group: 'scripting', since: '2.6.0', complexity: 'O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).', summary: 'Check existence of scripts in the script cache.' },
  { name: 'script|flush', arity: -2, flags: 'noscript', keys: '0 0 0', acl: 'slow scripting', tips: 'request_policy:all_nodes response_policy:all_succeeded', group: 'scripting', since: '2.6.0', complexity: 'O(N) with N being the number of scripts in cache', summary: 'Remove all the scripts from the script cache.' },
  { name: 'script|help', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'slow scripting', group: 'scripting', since: '5.0.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands' },
  { name: 'script|kill', arity: 2, flags: 'noscript allow_busy', keys: '0 0 0', acl: 'slow scripting', tips: 'request_policy:all_shards response_policy:one_succeeded', group: 'scripting', since: '2.6.0', complexity: 'O(1)', summary: 'Kill the script currently in execution.' },
  { name: 'script|load', arity: 3, flags: 'noscript stale', keys: '0 0 0', acl: 'slow scripting', tips: 'request_policy:all_nodes response_policy:all_succeeded', group: 'scripting', since: '2.6.0', complexity: 'O(N) with N being the length in bytes of the script body.', summary: 'Load the specified Lua script into the script cache.' },
  { name: 'function', arity: -2, flags: '', keys: '0 0 0', acl: 'slow', group: 'scripting', since: '7.0.0', complexity: 'Depends on subcommand.', summary: 'A container for function commands' },
  { name: 'function|delete', arity: 3, flags: 'write noscript', keys: '0 0 0', acl: 'write slow scripting', tips: 'request_policy:all_shards response_policy:all_succeeded', group: 'scripting', since: '7.0.0', complexity: 'O(1)', summary: 'Delete a function by name' },
  { name: 'function|dump', arity: 2, flags: 'noscript', keys: '0 0 0', acl: 'slow scripting', group: 'scripting', since: '7.0.0', complexity: 'O(N) where N is the number of functions', summary: 'Dump all functions into a serialized binary payload' },
  { name: 'function|flush', arity: -2, flags: 'write noscript', keys: '0 0 0', acl: 'write slow scripting', tips: 'request_policy:all_shards response_policy:all_succeeded', group: 'scripting', since: '7.0.0', complexity: 'O(N) where N is the number of functions deleted', summary: 'Deleting all functions' },
  { name: 'function|help', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'slow scripting', group: 'scripting', since: '7.0.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands' },
  { name: 'function|kill', arity: 2, flags: 'noscript allow_busy', keys: '0 0 0', acl: 'slow scripting', tips: 'request_policy:all_shards response_policy:one_succeeded', group: 'scripting', since: '7.0.0', complexity: 'O(1)', summary: 'Kill the function currently in execution.' },
  { name: 'function|list', arity: -2, flags: 'noscript', keys: '0 0 0', acl: 'slow scripting', tips: 'nondeterministic_output_order', group: 'scripting', since: '7.0.0', complexity: 'O(N) where N is the number of functions', summary: 'List information about all the functions' },
  { name: 'function|load', arity: -3, flags: 'write denyoom noscript', keys: '0 0 0', acl: 'write slow scripting', tips: 'request_policy:all_shards response_policy:all_succeeded', group: 'scripting', since: '7.0.0', complexity: 'O(1) (considering compilation time is redundant)', summary: 'Create a function with the given arguments (name, code, description)' },
  { name: 'function|restore', arity: -3, flags: 'write denyoom noscript', keys: '0 0 0', acl: 'write slow scripting', tips: 'request_policy:all_shards response_policy:all_succeeded', group: 'scripting', since: '7.0.0', complexity: 'O(N) where N is the number of functions on the payload', summary: 'Restore all the functions on the given payload' },
  { name: 'function|stats', arity: 2, flags: 'noscript allow_busy', keys: '0 0 0', acl: 'slow scripting', tips: 'nondeterministic_output request_policy:all_shards response_policy:special', group: 'scripting', since: '7.0.0', complexity: 'O(1)', summary: 'Return information about the function currently running (name, description, duration)' },
  { name: 'eval', arity: -3, flags: 'noscript stale skip_monitor no_mandatory_keys movablekeys', keys: '0 0 0', acl: 'slow scripting', keySpecs: 'RW,access,update@i2:n0,1,1', group: 'scripting', since: '2.6.0', complexity: 'Depends on the script that is executed.', summary: 'Execute a Lua script server side' },
  { name: 'evalsha', arity: -3, flags: 'noscript stale skip_monitor no_mandatory_keys movablekeys', keys: '0 0 0', acl: 'slow scripting', keySpecs: 'RW,access,update@i2:n0,1,1', group: 'scripting', since: '2.6.0', complexity: 'Depends on the script that is executed.', summary: 'Execute a Lua script server side' },
  { name: 'eval_ro', arity: -3, flags: 'readonly noscript stale skip_monitor no_mandatory_keys movablekeys', keys: '0 0 0', acl: 'slow scripting', keySpecs: 'RO,access@i2:n0,1,1', group: 'scripting', since: '7.0.0', complexity: 'Depends on the script that is executed.', summary: 'Execute a read-only Lua script server side' },
  { name: 'evalsha_ro', arity: -3, flags: 'readonly noscript stale skip_monitor no_mandatory_keys movablekeys', keys: '0 0 0', acl: 'slow scripting', keySpecs: 'RO,access@i2:n0,1,1', group: 'scripting', since: '7.0.0', complexity: 'Depends on the script that is executed.', summary: 'Execute a read-only Lua script server side' },
  { name: 'fcall', arity: -3, flags: 'noscript stale skip_monitor no_mandatory_keys movablekeys', keys: '0 0 0', acl: 'slow scripting', keySpecs: 'RW,access,update@i2:n0,1,1', group: 'scripting', since: '7.0.0', complexity: 'Depends on the function that is executed.', summary: 'Invoke a function' },
  { name: 'fcall_ro', arity: -3, flags: 'readonly noscript stale skip_monitor no_mandatory_keys movablekeys', keys: '0 0 0', acl: 'slow scripting', keySpecs: 'RO,access@i2:n0,1,1', group: 'scripting', since: '7.0.0', complexity: 'Depends on the function that is executed.', summary: 'Invoke a read-only function' },
  { name: 'pfadd', arity: -2, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write hyperloglog fast', keySpecs: 'RW,insert@i1:r0,1,0', group: 'hyperloglog', since: '2.8.9', complexity: 'O(1) to add every element.', summary: 'Adds the specified elements to the specified HyperLogLog.' },
  { name: 'pfcount', arity: -2, flags: 'readonly', keys: '1 -1 1', acl: 'read hyperloglog slow', keySpecs: 'RW,access@i1:r-1,1,0', group: 'hyperloglog', since: '2.8.9', complexity: 'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.', summary: 'Return the approximated cardinality of the set(s) observed by the HyperLogLog at key(s).' },
  { name: 'pfmerge', arity: -2, flags: 'write denyoom', keys: '1 -1 1', acl: 'write hyperloglog slow', keySpecs: 'RW,access,insert@i1:r0,1,0 RO,access@i2:r-1,1,0', group: 'hyperloglog', since: '2.8.9', complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.', summary: 'Merge N different HyperLogLogs into a single one.' },
  { name: 'pfdebug', arity: 3, flags: 'write denyoom admin', keys: '2 2 1', acl: 'write hyperloglog admin slow dangerous', keySpecs: 'RW,access@i2:r0,1,0', group: 'hyperloglog', since: '2.8.9', docFlags: 'syscmd', complexity: 'N/A', summary: 'Internal commands for debugging HyperLogLog values' },
  { name: 'pfselftest', arity: 1, flags: 'admin', keys: '0 0 0', acl: 'hyperloglog admin slow dangerous', group: 'hyperloglog', since: '2.8.9', docFlags: 'syscmd', complexity: 'N/A', summary: 'An internal command for testing HyperLogLog values' },
  { name: 'geoadd', arity: -5, flags: 'write denyoom', keys: '1 1 1', acl: 'write geo slow', keySpecs: 'RW,update@i1:r0,1,0', group: 'geo', since: '3.2.0', complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.', summary: 'Add one or more geospatial items in the geospatial index represented using a sorted set' },
  { name: 'geopos', arity: -2, flags: 'readonly', keys: '1 1 1', acl: 'read geo slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'geo', since: '3.2.0', complexity: 'O(N) where N is the number of members requested.', summary: 'Returns longitude and latitude of members of a geospatial index' },
  { name: 'geodist', arity: -4, flags: 'readonly', keys: '1 1 1', acl: 'read geo slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'geo', since: '3.2.0', complexity: 'O(log(N))', summary: 'Returns the distance between two members of a geospatial index' },
  { name: 'geohash', arity: -2, flags: 'readonly', keys: '1 1 1', acl: 'read geo slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'geo', since: '3.2.0', complexity: 'O(log(N)) for each member requested, where N is the number of elements in the sorted set.', summary: 'Returns members of a geospatial index as standard geohash strings' },
  { name: 'geosearch', arity: -7, flags: 'readonly', keys: '1 1 1', acl: 'read geo slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'geo', since: '6.2.0', complexity: 'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape', summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.' },
  { name: 'geosearchstore', arity: -8, flags: 'write denyoom', keys: '1 2 1', acl: 'write geo slow', keySpecs: 'OW,update@i1:r0,1,0 RO,access@i2:r0,1,0', group: 'geo', since: '6.2.0', complexity: 'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape', summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.' },
  { name: 'georadius', arity: -6, flags: 'write denyoom movablekeys', keys: '1 1 1', acl: 'write geo slow', keySpecs: 'RO,access@i1:r0,1,0 OW,update@kSTORE,6:r0,1,0 OW,update@kSTOREDIST,6:r0,1,0', group: 'geo', since: '3.2.0', docFlags: 'deprecated', deprecatedSince: '6.2.0', replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument', complexity: 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.', summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point' },
  { name: 'georadiusbymember', arity: -5, flags: 'write denyoom movablekeys', keys: '1 1 1', acl: 'write geo slow', keySpecs: 'RO,access@i1:r0,1,0 OW,update@kSTORE,5:r0,1,0 OW,update@kSTOREDIST,5:r0,1,0', group: 'geo', since: '3.2.0', docFlags: 'deprecated', deprecatedSince: '6.2.0', replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments', complexity: 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.', summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member' },
  { name: 'georadius_ro', arity: -6, flags: 'readonly', keys: '1 1 1', acl: 'read geo slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'geo', since: '3.2.10', docFlags: 'deprecated', deprecatedSince: '6.2.0', replacedBy: '`GEOSEARCH` with the `BYRADIUS` argument', complexity: 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.', summary: 'A read-only variant for GEORADIUS' },
  { name: 'georadiusbymember_ro', arity: -5, flags: 'readonly', keys: '1 1 1', acl: 'read geo slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'geo', since: '3.2.10', docFlags: 'deprecated', deprecatedSince: '6.2.0', replacedBy: '`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments', complexity: 'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.', summary: 'A read-only variant for GEORADIUSBYMEMBER' },
  { name: 'xadd', arity: -5, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write stream fast', keySpecs: 'RW,update@i1:r0,1,0', tips: 'nondeterministic_output', group: 'stream', since: '5.0.0', complexity: 'O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.', summary: 'Appends a new entry to a stream' },
  { name: 'xtrim', arity: -4, flags: 'write', keys: '1 1 1', acl: 'write stream slow', keySpecs: 'RW,delete@i1:r0,1,0', tips: 'nondeterministic_output', group: 'stream', since: '5.0.0', complexity: 'O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.', summary: 'Trims the stream to (approximately if \'~\' is passed) a certain size' },
  { name: 'xlen', arity: 2, flags: 'readonly fast', keys: '1 1 1', acl: 'read stream fast', keySpecs: 'RO@i1:r0,1,0', group: 'stream', since: '5.0.0', complexity: 'O(1)', summary: 'Return the number of entries in a stream' },
  { name: 'xdel', arity: -3, flags: 'write fast', keys: '1 1 1', acl: 'write stream fast', keySpecs: 'RW,delete@i1:r0,1,0', group: 'stream', since: '5.0.0', complexity: 'O(1) for each single item to delete in the stream, regardless of the stream size.', summary: 'Removes the specified entries from the stream. Returns the number of items actually deleted, that may be different from the number of IDs passed in case certain IDs do not exist.' },
  { name: 'xrange', arity: -4, flags: 'readonly', keys: '1 1 1', acl: 'read stream slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'stream', since: '5.0.0', complexity: 'O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).', summary: 'Return a range of elements in a stream, with IDs matching the specified IDs interval' },
  { name: 'xrevrange', arity: -4, flags: 'readonly', keys: '1 1 1', acl: 'read stream slow', keySpecs: 'RO,access@i1:r0,1,0', group: 'stream', since: '5.0.0', complexity: 'O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).', summary: 'Return a range of elements in a stream, with IDs matching the specified IDs interval, in reverse order (from greater to smaller IDs) compared to XRANGE' },
  { name: 'xread', arity: -4, flags: 'readonly blocking movablekeys', keys: '0 0 0', acl: 'read stream slow blocking', keySpecs: 'RO,access@kSTREAMS,1:r-1,1,2', group: 'stream', since: '5.0.0', complexity: 'For each stream mentioned: O(N) with N being the number of elements being returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the BLOCK option is used, XADD will pay O(M) time in order to serve the M clients blocked on the stream getting new data.', summary: 'Return never seen elements in multiple streams, with IDs greater than the ones reported by the caller for each stream. Can block.' },
  { name: 'xreadgroup', arity: -7, flags: 'write blocking movablekeys', keys: '0 0 0', acl: 'write stream slow blocking', keySpecs: 'RO,access@kSTREAMS,4:r-1,1,2', group: 'stream', since: '5.0.0', complexity: 'For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.', summary: 'Return new entries from a stream using a consumer group, or access the history of the pending entries for a given consumer. Can block.' },
  { name: 'xgroup', arity: -2, flags: '', keys: '0 0 0', acl: 'slow', group: 'stream', since: '5.0.0', complexity: 'Depends on subcommand.', summary: 'A container for consumer groups commands' },
  { name: 'xgroup|create', arity: -5, flags: 'write denyoom', keys: '2 2 1', acl: 'write stream slow', keySpecs: 'RW,insert@i2:r0,1,0', group: 'stream', since: '5.0.0', complexity: 'O(1)', summary: 'Create a consumer group.' },
  { name: 'xgroup|createconsumer', arity: 5, flags: 'write denyoom', keys: '2 2 1', acl: 'write stream slow', keySpecs: 'RW,insert@i2:r0,1,0', group: 'stream', since: '6.2.0', complexity: 'O(1)', summary: 'Create a consumer in a consumer group.' },
  { name: 'xgroup|delconsumer', arity: 5, flags: 'write', keys: '2 2 1', acl: 'write stream slow', keySpecs: 'RW,delete@i2:r0,1,0', group: 'stream', since: '5.0.0', complexity: 'O(1)', summary: 'Delete a consumer from a consumer group.' },
  { name: 'xgroup|destroy', arity: 4, flags: 'write', keys: '2 2 1', acl: 'write stream slow', keySpecs: 'RW,delete@i2:r0,1,0', group: 'stream', since: '5.0.0', complexity: 'O(N) where N is the number of entries in the group\'s pending entries list (PEL).', summary: 'Destroy a consumer group.' },
  { name: 'xgroup|help', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'stream slow', group: 'stream', since: '5.0.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands' },
  { name: 'xgroup|setid', arity: -5, flags: 'write', keys: '2 2 1', acl: 'write stream slow', keySpecs: 'RW,update@i2:r0,1,0', group: 'stream', since: '5.0.0', complexity: 'O(1)', summary: 'Set a consumer group to an arbitrary last delivered ID value.' },
  { name: 'xack', arity: -4, flags: 'write fast', keys: '1 1 1', acl: 'write stream fast', keySpecs: 'RW,update@i1:r0,1,0', group: 'stream', since: '5.0.0', complexity: 'O(1) for each message ID processed.', summary: 'Marks a pending message as correctly processed, effectively removing it from the pending entries list of the consumer group. Return value of the command is the number of messages successfully acknowledged, that is, the IDs we were actually able to resolve in the PEL.' },
  { name: 'xpending', arity: -3, flags: 'readonly', keys: '1 1 1', acl: 'read stream slow', keySpecs: 'RO,access@i1:r0,1,0', tips: 'nondeterministic_output', group: 'stream', since: '5.0.0', complexity: 'O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.', summary: 'Return information and entries from a stream consumer group pending entries list, that are messages fetched but never acknowledged.' },
  { name: 'xclaim', arity: -6, flags: 'write fast', keys: '1 1 1', acl: 'write stream fast', keySpecs: 'RW,update@i1:r0,1,0', tips: 'nondeterministic_output', group: 'stream', since: '5.0.0', complexity: 'O(log N) with N being the number of messages in the PEL of the consumer group.', summary: 'Changes (or acquires) ownership of a message in a consumer group, as if the message was delivered to the specified consumer.' },
  { name: 'xautoclaim', arity: -6, flags: 'write fast', keys: '1 1 1', acl: 'write stream fast', keySpecs: 'RW,delete@i1:r0,1,0', tips: 'nondeterministic_output', group: 'stream', since: '6.2.0', complexity: 'O(1) if COUNT is small.', summary: 'Changes (or acquires) ownership of messages in a consumer group, as if the messages were delivered to the specified consumer.' },
  { name: 'xsetid', arity: -3, flags: 'write denyoom fast', keys: '1 1 1', acl: 'write stream fast', keySpecs: 'RW,update@i1:r0,1,0', group: 'stream', since: '5.0.0', complexity: 'O(1)', summary: 'An internal command for replicating stream values' },
  { name: 'xinfo', arity: -2, flags: '', keys: '0 0 0', acl: 'slow', group: 'stream', since: '5.0.0', complexity: 'Depends on subcommand.', summary: 'A container for stream introspection commands' },
  { name: 'xinfo|consumers', arity: 4, flags: 'readonly', keys: '2 2 1', acl: 'read stream slow', keySpecs: 'RO,access@i2:r0,1,0', tips: 'nondeterministic_output', group: 'stream', since: '5.0.0', complexity: 'O(1)', summary: 'List the consumers in a consumer group' },
  { name: 'xinfo|groups', arity: 3, flags: 'readonly', keys: '2 2 1', acl: 'read stream slow', keySpecs: 'RO,access@i2:r0,1,0', group: 'stream', since: '5.0.0', complexity: 'O(1)', summary: 'List the consumer groups of a stream' },
  { name: 'xinfo|help', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'stream slow', group: 'stream', since: '5.0.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands' },
  { name: 'xinfo|stream', arity: -3, flags: 'readonly', keys: '2 2 1', acl: 'read stream slow', keySpecs: 'RO,access@i2:r0,1,0', group: 'stream', since: '5.0.0', complexity: 'O(1)', summary: 'Get information about a stream' },
  { name: 'monitor', arity: 1, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', group: 'server', since: '1.0.0', complexity: '', summary: 'Listen for all requests received by the server in real time' },
  { name: 'slowlog', arity: -2, flags: '', keys: '0 0 0', acl: 'slow', group: 'server', since: '2.2.12', complexity: 'Depends on subcommand.', summary: 'A container for slow log commands' },
  { name: 'slowlog|get', arity: -2, flags: 'admin loading stale', keys: '0 0 0', acl: 'admin slow dangerous', tips: 'request_policy:all_nodes nondeterministic_output', group: 'server', since: '2.2.12', complexity: 'O(N) where N is the number of entries returned', summary: 'Get the slow log\'s entries' },
  { name: 'slowlog|help', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'slow', group: 'server', since: '6.2.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands' },
  { name: 'slowlog|len', arity: 2, flags: 'admin loading stale', keys: '0 0 0', acl: 'admin slow dangerous', tips: 'request_policy:all_nodes response_policy:agg_sum nondeterministic_output', group: 'server', since: '2.2.12', complexity: 'O(1)', summary: 'Get the slow log\'s length' },
  { name: 'slowlog|reset', arity: 2, flags: 'admin loading stale', keys: '0 0 0', acl: 'admin slow dangerous', tips: 'request_policy:all_nodes response_policy:all_succeeded', group: 'server', since: '2.2.12', complexity: 'O(N) where N is the number of entries in the slowlog', summary: 'Clear all entries from the slow log' },
  { name: 'memory', arity: -2, flags: '', keys: '0 0 0', acl: 'slow', group: 'server', since: '4.0.0', complexity: 'Depends on subcommand.', summary: 'A container for memory diagnostics commands' },
  { name: 'memory|doctor', arity: 2, flags: '', keys: '0 0 0', acl: 'slow', tips: 'nondeterministic_output request_policy:all_shards response_policy:special', group: 'server', since: '4.0.0', complexity: 'O(1)', summary: 'Outputs memory problems report' },
  { name: 'memory|help', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'slow', group: 'server', since: '4.0.0', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands' },
  { name: 'memory|malloc-stats', arity: 2, flags: '', keys: '0 0 0', acl: 'slow', tips: 'nondeterministic_output request_policy:all_shards response_policy:special', group: 'server', since: '4.0.0', complexity: 'Depends on how much memory is allocated, could be slow', summary: 'Show allocator internal stats' },
  { name: 'memory|purge', arity: 2, flags: '', keys: '0 0 0', acl: 'slow', tips: 'request_policy:all_shards response_policy:all_succeeded', group: 'server', since: '4.0.0', complexity: 'Depends on how much memory is allocated, could be slow', summary: 'Ask the allocator to release memory' },
  { name: 'memory|stats', arity: 2, flags: '', keys: '0 0 0', acl: 'slow', tips: 'nondeterministic_output request_policy:all_shards response_policy:special', group: 'server', since: '4.0.0', complexity: 'O(1)', summary: 'Show memory usage details' },
  { name: 'memory|usage', arity: -3, flags: 'readonly', keys: '2 2 1', acl: 'read slow', keySpecs: 'RO@i2:r0,1,0', group: 'server', since: '4.0.0', complexity: 'O(N) where N is the number of samples.', summary: 'Estimate the memory usage of a key' },
  { name: 'latency', arity: -2, flags: '', keys: '0 0 0', acl: 'slow', group: 'server', since: '2.8.13', complexity: 'Depends on subcommand.', summary: 'A container for latency diagnostics commands' },
  { name: 'latency|doctor', arity: 2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', tips: 'nondeterministic_output request_policy:all_nodes response_policy:special', group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Return a human readable latency analysis report.' },
  { name: 'latency|graph', arity: 3, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', tips: 'nondeterministic_output request_policy:all_nodes response_policy:special', group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Return a latency graph for the event.' },
  { name: 'latency|help', arity: 2, flags: 'loading stale', keys: '0 0 0', acl: 'slow', group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Show helpful text about the different subcommands.' },
  { name: 'latency|histogram', arity: -2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', tips: 'nondeterministic_output request_policy:all_nodes response_policy:special', group: 'server', since: '7.0.0', complexity: 'O(N) where N is the number of commands with latency information being retrieved.', summary: 'Return the cumulative distribution of latencies of a subset of commands or all.' },
  { name: 'latency|history', arity: 3, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', tips: 'nondeterministic_output request_policy:all_nodes response_policy:special', group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Return timestamp-latency samples for the event.' },
  { name: 'latency|latest', arity: 2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', tips: 'nondeterministic_output request_policy:all_nodes response_policy:special', group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Return the latest latency samples for all events.' },
  { name: 'latency|reset', arity: -2, flags: 'admin noscript loading stale', keys: '0 0 0', acl: 'admin slow dangerous', tips: 'request_policy:all_nodes response_policy:all_succeeded', group: 'server', since: '2.8.13', complexity: 'O(1)', summary: 'Reset latency data for one or more events.' },
  // END GENERATED
];

function words(text: string | undefined): string[] {
  return text === undefined || text === '' ? [] : text.split(' ');
}

function checkedWords<T extends string>(text: string | undefined, allowed: readonly T[], what: string): T[] {
  return words(text).map((word) => {
    assert((allowed as readonly string[]).includes(word), `unknown ${what} ${word}`);
    return word as T;
  });
}

function integers(text: string): number[] {
  return text.split(',').map((part) => {
    const value = Number(part);
    assert(Number.isInteger(value), `not an integer: ${part}`);
    return value;
  });
}

function parseBeginSearch(text: string): CacheKeySpecBeginSearch {
  if (text === 'u') return { type: 'unknown' };
  if (text.startsWith('i')) return { type: 'index', index: integers(text.slice(1))[0] as number };
  assert(text.startsWith('k'), `bad begin_search ${text}`);
  const comma = text.lastIndexOf(',');
  return { type: 'keyword', keyword: text.slice(1, comma), startFrom: integers(text.slice(comma + 1))[0] as number };
}

function parseFindKeys(text: string): CacheKeySpecFindKeys {
  if (text === 'u') return { type: 'unknown' };
  const [a, b, c] = integers(text.slice(1)) as [number, number, number];
  if (text.startsWith('r')) return { type: 'range', lastKey: a, keyStep: b, limit: c };
  assert(text.startsWith('n'), `bad find_keys ${text}`);
  return { type: 'keynum', keyNumIndex: a, firstKey: b, keyStep: c };
}

function parseKeySpec(text: string): CacheKeySpec {
  const [flags = '', search = ''] = text.split('@');
  const colon = search.lastIndexOf(':');
  return {
    flags: checkedWords(flags.replaceAll(',', ' '), keySpecFlagNames, 'key spec flag'),
    beginSearch: parseBeginSearch(search.slice(0, colon)),
    findKeys: parseFindKeys(search.slice(colon + 1)),
  };
}

function metadataOf(row: Row, subcommands: readonly CacheCommandMetadata[]): CacheCommandMetadata {
  const [firstKey, lastKey, step] = row.keys.split(' ').map(Number) as [number, number, number];
  return {
    name: row.name,
    arity: row.arity,
    flags: checkedWords(row.flags, commandFlagNames, 'command flag'),
    firstKey,
    lastKey,
    step,
    aclCategories: checkedWords(row.acl, cacheAclCategories, 'ACL category'),
    tips: words(row.tips),
    keySpecs: words(row.keySpecs).map(parseKeySpec),
    group: row.group,
    summary: row.summary,
    since: row.since,
    complexity: row.complexity,
    docFlags: words(row.docFlags),
    deprecatedSince: row.deprecatedSince ?? null,
    replacedBy: row.replacedBy ?? null,
    subcommands,
  };
}

function buildMetadataTable(): ReadonlyMap<string, CacheCommandMetadata> {
  const subcommandsByContainer = new Map<string, CacheCommandMetadata[]>();
  for (const row of rows) {
    const bar = row.name.indexOf('|');
    if (bar === -1) continue;
    const container = row.name.slice(0, bar);
    const list = subcommandsByContainer.get(container) ?? [];
    list.push(metadataOf(row, []));
    subcommandsByContainer.set(container, list);
  }
  const table = new Map<string, CacheCommandMetadata>();
  const seen = new Set<string>();
  for (const row of rows) {
    assert(row.name === row.name.toLowerCase(), `command name ${row.name} must be lower case`);
    assert(!seen.has(row.name), `command ${row.name} listed twice`);
    seen.add(row.name);
    if (row.name.includes('|')) continue;
    const metadata = metadataOf(row, subcommandsByContainer.get(row.name) ?? []);
    table.set(row.name, metadata);
    for (const subcommand of metadata.subcommands) table.set(subcommand.name, subcommand);
  }
  for (const container of subcommandsByContainer.keys()) assert(table.has(container), `subcommands of unknown ${container}`);
  return table;
}

/** Every command and subcommand (`client|kill`) by lower-case full name. */
const metadataTable = buildMetadataTable();

/** Top-level commands in table order (what COMMAND COUNT counts, minus those not implemented). */
export const cacheCommandMetadataList: readonly CacheCommandMetadata[] = [...metadataTable.values()].filter((metadata) => !metadata.name.includes('|'));

/** The metadata of a command or subcommand (`CONFIG|GET`), ASCII case-insensitively. */
export function commandMetadata(name: string): CacheCommandMetadata | undefined {
  return metadataTable.get(name.toLowerCase());
}

/**
 * Like Redis's lookupCommand on an argument vector (`args[0]` is the name): a container with
 * subcommands resolves to the subcommand named by `args[1]` (undefined when there is no such
 * subcommand, or none given: Redis then uses the container itself only for its arity error).
 */
export function commandMetadataForArgs(args: readonly Buffer[]): CacheCommandMetadata | undefined {
  const first = args[0];
  if (first === undefined) return undefined;
  const base = commandMetadata(first.toString('latin1'));
  if (base === undefined || base.subcommands.length === 0 || args.length < 2) return base;
  return commandMetadata(`${base.name}|${(args[1] as Buffer).toString('latin1')}`);
}

/** The ACL categories of a command or subcommand; empty for an unknown name. */
export function aclCategoriesOf(name: string): readonly CacheAclCategory[] {
  return commandMetadata(name)?.aclCategories ?? [];
}

/** Whether `name` is an ACL category (ACL CAT <category>, `+@category` rules). */
export function isAclCategory(name: string): name is CacheAclCategory {
  return (cacheAclCategories as readonly string[]).includes(name);
}

/**
 * The positions in `args` (the whole argument vector, `args[0]` the name) of the keys, as Redis 7's
 * getKeysUsingKeySpecs finds them: each key spec in order (skipping `not_key` specs), begin search
 * by index or keyword, then a range or a key count. When any spec cannot be applied (a key count that
 * is not a non-negative integer or runs past the arguments, a keyword that is missing, an unknown
 * spec) Redis falls back to the command's getkeys procedure, which for every numkeys command here
 * finds no keys; SORT's procedure (its STORE key) and SORT_RO's are reproduced. For COMMAND GETKEYS, ACL key checks,
 * and the key bookkeeping of WATCH-like features. The arity must have been checked.
 */
export function commandKeyIndexes(name: string, args: readonly Buffer[]): number[] {
  const base = commandMetadata(name);
  if (base === undefined) return [];
  const metadata = base.subcommands.length > 0 ? commandMetadataForArgs(args) : base;
  if (metadata === undefined) return [];
  const indexes = keyIndexesFromSpecs(metadata, args);
  if (indexes !== null) return indexes;
  if (metadata.name === 'sort') return sortKeyIndexes(args);
  return metadata.name === 'sort_ro' ? [1] : [];
}

/**
 * doesCommandHaveKeys: whether COMMAND GETKEYS may find keys at all (else its error is `The command
 * has no key arguments`). When it finds none for a command that has keys, Redis replies an empty
 * array for `no_mandatory_keys` commands (EVAL, FCALL) and `Invalid arguments specified for command`
 * otherwise.
 */
export function commandHasKeys(metadata: CacheCommandMetadata): boolean {
  return metadata.keySpecs.some((spec) => !spec.flags.includes('not_key'));
}

/** getKeysUsingKeySpecs: each key spec in order, with the access each key needs (null: fall back). */
function keyReferencesFromSpecs(metadata: CacheCommandMetadata, args: readonly Buffer[]): CacheKeyReference[] | null {
  const argc = args.length;
  const references: CacheKeyReference[] = [];
  for (const spec of metadata.keySpecs) {
    if (spec.flags.includes('not_key')) continue;
    let first = 0;
    if (spec.beginSearch.type === 'index') first = spec.beginSearch.index;
    else if (spec.beginSearch.type === 'keyword') {
      first = keywordPosition(args, spec.beginSearch.keyword, spec.beginSearch.startFrom);
      // A keyword that is absent means the spec names no key (GEORADIUS without STORE).
      if (first === 0) continue;
    } else return null;
    if (first === 0) return null;
    let last: number;
    let step: number;
    if (spec.findKeys.type === 'range') {
      const { lastKey, keyStep, limit } = spec.findKeys;
      step = keyStep;
      if (lastKey >= 0) last = first + lastKey;
      else if (limit === 0) last = argc + lastKey;
      else last = first + (Math.trunc((argc - first) / limit) + lastKey);
    } else if (spec.findKeys.type === 'keynum') {
      const { keyNumIndex, firstKey, keyStep } = spec.findKeys;
      const countArgument = args[first + keyNumIndex];
      if (first + keyNumIndex >= argc || countArgument === undefined) return null;
      const count = parseInt64(countArgument);
      if (count === null || count < 0n || count > BigInt(argc)) return null;
      first += firstKey;
      last = first + Number(count) - 1;
      step = keyStep;
    } else return null;
    if (last >= argc || last < first || first >= argc) return null;
    // ACLSelectorCheckKey: access needs read; insert, delete and update need write.
    const read = spec.flags.includes('access');
    const write = spec.flags.includes('insert') || spec.flags.includes('delete') || spec.flags.includes('update');
    for (let index = first; index <= last; index += step) references.push({ index, read, write, flags: spec.flags });
  }
  return references;
}

function keyIndexesFromSpecs(metadata: CacheCommandMetadata, args: readonly Buffer[]): number[] | null {
  return keyReferencesFromSpecs(metadata, args)?.map((reference) => reference.index) ?? null;
}

/** A key argument and whether the command reads and/or writes it (ACL `%R~` / `%W~` checks). */
export interface CacheKeyReference {
  readonly index: number;
  readonly read: boolean;
  readonly write: boolean;
  /** The key spec's flags for this key (COMMAND GETKEYSANDFLAGS), in Redis's order. */
  readonly flags: readonly CacheKeySpecFlag[];
}

/** The keys of a command with the permission each needs (getKeysFromCommandWithSpecs + key-spec flags). */
export function commandKeyReferences(metadata: CacheCommandMetadata, args: readonly Buffer[]): CacheKeyReference[] {
  const variableFlags = metadata.keySpecs.some((spec) => spec.flags.includes('variable_flags'));
  if (!variableFlags) {
    const fromSpecs = keyReferencesFromSpecs(metadata, args);
    if (fromSpecs !== null) return fromSpecs;
  }
  switch (metadata.name) {
    case 'set': {
      // setGetKeys: with GET the key is read too.
      const get = args.slice(3).some((arg) => arg.toString('latin1').toLowerCase() === 'get');
      return [get ? { index: 1, read: true, write: true, flags: ['RW', 'access', 'update'] } : { index: 1, read: false, write: true, flags: ['OW', 'update'] }];
    }
    case 'bitfield':
      return [
        bitfieldReadOnly(args) ? { index: 1, read: true, write: false, flags: ['RO', 'access'] } : { index: 1, read: true, write: true, flags: ['RW', 'access', 'update'] },
      ];
    case 'sort': {
      // sortGetKeys: the sorted key (RO, access) and the last STORE destination (OW, update).
      const [sorted = 1, store] = sortKeyIndexes(args);
      const references: CacheKeyReference[] = [{ index: sorted, read: true, write: false, flags: ['RO', 'access'] }];
      if (store !== undefined) references.push({ index: store, read: false, write: true, flags: ['OW', 'update'] });
      return references;
    }
    case 'sort_ro':
      return [{ index: 1, read: true, write: false, flags: ['RO', 'access'] }];
    default:
      return [];
  }
}

/** bitfieldGetKeys: read-only unless a SET or INCRBY (or a syntax error) is present. */
function bitfieldReadOnly(args: readonly Buffer[]): boolean {
  for (let index = 2; index < args.length; index++) {
    const remaining = args.length - index - 1;
    const word = (args[index] as Buffer).toString('latin1').toLowerCase();
    if (word === 'get' && remaining >= 2) index += 2;
    else if ((word === 'set' || word === 'incrby') && remaining >= 3) return false;
    else if (word === 'overflow' && remaining >= 1) index += 1;
    else return false;
  }
  return true;
}

/** The position after `keyword` (case-insensitive), searching from `startFrom` (negative: from the end, backwards); 0 when absent. */
function keywordPosition(args: readonly Buffer[], keyword: string, startFrom: number): number {
  const argc = args.length;
  const startIndex = startFrom > 0 ? startFrom : argc + startFrom;
  const endIndex = startFrom > 0 ? argc - 1 : 0;
  const wanted = keyword.toLowerCase();
  for (let index = startIndex; index !== endIndex; index = startIndex <= endIndex ? index + 1 : index - 1) {
    if (index >= argc || index < 1) break;
    if ((args[index] as Buffer).toString('latin1').toLowerCase() === wanted) return index + 1;
  }
  return 0;
}

/** sortGetKeys (db.c): the sorted key, plus the last STORE destination; skips LIMIT, GET and BY operands (not STORE's). */
function sortKeyIndexes(args: readonly Buffer[]): number[] {
  const skips: Readonly<Record<string, number>> = { limit: 2, get: 1, by: 1 };
  let storeIndex = -1;
  for (let index = 2; index < args.length; index++) {
    const word = (args[index] as Buffer).toString('latin1').toLowerCase();
    const skip = skips[word];
    if (skip !== undefined) index += skip;
    else if (word === 'store' && index + 1 < args.length) storeIndex = index + 1;
  }
  return storeIndex === -1 ? [1] : [1, storeIndex];
}

function statusSet(values: readonly string[]): RespValue {
  return { type: 'set', items: values.map((value): RespValue => ({ type: 'simple-string', value })) };
}

function bulkMap(entries: readonly (readonly [string, RespValue])[]): RespValue {
  return { type: 'map', entries: entries.map(([key, value]) => [respBulkString(key), value] as const) };
}

function beginSearchReply(search: CacheKeySpecBeginSearch): RespValue {
  switch (search.type) {
    case 'index':
      return bulkMap([['type', respBulkString('index')], ['spec', bulkMap([['index', respInteger(search.index)]])]]);
    case 'keyword':
      return bulkMap([
        ['type', respBulkString('keyword')],
        ['spec', bulkMap([['keyword', respBulkString(search.keyword)], ['startfrom', respInteger(search.startFrom)]])],
      ]);
    case 'unknown':
      return bulkMap([['type', respBulkString('unknown')], ['spec', bulkMap([])]]);
  }
}

function findKeysReply(find: CacheKeySpecFindKeys): RespValue {
  switch (find.type) {
    case 'range':
      return bulkMap([
        ['type', respBulkString('range')],
        ['spec', bulkMap([['lastkey', respInteger(find.lastKey)], ['keystep', respInteger(find.keyStep)], ['limit', respInteger(find.limit)]])],
      ]);
    case 'keynum':
      return bulkMap([
        ['type', respBulkString('keynum')],
        ['spec', bulkMap([['keynumidx', respInteger(find.keyNumIndex)], ['firstkey', respInteger(find.firstKey)], ['keystep', respInteger(find.keyStep)]])],
      ]);
    case 'unknown':
      return bulkMap([['type', respBulkString('unknown')], ['spec', bulkMap([])]]);
  }
}

/**
 * One entry of COMMAND INFO (addReplyCommandInfo): [name, arity, flags, first key, last key, step,
 * ACL categories, tips, key specs, subcommands]. Flags and categories are sets of simple strings,
 * tips a set of bulk strings, key specs a set of maps, subcommands a set of nested entries (RESP3
 * sets, as Redis 7.0 sends them; arrays in RESP2). The arity is
 * the implemented command's (`spec`), the rest Redis's.
 */
export function commandInfoReply(spec: { readonly name: string; readonly arity: number }, metadata: CacheCommandMetadata): RespValue {
  return {
    type: 'array',
    items: [
      respBulkString(spec.name),
      respInteger(spec.arity),
      statusSet(metadata.flags),
      respInteger(metadata.firstKey),
      respInteger(metadata.lastKey),
      respInteger(metadata.step),
      statusSet(metadata.aclCategories.map((category) => `@${category}`)),
      { type: 'set', items: metadata.tips.map((tip) => respBulkString(tip)) },
      {
        type: 'set',
        items: metadata.keySpecs.map((keySpec) =>
          bulkMap([
            ['flags', statusSet(keySpec.flags)],
            ['begin_search', beginSearchReply(keySpec.beginSearch)],
            ['find_keys', findKeysReply(keySpec.findKeys)],
          ]),
        ),
      },
      { type: 'set', items: metadata.subcommands.map((subcommand) => commandInfoReply(subcommand, subcommand)) },
    ],
  };
}

/**
 * The documentation map of one command (addReplyCommandDocs): summary, since, group, complexity,
 * doc_flags / deprecated_since / replaced_by when present, and subcommands (a map by full name).
 * `arguments` and `history` are not transcribed and left out. COMMAND DOCS replies a map of command
 * name to this; the encoder flattens maps for RESP2.
 */
export function commandDocsReply(metadata: CacheCommandMetadata): RespValue {
  const entries: [string, RespValue][] = [
    ['summary', respBulkString(metadata.summary)],
    ['since', respBulkString(metadata.since)],
    ['group', respBulkString(metadata.group)],
  ];
  if (metadata.complexity !== '') entries.push(['complexity', respBulkString(metadata.complexity)]);
  if (metadata.docFlags.length > 0) entries.push(['doc_flags', statusSet(metadata.docFlags)]);
  if (metadata.deprecatedSince !== null) entries.push(['deprecated_since', respBulkString(metadata.deprecatedSince)]);
  if (metadata.replacedBy !== null) entries.push(['replaced_by', respBulkString(metadata.replacedBy)]);
  if (metadata.subcommands.length > 0) {
    entries.push(['subcommands', bulkMap(metadata.subcommands.map((subcommand) => [subcommand.name, commandDocsReply(subcommand)] as const))]);
  }
  return bulkMap(entries);
}

/** COMMAND LIST FILTERBY: a module (none here), an ACL category (unknown: nothing), or a glob on the full name (case-insensitive). */
export type CacheCommandListFilter =
  | { readonly type: 'module'; readonly module: string }
  | { readonly type: 'aclcat'; readonly category: string }
  | { readonly type: 'pattern'; readonly pattern: string };

/**
 * COMMAND LIST: for each of `commandNames` (the implemented commands) that has metadata, its name then
 * its subcommands' full names, kept when they pass `filter` (commandListWithFilter). Also ACL CAT
 * <category> with an `aclcat` filter.
 */
export function commandListNames(commandNames: Iterable<string>, filter: CacheCommandListFilter | null = null): string[] {
  const names: string[] = [];
  const keep = (metadata: CacheCommandMetadata): boolean => {
    if (filter === null) return true;
    switch (filter.type) {
      case 'module':
        return false;
      case 'aclcat':
        return metadata.aclCategories.includes(filter.category.toLowerCase() as CacheAclCategory);
      case 'pattern':
        return globMatch({ pattern: Buffer.from(filter.pattern, 'latin1'), subject: Buffer.from(metadata.name, 'latin1'), caseInsensitive: true });
    }
  };
  for (const name of commandNames) {
    const metadata = commandMetadata(name);
    if (metadata === undefined) continue;
    if (keep(metadata)) names.push(metadata.name);
    for (const subcommand of metadata.subcommands) if (keep(subcommand)) names.push(subcommand.name);
  }
  return names;
}
