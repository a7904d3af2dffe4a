/**
 * One connected client's state as the engine sees it: protocol, database, authentication, MULTI
 * queue, WATCHed keys, subscriptions and a blocking wait. The runtime owns the socket; the engine
 * reaches the client only through its {@link CacheClientSink}.
 */
import { type CacheBlock, type CacheSession } from './cache-command-context.js';
import { aclUserHasFullKeyAccess, type CacheAclUser } from './cache-acl.js';
import { type KeyText } from './cache-keyspace.js';
import { type CacheClientTracking } from './cache-tracking.js';
import { type RespProtocolVersion, type RespValue } from './resp-value.js';

/** What the runtime gives the engine for each connection. */
export interface CacheClientSink {
  /** Queues a reply or push message for the client, encoded with its current protocol version. */
  send(value: RespValue): void;
  /** Closes the connection after what was sent is written (QUIT, CLIENT KILL). */
  close(): void;
  /** The client was unblocked: the runtime resumes processing its buffered requests. */
  resume(): void;
  /** Bytes queued for the client and not yet written (CLIENT LIST omem, output limits). */
  readonly pendingOutputBytes: number;
}

/** A command queued between MULTI and EXEC. */
export interface QueuedCommand {
  readonly args: readonly Buffer[];
}

export interface CacheTransaction {
  readonly commands: QueuedCommand[];
  queuedBytes: number;
  /** A queued command was rejected (unknown, wrong arity, ...): EXEC answers EXECABORT. */
  hasError: boolean;
}

/** A client parked by a blocking command until a key changes or the deadline passes. */
export interface CacheBlockedState {
  readonly args: readonly Buffer[];
  readonly block: CacheBlock;
  readonly databaseIndex: number;
}

/** CLIENT REPLY: ON, OFF, or SKIP (the next command's reply only). */
export type CacheReplyMode = 'on' | 'off' | 'skip' | 'skip-next';

export class CacheClient implements CacheSession {
  databaseIndex = 0;
  protocolVersion: RespProtocolVersion = 2;
  name = '';
  libraryName = '';
  libraryVersion = '';
  userName = 'default';
  /** The ACL user the connection runs as (the default user until AUTH). */
  user: CacheAclUser;

  hasFullKeyAccess(): boolean {
    return aclUserHasFullKeyAccess(this.user);
  }
  authenticated: boolean;
  transaction: CacheTransaction | null = null;
  /**
   * WATCHed keys, as `<db>:<key>`. `expiredAtWatch` (Redis's watchedKey.expired): the key was stored but
   * logically expired when watched, so its later removal is no change; cleared once it is removed.
   */
  readonly watchedKeys = new Map<string, { databaseIndex: number; key: KeyText; expiredAtWatch: boolean }>();
  /** A WATCHed key changed since WATCH: EXEC answers the null array. */
  watchDirty = false;
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  blocked: CacheBlockedState | null = null;
  /**
   * MONITOR is on: the client gets every command's line and may not touch keys. Its output is bounded
   * by the pub/sub output-buffer limits (Redis counts a monitor as a normal client, unlimited by default).
   */
  isMonitor = false;
  /** CLIENT TRACKING ON's settings; null when off. */
  tracking: CacheClientTracking | null = null;
  replyMode: CacheReplyMode = 'on';
  noEvict = false;
  noTouch = false;
  lastCommandName = 'NULL';
  /** The request being executed (CLIENT LIST's qbuf and argv-mem while it runs), else null. */
  currentRequest: readonly Buffer[] | null = null;
  lastInteractionMs: number;
  closing = false;
  /** QUIT or CLIENT KILL of oneself: close once this command's reply is sent. */
  closeAfterReply = false;

  constructor(
    readonly id: number,
    readonly sink: CacheClientSink,
    readonly address: string,
    readonly localAddress: string,
    readonly createdAtMs: number,
    user: CacheAclUser,
    authenticated: boolean,
  ) {
    this.user = user;
    this.authenticated = authenticated;
    this.lastInteractionMs = createdAtMs;
  }

  /** Subscribed to any channel, pattern or shard channel (RESP2 then allows only the subscribe family). */
  get isSubscriber(): boolean {
    return this.channels.size + this.patterns.size + this.shardChannels.size > 0;
  }

  /** What (P)(UN)SUBSCRIBE replies count (Redis's clientSubscriptionsCount: shard channels apart). */
  get subscriptionCount(): number {
    return this.channels.size + this.patterns.size;
  }
}
