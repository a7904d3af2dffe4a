/**
 * Goal: the commands proposed in one turn of the event loop reach Raft as one entry (a lone one
 * as itself), each caller gets its own command's result in order, an entry's failure reaches every
 * command it carried, the count and byte limits split batches, a refused command fails alone, and
 * too many pending commands are refused. Method: a RegistryCommandBatcher over a real
 * RegistryStateMachine whose "Raft" applies each proposed entry on a later turn.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { decodeRegistryEntry, RegistryStateMachine, type RegistryResult } from '@objectbox/cluster-manager-core';
import { RaftOverloadedError } from '@objectbox/consensus-runtime';
import { InvalidArgumentError } from '@objectbox/util';
import { registryBatchBytesMax, RegistryCommandBatcher, type RegistryCommandBatcherOptions } from './registry-command-batcher.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const put = (key: string, value = 'v') => ({ op: 'put', key, value: bytes(value) }) as const;

function harness(options: Partial<RegistryCommandBatcherOptions> & { fail?: (entry: Uint8Array) => Error | undefined } = {}) {
  const machine = new RegistryStateMachine();
  const entries: Uint8Array[] = [];
  const batcher = new RegistryCommandBatcher({
    groupId: 'test',
    pendingCommandCountMax: 10_000,
    batchCommandCountMax: 1024,
    batchBytesMax: registryBatchBytesMax,
    ...options,
    propose: async (entry) => {
      entries.push(entry);
      await new Promise((resolve) => setImmediate(resolve));
      const error = options.fail?.(entry);
      if (error !== undefined) throw error;
      return { result: machine.apply(entry) as RegistryResult, index: entries.length };
    },
  });
  return { machine, entries, batcher };
}

test('one turn of commands is one entry; each caller gets its own result and the shared index', async () => {
  const { machine, entries, batcher } = harness();
  const outcomes = await Promise.all([
    batcher.propose(put('k', 'one')),
    batcher.propose({ op: 'compare-and-set', key: 'k', expected: bytes('one'), value: bytes('two') }),
    batcher.propose({ op: 'compare-and-set', key: 'k', expected: bytes('one'), value: bytes('three') }),
    batcher.propose({ op: 'delete', key: 'absent' }),
  ]);
  assert.equal(entries.length, 1);
  assert.deepEqual(outcomes, [
    { result: { op: 'put' }, index: 1 },
    { result: { op: 'compare-and-set', succeeded: true }, index: 1 },
    { result: { op: 'compare-and-set', succeeded: false }, index: 1 },
    { result: { op: 'delete', existed: false }, index: 1 },
  ]);
  assert.equal(Buffer.from(machine.get('k') ?? []).toString(), 'two');
  // A command alone in its turn goes as itself, not as a batch of one.
  assert.deepEqual(await batcher.propose({ op: 'delete', key: 'k' }), { result: { op: 'delete', existed: true }, index: 2 });
  assert.equal(entries[1]![0], 2, 'a plain delete command');
});

async function batchSizes(batchBytesMax: number, count: number): Promise<number[]> {
  const { entries, batcher } = harness({ batchBytesMax });
  await Promise.all(Array.from({ length: count }, (_, position) => batcher.propose(put(`k${position}`, 'x'.repeat(100)))));
  return entries.map((entry) => decodeRegistryEntry(entry).length);
}

test('the count and byte limits split a turn into several entries, in order', async () => {
  const byCount = harness({ batchCommandCountMax: 3 });
  await Promise.all(Array.from({ length: 7 }, (_, position) => byCount.batcher.propose(put(`k${position}`))));
  assert.deepEqual(
    byCount.entries.map((entry) => decodeRegistryEntry(entry).map((command) => command.key)),
    [['k0', 'k1', 'k2'], ['k3', 'k4', 'k5'], ['k6']],
  );
  // Each put of a 100-byte value is 4 + 3 + 2 + 4 + 100 = 113 framed bytes: two and the 5-byte
  // batch header fit in 231 bytes, not in 230 (a spec of the header's accounting).
  assert.deepEqual(await batchSizes(230, 2), [1, 1]);
  const byBytes = harness({ batchBytesMax: 231 });
  await Promise.all(Array.from({ length: 5 }, (_, position) => byBytes.batcher.propose(put(`k${position}`, 'x'.repeat(100)))));
  assert.deepEqual(byBytes.entries.map((entry) => decodeRegistryEntry(entry).length), [2, 2, 1]);
  // A command larger than the limit goes alone.
  await Promise.all([byBytes.batcher.propose(put('small')), byBytes.batcher.propose(put('large', 'x'.repeat(1000))), byBytes.batcher.propose(put('after'))]);
  assert.deepEqual(byBytes.entries.slice(3).map((entry) => decodeRegistryEntry(entry).map((command) => command.key)), [['small'], ['large'], ['after']]);
});

test('an entry that fails fails every command it carried; a refused command fails alone', async () => {
  const refusal = new Error('not the leader');
  const { entries, batcher } = harness({ fail: (entry) => (decodeRegistryEntry(entry).some((command) => command.key === 'doomed') ? refusal : undefined) });
  const doomed = [batcher.propose(put('a')), batcher.propose(put('doomed')), batcher.propose(put('b'))];
  for (const outcome of doomed) await assert.rejects(outcome, (error) => error === refusal);
  assert.throws(() => batcher.propose(put('')), InvalidArgumentError);
  assert.throws(() => batcher.propose(put('k', 'x'.repeat(1024 * 1024 + 1))), /value must be at most/);
  assert.deepEqual(await batcher.propose(put('fine')), { result: { op: 'put' }, index: 2 });
  assert.equal(entries.length, 2);
});

test('commands beyond pendingCommandCountMax are refused until earlier ones settle', async () => {
  const { batcher } = harness({ pendingCommandCountMax: 2 });
  const first = [batcher.propose(put('a')), batcher.propose(put('b'))];
  await assert.rejects(batcher.propose(put('c')), RaftOverloadedError);
  await Promise.all(first);
  assert.deepEqual(await batcher.propose(put('c')), { result: { op: 'put' }, index: 2 });
});

test('options out of range are refused at construction', () => {
  const options = { groupId: 'test', propose: () => Promise.reject(new Error('unused')), pendingCommandCountMax: 1, batchCommandCountMax: 1, batchBytesMax: 1 };
  assert.throws(() => new RegistryCommandBatcher({ ...options, batchCommandCountMax: 0 }), /batchCommandCountMax must be 1 to 1024/);
  assert.throws(() => new RegistryCommandBatcher({ ...options, batchCommandCountMax: 1025 }), /batchCommandCountMax must be 1 to 1024/);
  assert.throws(() => new RegistryCommandBatcher({ ...options, batchBytesMax: 0 }), /batchBytesMax must be a positive integer/);
  assert.throws(() => new RegistryCommandBatcher({ ...options, pendingCommandCountMax: 0 }), /pendingCommandCountMax must be a positive integer/);
});
