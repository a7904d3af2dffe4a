/**
 * Command metadata: coverage of the command table, lookups, key positions (COMMAND GETKEYS results of
 * redis-server 7.0.15), and the COMMAND INFO / COMMAND DOCS replies byte for byte against the bytes
 * redis-server 7.0.15 sent, in RESP2 and RESP3.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  aclCategoriesOf,
  cacheAclCategories,
  cacheCommandMetadataList,
  commandDocsReply,
  commandHasKeys,
  commandInfoReply,
  commandKeyIndexes,
  commandListNames,
  commandMetadata,
  commandMetadataForArgs,
  type CacheCommandMetadata,
} from './cache-command-metadata.js';
import { cacheCommandTable } from './cache-commands.js';
import { encodeReply } from './resp-encoder.js';
import { type RespValue } from './resp-value.js';

function metadataOf(name: string): CacheCommandMetadata {
  const metadata = commandMetadata(name);
  assert.ok(metadata !== undefined, name);
  return metadata;
}

/** Implemented arities that differ from Redis 7.0 on purpose (COMMAND INFO reports the implemented one). */
const arityDeviations: Readonly<Record<string, number>> = {
  // ZRANK/ZREVRANK accept Redis 7.2's WITHSCORE.
  zrank: -3,
  zrevrank: -3,
};

test('every command in the command table has metadata with the same arity and compatible flags', () => {
  const missing = [...cacheCommandTable.keys()].filter((name) => commandMetadata(name) === undefined);
  assert.deepEqual(missing, [], 'commands without metadata (add them to tools/scripts/generate-cache-command-metadata.mjs)');
  for (const [name, spec] of cacheCommandTable) {
    const metadata = metadataOf(name);
    assert.equal(spec.arity, arityDeviations[name] ?? metadata.arity, `${name} arity`);
    for (const flag of ['write', 'readonly', 'denyoom', 'fast'] as const) {
      assert.equal(spec.flags.includes(flag), metadata.flags.includes(flag), `${name} flag ${flag}`);
    }
  }
});

test('lookups: case-insensitive, subcommands by full name, containers resolve their subcommand', () => {
  assert.equal(metadataOf('GeT').name, 'get');
  assert.equal(commandMetadata('nosuch'), undefined);
  assert.equal(metadataOf('CONFIG|GET').name, 'config|get');
  const client = metadataOf('client');
  assert.ok(client.subcommands.some((subcommand) => subcommand.name === 'client|kill'));
  assert.equal(commandMetadataForArgs([Buffer.from('OBJECT'), Buffer.from('Encoding'), Buffer.from('k')])?.name, 'object|encoding');
  assert.equal(commandMetadataForArgs([Buffer.from('object'), Buffer.from('nosuch')]), undefined);
  assert.equal(commandMetadataForArgs([Buffer.from('object')])?.name, 'object');
  assert.equal(commandMetadataForArgs([Buffer.from('get'), Buffer.from('k')])?.name, 'get');
  const getset = metadataOf('getset');
  assert.deepEqual([getset.group, getset.since, getset.deprecatedSince, getset.replacedBy], ['string', '1.0.0', '6.2.0', '`SET` with the `!GET` argument']);
  assert.equal(metadataOf('bitcount').complexity, 'O(N)');
  assert.ok(cacheCommandMetadataList.every((metadata) => !metadata.name.includes('|')));
  assert.ok(cacheCommandMetadataList.length >= 180);
});

test('ACL categories in Redis order; every command is in @read, @write or is neither by Redis', () => {
  assert.deepEqual(cacheAclCategories.join(' '), 'keyspace read write set sortedset list hash string bitmap hyperloglog geo stream pubsub admin fast slow blocking dangerous connection transaction scripting');
  assert.deepEqual(aclCategoriesOf('SETBIT'), ['write', 'bitmap', 'slow']);
  assert.deepEqual(aclCategoriesOf('blpop'), ['write', 'list', 'slow', 'blocking']);
  assert.deepEqual(aclCategoriesOf('client|kill'), ['admin', 'slow', 'dangerous', 'connection']);
  assert.deepEqual(aclCategoriesOf('nosuch'), []);
  for (const metadata of cacheCommandMetadataList) {
    assert.ok(metadata.aclCategories.includes('fast') !== metadata.aclCategories.includes('slow') || metadata.subcommands.length > 0, metadata.name);
  }
});

/** COMMAND GETKEYS replies of redis-server 7.0.15 (as key names; [] where Redis finds none). */
const getKeysCases: readonly (readonly [string, readonly string[]])[] = [
  ['get k', ['k']],
  ['mset a 1 b 2', ['a', 'b']],
  ['mget a b c', ['a', 'b', 'c']],
  ['zunionstore d 2 a b', ['d', 'a', 'b']],
  ['zunionstore d 2 a b WEIGHTS 1 2', ['d', 'a', 'b']],
  ['zunionstore d 3 a b', []],
  ['zunionstore d x a b', []],
  ['zunionstore d 0 a', []],
  ['zunionstore d -1 a', []],
  ['lmpop 2 a b LEFT', ['a', 'b']],
  ['blmpop 0 2 a b LEFT', ['a', 'b']],
  ['zmpop 1 a MIN', ['a']],
  ['bzmpop 1 1 a MIN', ['a']],
  ['sintercard 2 a b LIMIT 1', ['a', 'b']],
  ['eval s 2 a b c', ['a', 'b']],
  ['eval s 0', []],
  ['evalsha x 1 a', ['a']],
  ['fcall f 1 a b', ['a']],
  ['eval_ro s 3 a b', []],
  ['zinter 2 a b', ['a', 'b']],
  ['zdiffstore d 2 a b', ['d', 'a', 'b']],
  ['zintercard 1 a', ['a']],
  ['zrangestore d s 0 1', ['d', 's']],
  ['sort k', ['k']],
  ['sort k STORE d', ['k', 'd']],
  ['sort k BY store LIMIT 0 1 GET x STORE d store e', ['k', 'e']],
  ['sort k store store x', ['k', 'x']],
  ['sort_ro k', ['k']],
  ['object encoding k', ['k']],
  ['blpop a b 0', ['a', 'b']],
  ['brpoplpush a b 0', ['a', 'b']],
  ['lmove a b left right', ['a', 'b']],
  ['rename a b', ['a', 'b']],
  ['copy a b', ['a', 'b']],
  ['move a 1', ['a']],
  ['del a b c', ['a', 'b', 'c']],
  ['watch a b', ['a', 'b']],
  ['bitop and d a b', ['d', 'a', 'b']],
  ['bitfield k get u8 0', ['k']],
  ['set k v get', ['k']],
  ['hset h f v', ['h']],
  ['smove a b m', ['a', 'b']],
  ['sdiffstore d a b', ['d', 'a', 'b']],
  ['bzpopmin a b 0', ['a', 'b']],
  ['debug object k', []],
  ['lcs a b', ['a', 'b']],
  ['restore k 0 x', ['k']],
  ['dump k', ['k']],
  ['ping', []],
  ['nosuch a', []],
];

test('commandKeyIndexes finds the keys COMMAND GETKEYS finds', () => {
  for (const [line, expected] of getKeysCases) {
    const args = line.split(' ').map((word) => Buffer.from(word));
    const keys = commandKeyIndexes(line.split(' ')[0] as string, args).map((index) => (args[index] as Buffer).toString());
    assert.deepEqual(keys, expected, line);
  }
  assert.equal(commandHasKeys(metadataOf('ping')), false);
  assert.equal(commandHasKeys(metadataOf('debug')), false);
  assert.equal(commandHasKeys(metadataOf('eval')), true);
  assert.ok(metadataOf('eval').flags.includes('no_mandatory_keys'));
});

function wrapped(value: RespValue): RespValue {
  return { type: 'array', items: [value] };
}

/** `COMMAND INFO get` / `COMMAND INFO zunionstore` as redis-server 7.0.15 sent them. */
const infoBytes = {
  get: {
    2: '*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n',
    3: '*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n',
  },
  zunionstore: {
    2: '*1\r\n*10\r\n$11\r\nzunionstore\r\n:-4\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n',
    3: '*1\r\n*10\r\n$11\r\nzunionstore\r\n:-4\r\n~3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n~0\r\n~2\r\n%3\r\n$5\r\nflags\r\n~2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n%3\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n~0\r\n',
  },
} as const;

test('commandInfoReply is byte for byte what Redis 7.0 sends (RESP2 and RESP3)', () => {
  for (const [name, byProtocol] of Object.entries(infoBytes)) {
    const metadata = metadataOf(name);
    const reply = wrapped(commandInfoReply({ name, arity: metadata.arity }, metadata));
    assert.equal(encodeReply(reply, 2).toString('latin1'), byProtocol[2], `${name} RESP2`);
    assert.equal(encodeReply(reply, 3).toString('latin1'), byProtocol[3], `${name} RESP3`);
  }
});

test('commandInfoReply: containers list their subcommands as full entries; unknown key specs', () => {
  const object = metadataOf('object');
  const reply = commandInfoReply(object, object);
  assert.equal(reply.type, 'array');
  const items = reply.type === 'array' ? reply.items : [];
  assert.deepEqual(items.slice(0, 6), [
    { type: 'bulk-string', value: 'object' },
    { type: 'integer', value: -2 },
    { type: 'set', items: [] },
    { type: 'integer', value: 0 },
    { type: 'integer', value: 0 },
    { type: 'integer', value: 0 },
  ]);
  const subcommands = items[9];
  assert.ok(subcommands?.type === 'set');
  const names = subcommands.items.map((entry) => (entry.type === 'array' ? entry.items[0] : undefined));
  assert.deepEqual(
    names.map((name) => (name?.type === 'bulk-string' ? name.value : '')).sort(),
    ['object|encoding', 'object|freq', 'object|help', 'object|idletime', 'object|refcount'],
  );
  const sort = metadataOf('sort');
  assert.deepEqual(
    sort.keySpecs.map((spec) => [spec.flags.join(','), spec.beginSearch.type, spec.findKeys.type]),
    [['RO,access', 'index', 'range'], ['RO,access', 'unknown', 'unknown'], ['OW,update', 'unknown', 'unknown']],
  );
  assert.match(encodeReply(commandInfoReply(sort, sort), 3).toString(), /\$7\r\nunknown\r\n\$4\r\nspec\r\n%0\r\n/);
});

test('commandDocsReply is what Redis 7.0 sends for a command without arguments (RESP2 and RESP3)', () => {
  const reply: RespValue = { type: 'map', entries: [[{ type: 'bulk-string', value: 'multi' }, commandDocsReply(metadataOf('multi'))]] };
  assert.equal(
    encodeReply(reply, 2).toString(),
    '*2\r\n$5\r\nmulti\r\n*8\r\n$7\r\nsummary\r\n$37\r\nMark the start of a transaction block\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$12\r\ntransactions\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n',
  );
  assert.equal(
    encodeReply(reply, 3).toString(),
    '%1\r\n$5\r\nmulti\r\n%4\r\n$7\r\nsummary\r\n$37\r\nMark the start of a transaction block\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$12\r\ntransactions\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n',
  );
});

function docsKeys(value: RespValue): string[] {
  assert.ok(value.type === 'map');
  return value.entries.map(([key]) => (key.type === 'bulk-string' ? String(key.value) : '?'));
}

test('commandDocsReply: deprecation and syscmd doc flags, subcommands by full name', () => {
  assert.deepEqual(docsKeys(commandDocsReply(metadataOf('getset'))), ['summary', 'since', 'group', 'complexity', 'doc_flags', 'deprecated_since', 'replaced_by']);
  assert.deepEqual(docsKeys(commandDocsReply(metadataOf('debug'))), ['summary', 'since', 'group', 'complexity', 'doc_flags']);
  const config = commandDocsReply(metadataOf('config'));
  assert.ok(config.type === 'map');
  const subcommands = config.entries.find(([key]) => key.type === 'bulk-string' && key.value === 'subcommands')?.[1];
  assert.ok(subcommands !== undefined);
  assert.ok(docsKeys(subcommands).includes('config|get'));
});

test('commandListNames: subcommands after their container; ACLCAT, PATTERN and MODULE filters', () => {
  const implemented = ['multi', 'exec', 'discard', 'watch', 'unwatch', 'object', 'get', 'nosuch'];
  assert.deepEqual(commandListNames(implemented).slice(5, 8), ['object', 'object|encoding', 'object|freq']);
  assert.deepEqual(commandListNames(implemented, { type: 'aclcat', category: 'TRANSACTION' }), ['multi', 'exec', 'discard', 'watch', 'unwatch']);
  assert.deepEqual(commandListNames(implemented, { type: 'aclcat', category: 'nosuch' }), []);
  assert.deepEqual(commandListNames(implemented, { type: 'pattern', pattern: 'OBJECT|*' }).sort(), ['object|encoding', 'object|freq', 'object|help', 'object|idletime', 'object|refcount']);
  assert.deepEqual(commandListNames(implemented, { type: 'module', module: 'x' }), []);
});
