import { MemoryStorage } from '../raft/memory-storage.js';
import type { ConfState, Entry, Message, NodeId, ReadState, Role, Snapshot } from '../raft/types.js';
import { EMPTY_CONF_STATE } from '../raft/types.js';
import { SeededRng, type Rng } from '../util/rng.js';
import { CheckerSuite } from './checker-suite.js';
import { FaultInjector, type FaultTarget } from './fault-injector.js';
import { planFaults, type FaultSchedule } from './fault-schedule.js';
import { MembershipDriver, type MembershipWorld } from './membership-driver.js';
import { pickMembershipScript } from './membership-script.js';
import { RunDigest } from './run-digest.js';
import { SimClients, type ClientObserver } from './sim-clients.js';
import { SimClock } from './sim-clock.js';
import { SimNetwork, type DropReason, type NetworkListener } from './sim-network.js';
import { SimNode, type NodeObserver } from './sim-node.js';
import { rulesOf, type WorldConfig } from './sim-options.js';
import { TraceRing } from './trace.js';
import { ViolationList } from './violation.js';

export type WorldEventKind = 'role' | 'fault' | 'membership' | 'commit' | 'heal' | 'liveness';

/** Live events for the real-time demo; the seeded run never depends on a listener. */
export type WorldListener = (tick: number, kind: WorldEventKind, line: string) => void;

/**
 * One simulated cluster driven by one seed: the peers, the wire, the clients,
 * the fault schedule and every checker. step() advances one tick:
 * faults → membership → clocks → clients → deliveries → Ready loops → checks.
 */
export class SimWorld implements NodeObserver, ClientObserver, NetworkListener, FaultTarget, MembershipWorld {
  readonly clock = new SimClock();
  readonly violations = new ViolationList();
  readonly trace: TraceRing;
  readonly digest = new RunDigest();
  readonly network: SimNetwork;
  readonly checkers: CheckerSuite;
  readonly schedule: FaultSchedule;
  /** Every node ever created, in creation order: iteration order is part of determinism. */
  private readonly nodes = new Map<NodeId, SimNode>();
  private readonly retired = new Set<NodeId>();
  private readonly joining = new Set<NodeId>();
  private readonly rng: Rng;
  private readonly clients: SimClients;
  private readonly injector: FaultInjector;
  private membership: MembershipDriver | undefined;
  private conf: { index: number; confState: ConfState } = { index: 0, confState: EMPTY_CONF_STATE };
  private nextNodeNumber: number;
  private settledAtTick: number | undefined;
  private listener: WorldListener | undefined;

  constructor(readonly config: WorldConfig) {
    this.rng = new SeededRng(config.seed);
    this.trace = new TraceRing(config.traceEvents);
    this.checkers = new CheckerSuite(this.clock, this.violations, config.livenessBoundTicks);
    this.network = new SimNetwork(this.rng.fork(), this.clock, this);
    this.schedule = planFaults(this.rng.fork(), config.profile, config.peers);
    this.clients = new SimClients(this.rng.fork(), config.clients, this);
    this.injector = new FaultInjector(this.rng.fork(), this.schedule, config.profile, this);
    const voters = Array.from({ length: config.peers }, (_, i) => `p${i + 1}`);
    this.conf = { index: 1, confState: { ...EMPTY_CONF_STATE, voters } };
    this.nextNodeNumber = config.peers + 1;
    this.digest.record(`run seed=${config.seed} peers=${config.peers} plant=${config.plant?.name ?? '-'}`);
    for (const id of voters) this.createNode(id, MemoryStorage.bootstrap(this.conf.confState));
  }

  setListener(listener: WorldListener | undefined): void {
    this.listener = listener;
  }

  /** True once a violation was found or the run has shown liveness and settled. */
  get finished(): boolean {
    if (this.violations.first !== undefined) return true;
    return this.settledAtTick !== undefined && this.clock.tick >= this.settledAtTick;
  }

  get livenessTicks(): number | undefined {
    return this.checkers.liveness.ticksToCommit;
  }

  step(): void {
    const tick = this.clock.advance();
    this.injector.onTick(tick);
    if (this.injector.isHealed && !this.checkers.liveness.windowOpen) {
      this.checkers.liveness.startWindow();
      this.emit('heal', 'all faults healed; waiting for a leader and a commit');
    }
    this.stepMembership(tick);
    for (const node of this.nodes.values()) {
      if (node.up && tick % node.tickEvery === 0) node.tick();
    }
    this.clients.step(tick, this.members());
    this.network.deliverDue();
    for (const node of this.nodes.values()) node.drive(tick);
    this.checkers.liveness.onTick();
    if (tick % this.config.logScanEveryTicks === 0) this.scanLogs();
    if (this.settledAtTick === undefined && this.checkers.liveness.satisfied) {
      this.settledAtTick = tick + this.config.settleTicks;
      this.emit('liveness', `leader elected and a write committed ${this.livenessTicks ?? '?'} ticks after healing`);
    }
  }

  /** Final checks once the loop stops; records each node's end state in the digest. */
  finish(): void {
    if (this.violations.first === undefined) this.scanLogs();
    for (const node of this.nodes.values()) {
      this.digest.record(`end ${node.id} up=${node.up} term=${node.term} applied=${node.appliedIndex}`);
    }
  }

  // --- FaultTarget and MembershipWorld --------------------------------------

  members(): SimNode[] {
    return this.allMembers().filter((n) => n.up);
  }

  allMembers(): SimNode[] {
    const out: SimNode[] = [];
    for (const node of this.nodes.values()) {
      if (!this.retired.has(node.id) && !this.joining.has(node.id)) out.push(node);
    }
    return out;
  }

  leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const node of this.nodes.values()) {
      if (!node.up || node.role !== 'leader' || this.retired.has(node.id)) continue;
      if (best === undefined || node.term > best.term) best = node;
    }
    return best;
  }

  crash(node: SimNode): void {
    node.crash();
    this.clients.onNodeDown(node.id);
    this.event('fault', `crash ${node.id}`);
  }

  restart(node: SimNode): void {
    if (this.retired.has(node.id)) return;
    node.restart(this.rng.fork());
    this.setBaseDiskLatency(node);
    this.event('fault', `restart ${node.id} (term ${node.term}, applied ${node.appliedIndex})`);
  }

  note(line: string): void {
    this.event('fault', line);
  }

  latestConf(): ConfState {
    return this.conf.confState;
  }

  addNode(): SimNode {
    const id = `p${this.nextNodeNumber++}`;
    this.joining.add(id);
    this.event('membership', `new empty node ${id} starts`);
    return this.createNode(id, new MemoryStorage());
  }

  // --- NodeObserver ---------------------------------------------------------

  send(_node: SimNode, message: Message): void {
    this.network.send(message);
  }

  appending(node: SimNode, entries: readonly Entry[], prevTerm: number): void {
    this.checkers.appending(node.id, entries, prevTerm);
  }

  roleChanged(node: SimNode, role: Role, leader: NodeId): void {
    this.digest.record(`role ${node.id} ${role} term=${node.term} leader=${leader}`);
    if (role === 'leader') {
      this.checkers.becameLeader(node.id, node.term);
      this.injector.leaderElected(node, this.clock.tick);
      this.event('role', `${node.id} becomes leader of term ${node.term}`);
    } else if (role === 'candidate') {
      this.trace.note(this.clock.tick, `${node.id} campaigns in term ${node.term}`);
    }
  }

  leaderPersisted(node: SimNode): void {
    this.checkers.leaderLog(node.id, node.term, node.logView);
  }

  applied(node: SimNode, entry: Entry, write: { key: string; value: string } | undefined): void {
    this.digest.record(`a ${node.id} ${entry.index} ${entry.term}`);
    this.checkers.applied(node.id, node.term, entry, node.chain, write);
    this.clients.onApplied(node, entry);
  }

  restored(node: SimNode, snapshot: Snapshot): void {
    this.digest.record(`restore ${node.id} ${snapshot.meta.index} ${snapshot.meta.term}`);
    this.trace.note(this.clock.tick, `${node.id} restores snapshot ${snapshot.meta.index}/${snapshot.meta.term}`);
    this.checkers.restored(node.id, snapshot.meta.index, node.chain);
  }

  confApplied(node: SimNode, index: number, confState: ConfState): void {
    if (index <= this.conf.index) return;
    this.conf = { index, confState };
    const joint = confState.votersOutgoing.length > 0 ? ` outgoing [${confState.votersOutgoing.join(',')}]` : '';
    const learners = confState.learners.length > 0 ? ` learners [${confState.learners.join(',')}]` : '';
    this.event('membership', `${node.id} applies config ${index}: voters [${confState.voters.join(',')}]${joint}${learners}`);
    this.updateMembership(confState);
    if (confState.votersOutgoing.length > 0) this.injector.jointEntered(this.clock.tick);
  }

  confRejected(node: SimNode, index: number, reason: string): void {
    this.digest.record(`conf-rejected ${node.id} ${index}`);
    this.trace.note(this.clock.tick, `${node.id} skips invalid conf change ${index}: ${reason}`);
  }

  readReady(node: SimNode, state: ReadState): void {
    this.clients.onReadReady(node, state);
  }

  // --- ClientObserver -------------------------------------------------------

  writeAcked(node: SimNode, entry: Entry, proposedTick: number): void {
    this.digest.record(`ack ${node.id} ${entry.index}`);
    this.checkers.writeAcked(node.id, entry, proposedTick);
    if (this.listener !== undefined) this.emit('commit', `${node.id} acknowledges write #${entry.index} (term ${entry.term})`);
  }

  writeRejected(): void {}

  readBegun(readId: string, key: string): void {
    this.checkers.linearizableReads.beginRead(readId, key);
  }

  readServed(readId: string, node: SimNode, servedIndex: number, value: string | undefined): void {
    this.digest.record(`read ${node.id} ${servedIndex}`);
    this.checkers.linearizableReads.completeRead(readId, node.id, servedIndex, value);
  }

  readAbandoned(readId: string): void {
    this.checkers.linearizableReads.abandonRead(readId);
  }

  // --- NetworkListener ------------------------------------------------------

  deliver(message: Message): boolean {
    const node = this.nodes.get(message.to);
    if (node === undefined || !node.up) return false;
    this.trace.delivery(this.clock.tick, message);
    node.receive(message);
    if (message.type === 'snapshot') this.reportSnapshot(message, true);
    return true;
  }

  dropped(message: Message, reason: DropReason): void {
    if (message.type === 'snapshot') this.reportSnapshot(message, false);
    if (reason !== 'cut') return;
    const sender = this.nodes.get(message.from);
    if (sender?.up === true) sender.raw.reportUnreachable(message.to);
  }

  // --- internals ------------------------------------------------------------

  private createNode(id: NodeId, storage: MemoryStorage): SimNode {
    const node = new SimNode(
      {
        id,
        rules: rulesOf(this.config),
        sendBeforePersist: this.config.plant?.sendBeforePersist ?? false,
        electionTicks: this.config.electionTicks,
        maxMsgBytes: this.config.profile.maxMsgBytes,
        snapshotEveryEntries: this.config.snapshotEveryEntries,
        snapshotKeepEntries: this.config.snapshotKeepEntries,
      },
      storage,
      this.rng.fork(),
      this,
    );
    this.nodes.set(id, node);
    this.setBaseDiskLatency(node);
    return node;
  }

  private setBaseDiskLatency(node: SimNode): void {
    const [min, max] = this.config.profile.baseDiskLatencyTicks;
    node.baseDiskLatencyTicks = max > 0 && !this.injector.isHealed ? this.rng.int(min, max) : 0;
  }

  private stepMembership(tick: number): void {
    const plan = this.schedule.membership;
    if (plan === undefined || this.injector.isHealed) return;
    const again = this.membership?.done === true && this.config.profile.membershipRepeat;
    if ((this.membership === undefined && tick >= plan.atTick) || again) {
      const script = again ? pickMembershipScript(this.rng, this.config.peers, this.config.profile.membershipJointOnly) : plan.script;
      this.membership = new MembershipDriver(script, this.rng.fork(), this);
      this.event('membership', `membership script ${script} starts`);
    }
    this.membership?.onTick(tick);
  }

  /** Joining nodes become members once a config names them; removed members retire. */
  private updateMembership(confState: ConfState): void {
    const named = new Set([...confState.voters, ...confState.learners, ...confState.votersOutgoing, ...confState.learnersNext]);
    for (const id of [...this.joining]) if (named.has(id)) this.joining.delete(id);
    for (const node of this.nodes.values()) {
      if (named.has(node.id) || this.joining.has(node.id) || this.retired.has(node.id)) continue;
      this.retired.add(node.id);
      if (node.up) node.crash();
      this.clients.onNodeDown(node.id);
      this.event('membership', `${node.id} removed from the cluster and shut down`);
    }
  }

  private reportSnapshot(message: Message, ok: boolean): void {
    const sender = this.nodes.get(message.from);
    if (sender?.up === true) sender.raw.reportSnapshot(message.to, ok);
  }

  private scanLogs(): void {
    const views = new Map<NodeId, SimNode['logView']>();
    for (const node of this.nodes.values()) if (node.up) views.set(node.id, node.logView);
    this.checkers.logMatching.scan(views);
  }

  private event(kind: WorldEventKind, line: string): void {
    this.digest.record(line);
    this.trace.note(this.clock.tick, line);
    this.emit(kind, line);
  }

  private emit(kind: WorldEventKind, line: string): void {
    this.listener?.(this.clock.tick, kind, line);
  }
}
