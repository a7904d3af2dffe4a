/**
 * A simulated message network for deterministic tests of distributed protocols (Raft first): one
 * integer clock, per-link delay ranges, drop, duplicate and reorder probabilities, and symmetric or
 * one-way partitions, all driven by one seeded {@link Random}. Modelled on TigerBeetle's packet
 * simulator (tigerbeetle/tigerbeetle src/testing/packet_simulator.zig) and etcd's test network
 * (etcd-io/raft raft_test.go `newNetwork`).
 *
 * Links are FIFO by default, like a TCP connection: a message is never delivered before one sent
 * earlier on the same link. With `reorderProbability` a message skips that rule and may overtake or
 * be overtaken, which is what UDP and reconnecting clients do.
 */
import { assert } from '@objectbox/util';
import { PriorityQueue } from './priority-queue.js';
import type { Random } from './random.js';

/** Identifies a simulated node; any integer. */
export type SimulatedNodeId = number;

/** Fault and timing parameters of a link. Probabilities are in [0, 1]. */
export interface LinkConfig {
  /** Delivery delay range in ticks, both ends included; 0 <= min <= max. */
  readonly delayTicksMin: number;
  readonly delayTicksMax: number;
  readonly dropProbability: number;
  /** Probability that a message is delivered twice (each copy with its own delay). */
  readonly duplicateProbability: number;
  /** Probability that a message ignores the link's FIFO order. */
  readonly reorderProbability: number;
}

/** Options of {@link SimulatedNetwork}. */
export interface SimulatedNetworkOptions {
  /** The network's own stream; fork it from the simulation's root `Random`. */
  readonly random: Random;
  /** The configuration of every link without an override. */
  readonly defaultLinkConfig: LinkConfig;
  /** The most messages in flight; a send beyond it is dropped and counted as an overflow. */
  readonly inflightCountMax: number;
}

/** A message handed to its target. */
export interface Delivery<Message> {
  readonly source: SimulatedNodeId;
  readonly target: SimulatedNodeId;
  readonly message: Message;
  readonly sentTick: number;
  readonly deliveredTick: number;
}

/**
 * Counters since creation. Invariant: `sentCount` (duplicates included) equals `deliveredCount` plus
 * the three drop counts plus the messages still in flight.
 */
export interface NetworkStats {
  readonly sentCount: number;
  readonly deliveredCount: number;
  readonly duplicatedCount: number;
  readonly droppedRandomlyCount: number;
  readonly droppedByPartitionCount: number;
  readonly droppedOverflowCount: number;
}

function validateLinkConfig(config: LinkConfig): void {
  assert(Number.isSafeInteger(config.delayTicksMin) && config.delayTicksMin >= 0, 'delayTicksMin must be a non-negative integer');
  assert(Number.isSafeInteger(config.delayTicksMax) && config.delayTicksMax >= config.delayTicksMin, 'delayTicksMax must be >= delayTicksMin');
  for (const probability of [config.dropProbability, config.duplicateProbability, config.reorderProbability]) {
    assert(probability >= 0 && probability <= 1, `probability ${probability} is outside [0, 1]`);
  }
}

function linkKey(source: SimulatedNodeId, target: SimulatedNodeId): string {
  return `${source}>${target}`;
}

/**
 * The network. Not tied to any node set: any integer id may send to any other. Messages are
 * delivered in (delivery tick, send order) order, so runs are reproducible from the seed. A
 * partition is checked when a message is sent and again when it would be delivered, so cutting a
 * link also loses what is in flight on it.
 */
export class SimulatedNetwork<Message> {
  private readonly random: Random;
  private readonly linkConfigs = new Map<string, LinkConfig>();
  private readonly blockedLinks = new Set<string>();
  private readonly inflight = new PriorityQueue<Delivery<Message>>();
  /** Per link, the latest delivery tick scheduled in FIFO order. */
  private readonly fifoTicks = new Map<string, number>();
  private clockTicks = 0;
  private readonly counters = {
    sentCount: 0,
    deliveredCount: 0,
    duplicatedCount: 0,
    droppedRandomlyCount: 0,
    droppedByPartitionCount: 0,
    droppedOverflowCount: 0,
  };

  constructor(private readonly options: SimulatedNetworkOptions) {
    validateLinkConfig(options.defaultLinkConfig);
    assert(Number.isSafeInteger(options.inflightCountMax) && options.inflightCountMax >= 1, 'inflightCountMax must be >= 1');
    this.random = options.random;
  }

  /** The current simulated time in ticks; starts at 0 and never decreases. */
  get nowTicks(): number {
    return this.clockTicks;
  }

  /** The number of messages in flight (duplicates count separately). */
  get inflightCount(): number {
    return this.inflight.count;
  }

  /** A snapshot of the counters. */
  get stats(): NetworkStats {
    return { ...this.counters };
  }

  /** Overrides the configuration of the one-way link `source -> target`. */
  setLinkConfig(link: { readonly source: SimulatedNodeId; readonly target: SimulatedNodeId }, config: LinkConfig): void {
    validateLinkConfig(config);
    this.linkConfigs.set(linkKey(link.source, link.target), config);
  }

  /** Cuts every link between different groups, both ways; links inside a group are untouched. */
  partition(groups: readonly (readonly SimulatedNodeId[])[]): void {
    groups.forEach((group, groupIndex) => {
      groups.forEach((otherGroup, otherIndex) => {
        if (otherIndex === groupIndex) return;
        for (const source of group) for (const target of otherGroup) this.blockedLinks.add(linkKey(source, target));
      });
    });
  }

  /** Cuts the one-way link `source -> target` (an asymmetric partition); the reverse link stays up. */
  blockLink(link: { readonly source: SimulatedNodeId; readonly target: SimulatedNodeId }): void {
    this.blockedLinks.add(linkKey(link.source, link.target));
  }

  /** Restores every cut link. Messages lost while cut stay lost. */
  heal(): void {
    this.blockedLinks.clear();
  }

  /** True when messages from `source` can currently reach `target`. */
  isLinkUp(link: { readonly source: SimulatedNodeId; readonly target: SimulatedNodeId }): boolean {
    return !this.blockedLinks.has(linkKey(link.source, link.target));
  }

  /** Sends a message at the current tick. It may be dropped, duplicated, delayed or reordered. */
  send(envelope: { readonly source: SimulatedNodeId; readonly target: SimulatedNodeId; readonly message: Message }): void {
    this.counters.sentCount += 1;
    const key = linkKey(envelope.source, envelope.target);
    const config = this.linkConfigs.get(key) ?? this.options.defaultLinkConfig;
    // Draw every random choice up front so the stream does not depend on partitions or load.
    const dropped = this.random.chance(config.dropProbability);
    const duplicated = this.random.chance(config.duplicateProbability);
    if (this.blockedLinks.has(key)) {
      this.counters.droppedByPartitionCount += 1;
      return;
    }
    if (dropped) {
      this.counters.droppedRandomlyCount += 1;
      return;
    }
    this.schedule(key, config, envelope);
    if (duplicated) {
      this.counters.sentCount += 1;
      this.counters.duplicatedCount += 1;
      this.schedule(key, config, envelope);
    }
  }

  private schedule(
    key: string,
    config: LinkConfig,
    envelope: { readonly source: SimulatedNodeId; readonly target: SimulatedNodeId; readonly message: Message },
  ): void {
    const delayTicks = this.random.nextIntInRange({ minInclusive: config.delayTicksMin, maxInclusive: config.delayTicksMax });
    const reordered = this.random.chance(config.reorderProbability);
    if (this.inflight.count >= this.options.inflightCountMax) {
      this.counters.droppedOverflowCount += 1;
      return;
    }
    let deliveredTick = this.clockTicks + delayTicks;
    if (!reordered) {
      deliveredTick = Math.max(deliveredTick, this.fifoTicks.get(key) ?? 0);
      this.fifoTicks.set(key, deliveredTick);
    }
    this.inflight.push(deliveredTick, { ...envelope, sentTick: this.clockTicks, deliveredTick });
  }

  /** The tick of the next delivery, or undefined when nothing is in flight. */
  nextDeliveryTick(): number | undefined {
    return this.inflight.peekPriority();
  }

  /**
   * Delivers the next message due at or before `tickLimit` (default: any), advancing the clock to
   * its delivery tick; returns undefined when none is due. Messages whose link was cut while in
   * flight are dropped and skipped.
   */
  deliverNext(tickLimit: number = Number.POSITIVE_INFINITY): Delivery<Message> | undefined {
    for (;;) {
      const dueTick = this.inflight.peekPriority();
      if (dueTick === undefined || dueTick > tickLimit) return undefined;
      const delivery = this.inflight.pop()!.item;
      this.clockTicks = Math.max(this.clockTicks, delivery.deliveredTick);
      if (this.blockedLinks.has(linkKey(delivery.source, delivery.target))) {
        this.counters.droppedByPartitionCount += 1;
        continue;
      }
      this.counters.deliveredCount += 1;
      return delivery;
    }
  }

  /** Advances the clock to `tick` (which must not be in the past) without delivering anything. */
  advanceClockTo(tick: number): void {
    assert(Number.isSafeInteger(tick) && tick >= this.clockTicks, `cannot move the clock from ${this.clockTicks} to ${tick}`);
    const dueTick = this.inflight.peekPriority();
    assert(dueTick === undefined || dueTick >= tick, 'deliver due messages before advancing past them');
    this.clockTicks = tick;
  }

  /** Delivers, in order, every message due at or before `tick`, then sets the clock to `tick`. */
  deliverUntil(tick: number): Delivery<Message>[] {
    const deliveries: Delivery<Message>[] = [];
    for (let delivery = this.deliverNext(tick); delivery !== undefined; delivery = this.deliverNext(tick)) {
      deliveries.push(delivery);
    }
    this.advanceClockTo(tick);
    return deliveries;
  }
}
