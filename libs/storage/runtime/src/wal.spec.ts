/**
 * Wal on real files: append and read back, reopen, segment rollover, group commit (fsyncs counted
 * through an injected file system, never timed), backpressure, truncatePrefix/truncateSuffix, and
 * typed errors for bad input.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { isStorageError } from '@objectbox/storage-core';
import { CountingFileSystem, testPayload, testWalOptions, withTemporaryDirectory } from './test-support.js';
import { Wal } from './wal.js';

async function readAll(wal: Wal): Promise<{ index: number; payload: string }[]> {
  const records: { index: number; payload: string }[] = [];
  for await (const record of wal.readRecords({ fromIndex: wal.firstIndex })) {
    records.push({ index: record.index, payload: Buffer.from(record.payload).toString('latin1') });
  }
  return records;
}

async function appendMany(wal: Wal, count: number, payloadBytes = 40): Promise<void> {
  for (let written = 0; written < count; written++) {
    await wal.append([{ type: 1, payload: testPayload(wal.lastIndex + 1, payloadBytes) }]);
  }
}

test('appends are read back in order, also after reopening', async () => {
  await withTemporaryDirectory(async (directory) => {
    const wal = await Wal.open(testWalOptions(directory));
    assert.deepEqual([wal.firstIndex, wal.lastIndex], [1, 0]);
    assert.deepEqual(await wal.append([{ type: 1, payload: testPayload(1) }]), { firstIndex: 1, lastIndex: 1 });
    assert.deepEqual(await wal.append([{ type: 2, payload: testPayload(2) }, { type: 3, payload: Buffer.alloc(0) }]), { firstIndex: 2, lastIndex: 3 });
    await wal.close();
    const reopened = await Wal.open(testWalOptions(directory));
    assert.equal(reopened.lastIndex, 3);
    const records = [];
    for await (const record of reopened.readRecords({ fromIndex: 2 })) records.push([record.index, record.type, record.payload.length]);
    assert.deepEqual(records, [[2, 2, 40], [3, 3, 0]]);
    assert.deepEqual(await reopened.append([{ type: 1, payload: testPayload(4) }]), { firstIndex: 4, lastIndex: 4 });
    await reopened.close();
    await assert.rejects(reopened.append([{ type: 1, payload: testPayload(5) }]), { code: 'WalClosed' });
  });
});

test('segments roll over at segmentSizeBytes and names sort by first index', async () => {
  await withTemporaryDirectory(async (directory) => {
    const options = testWalOptions(directory, { segmentSizeBytes: 4096 });
    const wal = await Wal.open(options);
    await appendMany(wal, 200, 100);
    const names = (await readdir(directory)).sort();
    assert.ok(names.length >= 5, `expected several segments, got ${names.length}`);
    await wal.close();
    const reopened = await Wal.open(options);
    const records = await readAll(reopened);
    assert.deepEqual(records.map((record) => record.index), Array.from({ length: 200 }, (_, i) => i + 1));
    assert.ok(records.every((record) => record.payload.startsWith(`record-${record.index}`)));
    await reopened.close();
  });
});

test('group commit: 64 concurrent appends take far fewer fsyncs than appends', async (context) => {
  await withTemporaryDirectory(async (directory) => {
    const fileSystem = new CountingFileSystem();
    const wal = await Wal.open(testWalOptions(directory, { fileSystem }));
    const syncsBefore = fileSystem.fileSyncCount;
    const appendCount = 64 * 8;
    // 64 writers, each appending 8 records one at a time and waiting for each acknowledgement.
    const writers = Array.from({ length: 64 }, async (_, writer) => {
      for (let round = 0; round < 8; round++) await wal.append([{ type: 1, payload: Buffer.from(`w${writer}r${round}`) }]);
    });
    await Promise.all(writers);
    const fsyncCount = fileSystem.fileSyncCount - syncsBefore;
    assert.equal(wal.lastIndex, appendCount);
    context.diagnostic(`${appendCount} appends from 64 writers took ${fsyncCount} fsyncs`);
    // Deterministic bound: the first batch holds all 64 first appends; afterwards every batch holds
    // every writer whose previous append was acknowledged, so there are about 8 batches, not 512.
    assert.ok(fsyncCount <= appendCount / 8, `fsyncs ${fsyncCount} for ${appendCount} appends`);
    assert.equal(wal.pendingBytes, 0);
    const payloads = (await readAll(wal)).map((record) => record.payload);
    assert.equal(new Set(payloads).size, appendCount);
    await wal.close();
  });
});

test('backpressure: appends beyond pendingBytesMax are refused with a typed error', async () => {
  await withTemporaryDirectory(async (directory) => {
    const wal = await Wal.open(testWalOptions(directory, { pendingBytesMax: 4096 + 24, recordPayloadBytesMax: 4096 }));
    const first = wal.append([{ type: 1, payload: Buffer.alloc(4096) }]);
    await assert.rejects(wal.append([{ type: 1, payload: Buffer.alloc(1) }]), { code: 'WalPendingBytesExceeded', kind: 'resource-exhausted' });
    await first;
    await wal.append([{ type: 1, payload: Buffer.alloc(1) }]);
    await assert.rejects(wal.append([{ type: 1, payload: Buffer.alloc(4097) }]), (error: unknown) => isStorageError(error) && error.code === 'WalRecordTooLarge');
    assert.equal(wal.lastIndex, 2);
    await wal.close();
  });
});

test('truncateSuffix removes later records and segments; appends continue after it', async () => {
  await withTemporaryDirectory(async (directory) => {
    const options = testWalOptions(directory, { segmentSizeBytes: 4096 });
    const wal = await Wal.open(options);
    await appendMany(wal, 120, 100);
    await wal.truncateSuffix(37);
    assert.equal(wal.lastIndex, 37);
    assert.deepEqual(await wal.append([{ type: 1, payload: Buffer.from('replacement') }]), { firstIndex: 38, lastIndex: 38 });
    await assert.rejects(wal.truncateSuffix(39), { code: 'WalIndexOutOfRange' });
    await wal.close();
    const reopened = await Wal.open(options);
    const records = await readAll(reopened);
    assert.equal(records.length, 38);
    assert.equal(records[37]!.payload, 'replacement');
    await reopened.truncateSuffix(0);
    assert.deepEqual([reopened.firstIndex, reopened.lastIndex], [1, 0]);
    await reopened.close();
    assert.equal((await Wal.open(options)).lastIndex, 0);
  });
});

test('truncatePrefix removes whole segments before the index, and can jump past the end', async () => {
  await withTemporaryDirectory(async (directory) => {
    const options = testWalOptions(directory, { segmentSizeBytes: 4096 });
    const wal = await Wal.open(options);
    await appendMany(wal, 120, 100);
    await wal.truncatePrefix(60);
    assert.ok(wal.firstIndex > 1 && wal.firstIndex <= 60, `firstIndex ${wal.firstIndex}`);
    await assert.rejects(async () => {
      for await (const record of wal.readRecords({ fromIndex: 1 })) void record;
    }, { code: 'WalIndexOutOfRange' });
    const kept = (await readAll(wal)).map((record) => record.index);
    assert.deepEqual(kept, Array.from({ length: 120 - wal.firstIndex + 1 }, (_, i) => wal.firstIndex + i));
    await wal.truncatePrefix(500);
    assert.deepEqual([wal.firstIndex, wal.lastIndex], [500, 499]);
    assert.deepEqual(await wal.append([{ type: 1, payload: Buffer.from('after snapshot') }]), { firstIndex: 500, lastIndex: 500 });
    await wal.close();
    const reopened = await Wal.open(options);
    assert.deepEqual([reopened.firstIndex, reopened.lastIndex], [500, 500]);
    await reopened.close();
  });
});

test('preallocated zeros after the records are the end of the log: clean reopen, sealed segments cut to their records', async () => {
  await withTemporaryDirectory(async (directory) => {
    const options = testWalOptions(directory, { segmentSizeBytes: 8192, preallocateBytes: 2048 });
    const wal = await Wal.open(options);
    await appendMany(wal, 10, 100);
    const [first] = (await readdir(directory)).sort();
    // The first append wrote its record and 2048 zeros; the next nine landed inside them.
    assert.equal((await stat(join(directory, first!))).size, 32 + (24 + 100) + 2048);
    await wal.close();
    const reopened = await Wal.open(options);
    assert.equal(reopened.recovery.tornTail, null);
    assert.ok(!options.logger.events.some((event) => event.event === 'wal-torn-tail-truncated'));
    await appendMany(reopened, 190, 100);
    const names = (await readdir(directory)).sort();
    assert.ok(names.length >= 3, `expected several segments, got ${names.length}`);
    for (const name of names.slice(0, -1)) {
      const sizeBytes = (await stat(join(directory, name))).size;
      assert.equal((sizeBytes - 32) % (24 + 100), 0, `sealed segment ${name} ends with its last record, not zeros`);
    }
    assert.equal((await readFile(join(directory, names.at(-1)!))).at(-1), 0, 'the active segment keeps zeros ahead');
    await reopened.close();
    const again = await Wal.open(options);
    const records = await readAll(again);
    assert.deepEqual(records.map((record) => record.index), Array.from({ length: 200 }, (_, i) => i + 1));
    assert.ok(records.every((record) => record.payload.startsWith(`record-${record.index}`)));
    assert.equal(again.recovery.tornTail, null);
    await again.close();
  });
});
