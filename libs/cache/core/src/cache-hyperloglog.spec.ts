/**
 * HyperLogLog: sketches byte for byte and counts as redis-server 7.0.15 produced them for the same
 * commands (hyperloglog.tcl's cases, its corruption cases, the documentation examples), and a property
 * test in the spirit of its "sparse encoding stress test": a sparse and a dense sketch fed the same
 * elements hold the same registers and count the same.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { HllSketch, hllEstimate, hllPatternOf, hllPatternOfReference, murmurHash64A } from './cache-hyperloglog.js';
import { cacheEncodingThresholds } from './cache-collection-size.js';
import { createTestContext, renderReply, replay, run } from './cache-session.spec-helper.js';

const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

test('hyperloglog: MurmurHash64A and the register pattern match Redis (registers seen through PFDEBUG DECODE)', () => {
  // PFADD h a b c d e on redis-server 7.0.15: PFDEBUG DECODE h =
  // Z:7292 v:1,1 Z:1143 v:1,1 Z:4274 v:2,1 Z:2445 v:1,1 Z:622 v:1,1 Z:603
  const patterns = ['a', 'b', 'c', 'd', 'e'].map((element) => hllPatternOf(latin1(element)));
  const byIndex = patterns.map(({ index, count }) => `${index}:${count}`).sort((x, y) => Number(x.split(':')[0]) - Number(y.split(':')[0]));
  assert.deepEqual(byIndex, ['7292:1', '8436:1', '12711:2', '15157:1', '15780:1']);
  // The empty element (PFADD z "" → Z:5938 v:2,1 Z:10445).
  assert.deepEqual(hllPatternOf(Buffer.alloc(0)), { index: 5938, count: 2 });
  // Lengths across the 8-byte blocks and every tail length give distinct, stable values.
  const hashes = new Set(Array.from({ length: 20 }, (_, length) => murmurHash64A(Buffer.alloc(length, 0x61), 0xadc83b19n)));
  assert.equal(hashes.size, 20);
});

test('hyperloglog: the 32-bit MurmurHash64A gives the BigInt reference\'s register and pattern (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (element) => {
      assert.deepEqual(hllPatternOf(element), hllPatternOfReference(element));
    }),
    { seed: 20261201, numRuns: 2000 },
  );
  // Lengths around the 8-byte blocks and a long element.
  for (const length of [0, 1, 7, 8, 9, 15, 16, 17, 1000]) {
    const element = Buffer.alloc(length, 0xa5);
    assert.deepEqual(hllPatternOf(element), hllPatternOfReference(element), `length ${length}`);
  }
});

test('hyperloglog: PFADD / PFCOUNT store the bytes redis-server stores, cached cardinality included', () => {
  const sparse = 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x5c\x7b\x80\x44\x76\x80\x50\xb1\x84\x49\x8c\x80\x42\x6d\x80\x42\x5a';
  replay([
    'PFADD h a b c d e -> :1',
    `GET h -> "${sparse}"`,
    'PFCOUNT h -> :5',
    `GET h -> "${sparse.slice(0, 8)}\x05\x00\x00\x00\x00\x00\x00\x00${sparse.slice(16)}"`,
    'PFADD h a -> :0',
    'PFDEBUG DECODE h -> "Z:7292 v:1,1 Z:1143 v:1,1 Z:4274 v:2,1 Z:2445 v:1,1 Z:622 v:1,1 Z:603"',
    'PFDEBUG ENCODING h -> +sparse',
    'PFADD empty -> :1',
    'PFADD empty -> :0',
    'PFCOUNT empty -> :0',
    'STRLEN empty -> :18',
    'PFCOUNT nokey -> :0',
    'PFADD z "" -> :1',
    'PFDEBUG DECODE z -> "Z:5938 v:2,1 Z:10445"',
  ]);
});

test('hyperloglog: counts match redis-server 7.0.15 (sparse, promoted to dense, unions)', () => {
  const context = createTestContext();
  for (let index = 0; index < 1000; index++) run(context, 'PFADD', 'c1000', `1000-${index}`);
  for (let index = 0; index < 20000; index++) run(context, 'PFADD', 'c20000', `20000-${index}`);
  const elements = Array.from({ length: 100000 }, (_, index) => `x${index}`);
  for (let index = 0; index < elements.length; index += 1000) run(context, 'PFADD', 'big', ...elements.slice(index, index + 1000));
  assert.equal(renderReply(run(context, 'PFCOUNT', 'c1000')), ':1005');
  assert.equal(renderReply(run(context, 'PFCOUNT', 'c20000')), ':19912');
  assert.equal(renderReply(run(context, 'PFCOUNT', 'big')), ':100903');
  assert.equal(renderReply(run(context, 'PFCOUNT', 'c1000', 'c20000', 'big')), ':122437');
  assert.equal(renderReply(run(context, 'PFDEBUG', 'ENCODING', 'c1000')), '+sparse');
  assert.equal(renderReply(run(context, 'PFDEBUG', 'ENCODING', 'big')), '+dense');
  assert.equal(renderReply(run(context, 'PFMERGE', 'all', 'c1000', 'c20000', 'big')), '+OK');
  assert.equal(renderReply(run(context, 'PFCOUNT', 'all')), ':122437');
  assert.equal(renderReply(run(context, 'STRLEN', 'all')), ':12304');
});

test('hyperloglog: PFMERGE keeps a sparse destination for sparse sources, goes dense for a dense one', () => {
  replay([
    'PFADD m1 a b c d -> :1',
    'PFADD m2 c d e f -> :1',
    'PFCOUNT m1 m2 -> :6',
    'PFMERGE dst m1 m2 -> +OK',
    'PFDEBUG ENCODING dst -> +sparse',
    'PFCOUNT dst -> :6',
    'PFMERGE fresh -> +OK',
    'PFCOUNT fresh -> :0',
    'PFMERGE m1 m2 -> +OK',
    'PFCOUNT m1 -> :6',
    'PFDEBUG TODENSE m2 -> :1',
    'PFDEBUG TODENSE m2 -> :0',
    'PFMERGE dst2 m1 m2 -> +OK',
    'PFDEBUG ENCODING dst2 -> +dense',
    'PFCOUNT dst2 -> :6',
  ]);
});

test('hyperloglog: type checks and corrupted sketches answer Redis texts', () => {
  replay([
    'SET str foo -> +OK',
    'PFADD str a -> -WRONGTYPE Key is not a valid HyperLogLog string value.',
    'PFCOUNT str -> -WRONGTYPE Key is not a valid HyperLogLog string value.',
    'PFMERGE dst str -> -WRONGTYPE Key is not a valid HyperLogLog string value.',
    'LPUSH list a -> :1',
    'PFADD list a -> -WRONGTYPE Operation against a key holding the wrong kind of value',
    'PFDEBUG ENCODING nokey -> -ERR The specified key does not exist',
    'PFADD h a -> :1',
    'PFDEBUG FOO h -> -ERR Unknown PFDEBUG subcommand \'FOO\'',
    // hyperloglog.tcl "Corrupted sparse HyperLogLogs are detected: Additional at tail".
    'APPEND h hello -> :26',
    'PFCOUNT h -> -INVALIDOBJ Corrupted HLL object detected',
    'PFMERGE d h -> -INVALIDOBJ Corrupted HLL object detected',
    // "Broken magic", "Invalid encoding".
    'PFADD h2 a -> :1',
    'SETRANGE h2 0 0123 -> :21',
    'PFCOUNT h2 -> -WRONGTYPE Key is not a valid HyperLogLog string value.',
    'PFADD h3 a -> :1',
    'SETRANGE h3 4 x -> :21',
    'PFCOUNT h3 -> -WRONGTYPE Key is not a valid HyperLogLog string value.',
    // "Corrupted dense HyperLogLogs are detected: Wrong length".
    'PFADD h4 a -> :1',
    'PFDEBUG TODENSE h4 -> :1',
    'APPEND h4 x -> :12305',
    'PFCOUNT h4 -> -WRONGTYPE Key is not a valid HyperLogLog string value.',
  ]);
  const context = createTestContext();
  // An XZERO opcode that runs past the last register, then one past the end of the string (hyperloglog.tcl's overflow cases).
  const header = 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80';
  for (const body of ['\x7f\xff\x7f\xff', '\x7f\xfe\xff', '\x40', '']) {
    run(context, 'SET', 'bad', latin1(header + body));
    assert.equal(renderReply(run(context, 'PFCOUNT', 'bad')), '-INVALIDOBJ Corrupted HLL object detected', JSON.stringify(body));
    assert.equal(renderReply(run(context, 'PFMERGE', 'd', 'bad')), '-INVALIDOBJ Corrupted HLL object detected');
    assert.equal(renderReply(run(context, 'PFDEBUG', 'TODENSE', 'bad')), '-INVALIDOBJ Corrupted HLL object detected');
  }
  run(context, 'SET', 'bad', latin1(`${header}\x7f\xff\x7f\xff`));
  assert.equal(renderReply(run(context, 'PFADD', 'bad', 'a', 'b', 'c', 'd')), ':1', 'registers below 16384 are still found, as Redis finds them');
});

test('hyperloglog: hll-sparse-max-bytes decides when a sketch turns dense', () => {
  const saved = cacheEncodingThresholds.hllSparseBytesMax;
  try {
    cacheEncodingThresholds.hllSparseBytesMax = 30;
    replay(['PFADD small a b c d e f g h i j -> :1', 'PFDEBUG ENCODING small -> +dense', 'PFCOUNT small -> :10']);
    cacheEncodingThresholds.hllSparseBytesMax = 3000;
    replay(['PFADD small a b c d e f g h i j -> :1', 'PFDEBUG ENCODING small -> +sparse', 'PFCOUNT small -> :10']);
  } finally {
    cacheEncodingThresholds.hllSparseBytesMax = saved;
  }
});

test('hyperloglog: sparse and dense sketches fed the same elements agree (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 400 }), fc.integer({ min: 20, max: 4000 }), (elements, sparseBytesMax) => {
      const sparse = HllSketch.create();
      const dense = HllSketch.create();
      assert.equal(dense.toDense(), true);
      for (const element of elements) {
        sparse.add(element, sparseBytesMax);
        dense.add(element, sparseBytesMax);
      }
      assert.ok(sparse.view().length <= Math.max(sparseBytesMax, 18) || sparse.encoding === 'dense');
      const sparseCount = hllEstimate(sparse.histogram().histogram);
      assert.equal(sparse.histogram().invalid, false);
      assert.equal(sparseCount, hllEstimate(dense.histogram().histogram));
      assert.equal(sparse.toDense(), true);
      assert.deepEqual(sparse.registers(), dense.registers());
    }),
    { seed: 20261201, numRuns: 200 },
  );
});

test('hyperloglog: corrupted sketches never throw anything but Redis errors (fuzz, as hyperloglog.tcl)', () => {
  const allowed = /^(:\d+|\+OK|\+(sparse|dense)|-INVALIDOBJ Corrupted HLL object detected|-WRONGTYPE Key is not a valid HyperLogLog string value\.|-ERR HLL encoding is not sparse|".*"|\[.*\])$/s;
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3000 }),
      fc.boolean(),
      fc.array(fc.tuple(fc.nat({ max: 12400 }), fc.uint8Array({ minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 8 }),
      (elementCount, dense, corruptions) => {
        const context = createTestContext();
        const elements = Array.from({ length: elementCount }, (_, index) => `e${index}`);
        run(context, 'PFADD', 'hll', ...elements);
        if (dense) run(context, 'PFDEBUG', 'TODENSE', 'hll');
        const length = Number(renderReply(run(context, 'STRLEN', 'hll')).slice(1));
        // Keep the header's magic so that the corruption reaches the register decoding.
        for (const [offset, bytes] of corruptions) run(context, 'SETRANGE', 'hll', String(Math.max(5, offset % (length + 8))), Buffer.from(bytes));
        for (const command of [
          ['PFCOUNT', 'hll'],
          ['PFADD', 'hll', 'x', 'y', 'z'],
          ['PFCOUNT', 'hll', 'other'],
          ['PFMERGE', 'dest', 'hll'],
          ['PFDEBUG', 'DECODE', 'hll'],
          ['PFDEBUG', 'GETREG', 'hll'],
          ['PFDEBUG', 'TODENSE', 'hll'],
          ['PFCOUNT', 'hll'],
        ]) {
          assert.match(renderReply(run(context, ...command)), allowed, command.join(' '));
        }
      },
    ),
    { seed: 20261201, numRuns: 150 },
  );
});

test('hyperloglog: PFSELFTEST passes (registers, sparse/dense agreement, error bounds)', () => {
  const context = createTestContext();
  assert.equal(renderReply(run(context, 'PFSELFTEST')), '+OK');
  assert.equal(renderReply(run(context, 'PFSELFTEST', 'x')), "-ERR wrong number of arguments for 'pfselftest' command");
});

const staleSparseHeader = 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80';

test('hyperloglog: a sparse sketch is invalid as soon as an opcode passes register 16384 (redis-server 7.0.15 with the CVE-2025-32023 fix)', () => {
  const context = createTestContext();
  // 4097 VAL opcodes of 4 registers: the last one passes 16384 exactly where the count would reach it
  // again, and 4096 of them then a VAL of 1 does the same.
  for (const body of ['\xff'.repeat(4097), `${'\xff'.repeat(4096)}\x80`]) {
    run(context, 'SET', 'v', latin1(staleSparseHeader + body));
    for (const command of [['PFCOUNT', 'v'], ['PFCOUNT', 'v', 'v'], ['PFMERGE', 'w', 'v'], ['PFDEBUG', 'TODENSE', 'v'], ['PFDEBUG', 'GETREG', 'v']]) {
      assert.equal(renderReply(run(context, ...command)), '-INVALIDOBJ Corrupted HLL object detected', command.join(' '));
    }
  }
});

test('hyperloglog: a forged sparse value of any size is scanned at most 16384 opcodes (bounded work, no whole-value decode)', () => {
  const context = createTestContext();
  // 64 MiB of ZERO opcodes (one register each): a whole scan would take seconds; the first 16385 decide.
  const forged = Buffer.alloc(64 * 1024 * 1024);
  forged.write(staleSparseHeader, 'latin1');
  run(context, 'SET', 'big', forged);
  const sketch = HllSketch.reading(forged);
  assert.equal(sketch.histogram().invalid, true);
  assert.equal(sketch.mergeInto(new Uint8Array(16384)), false);
  assert.equal(renderReply(run(context, 'PFCOUNT', 'big')), '-INVALIDOBJ Corrupted HLL object detected');
  assert.equal(renderReply(run(context, 'PFMERGE', 'w', 'big')), '-INVALIDOBJ Corrupted HLL object detected');
  // DECODE stops once its text passes what a valid sketch gives (16384 opcodes): no 256 MB reply.
  assert.equal(renderReply(run(context, 'PFDEBUG', 'DECODE', 'big')), '-INVALIDOBJ Corrupted HLL object detected');
  assert.equal(sketch.decodeSparse(), null);
});

test('hyperloglog: PFDEBUG DECODE of a valid sketch with 16384 opcodes of the longest text still decodes', () => {
  const context = createTestContext();
  // 16384 VALs of value 32 and run 1 alternating with value 31 (no merge): the longest valid text.
  const body = Array.from({ length: 16384 }, (_, index) => String.fromCharCode(index % 2 === 0 ? 0xfc : 0xf8)).join('');
  run(context, 'SET', 'v', latin1(staleSparseHeader + body));
  const reply = run(context, 'PFDEBUG', 'DECODE', 'v');
  assert.equal(reply.type, 'bulk-string');
  const text = Buffer.from((reply as { readonly value: Uint8Array }).value).toString('latin1');
  assert.equal(text.split(' ').length, 16384);
  assert.equal(text.slice(0, 13), 'v:32,1 v:31,1');
  assert.equal(renderReply(run(context, 'PFCOUNT', 'v')).startsWith(':'), true);
});

test('hyperloglog: PFCOUNT of a dense sketch whose registers are all >= 51 replies LLONG_MIN as redis-server (llroundl of infinity)', () => {
  const context = createTestContext();
  const dense = Buffer.alloc(16 + 12288, 0xff);
  dense.write('HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80', 'latin1');
  run(context, 'SET', 'x', dense);
  assert.equal(renderReply(run(context, 'PFCOUNT', 'x')), ':-9223372036854775808');
  // Stored as uint64 0x8000000000000000: the top bit leaves the cache stale, so the next call computes again.
  assert.equal(renderReply(run(context, 'GETRANGE', 'x', '8', '15')), `"${'\x00'.repeat(7)}\x80"`);
  assert.equal(renderReply(run(context, 'PFCOUNT', 'x')), ':-9223372036854775808');
  assert.equal(renderReply(run(context, 'PFCOUNT', 'x', 'x')), ':-9223372036854775808');
  assert.equal(renderReply(run(context, 'PFMERGE', 'y', 'x')), '+OK');
  assert.equal(renderReply(run(context, 'PFCOUNT', 'y')), ':-9223372036854775808');
  // Registers of 50 give 1.3e19, past long long's range too.
  const histogram = new Int32Array(64);
  histogram[50] = 16384;
  assert.equal(hllEstimate(histogram), -(2n ** 63n));
});

test('hyperloglog: PFADD that meets corrupt data keeps the elements before it, unsignalled (redis-server 7.0.15)', () => {
  const context = createTestContext();
  const modified: string[] = [];
  context.keyspace.setListener({ keyModified: (_database, key) => modified.push(key), databaseReplaced: () => undefined });
  // One XZERO of 10000 registers: f falls in it and splits it, a falls past it (corrupt).
  run(context, 'SET', 'x', latin1(`${staleSparseHeader}\x67\x0f`));
  modified.length = 0;
  assert.equal(renderReply(run(context, 'PFADD', 'x', 'f', 'a')), '-INVALIDOBJ Corrupted HLL object detected');
  assert.deepEqual(modified, []);
  assert.equal(renderReply(run(context, 'PFDEBUG', 'DECODE', 'x')), '"Z:1646 v:1,1 Z:8353"');
  assert.equal(renderReply(run(context, 'PFADD', 'x', 'f')), ':0');
});

test('hyperloglog: PFDEBUG GETREG and TODENSE convert a sparse sketch without signalling it (Redis 7.0 only bumps dirty)', () => {
  const context = createTestContext();
  const modified: string[] = [];
  context.keyspace.setListener({ keyModified: (_database, key) => modified.push(key), databaseReplaced: () => undefined });
  run(context, 'PFADD', 'h', 'a', 'b');
  run(context, 'PFADD', 'h2', 'a');
  modified.length = 0;
  assert.equal(renderReply(run(context, 'PFDEBUG', 'GETREG', 'h')).startsWith('['), true);
  assert.equal(renderReply(run(context, 'PFDEBUG', 'ENCODING', 'h')), '+dense');
  assert.equal(renderReply(run(context, 'PFDEBUG', 'TODENSE', 'h2')), ':1');
  assert.equal(renderReply(run(context, 'PFDEBUG', 'ENCODING', 'h2')), '+dense');
  assert.deepEqual(modified, []);
});
