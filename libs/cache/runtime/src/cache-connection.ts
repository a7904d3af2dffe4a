/**
 * One client socket: bytes in through the RESP decoder, requests into the engine in order, replies
 * out through the encoder in as few writes as possible. Thin on purpose (STYLE.md §2): every decision
 * about what a command means lives in the pure engine.
 *
 * Limits: the decoder bounds each request (and much more before AUTH); the query buffer is bounded by
 * `client-query-buffer-limit`; a subscriber whose unread output passes the pub/sub hard limit is
 * disconnected, and so is a MONITOR client (the soft limit is the engine's cron); any other client whose unread output passes
 * `normalOutputPauseBytes` stops being read until the socket drains, so a client that pipelines
 * without reading cannot make the server buffer without bound.
 */
import { type Socket } from 'node:net';
import {
  type CacheEngine,
  RespDecoder,
  RespEncoder,
  respDecoderLimitsUnauthenticated,
  respDecoderLimitsWithBulkMax,
  type CacheClient,
  type CacheClientSink,
  type RespValue,
} from '@objectbox/cache-core';
import { type Logger } from '@objectbox/observability';

/** Unread output at which a normal client's input is paused until its socket drains. */
const normalOutputPauseBytes = 64 * 1024 * 1024;
/** Requests run on one clock read before it is read again. */
const clockRequestsMax = 16;
/** A closing connection that does not read its last replies is destroyed after this long. */
const closeLingerMs = 5_000;

export class CacheConnection implements CacheClientSink {
  readonly client: CacheClient;
  private readonly decoder: RespDecoder;
  private readonly encoder: RespEncoder;
  private flushScheduled = false;
  private processing = false;
  private closed = false;
  private pausedForOutput = false;
  /** What the decoder's limits were built from; compared before each request (AUTH, CONFIG SET). */
  private limitsAuthenticated = false;
  private limitsBulkBytesMax = -1;

  constructor(
    private readonly engine: CacheEngine,
    private readonly socket: Socket,
    private readonly logger: Logger,
    /** Memory the server reads into and overwrites on the next read: replies copy out of it. */
    readBuffer: Buffer,
  ) {
    this.encoder = new RespEncoder(readBuffer.buffer);
    socket.setNoDelay(true);
    this.client = engine.connect({
      sink: this,
      address: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`,
      localAddress: `${socket.localAddress ?? '?'}:${socket.localPort ?? 0}`,
      nowMs: Date.now(),
    });
    this.decoder = new RespDecoder(respDecoderLimitsUnauthenticated);
    this.syncDecoderLimits();
    socket.on('drain', () => this.onDrain());
    socket.on('error', (error) => this.logger.debug({ err: error, client: this.client.id }, 'cache client socket error'));
    socket.on('close', () => this.onClose());
  }

  get pendingOutputBytes(): number {
    return this.socket.writableLength;
  }

  send(value: RespValue): void {
    if (this.closed) return;
    this.encoder.write(value, this.client.protocolVersion);
    // Subscribers and monitors receive what other clients cause: the pub/sub limits bound them. A
    // tracking client is a normal client to Redis (its invalidations are small, and its replies are
    // what it asked for), so it has no limit, like any other.
    if (this.client.isSubscriber || this.client.isMonitor) this.enforcePubsubHardLimit();
    if (!this.processing) this.scheduleFlush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), closeLingerMs).unref();
  }

  resume(): void {
    setImmediate(() => this.processInput());
  }

  /**
   * Bytes read from the socket, in memory the next read overwrites (the server's shared read buffer):
   * requests that can run now run, the decoder copies what has to wait.
   */
  onRead(chunk: Buffer): void {
    if (this.closed) return;
    try {
      this.decoder.push(chunk);
      if (this.decoder.bufferedBytes > this.engine.config.values['client-query-buffer-limit']) {
        this.logger.warn({ client: this.client.id, bytes: this.decoder.bufferedBytes }, 'closing cache client: query buffer limit reached');
        this.engine.kill(this.client);
        return;
      }
      this.processInput();
    } finally {
      this.decoder.detachFromChunk();
    }
  }

  /** Runs every complete request, in order, unless the client is blocked or being closed. */
  private processInput(): void {
    if (this.processing) return;
    this.processing = true;
    // One clock read per batch of pipelined requests, refreshed every few requests so that a long
    // batch does not run on a stale time (Redis too caches its clock per event-loop iteration).
    let nowMs = Date.now();
    let requestsSinceClock = 0;
    try {
      while (!this.closed && this.client.blocked === null) {
        this.syncDecoderLimits();
        const args = this.decoder.nextArguments();
        if (args === null) {
          const failure = this.decoder.failureOf;
          if (failure !== null) {
            this.send({ type: 'error', prefix: 'ERR', message: failure.replyText });
            this.logger.debug({ client: this.client.id, reason: failure.reason }, 'cache client protocol error');
            this.engine.kill(this.client);
          }
          break;
        }
        if (++requestsSinceClock === clockRequestsMax) {
          nowMs = Date.now();
          requestsSinceClock = 0;
        }
        try {
          this.engine.execute(this.client, args, nowMs);
        } catch (error) {
          this.failRequest(error, args[0]!);
          break;
        }
      }
    } finally {
      this.processing = false;
    }
    this.flush();
    if (!this.pausedForOutput && this.socket.writableLength > normalOutputPauseBytes && !this.client.isSubscriber) {
      this.pausedForOutput = true;
      this.socket.pause();
    }
  }

  /**
   * The next request is decoded with the limits of now: AUTH lifts the unauthenticated ones, and
   * `proto-max-bulk-len` (CONFIG SET by any client) bounds bulk strings as in Redis. Two compares
   * per request; the limits are rebuilt only when one changed.
   */
  private syncDecoderLimits(): void {
    const authenticated = this.client.authenticated;
    const bulkBytesMax = this.engine.config.values['proto-max-bulk-len'];
    if (authenticated === this.limitsAuthenticated && bulkBytesMax === this.limitsBulkBytesMax) return;
    this.limitsAuthenticated = authenticated;
    this.limitsBulkBytesMax = bulkBytesMax;
    this.decoder.setLimits(authenticated ? respDecoderLimitsWithBulkMax(bulkBytesMax) : respDecoderLimitsUnauthenticated);
  }

  /**
   * Last resort for a throw the engine did not map (it maps handler failures itself, so this is a
   * bug around them: delivery, encoding, dispatch checks). Only this client pays: it gets an error
   * and is closed, since its state in the engine may be half-updated; the server keeps serving.
   */
  private failRequest(error: unknown, commandName: Buffer): void {
    const command = commandName.toString('latin1').toLowerCase();
    this.logger.error({ err: error, client: this.client.id, command }, 'cache request failed outside its command handler; closing the client');
    this.send({ type: 'error', prefix: 'ERR', message: `internal error while running '${command}' command (the server logged it)` });
    this.engine.kill(this.client);
  }

  private onDrain(): void {
    if (!this.pausedForOutput) return;
    this.pausedForOutput = false;
    this.socket.resume();
    this.processInput();
  }

  private enforcePubsubHardLimit(): void {
    const limit = this.engine.config.pubsubOutputLimit;
    if (limit.hardBytes > 0 && this.pendingOutputBytes > limit.hardBytes) {
      this.logger.warn({ client: this.client.id, bytes: this.pendingOutputBytes }, 'closing cache subscriber: output buffer hard limit reached');
      this.closed = true;
      this.socket.destroy();
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Writes everything encoded so far as one corked batch. */
  private flush(): void {
    const chunks = this.encoder.take();
    if (chunks.length === 0 || this.socket.destroyed) return;
    // One chunk (a batch of small replies fits one scratch slab) needs no cork: uncork would take
    // the vectored-write path for it.
    if (chunks.length === 1) {
      this.socket.write(chunks[0]!);
    } else {
      this.socket.cork();
      for (const chunk of chunks) this.socket.write(chunk);
      this.socket.uncork();
    }
    // Nothing queued: the write completed at once and node keeps no reference to the chunks, so the
    // encoder's slab they were cut from may be written again.
    if (this.socket.writableLength === 0) this.encoder.reuseScratch();
  }

  private onClose(): void {
    this.closed = true;
    this.engine.disconnect(this.client);
  }
}
