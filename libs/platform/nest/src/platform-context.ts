import type { ObjectBoxConfig } from '@objectbox/config';
import type { Logger, Telemetry } from '@objectbox/observability';

/**
 * What the process gives every service module: its validated configuration, its logger and its
 * telemetry. Provided globally in each service's Nest container under this class as the token.
 */
export abstract class PlatformContext {
  abstract readonly config: ObjectBoxConfig;
  abstract readonly logger: Logger;
  abstract readonly telemetry: Telemetry;
  abstract readonly version: string;
}
