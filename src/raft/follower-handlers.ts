import { assert } from '../util/assert.js';
import type { Raft } from './raft.js';
import { configFromConfState } from './tracker.js';
import type { Message, Snapshot } from './types.js';

/**
 * How a node that accepts a leader answers its messages (§5.3, §7). Used by
 * followers, and by candidates that discover a leader of their term.
 */
export function handleAppend(r: Raft, m: Message): void {
  if (m.index < r.log.committed) {
    // Everything up to our commit index is settled; tell the leader where we are.
    r.send({ type: 'append-resp', to: m.from, index: r.log.committed });
    return;
  }
  const lastNew = r.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries, r.rules.truncateOnlyOnConflict);
  if (lastNew !== undefined) {
    r.send({ type: 'append-resp', to: m.from, index: lastNew });
    return;
  }
  // Consistency check failed: hint the largest index whose term is <= the
  // leader's term at m.index, so the leader can skip past a conflicting term.
  const hint = r.log.findConflictByTerm(Math.min(m.index, r.log.lastIndex()), m.logTerm);
  r.send({ type: 'append-resp', to: m.from, index: m.index, reject: true, rejectHint: hint.index, logTerm: hint.term });
}

export function handleHeartbeat(r: Raft, m: Message): void {
  const lastIndex = r.log.lastIndex();
  const context = m.context !== undefined ? { context: m.context } : {};
  if (m.commit > lastIndex) {
    // A heartbeat's commit is at most what this node acknowledged to the leader, so the
    // log has lost entries it had made durable: a wiped data dir, or a damaged one (etcd
    // panics here: "tocommit is out of range"). The application decides which (see
    // Raft.lostLog); the leader is told where the log really ends, so it can probe down
    // and send what is missing instead of waiting on a match that is no longer true.
    r.lostLog = { commit: m.commit, lastIndex, leader: m.from };
    r.log.commitTo(lastIndex);
    r.send({ type: 'heartbeat-resp', to: m.from, reject: true, rejectHint: lastIndex, ...context });
    return;
  }
  r.log.commitTo(m.commit);
  r.send({ type: 'heartbeat-resp', to: m.from, ...context });
}

export function handleSnapshot(r: Raft, m: Message): void {
  assert(m.snapshot !== undefined, 'snapshot message without a snapshot');
  if (restoreSnapshot(r, m.snapshot)) {
    r.send({ type: 'append-resp', to: m.from, index: r.log.lastIndex() });
  } else {
    r.send({ type: 'append-resp', to: m.from, index: r.log.committed });
  }
}

/** Installs a snapshot unless our log already holds its last entry. Returns true if installed. */
function restoreSnapshot(r: Raft, snapshot: Snapshot): boolean {
  const { index, term, confState } = snapshot.meta;
  if (index <= r.log.committed) return false;
  // A snapshot may predate our own addition (a joining node is sent the latest
  // snapshot, then the log after it, which adds us): accept it either way; a
  // node outside the configuration never campaigns.
  if (r.log.matchTerm(index, term)) {
    // Our log already has it: just fast-forward the commit index.
    r.log.commitTo(index);
    return false;
  }
  r.log.restore(snapshot);
  r.tracker.progress.clear();
  r.tracker.setConfig(configFromConfState(confState), r.log.lastIndex() + 1);
  r.isLearner = r.tracker.progress.get(r.id)?.isLearner ?? false;
  return true;
}
