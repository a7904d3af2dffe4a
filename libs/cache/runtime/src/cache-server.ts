/**
 * The cache's RESP server: a `node:net` listener, one {@link CacheConnection} per socket, and the
 * cron timer that drives the engine's periodic work (`hz` times a second, as Redis's serverCron).
 * Protected mode as Redis: with no password set, connections from other than loopback are refused
 * with Redis's DENIED text unless `protected-mode` is off.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, Socket as NetSocket, type Socket } from 'node:net';
import { arch, release, type } from 'node:os';
import { CacheEngine, cacheConfigDefaults, type CacheConfigValues, type CacheRandom, type CacheServerCommandSpec } from '@objectbox/cache-core';
import { type Logger } from '@objectbox/observability';
import { CacheConnection } from './cache-connection.js';

export interface CacheServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly config?: Partial<CacheConfigValues>;
  readonly logger: Logger;
  /** The ObjectBox version INFO reports next to the Redis version it follows. */
  readonly version: string;
  /** Runs after the engine exists and before the port opens (restore durable settings into it). */
  readonly beforeListen?: (engine: CacheEngine) => Promise<void>;
  /** Commands beyond Redis's (tests plant failing handlers with it). */
  readonly extraCommands?: readonly CacheServerCommandSpec[];
  /**
   * Overwrite the shared read buffer after every read (tests): an argument some command kept without
   * copying it then reads as 0xAA bytes instead of passing unnoticed. Defaults to the environment
   * variable OBJECTBOX_CACHE_READ_BUFFER_POISON=1, which the cache e2e tests set.
   */
  readonly poisonReadBuffer?: boolean;
}

/**
 * Every client socket is read into this one buffer: a read runs its requests to the end (or copies
 * what must wait, see RespDecoder.detachFromChunk) before the event loop reads another socket, so
 * nothing else needs the bytes afterwards. Node's own read path allocates a 64 KiB buffer per read,
 * shrinks it, wraps it and pushes it through a Readable stream; with no pipelining a read is one
 * request, and that was a sizeable share of its cost (a trivial RESP server on loopback: ~15 % less
 * CPU per request at -P 1). Memory stays the same with any number of idle connections.
 */
const readBufferBytes = 64 * 1024;

const protectedModeText =
  "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers, you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting from the same host the server is running, however MAKE SURE it's not publicly accessible from internet if you do so. 2) Alternatively you can just disable the protected mode by editing the configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.";

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1' || (address?.startsWith('127.') ?? false);
}

/** Math.random is fine here: the runtime is where randomness is produced (the engine only consumes it). */
const processRandom: CacheRandom = { nextIndex: (countExclusive) => Math.floor(Math.random() * countExclusive) };

/** File descriptors kept for everything but clients (Redis keeps 32; this process also has WALs and gRPC). */
const reservedFileDescriptors = 64;

/** A Linux /proc value, or null elsewhere or when unreadable. */
function readProcNumber(path: string, pattern: RegExp): number | null {
  try {
    const match = pattern.exec(readFileSync(path, 'utf8'));
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

/**
 * As Redis at startup: maxclients comes down to what the open-file limit allows (so the client past
 * it gets "max number of clients reached" rather than a connection the kernel drops), and a listen
 * queue longer than net.core.somaxconn is named, because the kernel silently shortens it.
 */
function fitClientsToSystemLimits(engine: CacheEngine, logger: Logger): void {
  const values = engine.config.values;
  // Node raises the soft limit to the hard one at startup, so the soft limit is what this process has.
  const openFiles = readProcNumber('/proc/self/limits', /^Max open files\s+(\d+)/m);
  if (openFiles !== null && values.maxclients + reservedFileDescriptors > openFiles) {
    const reduced = Math.max(1, openFiles - reservedFileDescriptors);
    logger.warn({ requested: values.maxclients, openFilesLimit: openFiles, maxclients: reduced }, 'cache maxclients reduced to fit the open-file limit (raise it with ulimit -n)');
    values.maxclients = reduced;
  }
  const somaxconn = readProcNumber('/proc/sys/net/core/somaxconn', /^(\d+)/);
  if (somaxconn !== null && somaxconn < values['tcp-backlog']) {
    logger.warn({ tcpBacklog: values['tcp-backlog'], somaxconn }, 'cache tcp-backlog cannot be enforced: net.core.somaxconn is lower; bursts of connects past it may be lost');
  }
}

/**
 * A socket around `accepted`'s connection that reads into `readBuffer` and hands each read's byte
 * count to `onRead` (node's `onread` option, which net.Server does not offer for the sockets it
 * accepts). The accepted socket, paused since accept, gives up its handle as node's own handle
 * passing does (child_process), and the new socket counts as the server's connection, so that
 * `server.close()` still waits for it.
 */
function adoptWithReadBuffer(accepted: Socket, server: Server, readBuffer: Buffer, onRead: (byteCount: number) => void): Socket {
  const internals = accepted as unknown as { _handle: unknown };
  const handle = internals._handle;
  internals._handle = null;
  // The callback's true keeps reading (false would stop, as socket.pause() does).
  const callback = (byteCount: number): boolean => {
    onRead(byteCount);
    return true;
  };
  const socket = new NetSocket({ handle, readable: true, writable: true, onread: { buffer: readBuffer, callback } } as unknown as ConstructorParameters<typeof NetSocket>[0]);
  const owned = socket as unknown as { server: Server; _server: Server };
  owned.server = server;
  owned._server = server;
  return socket;
}

/**
 * Answers `reply` and closes, as Redis does (it closes right after writing the error). The socket was
 * accepted paused, so it is resumed (what the client sent is read and dropped) to see the client's
 * FIN; one that never sends it is destroyed once the reply is written, so a refused connection never
 * keeps its descriptor (maxclients bounds them) or keeps server.close() waiting.
 */
function refuse(socket: Socket, reply: string): void {
  socket.on('error', () => {});
  socket.resume();
  socket.end(reply, () => setTimeout(() => socket.destroy(), refusedLingerMs).unref());
}

/** How long a refused connection may take to close after its reply is written. */
const refusedLingerMs = 1_000;

export class CacheServer {
  private readonly connections = new Set<CacheConnection>();
  private cron: NodeJS.Timeout | null = null;

  private readonly readBuffer = Buffer.allocUnsafeSlow(readBufferBytes);

  private constructor(
    readonly engine: CacheEngine,
    private readonly server: Server,
    private readonly logger: Logger,
    private readonly poisonReadBuffer: boolean,
  ) {}

  static async start(options: CacheServerOptions): Promise<CacheServer> {
    let boundPort = options.port;
    const engine = new CacheEngine({
      random: processRandom,
      // ACL GENPASS passwords: from the CSPRNG, not Math.random, whose output can be predicted.
      secretRandom: { nextIndex: (countExclusive) => randomInt(countExclusive) },
      config: cacheConfigDefaults({ ...options.config, port: options.port, bind: options.host }),
      host: {
        processId: process.pid,
        runId: randomBytes(20).toString('hex'),
        executable: process.execPath,
        os: `${type()} ${release()} ${arch()}`,
        architectureBits: 64,
        serverVersion: options.version,
        tcpPort: () => boundPort,
        residentMemoryBytes: () => process.memoryUsage.rss(),
        cpuSeconds: () => {
          const usage = process.cpuUsage();
          return { user: usage.user / 1e6, system: usage.system / 1e6 };
        },
      },
      monotonicMicros: () => performance.now() * 1000,
      wallClockMicros: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
      startedAtMs: Date.now(),
      onInternalError: (error, command) => options.logger.error({ err: error, command }, 'cache command failed unexpectedly; the client got an error reply'),
      ...(options.extraCommands === undefined ? {} : { extraCommands: options.extraCommands }),
    });
    await options.beforeListen?.(engine);
    fitClientsToSystemLimits(engine, options.logger);
    // Paused: a socket is read only once it is re-wrapped around the shared read buffer (accept).
    const server = createServer({ pauseOnConnect: true });
    const cacheServer = new CacheServer(engine, server, options.logger, options.poisonReadBuffer ?? process.env.OBJECTBOX_CACHE_READ_BUFFER_POISON === '1');
    server.on('connection', (socket) => cacheServer.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: options.host, port: options.port, backlog: engine.config.values['tcp-backlog'] }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address !== null && typeof address === 'object') boundPort = address.port;
    cacheServer.startCron();
    options.logger.info({ host: options.host, port: boundPort }, 'cache RESP server listening');
    return cacheServer;
  }

  get port(): number {
    return this.engine.host.tcpPort();
  }

  private accept(socket: Socket): void {
    const values = this.engine.config.values;
    if (values['protected-mode'] && values.requirepass === '' && !isLoopback(socket.remoteAddress)) {
      refuse(socket, `-${protectedModeText}\r\n`);
      return;
    }
    if (this.engine.clients.size >= values.maxclients) {
      this.engine.counters.rejectedConnections++;
      refuse(socket, '-ERR max number of clients reached\r\n');
      return;
    }
    let connection: CacheConnection | null = null;
    const readBuffer = this.readBuffer;
    const adopted = adoptWithReadBuffer(socket, this.server, readBuffer, (byteCount) => {
      connection?.onRead(readBuffer.subarray(0, byteCount));
      if (this.poisonReadBuffer) readBuffer.fill(0xaa, 0, byteCount);
    });
    connection = new CacheConnection(this.engine, adopted, this.logger, readBuffer);
    this.connections.add(connection);
    const added = connection;
    adopted.on('close', () => this.connections.delete(added));
  }

  private startCron(): void {
    const run = (): void => {
      try {
        this.engine.tick(Date.now());
      } catch (error) {
        // A bug in periodic work must not end the process; the next tick tries again.
        this.logger.error({ err: error }, 'cache cron tick failed');
      }
      this.cron = setTimeout(run, Math.max(1, Math.floor(1000 / this.engine.config.values.hz)));
      this.cron.unref();
    };
    this.cron = setTimeout(run, Math.floor(1000 / this.engine.config.values.hz));
    this.cron.unref();
  }

  /** Stops listening and closes every client connection. */
  async stop(): Promise<void> {
    if (this.cron !== null) clearTimeout(this.cron);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const client of [...this.engine.clients.values()]) this.engine.kill(client);
    await closed;
  }
}
