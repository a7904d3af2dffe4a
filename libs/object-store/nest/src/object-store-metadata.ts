import type { RaftGroup } from '@objectbox/consensus-runtime';
import {
  encodeObjectMetadataCommand,
  type ObjectMetadataApplyReply,
  type ObjectMetadataCommand,
  type ObjectMetadataMachine,
  type ObjectMetadataReply,
  type ObjectMetadataValues,
} from '@objectbox/object-store-core';
import type { S3MetadataStore } from '@objectbox/object-store-runtime';

/**
 * The S3 edge's metadata over the object-store Raft group: a write is encoded (which validates it)
 * and proposed, and resolves with the machine's reply once committed and applied on this replica; a
 * read waits for a ReadIndex barrier and then reads the local machine.
 */
export class RaftS3MetadataStore implements S3MetadataStore {
  constructor(
    private readonly group: RaftGroup<ObjectMetadataApplyReply>,
    private readonly machine: ObjectMetadataMachine,
  ) {}

  async propose<C extends ObjectMetadataCommand>(command: C): Promise<ObjectMetadataReply<ObjectMetadataValues[C['op']]>> {
    const { result } = await this.group.propose(encodeObjectMetadataCommand(command));
    return result as ObjectMetadataReply<ObjectMetadataValues[C['op']]>;
  }

  async read(): Promise<ObjectMetadataMachine> {
    await this.group.linearizableRead();
    return this.machine;
  }
}
