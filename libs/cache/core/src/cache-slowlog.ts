/**
 * The slow log (Redis's slowlog.c): commands that ran for at least `slowlog-log-slower-than`
 * microseconds, newest first, at most `slowlog-max-len` of them. Each entry keeps at most 32
 * arguments of at most 128 bytes (the rest summarized as Redis does), so an entry is bounded
 * (about 5 KiB) whatever the command was, and the log by `slowlog-max-len` entries.
 */

/** SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
export const slowlogArgumentCountMax = 32;
export const slowlogArgumentBytesMax = 128;

export interface CacheSlowlogEntry {
  readonly id: number;
  readonly unixSeconds: number;
  readonly durationMicros: number;
  /** Already cut to {@link slowlogArgumentCountMax} arguments of {@link slowlogArgumentBytesMax} bytes. */
  readonly args: readonly Buffer[];
  /** `ip:port` of the client. */
  readonly clientAddress: string;
  readonly clientName: string;
}

/**
 * slowlogCreateEntry's argument vector: past 32 arguments the 32nd reads `... (N more arguments)`,
 * longer arguments keep their first 128 bytes followed by `... (N more bytes)`. Always copies: request
 * arguments are views of the connection's input buffer, which an entry must not keep alive.
 */
export function slowlogArguments(args: readonly Buffer[]): Buffer[] {
  const count = Math.min(args.length, slowlogArgumentCountMax);
  const kept: Buffer[] = [];
  for (let index = 0; index < count; index++) {
    if (count !== args.length && index === count - 1) {
      kept.push(Buffer.from(`... (${args.length - count + 1} more arguments)`, 'latin1'));
      continue;
    }
    const argument = args[index] as Buffer;
    if (argument.length > slowlogArgumentBytesMax) {
      const suffix = Buffer.from(`... (${argument.length - slowlogArgumentBytesMax} more bytes)`, 'latin1');
      kept.push(Buffer.concat([argument.subarray(0, slowlogArgumentBytesMax), suffix]));
    } else {
      kept.push(Buffer.from(argument));
    }
  }
  return kept;
}

export class CacheSlowlog {
  /** Oldest first from `start`; the slots before it are emptied and wait for compaction. */
  private entries: (CacheSlowlogEntry | undefined)[] = [];
  private start = 0;
  private idNext = 0;

  get length(): number {
    return this.entries.length - this.start;
  }

  /**
   * slowlogPushEntryIfNeeded after the threshold check: the entry takes the next id (even when
   * `lengthMax` is 0 and it is dropped at once), then the oldest entries go until `lengthMax` remain.
   * Lowering `slowlog-max-len` takes effect at the next push, as in Redis.
   */
  push(entry: Omit<CacheSlowlogEntry, 'id'>, lengthMax: number): void {
    this.entries.push({ id: this.idNext++, ...entry });
    const excess = this.length - lengthMax;
    for (let dropped = 0; dropped < excess; dropped++) this.entries[this.start++] = undefined;
    if (this.start > 1024 && this.start * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.start);
      this.start = 0;
    }
  }

  /** The newest `count` entries, newest first. */
  newest(count: number): CacheSlowlogEntry[] {
    const taken: CacheSlowlogEntry[] = [];
    for (let index = this.entries.length - 1; index >= this.start && taken.length < count; index--) taken.push(this.entries[index] as CacheSlowlogEntry);
    return taken;
  }

  /** SLOWLOG RESET: the entries go; ids go on from where they were. */
  reset(): void {
    this.entries = [];
    this.start = 0;
  }
}
