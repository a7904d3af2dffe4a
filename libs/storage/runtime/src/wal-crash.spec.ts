/**
 * Crash tests of the WAL. Goal: prove that no acknowledged record is ever lost and no corrupt record
 * is ever returned, and that damage to acknowledged data is a typed error rather than a skipped
 * record or a crash loop.
 *
 * Method:
 * 1. Real files: truncate the last segment at every byte offset of its last records, reopen, and
 *    check that exactly the records wholly before the cut survive, in order.
 * 2. Real files: flip bits in a middle record (typed WalCorruptionError, file left untouched, same
 *    error on every retry) and in the final batch (documented: treated as a torn tail).
 * 3. Simulated disk (MemoryFileSystem): concurrent appends with small segments, a crash at a seeded
 *    random moment that drops unsynced writes or keeps a random subset of their sectors (torn,
 *    out-of-order), then recovery. Each seed is printed on failure and replays exactly.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSeededRandom, MemoryFileSystem, segmentFileName, WalCorruptionError } from '@objectbox/storage-core';
import { testPayload, testWalOptions, withTemporaryDirectory } from './test-support.js';
import { Wal } from './wal.js';

async function indexesAndPayloads(wal: Wal): Promise<[number, string][]> {
  const result: [number, string][] = [];
  for await (const record of wal.readRecords({ fromIndex: wal.firstIndex })) result.push([record.index, Buffer.from(record.payload).toString('latin1')]);
  return result;
}

/** Writes records 1..count in batches of 1, 2 and 3; returns the segment bytes and each record's end offset. */
async function writeFixture(directory: string, count: number): Promise<{ bytes: Buffer; recordEnds: number[] }> {
  const wal = await Wal.open(testWalOptions(directory));
  const batchSizes = [1, 2, 3];
  for (let batch = 0; wal.lastIndex < count; batch++) {
    const size = Math.min(batchSizes[batch % 3]!, count - wal.lastIndex);
    const records = Array.from({ length: size }, (_, position) => ({ type: 1, payload: testPayload(wal.lastIndex + 1 + position) }));
    await wal.append(records);
  }
  await wal.close();
  const bytes = await readFile(join(directory, segmentFileName(1)));
  const recordEnds = Array.from({ length: count }, (_, position) => 32 + (position + 1) * (24 + 40));
  assert.equal(recordEnds.at(-1), bytes.length);
  return { bytes, recordEnds };
}

test('truncation at every byte offset of the last records keeps exactly the whole records before it', async () => {
  await withTemporaryDirectory(async (directory) => {
    const count = 12;
    const { bytes, recordEnds } = await writeFixture(directory, count);
    const path = join(directory, segmentFileName(1));
    const cutFirst = recordEnds[count - 5]!;
    for (let cut = cutFirst; cut <= bytes.length; cut++) {
      await writeFile(path, bytes.subarray(0, cut));
      const options = testWalOptions(directory);
      const wal = await Wal.open(options);
      const whole = recordEnds.filter((end) => end <= cut).length;
      const recovered = await indexesAndPayloads(wal);
      assert.deepEqual(recovered.map(([index]) => index), Array.from({ length: whole }, (_, i) => i + 1), `cut at ${cut}`);
      assert.ok(recovered.every(([index, payload]) => payload === testPayload(index).toString('latin1')), `cut at ${cut}`);
      const onBoundary = recordEnds.includes(cut);
      assert.equal(wal.recovery.tornTail === null, onBoundary, `cut at ${cut}`);
      if (!onBoundary) assert.ok(options.logger.events.some((event) => event.event === 'wal-torn-tail-truncated' && event.level === 'warn'));
      // The log is appendable right after the surviving prefix.
      assert.deepEqual(await wal.append([{ type: 1, payload: testPayload(whole + 1) }]), { firstIndex: whole + 1, lastIndex: whole + 1 });
      await wal.close();
    }
  });
});

test('a bit flip in a middle record is a typed corruption error, repeatable, and modifies nothing', async () => {
  await withTemporaryDirectory(async (directory) => {
    const { bytes, recordEnds } = await writeFixture(directory, 12);
    const path = join(directory, segmentFileName(1));
    const damaged = Buffer.from(bytes);
    const middleRecordStart = recordEnds[4]!; // record 6
    damaged[middleRecordStart + 30]! ^= 0x01;
    await writeFile(path, damaged);
    for (let attempt = 0; attempt < 2; attempt++) {
      await assert.rejects(Wal.open(testWalOptions(directory)), (error: unknown) => {
        assert.ok(error instanceof WalCorruptionError);
        assert.equal(error.code, 'WalCorruption');
        assert.equal(error.segment, segmentFileName(1));
        assert.equal(error.offsetBytes, middleRecordStart);
        assert.equal(error.reason, 'record-invalid-before-later-batch');
        return true;
      });
      assert.deepEqual(await readFile(path), damaged, 'recovery must not modify a corrupt log');
    }
  });
});

test('a bit flip in the final batch is treated as a torn tail (documented trade-off)', async () => {
  await withTemporaryDirectory(async (directory) => {
    // Batches: [1] [2,3] [4,5,6] [7] [8,9] [10,11,12]; the final batch is 10..12.
    const { bytes, recordEnds } = await writeFixture(directory, 12);
    const damaged = Buffer.from(bytes);
    damaged[recordEnds[9]! + 30]! ^= 0x01; // inside record 11
    await writeFile(join(directory, segmentFileName(1)), damaged);
    const wal = await Wal.open(testWalOptions(directory));
    assert.deepEqual((await indexesAndPayloads(wal)).map(([index]) => index), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(wal.recovery.tornTail?.offsetBytes, recordEnds[9]);
    await wal.close();
  });
});

/**
 * One seeded crash run. The simulated disk completes I/O in microtasks, so the crash is triggered
 * from inside the writers (after a random number of acknowledgements plus a random number of
 * microtask ticks) rather than from a timer, which would never get to run.
 */
async function crashRun(seed: number): Promise<void> {
  const random = createSeededRandom(seed);
  const disk = new MemoryFileSystem();
  // Odd seeds preallocate (zeros ahead of the records, cut when a segment is sealed), even ones do not.
  const preallocateBytes = seed % 2 === 1 ? 1024 : 0;
  const openWal = (): Promise<Wal> => Wal.open(testWalOptions('/data/wal', { fileSystem: disk.processView(), segmentSizeBytes: 4096, preallocateBytes }));
  const acknowledged = new Map<number, string>();
  const issued = new Set<string>();
  let wal = await openWal();
  // Several generations: run writers, crash, recover, check, continue on the recovered log.
  for (let generation = 0; generation < 3; generation++) {
    const writerCount = 1 + Math.floor(random.next() * 16);
    const crashAfterAcknowledgements = Math.floor(random.next() * 40);
    let acknowledgements = 0;
    let crashed = false;
    let crashScheduled = false;
    const scheduleCrash = async (): Promise<void> => {
      crashScheduled = true;
      for (let ticks = Math.floor(random.next() * 30); ticks > 0; ticks--) await Promise.resolve();
      crashed = true;
      disk.crash(random.next() < 0.3 ? undefined : random);
    };
    const crashDone = crashAfterAcknowledgements === 0 ? scheduleCrash() : null;
    const crashes: Promise<void>[] = crashDone === null ? [] : [crashDone];
    const writers = Array.from({ length: writerCount }, async (_, writer) => {
      for (let round = 0; !crashed; round++) {
        const recordCount = 1 + Math.floor(random.next() * 3);
        const payloads = Array.from({ length: recordCount }, (_, position) =>
          `g${generation}w${writer}r${round}p${position}`.padEnd(20 + Math.floor(random.next() * 200), '.'),
        );
        payloads.forEach((payload) => issued.add(payload));
        const result = await wal.append(payloads.map((payload) => ({ type: 1, payload: Buffer.from(payload, 'latin1') })));
        if (crashed) return;
        payloads.forEach((payload, position) => acknowledged.set(result.firstIndex + position, payload));
        if (++acknowledgements >= crashAfterAcknowledgements && !crashScheduled) crashes.push(scheduleCrash());
      }
    });
    await Promise.allSettled(writers);
    await Promise.all(crashes);
    assert.ok(crashed, 'the run ended with a crash');
    wal = await openWal();
    await checkRecovered(wal, { acknowledged, issued });
  }
  await wal.close();
}

/** Every acknowledged record is present and unchanged; every record present was written once. */
async function checkRecovered(wal: Wal, history: { acknowledged: Map<number, string>; issued: Set<string> }): Promise<void> {
  const recovered = await indexesAndPayloads(wal);
  recovered.forEach(([index, payload], position) => {
    assert.equal(index, position + 1, 'indexes are consecutive from 1');
    assert.ok(history.issued.has(payload), `record ${index} was never written: ${payload.slice(0, 30)}`);
  });
  assert.equal(new Set(recovered.map(([, payload]) => payload)).size, recovered.length, 'no record appears twice');
  for (const [index, payload] of history.acknowledged) {
    assert.equal(recovered[index - 1]?.[1], payload, `acknowledged record ${index} lost or changed`);
  }
  // Unacknowledged survivors are now part of the log; later generations must keep them too.
  for (const [index, payload] of recovered) history.acknowledged.set(index, payload);
}

test('simulated crashes (dropped and torn unsynced writes) never lose an acknowledged record', async () => {
  const seedFirst = Number(process.env['SEED'] ?? 1);
  const seedCount = process.env['SEED'] === undefined ? 150 : 1;
  for (let seed = seedFirst; seed < seedFirst + seedCount; seed++) {
    try {
      await crashRun(seed);
    } catch (error) {
      throw new Error(`crash run failed; replay with SEED=${seed}`, { cause: error });
    }
  }
});
