/**
 * Goal: no command keeps bytes of the server's shared read buffer. Every client socket is read into
 * one buffer that the next read overwrites (libs/cache/runtime, cache-server.ts), so whatever a
 * command stores or delivers later (a value, a field, a member, a queued or blocked command's
 * arguments, a message for a subscriber) must be a copy. Method: `objectbox start cache` as a real
 * process with OBJECTBOX_CACHE_READ_BUFFER_POISON=1 (set by startCache), which overwrites each
 * read's bytes with 0xAA once handled; long arguments (past the 64-byte inline bound, where values
 * are kept as buffers rather than strings) are written in one request and read back in later ones
 * through ioredis, so a kept view reads as 0xAA bytes.
 */
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { cachePerFile, CacheClientScope, uniquePrefix } from './cache-e2e-support.js';

const cache = cachePerFile();

const clients = new CacheClientScope(() => cache.current.port);
const test = clients.test.bind(clients);
const ioredis = clients.ioredis.bind(clients);

/** A long, recognisable argument: `name`, then a counting pattern up to `length` bytes. */
function long(name: string, length = 300): string {
  let text = `${name}:`;
  for (let index = 0; text.length < length; index++) text += String.fromCharCode(0x21 + (index % 90));
  return text.slice(0, length);
}

describe('arguments kept past their read are copies', () => {
  test('strings, hashes, lists, sets, sorted sets and streams read back intact after later reads', async () => {
    const client = await ioredis();
    const k = uniquePrefix('readbuf');
    await client.set(`${k}s`, long('string'));
    await client.mset(`${k}m1`, long('mset1'), `${k}m2`, long('mset2'));
    await client.append(`${k}s`, long('appended', 100));
    await client.hset(`${k}h`, long('field'), long('hvalue'));
    await client.rpush(`${k}l`, long('rpush'), long('rpush2'));
    await client.lpush(`${k}l`, long('lpush'));
    await client.linsert(`${k}l`, 'BEFORE', long('rpush2'), long('inserted'));
    await client.sadd(`${k}set`, long('member1'), long('member2'));
    await client.zadd(`${k}z`, 1, long('zmember'));
    const streamId = await client.xadd(`${k}x`, '*', long('xfield'), long('xvalue'));
    await client.set(`${k}other`, 'x'.repeat(5_000), 'EX', 100);
    for (let round = 0; round < 5; round++) await client.ping(long(`overwrite${round}`, 2_000));

    assert.equal(await client.get(`${k}s`), long('string') + long('appended', 100));
    assert.deepEqual(await client.mget(`${k}m1`, `${k}m2`), [long('mset1'), long('mset2')]);
    assert.deepEqual(await client.hgetall(`${k}h`), { [long('field')]: long('hvalue') });
    assert.deepEqual(await client.lrange(`${k}l`, 0, -1), [long('lpush'), long('rpush'), long('inserted'), long('rpush2')]);
    assert.deepEqual((await client.smembers(`${k}set`)).sort(), [long('member1'), long('member2')].sort());
    assert.deepEqual(await client.zrange(`${k}z`, 0, -1), [long('zmember')]);
    assert.deepEqual(await client.xrange(`${k}x`, '-', '+'), [[streamId, [long('xfield'), long('xvalue')]]]);
  });

  test('MULTI queues, blocked commands and subscribers get the bytes that were sent', async () => {
    const k = uniquePrefix('readbuf-wait');
    const client = await ioredis();
    const blocked = await ioredis();
    const subscriber = await ioredis();
    const publisher = await ioredis();

    // A blocked BLMOVE's arguments wait across other clients' reads.
    const moved = blocked.blmove(`${k}src`, long(`${k}dst`), 'LEFT', 'RIGHT', 10);
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (let round = 0; round < 3; round++) await client.ping(long(`overwrite${round}`, 2_000));
    await client.rpush(`${k}src`, long('element'));
    assert.equal(await moved, long('element'));
    assert.deepEqual(await client.lrange(long(`${k}dst`), 0, -1), [long('element')]);

    // Queued commands run at EXEC, several reads later.
    const transaction = client.multi().set(`${k}queued`, long('queued')).hset(`${k}qh`, long('qfield'), long('qvalue'));
    assert.deepEqual(await transaction.exec(), [
      [null, 'OK'],
      [null, 1],
    ]);
    assert.equal(await client.get(`${k}queued`), long('queued'));
    assert.deepEqual(await client.hgetall(`${k}qh`), { [long('qfield')]: long('qvalue') });

    // A message is delivered to the subscriber as published.
    const received = new Promise<[string, string]>((resolve) => subscriber.once('message', (channel: string, message: string) => resolve([channel, message])));
    await subscriber.subscribe(long(`${k}channel`));
    await publisher.publish(long(`${k}channel`), long('message', 5_000));
    assert.deepEqual(await received, [long(`${k}channel`), long('message', 5_000)]);
    assert.deepEqual(await client.pubsub('CHANNELS', `${k}*`), [long(`${k}channel`)]);
  });
});
