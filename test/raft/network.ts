import { RawNode } from '../../src/raft/raw-node.js';
import { MemoryStorage } from '../../src/raft/memory-storage.js';
import { decodeConfChange } from '../../src/raft/conf-change.js';
import type { RaftConfig } from '../../src/raft/config.js';
import type { ConfState, Entry, Message, NodeId, ReadState } from '../../src/raft/types.js';
import { SeededRng } from '../../src/util/rng.js';

/**
 * A synchronous in-process network for core tests: every node follows the Ready
 * contract (persist, send, apply, advance) and messages are delivered until quiet.
 * A filter can drop messages to model partitions and losses.
 */
export interface TestNode {
  id: NodeId;
  node: RawNode;
  storage: MemoryStorage;
  applied: Entry[];
  readStates: ReadState[];
  confState: ConfState;
}

export type Filter = (m: Message) => boolean;

export class Network {
  nodes = new Map<NodeId, TestNode>();
  inFlight: Message[] = [];
  filter: Filter = () => true;
  sent: Message[] = [];

  constructor(
    ids: NodeId[],
    private readonly options: Partial<Omit<RaftConfig, 'id' | 'storage' | 'rng'>> = {},
    seed = 1,
  ) {
    const confState: ConfState = { voters: ids, learners: [], votersOutgoing: [], learnersNext: [] };
    for (const [i, id] of ids.entries()) this.add(id, MemoryStorage.bootstrap(confState), seed + i);
  }

  add(id: NodeId, storage: MemoryStorage, seed: number, applied = 0): TestNode {
    const node = new RawNode({ electionTicks: 10, heartbeatTicks: 1, ...this.options, id, storage, rng: new SeededRng(seed), applied });
    const entry: TestNode = { id, node, storage, applied: [], readStates: [], confState: storage.initialState().confState };
    this.nodes.set(id, entry);
    return entry;
  }

  get(id: NodeId): TestNode {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  /** Processes every node's Ready and delivers messages until nothing is left. */
  settle(maxRounds = 1000): void {
    for (let round = 0; round < maxRounds; round++) {
      for (const n of this.sortedNodes()) this.processReady(n);
      if (this.inFlight.length === 0) return;
      const batch = this.inFlight;
      this.inFlight = [];
      for (const m of batch) {
        const target = this.nodes.get(m.to);
        if (target !== undefined) target.node.step(m);
      }
    }
    throw new Error('network did not settle');
  }

  processReady(n: TestNode): void {
    while (n.node.hasReady()) {
      const rd = n.node.ready();
      if (rd.snapshot !== undefined) {
        n.storage.applySnapshot(rd.snapshot);
        n.confState = rd.snapshot.meta.confState;
      }
      n.storage.append(rd.entries);
      if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState);
      for (const m of rd.messages) {
        this.sent.push(m);
        if (this.filter(m)) this.inFlight.push(m);
      }
      for (const e of rd.committedEntries) {
        if (e.type === 'conf-change') n.confState = n.node.applyConfChange(decodeConfChange(e.data));
        n.applied.push(e);
      }
      n.readStates.push(...rd.readStates);
      n.node.advance(rd);
    }
  }

  tick(id: NodeId, times = 1): void {
    for (let i = 0; i < times; i++) this.get(id).node.tick();
  }

  tickAll(times = 1): void {
    for (let i = 0; i < times; i++) {
      for (const n of this.sortedNodes()) n.node.tick();
      this.settle();
    }
  }

  /** Campaigns `id` and settles; returns the node's role afterwards. */
  elect(id: NodeId): string {
    this.get(id).node.campaign();
    this.settle();
    return this.get(id).node.status().role;
  }

  leaders(): NodeId[] {
    return this.sortedNodes().filter((n) => n.node.status().role === 'leader').map((n) => n.id);
  }

  isolate(id: NodeId): void {
    this.filter = (m) => m.from !== id && m.to !== id;
  }

  heal(): void {
    this.filter = () => true;
  }

  sortedNodes(): TestNode[] {
    return [...this.nodes.keys()].sort().map((id) => this.get(id));
  }

  propose(id: NodeId, text: string): void {
    this.get(id).node.propose(new TextEncoder().encode(text));
    this.settle();
  }
}

export function appliedTexts(n: TestNode): string[] {
  return n.applied.filter((e) => e.type === 'normal' && e.data.byteLength > 0).map((e) => new TextDecoder().decode(e.data));
}
