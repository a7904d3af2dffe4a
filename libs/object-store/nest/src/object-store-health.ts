import { type Readiness, ServiceHealth } from '@objectbox/platform-nest';
import type { ObjectStoreServerService } from './object-store-server.service.js';

/** Ready once the S3 API is attached to the HTTP listener and the Raft group knows a leader. */
export class ObjectStoreHealth extends ServiceHealth {
  readonly service = 'object-store';
  private stopping = false;

  constructor(private readonly server: ObjectStoreServerService) {
    super();
  }

  isLive(): boolean {
    return !this.stopping;
  }

  readiness(): Readiness {
    if (!this.server.isServing) return { status: 'not-serving', detail: 'the S3 API is starting' };
    const leaderId = this.server.metadataGroup?.status().leaderId;
    if (leaderId === undefined) return { status: 'not-serving', detail: 'the object-store Raft group has no leader' };
    return { status: 'serving', detail: '' };
  }

  markStopping(): void {
    this.stopping = true;
  }
}
