import type { NodeId } from './types.js';

export type VoteResult = 'won' | 'lost' | 'pending';

/**
 * Majority arithmetic over one voter set, and over a joint pair (thesis §4.3:
 * while joint, agreement needs a majority of the new AND of the old voters).
 */

/** Scratch space for majorityCommitted, grown when a voter set is larger than any before. */
let scratch = new Float64Array(8);

/**
 * The largest index acknowledged by a majority of `voters`. An empty set places no limit.
 * The leader asks on every append and every acknowledgement, so it allocates nothing: the
 * matches go into a reused array, insertion-sorted (voter sets are a handful), as etcd
 * sorts them in a stack array.
 */
export function majorityCommitted(voters: ReadonlySet<NodeId>, matchOf: (id: NodeId) => number): number {
  const n = voters.size;
  if (n === 0) return Number.MAX_SAFE_INTEGER;
  if (scratch.length < n) scratch = new Float64Array(n * 2);
  const matches = scratch;
  let count = 0;
  for (const id of voters) {
    const match = matchOf(id);
    let at = count;
    while (at > 0 && (matches[at - 1] as number) < match) {
      matches[at] = matches[at - 1] as number;
      at--;
    }
    matches[at] = match;
    count++;
  }
  return matches[Math.floor(n / 2)] as number; // descending: the index a majority has reached
}

export function majorityVote(voters: ReadonlySet<NodeId>, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.size === 0) return 'won';
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const vote = votes.get(id);
    if (vote === undefined) missing++;
    else if (vote) granted++;
  }
  const quorum = Math.floor(voters.size / 2) + 1;
  if (granted >= quorum) return 'won';
  if (granted + missing >= quorum) return 'pending';
  return 'lost';
}

export interface JointVoters {
  readonly incoming: ReadonlySet<NodeId>;
  readonly outgoing: ReadonlySet<NodeId>;
}

export function jointCommitted(voters: JointVoters, matchOf: (id: NodeId) => number, requireBoth: boolean): number {
  const incoming = majorityCommitted(voters.incoming, matchOf);
  if (!requireBoth) return incoming;
  return Math.min(incoming, majorityCommitted(voters.outgoing, matchOf));
}

export function jointVote(voters: JointVoters, votes: ReadonlyMap<NodeId, boolean>, requireBoth: boolean): VoteResult {
  const incoming = majorityVote(voters.incoming, votes);
  if (!requireBoth) return incoming;
  const outgoing = majorityVote(voters.outgoing, votes);
  if (incoming === outgoing) return incoming;
  if (incoming === 'lost' || outgoing === 'lost') return 'lost';
  return 'pending';
}
