/**
 * HyperLogLog commands (redis/redis src/hyperloglog.c, Redis 7.0): PFADD, PFCOUNT, PFMERGE, PFDEBUG.
 * A sketch is a string value in Redis's format (cache-hyperloglog.ts), so GET, SET, DUMP and RESTORE
 * carry it between this cache and redis-server, and a string that is no sketch answers `WRONGTYPE Key
 * is not a valid HyperLogLog string value.`.
 *
 * Stored strings are never changed in place (a reply may still reference them): every change works on
 * a copy and stores it, which makes PFADD O(size) (up to 12 KiB for a sketch Redis made; a forged
 * string of any size is copied whole) where Redis is O(1). Where Redis changes the object without
 * signalModifiedKey (PFDEBUG GETREG/TODENSE converting a sparse sketch, the elements a PFADD added
 * before it met corrupt data), the copy is stored without signalling: WATCH stays clean.
 *
 * PFCOUNT of one key stores the computed cardinality in the sketch's header, as Redis does; like
 * Redis's signalModifiedKey that aborts a transaction WATCHing the key. PFSELFTEST checks the estimate
 * up to 100,000 elements where Redis goes to 10,000,000 (see hllSelfTest).
 */
import { CacheStringValue } from './cache-string-value.js';
import { CacheCommandError } from './cache-command-errors.js';
import { cacheEncodingThresholds } from './cache-collection-size.js';
import { selectedDatabase, type CacheCommandContext, type CacheCommandSpec } from './cache-command-context.js';
import { type CacheDatabase, type KeyText } from './cache-keyspace.js';
import { argumentAt, keyAt, readString } from './cache-commands-string.js';
import { HllSketch, hllEncodingOf, hllEstimate, hllHistogramOfRegisters, hllRegisterCount, hllSelfTest } from './cache-hyperloglog.js';
import { respBulkString, respInteger, respOk, type RespValue } from './resp-value.js';

type Args = readonly Buffer[];

/** lookupKey + isHLLObjectOrReply: the sketch's stored bytes, null when the key is missing. */
function readSketchBytes(database: CacheDatabase, key: KeyText, nowMs: number): Buffer | null {
  const bytes = readString(database, key, nowMs);
  if (bytes === null) return null;
  if (hllEncodingOf(bytes) === null) throw new CacheCommandError('hll-not-hll');
  return bytes;
}

function storeSketch(database: CacheDatabase, key: KeyText, sketch: HllSketch): void {
  database.set({ key, value: CacheStringValue.raw(sketch.toBuffer()), expireAtMs: null, keepExpiry: true });
}

/** PFADD key [element ...]: 1 when the key was created or a register changed. */
function pfadd(context: CacheCommandContext, args: Args): RespValue {
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const stored = readSketchBytes(database, key, context.nowMs);
  const sketch = stored === null ? HllSketch.create() : HllSketch.copyOf(stored);
  let changed = false;
  for (let index = 2; index < args.length; index++) {
    const result = sketch.add(args[index] as Buffer, cacheEncodingThresholds.hllSparseBytesMax);
    if (result === -1) {
      // Redis changed the sketch in place for the elements before this one and keeps them, without
      // signalling the key or marking the cached cardinality stale (only a sparse set marks it).
      if (changed) database.replaceSilently(key, CacheStringValue.raw(sketch.toBuffer()));
      throw new CacheCommandError('hll-corrupted');
    }
    if (result === 1) changed = true;
  }
  if (!changed && stored !== null) return respInteger(0);
  sketch.invalidateCache();
  storeSketch(database, key, sketch);
  return respInteger(1);
}

/** The registers of the union of `keys` (hllMerge into a byte per register); missing keys are empty. */
function mergedRegisters(context: CacheCommandContext, args: Args, firstKeyIndex: number): { registers: Uint8Array; anyDense: boolean } {
  const database = selectedDatabase(context);
  const registers = new Uint8Array(hllRegisterCount);
  let anyDense = false;
  for (let index = firstKeyIndex; index < args.length; index++) {
    const stored = readSketchBytes(database, keyAt(args, index), context.nowMs);
    if (stored === null) continue;
    const sketch = HllSketch.reading(stored);
    if (sketch.encoding === 'dense') anyDense = true;
    if (!sketch.mergeInto(registers)) throw new CacheCommandError('hll-corrupted');
  }
  return { registers, anyDense };
}

/** PFCOUNT key [key ...]: one key uses and refreshes the cached cardinality; several count their union. */
function pfcount(context: CacheCommandContext, args: Args): RespValue {
  if (args.length > 2) return respInteger(hllEstimate(hllHistogramOfRegisters(mergedRegisters(context, args, 1).registers)));
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const stored = readSketchBytes(database, key, context.nowMs);
  if (stored === null) return respInteger(0);
  const reading = HllSketch.reading(stored);
  const cached = reading.cachedCardinality();
  if (cached !== null) return respInteger(cached);
  // Checked before copying: a valid sparse sketch has at most 16384 opcodes, a forged value any size.
  const { histogram, invalid } = reading.histogram();
  if (invalid) throw new CacheCommandError('hll-corrupted');
  const cardinality = hllEstimate(histogram);
  const sketch = HllSketch.copyOf(stored);
  sketch.setCachedCardinality(cardinality);
  storeSketch(database, key, sketch);
  return respInteger(cardinality);
}

/**
 * PFMERGE destkey [sourcekey ...]: the destination (also a source) gets the registers' maximum. It
 * stays sparse unless a source is dense (then it converts first), as Redis 7.0.
 */
function pfmerge(context: CacheCommandContext, args: Args): RespValue {
  const { registers, anyDense } = mergedRegisters(context, args, 1);
  const database = selectedDatabase(context);
  const key = keyAt(args, 1);
  const stored = readString(database, key, context.nowMs);
  const sketch = stored === null ? HllSketch.create() : HllSketch.copyOf(stored);
  if (anyDense && !sketch.toDense()) throw new CacheCommandError('hll-corrupted');
  const sparseBytesMax = cacheEncodingThresholds.hllSparseBytesMax;
  // Redis ignores a corrupt destination here (hllSparseSet's -1): it was already merged without error.
  for (let index = 0; index < hllRegisterCount; index++) {
    const value = registers[index] as number;
    if (value !== 0) sketch.setRegister(index, value, sparseBytesMax);
  }
  sketch.invalidateCache();
  storeSketch(database, key, sketch);
  return respOk;
}

/** PFDEBUG GETREG|DECODE|ENCODING|TODENSE key. */
function pfdebug(context: CacheCommandContext, args: Args): RespValue {
  const subcommand = argumentAt(args, 1).toString('latin1');
  const database = selectedDatabase(context);
  const key = keyAt(args, 2);
  const stored = readSketchBytes(database, key, context.nowMs);
  if (stored === null) throw new CacheCommandError('message', 'The specified key does not exist');
  // toDense builds a new buffer: reading the stored bytes is enough for every subcommand.
  const sketch = HllSketch.reading(stored);
  // Redis converts in place without signalModifiedKey (only server.dirty, for propagation).
  const storeSilently = (): void => database.replaceSilently(key, CacheStringValue.raw(sketch.toBuffer()));
  switch (subcommand.toLowerCase()) {
    case 'getreg':
      if (sketch.encoding === 'sparse') {
        if (!sketch.toDense()) throw new CacheCommandError('hll-corrupted');
        storeSilently();
      }
      return { type: 'array', items: sketch.registers().map((register) => respInteger(register)) };
    case 'decode': {
      if (sketch.encoding !== 'sparse') throw new CacheCommandError('message', 'HLL encoding is not sparse');
      const text = sketch.decodeSparse();
      if (text === null) throw new CacheCommandError('hll-corrupted');
      return respBulkString(text);
    }
    case 'encoding':
      return { type: 'simple-string', value: sketch.encoding };
    case 'todense': {
      if (sketch.encoding === 'dense') return respInteger(0);
      if (!sketch.toDense()) throw new CacheCommandError('hll-corrupted');
      storeSilently();
      return respInteger(1);
    }
    default:
      throw new CacheCommandError('message', `Unknown PFDEBUG subcommand '${subcommand}'`);
  }
}

/** PFSELFTEST: the implementation's self test (see hllSelfTest), OK or `ERR TESTFAILED ...`. */
function pfselftest(context: CacheCommandContext): RespValue {
  const failure = hllSelfTest((countExclusive) => context.random.nextIndex(countExclusive), cacheEncodingThresholds.hllSparseBytesMax);
  if (failure !== null) throw new CacheCommandError('message', failure);
  return respOk;
}

export const cacheHyperLogLogCommands: readonly CacheCommandSpec[] = [
  { name: 'pfadd', arity: -2, flags: ['write', 'denyoom', 'fast'], handler: pfadd },
  { name: 'pfcount', arity: -2, flags: ['readonly'], handler: pfcount },
  { name: 'pfmerge', arity: -2, flags: ['write', 'denyoom'], handler: pfmerge },
  { name: 'pfdebug', arity: 3, flags: ['write', 'denyoom'], handler: pfdebug },
  { name: 'pfselftest', arity: 1, flags: [], handler: pfselftest },
];
