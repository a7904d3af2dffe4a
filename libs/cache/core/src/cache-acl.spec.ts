/**
 * ACL users: rule parsing and its errors, ACL LIST lines, the GETUSER shape, permission checks
 * (commands, categories, subcommands, first args, keys with read/write, channels, selectors),
 * authentication, requirepass, DRYRUN and the serialization round trip. Expected texts and lines
 * were taken from redis-server 7.0.15; several cases follow tests/unit/acl.tcl. Where Redis prints
 * single-command rules in its (seeded, random) dict order, the comparison ignores that order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aclCheckCommand, aclSha256Hex, CacheAclStore, noPermissionText, type CacheAclDenial } from './cache-acl.js';
import { CacheCommandError, isCacheCommandError } from './cache-command-errors.js';
import type { RespValue } from './resp-value.js';

function args(line: string): Buffer[] {
  return line.split(' ').map((word) => Buffer.from(word, 'latin1'));
}

/** A RESP value as plain JS: bulk strings become strings, maps become arrays of pairs. */
function plain(value: RespValue): unknown {
  switch (value.type) {
    case 'bulk-string':
      return typeof value.value === 'string' ? value.value : Buffer.from(value.value).toString('latin1');
    case 'simple-string':
      return value.value;
    case 'null-bulk':
      return null;
    case 'array':
    case 'set':
      return value.items.map(plain);
    case 'map':
      return value.entries.map(([key, entry]) => [plain(key), plain(entry)]);
    default:
      return value;
  }
}

function errorText(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(isCacheCommandError(error), String(error));
    return `${error.prefix} ${error.message}`;
  }
  assert.fail('expected an error');
}

function store(users: Record<string, readonly string[]>): CacheAclStore {
  const acl = new CacheAclStore();
  for (const [name, rules] of Object.entries(users)) acl.setUser(name, rules);
  return acl;
}

function line(acl: CacheAclStore, name: string): string {
  const found = acl.listLines().find((candidate) => candidate.startsWith(`user ${name} `));
  assert.ok(found !== undefined, name);
  return found;
}

function check(acl: CacheAclStore, user: string, command: string): CacheAclDenial | null {
  const found = acl.user(user);
  assert.ok(found !== undefined);
  return aclCheckCommand(found, args(command));
}

function denialText(acl: CacheAclStore, user: string, command: string): string {
  const denial = check(acl, user, command);
  return denial === null ? 'OK' : noPermissionText(denial);
}

test('SHA-256: FIPS 180-4 vectors and Redis password hashes', () => {
  assert.equal(aclSha256Hex(Buffer.from('')), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(aclSha256Hex(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(
    aclSha256Hex(Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')),
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  );
  assert.equal(aclSha256Hex(Buffer.alloc(1_000_000, 'a')), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  // What redis-server 7.0.15 stores for `>p1` and `>p2`.
  assert.equal(aclSha256Hex(Buffer.from('p1')), 'f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a');
  assert.equal(aclSha256Hex(Buffer.from('p2')), '3946ca64ff78d93ca61090a437cbb6b3d2ca0d488f5f9ccf3059608368b27693');
  for (const length of [55, 56, 63, 64, 65]) assert.equal(aclSha256Hex(Buffer.alloc(length)).length, 64);
});

test('the default user, ACL LIST, USERS and GETUSER', () => {
  const acl = new CacheAclStore();
  assert.deepEqual(acl.listLines(), ['user default on nopass ~* &* +@all']);
  assert.deepEqual(plain(acl.usersReply()), ['default']);
  assert.deepEqual(plain(acl.getUserReply('default')), [
    ['flags', ['on', 'nopass']],
    ['passwords', []],
    ['commands', '+@all'],
    ['keys', '~*'],
    ['channels', '&*'],
    ['selectors', []],
  ]);
  assert.equal(acl.getUserReply('nosuch').type, 'null-bulk');
  assert.equal(acl.newConnectionAuthenticated(), true);
});

test('ACL LIST lines as redis-server 7.0.15 prints them', () => {
  const acl = store({
    foo: [],
    bar: ['on', '>p1', '>p2', '~a*', '%R~b*', '%W~c*', '%RW~d*', '&ch*', '+get', '+@hash', '-hget', '+client|id', '+select|0', '-@all', '+set', '+get'],
    baz: ['allkeys', 'allchannels', 'allcommands'],
    t2: ['reset', '+get', '+set', '-get', '+get', '+@hash', '+@string', '-@hash'],
    t4: ['reset', '+@read', '+@write', '-@read'],
    p1: ['%R', '%W~', '~', '%R~k1', '%W~k1', '%R~k2', '~k2', '%W~k3'],
    s1: ['on', 'nopass', '~a*', '&c', '+get', '(+set ~b* &d)', '(-@all', '+@read', '%R~x*)'],
    g: ['reset', '-@all', '+@geo'],
    x: ['+pfadd', '+xinfo|stream', '-@all', '+select|0', '+select|1', '+debug|object'],
    y: ['+@all', '-@string', '+incr', '-debug', '+debug|digest'],
    z: ['allcommands', '-client', '+client|list', 'on', 'skip-sanitize-payload'],
  });
  assert.deepEqual(acl.userNames(), ['bar', 'baz', 'default', 'foo', 'g', 'p1', 's1', 't2', 't4', 'x', 'y', 'z']);
  assert.equal(line(acl, 'foo'), 'user foo off resetchannels -@all');
  assert.equal(
    line(acl, 'bar'),
    'user bar on #f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a #3946ca64ff78d93ca61090a437cbb6b3d2ca0d488f5f9ccf3059608368b27693 ~a* %R~b* %W~c* ~d* resetchannels &ch* -@all +get +set', // Redis printed +set +get (dict order)
  );
  assert.equal(line(acl, 'baz'), 'user baz off ~* &* +@all');
  assert.equal(line(acl, 't2'), 'user t2 off sanitize-payload resetchannels -@all +@string');
  assert.equal(line(acl, 't4'), 'user t4 off sanitize-payload resetchannels -@all +@write');
  assert.equal(line(acl, 'p1'), 'user p1 off ~ ~k1 ~k2 %W~k3 resetchannels -@all');
  assert.equal(line(acl, 's1'), 'user s1 on nopass ~a* resetchannels &c -@all +get (~b* resetchannels &d -@all +set) (%R~x* resetchannels -@all +@read)');
  assert.equal(line(acl, 'g'), 'user g off sanitize-payload resetchannels -@all +@geo');
  assert.equal(line(acl, 'x'), 'user x off resetchannels -@all +select|0 +select|1 +debug|object');
  assert.equal(line(acl, 'y'), 'user y off resetchannels +@all -@string +incr -debug +debug|digest');
  assert.equal(line(acl, 'z'), 'user z on skip-sanitize-payload resetchannels +@all -client +client|list');
});

test('ACL LIST: the greedy category fit, single commands in any order', () => {
  const sorted = (text: string): string => text.split(' ').sort().join(' ');
  const cases: readonly [rules: readonly string[], redis: string][] = [
    [['-@all', '+@hash', '-hget', '+get'], 'user u off resetchannels -@all +@hash -hget +get'],
    [
      ['+@all', '-@dangerous', '+flushall', '+config|get', '-config', '+client|id', '+select|0'],
      'user u off resetchannels +@all -@admin -config -sort -restore -restore-asking -info -migrate -sort_ro -swapdb -keys -flushdb',
    ],
    [
      ['+@all', '-@read', '+@fast'],
      'user u off resetchannels +@all -@geo -@read +zrank +geoadd +exists +bitfield_ro +georadius +hget +lolwut +smismember +zcard +pttl +geosearchstore +scard +zrevrank +hexists +strlen +mget +zscore +touch +zmscore +hstrlen +llen +sismember +pexpiretime +type +hlen +dbsize +get +zcount +getbit +ttl +hmget +zlexcount +expiretime +georadiusbymember +xlen',
    ],
  ];
  for (const [rules, redis] of cases) {
    const acl = store({ u: rules });
    const mine = line(acl, 'u');
    assert.equal(sorted(mine), sorted(redis), rules.join(' '));
    // The fixed part (up to the single commands) comes first, in Redis's order.
    const fixed = redis.split(' ').filter((word) => word.includes('@') || !/^[+-]/u.test(word));
    assert.deepEqual(mine.split(' ').slice(0, fixed.length), fixed);
  }
});

test('acl.tcl: ACL GETUSER provides reasonable results (every category, both ways)', () => {
  const acl = new CacheAclStore();
  for (const category of ['keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting']) {
    const commands = (name: string): unknown => (plain(acl.getUserReply(name)) as [string, unknown][]).find(([key]) => key === 'commands')?.[1];
    acl.setUser('additive', ['reset', '+@all', `-@${category}`]);
    assert.equal(commands('additive'), `+@all -@${category}`);
    acl.setUser('restrictive', ['reset', '-@all', `+@${category}`]);
    assert.equal(commands('restrictive'), `-@all +@${category}`);
  }
});

test('GETUSER: passwords, key and channel patterns, selectors', () => {
  const acl = store({ s1: ['on', 'nopass', '~a*', '&c', '+get', '(+set ~b* &d)', '(-@all +@read %R~x*)'], p: ['>p1', '%R~k1', '%W~k2'] });
  assert.deepEqual(plain(acl.getUserReply('s1')), [
    ['flags', ['on', 'nopass']],
    ['passwords', []],
    ['commands', '-@all +get'],
    ['keys', '~a*'],
    ['channels', '&c'],
    [
      'selectors',
      [
        [['commands', '-@all +set'], ['keys', '~b*'], ['channels', '&d']],
        [['commands', '-@all +@read'], ['keys', '%R~x*'], ['channels', '']],
      ],
    ],
  ]);
  const reply = acl.getUserReply('s1');
  assert.equal(reply.type, 'map');
  assert.equal(reply.type === 'map' ? reply.entries[0]?.[1].type : null, 'set');
  assert.deepEqual(plain(acl.getUserReply('p')), [
    ['flags', ['off']],
    ['passwords', ['f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a']],
    ['commands', '-@all'],
    ['keys', '%R~k1 %W~k2'],
    ['channels', ''],
    ['selectors', []],
  ]);
});

test('SETUSER errors (texts of redis-server 7.0.15) leave the user unchanged', () => {
  const acl = new CacheAclStore();
  const cases: readonly [rule: string, text: string][] = [
    ['foo', 'Syntax error'],
    ['+nosuch', 'Unknown command or category name in ACL'],
    ['-nosuch', 'Unknown command or category name in ACL'],
    ['+@nosuch', 'Unknown command or category name in ACL'],
    ['+', 'Unknown command or category name in ACL'],
    ['+@', 'Unknown command or category name in ACL'],
    ['+get|', 'Syntax error'],
    ['+select|', 'Syntax error'],
    ['+client|nosuch', 'Unknown command or category name in ACL'],
    ['+config|get|x', 'Allowing first-arg of a subcommand is not supported'],
    ['-select|0', 'Unknown command or category name in ACL'],
    ['+get|key1|key2', 'Unknown command or category name in ACL'],
    ['-get|key1|key2', 'Unknown command or category name in ACL'],
    ['#abc', 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters'],
    ['!abc', 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters'],
    [`#${'A'.repeat(64)}`, 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters'],
    ['<nope', 'The password you are trying to remove from the user does not exist'],
    ['%~x', 'Syntax error'],
    ['%', 'Syntax error'],
    ['%X~x', 'Syntax error'],
    ['%RR~x', 'Syntax error'],
    ['%RWR~x', 'Syntax error'],
    ['~a b', 'Syntax error'],
    ['&a b', 'Syntax error'],
    ['~a\0b', 'Syntax error'],
    ['(foo)', 'Syntax error'],
  ];
  for (const [rule, text] of cases) {
    assert.equal(errorText(() => acl.setUser('e1', ['on', rule])), `ERR Error in ACL SETUSER modifier '${rule}': ${text}`, rule);
  }
  assert.equal(acl.user('e1'), undefined, 'all or nothing: the user was never created');
  for (const rule of ['-client|id', '%R', '%wr~x', 'ON', 'ResetKeys', '+GET', '+@HASH', '(+get)', '( +get ~x )', 'clearselectors', '', '~*']) {
    acl.setUser('e1', [rule]);
  }
  assert.equal(
    errorText(() => acl.setUser('e1', ['~x'])),
    "ERR Error in ACL SETUSER modifier '~x': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  );
  acl.setUser('e2', ['&*']);
  assert.equal(
    errorText(() => acl.setUser('e2', ['&x'])),
    "ERR Error in ACL SETUSER modifier '&x': Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  );
  assert.equal(errorText(() => acl.setUser('a b', [])), "ERR Usernames can't contain spaces or null characters");
  assert.equal(errorText(() => acl.setUser('e2', ['('])), "ERR Unmatched parenthesis in acl selector starting at '('.");
  assert.equal(errorText(() => acl.setUser('e2', ['on', '(+get', '~x'])), "ERR Unmatched parenthesis in acl selector starting at '(+get'.");
  // A failed SETUSER changes nothing, even the rules before the bad one.
  acl.setUser('e3', ['on', '+get']);
  assert.throws(() => acl.setUser('e3', ['off', '-get', '+nosuch']), CacheCommandError);
  assert.equal(line(acl, 'e3'), 'user e3 on resetchannels -@all +get');
  // A selector spread over several arguments.
  acl.setUser('e4', ['(+get', '~x)']);
  assert.equal(line(acl, 'e4'), 'user e4 off resetchannels -@all (~x resetchannels -@all +get)');
});

test('passwords: add, remove, hashes, nopass, resetpass (acl.tcl)', () => {
  const acl = store({ newuser: ['>passwd1'] });
  assert.equal(acl.authenticate('newuser', 'passwd1'), null, 'new users start disabled');
  acl.setUser('newuser', ['on']);
  assert.equal(acl.authenticate('newuser', 'passwd1')?.name, 'newuser', 'enabling the user allows the login');
  acl.setUser('newuser', ['>passwd2']);
  assert.ok(acl.authenticate('newuser', 'passwd1'));
  assert.ok(acl.authenticate('newuser', 'passwd2'));
  assert.equal(acl.authenticate('newuser', 'passwd3'), null, 'only the set of correct passwords work');
  acl.setUser('newuser', ['<passwd1']);
  assert.equal(acl.authenticate('newuser', 'passwd1'), null, 'removed password');
  assert.ok(acl.authenticate('newuser', 'passwd2'));
  acl.setUser('newuser', ['nopass']);
  assert.ok(acl.authenticate('newuser', 'anything'), 'nopass takes any password');
  acl.setUser('newuser', ['resetpass']);
  assert.equal(acl.authenticate('newuser', 'anything'), null);
  acl.setUser('newuser', [`#${aclSha256Hex(Buffer.from('hashed'))}`]);
  assert.ok(acl.authenticate('newuser', 'hashed'), 'hash added with #');
  acl.setUser('newuser', [`!${aclSha256Hex(Buffer.from('hashed'))}`]);
  assert.equal(acl.authenticate('newuser', 'hashed'), null, 'hash removed with !');
  acl.setUser('newuser', ['>x', '>x']);
  assert.equal(acl.user('newuser')?.passwords.length, 1, 'no duplicates');
  acl.setUser('newuser', ['off']);
  assert.equal(acl.authenticate('newuser', 'x'), null, 'disabled users fail');
  assert.equal(acl.authenticate('nosuch', 'x'), null);
  // Binary passwords are hashed byte for byte.
  acl.setUser('bin', ['on', Buffer.from([0x3e, 0xff, 0x00, 0x80])]);
  assert.ok(acl.authenticate('bin', Buffer.from([0xff, 0x00, 0x80])));
  assert.equal(acl.authenticate('bin', Buffer.from('\u00ff\u0000\u0080', 'utf8')), null);
});

test('requirepass maps to the default user', () => {
  const acl = new CacheAclStore();
  acl.setRequirePass('secret');
  assert.deepEqual(acl.listLines(), [`user default on #${aclSha256Hex(Buffer.from('secret'))} ~* &* +@all`]);
  assert.equal(acl.newConnectionAuthenticated(), false);
  assert.ok(acl.authenticate('default', 'secret'));
  assert.equal(acl.authenticate('default', 'other'), null);
  acl.setRequirePass('');
  assert.deepEqual(acl.listLines(), ['user default on nopass ~* &* +@all']);
  assert.equal(acl.newConnectionAuthenticated(), true);
  acl.setRequirePass('a');
  acl.setRequirePass(null);
  assert.equal(acl.defaultUser.nopass, true);
});

test('DELUSER', () => {
  const acl = store({ a: [], b: [] });
  assert.equal(errorText(() => acl.deleteUsers(['a', 'default'])), "ERR The 'default' user cannot be removed");
  assert.deepEqual(acl.userNames(), ['a', 'b', 'default'], 'nothing deleted when default is named');
  assert.deepEqual(acl.deleteUsers(['a', 'nosuch', 'a']), ['a']);
  assert.deepEqual(acl.userNames(), ['b', 'default']);
});

test('permission checks: commands, categories, subcommands, first args (acl.tcl)', () => {
  const acl = store({
    none: ['on', 'nopass'],
    noping: ['on', 'nopass', '+@all', '-ping', 'allkeys'],
    sets: ['on', 'nopass', '-@all', '+@set', '+acl', 'allkeys'],
    client: ['on', 'nopass', '-@all', '+client|id', '+client|setname'],
    nokill: ['on', 'nopass', '+@all', '-client|kill'],
    select: ['on', 'nopass', '-@all', '+acl', '+select|0'],
    debug: ['on', 'nopass', '-@all', '+debug|object', 'allkeys'],
    config: ['on', 'nopass', '+config|get'],
  });
  assert.equal(denialText(acl, 'none', 'ping'), "this user has no permissions to run the 'ping' command");
  assert.equal(denialText(acl, 'none', 'auth a b'), 'OK', 'no_auth commands are always allowed');
  assert.equal(denialText(acl, 'none', 'hello'), 'OK');
  assert.equal(denialText(acl, 'noping', 'ping'), "this user has no permissions to run the 'ping' command");
  assert.equal(denialText(acl, 'noping', 'get x'), 'OK');
  assert.equal(denialText(acl, 'sets', 'sadd myset a'), 'OK');
  assert.equal(denialText(acl, 'sets', 'acl whoami'), 'OK', 'a container allows its subcommands');
  assert.equal(denialText(acl, 'sets', 'get x'), "this user has no permissions to run the 'get' command");
  assert.equal(denialText(acl, 'client', 'client id'), 'OK');
  assert.equal(denialText(acl, 'client', 'CLIENT SETNAME x'), 'OK');
  assert.equal(denialText(acl, 'client', 'client kill x'), "this user has no permissions to run the 'client|kill' command");
  assert.equal(denialText(acl, 'nokill', 'client id'), 'OK');
  assert.equal(denialText(acl, 'nokill', 'client kill x'), "this user has no permissions to run the 'client|kill' command");
  assert.equal(denialText(acl, 'select', 'select 0'), 'OK');
  assert.equal(denialText(acl, 'select', 'SELECT 1'), "this user has no permissions to run the 'select' command");
  assert.equal(denialText(acl, 'debug', 'debug object k'), 'OK');
  assert.equal(denialText(acl, 'debug', 'debug digest'), "this user has no permissions to run the 'debug' command");
  assert.equal(denialText(acl, 'config', 'config get x'), 'OK');
  assert.equal(denialText(acl, 'config', 'config set x y'), "this user has no permissions to run the 'config|set' command");
  assert.equal(denialText(acl, 'config', 'config nosuch'), 'OK', 'an unknown subcommand is answered by the command itself');
  // `-@all` then a category, and `-command` after a category.
  acl.setUser('mix', ['on', '-@all', '+@string', '-get', 'allkeys']);
  assert.equal(denialText(acl, 'mix', 'set k v'), 'OK');
  assert.equal(denialText(acl, 'mix', 'get k'), "this user has no permissions to run the 'get' command");
  // Including a type includes also subcommands (acl.tcl uses +@stream and XINFO; here +@admin and CONFIG).
  acl.setUser('admin', ['on', '-@all', '+@admin']);
  assert.equal(denialText(acl, 'admin', 'config set a b'), 'OK');
  assert.equal(denialText(acl, 'admin', 'client kill x'), 'OK');
});

test('permission checks: keys with read and write patterns', () => {
  const acl = store({
    nokeys: ['on', 'nopass', '+set'],
    subset: ['on', 'nopass', '+@all', '~foo:*', '~bar:*'],
    rw: ['on', 'nopass', '+@all', '%R~r*', '%W~w*', '~k*'],
  });
  assert.equal(denialText(acl, 'nokeys', 'set foo bar'), 'this user has no permissions to access one of the keys used as arguments');
  assert.equal(denialText(acl, 'subset', 'set foo:1 a'), 'OK');
  assert.equal(denialText(acl, 'subset', 'mset foo:1 a bar:2 b'), 'OK');
  assert.equal(denialText(acl, 'subset', 'set zap:3 c'), 'this user has no permissions to access one of the keys used as arguments');
  assert.deepEqual(check(acl, 'subset', 'mget foo:1 x bar:1 y'), { reason: 'key', commandName: 'mget', argIndex: 2 });
  // Outcomes of ACL DRYRUN on redis-server 7.0.15.
  const cases: readonly [command: string, allowed: boolean][] = [
    ['get r1', true],
    ['get w1', false],
    ['get k1', true],
    ['set w1 v', true],
    ['set w1 v get', false],
    ['set r1 v', false],
    ['copy r1 w1', true],
    ['copy w1 r1', false],
    ['lmove r1 w1 left right', false],
    ['rename r1 w1', false],
    ['rename k1 k2', true],
    ['del r1', false],
    ['exists w1', true],
    ['eval x 2 r1 w1', false],
    ['zunionstore w1 2 r1 r2', true],
    ['zunionstore w1 2 r1 x', false],
    ['sort_ro r1', true],
    ['sort r1 store w1', true],
    ['sort r1 store r2', false],
    ['bitfield r1 get u8 0', true],
    ['bitfield r1 set u8 0 1', false],
    ['bitfield w1 set u8 0 1', false],
    ['object encoding r1', true],
    ['mset w1 a k1 b', true],
  ];
  for (const [command, allowed] of cases) assert.equal(check(acl, 'rw', command) === null, allowed, command);
});

test('permission checks: channels (PUBLISH, SUBSCRIBE, literal PSUBSCRIBE)', () => {
  const acl = store({
    none: ['on', 'nopass', '+@all', 'resetchannels'],
    some: ['on', 'nopass', '+@all', 'resetchannels', '&foo:1', '&bar:*'],
    all: ['on', 'nopass', '+@all', 'allchannels'],
  });
  const channelText = 'this user has no permissions to access one of the channels used as arguments';
  assert.equal(denialText(acl, 'none', 'publish x y'), channelText);
  assert.equal(denialText(acl, 'none', 'subscribe x'), channelText);
  assert.equal(denialText(acl, 'none', 'psubscribe x'), channelText);
  assert.equal(denialText(acl, 'none', 'unsubscribe x'), 'OK');
  assert.equal(denialText(acl, 'all', 'psubscribe *'), 'OK');
  assert.equal(denialText(acl, 'some', 'publish foo:1 m'), 'OK');
  assert.equal(denialText(acl, 'some', 'publish bar:2 m'), 'OK');
  assert.equal(denialText(acl, 'some', 'publish zap:3 m'), channelText);
  assert.equal(denialText(acl, 'some', 'subscribe foo:1 bar:2'), 'OK');
  assert.deepEqual(check(acl, 'some', 'subscribe foo:1 zap:3 bar:2'), { reason: 'channel', commandName: 'subscribe', argIndex: 2 });
  assert.equal(denialText(acl, 'some', 'psubscribe bar:*'), 'OK', 'a pattern must equal an allowed pattern');
  assert.equal(denialText(acl, 'some', 'psubscribe bar:2'), channelText);
  assert.equal(denialText(acl, 'some', 'psubscribe foo:*'), channelText);
});

test('selectors: any selector may allow; the channel beats the key beats the command', () => {
  const acl = store({ d2: ['on', 'nopass', '-@all', '+get', '~a*', '(+set ~b*)', '(+get %R~c*)', '(&x* +publish)'] });
  const cases: readonly [command: string, result: string][] = [
    ['get a1', 'OK'],
    ['get b1', "This user has no permissions to access the 'b1' key"],
    ['set b1 x', 'OK'],
    ['get c1', 'OK'],
    ['set c1 x', "This user has no permissions to access the 'c1' key"],
    ['publish x1 y', 'OK'],
    ['publish y y', "This user has no permissions to access the 'y' channel"],
    ['ping', "This user has no permissions to run the 'ping' command"],
  ];
  for (const [command, result] of cases) {
    const reply = acl.dryRun('d2', args(command));
    assert.equal(reply.type === 'simple-string' ? reply.value : plain(reply), result, command);
  }
});

test('ACL DRYRUN errors', () => {
  const acl = store({ u: ['on', 'nopass', '+get', '~k*'] });
  assert.equal(errorText(() => acl.dryRun('nosuch', args('get x'))), "ERR User 'nosuch' not found");
  assert.equal(errorText(() => acl.dryRun('u', args('nosuch'))), "ERR Command 'nosuch' not found");
  assert.equal(errorText(() => acl.dryRun('u', args('config nosuch'))), "ERR Command 'config' not found");
  assert.equal(errorText(() => acl.dryRun('u', args('get'))), "ERR wrong number of arguments for 'get' command");
  assert.equal(errorText(() => acl.dryRun('u', args('config'))), "ERR wrong number of arguments for 'config' command");
  assert.equal(plain(acl.dryRun('u', args('GET x'))), "This user has no permissions to access the 'x' key");
  assert.equal(plain(acl.dryRun('u', args('get k1'))), 'OK');
});

test('serialization round trip (users, flags, passwords, first args, selectors)', () => {
  const acl = store({
    a: ['on', '>p1', '#' + aclSha256Hex(Buffer.from('p2')), '~a*', '%R~b*', '%W~c*', '&ch*', '-@all', '+@hash', '-hget', '+get', '+select|0'],
    b: ['reset', 'skip-sanitize-payload', '+@all', '-@dangerous', '+client|id', 'allkeys', 'allchannels'],
    c: ['nopass', '(+set ~b* &d)', '(-@all +@read %R~x*)', '~"q"'],
    d: ['-@all', '+select|a b'],
  });
  acl.setRequirePass('secret');
  const data = JSON.parse(JSON.stringify(acl.toJSON())) as ReturnType<CacheAclStore['toJSON']>;
  const restored = CacheAclStore.fromJSON(data);
  assert.deepEqual(restored.listLines(), acl.listLines());
  assert.deepEqual(restored.toJSON(), acl.toJSON());
  for (const name of acl.userNames()) {
    const before = acl.user(name);
    const after = restored.user(name);
    assert.ok(before !== undefined && after !== undefined);
    assert.deepEqual([...after.root.allowedCommands].sort(), [...before.root.allowedCommands].sort(), name);
    assert.deepEqual(after.root.firstArgs, before.root.firstArgs, name);
    assert.equal(after.root.futureCommands, before.root.futureCommands, name);
  }
  assert.ok(restored.authenticate('default', 'secret'));
  assert.equal(restored.user('d') === undefined ? null : aclCheckCommand(restored.user('d')!, [Buffer.from('select'), Buffer.from('a b')]), null);
  // Without `default` in the data, the default user is Redis's initial one.
  assert.deepEqual(CacheAclStore.fromJSON({ users: [] }).listLines(), ['user default on nopass ~* &* +@all']);
});
