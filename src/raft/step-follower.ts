import { handleAppend, handleHeartbeat, handleSnapshot } from './follower-handlers.js';
import type { Raft, StepResult } from './raft.js';
import { NONE, type Message } from './types.js';

/** A follower accepts its leader's messages and forwards client requests to it. */
export function stepFollower(r: Raft, m: Message): StepResult {
  switch (m.type) {
    case 'propose':
    case 'transfer-leader':
    case 'read-index':
      if (r.lead === NONE) return 'RAFT_PROPOSAL_DROPPED';
      // Only this node's own requests are forwarded. One that another peer sent here,
      // believing this node led, is dropped: relaying it would speak for that peer,
      // which the authenticated peer links refuse; its sender retries (proposals fail
      // with "leader changed", reads are asked again).
      if (m.from !== r.id) return 'RAFT_PROPOSAL_DROPPED';
      r.send({ ...m, to: r.lead });
      return undefined;
    case 'append':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleAppend(r, m);
      return undefined;
    case 'heartbeat':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleHeartbeat(r, m);
      return undefined;
    case 'snapshot':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleSnapshot(r, m);
      return undefined;
    case 'timeout-now':
      // Leadership transfer (thesis §3.10): campaign at once, skipping PreVote.
      r.hup(true);
      return undefined;
    case 'read-index-resp':
      r.readStates.push({ index: m.index, requestCtx: m.context ?? new Uint8Array(0) });
      return undefined;
    default:
      return undefined;
  }
}
