/**
 * Test support: a command context with an explicit clock and a scripted random source, and a
 * transcript runner. A session is lines of `COMMAND arg ... -> reply`, where the reply is rendered as
 * `+OK`, `-ERR text`, `:5`, `"bulk"`, `(nil)`, `[a, b]`; `time +N` advances the clock by N ms.
 * Arguments are split on spaces; `""` is the empty string.
 */
import assert from 'node:assert/strict';
import { executeCommand } from './cache-commands.js';
import {
  cacheCommandLimitsDefault,
  type CacheCommandContext,
  type CacheCommandLimits,
  type CacheCommandResult,
  type CacheSession,
} from './cache-command-context.js';
import { CacheKeyspace, type CacheRandom } from './cache-keyspace.js';
import { formatRespDouble } from './resp-double.js';

export interface TestContext extends CacheCommandContext {
  nowMs: number;
  blockingAllowed: boolean;
  protocolVersion: 2 | 3;
}

/** A deterministic generator (mulberry32) standing in for the runtime's random source. */
export function seededRandom(seed: number): CacheRandom {
  let state = seed >>> 0;
  return {
    nextIndex(countExclusive: number): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * countExclusive);
    },
  };
}

export function createTestContext(options: { nowMs?: number; limits?: CacheCommandLimits } = {}): TestContext {
  const session: CacheSession = { databaseIndex: 0 };
  return {
    keyspace: new CacheKeyspace(),
    session,
    nowMs: options.nowMs ?? 1_700_000_000_000,
    random: seededRandom(1),
    limits: options.limits ?? cacheCommandLimitsDefault,
    blockingAllowed: true,
    protocolVersion: 2,
  };
}

/** A reply as transcripts write it; a blocking result renders as `(block key1 key2 until=ms|forever)`. */
export function renderReply(value: CacheCommandResult): string {
  switch (value.type) {
    case 'block':
      return `(block ${value.keys.join(' ')} until=${value.timeoutAtMs ?? 'forever'})`;
    case 'double':
      return `(double) ${value.text ?? formatRespDouble(value.value)}`;
    case 'map':
      return `{${value.entries.map(([key, entry]) => `${renderReply(key)}: ${renderReply(entry)}`).join(', ')}}`;
    case 'simple-string':
      return `+${value.value}`;
    case 'error':
      return `-${value.prefix} ${value.message}`;
    case 'integer':
      return `:${value.value}`;
    case 'bulk-string':
      return `"${typeof value.value === 'string' ? value.value : Buffer.from(value.value).toString('latin1')}"`;
    case 'null-bulk':
    case 'null-array':
      return '(nil)';
    case 'array':
    case 'set':
    case 'push':
      return `[${value.items.map(renderReply).join(', ')}]`;
    case 'attributed':
      return `|${renderReply({ type: 'map', entries: value.attributes })}| ${renderReply(value.value)}`;
    case 'big-number':
      return `(big number) ${value.value}`;
    default:
      return JSON.stringify(value);
  }
}

export function run(context: TestContext, ...words: (string | Buffer)[]): CacheCommandResult {
  return executeCommand(context, words.map((word) => (typeof word === 'string' ? Buffer.from(word, 'latin1') : word)));
}

function splitWords(text: string): string[] {
  return text
    .trim()
    .split(/ +/)
    .map((word) => (word === '""' ? '' : word));
}

/** Replays `lines` on `context` and asserts each reply; returns the context for further checks. */
export function replay(lines: readonly string[], context: TestContext = createTestContext()): TestContext {
  for (const line of lines) {
    const timeMatch = /^time \+([0-9]+)$/.exec(line);
    if (timeMatch !== null) {
      context.nowMs += Number(timeMatch[1]);
      continue;
    }
    const separatorIndex = line.indexOf(' -> ');
    assert.ok(separatorIndex > 0, `malformed session line: ${line}`);
    const reply = run(context, ...splitWords(line.slice(0, separatorIndex)));
    assert.equal(renderReply(reply), line.slice(separatorIndex + 4), line);
  }
  return context;
}
