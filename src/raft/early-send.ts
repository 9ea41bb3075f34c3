import type { HardState, Ready, Role } from './types.js';

/**
 * May this Ready's messages go out before its entries are persisted?
 *
 * Raft thesis §10.2.1: a leader may write its log to disk in parallel with
 * replicating it, because its own copy only counts once it is durable. Here the
 * leader's match counts at append time, so the safety rests on the Ready loop:
 * follower acknowledgements are stepped only after the current Ready's persist
 * has finished, so no commit decision can rest on an entry the leader has not
 * yet made durable.
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
