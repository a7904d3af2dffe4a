/**
 * Connection, dispatcher and generic key commands as transcripts with an explicit clock. Cases are
 * ported from Redis's documentation examples, tests/unit/keyspace.tcl and tests/unit/expire.tcl
 * (Redis 7), with sleeps replaced by `time +N`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheCommandTable, unknownCommandText } from './cache-commands.js';
import { createTestContext, renderReply, replay, run } from './cache-session.spec-helper.js';

const sessions: Readonly<Record<string, readonly string[]>> = {
  'PING ECHO SELECT DBSIZE FLUSHDB FLUSHALL': [
    'PING -> +PONG',
    'ping hello -> "hello"',
    'PING a b -> -ERR wrong number of arguments for \'ping\' command',
    'ECHO Hello -> "Hello"',
    'ECHO -> -ERR wrong number of arguments for \'echo\' command',
    'SET a 1 -> +OK',
    'SELECT 9 -> +OK',
    'DBSIZE -> :0',
    'SET a 2 -> +OK',
    'SET b 2 -> +OK',
    'DBSIZE -> :2',
    'SELECT 16 -> -ERR DB index is out of range',
    'SELECT -1 -> -ERR DB index is out of range',
    'SELECT x -> -ERR value is not an integer or out of range',
    'SELECT 0 -> +OK',
    'GET a -> "1"',
    'FLUSHDB -> +OK',
    'DBSIZE -> :0',
    'SELECT 9 -> +OK',
    'DBSIZE -> :2',
    'FLUSHDB ASYNC -> +OK',
    'FLUSHDB sync -> +OK',
    'FLUSHDB lazy -> -ERR syntax error',
    'FLUSHDB sync async -> -ERR syntax error',
    'SET a 1 -> +OK',
    'FLUSHALL -> +OK',
    'DBSIZE -> :0',
    'FLUSHALL foo -> -ERR syntax error',
  ],
  'unknown commands and arity (server.c processCommand)': [
    "FOO -> -ERR unknown command 'FOO', with args beginning with: ",
    "foo a b -> -ERR unknown command 'foo', with args beginning with: 'a' 'b' ",
    "GET -> -ERR wrong number of arguments for 'get' command",
    "GeT a b -> -ERR wrong number of arguments for 'get' command",
    "SET k -> -ERR wrong number of arguments for 'set' command",
    "DEL -> -ERR wrong number of arguments for 'del' command",
    "RANDOMKEY x -> -ERR wrong number of arguments for 'randomkey' command",
  ],
  'DEL UNLINK EXISTS TYPE TOUCH (docs, keyspace.tcl)': [
    'SET key1 Hello -> +OK',
    'SET key2 World -> +OK',
    'DEL key1 key2 key3 -> :2',
    'SET foo1 a -> +OK',
    'SET foo2 b -> +OK',
    'UNLINK foo1 foo2 foo3 -> :2',
    'SET key1 Hello -> +OK',
    'EXISTS key1 -> :1',
    'EXISTS nosuchkey -> :0',
    'SET key2 World -> +OK',
    'EXISTS key1 key2 nosuchkey -> :2',
    'EXISTS key1 key1 key1 -> :3',
    'TOUCH key1 key2 nosuchkey -> :2',
    'TYPE key1 -> +string',
    'TYPE nosuchkey -> +none',
    'DEL key1 key1 -> :1',
  ],
  'EXPIRE TTL PERSIST (docs, expire.tcl)': [
    'SET mykey Hello -> +OK',
    'EXPIRE mykey 10 -> :1',
    'TTL mykey -> :10',
    'SET mykey "Hello World" -> -ERR syntax error',
    'SET mykey Hello_World -> +OK',
    'TTL mykey -> :-1',
    'EXPIRE mykey 10 XX -> :0',
    'TTL mykey -> :-1',
    'EXPIRE mykey 10 NX -> :1',
    'TTL mykey -> :10',
    'EXPIRE mykey 20 NX -> :0',
    'EXPIRE mykey 5 GT -> :0',
    'EXPIRE mykey 50 GT -> :1',
    'EXPIRE mykey 100 LT -> :0',
    'EXPIRE mykey 20 LT -> :1',
    'TTL mykey -> :20',
    'EXPIRE mykey 30 XX GT -> :1',
    'PERSIST mykey -> :1',
    'PERSIST mykey -> :0',
    'EXPIRE mykey 10 GT -> :0',
    'EXPIRE mykey 10 LT -> :1',
    'EXPIRE missing 10 -> :0',
    'PERSIST missing -> :0',
    'TTL missing -> :-2',
    'PTTL missing -> :-2',
    'EXPIRE mykey 10 NX XX -> -ERR NX and XX, GT or LT options at the same time are not compatible',
    'EXPIRE mykey 10 NX GT -> -ERR NX and XX, GT or LT options at the same time are not compatible',
    'EXPIRE mykey 10 GT LT -> -ERR GT and LT options at the same time are not compatible',
    'EXPIRE mykey 10 foo -> -ERR Unsupported option foo',
    'EXPIRE mykey 10 GT foo -> -ERR Unsupported option foo',
    'EXPIRE mykey abc -> -ERR value is not an integer or out of range',
    'EXPIRE mykey abc foo -> -ERR Unsupported option foo',
    'EXPIRE mykey 9223372036854775807 -> -ERR invalid expire time in \'expire\' command',
    'EXPIRE mykey 9223372036854770 -> -ERR invalid expire time in \'expire\' command',
    'PEXPIRE mykey 9223372036854775807 -> -ERR invalid expire time in \'pexpire\' command',
    'EXPIREAT mykey 9223372036854775807 -> -ERR invalid expire time in \'expireat\' command',
    'PEXPIREAT mykey 9223372036854775807 -> :1',
    'TTL mykey -> :9223370336854776',
  ],
  'expiry with the clock (expire.tcl: "EXPIRE - It should be still possible to read x" and after)': [
    'SET x foobar -> +OK',
    'EXPIRE x 2 -> :1',
    'time +1000',
    'GET x -> "foobar"',
    'TTL x -> :1',
    'PTTL x -> :1000',
    'time +999',
    'GET x -> "foobar"',
    'time +1',
    'GET x -> (nil)',
    'EXISTS x -> :0',
    'SET x somevalue -> +OK',
    'PEXPIRE x 100 -> :1',
    'PTTL x -> :100',
    'time +49',
    'TTL x -> :0',
    'PTTL x -> :51',
    'time +51',
    'GET x -> (nil)',
  ],
  'EXPIREAT PEXPIREAT EXPIRETIME PEXPIRETIME (docs)': [
    'SET mykey Hello -> +OK',
    'EXPIRETIME mykey -> :-1',
    'EXPIREAT mykey 1700000100 -> :1',
    'EXPIRETIME mykey -> :1700000100',
    'PEXPIRETIME mykey -> :1700000100000',
    'TTL mykey -> :100',
    'PEXPIREAT mykey 1700000000555 -> :1',
    'EXPIRETIME mykey -> :1700000001',
    'PTTL mykey -> :555',
    'EXPIRETIME missing -> :-2',
    'PEXPIRETIME missing -> :-2',
    'EXPIREAT mykey 100 -> :1',
    'EXISTS mykey -> :0',
    'SET k v -> +OK',
    'EXPIRE k -10 -> :1',
    'EXISTS k -> :0',
    'SET k v -> +OK',
    'PEXPIRE k 0 -> :1',
    'GET k -> (nil)',
    'SET k v -> +OK',
    'EXPIRE k 0 NX -> :1',
    'EXISTS k -> :0',
  ],
  'SET, GETSET, MSET, RENAME and TTLs (expire.tcl)': [
    'SET foo bar EX 100 -> +OK',
    'SET foo bar2 -> +OK',
    'TTL foo -> :-1',
    'SETEX foo 100 bar -> +OK',
    'RENAME foo bar -> +OK',
    'TTL bar -> :100',
    'EXISTS foo -> :0',
    'MSET bar x -> +OK',
    'TTL bar -> :-1',
  ],
  'RENAME RENAMENX (docs, keyspace.tcl)': [
    'SET mykey Hello -> +OK',
    'RENAME mykey myotherkey -> +OK',
    'GET myotherkey -> "Hello"',
    'RENAME nokey x -> -ERR no such key',
    'RENAMENX nokey x -> -ERR no such key',
    'RENAME myotherkey myotherkey -> +OK',
    'RENAMENX myotherkey myotherkey -> :0',
    'SET mykey World -> +OK',
    'RENAMENX mykey myotherkey -> :0',
    'GET myotherkey -> "Hello"',
    'RENAME mykey myotherkey -> +OK',
    'GET myotherkey -> "World"',
    'EXISTS mykey -> :0',
    'RENAMENX myotherkey third -> :1',
    'GET third -> "World"',
    'SET old v PX 10 -> +OK',
    'time +10',
    'RENAME old new -> -ERR no such key',
  ],
  'KEYS (docs, keyspace.tcl)': [
    'MSET firstname Jack lastname Stuntman age 35 -> +OK',
    'KEYS *name* -> ["firstname", "lastname"]',
    'KEYS a?? -> ["age"]',
    'KEYS * -> ["firstname", "lastname", "age"]',
    'FLUSHDB -> +OK',
    'MSET foo_a 1 foo_b 1 foo_c 1 key_x 1 key_y 1 key_z 1 -> +OK',
    'KEYS foo* -> ["foo_a", "foo_b", "foo_c"]',
    'KEYS key_[xy] -> ["key_x", "key_y"]',
    'KEYS key_[^x] -> ["key_y", "key_z"]',
    'KEYS *_[a-b] -> ["foo_a", "foo_b"]',
    'KEYS \\* -> []',
    'SET gone v PX 1 -> +OK',
    'time +1',
    'KEYS gone -> []',
    'DBSIZE -> :7',
  ],
  'SCAN options and errors (keyspace/scan.tcl)': [
    'MSET a 1 b 2 c 3 -> +OK',
    'SCAN 0 -> ["0", ["a", "b", "c"]]',
    'SCAN 0 COUNT 2 -> ["3", ["a", "b"]]',
    'SCAN 3 COUNT 2 -> ["0", ["c"]]',
    'SCAN 0 MATCH b -> ["0", ["b"]]',
    'SCAN 0 TYPE string -> ["0", ["a", "b", "c"]]',
    'SCAN 0 TYPE list -> ["0", []]',
    'SCAN 0 TYPE nosuchtype -> ["0", []]',
    'SCAN 0 COUNT 0 -> -ERR syntax error',
    'SCAN 0 COUNT -1 -> -ERR syntax error',
    'SCAN 0 COUNT x -> -ERR value is not an integer or out of range',
    'SCAN 0 MATCH -> -ERR syntax error',
    'SCAN 0 FOO bar -> -ERR syntax error',
    'SCAN x -> -ERR invalid cursor',
    'SCAN 18446744073709551616 -> -ERR invalid cursor',
    'SCAN 18446744073709551615 -> ["0", []]',
    'SCAN +0 -> ["0", ["a", "b", "c"]]',
    'SCAN -1 -> ["0", []]',
  ],
  'RANDOMKEY (keyspace.tcl)': [
    'RANDOMKEY -> (nil)',
    'SET foo x -> +OK',
    'RANDOMKEY -> "foo"',
    'SET bar y PX 5 -> +OK',
    'time +5',
    'RANDOMKEY -> "foo"',
    'RANDOMKEY -> "foo"',
    'DEL foo -> :1',
    'RANDOMKEY -> (nil)',
  ],
};

for (const [name, lines] of Object.entries(sessions)) {
  test(`key commands: ${name}`, () => {
    replay(lines);
  });
}

test('unknown command text: quoting, the trailing space and the 128-byte cuts', () => {
  const long = 'x'.repeat(200);
  const text = unknownCommandText([Buffer.from('nope'), Buffer.from(long), Buffer.from('b')]);
  assert.equal(text, `unknown command 'nope', with args beginning with: '${'x'.repeat(128)}' `);
  const fifty = 'y'.repeat(50);
  const cut = unknownCommandText([Buffer.from('nope'), Buffer.from(fifty), Buffer.from(fifty), Buffer.from(fifty)]);
  // 53 + 53 bytes used (quotes and space included), 22 left for the third argument, then the loop stops.
  assert.equal(cut, `unknown command 'nope', with args beginning with: '${fifty}' '${fifty}' '${'y'.repeat(22)}' `);
  assert.equal(unknownCommandText([Buffer.from('z'.repeat(300))]), `unknown command '${'z'.repeat(128)}', with args beginning with: `);
  assert.equal(unknownCommandText([Buffer.from('a\0b'), Buffer.from('c\0d')]), "unknown command 'a', with args beginning with: 'c' ");
});

test('command table: arity and flags of the string and key commands follow Redis 7', () => {
  const expected: Readonly<Record<string, number>> = {
    ping: -1, echo: 2, select: 2, dbsize: 1, flushdb: -1, flushall: -1, get: 2, set: -3, setnx: 3, setex: 4, psetex: 4,
    getset: 3, getdel: 2, getex: -2, mget: -2, mset: -3, msetnx: -3, incr: 2, decr: 2, incrby: 3, decrby: 3, incrbyfloat: 3,
    append: 3, strlen: 2, getrange: 4, setrange: 4, del: -2, unlink: -2, exists: -2, type: 2, expire: -3, pexpire: -3,
    expireat: -3, pexpireat: -3, ttl: 2, pttl: 2, expiretime: 2, pexpiretime: 2, persist: 2, touch: -2, rename: 3,
    renamenx: 3, keys: 2, scan: -2, randomkey: 1,
  };
  // Every command's arity and flags are checked against Redis's metadata in cache-command-metadata.spec.ts.
  for (const [name, arity] of Object.entries(expected)) assert.equal(cacheCommandTable.get(name)?.arity, arity, name);
  for (const name of ['set', 'del', 'expire', 'incr', 'flushall']) assert.ok(cacheCommandTable.get(name)?.flags.includes('write'), name);
  for (const name of ['get', 'exists', 'ttl', 'keys', 'scan']) assert.ok(cacheCommandTable.get(name)?.flags.includes('readonly'), name);
});

test('SCAN returns every key present for the whole iteration exactly once despite deletes and inserts', () => {
  const context = createTestContext();
  for (let index = 0; index < 500; index++) run(context, 'SET', `key:${index}`, 'v');
  const seen = new Map<string, number>();
  let cursor = '0';
  let round = 0;
  do {
    const reply = run(context, 'SCAN', cursor, 'COUNT', '7');
    assert.equal(reply.type, 'array');
    const [cursorReply, keysReply] = (reply as unknown as { items: { value?: Uint8Array | string; items?: { value: Uint8Array }[] }[] }).items;
    cursor = Buffer.from(cursorReply?.value as Uint8Array | string).toString();
    for (const item of keysReply?.items ?? []) {
      const key = Buffer.from(item.value).toString();
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    // Churn: delete odd keys above 400 and add new ones while iterating.
    run(context, 'DEL', `key:${401 + 2 * round}`);
    run(context, 'SET', `new:${round}`, 'v');
    round++;
  } while (cursor !== '0');
  for (let index = 0; index <= 400; index++) assert.equal(seen.get(`key:${index}`), 1, `key:${index}`);
  for (const count of seen.values()) assert.equal(count, 1);
});

test('SCAN MATCH and TYPE filter after the COUNT window, so a page may be empty with a non-zero cursor', () => {
  const context = createTestContext();
  for (let index = 0; index < 20; index++) run(context, 'SET', `other:${index}`, 'v');
  run(context, 'SET', 'wanted', 'v');
  assert.equal(renderReply(run(context, 'SCAN', '0', 'MATCH', 'want*', 'COUNT', '5')), '["6", []]');
  assert.equal(renderReply(run(context, 'SCAN', '0', 'MATCH', 'want*', 'COUNT', '100')), '["0", ["wanted"]]');
});

test('RANDOMKEY uses the injected random source and returns every key eventually', () => {
  const context = createTestContext();
  for (const key of ['a', 'b', 'c', 'd']) run(context, 'SET', key, 'v');
  const seen = new Set<string>();
  for (let index = 0; index < 200; index++) seen.add(renderReply(run(context, 'RANDOMKEY')));
  assert.deepEqual([...seen].sort(), ['"a"', '"b"', '"c"', '"d"']);
});

test('SELECT is per session; databases are independent', () => {
  const context = createTestContext();
  replay(['SET k db0 -> +OK', 'SELECT 15 -> +OK', 'GET k -> (nil)', 'SET k db15 -> +OK', 'RENAME k k2 -> +OK', 'SELECT 0 -> +OK', 'GET k -> "db0"', 'EXISTS k2 -> :0'], context);
  assert.equal(context.session.databaseIndex, 0);
});
