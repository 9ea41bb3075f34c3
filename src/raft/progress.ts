import { assertionFailed } from '../util/assert.js';
import { Inflights } from './inflights.js';

/**
 * The leader's view of one follower (thesis §3.5 nextIndex/matchIndex, plus etcd's
 * flow-control states):
 *
 *   probe ──ack──▶ replicate ──reject──▶ probe
 *     │                                    ▲
 *     └──compacted log──▶ snapshot ──ack───┘
 *
 * probe: one append per heartbeat interval until the follower's position is found.
 * replicate: pipelined appends, bounded by Inflights.
 * snapshot: waiting for a snapshot to be installed; no appends.
 */
export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** In snapshot state: the index of the snapshot being sent. */
  pendingSnapshot = 0;
  /** Heard from since the last CheckQuorum round. */
  recentActive = false;
  /** In probe state: an append was sent this heartbeat interval, wait for its answer. */
  probeSent = false;
  /** In snapshot state: heartbeat answers since the snapshot was sent (a lost snapshot is retried). */
  snapshotWaitHeartbeats = 0;
  readonly inflights: Inflights;
  isLearner: boolean;

  constructor(options: { next: number; maxInflightMsgs: number; maxInflightBytes: number; isLearner: boolean }) {
    this.next = options.next;
    this.inflights = new Inflights(options.maxInflightMsgs, options.maxInflightBytes);
    this.isLearner = options.isLearner;
  }

  becomeProbe(): void {
    if (this.state === 'snapshot') {
      // If the snapshot was installed, the follower holds everything up to it.
      const pendingSnapshot = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pendingSnapshot + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** An ack for `index`: returns true if it moved match forward. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /**
   * The follower answered with a log that ends before what it had acknowledged:
   * its disk was replaced and it restarted empty. Forget the old match (commit
   * never moves back, so this only delays future commits) and probe from its
   * hint, which reaches a snapshot if that part of our log is compacted.
   */
  resetAfterLostLog(hint: number): void {
    this.resetState('probe');
    this.match = hint;
    this.next = hint + 1;
  }

  /** Pipelining: assume the append just sent will succeed. */
  optimisticUpdate(lastSentIndex: number): void {
    this.next = lastSentIndex + 1;
  }

  /**
   * A rejection of the append at `rejected`. Returns false if it is stale (an
   * answer to an older append). Otherwise moves next back, to the follower's hint.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1, 1);
    this.probeSent = false;
    return true;
  }

  /** The commit index carried by the latest append sent to this follower. */
  sentCommit = 0;

  sentEntries(lastIndex: number, bytes: number, entryCount: number): void {
    if (this.state === 'replicate') {
      if (entryCount > 0) {
        this.optimisticUpdate(lastIndex);
        this.inflights.add(lastIndex, bytes);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    } else {
      assertionFailed(`sending entries in state ${this.state}`);
    }
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.snapshotWaitHeartbeats = 0;
    this.state = state;
    this.inflights.reset();
  }
}
