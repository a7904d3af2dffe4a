/**
 * A running FNV-1a hash over the events of a run, so two runs can be compared for determinism
 * without storing their traces.
 */

/** See the module comment. Values must be safe integers; they are hashed as two 32-bit words. */
export class TraceHash {
  #hash = 0x811c9dc5;
  /** Events added so far. */
  eventCount = 0;

  /** Adds one event given as numbers (an event type code first, by convention). */
  add(...values: number[]): void {
    let hash = this.#hash;
    for (const value of values) {
      hash = Math.imul(hash ^ (value >>> 0), 0x01000193) >>> 0;
      hash = Math.imul(hash ^ (Math.floor(value / 0x1_0000_0000) >>> 0), 0x01000193) >>> 0;
    }
    this.#hash = hash;
    this.eventCount++;
  }

  /** The hash and event count as `hash:count` in hex:decimal. */
  digest(): string {
    return `${this.#hash.toString(16).padStart(8, '0')}:${this.eventCount}`;
  }
}
