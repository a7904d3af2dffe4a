/**
 * Waiting for a gRPC stream to accept more messages without waiting forever: a stream whose call
 * has ended (deadline, cancellation, a dead peer, the server's status) never emits 'drain', so a
 * writer that waits on 'drain' alone hangs, and so does whatever feeds it (a blob file stays open).
 */
import type { EventEmitter } from 'node:events';

/** Events after which no 'drain' will come: client calls emit 'status', server calls 'cancelled'. */
const endEvents = ['status', 'cancelled', 'close', 'error', 'finish'] as const;

type StreamEvents = Pick<EventEmitter, 'once' | 'off'>;

/** Resolves true when `stream` drains, false when its call ends first (stop writing then). */
export function drainedOrEnded(stream: StreamEvents): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (drained: boolean) => {
      stream.off('drain', onDrain);
      for (const event of endEvents) stream.off(event, onEnd);
      resolve(drained);
    };
    const onDrain = () => settle(true);
    const onEnd = () => settle(false);
    stream.once('drain', onDrain);
    for (const event of endEvents) stream.once(event, onEnd);
  });
}
