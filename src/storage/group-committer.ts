import { performance } from 'node:perf_hooks';
import { assert } from '../util/assert.js';
import type { DurableLog, DurableUpdate } from './durable-log.js';
import type { StorageError } from './storage-error.js';

export interface GroupCommitterOptions {
  /** Most updates folded into one synced batch; bounds the batch size and the latency of its first waiter. */
  readonly updatesPerBatchMax?: number;
  /** Monotonic milliseconds, for latency metrics only. */
  readonly nowMs?: () => number;
}

export interface GroupCommitStats {
  /** Synced batches issued through this committer. */
  readonly batches: number;
  /** Updates saved; updates / batches is the mean group size. */
  readonly updates: number;
  /** fsyncs the underlying log performed (snapshot chunks add some). */
  readonly fsyncs: number;
  readonly updatesPerBatchLast: number;
  readonly updatesPerBatchMaxSeen: number;
  readonly fsyncLatencyMsLast: number;
  readonly fsyncLatencyMsMax: number;
  readonly fsyncLatencyMsTotal: number;
}

interface Waiter {
  readonly update: DurableUpdate;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Coalesces saves: while one synced batch is on its way to disk, later saves
 * queue up and then go down together in the next batch, so N proposals pay for
 * about one fsync instead of N. Saves resolve in call order, each only once
 * its update is durable. After a failed batch every queued and later save
 * fails with the same error: the peer must stop.
 */
export class GroupCommitter {
  private readonly queue: Waiter[] = [];
  private draining = false;
  private failure: unknown;
  private readonly updatesPerBatchMax: number;
  private readonly nowMs: () => number;
  private counters = { batches: 0, updates: 0, updatesPerBatchLast: 0, updatesPerBatchMaxSeen: 0 };
  private latency = { last: 0, max: 0, total: 0 };

  constructor(
    private readonly log: DurableLog,
    options: GroupCommitterOptions = {},
  ) {
    this.updatesPerBatchMax = options.updatesPerBatchMax ?? 1024;
    this.nowMs = options.nowMs ?? (() => performance.now());
    assert(Number.isSafeInteger(this.updatesPerBatchMax) && this.updatesPerBatchMax > 0);
  }

  save(update: DurableUpdate): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ update, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // One microtask of delay gathers every save issued in the same tick.
        queueMicrotask(() => void this.drain());
      }
    });
  }

  /** The error that stopped the committer, if any. */
  get failed(): StorageError | undefined {
    return this.failure as StorageError | undefined;
  }

  get queuedUpdates(): number {
    return this.queue.length;
  }

  stats(): GroupCommitStats {
    return {
      ...this.counters,
      fsyncs: this.log.stats().syncedWrites,
      fsyncLatencyMsLast: this.latency.last,
      fsyncLatencyMsMax: this.latency.max,
      fsyncLatencyMsTotal: this.latency.total,
    };
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.updatesPerBatchMax);
      const startMs = this.nowMs();
      try {
        await this.log.saveAll(group.map((waiter) => waiter.update));
      } catch (error) {
        this.failure = error;
        for (const waiter of [...group, ...this.queue.splice(0)]) waiter.reject(error);
        break;
      }
      this.record(group.length, this.nowMs() - startMs);
      for (const waiter of group) waiter.resolve();
    }
    this.draining = false;
  }

  private record(updates: number, latencyMs: number): void {
    this.counters.batches += 1;
    this.counters.updates += updates;
    this.counters.updatesPerBatchLast = updates;
    this.counters.updatesPerBatchMaxSeen = Math.max(this.counters.updatesPerBatchMaxSeen, updates);
    this.latency.last = latencyMs;
    this.latency.max = Math.max(this.latency.max, latencyMs);
    this.latency.total += latencyMs;
  }
}
