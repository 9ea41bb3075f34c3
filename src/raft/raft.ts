import { assert, assertionFailed } from '../util/assert.js';
import type { Rng } from '../util/rng.js';
import type { ResolvedRaftConfig } from './config.js';
import { decodeConfChange, encodeConfChange, type ConfChange } from './conf-change.js';
import { payloadBytes } from './entry-limits.js';
import type { RaftErrorCode } from './errors.js';
import { changeMembership } from './membership.js';
import { RaftLog } from './raft-log.js';
import { ReadOnlyQueue } from './read-only.js';
import { fillPipeline, sendAppend, sendHeartbeat } from './replication.js';
import type { SafetyRules } from './rules.js';
import { stepCandidate } from './step-candidate.js';
import { stepFollower } from './step-follower.js';
import { commitAndAnnounce, stepLeader } from './step-leader.js';
import { configFromConfState, isJoint, ProgressTracker, type MembershipConfig } from './tracker.js';
import {
  NONE,
  messageFrom,
  type Entry,
  type HardState,
  type Message,
  type NodeId,
  type ReadState,
  type Role,
  type SoftState,
} from './types.js';

export type StepResult = RaftErrorCode | undefined;
export type StepFn = (r: Raft, m: Message) => StepResult;

/** The context of a vote request sent on a leadership transfer: it may disrupt a live leader. */
export const TRANSFER_CONTEXT = new Uint8Array([0x74]);

/**
 * The consensus state machine of one node: terms, roles, the log, and the
 * leader's view of its followers. Pure and synchronous. Role behaviour lives in
 * step-leader.ts, step-candidate.ts and step-follower.ts; replication (what to send
 * to whom) in replication.ts.
 */
export class Raft {
  readonly id: NodeId;
  readonly cfg: ResolvedRaftConfig;
  readonly rules: SafetyRules;
  readonly log: RaftLog;
  readonly rng: Rng;
  readonly tracker: ProgressTracker;
  readonly readOnly = new ReadOnlyQueue();

  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  role: Role = 'follower';
  isLearner = false;

  /** Outbox: drained into each Ready. */
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  /** ReadIndex requests that arrived before this leader committed an entry of its term. */
  pendingReadIndex: Message[] = [];
  /**
   * Set when a leader's heartbeat commits past this log's end: entries this node had
   * acknowledged are gone. Expected of a node started on a wiped data dir, which catches
   * up; on any other it means a damaged disk, and the application must stop it.
   */
  lostLog: { commit: number; lastIndex: number; leader: NodeId } | undefined = undefined;

  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  leadTransferee: NodeId = NONE;
  /** Index of the latest conf change in the log; a new one waits until it is applied. */
  pendingConfIndex = 0;
  /** Payload bytes appended by this leader and not yet committed. */
  uncommittedBytes = 0;
  /**
   * Leader: new entries or a new commit index wait to be broadcast. Proposals and
   * acknowledgements set it; RawNode.ready() sends once (flushAppends), so the
   * proposals and acknowledgements stepped between two Readys share one append per
   * follower instead of one each (see flushAppends).
   */
  appendsPending = false;

  private stepFn: StepFn = stepFollower;

  constructor(cfg: ResolvedRaftConfig) {
    this.id = cfg.id;
    this.cfg = cfg;
    this.rules = cfg.rules;
    this.rng = cfg.rng;
    this.log = new RaftLog(cfg.storage, 0);
    const { hardState, confState } = cfg.storage.initialState();
    this.tracker = new ProgressTracker(configFromConfState(confState), cfg, cfg.rules.jointQuorum, this.log.lastIndex() + 1);
    this.isLearner = this.tracker.progress.get(this.id)?.isLearner ?? false;
    if (hardState.term !== 0 || hardState.commit !== 0) this.loadHardState(hardState);
    if (cfg.applied > 0) this.log.appliedTo(cfg.applied);
    this.becomeFollower(this.term, NONE);
  }

  private loadHardState(hs: HardState): void {
    if (!(hs.commit >= this.log.committed && hs.commit <= this.log.lastIndex())) assertionFailed(`hard state commit ${hs.commit} out of range [${this.log.committed}, ${this.log.lastIndex()}]`);
    this.log.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  softState(): SoftState {
    return { leader: this.lead, role: this.role };
  }

  // ── sending ────────────────────────────────────────────────────────────────

  /** Queues a message. Vote traffic carries an explicit term; forwarded proposals and reads carry none. */
  send(fields: Partial<Message> & Pick<Message, 'type' | 'to'>): void {
    const type = fields.type;
    let term = fields.term ?? 0;
    if (type === 'vote' || type === 'pre-vote' || type === 'vote-resp' || type === 'pre-vote-resp') {
      if (term === 0) assertionFailed(`${type} must carry a term`);
    } else if (type === 'propose' || type === 'read-index') {
      term = 0;
    } else {
      term = this.term;
    }
    this.msgs.push(messageFrom(fields, fields.from ?? this.id, term));
  }

  // ── role transitions (§5.2) ────────────────────────────────────────────────

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.leadTransferee = NONE;
    this.tracker.resetVotes();
    const next = this.log.lastIndex() + 1;
    for (const id of this.tracker.memberIds()) {
      const fresh = this.tracker.newProgress(next, this.tracker.get(id).isLearner);
      if (id === this.id) fresh.match = this.log.persistedLastIndex();
      this.tracker.progress.set(id, fresh);
    }
    this.pendingConfIndex = 0;
    this.uncommittedBytes = 0;
    this.appendsPending = false;
    this.readOnly.reset();
    this.pendingReadIndex = [];
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.stepFn = stepFollower;
    this.reset(term);
    this.lead = lead;
    this.role = 'follower';
  }

  becomePreCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot become pre-candidate');
    // PreVote does not change the term or the vote: a node that loses a
    // pre-election has disturbed nothing.
    this.stepFn = stepCandidate;
    this.tracker.resetVotes();
    this.lead = NONE;
    this.role = 'pre-candidate';
  }

  becomeCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot become candidate');
    this.stepFn = stepCandidate;
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  becomeLeader(): void {
    assert(this.role === 'candidate', 'only a candidate becomes leader');
    this.stepFn = stepLeader;
    this.reset(this.term);
    this.lead = this.id;
    this.role = 'leader';
    // Followers start in probe; our own progress is known.
    this.tracker.get(this.id).becomeReplicate();
    // A new leader may not propose a membership change until it has committed an
    // entry of its own term (the one-at-a-time rule's safety condition).
    this.pendingConfIndex = this.log.lastIndex();
    // §5.4.2 / §8: commit an empty entry of the new term at once, which also
    // commits everything before it and lets ReadIndex serve.
    const appended = this.appendEntries([{ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }]);
    assert(appended, 'the leader no-op is never refused');
  }

  // ── elections ──────────────────────────────────────────────────────────────

  resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.cfg.electionTicks + this.rng.int(0, this.cfg.electionTicks - 1);
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  /** Voters that are not learners and have no snapshot pending may campaign. */
  promotable(): boolean {
    const pr = this.tracker.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && this.log.unstable.snapshot === undefined;
  }

  hasUnappliedConfChanges(): boolean {
    if (this.log.applied >= this.log.committed) return false;
    const entries = this.log.slice(this.log.applied + 1, this.log.committed + 1) ?? [];
    return entries.some((e) => e.type === 'conf-change');
  }

  hup(transfer: boolean): void {
    if (this.role === 'leader') return;
    if (!this.promotable()) return;
    // A node must know its final membership before it leads.
    if (this.hasUnappliedConfChanges()) return;
    this.campaign(this.cfg.preVote && !transfer ? 'pre-vote' : 'vote', transfer);
  }

  campaign(kind: 'pre-vote' | 'vote', transfer: boolean): void {
    let term: number;
    if (kind === 'pre-vote') {
      this.becomePreCandidate();
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      term = this.term;
    }
    if (this.poll(this.id, true) === 'won') {
      // A single-voter cluster wins at once.
      if (kind === 'pre-vote') this.campaign('vote', transfer);
      else this.becomeLeader();
      return;
    }
    for (const id of this.tracker.voterIds()) {
      if (id === this.id) continue;
      this.send({
        type: kind,
        to: id,
        term,
        index: this.log.lastIndex(),
        logTerm: this.log.lastTerm(),
        ...(transfer ? { context: TRANSFER_CONTEXT } : {}),
      });
    }
  }

  poll(id: NodeId, granted: boolean): 'won' | 'lost' | 'pending' {
    this.tracker.recordVote(id, granted);
    return this.tracker.tallyVotes().result;
  }

  // ── the log ────────────────────────────────────────────────────────────────

  /** Leader: appends new entries of its term. Returns false if the uncommitted limit refuses them. */
  appendEntries(entries: readonly Entry[]): boolean {
    const bytes = payloadBytes(entries);
    if (this.uncommittedBytes > 0 && bytes > 0 && this.uncommittedBytes + bytes > this.cfg.maxUncommittedEntriesBytes) return false;
    this.uncommittedBytes += bytes;
    let index = this.log.lastIndex();
    const stamped = entries.map((e) => ({ ...e, term: this.term, index: ++index }));
    this.log.append(stamped);
    // The leader's own copy counts toward commit once it is on disk (persistedTo), not
    // now: a single-voter cluster commits in the Ready after the write.
    return true;
  }

  /**
   * The application has persisted the log through (index, term). A leader's own copy of an
   * entry counts toward commit only from now (thesis §10.2.1), so a commit index always
   * names entries on a quorum of disks: a leader may act on it, and tell its followers of
   * it, while its own write is still in flight.
   */
  persistedTo(index: number, term: number): void {
    if (this.role !== 'leader' || this.log.term(index) !== term) return;
    const self = this.tracker.progress.get(this.id);
    if (self !== undefined && self.maybeUpdate(index)) commitAndAnnounce(this);
  }

  /** §5.3/§5.4.2: advance commit to what a quorum holds, counting only current-term entries. */
  maybeCommit(): boolean {
    const quorumIndex = this.tracker.committed();
    if (quorumIndex <= this.log.committed) return false;
    if (this.rules.commitOnlyCurrentTerm && this.log.term(quorumIndex) !== this.term) return false;
    const before = this.log.committed;
    this.log.commitTo(Math.min(quorumIndex, this.log.lastIndex()));
    this.reduceUncommitted(before);
    return this.log.committed > before;
  }

  private reduceUncommitted(previousCommit: number): void {
    if (this.uncommittedBytes === 0) return;
    const newlyCommitted = this.log.slice(previousCommit + 1, this.log.committed + 1) ?? [];
    this.uncommittedBytes = Math.max(0, this.uncommittedBytes - payloadBytes(newlyCommitted));
  }

  committedEntryInCurrentTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  // ── stepping (term rules of §5.1, then the role's step function) ───────────

  step(m: Message): StepResult {
    if (m.term > this.term) {
      if (!this.acceptHigherTerm(m)) return undefined;
    } else if (m.term !== 0 && m.term < this.term) {
      this.answerLowerTerm(m);
      return undefined;
    }
    switch (m.type) {
      case 'vote':
      case 'pre-vote':
        this.handleVoteRequest(m);
        return undefined;
      default:
        return this.stepFn(this, m);
    }
  }

  /** Returns false if the message should be ignored. */
  private acceptHigherTerm(m: Message): boolean {
    if (m.type === 'vote' || m.type === 'pre-vote') {
      const force = m.context !== undefined && m.context.length === 1 && m.context[0] === TRANSFER_CONTEXT[0];
      const inLease = this.cfg.checkQuorum && this.lead !== NONE && this.electionElapsed < this.cfg.electionTicks;
      // Thesis §4.2.3: while we hear from a live leader, ignore disruptive candidates.
      if (!force && inLease) return false;
    }
    if (m.type === 'pre-vote') return true; // never change term on a pre-vote request
    if (m.type === 'pre-vote-resp' && !m.reject) return true; // the term bumps only on winning
    if (m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot') this.becomeFollower(m.term, m.from);
    else this.becomeFollower(m.term, NONE);
    return true;
  }

  private answerLowerTerm(m: Message): void {
    if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'heartbeat' || m.type === 'append')) {
      // A stale leader cut off by a partition: tell it our term so it steps down
      // (with PreVote/CheckQuorum our term may be ahead without a new leader).
      this.send({ type: 'append-resp', to: m.from });
    } else if (m.type === 'pre-vote') {
      this.send({ type: 'pre-vote-resp', to: m.from, term: this.term, reject: true });
    }
  }

  /** §5.2, §5.4.1: one vote per term, and only for a candidate whose log is at least as up to date. */
  private handleVoteRequest(m: Message): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === NONE && this.lead === NONE) ||
      (m.type === 'pre-vote' && m.term > this.term);
    const upToDate = !this.rules.voteRequiresUpToDateLog || this.log.isUpToDate(m.index, m.logTerm);
    const respType = m.type === 'vote' ? 'vote-resp' : 'pre-vote-resp';
    if (canVote && upToDate) {
      this.send({ type: respType, to: m.from, term: m.term });
      if (m.type === 'vote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, to: m.from, term: this.term, reject: true });
    }
  }

  // ── ticks ──────────────────────────────────────────────────────────────────

  tick(): void {
    if (this.role === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTicks) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) {
        if (!this.tracker.quorumActive(this.id)) {
          this.becomeFollower(this.term, NONE);
          return;
        }
        for (const [id, pr] of this.tracker.progress) if (id !== this.id) pr.recentActive = false;
      }
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.leadTransferee !== NONE) this.leadTransferee = NONE;
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.broadcastHeartbeat(this.readOnly.lastPendingContext());
    }
  }

  broadcastAppend(): void {
    for (const id of this.tracker.memberIds()) if (id !== this.id) sendAppend(this, id);
  }

  /**
   * Sends what appendsPending announced: each follower gets its new entries (as many
   * appends as flow control allows), or, if it has none, an empty append only when the
   * last append it was sent carried an older commit index. Messages may always be delayed, so deferring them to the next Ready
   * changes no decision; it only stops the leader from sending one append per proposal
   * and one commit notice per acknowledgement (each follower then answers each one).
   */
  flushAppends(): void {
    if (!this.appendsPending) return;
    this.appendsPending = false;
    if (this.role !== 'leader') return;
    const commit = this.log.committed;
    const last = this.log.lastIndex();
    for (const id of this.tracker.memberIds()) {
      if (id === this.id) continue;
      const pr = this.tracker.get(id);
      // One append (empty only if the commit index is news to it), more while flow control allows.
      if (sendAppend(this, id, pr.next <= last || pr.sentCommit < commit)) fillPipeline(this, id);
    }
  }

  broadcastHeartbeat(ctx: Uint8Array | undefined): void {
    for (const id of this.tracker.memberIds()) if (id !== this.id) sendHeartbeat(this, id, ctx);
  }

  // ── membership ─────────────────────────────────────────────────────────────

  /** Validates a conf change against the current config; returns an error code if refused. */
  checkConfChange(cc: ConfChange): StepResult {
    if (this.pendingConfIndex > this.log.applied) return 'RAFT_CONF_CHANGE_PENDING';
    try {
      changeMembership(this.tracker.config, cc);
    } catch {
      return 'RAFT_BAD_CONF_CHANGE';
    }
    return undefined;
  }

  applyConfChange(cc: ConfChange): void {
    const next = changeMembership(this.tracker.config, cc);
    this.switchToConfig(next);
  }

  private switchToConfig(config: MembershipConfig): void {
    this.tracker.setConfig(config, this.log.lastIndex() + 1);
    const self = this.tracker.progress.get(this.id);
    this.isLearner = self?.isLearner ?? false;
    if (this.role !== 'leader') return;
    if (self === undefined || self.isLearner) {
      // Removed or demoted: step down. The remaining voters elect a new leader.
      this.becomeFollower(this.term, NONE);
      return;
    }
    if (this.maybeCommit()) this.broadcastAppend();
    else for (const id of this.tracker.memberIds()) if (id !== this.id) sendAppend(this, id, false);
    if (this.leadTransferee !== NONE && !this.tracker.isVoter(this.leadTransferee)) this.leadTransferee = NONE;
  }

  /** Leader, after applying: leave a joint config automatically once entering it is applied. */
  maybeAutoLeaveJoint(): void {
    if (this.role !== 'leader' || !isJoint(this.tracker.config)) return;
    if (this.log.applied < this.pendingConfIndex) return;
    const leave = encodeConfChange({ changes: [] });
    if (this.appendEntries([{ term: 0, index: 0, type: 'conf-change', data: leave }])) {
      this.pendingConfIndex = this.log.lastIndex();
      this.broadcastAppend();
    }
  }

  isConfChangeEntry(e: Entry): boolean {
    return e.type === 'conf-change';
  }

  decodeConf(e: Entry): ConfChange {
    return decodeConfChange(e.data);
  }
}
