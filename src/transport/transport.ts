import type { Message, NodeId } from '../raft/types.js';
import type { FaultRule } from './fault-rules.js';

/**
 * The port between a peer's loop and the network. Raft tolerates loss, duplication
 * is avoided, and order is kept per (sender, receiver) link. Nothing here blocks the
 * caller or throws for network reasons: failures show up as drops in stats() and as
 * onUnreachable reports.
 */
export interface Transport {
  readonly selfId: NodeId;
  start(): Promise<void>;
  /** Queues messages for their `to` peers. Never blocks; full queues drop (and report unreachable). */
  send(messages: readonly Message[]): void;
  /** Removes up to `max` inbound messages, oldest first. */
  receive(max?: number): Message[];
  /**
   * Called on a later microtask when inbound messages are waiting and no wake-up is
   * pending. The callback should only wake the owner loop, which then calls receive().
   */
  onReadable(callback: () => void): void;
  /** Called on a later microtask, coalesced per peer, when messages to `peer` were lost or its link failed. */
  onUnreachable(callback: (peer: NodeId) => void): void;
  /**
   * True while the outbound link to `peer` is connected and authenticated, so messages
   * sent now go out at once. False while it (re)dials, e.g. after the peer's process died.
   */
  linkOpen(peer: NodeId): boolean;
  /** Replaces all fault rules at once (chaos testing). Throws TRANSPORT_BAD_FAULT_RULE on bad input. */
  setFaults(rules: readonly FaultRule[]): void;
  faults(): FaultRule[];
  stats(): TransportStats;
  stop(): Promise<void>;
}

/**
 * Outbound link states (see README.md for the diagram). 'idle' before start,
 * 'backoff' while waiting to redial, 'stopped' after stop().
 */
export type LinkState = 'idle' | 'connecting' | 'handshaking' | 'open' | 'backoff' | 'stopped';

export interface PeerStats {
  state: LinkState;
  messagesSent: number;
  bytesSent: number;
  framesSent: number;
  messagesReceived: number;
  bytesReceived: number;
  framesReceived: number;
  /** Dropped because the send queue was full (length or bytes). */
  dropsQueueFull: number;
  /** Dropped by a fault rule, either direction. */
  dropsFault: number;
  /** A single message that could not fit in a frame. */
  dropsOversize: number;
  /** Lost because the link closed while they were in flight or on stop. */
  dropsLinkClosed: number;
  /** Inbound messages from this peer dropped because the inbound queue was full. */
  dropsInboundFull: number;
  connects: number;
  disconnects: number;
  handshakeFailures: number;
  /** Inbound frames rejected by the decoder (the connection is closed on each). */
  badFrames: number;
  queueLength: number;
  queueBytes: number;
}

export interface TransportStats {
  selfId: NodeId;
  peers: Record<NodeId, PeerStats>;
  inboundQueueLength: number;
  inboundQueueBytes: number;
  /** Messages handed to send() for a peer that is not a member. */
  dropsUnknownPeer: number;
}

export function emptyPeerStats(): PeerStats {
  return {
    state: 'idle',
    messagesSent: 0,
    bytesSent: 0,
    framesSent: 0,
    messagesReceived: 0,
    bytesReceived: 0,
    framesReceived: 0,
    dropsQueueFull: 0,
    dropsFault: 0,
    dropsOversize: 0,
    dropsLinkClosed: 0,
    dropsInboundFull: 0,
    connects: 0,
    disconnects: 0,
    handshakeFailures: 0,
    badFrames: 0,
    queueLength: 0,
    queueBytes: 0,
  };
}
