import type { Message, NodeId } from './types.js';

/**
 * ReadIndex bookkeeping on the leader (thesis §6.4). Each read records the commit
 * index at the time it arrived; the leader piggybacks the request context on a
 * heartbeat round, and once a quorum has answered the read is released, together
 * with every read queued before it (a later confirmation covers earlier reads).
 */
export interface ReadIndexStatus {
  readonly request: Message;
  readonly index: number;
  readonly acks: Set<NodeId>;
}

export class ReadOnlyQueue {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  get size(): number {
    return this.queue.length;
  }

  addRequest(index: number, request: Message, ctx: Uint8Array): void {
    const key = ctxKey(ctx);
    if (this.pending.has(key)) return;
    this.pending.set(key, { index, request, acks: new Set() });
    this.queue.push(key);
  }

  /** Records a heartbeat ack for the read with this context; returns its acks so far. */
  recvAck(from: NodeId, ctx: Uint8Array): Set<NodeId> | undefined {
    const status = this.pending.get(ctxKey(ctx));
    if (status === undefined) return undefined;
    status.acks.add(from);
    return status.acks;
  }

  /** Releases the read with this context and every read queued before it. */
  advance(ctx: Uint8Array): ReadIndexStatus[] {
    const key = ctxKey(ctx);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const released = this.queue.slice(0, at + 1);
    this.queue = this.queue.slice(at + 1);
    const out: ReadIndexStatus[] = [];
    for (const k of released) {
      const status = this.pending.get(k);
      if (status !== undefined) out.push(status);
      this.pending.delete(k);
    }
    return out;
  }

  lastPendingContext(): Uint8Array | undefined {
    const key = this.queue[this.queue.length - 1];
    if (key === undefined) return undefined;
    return this.pending.get(key)?.request.context;
  }

  reset(): void {
    this.pending.clear();
    this.queue = [];
  }
}

function ctxKey(ctx: Uint8Array): string {
  return Buffer.from(ctx.buffer, ctx.byteOffset, ctx.byteLength).toString('base64');
}
