import { PendingRequests } from './pending-requests.js';

/** One ReadIndex request, shared by every caller that asked while it was open. */
interface ReadBatch {
  issuedAtMs: number;
  /** Handed to the core; when not (no leader, or its link is down), asked again every tick. */
  asked: boolean;
  /** The read index the leader answered with. */
  index?: number;
}

export interface ReadBarriersOptions {
  /** Unique per peer incarnation: request contexts must not collide across restarts. */
  readonly origin: string;
  readonly pendingMax: number;
  /** After this long without an answer a request is asked again (one election timeout). */
  readonly reaskAfterMs: number;
  /** Hands a request to the core (node.readIndex); false when it cannot be asked now. */
  readonly ask: (ctx: string) => boolean;
}

/**
 * The linearizable read barriers of one peer (ReadIndex, thesis §6.4), batched: callers
 * that arrive while a request is still waiting to be issued share it. A barrier resolves
 * once the peer has applied up to the read index the leader answered with.
 *
 * The peer's loop drives it: issue() when the request's turn comes, tick() to re-ask
 * lost or unasked requests, answered() with a Ready's read states, release() after
 * applying. Like everything the loop owns, it is touched by the loop only, except add().
 */
export class ReadBarriers {
  private readonly pending: PendingRequests<string, void>;
  private readonly batches = new Map<string, ReadBatch>();
  /** The request that new callers join, until the loop issues it. */
  private open: { ctx: string; promise: Promise<void> } | undefined;
  private seq = 0;

  constructor(private readonly options: ReadBarriersOptions) {
    this.pending = new PendingRequests(options.pendingMax, 'etcdserver: request timed out');
  }

  /**
   * A barrier for a caller. `created` is the context of a new request the loop must
   * issue, or undefined when the caller joined the open one.
   */
  add(deadlineMs: number): { promise: Promise<void>; created?: string } {
    if (this.open !== undefined) return { promise: this.open.promise };
    const ctx = `${this.options.origin}#${++this.seq}`;
    const promise = this.pending.add(ctx, deadlineMs);
    this.open = { ctx, promise };
    return { promise, created: ctx };
  }

  /** The loop's turn for a request: later callers start a new one. */
  issue(ctx: string, nowMs: number): void {
    if (this.open?.ctx === ctx) this.open = undefined;
    this.batches.set(ctx, { issuedAtMs: nowMs, asked: this.options.ask(ctx) });
  }

  /** Expires overdue barriers and asks again for requests not asked or not answered. */
  tick(nowMs: number): void {
    this.pending.expire(nowMs);
    for (const [ctx, batch] of this.batches) {
      if (!this.pending.has(ctx)) this.batches.delete(ctx);
      else if (batch.index === undefined && (!batch.asked || nowMs - batch.issuedAtMs > this.options.reaskAfterMs)) {
        // Not asked yet, or the request or its answer was lost (e.g. the leader changed).
        batch.issuedAtMs = nowMs;
        batch.asked = this.options.ask(ctx);
      }
    }
  }

  /** The leader's answer to a request: its read index. */
  answered(ctx: string, index: number): void {
    const batch = this.batches.get(ctx);
    if (batch !== undefined) batch.index = index;
  }

  /** Resolves every barrier whose read index this peer has applied. */
  release(appliedIndex: number): void {
    for (const [ctx, batch] of this.batches) {
      if (batch.index === undefined || batch.index > appliedIndex) continue;
      this.batches.delete(ctx);
      this.pending.resolve(ctx, undefined);
    }
  }

  reject(ctx: string, reason: Error): void {
    this.pending.reject(ctx, reason);
  }

  rejectAll(reason: Error): void {
    this.pending.rejectAll(reason);
  }
}
