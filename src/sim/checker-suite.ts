import type { Entry, NodeId } from '../raft/types.js';
import { AckedWritesChecker } from './checkers/acked-writes.js';
import { ElectionSafetyChecker } from './checkers/election-safety.js';
import { LeaderCompletenessChecker } from './checkers/leader-completeness.js';
import { LinearizableReadsChecker } from './checkers/linearizable-reads.js';
import { LivenessChecker } from './checkers/liveness.js';
import type { LogView } from './checkers/log-view.js';
import { LogMatchingChecker } from './checkers/log-matching.js';
import { StateMachineSafetyChecker, type AppliedEntry } from './checkers/state-machine-safety.js';
import { entryFingerprint } from './entry-text.js';
import type { SimClock } from './sim-clock.js';
import type { ViolationSink } from './violation.js';

/**
 * Every checker of one run, and the mapping from what happens in the world to
 * what each checker observes. Observations are made as events happen, so a
 * violation is reported at the step that caused it.
 */
export class CheckerSuite {
  readonly electionSafety: ElectionSafetyChecker;
  readonly logMatching: LogMatchingChecker;
  readonly leaderCompleteness: LeaderCompletenessChecker;
  readonly stateMachineSafety: StateMachineSafetyChecker;
  readonly ackedWrites: AckedWritesChecker;
  readonly linearizableReads: LinearizableReadsChecker;
  readonly liveness: LivenessChecker;

  constructor(clock: SimClock, sink: ViolationSink, livenessBoundTicks: number) {
    this.electionSafety = new ElectionSafetyChecker(clock, sink);
    this.logMatching = new LogMatchingChecker(clock, sink);
    this.leaderCompleteness = new LeaderCompletenessChecker(clock, sink);
    this.stateMachineSafety = new StateMachineSafetyChecker(clock, sink);
    this.ackedWrites = new AckedWritesChecker(clock, sink);
    this.linearizableReads = new LinearizableReadsChecker(clock, sink);
    this.liveness = new LivenessChecker(clock, sink, livenessBoundTicks);
  }

  appending(nodeId: NodeId, entries: readonly Entry[], prevTerm: number): void {
    let prev = prevTerm;
    for (const entry of entries) {
      this.logMatching.observeAppend(nodeId, {
        index: entry.index,
        term: entry.term,
        fingerprint: entryFingerprint(entry),
        prevTerm: prev,
      });
      prev = entry.term;
    }
  }

  becameLeader(nodeId: NodeId, term: number): void {
    this.electionSafety.observeLeader(nodeId, term);
    this.liveness.observeLeader();
  }

  leaderLog(nodeId: NodeId, term: number, log: LogView): void {
    this.leaderCompleteness.observeLeaderLog(nodeId, term, log);
  }

  applied(nodeId: NodeId, nodeTerm: number, entry: Entry, chain: number, write: { key: string; value: string } | undefined): void {
    const applied: AppliedEntry = { index: entry.index, term: entry.term, fingerprint: entryFingerprint(entry) };
    const first = this.stateMachineSafety.appliedAt(entry.index) === undefined;
    this.ackedWrites.observeApply(nodeId, applied);
    this.stateMachineSafety.observeApply(nodeId, applied, chain);
    this.leaderCompleteness.observeCommitted(entry.index, entry.term, nodeTerm);
    if (first && write !== undefined) this.linearizableReads.observeCanonicalWrite(entry.index, write.key, write.value);
  }

  restored(nodeId: NodeId, index: number, chain: number): void {
    this.stateMachineSafety.observeRestore(nodeId, index, chain);
  }

  writeAcked(nodeId: NodeId, entry: Entry, proposedTick: number): void {
    this.ackedWrites.observeAck(nodeId, { index: entry.index, term: entry.term, fingerprint: entryFingerprint(entry) });
    this.linearizableReads.observeAck(entry.index);
    this.liveness.observeAck(proposedTick);
  }
}
