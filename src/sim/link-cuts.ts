import type { NodeId } from '../raft/types.js';

export interface Cut {
  readonly id: number;
  /** Messages from any node in `from` to any node in `to` are lost. */
  readonly from: readonly NodeId[];
  readonly to: readonly NodeId[];
  /** Also cut the reverse direction. */
  readonly symmetric: boolean;
}

/**
 * The partitions in force. Several may overlap; a link is down while any cut
 * covers it. Nodes that join after a cut was made are on neither side of it.
 */
export class LinkCuts {
  private readonly cuts = new Map<number, Cut>();
  private blocked = new Map<NodeId, Set<NodeId>>();

  add(cut: Cut): void {
    this.cuts.set(cut.id, cut);
    this.rebuild();
  }

  remove(id: number): boolean {
    const removed = this.cuts.delete(id);
    if (removed) this.rebuild();
    return removed;
  }

  clear(): void {
    this.cuts.clear();
    this.rebuild();
  }

  get activeCount(): number {
    return this.cuts.size;
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.blocked.get(from)?.has(to) ?? false;
  }

  private rebuild(): void {
    const blocked = new Map<NodeId, Set<NodeId>>();
    const block = (from: NodeId, to: NodeId): void => {
      let targets = blocked.get(from);
      if (targets === undefined) {
        targets = new Set();
        blocked.set(from, targets);
      }
      targets.add(to);
    };
    for (const cut of this.cuts.values()) {
      for (const from of cut.from) {
        for (const to of cut.to) {
          if (from === to) continue;
          block(from, to);
          if (cut.symmetric) block(to, from);
        }
      }
    }
    this.blocked = blocked;
  }
}
