/**
 * String commands as transcripts with an explicit clock. Cases are ported from Redis's command
 * documentation examples and tests/unit/type/string.tcl (Redis 7), plus every error text.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CacheHash } from './cache-hash.js';
import { keyTextFromBytes } from './cache-keyspace.js';
import { createTestContext, renderReply, replay, run } from './cache-session.spec-helper.js';
import { keyAt } from './cache-commands-string.js';

const sessions: Readonly<Record<string, readonly string[]>> = {
  'SET and GET (docs)': ['SET mykey Hello -> +OK', 'GET mykey -> "Hello"', 'GET nonexisting -> (nil)'],
  'SET options': [
    'SET k v NX -> +OK',
    'SET k w NX -> (nil)',
    'SET k w XX -> +OK',
    'SET missing v XX -> (nil)',
    'SET k x GET -> "w"',
    'SET fresh v GET -> (nil)',
    'SET k y NX GET -> "x"',
    'GET k -> "x"',
    'SET k v NX XX -> -ERR syntax error',
    'SET k v XX NX -> -ERR syntax error',
    'SET k v EX 10 PX 100 -> -ERR syntax error',
    'SET k v EX 10 KEEPTTL -> -ERR syntax error',
    'SET k v KEEPTTL EX 10 -> -ERR syntax error',
    'SET k v EX -> -ERR syntax error',
    'SET k v PERSIST -> -ERR syntax error',
    'SET k v FOO -> -ERR syntax error',
    'SET k v EX 10 EX 20 -> +OK',
    'TTL k -> :20',
    'SET k v EX 0 -> -ERR invalid expire time in \'set\' command',
    'SET k v PX -5 -> -ERR invalid expire time in \'set\' command',
    'SET k v EX 9223372036854775807 -> -ERR invalid expire time in \'set\' command',
    'SET k v PX 9223372036854775807 -> -ERR invalid expire time in \'set\' command',
    'SET k v EX abc -> -ERR value is not an integer or out of range',
    'SET k v EX 1.5 -> -ERR value is not an integer or out of range',
    'SET k v ex 100 -> +OK',
    'SET k v2 KEEPTTL -> +OK',
    'TTL k -> :100',
    'SET k v3 -> +OK',
    'TTL k -> :-1',
  ],
  'SET EX/PX/EXAT/PXAT with the clock': [
    'SET a 1 PX 100 -> +OK',
    'PTTL a -> :100',
    'time +99',
    'GET a -> "1"',
    'time +1',
    'GET a -> (nil)',
    'SET b 1 EXAT 1700000010 -> +OK',
    'PEXPIRETIME b -> :1700000010000',
    'SET c 1 PXAT 1700000000200 -> +OK',
    'PTTL c -> :100',
    'SET d 1 PXAT 1 -> +OK',
    'EXISTS d -> :0',
  ],
  'SETNX SETEX PSETEX GETSET (docs)': [
    'SETNX mykey Hello -> :1',
    'SETNX mykey World -> :0',
    'GET mykey -> "Hello"',
    'SETEX mykey 10 Hello -> +OK',
    'TTL mykey -> :10',
    'SETEX mykey 0 Hello -> -ERR invalid expire time in \'setex\' command',
    'PSETEX mykey 1000 Hello -> +OK',
    'PTTL mykey -> :1000',
    'PSETEX mykey -1 Hello -> -ERR invalid expire time in \'psetex\' command',
    'SETEX mykey x Hello -> -ERR value is not an integer or out of range',
    'GETSET mykey World -> "Hello"',
    'TTL mykey -> :-1',
    'GETSET newkey v -> (nil)',
    'SETEX k -> -ERR wrong number of arguments for \'setex\' command',
  ],
  'GETDEL and GETEX (docs)': [
    'SET mykey Hello -> +OK',
    'GETDEL mykey -> "Hello"',
    'GET mykey -> (nil)',
    'GETDEL mykey -> (nil)',
    'SET mykey Hello -> +OK',
    'GETEX mykey -> "Hello"',
    'TTL mykey -> :-1',
    'GETEX mykey EX 60 -> "Hello"',
    'TTL mykey -> :60',
    'GETEX mykey PX 1500 -> "Hello"',
    'PTTL mykey -> :1500',
    'GETEX mykey PERSIST -> "Hello"',
    'TTL mykey -> :-1',
    'GETEX mykey EXAT 1700000100 -> "Hello"',
    'TTL mykey -> :100',
    'GETEX mykey PXAT 1 -> "Hello"',
    'EXISTS mykey -> :0',
    'GETEX missing EX 10 -> (nil)',
    'GETEX mykey EX 10 PERSIST -> -ERR syntax error',
    'GETEX mykey NX -> -ERR syntax error',
    'GETEX mykey EX 0 -> -ERR invalid expire time in \'getex\' command',
  ],
  'MGET MSET MSETNX (docs)': [
    'SET key1 Hello -> +OK',
    'SET key2 World -> +OK',
    'MGET key1 key2 nonexisting -> ["Hello", "World", (nil)]',
    'MSET key1 a key2 b -> +OK',
    'MGET key1 key2 -> ["a", "b"]',
    'MSET key1 a key2 -> -ERR wrong number of arguments for \'mset\' command',
    'MSETNX key3 x key4 y -> :1',
    'MSETNX key4 z key5 w -> :0',
    'MGET key3 key4 key5 -> ["x", "y", (nil)]',
    'MSETNX key6 -> -ERR wrong number of arguments for \'msetnx\' command',
    'MSETNX a b a c -> :1',
    'GET a -> "c"',
  ],
  'INCR DECR INCRBY DECRBY (string.tcl)': [
    'INCR novar -> :1',
    'INCR novar -> :2',
    'INCRBY novar 2 -> :4',
    'INCRBY novar 17179869184 -> :17179869188',
    'INCRBY novar -17179869188 -> :0',
    'DECR novar -> :-1',
    'DECRBY novar 10 -> :-11',
    'SET novar 11x -> +OK',
    'INCR novar -> -ERR value is not an integer or out of range',
    'SET novar +1 -> +OK',
    'INCR novar -> -ERR value is not an integer or out of range',
    'SET novar 01 -> +OK',
    'INCR novar -> -ERR value is not an integer or out of range',
    'SET novar 9223372036854775807 -> +OK',
    'INCR novar -> -ERR increment or decrement would overflow',
    'SET novar -9223372036854775808 -> +OK',
    'DECR novar -> -ERR increment or decrement would overflow',
    'SET novar 0 -> +OK',
    'DECRBY novar -9223372036854775808 -> -ERR decrement would overflow',
    'INCRBY novar 9223372036854775808 -> -ERR value is not an integer or out of range',
    'INCRBY novar abc -> -ERR value is not an integer or out of range',
    'SET ttl 5 EX 100 -> +OK',
    'INCR ttl -> :6',
    'TTL ttl -> :100',
  ],
  'INCRBYFLOAT (docs, string.tcl)': [
    'SET mykey 10.50 -> +OK',
    'INCRBYFLOAT mykey 0.1 -> "10.6"',
    'INCRBYFLOAT mykey -5 -> "5.6"',
    'SET mykey 5.0e3 -> +OK',
    'INCRBYFLOAT mykey 2.0e2 -> "5200"',
    'INCRBYFLOAT novar 1 -> "1"',
    'INCRBYFLOAT novar 0.25 -> "1.25"',
    'INCRBYFLOAT novar 1e-7 -> "1.2500001"',
    'SET foo 0 -> +OK',
    'INCRBYFLOAT foo +inf -> -ERR increment would produce NaN or Infinity',
    'INCRBYFLOAT foo nan -> -ERR value is not a valid float',
    'INCRBYFLOAT foo 1x -> -ERR value is not a valid float',
    'INCRBYFLOAT foo "" -> -ERR value is not a valid float',
    'SET foo 1.5x -> +OK',
    'INCRBYFLOAT foo 1 -> -ERR value is not a valid float',
    'SET big 1e20 -> +OK',
    'INCRBYFLOAT big 1e20 -> "200000000000000000000"',
    'INCRBYFLOAT big 1e21 -> "1200000000000000000000"',
  ],
  'INCRBYFLOAT adds in x87 long double and prints %.17Lf, as redis-server 7.0.15 on x86-64': [
    'SET f 0.1 -> +OK',
    'INCRBYFLOAT f 0.2 -> "0.3"',
    'SET g 9223372036854775807 -> +OK',
    'INCRBYFLOAT g 1 -> "9223372036854775808"',
    'SET g -0 -> +OK',
    'INCRBYFLOAT g -1e-20 -> "0"',
    'SET g 3.0e3 -> +OK',
    'INCRBYFLOAT g 0.000000000000000015 -> "3000"',
    'SET g 1e-4940 -> +OK',
    'INCRBYFLOAT g 1 -> "1"',
    'SET g 1e5000 -> +OK',
    'INCRBYFLOAT g 1 -> -ERR value is not a valid float',
    'SET g 1.18973149535723176502e4932 -> +OK',
    'INCRBYFLOAT g 1e4932 -> -ERR increment would produce NaN or Infinity',
  ],
  'APPEND STRLEN (docs)': [
    'EXISTS mykey -> :0',
    'APPEND mykey Hello -> :5',
    'APPEND mykey _World -> :11',
    'GET mykey -> "Hello_World"',
    'STRLEN mykey -> :11',
    'STRLEN nonexisting -> :0',
    'SET t v EX 50 -> +OK',
    'APPEND t w -> :2',
    'TTL t -> :50',
  ],
  'GETRANGE (docs, string.tcl)': [
    'SET mykey This_is_a_string -> +OK',
    'GETRANGE mykey 0 3 -> "This"',
    'GETRANGE mykey -3 -1 -> "ing"',
    'GETRANGE mykey 0 -1 -> "This_is_a_string"',
    'GETRANGE mykey 10 100 -> "string"',
    'GETRANGE mykey -1 -5 -> ""',
    'GETRANGE mykey 5 3 -> ""',
    'GETRANGE mykey -100 2 -> "Thi"',
    'GETRANGE mykey 0 -100 -> "T"',
    'GETRANGE missing 0 -1 -> ""',
    'GETRANGE mykey a 1 -> -ERR value is not an integer or out of range',
    'SET e "" -> +OK',
    'GETRANGE e 0 -1 -> ""',
  ],
  'SUBSTR is GETRANGE (checked against redis-server 7.0.15)': [
    'SET mykey This_is_a_string -> +OK',
    'SUBSTR mykey 0 3 -> "This"',
    'SUBSTR mykey -3 -1 -> "ing"',
    'SUBSTR missing 0 1 -> ""',
    'SUBSTR mykey -> -ERR wrong number of arguments for \'substr\' command',
  ],
  'LCS (docs, string.tcl; checked against redis-server 7.0.15)': [
    'SET key1 ohmytext -> +OK',
    'SET key2 mynewtext -> +OK',
    'LCS key1 key2 -> "mytext"',
    'LCS key1 key2 LEN -> :6',
    'LCS key1 key2 IDX -> {"matches": [[[:4, :7], [:5, :8]], [[:2, :3], [:0, :1]]], "len": :6}',
    'LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN -> {"matches": [[[:4, :7], [:5, :8], :4]], "len": :6}',
    'LCS key1 key2 IDX MINMATCHLEN -5 -> {"matches": [[[:4, :7], [:5, :8]], [[:2, :3], [:0, :1]]], "len": :6}',
    'LCS key1 key2 LEN IDX -> -ERR If you want both the length and indexes, please just use IDX.',
    'LCS key1 key2 MINMATCHLEN -> -ERR syntax error',
    'LCS key1 key2 MINMATCHLEN x -> -ERR value is not an integer or out of range',
    'LCS key1 key2 foo -> -ERR syntax error',
    'LCS key1 missing -> ""',
    'LCS missing other IDX -> {"matches": [], "len": :0}',
    'RPUSH list a -> :1',
    'LCS key1 list -> -ERR The specified keys must contain string values',
    'LCS list missing foo -> -ERR The specified keys must contain string values',
    'LCS key1 -> -ERR wrong number of arguments for \'lcs\' command',
  ],
  'SETRANGE (docs, string.tcl)': [
    'SET key1 Hello_World -> +OK',
    'SETRANGE key1 6 Redis -> :11',
    'GET key1 -> "Hello_Redis"',
    'SETRANGE key2 6 Redis -> :11',
    'GETRANGE key2 0 5 -> "\u0000\u0000\u0000\u0000\u0000\u0000"',
    'SETRANGE key3 0 "" -> :0',
    'EXISTS key3 -> :0',
    'SETRANGE key1 0 "" -> :11',
    'SETRANGE key1 -1 x -> -ERR offset is out of range',
    'SETRANGE key1 536870911 xx -> -ERR string exceeds maximum allowed size (proto-max-bulk-len)',
    'SETRANGE key1 x y -> -ERR value is not an integer or out of range',
  ],
};

for (const [name, lines] of Object.entries(sessions)) {
  test(`string commands: ${name}`, () => {
    replay(lines);
  });
}

test('string commands: WRONGTYPE is ready for other types; the text is Redis\'s', () => {
  const context = createTestContext();
  const database = context.keyspace.database(0);
  const hash = new CacheHash();
  hash.set(keyTextFromBytes(Buffer.from('f')), Buffer.from('v'));
  database.set({ key: keyTextFromBytes(Buffer.from('l')), value: { type: 'hash', hash }, expireAtMs: null, keepExpiry: false });
  for (const words of [['GET', 'l'], ['INCR', 'l'], ['APPEND', 'l', 'x'], ['SET', 'l', 'v', 'GET'], ['STRLEN', 'l'], ['GETRANGE', 'l', '0', '1']]) {
    assert.equal(renderReply(run(context, ...words)), '-WRONGTYPE Operation against a key holding the wrong kind of value', words.join(' '));
  }
  assert.equal(renderReply(run(context, 'MGET', 'l')), '[(nil)]');
  assert.equal(renderReply(run(context, 'SET', 'l', 'v')), '+OK');
});

test('string commands: binary-safe keys and values', () => {
  const context = createTestContext();
  const key = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80, 0x20]);
  const value = Buffer.from([0xde, 0xad, 0x00, 0xbe, 0xef]);
  assert.equal(renderReply(run(context, 'SET', key, value)), '+OK');
  const reply = run(context, 'GET', key);
  assert.equal(reply.type, 'bulk-string');
  assert.deepEqual(Buffer.from((reply as { value: Uint8Array }).value), value);
  assert.equal(renderReply(run(context, 'GET', Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80]))), '(nil)');
  assert.equal(renderReply(run(context, 'STRLEN', key)), ':5');
  assert.equal(renderReply(run(context, 'APPEND', key, Buffer.from([0xc3, 0xa9]))), ':7');
  const keys = run(context, 'KEYS', '*');
  assert.deepEqual(keys.type === 'array' ? keys.items.map((item) => Buffer.from((item as { value: Uint8Array }).value)) : null, [key]);
  // The stored value is a copy, not a view of the request buffer.
  value.fill(0);
  assert.equal(renderReply(run(context, 'GETRANGE', key, '0', '0')), `"${String.fromCharCode(0xde)}"`);
});

test('string commands: the string size limit applies to APPEND and SETRANGE', () => {
  const context = createTestContext({ limits: { stringBytesMax: 8 } });
  replay(['SET k 12345 -> +OK', 'APPEND k 678 -> :8', 'APPEND k 9 -> -ERR string exceeds maximum allowed size (proto-max-bulk-len)', 'SETRANGE k 7 ab -> -ERR string exceeds maximum allowed size (proto-max-bulk-len)', 'SETRANGE k 6 ab -> :8'], context);
});

test('string commands: LCS refuses a table larger than proto-max-bulk-len, as Redis', () => {
  // (|a| + 1) × (|b| + 1) cells of 4 bytes: 4 × 4 × 4 = 64 bytes fits, 4 × 5 × 4 = 80 does not.
  const context = createTestContext({ limits: { stringBytesMax: 64 } });
  replay(
    [
      'SET a abc -> +OK',
      'SET b abc -> +OK',
      'LCS a b -> "abc"',
      'SET b abcd -> +OK',
      'LCS a b LEN -> -ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
    ],
    context,
  );
});

test('keyAt gives each key its own text, with the last key argument remembered by content', () => {
  const request = (key: Buffer): Buffer[] => [Buffer.from('get'), key];
  const keys = [Buffer.from('abc'), Buffer.from('abd'), Buffer.from('abc'), Buffer.from([0xff, 0x00, 0x62]), Buffer.alloc(65, 0x61), Buffer.alloc(65, 0x62), Buffer.from('')];
  for (const key of [...keys, ...keys.reverse()]) {
    const original = Buffer.from(key);
    assert.equal(keyAt(request(key), 1), keyTextFromBytes(original));
    // The argument's bytes may change after the request (a reused input buffer): the text must not.
    key.fill(0x7a);
    assert.equal(keyAt(request(Buffer.from(original)), 1), keyTextFromBytes(original));
    key.set(original);
  }
});
