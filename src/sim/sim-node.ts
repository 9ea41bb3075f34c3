import { canSendBeforePersist } from '../raft/early-send.js';
import { decodeConfChange } from '../raft/conf-change.js';
import { MemoryStorage } from '../raft/memory-storage.js';
import { RawNode } from '../raft/raw-node.js';
import { SIM_RULES, type SafetyRules } from '../raft/rules.js';
import type { ConfState, Entry, Message, NodeId, ReadState, Ready, Role, Snapshot } from '../raft/types.js';
import { assertionFailed } from '../util/assert.js';
import { isRaftplaneError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { entryFingerprint } from './entry-text.js';
import { KvStateMachine } from './kv-state-machine.js';
import { NodeLogView } from './node-log-view.js';
import { SimDisk } from './sim-disk.js';

export interface NodeObserver {
  send(node: SimNode, message: Message): void;
  /** Entries about to be appended to the node's log; prevTerm is the term of the entry before the first. */
  appending(node: SimNode, entries: readonly Entry[], prevTerm: number): void;
  roleChanged(node: SimNode, role: Role, leader: NodeId): void;
  /** The node is leader and everything it appended is persisted. */
  leaderPersisted(node: SimNode): void;
  applied(node: SimNode, entry: Entry, write: { key: string; value: string } | undefined): void;
  restored(node: SimNode, snapshot: Snapshot): void;
  confApplied(node: SimNode, index: number, confState: ConfState): void;
  confRejected(node: SimNode, index: number, reason: string): void;
  /** A ReadIndex answer whose index this node has now applied: the read can be served. */
  readReady(node: SimNode, state: ReadState): void;
}

export interface SimNodeOptions {
  readonly id: NodeId;
  readonly rules: SafetyRules;
  /** The planted driver bug: hand messages to the network before their Ready is persisted. */
  readonly sendBeforePersist: boolean;
  readonly electionTicks: number;
  readonly maxMsgBytes: number;
  readonly snapshotEveryEntries: number;
  readonly snapshotKeepEntries: number;
}

interface Running {
  readonly raw: RawNode;
  readonly storage: MemoryStorage;
  readonly sm: KvStateMachine;
  readonly view: NodeLogView;
  confState: ConfState;
  /** A Ready taken from the core whose persistence has not finished (slow disk). */
  held: { readonly rd: Ready; readonly persistAtTick: number; readonly sent: boolean } | undefined;
  /** Messages that arrived while a Ready was held: the node's single loop is busy persisting. */
  readonly inbox: Message[];
  readonly waitingReads: ReadState[];
  role: Role;
  leader: NodeId;
  term: number;
}

/**
 * One simulated peer: the raft core, its storage, the state machine and the
 * Ready loop (persist → send → apply → advance). Its SimDisk is all that
 * survives crash(); restart() rebuilds everything else from it.
 */
export class SimNode {
  readonly id: NodeId;
  readonly disk: SimDisk;
  /** Extra ticks each persisting Ready takes while a slow-disk fault lasts; 0 for a healthy disk. */
  diskLatencyTicks = 0;
  /** Extra ticks every persisting Ready takes during the whole fault phase. */
  baseDiskLatencyTicks = 0;
  /** The node's clock advances once every tickEvery world ticks (1: no skew). */
  tickEvery = 1;
  private run: Running | undefined;

  constructor(
    private readonly options: SimNodeOptions,
    storage: MemoryStorage,
    rng: Rng,
    private readonly observer: NodeObserver,
  ) {
    this.id = options.id;
    this.disk = SimDisk.of(storage);
    this.start(storage, rng);
  }

  get up(): boolean {
    return this.run !== undefined;
  }

  get raw(): RawNode {
    return this.running().raw;
  }

  get role(): Role {
    return this.run?.role ?? 'follower';
  }

  get leader(): NodeId {
    return this.run?.leader ?? '';
  }

  get term(): number {
    return this.run?.term ?? this.disk.hardState.term;
  }

  get appliedIndex(): number {
    return this.run?.sm.index ?? 0;
  }

  /** Chain hash over everything the state machine has applied. */
  get chain(): number {
    return this.running().sm.chain;
  }

  get confState(): ConfState {
    return this.running().confState;
  }

  get logView(): NodeLogView {
    return this.running().view;
  }

  get busy(): boolean {
    return this.run?.held !== undefined;
  }

  read(key: string): string | undefined {
    return this.running().sm.get(key);
  }

  crash(): void {
    this.run = undefined;
  }

  restart(rng: Rng): void {
    if (this.run !== undefined) assertionFailed(`${this.id} is already running`);
    this.start(this.disk.load(), rng);
  }

  tick(): void {
    this.running().raw.tick();
  }

  receive(message: Message): void {
    const run = this.running();
    if (run.held !== undefined) run.inbox.push(message);
    else run.raw.step(message);
  }

  /** Runs the Ready loop until the core has nothing more to do or the disk is busy. */
  drive(nowTick: number): void {
    const run = this.run;
    if (run === undefined) return;
    for (;;) {
      if (run.held !== undefined) {
        if (nowTick < run.held.persistAtTick) return;
        const { rd, sent } = run.held;
        run.held = undefined;
        this.finish(run, rd, sent);
        if (this.run !== run) return;
        for (const m of run.inbox.splice(0)) run.raw.step(m);
        continue;
      }
      if (!run.raw.hasReady()) return;
      const rd = run.raw.ready();
      this.noteState(run, rd);
      const sendNow = this.options.sendBeforePersist || canSendBeforePersist(rd, run.role, run.storage.initialState().hardState);
      if (sendNow) this.sendAll(rd);
      const persists = rd.entries.length > 0 || rd.hardState !== undefined || rd.snapshot !== undefined;
      const latencyTicks = Math.max(this.diskLatencyTicks, this.baseDiskLatencyTicks);
      if (persists && latencyTicks > 0) {
        run.held = { rd, persistAtTick: nowTick + latencyTicks, sent: sendNow };
        // As the peer does: committed entries are applied while the write is on its way
        // (they are durable on a quorum); a Ready carrying a snapshot waits for its write.
        if (rd.snapshot === undefined) this.applyEntries(run, rd);
        return;
      }
      this.finish(run, rd, sendNow);
      if (this.run !== run) return;
    }
  }

  private start(storage: MemoryStorage, rng: Rng): void {
    const snapshot = storage.snapshot();
    const sm = new KvStateMachine();
    sm.restore(snapshot.meta.index, snapshot.data);
    const hardState = storage.initialState().hardState;
    const raw = new RawNode({
      id: this.id,
      storage,
      rng,
      electionTicks: this.options.electionTicks,
      maxMsgBytes: this.options.maxMsgBytes,
      applied: snapshot.meta.index,
      [SIM_RULES]: this.options.rules,
    });
    this.run = {
      raw,
      storage,
      sm,
      view: new NodeLogView(storage),
      confState: snapshot.meta.confState,
      held: undefined,
      inbox: [],
      waitingReads: [],
      role: 'follower',
      leader: '',
      term: hardState.term,
    };
    if (snapshot.meta.index > 0) this.observer.restored(this, snapshot);
  }

  private noteState(run: Running, rd: Ready): void {
    if (rd.hardState !== undefined) run.term = rd.hardState.term;
    if (rd.softState === undefined) return;
    run.role = rd.softState.role;
    run.leader = rd.softState.leader;
    this.observer.roleChanged(this, run.role, run.leader);
  }

  private finish(run: Running, rd: Ready, alreadySent: boolean): void {
    this.persist(run, rd);
    if (!alreadySent) this.sendAll(rd);
    if (run.role === 'leader') this.observer.leaderPersisted(this);
    this.apply(run, rd);
    if (this.run !== run) return;
    run.raw.advance(rd);
    this.maybeSnapshot(run);
  }

  private persist(run: Running, rd: Ready): void {
    const { storage, disk } = { storage: run.storage, disk: this.disk };
    if (rd.snapshot !== undefined) {
      storage.applySnapshot(rd.snapshot);
      disk.installSnapshot(rd.snapshot);
    }
    const first = rd.entries[0];
    if (first !== undefined) {
      if (first.index > storage.firstIndex() - 1) {
        this.observer.appending(this, rd.entries, storage.term(first.index - 1));
      }
      storage.append(rd.entries);
      disk.append(rd.entries);
    }
    if (rd.hardState !== undefined) {
      storage.setHardState(rd.hardState);
      disk.setHardState(rd.hardState);
    }
  }

  private sendAll(rd: Ready): void {
    for (const m of rd.messages) this.observer.send(this, m);
  }

  private apply(run: Running, rd: Ready): void {
    if (rd.snapshot !== undefined) {
      run.sm.restore(rd.snapshot.meta.index, rd.snapshot.data);
      run.confState = rd.snapshot.meta.confState;
      this.observer.restored(this, rd.snapshot);
    }
    if (!this.applyEntries(run, rd)) return;
    for (const state of rd.readStates) run.waitingReads.push(state);
    this.serveReads(run);
  }

  /** Applies the Ready's committed entries not applied yet; false if the node was shut down meanwhile. */
  private applyEntries(run: Running, rd: Ready): boolean {
    for (const entry of rd.committedEntries) {
      if (entry.index <= run.sm.index) continue;
      const write = run.sm.apply(entry.index, entry.term, entryFingerprint(entry), entry.type === 'normal');
      this.observer.applied(this, entry, write);
      if (entry.type === 'conf-change') this.applyConfChange(run, entry);
      if (this.run !== run) return false; // the world shut this node down: it applied its own removal
    }
    return true;
  }

  private applyConfChange(run: Running, entry: Entry): void {
    try {
      run.confState = run.raw.applyConfChange(decodeConfChange(entry.data));
    } catch (error) {
      // A committed change that is invalid where it lands (say, a duplicate) is
      // skipped by every replica alike, as an application must.
      if (!isRaftplaneError(error, 'RAFT_BAD_CONF_CHANGE')) throw error;
      this.observer.confRejected(this, entry.index, error.message);
      return;
    }
    this.observer.confApplied(this, entry.index, run.confState);
  }

  private serveReads(run: Running): void {
    if (run.waitingReads.length === 0) return;
    const still: ReadState[] = [];
    for (const state of run.waitingReads) {
      if (state.index <= run.sm.index) this.observer.readReady(this, state);
      else still.push(state);
    }
    run.waitingReads.length = 0;
    run.waitingReads.push(...still);
  }

  private maybeSnapshot(run: Running): void {
    const applied = run.sm.index;
    if (applied - run.storage.snapshot().meta.index < this.options.snapshotEveryEntries) return;
    const snapshot = run.storage.createSnapshot(applied, run.confState, run.sm.snapshotBytes());
    this.disk.saveSnapshot(snapshot);
    const compactTo = applied - this.options.snapshotKeepEntries;
    if (compactTo < run.storage.firstIndex()) return;
    run.storage.compact(compactTo);
    this.disk.compact(compactTo);
  }

  private running(): Running {
    if (this.run === undefined) assertionFailed(`${this.id} is down`);
    return this.run;
  }
}
