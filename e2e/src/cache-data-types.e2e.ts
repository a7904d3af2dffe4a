/**
 * Goal: the data types built on strings and sorted sets (HyperLogLog, geo, bit fields) work through
 * the two common Node.js clients, ioredis and node-redis (v5), as applications call them, and their
 * values are interchangeable with redis-server's. Method: `objectbox start cache` as a real process;
 * real client libraries over TCP; expected replies and the DUMP payloads below were produced by
 * redis-server 7.0.15 for the same commands.
 */
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { cachePerFile, CacheClientScope, uniquePrefix } from './cache-e2e-support.js';

const cache = cachePerFile();

const clients = new CacheClientScope(() => cache.current.port);
const test = clients.test.bind(clients);
const ioredis = clients.ioredis.bind(clients);
const nodeRedis = clients.nodeRedis.bind(clients);

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.match(error.message, pattern);
    return true;
  });
}

/** DUMP payloads from redis-server 7.0.15 of `PFADD h a b c d e`: sparse, and after PFDEBUG TODENSE (LZF-compressed). */
const redisSparseDump = '002148594c4c0100000000000000000000805c7b8044768050b184498c80426d80425a0a00471edbd9f013d59b';
const redisDenseDump =
  '00c340ab70100448594c4c00200000052003e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0b8000001e0b8c1e0ff00e0ff00e07f00e3ff59e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e01d000008e01d26e0ff00e0ff00e0ff00e0ff00e0ff00e0ff00e0ca000040e0cad3e0f700f5ff83e0b2000100000a00e7cbb2d9f84d7f33';

describe('HyperLogLog', () => {
  test('ioredis: PFADD, PFCOUNT, PFMERGE; sketches are byte-identical to redis-server and RESTORE from it', async () => {
    const client = await ioredis();
    const k = uniquePrefix('io-hll');
    assert.equal(await client.pfadd(`${k}h`, 'a', 'b', 'c', 'd', 'e'), 1);
    assert.equal(await client.pfadd(`${k}h`, 'a'), 0, 'no register changed');
    assert.equal(await client.pfcount(`${k}h`), 5);
    // The same bytes redis-server stores (its DUMP payload without the RDB framing), with the cached count 5.
    const stored = await client.getBuffer(`${k}h`);
    const expected = Buffer.from(redisSparseDump.slice(4, 4 + 33 * 2), 'hex');
    expected[8] = 5;
    expected[15] = 0;
    assert.deepEqual(stored, expected);
    const elements = Array.from({ length: 20_000 }, (_, index) => `20000-${index}`);
    for (let index = 0; index < elements.length; index += 2_000) await client.pfadd(`${k}big`, ...elements.slice(index, index + 2_000));
    assert.equal(await client.pfcount(`${k}big`), 19_912, 'the estimate redis-server gives for the same elements');
    assert.equal(await client.strlen(`${k}big`), 12_304, 'dense');
    assert.equal(await client.pfmerge(`${k}union`, `${k}h`, `${k}big`), 'OK');
    assert.equal(await client.pfcount(`${k}union`), await client.pfcount(`${k}h`, `${k}big`));
    for (const [name, payload] of [['sparse', redisSparseDump], ['dense', redisDenseDump]] as const) {
      assert.equal(await client.restore(`${k}${name}`, 0, Buffer.from(payload, 'hex')), 'OK');
      assert.equal(await client.pfcount(`${k}${name}`), 5, `${name} sketch from redis-server`);
      assert.equal(await client.pfadd(`${k}${name}`, 'f'), 1);
      assert.equal(await client.pfcount(`${k}${name}`), 6);
    }
    assert.equal(await client.call('PFDEBUG', 'ENCODING', `${k}dense`), 'dense');
    await client.set(`${k}str`, 'not a sketch');
    await rejects(client.pfadd(`${k}str`, 'x'), /^WRONGTYPE Key is not a valid HyperLogLog string value\.$/);
    await client.pfadd(`${k}corrupt`, 'a');
    await client.append(`${k}corrupt`, 'garbage');
    await rejects(client.pfcount(`${k}corrupt`), /^INVALIDOBJ Corrupted HLL object detected$/);
  });

  test('node-redis: pfAdd, pfCount over several keys, pfMerge into an existing key', async () => {
    const client = await nodeRedis();
    const k = uniquePrefix('nr-hll');
    assert.equal(await client.pfAdd(`${k}a`, ['1', '2', '3', '4']), 1);
    assert.equal(await client.pfAdd(`${k}b`, ['3', '4', '5', '6']), 1);
    assert.equal(await client.pfCount([`${k}a`, `${k}b`]), 6);
    assert.equal(await client.pfMerge(`${k}a`, [`${k}b`]), 'OK');
    assert.equal(await client.pfCount(`${k}a`), 6);
    assert.equal(await client.type(`${k}a`), 'string');
  });
});

describe('geo', () => {
  test('ioredis: GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH with options, GEOSEARCHSTORE, GEORADIUS', async () => {
    const client = await ioredis();
    const k = uniquePrefix('io-geo');
    assert.equal(await client.geoadd(`${k}sicily`, 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania'), 2);
    assert.equal(await client.geoadd(`${k}sicily`, 'CH', 'XX', 13.361389, 38.115556, 'Palermo'), 0, 'same position, nothing changed');
    assert.deepEqual(await client.geopos(`${k}sicily`, 'Palermo', 'nowhere'), [['13.36138933897018433', '38.11555639549629859'], null]);
    assert.equal(await client.geodist(`${k}sicily`, 'Palermo', 'Catania'), '166274.1516');
    assert.equal(await client.geodist(`${k}sicily`, 'Palermo', 'Catania', 'KM'), '166.2742');
    assert.deepEqual(await client.geohash(`${k}sicily`, 'Palermo', 'Catania'), ['sqc8b49rny0', 'sqdtr74hyu0']);
    assert.deepEqual(await client.geosearch(`${k}sicily`, 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'ASC', 'WITHDIST', 'WITHCOORD'), [
      ['Catania', '56.4413', ['15.08726745843887329', '37.50266842333162032']],
      ['Palermo', '190.4424', ['13.36138933897018433', '38.11555639549629859']],
    ]);
    assert.deepEqual(await client.geosearch(`${k}sicily`, 'FROMMEMBER', 'Palermo', 'BYBOX', 400, 400, 'km', 'DESC', 'COUNT', 1), ['Catania']);
    assert.equal(await client.geosearchstore(`${k}near`, `${k}sicily`, 'FROMLONLAT', 15, 37, 'BYRADIUS', 100, 'km', 'STOREDIST'), 1);
    // The score is the distance in km, the same double redis-server stores (it prints it as 56.441257870158204).
    assert.deepEqual(await client.zrange(`${k}near`, 0, -1), ['Catania']);
    assert.equal(Number(await client.zscore(`${k}near`, 'Catania')), 56.441257870158204);
    assert.deepEqual(await client.georadius(`${k}sicily`, 15, 37, 200, 'km', 'WITHHASH', 'ASC'), [
      ['Catania', 3479447370796909],
      ['Palermo', 3479099956230698],
    ]);
    assert.deepEqual(await client.georadiusbymember(`${k}sicily`, 'Palermo', 1, 'km'), ['Palermo']);
    await rejects(client.geoadd(`${k}sicily`, 200, 100, 'x'), /^ERR invalid longitude,latitude pair 200\.000000,100\.000000$/);
    await rejects(client.geosearch(`${k}sicily`, 'FROMLONLAT', 15, 37, 'BYRADIUS', 10, 'parsecs'), /^ERR unsupported unit provided\. please use M, KM, FT, MI$/);
    assert.equal(await client.type(`${k}sicily`), 'zset', 'a geo index is a sorted set');
  });

  test('node-redis: geoAdd, geoSearch, geoPos, geoDist', async () => {
    const client = await nodeRedis();
    const k = uniquePrefix('nr-geo');
    assert.equal(await client.geoAdd(`${k}g`, [{ longitude: 13.361389, latitude: 38.115556, member: 'Palermo' }, { longitude: 15.087269, latitude: 37.502669, member: 'Catania' }]), 2);
    assert.deepEqual(await client.geoSearch(`${k}g`, { longitude: 15, latitude: 37 }, { radius: 100, unit: 'km' }), ['Catania']);
    const positions = await client.geoPos(`${k}g`, ['Catania']);
    assert.equal(Number(positions[0]?.longitude).toFixed(6), '15.087267');
    assert.equal(await client.geoDist(`${k}g`, 'Palermo', 'Catania', 'km'), 166.2742);
  });
});

describe('BITFIELD', () => {
  test('ioredis: counters packed in one string with SET, INCRBY, OVERFLOW and BITFIELD_RO', async () => {
    const client = await ioredis();
    const k = uniquePrefix('io-bitfield');
    assert.deepEqual(await client.call('BITFIELD', `${k}b`, 'SET', 'u8', '#0', 65, 'SET', 'u8', '#1', 66, 'SET', 'u8', '#2', 67), [0, 0, 0]);
    assert.equal(await client.get(`${k}b`), 'ABC');
    assert.deepEqual(await client.call('BITFIELD', `${k}b`, 'INCRBY', 'u2', 100, 1, 'OVERFLOW', 'SAT', 'INCRBY', 'u2', 102, 1), [1, 1]);
    assert.deepEqual(await client.call('BITFIELD', `${k}b`, 'INCRBY', 'u2', 100, 3, 'OVERFLOW', 'SAT', 'INCRBY', 'u2', 102, 3), [0, 3], 'WRAP wraps, SAT saturates');
    assert.deepEqual(await client.call('BITFIELD', `${k}b`, 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', '#0', 100), [null]);
    assert.deepEqual(await client.call('BITFIELD_RO', `${k}b`, 'GET', 'u8', '#1', 'GET', 'i8', '#0'), [66, 65], 'the failed INCRBY wrote nothing');
    assert.equal(await client.strlen(`${k}b`), 13, 'grown to the farthest bit written');
    await rejects(client.call('BITFIELD_RO', `${k}b`, 'SET', 'u8', 0, 1), /^ERR BITFIELD_RO only supports the GET subcommand$/);
    await rejects(client.bitfield(`${k}b`, 'GET', 'u64', 0), /^ERR Invalid bitfield type\. Use something like i16 u8\. Note that u64 is not supported but i64 is\.$/);
  });

  test('node-redis: bitField and bitFieldRo', async () => {
    const client = await nodeRedis();
    const k = uniquePrefix('nr-bitfield');
    assert.deepEqual(await client.bitField(`${k}b`, [{ operation: 'SET', encoding: 'i16', offset: '#1', value: -300 }, { operation: 'GET', encoding: 'i16', offset: '#1' }]), [0, -300]);
    assert.deepEqual(await client.bitFieldRo(`${k}b`, [{ encoding: 'u16', offset: 16 }]), [65236]);
  });
});

