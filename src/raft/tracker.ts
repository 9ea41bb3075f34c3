import { assertionFailed } from '../util/assert.js';
import { Progress } from './progress.js';
import { jointCommitted, jointVote, type JointVoters, type VoteResult } from './quorum.js';
import type { ConfState, NodeId } from './types.js';

/** The membership the leader replicates to. Sets are kept sorted when listed, for determinism. */
export interface MembershipConfig {
  readonly voters: JointVoters;
  readonly learners: ReadonlySet<NodeId>;
  /** Learners-to-be: nodes demoted while joint, who are still outgoing voters until the joint config is left. */
  readonly learnersNext: ReadonlySet<NodeId>;
}

export function configFromConfState(cs: ConfState): MembershipConfig {
  return {
    voters: { incoming: new Set(cs.voters), outgoing: new Set(cs.votersOutgoing) },
    learners: new Set(cs.learners),
    learnersNext: new Set(cs.learnersNext),
  };
}

export function confStateFromConfig(config: MembershipConfig): ConfState {
  return {
    voters: sorted(config.voters.incoming),
    learners: sorted(config.learners),
    votersOutgoing: sorted(config.voters.outgoing),
    learnersNext: sorted(config.learnersNext),
  };
}

export function isJoint(config: MembershipConfig): boolean {
  return config.voters.outgoing.size > 0;
}

export function sorted(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort();
}

export interface TrackerLimits {
  readonly maxInflightMsgs: number;
  readonly maxInflightBytes: number;
}

/** Progress of every member plus the votes of the current election. */
export class ProgressTracker {
  config: MembershipConfig;
  progress = new Map<NodeId, Progress>();
  votes = new Map<NodeId, boolean>();
  /** progress's keys, sorted; rebuilt only by setConfig (the leader walks it on every send). */
  private members: readonly NodeId[] = [];

  constructor(
    config: MembershipConfig,
    private readonly limits: TrackerLimits,
    private readonly requireJointQuorum: boolean,
    nextIndex: number,
  ) {
    this.config = config;
    this.setConfig(config, nextIndex);
  }

  /** Installs a configuration; members keep their progress, new members probe from nextIndex. */
  setConfig(config: MembershipConfig, nextIndex: number): void {
    this.config = config;
    const members = new Set<NodeId>([...config.voters.incoming, ...config.voters.outgoing, ...config.learners, ...config.learnersNext]);
    for (const id of [...this.progress.keys()]) if (!members.has(id)) this.progress.delete(id);
    for (const id of sorted(members)) {
      const isLearner = config.learners.has(id) || (config.learnersNext.has(id) && !this.isVoter(id));
      const existing = this.progress.get(id);
      if (existing !== undefined) existing.isLearner = isLearner;
      else this.progress.set(id, this.newProgress(nextIndex, isLearner));
    }
    this.members = sorted(this.progress.keys());
  }

  newProgress(next: number, isLearner: boolean): Progress {
    return new Progress({ next, isLearner, maxInflightMsgs: this.limits.maxInflightMsgs, maxInflightBytes: this.limits.maxInflightBytes });
  }

  isVoter(id: NodeId): boolean {
    return this.config.voters.incoming.has(id) || this.config.voters.outgoing.has(id);
  }

  /** Every member id in sorted order (determinism: never depend on Map insertion order). */
  memberIds(): readonly NodeId[] {
    return this.members;
  }

  voterIds(): NodeId[] {
    return sorted(new Set([...this.config.voters.incoming, ...this.config.voters.outgoing]));
  }

  /** The largest index a quorum has persisted. */
  committed(): number {
    return jointCommitted(this.config.voters, (id) => this.progress.get(id)?.match ?? 0, this.requireJointQuorum);
  }

  isSingleton(): boolean {
    return this.config.voters.incoming.size === 1 && this.config.voters.outgoing.size === 0;
  }

  resetVotes(): void {
    this.votes = new Map();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    for (const [id, vote] of this.votes) {
      if (!this.isVoter(id)) continue;
      if (vote) granted++;
      else rejected++;
    }
    return { granted, rejected, result: jointVote(this.config.voters, this.votes, this.requireJointQuorum) };
  }

  /** CheckQuorum: have enough voters been heard from recently? */
  quorumActive(selfId: NodeId): boolean {
    const active = new Map<NodeId, boolean>();
    for (const [id, pr] of this.progress) {
      if (pr.isLearner) continue;
      active.set(id, id === selfId || pr.recentActive);
    }
    return jointVote(this.config.voters, active, this.requireJointQuorum) === 'won';
  }

  confState(): ConfState {
    return confStateFromConfig(this.config);
  }

  get(id: NodeId): Progress {
    const pr = this.progress.get(id);
    if (pr === undefined) assertionFailed(`no progress for ${id}`);
    return pr;
  }
}
