/**
 * SORT / SORT_RO transcripts: the cases of sort.tcl and the command documentation, every reply
 * checked against redis-server 7.0.15.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyTextFromBytes } from './cache-keyspace.js';
import { replay } from './cache-session.spec-helper.js';

const sessions: Readonly<Record<string, readonly string[]>> = {
  'numeric and ALPHA, ASC and DESC, LIMIT clamping': [
    'RPUSH l 3 1 2 10 -5 1.5 -> :6',
    'SORT l -> ["-5", "1", "1.5", "2", "3", "10"]',
    'SORT l DESC -> ["10", "3", "2", "1.5", "1", "-5"]',
    'SORT l ALPHA -> ["-5", "1", "1.5", "10", "2", "3"]',
    'SORT l LIMIT 1 2 -> ["1", "1.5"]',
    'SORT l LIMIT -5 2 -> ["-5", "1"]',
    'SORT l LIMIT 0 -1 -> ["-5", "1", "1.5", "2", "3", "10"]',
    'SORT l LIMIT 10 5 -> []',
    'SORT l LIMIT 5 10 -> ["10"]',
    'SORT l LIMIT 0 0 -> []',
    'SORT_RO l DESC LIMIT 0 3 -> ["10", "3", "2"]',
    'RPUSH dup 2 1 2 1 -> :4',
    'SORT dup -> ["1", "1", "2", "2"]',
    'RPUSH eq 1 01 1.0 -> :3',
    'SORT eq -> ["01", "1", "1.0"]',
    'SORT eq DESC -> ["1.0", "1", "01"]',
  ],
  'errors: syntax, LIMIT, types, scores': [
    'RPUSH l 1 2 -> :2',
    'SORT l LIMIT a b -> -ERR value is not an integer or out of range',
    'SORT l LIMIT 1 -> -ERR syntax error',
    'SORT l FOO -> -ERR syntax error',
    'SORT l BY -> -ERR syntax error',
    'SORT_RO l STORE d -> -ERR syntax error',
    'SET str x -> +OK',
    'SORT str -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'SORT str LIMIT a b -> -ERR value is not an integer or out of range',
    'RPUSH bad 1 abc 2 -> :3',
    "SORT bad -> -ERR One or more scores can't be converted into double",
    'SORT bad ALPHA -> ["1", "2", "abc"]',
    'RPUSH nan nan 1 -> :2',
    "SORT nan -> -ERR One or more scores can't be converted into double",
    'RPUSH big 1e400 1 -> :2',
    "SORT big -> -ERR One or more scores can't be converted into double",
    'RPUSH e "" 1 -> :2',
    'SORT e -> ["", "1"]',
    // strtod skips leading white space (the transcript splits words on spaces: a tab here).
    'RPUSH sp \t5 3 -> :2',
    'SORT sp -> ["3", "\t5"]',
    'SORT nokey -> []',
    "SORT -> -ERR wrong number of arguments for 'sort' command",
  ],
  'BY and GET patterns, hash fields, nosort': [
    'RPUSH l 3 1 2 -> :3',
    'MSET w_3 0 w_1 5 w_2 1 -> +OK',
    'HSET h_3 f 9 name c -> :2',
    'HSET h_1 f 1 name b -> :2',
    'HSET h_2 f 4 name a -> :2',
    'SORT l BY w_* -> ["3", "2", "1"]',
    'SORT l BY w_* DESC -> ["1", "2", "3"]',
    'SORT l BY h_*->f -> ["1", "2", "3"]',
    'SORT l BY h_*->name ALPHA -> ["2", "1", "3"]',
    'SORT l BY h_*->nosuch -> ["1", "2", "3"]',
    'SORT l BY nosort -> ["3", "1", "2"]',
    'SORT l BY nosort DESC -> ["2", "1", "3"]',
    'SORT l BY nosort DESC LIMIT 1 2 -> ["1", "3"]',
    'SORT l GET # GET w_* GET h_*->name GET h_*-> -> ["1", "5", "b", (nil), "2", "1", "a", (nil), "3", "0", "c", (nil)]',
    'SORT l GET nostar -> [(nil), (nil), (nil)]',
    'ZADD z 3 a 1 b 2 c -> :3',
    'SORT z ALPHA -> ["a", "b", "c"]',
    'SORT z BY nosort -> ["b", "c", "a"]',
    'SORT z BY nosort DESC LIMIT 1 5 -> ["c", "b"]',
    'SADD s 5 3 9 1 -> :4',
    'SORT s DESC LIMIT 0 2 -> ["9", "5"]',
  ],
  'STORE writes a list, an empty result deletes the destination': [
    'RPUSH l 3 1 2 -> :3',
    'SET w_1 5 -> +OK',
    'SORT l BY w_* GET # STORE dst -> :3',
    'LRANGE dst 0 -1 -> ["2", "3", "1"]',
    'SORT l GET missing_* STORE dst -> :3',
    'LRANGE dst 0 -1 -> ["", "", ""]',
    'SORT nokey STORE dst -> :0',
    'EXISTS dst -> :0',
    'SADD sa b c a -> :3',
    'SORT sa BY nosort STORE d3 -> :3',
    'LRANGE d3 0 -1 -> ["a", "b", "c"]',
    'SET str x -> +OK',
    'SORT l STORE str -> :3',
    'TYPE str -> +list',
  ],
};

for (const [name, lines] of Object.entries(sessions)) {
  test(`sort: ${name}`, () => {
    replay(lines);
  });
}

test('sort: a sorted set SORT reads turns to the skiplist encoding, as Redis (zsetConvert in sortCommandGeneric)', () => {
  const context = replay(['ZADD small 1 a 2 b -> :2', 'SORT small ALPHA -> ["a", "b"]']);
  const value = context.keyspace.database(0).lookupValue(keyTextFromBytes(Buffer.from('small')), context.nowMs);
  assert.equal(value?.type === 'zset' ? value.zset.encoding : value?.type, 'skiplist');
});
