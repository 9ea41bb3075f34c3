import type { Rng } from '../util/rng.js';

export type MembershipScriptName = 'replace-voter' | 'remove-then-add' | 'joint-replace' | 'joint-replace-two';

/** Placeholders: `newN` is a fresh node created for the script, `oldN` a voter chosen when the script starts. */
export type Slot = 'new1' | 'new2' | 'old1' | 'old2';

export type MembershipStep =
  | { readonly op: 'add-learner'; readonly node: Slot }
  | { readonly op: 'promote'; readonly node: Slot }
  | { readonly op: 'remove'; readonly node: Slot }
  | { readonly op: 'joint'; readonly add: readonly Slot[]; readonly remove: readonly Slot[] };

/**
 * Membership changes run during faults: a single voter replaced through a
 * learner, a voter removed then another added, and joint changes (thesis §4.3)
 * that swap one or two voters at once.
 */
export const MEMBERSHIP_SCRIPTS: Readonly<Record<MembershipScriptName, readonly MembershipStep[]>> = {
  'replace-voter': [
    { op: 'add-learner', node: 'new1' },
    { op: 'promote', node: 'new1' },
    { op: 'remove', node: 'old1' },
  ],
  'remove-then-add': [
    { op: 'remove', node: 'old1' },
    { op: 'add-learner', node: 'new1' },
    { op: 'promote', node: 'new1' },
  ],
  'joint-replace': [
    { op: 'add-learner', node: 'new1' },
    { op: 'joint', add: ['new1'], remove: ['old1'] },
  ],
  'joint-replace-two': [
    { op: 'add-learner', node: 'new1' },
    { op: 'add-learner', node: 'new2' },
    { op: 'joint', add: ['new1', 'new2'], remove: ['old1', 'old2'] },
  ],
};

export function pickMembershipScript(rng: Rng, peerCount: number, jointOnly = false): MembershipScriptName {
  const names: MembershipScriptName[] = jointOnly ? ['joint-replace'] : ['replace-voter', 'remove-then-add', 'joint-replace'];
  if (peerCount >= 5) names.push('joint-replace-two');
  return rng.pick(names);
}
