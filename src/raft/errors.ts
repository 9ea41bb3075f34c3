import { RaftplaneError } from '../util/errors.js';

export type RaftErrorCode =
  /** No leader is known, leadership is being transferred, or this node was removed. */
  | 'RAFT_PROPOSAL_DROPPED'
  /** The leader's uncommitted log tail is at its byte limit; retry after commits catch up. */
  | 'RAFT_UNCOMMITTED_LIMIT'
  /** One entry is larger than the configured maximum. */
  | 'RAFT_ENTRY_TOO_LARGE'
  /** A membership change is already in flight; one at a time. */
  | 'RAFT_CONF_CHANGE_PENDING'
  /** The membership change is not allowed from the current configuration. */
  | 'RAFT_BAD_CONF_CHANGE'
  /** Too many ReadIndex requests are waiting for the leader's first commit. */
  | 'RAFT_READ_INDEX_LIMIT'
  /** The requested log index was compacted into a snapshot. */
  | 'RAFT_COMPACTED'
  /** The requested log index is beyond the end of the log. */
  | 'RAFT_UNAVAILABLE'
  /** A snapshot older than the one already held. */
  | 'RAFT_SNAPSHOT_OUT_OF_DATE';

export class RaftError extends RaftplaneError<RaftErrorCode> {
  constructor(code: RaftErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.name = 'RaftError';
  }
}
