import { TransportError } from './transport-error.js';

export interface PeerAddress {
  host: string;
  port: number;
}

/** The HTTP path peer links upgrade on. */
export const PEER_LINK_PATH = '/raft';

export function validatePeerAddress(address: PeerAddress, peer: string): PeerAddress {
  const { host, port } = address;
  if (typeof host !== 'string' || host.length === 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TransportError('TRANSPORT_BAD_CONFIG', `bad address for ${peer}`, { peer, host, port });
  }
  return { host, port };
}

export function peerLinkUrl(address: PeerAddress): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `ws://${host}:${address.port}${PEER_LINK_PATH}`;
}
