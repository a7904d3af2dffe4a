import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig, objectboxConfigSchema, type ObjectBoxConfig, serviceConfigKey, type ServiceName, serviceNames } from '@objectbox/config';
import type { RunningService, ServiceDefinition } from '@objectbox/platform-nest';
import { registerKeysCommands } from './keys/keys-commands.js';
import { registerS3Commands } from './s3/s3-commands.js';

/**
 * The CLI's version (every workspace package shares it). The service host (NestJS and every service
 * module) is imported only by the commands that run services, so client commands such as
 * `objectbox s3` start in a fraction of the time.
 */
const objectboxVersion = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

async function serviceDefinitions(): Promise<readonly ServiceDefinition[]> {
  return (await import('./service-catalog.js')).serviceCatalog;
}

async function exitStatusOf(error: unknown, io: CliIo): Promise<number> {
  const { exitStatusOfStartupFailure } = await import('@objectbox/platform-nest');
  return exitStatusOfStartupFailure(error, (line) => io.stderr(`${line}\n`));
}

/**
 * The `objectbox` command tree. Each command maps its flags onto configuration field paths, so
 * flags, environment and config file share one validation (libs/config) and one error format.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}

interface CommonFlags {
  config?: string;
  dataDir?: string;
  host?: string;
  logLevel?: string;
}

/** How each configuration path is spelled as a flag, for error messages. */
const commonFlagNames: Readonly<Record<string, string>> = {
  dataDir: 'data-dir',
  host: 'host',
  'log.level': 'log-level',
  nodeId: 'id',
  peers: 'peers',
};

function integerArgument(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a non-negative integer.`);
    return Number(value);
  };
}

function addCommonOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'JSON configuration file (flags > OBJECTBOX_* environment > file > defaults)')
    .option('-d, --data-dir <dir>', 'directory for all data', undefined)
    .option('--host <address>', 'address every listener binds to')
    .addOption(new Option('--log-level <level>', 'log level').choices(objectboxConfigSchema.log.level.choices ?? []));
}

function commonFlagValues(flags: CommonFlags): Record<string, unknown> {
  return {
    ...(flags.dataDir === undefined ? {} : { dataDir: flags.dataDir }),
    ...(flags.host === undefined ? {} : { host: flags.host }),
    ...(flags.logLevel === undefined ? {} : { 'log.level': flags.logLevel }),
  };
}

function readinessText(service: RunningService): string {
  const readiness = service.readiness();
  return readiness.status === 'serving' ? 'ready' : readiness.detail || readiness.status;
}

function banner(running: readonly RunningService[], config: ObjectBoxConfig, title: string): string {
  const width = Math.max(...running.map((service) => service.name.length));
  const lines = running.map((service) => `  ${service.name.padEnd(width)}  ${service.endpoints.map((endpoint) => endpoint.url).join('  ')}  (${readinessText(service)})`);
  return [`ObjectBox ${objectboxVersion} ${title}, data in ${resolve(config.dataDir)}`, ...lines, 'Stop with Ctrl+C (SIGINT) or SIGTERM.', ''].join('\n');
}

async function host(definitions: readonly ServiceDefinition[], config: ObjectBoxConfig, io: CliIo, title: string, processName: string): Promise<number> {
  try {
    const { runHost } = await import('@objectbox/platform-nest');
    await runHost({ definitions, config, processName, onStarted: (running) => io.stdout(banner(running, config, title)) });
    return 0;
  } catch (error) {
    return exitStatusOf(error, io);
  }
}

function load(flags: CommonFlags, extra: Record<string, unknown>, io: CliIo, extraFlagNames: Readonly<Record<string, string>> = {}): ObjectBoxConfig {
  return loadConfig(objectboxConfigSchema, {
    env: io.env,
    ...(flags.config === undefined ? {} : { filePath: flags.config }),
    flags: { ...commonFlagValues(flags), ...extra },
    flagNames: { ...commonFlagNames, ...extraFlagNames },
  });
}

/** Builds the command tree; `run` resolves with the process exit status. */
export function buildCli(io: CliIo, setExitStatus: (status: number) => void): Command {
  const program = new Command('objectbox')
    .description('ObjectBox: a self-hosted, AWS-like platform (S3, Redis, SQS, API gateway, orchestrator).')
    .version(objectboxVersion, '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  addCommonOptions(
    program
      .command('dev')
      .description('run every service in one process with embedded defaults (data in ./.objectbox)'),
  ).action(async (flags: CommonFlags) => {
    const status = await withConfig(io, () => load(flags, {}, io), async (config) => host(await serviceDefinitions(), config, io, 'dev', 'objectbox'));
    setExitStatus(status);
  });

  addCommonOptions(
    program
      .command('start')
      .description('run one service replica in this process (one replica per process or container)')
      .argument('<service>', `the service to run: ${serviceNames.join(', ')}`, (value: string) => {
        if (!(serviceNames as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${serviceNames.join(', ')}.`);
        return value as ServiceName;
      })
      .option('--id <n>', 'this replica’s id in its Raft group (1-65535)', integerArgument('--id'))
      .option('--peers <list>', 'the other replicas, comma-separated id=host:port (their gRPC addresses)')
      .option('--http-port <port>', 'HTTP listener port of the service', integerArgument('--http-port'))
      .option('--grpc-port <port>', 'gRPC listener port of the service', integerArgument('--grpc-port')),
  ).action(async (service: ServiceName, flags: CommonFlags & { id?: number; peers?: string; httpPort?: number; grpcPort?: number }) => {
    const section = `services.${serviceConfigKey(service)}`;
    const extra: Record<string, unknown> = {
      ...(flags.id === undefined ? {} : { nodeId: flags.id }),
      ...(flags.peers === undefined ? {} : { peers: flags.peers }),
      ...(flags.httpPort === undefined ? {} : { [`${section}.httpPort`]: flags.httpPort }),
      ...(flags.grpcPort === undefined ? {} : { [`${section}.grpcPort`]: flags.grpcPort }),
    };
    const startFlagNames = { [`${section}.httpPort`]: 'http-port', [`${section}.grpcPort`]: 'grpc-port' };
    const status = await withConfig(io, () => load(flags, extra, io, startFlagNames), async (config) => {
      const definitions = (await serviceDefinitions()).filter((definition) => definition.name === service);
      return host(definitions, config, io, `${service} (replica ${config.nodeId})`, `objectbox-${service}`);
    });
    setExitStatus(status);
  });

  program
    .command('version')
    .description('print the ObjectBox version and the Node.js runtime')
    .action(() => io.stdout(`objectbox ${objectboxVersion} (node ${process.versions.node})\n`));

  registerS3Commands(program, io, setExitStatus);
  registerKeysCommands(program, io, setExitStatus);

  return program;
}

async function withConfig(io: CliIo, load: () => ObjectBoxConfig, run: (config: ObjectBoxConfig) => Promise<number>): Promise<number> {
  let config: ObjectBoxConfig;
  try {
    config = load();
  } catch (error) {
    return exitStatusOf(error, io);
  }
  return run(config);
}
