import type { Message } from '@objectbox/consensus-core';

/**
 * Holds a leader's commit notices (MsgApp without entries: "commit is now N") for a few
 * milliseconds instead of sending them at once, and drops a held notice when an append with
 * entries leaves for the same follower meanwhile: that append carries a commit index at least as
 * new.
 *
 * Why: the core broadcasts a notice as soon as an entry commits, so under load every batch cost
 * each follower a second wake-up (receive, apply, acknowledge) and the leader two more answers to
 * read, all at the moment the leader applies the batch and answers its clients, on a machine
 * whose cores the replicas share. Held back, the commit reaches followers with the next batch's
 * append, and they apply it as that append's Ready starts, in the same wake-up (RaftGroup.handleReady). Only followers
 * learn the commit later, by at most `delayMs` (their applied state, not what the leader answers).
 *
 * Safe because Raft tolerates delayed and lost messages; and in the replicate state an empty
 * append takes no flow-control slot (Progress.sentEntries), so holding one stalls nothing.
 */
/** The one timer a {@link CommitNoticeDelay} runs; tests pass their own clock. */
export interface NoticeTimer {
  start(callback: () => void, delayMs: number): unknown;
  cancel(handle: unknown): void;
}

const nodeTimer: NoticeTimer = {
  start: (callback, delayMs) => setTimeout(callback, delayMs),
  cancel: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class CommitNoticeDelay {
  /** The newest held notice per follower id. */
  private readonly held = new Map<number, Message>();
  private timer: unknown;

  constructor(
    private readonly delayMs: number,
    private readonly send: (messages: Message[]) => void,
    private readonly clock: NoticeTimer = nodeTimer,
  ) {}

  /** The messages to send now, in order; commit notices among them are held back. */
  takeSendable(messages: readonly Message[]): readonly Message[] {
    // Allocated only once something is held: most batches pass through as they are.
    let sendable: Message[] | undefined;
    for (let position = 0; position < messages.length; position++) {
      const message = messages[position]!;
      if (isCommitNotice(message)) {
        sendable ??= messages.slice(0, position);
        this.hold(message);
        continue;
      }
      if (message.type === 'MsgApp') this.drop(message.to);
      sendable?.push(message);
    }
    return sendable ?? messages;
  }

  private hold(message: Message): void {
    this.held.set(message.to, message);
    this.timer ??= this.clock.start(() => this.flush(), this.delayMs);
  }

  /** Forgets the notice held for `to`; with none left, the timer too, so each hold waits the full delay. */
  private drop(to: number): void {
    if (!this.held.delete(to) || this.held.size > 0) return;
    this.stopTimer();
  }

  /** Sends every held notice now. */
  flush(): void {
    this.stopTimer();
    if (this.held.size === 0) return;
    const messages = [...this.held.values()];
    this.held.clear();
    this.send(messages);
  }

  /** Drops held notices and the timer (the group is closing). */
  close(): void {
    this.stopTimer();
    this.held.clear();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.clock.cancel(this.timer);
    this.timer = undefined;
  }
}

function isCommitNotice(message: Message): boolean {
  return message.type === 'MsgApp' && message.entries.length === 0;
}
