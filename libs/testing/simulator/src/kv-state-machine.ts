/**
 * The replicated application of the simulation: a key-value store with put, get,
 * compare-and-set and append, matching `kvModel` of testing-core. Commands travel through the
 * Raft log as JSON (small, deterministic, easy to read in a trace); gets do not: they are served
 * through ReadIndex, see simulator.ts.
 */
import type { KvInput, KvOutput } from '@objectbox/testing-core';
import { assert, assertNever } from '@objectbox/util';

/** A client request as stored in a log entry. `requestId` is unique per client. */
export interface KvCommand {
  readonly clientId: number;
  readonly requestId: number;
  readonly input: KvInput;
}

/** Encodes `command` as entry data (UTF-8 JSON). */
export function encodeKvCommand(command: KvCommand): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(command));
}

/** Decodes {@link encodeKvCommand} output; asserts the shape (the bytes came from our own log). */
export function decodeKvCommand(data: Uint8Array): KvCommand {
  const command = JSON.parse(new TextDecoder().decode(data)) as KvCommand;
  assert(Number.isSafeInteger(command.clientId) && Number.isSafeInteger(command.requestId), 'malformed command');
  return command;
}

/** The deterministic state machine; one instance per replica process incarnation. */
export class KvStateMachine {
  /** Invariant: never holds a key whose value is undefined. */
  readonly #values = new Map<string, string>();

  /** Applies `input` and returns the response a client gets. */
  apply(input: KvInput): KvOutput {
    const current = this.#values.get(input.key) ?? null;
    switch (input.type) {
      case 'put':
        this.#values.set(input.key, input.value);
        return { type: 'put' };
      case 'get':
        return { type: 'get', value: current };
      case 'compare-and-set': {
        const swapped = current === input.expected;
        if (swapped) this.#values.set(input.key, input.value);
        return { type: 'compare-and-set', swapped };
      }
      case 'append': {
        const value = (current ?? '') + input.suffix;
        this.#values.set(input.key, value);
        return { type: 'append', value };
      }
      default:
        return assertNever(input, 'unknown key-value request');
    }
  }

  /** The value of `key`, or null; for linearizable reads after a ReadIndex. */
  get(key: string): string | null {
    return this.#values.get(key) ?? null;
  }

  /** A deterministic image of the store (keys sorted), the Raft snapshot payload. */
  encodeSnapshot(): Uint8Array {
    const pairs = [...this.#values].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    return new TextEncoder().encode(JSON.stringify(pairs));
  }

  /** Replaces the contents with a {@link encodeSnapshot} image (empty bytes: the empty store). */
  restoreSnapshot(data: Uint8Array): void {
    this.#values.clear();
    if (data.byteLength === 0) return;
    for (const [key, value] of JSON.parse(new TextDecoder().decode(data)) as [string, string][]) this.#values.set(key, value);
  }
}
