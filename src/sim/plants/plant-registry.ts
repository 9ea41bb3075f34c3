import { DEFAULT_RULES, type SafetyRules } from '../../raft/rules.js';
import type { ProfileBias } from '../fault-profile.js';

export type PlantName =
  | 'commit-old-term'
  | 'vote-without-log-check'
  | 'read-without-heartbeat'
  | 'truncate-on-stale-append'
  | 'skip-joint-quorum'
  | 'send-before-persist';

export interface Plant {
  readonly name: PlantName;
  readonly description: string;
  /** Rules handed to every core through config[SIM_RULES]. */
  readonly rules: SafetyRules;
  /** The driver bug: messages leave before their Ready is persisted. */
  readonly sendBeforePersist: boolean;
  /** Scenario bias: the fault mix that exposes this bug soonest. The checkers are the same. */
  readonly bias: ProfileBias;
  /** The test suite requires a violation within seeds 1..catchBoundSeeds at this cluster size. */
  readonly catchBoundSeeds: number;
  readonly peers: number;
}

function rules(change: Partial<SafetyRules>): SafetyRules {
  return Object.freeze({ ...DEFAULT_RULES, ...change });
}

/**
 * Planted bugs: each switches off one safety rule of the core (or of the
 * driver), to show that the checkers catch it. Only the simulator can build
 * these rules; a running peer always uses DEFAULT_RULES.
 */
export const PLANTS: readonly Plant[] = [
  {
    name: 'commit-old-term',
    description: 'a leader commits entries of earlier terms by counting replicas (Raft §5.4.2, figure 8)',
    rules: rules({ commitOnlyCurrentTerm: false }),
    sendBeforePersist: false,
    // Figure 8 needs leaders to fall while old-term entries are half replicated:
    // one entry per append message, leaders crashed or cut off often and briefly.
    bias: {
      faultPhaseTicks: 1500,
      maxMsgBytes: 40,
      newLeaderFaultChance: 0.8,
      newLeaderFaultDelayTicks: [0, 8],
      newLeaderCrashChance: 0.2,
      durationTicks: [5, 20],
      weights: { 'lossy-network': 8 },
    },
    catchBoundSeeds: 200,
    peers: 3,
  },
  {
    name: 'vote-without-log-check',
    description: 'a node grants its vote without checking that the candidate log is up to date (§5.4.1)',
    rules: rules({ voteRequiresUpToDateLog: false }),
    sendBeforePersist: false,
    bias: {},
    catchBoundSeeds: 200,
    peers: 3,
  },
  {
    name: 'read-without-heartbeat',
    description: 'a leader answers ReadIndex from its commit index without confirming leadership (thesis §6.4)',
    rules: rules({ readIndexNeedsHeartbeatQuorum: false }),
    sendBeforePersist: false,
    // A deposed leader keeps answering while its slow clock delays its own step-down.
    bias: {
      leaderTargetChance: 0.9,
      skewTickEvery: [3, 6],
      durationTicks: [30, 80],
      readFraction: 0.5,
      weights: { 'clock-skew': 6, 'partition-isolate': 6, crash: 1, 'slow-disk': 0 },
    },
    catchBoundSeeds: 200,
    peers: 3,
  },
  {
    name: 'truncate-on-stale-append',
    description: 'a follower truncates its log on a stale AppendEntries that does not conflict (§5.3)',
    rules: rules({ truncateOnlyOnConflict: false }),
    sendBeforePersist: false,
    bias: {},
    catchBoundSeeds: 200,
    peers: 3,
  },
  {
    name: 'skip-joint-quorum',
    description: 'in a joint configuration only the incoming voters are counted (thesis §4.3)',
    rules: rules({ jointQuorum: false }),
    sendBeforePersist: false,
    // Joint changes one after another, with partitions and slow appliers inside the joint window.
    bias: {
      membershipChance: 1,
      membershipRepeat: true,
      membershipJointOnly: true,
      jointSplitChance: 0.9,
      durationTicks: [20, 60],
      weights: { 'slow-disk': 4, 'transfer-leadership': 0 },
      diskLatencyTicks: [3, 10],
    },
    catchBoundSeeds: 200,
    peers: 5,
  },
  {
    name: 'send-before-persist',
    description: 'the Ready loop sends messages before persisting hard state and entries; a crash loses them',
    rules: DEFAULT_RULES,
    sendBeforePersist: true,
    // Every disk is slow, so crashes land between a send and its persist.
    bias: {
      meanGapTicks: 5,
      baseDiskLatencyTicks: [3, 8],
      crashDownTicks: [1, 4],
      newLeaderFaultChance: 0.7,
      weights: { crash: 10, 'partition-isolate': 3, 'lossy-network': 0, 'slow-disk': 0 },
    },
    catchBoundSeeds: 200,
    peers: 3,
  },
];

export const PLANT_NAMES: readonly PlantName[] = PLANTS.map((p) => p.name);

export function findPlant(name: string): Plant | undefined {
  return PLANTS.find((p) => p.name === name);
}
