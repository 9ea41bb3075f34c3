import { decodeConfChange } from './conf-change.js';
import { jointVote } from './quorum.js';
import type { Raft, StepResult } from './raft.js';
import type { Progress } from './progress.js';
import { fillPipeline, sendAppend } from './replication.js';
import { NONE, type Message, type NodeId } from './types.js';

/** Heartbeat responses a snapshot may go unacknowledged before the leader retries (lost snapshot). */
const SNAPSHOT_RETRY_HEARTBEATS = 30;

export function stepLeader(r: Raft, m: Message): StepResult {
  switch (m.type) {
    case 'propose':
      return propose(r, m);
    case 'read-index':
      return readIndex(r, m);
    case 'transfer-leader':
      transferLeadership(r, m.from);
      return undefined;
    default:
      break;
  }
  const pr = r.tracker.progress.get(m.from);
  if (pr === undefined) return undefined; // not a member (any more)
  if (m.type === 'append-resp') handleAppendResponse(r, m, pr);
  else if (m.type === 'heartbeat-resp') handleHeartbeatResponse(r, m, pr);
  return undefined;
}

function propose(r: Raft, m: Message): StepResult {
  if (!r.tracker.progress.has(r.id)) return 'RAFT_PROPOSAL_DROPPED'; // removed from the cluster
  if (r.leadTransferee !== NONE) return 'RAFT_PROPOSAL_DROPPED'; // §3.10: stop accepting during a transfer
  let confIndexOffset = -1;
  for (const [i, e] of m.entries.entries()) {
    if (e.data.byteLength > r.cfg.maxEntryBytes) return 'RAFT_ENTRY_TOO_LARGE';
    if (e.type !== 'conf-change') continue;
    if (confIndexOffset >= 0) return 'RAFT_CONF_CHANGE_PENDING';
    const refused = r.checkConfChange(decodeConfChange(e.data));
    if (refused !== undefined) return refused;
    confIndexOffset = i;
  }
  const before = r.log.lastIndex();
  if (!r.appendEntries(m.entries)) return 'RAFT_UNCOMMITTED_LIMIT';
  if (confIndexOffset >= 0) r.pendingConfIndex = before + 1 + confIndexOffset;
  r.appendsPending = true; // sent with the next Ready, together with this turn's other proposals
  return undefined;
}

/** Thesis §6.4: serve reads at the commit index once a heartbeat round confirms we still lead. */
function readIndex(r: Raft, m: Message): StepResult {
  if (r.tracker.isSingleton()) {
    answerRead(r, m, r.log.committed);
    return undefined;
  }
  if (!r.committedEntryInCurrentTerm()) {
    // Our commit index may lag the true one until our no-op commits.
    if (r.pendingReadIndex.length >= r.cfg.maxPendingReadIndex) return 'RAFT_READ_INDEX_LIMIT';
    r.pendingReadIndex.push(m);
    return undefined;
  }
  return confirmAndAnswer(r, m);
}

function confirmAndAnswer(r: Raft, m: Message): StepResult {
  if (!r.rules.readIndexNeedsHeartbeatQuorum) {
    answerRead(r, m, r.log.committed); // planted bug: a deposed leader answers stale reads
    return undefined;
  }
  if (r.readOnly.size >= r.cfg.maxPendingReadIndex) return 'RAFT_READ_INDEX_LIMIT';
  const ctx = m.context ?? new Uint8Array(0);
  r.readOnly.addRequest(r.log.committed, m, ctx);
  r.readOnly.recvAck(r.id, ctx);
  r.broadcastHeartbeat(ctx);
  return undefined;
}

function answerRead(r: Raft, m: Message, index: number): void {
  const requestCtx = m.context ?? new Uint8Array(0);
  if (m.from === r.id || m.from === NONE) r.readStates.push({ index, requestCtx });
  else r.send({ type: 'read-index-resp', to: m.from, index, context: requestCtx });
}

function releasePendingReads(r: Raft): void {
  if (r.pendingReadIndex.length === 0 || !r.committedEntryInCurrentTerm()) return;
  const pending = r.pendingReadIndex;
  r.pendingReadIndex = [];
  for (const m of pending) confirmAndAnswer(r, m);
}

/**
 * Advances commit to what a quorum holds. If it moved, reads waiting for a commit in this
 * term are released and the new commit index goes out with the next Ready (once per
 * Ready, not once per acknowledgement).
 */
export function commitAndAnnounce(r: Raft): boolean {
  if (!r.maybeCommit()) return false;
  releasePendingReads(r);
  r.appendsPending = true;
  return true;
}

function handleAppendResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  if (m.reject && pr.state !== 'snapshot' && m.index >= pr.match && m.rejectHint < pr.match) {
    // A follower never rejects below what it acknowledged unless it lost its log.
    pr.resetAfterLostLog(m.rejectHint);
    sendAppend(r, m.from);
    return;
  }
  if (m.reject) {
    // Fast backtracking: jump to the follower's hint, adjusted to our own log.
    const next = m.logTerm > 0 ? r.log.findConflictByTerm(m.rejectHint, m.logTerm).index : m.rejectHint;
    if (pr.maybeDecrTo(m.index, next)) {
      if (pr.state === 'replicate') pr.becomeProbe();
      sendAppend(r, m.from);
    }
    return;
  }
  const wasPaused = pr.isPaused();
  if (!pr.maybeUpdate(m.index) && !(pr.match === m.index && pr.state === 'probe')) return;
  if (pr.state === 'probe') {
    pr.becomeReplicate();
  } else if (pr.state === 'snapshot' && pr.match + 1 >= r.log.firstIndex()) {
    pr.becomeProbe();
    pr.becomeReplicate();
  } else if (pr.state === 'replicate') {
    pr.inflights.freeLE(m.index);
  }
  if (!commitAndAnnounce(r) && wasPaused) sendAppend(r, m.from);
  fillPipeline(r, m.from);
  if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) r.send({ type: 'timeout-now', to: m.from });
}

function handleHeartbeatResponse(r: Raft, m: Message, pr: Progress): void {
  pr.recentActive = true;
  pr.probeSent = false;
  if (m.reject && m.rejectHint < pr.match) {
    // The follower's log ends below what it acknowledged (see handleHeartbeat): its match
    // is no longer true. Lowering it only delays commits; probe from where it really is.
    pr.match = m.rejectHint;
    pr.becomeProbe();
  }
  if (pr.state === 'snapshot' && ++pr.snapshotWaitHeartbeats >= SNAPSHOT_RETRY_HEARTBEATS) {
    pr.pendingSnapshot = 0;
    pr.becomeProbe(); // the snapshot was probably lost: probe again, which resends it if needed
  }
  if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
  if (pr.match < r.log.lastIndex()) sendAppend(r, m.from);
  if (m.context === undefined || m.context.byteLength === 0) return;
  const acks = r.readOnly.recvAck(m.from, m.context);
  if (acks === undefined) return;
  const votes = new Map<NodeId, boolean>();
  for (const id of acks) votes.set(id, true);
  if (jointVote(r.tracker.config.voters, votes, r.rules.jointQuorum) !== 'won') return;
  for (const status of r.readOnly.advance(m.context)) answerRead(r, status.request, status.index);
}

/** Thesis §3.10: bring the transferee up to date, then tell it to campaign at once. */
function transferLeadership(r: Raft, transferee: NodeId): void {
  const pr = r.tracker.progress.get(transferee);
  if (pr === undefined || pr.isLearner || transferee === r.id) return;
  if (r.leadTransferee === transferee) return;
  r.electionElapsed = 0;
  r.leadTransferee = transferee;
  if (pr.match === r.log.lastIndex()) r.send({ type: 'timeout-now', to: transferee });
  else sendAppend(r, transferee);
}
