import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Message, NodeId } from '../raft/types.js';
import { assert } from '../util/assert.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { newNonce } from './handshake-proof.js';
import { InboundSession } from './inbound-session.js';
import { PEER_LINK_PATH, type PeerAddress } from './peer-address.js';
import { rawDataBytes } from './raw-data.js';
import { CLOSE_CODES, type SessionAction } from './session-action.js';
import type { TransportLimits } from './transport-limits.js';

export interface LinkServerOptions {
  selfId: NodeId;
  clusterId: string;
  secret: Uint8Array;
  limits: TransportLimits;
  logger: Logger;
  clock: Clock;
  isMember: (peer: NodeId) => boolean;
  /** Checked messages from an authenticated peer; the handler only queues them. */
  onMessages: (peer: NodeId, messages: Message[], frameBytes: number) => void;
  /** A connection was refused or cut for a bad frame; `peer` once known. */
  onRejected: (peer: NodeId | undefined, phase: 'handshake' | 'frame') => void;
}

/** Not-yet-authenticated connections allowed at once, so that a port scan cannot pile them up. */
const PENDING_HANDSHAKES_MAX = 32;
/** Largest frame taken before a link has authenticated: an auth frame is under 300 bytes. */
export const HANDSHAKE_FRAME_BYTES_MAX = 16 * 1024;

/**
 * The accepting half of all peer links: an HTTP server whose only route upgrades
 * PEER_LINK_PATH to a WebSocket, one InboundSession per connection, and at most one
 * live inbound connection per peer (a newer one supersedes, so per-link order holds).
 */
export class LinkServer {
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly byPeer = new Map<NodeId, WebSocket>();
  private pending = 0;
  private readonly log: Logger;

  constructor(private readonly options: LinkServerOptions) {
    this.log = options.logger.child({ link: 'inbound' });
    this.http = createServer((_request, response) => {
      response.statusCode = 404;
      response.end();
    });
    this.wss = new WebSocketServer({
      server: this.http,
      path: PEER_LINK_PATH,
      maxPayload: options.limits.frameBytesMax,
      perMessageDeflate: false,
    });
    this.wss.on('connection', (ws: WebSocket, request: IncomingMessage) => this.onConnection(ws, request));
    this.wss.on('error', (error: Error) => this.log.error({ err: error.message }, 'peer link server error'));
  }

  async listen(address: PeerAddress): Promise<PeerAddress> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(address.port, address.host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    const bound = this.http.address() as AddressInfo;
    return { host: address.host, port: bound.port };
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private onConnection(ws: WebSocket, request: IncomingMessage): void {
    const remote = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
    if (this.pending >= PENDING_HANDSHAKES_MAX) {
      this.log.warn({ remote }, 'too many pending peer handshakes');
      ws.close(1013, 'too many pending handshakes');
      return;
    }
    const { limits, clock } = this.options;
    const session = new InboundSession({
      selfId: this.options.selfId,
      clusterId: this.options.clusterId,
      secret: this.options.secret,
      isMember: this.options.isMember,
      limits,
      nonce: newNonce(),
    });
    this.pending++;
    let pendingCounted = true;
    const settle = (): void => {
      if (pendingCounted) this.pending--;
      pendingCounted = false;
    };
    const timer = clock.setTimeout(() => {
      if (session.state !== 'await-auth') return;
      this.log.warn({ remote }, 'peer link handshake timed out');
      settle(); // refused: no longer a pending handshake, even while its close drags on
      this.options.onRejected(undefined, 'handshake');
      ws.close(CLOSE_CODES.handshakeTimeout, 'TRANSPORT_HANDSHAKE_FAILED: handshake timed out');
    }, limits.handshakeTimeoutMs);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) {
        ws.close(CLOSE_CODES.protocolError, 'text frames are not part of the protocol');
        return;
      }
      const bytes = rawDataBytes(data);
      if (session.state === 'await-auth' && bytes.byteLength > HANDSHAKE_FRAME_BYTES_MAX) {
        // Not decoded at all: a 16 MiB msgpack array of empty arrays is millions of objects,
        // seconds of the event loop and a gigabyte of heap, from a client that proved nothing.
        settle();
        this.log.warn({ remote, bytes: bytes.byteLength }, 'peer link refused: handshake frame too large');
        this.options.onRejected(undefined, 'handshake');
        ws.close(CLOSE_CODES.protocolError, 'TRANSPORT_HANDSHAKE_FAILED: handshake frame too large');
        return;
      }
      this.run(ws, session, remote, session.feed(bytes), bytes.byteLength, settle);
    });
    ws.on('close', () => {
      clock.clearTimeout(timer);
      settle();
      session.abort();
      const peer = session.peer;
      if (peer !== undefined && this.byPeer.get(peer) === ws) this.byPeer.delete(peer);
    });
    ws.on('error', (error: Error) => this.log.debug({ remote, err: error.message }, 'peer link error'));
    this.run(ws, session, remote, session.start(), 0, settle);
  }

  private run(
    ws: WebSocket,
    session: InboundSession,
    remote: string,
    actions: SessionAction[],
    frameBytes: number,
    settle: () => void,
  ): void {
    for (const action of actions) {
      switch (action.kind) {
        case 'send':
          ws.send(action.bytes, { binary: true });
          break;
        case 'open':
          settle();
          this.adopt(action.peer, ws);
          this.log.info({ peer: action.peer, remote }, 'peer link accepted');
          break;
        case 'deliver': {
          const peer = session.peer;
          assert(peer !== undefined, 'only an authenticated session delivers');
          this.options.onMessages(peer, action.messages, frameBytes);
          break;
        }
        case 'close':
          settle();
          this.log.warn({ peer: session.peer, remote, code: action.code, reason: action.reason }, 'peer link refused');
          this.options.onRejected(session.peer, action.error.code === 'TRANSPORT_HANDSHAKE_FAILED' ? 'handshake' : 'frame');
          ws.close(action.code, action.reason);
          break;
      }
    }
  }

  private adopt(peer: NodeId, ws: WebSocket): void {
    const previous = this.byPeer.get(peer);
    this.byPeer.set(peer, ws);
    if (previous !== undefined && previous !== ws) previous.close(CLOSE_CODES.superseded, 'superseded by a newer link');
  }
}
