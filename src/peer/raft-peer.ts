import { assert } from '../util/assert.js';
import { isRaftplaneError } from '../util/errors.js';
import { NO_TRACE, type EventTrace } from '../util/event-trace.js';
import type { Mutable } from '../util/mutable.js';
import { SeededRng, randomSeed } from '../util/rng.js';
import { RawNode, type BasicStatus, type RaftStatus } from '../raft/raw-node.js';
import { MemoryStorage } from '../raft/memory-storage.js';
import { decodeConfChange, type ConfChange } from '../raft/conf-change.js';
import type { ConfState, Entry, Message, Ready, Role, Snapshot } from '../raft/types.js';
import { canSendBeforePersist, canSendWhileWriting } from '../raft/early-send.js';
import type { DurableState, DurableUpdate } from '../storage/index.js';
import { PeerError } from './errors.js';
import { MemberDirectory, parseMemberInfo, type MemberInfo } from './member-directory.js';
import { PEER_DEFAULTS, type PeerOptions } from './peer-options.js';
import { PendingRequests } from './pending-requests.js';
import { ReadBarriers } from './read-barriers.js';
import { decodeProposal, encodeProposal } from './proposal-codec.js';
import { SnapshotSteps, unwrapImage, wrapImage, type AppliedView } from './snapshot-steps.js';
import { onMicrotask } from '../util/microtask.js';

type LocalCommand =
  | { kind: 'propose'; seq: number; data: Uint8Array; deadlineMs: number }
  | { kind: 'conf'; key: string; change: ConfChange; deadlineMs: number }
  | { kind: 'read'; ctx: string; deadlineMs: number };

/**
 * One Raft peer: the consensus core driven by a single loop that owns it.
 *
 *   wake ─▶ (rest of the event loop's I/O) ─▶ ticks ─▶ inbound messages ─▶ local commands
 *     ─▶ while hasReady: start the synced write ─▶ apply committed ─▶ write done
 *        ─▶ send ─▶ advance ─▶ snapshot step?   (a leader sends before its write)
 *
 * Nothing else touches the core: network events, proposals and reads only queue
 * work and wake the loop (STYLE habit 6). Proposals that arrive while a batch is
 * being fsynced all go into the next batch, so they share one fsync.
 */
export class RaftPeer {
  readonly members: MemberDirectory;
  private readonly opts: PeerOptions;
  private readonly cfg: typeof PEER_DEFAULTS;
  private node!: RawNode;
  private storage!: MemoryStorage;
  private confState!: ConfState;
  private applied = 0;
  private readonly snapshots: SnapshotSteps;
  private readonly origin: string;
  private seq = 0;
  private inbox: LocalCommand[] = [];
  private retry: LocalCommand[] = [];
  private readonly proposals: PendingRequests<number, unknown>;
  private readonly confWaiters: PendingRequests<string, ConfState>;
  private readonly reads: ReadBarriers;
  private ticksDue = 0;
  private workPending = false;
  private turnScheduled = false;
  /** A turn is running, or its synced write is in flight: the next turn waits for it. */
  private turnActive = false;
  /** True while a turn waits for its Ready's synced write. */
  private persistInFlight = false;
  private durableApplyScheduled = false;
  /** Messages the durable-apply pass received and left for the next turn, in arrival order. */
  private deferred: Message[] = [];
  /** Resolves loopDone; undefined once the loop has ended (or before it starts). */
  private endLoop: (() => void) | undefined;
  private state: 'new' | 'running' | 'stopping' | 'stopped' | 'failed' = 'new';
  private loopDone: Promise<void> = Promise.resolve();
  private tickTimer: { id: number } | undefined;
  private readonly tickHooks: Array<(status: BasicStatus) => void> = [];
  private readonly applyHooks: Array<(index: number) => void> = [];
  private fatalError: Error | undefined;
  /**
   * Set when this peer started on an empty data dir. Until it has caught up with a
   * leader it cannot know what it voted for or acknowledged before (if its disk was
   * replaced), so it grants no votes to candidates whose log goes past genesis.
   */
  private catchingUp = false;
  private leaderCommitSeen = 0;
  /** Proposals handed to the core under the current leader; ambiguous if the leader changes. */
  private inFlight = new Set<number>();
  private knownLeader = '';
  private role: Role = 'follower';
  private readonly trace: EventTrace;

  constructor(options: PeerOptions, initialMembers: readonly MemberInfo[]) {
    this.opts = options;
    this.cfg = { ...PEER_DEFAULTS, ...definedOnly(options) } as typeof PEER_DEFAULTS;
    this.origin = `${options.id}/${(options.seed ?? randomSeed()).toString(36)}${Date.now().toString(36)}`;
    this.trace = options.trace ?? NO_TRACE;
    this.members = new MemberDirectory(initialMembers);
    this.snapshots = new SnapshotSteps({
      stateMachine: options.stateMachine,
      durableLog: options.durableLog,
      logger: options.logger,
      nowMs: () => this.nowMs(),
      // Each threshold plus up to a fifth more, spread evenly over the members: peers
      // applying the same entries would otherwise all pause for a snapshot at the same
      // index, and a write needs the leader and a follower at once.
      thresholdEntries: staggered(this.cfg.snapshotEveryEntries, options.id, initialMembers),
      thresholdBytes: staggered(this.cfg.snapshotEveryBytes, options.id, initialMembers),
      compactionMarginEntries: this.cfg.compactionMarginEntries,
      wake: () => this.signal(),
      fail: (error) => {
        if (this.state === 'running') this.fail(error);
      },
    });
    this.proposals = new PendingRequests(this.cfg.maxPendingProposals, 'etcdserver: request timed out');
    this.confWaiters = new PendingRequests(16, 'etcdserver: request timed out');
    this.reads = new ReadBarriers({
      origin: this.origin,
      pendingMax: this.cfg.maxPendingReads,
      reaskAfterMs: options.tickMs * options.electionTicks,
      ask: (ctx) => this.tryReadIndex(ctx),
    });
  }

  /** Recovers from disk (or bootstraps), then starts the transport, the ticker and the loop. */
  async start(): Promise<void> {
    assert(this.state === 'new', 'start() once');
    const durable = await this.opts.durableLog.open();
    await this.recover(durable);
    this.opts.transport.onReadable(() => {
      this.trace.mark('readable');
      this.signal();
      if (this.persistInFlight && this.role === 'leader' && !this.durableApplyScheduled) {
        this.durableApplyScheduled = true;
        setImmediate(this.applyDurable);
      }
    });
    this.opts.transport.onUnreachable((peer) => {
      if (this.state === 'running') this.node.reportUnreachable(peer);
    });
    await this.opts.transport.start();
    this.state = 'running';
    this.scheduleTick();
    this.loopDone = new Promise<void>((resolve) => (this.endLoop = resolve));
    if (this.workPending) this.scheduleTurn();
  }

  private async recover(durable: DurableState): Promise<void> {
    const fresh = durable.snapshot === null && durable.entries.length === 0 && durable.hardState.term === 0;
    this.catchingUp = fresh;
    if (fresh && this.opts.join !== true) {
      const voters = [...this.opts.initialVoters].sort();
      const genesis = wrapImage(this.members.list(), new Uint8Array(0));
      this.storage = MemoryStorage.bootstrap({ voters, learners: [], votersOutgoing: [], learnersNext: [] }, genesis);
      await this.opts.durableLog.save({ snapshot: this.storage.snapshot(), hardState: this.storage.initialState().hardState });
    } else {
      this.storage = new MemoryStorage();
      if (durable.snapshot !== null) this.storage.applySnapshot(durable.snapshot);
      this.storage.append(durable.entries);
      const floor = durable.snapshot?.meta.index ?? 0;
      this.storage.setHardState({ ...durable.hardState, commit: Math.max(durable.hardState.commit, floor) });
    }
    const snap = this.storage.snapshot();
    this.restoreImage(snap.data);
    this.confState = snap.meta.confState;
    this.applied = snap.meta.index;
    this.snapshots.holds(snap);
    this.node = new RawNode({
      id: this.opts.id,
      storage: this.storage,
      rng: new SeededRng(this.opts.seed ?? randomSeed()),
      electionTicks: this.opts.electionTicks,
      heartbeatTicks: 1,
      applied: this.applied,
    });
    this.syncTransportPeers();
  }

  // ── public API ─────────────────────────────────────────────────────────────

  /** Proposes a state machine command; resolves with its result once applied on this peer. */
  propose(command: unknown): Promise<unknown> {
    this.assertRunning();
    const seq = ++this.seq;
    const deadlineMs = this.nowMs() + this.cfg.requestTimeoutMs;
    const waiting = this.proposals.add(seq, deadlineMs);
    if (this.proposals.has(seq)) this.enqueue({ kind: 'propose', seq, data: encodeProposal({ origin: this.origin, seq, command }), deadlineMs });
    return waiting;
  }

  /**
   * A linearizable read barrier (ReadIndex): resolves once this peer has applied
   * everything committed before the call. Concurrent callers share one request.
   */
  readBarrier(): Promise<void> {
    this.assertRunning();
    const deadlineMs = this.nowMs() + this.cfg.requestTimeoutMs;
    const { promise, created } = this.reads.add(deadlineMs);
    if (created !== undefined) this.enqueue({ kind: 'read', ctx: created, deadlineMs });
    return promise;
  }

  /** Proposes a membership change and resolves with the new configuration once applied here. */
  changeMembership(change: ConfChange): Promise<ConfState> {
    this.assertRunning();
    const key = JSON.stringify(change.changes);
    const deadlineMs = this.nowMs() + this.cfg.requestTimeoutMs;
    const waiting = this.confWaiters.add(key, deadlineMs);
    this.enqueue({ kind: 'conf', key, change, deadlineMs });
    return waiting;
  }

  transferLeadership(to: string): void {
    this.assertRunning();
    this.node.transferLeadership(to);
    this.signal();
  }

  status(): RaftStatus & { appliedIndex: number; snapshotIndex: number } {
    return { ...this.node.status(), appliedIndex: this.applied, snapshotIndex: this.snapshots.index };
  }

  /** The current Raft term (cheap: every response header carries it). */
  get term(): number {
    return this.node.term;
  }

  get appliedIndex(): number {
    return this.applied;
  }

  get id(): string {
    return this.opts.id;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /**
   * True once this peer has applied a configuration that leaves it out (neither voter nor
   * learner): it was removed, and no leader will send it anything again. A peer joining on
   * an empty data dir knows no configuration until its first snapshot and is not removed.
   */
  get removed(): boolean {
    const { voters, learners, votersOutgoing } = this.confState;
    if (voters.length === 0 && learners.length === 0) return false;
    const id = this.opts.id;
    return !voters.includes(id) && !learners.includes(id) && !votersOutgoing.includes(id);
  }

  /** Runs inside the loop on every tick (e.g. the leader expiring leases). */
  onTick(hook: (status: BasicStatus) => void): void {
    this.tickHooks.push(hook);
  }

  /** Runs inside the loop after entries are applied. */
  onApplied(hook: (index: number) => void): void {
    this.applyHooks.push(hook);
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'failed') return;
    this.state = 'stopping';
    if (this.tickTimer !== undefined) this.opts.clock.clearTimeout(this.tickTimer);
    this.signal();
    await this.loopDone;
    this.rejectAll(new PeerError('PEER_STOPPED', 'etcdserver: server stopped'));
    await this.opts.transport.stop();
    await this.opts.durableLog.close();
    this.state = 'stopped';
  }

  // ── the loop ───────────────────────────────────────────────────────────────

  /**
   * The loop, one turn at a time: a signal asks for a turn, which runs on a later turn of
   * the event loop (setImmediate), so the rest of this event-loop turn's I/O (other acks,
   * client requests) arrives first and one loop turn, one synced write and one frame per
   * peer serve them all. While a turn's write is in flight no other turn starts; a signal
   * meanwhile is remembered and served once it lands. Written with callbacks, not an
   * async loop: a peer turns the loop two to three times per put, and each await of the
   * async form allocated promises and closures the scavenger then had to sweep.
   */
  private scheduleTurn(): void {
    if (this.turnScheduled || this.turnActive || this.endLoop === undefined) return;
    this.turnScheduled = true;
    setImmediate(this.turn);
  }

  private readonly turn = (): void => {
    this.turnScheduled = false;
    if (this.state !== 'running') return this.finishLoop();
    this.trace.mark('turn');
    this.workPending = false;
    this.turnActive = true;
    let writing: Promise<void> | undefined;
    try {
      writing = this.runOnce();
    } catch (error) {
      this.turnActive = false;
      this.fail(error as Error);
      return this.finishLoop();
    }
    if (writing === undefined) return this.afterTurn();
    writing.then(this.afterTurn, this.writeFailed);
  };

  private readonly writeFailed = (error: unknown): void => {
    this.turnActive = false;
    this.fail(error as Error);
    this.finishLoop();
  };

  private readonly afterTurn = (): void => {
    this.turnActive = false;
    if (this.state !== 'running') return this.finishLoop();
    if (this.workPending) this.scheduleTurn();
  };

  private finishLoop(): void {
    const end = this.endLoop;
    this.endLoop = undefined;
    end?.();
  }

  /**
   * One turn. It returns a promise only when it has to wait for the disk (a synced write,
   * a snapshot commit); a turn with nothing to write runs to its end at once and allocates
   * no promise, which is most turns of a follower (commit notices, heartbeats).
   */
  private runOnce(): Promise<void> | undefined {
    const ticks = this.ticksDue;
    this.ticksDue = 0;
    for (let i = 0; i < ticks; i++) this.tickOnce();
    if (this.deferred.length > 0) {
      const deferred = this.deferred;
      this.deferred = [];
      for (const m of deferred) this.stepReceived(m);
    }
    for (const m of this.opts.transport.receive()) this.stepReceived(m);
    const commands = this.inbox;
    this.inbox = [];
    for (const command of commands) this.execute(command);
    return this.drainReadys();
  }

  private stepReceived(m: Message): void {
    if (this.catchingUp && !this.admitWhileCatchingUp(m)) return;
    this.node.step(m);
    if (m.type === 'heartbeat') this.checkLostLog();
  }

  /**
   * A leader's commit past this log's end means entries this peer had acknowledged are
   * gone. A peer started on an empty data dir expects that and catches up (the leader
   * probes down to where its log ends). Any other has a truncated or damaged data dir:
   * serving or voting from it could undo committed writes, so it stops, as etcd does.
   */
  private checkLostLog(): void {
    const lost = this.node.takeLostLog();
    if (lost === undefined) return;
    if (this.catchingUp) {
      this.opts.logger.info(lost, 'empty data dir: catching up from the leader');
      return;
    }
    throw new PeerError(
      'PEER_DISK_FAILED',
      `the leader ${lost.leader} has committed index ${lost.commit}, which this peer acknowledged, but its Raft log ends at ${lost.lastIndex}: ` +
        'its data dir lost durable entries (truncated or damaged). Stopping rather than serve or vote from it; ' +
        'start it again with an empty data dir and --initial-cluster-state existing, or replace it (raftplane member replace)',
      lost,
    );
  }

  /**
   * While the leader's own write is in flight, acknowledgements would wait for the turn
   * after it. This pass steps them at once. A commit index counts the leader's copy only
   * once written (thesis §10.2.1), so what they commit sits on a quorum of disks without
   * the leader's unwritten entries (in a cluster of three, both followers): the pass sends
   * the new commit index to the followers and applies (and answers) those entries now. A
   * slow fsync on the leader is then off the path of a write its followers already hold.
   * Only current-term, successful append acknowledgements are stepped here: they change
   * progress and the commit index but never the term, the role or the log. Everything else
   * waits for the next turn, in arrival order; an acknowledgement may so overtake a
   * heartbeat answer or a rejection, which Raft allows (the network may reorder them) and
   * which a heartbeat every tick would otherwise make common. The entries applied here come
   * again in a later Ready, and applyEntry skips them.
   */
  private readonly applyDurable = (): void => {
    this.durableApplyScheduled = false;
    if (!this.persistInFlight || this.state !== 'running' || this.role !== 'leader') return;
    try {
      const term = this.node.term;
      for (const m of this.opts.transport.receive()) {
        if (m.type === 'append-resp' && !m.reject && m.term === term) this.node.step(m);
        else this.deferred.push(m);
      }
      if (canSendWhileWriting(this.role, term, this.storage.initialState().hardState)) {
        const messages = this.node.takeLeaderMessages();
        if (messages.length > 0) this.opts.transport.send(messages);
      }
      const entries = this.node.committedEntriesAfter(this.applied);
      if (entries.length === 0) return;
      if (this.trace.enabled) this.trace.mark('durable-apply', `${entries.length}`);
      for (const entry of entries) this.applyEntry(entry);
      this.reads.release(this.applied);
      for (const hook of this.applyHooks) hook(this.applied);
    } catch (error) {
      this.fail(error as Error);
    }
  };

  private drainReadys(): Promise<void> | undefined {
    while (this.node.hasReady() && this.state === 'running') {
      const writing = this.handleReady(this.node.ready());
      if (writing !== undefined) return writing.then(() => this.drainReadys());
    }
    if (this.state !== 'running') return undefined;
    const stepping = this.snapshots.step(this.storage, this.applied, this.appliedView);
    // Queued after the microtasks that send this turn's messages (transport kicks), so a
    // slice of snapshot encoding never holds up a commit notice or an acknowledgement.
    if (stepping === undefined) onMicrotask(this.encodeAhead);
    return stepping;
  }

  private readonly encodeAhead = (): void => {
    if (this.state !== 'running') return;
    try {
      this.snapshots.encodeAhead();
    } catch (error) {
      this.fail(error as Error);
    }
  };

  private readonly appliedView = (): AppliedView => ({ applied: this.applied, confState: this.confState, members: this.members.list() });

  private admitWhileCatchingUp(m: Message): boolean {
    if (m.type === 'append') this.leaderCommitSeen = Math.max(this.leaderCommitSeen, m.commit);
    if (m.type === 'snapshot' && m.snapshot !== undefined) this.leaderCommitSeen = Math.max(this.leaderCommitSeen, m.snapshot.meta.index);
    return !((m.type === 'vote' || m.type === 'pre-vote') && m.index > 1);
  }

  private tickOnce(): void {
    this.node.tick();
    const now = this.nowMs();
    this.proposals.expire(now);
    this.confWaiters.expire(now);
    this.reads.tick(now);
    if (this.inFlight.size > this.proposals.size) for (const seq of this.inFlight) if (!this.proposals.has(seq)) this.inFlight.delete(seq);
    const retry = this.retry;
    this.retry = [];
    for (const command of retry) this.execute(command);
    const status = this.node.basicStatus();
    for (const hook of this.tickHooks) hook(status);
  }

  private execute(command: LocalCommand): void {
    if (command.deadlineMs <= this.nowMs()) return; // its waiter has expired
    try {
      switch (command.kind) {
        case 'propose':
          if (!this.proposals.has(command.seq)) return;
          if (this.leaderUnreachable()) {
            this.retry.push(command); // held, not lost: see leaderUnreachable
            return;
          }
          this.node.propose(command.data);
          this.inFlight.add(command.seq);
          return;
        case 'conf':
          if (this.confWaiters.has(command.key)) this.node.proposeConfChange(command.change);
          return;
        case 'read':
          this.reads.issue(command.ctx, this.nowMs());
          return;
      }
    } catch (error) {
      this.commandRefused(command, error);
    }
  }

  /**
   * A follower whose link to the leader is down (the leader's process died: the socket
   * closed at once) holds new proposals and retries them every tick, instead of
   * forwarding them into a send queue nobody will read. Raft would drop them with the
   * leader, and each would fail with "leader changed" after the election; held, they go
   * to the new leader. Only proposals already handed over stay ambiguous, as in etcd.
   * Read barriers wait the same way (see tryReadIndex).
   */
  private leaderUnreachable(): boolean {
    const leader = this.knownLeader;
    return this.role !== 'leader' && leader !== '' && leader !== this.opts.id && !this.opts.transport.linkOpen(leader);
  }

  /** True when the request went to the core; false to ask again on the next tick. */
  private tryReadIndex(ctx: string): boolean {
    if (this.leaderUnreachable()) return false; // it would go to a leader that is gone
    try {
      this.node.readIndex(Buffer.from(ctx));
      return true;
    } catch (error) {
      if (!isRaftplaneError(error, 'RAFT_PROPOSAL_DROPPED')) throw error;
      return false; // no leader yet
    }
  }

  private commandRefused(command: LocalCommand, error: unknown): void {
    if (isRaftplaneError(error, 'RAFT_PROPOSAL_DROPPED') || isRaftplaneError(error, 'RAFT_UNCOMMITTED_LIMIT') || isRaftplaneError(error, 'RAFT_CONF_CHANGE_PENDING')) {
      this.retry.push(command); // try again next tick, until the deadline
      return;
    }
    const reason = error instanceof Error ? error : new Error(String(error));
    if (command.kind === 'propose') this.proposals.reject(command.seq, reason);
    else if (command.kind === 'conf') this.confWaiters.reject(command.key, reason);
    else this.reads.reject(command.ctx, reason);
  }

  /** Returns a promise when the Ready has a synced write to wait for; otherwise it is done on return. */
  private handleReady(rd: Ready): Promise<void> | undefined {
    if (this.trace.enabled) this.trace.mark('ready', describeReady(rd));
    if (rd.softState !== undefined) {
      if (this.trace.enabled) this.trace.mark('role', `${rd.softState.role}:${rd.softState.leader}`);
      this.role = rd.softState.role;
      if (rd.softState.leader !== this.knownLeader) this.leaderChanged(rd.softState.leader);
    }
    // A leader replicates while its own fsync runs (thesis §10.2.1, see early-send.ts). The
    // sends go first: both leave on microtasks, and the followers' side of a commit (network,
    // their writes, their acknowledgements) is the longer one.
    const sentEarly = canSendBeforePersist(rd, this.role, this.storage.initialState().hardState);
    if (sentEarly) this.opts.transport.send(rd.messages);
    const persisting = this.persist(rd);
    if (persisting !== undefined) this.persistInFlight = true;
    // Committed entries are applied while the synced write is on its way, as etcd's
    // apply goroutine does: they are durable on a quorum, so answering their clients
    // need not wait for this peer's own fsync. A snapshot still waits for its write.
    const applyDuringPersist = rd.snapshot === undefined;
    if (applyDuringPersist) {
      try {
        for (const entry of rd.committedEntries) this.applyEntry(entry);
      } catch (error) {
        if (persisting === undefined) throw error;
        const rethrow = (): never => {
          throw error;
        };
        return persisting.then(rethrow, rethrow); // the write settles first, then the apply error stops the peer
      }
    }
    if (persisting === undefined) {
      this.finishReady(rd, sentEarly, applyDuringPersist);
      return undefined;
    }
    return persisting.then(() => this.finishReady(rd, sentEarly, applyDuringPersist));
  }

  /** The rest of the Ready contract, once its write (if any) is durable. */
  private finishReady(rd: Ready, sentEarly: boolean, appliedAlready: boolean): void {
    this.persistInFlight = false;
    if (rd.snapshot !== undefined) this.storage.applySnapshot(rd.snapshot);
    this.storage.append(rd.entries);
    if (rd.hardState !== undefined) this.storage.setHardState(rd.hardState);
    if (!sentEarly) this.opts.transport.send(rd.messages);
    if (rd.snapshot !== undefined) this.installSnapshot(rd.snapshot);
    if (!appliedAlready) for (const entry of rd.committedEntries) this.applyEntry(entry);
    for (const rs of rd.readStates) this.reads.answered(Buffer.from(rs.requestCtx).toString(), rs.index);
    this.node.advance(rd);
    this.reads.release(this.applied);
    if (this.catchingUp && this.leaderCommitSeen > 0 && this.applied >= this.leaderCommitSeen) {
      this.catchingUp = false;
      this.opts.logger.info({ applied: this.applied }, 'caught up with the leader; voting enabled');
    }
    if (rd.committedEntries.length > 0) for (const hook of this.applyHooks) hook(this.applied);
  }

  /**
   * Step 1 of the Ready contract: one synced batch. A change of the commit index alone
   * is not written: Raft does not need it durable (a restarted peer learns it again from
   * the leader), and syncing it would cost an fsync per heartbeat round. It reaches the
   * disk with the next batch that must be written, as etcd's WAL does (raft.MustSync).
   */
  private persist(rd: Ready): Promise<void> | undefined {
    if (rd.entries.length === 0 && rd.snapshot === undefined && !rd.mustSync) return undefined;
    const update: Mutable<DurableUpdate> = { hardState: rd.hardState ?? this.storage.initialState().hardState };
    if (rd.snapshot !== undefined) update.snapshot = rd.snapshot;
    if (rd.entries.length > 0) update.entries = rd.entries;
    return this.save(update);
  }

  private save(update: DurableUpdate): Promise<void> {
    const startedMs = this.nowMs();
    this.trace.mark('write');
    return this.opts.durableLog.save(update).then(() => {
      this.trace.mark('written');
      this.opts.observeFsyncMs?.(this.nowMs() - startedMs);
    }, this.diskFailed);
  }

  private readonly diskFailed = (error: unknown): never => {
    throw new PeerError('PEER_DISK_FAILED', `disk write failed, stopping: ${(error as Error).message}`, { cause: (error as Error).message });
  };

  private applyEntry(entry: Entry): void {
    if (entry.index <= this.applied) return;
    this.snapshots.applied(entry.data.byteLength);
    if (entry.type === 'conf-change') {
      const change = decodeConfChange(entry.data);
      const key = JSON.stringify(change.changes);
      try {
        this.confState = this.node.applyConfChange(change);
      } catch (error) {
        // Committed but invalid against the configuration it lands on (e.g. two
        // racing changes): every peer skips it alike, as the core refuses it alike.
        if (!isRaftplaneError(error, 'RAFT_BAD_CONF_CHANGE')) throw error;
        this.applied = entry.index;
        this.confWaiters.reject(key, new PeerError('PEER_BAD_MEMBERSHIP', `etcdserver: ${error.message}`));
        return;
      }
      for (const single of change.changes) {
        if (single.type === 'remove-node') {
          this.members.delete(single.nodeId);
          this.removeTransportPeer(single.nodeId);
        }
        const info = parseMemberInfo(single.context);
        if (info !== undefined) this.members.set(info);
      }
      this.syncTransportPeers();
      this.confWaiters.resolve(key, this.confState);
    } else if (entry.data.byteLength > 0) {
      const proposal = decodeProposal(entry.data);
      const result = this.opts.stateMachine.apply(proposal.command, entry.index);
      if (proposal.origin === this.origin) {
        this.proposals.resolve(proposal.seq, result);
        this.inFlight.delete(proposal.seq);
      }
    }
    this.applied = entry.index;
  }

  /**
   * Proposals forwarded to the old leader may be lost or may still commit: fail them
   * fast with an ambiguous error instead of letting clients wait for the deadline.
   */
  private leaderChanged(leader: string): void {
    const previous = this.knownLeader;
    this.knownLeader = leader;
    // etcd logs the same ("raft.node: elected leader", "lost leader"): failovers read from the logs.
    this.opts.logger.info({ leader: leader === '' ? null : leader, previous: previous === '' ? null : previous, term: this.node.status().term }, leader === '' ? 'lost the leader' : 'leader elected');
    if (previous === '') return;
    const error = new PeerError('PEER_LEADER_CHANGED', 'etcdserver: leader changed');
    for (const seq of this.inFlight) this.proposals.reject(seq, error);
    this.inFlight.clear();
  }

  // ── snapshots ──────────────────────────────────────────────────────────────

  private installSnapshot(snapshot: Snapshot): void {
    this.restoreImage(snapshot.data);
    this.confState = snapshot.meta.confState;
    this.applied = snapshot.meta.index;
    this.snapshots.holds(snapshot);
    this.syncTransportPeers();
  }

  private restoreImage(data: Uint8Array): void {
    if (data.byteLength === 0) {
      this.opts.stateMachine.restore(new Uint8Array(0));
      return;
    }
    const decoded = unwrapImage(data);
    assert(Array.isArray(decoded.members) && decoded.image instanceof Uint8Array, 'malformed peer snapshot');
    if (decoded.members.length > 0) this.members.replaceAll(decoded.members);
    this.opts.stateMachine.restore(decoded.image);
  }

  // ── plumbing ───────────────────────────────────────────────────────────────

  private syncTransportPeers(): void {
    const transport = this.opts.transport as { setPeerAddress?: (id: string, a: { host: string; port: number }) => void };
    if (transport.setPeerAddress === undefined) return;
    for (const m of this.members.list()) {
      if (m.id === this.opts.id) continue;
      const url = new URL(m.peerUrl);
      transport.setPeerAddress(m.id, { host: url.hostname, port: Number(url.port) });
    }
  }

  private removeTransportPeer(id: string): void {
    if (id === this.opts.id) return;
    const transport = this.opts.transport as { removePeer?: (id: string) => void };
    transport.removePeer?.(id);
  }

  private enqueue(command: LocalCommand): void {
    this.inbox.push(command);
    this.signal();
  }

  private signal(): void {
    this.workPending = true;
    this.scheduleTurn();
  }

  private scheduleTick(): void {
    this.tickTimer = this.opts.clock.setTimeout(() => {
      if (this.state !== 'running') return;
      this.ticksDue++;
      this.signal();
      this.scheduleTick();
    }, this.opts.tickMs);
  }

  private fail(error: Error): void {
    this.fatalError = error;
    this.state = 'failed';
    if (this.tickTimer !== undefined) this.opts.clock.clearTimeout(this.tickTimer);
    this.opts.logger.error({ err: error }, 'peer stopped on a fatal error');
    this.rejectAll(new PeerError('PEER_DISK_FAILED', error.message));
    this.opts.onFatal?.(error);
  }

  private rejectAll(error: Error): void {
    this.proposals.rejectAll(error);
    this.confWaiters.rejectAll(error);
    this.reads.rejectAll(error);
  }

  private assertRunning(): void {
    if (this.state !== 'running') {
      throw new PeerError('PEER_STOPPED', this.fatalError !== undefined ? `peer failed: ${this.fatalError.message}` : 'etcdserver: server stopped');
    }
  }

  private nowMs(): number {
    return this.opts.clock.nowMs();
  }
}

/** `entries/committed/messages`, each message as type>to, with #n for n entries. */
function describeReady(rd: Ready): string {
  const messages = rd.messages.map((m) => `${m.type}>${m.to}${m.entries.length > 0 ? `#${m.entries.length}` : ''}`).join(',');
  return `${rd.entries.length}/${rd.committedEntries.length}/${messages}`;
}

/**
 * A threshold plus up to a fifth more: the k-th of n members (by id) adds k/n of that
 * fifth, so three peers snapshot a fifteenth of the threshold apart; a peer not among the
 * members it started with (one added later) places itself by a hash of its id.
 */
function staggered(threshold: number, id: string, members: readonly MemberInfo[]): number {
  const ids = [...new Set(members.map((m) => m.id))].sort();
  const position = ids.indexOf(id);
  const fraction = position >= 0 ? position / ids.length : stableHash(id) / 2 ** 32;
  return threshold + Math.floor(fraction * Math.floor(threshold / 5));
}

/**
 * FNV-1a with murmur3's finalizer. FNV-1a alone spreads ids that differ in their last
 * character (p1, p2, p3) by multiples of its prime, so their remainders modulo some
 * thresholds came out within a few hundred of each other.
 */
function stableHash(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

function definedOnly(options: PeerOptions): Partial<typeof PEER_DEFAULTS> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(PEER_DEFAULTS) as Array<keyof typeof PEER_DEFAULTS>) {
    const value = options[key];
    if (typeof value === 'number') out[key] = value;
  }
  return out as Partial<typeof PEER_DEFAULTS>;
}
