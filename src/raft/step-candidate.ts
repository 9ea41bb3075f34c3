import { handleAppend, handleHeartbeat, handleSnapshot } from './follower-handlers.js';
import type { Raft, StepResult } from './raft.js';
import { NONE, type Message } from './types.js';

/** Candidates and pre-candidates count votes, and yield to a leader of their term. */
export function stepCandidate(r: Raft, m: Message): StepResult {
  switch (m.type) {
    case 'propose':
    case 'read-index':
    case 'transfer-leader':
      return 'RAFT_PROPOSAL_DROPPED';
    case 'append':
      r.becomeFollower(m.term, m.from);
      handleAppend(r, m);
      return undefined;
    case 'heartbeat':
      r.becomeFollower(m.term, m.from);
      handleHeartbeat(r, m);
      return undefined;
    case 'snapshot':
      r.becomeFollower(m.term, m.from);
      handleSnapshot(r, m);
      return undefined;
    case 'vote-resp':
    case 'pre-vote-resp':
      countVote(r, m);
      return undefined;
    default:
      return undefined;
  }
}

function countVote(r: Raft, m: Message): void {
  const expected = r.role === 'pre-candidate' ? 'pre-vote-resp' : 'vote-resp';
  if (m.type !== expected) return;
  const result = r.poll(m.from, !m.reject);
  if (result === 'won') {
    if (r.role === 'pre-candidate') {
      r.campaign('vote', false);
    } else {
      r.becomeLeader();
      r.broadcastAppend();
    }
  } else if (result === 'lost') {
    r.becomeFollower(r.term, NONE);
  }
}
