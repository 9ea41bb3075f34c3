import type { NodeId } from '../raft/types.js';

/**
 * Tells the owner that a peer lost messages or its link, on a later microtask and
 * at most once per peer per turn, so that a burst of drops (or a send() from the
 * owner's own loop) never calls back into the owner re-entrantly.
 */
export class UnreachableReporter {
  private readonly callbacks: Array<(peer: NodeId) => void> = [];
  private readonly pending = new Set<NodeId>();

  onUnreachable(callback: (peer: NodeId) => void): void {
    this.callbacks.push(callback);
  }

  report(peer: NodeId): void {
    if (this.callbacks.length === 0 || this.pending.has(peer)) return;
    const first = this.pending.size === 0;
    this.pending.add(peer);
    if (first) queueMicrotask(() => this.flush());
  }

  private flush(): void {
    const peers = [...this.pending];
    this.pending.clear();
    for (const peer of peers) for (const callback of this.callbacks) callback(peer);
  }
}
