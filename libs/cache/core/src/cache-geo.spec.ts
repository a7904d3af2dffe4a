/**
 * Geo commands as transcripts whose replies redis-server 7.0.15 produced for the same commands (geo.tcl
 * cases and every error text), RESP3 coordinate doubles, and a property: a radius search finds exactly
 * the points a brute-force haversine filter finds (the 9-cell cover misses nothing at these radii).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sortGeoMatches, type GeoMatch } from './cache-commands-geo.js';
import { geoDistance, geohashScoreOf, geoPointOfScore } from './cache-geohash.js';
import { type KeyText } from './cache-keyspace.js';
import { partialQuickSort } from './cache-pqsort.js';
import { formatDoubleFixed, formatDoubleFixedExact } from './cache-long-double.js';
import { createTestContext, renderReply, replay, run } from './cache-session.spec-helper.js';
import { encodeReply } from './resp-encoder.js';
import { type RespValue } from './resp-value.js';

const nyc =
  'GEOADD nyc -73.9454966 40.747533 lic_market -73.9733487 40.7648057 central_park -73.9903085 40.7362513 union_square -74.0131604 40.7126674 wtc_one -73.7858139 40.6428986 jfk -73.9375699 40.7498929 q4 -73.9564142 40.7480973 4545';

test('geo: GEOADD stores Redis scores; GEOPOS, GEODIST, GEOHASH print as Redis', () => {
  replay([
    `${nyc} -> :7`,
    'ZRANGE nyc 0 -1 WITHSCORES -> ["wtc_one", (double) 1791873972053020, "union_square", (double) 1791875485187452, "central_park", (double) 1791875761332224, "4545", (double) 1791875796750882, "lic_market", (double) 1791875804419201, "q4", (double) 1791875830079666, "jfk", (double) 1791895905559723]',
    'GEOPOS nyc jfk nope -> [[(double) -73.78581315279006958, (double) 40.64289898154041936], (nil)]',
    'GEODIST nyc jfk q4 km -> "17.4758"',
    'GEODIST nyc jfk jfk -> "0.0000"',
    'GEODIST nyc jfk nope -> (nil)',
    'GEODIST nokey a b -> (nil)',
    'GEODIST nyc jfk q4 yards -> -ERR unsupported unit provided. please use M, KM, FT, MI',
    'GEODIST nyc jfk q4 km extra -> -ERR syntax error',
    'GEOHASH nyc jfk nope -> ["dr5x0yyf1c0", (nil)]',
    'GEOADD points -5.6 42.6 test -> :1',
    'GEOHASH points test -> ["ezs42e44yx0"]',
    'GEOADD nyc CH XX -73.9454966 40.8 lic_market -> :1',
    'GEOADD nyc NX -73.9454966 40.747533 lic_market -> :0',
    'GEOADD nyc xx nx -73.9454966 40.747533 lic_market -> -ERR syntax error',
    'GEOADD nyc 1 2 x 3 -> -ERR syntax error',
    'GEOADD nyc 200 1 x -> -ERR invalid longitude,latitude pair 200.000000,1.000000',
    'GEOADD nyc 1 85.06 x -> -ERR invalid longitude,latitude pair 1.000000,85.060000',
    'GEOADD nyc foo bar x -> -ERR value is not a valid float',
    'SET str x -> +OK',
    'GEOADD str 1 1 a -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'GEOPOS str a -> -WRONGTYPE Operation against a key holding the wrong kind of value',
  ]);
});

test('geo: GEORADIUS / GEOSEARCH options, order and stores (geo.tcl)', () => {
  const context = createTestContext();
  run(context, ...nyc.split(' '));
  replay(
    [
      'GEORADIUS nyc -73.9798091 40.7598464 3 km asc -> ["central_park", "4545", "union_square"]',
      'GEOSEARCH nyc fromlonlat -73.9798091 40.7598464 bybox 6 6 km asc -> ["central_park", "4545", "union_square", "lic_market"]',
      'GEORADIUS nyc -73.9798091 40.7598464 3 km withdist asc -> [["central_park", "0.7750"], ["4545", "2.3651"], ["union_square", "2.7697"]]',
      'GEORADIUS nyc -73.9798091 40.7598464 10 km WITHDIST WITHHASH WITHCOORD COUNT 2 -> [["central_park", "0.7750", :1791875761332224, [(double) -73.97334784269332886, (double) 40.76480639569881959]], ["4545", "2.3651", :1791875796750882, [(double) -73.95641237497329712, (double) 40.74809751381645384]]]',
      'GEORADIUS nyc -73.9798091 40.7598464 10 km COUNT 3 ANY -> ["wtc_one", "union_square", "central_park"]',
      'GEORADIUS nyc -73.9798091 40.7598464 10 km COUNT 3 ANY ASC -> ["central_park", "union_square", "wtc_one"]',
      'GEORADIUS nyc -73.9798091 40.7598464 10 km COUNT 2 DESC -> ["wtc_one", "q4"]',
      'GEORADIUSBYMEMBER nyc wtc_one 7 km withdist -> [["wtc_one", "0.0000"], ["union_square", "3.2544"], ["central_park", "6.7000"], ["4545", "6.1975"], ["lic_market", "6.8969"]]',
      'GEOSEARCH nyc frommember wtc_one bybox 14 14 km -> ["wtc_one", "union_square", "central_park", "4545", "lic_market", "q4"]',
      'GEORADIUS nyc -73.9798091 40.7598464 50 km STOREDIST out COUNT 2 DESC -> :2',
      'ZRANGE out 0 -1 WITHSCORES -> ["wtc_one", (double) 5.953033118350843, "jfk", (double) 20.89954504148419]',
      'GEOSEARCHSTORE out nyc FROMLONLAT 0 0 BYRADIUS 30 km -> :0',
      'EXISTS out -> :0',
      'GEORADIUS nyc -73.9798091 40.7598464 10 km ANY ASC -> -ERR the ANY argument requires COUNT argument',
      'GEORADIUS nyc -73.9798091 40.7598464 10 km COUNT -> -ERR syntax error',
      'GEORADIUS nyc -73.9798091 40.7598464 10 km COUNT 0 -> -ERR COUNT must be > 0',
      'GEORADIUS nyc -73.9798091 40.7598464 abc km -> -ERR need numeric radius',
      'GEORADIUS nyc -73.9798091 40.7598464 -1 km -> -ERR radius cannot be negative',
      'GEOSEARCH nyc fromlonlat 0 0 bybox x 6 km -> -ERR need numeric width',
      'GEOSEARCH nyc fromlonlat 0 0 bybox 6 -6 km -> -ERR height or width cannot be negative',
      'GEOSEARCH nyc fromlonlat 0 0 frommember jfk bybox 6 6 km -> -ERR syntax error',
      'GEOSEARCH nyc bybox 3 3 km asc -> -ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH',
      'GEOSEARCH nyc fromlonlat 0 0 asc withdist -> -ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH',
      'GEOSEARCH nyc fromlonlat 0 0 bybox 6 6 km storedist -> -ERR syntax error',
      'GEOSEARCH nyc frommember nope byradius 1 km -> -ERR could not decode requested zset member',
      'GEORADIUS nyc 0 0 50 km STORE x WITHDIST -> -ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options',
      'GEOSEARCHSTORE x nyc fromlonlat 0 0 byradius 50 km WITHCOORD -> -ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options',
      'GEORADIUS_RO nyc 0 0 10 km STORE x -> -ERR syntax error',
      'GEORADIUSBYMEMBER nokey member abc km -> []',
      'GEOSEARCHSTORE out nokey FROMMEMBER member BYBOX 1 1 m -> :0',
    ],
    context,
  );
});

test('geo: coordinates are RESP3 doubles with Redis digits, bulk strings in RESP2', () => {
  const context = createTestContext();
  run(context, 'GEOADD', 'k', '13.361389', '38.115556', 'Palermo');
  const reply = run(context, 'GEOPOS', 'k', 'Palermo') as RespValue;
  assert.equal(encodeReply(reply, 2).toString('latin1'), '*1\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n');
  assert.equal(encodeReply(reply, 3).toString('latin1'), '*1\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n');
});

test('geo: a radius search finds exactly the points within the radius (brute force, property)', () => {
  fc.assert(
    fc.property(
      fc.double({ min: -170, max: 170, noNaN: true }),
      fc.double({ min: -70, max: 70, noNaN: true }),
      fc.double({ min: 1, max: 500, noNaN: true }),
      fc.array(fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true })), { minLength: 1, maxLength: 60 }),
      (longitude, latitude, radiusKm, offsets) => {
        const context = createTestContext();
        const spread = (radiusKm / 111) * 2;
        const points = offsets.map(([dx, dy], index) => {
          const pointLatitude = Math.max(-85, Math.min(85, latitude + dy * spread));
          const pointLongitude = Math.max(-180, Math.min(180, longitude + dx * spread));
          return { member: `p${index}`, longitude: pointLongitude, latitude: pointLatitude };
        });
        for (const point of points) run(context, 'GEOADD', 'k', String(point.longitude), String(point.latitude), point.member);
        const expected = points
          .filter((point) => {
            const [storedLongitude, storedLatitude] = geoPointOfScore(Number(geohashScoreOf(point.longitude, point.latitude)));
            return geoDistance(longitude, latitude, storedLongitude, storedLatitude) <= radiusKm * 1000;
          })
          .map((point) => `"${point.member}"`)
          .sort();
        const reply = renderReply(run(context, 'GEOSEARCH', 'k', 'FROMLONLAT', String(longitude), String(latitude), 'BYRADIUS', String(radiusKm), 'km'));
        const found = reply === '[]' ? [] : reply.slice(1, -1).split(', ').sort();
        assert.deepEqual(found, expected);
      },
    ),
    { seed: 20261201, numRuns: 150 },
  );
});

test('geo: %.4f and %f print as glibc (exact value, ties to even), fast path included (property)', () => {
  assert.equal(formatDoubleFixed(0.03125, 4), '0.0312', 'an exact tie rounds to even');
  assert.equal(formatDoubleFixed(0.09375, 4), '0.0938');
  assert.equal(formatDoubleFixed(-0, 4), '-0.0000');
  assert.equal(formatDoubleFixed(1e300, 0).length, 301);
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e7, max: 1e7 }), fc.constantFrom(4, 6), (value, digits) => {
      assert.equal(formatDoubleFixed(value, digits), formatDoubleFixedExact(value, digits));
    }),
    { seed: 20261201, numRuns: 5000 },
  );
});

test('geo: arbitrary arguments and scores give replies or Redis errors, never an exception (fuzz)', () => {
  const number = fc.oneof(
    fc.double({ noNaN: false }).map(String),
    fc.constantFrom('0', '-0', '180', '-180', '85.05112878', '-85.05112878', '1e308', '-1e308', 'inf', '-inf', 'nan', '1e-320', 'x', ''),
  );
  const unit = fc.constantFrom('m', 'km', 'ft', 'mi', 'KM', 'parsec');
  const member = fc.constantFrom('a', 'b', 'c', 'nope');
  const option = fc.constantFrom('WITHDIST', 'WITHHASH', 'WITHCOORD', 'ASC', 'DESC', 'ANY', 'COUNT', '3', '0', 'STORE', 'STOREDIST', 'dst', 'FROMMEMBER', 'a');
  const command = fc.oneof(
    fc.tuple(number, member).map(([score, name]) => ['ZADD', 'g', score, name]),
    fc.tuple(number, number, member).map(([longitude, latitude, name]) => ['GEOADD', 'g', longitude, latitude, name]),
    fc.tuple(number, number, number, unit, fc.array(option, { maxLength: 5 })).map(([longitude, latitude, radius, u, rest]) => ['GEORADIUS', 'g', longitude, latitude, radius, u, ...rest]),
    fc.tuple(member, number, unit, fc.array(option, { maxLength: 5 })).map(([name, radius, u, rest]) => ['GEORADIUSBYMEMBER', 'g', name, radius, u, ...rest]),
    fc.tuple(number, number, number, number, unit, fc.array(option, { maxLength: 4 })).map(([longitude, latitude, width, height, u, rest]) => [
      'GEOSEARCH', 'g', 'FROMLONLAT', longitude, latitude, 'BYBOX', width, height, u, ...rest,
    ]),
    fc.tuple(member, number, unit).map(([name, radius, u]) => ['GEOSEARCHSTORE', 'dst', 'g', 'FROMMEMBER', name, 'BYRADIUS', radius, u, 'STOREDIST']),
    fc.tuple(member, member).map(([first, second]) => ['GEODIST', 'g', first, second, 'km']),
    fc.array(member, { maxLength: 3 }).map((names) => ['GEOPOS', 'g', ...names]),
    fc.array(member, { maxLength: 3 }).map((names) => ['GEOHASH', 'g', ...names]),
  );
  fc.assert(
    fc.property(fc.array(command, { minLength: 1, maxLength: 12 }), (commands) => {
      const context = createTestContext();
      for (const words of commands) {
        const reply = renderReply(run(context, ...words));
        assert.ok(!reply.startsWith('-ERR internal'), reply);
      }
    }),
    { seed: 20261201, numRuns: 400 },
  );
});

test('geo: WITHDIST prints the exact distance where the fast one rounds the other way past 450 km (redis-server 7.0.15)', () => {
  // m2's fast distance is 12546992.08185000x: a fixed 1e-6 window was below one unit of %.4f there.
  replay([
    'ZADD g 3584346793192478 m1 2894813875861213 m2 256350010463575 m3 -> :3',
    'GEOSEARCH g FROMLONLAT -150.01342490360815 17.45163032904904 BYRADIUS 20000000 m WITHDIST ASC -> [["m3", "9796042.0315"], ["m2", "12546992.0818"], ["m1", "12603169.9543"]]',
    'GEOSEARCH g FROMLONLAT -80.65782697069218 11.454140930292283 BYRADIUS 20000 km WITHDIST ASC -> [["m3", "8203.0209"], ["m2", "14436.1494"], ["m1", "16797.2810"]]',
    'GEORADIUS g 146.74889751017815 69.49755732898726 20000 km WITHDIST ASC -> [["m1", "7175.1905"], ["m2", "14956.9204"], ["m3", "16957.2849"]]',
  ]);
});

test('geo: ASC/DESC order (COUNT or not) is the exact distances\' order though matches carry fast distances a few ulps off (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -3, max: 3 }), fc.integer({ min: -200, max: 200 })), { minLength: 2, maxLength: 40 }),
      fc.boolean(),
      fc.integer({ min: 1, max: 40 }),
      (points, ascending, count) => {
        // Exact distances in a few clusters a few ulps apart (ties too); fast ones up to 200 ulps off.
        const exact = points.map(([cluster, ulps]) => 12546992.0818 * (cluster + 1) * (1 + ulps * 2 ** -52));
        const make = (): GeoMatch[] =>
          points.map(([, , fastUlps], index) => ({ member: `m${index}` as KeyText, score: index, longitude: 0, latitude: 0, distance: (exact[index] as number) * (1 + fastUlps * 2 ** -52), exact: false }));
        const returnedCount = Math.min(count, points.length);
        const sorted = make();
        sortGeoMatches(sorted, ascending ? 'asc' : 'desc', returnedCount, (match) => exact[match.score] as number);
        const reference = make().map((match) => ({ ...match, distance: exact[match.score] as number }));
        const direction = ascending ? 1 : -1;
        const compare = (a: GeoMatch, b: GeoMatch): number => (a.distance > b.distance ? direction : a.distance === b.distance ? 0 : -direction);
        if (returnedCount === reference.length) reference.sort(compare);
        else partialQuickSort(reference, compare, 0, returnedCount - 1);
        assert.deepEqual(sorted.slice(0, returnedCount).map((match) => match.member), reference.slice(0, returnedCount).map((match) => match.member));
      },
    ),
    { seed: 20261201, numRuns: 500 },
  );
});
