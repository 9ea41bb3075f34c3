import type { Message, NodeId } from '../raft/types.js';
import { assert, assertionFailed } from '../util/assert.js';
import type { Clock } from '../util/clock.js';
import type { Rng } from '../util/rng.js';
import { DelayLine } from './delay-line.js';
import { FaultTable, type FaultRule } from './fault-rules.js';
import { InboundQueue } from './inbound-queue.js';
import { OutboundPipeline } from './outbound-pipeline.js';
import { emptyPeerStats, type LinkState, type PeerStats, type Transport, type TransportStats } from './transport.js';
import type { TransportLimits } from './transport-limits.js';
import { UnreachableReporter } from './unreachable-reporter.js';
import { onMicrotask } from '../util/microtask.js';

/** Everything the transport keeps about one remote peer, whatever carries the bytes. */
export interface PeerSlot {
  readonly peer: NodeId;
  readonly stats: PeerStats;
  readonly pipeline: OutboundPipeline;
  readonly inboundDelay: DelayLine<Message>;
}

export type Lifecycle = 'new' | 'started' | 'stopped';

/**
 * The part of a Transport that does not depend on how bytes move: send-side
 * validation, fault decisions, bounded queues, inbound delivery, stats. Subclasses
 * move frames (WebSocket links, or an in-process network) and call deliver().
 */
export abstract class TransportBase implements Transport {
  protected lifecycle: Lifecycle = 'new';
  protected readonly inbound: InboundQueue;
  protected readonly unreachable = new UnreachableReporter();
  private readonly faultTable: FaultTable;
  private readonly slots = new Map<NodeId, PeerSlot>();
  /** Peers sent to since the last kick, in the order first sent to; kicked on one microtask. */
  private readonly kicksPending: Array<PeerSlot | undefined> = [];
  private kicksCount = 0;
  private dropsUnknownPeer = 0;

  protected constructor(
    readonly selfId: NodeId,
    protected readonly limits: TransportLimits,
    protected readonly clock: Clock,
    rng: Rng,
  ) {
    assert(selfId.length > 0, 'selfId must not be empty');
    this.inbound = new InboundQueue(limits.inboundQueueLengthMax, limits.inboundQueueBytesMax);
    this.faultTable = new FaultTable(rng);
  }

  /** Moves whatever the peer's pipeline has ready; called on a microtask after send(). */
  protected abstract kick(slot: PeerSlot): void;
  protected abstract linkState(slot: PeerSlot): LinkState;

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  send(messages: readonly Message[]): void {
    if (this.lifecycle === 'stopped') return;
    const nowMs = this.clock.nowMs();
    for (const message of messages) {
      if (message.from !== this.selfId) assertionFailed(`message from ${message.from} sent by ${this.selfId}`);
      assert(message.to !== this.selfId, 'a peer does not send messages to itself');
      const slot = this.slots.get(message.to);
      if (slot === undefined) {
        this.dropsUnknownPeer++;
        continue;
      }
      this.enqueue(slot, message, nowMs);
    }
  }

  receive(max = Infinity): Message[] {
    assert(max > 0, 'receive(max) needs max > 0');
    return this.inbound.drain(max);
  }

  onReadable(callback: () => void): void {
    this.inbound.onReadable(callback);
  }

  onUnreachable(callback: (peer: NodeId) => void): void {
    this.unreachable.onUnreachable(callback);
  }

  linkOpen(peer: NodeId): boolean {
    const slot = this.slots.get(peer);
    return slot !== undefined && this.lifecycle === 'started' && this.linkState(slot) === 'open';
  }

  setFaults(rules: readonly FaultRule[]): void {
    this.faultTable.set(rules);
    // A cut also loses what is still waiting on this side of it (queued while the link
    // was down, held by a delay, the rest of a snapshot stream), as a partition loses
    // what is in flight: else a link that connects after the cut delivers messages sent
    // before it, and a follower hears from a leader the cut had isolated.
    // A delay lifted lets go of what it held at once: else a heal would leave links
    // blocked behind messages still due up to a minute later.
    const nowMs = this.clock.nowMs();
    for (const slot of this.slots.values()) {
      if (this.faultTable.cuts(slot.peer, 'outbound')) slot.stats.dropsFault += slot.pipeline.clear();
      else if (!this.faultTable.delays(slot.peer, 'outbound')) {
        slot.pipeline.expedite(nowMs);
        this.scheduleKick(slot);
      }
      if (this.faultTable.cuts(slot.peer, 'inbound')) slot.stats.dropsFault += slot.inboundDelay.clear();
      else if (!this.faultTable.delays(slot.peer, 'inbound')) slot.inboundDelay.releaseAll();
    }
  }

  faults(): FaultRule[] {
    return this.faultTable.rules();
  }

  stats(): TransportStats {
    const peers: Record<NodeId, PeerStats> = {};
    for (const slot of this.slots.values()) {
      peers[slot.peer] = {
        ...slot.stats,
        state: this.linkState(slot),
        queueLength: slot.pipeline.length,
        queueBytes: slot.pipeline.bytes,
      };
    }
    return {
      selfId: this.selfId,
      peers,
      inboundQueueLength: this.inbound.length,
      inboundQueueBytes: this.inbound.bytes,
      dropsUnknownPeer: this.dropsUnknownPeer,
    };
  }

  protected slot(peer: NodeId): PeerSlot | undefined {
    return this.slots.get(peer);
  }

  protected allSlots(): PeerSlot[] {
    return [...this.slots.values()];
  }

  protected addSlot(peer: NodeId): PeerSlot {
    if (!(peer !== this.selfId && peer.length > 0)) assertionFailed(`bad peer id ${JSON.stringify(peer)}`);
    const existing = this.slots.get(peer);
    if (existing !== undefined) return existing;
    const stats = emptyPeerStats();
    const slot: PeerSlot = {
      peer,
      stats,
      pipeline: new OutboundPipeline(this.limits),
      inboundDelay: new DelayLine<Message>(this.clock, this.limits.inboundQueueLengthMax, (message) => {
        if (!this.inbound.push(message)) stats.dropsInboundFull++;
      }),
    };
    this.slots.set(peer, slot);
    return slot;
  }

  protected deleteSlot(peer: NodeId): PeerSlot | undefined {
    const slot = this.slots.get(peer);
    if (slot === undefined) return undefined;
    this.slots.delete(peer);
    slot.stats.dropsLinkClosed += slot.pipeline.clear() + slot.inboundDelay.clear();
    return slot;
  }

  /** Called by subclasses with messages a session has decoded and checked. */
  protected deliver(slot: PeerSlot, messages: readonly Message[], frameBytes: number): void {
    if (this.lifecycle !== 'started') return;
    slot.stats.framesReceived++;
    slot.stats.bytesReceived += frameBytes;
    for (const message of messages) {
      slot.stats.messagesReceived++;
      const decision = this.faultTable.decide(slot.peer, 'inbound');
      if (decision.kind === 'drop') slot.stats.dropsFault++;
      else if (!slot.inboundDelay.push(message, decision.delayMs)) slot.stats.dropsInboundFull++;
    }
  }

  protected scheduleKick(slot: PeerSlot): void {
    const pending = this.kicksPending;
    for (let i = 0; i < this.kicksCount; i++) if (pending[i] === slot) return;
    pending[this.kicksCount++] = slot;
    // Deferred so that all send() calls of one loop turn share frames, and so that
    // send() itself never does socket work. One microtask kicks every peer sent to.
    if (this.kicksCount === 1) onMicrotask(this.runKicks);
  }

  private readonly runKicks = (): void => {
    const pending = this.kicksPending;
    // A send during a kick to a peer not yet kicked joins this pass; one to a peer already
    // kicked (its slot emptied below) is queued again and kicked in this pass too.
    for (let i = 0; i < this.kicksCount; i++) {
      const slot = pending[i];
      pending[i] = undefined;
      if (slot !== undefined && this.lifecycle === 'started' && this.slots.get(slot.peer) === slot) this.kick(slot);
    }
    this.kicksCount = 0;
  };

  private enqueue(slot: PeerSlot, message: Message, nowMs: number): void {
    const decision = this.faultTable.decide(slot.peer, 'outbound');
    if (decision.kind === 'drop') {
      slot.stats.dropsFault++;
      return;
    }
    const result = slot.pipeline.enqueue(message, nowMs, decision.delayMs);
    if (result === 'queued') {
      this.scheduleKick(slot);
    } else if (result === 'full') {
      slot.stats.dropsQueueFull++;
      this.unreachable.report(slot.peer);
    } else {
      slot.stats.dropsOversize++;
    }
  }
}
