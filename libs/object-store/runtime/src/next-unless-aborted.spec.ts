import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextUnlessAborted } from './next-unless-aborted.js';

/** An AbortSignal whose listeners are counted. */
function countedSignal(): { signal: AbortSignal; controller: AbortController; listeners: () => number } {
  const controller = new AbortController();
  const { signal } = controller;
  let count = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<typeof add>) => {
    count++;
    add(...args);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
    count--;
    remove(...args);
  }) as typeof signal.removeEventListener;
  return { signal, controller, listeners: () => count };
}

describe('nextUnlessAborted', () => {
  it('passes values through and leaves no listener behind any settled wait (nothing keeps a step value alive)', async () => {
    const { signal, listeners } = countedSignal();
    async function* numbers() {
      for (let value = 0; value < 100; value++) yield value;
    }
    const iterator = numbers();
    const seen: number[] = [];
    for (;;) {
      const next = await nextUnlessAborted(iterator, signal, () => new Error('aborted'));
      if (next.done === true) break;
      seen.push(next.value);
      assert.equal(listeners(), 0);
    }
    assert.equal(seen.length, 100);
    const failing = (async function* () {
      yield* [];
      throw new Error('source failed');
    })();
    await assert.rejects(nextUnlessAborted(failing, signal, () => new Error('aborted')), /source failed/);
    assert.equal(listeners(), 0);
  });

  it('rejects a pending wait when the signal aborts, and at once when it already has, calling onAbort', async () => {
    const { signal, controller } = countedSignal();
    const never: AsyncIterator<number> = { next: () => new Promise(() => {}) };
    let stopped = 0;
    const waiting = nextUnlessAborted(never, signal, () => new Error('cut'), () => stopped++);
    controller.abort();
    await assert.rejects(waiting, /cut/);
    await assert.rejects(nextUnlessAborted(never, signal, () => new Error('cut again'), () => stopped++), /cut again/);
    assert.equal(stopped, 2);
  });
});
