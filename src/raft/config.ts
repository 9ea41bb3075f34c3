import { assert } from '../util/assert.js';
import type { Rng } from '../util/rng.js';
import type { MemoryStorage } from './memory-storage.js';
import { DEFAULT_RULES, SIM_RULES, type SafetyRules } from './rules.js';
import type { NodeId } from './types.js';

export interface RaftConfig {
  readonly id: NodeId;
  /** The log view the core reads synchronously; the application keeps it in step with disk. */
  readonly storage: MemoryStorage;
  /** Randomises election timeouts. Seeded in tests and the simulator. */
  readonly rng: Rng;
  /** Ticks a follower waits without hearing from a leader before it campaigns (randomised up to 2×). */
  readonly electionTicks?: number;
  /** Ticks between leader heartbeats; must be well below electionTicks. */
  readonly heartbeatTicks?: number;
  /** The last index the application had applied before this start (its state machine's position). */
  readonly applied?: number;
  /** Thesis §9.6: probe for votes before bumping the term, so a partitioned node cannot disrupt. */
  readonly preVote?: boolean;
  /** Thesis §6.2: a leader steps down when it has not heard from a quorum for an election timeout. */
  readonly checkQuorum?: boolean;
  /** Upper bound on the entry bytes in one append message. */
  readonly maxMsgBytes?: number;
  /** Upper bound on one entry's data bytes. */
  readonly maxEntryBytes?: number;
  /** Per-follower flow control: append messages in flight. */
  readonly maxInflightMsgs?: number;
  /** Per-follower flow control: entry bytes in flight. */
  readonly maxInflightBytes?: number;
  /** Leader refuses proposals while its uncommitted tail exceeds this. */
  readonly maxUncommittedEntriesBytes?: number;
  /** Upper bound on committed entry bytes handed out in one Ready. */
  readonly maxCommittedBytesPerReady?: number;
  /** ReadIndex requests held while a new leader has not yet committed in its term. */
  readonly maxPendingReadIndex?: number;
  /** Simulation only: altered safety rules (planted bugs). */
  readonly [SIM_RULES]?: SafetyRules;
}

export type ResolvedRaftConfig = Required<Omit<RaftConfig, typeof SIM_RULES>> & { readonly rules: SafetyRules };

export function resolveRaftConfig(config: RaftConfig): ResolvedRaftConfig {
  const resolved = {
    id: config.id,
    storage: config.storage,
    rng: config.rng,
    electionTicks: config.electionTicks ?? 10,
    heartbeatTicks: config.heartbeatTicks ?? 1,
    applied: config.applied ?? 0,
    preVote: config.preVote ?? true,
    checkQuorum: config.checkQuorum ?? true,
    maxMsgBytes: config.maxMsgBytes ?? 1024 * 1024,
    maxEntryBytes: config.maxEntryBytes ?? 8 * 1024 * 1024,
    maxInflightMsgs: config.maxInflightMsgs ?? 256,
    maxInflightBytes: config.maxInflightBytes ?? 32 * 1024 * 1024,
    maxUncommittedEntriesBytes: config.maxUncommittedEntriesBytes ?? 64 * 1024 * 1024,
    maxCommittedBytesPerReady: config.maxCommittedBytesPerReady ?? 16 * 1024 * 1024,
    maxPendingReadIndex: config.maxPendingReadIndex ?? 4096,
    rules: config[SIM_RULES] ?? DEFAULT_RULES,
  };
  assert(resolved.id !== '', 'raft node id must not be empty');
  assert(resolved.heartbeatTicks > 0, 'heartbeatTicks must be positive');
  assert(resolved.electionTicks > resolved.heartbeatTicks, 'electionTicks must exceed heartbeatTicks');
  assert(resolved.maxInflightMsgs > 0, 'maxInflightMsgs must be positive');
  assert(resolved.maxMsgBytes > 0, 'maxMsgBytes must be positive');
  return resolved;
}
