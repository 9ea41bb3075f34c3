import { RaftError } from './errors.js';
import type { ConfChange, ConfChangeSingle } from './conf-change.js';
import { isJoint, type MembershipConfig } from './tracker.js';
import type { NodeId } from './types.js';

/**
 * Computes the configuration that results from a membership change (thesis §4).
 *
 * - A simple change (one voter added or removed, or learners changed) moves
 *   straight to the new config: old and new majorities always overlap.
 * - A change of several voters enters a joint config (incoming + outgoing voter
 *   sets); leaving it (an empty change) drops the outgoing set.
 * - A voter demoted while joint becomes a learner only on leaving (learnersNext),
 *   since the outgoing config still counts it as a voter.
 */
export function changeMembership(current: MembershipConfig, change: ConfChange): MembershipConfig {
  if (change.changes.length === 0) return leaveJoint(current);
  if (isJoint(current)) throw badChange('config is joint; leave it before changing again');
  if (change.changes.length === 1) return simple(current, change.changes);
  return enterJoint(current, change.changes);
}

function simple(current: MembershipConfig, changes: readonly ConfChangeSingle[]): MembershipConfig {
  const next = apply(current, changes, false);
  let differing = 0;
  for (const id of next.voters.incoming) if (!current.voters.incoming.has(id)) differing++;
  for (const id of current.voters.incoming) if (!next.voters.incoming.has(id)) differing++;
  if (differing > 1) throw badChange('more than one voter changed in a simple change; use a joint change');
  return checked(next);
}

function enterJoint(current: MembershipConfig, changes: readonly ConfChangeSingle[]): MembershipConfig {
  if (current.voters.incoming.size === 0) throw badChange('cannot enter a joint config from an empty one');
  const withOutgoing: MembershipConfig = { ...current, voters: { incoming: current.voters.incoming, outgoing: new Set(current.voters.incoming) } };
  return checked(apply(withOutgoing, changes, true));
}

function leaveJoint(current: MembershipConfig): MembershipConfig {
  if (!isJoint(current)) throw badChange('config is not joint');
  const learners = new Set([...current.learners, ...current.learnersNext]);
  return checked({ voters: { incoming: current.voters.incoming, outgoing: new Set() }, learners, learnersNext: new Set() });
}

function apply(current: MembershipConfig, changes: readonly ConfChangeSingle[], joint: boolean): MembershipConfig {
  const incoming = new Set(current.voters.incoming);
  const learners = new Set(current.learners);
  const learnersNext = new Set(current.learnersNext);
  const outgoing = current.voters.outgoing;
  for (const { type, nodeId } of changes) {
    switch (type) {
      case 'add-voter':
        learners.delete(nodeId);
        learnersNext.delete(nodeId);
        incoming.add(nodeId);
        break;
      case 'add-learner':
        incoming.delete(nodeId);
        if (joint && outgoing.has(nodeId)) learnersNext.add(nodeId);
        else learners.add(nodeId);
        break;
      case 'remove-node':
        incoming.delete(nodeId);
        learners.delete(nodeId);
        learnersNext.delete(nodeId);
        break;
    }
  }
  return { voters: { incoming, outgoing: new Set(outgoing) }, learners, learnersNext };
}

function checked(config: MembershipConfig): MembershipConfig {
  if (config.voters.incoming.size === 0) throw badChange('removed all voters');
  for (const id of config.learners) {
    if (config.voters.incoming.has(id) || config.voters.outgoing.has(id)) throw badChange(`${id} is both voter and learner`);
  }
  for (const id of config.learnersNext) {
    if (!config.voters.outgoing.has(id)) throw badChange(`${id} is in learnersNext but not an outgoing voter`);
  }
  return config;
}

function badChange(message: string): RaftError {
  return new RaftError('RAFT_BAD_CONF_CHANGE', message);
}

export function memberSet(config: MembershipConfig): Set<NodeId> {
  return new Set([...config.voters.incoming, ...config.voters.outgoing, ...config.learners, ...config.learnersNext]);
}
