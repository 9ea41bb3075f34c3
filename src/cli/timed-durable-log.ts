import type { Snapshot } from '../raft/types.js';
import type { DurableLog, DurableLogStats, DurableState, DurableUpdate, PartedImage } from '../storage/index.js';

/** A DurableLog that reports how long each synced write took (the fsync latency metric). */
export class TimedDurableLog implements DurableLog {
  constructor(
    private readonly inner: DurableLog,
    private readonly observeMs: (ms: number) => void,
  ) {}

  open(): Promise<DurableState> {
    return this.inner.open();
  }

  save(update: DurableUpdate): Promise<void> {
    return this.timed(this.inner.save(update));
  }

  saveAll(updates: readonly DurableUpdate[]): Promise<void> {
    return this.timed(this.inner.saveAll(updates));
  }

  stageSnapshot(snapshot: Snapshot, image?: PartedImage): Promise<void> {
    return this.inner.stageSnapshot(snapshot, image);
  }

  compact(throughIndex: number): Promise<void> {
    return this.inner.compact(throughIndex);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  stats(): DurableLogStats {
    return this.inner.stats();
  }

  private async timed(write: Promise<void>): Promise<void> {
    const startedMs = performance.now();
    await write;
    this.observeMs(performance.now() - startedMs);
  }
}
