/**
 * Goal: the simulated disk keeps exactly the promises a write-ahead log relies on (fsynced data and
 * synced directory entries survive a crash) and breaks every other one the way real disks do
 * (unsynced writes vanish or survive as a prefix, the first lost write may be torn by sector,
 * stored bits rot).
 *
 * Method: small scripted scenarios per rule, plus a seeded property: after a crash with torn writes
 * enabled, every file starts with its synced content and every byte beyond it comes either from a
 * write issued after the sync or is zero fill.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import { isTestingError } from './errors.js';
import { Random } from './random.js';
import { SimulatedDisk, type SimulatedDiskOptions } from './simulated-disk.js';

function disk(overrides: Partial<SimulatedDiskOptions> = {}): SimulatedDisk {
  return new SimulatedDisk({
    random: Random.fromSeed(1),
    sectorSizeBytes: 4,
    capacityBytes: 1 << 20,
    unsyncedWriteKeepProbability: 0,
    tornWriteProbability: 0,
    directorySyncRequired: true,
    ...overrides,
  });
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

function readAll(subject: SimulatedDisk, path: string): string {
  const file = subject.open(path, 'existing');
  return text(file.read({ offsetBytes: 0, lengthBytes: file.sizeBytes }));
}

function hasCode(code: string): (error: unknown) => boolean {
  return (error) => isTestingError(error) && error.code === code;
}

test('reads see unsynced writes; a crash keeps only fsynced content of synced names', () => {
  const subject = disk();
  const file = subject.open('wal', 'create');
  assert.equal(file.append(bytes('hello ')), 0);
  file.fsync();
  subject.syncDirectory();
  assert.equal(file.append(bytes('world')), 6);
  file.write({ offsetBytes: 0, bytes: bytes('J') });
  assert.equal(text(file.read({ offsetBytes: 0, lengthBytes: 100 })), 'Jello world');
  subject.crash();
  assert.equal(readAll(subject, 'wal'), 'hello ');
  assert.throws(() => file.sizeBytes, hasCode('StaleFileHandle'));
});

test('a created file vanishes in a crash unless the directory was synced', () => {
  const subject = disk();
  const file = subject.open('new', 'create');
  file.append(bytes('data'));
  file.fsync();
  subject.crash();
  assert.deepEqual(subject.list(), []);
  const relaxed = disk({ directorySyncRequired: false });
  relaxed.open('new', 'create').fsync();
  relaxed.crash();
  assert.deepEqual(relaxed.list(), ['new']);
});

test('rename replaces the target atomically and becomes durable with the directory', () => {
  const subject = disk();
  const old = subject.open('current', 'create');
  old.append(bytes('old'));
  old.fsync();
  subject.syncDirectory();
  const next = subject.open('current.tmp', 'create');
  next.append(bytes('new'));
  next.fsync();
  subject.rename({ source: 'current.tmp', target: 'current' });
  assert.equal(readAll(subject, 'current'), 'new');
  assert.equal(next.sizeBytes, 3); // The handle follows the file, not the name.
  subject.crash();
  assert.equal(readAll(subject, 'current'), 'old');
  const again = subject.open('current.tmp', 'create');
  again.append(bytes('new'));
  again.fsync();
  subject.rename({ source: 'current.tmp', target: 'current' });
  subject.syncDirectory();
  subject.crash();
  assert.deepEqual(subject.list(), ['current']);
  assert.equal(readAll(subject, 'current'), 'new');
});

test('open modes, remove and missing files report typed errors', () => {
  const subject = disk();
  assert.throws(() => subject.open('missing', 'existing'), hasCode('FileNotFound'));
  const file = subject.open('a', 'create-exclusive');
  assert.throws(() => subject.open('a', 'create-exclusive'), hasCode('FileAlreadyExists'));
  subject.remove('a');
  assert.equal(subject.exists('a'), false);
  file.append(bytes('still writable')); // An unlinked file stays usable through its handle.
  assert.throws(() => subject.remove('a'), hasCode('FileNotFound'));
  assert.throws(() => subject.rename({ source: 'a', target: 'b' }), hasCode('FileNotFound'));
});

test('truncate shrinks and zero-extends, and is lost like a write when unsynced', () => {
  const subject = disk();
  const file = subject.open('f', 'create');
  file.append(bytes('abcdef'));
  file.fsync();
  subject.syncDirectory();
  file.truncate(2);
  assert.equal(text(file.read({ offsetBytes: 0, lengthBytes: 10 })), 'ab');
  file.truncate(4);
  assert.deepEqual([...file.read({ offsetBytes: 0, lengthBytes: 10 })], [97, 98, 0, 0]);
  subject.crash();
  assert.equal(readAll(subject, 'f'), 'abcdef');
});

test('writes beyond the capacity throw DiskFull and change nothing', () => {
  const subject = disk({ capacityBytes: 8 });
  const file = subject.open('f', 'create');
  file.append(bytes('12345678'));
  assert.throws(() => file.append(bytes('9')), hasCode('DiskFull'));
  file.write({ offsetBytes: 0, bytes: bytes('x') }); // Overwrites need no space.
  assert.equal(file.sizeBytes, 8);
});

test('unsynced writes may survive as an in-order prefix', () => {
  const subject = disk({ unsyncedWriteKeepProbability: 1 });
  const file = subject.open('f', 'create');
  subject.syncDirectory();
  file.append(bytes('ab'));
  file.append(bytes('cd'));
  subject.crash();
  assert.equal(readAll(subject, 'f'), 'abcd');
});

test('a torn write keeps some but not all of its sectors', () => {
  const outcomes = new Set<string>();
  for (let seed = 0; seed < 40; seed += 1) {
    const subject = disk({ random: Random.fromSeed(seed), tornWriteProbability: 1 });
    const file = subject.open('f', 'create');
    file.append(bytes('00000000'));
    file.fsync();
    subject.syncDirectory();
    file.write({ offsetBytes: 2, bytes: bytes('abcdefgh') }); // Bytes 2-9: sectors 0, 1 and 2 of 4 bytes.
    subject.crash();
    const content = readAll(subject, 'f');
    assert.notEqual(content, '00000000');
    assert.notEqual(content, '00abcdefgh');
    outcomes.add(content);
  }
  assert.ok(outcomes.size >= 3, `outcomes ${[...outcomes].join(', ')}`);
});

test('a corrupted sector flips exactly one stored bit, reproducibly', () => {
  const corrupt = (): string => {
    const subject = disk({ random: Random.fromSeed(9) });
    const file = subject.open('f', 'create');
    file.append(bytes('abcdefgh'));
    file.fsync();
    assert.equal(subject.corruptSector({ path: 'f', sectorIndex: 1 }), true);
    assert.equal(subject.corruptSector({ path: 'f', sectorIndex: 2 }), false);
    return text(file.read({ offsetBytes: 0, lengthBytes: 8 }));
  };
  const content = corrupt();
  assert.equal(content, corrupt());
  assert.equal(content.slice(0, 4), 'abcd');
  const differing = [...content].filter((character, index) => character !== 'abcdefgh'[index]);
  assert.equal(differing.length, 1);
});

test('property: after a crash a file is its synced content followed by bytes written since or zeros', () => {
  fc.assert(
    fc.property(fc.nat(), fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 8 }), (seed, writeSizes) => {
      const subject = disk({ random: Random.fromSeed(seed), unsyncedWriteKeepProbability: 0.5, tornWriteProbability: 0.5 });
      const file = subject.open('f', 'create');
      file.append(bytes('SYNCED'));
      file.fsync();
      subject.syncDirectory();
      writeSizes.forEach((sizeBytes, index) => file.append(new Uint8Array(sizeBytes).fill(65 + index)));
      const written = file.read({ offsetBytes: 0, lengthBytes: file.sizeBytes });
      subject.crash();
      const content = subject.open('f', 'existing').read({ offsetBytes: 0, lengthBytes: 1000 });
      assert.equal(text(content.subarray(0, 6)), 'SYNCED');
      content.forEach((value, index) => assert.ok(value === written[index] || value === 0, `byte ${index}`));
    }),
  );
});
