/**
 * Goal: the simulated network is reproducible from its seed, delivers in time order with
 * deterministic ties, keeps links FIFO unless told to reorder, and applies drops, duplicates and
 * symmetric or one-way partitions (also to messages already in flight).
 *
 * Method: drive small networks by hand and compare delivery transcripts; replay one seed twice and
 * compare; check the accounting invariant of the counters after a random workload.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { PriorityQueue } from './priority-queue.js';
import { Random } from './random.js';
import { SimulatedNetwork, type LinkConfig } from './simulated-network.js';

const reliable: LinkConfig = { delayTicksMin: 1, delayTicksMax: 1, dropProbability: 0, duplicateProbability: 0, reorderProbability: 0 };

function network(seed: number, config: LinkConfig): SimulatedNetwork<string> {
  return new SimulatedNetwork<string>({ random: Random.fromSeed(seed), defaultLinkConfig: config, inflightCountMax: 10_000 });
}

function drain(target: SimulatedNetwork<string>): string[] {
  const transcript: string[] = [];
  for (let delivery = target.deliverNext(); delivery !== undefined; delivery = target.deliverNext()) {
    transcript.push(`${delivery.deliveredTick}:${delivery.source}>${delivery.target}:${delivery.message}`);
  }
  return transcript;
}

test('the priority queue pops by priority and then in insertion order', () => {
  const queue = new PriorityQueue<string>();
  for (const [priority, item] of [[3, 'a'], [1, 'b'], [3, 'c'], [1, 'd'], [2, 'e']] as const) queue.push(priority, item);
  const order: string[] = [];
  for (let entry = queue.pop(); entry !== undefined; entry = queue.pop()) order.push(entry.item);
  assert.deepEqual(order, ['b', 'd', 'e', 'a', 'c']);
});

test('a reliable network delivers in time order and breaks ties by send order', () => {
  const subject = network(1, reliable);
  subject.send({ source: 1, target: 2, message: 'first' });
  subject.send({ source: 3, target: 2, message: 'second' });
  subject.advanceClockTo(0);
  assert.deepEqual(drain(subject), ['1:1>2:first', '1:3>2:second']);
  assert.equal(subject.nowTicks, 1);
});

test('links are FIFO unless a message is reordered', () => {
  const fifo = network(2, { ...reliable, delayTicksMin: 1, delayTicksMax: 50 });
  for (let index = 0; index < 30; index += 1) fifo.send({ source: 1, target: 2, message: String(index) });
  const fifoOrder = drain(fifo).map((line) => Number(line.split(':')[2]));
  assert.deepEqual(fifoOrder, [...fifoOrder].sort((left, right) => left - right));
  const reordering = network(2, { ...reliable, delayTicksMin: 1, delayTicksMax: 50, reorderProbability: 1 });
  for (let index = 0; index < 30; index += 1) reordering.send({ source: 1, target: 2, message: String(index) });
  const reorderedOrder = drain(reordering).map((line) => Number(line.split(':')[2]));
  assert.notDeepEqual(reorderedOrder, [...reorderedOrder].sort((left, right) => left - right));
});

test('the same seed replays the same transcript', () => {
  const lossy: LinkConfig = { delayTicksMin: 0, delayTicksMax: 20, dropProbability: 0.2, duplicateProbability: 0.2, reorderProbability: 0.3 };
  const run = (): string[] => {
    const subject = network(42, lossy);
    for (let index = 0; index < 100; index += 1) subject.send({ source: index % 3, target: (index + 1) % 3, message: `m${index}` });
    return drain(subject);
  };
  const first = run();
  assert.deepEqual(run(), first);
  assert.ok(first.length > 50 && first.length < 150, `delivered ${first.length}`);
});

test('drops and duplicates follow their probabilities and the counters add up', () => {
  const subject = network(7, { delayTicksMin: 0, delayTicksMax: 5, dropProbability: 0.1, duplicateProbability: 0.1, reorderProbability: 0 });
  for (let index = 0; index < 5000; index += 1) subject.send({ source: 1, target: 2, message: 'x' });
  const inflightCount = subject.inflightCount;
  const stats = subject.stats;
  assert.equal(stats.sentCount, stats.deliveredCount + stats.droppedRandomlyCount + stats.droppedByPartitionCount + stats.droppedOverflowCount + inflightCount);
  assert.ok(Math.abs(stats.droppedRandomlyCount - 500) < 100, `dropped ${stats.droppedRandomlyCount}`);
  assert.ok(Math.abs(stats.duplicatedCount - 450) < 100, `duplicated ${stats.duplicatedCount}`);
  assert.equal(drain(subject).length, inflightCount);
});

test('a symmetric partition cuts both ways, also for messages in flight, until healed', () => {
  const subject = network(3, reliable);
  subject.send({ source: 1, target: 3, message: 'in flight' });
  subject.partition([[1, 2], [3]]);
  subject.send({ source: 3, target: 1, message: 'cut' });
  subject.send({ source: 1, target: 2, message: 'same side' });
  assert.deepEqual(drain(subject), ['1:1>2:same side']);
  assert.equal(subject.stats.droppedByPartitionCount, 2);
  subject.heal();
  subject.send({ source: 3, target: 1, message: 'healed' });
  assert.deepEqual(drain(subject), ['2:3>1:healed']);
});

test('a one-way block leaves the reverse link up', () => {
  const subject = network(4, reliable);
  subject.blockLink({ source: 1, target: 2 });
  assert.equal(subject.isLinkUp({ source: 1, target: 2 }), false);
  assert.equal(subject.isLinkUp({ source: 2, target: 1 }), true);
  subject.send({ source: 1, target: 2, message: 'blocked' });
  subject.send({ source: 2, target: 1, message: 'open' });
  assert.deepEqual(drain(subject), ['1:2>1:open']);
});

test('per-link configuration overrides the default and deliverUntil stops at its tick', () => {
  const subject = network(5, reliable);
  subject.setLinkConfig({ source: 1, target: 2 }, { ...reliable, delayTicksMin: 10, delayTicksMax: 10 });
  subject.send({ source: 1, target: 2, message: 'slow' });
  subject.send({ source: 2, target: 1, message: 'fast' });
  assert.deepEqual(subject.deliverUntil(5).map((delivery) => delivery.message), ['fast']);
  assert.equal(subject.nowTicks, 5);
  assert.equal(subject.nextDeliveryTick(), 10);
  assert.deepEqual(subject.deliverUntil(10).map((delivery) => delivery.message), ['slow']);
});

test('sends beyond the in-flight limit are dropped as overflow', () => {
  const subject = new SimulatedNetwork<string>({ random: Random.fromSeed(6), defaultLinkConfig: reliable, inflightCountMax: 2 });
  for (let index = 0; index < 3; index += 1) subject.send({ source: 1, target: 2, message: String(index) });
  assert.equal(subject.inflightCount, 2);
  assert.equal(subject.stats.droppedOverflowCount, 1);
});
