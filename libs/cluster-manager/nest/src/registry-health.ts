import { type Readiness, ServiceHealth } from '@objectbox/platform-nest';
import type { RegistryService } from './registry.service.js';

/** Ready when the registry's Raft group is open and knows a leader (ARCHITECTURE.md health). */
export class RegistryHealth extends ServiceHealth {
  readonly service = 'cluster-manager';
  private stopping = false;

  constructor(private readonly registry: RegistryService) {
    super();
  }

  isLive(): boolean {
    return !this.stopping;
  }

  readiness(): Readiness {
    if (!this.registry.isOpen) return { status: 'not-serving', detail: 'the registry Raft group is starting' };
    const status = this.registry.raftGroup.status();
    if (status.leaderId === undefined) return { status: 'not-serving', detail: 'no Raft leader known' };
    return { status: 'serving', detail: '' };
  }

  markStopping(): void {
    this.stopping = true;
  }
}
