/**
 * Pub/sub registry (Redis's server.pubsub_channels / pubsub_patterns / pubsubshard_channels): who
 * listens to which channel, pattern or shard channel. Shard channels (SSUBSCRIBE, SPUBLISH) are a
 * namespace of their own: without cluster mode they act like channels, never matched by patterns. Channel names and patterns are latin1 strings (binary safe). Pure bookkeeping: the
 * engine turns deliveries into push messages.
 */
import { globMatch } from './cache-glob.js';

export class CachePubSub<Subscriber> {
  private readonly channels = new Map<string, Set<Subscriber>>();
  private readonly patterns = new Map<string, Set<Subscriber>>();
  private readonly shardChannels = new Map<string, Set<Subscriber>>();

  /** True when newly subscribed. */
  subscribe(channel: string, subscriber: Subscriber): boolean {
    return addTo(this.channels, channel, subscriber);
  }

  unsubscribe(channel: string, subscriber: Subscriber): boolean {
    return removeFrom(this.channels, channel, subscriber);
  }

  psubscribe(pattern: string, subscriber: Subscriber): boolean {
    return addTo(this.patterns, pattern, subscriber);
  }

  punsubscribe(pattern: string, subscriber: Subscriber): boolean {
    return removeFrom(this.patterns, pattern, subscriber);
  }

  ssubscribe(channel: string, subscriber: Subscriber): boolean {
    return addTo(this.shardChannels, channel, subscriber);
  }

  sunsubscribe(channel: string, subscriber: Subscriber): boolean {
    return removeFrom(this.shardChannels, channel, subscriber);
  }

  /** SPUBLISH's recipients. */
  shardRecipients(channel: string): readonly Subscriber[] {
    return [...(this.shardChannels.get(channel) ?? [])];
  }

  /** Exact-channel subscribers, then (pattern, subscriber) pairs whose pattern matches `channel`. */
  recipients(channel: string): { direct: readonly Subscriber[]; byPattern: readonly [string, Subscriber][] } {
    const direct = [...(this.channels.get(channel) ?? [])];
    const byPattern: [string, Subscriber][] = [];
    for (const [pattern, subscribers] of this.patterns) {
      if (!globMatch({ pattern: Buffer.from(pattern, 'latin1'), subject: Buffer.from(channel, 'latin1'), caseInsensitive: false })) continue;
      for (const subscriber of subscribers) byPattern.push([pattern, subscriber]);
    }
    return { direct, byPattern };
  }

  /** PUBSUB CHANNELS [pattern] (SHARDCHANNELS with `shard`): channels with at least one subscriber. */
  activeChannels(pattern: string | null, shard = false): string[] {
    const names = [...(shard ? this.shardChannels : this.channels).keys()];
    if (pattern === null) return names;
    const patternBytes = Buffer.from(pattern, 'latin1');
    return names.filter((name) => globMatch({ pattern: patternBytes, subject: Buffer.from(name, 'latin1'), caseInsensitive: false }));
  }

  subscriberCount(channel: string, shard = false): number {
    return (shard ? this.shardChannels : this.channels).get(channel)?.size ?? 0;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  get patternCount(): number {
    return this.patterns.size;
  }
}

function addTo<Subscriber>(map: Map<string, Set<Subscriber>>, name: string, subscriber: Subscriber): boolean {
  let subscribers = map.get(name);
  if (subscribers === undefined) {
    subscribers = new Set();
    map.set(name, subscribers);
  }
  if (subscribers.has(subscriber)) return false;
  subscribers.add(subscriber);
  return true;
}

function removeFrom<Subscriber>(map: Map<string, Set<Subscriber>>, name: string, subscriber: Subscriber): boolean {
  const subscribers = map.get(name);
  if (subscribers === undefined || !subscribers.delete(subscriber)) return false;
  if (subscribers.size === 0) map.delete(name);
  return true;
}
