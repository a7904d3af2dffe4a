import type { MessageInitShape } from '@bufbuild/protobuf';
import { AsyncQueue, NotLeaderError } from '@objectbox/consensus-runtime';
import type { GrpcCallContext, GrpcServiceImplementation } from '@objectbox/networking';
import type { RegistryCommand } from '@objectbox/cluster-manager-core';
import type { kv } from '@objectbox/proto';
import { InvalidArgumentError, isObjectBoxError } from '@objectbox/util';
import type { RegistryService } from './registry.service.js';

/** Largest page of a List call. */
export const kvListLimitMax = 1000;
/** Operations of one Session in flight at once; beyond it the server stops reading the stream. */
export const kvSessionInflightCountMax = 1024;

type KvService = GrpcServiceImplementation<typeof kv.KvService.method>;
type SessionResult = MessageInitShape<typeof kv.SessionResponseSchema>['result'];

/** The error of one session operation: typed errors keep their code, anything else is internal. */
function sessionErrorOf(error: unknown): SessionResult {
  if (!isObjectBoxError(error)) return { case: 'error', value: { code: 'InternalError', message: 'internal error' } };
  const leader = error instanceof NotLeaderError ? { leaderId: error.leaderId ?? 0, leaderAddress: error.leaderAddress ?? '' } : {};
  return { case: 'error', value: { code: error.code, message: error.message, ...leader } };
}

async function sessionResultOf(request: kv.SessionRequest, service: KvService, context: GrpcCallContext): Promise<SessionResult> {
  const operation = request.operation;
  switch (operation.case) {
    case 'put':
      return { case: 'put', value: await service.put(operation.value, context) };
    case 'get':
      return { case: 'get', value: await service.get(operation.value, context) };
    case 'delete':
      return { case: 'delete', value: await service.delete(operation.value, context) };
    case 'compareAndSet':
      return { case: 'compareAndSet', value: await service.compareAndSet(operation.value, context) };
    case undefined:
      throw new InvalidArgumentError('a session request needs an operation');
  }
}

type SessionAnswer = MessageInitShape<typeof kv.SessionResponseSchema>;

/**
 * Runs a Session: every request starts at once (Raft batches them), answers are sent as they
 * complete. An operation holds one of {@link kvSessionInflightCountMax} slots from when it is read
 * until its answer is handed to gRPC; with none free the reader waits, so a client that sends
 * faster than it reads is held back by gRPC flow control instead of growing memory.
 *
 * Once the client sent a batch (SessionRequest.batch), answers go out in batches as well: the
 * writer waits for the current turn of the event loop to end (a Raft apply completes many
 * operations at once) and sends every answer queued by then in one message.
 */
export function runSession(requests: AsyncIterable<kv.SessionRequest>, service: KvService, context: GrpcCallContext): AsyncIterable<SessionAnswer> {
  const answers = new AsyncQueue<SessionAnswer>(kvSessionInflightCountMax);
  let slotsTaken = 0;
  let inputEnded = false;
  let batching = false;
  let slotFreed: (() => void) | undefined;
  const start = (request: kv.SessionRequest): void => {
    slotsTaken++;
    // Invariant: at most kvSessionInflightCountMax answers are queued, so push never refuses.
    const result = request.batch.length > 0 ? Promise.reject(new InvalidArgumentError('a request inside a batch cannot carry a batch')) : sessionResultOf(request, service, context);
    result.then(
      (value) => answers.push({ id: request.id, result: value }),
      (error: unknown) => answers.push({ id: request.id, result: sessionErrorOf(error) }),
    );
  };
  void (async () => {
    try {
      for await (const request of requests) {
        if (request.batch.length > 0) batching = true;
        for (const operation of request.batch.length > 0 ? request.batch : [request]) {
          while (slotsTaken >= kvSessionInflightCountMax) await new Promise<void>((resolve) => (slotFreed = resolve));
          start(operation);
        }
      }
    } catch {
      // The client went away; operations still running finish, their answers go nowhere.
    } finally {
      inputEnded = true;
      if (slotsTaken === 0) answers.close();
    }
  })();
  const answered = (count: number): void => {
    slotsTaken -= count;
    slotFreed?.();
    if (inputEnded && slotsTaken === 0) answers.close();
  };
  return (async function* () {
    for await (const answer of answers) {
      if (!batching) {
        yield answer;
        answered(1);
        continue;
      }
      await new Promise((resolve) => setImmediate(resolve));
      const batch = [answer, ...answers.takeAll()];
      yield { batch };
      answered(batch.length);
    }
  })();
}

export function kvServiceImplementation(registry: RegistryService): KvService {
  // Not async: its callers await it inside async methods, where an encoding error thrown here
  // rejects as well; an async layer cost every put one more promise and await on the leader.
  const propose = (command: RegistryCommand) => registry.commands.propose(command);
  const service: KvService = {
    session: (requests, context) => runSession(requests, service, context),
    async put(request) {
      const { index } = await propose({ op: 'put', key: request.key, value: request.value });
      return { index: BigInt(index) };
    },
    async get(request) {
      if (!request.staleOk) await registry.raftGroup.linearizableRead();
      const value = registry.machine.get(request.key);
      return { found: value !== undefined, value: value ?? new Uint8Array() };
    },
    async delete(request) {
      const { result } = await propose({ op: 'delete', key: request.key });
      return { existed: result.op === 'delete' && result.existed };
    },
    async compareAndSet(request) {
      const { result } = await propose({ op: 'compare-and-set', key: request.key, expected: request.expectedAbsent ? undefined : request.expected, value: request.value });
      return { succeeded: result.op === 'compare-and-set' && result.succeeded };
    },
    async list(request) {
      if (request.limit > kvListLimitMax) throw new InvalidArgumentError(`limit must be at most ${kvListLimitMax}`);
      await registry.raftGroup.linearizableRead();
      return registry.machine.list({ prefix: request.prefix, startAfter: request.startAfter, limit: request.limit === 0 ? kvListLimitMax : request.limit });
    },
    async status() {
      const status = registry.raftGroup.status();
      return {
        nodeId: status.nodeId,
        role: status.role,
        leaderId: status.leaderId ?? 0,
        leaderAddress: status.leaderAddress ?? '',
        term: BigInt(status.term),
        commitIndex: BigInt(status.commitIndex),
        appliedIndex: BigInt(status.appliedIndex),
        voters: [...status.configState.voters],
      };
    },
  };
  return service;
}
