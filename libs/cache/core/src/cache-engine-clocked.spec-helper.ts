/**
 * An engine with recording sinks and explicit clocks for specs of the engine's own features
 * (MONITOR, SLOWLOG, LATENCY, CLIENT TRACKING): every reply is rendered as transcripts write it, and
 * the monotonic clock moves `stepMicros` at each read, so every command lasts one step.
 */
import { type CacheClient, type CacheClientSink } from './cache-client.js';
import { cacheConfigDefaults, type CacheConfigValues } from './cache-config.js';
import { CacheEngine } from './cache-engine.js';
import { renderReply, seededRandom } from './cache-session.spec-helper.js';
import { type RespValue } from './resp-value.js';

export class RecordingSink implements CacheClientSink {
  readonly sent: RespValue[] = [];
  closed = false;
  pendingOutputBytes = 0;
  send(value: RespValue): void {
    this.sent.push(value);
  }
  close(): void {
    this.closed = true;
  }
  resume(): void {}
  take(): string[] {
    return this.sent.splice(0).map(renderReply);
  }
}

export interface Clocks {
  nowMs: number;
  monotonicMicros: number;
  /** How far the monotonic clock moves at each read: every command then lasts one step. */
  stepMicros: number;
  wallMicros: number;
}

export function createHarness(config: Partial<CacheConfigValues> = {}) {
  const clocks: Clocks = { nowMs: 1_700_000_000_000, monotonicMicros: 0, stepMicros: 0, wallMicros: 1_700_000_000_123_456 };
  const engine = new CacheEngine({
    random: seededRandom(3),
    config: cacheConfigDefaults(config),
    host: {
      processId: 1,
      runId: 'r'.repeat(40),
      executable: '/bin/objectbox',
      os: 'Test',
      architectureBits: 64,
      serverVersion: '0.0.0',
      tcpPort: () => 6379,
      residentMemoryBytes: () => 1_000_000,
      cpuSeconds: () => ({ user: 0, system: 0 }),
    },
    monotonicMicros: () => (clocks.monotonicMicros += clocks.stepMicros),
    wallClockMicros: () => clocks.wallMicros,
    startedAtMs: clocks.nowMs,
  });
  let port = 5000;
  function connect() {
    const sink = new RecordingSink();
    const client: CacheClient = engine.connect({ sink, address: `127.0.0.1:${port++}`, localAddress: '127.0.0.1:6379', nowMs: clocks.nowMs });
    return {
      client,
      sink,
      send(...words: (string | Buffer)[]): string[] {
        engine.execute(client, words.map((word) => (typeof word === 'string' ? Buffer.from(word, 'latin1') : word)), clocks.nowMs);
        return sink.take();
      },
    };
  }
  return { engine, clocks, connect };
}
