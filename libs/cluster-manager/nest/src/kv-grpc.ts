import type { GrpcServiceImplementation } from '@objectbox/networking';
import { encodeRegistryCommand, type RegistryCommand } from '@objectbox/cluster-manager-core';
import type { kv } from '@objectbox/proto';
import { InvalidArgumentError } from '@objectbox/util';
import type { RegistryService } from './registry.service.js';

/** Largest page of a List call. */
export const kvListLimitMax = 1000;

/**
 * `objectbox.kv.v1.KvService` over the registry's Raft group. Writes are proposed and answered
 * after apply; reads wait for ReadIndex unless `staleOk`, so any replica serves linearizable reads.
 */
export function kvServiceImplementation(registry: RegistryService): GrpcServiceImplementation<typeof kv.KvService.method> {
  const propose = async (command: RegistryCommand) => (await registry.raftGroup.propose(encodeRegistryCommand(command)));
  return {
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
}
