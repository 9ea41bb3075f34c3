import { isRaftplaneError } from '../util/errors.js';
import type { Entry, NodeId, ReadState } from '../raft/types.js';
import type { Rng } from '../util/rng.js';
import { bytesText, entryText, textBytes } from './entry-text.js';
import type { SimNode } from './sim-node.js';

export interface ClientOptions {
  readonly clientCount: number;
  /** Chance per tick that an idle client starts an operation. */
  readonly opChance: number;
  readonly readFraction: number;
  readonly keys: readonly string[];
  readonly timeoutTicks: number;
  /** Ticks a client waits after a peer refused its operation (no leader known, say). */
  readonly backoffTicks: number;
}

export interface ClientObserver {
  writeAcked(node: SimNode, entry: Entry, proposedTick: number): void;
  writeRejected(nodeId: NodeId, code: string): void;
  readBegun(readId: string, key: string, nodeId: NodeId): void;
  readServed(readId: string, node: SimNode, servedIndex: number, value: string | undefined): void;
  readAbandoned(readId: string): void;
}

interface Op {
  readonly clientId: number;
  readonly kind: 'write' | 'read';
  readonly key: string;
  readonly nodeId: NodeId;
  readonly startTick: number;
}

/**
 * Clients that write unique `key=value` pairs and issue ReadIndex reads against
 * random peers, one operation at a time each. A write is acknowledged when the
 * peer it was proposed to applies it; a read is served once that peer has
 * applied the read index. Operations that time out are indeterminate and
 * checked no further.
 */
export class SimClients {
  /** Pending operations by token: the write's payload text or the read's context text. */
  private readonly pending = new Map<string, Op>();
  private readonly busy: boolean[];
  /** Tick before which each client stays idle after a refusal. */
  private readonly idleUntil: number[];
  private seq = 0;
  private acked = 0;
  private served = 0;

  constructor(
    private readonly rng: Rng,
    private readonly options: ClientOptions,
    private readonly observer: ClientObserver,
  ) {
    this.busy = new Array<boolean>(options.clientCount).fill(false);
    this.idleUntil = new Array<number>(options.clientCount).fill(0);
  }

  get stats(): { acked: number; served: number } {
    return { acked: this.acked, served: this.served };
  }

  /** Starts new operations on idle clients and expires old ones. */
  step(nowTick: number, targets: readonly SimNode[]): void {
    this.expire(nowTick);
    if (targets.length === 0) return;
    for (let clientId = 0; clientId < this.options.clientCount; clientId++) {
      if (this.busy[clientId] === true || (this.idleUntil[clientId] ?? 0) > nowTick) continue;
      if (!this.rng.chance(this.options.opChance)) continue;
      const node = this.rng.pick(targets);
      const key = this.rng.pick(this.options.keys);
      if (this.rng.chance(this.options.readFraction)) this.startRead(clientId, node, key, nowTick);
      else this.startWrite(clientId, node, key, nowTick);
    }
  }

  /** Every entry applied anywhere; acknowledges a write applied on the peer it was proposed to. */
  onApplied(node: SimNode, entry: Entry): void {
    if (entry.type !== 'normal' || entry.data.byteLength === 0 || this.pending.size === 0) return;
    const token = entryText(entry);
    const op = this.pending.get(token);
    if (op === undefined || op.kind !== 'write' || op.nodeId !== node.id) return;
    this.finish(token, op);
    this.acked++;
    this.observer.writeAcked(node, entry, op.startTick);
  }

  onReadReady(node: SimNode, state: ReadState): void {
    const token = bytesText(state.requestCtx);
    const op = this.pending.get(token);
    if (op === undefined || op.kind !== 'read' || op.nodeId !== node.id) return;
    this.finish(token, op);
    this.served++;
    this.observer.readServed(token, node, node.appliedIndex, node.read(op.key));
  }

  /** A crashed peer answers nothing: its clients give up at once. */
  onNodeDown(nodeId: NodeId): void {
    for (const [token, op] of this.pending) {
      if (op.nodeId === nodeId) this.abandon(token, op);
    }
  }

  private startWrite(clientId: number, node: SimNode, key: string, nowTick: number): void {
    const token = `${key}=c${clientId}.${this.seq++}`;
    try {
      node.raw.propose(textBytes(token));
    } catch (error) {
      if (!isRaftplaneError(error)) throw error;
      this.observer.writeRejected(node.id, error.code);
      this.idleUntil[clientId] = nowTick + this.options.backoffTicks;
      return;
    }
    this.busy[clientId] = true;
    this.pending.set(token, { clientId, kind: 'write', key, nodeId: node.id, startTick: nowTick });
  }

  private startRead(clientId: number, node: SimNode, key: string, nowTick: number): void {
    const token = `read:${key}:c${clientId}.${this.seq++}`;
    this.observer.readBegun(token, key, node.id);
    try {
      node.raw.readIndex(textBytes(token));
    } catch (error) {
      if (!isRaftplaneError(error)) throw error;
      this.observer.readAbandoned(token);
      this.idleUntil[clientId] = nowTick + this.options.backoffTicks;
      return;
    }
    this.busy[clientId] = true;
    this.pending.set(token, { clientId, kind: 'read', key, nodeId: node.id, startTick: nowTick });
  }

  private expire(nowTick: number): void {
    for (const [token, op] of this.pending) {
      if (nowTick - op.startTick > this.options.timeoutTicks) this.abandon(token, op);
    }
  }

  private abandon(token: string, op: Op): void {
    this.finish(token, op);
    if (op.kind === 'read') this.observer.readAbandoned(token);
  }

  private finish(token: string, op: Op): void {
    this.pending.delete(token);
    this.busy[op.clientId] = false;
  }
}
