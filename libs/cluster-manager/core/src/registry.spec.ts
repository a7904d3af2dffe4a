/**
 * Goal: registry commands round-trip, malformed bytes are refused (never half-applied), and the
 * state machine gives the same state from commands or from its snapshot. Method: pure unit tests.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import {
  decodeRegistryCommand,
  decodeRegistryEntry,
  encodeRegistryBatch,
  encodeRegistryCommand,
  registryBatchCommandCountMax,
  RegistryCommandInvalidError,
  type RegistryCommand,
} from './registry-commands.js';
import { RegistryStateMachine } from './registry-state-machine.js';

const bytes = (text: string) => new TextEncoder().encode(text);

test('commands round-trip through their encoding', () => {
  const commands: RegistryCommand[] = [
    { op: 'put', key: 'members/1', value: bytes('127.0.0.1:7100') },
    { op: 'delete', key: 'ключ' },
    { op: 'compare-and-set', key: 'k', expected: undefined, value: bytes('v') },
    { op: 'compare-and-set', key: 'k', expected: bytes('v'), value: new Uint8Array() },
  ];
  for (const command of commands) assert.deepEqual(decodeRegistryCommand(encodeRegistryCommand(command)), command);
});

test('malformed and oversized commands are refused', () => {
  const valid = encodeRegistryCommand({ op: 'put', key: 'k', value: bytes('value') });
  for (let length = 0; length < valid.length; length++) assert.throws(() => decodeRegistryCommand(valid.subarray(0, length)), RegistryCommandInvalidError);
  // Every prefix of every op's encoding is refused as truncated, never read past its end.
  const others = [
    encodeRegistryCommand({ op: 'delete', key: 'k' }),
    encodeRegistryCommand({ op: 'compare-and-set', key: 'k', expected: bytes('old'), value: bytes('new') }),
    encodeRegistryCommand({ op: 'compare-and-set', key: 'k', expected: undefined, value: bytes('new') }),
  ];
  for (const command of others) {
    for (let length = 0; length < command.length; length++) assert.throws(() => decodeRegistryCommand(command.subarray(0, length)), /truncated/);
  }
  assert.throws(() => decodeRegistryCommand(Uint8Array.from([9, 1, 0, 65])), /unknown registry op 9/);
  assert.throws(() => decodeRegistryCommand(Uint8Array.from([...valid, 0])), /trailing bytes/);
  assert.throws(() => encodeRegistryCommand({ op: 'put', key: '', value: bytes('v') }), /key must be 1 to 1024 bytes/);
  assert.throws(() => encodeRegistryCommand({ op: 'put', key: 'k', value: new Uint8Array(1024 * 1024 + 1) }), /value must be at most/);
  assert.throws(() => encodeRegistryCommand({ op: 'compare-and-set', key: 'k', expected: new Uint8Array(1024 * 1024 + 1), value: bytes('v') }), /expected value must be at most 1048576 bytes, got 1048577/);
  // The largest command there can be (a compare-and-set with every field at its limit) is 2 MiB and a little.
  const largest = encodeRegistryCommand({ op: 'compare-and-set', key: 'k'.repeat(1024), expected: new Uint8Array(1024 * 1024), value: new Uint8Array(1024 * 1024) });
  assert.equal(largest.byteLength, 3 + 1024 + 1 + 4 + 1024 * 1024 + 4 + 1024 * 1024);
});

test('put, delete, compare-and-set, list, and snapshot/restore', () => {
  const machine = new RegistryStateMachine();
  const apply = (command: RegistryCommand) => machine.apply(encodeRegistryCommand(command));
  assert.deepEqual(apply({ op: 'compare-and-set', key: 'a/1', expected: undefined, value: bytes('one') }), { op: 'compare-and-set', succeeded: true });
  assert.deepEqual(apply({ op: 'compare-and-set', key: 'a/1', expected: undefined, value: bytes('again') }), { op: 'compare-and-set', succeeded: false });
  assert.deepEqual(apply({ op: 'compare-and-set', key: 'a/1', expected: bytes('one'), value: bytes('uno') }), { op: 'compare-and-set', succeeded: true });
  apply({ op: 'put', key: 'a/2', value: bytes('two') });
  apply({ op: 'put', key: 'b/1', value: bytes('other') });
  assert.deepEqual(apply({ op: 'delete', key: 'missing' }), { op: 'delete', existed: false });
  assert.deepEqual(machine.list({ prefix: 'a/', startAfter: '', limit: 10 }).items.map((item) => item.key), ['a/1', 'a/2']);
  assert.deepEqual(machine.list({ prefix: 'a/', startAfter: 'a/1', limit: 10 }).items.map((item) => item.key), ['a/2']);
  assert.deepEqual(machine.list({ prefix: '', startAfter: '', limit: 1 }), { items: [{ key: 'a/1', value: Buffer.from('uno') }], truncated: true });
  const copy = new RegistryStateMachine();
  copy.restore(machine.snapshot());
  assert.deepEqual(copy.snapshot(), machine.snapshot());
  assert.equal(Buffer.from(copy.get('a/2') ?? []).toString(), 'two');
});

test('a batch round-trips; malformed batches are refused whole', () => {
  const commands: RegistryCommand[] = [
    { op: 'put', key: 'a', value: bytes('1') },
    { op: 'delete', key: 'b' },
    { op: 'compare-and-set', key: 'c', expected: bytes('x'), value: bytes('y') },
  ];
  const batch = encodeRegistryBatch(commands.map(encodeRegistryCommand));
  assert.deepEqual(decodeRegistryEntry(batch), commands);
  assert.deepEqual(decodeRegistryEntry(encodeRegistryCommand(commands[0]!)), [commands[0]]);
  for (let length = 0; length < batch.length; length++) assert.throws(() => decodeRegistryEntry(batch.subarray(0, length)), RegistryCommandInvalidError);
  assert.throws(() => decodeRegistryEntry(Uint8Array.from([...batch, 0])), /trailing bytes after a registry batch/);
  const withCount = (count: number) => {
    const copy = Buffer.from(batch);
    copy.writeUInt32LE(count, 1);
    return copy;
  };
  assert.throws(() => decodeRegistryEntry(withCount(0)), /a batch holds 1 to 1024 commands, got 0/);
  assert.throws(() => decodeRegistryEntry(withCount(registryBatchCommandCountMax + 1)), /got 1025/);
  assert.throws(() => decodeRegistryEntry(withCount(2)), /trailing bytes/);
  assert.throws(() => decodeRegistryEntry(withCount(4)), /truncated/);
  // A batch inside a batch, written by hand (the encoder refuses to).
  const nested = Buffer.concat([Buffer.from([4, 1, 0, 0, 0]), Buffer.alloc(4), batch]);
  nested.writeUInt32LE(batch.length, 5);
  assert.throws(() => decodeRegistryEntry(nested), /a registry batch where one command was expected/);
  assert.throws(() => encodeRegistryBatch([batch]), /a batch cannot carry a batch/);
  assert.throws(() => encodeRegistryBatch([]), /a batch holds 1 to 1024 commands, got 0/);
  assert.throws(() => decodeRegistryCommand(batch), /a registry batch where one command was expected/);
});

test('a batch applies its commands in order with one result each; a malformed one changes nothing', () => {
  const machine = new RegistryStateMachine();
  const batch = (...commands: RegistryCommand[]) => encodeRegistryBatch(commands.map(encodeRegistryCommand));
  assert.deepEqual(
    machine.apply(
      batch(
        { op: 'put', key: 'k', value: bytes('1') },
        { op: 'compare-and-set', key: 'k', expected: bytes('1'), value: bytes('2') },
        { op: 'compare-and-set', key: 'k', expected: bytes('1'), value: bytes('3') },
        { op: 'delete', key: 'gone' },
        { op: 'put', key: 'gone', value: bytes('here') },
        { op: 'delete', key: 'gone' },
      ),
    ),
    {
      op: 'batch',
      results: [
        { op: 'put' },
        { op: 'compare-and-set', succeeded: true },
        { op: 'compare-and-set', succeeded: false },
        { op: 'delete', existed: false },
        { op: 'put' },
        { op: 'delete', existed: true },
      ],
    },
  );
  assert.equal(Buffer.from(machine.get('k') ?? []).toString(), '2');
  assert.equal(machine.get('gone'), undefined);
  const before = machine.snapshot();
  const good = batch({ op: 'put', key: 'k', value: bytes('changed') }, { op: 'put', key: 'new', value: bytes('v') });
  // The second command's value length claims one byte more than the entry holds.
  const bad = Buffer.from(good);
  bad.writeUInt32LE(bad.readUInt32LE(bad.length - 5) + 1, bad.length - 5);
  assert.throws(() => machine.apply(bad), /truncated/);
  assert.deepEqual(machine.snapshot(), before, 'the first command of the refused batch was not applied');
});
