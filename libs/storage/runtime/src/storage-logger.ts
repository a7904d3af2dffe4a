/**
 * Structured logging seam of the storage runtime. Recovery actions (torn tails truncated, corrupt
 * snapshots skipped, leftovers removed) are logged once each with structured fields.
 */

/** A structured logger; `event` is a stable kebab-case name, `fields` are JSON-serialisable. */
export interface StorageLogger {
  info(event: string, fields: Record<string, unknown>): void;
  warn(event: string, fields: Record<string, unknown>): void;
}

/** Writes one JSON line per event to stderr. The default when no logger is given. */
export const stderrJsonLogger: StorageLogger = {
  info(event, fields) {
    process.stderr.write(`${JSON.stringify({ level: 'info', component: 'storage', event, ...fields })}\n`);
  },
  warn(event, fields) {
    process.stderr.write(`${JSON.stringify({ level: 'warn', component: 'storage', event, ...fields })}\n`);
  },
};

/** A logger that keeps events in memory; for tests. */
export class MemoryLogger implements StorageLogger {
  readonly events: { level: 'info' | 'warn'; event: string; fields: Record<string, unknown> }[] = [];
  info(event: string, fields: Record<string, unknown>): void {
    this.events.push({ level: 'info', event, fields });
  }
  warn(event: string, fields: Record<string, unknown>): void {
    this.events.push({ level: 'warn', event, fields });
  }
}
