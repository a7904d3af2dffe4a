/**
 * The cache's runtime parameters (CONFIG GET/SET), with Redis 7's names, defaults, value syntax and
 * error texts (config.c). Listed are the parameters the server honours, plus a few whose effect no
 * reply can show (lazyfree-*, appendfsync, list-compress-depth) or that only accept "off" (save,
 * appendonly), because Redis's test suite sets them: CONFIG GET of any other name matches nothing,
 * CONFIG SET of it is an error, as for an unknown name in Redis.
 */
import { CacheCommandError } from './cache-command-errors.js';
import { cacheEncodingThresholdsDefault, type CacheEncodingThresholds } from './cache-collection-size.js';
import { globMatch } from './cache-glob.js';
import { cacheNotifyNone, formatNotifyFlags, parseNotifyFlags, validateNotifyFlags, type CacheNotifyFlags } from './cache-notifications.js';

/** In config.c's order, which CONFIG SET's error text lists. */
export const cacheEvictionPolicies = [
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'noeviction',
] as const;
export type CacheEvictionPolicy = (typeof cacheEvictionPolicies)[number];

/** Values as the server uses them. */
export interface CacheConfigValues {
  maxmemory: number;
  'maxmemory-policy': CacheEvictionPolicy;
  'maxmemory-samples': number;
  requirepass: string;
  'protected-mode': boolean;
  timeout: number;
  hz: number;
  'proto-max-bulk-len': number;
  'client-query-buffer-limit': number;
  maxclients: number;
  /** pub/sub clients: hard limit and soft limit bytes, soft seconds (client-output-buffer-limit). */
  'client-output-buffer-limit': string;
  port: number;
  /** The listen queue length (Redis tcp-backlog); the kernel caps it at net.core.somaxconn. */
  'tcp-backlog': number;
  bind: string;
  databases: number;
  save: string;
  appendonly: boolean;
  'lfu-log-factor': number;
  'lfu-decay-time': number;
  /** Normalized as CONFIG GET shows it (`AKE`, `Ex`, or empty for none). */
  'notify-keyspace-events': string;
  /** Encoding thresholds (cache-collection-size.ts); the `*-ziplist-*` names are Redis's aliases. */
  'hash-max-listpack-entries': number;
  'hash-max-listpack-value': number;
  'set-max-intset-entries': number;
  'set-max-listpack-entries': number;
  'set-max-listpack-value': number;
  'zset-max-listpack-entries': number;
  'zset-max-listpack-value': number;
  'list-max-listpack-size': number;
  'hll-sparse-max-bytes': number;
  'stream-node-max-bytes': number;
  'stream-node-max-entries': number;
  /** Accepted and shown, no effect: lists are not compressed here. */
  'list-compress-depth': number;
  /** Accepted and shown, no effect: nothing is written to disk. */
  appendfsync: string;
  /** Accepted and shown, no effect: memory is freed synchronously either way, which no reply can tell apart. */
  'lazyfree-lazy-eviction': boolean;
  'lazyfree-lazy-expire': boolean;
  'lazyfree-lazy-server-del': boolean;
  'lazyfree-lazy-user-del': boolean;
  'lazyfree-lazy-user-flush': boolean;
  /** ACL LOG's length. */
  'acllog-max-len': number;
  /** SLOWLOG: commands taking at least this many µs are logged; 0 logs every command, -1 none. */
  'slowlog-log-slower-than': number;
  /** SLOWLOG's length. */
  'slowlog-max-len': number;
  /** LATENCY: events of at least this many ms are recorded; 0 (the default) records none. */
  'latency-monitor-threshold': number;
  /** CLIENT TRACKING: keys remembered at most (0 = no limit); past it keys are invalidated. */
  'tracking-table-max-keys': number;
}

type ParameterKind =
  | { kind: 'memory'; min: number; max: number }
  | { kind: 'integer'; min: number; max: number; maxText?: string }
  | { kind: 'persistence-off'; offText: string }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'boolean' }
  | { kind: 'string' }
  | { kind: 'output-buffer-limit' }
  | { kind: 'notify-flags' };

interface ParameterSpec {
  readonly name: keyof CacheConfigValues;
  /** Redis's second name for it (the 6.x `ziplist` names), listed and settable on its own. */
  readonly alias?: string;
  readonly type: ParameterKind;
  /** False: CONFIG SET refuses it ("can't set immutable config"). */
  readonly mutable: boolean;
  /** Immutable here but not in Redis: CONFIG SET to the current value is accepted (a no-op). */
  readonly acceptsCurrentValue?: boolean;
  /** Hidden from CONFIG GET output (none yet). */
  readonly sensitive?: boolean;
}

const gib = 1024 * 1024 * 1024;
/** Redis's size_t thresholds: 0 .. LLONG_MAX (what its error text prints). */
const sizeType: ParameterKind = { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, maxText: '9223372036854775807' };
const parameterSpecs: readonly ParameterSpec[] = [
  { name: 'maxmemory', type: { kind: 'memory', min: 0, max: Number.MAX_SAFE_INTEGER }, mutable: true },
  { name: 'maxmemory-policy', type: { kind: 'enum', values: cacheEvictionPolicies }, mutable: true },
  { name: 'maxmemory-samples', type: { kind: 'integer', min: 1, max: 64 }, mutable: true },
  { name: 'requirepass', type: { kind: 'string' }, mutable: true, sensitive: true },
  { name: 'protected-mode', type: { kind: 'boolean' }, mutable: true },
  { name: 'timeout', type: { kind: 'integer', min: 0, max: 2 ** 31 - 1 }, mutable: true },
  { name: 'hz', type: { kind: 'integer', min: 1, max: 500 }, mutable: true },
  { name: 'proto-max-bulk-len', type: { kind: 'memory', min: 1024 * 1024, max: 512 * 1024 * 1024 }, mutable: true },
  { name: 'client-query-buffer-limit', type: { kind: 'memory', min: 1024 * 1024, max: gib }, mutable: true },
  { name: 'maxclients', type: { kind: 'integer', min: 1, max: 1_000_000 }, mutable: true },
  { name: 'client-output-buffer-limit', type: { kind: 'output-buffer-limit' }, mutable: true },
  { name: 'port', type: { kind: 'integer', min: 0, max: 65535 }, mutable: false, acceptsCurrentValue: true },
  { name: 'tcp-backlog', type: { kind: 'integer', min: 1, max: 65535 }, mutable: false },
  { name: 'bind', type: { kind: 'string' }, mutable: false, acceptsCurrentValue: true },
  { name: 'databases', type: { kind: 'integer', min: 16, max: 16 }, mutable: false },
  // Mutable in Redis; the test suite's `overrides {save ""}` set them. Only the values that keep
  // persistence off are accepted: this cache keeps data in memory only.
  { name: 'save', type: { kind: 'persistence-off', offText: '' }, mutable: true },
  { name: 'appendonly', type: { kind: 'persistence-off', offText: 'no' }, mutable: true },
  { name: 'appendfsync', type: { kind: 'enum', values: ['everysec', 'always', 'no'] }, mutable: true },
  { name: 'notify-keyspace-events', type: { kind: 'notify-flags' }, mutable: true },
  { name: 'lfu-log-factor', type: { kind: 'integer', min: 0, max: 2 ** 31 - 1 }, mutable: true },
  { name: 'lfu-decay-time', type: { kind: 'integer', min: 0, max: 2 ** 31 - 1 }, mutable: true },
  { name: 'hash-max-listpack-entries', alias: 'hash-max-ziplist-entries', type: sizeType, mutable: true },
  { name: 'hash-max-listpack-value', alias: 'hash-max-ziplist-value', type: sizeType, mutable: true },
  { name: 'set-max-intset-entries', type: sizeType, mutable: true },
  { name: 'set-max-listpack-entries', type: sizeType, mutable: true },
  { name: 'set-max-listpack-value', type: sizeType, mutable: true },
  { name: 'zset-max-listpack-entries', alias: 'zset-max-ziplist-entries', type: sizeType, mutable: true },
  { name: 'zset-max-listpack-value', alias: 'zset-max-ziplist-value', type: sizeType, mutable: true },
  { name: 'list-max-listpack-size', alias: 'list-max-ziplist-size', type: { kind: 'integer', min: -(2 ** 31), max: 2 ** 31 - 1 }, mutable: true },
  { name: 'hll-sparse-max-bytes', type: { kind: 'memory', min: 0, max: Number.MAX_SAFE_INTEGER }, mutable: true },
  { name: 'stream-node-max-bytes', type: { kind: 'memory', min: 0, max: Number.MAX_SAFE_INTEGER }, mutable: true },
  { name: 'stream-node-max-entries', type: { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER }, mutable: true },
  { name: 'list-compress-depth', type: { kind: 'integer', min: 0, max: 2 ** 31 - 1 }, mutable: true },
  { name: 'lazyfree-lazy-eviction', type: { kind: 'boolean' }, mutable: true },
  { name: 'lazyfree-lazy-expire', type: { kind: 'boolean' }, mutable: true },
  { name: 'lazyfree-lazy-server-del', type: { kind: 'boolean' }, mutable: true },
  { name: 'lazyfree-lazy-user-del', type: { kind: 'boolean' }, mutable: true },
  { name: 'lazyfree-lazy-user-flush', type: { kind: 'boolean' }, mutable: true },
  { name: 'acllog-max-len', type: { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, maxText: '9223372036854775807' }, mutable: true },
  { name: 'slowlog-log-slower-than', type: { kind: 'integer', min: -1, max: Number.MAX_SAFE_INTEGER, maxText: '9223372036854775807' }, mutable: true },
  { name: 'slowlog-max-len', type: { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, maxText: '9223372036854775807' }, mutable: true },
  { name: 'latency-monitor-threshold', type: { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, maxText: '9223372036854775807' }, mutable: true },
  { name: 'tracking-table-max-keys', type: { kind: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER, maxText: '9223372036854775807' }, mutable: true },
];

/** The encoding thresholds in force, from the CONFIG values (the engine applies it at start and on CONFIG SET). */
export function encodingThresholdsOf(values: CacheConfigValues): CacheEncodingThresholds {
  return {
    hashListpackEntriesMax: values['hash-max-listpack-entries'],
    hashListpackValueBytesMax: values['hash-max-listpack-value'],
    setIntsetEntriesMax: values['set-max-intset-entries'],
    setListpackEntriesMax: values['set-max-listpack-entries'],
    setListpackValueBytesMax: values['set-max-listpack-value'],
    zsetListpackEntriesMax: values['zset-max-listpack-entries'],
    zsetListpackValueBytesMax: values['zset-max-listpack-value'],
    listListpackSize: values['list-max-listpack-size'],
    hllSparseBytesMax: values['hll-sparse-max-bytes'],
    streamNodeBytesMax: values['stream-node-max-bytes'],
    streamNodeEntriesMax: values['stream-node-max-entries'],
  };
}

export function cacheConfigDefaults(overrides: Partial<CacheConfigValues> = {}): CacheConfigValues {
  return {
    maxmemory: 0,
    'maxmemory-policy': 'noeviction',
    'maxmemory-samples': 5,
    requirepass: '',
    'protected-mode': true,
    timeout: 0,
    hz: 10,
    'proto-max-bulk-len': 512 * 1024 * 1024,
    'client-query-buffer-limit': gib,
    maxclients: 10_000,
    'client-output-buffer-limit': 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
    port: 6379,
    // Redis's default is 511. On Linux a burst of connects larger than the listen queue can be lost
    // silently: once the queue is full the kernel answers with SYN cookies, drops the handshake's
    // last ACK, and the client believes it is connected to a server that never saw it (seen here:
    // 250 of 2,000 idle connections opened at once). 4096 is the kernel's default somaxconn.
    'tcp-backlog': 4096,
    bind: '127.0.0.1',
    databases: 16,
    save: '',
    appendonly: false,
    'lfu-log-factor': 10,
    'lfu-decay-time': 1,
    'notify-keyspace-events': '',
    'hash-max-listpack-entries': cacheEncodingThresholdsDefault.hashListpackEntriesMax,
    'hash-max-listpack-value': cacheEncodingThresholdsDefault.hashListpackValueBytesMax,
    'set-max-intset-entries': cacheEncodingThresholdsDefault.setIntsetEntriesMax,
    'set-max-listpack-entries': cacheEncodingThresholdsDefault.setListpackEntriesMax,
    'set-max-listpack-value': cacheEncodingThresholdsDefault.setListpackValueBytesMax,
    'zset-max-listpack-entries': cacheEncodingThresholdsDefault.zsetListpackEntriesMax,
    'zset-max-listpack-value': cacheEncodingThresholdsDefault.zsetListpackValueBytesMax,
    'list-max-listpack-size': cacheEncodingThresholdsDefault.listListpackSize,
    'hll-sparse-max-bytes': cacheEncodingThresholdsDefault.hllSparseBytesMax,
    'stream-node-max-bytes': cacheEncodingThresholdsDefault.streamNodeBytesMax,
    'stream-node-max-entries': cacheEncodingThresholdsDefault.streamNodeEntriesMax,
    'list-compress-depth': 0,
    appendfsync: 'everysec',
    'lazyfree-lazy-eviction': false,
    'lazyfree-lazy-expire': false,
    'lazyfree-lazy-server-del': false,
    'lazyfree-lazy-user-del': false,
    'lazyfree-lazy-user-flush': false,
    'acllog-max-len': 128,
    'slowlog-log-slower-than': 10_000,
    'slowlog-max-len': 128,
    'latency-monitor-threshold': 0,
    'tracking-table-max-keys': 1_000_000,
    ...overrides,
  };
}

/** Parses Redis's memory syntax (`100`, `1kb`, `1k`, `5mb`, `2gb`...); null when invalid. */
export function parseMemoryValue(text: string): number | null {
  const match = /^([0-9]+)(b|k|kb|m|mb|g|gb)?$/i.exec(text);
  if (match === null) return null;
  const units: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  const value = Number(match[1]) * (units[(match[2] ?? 'b').toLowerCase()] ?? 1);
  return Number.isSafeInteger(value) ? value : null;
}

function formatValue(value: CacheConfigValues[keyof CacheConfigValues]): string {
  // Booleans read yes/no whatever their kind (appendonly is a `persistence-off` one).
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

function setFailed(name: string, reason: string): CacheCommandError {
  return new CacheCommandError('message', `CONFIG SET failed (possibly related to argument '${name}') - ${reason}`);
}

/** `name` is the parameter as CONFIG SET named it (an alias stays an alias in the error, as in Redis). */
function parseValue(spec: ParameterSpec, name: string, text: string, current: CacheConfigValues[keyof CacheConfigValues]): CacheConfigValues[keyof CacheConfigValues] {
  const type = spec.type;
  switch (type.kind) {
    case 'memory': {
      const value = parseMemoryValue(text);
      if (value === null) throw setFailed(name, 'argument must be a memory value');
      if (value < type.min || value > type.max) throw setFailed(name, `argument must be between ${type.min} and ${type.max} inclusive`);
      return value;
    }
    case 'integer': {
      if (!/^-?[0-9]+$/.test(text)) throw setFailed(name, 'argument couldn\'t be parsed into an integer');
      const value = Number(text);
      if (value < type.min || value > type.max) throw setFailed(name, `argument must be between ${type.min} and ${type.maxText ?? type.max} inclusive`);
      return value;
    }
    case 'persistence-off': {
      if (text.toLowerCase() !== type.offText) throw setFailed(name, 'this server keeps data in memory only and cannot persist it');
      return current;
    }
    case 'enum': {
      const value = text.toLowerCase();
      if (!type.values.includes(value)) throw setFailed(name, `argument(s) must be one of the following: ${type.values.join(', ')}`);
      return value as CacheEvictionPolicy;
    }
    case 'boolean': {
      const value = text.toLowerCase();
      if (value !== 'yes' && value !== 'no') throw setFailed(name, 'argument must be \'yes\' or \'no\'');
      return value === 'yes';
    }
    case 'string':
      return text;
    case 'output-buffer-limit':
      return parseOutputBufferLimit(name, text, current as string);
    case 'notify-flags': {
      validateNotifyFlags(text);
      return formatNotifyFlags(parseNotifyFlags(text) ?? cacheNotifyNone);
    }
  }
}

/**
 * `<class> <hard> <soft> <seconds>` groups; classes normal, slave/replica, pubsub. Classes not named
 * keep their values; the result is Redis's full form (every class, limits in bytes).
 */
function parseOutputBufferLimit(name: string, text: string, current: string): string {
  const words = text.trim().split(/\s+/);
  if (words.length % 4 !== 0) throw setFailed(name, 'Wrong number of arguments in buffer limit configuration.');
  for (let index = 0; index < words.length; index += 4) {
    const className = (words[index] as string).toLowerCase();
    if (!['normal', 'slave', 'replica', 'pubsub'].includes(className)) throw setFailed(name, 'Invalid client class specified in buffer limit configuration.');
    for (const limit of words.slice(index + 1, index + 3)) {
      if (parseMemoryValue(limit) === null) throw setFailed(name, 'Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    if (!/^[0-9]+$/.test(words[index + 3] as string)) throw setFailed(name, 'Error in hard, soft or soft_seconds setting in buffer limit configuration.');
  }
  const limits = new Map<string, OutputBufferLimit>();
  for (const className of ['normal', 'slave', 'pubsub'] as const) limits.set(className, outputBufferLimitOf(current, className));
  for (let index = 0; index < words.length; index += 4) {
    const className = (words[index] as string).toLowerCase();
    limits.set(className === 'replica' ? 'slave' : className, {
      hardBytes: parseMemoryValue(words[index + 1] as string) ?? 0,
      softBytes: parseMemoryValue(words[index + 2] as string) ?? 0,
      softSeconds: Number(words[index + 3]),
    });
  }
  return [...limits].map(([className, limit]) => `${className} ${limit.hardBytes} ${limit.softBytes} ${limit.softSeconds}`).join(' ');
}

export interface OutputBufferLimit {
  readonly hardBytes: number;
  readonly softBytes: number;
  readonly softSeconds: number;
}

/** The limits for a client class from a client-output-buffer-limit value (0 = no limit). */
export function outputBufferLimitOf(value: string, className: 'normal' | 'slave' | 'pubsub'): OutputBufferLimit {
  const words = value.split(/\s+/);
  let limit: OutputBufferLimit = { hardBytes: 0, softBytes: 0, softSeconds: 0 };
  for (let index = 0; index + 3 < words.length; index += 4) {
    if ((words[index] as string).toLowerCase() !== className) continue;
    limit = {
      hardBytes: parseMemoryValue(words[index + 1] as string) ?? 0,
      softBytes: parseMemoryValue(words[index + 2] as string) ?? 0,
      softSeconds: Number(words[index + 3]),
    };
  }
  return limit;
}

/** The parameters and their current values, plus the parsed forms hot paths read. */
export class CacheConfig {
  readonly values: CacheConfigValues;
  /** `client-output-buffer-limit`'s pub/sub class, parsed once per change (read per message sent). */
  pubsubOutputLimit: OutputBufferLimit;
  /** `notify-keyspace-events`, parsed once per change (read per key change). */
  notifyFlags: CacheNotifyFlags;

  constructor(values: CacheConfigValues) {
    this.values = values;
    this.pubsubOutputLimit = outputBufferLimitOf(values['client-output-buffer-limit'], 'pubsub');
    this.notifyFlags = parseNotifyFlags(values['notify-keyspace-events']) ?? cacheNotifyNone;
  }

  /** CONFIG GET: name/value pairs of every parameter matching any of the (case-insensitive) patterns. */
  get(patterns: readonly string[]): [string, string][] {
    const pairs: [string, string][] = [];
    for (const spec of parameterSpecs) {
      // Redis lists a parameter under each of its names that matches.
      for (const name of spec.alias === undefined ? [spec.name] : [spec.name, spec.alias]) {
        const matches = patterns.some((pattern) =>
          globMatch({ pattern: Buffer.from(pattern, 'latin1'), subject: Buffer.from(name, 'latin1'), caseInsensitive: true }),
        );
        if (matches) pairs.push([name, formatValue(this.values[spec.name])]);
      }
    }
    return pairs;
  }

  /**
   * CONFIG SET name value [name value ...]: all or nothing, as Redis 7 (every value is validated before
   * any is applied). Returns the names that changed.
   */
  set(pairs: readonly [string, string][]): string[] {
    const parsed = this.parse(pairs);
    for (const [spec, value] of parsed) (this.values as unknown as Record<string, unknown>)[spec.name] = value;
    this.pubsubOutputLimit = outputBufferLimitOf(this.values['client-output-buffer-limit'], 'pubsub');
    this.notifyFlags = parseNotifyFlags(this.values['notify-keyspace-events']) ?? cacheNotifyNone;
    return parsed.map(([spec]) => spec.name);
  }

  /** Throws the error CONFIG SET would give, changing nothing. */
  validate(pairs: readonly [string, string][]): void {
    this.parse(pairs);
  }

  private parse(pairs: readonly [string, string][]): [ParameterSpec, CacheConfigValues[keyof CacheConfigValues]][] {
    const parsed: [ParameterSpec, CacheConfigValues[keyof CacheConfigValues]][] = [];
    const seen = new Set<string>();
    for (const [rawName, text] of pairs) {
      const name = rawName.toLowerCase();
      const spec = parameterSpecs.find((candidate) => candidate.name === name || candidate.alias === name);
      if (spec === undefined) throw new CacheCommandError('message', `Unknown option or number of arguments for CONFIG SET - '${rawName}'`);
      // CONFIG SET to the current value changes nothing: Redis's test suite sets every parameter to
      // what CONFIG GET said ("CONFIG sanity"), and port and bind are mutable in Redis.
      if (!spec.mutable && !(spec.acceptsCurrentValue === true && text === formatValue(this.values[spec.name]))) throw setFailed(name, "can't set immutable config");
      if (seen.has(spec.name)) throw setFailed(name, 'duplicate parameter');
      seen.add(spec.name);
      parsed.push([spec, parseValue(spec, name, text, this.values[spec.name])]);
    }
    return parsed;
  }
}
