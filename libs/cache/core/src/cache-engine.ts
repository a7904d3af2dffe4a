/**
 * The cache server's logic without its sockets (STYLE.md §2): clients, dispatch with Redis's checks
 * in Redis's order (processCommand: unknown command, arity, authentication, subscriber context,
 * MULTI queueing, maxmemory), MULTI/EXEC/WATCH, blocking commands, pub/sub delivery, the periodic
 * cron (blocked-client timeouts, active expiry, idle clients). Pure: time arrives as `nowMs`
 * arguments, randomness and process facts are injected, replies leave through each client's sink.
 */
import { assert } from '@objectbox/util';
import { aclChannelAllowed, CacheAclStore, noPermissionError } from './cache-acl.js';
import { CacheClient, type CacheClientSink } from './cache-client.js';
import { isCacheCommandError, CacheCommandError } from './cache-command-errors.js';
import { setCacheFieldHashSeed } from './cache-field-index.js';
import {
  isCacheBlock,
  type CacheCommandContext,
  type CacheCommandLimits,
  type CacheCommandResult,
  type CacheCommandSpec,
} from './cache-command-context.js';
import { cacheCommandTable, commandShapeError, unknownCommandText } from './cache-commands.js';
import { CacheAclLog, type CacheAclLogReason } from './cache-acl-log.js';
import { cacheEncodingThresholds } from './cache-collection-size.js';
import { CacheConfig, encodingThresholdsOf, type CacheConfigValues } from './cache-config.js';
import { cacheServerCommands, clientInfoLine } from './cache-commands-server.js';
import { cacheDiagnosticsCommands } from './cache-commands-diagnostics.js';
import { commandMetadata, commandMetadataForArgs } from './cache-command-metadata.js';
import { evictUntilWithinLimit } from './cache-eviction.js';
import { CacheKeyspace, keyTextFromBytes, type CacheDatabase, type CacheKeyChange, type CacheRandom, type CacheValue, type KeyText } from './cache-keyspace.js';
import { keyEventsOf, type CacheKeyEvent } from './cache-notifications.js';
import { CachePubSub } from './cache-pubsub.js';
import { commandTraitsOf, monitorShows, slowlogMayLog, type CacheCommandTraits } from './cache-command-traits.js';
import { CacheSlowlog, slowlogArguments } from './cache-slowlog.js';
import { CacheLatencyMonitor } from './cache-latency-monitor.js';
import { CacheTracking, type CacheTrackingMessage } from './cache-tracking.js';
import { commandKeyIndexes } from './cache-command-metadata.js';
import { maxMonitorLineBytes, monitorLine, redactedArguments } from './cache-monitor.js';
import { respBulkString, respInteger, respNullArray, respNullBulk, respOk, type RespValue } from './resp-value.js';
import { validateCacheSettingsCommand, type CacheSettingsCommand } from './cache-settings.js';

/** Facts about the hosting process that INFO reports; supplied by the runtime. */
export interface CacheHostInfo {
  readonly processId: number;
  readonly runId: string;
  readonly executable: string;
  readonly os: string;
  readonly architectureBits: number;
  readonly serverVersion: string;
  tcpPort(): number;
  residentMemoryBytes(): number;
  cpuSeconds(): { user: number; system: number };
}

export interface CacheEngineOptions {
  readonly random: CacheRandom;
  /**
   * Randomness for secrets (ACL GENPASS): unpredictable, unlike `random`, which may be a fast
   * generator for sampling. Defaults to `random` (tests).
   */
  readonly secretRandom?: CacheRandom;
  readonly config: CacheConfigValues;
  readonly host: CacheHostInfo;
  /** A monotonic microsecond clock for command durations (INFO commandstats, SLOWLOG) only. */
  readonly monotonicMicros: () => number;
  /**
   * Wall-clock microseconds since the Unix epoch, for MONITOR's timestamps (Redis prints them to the
   * microsecond). Without it (tests) the command's `nowMs` is used.
   */
  readonly wallClockMicros?: () => number;
  readonly startedAtMs: number;
  /**
   * A handler threw something other than a {@link CacheCommandError} (a bug). The client already got
   * an `internal-error` reply and the server keeps serving; the runtime logs `error` with its stack.
   */
  readonly onInternalError?: (error: unknown, commandName: string) => void;
  /** Commands beyond Redis's table, looked up before it (tests plant failing handlers with it). */
  readonly extraCommands?: readonly CacheServerCommandSpec[];
}

/** A server command sees the engine and the calling client as well. */
export interface CacheServerCommandContext extends CacheCommandContext {
  readonly engine: CacheEngine;
  readonly client: CacheClient;
}

export interface CacheServerCommandSpec extends Omit<CacheCommandSpec, 'handler'> {
  readonly handler: (context: CacheServerCommandContext, args: readonly Buffer[]) => CacheCommandResult | CacheMultiReply;
}

/** Several replies for one command (SUBSCRIBE a b c answers once per channel). */
export interface CacheMultiReply {
  readonly type: 'multi-reply';
  readonly replies: readonly RespValue[];
}

interface CommandStat {
  calls: number;
  micros: number;
  rejectedCalls: number;
  failedCalls: number;
  /** Whether the clock is read on every {@link clockSampleInterval}th call only (see `run`). */
  readonly clockSampled: boolean;
  /** Calls since the clock was last read for this command, not yet in `micros`. */
  unclockedCalls: number;
}

/**
 * A constant-time command's duration is measured on one call in this many and counted for the calls
 * since: two clock reads cost as much as such a command itself (a quarter of a pipelined GET's time).
 */
const clockSampleInterval = 8;
/** `+` and CRLF around a monitor line. */
const monitorLineFramingBytes = 3;

/** Redis's fast commands and SET (constant-time, but not @fast because of its GET option). */
function isClockSampled(spec: { readonly name: string; readonly flags: readonly string[] }): boolean {
  return spec.flags.includes('fast') || spec.name === 'set';
}

/** Commands allowed before AUTH when a password is set (Redis: CMD_NO_AUTH). */
const noAuthCommands = new Set(['auth', 'hello', 'quit', 'reset']);
/** Commands executed at once inside MULTI instead of being queued (multi.c). */
const transactionControlCommands = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** The only commands a RESP2 subscriber may send. */
const subscriberCommands = new Set(['subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);
/** Bytes of queued arguments one MULTI may hold (Redis bounds it only by the query buffer). */
const transactionQueuedBytesMax = 64 * 1024 * 1024;
/** Re-executions of woken blocked clients per command: a bound on one event's work. */
const blockedServeRoundsMax = 10_000;

/**
 * What dispatch needs to know about a command, worked out once at startup so that a request costs no
 * string building: the command name is matched on the request's bytes (ASCII case-insensitively, as
 * Redis's dictSdsKeyCaseCompare), and Redis's per-command checks are flags here.
 */
interface CommandEntry {
  readonly spec: CacheServerCommandSpec | CacheCommandSpec;
  /** The lower-case name's bytes (command names are ASCII). */
  readonly nameBytes: Buffer;
  readonly noAuth: boolean;
  readonly transactionControl: boolean;
  readonly subscriberAllowed: boolean;
  /** A container (CLIENT, CONFIG, ...): CLIENT LIST's cmd field names the subcommand. */
  readonly hasSubcommands: boolean;
  readonly denyoom: boolean;
  /** What MONITOR, SLOWLOG and a monitoring client's keyspace check need (from Redis's flags). */
  readonly traits: CacheCommandTraits;
  /**
   * The command's entry in `commandStats` while `statGeneration` is the engine's: a request then
   * finds its counters without a Map lookup by name. RESETSTAT moves the engine's generation on.
   */
  stat: CommandStat | null;
  statGeneration: number;
}

function lowerAscii(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
}

/** FNV-1a over the ASCII-lower-cased bytes: the bucket of a command name in {@link CommandTable}. */
function commandNameHash(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < bytes.length; index++) hash = Math.imul(hash ^ lowerAscii(bytes[index] as number), 0x01000193);
  return hash >>> 0;
}

/** The commands by name bytes: open addressing with linear probing, at most half full. */
class CommandTable {
  private readonly buckets: (CommandEntry | undefined)[];
  private readonly mask: number;

  constructor(entries: readonly CommandEntry[]) {
    let bucketCount = 16;
    while (bucketCount < entries.length * 2) bucketCount *= 2;
    this.buckets = new Array<CommandEntry | undefined>(bucketCount).fill(undefined);
    this.mask = bucketCount - 1;
    for (const entry of entries) {
      let bucket = commandNameHash(entry.nameBytes) & this.mask;
      while (this.buckets[bucket] !== undefined) bucket = (bucket + 1) & this.mask;
      this.buckets[bucket] = entry;
    }
  }

  get(name: Uint8Array): CommandEntry | undefined {
    for (let bucket = commandNameHash(name) & this.mask; ; bucket = (bucket + 1) & this.mask) {
      const entry = this.buckets[bucket];
      if (entry === undefined || nameMatches(entry.nameBytes, name)) return entry;
    }
  }
}

function nameMatches(lowerName: Buffer, name: Uint8Array): boolean {
  if (lowerName.length !== name.length) return false;
  for (let index = 0; index < name.length; index++) if (lowerAscii(name[index] as number) !== lowerName[index]) return false;
  return true;
}

/** Stored but past its expiry time, not yet removed by lazy or active expiry (keyIsExpired). */
function isStoredButExpired(database: CacheDatabase, key: KeyText, nowMs: number): boolean {
  return database.has(key) && database.peek(key, nowMs) === undefined;
}

function watchKeyOf(databaseIndex: number, key: KeyText): string {
  return `${databaseIndex}:${key}`;
}

export class CacheEngine {
  readonly keyspace: CacheKeyspace;
  readonly config: CacheConfig;
  readonly pubsub = new CachePubSub<CacheClient>();
  /** ACL users; the default user's password is `requirepass`. */
  acl = new CacheAclStore();
  readonly clients = new Map<number, CacheClient>();
  readonly host: CacheHostInfo;
  readonly startedAtMs: number;
  readonly commandStats = new Map<string, CommandStat>();
  readonly errorStats = new Map<string, number>();
  readonly counters = {
    connectionsReceived: 0,
    commandsProcessed: 0,
    evictedKeys: 0,
    rejectedConnections: 0,
    totalErrorReplies: 0,
    /** Handlers that threw something unplanned (see {@link CacheEngineOptions.onInternalError}). */
    internalErrors: 0,
  };
  private readonly onInternalError: (error: unknown, commandName: string) => void;
  private readonly random: CacheRandom;
  /** See {@link CacheEngineOptions.secretRandom}. */
  readonly secretRandom: CacheRandom;
  private readonly monotonicMicros: () => number;
  private readonly wallClockMicros: (() => number) | null;
  /** MONITOR's clients, in the order they started (Redis's server.monitors). */
  readonly monitors = new Set<CacheClient>();
  readonly slowlog = new CacheSlowlog();
  readonly latencyMonitor = new CacheLatencyMonitor();
  readonly tracking = new CacheTracking<CacheClient>((id) => this.clients.get(id));
  /** FLUSHALL reports each database: tracking clients are told once per command. */
  private trackingFlushSent = false;
  private usedMemoryPeak = 0;

  /** The highest used memory (the keyspace estimate) seen by the cron or asked for (MEMORY STATS). */
  get usedMemoryPeakBytes(): number {
    this.usedMemoryPeak = Math.max(this.usedMemoryPeak, this.keyspace.usedMemoryBytes);
    return this.usedMemoryPeak;
  }
  private serverCommands: ReadonlyMap<string, CacheServerCommandSpec> = new Map();
  private commandTable = new CommandTable([]);
  private clientIdNext = 1;
  private readonly blockedByKey = new Map<string, CacheClient[]>();
  private readonly blockedClients = new Set<CacheClient>();
  private readonly watchersByKey = new Map<string, Set<CacheClient>>();
  private readonly readyKeys = new Set<string>();
  /** How many commands are running (EXEC nests them), and the key changes they made (only while notifications are on). */
  private runningDepth = 0;
  /** Changes (or, with `event`, explicit events) of the running command, published after it. */
  private readonly pendingChanges: { databaseIndex: number; key: KeyText; change: CacheKeyChange; event?: CacheKeyEvent }[] = [];

  constructor(options: CacheEngineOptions) {
    this.config = new CacheConfig(options.config);
    Object.assign(cacheEncodingThresholds, encodingThresholdsOf(this.config.values));
    this.random = options.random;
    this.secretRandom = options.secretRandom ?? options.random;
    // Keys, hash fields and set members are hashed with seeds drawn from the secret randomness, not
    // from `random`: SRANDMEMBER, HRANDFIELD, SPOP and RANDOMKEY show clients many of `random`'s
    // outputs (Math.random, whose state can be recovered from them), and with a known seed, fields
    // that share one hash are cheap to find (a reviewer found 16,013 in seconds; inserting them
    // took 3.3 s against 0.16 s for as many ordinary fields).
    this.keyspace = new CacheKeyspace({ hashSeed: this.secretRandom.nextIndex(2 ** 32) });
    setCacheFieldHashSeed(this.secretRandom.nextIndex(2 ** 32));
    this.host = options.host;
    this.monotonicMicros = options.monotonicMicros;
    this.wallClockMicros = options.wallClockMicros ?? null;
    this.startedAtMs = options.startedAtMs;
    this.onInternalError = options.onInternalError ?? (() => {});
    this.registerServerCommands([...cacheServerCommands, ...cacheDiagnosticsCommands, ...(options.extraCommands ?? [])]);
    if (this.config.values.requirepass !== '') this.acl.setRequirePass(this.config.values.requirepass);
    this.keyspace.setListener({
      keyModified: (databaseIndex, key, change) => {
        if (this.config.notifyFlags.classes.size > 0) this.recordChange(databaseIndex, key, change);
        if (this.tracking.active) this.deliverTracking(this.tracking.invalidateKey(key, this.executingClient));
        // Most writes happen with nobody watching or blocked: skip building the lookup key.
        if (this.watchersByKey.size === 0 && this.blockedByKey.size === 0) return;
        const watchKey = watchKeyOf(databaseIndex, key);
        const watchers = this.watchersByKey.get(watchKey);
        if (watchers !== undefined) this.touchWatchedKey(watchers, watchKey, this.keyspace.database(databaseIndex));
        if (this.blockedByKey.has(watchKey)) this.readyKeys.add(watchKey);
      },
      keyEvent: (databaseIndex, key, eventClass, event) => {
        if (this.config.notifyFlags.classes.size > 0 && this.runningDepth > 0) {
          this.pendingChanges.push({ databaseIndex, key, change: 'changed', event: [eventClass, event] });
        }
      },
      keysWanted: () => this.config.notifyFlags.classes.size > 0 || this.watchersByKey.size > 0 || this.blockedByKey.size > 0 || this.tracking.active,
      databaseReplaced: (databaseIndex, emptied, replacedWith) => {
        if (this.tracking.active && !this.trackingFlushSent) {
          this.trackingFlushSent = true;
          this.deliverTracking(this.tracking.invalidateAll(this.clients.values()));
        }
        if (this.watchersByKey.size > 0) this.touchWatchedKeysOfReplaced(databaseIndex, emptied, replacedWith);
        // Blocked clients get their command run again (signalDeletedKeyAsReady): an XREADGROUP whose
        // stream went is told NOGROUP; the others find nothing and keep waiting.
        for (const watchKey of this.blockedByKey.keys()) if (watchKey.startsWith(`${databaseIndex}:`)) this.readyKeys.add(watchKey);
      },
    });
  }

  /** Installs the server-level commands (kept outside the data-type table: they need the engine). */
  private registerServerCommands(specs: readonly CacheServerCommandSpec[]): void {
    const table = new Map<string, CacheServerCommandSpec>();
    for (const spec of specs) {
      assert(!table.has(spec.name), `server command ${spec.name} registered twice`);
      table.set(spec.name, spec);
    }
    this.serverCommands = table;
    this.commandTable = new CommandTable(
      this.allCommandNames().map((name) => {
        const spec = this.lookup(name);
        assert(spec !== undefined, 'every listed command has a spec');
        return {
          spec,
          nameBytes: Buffer.from(name, 'latin1'),
          noAuth: noAuthCommands.has(name),
          transactionControl: transactionControlCommands.has(name),
          subscriberAllowed: subscriberCommands.has(name),
          hasSubcommands: (commandMetadata(name)?.subcommands.length ?? 0) > 0,
          denyoom: spec.flags.includes('denyoom'),
          traits: commandTraitsOf(spec),
          stat: null,
          statGeneration: -1,
        };
      }),
    );
  }

  /** The command named by a request's first argument, case-insensitively. */
  private commandOf(name: Buffer): CommandEntry | undefined {
    return this.commandTable.get(name);
  }

  /** Looks a command up in both tables (server commands first). */
  lookup(name: string): CacheServerCommandSpec | CacheCommandSpec | undefined {
    return this.serverCommands.get(name) ?? cacheCommandTable.get(name);
  }

  /** Every command spec, server ones included (COMMAND COUNT/LIST/INFO). */
  allCommandNames(): string[] {
    return [...new Set([...this.serverCommands.keys(), ...cacheCommandTable.keys()])];
  }

  connect(options: { sink: CacheClientSink; address: string; localAddress: string; nowMs: number }): CacheClient {
    const client = new CacheClient(
      this.clientIdNext++,
      options.sink,
      options.address,
      options.localAddress,
      options.nowMs,
      this.acl.defaultUser,
      this.acl.newConnectionAuthenticated(),
    );
    this.clients.set(client.id, client);
    this.counters.connectionsReceived++;
    return client;
  }

  /** Forgets a client whose connection ended: its blocking wait, WATCHes and subscriptions. */
  disconnect(client: CacheClient): void {
    this.unblock(client);
    const postponedAt = this.postponedClients.indexOf(client);
    if (postponedAt >= 0) this.postponedClients.splice(postponedAt, 1);
    this.unwatchAll(client);
    for (const channel of [...client.channels]) this.unsubscribeChannel(client, channel);
    for (const pattern of [...client.patterns]) this.unsubscribePattern(client, pattern);
    for (const channel of [...client.shardChannels]) this.unsubscribeShardChannel(client, channel);
    this.stopMonitoring(client);
    this.tracking.disable(client);
    this.clients.delete(client.id);
  }

  /**
   * The client whose request {@link execute} is running, and the pub/sub messages (PUBLISH to a
   * channel it listens to, keyspace notifications of its own writes) meant for it meanwhile: they go
   * out after its reply, after EXEC's whole reply inside MULTI, as Redis 7.2 does
   * (server.pending_push_messages; 7.0 interleaved them into the reply).
   */
  private executingClient: CacheClient | null = null;
  private readonly pushesForExecutingClient: RespValue[] = [];

  /** A pub/sub message for `client`; held back when `client` is the one running a command. */
  private sendPush(client: CacheClient, push: RespValue): void {
    if (client === this.executingClient) this.pushesForExecutingClient.push(push);
    else client.sink.send(push);
  }

  /**
   * CLIENT PAUSE (Redis's pauseClients): until `untilMs`, commands wait (writes only, or all) before
   * they run, in arrival order; a later or stricter pause extends the current one. Queueing inside
   * MULTI goes on; an EXEC with a write waits. Active expiry stops meanwhile.
   */
  private pause: { writesOnly: boolean; untilMs: number } | null = null;
  private readonly postponedClients: CacheClient[] = [];

  pauseClients(untilMs: number, writesOnly: boolean): void {
    this.pause = {
      writesOnly: this.pause === null ? writesOnly : this.pause.writesOnly && writesOnly,
      untilMs: Math.max(untilMs, this.pause?.untilMs ?? 0),
    };
    this.keyspace.holdLazyExpiry(true);
  }

  /** CLIENT UNPAUSE: the waiting commands run once the current command is done. */
  unpauseClients(): void {
    this.pause = null;
    this.keyspace.holdLazyExpiry(false);
  }

  /** After an unpause or the pause's end: the waiting commands run, oldest first. */
  private releasePostponed(nowMs: number): void {
    for (const client of this.postponedClients.splice(0)) {
      const blocked = client.blocked;
      if (blocked === null) continue;
      this.unblock(client);
      this.execute(client, blocked.args, nowMs);
      if (client.blocked === null) client.sink.resume();
    }
  }

  isPostponed(client: CacheClient): boolean {
    return this.postponedClients.includes(client);
  }

  /** processCommand's pause check: everything under ALL; under WRITE, what writes or may replicate. */
  private pauseHolds(client: CacheClient, command: CommandEntry, args: readonly Buffer[]): boolean {
    if (this.pause === null) return false;
    if (!this.pause.writesOnly) return true;
    if (command.spec.name !== 'exec') return pausedAsWrite(command, args);
    return client.transaction?.commands.some((queued) => {
      const entry = this.commandOf(queued.args[0] as Buffer);
      return entry !== undefined && pausedAsWrite(entry, queued.args);
    }) ?? false;
  }

  /** blockPostponeClient: parked without keys or deadline until the pause ends (counted in blocked_clients). */
  private postpone(client: CacheClient): CacheCommandResult {
    this.postponedClients.push(client);
    return { type: 'block', keys: [], timeoutAtMs: null, timeoutReply: respNullBulk };
  }

  /** Runs one request from `client` and sends its reply (or parks the client if it blocks). */
  execute(client: CacheClient, args: readonly Buffer[], nowMs: number): void {
    assert(args.length >= 1, 'a request has at least the command name');
    assert(client.blocked === null, 'a blocked client sends nothing until it is served');
    client.lastInteractionMs = nowMs;
    this.keyspace.setCommandTime(nowMs);
    this.executingClient = client;
    client.currentRequest = args;
    let reply: CacheCommandResult | CacheMultiReply;
    const command = this.commandOf(args[0] as Buffer);
    try {
      reply = this.dispatch(client, command, args, nowMs);
    } finally {
      this.executingClient = null;
      client.currentRequest = null;
    }
    // CLIENT CACHING applies to the next command only, or to a whole MULTI (resetClient). An unknown
    // command counts as that next command (Redis's c->cmd is then NULL); lastCommandName would still
    // name the CLIENT CACHING before it.
    if (client.tracking !== null && client.transaction === null && command?.spec.name !== 'client') client.tracking.caching = false;
    if (reply.type === 'block') this.park(client, reply.retryArgs ?? args, reply);
    else this.deliver(client, reply);
    if (this.pushesForExecutingClient.length > 0) for (const push of this.pushesForExecutingClient.splice(0)) client.sink.send(push);
    if (client.closeAfterReply) this.kill(client);
    if (this.pause === null && this.postponedClients.length > 0) this.releasePostponed(nowMs);
    this.serveReadyKeys(nowMs);
    this.afterTrackingWork();
  }

  /** beforeSleep's tracking work: BCAST announcements and the table's limit. */
  private afterTrackingWork(): void {
    this.trackingFlushSent = false;
    if (!this.tracking.active) return;
    this.deliverTracking(this.tracking.takeBroadcasts());
    this.deliverTracking(this.tracking.limit(this.config.values['tracking-table-max-keys']));
  }

  /**
   * sendTrackingMessage: an `invalidate` push (RESP3), or through a REDIRECT client: a push if it
   * speaks RESP3, a `__redis__:invalidate` pub/sub message if it is a RESP2 subscriber, else nothing
   * (RESP2 has no way to say it). A redirect target that is gone marks the redirect broken and, in
   * RESP3, tells the tracking client `tracking-redir-broken`.
   */
  private deliverTracking(messages: readonly CacheTrackingMessage<CacheClient>[]): void {
    for (const { client, keys } of messages) {
      const tracking = client.tracking;
      if (tracking === null) continue;
      let target = client;
      if (tracking.redirectId !== 0) {
        // A redirect client that was killed or quit is gone at once (see kill), as Redis frees it.
        const redirect = this.clients.get(tracking.redirectId);
        if (redirect === undefined) {
          tracking.brokenRedirect = true;
          if (client.protocolVersion === 3) this.sendPush(client, { type: 'push', items: [respBulkString('tracking-redir-broken'), respInteger(tracking.redirectId)] });
          continue;
        }
        target = redirect;
      }
      const payload: RespValue = keys === null ? respNullBulk : { type: 'array', items: keys.map((key) => respBulkString(Buffer.from(key, 'latin1'))) };
      if (target.protocolVersion === 3) this.sendPush(target, { type: 'push', items: [respBulkString('invalidate'), payload] });
      else if (target !== client && target.isSubscriber) {
        this.sendPush(target, { type: 'push', items: [respBulkString('message'), respBulkString('__redis__:invalidate'), payload] });
      }
    }
  }

  private dispatch(client: CacheClient, command: CommandEntry | undefined, args: readonly Buffer[], nowMs: number): CacheCommandResult | CacheMultiReply {
    // CLIENT LIST's cmd field names the subcommand of a container command (client|list); Redis sets
    // it once the command is found, before any check refuses it.
    if (command !== undefined) client.lastCommandName = fullNameOf(command, args);
    const rejection = this.rejection(client, command, args, nowMs);
    if (rejection !== null) {
      if (client.transaction !== null && command?.transactionControl !== true) client.transaction.hasError = true;
      if (command !== undefined) this.statOfEntry(command).rejectedCalls++;
      if (command?.spec.name === 'exec') return this.errorReply(this.execRejected(client, rejection));
      return this.errorReply(rejection);
    }
    assert(command !== undefined, 'rejection() refuses unknown commands');
    if (client.transaction !== null && !command.transactionControl) {
      // processCommand: inside MULTI any command is refused when over maxmemory (queuing takes memory
      // too), and the refusal aborts the transaction.
      if (!this.makeRoom(nowMs)) {
        client.transaction.hasError = true;
        this.statOfEntry(command).rejectedCalls++;
        return this.errorReply(new CacheCommandError('out-of-memory'));
      }
      return this.queue(client, args);
    }
    if (this.pause !== null && this.pauseHolds(client, command, args)) return this.postpone(client);
    const isExec = command.spec.name === 'exec';
    const deniedOnOom = command.denyoom || subcommandHasFlag(command, args, 'denyoom') || (isExec && this.queuedCommandDeniedOnOom(client));
    if (deniedOnOom && !this.makeRoom(nowMs)) {
      this.statOfEntry(command).rejectedCalls++;
      const outOfMemory = new CacheCommandError('out-of-memory');
      return this.errorReply(isExec ? this.execRejected(client, outOfMemory) : outOfMemory);
    }
    return this.run(client, command, args, nowMs, true);
  }

  /** Redis's processCommand checks before running: unknown, arity, auth, subscriber context. */
  private rejection(client: CacheClient, command: CommandEntry | undefined, args: readonly Buffer[], nowMs: number): CacheCommandError | null {
    const shapeError = commandShapeError(command?.spec, args);
    if (shapeError !== null || command === undefined) return shapeError ?? new CacheCommandError('unknown-command', unknownCommandText(args));
    if (!client.authenticated && !command.noAuth) return new CacheCommandError('no-auth');
    if (client.protocolVersion === 2 && !command.subscriberAllowed && client.isSubscriber) {
      return new CacheCommandError('command-not-allowed-in-subscribe', fullNameOf(command, args));
    }
    if (!command.noAuth) {
      const denial = this.acl.check(client.user, args);
      if (denial !== null) {
        const object = denial.reason === 'command' ? denial.commandName : (args[denial.argIndex] as Buffer).toString('latin1');
        this.logAclDenial(client, denial.reason, object, client.userName, nowMs);
        return noPermissionError(denial);
      }
    }
    // Redis flags a monitor as a replica, and replicas may not read or write keys (processCommand).
    if (client.isMonitor && command.traits.touchesKeyspace(args)) return new CacheCommandError('message', "Replica can't interact with the keyspace");
    return null;
  }

  /**
   * rejectCommand on EXEC (execCommandAbort): the transaction, if any, is discarded, WATCHes end, and
   * the refusal comes back as EXECABORT, with or without MULTI. Redis's texts built by format carry no
   * `ERR` prefix there; its fixed ones (NOAUTH, NOPERM) keep theirs.
   */
  /** EXEC counts as denyoom when a queued command is (Redis's mstate.cmd_flags). */
  private queuedCommandDeniedOnOom(client: CacheClient): boolean {
    return (
      client.transaction?.commands.some((queued) => {
        const entry = this.commandOf(queued.args[0] as Buffer);
        return entry !== undefined && (entry.denyoom || subcommandHasFlag(entry, queued.args, 'denyoom'));
      }) ?? false
    );
  }

  private execRejected(client: CacheClient, rejection: CacheCommandError): CacheCommandError {
    client.transaction = null;
    this.unwatchAll(client);
    const cause = rejection.prefix === 'ERR' ? rejection.message : `${rejection.prefix} ${rejection.message}`;
    return new CacheCommandError('exec-rejected', cause);
  }

  private queue(client: CacheClient, args: readonly Buffer[]): RespValue {
    const transaction = client.transaction;
    assert(transaction !== null, 'queue() inside MULTI only');
    const bytes = args.reduce((sum, argument) => sum + argument.byteLength, 0);
    if (transaction.queuedBytes + bytes > transactionQueuedBytesMax) {
      transaction.hasError = true;
      return this.errorReply(new CacheCommandError('message', 'Transaction queue too large'));
    }
    transaction.queuedBytes += bytes;
    // Copies: the request's arguments are views that would keep the connection's whole input
    // buffer alive (and uncounted by the limit above) until EXEC.
    transaction.commands.push({ args: args.map((argument) => Buffer.from(argument)) });
    return { type: 'simple-string', value: 'QUEUED' };
  }

  /** Runs a command's handler; expected failures become error replies, counted per command. */
  private run(
    client: CacheClient,
    command: CommandEntry,
    args: readonly Buffer[],
    nowMs: number,
    blockingAllowed: boolean,
    reprocessing = false,
  ): CacheCommandResult | CacheMultiReply {
    const spec = command.spec;
    const context: CacheServerCommandContext = {
      keyspace: this.keyspace,
      session: client,
      nowMs,
      random: this.random,
      limits: this.commandLimits(),
      blockingAllowed,
      protocolVersion: client.protocolVersion,
      engine: this,
      client,
    };
    const stat = this.statOfEntry(command);
    // SLOWLOG reuses this measurement: a sampled-out fast command is not considered for it, unless
    // the threshold is 0 (log everything), which clocks every call.
    const slowlogThreshold = this.config.values['slowlog-log-slower-than'];
    const clocked = !stat.clockSampled || stat.calls === 0 || stat.unclockedCalls >= clockSampleInterval - 1 || slowlogThreshold === 0;
    if (!clocked) stat.unclockedCalls++;
    const startMicros = clocked ? this.monotonicMicros() : 0;
    let result: CacheCommandResult | CacheMultiReply;
    const changesBefore = this.pendingChanges.length;
    this.runningDepth++;
    try {
      result = (spec.handler as CacheServerCommandSpec['handler'])(context, args);
    } catch (error) {
      // Mapped here, once: a bug in one handler answers one error reply instead of killing the
      // process and every other client with it. What the handler changed before throwing stays (as
      // with a failed command in Redis, there is no rollback) and is published below.
      result = isCacheCommandError(error) ? this.errorReply(error) : this.internalErrorReply(error, spec.name);
    } finally {
      this.runningDepth--;
    }
    if (this.pendingChanges.length > changesBefore) this.publishPendingChanges(spec.name, args, changesBefore);
    if (client.tracking !== null && !client.tracking.bcast && command.traits.readOnly(args)) {
      this.tracking.rememberKeys(client, commandKeyIndexes(spec.name, args).map((index) => keyTextFromBytes(args[index] as Buffer)));
    }
    // A call that blocks is counted once, when its wait ends (Redis 7.2: call() skips blocked clients,
    // updateStatsOnUnblock or the re-run counts them).
    if (result.type !== 'block') stat.calls++;
    if (clocked) {
      const elapsedMicros = this.monotonicMicros() - startMicros;
      stat.micros += elapsedMicros * (stat.unclockedCalls + 1);
      stat.unclockedCalls = 0;
      // A command that blocked is logged when it is served (Redis: updateStatsOnUnblock).
      const durationMicros = Math.round(elapsedMicros);
      if (slowlogThreshold >= 0 && durationMicros >= slowlogThreshold && result.type !== 'block' && slowlogMayLog(command.traits, args)) {
        this.logSlowCommand(client, args, durationMicros, nowMs);
      }
      const latencyThresholdMs = this.config.values['latency-monitor-threshold'];
      if (latencyThresholdMs > 0) {
        const event = spec.flags.includes('fast') ? 'fast-command' : 'command';
        this.latencyMonitor.addSampleIfNeeded(event, Math.floor(durationMicros / 1000), latencyThresholdMs, Math.floor(nowMs / 1000));
      }
    }
    this.counters.commandsProcessed++;
    if (result.type === 'error') stat.failedCalls++;
    // After the command, as Redis's call(): EXEC's own line follows its commands', SELECT shows the
    // new database. A woken blocked command was shown when it first ran.
    if (this.monitors.size > 0 && !reprocessing && monitorShows(command.traits, args)) this.feedMonitors(client, args, nowMs);
    return result;
  }

  /** EXEC: runs the queued commands without blocking; null array when a WATCHed key changed. */
  exec(client: CacheClient, nowMs: number): RespValue {
    const transaction = client.transaction;
    if (transaction === null) throw new CacheCommandError('exec-without-multi');
    client.transaction = null;
    if (transaction.hasError) {
      this.unwatchAll(client);
      throw new CacheCommandError('exec-aborted');
    }
    const aborted = client.watchDirty || this.watchedKeyExpired(client, nowMs);
    this.unwatchAll(client);
    if (aborted) return respNullArray;
    const replies: RespValue[] = [];
    for (const command of transaction.commands) {
      const entry = this.commandOf(command.args[0] as Buffer);
      assert(entry !== undefined, 'queued commands were looked up when queued');
      const result = this.run(client, entry, command.args, nowMs, false);
      assert(!isCacheBlock(result as CacheCommandResult), 'commands do not block inside EXEC');
      if (result.type === 'multi-reply') replies.push(...result.replies);
      else replies.push(result as RespValue);
    }
    return { type: 'array', items: replies };
  }

  /**
   * Redis 7 aborts EXEC when a WATCHed key has expired since WATCH but is still stored
   * (isWatchedKeyExpired); one already expired when watched does not count.
   */
  private watchedKeyExpired(client: CacheClient, nowMs: number): boolean {
    for (const watched of client.watchedKeys.values()) {
      if (watched.expiredAtWatch) continue;
      if (isStoredButExpired(this.keyspace.database(watched.databaseIndex), watched.key, nowMs)) return true;
    }
    return false;
  }

  /**
   * A watched key was written or removed (touchWatchedKey): its watchers' EXEC will fail, except
   * where the key was already expired when watched and is now gone, which is no logical change.
   */
  private touchWatchedKey(watchers: ReadonlySet<CacheClient>, watchKey: string, database: CacheDatabase): void {
    for (const client of watchers) {
      const watched = client.watchedKeys.get(watchKey);
      if (watched?.expiredAtWatch === true && !database.has(watched.key)) watched.expiredAtWatch = false;
      else client.watchDirty = true;
    }
  }

  /**
   * FLUSHDB/FLUSHALL (replacedWith null) or SWAPDB emptied database `databaseIndex` of `emptied`
   * (touchAllWatchedKeysInDb): a watcher's EXEC fails only where its key's content changed. A key absent
   * before and after, one expired when watched and now gone or still expired, or an absent key replaced
   * by an expired one (which then counts as expired when watched) is no change.
   */
  private touchWatchedKeysOfReplaced(databaseIndex: number, emptied: CacheDatabase, replacedWith: CacheDatabase | null): void {
    const nowMs = this.keyspace.database(databaseIndex).commandTimeMs;
    for (const client of this.clients.values()) {
      for (const watched of client.watchedKeys.values()) {
        if (watched.databaseIndex !== databaseIndex) continue;
        const existedInEmptied = emptied.has(watched.key);
        const existsInReplacement = replacedWith?.has(watched.key) ?? false;
        if (!existedInEmptied && !existsInReplacement) continue;
        if (watched.expiredAtWatch) {
          if (!existsInReplacement) {
            watched.expiredAtWatch = false;
            continue;
          }
          if (isStoredButExpired(replacedWith as CacheDatabase, watched.key, nowMs)) continue;
        } else if (!existedInEmptied && isStoredButExpired(replacedWith as CacheDatabase, watched.key, nowMs)) {
          watched.expiredAtWatch = true;
          continue;
        }
        client.watchDirty = true;
      }
    }
  }

  watch(client: CacheClient, key: KeyText, nowMs: number): void {
    const watchKey = watchKeyOf(client.databaseIndex, key);
    if (client.watchedKeys.has(watchKey)) return;
    const expiredAtWatch = isStoredButExpired(this.keyspace.database(client.databaseIndex), key, nowMs);
    client.watchedKeys.set(watchKey, { databaseIndex: client.databaseIndex, key, expiredAtWatch });
    let watchers = this.watchersByKey.get(watchKey);
    if (watchers === undefined) {
      watchers = new Set();
      this.watchersByKey.set(watchKey, watchers);
    }
    watchers.add(client);
  }

  unwatchAll(client: CacheClient): void {
    for (const watchKey of client.watchedKeys.keys()) {
      const watchers = this.watchersByKey.get(watchKey);
      watchers?.delete(client);
      if (watchers?.size === 0) this.watchersByKey.delete(watchKey);
    }
    client.watchedKeys.clear();
    client.watchDirty = false;
  }

  subscribeChannel(client: CacheClient, channel: string): void {
    if (this.pubsub.subscribe(channel, client)) client.channels.add(channel);
  }

  unsubscribeChannel(client: CacheClient, channel: string): void {
    if (this.pubsub.unsubscribe(channel, client)) client.channels.delete(channel);
  }

  subscribePattern(client: CacheClient, pattern: string): void {
    if (this.pubsub.psubscribe(pattern, client)) client.patterns.add(pattern);
  }

  unsubscribePattern(client: CacheClient, pattern: string): void {
    if (this.pubsub.punsubscribe(pattern, client)) client.patterns.delete(pattern);
  }

  subscribeShardChannel(client: CacheClient, channel: string): void {
    if (this.pubsub.ssubscribe(channel, client)) client.shardChannels.add(channel);
  }

  unsubscribeShardChannel(client: CacheClient, channel: string): void {
    if (this.pubsub.sunsubscribe(channel, client)) client.shardChannels.delete(channel);
  }

  /** SPUBLISH: an `smessage` push to each shard-channel subscriber; returns how many received it. */
  publishShard(channel: string, message: Buffer): number {
    const recipients = this.pubsub.shardRecipients(channel);
    const channelBytes = Buffer.from(channel, 'latin1');
    for (const client of recipients) {
      this.sendPush(client, { type: 'push', items: [respBulkString('smessage'), respBulkString(channelBytes), respBulkString(message)] });
    }
    return recipients.length;
  }

  /** PUBLISH: pushes the message to every subscriber; returns how many received it. */
  publish(channel: string, message: Buffer): number {
    const { direct, byPattern } = this.pubsub.recipients(channel);
    const channelBytes = Buffer.from(channel, 'latin1');
    for (const client of direct) {
      this.sendPush(client, { type: 'push', items: [respBulkString('message'), respBulkString(channelBytes), respBulkString(message)] });
    }
    for (const [pattern, client] of byPattern) {
      this.sendPush(client, {
        type: 'push',
        items: [respBulkString('pmessage'), respBulkString(Buffer.from(pattern, 'latin1')), respBulkString(channelBytes), respBulkString(message)],
      });
    }
    return direct.length + byPattern.length;
  }

  /** A key change while notifications are on: expiry and eviction now, command changes after the command. */
  private recordChange(databaseIndex: number, key: KeyText, change: CacheKeyChange): void {
    if (change === 'expired' || change === 'evicted') this.publishKeyEvents(databaseIndex, key, keyEventsOf('', [], key, change));
    else if (this.runningDepth > 0) this.pendingChanges.push({ databaseIndex, key, change });
  }

  /** Publishes the changes the command made (those recorded since `fromIndex`; EXEC's inner commands publish their own). */
  private publishPendingChanges(command: string, args: readonly Buffer[], fromIndex: number): void {
    const changes = this.pendingChanges.splice(fromIndex);
    for (const { databaseIndex, key, change, event } of changes) {
      this.publishKeyEvents(databaseIndex, key, event === undefined ? keyEventsOf(command, args, key, change) : [event]);
    }
  }

  /** Publishes to `__keyspace@<db>__:<key>` (K) and `__keyevent@<db>__:<event>` (E), per class asked for. */
  private publishKeyEvents(databaseIndex: number, key: KeyText, events: readonly CacheKeyEvent[]): void {
    const flags = this.config.notifyFlags;
    for (const [eventClass, event] of events) {
      if (!flags.classes.has(eventClass)) continue;
      if (flags.keyspace) this.publish(`__keyspace@${databaseIndex}__:${key}`, Buffer.from(event, 'latin1'));
      if (flags.keyevent) this.publish(`__keyevent@${databaseIndex}__:${event}`, Buffer.from(key, 'latin1'));
    }
  }

  /** MONITOR: from now on the client receives a line per command run (replicationFeedMonitors). */
  startMonitoring(client: CacheClient): void {
    client.isMonitor = true;
    this.monitors.add(client);
  }

  /** RESET and disconnection end monitoring. */
  stopMonitoring(client: CacheClient): void {
    client.isMonitor = false;
    this.monitors.delete(client);
  }

  /**
   * One line to every monitor (the one running the command gets it after its reply). Output goes
   * through the sinks, so the output-buffer limits bound a monitor that does not read. The line is
   * built once for all monitors, and only when one can take it: a monitor the line would push past
   * the pub/sub hard limit is disconnected first, as Redis would disconnect it once the line was
   * queued, without encoding it (a large value made one copy per monitor, and a line past a JS
   * string's length threw in the writer's command).
   */
  private feedMonitors(client: CacheClient, args: readonly Buffer[], nowMs: number): void {
    const hardBytes = this.config.pubsubOutputLimit.hardBytes;
    const room = (monitor: CacheClient): number => (hardBytes > 0 ? hardBytes - monitor.sink.pendingOutputBytes - monitorLineFramingBytes : maxMonitorLineBytes);
    let maxBytes = 0;
    for (const monitor of this.monitors) maxBytes = Math.max(maxBytes, room(monitor));
    const line = monitorLine(
      {
        unixMicros: this.wallClockMicros === null ? nowMs * 1000 : this.wallClockMicros(),
        databaseIndex: client.databaseIndex,
        address: client.address,
        args: redactedArguments(args),
      },
      maxBytes,
    );
    for (const monitor of [...this.monitors]) {
      if (line === null || line.length > room(monitor)) this.kill(monitor);
      else this.sendPush(monitor, { type: 'simple-string', value: line });
    }
  }

  /** LATENCY: an event that began at `startMicros` on the monotonic clock and ends now. */
  private addLatencySample(event: string, startMicros: number, nowMs: number): void {
    const thresholdMs = this.config.values['latency-monitor-threshold'];
    if (thresholdMs === 0) return;
    this.latencyMonitor.addSampleIfNeeded(event, Math.floor((this.monotonicMicros() - startMicros) / 1000), thresholdMs, Math.floor(nowMs / 1000));
  }

  private logSlowCommand(client: CacheClient, args: readonly Buffer[], durationMicros: number, nowMs: number): void {
    const entry = {
      unixSeconds: Math.floor(nowMs / 1000),
      durationMicros,
      args: slowlogArguments(redactedArguments(args)),
      clientAddress: client.address,
      clientName: client.name,
    };
    this.slowlog.push(entry, this.config.values['slowlog-max-len']);
  }

  /**
   * CLIENT KILL, QUIT, the output-buffer limits: the connection closes, and the client leaves the
   * server at once (CLIENT LIST, connected_clients, tracking redirects, pub/sub), as Redis frees it,
   * though its socket may take a while to close. The runtime's later {@link disconnect} is then a no-op.
   */
  kill(client: CacheClient): void {
    if (client.closing) return;
    client.closing = true;
    client.sink.close();
    this.disconnect(client);
  }

  get blockedClientCount(): number {
    return this.blockedClients.size;
  }

  /**
   * The periodic work of Redis's serverCron and beforeSleep: blocked-client timeouts, a bounded
   * active-expiry cycle, idle-client timeouts and the pub/sub soft output limit.
   */
  tick(nowMs: number): void {
    for (const client of [...this.blockedClients]) {
      const blocked = client.blocked;
      if (blocked === null || blocked.block.timeoutAtMs === null || blocked.block.timeoutAtMs > nowMs) continue;
      this.unblock(client);
      this.countEndOfWait(blocked.args, blocked.block.timeoutReply);
      this.deliver(client, blocked.block.timeoutReply);
      client.sink.resume();
    }
    if (this.pause !== null && nowMs >= this.pause.untilMs) this.unpauseClients();
    if (this.pause === null && this.postponedClients.length > 0) this.releasePostponed(nowMs);
    this.keyspace.setCommandTime(nowMs);
    this.usedMemoryPeak = Math.max(this.usedMemoryPeak, this.keyspace.usedMemoryBytes);
    // Redis does not expire keys while clients are paused (a replica would see a write).
    if (this.activeExpireEnabled && this.pause === null) {
      const startMicros = this.monotonicMicros();
      this.keyspace.activeExpireCycle({ nowMs, sampleCountMax: 20, sampleCountBudget: 2000, stalePercentMax: 10 });
      this.addLatencySample('expire-cycle', startMicros, nowMs);
    }
    this.afterTrackingWork();
    const idleTimeoutMs = this.config.values.timeout * 1000;
    const pubsubLimit = this.config.pubsubOutputLimit;
    for (const client of this.clients.values()) {
      if (idleTimeoutMs > 0 && client.blocked === null && !client.isSubscriber && nowMs - client.lastInteractionMs > idleTimeoutMs) this.kill(client);
      if ((client.isSubscriber || client.isMonitor) && pubsubLimit.softBytes > 0) this.checkSoftOutputLimit(client, pubsubLimit, nowMs);
    }
    this.serveReadyKeys(nowMs);
  }

  private readonly softLimitSince = new WeakMap<CacheClient, number>();

  private checkSoftOutputLimit(client: CacheClient, limit: { softBytes: number; softSeconds: number }, nowMs: number): void {
    if (client.sink.pendingOutputBytes <= limit.softBytes) {
      this.softLimitSince.delete(client);
      return;
    }
    const since = this.softLimitSince.get(client);
    if (since === undefined) this.softLimitSince.set(client, nowMs);
    else if (nowMs - since >= limit.softSeconds * 1000) this.kill(client);
  }

  /** Sends a result honouring CLIENT REPLY. */
  private deliver(client: CacheClient, result: RespValue | CacheMultiReply): void {
    if (client.replyMode === 'on') {
      if (result.type === 'multi-reply') for (const reply of result.replies) client.sink.send(reply);
      else client.sink.send(result);
      return;
    }
    if (client.replyMode === 'skip-next') client.replyMode = 'skip';
    else if (client.replyMode === 'skip') client.replyMode = 'on';
    // Pub/sub (un)subscribe confirmations are pushes, not replies: CLIENT REPLY OFF or SKIP does not
    // hold them back, in either protocol (Redis sets CLIENT_PUSHING around them).
    for (const reply of result.type === 'multi-reply' ? result.replies : [result]) if (reply.type === 'push') client.sink.send(reply);
  }

  private park(client: CacheClient, args: readonly Buffer[], block: Extract<CacheCommandResult, { type: 'block' }>): void {
    // Copied, as queue() copies MULTI's: the request's arguments are views into the connection's
    // chunk, which must be free to change (and be collected) while the client waits.
    client.blocked = { args: args.map((argument) => Buffer.from(argument)), block, databaseIndex: client.databaseIndex };
    this.blockedClients.add(client);
    for (const key of block.keys) {
      const watchKey = watchKeyOf(client.databaseIndex, key);
      const waiting = this.blockedByKey.get(watchKey);
      if (waiting === undefined) this.blockedByKey.set(watchKey, [client]);
      else waiting.push(client);
    }
  }

  /** CLIENT UNBLOCK: ends a client's wait with `reply` (its timeout reply, or an UNBLOCKED error). */
  unblockWith(client: CacheClient, reply: RespValue): void {
    const blocked = client.blocked;
    if (blocked === null) return;
    this.unblock(client);
    if (!this.postponedClients.includes(client)) this.countEndOfWait(blocked.args, reply);
    this.deliver(client, reply);
    client.sink.resume();
  }

  /** A blocked call ended without running again (timeout, CLIENT UNBLOCK, a commit): its one count. */
  private countEndOfWait(args: readonly Buffer[], reply: RespValue): void {
    const entry = this.commandOf(args[0] as Buffer);
    if (entry === undefined) return;
    const stat = this.statOfEntry(entry);
    stat.calls++;
    if (reply.type === 'error') stat.failedCalls++;
  }

  /** ACL LOG's entries. */
  readonly aclLog = new CacheAclLog();

  /** Records a denied command or a failed AUTH / HELLO AUTH in ACL LOG (context multi while queueing). */
  logAclDenial(client: CacheClient, reason: CacheAclLogReason, object: string, username: string, nowMs: number): void {
    const record = { reason, context: client.transaction === null ? 'toplevel' : 'multi', object, username, clientInfo: clientInfoLine(client, nowMs) } as const;
    this.aclLog.add(record, nowMs, this.config.values['acllog-max-len']);
  }

  /**
   * Where durable settings go: with a log (the cache's Raft group), CONFIG SET parks the client,
   * the change is proposed, and the reply comes when it is committed and applied
   * ({@link CacheSettingsMachine} calls {@link applyConfig}; the runtime then calls
   * {@link unblockWith}). Without one (tests, embedded use) changes apply at once and last until exit.
   */
  settingsLog: { propose(client: CacheClient, command: CacheSettingsCommand): void } | null = null;

  /** CONFIG SET from a client: validated now, applied now or after the settings log commits it. */
  setConfig(client: CacheClient, pairs: readonly [string, string][], blockingAllowed: boolean): CacheCommandResult {
    this.config.validate(pairs);
    return this.persistSettings(client, { type: 'config-set', pairs }, blockingAllowed);
  }

  /**
   * A durable settings change (CONFIG SET, ACL SETUSER/DELUSER), already validated: applied at once
   * without a settings log; with one, the client waits for the commit (a block without keys or
   * deadline, ended by {@link unblockWith} with the state machine's result).
   */
  persistSettings(client: CacheClient, command: CacheSettingsCommand, blockingAllowed: boolean): CacheCommandResult {
    validateCacheSettingsCommand(command);
    if (this.settingsLog === null) return this.applySettings(command);
    if (!blockingAllowed) {
      throw new CacheCommandError('message', 'CONFIG SET and ACL changes cannot run inside MULTI here: they are persisted through the Raft log first');
    }
    this.settingsLog.propose(client, command);
    return { type: 'block', keys: [], timeoutAtMs: null, timeoutReply: respOk };
  }

  /** Applies a committed settings command; its reply (OK, a count, or the error) goes to the proposer. */
  applySettings(command: CacheSettingsCommand): RespValue {
    switch (command.type) {
      case 'config-set':
        this.applyConfig(command.pairs);
        return respOk;
      case 'acl-setuser':
        this.acl.setUser(command.name, command.rules);
        this.dropClientsWithoutAccess(command.name);
        return respOk;
      case 'acl-deluser': {
        const deleted = this.acl.deleteUsers(command.names);
        for (const name of deleted) this.dropClientsWithoutAccess(name);
        return respInteger(deleted.length);
      }
    }
  }

  /** A snapshot replaced the users: connections move to their user's new record (or are dropped). */
  replaceAcl(store: CacheAclStore): void {
    const names = new Set([...this.clients.values()].map((client) => client.userName));
    this.acl = store;
    for (const name of names) this.dropClientsWithoutAccess(name);
  }

  /** Redis disconnects clients of a deleted or disabled user, and subscribers that lost a channel. */
  private dropClientsWithoutAccess(userName: string): void {
    const user = this.acl.user(userName);
    for (const client of this.clients.values()) {
      if (client.userName !== userName) continue;
      if (user === undefined || !user.enabled) {
        this.kill(client);
        continue;
      }
      client.user = user;
      const lostChannel =
        [...client.channels].some((channel) => !aclChannelAllowed(user, Buffer.from(channel, 'latin1'), false)) ||
        [...client.patterns].some((pattern) => !aclChannelAllowed(user, Buffer.from(pattern, 'latin1'), true)) ||
        [...client.shardChannels].some((channel) => !aclChannelAllowed(user, Buffer.from(channel, 'latin1'), false));
      if (lostChannel) this.kill(client);
    }
  }

  /** Applies CONFIG SET pairs (the settings state machine and the log-less path call this). */
  applyConfig(pairs: readonly (readonly [string, string])[]): void {
    const changed = this.config.set(pairs.map(([name, value]) => [name, value]));
    if (changed.includes('requirepass')) this.acl.setRequirePass(this.config.values.requirepass);
    Object.assign(cacheEncodingThresholds, encodingThresholdsOf(this.config.values));
    // A lower maxmemory (or a policy that may now evict) starts evicting at once, as Redis's
    // updateMaxmemory does (startEvictionTimeProc), not only at the next write.
    if (changed.includes('maxmemory') || changed.includes('maxmemory-policy')) this.makeRoom(this.keyspace.database(0).commandTimeMs);
    for (const listener of this.configListeners) listener(changed);
  }

  private readonly configListeners: ((changed: readonly string[]) => void)[] = [];

  /** The runtime persists and applies config changes (bind, limits) through this. */
  onConfigChanged(listener: (changed: readonly string[]) => void): void {
    this.configListeners.push(listener);
  }

  /** SWAPDB; clients blocked on keys of either database get a chance to be served. */
  swapDatabases(first: number, second: number): void {
    this.keyspace.swapDatabases(first, second);
    for (const watchKey of this.blockedByKey.keys()) {
      if (watchKey.startsWith(`${first}:`) || watchKey.startsWith(`${second}:`)) this.readyKeys.add(watchKey);
    }
  }

  /** DEBUG SET-ACTIVE-EXPIRE: off leaves expiry to lookups (Redis tests use it). */
  activeExpireEnabled = true;

  private unblock(client: CacheClient): void {
    const blocked = client.blocked;
    if (blocked === null) return;
    client.blocked = null;
    this.blockedClients.delete(client);
    for (const key of blocked.block.keys) {
      const watchKey = watchKeyOf(blocked.databaseIndex, key);
      const waiting = this.blockedByKey.get(watchKey);
      if (waiting === undefined) continue;
      const index = waiting.indexOf(client);
      if (index >= 0) waiting.splice(index, 1);
      if (waiting.length === 0) this.blockedByKey.delete(watchKey);
    }
  }

  /**
   * Serves clients blocked on keys that changed, oldest first (Redis's handleClientsBlockedOnKeys):
   * each runs its command again; one that still finds nothing keeps its original deadline.
   */
  private serveReadyKeys(nowMs: number): void {
    for (let round = 0; this.readyKeys.size > 0 && round < blockedServeRoundsMax; round++) {
      const ready = [...this.readyKeys];
      this.readyKeys.clear();
      for (const watchKey of ready) {
        for (const client of [...(this.blockedByKey.get(watchKey) ?? [])]) {
          const blocked = client.blocked;
          if (blocked === null) continue;
          const waitsForType = blocked.block.waitsForType;
          if (waitsForType !== undefined && blocked.block.servedOnAnyChange !== true && this.typeOfWatched(watchKey, nowMs) !== waitsForType) continue;
          const entry = this.commandOf(blocked.args[0] as Buffer);
          assert(entry !== undefined, 'a blocked command exists');
          const result = this.run(client, entry, blocked.args, nowMs, true, true);
          if (result.type === 'block') continue;
          this.unblock(client);
          this.deliver(client, result);
          client.sink.resume();
        }
      }
    }
  }

  /** The type of the value at a `watchKeyOf` key now, undefined when there is none. */
  private typeOfWatched(watchKey: string, nowMs: number): CacheValue['type'] | undefined {
    const separator = watchKey.indexOf(':');
    const database = this.keyspace.database(Number(watchKey.slice(0, separator)));
    return database.peek(watchKey.slice(separator + 1) as KeyText, nowMs)?.value.type;
  }

  /** maxmemory: evicts per the policy until used memory fits; false when it cannot (OOM). */
  private makeRoom(nowMs: number): boolean {
    const maxmemory = this.config.values.maxmemory;
    if (maxmemory === 0 || this.keyspace.usedMemoryBytes <= maxmemory) return true;
    const startMicros = this.monotonicMicros();
    const result = evictUntilWithinLimit({
      keyspace: this.keyspace,
      limitBytes: maxmemory,
      policy: this.config.values['maxmemory-policy'],
      sampleCount: this.config.values['maxmemory-samples'],
      random: this.random,
      nowMs,
    });
    this.counters.evictedKeys += result.evictedCount;
    this.addLatencySample('eviction-cycle', startMicros, nowMs);
    return result.withinLimit;
  }

  private errorReply(error: CacheCommandError): RespValue {
    this.counters.totalErrorReplies++;
    this.errorStats.set(error.prefix, (this.errorStats.get(error.prefix) ?? 0) + 1);
    return error.toReply();
  }

  /** The limits handlers see, rebuilt only when CONFIG SET changed `proto-max-bulk-len`. */
  private commandLimits(): CacheCommandLimits {
    const stringBytesMax = this.config.values['proto-max-bulk-len'];
    if (this.limits.stringBytesMax !== stringBytesMax) this.limits = { stringBytesMax };
    return this.limits;
  }

  private limits: CacheCommandLimits = { stringBytesMax: -1 };

  private internalErrorReply(error: unknown, commandName: string): RespValue {
    this.counters.internalErrors++;
    this.onInternalError(error, commandName);
    return this.errorReply(new CacheCommandError('internal-error', commandName));
  }

  private statOfEntry(entry: CommandEntry): CommandStat {
    if (entry.statGeneration === this.statGeneration && entry.stat !== null) return entry.stat;
    entry.stat = this.statOf(entry.spec);
    entry.statGeneration = this.statGeneration;
    return entry.stat;
  }

  /** Moves on with every RESETSTAT, so that {@link CommandEntry.stat} is looked up again. */
  private statGeneration = 0;

  private statOf(spec: { readonly name: string; readonly flags: readonly string[] }): CommandStat {
    let stat = this.commandStats.get(spec.name);
    if (stat === undefined) {
      stat = { calls: 0, micros: 0, rejectedCalls: 0, failedCalls: 0, clockSampled: isClockSampled(spec), unclockedCalls: 0 };
      this.commandStats.set(spec.name, stat);
    }
    return stat;
  }

  resetStats(): void {
    this.commandStats.clear();
    this.statGeneration++;
    this.errorStats.clear();
    this.counters.commandsProcessed = 0;
    this.counters.connectionsReceived = 0;
    this.counters.evictedKeys = 0;
    this.counters.rejectedConnections = 0;
    this.counters.totalErrorReplies = 0;
    this.counters.internalErrors = 0;
  }
}

/** Redis's `cmd->fullname`: `container|subcommand` for a container command (CLIENT LIST's cmd, rejection texts). */
function fullNameOf(command: CommandEntry, args: readonly Buffer[]): string {
  const name = command.spec.name;
  return command.hasSubcommands && args.length >= 2 ? `${name}|${(args[1] as Buffer).toString('latin1').toLowerCase()}` : name;
}

/** Commands that write, or that Redis propagates though they do not write (CMD_MAY_REPLICATE), wait under CLIENT PAUSE WRITE. */
const mayReplicateCommands = new Set(['publish', 'spublish', 'pfcount', 'eval', 'evalsha', 'fcall']);

function pausedAsWrite(command: CommandEntry, args: readonly Buffer[]): boolean {
  return command.spec.flags.includes('write') || mayReplicateCommands.has(command.spec.name) || subcommandHasFlag(command, args, 'write');
}

/**
 * Whether a container's subcommand has `flag` in Redis's command table (XGROUP CREATE is `write
 * denyoom`, XGROUP itself has no flags), so OOM and CLIENT PAUSE WRITE judge the subcommand.
 */
function subcommandHasFlag(command: CommandEntry, args: readonly Buffer[], flag: string): boolean {
  if (!command.hasSubcommands || args.length < 2) return false;
  return (commandMetadataForArgs(args)?.flags as readonly string[] | undefined)?.includes(flag) ?? false;
}
