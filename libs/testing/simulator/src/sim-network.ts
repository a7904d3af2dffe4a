/**
 * The simulated network, in the spirit of tigerbeetle/tigerbeetle src/testing/packet_simulator.zig:
 * every packet gets a random delay (so packets reorder), may be dropped or duplicated, and is
 * delivered only if its link is open at delivery time. Links are directed, so a partition can be
 * symmetric (both directions cut) or asymmetric (one direction only). All choices come from the
 * injected `Random`; delivery order is (deliver tick, send sequence), so a run is deterministic.
 */
import type { Random } from '@objectbox/testing-core';
import { assert } from '@objectbox/util';

/** Fault parameters of the network; probabilities in [0, 1], delays in ticks. */
export interface SimNetworkOptions {
  /** Invariant: 1 <= delayTicksMin <= delayTicksMax. */
  readonly delayTicksMin: number;
  readonly delayTicksMax: number;
  /** Chance that a packet is delayed by up to `delaySpikeTicksMax` extra ticks (reordering). */
  readonly delaySpikeProbability: number;
  readonly delaySpikeTicksMax: number;
  readonly dropProbability: number;
  readonly duplicateProbability: number;
  /** Packets in flight beyond this are dropped at send, like a full socket buffer. */
  readonly inflightPacketCountMax: number;
}

/** A packet between endpoints (replica slots and clients are both endpoint indexes). */
export interface Packet<Payload> {
  readonly source: number;
  readonly target: number;
  readonly payload: Payload;
}

interface InFlight<Payload> extends Packet<Payload> {
  readonly deliverTick: number;
  readonly sequence: number;
}

/** See the module comment. */
export class SimNetwork<Payload> {
  #inflight: InFlight<Payload>[] = [];
  #sequence = 0;
  /** Directed links cut, as `source * linkKeyFactor + target`. */
  readonly #cutLinks = new Set<number>();
  /** When false (the liveness phase), packets are neither dropped nor duplicated at random. */
  lossy = true;
  /** Packets dropped at send or delivery, for statistics. */
  droppedCount = 0;

  constructor(
    readonly options: SimNetworkOptions,
    private readonly random: Random,
  ) {
    assert(options.delayTicksMin >= 1 && options.delayTicksMin <= options.delayTicksMax, 'bad delay range');
  }

  /**
   * Queues `packet` at `nowTick`, perhaps not at all, and perhaps twice when `duplicable` (a
   * request without a deduplicating session must not be duplicated).
   */
  send(packet: Packet<Payload>, nowTick: number, delivery: { readonly duplicable: boolean }): void {
    const { options, random } = this;
    if (this.lossy && random.chance(options.dropProbability)) {
      this.droppedCount++;
      return;
    }
    const copies = this.lossy && random.chance(options.duplicateProbability) && delivery.duplicable ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      if (this.#inflight.length >= options.inflightPacketCountMax) {
        this.droppedCount++;
        return;
      }
      let delayTicks = random.nextIntInRange({ minInclusive: options.delayTicksMin, maxInclusive: options.delayTicksMax });
      if (random.chance(options.delaySpikeProbability)) delayTicks += random.nextIntInRange({ minInclusive: 1, maxInclusive: options.delaySpikeTicksMax });
      this.#inflight.push({ ...packet, deliverTick: nowTick + delayTicks, sequence: this.#sequence++ });
    }
  }

  /** Removes and returns the packets due at `nowTick` whose link is open, in delivery order. */
  takeDue(nowTick: number): Packet<Payload>[] {
    const due: InFlight<Payload>[] = [];
    const later: InFlight<Payload>[] = [];
    for (const packet of this.#inflight) (packet.deliverTick <= nowTick ? due : later).push(packet);
    this.#inflight = later;
    due.sort((left, right) => left.deliverTick - right.deliverTick || left.sequence - right.sequence);
    const open = due.filter((packet) => !this.#cutLinks.has(linkKey(packet.source, packet.target)));
    this.droppedCount += due.length - open.length;
    return open;
  }

  /** Cuts or restores the directed link `source` to `target`. */
  setLinkCut(source: number, target: number, cut: boolean): void {
    if (cut) this.#cutLinks.add(linkKey(source, target));
    else this.#cutLinks.delete(linkKey(source, target));
  }

  /** True when some link is cut. */
  get partitioned(): boolean {
    return this.#cutLinks.size > 0;
  }

  /** Restores every link. */
  heal(): void {
    this.#cutLinks.clear();
  }

  /** Packets in flight. */
  get inflightCount(): number {
    return this.#inflight.length;
  }
}

const linkKeyFactor = 1 << 16;

function linkKey(source: number, target: number): number {
  return source * linkKeyFactor + target;
}
