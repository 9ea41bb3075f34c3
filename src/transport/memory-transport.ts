import type { NodeId } from '../raft/types.js';
import { assert, assertionFailed } from '../util/assert.js';
import { SystemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { SeededRng, type Rng } from '../util/rng.js';
import { newNonce } from './handshake-proof.js';
import { InboundSession } from './inbound-session.js';
import { OutboundSession } from './outbound-session.js';
import { TransportBase, type PeerSlot } from './transport-base.js';
import type { LinkState } from './transport.js';
import { resolveTransportLimits, type TransportLimits } from './transport-limits.js';

export interface MemoryNetworkOptions {
  clock?: Clock;
  /** Seeds each node's fault decisions; a fixed seed reproduces a run. */
  rng?: Rng;
  limits?: Partial<TransportLimits>;
}

interface MemoryLink {
  session: OutboundSession | undefined;
  /** The accepting half and its owner; a restarted peer is a new target and needs a new handshake. */
  inbound: InboundSession | undefined;
  target: MemoryTransport | undefined;
  waitTimer: TimerHandle | undefined;
}

const MEMORY_CLUSTER_ID = 'memory-network';
const MEMORY_SECRET = new Uint8Array(32).fill(7);

/**
 * An in-process network of transports for tests and the simulator. Frames go through
 * the same pipeline, codec, handshake and session state machines as WsTransport;
 * only the socket is missing. Delivery happens on microtasks and clock timers, never
 * inside send().
 */
export class MemoryNetwork {
  readonly clock: Clock;
  readonly limits: TransportLimits;
  private readonly rng: Rng;
  private readonly nodes = new Map<NodeId, MemoryTransport>();

  constructor(options: MemoryNetworkOptions = {}) {
    this.clock = options.clock ?? new SystemClock();
    this.rng = options.rng ?? new SeededRng(1);
    this.limits = resolveTransportLimits(options.limits);
  }

  /** Adds a node, or replaces a stopped one (a restart). Every node is a peer of every other. */
  createTransport(selfId: NodeId): MemoryTransport {
    const existing = this.nodes.get(selfId);
    if (!(existing === undefined || existing.isStopped)) assertionFailed(`node ${selfId} is still running`);
    const transport = new MemoryTransport(this, selfId, this.rng.fork());
    this.nodes.set(selfId, transport);
    for (const peer of this.nodes.keys()) {
      if (peer !== selfId) transport.addPeer(peer);
    }
    for (const node of this.nodes.values()) if (node !== transport) node.addPeer(selfId);
    return transport;
  }

  /** The running node with this id, if any. */
  reachable(peer: NodeId): MemoryTransport | undefined {
    const node = this.nodes.get(peer);
    return node !== undefined && node.isStarted ? node : undefined;
  }

  nodeStarted(selfId: NodeId): void {
    for (const node of this.nodes.values()) if (node.selfId !== selfId) node.peerUp(selfId);
  }

  /** A node stopped: every link to it closes at once, as a dead process's sockets do. */
  nodeStopped(selfId: NodeId): void {
    for (const node of this.nodes.values()) if (node.selfId !== selfId) node.peerDown(selfId);
  }
}

export class MemoryTransport extends TransportBase {
  private readonly links = new Map<NodeId, MemoryLink>();
  private readonly inboundSessions = new Map<NodeId, InboundSession>();

  constructor(
    private readonly network: MemoryNetwork,
    selfId: NodeId,
    rng: Rng,
  ) {
    super(selfId, network.limits, network.clock, rng);
  }

  get isStarted(): boolean {
    return this.lifecycle === 'started';
  }

  get isStopped(): boolean {
    return this.lifecycle === 'stopped';
  }

  addPeer(peer: NodeId): void {
    this.addSlot(peer);
    if (!this.links.has(peer)) this.links.set(peer, { session: undefined, inbound: undefined, target: undefined, waitTimer: undefined });
  }

  async start(): Promise<void> {
    assert(this.lifecycle === 'new', 'start() once');
    this.lifecycle = 'started';
    this.network.nodeStarted(this.selfId);
    for (const slot of this.allSlots()) this.scheduleKick(slot);
  }

  async stop(): Promise<void> {
    if (this.lifecycle === 'stopped') return;
    this.lifecycle = 'stopped';
    for (const slot of this.allSlots()) {
      const link = this.links.get(slot.peer);
      if (link?.waitTimer !== undefined) this.clock.clearTimeout(link.waitTimer);
      slot.stats.dropsLinkClosed += slot.pipeline.clear() + slot.inboundDelay.clear();
    }
    this.inboundSessions.clear();
    this.inbound.clear();
    this.network.nodeStopped(this.selfId);
  }

  /** A peer (re)started: anything queued for it may flow now. */
  peerUp(peer: NodeId): void {
    const slot = this.slot(peer);
    if (slot !== undefined && this.isStarted) this.scheduleKick(slot);
  }

  /** A peer stopped: the link to it is down until a kick finds it running again. */
  peerDown(peer: NodeId): void {
    const slot = this.slot(peer);
    const link = this.links.get(peer);
    if (slot !== undefined && link?.session !== undefined && this.isStarted) this.linkDown(slot, link);
  }

  /** The accepting half of a new in-memory connection. */
  accept(): InboundSession {
    return new InboundSession({
      selfId: this.selfId,
      clusterId: MEMORY_CLUSTER_ID,
      secret: MEMORY_SECRET,
      isMember: (peer) => this.slot(peer) !== undefined,
      limits: this.limits,
      nonce: newNonce(),
    });
  }

  /** A frame from `peer` arrives; false means the session refused it and the link must reconnect. */
  acceptFrame(peer: NodeId, session: InboundSession, bytes: Uint8Array): boolean {
    const slot = this.slot(peer);
    if (!this.isStarted || slot === undefined || this.inboundSessions.get(peer) !== session) return false;
    for (const action of session.feed(bytes)) {
      if (action.kind === 'deliver') this.deliver(slot, action.messages, bytes.byteLength);
      if (action.kind === 'close') {
        slot.stats.badFrames++;
        this.inboundSessions.delete(peer);
        return false;
      }
    }
    return true;
  }

  registerInbound(peer: NodeId, session: InboundSession): void {
    this.inboundSessions.set(peer, session);
  }

  protected linkState(slot: PeerSlot): LinkState {
    if (this.lifecycle !== 'started') return this.lifecycle === 'new' ? 'idle' : 'stopped';
    return this.links.get(slot.peer)?.session !== undefined ? 'open' : 'backoff';
  }

  protected kick(slot: PeerSlot): void {
    const link = this.links.get(slot.peer);
    assert(link !== undefined, 'every slot has a link');
    const target = this.network.reachable(slot.peer);
    if (target === undefined) {
      this.linkDown(slot, link);
      return;
    }
    if (link.target !== undefined && link.target !== target) this.linkDown(slot, link);
    if (link.session === undefined && !this.connect(slot, link, target)) return;
    this.pump(slot, link, target);
  }

  private linkDown(slot: PeerSlot, link: MemoryLink): void {
    if (link.session !== undefined) slot.stats.disconnects++;
    link.session = undefined;
    link.inbound = undefined;
    link.target = undefined;
    slot.stats.dropsLinkClosed += slot.pipeline.abandonInflight();
    this.unreachable.report(slot.peer);
  }

  private connect(slot: PeerSlot, link: MemoryLink, target: MemoryTransport): boolean {
    const outbound = new OutboundSession({
      selfId: this.selfId,
      peerId: slot.peer,
      clusterId: MEMORY_CLUSTER_ID,
      secret: MEMORY_SECRET,
      limits: this.limits,
      nonce: newNonce(),
    });
    const inbound = target.accept();
    let toClient = inbound.start();
    for (let round = 0; round < 3 && toClient.length > 0; round++) {
      const toServer = toClient.flatMap((action) => (action.kind === 'send' ? outbound.feed(action.bytes) : []));
      toClient = toServer.flatMap((action) => (action.kind === 'send' ? inbound.feed(action.bytes) : []));
    }
    if (outbound.state !== 'open' || inbound.state !== 'open') {
      slot.stats.handshakeFailures++;
      return false;
    }
    target.registerInbound(this.selfId, inbound);
    link.session = outbound;
    link.inbound = inbound;
    link.target = target;
    slot.stats.connects++;
    return true;
  }

  private pump(slot: PeerSlot, link: MemoryLink, target: MemoryTransport): void {
    const inbound = link.inbound;
    assert(inbound !== undefined, 'connected links have an inbound session');
    for (;;) {
      const next = slot.pipeline.next(this.clock.nowMs());
      slot.stats.dropsOversize += next.oversize;
      for (const frame of next.frames) {
        if (!target.acceptFrame(this.selfId, inbound, frame.bytes)) {
          this.linkDown(slot, link);
          return;
        }
        slot.stats.framesSent++;
        slot.stats.bytesSent += frame.bytes.byteLength;
        slot.stats.messagesSent += frame.messages;
      }
      if (next.waitMs !== undefined) {
        this.waitThenKick(slot, link, next.waitMs);
        return;
      }
      if (next.frames.length === 0 && next.oversize === 0) return;
    }
  }

  private waitThenKick(slot: PeerSlot, link: MemoryLink, waitMs: number): void {
    if (link.waitTimer !== undefined) return;
    link.waitTimer = this.clock.setTimeout(() => {
      link.waitTimer = undefined;
      if (this.isStarted) this.kick(slot);
    }, waitMs);
  }
}
