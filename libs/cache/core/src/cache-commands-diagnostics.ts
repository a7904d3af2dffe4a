/**
 * The operational commands tools use to watch a server: MONITOR (replication.c / networking.c),
 * SLOWLOG (slowlog.c), MEMORY (object.c memoryCommand) and LATENCY (latency.c). Texts and reply
 * shapes follow Redis 7; what they report comes from the engine's own records.
 */
import { CacheCommandError } from './cache-command-errors.js';
import { type CacheServerCommandContext, type CacheServerCommandSpec, type CacheMultiReply } from './cache-engine.js';
import { type CacheCommandResult } from './cache-command-context.js';
import { respOk } from './resp-value.js';

type Handler = (context: CacheServerCommandContext, args: readonly Buffer[]) => CacheCommandResult | CacheMultiReply;

const noReply: CacheMultiReply = { type: 'multi-reply', replies: [] };

/**
 * MONITOR: the client gets a line per command from now on. Inside MULTI it cannot (Redis refuses
 * clients that must get one reply per command); a client already monitoring gets no reply at all.
 */
const monitor: Handler = (context) => {
  if (!context.blockingAllowed) throw new CacheCommandError('message', "MONITOR isn't allowed for DENY BLOCKING client");
  if (context.client.isMonitor) return noReply;
  context.engine.startMonitoring(context.client);
  return respOk;
};

export const cacheDiagnosticsCommands: readonly CacheServerCommandSpec[] = [
  { name: 'monitor', arity: 1, flags: ['stale', 'loading'], handler: monitor },
];
