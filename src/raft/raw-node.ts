import { assert } from '../util/assert.js';
import { resolveRaftConfig, type RaftConfig } from './config.js';
import { encodeConfChange, type ConfChange } from './conf-change.js';
import { RaftError, type RaftErrorCode } from './errors.js';
import { Raft } from './raft.js';
import type { ProgressState } from './progress.js';
import {
  isHardStateEqual,
  makeMessage,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type Ready,
  type Role,
  type SoftState,
} from './types.js';
import type { Mutable } from '../util/mutable.js';

export interface FollowerStatus {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly isLearner: boolean;
  readonly recentActive: boolean;
}

/** What a node knows of itself, without copies of its configuration or its followers (etcd's BasicStatus). */
export interface BasicStatus {
  readonly id: NodeId;
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly leader: NodeId;
  readonly role: Role;
}

export interface RaftStatus extends BasicStatus {
  readonly confState: ConfState;
  readonly lastIndex: number;
  readonly firstIndex: number;
  readonly leadTransferee: NodeId;
  /** Only on the leader. */
  readonly progress?: Readonly<Record<NodeId, FollowerStatus>>;
}

const MESSAGE_TYPES_FROM_NETWORK = new Set<Message['type']>([
  'append', 'append-resp', 'heartbeat', 'heartbeat-resp', 'vote', 'vote-resp', 'pre-vote', 'pre-vote-resp',
  'snapshot', 'propose', 'read-index', 'read-index-resp', 'timeout-now', 'transfer-leader',
]);

/**
 * The application's handle on the consensus core, in the manner of etcd's RawNode:
 * tick(), step(), propose(), then ready() → persist → send → apply → advance().
 * See README.md for the contract; ready() and advance() must alternate.
 */
export class RawNode {
  private readonly raft: Raft;
  private prevSoft: SoftState;
  private prevHard: HardState;
  private awaitingAdvance = false;

  constructor(config: RaftConfig) {
    this.raft = new Raft(resolveRaftConfig(config));
    this.prevSoft = this.raft.softState();
    this.prevHard = this.raft.hardState();
  }

  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (if this node may campaign). */
  campaign(): void {
    this.raft.hup(false);
  }

  /** Delivers a message from the network. Malformed, misaddressed or stale messages are ignored. */
  step(m: Message): void {
    if (!MESSAGE_TYPES_FROM_NETWORK.has(m.type) || m.to !== this.raft.id || m.from === '' || m.from === this.raft.id) return;
    if (!Number.isSafeInteger(m.term) || m.term < 0 || !Number.isSafeInteger(m.index) || m.index < 0) return;
    const isResponse = m.type.endsWith('-resp');
    if (isResponse && !this.raft.tracker.progress.has(m.from) && m.type !== 'read-index-resp') return;
    this.raft.step(m);
  }

  propose(data: Uint8Array): void {
    this.proposeEntry({ term: 0, index: 0, type: 'normal', data });
  }

  proposeConfChange(change: ConfChange): void {
    this.proposeEntry({ term: 0, index: 0, type: 'conf-change', data: encodeConfChange(change) });
  }

  private proposeEntry(entry: Entry): void {
    const id = this.raft.id;
    this.throwIf(this.raft.step(makeMessage({ type: 'propose', from: id, to: id, entries: [entry] })));
  }

  /** Asks for a linearizable read point; the answer is a ReadState with this context in a later Ready. */
  readIndex(requestCtx: Uint8Array): void {
    const id = this.raft.id;
    this.throwIf(this.raft.step(makeMessage({ type: 'read-index', from: id, to: id, context: requestCtx })));
  }

  transferLeadership(to: NodeId): void {
    this.throwIf(this.raft.step(makeMessage({ type: 'transfer-leader', from: to, to: this.raft.id })));
  }

  /** Called by the application when it applies a committed conf-change entry. */
  applyConfChange(change: ConfChange): ConfState {
    this.raft.applyConfChange(change);
    return this.raft.tracker.confState();
  }

  reportUnreachable(id: NodeId): void {
    if (this.raft.role !== 'leader') return;
    const pr = this.raft.tracker.progress.get(id);
    if (pr !== undefined && pr.state === 'replicate') pr.becomeProbe();
  }

  reportSnapshot(id: NodeId, ok: boolean): void {
    if (this.raft.role !== 'leader') return;
    const pr = this.raft.tracker.progress.get(id);
    if (pr === undefined || pr.state !== 'snapshot') return;
    if (!ok) pr.pendingSnapshot = 0;
    pr.becomeProbe();
    pr.probeSent = true; // wait for a heartbeat answer before probing
  }

  hasReady(): boolean {
    const r = this.raft;
    const soft = this.prevSoft;
    const hard = this.prevHard;
    if (r.lead !== soft.leader || r.role !== soft.role) return true;
    if (r.term !== hard.term || r.vote !== hard.vote || r.log.committed !== hard.commit) return true;
    if (r.log.unstable.snapshot !== undefined || r.log.unstable.entries.length > 0) return true;
    if (r.msgs.length > 0 || r.readStates.length > 0 || r.appendsPending) return true;
    return r.log.hasNextCommittedEntries();
  }

  ready(): Ready {
    assert(!this.awaitingAdvance, 'ready() called again before advance()');
    const r = this.raft;
    r.flushAppends();
    const soft = r.softState();
    const hard = r.hardState();
    const entries = r.log.unstableEntries();
    const snapshot = r.log.unstable.snapshot;
    const softChanged = !sameSoftState(soft, this.prevSoft);
    const hardChanged = !isHardStateEqual(hard, this.prevHard);
    // Built field by field, not with conditional spreads: one object per Ready.
    const rd: Mutable<Ready> = {
      entries,
      committedEntries: r.log.nextCommittedEntries(r.cfg.maxCommittedBytesPerReady),
      messages: r.msgs,
      readStates: r.readStates,
      mustSync: entries.length > 0 || hard.term !== this.prevHard.term || hard.vote !== this.prevHard.vote,
    };
    if (softChanged) rd.softState = soft;
    if (hardChanged) rd.hardState = hard;
    if (snapshot !== undefined) rd.snapshot = snapshot;
    r.msgs = [];
    r.readStates = [];
    this.prevSoft = soft;
    this.prevHard = hard;
    this.awaitingAdvance = true;
    return rd;
  }

  /**
   * Leader only, between ready() and advance() while the Ready's write is in flight: the
   * committed entries after `applied`, which the application may apply (and answer) at
   * once. A commit index names entries on a quorum of disks, the leader's own counted only
   * once written (Raft.persistedTo), so these need not wait for the leader's write. Only
   * normal entries: the list stops before a configuration change, applied with its Ready.
   */
  committedEntriesAfter(applied: number): Entry[] {
    const r = this.raft;
    if (r.role !== 'leader' || r.log.unstable.snapshot !== undefined || r.log.committed <= applied) return [];
    const entries = r.log.slice(Math.max(applied + 1, r.log.firstIndex()), r.log.committed + 1) ?? [];
    const confChange = entries.findIndex((entry) => entry.type === 'conf-change');
    return confChange < 0 ? entries : entries.slice(0, confChange);
  }

  /**
   * Leader only, with the same timing: the messages stepping has queued since ready(),
   * appends carrying a new commit index among them. A leader's messages may leave before
   * its write lands (thesis §10.2.1, see early-send.ts).
   */
  takeLeaderMessages(): Message[] {
    const r = this.raft;
    if (r.role !== 'leader') return [];
    r.flushAppends();
    const messages = r.msgs;
    r.msgs = [];
    return messages;
  }

  /** The application has persisted, sent and applied everything in `rd`. */
  advance(rd: Ready): void {
    assert(this.awaitingAdvance, 'advance() without a ready()');
    this.awaitingAdvance = false;
    const log = this.raft.log;
    if (rd.snapshot !== undefined) {
      log.stableSnapTo(rd.snapshot.meta.index);
      if (rd.snapshot.meta.index > log.applied) log.applied = rd.snapshot.meta.index;
    }
    const lastEntry = rd.entries[rd.entries.length - 1];
    if (lastEntry !== undefined) {
      log.stableTo(lastEntry.index, lastEntry.term);
      this.raft.persistedTo(lastEntry.index, lastEntry.term);
    }
    const lastApplied = rd.committedEntries[rd.committedEntries.length - 1];
    if (lastApplied !== undefined) log.appliedTo(lastApplied.index);
    this.raft.maybeAutoLeaveJoint();
  }

  /** The current term, without building a whole status (a response header needs only this). */
  get term(): number {
    return this.raft.term;
  }

  /** Cheap enough for every tick: no configuration or progress is copied. */
  basicStatus(): BasicStatus {
    const r = this.raft;
    return { id: r.id, term: r.term, vote: r.vote, commit: r.log.committed, applied: r.log.applied, leader: r.lead, role: r.role };
  }

  /** Raft.lostLog: a leader's commit past this log's end, once seen (taken: reading clears it). */
  takeLostLog(): { commit: number; lastIndex: number; leader: string } | undefined {
    const lost = this.raft.lostLog;
    this.raft.lostLog = undefined;
    return lost;
  }

  status(): RaftStatus {
    const r = this.raft;
    const base = {
      id: r.id,
      term: r.term,
      vote: r.vote,
      commit: r.log.committed,
      applied: r.log.applied,
      leader: r.lead,
      role: r.role,
      confState: r.tracker.confState(),
      lastIndex: r.log.lastIndex(),
      firstIndex: r.log.firstIndex(),
      leadTransferee: r.leadTransferee,
    };
    if (r.role !== 'leader') return base;
    const progress: Record<NodeId, FollowerStatus> = {};
    for (const id of r.tracker.memberIds()) {
      const pr = r.tracker.get(id);
      progress[id] = { match: pr.match, next: pr.next, state: pr.state, isLearner: pr.isLearner, recentActive: pr.recentActive };
    }
    return { ...base, progress };
  }

  private throwIf(code: RaftErrorCode | undefined): void {
    if (code === undefined) return;
    throw new RaftError(code, describe(code), { node: this.raft.id, leader: this.raft.lead });
  }
}

function sameSoftState(a: SoftState, b: SoftState): boolean {
  return a.leader === b.leader && a.role === b.role;
}

function describe(code: RaftErrorCode): string {
  switch (code) {
    case 'RAFT_PROPOSAL_DROPPED':
      return 'proposal dropped: no leader is known, or leadership is being transferred';
    case 'RAFT_UNCOMMITTED_LIMIT':
      return 'too many uncommitted bytes on the leader; retry later';
    case 'RAFT_ENTRY_TOO_LARGE':
      return 'entry exceeds the maximum entry size';
    case 'RAFT_CONF_CHANGE_PENDING':
      return 'a membership change is already in progress';
    case 'RAFT_BAD_CONF_CHANGE':
      return 'membership change not allowed from the current configuration';
    case 'RAFT_READ_INDEX_LIMIT':
      return 'too many pending linearizable reads';
    default:
      return code;
  }
}
