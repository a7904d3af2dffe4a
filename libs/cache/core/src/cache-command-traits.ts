/**
 * Facts about a command that MONITOR, SLOWLOG and a monitoring client's keyspace check read from
 * Redis's command flags (cache-command-metadata.ts). For a container command (CLIENT, CONFIG, ...) the
 * subcommand's flags decide, as Redis sets `c->cmd` to the subcommand: CLIENT LIST is `admin` (not
 * monitored) while CLIENT SETNAME is not. Worked out once per command at startup; containers look
 * their subcommand up per call.
 */
import { arityAllows } from './cache-command-context.js';
import { commandMetadata, type CacheCommandMetadata } from './cache-command-metadata.js';

interface FlagFacts {
  /** `admin` or `skip_monitor`: replicationFeedMonitors is not called for it. */
  readonly skipsMonitor: boolean;
  /** `skip_slowlog` (EXEC: its commands are logged one by one). */
  readonly skipsSlowlog: boolean;
  /** `readonly`, `write` or `may_replicate`: what a replica (and so a monitor) may not run. */
  readonly touchesKeyspace: boolean;
  /**
   * `readonly`: a tracking client remembers the keys it read (call() in server.c), except for the
   * read-only script commands, whose keys are only declared: the commands the script runs count.
   */
  readonly readOnly: boolean;
}

/** call() leaves these out of trackingRememberKeys (evalRoCommand, evalShaRoCommand, fcallroCommand). */
const scriptCommands = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

export interface CacheCommandTraits {
  readonly name: string;
  /** The command's own facts (a container's, when it has subcommands). */
  readonly own: FlagFacts;
  readonly hasSubcommands: boolean;
  touchesKeyspace(args: readonly Buffer[]): boolean;
  readOnly(args: readonly Buffer[]): boolean;
}

function factsOf(name: string, flags: readonly string[]): FlagFacts {
  return {
    skipsMonitor: flags.includes('admin') || flags.includes('skip_monitor'),
    skipsSlowlog: flags.includes('skip_slowlog'),
    touchesKeyspace: flags.includes('readonly') || flags.includes('write') || flags.includes('may_replicate'),
    readOnly: flags.includes('readonly') && !flags.includes('write') && !scriptCommands.has(name),
  };
}

const factsByName = new Map<string, FlagFacts>();

function factsOfMetadata(metadata: CacheCommandMetadata): FlagFacts {
  let facts = factsByName.get(metadata.name);
  if (facts === undefined) {
    facts = factsOf(metadata.name, metadata.flags);
    factsByName.set(metadata.name, facts);
  }
  return facts;
}

/** The subcommand's metadata when `args` names a known one with a fitting argument count. */
function subcommandOf(traits: CacheCommandTraits, args: readonly Buffer[]): CacheCommandMetadata | undefined {
  if (args.length < 2) return undefined;
  const metadata = commandMetadata(`${traits.name}|${(args[1] as Buffer).toString('latin1')}`);
  return metadata !== undefined && arityAllows(metadata.arity, args) ? metadata : undefined;
}

export function commandTraitsOf(spec: { readonly name: string; readonly flags: readonly string[] }): CacheCommandTraits {
  const metadata = commandMetadata(spec.name);
  const own = factsOf(spec.name, [...(metadata?.flags ?? []), ...spec.flags]);
  const traits: CacheCommandTraits = {
    name: spec.name,
    own,
    hasSubcommands: (metadata?.subcommands.length ?? 0) > 0,
    touchesKeyspace(args) {
      if (!traits.hasSubcommands) return own.touchesKeyspace;
      const subcommand = subcommandOf(traits, args);
      return subcommand === undefined ? own.touchesKeyspace : factsOfMetadata(subcommand).touchesKeyspace;
    },
    readOnly(args) {
      if (!traits.hasSubcommands) return own.readOnly;
      const subcommand = subcommandOf(traits, args);
      return subcommand !== undefined && factsOfMetadata(subcommand).readOnly;
    },
  };
  return traits;
}

/**
 * Whether MONITOR shows a command that ran. A container's unknown subcommand or wrong subcommand
 * arity is refused by Redis before it runs, so it is never shown; here the handler refuses it.
 */
export function monitorShows(traits: CacheCommandTraits, args: readonly Buffer[]): boolean {
  if (!traits.hasSubcommands) return !traits.own.skipsMonitor;
  const subcommand = subcommandOf(traits, args);
  return subcommand !== undefined && !factsOfMetadata(subcommand).skipsMonitor;
}

/** Whether SLOWLOG may log a command that ran (the same refusals as {@link monitorShows}). */
export function slowlogMayLog(traits: CacheCommandTraits, args: readonly Buffer[]): boolean {
  if (!traits.hasSubcommands) return !traits.own.skipsSlowlog;
  const subcommand = subcommandOf(traits, args);
  return subcommand !== undefined && !factsOfMetadata(subcommand).skipsSlowlog;
}
