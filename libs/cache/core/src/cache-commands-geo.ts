/**
 * Geo commands (redis/redis src/geo.c, Redis 7.0): GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH,
 * GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their _RO forms. Points are sorted set members
 * whose scores are 52-bit geohashes (cache-geohash.ts); GEOADD is ZADD with those scores, as in Redis,
 * and every other sorted set command works on the same keys.
 *
 * Replies print as Redis prints them: distances with `%.4f` (computed with cache-libm.ts's sin, cos
 * and asin, as glibc's; searches filter with V8's faster Math and recompute close calls, what they
 * store or print near a rounding edge and distances near another's before sorting), coordinates with `%.17Lf` trimmed (RESP3:
 * doubles with those digits), WITHHASH as the score's integer. Results come in Redis's order: unsorted
 * they follow the 9 searched cells (centre, N, S, E, W, NE, NW, SE, SW) and the sorted set's order
 * within each; ASC/DESC sort stably by distance (glibc's qsort is a merge sort at these sizes), and
 * with COUNT below the number of matches partially with Redis's own pqsort (cache-pqsort.ts), so
 * equal distances come in Redis's order too.
 */
import { CacheCommandError } from './cache-command-errors.js';
import { selectedDatabase, type CacheCommandContext, type CacheCommandSpec } from './cache-command-context.js';
import { argumentAt, keyAt } from './cache-commands-string.js';
import { parseDoubleArgument, readSortedSet, zaddGeneric } from './cache-commands-sorted-set.js';
import {
  geoDistance,
  geoDistanceWithinShape,
  geoLatitudeMax,
  geoLatitudeMin,
  geoLongitudeMax,
  geoLongitudeMin,
  geohashScoreOf,
  geoPointOfScore,
  geoSearchCells,
  geoSearchScoreRanges,
  standardGeohashOf,
  type GeoShape,
} from './cache-geohash.js';
import { type KeyText } from './cache-keyspace.js';
import { formatDoubleFixed, formatLongDoubleHuman, longDoubleOfDouble } from './cache-long-double.js';
import { parseInt64 } from './cache-number.js';
import { partialQuickSort } from './cache-pqsort.js';
import { CacheSortedSet } from './cache-sorted-set.js';
import { respBulkString, respInteger, respNullArray, respNullBulk, type RespValue } from './resp-value.js';

type Args = readonly Buffer[];

function optionName(argument: Buffer): string {
  return argument.toString('latin1').toLowerCase();
}

/** getDoubleFromObjectOrReply: `message` replaces "value is not a valid float" when given. */
function requireDoubleOr(argument: Buffer, message?: string): number {
  const value = parseDoubleArgument(argument);
  if (value === null) throw message === undefined ? new CacheCommandError('not-float') : new CacheCommandError('message', message);
  return value;
}

/** extractLongLatOrReply. */
function parseLongitudeLatitude(args: Args, index: number): [number, number] {
  const longitude = requireDoubleOr(argumentAt(args, index));
  const latitude = requireDoubleOr(argumentAt(args, index + 1));
  if (longitude < geoLongitudeMin || longitude > geoLongitudeMax || latitude < geoLatitudeMin || latitude > geoLatitudeMax) {
    throw new CacheCommandError('message', `invalid longitude,latitude pair ${formatDoubleFixed(longitude, 6)},${formatDoubleFixed(latitude, 6)}`);
  }
  return [longitude, latitude];
}

/** extractUnitOrReply: meters per unit. */
function metersPerUnitOf(argument: Buffer): number {
  switch (optionName(argument)) {
    case 'm':
      return 1;
    case 'km':
      return 1000;
    case 'ft':
      return 0.3048;
    case 'mi':
      return 1609.34;
    default:
      throw new CacheCommandError('message', 'unsupported unit provided. please use M, KM, FT, MI');
  }
}

/** addReplyDoubleDistance. */
function distanceReply(distance: number): RespValue {
  return respBulkString(formatDoubleFixed(distance, 4));
}

/** addReplyHumanLongDouble: a bulk string in RESP2, a double in RESP3, both with `%.17Lf` digits trimmed. */
function coordinateReply(value: number): RespValue {
  return { type: 'double', value, text: formatLongDoubleHuman(longDoubleOfDouble(value)) };
}

/** (long long) of a score as x86-64 converts it (WITHHASH): out of range and NaN give INT64_MIN. */
function scoreAsInteger(score: number): bigint {
  if (!(score >= -(2 ** 63) && score < 2 ** 63)) return -(2n ** 63n);
  return BigInt(Math.trunc(score));
}

/** GEOADD key [NX|XX] [CH] longitude latitude member [...]: ZADD with the members' geohash scores. */
function geoadd(context: CacheCommandContext, args: Args): RespValue {
  let xx = false;
  let nx = false;
  let longitudeIndex = 2;
  for (; longitudeIndex < args.length; longitudeIndex++) {
    const option = optionName(args[longitudeIndex] as Buffer);
    if (option === 'nx') nx = true;
    else if (option === 'xx') xx = true;
    else if (option !== 'ch') break;
  }
  if ((args.length - longitudeIndex) % 3 !== 0 || (xx && nx)) throw new CacheCommandError('syntax');
  const zaddArgs: Buffer[] = [Buffer.from('zadd'), ...args.slice(1, longitudeIndex)];
  for (let index = longitudeIndex; index < args.length; index += 3) {
    const [longitude, latitude] = parseLongitudeLatitude(args, index);
    const score = geohashScoreOf(longitude, latitude);
    // The limits were checked: the encoding cannot fail.
    zaddArgs.push(Buffer.from(String(score ?? 0n)), args[index + 2] as Buffer);
  }
  return zaddGeneric(context, zaddArgs, false);
}

/** GEOPOS key [member ...]. */
function geopos(context: CacheCommandContext, args: Args): RespValue {
  const zset = readSortedSet(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  const items: RespValue[] = [];
  for (let index = 2; index < args.length; index++) {
    const score = zset?.score(keyAt(args, index));
    if (score === undefined) {
      items.push(respNullArray);
      continue;
    }
    const [longitude, latitude] = geoPointOfScore(score);
    items.push({ type: 'array', items: [coordinateReply(longitude), coordinateReply(latitude)] });
  }
  return { type: 'array', items };
}

/** GEODIST key member1 member2 [M|KM|FT|MI]. */
function geodist(context: CacheCommandContext, args: Args): RespValue {
  let metersPerUnit = 1;
  if (args.length === 5) metersPerUnit = metersPerUnitOf(args[4] as Buffer);
  else if (args.length > 5) throw new CacheCommandError('syntax');
  const zset = readSortedSet(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  if (zset === null) return respNullBulk;
  const score1 = zset.score(keyAt(args, 2));
  const score2 = zset.score(keyAt(args, 3));
  if (score1 === undefined || score2 === undefined) return respNullBulk;
  const [longitude1, latitude1] = geoPointOfScore(score1);
  const [longitude2, latitude2] = geoPointOfScore(score2);
  return distanceReply(geoDistance(longitude1, latitude1, longitude2, latitude2) / metersPerUnit);
}

/** GEOHASH key [member ...]. */
function geohash(context: CacheCommandContext, args: Args): RespValue {
  const zset = readSortedSet(selectedDatabase(context), keyAt(args, 1), context.nowMs);
  const items: RespValue[] = [];
  for (let index = 2; index < args.length; index++) {
    const score = zset?.score(keyAt(args, index));
    items.push(score === undefined ? respNullBulk : respBulkString(standardGeohashOf(score)));
  }
  return { type: 'array', items };
}

/** Which command of the georadiusGeneric family runs (its flags). */
interface SearchVariant {
  /** GEORADIUS(_RO): centre from coordinates; GEORADIUSBYMEMBER(_RO): from a member; GEOSEARCH(STORE). */
  readonly from: 'coordinates' | 'member' | 'search';
  /** The _RO forms refuse STORE and STOREDIST. */
  readonly noStore: boolean;
  readonly searchStore: boolean;
}

export interface GeoMatch {
  readonly member: KeyText;
  readonly score: number;
  readonly longitude: number;
  readonly latitude: number;
  distance: number;
  /** Whether {@link distance} is the exact one (geoDistance), not the fast one the search computed. */
  exact: boolean;
}

/** georadiusGeneric: argument parsing in Redis's order, then the search, then the reply or the store. */
function georadiusGeneric(context: CacheCommandContext, args: Args, sourceIndex: number, variant: SearchVariant): RespValue {
  const database = selectedDatabase(context);
  const zset = readSortedSet(database, keyAt(args, sourceIndex), context.nowMs);
  let baseArgs: number;
  let centre: [number, number] | null = null;
  let metersPerUnit = 1;
  let radius: number | null = null;
  let box: { width: number; height: number } | null = null;
  let storeKey: KeyText | null = null;
  let storeDistance = false;
  if (variant.from === 'coordinates') {
    baseArgs = 6;
    centre = parseLongitudeLatitude(args, 2);
    ({ metersPerUnit, radius } = parseDistance(args, 4));
  } else if (variant.from === 'member') {
    baseArgs = 5;
    if (zset !== null) {
      centre = memberPosition(zset, keyAt(args, 2));
      ({ metersPerUnit, radius } = parseDistance(args, 3));
    }
  } else {
    baseArgs = variant.searchStore ? 3 : 2;
    if (variant.searchStore) storeKey = keyAt(args, 1);
  }

  let withDistance = false;
  let withHash = false;
  let withCoordinates = false;
  let fromMember = false;
  let fromCoordinates = false;
  let sort: 'none' | 'asc' | 'desc' = 'none';
  let any = false;
  let count = 0n;
  const search = variant.from === 'search';
  const remaining = args.length - baseArgs;
  for (let offset = 0; offset < remaining; offset++) {
    const index = baseArgs + offset;
    const option = optionName(args[index] as Buffer);
    if (option === 'withdist') withDistance = true;
    else if (option === 'withhash') withHash = true;
    else if (option === 'withcoord') withCoordinates = true;
    else if (option === 'any') any = true;
    else if (option === 'asc') sort = 'asc';
    else if (option === 'desc') sort = 'desc';
    else if (option === 'count' && offset + 1 < remaining) {
      const value = parseInt64(args[index + 1] as Buffer);
      if (value === null) throw new CacheCommandError('not-integer');
      if (value <= 0n) throw new CacheCommandError('message', 'COUNT must be > 0');
      count = value;
      offset++;
    } else if ((option === 'store' || option === 'storedist') && offset + 1 < remaining && !variant.noStore && !search) {
      storeKey = keyAt(args, index + 1);
      storeDistance = option === 'storedist';
      offset++;
    } else if (option === 'storedist' && search && variant.searchStore) {
      storeDistance = true;
    } else if (option === 'frommember' && offset + 1 < remaining && search && !fromCoordinates) {
      if (zset !== null) centre = memberPosition(zset, keyAt(args, index + 1));
      fromMember = true;
      offset++;
    } else if (option === 'fromlonlat' && offset + 2 < remaining && search && !fromMember) {
      centre = parseLongitudeLatitude(args, index + 1);
      fromCoordinates = true;
      offset += 2;
    } else if (option === 'byradius' && offset + 2 < remaining && search && box === null) {
      ({ metersPerUnit, radius } = parseDistance(args, index + 1));
      offset += 2;
    } else if (option === 'bybox' && offset + 3 < remaining && search && radius === null) {
      const width = requireDoubleOr(args[index + 1] as Buffer, 'need numeric width');
      const height = requireDoubleOr(args[index + 2] as Buffer, 'need numeric height');
      if (height < 0 || width < 0) throw new CacheCommandError('message', 'height or width cannot be negative');
      metersPerUnit = metersPerUnitOf(args[index + 3] as Buffer);
      box = { width, height };
      offset += 3;
    } else {
      throw new CacheCommandError('syntax');
    }
  }

  const commandName = (args[0] as Buffer).toString('latin1');
  if (storeKey !== null && (withDistance || withHash || withCoordinates)) {
    const what = variant.searchStore ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    throw new CacheCommandError('message', `${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  if (search && !(fromMember || fromCoordinates)) {
    throw new CacheCommandError('message', `exactly one of FROMMEMBER or FROMLONLAT can be specified for ${commandName}`);
  }
  if (search && radius === null && box === null) {
    throw new CacheCommandError('message', `exactly one of BYRADIUS and BYBOX can be specified for ${commandName}`);
  }
  if (any && count === 0n) throw new CacheCommandError('message', 'the ANY argument requires COUNT argument');

  if (zset === null || centre === null) {
    if (storeKey === null) return { type: 'array', items: [] };
    database.delete(storeKey);
    return respInteger(0);
  }
  if (count !== 0n && sort === 'none' && !any) sort = 'asc';

  const [longitude, latitude] = centre;
  const shape: GeoShape =
    box === null
      ? { kind: 'circle', longitude, latitude, metersPerUnit, radius: radius ?? 0 }
      : { kind: 'box', longitude, latitude, metersPerUnit, width: box.width, height: box.height };
  // A COUNT beyond 2^53 is never reached: the bound keeps the limit a plain number.
  const limit = any ? Number(count < 2n ** 53n ? count : 2n ** 53n) : 0;
  const matches = findMatches(zset, shape, limit);
  if (matches.length === 0 && storeKey === null) return { type: 'array', items: [] };

  const returnedCount = count === 0n || BigInt(matches.length) < count ? matches.length : Number(count);
  if (sort !== 'none') {
    sortGeoMatches(matches, sort, returnedCount, (match) => geoDistance(longitude, latitude, match.longitude, match.latitude));
  }
  const returned = matches.slice(0, returnedCount);
  for (const match of returned) {
    // Matches carry the fast distance; what is stored or printed near a rounding edge is recomputed.
    if (!match.exact && (storeDistance || (withDistance && nearFourDecimalTie(match.distance / metersPerUnit)))) {
      match.distance = geoDistance(longitude, latitude, match.longitude, match.latitude);
    }
    match.distance /= metersPerUnit;
  }

  if (storeKey === null) {
    const optionCount = (withDistance ? 1 : 0) + (withHash ? 1 : 0) + (withCoordinates ? 1 : 0);
    const items = returned.map((match): RespValue => {
      const member = respBulkString(Buffer.from(match.member, 'latin1'));
      if (optionCount === 0) return member;
      const parts: RespValue[] = [member];
      if (withDistance) parts.push(distanceReply(match.distance));
      if (withHash) parts.push(respInteger(scoreAsInteger(match.score)));
      if (withCoordinates) parts.push({ type: 'array', items: [coordinateReply(match.longitude), coordinateReply(match.latitude)] });
      return { type: 'array', items: parts };
    });
    return { type: 'array', items };
  }
  if (returned.length === 0) {
    database.delete(storeKey);
    return respInteger(0);
  }
  const result = new CacheSortedSet();
  for (const match of returned) result.set(match.member, storeDistance ? match.distance : match.score);
  database.set({ key: storeKey, value: { type: 'zset', zset: result }, expireAtMs: null, keepExpiry: false });
  return respInteger(returned.length);
}

/**
 * How far a fast distance may be from the exact one: 2^-44 of it, 256 units in the last place. V8's
 * and the exact sin/cos/asin differ by a unit or two, and the haversine keeps that within a few
 * units except within about 8 km of the centre's antipode, where asin's slope amplifies it (Redis's
 * own distances there hang on glibc's last bit). The window grows with the value: a fixed one was
 * below one unit of `%.4f` past about 450 km.
 */
function fastDistanceError(distance: number): number {
  return Math.abs(distance) * 2 ** -44;
}

/** Whether the fast `distance`'s error could change its `%.4f` digits (the window grows with the value). */
function nearFourDecimalTie(distance: number): boolean {
  const scaled = Math.abs(distance) * 1e4;
  return Math.abs(scaled - Math.floor(scaled) - 0.5) < 1e-6 + 2 * fastDistanceError(scaled) || scaled >= 2 ** 40;
}

/**
 * Before ASC/DESC: the exact distance for every match whose fast distance is within twice the fast
 * error of another's (equal ones included). Every match left with its fast distance is then further
 * than that from all others, so each comparison the sort makes comes out as with Redis's exact
 * distances (equal exact distances stay equal, for pqsort's tie order): the same order, at the cost
 * of exact trigonometry only for the close pairs.
 */
function exactWhereOrderIsClose(matches: GeoMatch[], exactDistanceOf: (match: GeoMatch) => number): void {
  if (matches.length < 2) return;
  const sorted = Float64Array.from(matches, (match) => match.distance).sort();
  const close = new Set<number>();
  for (let index = 1; index < sorted.length; index++) {
    const lower = sorted[index - 1] as number;
    const upper = sorted[index] as number;
    if (upper - lower <= 2 * fastDistanceError(upper)) {
      close.add(lower);
      close.add(upper);
    }
  }
  if (close.size === 0) return;
  for (const match of matches) {
    if (match.exact || !close.has(match.distance)) continue;
    match.distance = exactDistanceOf(match);
    match.exact = true;
  }
}

/**
 * In `sorted` (ordered by fast distance): the exact distance for each match within twice the fast
 * error of a neighbour, as {@link exactWhereOrderIsClose} does; false when there was none.
 */
function exactWhereSortedAreClose(sorted: GeoMatch[], exactDistanceOf: (match: GeoMatch) => number): boolean {
  let any = false;
  // The fast distances, compared as they were sorted (a match made exact below keeps its place here).
  const fast = Float64Array.from(sorted, (match) => match.distance);
  for (let index = 1; index < sorted.length; index++) {
    const previous = fast[index - 1] as number;
    const current = fast[index] as number;
    if (Math.abs(current - previous) > 2 * fastDistanceError(Math.max(Math.abs(previous), Math.abs(current)))) continue;
    for (const match of [sorted[index - 1] as GeoMatch, sorted[index] as GeoMatch]) {
      if (match.exact) continue;
      match.distance = exactDistanceOf(match);
      match.exact = true;
      any = true;
    }
  }
  return any;
}

/**
 * ASC/DESC: the first `returnedCount` matches in the order Redis's exact distances give (see
 * {@link exactWhereOrderIsClose}). A full sort is glibc's qsort, a merge sort at these sizes (stable,
 * as Array.prototype.sort): it sorts by the fast distances, and only when some are close sorts the
 * candidates' order again with their exact ones. A partial one is Redis's pqsort, whose comparisons
 * depend on the input order: the close matches are found first.
 */
export function sortGeoMatches(matches: GeoMatch[], sort: 'asc' | 'desc', returnedCount: number, exactDistanceOf: (match: GeoMatch) => number): void {
  const direction = sort === 'asc' ? 1 : -1;
  const compare = (a: GeoMatch, b: GeoMatch): number => (a.distance > b.distance ? direction : a.distance === b.distance ? 0 : -direction);
  if (returnedCount === matches.length) {
    const candidates = matches.slice();
    matches.sort(compare);
    if (!exactWhereSortedAreClose(matches, exactDistanceOf)) return;
    for (let index = 0; index < candidates.length; index++) matches[index] = candidates[index] as GeoMatch;
    matches.sort(compare);
    return;
  }
  exactWhereOrderIsClose(matches, exactDistanceOf);
  partialQuickSort(matches, compare, 0, returnedCount - 1);
}

/** extractDistanceOrReply: the radius and the unit's meters. */
function parseDistance(args: Args, index: number): { metersPerUnit: number; radius: number } {
  const radius = requireDoubleOr(argumentAt(args, index), 'need numeric radius');
  if (radius < 0) throw new CacheCommandError('message', 'radius cannot be negative');
  return { radius, metersPerUnit: metersPerUnitOf(argumentAt(args, index + 1)) };
}

/** longLatFromMember, or Redis's error for a member the set does not hold. */
function memberPosition(zset: CacheSortedSet, member: KeyText): [number, number] {
  const score = zset.score(member);
  if (score === undefined) throw new CacheCommandError('message', 'could not decode requested zset member');
  return geoPointOfScore(score);
}

/**
 * membersOfAllNeighbors + geoGetPointsInRange: the members inside the shape, cell by cell in score
 * order; with a `limit` (ANY) the search stops once that many were found.
 */
function findMatches(zset: CacheSortedSet, shape: GeoShape, limit: number): GeoMatch[] {
  const matches: GeoMatch[] = [];
  for (const { min, max } of geoSearchScoreRanges(geoSearchCells(shape))) {
    if (matches.length > 0 && limit > 0 && matches.length >= limit) break;
    const ranks = zset.scoreRangeRanks({ min, minExclusive: false, max, maxExclusive: true });
    for (const entry of zset.entries(ranks)) {
      const [longitude, latitude] = geoPointOfScore(entry.score);
      const distance = geoDistanceWithinShape(shape, longitude, latitude);
      if (distance !== null) matches.push({ member: entry.member, score: entry.score, longitude, latitude, distance, exact: false });
      if (matches.length > 0 && limit > 0 && matches.length >= limit) break;
    }
  }
  return matches;
}

const flagsRead = ['readonly'] as const;
const flagsWrite = ['write', 'denyoom'] as const;

export const cacheGeoCommands: readonly CacheCommandSpec[] = [
  { name: 'geoadd', arity: -5, flags: flagsWrite, handler: geoadd },
  { name: 'geopos', arity: -2, flags: flagsRead, handler: geopos },
  { name: 'geodist', arity: -4, flags: flagsRead, handler: geodist },
  { name: 'geohash', arity: -2, flags: flagsRead, handler: geohash },
  { name: 'geosearch', arity: -7, flags: flagsRead, handler: (context, args) => georadiusGeneric(context, args, 1, { from: 'search', noStore: false, searchStore: false }) },
  {
    name: 'geosearchstore',
    arity: -8,
    flags: flagsWrite,
    handler: (context, args) => georadiusGeneric(context, args, 2, { from: 'search', noStore: false, searchStore: true }),
  },
  { name: 'georadius', arity: -6, flags: flagsWrite, handler: (context, args) => georadiusGeneric(context, args, 1, { from: 'coordinates', noStore: false, searchStore: false }) },
  {
    name: 'georadiusbymember',
    arity: -5,
    flags: flagsWrite,
    handler: (context, args) => georadiusGeneric(context, args, 1, { from: 'member', noStore: false, searchStore: false }),
  },
  { name: 'georadius_ro', arity: -6, flags: flagsRead, handler: (context, args) => georadiusGeneric(context, args, 1, { from: 'coordinates', noStore: true, searchStore: false }) },
  {
    name: 'georadiusbymember_ro',
    arity: -5,
    flags: flagsRead,
    handler: (context, args) => georadiusGeneric(context, args, 1, { from: 'member', noStore: true, searchStore: false }),
  },
];
