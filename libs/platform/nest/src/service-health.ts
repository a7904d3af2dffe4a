/**
 * How a service reports its health. Each service module provides one {@link ServiceHealth}; the
 * HTTP health endpoints and the gRPC HealthService read the same object.
 * Readiness is 'serving' only when the service can do its job (ARCHITECTURE.md: a Raft leader
 * known and the data path usable); a service whose protocol is not built yet says so.
 */
export type ReadinessStatus = 'serving' | 'not-serving' | 'not-implemented';

export interface Readiness {
  readonly status: ReadinessStatus;
  /** Why the status is not 'serving'; empty when serving. */
  readonly detail: string;
}

export abstract class ServiceHealth {
  /** The service name, e.g. 'object-store'. */
  abstract readonly service: string;
  /** The process can make progress (event loop alive, not shutting down). */
  abstract isLive(): boolean;
  abstract readiness(): Readiness;
}

/**
 * Health of a service whose shell runs but whose protocol is not built yet: live, never ready.
 * `what` names the missing capability, e.g. 'the S3 API'.
 */
export class NotImplementedHealth extends ServiceHealth {
  private stopping = false;

  constructor(
    readonly service: string,
    private readonly what: string,
  ) {
    super();
  }

  isLive(): boolean {
    return !this.stopping;
  }

  readiness(): Readiness {
    return { status: 'not-implemented', detail: `${this.what} is not implemented yet` };
  }

  /** Called when shutdown starts so liveness flips before listeners close. */
  markStopping(): void {
    this.stopping = true;
  }
}
