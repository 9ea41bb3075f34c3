import { RaftplaneError } from '../util/errors.js';

export type PeerErrorCode =
  /** No leader could be reached before the request's deadline (etcd: "etcdserver: no leader"). */
  | 'PEER_NO_LEADER'
  /** The request was proposed but not applied before its deadline (etcd: "request timed out"). */
  | 'PEER_TIMEOUT'
  /**
   * The leader changed while the request was in flight: it may or may not have been
   * applied (etcd: "etcdserver: leader changed"). Clients retry idempotent requests.
   */
  | 'PEER_LEADER_CHANGED'
  /** Too many requests are waiting; retry later (etcd: "too many requests"). */
  | 'PEER_TOO_MANY_REQUESTS'
  /** The peer is stopping or stopped. */
  | 'PEER_STOPPED'
  /** The disk failed; the peer stopped to avoid running on storage it cannot trust. */
  | 'PEER_DISK_FAILED'
  /** A membership request that cannot be carried out. */
  | 'PEER_BAD_MEMBERSHIP';

export class PeerError extends RaftplaneError<PeerErrorCode> {
  constructor(code: PeerErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'PeerError';
  }
}
