import { NotLeaderError, type RaftGroup } from '@objectbox/consensus-runtime';
import {
  encodeObjectMetadataEntry,
  type ObjectMetadataApplyReply,
  type ObjectMetadataCommand,
  type ObjectMetadataMachine,
  type ObjectMetadataReply,
  type ObjectMetadataValues,
} from '@objectbox/object-store-core';
import type { ProposeOptions, S3MetadataStore } from '@objectbox/object-store-runtime';
import type { MetadataForwarder } from './metadata-forwarding.js';

/**
 * The S3 edge's metadata over the object-store Raft group: a write is encoded (which validates it)
 * and proposed, and resolves with the machine's reply once committed and applied on this replica; a
 * read waits for a ReadIndex barrier and then reads the local machine. On a follower, a write is
 * forwarded to the leader (when a forwarder is configured and the leader's address is known), then
 * this replica waits for a ReadIndex so the write is visible here before the reply.
 */
export class RaftS3MetadataStore implements S3MetadataStore {
  constructor(
    private readonly group: RaftGroup<ObjectMetadataApplyReply>,
    private readonly machine: ObjectMetadataMachine,
    private readonly forwarder: MetadataForwarder | null = null,
  ) {}

  async propose<C extends ObjectMetadataCommand>(command: C, options: ProposeOptions = {}): Promise<ObjectMetadataReply<ObjectMetadataValues[C['op']]>> {
    const encoded = encodeObjectMetadataEntry({ command, ...(options.inlineBlob === undefined ? {} : { inlineBlob: options.inlineBlob }) });
    try {
      const { result } = await this.group.propose(encoded);
      return result as ObjectMetadataReply<ObjectMetadataValues[C['op']]>;
    } catch (error) {
      if (this.forwarder === null || !(error instanceof NotLeaderError) || error.leaderAddress === undefined) throw error;
      const reply = await this.forwarder.propose(error.leaderAddress, encoded);
      await this.group.linearizableRead();
      return reply as ObjectMetadataReply<ObjectMetadataValues[C['op']]>;
    }
  }

  async read(): Promise<ObjectMetadataMachine> {
    await this.group.linearizableRead();
    return this.machine;
  }

  readLocal(): ObjectMetadataMachine {
    return this.machine;
  }
}
