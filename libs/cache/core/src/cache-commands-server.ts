/**
 * Connection and server commands: the ones that need the engine or the calling client (HELLO, AUTH,
 * CLIENT, MULTI/EXEC/WATCH, pub/sub, INFO, CONFIG, RESET, QUIT, TIME, SWAPDB, MOVE, OBJECT, DEBUG,
 * and scripting management with nothing loaded). Semantics and texts follow Redis 7 (networking.c,
 * multi.c, pubsub.c, config.c, server.c, object.c, debug.c, eval.c, functions.c).
 */
import { CacheAclStore } from './cache-acl.js';
import { CacheCommandError } from './cache-command-errors.js';
import { type CacheServerCommandContext, type CacheServerCommandSpec, type CacheMultiReply } from './cache-engine.js';
import { type CacheClient } from './cache-client.js';
import { arityAllows, type CacheCommandResult } from './cache-command-context.js';
import { argumentAt, keyAt, requireInt64 } from './cache-commands-string.js';
import { cacheDatabaseCount, idleMsOf, keyTextFromBytes, lfuCounterOf, type CacheValue } from './cache-keyspace.js';
import { parseMemoryValue } from './cache-config.js';
import { datasetDigest, valueDigest } from './cache-digest.js';
import { formatCacheInfo } from './cache-info.js';
import {
  cacheAclCategories,
  commandDocsReply,
  commandHasKeys,
  commandInfoReply,
  commandKeyIndexes,
  commandKeyReferences,
  commandListNames,
  commandMetadata,
  isAclCategory,
  type CacheCommandListFilter,
} from './cache-command-metadata.js';
import { parseFloat64, parseInt64 } from './cache-number.js';
import { type CacheStringValue } from './cache-string-value.js';
import { clientCaching, clientGetRedirect, clientTracking, clientTrackingInfo } from './cache-commands-tracking.js';
import {
  respBulkString,
  respBulkStringArray,
  respInteger,
  respNullBulk,
  respOk,
  type RespValue,
} from './resp-value.js';

type Args = readonly Buffer[];
type Handler = CacheServerCommandSpec['handler'];

/** The version HELLO and INFO report: the Redis release whose semantics this server follows. */
export const cacheServerVersion = '7.2.4';

function text(argument: Buffer): string {
  return argument.toString('latin1');
}

function lower(argument: Buffer | undefined): string {
  return argument === undefined ? '' : argument.toString('latin1').toLowerCase();
}

function subcommandArity(command: string, subcommand: string): CacheCommandError {
  return new CacheCommandError('wrong-arity', `${command}|${subcommand}`);
}

function unknownSubcommand(command: string, args: Args): CacheCommandError {
  return new CacheCommandError('message', `unknown subcommand '${text(argumentAt(args, 1)).slice(0, 128)}'. Try ${command.toUpperCase()} HELP.`);
}

function simple(value: string): RespValue {
  return { type: 'simple-string', value };
}

// ---------------------------------------------------------------------------------------------
// Connection: PING, HELLO, AUTH, QUIT, RESET, CLIENT

const ping: Handler = (context, args) => {
  if (args.length > 2) throw new CacheCommandError('wrong-arity', 'ping');
  // In RESP2 a subscriber gets ["pong", message] (a reply the subscriber's reader can parse).
  if (context.client.isSubscriber && context.client.protocolVersion === 2) {
    return { type: 'array', items: [respBulkString('pong'), respBulkString(args[1] ?? '')] };
  }
  return args.length === 2 ? respBulkString(args[1] as Buffer) : simple('PONG');
};

/** AUTH and HELLO AUTH; a failure is logged in ACL LOG with the command word (AUTH, HELLO) as object. */
function authenticate(context: CacheServerCommandContext, commandWord: Buffer, user: Buffer, password: Buffer): void {
  const found = context.engine.acl.authenticate(user, password);
  if (found === null) {
    context.engine.logAclDenial(context.client, 'auth', text(commandWord), text(user), context.nowMs);
    throw new CacheCommandError('wrong-pass');
  }
  context.client.user = found;
  context.client.userName = found.name;
  context.client.authenticated = true;
}

const auth: Handler = (context, args) => {
  if (args.length > 3) throw new CacheCommandError('syntax');
  if (args.length === 2) {
    if (context.engine.acl.defaultUser.nopass) throw new CacheCommandError('auth-without-password');
    authenticate(context, args[0] as Buffer, Buffer.from('default'), args[1] as Buffer);
  } else {
    authenticate(context, args[0] as Buffer, args[1] as Buffer, args[2] as Buffer);
  }
  return respOk;
};

const hello: Handler = (context, args) => {
  const client = context.client;
  let protocolVersion = client.protocolVersion;
  let index = 1;
  if (args.length >= 2) {
    const version = parseInt64(args[1] as Buffer);
    if (version === null) throw new CacheCommandError('message', 'Protocol version is not an integer or out of range');
    if (version !== 2n && version !== 3n) throw new CacheCommandError('no-proto');
    protocolVersion = Number(version) as 2 | 3;
    index = 2;
  }
  let name: string | null = null;
  for (; index < args.length; index++) {
    const option = lower(args[index]);
    if (option === 'auth' && index + 2 < args.length) {
      authenticate(context, args[0] as Buffer, args[index + 1] as Buffer, args[index + 2] as Buffer);
      index += 2;
    } else if (option === 'setname' && index + 1 < args.length) {
      name = text(args[index + 1] as Buffer);
      validateClientName(name);
      index += 1;
    } else {
      throw new CacheCommandError('message', `Syntax error in HELLO option '${text(args[index] as Buffer)}'`);
    }
  }
  if (!client.authenticated) {
    throw new CacheCommandError(
      'message',
      'HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
    );
  }
  if (name !== null) client.name = name;
  client.protocolVersion = protocolVersion;
  return {
    type: 'map',
    entries: [
      [respBulkString('server'), respBulkString('redis')],
      [respBulkString('version'), respBulkString(cacheServerVersion)],
      [respBulkString('proto'), respInteger(protocolVersion)],
      [respBulkString('id'), respInteger(client.id)],
      [respBulkString('mode'), respBulkString('standalone')],
      [respBulkString('role'), respBulkString('master')],
      [respBulkString('modules'), { type: 'array', items: [] }],
    ],
  };
};

const quit: Handler = (context) => {
  context.client.closeAfterReply = true;
  return respOk;
};

const reset: Handler = (context) => {
  const { engine, client } = context;
  client.transaction = null;
  engine.unwatchAll(client);
  for (const channel of [...client.channels]) engine.unsubscribeChannel(client, channel);
  for (const pattern of [...client.patterns]) engine.unsubscribePattern(client, pattern);
  for (const channel of [...client.shardChannels]) engine.unsubscribeShardChannel(client, channel);
  client.databaseIndex = 0;
  client.protocolVersion = 2;
  client.replyMode = 'on';
  client.noEvict = false;
  client.noTouch = false;
  client.name = '';
  client.user = engine.acl.defaultUser;
  client.userName = 'default';
  client.authenticated = engine.acl.newConnectionAuthenticated();
  engine.stopMonitoring(client);
  engine.tracking.disable(client);
  return simple('RESET');
};

function validateClientName(name: string): void {
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (code < 33 || code > 126) throw new CacheCommandError('message', 'Client names cannot contain spaces, newlines or special characters.');
  }
}

function clientFlags(client: CacheClient): string {
  let flags = '';
  if (client.isMonitor) flags += 'O';
  if (client.isSubscriber) flags += 'P';
  if (client.transaction !== null) flags += 'x';
  if (client.blocked !== null) flags += 'b';
  if (client.tracking !== null) flags += 't';
  if (client.tracking?.brokenRedirect === true) flags += 'R';
  if (client.tracking?.bcast === true) flags += 'B';
  if (client.watchDirty) flags += 'd';
  if (client.noEvict) flags += 'e';
  if (client.noTouch) flags += 'T';
  return flags === '' ? 'N' : flags;
}

/** Bytes of `args` as a RESP multibulk request (what Redis's query buffer holds for it). */
function requestBytes(args: readonly Buffer[]): number {
  let bytes = 3 + String(args.length).length;
  for (const argument of args) bytes += 5 + String(argument.length).length + argument.length;
  return bytes;
}

/**
 * One CLIENT LIST / CLIENT INFO line, every field of Redis 7's in its order (ACL LOG's client-info
 * too). The connection's buffers live in the runtime: qbuf is the request being executed (what
 * Redis's query buffer holds while it runs one request), argv-mem its argument bytes, fd -1 (no file
 * descriptor here), rbs/rbp/obl/oll 0 (output is counted in omem).
 */
export function clientInfoLine(client: CacheClient, nowMs: number): string {
  const request = client.currentRequest;
  const queryBytes = request === null ? 0 : requestBytes(request);
  const argumentBytes = request === null ? 0 : request.reduce((sum, argument) => sum + argument.length, 0);
  const multiBytes = client.transaction?.queuedBytes ?? 0;
  const outputBytes = client.sink.pendingOutputBytes;
  const fields: [string, string | number][] = [
    ['id', client.id],
    ['addr', client.address],
    ['laddr', client.localAddress],
    ['fd', -1],
    ['name', client.name],
    ['age', Math.floor((nowMs - client.createdAtMs) / 1000)],
    ['idle', Math.floor((nowMs - client.lastInteractionMs) / 1000)],
    ['flags', clientFlags(client)],
    ['db', client.databaseIndex],
    ['sub', client.channels.size],
    ['psub', client.patterns.size],
    ['ssub', client.shardChannels.size],
    ['multi', client.transaction === null ? -1 : client.transaction.commands.length],
    ['qbuf', queryBytes],
    ['qbuf-free', 0],
    ['argv-mem', argumentBytes],
    ['multi-mem', multiBytes],
    ['rbs', 0],
    ['rbp', 0],
    ['obl', 0],
    ['oll', 0],
    ['omem', outputBytes],
    ['tot-mem', queryBytes + argumentBytes + multiBytes + outputBytes],
    ['events', outputBytes > 0 ? 'rw' : 'r'],
    ['cmd', client.lastCommandName],
    ['user', client.userName],
    ['redir', client.tracking?.redirectId ?? -1],
    ['resp', client.protocolVersion],
    ['lib-name', client.libraryName],
    ['lib-ver', client.libraryVersion],
  ];
  return fields.map(([name, value]) => `${name}=${value}`).join(' ');
}

const clientHelp = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are: ID <client-id>, ADDR <ip:port>, LADDR <ip:port>, USER <username>, SKIPME (YES|NO).',
  'LIST [options ...]',
  '    Return information about client connections. Options: TYPE (NORMAL|PUBSUB), ID <client-id> [...].',
  'NO-EVICT (ON|OFF)',
  'NO-TOUCH (ON|OFF)',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'SETINFO <LIB-NAME|LIB-VER> <value>',
  '    Set client meta attributes.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'HELP',
  '    Print this help.',
];

function onOff(args: Args, name: string): boolean {
  if (args.length !== 3) throw subcommandArity('client', name);
  const value = lower(args[2]);
  if (value !== 'on' && value !== 'off') throw new CacheCommandError('syntax');
  return value === 'on';
}

const client: Handler = (context, args) => {
  const { engine, client: self } = context;
  const subcommand = lower(args[1]);
  switch (subcommand) {
    case 'id':
      if (args.length !== 2) throw subcommandArity('client', subcommand);
      return respInteger(self.id);
    case 'getname':
      if (args.length !== 2) throw subcommandArity('client', subcommand);
      return self.name === '' ? respNullBulk : respBulkString(Buffer.from(self.name, 'latin1'));
    case 'setname': {
      if (args.length !== 3) throw subcommandArity('client', subcommand);
      const name = text(args[2] as Buffer);
      validateClientName(name);
      self.name = name;
      return respOk;
    }
    case 'setinfo': {
      if (args.length !== 4) throw subcommandArity('client', subcommand);
      const attribute = lower(args[2]);
      const value = text(args[3] as Buffer);
      if (/[^\x21-\x7e]/.test(value)) throw new CacheCommandError('message', `${attribute} cannot contain spaces, newlines or special characters.`);
      if (attribute === 'lib-name') self.libraryName = value;
      else if (attribute === 'lib-ver') self.libraryVersion = value;
      else throw new CacheCommandError('message', `Unrecognized option '${text(args[2] as Buffer)}'`);
      return respOk;
    }
    case 'info':
      if (args.length !== 2) throw subcommandArity('client', subcommand);
      return { type: 'verbatim-string', format: 'txt', value: `${clientInfoLine(self, context.nowMs)}\n` };
    case 'list':
      return { type: 'verbatim-string', format: 'txt', value: clientList(context, args) };
    case 'kill':
      return clientKill(context, args);
    case 'reply': {
      if (args.length !== 3) throw subcommandArity('client', subcommand);
      const mode = lower(args[2]);
      if (mode === 'on') self.replyMode = 'on';
      else if (mode === 'off') self.replyMode = 'off';
      else if (mode === 'skip') self.replyMode = self.replyMode === 'off' ? 'off' : 'skip-next';
      else throw new CacheCommandError('syntax');
      return respOk;
    }
    case 'no-evict':
      self.noEvict = onOff(args, subcommand);
      return respOk;
    case 'no-touch':
      self.noTouch = onOff(args, subcommand);
      return respOk;
    case 'pause':
      return clientPause(context, args);
    case 'unpause':
      if (args.length !== 2) throw subcommandArity('client', subcommand);
      engine.unpauseClients();
      return respOk;
    case 'unblock': {
      if (args.length !== 3 && args.length !== 4) throw subcommandArity('client', subcommand);
      const id = requireInt64(args[2] as Buffer);
      const mode = args.length === 4 ? lower(args[3]) : 'timeout';
      if (mode !== 'timeout' && mode !== 'error') throw new CacheCommandError('message', 'CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
      const target = engine.clients.get(Number(id));
      // A client held by CLIENT PAUSE is not blocked by its command: it cannot be unblocked.
      if (target === undefined || target.blocked === null || engine.isPostponed(target)) return respInteger(0);
      engine.unblockWith(
        target,
        mode === 'timeout' ? target.blocked.block.timeoutReply : { type: 'error', prefix: 'UNBLOCKED', message: 'client unblocked via CLIENT UNBLOCK' },
      );
      return respInteger(1);
    }
    case 'tracking':
      if (args.length < 3) throw subcommandArity('client', subcommand);
      return clientTracking(context, args);
    case 'caching':
      if (args.length !== 3) throw subcommandArity('client', subcommand);
      return clientCaching(context, args);
    case 'getredir':
      if (args.length !== 2) throw subcommandArity('client', subcommand);
      return clientGetRedirect(context);
    case 'trackinginfo':
      if (args.length !== 2) throw subcommandArity('client', subcommand);
      return clientTrackingInfo(context);
    case 'help':
      return { type: 'array', items: clientHelp.map(simple) };
    default:
      throw unknownSubcommand('client', args);
  }
};

/** CLIENT PAUSE timeout [WRITE|ALL] (clientPauseCommand): milliseconds, ALL by default. */
function clientPause(context: CacheServerCommandContext, args: Args): RespValue {
  if (args.length < 3) throw subcommandArity('client', 'pause');
  if (args.length > 4) throw new CacheCommandError('message', `unknown subcommand or wrong number of arguments for '${text(args[1] as Buffer)}'. Try CLIENT HELP.`);
  const timeoutMs = parseInt64(args[2] as Buffer);
  if (timeoutMs === null) throw new CacheCommandError('timeout-not-integer');
  if (timeoutMs < 0n) throw new CacheCommandError('timeout-negative');
  let writesOnly = false;
  if (args.length === 4) {
    const mode = lower(args[3]);
    if (mode !== 'write' && mode !== 'all') throw new CacheCommandError('message', 'CLIENT PAUSE mode must be WRITE or ALL');
    writesOnly = mode === 'write';
  }
  const untilMs = context.nowMs + (timeoutMs > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(timeoutMs));
  context.engine.pauseClients(untilMs, writesOnly);
  return respOk;
}

/** getClientTypeByName's names (this server has only normal and pub/sub clients; the rest match none). */
const clientTypes = ['normal', 'pubsub', 'master', 'replica', 'slave'];

function clientList(context: CacheServerCommandContext, args: Args): string {
  let type: string | null = null;
  let ids: Set<number> | null = null;
  for (let index = 2; index < args.length; index++) {
    const option = lower(args[index]);
    if (option === 'type' && index + 1 < args.length) {
      type = lower(args[++index]);
      if (!clientTypes.includes(type)) {
        throw new CacheCommandError('message', `Unknown client type '${text(args[index] as Buffer)}'`);
      }
    } else if (option === 'id' && index + 1 < args.length) {
      ids = new Set();
      for (index++; index < args.length; index++) {
        const id = parseInt64(args[index] as Buffer);
        if (id === null || id <= 0n) throw new CacheCommandError('message', 'Invalid client ID');
        ids.add(Number(id));
      }
    } else {
      throw new CacheCommandError('syntax');
    }
  }
  let output = '';
  for (const candidate of context.engine.clients.values()) {
    if (ids !== null && !ids.has(candidate.id)) continue;
    if (type === 'pubsub' && !candidate.isSubscriber) continue;
    if (type === 'normal' && candidate.isSubscriber) continue;
    if (type === 'master' || type === 'replica' || type === 'slave') continue;
    output += `${clientInfoLine(candidate, context.nowMs)}\n`;
  }
  return output;
}

function clientKill(context: CacheServerCommandContext, args: Args): RespValue {
  const { engine, client: self } = context;
  if (args.length < 3) throw subcommandArity('client', 'kill');
  if (args.length === 3) {
    const address = text(args[2] as Buffer);
    const target = [...engine.clients.values()].find((candidate) => candidate.address === address);
    if (target === undefined) throw new CacheCommandError('message', 'No such client');
    killClient(context, target);
    return respOk;
  }
  if (args.length < 4 || args.length % 2 !== 0) throw new CacheCommandError('syntax');
  const filters: ((candidate: CacheClient) => boolean)[] = [];
  let skipMe = true;
  for (let index = 2; index < args.length; index += 2) {
    const option = lower(args[index]);
    const value = text(args[index + 1] as Buffer);
    if (option === 'id') {
      const id = parseInt64(args[index + 1] as Buffer);
      if (id === null || id <= 0n) throw new CacheCommandError('message', 'client-id should be greater than 0');
      filters.push((candidate) => candidate.id === Number(id));
    } else if (option === 'addr') filters.push((candidate) => candidate.address === value);
    else if (option === 'laddr') filters.push((candidate) => candidate.localAddress === value);
    else if (option === 'user') {
      if (engine.acl.user(value) === undefined) throw new CacheCommandError('message', `No such user '${value}'`);
      filters.push((candidate) => candidate.userName === value);
    } else if (option === 'type') {
      const type = value.toLowerCase();
      if (!clientTypes.includes(type)) throw new CacheCommandError('message', `Unknown client type '${value}'`);
      filters.push((candidate) => (type === 'pubsub' ? candidate.isSubscriber : type === 'normal' ? !candidate.isSubscriber : false));
    } else if (option === 'skipme') {
      const choice = value.toLowerCase();
      if (choice !== 'yes' && choice !== 'no') throw new CacheCommandError('syntax');
      skipMe = choice === 'yes';
    } else throw new CacheCommandError('syntax');
  }
  let killed = 0;
  for (const candidate of [...engine.clients.values()]) {
    if (skipMe && candidate === self) continue;
    if (!filters.every((filter) => filter(candidate))) continue;
    killClient(context, candidate);
    killed++;
  }
  return respInteger(killed);
}

/** Killing yourself closes after this reply (Redis: CLIENT_CLOSE_AFTER_REPLY). */
function killClient(context: CacheServerCommandContext, target: CacheClient): void {
  if (target === context.client) target.closeAfterReply = true;
  else context.engine.kill(target);
}

// ---------------------------------------------------------------------------------------------
// Transactions

const multi: Handler = (context) => {
  if (context.client.transaction !== null) throw new CacheCommandError('multi-nested');
  context.client.transaction = { commands: [], queuedBytes: 0, hasError: false };
  return respOk;
};

const exec: Handler = (context) => context.engine.exec(context.client, context.nowMs);

const discard: Handler = (context) => {
  if (context.client.transaction === null) throw new CacheCommandError('discard-without-multi');
  context.client.transaction = null;
  context.engine.unwatchAll(context.client);
  return respOk;
};

const watch: Handler = (context, args) => {
  if (context.client.transaction !== null) throw new CacheCommandError('watch-inside-multi');
  for (let index = 1; index < args.length; index++) context.engine.watch(context.client, keyAt(args, index), context.nowMs);
  return respOk;
};

const unwatch: Handler = (context) => {
  context.engine.unwatchAll(context.client);
  return respOk;
};

// ---------------------------------------------------------------------------------------------
// Pub/sub

function subscriptionReply(kind: string, name: string | null, count: number): RespValue {
  return {
    type: 'push',
    items: [respBulkString(kind), name === null ? respNullBulk : respBulkString(Buffer.from(name, 'latin1')), respInteger(count)],
  };
}

function subscribeHandler(kind: 'subscribe' | 'psubscribe'): Handler {
  return (context, args): CacheMultiReply => {
    const { engine, client: self } = context;
    const replies: RespValue[] = [];
    for (let index = 1; index < args.length; index++) {
      const name = text(args[index] as Buffer);
      if (kind === 'subscribe') engine.subscribeChannel(self, name);
      else engine.subscribePattern(self, name);
      replies.push(subscriptionReply(kind, name, self.subscriptionCount));
    }
    return { type: 'multi-reply', replies };
  };
}

function unsubscribeHandler(kind: 'unsubscribe' | 'punsubscribe'): Handler {
  return (context, args): CacheMultiReply => {
    const { engine, client: self } = context;
    const current = kind === 'unsubscribe' ? self.channels : self.patterns;
    const names = args.length > 1 ? args.slice(1).map(text) : [...current];
    if (names.length === 0) return { type: 'multi-reply', replies: [subscriptionReply(kind, null, self.subscriptionCount)] };
    const replies: RespValue[] = [];
    for (const name of names) {
      if (kind === 'unsubscribe') engine.unsubscribeChannel(self, name);
      else engine.unsubscribePattern(self, name);
      replies.push(subscriptionReply(kind, name, self.subscriptionCount));
    }
    return { type: 'multi-reply', replies };
  };
}

const publish: Handler = (context, args) => respInteger(context.engine.publish(text(args[1] as Buffer), args[2] as Buffer));

/**
 * SSUBSCRIBE (ssubscribeCommand): refused where the client may not block (inside MULTI), as Redis 7.0
 * refuses a CLIENT_DENY_BLOCKING client; the count in each reply is of shard channels only.
 */
const ssubscribe: Handler = (context, args): CacheMultiReply => {
  if (!context.blockingAllowed) throw new CacheCommandError('message', "SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
  const { engine, client: self } = context;
  const replies: RespValue[] = [];
  for (let index = 1; index < args.length; index++) {
    const name = text(args[index] as Buffer);
    engine.subscribeShardChannel(self, name);
    replies.push(subscriptionReply('ssubscribe', name, self.shardChannels.size));
  }
  return { type: 'multi-reply', replies };
};

const sunsubscribe: Handler = (context, args): CacheMultiReply => {
  const { engine, client: self } = context;
  const names = args.length > 1 ? args.slice(1).map(text) : [...self.shardChannels];
  if (names.length === 0) return { type: 'multi-reply', replies: [subscriptionReply('sunsubscribe', null, self.shardChannels.size)] };
  const replies: RespValue[] = [];
  for (const name of names) {
    engine.unsubscribeShardChannel(self, name);
    replies.push(subscriptionReply('sunsubscribe', name, self.shardChannels.size));
  }
  return { type: 'multi-reply', replies };
};

const spublish: Handler = (context, args) => respInteger(context.engine.publishShard(text(args[1] as Buffer), args[2] as Buffer));

const pubsubHelp = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
];

const pubsub: Handler = (context, args) => {
  const { engine } = context;
  const subcommand = lower(args[1]);
  switch (subcommand) {
    case 'channels':
      if (args.length > 3) throw subcommandArity('pubsub', subcommand);
      return respBulkStringArray(engine.pubsub.activeChannels(args.length === 3 ? text(args[2] as Buffer) : null).map((name) => Buffer.from(name, 'latin1')));
    case 'numsub': {
      const items: RespValue[] = [];
      for (let index = 2; index < args.length; index++) {
        items.push(respBulkString(args[index] as Buffer), respInteger(engine.pubsub.subscriberCount(text(args[index] as Buffer))));
      }
      return { type: 'array', items };
    }
    case 'numpat':
      if (args.length !== 2) throw subcommandArity('pubsub', subcommand);
      return respInteger(engine.pubsub.patternCount);
    case 'shardchannels':
      if (args.length > 3) throw subcommandArity('pubsub', subcommand);
      return respBulkStringArray(engine.pubsub.activeChannels(args.length === 3 ? text(args[2] as Buffer) : null, true).map((name) => Buffer.from(name, 'latin1')));
    case 'shardnumsub': {
      const items: RespValue[] = [];
      for (let index = 2; index < args.length; index++) {
        items.push(respBulkString(args[index] as Buffer), respInteger(engine.pubsub.subscriberCount(text(args[index] as Buffer), true)));
      }
      return { type: 'array', items };
    }
    case 'help':
      return { type: 'array', items: pubsubHelp.map(simple) };
    default:
      throw unknownSubcommand('pubsub', args);
  }
};

// ---------------------------------------------------------------------------------------------
// Server: INFO, CONFIG, TIME, SWAPDB, MOVE, OBJECT, DEBUG

const info: Handler = (context, args) => {
  const sections = args.slice(1).map((argument) => lower(argument));
  return { type: 'verbatim-string', format: 'txt', value: formatCacheInfo(context.engine, sections, context.nowMs) };
};

const config: Handler = (context, args) => {
  const { engine } = context;
  const subcommand = lower(args[1]);
  switch (subcommand) {
    case 'get': {
      if (args.length < 3) throw subcommandArity('config', subcommand);
      const pairs = engine.config.get(args.slice(2).map(text));
      return { type: 'map', entries: pairs.map(([name, value]) => [respBulkString(name), respBulkString(value)] as const) };
    }
    case 'set': {
      if (args.length < 4 || args.length % 2 !== 0) throw subcommandArity('config', subcommand);
      const pairs: [string, string][] = [];
      for (let index = 2; index < args.length; index += 2) pairs.push([text(args[index] as Buffer), (args[index + 1] as Buffer).toString('utf8')]);
      return engine.setConfig(context.client, pairs, context.blockingAllowed);
    }
    case 'resetstat':
      if (args.length !== 2) throw subcommandArity('config', subcommand);
      engine.resetStats();
      return respOk;
    case 'rewrite':
      throw new CacheCommandError('message', 'The server is running without a config file');
    case 'help':
      return {
        type: 'array',
        items: configHelp.map(simple),
      };
    default:
      throw unknownSubcommand('config', args);
  }
};

const time: Handler = (context) => {
  const seconds = Math.floor(context.nowMs / 1000);
  const micros = Math.floor((context.nowMs - seconds * 1000) * 1000);
  return respBulkStringArray([String(seconds), String(micros)]);
};

function databaseIndexArgument(argument: Buffer, which: 'first' | 'second' | null): number {
  const value = parseInt64(argument);
  if (value === null) throw new CacheCommandError('message', which === null ? 'value is not an integer or out of range' : `invalid ${which} DB index`);
  if (value < 0n || value >= BigInt(cacheDatabaseCount)) throw new CacheCommandError('database-index-out-of-range');
  return Number(value);
}

const swapdb: Handler = (context, args) => {
  const first = databaseIndexArgument(args[1] as Buffer, 'first');
  const second = databaseIndexArgument(args[2] as Buffer, 'second');
  if (first !== second) context.engine.swapDatabases(first, second);
  return respOk;
};

const move: Handler = (context, args) => {
  const key = keyAt(args, 1);
  const targetIndex = databaseIndexArgument(args[2] as Buffer, null);
  if (targetIndex === context.client.databaseIndex) throw new CacheCommandError('source-and-destination-same');
  const source = context.keyspace.database(context.client.databaseIndex);
  const target = context.keyspace.database(targetIndex);
  const entry = source.lookup(key, context.nowMs);
  if (entry === undefined || target.lookup(key, context.nowMs) !== undefined) return respInteger(0);
  const { value, expireAtMs } = entry;
  source.delete(key);
  target.set({ key, value, expireAtMs, keepExpiry: false });
  return respInteger(1);
};

/** A deep copy of a value (COPY): collections are cloned, string bytes are immutable and shared. */
export function cloneValue(value: CacheValue): CacheValue {
  switch (value.type) {
    case 'string':
      return value;
    case 'list':
      return { type: 'list', list: value.list.clone() };
    case 'hash':
      return { type: 'hash', hash: value.hash.clone() };
    case 'set':
      return { type: 'set', set: value.set.clone() };
    case 'zset':
      return { type: 'zset', zset: value.zset.clone() };
    case 'stream':
      return { type: 'stream', stream: value.stream.clone() };
  }
}

/** COPY source destination [DB index] [REPLACE] (db.c copyCommand). */
const copy: Handler = (context, args) => {
  let targetIndex = context.client.databaseIndex;
  let replace = false;
  for (let index = 3; index < args.length; index++) {
    const option = lower(args[index]);
    if (option === 'replace') replace = true;
    else if (option === 'db' && index + 1 < args.length) targetIndex = databaseIndexArgument(args[++index] as Buffer, null);
    else throw new CacheCommandError('syntax');
  }
  const sourceKey = keyAt(args, 1);
  const targetKey = keyAt(args, 2);
  if (targetIndex === context.client.databaseIndex && sourceKey === targetKey) throw new CacheCommandError('source-and-destination-same');
  const source = context.keyspace.database(context.client.databaseIndex);
  const target = context.keyspace.database(targetIndex);
  const entry = source.lookup(sourceKey, context.nowMs);
  if (entry === undefined) return respInteger(0);
  if (target.lookup(targetKey, context.nowMs) !== undefined) {
    if (!replace) return respInteger(0);
    target.delete(targetKey);
  }
  target.set({ key: targetKey, value: cloneValue(entry.value), expireAtMs: entry.expireAtMs, keepExpiry: false });
  return respInteger(1);
};

/**
 * OBJECT ENCODING of a string, as Redis 7 chooses it: raw when built in place (APPEND, SETRANGE,
 * SETBIT, BITOP: stored as a Buffer, see CacheStringValue.raw) or longer than 44 bytes, int for an
 * int64, else embstr.
 */
export function stringEncodingOf(value: CacheStringValue): string {
  if (typeof value.data !== 'string') return 'raw';
  const bytes = value.bytes;
  if (bytes.length <= 20 && parseInt64(bytes) !== null) return 'int';
  return bytes.length <= 44 ? 'embstr' : 'raw';
}

export function encodingOf(value: CacheValue): string {
  switch (value.type) {
    case 'string':
      return stringEncodingOf(value);
    case 'list':
      return value.list.encoding;
    case 'hash':
      return value.hash.encoding;
    case 'set':
      return value.set.encoding;
    case 'zset':
      return value.zset.encoding;
    case 'stream':
      return value.stream.encoding;
  }
}

const lfuPolicies = new Set(['allkeys-lfu', 'volatile-lfu']);

const object: Handler = (context, args) => {
  const subcommand = lower(args[1]);
  if (subcommand === 'help') {
    return {
      type: 'array',
      items: objectHelp.map(simple),
    };
  }
  if (!['encoding', 'freq', 'idletime', 'refcount'].includes(subcommand)) throw unknownSubcommand('object', args);
  if (args.length !== 3) throw subcommandArity('object', subcommand);
  const database = context.keyspace.database(context.client.databaseIndex);
  const entry = database.peek(keyAt(args, 2), context.nowMs);
  if (entry === undefined) return respNullBulk;
  const lfu = lfuPolicies.has(context.engine.config.values['maxmemory-policy']);
  switch (subcommand) {
    case 'encoding':
      return respBulkString(encodingOf(entry.value));
    case 'refcount':
      return respInteger(1);
    case 'idletime':
      if (lfu) {
        throw new CacheCommandError('message', 'An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
      }
      return respInteger(Math.floor(idleMsOf(entry, context.nowMs) / 1000));
    default:
      if (!lfu) {
        throw new CacheCommandError('message', 'An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.');
      }
      return respInteger(lfuCounterOf(entry, context.nowMs));
  }
};

const debug: Handler = (context, args): CacheCommandResult => {
  const subcommand = lower(args[1]);
  switch (subcommand) {
    case 'sleep': {
      if (args.length !== 3) throw subcommandArity('debug', subcommand);
      const seconds = parseFloat64(args[2] as Buffer);
      if (seconds === null || seconds < 0 || !Number.isFinite(seconds)) throw new CacheCommandError('not-float');
      // Redis sleeps its whole event loop; here only this client waits (a deliberate difference).
      if (seconds === 0 || !context.blockingAllowed) return respOk;
      return { type: 'block', keys: [], timeoutAtMs: context.nowMs + Math.ceil(seconds * 1000), timeoutReply: respOk };
    }
    case 'set-active-expire': {
      if (args.length !== 3) throw subcommandArity('debug', subcommand);
      context.engine.activeExpireEnabled = requireInt64(args[2] as Buffer) !== 0n;
      return respOk;
    }
    case 'object': {
      if (args.length !== 3) throw subcommandArity('debug', subcommand);
      const entry = context.keyspace.database(context.client.databaseIndex).peek(keyAt(args, 2), context.nowMs);
      if (entry === undefined) throw new CacheCommandError('no-such-key');
      const idleSeconds = Math.floor(idleMsOf(entry, context.nowMs) / 1000);
      return simple(`Value at:0x0 refcount:1 encoding:${encodingOf(entry.value)} serializedlength:${entry.sizeBytes} lru:0 lru_seconds_idle:${idleSeconds}`);
    }
    case 'reload': {
      // Redis saves an RDB and loads it back. Here nothing is written to disk and a reload would
      // restore the same content, so the dataset stays as it is; the options are checked as Redis does.
      for (const option of args.slice(2).map((argument) => lower(argument))) {
        if (option !== 'merge' && option !== 'nosave' && option !== 'noflush') throw new CacheCommandError('message', 'DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
      }
      return respOk;
    }
    case 'quicklist-packed-threshold': {
      // Lists here have no plain nodes to size: the threshold is checked and has no effect.
      if (args.length !== 3) throw subcommandArity('debug', subcommand);
      const bytes = parseMemoryValue(text(args[2] as Buffer));
      if (bytes === null || bytes > 2 ** 32 - 2 ** 20) throw new CacheCommandError('message', 'argument must be a memory value bigger than 1 and smaller than 4gb');
      return respOk;
    }
    case 'change-repl-id':
      return respOk;
    case 'protocol':
      if (args.length !== 3) throw subcommandArity('debug', subcommand);
      return debugProtocolReply(lower(args[2]));
    case 'digest':
      if (args.length !== 2) throw unknownSubcommand('debug', args);
      return simple(datasetDigest(context.keyspace));
    case 'digest-value': {
      // Logically expired keys count too, as Redis reads the dict directly.
      const database = context.keyspace.database(context.client.databaseIndex);
      return { type: 'array', items: args.slice(2).map((key) => simple(valueDigest(database.entryOf(keyTextFromBytes(key))))) };
    }
    case 'help':
      return {
        type: 'array',
        items: [
          'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
          'CHANGE-REPL-ID',
          'DIGEST',
          'DIGEST-VALUE <key> [<key> ...]',
          'OBJECT <key>',
          'PROTOCOL <type>',
          '    Reply with a test value of the specified type. <type> can be: string,',
          '    integer, double, bignum, null, array, set, map, attrib, verbatim, true, false.',
          'QUICKLIST-PACKED-THRESHOLD <size>',
          'RELOAD [MERGE] [NOFLUSH] [NOSAVE]',
          'SET-ACTIVE-EXPIRE <0|1>',
          'SLEEP <seconds>',
          'HELP',
        ].map(
          simple,
        ),
      };
    default:
      throw unknownSubcommand('debug', args);
  }
};

/**
 * DEBUG PROTOCOL <type> (debug.c): one reply of each RESP3 type, for clients to test their parsers
 * (Redis's protocol tests use it). `push` is not offered: a push message here travels only as
 * pub/sub or tracking traffic, never in front of a command's own reply.
 */
function debugProtocolReply(name: string): RespValue {
  const integers = [0, 1, 2].map((value): RespValue => respInteger(value));
  switch (name) {
    case 'string':
      return respBulkString('Hello World');
    case 'integer':
      return respInteger(12345);
    case 'double':
      return { type: 'double', value: 3.141 };
    case 'bignum':
      return { type: 'big-number', value: 1234567999999999999999999999999999999n };
    case 'null':
      return respNullBulk;
    case 'array':
      return { type: 'array', items: integers };
    case 'set':
      return { type: 'set', items: integers };
    case 'map':
      return { type: 'map', entries: integers.map((key, index) => [key, { type: 'boolean', value: index === 1 }] as const) };
    case 'attrib':
      return {
        type: 'attributed',
        attributes: [[respBulkString('key-popularity'), { type: 'array', items: [respBulkString('key:123'), respInteger(90)] }]],
        value: respBulkString('Some real reply following the attribute'),
      };
    case 'true':
    case 'false':
      return { type: 'boolean', value: name === 'true' };
    case 'verbatim':
      return { type: 'verbatim-string', format: 'txt', value: 'This is a verbatim\nstring' };
    default:
      throw new CacheCommandError('message', 'Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|verbatim|true|false');
  }
}

// ---------------------------------------------------------------------------------------------
// Scripting: no Lua VM yet (a later issue). Management commands answer as Redis does with nothing
// loaded; running or loading a script is a clear error.

const scriptingUnsupported = 'scripting (EVAL, FUNCTION LOAD, FCALL) is not supported by this server yet';

const script: Handler = (_context, args) => {
  const subcommand = lower(args[1]);
  switch (subcommand) {
    case 'flush':
      if (args.length > 3 || (args.length === 3 && !['sync', 'async'].includes(lower(args[2])))) {
        throw new CacheCommandError('message', 'SCRIPT FLUSH only support SYNC|ASYNC option');
      }
      return respOk;
    case 'exists':
      if (args.length < 3) throw subcommandArity('script', subcommand);
      return { type: 'array', items: args.slice(2).map(() => respInteger(0)) };
    case 'kill':
      return { type: 'error', prefix: 'NOTBUSY', message: 'No scripts in execution right now.' };
    case 'load':
      if (args.length !== 3) throw subcommandArity('script', subcommand);
      throw new CacheCommandError('message', scriptingUnsupported);
    default:
      throw unknownSubcommand('script', args);
  }
};

const functionCommand: Handler = (_context, args) => {
  const subcommand = lower(args[1]);
  switch (subcommand) {
    case 'flush':
      return respOk;
    case 'list':
      return { type: 'array', items: [] };
    case 'stats':
      return {
        type: 'map',
        entries: [
          [respBulkString('running_script'), respNullBulk],
          [
            respBulkString('engines'),
            {
              type: 'map',
              entries: [
                [
                  respBulkString('LUA'),
                  { type: 'map', entries: [[respBulkString('libraries_count'), respInteger(0)], [respBulkString('functions_count'), respInteger(0)]] },
                ],
              ],
            },
          ],
        ],
      };
    case 'kill':
      return { type: 'error', prefix: 'NOTBUSY', message: 'No scripts in execution right now.' };
    case 'load':
    case 'restore':
      throw new CacheCommandError('message', scriptingUnsupported);
    case 'delete':
      throw new CacheCommandError('message', 'Library not found');
    default:
      throw unknownSubcommand('function', args);
  }
};

const evalCommand: Handler = () => {
  throw new CacheCommandError('message', scriptingUnsupported);
};

const evalsha: Handler = () => {
  throw new CacheCommandError('no-script');
};

const fcall: Handler = () => {
  throw new CacheCommandError('message', 'Function not found');
};

// ---------------------------------------------------------------------------------------------
// COMMAND: introspection from the metadata transcribed from Redis 7 (cache-command-metadata.ts)

function implementedNames(context: CacheServerCommandContext): string[] {
  return context.engine.allCommandNames().filter((name) => commandMetadata(name) !== undefined);
}

function infoOf(context: CacheServerCommandContext, name: string): RespValue {
  const spec = context.engine.lookup(name.toLowerCase());
  const metadata = commandMetadata(name);
  return spec === undefined || metadata === undefined ? respNullBulk : commandInfoReply(spec, metadata);
}

const command: Handler = (context, args) => {
  if (args.length === 1) return { type: 'array', items: implementedNames(context).map((name) => infoOf(context, name)) };
  const subcommand = lower(args[1]);
  switch (subcommand) {
    case 'count':
      if (args.length !== 2) throw subcommandArity('command', subcommand);
      return respInteger(implementedNames(context).length);
    case 'info': {
      const names = args.length === 2 ? implementedNames(context) : args.slice(2).map(text);
      return { type: 'array', items: names.map((name) => infoOf(context, name)) };
    }
    case 'docs': {
      const names = args.length === 2 ? implementedNames(context) : args.slice(2).map((argument) => lower(argument));
      const entries: [RespValue, RespValue][] = [];
      for (const name of names) {
        const metadata = commandMetadata(name);
        if (metadata === undefined || context.engine.lookup(metadata.name.split('|')[0] as string) === undefined) continue;
        entries.push([respBulkString(metadata.name), commandDocsReply(metadata)]);
      }
      return { type: 'map', entries };
    }
    case 'list': {
      let filter: CacheCommandListFilter | null = null;
      if (args.length === 5 && lower(args[2]) === 'filterby') {
        const kind = lower(args[3]);
        const value = text(args[4] as Buffer);
        if (kind === 'module') filter = { type: 'module', module: value };
        else if (kind === 'aclcat') filter = { type: 'aclcat', category: value };
        else if (kind === 'pattern') filter = { type: 'pattern', pattern: value };
        else throw new CacheCommandError('syntax');
      } else if (args.length !== 2) throw new CacheCommandError('syntax');
      return respBulkStringArray(commandListNames(context.engine.allCommandNames(), filter));
    }
    case 'getkeys':
    case 'getkeysandflags': {
      // Redis 7.0's arity for both is -4: the command and at least one argument.
      if (args.length < 4) throw subcommandArity('command', subcommand);
      const target = args.slice(2);
      const name = lower(target[0]);
      const spec = context.engine.lookup(name);
      // lookupCommand(argv+2): a container command's keys are its subcommand's (MEMORY USAGE key).
      const base = commandMetadata(name);
      const metadata = base !== undefined && base.subcommands.length > 0 && target.length >= 2 ? commandMetadata(`${name}|${lower(target[1])}`) : base;
      if (spec === undefined || metadata === undefined) throw new CacheCommandError('message', 'Invalid command specified');
      if (!arityAllows(metadata === base ? spec.arity : metadata.arity, target)) throw new CacheCommandError('message', 'Invalid number of arguments specified for command');
      if (!commandHasKeys(metadata)) throw new CacheCommandError('message', 'The command has no key arguments');
      const indexes = commandKeyIndexes(name, target);
      if (indexes.length === 0) {
        // EVAL, FCALL: zero keys is a valid call.
        if (metadata.flags.includes('no_mandatory_keys')) return { type: 'array', items: [] };
        throw new CacheCommandError('message', 'Invalid arguments specified for command');
      }
      if (subcommand === 'getkeys') return { type: 'array', items: indexes.map((index) => respBulkString(target[index] as Buffer)) };
      // addReplyFlagsForKeyArgs: each key with its key spec's flags (a set in RESP3).
      return {
        type: 'array',
        items: commandKeyReferences(metadata, target).map((reference) => ({
          type: 'array',
          items: [respBulkString(target[reference.index] as Buffer), { type: 'set', items: reference.flags.map((flag) => simple(flag)) }],
        })),
      };
    }
    case 'help':
      return {
        type: 'array',
        items: commandHelp.map(simple),
      };
    default:
      throw unknownSubcommand('command', args);
  }
};

/** The HELP texts of redis-server 7.0.15, word for word. */
const configHelp = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
];

const objectHelp = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

const commandHelp = [
  'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
  'HELP',
  '    Prints this help.',
];

const aclHelp = [
  'ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
  'HELP',
  '    Prints this help.',
];

/** ACL LOG [count | RESET]: 10 entries by default; a negative count lists none. */
function aclLog(context: CacheServerCommandContext, args: Args): RespValue {
  if (args.length > 3) throw new CacheCommandError('message', `unknown subcommand or wrong number of arguments for '${text(args[1] as Buffer)}'. Try ACL HELP.`);
  if (args.length === 3 && lower(args[2]) === 'reset') {
    context.engine.aclLog.reset();
    return respOk;
  }
  const count = args.length === 3 ? requireInt64(args[2] as Buffer) : 10n;
  return context.engine.aclLog.reply(count > 1_000_000n ? 1_000_000 : Number(count), context.nowMs);
}

/** ACL GENPASS [bits]: `bits` random bits (256 by default) as hex digits, rounded up to whole digits. */
function aclGenpass(context: CacheServerCommandContext, args: Args): RespValue {
  if (args.length > 3) throw subcommandArity('acl', 'genpass');
  const bits = args.length === 3 ? parseInt64(args[2] as Buffer) : 256n;
  if (bits === null || bits <= 0n || bits > 4096n) {
    throw new CacheCommandError('message', 'ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096');
  }
  const digits = Math.ceil(Number(bits) / 4);
  let password = '';
  for (let index = 0; index < digits; index++) password += context.engine.secretRandom.nextIndex(16).toString(16);
  return respBulkString(password);
}

const aclFileMissingText =
  'This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.';

const acl: Handler = (context, args) => {
  const { engine } = context;
  const subcommand = lower(args[1]);
  switch (subcommand) {
    case 'cat': {
      if (args.length === 2) return respBulkStringArray([...cacheAclCategories]);
      if (args.length !== 3) throw subcommandArity('acl', subcommand);
      const category = lower(args[2]);
      if (!isAclCategory(category)) throw new CacheCommandError('message', `Unknown category '${text(args[2] as Buffer)}'`);
      return respBulkStringArray(commandListNames(engine.allCommandNames(), { type: 'aclcat', category }));
    }
    case 'whoami':
      if (args.length !== 2) throw subcommandArity('acl', subcommand);
      return respBulkString(Buffer.from(context.client.userName, 'latin1'));
    case 'users':
      if (args.length !== 2) throw subcommandArity('acl', subcommand);
      return engine.acl.usersReply();
    case 'list':
      if (args.length !== 2) throw subcommandArity('acl', subcommand);
      return engine.acl.listReply();
    case 'getuser':
      if (args.length !== 3) throw subcommandArity('acl', subcommand);
      return engine.acl.getUserReply(args[2] as Buffer);
    case 'setuser': {
      if (args.length < 3) throw subcommandArity('acl', subcommand);
      const name = text(args[2] as Buffer);
      const rules = args.slice(3).map(text);
      // Validate on a scratch copy first, so a bad rule fails now and only good changes are logged.
      CacheAclStore.fromJSON(engine.acl.toJSON()).setUser(name, rules);
      return engine.persistSettings(context.client, { type: 'acl-setuser', name, rules }, context.blockingAllowed);
    }
    case 'deluser': {
      if (args.length < 3) throw subcommandArity('acl', subcommand);
      const names = args.slice(2).map(text);
      CacheAclStore.fromJSON(engine.acl.toJSON()).deleteUsers(names);
      return engine.persistSettings(context.client, { type: 'acl-deluser', names }, context.blockingAllowed);
    }
    case 'log':
      return aclLog(context, args);
    case 'genpass':
      return aclGenpass(context, args);
    case 'save':
    case 'load':
      if (args.length !== 2) throw subcommandArity('acl', subcommand);
      throw new CacheCommandError('message', aclFileMissingText);
    case 'dryrun':
      if (args.length < 4) throw subcommandArity('acl', subcommand);
      return engine.acl.dryRun(args[2] as Buffer, args.slice(3));
    case 'help':
      return { type: 'array', items: aclHelp.map(simple) };
    default:
      throw unknownSubcommand('acl', args);
  }
};

const connection: ['fast', 'stale', 'loading'] = ['fast', 'stale', 'loading'];

export const cacheServerCommands: readonly CacheServerCommandSpec[] = [
  { name: 'ping', arity: -1, flags: connection, handler: ping },
  { name: 'auth', arity: -2, flags: ['fast', 'stale', 'loading'], handler: auth },
  { name: 'hello', arity: -1, flags: ['fast', 'stale', 'loading'], handler: hello },
  { name: 'quit', arity: -1, flags: ['fast', 'stale', 'loading'], handler: quit },
  { name: 'reset', arity: 1, flags: ['fast', 'stale', 'loading'], handler: reset },
  { name: 'client', arity: -2, flags: ['stale', 'loading'], handler: client },
  { name: 'multi', arity: 1, flags: ['fast', 'stale', 'loading'], handler: multi },
  { name: 'exec', arity: 1, flags: ['stale', 'loading'], handler: exec },
  { name: 'discard', arity: 1, flags: ['fast', 'stale', 'loading'], handler: discard },
  { name: 'watch', arity: -2, flags: ['fast', 'stale', 'loading'], handler: watch },
  { name: 'unwatch', arity: 1, flags: ['fast', 'stale', 'loading'], handler: unwatch },
  { name: 'subscribe', arity: -2, flags: ['stale', 'loading'], handler: subscribeHandler('subscribe') },
  { name: 'psubscribe', arity: -2, flags: ['stale', 'loading'], handler: subscribeHandler('psubscribe') },
  { name: 'unsubscribe', arity: -1, flags: ['stale', 'loading'], handler: unsubscribeHandler('unsubscribe') },
  { name: 'punsubscribe', arity: -1, flags: ['stale', 'loading'], handler: unsubscribeHandler('punsubscribe') },
  { name: 'publish', arity: 3, flags: ['fast', 'stale', 'loading'], handler: publish },
  { name: 'ssubscribe', arity: -2, flags: ['stale', 'loading'], handler: ssubscribe },
  { name: 'sunsubscribe', arity: -1, flags: ['stale', 'loading'], handler: sunsubscribe },
  { name: 'spublish', arity: 3, flags: ['fast', 'stale', 'loading'], handler: spublish },
  { name: 'pubsub', arity: -2, flags: ['stale', 'loading'], handler: pubsub },
  { name: 'info', arity: -1, flags: ['stale', 'loading'], handler: info },
  { name: 'config', arity: -2, flags: ['stale', 'loading'], handler: config },
  { name: 'time', arity: 1, flags: ['fast', 'stale', 'loading'], handler: time },
  { name: 'swapdb', arity: 3, flags: ['write', 'fast'], handler: swapdb },
  { name: 'move', arity: 3, flags: ['write', 'fast'], handler: move },
  { name: 'copy', arity: -3, flags: ['write', 'denyoom'], handler: copy },
  { name: 'object', arity: -2, flags: ['readonly'], handler: object },
  { name: 'debug', arity: -2, flags: ['stale', 'loading'], handler: debug },
  { name: 'script', arity: -2, flags: ['stale'], handler: script },
  { name: 'function', arity: -2, flags: ['stale'], handler: functionCommand },
  { name: 'eval', arity: -3, flags: ['stale'], handler: evalCommand },
  { name: 'eval_ro', arity: -3, flags: ['stale', 'readonly'], handler: evalCommand },
  { name: 'evalsha', arity: -3, flags: ['stale'], handler: evalsha },
  { name: 'evalsha_ro', arity: -3, flags: ['stale', 'readonly'], handler: evalsha },
  { name: 'fcall', arity: -3, flags: ['stale'], handler: fcall },
  { name: 'fcall_ro', arity: -3, flags: ['stale', 'readonly'], handler: fcall },
  { name: 'acl', arity: -2, flags: ['stale', 'loading'], handler: acl },
  { name: 'command', arity: -1, flags: ['stale', 'loading'], handler: command },
];

