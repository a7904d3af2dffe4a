/**
 * Geohashes as Redis computes them (redis/redis src/geohash.c, geohash_helper.c, Redis 7.0): a point is
 * stored in a sorted set with a 52-bit score, latitude bits in the even positions and longitude bits
 * in the odd ones (26 steps each), over latitudes -85.05112878..85.05112878 (Web Mercator's) and
 * longitudes -180..180. A search covers its shape with the cell of a step estimated from the radius
 * and the cell's 8 neighbours, and filters the points of those 9 score ranges by distance (haversine
 * on a sphere of radius 6372797.560856 m). Every step follows Redis's double arithmetic, so the same
 * points are found, in the same order, with the same distances.
 *
 * 64-bit hash values are BigInts where Redis uses uint64_t; the hot path (decoding each candidate's
 * score) works on two 32-bit halves.
 */
import { correctlyRoundedAsin, correctlyRoundedCos, correctlyRoundedSin } from './cache-libm.js';

export const geoLongitudeMin = -180;
export const geoLongitudeMax = 180;
export const geoLatitudeMin = -85.05112878;
export const geoLatitudeMax = 85.05112878;
/** GEO_STEP_MAX: 26 steps, 52 bits. */
export const geoStepMax = 26;
const earthRadiusMeters = 6372797.560856;
const mercatorMax = 20037726.37;
/** D_R: M_PI / 180.0 in double. */
const degreesToRadians = Math.PI / 180.0;

export interface GeoHashBits {
  readonly bits: bigint;
  readonly step: number;
}

interface GeoRange {
  readonly min: number;
  readonly max: number;
}

export interface GeoArea {
  readonly longitude: GeoRange;
  readonly latitude: GeoRange;
}

const wgs84Longitude: GeoRange = { min: geoLongitudeMin, max: geoLongitudeMax };
const wgs84Latitude: GeoRange = { min: geoLatitudeMin, max: geoLatitudeMax };
/** The ranges of standard geohash strings (GEOHASH re-encodes with them). */
const standardLatitude: GeoRange = { min: -90, max: 90 };

const zeroHash: GeoHashBits = { bits: 0n, step: 0 };

function isZero(hash: GeoHashBits): boolean {
  return hash.bits === 0n && hash.step === 0;
}

/** 16 bits spread to the even positions of 32. */
function spread16(value: number): number {
  let v = value & 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v >>> 0;
}

/** The even bits of 32 gathered into 16. */
function squash32(value: number): number {
  let v = value & 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** interleave64: x's bits in the even positions, y's in the odd ones. */
function interleave64(x: number, y: number): bigint {
  const low = (spread16(x) | (spread16(y) << 1)) >>> 0;
  const high = (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
  return (BigInt(high) << 32n) | BigInt(low);
}

/** deinterleave64 on a value given as two 32-bit halves: [even bits (latitude), odd bits (longitude)]. */
function deinterleaveHalves(high: number, low: number): [number, number] {
  const x = (squash32(low) | (squash32(high) << 16)) >>> 0;
  const y = (squash32(low >>> 1) | (squash32(high >>> 1) << 16)) >>> 0;
  return [x, y];
}

/** C's (uint32_t) of a double already known to be in 0..2^32 (geohashEncode's offsets): truncation. */
function toUint32(value: number): number {
  return Math.trunc(value) >>> 0;
}

/**
 * C's (uint64_t) of a double as gcc compiles it on x86-64 (decodeGeohash applies it to any score a
 * sorted set holds), as [high, low] 32-bit halves: truncation in range; NaN, -inf and values at or
 * below -2^63 give 2^63; negative values wrap; 2^64 and above give 0.
 */
function uint64HalvesOfDouble(value: number): [number, number] {
  if (value >= 0 && value < 2 ** 64) {
    const whole = Math.trunc(value);
    const high = Math.floor(whole / 2 ** 32);
    return [high, whole - high * 2 ** 32];
  }
  if (value >= 2 ** 64) return [0, 0];
  if (!(value > -(2 ** 63))) return [0x80000000, 0];
  const wrapped = BigInt.asUintN(64, BigInt(Math.trunc(value)));
  return [Number(wrapped >> 32n), Number(wrapped & 0xffffffffn)];
}

/** geohashEncode: null where Redis returns 0 (out of the WGS84 limits or of the ranges). */
function geohashEncode(longitudeRange: GeoRange, latitudeRange: GeoRange, longitude: number, latitude: number, step: number): GeoHashBits | null {
  if (step > 32 || step === 0) return null;
  if (longitude > geoLongitudeMax || longitude < geoLongitudeMin || latitude > geoLatitudeMax || latitude < geoLatitudeMin) return null;
  if (latitude < latitudeRange.min || latitude > latitudeRange.max || longitude < longitudeRange.min || longitude > longitudeRange.max) return null;
  let latitudeOffset = (latitude - latitudeRange.min) / (latitudeRange.max - latitudeRange.min);
  let longitudeOffset = (longitude - longitudeRange.min) / (longitudeRange.max - longitudeRange.min);
  latitudeOffset *= 2 ** step;
  longitudeOffset *= 2 ** step;
  return { bits: interleave64(toUint32(latitudeOffset), toUint32(longitudeOffset)), step };
}

/** geohashEncodeWGS84 at full precision, aligned to 52 bits: the score GEOADD stores. */
export function geohashScoreOf(longitude: number, latitude: number): bigint | null {
  const hash = geohashEncode(wgs84Longitude, wgs84Latitude, longitude, latitude, geoStepMax);
  return hash === null ? null : geohashAlign52Bits(hash);
}

/** geohashAlign52Bits. */
export function geohashAlign52Bits(hash: GeoHashBits): bigint {
  return BigInt.asUintN(64, hash.bits << BigInt(52 - hash.step * 2));
}

function decodeHalves(high: number, low: number, step: number, longitudeRange: GeoRange, latitudeRange: GeoRange): GeoArea {
  const [latitudeCell, longitudeCell] = deinterleaveHalves(high, low);
  const latitudeScale = latitudeRange.max - latitudeRange.min;
  const longitudeScale = longitudeRange.max - longitudeRange.min;
  const cells = 2 ** step;
  return {
    latitude: {
      min: latitudeRange.min + (latitudeCell / cells) * latitudeScale,
      max: latitudeRange.min + (((latitudeCell + 1) >>> 0) / cells) * latitudeScale,
    },
    longitude: {
      min: longitudeRange.min + (longitudeCell / cells) * longitudeScale,
      max: longitudeRange.min + (((longitudeCell + 1) >>> 0) / cells) * longitudeScale,
    },
  };
}

/** geohashDecode (the caller has excluded the zero hash). */
function geohashDecode(hash: GeoHashBits): GeoArea {
  return decodeHalves(Number(hash.bits >> 32n), Number(hash.bits & 0xffffffffn), hash.step, wgs84Longitude, wgs84Latitude);
}

/** geohashDecodeAreaToLongLat: the cell's centre, clamped to the limits. */
function centreOf(area: GeoArea): [number, number] {
  let longitude = (area.longitude.min + area.longitude.max) / 2;
  if (longitude > geoLongitudeMax) longitude = geoLongitudeMax;
  if (longitude < geoLongitudeMin) longitude = geoLongitudeMin;
  let latitude = (area.latitude.min + area.latitude.max) / 2;
  if (latitude > geoLatitudeMax) latitude = geoLatitudeMax;
  if (latitude < geoLatitudeMin) latitude = geoLatitudeMin;
  return [longitude, latitude];
}

/** decodeGeohash: the [longitude, latitude] a sorted set score stands for (any score decodes). */
export function geoPointOfScore(score: number): [number, number] {
  const [high, low] = uint64HalvesOfDouble(score);
  return centreOf(decodeHalves(high, low, geoStepMax, wgs84Longitude, wgs84Latitude));
}

const geohashAlphabet = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character string: the point re-encoded over latitudes -90..90, the last character 0. */
export function standardGeohashOf(score: number): string {
  const [longitude, latitude] = geoPointOfScore(score);
  const hash = geohashEncode(wgs84Longitude, standardLatitude, longitude, latitude, geoStepMax);
  const bits = hash?.bits ?? 0n;
  let text = '';
  for (let index = 0; index < 11; index++) {
    const digit = index === 10 ? 0 : Number((bits >> BigInt(52 - (index + 1) * 5)) & 0x1fn);
    text += geohashAlphabet[digit];
  }
  return text;
}

const evenMask = 0x5555555555555555n;
const oddMask = 0xaaaaaaaaaaaaaaaan;

/** geohash_move_x: one cell east (+1) or west (-1); longitude bits are the odd ones. */
function moveX(hash: GeoHashBits, direction: 1 | -1): GeoHashBits {
  let x = hash.bits & oddMask;
  const y = hash.bits & evenMask;
  const shift = BigInt(64 - hash.step * 2);
  const zz = evenMask >> shift;
  if (direction > 0) x = BigInt.asUintN(64, x + (zz + 1n));
  else x = BigInt.asUintN(64, (x | zz) - (zz + 1n));
  x &= oddMask >> shift;
  return { bits: x | y, step: hash.step };
}

/** geohash_move_y: one cell north (+1) or south (-1); latitude bits are the even ones. */
function moveY(hash: GeoHashBits, direction: 1 | -1): GeoHashBits {
  const x = hash.bits & oddMask;
  let y = hash.bits & evenMask;
  const shift = BigInt(64 - hash.step * 2);
  const zz = oddMask >> shift;
  if (direction > 0) y = BigInt.asUintN(64, y + (zz + 1n));
  else y = BigInt.asUintN(64, (y | zz) - (zz + 1n));
  y &= evenMask >> shift;
  return { bits: x | y, step: hash.step };
}

interface GeoNeighbours {
  north: GeoHashBits;
  south: GeoHashBits;
  east: GeoHashBits;
  west: GeoHashBits;
  northEast: GeoHashBits;
  northWest: GeoHashBits;
  southEast: GeoHashBits;
  southWest: GeoHashBits;
}

function neighboursOf(hash: GeoHashBits): GeoNeighbours {
  return {
    east: moveX(hash, 1),
    west: moveX(hash, -1),
    south: moveY(hash, -1),
    north: moveY(hash, 1),
    northWest: moveY(moveX(hash, -1), 1),
    southWest: moveY(moveX(hash, -1), -1),
    northEast: moveY(moveX(hash, 1), 1),
    southEast: moveY(moveX(hash, 1), -1),
  };
}

function degreesOf(radians: number): number {
  return radians / degreesToRadians;
}

function radiansOf(degrees: number): number {
  return degrees * degreesToRadians;
}

interface TrigFunctions {
  readonly sin: (x: number) => number;
  readonly cos: (x: number) => number;
  readonly asin: (x: number) => number;
}

const fastTrig: TrigFunctions = { sin: Math.sin, cos: Math.cos, asin: Math.asin };
const libmTrig: TrigFunctions = { sin: correctlyRoundedSin, cos: correctlyRoundedCos, asin: correctlyRoundedAsin };

function haversine(trig: TrigFunctions, longitude1: number, latitude1: number, longitude2: number, latitude2: number): number {
  const latitude1Radians = radiansOf(latitude1);
  const longitude1Radians = radiansOf(longitude1);
  const latitude2Radians = radiansOf(latitude2);
  const longitude2Radians = radiansOf(longitude2);
  const u = trig.sin((latitude2Radians - latitude1Radians) / 2);
  const v = trig.sin((longitude2Radians - longitude1Radians) / 2);
  return 2.0 * earthRadiusMeters * trig.asin(Math.sqrt(u * u + trig.cos(latitude1Radians) * trig.cos(latitude2Radians) * v * v));
}

/**
 * geohashGetDistance: the haversine great-circle distance in meters, with correctly rounded sin, cos
 * and asin (cache-libm.ts), as glibc computes them: the distance redis-server gets, but for the rare
 * inputs where glibc itself is off by a last bit.
 */
export function geoDistance(longitude1: number, latitude1: number, longitude2: number, latitude2: number): number {
  return haversine(libmTrig, longitude1, latitude1, longitude2, latitude2);
}

/**
 * The same formula with V8's Math functions: 100 times faster, and within a few units in the last
 * place of {@link geoDistance}. Searches filter candidates with it and decide the close calls (and
 * compute what they report) with {@link geoDistance}.
 */
export function geoDistanceFast(longitude1: number, latitude1: number, longitude2: number, latitude2: number): number {
  return haversine(fastTrig, longitude1, latitude1, longitude2, latitude2);
}

/** Whether a fast distance is too close to `limit` for its last bits to be trusted. */
function closeCall(distance: number, limit: number): boolean {
  return Number.isFinite(limit) && Math.abs(distance - limit) <= Math.abs(limit) * 1e-12 + 1e-300;
}

/** geohashEstimateStepsByRadius. */
function estimateSteps(rangeMeters: number, latitude: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  let range = rangeMeters;
  while (range < mercatorMax) {
    range *= 2;
    step++;
  }
  step -= 2;
  if (latitude > 66 || latitude < -66) {
    step--;
    if (latitude > 80 || latitude < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/**
 * A search shape (GeoShape): a circle of `radius`, or a box of `width` × `height`, in the unit whose
 * size in meters is `metersPerUnit`, around [longitude, latitude].
 */
export type GeoShape =
  | { readonly kind: 'circle'; readonly longitude: number; readonly latitude: number; readonly metersPerUnit: number; readonly radius: number }
  | {
      readonly kind: 'box';
      readonly longitude: number;
      readonly latitude: number;
      readonly metersPerUnit: number;
      readonly width: number;
      readonly height: number;
    };

/** geohashBoundingBox: [min longitude, min latitude, max longitude, max latitude]. */
function boundingBoxOf(shape: GeoShape): [number, number, number, number] {
  const { longitude, latitude } = shape;
  const height = shape.metersPerUnit * (shape.kind === 'circle' ? shape.radius : shape.height / 2);
  const width = shape.metersPerUnit * (shape.kind === 'circle' ? shape.radius : shape.width / 2);
  const latitudeDelta = degreesOf(height / earthRadiusMeters);
  const longitudeDeltaTop = degreesOf(width / earthRadiusMeters / correctlyRoundedCos(radiansOf(latitude + latitudeDelta)));
  const longitudeDeltaBottom = degreesOf(width / earthRadiusMeters / correctlyRoundedCos(radiansOf(latitude - latitudeDelta)));
  const southern = latitude < 0;
  return [
    southern ? longitude - longitudeDeltaBottom : longitude - longitudeDeltaTop,
    latitude - latitudeDelta,
    southern ? longitude + longitudeDeltaBottom : longitude + longitudeDeltaTop,
    latitude + latitudeDelta,
  ];
}

/**
 * geohashCalculateAreasByShapeWGS84: the 9 cells to search, in Redis's order (the centre, N, S, E, W,
 * NE, NW, SE, SW); cells that cannot hold a match are the zero hash.
 */
export function geoSearchCells(shape: GeoShape): GeoHashBits[] {
  const [minLongitude, minLatitude, maxLongitude, maxLatitude] = boundingBoxOf(shape);
  const { longitude, latitude } = shape;
  let radiusMeters = shape.kind === 'circle' ? shape.radius : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radiusMeters *= shape.metersPerUnit;
  let steps = estimateSteps(radiusMeters, latitude);
  let hash = geohashEncode(wgs84Longitude, wgs84Latitude, longitude, latitude, steps) ?? { bits: 0n, step: steps };
  let neighbours = neighboursOf(hash);
  let area = geohashDecode(hash);
  const north = geohashDecode(neighbours.north);
  const south = geohashDecode(neighbours.south);
  const east = geohashDecode(neighbours.east);
  const west = geohashDecode(neighbours.west);
  const decreaseStep =
    north.latitude.max < maxLatitude || south.latitude.min > minLatitude || east.longitude.max < maxLongitude || west.longitude.min > minLongitude;
  if (steps > 1 && decreaseStep) {
    steps--;
    hash = geohashEncode(wgs84Longitude, wgs84Latitude, longitude, latitude, steps) ?? { bits: 0n, step: steps };
    neighbours = neighboursOf(hash);
    area = geohashDecode(hash);
  }
  if (steps >= 2) {
    if (area.latitude.min < minLatitude) {
      neighbours.south = zeroHash;
      neighbours.southWest = zeroHash;
      neighbours.southEast = zeroHash;
    }
    if (area.latitude.max > maxLatitude) {
      neighbours.north = zeroHash;
      neighbours.northEast = zeroHash;
      neighbours.northWest = zeroHash;
    }
    if (area.longitude.min < minLongitude) {
      neighbours.west = zeroHash;
      neighbours.southWest = zeroHash;
      neighbours.northWest = zeroHash;
    }
    if (area.longitude.max > maxLongitude) {
      neighbours.east = zeroHash;
      neighbours.southEast = zeroHash;
      neighbours.northEast = zeroHash;
    }
  }
  return [hash, neighbours.north, neighbours.south, neighbours.east, neighbours.west, neighbours.northEast, neighbours.northWest, neighbours.southEast, neighbours.southWest];
}

/**
 * membersOfAllNeighbors' choice of score ranges: [min, max) per cell searched, skipping zero cells and
 * a cell equal to the last one searched (never compared with the centre, as in Redis).
 */
export function geoSearchScoreRanges(cells: readonly GeoHashBits[]): { min: number; max: number }[] {
  const ranges: { min: number; max: number }[] = [];
  let lastProcessed = 0;
  for (let index = 0; index < cells.length; index++) {
    const cell = cells[index] as GeoHashBits;
    if (isZero(cell)) continue;
    const last = cells[lastProcessed] as GeoHashBits;
    if (lastProcessed !== 0 && cell.bits === last.bits && cell.step === last.step) continue;
    // scoresOfGeoHashBox: uint64 values converted to double (round to nearest, as C's conversion).
    ranges.push({ min: Number(geohashAlign52Bits(cell)), max: Number(geohashAlign52Bits({ bits: cell.bits + 1n, step: cell.step })) });
    lastProcessed = index;
  }
  return ranges;
}

/**
 * geoWithinShape: the distance from the shape's centre to the point (in meters) when the point is
 * inside the shape, else null. The distance is the fast one (see {@link geoDistanceFast}); a point
 * near the edge is decided with the exact one.
 */
export function geoDistanceWithinShape(shape: GeoShape, longitude: number, latitude: number): number | null {
  if (shape.kind === 'circle') {
    const radius = shape.radius * shape.metersPerUnit;
    let distance = geoDistanceFast(shape.longitude, shape.latitude, longitude, latitude);
    if (closeCall(distance, radius)) distance = geoDistance(shape.longitude, shape.latitude, longitude, latitude);
    return distance > radius ? null : distance;
  }
  // geohashGetDistanceIfInRectangle.
  const halfWidth = (shape.width * shape.metersPerUnit) / 2;
  const halfHeight = (shape.height * shape.metersPerUnit) / 2;
  let longitudeDistance = geoDistanceFast(longitude, latitude, shape.longitude, latitude);
  if (closeCall(longitudeDistance, halfWidth)) longitudeDistance = geoDistance(longitude, latitude, shape.longitude, latitude);
  let latitudeDistance = geoDistanceFast(longitude, latitude, longitude, shape.latitude);
  if (closeCall(latitudeDistance, halfHeight)) latitudeDistance = geoDistance(longitude, latitude, longitude, shape.latitude);
  if (longitudeDistance > halfWidth || latitudeDistance > halfHeight) return null;
  return geoDistanceFast(shape.longitude, shape.latitude, longitude, latitude);
}
