/**
 * Goal: a leader's commit notices (appends without entries) are held back and sent once after the
 * delay, the newest per follower; an append with entries to the same follower drops its held
 * notice; every other message passes through at once, in order.
 * Method: a manual clock stands in for setTimeout, so no test depends on real time.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { Entry, LogIndex, Message, NodeId, Term } from '@objectbox/consensus-core';
import { CommitNoticeDelay, type NoticeTimer } from './commit-notice-delay.js';

const term = 3 as Term;
const leader = 1 as NodeId;
const entry = (index: number): Entry => ({ term, index: index as LogIndex, type: 'normal', data: new Uint8Array([index]) });
const append = (to: number, commit: number, entries: Entry[] = []): Message => ({
  type: 'MsgApp',
  from: leader,
  to: to as NodeId,
  term,
  index: 10 as LogIndex,
  logTerm: term,
  commit: commit as LogIndex,
  entries,
});
const heartbeat = (to: number): Message => ({ type: 'MsgHeartbeat', from: leader, to: to as NodeId, term, commit: 9 as LogIndex, context: undefined });

/** Timers that fire only when the test says so. */
class ManualClock implements NoticeTimer {
  private readonly pending = new Map<number, () => void>();
  private nextHandle = 1;
  start(callback: () => void): unknown {
    const handle = this.nextHandle++;
    this.pending.set(handle, callback);
    return handle;
  }
  cancel(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  get runningCount(): number {
    return this.pending.size;
  }
  fireAll(): void {
    const callbacks = [...this.pending.values()];
    this.pending.clear();
    for (const callback of callbacks) callback();
  }
}

function delayWithLog(): { delay: CommitNoticeDelay; sent: Message[][]; clock: ManualClock } {
  const sent: Message[][] = [];
  const clock = new ManualClock();
  return { delay: new CommitNoticeDelay(5, (messages) => sent.push(messages), clock), sent, clock };
}

const summary = (sent: Message[][]) => sent.map((messages) => messages.map((message) => [message.to, message.type === 'MsgApp' ? message.commit : -1]));

test('messages other than commit notices pass through unchanged and in order', () => {
  const { delay, sent, clock } = delayWithLog();
  const messages = [append(2, 9, [entry(11)]), heartbeat(3), append(3, 9, [entry(11)])];
  assert.equal(delay.takeSendable(messages), messages);
  assert.equal(clock.runningCount, 0);
  clock.fireAll();
  assert.equal(sent.length, 0);
});

test('commit notices are held and sent together when the timer fires, the newest per follower', () => {
  const { delay, sent, clock } = delayWithLog();
  assert.deepEqual(delay.takeSendable([heartbeat(2), append(2, 10), append(3, 10)]), [heartbeat(2)]);
  assert.deepEqual(delay.takeSendable([append(2, 11)]), []);
  assert.equal(sent.length, 0);
  assert.equal(clock.runningCount, 1);
  clock.fireAll();
  assert.deepEqual(summary(sent), [
    [
      [2, 11],
      [3, 10],
    ],
  ]);
});

test('an append with entries to a follower drops the notice held for it', () => {
  const { delay, sent, clock } = delayWithLog();
  delay.takeSendable([append(2, 10), append(3, 10)]);
  const carrying = [append(2, 10, [entry(11)])];
  assert.deepEqual(delay.takeSendable(carrying), carrying);
  clock.fireAll();
  assert.deepEqual(summary(sent), [[[3, 10]]]);
});

test('with every notice dropped the timer stops, so the next notice gets a full delay of its own', () => {
  const { delay, clock } = delayWithLog();
  delay.takeSendable([append(2, 10)]);
  delay.takeSendable([append(2, 10, [entry(11)])]);
  assert.equal(clock.runningCount, 0);
  delay.takeSendable([append(2, 11)]);
  assert.equal(clock.runningCount, 1);
});

test('flush sends held notices at once; close drops them', () => {
  const { delay, sent, clock } = delayWithLog();
  delay.takeSendable([append(2, 10)]);
  delay.flush();
  assert.equal(sent.length, 1);
  delay.takeSendable([append(3, 10)]);
  delay.close();
  assert.equal(clock.runningCount, 0);
  assert.equal(sent.length, 1);
});
