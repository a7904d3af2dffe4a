/**
 * Goal: proposals still unsettled at their deadline are expired once each, in the order made;
 * settled ones never are, also when they settle after their deadline but before the check; the
 * queue drops settled proposals from its head, so it holds about the proposals in flight, and sweeps
 * them from behind a proposal stuck at the head.
 * Method: a manual clock and direct calls of expireDue stand in for the timer.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ProposalDeadlines } from './proposal-deadlines.js';

interface Item {
  readonly id: number;
  settled: boolean;
}

function queueWithClock(timeoutMs: number) {
  let nowMs = 0;
  const expired: number[] = [];
  const deadlines = new ProposalDeadlines<Item>(
    timeoutMs,
    (item) => {
      expired.push(item.id);
      item.settled = true;
    },
    () => nowMs,
  );
  return { deadlines, expired, advance: (ms: number) => (nowMs += ms) };
}

test('unsettled proposals expire at their deadline, once, in order; settled ones never', (t) => {
  const { deadlines, expired, advance } = queueWithClock(100);
  t.after(() => deadlines.clear());
  const items: Item[] = [];
  for (let id = 0; id < 6; id++) {
    const item = { id, settled: false };
    items.push(item);
    deadlines.add(item);
    advance(10);
  }
  // Deadlines 100, 110, ..., 150. Item 1 settles in time; item 3 settles late, before the check.
  items[1]!.settled = true;
  advance(40); // now 100
  deadlines.expireDue();
  assert.deepEqual(expired, [0]);
  advance(35); // now 135: items 2 and 3 are due
  items[3]!.settled = true;
  deadlines.expireDue();
  assert.deepEqual(expired, [0, 2]);
  advance(100);
  deadlines.expireDue();
  deadlines.expireDue();
  assert.deepEqual(expired, [0, 2, 4, 5]);
  assert.equal(deadlines.size, 0);
});

test('settled proposals leave the queue as new ones arrive, so it holds those in flight', (t) => {
  const { deadlines, expired } = queueWithClock(60_000);
  t.after(() => deadlines.clear());
  const stuck = { id: -1, settled: false };
  deadlines.add(stuck);
  stuck.settled = true;
  for (let id = 0; id < 10_000; id++) {
    const inFlight = [0, 1, 2].map((offset) => ({ id: id * 3 + offset, settled: false }));
    for (const item of inFlight) deadlines.add(item);
    assert.ok(deadlines.size <= 3, `size ${deadlines.size} with 3 proposals in flight`);
    for (const item of inFlight) item.settled = true;
  }
  assert.deepEqual(expired, []);
});

test('clear forgets every proposal without expiring any', (t) => {
  const { deadlines, expired, advance } = queueWithClock(10);
  t.after(() => deadlines.clear());
  deadlines.add({ id: 1, settled: false });
  deadlines.clear();
  advance(100);
  deadlines.expireDue();
  assert.deepEqual(expired, []);
  assert.equal(deadlines.size, 0);
});

test('a proposal stuck unsettled at the head does not keep the settled ones behind it', (t) => {
  const { deadlines, expired, advance } = queueWithClock(60_000);
  t.after(() => deadlines.clear());
  const stuck = { id: -1, settled: false };
  deadlines.add(stuck);
  let sizeMax = 0;
  for (let id = 0; id < 50_000; id++) {
    const item = { id, settled: false };
    deadlines.add(item);
    item.settled = true;
    sizeMax = Math.max(sizeMax, deadlines.size);
  }
  assert.ok(sizeMax <= 2 * 1024 + 1, `the queue held up to ${sizeMax} items for 1 unsettled`);
  advance(60_000);
  deadlines.expireDue();
  assert.deepEqual(expired, [-1], 'the stuck one still expires, once');
});
