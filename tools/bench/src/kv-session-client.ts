import type { MessageInitShape } from '@bufbuild/protobuf';
import { AsyncQueue } from '@objectbox/consensus-runtime';
import type { GrpcClient } from '@objectbox/networking';
import type { kv } from '@objectbox/proto';

type SessionRequestInit = MessageInitShape<typeof kv.SessionRequestSchema>;

/**
 * Puts over one `KvService.Session` bidi stream: each put gets an id, the answer with that id
 * resolves it, answers may come in any order. The puts made in one turn of the event loop leave
 * together as one batched request (SessionRequest.batch), so the server answers in batches too:
 * closed-loop workers whose puts were answered together put again together. Used by raft-kv's
 * `objectbox-session` system.
 */
export class KvSessionClient {
  private readonly requests: AsyncQueue<SessionRequestInit>;
  private readonly waiting = new Map<bigint, { resolve: () => void; reject: (error: Error) => void }>();
  private batch: SessionRequestInit[] = [];
  private nextId = 1n;

  constructor(
    client: GrpcClient<typeof kv.KvService.method>,
    private readonly inflightCountMax: number,
  ) {
    this.requests = new AsyncQueue(inflightCountMax);
    void this.readAnswers(client.session(this.requests, { deadlineMs: 24 * 3600 * 1000 }));
  }

  private async readAnswers(answers: AsyncIterable<kv.SessionResponse>): Promise<void> {
    try {
      for await (const message of answers) {
        for (const answer of message.batch.length > 0 ? message.batch : [message]) {
          const waiter = this.waiting.get(answer.id);
          this.waiting.delete(answer.id);
          if (answer.result.case === 'error') waiter?.reject(new Error(`${answer.result.value.code}: ${answer.result.value.message}`));
          else waiter?.resolve();
        }
      }
    } catch (error) {
      for (const waiter of this.waiting.values()) waiter.reject(error as Error);
      this.waiting.clear();
    }
  }

  put(key: string, value: Uint8Array): Promise<void> {
    if (this.waiting.size >= this.inflightCountMax) return Promise.reject(new Error('too many puts in flight on the session'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (this.batch.length === 0) setImmediate(() => this.send());
      this.batch.push({ id, operation: { case: 'put', value: { key, value } } });
    });
  }

  private send(): void {
    const batch = this.batch;
    this.batch = [];
    if (this.requests.push({ batch })) return;
    for (const request of batch) {
      this.waiting.get(request.id as bigint)?.reject(new Error('the session is closed'));
      this.waiting.delete(request.id as bigint);
    }
  }

  close(): void {
    this.requests.close();
  }
}
