/**
 * Writes through any replica: a follower's metadata proposal goes to the leader of the object-store
 * Raft group over `objectbox.objectstore.v1.MetadataForwardService` (signed with the root
 * credentials like the admin API), and the follower then waits for a ReadIndex, so the write is
 * visible on it before the S3 response goes out (read-your-writes on the replica the client uses).
 * The bytes were already stored and replicated by the follower; only the command travels.
 */
import { Metadata } from '@grpc/grpc-js';
import type { RaftGroup } from '@objectbox/consensus-runtime';
import { createGrpcClient, type GrpcClient, type GrpcServiceImplementation, type GrpcTlsOptions } from '@objectbox/networking';
import type { ObjectMetadataApplyReply } from '@objectbox/object-store-core';
import { adminAuthMetadataKey, signAdminCall, verifyAdminCall } from '@objectbox/object-store-runtime';
import { objectStoreForward } from '@objectbox/proto';
import { ObjectBoxError } from '@objectbox/util';
import type { RootCredentials } from './access-key-admin.js';

type ForwardService = GrpcServiceImplementation<typeof objectStoreForward.MetadataForwardService.method>;
type ForwardClient = GrpcClient<typeof objectStoreForward.MetadataForwardService.method>;

/** Encoded commands are at most 4 MiB (object-metadata-commands.ts); the message has some room more. */
const forwardMessageBytesMax = 5 * 1024 * 1024;
const proposeMethodPath = `/${objectStoreForward.MetadataForwardService.typeName}/Propose`;

class ForwardingStartingError extends ObjectBoxError {
  readonly code = 'Starting';
  readonly kind = 'unavailable';
}

/** The leader's side: verify the signature, propose, answer with the reply and its index. */
export function metadataForwardServiceImplementation(options: {
  readonly group: () => RaftGroup<ObjectMetadataApplyReply> | undefined;
  readonly root: () => RootCredentials | undefined;
  readonly nowMs: () => number;
}): ForwardService {
  return {
    async propose(request, context) {
      const [group, root] = [options.group(), options.root()];
      if (group === undefined || root === undefined) throw new ForwardingStartingError('the object store is still starting');
      const value = context.metadata.get(adminAuthMetadataKey)[0];
      verifyAdminCall(root, context.method, typeof value === 'string' ? value : undefined, options.nowMs());
      const { result, index } = await group.propose(request.command);
      return { replyJson: JSON.stringify(result), index: BigInt(index) };
    },
  };
}

/** The follower's side: one client per leader address, every call signed. */
export class MetadataForwarder {
  private readonly clients = new Map<string, ForwardClient>();

  constructor(
    private readonly options: { readonly root: RootCredentials; readonly deadlineMs: number; readonly tls?: GrpcTlsOptions },
  ) {}

  async propose(leaderAddress: string, command: Uint8Array): Promise<ObjectMetadataApplyReply> {
    const metadata = new Metadata();
    metadata.set(adminAuthMetadataKey, signAdminCall(this.options.root, proposeMethodPath, Date.now()));
    const response = await this.clientFor(leaderAddress).propose({ command }, { metadata });
    return JSON.parse(response.replyJson) as ObjectMetadataApplyReply;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private clientFor(address: string): ForwardClient {
    let client = this.clients.get(address);
    if (client === undefined) {
      client = createGrpcClient(objectStoreForward.MetadataForwardService, {
        address,
        deadlineMs: this.options.deadlineMs,
        messageBytesMax: forwardMessageBytesMax,
        // A proposal is not idempotent: never retried here (the networking lib retries only idempotent methods anyway).
        retry: { attemptCountMax: 1, backoffMsInitial: 100, backoffMsMax: 100 },
        ...(this.options.tls === undefined ? {} : { tls: this.options.tls }),
      });
      this.clients.set(address, client);
    }
    return client;
  }
}
