/**
 * Goal: registry commands round-trip, malformed bytes are refused (never half-applied), and the
 * state machine gives the same state from commands or from its snapshot. Method: pure unit tests.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decodeRegistryCommand, encodeRegistryCommand, RegistryCommandInvalidError, type RegistryCommand } from './registry-commands.js';
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
