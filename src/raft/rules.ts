/**
 * The safety rules of Raft that the core checks at its decision points. In a
 * running peer they are always DEFAULT_RULES. The simulator alone can switch one
 * off (through the SIM_RULES symbol key of RaftConfig, which no config file or
 * flag can produce) to show that its checkers catch the resulting bug.
 */
export interface SafetyRules {
  /** §5.4.2: only an entry of the leader's current term is committed by counting replicas. */
  readonly commitOnlyCurrentTerm: boolean;
  /** §5.4.1: grant a vote only if the candidate's log is at least as up to date as ours. */
  readonly voteRequiresUpToDateLog: boolean;
  /** Thesis §6.4: a ReadIndex read waits for a heartbeat round that confirms leadership. */
  readonly readIndexNeedsHeartbeatQuorum: boolean;
  /** §5.3: truncate the log only at a real conflict, never because an AppendEntries is stale. */
  readonly truncateOnlyOnConflict: boolean;
  /** Thesis §4.3: in a joint configuration, decisions need majorities of both voter sets. */
  readonly jointQuorum: boolean;
}

export const DEFAULT_RULES: SafetyRules = Object.freeze({
  commitOnlyCurrentTerm: true,
  voteRequiresUpToDateLog: true,
  readIndexNeedsHeartbeatQuorum: true,
  truncateOnlyOnConflict: true,
  jointQuorum: true,
});

/** Key under which the simulator passes altered rules. Symbol keys never come from parsed config. */
export const SIM_RULES: unique symbol = Symbol('raftplane.simRules');
