import { CALM_NETWORK, type NetworkConditions } from './sim-network.js';

export type FaultKind =
  | 'partition-split'
  | 'partition-isolate'
  | 'partition-one-way'
  | 'crash'
  | 'slow-disk'
  | 'clock-skew'
  | 'lossy-network'
  | 'transfer-leadership';

export const FAULT_KINDS: readonly FaultKind[] = [
  'partition-split',
  'partition-isolate',
  'partition-one-way',
  'crash',
  'slow-disk',
  'clock-skew',
  'lossy-network',
  'transfer-leadership',
];

export type Range = readonly [min: number, max: number];

/**
 * The knobs of one seed's fault mix. `all` is the general mix; planted bugs
 * may bias it towards the scenario that exposes them, but every run is judged
 * by the same checkers.
 */
export interface FaultProfile {
  /** Faults start only in [0, faultPhaseTicks); at faultPhaseTicks everything heals. */
  readonly faultPhaseTicks: number;
  /** Mean ticks between the starts of two faults. */
  readonly meanGapTicks: number;
  readonly weights: Readonly<Record<FaultKind, number>>;
  /** Chance that a fault aimed at one node aims at the current leader. */
  readonly leaderTargetChance: number;
  readonly durationTicks: Range;
  readonly crashDownTicks: Range;
  readonly diskLatencyTicks: Range;
  readonly skewTickEvery: Range;
  /** The wire during the fault phase, outside lossy periods. */
  readonly baseNetwork: NetworkConditions;
  readonly lossyNetwork: NetworkConditions;
  /** Chance that a seed runs a membership change script during the fault phase. */
  readonly membershipChance: number;
  /** Start another script whenever one finishes, until the heal. */
  readonly membershipRepeat: boolean;
  /** Restrict scripts to joint changes (thesis §4.3). */
  readonly membershipJointOnly: boolean;
  /** Every node's disk takes this many extra ticks per write during the fault phase. */
  readonly baseDiskLatencyTicks: Range;
  /** Upper bound on entry bytes per append message; small values split the log into many messages. */
  readonly maxMsgBytes: number;
  /** Share of client operations that are reads. */
  readonly readFraction: number;
  /** Chance that a newly elected leader is cut off or crashed soon after its election (a leader-hunting nemesis). */
  readonly newLeaderFaultChance: number;
  readonly newLeaderFaultDelayTicks: Range;
  /** Of those strikes, the share that crash the leader; the rest cut it off. */
  readonly newLeaderCrashChance: number;
  /** Chance that the cluster splits at random the moment a joint configuration is entered. */
  readonly jointSplitChance: number;
}

export const ALL_FAULTS: FaultProfile = Object.freeze({
  faultPhaseTicks: 300,
  meanGapTicks: 25,
  weights: Object.freeze({
    'partition-split': 3,
    'partition-isolate': 3,
    'partition-one-way': 2,
    crash: 3,
    'slow-disk': 2,
    'clock-skew': 1,
    'lossy-network': 2,
    'transfer-leadership': 1,
  }),
  leaderTargetChance: 0.5,
  durationTicks: [10, 60] as const,
  crashDownTicks: [5, 50] as const,
  diskLatencyTicks: [1, 6] as const,
  skewTickEvery: [2, 4] as const,
  baseNetwork: Object.freeze({
    dropRate: 0.02,
    duplicateRate: 0.02,
    minDelayTicks: 1,
    maxDelayTicks: 3,
    spikeRate: 0.01,
    spikeDelayTicksMax: 20,
  }),
  lossyNetwork: Object.freeze({
    dropRate: 0.25,
    duplicateRate: 0.1,
    minDelayTicks: 1,
    maxDelayTicks: 6,
    spikeRate: 0.05,
    spikeDelayTicksMax: 30,
  }),
  membershipChance: 0.5,
  membershipRepeat: false,
  membershipJointOnly: false,
  baseDiskLatencyTicks: [0, 0] as const,
  maxMsgBytes: 4096,
  readFraction: 0.3,
  newLeaderFaultChance: 0.1,
  newLeaderFaultDelayTicks: [0, 10] as const,
  newLeaderCrashChance: 0.5,
  jointSplitChance: 0.2,
});

export const NO_FAULTS: FaultProfile = Object.freeze({
  ...ALL_FAULTS,
  meanGapTicks: 0,
  weights: Object.freeze(Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>),
  baseNetwork: CALM_NETWORK,
  membershipChance: 0,
});

/** A profile change: any knob, and fault weights one by one. */
export type ProfileBias = Omit<Partial<FaultProfile>, 'weights'> & { readonly weights?: Partial<Record<FaultKind, number>> };

export function withProfile(base: FaultProfile, bias: ProfileBias): FaultProfile {
  return Object.freeze({ ...base, ...bias, weights: Object.freeze({ ...base.weights, ...(bias.weights ?? {}) }) });
}
