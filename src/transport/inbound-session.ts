import type { Message, NodeId } from '../raft/types.js';
import { assert } from '../util/assert.js';
import { decodeFrame, encodeFrame, PROTOCOL_VERSION, type AuthFrame, type Frame } from './frame-codec.js';
import { computeProof, verifyProof } from './handshake-proof.js';
import { CLOSE_CODES, closeAction, handshakeFailure, type SessionAction } from './session-action.js';
import { SnapshotReassembler } from './snapshot-reassembler.js';
import { TransportError } from './transport-error.js';
import type { TransportLimits } from './transport-limits.js';

export type InboundSessionState = 'await-auth' | 'open' | 'closed';

export interface InboundSessionOptions {
  selfId: NodeId;
  clusterId: string;
  secret: Uint8Array;
  isMember: (peer: NodeId) => boolean;
  limits: TransportLimits;
  /** Fresh random bytes per connection (see newNonce). */
  nonce: Uint8Array;
}

/**
 * The accepting side of a peer link as an explicit state machine:
 *
 *   await-auth --auth ok--> open --batch/chunk--> open
 *        |                    |
 *        +--- anything bad ---+--> closed
 *
 * The acceptor only receives Raft traffic; the dialer is the only sender (README.md).
 */
export class InboundSession {
  private current: InboundSessionState = 'await-auth';
  private peerId: NodeId | undefined;
  private readonly reassembler: SnapshotReassembler;

  constructor(private readonly options: InboundSessionOptions) {
    this.reassembler = new SnapshotReassembler(options.limits.snapshotBytesMax);
  }

  get state(): InboundSessionState {
    return this.current;
  }

  get peer(): NodeId | undefined {
    return this.peerId;
  }

  /** The first frame on a new connection: the challenge. */
  start(): SessionAction[] {
    assert(this.current === 'await-auth', 'start() once, before any frame');
    const { clusterId, nonce } = this.options;
    return [{ kind: 'send', bytes: encodeFrame({ kind: 'challenge', version: PROTOCOL_VERSION, clusterId, nonce }) }];
  }

  feed(bytes: Uint8Array): SessionAction[] {
    if (this.current === 'closed') return [];
    let frame: Frame;
    try {
      frame = decodeFrame(bytes, this.options.limits);
    } catch (error) {
      return this.close(CLOSE_CODES.protocolError, error as TransportError);
    }
    try {
      if (this.current === 'await-auth') return this.onAuth(frame);
      return this.onData(frame);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      return this.close(CLOSE_CODES.protocolError, error);
    }
  }

  /** The socket closed or the handshake timed out: forget any partial snapshot. */
  abort(): void {
    this.current = 'closed';
    this.reassembler.reset();
  }

  private close(code: number, error: TransportError): SessionAction[] {
    this.abort();
    return [closeAction(code, error)];
  }

  private onAuth(frame: Frame): SessionAction[] {
    if (frame.kind !== 'auth') {
      return this.close(CLOSE_CODES.protocolError, handshakeFailure(`expected auth, got ${frame.kind}`));
    }
    const refusal = this.checkAuth(frame);
    if (refusal !== undefined) return refusal;
    this.current = 'open';
    this.peerId = frame.from;
    const proof = computeProof({
      secret: this.options.secret,
      role: 'server',
      nonce: frame.nonce,
      clusterId: this.options.clusterId,
      from: this.options.selfId,
      to: frame.from,
    });
    return [
      { kind: 'send', bytes: encodeFrame({ kind: 'welcome', proof }) },
      { kind: 'open', peer: frame.from },
    ];
  }

  private checkAuth(frame: AuthFrame): SessionAction[] | undefined {
    const { selfId, clusterId, secret, isMember } = this.options;
    if (frame.version !== PROTOCOL_VERSION) {
      return this.close(CLOSE_CODES.versionMismatch, handshakeFailure('protocol version mismatch', { version: frame.version }));
    }
    if (frame.clusterId !== clusterId) {
      return this.close(CLOSE_CODES.wrongCluster, handshakeFailure('cluster id mismatch', { clusterId: frame.clusterId }));
    }
    if (frame.to !== selfId || frame.from === selfId || !isMember(frame.from)) {
      return this.close(CLOSE_CODES.unknownPeer, handshakeFailure('unknown peer', { from: frame.from, to: frame.to }));
    }
    const input = { secret, role: 'client' as const, nonce: this.options.nonce, clusterId, from: frame.from, to: selfId };
    if (!verifyProof(input, frame.proof)) {
      return this.close(CLOSE_CODES.authFailed, handshakeFailure('bad cluster secret proof', { from: frame.from }));
    }
    return undefined;
  }

  private onData(frame: Frame): SessionAction[] {
    if (frame.kind === 'batch') return [{ kind: 'deliver', messages: this.checkAddressed(frame.messages) }];
    if (frame.kind === 'chunk') {
      const whole = this.reassembler.feed(frame);
      return whole === undefined ? [] : [{ kind: 'deliver', messages: this.checkAddressed([whole]) }];
    }
    return this.close(CLOSE_CODES.protocolError, new TransportError('TRANSPORT_UNEXPECTED_FRAME', `unexpected ${frame.kind}`));
  }

  /** An authenticated peer may only speak for itself, and only to us. */
  private checkAddressed(messages: Message[]): Message[] {
    for (const message of messages) {
      if (message.from !== this.peerId || message.to !== this.options.selfId) {
        throw new TransportError('TRANSPORT_BAD_FRAME', 'message is not addressed on this link', {
          from: message.from,
          to: message.to,
        });
      }
    }
    return messages;
  }
}
