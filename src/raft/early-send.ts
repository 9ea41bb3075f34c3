import type { HardState, Ready, Role } from './types.js';

/**
 * May this Ready's messages go out before its entries are persisted?
 *
 * Raft thesis §10.2.1: a leader may write its log to disk in parallel with
 * replicating it, because its own copy only counts once it is durable: the
 * leader's match moves when the application reports the write done
 * (Raft.persistedTo), so no commit index rests on an entry the leader has not
 * yet made durable, whatever is stepped while the write is in flight.
 *
 * Only a leader whose term and vote are already on disk qualifies: a Ready that
 * changes either (the node just won an election, or stepped down) must be
 * persisted first, or a crash could let the node vote twice in one term.
 */
export function canSendBeforePersist(rd: Ready, role: Role, persisted: HardState): boolean {
  if (role !== 'leader' || rd.snapshot !== undefined) return false;
  if (rd.hardState === undefined) return true;
  return rd.hardState.term === persisted.term && rd.hardState.vote === persisted.vote;
}

/**
 * The same for what a leader queues while its Ready's write is in flight (acknowledgements
 * stepped meanwhile, see RaftPeer): its term must already be on disk.
 */
export function canSendWhileWriting(role: Role, term: number, persisted: HardState): boolean {
  return role === 'leader' && term === persisted.term;
}
