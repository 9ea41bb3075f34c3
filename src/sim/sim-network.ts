import type { Message } from '../raft/types.js';
import { assert } from '../util/assert.js';
import type { Rng } from '../util/rng.js';
import { LinkCuts } from './link-cuts.js';
import { MessageHeap } from './message-heap.js';
import type { SimClock } from './sim-clock.js';

/** How the wire behaves at the moment. Random delays also reorder messages. */
export interface NetworkConditions {
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly minDelayTicks: number;
  readonly maxDelayTicks: number;
  /** Chance that a message is held back much longer than usual (a stale packet). */
  readonly spikeRate: number;
  readonly spikeDelayTicksMax: number;
}

export const CALM_NETWORK: NetworkConditions = Object.freeze({
  dropRate: 0,
  duplicateRate: 0,
  minDelayTicks: 1,
  maxDelayTicks: 2,
  spikeRate: 0,
  spikeDelayTicksMax: 0,
});

export type DropReason = 'loss' | 'cut' | 'down';

export interface NetworkListener {
  /** Hands a message to its destination; false when the destination is not running. */
  deliver(message: Message): boolean;
  dropped(message: Message, reason: DropReason): void;
}

/**
 * The simulated wire between peers: every message is lost, delayed, duplicated
 * or cut by a partition according to the current conditions and the seeded rng.
 * A cut is checked when a message is sent and again when it would arrive, so a
 * partition that starts while a message is in flight also stops it.
 */
export class SimNetwork {
  readonly cuts = new LinkCuts();
  private readonly heap = new MessageHeap();
  private seq = 0;
  private conditionsNow: NetworkConditions = CALM_NETWORK;
  private sentCount = 0;
  private deliveredCount = 0;

  constructor(
    private readonly rng: Rng,
    private readonly clock: SimClock,
    private readonly listener: NetworkListener,
  ) {}

  get conditions(): NetworkConditions {
    return this.conditionsNow;
  }

  setConditions(conditions: NetworkConditions): void {
    assert(conditions.minDelayTicks >= 1, 'messages take at least one tick, so a tick always ends');
    assert(conditions.maxDelayTicks >= conditions.minDelayTicks, 'maxDelayTicks below minDelayTicks');
    this.conditionsNow = conditions;
  }

  send(message: Message): void {
    this.sentCount++;
    if (this.cuts.isCut(message.from, message.to)) {
      this.listener.dropped(message, 'cut');
      return;
    }
    const c = this.conditionsNow;
    if (c.dropRate > 0 && this.rng.chance(c.dropRate)) {
      this.listener.dropped(message, 'loss');
      return;
    }
    this.enqueue(message);
    if (c.duplicateRate > 0 && this.rng.chance(c.duplicateRate)) this.enqueue(message);
  }

  /** Delivers every message due by now, in (delivery tick, send order). */
  deliverDue(): void {
    const now = this.clock.tick;
    for (let next = this.heap.peek(); next !== undefined && next.deliverAtTick <= now; next = this.heap.peek()) {
      this.heap.pop();
      const message = next.message;
      if (this.cuts.isCut(message.from, message.to)) {
        this.listener.dropped(message, 'cut');
      } else if (this.listener.deliver(message)) {
        this.deliveredCount++;
      } else {
        this.listener.dropped(message, 'down');
      }
    }
  }

  get inFlight(): number {
    return this.heap.size;
  }

  get stats(): { sent: number; delivered: number } {
    return { sent: this.sentCount, delivered: this.deliveredCount };
  }

  private enqueue(message: Message): void {
    const c = this.conditionsNow;
    let delay = c.minDelayTicks === c.maxDelayTicks ? c.minDelayTicks : this.rng.int(c.minDelayTicks, c.maxDelayTicks);
    if (c.spikeRate > 0 && this.rng.chance(c.spikeRate)) delay += this.rng.int(1, Math.max(1, c.spikeDelayTicksMax));
    this.heap.push({ message, deliverAtTick: this.clock.tick + delay, seq: this.seq++ });
  }
}
