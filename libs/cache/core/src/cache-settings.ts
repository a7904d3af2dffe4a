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
import { type CacheEngine } from './cache-engine.js';
import { respOk, type RespValue } from './resp-value.js';

export type CacheSettingsCommand = { readonly type: 'config-set'; readonly pairs: readonly (readonly [string, string])[] };

/** The replies a settings command gets: OK, or the error reply the engine would have given. */
export type CacheSettingsResult = RespValue;

/** Changes per CONFIG SET at most (Redis has no bound; a Raft entry must have one). */
const pairsPerCommandMax = 256;
const valueBytesMax = 64 * 1024;

export function encodeCacheSettingsCommand(command: CacheSettingsCommand): Uint8Array {
  return Buffer.from(JSON.stringify(command), 'utf8');
}

export function decodeCacheSettingsCommand(bytes: Uint8Array): CacheSettingsCommand {
  const value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as CacheSettingsCommand;
  if (value.type !== 'config-set' || !Array.isArray(value.pairs) || value.pairs.length > pairsPerCommandMax) {
    throw new CacheCommandError('message', 'malformed settings command');
  }
  for (const pair of value.pairs) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string' || pair[1].length > valueBytesMax) {
      throw new CacheCommandError('message', 'malformed settings command');
    }
  }
  return value;
}

/** Checks a command before it is proposed, so a bad CONFIG SET fails at once, not after a round trip. */
export function validateCacheSettingsCommand(command: CacheSettingsCommand): void {
  if (command.pairs.length > pairsPerCommandMax) throw new CacheCommandError('message', `CONFIG SET takes at most ${pairsPerCommandMax} parameters at once`);
  for (const [, value] of command.pairs) {
    if (Buffer.byteLength(value, 'utf8') > valueBytesMax) throw new CacheCommandError('message', `CONFIG SET values are limited to ${valueBytesMax} bytes`);
  }
}

/** The snapshot: the settings as the list of parameter values changed from the start defaults. */
interface CacheSettingsSnapshot {
  readonly config: readonly (readonly [string, string])[];
}

/** A consensus-runtime StateMachine<CacheSettingsResult> over the engine's settings. */
export class CacheSettingsMachine {
  /** Every parameter ever set, latest value (what a snapshot restores). */
  private readonly configChanges = new Map<string, string>();

  constructor(private readonly engine: CacheEngine) {}

  apply(bytes: Uint8Array): CacheSettingsResult {
    try {
      const command = decodeCacheSettingsCommand(bytes);
      this.engine.applyConfig(command.pairs);
      for (const [name, value] of command.pairs) this.configChanges.set(name.toLowerCase(), value);
      return respOk;
    } catch (error) {
      if (isCacheCommandError(error)) return error.toReply();
      if (error instanceof SyntaxError) return new CacheCommandError('message', 'malformed settings command').toReply();
      throw error;
    }
  }

  snapshot(): Uint8Array {
    const snapshot: CacheSettingsSnapshot = { config: [...this.configChanges] };
    return Buffer.from(JSON.stringify(snapshot), 'utf8');
  }

  restore(data: Uint8Array): void {
    const snapshot = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as CacheSettingsSnapshot;
    this.configChanges.clear();
    for (const [name, value] of snapshot.config) {
      this.engine.applyConfig([[name, value]]);
      this.configChanges.set(name, value);
    }
  }
}
