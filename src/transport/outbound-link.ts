import { WebSocket, type RawData } from 'ws';
import type { NodeId } from '../raft/types.js';
import { assert } from '../util/assert.js';
import { Backoff } from '../util/backoff.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { Rng } from '../util/rng.js';
import type { OutFrame } from './outbound-pipeline.js';
import { newNonce } from './handshake-proof.js';
import { OutboundSession } from './outbound-session.js';
import { peerLinkUrl, type PeerAddress } from './peer-address.js';
import { rawDataBytes } from './raw-data.js';
import { CLOSE_CODES } from './session-action.js';
import type { PeerSlot } from './transport-base.js';
import type { LinkState } from './transport.js';
import type { TransportLimits } from './transport-limits.js';

/** Frames of at least this many bytes go unmasked; smaller ones are masked and written whole. */
export const UNMASKED_FRAME_BYTES = 1024;
const SMALL_FRAME_MASK = 0x5a3c96e1;
/** ws.send's options for every frame (ws only reads them). */
const BINARY = Object.freeze({ binary: true });

/** The mask of a peer-link frame of this size, as a 32-bit number (see OutboundLink.generateMask). */
export function frameMask(byteLength: number): number {
  return byteLength >= UNMASKED_FRAME_BYTES ? 0 : SMALL_FRAME_MASK;
}

export interface OutboundLinkOptions {
  selfId: NodeId;
  clusterId: string;
  secret: Uint8Array;
  limits: TransportLimits;
  logger: Logger;
  clock: Clock;
  rng: Rng;
  slot: PeerSlot;
  address: PeerAddress;
  /** The link failed or closed: the owner should treat the peer as unreachable. */
  onLinkLost: (peer: NodeId) => void;
}

/** One WebSocket connection attempt and what was handed to it. */
interface Connection {
  readonly ws: WebSocket;
  readonly session: OutboundSession;
  inflightFrames: number;
  inflightMessages: number;
  /** Set once onClose has counted what was still in flight, so write callbacks do not count it twice. */
  lossCounted: boolean;
}

/**
 * The sending half of the link to one remote peer: dials, authenticates, writes
 * frames from the peer's pipeline with at most inflightFramesMax unflushed, and
 * redials with exponential backoff and jitter after any failure.
 *
 *   idle -> connecting -> handshaking -> open
 *              ^              |           |
 *              +-- backoff <--+-----------+        (any state) -> stopped
 */
export class OutboundLink {
  private current: LinkState = 'idle';
  private conn: Connection | undefined;
  private address: PeerAddress;
  private readonly backoff: Backoff;
  private redialTimer: TimerHandle | undefined;
  private handshakeTimer: TimerHandle | undefined;
  private waitTimer: TimerHandle | undefined;
  private readonly peer: NodeId;
  private readonly log: Logger;
  /** The size of the frame being sent, for its mask (see generateMask). */
  private sendingBytes = 0;

  constructor(private readonly options: OutboundLinkOptions) {
    this.address = options.address;
    this.peer = options.slot.peer;
    this.log = options.logger.child({ peer: this.peer, link: 'outbound' });
    const { reconnectInitialMs, reconnectMaxMs } = options.limits;
    this.backoff = new Backoff({ initialMs: reconnectInitialMs, maxMs: reconnectMaxMs, multiplier: 2, jitter: 0.5 }, options.rng);
  }

  get state(): LinkState {
    return this.current;
  }

  start(): void {
    assert(this.current === 'idle', 'start() once');
    this.connect();
  }

  /** Takes effect on the next dial; an open link is left alone. */
  setAddress(address: PeerAddress): void {
    this.address = address;
  }

  kick(): void {
    if (this.current === 'open') this.pump();
  }

  stop(): void {
    this.current = 'stopped';
    this.clearTimers();
    const conn = this.conn;
    this.conn = undefined;
    if (conn !== undefined) {
      this.countLoss(conn);
      conn.session.abort();
      conn.ws.terminate();
    }
  }

  /**
   * The mask of the frame ws is about to send (ws calls this from within send()). Masking
   * guards HTTP proxies against frames a browser script crafted; a peer link joins two
   * authenticated peers, so the mask need not be unpredictable, only chosen for cost.
   * - A large frame (a batch of entries, a snapshot chunk) gets an all-zero mask: ws then
   *   skips masking on send and unmasking on receive, which would XOR every byte twice.
   * - A small frame (an acknowledgement, a commit notice, one entry) gets a fixed non-zero
   *   mask: ws then copies it, masked, after the header into one buffer and writes that
   *   once. Unmasked, it writes header and payload as two chunks of a corked socket, and
   *   the corked write costs a writev and the stream's buffering objects: about 1 KB of
   *   garbage per frame (V8's sampling heap profiler, on a leader at one client).
   * ws XORs byte by byte in JavaScript (bufferutil is not installed), so the threshold is
   * low: 1 KiB holds acknowledgements, commit notices and a one-entry append, while the
   * batches of many clients (several KiB each) skip the XOR.
   */
  private readonly generateMask = (mask: Buffer): void => {
    mask.writeUInt32BE(frameMask(this.sendingBytes));
  };

  private connect(): void {
    if (this.current === 'stopped') return;
    this.current = 'connecting';
    const { limits, clock } = this.options;
    const ws = new WebSocket(peerLinkUrl(this.address), {
      maxPayload: limits.frameBytesMax,
      perMessageDeflate: false,
      handshakeTimeout: limits.handshakeTimeoutMs,
      generateMask: this.generateMask,
    });
    const session = new OutboundSession({
      selfId: this.options.selfId,
      peerId: this.peer,
      clusterId: this.options.clusterId,
      secret: this.options.secret,
      limits,
      nonce: newNonce(),
    });
    const conn: Connection = { ws, session, inflightFrames: 0, inflightMessages: 0, lossCounted: false };
    this.conn = conn;
    this.handshakeTimer = clock.setTimeout(() => {
      if (this.conn !== conn || this.current === 'open') return;
      this.log.warn({ timeoutMs: limits.handshakeTimeoutMs }, 'peer link handshake timed out');
      ws.terminate();
    }, limits.handshakeTimeoutMs);
    ws.on('open', () => {
      if (this.conn === conn) this.current = 'handshaking';
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(conn, data, isBinary));
    ws.on('close', (code: number, reason: Buffer) => this.onClose(conn, code, reason.toString()));
    ws.on('error', (error: Error) => this.log.debug({ err: error.message }, 'peer link error'));
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (this.conn !== conn) return;
    if (!isBinary) {
      conn.ws.close(CLOSE_CODES.protocolError, 'text frames are not part of the protocol');
      return;
    }
    for (const action of conn.session.feed(rawDataBytes(data))) {
      if (action.kind === 'send') {
        this.sendingBytes = action.bytes.byteLength;
        conn.ws.send(action.bytes, BINARY);
      }
      else if (action.kind === 'open') this.onOpen();
      else if (action.kind === 'close') {
        this.options.slot.stats.handshakeFailures++;
        this.log.warn({ code: action.code, reason: action.reason }, 'refusing peer link');
        conn.ws.close(action.code, action.reason);
      } else {
        assert(false, 'an outbound session never delivers');
      }
    }
  }

  private onOpen(): void {
    if (this.handshakeTimer !== undefined) this.options.clock.clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    this.current = 'open';
    this.backoff.reset();
    this.options.slot.stats.connects++;
    this.log.info({ address: this.address }, 'peer link open');
    this.pump();
  }

  private onClose(conn: Connection, code: number, reason: string): void {
    if (this.conn !== conn) return;
    this.conn = undefined;
    conn.session.abort();
    const { slot } = this.options;
    if (this.current === 'open') {
      slot.stats.disconnects++;
      this.log.info({ code, reason }, 'peer link closed');
    } else if (code >= 4000 && code < 5000) {
      slot.stats.handshakeFailures++;
      this.log.warn({ code, reason }, 'peer refused the link handshake');
    }
    this.countLoss(conn);
    slot.stats.dropsLinkClosed += slot.pipeline.abandonInflight();
    this.options.onLinkLost(this.peer);
    this.clearTimers();
    if (this.current === 'stopped') return;
    this.current = 'backoff';
    this.redialTimer = this.options.clock.setTimeout(() => {
      this.redialTimer = undefined;
      this.connect();
    }, this.backoff.nextDelayMs());
  }

  private pump(): void {
    const conn = this.conn;
    // A closing socket (the peer already sent its close frame) would swallow writes:
    // leave them queued for the next connection instead.
    if (conn === undefined || this.current !== 'open' || conn.ws.readyState !== WebSocket.OPEN) return;
    const { slot, limits, clock } = this.options;
    while (conn.inflightFrames < limits.inflightFramesMax) {
      const next = slot.pipeline.next(clock.nowMs());
      slot.stats.dropsOversize += next.oversize;
      const { frames } = next;
      for (let i = 0; i < frames.length; i++) this.write(conn, frames[i]!);
      if (next.waitMs !== undefined) {
        this.waitThenPump(next.waitMs);
        return;
      }
      if (next.frames.length === 0 && next.oversize === 0) return;
    }
  }

  private write(conn: Connection, frame: OutFrame): void {
    const { stats } = this.options.slot;
    conn.inflightFrames++;
    conn.inflightMessages += frame.messages;
    this.sendingBytes = frame.bytes.byteLength;
    conn.ws.send(frame.bytes, BINARY, (error) => {
      conn.inflightFrames--;
      conn.inflightMessages -= frame.messages;
      if (error !== undefined && error !== null) {
        if (!conn.lossCounted) stats.dropsLinkClosed += frame.messages;
        return;
      }
      stats.framesSent++;
      stats.bytesSent += frame.bytes.byteLength;
      stats.messagesSent += frame.messages;
      if (this.conn === conn) this.pump();
    });
  }

  private countLoss(conn: Connection): void {
    if (!conn.lossCounted) this.options.slot.stats.dropsLinkClosed += conn.inflightMessages;
    conn.lossCounted = true;
  }

  private waitThenPump(waitMs: number): void {
    if (this.waitTimer !== undefined) return;
    this.waitTimer = this.options.clock.setTimeout(() => {
      this.waitTimer = undefined;
      this.pump();
    }, waitMs);
  }

  private clearTimers(): void {
    const { clock } = this.options;
    for (const timer of [this.redialTimer, this.handshakeTimer, this.waitTimer]) {
      if (timer !== undefined) clock.clearTimeout(timer);
    }
    this.redialTimer = undefined;
    this.handshakeTimer = undefined;
    this.waitTimer = undefined;
  }
}
