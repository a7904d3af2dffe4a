/**
 * Goal: Redis streams work through ioredis and node-redis (v5) as applications use them: an event
 * log read by ID range, a consumer group sharing work among consumers with acknowledgements and
 * reclaiming of stalled entries, and readers blocked until an entry arrives. Method: `objectbox
 * start cache` as a real process; real client libraries over TCP; expected replies follow Redis 7.2
 * (the reply shapes were checked against redis-server 7.0.15 with tools/scripts/cache-diff-cases/streams.txt).
 */
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { type Redis } from 'ioredis';
import { cachePerFile, CacheClientScope, uniquePrefix } from './cache-e2e-support.js';
import { waitFor } from './harness.js';

const cache = cachePerFile();

const clients = new CacheClientScope(() => cache.current.port);
const test = clients.test.bind(clients);
const ioredis = clients.ioredis.bind(clients);
const nodeRedis = clients.nodeRedis.bind(clients);

/** Waits until the server reports a blocked client (the reader is parked before the write that serves it). */
async function untilBlocked(client: Redis): Promise<void> {
  await waitFor('a client to block', async () => (/blocked_clients:[1-9]/.test(await client.info('clients')) ? true : undefined), { deadlineMs: 10_000, intervalMs: 10 });
}

describe('streams', () => {
  test('ioredis: an event log appended with XADD * and read back by range, trimmed with MAXLEN', async () => {
    const client = await ioredis();
    const key = uniquePrefix('io-stream');
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) ids.push((await client.xadd(key, '*', 'n', String(index), 'kind', 'event')) as string);
    for (let index = 1; index < ids.length; index++) {
      const [ms, seq] = (ids[index] as string).split('-').map(BigInt) as [bigint, bigint];
      const [previousMs, previousSeq] = (ids[index - 1] as string).split('-').map(BigInt) as [bigint, bigint];
      assert.ok(ms > previousMs || (ms === previousMs && seq > previousSeq), 'IDs grow');
    }
    assert.equal(await client.xlen(key), 5);
    const all = await client.xrange(key, '-', '+');
    assert.deepEqual(
      all.map(([, fields]) => fields),
      [0, 1, 2, 3, 4].map((index) => ['n', String(index), 'kind', 'event']),
    );
    assert.deepEqual(await client.xrevrange(key, '+', '-', 'COUNT', 2), [all[4], all[3]]);
    assert.deepEqual(await client.xrange(key, `(${ids[1]}`, ids[3] as string), [all[2], all[3]]);
    assert.equal(await client.xtrim(key, 'MAXLEN', 2), 3);
    assert.deepEqual(await client.xrange(key, '-', '+'), [all[3], all[4]]);
    assert.equal(await client.xdel(key, ids[3] as string), 1);
    assert.equal(await client.type(key), 'stream');
    await assert.rejects(client.xadd(key, '1-1', 'a', 'b'), /equal or smaller than the target stream top item/);
    await assert.rejects(client.get(key), /WRONGTYPE/);
  });

  test('ioredis: a consumer group shares entries, acknowledges them, and reclaims a stalled one', async () => {
    const client = await ioredis();
    const key = uniquePrefix('io-group');
    assert.equal(await client.xgroup('CREATE', key, 'workers', '$', 'MKSTREAM'), 'OK');
    await assert.rejects(client.xgroup('CREATE', key, 'workers', '$'), /BUSYGROUP Consumer Group name already exists/);
    for (let index = 0; index < 4; index++) await client.xadd(key, `${index + 1}-0`, 'job', String(index));
    const first = (await client.xreadgroup('GROUP', 'workers', 'alice', 'COUNT', 2, 'STREAMS', key, '>')) as [string, [string, string[]][]][];
    const second = (await client.xreadgroup('GROUP', 'workers', 'bob', 'COUNT', 2, 'STREAMS', key, '>')) as [string, [string, string[]][]][];
    assert.deepEqual(first[0]?.[1].map(([id]) => id), ['1-0', '2-0']);
    assert.deepEqual(second[0]?.[1].map(([id]) => id), ['3-0', '4-0']);
    assert.equal(await client.xreadgroup('GROUP', 'workers', 'bob', 'STREAMS', key, '>'), null, 'nothing new');
    assert.equal(await client.xack(key, 'workers', '1-0', '3-0'), 2);
    assert.deepEqual(await client.xpending(key, 'workers'), [2, '2-0', '4-0', [['alice', '1'], ['bob', '1']]]);
    // bob stalls: carol claims what has been idle (everything, with min-idle-time 0).
    const [cursor, claimed, deleted] = (await client.xautoclaim(key, 'workers', 'carol', 0, '0-0')) as [string, [string, string[]][], string[]];
    assert.equal(cursor, '0-0');
    assert.deepEqual(claimed.map(([id]) => id), ['2-0', '4-0']);
    assert.deepEqual(deleted, []);
    const groups = (await client.xinfo('GROUPS', key)) as unknown[][];
    assert.deepEqual(groups[0]?.slice(0, 8), ['name', 'workers', 'consumers', 3, 'pending', 2, 'last-delivered-id', '4-0']);
    assert.equal(await client.xgroup('DESTROY', key, 'workers'), 1);
  });

  test('XREAD BLOCK waits for the next entry after $, and times out with a null reply', async () => {
    const reader = await ioredis();
    const writer = await ioredis();
    const key = uniquePrefix('io-block');
    await writer.xadd(key, '1-0', 'old', 'x');
    const waiting = reader.xread('BLOCK', 10_000, 'STREAMS', key, '$');
    await untilBlocked(writer);
    await writer.xadd(key, '2-0', 'new', 'y');
    assert.deepEqual(await waiting, [[key, [['2-0', ['new', 'y']]]]]);
    assert.equal(await reader.xread('BLOCK', 50, 'STREAMS', key, '$'), null);
  });

  test('XREADGROUP BLOCK: a waiting consumer gets the entry and it becomes pending for it', async () => {
    const consumer = await ioredis();
    const writer = await ioredis();
    const key = uniquePrefix('io-block-group');
    await writer.xgroup('CREATE', key, 'g', '$', 'MKSTREAM');
    const waiting = consumer.xreadgroup('GROUP', 'g', 'c1', 'BLOCK', 10_000, 'STREAMS', key, '>');
    await untilBlocked(writer);
    await writer.xadd(key, '7-0', 'f', 'v');
    assert.deepEqual(await waiting, [[key, [['7-0', ['f', 'v']]]]]);
    assert.deepEqual(await writer.xpending(key, 'g'), [1, '7-0', '7-0', [['c1', '1']]]);
  });

  test('node-redis: xAdd, xReadGroup, xAck and xInfoStream through its typed API (RESP2 and RESP3 shapes)', async () => {
    const client = await nodeRedis();
    const key = uniquePrefix('nr-stream');
    await client.xGroupCreate(key, 'g', '0', { MKSTREAM: true });
    const id = await client.xAdd(key, '*', { temperature: '21.5', room: 'kitchen' });
    const read = await client.xReadGroup('g', 'reader', { key, id: '>' }, { COUNT: 10 });
    assert.ok(read !== null);
    const firstStream = (read as unknown as { name: string; messages: { id: string; message: Record<string, string> }[] }[])[0];
    assert.equal(firstStream?.name, key);
    assert.deepEqual(
      firstStream?.messages.map((entry) => ({ id: entry.id, message: { ...entry.message } })),
      [{ id, message: { temperature: '21.5', room: 'kitchen' } }],
    );
    assert.equal(await client.xAck(key, 'g', id), 1);
    const info = await client.xInfoStream(key);
    assert.equal(info.length, 1);
    assert.equal(info.groups, 1);
    assert.equal(info['last-generated-id'], id);
  });
});
