/**
 * The cache's durable settings: CONFIG SET changes (and, with ACLs, users) are commands of the
 * cache service's Raft group, applied to the engine by this state machine on every replica and
 * replayed on restart, so a change acknowledged to a client survives restarts. The engine parks the
 * client that asked until the change is committed and applied (see CacheEngine.persistSettings).
 *
 * Deterministic: applying the same commands in the same order gives the same engine settings, and
 * the result (OK or the error text) is the same on every replica.
 */
import { CacheCommandError, isCacheCommandError } from './cache-command-errors.js';
import { CacheAclStore, type CacheAclStoreData } from './cache-acl.js';
import { type CacheEngine } from './cache-engine.js';
import { type RespValue } from './resp-value.js';

/** Names and rules are latin1 strings (one char per byte), as the ACL store takes them. */
export type CacheSettingsCommand =
  | { readonly type: 'config-set'; readonly pairs: readonly (readonly [string, string])[] }
  | { readonly type: 'acl-setuser'; readonly name: string; readonly rules: readonly string[] }
  | { readonly type: 'acl-deluser'; readonly names: readonly string[] };

/** The replies a settings command gets: OK, or the error reply the engine would have given. */
export type CacheSettingsResult = RespValue;

/** Changes, rules or names per command at most (Redis has no bound; a Raft entry must have one). */
const itemsPerCommandMax = 256;
const valueBytesMax = 64 * 1024;
/**
 * The encoded command's bound, checked before it is proposed: items within their own bounds still
 * add up (256 × 64 KiB, more with JSON escaping) beyond what one Raft entry may carry, and were
 * then refused only after the proposal.
 */
const commandBytesMax = 1024 * 1024;

export function encodeCacheSettingsCommand(command: CacheSettingsCommand): Uint8Array {
  return Buffer.from(JSON.stringify(command), 'utf8');
}

function isStringArray(value: unknown, lengthMax: number): value is string[] {
  return Array.isArray(value) && value.length <= lengthMax && value.every((item) => typeof item === 'string' && item.length <= valueBytesMax);
}

/** Decodes a settings command from the log; malformed bytes are a typed error, never a crash. */
export function decodeCacheSettingsCommand(bytes: Uint8Array): CacheSettingsCommand {
  const malformed = (): CacheCommandError => new CacheCommandError('message', 'malformed settings command');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    throw malformed();
  }
  const command = value as Record<string, unknown>;
  switch (command['type']) {
    case 'config-set': {
      const pairs = command['pairs'];
      if (!Array.isArray(pairs) || pairs.length > itemsPerCommandMax || !pairs.every((pair) => isStringArray(pair, 2) && pair.length === 2)) throw malformed();
      return { type: 'config-set', pairs: pairs as [string, string][] };
    }
    case 'acl-setuser': {
      const name = command['name'];
      const rules = command['rules'];
      if (typeof name !== 'string' || !isStringArray(rules, itemsPerCommandMax)) throw malformed();
      return { type: 'acl-setuser', name, rules };
    }
    case 'acl-deluser': {
      const names = command['names'];
      if (!isStringArray(names, itemsPerCommandMax)) throw malformed();
      return { type: 'acl-deluser', names };
    }
    default:
      throw malformed();
  }
}

/** Checks a command before it is proposed, so a bad CONFIG SET fails at once, not after a round trip. */
export function validateCacheSettingsCommand(command: CacheSettingsCommand): void {
  const items = command.type === 'config-set' ? command.pairs.map(([, value]) => value) : command.type === 'acl-setuser' ? command.rules : command.names;
  if (items.length > itemsPerCommandMax) throw new CacheCommandError('message', `at most ${itemsPerCommandMax} parameters, rules or names per command`);
  for (const item of items) {
    if (item.length > valueBytesMax) throw new CacheCommandError('message', `values are limited to ${valueBytesMax} bytes`);
  }
  if (encodeCacheSettingsCommand(command).byteLength > commandBytesMax) throw new CacheCommandError('message', `a settings change is limited to ${commandBytesMax} bytes in all`);
}

/** The snapshot: the settings as the list of parameter values changed from the start defaults. */
interface CacheSettingsSnapshot {
  readonly config: readonly (readonly [string, string])[];
  readonly acl: CacheAclStoreData;
}

/** A consensus-runtime StateMachine<CacheSettingsResult> over the engine's settings. */
export class CacheSettingsMachine {
  /** Every parameter ever set, latest value (what a snapshot restores). */
  private readonly configChanges = new Map<string, string>();

  constructor(private readonly engine: CacheEngine) {}

  apply(bytes: Uint8Array): CacheSettingsResult {
    try {
      const command = decodeCacheSettingsCommand(bytes);
      const reply = this.engine.applySettings(command);
      if (command.type === 'config-set') for (const [name, value] of command.pairs) this.configChanges.set(name.toLowerCase(), value);
      return reply;
    } catch (error) {
      if (isCacheCommandError(error)) return error.toReply();
      throw error;
    }
  }

  snapshot(): Uint8Array {
    const snapshot: CacheSettingsSnapshot = { config: [...this.configChanges], acl: this.engine.acl.toJSON() };
    return Buffer.from(JSON.stringify(snapshot), 'utf8');
  }

  restore(data: Uint8Array): void {
    const snapshot = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as CacheSettingsSnapshot;
    this.configChanges.clear();
    this.engine.replaceAcl(CacheAclStore.fromJSON(snapshot.acl));
    for (const [name, value] of snapshot.config) {
      this.engine.applyConfig([[name, value]]);
      this.configChanges.set(name, value);
    }
  }
}
