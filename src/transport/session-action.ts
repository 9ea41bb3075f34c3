import type { Message, NodeId } from '../raft/types.js';
import { TransportError } from './transport-error.js';

/** WebSocket close codes the peer link uses (4000-4999 is the application range). */
export const CLOSE_CODES = Object.freeze({
  normal: 1000,
  goingAway: 1001,
  tooBig: 1009,
  authFailed: 4001,
  wrongCluster: 4002,
  unknownPeer: 4003,
  protocolError: 4004,
  handshakeTimeout: 4005,
  versionMismatch: 4006,
  superseded: 4007,
});

/**
 * What a session state machine asks its socket owner to do. Sessions never touch a
 * socket themselves, so tests drive them with bytes alone.
 */
export type SessionAction =
  | { kind: 'send'; bytes: Uint8Array }
  | { kind: 'open'; peer: NodeId }
  | { kind: 'deliver'; messages: Message[] }
  | { kind: 'close'; code: number; reason: string; error: TransportError };

export function closeAction(code: number, error: TransportError): SessionAction {
  // Close reasons are limited to 123 bytes by RFC 6455.
  return { kind: 'close', code, reason: `${error.code}: ${error.message}`.slice(0, 120), error };
}

export function handshakeFailure(message: string, details: Record<string, unknown> = {}): TransportError {
  return new TransportError('TRANSPORT_HANDSHAKE_FAILED', message, details);
}
