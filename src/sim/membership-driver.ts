import type { ConfChange, ConfChangeSingle } from '../raft/conf-change.js';
import type { ConfState, NodeId } from '../raft/types.js';
import { isRaftplaneError } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { MEMBERSHIP_SCRIPTS, type MembershipScriptName, type MembershipStep, type Slot } from './membership-script.js';
import type { SimNode } from './sim-node.js';

export interface MembershipWorld {
  leader(): SimNode | undefined;
  /** The newest configuration any node has applied. */
  latestConf(): ConfState;
  /** Creates and starts an empty node that will join by snapshot. */
  addNode(): SimNode;
  note(line: string): void;
}

const RETRY_TICKS = 5;
const REPROPOSE_TICKS = 80;

/**
 * Runs one membership script against the cluster: each step is proposed to
 * the current leader (retried while there is none or another change is
 * pending) and counts as done once the newest applied configuration shows it.
 */
export class MembershipDriver {
  private readonly steps: readonly MembershipStep[];
  private stepIndex = 0;
  private readonly slots = new Map<Slot, NodeId>();
  private nextAttemptTick = 0;
  private proposedAtTick: number | undefined;

  constructor(
    readonly script: MembershipScriptName,
    private readonly rng: Rng,
    private readonly world: MembershipWorld,
  ) {
    this.steps = MEMBERSHIP_SCRIPTS[script];
  }

  get done(): boolean {
    return this.stepIndex >= this.steps.length;
  }

  onTick(nowTick: number): void {
    const step = this.steps[this.stepIndex];
    if (step === undefined) return;
    if (this.slots.size === 0) this.chooseOldVoters();
    if (this.isDone(step, this.world.latestConf())) {
      this.world.note(`membership step done: ${this.describe(step)}`);
      this.stepIndex++;
      this.proposedAtTick = undefined;
      return;
    }
    if (nowTick < this.nextAttemptTick) return;
    if (this.proposedAtTick !== undefined && nowTick - this.proposedAtTick < REPROPOSE_TICKS) return;
    this.tryPropose(step, nowTick);
  }

  private tryPropose(step: MembershipStep, nowTick: number): void {
    const leader = this.world.leader();
    if (leader === undefined || this.world.latestConf().votersOutgoing.length > 0) {
      this.nextAttemptTick = nowTick + RETRY_TICKS;
      return;
    }
    this.ensureNewNodes(step);
    try {
      leader.raw.proposeConfChange(this.changeFor(step));
    } catch (error) {
      if (!isRaftplaneError(error)) throw error;
      this.nextAttemptTick = nowTick + RETRY_TICKS;
      return;
    }
    this.proposedAtTick = nowTick;
    this.world.note(`propose membership change on ${leader.id}: ${this.describe(step)}`);
  }

  private chooseOldVoters(): void {
    const voters = [...this.world.latestConf().voters].sort();
    const old1 = this.rng.pick(voters);
    this.slots.set('old1', old1);
    const others = voters.filter((id) => id !== old1);
    if (others.length > 0) this.slots.set('old2', this.rng.pick(others));
  }

  private ensureNewNodes(step: MembershipStep): void {
    const needed: Slot[] = step.op === 'joint' ? [...step.add] : step.op === 'add-learner' ? [step.node] : [];
    for (const slot of needed) {
      if (!this.slots.has(slot)) this.slots.set(slot, this.world.addNode().id);
    }
  }

  private id(slot: Slot): NodeId {
    const id = this.slots.get(slot);
    if (id === undefined) throw new Error(`membership slot ${slot} is unassigned`);
    return id;
  }

  private changeFor(step: MembershipStep): ConfChange {
    const single = (type: ConfChangeSingle['type'], slot: Slot): ConfChangeSingle => ({ type, nodeId: this.id(slot) });
    switch (step.op) {
      case 'add-learner':
        return { changes: [single('add-learner', step.node)] };
      case 'promote':
        return { changes: [single('add-voter', step.node)] };
      case 'remove':
        return { changes: [single('remove-node', step.node)] };
      case 'joint':
        return {
          changes: [...step.add.map((s) => single('add-voter', s)), ...step.remove.map((s) => single('remove-node', s))],
        };
    }
  }

  private isDone(step: MembershipStep, conf: ConfState): boolean {
    const has = (list: readonly NodeId[], slot: Slot): boolean => {
      const id = this.slots.get(slot);
      return id !== undefined && list.includes(id);
    };
    const settled = conf.votersOutgoing.length === 0;
    const gone = (slot: Slot): boolean =>
      !has(conf.voters, slot) && !has(conf.votersOutgoing, slot) && !has(conf.learners, slot) && !has(conf.learnersNext, slot);
    switch (step.op) {
      case 'add-learner':
        return has(conf.learners, step.node) || has(conf.voters, step.node);
      case 'promote':
        return settled && has(conf.voters, step.node);
      case 'remove':
        return settled && gone(step.node);
      case 'joint':
        return settled && step.add.every((s) => has(conf.voters, s)) && step.remove.every(gone);
    }
  }

  private describe(step: MembershipStep): string {
    const name = (slot: Slot): string => this.slots.get(slot) ?? slot;
    switch (step.op) {
      case 'joint':
        return `joint +[${step.add.map(name).join(',')}] -[${step.remove.map(name).join(',')}]`;
      default:
        return `${step.op} ${name(step.node)}`;
    }
  }
}
