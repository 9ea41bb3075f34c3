import type { NodeId } from '../raft/types.js';
import { decodeFrame, encodeFrame, PROTOCOL_VERSION, type Frame } from './frame-codec.js';
import { computeProof, verifyProof } from './handshake-proof.js';
import { CLOSE_CODES, closeAction, handshakeFailure, type SessionAction } from './session-action.js';
import { TransportError } from './transport-error.js';
import type { TransportLimits } from './transport-limits.js';

export type OutboundSessionState = 'await-challenge' | 'await-welcome' | 'open' | 'closed';

export interface OutboundSessionOptions {
  selfId: NodeId;
  peerId: NodeId;
  clusterId: string;
  secret: Uint8Array;
  limits: TransportLimits;
  nonce: Uint8Array;
}

/**
 * The dialing side of a peer link:
 *
 *   await-challenge --challenge--> await-welcome --welcome ok--> open
 *          |                             |                        |
 *          +----------- anything bad ----+------------------------+--> closed
 *
 * The welcome carries the acceptor's proof over our nonce, so the dialer never sends
 * Raft traffic to a peer that does not hold the cluster secret.
 */
export class OutboundSession {
  private current: OutboundSessionState = 'await-challenge';

  constructor(private readonly options: OutboundSessionOptions) {}

  get state(): OutboundSessionState {
    return this.current;
  }

  feed(bytes: Uint8Array): SessionAction[] {
    if (this.current === 'closed') return [];
    let frame: Frame;
    try {
      frame = decodeFrame(bytes, this.options.limits);
    } catch (error) {
      return this.close(CLOSE_CODES.protocolError, error as TransportError);
    }
    if (this.current === 'await-challenge' && frame.kind === 'challenge') return this.onChallenge(frame);
    if (this.current === 'await-welcome' && frame.kind === 'welcome') return this.onWelcome(frame.proof);
    return this.close(
      CLOSE_CODES.protocolError,
      new TransportError('TRANSPORT_UNEXPECTED_FRAME', `unexpected ${frame.kind} in ${this.current}`),
    );
  }

  abort(): void {
    this.current = 'closed';
  }

  private close(code: number, error: TransportError): SessionAction[] {
    this.current = 'closed';
    return [closeAction(code, error)];
  }

  private onChallenge(frame: Extract<Frame, { kind: 'challenge' }>): SessionAction[] {
    const { selfId, peerId, clusterId, secret, nonce } = this.options;
    if (frame.version !== PROTOCOL_VERSION) {
      return this.close(CLOSE_CODES.versionMismatch, handshakeFailure('protocol version mismatch', { version: frame.version }));
    }
    if (frame.clusterId !== clusterId) {
      return this.close(CLOSE_CODES.wrongCluster, handshakeFailure('cluster id mismatch', { clusterId: frame.clusterId }));
    }
    const proof = computeProof({ secret, role: 'client', nonce: frame.nonce, clusterId, from: selfId, to: peerId });
    this.current = 'await-welcome';
    const auth = { kind: 'auth' as const, version: PROTOCOL_VERSION, clusterId, from: selfId, to: peerId, nonce, proof };
    return [{ kind: 'send', bytes: encodeFrame(auth) }];
  }

  private onWelcome(proof: Uint8Array): SessionAction[] {
    const { selfId, peerId, clusterId, secret, nonce } = this.options;
    if (!verifyProof({ secret, role: 'server', nonce, clusterId, from: peerId, to: selfId }, proof)) {
      return this.close(CLOSE_CODES.authFailed, handshakeFailure('peer failed to prove the cluster secret', { peer: peerId }));
    }
    this.current = 'open';
    return [{ kind: 'open', peer: peerId }];
  }
}
