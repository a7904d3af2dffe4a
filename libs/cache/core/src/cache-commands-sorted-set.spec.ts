/**
 * Sorted set commands as transcripts. Cases are ported from Redis's documentation examples and
 * tests/unit/type/zset.tcl (Redis 7), plus every error text; replies were checked against
 * redis-server 7.0.15 (RESP2; doubles there print with %.17g, here in the 7.2 shortest form). RESP3
 * shapes, blocking, keyspace accounting and a model property test follow.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cacheCommandTable } from './cache-commands.js';
import { cacheEntryOverheadBytes, keyTextFromBytes, type KeyText } from './cache-keyspace.js';
import { CacheSet } from './cache-set.js';
import { createTestContext, renderReply, replay, run, type TestContext } from './cache-session.spec-helper.js';

const sessions: Readonly<Record<string, readonly string[]>> = {
  'ZADD basics, score update, variadic (zset.tcl)': [
    'ZADD myzset 1 one -> :1',
    'ZADD myzset 1 uno -> :1',
    'ZADD myzset 2 two 3 three -> :2',
    'ZRANGE myzset 0 -1 WITHSCORES -> ["one", (double) 1, "uno", (double) 1, "two", (double) 2, "three", (double) 3]',
    'ZADD x 10 x -> :1',
    'ZADD x 20 y -> :1',
    'ZADD x 30 z -> :1',
    'ZRANGE x 0 -1 -> ["x", "y", "z"]',
    'ZADD x 1 y -> :0',
    'ZRANGE x 0 -1 -> ["y", "x", "z"]',
    'ZADD x 10 a 20 b 30 c -> :3',
    'ZADD x 10 a 20 b 30 c -> :0',
    'ZADD y 10 a 20 b 30 -> -ERR syntax error',
    'EXISTS y -> :0',
    'ZADD y 10 a 20 b 30 c 40 d 50 -> -ERR syntax error',
    'ZADD myzset "" abc -> -ERR value is not a valid float',
    'ZADD myzset nan abc -> -ERR value is not a valid float',
    'ZADD myzset 1e400 abc -> -ERR value is not a valid float',
    'ZADD myzset 1e-400 abc -> -ERR value is not a valid float',
    'ZADD myzset 0e5 zero -> :1',
    'ZADD myzset +inf big -1e3 small -> :2',
    'ZSCORE myzset big -> (double) inf',
    'ZSCORE myzset small -> (double) -1000',
    'ZADD myzset 1 a 2 -> -ERR syntax error',
    'ZADD myzset abc a 1 b -> -ERR value is not a valid float',
    'ZCARD myzset -> :7',
    'ZADD myzset foo 1 a -> -ERR syntax error',
    "ZADD myzset 1 -> -ERR wrong number of arguments for 'zadd' command",
    "ZADD myzset incr -> -ERR wrong number of arguments for 'zadd' command",
    'SET str x -> +OK',
    'ZADD str 1 a -> -WRONGTYPE Operation against a key holding the wrong kind of value',
  ],
  'ZADD XX NX GT LT CH INCR (zset.tcl)': [
    'ZADD ztmp xx 10 x 20 y 30 z -> :0',
    'EXISTS ztmp -> :0',
    'ZADD ztmp xx incr 10 x -> (nil)',
    'ZADD ztmp 10 x -> :1',
    'ZADD ztmp xx 20 y -> :0',
    'ZCARD ztmp -> :1',
    'ZADD ztmp 20 y -> :1',
    'ZADD ztmp xx 5 foo 11 x 21 y 40 zap -> :0',
    'ZCARD ztmp -> :2',
    'ZSCORE ztmp x -> (double) 11',
    'ZSCORE ztmp y -> (double) 21',
    'DEL ztmp -> :1',
    'ZADD ztmp 10 x 20 y 30 z -> :3',
    'ZADD ztmp gt ch 5 foo 11 x 21 y 29 z -> :3',
    'ZSCORE ztmp x -> (double) 11',
    'ZSCORE ztmp z -> (double) 30',
    'ZADD ztmp lt ch 5 foo 11 x 21 y 29 z -> :1',
    'ZSCORE ztmp foo -> (double) 5',
    'ZSCORE ztmp z -> (double) 29',
    'ZADD ztmp gt xx ch 6 foo 2 x 30 z 40 new -> :2',
    'ZCARD ztmp -> :4',
    'ZADD ztmp lt xx ch 1 foo 20 y 31 z -> :2',
    'ZSCORE ztmp foo -> (double) 1',
    'ZADD ztmp xx nx 10 x -> -ERR XX and NX options at the same time are not compatible',
    'ZADD ztmp gt nx 10 x -> -ERR GT, LT, and/or NX options at the same time are not compatible',
    'ZADD ztmp lt nx 10 x -> -ERR GT, LT, and/or NX options at the same time are not compatible',
    'ZADD ztmp lt gt 10 x -> -ERR GT, LT, and/or NX options at the same time are not compatible',
    'DEL ztmp -> :1',
    'ZADD ztmp nx 10 x 20 y 30 z -> :3',
    'ZADD ztmp nx 11 x 21 y 100 a 200 b -> :2',
    'ZSCORE ztmp x -> (double) 10',
    'ZSCORE ztmp a -> (double) 100',
    'ZADD ztmp ch 11 x 21 y 30 z 1 new -> :3',
    'ZADD ztmp incr 15 x -> (double) 26',
    'ZADD ztmp incr 0 x -> (double) 26',
    'ZADD ztmp incr 10 x 20 y -> -ERR INCR option supports a single increment-element pair',
    'ZADD ztmp nx incr 1 x -> (nil)',
    'ZADD ztmp xx incr 1 x -> (double) 27',
    'ZADD ztmp xx incr 1 nope -> (nil)',
    'ZADD ztmp lt incr 1 x -> (nil)',
    'ZADD ztmp gt incr -1 x -> (nil)',
    'ZADD ztmp gt incr 1 x -> (double) 28',
    'ZADD ztmp lt incr -1 x -> (double) 27',
    'ZADD ztmp gt incr +inf x -> (double) inf',
    'ZADD ztmp gt incr +inf x -> (nil)',
    'ZADD ztmp incr -inf x -> -ERR resulting score is not a number (NaN)',
    'ZSCORE ztmp x -> (double) inf',
    'ZADD ztmp gt 5 brandnew -> :1',
    'ZADD ztmp nx incr 3 fresh -> (double) 3',
  ],
  'ZINCRBY (zset.tcl)': [
    'ZINCRBY zset 1 foo -> (double) 1',
    'ZINCRBY zset 2 foo -> (double) 3',
    'ZINCRBY zset -5 foo -> (double) -2',
    'ZINCRBY zset 1.5 bar -> (double) 1.5',
    'ZRANGE zset 0 -1 WITHSCORES -> ["foo", (double) -2, "bar", (double) 1.5]',
    'ZADD myzset +inf abc -> :1',
    'ZINCRBY myzset -inf abc -> -ERR resulting score is not a number (NaN)',
    'ZINCRBY zset abc foo -> -ERR value is not a valid float',
    'ZINCRBY zset "" foo -> -ERR value is not a valid float',
    "ZINCRBY zset 10 a 20 b -> -ERR wrong number of arguments for 'zincrby' command",
    "ZINCRBY zset 1 -> -ERR wrong number of arguments for 'zincrby' command",
    'ZINCRBY zset nx foo -> -ERR syntax error',
    'SET str x -> +OK',
    'ZINCRBY str 1 a -> -WRONGTYPE Operation against a key holding the wrong kind of value',
  ],
  'ZREM ZCARD ZSCORE ZMSCORE (zset.tcl)': [
    'ZADD ztmp 10 a 20 b 30 c -> :3',
    'ZREM ztmp x y a b k -> :2',
    'ZREM ztmp c -> :1',
    'EXISTS ztmp -> :0',
    'ZREM ztmp c -> :0',
    'ZADD ztmp 10 a 20 b -> :2',
    'ZREM ztmp a b c -> :2',
    'EXISTS ztmp -> :0',
    'ZCARD ztmp -> :0',
    "ZREM ztmp -> -ERR wrong number of arguments for 'zrem' command",
    'ZADD zmscoretest 10 x 20 y -> :2',
    'ZMSCORE zmscoretest x y -> [(double) 10, (double) 20]',
    'ZMSCORE zmscoretest x z -> [(double) 10, (nil)]',
    'ZMSCORE zmscoretest y -> [(double) 20]',
    'ZMSCORE nokey x y -> [(nil), (nil)]',
    "ZMSCORE zmscoretest -> -ERR wrong number of arguments for 'zmscore' command",
    'ZSCORE zmscoretest z -> (nil)',
    'ZSCORE nokey z -> (nil)',
    'ZCARD zmscoretest -> :2',
    'ZADD zz 1.7976931348623157e308 dblmax -> :1',
    'ZSCORE zz dblmax -> (double) 1.7976931348623157e+308',
    'ZADD zz 0.1 tenth -> :1',
    'ZSCORE zz tenth -> (double) 0.1',
    'SET str x -> +OK',
    'ZSCORE str a -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'ZMSCORE str a -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'ZCARD str -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'ZREM str a -> -WRONGTYPE Operation against a key holding the wrong kind of value',
  ],
  'ZRANGE ZREVRANGE ZRANK ZREVRANK by rank (zset.tcl)': [
    'ZADD ztmp 1 a 2 b 3 c 4 d -> :4',
    'ZRANGE ztmp 0 -1 -> ["a", "b", "c", "d"]',
    'ZRANGE ztmp 0 -2 -> ["a", "b", "c"]',
    'ZRANGE ztmp 1 -1 -> ["b", "c", "d"]',
    'ZRANGE ztmp 1 -2 -> ["b", "c"]',
    'ZRANGE ztmp -2 -1 -> ["c", "d"]',
    'ZRANGE ztmp -2 -2 -> ["c"]',
    'ZRANGE ztmp -5 2 -> ["a", "b", "c"]',
    'ZRANGE ztmp 0 5 -> ["a", "b", "c", "d"]',
    'ZRANGE ztmp 5 -1 -> []',
    'ZRANGE ztmp 0 -5 -> []',
    'ZRANGE ztmp 1 0 -> []',
    'ZRANGE ztmp 0 -1 WITHSCORES -> ["a", (double) 1, "b", (double) 2, "c", (double) 3, "d", (double) 4]',
    'ZRANGE ztmp 0 -1 REV -> ["d", "c", "b", "a"]',
    'ZRANGE ztmp 0 1 REV -> ["d", "c"]',
    'ZRANGE ztmp 1 0 REV -> []',
    'ZREVRANGE ztmp 0 -1 -> ["d", "c", "b", "a"]',
    'ZREVRANGE ztmp 0 -2 -> ["d", "c", "b"]',
    'ZREVRANGE ztmp 1 -1 -> ["c", "b", "a"]',
    'ZREVRANGE ztmp -2 -1 -> ["b", "a"]',
    'ZREVRANGE ztmp -5 2 -> ["d", "c", "b"]',
    'ZREVRANGE ztmp 0 -1 WITHSCORES -> ["d", (double) 4, "c", (double) 3, "b", (double) 2, "a", (double) 1]',
    'ZREVRANGE ztmp 0 -1 BYSCORE -> -ERR syntax error',
    'ZREVRANGE ztmp 0 -1 REV -> -ERR syntax error',
    'ZRANGE ztmp 0 -1 foo -> -ERR syntax error',
    'ZRANGE ztmp 0 -1 REV REV -> -ERR syntax error',
    'ZRANGE ztmp 0 -1 BYSCORE BYLEX -> -ERR syntax error',
    'ZRANGE ztmp x 1 -> -ERR value is not an integer or out of range',
    'ZRANGE ztmp 0 1.5 -> -ERR value is not an integer or out of range',
    'ZRANGE ztmp 0 -1 LIMIT 0 1 -> -ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
    'ZRANGE ztmp 0 -1 LIMIT 0 -1 -> ["a", "b", "c", "d"]',
    'ZRANGE ztmp 0 -1 LIMIT 0 -> -ERR syntax error',
    'ZRANGE nokey 0 -1 -> []',
    'ZRANK ztmp a -> :0',
    'ZRANK ztmp d -> :3',
    'ZRANK ztmp x -> (nil)',
    'ZREVRANK ztmp a -> :3',
    'ZREVRANK ztmp d -> :0',
    'ZRANK nokey a -> (nil)',
    'ZRANK ztmp c WITHSCORE -> [:2, (double) 3]',
    'ZREVRANK ztmp c withscore -> [:1, (double) 3]',
    'ZRANK ztmp x WITHSCORE -> (nil)',
    'ZRANK ztmp c foo -> -ERR syntax error',
    "ZRANK ztmp c WITHSCORE x -> -ERR wrong number of arguments for 'zrank' command",
    'ZREM ztmp b -> :1',
    'ZRANK ztmp a -> :0',
    'ZRANK ztmp c -> :1',
    'ZRANK ztmp d -> :2',
    'SET str x -> +OK',
    'ZRANGE str 0 -1 -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'ZRANK str a -> -WRONGTYPE Operation against a key holding the wrong kind of value',
  ],
  'ZRANGEBYSCORE ZREVRANGEBYSCORE ZCOUNT (zset.tcl)': [
    'ZADD zset -inf a 1 b 2 c 3 d 4 e 5 f +inf g -> :7',
    'ZRANGEBYSCORE zset 2 4 -> ["c", "d", "e"]',
    'ZRANGEBYSCORE zset (2 (4 -> ["d"]',
    'ZRANGEBYSCORE zset (2 4 -> ["d", "e"]',
    'ZRANGEBYSCORE zset -inf 2 -> ["a", "b", "c"]',
    'ZRANGEBYSCORE zset 4 +inf -> ["e", "f", "g"]',
    'ZRANGEBYSCORE zset -inf +inf -> ["a", "b", "c", "d", "e", "f", "g"]',
    'ZRANGEBYSCORE zset (-inf (+inf -> ["b", "c", "d", "e", "f"]',
    'ZRANGEBYSCORE zset 4 2 -> []',
    'ZRANGEBYSCORE zset (2 (2 -> []',
    'ZRANGEBYSCORE zset 2 (2 -> []',
    'ZRANGEBYSCORE zset 2 2 -> ["c"]',
    'ZREVRANGEBYSCORE zset 4 2 -> ["e", "d", "c"]',
    'ZREVRANGEBYSCORE zset 5 +inf -> []',
    'ZREVRANGEBYSCORE zset (4 (2 -> ["d"]',
    'ZREVRANGEBYSCORE zset +inf -inf -> ["g", "f", "e", "d", "c", "b", "a"]',
    'ZRANGE zset 4 2 BYSCORE REV -> ["e", "d", "c"]',
    'ZCOUNT zset 2 4 -> :3',
    'ZCOUNT zset (2 4 -> :2',
    'ZCOUNT zset (2 (4 -> :1',
    'ZCOUNT zset -inf +inf -> :7',
    'ZCOUNT zset 4 2 -> :0',
    'ZCOUNT nokey 0 1 -> :0',
    'ZRANGEBYSCORE zset 0 3 WITHSCORES -> ["b", (double) 1, "c", (double) 2, "d", (double) 3]',
    'ZREVRANGEBYSCORE zset 3 0 WITHSCORES -> ["d", (double) 3, "c", (double) 2, "b", (double) 1]',
    'DEL zset -> :1',
    'ZADD zset 1 a 2 b 3 c 4 d 5 e -> :5',
    'ZRANGEBYSCORE zset 0 10 LIMIT 0 2 -> ["a", "b"]',
    'ZRANGEBYSCORE zset 0 10 LIMIT 2 3 -> ["c", "d", "e"]',
    'ZRANGEBYSCORE zset 0 10 LIMIT 2 10 -> ["c", "d", "e"]',
    'ZRANGEBYSCORE zset 0 10 LIMIT 20 10 -> []',
    'ZRANGEBYSCORE zset 0 10 LIMIT 2 -1 -> ["c", "d", "e"]',
    'ZRANGEBYSCORE zset 0 10 LIMIT -1 2 -> []',
    'ZRANGEBYSCORE zset 0 10 LIMIT 1 0 -> []',
    'ZREVRANGEBYSCORE zset 10 0 LIMIT 0 2 -> ["e", "d"]',
    'ZREVRANGEBYSCORE zset 10 0 LIMIT 2 3 -> ["c", "b", "a"]',
    'ZREVRANGEBYSCORE zset 10 0 LIMIT 2 10 -> ["c", "b", "a"]',
    'ZREVRANGEBYSCORE zset 10 0 LIMIT 20 10 -> []',
    'ZRANGEBYSCORE zset 2 5 LIMIT 2 3 WITHSCORES -> ["d", (double) 4, "e", (double) 5]',
    'ZREVRANGEBYSCORE zset 5 2 LIMIT 2 3 WITHSCORES -> ["c", (double) 3, "b", (double) 2]',
    'ZRANGE zset 5 2 BYSCORE REV LIMIT 1 2 WITHSCORES -> ["d", (double) 4, "c", (double) 3]',
    'ZRANGE zset (1 +inf BYSCORE LIMIT 1 2 -> ["c", "d"]',
    'ZRANGEBYSCORE zset str 1 -> -ERR min or max is not a float',
    'ZRANGEBYSCORE zset 1 str -> -ERR min or max is not a float',
    'ZRANGEBYSCORE zset 1 NaN -> -ERR min or max is not a float',
    'ZRANGEBYSCORE zset (nan 1 -> -ERR min or max is not a float',
    'ZRANGEBYSCORE zset "" 2 -> ["a", "b"]',
    'ZRANGEBYSCORE zset ( 2 -> ["a", "b"]',
    'ZRANGEBYSCORE zset 1 2 LIMIT 0 x -> -ERR value is not an integer or out of range',
    'ZRANGEBYSCORE zset 1 2 LIMIT 0 -> -ERR syntax error',
    'ZRANGEBYSCORE zset 1 2 foo -> -ERR syntax error',
    'ZRANGEBYSCORE zset 1 2 REV -> -ERR syntax error',
    'ZCOUNT zset str 1 -> -ERR min or max is not a float',
    'ZCOUNT zset 1 (x -> -ERR min or max is not a float',
    'SET str x -> +OK',
    'ZCOUNT str 0 1 -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'ZRANGEBYSCORE str 0 1 -> -WRONGTYPE Operation against a key holding the wrong kind of value',
  ],
  'ZRANGEBYLEX ZREVRANGEBYLEX ZLEXCOUNT (zset.tcl)': [
    'ZADD zset 0 alpha 0 bar 0 cool 0 down 0 elephant 0 foo 0 great 0 hill 0 omega -> :9',
    'ZRANGEBYLEX zset - [cool -> ["alpha", "bar", "cool"]',
    'ZRANGEBYLEX zset [bar [down -> ["bar", "cool", "down"]',
    'ZRANGEBYLEX zset (bar + -> ["cool", "down", "elephant", "foo", "great", "hill", "omega"]',
    'ZRANGEBYLEX zset - + -> ["alpha", "bar", "cool", "down", "elephant", "foo", "great", "hill", "omega"]',
    'ZRANGEBYLEX zset + - -> []',
    'ZRANGEBYLEX zset - - -> []',
    'ZRANGEBYLEX zset + + -> []',
    'ZRANGEBYLEX zset [down [bar -> []',
    'ZREVRANGEBYLEX zset [elez [bar -> ["elephant", "down", "cool", "bar"]',
    'ZREVRANGEBYLEX zset (foo (bar -> ["elephant", "down", "cool"]',
    'ZREVRANGEBYLEX zset + (great -> ["omega", "hill"]',
    'ZRANGE zset [elez [bar BYLEX REV -> ["elephant", "down", "cool", "bar"]',
    'ZLEXCOUNT zset - + -> :9',
    'ZLEXCOUNT zset - [cool -> :3',
    'ZLEXCOUNT zset [bar [down -> :3',
    'ZLEXCOUNT zset (bar (down -> :1',
    'ZLEXCOUNT zset + - -> :0',
    'ZLEXCOUNT zset [z + -> :0',
    'ZLEXCOUNT nokey - + -> :0',
    'ZRANGEBYLEX zset - [cool LIMIT 0 2 -> ["alpha", "bar"]',
    'ZRANGEBYLEX zset - [cool LIMIT 2 2 -> ["cool"]',
    'ZRANGEBYLEX zset - [cool LIMIT 3 2 -> []',
    'ZRANGEBYLEX zset - [cool LIMIT -1 2 -> []',
    'ZRANGEBYLEX zset - + LIMIT 7 -1 -> ["hill", "omega"]',
    'ZREVRANGEBYLEX zset [cool - LIMIT 0 2 -> ["cool", "bar"]',
    'ZREVRANGEBYLEX zset [cool - LIMIT 2 2 -> ["alpha"]',
    'ZRANGEBYLEX zset - + LIMIT 1 1 LIMIT 2 2 -> ["cool", "down"]',
    'ZRANGEBYLEX zset foo bar -> -ERR min or max not valid string range item',
    'ZRANGEBYLEX zset foo [bar -> -ERR min or max not valid string range item',
    'ZRANGEBYLEX zset +x [bar -> -ERR min or max not valid string range item',
    'ZRANGEBYLEX zset -x [bar -> -ERR min or max not valid string range item',
    'ZRANGEBYLEX zset [bar "" -> -ERR min or max not valid string range item',
    'ZLEXCOUNT zset foo bar -> -ERR min or max not valid string range item',
    'ZRANGEBYLEX zset - + WITHSCORES -> -ERR syntax error, WITHSCORES not supported in combination with BYLEX',
    'ZRANGE zset - + BYLEX WITHSCORES -> -ERR syntax error, WITHSCORES not supported in combination with BYLEX',
    'ZRANGEBYLEX zset - + LIMIT 0 -> -ERR syntax error',
    'ZRANGEBYLEX zset [ ( -> []',
    'ZLEXCOUNT zset [ + -> :9',
  ],
  'ZREMRANGEBYSCORE ZREMRANGEBYRANK ZREMRANGEBYLEX (zset.tcl)': [
    'ZADD zset 1 a 2 b 3 c 4 d 5 e -> :5',
    'ZREMRANGEBYSCORE zset 2 4 -> :3',
    'ZRANGE zset 0 -1 -> ["a", "e"]',
    'DEL zset -> :1',
    'ZADD zset 1 a 2 b 3 c 4 d 5 e -> :5',
    'ZREMRANGEBYSCORE zset (2 (4 -> :1',
    'ZREMRANGEBYSCORE zset -inf (2 -> :1',
    'ZREMRANGEBYSCORE zset 10 +inf -> :0',
    'ZREMRANGEBYSCORE zset 4 2 -> :0',
    'ZRANGE zset 0 -1 -> ["b", "d", "e"]',
    'ZREMRANGEBYSCORE zset -inf +inf -> :3',
    'EXISTS zset -> :0',
    'ZREMRANGEBYSCORE zset str 1 -> -ERR min or max is not a float',
    'ZREMRANGEBYSCORE zset 1 NaN -> -ERR min or max is not a float',
    'ZADD zset 1 a 2 b 3 c 4 d 5 e -> :5',
    'ZREMRANGEBYRANK zset 1 3 -> :3',
    'ZRANGE zset 0 -1 -> ["a", "e"]',
    'ZADD zset 2 b 3 c 4 d -> :3',
    'ZREMRANGEBYRANK zset 1 10 -> :4',
    'ZRANGE zset 0 -1 -> ["a"]',
    'ZADD zset 2 b 3 c 4 d 5 e -> :4',
    'ZREMRANGEBYRANK zset 10 20 -> :0',
    'ZREMRANGEBYRANK zset -3 -2 -> :2',
    'ZRANGE zset 0 -1 -> ["a", "b", "e"]',
    'ZREMRANGEBYRANK zset 2 1 -> :0',
    'ZREMRANGEBYRANK zset -10 -1 -> :3',
    'EXISTS zset -> :0',
    'ZREMRANGEBYRANK zset x 1 -> -ERR value is not an integer or out of range',
    'ZREMRANGEBYRANK zset 0 x -> -ERR value is not an integer or out of range',
    'ZREMRANGEBYRANK nokey 0 -1 -> :0',
    'ZADD zset 0 alpha 0 bar 0 cool 0 down 0 elephant 0 foo 0 great 0 hill 0 omega -> :9',
    'ZREMRANGEBYLEX zset - [cool -> :3',
    'ZRANGE zset 0 -1 -> ["down", "elephant", "foo", "great", "hill", "omega"]',
    'ZREMRANGEBYLEX zset (down [foo -> :2',
    'ZREMRANGEBYLEX zset + - -> :0',
    'ZREMRANGEBYLEX zset - + -> :4',
    'EXISTS zset -> :0',
    'ZREMRANGEBYLEX zset x 1 -> -ERR min or max not valid string range item',
    'SET str x -> +OK',
    'ZREMRANGEBYRANK str 0 1 -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'ZREMRANGEBYSCORE str 0 1 -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'ZREMRANGEBYLEX str - + -> -WRONGTYPE Operation against a key holding the wrong kind of value',
  ],
  'ZUNIONSTORE ZINTERSTORE ZDIFFSTORE and the read forms (zset.tcl)': [
    'ZUNIONSTORE dst_key 2 zseta zsetb -> :0',
    'EXISTS dst_key -> :0',
    'ZUNION 2 zseta zsetb -> []',
    'ZINTER 2 zseta zsetb -> []',
    'ZINTERCARD 2 zseta zsetb -> :0',
    'ZDIFF 2 zseta zsetb -> []',
    'ZADD zseta 1 a 2 b 3 c -> :3',
    'ZADD zsetb 1 b 2 c 3 d -> :3',
    'ZUNIONSTORE zsetc 2 zseta zsetb -> :4',
    'ZRANGE zsetc 0 -1 WITHSCORES -> ["a", (double) 1, "b", (double) 3, "d", (double) 3, "c", (double) 5]',
    'ZUNION 2 zseta zsetb WITHSCORES -> ["a", (double) 1, "b", (double) 3, "d", (double) 3, "c", (double) 5]',
    'ZUNION 2 zseta zsetb -> ["a", "b", "d", "c"]',
    'ZUNIONSTORE zsetc 2 zseta zsetb WEIGHTS 2 3 -> :4',
    'ZRANGE zsetc 0 -1 WITHSCORES -> ["a", (double) 2, "b", (double) 7, "d", (double) 9, "c", (double) 12]',
    'ZUNION 2 zseta zsetb WEIGHTS 2 3 WITHSCORES -> ["a", (double) 2, "b", (double) 7, "d", (double) 9, "c", (double) 12]',
    'ZUNIONSTORE zsetc 2 zseta zsetb AGGREGATE MIN -> :4',
    'ZRANGE zsetc 0 -1 WITHSCORES -> ["a", (double) 1, "b", (double) 1, "c", (double) 2, "d", (double) 3]',
    'ZUNIONSTORE zsetc 2 zseta zsetb AGGREGATE max -> :4',
    'ZRANGE zsetc 0 -1 WITHSCORES -> ["a", (double) 1, "b", (double) 2, "c", (double) 3, "d", (double) 3]',
    'ZINTERSTORE zsetc 2 zseta zsetb -> :2',
    'ZRANGE zsetc 0 -1 WITHSCORES -> ["b", (double) 3, "c", (double) 5]',
    'ZINTER 2 zseta zsetb WITHSCORES -> ["b", (double) 3, "c", (double) 5]',
    'ZINTERSTORE zsetc 2 zseta zsetb WEIGHTS 2 3 -> :2',
    'ZRANGE zsetc 0 -1 WITHSCORES -> ["b", (double) 7, "c", (double) 12]',
    'ZINTER 2 zseta zsetb AGGREGATE MIN WITHSCORES -> ["b", (double) 1, "c", (double) 2]',
    'ZINTER 2 zseta zsetb AGGREGATE MAX WITHSCORES -> ["b", (double) 2, "c", (double) 3]',
    'ZINTERCARD 2 zseta zsetb -> :2',
    'ZINTERCARD 2 zseta zsetb LIMIT 0 -> :2',
    'ZINTERCARD 2 zseta zsetb LIMIT 1 -> :1',
    'ZINTERCARD 2 zseta zsetb LIMIT 10 -> :2',
    'ZDIFFSTORE zsetc 2 zseta zsetb -> :1',
    'ZRANGE zsetc 0 -1 WITHSCORES -> ["a", (double) 1]',
    'ZDIFF 2 zseta zsetb WITHSCORES -> ["a", (double) 1]',
    'ZDIFF 2 zseta zseta -> []',
    'ZDIFF 1 zseta -> ["a", "b", "c"]',
    'ZDIFF 3 zseta nokey zsetb -> ["a"]',
    'ZDIFFSTORE zsetc 2 zseta zseta -> :0',
    'EXISTS zsetc -> :0',
    'ZUNIONSTORE zseta 2 zseta zseta -> :3',
    'ZRANGE zseta 0 -1 WITHSCORES -> ["a", (double) 2, "b", (double) 4, "c", (double) 6]',
    'ZINTER 2 zseta zseta WITHSCORES -> ["a", (double) 4, "b", (double) 8, "c", (double) 12]',
    'DEL zseta zsetb -> :2',
    'ZADD zseta 1 1 2 2 3 3 -> :3',
    'ZADD zsetb 1 1 2 2 4 4 -> :3',
    'ZUNION 2 zseta zsetb -> ["1", "3", "2", "4"]',
    'ZINTER 2 zseta zsetb -> ["1", "2"]',
    'ZDIFF 2 zseta zsetb -> ["3"]',
    'DEL zseta zsetb -> :2',
    'ZADD zsetinf1 +inf key -> :1',
    'ZADD zsetinf2 +inf key -> :1',
    'ZUNIONSTORE zsetinf3 2 zsetinf1 zsetinf2 -> :1',
    'ZSCORE zsetinf3 key -> (double) inf',
    'ZADD zsetinf1 -inf key -> :0',
    'ZADD zsetinf2 +inf key -> :0',
    'ZUNIONSTORE zsetinf3 2 zsetinf1 zsetinf2 -> :1',
    'ZSCORE zsetinf3 key -> (double) 0',
    'ZINTERSTORE zsetinf3 2 zsetinf1 zsetinf2 -> :1',
    'ZSCORE zsetinf3 key -> (double) 0',
    'ZADD zsetinf1 1 key -> :0',
    'ZUNIONSTORE zsetinf3 2 zsetinf1 zsetinf2 WEIGHTS +inf 0 -> :1',
    'ZSCORE zsetinf3 key -> (double) inf',
    'ZADD zsetinf1 0 key -> :0',
    'ZUNIONSTORE zsetinf3 1 zsetinf1 WEIGHTS +inf -> :1',
    'ZSCORE zsetinf3 key -> (double) 0',
    'ZINTERSTORE zsetinf3 2 zsetinf2 zsetinf1 WEIGHTS 0 +inf AGGREGATE MIN -> :1',
    'ZSCORE zsetinf3 key -> (double) 0',
    'DEL zsetinf1 zsetinf2 zsetinf3 -> :3',
    'SET str x -> +OK',
    'ZUNIONSTORE str 1 nokey -> :0',
    'EXISTS str -> :0',
    'ZADD zsrc 1 a -> :1',
    'SET str x -> +OK',
    'ZUNIONSTORE str 1 zsrc -> :1',
    'TYPE str -> +zset',
  ],
  'set operation argument errors (zset.tcl)': [
    'ZADD z 1 a 2 b -> :2',
    "ZUNIONSTORE dst 0 z -> -ERR at least 1 input key is needed for 'zunionstore' command",
    "ZINTERSTORE dst -1 z -> -ERR at least 1 input key is needed for 'zinterstore' command",
    "ZDIFFSTORE dst 0 z -> -ERR at least 1 input key is needed for 'zdiffstore' command",
    "ZUNION 0 z -> -ERR at least 1 input key is needed for 'zunion' command",
    "ZINTER 0 z -> -ERR at least 1 input key is needed for 'zinter' command",
    "ZDIFF 0 z -> -ERR at least 1 input key is needed for 'zdiff' command",
    "ZINTERCARD 0 z -> -ERR at least 1 input key is needed for 'zintercard' command",
    'ZUNION x z -> -ERR value is not an integer or out of range',
    'ZUNIONSTORE dst 2 z -> -ERR syntax error',
    'ZINTERCARD 2 z -> -ERR syntax error',
    'ZUNIONSTORE dst 1 z WEIGHTS -> -ERR syntax error',
    'ZUNIONSTORE dst 1 z WEIGHTS x -> -ERR weight value is not a float',
    'ZUNIONSTORE dst 1 z WEIGHTS nan -> -ERR weight value is not a float',
    'ZUNIONSTORE dst 1 z WEIGHTS 1 2 -> -ERR syntax error',
    'ZUNIONSTORE dst 1 z AGGREGATE foo -> -ERR syntax error',
    'ZUNIONSTORE dst 1 z AGGREGATE -> -ERR syntax error',
    'ZUNIONSTORE dst 1 z WITHSCORES -> -ERR syntax error',
    'ZUNION 1 z foo -> -ERR syntax error',
    'ZDIFF 1 z WEIGHTS 1 -> -ERR syntax error',
    'ZDIFF 1 z AGGREGATE SUM -> -ERR syntax error',
    'ZDIFFSTORE dst 1 z AGGREGATE sum -> -ERR syntax error',
    'ZINTERCARD 1 z LIMIT -1 -> -ERR LIMIT can\'t be negative',
    'ZINTERCARD 1 z LIMIT x -> -ERR LIMIT can\'t be negative',
    'ZINTERCARD 1 z LIMIT -> -ERR syntax error',
    'ZINTERCARD 1 z WITHSCORES -> -ERR syntax error',
    'ZINTERCARD 1 z WEIGHTS 1 -> -ERR syntax error',
    'ZINTERCARD 1 z foo -> -ERR syntax error',
    "ZUNION z -> -ERR wrong number of arguments for 'zunion' command",
    "ZUNIONSTORE dst 1 -> -ERR wrong number of arguments for 'zunionstore' command",
  ],
  'ZPOPMIN ZPOPMAX ZMPOP (zset.tcl)': [
    'ZADD zset 1 a 2 b 3 c 4 d -> :4',
    'ZPOPMIN zset -> ["a", (double) 1]',
    'ZPOPMAX zset -> ["d", (double) 4]',
    'ZPOPMIN zset 0 -> []',
    'ZPOPMIN zset 5 -> ["b", (double) 2, "c", (double) 3]',
    'EXISTS zset -> :0',
    'ZPOPMIN zset -> []',
    'ZPOPMIN zset 3 -> []',
    'ZADD zset 1 a 2 b 3 c -> :3',
    'ZPOPMAX zset 2 -> ["c", (double) 3, "b", (double) 2]',
    'ZPOPMIN zset -1 -> -ERR value is out of range, must be positive',
    'ZPOPMIN zset x -> -ERR value is out of range, must be positive',
    'ZPOPMIN zset 1 2 -> -ERR syntax error',
    'ZPOPMIN nokey -1 -> -ERR value is out of range, must be positive',
    'ZMPOP 1 zset MIN -> ["zset", [["a", (double) 1]]]',
    'EXISTS zset -> :0',
    'ZMPOP 1 zset MIN -> (nil)',
    'ZADD zset 1 a 2 b 3 c -> :3',
    'ZADD zset2 5 x -> :1',
    'ZMPOP 2 nokey zset max COUNT 2 -> ["zset", [["c", (double) 3], ["b", (double) 2]]]',
    'ZMPOP 2 zset zset2 MIN COUNT 10 -> ["zset", [["a", (double) 1]]]',
    'ZMPOP 2 zset zset2 MIN COUNT 10 -> ["zset2", [["x", (double) 5]]]',
    'ZMPOP 2 zset zset2 MIN COUNT 10 -> (nil)',
    'ZMPOP 0 zset MIN -> -ERR numkeys should be greater than 0',
    'ZMPOP -1 zset MIN -> -ERR numkeys should be greater than 0',
    'ZMPOP x zset MIN -> -ERR numkeys should be greater than 0',
    'ZMPOP 2 zset MIN -> -ERR syntax error',
    'ZMPOP 1 zset foo -> -ERR syntax error',
    'ZMPOP 1 zset MIN COUNT 0 -> -ERR count should be greater than 0',
    'ZMPOP 1 zset MIN COUNT -1 -> -ERR count should be greater than 0',
    'ZMPOP 1 zset MIN COUNT x -> -ERR count should be greater than 0',
    'ZMPOP 1 zset MIN COUNT -> -ERR syntax error',
    'ZMPOP 1 zset MIN COUNT 1 COUNT 1 -> -ERR syntax error',
    'ZMPOP 1 zset MIN foo -> -ERR syntax error',
    "ZMPOP 1 zset -> -ERR wrong number of arguments for 'zmpop' command",
    'SET str x -> +OK',
    'ZPOPMIN str -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'ZPOPMIN str 0 -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'ZMPOP 1 str MIN -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'ZMPOP 2 nokey str MIN -> -WRONGTYPE Operation against a key holding the wrong kind of value',
  ],
  'BZPOPMIN BZPOPMAX BZMPOP serve at once when possible (zset.tcl)': [
    'ZADD zset1 0 a 1 b 2 c -> :3',
    'ZADD zset2 3 d 4 e 5 f -> :3',
    'BZPOPMIN zset1 zset2 0 -> ["zset1", "a", (double) 0]',
    'BZPOPMAX zset1 zset2 0 -> ["zset1", "c", (double) 2]',
    'BZPOPMIN nokey zset2 0.5 -> ["zset2", "d", (double) 3]',
    'BZMPOP 0 2 zset1 zset2 MAX -> ["zset1", [["b", (double) 1]]]',
    'BZMPOP 1 2 zset1 zset2 MIN COUNT 5 -> ["zset2", [["e", (double) 4], ["f", (double) 5]]]',
    'BZPOPMIN zset1 -1 -> -ERR timeout is negative',
    'BZPOPMIN zset1 x -> -ERR timeout is not a float or out of range',
    'BZMPOP x 1 zset1 MIN -> -ERR timeout is not a float or out of range',
    'BZMPOP 0 0 zset1 MIN -> -ERR numkeys should be greater than 0',
    'BZMPOP 0 1 zset1 MIN COUNT 0 -> -ERR count should be greater than 0',
    'BZMPOP 0 2 zset1 MIN -> -ERR syntax error',
    "BZPOPMIN zset1 -> -ERR wrong number of arguments for 'bzpopmin' command",
    "BZMPOP 0 1 zset1 -> -ERR wrong number of arguments for 'bzmpop' command",
    'SET str x -> +OK',
    'BZPOPMIN nokey str 0 -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'BZMPOP 0 1 str MIN -> -WRONGTYPE Operation against a key holding the wrong kind of value',
  ],
  'ZRANGESTORE (zset.tcl)': [
    'ZADD z1 1 a 2 b 3 c 4 d -> :4',
    'ZRANGESTORE z2 z1 0 -1 -> :4',
    'ZRANGE z2 0 -1 WITHSCORES -> ["a", (double) 1, "b", (double) 2, "c", (double) 3, "d", (double) 4]',
    'ZRANGESTORE z2 z1 1 2 -> :2',
    'ZRANGE z2 0 -1 -> ["b", "c"]',
    'ZRANGESTORE z2 z1 [b [c BYLEX -> :2',
    'ZRANGE z2 0 -1 -> ["b", "c"]',
    'ZRANGESTORE z2 z1 1 2 BYSCORE -> :2',
    'ZRANGE z2 0 -1 -> ["a", "b"]',
    'ZRANGESTORE z2 z1 0 5 BYSCORE LIMIT 0 2 -> :2',
    'ZRANGE z2 0 -1 -> ["a", "b"]',
    'ZRANGESTORE z2 z1 5 0 BYSCORE REV LIMIT 0 2 -> :2',
    'ZRANGE z2 0 -1 -> ["c", "d"]',
    'ZRANGE z1 5 0 BYSCORE REV LIMIT 0 2 WITHSCORES -> ["d", (double) 4, "c", (double) 3]',
    'ZRANGESTORE z2 z1 0 -1 REV -> :4',
    'ZRANGESTORE z2 nokey 0 -1 -> :0',
    'EXISTS z2 -> :0',
    'SET str x -> +OK',
    'ZRANGESTORE z2 str 0 -1 -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'ZRANGESTORE str z1 0 -1 -> :4',
    'TYPE str -> +zset',
    'ZRANGESTORE z2 z1 5 -1 -> :0',
    'ZRANGESTORE z2 z1 [f + BYLEX -> :0',
    'ZRANGESTORE z2 z1 5 +inf BYSCORE -> :0',
    'ZRANGESTORE z2 z1 0 -1 WITHSCORES -> -ERR syntax error',
    'ZRANGESTORE z2 z1 0 -1 LIMIT 1 2 -> -ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
    'ZRANGESTORE z2 z1 0 -1 BYLEX -> -ERR min or max not valid string range item',
    'ZRANGESTORE z2 z1 x 1 BYSCORE -> -ERR min or max is not a float',
    "ZRANGESTORE z2 z1 0 -> -ERR wrong number of arguments for 'zrangestore' command",
  ],
  'ZRANDMEMBER (zset.tcl)': [
    'ZRANDMEMBER nonexisting_key -> (nil)',
    'ZRANDMEMBER nonexisting_key 100 -> []',
    'ZRANDMEMBER nonexisting_key 0 -> []',
    'ZADD myzset 1 a -> :1',
    'ZRANDMEMBER myzset 0 -> []',
    'ZRANDMEMBER myzset 0 WITHSCORES -> []',
    'ZRANDMEMBER myzset -9223372036854775807 WITHSCORES -> -ERR value is out of range',
    'ZRANDMEMBER myzset -4611686018427387904 WITHSCORES -> -ERR value is out of range',
    'ZRANDMEMBER myzset 4611686018427387904 WITHSCORES -> -ERR value is out of range',
    'ZRANDMEMBER myzset -9223372036854775808 -> -ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    'ZRANDMEMBER myzset x -> -ERR value is not an integer or out of range',
    'ZRANDMEMBER myzset 1 foo -> -ERR syntax error',
    'ZRANDMEMBER myzset 1 WITHSCORES WITHSCORES -> -ERR syntax error',
    'ZRANDMEMBER myzset -> "a"',
    'ZRANDMEMBER myzset 5 WITHSCORES -> ["a", (double) 1]',
    'ZRANDMEMBER myzset -3 -> ["a", "a", "a"]',
    'ZRANDMEMBER myzset -2 WITHSCORES -> ["a", (double) 1, "a", (double) 1]',
    'SET str x -> +OK',
    'ZRANDMEMBER str -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'ZRANDMEMBER str 1 -> -WRONGTYPE Operation against a key holding the wrong kind of value',
  ],
  'ZSCAN (scan.tcl)': [
    'ZADD z 1 a 2 b 0.5 c -> :3',
    'ZSCAN z 0 -> ["0", ["c", "0.5", "a", "1", "b", "2"]]',
    'ZSCAN z 0 MATCH a* -> ["0", ["a", "1"]]',
    'ZSCAN z 0 COUNT 1 -> ["0", ["c", "0.5", "a", "1", "b", "2"]]',
    'ZSCAN nokey 0 -> ["0", []]',
    'ZSCAN z x -> -ERR invalid cursor',
    'ZSCAN z 0 COUNT 0 -> -ERR syntax error',
    'ZSCAN z 0 COUNT x -> -ERR value is not an integer or out of range',
    'ZSCAN z 0 foo -> -ERR syntax error',
    'ZSCAN z 0 COUNT -> -ERR syntax error',
    'ZSCAN z 0 TYPE zset -> -ERR syntax error',
    'SET str x -> +OK',
    'ZSCAN str 0 -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'ZSCAN str x -> -ERR invalid cursor',
  ],
};

for (const [name, lines] of Object.entries(sessions)) {
  test(`transcript: ${name}`, () => {
    replay(lines);
  });
}

test('set keys are inputs of ZUNION/ZINTER/ZDIFF with score 1 (zset.tcl; SADD seta a b c first)', () => {
  const context = createTestContext();
  const set = new CacheSet();
  for (const member of ['a', 'b', 'c']) set.add(member as KeyText);
  context.keyspace.database(0).set({ key: 'seta' as KeyText, value: { type: 'set', set }, expireAtMs: null, keepExpiry: false });
  replay(
    [
      'ZADD zsetb 1 b 2 c 3 d -> :3',
      'ZUNIONSTORE zsetc 2 seta zsetb WEIGHTS 2 3 -> :4',
      'ZRANGE zsetc 0 -1 WITHSCORES -> ["a", (double) 2, "b", (double) 5, "c", (double) 8, "d", (double) 9]',
      'ZINTERSTORE zsetc 2 seta zsetb WEIGHTS 2 3 -> :2',
      'ZRANGE zsetc 0 -1 WITHSCORES -> ["b", (double) 5, "c", (double) 8]',
      'ZDIFFSTORE zsetc 2 seta zsetb -> :1',
      'ZRANGE zsetc 0 -1 WITHSCORES -> ["a", (double) 1]',
      'ZINTERCARD 2 seta zsetb -> :2',
      'ZINTER 2 seta seta WITHSCORES -> ["a", (double) 2, "b", (double) 2, "c", (double) 2]',
      'ZUNION 1 seta WITHSCORES -> ["a", (double) 1, "b", (double) 1, "c", (double) 1]',
      'SET str x -> +OK',
      'ZUNION 2 zsetb str -> -WRONGTYPE Operation against a key holding the wrong kind of value',
      'ZINTERCARD 1 str -> -WRONGTYPE Operation against a key holding the wrong kind of value',
      'ZUNION 2 zsetb str WEIGHTS x -> -WRONGTYPE Operation against a key holding the wrong kind of value',
      'ZDIFF 1 seta -> ["a", "b", "c"]',
    ],
    context,
  );
});

function resp3Context(): TestContext {
  const context = createTestContext();
  context.protocolVersion = 3;
  return context;
}

test('RESP3 shapes: WITHSCORES and counted pops nest [member, score] pairs (checked against redis-server 7.0.15)', () => {
  const context = resp3Context();
  replay(
    [
      'ZADD z 1 a 2.5 b 0.5 c -> :3',
      'ZRANGE z 0 -1 WITHSCORES -> [["c", (double) 0.5], ["a", (double) 1], ["b", (double) 2.5]]',
      'ZRANGEBYSCORE z 1 +inf WITHSCORES -> [["a", (double) 1], ["b", (double) 2.5]]',
      'ZUNION 1 z WITHSCORES -> [["c", (double) 0.5], ["a", (double) 1], ["b", (double) 2.5]]',
      'ZRANDMEMBER z 5 WITHSCORES -> [["c", (double) 0.5], ["a", (double) 1], ["b", (double) 2.5]]',
      'ZSCAN z 0 -> ["0", ["c", "0.5", "a", "1", "b", "2.5"]]',
      'ZPOPMIN z -> ["c", (double) 0.5]',
      'ZPOPMIN z 1 -> [["a", (double) 1]]',
      'ZADD z 1 a 0.5 c -> :2',
      'ZMPOP 1 z MIN -> ["z", [["c", (double) 0.5]]]',
      'BZPOPMIN z 0 -> ["z", "a", (double) 1]',
      'ZRANGE z 0 -1 -> ["b"]',
    ],
    context,
  );
});

test('blocking: BZPOPMIN/BZPOPMAX/BZMPOP block on all keys with their deadline, or time out at once in MULTI', () => {
  const context = createTestContext({ nowMs: 1000 });
  replay(
    [
      'BZPOPMIN a b 0 -> (block a b until=forever)',
      'BZPOPMAX a 1.5 -> (block a until=2500)',
      'BZMPOP 0.001 2 a b MIN COUNT 2 -> (block a b until=1001)',
      'ZADD b 1 x -> :1',
      'BZPOPMIN a b 0 -> ["b", "x", (double) 1]',
      'EXISTS b -> :0',
    ],
    context,
  );
  context.blockingAllowed = false;
  replay(['BZPOPMIN a 0 -> (nil)', 'BZMPOP 0 1 a MAX -> (nil)'], context);
});

test('keyspace: modified() once per changed key, not at all when nothing changed; empty sets are deleted', () => {
  const context = createTestContext();
  const modified: string[] = [];
  context.keyspace.setListener({
    keyModified: (_database, key) => modified.push(key),
    databaseReplaced: () => undefined,
  });
  const expectModified = (line: string, keys: string[]): void => {
    modified.length = 0;
    replay([line], context);
    assert.deepEqual(modified, keys, line);
  };
  expectModified('ZADD z 1 a 2 b 3 c -> :3', ['z']);
  expectModified('ZADD z 1 a 2 b -> :0', []);
  expectModified('ZADD z NX 5 a -> :0', []);
  expectModified('ZADD z GT 0 a -> :0', []);
  expectModified('ZADD z 5 a -> :0', ['z']);
  expectModified('ZINCRBY z 0 a -> (double) 5', []);
  expectModified('ZREM z nope -> :0', []);
  expectModified('ZREMRANGEBYSCORE z 100 200 -> :0', []);
  expectModified('ZPOPMIN z 2 -> ["b", (double) 2, "c", (double) 3]', ['z']);
  expectModified('ZREM z a -> :1', ['z']);
  assert.equal(renderReply(run(context, 'EXISTS', 'z')), ':0');
  expectModified('ZADD z XX 1 a -> :0', []);
  expectModified('ZRANGESTORE d nokey 0 -1 -> :0', []);
  const database = context.keyspace.database(0);
  replay(['ZADD m 1 abc -> :1'], context);
  const entry = database.entryOf(keyTextFromBytes(Buffer.from('m')));
  assert.ok(entry !== undefined && entry.value.type === 'zset');
  const before = database.usedMemoryBytes;
  const sizeBefore = entry.sizeBytes;
  replay(['ZADD m 2 defgh -> :1'], context);
  // An entry is a snapshot: read it again after the change.
  const after = database.entryOf(keyTextFromBytes(Buffer.from('m')));
  assert.ok(after !== undefined && after.value.type === 'zset');
  assert.equal(after.sizeBytes, cacheEntryOverheadBytes + 1 + after.value.zset.sizeBytes);
  assert.equal(database.usedMemoryBytes - before, after.sizeBytes - sizeBefore);
  assert.ok(after.sizeBytes > sizeBefore);
});

test('binary members compare by bytes (memcmp order), including NUL and 0xff', () => {
  const context = createTestContext();
  const members = [Buffer.from([0xff]), Buffer.from([0x00]), Buffer.from('a'), Buffer.from([0x00, 0x01]), Buffer.from('')];
  for (const member of members) run(context, 'ZADD', 'z', '0', member);
  const reply = run(context, 'ZRANGE', 'z', '0', '-1');
  assert.ok(reply.type === 'array');
  const got = reply.items.map((item) => (item.type === 'bulk-string' ? Buffer.from(item.value as Uint8Array).toString('hex') : '?'));
  assert.deepEqual(got, ['', '00', '0001', '61', 'ff']);
  const lex = run(context, 'ZRANGEBYLEX', 'z', Buffer.from([0x28, 0x00]), Buffer.from([0x5b, 0xff]));
  assert.equal(renderReply(lex), `["\u0000\u0001", "a", "\u00ff"]`);
});

test('encoding: listpack up to 128 entries and 64-byte members, then skiplist; store results re-evaluate', () => {
  const context = createTestContext();
  const encodingOf = (key: string): string => {
    const entry = context.keyspace.database(0).entryOf(keyTextFromBytes(Buffer.from(key)));
    assert.ok(entry !== undefined && entry.value.type === 'zset');
    return entry.value.zset.encoding;
  };
  for (let index = 0; index < 128; index++) run(context, 'ZADD', 'z', String(index), `m${index}`);
  assert.equal(encodingOf('z'), 'listpack');
  run(context, 'ZADD', 'z', '128', 'm128');
  assert.equal(encodingOf('z'), 'skiplist');
  run(context, 'ZRANGESTORE', 'small', 'z', '0', '9');
  assert.equal(encodingOf('small'), 'listpack');
  run(context, 'ZADD', 'long', '1', 'x'.repeat(65));
  assert.equal(encodingOf('long'), 'skiplist');
  run(context, 'ZUNIONSTORE', 'u', '1', 'small');
  assert.equal(encodingOf('u'), 'listpack');
});

test('ZSCAN over a skiplist-encoded set pages by COUNT and returns every member exactly once', () => {
  const context = createTestContext();
  for (let index = 0; index < 1000; index++) run(context, 'ZADD', 'big', String(index % 7), `member:${index}`);
  const seen = new Map<string, number>();
  let cursor = '0';
  let calls = 0;
  do {
    const reply = run(context, 'ZSCAN', 'big', cursor, 'COUNT', '50');
    assert.ok(reply.type === 'array');
    const [cursorReply, items] = reply.items;
    assert.ok(cursorReply?.type === 'bulk-string' && items?.type === 'array');
    assert.ok(items.items.length <= 100);
    for (let index = 0; index < items.items.length; index += 2) {
      const member = renderReply(items.items[index] as never);
      seen.set(member, (seen.get(member) ?? 0) + 1);
    }
    cursor = String(cursorReply.value);
    calls++;
    if (calls % 5 === 0) run(context, 'ZADD', 'big', '99', `member:${calls}`);
  } while (cursor !== '0');
  assert.equal(seen.size, 1000);
  for (const count of seen.values()) assert.equal(count, 1);
  assert.ok(calls >= 20);
});

test('ZRANDMEMBER: distinct members for a positive count, repeats for a negative one, from context.random', () => {
  const context = createTestContext();
  for (let index = 0; index < 30; index++) run(context, 'ZADD', 'z', String(index), `m${index}`);
  for (const count of [1, 5, 9, 10, 11, 25, 29, 30, 40]) {
    const reply = run(context, 'ZRANDMEMBER', 'z', String(count));
    assert.ok(reply.type === 'array');
    const members = reply.items.map(renderReply);
    assert.equal(members.length, Math.min(count, 30));
    assert.equal(new Set(members).size, members.length, `count ${count}`);
  }
  const repeated = run(context, 'ZRANDMEMBER', 'z', '-100', 'WITHSCORES');
  assert.ok(repeated.type === 'array' && repeated.items.length === 200);
  assert.equal(renderReply(run(context, 'ZRANDMEMBER', 'z', String(-(1024 * 1024 + 1)))), '-ERR value is out of range');
});

test('command table: sorted set arities follow Redis 7 (ZRANK/ZREVRANK with 7.2 WITHSCORE)', () => {
  const expected: Record<string, number> = {
    zadd: -4, zincrby: 4, zrem: -3, zcard: 2, zscore: 3, zmscore: -3, zrank: -3, zrevrank: -3, zcount: 4, zlexcount: 4,
    zrange: -4, zrangestore: -5, zrevrange: -4, zrangebyscore: -4, zrevrangebyscore: -4, zrangebylex: -4, zrevrangebylex: -4,
    zremrangebyrank: 4, zremrangebyscore: 4, zremrangebylex: 4, zpopmin: -2, zpopmax: -2, bzpopmin: -3, bzpopmax: -3,
    zmpop: -4, bzmpop: -5, zunion: -3, zinter: -3, zdiff: -3, zunionstore: -4, zinterstore: -4, zdiffstore: -4,
    zintercard: -3, zrandmember: -2, zscan: -3,
  };
  for (const [name, arity] of Object.entries(expected)) assert.equal(cacheCommandTable.get(name)?.arity, arity, name);
});

test('sorted set commands agree with a model under random command sequences (property)', () => {
  const memberArbitrary = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
  const scoreArbitrary = fc.constantFrom('-inf', '-1', '0', '1', '1.5', '2', '+inf');
  const commandArbitrary = fc.oneof(
    fc.tuple(fc.constant('ZADD'), scoreArbitrary, memberArbitrary),
    fc.tuple(fc.constant('ZREM'), memberArbitrary),
    fc.tuple(fc.constant('ZPOPMIN')),
    fc.tuple(fc.constant('ZPOPMAX')),
    fc.tuple(fc.constant('ZREMRANGEBYRANK'), fc.integer({ min: -4, max: 4 }).map(String), fc.integer({ min: -4, max: 4 }).map(String)),
  );
  fc.assert(
    fc.property(fc.array(commandArbitrary, { maxLength: 60 }), (commands) => {
      const context = createTestContext();
      const model = new Map<string, number>();
      const parseScore = (text: string): number => (text === '+inf' ? Infinity : text === '-inf' ? -Infinity : Number(text));
      const ordered = (): [string, number][] =>
        [...model].sort((a, b) => (a[1] !== b[1] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      for (const [name, ...rest] of commands) {
        run(context, name, 'z', ...rest);
        if (name === 'ZADD') model.set(rest[1] as string, parseScore(rest[0] as string));
        else if (name === 'ZREM') model.delete(rest[0] as string);
        else if (name === 'ZPOPMIN' || name === 'ZPOPMAX') {
          const all = ordered();
          const victim = name === 'ZPOPMIN' ? all[0] : all[all.length - 1];
          if (victim !== undefined) model.delete(victim[0]);
        } else {
          const all = ordered();
          let start = Number(rest[0]);
          let end = Number(rest[1]);
          if (start < 0) start += all.length;
          if (end < 0) end += all.length;
          start = Math.max(0, start);
          end = Math.min(all.length - 1, end);
          for (let index = start; index <= end; index++) model.delete((all[index] as [string, number])[0]);
        }
        const expected = ordered().map(([member]) => `"${member}"`);
        assert.equal(renderReply(run(context, 'ZRANGE', 'z', '0', '-1')), `[${expected.join(', ')}]`);
        assert.equal(renderReply(run(context, 'EXISTS', 'z')), model.size > 0 ? ':1' : ':0');
      }
    }),
    { seed: 20260302, numRuns: 200 },
  );
});
