/**
 * ACL users, as Redis 7.0's acl.c (redis-server 7.0.15 checked): rules (ACL SETUSER), the
 * descriptions of ACL LIST and ACL GETUSER, authentication, the permission check of processCommand
 * (command bits, first args, key patterns with read/write, Pub/Sub channels, selectors) and ACL
 * DRYRUN. Pure: the engine wires it in (AUTH/HELLO, ACL subcommands, the check before running).
 *
 * Byte strings: rules, names, passwords, keys and channels arrive as Buffers (or strings taken as
 * latin1, one char per byte); they are kept as latin1 strings, so any byte round-trips, and replies
 * are built from the same bytes.
 *
 * The command universe is `cacheCommandMetadataList` (Redis 7.0.15's table as transcribed there,
 * subcommands after their container). A user's commands are a set of allowed full names (Redis's
 * bitmap), plus the ALLCOMMANDS flag and the reserved "future commands" bit that only `+@all` sets.
 * ACL LIST/GETUSER describe that set with Redis's greedy category fit
 * (ACLDescribeSelectorCommandRules), so a description set back gives the same set.
 */
import { assert } from '@objectbox/util';
import { arityAllows } from './cache-command-context.js';
import { CacheCommandError } from './cache-command-errors.js';
import {
  cacheAclCategories,
  cacheCommandMetadataList,
  commandKeyReferences,
  commandMetadata,
  type CacheAclCategory,
  type CacheCommandMetadata,
  type CacheKeyReference,
} from './cache-command-metadata.js';
import { globMatch } from './cache-glob.js';
import { splitInlineArguments } from './resp-decoder.js';
import { respBulkString, respNullBulk, respOk, type RespValue } from './resp-value.js';

// ---------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4), for password hashes. Pure; the cores do not use node:crypto.
// ---------------------------------------------------------------------------------------------

const sha256RoundConstants = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Lower-case hex SHA-256 of `data` (what ACLHashPassword stores). */
export function aclSha256Hex(data: Uint8Array): string {
  const bitLength = data.length * 8;
  const paddedLength = Math.ceil((data.length + 9) / 64) * 64;
  const message = new Uint8Array(paddedLength);
  message.set(data);
  message[data.length] = 0x80;
  const view = new DataView(message.buffer);
  view.setUint32(paddedLength - 8, Math.floor(bitLength / 0x100000000));
  view.setUint32(paddedLength - 4, bitLength >>> 0);
  const state = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const words = new Uint32Array(64);
  const rotr = (value: number, bits: number): number => (value >>> bits) | (value << (32 - bits));
  for (let offset = 0; offset < paddedLength; offset += 64) {
    for (let index = 0; index < 16; index++) words[index] = view.getUint32(offset + index * 4);
    for (let index = 16; index < 64; index++) {
      const w15 = words[index - 15]!;
      const w2 = words[index - 2]!;
      const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      words[index] = (words[index - 16]! + s0 + words[index - 7]! + s1) >>> 0;
    }
    let a = state[0]!;
    let b = state[1]!;
    let c = state[2]!;
    let d = state[3]!;
    let e = state[4]!;
    let f = state[5]!;
    let g = state[6]!;
    let h = state[7]!;
    for (let index = 0; index < 64; index++) {
      const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + sha256RoundConstants[index]! + words[index]!) >>> 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) >>> 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    state[0] = state[0]! + a;
    state[1] = state[1]! + b;
    state[2] = state[2]! + c;
    state[3] = state[3]! + d;
    state[4] = state[4]! + e;
    state[5] = state[5]! + f;
    state[6] = state[6]! + g;
    state[7] = state[7]! + h;
  }
  return [...state].map((word) => word.toString(16).padStart(8, '0')).join('');
}

// ---------------------------------------------------------------------------------------------
// The command universe (server.orig_commands) and command lookup.
// ---------------------------------------------------------------------------------------------

interface AclCommand {
  /** Full lower-case name (`config|get`). */
  readonly name: string;
  readonly categories: ReadonlySet<CacheAclCategory>;
  readonly isSubcommand: boolean;
  readonly subcommands: readonly AclCommand[];
}

function aclCommandOf(metadata: CacheCommandMetadata, isSubcommand: boolean): AclCommand {
  return {
    name: metadata.name,
    categories: new Set(metadata.aclCategories),
    isSubcommand,
    subcommands: metadata.subcommands.map((sub) => aclCommandOf(sub, true)),
  };
}

/**
 * Redis 7.0.15 commands the metadata table does not describe (streams, geo, HyperLogLog, cluster,
 * replication, persistence, ...), `name:categories`, from its COMMAND reply: rules may name them and
 * ACL LIST/GETUSER count them in categories as Redis does. The cache does not implement them.
 */
const aclOnlyCommandRows = [
  'asking:fast connection;bgrewriteaof:admin slow dangerous;bgsave:admin slow dangerous;cluster:slow;',
  'cluster|addslots:admin slow dangerous;cluster|addslotsrange:admin slow dangerous;cluster|bumpepoch:admin slow dangerous;',
  'cluster|count-failure-reports:admin slow dangerous;cluster|countkeysinslot:slow;cluster|delslots:admin slow dangerous;',
  'cluster|delslotsrange:admin slow dangerous;cluster|failover:admin slow dangerous;cluster|flushslots:admin slow dangerous;',
  'cluster|forget:admin slow dangerous;cluster|getkeysinslot:slow;cluster|help:slow;cluster|info:slow;cluster|keyslot:slow;',
  'cluster|links:slow;cluster|meet:admin slow dangerous;cluster|myid:slow;cluster|nodes:slow;cluster|replicas:admin slow dangerous;',
  'cluster|replicate:admin slow dangerous;cluster|reset:admin slow dangerous;cluster|saveconfig:admin slow dangerous;',
  'cluster|set-config-epoch:admin slow dangerous;cluster|setslot:admin slow dangerous;cluster|shards:slow;',
  'cluster|slaves:admin slow dangerous;cluster|slots:slow;failover:admin slow dangerous;geoadd:write geo slow;geodist:read geo slow;',
  'geohash:read geo slow;geopos:read geo slow;georadius:write geo slow;georadius_ro:read geo slow;georadiusbymember:write geo slow;',
  'georadiusbymember_ro:read geo slow;geosearch:read geo slow;geosearchstore:write geo slow;latency:slow;',
  'latency|doctor:admin slow dangerous;latency|graph:admin slow dangerous;latency|help:slow;latency|histogram:admin slow dangerous;',
  'latency|history:admin slow dangerous;latency|latest:admin slow dangerous;latency|reset:admin slow dangerous;lolwut:read fast;',
  'memory:slow;memory|doctor:slow;memory|help:slow;memory|malloc-stats:slow;memory|purge:slow;memory|stats:slow;',
  'memory|usage:read slow;migrate:keyspace write slow dangerous;module:slow;module|help:slow;module|list:admin slow dangerous;',
  'module|load:admin slow dangerous;module|loadex:admin slow dangerous;module|unload:admin slow dangerous;',
  'monitor:admin slow dangerous;pfadd:write hyperloglog fast;pfcount:read hyperloglog slow;',
  'pfdebug:write hyperloglog admin slow dangerous;pfmerge:write hyperloglog slow;pfselftest:hyperloglog admin slow dangerous;',
  'psync:admin slow dangerous;readonly:fast connection;readwrite:fast connection;replconf:admin slow dangerous;',
  'replicaof:admin slow dangerous;restore-asking:keyspace write slow dangerous;role:admin fast dangerous;save:admin slow dangerous;',
  'shutdown:admin slow dangerous;slaveof:admin slow dangerous;slowlog:slow;slowlog|get:admin slow dangerous;slowlog|help:slow;',
  'slowlog|len:admin slow dangerous;slowlog|reset:admin slow dangerous;spublish:pubsub fast;ssubscribe:pubsub slow;',
  'sunsubscribe:pubsub slow;sync:admin slow dangerous;wait:slow connection;xack:write stream fast;xadd:write stream fast;',
  'xautoclaim:write stream fast;xclaim:write stream fast;xdel:write stream fast;xgroup:slow;xgroup|create:write stream slow;',
  'xgroup|createconsumer:write stream slow;xgroup|delconsumer:write stream slow;xgroup|destroy:write stream slow;',
  'xgroup|help:stream slow;xgroup|setid:write stream slow;xinfo:slow;xinfo|consumers:read stream slow;xinfo|groups:read stream slow;',
  'xinfo|help:stream slow;xinfo|stream:read stream slow;xlen:read stream fast;xpending:read stream slow;xrange:read stream slow;',
  'xread:read stream slow blocking;xreadgroup:write stream slow blocking;xrevrange:read stream slow;xsetid:write stream fast;',
  'xtrim:write stream slow;',
].join('');

function aclOnlyCommands(): AclCommand[] {
  const rows = aclOnlyCommandRows.split(';').filter((row) => row.length > 0).map((row) => {
    const [name, categories] = row.split(':') as [string, string];
    assert(categories.split(' ').every((category) => (cacheAclCategories as readonly string[]).includes(category)), `ACL categories of ${name}`);
    return { name, categories: new Set(categories.split(' ') as CacheAclCategory[]) };
  });
  return rows
    .filter((row) => !row.name.includes('|'))
    .map((row) => ({
      ...row,
      isSubcommand: false,
      subcommands: rows.filter((sub) => sub.name.startsWith(`${row.name}|`)).map((sub) => ({ ...sub, isSubcommand: true, subcommands: [] })),
    }));
}

const aclCommands: readonly AclCommand[] = [...cacheCommandMetadataList.map((metadata) => aclCommandOf(metadata, false)), ...aclOnlyCommands()];
const aclCommandsByName: ReadonlyMap<string, AclCommand> = new Map(
  aclCommands.flatMap((command) => [[command.name, command] as const, ...command.subcommands.map((sub) => [sub.name, sub] as const)]),
);

/** ACLLookupCommand (lookupCommandBySdsLogic): `name` or `container|sub`, ASCII case-insensitively. */
function lookupAclCommand(name: string): AclCommand | undefined {
  const parts = name.split('|');
  if (parts.length > 2) return undefined;
  const base = aclCommandsByName.get((parts[0] as string).toLowerCase());
  if (base === undefined || base.isSubcommand) return undefined;
  if (parts.length === 1) return base;
  if (base.subcommands.length === 0) return undefined;
  return aclCommandsByName.get(`${base.name}|${(parts[1] as string).toLowerCase()}`);
}

function categoryOf(name: string): CacheAclCategory | undefined {
  const lower = name.toLowerCase();
  return cacheAclCategories.find((category) => category === lower);
}

// ---------------------------------------------------------------------------------------------
// Selectors and users.
// ---------------------------------------------------------------------------------------------

/** A key pattern: `~p` (read and write), `%R~p`, `%W~p`. `pattern` is latin1 (one char per byte). */
export interface CacheAclKeyPattern {
  readonly pattern: string;
  readonly read: boolean;
  readonly write: boolean;
}

/** Why a rule failed (ACLSetUserStringError's errno). */
type AclRuleErrorKind = 'ENOENT' | 'EINVAL' | 'EEXIST' | 'EISDIR' | 'ENODEV' | 'EBADMSG' | 'ECHILD';

const aclRuleErrorTexts: Readonly<Record<AclRuleErrorKind, string>> = {
  ENOENT: 'Unknown command or category name in ACL',
  EINVAL: 'Syntax error',
  EEXIST:
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns",
  EISDIR:
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not have any effect. Try 'resetchannels' to start with an empty list of channels",
  ENODEV: 'The password you are trying to remove from the user does not exist',
  EBADMSG: 'The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters',
  ECHILD: 'Allowing first-arg of a subcommand is not supported',
};

class AclRuleError extends Error {
  constructor(readonly kind: AclRuleErrorKind) {
    super(aclRuleErrorTexts[kind]);
  }
}

/** One selector (aclSelector): the root selector of a user, or a `(...)` one. */
export class CacheAclSelector {
  /** Allowed commands and subcommands by full lower-case name (Redis's allowed_commands bitmap). */
  allowedCommands = new Set<string>();
  /** SELECTOR_FLAG_ALLCOMMANDS: set by `+@all`, cleared when any command bit is cleared. */
  allCommands = false;
  /** The reserved bit only `+@all` sets: the user may run commands unknown to the table. */
  futureCommands = false;
  /** Allowed first arguments of otherwise blocked commands (`+select|0`), by command name. */
  firstArgs = new Map<string, string[]>();
  allKeys = false;
  keyPatterns: CacheAclKeyPattern[] = [];
  allChannels = false;
  /** Channel patterns, latin1. */
  channelPatterns: string[] = [];

  clone(): CacheAclSelector {
    const copy = new CacheAclSelector();
    copy.allowedCommands = new Set(this.allowedCommands);
    copy.allCommands = this.allCommands;
    copy.futureCommands = this.futureCommands;
    copy.firstArgs = new Map([...this.firstArgs].map(([name, args]) => [name, [...args]]));
    copy.allKeys = this.allKeys;
    copy.keyPatterns = [...this.keyPatterns];
    copy.allChannels = this.allChannels;
    copy.channelPatterns = [...this.channelPatterns];
    return copy;
  }

  /** ACLSetSelector: one selector rule; throws AclRuleError. */
  apply(op: string): void {
    const lower = op.toLowerCase();
    if (lower === 'allkeys' || lower === '~*') {
      this.allKeys = true;
      this.keyPatterns = [];
    } else if (lower === 'resetkeys') {
      this.allKeys = false;
      this.keyPatterns = [];
    } else if (lower === 'allchannels' || lower === '&*') {
      this.allChannels = true;
      this.channelPatterns = [];
    } else if (lower === 'resetchannels') {
      this.allChannels = false;
      this.channelPatterns = [];
    } else if (lower === 'allcommands' || lower === '+@all') {
      this.allowedCommands = new Set(aclCommandsByName.keys());
      this.allCommands = true;
      this.futureCommands = true;
      this.firstArgs.clear();
    } else if (lower === 'nocommands' || lower === '-@all') {
      this.allowedCommands.clear();
      this.allCommands = false;
      this.futureCommands = false;
      this.firstArgs.clear();
    } else if (op.startsWith('~') || op.startsWith('%')) {
      this.applyKeyPattern(op);
    } else if (op.startsWith('&')) {
      if (this.allChannels) throw new AclRuleError('EISDIR');
      const pattern = op.slice(1);
      if (hasSpaces(pattern)) throw new AclRuleError('EINVAL');
      if (!this.channelPatterns.includes(pattern)) this.channelPatterns.push(pattern);
      this.allChannels = false;
    } else if (op.startsWith('+') && op[1] !== '@') {
      this.applyAllow(op.slice(1));
    } else if (op.startsWith('-') && op[1] !== '@') {
      const command = lookupAclCommand(op.slice(1));
      if (command === undefined) throw new AclRuleError('ENOENT');
      this.changePermission(command, false);
    } else if (op.startsWith('+@') || op.startsWith('-@')) {
      const category = categoryOf(op.slice(2));
      if (category === undefined) throw new AclRuleError('ENOENT');
      this.setCategory(category, op.startsWith('+'));
    } else {
      throw new AclRuleError('EINVAL');
    }
  }

  private applyKeyPattern(op: string): void {
    if (this.allKeys) throw new AclRuleError('EEXIST');
    let read = false;
    let write = false;
    let offset = 1;
    if (op.startsWith('%')) {
      for (; offset < op.length; offset++) {
        const char = (op[offset] as string).toUpperCase();
        if (char === 'R' && !read) read = true;
        else if (char === 'W' && !write) write = true;
        else if (op[offset] === '~') {
          offset++;
          break;
        } else throw new AclRuleError('EINVAL');
      }
      if (!read && !write) throw new AclRuleError('EINVAL');
    } else {
      read = true;
      write = true;
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) throw new AclRuleError('EINVAL');
    const index = this.keyPatterns.findIndex((existing) => existing.pattern === pattern);
    if (index === -1) this.keyPatterns.push({ pattern, read, write });
    else {
      const existing = this.keyPatterns[index] as CacheAclKeyPattern;
      this.keyPatterns[index] = { pattern, read: existing.read || read, write: existing.write || write };
    }
    this.allKeys = false;
  }

  private applyAllow(name: string): void {
    const bar = name.lastIndexOf('|');
    if (bar === -1) {
      const command = lookupAclCommand(name);
      if (command === undefined) throw new AclRuleError('ENOENT');
      this.changePermission(command, true);
      return;
    }
    const command = lookupAclCommand(name.slice(0, bar));
    const sub = name.slice(bar + 1);
    if (command === undefined) throw new AclRuleError('ENOENT');
    if (command.isSubcommand) throw new AclRuleError('ECHILD');
    if (sub.length === 0) throw new AclRuleError('EINVAL');
    if (command.subcommands.length > 0) {
      const subcommand = lookupAclCommand(name);
      if (subcommand === undefined) throw new AclRuleError('ENOENT');
      this.changePermission(subcommand, true);
      return;
    }
    // A first argument of a command without subcommands (`+select|0`), ACLAddAllowedFirstArg.
    const allowed = this.firstArgs.get(command.name) ?? [];
    if (!allowed.some((existing) => existing.toLowerCase() === sub.toLowerCase())) allowed.push(sub);
    this.firstArgs.set(command.name, allowed);
  }

  private setBit(name: string, allow: boolean): void {
    if (allow) this.allowedCommands.add(name);
    else {
      this.allowedCommands.delete(name);
      this.allCommands = false;
    }
  }

  /** ACLChangeSelectorPerm: a container's rule applies to its subcommands too. */
  changePermission(command: AclCommand, allow: boolean): void {
    this.setBit(command.name, allow);
    this.firstArgs.delete(command.name);
    for (const sub of command.subcommands) this.setBit(sub.name, allow);
  }

  /** ACLSetSelectorCommandBitsForCategoryLogic. */
  setCategory(category: CacheAclCategory, allow: boolean, commands: readonly AclCommand[] = aclCommands): void {
    for (const command of commands) {
      if (command.categories.has(category)) this.changePermission(command, allow);
      if (command.subcommands.length > 0) this.setCategory(category, allow, command.subcommands);
    }
  }

  /** ACLDescribeSelectorCommandRules: `+@all`/`-@all`, the greedy category fit, then single commands. */
  describeCommandRules(): string {
    return this.commandRules().join(' ');
  }

  /** The command rules of `describeCommandRules` as separate rules. */
  commandRules(): string[] {
    const rules: string[] = [];
    const additive = !this.futureCommands;
    const fake = new CacheAclSelector();
    fake.apply(additive ? '-@all' : '+@all');
    rules.push(additive ? '-@all' : '+@all');
    const temp = new CacheAclSelector();
    temp.allowedCommands = new Set(this.allowedCommands);
    const applied = new Set<CacheAclCategory>();
    for (;;) {
      let best: CacheAclCategory | null = null;
      let minDiff = Number.MAX_SAFE_INTEGER;
      let maxSame = 0;
      for (const category of cacheAclCategories) {
        if (applied.has(category)) continue;
        const { on, off } = temp.countCategory(category);
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < minDiff || (diff === minDiff && same > maxSame))) {
          best = category;
          minDiff = diff;
          maxSame = same;
        }
      }
      if (best === null) break;
      fake.setCategory(best, additive);
      temp.setCategory(best, !additive);
      rules.push(`${additive ? '+' : '-'}@${best}`);
      applied.add(best);
    }
    this.describeSingleCommands(fake, rules, aclCommands);
    assert(sameSet(fake.allowedCommands, this.allowedCommands), `ACL description does not reproduce the command set: ${rules.join(' ')}`);
    return rules;
  }

  private describeSingleCommands(fake: CacheAclSelector, rules: string[], commands: readonly AclCommand[]): void {
    for (const command of commands) {
      const userBit = this.allowedCommands.has(command.name);
      if (userBit !== fake.allowedCommands.has(command.name)) {
        rules.push(`${userBit ? '+' : '-'}${command.name}`);
        fake.changePermission(command, userBit);
      }
      if (command.subcommands.length > 0) this.describeSingleCommands(fake, rules, command.subcommands);
      const firstArgs = this.firstArgs.get(command.name);
      if (!userBit && firstArgs !== undefined) for (const arg of firstArgs) rules.push(`+${command.name}|${arg}`);
    }
  }

  private countCategory(category: CacheAclCategory, commands: readonly AclCommand[] = aclCommands, counts = { on: 0, off: 0 }): { on: number; off: number } {
    for (const command of commands) {
      if (command.categories.has(category)) {
        if (this.allowedCommands.has(command.name)) counts.on++;
        else counts.off++;
      }
      if (command.subcommands.length > 0) this.countCategory(category, command.subcommands, counts);
    }
    return counts;
  }

  /** The rules of ACLDescribeSelector (keys, channels, command rules): they rebuild this selector from a fresh one. */
  rules(): string[] {
    const keys = this.allKeys ? ['~*'] : this.keyPatterns.map(keyPatternText);
    const channels = this.allChannels ? ['&*'] : ['resetchannels', ...this.channelPatterns.map((pattern) => `&${pattern}`)];
    return [...keys, ...channels, ...this.commandRules()];
  }

  /** ACLDescribeSelector: the rules joined by spaces. */
  describe(): string {
    return this.rules().join(' ');
  }

  /** GETUSER's `keys` value. */
  describeKeys(): string {
    return this.allKeys ? '~*' : this.keyPatterns.map(keyPatternText).join(' ');
  }

  /** GETUSER's `channels` value. */
  describeChannels(): string {
    return this.allChannels ? '&*' : this.channelPatterns.map((pattern) => `&${pattern}`).join(' ');
  }
}

function keyPatternText(pattern: CacheAclKeyPattern): string {
  if (pattern.read && pattern.write) return `~${pattern.pattern}`;
  return `${pattern.read ? '%R' : '%W'}~${pattern.pattern}`;
}

/** ACLStringHasSpaces: C isspace (space, \t \n \v \f \r) or NUL. */
function hasSpaces(text: string): boolean {
  return /[\t\n\v\f\r \0]/u.test(text);
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((name) => b.has(name));
}

/** A user (struct user): flags, password hashes, the root selector and further selectors. */
export class CacheAclUser {
  /** `on` / `off` (Redis keeps exactly one of the two flags). */
  enabled = false;
  /** The `nopass` flag: any password authenticates. */
  nopass = false;
  /** `sanitize-payload` / `skip-sanitize-payload` flags; a fresh user has neither. */
  sanitizePayload: 'sanitize' | 'skip' | null = null;
  /** SHA-256 hex hashes, in insertion order. */
  passwords: string[] = [];
  root = new CacheAclSelector();
  /** Selectors beyond the root one (`(...)` rules). */
  selectors: CacheAclSelector[] = [];

  /** `name` is latin1 (one char per byte). */
  constructor(readonly name: string) {}

  clone(name = this.name): CacheAclUser {
    const copy = new CacheAclUser(name);
    copy.enabled = this.enabled;
    copy.nopass = this.nopass;
    copy.sanitizePayload = this.sanitizePayload;
    copy.passwords = [...this.passwords];
    copy.root = this.root.clone();
    copy.selectors = this.selectors.map((selector) => selector.clone());
    return copy;
  }

  /** All selectors, the root first (the order permission checks use). */
  allSelectors(): CacheAclSelector[] {
    return [this.root, ...this.selectors];
  }

  /** ACLSetUser: one rule (latin1); throws AclRuleError. An empty rule does nothing. */
  apply(op: string): void {
    if (op.length === 0) return;
    const lower = op.toLowerCase();
    if (lower === 'on') this.enabled = true;
    else if (lower === 'off') this.enabled = false;
    else if (lower === 'skip-sanitize-payload') this.sanitizePayload = 'skip';
    else if (lower === 'sanitize-payload') this.sanitizePayload = 'sanitize';
    else if (lower === 'nopass') {
      this.nopass = true;
      this.passwords = [];
    } else if (lower === 'resetpass') {
      this.nopass = false;
      this.passwords = [];
    } else if (op.startsWith('>') || op.startsWith('#')) {
      const hash = op.startsWith('>') ? hashOf(op.slice(1)) : checkedHash(op.slice(1));
      if (!this.passwords.includes(hash)) this.passwords.push(hash);
      this.nopass = false;
    } else if (op.startsWith('<') || op.startsWith('!')) {
      const hash = op.startsWith('<') ? hashOf(op.slice(1)) : checkedHash(op.slice(1));
      const index = this.passwords.indexOf(hash);
      if (index === -1) throw new AclRuleError('ENODEV');
      this.passwords.splice(index, 1);
    } else if (op.startsWith('(') && op.endsWith(')')) {
      const selector = new CacheAclSelector();
      const words = splitInlineArguments(Buffer.from(op.slice(1, -1), 'latin1')) ?? [];
      for (const word of words) selector.apply(word.toString('latin1'));
      this.selectors.push(selector);
    } else if (lower === 'clearselectors') {
      this.selectors = [];
    } else if (lower === 'reset') {
      this.apply('resetpass');
      this.apply('resetkeys');
      this.apply('resetchannels');
      this.apply('off');
      this.apply('sanitize-payload');
      this.apply('clearselectors');
      this.apply('-@all');
    } else {
      this.root.apply(op);
    }
  }

  /** ACLDescribeUser: flags, `#hash`es, the root selector, then `(selector)`s. */
  describe(): string {
    const head = [...this.flags(), ...this.passwords.map((hash) => `#${hash}`), ...this.root.rules()].join(' ');
    return `${head}${this.selectors.map((selector) => ` (${selector.describe()})`).join('')}`;
  }

  /** The flags in ACLUserFlags order (ACL LIST, GETUSER). */
  flags(): string[] {
    const flags = [this.enabled ? 'on' : 'off'];
    if (this.nopass) flags.push('nopass');
    if (this.sanitizePayload === 'skip') flags.push('skip-sanitize-payload');
    if (this.sanitizePayload === 'sanitize') flags.push('sanitize-payload');
    return flags;
  }

  /** Whether `password` (bytes, or a latin1 string) authenticates this user, ignoring on/off. */
  passwordMatches(password: Uint8Array | string): boolean {
    if (this.nopass) return true;
    return this.passwords.includes(aclSha256Hex(bytesOf(password)));
  }
}

function bytesOf(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
}

function textOf(value: Uint8Array | string): string {
  return typeof value === 'string' ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
}

function hashOf(passwordLatin1: string): string {
  return aclSha256Hex(Buffer.from(passwordLatin1, 'latin1'));
}

/** ACLCheckPasswordHash: 64 lower-case hex digits. */
function checkedHash(hash: string): string {
  if (!/^[0-9a-f]{64}$/u.test(hash)) throw new AclRuleError('EBADMSG');
  return hash;
}

/**
 * ACLMergeSelectorArguments: a `(` argument not ending in `)` opens a selector that the following
 * arguments join (with a space) until one ends in `)`. Returns the index of the opening argument
 * when it is never closed.
 */
function mergeSelectorArguments(args: readonly string[]): { merged: string[] } | { unmatchedIndex: number } {
  const merged: string[] = [];
  let openIndex = -1;
  let selector = '';
  for (let index = 0; index < args.length; index++) {
    const op = args[index] as string;
    if (op.startsWith('(') && !op.endsWith(')')) {
      selector = op;
      openIndex = index;
      continue;
    }
    if (openIndex !== -1) {
      selector = `${selector} ${op}`;
      if (op.endsWith(')')) {
        openIndex = -1;
        merged.push(selector);
      }
      continue;
    }
    merged.push(op);
  }
  return openIndex === -1 ? { merged } : { unmatchedIndex: openIndex };
}

// ---------------------------------------------------------------------------------------------
// Permission checks.
// ---------------------------------------------------------------------------------------------

/** A denied command (ACLCheckAllUserCommandPerm's result); `argIndex` indexes the whole argument vector. */
export type CacheAclDenial =
  | { readonly reason: 'command'; readonly commandName: string }
  | { readonly reason: 'key' | 'channel'; readonly commandName: string; readonly argIndex: number };


/** The channel arguments of PUBLISH/SPUBLISH (1), SUBSCRIBE/SSUBSCRIBE/PSUBSCRIBE (all); PSUBSCRIBE matches literally. */
function channelArguments(name: string, argc: number): { readonly from: number; readonly to: number; readonly literal: boolean } | null {
  if (name === 'publish' || name === 'spublish') return { from: 1, to: Math.min(2, argc), literal: false };
  if (name === 'subscribe' || name === 'ssubscribe') return { from: 1, to: argc, literal: false };
  if (name === 'psubscribe') return { from: 1, to: argc, literal: true };
  return null;
}

/** Pattern bytes, converted once per pattern text. */
const patternBytesCache = new Map<string, Buffer>();
const patternBytesCacheSizeMax = 4096;

function patternBytes(pattern: string): Buffer {
  let bytes = patternBytesCache.get(pattern);
  if (bytes === undefined) {
    if (patternBytesCache.size >= patternBytesCacheSizeMax) patternBytesCache.clear();
    bytes = Buffer.from(pattern, 'latin1');
    patternBytesCache.set(pattern, bytes);
  }
  return bytes;
}

function channelAllowedBySelector(selector: CacheAclSelector, channel: Buffer, literal: boolean): boolean {
  if (selector.allChannels) return true;
  return selector.channelPatterns.some((pattern) =>
    literal ? patternBytes(pattern).equals(channel) : globMatch({ pattern: patternBytes(pattern), subject: channel, caseInsensitive: false }),
  );
}

function keyAllowedBySelector(selector: CacheAclSelector, key: Buffer, reference: CacheKeyReference): boolean {
  if (selector.allKeys) return true;
  return selector.keyPatterns.some(
    (pattern) =>
      (!reference.read || pattern.read) &&
      (!reference.write || pattern.write) &&
      globMatch({ pattern: patternBytes(pattern.pattern), subject: key, caseInsensitive: false }),
  );
}

const aclDeniedRank = { command: 1, key: 2, channel: 4 } as const;

/** ACLSelectorCheckCmd; the result's index is written to `state.index` as Redis's keyidxptr. */
function checkSelector(
  selector: CacheAclSelector,
  metadata: CacheCommandMetadata | undefined,
  name: string,
  args: readonly Buffer[],
  keys: () => CacheKeyReference[],
  state: { index: number },
): 'ok' | 'command' | 'key' | 'channel' {
  const noAuth = metadata?.flags.includes('no_auth') ?? false;
  if (!selector.allCommands && !noAuth) {
    const allowed = aclCommandsByName.has(name) ? selector.allowedCommands.has(name) : selector.futureCommands;
    if (!allowed) {
      const firstArgs = selector.firstArgs.get(name);
      if (args.length < 2 || firstArgs === undefined) return 'command';
      const argument = (args[name.includes('|') ? 2 : 1] as Buffer | undefined)?.toString('latin1').toLowerCase();
      if (argument === undefined || !firstArgs.some((first) => first.toLowerCase() === argument)) return 'command';
    }
  }
  if (!selector.allKeys && metadata !== undefined) {
    for (const reference of keys()) {
      if (!keyAllowedBySelector(selector, args[reference.index] as Buffer, reference)) {
        state.index = reference.index;
        return 'key';
      }
    }
  }
  const channels = selector.allChannels ? null : channelArguments(name, args.length);
  if (channels !== null) {
    for (let index = channels.from; index < channels.to; index++) {
      if (!channelAllowedBySelector(selector, args[index] as Buffer, channels.literal)) {
        state.index = index;
        return 'channel';
      }
    }
  }
  return 'ok';
}

/**
 * ACLCheckAllUserCommandPerm: whether `user` may run `args` (the whole vector, `args[0]` the
 * command name; arity already checked). A container's subcommand is resolved from `args[1]`; an
 * unknown subcommand is not refused here (Redis answers it before the ACL check). A denial names
 * the full command name (`config|set`) or the argument index of the refused key or channel: when
 * several selectors refuse, the channel beats the key beats the command, then the later index.
 */
export function aclCheckCommand(user: CacheAclUser, args: readonly Buffer[]): CacheAclDenial | null {
  if (user.root.allCommands && user.root.allKeys && user.root.allChannels) return null;
  const base = commandMetadata((args[0] as Buffer).toString('latin1'));
  let metadata = base;
  if (base !== undefined && base.subcommands.length > 0 && args.length >= 2) {
    metadata = commandMetadata(`${base.name}|${(args[1] as Buffer).toString('latin1')}`);
    if (metadata === undefined) return null;
  }
  const name = metadata?.name ?? (args[0] as Buffer).toString('latin1').toLowerCase();
  let cached: CacheKeyReference[] | null = null;
  const keys = (): CacheKeyReference[] => (cached ??= metadata === undefined ? [] : commandKeyReferences(metadata, args));
  let relevant: 'command' | 'key' | 'channel' = 'command';
  let lastIndex = 0;
  const state = { index: 0 };
  for (const selector of user.allSelectors()) {
    const result = checkSelector(selector, metadata, name, args, keys, state);
    if (result === 'ok') return null;
    if (aclDeniedRank[result] > aclDeniedRank[relevant] || (result === relevant && state.index > lastIndex)) {
      relevant = result;
      lastIndex = state.index;
    }
  }
  if (relevant === 'command') return { reason: 'command', commandName: name };
  return { reason: relevant, commandName: name, argIndex: lastIndex };
}

/** ACLUserCheckKeyPerm(user, "*", pattern): a selector allows every key, or reads them through the pattern `*`. */
export function aclUserHasFullKeyAccess(user: CacheAclUser): boolean {
  return user.allSelectors().some((selector) => selector.allKeys || selector.keyPatterns.some((pattern) => pattern.read && pattern.pattern === '*'));
}

/** ACLUserCheckChannelPerm: whether one of the user's selectors allows `channel` (literal: PSUBSCRIBE patterns). */
export function aclChannelAllowed(user: CacheAclUser, channel: Buffer, literal: boolean): boolean {
  return user.allSelectors().some((selector) => channelAllowedBySelector(selector, channel, literal));
}

/** The text after `NOPERM ` that processCommand replies for a denial. */
export function noPermissionText(denial: CacheAclDenial): string {
  switch (denial.reason) {
    case 'command':
      return `this user has no permissions to run the '${denial.commandName}' command`;
    case 'key':
      return 'this user has no permissions to access one of the keys used as arguments';
    case 'channel':
      return 'this user has no permissions to access one of the channels used as arguments';
  }
}

/** The NOPERM error for a denial (`-NOPERM this user has no permissions ...`). */
export function noPermissionError(denial: CacheAclDenial): CacheCommandError {
  return new CacheCommandError('no-perm', noPermissionText(denial));
}

// ---------------------------------------------------------------------------------------------
// The store.
// ---------------------------------------------------------------------------------------------

/**
 * The plain form of the users, for the Raft log and snapshots (strings are latin1): each user as the
 * rules that rebuild it from a fresh user (flags, `#hash`es, root selector), and each further
 * selector as its own rules, so no rule is ever re-split.
 */
export interface CacheAclStoreData {
  readonly users: readonly { readonly name: string; readonly rules: readonly string[]; readonly selectors: readonly (readonly string[])[] }[];
}

const defaultUserName = 'default';

function createDefaultUser(): CacheAclUser {
  const user = new CacheAclUser(defaultUserName);
  for (const rule of ['+@all', '~*', '&*', 'on', 'nopass']) user.apply(rule);
  return user;
}

/** The users (Redis's `Users` rax): `default` always exists. Names are latin1 strings. */
export class CacheAclStore {
  private readonly users = new Map<string, CacheAclUser>([[defaultUserName, createDefaultUser()]]);

  /** The user named `name`, if any. */
  user(name: Uint8Array | string): CacheAclUser | undefined {
    return this.users.get(textOf(name));
  }

  get defaultUser(): CacheAclUser {
    return this.users.get(defaultUserName) as CacheAclUser;
  }

  /** Names in Redis's order (the rax: byte order). */
  userNames(): string[] {
    return [...this.users.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * ACL SETUSER: applies every rule to a copy of the user (a fresh one when it does not exist) and
   * stores it only if all succeed. Throws CacheCommandError with Redis's texts. Returns the new user.
   */
  setUser(name: Uint8Array | string, rules: readonly (Uint8Array | string)[]): CacheAclUser {
    const userName = textOf(name);
    if (hasSpaces(userName)) throw new CacheCommandError('message', "Usernames can't contain spaces or null characters");
    const ruleTexts = rules.map(textOf);
    const merge = mergeSelectorArguments(ruleTexts);
    if ('unmatchedIndex' in merge) {
      throw new CacheCommandError('message', `Unmatched parenthesis in acl selector starting at '${ruleTexts[merge.unmatchedIndex] as string}'.`);
    }
    const user = this.users.get(userName)?.clone() ?? new CacheAclUser(userName);
    for (const rule of merge.merged) {
      try {
        user.apply(rule);
      } catch (error) {
        if (error instanceof AclRuleError) throw new CacheCommandError('message', `Error in ACL SETUSER modifier '${rule}': ${error.message}`);
        throw error;
      }
    }
    this.users.set(userName, user);
    return user;
  }

  /**
   * ACL DELUSER: refuses (before deleting any) if `default` is named; returns the names actually
   * deleted (the reply is their count; their connections go back to `default`, unauthenticated,
   * and are closed in Redis).
   */
  deleteUsers(names: readonly (Uint8Array | string)[]): string[] {
    const texts = names.map(textOf);
    if (texts.includes(defaultUserName)) throw new CacheCommandError('message', "The 'default' user cannot be removed");
    return texts.filter((name) => this.users.delete(name));
  }

  /** ACL GETUSER: a map (flags set, passwords, commands, keys, channels, selectors), or null. */
  getUserReply(name: Uint8Array | string): RespValue {
    const user = this.users.get(textOf(name));
    if (user === undefined) return respNullBulk;
    return map([
      ['flags', { type: 'set', items: user.flags().map((flag) => respBulkString(flag)) }],
      ['passwords', { type: 'array', items: user.passwords.map((hash) => respBulkString(hash)) }],
      ...selectorEntries(user.root),
      ['selectors', { type: 'array', items: user.selectors.map((selector) => map(selectorEntries(selector))) }],
    ]);
  }

  /** ACL LIST lines (`user default on nopass ~* &* +@all`), latin1, in name order. */
  listLines(): string[] {
    return this.userNames().map((name) => `user ${name} ${(this.users.get(name) as CacheAclUser).describe()}`);
  }

  /** ACL LIST's reply. */
  listReply(): RespValue {
    return { type: 'array', items: this.listLines().map(latin1Bulk) };
  }

  /** ACL USERS' reply. */
  usersReply(): RespValue {
    return { type: 'array', items: this.userNames().map(latin1Bulk) };
  }

  /** ACLCheckUserCredentials: the user when it exists, is on, and the password matches (or nopass). */
  authenticate(name: Uint8Array | string, password: Uint8Array | string): CacheAclUser | null {
    const user = this.users.get(textOf(name));
    if (user === undefined || !user.enabled) return null;
    return user.passwordMatches(password) ? user : null;
  }

  /** Whether a new connection starts authenticated (createClient: default is nopass and on). */
  newConnectionAuthenticated(): boolean {
    return this.defaultUser.nopass && this.defaultUser.enabled;
  }

  /** ACLUpdateDefaultUserPassword (CONFIG SET requirepass): resetpass, then `>password`, or nopass for null/empty. */
  setRequirePass(password: Uint8Array | string | null): void {
    const user = this.defaultUser;
    user.apply('resetpass');
    const text = password === null ? '' : textOf(password);
    if (text.length > 0) user.apply(`>${text}`);
    else user.apply('nopass');
  }

  /** The permission check (aclCheckCommand). */
  check(user: CacheAclUser, args: readonly Buffer[]): CacheAclDenial | null {
    return aclCheckCommand(user, args);
  }

  /**
   * ACL DRYRUN <user> <command> [args...]: `args` is the vector after the user name. OK, or the
   * bulk-string explanation of the denial; throws for an unknown user or command and a wrong
   * argument count, as 7.0.15.
   */
  dryRun(userName: Uint8Array | string, args: readonly Buffer[]): RespValue {
    const name = textOf(userName);
    const user = this.users.get(name);
    if (user === undefined) throw new CacheCommandError('message', `User '${name}' not found`);
    const commandName = (args[0] as Buffer).toString('latin1');
    const base = commandMetadata(commandName);
    const metadata = base !== undefined && base.subcommands.length > 0 && args.length >= 2 ? commandMetadata(`${base.name}|${(args[1] as Buffer).toString('latin1')}`) : base;
    if (metadata === undefined) throw new CacheCommandError('message', `Command '${commandName}' not found`);
    if (!arityAllows(metadata.arity, args)) {
      throw new CacheCommandError('wrong-arity', metadata.name);
    }
    const denial = aclCheckCommand(user, args);
    if (denial === null) return respOk;
    if (denial.reason === 'command') return respBulkString(`This user has no permissions to run the '${denial.commandName}' command`);
    const object = Buffer.from(`'${(args[denial.argIndex] as Buffer).toString('latin1')}'`, 'latin1');
    return respBulkString(Buffer.concat([Buffer.from(`This user has no permissions to access the `), object, Buffer.from(` ${denial.reason}`)]));
  }

  /** The users as plain data (each as the rules that rebuild it from a fresh user, like an ACL file). */
  toJSON(): CacheAclStoreData {
    return {
      users: this.userNames().map((name) => {
        const user = this.users.get(name) as CacheAclUser;
        return {
          name,
          rules: [...user.flags(), ...user.passwords.map((hash) => `#${hash}`), ...user.root.rules()],
          selectors: user.selectors.map((selector) => selector.rules()),
        };
      }),
    };
  }

  /** Rebuilds a store from `toJSON()` data (ACL LOAD: fresh users, then their rules; `default` if absent). */
  static fromJSON(data: CacheAclStoreData): CacheAclStore {
    const store = new CacheAclStore();
    for (const { name, rules, selectors } of data.users) {
      const user = new CacheAclUser(name);
      for (const rule of rules) user.apply(rule);
      for (const selectorRules of selectors) {
        const selector = new CacheAclSelector();
        for (const rule of selectorRules) selector.apply(rule);
        user.selectors.push(selector);
      }
      store.users.set(name, user);
    }
    return store;
  }
}

function latin1Bulk(text: string): RespValue {
  return respBulkString(Buffer.from(text, 'latin1'));
}

function map(entries: readonly (readonly [string, RespValue])[]): RespValue {
  return { type: 'map', entries: entries.map(([key, value]) => [respBulkString(key), value] as const) };
}

function selectorEntries(selector: CacheAclSelector): [string, RespValue][] {
  return [
    ['commands', latin1Bulk(selector.describeCommandRules())],
    ['keys', latin1Bulk(selector.describeKeys())],
    ['channels', latin1Bulk(selector.describeChannels())],
  ];
}
