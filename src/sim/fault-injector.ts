import type { NodeId } from '../raft/types.js';
import { assert } from '../util/assert.js';
import { isRaftplaneError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { FaultProfile } from './fault-profile.js';
import type { FaultSchedule, PlannedFault } from './fault-schedule.js';
import { CALM_NETWORK, type SimNetwork } from './sim-network.js';
import type { SimNode } from './sim-node.js';

/** What the injector needs from the world. */
export interface FaultTarget {
  readonly network: SimNetwork;
  /** Running members of the current configuration, in a deterministic order. */
  members(): SimNode[];
  /** Members including the ones that are down. */
  allMembers(): SimNode[];
  leader(): SimNode | undefined;
  crash(node: SimNode): void;
  restart(node: SimNode): void;
  note(line: string): void;
}

interface ActiveFault {
  readonly endTick: number;
  readonly end: () => void;
}

/**
 * Turns a seed's planned faults into actions on the world as ticks pass, and
 * undoes each one when it expires. heal() ends every fault at once.
 */
export class FaultInjector {
  private cursor = 0;
  private active: ActiveFault[] = [];
  private nextCutId = 1;
  private healed = false;
  private lossyPeriods = 0;
  private hunts: { atTick: number; node: SimNode; kind: 'crash' | 'partition-isolate'; durationTicks: number }[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly schedule: FaultSchedule,
    private readonly profile: FaultProfile,
    private readonly world: FaultTarget,
  ) {
    world.network.setConditions(profile.baseNetwork);
  }

  get isHealed(): boolean {
    return this.healed;
  }

  /** The leader-hunting nemesis: maybe strike a node that has just been elected. */
  leaderElected(node: SimNode, nowTick: number): void {
    if (this.healed || !this.rng.chance(this.profile.newLeaderFaultChance)) return;
    const [min, max] = this.profile.newLeaderFaultDelayTicks;
    const crash = this.rng.chance(this.profile.newLeaderCrashChance);
    const kind = crash ? 'crash' : 'partition-isolate';
    const durationTicks = this.rng.int(...(crash ? this.profile.crashDownTicks : this.profile.durationTicks));
    this.hunts.push({ atTick: nowTick + this.rng.int(min, max), node, kind, durationTicks });
  }

  /** The membership nemesis: maybe split the cluster the moment a joint configuration is entered. */
  jointEntered(nowTick: number): void {
    if (this.healed || !this.rng.chance(this.profile.jointSplitChance)) return;
    const durationTicks = this.rng.int(...this.profile.durationTicks);
    this.world.note('nemesis splits the cluster as it enters a joint configuration');
    this.start({ atTick: nowTick, kind: 'partition-split', durationTicks, targetLeader: false, magnitude: 0 }, nowTick);
  }

  onTick(nowTick: number): void {
    if (this.healed) return;
    if (nowTick >= this.schedule.healTick) {
      this.heal();
      return;
    }
    this.strikeHunted(nowTick);
    const expired = this.active.filter((f) => f.endTick <= nowTick);
    if (expired.length > 0) {
      this.active = this.active.filter((f) => f.endTick > nowTick);
      for (const fault of expired) fault.end();
    }
    const faults = this.schedule.faults;
    for (let next = faults[this.cursor]; next !== undefined && next.atTick <= nowTick; next = faults[this.cursor]) {
      this.cursor++;
      this.start(next, nowTick);
    }
  }

  /** Ends every fault: partitions healed, crashed members restarted, disks and clocks healthy, the wire calm. */
  heal(): void {
    this.healed = true;
    for (const fault of this.active) fault.end();
    this.active = [];
    this.hunts = [];
    this.lossyPeriods = 0;
    this.world.network.cuts.clear();
    this.world.network.setConditions(CALM_NETWORK);
    for (const node of this.world.allMembers()) {
      if (!node.up) this.world.restart(node);
      node.diskLatencyTicks = 0;
      node.baseDiskLatencyTicks = 0;
      node.tickEvery = 1;
    }
    this.world.note('heal: all faults end');
  }

  private start(fault: PlannedFault, nowTick: number, aimedAt?: SimNode): void {
    const members = this.world.members();
    if (members.length === 0) return;
    const endTick = nowTick + fault.durationTicks;
    const until = (end: () => void): void => {
      this.active.push({ endTick, end });
    };
    switch (fault.kind) {
      case 'partition-split':
      case 'partition-one-way':
        this.split(fault, members, until);
        return;
      case 'partition-isolate': {
        const target = this.target(fault, members, aimedAt);
        const rest = this.world.allMembers().filter((n) => n !== target).map((n) => n.id);
        this.cut([target.id], rest, true, `isolate ${target.id}`, until);
        return;
      }
      case 'crash': {
        const target = this.target(fault, members, aimedAt);
        this.world.crash(target);
        until(() => {
          if (!target.up) this.world.restart(target);
        });
        return;
      }
      case 'slow-disk': {
        const target = this.target(fault, members, aimedAt);
        target.diskLatencyTicks = fault.magnitude;
        this.world.note(`slow disk on ${target.id}: +${fault.magnitude} ticks per write`);
        until(() => {
          target.diskLatencyTicks = 0;
          this.world.note(`disk of ${target.id} healthy`);
        });
        return;
      }
      case 'clock-skew': {
        const target = this.target(fault, members, aimedAt);
        target.tickEvery = fault.magnitude;
        this.world.note(`clock of ${target.id} runs 1/${fault.magnitude} speed`);
        until(() => {
          target.tickEvery = 1;
          this.world.note(`clock of ${target.id} normal`);
        });
        return;
      }
      case 'lossy-network':
        this.lossyPeriods++;
        this.world.network.setConditions(this.profile.lossyNetwork);
        this.world.note('network lossy');
        until(() => {
          this.lossyPeriods--;
          if (this.lossyPeriods > 0) return;
          this.world.network.setConditions(this.profile.baseNetwork);
          this.world.note('network back to base conditions');
        });
        return;
      case 'transfer-leadership':
        this.transfer();
        return;
    }
  }

  private strikeHunted(nowTick: number): void {
    if (this.hunts.length === 0) return;
    const due = this.hunts.filter((h) => h.atTick <= nowTick);
    this.hunts = this.hunts.filter((h) => h.atTick > nowTick);
    for (const hunt of due) {
      if (!hunt.node.up || !this.world.members().includes(hunt.node)) continue;
      this.world.note(`nemesis strikes new leader ${hunt.node.id}`);
      this.start({ atTick: nowTick, kind: hunt.kind, durationTicks: hunt.durationTicks, targetLeader: false, magnitude: 0 }, nowTick, hunt.node);
    }
  }

  private target(fault: PlannedFault, members: readonly SimNode[], aimedAt?: SimNode): SimNode {
    if (aimedAt !== undefined) return aimedAt;
    const leader = fault.targetLeader ? this.world.leader() : undefined;
    return leader ?? this.rng.pick(members);
  }

  private split(fault: PlannedFault, members: readonly SimNode[], until: (end: () => void) => void): void {
    const ids = this.world.allMembers().map((n) => n.id);
    if (ids.length < 2) return;
    const shuffled = [...ids];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = this.rng.int(0, i);
      [shuffled[i], shuffled[j]] = [shuffled[j] as NodeId, shuffled[i] as NodeId];
    }
    const leader = fault.targetLeader ? this.world.leader() : undefined;
    const sizeA = this.rng.int(1, ids.length - 1);
    let sideA = shuffled.slice(0, sizeA);
    if (leader !== undefined && !sideA.includes(leader.id)) sideA = [leader.id, ...sideA.slice(1)];
    const sideB = ids.filter((id) => !sideA.includes(id));
    assert(members.length > 0, 'split needs members');
    const symmetric = fault.kind === 'partition-split';
    const what = symmetric ? `partition [${sideA.join(',')}] | [${sideB.join(',')}]` : `one-way cut [${sideA.join(',')}] ↛ [${sideB.join(',')}]`;
    this.cut(sideA, sideB, symmetric, what, until);
  }

  private cut(from: NodeId[], to: NodeId[], symmetric: boolean, what: string, until: (end: () => void) => void): void {
    if (from.length === 0 || to.length === 0) return;
    const id = this.nextCutId++;
    this.world.network.cuts.add({ id, from, to, symmetric });
    this.world.note(what);
    until(() => {
      this.world.network.cuts.remove(id);
      this.world.note(`heal: ${what}`);
    });
  }

  private transfer(): void {
    const leader = this.world.leader();
    if (leader === undefined) return;
    const voters = leader.confState.voters.filter((id) => id !== leader.id);
    if (voters.length === 0) return;
    const to = this.rng.pick([...voters].sort());
    try {
      leader.raw.transferLeadership(to);
      this.world.note(`transfer leadership ${leader.id} → ${to}`);
    } catch (error) {
      if (!isRaftplaneError(error)) throw error;
    }
  }
}
