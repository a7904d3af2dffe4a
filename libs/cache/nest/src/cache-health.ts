import { type Readiness, ServiceHealth } from '@objectbox/platform-nest';
import type { CacheServerService } from './cache-server.service.js';

/** Ready once the RESP listener is bound. */
export class CacheHealth extends ServiceHealth {
  readonly service = 'cache';
  private stopping = false;

  constructor(private readonly server: CacheServerService) {
    super();
  }

  isLive(): boolean {
    return !this.stopping;
  }

  readiness(): Readiness {
    if (!this.server.isListening) return { status: 'not-serving', detail: 'the RESP server is starting' };
    return { status: 'serving', detail: '' };
  }

  markStopping(): void {
    this.stopping = true;
  }
}
