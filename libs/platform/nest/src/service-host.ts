import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { type ObjectBoxConfig, type ServiceName, serviceConfigKey } from '@objectbox/config';
import { GrpcServer, type GrpcTlsOptions } from '@objectbox/networking';
import type { Logger } from '@objectbox/observability';
import { health } from '@objectbox/proto';
import { prepareDataDir } from './data-dir.js';
import { DataDirError, ListenError, PortInUseError, StartupError } from './errors.js';
import { grpcHealthService } from './grpc-health.js';
import { GrpcServiceRegistrations } from './grpc-service-registrations.js';
import { JsonErrorFilter } from './json-error.filter.js';
import { NestPinoLogger } from './nest-pino-logger.js';
import { PlatformContext } from './platform-context.js';
import { requestTelemetry } from './request-telemetry.js';
import { type Readiness, ServiceHealth } from './service-health.js';

/** A service as the host sees it: its name and the Nest module its `nest` lib exports. */
export interface ServiceDefinition {
  readonly name: ServiceName;
  readonly module: Type<unknown>;
}

export interface ServiceEndpoint {
  /** What the endpoint is for, e.g. 'HTTP (health, metrics)' or 'gRPC'. */
  readonly label: string;
  readonly url: string;
}

/** A started service replica. */
export interface RunningService {
  readonly name: ServiceName;
  readonly endpoints: readonly ServiceEndpoint[];
  readiness(): Readiness;
  /** Stops taking requests, lets running ones finish within the grace period, closes listeners. */
  stop(): Promise<void>;
}

/** Makes the per-service {@link PlatformContext} injectable anywhere in that service's container. */
@Module({})
class PlatformContextModule {
  static forRoot(context: PlatformContext): DynamicModule {
    return { module: PlatformContextModule, global: true, providers: [{ provide: PlatformContext, useValue: context }], exports: [PlatformContext] };
  }
}

@Module({})
class ServiceRootModule {
  static forService(definition: ServiceDefinition, context: PlatformContext): DynamicModule {
    return { module: ServiceRootModule, imports: [PlatformContextModule.forRoot(context), definition.module] };
  }
}

/**
 * Whether the service's module declares a provider for `token`. Asked of the module's metadata,
 * because `app.get` of a missing token throws and Nest (with `abortOnError: false`) also logs that
 * at error level, which made every shell service log an error at start.
 */
function declaresProvider(module: Type, token: abstract new (...args: never[]) => unknown): boolean {
  const providers = (Reflect.getMetadata('providers', module) ?? []) as unknown[];
  return providers.some((provider) => provider === token || (typeof provider === 'object' && provider !== null && (provider as { provide?: unknown }).provide === token));
}

/** `host:port`, bracketing IPv6 hosts. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Turns a bind failure into a typed startup error naming the service, listener and address. */
function listenErrorOf(error: unknown, service: string, listener: string, address: string): StartupError {
  const text = `${(error as NodeJS.ErrnoException).code ?? ''} ${(error as Error).message ?? ''}`;
  if (/EADDRINUSE|address already in use/i.test(text)) return new PortInUseError(service, listener, address);
  return new ListenError(service, listener, address, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
}

function readPem(path: string, field: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new DataDirError(path, `cannot read ${field}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** gRPC TLS material from configuration; undefined when TLS is off. */
export function grpcTlsOf(config: ObjectBoxConfig): GrpcTlsOptions | undefined {
  const { tlsCertFile, tlsKeyFile, tlsCaFile, tlsRequireClientCert } = config.grpc;
  if (tlsCertFile === '') return undefined;
  return {
    certPem: readPem(tlsCertFile, 'grpc.tlsCertFile'),
    keyPem: readPem(tlsKeyFile, 'grpc.tlsKeyFile'),
    ...(tlsCaFile === '' ? {} : { caPem: readPem(tlsCaFile, 'grpc.tlsCaFile') }),
    requireClientCert: tlsRequireClientCert,
  };
}

/**
 * Listen queue of the HTTP listeners (Node's default is 511; Linux caps it at net.core.somaxconn,
 * 4096 by default). A burst of connects past the queue makes Linux answer with SYN cookies and lose
 * handshakes that then complete while the queue is still full: the client believes it is
 * connected and learns otherwise only when its request is reset (seen with 2,000 cache clients).
 */
export const httpListenBacklog = 4096;

async function listenHttp(app: NestExpressApplication, host: string, port: number, service: string): Promise<number> {
  // Module init hooks (opening storage, Raft groups) run here, outside the bind error mapping.
  await app.init();
  try {
    // Nest hands extra arguments to node's server.listen(port, host, backlog); its types omit them.
    const listen = app.listen.bind(app) as unknown as (port: number, host: string, backlog: number) => Promise<unknown>;
    await listen(port, host, httpListenBacklog);
  } catch (error) {
    throw listenErrorOf(error, service, 'HTTP', formatAddress(host, port));
  }
  return (app.getHttpServer().address() as AddressInfo).port;
}

/** Starts one service replica: its data dir, Nest HTTP app and gRPC server (with HealthService). */
export async function startService(definition: ServiceDefinition, base: { config: ObjectBoxConfig; logger: Logger; telemetry: PlatformContext['telemetry']; version: string }): Promise<RunningService> {
  const { config } = base;
  const logger = base.logger.child({ service: definition.name });
  const context: PlatformContext = { ...base, logger };
  const section = config.services[serviceConfigKey(definition.name)];
  await prepareDataDir(join(config.dataDir, definition.name));
  const app = await NestFactory.create<NestExpressApplication>(ServiceRootModule.forService(definition, context), new ExpressAdapter(), {
    logger: new NestPinoLogger(logger),
    bodyParser: false,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  app.use(requestTelemetry({ service: definition.name, logger, telemetry: context.telemetry }));
  app.useGlobalFilters(new JsonErrorFilter(logger));
  const serviceHealth = app.get(ServiceHealth);
  const tls = grpcTlsOf(config);
  const grpc = new GrpcServer({
    messageBytesMax: config.grpc.messageBytesMax,
    ...(tls === undefined ? {} : { tls }),
    onInternalError: ({ method, error }) => logger.error({ err: error, method }, 'gRPC handler failed'),
  });
  grpc.addService(health.HealthService, grpcHealthService(serviceHealth, context.version));
  if (declaresProvider(definition.module, GrpcServiceRegistrations)) app.get(GrpcServiceRegistrations, { strict: false }).register(grpc);
  let httpPort: number;
  let grpcPort: number;
  try {
    httpPort = await listenHttp(app, config.host, section.httpPort, definition.name);
    grpcPort = await grpc.listen(config.host, section.grpcPort).catch((error: unknown) => {
      throw listenErrorOf(error, definition.name, 'gRPC', formatAddress(config.host, section.grpcPort));
    });
  } catch (error) {
    await grpc.shutdown(0);
    await app.close();
    throw error;
  }
  const scheme = tls === undefined ? 'grpc' : 'grpcs';
  const endpoints = [
    { label: 'HTTP (health, metrics)', url: `http://${formatAddress(config.host, httpPort)}` },
    { label: 'gRPC', url: `${scheme}://${formatAddress(config.host, grpcPort)}` },
  ];
  logger.info({ endpoints, readiness: serviceHealth.readiness() }, 'service started');
  return {
    name: definition.name,
    endpoints,
    readiness: () => serviceHealth.readiness(),
    async stop() {
      (serviceHealth as Partial<{ markStopping(): void }>).markStopping?.();
      // Nest first: its shutdown hooks close Raft groups and transports, which ends the peers'
      // long-lived streams; then gRPC drains what is left within the grace period.
      await app.close();
      logger.debug('nest application closed');
      await grpc.shutdown(config.shutdownGraceMs);
      logger.info('service stopped');
    },
  };
}

/** The services of one process, started in order; if one fails, those already started are stopped. */
export async function startServices(definitions: readonly ServiceDefinition[], base: Parameters<typeof startService>[1]): Promise<RunningService[]> {
  const running: RunningService[] = [];
  try {
    for (const definition of definitions) running.push(await startService(definition, base));
  } catch (error) {
    await stopServices(running);
    throw error;
  }
  return running;
}

/** Stops services in reverse start order. */
export async function stopServices(running: readonly RunningService[]): Promise<void> {
  for (const service of [...running].reverse()) await service.stop();
}
