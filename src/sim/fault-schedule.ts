import { assert } from '../util/assert.js';
import type { Rng } from '../util/rng.js';
import { FAULT_KINDS, type FaultKind, type FaultProfile, type Range } from './fault-profile.js';
import { pickMembershipScript, type MembershipScriptName } from './membership-script.js';

/** One planned fault. Targets are resolved when it fires ("the leader" is whoever leads then). */
export interface PlannedFault {
  readonly atTick: number;
  readonly kind: FaultKind;
  /** How long the fault lasts (crash: how long the node stays down). */
  readonly durationTicks: number;
  readonly targetLeader: boolean;
  /** Disk latency ticks, or the skewed node's tick interval; 0 when unused. */
  readonly magnitude: number;
}

export interface FaultSchedule {
  readonly faults: readonly PlannedFault[];
  readonly healTick: number;
  readonly membership: { readonly script: MembershipScriptName; readonly atTick: number } | undefined;
}

function draw(rng: Rng, range: Range): number {
  return rng.int(range[0], range[1]);
}

function pickKind(rng: Rng, weights: Readonly<Record<FaultKind, number>>): FaultKind | undefined {
  let total = 0;
  for (const kind of FAULT_KINDS) total += weights[kind];
  if (total <= 0) return undefined;
  let x = rng.next() * total;
  for (const kind of FAULT_KINDS) {
    x -= weights[kind];
    if (x < 0) return kind;
  }
  return FAULT_KINDS[FAULT_KINDS.length - 1];
}

function magnitudeOf(rng: Rng, kind: FaultKind, profile: FaultProfile): number {
  if (kind === 'slow-disk') return draw(rng, profile.diskLatencyTicks);
  if (kind === 'clock-skew') return draw(rng, profile.skewTickEvery);
  return 0;
}

/**
 * The faults of one seed, drawn from the profile: starts arrive with random
 * gaps (mean meanGapTicks) through the fault phase; every fault that is still
 * active at healTick ends there.
 */
export function planFaults(rng: Rng, profile: FaultProfile, peerCount: number): FaultSchedule {
  assert(profile.faultPhaseTicks > 0, 'the fault phase must have ticks');
  const faults: PlannedFault[] = [];
  if (profile.meanGapTicks > 0) {
    let tick = rng.int(10, 2 * profile.meanGapTicks);
    while (tick < profile.faultPhaseTicks) {
      const kind = pickKind(rng, profile.weights);
      if (kind === undefined) break;
      const durationTicks = kind === 'crash' ? draw(rng, profile.crashDownTicks) : draw(rng, profile.durationTicks);
      faults.push({
        atTick: tick,
        kind,
        durationTicks,
        targetLeader: rng.chance(profile.leaderTargetChance),
        magnitude: magnitudeOf(rng, kind, profile),
      });
      tick += rng.int(1, 2 * profile.meanGapTicks);
    }
  }
  let membership: FaultSchedule['membership'];
  if (rng.chance(profile.membershipChance)) {
    const latest = Math.max(41, profile.faultPhaseTicks - 120);
    membership = { script: pickMembershipScript(rng, peerCount, profile.membershipJointOnly), atTick: rng.int(40, latest) };
  }
  return { faults, healTick: profile.faultPhaseTicks, membership };
}
