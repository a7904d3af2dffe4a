import { ConfigError, loadConfig, type ObjectBoxConfig, objectboxConfigSchema } from '@objectbox/config';
import { createLogger, startTelemetry } from '@objectbox/observability';
import { isObjectBoxError } from '@objectbox/util';
import { StartupError } from './errors.js';
import { type RunningService, type ServiceDefinition, startServices, stopServices } from './service-host.js';
import { objectboxVersion } from './version.js';

/**
 * Runs one process hosting one or more services until SIGINT or SIGTERM, then shuts down cleanly:
 * readiness flips, listeners stop accepting, running requests get the grace period, telemetry is
 * flushed, and the promise resolves. A second signal exits at once with status 130.
 * Startup failures reject with a {@link StartupError} (the caller prints it and exits 1).
 */
export interface HostOptions {
  readonly definitions: readonly ServiceDefinition[];
  readonly config: ObjectBoxConfig;
  /** The `service` label of process-level logs and the telemetry resource, e.g. 'objectbox'. */
  readonly processName: string;
  readonly onStarted?: (running: readonly RunningService[]) => void;
}

export async function runHost(options: HostOptions): Promise<void> {
  const logger = createLogger({ level: options.config.log.level, processName: options.processName });
  const telemetry = startTelemetry({ serviceName: options.processName, serviceVersion: objectboxVersion, env: process.env });
  let running: RunningService[];
  try {
    running = await startServices(options.definitions, { config: options.config, logger, telemetry, version: objectboxVersion });
  } catch (error) {
    await telemetry.shutdown();
    throw error;
  }
  options.onStarted?.(running);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (received: NodeJS.Signals) => {
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(130));
      resolve(received);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  logger.info({ signal }, 'shutting down');
  await stopServices(running);
  await telemetry.shutdown();
  logger.info('stopped');
}

/**
 * Prints an expected startup failure as one line and returns the exit status (2 for bad
 * configuration, 1 for other startup errors and typed errors such as a corrupt WAL); anything
 * else is a bug and is rethrown.
 */
export function exitStatusOfStartupFailure(error: unknown, write: (line: string) => void): number {
  if (error instanceof ConfigError) {
    write(`objectbox: ${error.message}`);
    return 2;
  }
  if (error instanceof StartupError) {
    write(`objectbox: ${error.message}`);
    return 1;
  }
  if (isObjectBoxError(error)) {
    // A typed condition found while starting (a corrupt WAL, a data dir of another cluster):
    // say what it is and stop; restarting would find the same thing.
    write(`objectbox: cannot start: ${error.message} (${error.code})`);
    return 1;
  }
  throw error;
}

/** The `main` of a single-service process: configuration from `OBJECTBOX_CONFIG` (a JSON file) and `OBJECTBOX_*`. */
export async function runServiceMain(definition: ServiceDefinition): Promise<void> {
  try {
    const filePath = process.env['OBJECTBOX_CONFIG'];
    const config = loadConfig(objectboxConfigSchema, { env: process.env, ...(filePath === undefined ? {} : { filePath }) });
    await runHost({ definitions: [definition], config, processName: `objectbox-${definition.name}` });
  } catch (error) {
    process.exitCode = exitStatusOfStartupFailure(error, (line) => process.stderr.write(`${line}\n`));
  }
}
