import type { NodeId } from '../raft/types.js';
import { assert } from '../util/assert.js';
import { SystemClock, type Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { randomSeed, SeededRng, type Rng } from '../util/rng.js';
import { parseClusterSecret } from './cluster-secret.js';
import { LinkServer } from './link-server.js';
import { OutboundLink } from './outbound-link.js';
import { validatePeerAddress, type PeerAddress } from './peer-address.js';
import { TransportBase, type PeerSlot } from './transport-base.js';
import { TransportError } from './transport-error.js';
import type { LinkState } from './transport.js';
import { resolveTransportLimits, type TransportLimits } from './transport-limits.js';

export interface WsTransportOptions {
  selfId: NodeId;
  clusterId: string;
  /** Shared by all members; proven in the handshake, never sent (see cluster-secret.ts). */
  secret: string | Uint8Array;
  /** Where this peer accepts links; port 0 picks a free port (see address()). */
  listen: PeerAddress;
  /** The other members and where they listen. An entry for selfId is ignored. */
  peers: Readonly<Record<NodeId, PeerAddress>>;
  logger: Logger;
  limits?: Partial<TransportLimits>;
  clock?: Clock;
  rng?: Rng;
}

/**
 * Peer links over WebSockets. Every peer listens, and dials each other member once:
 * the dialed connection carries only this peer's traffic to that member, the
 * accepted one only that member's traffic to us (README.md#connections).
 */
export class WsTransport extends TransportBase {
  private readonly server: LinkServer;
  private readonly links = new Map<NodeId, OutboundLink>();
  private readonly rng: Rng;
  private readonly log: Logger;
  private readonly secret: Uint8Array;
  private bound: PeerAddress | undefined;

  constructor(private readonly options: WsTransportOptions) {
    const limits = resolveTransportLimits(options.limits);
    const rng = options.rng ?? new SeededRng(randomSeed());
    super(options.selfId, limits, options.clock ?? new SystemClock(), rng.fork());
    if (Buffer.byteLength(options.clusterId) === 0 || Buffer.byteLength(options.clusterId) > limits.clusterIdBytesMax) {
      throw new TransportError('TRANSPORT_BAD_CONFIG', 'clusterId must be 1..clusterIdBytesMax bytes');
    }
    this.rng = rng;
    this.secret = parseClusterSecret(options.secret);
    this.log = options.logger.child({ component: 'transport', self: options.selfId });
    validatePeerAddress(options.listen, options.selfId);
    this.server = new LinkServer({
      selfId: options.selfId,
      clusterId: options.clusterId,
      secret: this.secret,
      limits,
      logger: this.log,
      clock: this.clock,
      isMember: (peer) => this.slot(peer) !== undefined,
      onMessages: (peer, messages, frameBytes) => {
        const slot = this.slot(peer);
        if (slot !== undefined) this.deliver(slot, messages, frameBytes);
      },
      onRejected: (peer, phase) => {
        const slot = peer === undefined ? undefined : this.slot(peer);
        if (slot !== undefined && phase === 'frame') slot.stats.badFrames++;
        if (slot !== undefined && phase === 'handshake') slot.stats.handshakeFailures++;
      },
    });
    for (const [peer, address] of Object.entries(options.peers)) {
      if (peer !== options.selfId) this.setPeerAddress(peer, address);
    }
  }

  async start(): Promise<void> {
    assert(this.lifecycle === 'new', 'start() once');
    this.bound = await this.server.listen(this.options.listen);
    this.lifecycle = 'started';
    this.log.info({ address: this.bound }, 'peer links listening');
    for (const link of this.links.values()) link.start();
  }

  /** The address actually bound (useful with port 0). */
  address(): PeerAddress {
    assert(this.bound !== undefined, 'address() after start()');
    return { ...this.bound };
  }

  /** Adds a member or changes where it listens (membership changes, tests with ephemeral ports). */
  setPeerAddress(peer: NodeId, address: PeerAddress): void {
    assert(peer !== this.selfId, 'the transport does not link to itself');
    const valid = validatePeerAddress(address, peer);
    const existing = this.links.get(peer);
    if (existing !== undefined) {
      existing.setAddress(valid);
      return;
    }
    const slot = this.addSlot(peer);
    const link = new OutboundLink({
      selfId: this.selfId,
      clusterId: this.options.clusterId,
      secret: this.secret,
      limits: this.limits,
      logger: this.log,
      clock: this.clock,
      rng: this.rng.fork(),
      slot,
      address: valid,
      onLinkLost: (lost) => this.unreachable.report(lost),
    });
    this.links.set(peer, link);
    if (this.lifecycle === 'started') link.start();
  }

  /** Forgets a member: its queue is dropped and its links closed. */
  removePeer(peer: NodeId): void {
    this.links.get(peer)?.stop();
    this.links.delete(peer);
    this.deleteSlot(peer);
  }

  async stop(): Promise<void> {
    if (this.lifecycle === 'stopped') return;
    const wasStarted = this.lifecycle === 'started';
    this.lifecycle = 'stopped';
    for (const link of this.links.values()) link.stop();
    for (const slot of this.allSlots()) slot.stats.dropsLinkClosed += slot.pipeline.clear() + slot.inboundDelay.clear();
    this.inbound.clear();
    if (wasStarted) await this.server.close();
    this.log.info('peer links stopped');
  }

  protected kick(slot: PeerSlot): void {
    this.links.get(slot.peer)?.kick();
  }

  protected linkState(slot: PeerSlot): LinkState {
    return this.links.get(slot.peer)?.state ?? 'idle';
  }
}
