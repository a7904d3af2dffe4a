/**
 * INFO's text (server.c genRedisInfoString): `# Section` headers, `field:value` lines joined with
 * CRLF, sections separated by a blank line. Only fields this server actually measures are listed.
 */
import { type CacheEngine } from './cache-engine.js';
import { cacheServerVersion } from './cache-commands-server.js';

const defaultSections = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];
const allSections = [...defaultSections.slice(0, 7), 'modules', 'commandstats', 'errorstats', 'cluster', 'keyspace'];

/** bytesToHuman: 1023B, 1.00K, 1.50M ... with two decimals. */
export function bytesToHuman(bytes: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (bytes < 1024) return `${bytes}B`;
  let value = bytes / 1024;
  let index = 0;
  while (value >= 1024 && index < units.length - 1) {
    value /= 1024;
    index++;
  }
  return `${value.toFixed(2)}${units[index]}`;
}

function sectionLines(engine: CacheEngine, section: string, nowMs: number): [string, string | number][] | null {
  const values = engine.config.values;
  switch (section) {
    case 'server': {
      const uptimeSeconds = Math.floor((nowMs - engine.startedAtMs) / 1000);
      return [
        ['redis_version', cacheServerVersion],
        // What Redis reports when not built from a git checkout; clients and test suites read the fields.
        ['redis_git_sha1', '00000000'],
        ['redis_git_dirty', 0],
        ['redis_mode', 'standalone'],
        ['os', engine.host.os],
        ['arch_bits', engine.host.architectureBits],
        ['process_id', engine.host.processId],
        ['run_id', engine.host.runId],
        ['tcp_port', engine.host.tcpPort()],
        ['server_time_usec', nowMs * 1000],
        ['uptime_in_seconds', uptimeSeconds],
        ['uptime_in_days', Math.floor(uptimeSeconds / 86400)],
        ['hz', values.hz],
        ['executable', engine.host.executable],
        ['config_file', ''],
        ['objectbox_version', engine.host.serverVersion],
      ];
    }
    case 'clients': {
      let pubsubClients = 0;
      let watchingClients = 0;
      for (const client of engine.clients.values()) {
        if (client.isSubscriber) pubsubClients++;
        if (client.watchedKeys.size > 0) watchingClients++;
      }
      return [
        ['connected_clients', engine.clients.size],
        ['maxclients', values.maxclients],
        ['blocked_clients', engine.blockedClientCount],
        ['tracking_clients', engine.tracking.stats.clients],
        ['pubsub_clients', pubsubClients],
        ['watching_clients', watchingClients],
      ];
    }
    case 'memory': {
      const used = engine.keyspace.usedMemoryBytes;
      const rss = engine.host.residentMemoryBytes();
      return [
        ['used_memory', used],
        ['used_memory_human', bytesToHuman(used)],
        ['used_memory_rss', rss],
        ['used_memory_rss_human', bytesToHuman(rss)],
        ['maxmemory', values.maxmemory],
        ['maxmemory_human', bytesToHuman(values.maxmemory)],
        ['maxmemory_policy', values['maxmemory-policy']],
        ['mem_allocator', 'v8'],
        // No replication or AOF buffers exist here, so maxmemory counts all of used_memory.
        ['mem_not_counted_for_evict', 0],
        // UNLINK and FLUSH ASYNC free at once here: nothing is ever left for a background free.
        ['lazyfree_pending_objects', 0],
        ['used_memory_note', 'used_memory is the per-key estimate maxmemory is checked against; used_memory_rss is the whole process'],
      ];
    }
    case 'persistence':
      return [
        ['loading', 0],
        ['rdb_bgsave_in_progress', 0],
        ['aof_enabled', 0],
      ];
    case 'stats': {
      const counters = engine.counters;
      return [
        ['total_connections_received', counters.connectionsReceived],
        ['total_commands_processed', counters.commandsProcessed],
        ['rejected_connections', counters.rejectedConnections],
        ['expired_keys', engine.keyspace.expiredCount],
        ['evicted_keys', counters.evictedKeys],
        ['pubsub_channels', engine.pubsub.channelCount],
        ['pubsub_patterns', engine.pubsub.patternCount],
        ['tracking_total_keys', engine.tracking.stats.keys],
        ['tracking_total_items', engine.tracking.stats.items],
        ['tracking_total_prefixes', engine.tracking.stats.prefixes],
        ['total_error_replies', counters.totalErrorReplies],
      ];
    }
    case 'replication':
      return [
        ['role', 'master'],
        ['connected_slaves', 0],
        // No replication: offsets stay 0 and there is no backlog, as on a Redis master that never had a replica.
        ['master_failover_state', 'no-failover'],
        ['master_replid', engine.host.runId],
        ['master_replid2', '0000000000000000000000000000000000000000'],
        ['master_repl_offset', 0],
        ['second_repl_offset', -1],
        ['repl_backlog_active', 0],
        ['repl_backlog_size', 1048576],
        ['repl_backlog_first_byte_offset', 0],
        ['repl_backlog_histlen', 0],
      ];
    case 'cpu': {
      const cpu = engine.host.cpuSeconds();
      return [
        ['used_cpu_sys', cpu.system.toFixed(6)],
        ['used_cpu_user', cpu.user.toFixed(6)],
      ];
    }
    case 'modules':
      return [];
    case 'cluster':
      return [['cluster_enabled', 0]];
    case 'errorstats':
      return [...engine.errorStats].map(([prefix, count]) => [`errorstat_${prefix}`, `count=${count}`]);
    case 'commandstats':
      return [...engine.commandStats]
        .filter(([, stat]) => stat.calls + stat.rejectedCalls > 0)
        .map(([name, stat]) => [
          `cmdstat_${name}`,
          `calls=${stat.calls},usec=${Math.round(stat.micros)},usec_per_call=${(stat.calls === 0 ? 0 : stat.micros / stat.calls).toFixed(2)},rejected_calls=${stat.rejectedCalls},failed_calls=${stat.failedCalls}`,
        ]);
    case 'keyspace': {
      const lines: [string, string][] = [];
      engine.keyspace.databases.forEach((database, index) => {
        if (database.size === 0) return;
        lines.push([`db${index}`, `keys=${database.size},expires=${database.expires.size},avg_ttl=0`]);
      });
      return lines;
    }
    default:
      return null;
  }
}

const sectionTitles: Record<string, string> = { cpu: 'CPU', commandstats: 'Commandstats', errorstats: 'Errorstats' };

function title(section: string): string {
  return sectionTitles[section] ?? section.charAt(0).toUpperCase() + section.slice(1);
}

/** INFO [section ...]: no argument or `default` gives the default sections; `all`/`everything` add commandstats. */
export function formatCacheInfo(engine: CacheEngine, requested: readonly string[], nowMs: number): string {
  let sections: string[] = [];
  if (requested.length === 0) sections = defaultSections;
  for (const name of requested) {
    if (name === 'default') sections.push(...defaultSections);
    else if (name === 'all' || name === 'everything') sections.push(...allSections);
    else sections.push(name);
  }
  const blocks: string[] = [];
  for (const section of new Set(sections)) {
    const lines = sectionLines(engine, section, nowMs);
    if (lines === null) continue;
    blocks.push([`# ${title(section)}`, ...lines.map(([name, value]) => `${name}:${value}`)].join('\r\n'));
  }
  return blocks.length === 0 ? '' : `${blocks.join('\r\n\r\n')}\r\n`;
}
