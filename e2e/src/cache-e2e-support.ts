/**
 * Support for the cache e2e tests: starts `objectbox start cache` as a real process on free ports
 * (the RESP port and the password come from OBJECTBOX_SERVICES_CACHE_* variables), a raw RESP
 * socket client for byte-level tests, and a runner for the Redis command-line tools with a
 * deadline. Every process is stopped by PID; every socket is tracked and destroyed at the end.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, type TestContext, test as nodeTest } from 'node:test';
import { Redis, type RedisOptions } from 'ioredis';
import { createClient } from 'redis';
import { cleanUp, freePort, startCli, tempDir, type TestProcess, waitFor } from './harness.js';

export interface CacheUnderTest {
  readonly process: TestProcess;
  readonly port: number;
  readonly httpPort: number;
}

/** Starts the cache service alone and waits until its RESP port answers PING (or NOAUTH). */
export async function startCache(options: { requirepass?: string } = {}): Promise<CacheUnderTest> {
  const [port, httpPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
  const cacheProcess = startCli(
    ['start', 'cache', '--http-port', `${httpPort}`, '--grpc-port', `${grpcPort}`, '--data-dir', join(tempDir('cache'), 'data'), '--log-level', 'warn'],
    {
      env: {
        OBJECTBOX_SERVICES_CACHE_RESP_PORT: `${port}`,
        OBJECTBOX_SERVICES_CACHE_REQUIREPASS: options.requirepass ?? '',
        // Every read's bytes are overwritten once handled: a reply built from an argument some
        // command kept without copying shows up as 0xAA bytes in these tests.
        OBJECTBOX_CACHE_READ_BUFFER_POISON: '1',
      },
    },
  );
  await waitFor(
    'the cache RESP port to answer PING',
    async () => {
      if (cacheProcess.child.exitCode !== null) throw new Error(`the cache exited early: ${cacheProcess.stderr}`);
      const connection = await RawConnection.open(port, 2_000);
      try {
        connection.send('PING\r\n');
        const reply = await connection.readLine(2_000);
        return reply === '+PONG' || reply.startsWith('-NOAUTH') ? true : undefined;
      } finally {
        connection.destroy();
      }
    },
    { deadlineMs: 60_000, intervalMs: 100 },
  );
  return { process: cacheProcess, port, httpPort };
}

/**
 * One cache process for a test file: started before the file's tests, stopped after them and checked
 * to exit cleanly on SIGTERM. Tests read `current` (set once `before` has run).
 */
export function cachePerFile(): { readonly current: CacheUnderTest } {
  const holder: { current: CacheUnderTest | undefined } = { current: undefined };
  before(async () => {
    holder.current = await startCache();
  });
  after(async () => {
    const result = await holder.current?.process.stop('SIGTERM');
    await cleanUp();
    if (result !== undefined) assert.deepEqual(result, { code: 0, signal: null }, 'the cache stops cleanly on SIGTERM');
  });
  return {
    get current(): CacheUnderTest {
      assert.ok(holder.current !== undefined, 'the cache is started before the tests');
      return holder.current;
    },
  };
}

/** A decoded RESP reply: errors are kept apart from strings so tests can tell them apart. */
export type RespReply = string | number | bigint | null | boolean | RespError | RespReply[] | { map: [RespReply, RespReply][] } | { push: RespReply[] };

export class RespError {
  constructor(readonly message: string) {}
}

const openConnections = new Set<RawConnection>();

/** A raw TCP client speaking RESP by hand: bytes out, bytes or decoded replies in, with deadlines. */
export class RawConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  /** Bytes received and dropped (see {@link discardIncoming}). */
  discardedBytes = 0;
  private discarding = false;
  isClosed = false;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    openConnections.add(this);
    socket.on('data', (chunk: Buffer) => {
      if (this.discarding) {
        this.discardedBytes += chunk.length;
        return;
      }
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        openConnections.delete(this);
        this.wake();
        resolve();
      }),
    );
  }

  static open(port: number, deadlineMs = 5_000): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${port} timed out`));
      }, deadlineMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new RawConnection(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Bytes received and not consumed yet. */
  get pending(): Buffer {
    return this.buffer;
  }

  /** From now on drops what arrives (a reader that only wants to see the connection end). */
  discardIncoming(): void {
    this.discarding = true;
    this.discardedBytes += this.buffer.length;
    this.buffer = Buffer.alloc(0);
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends a command as a RESP multibulk. */
  sendCommand(...args: (string | Buffer)[]): void {
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
    for (const argument of args) {
      const bytes = typeof argument === 'string' ? Buffer.from(argument) : argument;
      parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
    }
    this.socket.write(Buffer.concat(parts));
  }

  /** Sends a command and decodes its reply. */
  async command(...args: (string | Buffer)[]): Promise<RespReply> {
    this.sendCommand(...args);
    return this.reply();
  }

  /** Waits until `ready` holds on the received bytes, the socket closes, or the deadline passes. */
  private async waitUntil(what: string, ready: () => boolean, deadlineMs: number): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (!ready()) {
      if (this.isClosed) throw new Error(`connection closed while waiting for ${what}; received ${JSON.stringify(this.buffer.toString('latin1').slice(0, 200))}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}; received ${JSON.stringify(this.buffer.toString('latin1').slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }

  /** One line (without CRLF). */
  async readLine(deadlineMs = 5_000): Promise<string> {
    await this.waitUntil('a line', () => this.buffer.includes('\r\n'), deadlineMs);
    const end = this.buffer.indexOf('\r\n');
    const line = this.buffer.subarray(0, end).toString('latin1');
    this.buffer = this.buffer.subarray(end + 2);
    return line;
  }

  /** One decoded reply (RESP2 or RESP3). */
  async reply(deadlineMs = 5_000): Promise<RespReply> {
    let parsed: { value: RespReply; end: number } | undefined;
    await this.waitUntil('a reply', () => (parsed = parseReply(this.buffer, 0)) !== undefined, deadlineMs);
    const { value, end } = parsed as unknown as { value: RespReply; end: number };
    this.buffer = this.buffer.subarray(end);
    return value;
  }

  /** Resolves when the server closes the connection; throws after the deadline. */
  async waitClosed(deadlineMs = 5_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (!this.isClosed) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`the server did not close the connection within ${deadlineMs} ms`);
      await Promise.race([this.closed, new Promise((resolve) => setTimeout(resolve, Math.min(remaining, 100)))]);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Destroys every raw connection still open (call from `after`). */
export function closeRawConnections(): void {
  for (const connection of openConnections) connection.destroy();
}

/** Decodes one RESP value at `start`, or undefined when more bytes are needed. */
export function parseReply(buffer: Buffer, start: number): { value: RespReply; end: number } | undefined {
  const lineEnd = buffer.indexOf('\r\n', start);
  if (lineEnd < 0) return undefined;
  const type = String.fromCharCode(buffer[start] as number);
  const line = buffer.subarray(start + 1, lineEnd).toString('latin1');
  const next = lineEnd + 2;
  const aggregate = (count: number): { value: RespReply[]; end: number } | undefined => {
    const items: RespReply[] = [];
    let position = next;
    for (let index = 0; index < count; index++) {
      const item = parseReply(buffer, position);
      if (item === undefined) return undefined;
      items.push(item.value);
      position = item.end;
    }
    return { value: items, end: position };
  };
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
    case '!':
      return { value: new RespError(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '(':
      return { value: BigInt(line), end: next };
    case ',':
      return { value: Number(line.replace('inf', 'Infinity')), end: next };
    case '#':
      return { value: line === 't', end: next };
    case '_':
      return { value: null, end: next };
    case '$':
    case '=': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return undefined;
      return { value: buffer.subarray(next, next + length).toString('utf8'), end: next + length + 2 };
    }
    case '*':
    case '~':
    case '>': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items = aggregate(count);
      if (items === undefined) return undefined;
      return type === '>' ? { value: { push: items.value }, end: items.end } : items;
    }
    case '%':
    case '|': {
      const items = aggregate(Number(line) * 2);
      if (items === undefined) return undefined;
      const pairs: [RespReply, RespReply][] = [];
      for (let index = 0; index < items.value.length; index += 2) pairs.push([items.value[index] as RespReply, items.value[index + 1] as RespReply]);
      return { value: { map: pairs }, end: items.end };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)} in ${JSON.stringify(buffer.subarray(start, start + 40).toString('latin1'))}`);
  }
}

export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs a command-line tool with `input` on stdin; SIGKILLs it (by PID) after `deadlineMs` and
 * reports that as a failure.
 */
export function runTool(command: string, args: readonly string[], options: { input?: string | Buffer; deadlineMs?: number } = {}): Promise<ToolResult> {
  const deadlineMs = options.deadlineMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, deadlineMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`${command} ${args.join(' ')} did not finish within ${deadlineMs} ms; stdout ${stdout.slice(-500)} stderr ${stderr.slice(-500)}`));
      else resolve({ stdout, stderr, code, signal });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Parses INFO text into sections of key → value. */
export function parseInfo(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    if (line.startsWith('# ')) {
      current = new Map();
      sections.set(line.slice(2).toLowerCase(), current);
    } else if (line !== '' && current !== undefined) {
      const colon = line.indexOf(':');
      current.set(line.slice(0, colon), line.slice(colon + 1));
    }
  }
  return sections;
}

/** A unique key prefix so tests sharing one server never see each other's keys. */
let prefixNext = 0;
export function uniquePrefix(what: string): string {
  return `${what}:${process.pid}:${prefixNext++}:`;
}

/**
 * The client libraries a cache e2e file drives (ioredis, node-redis v5), connected to one cache with
 * no reconnects or retries (a lost reply fails the test instead of hiding), and a `test` whose
 * clients are all closed when it ends, pass or fail, with a deadline so nothing hangs the file.
 */
export class CacheClientScope {
  private readonly closers = new Set<() => void>();

  constructor(private readonly portOf: () => number) {}

  test(name: string, body: (context: TestContext) => Promise<void>, timeoutMs = 30_000): void {
    nodeTest(name, { timeout: timeoutMs }, async (context) => {
      try {
        await body(context);
      } finally {
        for (const close of this.closers) close();
        this.closers.clear();
      }
    });
  }

  async ioredis(options: RedisOptions = {}): Promise<Redis> {
    const client = new Redis({ host: '127.0.0.1', port: this.portOf(), maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true, ...options });
    client.on('error', () => undefined);
    this.closers.add(() => client.disconnect());
    await client.connect();
    return client;
  }

  /** Anything else the test opened (a child process, a raw socket) is closed with the clients. */
  onEnd(close: () => void): void {
    this.closers.add(close);
  }

  /** node-redis v5; `options` adds RESP 3, a client-side cache, ... (the socket is the scope's). */
  async nodeRedis<const O extends Omit<NonNullable<Parameters<typeof createClient>[0]>, 'socket'>>(options?: O) {
    const client = createClient({ ...(options as O), socket: { host: '127.0.0.1', port: this.portOf(), reconnectStrategy: false, connectTimeout: 10_000 } });
    client.on('error', () => undefined);
    this.closers.add(() => {
      if (client.isOpen) client.destroy();
    });
    await client.connect();
    return client;
  }
}
