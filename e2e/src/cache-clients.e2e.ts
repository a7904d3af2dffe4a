/**
 * Goal: the cache speaks Redis well enough for the two common Node.js clients, ioredis and
 * node-redis (v5), used as applications use them: strings, keys, lists with blocking pops, hashes,
 * sets, sorted sets, pub/sub (RESP2 and RESP3 pushes), transactions with WATCH, HELLO, CLIENT,
 * INFO, CONFIG and AUTH. Method: `objectbox start cache` as a real process; real client libraries
 * over TCP; expectations are Redis 7's documented replies.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, type TestContext, test as nodeTest } from 'node:test';
import { Redis, type RedisOptions } from 'ioredis';
import { createClient } from 'redis';
import { type CacheUnderTest, closeRawConnections, parseInfo, RawConnection, startCache, uniquePrefix } from './cache-e2e-support.js';
import { cleanUp, waitFor } from './harness.js';

const password = 'e2e-secret';
let cache: CacheUnderTest;
let securedCache: CacheUnderTest;

before(async () => {
  [cache, securedCache] = await Promise.all([startCache(), startCache({ requirepass: password })]);
});

after(async () => {
  closeRawConnections();
  const results = await Promise.all([cache?.process.stop('SIGTERM'), securedCache?.process.stop('SIGTERM')]);
  await cleanUp();
  for (const result of results) if (result !== undefined) assert.deepEqual(result, { code: 0, signal: null }, 'the cache stops cleanly on SIGTERM');
});

/** Every test has a deadline so that a lost reply fails it instead of hanging the file. */
function test(name: string, body: (context: TestContext) => Promise<void>): void {
  nodeTest(name, { timeout: 30_000 }, async (context) => {
    try {
      await body(context);
    } finally {
      for (const close of closers) close();
      closers.clear();
      closeRawConnections();
    }
  });
}

/** Every client a test opens; closed when the test ends, so a failing test leaves nothing open. */
const closers = new Set<() => void>();

async function ioredis(port = cache.port, options: RedisOptions = {}): Promise<Redis> {
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true, ...options });
  client.on('error', () => undefined);
  closers.add(() => client.disconnect());
  await client.connect();
  return client;
}

type NodeRedisOptions = Parameters<typeof createClient>[0];

async function nodeRedis<const O extends NodeRedisOptions>(options: O, port = cache.port) {
  const client = createClient({ ...options, socket: { host: '127.0.0.1', port, reconnectStrategy: false, connectTimeout: 10_000 } });
  client.on('error', () => undefined);
  closers.add(() => {
    if (client.isOpen) client.destroy();
  });
  await client.connect();
  return client;
}

/** Collects messages until `count` arrived (or the deadline passes). */
function collector<T>(): { push(item: T): void; wait(count: number, what: string): Promise<T[]> } {
  const items: T[] = [];
  return {
    push: (item) => items.push(item),
    wait: (count, what) => waitFor(what, async () => (items.length >= count ? items.slice(0, count) : undefined), { deadlineMs: 10_000, intervalMs: 10 }),
  };
}

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.match(error.message, pattern);
    return true;
  });
}

describe('ioredis', () => {
  test('strings: SET options, INCR, MGET/MSET, APPEND, GETRANGE, PX expiry and TTL', async () => {
    const client = await ioredis();
    const k = uniquePrefix('io-strings');
    assert.equal(await client.set(`${k}a`, 'hello'), 'OK');
    assert.equal(await client.set(`${k}a`, 'other', 'NX'), null, 'NX on an existing key does nothing');
    assert.equal(await client.set(`${k}missing`, 'x', 'XX'), null, 'XX on a missing key does nothing');
    assert.equal(await client.set(`${k}a`, 'world', 'GET'), 'hello', 'GET returns the old value');
    assert.equal(await client.get(`${k}a`), 'world');
    assert.equal(await client.incr(`${k}n`), 1);
    assert.equal(await client.incrby(`${k}n`, 41), 42);
    assert.equal(await client.decr(`${k}n`), 41);
    assert.equal(await client.incrbyfloat(`${k}n`, 0.5), '41.5');
    await rejects(client.incr(`${k}a`), /^ERR value is not an integer or out of range$/);
    assert.equal(await client.mset(`${k}m1`, 'one', `${k}m2`, 'two'), 'OK');
    assert.deepEqual(await client.mget(`${k}m1`, `${k}nope`, `${k}m2`), ['one', null, 'two']);
    assert.equal(await client.append(`${k}m1`, '-more'), 8);
    assert.equal(await client.getrange(`${k}m1`, 0, 2), 'one');
    assert.equal(await client.getrange(`${k}m1`, -4, -1), 'more');
    assert.equal(await client.strlen(`${k}m1`), 8);
    assert.equal(await client.set(`${k}px`, 'soon', 'PX', 300), 'OK');
    const pttl = await client.pttl(`${k}px`);
    assert.ok(pttl > 0 && pttl <= 300, `PTTL ${pttl}`);
    assert.equal(await client.ttl(`${k}px`), 0, 'TTL rounds 300 ms down to 0 s');
    assert.equal(await client.ttl(`${k}a`), -1, 'no expiry');
    assert.equal(await client.ttl(`${k}nope`), -2, 'missing key');
    await waitFor('the PX key to expire', async () => ((await client.get(`${k}px`)) === null ? true : undefined), { deadlineMs: 5_000 });
    assert.equal(await client.exists(`${k}px`), 0);
  });

  test('keys: DEL, EXISTS, TYPE, SCAN with MATCH to completion, RENAME, EXPIRE', async () => {
    const client = await ioredis();
    const k = uniquePrefix('io-keys');
    const names = Array.from({ length: 250 }, (_, index) => `${k}item:${index}`);
    await client.mset(...names.flatMap((name) => [name, 'v']));
    await client.set(`${k}other`, 'v');
    const seen = new Set<string>();
    let cursor = '0';
    let rounds = 0;
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${k}item:*`, 'COUNT', 20);
      for (const key of keys) seen.add(key);
      cursor = next;
      assert.ok(++rounds < 10_000, 'SCAN terminates');
    } while (cursor !== '0');
    assert.deepEqual([...seen].sort(), [...names].sort(), 'SCAN returns every matching key, and only those');
    const streamed = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const stream = client.scanStream({ match: `${k}item:1*`, count: 50 });
      stream.on('data', (keys: string[]) => keys.forEach((key) => streamed.add(key)));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    assert.deepEqual([...streamed].sort(), names.filter((name) => name.startsWith(`${k}item:1`)).sort());
    assert.equal(await client.exists(`${k}item:0`, `${k}item:1`, `${k}nope`, `${k}item:0`), 3, 'EXISTS counts repeats');
    assert.equal(await client.type(`${k}other`), 'string');
    assert.equal(await client.type(`${k}nope`), 'none');
    await client.rpush(`${k}list`, 'x');
    assert.equal(await client.type(`${k}list`), 'list');
    assert.equal(await client.rename(`${k}other`, `${k}renamed`), 'OK');
    assert.equal(await client.get(`${k}renamed`), 'v');
    assert.equal(await client.exists(`${k}other`), 0);
    await rejects(client.rename(`${k}nope`, `${k}x`), /^ERR no such key$/);
    assert.equal(await client.expire(`${k}renamed`, 100), 1);
    const ttl = await client.ttl(`${k}renamed`);
    assert.ok(ttl > 90 && ttl <= 100, `TTL ${ttl}`);
    assert.equal(await client.persist(`${k}renamed`), 1);
    assert.equal(await client.ttl(`${k}renamed`), -1);
    assert.equal(await client.expire(`${k}nope`, 100), 0);
    assert.equal(await client.del(...names, `${k}nope`), names.length);
    assert.equal(await client.exists(...names), 0);
  });

  test('lists: push, pop, range; BLPOP woken by another connection; BLPOP timing out with null', async () => {
    const client = await ioredis();
    const k = uniquePrefix('io-lists');
    assert.equal(await client.rpush(`${k}l`, 'b', 'c'), 2);
    assert.equal(await client.lpush(`${k}l`, 'a'), 3);
    assert.deepEqual(await client.lrange(`${k}l`, 0, -1), ['a', 'b', 'c']);
    assert.equal(await client.llen(`${k}l`), 3);
    assert.equal(await client.lindex(`${k}l`, -1), 'c');
    assert.equal(await client.lpop(`${k}l`), 'a');
    assert.equal(await client.rpop(`${k}l`), 'c');
    assert.deepEqual(await client.lpop(`${k}l`, 5), ['b']);
    assert.equal(await client.exists(`${k}l`), 0, 'an emptied list is deleted');

    const blocked = await ioredis();
    const popped = blocked.blpop(`${k}empty`, `${k}q`, 10);
    await waitFor('the client to block', async () => (/blocked_clients:[1-9]/.test(await client.info('clients')) ? true : undefined), { deadlineMs: 5_000 });
    assert.equal(await client.rpush(`${k}q`, 'job'), 1);
    assert.deepEqual(await popped, [`${k}q`, 'job']);
    assert.equal(await blocked.blpop(`${k}q`, 0.2), null, 'BLPOP times out with a null reply');
    assert.equal(await blocked.ping(), 'PONG', 'the connection is usable after the timeout');
  });

  test('hashes: HSET, HGETALL, HINCRBY', async () => {
    const client = await ioredis();
    const k = uniquePrefix('io-hash');
    assert.equal(await client.hset(`${k}h`, 'name', 'box', 'count', '1'), 2);
    assert.equal(await client.hset(`${k}h`, 'name', 'cache'), 0, 'updating a field adds none');
    assert.deepEqual(await client.hgetall(`${k}h`), { name: 'cache', count: '1' });
    assert.equal(await client.hincrby(`${k}h`, 'count', 9), 10);
    assert.equal(await client.hget(`${k}h`, 'count'), '10');
    assert.deepEqual(await client.hgetall(`${k}nope`), {});
    assert.equal(await client.type(`${k}h`), 'hash');
    await rejects(client.hincrby(`${k}h`, 'name', 1), /^ERR hash value is not an integer$/);
    await client.set(`${k}s`, 'x');
    await rejects(client.hset(`${k}s`, 'f', 'v'), /^WRONGTYPE Operation against a key holding the wrong kind of value$/);
  });

  test('DUMP and RESTORE: binary payloads copy a hash with its TTL; a corrupted payload is refused', async () => {
    const client = await ioredis();
    const k = uniquePrefix('io-dump');
    await client.hset(`${k}h`, 'name', 'box', 'count', '7');
    const payload = await client.dumpBuffer(`${k}h`);
    assert.ok(payload !== null && payload.length > 10);
    assert.equal(await client.restore(`${k}copy`, 5000, payload), 'OK');
    assert.deepEqual(await client.hgetall(`${k}copy`), { name: 'box', count: '7' });
    const ttlMs = await client.pttl(`${k}copy`);
    assert.ok(ttlMs > 0 && ttlMs <= 5000, String(ttlMs));
    await rejects(client.restore(`${k}copy`, 0, payload), /^BUSYKEY Target key name already exists\.$/);
    const corrupted = Buffer.from(payload);
    corrupted[1] = (corrupted[1] as number) ^ 0xff;
    await rejects(client.restore(`${k}bad`, 0, corrupted), /^ERR DUMP payload version or checksum are wrong$/);
    assert.equal(await client.dumpBuffer(`${k}nope`), null);
  });

  test('sets: SADD, SMEMBERS, SINTER', async () => {
    const client = await ioredis();
    const k = uniquePrefix('io-set');
    assert.equal(await client.sadd(`${k}a`, 'x', 'y', 'z', 'x'), 3);
    assert.equal(await client.sadd(`${k}b`, 'y', 'z', 'w'), 3);
    assert.deepEqual((await client.smembers(`${k}a`)).sort(), ['x', 'y', 'z']);
    assert.deepEqual((await client.sinter(`${k}a`, `${k}b`)).sort(), ['y', 'z']);
    assert.deepEqual(await client.sinter(`${k}a`, `${k}nope`), []);
    assert.equal(await client.sismember(`${k}a`, 'x'), 1);
    assert.equal(await client.scard(`${k}b`), 3);
    assert.equal(await client.type(`${k}a`), 'set');
  });

  test('sorted sets: ZADD, ZRANGE WITHSCORES, ZINCRBY, ZRANK', async () => {
    const client = await ioredis();
    const k = uniquePrefix('io-zset');
    assert.equal(await client.zadd(`${k}z`, 3, 'c', 1, 'a', 2, 'b'), 3);
    assert.deepEqual(await client.zrange(`${k}z`, 0, -1, 'WITHSCORES'), ['a', '1', 'b', '2', 'c', '3']);
    assert.equal(await client.zincrby(`${k}z`, 2.5, 'a'), '3.5');
    assert.deepEqual(await client.zrange(`${k}z`, 0, -1), ['b', 'c', 'a']);
    assert.equal(await client.zrank(`${k}z`, 'a'), 2);
    assert.equal(await client.zrank(`${k}z`, 'nope'), null);
    assert.equal(await client.zscore(`${k}z`, 'c'), '3');
    assert.equal(await client.type(`${k}z`), 'zset');
  });

  test('pub/sub: SUBSCRIBE and PSUBSCRIBE receive PUBLISHed messages; PUBSUB NUMSUB', async () => {
    const publisher = await ioredis();
    const subscriber = await ioredis();
    const k = uniquePrefix('io-pubsub');
    const messages = collector<[string, string]>();
    const patternMessages = collector<[string, string, string]>();
    subscriber.on('message', (channel: string, message: string) => messages.push([channel, message]));
    subscriber.on('pmessage', (pattern: string, channel: string, message: string) => patternMessages.push([pattern, channel, message]));
    assert.equal(await subscriber.subscribe(`${k}news`, `${k}sport`), 2);
    assert.equal(await subscriber.psubscribe(`${k}n*`), 3);
    assert.deepEqual(await publisher.pubsub('NUMSUB', `${k}news`, `${k}nobody`), [`${k}news`, 1, `${k}nobody`, 0]);
    assert.equal(await publisher.pubsub('NUMPAT'), 1);
    assert.equal(await publisher.publish(`${k}news`, 'hello'), 2, 'one channel and one pattern subscriber');
    assert.equal(await publisher.publish(`${k}sport`, 'goal'), 1);
    assert.equal(await publisher.publish(`${k}nobody`, 'lost'), 1, 'only the pattern matches');
    assert.deepEqual(await messages.wait(2, 'channel messages'), [
      [`${k}news`, 'hello'],
      [`${k}sport`, 'goal'],
    ]);
    assert.deepEqual(await patternMessages.wait(2, 'pattern messages'), [
      [`${k}n*`, `${k}news`, 'hello'],
      [`${k}n*`, `${k}nobody`, 'lost'],
    ]);
    await rejects(subscriber.get('x'), /Connection in subscriber mode, only subscriber commands may be used/);
    await subscriber.unsubscribe(`${k}news`, `${k}sport`);
    await subscriber.punsubscribe(`${k}n*`);
    assert.equal(await subscriber.get(`${k}x`), null, 'after unsubscribing every command works again');
    assert.deepEqual(await publisher.pubsub('NUMSUB', `${k}news`), [`${k}news`, 0]);
  });

  test('a RESP2 subscriber is refused ordinary commands with the Redis 7 text', async () => {
    const connection = await RawConnection.open(cache.port);
    const k = uniquePrefix('raw-sub');
    assert.deepEqual(await connection.command('SUBSCRIBE', `${k}c`), ['subscribe', `${k}c`, 1]);
    const reply = await connection.command('GET', 'x');
    assert.match(String((reply as { message: string }).message), /^ERR Can't execute 'get': only \(P\|S\)SUBSCRIBE \/ \(P\|S\)UNSUBSCRIBE \/ PING \/ QUIT \/ RESET are allowed in this context$/);
    assert.deepEqual(await connection.command('PING'), ['pong', ''], 'PING in subscribe mode answers as an array');
  });

  test('transactions: MULTI/EXEC results, WATCH with a concurrent change, EXECABORT', async () => {
    const client = await ioredis();
    const other = await ioredis();
    const k = uniquePrefix('io-multi');
    const results = await client.multi().set(`${k}a`, '1').incr(`${k}a`).get(`${k}a`).lpush(`${k}a`, 'x').exec();
    assert.deepEqual(results?.slice(0, 3), [
      [null, 'OK'],
      [null, 2],
      [null, '2'],
    ]);
    const wrongType = results?.[3]?.[0];
    assert.match(String((wrongType as Error | null)?.message), /^WRONGTYPE/, 'a runtime error is reported for its command only');

    await client.watch(`${k}a`);
    await other.set(`${k}a`, 'changed');
    assert.equal(await client.multi().set(`${k}a`, 'mine').exec(), null, 'EXEC returns null after a WATCHed key changed');
    assert.equal(await client.get(`${k}a`), 'changed');
    await client.watch(`${k}a`);
    assert.deepEqual(await client.multi().set(`${k}a`, 'mine').exec(), [[null, 'OK']], 'an untouched WATCH lets EXEC run');

    await assert.rejects(
      client.multi().set(`${k}a`, 'v').call('set', `${k}a`).exec(),
      (error: Error & { previousErrors?: Error[] }) => {
        assert.match(error.message, /^EXECABORT Transaction discarded because of previous errors\.$/);
        assert.match(String(error.previousErrors?.[0]?.message), /^ERR wrong number of arguments for 'set' command$/);
        return true;
      },
    );
    assert.equal(await client.get(`${k}a`), 'mine', 'nothing of the aborted transaction ran');
  });

  test('HELLO, CLIENT SETNAME/GETNAME/ID/LIST', async () => {
    const client = await ioredis(cache.port, { connectionName: 'io-named' });
    assert.equal(await client.client('GETNAME'), 'io-named', 'ioredis sets its connection name at connect');
    assert.equal(await client.client('SETNAME', 'io-renamed'), 'OK');
    assert.equal(await client.client('GETNAME'), 'io-renamed');
    const id = (await client.client('ID')) as number;
    assert.ok(Number.isInteger(id) && id > 0);
    const list = (await client.client('LIST')) as string;
    const line = list.split('\n').find((entry) => entry.startsWith(`id=${id} `));
    assert.ok(line !== undefined, `CLIENT LIST lists this client: ${list}`);
    assert.match(line, / name=io-renamed /);
    assert.match(line, / addr=127\.0\.0\.1:\d+ /);
    await rejects(client.client('SETNAME', 'has space'), /^ERR Client names cannot contain spaces, newlines or special characters\.$/);
    const hello = (await client.call('HELLO', '2')) as unknown[];
    const fields = new Map<unknown, unknown>();
    for (let index = 0; index < hello.length; index += 2) fields.set(hello[index], hello[index + 1]);
    assert.equal(fields.get('server'), 'redis');
    assert.equal(fields.get('proto'), 2);
    assert.equal(fields.get('id'), id);
    assert.match(String(fields.get('version')), /^7\./);
  });

  test('INFO parses into the Redis sections', async () => {
    const client = await ioredis();
    await client.set(uniquePrefix('io-info'), 'v');
    const info = parseInfo(await client.info());
    for (const section of ['server', 'clients', 'memory', 'stats', 'replication', 'cpu', 'keyspace']) assert.ok(info.has(section), `INFO has # ${section}`);
    assert.match(info.get('server')?.get('redis_version') ?? '', /^7\.\d+\.\d+$/);
    assert.equal(info.get('server')?.get('tcp_port'), `${cache.port}`);
    assert.ok(Number(info.get('clients')?.get('connected_clients')) >= 1);
    assert.ok(Number(info.get('memory')?.get('used_memory')) > 0);
    assert.equal(info.get('replication')?.get('role'), 'master');
    assert.match(info.get('keyspace')?.get('db0') ?? '', /^keys=\d+,expires=\d+,avg_ttl=\d+$/);
    const onlyStats = parseInfo(await client.info('stats'));
    assert.deepEqual([...onlyStats.keys()], ['stats']);
    assert.ok(Number(onlyStats.get('stats')?.get('total_commands_processed')) > 0);
  });

  test('CONFIG GET and SET', async () => {
    const client = await ioredis();
    assert.deepEqual(await client.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'noeviction']);
    assert.equal(await client.config('SET', 'maxmemory-policy', 'allkeys-lru'), 'OK');
    try {
      assert.deepEqual(await client.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'allkeys-lru']);
    } finally {
      await client.config('SET', 'maxmemory-policy', 'noeviction');
    }
    const many = (await client.config('GET', 'maxmemory*')) as string[];
    assert.ok(many.includes('maxmemory') && many.includes('maxmemory-samples'), `CONFIG GET with a glob: ${many.join(' ')}`);
    await rejects(client.config('SET', 'maxmemory-policy', 'bogus'), /^ERR CONFIG SET failed \(possibly related to argument 'maxmemory-policy'\) - argument\(s\) must be one of the following: /);
    await rejects(client.config('SET', 'no-such-option', '1'), /^ERR Unknown option or number of arguments for CONFIG SET - 'no-such-option'$/);
  });

  test('AUTH with requirepass: NOAUTH before, WRONGPASS on a bad password, success after', async () => {
    const client = await ioredis(securedCache.port, { enableReadyCheck: false });
    const k = uniquePrefix('io-auth');
    await rejects(client.get(k), /^NOAUTH Authentication required\.$/);
    await rejects(client.auth('wrong'), /^WRONGPASS invalid username-password pair or user is disabled\.$/);
    assert.equal(await client.auth(password), 'OK');
    assert.equal(await client.set(k, 'v'), 'OK');
    const withPassword = await ioredis(securedCache.port, { password });
    assert.equal(await withPassword.get(k), 'v', 'a client configured with the password works at once');
    const withUser = await ioredis(securedCache.port, { username: 'default', password });
    assert.equal(await withUser.get(k), 'v', 'AUTH default <password> works too');
  });
});

describe('node-redis', () => {
  test('strings: SET options, INCR, MGET/MSET, APPEND, GETRANGE, PX expiry and TTL', async () => {
    const client = await nodeRedis({});
    const k = uniquePrefix('nr-strings');
    assert.equal(await client.set(`${k}a`, 'hello'), 'OK');
    assert.equal(await client.set(`${k}a`, 'other', { condition: 'NX' }), null);
    assert.equal(await client.set(`${k}missing`, 'x', { condition: 'XX' }), null);
    assert.equal(await client.set(`${k}a`, 'world', { GET: true }), 'hello');
    assert.equal(await client.get(`${k}a`), 'world');
    assert.equal(await client.incr(`${k}n`), 1);
    assert.equal(await client.incrBy(`${k}n`, 41), 42);
    await rejects(client.incr(`${k}a`), /^ERR value is not an integer or out of range$/);
    assert.equal(await client.mSet({ [`${k}m1`]: 'one', [`${k}m2`]: 'two' }), 'OK');
    assert.deepEqual(await client.mGet([`${k}m1`, `${k}nope`, `${k}m2`]), ['one', null, 'two']);
    assert.equal(await client.append(`${k}m1`, '-more'), 8);
    assert.equal(await client.getRange(`${k}m1`, 0, 2), 'one');
    assert.equal(await client.set(`${k}px`, 'soon', { expiration: { type: 'PX', value: 300 } }), 'OK');
    const pttl = await client.pTTL(`${k}px`);
    assert.ok(pttl > 0 && pttl <= 300, `PTTL ${pttl}`);
    assert.equal(await client.ttl(`${k}a`), -1);
    assert.equal(await client.set(`${k}ex`, 'v', { expiration: { type: 'EX', value: 100 } }), 'OK');
    const ttl = await client.ttl(`${k}ex`);
    assert.ok(ttl > 90 && ttl <= 100, `TTL ${ttl}`);
    await waitFor('the PX key to expire', async () => ((await client.get(`${k}px`)) === null ? true : undefined), { deadlineMs: 5_000 });
  });

  test('keys: DEL, EXISTS, TYPE, SCAN with MATCH to completion, RENAME, EXPIRE', async () => {
    const client = await nodeRedis({});
    const k = uniquePrefix('nr-keys');
    const names = Array.from({ length: 250 }, (_, index) => `${k}item:${index}`);
    await client.mSet(names.map((name) => [name, 'v'] as [string, string]));
    await client.set(`${k}other`, 'v');
    const seen = new Set<string>();
    for await (const keys of client.scanIterator({ MATCH: `${k}item:*`, COUNT: 20 })) for (const key of keys) seen.add(key);
    assert.deepEqual([...seen].sort(), [...names].sort());
    let cursor = '0';
    const typed = new Set<string>();
    do {
      const reply = await client.scan(cursor, { MATCH: `${k}*`, COUNT: 100, TYPE: 'string' });
      reply.keys.forEach((key) => typed.add(key));
      cursor = reply.cursor;
    } while (cursor !== '0');
    assert.equal(typed.size, names.length + 1, 'SCAN TYPE string with MATCH');
    assert.equal(await client.exists([`${k}item:0`, `${k}nope`]), 1);
    assert.equal(await client.type(`${k}other`), 'string');
    assert.equal(await client.rename(`${k}other`, `${k}renamed`), 'OK');
    await rejects(client.rename(`${k}other`, `${k}x`), /^ERR no such key$/);
    assert.equal(await client.expire(`${k}renamed`, 100), 1);
    assert.ok((await client.ttl(`${k}renamed`)) > 90);
    assert.equal(await client.expire(`${k}renamed`, 50, 'GT'), 0, 'EXPIRE GT refuses a shorter TTL');
    assert.equal(await client.del(names), names.length);
    assert.equal(await client.del(`${k}renamed`), 1);
  });

  test('lists: push, pop, range; BLPOP woken by another connection; BLPOP timing out with null', async () => {
    const client = await nodeRedis({});
    const k = uniquePrefix('nr-lists');
    assert.equal(await client.rPush(`${k}l`, ['b', 'c']), 2);
    assert.equal(await client.lPush(`${k}l`, 'a'), 3);
    assert.deepEqual(await client.lRange(`${k}l`, 0, -1), ['a', 'b', 'c']);
    assert.equal(await client.lPop(`${k}l`), 'a');
    assert.equal(await client.rPop(`${k}l`), 'c');
    assert.equal(await client.lLen(`${k}l`), 1);
    const blocked = await nodeRedis({});
    const popped = blocked.blPop([`${k}empty`, `${k}q`], 10);
    await waitFor('the client to block', async () => (/blocked_clients:[1-9]/.test(await client.info('clients')) ? true : undefined), { deadlineMs: 5_000 });
    await client.lPush(`${k}q`, 'job');
    assert.deepEqual(await popped, { key: `${k}q`, element: 'job' });
    assert.equal(await blocked.blPop(`${k}q`, 0.2), null, 'BLPOP times out with a null reply');
  });

  test('hashes: HSET, HGETALL, HINCRBY', async () => {
    const client = await nodeRedis({});
    const k = uniquePrefix('nr-hash');
    assert.equal(await client.hSet(`${k}h`, { name: 'box', count: '1' }), 2);
    assert.deepEqual({ ...(await client.hGetAll(`${k}h`)) }, { name: 'box', count: '1' });
    assert.equal(await client.hIncrBy(`${k}h`, 'count', 9), 10);
    assert.deepEqual({ ...(await client.hGetAll(`${k}h`)) }, { name: 'box', count: '10' });
    assert.equal(await client.hLen(`${k}h`), 2);
  });

  test('sets: SADD, SMEMBERS, SINTER', async () => {
    const client = await nodeRedis({});
    const k = uniquePrefix('nr-set');
    assert.equal(await client.sAdd(`${k}a`, ['x', 'y', 'z']), 3);
    assert.equal(await client.sAdd(`${k}b`, ['z', 'y', 'w']), 3);
    assert.deepEqual((await client.sMembers(`${k}a`)).sort(), ['x', 'y', 'z']);
    assert.deepEqual((await client.sInter([`${k}a`, `${k}b`])).sort(), ['y', 'z']);
    assert.equal(await client.sRem(`${k}a`, 'x'), 1);
  });

  test('sorted sets: ZADD, ZRANGE WITHSCORES, ZINCRBY, ZRANK', async () => {
    const client = await nodeRedis({});
    const k = uniquePrefix('nr-zset');
    assert.equal(
      await client.zAdd(`${k}z`, [
        { score: 1, value: 'a' },
        { score: 2, value: 'b' },
        { score: 3, value: 'c' },
      ]),
      3,
    );
    assert.deepEqual(await client.zRangeWithScores(`${k}z`, 0, -1), [
      { value: 'a', score: 1 },
      { value: 'b', score: 2 },
      { value: 'c', score: 3 },
    ]);
    assert.equal(await client.zIncrBy(`${k}z`, 5, 'a'), 6);
    assert.equal(await client.zRank(`${k}z`, 'a'), 2);
    assert.deepEqual(await client.zRange(`${k}z`, 0, 0, { REV: true }), ['a']);
    assert.equal(await client.zCard(`${k}z`), 3);
  });

  test('pub/sub: SUBSCRIBE and PSUBSCRIBE receive PUBLISHed messages; PUBSUB NUMSUB', async () => {
    const publisher = await nodeRedis({});
    const subscriber = await nodeRedis({});
    const k = uniquePrefix('nr-pubsub');
    const messages = collector<[string, string]>();
    const patternMessages = collector<[string, string]>();
    await subscriber.subscribe(`${k}news`, (message, channel) => messages.push([channel, message]));
    await subscriber.pSubscribe(`${k}n*`, (message, channel) => patternMessages.push([channel, message]));
    assert.deepEqual({ ...(await publisher.pubSubNumSub([`${k}news`, `${k}nobody`])) }, { [`${k}news`]: 1, [`${k}nobody`]: 0 });
    assert.equal(await publisher.publish(`${k}news`, 'hello'), 2);
    assert.equal(await publisher.publish(`${k}nothing`, 'lost'), 1);
    assert.deepEqual(await messages.wait(1, 'channel messages'), [[`${k}news`, 'hello']]);
    assert.deepEqual(await patternMessages.wait(2, 'pattern messages'), [
      [`${k}news`, 'hello'],
      [`${k}nothing`, 'lost'],
    ]);
    await subscriber.unsubscribe([`${k}news`]);
    await subscriber.pUnsubscribe(`${k}n*`);
    assert.deepEqual({ ...(await publisher.pubSubNumSub([`${k}news`])) }, { [`${k}news`]: 0 });
  });

  test('RESP3: HELLO 3 map, push messages to a subscriber that still runs commands', async () => {
    const client = await nodeRedis({ RESP: 3 });
    const k = uniquePrefix('nr-resp3');
    const hello = (await client.sendCommand(['HELLO', '3'])) as Record<string, unknown>;
    assert.equal(hello['server'], 'redis');
    assert.equal(hello['proto'], 3);
    assert.equal(hello['mode'], 'standalone');
    assert.equal(hello['role'], 'master');
    assert.deepEqual(hello['modules'], []);
    await client.hSet(`${k}h`, { f: 'v' });
    assert.deepEqual({ ...(await client.hGetAll(`${k}h`)) }, { f: 'v' }, 'HGETALL is a map in RESP3');
    await client.zAdd(`${k}z`, { score: 1.5, value: 'm' });
    assert.equal(await client.zScore(`${k}z`, 'm'), 1.5, 'ZSCORE is a double in RESP3');

    const subscriber = await nodeRedis({ RESP: 3 });
    const publisher = await nodeRedis({ RESP: 3 });
    const messages = collector<[string, string]>();
    await subscriber.subscribe(`${k}c`, (message, channel) => messages.push([channel, message]));
    await subscriber.pSubscribe(`${k}p*`, (message, channel) => messages.push([channel, message]));
    assert.equal(await publisher.publish(`${k}c`, 'one'), 1);
    assert.equal(await publisher.publish(`${k}pq`, 'two'), 1);
    assert.deepEqual(await messages.wait(2, 'RESP3 push messages'), [
      [`${k}c`, 'one'],
      [`${k}pq`, 'two'],
    ]);
  });

  test('RESP3 on the wire: HELLO 3 is a map, a message is a > push, a subscriber may still GET', async () => {
    const subscriber = await RawConnection.open(cache.port);
    const publisher = await RawConnection.open(cache.port);
    const k = uniquePrefix('raw-resp3');
    const hello = (await subscriber.command('HELLO', '3')) as { map: [unknown, unknown][] };
    assert.ok('map' in hello, 'HELLO 3 replies with a RESP3 map');
    assert.deepEqual(new Map(hello.map).get('proto'), 3);
    assert.deepEqual(await subscriber.command('SUBSCRIBE', `${k}c`), { push: ['subscribe', `${k}c`, 1] });
    assert.equal(await subscriber.command('GET', `${k}nope`), null, 'a RESP3 client may run commands while subscribed');
    assert.equal(await publisher.command('PUBLISH', `${k}c`, 'hi'), 1);
    assert.deepEqual(await subscriber.reply(), { push: ['message', `${k}c`, 'hi'] });
  });

  test('transactions: MULTI/EXEC results, WATCH with a concurrent change, EXECABORT', async () => {
    const client = await nodeRedis({});
    const other = await nodeRedis({});
    const k = uniquePrefix('nr-multi');
    assert.deepEqual(await client.multi().set(`${k}a`, '1').incr(`${k}a`).get(`${k}a`).exec(), ['OK', 2, '2']);
    await client.watch(`${k}a`);
    await other.set(`${k}a`, 'changed');
    await rejects(client.multi().set(`${k}a`, 'mine').exec(), /^One \(or more\) of the watched keys has been changed$/);
    assert.equal(await client.get(`${k}a`), 'changed');
    await client.watch(`${k}a`);
    assert.deepEqual(await client.multi().set(`${k}a`, 'mine').exec(), ['OK']);
    await rejects(client.multi().set(`${k}a`, 'v').addCommand(['SET', `${k}a`]).exec(), /^EXECABORT Transaction discarded because of previous errors\.$|^ERR wrong number of arguments for 'set' command$/);
    assert.equal(await client.get(`${k}a`), 'mine');
  });

  test('HELLO, CLIENT SETNAME/GETNAME/ID/LIST', async (t) => {
    const client = await nodeRedis({ name: 'nr-named' });
    assert.equal(await client.clientGetName(), 'nr-named', 'node-redis sets its name in the handshake');
    assert.equal(await client.clientSetName('nr-renamed'), 'OK');
    assert.equal(await client.clientGetName(), 'nr-renamed');
    const id = await client.clientId();
    const entries = await client.clientList();
    const self = entries.find((entry) => String(entry.id) === `${id}`);
    assert.ok(self !== undefined, 'CLIENT LIST lists this client');
    assert.equal(self.name, 'nr-renamed');
    await t.test('CLIENT LIST shows the running subcommand as cmd=client|list', () => {
      assert.equal(self.cmd, 'client|list');
    });
    const info = await client.clientInfo();
    assert.equal(info.id, id);
    assert.equal(info.name, 'nr-renamed');
    const hello = (await client.sendCommand(['HELLO'])) as unknown[];
    assert.equal(hello[0], 'server');
    assert.equal(hello[hello.indexOf('proto') + 1], 2, 'HELLO without a version keeps the protocol');
  });

  test('INFO parses into the Redis sections', async () => {
    const client = await nodeRedis({});
    const info = parseInfo(await client.info('everything'));
    for (const section of ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'commandstats', 'errorstats', 'keyspace']) {
      assert.ok(info.has(section), `INFO everything has # ${section}`);
    }
    assert.match(info.get('commandstats')?.get('cmdstat_info') ?? '', /^calls=\d+,usec=\d+,usec_per_call=[\d.]+,rejected_calls=\d+,failed_calls=\d+$/);
    const clients = parseInfo(await client.info('clients'));
    assert.ok(Number(clients.get('clients')?.get('connected_clients')) >= 1);
  });

  test('CONFIG GET and SET', async () => {
    const client = await nodeRedis({});
    const before = await client.configGet('maxmemory-samples');
    assert.deepEqual({ ...before }, { 'maxmemory-samples': '5' });
    assert.equal(await client.configSet({ 'maxmemory-samples': '7' }), 'OK');
    try {
      assert.deepEqual({ ...(await client.configGet('maxmemory-samples')) }, { 'maxmemory-samples': '7' });
    } finally {
      await client.configSet('maxmemory-samples', '5');
    }
  });

  test('AUTH with requirepass: NOAUTH before, WRONGPASS on a bad password, success after', async () => {
    const k = uniquePrefix('nr-auth');
    const client = await nodeRedis({}, securedCache.port);
    await rejects(client.get(k), /^NOAUTH Authentication required\.$/);
    await rejects(client.auth({ password: 'wrong' }), /^WRONGPASS invalid username-password pair or user is disabled\.$/);
    assert.equal(await client.auth({ password }), 'OK');
    assert.equal(await client.set(k, 'v'), 'OK');
    await rejects(nodeRedis({ password: 'wrong' }, securedCache.port), /^WRONGPASS invalid username-password pair or user is disabled\.$/);
    const resp3 = await nodeRedis({ RESP: 3, username: 'default', password }, securedCache.port);
    assert.equal(await resp3.get(k), 'v', 'HELLO 3 AUTH default <password> in the handshake');
  });
});
