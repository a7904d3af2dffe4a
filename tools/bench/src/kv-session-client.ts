import { AsyncQueue } from '@objectbox/consensus-runtime';
import type { GrpcClient } from '@objectbox/networking';
import type { kv } from '@objectbox/proto';

/**
 * Puts over one `KvService.Session` bidi stream: each put gets an id, the answer with that id
 * resolves it, answers may come in any order. Used by raft-kv's `objectbox-session` system.
 */
export class KvSessionClient {
  private readonly requests: AsyncQueue<{ id: bigint; operation: { case: 'put'; value: { key: string; value: Uint8Array } } }>;
  private readonly waiting = new Map<bigint, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 1n;

  constructor(client: GrpcClient<typeof kv.KvService.method>, inflightCountMax: number) {
    this.requests = new AsyncQueue(inflightCountMax);
    void this.readAnswers(client.session(this.requests, { deadlineMs: 24 * 3600 * 1000 }));
  }

  private async readAnswers(answers: AsyncIterable<kv.SessionResponse>): Promise<void> {
    try {
      for await (const answer of answers) {
        const waiter = this.waiting.get(answer.id);
        this.waiting.delete(answer.id);
        if (answer.result.case === 'error') waiter?.reject(new Error(`${answer.result.value.code}: ${answer.result.value.message}`));
        else waiter?.resolve();
      }
    } catch (error) {
      for (const waiter of this.waiting.values()) waiter.reject(error as Error);
      this.waiting.clear();
    }
  }

  put(key: string, value: Uint8Array): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (!this.requests.push({ id, operation: { case: 'put', value: { key, value } } })) {
        this.waiting.delete(id);
        reject(new Error('too many puts in flight on the session'));
      }
    });
  }

  close(): void {
    this.requests.close();
  }
}
