import { payloadBytes } from './entry-limits.js';
import type { Raft } from './raft.js';
import type { NodeId } from './types.js';

/**
 * What the leader sends a follower (§5.3, §7). Appends start at the follower's
 * `next`; if that part of the log was compacted away, a snapshot goes instead.
 * Returns true if a message was sent.
 */
export function sendAppend(r: Raft, to: NodeId, sendIfEmpty = true): boolean {
  const pr = r.tracker.progress.get(to);
  if (pr === undefined || pr.isPaused()) return false;
  const prevIndex = pr.next - 1;
  const prevTerm = r.log.term(prevIndex);
  const entries = r.log.entriesFrom(pr.next, r.cfg.maxMsgBytes);
  if (prevTerm === undefined || entries === undefined) return sendSnapshot(r, to);
  if (entries.length === 0 && !sendIfEmpty) return false;
  const last = entries[entries.length - 1];
  pr.sentEntries(last?.index ?? prevIndex, payloadBytes(entries), entries.length);
  pr.sentCommit = r.log.committed;
  r.send({ type: 'append', to, index: prevIndex, logTerm: prevTerm, entries, commit: r.log.committed });
  return true;
}

/** Sends appends with entries to `to` until flow control pauses it or nothing is left. */
export function fillPipeline(r: Raft, to: NodeId): void {
  while (sendAppend(r, to, false)) {
    /* keep sending */
  }
}

function sendSnapshot(r: Raft, to: NodeId): boolean {
  const pr = r.tracker.get(to);
  // Only to a follower known to be alive: snapshots are expensive.
  if (!pr.recentActive) return false;
  const snapshot = r.log.snapshot();
  if (snapshot.meta.index === 0) return false;
  pr.becomeSnapshot(snapshot.meta.index);
  r.send({ type: 'snapshot', to, snapshot });
  return true;
}

/**
 * Heartbeats carry the commit index, but never beyond what the follower is known
 * to hold (it could not check an entry it does not have).
 */
export function sendHeartbeat(r: Raft, to: NodeId, ctx: Uint8Array | undefined): void {
  const pr = r.tracker.progress.get(to);
  if (pr === undefined) return;
  const commit = Math.min(pr.match, r.log.committed);
  r.send({ type: 'heartbeat', to, commit, ...(ctx !== undefined ? { context: ctx } : {}) });
}
